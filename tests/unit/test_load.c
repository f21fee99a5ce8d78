/* Loading flows: wrappers, structure errors, tolerance, compiled form. */
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <errno.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/flow.h>
#include "test.h"

#define V "\"Version\":\"2019-10-30\","
#define BYE "{\"Identifier\":\"bye\",\"Type\":\"DisconnectParticipant\"," \
	"\"Transitions\":{}}"

struct res {
	struct flow *flow;
	struct findings *f;
	int err;
};

static void res_free(struct res *r)
{
	r->flow = mem_deref(r->flow);
	r->f = mem_deref(r->f);
}

static struct res load_opts(const char *doc, const struct flow_load_opts *o)
{
	struct res r = {NULL, NULL, 0};

	if (findings_alloc(&r.f))
		abort();
	r.err = flow_load_buf(&r.flow, r.f, doc, strlen(doc), o);
	return r;
}

static struct res load(const char *doc)
{
	return load_opts(doc, NULL);
}

/* The only finding is an error with this message (and action id). */
static bool one_error(const struct res *r, const char *id, const char *msg)
{
	const struct finding *fd;

	if (r->f->n != 1 || r->f->nerrors != 1) {
		findings_print(r->f, "got", stderr);
		return false;
	}
	fd = &r->f->v[0];
	if (strcmp(fd->msg, msg)) {
		fprintf(stderr, "message: %s\n", fd->msg);
		return false;
	}
	if (id ? (!fd->action_id || strcmp(fd->action_id, id)) :
	    fd->action_id != NULL)
		return false;

	return true;
}

static bool has_msg(const struct findings *f, enum finding_sev sev,
		    const char *part)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->v[i].sev == sev && strstr(f->v[i].msg, part))
			return true;
	}
	findings_print(f, "missing", stderr);
	return false;
}

TEST(raw_flow_compiles)
{
	struct flow_load_opts o = {.name = "main", .path = "/x/main.json"};
	const struct flow_action *a, *b;
	struct res r = load_opts("{" V "\"StartAction\":\"a\",\"Actions\":["
		"{\"Identifier\":\"a\",\"Type\":\"MessageParticipant\","
		"\"Parameters\":{\"Text\":\"Hi $.Attributes.n\"},"
		"\"Transitions\":{\"NextAction\":\"bye\",\"Errors\":[{"
		"\"ErrorType\":\"NoMatchingError\",\"NextAction\":\"bye\"}]}},"
		BYE "]}", &o);

	ASSERT_INT_EQ(r.err, 0);
	ASSERT_NOT_NULL(r.flow);
	ASSERT_INT_EQ(r.f->n, 0);
	ASSERT_STR_EQ(r.flow->name, "main");
	ASSERT_STR_EQ(r.flow->path, "/x/main.json");
	ASSERT_INT_EQ(r.flow->type, FLOW_CONTACT_FLOW);
	ASSERT_INT_EQ(r.flow->actc, 2);
	ASSERT_INT_EQ(r.flow->start, 0);
	ASSERT_TRUE(r.flow->findings == r.f);
	ASSERT_TRUE(r.flow->loaded_ms > 0);

	a = &r.flow->actv[0];
	ASSERT_STR_EQ(a->id, "a");
	ASSERT_INT_EQ(a->type, ACT_MESSAGE_PARTICIPANT);
	ASSERT_STR_EQ(a->type_name, "MessageParticipant");
	ASSERT_INT_EQ(a->index, 0);
	ASSERT_INT_EQ(a->next, 1);
	ASSERT_INT_EQ(a->errc, 1);
	ASSERT_STR_EQ(a->errv[0].error_type, "NoMatchingError");
	ASSERT_INT_EQ(a->errv[0].next, 1);
	ASSERT_FALSE(a->terminal);
	ASSERT_INT_EQ(fparam_get(&a->params, "Text")->str.segc, 2);

	b = flow_action_find(r.flow, "bye");
	ASSERT_TRUE(b == &r.flow->actv[1]);
	ASSERT_TRUE(b->terminal);
	ASSERT_INT_EQ(b->next, FLOW_NONE);
	ASSERT_INT_EQ(b->params.kind, FP_OBJ);
	ASSERT_NULL(flow_action_find(r.flow, "nope"));

	/* a specific error type falls back to NoMatchingError */
	ASSERT_TRUE(flow_action_error(a, "QueueAtCapacity") == &a->errv[0]);
	ASSERT_NULL(flow_action_error(b, "NoMatchingError"));
	res_free(&r);
}

