/*
 * The Lambda event Connect sends (built from contact data and the
 * action's parameters) and the reply made into $.External: pure, on a
 * run of a one-action flow that never starts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
/* not <re.h>: re_json.h clashes with jansson on JSON_* names */
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/strmap.h>
#include "../../src/flow/actions.h"
#include "test.h"

static const char lambda_flow[] =
	"{\"Version\":\"2019-10-30\",\"StartAction\":\"L\",\"Actions\":["
	"{\"Identifier\":\"L\",\"Type\":\"InvokeLambdaFunction\","
	"\"Parameters\":{\"LambdaFunctionARN\":\"lookup\","
	"\"InvocationTimeLimitSeconds\":\"4\","
	"\"LambdaInvocationAttributes\":{\"account\":\"$.Attributes.acct\","
	"\"greeting\":\"Hi $.Attributes.name\",\"fixed\":\"7\"}},"
	"\"Transitions\":{\"NextAction\":\"E\"}},"
	"{\"Identifier\":\"E\",\"Type\":\"EndFlowExecution\","
	"\"Transitions\":{}}]}";

struct lrun {
	struct config *cfg;
	struct flow *flow;
	struct cdata *cd;
	struct frun *run;
	const struct flow_action *act;
};


static void l_close(struct lrun *l)
{
	l->run = mem_deref(l->run);
	l->cd = mem_deref(l->cd);
	l->flow = mem_deref(l->flow);
	l->cfg = mem_deref(l->cfg);
}


static int l_open(struct lrun *l)
{
	struct flow_load_opts opts = { .name = "lambda" };
	struct findings *fnd = NULL;
	struct fenv env;
	int err;

	memset(l, 0, sizeof(*l));
	memset(&env, 0, sizeof(env));

	err = config_default(&l->cfg);
	if (err)
		goto out;
	err = findings_alloc(&fnd);
	if (err)
		goto out;
	(void)flow_load_buf(&l->flow, fnd, lambda_flow, strlen(lambda_flow),
			    &opts);
	if (!l->flow) {
		findings_print(fnd, "lambda", stderr);
		err = EBADMSG;
		goto out;
	}
	l->act = flow_action_find(l->flow, "L");
	if (!l->act) {
		err = ENOENT;
		goto out;
	}

	err = cdata_alloc(&l->cd, "c-2");
	if (err)
		goto out;
	str_ncpy(l->cd->customer_addr, "+15551230000",
		 sizeof(l->cd->customer_addr));
	str_ncpy(l->cd->system_addr, "+18005550000",
		 sizeof(l->cd->system_addr));
	str_ncpy(l->cd->initial_contact_id, "c-1",
		 sizeof(l->cd->initial_contact_id));
	str_ncpy(l->cd->previous_contact_id, "c-1",
		 sizeof(l->cd->previous_contact_id));
	l->cd->method = INIT_TRANSFER;
	err  = strmap_set(l->cd->attrs, "acct", "A-17");
	err |= strmap_set(l->cd->attrs, "name", "Ann");
	err |= cdata_set_str(&l->cd->queue_name, "Sales");
	err |= cdata_set_str(&l->cd->queue_arn, "arn:q/sales");
	if (err)
		goto out;

	env.cfg = l->cfg;
	err = frun_alloc(&l->run, l->flow, l->cd, &env, NULL, NULL);

 out:
	mem_deref(fnd);
	if (err)
		l_close(l);
	return err;
}


static bool eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}


static const char *jstr(json_t *root, const char *path)
{
	char buf[128], *tok, *save = NULL;
	json_t *j = root;

	(void)snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && j;
	     tok = strtok_r(NULL, ".", &save))
		j = json_object_get(j, tok);

	return json_string_value(j);
}


TEST(event_shape)
{
	struct lrun l;
	json_error_t jerr;
	json_t *ev = NULL;
	char *body = NULL;
	bool ok;
	int err;

	ASSERT_INT_EQ(l_open(&l), 0);

	err = lambda_event_build(&body, l.run, l.act);
	if (!err) {
		ev = json_loads(body, 0, &jerr);
	}
	ok = ev && !err;
	ok = ok && eq(jstr(ev, "Name"), "ContactFlowEvent");
	ok = ok && eq(jstr(ev, "Details.ContactData.ContactId"), "c-2");
	ok = ok && eq(jstr(ev, "Details.ContactData.InitialContactId"),
			   "c-1");
	ok = ok && eq(jstr(ev, "Details.ContactData.PreviousContactId"),
			   "c-1");
	ok = ok && eq(jstr(ev, "Details.ContactData.Channel"), "VOICE");
	ok = ok && eq(jstr(ev, "Details.ContactData.InitiationMethod"),
			   "TRANSFER");
	ok = ok && jstr(ev, "Details.ContactData.InstanceARN") &&
		!strncmp(jstr(ev, "Details.ContactData.InstanceARN"),
			 "arn:", 4);
	ok = ok && eq(jstr(ev, "Details.ContactData.CustomerEndpoint."
				"Address"), "+15551230000");
	ok = ok && eq(jstr(ev, "Details.ContactData.CustomerEndpoint."
				"Type"), "TELEPHONE_NUMBER");
	ok = ok && eq(jstr(ev, "Details.ContactData.SystemEndpoint."
				"Address"), "+18005550000");
	ok = ok && eq(jstr(ev, "Details.ContactData.Queue.Name"),
			   "Sales");
	ok = ok && eq(jstr(ev, "Details.ContactData.Queue.ARN"),
			   "arn:q/sales");
	ok = ok && eq(jstr(ev, "Details.ContactData.Attributes.acct"),
			   "A-17");
	ok = ok && json_is_object(json_object_get(json_object_get(
		json_object_get(ev, "Details"), "ContactData"),
						  "MediaStreams"));
	ok = ok && eq(jstr(ev, "Details.Parameters.account"), "A-17");
	ok = ok && eq(jstr(ev, "Details.Parameters.greeting"), "Hi Ann");
	ok = ok && eq(jstr(ev, "Details.Parameters.fixed"), "7");

	json_decref(ev);
	mem_deref(body);
	l_close(&l);
	ASSERT_INT_EQ(err, 0);
	ASSERT_TRUE(ok);
}


