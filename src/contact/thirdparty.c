/**
 * @file thirdparty.c  The third party's leg: a number dialled out through
 * the outbound trunk (TransferParticipantToThirdParty, an agent's REFER to
 * a number, the transfer API) with the trunk's media policy, bridged to
 * the customer on answer, with optional DTMF sent after the answer.
 *
 * The leg sits in the contact's agent slot: the contact ending hangs it
 * up like an agent's. Every number dialled is checked against
 * outbound.allowed_patterns first (toll-fraud guard).
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/interp.h>
#include <callflowd/sip/outbound.h>
#include <callflowd/call/leg.h>
#include <callflowd/contact/announce.h>
#include "contact_priv.h"

enum {
	E164_SZ = 24,
	DTMF_FIRST_MS = 300,	/* after answer, before the first key */
	DTMF_KEY_MS = 250,	/* one key (100 ms) and its gap */
	DTMF_PAUSE_MS = 750,	/* a ',' */
	TIMEOUT_DEF_S = 30,
};

static const char role[] = "third party";

/* The third party's party; p first, so c->agent may point at it. */
struct xparty {
	struct party p;
	struct frun *run;	/* the flow waiting for the outcome, or NULL */
	bool continue_flow;
	bool answered;
	char number[E164_SZ];
	char *dtmf;
	size_t dtmf_pos;
	struct tmr tmr;		/* DTMF pacing */
};

static void destructor(void *arg)
{
	struct xparty *x = arg;

	tmr_cancel(&x->tmr);
	party_reset(&x->p);
	mem_deref(x->run);
	mem_deref(x->dtmf);
}

static struct xparty *xparty_of(const struct contact *c)
{
	return c->agent && c->agent->role == role ?
		(struct xparty *)(void *)c->agent : NULL;
}

bool thirdparty_is(const struct contact *c)
{
	return xparty_of(c) != NULL;
}

/* Still the contact's live third party (not released meanwhile). */
static bool live(const struct xparty *x)
{
	return x->p.c->agent == &x->p && x->p.c->state != CONTACT_ENDED;
}

/* Let the third party go (BYE or CANCEL); freed from the loop. */
static void detach(struct xparty *x)
{
	struct contact *c = x->p.c;

	if (c->agent != &x->p)
		return;
	c->agent = NULL;
	tmr_cancel(&x->tmr);
	leg_unbridge(c->cust.leg);
	party_release(&x->p);
}

/* The third party was not reached: the flow's error branch, or (no flow
 * waiting) the end of the contact. */
