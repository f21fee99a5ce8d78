/*
 * Routing criteria in the router: agents' proficiencies from the
 * configuration and the API, routing steps (the contact is offered only
 * to agents meeting the step in force; the next step after expiry; any
 * agent once all have expired), AND/OR expressions, NOT conditions,
 * preferred agents, criteria replaced while waiting, and a randomized
 * check that the router still equals routing_select() and leaves no
 * possible pair waiting.
 */
#include <errno.h>
#include <stdlib.h>
#include <callflowd/core/rcriteria.h>
#include "test.h"
#include "test_routing_fixture.h"

/* a1: extra keys of agent a1 */
#define CFG_SKILLS(a1) \
	"{\"queues\": [{\"name\": \"Q\"}]," \
	" \"routing_profiles\": [{\"name\": \"P\"," \
	"   \"queues\": [{\"queue\": \"Q\"}]}]," \
	" \"agents\": [" \
	"  {\"username\": \"a1\", " a1 "\"routing_profile\": \"P\"," \
	"   \"contact\": \"sip:a1@h\", \"status\": \"Available\"}," \
	"  {\"username\": \"a2\", \"routing_profile\": \"P\"," \
	"   \"contact\": \"sip:a2@h\", \"status\": \"Available\"," \
	"   \"proficiencies\": [{\"name\": \"Language\"," \
	"     \"value\": \"French\", \"level\": 4}]}," \
	"  {\"username\": \"a3\", \"id\": \"ag-3\"," \
	"   \"routing_profile\": \"P\"," \
	"   \"contact\": \"sip:a3@h\", \"status\": \"Available\"," \
	"   \"proficiencies\": [{\"name\": \"Language\"," \
	"     \"value\": \"English\", \"level\": 2}," \
	"     {\"name\": \"Technology\", \"value\": \"Networking\"," \
	"      \"level\": 5}]}]}"

static const char cfg_skills[] = CFG_SKILLS("");
static const char cfg_skills_de[] = CFG_SKILLS(
	"\"proficiencies\": [{\"name\": \"Language\", \"value\": \"German\","
	" \"level\": 1}], ");

/* "French >= 3 for 30 s, then English >= 1 for 20 s" */
#define STEPS_FR_EN \
	"{\"Steps\": [" \
	" {\"Expression\": {\"AttributeCondition\": {\"Name\": \"Language\"," \
	"   \"Value\": \"French\", \"ProficiencyLevel\": 3," \
	"   \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}}," \
	"  \"Expiry\": {\"DurationInSeconds\": 30}}," \
	" {\"Expression\": {\"AttributeCondition\": {\"Name\": \"Language\"," \
	"   \"Value\": \"English\", \"ProficiencyLevel\": 1," \
	"   \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}}," \
	"  \"Expiry\": {\"DurationInSeconds\": 20}}]}"


static struct rcriteria *crit(const char *text)
{
	struct rcriteria *c = NULL;
	char err[256] = "";
	json_t *j = json_loads(text, 0, NULL);

	if (!j)
		return NULL;
	if (rcriteria_parse(&c, j, err, sizeof(err)))
		test_fail(__FILE__, __LINE__, "criteria: %s", err);
	json_decref(j);
	return c;
}


static int enqueue_crit(struct fx *f, struct rentry **ep, const char *text)
{
	struct renqueue o = {.qprio = 5};
	int err;

	o.crit = crit(text);
	if (!o.crit)
		return EINVAL;
	err = router_enqueue_opts(ep, f->r, router_queue(f->r, "Q"), &o,
				  NULL, NULL);
	mem_deref((void *)o.crit);
	return err;
}


