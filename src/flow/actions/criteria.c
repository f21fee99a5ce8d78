/**
 * @file criteria.c  Set routing criteria (UpdateContactRoutingCriteria,
 * UpdateRoutingCriteria): routing steps of agent proficiencies with
 * expiries, and preferred agents.
 *
 * RoutingCriteria is written as an object (its values may hold
 * references, preferred agents often do) or as one reference to the JSON
 * a function returned. Preferred agents named by id or ARN become the
 * agents' usernames of the configuration. The criteria go on the contact
 * (the next enqueue takes them) and through the routing_criteria port to
 * a queue entry that already waits; without that port: the error branch.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/rcriteria.h>
#include <callflowd/flow/cdata.h>
#include "../actions.h"


static const char *agent_username(const char *id, void *arg)
{
	const struct cfg_agent *a = config_agent(arg, id);

	return a ? a->ident.name : NULL;
}


/* The criteria as JSON: an object, or a reference to JSON text. */
static int criteria_json(json_t **jp, struct frun *run,
			 const struct fparam *p)
{
	json_error_t jerr;
	char *s = NULL;
	int err;

	if (p->kind != FP_STR)
		return aparam_json(run, p, jp);

	err = aparam_dup(run, p, &s);
	if (err)
		return err;
	*jp = json_loads(s, 0, &jerr);
	mem_deref(s);
	return *jp ? 0 : EBADMSG;
}


int act_update_routing_criteria(struct frun *run,
				const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	const struct fparam *p = fparam_get(&act->params, "RoutingCriteria");
	struct cdata *cd = frun_cdata(run);
	struct rcriteria *c = NULL;
	char msg[192];
	json_t *j = NULL;
	int err;

	if (!p) {
		action_warn(run, act, "RoutingCriteria missing");
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	err = criteria_json(&j, run, p);
	if (err == ENOMEM)
		return err;
	if (!err)
		err = rcriteria_parse(&c, j, msg, sizeof(msg));
	else
		str_ncpy(msg, "RoutingCriteria is not JSON", sizeof(msg));
	json_decref(j);
	if (err == ENOMEM)
		return err;
	if (err) {
		action_warn(run, act, "%s", msg);
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	if (env->cfg) {
		err = rcriteria_map_agents(c, agent_username,
					   (void *)env->cfg);
		if (err)
			goto out;
	}

	if (!env->ops || !env->ops->routing_criteria) {
		frun_done_error(run, "NoMatchingError");
		goto out;
	}
	err = env->ops->routing_criteria(run, c, env->ops_arg);
	if (err) {
		action_warn(run, act, "routing criteria not applied: %s",
			    strerror(err));
		frun_done_error(run, "NoMatchingError");
		err = 0;
		goto out;
	}

	mem_deref(cd->routing_criteria);
	cd->routing_criteria = mem_ref(c);
	frun_done(run, 0);

 out:
	mem_deref(c);
	return err;
}
