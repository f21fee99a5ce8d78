/**
 * @file crsnap.c  A contact record frozen into one flat block.
 *
 * The block is a header (scalars, string offsets) followed by an arena:
 * strings as [u32 length][bytes][NUL] and arrays of offsets. Offsets are
 * from the block's start, 0 meaning "none" (the header sits there), so a
 * block copied byte for byte is the same record. It is sized in one pass
 * and written in a second, into a single zeroed allocation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/store/crsnap.h>
#include <callflowd/store/records.h>
#include <callflowd/core/strmap.h>

#include "crsnap_priv.h"

/* -- building -- */

struct wr {
	uint8_t *base;		/* NULL while sizing */
	size_t pos;
};

static uint32_t reserve(struct wr *w, size_t n, size_t align)
{
	uint32_t off;

	w->pos = (w->pos + align - 1) & ~(align - 1);
	off = (uint32_t)w->pos;
	w->pos += n;
	return off;
}

static uint32_t put_strn(struct wr *w, const char *s, size_t len)
{
	uint32_t off, l = (uint32_t)len;

	if (!s)
		return 0;
	off = reserve(w, sizeof(l) + len + 1, sizeof(l));
	if (w->base) {
		memcpy(w->base + off, &l, sizeof(l));
		memcpy(w->base + off + sizeof(l), s, len);
	}
	return off;
}

/* "" is stored as none: the record writes null for both */
static uint32_t put_str(struct wr *w, const char *s)
{
	return s && *s ? put_strn(w, s, strlen(s)) : 0;
}

static void set_u32(struct wr *w, uint32_t off, uint32_t v)
{
	if (w->base)
		memcpy(w->base + off, &v, sizeof(v));
}

static uint32_t put_map(struct wr *w, const struct strmap *map,
			const struct strmap *redact, uint32_t *countp)
{
	size_t i, n = strmap_count(map);
	uint32_t arr;

	*countp = (uint32_t)n;
	if (!n)
		return 0;
	arr = reserve(w, n * sizeof(struct snkv), sizeof(uint32_t));
	for (i = 0; i < n; i++) {
		const struct strmap_ent *e = strmap_at(map, i);
		uint32_t at = arr + (uint32_t)(i * sizeof(struct snkv));
		bool masked = redact && strmap_getn(redact, e->key, e->klen,
						    NULL);

		set_u32(w, at, put_strn(w, e->key, e->klen));
		set_u32(w, at + sizeof(uint32_t), masked ?
			put_strn(w, RECORDS_REDACTED,
				 sizeof(RECORDS_REDACTED) - 1) :
			put_strn(w, e->val, e->vlen));
	}
	return arr;
}

static uint32_t put_recordings(struct wr *w, const struct crecord_info *info)
{
	uint32_t arr;
	size_t i;

	if (!info->recordingc)
		return 0;
	arr = reserve(w, info->recordingc * sizeof(struct snrec), 8);
	for (i = 0; i < info->recordingc; i++) {
		const struct crecord_recording *rc = &info->recordingv[i];
		struct snrec r;

		memset(&r, 0, sizeof(r));
		r.start_ms = rc->start_ms;
		r.stop_ms = rc->stop_ms;
		r.location = put_str(w, rc->location);
		r.participant = put_str(w, rc->participant);
		r.pausec = (uint32_t)rc->pausec;
		if (rc->pausec) {
			size_t bytes = rc->pausec * sizeof(struct snspan);

			r.pausev = reserve(w, bytes, 8);
			if (w->base)
				memcpy(w->base + r.pausev, rc->pausev, bytes);
		}
		if (w->base)
			memcpy(w->base + arr + i * sizeof(r), &r, sizeof(r));
	}
	return arr;
}

