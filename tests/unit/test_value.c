/* References, templates and parameter trees (value.h). */
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/value.h>
#include "test.h"

static int parse(struct fref *r, const char *s)
{
	return fref_parse(r, s, strlen(s));
}

TEST(ref_roots_without_key)
{
	static const struct { const char *s; enum fref_root root; } v[] = {
		{"$.ContactId", FREF_CONTACT_ID},
		{"$.InitialContactId", FREF_INITIAL_CONTACT_ID},
		{"$.PreviousContactId", FREF_PREVIOUS_CONTACT_ID},
		{"$.Channel", FREF_CHANNEL},
		{"$.InitiationMethod", FREF_INITIATION_METHOD},
		{"$.InstanceARN", FREF_INSTANCE_ARN},
		{"$.LanguageCode", FREF_LANGUAGE_CODE},
		{"$.TextToSpeechVoiceId", FREF_TTS_VOICE},
		{"$.Name", FREF_NAME},
		{"$.Description", FREF_DESCRIPTION},
		{"$.StoredCustomerInput", FREF_STORED_INPUT},
		{"$.CustomerCallbackNumber", FREF_CALLBACK_NUMBER},
		{"$.QueuePriority", FREF_QUEUE_PRIORITY},
	};
	struct fref r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		ASSERT_INT_EQ(parse(&r, v[i].s), 0);
		ASSERT_INT_EQ(r.root, v[i].root);
		ASSERT_NULL(r.key);
		fref_reset(&r);
	}
}

TEST(ref_roots_with_key)
{
	static const struct {
		const char *s; enum fref_root root; const char *key;
	} v[] = {
		{"$.Attributes.Tier", FREF_ATTRIBUTES, "Tier"},
		{"$.Attributes.['account type']", FREF_ATTRIBUTES,
		 "account type"},
		{"$.Attributes.[\"account type\"]", FREF_ATTRIBUTES,
		 "account type"},
		{"$.Attributes['account type']", FREF_ATTRIBUTES,
		 "account type"},
		{"$.Attributes[\"x\"]", FREF_ATTRIBUTES, "x"},
		{"$.External.['a b'].c", FREF_EXTERNAL, "a b.c"},
		{"$.FlowAttributes.acme-lexbot", FREF_FLOW_ATTRIBUTES,
		 "acme-lexbot"},
		{"$.External.a.b", FREF_EXTERNAL, "a.b"},
		{"$.External.CurrentRule_queueArn", FREF_EXTERNAL,
		 "CurrentRule_queueArn"},
		{"$.CustomerEndpoint.Address", FREF_CUSTOMER_ENDPOINT,
		 "Address"},
		{"$.SystemEndpoint.Type", FREF_SYSTEM_ENDPOINT, "Type"},
		{"$.Queue.OutboundCallerId.Address", FREF_QUEUE,
		 "OutboundCallerId.Address"},
		{"$.Queue.Name", FREF_QUEUE, "Name"},
		{"$.Agent.UserName", FREF_AGENT, "UserName"},
		{"$.Metrics.Agents.Available.Count", FREF_METRICS,
		 "Agents.Available.Count"},
		{"$.Media.Sip.Headers.X-Foo", FREF_SIP_HEADERS, "X-Foo"},
		{"$.Media.Sip.Headers.P-Asserted-Identity", FREF_SIP_HEADERS,
		 "P-Asserted-Identity"},
		{"$.Lex.IntentName", FREF_LEX, "IntentName"},
		{"$.Lex.Slots.amount", FREF_LEX, "Slots.amount"},
	};
	struct fref r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		ASSERT_INT_EQ(parse(&r, v[i].s), 0);
		ASSERT_INT_EQ(r.root, v[i].root);
		ASSERT_STR_EQ(r.key, v[i].key);
		ASSERT_INT_EQ(r.klen, strlen(v[i].key));
		fref_reset(&r);
	}
}

