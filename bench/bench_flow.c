/*
 * bench_flow: figures for the flow engine (a benchmark, not a test).
 *
 *  (a) interpreter throughput on non-media actions: a Loop of 100 around
 *      UpdateContactAttributes (interpolated value), Compare with
 *      conditions and UpdateFlowAttributes, run many times through
 *      frun_alloc/frun_start with flow_ops that do nothing; prints
 *      actions per second on one core (target >= 2,000,000).
 *  (b) load + validate time of the largest corpus flow,
 *      tests/data/connect-flows/RulesEngineQueue.json, with
 *      flow_load_file: min / median / p99 over 200 runs (target < 5 ms).
 *
 * Usage: bench_flow [runs]   (runs of (a), default 20000)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flow.h>
#include <callflowd/store/flowlog.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/loop.h>
#include <callflowd/core/log.h>

#define LOAD_RUNS 200

/* The flow of (a): 4 actions per turn of the loop, 100 turns. */
static const char bench_flow_json[] =
	"{\"Version\":\"2019-10-30\",\"StartAction\":\"loop\","
	"\"Actions\":["
	"{\"Identifier\":\"loop\",\"Type\":\"Loop\","
	" \"Parameters\":{\"LoopCount\":\"100\"},"
	" \"Transitions\":{\"NextAction\":\"end\",\"Conditions\":["
	"  {\"NextAction\":\"set\",\"Condition\":{\"Operator\":\"Equals\","
	"   \"Operands\":[\"ContinueLooping\"]}},"
	"  {\"NextAction\":\"end\",\"Condition\":{\"Operator\":\"Equals\","
	"   \"Operands\":[\"DoneLooping\"]}}]}},"
	"{\"Identifier\":\"set\",\"Type\":\"UpdateContactAttributes\","
	" \"Parameters\":{\"Attributes\":{\"Greeting\":"
	"  \"Hello $.Attributes.Tier caller from $.CustomerEndpoint.Address, "
	"turn $.FlowAttributes.turn\"}},"
	" \"Transitions\":{\"NextAction\":\"cmp\",\"Errors\":["
	"  {\"NextAction\":\"end\",\"ErrorType\":\"NoMatchingError\"}]}},"
	"{\"Identifier\":\"cmp\",\"Type\":\"Compare\","
	" \"Parameters\":{\"ComparisonValue\":\"$.Attributes.Tier\"},"
	" \"Transitions\":{\"NextAction\":\"flow\",\"Conditions\":["
	"  {\"NextAction\":\"flow\",\"Condition\":{\"Operator\":\"Equals\","
	"   \"Operands\":[\"silver\"]}},"
	"  {\"NextAction\":\"flow\",\"Condition\":{\"Operator\":"
	"   \"TextStartsWith\",\"Operands\":[\"go\"]}}],"
	"  \"Errors\":[{\"NextAction\":\"flow\","
	"   \"ErrorType\":\"NoMatchingCondition\"}]}},"
	"{\"Identifier\":\"flow\",\"Type\":\"UpdateFlowAttributes\","
	" \"Parameters\":{\"FlowAttributes\":{\"turn\":"
	"  {\"Value\":\"$.Attributes.Tier\"}}},"
	" \"Transitions\":{\"NextAction\":\"loop\",\"Errors\":["
	"  {\"NextAction\":\"end\",\"ErrorType\":\"NoMatchingError\"}]}},"
	"{\"Identifier\":\"end\",\"Type\":\"EndFlowExecution\","
	" \"Parameters\":{},\"Transitions\":{}}]}";

/* Media and call-control ops are never reached by the flow above. */
static const struct flow_ops noop_ops;

