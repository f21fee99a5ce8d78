/*
 * The agent state machine through the router on a fake clock: every
 * transition and every exit (timer, hang-up, device, API), status changes
 * during a contact, misses, and events in states where they do not apply.
 */
#include <errno.h>
#include "test.h"
#include "test_routing_fixture.h"

static const char cfg_basic[] =
	"{\"queues\": [{\"name\": \"Sales\"}, {\"name\": \"Support\"}],"
	" \"agent_statuses\": [{\"name\": \"Break\", \"type\": \"CUSTOM\"},"
	"   {\"name\": \"Too many misses\", \"type\": \"CUSTOM\"}],"
	" \"routing_profiles\": [{\"name\": \"Basic\","
	"   \"queues\": [{\"queue\": \"Sales\", \"priority\": 1},"
	"                {\"queue\": \"Support\", \"priority\": 2}],"
	"   \"after_contact_work_seconds\": 30,"
	"   \"ring_timeout_seconds\": 15,"
	"   \"missed_offer\": {\"missed_seconds\": 10, \"max_in_a_row\": 2,"
	"                      \"status\": \"Too many misses\"}},"
	"  {\"name\": \"NoAcw\", \"queues\": [{\"queue\": \"Support\"}]}],"
	" \"agents\": ["
	"  {\"username\": \"alice\", \"routing_profile\": \"Basic\","
	"   \"contact\": \"sip:alice@127.0.0.1\", \"status\": \"Available\","
	"   \"password\": \"secret\", \"first_name\": \"Alice\"},"
	"  {\"username\": \"bob\", \"routing_profile\": \"Basic\","
	"   \"status\": \"Available\"},"
	"  {\"username\": \"carol\", \"routing_profile\": \"NoAcw\"}]}";


TEST(initial_state_from_config)
{
	struct fx f;
	struct ragent *a, *b, *c;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	a = fx_agent(&f, "alice");
	b = fx_agent(&f, "BOB");
	c = fx_agent(&f, "carol");
	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(b);
	ASSERT_NOT_NULL(c);
	ASSERT_STR_EQ(agent_password(a), "secret");
	ASSERT_STR_EQ(agent_first_name(a), "Alice");
	ASSERT_STR_EQ(agent_contact_uri(a), "sip:alice@127.0.0.1");
	ASSERT_STR_EQ(agent_profile_name(a), "Basic");
	/* a static contact is a device; bob has none until he registers */
	ASSERT_TRUE(agent_device(a));
	ASSERT_FALSE(agent_device(b));
	ASSERT_TRUE(agent_routable(a));
	ASSERT_FALSE(agent_routable(b));
	ASSERT_STR_EQ(agent_status(c), "Offline");
	ASSERT_STR_EQ(agent_display_state(c), "Offline");
	ASSERT_STR_EQ(agent_display_state(a), "Available");
	ASSERT_NULL(fx_agent(&f, "nobody"));
	fx_close(&f);
}


