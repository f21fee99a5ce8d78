/*
 * The agent state machine. Only this file changes an agent's state; each
 * state other than Idle and OnContact/OnHold runs a timer, OnContact ends
 * with the contact (the entry's owner reports it or frees the entry), and
 * events that do not apply return EPROTO without changing anything.
 */
#include <string.h>
#include <strings.h>
#include "routing_priv.h"

/* for agents without a routing profile */
enum { DEF_RING_MS = 20000, DEF_MISSED_MS = 5000, DEF_ERROR_MS = 5000 };


const char *agent_state_name(enum agent_state st)
{
	switch (st) {

	case AGENT_IDLE:	return "Available";
	case AGENT_INCOMING:	return "Incoming";
	case AGENT_ON_CONTACT:	return "OnContact";
	case AGENT_ON_HOLD:	return "OnHold";
	case AGENT_ACW:		return "AfterContactWork";
	case AGENT_MISSED:	return "Missed";
	case AGENT_ERROR:	return "Error";
	default:		return "?";
	}
}


const char *rstatus_type_name(enum rstatus_type t)
{
	switch (t) {

	case RSTATUS_ROUTABLE:	return "ROUTABLE";
	case RSTATUS_CUSTOM:	return "CUSTOM";
	case RSTATUS_OFFLINE:	return "OFFLINE";
	default:		return "?";
	}
}


static void links_clear(struct ragent *a)
{
	size_t i;

	for (i = 0; i < a->linkc; i++) {
		list_unlink(&a->links[i].member_le);
		list_unlink(&a->links[i].free_le);
	}
	a->links = mem_deref(a->links);
	a->linkc = 0;
}


static void agent_destructor(void *arg)
{
	struct ragent *a = arg;

	tmr_cancel(&a->tmr);
	list_unlink(&a->free_le);
	links_clear(a);
	if (a->entry) {
		/* router teardown: the contact keeps a detached entry */
		a->entry->agent = NULL;
		a->entry->state = RENTRY_DONE;
		a->entry->r = NULL;
	}
	mem_deref(a->aq);
	mem_deref(a->profs);
	mem_deref(a->cprofs);
	mem_deref(a->cycle_q);
	mem_deref(a->profile);
	mem_deref(a->status);
	mem_deref(a->next_status);
	mem_deref(a->username);
	mem_deref(a->first_name);
	mem_deref(a->last_name);
	mem_deref(a->password);
	mem_deref(a->contact);
}


int ragent_alloc(struct ragent **ap, struct router *r, const char *name)
{
	struct ragent *a = mem_zalloc(sizeof(*a), agent_destructor);
	int err;

	if (!a)
		return ENOMEM;
	a->r = r;
	tmr_init(&a->tmr);
	err = str_dup(&a->username, name);
	if (!err)
		err = rqueue_alloc(&a->aq, r, name);
	if (err) {
		mem_deref(a);
		return err;
	}
	a->aq->agent = a;
	a->state = AGENT_IDLE;
	a->since = router_now(r);
	a->idle_since = (int64_t)a->since;

	*ap = a;
	return 0;
}


static void notify(struct ragent *a)
{
	struct router *r = a->r;

	if (r && r->h.agenth)
		r->h.agenth(a, r->arg);
}


static bool idle_before(const struct ragent *x, const struct ragent *y)
{
	if (x->idle_since != y->idle_since)
		return x->idle_since < y->idle_since;
	return x->ord < y->ord;
}


/* Sorted insertion from the tail: agents usually become free last.
 * The global list holds agents, a queue's list holds links. */
static void free_insert(struct list *l, struct le *le, struct ragent *a,
			void *data)
{
	bool links = data != a;
	struct le *at;

	for (at = list_tail(l); at; at = at->prev) {
		const struct ragent *o = links ?
			((const struct rlink *)at->data)->a : at->data;

		if (!idle_before(a, o))
			break;
	}
	if (at)
		list_insert_after(l, at, le, data);
	else
		list_prepend(l, le, data);
}


void ragent_unfree(struct ragent *a)
{
	size_t i;

	if (!a->is_free)
		return;

	a->is_free = false;
	list_unlink(&a->free_le);
	for (i = 0; i < a->linkc; i++)
		list_unlink(&a->links[i].free_le);
	if (a->profile)
		--a->profile->free_agents;
}


