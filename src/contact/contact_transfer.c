/**
 * @file contact_transfer.c  Transfers of a live contact: dialling a third
 * party (TransferParticipantToThirdParty, an agent's REFER to a number,
 * the API) through the outbound trunk, and blind transfers to a queue or
 * an agent, which close the contact's segment and open the next one
 * (PreviousContactId/InitialContactId, InitiationMethod TRANSFER).
 *
 * The third party's leg sits in the contact's agent slot (c->agent): the
 * contact ending hangs it up like an agent's leg. Every number dialled is
 * checked against outbound.allowed_patterns first (toll-fraud guard).
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/routing/agent.h>
#include <callflowd/daemon/app.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/contact/announce.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/store/journal.h>
#include <callflowd/core/log.h>
#include <callflowd/daemon/media.h>
#include <callflowd/sip/outbound.h>
#include <callflowd/routing/queue.h>
#include <callflowd/store/records.h>
#include <callflowd/routing/router.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/core/util.h>
#include "contact_priv.h"

enum {
	E164_SZ = 24,
	DTMF_FIRST_MS = 300,	/* after answer, before the first key */
	DTMF_KEY_MS = 250,	/* one key (100 ms) and its gap */
	DTMF_PAUSE_MS = 750,	/* a ',' */
	TIMEOUT_DEF_S = 30,
};

static const char third_party[] = "third party";

/* The third party's leg; l first, so c->agent may point at it. */
struct xleg {
	struct leg l;
	struct frun *run;	/* the flow waiting for the outcome, or NULL */
	bool continue_flow;
	bool answered;
	char number[E164_SZ];
	char *dtmf;
	size_t dtmf_pos;
	struct tmr tmr;		/* connection time limit, then DTMF pacing */
};

static void xleg_destructor(void *arg)
{
	struct xleg *x = arg;

	tmr_cancel(&x->tmr);
	leg_reset(&x->l);
	mem_deref(x->run);
	mem_deref(x->dtmf);
}

static struct xleg *xleg_of(const struct contact *c)
{
	return c->agent && c->agent->who == third_party ?
		(struct xleg *)(void *)c->agent : NULL;
}

/* Still the contact's live third party (not released meanwhile). */
static bool live(const struct xleg *x)
{
	return x->l.c->agent == &x->l && x->l.c->state != CONTACT_ENDED;
}

static void free_old(void *arg)
{
	struct contact *c = arg;

	c->agent_old = mem_deref(c->agent_old);
}

/* Let the third party go (BYE or CANCEL); freed from the loop. */
static void detach(struct xleg *x)
{
	struct contact *c = x->l.c;

	if (c->agent != &x->l)
		return;
	c->agent = NULL;
	tmr_cancel(&x->tmr);
	leg_unbridge(&x->l);
	leg_media_stop(&x->l);
	if (x->l.ms)
		mstream_stop(x->l.ms);
	x->l.sess = mem_deref(x->l.sess);
	mem_deref(c->agent_old);
	c->agent_old = &x->l;
	tmr_start(&c->agent_tmr, 0, free_old, c);
}

/* The third party was not reached: the flow's error branch, or (no flow
 * waiting) the end of the contact. */
static void not_reached(struct xleg *x, const char *error)
{
	struct contact *c = x->l.c;
	struct frun *run = mem_ref(x->run);

	detach(x);
	if (run && !frun_ended(run)) {
		frun_done_error(run, error);
	}
	else {
		c->info.failure = "third-party transfer failed";
		contact_end(c, "OTHER");
	}
	mem_deref(run);
}

static void conn_timeout(void *arg)
{
	struct xleg *x = arg;

	if (!live(x))
		return;
	log_info("contact %s: %s did not answer within the time limit",
		 x->l.c->cd->contact_id, x->number);
	not_reached(x, "ConnectionTimeLimitExceeded");
}

