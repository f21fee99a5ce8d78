/**
 * @file lambda.c  InvokeLambdaFunction: the Connect event sent to an
 * external function over HTTP(S), and its reply made into $.External.
 *
 * The function's ARN maps to an endpoint in the configuration; the POST
 * itself goes through flow_ops->invoke, which answers with
 * frun_invoke_reply() and so with act_lambda_result() here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
/* not <re.h>: re_json.h clashes with jansson on JSON_* names */
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/strmap.h>
#include "../actions.h"

enum {
	LAMBDA_TIMEOUT_MAX_S = 8,	/* Connect's limit for a sync call */
	LAMBDA_REPLY_MAX = 32 * 1024,	/* Connect refuses larger output */
	LAMBDA_DEPTH_MAX = 16,		/* nesting kept in JSON mode */
};





/* Add key: string (NULL: JSON null). ENOMEM / EINVAL (not UTF-8). */
static int obj_str(json_t *obj, const char *key, const char *val)
{
	json_t *j = val ? json_string(val) : json_null();

	if (!j)
		return EINVAL;

	return json_object_set_new(obj, key, j) ? ENOMEM : 0;
}


static int obj_map(json_t *obj, const struct strmap *map)
{
	size_t i;

	for (i = 0; map && i < strmap_count(map); i++) {
		const struct strmap_ent *e = strmap_at(map, i);
		json_t *j = json_stringn(e->val, e->vlen);

		if (!j)
			return EINVAL;
		if (json_object_set_new(obj, e->key, j))
			return EINVAL;
	}

	return 0;
}


static json_t *endpoint_json(const char *addr)
{
	json_t *ep;

	if (!str_isset(addr))
		return json_null();

	ep = json_object();
	if (!ep)
		return NULL;
	if (obj_str(ep, "Address", addr) ||
	    obj_str(ep, "Type", "TELEPHONE_NUMBER")) {
		json_decref(ep);
		return NULL;
	}

	return ep;
}


static int contact_json(json_t *cdj, const struct cdata *cd,
			const struct config *cfg)
{
	json_t *attrs, *queue;
	int err = 0;

	attrs = json_object();
	if (!attrs || json_object_set_new(cdj, "Attributes", attrs))
		return ENOMEM;
	err = obj_map(attrs, cd->attrs);
	if (err)
		return err;

	err |= obj_str(cdj, "Channel", "VOICE");
	err |= obj_str(cdj, "ContactId", cd->contact_id);
	err |= json_object_set_new(cdj, "CustomerEndpoint",
				   endpoint_json(cd->customer_addr));
	err |= obj_str(cdj, "InitialContactId", cd->initial_contact_id);
	err |= obj_str(cdj, "InitiationMethod",
		       initiation_method_name(cd->method));
	err |= obj_str(cdj, "InstanceARN",
		       cfg && cfg->instance_arn ? cfg->instance_arn : "");
	/* Connect sends the contact's own id on a first segment */
	err |= obj_str(cdj, "PreviousContactId",
		       cd->previous_contact_id[0] ? cd->previous_contact_id :
		       cd->contact_id);
	if (err)
		return EINVAL;

	if (str_isset(cd->queue_name)) {
		queue = json_object();
		if (!queue || json_object_set_new(cdj, "Queue", queue))
			return ENOMEM;
		err |= obj_str(queue, "Name", cd->queue_name);
		err |= obj_str(queue, "ARN", cd->queue_arn);
	}
	else {
		err |= json_object_set_new(cdj, "Queue", json_null());
	}

	err |= json_object_set_new(cdj, "SystemEndpoint",
				   endpoint_json(cd->system_addr));
	err |= json_object_set_new(cdj, "MediaStreams", json_object());

	return err ? EINVAL : 0;
}


/* LambdaInvocationAttributes, each value evaluated. */
static int params_json(json_t *pj, struct frun *run,
		       const struct flow_action *a)
{
	const struct fparam *lia;
	char *val = NULL;
	size_t i;
	int err = 0;

	lia = fparam_get(&a->params, "LambdaInvocationAttributes");
	if (!lia)
		return 0;
	if (lia->kind != FP_OBJ)
		return EINVAL;

	for (i = 0; i < lia->n; i++) {
		const struct fparam *e = &lia->v[i];

		if (!e->key)
			continue;
		err = aparam_dup(run, e, &val);
		if (err)
			break;
		err = obj_str(pj, e->key, val);
		val = mem_deref(val);
		if (err)
			break;
	}

	return err;
}


int lambda_event_build(char **jsonp, struct frun *run,
		       const struct flow_action *a)
{
	json_t *ev = NULL, *cdj, *pj;
	char *s = NULL;
	int err;

	if (!jsonp || !run || !a)
		return EINVAL;

	cdj = json_object();
	pj = json_object();
	if (!cdj || !pj) {
		json_decref(cdj);
		json_decref(pj);
		return ENOMEM;
	}

	err = contact_json(cdj, frun_cdata(run), frun_env(run)->cfg);
	if (!err)
		err = params_json(pj, run, a);
	if (err) {
		json_decref(cdj);
		json_decref(pj);
		return err;
	}

	/* "o" hands both objects to the event, also when packing fails */
	ev = json_pack("{s:s, s:{s:o, s:o}}", "Name", "ContactFlowEvent",
		       "Details", "ContactData", cdj, "Parameters", pj);
	if (!ev)
		return ENOMEM;

	s = json_dumps(ev, JSON_COMPACT);
	if (!s) {
		err = ENOMEM;
		goto out;
	}

	err = str_dup(jsonp, s);

 out:
	free(s);
	json_decref(ev);
	return err;
}