TEST(ref_rejects_non_refs)
{
	static const char *bad[] = {
		"", "$", "$.", "Attributes.Tier", "$.Attributes",
		"$.Attributes.", "$.Foo.bar", "$.AwsRegion", "$.ContactIdX",
		"$.Attributes.Tier ", "$.Attributes.Tier.",
		"$.Attributes.['']", "$.Attributes.['open", "$.Media.Sip",
		"$.Media.Sip.Headers", "$.Media.Foo.Headers.X", "$.contactid",
		"$.Attributes[x]", "$.Attributes.[x]", "$.Attributes['a'",
	};
	struct fref r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&r, 0, sizeof(r));
		if (parse(&r, bad[i]) == 0) {
			fref_reset(&r);
			test_fail(__FILE__, __LINE__, "accepted \"%s\"",
				  bad[i]);
			return;
		}
		ASSERT_NULL(r.key);
	}
}

TEST(ref_print_canonical)
{
	struct fref r;
	char buf[64];

	ASSERT_INT_EQ(parse(&r, "$.Attributes.[\"account type\"]"), 0);
	ASSERT_INT_EQ(fref_print(buf, sizeof(buf), &r), 0);
	ASSERT_STR_EQ(buf, "$.Attributes.['account type']");
	fref_reset(&r);

	ASSERT_INT_EQ(parse(&r, "$.Metrics.Agents.Online.Count"), 0);
	ASSERT_INT_EQ(fref_print(buf, sizeof(buf), &r), 0);
	ASSERT_STR_EQ(buf, "$.Metrics.Agents.Online.Count");
	fref_reset(&r);

	ASSERT_INT_EQ(parse(&r, "$.Media.Sip.Headers.From"), 0);
	ASSERT_INT_EQ(fref_print(buf, sizeof(buf), &r), 0);
	ASSERT_STR_EQ(buf, "$.Media.Sip.Headers.From");
	/* too small a buffer is an error, not a truncation */
	ASSERT_INT_EQ(fref_print(buf, 8, &r), ENOMEM);
	fref_reset(&r);

	ASSERT_INT_EQ(parse(&r, "$.ContactId"), 0);
	ASSERT_INT_EQ(fref_print(buf, sizeof(buf), &r), 0);
	ASSERT_STR_EQ(buf, "$.ContactId");
}

static bool seg_is(const struct ftmpl *t, size_t i, bool is_ref,
		   const char *text)
{
	const struct ftmpl_seg *s;

	if (i >= t->segc)
		return false;
	s = &t->segv[i];
	if (s->is_ref != is_ref)
		return false;
	if (is_ref)
		return s->ref.key ? !strcmp(s->ref.key, text) : !*text;
	return s->len == strlen(text) && !memcmp(s->text, text, s->len);
}

static int compile(struct ftmpl *t, const char *s)
{
	return ftmpl_compile(t, s, strlen(s));
}

TEST(tmpl_static)
{
	struct ftmpl t;

	ASSERT_INT_EQ(compile(&t, "Hello, world"), 0);
	ASSERT_TRUE(t.is_static);
	ASSERT_FALSE(t.is_single_ref);
	ASSERT_INT_EQ(t.segc, 1);
	ASSERT_TRUE(seg_is(&t, 0, false, "Hello, world"));
	ASSERT_STR_EQ(t.raw, "Hello, world");
	ftmpl_reset(&t);

	ASSERT_INT_EQ(compile(&t, ""), 0);
	ASSERT_TRUE(t.is_static);
	ASSERT_INT_EQ(t.segc, 0);
	ASSERT_STR_EQ(t.raw, "");
	ftmpl_reset(&t);

	/* unknown roots and a lone "$" stay literal */
	ASSERT_INT_EQ(compile(&t, "arn:aws:lambda:$.AwsRegion:${ACCT}:$"), 0);
	ASSERT_TRUE(t.is_static);
	ASSERT_INT_EQ(t.segc, 1);
	ftmpl_reset(&t);
}

