/**
 * @file contact.c  Contact actions: attributes, flow attributes, event
 * hooks, recording, voice, routing behaviour, callback number, tags,
 * contact data, media streaming.
 *
 * Every handler evaluates all of its values before changing anything, so
 * a failure takes the error branch with the contact left as it was.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/log.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/util.h>
#include "../actions.h"

enum {
	TAGS_MAX = 50,		/* Connect: user tags per contact */
	TAG_KEY_MAX = 128,
	TAG_VAL_MAX = 256,
	DIALABLE_MIN_DIGITS = 8,
};


static void take_error(struct frun *run, const struct flow_action *act,
		       const char *why)
{
	log_debug("flow: %s (%s): %s", act->id, act->type_name, why);
	frun_done_error(run, "NoMatchingError");
}



/*
 * Key of a map entry. Keys may themselves be references (a rules engine
 * sets "$.External.key0": "$.External.value0"); those are evaluated.
 */
static int key_dup(struct frun *run, const char *key, char **strp)
{
	struct ftmpl t;
	int err;

	if (!key)
		return EINVAL;
	if (strncmp(key, "$.", 2))
		return str_dup(strp, key);

	err = ftmpl_compile(&t, key, strlen(key));
	if (err)
		return err;
	err = frun_eval_str(run, &t, strp);
	ftmpl_reset(&t);

	return err;
}


/*
 * Evaluate every entry of an object into a new map. Entries whose key
 * evaluates to nothing are skipped. getv picks the value of an entry.
 */
typedef const struct fparam *(entry_value_h)(const struct fparam *ent);

static const struct fparam *entry_self(const struct fparam *ent)
{
	return ent;
}


static const struct fparam *entry_value_obj(const struct fparam *ent)
{
	/* UpdateFlowAttributes: {"k": {"Value": "v"}} or plain "k": "v" */
	if (ent->kind == FP_OBJ)
		return fparam_get(ent, "Value");

	return ent;
}


static int map_eval(struct strmap *map, struct frun *run,
		    const struct fparam *obj, entry_value_h *getv)
{
	char *key = NULL, *val = NULL;
	size_t i;
	int err = 0;

	for (i = 0; i < obj->n; i++) {
		const struct fparam *ent = &obj->v[i];

		err = key_dup(run, ent->key, &key);
		if (err)
			goto out;
		err = aparam_dup(run, getv(ent), &val);
		if (err)
			goto out;

		if (str_isset(key)) {
			err = strmap_set(map, key, val);
			if (err)
				goto out;
		}

		key = mem_deref(key);
		val = mem_deref(val);
	}

 out:
	mem_deref(key);
	mem_deref(val);
	return err;
}


/* A copy of src (or an empty map when src is NULL). */
static int map_copy(struct strmap **mapp, const struct strmap *src)
{
	return src ? strmap_dup(mapp, src) : strmap_alloc(mapp);
}