static void dtmf_next(void *arg)
{
	struct xleg *x = arg;
	char key[2] = {0, 0};
	int err;

	if (!live(x) || !x->dtmf || !x->dtmf[x->dtmf_pos])
		return;
	key[0] = x->dtmf[x->dtmf_pos++];
	if (key[0] == ',') {
		tmr_start(&x->tmr, DTMF_PAUSE_MS, dtmf_next, x);
		return;
	}
	err = mstream_send_dtmf(x->l.ms, key, 0);
	if (err)
		log_warn("contact %s: cannot send DTMF to %s: %m",
			 x->l.c->cd->contact_id, x->number, err);
	tmr_start(&x->tmr, DTMF_KEY_MS, dtmf_next, x);
}

static int answer_handler(const struct sip_msg *msg, void *arg)
{
	struct xleg *x = arg;

	return leg_media_answer(&x->l, msg);
}

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			 void *arg)
{
	struct xleg *x = arg;

	return leg_media_reoffer(&x->l, descp, msg);
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct xleg *x = arg;
	struct contact *c = x->l.c;
	struct frun *run;

	(void)msg;
	if (!live(x) || x->answered)
		return;
	x->answered = true;
	tmr_cancel(&x->tmr);
	log_info("contact %s: %s answered", c->cd->contact_id, x->number);

	str_ncpy(c->info.transferred_to, x->number,
		 sizeof(c->info.transferred_to));
	c->info.transfer_completed_ms = util_now_ms();
	if (leg_bridge(&c->cust, &x->l)) {
		not_reached(x, "CallFailed");
		return;
	}
	if (x->dtmf && x->dtmf[0])
		tmr_start(&x->tmr, DTMF_FIRST_MS, dtmf_next, x);

	/* not continuing: the flow is done with the contact at answer */
	run = x->run;
	if (run && !x->continue_flow) {
		x->run = NULL;
		frun_done(run, 0);
		mem_deref(run);
	}
}

static void info_handler(struct sip *sip, const struct sip_msg *msg,
			 void *arg)
{
	(void)arg;
	(void)sip_reply(sip, msg, 200, "OK");
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct xleg *x = arg;
	struct contact *c = x->l.c;
	struct frun *run;

	if (!live(x))
		return;
	if (!x->answered) {
		log_info("contact %s: call to %s failed (%m%s%u)",
			 c->cd->contact_id, x->number, err,
			 msg ? ", status " : "", msg ? msg->scode : 0);
		not_reached(x, "CallFailed");
		return;
	}

	log_info("contact %s: %s hung up", c->cd->contact_id, x->number);
	run = mem_ref(x->run);
	detach(x);
	if (run && !frun_ended(run))
		frun_done(run, 0);	/* ContinueFlowExecution: resume */
	else
		contact_end(c, "THIRD_PARTY_DISCONNECT");
	mem_deref(run);
}

static void rtp_timeout(void *arg)
{
	struct xleg *x = arg;
	struct contact *c = x->l.c;

	if (!live(x))
		return;
	log_warn("contact %s: no RTP from %s, ending the call",
		 c->cd->contact_id, x->number);
	detach(x);
	contact_end(c, "TELECOM_PROBLEM");
}

static int from_uri(char **urip, const struct contact *c, const char *user)
{
	struct sa laddr;

	if (sip_transp_laddr(sipserver_sip(c->app->sip), &laddr,
			     SIP_TRANSP_UDP, NULL))
		sa_set_str(&laddr, "127.0.0.1", 5060);
	return re_sdprintf(urip, "sip:%s@%J", user, &laddr);
}

/* Is number (any form) one we may dial? E.164 into out; EINVAL when not
 * a number, EPERM when outbound dialling is off or it is not allowed. */
static int number_check(struct outbound **obp, char *out, size_t sz,
			const struct contact *c, const char *number)
{
	char errbuf[160] = "";
	int err;

	if (!number || util_e164(out, sz, number) || !util_is_e164(out))
		return EINVAL;

	err = outbound_alloc(obp, c->cfg, errbuf, sizeof(errbuf));
	if (err == ENOENT) {
		log_warn("contact %s: dialling %s refused: no \"outbound\" "
			 "section", c->cd->contact_id, out);
		return EPERM;
	}
	if (err) {
		log_warn("contact %s: dialling %s refused: %s",
			 c->cd->contact_id, out, errbuf);
		return EPERM;
	}
	if (!outbound_allowed(*obp, out)) {
		log_warn("contact %s: dialling %s refused: no "
			 "outbound.allowed_patterns entry matches (toll-fraud "
			 "guard)", c->cd->contact_id, out);
		*obp = mem_deref(*obp);
		return EPERM;
	}
	return 0;
}

