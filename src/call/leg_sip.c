/**
 * @file leg_sip.c  A leg's dialog: the one implementation of accepting an
 * INVITE, dialling out, answering re-INVITEs, taking INFO DTMF and REFER,
 * and ending on BYE, CANCEL, a refusal or the ring time limit.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/sip/sipserver.h>
#include "leg_priv.h"

/* what a leg takes in its dialog (REFER only where its owner does) */
static const char *allow_hdr(const struct leg_handlers *h)
{
	return h->referh ?
		"Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, "
		"REFER\r\n" :
		"Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE\r\n";
}

/* -- libre's session handlers: arg is the legref -- */

static int offer_h(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	struct legref *ref = arg;
	struct leg *leg = ref->leg;
	struct mbuf *offer = NULL;
	int err;

	if (!leg)
		return ENOENT;
	err = leg_msg_body(&offer, msg);
	if (err)
		return err;
	if (!mbuf_get_left(offer)) {
		/* a re-INVITE without SDP: we offer, the ACK answers */
		err = leg_media_offer(leg, descp);
	}
	else {
		err = leg_media_answer(leg, descp, offer);
	}
	mem_deref(offer);
	if (err)
		log_warn("%s: re-INVITE refused: %m", leg->name, err);
	return err;
}

static int answer_h(const struct sip_msg *msg, void *arg)
{
	struct legref *ref = arg;
	struct leg *leg = ref->leg;
	struct mbuf *answer = NULL;
	int err;

	if (!leg)
		return ENOENT;
	err = leg_msg_body(&answer, msg);
	if (!err && !mbuf_get_left(answer))
		err = EPROTO;	/* our offer got no answer */
	if (!err)
		err = leg_media_accept(leg, answer);
	mem_deref(answer);
	if (err)
		log_warn("%s: the answer SDP refused: %m", leg->name, err);
	return err;
}

static void progress_h(const struct sip_msg *msg, void *arg)
{
	struct legref *ref = arg;

	if (ref->leg)
		log_debug("%s: %u %r", ref->leg->name, msg->scode,
			  &msg->reason);
}

static void estab_h(const struct sip_msg *msg, void *arg)
{
	struct legref *ref = arg;
	struct leg *leg = ref->leg;
	bool outgoing;

	(void)msg;
	if (!leg || leg->state == LEG_CLOSED)
		return;
	outgoing = leg->state == LEG_RINGING;
	tmr_cancel(&leg->ring_tmr);
	leg->state = LEG_UP;
	if (leg->offered) {
		/* an ACK without the answer to our late offer */
		log_warn("%s: no SDP answer in the ACK", leg->name);
		leg_close(leg, LEG_END_FAILED, EPROTO, 0);
		return;
	}
	log_debug("%s: established", leg->name);
	if (outgoing && leg->h.answerh)
		leg->h.answerh(leg, leg->h.arg);
}

/* DTMF over SIP INFO: application/dtmf-relay ("Signal=5") or
 * application/dtmf ("5"). */
static void info_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct legref *ref = arg;
	struct leg *leg = ref->leg;
	struct mbuf *body = NULL;
	struct pl sig;
	char key = 0;

	if (!leg) {
		(void)sip_reply(sip, msg, 481, "Call Does Not Exist");
		return;
	}
	if (leg_msg_body(&body, msg)) {
		(void)sip_reply(sip, msg, 500, "Server Internal Error");
		return;
	}
	/* msg_ctype_cmp() is true when the type matches */
	if (msg_ctype_cmp(&msg->ctyp, "application", "dtmf-relay")) {
		/* every [..] of the pattern is a capture: skip the blanks */
		if (!re_regex((const char *)mbuf_buf(body),
			      mbuf_get_left(body),
			      "Signal[ \t]*=[ \t]*[0-9*#A-Da-d]1", NULL, NULL,
			      &sig))
			key = sig.p[0];
	}
	else if (msg_ctype_cmp(&msg->ctyp, "application", "dtmf")) {
		if (!re_regex((const char *)mbuf_buf(body),
			      mbuf_get_left(body), "[0-9*#A-Da-d]1", &sig))
			key = sig.p[0];
	}
	else {
		mem_deref(body);
		(void)sip_reply(sip, msg, 415, "Unsupported Media Type");
		return;
	}
	mem_deref(body);

	(void)sip_reply(sip, msg, 200, "OK");
	if (!key || !leg->h.dtmfh)
		return;
	if (key >= 'a' && key <= 'd')
		key = (char)(key - 'a' + 'A');
	leg->h.dtmfh(leg, key, "SIP INFO", leg->h.arg);
}

