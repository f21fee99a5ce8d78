/*
 * Internal shapes of the router (src/routing only). The router owns
 * queues and agents; a queue owns its priority levels; entries belong to
 * contacts and point back here.
 */
#ifndef CFD_ROUTING_PRIV_H
#define CFD_ROUTING_PRIV_H

#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/rcriteria.h>
#include <callflowd/routing/router.h>
#include <callflowd/routing/select.h>

struct rstatus {
	char *name;
	enum rstatus_type type;
};

struct rprofile_item {
	char *queue;			/* as configured */
	const struct cfg_queue *cq;
	struct rqueue *q;		/* resolved by the router */
	uint32_t priority;		/* 1..99 */
	uint64_t delay_ms;
};

struct rprofile {
	struct cfg_ident ident;
	struct rprofile_item *items;	/* by priority, then position */
	size_t itemc;
	uint64_t acw_ms;
	uint64_t ring_ms;
	uint64_t missed_ms;		/* time in Missed */
	uint64_t error_ms;		/* time in Error */
	uint32_t max_misses;		/* in a row; 0: never */
	struct rstatus *miss_status;	/* set after max_misses */
	uint32_t free_agents;		/* router bookkeeping */
};

/* An agent's proficiencies (mem object, shared by reference). */
struct rprofset {
	struct rproficiency *v;
	size_t n;
};

struct ragent_conf {
	const struct cfg_agent *ca;
	char *password;
	char *contact;
	struct rprofile *profile;	/* or NULL */
	struct rstatus *status;		/* initial */
	struct rprofset *profs;		/* or NULL */
};

/* The parsed routing sections of one configuration. */
struct rconf {
	struct config *cfg;		/* mem_ref */
	struct rstatus **statuses;	size_t statusc;
	struct rstatus *available;	/* the ROUTABLE one */
	struct rstatus *offline;	/* the OFFLINE one */
	struct rprofile **profiles;	size_t profilec;
	struct ragent_conf *agents;	size_t agentc;
};

int rconf_parse(struct rconf **rcp, const struct config *cfg,
		char *errbuf, size_t errsz);
struct rstatus *rconf_status(const struct rconf *rc, const char *name);

enum { RQUEUE_CYCLES = 32 };

/* Contacts of one QueuePriority, oldest (lowest eff_ms, seq) first. */
struct rlevel {
	struct le le;
	uint32_t qprio;
	struct list entries;
};

/* An agent's membership of a queue through its profile. */
struct rlink {
	struct le member_le;		/* q->members */
	struct le free_le;		/* q->free while the agent is free */
	struct ragent *a;
	struct rqueue *q;
	uint32_t priority;
	uint64_t delay_ms;
};

struct rqueue {
	struct le le;			/* r->queues (not agent queues) */
	struct router *r;
	char *name;
	const struct cfg_queue *cq;	/* NULL: removed or agent queue */
	struct ragent *agent;		/* agent queue: its agent */
	uint32_t max_contacts;
	struct list levels;		/* struct rlevel, by qprio */
	uint32_t waiting;
	uint32_t offered;
	struct list members;		/* struct rlink */
	struct list free;		/* struct rlink, idle order */
	uint32_t snap;			/* index while snapshotting */
	uint32_t critc;			/* waiting entries with criteria */
	/* how long its recent contacts kept an agent (answer to free
	 * again, ACW included), the ring of the EWT estimate (ewt.c) */
	uint64_t cycle_ms[RQUEUE_CYCLES];
	uint32_t cyclec, cyclei;
	bool removed;
};

struct rentry {
	struct le le;			/* level->entries */
	struct router *r;
	struct rqueue *q;		/* mem_ref */
	struct rlevel *lvl;
	struct ragent *agent;
	enum rentry_state state;
	uint32_t qprio;
	int64_t adjust_ms;
	uint64_t enq_ms;
	int64_t eff_ms;
	uint64_t seq;
	uint32_t attempts;
	struct rcriteria *crit;		/* own copy, or NULL */
	int64_t crit_t0;		/* when its steps started */
	struct le crit_le;		/* r->crit while waiting with crit */
	rentry_h *h;
	void *arg;
};

