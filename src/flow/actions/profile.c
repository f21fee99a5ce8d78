/**
 * @file profile.c  Customer profiles: GetCustomerProfile,
 * CreateCustomerProfile, UpdateCustomerProfile,
 * AssociateContactToCustomerProfile, on the profile store behind the
 * profile_* ports, with $.Customer.* for what they return.
 *
 * Requests take Connect's shapes: ProfileRequestData holds either
 * IdentifierName / IdentifierValue, or SearchCriteria with a
 * LogicalOperator (AND / OR), or fields by name ({"PhoneNumber": ...},
 * nested "Attributes": {...} become "Attributes.x"). ProfileResponseData
 * lists the fields to keep in $.Customer (a list of names, or an object
 * whose keys are the names); ProfileId and ProfileARN are always kept.
 * Values may hold references; each is at most 255 characters and
 * $.Customer at most 14,000, as in Connect. A port may answer at once or
 * later (a database); no port: the error branch.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/strmap.h>
#include <callflowd/flow/cdata.h>
#include "../actions.h"

enum {
	VALUE_MAX = 255,
	CUSTOMER_MAX = 14000,
	IDENTIFIERS_MAX = 5,
};


static int put(struct strmap *map, const char *key, const char *val)
{
	if (strlen(val) > VALUE_MAX)
		return ERANGE;
	return strmap_set(map, key, val);
}


/* Fields of an object, nested objects as "a.b", every value evaluated. */
static int fields(struct frun *run, const struct fparam *obj,
		  const char *prefix, struct strmap *map)
{
	char *key = NULL, *val = NULL;
	size_t i;
	int err = 0;

	for (i = 0; obj && obj->kind == FP_OBJ && i < obj->n && !err; i++) {
		const struct fparam *e = &obj->v[i];

		err = re_sdprintf(&key, "%s%s%s", prefix, *prefix ? "." : "",
				  e->key);
		if (err)
			break;
		if (e->kind == FP_OBJ) {
			err = fields(run, e, key, map);
		}
		else if (e->kind != FP_ARR && e->kind != FP_NULL) {
			err = aparam_dup(run, e, &val);
			if (!err)
				err = put(map, key, val);
			val = mem_deref(val);
		}
		key = mem_deref(key);
	}

	mem_deref(key);
	return err;
}


static int identifier(struct frun *run, const struct fparam *e,
		      struct strmap *ids)
{
	char *name = NULL, *val = NULL;
	int err;

	err  = aparam_dup_opt(run, fparam_get(e, "IdentifierName"), &name);
	err |= aparam_dup_opt(run, fparam_get(e, "IdentifierValue"), &val);
	if (!err && (!str_isset(name) || !str_isset(val)))
		err = EINVAL;
	if (!err)
		err = put(ids, name, val);
	mem_deref(name);
	mem_deref(val);
	return err;
}


/* GetCustomerProfile's search identifiers and AND/OR. */
static int search(struct frun *run, const struct fparam *req,
		  struct strmap *ids, bool *allp)
{
	const struct fparam *sc = fparam_get(req, "SearchCriteria");
	struct pl op = PL_INIT;
	size_t i;
	int err = 0;

	*allp = true;

	if (fparam_get(req, "IdentifierName")) {
		err = identifier(run, req, ids);
	}
	else if (sc) {
		if (sc->kind != FP_ARR)
			return EINVAL;
		for (i = 0; i < sc->n && !err; i++)
			err = identifier(run, &sc->v[i], ids);
		op.p = "AND";
		op.l = 3;
		if (fparam_get(req, "LogicalOperator")) {
			const struct fparam *lo =
				fparam_get(req, "LogicalOperator");

			if (lo->kind != FP_STR ||
			    frun_eval(run, &lo->str, frun_scratch(run), &op))
				return EINVAL;
		}
		if (!pl_strcasecmp(&op, "OR"))
			*allp = false;
		else if (pl_strcasecmp(&op, "AND"))
			return EINVAL;
	}
	else {
		err = fields(run, req, "", ids);
	}

	if (!err && (!strmap_count(ids) ||
		     strmap_count(ids) > IDENTIFIERS_MAX))
		err = EINVAL;
	return err;
}


/* Empty values are no identifier at all. */
static bool has_empty(const struct strmap *m)
{
	size_t i;

	for (i = 0; i < strmap_count(m); i++) {
		if (!strmap_at(m, i)->vlen)
			return true;
	}
	return false;
}


