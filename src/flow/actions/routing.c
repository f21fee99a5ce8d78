/**
 * @file routing.c  Routing actions: working queue, queue and agent
 * transfers, queue metrics, callbacks, hold of a previous contact.
 *
 * Queues and agents are resolved against the configuration; the queueing
 * itself happens behind struct flow_ops (routing/ in the daemon, a fake
 * in the simulator).
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/strmap.h>
#include "../actions.h"

enum {
	CB_DELAY_MAX_S = 259200,	/* three days */
	CB_ATTEMPTS_MAX = 10,
	CB_RETRY_MAX_S = 86400,
	CB_RETRY_DEF_S = 600,
};

/* Where an action sends the contact: a queue or an agent's queue. */
struct qtarget {
	const struct cfg_queue *q;	/* NULL for an agent queue */
	const char *agent;		/* agent username, or NULL */
	const struct cfg_agent *agent_cfg; /* NULL when not configured */
};





static const struct fenv *env_of(struct frun *run)
{
	return frun_env(run);
}


/* The working queue ($.Queue) as a target; ENODATA when none is set. */
static int working_resolve(struct qtarget *t, struct frun *run,
			   const struct flow_action *act)
{
	const struct config *cfg = env_of(run)->cfg;
	const struct cdata *cd = frun_cdata(run);

	memset(t, 0, sizeof(*t));

	if (str_isset(cd->agent_target)) {
		t->agent = cd->agent_target;
		t->agent_cfg = cfg ? config_agent(cfg, cd->agent_target) :
			NULL;
		return 0;
	}

	if (!str_isset(cd->queue_name)) {
		log_info("flow: %s: no working queue set", act->id);
		return ENODATA;
	}

	t->q = cfg ? config_queue(cfg, cd->queue_name) : NULL;
	if (!t->q) {
		log_info("flow: %s: working queue '%s' not found", act->id,
			 cd->queue_name);
		return ENOENT;
	}

	return 0;
}


/*
 * QueueId or AgentId of the action; when neither is given and dflt is
 * set, the working queue. ENOENT when what is named does not resolve,
 * ENODATA when nothing is named and there is no default.
 */
static int target_resolve(struct qtarget *t, struct frun *run,
			  const struct flow_action *act, bool dflt)
{
	const struct config *cfg = env_of(run)->cfg;
	char *qref = NULL, *aref = NULL;
	int err;

	memset(t, 0, sizeof(*t));

	err = aparam_dup(run, fparam_get(&act->params, "QueueId"), &qref);
	if (err)
		goto out;
	err = aparam_dup(run, fparam_get(&act->params, "AgentId"), &aref);
	if (err)
		goto out;

	if (str_isset(qref)) {
		t->q = cfg ? config_queue(cfg, qref) : NULL;
		if (!t->q) {
			log_info("flow: %s: queue '%s' not found", act->id,
				 qref);
			err = ENOENT;
		}
	}
	else if (str_isset(aref)) {
		t->agent_cfg = cfg ? config_agent(cfg, aref) : NULL;
		if (t->agent_cfg) {
			t->agent = t->agent_cfg->ident.name;
		}
		else {
			log_info("flow: %s: agent '%s' not found", act->id,
				 aref);
			err = ENOENT;
		}
	}
	else if (dflt) {
		err = working_resolve(t, run, act);
	}
	else {
		err = ENODATA;
	}

 out:
	mem_deref(qref);
	mem_deref(aref);
	return err;
}


/* ARN of a queue: its first declared one, else built from its id. */
static int queue_arn(char **arnp, const struct config *cfg,
		     const struct cfg_queue *q)
{
	if (q->ident.arnc && q->ident.arns[0])
		return str_dup(arnp, q->ident.arns[0]);
	if (cfg && str_isset(cfg->instance_arn) && str_isset(q->ident.id))
		return re_sdprintf(arnp, "%s/queue/%s", cfg->instance_arn,
				   q->ident.id);

	*arnp = NULL;
	return 0;
}


