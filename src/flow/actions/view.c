/**
 * @file view.c  ShowView: a view (a step of an agent's guide: detail,
 * form, cards, confirmation, ...) for the agent's workspace.
 *
 * The view resource and its data, references resolved, are put on the
 * contact (cdata->view, JSON) for the workspace to render, and the
 * show_view port waits for the agent's action within
 * InvocationTimeLimitSeconds. The action ("Next", "Back",
 * "ActionSelected", ...) is the result the conditions test and
 * $.Views.Action; the data the view returns is $.Views.ViewResultData.
 * No port, or no workspace attached (ENODEV): the error branch; no answer
 * in time: TimeLimitExceeded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/log.h>
#include <callflowd/core/strmap.h>
#include "../actions.h"

enum {
	VIEW_TIMEOUT_DEF_S = 300,
	VIEW_TIMEOUT_MAX_S = 7 * 24 * 3600,
	VIEW_MAX_BYTES = 16 * 1024,	/* Connect: inputs + attributes */
};


int act_show_view(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	const struct fparam *res = fparam_get(&act->params, "ViewResource");
	struct cdata *cd = frun_cdata(run);
	char *id = NULL, *version = NULL, *text = NULL;
	json_t *view = NULL, *data = NULL, *jres;
	struct fview v;
	uint32_t secs;
	int err;

	memset(&v, 0, sizeof(v));

	err  = aparam_dup_opt(run, fparam_get(res, "Id"), &id);
	err |= aparam_dup_opt(run, fparam_get(res, "Version"), &version);
	if (err) {
		err = ENOMEM;
		goto out;
	}
	if (!str_isset(id)) {
		action_warn(run, act, "ShowView without ViewResource.Id");
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	if (aparam_uint(run, fparam_get(&act->params,
					"InvocationTimeLimitSeconds"),
			VIEW_TIMEOUT_DEF_S, VIEW_TIMEOUT_MAX_S, &secs) ||
	    !secs) {
		action_warn(run, act, "InvocationTimeLimitSeconds: not 1-%u",
			    VIEW_TIMEOUT_MAX_S);
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	err = aparam_json(run, fparam_get(&act->params, "ViewData"), &data);
	if (err)
		goto out;

	view = json_object();
	jres = json_pack("{s:s}", "Id", id);
	if (!view || !jres) {
		json_decref(jres);
		err = ENOMEM;
		goto out;
	}
	if (version)
		json_object_set_new(jres, "Version", json_string(version));
	json_object_set_new(view, "ViewResource", jres);
	json_object_set_new(view, "ViewData", data ? data : json_object());
	data = NULL;
	json_object_set_new(view, "InvocationTimeLimitSeconds",
			    json_integer(secs));
	v.sensitive = fparam_get(&act->params,
				 "SensitiveDataConfiguration") != NULL;
	json_object_set_new(view, "Sensitive", json_boolean(v.sensitive));

	{
		char *s = json_dumps(view, JSON_COMPACT | JSON_PRESERVE_ORDER);

		if (!s) {
			err = ENOMEM;
			goto out;
		}
		err = str_dup(&text, s);
		free(s);
		if (err)
			goto out;
	}
	if (strlen(text) > VIEW_MAX_BYTES) {
		action_warn(run, act, "the view's data pass %u bytes",
			    VIEW_MAX_BYTES);
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	/* on the contact for the workspace, whether or not one is there */
	err = cdata_set_str(&cd->view, text);
	if (err)
		goto out;

	if (!env->ops || !env->ops->show_view) {
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	v.id = id;
	v.version = version;
	v.json = text;
	v.timeout_ms = secs * 1000;
	err = env->ops->show_view(run, &v, env->ops_arg);
	if (err == ENODEV) {
		log_info("flow: %s: ShowView: no agent workspace attached",
			 act->id);
		frun_done_error(run, "NoMatchingError");
		err = 0;
	}

 out:
	json_decref(view);
	json_decref(data);
	mem_deref(id);
	mem_deref(version);
	mem_deref(text);
	return err;
}


/* JSON values into map under prefix (objects joined by '.'). */
static int result_put(struct strmap *map, const char *prefix,
		      const json_t *j)
{
	const char *key;
	json_t *v;
	char *k = NULL, *s;
	size_t i;
	int err = 0;

	switch (json_typeof(j)) {

	case JSON_OBJECT:
		json_object_foreach((json_t *)j, key, v) {
			err = re_sdprintf(&k, "%s.%s", prefix, key);
			if (!err)
				err = result_put(map, k, v);
			k = mem_deref(k);
			if (err)
				break;
		}
		return err;

	case JSON_ARRAY:
		json_array_foreach(j, i, v) {
			err = re_sdprintf(&k, "%s.%zu", prefix, i);
			if (!err)
				err = result_put(map, k, v);
			k = mem_deref(k);
			if (err)
				break;
		}
		return err;

	case JSON_STRING:
		return strmap_set(map, prefix, json_string_value(j));

	case JSON_NULL:
		return strmap_set(map, prefix, "");

	default:
		s = json_dumps(j, JSON_ENCODE_ANY);
		if (!s)
			return ENOMEM;
		err = strmap_set(map, prefix, s);
		free(s);
		return err;
	}
}


int act_view_result(struct frun *run, const struct flow_action *act,
		    const char *action, const char *result)
{
	struct cdata *cd = frun_cdata(run);
	struct strmap *views = NULL;
	json_t *j = NULL;
	int err;

	if (act->type != ACT_SHOW_VIEW)
		return EPROTO;

	err = strmap_alloc(&views);
	if (err)
		return err;

	err = strmap_set(views, "Action", action ? action : "");
	if (!err && str_isset(result)) {
		j = json_loads(result, 0, NULL);
		if (j)
			err = result_put(views, "ViewResultData", j);
		else
			err = strmap_set(views, "ViewResultData", result);
	}
	json_decref(j);
	if (err) {
		mem_deref(views);
		return err;
	}

	mem_deref(cd->views);
	cd->views = views;
	/* the agent acted: the view leaves the contact */
	cd->view = mem_deref(cd->view);

	frun_done_value(run, action ? action : "");
	return 0;
}
