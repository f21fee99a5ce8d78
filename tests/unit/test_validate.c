/* Graph warnings and reference checks (flow_check_refs). */
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include "test.h"

#define V "\"Version\":\"2019-10-30\","
#define BYE "{\"Identifier\":\"bye\",\"Type\":\"DisconnectParticipant\"," \
	"\"Transitions\":{}}"

static struct flow *load(const char *name, const char *doc)
{
	struct flow_load_opts o = {.name = name};
	struct flow *flow = NULL;

	if (flow_load_buf(&flow, NULL, doc, strlen(doc), &o))
		abort();
	return flow;
}

static size_t count(const struct findings *f, enum finding_sev sev,
		    const char *id, const char *msg)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++) {
		if (f->v[i].sev == sev && f->v[i].action_id &&
		    !strcmp(f->v[i].action_id, id) &&
		    !strcmp(f->v[i].msg, msg))
			++n;
	}
	return n;
}

TEST(unreachable_and_not_run)
{
	struct flow *flow = load("g", "{" V "\"StartAction\":\"a\",\"Actions\""
		":[{\"Identifier\":\"a\",\"Type\":\"CreateTask\",\"Parameters\""
		":{},\"Transitions\":{\"NextAction\":\"bye\"}},"
		"{\"Identifier\":\"c\",\"Type\":\"MessageParticipant\","
		"\"Parameters\":{\"Text\":\"x\"},\"Transitions\":{"
		"\"NextAction\":\"d\"}},"
		"{\"Identifier\":\"d\",\"Type\":"
		"\"UpdateContactMediaStreamingBehavior\""
		",\"Parameters\":{},\"Transitions\":{\"NextAction\":\"c\"}},"
		BYE "]}");
	const struct findings *f = flow->findings;

	ASSERT_INT_EQ(f->nerrors, 0);
	ASSERT_INT_EQ(f->nwarnings, 4);
	ASSERT_INT_EQ(count(f, FINDING_WARNING, "a", "CreateTask is accepted "
			    "but this engine cannot run it yet"), 1);
	ASSERT_INT_EQ(count(f, FINDING_WARNING, "c", "unreachable: no "
			    "transition leads here from StartAction"), 1);
	ASSERT_INT_EQ(count(f, FINDING_WARNING, "d", "unreachable: no "
			    "transition leads here from StartAction"), 1);
	ASSERT_INT_EQ(count(f, FINDING_WARNING, "d",
			    "UpdateContactMediaStreamingBehavior is accepted but "
			    "this engine cannot run it yet"), 1);
	mem_deref(flow);
}

TEST(reachable_through_errors_and_conditions)
{
	struct flow *flow = load("g", "{" V "\"StartAction\":\"a\",\"Actions\""
		":[{\"Identifier\":\"a\",\"Type\":\"Compare\",\"Parameters\":{"
		"\"ComparisonValue\":\"$.Attributes.x\"},\"Transitions\":{"
		"\"Errors\":[{\"ErrorType\":\"NoMatchingCondition\","
		"\"NextAction\":\"e\"}],\"Conditions\":[{\"NextAction\":\"c\","
		"\"Condition\":{\"Operator\":\"Equals\",\"Operands\":[\"1\"]}}]"
		"}},{\"Identifier\":\"c\",\"Type\":\"EndFlowExecution\"},"
		"{\"Identifier\":\"e\",\"Type\":\"EndFlowExecution\"}]}");

	ASSERT_INT_EQ(flow->findings->n, 0);
	mem_deref(flow);
}

static const char *cfg_doc =
	"{\"queues\":[{\"name\":\"Sales\",\"id\":\"q-sales\"}],"
	"\"prompts\":[{\"name\":\"Welcome\",\"path\":\"/tmp/w.wav\"}],"
	"\"functions\":[{\"name\":\"lookup\",\"url\":\"http://127.0.0.1:9/\"}],"
	"\"hours_of_operation\":[{\"Name\":\"Basic\",\"TimeZone\":\"UTC\","
	"\"Config\":[]}]}";

static const char *refs_doc = "{" V "\"StartAction\":\"q1\",\"Actions\":["
	"{\"Identifier\":\"q1\",\"Type\":\"UpdateContactTargetQueue\","
	"\"Parameters\":{\"QueueId\":\"arn:aws:connect:r:1:instance/i/queue/"
	"q-sales\"},\"Transitions\":{\"NextAction\":\"q2\"}},"
	"{\"Identifier\":\"q2\",\"Type\":\"UpdateContactTargetQueue\","
	"\"Parameters\":{\"QueueId\":\"Support\"},\"Transitions\":{"
	"\"NextAction\":\"q3\"}},"
	"{\"Identifier\":\"q3\",\"Type\":\"UpdateContactTargetQueue\","
	"\"Parameters\":{\"QueueId\":\"$.Attributes.queue\"},\"Transitions\""
	":{\"NextAction\":\"p1\"}},"
	"{\"Identifier\":\"p1\",\"Type\":\"MessageParticipant\","
	"\"Parameters\":{\"PromptId\":\"welcome\"},\"Transitions\":{"
	"\"NextAction\":\"p2\"}},"
	"{\"Identifier\":\"p2\",\"Type\":\"MessageParticipant\","
	"\"Parameters\":{\"PromptId\":\"{{prompts.hold.arn}}\"},"
	"\"Transitions\":{\"NextAction\":\"h\"}},"
	"{\"Identifier\":\"h\",\"Type\":\"CheckHoursOfOperation\","
	"\"Parameters\":{\"HoursOfOperationId\":\"Night\"},\"Transitions\":{"
	"\"NextAction\":\"l\"}},"
	"{\"Identifier\":\"l\",\"Type\":\"InvokeLambdaFunction\","
	"\"Parameters\":{\"LambdaFunctionARN\":\"arn:aws:lambda:us-east-1:1:"
	"function:lookup\"},\"Transitions\":{\"NextAction\":\"l2\"}},"
	"{\"Identifier\":\"l2\",\"Type\":\"InvokeLambdaFunction\","
	"\"Parameters\":{\"LambdaFunctionARN\":\"arn:aws:lambda:us-east-1:1:"
	"function:other\"},\"Transitions\":{\"NextAction\":\"hk\"}},"
	"{\"Identifier\":\"hk\",\"Type\":\"UpdateContactEventHooks\","
	"\"Parameters\":{\"EventHooks\":{\"CustomerQueue\":\"queue-flow\"}},"
	"\"Transitions\":{\"NextAction\":\"hk2\"}},"
	"{\"Identifier\":\"hk2\",\"Type\":\"UpdateContactEventHooks\","
	"\"Parameters\":{\"EventHooks\":{\"CustomerRemaining\":\"gone\"}},"
	"\"Transitions\":{\"NextAction\":\"tf\"}},"
	"{\"Identifier\":\"tf\",\"Type\":\"TransferToFlow\",\"Parameters\":{"
	"\"ContactFlowId\":\"arn:aws:connect:r:1:instance/i/contact-flow/"
	"f-queue\"},\"Transitions\":{\"NextAction\":\"bye\"}}," BYE "]}";

