/**
 * @file callback.c  Callback contacts: CreateCallbackContact makes a new
 * CALLBACK segment with no caller; it is scheduled, waits in its queue,
 * rings the agent first (the usual offer), then dials the customer on the
 * outbound trunk and bridges the two. Unanswered attempts release the
 * agent and schedule the callback again, up to the attempts allowed.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/routing/agent.h>
#include <callflowd/daemon/app.h>
#include <callflowd/contact/callback.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/interp.h>
#include <callflowd/store/journal.h>
#include <callflowd/core/log.h>
#include <callflowd/daemon/media.h>
#include <callflowd/sip/outbound.h>
#include <callflowd/routing/queue.h>
#include <callflowd/routing/router.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/core/util.h>
#include "contact_priv.h"

/* How long the customer's phone may ring before the attempt counts as
 * unanswered. */
#define CB_RING_MS (30 * 1000)

enum cb_state {
	CB_SCHEDULED,	/* waiting for its delay, not in the queue */
	CB_QUEUED,	/* in the queue, or ringing an agent */
	CB_DIALLING,	/* the agent answered: the customer's phone rings */
	CB_TALKING,	/* customer and agent joined */
};

struct callback {
	struct contact *c;	/* the contact owning us */
	enum cb_state st;
	char *queue;		/* queue name, or NULL with agent */
	char *agent;		/* agent queue's agent, or NULL */
	char *number;		/* the customer's E.164 number */
	uint32_t max_attempts;
	uint32_t retry_delay_s;
	uint32_t attempts;	/* customer dialled so far */
	struct tmr tmr;		/* the schedule */
	struct tmr ring_tmr;	/* the customer's ring limit */
	char failure[96];
};

static void destructor(void *arg)
{
	struct callback *cb = arg;

	tmr_cancel(&cb->tmr);
	tmr_cancel(&cb->ring_tmr);
	mem_deref(cb->queue);
	mem_deref(cb->agent);
	mem_deref(cb->number);
}

/* -- the outbound trunk: the current policy, not the one the callback
 * was created under (a reload may have tightened it) -- */

static int outbound_target(char **urip, char **cidp, const struct app *app,
			   const char *number)
{
	struct outbound *ob = NULL;
	char errbuf[128] = "";
	const char *cid;
	int err;

	err = outbound_alloc(&ob, app->cfg, errbuf, sizeof(errbuf));
	if (err) {
		if (err != ENOENT)
			log_warn("callback: %s", errbuf);
		return ENOENT;
	}
	if (!outbound_allowed(ob, number)) {
		err = EPERM;
		goto out;
	}
	cid = outbound_caller_id(ob);
	err = outbound_uri(urip, ob, number);
	if (!err && cid)
		err = str_dup(cidp, cid);
 out:
	mem_deref(ob);
	return err;
}

/* -- the schedule -- */

static struct rqueue *cb_queue(const struct callback *cb)
{
	struct router *r = cb->c->app->router;

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

	if (c->state == CONTACT_ENDED)
		return;
	if (!rq) {
		give_up(cb, "queue gone");
		return;
	}
	cb->st = CB_QUEUED;
	c->state = CONTACT_QUEUED;
	c->entry = mem_deref(c->entry);
	if (!c->info.enqueued_ms)
		c->info.enqueued_ms = util_now_ms();
	c->info.queue_name = rqueue_name(rq);
	c->info.dequeued_ms = 0;
	log_info("contact %s: callback queued in %s", c->cd->contact_id,
		 rqueue_name(rq));
	/* an offer may follow at once */
	err = router_enqueue(&c->entry, c->app->router, rq,
			     c->cd->queue_priority, c->cd->queue_time_adjust_s,
			     contact_entry_event, c);
	if (err)
		give_up(cb, err == EOVERFLOW ? "queue at capacity" :
			"queue unavailable");
}

static void schedule(struct callback *cb, uint32_t delay_s)
{
	cb->st = CB_SCHEDULED;
	cb->c->state = CONTACT_QUEUED;
	tmr_start(&cb->tmr, (uint64_t)delay_s * 1000, enqueue, cb);
}

/* The attempt failed: let the agent go, try again later or give up. */
static void attempt_failed(struct callback *cb, const char *why)
{
	struct contact *c = cb->c;
	char buf[96];

	tmr_cancel(&cb->ring_tmr);
	if (c->state == CONTACT_ENDED)
		return;
	leg_reset(&c->cust);	/* a ringing session is cancelled */
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

/* -- the customer's leg, dialled out -- */

static int answer_handler(const struct sip_msg *msg, void *arg)
{
	struct contact *c = arg;

	return leg_media_answer(&c->cust, msg);
}

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			 void *arg)
{
	struct contact *c = arg;

	return leg_media_reoffer(&c->cust, descp, msg);
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct contact *c = arg;
	struct callback *cb = c->cb;

	(void)msg;
	tmr_cancel(&cb->ring_tmr);
	if (c->state != CONTACT_CONNECTED || !c->agent) {
		contact_end(c, "OTHER");
		return;
	}
	cb->st = CB_TALKING;
	c->info.connected_ms = util_now_ms();
	if (leg_bridge(&c->cust, c->agent)) {
		log_error("contact %s: cannot bridge", c->cd->contact_id);
		contact_end(c, "OTHER");
		return;
	}
	log_info("contact %s: callback answered by %s (attempt %u): "
		 "customer and agent joined", c->cd->contact_id, cb->number,
		 cb->attempts);
}

