/*
 * Position in queue and estimated wait time (docs/routing.md, "Position
 * and estimated wait time").
 *
 * Each queue remembers how long its last RQUEUE_CYCLES answered contacts
 * kept their agent: from the answer to the agent being free again (talk,
 * hold and after contact work). Their mean is the cycle time H. Each
 * agent serving the queue (its routing profile has the queue, or it owns
 * the agent queue; status ROUTABLE, not going to another status) is
 * expected free again at r_i: 0 when free, H minus the time since its
 * answer when on a contact or in ACW (never below 0), H when ringing,
 * the end of its Missed/Error time. From then on it takes a contact every
 * H. The k-th contact in line is answered at the k-th of these moments:
 * the least t with sum over agents of (floor((t - r_i) / H) + 1) >= k.
 */
#include <string.h>
#include "routing_priv.h"


void ragent_cycle_start(struct ragent *a, struct rqueue *q)
{
	a->cycle_q = mem_deref(a->cycle_q);
	a->cycle_q = mem_ref(q);
	a->cycle_start = router_now(a->r);
}


void ragent_cycle_end(struct ragent *a)
{
	struct rqueue *q = a->cycle_q;
	uint64_t now;

	if (!q)
		return;

	now = a->r ? router_now(a->r) : a->cycle_start;
	q->cycle_ms[q->cyclei] = now > a->cycle_start ?
		now - a->cycle_start : 0;
	q->cyclei = (q->cyclei + 1) % RQUEUE_CYCLES;
	if (q->cyclec < RQUEUE_CYCLES)
		++q->cyclec;
	a->cycle_q = mem_deref(a->cycle_q);
}


static uint64_t cycle_mean(const struct rqueue *q)
{
	uint64_t sum = 0;
	uint32_t i;

	if (!q->cyclec)
		return 0;
	for (i = 0; i < q->cyclec; i++)
		sum += q->cycle_ms[i];
	sum /= q->cyclec;

	return sum ? sum : 1;
}


/* When agent a is expected to take its next contact of the queue; false
 * when it is not serving it. h: the cycle time (0: unknown). */
static bool agent_ready_at(uint64_t *rp, const struct ragent *a,
			   uint64_t now, uint64_t h)
{
	const struct rstatus *next = a->next_status ? a->next_status
		: a->status;
	uint64_t busy;

	if (a->removed || !a->status ||
	    a->status->type != RSTATUS_ROUTABLE ||
	    !next || next->type != RSTATUS_ROUTABLE)
		return false;

	switch (a->state) {

	case AGENT_IDLE:
		if (!a->is_free)
			return false;	/* no device */
		*rp = 0;
		return true;

	case AGENT_INCOMING:
		*rp = h;
		return true;

	case AGENT_ON_CONTACT:
	case AGENT_ON_HOLD:
	case AGENT_ACW:
		busy = now > a->cycle_start ? now - a->cycle_start : 0;
		*rp = a->cycle_q && busy < h ? h - busy : 0;
		if (!a->cycle_q)
			*rp = h;
		return true;

	case AGENT_MISSED:
	case AGENT_ERROR:
		*rp = a->deadline > now ? a->deadline - now : 0;
		return true;
	}

	return false;
}


struct ewt_agents {
	uint64_t *r;		/* when each agent takes its next contact */
	size_t n, cap;
	size_t ready;		/* free now */
};


static void ewt_add(struct ewt_agents *w, const struct ragent *a,
		    uint64_t now, uint64_t h)
{
	uint64_t r;

	if (w->n >= w->cap || !agent_ready_at(&r, a, now, h))
		return;
	if (a->is_free)
		++w->ready;	/* free now, with or without history */
	w->r[w->n++] = r;
}


/* Contacts answered by time t: each agent takes one at r_i, then one
 * every h. */
static uint64_t answered_by(const struct ewt_agents *w, uint64_t t,
			    uint64_t h)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (t >= w->r[i])
			n += (t - w->r[i]) / h + 1;
	}
	return n;
}


/* Estimated wait of the k-th contact in line (k >= 1). */
static bool ewt_of(uint64_t *msp, const struct rqueue *q, uint64_t now,
		   uint32_t k)
{
	struct ewt_agents w;
	uint64_t h = cycle_mean(q), lo, hi, maxr = 0;
	struct le *le;
	bool known = false;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.cap = list_count(&q->members) + 1;
	w.r = mem_alloc(w.cap * sizeof(*w.r), NULL);
	if (!w.r)
		return false;
	if (q->agent)
		ewt_add(&w, q->agent, now, h);
	LIST_FOREACH(&q->members, le)
		ewt_add(&w, ((const struct rlink *)le->data)->a, now, h);

	if (w.ready >= k) {
		*msp = 0;
		known = true;
		goto out;
	}
	if (!h || !w.n)
		goto out;	/* no history, or nobody to answer */

	for (i = 0; i < w.n; i++) {
		if (w.r[i] > maxr)
			maxr = w.r[i];
	}

	/* least t with answered_by(t) >= k: some agent alone reaches k
	 * by maxr + (k - 1) * h */
	lo = 0;
	hi = maxr + (uint64_t)(k - 1) * h;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (answered_by(&w, mid, h) >= k)
			hi = mid;
		else
			lo = mid + 1;
	}

	*msp = lo;
	known = true;
 out:
	mem_deref(w.r);
	return known;
}


/* 1 + the waiting contacts of q that routing serves before e. */
static uint32_t position_of(const struct rqueue *q, const struct rentry *e)
{
	uint32_t pos = 1;
	struct le *le, *ee;

	LIST_FOREACH(&q->levels, le) {
		const struct rlevel *l = le->data;

		LIST_FOREACH(&l->entries, ee) {
			const struct rentry *x = ee->data;

			if (x == e)
				return pos;
			++pos;
		}
	}

	return pos;
}


void router_queue_ewt(const struct router *r, const struct rqueue *q,
		      struct rmetrics *m)
{
	uint64_t now = router_now(r);

	m->queue_ewt_known = ewt_of(&m->queue_ewt_ms, q, now,
				    q->waiting + 1);
}


void router_contact_metrics(const struct router *r, const struct rqueue *q,
			    const struct rentry *e, struct rmetrics *m)
{
	router_metrics(r, q, m);
	if (!r || !q || !e || e->q != q || e->r != r)
		return;

	switch (e->state) {

	case RENTRY_WAITING:
		m->contact_position = position_of(q, e);
		m->contact_ewt_known = ewt_of(&m->contact_ewt_ms, q,
					      router_now(r),
					      m->contact_position);
		break;

	case RENTRY_OFFERED:
		/* ringing an agent: next, no wait left */
		m->contact_position = 1;
		m->contact_ewt_known = true;
		m->contact_ewt_ms = 0;
		break;

	default:
		break;
	}
}