/* Ring the third party at number (allowed already) through the trunk. */
static int dial(struct xleg **xp, struct contact *c,
		const struct outbound *ob, const char *number,
		const char *cid_num, const char *cid_name, uint32_t timeout_s)
{
	struct mbuf *offer = NULL;
	char *uri = NULL, *from = NULL;
	struct xleg *x;
	int err;

	if (c->agent)
		return EBUSY;

	x = mem_zalloc(sizeof(*x), xleg_destructor);
	if (!x)
		return ENOMEM;
	leg_init(&x->l, c, third_party);
	leg_env_init(&x->l);
	tmr_init(&x->tmr);
	str_ncpy(x->number, number, sizeof(x->number));

	err = leg_media_offer(&x->l, rtp_timeout, &offer);
	if (!err)
		err = outbound_uri(&uri, ob, number);
	if (!err)
		err = from_uri(&from, c, cid_num ? cid_num :
			       c->cd->customer_addr[0] ?
			       c->cd->customer_addr : "callflowd");
	if (err)
		goto out;

	err = sipsess_connect(&x->l.sess, sipserver_sock(c->app->sip), uri,
			      cid_name, from, "callflowd", NULL, 0,
			      "application/sdp", offer, NULL, NULL, false,
			      offer_handler, answer_handler, NULL,
			      estab_handler, info_handler, NULL,
			      close_handler, x,
			      "X-Callflowd-Contact-Id: %s\r\n",
			      c->cd->contact_id);
	if (err) {
		log_warn("contact %s: cannot call %s: %m", c->cd->contact_id,
			 uri, err);
		goto out;
	}

	c->agent = &x->l;
	tmr_start(&x->tmr, (uint64_t)(timeout_s ? timeout_s :
				      TIMEOUT_DEF_S) * 1000,
		  conn_timeout, x);
	log_info("contact %s: calling %s (%s) as %s", c->cd->contact_id,
		 number, uri, cid_num ? cid_num : "-");
	*xp = x;

 out:
	mem_deref(offer);
	mem_deref(uri);
	mem_deref(from);
	if (err)
		mem_deref(x);
	return err;
}

/* -- the flow ports -- */

int leg_transfer_phone(struct frun *run, const struct ftransfer *t,
		       void *arg)
{
	struct leg *l = arg;
	struct contact *c = l->c;
	struct outbound *ob = NULL;
	char number[E164_SZ];
	const char *cid;
	struct xleg *x = NULL;
	int err;

	if (l != &c->cust || c->agent) {
		frun_done_error(run, "CallFailed");
		return 0;
	}
	if (number_check(&ob, number, sizeof(number), c, t->number)) {
		frun_done_error(run, "CallFailed");
		return 0;
	}

	cid = t->caller_id_number ? t->caller_id_number :
		outbound_caller_id(ob);
	err = dial(&x, c, ob, number, cid, t->caller_id_name, t->timeout_s);
	mem_deref(ob);
	if (err) {
		frun_done_error(run, "CallFailed");
		return 0;
	}
	x->run = mem_ref(run);
	x->continue_flow = t->continue_flow;
	if (t->dtmf && str_dup(&x->dtmf, t->dtmf))
		log_warn("contact %s: DTMF digits dropped", c->cd->contact_id);
	return 0;	/* the outcome finishes the action */
}

/* Wait in q (a queue or an agent's queue) under this segment. */
static int enqueue(struct contact *c, struct rqueue *rq)
{
	int err;

	c->entry = mem_deref(c->entry);
	err = router_enqueue(&c->entry, c->app->router, rq,
			     c->cd->queue_priority, c->cd->queue_time_adjust_s,
			     contact_entry_event, c);
	if (err)
		return err;
	c->info.queue_name = rqueue_name(rq);
	c->info.enqueued_ms = util_now_ms();
	c->info.dequeued_ms = 0;
	return 0;
}

