/*
 * bench_routing: time of one routing decision with 10,000 waiting
 * contacts and 1,000 agents (target: <= 10 us). Prints figures; not a
 * test. Run: build/bench/bench_routing
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/routing/router.h>

enum { QUEUES = 20, AGENTS = 1000, CONTACTS = 10000, ROUNDS = 20000 };

static uint64_t fake_now;
static size_t offers;

static uint64_t now_h(void *arg)
{
	(void)arg;
	return fake_now;
}

static int offer_h(struct ragent *a, struct rentry *e, void *arg)
{
	(void)a;
	(void)e;
	(void)arg;
	++offers;
	return 0;
}

static double mono_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* 20 queues; 10 profiles of 5 queues each at priorities 1..3, some with
 * delays; 1,000 agents spread over the profiles. */
static char *make_config(void)
{
	size_t cap = 1 << 20, n = 0, i, j;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	n += (size_t)snprintf(s + n, cap - n, "{\"queues\": [");
	for (i = 0; i < QUEUES; i++)
		n += (size_t)snprintf(s + n, cap - n, "%s{\"name\": \"Q%zu\"}",
				      i ? "," : "", i);
	n += (size_t)snprintf(s + n, cap - n, "], \"routing_profiles\": [");
	for (i = 0; i < 10; i++) {
		n += (size_t)snprintf(s + n, cap - n, "%s{\"name\": \"P%zu\","
				      " \"queues\": [", i ? "," : "", i);
		for (j = 0; j < 5; j++)
			n += (size_t)snprintf(s + n, cap - n,
				"%s{\"queue\": \"Q%zu\", \"priority\": %zu,"
				" \"delay\": %zu}", j ? "," : "",
				(i * 2 + j) % QUEUES, 1 + j / 2,
				j == 4 ? (size_t)20 : 0);
		n += (size_t)snprintf(s + n, cap - n, "]}");
	}
	n += (size_t)snprintf(s + n, cap - n, "], \"agents\": [");
	for (i = 0; i < AGENTS; i++)
		n += (size_t)snprintf(s + n, cap - n,
			"%s{\"username\": \"agent%zu\", \"routing_profile\":"
			" \"P%zu\", \"contact\": \"sip:a%zu@h\"}",
			i ? "," : "", i, i % 10, i);
	(void)snprintf(s + n, cap - n, "]}");

	return s;
}

int main(void)
{
	struct router_handlers h = {.offerh = offer_h, .nowh = now_h};
	static struct rentry *ev[AGENTS + CONTACTS + ROUNDS];
	static struct ragent *agents[AGENTS];
	static double took[ROUNDS];
	struct config *cfg = NULL;
	struct router *r = NULL;
	char err[256] = "", *json;
	size_t i, n = 0;
	double t0, sum = 0;
	int e;

	if (libre_init())
		return 1;
	fake_now = 1000000;
	json = make_config();
	e = json ? config_parse(&cfg, json, NULL, err, sizeof(err)) : ENOMEM;
	free(json);
	if (!e)
		e = router_alloc(&r, cfg, &h, NULL, err, sizeof(err));
	if (e) {
		fprintf(stderr, "bench_routing: %s (%d)\n", err, e);
		return 1;
	}

	/* every agent busy on a contact */
	for (i = 0; i < AGENTS; i++) {
		char name[32];
		struct rentry *x = NULL;

		(void)snprintf(name, sizeof(name), "agent%zu", i);
		agents[i] = router_agent(r, name);
		(void)agent_set_status(agents[i], "Available");
		(void)router_enqueue(&x, r, agent_queue(agents[i]), 5, 0,
				     NULL, NULL);
		(void)agent_offer_answered(agents[i]);
		ev[n++] = x;
	}

	/* 10,000 waiting contacts over the queues, mixed priorities */
	t0 = mono_us();
	for (i = 0; i < CONTACTS; i++) {
		char q[16];

		fake_now += 3;
		(void)snprintf(q, sizeof(q), "Q%zu", i % QUEUES);
		(void)router_enqueue(&ev[n++], r, router_queue(r, q),
				     (uint32_t)(1 + i % 5), (int64_t)(i % 7),
				     NULL, NULL);
	}
	printf("enqueue (all agents busy): %.2f us each\n",
	       (mono_us() - t0) / CONTACTS);

	/* decisions: an agent finishes, routing picks its next contact;
	 * a new contact arrives to keep the queues at 10,000 */
	for (i = 0; i < ROUNDS; i++) {
		struct ragent *a = agents[(i * 7) % AGENTS];
		char q[16];
		double t;

		fake_now += 1;
		(void)snprintf(q, sizeof(q), "Q%zu", i % QUEUES);
		(void)router_enqueue(&ev[n++], r, router_queue(r, q),
				     (uint32_t)(1 + i % 5), 0, NULL, NULL);
		if (agent_state(a) == AGENT_INCOMING)
			(void)agent_offer_answered(a);
		t = mono_us();
		(void)agent_contact_ended(a);	/* no ACW: routes at once */
		took[i] = mono_us() - t;
		sum += took[i];
		(void)agent_offer_answered(a);
	}

	qsort(took, ROUNDS, sizeof(took[0]), cmp_d);
	printf("decision on agent available (%d waiting, %d agents): "
	       "mean %.2f us, p50 %.2f us, p99 %.2f us, max %.2f us "
	       "(target <= 10 us)\n", CONTACTS, AGENTS, sum / ROUNDS,
	       took[ROUNDS / 2], took[ROUNDS * 99 / 100], took[ROUNDS - 1]);
	printf("offers made: %zu\n", offers);

	for (i = 0; i < n; i++)
		mem_deref(ev[i]);
	mem_deref(r);
	mem_deref(cfg);
	libre_close();

	return 0;
}
