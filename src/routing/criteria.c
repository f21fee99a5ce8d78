/*
 * Routing criteria and proficiencies in the router. A contact with
 * criteria is offered only to agents meeting the step in force (steps run
 * from its enqueue, or from the last rentry_set_criteria()); once every
 * step has expired any agent of the queue may take it. Agent queues
 * (TransferToAgent) ignore criteria. Waiting entries with criteria are
 * listed (r->crit) so that routing wakes when a step expires.
 */
#include <string.h>
#include <strings.h>
#include "routing_priv.h"


bool rentry_fits(const struct rentry *e, const struct ragent *a,
		 int64_t now)
{
	uint64_t age;

	if (!e->crit || e->q->agent)
		return true;

	age = now > e->crit_t0 ? (uint64_t)(now - e->crit_t0) : 0;
	return rcriteria_fits(e->crit, age, a->username,
			      a->profs ? a->profs->v : NULL,
			      a->profs ? a->profs->n : 0);
}


void rentry_crit_link(struct rentry *e)
{
	if (!e->crit || !e->r || e->q->agent || e->crit_le.list)
		return;
	list_append(&e->r->crit, &e->crit_le, e);
	++e->q->critc;
}


void rentry_crit_unlink(struct rentry *e)
{
	if (!e->crit_le.list)
		return;
	list_unlink(&e->crit_le);
	--e->q->critc;
}


static const char *agent_map(const char *id, void *arg)
{
	const struct ragent *a = router_agent(arg, id);

	return a ? a->username : NULL;
}


/* The router's own copy: preferred agents named by id or ARN become
 * usernames, which rcriteria_fits() compares. */
int rentry_crit_copy(struct rcriteria **cp, const struct router *r,
		     const struct rcriteria *c)
{
	struct rcriteria *d = NULL;
	int err;

	err = rcriteria_dup(&d, c);
	if (!err && rcriteria_has_agents(d))
		err = rcriteria_map_agents(d, agent_map, (void *)r);
	if (err) {
		mem_deref(d);
		return err;
	}

	*cp = d;
	return 0;
}


int rentry_set_criteria(struct rentry *e, const struct rcriteria *c)
{
	struct rcriteria *d = NULL;
	struct router *r;
	bool waiting;
	int err;

	if (!e)
		return EINVAL;
	r = e->r;
	if (!r || (e->state != RENTRY_WAITING && e->state != RENTRY_OFFERED))
		return EPROTO;

	if (c) {
		err = rentry_crit_copy(&d, r, c);
		if (err)
			return err;
	}

	waiting = e->state == RENTRY_WAITING;
	if (waiting)
		rqueue_unlink(e);
	mem_deref(e->crit);
	e->crit = d;
	e->crit_t0 = router_now_i(r);
	if (waiting) {
		/* its level exists: no allocation, cannot fail */
		(void)rqueue_insert(e->q, e);
		router_route(r, NULL, e);
	}

	return 0;
}


const struct rcriteria *rentry_criteria(const struct rentry *e)
{
	return e ? e->crit : NULL;
}


size_t rentry_step(const struct rentry *e)
{
	int64_t now;

	if (!e || !e->crit)
		return 0;
	now = e->r ? router_now_i(e->r) : e->crit_t0;
	return rcriteria_step(e->crit, now > e->crit_t0 ?
			      (uint64_t)(now - e->crit_t0) : 0);
}


static void profset_destructor(void *arg)
{
	struct rprofset *s = arg;
	size_t i;

	for (i = 0; i < s->n; i++) {
		mem_deref((char *)s->v[i].name);
		mem_deref((char *)s->v[i].value);
	}
	mem_deref(s->v);
}


int rprofset_alloc(struct rprofset **sp, const struct rproficiency *pv,
		   size_t n)
{
	struct rprofset *s;
	size_t i;
	int err = 0;

	if (!sp || (n && !pv))
		return EINVAL;

	for (i = 0; i < n; i++) {
		if (!str_isset(pv[i].name) || !str_isset(pv[i].value) ||
		    !(pv[i].level >= RCRIT_LEVEL_MIN &&
		      pv[i].level <= RCRIT_LEVEL_MAX))
			return EINVAL;
	}

	s = mem_zalloc(sizeof(*s), profset_destructor);
	if (!s)
		return ENOMEM;
	s->v = mem_zalloc((n + 1) * sizeof(*s->v), NULL);
	if (!s->v) {
		mem_deref(s);
		return ENOMEM;
	}
	for (i = 0; i < n && !err; i++) {
		char *name = NULL, *value = NULL;

		err  = str_dup(&name, pv[i].name);
		err |= str_dup(&value, pv[i].value);
		s->v[s->n].name = name;
		s->v[s->n].value = value;
		s->v[s->n].level = pv[i].level;
		++s->n;
	}
	if (err) {
		mem_deref(s);
		return ENOMEM;
	}

	*sp = s;
	return 0;
}


bool rprofset_equal(const struct rprofset *a, const struct rprofset *b)
{
	size_t na = a ? a->n : 0, nb = b ? b->n : 0, i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		if (strcasecmp(a->v[i].name, b->v[i].name) ||
		    strcasecmp(a->v[i].value, b->v[i].value) ||
		    a->v[i].level != b->v[i].level)
			return false;
	}
	return true;
}


const struct rproficiency *agent_proficiencies(const struct ragent *a,
					       size_t *np)
{
	if (np)
		*np = a && a->profs ? a->profs->n : 0;
	return a && a->profs ? a->profs->v : NULL;
}


int agent_set_proficiencies(struct ragent *a, const struct rproficiency *pv,
			    size_t n)
{
	struct rprofset *s = NULL;
	int err;

	if (!a)
		return EINVAL;
	if (!a->r)
		return ENOENT;

	err = rprofset_alloc(&s, pv, n);
	if (err)
		return err;

	mem_deref(a->profs);
	a->profs = s;
	router_route(a->r, a, NULL);

	return 0;
}
