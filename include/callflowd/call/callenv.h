/**
 * @file callenv.h  What every call leg is created in: the SIP stack it
 * signals through, the media clock that paces its RTP, the RTP settings
 * of the running configuration, and the process's RTP counters.
 *
 * Owns the current RTP settings (replaced on reload; live legs keep the
 * ports they have), the list of live legs (for the RTP counters) and the
 * packet counts of legs already gone, so the totals never go down. Made
 * by the daemon, handed to whoever creates legs. Loop thread only.
 */
#ifndef CALLFLOWD_CALLENV_H
#define CALLFLOWD_CALLENV_H

#include <stdint.h>

struct callenv;
struct config;
struct mclock;
struct mstream_conf;
struct sipserver;

/** RTP packets of every leg the process had (ended and live), and of
 *  the live legs alone. */
struct callenv_stats {
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t lost_packets;
	unsigned legs;			/* live now */
	uint64_t live_rx, live_tx, live_lost;
	uint32_t live_jitter_max;	/* RTP timestamp units (8 kHz) */
};

int  callenv_alloc(struct callenv **cep, struct sipserver *sip,
		   struct mclock *mc);
/** Take the RTP settings of cfg (sip.rtp): address, ports, timeout. */
int  callenv_configure(struct callenv *ce, const struct config *cfg,
		       char *errbuf, size_t errsz);
/** Check cfg's sip.rtp without applying it. */
int  callenv_config_check(const struct config *cfg, char *errbuf,
			  size_t errsz);
/** The RTP settings a new leg binds with. */
const struct mstream_conf *callenv_rtp(const struct callenv *ce);
struct sipserver *callenv_sip(const struct callenv *ce);
struct mclock *callenv_clock(const struct callenv *ce);
/** "sip:user@<our SIP address>" for a From header (mem string). */
int  callenv_from_uri(char **urip, const struct callenv *ce,
		      const char *user);
void callenv_stats(const struct callenv *ce, struct callenv_stats *st);
/** A request inside the dialog of one of our legs that libre's session
 *  does not take (UPDATE, RFC 3311: a session refresh, or a new offer
 *  answered like a re-INVITE's): true when it was one of ours and is
 *  answered. */
bool callenv_dialog_request(struct callenv *ce, const struct sip_msg *msg);

#endif
