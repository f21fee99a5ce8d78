/**
 * @file agentleg.c  The agent's leg: ringing the agent's device when the
 * router offers the contact (with the agent's media policy: codecs and
 * SRTP), the whisper flows once the agent answers, then the join; the
 * agent hanging up ends the contact or runs the disconnect flow, and
 * the agent goes to after-contact work.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/routing/agent.h>
#include <callflowd/routing/queue.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/sip/registrar.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/call/callenv.h>
#include <callflowd/call/leg.h>
#include <callflowd/contact/announce.h>
#include "contact_priv.h"

static const char role[] = "agent";

struct ragent *contact_the_agent(const struct contact *c)
{
	return c->entry ? rentry_agent(c->entry) : NULL;
}

static bool is_agent(const struct contact *c)
{
	return c->agent && c->agent->role == role;
}

/* Let the party in the agent slot go (an agent's, or a third party's):
 * its leg says goodbye (CANCEL or BYE). */
static void release(struct contact *c)
{
	struct party *p = c->agent;

	if (!p)
		return;
	c->agent = NULL;
	leg_unbridge(c->cust.leg);
	party_release(p);
}

/* -- the leg's handlers (arg: the agent's party) -- */

static void answer_h(struct leg *leg, void *arg)
{
	struct party *p = arg;
	struct contact *c = p->c;
	struct ragent *a = contact_the_agent(c);

	(void)leg;
	log_info("contact %s: agent %s answered%s", c->cd->contact_id,
		 a ? agent_username(a) : "?", leg_srtp(leg) ? " (SRTP)" : "");
	/* the router answers with a CONNECTED event on the entry */
	if (a)
		(void)agent_offer_answered(a);
}

static void hold_h(struct leg *leg, bool held, void *arg)
{
	struct party *p = arg;
	struct contact *c = p->c;

	(void)leg;
	log_info("contact %s: agent %s the call", c->cd->contact_id,
		 held ? "holds" : "resumes");
	/* the bridge stops and the hold flows play (hold.c) */
	(void)contact_hold_phone(c, held);
}

static void refer_h(struct leg *leg, struct sip *sip,
		    const struct sip_msg *msg, void *arg)
{
	struct party *p = arg;

	(void)leg;
	contact_agent_refer(p->c, sip, msg);	/* transfer.c */
}

static void close_h(struct leg *leg, enum leg_end why, int err,
		    uint16_t scode, void *arg)
{
	struct party *p = arg;
	struct contact *c = p->c;
	struct ragent *a = contact_the_agent(c);

	if (why == LEG_END_NO_MEDIA) {
		log_warn("contact %s: no RTP from the agent, ending the call",
			 c->cd->contact_id);
		release(c);
		contact_end(c, "TELECOM_PROBLEM");
		return;
	}
	if (c->state == CONTACT_WHISPER || c->state == CONTACT_TALKING ||
	    c->state == CONTACT_DIALLING) {
		log_info("contact %s: agent hung up", c->cd->contact_id);
		release(c);
		if (!contact_hold_remaining(c))	/* the disconnect flow */
			contact_end(c, "AGENT_DISCONNECT");
		return;
	}

	/* not answered: declined, busy, unreachable */
	if (scode)
		log_info("contact %s: agent's phone declined (%u %s)",
			 c->cd->contact_id, scode, leg_end_reason(leg));
	else
		log_info("contact %s: agent's phone did not answer (%s, %m)",
			 c->cd->contact_id, leg_end_name(why), err);
	release(c);
	if (a)
		(void)agent_offer_missed(a);
}

/* -- the offer -- */

int contact_offer(struct contact *c, struct ragent *a)
{
	const struct reg_binding *b;
	struct leg_handlers h;
	struct leg_dial d;
	struct sdp_policy media;
	char *from = NULL, *hdrs = NULL, name[96];
	const char *uri;
	struct party *p;
	int err;

	if (!c || !a || c->state == CONTACT_ENDED)
		return EINVAL;
	if (c->agent)
		return EBUSY;

	uri = agent_contact_uri(a);
	if (!uri) {
		b = registrar_lookup(sipserver_registrar(c->cc->sip),
				     agent_username(a));
		uri = b ? b->uri : NULL;
	}
	if (!uri)
		return ENODEV;
	err = legpolicy_agent(&media, c->cfg, agent_username(a));
	if (err)
		return err;

	p = party_alloc(c, sizeof(*p), role, NULL);
	if (!p)
		return ENOMEM;

	err = callenv_from_uri(&from, c->cc->calls,
			       c->cd->customer_addr[0] ?
			       c->cd->customer_addr : "callflowd");
	if (!err)
		err = re_sdprintf(&hdrs, "X-Callflowd-Contact-Id: %s\r\n"
				  "X-Callflowd-Queue: %s\r\n",
				  c->cd->contact_id, c->info.queue_name ?
				  c->info.queue_name : "");
	if (err)
		goto out;

	memset(&d, 0, sizeof(d));
	d.uri = uri;
	d.from_uri = from;
	d.from_name = c->cd->customer_addr;
	d.hdrs = hdrs;
	memset(&h, 0, sizeof(h));
	h.closeh = close_h;
	h.answerh = answer_h;
	h.dtmfh = party_dtmf_h;
	h.holdh = hold_h;
	h.referh = refer_h;
	h.arg = p;
	re_snprintf(name, sizeof(name), "contact %s agent %s",
		    c->cd->contact_id, agent_username(a));
	err = leg_dial(&p->leg, c->cc->calls, &d, &media, &h, name);
	if (err) {
		log_warn("contact %s: cannot call agent %s at %s: %m",
			 c->cd->contact_id, agent_username(a), uri, err);
		goto out;
	}

	++c->info.agent_attempts;
	c->agent = p;
	p = NULL;
	log_info("contact %s: ringing agent %s at %s", c->cd->contact_id,
		 agent_username(a), uri);

 out:
	mem_deref(from);
	mem_deref(hdrs);
	mem_deref(p);
	return err;
}

