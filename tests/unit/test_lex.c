/**
 * @file test_lex.c  ConnectParticipantWithLexBot in the flow engine: what
 * the lex port is asked (bot, prompt, evaluated session attributes,
 * locale), and how its answer fills $.Lex and picks the branch.
 */
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/strmap.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/interp.h>
#include "test.h"

struct port {
	char bot[128];
	char prompt[128];
	char locale[16];
	char contact_attr[64];
	int calls;
	struct flex_result res;		/* the answer, given at once */
};

static int op_lex(struct frun *run, const struct flex *req, void *arg)
{
	struct port *p = arg;
	const char *v = strmap_get(req->session, "ContactId");

	++p->calls;
	str_ncpy(p->bot, req->bot, sizeof(p->bot));
	str_ncpy(p->prompt, req->prompt.text ? req->prompt.text : "",
		 sizeof(p->prompt));
	str_ncpy(p->locale, req->locale, sizeof(p->locale));
	str_ncpy(p->contact_attr, v ? v : "", sizeof(p->contact_attr));
	frun_lex_done(run, &p->res);
	return 0;
}

static const struct flow_ops lex_ops = {.lex = op_lex};
static const struct flow_ops no_ops = {.play = NULL};

#define FLOW(bot) \
	"{\"Version\":\"2019-10-30\",\"StartAction\":\"lex\",\"Actions\":[" \
	"{\"Identifier\":\"lex\",\"Type\":\"ConnectParticipantWithLexBot\"," \
	" \"Parameters\":{\"Text\":\"How can I help?\",\"LexV2Bot\":" \
	"  {\"AliasArn\":\"" bot "\"},\"LexSessionAttributes\":" \
	"  {\"ContactId\":\"$.ContactId\"," \
	"   \"x-amz-lex:audio:start-timeout-ms:*:*\":\"9000\"}}," \
	" \"Transitions\":{\"NextAction\":\"x\",\"Conditions\":[" \
	"  {\"NextAction\":\"bal\",\"Condition\":{\"Operator\":\"Equals\"," \
	"   \"Operands\":[\"CheckBalance\"]}}]," \
	"  \"Errors\":[{\"ErrorType\":\"NoMatchingCondition\"," \
	"   \"NextAction\":\"nm\"},{\"ErrorType\":" \
	"   \"InputTimeLimitExceeded\",\"NextAction\":\"ni\"}," \
	"  {\"ErrorType\":\"NoMatchingError\",\"NextAction\":\"err\"}]}}," \
	SINK("bal") "," SINK("nm") "," SINK("ni") "," SINK("err") "," \
	SINK("x") "]}"
#define SINK(id) \
	"{\"Identifier\":\"" id "\",\"Type\":\"UpdateContactAttributes\"," \
	" \"Parameters\":{\"Attributes\":{\"went\":\"" id "\"," \
	"  \"acct\":\"$.Lex.Slots.AccountNumber\"}},\"Transitions\":{}}"

struct fixture {
	struct flow *flow;
	struct cdata *cd;
	struct frun *run;
};

static int run_flow(struct fixture *fx, const char *json,
		    const struct flow_ops *ops, void *arg)
{
	struct fenv env;
	int err;

	memset(fx, 0, sizeof(*fx));
	memset(&env, 0, sizeof(env));
	env.ops = ops;
	env.ops_arg = arg;
	err = flow_load_buf(&fx->flow, NULL, json, strlen(json), NULL);
	if (!err)
		err = cdata_alloc(&fx->cd, "c-1");
	if (!err)
		err = frun_alloc(&fx->run, fx->flow, fx->cd, &env, NULL, NULL);
	if (!err)
		err = frun_start(fx->run, NULL);
	return err;
}

static void fixture_close(struct fixture *fx)
{
	mem_deref(fx->run);
	mem_deref(fx->cd);
	mem_deref(fx->flow);
}

static const char *went(const struct fixture *fx)
{
	const char *v = strmap_get(fx->cd->attrs, "went");

	return v ? v : "-";
}