TEST(tmpl_single_ref)
{
	struct ftmpl t;

	ASSERT_INT_EQ(compile(&t, "$.External.QueueBehaviour_message"), 0);
	ASSERT_FALSE(t.is_static);
	ASSERT_TRUE(t.is_single_ref);
	ASSERT_INT_EQ(t.segc, 1);
	ASSERT_INT_EQ(t.segv[0].ref.root, FREF_EXTERNAL);
	ASSERT_TRUE(seg_is(&t, 0, true, "QueueBehaviour_message"));
	ftmpl_reset(&t);
}

TEST(tmpl_interpolation)
{
	struct ftmpl t;

	ASSERT_INT_EQ(compile(&t, "Hello $.External.FirstName, thanks for "
			      "calling"), 0);
	ASSERT_FALSE(t.is_static);
	ASSERT_FALSE(t.is_single_ref);
	ASSERT_INT_EQ(t.segc, 3);
	ASSERT_TRUE(seg_is(&t, 0, false, "Hello "));
	ASSERT_TRUE(seg_is(&t, 1, true, "FirstName"));
	ASSERT_TRUE(seg_is(&t, 2, false, ", thanks for calling"));
	ftmpl_reset(&t);

	/* a trailing '.' ends the sentence, not the reference */
	ASSERT_INT_EQ(compile(&t, "thanks $.Attributes.Name."), 0);
	ASSERT_INT_EQ(t.segc, 3);
	ASSERT_TRUE(seg_is(&t, 0, false, "thanks "));
	ASSERT_TRUE(seg_is(&t, 1, true, "Name"));
	ASSERT_TRUE(seg_is(&t, 2, false, "."));
	ftmpl_reset(&t);

	/* two references back to back, a bracket name, keyless root */
	ASSERT_INT_EQ(compile(&t, "$.Attributes.['first name']"
			      "$.Attributes.b:$.ContactId!"), 0);
	ASSERT_INT_EQ(t.segc, 5);
	ASSERT_TRUE(seg_is(&t, 0, true, "first name"));
	ASSERT_TRUE(seg_is(&t, 1, true, "b"));
	ASSERT_TRUE(seg_is(&t, 2, false, ":"));
	ASSERT_TRUE(seg_is(&t, 3, true, ""));
	ASSERT_INT_EQ(t.segv[3].ref.root, FREF_CONTACT_ID);
	ASSERT_TRUE(seg_is(&t, 4, false, "!"));
	ftmpl_reset(&t);

	/* dotted paths keep going while a name follows the dot */
	ASSERT_INT_EQ(compile(&t, "Agents: $.Metrics.Agents.Online.Count."),
		      0);
	ASSERT_INT_EQ(t.segc, 3);
	ASSERT_TRUE(seg_is(&t, 1, true, "Agents.Online.Count"));
	ASSERT_TRUE(seg_is(&t, 2, false, "."));
	ftmpl_reset(&t);

	/* "$$." and "$.Attributes" with no key: literal around a ref */
	ASSERT_INT_EQ(compile(&t, "$$.Attributes.x $.Attributes"), 0);
	ASSERT_INT_EQ(t.segc, 3);
	ASSERT_TRUE(seg_is(&t, 0, false, "$"));
	ASSERT_TRUE(seg_is(&t, 1, true, "x"));
	ASSERT_TRUE(seg_is(&t, 2, false, " $.Attributes"));
	ftmpl_reset(&t);
}

TEST(tmpl_placeholder)
{
	static const struct { const char *s; bool ph; } v[] = {
		{"{{prompts.CustomerQueue_wav.arn}}", true},
		{"arn:{{lambdaFunctions.x.arn}}:y", true},
		{"%%INVOKE_TELEPHONY_FUNCTION_ARN%%", true},
		{"{{}}", false},
		{"{{ open", false},
		{"100%% sure %%", false},
		{"plain", false},
		{"$.Attributes.x", false},
	};
	struct ftmpl t;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		ASSERT_INT_EQ(compile(&t, v[i].s), 0);
		if (ftmpl_has_placeholder(&t) != v[i].ph) {
			test_fail(__FILE__, __LINE__, "placeholder \"%s\"",
				  v[i].s);
			ftmpl_reset(&t);
			return;
		}
		ftmpl_reset(&t);
	}
}