TEST(name_from_file_and_default)
{
	struct res r = load("{" V "\"StartAction\":\"bye\",\"Actions\":["
			    BYE "]}");

	ASSERT_INT_EQ(r.err, 0);
	ASSERT_STR_EQ(r.flow->name, "unnamed");
	ASSERT_NULL(r.flow->path);
	ASSERT_NULL(r.flow->id);
	res_free(&r);
}

static const char *content_str =
	"{\\\"Version\\\":\\\"2019-10-30\\\",\\\"StartAction\\\":\\\"bye\\\","
	"\\\"Actions\\\":[{\\\"Identifier\\\":\\\"bye\\\",\\\"Type\\\":"
	"\\\"DisconnectParticipant\\\",\\\"Transitions\\\":{}}]}";

TEST(wrapper_describe_contact_flow)
{
	struct flow_load_opts o = {.name = "file-name"};
	char doc[1024];
	struct res r;

	snprintf(doc, sizeof(doc), "{\"ContactFlow\":{\"Name\":\"Main\","
		 "\"Type\":\"AGENT_TRANSFER\",\"Id\":\"f-1\",\"Arn\":"
		 "\"arn:aws:connect:us-east-1:1:instance/i/contact-flow/f-1\","
		 "\"Description\":\"desc\",\"Content\":\"%s\"}}", content_str);
	r = load_opts(doc, &o);
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_STR_EQ(r.flow->name, "Main");
	ASSERT_INT_EQ(r.flow->type, FLOW_AGENT_TRANSFER);
	ASSERT_STR_EQ(r.flow->id, "f-1");
	ASSERT_STR_EQ(r.flow->arn,
		      "arn:aws:connect:us-east-1:1:instance/i/contact-flow/f-1");
	ASSERT_STR_EQ(r.flow->description, "desc");
	ASSERT_INT_EQ(r.flow->actc, 1);
	res_free(&r);
}

TEST(wrapper_ci_export_and_id_from_arn)
{
	char doc[1024];
	struct res r;

	snprintf(doc, sizeof(doc), "{\"Name\":\"acme\",\"Type\":"
		 "\"QUEUE_TRANSFER\",\"Arn\":\"arn:x:instance/i/contact-flow/"
		 "abc-123\",\"Tags\":{},\"Content\":\"%s\"}", content_str);
	r = load(doc);
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_STR_EQ(r.flow->name, "acme");
	ASSERT_INT_EQ(r.flow->type, FLOW_QUEUE_TRANSFER);
	ASSERT_STR_EQ(r.flow->id, "abc-123");
	res_free(&r);
}

TEST(wrapper_content_as_object)
{
	struct res r = load("{\"Name\":\"obj\",\"Type\":\"CUSTOMER_QUEUE\","
		"\"Content\":{" V "\"StartAction\":\"bye\",\"Actions\":["
		BYE "]}}");

	ASSERT_INT_EQ(r.err, 0);
	ASSERT_STR_EQ(r.flow->name, "obj");
	ASSERT_INT_EQ(r.flow->type, FLOW_CUSTOMER_QUEUE);
	res_free(&r);

	r = load("{\"Name\":\"obj\",\"Content\":[1]}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, NULL, "Content must be the flow as a JSON "
			      "string or object"));
	res_free(&r);
}

TEST(type_precedence)
{
	struct flow_load_opts o = {.has_type = true,
				   .type = FLOW_CUSTOMER_HOLD};
	const char *meta = "{" V "\"StartAction\":\"bye\",\"Metadata\":"
		"{\"type\":\"agentWhisper\",\"flowType\":\"AGENT_WHISPER\"},"
		"\"Actions\":[" BYE "]}";
	struct res r;

	/* Metadata names a type */
	r = load(meta);
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.flow->type, FLOW_AGENT_WHISPER);
	res_free(&r);

	/* configuration beats Metadata */
	r = load_opts(meta, &o);
	ASSERT_INT_EQ(r.flow->type, FLOW_CUSTOMER_HOLD);
	res_free(&r);

	/* the wrapper beats configuration */
	r = load_opts("{\"Type\":\"OUTBOUND_WHISPER\",\"Content\":{" V
		      "\"StartAction\":\"bye\",\"Actions\":[" BYE "]}}", &o);
	ASSERT_INT_EQ(r.flow->type, FLOW_OUTBOUND_WHISPER);
	res_free(&r);

	/* an unknown wrapper type is reported and ignored */
	r = load("{\"Type\":\"SPACESHIP\",\"Content\":{" V
		 "\"StartAction\":\"bye\",\"Actions\":[" BYE "]}}");
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.flow->type, FLOW_CONTACT_FLOW);
	ASSERT_TRUE(has_msg(r.f, FINDING_WARNING,
			    "unknown flow Type \"SPACESHIP\" ignored"));
	res_free(&r);
}

