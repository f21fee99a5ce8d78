/*
 * The interpreter's own rules (reference section 2): which transition is
 * taken, how runs end, the step budget, late and repeated completions,
 * TransferToFlow, and what frun_cancel() does.
 */
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/config.h>
#include "fake_ops.h"
#include "test.h"

/* A one-action flow whose action is followed by three small sinks that
 * mark which branch ran in the attribute "went". */
#define SINKS \
	"{'Identifier':'a','Type':'UpdateContactAttributes'," \
	" 'Parameters':{'Attributes':{'went':'a'}},'Transitions':{}}," \
	"{'Identifier':'b','Type':'UpdateContactAttributes'," \
	" 'Parameters':{'Attributes':{'went':'b'}},'Transitions':{}}," \
	"{'Identifier':'c','Type':'UpdateContactAttributes'," \
	" 'Parameters':{'Attributes':{'went':'c'}},'Transitions':{}}"

static char *json_of(const char *sq)
{
	static char buf[8192];
	size_t i;

	for (i = 0; sq[i] && i < sizeof(buf) - 1; i++)
		buf[i] = sq[i] == '\'' ? '"' : sq[i];
	buf[i] = '\0';
	return buf;
}

static const char *went(struct fake_run *fr)
{
	const char *v = strmap_get(fr->cd->attrs, "went");

	return v ? v : "-";
}

TEST(specific_error_entry_before_no_matching_error)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.keys = "T";		/* the caller presses nothing */
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json_of(
		"{'Version':'2019-10-30','StartAction':'in','Actions':["
		"{'Identifier':'in','Type':'GetParticipantInput',"
		" 'Parameters':{'Text':'Press','StoreInput':'False'},"
		" 'Transitions':{'NextAction':'a','Errors':["
		"  {'ErrorType':'NoMatchingError','NextAction':'b'},"
		"  {'ErrorType':'InputTimeLimitExceeded','NextAction':'c'}]}},"
		SINKS "]}")), 0);
	ASSERT_TRUE(fr.ended);
	ASSERT_STR_EQ(went(&fr), "c");
	fake_run_close(&fr);

	/* without the specific entry: NoMatchingError */
	fake_ops_init(&f);
	f.keys = "T";
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json_of(
		"{'Version':'2019-10-30','StartAction':'in','Actions':["
		"{'Identifier':'in','Type':'GetParticipantInput',"
		" 'Parameters':{'Text':'Press','StoreInput':'False'},"
		" 'Transitions':{'NextAction':'a','Errors':["
		"  {'ErrorType':'NoMatchingError','NextAction':'b'}]}},"
		SINKS "]}")), 0);
	ASSERT_STR_EQ(went(&fr), "b");
	fake_run_close(&fr);
}

TEST(first_holding_condition_wins)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json_of(
		"{'Version':'2019-10-30','StartAction':'cmp','Actions':["
		"{'Identifier':'cmp','Type':'Compare',"
		" 'Parameters':{'ComparisonValue':'42'},"
		" 'Transitions':{'NextAction':'a','Conditions':["
		"  {'NextAction':'b','Condition':{'Operator':"
		"   'NumberGreaterThan','Operands':['40']}},"
		"  {'NextAction':'c','Condition':{'Operator':'Equals',"
		"   'Operands':['42']}}],"
		" 'Errors':[{'ErrorType':'NoMatchingCondition',"
		"  'NextAction':'a'}]}},"
		SINKS "]}")), 0);
	ASSERT_STR_EQ(went(&fr), "b");
	ASSERT_STR_EQ(fr.end_reason, "");
	ASSERT_INT_EQ(fr.end_kind, FEND_END_FLOW);
	fake_run_close(&fr);
}

