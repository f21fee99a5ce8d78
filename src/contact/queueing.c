/**
 * @file queueing.c  A contact in the router: entering a queue (from a
 * flow, a transfer or a callback), the router's events about its entry
 * (offered, back in queue, connected), and the queue figures flows read.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/interp.h>
#include <callflowd/routing/agent.h>
#include <callflowd/routing/queue.h>
#include <callflowd/routing/router.h>
#include "contact_priv.h"

struct rqueue *contact_find_queue(const struct contact *c,
				  const struct cfg_queue *q, const char *agent)
{
	struct router *r = c->cc->router;

	if (!r)
		return NULL;
	if (agent)
		return agent_queue(router_agent(r, agent));
	return q ? router_queue(r, q->ident.name) : NULL;
}

int contact_router_enqueue(struct rentry **ep, struct contact *c,
			   struct rqueue *rq)
{
	/* what the flows set on the contact travels with it into every
	 * queue: priority, age adjustment, routing criteria */
	const struct renqueue o = {
		.qprio = c->cd->queue_priority,
		.adjust_s = c->cd->queue_time_adjust_s,
		.crit = c->cd->routing_criteria,
	};

	return router_enqueue_opts(ep, c->cc->router, rq, &o,
				   contact_entry_event, c);
}

int contact_enqueue(struct contact *c, struct rqueue *rq)
{
	int err;

	c->entry = mem_deref(c->entry);
	/* an offer may be made inside router_enqueue(): it names the queue
	 * it is for */
	c->info.queue_name = rqueue_name(rq);
	err = contact_router_enqueue(&c->entry, c, rq);
	if (err) {
		c->info.queue_name = NULL;
		return err;	/* EOVERFLOW: QueueAtCapacity */
	}
	c->info.enqueued_ms = util_now_ms();
	c->info.dequeued_ms = 0;
	return 0;
}

/* DequeueContactAndTransferToQueue: into rq, then a new segment. */
static int requeue(struct contact *c, struct rqueue *rq)
{
	struct rentry *old = c->entry;
	const char *oldq = c->info.queue_name;
	int err;

	c->info.queue_name = rqueue_name(rq);
	c->entry = NULL;
	err = contact_router_enqueue(&c->entry, c, rq);
	c->info.queue_name = oldq;
	if (err) {
		c->entry = old;	/* at capacity: it stays where it was */
		return err;
	}
	mem_deref(old);
	/* a new segment, as Connect does (QUEUE_TRANSFER) */
	err = contact_next_segment(c, INIT_QUEUE_TRANSFER,
				   "CONTACT_FLOW_DISCONNECT");
	if (err)
		log_warn("contact %s: queue transfer without a new segment: %m",
			 c->cd->contact_id, err);
	c->info.queue_name = rqueue_name(rq);
	c->info.enqueued_ms = util_now_ms();
	c->info.dequeued_ms = 0;
	return 0;
}

int contact_op_enqueue(struct frun *run, const struct cfg_queue *q,
		       const char *agent, void *arg)
{
	struct party *p = arg;
	struct contact *c = p->c;
	struct rqueue *rq = contact_find_queue(c, q, agent);

	(void)run;
	if (!rq)
		return ENOENT;
	if (p != &c->cust)
		return EPERM;	/* whisper and hold flows do not queue */
	return c->entry ? requeue(c, rq) : contact_enqueue(c, rq);
}

int contact_op_metrics(struct frun *run, const struct cfg_queue *q,
		       const char *agent, struct fmetrics *mt, void *arg)
{
	struct party *p = arg;
	struct contact *c = p->c;
	struct rqueue *rq = contact_find_queue(c, q, agent);
	struct rmetrics m;

	(void)run;
	memset(mt, 0, sizeof(*mt));
	if (!rq)
		return ENOENT;
	/* the contact's own position and wait when it waits in rq */
	router_contact_metrics(c->cc->router, rq,
			       c->entry && rentry_queue(c->entry) == rq ?
			       c->entry : NULL, &m);
	mt->contacts_in_queue = m.contacts_in_queue;
	mt->oldest_contact_age_ms = m.oldest_contact_age_ms;
	mt->contacts_scheduled = callback_scheduled(c->cc, rq);
	mt->agents_online = m.agents_online;
	mt->agents_available = m.agents_available;
	mt->agents_staffed = m.agents_staffed;
	mt->agents_acw = m.agents_acw;
	mt->agents_busy = m.agents_busy;
	mt->agents_missed = m.agents_missed;
	mt->agents_non_productive = m.agents_non_productive;
	mt->agents_error = m.agents_error;
	mt->queue_ewt_known = m.queue_ewt_known;
	mt->queue_ewt_ms = m.queue_ewt_ms;
	mt->contact_position = m.contact_position;
	mt->contact_ewt_known = m.contact_ewt_known;
	mt->contact_ewt_ms = m.contact_ewt_ms;
	return 0;
}

/* Set routing criteria: the entry follows them from now (the engine
 * keeps them on the contact data for its next enqueue). */
int contact_op_routing_criteria(struct frun *run, struct rcriteria *crit,
				void *arg)
{
	struct party *p = arg;
	struct contact *c = p->c;
	int err;

	(void)run;
	if (!c->entry || (rentry_state(c->entry) != RENTRY_WAITING &&
			  rentry_state(c->entry) != RENTRY_OFFERED))
		return 0;
	err = rentry_set_criteria(c->entry, crit);
	if (err)
		log_warn("contact %s: routing criteria not applied: %m",
			 c->cd->contact_id, err);
	else
		log_info("contact %s: routing criteria %s",
			 c->cd->contact_id, crit ? "set" : "cleared");
	return err;
}

void contact_entry_event(struct rentry *e, enum rentry_event ev,
			 struct ragent *a, void *arg)
{
	struct contact *c = arg;

	(void)e;
	switch (ev) {

	case RENTRY_EV_OFFERED:
		log_info("contact %s: offered to agent %s", c->cd->contact_id,
			 agent_username(a));
		break;

	case RENTRY_EV_RETURNED:
		log_info("contact %s: back in queue %s", c->cd->contact_id,
			 c->info.queue_name ? c->info.queue_name : "?");
		contact_offer_cancel(c);
		break;

	case RENTRY_EV_CONNECTED:
		contact_agent_connected(c, a);
		break;
	}
}