TEST(param_tree)
{
	const char *doc = "{\"Text\":\"Hi $.Attributes.n\",\"Count\":5,"
		"\"Ratio\":0.5,\"Store\":true,\"Off\":false,\"Nil\":null,"
		"\"Obj\":{\"a\":\"1\"},\"Arr\":[\"x\",{\"PromptId\":\"p\"}]}";
	const struct fparam *c;
	struct fparam p;
	json_error_t jerr;
	json_t *j;

	j = json_loads(doc, 0, &jerr);
	ASSERT_NOT_NULL(j);
	ASSERT_INT_EQ(fparam_compile(&p, j), 0);
	json_decref(j);

	ASSERT_INT_EQ(p.kind, FP_OBJ);
	ASSERT_INT_EQ(p.n, 8);

	c = fparam_get(&p, "Text");
	ASSERT_NOT_NULL(c);
	ASSERT_INT_EQ(c->kind, FP_STR);
	ASSERT_STR_EQ(c->key, "Text");
	ASSERT_INT_EQ(c->str.segc, 2);

	c = fparam_get(&p, "Count");
	ASSERT_INT_EQ(c->kind, FP_NUM);
	ASSERT_TRUE(c->num == 5);
	ASSERT_STR_EQ(c->str.raw, "5");

	c = fparam_get(&p, "Ratio");
	ASSERT_STR_EQ(c->str.raw, "0.5");

	c = fparam_get(&p, "Store");
	ASSERT_INT_EQ(c->kind, FP_BOOL);
	ASSERT_TRUE(c->b);
	ASSERT_STR_EQ(c->str.raw, "true");
	ASSERT_STR_EQ(fparam_get(&p, "Off")->str.raw, "false");
	ASSERT_INT_EQ(fparam_get(&p, "Nil")->kind, FP_NULL);

	c = fparam_get(&p, "Obj");
	ASSERT_INT_EQ(c->kind, FP_OBJ);
	ASSERT_STR_EQ(fparam_get(c, "a")->str.raw, "1");
	ASSERT_NULL(fparam_get(c, "b"));

	c = fparam_get(&p, "Arr");
	ASSERT_INT_EQ(c->kind, FP_ARR);
	ASSERT_INT_EQ(c->n, 2);
	ASSERT_STR_EQ(c->v[0].str.raw, "x");
	ASSERT_NULL(c->v[0].key);
	ASSERT_STR_EQ(fparam_get(&c->v[1], "PromptId")->str.raw, "p");
	/* not an object: no members */
	ASSERT_NULL(fparam_get(c, "x"));
	ASSERT_NULL(fparam_get(NULL, "x"));

	/* alternative spellings, first one wins */
	ASSERT_STR_EQ(fparam_get2(&p, "Missing", "Count")->str.raw, "5");
	ASSERT_STR_EQ(fparam_get2(&p, "Ratio", "Count")->str.raw, "0.5");
	ASSERT_NULL(fparam_get2(&p, "x", "y"));
	/* keys are case-sensitive */
	ASSERT_NULL(fparam_get(&p, "text"));

	fparam_reset(&p);
	ASSERT_INT_EQ(p.n, 0);
}

TEST(param_scalar_root)
{
	struct fparam p;
	json_t *j = json_string("$.Attributes.x");

	ASSERT_INT_EQ(fparam_compile(&p, j), 0);
	json_decref(j);
	ASSERT_INT_EQ(p.kind, FP_STR);
	ASSERT_TRUE(p.str.is_single_ref);
	fparam_reset(&p);

	ASSERT_INT_EQ(fparam_compile(&p, NULL), EINVAL);
}