int act_update_contact_attributes(struct frun *run,
				  const struct flow_action *act)
{
	const struct fparam *attrs = fparam_get(&act->params, "Attributes");
	const struct fparam *target;
	struct cdata *cd = frun_cdata(run);
	struct strmap *next = NULL;
	struct pl tc = PL_INIT;
	int err;

	target = fparam_get(&act->params, "TargetContact");
	if (target && !aparam_str(run, act, "TargetContact", &tc) &&
	    !pl_strcasecmp(&tc, "Related")) {
		/* A voice contact has no related contact here. */
		log_info("flow: %s: TargetContact Related applies to the"
			 " current contact", act->id);
	}

	if (!attrs) {
		frun_done(run, 0);
		return 0;
	}
	if (attrs->kind != FP_OBJ) {
		take_error(run, act, "Attributes is not an object");
		return 0;
	}

	/* Evaluated against the old values, applied as one swap. */
	err = map_copy(&next, cd->attrs);
	if (err)
		return err;

	err = map_eval(next, run, attrs, entry_self);
	if (err) {
		take_error(run, act, "attribute value");
		goto out;
	}

	if (strmap_bytes(next) > CDATA_MAX_ATTR_BYTES) {
		log_info("flow: %s: contact attributes would exceed %u bytes",
			 act->id, (unsigned)CDATA_MAX_ATTR_BYTES);
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	mem_deref(cd->attrs);
	cd->attrs = next;
	next = NULL;
	frun_done(run, 0);

 out:
	mem_deref(next);
	return 0;
}


int act_update_flow_attributes(struct frun *run,
			       const struct flow_action *act)
{
	const struct fparam *fa = fparam_get(&act->params, "FlowAttributes");
	struct strmap *fattrs = frun_flow_attrs(run);
	struct strmap *upd = NULL;
	size_t i;
	int err;

	if (!fa) {
		frun_done(run, 0);
		return 0;
	}
	if (fa->kind != FP_OBJ || !fattrs) {
		take_error(run, act, "FlowAttributes is not an object");
		return 0;
	}

	err = strmap_alloc(&upd);
	if (err)
		return err;

	err = map_eval(upd, run, fa, entry_value_obj);
	if (err) {
		take_error(run, act, "flow attribute value");
		goto out;
	}

	for (i = 0; i < strmap_count(upd); i++) {
		const struct strmap_ent *e = strmap_at(upd, i);

		err = strmap_setn(fattrs, e->key, e->klen, e->val, e->vlen);
		if (err)
			goto out;
	}

	frun_done(run, 0);

 out:
	mem_deref(upd);
	return err;
}


int act_update_contact_event_hooks(struct frun *run,
				   const struct flow_action *act)
{
	const struct fparam *hooks = fparam_get(&act->params, "EventHooks");
	const struct fparam *conf = fparam_get(&act->params,
					       "EventHooksConfiguration");
	struct cdata *cd = frun_cdata(run);
	char *vals[HOOK_COUNT] = {NULL};
	bool set[HOOK_COUNT] = {false};
	bool off[HOOK_COUNT] = {false};
	size_t i;
	int err = 0;

	if (!hooks || hooks->kind != FP_OBJ || !hooks->n) {
		take_error(run, act, "EventHooks missing");
		return 0;
	}

	for (i = 0; i < hooks->n; i++) {
		const struct fparam *ent = &hooks->v[i];
		enum cdata_hook h;

		if (cdata_hook_parse(&h, ent->key)) {
			log_info("flow: %s: unknown event hook '%s'",
				 act->id, ent->key);
			frun_done_error(run, "NoMatchingError");
			goto out;
		}

		/* "Disable whisper": the hook is kept off */
		off[h] = aparam_bool(run, fparam_get(fparam_get(conf,
							       ent->key),
						     "DisableExecution"),
				     false);

		vals[h] = mem_deref(vals[h]);
		err = aparam_dup(run, ent, &vals[h]);
		if (err || (!str_isset(vals[h]) && !off[h])) {
			take_error(run, act, "event hook without a flow");
			err = 0;
			goto out;
		}
		set[h] = true;
	}

	for (i = 0; i < HOOK_COUNT; i++) {
		if (!set[i])
			continue;
		mem_deref(cd->hooks[i]);
		cd->hooks[i] = str_isset(vals[i]) ? vals[i] : mem_deref(vals[i]);
		cd->hook_disabled[i] = off[i];
		vals[i] = NULL;
	}

	frun_done(run, 0);

 out:
	for (i = 0; i < HOOK_COUNT; i++)
		mem_deref(vals[i]);
	return err;
}


/* Recording and analytics settings, evaluated before they apply. */
struct recording {
	bool has_participants, agent, customer;
	bool has_ivr, ivr;
	bool has_analytics, analytics;
};


static int enabled_parse(bool *bp, struct frun *run, const struct fparam *p)
{
	char *s = NULL;
	int err;

	err = aparam_dup(run, p, &s);
	if (err)
		return err;

	if (!str_casecmp(s, "Enabled"))
		*bp = true;
	else if (!str_casecmp(s, "Disabled"))
		*bp = false;
	else
		err = util_parse_bool(bp, s);

	mem_deref(s);
	return err;
}


static int recording_parse(struct recording *r, struct frun *run,
			   const struct fparam *rec, const struct fparam *ana)
{
	const struct fparam *parts, *ivr, *en;
	size_t i;
	int err;

	parts = fparam_get(rec, "RecordedParticipants");
	if (parts) {
		if (parts->kind != FP_ARR)
			return EINVAL;
		r->has_participants = true;
		for (i = 0; i < parts->n; i++) {
			const struct fparam *e = &parts->v[i];
			const char *s = e->kind == FP_STR ? e->str.raw : NULL;

			if (s && !str_casecmp(s, "Agent"))
				r->agent = true;
			else if (s && !str_casecmp(s, "Customer"))
				r->customer = true;
			else
				return EINVAL;
		}
	}

	ivr = fparam_get(rec, "IVRRecordingBehavior");
	if (ivr) {
		err = enabled_parse(&r->ivr, run, ivr);
		if (err)
			return err;
		r->has_ivr = true;
	}

	en = fparam_get(ana, "Enabled");
	if (en) {
		err = enabled_parse(&r->analytics, run, en);
		if (err)
			return err;
		r->has_analytics = true;
	}

	return 0;
}


int act_update_recording(struct frun *run, const struct flow_action *act)
{
	const struct fparam *base = &act->params, *vb, *rec, *ana;
	struct cdata *cd = frun_cdata(run);
	struct recording r = {0};

	/* The newer action nests the same under VoiceBehavior. */
	vb = fparam_get(base, "VoiceBehavior");
	if (act->type == ACT_UPDATE_CONTACT_RECORDING_AND_ANALYTICS_BEHAVIOR
	    && vb)
		base = vb;

	rec = fparam_get2(base, "RecordingBehavior",
			  "VoiceRecordingBehavior");
	ana = fparam_get2(base, "AnalyticsBehavior",
			  "VoiceAnalyticsBehavior");

	if (recording_parse(&r, run, rec, ana)) {
		take_error(run, act, "recording behaviour");
		return 0;
	}

	if (r.has_participants) {
		cd->record_agent = r.agent;
		cd->record_customer = r.customer;
	}
	if (r.has_ivr)
		cd->record_ivr = r.ivr;
	if (r.has_analytics)
		cd->analytics = r.analytics;

	frun_done(run, 0);
	return 0;
}


int act_update_tts_voice(struct frun *run, const struct flow_action *act)
{
	static const char *keys[3] = {
		"TextToSpeechVoice", "TextToSpeechEngine", "TextToSpeechStyle"
	};
	struct cdata *cd = frun_cdata(run);
	char **fields[3] = {&cd->tts_voice, &cd->tts_engine, &cd->tts_style};
	char *vals[3] = {NULL, NULL, NULL};
	size_t i;
	int err = 0;

	for (i = 0; i < 3; i++) {
		const struct fparam *p = fparam_get(&act->params, keys[i]);

		if (!p)
			continue;
		err = aparam_dup(run, p, &vals[i]);
		if (err) {
			take_error(run, act, keys[i]);
			err = 0;
			goto out;
		}
	}

	for (i = 0; i < 3; i++) {
		if (!str_isset(vals[i]))
			continue;
		mem_deref(*fields[i]);
		*fields[i] = vals[i];
		vals[i] = NULL;
	}

	frun_done(run, 0);

 out:
	for (i = 0; i < 3; i++)
		mem_deref(vals[i]);
	return err;
}


/* Whole number, possibly negative, within [min, max]. */
static int int_parse(int32_t *vp, const char *s, long long min,
		     long long max)
{
	char *end;
	long long v;

	if (!str_isset(s))
		return EINVAL;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s)
		return EINVAL;
	/* "60.0" from a generator that writes real numbers */
	if (*end == '.') {
		++end;
		while (*end == '0')
			++end;
	}
	if (*end)
		return EINVAL;
	if (v < min || v > max)
		return ERANGE;

	*vp = (int32_t)v;
	return 0;
}


