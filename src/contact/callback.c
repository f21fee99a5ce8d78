/**
 * @file callback.c  Callback contacts: CreateCallbackContact makes a new
 * CALLBACK segment with no caller; it is scheduled, waits in its queue,
 * rings the agent first (the usual offer), then dials the customer on the
 * outbound trunk (its media policy) and joins the two. Unanswered attempts
 * release the agent and schedule the callback again, up to the attempts
 * allowed.
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
#include <callflowd/store/journal.h>
#include <callflowd/sip/outbound.h>
#include <callflowd/call/leg.h>
#include "contact_priv.h"

/* How long the customer's phone may ring before the attempt counts as
 * unanswered. */
#define CB_RING_MS (30 * 1000)

struct callback {
	struct contact *c;	/* the contact owning us */
	char *queue;		/* queue name, or NULL with agent */
	char *agent;		/* agent queue's agent, or NULL */
	char *number;		/* the customer's E.164 number */
	uint32_t max_attempts;
	uint32_t retry_delay_s;
	uint32_t attempts;	/* customer dialled so far */
	struct tmr tmr;		/* the schedule */
	char failure[96];
};

static void destructor(void *arg)
{
	struct callback *cb = arg;

	tmr_cancel(&cb->tmr);
	mem_deref(cb->queue);
	mem_deref(cb->agent);
	mem_deref(cb->number);
}

/* The outbound trunk as configured now, not as when the callback was
 * created (a reload may have tightened it): EPERM not allowed, ENOENT
 * no outbound section. */
static int outbound_get(struct outbound **obp, const struct ccenter *cc,
			const char *number)
{
	char errbuf[128] = "";
	int err;

	err = outbound_alloc(obp, cc->cfg, errbuf, sizeof(errbuf));
	if (err) {
		if (err != ENOENT)
			log_warn("callback: %s", errbuf);
		return ENOENT;
	}
	if (!outbound_allowed(*obp, number)) {
		*obp = mem_deref(*obp);
		return EPERM;
	}
	return 0;
}

/* -- the schedule -- */

static struct rqueue *cb_queue(const struct callback *cb)
{
	struct router *r = cb->c->cc->router;

	if (!r)
		return NULL;
	if (cb->agent)
		return agent_queue(router_agent(r, cb->agent));
	return router_queue(r, cb->queue);
}

static void give_up(struct callback *cb, const char *why)
{
	struct contact *c = cb->c;

	str_ncpy(cb->failure, why, sizeof(cb->failure));
	c->info.failure = cb->failure;
	log_info("contact %s: callback to %s given up: %s", c->cd->contact_id,
		 cb->number, why);
	contact_end(c, "OTHER");
}

static void enqueue(void *arg)
{
	struct callback *cb = arg;
	struct contact *c = cb->c;
	struct rqueue *rq = cb_queue(cb);
	int err;

	if (c->state != CONTACT_SCHEDULED)
		return;
	if (!rq) {
		give_up(cb, "queue gone");
		return;
	}
	if (contact_set_state(c, CONTACT_QUEUED))
		return;
	c->entry = mem_deref(c->entry);
	if (!c->info.enqueued_ms)
		c->info.enqueued_ms = util_now_ms();
	c->info.queue_name = rqueue_name(rq);
	c->info.dequeued_ms = 0;
	log_info("contact %s: callback queued in %s", c->cd->contact_id,
		 rqueue_name(rq));
	/* an offer may follow at once */
	err = contact_router_enqueue(&c->entry, c, rq);
	if (err)
		give_up(cb, err == EOVERFLOW ? "queue at capacity" :
			"queue unavailable");
}

static void schedule(struct callback *cb, uint32_t delay_s)
{
	if (contact_set_state(cb->c, CONTACT_SCHEDULED))
		return;
	tmr_start(&cb->tmr, (uint64_t)delay_s * 1000, enqueue, cb);
}

