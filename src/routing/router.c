/*
 * The router object: building it from a configuration, reloading it
 * without losing agents' state or waiting contacts, the clock, timers
 * and teardown.
 */
#include <string.h>
#include <strings.h>
#include <time.h>
#include "routing_priv.h"


const char *roffer_end_name(enum roffer_end why)
{
	switch (why) {

	case ROFFER_TIMEOUT:	return "timeout";
	case ROFFER_GONE:	return "gone";
	case ROFFER_DEVICE:	return "device";
	default:		return "?";
	}
}


static uint64_t wall_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	(void)clock_gettime(CLOCK_REALTIME, &ts);

	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}


uint64_t router_now(const struct router *r)
{
	return r->h.nowh(r->h.now_arg);
}


int64_t router_now_i(const struct router *r)
{
	return (int64_t)router_now(r);
}


/* Contacts keep their entry objects, detached from the router. */
static void queue_detach(struct rqueue *q)
{
	struct le *le, *ee;

	LIST_FOREACH(&q->levels, le) {
		struct rlevel *l = le->data;

		while ((ee = list_head(&l->entries))) {
			struct rentry *e = ee->data;

			list_unlink(ee);
			rentry_crit_unlink(e);
			e->lvl = NULL;
			e->state = RENTRY_DONE;
			e->r = NULL;
		}
	}
	q->waiting = 0;
	q->r = NULL;
}


static void router_destructor(void *arg)
{
	struct router *r = arg;
	struct le *le;

	tmr_cancel(&r->tmr);
	++r->depth;	/* no routing while tearing down */

	LIST_FOREACH(&r->agents, le) {
		struct ragent *a = le->data;

		ragent_unfree(a);
		ragent_reconf(a, NULL);
		tmr_cancel(&a->tmr);
		a->deadline = 0;
		if (a->entry) {
			a->entry->agent = NULL;
			a->entry->state = RENTRY_DONE;
			a->entry->r = NULL;
			a->entry = NULL;
		}
		queue_detach(a->aq);
		a->r = NULL;
	}
	LIST_FOREACH(&r->queues, le)
		queue_detach(le->data);

	list_flush(&r->agents);
	list_flush(&r->queues);
	mem_deref(r->rc);
}


static struct rqueue *queue_find(const struct router *r, const char *name)
{
	struct le *le;

	LIST_FOREACH(&r->queues, le) {
		struct rqueue *q = le->data;

		if (!strcasecmp(q->name, name))
			return q;
	}

	return NULL;
}


static struct ragent *agent_find(const struct router *r, const char *name)
{
	struct le *le;

	LIST_FOREACH(&r->agents, le) {
		struct ragent *a = le->data;

		if (!strcasecmp(a->username, name))
			return a;
	}

	return NULL;
}


static void str_set(char **sp, const char *s)
{
	char *d = NULL;

	if (s && str_dup(&d, s))
		return;	/* keep the old value rather than none */
	mem_deref(*sp);
	*sp = d;
}


static struct rstatus *status_map(const struct rconf *rc,
				  const struct rstatus *old)
{
	return old ? rconf_status(rc, old->name) : NULL;
}


/* Allocate what a reload adds before changing anything. */
static int reload_prepare(struct router *r, const struct rconf *rc,
			  struct list *newq, struct list *newa)
{
	size_t i;
	int err;

	for (i = 0; i < rc->cfg->queuec; i++) {
		const char *name = rc->cfg->queues[i].ident.name;
		struct rqueue *q;

		if (queue_find(r, name))
			continue;
		err = rqueue_alloc(&q, r, name);
		if (err)
			return err;
		list_append(newq, &q->le, q);
	}

	for (i = 0; i < rc->agentc; i++) {
		const char *name = rc->agents[i].ca->ident.name;
		struct ragent *a;

		if (agent_find(r, name))
			continue;
		err = ragent_alloc(&a, r, name);
		if (err)
			return err;
		a->status = mem_ref(rc->agents[i].status);
		a->status_since = a->since;
		list_append(newa, &a->le, a);
	}

	return 0;
}


