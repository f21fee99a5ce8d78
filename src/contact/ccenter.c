/**
 * @file ccenter.c  The contact center: its live contacts, the router, the
 * SIP front and the leg environment it creates with its handlers, and
 * the configuration they all run on.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/media/mediasvc.h>
#include <callflowd/routing/agent.h>
#include <callflowd/routing/router.h>
#include <callflowd/sip/outbound.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/call/callenv.h>
#include <callflowd/contact/announce.h>
#include "contact_priv.h"

/* sip.listen: a list of udp|tcp|tls:ADDRESS:PORT */
static int listen_check(const struct config *cfg, char *errbuf,
			size_t errsz)
{
	const json_t *sip = json_object_get(cfg->root, "sip");
	const json_t *listen = json_object_get(sip, "listen");
	struct sa sa;
	size_t i;

	if (!json_is_array(listen) || !json_array_size(listen)) {
		re_snprintf(errbuf, errsz, "sip.listen: expected a list such "
			    "as [\"udp:127.0.0.1:5060\"]");
		return EINVAL;
	}
	for (i = 0; i < json_array_size(listen); i++) {
		const char *spec = json_string_value(json_array_get(listen, i));

		if (!spec || strlen(spec) < 5 || spec[3] != ':' ||
		    (strncasecmp(spec, "udp", 3) && strncasecmp(spec, "tcp", 3)
		     && strncasecmp(spec, "tls", 3)) ||
		    sa_decode(&sa, spec + 4, strlen(spec + 4))) {
			re_snprintf(errbuf, errsz, "sip.listen[%zu]: expected "
				    "udp|tcp|tls:ADDRESS:PORT", i);
			return EINVAL;
		}
		if (!strncasecmp(spec, "tls", 3) &&
		    !json_string_value(json_object_get(
			    json_object_get(sip, "tls"), "cert"))) {
			re_snprintf(errbuf, errsz, "sip.tls.cert: needed by %s",
				    spec);
			return EINVAL;
		}
	}
	return 0;
}

int ccenter_config_check(const struct config *cfg, char *errbuf,
			 size_t errsz)
{
	struct trunk *trunks = NULL;
	size_t n = 0;
	int err;

	if (!cfg)
		return EINVAL;
	err = trunks_parse(&trunks, &n, json_object_get(cfg->root, "trunks"),
			   errbuf, errsz);
	mem_deref(trunks);
	if (!err)
		err = listen_check(cfg, errbuf, errsz);
	if (!err)
		err = callenv_config_check(cfg, errbuf, errsz);
	if (!err)
		err = routing_config_check(cfg, errbuf, errsz);
	if (!err)
		err = outbound_check(cfg, errbuf, errsz);
	if (!err)
		err = legpolicy_check(cfg, errbuf, errsz);
	return err;
}

static void destructor(void *arg)
{
	struct ccenter *cc = arg;
	struct le *le;

	/* contacts still alive end now, writing their records */
	while ((le = list_head(&cc->contacts)))
		contact_end(le->data, "OTHER");
	cc->sip = mem_deref(cc->sip);
	cc->calls = mem_deref(cc->calls);
	cc->router = mem_deref(cc->router);
	/* records still waiting for an ACW to end keep what they have */
	cc->acw = mem_deref(cc->acw);
	mem_deref(cc->announce);
	mem_deref(cc->media);
	mem_deref(cc->httpc);
	mem_deref(cc->records);
	mem_deref(cc->journal);
	mem_deref(cc->flowlog);
	mem_deref(cc->speech);
	mem_deref(cc->asr);
	mem_deref(cc->flows);
	mem_deref(cc->cfg);
}

/* UPDATE and the like: the legs answer their own dialogs */
static bool dialog_h(const struct sip_msg *msg, void *arg)
{
	struct ccenter *cc = arg;

	return cc->calls && callenv_dialog_request(cc->calls, msg);
}