int leg_transfer_agent(struct frun *run, void *arg)
{
	struct leg *l = arg;
	struct contact *c = l->c;
	const struct cdata *cd = frun_cdata(run);
	const char *who = str_isset(cd->agent_target) ? cd->agent_target :
		cd->agent_username;
	struct ragent *a = c->app->router && who ?
		router_agent(c->app->router, who) : NULL;

	if (l != &c->cust || !a)
		return ENOENT;
	return enqueue(c, agent_queue(a));
}

bool contact_transfer_run_end(struct contact *c, const struct fend *end)
{
	switch (end->kind) {

	case FEND_TRANSFER_PHONE:
		if (!xleg_of(c)) {
			contact_end(c, "THIRD_PARTY_DISCONNECT");
			return true;
		}
		/* bridged to the third party until one of them hangs up */
		c->state = CONTACT_CONNECTED;
		log_info("contact %s: transferred to %s", c->cd->contact_id,
			 end->target ? end->target : "?");
		announce_contact(c->app->announce, "transferred", c->cd, NULL, NULL);
		return true;

	case FEND_TRANSFER_AGENT:
		if (!c->entry)
			return false;
		c->state = CONTACT_QUEUED;
		log_info("contact %s: queued for agent %s", c->cd->contact_id,
			 end->target ? end->target : "?");
		contact_queue_flow(c);
		return true;

	default:
		return false;
	}
}

/* -- blind transfers: a new segment -- */

/* Close this segment's record and carry on as the next segment. */
int contact_next_segment(struct contact *c, enum initiation_method m,
			 const char *reason)
{
	struct crecord_info info;
	struct cdata *nd = NULL;
	char id[40];
	uint64_t now = util_now_ms();
	int err;

	err = util_uuid4(id);
	if (!err)
		err = cdata_next_segment(&nd, c->cd, id, m);
	if (err)
		return err;

	info = c->info;
	str_ncpy(info.next_contact_id, id, sizeof(info.next_contact_id));
	info.transfer_completed_ms = now;
	info.disconnected_ms = now;
	info.disconnect_reason = reason;
	if (info.queue_name && !info.dequeued_ms)
		info.dequeued_ms = now;
	info.flow_name = c->flow ? c->flow->name : NULL;
	if (acw_write_record(c->app, c, &info))
		log_error("contact %s: record not written", c->cd->contact_id);
	log_info("contact %s: transferred, next segment %s",
		 c->cd->contact_id, id);
	announce_contact(c->app->announce, "transferred", c->cd, info.queue_name, reason);

	mem_deref(c->cd);
	c->cd = nd;
	memset(&c->info, 0, sizeof(c->info));
	c->info.initiated_ms = now;
	c->info.connected_ms = now;
	c->reason[0] = '\0';
	c->recorded = false;
	if (m != INIT_QUEUE_TRANSFER)	/* a queue transfer keeps its flow */
		c->flow = mem_deref(c->flow);
	if (c->app->journal &&
	    journal_start(c->app->journal, c->cd, &c->info, ""))
		log_warn("contact %s: not journaled", c->cd->contact_id);
	return 0;
}

/* The flows run on a transfer, by Connect's default names. */
static struct flow *transfer_flow(const struct contact *c,
				  enum contact_xfer_kind kind)
{
	return flowset_find(c->flows, kind == CONTACT_XFER_QUEUE ?
			    "Default queue transfer" :
			    "Default agent transfer");
}

/* Stop what the customer hears and the agent's part in the contact. */
static void leave_current(struct contact *c)
{
	leg_media_stop(&c->cust);
	if (c->cust.run)
		frun_cancel(c->cust.run);
	tmr_cancel(&c->queue_tmr);
	/* the agent goes to after-contact work; their phone gets a BYE */
	contact_agent_end(c);
}

static int xfer_fail(char *errbuf, size_t sz, int err, const char *fmt,
		     const char *arg)
{
	if (errbuf && sz)
		(void)re_snprintf(errbuf, sz, fmt, arg);
	return err;
}

