/**
 * @file contact_agent.c  The agent's leg of a contact: ringing the
 * agent's device when the router offers the contact, the whisper flows
 * once the agent answers, then the bridge; the agent hanging up ends the
 * contact (and the router puts the agent in after-contact work).
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/routing/agent.h>
#include <callflowd/daemon/app.h>
#include <callflowd/contact/callback.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/contact/announce.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/core/log.h>
#include <callflowd/daemon/media.h>
#include <callflowd/routing/queue.h>
#include <callflowd/sip/registrar.h>
#include <callflowd/routing/router.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/core/util.h>
#include "contact_priv.h"

static void agent_leg_destructor(void *arg)
{
	leg_reset(arg);
}

static void free_old(void *arg)
{
	struct contact *c = arg;

	c->agent_old = mem_deref(c->agent_old);
}

/* Let go of the agent's leg; freed from the loop, never inside one of
 * its own handlers. Its session says goodbye (CANCEL or BYE). */
static void release_leg(struct contact *c)
{
	struct leg *l = c->agent;

	if (!l)
		return;
	c->agent = NULL;
	c->whispering = false;
	leg_unbridge(l);
	leg_media_stop(l);
	if (l->run)
		frun_cancel(l->run);
	if (l->ms)
		mstream_stop(l->ms);
	l->sess = mem_deref(l->sess);
	mem_deref(c->agent_old);
	c->agent_old = l;
	tmr_start(&c->agent_tmr, 0, free_old, c);
}

static struct ragent *the_agent(const struct contact *c)
{
	return c->entry ? rentry_agent(c->entry) : NULL;
}

static int answer_handler(const struct sip_msg *msg, void *arg)
{
	return leg_media_answer(arg, msg);
}

/* re-INVITE from the agent's phone (hold, resume): answer it */
static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			 void *arg)
{
	struct leg *l = arg;
	struct contact *c = l->c;
	const struct sdpneg_result *r;
	bool hold;
	int err;

	err = sdpneg_answer(l->neg, descp, msg->mb);
	if (err)
		return err;
	r = sdpneg_result(l->neg);
	mstream_set_dir(l->ms, r->dir);
	hold = r->dir == SDP_RECVONLY || r->dir == SDP_INACTIVE;
	/* the bridge stops and the hold flows play (contact_hold.c) */
	(void)contact_hold_phone(c, hold);
	log_info("contact %s: agent %s the call", c->cd->contact_id,
		 hold ? "holds" : "resumes");
	return 0;
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct leg *l = arg;
	struct ragent *a = the_agent(l->c);

	(void)msg;
	log_info("contact %s: agent %s answered", l->c->cd->contact_id,
		 a ? agent_username(a) : "?");
	/* the router answers with a CONNECTED event on the entry */
	if (a)
		(void)agent_offer_answered(a);
}

static void info_handler(struct sip *sip, const struct sip_msg *msg,
			 void *arg)
{
	(void)arg;
	(void)sip_reply(sip, msg, 200, "OK");
	(void)msg;
}

/* the agent's blind transfer: contact_transfer.c */
static void refer_handler(struct sip *sip, const struct sip_msg *msg,
			  void *arg)
{
	contact_agent_refer(arg, sip, msg);
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct leg *l = arg;
	struct contact *c = l->c;
	struct ragent *a = the_agent(c);
	bool connected = c->state == CONTACT_CONNECTED;

	if (connected) {
		log_info("contact %s: agent hung up", c->cd->contact_id);
		release_leg(c);
		if (!contact_hold_remaining(c))	/* the disconnect flow */
			contact_end(c, "AGENT_DISCONNECT");
		return;
	}

	/* not answered: declined, busy, unreachable */
	if (msg)
		log_info("contact %s: agent's phone declined (%u %r)",
			 c->cd->contact_id, msg->scode, &msg->reason);
	else
		log_info("contact %s: agent's phone did not answer (%m)",
			 c->cd->contact_id, err);
	release_leg(c);
	if (a)
		(void)agent_offer_missed(a);
}

