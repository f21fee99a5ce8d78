/**
 * @file sdpneg.h  SDP offer/answer for one call leg's audio (libre sdp):
 * G.711 PCMU/PCMA, telephone-event (RFC 4733), ptime 20, RTP/AVP or
 * RTP/SAVP with SDES crypto per the trunk's SRTP policy, and the
 * direction attributes used for hold.
 *
 * Owns an sdp_session (so the o= version grows across re-INVITEs) and
 * our SRTP keys (kept across re-negotiations of the same suite). The
 * outcome of the last successful negotiation is read with
 * sdpneg_result(). Errors: ENOTSUP no common codec or unusable SRTP
 * (answer 488, see sdpneg_scode), EBADMSG unparsable SDP (400),
 * EPROTO an answer that does not match our offer.
 */
#ifndef CALLFLOWD_SDPNEG_H
#define CALLFLOWD_SDPNEG_H

#include <stdbool.h>
#include <stdint.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/mstream.h>
#include <callflowd/media/srtp.h>

/** What a peer's media may be: our codecs in order of preference and
 *  the SRTP policy (a trunk's, an agent's, the outbound trunk's). */
struct sdp_policy {
	enum mstream_codec codecv[2];
	unsigned codecc;		/* 0: PCMU then PCMA */
	enum sdes_policy srtp;
};

struct sdpneg_conf {
	/* codecs we allow, in our order of preference (used in offers) */
	enum mstream_codec codecv[2];
	unsigned codecc;
	bool te;			/* offer/accept telephone-event */
	uint8_t te_pt;			/* PT in our offers (0: 101) */
	enum sdes_policy srtp;
	uint32_t ptime;			/* 0: 20 */
};

struct sdpneg_result {
	enum mstream_codec codec;
	int te_pt;			/* -1: none negotiated -> in-band */
	struct sa raddr;		/* remote RTP */
	struct sa raddr_rtcp;
	enum sdp_dir dir;		/* our direction: what we may do */
	bool srtp;
	struct sdes_crypto tx;		/* our key (in our SDP) */
	struct sdes_crypto rx;		/* the peer's key */
	uint32_t rptime;		/* the peer's a=ptime, 0 if none */
};

struct sdpneg;

/** laddr: our RTP address and port (mstream_laddr). */
int  sdpneg_alloc(struct sdpneg **negp, const struct sdpneg_conf *conf,
		  const struct sa *laddr);
/** Our direction for the next offer/answer (hold: SDP_SENDONLY). */
void sdpneg_set_ldir(struct sdpneg *neg, enum sdp_dir dir);
/** Answer the peer's offer (INVITE or re-INVITE). */
int  sdpneg_answer(struct sdpneg *neg, struct mbuf **answerp,
		   struct mbuf *offer);
/** Build an offer (outbound call, or a re-INVITE of ours). */
int  sdpneg_offer(struct sdpneg *neg, struct mbuf **offerp);
/** Take the peer's answer to our offer. */
int  sdpneg_accept(struct sdpneg *neg, struct mbuf *answer);
/** The last successful negotiation, NULL before one. */
const struct sdpneg_result *sdpneg_result(const struct sdpneg *neg);
/** SIP status for a negotiation error (488, 400 or 500). */
uint16_t sdpneg_scode(int err);

#endif