int act_update_routing_behavior(struct frun *run,
				const struct flow_action *act)
{
	const struct fparam *prio, *adj;
	struct cdata *cd = frun_cdata(run);
	uint32_t priority = cd->queue_priority;
	int32_t adjust = cd->queue_time_adjust_s;
	char *s = NULL;
	int err;

	prio = fparam_get(&act->params, "QueuePriority");
	adj = fparam_get(&act->params, "QueueTimeAdjustmentSeconds");

	if (prio) {
		err = aparam_uint(run, prio, priority, UINT32_MAX, &priority);
		if (err || priority < 1) {
			take_error(run, act, "QueuePriority");
			return 0;
		}
	}

	if (adj) {
		err = aparam_dup(run, adj, &s);
		if (!err)
			err = int_parse(&adjust, s, INT32_MIN + 1, INT32_MAX);
		s = mem_deref(s);
		if (err) {
			take_error(run, act, "QueueTimeAdjustmentSeconds");
			return 0;
		}
	}

	cd->queue_priority = priority;
	cd->queue_time_adjust_s = adjust;
	frun_done(run, 0);

	return 0;
}


int act_update_callback_number(struct frun *run,
			       const struct flow_action *act)
{
	struct cdata *cd = frun_cdata(run);
	char e164[24];
	char *s = NULL;
	int err;

	err = aparam_dup(run, fparam_get(&act->params, "CallbackNumber"), &s);
	if (err)
		return err;

	/* E.164 as Connect requires: a national number is invalid */
	if (!str_isset(s) || aparam_e164(e164, sizeof(e164), s)) {
		frun_done_error(run, "InvalidCallbackNumber");
		goto out;
	}

	/* E.164 in shape, yet too short for any real subscriber */
	if (strlen(e164) - 1 < DIALABLE_MIN_DIGITS) {
		frun_done_error(run, "CallbackNumberNotDialable");
		goto out;
	}

	err = cdata_set_str(&cd->callback_number, e164);
	if (err)
		goto out;

	frun_done(run, 0);

 out:
	mem_deref(s);
	return err;
}