/* Free = may get an offer now. Called after anything that changes it. */
void ragent_update_free(struct ragent *a)
{
	struct router *r = a->r;
	bool want;
	size_t i;

	want = r && !a->removed && a->device && a->state == AGENT_IDLE &&
		a->status && a->status->type == RSTATUS_ROUTABLE;

	if (want == a->is_free) {
		a->keep_idle = false;
		return;
	}
	if (!want) {
		ragent_unfree(a);
		return;
	}

	if (!a->keep_idle)
		a->idle_since = router_now_i(r);
	a->keep_idle = false;
	a->is_free = true;
	free_insert(&r->free, &a->free_le, a, a);
	for (i = 0; i < a->linkc; i++)
		free_insert(&a->links[i].q->free, &a->links[i].free_le, a,
			    &a->links[i]);
	if (a->profile)
		++a->profile->free_agents;
}


/* New profile (reload): rebuild the queue memberships. */
void ragent_reconf(struct ragent *a, struct rprofile *p)
{
	size_t i;

	ragent_unfree(a);
	links_clear(a);
	mem_deref(a->profile);
	a->profile = mem_ref(p);

	if (p && p->itemc) {
		a->links = mem_zalloc(p->itemc * sizeof(*a->links), NULL);
		if (!a->links)
			return;	/* only its agent queue routes to it */
		for (i = 0; i < p->itemc; i++) {
			struct rlink *l = &a->links[a->linkc];

			if (!p->items[i].q)
				continue;
			l->a = a;
			l->q = p->items[i].q;
			l->priority = p->items[i].priority;
			l->delay_ms = p->items[i].delay_ms;
			list_append(&l->q->members, &l->member_le, l);
			++a->linkc;
		}
	}
}


static void timeout_h(void *arg);


static void enter(struct ragent *a, enum agent_state st, uint64_t ms)
{
	tmr_cancel(&a->tmr);
	a->deadline = 0;
	a->state = st;
	a->since = router_now(a->r);
	if (ms) {
		a->deadline = a->since + ms;
		tmr_start(&a->tmr, ms, timeout_h, a);
	}
	ragent_update_free(a);
}


void ragent_set_status(struct ragent *a, struct rstatus *s)
{
	a->next_status = mem_deref(a->next_status);
	if (s == a->status)
		return;
	mem_deref(a->status);
	a->status = mem_ref(s);
	a->status_since = router_now(a->r);
	ragent_update_free(a);
}


/* A removed agent leaves once idle with an empty agent queue.
 * True when a is gone (do not touch it). */
bool ragent_gc(struct ragent *a)
{
	if (!a->r || !a->removed || a->state != AGENT_IDLE ||
	    a->aq->waiting || a->aq->offered)
		return false;

	tmr_cancel(&a->tmr);
	ragent_unfree(a);
	links_clear(a);
	list_unlink(&a->le);
	a->r = NULL;
	a->aq->r = NULL;
	mem_deref(a);

	return true;
}


static void to_idle(struct ragent *a)
{
	struct router *r = a->r;

	a->entry = NULL;
	ragent_cycle_end(a);
	if (a->next_status)
		ragent_set_status(a, a->next_status);
	enter(a, AGENT_IDLE, 0);
	notify(a);
	if (ragent_gc(a))
		return;
	router_route(r, a, NULL);
}


static void after_contact(struct ragent *a)
{
	uint64_t ms = a->profile ? a->profile->acw_ms : 0;

	a->entry = NULL;
	if (!ms) {
		to_idle(a);
		return;
	}
	enter(a, AGENT_ACW, ms);
	notify(a);
}


/* Routing chose (a, e): ring the agent. */
void ragent_offer(struct ragent *a, struct rentry *e)
{
	struct router *r = a->r;
	uint64_t ms;
	int err;

	if (r->pickh)
		r->pickh(r, a, e, r->pick_arg);

	rqueue_unlink(e);
	e->state = RENTRY_OFFERED;
	++e->q->offered;
	e->agent = a;
	++e->attempts;
	a->entry = e;
	ms = a->profile ? a->profile->ring_ms : DEF_RING_MS;
	enter(a, AGENT_INCOMING, ms);
	notify(a);

	if (e->h)
		e->h(e, RENTRY_EV_OFFERED, a, e->arg);
	if (a->entry != e || a->state != AGENT_INCOMING)
		return;

	err = r->h.offerh ? r->h.offerh(a, e, r->arg) : ENOSYS;
	if (!err || a->entry != e || a->state != AGENT_INCOMING)
		return;

	/* could not ring: not the agent's miss; retry after error_ms */
	a->entry = NULL;
	rentry_offer_return(e);
	a->keep_idle = true;
	enter(a, AGENT_ERROR, a->profile ? a->profile->error_ms :
	      DEF_ERROR_MS);
	notify(a);
	r->again = true;
}