static int agent_arn(char **arnp, const struct config *cfg,
		     const struct cfg_agent *a)
{
	if (a && a->ident.arnc && a->ident.arns[0])
		return str_dup(arnp, a->ident.arns[0]);
	if (a && cfg && str_isset(cfg->instance_arn) &&
	    str_isset(a->ident.id))
		return re_sdprintf(arnp, "%s/agent/%s", cfg->instance_arn,
				   a->ident.id);

	*arnp = NULL;
	return 0;
}


/* Make t the working queue ($.Queue). */
static int working_queue_set(struct frun *run, const struct qtarget *t)
{
	const struct config *cfg = env_of(run)->cfg;
	struct cdata *cd = frun_cdata(run);
	char *name = NULL, *arn = NULL, *agent = NULL;
	int err;

	if (t->q) {
		err = str_dup(&name, t->q->ident.name);
		if (!err)
			err = queue_arn(&arn, cfg, t->q);
	}
	else {
		err = re_sdprintf(&name, "agent:%s", t->agent);
		if (!err)
			err = agent_arn(&arn, cfg, t->agent_cfg);
		if (!err)
			err = str_dup(&agent, t->agent);
	}
	if (err)
		goto out;

	err = cdata_set_str(&cd->queue_caller_id,
			    t->q ? t->q->outbound_caller_id : NULL);
	if (err)
		goto out;

	mem_deref(cd->queue_name);
	cd->queue_name = name;
	mem_deref(cd->queue_arn);
	cd->queue_arn = arn;
	mem_deref(cd->agent_target);
	cd->agent_target = agent;
	name = arn = agent = NULL;

 out:
	mem_deref(name);
	mem_deref(arn);
	mem_deref(agent);
	return err;
}


int act_update_target_queue(struct frun *run, const struct flow_action *act)
{
	struct qtarget t;
	int err;

	if (target_resolve(&t, run, act, false)) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	err = working_queue_set(run, &t);
	if (err)
		return err;

	frun_done(run, 0);
	return 0;
}


