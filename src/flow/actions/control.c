/**
 * @file control.c  Flow control actions: Compare, CheckHoursOfOperation,
 * Loop, Wait, DistributeByPercentage, TransferToFlow, the ends of flows
 * and modules, flow logging.
 */
#include <errno.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/core/hours.h>
#include <callflowd/core/log.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/util.h>
#include "../actions.h"

enum {
	LOOP_MAX = 100,
	WAIT_MAX_S = 7 * 24 * 3600,	/* Connect's Wait allows a week */
	WAIT_EVENTS_MAX = 8,
};





int act_compare(struct frun *run, const struct flow_action *act)
{
	char *val = NULL;
	int err;

	err = aparam_dup(run, fparam_get(&act->params, "ComparisonValue"),
			&val);
	if (err)
		return err;

	frun_done_value(run, val);
	mem_deref(val);

	return 0;
}


/* Hours named by the action, else those of the working queue. */
static const struct hours *hours_resolve(struct frun *run, const char *ref)
{
	const struct config *cfg = frun_env(run)->cfg;
	const struct cdata *cd = frun_cdata(run);
	const struct cfg_queue *q;

	if (!cfg)
		return NULL;
	if (str_isset(ref))
		return config_hours(cfg, ref);

	/* an agent queue has no hours of its own */
	if (cd->agent_target || !str_isset(cd->queue_name))
		return NULL;

	q = config_queue(cfg, cd->queue_name);
	if (!q || !str_isset(q->hours))
		return NULL;

	return config_hours(cfg, q->hours);
}


