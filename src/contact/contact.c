/**
 * @file contact.c  A live voice contact: SIP session, media, flow runs,
 * record. The flow ports it offers are in contact_ops.c.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/daemon/app.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/contact/contact.h>
#include <callflowd/contact/announce.h>
#include <callflowd/store/flowlog.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/flow/interp.h>
#include <callflowd/store/journal.h>
#include <callflowd/core/log.h>
#include <callflowd/daemon/media.h>
#include <callflowd/media/mstream.h>
#include <callflowd/store/records.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/util.h>
#include "contact_priv.h"
#include "contact_record.h"

static const char *state_names[] = {
	"New", "InFlow", "Queued", "Ending", "Ended", "Connected"
};

const char *contact_state_name(enum contact_state st)
{
	if ((size_t)st >= sizeof(state_names) / sizeof(state_names[0]))
		return "?";
	return state_names[st];
}

static void write_record(struct contact *c)
{
	struct crecord_info info = c->info;

	if (c->recorded || !c->app->records)
		return;
	c->recorded = true;

	if (!info.disconnected_ms)
		info.disconnected_ms = util_now_ms();
	if (!info.disconnect_reason)
		info.disconnect_reason = c->reason[0] ? c->reason : "OTHER";
	if (info.queue_name && !info.dequeued_ms)
		info.dequeued_ms = info.disconnected_ms;	/* abandoned */
	info.flow_name = c->flow ? c->flow->name : NULL;

	if (acw_write_record(c->app, c, &info))
		log_error("contact %s: record not written", c->cd->contact_id);
}

static void destructor(void *arg)
{
	struct contact *c = arg;

	tmr_cancel(&c->free_tmr);
	tmr_cancel(&c->queue_tmr);
	c->cb = mem_deref(c->cb);
	leg_media_stop(&c->cust);
	contact_record_end(c);
	write_record(c);
	c->rec = mem_deref(c->rec);
	list_unlink(&c->le);
	if (c->app && c->listed)
		--c->app->ncontacts;
	/* the agent's leg and the router entry go first: they look at us */
	tmr_cancel(&c->agent_tmr);
	c->entry = mem_deref(c->entry);
	c->agent = mem_deref(c->agent);
	c->agent_old = mem_deref(c->agent_old);
	leg_reset(&c->cust);
	mem_deref(c->flow);
	mem_deref(c->flows);
	mem_deref(c->cfg);
	mem_deref(c->cd);
}

static void free_tmr(void *arg)
{
	mem_deref(arg);
}

void contact_end(struct contact *c, const char *reason)
{
	if (!c || c->state == CONTACT_ENDED)
		return;

	if (!c->reason[0] && reason)
		str_ncpy(c->reason, reason, sizeof(c->reason));
	c->state = CONTACT_ENDED;
	c->info.disconnected_ms = util_now_ms();

	leg_media_stop(&c->cust);
	if (c->cust.run)
		frun_cancel(c->cust.run);
	contact_agent_end(c);
	contact_record_end(c);
	write_record(c);
	announce_contact(c->app->announce, "ended", c->cd, c->info.queue_name, c->reason[0] ?
		       c->reason : "OTHER");
	log_info("contact %s: ended (%s) after %llu ms", c->cd->contact_id,
		 c->reason[0] ? c->reason : "OTHER", (unsigned long long)
		 (c->info.disconnected_ms - c->info.initiated_ms));

	/* leave the live list now; free from the loop, outside callbacks */
	list_unlink(&c->le);
	if (c->listed) {
		--c->app->ncontacts;
		c->listed = false;
	}
	if (c->cust.ms)
		mstream_stop(c->cust.ms);
	/* out of the live list: its packets move to the totals now */
	leg_count_rtp(&c->cust);
	/* dereferencing the session sends BYE (or a final response) */
	c->cust.sess = mem_deref(c->cust.sess);
	tmr_start(&c->free_tmr, 0, free_tmr, c);
}

