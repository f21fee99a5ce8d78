/*
 * Contact, flow-control, routing and Lambda actions run in small flows
 * against the recording fake ports: the branch each action takes and
 * what it changes on the contact, including every error branch.
 *
 * Flows are written with single quotes (turned into double quotes before
 * loading) and end in EndFlowExecution actions named after the branch
 * that leads there: ok (NextAction), err (NoMatchingError), x1/x2/x3
 * (other error types or conditions).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/util.h>
#include "fake_ops.h"
#include "test.h"

#define ENDS \
	"{'Identifier':'ok','Type':'EndFlowExecution','Transitions':{}}," \
	"{'Identifier':'err','Type':'EndFlowExecution','Transitions':{}}," \
	"{'Identifier':'x1','Type':'EndFlowExecution','Transitions':{}}," \
	"{'Identifier':'x2','Type':'EndFlowExecution','Transitions':{}}," \
	"{'Identifier':'x3','Type':'EndFlowExecution','Transitions':{}}"

#define TR_STD "{'NextAction':'ok','Errors':[" \
	"{'ErrorType':'NoMatchingError','NextAction':'err'}]}"

/* 2024-01-01 is a Monday; the Office is open 09:00-17:00 UTC. */
#define MON_10H 1704103200000ULL
#define MON_20H 1704139200000ULL

static const char test_cfg[] =
	"{'instance_arn':'arn:aws:connect:us-east-1:111122223333:"
	"instance/inst-1',"
	"'hours_of_operation':[{'Name':'Office','TimeZone':'UTC','Config':["
	"{'Day':'MONDAY','StartTime':{'Hours':9,'Minutes':0},"
	"'EndTime':{'Hours':17,'Minutes':0}}]}],"
	"'queues':["
	"{'name':'Sales','id':'q-sales','hours':'Office',"
	"'arns':['arn:aws:connect:us-east-1:111122223333:instance/inst-1/"
	"queue/q-sales'],'outbound_caller_id':'+18005550199'},"
	"{'name':'Support','id':'q-support'}],"
	"'agents':[{'username':'alice','id':'ag-1','first_name':'Alice'}],"
	"'functions':[{'name':'lookup','arn':'arn:aws:lambda:us-east-1:"
	"111122223333:function:lookup','url':'http://127.0.0.1:9/lookup'}]}";

struct drun {
	struct fake_ops f;
	struct config *cfg;
	struct flowset *fs;
	struct flow *flow;
	struct cdata *cd;
	struct frun *run;
	struct fenv env;
	struct rng rng;
	uint64_t now;
	char trace[4096];
	size_t tracelen;
	char first_result[128];
	bool ended;
	enum fend_kind end_kind;
	char end_target[128];
};


/* Single quotes to double quotes (a new mem string). */
static char *dq(const char *s)
{
	char *d = NULL, *p;

	if (str_dup(&d, s))
		return NULL;
	for (p = d; *p; p++) {
		if (*p == '\'')
			*p = '"';
	}
	return d;
}


static uint64_t clock_h(void *arg)
{
	return ((struct drun *)arg)->now;
}


static void step_h(struct frun *run, const struct fstep *st, void *arg)
{
	struct drun *d = arg;
	int n;

	(void)run;
	if (!d->tracelen && st->result)
		str_ncpy(d->first_result, st->result, sizeof(d->first_result));
	n = snprintf(d->trace + d->tracelen, sizeof(d->trace) - d->tracelen,
		     "%s %s\n", st->act->id, st->branch ? st->branch : "-");
	if (n > 0 && (size_t)n < sizeof(d->trace) - d->tracelen)
		d->tracelen += (size_t)n;
}


static void end_h(struct frun *run, const struct fend *end, void *arg)
{
	struct drun *d = arg;

	(void)run;
	d->ended = true;
	d->end_kind = end->kind;
	str_ncpy(d->end_target, end->target ? end->target : "",
		 sizeof(d->end_target));
}


static int load_flow(struct flow **flowp, const char *name, const char *q)
{
	struct flow_load_opts opts = { .name = name };
	struct findings *fnd = NULL;
	char *json = dq(q);
	int err;

	if (!json)
		return ENOMEM;
	err = findings_alloc(&fnd);
	if (!err) {
		(void)flow_load_buf(flowp, fnd, json, strlen(json), &opts);
		if (!*flowp) {
			findings_print(fnd, name, stderr);
			err = EBADMSG;
		}
	}
	mem_deref(fnd);
	mem_deref(json);
	return err;
}


/* Contact data, configuration and ports; the flow comes next. */
static int d_init(struct drun *d, bool with_cfg)
{
	char errbuf[256] = "";
	char *cfg;
	int err;

	memset(d, 0, sizeof(*d));
	fake_ops_init(&d->f);
	rng_seed(&d->rng, 42);
	d->now = MON_10H;

	if (with_cfg) {
		cfg = dq(test_cfg);
		if (!cfg)
			return ENOMEM;
		err = config_parse(&d->cfg, cfg, NULL, errbuf,
				   sizeof(errbuf));
		mem_deref(cfg);
		if (err) {
			fprintf(stderr, "config: %s\n", errbuf);
			return err;
		}
	}

	err = cdata_alloc(&d->cd, "c-1");
	if (err)
		return err;
	str_ncpy(d->cd->customer_addr, "+15551230000",
		 sizeof(d->cd->customer_addr));

	d->env.cfg = d->cfg;
	d->env.ops = &d->f.ops;
	d->env.ops_arg = &d->f;
	d->env.now_ms = clock_h;
	d->env.now_arg = d;
	d->env.rng = &d->rng;
	return 0;
}


/* Load the whole flow text (single quotes) and run it from its start. */
static int d_run_flow(struct drun *d, const char *q)
{
	int err;

	err = load_flow(&d->flow, "main", q);
	if (err)
		return err;

	err = frun_alloc(&d->run, d->flow, d->cd, &d->env, end_h, d);
	if (err)
		return err;
	frun_set_step_handler(d->run, step_h, d);

	return frun_start(d->run, NULL);
}


/* One action "A" of type with params and transitions (NULL: TR_STD). */
static int d_run1(struct drun *d, const char *type, const char *params,
		  const char *trans)
{
	char *q = NULL;
	int err;

	err = re_sdprintf(&q, "{'Version':'2019-10-30','StartAction':'A',"
			  "'Actions':[{'Identifier':'A','Type':'%s',"
			  "'Parameters':%s,'Transitions':%s}," ENDS "]}",
			  type, params ? params : "{}",
			  trans ? trans : TR_STD);
	if (err)
		return err;

	err = d_run_flow(d, q);
	mem_deref(q);
	return err;
}


