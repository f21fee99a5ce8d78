/*
 * Position in queue and estimated wait time, checked against a simulated
 * queue: agents answer every offer at once and hold each contact for a
 * fixed time, so the waits the router estimated can be compared with the
 * waits the contacts then had.
 */
#include <errno.h>
#include "test.h"
#include "test_routing_fixture.h"

#define SEC 1000ULL

struct sim {
	struct fx f;
	uint64_t t0;		/* the fixture clock at time 0 */
	uint64_t hold_ms;	/* talk time of every contact */
	size_t seen;		/* offers answered */
	struct ragent *busy[8];
	uint64_t end[8];
	size_t nbusy;
	struct rentry *ans_e[64];
	uint64_t ans_at[64];
	size_t nans;
};


static uint64_t sim_t(const struct sim *s)
{
	return s->f.now - s->t0;
}


/* Answer every new offer now; the contact ends hold_ms later. */
static void sim_answer(struct sim *s)
{
	for (; s->seen < s->f.offers; s->seen++) {
		struct ragent *a = s->f.offer_a[s->seen];

		if (agent_offer_answered(a))
			continue;
		s->ans_e[s->nans] = s->f.offer_e[s->seen];
		s->ans_at[s->nans++] = s->f.now;
		s->busy[s->nbusy] = a;
		s->end[s->nbusy++] = s->f.now + s->hold_ms;
	}
}


/* Run the clock second by second to time t (all times are whole
 * seconds, so every event happens on time). */
static void sim_run(struct sim *s, uint64_t t)
{
	while (sim_t(s) < t) {
		size_t i;

		s->f.now += SEC;
		router_poll(s->f.r);
		for (i = 0; i < s->nbusy; ) {
			if (s->end[i] > s->f.now) {
				i++;
				continue;
			}
			(void)agent_contact_ended(s->busy[i]);
			s->busy[i] = s->busy[s->nbusy - 1];
			s->end[i] = s->end[s->nbusy - 1];
			--s->nbusy;
		}
		sim_answer(s);
	}
}


static int sim_enqueue(struct sim *s, struct rentry **ep)
{
	int err = fx_enqueue(&s->f, ep, "Q", 5, 0);

	sim_answer(s);
	return err;
}


/* When e was answered (fixture clock), or 0. */
static uint64_t answered_at(const struct sim *s, const struct rentry *e)
{
	size_t i;

	for (i = 0; i < s->nans; i++) {
		if (s->ans_e[i] == e)
			return s->ans_at[i];
	}
	return 0;
}


/* p: the routing profile of a1 and a2 (W has 10 s of ACW) */
#define CFG(p) \
	"{\"queues\": [{\"name\": \"Q\"}]," \
	" \"agent_statuses\": [{\"name\": \"Break\"," \
	"   \"type\": \"CUSTOM\"}]," \
	" \"routing_profiles\": [{\"name\": \"P\"," \
	"   \"queues\": [{\"queue\": \"Q\"}]}," \
	"  {\"name\": \"W\", \"after_contact_work_seconds\": 10," \
	"   \"queues\": [{\"queue\": \"Q\"}]}]," \
	" \"agents\": [" \
	"  {\"username\": \"a1\", \"routing_profile\": \"" p "\"," \
	"   \"contact\": \"sip:a1@h\", \"status\": \"Available\"}," \
	"  {\"username\": \"a2\", \"routing_profile\": \"" p "\"," \
	"   \"contact\": \"sip:a2@h\", \"status\": \"Available\"}," \
	"  {\"username\": \"a3\", \"routing_profile\": \"P\"," \
	"   \"contact\": \"sip:a3@h\", \"status\": \"Break\"}]}"

static const char cfg_two[] = CFG("P");
static const char cfg_acw[] = CFG("W");


