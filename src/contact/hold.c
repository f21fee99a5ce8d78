/**
 * @file hold.c  Hold and resume of a contact with an agent, and the
 * disconnect flow.
 *
 * Hold comes from the agent's phone (a re-INVITE making its stream
 * sendonly or inactive: the leg's hold handler), the API, or a flow
 * running while connected (UpdatePreviousContactParticipantState through
 * the hold port). It parts the bridge, plays the customer hold flow to
 * the customer and the agent hold flow to the agent, tells the router
 * (OnHold) and counts the hold for the record. Resume stops the hold
 * flows and joins the parties again, unless whispers still play (they
 * join them when they end). A party whose own flow is still running (a
 * whisper, the flow that asked for the hold) keeps it: no hold flow
 * replaces a live run.
 *
 * When the agent hangs up first and the contact has a CustomerRemaining
 * hook, that flow runs on the customer before the contact ends; the
 * disconnect reason stays AGENT_DISCONNECT.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/flow/interp.h>
#include <callflowd/routing/agent.h>
#include <callflowd/call/leg.h>
#include <callflowd/contact/announce.h>
#include "contact_priv.h"

static void hold_flow_end(struct frun *run, const struct fend *end,
			  void *arg)
{
	struct party *p = arg;
	struct contact *c = p->c;

	log_debug("contact %s: %s hold flow '%s' ended: %s",
		  c->cd->contact_id, p->role, frun_flow(run)->name,
		  fend_kind_name(end->kind));
	/* a hold flow that ends plainly leaves silence until resume */
	if (end->kind == FEND_DISCONNECT &&
	    (c->state == CONTACT_WHISPER || c->state == CONTACT_TALKING))
		contact_end(c, p == &c->cust ? "CONTACT_FLOW_DISCONNECT" :
			    "AGENT_DISCONNECT");
}

/* Start f on p unless a run of its own still plays there. */
static bool hold_flow_start(struct party *p, struct flow *f)
{
	int err;

	if (!p || !f || party_running(p))
		return false;
	err = party_run(p, f, hold_flow_end, p);
	if (err) {
		log_warn("contact %s: %s hold flow '%s' did not start: %m",
			 p->c->cd->contact_id, p->role, f->name, err);
		return false;
	}
	log_debug("contact %s: %s hold flow '%s'", p->c->cd->contact_id,
		  p->role, f->name);
	return true;
}

/* Stop the hold flow we started on p (never the run asking: self). */
static void hold_flow_stop(struct party *p, bool *mine, struct frun *self)
{
	if (!*mine)
		return;
	*mine = false;
	if (!p || !p->run || p->run == self)
		return;
	/* the ended run stays: a whisper's end looks at it */
	party_stop(p);
}

/* Count the hold that ends now. */
static void hold_count(struct contact *c)
{
	uint64_t now = util_now_ms(), d;

	if (!c->hold.since_ms)
		return;
	d = now > c->hold.since_ms ? now - c->hold.since_ms : 0;
	c->info.hold_ms += d;
	if (d > c->info.longest_hold_ms)
		c->info.longest_hold_ms = d;
	c->hold.since_ms = 0;
}

static void hold_begin(struct contact *c)
{
	struct flow *cf, *af;

	c->hold.since_ms = util_now_ms();
	++c->info.holds;
	leg_unbridge(c->cust.leg);

	cf = contact_hook_flow(c, HOOK_CUSTOMER_HOLD, "Default customer hold");
	af = contact_hook_flow(c, HOOK_AGENT_HOLD, "Default agent hold");
	c->hold.cust_flow = hold_flow_start(&c->cust, cf);
	c->hold.agent_flow = hold_flow_start(c->agent, af);
}

static void hold_end(struct contact *c, struct frun *self)
{
	hold_count(c);
	hold_flow_stop(&c->cust, &c->hold.cust_flow, self);
	hold_flow_stop(c->agent, &c->hold.agent_flow, self);

	/* whispers still playing join the parties when they end */
	if (c->state == CONTACT_WHISPER) {
		if (!party_running(&c->cust) && !party_running(c->agent))
			contact_join(c);
		return;
	}
	if (!c->agent || leg_bridge(c->cust.leg, c->agent->leg)) {
		log_error("contact %s: cannot join the legs again",
			  c->cd->contact_id);
		return;
	}
	log_info("contact %s: customer and agent joined again",
		 c->cd->contact_id);
}

int contact_hold_set(struct contact *c, enum hold_state st, const char *by,
		     struct frun *self)
{
	enum hold_state old;
	struct ragent *a;

	if (!c || (unsigned)st > HOLD_CUSTOMER)
		return EINVAL;
	if ((c->state != CONTACT_WHISPER && c->state != CONTACT_TALKING) ||
	    !c->agent)
		return ENOTCONN;