static struct rqueue *queue_by_cfg(const struct router *r,
				   const struct cfg_queue *cq)
{
	struct le *le;

	LIST_FOREACH(&r->queues, le) {
		struct rqueue *q = le->data;

		if (q->cq == cq)
			return q;
	}

	return NULL;
}


int router_reload(struct router *r, const struct config *cfg,
		  char *errbuf, size_t errsz)
{
	struct list newq = LIST_INIT, newa = LIST_INIT;
	struct rconf *rc = NULL;
	struct le *le, *next;
	size_t i, j;
	int err;

	if (!r || !cfg)
		return EINVAL;

	err = rconf_parse(&rc, cfg, errbuf, errsz);
	if (err)
		return err;
	err = reload_prepare(r, rc, &newq, &newa);
	if (err) {
		list_flush(&newq);
		list_flush(&newa);
		mem_deref(rc);
		return err;
	}

	++r->depth;	/* route once, at the end */

	/* queues: match by name, keep their contacts */
	while ((le = list_head(&newq))) {
		list_unlink(le);
		list_append(&r->queues, le, le->data);
	}
	LIST_FOREACH(&r->queues, le) {
		struct rqueue *q = le->data;

		q->cq = NULL;
		q->removed = true;
	}
	for (i = 0; i < cfg->queuec; i++) {
		struct rqueue *q = queue_find(r, cfg->queues[i].ident.name);

		q->cq = &cfg->queues[i];
		q->max_contacts = cfg->queues[i].max_contacts;
		q->removed = false;
	}
	for (i = 0; i < rc->profilec; i++) {
		struct rprofile *p = rc->profiles[i];

		for (j = 0; j < p->itemc; j++)
			p->items[j].q = queue_by_cfg(r, p->items[j].cq);
	}

	/* agents: match by username, keep status, state and contact */
	while ((le = list_head(&newa))) {
		list_unlink(le);
		list_append(&r->agents, le, le->data);
	}
	LIST_FOREACH(&r->agents, le) {
		struct ragent *a = le->data;

		ragent_unfree(a);
		a->removed = true;
	}
	for (i = 0; i < rc->agentc; i++) {
		const struct ragent_conf *ac = &rc->agents[i];
		struct ragent *a = agent_find(r, ac->ca->ident.name);
		struct rstatus *s;

		a->removed = false;
		a->ord = (uint32_t)i;
		str_set(&a->first_name, ac->ca->first_name);
		str_set(&a->last_name, ac->ca->last_name);
		str_set(&a->password, ac->password);
		if (!a->contact && ac->contact)
			a->device = true;	/* a static contact is up */
		str_set(&a->contact, ac->contact);
		ragent_reconf(a, ac->profile);

		/* proficiencies set over the API stay until the
		 * configuration changes this agent's */
		if (!a->cprofs_set || !rprofset_equal(a->cprofs, ac->profs)) {
			mem_deref(a->profs);
			a->profs = mem_ref(ac->profs);
		}
		mem_deref(a->cprofs);
		a->cprofs = mem_ref(ac->profs);
		a->cprofs_set = true;

		s = status_map(rc, a->status);
		mem_deref(a->status);
		a->status = mem_ref(s ? s : rc->offline);
		s = status_map(rc, a->next_status);
		mem_deref(a->next_status);
		a->next_status = mem_ref(s);
	}
	LIST_FOREACH(&r->agents, le) {
		struct ragent *a = le->data;

		if (!a->removed)
			continue;
		/* leaves once its contact and agent queue are done */
		ragent_reconf(a, NULL);
		mem_deref(a->next_status);
		a->next_status = NULL;
		if (a->state == AGENT_IDLE) {
			mem_deref(a->status);
			a->status = mem_ref(rc->offline);
		}
		else {
			a->next_status = mem_ref(rc->offline);
		}
	}

	mem_deref(r->rc);
	r->rc = rc;

	for (le = list_head(&r->agents); le; le = next) {
		struct ragent *a = le->data;

		next = le->next;
		a->keep_idle = true;	/* a reload is no reason to wait */
		ragent_update_free(a);
		(void)ragent_gc(a);
	}
	for (le = list_head(&r->queues); le; le = next) {
		next = le->next;
		rqueue_gc(le->data);
	}

	--r->depth;
	r->again = false;
	router_route(r, NULL, NULL);

	return 0;
}