static void d_close(struct drun *d)
{
	d->run = mem_deref(d->run);
	d->flow = mem_deref(d->flow);
	d->cd = mem_deref(d->cd);
	d->fs = mem_deref(d->fs);
	d->cfg = mem_deref(d->cfg);
}


/* "A <branch>" then "<target> End": where action A went. */
static bool went(const struct drun *d, const char *branch,
		 const char *target)
{
	char l1[128], l2[64];

	(void)snprintf(l1, sizeof(l1), "A %s", branch);
	(void)snprintf(l2, sizeof(l2), "%s End", target);
	return fake_has_line(d->trace, l1) && fake_has_line(d->trace, l2);
}


/* Runs the action, asserts the branch, closes on failure. */
#define RUN1(d, type, params, trans, branch, target) do { \
	int e_ = d_run1(d, type, params, trans); \
	if (e_ || !went(d, branch, target)) { \
		fprintf(stderr, "    trace:\n%s", (d)->trace); \
		d_close(d); \
	} \
	ASSERT_INT_EQ(e_, 0); \
	ASSERT_TRUE(went(d, branch, target)); \
} while (0)

#define INIT(d, with_cfg) do { \
	int e_ = d_init(d, with_cfg); \
	if (e_) \
		d_close(d); \
	ASSERT_INT_EQ(e_, 0); \
} while (0)

/* Check a condition (evaluated once); on failure report, then close d. */
#define CHECK(d, c) do { if (!(c)) { \
	test_fail(__FILE__, __LINE__, "expected true: %s", #c); \
	d_close(d); return; } } while (0)
#define CHECK_STR(d, a, b) do { \
	const char *a__ = (a), *b__ = (b); \
	if (!a__ || strcmp(a__, b__)) { \
		test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
			  #a, #b, a__ ? a__ : "(null)", b__); \
		d_close(d); return; } } while (0)


/* -- contact.c -- */

TEST(attributes_set_with_interpolation)
{
	struct drun d;

	INIT(&d, false);
	CHECK(&d, !strmap_set(d.cd->attrs, "name", "Ann"));
	RUN1(&d, "UpdateContactAttributes",
	     "{'Attributes':{'tier':'gold','greet':'Hi $.Attributes.name!',"
	     "'caller':'$.CustomerEndpoint.Address'}}", NULL,
	     "NextAction", "ok");
	CHECK_STR(&d, strmap_get(d.cd->attrs, "tier"), "gold");
	CHECK_STR(&d, strmap_get(d.cd->attrs, "greet"), "Hi Ann!");
	CHECK_STR(&d, strmap_get(d.cd->attrs, "caller"), "+15551230000");
	d_close(&d);
}


TEST(attributes_evaluated_before_applied)
{
	struct drun d;

	INIT(&d, false);
	CHECK(&d, !strmap_set(d.cd->attrs, "x", "old"));
	RUN1(&d, "UpdateContactAttributes",
	     "{'Attributes':{'x':'new','y':'$.Attributes.x'},"
	     "'TargetContact':'Related'}", NULL, "NextAction", "ok");
	CHECK_STR(&d, strmap_get(d.cd->attrs, "x"), "new");
	CHECK_STR(&d, strmap_get(d.cd->attrs, "y"), "old");
	d_close(&d);
}


TEST(attributes_over_limit_apply_nothing)
{
	static char big[30001];
	struct drun d;

	memset(big, 'b', sizeof(big) - 1);
	INIT(&d, false);
	CHECK(&d, !strmap_set(d.cd->attrs, "big", big));
	/* a copy of big would take the attributes past 32 KB */
	RUN1(&d, "UpdateContactAttributes",
	     "{'Attributes':{'a':'1','copy':'$.Attributes.big'}}", NULL,
	     "NoMatchingError", "err");
	CHECK(&d, strmap_get(d.cd->attrs, "a") == NULL);
	CHECK(&d, strmap_get(d.cd->attrs, "copy") == NULL);
	CHECK(&d, strmap_count(d.cd->attrs) == 1);
	d_close(&d);
}


TEST(attributes_dynamic_keys)
{
	struct drun d;

	INIT(&d, false);
	CHECK(&d, !strmap_set(d.cd->external, "k0", "color"));
	CHECK(&d, !strmap_set(d.cd->external, "v0", "blue"));
	/* k1 is unset: that entry is skipped */
	RUN1(&d, "UpdateContactAttributes",
	     "{'Attributes':{'$.External.k0':'$.External.v0',"
	     "'$.External.k1':'$.External.v1'}}", NULL, "NextAction", "ok");
	CHECK_STR(&d, strmap_get(d.cd->attrs, "color"), "blue");
	CHECK(&d, strmap_count(d.cd->attrs) == 1);
	d_close(&d);
}


TEST(attributes_bad_shape_error)
{
	struct drun d;

	INIT(&d, false);
	RUN1(&d, "UpdateContactAttributes", "{'Attributes':{'a':{'b':'c'}}}",
	     NULL, "NoMatchingError", "err");
	CHECK(&d, strmap_count(d.cd->attrs) == 0);
	d_close(&d);
}


TEST(flow_attributes_both_shapes)
{
	struct drun d;
	struct strmap *fa;

	INIT(&d, false);
	RUN1(&d, "UpdateFlowAttributes",
	     "{'FlowAttributes':{'a':{'Value':'1'},'b':'two',"
	     "'c':{'Value':'<$.FlowAttributes.a>'}}}", NULL,
	     "NextAction", "ok");
	fa = frun_flow_attrs(d.run);
	CHECK_STR(&d, strmap_get(fa, "a"), "1");
	CHECK_STR(&d, strmap_get(fa, "b"), "two");
	/* evaluated before any of them applied */
	CHECK_STR(&d, strmap_get(fa, "c"), "<>");
	/* never contact attributes */
	CHECK(&d, strmap_count(d.cd->attrs) == 0);
	d_close(&d);
}