TEST(proficiencies_from_config_and_errors)
{
	static const struct {
		const char *json;
		const char *err;
	} bad[] = {
		{"{\"agents\": [{\"username\": \"a\", \"proficiencies\": "
		 "[{\"name\": \"L\", \"value\": \"V\", \"level\": 6}]}]}",
		 "agents[0].proficiencies[0].level: expected a number from "
		 "1 to 5"},
		{"{\"agents\": [{\"username\": \"a\", \"proficiencies\": "
		 "[{\"name\": \"L\", \"level\": 2}]}]}",
		 "agents[0].proficiencies[0].value: expected a non-empty "
		 "string"},
		{"{\"agents\": [{\"username\": \"a\", \"proficiencies\": "
		 "[{\"name\": \"L\", \"value\": \"V\", \"level\": 2},"
		 "{\"name\": \"l\", \"value\": \"v\", \"level\": 3}]}]}",
		 "agents[0].proficiencies[1].value: \"l\" \"v\" is already "
		 "listed"},
		{"{\"agents\": [{\"username\": \"a\", \"proficiencies\": "
		 "[{\"name\": \"L\", \"value\": \"V\", \"level\": 2, "
		 "\"lvl\": 1}]}]}",
		 "agents[0].proficiencies[0].lvl: unknown key"},
		{"{\"agents\": [{\"username\": \"a\", \"proficiencies\": "
		 "{}}]}",
		 "agents[0].proficiencies: expected a list of at most 100 "
		 "objects"},
	};
	const struct rproficiency *p;
	struct fx f;
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_INT_EQ(fx_init(&f, bad[i].json), EINVAL);
		ASSERT_STR_EQ(f.err, bad[i].err);
		fx_close(&f);
	}

	ASSERT_INT_EQ(fx_init(&f, cfg_skills), 0);
	p = agent_proficiencies(fx_agent(&f, "a3"), &n);
	ASSERT_INT_EQ(n, 2);
	ASSERT_STR_EQ(p[1].name, "Technology");
	ASSERT_STR_EQ(p[1].value, "Networking");
	ASSERT_TRUE(p[1].level == 5.0);
	ASSERT_NULL(agent_proficiencies(fx_agent(&f, "a1"), &n));
	ASSERT_INT_EQ(n, 0);
	fx_close(&f);
}


TEST(steps_pick_agents_and_expire)
{
	struct rentry *e1 = NULL, *e2 = NULL, *e3 = NULL;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_skills), 0);

	/* a1 has been idle longest, but only a2 speaks French */
	ASSERT_INT_EQ(enqueue_crit(&f, &e1, STEPS_FR_EN), 0);
	ASSERT_INT_EQ(f.offers, 1);
	ASSERT_TRUE(fx_last_agent(&f) == fx_agent(&f, "a2"));
	ASSERT_INT_EQ(rentry_step(e1), 0);
	ASSERT_INT_EQ(agent_offer_answered(fx_agent(&f, "a2")), 0);

	/* the French agent is busy: the contact waits in step 1 */
	ASSERT_INT_EQ(enqueue_crit(&f, &e2, STEPS_FR_EN), 0);
	ASSERT_INT_EQ(f.offers, 1);
	fx_advance(&f, 29999);
	ASSERT_INT_EQ(f.offers, 1);
	ASSERT_INT_EQ(rentry_step(e2), 0);

	/* step 1 expires: English >= 1 is a3 only */
	fx_advance(&f, 1);
	ASSERT_INT_EQ(rentry_step(e2), 1);
	ASSERT_INT_EQ(f.offers, 2);
	ASSERT_TRUE(fx_last_agent(&f) == fx_agent(&f, "a3"));
	ASSERT_INT_EQ(agent_offer_answered(fx_agent(&f, "a3")), 0);

	/* a1 meets no step: it gets the contact once all have expired */
	ASSERT_INT_EQ(enqueue_crit(&f, &e3, STEPS_FR_EN), 0);
	fx_advance(&f, 49999);
	ASSERT_INT_EQ(f.offers, 2);
	fx_advance(&f, 1);
	ASSERT_INT_EQ(rentry_step(e3), 2);
	ASSERT_INT_EQ(f.offers, 3);
	ASSERT_TRUE(fx_last_agent(&f) == fx_agent(&f, "a1"));

	mem_deref(e1);
	mem_deref(e2);
	mem_deref(e3);
	fx_close(&f);
}


