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

static const char *const default_customer = "+12065550100";
static const char *const default_system = "+18005550199";

static void usage(FILE *fp)
{
	fprintf(fp,
"usage: callflowctl simulate FLOW [options]\n"
"\n"
"Run a flow through the real interpreter without a phone. FLOW is a flow\n"
"file, or with --flows a flow name, id or ARN from that directory.\n"
"\n"
"options:\n"
"  --config FILE        configuration (queues, hours, prompts, functions)\n"
"  --flows DIR          other flows, for TransferToFlow and event hooks\n"
"  --type FLOWTYPE      flow type when the file does not say (CONTACT_FLOW,\n"
"                       CUSTOMER_QUEUE, ...)\n"
"  --dtmf KEYS          keys the caller presses, consumed in order by input\n"
"                       actions (0-9 * # A-D); ',' = the caller presses\n"
"                       nothing more for this input (a timeout); when the\n"
"                       keys run out every input times out\n"
"  --say TEXT           what the caller says to a Lex bot (repeatable,\n"
"                       one per turn, in order; keys pressed at a bot's\n"
"                       prompt are said the same way: --say 1); when they\n"
"                       run out the caller is silent (no input)\n"
"  --attr KEY=VALUE     initial contact attribute (repeatable)\n"
"  --sip-header N=V     INVITE header for $.Media.Sip.Headers (repeatable)\n"
"  --customer E164      caller's number (default %s)\n"
"  --system E164        dialled number (default %s)\n"
"  --time ISO-8601      start of the virtual clock (default now), e.g.\n"
"                       2026-03-08T09:30:00-05:00; it advances with prompts\n"
"                       (estimated length), key presses, input timeouts,\n"
"                       Wait, loop prompt interrupts and transfers; nothing\n"
"                       really sleeps\n"
"  --metrics FILE       queue metrics: {\"Sales\": {\"NumberOfAgentsAvailable\":\n"
"                       2, \"NumberOfContactsInQueue\": 4, ...}, \"*\": {...}}\n"
"                       (\"*\" for any other queue; none: zeros). Enqueueing\n"
"                       fails at capacity when NumberOfContactsInQueue >=\n"
"                       the queue's max_contacts\n"
"  --external REPLY     reply of the next function call (repeatable, used in\n"
"                       order): a JSON object = 200 with that body;\n"
"                       !timeout = no reply in time; !500 (any status) =\n"
"                       that status; !error = endpoint unreachable;\n"
"                       !text:BODY = 200 with a body that is not JSON.\n"
"                       With any --external no real call is made (calls\n"
"                       beyond the list fail); without, InvokeLambdaFunction\n"
"                       POSTs to the function's URL from --config\n"
"  --seed N             random seed (DistributeByPercentage, contact ids);\n"
"                       default from the clock, printed at the end\n"
"  --max-steps N        step limit (default: the configuration's, 1000)\n"
"  --max-total N        stop the whole simulation after N actions (default\n"
"                       10000; ends in Error): a queue flow that loops\n"
"                       prompts and checks forever would never end\n"
"  --json               one JSON object per line instead of text\n"
"  -h, --help           this help\n"
"\n"
"Each executed action prints step, flow, Identifier, type, the branch taken\n"
"(NextAction, the matching condition operand or the error type) and the\n"
"next action, plus what was said, pressed (stored input as ***) or\n"
"returned. The last line says how the run ended: Disconnect, EndFlow,\n"
"Queue, TransferToAgent, TransferToPhone, TransferToFlow (no --flows to\n"
"follow), Error (missing error branch, step limit, ...), or Cancelled when\n"
"Loop prompts without an interrupt plays until the contact leaves the\n"
"queue or hold: the simulation stops there. TransferToFlow is followed\n"
"with --flows; after Queue the customer queue flow is not run.\n"
"\n"
"exit status: 0 the run ended (any end but Error), 3 it ended in Error,\n"
"1 the flow, configuration or metrics could not be loaded, 2 usage.\n",
		default_customer, default_system);
}