/* The attempt failed: let the agent go, try again later or give up. */
static void attempt_failed(struct callback *cb, const char *why)
{
	struct contact *c = cb->c;
	char buf[96];

	if (c->state == CONTACT_ENDED)
		return;
	party_reset(&c->cust);	/* a ringing session is cancelled */
	contact_agent_end(c);	/* the agent goes to after-contact work */
	c->info.dequeued_ms = 0;
	log_info("contact %s: callback attempt %u of %u: %s",
		 c->cd->contact_id, cb->attempts, cb->max_attempts, why);
	if (cb->attempts >= cb->max_attempts) {
		re_snprintf(buf, sizeof(buf), "%s after %u of %u attempts", why,
			    cb->attempts, cb->max_attempts);
		give_up(cb, buf);
		return;
	}
	schedule(cb, cb->retry_delay_s);
}

/* -- the customer's leg, dialled out (arg: the callback) -- */

static void answer_h(struct leg *leg, void *arg)
{
	struct callback *cb = arg;
	struct contact *c = cb->c;

	(void)leg;
	if (c->state != CONTACT_DIALLING || !c->agent) {
		contact_end(c, "OTHER");
		return;
	}
	c->info.connected_ms = util_now_ms();
	if (contact_set_state(c, CONTACT_TALKING) ||
	    leg_bridge(c->cust.leg, c->agent->leg)) {
		log_error("contact %s: cannot bridge", c->cd->contact_id);
		contact_end(c, "OTHER");
		return;
	}
	log_info("contact %s: callback answered by %s (attempt %u): "
		 "customer and agent joined", c->cd->contact_id, cb->number,
		 cb->attempts);
}

static void close_h(struct leg *leg, enum leg_end why, int err,
		    uint16_t scode, void *arg)
{
	struct callback *cb = arg;
	struct contact *c = cb->c;
	char what[48];

	(void)leg;
	if (c->state == CONTACT_TALKING) {
		log_info("contact %s: customer hung up", c->cd->contact_id);
		contact_end(c, why == LEG_END_HANGUP ? "CUSTOMER_DISCONNECT" :
			    "TELECOM_PROBLEM");
		return;
	}
	if (scode)
		re_snprintf(what, sizeof(what), "customer did not answer (%u)",
			    scode);
	else if (why == LEG_END_NO_ANSWER)
		re_snprintf(what, sizeof(what),
			    "customer did not answer (no answer)");
	else
		re_snprintf(what, sizeof(what), "customer unreachable (%m)",
			    err);
	attempt_failed(cb, what);
}

static int dial(struct callback *cb)
{
	struct contact *c = cb->c;
	struct leg_handlers h;
	struct outdial od;
	int err;

	party_reset(&c->cust);
	memset(&od, 0, sizeof(od));
	od.number = cb->number;
	od.cid_fallback = c->cd->system_addr;
	od.ring_ms = CB_RING_MS;
	od.what = "callback customer";
	memset(&h, 0, sizeof(h));
	h.closeh = close_h;
	h.answerh = answer_h;
	h.dtmfh = party_dtmf_h;
	h.arg = cb;
	err = contact_outdial(&c->cust.leg, c, &od, &h);
	if (err)
		return err;
	leg_set_tap(c->cust.leg, contact_tap_h, c);
	log_info("contact %s: callback dialling %s (attempt %u of %u)",
		 c->cd->contact_id, leg_uri(c->cust.leg), cb->attempts,
		 cb->max_attempts);
	return 0;
}

void callback_agent_answered(struct contact *c)
{
	struct callback *cb = c ? c->cb : NULL;
	int err;

	if (!cb || c->state != CONTACT_DIALLING)
		return;

	++cb->attempts;
	err = dial(cb);
	if (err == EPERM || err == ENOENT) {
		/* no retry changes policy: end now, with the reason */
		party_reset(&c->cust);
		contact_agent_end(c);
		give_up(cb, err == EPERM ? "number not allowed on the "
			"outbound trunk" : "no outbound trunk configured");
		return;
	}
	if (err) {
		log_warn("contact %s: cannot dial %s: %m", c->cd->contact_id,
			 cb->number, err);
		attempt_failed(cb, "dial-out failed");
	}
}

/* -- creation: the flow port -- */