TEST(estimates_match_the_simulated_queue)
{
	/* a1 is free at 120 s, a2 at 140 s, each takes a contact every
	 * 60 s: contacts queued at 90 s are answered at 120, 140, 180,
	 * 200, 240 s */
	static const uint64_t want_ms[] = {30000, 50000, 90000, 110000,
					   150000};
	struct rentry *w[4] = {NULL}, *c[5] = {NULL};
	struct rqueue *q;
	struct rmetrics m;
	uint64_t enq;
	struct sim s;
	size_t i;

	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(fx_init(&s.f, cfg_two), 0);
	s.t0 = s.f.now;
	s.hold_ms = 60 * SEC;
	q = router_queue(s.f.r, "Q");

	/* both agents answer; nothing ended yet: no history, nobody free */
	ASSERT_INT_EQ(sim_enqueue(&s, &w[0]), 0);
	sim_run(&s, 20 * SEC);
	ASSERT_INT_EQ(sim_enqueue(&s, &w[1]), 0);
	sim_run(&s, 30 * SEC);
	router_metrics(s.f.r, q, &m);
	ASSERT_FALSE(m.queue_ewt_known);

	/* a1 free again: a new contact waits 0 */
	sim_run(&s, 60 * SEC);
	router_metrics(s.f.r, q, &m);
	ASSERT_TRUE(m.queue_ewt_known);
	ASSERT_INT_EQ(m.queue_ewt_ms, 0);
	ASSERT_INT_EQ(sim_enqueue(&s, &w[2]), 0);
	sim_run(&s, 80 * SEC);
	ASSERT_INT_EQ(sim_enqueue(&s, &w[3]), 0);
	ASSERT_INT_EQ(s.nans, 4);

	/* 90 s: both busy (since 60 s and 80 s) */
	sim_run(&s, 90 * SEC);
	router_metrics(s.f.r, q, &m);
	ASSERT_TRUE(m.queue_ewt_known);
	ASSERT_INT_EQ(m.queue_ewt_ms, want_ms[0]);

	enq = s.f.now;
	for (i = 0; i < 5; i++)
		ASSERT_INT_EQ(sim_enqueue(&s, &c[i]), 0);
	for (i = 0; i < 5; i++) {
		router_contact_metrics(s.f.r, q, c[i], &m);
		ASSERT_INT_EQ(m.contact_position, i + 1);
		ASSERT_TRUE(m.contact_ewt_known);
		ASSERT_INT_EQ(m.contact_ewt_ms, want_ms[i]);
	}
	/* a sixth would be answered at 260 s */
	router_metrics(s.f.r, q, &m);
	ASSERT_INT_EQ(m.queue_ewt_ms, 170000);
	ASSERT_INT_EQ(m.contact_position, 0);

	/* the simulated waits are the estimates */
	sim_run(&s, 300 * SEC);
	for (i = 0; i < 5; i++) {
		uint64_t at = answered_at(&s, c[i]);

		ASSERT_TRUE(at != 0);
		ASSERT_INT_EQ(at - enq, want_ms[i]);
	}

	for (i = 0; i < 4; i++)
		mem_deref(w[i]);
	for (i = 0; i < 5; i++)
		mem_deref(c[i]);
	fx_close(&s.f);
}


TEST(cycle_counts_acw_and_agents_leaving_do_not_count)
{
	struct rentry *w[2] = {NULL}, *c[3] = {NULL};
	struct rqueue *q;
	struct rmetrics m;
	struct sim s;
	size_t i;

	/* profile W: 10 s of ACW after each 60 s contact */
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(fx_init(&s.f, cfg_acw), 0);
	s.t0 = s.f.now;
	s.hold_ms = 60 * SEC;
	q = router_queue(s.f.r, "Q");

	ASSERT_INT_EQ(sim_enqueue(&s, &w[0]), 0);	/* a1 at 0 */
	ASSERT_INT_EQ(sim_enqueue(&s, &w[1]), 0);	/* a2 at 0 */
	sim_run(&s, 70 * SEC);		/* both free again: cycle 70 s */

	/* a1 answers at 70 s and will go on Break after it */
	for (i = 0; i < 3; i++)
		ASSERT_INT_EQ(sim_enqueue(&s, &c[i]), 0);
	ASSERT_INT_EQ(agent_set_status(fx_agent(&s.f, "a1"), "Break"), 0);
	sim_run(&s, 80 * SEC);

	/* only a2 (since 70 s, free at 140 s) serves the third contact:
	 * answered at 140 s, 60 s from now; a3 on Break does not count */
	router_contact_metrics(s.f.r, q, c[2], &m);
	ASSERT_INT_EQ(m.contact_position, 1);
	ASSERT_TRUE(m.contact_ewt_known);
	ASSERT_INT_EQ(m.contact_ewt_ms, 60000);
	ASSERT_INT_EQ(m.queue_ewt_ms, 130000);

	/* a connected contact does not wait: no position */
	router_contact_metrics(s.f.r, q, c[0], &m);
	ASSERT_INT_EQ(m.contact_position, 0);
	ASSERT_FALSE(m.contact_ewt_known);

	sim_run(&s, 200 * SEC);
	ASSERT_INT_EQ(answered_at(&s, c[2]) - s.t0, 140 * SEC);

	for (i = 0; i < 2; i++)
		mem_deref(w[i]);
	for (i = 0; i < 3; i++)
		mem_deref(c[i]);
	fx_close(&s.f);
}


TEST(offered_contact_is_next)
{
	struct rentry *e = NULL;
	struct rmetrics m;
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f, cfg_two), 0);
	ASSERT_INT_EQ(fx_enqueue(&f, &e, "Q", 5, 0), 0);
	ASSERT_INT_EQ(rentry_state(e), RENTRY_OFFERED);
	router_contact_metrics(f.r, router_queue(f.r, "Q"), e, &m);
	ASSERT_INT_EQ(m.contact_position, 1);
	ASSERT_TRUE(m.contact_ewt_known);
	ASSERT_INT_EQ(m.contact_ewt_ms, 0);
	ASSERT_INT_EQ(m.contacts_in_queue, 1);

	/* another queue's metrics say nothing of this contact */
	router_contact_metrics(f.r, agent_queue(fx_agent(&f, "a2")), e, &m);
	ASSERT_INT_EQ(m.contact_position, 0);
	ASSERT_FALSE(m.contact_ewt_known);
	mem_deref(e);
	fx_close(&f);
}
