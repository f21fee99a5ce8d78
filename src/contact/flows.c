/**
 * @file flows.c  The customer's flows: the entry flow, a transfer's flow,
 * the customer queue flow while the contact waits, and what each ending
 * means for the contact.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/flow/interp.h>
#include <callflowd/store/journal.h>
#include <callflowd/contact/announce.h>
#include "contact_priv.h"

enum { QUEUE_FLOW_AGAIN_MS = 1000 };

static void run_end(struct frun *run, const struct fend *end, void *arg)
{
	struct contact *c = arg;

	if (c->state == CONTACT_ENDED)
		return;
	if (c->cc->journal)
		journal_update(c->cc->journal, c->cd->contact_id);

	switch (end->kind) {

	case FEND_QUEUE:
		if (contact_connected(c))
			return;	/* an agent took it meanwhile */
		/* from a flow, or a queue flow moving it to another queue */
		if (contact_set_state(c, CONTACT_QUEUED))
			return;
		log_info("contact %s: queued in %s", c->cd->contact_id,
			 end->target ? end->target : "?");
		announce_contact(c->cc->announce, "queued", c->cd,
				 c->info.queue_name, NULL);
		contact_queue_flow(c, 0);
		return;

	case FEND_END_FLOW:
		if (c->state == CONTACT_QUEUED) {
			/* a customer queue flow ended: still waiting */
			contact_queue_flow(c, QUEUE_FLOW_AGAIN_MS);
			return;
		}
		contact_end(c, "CONTACT_FLOW_DISCONNECT");
		return;

	case FEND_ERROR:
		++c->cc->stats.flow_errors;
		log_warn("contact %s: flow '%s' ended in error: %s",
			 c->cd->contact_id, frun_flow(run)->name,
			 end->reason ? end->reason : "");
		if (!c->info.failure)
			c->info.failure = "flow error";
		contact_end(c, "CONTACT_FLOW_DISCONNECT");
		return;

	case FEND_DISCONNECT:
		contact_end(c, "CONTACT_FLOW_DISCONNECT");
		return;

	case FEND_TRANSFER_PHONE:
	case FEND_TRANSFER_AGENT:
		if (contact_transfer_run_end(c, end))	/* transfer.c */
			return;
		/* fall through */
	default:
		log_warn("contact %s: flow ended with %s, which this contact "
			 "cannot follow: hanging up", c->cd->contact_id,
			 fend_kind_name(end->kind));
		c->info.failure = "transfer not available";
		contact_end(c, "CONTACT_FLOW_DISCONNECT");
		return;
	}
}

int contact_run_flow(struct contact *c, struct flow *flow)
{
	return party_run(&c->cust, flow, run_end, c);
}

/* The customer queue flow: the hook, the queue's default, or ours. */
static void queue_flow_tmr(void *arg)
{
	struct contact *c = arg;
	const struct cfg_queue *q = config_queue(c->cfg, c->cd->queue_name);
	const char *ref = c->cd->hooks[HOOK_CUSTOMER_QUEUE];
	struct flow *f = NULL;

	if (c->state != CONTACT_QUEUED)
		return;		/* an agent took it meanwhile */
	if (c->cd->hook_disabled[HOOK_CUSTOMER_QUEUE]) {
		log_info("contact %s: customer queue flow disabled; the "
			 "caller waits in silence", c->cd->contact_id);
		return;
	}
	if (ref)
		f = flowset_find(c->flows, ref);
	if (!f && q && q->queue_flow)
		f = flowset_find(c->flows, q->queue_flow);
	if (!f)
		f = flowset_find(c->flows, "Default customer queue");
	if (!f) {
		log_warn("contact %s: no customer queue flow; the caller "
			 "waits in silence", c->cd->contact_id);
		return;
	}
	if (contact_run_flow(c, f))
		contact_end(c, "OTHER");
}

void contact_queue_flow(struct contact *c, uint64_t delay_ms)
{
	tmr_start(&c->queue_tmr, delay_ms, queue_flow_tmr, c);
}
