/**
 * @file cmd_simulate.c  `callflowctl simulate`: run a flow without a phone.
 *
 * The real interpreter runs the flow on a simulated contact (sim_ops.c)
 * and every executed action is printed as it happens, then how the run
 * ended. Options set what the caller presses, the contact's data, the
 * virtual clock, queue metrics and external function replies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/core/httpc.h>
#include <callflowd/core/strmap.h>
#include <callflowd/speech/speechconf.h>
#include "ctl.h"
#include "sim.h"

enum {
	EXIT_OK = 0,
	EXIT_LOAD = 1,
	EXIT_USAGE = 2,
	EXIT_FLOW_ERROR = 3,
	STALL_MS = 250,		/* nothing pending: the run is stuck */
};

static int endpoint_set(char *dst, size_t sz, const char *val,
			const char *opt)
{
	char e164[24];

	if (util_e164(e164, sizeof(e164), val)) {
		fprintf(stderr, "simulate: %s '%s': not a phone number\n",
			opt, val);
		return EINVAL;
	}
	str_ncpy(dst, e164, sz);
	return 0;
}

/* Files of --flows that did not load: skipped, each named. */
static void warn_broken(const struct flowset *fs)
{
	size_t i, n = flowset_count(fs);

	for (i = 0; i < n; i++) {
		const struct flowset_entry *e = flowset_at(fs, i);
		const struct finding *f = NULL;
		size_t j;

		if (!e->last_failed)
			continue;
		for (j = 0; e->findings && j < e->findings->n; j++) {
			if (e->findings->v[j].sev == FINDING_ERROR) {
				f = &e->findings->v[j];
				break;
			}
		}
		fprintf(stderr, "simulate: warning: %s skipped: %s\n",
			e->path ? e->path : e->name,
			f && f->msg ? f->msg : "it does not load");
	}
}


/* Load order: configuration, metrics, other flows, the flow itself. */
static int load_all(struct simctx *ctx)
{
	struct sim_opts *o = &ctx->o;
	struct flow_load_opts lo = {0};
	struct findings *fnd = NULL;
	char errbuf[512] = "";
	json_error_t jerr;
	int err;

	if (o->config) {
		err = config_load(&ctx->cfg, o->config, errbuf,
				  sizeof(errbuf));
		if (err) {
			fprintf(stderr, "simulate: %s: %s\n", o->config,
				errbuf[0] ? errbuf : strerror(err));
			return err;
		}
	}
	else {
		err = config_default(&ctx->cfg);
		if (err) {
			fprintf(stderr, "simulate: default configuration: "
				"%s\n", strerror(err));
			return err;
		}
	}

	err = speechconf_load(&ctx->sim.speech, ctx->cfg, errbuf,
			      sizeof(errbuf));
	if (err) {
		fprintf(stderr, "simulate: %s: %s\n", o->config ? o->config :
			"configuration", errbuf[0] ? errbuf : strerror(err));
		return err;
	}

	if (o->metrics) {
		ctx->sim.metrics = json_load_file(o->metrics,
						  JSON_REJECT_DUPLICATES,
						  &jerr);
		if (!ctx->sim.metrics) {
			fprintf(stderr, "simulate: %s:%d:%d: %s\n",
				o->metrics, jerr.line, jerr.column, jerr.text);
			return EBADMSG;
		}
		if (sim_metrics_check(ctx->sim.metrics, errbuf,
				      sizeof(errbuf))) {
			fprintf(stderr, "simulate: %s: %s\n", o->metrics,
				errbuf);
			return EBADMSG;
		}
	}

	if (o->type) {
		err = flow_type_parse(&lo.type, o->type);
		if (err) {
			fprintf(stderr, "simulate: --type '%s': unknown flow "
				"type\n", o->type);
			return err;
		}
		lo.has_type = true;
	}

	err = sim_profiles_alloc(&ctx->sim.profiles, &ctx->sim.idrng);
	if (err)
		return err;
	if (o->profiles && sim_profiles_load(ctx->sim.profiles, o->profiles,
					     errbuf, sizeof(errbuf))) {
		fprintf(stderr, "simulate: --profiles %s: %s\n", o->profiles,
			errbuf);
		return EBADMSG;
	}

	if (o->flows) {
		err = flowset_alloc(&ctx->fs, ctx->cfg);
		if (!err)
			err = flowset_load_dir(ctx->fs, o->flows);
		/* as the daemon: the flows that load serve, the others
		 * are named */
		if (err == EBADMSG) {
			warn_broken(ctx->fs);
			err = 0;
		}
		if (err) {
			fprintf(stderr, "simulate: --flows %s: %s\n", o->flows,
				strerror(err));
			return err;
		}
	}

	/* A name from --flows, unless FLOW names a file. */
	if (ctx->fs && access(o->flow, F_OK) != 0) {
		struct flow *f = flowset_find(ctx->fs, o->flow);

		if (!f) {
			fprintf(stderr, "simulate: %s: no such file, nor a "
				"flow in %s\n", o->flow, o->flows);
			return ENOENT;
		}
		ctx->flow = mem_ref(f);
		return 0;
	}

	err = findings_alloc(&fnd);
	if (err)
		return err;

	lo.path = o->flow;
	err = flow_load_file(&ctx->flow, fnd, o->flow, &lo);
	if (fnd->n)
		findings_print(fnd, o->flow, stderr);
	if (!ctx->flow) {
		fprintf(stderr, "simulate: %s: cannot be loaded (%s)\n",
			o->flow, strerror(err ? err : EBADMSG));
		err = err ? err : EBADMSG;
		goto out;
	}
	if (err)
		fprintf(stderr, "simulate: %s: running despite the errors "
			"above\n", o->flow);
	err = 0;

	if (ctx->fs) {
		err = flowset_add(ctx->fs, ctx->flow);
		if (err)
			fprintf(stderr, "simulate: adding %s to the flows: "
				"%s\n", o->flow, strerror(err));
	}

 out:
	mem_deref(fnd);
	return err;
}

