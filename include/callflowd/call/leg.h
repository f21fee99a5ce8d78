/**
 * @file leg.h  A call leg: one SIP dialog with its media, the one model
 * every kind of leg is built on (the customer's inbound call, an agent's
 * phone, a third party, a callback's customer, later outbound and
 * WebRTC legs).
 *
 * Owns its sipsess (one dialog), its SDP offer/answer (codecs, SRTP
 * policy, hold direction: media/sdpneg.h), its RTP stream
 * (media/mstream.h), the player that speaks to it, and its side of a
 * bridge (the audio its peer sends it). Incoming legs are accepted with
 * leg_accept(), outgoing ones dialled with leg_dial(); from then on both
 * behave alike: a re-INVITE is answered (SDP framed by Content-Length,
 * RTP restarted on a new address, codec or key, hold and resume reported
 * whatever the leg's kind), DTMF arrives by RFC 4733, in-band tones or
 * SIP INFO, and BYE, CANCEL, a failed dial or silent RTP end the leg with
 * one close handler call saying why.
 *
 * What a leg is *for* (a customer, an agent...) is its owner's business:
 * the owner registers handlers when it creates the leg and hears about
 * the leg only through them. A handler may release the leg it is called
 * for (mem_deref): the leg hands its SIP session to a deferred free, so
 * nothing is freed under libre's feet. After leg_hangup() or the close
 * handler, no handler is called again. Loop thread only.
 */
#ifndef CALLFLOWD_LEG_H
#define CALLFLOWD_LEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/mstream.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/media/srtp.h>

struct callenv;
struct leg;
struct player;
struct sip;
struct sip_msg;

enum leg_state {
	LEG_NEW,	/* created; incoming: being answered */
	LEG_RINGING,	/* outgoing: INVITE sent, no final answer yet */
	LEG_UP,		/* answered: 2xx and ACK */
	LEG_CLOSED,	/* over: hung up, refused, failed */
};
const char *leg_state_name(enum leg_state st);

/** Why a leg ended (its close handler). */
enum leg_end {
	LEG_END_HANGUP,		/* the other side hung up (BYE, CANCEL) */
	LEG_END_REFUSED,	/* outgoing: a final non-2xx answer (scode) */
	LEG_END_NO_ANSWER,	/* outgoing: the ring time limit passed */
	LEG_END_NO_MEDIA,	/* no RTP for the configured time */
	LEG_END_FAILED,		/* transport, SDP or protocol failure */
};
const char *leg_end_name(enum leg_end why);

/** The leg ended: why, the errno behind it (0 if none) and, when the
 *  other side answered with a final status, that status (its reason
 *  phrase: leg_end_reason()). */
typedef void (leg_close_h)(struct leg *leg, enum leg_end why, int err,
			   uint16_t scode, void *arg);
/** An outgoing leg was answered (the dialog is established). */
typedef void (leg_answer_h)(struct leg *leg, void *arg);
/** A key from the other side; how: "RFC 4733", "in-band", "SIP INFO". */
typedef void (leg_dtmf_h)(struct leg *leg, char key, const char *how,
			  void *arg);
/** The other side put us on hold (true: sendonly or inactive toward us)
 *  or took us off; a refresh with the same direction is not reported. */
typedef void (leg_hold_h)(struct leg *leg, bool held, void *arg);
/** A REFER in the dialog; the handler answers it (sip_reply). */
typedef void (leg_refer_h)(struct leg *leg, struct sip *sip,
			   const struct sip_msg *msg, void *arg);
/** Audio seen on the leg: rx true for what it received (decoded, per
 *  packet), false for what it sends (once per 20 ms tick). */
typedef void (leg_tap_h)(const int16_t *frame, size_t n, bool rx,
			 void *arg);

struct leg_handlers {
	leg_close_h *closeh;		/* required */
	leg_answer_h *answerh;
	leg_dtmf_h *dtmfh;
	leg_hold_h *holdh;
	leg_refer_h *referh;		/* NULL: REFER is not taken (501) */
	void *arg;
};

/** An outgoing leg's request. */
struct leg_dial {
	const char *uri;		/* Request-URI */
	const char *from_uri;		/* callenv_from_uri() */
	const char *from_name;		/* display name, or NULL */
	const char *hdrs;		/* extra headers ("X: y\r\n"...) */
	uint32_t ring_ms;		/* ring time limit, 0: none */
	const char *auth_user;		/* digest credentials for a 401 or */
	const char *auth_pass;		/* 407 challenge, or NULL */
};

/**
 * Answer an INVITE: bind RTP, answer its SDP offer with media (or, for an
 * INVITE without SDP, offer ours in the 200 and take the answer from the
 * ACK), send 200 OK. name says what the leg is, for logs. On failure
 * *scodep is the status to refuse the INVITE with (400, 488, 503...) and
 * nothing was sent.
 */
int  leg_accept(struct leg **legp, struct callenv *ce,
		const struct sip_msg *msg, const struct sdp_policy *media,
		const struct leg_handlers *h, const char *name,
		uint16_t *scodep);
/** Dial: bind RTP, send an INVITE with our SDP offer. */
int  leg_dial(struct leg **legp, struct callenv *ce,
	      const struct leg_dial *d, const struct sdp_policy *media,
	      const struct leg_handlers *h, const char *name);
/** Hang up (BYE, or CANCEL while ringing); no handler is called again. */
void leg_hangup(struct leg *leg);

/* Audio */
/** The player that speaks to this leg (made on first use): while it is
 *  active it is what the leg hears, before any bridged audio. */
struct player *leg_player(struct leg *leg);
/** Stop what the player says, if the leg has one. */
void leg_player_stop(struct leg *leg);
/** Join two legs: each hears what the other sends, keys stay apart. */
int  leg_bridge(struct leg *a, struct leg *b);
/** Part leg from its peer (both sides), if bridged. */
void leg_unbridge(struct leg *leg);
struct leg *leg_peer(const struct leg *leg);
/** Watch the leg's audio (one tap: the call recording); NULL: none. */
void leg_set_tap(struct leg *leg, leg_tap_h *h, void *arg);
/** Send keys as RFC 4733 events (EPROTO: none negotiated). */
int  leg_send_dtmf(struct leg *leg, const char *keys);

/* Views */
enum leg_state leg_state(const struct leg *leg);
const char *leg_name(const struct leg *leg);
/** The URI an outgoing leg dialled (NULL for incoming legs). */
const char *leg_uri(const struct leg *leg);
/** The other side has us on hold (its last SDP). */
bool leg_held(const struct leg *leg);
/** SRTP protects the leg's media now. */
bool leg_srtp(const struct leg *leg);
enum mstream_codec leg_codec(const struct leg *leg);
/** The reason phrase of the final status that ended it ("" if none). */
const char *leg_end_reason(const struct leg *leg);
/** The remote RTP address of the last negotiation (unset before). */
const struct sa *leg_raddr(const struct leg *leg);
const struct mstream *leg_mstream(const struct leg *leg);

#endif
