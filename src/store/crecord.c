/**
 * @file crecord.c  A contact record in Connect's field names, printed from
 * a snapshot (crsnap.h), on whichever thread holds it.
 *
 * Stored input and encrypted values never reach a record: only the
 * contact attributes, which a flow sets explicitly, are written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/store/crsnap.h>
#include <callflowd/store/records.h>
#include <callflowd/core/util.h>
#include "crsnap_priv.h"

static json_t *ts(uint64_t ms)
{
	char buf[40];

	if (!ms)
		return json_null();
	util_iso8601(buf, sizeof(buf), ms);
	return json_string(buf);
}

static json_t *str_or_null(const struct crsnap *s, uint32_t off)
{
	size_t len;
	const char *p = crsnap_str(s, off, &len);

	return p ? json_stringn(p, len) : json_null();
}

static json_t *endpoint(const struct crsnap *s, uint32_t off)
{
	json_t *addr;

	if (!off)
		return json_null();
	addr = str_or_null(s, off);
	return json_pack("{s:o, s:s}", "Address", addr,
			 "Type", "TELEPHONE_NUMBER");
}

static json_t *map_obj(const struct crsnap *s, uint32_t arr, uint32_t n)
{
	json_t *o = json_object();
	uint32_t i;

	for (i = 0; o && i < n; i++) {
		struct snkv kv;
		const char *key, *val;
		size_t klen, vlen;

		memcpy(&kv, (const uint8_t *)s + arr + i * sizeof(kv),
		       sizeof(kv));
		key = crsnap_str(s, kv.key, &klen);
		val = crsnap_str(s, kv.val, &vlen);
		if (!key || !val)
			continue;
		/* keys come from a strmap: no NUL inside, NUL-terminated */
		json_object_set_new(o, key, json_stringn(val, vlen));
	}
	return o;
}

static void rec_at(struct snrec *r, const struct crsnap *s, uint32_t i)
{
	memcpy(r, (const uint8_t *)s + s->recs + i * sizeof(*r), sizeof(*r));
}

/* Recordings[] (callflowd adds PausedSpans: silence in the file) */
static json_t *recordings(const struct crsnap *s)
{
	json_t *a = json_array();
	uint32_t i, j;

	for (i = 0; a && i < s->nrecs; i++) {
		json_t *paused = json_array();
		const char *part;
		struct snrec rc;

		rec_at(&rc, s, i);
		part = crsnap_str(s, rc.participant, NULL);
		for (j = 0; paused && j < rc.pausec; j++) {
			struct snspan sp;

			memcpy(&sp, (const uint8_t *)s + rc.pausev +
			       j * sizeof(sp), sizeof(sp));
			json_array_append_new(paused, json_pack("{s:o, s:o}",
				"StartTimestamp", ts(sp.start_ms),
				"StopTimestamp", ts(sp.stop_ms)));
		}
		json_array_append_new(a, json_pack(
			"{s:o, s:s, s:s, s:o, s:o, s:o}",
			"Location", str_or_null(s, rc.location),
			"MediaStreamType", "AUDIO",
			"ParticipantType", part ? part : "ALL",
			"StartTimestamp", ts(rc.start_ms),
			"StopTimestamp", ts(rc.stop_ms),
			"PausedSpans", paused ? paused : json_array()));
	}
	return a;
}

static const char *str_or(const struct crsnap *s, enum sidx i,
			  const char *dflt)
{
	const char *p = crsnap_str(s, s->s[i], NULL);

	return p ? p : dflt;
}

/* Seconds, rounded, as Connect gives durations. */
static json_t *secs(uint64_t ms)
{
	return json_integer((json_int_t)((ms + 500) / 1000));
}

static json_t *agent_obj(const struct crsnap *s)
{
	const uint64_t *t = s->t;
	uint64_t end = t[T_AGENT_END] ? t[T_AGENT_END] : t[T_DISC];
	json_t *agent;

	if (end < t[T_AGENT_CONN])
		end = t[T_AGENT_CONN];

	agent = json_pack("{s:s, s:o, s:o, s:I, s:o, s:o}",
		"Username", str_or(s, S_AGENT_USER, ""),
		"ARN", str_or_null(s, s->s[S_AGENT_ARN]),
		"ConnectedToAgentTimestamp", ts(t[T_AGENT_CONN]),
		"NumberOfHolds", (json_int_t)s->holds,
		"CustomerHoldDuration", secs(t[T_HOLD]),
		"LongestHoldDuration", secs(t[T_LONGEST_HOLD]));
	if (!agent)
		return NULL;
	/* the agent's part ends when the contact leaves the agent (the
	 * hang-up, or earlier when the customer stays in a flow or is
	 * transferred); after-contact work starts then, and its end may
	 * come in a later revision of the record */
	json_object_set_new(agent, "AgentInteractionDuration",
			    secs(end - t[T_AGENT_CONN]));
	json_object_set_new(agent, "AfterContactWorkStartTimestamp", ts(end));
	if (t[T_ACW_END]) {
		json_object_set_new(agent, "AfterContactWorkEndTimestamp",
				    ts(t[T_ACW_END]));
		json_object_set_new(agent, "AfterContactWorkDuration",
				    secs(t[T_ACW_END] > end ?
					 t[T_ACW_END] - end : 0));
	}
	return agent;
}