int contact_alloc_bare(struct contact **cp, struct app *app)
{
	struct contact *c;

	if (!cp || !app)
		return EINVAL;
	c = mem_zalloc(sizeof(*c), destructor);
	if (!c)
		return ENOMEM;
	c->app = app;
	c->cfg = mem_ref(app->cfg);
	c->flows = mem_ref(app->flows);
	c->state = CONTACT_NEW;
	c->info.initiated_ms = util_now_ms();
	leg_init(&c->cust, c, "customer");
	tmr_init(&c->free_tmr);
	tmr_init(&c->queue_tmr);
	tmr_init(&c->agent_tmr);
	*cp = c;
	return 0;
}

void contact_hangup(struct contact *c, const char *disconnect_reason)
{
	contact_end(c, disconnect_reason ? disconnect_reason : "OTHER");
}

struct contact *contact_from_le(struct le *le)
{
	return le ? le->data : NULL;
}

const struct cdata *contact_cdata(const struct contact *c)
{
	return c ? c->cd : NULL;
}

enum contact_state contact_state(const struct contact *c)
{
	return c ? c->state : CONTACT_ENDED;
}

const char *contact_flow_name(const struct contact *c)
{
	const struct flow *f = c && c->cust.run ? frun_flow(c->cust.run) : NULL;

	return f ? f->name : NULL;
}

const char *contact_action_id(const struct contact *c)
{
	const struct flow_action *a = c && c->cust.run && !frun_ended(c->cust.run) ?
		frun_action(c->cust.run) : NULL;

	return a ? a->id : NULL;
}

uint64_t contact_started_ms(const struct contact *c)
{
	return c ? c->info.initiated_ms : 0;
}

const struct mstream *contact_mstream(const struct contact *c)
{
	return c ? c->cust.ms : NULL;
}

/* -- SIP session events -- */

/* The body as Content-Length frames it: over UDP libre hands on the whole
 * datagram, and octets past Content-Length are to be ignored (RFC 3261
 * 18.3), not parsed as part of the SDP. */
static int msg_body(struct mbuf **mbp, const struct sip_msg *msg)
{
	size_t len = mbuf_get_left(msg->mb);
	struct mbuf *mb;
	int err;

	if (pl_isset(&msg->clen) && pl_u32(&msg->clen) < len)
		len = pl_u32(&msg->clen);

	mb = mbuf_alloc(len ? len : 1);
	if (!mb)
		return ENOMEM;
	err = mbuf_write_mem(mb, mbuf_buf(msg->mb), len);
	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->pos = 0;
	*mbp = mb;
	return 0;
}

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			 void *arg)
{
	struct contact *c = arg;
	const struct sdpneg_result *r;
	struct mbuf *offer = NULL;
	int err;

	/* re-INVITE: hold, resume, codec change, session refresh */
	err = msg_body(&offer, msg);
	if (!err)
		err = sdpneg_answer(c->cust.neg, descp, offer);
	mem_deref(offer);
	if (err) {
		log_warn("contact %s: re-INVITE refused: %m",
			 c->cd->contact_id, err);
		return err;
	}
	r = sdpneg_result(c->cust.neg);
	mstream_set_dir(c->cust.ms, r->dir);
	if (r->codec != c->cust.codec || !sa_cmp(&r->raddr, &c->cust.raddr, SA_ALL)) {
		mstream_stop(c->cust.ms);
		err = mstream_start(c->cust.ms, r->codec, r->te_pt, &r->raddr,
				    &r->raddr_rtcp);
		c->cust.codec = r->codec;
		c->cust.raddr = r->raddr;
	}
	return err;
}

static int answer_handler(const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return 0;
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct contact *c = arg;

	(void)msg;
	log_debug("contact %s: established", c->cd->contact_id);
}

/* DTMF over SIP INFO: application/dtmf-relay ("Signal=5") or
 * application/dtmf ("5"). */