/* --queue: the working queue as UpdateContactTargetQueue sets it. */
static int queue_setup(struct simctx *ctx, const char *ref)
{
	const struct cfg_queue *q = config_queue(ctx->cfg, ref);
	struct cdata *cd = ctx->cd;
	int err;

	if (!q) {
		fprintf(stderr, "simulate: --queue '%s' is not a queue of the "
			"configuration: only $.Queue.Name is set\n", ref);
		return cdata_set_str(&cd->queue_name, ref);
	}

	err = cdata_set_str(&cd->queue_name, q->ident.name);
	if (!err)
		err = cdata_set_str(&cd->queue_caller_id,
				    q->outbound_caller_id);
	if (err)
		return err;
	if (q->ident.arnc && q->ident.arns[0])
		return cdata_set_str(&cd->queue_arn, q->ident.arns[0]);
	if (str_isset(ctx->cfg->instance_arn) && str_isset(q->ident.id)) {
		mem_deref(cd->queue_arn);
		cd->queue_arn = NULL;
		return re_sdprintf(&cd->queue_arn, "%s/queue/%s",
				   ctx->cfg->instance_arn, q->ident.id);
	}
	return 0;
}


/* --agent: the agent on the contact ($.Agent). */
static int agent_setup(struct simctx *ctx, const char *ref)
{
	const struct cfg_agent *a = config_agent(ctx->cfg, ref);
	struct cdata *cd = ctx->cd;
	int err;

	if (!a) {
		fprintf(stderr, "simulate: --agent '%s' is not an agent of the "
			"configuration: only $.Agent.UserName is set\n", ref);
		return cdata_set_str(&cd->agent_username, ref);
	}

	err  = cdata_set_str(&cd->agent_username, a->ident.name);
	err |= cdata_set_str(&cd->agent_first, a->first_name);
	err |= cdata_set_str(&cd->agent_last, a->last_name);
	if (err)
		return ENOMEM;
	if (a->ident.arnc && a->ident.arns[0])
		return cdata_set_str(&cd->agent_arn, a->ident.arns[0]);
	if (str_isset(ctx->cfg->instance_arn) && str_isset(a->ident.id)) {
		mem_deref(cd->agent_arn);
		cd->agent_arn = NULL;
		return re_sdprintf(&cd->agent_arn, "%s/agent/%s",
				   ctx->cfg->instance_arn, a->ident.id);
	}
	return 0;
}


static int contact_setup(struct simctx *ctx)
{
	struct sim_opts *o = &ctx->o;
	char id[40];
	size_t i;
	int err;

	util_uuid(id, &ctx->sim.idrng);
	err = cdata_alloc(&ctx->cd, id);
	if (err)
		return err;

	err = endpoint_set(ctx->cd->customer_addr,
			   sizeof(ctx->cd->customer_addr),
			   o->customer ? o->customer : SIM_DEFAULT_CUSTOMER,
			   "--customer");
	if (err)
		return err;
	err = endpoint_set(ctx->cd->system_addr,
			   sizeof(ctx->cd->system_addr),
			   o->system ? o->system : SIM_DEFAULT_SYSTEM,
			   "--system");
	if (err)
		return err;

	for (i = 0; i < o->attrc; i++) {
		const char *kv = o->attrv[i], *eq = strchr(kv, '=');
		char *key = NULL;

		err = re_sdprintf(&key, "%b", kv, (size_t)(eq - kv));
		if (err)
			return err;
		err = cdata_attr_set(ctx->cd, key, eq + 1);
		mem_deref(key);
		if (err) {
			fprintf(stderr, "simulate: --attr '%s': %s\n", kv,
				err == EOVERFLOW ? "attributes exceed 32 KB"
				: strerror(err));
			return err;
		}
	}

	for (i = 0; i < o->hdrc; i++) {
		const char *kv = o->hdrv[i], *eq = strchr(kv, '=');

		err = strmap_setn(ctx->cd->sip_headers, kv, (size_t)(eq - kv),
				  eq + 1, strlen(eq + 1));
		if (err)
			return err;
	}

	if (o->queue) {
		err = queue_setup(ctx, o->queue);
		if (err)
			return err;
	}
	if (o->agent) {
		err = agent_setup(ctx, o->agent);
		if (err)
			return err;
	}

	return 0;
}