TEST(event_queue_null_and_first_segment)
{
	struct lrun l;
	json_error_t jerr;
	json_t *ev = NULL, *cd;
	char *body = NULL;
	bool ok;
	int err;

	ASSERT_INT_EQ(l_open(&l), 0);
	l.cd->queue_name = mem_deref(l.cd->queue_name);
	l.cd->previous_contact_id[0] = '\0';
	l.cd->customer_addr[0] = '\0';

	err = lambda_event_build(&body, l.run, l.act);
	if (!err)
		ev = json_loads(body, 0, &jerr);
	cd = json_object_get(json_object_get(ev, "Details"), "ContactData");
	ok = cd && json_is_null(json_object_get(cd, "Queue"));
	ok = ok && json_is_null(json_object_get(cd, "CustomerEndpoint"));
	/* Connect repeats the contact's own id on a first segment */
	ok = ok && eq(jstr(cd, "PreviousContactId"), "c-2");

	json_decref(ev);
	mem_deref(body);
	l_close(&l);
	ASSERT_INT_EQ(err, 0);
	ASSERT_TRUE(ok);
}


TEST(reply_string_map)
{
	static const char body[] =
		"{\"name\":\"Ann\",\"balance\":12.5,\"count\":3,"
		"\"vip\":false,\"none\":null}";
	struct lrun l;
	const struct strmap *x;
	bool ok;
	int err;

	ASSERT_INT_EQ(l_open(&l), 0);
	(void)strmap_set(l.cd->external, "stale", "1");

	err = lambda_reply_apply(l.run, body, strlen(body), false);
	x = l.cd->external;
	ok = !err && strmap_count(x) == 5;
	ok = ok && eq(strmap_get(x, "name"), "Ann");
	ok = ok && eq(strmap_get(x, "balance"), "12.5");
	ok = ok && eq(strmap_get(x, "count"), "3");
	ok = ok && eq(strmap_get(x, "vip"), "false");
	ok = ok && eq(strmap_get(x, "none"), "");
	ok = ok && strmap_get(x, "stale") == NULL;

	l_close(&l);
	ASSERT_INT_EQ(err, 0);
	ASSERT_TRUE(ok);
}


TEST(reply_string_map_refuses_nesting)
{
	static const char nested[] = "{\"a\":\"1\",\"b\":{\"c\":\"2\"}}";
	static const char list[] = "{\"a\":[1,2]}";
	struct lrun l;
	int e1, e2;
	bool kept;

	ASSERT_INT_EQ(l_open(&l), 0);
	(void)strmap_set(l.cd->external, "prev", "x");

	e1 = lambda_reply_apply(l.run, nested, strlen(nested), false);
	e2 = lambda_reply_apply(l.run, list, strlen(list), false);
	/* a refused reply leaves $.External as it was */
	kept = strmap_count(l.cd->external) == 1 &&
		strmap_get(l.cd->external, "prev") != NULL;

	l_close(&l);
	ASSERT_INT_EQ(e1, EBADMSG);
	ASSERT_INT_EQ(e2, EBADMSG);
	ASSERT_TRUE(kept);
}


TEST(reply_json_flattened)
{
	static const char body[] =
		"{\"customer\":{\"name\":\"Ann\",\"address\":{\"zip\":"
		"\"10001\"}},\"ids\":[1,2],\"ok\":true}";
	struct lrun l;
	const struct strmap *x;
	bool ok;
	int err;

	ASSERT_INT_EQ(l_open(&l), 0);

	err = lambda_reply_apply(l.run, body, strlen(body), true);
	x = l.cd->external;
	ok = !err && strmap_count(x) == 4;
	ok = ok && eq(strmap_get(x, "customer.name"), "Ann");
	ok = ok && eq(strmap_get(x, "customer.address.zip"), "10001");
	ok = ok && eq(strmap_get(x, "ids"), "[1,2]");
	ok = ok && eq(strmap_get(x, "ok"), "true");

	l_close(&l);
	ASSERT_INT_EQ(err, 0);
	ASSERT_TRUE(ok);
}


TEST(reply_not_an_object)
{
	static const char *bad[] = {
		"", "[]", "\"text\"", "42", "{\"a\":", "null",
		"{\"a\":\"1\",\"a\":\"2\"}",
	};
	struct lrun l;
	size_t i;
	int errs[7];

	ASSERT_INT_EQ(l_open(&l), 0);
	for (i = 0; i < 7; i++)
		errs[i] = lambda_reply_apply(l.run, bad[i], strlen(bad[i]),
					     true);
	l_close(&l);

	for (i = 0; i < 7; i++)
		ASSERT_INT_EQ(errs[i], EBADMSG);
}


TEST(reply_too_large)
{
	static char body[40000];
	struct lrun l;
	int err;

	/* {"k":"xxxx...."} past Connect's 32 KB */
	memset(body, 'x', sizeof(body) - 1);
	memcpy(body, "{\"k\":\"", 6);
	memcpy(body + sizeof(body) - 3, "\"}", 2);
	body[sizeof(body) - 1] = '\0';

	ASSERT_INT_EQ(l_open(&l), 0);
	err = lambda_reply_apply(l.run, body, strlen(body), false);
	l_close(&l);
	ASSERT_INT_EQ(err, EMSGSIZE);
}