static void miss(struct ragent *a)
{
	struct router *r = a->r;
	struct rentry *e = a->entry;
	const struct rprofile *p = a->profile;

	a->entry = NULL;
	rentry_offer_return(e);

	++a->misses;
	if (p && p->max_misses && a->misses >= p->max_misses) {
		a->misses = 0;
		ragent_set_status(a, p->miss_status);
	}

	/* missed_ms >= 1 s: never offered the same contact at once */
	enter(a, AGENT_MISSED, p ? p->missed_ms : DEF_MISSED_MS);
	notify(a);
	router_route(r, NULL, e);
}


void ragent_timer_due(struct ragent *a)
{
	struct router *r = a->r;
	struct rentry *e = a->entry;

	if (!r || !a->deadline || router_now(r) < a->deadline)
		return;

	a->deadline = 0;
	switch (a->state) {

	case AGENT_INCOMING:
		if (r->h.cancelh)
			r->h.cancelh(a, e, ROFFER_TIMEOUT, r->arg);
		if (a->entry == e && a->state == AGENT_INCOMING)
			miss(a);
		break;

	case AGENT_ACW:
	case AGENT_MISSED:
	case AGENT_ERROR:
		to_idle(a);
		break;

	default:
		break;
	}
}


static void timeout_h(void *arg)
{
	struct ragent *a = arg;
	uint64_t now;

	if (!a->r || !a->deadline)
		return;

	/* an injected clock may lag libre's timers: wait for it */
	now = router_now(a->r);
	if (now < a->deadline) {
		tmr_start(&a->tmr, a->deadline - now, timeout_h, a);
		return;
	}

	ragent_timer_due(a);
}


/* The entry left (dequeued or freed) while offered or connected. */
void ragent_entry_gone(struct ragent *a, struct rentry *e)
{
	if (!a->r || a->entry != e)
		return;

	switch (a->state) {

	case AGENT_INCOMING:
		if (a->r->h.cancelh)
			a->r->h.cancelh(a, e, ROFFER_GONE, a->r->arg);
		if (a->entry != e || a->state != AGENT_INCOMING)
			return;
		a->keep_idle = true;
		to_idle(a);
		break;

	case AGENT_ON_CONTACT:
	case AGENT_ON_HOLD:
		after_contact(a);
		break;

	default:
		break;
	}
}


int agent_set_status(struct ragent *a, const char *status)
{
	struct rstatus *s;

	if (!a || !status)
		return EINVAL;
	if (!a->r)
		return ENOENT;
	s = rconf_status(a->r->rc, status);
	if (!s)
		return ENOENT;

	switch (a->state) {

	case AGENT_IDLE:
		ragent_set_status(a, s);
		notify(a);
		router_route(a->r, a, NULL);
		break;

	case AGENT_MISSED:
	case AGENT_ERROR:
		ragent_set_status(a, s);
		to_idle(a);
		break;

	default:
		/* never tears a live contact: applies when idle again */
		mem_deref(a->next_status);
		a->next_status = s == a->status ? NULL : mem_ref(s);
		notify(a);
		break;
	}

	return 0;
}


int agent_set_device(struct ragent *a, bool up)
{
	struct router *r;
	struct rentry *e;

	if (!a)
		return EINVAL;
	if (!a->r)
		return ENOENT;
	r = a->r;
	if (a->device == up)
		return 0;
	a->device = up;

	if (!up && a->state == AGENT_INCOMING) {
		/* re-registering is not a miss: back to the queue */
		e = a->entry;
		if (r->h.cancelh)
			r->h.cancelh(a, e, ROFFER_DEVICE, r->arg);
		if (a->entry != e || a->state != AGENT_INCOMING)
			return 0;
		a->entry = NULL;
		rentry_offer_return(e);
		a->keep_idle = true;
		to_idle(a);
		router_route(r, NULL, e);
		return 0;
	}

	if (up && a->state == AGENT_ERROR) {
		to_idle(a);
		return 0;
	}

	ragent_update_free(a);
	notify(a);
	router_route(r, a, NULL);

	return 0;
}


int agent_offer_answered(struct ragent *a)
{
	struct rentry *e;

	if (!a)
		return EINVAL;
	if (!a->r)
		return ENOENT;
	if (a->state != AGENT_INCOMING)
		return EPROTO;

	e = a->entry;
	--e->q->offered;
	e->state = RENTRY_CONNECTED;
	a->misses = 0;
	ragent_cycle_start(a, e->q);
	enter(a, AGENT_ON_CONTACT, 0);
	notify(a);
	if (e->h)
		e->h(e, RENTRY_EV_CONNECTED, a, e->arg);
	rqueue_gc(e->q);

	return 0;
}