/* Text of a scalar JSON value as Connect hands it to the flow. */
static int scalar_text(char **strp, const json_t *v)
{
	switch (json_typeof(v)) {

	case JSON_STRING:
		return re_sdprintf(strp, "%b", json_string_value(v),
				   json_string_length(v));
	case JSON_INTEGER:
		return re_sdprintf(strp, "%lld",
				   (long long)json_integer_value(v));
	case JSON_REAL: {
		char num[32];

		(void)snprintf(num, sizeof(num), "%.15g", json_real_value(v));
		return str_dup(strp, num);
	}
	case JSON_TRUE:
		return str_dup(strp, "true");
	case JSON_FALSE:
		return str_dup(strp, "false");
	case JSON_NULL:
		return str_dup(strp, "");
	default:
		return EBADMSG;
	}
}


static int flatten(struct strmap *map, const char *prefix, const json_t *obj,
		   bool json_mode, int depth)
{
	const char *key;
	json_t *v;
	char *full = NULL, *text = NULL;
	int err = 0;

	json_object_foreach((json_t *)obj, key, v) {

		if (prefix)
			err = re_sdprintf(&full, "%s.%s", prefix, key);
		else
			err = str_dup(&full, key);
		if (err)
			break;

		if (json_is_object(v)) {
			/* STRING_MAP wants a flat map */
			if (!json_mode || depth >= LAMBDA_DEPTH_MAX)
				err = EBADMSG;
			else
				err = flatten(map, full, v, json_mode,
					      depth + 1);
		}
		else if (json_is_array(v)) {
			char *s;

			if (!json_mode) {
				err = EBADMSG;
			}
			else if ((s = json_dumps(v, JSON_COMPACT))) {
				err = strmap_set(map, full, s);
				free(s);
			}
			else {
				err = ENOMEM;
			}
		}
		else {
			err = scalar_text(&text, v);
			if (!err)
				err = strmap_set(map, full, text);
			text = mem_deref(text);
		}

		full = mem_deref(full);
		if (err)
			break;
	}

	mem_deref(full);
	mem_deref(text);
	return err;
}


int lambda_reply_apply(struct frun *run, const char *body, size_t len,
		       bool json_mode)
{
	struct cdata *cd;
	struct strmap *map = NULL;
	json_error_t jerr;
	json_t *root;
	int err;

	if (!run || (!body && len))
		return EINVAL;
	if (len > LAMBDA_REPLY_MAX)
		return EMSGSIZE;

	root = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES,
			  &jerr);
	if (!json_is_object(root)) {
		err = EBADMSG;
		goto out;
	}

	err = strmap_alloc(&map);
	if (err)
		goto out;

	err = flatten(map, NULL, root, json_mode, 1);
	if (err)
		goto out;

	/* $.External holds the last reply only */
	cd = frun_cdata(run);
	mem_deref(cd->external);
	cd->external = map;
	map = NULL;

 out:
	mem_deref(map);
	json_decref(root);
	return err;
}


static bool response_is_json(const struct flow_action *act)
{
	const struct fparam *rv, *rt;

	rv = fparam_get(&act->params, "ResponseValidation");
	rt = rv ? fparam_get(rv, "ResponseType") : NULL;

	return rt && rt->kind == FP_STR && rt->str.raw &&
		!str_casecmp(rt->str.raw, "JSON");
}


int act_lambda_result(struct frun *run, const struct flow_action *act,
		      int err, uint16_t status, const char *body, size_t len)
{
	if (err) {
		log_info("flow: %s: function call failed (%s)", act->id,
			 err == ETIMEDOUT ? "timed out" : strerror(err));
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	if (status < 200 || status > 299) {
		log_info("flow: %s: function answered HTTP %u", act->id,
			 (unsigned)status);
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	err = lambda_reply_apply(run, body, len, response_is_json(act));
	if (err) {
		log_info("flow: %s: function reply refused (%s)", act->id,
			 err == EBADMSG ? "not a JSON object of the"
			 " expected shape" : strerror(err));
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	frun_done(run, 0);
	return 0;
}


int act_invoke_lambda(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	const struct cfg_function *fn;
	const struct fparam *tl;
	char *ref = NULL, *body = NULL;
	uint32_t secs;
	int err;

	err = aparam_dup(run, fparam_get(&act->params, "LambdaFunctionARN"),
			&ref);
	if (err)
		return err;

	fn = env->cfg && str_isset(ref) ? config_function(env->cfg, ref) :
		NULL;
	/* unresolved: the port decides (the simulator may have a scripted
	 * reply; the daemon takes the error branch) */
	if (!fn || !str_isset(fn->url))
		log_info("flow: %s: function '%s' has no endpoint", act->id,
			 ref);

	/* out of 1-8: Connect's limit rather than a refused call */
	tl = fparam_get(&act->params, "InvocationTimeLimitSeconds");
	err = aparam_uint(run, tl, LAMBDA_TIMEOUT_MAX_S, LAMBDA_TIMEOUT_MAX_S,
			  &secs);
	if (err || secs > LAMBDA_TIMEOUT_MAX_S)
		secs = LAMBDA_TIMEOUT_MAX_S;
	if (secs < 1)
		secs = 1;

	err = lambda_event_build(&body, run, act);
	if (err) {
		log_info("flow: %s: event not built (%s)", act->id,
			 strerror(err));
		frun_done_error(run, "NoMatchingError");
		err = 0;
		goto out;
	}

	if (!env->ops || !env->ops->invoke) {
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	/* the port copies what it sends */
	err = env->ops->invoke(run, fn && str_isset(fn->url) ? fn->url : NULL,
			       body, strlen(body), secs * 1000,
			       env->ops_arg);

 out:
	mem_deref(ref);
	mem_deref(body);
	return err;
}
