/**
 * @file rselect.h  The routing decision as a pure function over a
 * snapshot, and the snapshot of a router.
 *
 * Owns nothing but struct rsnap (a mem object). The router's incremental
 * decisions must always equal routing_select() over its snapshot; tests
 * check that, and scenario tables drive routing_select() directly.
 *
 * The rule: among free agents, ordered by idle-since (oldest first) then
 * ord, the first agent that has an eligible contact takes its best one.
 * A contact is eligible for an agent when its queue is in the agent's
 * items, its age (now - enqueued + adjustment) is at least the item's
 * delay, and the agent meets the step of the contact's routing criteria
 * in force (rcriteria_fits() at now - crit_t0; the router gives agent
 * queue contacts no criteria). The best contact has the lowest item
 * priority (0 = the agent's own queue), then the lowest QueuePriority,
 * then the greatest age, then the lowest seq (enqueued first).
 */
#ifndef CALLFLOWD_RSELECT_H
#define CALLFLOWD_RSELECT_H

#include <stddef.h>
#include <stdint.h>

struct router;
struct ragent;
struct rentry;
struct rcriteria;
struct rproficiency;

struct rsel_item {
	uint32_t queue;		/* queue index */
	uint32_t priority;	/* 1..99, 0 for the agent queue */
	uint64_t delay_ms;
};

struct rsel_agent {
	int64_t idle_since;
	uint32_t ord;		/* tie-break: lower first */
	const struct rsel_item *items;
	size_t itemc;
	const char *name;	/* username, for preferred agents */
	const struct rproficiency *profs;
	size_t profc;
	struct ragent *agent;	/* for snapshots; NULL in tables */
};

struct rsel_contact {
	uint32_t queue;
	uint32_t qprio;		/* QueuePriority */
	int64_t eff_ms;		/* enqueued - adjustment (older: lower) */
	uint64_t seq;
	const struct rcriteria *crit;	/* or NULL: any agent */
	int64_t crit_t0;	/* when its steps started */
	struct rentry *entry;	/* for snapshots; NULL in tables */
};

/** 0 with *aip and *cip set, or ENOENT when no pair is possible. */
int routing_select(const struct rsel_agent *av, size_t ac,
		   const struct rsel_contact *cv, size_t cc, int64_t now,
		   size_t *aip, size_t *cip);

/** The free agents and waiting contacts of a router. */
struct rsnap {
	struct rsel_agent *agents;
	size_t agentc;
	struct rsel_contact *contacts;
	size_t contactc;
	int64_t now;
};
int router_snapshot(struct rsnap **sp, struct router *r);

/** Test hook: called just before each offer is committed. */
typedef void (router_pick_h)(struct router *r, struct ragent *a,
			     struct rentry *e, void *arg);
void router_set_pick_hook(struct router *r, router_pick_h *h, void *arg);

#endif
