/*
 * The router: configuration errors, capacity, delay timers, reload
 * keeping state and contacts, queue removal, metrics, and a randomized
 * check that every incremental decision equals routing_select() over the
 * router's snapshot and that no possible pair is ever left waiting.
 */
#include <errno.h>
#include <stdlib.h>
#include "test.h"
#include "test_routing_fixture.h"

static const char cfg_two[] =
	"{\"queues\": [{\"name\": \"Sales\", \"max_contacts\": 2},"
	"              {\"name\": \"Support\", \"id\": \"q-sup\"}],"
	" \"routing_profiles\": [{\"name\": \"P\", \"id\": \"rp-1\","
	"   \"queues\": [{\"queue\": \"Sales\", \"priority\": 1},"
	"                {\"queue\": \"q-sup\", \"priority\": 2,"
	"                 \"delay\": 30}]}],"
	" \"agents\": ["
	"  {\"username\": \"alice\", \"routing_profile\": \"rp-1\","
	"   \"contact\": \"sip:a@h\", \"status\": \"Available\"},"
	"  {\"username\": \"bob\", \"routing_profile\": \"P\","
	"   \"contact\": \"sip:b@h\"}]}";


static const struct {
	const char *json;
	const char *err;
} bad_cfgs[] = {
	{"{\"routing_profiles\": [{\"name\": \"P\", \"queues\": "
	 "[{\"queue\": \"nope\"}]}]}",
	 "routing_profiles[0].queues[0].queue: unknown queue \"nope\""},
	{"{\"queues\": [{\"name\": \"Q\"}], \"routing_profiles\": [{\"name\":"
	 " \"P\", \"queues\": [{\"queue\": \"Q\", \"priority\": 100}]}]}",
	 "routing_profiles[0].queues[0].priority: 100 is out of range 1..99"},
	{"{\"queues\": [{\"name\": \"Q\"}], \"routing_profiles\": [{\"name\":"
	 " \"P\", \"queues\": [{\"queue\": \"Q\"}, {\"queue\": \"q\"}]}]}",
	 "routing_profiles[0].queues[1].queue: queue \"q\" is already in "
	 "this profile"},
	{"{\"routing_profiles\": [{\"name\": \"P\", \"ring\": 3}]}",
	 "routing_profiles[0].ring: unknown key"},
	{"{\"routing_profiles\": [{\"name\": \"P\"}, {\"name\": \"p\"}]}",
	 "routing_profiles[1].name: duplicate routing profile \"p\""},
	{"{\"routing_profiles\": [{\"name\": \"P\", \"missed_offer\": "
	 "{\"status\": \"Available\"}}]}",
	 "routing_profiles[0].missed_offer.status: \"Available\" is "
	 "routable"},
	{"{\"routing_profiles\": [{\"name\": \"P\", "
	 "\"after_contact_work_seconds\": \"x\"}]}",
	 "routing_profiles[0].after_contact_work_seconds: expected a whole "
	 "number"},
	{"{\"agent_statuses\": [{\"name\": \"Lunch\", \"type\": \"NAP\"}]}",
	 "agent_statuses[0].type: expected ROUTABLE, CUSTOM or OFFLINE"},
	{"{\"agent_statuses\": [{\"name\": \"A\", \"type\": \"ROUTABLE\"},"
	 "{\"name\": \"B\", \"type\": \"ROUTABLE\"}]}",
	 "agent_statuses[1].type: only one ROUTABLE status (\"A\") may "
	 "exist"},
	{"{\"agent_statuses\": [{\"name\": \"Offline\", \"type\": "
	 "\"CUSTOM\"}]}",
	 "agent_statuses: \"Offline\" must be the OFFLINE status"},
	{"{\"agent_statuses\": [{\"name\": \"B\", \"type\": \"CUSTOM\"},"
	 "{\"name\": \"b\", \"type\": \"CUSTOM\"}]}",
	 "agent_statuses[1].name: duplicate status \"b\""},
	{"{\"agents\": [{\"username\": \"a\", \"routing_profile\": \"X\"}]}",
	 "agents[0].routing_profile: unknown routing profile \"X\""},
	{"{\"agents\": [{\"username\": \"a\", \"status\": \"Gone\"}]}",
	 "agents[0].status: unknown status \"Gone\""},
	{"{\"agents\": [{\"username\": \"a\", \"password\": 5}]}",
	 "agents[0].password: expected a non-empty string"},
	{"{\"routing_profiles\": {}}",
	 "routing_profiles: expected an array"},
};


