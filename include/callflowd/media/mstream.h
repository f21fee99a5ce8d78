/**
 * @file mstream.h  One RTP session of one call leg: G.711 audio paced by
 * the media clock, RTCP sender reports, RFC 4733 telephone-events both
 * ways, in-band DTMF detection, optional SRTP, RTP timeout and stats.
 *
 * Owns its RTP/RTCP sockets (rtp_listen on the configured IP and port
 * range), its SRTP state, its in-band detector and its mclock entry.
 * Audio inside the process is 8 kHz mono s16 in 20 ms frames of 160
 * samples: the source is pulled once per tick, decoded audio is pushed
 * to the sink once per received packet. Loop thread only.
 */
#ifndef CALLFLOWD_MSTREAM_H
#define CALLFLOWD_MSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/dtmf.h>

struct mclock;
struct sdes_crypto;

enum {
	MSTREAM_SRATE = 8000,
	MSTREAM_FRAME = 160,	/* samples per 20 ms */
};

/** G.711 flavours, valued as their static payload types. */
enum mstream_codec {
	MSTREAM_PCMU = 0,
	MSTREAM_PCMA = 8,
};

/** Fill frame with the next n samples to send. */
typedef void (mstream_src_h)(int16_t *frame, size_t n, void *arg);
/** Received, decoded audio. */
typedef void (mstream_sink_h)(const int16_t *frame, size_t n, void *arg);
/** A DTMF key, reported once per key press. */
typedef void (mstream_dtmf_h)(char key, enum dtmf_source src, void *arg);
/** No RTP for the configured time (the call should end). */
typedef void (mstream_timeout_h)(void *arg);

struct mstream_conf {
	struct sa laddr;		/* IP to bind; port ignored */
	uint16_t port_min;		/* RTP port range, even ports */
	uint16_t port_max;
	uint32_t rtp_timeout_ms;	/* 0: never */
	const char *cname;		/* RTCP CNAME, NULL: "callflowd" */
};

struct mstream_handlers {
	mstream_src_h *srch;		/* NULL: send silence */
	mstream_sink_h *sinkh;
	mstream_dtmf_h *dtmfh;
	mstream_timeout_h *timeouth;
	void *arg;
};

struct mstream_stats {
	uint64_t tx_packets;
	uint64_t tx_bytes;		/* payload octets */
	uint64_t tx_events;		/* telephone-event packets */
	uint64_t tx_errors;		/* sendto failures */
	uint64_t rx_packets;		/* accepted from the latched source */
	uint64_t rx_bytes;
	uint64_t rx_ignored;		/* other sources, unknown PT, held */
	int64_t  rx_lost;		/* expected - received (RFC 3550) */
	uint32_t jitter;		/* RFC 3550 interarrival, ts units */
	uint64_t srtp_dropped;		/* failed authentication */
	uint64_t rx_sr;			/* RTCP sender reports received */
	uint64_t rx_rr;			/* RTCP receiver reports received */
	uint32_t ssrc;			/* ours */
	uint32_t rx_ssrc;		/* the peer's */
};

struct mstream;

int  mstream_alloc(struct mstream **msp, struct mclock *mc,
		   const struct mstream_conf *conf,
		   const struct mstream_handlers *h);
/** The bound local RTP address (IP and port), for the SDP. */
const struct sa *mstream_laddr(const struct mstream *ms);

/**
 * Set the negotiated media: codec, telephone-event PT (-1: none, then
 * in-band detection is on), remote RTP address (and RTCP address, NULL
 * for port + 1). Starts sending on the clock and RTCP reports.
 */
int  mstream_start(struct mstream *ms, enum mstream_codec codec, int te_pt,
		   const struct sa *raddr, const struct sa *raddr_rtcp);
/** Stop sending (unregisters from the clock); start may be called again. */
void mstream_stop(struct mstream *ms);
/** Our direction from the SDP (hold): sendonly stops receiving, etc. */
void mstream_set_dir(struct mstream *ms, enum sdp_dir dir);
enum sdp_dir mstream_dir(const struct mstream *ms);
/** Force in-band DTMF detection on or off (start sets it from te_pt). */
void mstream_set_inband(struct mstream *ms, bool on);
/** Enable SRTP: tx is our key (sent in our SDP), rx the peer's. */
int  mstream_set_srtp(struct mstream *ms, const struct sdes_crypto *tx,
		      const struct sdes_crypto *rx);
/**
 * Queue keys to send as RFC 4733 events (each duration_ms long, 0 for
 * 100 ms, followed by a short gap). EPROTO when no telephone-event was
 * negotiated; EINVAL for a character that is not a key.
 */
int  mstream_send_dtmf(struct mstream *ms, const char *keys,
		       uint32_t duration_ms);
void mstream_stats(const struct mstream *ms, struct mstream_stats *st);
/** Shorten or disable (0) the RTP timeout at run time. */
void mstream_set_timeout(struct mstream *ms, uint32_t ms_timeout);

#endif