int ccenter_alloc(struct ccenter **ccp, const struct ccenter_services *svc,
		  struct config *cfg, struct flowset *flows, char *errbuf,
		  size_t errsz)
{
	struct sipserver_handlers sh;
	struct ccenter *cc;
	uint64_t seed = 0;
	int err;

	if (!ccp || !svc || !svc->media || !svc->records || !svc->bus ||
	    !cfg || !flows)
		return EINVAL;

	cc = mem_zalloc(sizeof(*cc), destructor);
	if (!cc)
		return ENOMEM;
	cc->media = mem_ref(svc->media);
	cc->httpc = mem_ref(svc->httpc);
	cc->records = mem_ref(svc->records);
	cc->journal = mem_ref(svc->journal);
	cc->flowlog = mem_ref(svc->flowlog);
	cc->asr = mem_ref(svc->asr);
	cc->speech = mem_ref(svc->speech);
	cc->cfg = mem_ref(cfg);
	cc->flows = mem_ref(flows);
	/* DistributeByPercentage: unpredictable, not secret */
	(void)util_random(&seed, sizeof(seed));
	rng_seed(&cc->rng, seed ^ util_now_ms());

	err = announce_alloc(&cc->announce, svc->bus);
	if (!err)
		err = acw_alloc(&cc->acw);
	if (err)
		goto out;
	err = offers_router_alloc(cc, errbuf, errsz);
	if (err)
		goto out;

	/* the SIP front last: from here calls and registrations arrive */
	memset(&sh, 0, sizeof(sh));
	sh.inviteh = inbound_invite_h;
	sh.refusedh = inbound_refused_h;
	sh.dialogh = dialog_h;
	sh.deviceh = offers_device_h;
	sh.droph = offers_binding_gone_h;
	sh.arg = cc;
	err = sipserver_alloc(&cc->sip, cfg, svc->audit, &sh);
	if (err) {
		re_snprintf(errbuf, errsz, "the SIP front did not start (%m)",
			    err);
		goto out;
	}
	err = callenv_alloc(&cc->calls, cc->sip, mediasvc_clock(cc->media));
	if (!err)
		err = callenv_configure(cc->calls, cfg, errbuf, errsz);

 out:
	if (err)
		mem_deref(cc);
	else
		*ccp = cc;
	return err;
}

int ccenter_reload(struct ccenter *cc, struct config *cfg,
		   struct flowset *flows, char *errbuf, size_t errsz)
{
	int err;

	if (!cc || !cfg || !flows)
		return EINVAL;
	err = router_reload(cc->router, cfg, errbuf, errsz);
	if (err)
		return err;
	err = callenv_configure(cc->calls, cfg, errbuf, errsz);
	if (err)
		return err;
	/* live bindings of agents still configured are kept */
	if (sipserver_reload(cc->sip, cfg))
		log_error("reload: agents' credentials not applied");
	mem_deref(cc->cfg);
	cc->cfg = mem_ref(cfg);
	mem_deref(cc->flows);
	cc->flows = mem_ref(flows);
	return 0;
}

void ccenter_set_speech(struct ccenter *cc, struct speechconf *sc,
			struct asr *asr)
{
	if (!cc)
		return;
	mem_deref(cc->speech);
	cc->speech = mem_ref(sc);
	if (asr && asr != cc->asr) {
		mem_deref(cc->asr);
		cc->asr = mem_ref(asr);
	}
}

void ccenter_drain(struct ccenter *cc)
{
	if (cc)
		cc->draining = true;
}

bool ccenter_draining(const struct ccenter *cc)
{
	return cc && cc->draining;
}

void ccenter_close(struct ccenter *cc)
{
	if (cc)
		sipserver_close(cc->sip);
}

unsigned ccenter_hangup(struct ccenter *cc, unsigned n, const char *reason)
{
	struct le *le;

	if (!cc)
		return 0;
	while (n-- && (le = list_head(&cc->contacts)))
		contact_end(le->data, reason);
	return cc->ncontacts;
}

unsigned ccenter_count(const struct ccenter *cc)
{
	return cc ? cc->ncontacts : 0;
}

static bool id_match(struct contact *c, void *arg)
{
	return c->cd && !strcmp(c->cd->contact_id, arg);
}

struct contact *ccenter_contact(const struct ccenter *cc, const char *id)
{
	return id ? ccenter_apply(cc, id_match, (void *)id) : NULL;
}

struct contact *ccenter_apply(const struct ccenter *cc, ccenter_apply_h *h,
			      void *arg)
{
	struct le *le;

	if (!cc || !h)
		return NULL;
	for (le = list_head(&cc->contacts); le; le = le->next) {
		if (h(le->data, arg))
			return le->data;
	}
	return NULL;
}

static bool announce_one(struct ragent *a, void *arg)
{
	announce_agent(arg, a);
	return false;
}

void ccenter_announce_agents(struct ccenter *cc)
{
	if (cc && cc->router)
		(void)router_agent_apply(cc->router, announce_one,
					 cc->announce);
}

void ccenter_stats(const struct ccenter *cc, struct ccenter_stats *st)
{
	if (!st)
		return;
	if (cc)
		*st = cc->stats;
	else
		memset(st, 0, sizeof(*st));
}

unsigned ccenter_acw_pending(const struct ccenter *cc)
{
	return cc ? acw_count(cc) : 0;
}

struct router *ccenter_router(const struct ccenter *cc)
{
	return cc ? cc->router : NULL;
}

struct sipserver *ccenter_sip(const struct ccenter *cc)
{
	return cc ? cc->sip : NULL;
}

struct callenv *ccenter_calls(const struct ccenter *cc)
{
	return cc ? cc->calls : NULL;
}

struct config *ccenter_config(const struct ccenter *cc)
{
	return cc ? cc->cfg : NULL;
}

struct flowset *ccenter_flows(const struct ccenter *cc)
{
	return cc ? cc->flows : NULL;
}
