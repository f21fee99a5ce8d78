/**
 * @file transfer.c  Blind transfers of a live contact to a queue, an agent
 * or a number (the API, an agent's REFER, a flow's TransferContactToAgent),
 * and the segments they make: a transfer closes the contact's segment
 * and opens the next one (PreviousContactId/InitialContactId,
 * InitiationMethod TRANSFER or QUEUE_TRANSFER).
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/flow/interp.h>
#include <callflowd/routing/agent.h>
#include <callflowd/routing/queue.h>
#include <callflowd/routing/router.h>
#include <callflowd/store/journal.h>
#include <callflowd/contact/announce.h>
#include "contact_priv.h"

enum { E164_SZ = 24, TIMEOUT_DEF_S = 30 };

int contact_op_transfer_agent(struct frun *run, void *arg)
{
	struct party *p = arg;
	struct contact *c = p->c;
	const struct cdata *cd = frun_cdata(run);
	const char *who = str_isset(cd->agent_target) ? cd->agent_target :
		cd->agent_username;
	struct ragent *a = c->cc->router && who ?
		router_agent(c->cc->router, who) : NULL;

	if (p != &c->cust || !a)
		return ENOENT;
	return contact_enqueue(c, agent_queue(a));
}

bool contact_transfer_run_end(struct contact *c, const struct fend *end)
{
	switch (end->kind) {

	case FEND_TRANSFER_PHONE:
		if (!thirdparty_is(c)) {
			contact_end(c, "THIRD_PARTY_DISCONNECT");
			return true;
		}
		/* bridged to the third party until one of them hangs up */
		if (contact_set_state(c, CONTACT_EXTERNAL))
			return true;
		log_info("contact %s: transferred to %s", c->cd->contact_id,
			 end->target ? end->target : "?");
		announce_contact(c->cc->announce, "transferred", c->cd, NULL,
				 NULL);
		return true;

	case FEND_TRANSFER_AGENT:
		if (!c->entry)
			return false;
		if (contact_set_state(c, CONTACT_QUEUED))
			return true;
		log_info("contact %s: queued for agent %s", c->cd->contact_id,
			 end->target ? end->target : "?");
		contact_queue_flow(c, 0);
		return true;

	default:
		return false;
	}
}

/* -- segments -- */

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
	if (contact_write_record(c, &info))
		log_error("contact %s: record not written", c->cd->contact_id);
	log_info("contact %s: transferred, next segment %s",
		 c->cd->contact_id, id);
	announce_contact(c->cc->announce, "transferred", c->cd,
			 info.queue_name, reason);

	mem_deref(c->cd);
	c->cd = nd;
	memset(&c->info, 0, sizeof(c->info));
	c->info.initiated_ms = now;
	c->info.connected_ms = now;
	c->reason[0] = '\0';
	c->recorded = false;
	if (m != INIT_QUEUE_TRANSFER)	/* a queue transfer keeps its flow */
		c->flow = mem_deref(c->flow);
	if (c->cc->journal &&
	    journal_start(c->cc->journal, c->cd, &c->info, ""))
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
	party_stop(&c->cust);
	tmr_cancel(&c->queue_tmr);
	tmr_cancel(&c->join_tmr);
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

static int to_number(struct contact *c, const char *target, char *errbuf,
		     size_t errsz)
{
	char number[E164_SZ];
	int err;

	err = thirdparty_check(number, sizeof(number), c, target);
	if (err == EINVAL)
		return xfer_fail(errbuf, errsz, err, "'%s' is not a phone "
				 "number", target);
	if (err)
		return xfer_fail(errbuf, errsz, err, "dialling %s is not "
				 "allowed", number);
	leave_current(c);
	err = thirdparty_dial(c, number, NULL, NULL, TIMEOUT_DEF_S, NULL,
			      false, NULL);
	if (!err)
		err = contact_set_state(c, CONTACT_EXTERNAL);
	if (err) {
		c->info.failure = "third-party transfer failed";
		contact_end(c, "OTHER");
		return xfer_fail(errbuf, errsz, err, "cannot call %s", number);
	}
	return 0;
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
	if (c->state == CONTACT_ENDED || c->state == CONTACT_NEW ||
	    c->state == CONTACT_SCHEDULED || c->state == CONTACT_DIALLING)
		return xfer_fail(errbuf, errsz, EBUSY, "the contact is %s",
				 contact_phase_name(c->state));
	if (thirdparty_is(c))
		return xfer_fail(errbuf, errsz, EBUSY, "a transfer to a "
				 "phone number is in progress%s", "");
	if (c->agent && !contact_connected(c))
		return xfer_fail(errbuf, errsz, EBUSY, "an agent's phone is "
				 "ringing for the contact%s", "");
	reason = contact_connected(c) ? "AGENT_DISCONNECT" : "API";

	if (kind == CONTACT_XFER_NUMBER)
		return to_number(c, target, errbuf, errsz);

	r = c->cc->router;
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
		err = contact_set_state(c, CONTACT_FLOW);
		if (!err) {
			c->flow = mem_ref(f);
			log_info("contact %s: transfer flow '%s'",
				 c->cd->contact_id, f->name);
			err = contact_run_flow(c, f);
		}
	}
	else if (!err) {
		err = contact_enqueue(c, rq);
		if (!err)
			err = contact_set_state(c, CONTACT_QUEUED);
		if (!err) {
			log_info("contact %s: queued in %s",
				 c->cd->contact_id, rqueue_name(rq));
			contact_queue_flow(c, 0);
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

/* outside the agent's leg handler: the transfer hangs that leg up */
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
	struct router *r = c->cc->router;
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
	else if (thirdparty_check(e164, sizeof(e164), c, user) != EINVAL)
		*kp = CONTACT_XFER_NUMBER;	/* allowed or not: 403 then */
	else
		err = ENOENT;

	if (err)
		mem_deref(user);
	else
		*targetp = user;
	return err;
}

void contact_agent_refer(struct contact *c, struct sip *sip,
			 const struct sip_msg *msg)
{
	struct rjob *j;
	int err;

	if (c->state != CONTACT_WHISPER && c->state != CONTACT_TALKING) {
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
		char number[E164_SZ];

		if (thirdparty_check(number, sizeof(number), c, j->target)) {
			(void)sip_reply(sip, msg, 403, "Forbidden");
			mem_deref(j);
			return;
		}
	}

	log_info("contact %s: agent transfers to %s", c->cd->contact_id,
		 j->target);
	(void)sip_reply(sip, msg, 202, "Accepted");
	j->c = mem_ref(c);
	tmr_start(&j->tmr, 0, rjob_run, j);
}
