/*
 * Shared fixture of the routing tests: a configuration parsed from JSON,
 * a router on a fake clock, and a record of what the router asked for.
 */
#ifndef CFD_TEST_ROUTING_FIXTURE_H
#define CFD_TEST_ROUTING_FIXTURE_H

#include <errno.h>
#include <stdbool.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/routing/router.h>
#include <callflowd/routing/select.h>

#define FX_MAX 256

struct fx {
	struct config *cfg;
	struct router *r;
	uint64_t now;
	struct ragent *offer_a[FX_MAX];
	struct rentry *offer_e[FX_MAX];
	size_t offers;
	size_t cancels;
	enum roffer_end last_cancel;
	int offer_err;
	size_t notes;
	char err[256];
};

static inline uint64_t fx_now(void *arg)
{
	return ((struct fx *)arg)->now;
}

static inline int fx_offer(struct ragent *a, struct rentry *e, void *arg)
{
	struct fx *f = arg;

	if (f->offers < FX_MAX) {
		f->offer_a[f->offers] = a;
		f->offer_e[f->offers] = e;
	}
	++f->offers;

	return f->offer_err;
}

static inline void fx_cancel(struct ragent *a, struct rentry *e,
			     enum roffer_end why, void *arg)
{
	struct fx *f = arg;

	(void)a;
	(void)e;
	++f->cancels;
	f->last_cancel = why;
}

static inline void fx_note(struct ragent *a, void *arg)
{
	(void)a;
	++((struct fx *)arg)->notes;
}

static inline int fx_config(struct fx *f, const char *json)
{
	f->cfg = mem_deref(f->cfg);
	return config_parse(&f->cfg, json, NULL, f->err, sizeof(f->err));
}

static inline int fx_init(struct fx *f, const char *json)
{
	struct router_handlers h = {
		.offerh = fx_offer, .cancelh = fx_cancel, .agenth = fx_note,
		.nowh = fx_now,
	};
	int err;

	memset(f, 0, sizeof(*f));
	f->now = 1000000;
	h.now_arg = f;
	err = fx_config(f, json);
	if (err)
		return err;

	return router_alloc(&f->r, f->cfg, &h, f, f->err, sizeof(f->err));
}

static inline int fx_reload(struct fx *f, const char *json)
{
	int err = fx_config(f, json);

	if (err)
		return err;
	return router_reload(f->r, f->cfg, f->err, sizeof(f->err));
}

static inline void fx_close(struct fx *f)
{
	f->r = mem_deref(f->r);
	f->cfg = mem_deref(f->cfg);
}

/* Advance the clock and run due timers. */
static inline void fx_advance(struct fx *f, uint64_t ms)
{
	f->now += ms;
	router_poll(f->r);
}

static inline struct ragent *fx_agent(struct fx *f, const char *name)
{
	return router_agent(f->r, name);
}

static inline int fx_enqueue(struct fx *f, struct rentry **ep,
			     const char *queue, uint32_t qprio, int64_t adj)
{
	struct rqueue *q = router_queue(f->r, queue);

	if (!q)
		q = agent_queue(router_agent(f->r, queue));
	return router_enqueue(ep, f->r, q, qprio, adj, NULL, NULL);
}

static inline struct ragent *fx_last_agent(const struct fx *f)
{
	return f->offers ? f->offer_a[(f->offers - 1) % FX_MAX] : NULL;
}

static inline struct rentry *fx_last_entry(const struct fx *f)
{
	return f->offers ? f->offer_e[(f->offers - 1) % FX_MAX] : NULL;
}

/* Randomized tests: the router's choices equal routing_select() on its
 * snapshot, and after each event no pair is left possible. */
struct fuzz {
	struct fx f;
	size_t picks;
	size_t mismatches;
};

static inline void fx_pick_check(struct router *r, struct ragent *a,
				 struct rentry *e, void *arg)
{
	struct fuzz *z = arg;
	struct rsnap *s = NULL;
	size_t ai, ci;

	++z->picks;
	if (router_snapshot(&s, r)) {
		++z->mismatches;
		return;
	}
	if (routing_select(s->agents, s->agentc, s->contacts, s->contactc,
			   s->now, &ai, &ci) ||
	    s->agents[ai].agent != a || s->contacts[ci].entry != e)
		++z->mismatches;
	mem_deref(s);
}

static inline bool fx_no_pair_left(struct router *r)
{
	struct rsnap *s = NULL;
	size_t ai, ci;
	bool ok;

	if (router_snapshot(&s, r))
		return false;
	ok = routing_select(s->agents, s->agentc, s->contacts, s->contactc,
			    s->now, &ai, &ci) == ENOENT;
	mem_deref(s);

	return ok;
}

#endif