TEST(event_hooks_set_and_unknown)
{
	struct drun d;

	INIT(&d, false);
	CHECK(&d, !strmap_set(d.cd->attrs, "qf", "VipQueueFlow"));
	RUN1(&d, "UpdateContactEventHooks",
	     "{'EventHooks':{'CustomerQueue':'$.Attributes.qf'}}", NULL,
	     "NextAction", "ok");
	CHECK_STR(&d, d.cd->hooks[HOOK_CUSTOMER_QUEUE], "VipQueueFlow");
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "UpdateContactEventHooks",
	     "{'EventHooks':{'AgentWhisper':'W','Bogus':'X'}}", NULL,
	     "NoMatchingError", "err");
	CHECK(&d, d.cd->hooks[HOOK_AGENT_WHISPER] == NULL);
	d_close(&d);

	/* a hook whose reference is unset names no flow */
	INIT(&d, false);
	RUN1(&d, "UpdateContactEventHooks",
	     "{'EventHooks':{'CustomerRemaining':'$.Attributes.none'}}",
	     NULL, "NoMatchingError", "err");
	CHECK(&d, d.cd->hooks[HOOK_CUSTOMER_REMAINING] == NULL);
	d_close(&d);
}


TEST(recording_behaviour)
{
	struct drun d;

	INIT(&d, false);
	RUN1(&d, "UpdateContactRecordingBehavior",
	     "{'RecordingBehavior':{'RecordedParticipants':['Agent',"
	     "'Customer'],'IVRRecordingBehavior':'Enabled'},"
	     "'AnalyticsBehavior':{'Enabled':'True'}}", NULL,
	     "NextAction", "ok");
	CHECK(&d, d.cd->record_agent && d.cd->record_customer);
	CHECK(&d, d.cd->record_ivr && d.cd->analytics);
	d_close(&d);

	/* an empty list stops recording */
	INIT(&d, false);
	d.cd->record_agent = d.cd->record_customer = true;
	RUN1(&d, "UpdateContactRecordingBehavior",
	     "{'RecordingBehavior':{'RecordedParticipants':[]}}", NULL,
	     "NextAction", "ok");
	CHECK(&d, !d.cd->record_agent && !d.cd->record_customer);
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "UpdateContactRecordingAndAnalyticsBehavior",
	     "{'VoiceBehavior':{'RecordingBehavior':{'RecordedParticipants':"
	     "['Customer']},'AnalyticsBehavior':{'Enabled':'False'}}}", NULL,
	     "NextAction", "ok");
	CHECK(&d, !d.cd->record_agent && d.cd->record_customer);
	CHECK(&d, !d.cd->analytics);
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "UpdateContactRecordingBehavior",
	     "{'RecordingBehavior':{'RecordedParticipants':['Robot']}}", NULL,
	     "NoMatchingError", "err");
	CHECK(&d, !d.cd->record_agent && !d.cd->record_customer);
	d_close(&d);
}


TEST(tts_voice)
{
	struct drun d;

	INIT(&d, false);
	RUN1(&d, "UpdateContactTextToSpeechVoice",
	     "{'TextToSpeechVoice':'Matthew','TextToSpeechEngine':'neural'}",
	     NULL, "NextAction", "ok");
	CHECK_STR(&d, d.cd->tts_voice, "Matthew");
	CHECK_STR(&d, d.cd->tts_engine, "neural");
	CHECK(&d, d.cd->tts_style == NULL);
	d_close(&d);
}


TEST(routing_behaviour)
{
	struct drun d;

	INIT(&d, false);
	RUN1(&d, "UpdateContactRoutingBehavior",
	     "{'QueuePriority':'1','QueueTimeAdjustmentSeconds':'-30'}", NULL,
	     "NextAction", "ok");
	CHECK(&d, d.cd->queue_priority == 1);
	CHECK(&d, d.cd->queue_time_adjust_s == -30);
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "UpdateContactRoutingBehavior", "{'QueuePriority':2000}",
	     NULL, "NextAction", "ok");
	CHECK(&d, d.cd->queue_priority == 2000);
	d_close(&d);

	/* 0 is no priority; the adjustment must stay unapplied too */
	INIT(&d, false);
	RUN1(&d, "UpdateContactRoutingBehavior",
	     "{'QueuePriority':'0','QueueTimeAdjustmentSeconds':'10'}", NULL,
	     "NoMatchingError", "err");
	CHECK(&d, d.cd->queue_priority == 5);
	CHECK(&d, d.cd->queue_time_adjust_s == 0);
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "UpdateContactRoutingBehavior",
	     "{'QueueTimeAdjustmentSeconds':'soon'}", NULL,
	     "NoMatchingError", "err");
	d_close(&d);
}


#define TR_CALLBACK "{'NextAction':'ok','Errors':[" \
	"{'ErrorType':'InvalidCallbackNumber','NextAction':'x1'}," \
	"{'ErrorType':'CallbackNumberNotDialable','NextAction':'x2'}," \
	"{'ErrorType':'NoMatchingError','NextAction':'err'}]}"

TEST(callback_number)
{
	struct drun d;

	INIT(&d, false);
	CHECK(&d, !strmap_set(d.cd->attrs, "cb", "+1 (800) 555-0100"));
	RUN1(&d, "UpdateContactCallbackNumber",
	     "{'CallbackNumber':'$.Attributes.cb'}", TR_CALLBACK,
	     "NextAction", "ok");
	CHECK_STR(&d, d.cd->callback_number, "+18005550100");
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "UpdateContactCallbackNumber",
	     "{'CallbackNumber':'call me maybe'}", TR_CALLBACK,
	     "InvalidCallbackNumber", "x1");
	CHECK(&d, d.cd->callback_number == NULL);
	d_close(&d);

	/* unset reference: no number at all */
	INIT(&d, false);
	RUN1(&d, "UpdateContactCallbackNumber",
	     "{'CallbackNumber':'$.StoredCustomerInput'}", TR_CALLBACK,
	     "InvalidCallbackNumber", "x1");
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "UpdateContactCallbackNumber",
	     "{'CallbackNumber':'+12345'}", TR_CALLBACK,
	     "CallbackNumberNotDialable", "x2");
	CHECK(&d, d.cd->callback_number == NULL);
	d_close(&d);
}


