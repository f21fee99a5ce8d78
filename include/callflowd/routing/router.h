/**
 * @file routing.h  The router: queues, agents and routing profiles in
 * memory, and the decisions that pair waiting contacts with free agents.
 *
 * Owns every struct rqueue and struct ragent, the parsed routing
 * profiles and agent statuses, and the timers (ring timeout, ACW, Missed,
 * delay eligibility). Routing is event driven: an enqueue, an agent
 * becoming free, a reload or a delay timer runs it; the choice is a pure
 * function of the in-memory state (see rselect.h). It lives on the loop
 * thread; the clock is injectable so tests drive time themselves.
 * Semantics and configuration: docs/routing.md.
 */
#ifndef CALLFLOWD_ROUTING_H
#define CALLFLOWD_ROUTING_H

#include <stddef.h>
#include <stdint.h>
#include <callflowd/routing/agent.h>
#include <callflowd/routing/queue.h>

struct config;
struct router;

/** Why an offer ended without the daemon having reported it. */
enum roffer_end {
	ROFFER_TIMEOUT,		/* ring timeout: counted as a miss */
	ROFFER_GONE,		/* the entry left (caller hung up) */
	ROFFER_DEVICE,		/* the agent's device went away */
};
const char *roffer_end_name(enum roffer_end why);

/** Ring the agent's phone for e. Non-zero: the offer could not be
 * placed; the contact goes back to its queue and the agent to Error. */
typedef int (router_offer_h)(struct ragent *a, struct rentry *e, void *arg);
/** Stop ringing: the offer ended by a timer or another event. For
 * ROFFER_GONE the entry is being destroyed: do not keep it. */
typedef void (router_cancel_h)(struct ragent *a, struct rentry *e,
			       enum roffer_end why, void *arg);
/** After every agent transition (state or status), for events/API. */
typedef void (router_agent_h)(struct ragent *a, void *arg);
/** The clock: milliseconds (UTC wall clock by default). */
typedef uint64_t (router_now_h)(void *arg);

struct router_handlers {
	router_offer_h *offerh;		/* required */
	router_cancel_h *cancelh;	/* optional */
	router_agent_h *agenth;		/* optional */
	router_now_h *nowh;		/* optional: NULL = wall clock */
	void *now_arg;
};

/** Build the router from cfg (queues, agents, routing_profiles,
 * agent_statuses). Configuration errors go to errbuf (EINVAL). */
int router_alloc(struct router **rp, const struct config *cfg,
		 const struct router_handlers *h, void *arg,
		 char *errbuf, size_t errsz);
/** Apply a new configuration, keeping every agent's status and state and
 * every waiting contact; a removed queue keeps its contacts until they
 * leave. On error nothing changes. */
int router_reload(struct router *r, const struct config *cfg,
		  char *errbuf, size_t errsz);
/** Check the routing sections of cfg without a router (validate). */
int routing_config_check(const struct config *cfg, char *errbuf,
			 size_t errsz);

/** Run every timer due at the router's clock (tests; libre timers call
 * the same code in the daemon). */
void router_poll(struct router *r);
uint64_t router_now(const struct router *r);

/** A queue's real-time figures, as Connect's GetCurrentMetricData names
 *  them (the flow's struct fmetrics is filled from these by its caller). */
struct rmetrics {
	uint32_t contacts_in_queue;
	uint64_t oldest_contact_age_ms;
	uint32_t contacts_scheduled;	/* the router has none: 0 */
	uint32_t agents_online, agents_available, agents_staffed;
	uint32_t agents_acw, agents_busy, agents_missed;
	uint32_t agents_non_productive, agents_error;
	/* estimated wait of a contact joining the queue now (Connect's
	 * $.Metrics.Queue.EstimatedWaitTime); see docs/routing.md */
	bool queue_ewt_known;
	uint64_t queue_ewt_ms;
	/* router_contact_metrics() only, when the contact waits in the
	 * queue: its position (1 = next; 0 = not waiting there) and its
	 * estimated wait ($.Metrics.Contact.PositionInQueue and
	 * .EstimatedWaitTime) */
	uint32_t contact_position;
	bool contact_ewt_known;
	uint64_t contact_ewt_ms;
};

/** Real-time metrics of a queue (agents: those whose profile has it; for
 * an agent queue, its agent). */
void router_metrics(const struct router *r, const struct rqueue *q,
		    struct rmetrics *m);
/** router_metrics() of q plus the contact fields for e (NULL, or not in
 *  q: they stay 0). */
void router_contact_metrics(const struct router *r, const struct rqueue *q,
			    const struct rentry *e, struct rmetrics *m);

/** Number of agents / queues (without agent queues). */
size_t router_agent_count(const struct router *r);
size_t router_queue_count(const struct router *r);
/** Apply h to every agent (stops when h returns true). */
typedef bool (router_agent_apply_h)(struct ragent *a, void *arg);
struct ragent *router_agent_apply(const struct router *r,
				  router_agent_apply_h *h, void *arg);

#endif
