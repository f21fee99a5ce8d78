/* Condition operators, compiling and nesting (value.h: fcond_*). */
#include <string.h>
#include <errno.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/value.h>
#include "test.h"

static bool t(enum fcond_op op, const char *v, const char *o)
{
	return fcond_test(op, v, strlen(v), o, strlen(o));
}

TEST(op_names_roundtrip)
{
	static const char *names[] = {
		"Equals", "TextStartsWith", "TextEndsWith", "TextContains",
		"NumberGreaterThan", "NumberGreaterOrEqualTo",
		"NumberLessThan", "NumberLessOrEqualTo",
	};
	enum fcond_op op;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		ASSERT_INT_EQ(fcond_op_parse(&op, names[i]), 0);
		ASSERT_STR_EQ(fcond_op_name(op), names[i]);
	}
	ASSERT_INT_EQ(fcond_op_parse(&op, "equals"), EINVAL);
	ASSERT_INT_EQ(fcond_op_parse(&op, "NumberEquals"), EINVAL);
}

TEST(op_text)
{
	ASSERT_TRUE(t(FOP_EQUALS, "Sales", "Sales"));
	ASSERT_FALSE(t(FOP_EQUALS, "Sales", "sales"));
	ASSERT_FALSE(t(FOP_EQUALS, "Sales", "Sale"));
	ASSERT_TRUE(t(FOP_EQUALS, "", ""));
	/* Equals is a string compare even for numbers */
	ASSERT_FALSE(t(FOP_EQUALS, "1.0", "1"));

	ASSERT_TRUE(t(FOP_STARTS_WITH, "+61400", "+61"));
	ASSERT_FALSE(t(FOP_STARTS_WITH, "+61400", "+1"));
	ASSERT_FALSE(t(FOP_STARTS_WITH, "ab", "abc"));
	ASSERT_FALSE(t(FOP_STARTS_WITH, "Abc", "abc"));

	ASSERT_TRUE(t(FOP_ENDS_WITH, "file.wav", ".wav"));
	ASSERT_FALSE(t(FOP_ENDS_WITH, "file.WAV", ".wav"));
	ASSERT_FALSE(t(FOP_ENDS_WITH, "av", ".wav"));

	ASSERT_TRUE(t(FOP_CONTAINS, "premium gold", "um g"));
	ASSERT_FALSE(t(FOP_CONTAINS, "premium gold", "Gold"));
	ASSERT_FALSE(t(FOP_CONTAINS, "go", "gold"));
}

TEST(op_numbers)
{
	ASSERT_TRUE(t(FOP_GT, "10", "9"));
	ASSERT_FALSE(t(FOP_GT, "9", "9"));
	ASSERT_TRUE(t(FOP_GE, "9", "9"));
	ASSERT_TRUE(t(FOP_GE, "9.5", "9"));
	ASSERT_FALSE(t(FOP_GE, "8", "9"));
	ASSERT_TRUE(t(FOP_LT, "-1", "0"));
	ASSERT_FALSE(t(FOP_LT, "0", "0"));
	ASSERT_TRUE(t(FOP_LE, "0", "0"));
	ASSERT_TRUE(t(FOP_LE, "1e2", "100"));
	ASSERT_FALSE(t(FOP_LE, "101", "100"));
	/* 300000 ms read as a number, not as text ("3" < "9" as text) */
	ASSERT_TRUE(t(FOP_GT, "300000", "99999"));
}

TEST(op_numbers_non_numeric_is_false)
{
	static const char *bad[] = {
		"", "abc", "5 ", " 5", "5a", "0x10", "nan", "inf", "1,5",
		"--1",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_FALSE(t(FOP_GT, bad[i], "0"));
		ASSERT_FALSE(t(FOP_GE, bad[i], "0"));
		ASSERT_FALSE(t(FOP_LT, bad[i], "100"));
		ASSERT_FALSE(t(FOP_LE, bad[i], "100"));
		ASSERT_FALSE(t(FOP_LT, "1", bad[i]));
		ASSERT_FALSE(t(FOP_GE, "1", bad[i]));
	}
	/* NULL value behaves as empty */
	ASSERT_FALSE(fcond_test(FOP_GT, NULL, 0, "1", 1));
	ASSERT_TRUE(fcond_test(FOP_EQUALS, NULL, 0, "", 0));
}

