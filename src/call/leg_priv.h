/**
 * @file leg_priv.h  Private: the leg object shared by leg.c (lifecycle,
 * audio, views), leg_media.c (SDP and RTP) and leg_sip.c (the dialog).
 */
#ifndef CALLFLOWD_LEG_PRIV_H
#define CALLFLOWD_LEG_PRIV_H

#include <callflowd/core/libre.h>
#include <callflowd/media/mstream.h>
#include <callflowd/call/callenv.h>
#include <callflowd/call/leg.h>

struct afifo;
struct sdpneg;

struct callenv {
	struct sipserver *sip;
	struct mclock *mc;
	struct mstream_conf rtp;
	struct list legs;		/* struct leg, live */
	struct callenv_stats gone;	/* packets of legs freed */
};

/* What libre's session handlers point at: it outlives the leg until the
 * session itself is freed, so a late callback finds leg NULL. */
struct legref {
	struct leg *leg;
};

struct leg {
	struct le le;			/* in callenv's legs */
	struct callenv *ce;
	char *name;
	char *uri;			/* dialled */
	enum leg_state state;
	struct leg_handlers h;
	struct legref *ref;
	struct sipsess *sess;

	/* media */
	struct sdp_policy media;
	struct sdpneg *neg;
	struct mstream *ms;
	enum mstream_codec codec;
	int te_pt;
	struct sa raddr;
	bool srtp;
	struct sdes_crypto rx_key;	/* the peer's, to see it change */
	bool media_up;			/* RTP started */
	bool held;			/* the peer holds us */
	bool offered;			/* our SDP offer awaits its answer */

	/* audio */
	struct player *player;
	struct leg *peer;
	struct afifo *in;		/* what the peer sends us */
	leg_tap_h *taph;
	void *tap_arg;

	struct tmr ring_tmr;
	char end_reason[64];		/* the final status's phrase */
	char *auth_user, *auth_pass;	/* for the dialog's challenges */
};

/* leg.c */
int  leg_alloc(struct leg **legp, struct callenv *ce,
	       const struct sdp_policy *media, const struct leg_handlers *h,
	       const char *name);
void leg_close(struct leg *leg, enum leg_end why, int err, uint16_t scode);
void leg_mstats(const struct leg *leg, struct mstream_stats *st);

/* leg_media.c */
int  leg_media_alloc(struct leg *leg);
/** Answer an offer (INVITE or re-INVITE body) into *answerp. */
int  leg_media_answer(struct leg *leg, struct mbuf **answerp,
		      struct mbuf *offer);
/** Our offer (outgoing INVITE, late-offer INVITE or re-INVITE). */
int  leg_media_offer(struct leg *leg, struct mbuf **offerp);
/** The peer's answer to our offer. */
int  leg_media_accept(struct leg *leg, struct mbuf *answer);
/** The body of msg as Content-Length frames it (new mbuf). */
int  leg_msg_body(struct mbuf **mbp, const struct sip_msg *msg);

#endif
