/**
 * @file inbound.c  The caller's leg: an INVITE the SIP front passed is
 * admitted (draining, capacity, number, flow), answered as the customer's
 * leg of a new contact, and its flow started. Every INVITE from a trunk
 * that is refused gets a record too.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/store/journal.h>
#include <callflowd/store/records.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/call/leg.h>
#include <callflowd/contact/announce.h>
#include "contact_priv.h"

/* A record of an INVITE refused before any contact existed. */
static void rejected_record(struct ccenter *cc, const struct sip_msg *msg,
			    const char *number, uint16_t scode,
			    const char *why)
{
	struct crecord_info info;
	struct cdata *cd = NULL;
	char id[40], status[8], caller[64];

	if (util_uuid4(id) || cdata_alloc(&cd, id))
		return;

	str_ncpy(cd->system_addr, number ? number : "",
		 sizeof(cd->system_addr));
	caller[0] = '\0';
	if (pl_isset(&msg->from.uri.user))
		pl_strcpy(&msg->from.uri.user, caller, sizeof(caller));
	if (util_e164(cd->customer_addr, sizeof(cd->customer_addr), caller))
		str_ncpy(cd->customer_addr, caller, sizeof(cd->customer_addr));

	re_snprintf(status, sizeof(status), "%u", scode);
	memset(&info, 0, sizeof(info));
	info.initiated_ms = util_now_ms();
	info.disconnected_ms = info.initiated_ms;
	info.disconnect_reason = "TELECOM_PROBLEM";
	info.sip_status = status;
	info.failure = why;
	(void)records_write(cc->records, cd, &info);
	mem_deref(cd);
}

void inbound_refused_h(const struct sip_msg *msg, const char *number,
		       uint16_t scode, const char *why, void *arg)
{
	struct ccenter *cc = arg;

	++cc->stats.calls_total;
	++cc->stats.calls_rejected;
	rejected_record(cc, msg, number, scode, why);
}

static void refuse(struct ccenter *cc, const struct sip_msg *msg,
		   const char *number, uint16_t scode, const char *reason,
		   const char *hdrs, const char *why)
{
	++cc->stats.calls_rejected;
	sipserver_refuse(cc->sip, msg, scode, reason, hdrs, why);
	rejected_record(cc, msg, number, scode, why);
}

/* -- the customer's leg -- */

static void copy_headers(struct cdata *cd, const struct sip_msg *msg)
{
	struct le *le;

	for (le = list_head(&msg->hdrl); le; le = le->next) {
		const struct sip_hdr *h = le->data;

		/* first occurrence wins, like Connect's single value */
		if (strmap_getn(cd->sip_headers, h->name.p, h->name.l, NULL))
			continue;
		(void)strmap_setn(cd->sip_headers, h->name.p, h->name.l,
				  h->val.p, h->val.l);
	}
}

/* Caller: P-Asserted-Identity if present, else From; E.164 if it is one
 * (under the trunk's national plan). */
static void caller_address(char *out, size_t sz, const struct sip_msg *msg,
			   const struct trunk *trunk)
{
	const struct sip_hdr *pai = sip_msg_hdr(msg,
						SIP_HDR_P_ASSERTED_IDENTITY);
	struct sip_addr addr;
	char user[128] = "";

	if (pai && !sip_addr_decode(&addr, &pai->val) &&
	    pl_isset(&addr.uri.user))
		pl_strcpy(&addr.uri.user, user, sizeof(user));
	else if (pai && !sip_addr_decode(&addr, &pai->val) &&
		 !pl_strcasecmp(&addr.uri.scheme, "tel"))
		pl_strcpy(&addr.uri.host, user, sizeof(user));
	if (!user[0] && pl_isset(&msg->from.uri.user))
		pl_strcpy(&msg->from.uri.user, user, sizeof(user));

	if (trunk_e164(out, sz, trunk, user))
		str_ncpy(out, user, sz);
}

static void close_h(struct leg *leg, enum leg_end why, int err,
		    uint16_t scode, void *arg)
{
	struct party *p = arg;
	struct contact *c = p->c;

	(void)leg;
	(void)scode;
	switch (why) {

	case LEG_END_HANGUP:
		log_info("contact %s: caller hung up", c->cd->contact_id);
		contact_end(c, "CUSTOMER_DISCONNECT");
		break;

	case LEG_END_NO_MEDIA:
		log_warn("contact %s: no RTP from the caller, ending the call",
			 c->cd->contact_id);
		contact_end(c, "TELECOM_PROBLEM");
		break;

	default:
		log_info("contact %s: the caller's session failed: %m",
			 c->cd->contact_id, err);
		contact_end(c, "TELECOM_PROBLEM");
		break;
	}
}

static const char *accept_failure(int err, uint16_t scode)
{
	if (scode == 503)
		return "no RTP port";
	if (err == ENOTSUP)
		return "no common codec or SRTP policy not met";
	if (err == EBADMSG)
		return "unusable SDP offer";
	return "SIP accept failed";
}