static void refer_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct legref *ref = arg;
	struct leg *leg = ref->leg;

	if (!leg || !leg->h.referh) {
		(void)sip_reply(sip, msg, 501, "Not Implemented");
		return;
	}
	leg->h.referh(leg, sip, msg, leg->h.arg);
}

static void close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct legref *ref = arg;
	struct leg *leg = ref->leg;
	enum leg_end why;
	uint16_t scode = msg ? msg->scode : 0;

	if (!leg)
		return;
	if (err == ECONNRESET)
		why = LEG_END_HANGUP;	/* BYE, or CANCEL before answer */
	else if (scode >= 300)
		why = LEG_END_REFUSED;
	else
		why = LEG_END_FAILED;
	if (msg)
		pl_strcpy(&msg->reason, leg->end_reason,
			  sizeof(leg->end_reason));
	if (why == LEG_END_REFUSED)
		log_debug("%s: refused (%u %s)", leg->name, scode,
			  leg->end_reason);
	else if (why == LEG_END_FAILED)
		log_info("%s: failed (%m)", leg->name, err);
	leg_close(leg, why, err, scode);
}

/* -- accept, dial -- */

int leg_accept(struct leg **legp, struct callenv *ce,
	       const struct sip_msg *msg, const struct sdp_policy *media,
	       const struct leg_handlers *h, const char *name,
	       uint16_t *scodep)
{
	struct mbuf *offer = NULL, *desc = NULL;
	struct leg *leg = NULL;
	uint16_t scode = 500;
	int err;

	if (!legp || !ce || !msg || !h || !scodep)
		return EINVAL;

	err = leg_alloc(&leg, ce, media, h, name);
	if (err) {
		/* no RTP port left, or no memory */
		scode = 503;
		goto out;
	}
	err = leg_msg_body(&offer, msg);
	if (err)
		goto out;
	if (mbuf_get_left(offer)) {
		err = leg_media_answer(leg, &desc, offer);
		if (err) {
			scode = sdpneg_scode(err);
			goto out;
		}
	}
	else {
		/* late offer: ours goes in the 200, the answer in the ACK */
		err = leg_media_offer(leg, &desc);
		if (err)
			goto out;
	}

	err = sipsess_accept(&leg->sess, sipserver_sock(ce->sip), msg, 200,
			     "OK", "callflowd", "application/sdp", desc, NULL,
			     NULL, false, offer_h, answer_h, estab_h, info_h,
			     refer_h, close_h, leg->ref, "%s", allow_hdr(h));
	if (err)
		goto out;
	leg->state = LEG_NEW;	/* answered; up with the ACK */

 out:
	mem_deref(offer);
	mem_deref(desc);
	if (err) {
		/* never answered: no handler, no session to say goodbye */
		if (leg)
			memset(&leg->h, 0, sizeof(leg->h));
		*scodep = scode;
		mem_deref(leg);
		return err;
	}
	*legp = leg;
	return 0;
}

/* A 401/407 to our INVITE: the trunk's credentials, whatever the realm. */
static int auth_h(char **username, char **password, const char *realm,
		  void *arg)
{
	struct legref *ref = arg;
	struct leg *leg = ref->leg;
	int err;

	(void)realm;
	if (!leg || !leg->auth_user || !leg->auth_pass)
		return EAUTH;
	err = str_dup(username, leg->auth_user);
	if (!err)
		err = str_dup(password, leg->auth_pass);
	return err;
}

static void ring_tmr(void *arg)
{
	struct leg *leg = arg;

	log_info("%s: no answer within %s", leg->name, "the time limit");
	leg_close(leg, LEG_END_NO_ANSWER, ETIMEDOUT, 0);
}