static void info_handler(struct sip *sip, const struct sip_msg *msg,
			 void *arg)
{
	(void)arg;
	(void)sip_reply(sip, msg, 200, "OK");
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct contact *c = arg;
	struct callback *cb = c->cb;
	char why[48];

	if (cb->st == CB_TALKING) {
		log_info("contact %s: customer hung up", c->cd->contact_id);
		contact_end(c, err == ECONNRESET ? "CUSTOMER_DISCONNECT" :
			    "TELECOM_PROBLEM");
		return;
	}
	if (msg)
		re_snprintf(why, sizeof(why), "customer did not answer (%u)",
			    msg->scode);
	else
		re_snprintf(why, sizeof(why), "customer unreachable (%m)",
			    err);
	attempt_failed(cb, why);
}

static void ring_timeout(void *arg)
{
	attempt_failed(arg, "customer did not answer (no answer)");
}

static void rtp_timeout(void *arg)
{
	struct leg *l = arg;

	log_warn("contact %s: no RTP from the customer, ending the call",
		 l->c->cd->contact_id);
	contact_end(l->c, "TELECOM_PROBLEM");
}

static int dial(struct callback *cb)
{
	struct contact *c = cb->c;
	struct leg *l = &c->cust;
	struct mbuf *offer = NULL;
	char *uri = NULL, *from = NULL, *cid = NULL;
	struct sa laddr;
	int err;

	err = outbound_target(&uri, &cid, c->app, cb->number);
	if (err)
		goto out;

	leg_reset(l);
	err = leg_media_offer(l, rtp_timeout, &offer);
	if (err)
		goto out;

	if (sip_transp_laddr(sipserver_sip(c->app->sip), &laddr,
			     SIP_TRANSP_UDP, NULL))
		sa_set_str(&laddr, "127.0.0.1", 5060);
	err = re_sdprintf(&from, "sip:%s@%J", cid ? cid :
			  c->cd->system_addr[0] ? c->cd->system_addr :
			  "callflowd", &laddr);
	if (err)
		goto out;

	err = sipsess_connect(&l->sess, sipserver_sock(c->app->sip), uri,
			      NULL, from, "callflowd", NULL, 0,
			      "application/sdp", offer, NULL, NULL, false,
			      offer_handler, answer_handler, NULL,
			      estab_handler, info_handler, NULL,
			      close_handler, c,
			      "X-Callflowd-Contact-Id: %s\r\n",
			      c->cd->contact_id);
	if (err)
		goto out;

	cb->st = CB_DIALLING;
	tmr_start(&cb->ring_tmr, CB_RING_MS, ring_timeout, cb);
	log_info("contact %s: callback dialling %s (attempt %u of %u)",
		 c->cd->contact_id, uri, cb->attempts, cb->max_attempts);

 out:
	mem_deref(offer);
	mem_deref(uri);
	mem_deref(from);
	mem_deref(cid);
	return err;
}

void callback_agent_answered(struct contact *c)
{
	struct callback *cb = c ? c->cb : NULL;
	int err;

	if (!cb || c->state != CONTACT_CONNECTED)
		return;

	++cb->attempts;
	err = dial(cb);
	if (err == EPERM || err == ENOENT) {
		/* no retry changes policy: end now, with the reason */
		leg_reset(&c->cust);
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
	struct leg *l = arg;
	struct contact *orig = l ? l->c : NULL;
	struct app *app = orig ? orig->app : NULL;
	struct contact *c = NULL;
	struct callback *cb;
	char *uri = NULL, *cid = NULL;
	char id[40];
	int err;

	(void)run;
	if (!fcb || !app || !fcb->number)
		return EINVAL;
	if (!app->router)
		return ENOENT;

	cb = mem_zalloc(sizeof(*cb), destructor);
	if (!cb)
		return ENOMEM;
	tmr_init(&cb->tmr);
	tmr_init(&cb->ring_tmr);
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
	err = outbound_target(&uri, &cid, app, cb->number);
	if (err) {
		log_info("callback to %s refused: %s", cb->number,
			 err == EPERM ? "number not allowed on the outbound "
			 "trunk" : "no outbound trunk configured");
		goto out;
	}

	err = contact_alloc_bare(&c, app);
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

	/* the caller's record points at its callback */
	str_ncpy(orig->info.next_contact_id, c->cd->contact_id,
		 sizeof(orig->info.next_contact_id));
	list_append(&app->contacts, &c->le, c);
	c->listed = true;
	++app->ncontacts;
	if (app->journal &&
	    journal_start(app->journal, c->cd, &c->info, NULL))
		log_warn("contact %s: not journaled", c->cd->contact_id);

	log_info("contact %s: callback to %s for contact %s in %s in %u s "
		 "(up to %u attempts, %u s apart)", c->cd->contact_id,
		 c->cb->number, orig->cd->contact_id,
		 c->cb->queue ? c->cb->queue : c->cb->agent,
		 fcb->initial_delay_s, c->cb->max_attempts,
		 c->cb->retry_delay_s);
	schedule(c->cb, fcb->initial_delay_s);

 out:
	mem_deref(uri);
	mem_deref(cid);
	mem_deref(cb);
	if (err) {
		/* nothing was listed or journaled: no record of it either */
		if (c)
			c->recorded = true;
		mem_deref(c);
	}
	return err;
}

/* -- metrics -- */

uint32_t callback_scheduled(const struct app *app, const struct rqueue *q)
{
	struct le *le;
	uint32_t n = 0;

	if (!app || !q)
		return 0;
	for (le = list_head(&app->contacts); le; le = le->next) {
		const struct contact *c = le->data;

		if (c->cb && c->cb->st == CB_SCHEDULED &&
		    c->state != CONTACT_ENDED && cb_queue(c->cb) == q)
			++n;
	}
	return n;
}