static int accept_call(struct ccenter *cc, const struct sip_msg *msg,
		       const struct trunk *trunk, const char *number,
		       struct flow *flow, uint16_t *scodep)
{
	struct leg_handlers h;
	struct contact *c;
	char id[40], name[80];
	int err;

	err = contact_alloc(&c, cc);
	if (err)
		return err;
	c->flow = mem_ref(flow);
	err = util_uuid4(id);
	if (!err)
		err = cdata_alloc(&c->cd, id);
	if (err) {
		mem_deref(c);
		return err;
	}
	str_ncpy(c->cd->system_addr, number, sizeof(c->cd->system_addr));
	caller_address(c->cd->customer_addr, sizeof(c->cd->customer_addr),
		       msg, trunk);
	copy_headers(c->cd, msg);
	if (c->cfg->default_voice)
		(void)cdata_set_str(&c->cd->tts_voice, c->cfg->default_voice);
	if (c->cfg->default_language)
		(void)cdata_set_str(&c->cd->language,
				    c->cfg->default_language);
	fop_env_init(&c->cust);

	memset(&h, 0, sizeof(h));
	h.closeh = close_h;
	h.dtmfh = party_dtmf_h;
	h.arg = &c->cust;
	re_snprintf(name, sizeof(name), "contact %s caller", id);
	err = leg_accept(&c->cust.leg, cc->calls, msg, &trunk->media, &h,
			 name, scodep);
	if (err) {
		/* refused: the record says why */
		c->info.failure = accept_failure(err, *scodep);
		re_snprintf(c->sip_status, sizeof(c->sip_status), "%u",
			    *scodep);
		c->info.sip_status = c->sip_status;
		contact_end(c, "TELECOM_PROBLEM");
		return err;
	}
	leg_set_tap(c->cust.leg, contact_tap_h, c);

	c->info.connected_ms = util_now_ms();
	contact_list(c);
	(void)contact_set_state(c, CONTACT_FLOW);
	announce_contact(cc->announce, "initiated", c->cd, NULL, NULL);
	log_info("contact %s: %s -> %s (trunk %s), flow '%s'",
		 c->cd->contact_id, c->cd->customer_addr, number, trunk->name,
		 flow->name);
	if (cc->journal &&
	    journal_start(cc->journal, c->cd, &c->info, flow->name))
		log_warn("contact %s: not journaled (no record if callflowd "
			 "dies)", c->cd->contact_id);

	err = contact_run_flow(c, flow);
	if (err) {
		log_error("contact %s: flow '%s' did not start: %m",
			  c->cd->contact_id, flow->name, err);
		contact_end(c, "OTHER");
	}
	return 0;	/* answered; the record says what happened */
}

void inbound_invite_h(const struct sip_msg *msg, const struct trunk *trunk,
		      const char *number, void *arg)
{
	struct ccenter *cc = arg;
	const struct config *cfg = cc->cfg;
	const char *flow_ref;
	struct flow *flow;
	uint16_t scode = 0;
	int err;

	++cc->stats.calls_total;
	if (cc->draining) {
		refuse(cc, msg, number, 503, "Service Unavailable",
		       "Retry-After: 30\r\n", "shutting down");
		return;
	}
	if (cfg->limits.max_concurrent_calls &&
	    cc->ncontacts >= cfg->limits.max_concurrent_calls) {
		refuse(cc, msg, number, 503, "Service Unavailable",
		       "Retry-After: 5\r\n", "max_concurrent_calls reached");
		return;
	}
	if (!number[0]) {
		refuse(cc, msg, NULL, 404, "Not Found", NULL,
		       "no dialled number in the Request-URI or To");
		return;
	}
	flow_ref = config_number_flow(cfg, number);
	if (!flow_ref) {
		refuse(cc, msg, number, 404, "Not Found", NULL,
		       "number not configured");
		return;
	}
	flow = flowset_find(cc->flows, flow_ref);
	if (!flow) {
		log_error("sip: number %s maps to flow '%s', which is not "
			  "loaded", number, flow_ref);
		refuse(cc, msg, number, 500, "Server Internal Error", NULL,
		       "flow not loaded");
		return;
	}
	if (flow->type == FLOW_MODULE) {
		/* a module runs only inside the flow that invokes it */
		log_error("sip: number %s maps to '%s', a flow module, which "
			  "cannot answer a call", number, flow_ref);
		refuse(cc, msg, number, 500, "Server Internal Error", NULL,
		       "number maps to a flow module");
		return;
	}

	err = accept_call(cc, msg, trunk, number, flow, &scode);
	if (err) {
		++cc->stats.calls_failed;
		if (!scode)
			scode = 500;
		/* its record was written with the contact */
		sipserver_refuse(cc->sip, msg, scode, scode == 400 ?
				 "Bad Request" : scode == 488 ?
				 "Not Acceptable Here" : scode == 503 ?
				 "Service Unavailable" :
				 "Server Internal Error", NULL, "not answered");
		return;
	}
	++cc->stats.calls_answered;
}
