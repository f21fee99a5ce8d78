/*
 * routing_select(): scenario tables for the routing rule (profile
 * priority, delay, QueuePriority, age with adjustment, longest idle,
 * deterministic ties, agent queue first).
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/routing/select.h>
#include "test.h"

#define NOW 1000000
#define S(x) ((int64_t)(x) * 1000)
#define MAXI 4
#define MAXA 4
#define MAXC 6

struct tagent {
	int64_t idle;
	uint32_t ord;
	struct rsel_item items[MAXI];
	size_t itemc;
};

struct scenario {
	const char *name;
	struct tagent agents[MAXA];
	size_t agentc;
	struct rsel_contact contacts[MAXC];
	size_t contactc;
	int want_agent;		/* -1: no pair */
	int want_contact;
};

/* contact: queue, QueuePriority, eff_ms (NOW - age), seq */
#define C(q_, p_, age_s, seq_) \
	{.queue = q_, .qprio = p_, .eff_ms = NOW - S(age_s), .seq = seq_}
/* item: queue, priority, delay (s) */
#define I(q, p, d) {q, p, (uint64_t)S(d)}

static const struct scenario scenarios[] = {
	{"no agents", {{0}}, 0, {C(0, 5, 10, 1)}, 1, -1, -1},
	{"no contacts", {{0, 0, {I(0, 1, 0)}, 1}}, 1, {{0}}, 0, -1, -1},
	{"oldest first",
	 {{0, 0, {I(0, 1, 0)}, 1}}, 1,
	 {C(0, 5, 10, 1), C(0, 5, 30, 2), C(0, 5, 20, 3)}, 3, 0, 1},
	{"QueuePriority before age",
	 {{0, 0, {I(0, 1, 0)}, 1}}, 1,
	 {C(0, 5, 60, 1), C(0, 1, 5, 2), C(0, 3, 90, 3)}, 3, 0, 1},
	{"adjustment makes a contact older",
	 /* contact 1 waited 10 s with a 60 s adjustment: age 70 */
	 {{0, 0, {I(0, 1, 0)}, 1}}, 1,
	 {C(0, 5, 40, 1), C(0, 5, 70, 2)}, 2, 0, 1},
	{"equal age and priority: enqueued first",
	 {{0, 0, {I(0, 1, 0)}, 1}}, 1,
	 {C(0, 5, 10, 7), C(0, 5, 10, 3), C(0, 5, 10, 5)}, 3, 0, 1},
	{"profile priority before age",
	 {{0, 0, {I(0, 2, 0), I(1, 1, 0)}, 2}}, 1,
	 {C(0, 1, 300, 1), C(1, 9, 1, 2)}, 2, 0, 1},
	{"delay not reached: next priority",
	 {{0, 0, {I(1, 1, 30), I(0, 2, 0)}, 2}}, 1,
	 {C(0, 5, 5, 1), C(1, 5, 29, 2)}, 2, 0, 0},
	{"delay reached",
	 {{0, 0, {I(1, 1, 30), I(0, 2, 0)}, 2}}, 1,
	 {C(0, 5, 5, 1), C(1, 5, 30, 2)}, 2, 0, 1},
	{"delay: only the head of an old-enough level",
	 /* QueuePriority 1 contact is young, the priority-5 one is old */
	 {{0, 0, {I(0, 1, 20)}, 1}}, 1,
	 {C(0, 1, 5, 1), C(0, 5, 25, 2)}, 2, 0, 1},
	{"same priority queues compared by QueuePriority",
	 {{0, 0, {I(0, 1, 0), I(1, 1, 0)}, 2}}, 1,
	 {C(0, 5, 100, 1), C(1, 2, 1, 2)}, 2, 0, 1},
	{"same priority queues compared by age",
	 {{0, 0, {I(0, 1, 0), I(1, 1, 0)}, 2}}, 1,
	 {C(0, 5, 10, 1), C(1, 5, 11, 2)}, 2, 0, 1},
	{"longest idle agent",
	 {{S(50), 0, {I(0, 1, 0)}, 1}, {S(20), 1, {I(0, 1, 0)}, 1},
	  {S(40), 2, {I(0, 1, 0)}, 1}}, 3,
	 {C(0, 5, 10, 1)}, 1, 1, 0},
	{"idle tie broken by ord",
	 {{S(20), 4, {I(0, 1, 0)}, 1}, {S(20), 2, {I(0, 1, 0)}, 1},
	  {S(20), 3, {I(0, 1, 0)}, 1}}, 3,
	 {C(0, 5, 10, 1)}, 1, 1, 0},
	{"longest idle without an eligible contact is skipped",
	 {{S(10), 0, {I(2, 1, 0)}, 1}, {S(20), 1, {I(0, 1, 0)}, 1}}, 2,
	 {C(0, 5, 10, 1)}, 1, 1, 0},
	{"delay for one agent only",
	 {{S(10), 0, {I(0, 1, 60)}, 1}, {S(20), 1, {I(0, 1, 0)}, 1}}, 2,
	 {C(0, 5, 10, 1)}, 1, 1, 0},
	{"longest idle takes its own best",
	 /* agent 0 (longest idle) prefers queue 1; agent 1 queue 0 */
	 {{S(10), 0, {I(1, 1, 0), I(0, 2, 0)}, 2},
	  {S(20), 1, {I(0, 1, 0)}, 1}}, 2,
	 {C(0, 5, 50, 1), C(1, 5, 5, 2)}, 2, 0, 1},
	{"agent queue first",
	 {{0, 0, {I(9, 0, 0), I(0, 1, 0)}, 2}}, 1,
	 {C(0, 1, 500, 1), C(9, 9, 1, 2)}, 2, 0, 1},
	{"nothing eligible",
	 {{0, 0, {I(0, 1, 60)}, 1}, {0, 1, {I(1, 1, 0)}, 1}}, 2,
	 {C(0, 5, 59, 1), C(2, 5, 100, 2)}, 2, -1, -1},
};