TEST(tag_and_untag)
{
	struct drun d;

	INIT(&d, false);
	CHECK(&d, !strmap_set(d.cd->attrs, "dept", "sales"));
	RUN1(&d, "TagContact",
	     "{'Tags':{'Department':'$.Attributes.dept','Tier':'gold'}}",
	     NULL, "NextAction", "ok");
	CHECK_STR(&d, strmap_get(d.cd->tags, "Department"), "sales");
	CHECK_STR(&d, strmap_get(d.cd->tags, "Tier"), "gold");
	d_close(&d);

	INIT(&d, false);
	CHECK(&d, !strmap_set(d.cd->tags, "Tier", "gold"));
	CHECK(&d, !strmap_set(d.cd->tags, "Keep", "me"));
	RUN1(&d, "UntagContact", "{'TagKeys':['Tier']}", NULL,
	     "NextAction", "ok");
	CHECK(&d, strmap_get(d.cd->tags, "Tier") == NULL);
	CHECK_STR(&d, strmap_get(d.cd->tags, "Keep"), "me");
	d_close(&d);

	/* system tags are not the flow's to set: none is set */
	INIT(&d, false);
	RUN1(&d, "TagContact", "{'Tags':{'ok':'1','aws:x':'y'}}", NULL,
	     "NoMatchingError", "err");
	CHECK(&d, strmap_count(d.cd->tags) == 0);
	d_close(&d);
}


TEST(contact_data)
{
	struct drun d;

	INIT(&d, false);
	RUN1(&d, "UpdateContactData",
	     "{'Name':'Billing call','Description':'from $.CustomerEndpoint."
	     "Address','LanguageCode':'fr-CA'}", NULL, "NextAction", "ok");
	CHECK_STR(&d, d.cd->name, "Billing call");
	CHECK_STR(&d, d.cd->description, "from +15551230000");
	CHECK_STR(&d, d.cd->language, "fr-CA");
	d_close(&d);
}


TEST(media_streaming_and_task)
{
	struct drun d;

	INIT(&d, false);
	RUN1(&d, "UpdateContactMediaStreamingBehavior",
	     "{'MediaStreamingState':'Enabled'}", NULL, "NextAction", "ok");
	CHECK(&d, d.cd->media_streaming);
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "UpdateContactMediaStreamingBehavior",
	     "{'MediaStreamingState':'Sometimes'}", NULL,
	     "NoMatchingError", "err");
	CHECK(&d, !d.cd->media_streaming);
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "CreateTask", "{'Name':'follow up'}", NULL,
	     "NoMatchingError", "err");
	d_close(&d);
}


/* -- control.c -- */

#define TR_COND(op, a, b) "{'NextAction':'ok','Conditions':[" \
	"{'NextAction':'x1','Condition':{'Operator':'" op "','Operands':['" \
	a "']}},{'NextAction':'x2','Condition':{'Operator':'" op \
	"','Operands':['" b "']}}],'Errors':[" \
	"{'ErrorType':'NoMatchingCondition','NextAction':'x3'}," \
	"{'ErrorType':'NoMatchingError','NextAction':'err'}]}"

TEST(compare)
{
	struct drun d;

	INIT(&d, false);
	CHECK(&d, !strmap_set(d.cd->attrs, "tier", "silver"));
	RUN1(&d, "Compare", "{'ComparisonValue':'$.Attributes.tier'}",
	     TR_COND("Equals", "gold", "silver"), "silver", "x2");
	CHECK_STR(&d, d.first_result, "silver");
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "Compare", "{'ComparisonValue':'$.Attributes.tier'}",
	     TR_COND("Equals", "gold", "silver"), "NoMatchingCondition", "x3");
	d_close(&d);
}


#define TR_HOURS TR_COND("Equals", "True", "False")

TEST(check_hours)
{
	struct drun d;

	INIT(&d, true);
	RUN1(&d, "CheckHoursOfOperation", "{'HoursOfOperationId':'Office'}",
	     TR_HOURS, "True", "x1");
	d_close(&d);

	INIT(&d, true);
	d.now = MON_20H;
	RUN1(&d, "CheckHoursOfOperation", "{'HoursOfOperationId':'Office'}",
	     TR_HOURS, "False", "x2");
	d_close(&d);

	/* no id: the working queue's hours */
	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	RUN1(&d, "CheckHoursOfOperation", "{}", TR_HOURS, "True", "x1");
	d_close(&d);

	/* Support has no hours; Nowhere does not exist; no config */
	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Support"));
	RUN1(&d, "CheckHoursOfOperation", "{}", TR_HOURS,
	     "NoMatchingError", "err");
	d_close(&d);

	INIT(&d, true);
	RUN1(&d, "CheckHoursOfOperation", "{'HoursOfOperationId':'Nowhere'}",
	     TR_HOURS, "NoMatchingError", "err");
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "CheckHoursOfOperation", "{'HoursOfOperationId':'Office'}",
	     TR_HOURS, "NoMatchingError", "err");
	d_close(&d);
}


static size_t count_lines(const char *text, const char *line)
{
	size_t n = 0, len = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			++n;
		p += len;
	}
	return n;
}


/*
 * L loops twice through B, then goes to C; C sends the first pass round
 * again through D (which marks the pass), the second pass to ok. The
 * counter is reset by DoneLooping, so both passes loop twice.
 */
static const char loop_flow[] =
	"{'Version':'2019-10-30','StartAction':'L','Actions':["
	"{'Identifier':'L','Type':'Loop','Parameters':{'LoopCount':'%s'},"
	"'Transitions':{'NextAction':'err','Conditions':["
	"{'NextAction':'B','Condition':{'Operator':'Equals',"
	"'Operands':['ContinueLooping']}},"
	"{'NextAction':'C','Condition':{'Operator':'Equals',"
	"'Operands':['DoneLooping']}}],'Errors':["
	"{'ErrorType':'NoMatchingError','NextAction':'err'}]}},"
	"{'Identifier':'B','Type':'UpdateFlowAttributes','Parameters':"
	"{'FlowAttributes':{'b':{'Value':'1'}}},'Transitions':"
	"{'NextAction':'L'}},"
	"{'Identifier':'C','Type':'Compare','Parameters':"
	"{'ComparisonValue':'$.Attributes.pass'},'Transitions':"
	"{'NextAction':'D','Conditions':[{'NextAction':'ok','Condition':"
	"{'Operator':'Equals','Operands':['2']}}],'Errors':["
	"{'ErrorType':'NoMatchingCondition','NextAction':'D'}]}},"
	"{'Identifier':'D','Type':'UpdateContactAttributes','Parameters':"
	"{'Attributes':{'pass':'2'}},'Transitions':{'NextAction':'L'}},"
	ENDS "]}";