static void info_handler(struct sip *sip, const struct sip_msg *msg,
			 void *arg)
{
	struct contact *c = arg;
	struct pl sig;
	char key = 0;

	/* msg_ctype_cmp() is true when the type matches */
	if (msg_ctype_cmp(&msg->ctyp, "application", "dtmf-relay")) {
		/* every [..] of the pattern is a capture: skip the blanks */
		if (!re_regex((const char *)mbuf_buf(msg->mb),
			      mbuf_get_left(msg->mb),
			      "Signal[ \t]*=[ \t]*[0-9*#A-Da-d]1", NULL, NULL,
			      &sig))
			key = sig.p[0];
	}
	else if (msg_ctype_cmp(&msg->ctyp, "application", "dtmf")) {
		if (!re_regex((const char *)mbuf_buf(msg->mb),
			      mbuf_get_left(msg->mb), "[0-9*#A-Da-d]1", &sig))
			key = sig.p[0];
	}
	else {
		(void)sip_reply(sip, msg, 415, "Unsupported Media Type");
		return;
	}

	(void)sip_reply(sip, msg, 200, "OK");
	if (key) {
		if (key >= 'a' && key <= 'd')
			key = (char)(key - 'a' + 'A');
		leg_dtmf(&c->cust, key, "SIP INFO");
	}
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct contact *c = arg;
	const char *reason;

	if (err == ECONNRESET) {
		reason = "CUSTOMER_DISCONNECT";
		log_info("contact %s: caller hung up", c->cd->contact_id);
	}
	else {
		reason = "TELECOM_PROBLEM";
		log_info("contact %s: session closed: %m%s%u", c->cd->contact_id,
			 err, msg ? " status " : "", msg ? msg->scode : 0);
	}
	contact_end(c, reason);
}

static void rtp_timeout(void *arg)
{
	struct leg *l = arg;
	struct contact *c = l->c;

	log_warn("contact %s: no RTP received, ending the call",
		 c->cd->contact_id);
	contact_end(c, "TELECOM_PROBLEM");
}

/* -- flows -- */

static void start_queue_flow(void *arg);

static void run_end(struct frun *run, const struct fend *end, void *arg)
{
	struct contact *c = arg;

	(void)run;
	if (c->state == CONTACT_ENDED)
		return;
	journal_update(c->app->journal, c->cd->contact_id);

	switch (end->kind) {

	case FEND_QUEUE:
		if (c->state == CONTACT_CONNECTED)
			return;
		c->state = CONTACT_QUEUED;
		log_info("contact %s: queued in %s", c->cd->contact_id,
			 end->target ? end->target : "?");
		announce_contact(c->app->announce, "queued", c->cd, c->info.queue_name, NULL);
		tmr_start(&c->queue_tmr, 0, start_queue_flow, c);
		return;

	case FEND_END_FLOW:
		if (c->state == CONTACT_QUEUED) {
			/* a customer queue flow ended: still waiting */
			tmr_start(&c->queue_tmr, 1000, start_queue_flow, c);
			return;
		}
		contact_end(c, "CONTACT_FLOW_DISCONNECT");
		return;

	case FEND_ERROR:
		++c->app->stats.flow_errors;
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
		if (contact_transfer_run_end(c, end))	/* contact_transfer.c */
			return;
		/* fall through */
	default:
		log_warn("contact %s: flow ended with %s, which needs agents "
			 "and transfers (not available yet): hanging up",
			 c->cd->contact_id, fend_kind_name(end->kind));
		c->info.failure = "transfer not available";
		contact_end(c, "CONTACT_FLOW_DISCONNECT");
		return;
	}
}

static void run_step(struct frun *run, const struct fstep *st, void *arg)
{
	struct contact *c = arg;

	flowlog_step(c->app->flowlog, run, st);
}