struct bench_run {
	bool ended;
	enum fend_kind kind;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t fixed_now(void *arg)
{
	(void)arg;
	return 1700000000000ULL;
}

static void run_end_handler(struct frun *run, const struct fend *end,
			    void *arg)
{
	struct bench_run *br = arg;

	(void)run;
	br->ended = true;
	br->kind = end->kind;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Flow logging on: every action also makes its flow-log line (on the
 * loop thread, as in the daemon; written later by the pool). */
static struct flowlog *flog;

static void log_step(struct frun *run, const struct fstep *st, void *arg)
{
	flowlog_step(arg, run, st);
}

/* One contact through the flow; *stepsp = actions executed. */
static int run_once(struct flow *flow, const struct fenv *env,
		    uint32_t *stepsp)
{
	struct bench_run br = {false, FEND_ERROR};
	struct cdata *cd = NULL;
	struct frun *run = NULL;
	int err;

	err = cdata_alloc(&cd, "00000000-0000-4000-8000-000000000001");
	if (err)
		goto out;
	str_ncpy(cd->customer_addr, "+15555550123", sizeof(cd->customer_addr));
	err = cdata_attr_set(cd, "Tier", "gold");
	if (err)
		goto out;

	err = frun_alloc(&run, flow, cd, env, run_end_handler, &br);
	if (err)
		goto out;
	if (flog) {
		cd->flow_logging = true;
		frun_set_step_handler(run, log_step, flog);
	}
	err = frun_start(run, NULL);
	if (err)
		goto out;

	/* Nothing here waits for media: the run must be over already. */
	if (!frun_ended(run)) {
		err = EINPROGRESS;
		goto out;
	}
	*stepsp = frun_steps(run);

 out:
	mem_deref(run);
	mem_deref(cd);
	return err;
}

static int bench_actions(unsigned runs)
{
	struct findings *fnd = NULL;
	struct flow *flow = NULL;
	struct flow_load_opts opts = {.name = "bench", .path = "bench"};
	struct fenv env = {
		.ops = &noop_ops,
		.now_ms = fixed_now,
		.step_limit = 1000,
	};
	uint64_t actions = 0;
	uint32_t steps = 0;
	double t0, dt;
	unsigned i;
	int err;

	err = findings_alloc(&fnd);
	if (err)
		return err;
	err = flow_load_buf(&flow, fnd, bench_flow_json,
			    sizeof(bench_flow_json) - 1, &opts);
	if (err || fnd->nerrors) {
		findings_print(fnd, "bench", stderr);
		if (!err)
			err = EBADMSG;
		goto out;
	}

	/* Warm up (and check the run really does its 400-odd actions). */
	err = run_once(flow, &env, &steps);
	if (err) {
		fprintf(stderr, "bench_flow: run failed: %s\n", strerror(err));
		goto out;
	}
	if (steps < 400) {
		fprintf(stderr, "bench_flow: only %u actions per run\n",
			steps);
		err = EPROTO;
		goto out;
	}

	t0 = now_s();
	for (i = 0; i < runs; i++) {
		err = run_once(flow, &env, &steps);
		if (err) {
			fprintf(stderr, "bench_flow: run %u failed: %s\n", i,
				strerror(err));
			goto out;
		}
		actions += steps;
	}
	dt = now_s() - t0;

	printf("interpreter: %u contacts x %u actions = %llu actions in "
	       "%.3f s\n", runs, steps, (unsigned long long)actions, dt);
	printf("interpreter: %.0f actions/s on one core (target >= "
	       "2000000) %s\n", (double)actions / dt,
	       (double)actions / dt >= 2e6 ? "ok" : "BELOW TARGET");
	printf("interpreter: %.2f us per contact (alloc, run, free)\n",
	       dt * 1e6 / runs);

	/* the same with flow logging on: the cost of each line on the loop */
	if (!flog) {
		char dir[] = "/tmp/bench-flowlog-XXXXXX", cmd[96];
		double base = dt / (double)actions, with = 0;
		uint64_t logged = 0;

		if (!mkdtemp(dir) || loop_init() ||
		    flowlog_alloc(&flog, dir, NULL))
			goto out;
		for (i = 0; i < runs / 10 && !err; i++) {
			t0 = now_s();
			err = run_once(flow, &env, &steps);
			with += now_s() - t0;
			logged += steps;
			if (i % 50 == 49)	/* untimed: let the pool write */
				flowlog_flush(flog, 10000);
		}
		flowlog_flush(flog, 10000);
		if (!err && logged)
			printf("flow logging: %.2f us per action with its "
			       "flow-log line (%.2f us without), %llu lines\n",
			       with * 1e6 / (double)logged, base * 1e6,
			       (unsigned long long)flowlog_lines(flog));
		flog = mem_deref(flog);
		loop_close();
		re_snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			err = EIO;
	}

 out:
	mem_deref(flow);
	mem_deref(fnd);
	return err;
}

/* Load (and validate) path once; *dtp = seconds it took. */
static int load_once(const char *path, double *dtp, size_t *actcp,
		     size_t *nerrp, size_t *nwarnp)
{
	struct findings *fnd = NULL;
	struct flow *flow = NULL;
	double t0;
	int err;

	err = findings_alloc(&fnd);
	if (err)
		return err;

	t0 = now_s();
	err = flow_load_file(&flow, fnd, path, NULL);
	*dtp = now_s() - t0;

	if (!flow) {
		findings_print(fnd, path, stderr);
		err = err ? err : EBADMSG;
		fprintf(stderr, "bench_flow: cannot load %s: %s\n", path,
			strerror(err));
		goto out;
	}
	*actcp = flow->actc;
	*nerrp = fnd->nerrors;
	*nwarnp = fnd->nwarnings;
	err = 0;

 out:
	mem_deref(flow);
	mem_deref(fnd);
	return err;
}

static int bench_load(void)
{
	static const char path[] =
		CFD_SOURCE_DIR "/tests/data/connect-flows/RulesEngineQueue.json";
	double t[LOAD_RUNS], warm;
	size_t actc = 0, nerr = 0, nwarn = 0;
	unsigned i;
	int err;

	/* one untimed load first: page cache, allocator, lazy init */
	err = load_once(path, &warm, &actc, &nerr, &nwarn);
	if (err)
		return err;

	for (i = 0; i < LOAD_RUNS; i++) {
		err = load_once(path, &t[i], &actc, &nerr, &nwarn);
		if (err)
			return err;
	}

	qsort(t, LOAD_RUNS, sizeof(t[0]), cmp_double);
	printf("load+validate: RulesEngineQueue.json (%zu actions, %zu "
	       "errors, %zu warnings), %u runs\n", actc, nerr, nwarn,
	       LOAD_RUNS);
	printf("load+validate: min %.3f ms, median %.3f ms, p99 %.3f ms "
	       "(target < 5 ms) %s\n", t[0] * 1e3, t[LOAD_RUNS / 2] * 1e3,
	       t[LOAD_RUNS * 99 / 100] * 1e3,
	       t[LOAD_RUNS * 99 / 100] < 5e-3 ? "ok" : "ABOVE TARGET");
	return 0;
}

int main(int argc, char **argv)
{
	unsigned runs = 20000;
	int err;

	if (argc > 1) {
		char *end;
		unsigned long v = strtoul(argv[1], &end, 10);

		if (*end || v == 0 || v > 10000000) {
			fprintf(stderr, "usage: bench_flow [runs]\n");
			return 2;
		}
		runs = (unsigned)v;
	}

	if (libre_init())
		return 1;
	log_set_level(LOG_LVL_ERROR);

	err = bench_actions(runs);
	if (!err)
		err = bench_load();

	libre_close();
	return err ? 1 : 0;
}