TEST(config_errors_name_the_key)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cfgs) / sizeof(bad_cfgs[0]); i++) {
		struct config *cfg = NULL;
		char err[256] = "";

		ASSERT_INT_EQ(config_parse(&cfg, bad_cfgs[i].json, NULL, err,
					   sizeof(err)), 0);
		ASSERT_INT_EQ(routing_config_check(cfg, err, sizeof(err)),
			      EINVAL);
		mem_deref(cfg);
		ASSERT_STR_EQ(err, bad_cfgs[i].err);
	}
}


TEST(empty_config_has_system_statuses)
{
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, "{\"agents\": [{\"username\": \"z\"}]}"),
		      0);
	ASSERT_STR_EQ(agent_status(fx_agent(&f, "z")), "Offline");
	ASSERT_INT_EQ(agent_set_status(fx_agent(&f, "z"), "Available"), 0);
	ASSERT_INT_EQ(router_agent_count(f.r), 1);
	ASSERT_INT_EQ(router_queue_count(f.r), 0);
	fx_close(&f);
}


TEST(queue_at_capacity)
{
	struct rentry *e1 = NULL, *e2 = NULL, *e3 = NULL;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_two), 0);
	ASSERT_INT_EQ(agent_set_status(fx_agent(&f, "alice"), "Offline"), 0);
	ASSERT_INT_EQ(fx_enqueue(&f, &e1, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(fx_enqueue(&f, &e2, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(fx_enqueue(&f, &e3, "Sales", 5, 0), EOVERFLOW);
	ASSERT_NULL(e3);
	/* an offered contact still counts */
	ASSERT_INT_EQ(agent_set_status(fx_agent(&f, "bob"), "Available"), 0);
	ASSERT_INT_EQ(f.offers, 1);
	ASSERT_INT_EQ(fx_enqueue(&f, &e3, "Sales", 5, 0), EOVERFLOW);
	e1 = mem_deref(e1);
	ASSERT_INT_EQ(fx_enqueue(&f, &e3, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(router_enqueue(&e1, f.r, NULL, 5, 0, NULL, NULL),
		      EINVAL);
	mem_deref(e2);
	mem_deref(e3);
	fx_close(&f);
}


TEST(delay_eligibility_on_the_clock)
{
	struct rentry *e = NULL;
	struct ragent *a;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_two), 0);
	a = fx_agent(&f, "alice");
	ASSERT_NOT_NULL(router_queue(f.r, "arn:aws:connect:r:1:instance/i/"
				     "queue/q-sup"));
	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Support", 5, 0), 0);
	ASSERT_INT_EQ(f.offers, 0);
	fx_advance(&f, 29999);
	ASSERT_INT_EQ(f.offers, 0);
	fx_advance(&f, 1);
	ASSERT_INT_EQ(f.offers, 1);
	ASSERT_TRUE(fx_last_agent(&f) == a);
	mem_deref(e);

	/* an adjustment counts toward the delay */
	f.offers = 0;
	ASSERT_INT_EQ(agent_clear(a), EPROTO);
	ASSERT_INT_EQ(agent_state(a), AGENT_IDLE);
	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Support", 5, 25), 0);
	fx_advance(&f, 4999);
	ASSERT_INT_EQ(f.offers, 0);
	fx_advance(&f, 1);
	ASSERT_INT_EQ(f.offers, 1);
	mem_deref(e);
	fx_close(&f);
}


TEST(reload_keeps_state_status_and_contacts)
{
	struct rentry *e1 = NULL, *e2 = NULL;
	struct ragent *a, *b;
	uint64_t since;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_two), 0);
	a = fx_agent(&f, "alice");
	b = fx_agent(&f, "bob");
	ASSERT_INT_EQ(fx_enqueue(&f, &e1, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(agent_offer_answered(a), 0);
	ASSERT_INT_EQ(fx_enqueue(&f, &e2, "Sales", 5, 0), 0);
	since = agent_state_since(a);

	f.now += 5000;
	/* bob is no longer Available by config, but keeps his status */
	ASSERT_INT_EQ(fx_reload(&f,
		"{\"queues\": [{\"name\": \"Sales\"}, {\"name\": \"New\"}],"
		" \"routing_profiles\": [{\"name\": \"P\", \"queues\": "
		"   [{\"queue\": \"New\"}, {\"queue\": \"Sales\"}]}],"
		" \"agents\": [{\"username\": \"bob\", \"routing_profile\": "
		"\"P\", \"status\": \"Available\"},"
		" {\"username\": \"alice\", \"routing_profile\": \"P\"}]}"), 0);
	ASSERT_TRUE(fx_agent(&f, "alice") == a);
	ASSERT_INT_EQ(agent_state(a), AGENT_ON_CONTACT);
	ASSERT_INT_EQ(agent_state_since(a), since);
	ASSERT_STR_EQ(agent_status(a), "Available");
	ASSERT_TRUE(agent_entry(a) == e1);
	ASSERT_INT_EQ(rentry_state(e2), RENTRY_WAITING);
	ASSERT_STR_EQ(agent_status(b), "Offline");
	ASSERT_NOT_NULL(router_queue(f.r, "New"));
	ASSERT_NULL(router_queue(f.r, "Support"));
	/* alice still has a static contact from before? no: removed */
	ASSERT_NULL(agent_contact_uri(a));

	ASSERT_INT_EQ(agent_contact_ended(a), 0);
	/* no ACW in the new profile: the waiting contact at once */
	ASSERT_INT_EQ(agent_state(a), AGENT_INCOMING);
	ASSERT_TRUE(fx_last_entry(&f) == e2);
	ASSERT_TRUE(fx_last_agent(&f) == a);

	ASSERT_INT_EQ(fx_reload(&f, "{\"queues\": 5}"), EINVAL);
	ASSERT_INT_EQ(fx_reload(&f, "{\"queues\": [{\"name\": \"Sales\"}],"
		" \"agents\": [{\"username\": \"a\", \"routing_profile\": "
		"\"Gone\"}]}"), EINVAL);
	ASSERT_TRUE(fx_agent(&f, "alice") == a);	/* unchanged */
	mem_deref(e1);
	mem_deref(e2);
	fx_close(&f);
}


TEST(removed_queue_keeps_waiting_contacts_until_they_leave)
{
	struct rentry *e1 = NULL, *e2 = NULL;
	struct rqueue *q;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_two), 0);
	ASSERT_INT_EQ(agent_set_status(fx_agent(&f, "alice"), "Offline"), 0);
	ASSERT_INT_EQ(fx_enqueue(&f, &e1, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(fx_enqueue(&f, &e2, "Sales", 5, 0), 0);
	q = rentry_queue(e1);

	ASSERT_INT_EQ(fx_reload(&f, "{\"queues\": [{\"name\": \"Other\"}],"
		" \"agents\": [{\"username\": \"alice\", \"contact\": \"x\","
		" \"status\": \"Available\"}]}"), 0);
	ASSERT_NULL(router_queue(f.r, "Sales"));
	ASSERT_TRUE(rqueue_removed(q));
	ASSERT_INT_EQ(rentry_state(e1), RENTRY_WAITING);
	ASSERT_INT_EQ(rqueue_waiting(q), 2);
	ASSERT_INT_EQ(router_queue_count(f.r), 2);
	ASSERT_INT_EQ(router_enqueue(&f.offer_e[0], f.r, q, 5, 0, NULL,
				     NULL), ENOENT);
	/* bob was removed from the configuration: gone when idle */
	ASSERT_NULL(fx_agent(&f, "bob"));
	ASSERT_INT_EQ(router_agent_count(f.r), 1);

	e1 = mem_deref(e1);
	ASSERT_INT_EQ(router_queue_count(f.r), 2);
	router_dequeue(e2);
	ASSERT_INT_EQ(rentry_state(e2), RENTRY_DONE);
	ASSERT_INT_EQ(router_queue_count(f.r), 1);
	mem_deref(e2);
	fx_close(&f);
}


TEST(removed_agent_stays_until_its_contact_ends)
{
	struct rentry *e = NULL;
	struct ragent *a;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_two), 0);
	a = fx_agent(&f, "alice");
	mem_ref(a);
	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(agent_offer_answered(a), 0);
	ASSERT_INT_EQ(fx_reload(&f, "{\"queues\": [{\"name\": \"Sales\"}]}"),
		      0);
	ASSERT_NULL(fx_agent(&f, "alice"));
	ASSERT_INT_EQ(router_agent_count(f.r), 1);
	ASSERT_INT_EQ(agent_state(a), AGENT_ON_CONTACT);
	ASSERT_STR_EQ(agent_next_status(a), "Offline");
	e = mem_deref(e);	/* hang-up: idle, then gone */
	ASSERT_INT_EQ(router_agent_count(f.r), 0);
	ASSERT_INT_EQ(agent_set_status(a, "Available"), ENOENT);
	mem_deref(a);
	fx_close(&f);
}


TEST(metrics_per_queue)
{
	struct rentry *e1 = NULL, *e2 = NULL, *e3 = NULL;
	struct rmetrics m;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f,
		"{\"queues\": [{\"name\": \"Q\"}, {\"name\": \"R\"}],"
		" \"agent_statuses\": [{\"name\": \"Lunch\", \"type\": "
		"\"CUSTOM\"}],"
		" \"routing_profiles\": [{\"name\": \"P\", "
		"\"after_contact_work_seconds\": 60, \"queues\": "
		"[{\"queue\": \"Q\"}]}, {\"name\": \"PR\", \"queues\": "
		"[{\"queue\": \"R\"}]}],"
		" \"agents\": ["
		"{\"username\": \"a1\", \"routing_profile\": \"P\", "
		"\"contact\": \"c\", \"status\": \"Available\"},"
		"{\"username\": \"a2\", \"routing_profile\": \"P\", "
		"\"contact\": \"c\", \"status\": \"Available\"},"
		"{\"username\": \"a3\", \"routing_profile\": \"P\", "
		"\"contact\": \"c\", \"status\": \"Available\"},"
		"{\"username\": \"a4\", \"routing_profile\": \"P\", "
		"\"status\": \"Lunch\"},"
		"{\"username\": \"a5\", \"routing_profile\": \"P\"},"
		"{\"username\": \"a6\", \"routing_profile\": \"PR\", "
		"\"contact\": \"c\", \"status\": \"Available\"}]}"), 0);

	router_metrics(f.r, router_queue(f.r, "Q"), &m);
	ASSERT_INT_EQ(m.contacts_in_queue, 0);
	ASSERT_INT_EQ(m.agents_online, 4);
	ASSERT_INT_EQ(m.agents_available, 3);
	ASSERT_INT_EQ(m.agents_staffed, 3);
	ASSERT_INT_EQ(m.agents_non_productive, 1);

	ASSERT_INT_EQ(fx_enqueue(&f, &e1, "Q", 5, 0), 0);	/* a1 */
	ASSERT_INT_EQ(agent_offer_answered(fx_last_agent(&f)), 0);
	ASSERT_INT_EQ(agent_contact_ended(fx_last_agent(&f)), 0); /* ACW */
	ASSERT_INT_EQ(fx_enqueue(&f, &e2, "Q", 5, 0), 0);	/* a2 */
	ASSERT_INT_EQ(agent_offer_missed(fx_last_agent(&f)), 0);
	/* e2 went to a3, ringing */
	f.now += 3000;
	ASSERT_INT_EQ(agent_set_status(fx_agent(&f, "a4"), "Available"), 0);
	ASSERT_INT_EQ(fx_enqueue(&f, &e3, "Q", 5, 0), 0);	/* waits */
	f.now += 2000;

	router_metrics(f.r, router_queue(f.r, "Q"), &m);
	ASSERT_INT_EQ(m.contacts_in_queue, 2);
	ASSERT_INT_EQ(m.oldest_contact_age_ms, 5000);	/* e2, ringing */
	ASSERT_INT_EQ(m.agents_online, 4);
	ASSERT_INT_EQ(m.agents_available, 0);
	ASSERT_INT_EQ(m.agents_staffed, 4);
	ASSERT_INT_EQ(m.agents_acw, 1);
	ASSERT_INT_EQ(m.agents_missed, 1);
	ASSERT_INT_EQ(m.agents_busy, 1);
	ASSERT_INT_EQ(m.agents_non_productive, 0);

	router_metrics(f.r, router_queue(f.r, "R"), &m);
	ASSERT_INT_EQ(m.agents_online, 1);
	ASSERT_INT_EQ(m.agents_available, 1);
	ASSERT_INT_EQ(m.contacts_in_queue, 0);

	router_metrics(f.r, agent_queue(fx_agent(&f, "a6")), &m);
	ASSERT_INT_EQ(m.agents_online, 1);
	mem_deref(e1);
	mem_deref(e2);
	mem_deref(e3);
	fx_close(&f);
}