static int run_flow(struct contact *c, struct flow *flow)
{
	int err;

	c->cust.run = mem_deref(c->cust.run);
	err = frun_alloc(&c->cust.run, flow, c->cd, &c->cust.env, run_end, c);
	if (err)
		return err;
	frun_set_step_handler(c->cust.run, run_step, c);
	return frun_start(c->cust.run, NULL);
}

/* The customer queue flow: the hook, the queue's default, or ours. */
static void start_queue_flow(void *arg)
{
	struct contact *c = arg;
	const struct cfg_queue *q = config_queue(c->cfg, c->cd->queue_name);
	const char *ref = c->cd->hooks[HOOK_CUSTOMER_QUEUE];
	struct flow *f = NULL;

	if (c->state != CONTACT_QUEUED)
		return;		/* an agent took it meanwhile */
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
	if (run_flow(c, f))
		contact_end(c, "OTHER");
}

/* For transfers (contact_transfer.c): a new segment's flow, its queue. */
int contact_run_flow(struct contact *c, struct flow *flow)
{
	return run_flow(c, flow);
}

void contact_queue_flow(struct contact *c)
{
	tmr_start(&c->queue_tmr, 0, start_queue_flow, c);
}

/* -- creation -- */

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

/* Caller: P-Asserted-Identity if present, else From; E.164 if it is one. */
static void caller_address(char *out, size_t sz, const struct sip_msg *msg)
{
	const struct sip_hdr *pai = sip_msg_hdr(msg, SIP_HDR_P_ASSERTED_IDENTITY);
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

	if (util_e164(out, sz, user))
		str_ncpy(out, user, sz);
}

static enum sdes_policy trunk_policy(const struct trunk *t)
{
	switch (t->srtp) {
	case SRTP_MANDATORY: return SDES_MANDATORY;
	case SRTP_OPTIONAL:  return SDES_OPTIONAL;
	default:             return SDES_OFF;
	}
}