TEST(and_or_not_expressions)
{
	struct rentry *e = NULL;
	struct fx f;

	/* (French >= 3 AND Networking >= 5) OR English in 2..2: a3 */
	ASSERT_INT_EQ(fx_init(&f, cfg_skills), 0);
	ASSERT_INT_EQ(enqueue_crit(&f, &e,
		"{\"Steps\": [{\"Expression\": {\"OrExpression\": ["
		" {\"AndExpression\": ["
		"  {\"AttributeCondition\": {\"Name\": \"Language\","
		"   \"Value\": \"French\", \"ProficiencyLevel\": 3,"
		"   \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}},"
		"  {\"AttributeCondition\": {\"Name\": \"Technology\","
		"   \"Value\": \"Networking\", \"ProficiencyLevel\": 5,"
		"   \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}}]},"
		" {\"AttributeCondition\": {\"Name\": \"Language\","
		"   \"Value\": \"English\", \"ComparisonOperator\": \"Range\","
		"   \"Range\": {\"MinProficiencyLevel\": 2,"
		"              \"MaxProficiencyLevel\": 2}}}]}}]}"), 0);
	ASSERT_TRUE(fx_last_agent(&f) == fx_agent(&f, "a3"));
	e = mem_deref(e);
	fx_close(&f);

	/* the AND alone fits nobody: the contact waits */
	ASSERT_INT_EQ(fx_init(&f, cfg_skills), 0);
	ASSERT_INT_EQ(enqueue_crit(&f, &e,
		"{\"Steps\": [{\"Expression\": {\"AndExpression\": ["
		"  {\"AttributeCondition\": {\"Name\": \"Language\","
		"   \"Value\": \"French\", \"ProficiencyLevel\": 3,"
		"   \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}},"
		"  {\"AttributeCondition\": {\"Name\": \"Technology\","
		"   \"Value\": \"Networking\", \"ProficiencyLevel\": 5,"
		"   \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}}]}}]}"),
		0);
	ASSERT_INT_EQ(f.offers, 0);
	ASSERT_INT_EQ(rentry_state(e), RENTRY_WAITING);
	e = mem_deref(e);
	fx_close(&f);

	/* NOT French: a1, the longest idle of a1 and a3 */
	ASSERT_INT_EQ(fx_init(&f, cfg_skills), 0);
	ASSERT_INT_EQ(enqueue_crit(&f, &e,
		"{\"Steps\": [{\"Expression\": {\"NotAttributeCondition\": {"
		"  \"Name\": \"Language\", \"Value\": \"French\","
		"  \"ProficiencyLevel\": 1,"
		"  \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}}}]}"),
		0);
	ASSERT_TRUE(fx_last_agent(&f) == fx_agent(&f, "a1"));
	mem_deref(e);
	fx_close(&f);
}


TEST(preferred_agent_by_id_or_arn)
{
	static const char *const ids[] = {
		"ag-3", "a3",
		("arn:aws:connect:us-east-1:111122223333:instance/i-1/agent/"
		 "ag-3"),
	};
	struct rentry *e = NULL;
	char text[512];
	struct fx f;
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		ASSERT_INT_EQ(fx_init(&f, cfg_skills), 0);
		snprintf(text, sizeof(text),
			 "{\"Steps\": [{\"Expression\": {"
			 " \"AttributeCondition\":"
			 " {\"ComparisonOperator\": \"Match\","
			 "  \"MatchCriteria\": {\"AgentsCriteria\": {"
			 "   \"AgentIds\": [\"%s\"]}}}},"
			 " \"Expiry\": {\"DurationInSeconds\": 10}}]}", ids[i]);
		ASSERT_INT_EQ(enqueue_crit(&f, &e, text), 0);
		ASSERT_INT_EQ(f.offers, 1);
		ASSERT_TRUE(fx_last_agent(&f) == fx_agent(&f, "a3"));
		e = mem_deref(e);
		fx_close(&f);
	}

	/* the preferred agent is busy: after the step, anyone */
	ASSERT_INT_EQ(fx_init(&f, cfg_skills), 0);
	ASSERT_INT_EQ(agent_set_status(fx_agent(&f, "a3"), "Offline"), 0);
	ASSERT_INT_EQ(enqueue_crit(&f, &e,
		"{\"Steps\": [{\"Expression\": {\"AttributeCondition\":"
		" {\"ComparisonOperator\": \"Match\","
		"  \"MatchCriteria\": {\"AgentsCriteria\": {"
		"   \"AgentIds\": [\"ag-3\"]}}}},"
		" \"Expiry\": {\"DurationInSeconds\": 10}}]}"), 0);
	ASSERT_INT_EQ(f.offers, 0);
	fx_advance(&f, 10000);
	ASSERT_INT_EQ(f.offers, 1);
	ASSERT_TRUE(fx_last_agent(&f) == fx_agent(&f, "a1"));
	mem_deref(e);
	fx_close(&f);
}