static int comp(struct fcond **c, const char *doc, char *err, size_t sz)
{
	json_error_t jerr;
	json_t *j = json_loads(doc, 0, &jerr);
	int r;

	if (!j)
		return -1;
	r = fcond_compile(c, j, 1, err, sz);
	json_decref(j);
	return r;
}

TEST(compile_flat)
{
	struct fcond *c = NULL;
	char err[128] = "";

	ASSERT_INT_EQ(comp(&c, "{\"Operator\":\"NumberLessThan\","
			   "\"Operands\":[\"34\", 7]}", err, sizeof(err)), 0);
	ASSERT_INT_EQ(c->op, FOP_LT);
	ASSERT_INT_EQ(c->opc, 2);
	ASSERT_FALSE(c->opv[0].is_cond);
	ASSERT_STR_EQ(c->opv[0].str.raw, "34");
	ASSERT_STR_EQ(c->opv[1].str.raw, "7");
	ASSERT_INT_EQ(fcond_depth(c), 1);
	c = mem_deref(c);

	/* an operand may be a reference */
	ASSERT_INT_EQ(comp(&c, "{\"Operator\":\"Equals\","
			   "\"Operands\":[\"$.Attributes.x\"]}", err,
			   sizeof(err)), 0);
	ASSERT_TRUE(c->opv[0].str.is_single_ref);
	c = mem_deref(c);
}

TEST(compile_errors)
{
	static const struct { const char *doc, *msg; } v[] = {
		{"{\"Operator\":\"Bigger\",\"Operands\":[\"1\"]}",
		 "unknown condition Operator \"Bigger\""},
		{"{\"Operands\":[\"1\"]}", "Condition without Operator"},
		{"{\"Operator\":\"Equals\",\"Operands\":[]}",
		 "Condition Equals needs a non-empty Operands list"},
		{"{\"Operator\":\"Equals\"}",
		 "Condition Equals needs a non-empty Operands list"},
		{"{\"Operator\":\"Equals\",\"Operands\":[[\"1\"]]}",
		 "Condition operand 1 must be a string"},
		{"{\"Operator\":\"Equals\",\"Operands\":[\"a\",null]}",
		 "Condition operand 2 must be a string"},
		{"[\"Equals\"]", "Condition must be an object"},
	};
	struct fcond *c = NULL;
	char err[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		err[0] = '\0';
		ASSERT_INT_EQ(comp(&c, v[i].doc, err, sizeof(err)), EBADMSG);
		ASSERT_NULL(c);
		ASSERT_STR_EQ(err, v[i].msg);
	}
}

/* A condition nested n deep: each level has one nested operand. */
static char *nested(int n)
{
	struct mbuf *mb = mbuf_alloc(256);
	char *s = NULL;
	int i;

	for (i = 0; i < n - 1; i++)
		mbuf_printf(mb, "{\"Operator\":\"Equals\",\"Operands\":"
			    "[\"lvl%d\",", i + 1);
	mbuf_printf(mb, "{\"Operator\":\"Equals\",\"Operands\":[\"leaf\"]}");
	for (i = 0; i < n - 1; i++)
		mbuf_printf(mb, "]}");
	mbuf_set_pos(mb, 0);
	mbuf_strdup(mb, &s, mb->end);
	mem_deref(mb);
	return s;
}

TEST(nesting_depth_limit)
{
	struct fcond *c = NULL;
	char err[128] = "";
	char *doc;

	doc = nested(5);
	ASSERT_INT_EQ(comp(&c, doc, err, sizeof(err)), 0);
	mem_deref(doc);
	ASSERT_INT_EQ(fcond_depth(c), 5);
	ASSERT_TRUE(c->opv[1].is_cond);
	ASSERT_STR_EQ(c->opv[0].str.raw, "lvl1");
	c = mem_deref(c);

	doc = nested(6);
	ASSERT_INT_EQ(comp(&c, doc, err, sizeof(err)), EBADMSG);
	mem_deref(doc);
	ASSERT_NULL(c);
	ASSERT_STR_EQ(err, "conditions nested deeper than 5");

	/* deeply nested JSON stops at the limit, no stack blow-up */
	doc = nested(900);
	ASSERT_INT_EQ(comp(&c, doc, err, sizeof(err)), EBADMSG);
	mem_deref(doc);
	ASSERT_STR_EQ(err, "conditions nested deeper than 5");
}