int act_check_hours(struct frun *run, const struct flow_action *act)
{
	const struct hours *h;
	char *ref = NULL;
	int err;

	err = aparam_dup(run, fparam_get(&act->params, "HoursOfOperationId"),
			&ref);
	if (err)
		return err;

	h = hours_resolve(run, ref);
	if (!h) {
		log_info("flow: %s: hours of operation '%s' not resolved",
			 act->id, str_isset(ref) ? ref : "(working queue)");
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	frun_done_value(run, hours_is_open(h, frun_now_ms(run)) ?
			"True" : "False");

 out:
	mem_deref(ref);
	return 0;
}


int act_loop(struct frun *run, const struct flow_action *act)
{
	uint32_t *counter, count;
	int err;

	err = aparam_uint(run, fparam_get(&act->params, "LoopCount"), 0,
			  LOOP_MAX, &count);
	if (err || count > LOOP_MAX) {
		log_info("flow: %s: LoopCount must be 0-%d", act->id,
			 LOOP_MAX);
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	counter = frun_loop_counter(run, act);
	if (!counter)
		return ENOMEM;

	if (*counter < count) {
		++*counter;
		frun_done_value(run, "ContinueLooping");
	}
	else {
		/* reset so that the next pass through loops again */
		*counter = 0;
		frun_done_value(run, "DoneLooping");
	}

	return 0;
}


int act_wait(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	const struct fparam *tp, *ev;
	const char *events[WAIT_EVENTS_MAX];
	size_t eventc = 0, i;
	uint32_t secs;
	int err;

	tp = fparam_get2(&act->params, "TimeoutSeconds", "TimeLimitSeconds");
	err = aparam_uint(run, tp, 0, WAIT_MAX_S, &secs);
	if (err || secs > WAIT_MAX_S) {
		log_info("flow: %s: Wait time must be 0-%d seconds", act->id,
			 WAIT_MAX_S);
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	ev = fparam_get(&act->params, "Events");
	if (ev && ev->kind == FP_ARR) {
		for (i = 0; i < ev->n && eventc < WAIT_EVENTS_MAX; i++) {
			if (ev->v[i].kind == FP_STR && ev->v[i].str.raw)
				events[eventc++] = ev->v[i].str.raw;
		}
	}

	if (!env->ops || !env->ops->wait) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	/* the port completes with WaitCompleted or the event */
	return env->ops->wait(run, secs * 1000, events, eventc,
			      env->ops_arg);
}


int act_distribute(struct frun *run, const struct flow_action *act)
{
	static struct rng fallback;
	static bool seeded;
	const struct fenv *env = frun_env(run);
	struct rng *rng = env->rng;
	char num[8];

	(void)act;

	/* Without an env source: a process-wide one (loop thread only). */
	if (!rng) {
		if (!seeded) {
			rng_seed(&fallback, util_now_ms() ^ util_mono_ms());
			seeded = true;
		}
		rng = &fallback;
	}

	(void)re_snprintf(num, sizeof(num), "%u", rng_range(rng, 1, 100));
	frun_done_value(run, num);

	return 0;
}


int act_end_flow(struct frun *run, const struct flow_action *act)
{
	(void)act;

	frun_end(run, FEND_END_FLOW, NULL, NULL);
	return 0;
}


int act_update_flow_logging(struct frun *run, const struct flow_action *act)
{
	struct pl v = PL_INIT;
	int err;

	err = aparam_str(run, act, "FlowLoggingBehavior", &v);
	if (err)
		return err;

	if (!pl_strcasecmp(&v, "Enabled"))
		frun_cdata(run)->flow_logging = true;
	else if (!pl_strcasecmp(&v, "Disabled"))
		frun_cdata(run)->flow_logging = false;
	else {
		log_info("flow: %s: FlowLoggingBehavior '%r' is neither"
			 " Enabled nor Disabled", act->id, &v);
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	frun_done(run, 0);
	return 0;
}


/* Every scalar of a parameter tree into map, keys joined by '.'. */
static int flatten(struct frun *run, const struct fparam *p,
		   const char *prefix, struct strmap *map)
{
	char *key = NULL, *val = NULL;
	size_t i;
	int err = 0;

	switch (p->kind) {

	case FP_OBJ:
	case FP_ARR:
		for (i = 0; i < p->n && !err; i++) {
			if (p->kind == FP_OBJ)
				err = re_sdprintf(&key, "%s%s%s", prefix,
						  *prefix ? "." : "",
						  p->v[i].key);
			else
				err = re_sdprintf(&key, "%s%s%zu", prefix,
						  *prefix ? "." : "", i);
			if (!err)
				err = flatten(run, &p->v[i], key, map);
			key = mem_deref(key);
		}
		return err;

	case FP_NULL:
		return 0;

	default:
		err = aparam_dup(run, p, &val);
		if (!err && *prefix)
			err = strmap_set(map, prefix, val);
		mem_deref(val);
		return err;
	}
}


/* The first of the spellings present (module inputs and outputs). */
static const struct fparam *param_any(const struct flow_action *act,
				      const char *const *keys)
{
	const struct fparam *p;

	for (; *keys; keys++) {
		p = fparam_get(&act->params, *keys);
		if (p && p->kind != FP_NULL)
			return p;
	}
	return NULL;
}


int act_invoke_flow_module(struct frun *run, const struct flow_action *act)
{
	static const char *const in_keys[] = {
		"Input", "Inputs", "ModuleInput", "InputParameters", NULL
	};
	const struct fenv *env = frun_env(run);
	const struct fparam *in;
	struct strmap *input = NULL;
	struct flow *module;
	char *ref = NULL;
	int err;

	err = aparam_dup(run, fparam_get(&act->params, "FlowModuleId"), &ref);
	if (err)
		return err;

	if (!str_isset(ref)) {
		action_warn(run, act, "FlowModuleId is empty");
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	module = env->flows ? flowset_find(env->flows, ref) : NULL;
	if (!module) {
		action_warn(run, act, "flow module '%s' not found", ref);
		frun_done_error(run, "NoMatchingError");
		goto out;
	}
	if (module->type != FLOW_MODULE) {
		action_warn(run, act, "'%s' is a %s flow, not a module", ref,
			    flow_type_name(module->type));
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	err = strmap_alloc(&input);
	if (err)
		goto out;
	in = param_any(act, in_keys);
	if (in && flatten(run, in, "", input)) {
		action_warn(run, act, "module inputs cannot be evaluated");
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	err = frun_call_module(run, module, input);
	if (err == ELOOP) {
		action_warn(run, act, "modules nest at most five deep: '%s' "
			    "not run", module->name);
		frun_done_error(run, "NoMatchingError");
		err = 0;
	}

 out:
	mem_deref(input);
	mem_deref(ref);
	return err;
}


int act_end_flow_module(struct frun *run, const struct flow_action *act)
{
	static const char *const br_keys[] = {
		"Result", "Branch", "TransitionName", NULL
	};
	static const char *const out_keys[] = {
		"ResultData", "Output", "Outputs", "OutputParameters", NULL
	};
	const struct fparam *br, *outp;
	struct strmap *data = NULL;
	char *branch = NULL;
	int err;

	br = param_any(act, br_keys);
	outp = param_any(act, out_keys);

	err = aparam_dup_opt(run, br, &branch);
	if (!err && outp) {
		err = strmap_alloc(&data);
		if (!err)
			err = flatten(run, outp, "", data);
	}
	if (err) {
		action_warn(run, act, "module result cannot be evaluated");
		frun_done_error(run, "NoMatchingError");
		err = 0;
		goto out;
	}

	frun_module_return(run, branch, data);

 out:
	mem_deref(branch);
	mem_deref(data);
	return err;
}


int act_not_supported(struct frun *run, const struct flow_action *act)
{
	const struct action_def *def = action_def_get(act->type);

	log_info("flow: %s: %s takes its error branch here: %s", act->id,
		 def ? def->name : act->type_name,
		 def && def->why ? def->why : "not supported");
	frun_done_error(run, "NoMatchingError");
	return 0;
}


int act_transfer_to_flow(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	struct flow *flow;
	char *ref = NULL;
	int err;

	err = aparam_dup(run, fparam_get(&act->params, "ContactFlowId"), &ref);
	if (err)
		return err;

	if (!str_isset(ref)) {
		log_info("flow: %s: ContactFlowId is empty", act->id);
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	/* no flow set (a lone simulation): say where the contact went */
	if (!env->flows) {
		frun_end(run, FEND_TRANSFER_FLOW, NULL, ref);
		goto out;
	}

	flow = flowset_find(env->flows, ref);
	if (!flow) {
		log_info("flow: %s: flow '%s' not found", act->id, ref);
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	frun_goto_flow(run, flow);

 out:
	mem_deref(ref);
	return 0;
}