int contact_inbound(struct contact **cp, struct app *app,
		    const struct sip_msg *msg, const struct trunk *trunk,
		    const char *number, struct flow *flow,
		    uint16_t *scodep, const char **reasonp)
{
	struct mstream_handlers mh;
	struct mstream_conf mconf;
	struct sdpneg_conf nconf;
	const struct sdpneg_result *r;
	struct mbuf *answer = NULL, *offer = NULL;
	struct contact *c;
	char id[40];
	int err;

	if (!cp || !app || !msg || !trunk || !number || !flow)
		return EINVAL;

	c = mem_zalloc(sizeof(*c), destructor);
	if (!c)
		return ENOMEM;

	c->app = app;
	c->cfg = mem_ref(app->cfg);
	c->flows = mem_ref(app->flows);
	c->flow = mem_ref(flow);
	c->state = CONTACT_NEW;
	c->info.initiated_ms = util_now_ms();
	leg_init(&c->cust, c, "customer");
	tmr_init(&c->free_tmr);
	tmr_init(&c->queue_tmr);
	tmr_init(&c->agent_tmr);

	err = util_uuid4(id);
	if (!err)
		err = cdata_alloc(&c->cd, id);
	if (err)
		goto out;
	str_ncpy(c->cd->system_addr, number, sizeof(c->cd->system_addr));
	caller_address(c->cd->customer_addr, sizeof(c->cd->customer_addr),
		       msg);
	copy_headers(c->cd, msg);
	if (c->cfg->default_voice)
		(void)cdata_set_str(&c->cd->tts_voice, c->cfg->default_voice);
	if (c->cfg->default_language)
		(void)cdata_set_str(&c->cd->language,
				    c->cfg->default_language);

	leg_env_init(&c->cust);

	/* media: bind, negotiate, start */
	memset(&mh, 0, sizeof(mh));
	mh.srch = leg_media_src;
	mh.sinkh = leg_media_sink;
	mh.dtmfh = leg_media_dtmf;
	mh.timeouth = rtp_timeout;
	mh.arg = &c->cust;
	media_rtp_conf(&mconf, c->cfg);
	err = mstream_alloc(&c->cust.ms, media_clock(), &mconf, &mh);
	if (err) {
		c->info.failure = "no RTP port";
		*scodep = 503;
		*reasonp = "Service Unavailable";
		goto out;
	}

	memset(&nconf, 0, sizeof(nconf));
	if (trunk->pcmu)
		nconf.codecv[nconf.codecc++] = MSTREAM_PCMU;
	if (trunk->pcma)
		nconf.codecv[nconf.codecc++] = MSTREAM_PCMA;
	nconf.te = true;
	nconf.srtp = trunk_policy(trunk);
	nconf.ptime = 20;
	err = sdpneg_alloc(&c->cust.neg, &nconf, mstream_laddr(c->cust.ms));
	if (err)
		goto out;

	err = msg_body(&offer, msg);
	if (err)
		goto out;
	if (!mbuf_get_left(offer)) {
		/* no offer: a late-offer INVITE (not supported yet) */
		c->info.failure = "INVITE without SDP offer";
		*scodep = 488;
		*reasonp = "Not Acceptable Here";
		err = EPROTO;
		goto out;
	}
	err = sdpneg_answer(c->cust.neg, &answer, offer);
	if (err) {
		*scodep = sdpneg_scode(err);
		*reasonp = *scodep == 400 ? "Bad Request" :
			   *scodep == 488 ? "Not Acceptable Here" :
			   "Server Internal Error";
		c->info.failure = err == ENOTSUP ?
			"no common codec or SRTP policy not met" :
			"unusable SDP offer";
		goto out;
	}
	r = sdpneg_result(c->cust.neg);
	c->cust.codec = r->codec;
	c->cust.raddr = r->raddr;
	if (r->srtp) {
		err = mstream_set_srtp(c->cust.ms, &r->tx, &r->rx);
		if (err)
			goto out;
	}
	mstream_set_dir(c->cust.ms, r->dir);
	err = mstream_start(c->cust.ms, r->codec, r->te_pt, &r->raddr,
			    &r->raddr_rtcp);
	if (err)
		goto out;

	err = sipsess_accept(&c->cust.sess, sipserver_sock(app->sip), msg, 200,
			     "OK", "callflowd", "application/sdp", answer,
			     NULL, NULL, false, offer_handler, answer_handler,
			     estab_handler, info_handler, NULL, close_handler,
			     c, "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, "
			     "INFO\r\n");
	if (err) {
		c->info.failure = "SIP accept failed";
		goto out;
	}

	c->info.connected_ms = util_now_ms();
	list_append(&app->contacts, &c->le, c);
	c->listed = true;
	++app->ncontacts;
	c->state = CONTACT_IN_FLOW;
	announce_contact(c->app->announce, "initiated", c->cd, NULL, NULL);

	log_info("contact %s: %s -> %s (trunk %s), flow '%s'",
		 c->cd->contact_id, c->cd->customer_addr, number, trunk->name,
		 flow->name);
	if (app->journal &&
	    journal_start(app->journal, c->cd, &c->info, flow->name))
		log_warn("contact %s: not journaled (no record if callflowd "
			 "dies)", c->cd->contact_id);

	err = run_flow(c, flow);
	if (err) {
		log_error("contact %s: flow '%s' did not start: %m",
			  c->cd->contact_id, flow->name, err);
		contact_end(c, "OTHER");
		err = 0;	/* answered; the record says what happened */
	}

 out:
	mem_deref(answer);
	mem_deref(offer);
	if (err) {
		str_ncpy(c->reason, "TELECOM_PROBLEM", sizeof(c->reason));
		if (*scodep) {
			re_snprintf(c->sip_status, sizeof(c->sip_status),
				    "%u", *scodep);
			c->info.sip_status = c->sip_status;
		}
		c->info.disconnected_ms = util_now_ms();
		mem_deref(c);	/* writes the failed contact's record */
		return err;
	}

	*cp = c;
	return 0;
}
