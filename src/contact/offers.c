/**
 * @file offers.c  The router's and the registrar's handlers: an offer
 * rings the agent's device through the contact, a withdrawn offer hangs
 * it up, agent transitions are announced and close after-contact work in
 * the records, devices coming and going are fed back to the router.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/routing/agent.h>
#include <callflowd/routing/queue.h>
#include <callflowd/routing/router.h>
#include <callflowd/sip/registrar.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/contact/announce.h>
#include "contact_priv.h"

static int offer_h(struct ragent *a, struct rentry *e, void *arg)
{
	(void)arg;
	return contact_offer(rentry_arg(e), a);
}

static void cancel_h(struct ragent *a, struct rentry *e,
		     enum roffer_end why, void *arg)
{
	(void)arg;
	log_info("agent %s: offer withdrawn (%s)", agent_username(a),
		 roffer_end_name(why));
	contact_offer_cancel(rentry_arg(e));
}

static void agent_h(struct ragent *a, void *arg)
{
	struct ccenter *cc = arg;

	log_info("agent %s: %s / %s", agent_username(a), agent_status(a),
		 agent_display_state(a));
	announce_agent(cc->announce, a);
	acw_agent_changed(cc, a);
}

int offers_router_alloc(struct ccenter *cc, char *errbuf, size_t errsz)
{
	struct router_handlers h;

	memset(&h, 0, sizeof(h));
	h.offerh = offer_h;
	h.cancelh = cancel_h;
	h.agenth = agent_h;
	return router_alloc(&cc->router, cc->cfg, &h, cc, errbuf, errsz);
}

void offers_device_h(const char *username, bool up, void *arg)
{
	struct ccenter *cc = arg;
	struct ragent *a = cc->router ? router_agent(cc->router, username) :
		NULL;

	log_info("agent %s: device %s", username, up ? "registered" :
		 "gone");
	if (a)
		(void)agent_set_device(a, up);
}

void offers_binding_gone_h(const char *username, const char *uri,
			   void *arg)
{
	struct ccenter *cc = arg;
	struct ragent *a = cc->router ? router_agent(cc->router, username) :
		NULL;
	struct rentry *e = a ? agent_entry(a) : NULL;

	/* the device being rung went away but the agent has others: take
	 * the offer back (no miss) so that it rings the newest one left */
	if (!e || agent_state(a) != AGENT_INCOMING ||
	    !contact_rings(rentry_arg(e), uri) ||
	    !registrar_count(sipserver_registrar(cc->sip), username))
		return;
	log_info("agent %s: the ringing device %s went away", username, uri);
	(void)agent_set_device(a, false);
	(void)agent_set_device(a, true);
}
