/*
 * Flow modules: InvokeFlowModule runs a module of the flows with its
 * inputs ($.Modules.Input), the module has its own flow attributes and
 * shares the contact, EndFlowModuleExecution returns its branch and
 * outputs ($.Modules.Result, $.Modules.ResultData), modules nest, a
 * missing module or a non-module takes the error branch, and a module's
 * Error result takes the invoking action's condition.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/strmap.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include "fake_ops.h"
#include "test.h"

/* Flows are written with single quotes. */
static char *dq(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; p && *p; p++) {
		if (*p == '\'')
			*p = '"';
	}
	return d;
}

#define MODULE_SETTINGS \
	"'Settings':{'InputParameters':[],'OutputParameters':[]," \
	"'Transitions':[{'DisplayName':'Success','ReferenceName':'Success'}," \
	"{'DisplayName':'Error','ReferenceName':'Error'}]},"

#define ERR(next) "'Errors':[{'ErrorType':'NoMatchingError'," \
	"'NextAction':'" next "'}]"

/* greeter: greets $.Modules.Input.name, keeps x in its own flow
 * attributes, sets a contact attribute, calls inner, returns Success
 * with code 42 */
static const char greeter[] =
	"{'Version':'2019-10-30','StartAction':'g1'," MODULE_SETTINGS
	"'Actions':["
	"{'Identifier':'g1','Type':'UpdateFlowAttributes','Parameters':"
	"{'FlowAttributes':{'x':{'Value':'inner'}}},'Transitions':"
	"{'NextAction':'g2'," ERR("g9") "}},"
	"{'Identifier':'g2','Type':'MessageParticipant','Parameters':"
	"{'Text':'Hello $.Modules.Input.name, x=$.FlowAttributes.x'},"
	"'Transitions':{'NextAction':'g3'," ERR("g9") "}},"
	"{'Identifier':'g3','Type':'UpdateContactAttributes','Parameters':"
	"{'Attributes':{'greeted':'yes'}},'Transitions':"
	"{'NextAction':'g4'," ERR("g9") "}},"
	"{'Identifier':'g4','Type':'InvokeFlowModule','Parameters':"
	"{'FlowModuleId':'inner'},'Transitions':"
	"{'NextAction':'g5'," ERR("g9") "}},"
	"{'Identifier':'g5','Type':'EndFlowModuleExecution','Parameters':"
	"{'Result':'Success','ResultData':{'code':'42',"
	"'inner':'$.Modules.ResultData.depth'}},'Transitions':{}},"
	"{'Identifier':'g9','Type':'EndFlowModuleExecution','Parameters':"
	"{'Result':'Error'},'Transitions':{}}]}";

static const char inner[] =
	"{'Version':'2019-10-30','StartAction':'i1'," MODULE_SETTINGS
	"'Actions':["
	"{'Identifier':'i1','Type':'MessageParticipant','Parameters':"
	"{'Text':'inner input [$.Modules.Input.name]'},'Transitions':"
	"{'NextAction':'i2'," ERR("i2") "}},"
	"{'Identifier':'i2','Type':'EndFlowModuleExecution','Parameters':"
	"{'Result':'Success','ResultData':{'depth':'2'}},'Transitions':{}}]}";

/* a transfer without a working queue fails: the module returns Error */
static const char xfer[] =
	"{'Version':'2019-10-30','StartAction':'t1'," MODULE_SETTINGS
	"'Actions':["
	"{'Identifier':'t1','Type':'TransferContactToQueue','Parameters':{},"
	"'Transitions':{'NextAction':'t2','Errors':["
	"{'ErrorType':'QueueAtCapacity','NextAction':'t2'},"
	"{'ErrorType':'NoMatchingError','NextAction':'t2'}]}},"
	"{'Identifier':'t2','Type':'EndFlowModuleExecution','Parameters':"
	"{'Result':'Error'},'Transitions':{}}]}";

#define MAIN(module, inputs) \
	"{'Version':'2019-10-30','StartAction':'m1','Actions':[" \
	"{'Identifier':'m1','Type':'UpdateFlowAttributes','Parameters':" \
	"{'FlowAttributes':{'x':{'Value':'outer'}}},'Transitions':" \
	"{'NextAction':'m2'," ERR("bye") "}}," \
	"{'Identifier':'m2','Type':'InvokeFlowModule','Parameters':" \
	"{'FlowModuleId':'" module "'" inputs "},'Transitions':" \
	"{'NextAction':'m3','Conditions':[{'NextAction':'failed'," \
	"'Condition':{'Operator':'Equals','Operands':['Error']}}]," \
	ERR("failed") "}}," \
	"{'Identifier':'m3','Type':'MessageParticipant','Parameters':" \
	"{'Text':'$.Modules.Result $.Modules.ResultData.code " \
	"$.Modules.ResultData.inner x=$.FlowAttributes.x " \
	"$.Attributes.greeted'},'Transitions':" \
	"{'NextAction':'bye'," ERR("bye") "}}," \
	"{'Identifier':'failed','Type':'MessageParticipant','Parameters':" \
	"{'Text':'module failed'},'Transitions':" \
	"{'NextAction':'bye'," ERR("bye") "}}," \
	"{'Identifier':'bye','Type':'DisconnectParticipant','Parameters':{}," \
	"'Transitions':{}}]}"


struct mfix {
	struct fake_ops f;
	struct fake_run fr;
	struct flowset *fs;
};


