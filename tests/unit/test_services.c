/*
 * The actions that act through the new ports: ShowView (the view on the
 * contact, the agent's action as the branch, $.Views.*, timeout, no
 * workspace), Set routing criteria (parsed, handed to the port, kept for
 * the next enqueue; bad criteria or no port: the error branch) and the
 * four customer-profile actions ($.Customer.*, Connect's errors, values
 * evaluated, no port: the error branch).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/rcriteria.h>
#include <callflowd/core/strmap.h>
#include <callflowd/flow/cdata.h>
#include "fake_ops.h"
#include "test.h"

static char *dq(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; p && *p; p++) {
		if (*p == '\'')
			*p = '"';
	}
	return d;
}

/* One action "a" then "say" (speaks text) then "bye". */
static int run1(struct fake_run *fr, struct fake_ops *f, const char *type,
		const char *params, const char *trans, const char *say)
{
	char *tmpl = dq(
		"{'Version':'2019-10-30','StartAction':'a','Actions':["
		"{'Identifier':'a','Type':'%s','Parameters':%s,"
		"'Transitions':%s},"
		"{'Identifier':'say','Type':'MessageParticipant','Parameters':"
		"{'Text':'%s'},'Transitions':{'NextAction':'bye'}},"
		"{'Identifier':'err','Type':'MessageParticipant','Parameters':"
		"{'Text':'error'},'Transitions':{'NextAction':'bye'}},"
		"{'Identifier':'bye','Type':'DisconnectParticipant',"
		"'Parameters':{},'Transitions':{}}]}");
	char *t = dq(trans), *p = dq(params), *json = NULL;
	int err;

	err = re_sdprintf(&json, tmpl, type, p, t, say);
	if (!err)
		err = fake_run_load(fr, f, json);
	if (!err) {
		str_ncpy(fr->cd->customer_addr, "+12065550100",
			 sizeof(fr->cd->customer_addr));
		err = cdata_attr_set(fr->cd, "tier", "gold");
		if (!err)
			err = cdata_attr_set(fr->cd, "lang", "French");
	}
	if (!err)
		err = fake_run_go(fr);
	free(tmpl);
	free(t);
	free(p);
	mem_deref(json);
	return err;
}

#define TR_ERRS(...) "{'NextAction':'say','Errors':[" __VA_ARGS__ "]}"
#define E(type) "{'ErrorType':'" type "','NextAction':'err'}"

#define VIEW_PARAMS \
	"{'ViewResource':{'Id':'arn:aws:connect:us-east-1:1:instance/i/" \
	"view/detail','Version':'$LATEST'},'InvocationTimeLimitSeconds':" \
	"'120','ViewData':{'Heading':'Caller $.CustomerEndpoint.Address'," \
	"'Attributes':[{'Label':'Tier','Value':'$.Attributes.tier'}]}}"

#define VIEW_TRANS \
	"{'NextAction':'say','Conditions':[{'NextAction':'say'," \
	"'Condition':{'Operator':'Equals','Operands':['Confirm']}}]," \
	"'Errors':[" E("NoMatchingCondition") "," E("TimeLimitExceeded") \
	"," E("NoMatchingError") "]}"