TEST(criteria_replaced_while_waiting)
{
	struct rcriteria *c;
	struct rentry *e = NULL;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_skills), 0);
	ASSERT_INT_EQ(enqueue_crit(&f, &e,
		"{\"Steps\": [{\"Expression\": {\"AttributeCondition\": {"
		"  \"Name\": \"Language\", \"Value\": \"Spanish\","
		"  \"ProficiencyLevel\": 1,"
		"  \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}},"
		" \"Expiry\": {\"DurationInSeconds\": 60}}]}"), 0);
	ASSERT_INT_EQ(f.offers, 0);
	ASSERT_NOT_NULL(rentry_criteria(e));
	fx_advance(&f, 40000);

	/* new criteria: step 1 again from now, routed at once */
	c = crit(STEPS_FR_EN);
	ASSERT_INT_EQ(rentry_set_criteria(e, c), 0);
	mem_deref(c);
	ASSERT_INT_EQ(f.offers, 1);
	ASSERT_TRUE(fx_last_agent(&f) == fx_agent(&f, "a2"));
	ASSERT_INT_EQ(rentry_step(e), 0);

	/* no criteria: anyone; once connected it cannot change */
	ASSERT_INT_EQ(agent_offer_answered(fx_agent(&f, "a2")), 0);
	ASSERT_INT_EQ(rentry_set_criteria(e, NULL), EPROTO);
	mem_deref(e);
	fx_close(&f);
}


TEST(proficiencies_over_the_api_and_reload)
{
	static const struct rproficiency es[] = {{"Language", "Spanish", 3}};
	static const struct rproficiency bad[] = {{"Language", "Spanish", 0}};
	const struct rproficiency *p;
	struct rentry *e = NULL;
	struct fx f;
	size_t n;

	ASSERT_INT_EQ(fx_init(&f, cfg_skills), 0);
	ASSERT_INT_EQ(enqueue_crit(&f, &e,
		"{\"Steps\": [{\"Expression\": {\"AttributeCondition\": {"
		"  \"Name\": \"language\", \"Value\": \"spanish\","
		"  \"ProficiencyLevel\": 2,"
		"  \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}}}]}"),
		0);
	ASSERT_INT_EQ(f.offers, 0);

	ASSERT_INT_EQ(agent_set_proficiencies(fx_agent(&f, "a1"), bad, 1),
		      EINVAL);
	ASSERT_INT_EQ(f.offers, 0);
	ASSERT_INT_EQ(agent_set_proficiencies(fx_agent(&f, "a1"), es, 1), 0);
	ASSERT_INT_EQ(f.offers, 1);
	ASSERT_TRUE(fx_last_agent(&f) == fx_agent(&f, "a1"));
	e = mem_deref(e);

	/* a reload of the same configuration keeps what the API set */
	ASSERT_INT_EQ(fx_reload(&f, cfg_skills), 0);
	p = agent_proficiencies(fx_agent(&f, "a1"), &n);
	ASSERT_INT_EQ(n, 1);
	ASSERT_STR_EQ(p[0].value, "Spanish");

	/* a configuration changing a1's proficiencies wins */
	ASSERT_INT_EQ(fx_reload(&f, cfg_skills_de), 0);
	p = agent_proficiencies(fx_agent(&f, "a1"), &n);
	ASSERT_INT_EQ(n, 1);
	ASSERT_STR_EQ(p[0].value, "German");
	fx_close(&f);
}