static void rtp_timeout(void *arg)
{
	struct leg *l = arg;
	struct contact *c = l->c;

	log_warn("contact %s: no RTP from the agent, ending the call",
		 c->cd->contact_id);
	release_leg(c);
	contact_end(c, "TELECOM_PROBLEM");
}

static int from_uri(char **urip, struct contact *c)
{
	struct sa laddr;
	const char *user = c->cd->customer_addr[0] ? c->cd->customer_addr :
		"callflowd";

	if (sip_transp_laddr(sipserver_sip(c->app->sip), &laddr,
			     SIP_TRANSP_UDP, NULL))
		sa_set_str(&laddr, "127.0.0.1", 5060);
	return re_sdprintf(urip, "sip:%s@%J", user, &laddr);
}

int contact_offer(struct contact *c, struct ragent *a)
{
	const struct reg_binding *b;
	struct mbuf *offer = NULL;
	char *from = NULL;
	const char *uri;
	struct leg *l;
	int err;

	if (!c || !a || c->state == CONTACT_ENDED)
		return EINVAL;
	if (c->agent)
		return EBUSY;

	uri = agent_contact_uri(a);
	if (!uri) {
		b = registrar_lookup(sipserver_registrar(c->app->sip),
				     agent_username(a));
		uri = b ? b->uri : NULL;
	}
	if (!uri)
		return ENODEV;

	l = mem_zalloc(sizeof(*l), agent_leg_destructor);
	if (!l)
		return ENOMEM;
	leg_init(l, c, "agent");
	leg_env_init(l);

	err = leg_media_offer(l, rtp_timeout, &offer);
	if (!err)
		err = from_uri(&from, c);
	if (err)
		goto out;

	err = sipsess_connect(&l->sess, sipserver_sock(c->app->sip), uri,
			      c->cd->customer_addr, from, "callflowd", NULL, 0,
			      "application/sdp", offer, NULL, NULL, false,
			      offer_handler, answer_handler, NULL,
			      estab_handler, info_handler, refer_handler,
			      close_handler, l,
			      "X-Callflowd-Contact-Id: %s\r\n"
			      "X-Callflowd-Queue: %s\r\n",
			      c->cd->contact_id,
			      c->info.queue_name ? c->info.queue_name : "");
	if (err) {
		log_warn("contact %s: cannot call agent %s at %s: %m",
			 c->cd->contact_id, agent_username(a), uri, err);
		goto out;
	}

	(void)str_dup(&l->uri, uri);
	++c->info.agent_attempts;
	c->agent = l;
	log_info("contact %s: ringing agent %s at %s", c->cd->contact_id,
		 agent_username(a), uri);

 out:
	mem_deref(offer);
	mem_deref(from);
	if (err)
		mem_deref(l);
	return err;
}

bool contact_rings(const struct contact *c, const char *uri)
{
	return c && c->agent && c->state != CONTACT_CONNECTED &&
		c->agent->uri && uri && !strcmp(c->agent->uri, uri);
}

void contact_offer_cancel(struct contact *c, struct ragent *a)
{
	(void)a;
	if (c && c->state != CONTACT_CONNECTED)
		release_leg(c);
}

/* -- connected: whispers, then the bridge -- */

static void bridge(struct contact *c)
{
	if (!c->agent || c->state != CONTACT_CONNECTED)
		return;
	c->whispering = false;
	if (leg_bridge(&c->cust, c->agent)) {
		log_error("contact %s: cannot bridge", c->cd->contact_id);
		contact_end(c, "OTHER");
		return;
	}
	log_info("contact %s: customer and agent joined", c->cd->contact_id);
}

static void bridge_tmr(void *arg)
{
	bridge(arg);
}