TEST(modules_format_rejected)
{
	static const char *msg = "this is the pre-2019 Connect designer "
		"format ({\"modules\": [...]}), not the Flow Language "
		"\"Version\": \"2019-10-30\": re-export the flow from Amazon "
		"Connect";
	struct res r = load("{\"modules\":[{\"id\":\"1\"}],\"version\":\"1\"}");

	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, NULL, msg));
	res_free(&r);

	/* also when wrapped */
	r = load("{\"Name\":\"x\",\"Content\":{\"modules\":[],"
		 "\"version\":\"1\"}}");
	ASSERT_TRUE(one_error(&r, NULL, msg));
	res_free(&r);
}

TEST(malformed_json_has_line_and_column)
{
	struct res r;
	char doc[512];

	r = load("{\n  \"Version\": \"2019-10-30\",\n  \"StartAction\" "
		 "\"a\"\n}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, NULL, "invalid JSON: line 3 column 19: "
			      "':' expected near '\"a\"'"));
	res_free(&r);

	/* truncated in the middle of the actions */
	r = load("{" V "\"StartAction\":\"a\",\"Actions\":[{\"Identifier\"");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_TRUE(has_msg(r.f, FINDING_ERROR, "invalid JSON: line 1 "
			    "column"));
	res_free(&r);

	r = load("");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_TRUE(has_msg(r.f, FINDING_ERROR, "invalid JSON: line"));
	res_free(&r);

	r = load("[1,2]");
	ASSERT_TRUE(one_error(&r, NULL, "not a flow: the document is not a "
			      "JSON object"));
	res_free(&r);

	/* a bad Content string: position inside Content */
	snprintf(doc, sizeof(doc), "{\"Name\":\"x\",\"Content\":"
		 "\"{\\\"Version\\\": 1,,}\"}");
	r = load(doc);
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_TRUE(one_error(&r, NULL, "Content: line 1 column 15: "
			      "string or '}' expected near ','"));
	res_free(&r);
}

TEST(version_errors)
{
	struct res r;

	r = load("{\"StartAction\":\"bye\",\"Actions\":[" BYE "]}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, NULL,
			      "missing Version (expected \"2019-10-30\")"));
	res_free(&r);

	r = load("{\"Version\":\"2017-01-01\",\"StartAction\":\"bye\","
		 "\"Actions\":[" BYE "]}");
	ASSERT_TRUE(one_error(&r, NULL, "unknown Version 2017-01-01 "
			      "(expected \"2019-10-30\")"));
	res_free(&r);
}

TEST(start_action_errors)
{
	struct res r;

	r = load("{" V "\"Actions\":[" BYE "]}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, NULL, "missing StartAction"));
	res_free(&r);

	r = load("{" V "\"StartAction\":\"hello\",\"Actions\":[" BYE "]}");
	ASSERT_TRUE(one_error(&r, NULL,
			      "StartAction \"hello\" names no action"));
	res_free(&r);
}

TEST(identifier_errors)
{
	char doc[1024];
	struct res r;

	r = load("{" V "\"StartAction\":\"bye\",\"Actions\":[" BYE ","
		 BYE "]}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, "bye", "duplicate Identifier \"bye\" "
			      "(Actions[0] and Actions[1])"));
	res_free(&r);

	/* 51 characters: an error, but the graph still runs */
	snprintf(doc, sizeof(doc), "{" V "\"StartAction\":\"%s\",\"Actions\""
		 ":[{\"Identifier\":\"%s\",\"Type\":\"EndFlowExecution\"}]}",
		 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijK",
		 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijK");
	r = load(doc);
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NOT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, "abcdefghijabcdefghijabcdefghijabcdefghij"
			      "abcdefghijK",
			      "Identifier longer than 50 characters (51)"));
	res_free(&r);

	r = load("{" V "\"StartAction\":\"bye\",\"Actions\":[{\"Identifier\""
		 ":7,\"Type\":\"EndFlowExecution\"}," BYE "]}");
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, NULL, "Actions[0] has no Identifier"));
	res_free(&r);
}