static int setup(struct config **cfgp, struct flowset **fsp,
		 struct flow **flowp)
{
	char ebuf[256] = "";
	struct flow *qf;
	int err;

	err = config_parse(cfgp, cfg_doc, NULL, ebuf, sizeof(ebuf));
	if (err) {
		fprintf(stderr, "config: %s\n", ebuf);
		return err;
	}
	err = flowset_alloc(fsp, *cfgp);
	if (err)
		return err;

	qf = load("queue-flow", "{\"Name\":\"queue-flow\",\"Type\":"
		  "\"CUSTOMER_QUEUE\",\"Arn\":\"arn:aws:connect:r:1:instance/"
		  "i/contact-flow/f-queue\",\"Content\":{" V "\"StartAction\""
		  ":\"end\",\"Actions\":[{\"Identifier\":\"end\",\"Type\":"
		  "\"EndFlowExecution\"}]}}");
	err = flowset_add(*fsp, qf);
	mem_deref(qf);
	if (err)
		return err;

	*flowp = load("main", refs_doc);
	return 0;
}

TEST(refs_warn_or_fail_when_strict)
{
	struct config *cfg = NULL;
	struct flowset *fs = NULL;
	struct flow *flow = NULL;
	struct findings *f = NULL;
	int pass;

	ASSERT_INT_EQ(setup(&cfg, &fs, &flow), 0);
	ASSERT_INT_EQ(flow->findings->n, 0);

	for (pass = 0; pass < 2; pass++) {
		bool strict = pass == 1;
		enum finding_sev sev = strict ? FINDING_ERROR :
			FINDING_WARNING;

		ASSERT_INT_EQ(findings_alloc(&f), 0);
		flow_check_refs(flow, cfg, fs, strict, f);

		ASSERT_INT_EQ(f->n, 5);
		ASSERT_INT_EQ(f->nerrors, strict ? 4 : 0);
		ASSERT_INT_EQ(count(f, sev, "q2", "QueueId: queue \"Support\" "
				    "not found in the configuration"), 1);
		/* placeholders stay warnings, whatever strict says */
		ASSERT_INT_EQ(count(f, FINDING_WARNING, "p2", "PromptId "
				    "\"{{prompts.hold.arn}}\" is a template "
				    "placeholder: the prompt cannot be "
				    "checked"), 1);
		ASSERT_INT_EQ(count(f, sev, "h", "HoursOfOperationId: hours "
				    "of operation \"Night\" not found in the "
				    "configuration"), 1);
		ASSERT_INT_EQ(count(f, sev, "l2", "LambdaFunctionARN: "
				    "function \"arn:aws:lambda:us-east-1:1:"
				    "function:other\" not found in the "
				    "configuration"), 1);
		ASSERT_INT_EQ(count(f, sev, "hk2", "EventHooks."
				    "CustomerRemaining: flow \"gone\" not "
				    "found among the loaded flows"), 1);
		f = mem_deref(f);
	}

	mem_deref(flow);
	mem_deref(fs);
	mem_deref(cfg);
}

TEST(refs_without_config_or_flowset)
{
	struct config *cfg = NULL;
	struct flowset *fs = NULL;
	struct flow *flow = NULL;
	struct findings *f = NULL;

	ASSERT_INT_EQ(setup(&cfg, &fs, &flow), 0);

	/* nothing to resolve against: only placeholders are reported */
	ASSERT_INT_EQ(findings_alloc(&f), 0);
	flow_check_refs(flow, NULL, NULL, true, f);
	ASSERT_INT_EQ(f->n, 1);
	ASSERT_INT_EQ(f->nwarnings, 1);
	ASSERT_STR_EQ(f->v[0].action_id, "p2");
	f = mem_deref(f);

	/* flows only */
	ASSERT_INT_EQ(findings_alloc(&f), 0);
	flow_check_refs(flow, NULL, fs, false, f);
	ASSERT_INT_EQ(f->n, 2);
	ASSERT_STR_EQ(f->v[1].action_id, "hk2");
	f = mem_deref(f);

	mem_deref(flow);
	mem_deref(fs);
	mem_deref(cfg);
}
