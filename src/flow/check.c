/**
 * @file check.c  Load-time parameter checks of every action type (the
 * chk_* of actions.h): an error for a parameter of the wrong shape, a
 * warning for a questionable one.
 *
 * Only static values can be checked: a value holding a reference
 * ($.Attributes.x) or a {{placeholder}} is left to run time. Numbers and
 * booleans may be written as strings, as Connect exports them.
 */
#include <string.h>
#include <stdlib.h>
#include <stdarg.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include "actions.h"


static void cerr(struct findings *f, const struct flow_action *a,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cwarn(struct findings *f, const struct flow_action *a,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void cerr(struct findings *f, const struct flow_action *a,
		 const char *fmt, ...)
{
	char buf[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(void)findings_add(f, FINDING_ERROR, a->id, "%s", buf);
}


static void cwarn(struct findings *f, const struct flow_action *a,
		  const char *fmt, ...)
{
	char buf[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(void)findings_add(f, FINDING_WARNING, a->id, "%s", buf);
}


static const char *kind_name(enum fparam_kind k)
{
	switch (k) {
	case FP_OBJ:  return "an object";
	case FP_ARR:  return "a list";
	case FP_NULL: return "null";
	case FP_NUM:  return "a number";
	case FP_BOOL: return "a boolean";
	default:      return "a string";
	}
}


/* Text known at load time: not a reference, not a placeholder. */
static const char *static_text(const struct fparam *p)
{
	if (!p || (p->kind != FP_STR && p->kind != FP_NUM &&
		   p->kind != FP_BOOL))
		return NULL;
	if (!p->str.is_static || ftmpl_has_placeholder(&p->str))
		return NULL;

	return p->str.raw;
}


/* A string-like value (numbers and booleans accepted as text). */
static bool want_scalar(struct findings *f, const struct flow_action *a,
			const struct fparam *p, const char *name)
{
	if (!p || p->kind == FP_NULL)
		return false;

	if (p->kind == FP_OBJ || p->kind == FP_ARR) {
		cerr(f, a, "%s must be a string, not %s", name,
		     kind_name(p->kind));
		return false;
	}

	return true;
}


static bool want_obj(struct findings *f, const struct flow_action *a,
		     const struct fparam *p, const char *name)
{
	if (!p || p->kind == FP_NULL)
		return false;

	if (p->kind != FP_OBJ) {
		cerr(f, a, "%s must be an object, not %s", name,
		     kind_name(p->kind));
		return false;
	}

	return true;
}


static bool want_arr(struct findings *f, const struct flow_action *a,
		     const struct fparam *p, const char *name)
{
	if (!p || p->kind == FP_NULL)
		return false;

	if (p->kind != FP_ARR) {
		cerr(f, a, "%s must be a list, not %s", name,
		     kind_name(p->kind));
		return false;
	}

	return true;
}


static bool whole_number(const char *s, long long *vp)
{
	char *end;
	long long v;

	if (!*s)
		return false;
	if (!((*s >= '0' && *s <= '9') || *s == '-' || *s == '+'))
		return false;

	v = strtoll(s, &end, 10);
	if (*end)
		return false;

	*vp = v;
	return true;
}


/* A whole number in [lo, hi]; an empty string means "default". True
 * with *vp set when the value is a static whole number in range. */
static bool want_int_v(struct findings *f, const struct flow_action *a,
		       const struct fparam *p, const char *name, long long lo,
		       long long hi, long long *vp)
{
	const char *s;
	long long v;

	if (!want_scalar(f, a, p, name))
		return false;

	if (p->kind == FP_BOOL) {
		cerr(f, a, "%s must be a whole number, not a boolean", name);
		return false;
	}

	s = static_text(p);
	if (!s || !*s)
		return false;

	if (!whole_number(s, &v)) {
		cerr(f, a, "%s must be a whole number (got \"%s\")", name, s);
		return false;
	}

	if (v < lo || v > hi) {
		cerr(f, a, "%s must be from %lld to %lld (got %lld)", name,
		     lo, hi, v);
		return false;
	}

	if (vp)
		*vp = v;
	return true;
}


static void want_int(struct findings *f, const struct flow_action *a,
		     const struct fparam *p, const char *name, long long lo,
		     long long hi)
{
	(void)want_int_v(f, a, p, name, lo, hi, NULL);
}


static void want_bool(struct findings *f, const struct flow_action *a,
		      const struct fparam *p, const char *name)
{
	const char *s;
	bool b;

	if (!want_scalar(f, a, p, name))
		return;

	s = static_text(p);
	if (!s || !*s)
		return;

	if (util_parse_bool(&b, s))
		cerr(f, a, "%s must be \"True\" or \"False\" (got \"%s\")",
		     name, s);
}


/* A static value must be one of vals (NULL-terminated). */
static void want_enum(struct findings *f, const struct flow_action *a,
		      const struct fparam *p, const char *name,
		      const char *const *vals)
{
	char list[256] = "";
	const char *s;
	size_t i, n = 0;

	if (!want_scalar(f, a, p, name))
		return;

	s = static_text(p);
	if (!s)
		return;

	for (i = 0; vals[i]; i++) {
		if (!strcmp(vals[i], s))
			return;
		n += (size_t)snprintf(list + n, n < sizeof(list) ?
				      sizeof(list) - n : 0, "%s%s",
				      i ? ", " : "", vals[i]);
		if (n >= sizeof(list))
			n = sizeof(list) - 1;
	}

	cerr(f, a, "%s \"%s\" is not one of %s", name, s, list);
}


static bool want_required(struct findings *f, const struct flow_action *a,
			  const struct fparam *p, const char *name)
{
	if (p && p->kind != FP_NULL)
		return true;

	cerr(f, a, "%s needs the parameter %s", action_type_name(a->type),
	     name);
	return false;
}


/* Text, SSML, PromptId or Media in obj; where prefixes messages. */
static void check_prompt(struct findings *f, const struct flow_action *a,
			 const struct fparam *obj, const char *where,
			 bool required)
{
	static const char *keys[] = {"Text", "SSML", "PromptId", "Media"};
	const char *first = NULL;
	char name[64];
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct fparam *p = fparam_get(obj, keys[i]);

		if (!p || p->kind == FP_NULL)
			continue;

		snprintf(name, sizeof(name), "%s%s", where, keys[i]);
		if (!first)
			first = keys[i];
		++n;

		if (i == 2 && p->kind == FP_STR && !p->str.rawlen) {
			cwarn(f, a, "%s is empty: no prompt can play, the "
			      "action takes its error branch", name);
		}
		else if (i == 3) {
			if (want_obj(f, a, p, name)) {
				const struct fparam *u = fparam_get(p, "Uri");

				if (!u || u->kind == FP_NULL)
					cerr(f, a, "%s needs a Uri", name);
				else
					(void)want_scalar(f, a, u, name);
			}
		}
		else {
			(void)want_scalar(f, a, p, name);
		}
	}

	if (!n && required)
		cerr(f, a, "%sa prompt needs one of Text, SSML, PromptId or "
		     "Media", where);
	else if (n > 1)
		cwarn(f, a, "%smore than one of Text, SSML, PromptId, Media: "
		      "only %s is played", where, first);
}


void chk_message_participant(const struct flow_action *act, struct findings *f)
{
	check_prompt(f, act, &act->params, "", true);
	want_bool(f, act, fparam_get(&act->params,
				     "SkipWhenDTMFBufferEnabled"),
		  "SkipWhenDTMFBufferEnabled");
}


/* Set touchtone buffer behavior (GetParticipantInput EnableDTMFBuffer). */
static void check_touchtone(const struct flow_action *act,
			    struct findings *f)
{
	const struct fparam *p = &act->params, *enc;

	want_bool(f, act, fparam_get(p, "EnableDTMFBuffer"),
		  "EnableDTMFBuffer");
	want_bool(f, act, fparam_get(p, "StoreInput"), "StoreInput");
	enc = fparam_get(p, "InputEncryption");
	if (want_obj(f, act, enc, "InputEncryption"))
		(void)want_scalar(f, act, fparam_get(enc, "EncryptionKeyId"),
				  "InputEncryption.EncryptionKeyId");
}


void chk_get_participant_input(const struct flow_action *act, struct findings *f)
{
	static const char *const formats[] = {"Local", "E164", NULL};
	const struct fparam *p = &act->params, *v, *pv, *d, *s, *enc;
	long long secs;

	if (fparam_get(p, "EnableDTMFBuffer")) {
		check_touchtone(act, f);
		return;
	}

	check_prompt(f, act, p, "", false);
	/* Connect ran longer waits than its designer now offers */
	if (want_int_v(f, act, fparam_get(p, "InputTimeLimitSeconds"),
		       "InputTimeLimitSeconds", 1, 86400, &secs) && secs > 180)
		cwarn(f, act, "InputTimeLimitSeconds %lld: Connect's designer "
		      "now allows at most 180; kept as written", secs);
	want_bool(f, act, fparam_get(p, "StoreInput"), "StoreInput");

	v = fparam_get(p, "InputValidation");
	if (want_obj(f, act, v, "InputValidation")) {
		pv = fparam_get(v, "PhoneNumberValidation");
		if (want_obj(f, act, pv, "PhoneNumberValidation")) {
			want_enum(f, act, fparam_get(pv, "NumberFormat"),
				  "PhoneNumberValidation.NumberFormat",
				  formats);
			(void)want_scalar(f, act,
					  fparam_get(pv, "CountryCode"),
					  "PhoneNumberValidation.CountryCode");
		}
		pv = fparam_get(v, "CustomValidation");
		if (want_obj(f, act, pv, "CustomValidation"))
			want_int(f, act, fparam_get(pv, "MaximumLength"),
				 "CustomValidation.MaximumLength", 1, 40);
	}

	enc = fparam_get(p, "InputEncryption");
	if (want_obj(f, act, enc, "InputEncryption") &&
	    want_required(f, act, fparam_get(enc, "EncryptionKeyId"),
			  "InputEncryption.EncryptionKeyId"))
		(void)want_scalar(f, act, fparam_get(enc, "EncryptionKeyId"),
				  "InputEncryption.EncryptionKeyId");

	d = fparam_get(p, "DTMFConfiguration");
	if (want_obj(f, act, d, "DTMFConfiguration")) {
		s = fparam_get(d, "InputTerminationSequence");
		if (want_scalar(f, act, s,
				"DTMFConfiguration.InputTerminationSequence")
		    && static_text(s)) {
			const char *t = static_text(s);

			if (strlen(t) > 5 || strspn(t, "0123456789*#") !=
			    strlen(t))
				cerr(f, act, "DTMFConfiguration."
				     "InputTerminationSequence must be at most "
				     "5 of 0-9 * # (got \"%s\")", t);
		}
		want_bool(f, act, fparam_get(d, "DisableCancelKey"),
			  "DTMFConfiguration.DisableCancelKey");
		want_int(f, act, fparam_get(d, "InterdigitTimeLimitSeconds"),
			 "DTMFConfiguration.InterdigitTimeLimitSeconds", 1,
			 20);
	}
}


void chk_message_participant_iteratively(const struct flow_action *act, struct findings *f)
{
	const struct fparam *m = fparam_get(&act->params, "Messages");
	char where[48];
	size_t i;

	if (!want_required(f, act, m, "Messages") ||
	    !want_arr(f, act, m, "Messages"))
		goto out;

	if (!m->n)
		cerr(f, act, "Messages is empty: there is nothing to play");

	for (i = 0; i < m->n; i++) {
		snprintf(where, sizeof(where), "Messages[%zu]: ", i);
		if (m->v[i].kind != FP_OBJ) {
			cerr(f, act, "%sa message must be an object, not %s",
			     where, kind_name(m->v[i].kind));
			continue;
		}
		check_prompt(f, act, &m->v[i], where, true);
	}

 out:
	want_int(f, act, fparam_get(&act->params, "InterruptFrequencySeconds"),
		 "InterruptFrequencySeconds", 1, 86400);
}


void chk_update_contact_attributes(const struct flow_action *act, struct findings *f)
{
	static const char *const targets[] = {"Current", "Related", NULL};
	const struct fparam *m = fparam_get(&act->params, "Attributes");
	char name[128];
	size_t i;

	want_enum(f, act, fparam_get(&act->params, "TargetContact"),
		  "TargetContact", targets);

	if (!want_required(f, act, m, "Attributes") ||
	    !want_obj(f, act, m, "Attributes"))
		return;

	if (!m->n)
		cwarn(f, act, "Attributes is empty: nothing is set");

	for (i = 0; i < m->n; i++) {
		snprintf(name, sizeof(name), "Attributes.%s", m->v[i].key);
		(void)want_scalar(f, act, &m->v[i], name);
	}
}


void chk_update_flow_attributes(const struct flow_action *act, struct findings *f)
{
	const struct fparam *m = fparam_get(&act->params, "FlowAttributes");
	char name[128];
	size_t i;

	if (!want_required(f, act, m, "FlowAttributes") ||
	    !want_obj(f, act, m, "FlowAttributes"))
		return;

	if (!m->n)
		cwarn(f, act, "FlowAttributes is empty: nothing is set");

	for (i = 0; i < m->n; i++) {
		const struct fparam *e = &m->v[i];

		snprintf(name, sizeof(name), "FlowAttributes.%s", e->key);
		if (e->kind == FP_OBJ) {
			const struct fparam *v = fparam_get(e, "Value");

			if (!v)
				cerr(f, act, "%s needs a Value", name);
			else
				(void)want_scalar(f, act, v, name);
		}
		else if (e->kind == FP_ARR) {
			cerr(f, act, "%s must be {\"Value\": ...}, not a list",
			     name);
		}
	}
}


void chk_update_contact_event_hooks(const struct flow_action *act, struct findings *f)
{
	static const char *hooks[] = {
		"CustomerQueue", "CustomerHold", "AgentHold",
		"CustomerWhisper", "AgentWhisper", "CustomerRemaining",
		"DefaultAgentUI", "DisconnectAgentUI", "PauseContact",
		"ResumeContact", "DisconnectFlow",
	};
	const struct fparam *m = fparam_get(&act->params, "EventHooks");
	const struct fparam *conf;
	char name[128];
	size_t i, k;

	if (!want_required(f, act, m, "EventHooks") ||
	    !want_obj(f, act, m, "EventHooks"))
		return;

	if (!m->n)
		cerr(f, act, "EventHooks is empty: no hook is set");

	for (i = 0; i < m->n; i++) {
		bool known = false;

		for (k = 0; k < ARRAY_SIZE(hooks); k++)
			known |= !strcmp(hooks[k], m->v[i].key);

		snprintf(name, sizeof(name), "EventHooks.%s", m->v[i].key);
		if (!known)
			cwarn(f, act, "unknown event hook %s", name);
		(void)want_scalar(f, act, &m->v[i], name);
	}

	conf = fparam_get(&act->params, "EventHooksConfiguration");
	if (want_obj(f, act, conf, "EventHooksConfiguration")) {
		for (i = 0; i < conf->n; i++) {
			snprintf(name, sizeof(name), "EventHooksConfiguration."
				 "%s.DisableExecution", conf->v[i].key);
			if (want_obj(f, act, &conf->v[i], name))
				want_bool(f, act, fparam_get(&conf->v[i],
					  "DisableExecution"), name);
		}
	}
}


static void check_recording(struct findings *f, const struct flow_action *a,
			    const struct fparam *rb, const char *where)
{
	static const char *const onoff[] = {"Enabled", "Disabled", NULL};
	const struct fparam *rp;
	char name[96];
	size_t i;

	rp = fparam_get(rb, "RecordedParticipants");
	snprintf(name, sizeof(name), "%s.RecordedParticipants", where);
	if (want_arr(f, a, rp, name)) {
		for (i = 0; i < rp->n; i++) {
			static const char *const who[] = {
				"Agent", "Customer", NULL};

			want_enum(f, a, &rp->v[i], name, who);
		}
	}

	snprintf(name, sizeof(name), "%s.IVRRecordingBehavior", where);
	want_enum(f, a, fparam_get(rb, "IVRRecordingBehavior"), name, onoff);
}


void chk_update_recording(const struct flow_action *act, struct findings *f)
{
	const struct fparam *p = &act->params, *rb, *vb, *ab;

	rb = fparam_get(p, "RecordingBehavior");
	if (want_obj(f, act, rb, "RecordingBehavior"))
		check_recording(f, act, rb, "RecordingBehavior");

	vb = fparam_get(p, "VoiceBehavior");
	if (want_obj(f, act, vb, "VoiceBehavior")) {
		const struct fparam *vr = fparam_get(vb, "VoiceRecordingBehavior");

		if (want_obj(f, act, vr, "VoiceBehavior.VoiceRecordingBehavior"))
			check_recording(f, act, vr,
					"VoiceBehavior.VoiceRecordingBehavior");
	}

	ab = fparam_get(p, "AnalyticsBehavior");
	(void)want_obj(f, act, ab, "AnalyticsBehavior");

	if (!rb && !vb && !ab)
		cwarn(f, act, "no RecordingBehavior, VoiceBehavior or "
		      "AnalyticsBehavior: nothing changes");
}


void chk_update_routing_behavior(const struct flow_action *act, struct findings *f)
{
	const struct fparam *qp, *qt;

	qp = fparam_get(&act->params, "QueuePriority");
	qt = fparam_get(&act->params, "QueueTimeAdjustmentSeconds");

	want_int(f, act, qp, "QueuePriority", 1, 9999999);
	want_int(f, act, qt, "QueueTimeAdjustmentSeconds", -31536000,
		 31536000);

	if (!qp && !qt && !fparam_get(&act->params, "RoutingCriteria"))
		cwarn(f, act, "neither QueuePriority nor "
		      "QueueTimeAdjustmentSeconds: nothing changes");
}


void chk_compare(const struct flow_action *act, struct findings *f)
{
	const struct fparam *v = fparam_get(&act->params, "ComparisonValue");

	if (want_required(f, act, v, "ComparisonValue"))
		(void)want_scalar(f, act, v, "ComparisonValue");

	if (!act->condc)
		cwarn(f, act, "Compare without Conditions always takes "
		      "NoMatchingCondition");
}


void chk_loop(const struct flow_action *act, struct findings *f)
{
	const struct fparam *c = fparam_get(&act->params, "LoopCount");

	if (want_required(f, act, c, "LoopCount"))
		want_int(f, act, c, "LoopCount", 0, 100);
}


void chk_wait(const struct flow_action *act, struct findings *f)
{
	const struct fparam *t, *ev;
	size_t i;

	t = fparam_get2(&act->params, "TimeoutSeconds", "TimeLimitSeconds");
	want_int(f, act, t, t && t->key ? t->key : "TimeoutSeconds", 0,
		 604800);

	ev = fparam_get(&act->params, "Events");
	if (want_arr(f, act, ev, "Events")) {
		for (i = 0; i < ev->n; i++)
			(void)want_scalar(f, act, &ev->v[i], "Events[]");
	}
}


void chk_distribute(const struct flow_action *act, struct findings *f)
{
	size_t i, k;

	for (i = 0; i < act->condc; i++) {
		const struct fcond *c = act->condv[i].cond;

		if (c->op != FOP_LT && c->op != FOP_LE && c->op != FOP_GT &&
		    c->op != FOP_GE && c->op != FOP_EQUALS) {
			cwarn(f, act, "Conditions[%zu]: %s on a number from 1 "
			      "to 100", i, fcond_op_name(c->op));
			continue;
		}

		for (k = 0; k < c->opc; k++) {
			const struct ftmpl *t = &c->opv[k].str;
			long long v;

			if (c->opv[k].is_cond || !t->is_static)
				continue;
			if (!whole_number(t->raw, &v) || v < 0 || v > 101)
				cwarn(f, act, "Conditions[%zu]: operand \"%s\" "
				      "is not a percentage", i, t->raw);
		}
	}
}


void chk_check_metric(const struct flow_action *act, struct findings *f)
{
	static const char *const metrics[] = {
		"NumberOfAgentsAvailable", "NumberOfAgentsStaffed",
		"NumberOfAgentsOnline", "OldestContactInQueueAgeSeconds",
		"NumberOfContactsInQueue", NULL,
	};
	const struct fparam *m = fparam_get(&act->params, "MetricType");

	if (want_required(f, act, m, "MetricType"))
		want_enum(f, act, m, "MetricType", metrics);

	(void)want_scalar(f, act, fparam_get(&act->params, "QueueId"),
			  "QueueId");
	(void)want_scalar(f, act, fparam_get(&act->params, "AgentId"),
			  "AgentId");
}


void chk_update_target_queue(const struct flow_action *act, struct findings *f)
{
	const struct fparam *q = fparam_get(&act->params, "QueueId");
	const struct fparam *ag = fparam_get(&act->params, "AgentId");

	if ((!q || q->kind == FP_NULL) && (!ag || ag->kind == FP_NULL)) {
		cerr(f, act, "%s needs QueueId or AgentId",
		     action_type_name(act->type));
		return;
	}

	(void)want_scalar(f, act, q, "QueueId");
	(void)want_scalar(f, act, ag, "AgentId");
}


void chk_create_callback(const struct flow_action *act, struct findings *f)
{
	const struct fparam *p = &act->params;

	(void)want_scalar(f, act, fparam_get(p, "QueueId"), "QueueId");
	(void)want_scalar(f, act, fparam_get(p, "AgentId"), "AgentId");
	want_int(f, act, fparam_get(p, "InitialCallDelaySeconds"),
		 "InitialCallDelaySeconds", 0, 604800);
	want_int(f, act, fparam_get(p, "MaximumConnectionAttempts"),
		 "MaximumConnectionAttempts", 1, 100);
	want_int(f, act, fparam_get(p, "RetryDelaySeconds"),
		 "RetryDelaySeconds", 0, 604800);
}


void chk_update_participant_state(const struct flow_action *act, struct findings *f)
{
	static const char *const states[] = {
		"AgentOnHold", "CustomerOnHold", "OffHold", NULL,
	};
	const struct fparam *s;

	s = fparam_get(&act->params, "PreviousContactParticipantState");
	if (want_required(f, act, s, "PreviousContactParticipantState"))
		want_enum(f, act, s, "PreviousContactParticipantState",
			  states);
}


void chk_transfer_third_party(const struct flow_action *act, struct findings *f)
{
	const struct fparam *p = &act->params, *num, *t, *d, *cid;
	char e164[32];
	const char *s;

	num = fparam_get(p, "ThirdPartyPhoneNumber");
	if (want_required(f, act, num, "ThirdPartyPhoneNumber") &&
	    want_scalar(f, act, num, "ThirdPartyPhoneNumber") &&
	    (s = static_text(num)) != NULL) {
		if (util_e164(e164, sizeof(e164), s))
			cerr(f, act, "ThirdPartyPhoneNumber \"%s\" is not a "
			     "phone number", s);
		else if (aparam_e164(e164, sizeof(e164), s))
			cwarn(f, act, "ThirdPartyPhoneNumber \"%s\" is not "
			      "E.164 (+ and the country code): the transfer "
			      "takes its CallFailed branch, as in Connect",
			      s);
	}

	t = fparam_get2(p, "ThirdPartyConnectionTimeLimitSeconds",
			"ThirdPartyConnectionTimeoutSeconds");
	want_int(f, act, t, t && t->key ? t->key :
		 "ThirdPartyConnectionTimeLimitSeconds", 0, 600);

	want_bool(f, act, fparam_get(p, "ContinueFlowExecution"),
		  "ContinueFlowExecution");

	d = fparam_get(p, "ThirdPartyDTMFDigits");
	if (want_scalar(f, act, d, "ThirdPartyDTMFDigits") &&
	    (s = static_text(d)) != NULL &&
	    strspn(s, "0123456789,*#") != strlen(s))
		cerr(f, act, "ThirdPartyDTMFDigits may hold only 0-9 , * # "
		     "(got \"%s\")", s);

	cid = fparam_get(p, "CallerId");
	if (want_obj(f, act, cid, "CallerId")) {
		(void)want_scalar(f, act, fparam_get(cid, "Number"),
				  "CallerId.Number");
		(void)want_scalar(f, act, fparam_get(cid, "Name"),
				  "CallerId.Name");
	}
}


void chk_invoke_lambda(const struct flow_action *act, struct findings *f)
{
	static const char *const types[] = {"STRING_MAP", "JSON", NULL};
	const struct fparam *p = &act->params, *arn, *attrs, *rv;
	char name[128];
	size_t i;

	arn = fparam_get(p, "LambdaFunctionARN");
	if (want_required(f, act, arn, "LambdaFunctionARN"))
		(void)want_scalar(f, act, arn, "LambdaFunctionARN");

	want_int(f, act, fparam_get(p, "InvocationTimeLimitSeconds"),
		 "InvocationTimeLimitSeconds", 1, 8);

	attrs = fparam_get(p, "LambdaInvocationAttributes");
	if (want_obj(f, act, attrs, "LambdaInvocationAttributes")) {
		for (i = 0; i < attrs->n; i++) {
			snprintf(name, sizeof(name),
				 "LambdaInvocationAttributes.%s",
				 attrs->v[i].key);
			(void)want_scalar(f, act, &attrs->v[i], name);
		}
	}

	rv = fparam_get(p, "ResponseValidation");
	if (want_obj(f, act, rv, "ResponseValidation"))
		want_enum(f, act, fparam_get(rv, "ResponseType"),
			  "ResponseValidation.ResponseType", types);
}


void chk_invoke_flow_module(const struct flow_action *act, struct findings *f)
{
	const struct fparam *m = fparam_get(&act->params, "FlowModuleId");

	if (want_required(f, act, m, "FlowModuleId"))
		(void)want_scalar(f, act, m, "FlowModuleId");
}


void chk_show_view(const struct flow_action *act, struct findings *f)
{
	const struct fparam *p = &act->params, *r;

	r = fparam_get(p, "ViewResource");
	if (want_required(f, act, r, "ViewResource") &&
	    want_obj(f, act, r, "ViewResource") &&
	    want_required(f, act, fparam_get(r, "Id"), "ViewResource.Id"))
		(void)want_scalar(f, act, fparam_get(r, "Id"),
				  "ViewResource.Id");
	want_int(f, act, fparam_get(p, "InvocationTimeLimitSeconds"),
		 "InvocationTimeLimitSeconds", 1, 7 * 24 * 3600);
	(void)want_obj(f, act, fparam_get(p, "ViewData"), "ViewData");
}


void chk_update_routing_criteria(const struct flow_action *act,
				 struct findings *f)
{
	const struct fparam *c = fparam_get(&act->params, "RoutingCriteria");
	const struct fparam *steps;

	if (!want_required(f, act, c, "RoutingCriteria"))
		return;
	/* one reference to a function's JSON, or the object */
	if (c->kind == FP_STR)
		return;
	if (!want_obj(f, act, c, "RoutingCriteria"))
		return;
	steps = fparam_get(c, "Steps");
	if (want_required(f, act, steps, "RoutingCriteria.Steps"))
		(void)want_arr(f, act, steps, "RoutingCriteria.Steps");
}


void chk_customer_profile(const struct flow_action *act, struct findings *f)
{
	const struct fparam *p = &act->params, *req, *resp;

	req = fparam_get(p, "ProfileRequestData");
	if (act->type == ACT_GET_CUSTOMER_PROFILE &&
	    !want_required(f, act, req, "ProfileRequestData"))
		return;
	(void)want_obj(f, act, req, "ProfileRequestData");

	resp = fparam_get(p, "ProfileResponseData");
	if (resp && resp->kind != FP_OBJ && resp->kind != FP_ARR &&
	    resp->kind != FP_NULL)
		cerr(f, act, "ProfileResponseData must be a list of field "
		     "names or an object, not %s", kind_name(resp->kind));
}
