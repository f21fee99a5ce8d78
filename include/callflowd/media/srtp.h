/**
 * @file srtp.h  SRTP with SDES keying (RFC 4568) through libsrtp2.
 *
 * sdes_crypto: one a=crypto line (tag, suite, 30-byte master key||salt):
 * parse, print, generate. msrtp: the SRTP state of one RTP session; it
 * owns two libsrtp sessions (outbound with our key, inbound with the
 * peer's) and the UDP helpers that protect every datagram sent and
 * unprotect every datagram received on the RTP and RTCP sockets, so RTP
 * code above it never sees ciphertext; packets failing authentication
 * are dropped and counted.
 */
#ifndef CALLFLOWD_SRTP_H
#define CALLFLOWD_SRTP_H

#include <stdint.h>
#include <callflowd/core/libre.h>

enum sdes_suite {
	SDES_SUITE_NONE = 0,
	SDES_AES_CM_128_HMAC_SHA1_80,
	SDES_AES_CM_128_HMAC_SHA1_32,
};

/** Trunk policy, applied by sdpneg. */
enum sdes_policy {
	SDES_OFF = 0,		/* RTP/AVP only; RTP/SAVP offers refused */
	SDES_OPTIONAL,		/* either */
	SDES_MANDATORY,		/* RTP/SAVP with a usable a=crypto only */
};

enum { SDES_KEYSALT_LEN = 30 };	/* 16-byte key + 14-byte salt */

struct sdes_crypto {
	uint32_t tag;
	enum sdes_suite suite;
	uint8_t keysalt[SDES_KEYSALT_LEN];
};

const char *sdes_suite_name(enum sdes_suite suite);
/** "off" | "optional" | "mandatory" */
int  sdes_policy_parse(enum sdes_policy *polp, const char *s);
const char *sdes_policy_name(enum sdes_policy pol);

/**
 * Parse an a=crypto value: "<tag> <suite> inline:<base64>[|lifetime]".
 * Returns ENOTSUP for suites, MKIs or session parameters we do not
 * implement (the caller then tries the next line), EBADMSG when the
 * line is malformed.
 */
int  sdes_crypto_decode(struct sdes_crypto *c, const char *val);
/** Print the a=crypto value for c (re_printf handler, use with %H). */
int  sdes_crypto_print(struct re_printf *pf, const struct sdes_crypto *c);
/** Fill c with a fresh random key for the suite. */
int  sdes_crypto_generate(struct sdes_crypto *c, uint32_t tag,
			  enum sdes_suite suite);

struct msrtp;

struct msrtp_stats {
	uint64_t rtp_dropped;	/* failed unprotect (auth/replay) */
	uint64_t rtcp_dropped;
	uint64_t protect_err;
};

/**
 * Start SRTP on an RTP session's sockets (rtcp may be NULL): outgoing
 * packets are protected with tx (our key), incoming ones unprotected
 * with rx (the peer's key). Freeing the msrtp removes the helpers.
 */
int  msrtp_alloc(struct msrtp **sp, struct udp_sock *rtp,
		 struct udp_sock *rtcp, const struct sdes_crypto *tx,
		 const struct sdes_crypto *rx);
void msrtp_stats(const struct msrtp *s, struct msrtp_stats *st);

#endif