bool contact_rings(const struct contact *c, const char *uri)
{
	return c && is_agent(c) && leg_state(c->agent->leg) == LEG_RINGING &&
		uri && leg_uri(c->agent->leg) &&
		!strcmp(leg_uri(c->agent->leg), uri);
}

void contact_offer_cancel(struct contact *c)
{
	if (c && !contact_connected(c) && is_agent(c))
		release(c);
}

/* -- connected: whispers, then the join -- */

void contact_join(struct contact *c)
{
	if (!c->agent || !c->agent->leg || c->state != CONTACT_WHISPER)
		return;
	if (contact_set_state(c, CONTACT_TALKING))
		return;
	if (leg_bridge(c->cust.leg, c->agent->leg)) {
		log_error("contact %s: cannot bridge", c->cd->contact_id);
		contact_end(c, "OTHER");
		return;
	}
	log_info("contact %s: customer and agent joined", c->cd->contact_id);
}

/* Both whispers over, nobody held: join them. A whisper that ends at once
 * (a flow of one EndFlowExecution) schedules this before the other one
 * has started, so it is asked again when it runs. */
static bool whispers_done(const struct contact *c)
{
	return c->state == CONTACT_WHISPER && c->hold.st == HOLD_NONE &&
		!party_running(&c->cust) && !party_running(c->agent);
}

static void join_tmr(void *arg)
{
	struct contact *c = arg;

	if (whispers_done(c))
		contact_join(c);
}

static void whisper_end(struct frun *run, const struct fend *end, void *arg)
{
	struct party *p = arg;
	struct contact *c = p->c;

	log_debug("contact %s: %s whisper '%s' ended: %s%s%s",
		  c->cd->contact_id, p->role, frun_flow(run)->name,
		  fend_kind_name(end->kind), end->reason ? ", " : "",
		  end->reason ? end->reason : "");
	if (end->kind == FEND_DISCONNECT) {
		contact_end(c, p == &c->cust ? "CONTACT_FLOW_DISCONNECT" :
			    "AGENT_DISCONNECT");
		return;
	}
	if (whispers_done(c))
		tmr_start(&c->join_tmr, 0, join_tmr, c);
}

static int start_whisper(struct party *p, struct flow *f)
{
	p->run = mem_deref(p->run);
	if (!f)
		return 0;
	log_debug("contact %s: %s whisper '%s'", p->c->cd->contact_id,
		  p->role, f->name);
	return party_run(p, f, whisper_end, p);
}

void contact_agent_connected(struct contact *c, struct ragent *a)
{
	struct flow *cw, *aw;

	c->info.dequeued_ms = util_now_ms();
	c->info.agent_connected_ms = c->info.dequeued_ms;
	/* a new agent's part: an earlier one's end and ACW are not this */
	c->info.agent_ended_ms = 0;
	c->info.acw_end_ms = 0;
	tmr_cancel(&c->queue_tmr);

	/* the customer queue flow stops now */
	party_stop(&c->cust);

	(void)cdata_set_str(&c->cd->agent_username, agent_username(a));
	(void)cdata_set_str(&c->cd->agent_first, agent_first_name(a));
	(void)cdata_set_str(&c->cd->agent_last, agent_last_name(a));
	log_info("contact %s: connected to agent %s", c->cd->contact_id,
		 agent_username(a));
	if (c->cb) {
		if (contact_set_state(c, CONTACT_DIALLING))
			return;
		announce_contact(c->cc->announce, "connected", c->cd,
				 c->info.queue_name, NULL);
		callback_agent_answered(c);	/* now dial the customer */
		return;
	}
	if (contact_set_state(c, CONTACT_WHISPER))
		return;
	announce_contact(c->cc->announce, "connected", c->cd,
			 c->info.queue_name, NULL);

	cw = contact_hook_flow(c, HOOK_CUSTOMER_WHISPER,
			       "Default customer whisper");
	aw = contact_hook_flow(c, HOOK_AGENT_WHISPER,
			       "Default agent whisper");
	if (start_whisper(&c->cust, cw) || start_whisper(c->agent, aw))
		log_warn("contact %s: a whisper flow did not start",
			 c->cd->contact_id);
	if (whispers_done(c))
		contact_join(c);
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
		acw_contact_left(c->cc, c);
	}
	release(c);
}
