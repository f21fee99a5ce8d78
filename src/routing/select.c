/*
 * Routing decisions. routing_select() states the rule over a snapshot;
 * router_route() reaches the same choice incrementally: between events no
 * free agent has an eligible contact, so an enqueue only looks for the
 * longest-idle free agent eligible for the new contact, and an agent
 * becoming free only looks for its own best contact. A delay timer (or
 * anything nested) falls back to a pass over every free agent.
 */
#include "routing_priv.h"


static bool sel_agent_before(const struct rsel_agent *x,
			     const struct rsel_agent *y)
{
	if (x->idle_since != y->idle_since)
		return x->idle_since < y->idle_since;
	return x->ord < y->ord;
}


/* Key (item priority, QueuePriority, eff_ms, seq): lower is better. */
static bool sel_better(uint32_t prio, const struct rsel_contact *c,
		       uint32_t bprio, const struct rsel_contact *b)
{
	if (prio != bprio)
		return prio < bprio;
	if (c->qprio != b->qprio)
		return c->qprio < b->qprio;
	if (c->eff_ms != b->eff_ms)
		return c->eff_ms < b->eff_ms;
	return c->seq < b->seq;
}


static bool sel_agent_best(const struct rsel_agent *a,
			   const struct rsel_contact *cv, size_t cc,
			   int64_t now, size_t *cip)
{
	uint32_t bprio = 0;
	bool found = false;
	size_t i, j;

	for (i = 0; i < cc; i++) {
		const struct rsel_contact *c = &cv[i];
		const struct rsel_item *it = NULL;

		for (j = 0; j < a->itemc; j++) {
			if (a->items[j].queue == c->queue) {
				it = &a->items[j];
				break;
			}
		}
		if (!it || now - c->eff_ms < (int64_t)it->delay_ms)
			continue;
		if (c->crit && !rcriteria_fits(c->crit, now > c->crit_t0 ?
					       (uint64_t)(now - c->crit_t0) :
					       0, a->name, a->profs,
					       a->profc))
			continue;
		if (!found || sel_better(it->priority, c, bprio, &cv[*cip])) {
			found = true;
			bprio = it->priority;
			*cip = i;
		}
	}

	return found;
}


int routing_select(const struct rsel_agent *av, size_t ac,
		   const struct rsel_contact *cv, size_t cc, int64_t now,
		   size_t *aip, size_t *cip)
{
	bool found = false;
	size_t i, ci;

	if ((!av && ac) || (!cv && cc) || !aip || !cip)
		return EINVAL;

	for (i = 0; i < ac; i++) {
		if (found && !sel_agent_before(&av[i], &av[*aip]))
			continue;
		if (!sel_agent_best(&av[i], cv, cc, now, &ci))
			continue;
		found = true;
		*aip = i;
		*cip = ci;
	}

	return found ? 0 : ENOENT;
}


/* The router's equivalent of sel_agent_best(). */
struct rentry *ragent_best(const struct ragent *a, int64_t now)
{
	struct rentry *best;
	size_t i, j;

	/* the agent queue: top priority, no delay */
	best = rqueue_first_eligible(a->aq, now, 0, NULL);
	if (best)
		return best;

	/* links are sorted by priority: the first priority with an
	 * eligible contact wins, its queues compared by contact */
	for (i = 0; i < a->linkc; i = j) {
		for (j = i; j < a->linkc &&
			    a->links[j].priority == a->links[i].priority; j++) {
			struct rentry *c;

			c = rqueue_first_eligible(a->links[j].q, now,
						  a->links[j].delay_ms, a);
			if (c && (!best || rentry_before(c, best)))
				best = c;
		}
		if (best)
			return best;
	}

	return NULL;
}


/* The longest-idle free agent eligible for e (the invariant makes it
 * the agent the rule picks). */
static struct ragent *entry_agent(const struct rentry *e, int64_t now)
{
	struct le *le;

	if (e->q->agent)
		return e->q->agent->is_free ? e->q->agent : NULL;

	LIST_FOREACH(&e->q->free, le) {
		const struct rlink *l = le->data;

		if (now - e->eff_ms >= (int64_t)l->delay_ms &&
		    rentry_fits(e, l->a, now))
			return l->a;
	}

	return NULL;
}


/* Every free agent, longest idle first, until no pair is left. */
static void route_all(struct router *r, int64_t now)
{
	struct le *le;

 again:
	LIST_FOREACH(&r->free, le) {
		struct ragent *a = le->data;
		struct rentry *e = ragent_best(a, now);

		if (e) {
			ragent_offer(a, e);
			goto again;
		}
	}
}


static void eligible_h(void *arg)
{
	struct router *r = arg;
	uint64_t now = router_now(r);

	if (r->eligible_at && now < r->eligible_at) {
		tmr_start(&r->tmr, r->eligible_at - now, eligible_h, r);
		return;
	}

	router_route(r, NULL, NULL);
}


/* The earliest time after now at which an entry of q reaches delay_ms.
 * Without routing criteria only level heads matter (an eligible head
 * would have been taken); with them an eligible head may fit no free
 * agent, so the younger entries behind it count too. */
static void delay_due(int64_t *at, const struct rqueue *q, uint64_t delay_ms,
		      int64_t now)
{
	struct le *le, *ee;

	LIST_FOREACH(&q->levels, le) {
		const struct rlevel *l = le->data;

		LIST_FOREACH(&l->entries, ee) {
			const struct rentry *e = ee->data;
			int64_t t = e->eff_ms + (int64_t)delay_ms;

			if (t > now) {
				if (!*at || t < *at)
					*at = t;
				break;
			}
			if (!q->critc)
				break;
		}
	}
}


/* When does a waiting contact next become eligible for a profile that
 * has a free agent (a delay reached), or change its routing step? */
