/*
 * Queues and their entries. A queue keeps its waiting contacts in levels
 * of one QueuePriority each, oldest first, so the best eligible contact
 * for any delay is found by looking at the head of each level only.
 */
#include <string.h>
#include <strings.h>
#include "routing_priv.h"


const char *rentry_state_name(enum rentry_state st)
{
	switch (st) {

	case RENTRY_WAITING:	return "WAITING";
	case RENTRY_OFFERED:	return "OFFERED";
	case RENTRY_CONNECTED:	return "CONNECTED";
	case RENTRY_DONE:	return "DONE";
	default:		return "?";
	}
}


static void queue_destructor(void *arg)
{
	struct rqueue *q = arg;

	list_flush(&q->levels);
	mem_deref(q->name);
}


int rqueue_alloc(struct rqueue **qp, struct router *r, const char *name)
{
	struct rqueue *q = mem_zalloc(sizeof(*q), queue_destructor);
	int err;

	if (!q)
		return ENOMEM;
	q->r = r;
	err = str_dup(&q->name, name);
	if (err) {
		mem_deref(q);
		return err;
	}

	*qp = q;
	return 0;
}


bool rentry_before(const struct rentry *a, const struct rentry *b)
{
	if (a->qprio != b->qprio)
		return a->qprio < b->qprio;
	if (a->eff_ms != b->eff_ms)
		return a->eff_ms < b->eff_ms;
	return a->seq < b->seq;
}


/* Levels are kept once created (a queue sees few QueuePriority values),
 * so returning an offered contact never needs memory. */
int rqueue_insert(struct rqueue *q, struct rentry *e)
{
	struct rlevel *lvl = NULL;
	struct le *le;

	LIST_FOREACH(&q->levels, le) {
		struct rlevel *l = le->data;

		if (l->qprio >= e->qprio) {
			if (l->qprio == e->qprio)
				lvl = l;
			break;
		}
	}

	if (!lvl) {
		/* a plain allocation: list_flush frees it */
		lvl = mem_zalloc(sizeof(*lvl), NULL);
		if (!lvl)
			return ENOMEM;
		lvl->qprio = e->qprio;
		if (le)
			list_insert_before(&q->levels, le, &lvl->le, lvl);
		else
			list_append(&q->levels, &lvl->le, lvl);
	}

	/* new contacts are the youngest: walk from the tail */
	for (le = list_tail(&lvl->entries); le; le = le->prev) {
		if (!rentry_before(e, le->data))
			break;
	}
	if (le)
		list_insert_after(&lvl->entries, le, &e->le, e);
	else
		list_prepend(&lvl->entries, &e->le, e);

	e->lvl = lvl;
	e->state = RENTRY_WAITING;
	++q->waiting;
	rentry_crit_link(e);

	return 0;
}


void rqueue_unlink(struct rentry *e)
{
	struct rlevel *lvl = e->lvl;

	if (!lvl)
		return;

	list_unlink(&e->le);
	e->lvl = NULL;
	--e->q->waiting;
	rentry_crit_unlink(e);
}


struct rentry *rqueue_first_eligible(const struct rqueue *q, int64_t now,
				     uint64_t delay_ms, const struct ragent *a)
{
	struct le *le, *ee;

	LIST_FOREACH(&q->levels, le) {
		const struct rlevel *l = le->data;
		struct rentry *e = list_ledata(list_head(&l->entries));

		if (!q->critc || !a) {
			if (e && now - e->eff_ms >= (int64_t)delay_ms)
				return e;
			continue;
		}

		/* oldest first: the first that fits a is its best here */
		LIST_FOREACH(&l->entries, ee) {
			e = ee->data;
			if (now - e->eff_ms < (int64_t)delay_ms)
				break;
			if (rentry_fits(e, a, now))
				return e;
		}
	}

	return NULL;
}


/* A removed queue leaves the router once no contact is in it. */
void rqueue_gc(struct rqueue *q)
{
	struct router *r = q->r;

	if (!r || !q->removed || q->agent || q->waiting || q->offered)
		return;

	list_unlink(&q->le);
	q->r = NULL;
	mem_deref(q);
}


static void entry_destructor(void *arg)
{
	struct rentry *e = arg;

	router_dequeue(e);
	rentry_crit_unlink(e);
	mem_deref(e->crit);
	mem_deref(e->q);
}