static json_t *record_obj(const struct crsnap *s)
{
	const uint64_t *t = s->t;
	json_t *r, *queue = json_null();

	if (s->flags & F_QUEUE) {
		uint64_t dur = t[T_DEQ] > t[T_ENQ] ?
			(t[T_DEQ] - t[T_ENQ]) / 1000 : 0;

		json_decref(queue);
		queue = json_pack("{s:s, s:o, s:o, s:I}",
				  "Name", str_or(s, S_QUEUE, ""),
				  "EnqueueTimestamp", ts(t[T_ENQ]),
				  "DequeueTimestamp", ts(t[T_DEQ]),
				  "Duration", (json_int_t)dur);
	}

	r = json_pack("{s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o,"
		      " s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"ContactId", str_or_null(s, s->s[S_CONTACT]),
		"InitialContactId", str_or_null(s, s->s[S_INITIAL]),
		"PreviousContactId", str_or_null(s, s->s[S_PREVIOUS]),
		"Channel", "VOICE",
		"InitiationMethod",
			initiation_method_name((enum initiation_method)
					       s->method),
		"InitiationTimestamp", ts(t[T_INIT]),
		"ConnectedToSystemTimestamp", ts(t[T_CONN]),
		"DisconnectTimestamp", ts(t[T_DISC]),
		"LastUpdateTimestamp",
			ts(t[T_LAST_UPDATE] ? t[T_LAST_UPDATE] : t[T_DISC]),
		"CustomerEndpoint", endpoint(s, s->s[S_CUSTOMER]),
		"SystemEndpoint", endpoint(s, s->s[S_SYSTEM]),
		"Attributes", map_obj(s, s->attrs, s->nattrs),
		"DisconnectReason", str_or_null(s, s->s[S_DISC_REASON]),
		"Queue", queue,
		"ContactFlowName", str_or_null(s, s->s[S_FLOW]),
		"QueuePriority", json_integer((json_int_t)s->queue_priority));
	if (!r)
		return NULL;

	/* callflowd's own fields: why a contact failed, what SIP said */
	if (s->flags & F_FAILURE) {
		json_object_set_new(r, "Failure", json_pack("{s:o, s:o}",
			"Reason", str_or_null(s, s->s[S_FAILURE]),
			"SipStatus", str_or_null(s, s->s[S_SIP_STATUS])));
	}
	if (s->ntags)
		json_object_set_new(r, "Tags", map_obj(s, s->tags, s->ntags));
	json_object_set_new(r, "AgentConnectionAttempts",
			    json_integer((json_int_t)s->agent_attempts));
	if (crsnap_has_agent(s))
		json_object_set_new(r, "Agent", agent_obj(s));

	/* transfers: the segment that follows, where the caller went */
	if (s->s[S_NEXT_CONTACT])
		json_object_set_new(r, "NextContactId",
				    str_or_null(s, s->s[S_NEXT_CONTACT]));
	if (s->s[S_TRANSFERRED_TO])
		json_object_set_new(r, "TransferredToEndpoint",
				    endpoint(s, s->s[S_TRANSFERRED_TO]));
	if (t[T_XFER_DONE])
		json_object_set_new(r, "TransferCompletedTimestamp",
				    ts(t[T_XFER_DONE]));

	if (s->nrecs) {
		struct snrec rc;

		rec_at(&rc, s, 0);
		json_object_set_new(r, "Recording", json_pack("{s:o, s:s, s:s}",
			"Location", str_or_null(s, rc.location),
			"Status", str_or(s, S_REC_STATUS, "AVAILABLE"),
			"Type", "AUDIO"));
		json_object_set_new(r, "Recordings", recordings(s));
	}
	return r;
}

static int dump_mbuf(const char *buf, size_t size, void *arg)
{
	return mbuf_write_mem(arg, (const uint8_t *)buf, size) ? -1 : 0;
}

int crsnap_print(struct mbuf *mb, const struct crsnap *s)
{
	json_t *r;
	int err;

	if (!mb || !s)
		return EINVAL;
	r = record_obj(s);
	if (!r)
		return ENOMEM;
	err = json_dump_callback(r, dump_mbuf, mb,
				 JSON_COMPACT | JSON_PRESERVE_ORDER) ?
		ENOMEM : 0;
	json_decref(r);
	return err;
}

int crsnap_encode(char **jsonp, const struct crsnap *s)
{
	struct mbuf *mb;
	int err;

	if (!jsonp || !s)
		return EINVAL;
	mb = mbuf_alloc(1024);
	if (!mb)
		return ENOMEM;
	err = crsnap_print(mb, s);
	if (!err) {
		mb->pos = 0;
		err = mbuf_strdup(mb, jsonp, mb->end);
	}
	mem_deref(mb);
	return err;
}

int crecord_encode(char **jsonp, const struct cdata *cd,
		   const struct crecord_info *info)
{
	struct crsnap *s = NULL;
	int err;

	if (!jsonp || !info)
		return EINVAL;
	err = crsnap_build(&s, cd, info, NULL);
	if (!err)
		err = crsnap_encode(jsonp, s);
	mem_deref(s);
	return err;
}
