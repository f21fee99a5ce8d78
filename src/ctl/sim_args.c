/**
 * @file sim_args.c  `callflowctl simulate`: its usage, its options and
 * their checks before anything is loaded (exit 2 when one is wrong).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/interp.h>
#include "ctl.h"
#include "sim.h"


void sim_usage(FILE *fp)
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
"                       the queue's max_contacts. EstimatedWaitTimeSeconds,\n"
"                       ContactPositionInQueue and\n"
"                       ContactEstimatedWaitTimeSeconds answer $.Metrics.\n"
"                       Queue.EstimatedWaitTime and $.Metrics.Contact.*\n"
"  --external REPLY     reply of the next function call (repeatable, used in\n"
"                       order): a JSON object = 200 with that body;\n"
"                       !timeout = no reply in time; !500 (any status) =\n"
"                       that status; !error = endpoint unreachable;\n"
"                       !text:BODY = 200 with a body that is not JSON.\n"
"                       With any --external no real call is made (calls\n"
"                       beyond the list fail); without, InvokeLambdaFunction\n"
"                       POSTs to the function's URL from --config\n"
"  --queue NAME         the contact's working queue ($.Queue), as if it had\n"
"                       been set: for customer queue, hold, whisper and\n"
"                       transfer flows (a queue of --config: its ARN and\n"
"                       outbound caller id too)\n"
"  --agent NAME         the agent on the contact ($.Agent: user name, first\n"
"                       and last name and ARN from --config): for whisper,\n"
"                       hold and agent transfer flows\n"
"  --keys-during ID=KEYS  keys the caller presses while action ID plays a\n"
"                       prompt, loop or wait (repeatable; each time it\n"
"                       plays): with Set touchtone buffer behavior on, they\n"
"                       wait for the next input (and interrupt a prompt\n"
"                       set to be skipped: the rest reach what follows);\n"
"                       else they are lost, as in Connect\n"
"  --view REPLY         the agent's answer to the next ShowView (repeatable,\n"
"                       in order): ACTION, or ACTION=JSON (the view's\n"
"                       result data), !timeout (no answer in time) or !none\n"
"                       (no workspace). Without: no workspace (error branch)\n"
"  --profiles FILE      customer profiles for the profile actions: a JSON\n"
"                       array of profiles ({\"FirstName\": ..., \"PhoneNumber\":\n"
"                       ..., \"Attributes\": {...}}); they live in memory for\n"
"                       the run (none: an empty store)\n"
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
"returned, the value a matching condition compared, the messages of Loop\n"
"prompts, and notes (touchtone buffer, modules). Files of --flows that do\n"
"not load are skipped with a warning naming each. The last line says how\n"
"the run ended: Disconnect, EndFlow,\n"
"Queue, TransferToAgent, TransferToPhone, TransferToFlow (no --flows to\n"
"follow), Error (missing error branch, step limit, ...), or Cancelled when\n"
"Loop prompts without an interrupt plays until the contact leaves the\n"
"queue or hold: the simulation stops there. TransferToFlow is followed\n"
"with --flows; after Queue the customer queue flow is not run.\n"
"\n"
"exit status: 0 the run ended (any end but Error), 3 it ended in Error,\n"
"1 the flow, configuration or metrics could not be loaded, 2 usage.\n",
		SIM_DEFAULT_CUSTOMER, SIM_DEFAULT_SYSTEM);
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
int sim_parse_args(struct sim_opts *o, int argc, char **argv)
{
	static const char *const valued[] = {
		"--config", "--flows", "--type", "--dtmf", "--customer",
		"--system", "--time", "--metrics", "--seed", "--max-steps",
		"--max-total", "--queue", "--agent", "--profiles",
		"--attr", "--sip-header", "--external", "--view",
		"--keys-during", "--say", NULL
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
		else if (!strcmp(name, "--view"))
			err = push_arg(&o->viewv, &o->viewc, val);
		else if (!strcmp(name, "--keys-during"))
			err = push_arg(&o->pressv, &o->pressc, val);
		else if (!strcmp(name, "--queue"))
			o->queue = val;
		else if (!strcmp(name, "--agent"))
			o->agent = val;
		else if (!strcmp(name, "--profiles"))
			o->profiles = val;
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
int sim_setup_options(struct simctx *ctx)
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

	if (o->viewc) {
		sim->viewv = mem_zalloc(o->viewc * sizeof(*sim->viewv), NULL);
		if (!sim->viewv)
			return ENOMEM;
		sim->viewc = o->viewc;
		for (i = 0; i < o->viewc; i++) {
			if (sim_view_parse(&sim->viewv[i], o->viewv[i], err,
					   sizeof(err))) {
				fprintf(stderr, "simulate: %s\n", err);
				return EINVAL;
			}
		}
	}

	if (o->pressc) {
		sim->pressv = mem_zalloc(o->pressc * sizeof(*sim->pressv),
					 NULL);
		if (!sim->pressv)
			return ENOMEM;
		sim->pressc = o->pressc;
		for (i = 0; i < o->pressc; i++) {
			const char *v = o->pressv[i], *eq = strchr(v, '=');

			if (!eq || eq == v || !eq[1] ||
			    !dtmf_valid(eq + 1) || strchr(eq + 1, ',')) {
				fprintf(stderr, "simulate: --keys-during '%s':"
					" expected ACTION_ID=KEYS (0-9 * # "
					"A-D)\n", v);
				return EINVAL;
			}
			sim->pressv[i].id = v;
			sim->pressv[i].idlen = (size_t)(eq - v);
			sim->pressv[i].keys = eq + 1;
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