TEST(missing_targets)
{
	struct res r;

	r = load("{" V "\"StartAction\":\"a\",\"Actions\":[{\"Identifier\":"
		 "\"a\",\"Type\":\"Compare\",\"Parameters\":{"
		 "\"ComparisonValue\":\"$.Attributes.x\"},\"Transitions\":{"
		 "\"NextAction\":\"bye\",\"Errors\":[{\"ErrorType\":"
		 "\"NoMatchingCondition\",\"NextAction\":\"gone\"}],"
		 "\"Conditions\":[{\"NextAction\":\"lost\",\"Condition\":{"
		 "\"Operator\":\"Equals\",\"Operands\":[\"1\"]}}]}}," BYE "]}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_INT_EQ(r.f->nerrors, 2);
	ASSERT_STR_EQ(r.f->v[0].msg, "Errors[0] (NoMatchingCondition) "
		      "NextAction \"gone\" names no action");
	ASSERT_STR_EQ(r.f->v[0].action_id, "a");
	ASSERT_STR_EQ(r.f->v[1].msg, "Conditions[0] NextAction \"lost\" "
		      "names no action");
	res_free(&r);

	r = load("{" V "\"StartAction\":\"a\",\"Actions\":[{\"Identifier\":"
		 "\"a\",\"Type\":\"EndFlowExecution\",\"Transitions\":{"
		 "\"NextAction\":\"b\"}}]}");
	ASSERT_TRUE(one_error(&r, "a", "NextAction \"b\" names no action"));
	res_free(&r);
}

TEST(unknown_action_type)
{
	struct res r = load("{" V "\"StartAction\":\"a\",\"Actions\":[{"
		"\"Identifier\":\"a\",\"Type\":\"TeleportCaller\","
		"\"Transitions\":{\"NextAction\":\"bye\"}}," BYE "]}");

	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, "a",
			      "unknown action Type \"TeleportCaller\""));
	res_free(&r);
}

TEST(wrong_parameter_shapes_keep_flow)
{
	struct res r;

	r = load("{" V "\"StartAction\":\"l\",\"Actions\":[{\"Identifier\":"
		 "\"l\",\"Type\":\"Loop\",\"Parameters\":{\"LoopCount\":"
		 "\"many\"},\"Transitions\":{\"NextAction\":\"bye\"}}," BYE
		 "]}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NOT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, "l", "LoopCount must be a whole number "
			      "(got \"many\")"));
	res_free(&r);

	r = load("{" V "\"StartAction\":\"u\",\"Actions\":[{\"Identifier\":"
		 "\"u\",\"Type\":\"UpdateContactAttributes\",\"Parameters\":{"
		 "\"Attributes\":\"Tier=gold\"},\"Transitions\":{"
		 "\"NextAction\":\"bye\"}}," BYE "]}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_TRUE(one_error(&r, "u", "Attributes must be an object, not a "
			      "string"));
	res_free(&r);

	r = load("{" V "\"StartAction\":\"m\",\"Actions\":[{\"Identifier\":"
		 "\"m\",\"Type\":\"MessageParticipant\",\"Parameters\":["
		 "\"hi\"],\"Transitions\":{\"NextAction\":\"bye\"}}," BYE "]}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NOT_NULL(r.flow);
	ASSERT_TRUE(has_msg(r.f, FINDING_ERROR,
			    "Parameters must be an object"));
	ASSERT_TRUE(has_msg(r.f, FINDING_ERROR, "a prompt needs one of Text,"
			    " SSML, PromptId or Media"));
	res_free(&r);

	r = load("{" V "\"StartAction\":\"l\",\"Actions\":[{\"Identifier\":"
		 "\"l\",\"Type\":\"InvokeLambdaFunction\",\"Parameters\":{"
		 "\"LambdaFunctionARN\":\"f\",\"InvocationTimeLimitSeconds\":"
		 "9},\"Transitions\":{\"NextAction\":\"bye\"}}," BYE "]}");
	ASSERT_TRUE(one_error(&r, "l", "InvocationTimeLimitSeconds must be "
			      "from 1 to 8 (got 9)"));
	res_free(&r);
}