TEST(show_view_waits_for_the_agent)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.view_action = "Confirm";
	f.view_result = "{\"amount\":\"42\",\"note\":{\"text\":\"ok\"}}";
	ASSERT_INT_EQ(run1(&fr, &f, "ShowView", VIEW_PARAMS, VIEW_TRANS,
			   "$.Views.Action $.Views.ViewResultData.amount "
			   "$.Views.ViewResultData.note.text"), 0);
	ASSERT_TRUE(fake_has_line(f.log, "show_view arn:aws:connect:"
				  "us-east-1:1:instance/i/view/detail 120000"));
	ASSERT_TRUE(fake_has_line(fr.trace, "a Confirm"));
	ASSERT_TRUE(fake_has_line(f.log, "play TEXT Confirm 42 ok"));
	/* the view and its data, references resolved, went to the
	 * workspace; answered, it is no longer on the contact */
	ASSERT_TRUE(fake_has_line(f.log, "view {\"ViewResource\":{\"Id\":"
		"\"arn:aws:connect:us-east-1:1:instance/i/view/detail\","
		"\"Version\":\"$LATEST\"},\"ViewData\":{\"Heading\":"
		"\"Caller +12065550100\",\"Attributes\":[{\"Label\":"
		"\"Tier\",\"Value\":\"gold\"}]},"
		"\"InvocationTimeLimitSeconds\":120,\"Sensitive\":false}"));
	ASSERT_NULL(fr.cd->view);
	fake_run_close(&fr);

	/* an action no condition names */
	fake_ops_init(&f);
	f.view_action = "Back";
	ASSERT_INT_EQ(run1(&fr, &f, "ShowView", VIEW_PARAMS, VIEW_TRANS, "x"),
		      0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingCondition"));
	fake_run_close(&fr);

	/* no answer in time */
	fake_ops_init(&f);
	f.view_timeout = true;
	ASSERT_INT_EQ(run1(&fr, &f, "ShowView", VIEW_PARAMS, VIEW_TRANS, "x"),
		      0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a TimeLimitExceeded"));
	fake_run_close(&fr);

	/* no workspace attached, or no port at all */
	fake_ops_init(&f);
	f.view_err = ENODEV;
	ASSERT_INT_EQ(run1(&fr, &f, "ShowView", VIEW_PARAMS, VIEW_TRANS, "x"),
		      0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);

	fake_ops_init(&f);
	f.ops.show_view = NULL;
	ASSERT_INT_EQ(run1(&fr, &f, "ShowView", VIEW_PARAMS, VIEW_TRANS, "x"),
		      0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);
}


#define CRIT_PARAMS \
	"{'RoutingCriteria':{'Steps':[{'Expression':{'AttributeCondition':" \
	"{'Name':'Language','Value':'$.Attributes.lang'," \
	"'ProficiencyLevel':'3','ComparisonOperator':" \
	"'NumberGreaterOrEqualTo'}},'Expiry':{'DurationInSeconds':30}}," \
	"{'Expression':{'AttributeCondition':{'Name':'Language'," \
	"'Value':'English','ProficiencyLevel':1,'ComparisonOperator':" \
	"'NumberGreaterOrEqualTo'}}}]}}"


TEST(set_routing_criteria)
{
	struct fake_ops f;
	struct fake_run fr;
	char *json = NULL;

	fake_ops_init(&f);
	ASSERT_INT_EQ(run1(&fr, &f, "UpdateRoutingCriteria", CRIT_PARAMS,
			   TR_ERRS(E("NoMatchingError")), "ok"), 0);
	ASSERT_TRUE(fake_has_line(f.log, "routing_criteria 2"));
	ASSERT_TRUE(fake_has_line(fr.trace, "a NextAction"));
	ASSERT_NOT_NULL(fr.cd->routing_criteria);
	ASSERT_INT_EQ(fr.cd->routing_criteria->stepc, 2);
	ASSERT_INT_EQ(fr.cd->routing_criteria->steps[0].expiry_ms, 30000);
	fake_run_close(&fr);

	/* references are evaluated: the attribute's value is the value */
	{
		char *tmpl = dq(
			"{'Version':'2019-10-30','StartAction':'set','Actions':["
			"{'Identifier':'set','Type':'UpdateContactAttributes',"
			"'Parameters':{'Attributes':{'lang':'French'}},"
			"'Transitions':{'NextAction':'a'}},"
			"{'Identifier':'a','Type':'UpdateContactRoutingCriteria',"
			"'Parameters':%s,'Transitions':{'NextAction':'bye',"
			"'Errors':[{'ErrorType':'NoMatchingError',"
			"'NextAction':'bye'}]}},"
			"{'Identifier':'bye','Type':'DisconnectParticipant',"
			"'Parameters':{},'Transitions':{}}]}");
		char *params = dq(CRIT_PARAMS);

		ASSERT_INT_EQ(re_sdprintf(&json, tmpl, params), 0);
		free(tmpl);
		free(params);
	}
	fake_ops_init(&f);
	ASSERT_INT_EQ(fake_run_start(&fr, &f, json), 0);
	ASSERT_NOT_NULL(fr.cd->routing_criteria);
	ASSERT_STR_EQ(fr.cd->routing_criteria->steps[0].expr.value,
		      "French");
	fake_run_close(&fr);
	mem_deref(json);

	/* OR inside AND is no criteria Connect accepts */
	fake_ops_init(&f);
	ASSERT_INT_EQ(run1(&fr, &f, "UpdateRoutingCriteria",
		"{'RoutingCriteria':{'Steps':[{'Expression':{'AndExpression':"
		"[{'OrExpression':[]}]}}]}}",
		TR_ERRS(E("NoMatchingError")), "ok"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_NULL(fr.cd->routing_criteria);
	ASSERT_NULL(strstr(f.log, "routing_criteria"));
	fake_run_close(&fr);

	/* no port: the error branch, nothing kept */
	fake_ops_init(&f);
	f.ops.routing_criteria = NULL;
	ASSERT_INT_EQ(run1(&fr, &f, "UpdateRoutingCriteria", CRIT_PARAMS,
			   TR_ERRS(E("NoMatchingError")), "ok"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_NULL(fr.cd->routing_criteria);
	fake_run_close(&fr);
}


#define PROFILE_TRANS \
	TR_ERRS(E("NoneFoundError") "," E("MultipleFoundError") "," \
		E("NoMatchingError"))


TEST(customer_profiles)
{
	struct strmap *prof = NULL;
	struct fake_ops f;
	struct fake_run fr;

	ASSERT_INT_EQ(strmap_alloc(&prof), 0);
	ASSERT_INT_EQ(strmap_set(prof, "ProfileId", "p-1"), 0);
	ASSERT_INT_EQ(strmap_set(prof, "ProfileARN", "arn:p-1"), 0);
	ASSERT_INT_EQ(strmap_set(prof, "FirstName", "Ada"), 0);
	ASSERT_INT_EQ(strmap_set(prof, "LastName", "Lovelace"), 0);
	ASSERT_INT_EQ(strmap_set(prof, "Attributes.tier", "gold"), 0);

	/* Get by the caller's number; the fields asked for are kept */
	fake_ops_init(&f);
	f.profile = prof;
	ASSERT_INT_EQ(run1(&fr, &f, "GetCustomerProfile",
		"{'ProfileRequestData':{'IdentifierName':'_phone',"
		"'IdentifierValue':'$.CustomerEndpoint.Address'},"
		"'ProfileResponseData':['FirstName','Attributes.tier']}",
		PROFILE_TRANS,
		"$.Customer.FirstName $.Customer.Attributes.tier "
		"$.Customer.ProfileId [$.Customer.LastName]"), 0);
	ASSERT_TRUE(fake_has_line(f.log,
				  "profile_get all _phone=+12065550100"));
	ASSERT_TRUE(fake_has_line(f.log, "play TEXT Ada gold p-1 []"));
	fake_run_close(&fr);

	/* OR search; Connect's two "not one" errors */
	fake_ops_init(&f);
	f.profile_status = FPROFILE_MULTIPLE;
	ASSERT_INT_EQ(run1(&fr, &f, "GetCustomerProfile",
		"{'ProfileRequestData':{'SearchCriteria':["
		"{'IdentifierName':'_email','IdentifierValue':'a@b.c'},"
		"{'IdentifierName':'_account','IdentifierValue':'77'}],"
		"'LogicalOperator':'OR'},'ProfileResponseData':[]}",
		PROFILE_TRANS, "x"), 0);
	ASSERT_TRUE(fake_has_line(f.log,
				  "profile_get any _email=a@b.c,_account=77"));
	ASSERT_TRUE(fake_has_line(fr.trace, "a MultipleFoundError"));
	fake_run_close(&fr);

	fake_ops_init(&f);
	f.profile_status = FPROFILE_NONE;
	ASSERT_INT_EQ(run1(&fr, &f, "GetCustomerProfile",
		"{'ProfileRequestData':{'IdentifierName':'_account',"
		"'IdentifierValue':'77'},'ProfileResponseData':[]}",
		PROFILE_TRANS, "x"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoneFoundError"));
	fake_run_close(&fr);

	/* an empty identifier value searches nothing */
	fake_ops_init(&f);
	ASSERT_INT_EQ(run1(&fr, &f, "GetCustomerProfile",
		"{'ProfileRequestData':{'IdentifierName':'_account',"
		"'IdentifierValue':'$.Attributes.none'}}",
		PROFILE_TRANS, "x"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_NULL(strstr(f.log, "profile_get"));
	fake_run_close(&fr);

	/* Create with nested attributes */
	fake_ops_init(&f);
	f.profile = prof;
	ASSERT_INT_EQ(run1(&fr, &f, "CreateCustomerProfile",
		"{'ProfileRequestData':{'FirstName':'Ada','Attributes':"
		"{'tier':'gold'}},'ProfileResponseData':['FirstName']}",
		PROFILE_TRANS, "$.Customer.ProfileId"), 0);
	ASSERT_TRUE(fake_has_line(f.log, "profile_create FirstName=Ada,"
				  "Attributes.tier=gold"));
	ASSERT_TRUE(fake_has_line(f.log, "play TEXT p-1"));
	fake_run_close(&fr);

	/* Update the profile found before; Associate the contact */
	fake_ops_init(&f);
	f.profile = prof;
	ASSERT_INT_EQ(run1(&fr, &f, "UpdateCustomerProfile",
		"{'ProfileRequestData':{'ProfileId':'p-9','LastName':'L'},"
		"'ProfileResponseData':['LastName']}",
		PROFILE_TRANS, "$.Customer.LastName"), 0);
	ASSERT_TRUE(fake_has_line(f.log, "profile_update p-9 LastName=L"));
	ASSERT_TRUE(fake_has_line(f.log, "play TEXT Lovelace"));
	fake_run_close(&fr);

	fake_ops_init(&f);
	f.profile = prof;
	ASSERT_INT_EQ(run1(&fr, &f, "AssociateContactToCustomerProfile",
		"{'ProfileRequestData':{'ProfileId':'p-1'}}",
		PROFILE_TRANS, "ok"), 0);
	ASSERT_TRUE(fake_has_line(f.log, "profile_associate p-1 c-1"));
	ASSERT_TRUE(fake_has_line(fr.trace, "a NextAction"));
	fake_run_close(&fr);

	/* Update with no profile to update, or no port: error branch */
	fake_ops_init(&f);
	ASSERT_INT_EQ(run1(&fr, &f, "UpdateCustomerProfile",
		"{'ProfileRequestData':{'LastName':'L'}}",
		PROFILE_TRANS, "x"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);

	fake_ops_init(&f);
	f.ops.profile_get = NULL;
	ASSERT_INT_EQ(run1(&fr, &f, "GetCustomerProfile",
		"{'ProfileRequestData':{'IdentifierName':'_account',"
		"'IdentifierValue':'77'}}", PROFILE_TRANS, "x"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);

	/* a store that answers later (a database on the loop) */
	fake_ops_init(&f);
	f.defer = true;
	ASSERT_INT_EQ(run1(&fr, &f, "GetCustomerProfile",
		"{'ProfileRequestData':{'IdentifierName':'_account',"
		"'IdentifierValue':'77'},'ProfileResponseData':['FirstName']}",
		PROFILE_TRANS, "$.Customer.FirstName"), 0);
	ASSERT_FALSE(fr.ended);
	f.defer = false;
	frun_profile_done(fr.run, FPROFILE_OK, prof);
	ASSERT_TRUE(fake_has_line(f.log, "play TEXT Ada"));
	ASSERT_TRUE(fr.ended);
	fake_run_close(&fr);

	mem_deref(prof);
}