	old = c->hold.st;
	if (old == st)
		return 0;
	c->hold.st = st;
	c->cd->hold = st;

	if (old == HOLD_NONE)
		hold_begin(c);
	else if (st == HOLD_NONE)
		hold_end(c, self);
	/* else: the other participant is held now; the hold goes on */

	/* one place for the event, whoever holds: phone, API or flow */
	if (old == HOLD_NONE || st == HOLD_NONE)
		announce_contact(c->cc->announce, st == HOLD_NONE ? "resumed" :
				 "held", c->cd, c->info.queue_name, by);

	a = contact_the_agent(c);
	if (a)
		(void)agent_hold(a, st != HOLD_NONE);
	log_info("contact %s: %s (%s)", c->cd->contact_id,
		 st == HOLD_NONE ? "resumed" : st == HOLD_CUSTOMER ?
		 "customer on hold" : "agent on hold", by);
	return 0;
}

int contact_hold_phone(struct contact *c, bool hold)
{
	if (!c)
		return EINVAL;
	if (hold == c->hold.phone)
		return 0;	/* a session refresh: the API's hold stays */
	c->hold.phone = hold;
	return contact_hold_set(c, hold ? HOLD_CUSTOMER : HOLD_NONE,
				"agent's phone", NULL);
}

int contact_op_hold(struct frun *run, enum fparticipant_state st, void *arg)
{
	struct party *p = arg;
	enum hold_state hs;

	switch (st) {
	case FPS_AGENT_ON_HOLD:    hs = HOLD_AGENT;    break;
	case FPS_CUSTOMER_ON_HOLD: hs = HOLD_CUSTOMER; break;
	case FPS_OFF_HOLD:         hs = HOLD_NONE;     break;
	default:                   return EINVAL;
	}
	if (!p)
		return EINVAL;
	return contact_hold_set(p->c, hs, "flow", run);
}

void contact_hold_close(struct contact *c)
{
	if (!c || c->hold.st == HOLD_NONE)
		return;
	hold_count(c);
	c->hold.st = HOLD_NONE;
	if (c->cd)
		c->cd->hold = HOLD_NONE;
	c->hold.cust_flow = false;
	c->hold.agent_flow = false;
}

/* -- the disconnect flow -- */

static void remaining_end(struct frun *run, const struct fend *end,
			  void *arg)
{
	struct contact *c = arg;

	log_debug("contact %s: disconnect flow '%s' ended: %s",
		  c->cd->contact_id, frun_flow(run)->name,
		  fend_kind_name(end->kind));
	/* the reason was set when the agent hung up */
	contact_end(c, "AGENT_DISCONNECT");
}

bool contact_hold_remaining(struct contact *c)
{
	struct flow *f;
	int err;

	if (!c || (c->state != CONTACT_WHISPER &&
		   c->state != CONTACT_TALKING) ||
	    !c->cd->hooks[HOOK_CUSTOMER_REMAINING])
		return false;
	f = contact_hook_flow(c, HOOK_CUSTOMER_REMAINING, NULL);
	if (!f)
		return false;

	/* the agent is gone: the record says so whatever happens next */
	str_ncpy(c->reason, "AGENT_DISCONNECT", sizeof(c->reason));
	/* leave the router: the agent goes to after-contact work now */
	contact_agent_end(c);
	if (contact_set_state(c, CONTACT_FLOW))
		return false;

	leg_unbridge(c->cust.leg);
	err = party_run(&c->cust, f, remaining_end, c);
	if (err) {
		log_warn("contact %s: disconnect flow '%s' did not start: %m",
			 c->cd->contact_id, f->name, err);
		contact_end(c, "AGENT_DISCONNECT");
		return true;
	}
	log_info("contact %s: agent hung up; disconnect flow '%s'",
		 c->cd->contact_id, f->name);
	return true;
}

/* -- public views and the API's hold -- */

int contact_hold(struct contact *c, bool hold)
{
	return contact_hold_set(c, hold ? HOLD_CUSTOMER : HOLD_NONE, "API",
				NULL);
}

int contact_hold_state(const struct contact *c)
{
	return c ? (int)c->hold.st : HOLD_NONE;
}

uint64_t contact_hold_since(const struct contact *c)
{
	return c && c->hold.st != HOLD_NONE ? c->hold.since_ms : 0;
}

uint32_t contact_holds(const struct contact *c)
{
	return c ? c->info.holds : 0;
}

const char *contact_agent(const struct contact *c)
{
	struct ragent *a = c ? contact_the_agent(c) : NULL;

	return a ? agent_username(a) : NULL;
}