static void not_reached(struct xparty *x, const char *error)
{
	struct contact *c = x->p.c;
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

static void dtmf_next(void *arg)
{
	struct xparty *x = arg;
	char key[2] = {0, 0};
	int err;

	if (!live(x) || !x->dtmf || !x->dtmf[x->dtmf_pos])
		return;
	key[0] = x->dtmf[x->dtmf_pos++];
	if (key[0] == ',') {
		tmr_start(&x->tmr, DTMF_PAUSE_MS, dtmf_next, x);
		return;
	}
	err = leg_send_dtmf(x->p.leg, key);
	if (err)
		log_warn("contact %s: cannot send DTMF to %s: %m",
			 x->p.c->cd->contact_id, x->number, err);
	tmr_start(&x->tmr, DTMF_KEY_MS, dtmf_next, x);
}

static void answer_h(struct leg *leg, void *arg)
{
	struct xparty *x = arg;
	struct contact *c = x->p.c;
	struct frun *run;

	(void)leg;
	if (!live(x) || x->answered)
		return;
	x->answered = true;
	log_info("contact %s: %s answered", c->cd->contact_id, x->number);

	str_ncpy(c->info.transferred_to, x->number,
		 sizeof(c->info.transferred_to));
	c->info.transfer_completed_ms = util_now_ms();
	if (leg_bridge(c->cust.leg, x->p.leg)) {
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

static void close_h(struct leg *leg, enum leg_end why, int err,
		    uint16_t scode, void *arg)
{
	struct xparty *x = arg;
	struct contact *c = x->p.c;
	struct frun *run;

	(void)leg;
	if (!live(x))
		return;
	if (why == LEG_END_NO_MEDIA) {
		log_warn("contact %s: no RTP from %s, ending the call",
			 c->cd->contact_id, x->number);
		detach(x);
		contact_end(c, "TELECOM_PROBLEM");
		return;
	}
	if (!x->answered) {
		log_info("contact %s: call to %s failed (%s%s%u, %m)",
			 c->cd->contact_id, x->number, leg_end_name(why),
			 scode ? ", status " : "", scode, err);
		not_reached(x, why == LEG_END_NO_ANSWER ?
			    "ConnectionTimeLimitExceeded" : "CallFailed");
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

int thirdparty_check(char *out, size_t sz, const struct contact *c,
		     const char *number)
{
	struct outbound *ob = NULL;
	char errbuf[160] = "";
	int err;

	if (!number)
		return EINVAL;
	err = outbound_alloc(&ob, c->cfg, errbuf, sizeof(errbuf));
	/* national forms only under outbound.trunk.country */
	if (outbound_number(out, sz, err ? NULL : ob, number)) {
		mem_deref(ob);
		return EINVAL;
	}
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
	err = 0;
	if (!outbound_allowed(ob, out)) {
		log_warn("contact %s: dialling %s refused: no "
			 "outbound.allowed_patterns entry matches (toll-fraud "
			 "guard)", c->cd->contact_id, out);
		err = EPERM;
	}
	mem_deref(ob);
	return err;
}

int thirdparty_dial(struct contact *c, const char *number,
		    const char *cid_num, const char *cid_name,
		    uint32_t timeout_s, struct frun *run, bool continue_flow,
		    const char *dtmf)
{
	struct leg_handlers h;
	struct outdial od;
	struct xparty *x;
	int err;

	if (c->agent)
		return EBUSY;
	x = (struct xparty *)(void *)party_alloc(c, sizeof(*x), role,
						 destructor);
	if (!x)
		return ENOMEM;
	tmr_init(&x->tmr);
	str_ncpy(x->number, number, sizeof(x->number));
	x->continue_flow = continue_flow;
	if (dtmf && str_dup(&x->dtmf, dtmf))
		log_warn("contact %s: DTMF digits dropped", c->cd->contact_id);

	memset(&od, 0, sizeof(od));
	od.number = number;
	od.cid_num = cid_num;
	od.cid_fallback = c->cd->customer_addr;
	od.cid_name = cid_name;
	od.ring_ms = (timeout_s ? timeout_s : TIMEOUT_DEF_S) * 1000;
	od.what = role;
	memset(&h, 0, sizeof(h));
	h.closeh = close_h;
	h.answerh = answer_h;
	h.dtmfh = party_dtmf_h;
	h.arg = x;
	err = contact_outdial(&x->p.leg, c, &od, &h);
	if (err) {
		mem_deref(x);
		return err;
	}
	x->run = mem_ref(run);
	c->agent = &x->p;
	return 0;
}

/* -- the flow port -- */

int contact_op_transfer_phone(struct frun *run, const struct ftransfer *t,
			      void *arg)
{
	struct party *p = arg;
	struct contact *c = p->c;
	char number[E164_SZ];
	int err;

	if (p != &c->cust || c->agent ||
	    thirdparty_check(number, sizeof(number), c, t->number)) {
		frun_done_error(run, "CallFailed");
		return 0;
	}
	err = thirdparty_dial(c, number, t->caller_id_number,
			      t->caller_id_name, t->timeout_s, run,
			      t->continue_flow, t->dtmf);
	if (err)
		frun_done_error(run, "CallFailed");
	return 0;	/* the outcome finishes the action */
}