/* Randomized: the router's choices equal routing_select() on its
 * snapshot, and after each event no pair is left possible. */
static const char cfg_fuzz[] =
	"{\"queues\": [{\"name\": \"Q0\"}, {\"name\": \"Q1\"},"
	"  {\"name\": \"Q2\"}],"
	" \"agent_statuses\": [{\"name\": \"Break\", \"type\": \"CUSTOM\"}],"
	" \"routing_profiles\": ["
	"  {\"name\": \"A\", \"after_contact_work_seconds\": 3,"
	"   \"ring_timeout_seconds\": 4, \"queues\": ["
	"   {\"queue\": \"Q0\", \"priority\": 1},"
	"   {\"queue\": \"Q1\", \"priority\": 1, \"delay\": 2},"
	"   {\"queue\": \"Q2\", \"priority\": 2}]},"
	"  {\"name\": \"B\", \"queues\": ["
	"   {\"queue\": \"Q2\", \"priority\": 1},"
	"   {\"queue\": \"Q0\", \"priority\": 3, \"delay\": 5}]},"
	"  {\"name\": \"C\", \"missed_offer\": {\"missed_seconds\": 1},"
	"   \"queues\": [{\"queue\": \"Q1\", \"priority\": 2}]}],"
	" \"agents\": ["
	"  {\"username\": \"u0\", \"routing_profile\": \"A\"},"
	"  {\"username\": \"u1\", \"routing_profile\": \"A\"},"
	"  {\"username\": \"u2\", \"routing_profile\": \"B\"},"
	"  {\"username\": \"u3\", \"routing_profile\": \"B\"},"
	"  {\"username\": \"u4\", \"routing_profile\": \"C\"},"
	"  {\"username\": \"u5\"}]}";