TEST(delay_behind_a_head_that_fits_nobody)
{
	struct rentry *e1 = NULL, *e2 = NULL;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f,
		"{\"queues\": [{\"name\": \"Q\"}],"
		" \"routing_profiles\": [{\"name\": \"P\","
		"   \"queues\": [{\"queue\": \"Q\", \"delay\": 10}]}],"
		" \"agents\": [{\"username\": \"a1\","
		"   \"routing_profile\": \"P\", \"contact\": \"sip:a1@h\","
		"   \"status\": \"Available\"}]}"), 0);

	/* e1 reaches the delay first but fits nobody; e2 must still be
	 * offered when it reaches the delay, with no other event */
	ASSERT_INT_EQ(enqueue_crit(&f, &e1,
		"{\"Steps\": [{\"Expression\": {\"AttributeCondition\": {"
		"  \"Name\": \"Language\", \"Value\": \"French\","
		"  \"ProficiencyLevel\": 1,"
		"  \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}}}]}"),
		0);
	fx_advance(&f, 2000);
	ASSERT_INT_EQ(fx_enqueue(&f, &e2, "Q", 5, 0), 0);
	fx_advance(&f, 8000);
	ASSERT_INT_EQ(f.offers, 0);
	fx_advance(&f, 1999);
	ASSERT_INT_EQ(f.offers, 0);
	fx_advance(&f, 1);
	ASSERT_INT_EQ(f.offers, 1);
	ASSERT_TRUE(fx_last_entry(&f) == e2);

	mem_deref(e1);
	mem_deref(e2);
	fx_close(&f);
}


/* Randomized, as in test_routing_router.c, with criteria, proficiency
 * changes and criteria replaced while waiting. */
static const char cfg_fuzz[] =
	"{\"queues\": [{\"name\": \"Q0\"}, {\"name\": \"Q1\"}],"
	" \"routing_profiles\": ["
	"  {\"name\": \"A\", \"after_contact_work_seconds\": 3,"
	"   \"ring_timeout_seconds\": 4, \"queues\": ["
	"   {\"queue\": \"Q0\", \"priority\": 1},"
	"   {\"queue\": \"Q1\", \"priority\": 2, \"delay\": 2}]},"
	"  {\"name\": \"B\", \"missed_offer\": {\"missed_seconds\": 1},"
	"   \"queues\": [{\"queue\": \"Q1\", \"priority\": 1},"
	"   {\"queue\": \"Q0\", \"priority\": 1, \"delay\": 3}]}],"
	" \"agents\": ["
	"  {\"username\": \"u0\", \"routing_profile\": \"A\","
	"   \"proficiencies\": [{\"name\": \"L\", \"value\": \"fr\","
	"   \"level\": 2}]},"
	"  {\"username\": \"u1\", \"routing_profile\": \"A\"},"
	"  {\"username\": \"u2\", \"id\": \"id-2\", \"routing_profile\": \"B\","
	"   \"proficiencies\": [{\"name\": \"L\", \"value\": \"en\","
	"   \"level\": 5}]},"
	"  {\"username\": \"u3\", \"routing_profile\": \"B\","
	"   \"proficiencies\": [{\"name\": \"L\", \"value\": \"fr\","
	"   \"level\": 4}, {\"name\": \"L\", \"value\": \"en\","
	"   \"level\": 1}]}]}";

static const char *const fuzz_crit[] = {
	"{\"Steps\": [{\"Expression\": {\"AttributeCondition\": {"
	" \"Name\": \"L\", \"Value\": \"fr\", \"ProficiencyLevel\": 3,"
	" \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}},"
	" \"Expiry\": {\"DurationInSeconds\": 2}},"
	" {\"Expression\": {\"AttributeCondition\": {"
	" \"Name\": \"L\", \"Value\": \"en\", \"ProficiencyLevel\": 1,"
	" \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}},"
	" \"Expiry\": {\"DurationInSeconds\": 1}}]}",
	"{\"Steps\": [{\"Expression\": {\"AttributeCondition\":"
	" {\"ComparisonOperator\": \"Match\", \"MatchCriteria\": {"
	" \"AgentsCriteria\": {\"AgentIds\": [\"id-2\"]}}}},"
	" \"Expiry\": {\"DurationInSeconds\": 3}}]}",
	"{\"Steps\": [{\"Expression\": {\"OrExpression\": ["
	" {\"AttributeCondition\": {\"Name\": \"L\", \"Value\": \"en\","
	" \"ProficiencyLevel\": 5,"
	" \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}},"
	" {\"NotAttributeCondition\": {\"Name\": \"L\", \"Value\": \"fr\","
	" \"ProficiencyLevel\": 1,"
	" \"ComparisonOperator\": \"NumberGreaterOrEqualTo\"}}]}}]}",
};