static int add_flow(struct flowset *fs, const char *name, const char *text)
{
	struct flow_load_opts o = {.name = name};
	struct findings *fnd = NULL;
	struct flow *fl = NULL;
	char *json = dq(text);
	int err;

	err = findings_alloc(&fnd);
	if (!err)
		err = flow_load_buf(&fl, fnd, json, strlen(json), &o);
	if (fl && !err)
		err = flowset_add(fs, fl);
	if (fnd && fnd->nerrors)
		findings_print(fnd, name, stderr);
	mem_deref(fl);
	mem_deref(fnd);
	free(json);
	return err;
}


static int mfix_run(struct mfix *m, const char *main_flow)
{
	char *json = dq(main_flow);
	int err;

	memset(m, 0, sizeof(*m));
	fake_ops_init(&m->f);
	err = flowset_alloc(&m->fs, NULL);
	if (!err)
		err = add_flow(m->fs, "greeter", greeter);
	if (!err)
		err = add_flow(m->fs, "inner", inner);
	if (!err)
		err = add_flow(m->fs, "xfer", xfer);
	m->f.flows = m->fs;
	if (!err)
		err = fake_run_start(&m->fr, &m->f, json);
	free(json);
	return err;
}


static void mfix_close(struct mfix *m)
{
	fake_run_close(&m->fr);
	m->fs = mem_deref(m->fs);
}


TEST(loaded_as_modules)
{
	struct mfix m;
	struct flow *g;

	ASSERT_INT_EQ(mfix_run(&m, MAIN("greeter", "")), 0);
	g = flowset_find(m.fs, "greeter");
	ASSERT_NOT_NULL(g);
	ASSERT_INT_EQ(g->type, FLOW_MODULE);
	mfix_close(&m);
}


TEST(module_runs_with_inputs_and_returns_outputs)
{
	struct mfix m;

	/* the input is the attribute's value when invoked */
	memset(&m, 0, sizeof(m));
	fake_ops_init(&m.f);
	ASSERT_INT_EQ(flowset_alloc(&m.fs, NULL), 0);
	ASSERT_INT_EQ(add_flow(m.fs, "greeter", greeter), 0);
	ASSERT_INT_EQ(add_flow(m.fs, "inner", inner), 0);
	m.f.flows = m.fs;
	{
		char *json = dq(MAIN("greeter",
				     ",'Input':{'name':'$.Attributes.who'}"));

		ASSERT_INT_EQ(fake_run_load(&m.fr, &m.f, json), 0);
		free(json);
	}
	ASSERT_INT_EQ(cdata_attr_set(m.fr.cd, "who", "Ada"), 0);
	ASSERT_INT_EQ(fake_run_go(&m.fr), 0);

	ASSERT_TRUE(fake_has_line(m.f.log, "play TEXT Hello Ada, x=inner"));
	/* a nested module gets no input of the outer module */
	ASSERT_TRUE(fake_has_line(m.f.log, "play TEXT inner input []"));
	/* back in the main flow: its own x, the module's outputs and
	 * branch, the contact attribute the module set */
	ASSERT_TRUE(fake_has_line(m.f.log,
				  "play TEXT Success 42 2 x=outer yes"));
	ASSERT_TRUE(fake_has_line(m.fr.trace, "m3 NextAction"));
	ASSERT_INT_EQ(m.fr.end_kind, FEND_DISCONNECT);
	ASSERT_INT_EQ(frun_depth(m.fr.run), 0);
	mfix_close(&m);
}


TEST(missing_or_not_a_module_takes_the_error_branch)
{
	struct mfix m;
	char *bad;

	ASSERT_INT_EQ(mfix_run(&m, MAIN("nope", "")), 0);
	ASSERT_TRUE(fake_has_line(m.fr.trace, "m2 NoMatchingError"));
	ASSERT_TRUE(fake_has_line(m.f.log, "play TEXT module failed"));
	mfix_close(&m);

	/* a contact flow is no module */
	memset(&m, 0, sizeof(m));
	fake_ops_init(&m.f);
	ASSERT_INT_EQ(flowset_alloc(&m.fs, NULL), 0);
	ASSERT_INT_EQ(add_flow(m.fs, "plain", MAIN("greeter", "")), 0);
	m.f.flows = m.fs;
	bad = dq(MAIN("plain", ""));
	ASSERT_INT_EQ(fake_run_start(&m.fr, &m.f, bad), 0);
	free(bad);
	ASSERT_TRUE(fake_has_line(m.fr.trace, "m2 NoMatchingError"));
	mfix_close(&m);

	/* no flows at all (a lone flow): the error branch too */
	memset(&m, 0, sizeof(m));
	fake_ops_init(&m.f);
	bad = dq(MAIN("greeter", ""));
	ASSERT_INT_EQ(fake_run_start(&m.fr, &m.f, bad), 0);
	free(bad);
	ASSERT_TRUE(fake_has_line(m.fr.trace, "m2 NoMatchingError"));
	fake_run_close(&m.fr);
}


TEST(error_result_takes_the_invoke_condition)
{
	struct mfix m;

	ASSERT_INT_EQ(mfix_run(&m, MAIN("xfer", "")), 0);
	ASSERT_TRUE(fake_has_line(m.fr.trace, "t1 NoMatchingError"));
	ASSERT_NULL(strstr(m.f.log, "enqueue"));
	ASSERT_TRUE(fake_has_line(m.fr.trace, "t2 Return"));
	ASSERT_TRUE(fake_has_line(m.fr.trace, "  result: Error"));
	ASSERT_TRUE(fake_has_line(m.f.log, "play TEXT module failed"));
	mfix_close(&m);
}