int leg_dial(struct leg **legp, struct callenv *ce, const struct leg_dial *d,
	     const struct sdp_policy *media, const struct leg_handlers *h,
	     const char *name)
{
	struct mbuf *offer = NULL;
	struct leg *leg = NULL;
	int err;

	if (!legp || !ce || !d || !d->uri || !d->from_uri || !h)
		return EINVAL;

	err = leg_alloc(&leg, ce, media, h, name);
	if (!err)
		err = str_dup(&leg->uri, d->uri);
	if (!err && d->auth_user && d->auth_pass)
		err = str_dup(&leg->auth_user, d->auth_user) |
			str_dup(&leg->auth_pass, d->auth_pass);
	if (!err)
		err = leg_media_offer(leg, &offer);
	if (err)
		goto out;

	err = sipsess_connect(&leg->sess, sipserver_sock(ce->sip), d->uri,
			      d->from_name, d->from_uri, "callflowd", NULL, 0,
			      "application/sdp", offer,
			      leg->auth_user ? auth_h : NULL, leg->ref, false,
			      offer_h, answer_h, progress_h, estab_h, info_h,
			      refer_h, close_h, leg->ref, "%s%s", allow_hdr(h),
			      d->hdrs ? d->hdrs : "");
	if (err) {
		log_warn("%s: cannot call %s: %m", leg->name, d->uri, err);
		goto out;
	}
	leg->state = LEG_RINGING;
	if (d->ring_ms)
		tmr_start(&leg->ring_tmr, d->ring_ms, ring_tmr, leg);

 out:
	mem_deref(offer);
	if (err) {
		if (leg)
			memset(&leg->h, 0, sizeof(leg->h));
		mem_deref(leg);
		return err;
	}
	*legp = leg;
	return 0;
}

/* -- UPDATE (RFC 3311): libre's sessions do not take it -- */

static void update(struct leg *leg, const struct sip_msg *msg)
{
	struct sip *sip = sipserver_sip(leg->ce->sip);
	struct mbuf *offer = NULL, *desc = NULL;
	struct sip_contact contact;
	int err;

	if (leg->state != LEG_UP) {
		/* an early dialog: no offer/answer of ours to change */
		(void)sip_treplyf(NULL, NULL, sip, msg, false, 500,
				  "Server Internal Error",
				  "Retry-After: 1\r\nContent-Length: 0\r\n\r\n");
		return;
	}
	err = leg_msg_body(&offer, msg);
	if (!err && mbuf_get_left(offer))
		err = leg_media_answer(leg, &desc, offer);
	mem_deref(offer);
	if (err) {
		log_warn("%s: UPDATE refused: %m", leg->name, err);
		(void)sip_treplyf(NULL, NULL, sip, msg, false, 488,
				  "Not Acceptable Here",
				  "Content-Length: 0\r\n\r\n");
		return;
	}
	/* a 2xx to UPDATE carries a Contact (RFC 3311 5.2) */
	sip_contact_set(&contact, "callflowd", &msg->dst, msg->tp);
	(void)sip_treplyf(NULL, NULL, sip, msg, true, 200, "OK",
			  "%H%s%s%sContent-Length: %zu\r\n\r\n%b",
			  sip_contact_print, &contact,
			  desc ? "Content-Type: " : "",
			  desc ? "application/sdp" : "", desc ? "\r\n" : "",
			  desc ? mbuf_get_left(desc) : (size_t)0,
			  desc ? mbuf_buf(desc) : NULL,
			  desc ? mbuf_get_left(desc) : (size_t)0);
	log_debug("%s: UPDATE answered%s", leg->name, desc ? " (SDP)" : "");
	mem_deref(desc);
}

bool callenv_dialog_request(struct callenv *ce, const struct sip_msg *msg)
{
	struct le *le;

	if (!ce || !msg || pl_strcmp(&msg->met, "UPDATE"))
		return false;
	for (le = list_head(&ce->legs); le; le = le->next) {
		struct leg *leg = le->data;

		if (leg->sess && leg->state != LEG_CLOSED &&
		    sip_dialog_cmp(sipsess_dialog(leg->sess), msg)) {
			update(leg, msg);
			return true;
		}
	}
	return false;
}
