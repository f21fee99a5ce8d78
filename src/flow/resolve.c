/**
 * @file resolve.c  Reference resolution and template evaluation for a run.
 *
 * Maps each $.<root> of reference section 3 to where the run keeps it:
 * the contact data, the run's flow attributes, the configuration.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/strmap.h>
#include "actions.h"

static void set(struct pl *val, const char *s)
{
	val->p = s ? s : "";
	val->l = s ? strlen(s) : 0;
}

static bool key_is(const struct fref *ref, const char *name)
{
	return ref->key && !strcasecmp(ref->key, name);
}

static void map_get(struct pl *val, const struct strmap *map,
		    const struct fref *ref)
{
	size_t len = 0;
	const char *v;

	if (!map || !ref->key) {
		set(val, NULL);
		return;
	}
	v = strmap_getn(map, ref->key, ref->klen, &len);
	val->p = v ? v : "";
	val->l = v ? len : 0;
}

/* SIP header names compare case-insensitively (RFC 3261 7.3.1). */
static void header_get(struct pl *val, const struct strmap *map,
		       const struct fref *ref)
{
	size_t i, n = strmap_count(map);

	set(val, NULL);
	if (!ref->key)
		return;
	for (i = 0; i < n; i++) {
		const struct strmap_ent *e = strmap_at(map, i);

		if (e->klen == ref->klen &&
		    !strncasecmp(e->key, ref->key, ref->klen)) {
			val->p = e->val;
			val->l = e->vlen;
			return;
		}
	}
}

static void endpoint(struct pl *val, const struct fref *ref,
		     const char *addr)
{
	if (key_is(ref, "Type"))
		set(val, "TELEPHONE_NUMBER");
	else if (!ref->key || key_is(ref, "Address"))
		set(val, addr);
	else
		set(val, NULL);
}

void frun_ref(struct frun *run, const struct fref *ref, struct pl *val)
{
	const struct cdata *cd = frun_cdata(run);
	const struct fenv *env = frun_env(run);
	const struct config *cfg = env ? env->cfg : NULL;

	if (!val)
		return;
	set(val, NULL);
	if (!cd || !ref)
		return;

	switch (ref->root) {

	case FREF_CONTACT_ID:
		set(val, cd->contact_id);
		break;
	case FREF_INITIAL_CONTACT_ID:
		set(val, cd->initial_contact_id);
		break;
	case FREF_PREVIOUS_CONTACT_ID:
		set(val, cd->previous_contact_id);
		break;
	case FREF_CHANNEL:
		set(val, "VOICE");
		break;
	case FREF_INITIATION_METHOD:
		set(val, initiation_method_name(cd->method));
		break;
	case FREF_INSTANCE_ARN:
		set(val, cfg ? cfg->instance_arn : NULL);
		break;
	case FREF_LANGUAGE_CODE:
		set(val, cd->language);
		break;
	case FREF_TTS_VOICE:
		set(val, cd->tts_voice);
		break;
	case FREF_NAME:
		set(val, cd->name);
		break;
	case FREF_DESCRIPTION:
		set(val, cd->description);
		break;
	case FREF_CUSTOMER_ENDPOINT:
		endpoint(val, ref, cd->customer_addr);
		break;
	case FREF_SYSTEM_ENDPOINT:
		endpoint(val, ref, cd->system_addr);
		break;
	case FREF_ATTRIBUTES:
		map_get(val, cd->attrs, ref);
		break;
	case FREF_FLOW_ATTRIBUTES:
		map_get(val, frun_flow_attrs(run), ref);
		break;
	case FREF_EXTERNAL:
		map_get(val, cd->external, ref);
		break;
	case FREF_STORED_INPUT:
		set(val, cd->stored_input);
		break;
	case FREF_QUEUE:
		if (key_is(ref, "Name"))
			set(val, cd->queue_name);
		else if (key_is(ref, "ARN"))
			set(val, cd->queue_arn);
		else if (key_is(ref, "OutboundCallerId.Address") ||
			 key_is(ref, "OutboundCallerId"))
			set(val, cd->queue_caller_id);
		break;
	case FREF_AGENT:
		if (key_is(ref, "UserName") || key_is(ref, "Username"))
			set(val, cd->agent_username);
		else if (key_is(ref, "FirstName"))
			set(val, cd->agent_first);
		else if (key_is(ref, "LastName"))
			set(val, cd->agent_last);
		else if (key_is(ref, "ARN"))
			set(val, cd->agent_arn);
		break;
	case FREF_METRICS:
		map_get(val, cd->metrics, ref);
		break;
	case FREF_SIP_HEADERS:
		header_get(val, cd->sip_headers, ref);
		break;
	case FREF_LEX:
		map_get(val, cd->lex, ref);
		break;
	case FREF_CALLBACK_NUMBER:
		set(val, cd->callback_number);
		break;
	case FREF_CUSTOMER:
		map_get(val, cd->customer, ref);
		break;
	case FREF_VIEWS:
		map_get(val, cd->views, ref);
		break;
	case FREF_MODULES:
		map_get(val, frun_modules(run), ref);
		break;
	case FREF_QUEUE_PRIORITY: {
		/* valid until the next $.QueuePriority on this thread */
		static __thread char buf[16];

		re_snprintf(buf, sizeof(buf), "%u", cd->queue_priority);
		set(val, buf);
		break;
	}
	}
}

int frun_eval(struct frun *run, const struct ftmpl *t, struct mbuf *scratch,
	      struct pl *val)
{
	size_t start, i;
	int err = 0;

	if (!run || !t || !val)
		return EINVAL;

	if (t->is_static || !t->segc) {
		val->p = t->raw ? t->raw : "";
		val->l = t->raw ? t->rawlen : 0;
		return 0;
	}
	if (t->is_single_ref) {
		frun_ref(run, &t->segv[0].ref, val);
		return 0;
	}
	if (!scratch)
		return EINVAL;

	start = scratch->pos;
	for (i = 0; i < t->segc && !err; i++) {
		const struct ftmpl_seg *s = &t->segv[i];
		struct pl v;

		if (s->is_ref) {
			frun_ref(run, &s->ref, &v);
			err = mbuf_write_mem(scratch, (const uint8_t *)v.p,
					     v.l);
		}
		else {
			err = mbuf_write_mem(scratch,
					     (const uint8_t *)s->text,
					     s->len);
		}
	}
	if (err)
		return err;

	val->p = (const char *)scratch->buf + start;
	val->l = scratch->pos - start;
	return 0;
}

int frun_eval_str(struct frun *run, const struct ftmpl *t, char **strp)
{
	struct mbuf *mb;
	struct pl v;
	int err;

	if (!strp)
		return EINVAL;

	mb = mbuf_alloc(64);
	if (!mb)
		return ENOMEM;

	err = frun_eval(run, t, mb, &v);
	if (!err)
		err = pl_strdup(strp, &v);

	mem_deref(mb);
	return err;
}