int contact_transfer(struct contact *c, enum contact_xfer_kind kind,
		     const char *target, char *errbuf, size_t errsz)
{
	struct router *r;
	struct rqueue *rq = NULL;
	struct ragent *a = NULL;
	const struct cfg_queue *q;
	const char *reason;
	struct flow *f;
	int err;

	if (!c || !target || !target[0])
		return xfer_fail(errbuf, errsz, EINVAL, "no target%s", "");
	if (c->state == CONTACT_ENDED || c->state == CONTACT_ENDING ||
	    c->state == CONTACT_NEW)
		return xfer_fail(errbuf, errsz, EBUSY, "the contact is %s",
				 contact_state_name(c->state));
	if (xleg_of(c))
		return xfer_fail(errbuf, errsz, EBUSY, "a transfer to a "
				 "phone number is in progress%s", "");
	if (c->agent && c->state != CONTACT_CONNECTED)
		return xfer_fail(errbuf, errsz, EBUSY, "an agent's phone is "
				 "ringing for the contact%s", "");
	reason = c->state == CONTACT_CONNECTED ? "AGENT_DISCONNECT" : "API";

	if (kind == CONTACT_XFER_NUMBER) {
		struct outbound *ob = NULL;
		char number[E164_SZ];
		struct xleg *x = NULL;

		err = number_check(&ob, number, sizeof(number), c, target);
		if (err == EINVAL)
			return xfer_fail(errbuf, errsz, err, "'%s' is not a "
					 "phone number", target);
		if (err)
			return xfer_fail(errbuf, errsz, err, "dialling %s is "
					 "not allowed", number);
		leave_current(c);
		err = dial(&x, c, ob, number, outbound_caller_id(ob), NULL,
			   TIMEOUT_DEF_S);
		mem_deref(ob);
		if (err) {
			c->info.failure = "third-party transfer failed";
			contact_end(c, "OTHER");
			return xfer_fail(errbuf, errsz, err, "cannot call "
					 "%s", number);
		}
		c->state = CONTACT_CONNECTED;
		return 0;
	}

	r = c->app->router;
	if (kind == CONTACT_XFER_QUEUE) {
		rq = r ? router_queue(r, target) : NULL;
		if (!rq)
			return xfer_fail(errbuf, errsz, ENOENT, "no queue "
					 "'%s'", target);
		q = config_queue(c->cfg, rqueue_name(rq));
		if (q && q->max_contacts &&
		    rqueue_waiting(rq) >= q->max_contacts)
			return xfer_fail(errbuf, errsz, EOVERFLOW, "queue '%s' "
					 "is at capacity", rqueue_name(rq));
	}
	else {
		a = r ? router_agent(r, target) : NULL;
		if (!a)
			return xfer_fail(errbuf, errsz, ENOENT, "no agent "
					 "'%s'", target);
		if (c->entry && rentry_agent(c->entry) == a)
			return xfer_fail(errbuf, errsz, EBUSY, "agent '%s' "
					 "already has the contact",
					 agent_username(a));
		rq = agent_queue(a);
	}

	if (c->cd->segment >= CDATA_MAX_SEGMENTS)
		return xfer_fail(errbuf, errsz, EOVERFLOW, "the contact has "
				 "%s segments already", "12");

	leave_current(c);
	err = contact_next_segment(c, INIT_TRANSFER, reason);
	if (err) {
		contact_end(c, "OTHER");
		return xfer_fail(errbuf, errsz, err, "no new segment%s", "");
	}

	/* the working queue of the new segment is the target */
	err = cdata_set_str(&c->cd->queue_name, a ? NULL : rqueue_name(rq));
	err |= cdata_set_str(&c->cd->agent_target, a ? agent_username(a) :
			     NULL);
	if (!err && a) {
		char *name = NULL;

		err = re_sdprintf(&name, "agent:%s", agent_username(a));
		mem_deref(c->cd->queue_name);
		c->cd->queue_name = name;
	}

	f = transfer_flow(c, kind);
	if (!err && f) {
		c->state = CONTACT_IN_FLOW;
		c->flow = mem_ref(f);
		log_info("contact %s: transfer flow '%s'", c->cd->contact_id,
			 f->name);
		err = contact_run_flow(c, f);
	}
	else if (!err) {
		err = enqueue(c, rq);
		if (!err) {
			c->state = CONTACT_QUEUED;
			log_info("contact %s: queued in %s",
				 c->cd->contact_id, rqueue_name(rq));
			contact_queue_flow(c);
		}
	}
	if (err) {
		c->info.failure = "transfer failed";
		contact_end(c, "OTHER");
		return xfer_fail(errbuf, errsz, err, "transfer failed%s", "");
	}
	return 0;
}