static void whisper_end(struct frun *run, const struct fend *end, void *arg)
{
	struct leg *l = arg;
	struct contact *c = l->c;

	log_debug("contact %s: %s whisper '%s' ended: %s%s%s", c->cd->contact_id,
		  l->who, frun_flow(run)->name, fend_kind_name(end->kind),
		  end->reason ? ", " : "", end->reason ? end->reason : "");
	if (end->kind == FEND_DISCONNECT) {
		contact_end(c, l == &c->cust ? "CONTACT_FLOW_DISCONNECT" :
			    "AGENT_DISCONNECT");
		return;
	}
	/* both whispers done: join them */
	if (c->whispering && (!c->cust.run || frun_ended(c->cust.run)) &&
	    c->agent && (!c->agent->run || frun_ended(c->agent->run)))
		tmr_start(&c->queue_tmr, 0, bridge_tmr, c);
}

/* The hook's flow, else the default of that kind, else none. */
static struct flow *whisper_flow(const struct contact *c,
				 enum cdata_hook hook, const char *def)
{
	const char *ref = c->cd->hooks[hook];
	struct flow *f = ref ? flowset_find(c->flows, ref) : NULL;

	return f ? f : flowset_find(c->flows, def);
}

static int start_whisper(struct leg *l, struct flow *f)
{
	int err;

	l->run = mem_deref(l->run);
	if (!f)
		return 0;
	log_debug("contact %s: %s whisper '%s'", l->c->cd->contact_id, l->who,
		  f->name);
	err = frun_alloc(&l->run, f, l->c->cd, &l->env, whisper_end, l);
	if (!err)
		err = frun_start(l->run, NULL);
	return err;
}

static void connected(struct contact *c, struct ragent *a)
{
	struct flow *cw, *aw;

	c->state = CONTACT_CONNECTED;
	c->info.dequeued_ms = util_now_ms();
	c->info.agent_connected_ms = c->info.dequeued_ms;
	/* a new agent's part: an earlier one's end and ACW are not this */
	c->info.agent_ended_ms = 0;
	c->info.acw_end_ms = 0;
	tmr_cancel(&c->queue_tmr);

	/* the customer queue flow stops now */
	leg_media_stop(&c->cust);
	if (c->cust.run)
		frun_cancel(c->cust.run);

	(void)cdata_set_str(&c->cd->agent_username, agent_username(a));
	(void)cdata_set_str(&c->cd->agent_first, agent_first_name(a));
	(void)cdata_set_str(&c->cd->agent_last, agent_last_name(a));
	log_info("contact %s: connected to agent %s", c->cd->contact_id,
		 agent_username(a));
	announce_contact(c->app->announce, "connected", c->cd, c->info.queue_name, NULL);
	if (c->cb) {
		callback_agent_answered(c);	/* now dial the customer */
		return;
	}

	cw = whisper_flow(c, HOOK_CUSTOMER_WHISPER, "Default customer whisper");
	aw = whisper_flow(c, HOOK_AGENT_WHISPER, "Default agent whisper");
	c->whispering = true;
	if (start_whisper(&c->cust, cw) || start_whisper(c->agent, aw))
		log_warn("contact %s: a whisper flow did not start",
			 c->cd->contact_id);
	if (c->state != CONTACT_CONNECTED)
		return;		/* a whisper hung up */
	if ((!c->cust.run || frun_ended(c->cust.run)) &&
	    (!c->agent || !c->agent->run || frun_ended(c->agent->run)))
		bridge(c);
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
		release_leg(c);
		break;

	case RENTRY_EV_CONNECTED:
		connected(c, a);
		break;
	}
}

void contact_agent_end(struct contact *c)
{
	if (!c)
		return;
	contact_hold_close(c);	/* an open hold counts until now */
	/* leaving the router ends the agent's contact (after-contact work)
	 * or withdraws the offer */
	if (c->entry) {
		c->entry = mem_deref(c->entry);
		acw_contact_left(c->app, c);
	}
	release_leg(c);
}