TEST(wrong_structure_types)
{
	struct res r;

	r = load("{" V "\"StartAction\":\"a\",\"Actions\":{}}");
	ASSERT_TRUE(one_error(&r, NULL, "missing Actions list"));
	res_free(&r);

	r = load("{" V "\"StartAction\":\"a\",\"Actions\":[]}");
	ASSERT_TRUE(one_error(&r, NULL, "the flow has no actions"));
	res_free(&r);

	r = load("{" V "\"StartAction\":\"bye\",\"Actions\":[\"x\"," BYE
		 "]}");
	ASSERT_TRUE(one_error(&r, NULL, "Actions[0] must be an object"));
	res_free(&r);

	r = load("{" V "\"StartAction\":\"a\",\"Actions\":[{\"Identifier\":"
		 "\"a\",\"Type\":\"EndFlowExecution\",\"Transitions\":\"x\"}]}");
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, "a", "Transitions must be an object"));
	res_free(&r);

	r = load("{" V "\"StartAction\":\"a\",\"Actions\":[{\"Identifier\":"
		 "\"a\",\"Type\":\"EndFlowExecution\",\"Transitions\":{"
		 "\"Errors\":{},\"NextAction\":5}}]}");
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(has_msg(r.f, FINDING_ERROR, "NextAction must be a "
			    "string"));
	ASSERT_TRUE(has_msg(r.f, FINDING_ERROR, "Transitions.Errors must be "
			    "a list"));
	res_free(&r);

	r = load("{" V "\"StartAction\":\"a\",\"Actions\":[{\"Identifier\":"
		 "\"a\",\"Type\":\"Compare\",\"Parameters\":{"
		 "\"ComparisonValue\":\"1\"},\"Transitions\":{\"Conditions\":"
		 "[{\"NextAction\":\"a\"}]}}]}");
	ASSERT_TRUE(one_error(&r, "a", "Conditions[0] has no Condition"));
	res_free(&r);

	r = load("{" V "\"StartAction\":\"a\",\"Actions\":[{\"Identifier\":"
		 "\"a\"}]}");
	ASSERT_TRUE(one_error(&r, "a", "action has no Type"));
	res_free(&r);
}

TEST(placement_rules)
{
	struct flow_load_opts o = {.has_type = true,
				   .type = FLOW_AGENT_WHISPER};
	const char *doc = "{" V "\"StartAction\":\"in\",\"Actions\":[{"
		"\"Identifier\":\"in\",\"Type\":\"GetParticipantInput\","
		"\"Parameters\":{\"Text\":\"press 1\"},\"Transitions\":{"
		"\"NextAction\":\"bye\"}}," BYE "]}";
	struct res r;

	r = load_opts(doc, &o);
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NOT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, "in", "GetParticipantInput is not allowed "
			      "in a AGENT_WHISPER flow"));
	res_free(&r);

	/* an undeclared type is only assumed: a warning */
	r = load("{" V "\"StartAction\":\"l\",\"Actions\":[{\"Identifier\":"
		 "\"l\",\"Type\":\"MessageParticipantIteratively\","
		 "\"Parameters\":{\"Messages\":[{\"Text\":\"hold\"}]}}]}");
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.f->nerrors, 0);
	ASSERT_TRUE(has_msg(r.f, FINDING_WARNING, "MessageParticipantIterat"
			    "ively is not allowed in a CONTACT_FLOW flow "
			    "(flow type not declared, assumed CONTACT_FLOW)"));
	res_free(&r);

	/* TransferContactToAgent only in transfer flows */
	o.type = FLOW_CONTACT_FLOW;
	r = load_opts("{" V "\"StartAction\":\"t\",\"Actions\":[{"
		      "\"Identifier\":\"t\",\"Type\":\"TransferContactToAgent\""
		      ",\"Transitions\":{}}]}", &o);
	ASSERT_TRUE(one_error(&r, "t", "TransferContactToAgent is not "
			      "allowed in a CONTACT_FLOW flow"));
	res_free(&r);

	o.type = FLOW_QUEUE_TRANSFER;
	r = load_opts("{" V "\"StartAction\":\"t\",\"Actions\":[{"
		      "\"Identifier\":\"t\",\"Type\":\"TransferContactToAgent\""
		      ",\"Transitions\":{}}]}", &o);
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.f->n, 0);
	res_free(&r);
}

static char *many_actions(size_t n)
{
	struct mbuf *mb = mbuf_alloc(64 * n);
	char *s = NULL;
	size_t i;

	mbuf_printf(mb, "{" V "\"StartAction\":\"a0\",\"Actions\":[");
	for (i = 0; i < n; i++) {
		if (i + 1 < n)
			mbuf_printf(mb, "{\"Identifier\":\"a%zu\",\"Type\":"
				    "\"UpdateFlowLoggingBehavior\",\"Parameters"
				    "\":{\"FlowLoggingBehavior\":\"Enabled\"},"
				    "\"Transitions\":{\"NextAction\":\"a%zu\"}"
				    "},", i, i + 1);
		else
			mbuf_printf(mb, "{\"Identifier\":\"a%zu\",\"Type\":"
				    "\"DisconnectParticipant\"}", i);
	}
	mbuf_printf(mb, "]}");
	mbuf_set_pos(mb, 0);
	mbuf_strdup(mb, &s, mb->end);
	mem_deref(mb);
	return s;
}

TEST(action_limit)
{
	char *doc = many_actions(250);
	struct res r = load(doc);

	mem_deref(doc);
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.flow->actc, 250);
	ASSERT_INT_EQ(r.flow->actv[248].next, 249);
	res_free(&r);

	doc = many_actions(251);
	r = load(doc);
	mem_deref(doc);
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, NULL, "too many actions: 251 (at most "
			      "250)"));
	res_free(&r);
}