TEST(loop_counts_and_resets)
{
	struct drun d;
	char *q = NULL;
	int err;

	INIT(&d, false);
	err = re_sdprintf(&q, loop_flow, "2");
	if (!err)
		err = d_run_flow(&d, q);
	mem_deref(q);
	if (err)
		d_close(&d);
	ASSERT_INT_EQ(err, 0);
	CHECK(&d, count_lines(d.trace, "L ContinueLooping") == 4);
	CHECK(&d, count_lines(d.trace, "L DoneLooping") == 2);
	CHECK(&d, fake_has_line(d.trace, "ok End"));
	d_close(&d);

	/* LoopCount 0: done at once */
	INIT(&d, false);
	err = re_sdprintf(&q, loop_flow, "0");
	if (!err)
		err = d_run_flow(&d, q);
	mem_deref(q);
	if (err)
		d_close(&d);
	ASSERT_INT_EQ(err, 0);
	CHECK(&d, count_lines(d.trace, "L ContinueLooping") == 0);
	CHECK(&d, count_lines(d.trace, "L DoneLooping") == 2);
	d_close(&d);

	INIT(&d, false);
	err = re_sdprintf(&q, loop_flow, "101");
	if (!err)
		err = d_run_flow(&d, q);
	mem_deref(q);
	if (err)
		d_close(&d);
	ASSERT_INT_EQ(err, 0);
	CHECK(&d, fake_has_line(d.trace, "L NoMatchingError"));
	CHECK(&d, fake_has_line(d.trace, "err End"));
	d_close(&d);
}


TEST(wait_through_port)
{
	struct drun d;

	INIT(&d, false);
	d.f.wait_value = "CustomerReturned";
	RUN1(&d, "Wait", "{'TimeLimitSeconds':'5','Events':"
	     "['CustomerReturned']}",
	     TR_COND("Equals", "WaitCompleted", "CustomerReturned"),
	     "CustomerReturned", "x2");
	CHECK(&d, fake_has_line(d.f.log, "wait 5000 CustomerReturned"));
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "Wait", "{'TimeoutSeconds':60}",
	     TR_COND("Equals", "WaitCompleted", "CustomerReturned"),
	     "WaitCompleted", "x1");
	CHECK(&d, fake_has_line(d.f.log, "wait 60000 -"));
	d_close(&d);

	INIT(&d, false);
	d.f.ops.wait = NULL;
	RUN1(&d, "Wait", "{'TimeoutSeconds':'1'}",
	     TR_COND("Equals", "WaitCompleted", "CustomerReturned"),
	     "NoMatchingError", "err");
	d_close(&d);
}


TEST(distribute_by_percentage)
{
	struct drun d;
	struct rng r;
	char want[8];

	rng_seed(&r, 42);
	(void)snprintf(want, sizeof(want), "%u", rng_range(&r, 1, 100));

	INIT(&d, false);
	RUN1(&d, "DistributeByPercentage", "{}",
	     "{'NextAction':'ok','Conditions':[{'NextAction':'x1',"
	     "'Condition':{'Operator':'NumberLessThan','Operands':['101']}}],"
	     "'Errors':[{'ErrorType':'NoMatchingCondition','NextAction':"
	     "'err'}]}", "101", "x1");
	CHECK_STR(&d, d.first_result, want);
	d_close(&d);
}


TEST(end_flow_and_modules)
{
	struct drun d;

	INIT(&d, false);
	CHECK(&d, d_run1(&d, "EndFlowExecution", "{}", "{}") == 0);
	CHECK(&d, fake_has_line(d.trace, "A End"));
	CHECK(&d, d.ended && d.end_kind == FEND_END_FLOW);
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "InvokeFlowModule", "{'FlowModuleId':'m-1'}", NULL,
	     "NoMatchingError", "err");
	d_close(&d);

	INIT(&d, false);
	CHECK(&d, d_run1(&d, "EndFlowModuleExecution", "{}", "{}") == 0);
	CHECK(&d, fake_has_line(d.trace, "A End"));
	CHECK(&d, d.ended && d.end_kind == FEND_END_FLOW);
	d_close(&d);
}


TEST(flow_logging)
{
	struct drun d;

	INIT(&d, false);
	RUN1(&d, "UpdateFlowLoggingBehavior",
	     "{'FlowLoggingBehavior':'Enabled'}", NULL, "NextAction", "ok");
	CHECK(&d, d.cd->flow_logging);
	d_close(&d);

	INIT(&d, false);
	d.cd->flow_logging = true;
	RUN1(&d, "UpdateFlowLoggingBehavior",
	     "{'FlowLoggingBehavior':'Disabled'}", NULL, "NextAction", "ok");
	CHECK(&d, !d.cd->flow_logging);
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "UpdateFlowLoggingBehavior",
	     "{'FlowLoggingBehavior':'Verbose'}", NULL,
	     "NoMatchingError", "err");
	CHECK(&d, !d.cd->flow_logging);
	d_close(&d);
}


static const char other_flow[] =
	"{'Version':'2019-10-30','StartAction':'O1','Actions':["
	"{'Identifier':'O1','Type':'UpdateContactAttributes','Parameters':"
	"{'Attributes':{'in':'other'}},'Transitions':{'NextAction':'O2'}},"
	"{'Identifier':'O2','Type':'EndFlowExecution','Transitions':{}}]}";

TEST(transfer_to_flow)
{
	struct flow *other = NULL;
	struct drun d;
	int err;

	/* no flow set: the run ends naming the flow */
	INIT(&d, false);
	CHECK(&d, !strmap_set(d.cd->attrs, "next", "Other"));
	CHECK(&d, d_run1(&d, "TransferToFlow",
			 "{'ContactFlowId':'$.Attributes.next'}", NULL) == 0);
	CHECK(&d, fake_has_line(d.trace, "A End"));
	CHECK(&d, d.ended && d.end_kind == FEND_TRANSFER_FLOW);
	CHECK_STR(&d, d.end_target, "Other");
	d_close(&d);

	INIT(&d, true);
	err = flowset_alloc(&d.fs, d.cfg);
	if (!err)
		err = load_flow(&other, "Other", other_flow);
	if (!err)
		err = flowset_add(d.fs, other);
	mem_deref(other);
	if (err)
		d_close(&d);
	ASSERT_INT_EQ(err, 0);
	d.env.flows = d.fs;
	CHECK(&d, d_run1(&d, "TransferToFlow", "{'ContactFlowId':'Other'}",
			 NULL) == 0);
	CHECK(&d, fake_has_line(d.trace, "A NextAction"));
	CHECK(&d, fake_has_line(d.trace, "O1 NextAction"));
	CHECK(&d, fake_has_line(d.trace, "O2 End"));
	CHECK_STR(&d, strmap_get(d.cd->attrs, "in"), "other");
	d_close(&d);

	INIT(&d, true);
	err = flowset_alloc(&d.fs, d.cfg);
	if (err)
		d_close(&d);
	ASSERT_INT_EQ(err, 0);
	d.env.flows = d.fs;
	RUN1(&d, "TransferToFlow", "{'ContactFlowId':'Missing'}", NULL,
	     "NoMatchingError", "err");
	d_close(&d);
}