TEST(no_condition_holds)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json_of(
		"{'Version':'2019-10-30','StartAction':'cmp','Actions':["
		"{'Identifier':'cmp','Type':'Compare',"
		" 'Parameters':{'ComparisonValue':'x'},"
		" 'Transitions':{'NextAction':'a','Conditions':["
		"  {'NextAction':'b','Condition':{'Operator':'Equals',"
		"   'Operands':['y']}}],"
		" 'Errors':[{'ErrorType':'NoMatchingCondition',"
		"  'NextAction':'c'}]}},"
		SINKS "]}")), 0);
	ASSERT_STR_EQ(went(&fr), "c");
	fake_run_close(&fr);

	/* and with no NoMatchingCondition entry, the run ends in Error */
	fake_ops_init(&f);
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json_of(
		"{'Version':'2019-10-30','StartAction':'cmp','Actions':["
		"{'Identifier':'cmp','Type':'Compare',"
		" 'Parameters':{'ComparisonValue':'x'},"
		" 'Transitions':{'NextAction':'a','Conditions':["
		"  {'NextAction':'b','Condition':{'Operator':'Equals',"
		"   'Operands':['y']}}]}},"
		SINKS "]}")), 0);
	ASSERT_STR_EQ(went(&fr), "-");
	ASSERT_INT_EQ(fr.end_kind, FEND_ERROR);
	ASSERT_TRUE(strstr(fr.end_reason, "NoMatchingCondition") != NULL);
	fake_run_close(&fr);
}

TEST(result_without_conditions_takes_next_action)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json_of(
		"{'Version':'2019-10-30','StartAction':'cmp','Actions':["
		"{'Identifier':'cmp','Type':'Compare',"
		" 'Parameters':{'ComparisonValue':'x'},"
		" 'Transitions':{'NextAction':'a'}},"
		SINKS "]}")), 0);
	ASSERT_STR_EQ(went(&fr), "a");
	fake_run_close(&fr);
}

TEST(missing_next_action_ends_the_flow)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json_of(
		"{'Version':'2019-10-30','StartAction':'s','Actions':["
		"{'Identifier':'s','Type':'UpdateContactAttributes',"
		" 'Parameters':{'Attributes':{'k':'v'}},"
		" 'Transitions':{'Errors':[{'ErrorType':'NoMatchingError',"
		"  'NextAction':'a'}]}}," SINKS "]}")), 0);
	ASSERT_TRUE(fr.ended);
	ASSERT_INT_EQ(fr.end_kind, FEND_END_FLOW);
	ASSERT_STR_EQ(fr.end_reason, "no NextAction");
	ASSERT_STR_EQ(strmap_get(fr.cd->attrs, "k"), "v");
	fake_run_close(&fr);
}

static struct config *limit_config(unsigned limit)
{
	struct config *cfg = NULL;
	char text[64];

	re_snprintf(text, sizeof(text), "{\"limits\":{\"step_limit\":%u}}",
		    limit);
	return config_parse(&cfg, text, NULL, NULL, 0) ? NULL : cfg;
}

/* A loop with no media: the budget stops it; its error branch is taken
 * once, then the run ends in Error. */
TEST(step_limit_takes_error_branch_once_then_ends)
{
	struct config *cfg = limit_config(50);
	struct fake_ops f;
	struct fake_run fr;

	ASSERT_NOT_NULL(cfg);
	fake_ops_init(&f);
	f.cfg = cfg;
	ASSERT_INT_EQ(fake_run_load(&fr, &f, json_of(
		"{'Version':'2019-10-30','StartAction':'x','Actions':["
		"{'Identifier':'x','Type':'UpdateContactAttributes',"
		" 'Parameters':{'Attributes':{'n':'1'}},"
		" 'Transitions':{'NextAction':'y','Errors':["
		"  {'ErrorType':'NoMatchingError','NextAction':'e'}]}},"
		"{'Identifier':'y','Type':'UpdateFlowAttributes',"
		" 'Parameters':{'FlowAttributes':{'m':{'Value':'1'}}},"
		" 'Transitions':{'NextAction':'x'}},"
		"{'Identifier':'e','Type':'UpdateContactAttributes',"
		" 'Parameters':{'Attributes':{'went':'error-branch'}},"
		" 'Transitions':{'NextAction':'x'}}]}")), 0);
	ASSERT_INT_EQ(fake_run_go(&fr), 0);
	ASSERT_TRUE(fr.ended);
	ASSERT_INT_EQ(fr.end_kind, FEND_ERROR);
	ASSERT_STR_EQ(fr.end_reason, "step limit exceeded");
	ASSERT_STR_EQ(went(&fr), "error-branch");
	/* one budget, one error branch, one more budget */
	if (fr.steps > 2 * 50 + 2)
		test_fail(__FILE__, __LINE__, "%u steps", fr.steps);
	fake_run_close(&fr);
	mem_deref(cfg);
}