/* Hand the contact to routing; the flow run ends once it is queued. */
static int enqueue(struct frun *run, const struct flow_action *act,
		   const struct qtarget *t)
{
	const struct fenv *env = env_of(run);
	const struct cdata *cd = frun_cdata(run);
	int err;

	if (!env->ops || !env->ops->enqueue) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	err = env->ops->enqueue(run, t->q, t->agent, env->ops_arg);
	if (err == EOVERFLOW) {
		frun_done_error(run, "QueueAtCapacity");
		return 0;
	}
	if (err) {
		log_info("flow: %s: enqueue failed (%s)", act->id,
			 strerror(err));
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	frun_end(run, FEND_QUEUE, NULL, cd->queue_name);
	return 0;
}


int act_transfer_to_queue(struct frun *run, const struct flow_action *act)
{
	struct qtarget t;

	/* always the working queue: the action has no parameters */
	if (working_resolve(&t, run, act)) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	return enqueue(run, act, &t);
}


int act_dequeue_to_queue(struct frun *run, const struct flow_action *act)
{
	struct cdata *cd = frun_cdata(run);
	char *prev_name = NULL, *prev_arn = NULL, *prev_cid = NULL;
	char *prev_agent = NULL;
	struct qtarget t;
	int err;

	if (target_resolve(&t, run, act, false)) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	/* The new queue becomes $.Queue; restored if it cannot take us. */
	prev_name = mem_ref(cd->queue_name);
	prev_arn = mem_ref(cd->queue_arn);
	prev_cid = mem_ref(cd->queue_caller_id);
	prev_agent = mem_ref(cd->agent_target);

	err = working_queue_set(run, &t);
	if (err)
		goto out;

	err = enqueue(run, act, &t);
	if (err || !frun_ended(run)) {
		mem_deref(cd->queue_name);
		mem_deref(cd->queue_arn);
		mem_deref(cd->queue_caller_id);
		mem_deref(cd->agent_target);
		cd->queue_name = prev_name;
		cd->queue_arn = prev_arn;
		cd->queue_caller_id = prev_cid;
		cd->agent_target = prev_agent;
		prev_name = prev_arn = prev_cid = prev_agent = NULL;
	}

 out:
	mem_deref(prev_name);
	mem_deref(prev_arn);
	mem_deref(prev_cid);
	mem_deref(prev_agent);
	return err;
}


int act_transfer_to_agent(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = env_of(run);
	const struct cdata *cd = frun_cdata(run);
	const char *who;
	int err;

	if (!env->ops || !env->ops->transfer_agent) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	err = env->ops->transfer_agent(run, env->ops_arg);
	if (err) {
		log_info("flow: %s: transfer to agent failed (%s)", act->id,
			 strerror(err));
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	who = str_isset(cd->agent_target) ? cd->agent_target :
		cd->agent_username;
	frun_end(run, FEND_TRANSFER_AGENT, NULL, who);
	return 0;
}


/* Metrics of the action's queue (or agent queue) from the port. */
static int metrics_get(struct fmetrics *m, struct qtarget *t,
		       struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = env_of(run);
	int err;

	err = target_resolve(t, run, act, true);
	if (err)
		return err;

	if (!env->ops || !env->ops->metrics)
		return ENOTSUP;

	memset(m, 0, sizeof(*m));
	return env->ops->metrics(run, t->q, t->agent, m, env->ops_arg);
}


int act_check_metric(struct frun *run, const struct flow_action *act)
{
	struct fmetrics m;
	struct qtarget t;
	struct pl type = PL_INIT;
	uint64_t v;
	char num[24];
	int err;

	err = aparam_str(run, act, "MetricType", &type);
	if (err)
		return err;

	if (metrics_get(&m, &t, run, act)) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	if (!pl_strcmp(&type, "NumberOfAgentsAvailable"))
		v = m.agents_available;
	else if (!pl_strcmp(&type, "NumberOfAgentsStaffed"))
		v = m.agents_staffed;
	else if (!pl_strcmp(&type, "NumberOfAgentsOnline"))
		v = m.agents_online;
	else if (!pl_strcmp(&type, "NumberOfContactsInQueue"))
		v = m.contacts_in_queue;
	else if (!pl_strcmp(&type, "OldestContactInQueueAgeSeconds"))
		v = m.oldest_contact_age_ms;	/* exports compare ms */
	else {
		log_info("flow: %s: unknown MetricType '%r'", act->id,
			 &type);
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	(void)re_snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	frun_done_value(run, num);

	return 0;
}


static int metric_put(struct strmap *map, const char *key, uint64_t v)
{
	char num[24];

	(void)re_snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	return strmap_set(map, key, num);
}


int act_get_metric(struct frun *run, const struct flow_action *act)
{
	const struct config *cfg = env_of(run)->cfg;
	struct cdata *cd = frun_cdata(run);
	struct strmap *map = NULL;
	char *name = NULL, *arn = NULL;
	struct fmetrics m;
	struct qtarget t;
	int err;

	if (metrics_get(&m, &t, run, act)) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	if (t.q) {
		err = str_dup(&name, t.q->ident.name);
		if (!err)
			err = queue_arn(&arn, cfg, t.q);
	}
	else {
		err = re_sdprintf(&name, "agent:%s", t.agent);
		if (!err)
			err = agent_arn(&arn, cfg, t.agent_cfg);
	}
	if (err)
		goto out;

	err = strmap_alloc(&map);
	if (err)
		goto out;

	err  = strmap_set(map, "Queue.Name", name);
	err |= strmap_set(map, "Queue.ARN", arn ? arn : "");
	err |= metric_put(map, "Queue.Size", m.contacts_in_queue);
	err |= metric_put(map, "Queue.OldestContactAge",
			  m.oldest_contact_age_ms);
	err |= metric_put(map, "Agents.Online.Count", m.agents_online);
	err |= metric_put(map, "Agents.Available.Count", m.agents_available);
	err |= metric_put(map, "Agents.Staffed.Count", m.agents_staffed);
	err |= metric_put(map, "Agents.AfterContactWork.Count", m.agents_acw);
	err |= metric_put(map, "Agents.Busy.Count", m.agents_busy);
	err |= metric_put(map, "Agents.Missed.Count", m.agents_missed);
	err |= metric_put(map, "Agents.NonProductive.Count",
			  m.agents_non_productive);
	/* Connect's estimates are in seconds; unknown: left out (the
	 * reference reads empty, as Connect's without data) */
	if (m.queue_ewt_known)
		err |= metric_put(map, "Queue.EstimatedWaitTime",
				  (m.queue_ewt_ms + 500) / 1000);
	if (m.contact_position)
		err |= metric_put(map, "Contact.PositionInQueue",
				  m.contact_position);
	if (m.contact_ewt_known)
		err |= metric_put(map, "Contact.EstimatedWaitTime",
				  (m.contact_ewt_ms + 500) / 1000);
	if (err) {
		err = ENOMEM;
		goto out;
	}

	mem_deref(cd->metrics);
	cd->metrics = map;
	map = NULL;
	frun_done(run, 0);

 out:
	mem_deref(map);
	mem_deref(name);
	mem_deref(arn);
	return err;
}


int act_create_callback(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = env_of(run);
	const struct fparam *ps = &act->params;
	struct cdata *cd = frun_cdata(run);
	struct fcallback cb;
	struct qtarget t;
	int err;

	memset(&cb, 0, sizeof(cb));

	if (!str_isset(cd->callback_number)) {
		log_info("flow: %s: no callback number set", act->id);
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	/* NULL queue and agent: the working queue */
	err = target_resolve(&t, run, act, false);
	if (err && err != ENODATA) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}
	if (!err) {
		cb.queue = t.q;
		cb.agent = t.agent;
	}
	else if (!str_isset(cd->queue_name)) {
		log_info("flow: %s: no working queue set", act->id);
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	cb.number = cd->callback_number;
	err  = aparam_uint(run, fparam_get(ps, "InitialCallDelaySeconds"),
			   0, CB_DELAY_MAX_S, &cb.initial_delay_s);
	err |= aparam_uint(run, fparam_get(ps, "MaximumConnectionAttempts"),
			   1, CB_ATTEMPTS_MAX, &cb.max_attempts);
	err |= aparam_uint(run, fparam_get(ps, "RetryDelaySeconds"),
			   CB_RETRY_DEF_S, CB_RETRY_MAX_S, &cb.retry_delay_s);
	if (err || !cb.max_attempts || cb.max_attempts > CB_ATTEMPTS_MAX ||
	    cb.initial_delay_s > CB_DELAY_MAX_S ||
	    cb.retry_delay_s > CB_RETRY_MAX_S) {
		log_info("flow: %s: callback delays or attempts out of range",
			 act->id);
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	if (!env->ops || !env->ops->callback) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	err = env->ops->callback(run, &cb, env->ops_arg);
	if (err) {
		log_info("flow: %s: callback not created (%s)", act->id,
			 strerror(err));
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	++cd->callback_requests;
	frun_done(run, 0);
	return 0;
}


int act_update_participant_state(struct frun *run,
				 const struct flow_action *act)
{
	const struct fenv *env = env_of(run);
	struct cdata *cd = frun_cdata(run);
	enum fparticipant_state st;
	enum hold_state hold;
	struct pl v = PL_INIT;
	int err;

	err = aparam_str(run, act, "PreviousContactParticipantState", &v);
	if (err)
		return err;

	if (!pl_strcmp(&v, "AgentOnHold")) {
		st = FPS_AGENT_ON_HOLD;
		hold = HOLD_AGENT;
	}
	else if (!pl_strcmp(&v, "CustomerOnHold")) {
		st = FPS_CUSTOMER_ON_HOLD;
		hold = HOLD_CUSTOMER;
	}
	else if (!pl_strcmp(&v, "OffHold")) {
		st = FPS_OFF_HOLD;
		hold = HOLD_NONE;
	}
	else {
		log_info("flow: %s: unknown participant state '%r'",
			 act->id, &v);
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	if (!env->ops || !env->ops->hold) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	err = env->ops->hold(run, st, env->ops_arg);
	if (err) {
		frun_done_error(run, "NoMatchingError");
		return 0;
	}

	cd->hold = hold;
	frun_done(run, 0);
	return 0;
}
