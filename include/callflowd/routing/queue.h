/**
 * @file queue.h  Routing queues and the contacts waiting in them.
 *
 * A struct rqueue is owned by the router (one per configured queue, plus
 * one agent queue per agent). A struct rentry is the contact's place in a
 * queue: the contact owns it (mem object) and its destructor takes it out
 * of the queue, withdraws an offer in progress, or ends the agent's
 * contact if it was connected. Everything runs on the loop thread.
 */
#ifndef CALLFLOWD_QUEUE_H
#define CALLFLOWD_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct router;
struct rqueue;
struct rentry;
struct ragent;
struct rcriteria;

enum rentry_state {
	RENTRY_WAITING,		/* in its queue */
	RENTRY_OFFERED,		/* ringing an agent */
	RENTRY_CONNECTED,	/* answered: left the queue */
	RENTRY_DONE,		/* dequeued, or its contact ended */
};
const char *rentry_state_name(enum rentry_state st);

enum rentry_event {
	RENTRY_EV_OFFERED,	/* an agent's phone is ringing for it */
	RENTRY_EV_RETURNED,	/* offer missed/withdrawn: back at the head */
	RENTRY_EV_CONNECTED,	/* the agent answered */
};

/** Told to the contact owning the entry; agent may be NULL. */
typedef void (rentry_h)(struct rentry *e, enum rentry_event ev,
			struct ragent *a, void *arg);

/**
 * Put a contact in queue q (a queue or an agent queue). qprio is the
 * contact's QueuePriority (lower first, Connect's default 5); adjust_s its
 * QueueTimeAdjustmentSeconds (added to its age for routing). The entry is
 * set in *ep before routing runs, so an offer may follow at once.
 * Returns EOVERFLOW when q is at max_contacts, ENOENT when q was removed
 * by a reload, EINVAL on bad arguments.
 */
int router_enqueue(struct rentry **ep, struct router *r, struct rqueue *q,
		   uint32_t qprio, int64_t adjust_s, rentry_h *h, void *arg);

/** What a contact brings to its queue besides itself. */
struct renqueue {
	uint32_t qprio;			/* QueuePriority; Connect's default 5 */
	int64_t adjust_s;		/* QueueTimeAdjustmentSeconds */
	/* Connect's routing criteria (Set routing criteria), or NULL: the
	 * router keeps its own copy, steps start at the enqueue */
	const struct rcriteria *crit;
};

/** router_enqueue() with routing criteria. */
int router_enqueue_opts(struct rentry **ep, struct router *r,
			struct rqueue *q, const struct renqueue *o,
			rentry_h *h, void *arg);
/**
 * Replace the routing criteria of a contact (NULL: none), e.g. Set
 * routing criteria in its customer queue flow: the steps start again at
 * step 1 now, and routing runs. Preferred agents (AgentsCriteria) may be
 * named by username, id or ARN. EPROTO once connected or done.
 */
int rentry_set_criteria(struct rentry *e, const struct rcriteria *c);
/** The criteria in force (the router's copy) or NULL. */
const struct rcriteria *rentry_criteria(const struct rentry *e);
/** Index of the routing step in force (the number of steps once all
 *  have expired; 0 without criteria). */
size_t rentry_step(const struct rentry *e);
/** Leave the queue (or end the offer/contact) without freeing e. */
void router_dequeue(struct rentry *e);

enum rentry_state rentry_state(const struct rentry *e);
struct rqueue *rentry_queue(const struct rentry *e);
struct ragent *rentry_agent(const struct rentry *e);	/* offered/connected */
void *rentry_arg(const struct rentry *e);
uint64_t rentry_enqueued_ms(const struct rentry *e);
uint32_t rentry_priority(const struct rentry *e);
uint32_t rentry_attempts(const struct rentry *e);	/* offers made */

/** By name, id or ARN (config rules); agent queues are not found here. */
struct rqueue *router_queue(const struct router *r, const char *ref);
const char *rqueue_name(const struct rqueue *q);
/** The agent owning an agent queue, or NULL for a normal queue. */
struct ragent *rqueue_agent(const struct rqueue *q);
bool rqueue_removed(const struct rqueue *q);
uint32_t rqueue_waiting(const struct rqueue *q);

#endif