/* -- routing.c -- */

TEST(target_queue_by_name_arn_agent)
{
	struct drun d;

	INIT(&d, true);
	RUN1(&d, "UpdateContactTargetQueue", "{'QueueId':'arn:aws:connect:"
	     "us-east-1:111122223333:instance/inst-1/queue/q-sales'}", NULL,
	     "NextAction", "ok");
	CHECK_STR(&d, d.cd->queue_name, "Sales");
	CHECK_STR(&d, d.cd->queue_arn, "arn:aws:connect:us-east-1:"
		  "111122223333:instance/inst-1/queue/q-sales");
	CHECK_STR(&d, d.cd->queue_caller_id, "+18005550199");
	CHECK(&d, d.cd->agent_target == NULL);
	d_close(&d);

	/* built ARN for a queue that declares none */
	INIT(&d, true);
	RUN1(&d, "UpdateContactTargetQueue", "{'QueueId':'support'}", NULL,
	     "NextAction", "ok");
	CHECK_STR(&d, d.cd->queue_name, "Support");
	CHECK_STR(&d, d.cd->queue_arn, "arn:aws:connect:us-east-1:"
		  "111122223333:instance/inst-1/queue/q-support");
	d_close(&d);

	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_caller_id, "+1999"));
	RUN1(&d, "UpdateContactTargetQueue", "{'AgentId':'ag-1'}", NULL,
	     "NextAction", "ok");
	CHECK_STR(&d, d.cd->queue_name, "agent:alice");
	CHECK_STR(&d, d.cd->agent_target, "alice");
	CHECK(&d, d.cd->queue_caller_id == NULL);
	d_close(&d);

	INIT(&d, true);
	RUN1(&d, "UpdateContactTargetQueue", "{'QueueId':'Nope'}", NULL,
	     "NoMatchingError", "err");
	CHECK(&d, d.cd->queue_name == NULL);
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "UpdateContactTargetQueue", "{'QueueId':'Sales'}", NULL,
	     "NoMatchingError", "err");
	d_close(&d);
}


#define TR_QUEUE "{'NextAction':'ok','Errors':[" \
	"{'ErrorType':'QueueAtCapacity','NextAction':'x1'}," \
	"{'ErrorType':'NoMatchingError','NextAction':'err'}]}"

TEST(transfer_to_queue)
{
	struct drun d;

	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	CHECK(&d, d_run1(&d, "TransferContactToQueue", "{}", TR_QUEUE) == 0);
	CHECK(&d, fake_has_line(d.trace, "A End"));
	CHECK(&d, fake_has_line(d.f.log, "enqueue Sales -"));
	CHECK(&d, d.ended && d.end_kind == FEND_QUEUE);
	CHECK_STR(&d, d.end_target, "Sales");
	d_close(&d);

	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "agent:alice"));
	CHECK(&d, !cdata_set_str(&d.cd->agent_target, "alice"));
	CHECK(&d, d_run1(&d, "TransferContactToQueue", "{}", TR_QUEUE) == 0);
	CHECK(&d, fake_has_line(d.f.log, "enqueue - alice"));
	CHECK(&d, d.ended && d.end_kind == FEND_QUEUE);
	d_close(&d);

	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	d.f.enqueue_err = EOVERFLOW;
	RUN1(&d, "TransferContactToQueue", "{}", TR_QUEUE,
	     "QueueAtCapacity", "x1");
	d_close(&d);

	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	d.f.enqueue_err = ENOENT;
	RUN1(&d, "TransferContactToQueue", "{}", TR_QUEUE,
	     "NoMatchingError", "err");
	d_close(&d);

	/* no working queue: routing is never asked */
	INIT(&d, true);
	RUN1(&d, "TransferContactToQueue", "{}", TR_QUEUE,
	     "NoMatchingError", "err");
	CHECK(&d, d.f.calls == 0);
	d_close(&d);
}


TEST(dequeue_to_queue)
{
	struct drun d;

	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	CHECK(&d, d_run1(&d, "DequeueContactAndTransferToQueue",
			 "{'QueueId':'q-support'}", TR_QUEUE) == 0);
	CHECK(&d, fake_has_line(d.f.log, "enqueue Support -"));
	CHECK(&d, d.ended && d.end_kind == FEND_QUEUE);
	CHECK_STR(&d, d.end_target, "Support");
	CHECK_STR(&d, d.cd->queue_name, "Support");
	d_close(&d);

	/* full: the contact stays where it was */
	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	d.f.enqueue_err = EOVERFLOW;
	RUN1(&d, "DequeueContactAndTransferToQueue", "{'AgentId':'alice'}",
	     TR_QUEUE, "QueueAtCapacity", "x1");
	CHECK(&d, fake_has_line(d.f.log, "enqueue - alice"));
	CHECK_STR(&d, d.cd->queue_name, "Sales");
	CHECK(&d, d.cd->agent_target == NULL);
	d_close(&d);

	INIT(&d, true);
	RUN1(&d, "DequeueContactAndTransferToQueue", "{}", TR_QUEUE,
	     "NoMatchingError", "err");
	d_close(&d);
}