int callback_op(struct frun *run, const struct fcallback *fcb, void *arg)
{
	struct party *p = arg;
	struct contact *orig = p ? p->c : NULL;
	struct ccenter *cc = orig ? orig->cc : NULL;
	struct outbound *ob = NULL;
	struct contact *c = NULL;
	struct callback *cb;
	char id[40];
	int err;

	(void)run;
	if (!fcb || !cc || !fcb->number)
		return EINVAL;
	if (!cc->router)
		return ENOENT;

	cb = mem_zalloc(sizeof(*cb), destructor);
	if (!cb)
		return ENOMEM;
	tmr_init(&cb->tmr);
	cb->max_attempts = fcb->max_attempts ? fcb->max_attempts : 1;
	cb->retry_delay_s = fcb->retry_delay_s;
	err = str_dup(&cb->number, fcb->number);
	if (err)
		goto out;
	if (fcb->agent)
		err = str_dup(&cb->agent, fcb->agent);
	else if (fcb->queue)
		err = str_dup(&cb->queue, fcb->queue->ident.name);
	else if (orig->cd->queue_name)
		err = str_dup(&cb->queue, orig->cd->queue_name);
	else
		err = ENOENT;
	if (err)
		goto out;

	/* the toll-fraud guard now, so the flow can tell the caller; it is
	 * asked again when dialling (the policy may change meanwhile) */
	err = outbound_get(&ob, cc, cb->number);
	mem_deref(ob);
	if (err) {
		log_info("callback to %s refused: %s", cb->number,
			 err == EPERM ? "number not allowed on the outbound "
			 "trunk" : "no outbound trunk configured");
		goto out;
	}

	err = contact_alloc(&c, cc);
	if (err)
		goto out;
	cb->c = c;
	c->cb = cb;
	cb = NULL;
	if (!cb_queue(c->cb)) {
		err = ENOENT;
		goto out;
	}

	err = util_uuid4(id);
	if (!err)
		err = cdata_next_segment(&c->cd, orig->cd, id, INIT_CALLBACK);
	if (err)
		goto out;
	str_ncpy(c->cd->customer_addr, fcb->number,
		 sizeof(c->cd->customer_addr));
	err  = cdata_set_str(&c->cd->queue_name, c->cb->queue);
	err |= cdata_set_str(&c->cd->agent_target, c->cb->agent);
	err |= cdata_set_str(&c->cd->tts_voice, orig->cd->tts_voice);
	err |= cdata_set_str(&c->cd->language, orig->cd->language);
	if (err) {
		err = ENOMEM;
		goto out;
	}
	fop_env_init(&c->cust);

	/* the caller's record points at its callback */
	str_ncpy(orig->info.next_contact_id, c->cd->contact_id,
		 sizeof(orig->info.next_contact_id));
	contact_list(c);
	if (cc->journal && journal_start(cc->journal, c->cd, &c->info, NULL))
		log_warn("contact %s: not journaled", c->cd->contact_id);

	log_info("contact %s: callback to %s for contact %s in %s in %u s "
		 "(up to %u attempts, %u s apart)", c->cd->contact_id,
		 c->cb->number, orig->cd->contact_id,
		 c->cb->queue ? c->cb->queue : c->cb->agent,
		 fcb->initial_delay_s, c->cb->max_attempts,
		 c->cb->retry_delay_s);
	schedule(c->cb, fcb->initial_delay_s);

 out:
	mem_deref(cb);
	if (err && c) {
		/* nothing was listed or journaled: no record of it either */
		c->recorded = true;
		contact_end(c, "OTHER");
	}
	return err;
}

/* -- metrics -- */

bool callback_is_scheduled(const struct contact *c)
{
	return c && c->cb && c->state == CONTACT_SCHEDULED;
}

uint32_t callback_scheduled(const struct ccenter *cc, const struct rqueue *q)
{
	struct le *le;
	uint32_t n = 0;

	if (!cc || !q)
		return 0;
	for (le = list_head(&cc->contacts); le; le = le->next) {
		const struct contact *c = le->data;

		if (callback_is_scheduled(c) && cb_queue(c->cb) == q)
			++n;
	}
	return n;
}