TEST(intent_fills_lex_and_branches)
{
	struct port p;
	struct fixture fx;
	struct strmap *slots = NULL, *sess = NULL;

	memset(&p, 0, sizeof(p));
	ASSERT_INT_EQ(strmap_alloc(&slots), 0);
	ASSERT_INT_EQ(strmap_alloc(&sess), 0);
	ASSERT_INT_EQ(strmap_set(slots, "AccountNumber", "4271"), 0);
	ASSERT_INT_EQ(strmap_set(sess, "tier", "gold"), 0);
	p.res.status = FLEX_DONE;
	p.res.intent = "CheckBalance";
	p.res.confidence = 0.87;
	p.res.transcript = "my account number is four two seven one";
	p.res.slots = slots;
	p.res.session = sess;
	p.res.alt_intent = "Sales";
	p.res.alt_confidence = 0.2;

	ASSERT_INT_EQ(run_flow(&fx, FLOW("arn:aws:lex:us-east-1:1:bot-alias/"
					 "B/A"), &lex_ops, &p), 0);
	ASSERT_INT_EQ(p.calls, 1);
	ASSERT_STR_EQ(p.bot, "arn:aws:lex:us-east-1:1:bot-alias/B/A");
	ASSERT_STR_EQ(p.prompt, "How can I help?");
	ASSERT_STR_EQ(p.locale, "en_US");
	ASSERT_STR_EQ(p.contact_attr, "c-1");

	ASSERT_STR_EQ(went(&fx), "bal");
	ASSERT_STR_EQ(strmap_get(fx.cd->attrs, "acct"), "4271");
	ASSERT_STR_EQ(strmap_get(fx.cd->lex, "IntentName"), "CheckBalance");
	ASSERT_STR_EQ(strmap_get(fx.cd->lex, "Slots.AccountNumber"), "4271");
	ASSERT_STR_EQ(strmap_get(fx.cd->lex, "SessionAttributes.tier"),
		      "gold");
	ASSERT_STR_EQ(strmap_get(fx.cd->lex, "InputTranscript"),
		      "my account number is four two seven one");
	ASSERT_STR_EQ(strmap_get(fx.cd->lex, "IntentConfidence.Score"),
		      "0.87");
	ASSERT_STR_EQ(strmap_get(fx.cd->lex, "DialogState"),
		      "ReadyForFulfillment");
	ASSERT_STR_EQ(strmap_get(fx.cd->lex, "AlternateIntents.Sales"),
		      "0.20");
	fixture_close(&fx);
	mem_deref(slots);
	mem_deref(sess);
}

TEST(no_match_no_input_and_errors)
{
	static const struct {
		enum flex_status st;
		const char *intent;
		const char *went;
	} cases[] = {
		{FLEX_DONE, "FallbackIntent", "nm"},
		{FLEX_NO_INPUT, NULL, "ni"},
		{FLEX_FAILED, "CheckBalance", "err"},
		{FLEX_ERROR, NULL, "err"},
	};
	struct fixture fx;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct port p;

		memset(&p, 0, sizeof(p));
		p.res.status = cases[i].st;
		p.res.intent = cases[i].intent;
		p.res.error = "test";
		ASSERT_INT_EQ(run_flow(&fx, FLOW("b"), &lex_ops, &p), 0);
		ASSERT_STR_EQ(went(&fx), cases[i].went);
		fixture_close(&fx);
	}
}

TEST(no_port_or_no_bot_takes_the_error_branch)
{
	struct port p;
	struct fixture fx;

	memset(&p, 0, sizeof(p));
	ASSERT_INT_EQ(run_flow(&fx, FLOW("b"), &no_ops, NULL), 0);
	ASSERT_STR_EQ(went(&fx), "err");
	fixture_close(&fx);

	/* an AliasArn that reads empty: the port is never asked */
	ASSERT_INT_EQ(run_flow(&fx, FLOW("$.Attributes.none"), &lex_ops, &p),
		      0);
	ASSERT_INT_EQ(p.calls, 0);
	ASSERT_STR_EQ(went(&fx), "err");
	fixture_close(&fx);
}