int act_customer_profile(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	const struct flow_ops *ops = env->ops;
	const struct fparam *req = fparam_get(&act->params,
					      "ProfileRequestData");
	struct cdata *cd = frun_cdata(run);
	struct strmap *map = NULL;
	char *pid = NULL, *cid = NULL;
	bool all = true;
	int err;

	err = strmap_alloc(&map);
	if (err)
		return err;

	switch (act->type) {

	case ACT_GET_CUSTOMER_PROFILE:
		err = search(run, req, map, &all);
		if (!err && has_empty(map))
			err = EINVAL;
		if (err)
			break;
		if (!ops || !ops->profile_get) {
			err = ENOSYS;
			break;
		}
		err = ops->profile_get(run, map, all, env->ops_arg);
		break;

	case ACT_CREATE_CUSTOMER_PROFILE:
		err = fields(run, req, "", map);
		if (err)
			break;
		if (!ops || !ops->profile_create) {
			err = ENOSYS;
			break;
		}
		err = ops->profile_create(run, map, env->ops_arg);
		break;

	case ACT_UPDATE_CUSTOMER_PROFILE:
		err = fields(run, req, "", map);
		if (err)
			break;
		/* the profile this flow found or created before */
		if (strmap_get(map, "ProfileId")) {
			err = str_dup(&pid, strmap_get(map, "ProfileId"));
			(void)strmap_del(map, "ProfileId");
		}
		else if (strmap_get(cd->customer, "ProfileId")) {
			err = str_dup(&pid, strmap_get(cd->customer,
						       "ProfileId"));
		}
		if (!err && !str_isset(pid)) {
			action_warn(run, act, "no profile to update: get or "
				    "create one first");
			err = ENOENT;
		}
		if (err)
			break;
		if (!ops || !ops->profile_update) {
			err = ENOSYS;
			break;
		}
		err = ops->profile_update(run, pid, map, env->ops_arg);
		break;

	case ACT_ASSOCIATE_CONTACT_TO_CUSTOMER_PROFILE:
		err  = aparam_dup_opt(run, fparam_get(req, "ProfileId"), &pid);
		err |= aparam_dup_opt(run, fparam_get(req, "ContactId"), &cid);
		if (err) {
			err = ENOMEM;
			break;
		}
		if (!str_isset(pid) && strmap_get(cd->customer, "ProfileId")) {
			pid = mem_deref(pid);
			err = str_dup(&pid, strmap_get(cd->customer,
						       "ProfileId"));
		}
		if (!err && !str_isset(cid)) {
			cid = mem_deref(cid);
			err = str_dup(&cid, cd->contact_id);
		}
		if (!err && !str_isset(pid)) {
			action_warn(run, act, "no ProfileId to associate");
			err = ENOENT;
		}
		if (err)
			break;
		if (!ops || !ops->profile_associate) {
			err = ENOSYS;
			break;
		}
		err = ops->profile_associate(run, pid, cid, env->ops_arg);
		break;

	default:
		err = EPROTO;
		break;
	}

	if (err == ERANGE)
		action_warn(run, act, "a profile value passes %u characters",
			    VALUE_MAX);
	else if (err == EINVAL)
		action_warn(run, act, "ProfileRequestData: no usable search "
			    "identifier (1 to %u, non-empty, AND or OR)",
			    IDENTIFIERS_MAX);
	if (err && err != ENOMEM) {
		frun_done_error(run, "NoMatchingError");
		err = 0;
	}

	mem_deref(map);
	mem_deref(pid);
	mem_deref(cid);
	return err;
}


/* Field names of ProfileResponseData (a list, or an object's keys). */
static int response_fields(struct frun *run, const struct fparam *resp,
			   const struct strmap *profile, struct strmap *out)
{
	size_t i;
	int err = 0;

	for (i = 0; resp && i < resp->n && !err; i++) {
		const struct fparam *e = &resp->v[i];
		char *name = NULL;
		const char *v;

		if (resp->kind == FP_OBJ)
			err = str_dup(&name, e->key);
		else if (resp->kind == FP_ARR)
			err = aparam_dup(run, e, &name);
		else
			break;
		if (err)
			break;
		v = strmap_get(profile, name);
		if (v)
			err = strmap_set(out, name, v);
		mem_deref(name);
	}
	return err;
}


int act_profile_result(struct frun *run, const struct flow_action *act,
		       enum fprofile_status st, const struct strmap *profile)
{
	struct cdata *cd = frun_cdata(run);
	struct strmap *next = NULL;
	static const char *const always[] = {"ProfileId", "ProfileARN"};
	size_t i;
	int err;

	switch (st) {

	case FPROFILE_OK:
		break;

	case FPROFILE_NONE:
		frun_done_error(run, act->type == ACT_GET_CUSTOMER_PROFILE ?
				"NoneFoundError" : "NoMatchingError");
		return 0;

	case FPROFILE_MULTIPLE:
		frun_done_error(run, act->type == ACT_GET_CUSTOMER_PROFILE ?
				"MultipleFoundError" : "NoMatchingError");
		return 0;

	default:
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	if (act->type == ACT_ASSOCIATE_CONTACT_TO_CUSTOMER_PROFILE ||
	    !profile) {
		frun_done(run, 0);
		return 0;
	}

	/* a profile found or created is the one $.Customer shows; an
	 * update adds to it */
	if (act->type == ACT_UPDATE_CUSTOMER_PROFILE)
		err = strmap_dup(&next, cd->customer);
	else
		err = strmap_alloc(&next);
	if (err)
		return err;

	for (i = 0; i < ARRAY_SIZE(always) && !err; i++) {
		const char *v = strmap_get(profile, always[i]);

		if (v)
			err = strmap_set(next, always[i], v);
	}
	if (!err)
		err = response_fields(run, fparam_get(&act->params,
						      "ProfileResponseData"),
				      profile, next);
	if (err) {
		mem_deref(next);
		return err;
	}

	if (strmap_bytes(next) > CUSTOMER_MAX) {
		action_warn(run, act, "$.Customer would pass %u characters",
			    CUSTOMER_MAX);
		mem_deref(next);
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	mem_deref(cd->customer);
	cd->customer = next;
	frun_done(run, 0);
	return 0;
}