TEST(condition_nesting_limit)
{
	const char *cond5 = "{\"Operator\":\"Equals\",\"Operands\":[{"
		"\"Operator\":\"Equals\",\"Operands\":[{\"Operator\":\"Equals\","
		"\"Operands\":[{\"Operator\":\"Equals\",\"Operands\":[{"
		"\"Operator\":\"Equals\",\"Operands\":[\"x\"%s]}]}]}]}]}";
	char c[1024], doc[2048];
	struct res r;

	snprintf(c, sizeof(c), cond5, "");
	snprintf(doc, sizeof(doc), "{" V "\"StartAction\":\"a\",\"Actions\":"
		 "[{\"Identifier\":\"a\",\"Type\":\"Compare\",\"Parameters\":{"
		 "\"ComparisonValue\":\"x\"},\"Transitions\":{\"Conditions\":[{"
		 "\"NextAction\":\"bye\",\"Condition\":%s}]}}," BYE "]}", c);
	r = load(doc);
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(fcond_depth(r.flow->actv[0].condv[0].cond), 5);
	res_free(&r);

	snprintf(c, sizeof(c), cond5, ",{\"Operator\":\"Equals\","
		 "\"Operands\":[\"deep\"]}");
	snprintf(doc, sizeof(doc), "{" V "\"StartAction\":\"a\",\"Actions\":"
		 "[{\"Identifier\":\"a\",\"Type\":\"Compare\",\"Parameters\":{"
		 "\"ComparisonValue\":\"x\"},\"Transitions\":{\"Conditions\":[{"
		 "\"NextAction\":\"bye\",\"Condition\":%s}]}}," BYE "]}", c);
	r = load(doc);
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(one_error(&r, "a", "Conditions[0]: conditions nested "
			      "deeper than 5"));
	res_free(&r);
}

TEST(tolerated_variations)
{
	/* strings for numbers and booleans, real numbers and booleans,
	 * missing Parameters/Transitions, both Wait spellings, opaque
	 * Metadata, placeholders */
	struct res r = load("{" V "\"StartAction\":\"in\",\"Metadata\":{"
		"\"anything\":[1,{\"x\":null}]},\"Actions\":["
		"{\"Identifier\":\"in\",\"Type\":\"GetParticipantInput\","
		"\"Parameters\":{\"PromptId\":\"{{prompts.x.arn}}\","
		"\"InputTimeLimitSeconds\":\"5\",\"StoreInput\":\"True\","
		"\"DTMFConfiguration\":{\"DisableCancelKey\":false,"
		"\"InputTerminationSequence\":\"#\"}},"
		"\"Transitions\":{\"NextAction\":\"w1\"}},"
		"{\"Identifier\":\"w1\",\"Type\":\"Wait\",\"Parameters\":{"
		"\"TimeoutSeconds\":\"10\"},\"Transitions\":{\"NextAction\":"
		"\"w2\"}},"
		"{\"Identifier\":\"w2\",\"Type\":\"Wait\",\"Parameters\":{"
		"\"TimeLimitSeconds\":10}},"
		"{\"Identifier\":\"x\",\"Type\":\"TransferParticipantToThird"
		"Party\",\"Parameters\":{\"ThirdPartyPhoneNumber\":"
		"\"+18005550100\",\"ThirdPartyConnectionTimeoutSeconds\":\"30\","
		"\"ContinueFlowExecution\":\"False\"},\"Transitions\":{"
		"\"NextAction\":\"in\"}}"
		"]}");

	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.f->nerrors, 0);
	/* only the unreachable transfer is worth a word */
	ASSERT_INT_EQ(r.f->nwarnings, 1);
	ASSERT_TRUE(has_msg(r.f, FINDING_WARNING, "unreachable"));
	ASSERT_INT_EQ(r.flow->actv[2].next, FLOW_NONE);
	ASSERT_TRUE(r.flow->actv[2].terminal);
	ASSERT_INT_EQ(fparam_get(&r.flow->actv[1].params,
				 "TimeoutSeconds")->kind, FP_STR);
	ASSERT_INT_EQ(fparam_get(&r.flow->actv[2].params,
				 "TimeLimitSeconds")->kind, FP_NUM);
	res_free(&r);
}