TEST(random_events_match_routing_select)
{
	static const char *const names[] = {"u0", "u1", "u2", "u3", "u4",
					    "u5"};
	static const char *const queues[] = {"Q0", "Q1", "Q2", "u1", "u4"};
	static const char *const statuses[] = {"Available", "Break",
					       "Offline"};
	struct rentry *ev[64] = {NULL};
	struct fuzz z;
	unsigned seed = 12345;
	size_t step, i;

	memset(&z, 0, sizeof(z));
	ASSERT_INT_EQ(fx_init(&z.f, cfg_fuzz), 0);
	router_set_pick_hook(z.f.r, fx_pick_check, &z);

	for (step = 0; step < 50000; step++) {
		struct ragent *a = fx_agent(&z.f, names[rand_r(&seed) % 6]);
		size_t k = (size_t)rand_r(&seed) % 64;
		int op = rand_r(&seed) % 12;

		switch (op) {

		case 0:
		case 1:
			if (rentry_state(ev[k]) == RENTRY_DONE)
				ev[k] = mem_deref(ev[k]);
			if (!ev[k])
				(void)fx_enqueue(&z.f, &ev[k],
						 queues[rand_r(&seed) % 5],
						 (uint32_t)(rand_r(&seed) % 3),
						 rand_r(&seed) % 4);
			break;
		case 2:
			ev[k] = mem_deref(ev[k]);
			break;
		case 3:
			(void)agent_set_status(a, statuses[rand_r(&seed) %
							   3]);
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
			(void)agent_hold(a, rand_r(&seed) % 2);
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
	for (i = 0; i < 64; i++)
		mem_deref(ev[i]);
	fx_close(&z.f);
}