TEST(transfer_to_agent)
{
	struct drun d;

	INIT(&d, false);
	CHECK(&d, !cdata_set_str(&d.cd->agent_target, "alice"));
	CHECK(&d, d_run1(&d, "TransferContactToAgent", "{}", TR_STD) == 0);
	CHECK(&d, fake_has_line(d.f.log, "transfer_agent"));
	CHECK(&d, d.ended && d.end_kind == FEND_TRANSFER_AGENT);
	CHECK_STR(&d, d.end_target, "alice");
	d_close(&d);

	INIT(&d, false);
	d.f.transfer_agent_err = EBUSY;
	RUN1(&d, "TransferContactToAgent", "{}", NULL,
	     "NoMatchingError", "err");
	d_close(&d);

	INIT(&d, false);
	d.f.ops.transfer_agent = NULL;
	RUN1(&d, "TransferContactToAgent", "{}", NULL,
	     "NoMatchingError", "err");
	d_close(&d);
}


static void metrics_set(struct drun *d)
{
	d->f.metrics.contacts_in_queue = 7;
	d->f.metrics.oldest_contact_age_ms = 300000;
	d->f.metrics.agents_online = 4;
	d->f.metrics.agents_available = 1;
	d->f.metrics.agents_staffed = 3;
	d->f.metrics.agents_acw = 1;
	d->f.metrics.agents_busy = 2;
	d->f.metrics.agents_missed = 0;
	d->f.metrics.agents_non_productive = 1;
}


TEST(check_metric_data)
{
	struct drun d;

	INIT(&d, true);
	metrics_set(&d);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	/* exports compare the age in milliseconds */
	RUN1(&d, "CheckMetricData",
	     "{'MetricType':'OldestContactInQueueAgeSeconds'}",
	     TR_COND("NumberGreaterOrEqualTo", "300000", "0"), "300000",
	     "x1");
	CHECK_STR(&d, d.first_result, "300000");
	CHECK(&d, fake_has_line(d.f.log, "metrics Sales -"));
	d_close(&d);

	INIT(&d, true);
	metrics_set(&d);
	RUN1(&d, "CheckMetricData", "{'MetricType':'NumberOfAgentsStaffed',"
	     "'QueueId':'Support'}", TR_COND("NumberGreaterThan", "5", "0"),
	     "0", "x2");
	CHECK_STR(&d, d.first_result, "3");
	CHECK(&d, fake_has_line(d.f.log, "metrics Support -"));
	d_close(&d);

	INIT(&d, true);
	metrics_set(&d);
	RUN1(&d, "CheckMetricData", "{'MetricType':'NumberOfContactsInQueue',"
	     "'AgentId':'alice'}", TR_COND("Equals", "7", "0"), "7", "x1");
	CHECK(&d, fake_has_line(d.f.log, "metrics - alice"));
	d_close(&d);

	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	RUN1(&d, "CheckMetricData", "{'MetricType':'Happiness'}",
	     TR_COND("Equals", "1", "0"), "NoMatchingError", "err");
	d_close(&d);

	/* no working queue; a failing port */
	INIT(&d, true);
	RUN1(&d, "CheckMetricData", "{'MetricType':'NumberOfAgentsOnline'}",
	     TR_COND("Equals", "1", "0"), "NoMatchingError", "err");
	d_close(&d);

	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	d.f.metrics_err = EIO;
	RUN1(&d, "CheckMetricData", "{'MetricType':'NumberOfAgentsOnline'}",
	     TR_COND("Equals", "1", "0"), "NoMatchingError", "err");
	d_close(&d);
}


TEST(get_metric_data)
{
	struct drun d;

	INIT(&d, true);
	metrics_set(&d);
	CHECK(&d, !strmap_set(d.cd->metrics, "Stale.Key", "1"));
	RUN1(&d, "GetMetricData", "{'QueueId':'Sales'}", NULL,
	     "NextAction", "ok");
	CHECK_STR(&d, strmap_get(d.cd->metrics, "Queue.Name"), "Sales");
	CHECK_STR(&d, strmap_get(d.cd->metrics, "Queue.ARN"),
		  "arn:aws:connect:us-east-1:111122223333:instance/inst-1/"
		  "queue/q-sales");
	CHECK_STR(&d, strmap_get(d.cd->metrics, "Queue.Size"), "7");
	CHECK_STR(&d, strmap_get(d.cd->metrics, "Queue.OldestContactAge"),
		  "300000");
	CHECK_STR(&d, strmap_get(d.cd->metrics, "Agents.Online.Count"), "4");
	CHECK_STR(&d, strmap_get(d.cd->metrics, "Agents.Available.Count"),
		  "1");
	CHECK_STR(&d, strmap_get(d.cd->metrics, "Agents.Staffed.Count"),
		  "3");
	CHECK_STR(&d, strmap_get(d.cd->metrics,
				 "Agents.AfterContactWork.Count"), "1");
	CHECK_STR(&d, strmap_get(d.cd->metrics, "Agents.Busy.Count"), "2");
	CHECK_STR(&d, strmap_get(d.cd->metrics, "Agents.Missed.Count"), "0");
	CHECK_STR(&d, strmap_get(d.cd->metrics,
				 "Agents.NonProductive.Count"), "1");
	CHECK(&d, strmap_get(d.cd->metrics, "Stale.Key") == NULL);
	d_close(&d);

	INIT(&d, true);
	d.f.ops.metrics = NULL;
	RUN1(&d, "GetMetricData", "{'QueueId':'Sales'}", NULL,
	     "NoMatchingError", "err");
	d_close(&d);
}


TEST(create_callback)
{
	struct drun d;

	/* no callback number yet */
	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	RUN1(&d, "CreateCallbackContact", "{}", NULL, "NoMatchingError",
	     "err");
	CHECK(&d, d.f.calls == 0);
	d_close(&d);

	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	CHECK(&d, !cdata_set_str(&d.cd->callback_number, "+18005550100"));
	RUN1(&d, "CreateCallbackContact", "{'InitialCallDelaySeconds':'60',"
	     "'MaximumConnectionAttempts':'2','RetryDelaySeconds':'120'}",
	     NULL, "NextAction", "ok");
	CHECK(&d, fake_has_line(d.f.log,
				"callback - - +18005550100 60 2 120"));
	CHECK(&d, d.cd->callback_requests == 1);
	d_close(&d);

	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->callback_number, "+18005550100"));
	RUN1(&d, "CreateCallbackContact", "{'QueueId':'Support'}", NULL,
	     "NextAction", "ok");
	CHECK(&d, fake_has_line(d.f.log,
				"callback Support - +18005550100 0 1 600"));
	d_close(&d);

	INIT(&d, true);
	CHECK(&d, !cdata_set_str(&d.cd->queue_name, "Sales"));
	CHECK(&d, !cdata_set_str(&d.cd->callback_number, "+18005550100"));
	d.f.callback_err = EIO;
	RUN1(&d, "CreateCallbackContact", "{}", NULL, "NoMatchingError",
	     "err");
	CHECK(&d, d.cd->callback_requests == 0);
	d_close(&d);
}