static uint64_t clock_now(void *arg)
{
	const struct sim *sim = arg;

	return sim->now_ms;
}

static void stall_handler(void *arg)
{
	struct sim *sim = arg;

	if (!sim->ended && !sim->http) {
		sim->stalled = true;
		re_cancel();
	}
}

/* The action left looping never completes: show it as the last step. */
static void step_parked(struct simctx *ctx)
{
	struct fstep st;

	memset(&st, 0, sizeof(st));
	st.n = frun_steps(ctx->sim.run) + 1;
	st.flow = frun_flow(ctx->sim.run);
	st.act = frun_action(ctx->sim.run);
	st.say = ctx->sim.parked_say;
	if (st.act)
		sim_step_handler(ctx->sim.run, &st, ctx);
}

/*
 * Every op but a real function call completes at once; libre's loop only
 * runs while the interpreter or an HTTP request still has work pending.
 */
static void drive(struct simctx *ctx)
{
	struct sim *sim = &ctx->sim;

	while (!sim->ended) {
		if (sim->parked || sim->stalled) {
			/* frun_cancel() ends the run without calling back */
			sim->parked_end = sim->parked;
			if (sim->parked)
				step_parked(ctx);
			sim->parked = false;
			frun_cancel(sim->run);
			sim->ended = true;
			sim->end_kind = FEND_CANCELLED;
			break;
		}
		if (!sim->http)
			tmr_start(&ctx->stall, STALL_MS, stall_handler, sim);
		(void)re_main(NULL);
		tmr_cancel(&ctx->stall);
	}
}

static int run_flow(struct simctx *ctx)
{
	struct sim *sim = &ctx->sim;
	int err;

	ctx->env.cfg = ctx->cfg;
	ctx->env.flows = ctx->fs;
	ctx->env.ops = &sim_ops;
	ctx->env.ops_arg = sim;
	ctx->env.now_ms = clock_now;
	ctx->env.now_arg = sim;
	ctx->env.rng = &sim->rng;

	err = frun_alloc(&sim->run, ctx->flow, ctx->cd, &ctx->env,
			 sim_end_handler, ctx);
	if (err) {
		fprintf(stderr, "simulate: cannot start the flow: %s\n",
			strerror(err));
		return err;
	}
	frun_set_step_handler(sim->run, sim_step_handler, ctx);

	err = frun_start(sim->run, NULL);
	if (err && !sim->ended) {
		fprintf(stderr, "simulate: cannot start the flow: %s\n",
			strerror(err));
		return err;
	}

	drive(ctx);
	return 0;
}

static void ctx_reset(struct simctx *ctx)
{
	struct sim *sim = &ctx->sim;

	tmr_cancel(&ctx->stall);
	sim->http = mem_deref(sim->http);
	sim->run = mem_deref(sim->run);
	sim->parked_say = mem_deref(sim->parked_say);
	sim->httpc = mem_deref(sim->httpc);
	sim->extv = mem_deref(sim->extv);
	sim->viewv = mem_deref(sim->viewv);
	sim->pressv = mem_deref(sim->pressv);
	sim->profiles = mem_deref(sim->profiles);
	sim->end_reason = mem_deref(sim->end_reason);
	sim->end_target = mem_deref(sim->end_target);
	sim->speech = mem_deref(sim->speech);
	json_decref(sim->metrics);
	ctx->cd = mem_deref(ctx->cd);
	ctx->flow = mem_deref(ctx->flow);
	ctx->fs = mem_deref(ctx->fs);
	ctx->cfg = mem_deref(ctx->cfg);
	mem_deref(ctx->o.attrv);
	mem_deref(ctx->o.hdrv);
	mem_deref(ctx->o.extv);
	mem_deref(ctx->o.sayv);
	mem_deref(ctx->o.viewv);
	mem_deref(ctx->o.pressv);
}

int cmd_simulate(int argc, char **argv)
{
	struct simctx ctx;
	int err, rc;

	memset(&ctx, 0, sizeof(ctx));
	tmr_init(&ctx.stall);

	err = sim_parse_args(&ctx.o, argc, argv);
	if (err < 0) {
		sim_usage(stdout);
		rc = EXIT_OK;
		goto out;
	}
	if (err) {
		if (err == EINVAL)
			fprintf(stderr, "(see 'callflowctl simulate --help')"
				"\n");
		rc = EXIT_USAGE;
		goto out;
	}

	if (sim_setup_options(&ctx)) {
		rc = EXIT_USAGE;
		goto out;
	}

	if (load_all(&ctx)) {
		rc = EXIT_LOAD;
		goto out;
	}

	if (contact_setup(&ctx)) {
		rc = EXIT_USAGE;
		goto out;
	}

	if (run_flow(&ctx)) {
		rc = EXIT_FLOW_ERROR;
		goto out;
	}

	sim_print_end(&ctx);
	rc = sim_end_kind(&ctx.sim) == FEND_ERROR ? EXIT_FLOW_ERROR : EXIT_OK;

 out:
	ctx_reset(&ctx);
	return rc;
}