TEST(cycles_are_legal)
{
	struct res r = load("{" V "\"StartAction\":\"a\",\"Actions\":["
		"{\"Identifier\":\"a\",\"Type\":\"Loop\",\"Parameters\":{"
		"\"LoopCount\":\"3\"},\"Transitions\":{\"NextAction\":\"b\","
		"\"Conditions\":[{\"NextAction\":\"b\",\"Condition\":{"
		"\"Operator\":\"Equals\",\"Operands\":[\"ContinueLooping\"]}},"
		"{\"NextAction\":\"bye\",\"Condition\":{\"Operator\":"
		"\"Equals\",\"Operands\":[\"DoneLooping\"]}}]}},"
		"{\"Identifier\":\"b\",\"Type\":\"MessageParticipant\","
		"\"Parameters\":{\"Text\":\"again\"},\"Transitions\":{"
		"\"NextAction\":\"a\"}},"
		"{\"Identifier\":\"self\",\"Type\":\"Wait\",\"Parameters\":{},"
		"\"Transitions\":{\"NextAction\":\"self\"}}," BYE "]}");

	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.flow->actv[1].next, 0);
	ASSERT_INT_EQ(r.flow->actv[2].next, 2);
	ASSERT_INT_EQ(r.flow->actv[0].condc, 2);
	ASSERT_INT_EQ(r.flow->actv[0].condv[1].next, 3);
	/* the self-loop is not reachable from the start */
	ASSERT_INT_EQ(r.f->n, 1);
	ASSERT_STR_EQ(r.f->v[0].action_id, "self");
	res_free(&r);
}

static char *tmp_path(const char *name)
{
	char *p = NULL;

	re_sdprintf(&p, "/tmp/cfd_test_load_%d_%s", (int)getpid(), name);
	return p;
}

static bool write_big(const char *path, size_t pad)
{
	FILE *fp = fopen(path, "w");
	size_t i;

	if (!fp)
		return false;
	fprintf(fp, "{" V "\"StartAction\":\"bye\",\"Metadata\":{\"pad\":\"");
	for (i = 0; i < pad / 64; i++)
		fputs("0123456789abcdef0123456789abcdef0123456789abcdef"
		      "0123456789abcdef", fp);
	fprintf(fp, "\"},\"Actions\":[" BYE "]}");
	return fclose(fp) == 0;
}

TEST(big_files)
{
	char *path = tmp_path("big.json");
	char expect[64];
	struct flow *flow = NULL;
	struct findings *f = NULL;
	int err;

	snprintf(expect, sizeof(expect), "cfd_test_load_%d_big",
		 (int)getpid());

	/* 10 MB (under the 10 MiB limit) loads */
	ASSERT_TRUE(write_big(path, 10000000));
	ASSERT_INT_EQ(findings_alloc(&f), 0);
	err = flow_load_file(&flow, f, path, NULL);
	ASSERT_INT_EQ(err, 0);
	ASSERT_NOT_NULL(flow);
	/* named after the file, without ".json" */
	ASSERT_STR_EQ(flow->name, expect);
	ASSERT_STR_EQ(flow->path, path);
	flow = mem_deref(flow);
	f = mem_deref(f);

	/* over 10 MiB is refused before parsing */
	ASSERT_TRUE(write_big(path, 11 * 1024 * 1024));
	ASSERT_INT_EQ(findings_alloc(&f), 0);
	err = flow_load_file(&flow, f, path, NULL);
	unlink(path);
	mem_deref(path);
	ASSERT_INT_EQ(err, EBADMSG);
	ASSERT_NULL(flow);
	ASSERT_INT_EQ(f->nerrors, 1);
	ASSERT_STR_EQ(f->v[0].msg, "file larger than 10485760 bytes");
	f = mem_deref(f);

	/* a missing file */
	ASSERT_INT_EQ(findings_alloc(&f), 0);
	err = flow_load_file(&flow, f, "/nonexistent/x.json", NULL);
	ASSERT_INT_EQ(err, EBADMSG);
	ASSERT_STR_EQ(f->v[0].msg, "cannot read file: No such file or "
		      "directory");
	f = mem_deref(f);
}

static char *deep_params(size_t depth)
{
	struct mbuf *mb = mbuf_alloc(4 * depth + 256);
	char *s = NULL;
	size_t i;

	mbuf_printf(mb, "{" V "\"StartAction\":\"u\",\"Actions\":[{"
		    "\"Identifier\":\"u\",\"Type\":\"TagContact\","
		    "\"Parameters\":{\"Tags\":");
	for (i = 0; i < depth; i++)
		mbuf_printf(mb, "[");
	for (i = 0; i < depth; i++)
		mbuf_printf(mb, "]");
	mbuf_printf(mb, "}}]}");
	mbuf_set_pos(mb, 0);
	mbuf_strdup(mb, &s, mb->end);
	mem_deref(mb);
	return s;
}