/* -- the agent's REFER -- */

struct rjob {
	struct tmr tmr;
	struct contact *c;
	enum contact_xfer_kind kind;
	char *target;
};

static void rjob_destructor(void *arg)
{
	struct rjob *j = arg;

	tmr_cancel(&j->tmr);
	mem_deref(j->c);
	mem_deref(j->target);
}

static void rjob_run(void *arg)
{
	struct rjob *j = arg;
	char errbuf[128] = "";

	if (contact_transfer(j->c, j->kind, j->target, errbuf,
			     sizeof(errbuf)))
		log_warn("contact %s: agent's transfer to %s failed: %s",
			 j->c->cd->contact_id, j->target, errbuf);
	mem_deref(j);
}

/* Refer-To's user: a queue's quick-connect extension, a queue (name, id),
 * else an agent (username), else a phone number. */
static int refer_target(enum contact_xfer_kind *kp, char **targetp,
			const struct contact *c, const struct sip_msg *msg)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_REFER_TO);
	struct router *r = c->app->router;
	struct sip_addr addr;
	char *user = NULL;
	char e164[E164_SZ];
	int err;

	if (!h || sip_addr_decode(&addr, &h->val) ||
	    !pl_isset(&addr.uri.user))
		return EINVAL;
	err = re_sdprintf(&user, "%H", uri_user_unescape, &addr.uri.user);
	if (err)
		return err;

	if (config_queue_quick(c->cfg, user)) {
		/* a quick-connect extension: the queue by its name */
		const char *name = config_queue_quick(c->cfg,
						      user)->ident.name;

		mem_deref(user);
		user = NULL;
		err = str_dup(&user, name);
		*kp = CONTACT_XFER_QUEUE;
	}
	else if (r && router_queue(r, user))
		*kp = CONTACT_XFER_QUEUE;
	else if (r && router_agent(r, user))
		*kp = CONTACT_XFER_AGENT;
	else if (!util_e164(e164, sizeof(e164), user) && util_is_e164(e164))
		*kp = CONTACT_XFER_NUMBER;
	else
		err = ENOENT;

	if (err)
		mem_deref(user);
	else
		*targetp = user;
	return err;
}

void contact_agent_refer(struct leg *l, struct sip *sip,
			 const struct sip_msg *msg)
{
	struct contact *c = l->c;
	struct rjob *j;
	int err;

	if (c->state != CONTACT_CONNECTED || c->agent != l) {
		(void)sip_reply(sip, msg, 403, "Forbidden");
		return;
	}

	j = mem_zalloc(sizeof(*j), rjob_destructor);
	if (!j) {
		(void)sip_reply(sip, msg, 500, "Server Internal Error");
		return;
	}
	tmr_init(&j->tmr);
	err = refer_target(&j->kind, &j->target, c, msg);
	if (err) {
		log_warn("contact %s: agent's REFER to an unknown target",
			 c->cd->contact_id);
		(void)sip_reply(sip, msg, err == ENOENT ? 404 : 400,
				err == ENOENT ? "Not Found" : "Bad Request");
		mem_deref(j);
		return;
	}
	if (j->kind == CONTACT_XFER_NUMBER) {
		struct outbound *ob = NULL;
		char number[E164_SZ];

		if (number_check(&ob, number, sizeof(number), c, j->target)) {
			(void)sip_reply(sip, msg, 403, "Forbidden");
			mem_deref(j);
			return;
		}
		mem_deref(ob);
	}

	log_info("contact %s: agent transfers to %s", c->cd->contact_id,
		 j->target);
	(void)sip_reply(sip, msg, 202, "Accepted");
	/* act outside the agent's session handler: it hangs that up */
	j->c = mem_ref(c);
	tmr_start(&j->tmr, 0, rjob_run, j);
}