int router_enqueue(struct rentry **ep, struct router *r, struct rqueue *q,
		   uint32_t qprio, int64_t adjust_s, rentry_h *h, void *arg)
{
	struct renqueue o = {.qprio = qprio, .adjust_s = adjust_s};

	return router_enqueue_opts(ep, r, q, &o, h, arg);
}


int router_enqueue_opts(struct rentry **ep, struct router *r,
			struct rqueue *q, const struct renqueue *o,
			rentry_h *h, void *arg)
{
	struct rentry *e;
	uint64_t now;
	int err;

	if (!ep || !r || !q || !o || q->r != r)
		return q && !q->r ? ENOENT : EINVAL;
	if (q->removed)
		return ENOENT;
	if (q->max_contacts && q->waiting + q->offered >= q->max_contacts)
		return EOVERFLOW;

	e = mem_zalloc(sizeof(*e), entry_destructor);
	if (!e)
		return ENOMEM;

	now = router_now(r);
	e->r = r;
	e->q = mem_ref(q);
	e->qprio = o->qprio;
	e->adjust_ms = o->adjust_s * 1000;
	e->enq_ms = now;
	e->eff_ms = (int64_t)now - e->adjust_ms;
	e->crit_t0 = (int64_t)now;
	e->seq = ++r->seq;
	e->h = h;
	e->arg = arg;
	err = o->crit ? rentry_crit_copy(&e->crit, r, o->crit) : 0;
	if (!err && rqueue_insert(q, e))
		err = ENOMEM;
	if (err) {
		e->r = NULL;
		mem_deref(e);
		return err;
	}

	*ep = e;
	router_route(r, NULL, e);

	return 0;
}


void router_dequeue(struct rentry *e)
{
	struct ragent *a;
	struct rqueue *q;

	if (!e || !e->r)
		return;

	q = e->q;
	a = e->agent;

	switch (e->state) {

	case RENTRY_WAITING:
		rqueue_unlink(e);
		break;

	case RENTRY_OFFERED:
		--q->offered;
		break;

	default:
		break;
	}

	e->state = RENTRY_DONE;
	e->r = NULL;
	e->agent = NULL;
	if (a)
		ragent_entry_gone(a, e);
	rqueue_gc(q);
}


/* The offer ended unanswered: back in the queue with its age and seq,
 * hence at the head of everything that came after it. */
void rentry_offer_return(struct rentry *e)
{
	struct ragent *a = e->agent;

	--e->q->offered;
	e->agent = NULL;
	(void)rqueue_insert(e->q, e);	/* its level exists */
	if (e->h)
		e->h(e, RENTRY_EV_RETURNED, a, e->arg);
}


enum rentry_state rentry_state(const struct rentry *e)
{
	return e ? e->state : RENTRY_DONE;
}


struct rqueue *rentry_queue(const struct rentry *e)
{
	return e ? e->q : NULL;
}


struct ragent *rentry_agent(const struct rentry *e)
{
	return e ? e->agent : NULL;
}


void *rentry_arg(const struct rentry *e)
{
	return e ? e->arg : NULL;
}


uint64_t rentry_enqueued_ms(const struct rentry *e)
{
	return e ? e->enq_ms : 0;
}


uint32_t rentry_priority(const struct rentry *e)
{
	return e ? e->qprio : 0;
}


uint32_t rentry_attempts(const struct rentry *e)
{
	return e ? e->attempts : 0;
}


struct rqueue *router_queue(const struct router *r, const char *ref)
{
	const struct cfg_queue *cq;
	struct le *le;

	if (!r || !ref)
		return NULL;

	cq = config_queue(r->rc->cfg, ref);
	LIST_FOREACH(&r->queues, le) {
		struct rqueue *q = le->data;

		if (q->removed)
			continue;
		if (cq ? q->cq == cq : !strcasecmp(q->name, ref))
			return q;
	}

	return NULL;
}


const char *rqueue_name(const struct rqueue *q)
{
	return q ? q->name : NULL;
}


struct ragent *rqueue_agent(const struct rqueue *q)
{
	return q ? q->agent : NULL;
}


bool rqueue_removed(const struct rqueue *q)
{
	return !q || q->removed;
}


uint32_t rqueue_waiting(const struct rqueue *q)
{
	return q ? q->waiting : 0;
}