TEST(random_events_match_routing_select)
{
	static const char *const names[] = {"u0", "u1", "u2", "u3"};
	static const char *const queues[] = {"Q0", "Q1", "u1"};
	static const struct rproficiency pset[] = {
		{"L", "fr", 5}, {"L", "en", 2},
	};
	struct rcriteria *cv[3];
	struct rentry *ev[48] = {NULL};
	struct fuzz z;
	unsigned seed = 4242;
	size_t step, i;

	for (i = 0; i < 3; i++) {
		cv[i] = crit(fuzz_crit[i]);
		ASSERT_NOT_NULL(cv[i]);
	}
	memset(&z, 0, sizeof(z));
	ASSERT_INT_EQ(fx_init(&z.f, cfg_fuzz), 0);
	router_set_pick_hook(z.f.r, fx_pick_check, &z);

	for (step = 0; step < 30000; step++) {
		struct ragent *a = fx_agent(&z.f, names[rand_r(&seed) % 4]);
		size_t k = (size_t)rand_r(&seed) % 48;
		int op = rand_r(&seed) % 13;
		struct renqueue o;

		switch (op) {

		case 0:
		case 1:
			if (rentry_state(ev[k]) == RENTRY_DONE)
				ev[k] = mem_deref(ev[k]);
			if (ev[k])
				break;
			memset(&o, 0, sizeof(o));
			o.qprio = (uint32_t)(rand_r(&seed) % 2);
			o.adjust_s = rand_r(&seed) % 3;
			i = (size_t)rand_r(&seed) % 4;
			o.crit = i < 3 ? cv[i] : NULL;
			{
				const char *qn = queues[rand_r(&seed) % 3];
				struct rqueue *q = router_queue(z.f.r, qn);

				if (!q)
					q = agent_queue(fx_agent(&z.f, qn));
				(void)router_enqueue_opts(&ev[k], z.f.r, q, &o,
							  NULL, NULL);
			}
			break;
		case 2:
			ev[k] = mem_deref(ev[k]);
			break;
		case 3:
			(void)agent_set_status(a, rand_r(&seed) % 3 ?
					       "Available" : "Offline");
			break;
		case 4:
			(void)agent_set_device(a, rand_r(&seed) % 4 != 0);
			break;
		case 5:
			(void)agent_offer_answered(a);
			break;
		case 6:
			(void)agent_offer_missed(a);
			break;
		case 7:
			(void)agent_contact_ended(a);
			break;
		case 8:
			(void)agent_clear(a);
			break;
		case 9:
			i = (size_t)rand_r(&seed) % 3;
			(void)agent_set_proficiencies(a, &pset[i % 2],
						      i == 2 ? 0 : 1);
			break;
		case 10:
			i = (size_t)rand_r(&seed) % 4;
			(void)rentry_set_criteria(ev[k], i < 3 ? cv[i] : NULL);
			break;
		default:
			fx_advance(&z.f, (uint64_t)(rand_r(&seed) % 1500));
			break;
		}

		if (!fx_no_pair_left(z.f.r)) {
			test_fail(__FILE__, __LINE__, "step %zu op %d: a "
				  "pair was left waiting", step, op);
			break;
		}
	}

	ASSERT_INT_EQ(z.mismatches, 0);
	ASSERT_TRUE(z.picks > 1000);
	for (i = 0; i < 48; i++)
		mem_deref(ev[i]);
	for (i = 0; i < 3; i++)
		mem_deref(cv[i]);
	fx_close(&z.f);
}
