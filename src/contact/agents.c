/**
 * @file agents.c  Router handlers: offers ring the agent's device through
 * the contact; device changes and agent transitions are logged and fed
 * back to the router.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/routing/agent.h>
#include <callflowd/contact/agents.h>
#include <callflowd/daemon/app.h>
#include <callflowd/core/config.h>
#include <callflowd/contact/announce.h>
#include <callflowd/core/log.h>
#include <callflowd/routing/queue.h>
#include <callflowd/sip/registrar.h>
#include <callflowd/routing/router.h>
#include <callflowd/sip/sipserver.h>
#include "contact_priv.h"

static int offer_handler(struct ragent *a, struct rentry *e, void *arg)
{
	struct contact *c = rentry_arg(e);

	(void)arg;
	return contact_offer(c, a);
}

static void cancel_handler(struct ragent *a, struct rentry *e,
			   enum roffer_end why, void *arg)
{
	struct contact *c = rentry_arg(e);

	(void)arg;
	log_info("agent %s: offer withdrawn (%s)", agent_username(a),
		 roffer_end_name(why));
	contact_offer_cancel(c, a);
}

static void agent_handler(struct ragent *a, void *arg)
{
	struct app *app = arg;

	log_info("agent %s: %s / %s", agent_username(a), agent_status(a),
		 agent_display_state(a));
	announce_agent(app->announce, a);
	acw_agent_changed(app, a);
}

int agents_init(struct app *app)
{
	struct router_handlers h;
	char errbuf[256] = "";
	int err;

	memset(&h, 0, sizeof(h));
	h.offerh = offer_handler;
	h.cancelh = cancel_handler;
	h.agenth = agent_handler;

	err = acw_alloc(&app->acw);
	if (err)
		return err;
	err = router_alloc(&app->router, app->cfg, &h, app, errbuf,
			   sizeof(errbuf));
	if (err)
		log_error("config: %s", errbuf);
	return err;
}

int agents_reload(struct app *app, const struct config *cfg)
{
	char errbuf[256] = "";
	int err;

	if (!app->router)
		return EINVAL;
	err = router_reload(app->router, cfg, errbuf, sizeof(errbuf));
	if (err)
		log_error("reload: %s; queues and agents unchanged", errbuf);
	return err;
}

static bool announce(struct ragent *a, void *arg)
{
	announce_agent(arg, a);
	return false;
}

void agents_announce(struct app *app)
{
	if (app && app->router)
		(void)router_agent_apply(app->router, announce,
					 app->announce);
}

void agents_close(struct app *app)
{
	app->router = mem_deref(app->router);
	/* records still waiting for an ACW to end keep what they have */
	app->acw = mem_deref(app->acw);
}

void agents_device(const char *username, bool up, void *arg)
{
	struct app *app = arg;
	struct ragent *a = app && app->router ?
		router_agent(app->router, username) : NULL;

	log_info("agent %s: device %s", username, up ? "registered" :
		 "gone");
	if (a)
		(void)agent_set_device(a, up);
}

void agents_binding_gone(const char *username, const char *uri, void *arg)
{
	struct app *app = arg;
	struct ragent *a = app && app->router ?
		router_agent(app->router, username) : NULL;
	struct rentry *e = a ? agent_entry(a) : NULL;

	/* the device being rung went away but the agent has others: take
	 * the offer back (no miss) so that it rings the newest one left */
	if (!e || agent_state(a) != AGENT_INCOMING ||
	    !contact_rings(rentry_arg(e), uri) ||
	    !registrar_count(sipserver_registrar(app->sip), username))
		return;
	log_info("agent %s: the ringing device %s went away", username, uri);
	(void)agent_set_device(a, false);
	(void)agent_set_device(a, true);
}