static void fill(struct wr *w, struct crsnap *h, const struct cdata *cd,
		 const struct crecord_info *info, const struct strmap *redact)
{
	h->method = cd ? (uint32_t)cd->method : INIT_INBOUND;
	h->queue_priority = cd ? cd->queue_priority : 5;
	h->agent_attempts = info->agent_attempts;
	h->holds = info->holds;
	h->t[T_INIT] = info->initiated_ms;
	h->t[T_CONN] = info->connected_ms;
	h->t[T_DISC] = info->disconnected_ms;
	h->t[T_ENQ] = info->enqueued_ms;
	h->t[T_DEQ] = info->dequeued_ms;
	h->t[T_AGENT_CONN] = info->agent_connected_ms;
	h->t[T_AGENT_END] = info->agent_ended_ms;
	h->t[T_XFER_DONE] = info->transfer_completed_ms;
	h->t[T_HOLD] = info->hold_ms;
	h->t[T_LONGEST_HOLD] = info->longest_hold_ms;
	h->t[T_ACW_END] = info->acw_end_ms;
	if (info->acw_end_ms > info->disconnected_ms)
		h->t[T_LAST_UPDATE] = info->acw_end_ms;
	if (info->queue_name)
		h->flags |= F_QUEUE;
	if (info->failure || info->sip_status)
		h->flags |= F_FAILURE;

	if (cd) {
		h->s[S_CONTACT] = put_str(w, cd->contact_id);
		h->s[S_INITIAL] = put_str(w, cd->initial_contact_id);
		h->s[S_PREVIOUS] = put_str(w, cd->previous_contact_id);
		h->s[S_CUSTOMER] = put_str(w, cd->customer_addr);
		h->s[S_SYSTEM] = put_str(w, cd->system_addr);
		h->s[S_AGENT_USER] = put_str(w, cd->agent_username);
		h->s[S_AGENT_ARN] = put_str(w, cd->agent_arn);
		h->attrs = put_map(w, cd->attrs, redact, &h->nattrs);
		h->tags = put_map(w, cd->tags, NULL, &h->ntags);
	}
	h->s[S_DISC_REASON] = put_str(w, info->disconnect_reason);
	h->s[S_FLOW] = put_str(w, info->flow_name);
	h->s[S_SIP_STATUS] = put_str(w, info->sip_status);
	h->s[S_FAILURE] = put_str(w, info->failure);
	h->s[S_QUEUE] = put_str(w, info->queue_name);
	h->s[S_NEXT_CONTACT] = put_str(w, info->next_contact_id);
	h->s[S_TRANSFERRED_TO] = put_str(w, info->transferred_to);
	h->s[S_REC_STATUS] = put_str(w, info->recording_status);
	h->recs = put_recordings(w, info);
	h->nrecs = (uint32_t)info->recordingc;
}

int crsnap_build(struct crsnap **snapp, const struct cdata *cd,
		 const struct crecord_info *info, const struct strmap *redact)
{
	struct crsnap hdr, *s;
	struct wr w;

	if (!snapp || !info)
		return EINVAL;

	/* pass 1: the size */
	memset(&hdr, 0, sizeof(hdr));
	w.base = NULL;
	w.pos = sizeof(hdr);
	fill(&w, &hdr, cd, info, redact);
	if (w.pos > UINT32_MAX)
		return EOVERFLOW;

	/* pass 2: the same walk into the block (zeroed: padding compares) */
	s = mem_zalloc(w.pos, NULL);
	if (!s)
		return ENOMEM;
	w.base = (uint8_t *)s;
	w.pos = sizeof(*s);
	fill(&w, s, cd, info, redact);
	s->size = (uint32_t)w.pos;
	*snapp = s;
	return 0;
}

int crsnap_acw_end(struct crsnap **revp, const struct crsnap *s,
		   uint64_t acw_end_ms)
{
	struct crsnap *r;

	if (!revp || !s)
		return EINVAL;
	if (!crsnap_has_agent(s))
		return EINVAL;

	r = mem_alloc(s->size, NULL);
	if (!r)
		return ENOMEM;
	memcpy(r, s, s->size);
	r->t[T_ACW_END] = acw_end_ms;
	r->t[T_LAST_UPDATE] = acw_end_ms;
	*revp = r;
	return 0;
}

bool crsnap_equal(const struct crsnap *a, const struct crsnap *b)
{
	if (!a || !b)
		return a == b;
	return a->size == b->size && !memcmp(a, b, a->size);
}

size_t crsnap_size(const struct crsnap *s)
{
	return s ? s->size : 0;
}

/* -- reading -- */

static const char *S(const struct crsnap *s, enum sidx i)
{
	return crsnap_str(s, s->s[i], NULL);
}

const char *crsnap_contact_id(const struct crsnap *s)
{
	return s ? S(s, S_CONTACT) : NULL;
}

bool crsnap_has_agent(const struct crsnap *s)
{
	return s && s->s[S_AGENT_USER] && s->t[T_AGENT_CONN];
}

uint64_t crsnap_initiated_ms(const struct crsnap *s)
{
	return s ? s->t[T_INIT] : 0;
}

const char *crsnap_customer(const struct crsnap *s)
{
	return s ? S(s, S_CUSTOMER) : NULL;
}

const char *crsnap_system(const struct crsnap *s)
{
	return s ? S(s, S_SYSTEM) : NULL;
}

const char *crsnap_flow_name(const struct crsnap *s)
{
	return s ? S(s, S_FLOW) : NULL;
}