static int push_arg(const char ***vp, size_t *cp, const char *s)
{
	const char **v = mem_reallocarray(*vp, *cp + 1, sizeof(*v), NULL);

	if (!v)
		return ENOMEM;
	v[(*cp)++] = s;
	*vp = v;
	return 0;
}

static bool dtmf_valid(const char *s)
{
	for (; *s; s++) {
		if (!strchr("0123456789*#ABCD,", *s))
			return false;
	}
	return true;
}

static bool kv_valid(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq && eq != s;
}

static int parse_uint64(uint64_t *vp, const char *s)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return EINVAL;
	*vp = v;
	return 0;
}

/* Options take their value as the next word or after '='. */
static int parse_args(struct sim_opts *o, int argc, char **argv)
{
	static const char *const valued[] = {
		"--config", "--flows", "--type", "--dtmf", "--customer",
		"--system", "--time", "--metrics", "--seed", "--max-steps",
		"--max-total",
		"--attr", "--sip-header", "--external", "--say", NULL
	};
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		char name[32];
		size_t j, nlen;
		int err = 0;

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return -1;
		if (!strcmp(a, "--json")) {
			o->json = true;
			continue;
		}
		if (strncmp(a, "--", 2)) {
			if (o->flow) {
				fprintf(stderr, "simulate: one FLOW only "
					"('%s' and '%s')\n", o->flow, a);
				return EINVAL;
			}
			o->flow = a;
			continue;
		}

		eq = strchr(a, '=');
		nlen = eq ? (size_t)(eq - a) : strlen(a);
		if (nlen >= sizeof(name))
			nlen = sizeof(name) - 1;
		memcpy(name, a, nlen);
		name[nlen] = '\0';

		for (j = 0; valued[j]; j++) {
			if (!strcmp(valued[j], name))
				break;
		}
		if (!valued[j]) {
			fprintf(stderr, "simulate: unknown option '%s'\n", a);
			return EINVAL;
		}
		if (eq) {
			val = eq + 1;
		}
		else if (i + 1 < argc) {
			val = argv[++i];
		}
		else {
			fprintf(stderr, "simulate: %s needs a value\n", name);
			return EINVAL;
		}

		if (!strcmp(name, "--config"))
			o->config = val;
		else if (!strcmp(name, "--flows"))
			o->flows = val;
		else if (!strcmp(name, "--type"))
			o->type = val;
		else if (!strcmp(name, "--dtmf"))
			o->dtmf = val;
		else if (!strcmp(name, "--customer"))
			o->customer = val;
		else if (!strcmp(name, "--system"))
			o->system = val;
		else if (!strcmp(name, "--time"))
			o->time = val;
		else if (!strcmp(name, "--metrics"))
			o->metrics = val;
		else if (!strcmp(name, "--seed"))
			o->seed = val;
		else if (!strcmp(name, "--max-steps"))
			o->max_steps = val;
		else if (!strcmp(name, "--max-total"))
			o->max_total = val;
		else if (!strcmp(name, "--attr"))
			err = push_arg(&o->attrv, &o->attrc, val);
		else if (!strcmp(name, "--sip-header"))
			err = push_arg(&o->hdrv, &o->hdrc, val);
		else if (!strcmp(name, "--external"))
			err = push_arg(&o->extv, &o->extc, val);
		else if (!strcmp(name, "--say"))
			err = push_arg(&o->sayv, &o->sayc, val);
		if (err)
			return err;
	}

	if (!o->flow) {
		fprintf(stderr, "simulate: which FLOW?\n");
		return EINVAL;
	}
	return 0;
}