static bool tag_ok(const struct strmap_ent *e)
{
	return e->klen > 0 && e->klen <= TAG_KEY_MAX &&
		e->vlen <= TAG_VAL_MAX && strncmp(e->key, "aws:", 4);
}


int act_tag_contact(struct frun *run, const struct flow_action *act)
{
	const struct fparam *tags = fparam_get(&act->params, "Tags");
	struct cdata *cd = frun_cdata(run);
	struct strmap *upd = NULL, *next = NULL;
	size_t i;
	int err;

	if (!tags || tags->kind != FP_OBJ) {
		take_error(run, act, "Tags is not an object");
		return 0;
	}

	err = strmap_alloc(&upd);
	if (err)
		return err;
	err = map_copy(&next, cd->tags);
	if (err)
		goto out;

	/* Either every tag is set or none is. */
	if (map_eval(upd, run, tags, entry_self)) {
		take_error(run, act, "tag value");
		goto out;
	}

	for (i = 0; i < strmap_count(upd); i++) {
		const struct strmap_ent *e = strmap_at(upd, i);

		if (!tag_ok(e)) {
			log_info("flow: %s: invalid tag '%s'", act->id,
				 e->key);
			frun_done_error(run, "NoMatchingError");
			goto out;
		}
		err = strmap_setn(next, e->key, e->klen, e->val, e->vlen);
		if (err)
			goto out;
	}

	if (strmap_count(next) > TAGS_MAX) {
		take_error(run, act, "too many tags");
		goto out;
	}

	mem_deref(cd->tags);
	cd->tags = next;
	next = NULL;
	frun_done(run, 0);

 out:
	mem_deref(upd);
	mem_deref(next);
	return err;
}


int act_untag_contact(struct frun *run, const struct flow_action *act)
{
	const struct fparam *keys;
	struct cdata *cd = frun_cdata(run);
	char *key = NULL;
	size_t i;
	int err = 0;

	/* UnTagContact lists TagKeys; some generators reuse a Tags map. */
	keys = fparam_get2(&act->params, "TagKeys", "Tags");
	if (!keys || (keys->kind != FP_ARR && keys->kind != FP_OBJ)) {
		take_error(run, act, "TagKeys is not a list");
		return 0;
	}

	for (i = 0; i < keys->n; i++) {
		const struct fparam *e = &keys->v[i];

		if (keys->kind == FP_OBJ)
			err = key_dup(run, e->key, &key);
		else
			err = aparam_dup(run, e, &key);
		if (err) {
			take_error(run, act, "tag key");
			err = 0;
			goto out;
		}
		if (cd->tags && str_isset(key))
			(void)strmap_del(cd->tags, key);
		key = mem_deref(key);
	}

	frun_done(run, 0);

 out:
	mem_deref(key);
	return err;
}


int act_update_contact_data(struct frun *run, const struct flow_action *act)
{
	static const char *keys[3] = {"Name", "Description", "LanguageCode"};
	struct cdata *cd = frun_cdata(run);
	char **fields[3] = {&cd->name, &cd->description, &cd->language};
	char *vals[3] = {NULL, NULL, NULL};
	bool set[3] = {false, false, false};
	size_t i;
	int err = 0;

	for (i = 0; i < 3; i++) {
		const struct fparam *p = fparam_get(&act->params, keys[i]);

		if (!p)
			continue;
		err = aparam_dup(run, p, &vals[i]);
		if (err) {
			take_error(run, act, keys[i]);
			err = 0;
			goto out;
		}
		set[i] = true;
	}

	/* A language must name one ("en-US"); an empty one is a mistake. */
	if (set[2] && !str_isset(vals[2])) {
		take_error(run, act, "empty LanguageCode");
		goto out;
	}

	for (i = 0; i < 3; i++) {
		if (!set[i])
			continue;
		mem_deref(*fields[i]);
		*fields[i] = vals[i];
		vals[i] = NULL;
	}

	frun_done(run, 0);

 out:
	for (i = 0; i < 3; i++)
		mem_deref(vals[i]);
	return err;
}


int act_update_media_streaming(struct frun *run,
			       const struct flow_action *act)
{
	const struct fparam *p;
	bool on;

	p = fparam_get(&act->params, "MediaStreamingState");
	if (!p || enabled_parse(&on, run, p)) {
		take_error(run, act, "MediaStreamingState");
		return 0;
	}

	frun_cdata(run)->media_streaming = on;
	frun_done(run, 0);

	return 0;
}


int act_create_task(struct frun *run, const struct flow_action *act)
{
	/* Voice only: there is no task channel to create one on. */
	log_info("flow: %s: CreateTask is not supported", act->id);
	frun_done_error(run, "NoMatchingError");

	return 0;
}