void router_timer_update(struct router *r)
{
	int64_t now = router_now_i(r), at = 0;
	size_t i, j;
	struct le *le;

	if (list_head(&r->free)) {
		LIST_FOREACH(&r->crit, le) {
			const struct rentry *e = le->data;
			uint64_t age, end;
			int64_t t;

			age = now > e->crit_t0 ? (uint64_t)(now - e->crit_t0)
				: 0;
			end = rcriteria_step_end(e->crit, age);
			if (end == UINT64_MAX)
				continue;
			t = e->crit_t0 + (int64_t)end;
			if (t > now && (!at || t < at))
				at = t;
		}
	}

	for (i = 0; i < r->rc->profilec; i++) {
		const struct rprofile *p = r->rc->profiles[i];

		if (!p->free_agents)
			continue;
		for (j = 0; j < p->itemc; j++) {
			const struct rprofile_item *it = &p->items[j];

			if (!it->delay_ms || !it->q)
				continue;
			delay_due(&at, it->q, it->delay_ms, now);
		}
	}

	if (!at) {
		r->eligible_at = 0;
		tmr_cancel(&r->tmr);
		return;
	}
	if (r->eligible_at == (uint64_t)at)
		return;
	r->eligible_at = (uint64_t)at;
	tmr_start(&r->tmr, (uint64_t)(at - now), eligible_h, r);
}


void router_route(struct router *r, struct ragent *a, struct rentry *e)
{
	struct rentry *best;
	struct ragent *ag;
	bool all;
	int64_t now;

	if (!r)
		return;
	if (r->depth) {
		/* nested in an offer: the outer call passes over all */
		r->again = true;
		return;
	}

	++r->depth;
	now = router_now_i(r);
	all = !a && !e;
	if (r->eligible_at && now >= (int64_t)r->eligible_at)
		all = true;

	if (!all && a && a->is_free) {
		best = ragent_best(a, now);
		if (best)
			ragent_offer(a, best);
	}
	else if (!all && e && e->r == r && e->state == RENTRY_WAITING) {
		ag = entry_agent(e, now);
		if (ag) {
			best = ragent_best(ag, now);
			ragent_offer(ag, best ? best : e);
		}
	}

	while (all || r->again) {
		all = false;
		r->again = false;
		route_all(r, now);
	}

	router_timer_update(r);
	--r->depth;
}


static void snap_destructor(void *arg)
{
	struct rsnap *s = arg;
	size_t i;

	for (i = 0; i < s->agentc; i++)
		mem_deref((void *)s->agents[i].items);
	mem_deref(s->agents);
	mem_deref(s->contacts);
}


static int snap_contacts(struct rsnap *s, const struct rqueue *q)
{
	struct le *le, *ee;

	LIST_FOREACH(&q->levels, le) {
		const struct rlevel *l = le->data;

		LIST_FOREACH(&l->entries, ee) {
			struct rentry *e = ee->data;
			struct rsel_contact *c = &s->contacts[s->contactc++];

			c->queue = q->snap;
			c->qprio = e->qprio;
			c->eff_ms = e->eff_ms;
			c->seq = e->seq;
			c->crit = q->agent ? NULL : e->crit;
			c->crit_t0 = e->crit_t0;
			c->entry = e;
		}
	}

	return 0;
}


int router_snapshot(struct rsnap **sp, struct router *r)
{
	struct rsnap *s;
	size_t nq = 0, nc = 0, na = 0, i;
	struct le *le;
	int err = 0;

	if (!sp || !r)
		return EINVAL;

	LIST_FOREACH(&r->queues, le) {
		struct rqueue *q = le->data;

		q->snap = (uint32_t)nq++;
		nc += q->waiting;
	}
	LIST_FOREACH(&r->agents, le) {
		struct ragent *a = le->data;

		a->aq->snap = (uint32_t)nq++;
		nc += a->aq->waiting;
		na += a->is_free;
	}

	s = mem_zalloc(sizeof(*s), snap_destructor);
	if (!s)
		return ENOMEM;
	s->now = router_now_i(r);
	s->agents = mem_zalloc((na + 1) * sizeof(*s->agents), NULL);
	s->contacts = mem_zalloc((nc + 1) * sizeof(*s->contacts), NULL);
	if (!s->agents || !s->contacts) {
		err = ENOMEM;
		goto out;
	}

	LIST_FOREACH(&r->free, le) {
		struct ragent *a = le->data;
		struct rsel_agent *sa = &s->agents[s->agentc++];
		struct rsel_item *items;

		items = mem_zalloc((a->linkc + 1) * sizeof(*items), NULL);
		if (!items) {
			err = ENOMEM;
			goto out;
		}
		items[0].queue = a->aq->snap;
		for (i = 0; i < a->linkc; i++) {
			items[i + 1].queue = a->links[i].q->snap;
			items[i + 1].priority = a->links[i].priority;
			items[i + 1].delay_ms = a->links[i].delay_ms;
		}
		sa->items = items;
		sa->itemc = a->linkc + 1;
		sa->idle_since = a->idle_since;
		sa->ord = a->ord;
		sa->name = a->username;
		if (a->profs) {
			sa->profs = a->profs->v;
			sa->profc = a->profs->n;
		}
		sa->agent = a;
	}

	LIST_FOREACH(&r->queues, le)
		(void)snap_contacts(s, le->data);
	LIST_FOREACH(&r->agents, le)
		(void)snap_contacts(s, ((struct ragent *)le->data)->aq);

 out:
	if (err)
		mem_deref(s);
	else
		*sp = s;

	return err;
}


void router_set_pick_hook(struct router *r, router_pick_h *h, void *arg)
{
	if (!r)
		return;
	r->pickh = h;
	r->pick_arg = arg;
}