TEST(previous_participant_state)
{
	struct drun d;

	INIT(&d, false);
	RUN1(&d, "UpdatePreviousContactParticipantState",
	     "{'PreviousContactParticipantState':'CustomerOnHold'}", NULL,
	     "NextAction", "ok");
	CHECK(&d, fake_has_line(d.f.log, "hold CUSTOMER"));
	CHECK(&d, d.cd->hold == HOLD_CUSTOMER);
	d_close(&d);

	INIT(&d, false);
	d.cd->hold = HOLD_AGENT;
	RUN1(&d, "UpdatePreviousContactParticipantState",
	     "{'PreviousContactParticipantState':'OffHold'}", NULL,
	     "NextAction", "ok");
	CHECK(&d, d.cd->hold == HOLD_NONE);
	d_close(&d);

	INIT(&d, false);
	d.f.ops.hold = NULL;
	RUN1(&d, "UpdatePreviousContactParticipantState",
	     "{'PreviousContactParticipantState':'AgentOnHold'}", NULL,
	     "NoMatchingError", "err");
	CHECK(&d, d.cd->hold == HOLD_NONE);
	d_close(&d);

	INIT(&d, false);
	RUN1(&d, "UpdatePreviousContactParticipantState",
	     "{'PreviousContactParticipantState':'Sideways'}", NULL,
	     "NoMatchingError", "err");
	CHECK(&d, d.f.calls == 0);
	d_close(&d);
}


/* -- lambda.c through the port -- */

#define LAMBDA_ARN "arn:aws:lambda:us-east-1:111122223333:function:lookup"

TEST(invoke_lambda_success)
{
	struct drun d;

	INIT(&d, true);
	CHECK(&d, !strmap_set(d.cd->external, "old", "gone"));
	CHECK(&d, !strmap_set(d.cd->attrs, "acct", "A-17"));
	d.f.invoke_reply = "{\"balance\":12.5,\"vip\":true,\"name\":\"Ann\"}";
	RUN1(&d, "InvokeLambdaFunction", "{'LambdaFunctionARN':'"
	     LAMBDA_ARN "','InvocationTimeLimitSeconds':'3',"
	     "'LambdaInvocationAttributes':{'account':'$.Attributes.acct'}}",
	     NULL, "NextAction", "ok");
	CHECK(&d, fake_has_line(d.f.log,
				"invoke http://127.0.0.1:9/lookup 3000"));
	CHECK(&d, strstr(d.f.invoke_body, "\"Name\":\"ContactFlowEvent\""));
	CHECK(&d, strstr(d.f.invoke_body,
			 "\"Parameters\":{\"account\":\"A-17\"}"));
	CHECK_STR(&d, strmap_get(d.cd->external, "balance"), "12.5");
	CHECK_STR(&d, strmap_get(d.cd->external, "vip"), "true");
	CHECK_STR(&d, strmap_get(d.cd->external, "name"), "Ann");
	CHECK(&d, strmap_get(d.cd->external, "old") == NULL);
	d_close(&d);

	/* JSON mode keeps nested objects as a.b keys; default timeout 8 s */
	INIT(&d, true);
	d.f.invoke_reply = "{\"customer\":{\"tier\":\"gold\"}}";
	RUN1(&d, "InvokeLambdaFunction", "{'LambdaFunctionARN':'lookup',"
	     "'ResponseValidation':{'ResponseType':'JSON'}}", NULL,
	     "NextAction", "ok");
	CHECK(&d, fake_has_line(d.f.log,
				"invoke http://127.0.0.1:9/lookup 8000"));
	CHECK_STR(&d, strmap_get(d.cd->external, "customer.tier"), "gold");
	d_close(&d);
}


TEST(invoke_lambda_errors)
{
	struct drun d;

	/* nested object with STRING_MAP: refused, $.External kept */
	INIT(&d, true);
	CHECK(&d, !strmap_set(d.cd->external, "old", "kept"));
	d.f.invoke_reply = "{\"customer\":{\"tier\":\"gold\"}}";
	RUN1(&d, "InvokeLambdaFunction", "{'LambdaFunctionARN':'lookup'}",
	     NULL, "NoMatchingError", "err");
	CHECK_STR(&d, strmap_get(d.cd->external, "old"), "kept");
	d_close(&d);

	INIT(&d, true);
	d.f.invoke_status = 500;
	RUN1(&d, "InvokeLambdaFunction", "{'LambdaFunctionARN':'lookup'}",
	     NULL, "NoMatchingError", "err");
	d_close(&d);

	INIT(&d, true);
	d.f.invoke_err = ETIMEDOUT;
	RUN1(&d, "InvokeLambdaFunction", "{'LambdaFunctionARN':'lookup'}",
	     NULL, "NoMatchingError", "err");
	d_close(&d);

	INIT(&d, true);
	d.f.invoke_reply = "[1,2]";
	RUN1(&d, "InvokeLambdaFunction", "{'LambdaFunctionARN':'lookup'}",
	     NULL, "NoMatchingError", "err");
	d_close(&d);

	/* unknown function: the port is asked without a URL, and refuses */
	INIT(&d, true);
	RUN1(&d, "InvokeLambdaFunction", "{'LambdaFunctionARN':'nope'}",
	     NULL, "NoMatchingError", "err");
	CHECK(&d, d.f.calls == 1);
	CHECK(&d, d.f.invoke_url[0] == '\0');
	d_close(&d);

	/* the reply arrives later (deferred port) */
	INIT(&d, true);
	d.f.defer = true;
	CHECK(&d, d_run1(&d, "InvokeLambdaFunction",
			 "{'LambdaFunctionARN':'lookup'}", NULL) == 0);
	CHECK(&d, !d.ended && d.tracelen == 0);
	frun_invoke_reply(d.run, 0, 200, "{\"late\":\"yes\"}", 14);
	CHECK(&d, went(&d, "NextAction", "ok"));
	CHECK_STR(&d, strmap_get(d.cd->external, "late"), "yes");
	d_close(&d);
}