/* Option values checked before anything is loaded: exit 2 when wrong. */
static int setup_options(struct simctx *ctx)
{
	struct sim_opts *o = &ctx->o;
	struct sim *sim = &ctx->sim;
	char err[256];
	size_t i;

	if (o->dtmf && !dtmf_valid(o->dtmf)) {
		fprintf(stderr, "simulate: --dtmf '%s': keys are 0-9 * # A-D "
			"and ',' for a timeout\n", o->dtmf);
		return EINVAL;
	}
	sim->dtmf = o->dtmf;
	sim->sayv = o->sayv;
	sim->sayc = o->sayc;

	for (i = 0; i < o->attrc; i++) {
		if (!kv_valid(o->attrv[i])) {
			fprintf(stderr, "simulate: --attr '%s': expected "
				"KEY=VALUE\n", o->attrv[i]);
			return EINVAL;
		}
	}
	for (i = 0; i < o->hdrc; i++) {
		if (!kv_valid(o->hdrv[i])) {
			fprintf(stderr, "simulate: --sip-header '%s': "
				"expected NAME=VALUE\n", o->hdrv[i]);
			return EINVAL;
		}
	}

	if (o->extc) {
		sim->extv = mem_zalloc(o->extc * sizeof(*sim->extv), NULL);
		if (!sim->extv)
			return ENOMEM;
		sim->extc = o->extc;
		sim->ext_given = true;
		for (i = 0; i < o->extc; i++) {
			if (sim_ext_parse(&sim->extv[i], o->extv[i], err,
					  sizeof(err))) {
				fprintf(stderr, "simulate: %s\n", err);
				return EINVAL;
			}
		}
	}

	if (o->time) {
		if (util_iso8601_parse(&sim->now_ms, o->time)) {
			fprintf(stderr, "simulate: --time '%s': expected "
				"ISO-8601 such as 2026-03-08T09:30:00-05:00\n",
				o->time);
			return EINVAL;
		}
	}
	else {
		sim->now_ms = util_now_ms();
	}

	if (o->seed) {
		if (parse_uint64(&ctx->seed, o->seed) ||
		    ctx->seed > INT64_MAX) {
			fprintf(stderr, "simulate: --seed '%s': expected a "
				"whole number below 2^63\n", o->seed);
			return EINVAL;
		}
	}
	else {
		ctx->seed = (util_now_ms() ^ ((uint64_t)getpid() << 32)) &
			INT64_MAX;
	}
	rng_seed(&sim->rng, ctx->seed);
	rng_seed(&sim->idrng, ctx->seed ^ 0x5eed1d5ULL);

	if (o->max_steps) {
		uint64_t n;

		if (parse_uint64(&n, o->max_steps) || !n || n > 10000000) {
			fprintf(stderr, "simulate: --max-steps '%s': expected "
				"a number from 1 to 10000000\n", o->max_steps);
			return EINVAL;
		}
		ctx->env.step_limit = (uint32_t)n;
	}

	ctx->max_total = 10000;
	if (o->max_total) {
		uint64_t n;

		if (parse_uint64(&n, o->max_total) || !n || n > 100000000) {
			fprintf(stderr, "simulate: --max-total '%s': expected "
				"a number from 1 to 100000000\n", o->max_total);
			return EINVAL;
		}
		ctx->max_total = (uint32_t)n;
	}

	return 0;
}

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

	if (o->flows) {
		err = flowset_alloc(&ctx->fs, ctx->cfg);
		if (!err)
			err = flowset_load_dir(ctx->fs, o->flows);
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
			   o->customer ? o->customer : default_customer,
			   "--customer");
	if (err)
		return err;
	err = endpoint_set(ctx->cd->system_addr,
			   sizeof(ctx->cd->system_addr),
			   o->system ? o->system : default_system,
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
}

int cmd_simulate(int argc, char **argv)
{
	struct simctx ctx;
	int err, rc;

	memset(&ctx, 0, sizeof(ctx));
	tmr_init(&ctx.stall);

	err = parse_args(&ctx.o, argc, argv);
	if (err < 0) {
		usage(stdout);
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

	if (setup_options(&ctx)) {
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