TEST(deep_json_nesting)
{
	char *doc = deep_params(1000);
	struct res r = load(doc);

	mem_deref(doc);
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_NOT_NULL(r.flow);
	res_free(&r);

	/* beyond the parser's depth limit: an error, not a crash */
	doc = deep_params(100000);
	r = load(doc);
	mem_deref(doc);
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(has_msg(r.f, FINDING_ERROR, "invalid JSON: line 1 "
			    "column"));
	res_free(&r);
}

TEST(findings_print_format)
{
	struct findings *f = NULL;
	char buf[512] = "";
	size_t n;
	FILE *fp;

	ASSERT_INT_EQ(findings_alloc(&f), 0);
	ASSERT_INT_EQ(findings_add(f, FINDING_ERROR, NULL, "bad %d", 1), 0);
	ASSERT_INT_EQ(findings_add(f, FINDING_WARNING, "act-1", "meh %s",
				   "x"), 0);
	ASSERT_INT_EQ(f->nerrors, 1);
	ASSERT_INT_EQ(f->nwarnings, 1);

	fp = tmpfile();
	ASSERT_NOT_NULL(fp);
	findings_print(f, "flows/a.json", fp);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	mem_deref(f);
	ASSERT_STR_EQ(buf, "flows/a.json: error: -: bad 1\n"
		      "flows/a.json: warning: act-1: meh x\n");
}

TEST(null_findings_and_digest)
{
	const char *doc = "{" V "\"StartAction\":\"bye\",\"Actions\":[" BYE
		"]}";
	struct flow *a = NULL, *b = NULL;

	/* without a findings list the flow still keeps one */
	ASSERT_INT_EQ(flow_load_buf(&a, NULL, doc, strlen(doc), NULL), 0);
	ASSERT_NOT_NULL(a->findings);
	ASSERT_INT_EQ(flow_load_buf(&b, NULL, doc, strlen(doc), NULL), 0);
	/* CRC-32 of the text: same text, same digest */
	ASSERT_TRUE(a->digest == b->digest);
	mem_deref(b);
	b = NULL;
	ASSERT_INT_EQ(flow_load_buf(&b, NULL, "{\"StartAction\":\"bye\","
		      "\"Version\":\"2019-10-30\",\"Actions\":[" BYE "]}",
		      strlen(doc), NULL), 0);
	ASSERT_FALSE(a->digest == b->digest);
	mem_deref(a);
	mem_deref(b);
}

TEST(metadata_is_opaque_but_must_be_json)
{
	struct res r;

	/* every JSON form inside Metadata, and Metadata.type */
	r = load("{" V "\"Metadata\":{\"x\":[1,-2.5e3,0,true,false,null,"
		 "{\"s\":\"a\\\"b\\\\c\\u00e9\\n\"},[]],\"y\":{},"
		 "\"type\":\"CUSTOMER_WHISPER\"},\"StartAction\":\"bye\","
		 "\"Actions\":[" BYE "]}");
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.flow->type, FLOW_CUSTOMER_WHISPER);
	res_free(&r);

	/* malformed Metadata is still malformed JSON */
	r = load("{" V "\"Metadata\":{\"a\" 1},\"StartAction\":\"bye\","
		 "\"Actions\":[" BYE "]}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_NULL(r.flow);
	ASSERT_TRUE(has_msg(r.f, FINDING_ERROR, "invalid JSON: line 1 "
			    "column 41"));
	res_free(&r);

	r = load("{" V "\"Metadata\":{\"a\":01},\"StartAction\":\"bye\","
		 "\"Actions\":[" BYE "]}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	res_free(&r);

	r = load("{" V "\"Metadata\":{\"a\":\"\\q\"},\"StartAction\":\"bye\","
		 "\"Actions\":[" BYE "]}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	res_free(&r);

	/* positions after a multi-line Metadata stay right */
	r = load("{\n\"Version\":\"2019-10-30\",\n\"Metadata\":{\n\"a\":\n"
		 "[1,\n2]\n},\n\"StartAction\":\"bye\",\n\"Actions\":[" BYE
		 ",]\n}");
	ASSERT_INT_EQ(r.err, EBADMSG);
	ASSERT_TRUE(one_error(&r, NULL, "invalid JSON: line 9 column 81: "
			      "unexpected token near ']'"));
	res_free(&r);

	/* Metadata twice: the parser decides (last one wins) */
	r = load("{" V "\"Metadata\":{\"type\":\"AGENT_HOLD\"},\"Metadata\":"
		 "{},\"StartAction\":\"bye\",\"Actions\":[" BYE "]}");
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.flow->type, FLOW_CONTACT_FLOW);
	res_free(&r);
}