/* Prompts reset the budget: a menu loop that plays is not runaway. */
TEST(media_actions_reset_the_step_budget)
{
	struct config *cfg = limit_config(5);
	struct fake_ops f;
	struct fake_run fr;

	ASSERT_NOT_NULL(cfg);
	fake_ops_init(&f);
	f.cfg = cfg;
	ASSERT_INT_EQ(fake_run_load(&fr, &f, json_of(
		"{'Version':'2019-10-30','StartAction':'l','Actions':["
		"{'Identifier':'l','Type':'Loop','Parameters':{'LoopCount':'40'},"
		" 'Transitions':{'NextAction':'d','Conditions':["
		"  {'NextAction':'p','Condition':{'Operator':'Equals',"
		"   'Operands':['ContinueLooping']}},"
		"  {'NextAction':'d','Condition':{'Operator':'Equals',"
		"   'Operands':['DoneLooping']}}]}},"
		"{'Identifier':'p','Type':'MessageParticipant',"
		" 'Parameters':{'Text':'Hold on'},"
		" 'Transitions':{'NextAction':'l'}},"
		"{'Identifier':'d','Type':'DisconnectParticipant',"
		" 'Parameters':{},'Transitions':{}}]}")), 0);
	ASSERT_INT_EQ(fake_run_go(&fr), 0);
	ASSERT_INT_EQ(fr.end_kind, FEND_DISCONNECT);
	ASSERT_INT_EQ(fr.steps, 40 * 2 + 2);
	fake_run_close(&fr);
	mem_deref(cfg);
}

TEST(late_completion_continues_and_repeats_are_ignored)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.defer = true;
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json_of(
		"{'Version':'2019-10-30','StartAction':'p','Actions':["
		"{'Identifier':'p','Type':'MessageParticipant',"
		" 'Parameters':{'Text':'Hello $.CustomerEndpoint.Address'},"
		" 'Transitions':{'NextAction':'a','Errors':["
		"  {'ErrorType':'NoMatchingError','NextAction':'b'}]}},"
		SINKS "]}")), 0);
	ASSERT_FALSE(fr.ended);
	ASSERT_FALSE(frun_ended(fr.run));
	ASSERT_STR_EQ(frun_action(fr.run)->id, "p");

	frun_done(fr.run, 0);
	ASSERT_TRUE(fr.ended);
	ASSERT_STR_EQ(went(&fr), "a");

	/* a port that answers twice: nothing happens */
	frun_done(fr.run, EIO);
	frun_done_value(fr.run, "x");
	ASSERT_STR_EQ(went(&fr), "a");
	fake_run_close(&fr);
}

TEST(cancel_stops_the_port_without_an_end_call)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.defer = true;
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json_of(
		"{'Version':'2019-10-30','StartAction':'p','Actions':["
		"{'Identifier':'p','Type':'MessageParticipant',"
		" 'Parameters':{'Text':'Hello'},"
		" 'Transitions':{'NextAction':'a'}}," SINKS "]}")), 0);
	frun_cancel(fr.run);
	ASSERT_TRUE(frun_ended(fr.run));
	ASSERT_FALSE(fr.ended);		/* the owner asked: no callback */
	ASSERT_TRUE(fake_has_line(f.log, "stop"));
	frun_done(fr.run, 0);		/* too late: ignored */
	ASSERT_STR_EQ(went(&fr), "-");
	fake_run_close(&fr);
}