int agent_offer_missed(struct ragent *a)
{
	if (!a)
		return EINVAL;
	if (!a->r)
		return ENOENT;
	if (a->state != AGENT_INCOMING)
		return EPROTO;

	miss(a);
	return 0;
}


int agent_hold(struct ragent *a, bool hold)
{
	enum agent_state st = hold ? AGENT_ON_HOLD : AGENT_ON_CONTACT;

	if (!a)
		return EINVAL;
	if (!a->r)
		return ENOENT;
	if (a->state != AGENT_ON_CONTACT && a->state != AGENT_ON_HOLD)
		return EPROTO;
	if (a->state == st)
		return 0;

	enter(a, st, 0);
	notify(a);

	return 0;
}


int agent_contact_ended(struct ragent *a)
{
	struct rentry *e;

	if (!a)
		return EINVAL;
	if (!a->r)
		return ENOENT;
	if (a->state != AGENT_ON_CONTACT && a->state != AGENT_ON_HOLD)
		return EPROTO;

	/* the contact keeps its entry object, now detached */
	e = a->entry;
	e->state = RENTRY_DONE;
	e->agent = NULL;
	e->r = NULL;
	after_contact(a);

	return 0;
}


int agent_clear(struct ragent *a)
{
	if (!a)
		return EINVAL;
	if (!a->r)
		return ENOENT;
	if (a->state != AGENT_ACW && a->state != AGENT_MISSED &&
	    a->state != AGENT_ERROR)
		return EPROTO;

	to_idle(a);
	return 0;
}


struct ragent *router_agent(const struct router *r, const char *ref)
{
	const struct cfg_agent *ca;
	struct le *le;

	if (!r || !ref)
		return NULL;

	ca = config_agent(r->rc->cfg, ref);
	if (ca)
		ref = ca->ident.name;
	LIST_FOREACH(&r->agents, le) {
		struct ragent *a = le->data;

		if (!a->removed && !strcasecmp(a->username, ref))
			return a;
	}

	return NULL;
}


const char *agent_username(const struct ragent *a)
{
	return a ? a->username : NULL;
}


const char *agent_first_name(const struct ragent *a)
{
	return a ? a->first_name : NULL;
}


const char *agent_last_name(const struct ragent *a)
{
	return a ? a->last_name : NULL;
}


const char *agent_password(const struct ragent *a)
{
	return a ? a->password : NULL;
}


const char *agent_contact_uri(const struct ragent *a)
{
	return a ? a->contact : NULL;
}


const char *agent_profile_name(const struct ragent *a)
{
	return a && a->profile ? a->profile->ident.name : NULL;
}


const char *agent_status(const struct ragent *a)
{
	return a && a->status ? a->status->name : NULL;
}


enum rstatus_type agent_status_type(const struct ragent *a)
{
	return a && a->status ? a->status->type : RSTATUS_OFFLINE;
}


const char *agent_next_status(const struct ragent *a)
{
	return a && a->next_status ? a->next_status->name : NULL;
}


enum agent_state agent_state(const struct ragent *a)
{
	return a ? a->state : AGENT_IDLE;
}


const char *agent_display_state(const struct ragent *a)
{
	if (!a)
		return NULL;
	if (a->state == AGENT_IDLE && a->status)
		return a->status->name;

	return agent_state_name(a->state);
}


uint64_t agent_state_since(const struct ragent *a)
{
	return a ? a->since : 0;
}


uint64_t agent_status_since(const struct ragent *a)
{
	return a ? a->status_since : 0;
}


uint64_t agent_idle_since(const struct ragent *a)
{
	return a ? (uint64_t)a->idle_since : 0;
}


bool agent_device(const struct ragent *a)
{
	return a && a->device;
}


bool agent_routable(const struct ragent *a)
{
	return a && a->is_free;
}


uint32_t agent_misses(const struct ragent *a)
{
	return a ? a->misses : 0;
}


struct rentry *agent_entry(const struct ragent *a)
{
	return a ? a->entry : NULL;
}


struct rqueue *agent_queue(const struct ragent *a)
{
	return a ? a->aq : NULL;
}


void *agent_contact_arg(const struct ragent *a)
{
	return a && a->entry ? a->entry->arg : NULL;
}