TEST(full_contact_cycle_with_timestamps)
{
	struct rentry *e = NULL;
	struct ragent *a;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	a = fx_agent(&f, "alice");

	f.now += 1000;
	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(f.offers, 1);
	ASSERT_TRUE(fx_last_agent(&f) == a);
	ASSERT_TRUE(fx_last_entry(&f) == e);
	ASSERT_INT_EQ(agent_state(a), AGENT_INCOMING);
	ASSERT_INT_EQ(agent_state_since(a), f.now);
	ASSERT_INT_EQ(rentry_state(e), RENTRY_OFFERED);
	ASSERT_TRUE(rentry_agent(e) == a);
	ASSERT_TRUE(agent_entry(a) == e);

	f.now += 2000;
	ASSERT_INT_EQ(agent_offer_answered(a), 0);
	ASSERT_INT_EQ(agent_state(a), AGENT_ON_CONTACT);
	ASSERT_INT_EQ(agent_state_since(a), f.now);
	ASSERT_INT_EQ(rentry_state(e), RENTRY_CONNECTED);

	ASSERT_INT_EQ(agent_hold(a, true), 0);
	ASSERT_INT_EQ(agent_state(a), AGENT_ON_HOLD);
	ASSERT_INT_EQ(agent_hold(a, true), 0);	/* idempotent */
	ASSERT_INT_EQ(agent_hold(a, false), 0);
	ASSERT_INT_EQ(agent_state(a), AGENT_ON_CONTACT);

	f.now += 60000;
	ASSERT_INT_EQ(agent_contact_ended(a), 0);
	ASSERT_INT_EQ(agent_state(a), AGENT_ACW);
	ASSERT_INT_EQ(agent_state_since(a), f.now);
	ASSERT_INT_EQ(rentry_state(e), RENTRY_DONE);
	ASSERT_NULL(agent_entry(a));

	/* ACW lasts the profile's 30 s */
	fx_advance(&f, 29999);
	ASSERT_INT_EQ(agent_state(a), AGENT_ACW);
	fx_advance(&f, 1);
	ASSERT_INT_EQ(agent_state(a), AGENT_IDLE);
	ASSERT_TRUE(agent_routable(a));
	ASSERT_INT_EQ(agent_idle_since(a), f.now);
	ASSERT_TRUE(f.notes >= 6);

	mem_deref(e);
	fx_close(&f);
}


TEST(acw_cleared_by_api_and_no_acw_profile)
{
	struct rentry *e1 = NULL, *e2 = NULL;
	struct ragent *a, *c;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	a = fx_agent(&f, "alice");
	c = fx_agent(&f, "carol");
	ASSERT_INT_EQ(agent_set_status(a, "Break"), 0);
	ASSERT_INT_EQ(agent_set_status(c, "available"), 0);
	ASSERT_INT_EQ(agent_set_device(c, true), 0);

	ASSERT_INT_EQ(fx_enqueue(&f, &e1, "Support", 5, 0), 0);
	ASSERT_TRUE(fx_last_agent(&f) == c);
	ASSERT_INT_EQ(agent_offer_answered(c), 0);
	ASSERT_INT_EQ(agent_contact_ended(c), 0);
	/* NoAcw: straight back to Available */
	ASSERT_INT_EQ(agent_state(c), AGENT_IDLE);
	ASSERT_TRUE(agent_routable(c));

	ASSERT_INT_EQ(agent_set_status(a, "Available"), 0);
	ASSERT_INT_EQ(agent_set_status(c, "Break"), 0);
	ASSERT_INT_EQ(fx_enqueue(&f, &e2, "Sales", 5, 0), 0);
	ASSERT_TRUE(fx_last_agent(&f) == a);
	ASSERT_INT_EQ(agent_offer_answered(a), 0);
	ASSERT_INT_EQ(agent_contact_ended(a), 0);
	ASSERT_INT_EQ(agent_state(a), AGENT_ACW);
	ASSERT_INT_EQ(agent_clear(a), 0);
	ASSERT_INT_EQ(agent_state(a), AGENT_IDLE);
	ASSERT_INT_EQ(agent_clear(a), EPROTO);

	mem_deref(e1);
	mem_deref(e2);
	fx_close(&f);
}