struct ragent {
	struct le le;			/* r->agents */
	struct le free_le;		/* r->free */
	struct router *r;
	char *username;
	char *first_name;
	char *last_name;
	char *password;
	char *contact;
	struct rprofile *profile;	/* mem_ref, or NULL */
	struct rlink *links;
	size_t linkc;
	struct rqueue *aq;		/* agent queue */
	struct rprofset *profs;		/* proficiencies in use, or NULL */
	struct rprofset *cprofs;	/* as last configured */
	bool cprofs_set;
	struct rqueue *cycle_q;		/* mem_ref: queue of the contact
					   answered at cycle_start */
	uint64_t cycle_start;
	struct rstatus *status;		/* mem_ref */
	struct rstatus *next_status;	/* mem_ref, pending */
	enum agent_state state;
	uint64_t since;
	uint64_t status_since;
	int64_t idle_since;
	bool keep_idle;			/* offer withdrawn: keep idle_since */
	struct rentry *entry;
	struct tmr tmr;
	uint64_t deadline;		/* 0: no timer */
	uint32_t misses;
	uint32_t ord;
	bool device;
	bool is_free;
	bool removed;
};

struct router {
	struct rconf *rc;
	struct list queues;		/* struct rqueue */
	struct list agents;		/* struct ragent */
	struct list free;		/* free agents, idle order */
	struct list crit;		/* waiting entries with criteria */
	struct router_handlers h;
	void *arg;
	struct tmr tmr;			/* delay eligibility */
	uint64_t eligible_at;		/* 0: none */
	uint64_t seq;
	unsigned depth;			/* routing in progress */
	bool again;			/* state changed while routing */
	router_pick_h *pickh;
	void *pick_arg;
};

/* queue.c */
int  rqueue_alloc(struct rqueue **qp, struct router *r, const char *name);
int  rqueue_insert(struct rqueue *q, struct rentry *e);
void rqueue_unlink(struct rentry *e);
void rqueue_gc(struct rqueue *q);
/* First entry of q eligible at age delay_ms for agent a (its routing
 * criteria; a NULL: any agent), or NULL. */
struct rentry *rqueue_first_eligible(const struct rqueue *q, int64_t now,
				     uint64_t delay_ms,
				     const struct ragent *a);
bool rentry_before(const struct rentry *a, const struct rentry *b);
void rentry_offer_return(struct rentry *e);

/* agent.c */
int  ragent_alloc(struct ragent **ap, struct router *r, const char *name);
void ragent_update_free(struct ragent *a);
void ragent_unfree(struct ragent *a);
void ragent_reconf(struct ragent *a, struct rprofile *p);
void ragent_offer(struct ragent *a, struct rentry *e);
void ragent_entry_gone(struct ragent *a, struct rentry *e);
void ragent_timer_due(struct ragent *a);
bool ragent_gc(struct ragent *a);
void ragent_set_status(struct ragent *a, struct rstatus *s);

/* criteria.c */
bool rentry_fits(const struct rentry *e, const struct ragent *a,
		 int64_t now);
void rentry_crit_link(struct rentry *e);
void rentry_crit_unlink(struct rentry *e);
int  rentry_crit_copy(struct rcriteria **cp, const struct router *r,
		      const struct rcriteria *c);
int  rprofset_alloc(struct rprofset **sp, const struct rproficiency *pv,
		    size_t n);
bool rprofset_equal(const struct rprofset *a, const struct rprofset *b);

/* ewt.c */
void ragent_cycle_start(struct ragent *a, struct rqueue *q);
void ragent_cycle_end(struct ragent *a);
void router_queue_ewt(const struct router *r, const struct rqueue *q,
		      struct rmetrics *m);

/* select.c */
struct rentry *ragent_best(const struct ragent *a, int64_t now);
void router_route(struct router *r, struct ragent *a, struct rentry *e);
void router_timer_update(struct router *r);

int64_t router_now_i(const struct router *r);

#endif