struct two_flows {
	int ended;
	enum fend_kind kind;
	char trace[512];
};

static void tf_end(struct frun *run, const struct fend *end, void *arg)
{
	struct two_flows *t = arg;

	(void)run;
	++t->ended;
	t->kind = end->kind;
}

static void tf_step(struct frun *run, const struct fstep *st, void *arg)
{
	struct two_flows *t = arg;
	size_t n = strlen(t->trace);

	(void)run;
	re_snprintf(t->trace + n, sizeof(t->trace) - n, "%s/%s ",
		    st->flow->name, st->act->id);
}

TEST(transfer_to_flow_continues_with_fresh_flow_attributes)
{
	struct flow *one = NULL, *two = NULL;
	struct findings *fi = NULL;
	struct flowset *fs = NULL;
	struct cdata *cd = NULL;
	struct frun *run = NULL;
	struct flow_load_opts o1 = {.name = "One"}, o2 = {.name = "Two"};
	struct two_flows t;
	struct fake_ops f;
	struct fenv env;
	char a[2048], b[2048];

	memset(&t, 0, sizeof(t));
	str_ncpy(a, json_of(
		"{'Version':'2019-10-30','StartAction':'s','Actions':["
		"{'Identifier':'s','Type':'UpdateFlowAttributes',"
		" 'Parameters':{'FlowAttributes':{'fa':{'Value':'one'}}},"
		" 'Transitions':{'NextAction':'t'}},"
		"{'Identifier':'t','Type':'TransferToFlow',"
		" 'Parameters':{'ContactFlowId':'Two'},"
		" 'Transitions':{}}]}"), sizeof(a));
	str_ncpy(b, json_of(
		"{'Version':'2019-10-30','StartAction':'u','Actions':["
		"{'Identifier':'u','Type':'UpdateContactAttributes',"
		" 'Parameters':{'Attributes':{'seen':'[$.FlowAttributes.fa]'}},"
		" 'Transitions':{'NextAction':'d'}},"
		"{'Identifier':'d','Type':'DisconnectParticipant',"
		" 'Parameters':{},'Transitions':{}}]}"), sizeof(b));

	fake_ops_init(&f);
	ASSERT_INT_EQ(findings_alloc(&fi), 0);
	ASSERT_INT_EQ(flow_load_buf(&one, fi, a, strlen(a), &o1), 0);
	ASSERT_INT_EQ(flow_load_buf(&two, fi, b, strlen(b), &o2), 0);
	ASSERT_INT_EQ(flowset_alloc(&fs, NULL), 0);
	ASSERT_INT_EQ(flowset_add(fs, two), 0);
	ASSERT_INT_EQ(cdata_alloc(&cd, "c-tf"), 0);

	memset(&env, 0, sizeof(env));
	env.ops = &f.ops;
	env.ops_arg = &f;
	env.flows = fs;
	ASSERT_INT_EQ(frun_alloc(&run, one, cd, &env, tf_end, &t), 0);
	frun_set_step_handler(run, tf_step, &t);
	ASSERT_INT_EQ(frun_start(run, NULL), 0);

	ASSERT_INT_EQ(t.ended, 1);
	ASSERT_INT_EQ(t.kind, FEND_DISCONNECT);
	ASSERT_STR_EQ(t.trace, "One/s One/t Two/u Two/d ");
	/* flow attributes belong to one flow run */
	ASSERT_STR_EQ(strmap_get(cd->attrs, "seen"), "[]");
	ASSERT_STR_EQ(frun_flow(run)->name, "Two");

	mem_deref(run);
	mem_deref(cd);
	mem_deref(fs);
	mem_deref(one);
	mem_deref(two);
	mem_deref(fi);
}