TEST(ring_timeout_missed_requeue_at_head_with_age)
{
	struct rentry *e1 = NULL, *e2 = NULL;
	struct ragent *a, *b;
	uint64_t t1;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	a = fx_agent(&f, "alice");
	b = fx_agent(&f, "bob");

	t1 = f.now;
	ASSERT_INT_EQ(fx_enqueue(&f, &e1, "Sales", 5, 0), 0);
	ASSERT_TRUE(fx_last_agent(&f) == a);
	f.now += 1000;
	ASSERT_INT_EQ(fx_enqueue(&f, &e2, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(f.offers, 1);	/* nobody else free */

	fx_advance(&f, 13999);	/* ring timeout 15 s from t1 */
	ASSERT_INT_EQ(agent_state(a), AGENT_INCOMING);
	fx_advance(&f, 1);
	ASSERT_INT_EQ(f.cancels, 1);
	ASSERT_INT_EQ(f.last_cancel, ROFFER_TIMEOUT);
	ASSERT_INT_EQ(agent_state(a), AGENT_MISSED);
	ASSERT_INT_EQ(agent_misses(a), 1);
	ASSERT_INT_EQ(rentry_state(e1), RENTRY_WAITING);
	ASSERT_INT_EQ(rentry_enqueued_ms(e1), t1);	/* keeps its age */
	ASSERT_INT_EQ(rentry_attempts(e1), 1);

	/* bob registers: he gets the returned contact, not the newer one */
	ASSERT_INT_EQ(agent_set_device(b, true), 0);
	ASSERT_INT_EQ(f.offers, 2);
	ASSERT_TRUE(fx_last_agent(&f) == b);
	ASSERT_TRUE(fx_last_entry(&f) == e1);
	ASSERT_INT_EQ(rentry_attempts(e1), 2);

	/* Missed ends after 10 s: alice takes the other contact */
	fx_advance(&f, 10000);
	ASSERT_INT_EQ(f.offers, 3);
	ASSERT_TRUE(fx_last_agent(&f) == a);
	ASSERT_TRUE(fx_last_entry(&f) == e2);

	mem_deref(e1);
	mem_deref(e2);
	fx_close(&f);
}


TEST(missed_offer_reported_and_n_misses_set_custom_status)
{
	struct rentry *e = NULL;
	struct ragent *a;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	a = fx_agent(&f, "alice");

	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(agent_offer_missed(a), 0);
	ASSERT_INT_EQ(agent_state(a), AGENT_MISSED);
	ASSERT_INT_EQ(f.cancels, 0);	/* the daemon told us: no cancel */
	ASSERT_INT_EQ(agent_offer_missed(a), EPROTO);
	ASSERT_INT_EQ(agent_offer_answered(a), EPROTO);

	/* a status set in Missed applies now and clears it */
	ASSERT_INT_EQ(agent_set_status(a, "Available"), 0);
	ASSERT_INT_EQ(agent_state(a), AGENT_INCOMING);
	ASSERT_INT_EQ(rentry_attempts(e), 2);

	/* second miss in a row: max_in_a_row 2 sets the custom status */
	ASSERT_INT_EQ(agent_offer_missed(a), 0);
	ASSERT_STR_EQ(agent_status(a), "Too many misses");
	ASSERT_INT_EQ(agent_misses(a), 0);
	fx_advance(&f, 10000);
	ASSERT_INT_EQ(agent_state(a), AGENT_IDLE);
	ASSERT_FALSE(agent_routable(a));
	ASSERT_STR_EQ(agent_display_state(a), "Too many misses");
	ASSERT_INT_EQ(rentry_state(e), RENTRY_WAITING);

	mem_deref(e);
	fx_close(&f);
}


TEST(answer_resets_misses)
{
	struct rentry *e = NULL;
	struct ragent *a;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	a = fx_agent(&f, "alice");
	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(agent_offer_missed(a), 0);
	ASSERT_INT_EQ(agent_misses(a), 1);
	fx_advance(&f, 10000);
	ASSERT_INT_EQ(agent_state(a), AGENT_INCOMING);
	ASSERT_INT_EQ(agent_offer_answered(a), 0);
	ASSERT_INT_EQ(agent_misses(a), 0);
	mem_deref(e);
	/* the contact is gone while connected: ACW */
	ASSERT_INT_EQ(agent_state(a), AGENT_ACW);
	fx_close(&f);
}


TEST(status_change_during_contact_applies_when_it_ends)
{
	struct rentry *e = NULL;
	struct ragent *a;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	a = fx_agent(&f, "alice");
	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(agent_set_status(a, "Offline"), 0);
	ASSERT_STR_EQ(agent_status(a), "Available");
	ASSERT_STR_EQ(agent_next_status(a), "Offline");
	ASSERT_INT_EQ(agent_state(a), AGENT_INCOMING);	/* still rings */
	ASSERT_INT_EQ(agent_offer_answered(a), 0);
	ASSERT_INT_EQ(agent_set_status(a, "Break"), 0);	/* last one wins */
	ASSERT_INT_EQ(agent_contact_ended(a), 0);
	ASSERT_STR_EQ(agent_status(a), "Available");	/* during ACW */
	fx_advance(&f, 30000);
	ASSERT_INT_EQ(agent_state(a), AGENT_IDLE);
	ASSERT_STR_EQ(agent_status(a), "Break");
	ASSERT_NULL(agent_next_status(a));
	ASSERT_INT_EQ(agent_status_since(a), f.now);
	ASSERT_FALSE(agent_routable(a));

	/* setting the current status again cancels a pending one */
	ASSERT_INT_EQ(agent_set_status(a, "Available"), 0);
	ASSERT_INT_EQ(agent_set_status(a, "Nope"), ENOENT);
	mem_deref(e);
	fx_close(&f);
}


TEST(device_loss_while_ringing_is_not_a_miss)
{
	struct rentry *e = NULL;
	struct ragent *b;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	ASSERT_INT_EQ(agent_set_status(fx_agent(&f, "alice"), "Break"), 0);
	b = fx_agent(&f, "bob");
	ASSERT_INT_EQ(agent_set_device(b, true), 0);
	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Sales", 5, 0), 0);
	ASSERT_TRUE(fx_last_agent(&f) == b);

	ASSERT_INT_EQ(agent_set_device(b, false), 0);
	ASSERT_INT_EQ(f.cancels, 1);
	ASSERT_INT_EQ(f.last_cancel, ROFFER_DEVICE);
	ASSERT_INT_EQ(agent_state(b), AGENT_IDLE);
	ASSERT_INT_EQ(agent_misses(b), 0);
	ASSERT_FALSE(agent_routable(b));
	ASSERT_INT_EQ(rentry_state(e), RENTRY_WAITING);

	/* re-registered: offered again */
	ASSERT_INT_EQ(agent_set_device(b, true), 0);
	ASSERT_INT_EQ(f.offers, 2);
	ASSERT_TRUE(fx_last_entry(&f) == e);
	mem_deref(e);
	fx_close(&f);
}


TEST(caller_hangs_up_while_ringing_keeps_idle_rank)
{
	struct rentry *e = NULL, *e2 = NULL;
	struct ragent *a, *b;
	uint64_t idle;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	a = fx_agent(&f, "alice");
	b = fx_agent(&f, "bob");
	idle = agent_idle_since(a);
	f.now += 5000;
	ASSERT_INT_EQ(agent_set_device(b, true), 0);	/* idle later */
	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Sales", 5, 0), 0);
	ASSERT_TRUE(fx_last_agent(&f) == a);

	f.now += 1000;
	e = mem_deref(e);
	ASSERT_INT_EQ(f.last_cancel, ROFFER_GONE);
	ASSERT_INT_EQ(agent_state(a), AGENT_IDLE);
	ASSERT_INT_EQ(agent_idle_since(a), idle);

	/* alice is still the longest idle */
	ASSERT_INT_EQ(fx_enqueue(&f, &e2, "Sales", 5, 0), 0);
	ASSERT_TRUE(fx_last_agent(&f) == a);
	mem_deref(e2);
	fx_close(&f);
}


TEST(offer_error_goes_to_error_state_with_exits)
{
	struct rentry *e = NULL;
	struct ragent *a;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	a = fx_agent(&f, "alice");
	f.offer_err = EIO;
	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Sales", 5, 0), 0);
	ASSERT_INT_EQ(agent_state(a), AGENT_ERROR);
	ASSERT_INT_EQ(agent_misses(a), 0);
	ASSERT_INT_EQ(rentry_state(e), RENTRY_WAITING);

	/* exit on the error timer (5 s default): offered again */
	f.offer_err = 0;
	fx_advance(&f, 5000);
	ASSERT_INT_EQ(agent_state(a), AGENT_INCOMING);

	/* exit on a device event */
	f.offer_err = EIO;
	ASSERT_INT_EQ(agent_offer_missed(a), 0);
	ASSERT_INT_EQ(agent_clear(a), 0);		/* exit by API */
	ASSERT_INT_EQ(agent_state(a), AGENT_ERROR);
	ASSERT_INT_EQ(agent_set_device(a, false), 0);
	f.offer_err = 0;
	ASSERT_INT_EQ(agent_set_device(a, true), 0);
	ASSERT_INT_EQ(agent_state(a), AGENT_INCOMING);
	mem_deref(e);
	fx_close(&f);
}


TEST(events_in_wrong_state_change_nothing)
{
	struct ragent *a;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	a = fx_agent(&f, "alice");
	ASSERT_INT_EQ(agent_offer_answered(a), EPROTO);
	ASSERT_INT_EQ(agent_offer_missed(a), EPROTO);
	ASSERT_INT_EQ(agent_hold(a, true), EPROTO);
	ASSERT_INT_EQ(agent_contact_ended(a), EPROTO);
	ASSERT_INT_EQ(agent_clear(a), EPROTO);
	ASSERT_INT_EQ(agent_set_device(a, true), 0);	/* already up */
	ASSERT_INT_EQ(agent_state(a), AGENT_IDLE);
	ASSERT_INT_EQ(agent_offer_answered(NULL), EINVAL);
	ASSERT_INT_EQ(agent_set_status(NULL, "x"), EINVAL);
	fx_close(&f);
}


TEST(going_available_takes_the_waiting_contact)
{
	struct rentry *e = NULL;
	struct ragent *c;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	ASSERT_INT_EQ(agent_set_status(fx_agent(&f, "alice"), "Break"), 0);
	c = fx_agent(&f, "carol");
	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Support", 5, 0), 0);
	ASSERT_INT_EQ(f.offers, 0);
	ASSERT_INT_EQ(agent_set_device(c, true), 0);
	ASSERT_INT_EQ(f.offers, 0);			/* Offline */
	ASSERT_INT_EQ(agent_set_status(c, "Available"), 0);
	ASSERT_INT_EQ(f.offers, 1);
	ASSERT_TRUE(fx_last_agent(&f) == c);
	mem_deref(e);
	fx_close(&f);
}


TEST(agent_queue_is_first_and_only_for_its_agent)
{
	struct rentry *e1 = NULL, *e2 = NULL, *e3 = NULL;
	struct ragent *a, *b;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_basic), 0);
	a = fx_agent(&f, "alice");
	b = fx_agent(&f, "bob");
	ASSERT_INT_EQ(agent_set_status(a, "Break"), 0);
	ASSERT_INT_EQ(fx_enqueue(&f, &e1, "Sales", 1, 0), 0);
	f.now += 1000;
	ASSERT_INT_EQ(fx_enqueue(&f, &e2, "alice", 5, 0), 0);
	ASSERT_INT_EQ(agent_set_device(b, true), 0);
	ASSERT_TRUE(fx_last_entry(&f) == e1);		/* not alice's */

	f.now += 1000;
	ASSERT_INT_EQ(fx_enqueue(&f, &e3, "Sales", 1, 0), 0);
	ASSERT_INT_EQ(agent_set_status(a, "Available"), 0);
	ASSERT_TRUE(fx_last_agent(&f) == a);
	ASSERT_TRUE(fx_last_entry(&f) == e2);		/* agent queue */
	ASSERT_TRUE(rqueue_agent(rentry_queue(e2)) == a);
	mem_deref(e1);
	mem_deref(e2);
	mem_deref(e3);
	fx_close(&f);
}