int router_alloc(struct router **rp, const struct config *cfg,
		 const struct router_handlers *h, void *arg,
		 char *errbuf, size_t errsz)
{
	struct router *r;
	int err;

	if (!rp || !cfg || !h || !h->offerh)
		return EINVAL;

	r = mem_zalloc(sizeof(*r), router_destructor);
	if (!r)
		return ENOMEM;
	r->h = *h;
	if (!r->h.nowh)
		r->h.nowh = wall_ms;
	r->arg = arg;
	tmr_init(&r->tmr);

	err = router_reload(r, cfg, errbuf, errsz);
	if (err) {
		mem_deref(r);
		return err;
	}

	*rp = r;
	return 0;
}


void router_poll(struct router *r)
{
	uint64_t now;
	bool again = true;
	struct le *le, *next;

	if (!r)
		return;

	/* one at a time: a transition may start another due timer */
	while (again) {
		struct ragent *due = NULL;

		now = router_now(r);
		again = false;
		for (le = list_head(&r->agents); le; le = next) {
			struct ragent *a = le->data;

			next = le->next;
			if (a->deadline && a->deadline <= now &&
			    (!due || a->deadline < due->deadline))
				due = a;
		}
		if (due) {
			ragent_timer_due(due);
			again = true;
		}
	}

	if (r->eligible_at && router_now(r) >= r->eligible_at)
		router_route(r, NULL, NULL);
}


static void metrics_agent(struct rmetrics *m, const struct ragent *a)
{
	enum rstatus_type t = a->status ? a->status->type : RSTATUS_OFFLINE;

	if (t == RSTATUS_OFFLINE)
		return;

	++m->agents_online;
	if (t != RSTATUS_CUSTOM)
		++m->agents_staffed;
	else
		++m->agents_non_productive;
	if (a->is_free)
		++m->agents_available;

	switch (a->state) {

	case AGENT_INCOMING:
	case AGENT_ON_CONTACT:
	case AGENT_ON_HOLD:
		++m->agents_busy;
		break;

	case AGENT_ACW:
		++m->agents_acw;
		break;

	case AGENT_MISSED:
		++m->agents_missed;
		break;

	case AGENT_ERROR:
		++m->agents_error;
		break;

	default:
		break;
	}
}


static void oldest(uint64_t *oldp, const struct rentry *e)
{
	if (!*oldp || e->enq_ms < *oldp)
		*oldp = e->enq_ms;
}


void router_metrics(const struct router *r, const struct rqueue *q,
		    struct rmetrics *m)
{
	uint64_t old = 0, now;
	struct le *le, *ee;

	if (!m)
		return;
	memset(m, 0, sizeof(*m));
	if (!r || !q)
		return;

	now = router_now(r);
	m->contacts_in_queue = q->waiting + q->offered;

	/* real time in queue (without the routing adjustment) */
	LIST_FOREACH(&q->levels, le) {
		const struct rlevel *l = le->data;

		LIST_FOREACH(&l->entries, ee)
			oldest(&old, ee->data);
	}

	if (q->agent) {
		metrics_agent(m, q->agent);
		if (q->agent->state == AGENT_INCOMING &&
		    q->agent->entry->q == q)
			oldest(&old, q->agent->entry);
	}
	LIST_FOREACH(&q->members, le) {
		const struct rlink *l = le->data;

		metrics_agent(m, l->a);
		if (l->a->state == AGENT_INCOMING && l->a->entry->q == q)
			oldest(&old, l->a->entry);
	}

	if (old && now > old)
		m->oldest_contact_age_ms = now - old;

	router_queue_ewt(r, q, m);
}


size_t router_agent_count(const struct router *r)
{
	return r ? list_count(&r->agents) : 0;
}


size_t router_queue_count(const struct router *r)
{
	return r ? list_count(&r->queues) : 0;
}


struct ragent *router_agent_apply(const struct router *r,
				  router_agent_apply_h *h, void *arg)
{
	struct le *le;

	if (!r || !h)
		return NULL;

	LIST_FOREACH(&r->agents, le) {
		if (h(le->data, arg))
			return le->data;
	}

	return NULL;
}