TEST(scenario_table)
{
	size_t i, j;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const struct scenario *s = &scenarios[i];
		struct rsel_agent av[MAXA];
		size_t ai = 99, ci = 99;
		int err;

		memset(av, 0, sizeof(av));
		for (j = 0; j < s->agentc; j++) {
			av[j].idle_since = s->agents[j].idle;
			av[j].ord = s->agents[j].ord;
			av[j].items = s->agents[j].items;
			av[j].itemc = s->agents[j].itemc;
			av[j].agent = NULL;
		}

		err = routing_select(av, s->agentc, s->contacts, s->contactc,
				     NOW, &ai, &ci);
		if (s->want_agent < 0) {
			if (err != ENOENT)
				test_fail(__FILE__, __LINE__, "%s: expected "
					  "no pair, got %zu/%zu", s->name,
					  ai, ci);
			continue;
		}
		if (err || (int)ai != s->want_agent ||
		    (int)ci != s->want_contact)
			test_fail(__FILE__, __LINE__, "%s: got err %d agent "
				  "%zu contact %zu, want %d/%d", s->name,
				  err, ai, ci, s->want_agent,
				  s->want_contact);
	}
	ASSERT_TRUE(!test_failed());
}


TEST(order_of_input_does_not_matter)
{
	/* the same scenario reversed picks the same agent and contact */
	struct rsel_item it[] = {I(0, 1, 0)};
	struct rsel_agent av[3] = {
		{.idle_since = S(30), .ord = 0, .items = it, .itemc = 1},
		{.idle_since = S(10), .ord = 1, .items = it, .itemc = 1},
		{.idle_since = S(10), .ord = 2, .items = it, .itemc = 1},
	};
	struct rsel_agent rv[3] = {av[2], av[1], av[0]};
	struct rsel_contact cv[3] = {C(0, 5, 5, 1), C(0, 5, 9, 2),
				     C(0, 5, 9, 3)};
	struct rsel_contact rc[3] = {cv[2], cv[1], cv[0]};
	size_t ai, ci;

	ASSERT_INT_EQ(routing_select(av, 3, cv, 3, NOW, &ai, &ci), 0);
	ASSERT_INT_EQ(ai, 1);
	ASSERT_INT_EQ(ci, 1);
	ASSERT_INT_EQ(routing_select(rv, 3, rc, 3, NOW, &ai, &ci), 0);
	ASSERT_INT_EQ(ai, 1);
	ASSERT_INT_EQ(ci, 1);
}


TEST(bad_arguments)
{
	size_t ai, ci;

	ASSERT_INT_EQ(routing_select(NULL, 1, NULL, 0, NOW, &ai, &ci),
		      EINVAL);
	ASSERT_INT_EQ(routing_select(NULL, 0, NULL, 0, NOW, NULL, &ci),
		      EINVAL);
	ASSERT_INT_EQ(routing_select(NULL, 0, NULL, 0, NOW, &ai, &ci),
		      ENOENT);
}
