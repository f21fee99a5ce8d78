/*
 * One RTP session. Sending is driven by the shared media clock: on tick
 * k the RTP timestamp is ts0 + 160*(k - k0), so a late or skipped tick
 * never shifts the timeline. Telephone-events replace audio while they
 * play (RFC 4733 2.5); their end packet is sent three times on
 * consecutive ticks. Receiving latches to the first source that sends a
 * packet with a negotiated payload type (and, with SRTP, authentic: the
 * SRTP helper drops the rest before we see them); the address the SDP
 * names takes the latch over whenever it sends, so a peer that moved its
 * media in a re-INVITE is heard even if its old port spoke first.
 */
#include <string.h>
#include <callflowd/core/libre.h>
#include <rem.h>
#include <callflowd/core/log.h>
#include <callflowd/media/mclock.h>
#include <callflowd/media/srtp.h>
#include <callflowd/media/mstream.h>

enum {
	EVENT_DEFAULT_MS = 100,
	EVENT_MAX_MS = 5000,
	EVENT_GAP_TICKS = 2,	/* audio between two queued keys */
	EVENT_END_REPEAT = 3,
	EVENT_VOLUME = 10,
	DTMF_QUEUE = 64,
	RX_MAX_SAMPLES = 1280,	/* 160 ms of G.711 in one packet */
	SEQ_MAX_DROPOUT = 3000,
	SEQ_MAX_MISORDER = 100,
};

struct mstream {
	struct rtp_sock *rtp;
	struct mclock *mc;
	struct mclock_ent ent;
	struct msrtp *srtp;
	struct dtmf_dec *dec;
	struct mbuf *txmb;
	struct mstream_handlers h;
	char *cname;
	struct sa raddr;
	struct sa raddr_rtcp;
	enum mstream_codec codec;
	int te_pt;
	enum sdp_dir dir;
	bool started;
	bool inband;
	uint32_t timeout_ms;

	/* sending */
	uint32_t ts0;
	uint64_t tick0;
	uint64_t last_tick;
	bool tick0_set;
	bool talkspurt;		/* false: next audio packet has the marker */
	struct {
		char keyv[DTMF_QUEUE];
		uint32_t durv[DTMF_QUEUE];
		unsigned head;
		unsigned len;
		bool active;
		uint8_t code;
		uint32_t ts;
		uint32_t dur;
		uint32_t total;
		unsigned ends;
		unsigned gap;
	} tx_ev;

	/* receiving */
	bool latched;
	bool latch_warned;
	struct sa latch;
	uint64_t last_rx_ns;
	bool timed_out;
	bool seq_init;
	uint16_t max_seq;
	uint32_t cycles;
	uint32_t base_seq;
	uint64_t received;
	int64_t lost_acc;
	bool transit_set;
	int64_t transit;
	uint32_t jitter_q4;	/* jitter * 16, as in RFC 3550 A.8 */
	struct dtmf_rx rx_ev;

	struct mstream_stats stats;
};

static void tick_handler(uint64_t tick, void *arg);

/* log.h formats with printf: print addresses with libre first */
static const char *sa_str(char *buf, size_t sz, const struct sa *sa)
{
	(void)re_snprintf(buf, sz, "%J", sa);
	return buf;
}

static void destructor(void *arg)
{
	struct mstream *ms = arg;

	mclock_remove(&ms->ent);
	/* sockets first: msrtp keeps them alive so the RTCP BYE is
	 * protected, then drops its helpers before its references */
	ms->rtp = mem_deref(ms->rtp);
	ms->srtp = mem_deref(ms->srtp);
	ms->dec = mem_deref(ms->dec);
	ms->txmb = mem_deref(ms->txmb);
	ms->cname = mem_deref(ms->cname);
	ms->mc = mem_deref(ms->mc);
}

static bool recv_enabled(const struct mstream *ms)
{
	return (ms->dir & SDP_RECVONLY) != 0;
}

static bool send_enabled(const struct mstream *ms)
{
	return (ms->dir & SDP_SENDONLY) != 0;
}

static void seq_update(struct mstream *ms, uint16_t seq)
{
	uint16_t udelta;

	if (!ms->seq_init) {
		ms->seq_init = true;
		ms->base_seq = seq;
		ms->max_seq = seq;
		ms->cycles = 0;
		ms->received = 1;
		return;
	}

	udelta = (uint16_t)(seq - ms->max_seq);
	if (udelta < SEQ_MAX_DROPOUT) {
		if (seq < ms->max_seq)
			ms->cycles += 65536;
		ms->max_seq = seq;
	}
	else if (udelta <= 65536 - SEQ_MAX_MISORDER) {
		/* a jump: the sender restarted; keep what was lost so far */
		ms->lost_acc += (int64_t)ms->cycles + ms->max_seq -
			ms->base_seq + 1 - (int64_t)ms->received;
		ms->base_seq = seq;
		ms->max_seq = seq;
		ms->cycles = 0;
		ms->received = 0;
	}
	/* else: duplicate or reordered, counted as received */

	++ms->received;
}

static void jitter_update(struct mstream *ms, uint32_t ts, uint64_t now_ns)
{
	int64_t arrival = (int64_t)(now_ns / (1000000000ULL / MSTREAM_SRATE));
	int64_t transit = arrival - (int64_t)ts;
	int64_t d;

	if (!ms->transit_set) {
		ms->transit_set = true;
		ms->transit = transit;
		return;
	}

	/* both terms wrap with the 32-bit timestamp: compare mod 2^32 */
	d = (int32_t)(uint32_t)(transit - ms->transit);
	ms->transit = transit;
	if (d < 0)
		d = -d;

	ms->jitter_q4 += (uint32_t)(d - ((ms->jitter_q4 + 8) >> 4));
}

static void recv_event(struct mstream *ms, const struct rtp_header *hdr,
		       struct mbuf *mb)
{
	struct dtmf_event ev;
	char key;

	if (dtmf_event_decode(&ev, mb))
		return;

	key = dtmf_code2key(ev.event);
	if (!key)
		return;

	if (!dtmf_rx_first(&ms->rx_ev, hdr->ts))
		return;

	if (ms->h.dtmfh)
		ms->h.dtmfh(key, DTMF_SRC_RFC4733, ms->h.arg);
}

static void recv_audio(struct mstream *ms, const struct rtp_header *hdr,
		       struct mbuf *mb)
{
	int16_t pcm[RX_MAX_SAMPLES];
	const uint8_t *p = mbuf_buf(mb);
	size_t i, n = mbuf_get_left(mb);

	if (n > RX_MAX_SAMPLES)
		n = RX_MAX_SAMPLES;

	/* decode by the packet's PT: a peer may switch between the two */
	if (hdr->pt == MSTREAM_PCMU) {
		for (i = 0; i < n; i++)
			pcm[i] = g711_ulaw2pcm(p[i]);
	}
	else {
		for (i = 0; i < n; i++)
			pcm[i] = g711_alaw2pcm(p[i]);
	}

	if (ms->inband && ms->dec)
		dtmf_dec_probe(ms->dec, pcm, n);

	if (ms->h.sinkh && n)
		ms->h.sinkh(pcm, n, ms->h.arg);
}

static void rtp_handler(const struct sa *src, const struct rtp_header *hdr,
			struct mbuf *mb, void *arg)
{
	struct mstream *ms = arg;
	bool is_audio, is_te;
	uint64_t now;

	is_audio = hdr->pt == MSTREAM_PCMU || hdr->pt == MSTREAM_PCMA;
	is_te = ms->te_pt >= 0 && hdr->pt == ms->te_pt;

	if (!ms->started || !recv_enabled(ms) || !(is_audio || is_te)) {
		++ms->stats.rx_ignored;
		return;
	}

	if (!ms->latched || (!sa_cmp(&ms->latch, &ms->raddr, SA_ALL) &&
			     sa_cmp(src, &ms->raddr, SA_ALL))) {
		ms->latched = true;
		ms->latch = *src;
		ms->latch_warned = false;
	}
	else if (!sa_cmp(src, &ms->latch, SA_ALL)) {
		if (!ms->latch_warned) {
			char a[64], b[64];

			ms->latch_warned = true;
			log_warn("rtp: ignoring %s, latched to %s",
				 sa_str(a, sizeof(a), src),
				 sa_str(b, sizeof(b), &ms->latch));
		}
		++ms->stats.rx_ignored;
		return;
	}

	now = mclock_now_ns();
	ms->last_rx_ns = now;

	if (hdr->ssrc != ms->stats.rx_ssrc || !ms->seq_init) {
		if (ms->seq_init) {
			/* a new source behind the same address */
			ms->lost_acc += (int64_t)ms->cycles + ms->max_seq -
				ms->base_seq + 1 - (int64_t)ms->received;
			ms->seq_init = false;
			ms->transit_set = false;
		}
		ms->stats.rx_ssrc = hdr->ssrc;
	}

	seq_update(ms, hdr->seq);
	++ms->stats.rx_packets;
	ms->stats.rx_bytes += mbuf_get_left(mb);

	if (is_te) {
		recv_event(ms, hdr, mb);
		return;
	}

	jitter_update(ms, hdr->ts, now);
	recv_audio(ms, hdr, mb);
}

static void rtcp_handler(const struct sa *src, struct rtcp_msg *msg,
			 void *arg)
{
	struct mstream *ms = arg;
	(void)src;

	/* libre keeps the RTCP statistics; we count what arrives */
	if (msg->hdr.pt == RTCP_SR)
		++ms->stats.rx_sr;
	else if (msg->hdr.pt == RTCP_RR)
		++ms->stats.rx_rr;
}

static void inband_handler(char digit, void *arg)
{
	struct mstream *ms = arg;

	if (ms->h.dtmfh)
		ms->h.dtmfh(digit, DTMF_SRC_INBAND, ms->h.arg);
}

static void dest_reset(struct mstream *ms)
{
	ms->latched = false;
	ms->latch_warned = false;
	ms->timed_out = false;
	ms->last_rx_ns = mclock_now_ns();
}

int mstream_alloc(struct mstream **msp, struct mclock *mc,
		  const struct mstream_conf *conf,
		  const struct mstream_handlers *h)
{
	struct mstream *ms;
	int err;

	if (!msp || !mc || !conf || !sa_isset(&conf->laddr, SA_ADDR) ||
	    conf->port_min >= conf->port_max)
		return EINVAL;

	ms = mem_zalloc(sizeof(*ms), destructor);
	if (!ms)
		return ENOMEM;

	ms->mc = mem_ref(mc);
	if (h)
		ms->h = *h;
	ms->te_pt = -1;
	ms->dir = SDP_SENDRECV;
	ms->timeout_ms = conf->rtp_timeout_ms;
	ms->ts0 = rand_u32();

	err = str_dup(&ms->cname, conf->cname ? conf->cname : "callflowd");
	if (err)
		goto out;

	ms->txmb = mbuf_alloc(RTP_HEADER_SIZE + RX_MAX_SAMPLES);
	if (!ms->txmb) {
		err = ENOMEM;
		goto out;
	}

	err = dtmf_dec_alloc(&ms->dec, MSTREAM_SRATE, 1, inband_handler, ms);
	if (err)
		goto out;

	err = rtp_listen(&ms->rtp, IPPROTO_UDP, &conf->laddr, conf->port_min,
			 conf->port_max, true, rtp_handler, rtcp_handler, ms);
	if (err) {
		char a[64];

		log_error("rtp: no port in %u-%u on %s: %s", conf->port_min,
			  conf->port_max, sa_str(a, sizeof(a), &conf->laddr),
			  strerror(err));
		goto out;
	}

	rtcp_set_srate(ms->rtp, MSTREAM_SRATE, MSTREAM_SRATE);
	ms->stats.ssrc = rtp_sess_ssrc(ms->rtp);

 out:
	if (err)
		mem_deref(ms);
	else
		*msp = ms;

	return err;
}

const struct sa *mstream_laddr(const struct mstream *ms)
{
	return ms ? rtp_local(ms->rtp) : NULL;
}

int mstream_start(struct mstream *ms, enum mstream_codec codec, int te_pt,
		  const struct sa *raddr, const struct sa *raddr_rtcp)
{
	int err;

	if (!ms || !raddr || !sa_isset(raddr, SA_ALL) ||
	    (codec != MSTREAM_PCMU && codec != MSTREAM_PCMA) ||
	    te_pt > 127 || te_pt == MSTREAM_PCMU || te_pt == MSTREAM_PCMA)
		return EINVAL;

	/* the address can change in a re-INVITE: latch anew */
	if (!ms->started || !sa_cmp(raddr, &ms->raddr, SA_ALL))
		dest_reset(ms);

	ms->codec = codec;
	ms->te_pt = te_pt < 0 ? -1 : te_pt;
	ms->inband = ms->te_pt < 0;
	ms->raddr = *raddr;
	if (raddr_rtcp && sa_isset(raddr_rtcp, SA_ALL)) {
		ms->raddr_rtcp = *raddr_rtcp;
	}
	else {
		ms->raddr_rtcp = *raddr;
		sa_set_port(&ms->raddr_rtcp, sa_port(raddr) + 1);
	}

	rtcp_start(ms->rtp, ms->cname, &ms->raddr_rtcp);

	if (!ms->started) {
		err = mclock_add(ms->mc, &ms->ent, tick_handler, ms);
		if (err)
			return err;
		ms->started = true;
		ms->talkspurt = false;
	}

	return 0;
}

void mstream_stop(struct mstream *ms)
{
	if (!ms || !ms->started)
		return;

	mclock_remove(&ms->ent);
	ms->started = false;
	ms->talkspurt = false;
	ms->tx_ev.active = false;
	ms->tx_ev.len = 0;
}

void mstream_set_dir(struct mstream *ms, enum sdp_dir dir)
{
	if (!ms)
		return;

	/* coming off hold: the peer's silence so far was expected */
	if (!recv_enabled(ms) && (dir & SDP_RECVONLY))
		ms->last_rx_ns = mclock_now_ns();

	ms->dir = dir;
}

enum sdp_dir mstream_dir(const struct mstream *ms)
{
	return ms ? ms->dir : SDP_INACTIVE;
}

void mstream_set_inband(struct mstream *ms, bool on)
{
	if (!ms)
		return;

	if (on && !ms->inband)
		dtmf_dec_reset(ms->dec, MSTREAM_SRATE, 1);
	ms->inband = on;
}

void mstream_set_timeout(struct mstream *ms, uint32_t ms_timeout)
{
	if (!ms)
		return;

	ms->timeout_ms = ms_timeout;
	ms->timed_out = false;
}

int mstream_set_srtp(struct mstream *ms, const struct sdes_crypto *tx,
		     const struct sdes_crypto *rx)
{
	struct msrtp *s = NULL;
	int err;

	if (!ms || !tx || !rx)
		return EINVAL;

	err = msrtp_alloc(&s, rtp_sock(ms->rtp), rtcp_sock(ms->rtp), tx, rx);
	if (err)
		return err;

	mem_deref(ms->srtp);
	ms->srtp = s;

	return 0;
}

int mstream_send_dtmf(struct mstream *ms, const char *keys,
		      uint32_t duration_ms)
{
	size_t i, n;

	if (!ms || !keys)
		return EINVAL;
	if (ms->te_pt < 0)
		return EPROTO;

	if (!duration_ms)
		duration_ms = EVENT_DEFAULT_MS;
	if (duration_ms < 40 || duration_ms > EVENT_MAX_MS)
		return ERANGE;

	n = strlen(keys);
	for (i = 0; i < n; i++) {
		if (dtmf_key2code(keys[i]) < 0)
			return EINVAL;
	}
	if (ms->tx_ev.len + n > DTMF_QUEUE)
		return EOVERFLOW;

	for (i = 0; i < n; i++) {
		unsigned slot = (ms->tx_ev.head + ms->tx_ev.len) % DTMF_QUEUE;

		ms->tx_ev.keyv[slot] = keys[i];
		ms->tx_ev.durv[slot] = duration_ms * (MSTREAM_SRATE / 1000);
		++ms->tx_ev.len;
	}

	return 0;
}

static void send_packet(struct mstream *ms, bool marker, uint8_t pt,
			uint32_t ts)
{
	struct mbuf *mb = ms->txmb;
	size_t len = mb->end - RTP_HEADER_SIZE;
	int err;

	mb->pos = RTP_HEADER_SIZE;
	err = rtp_send(ms->rtp, &ms->raddr, false, marker, pt, ts, mb);
	if (err) {
		++ms->stats.tx_errors;
		return;
	}

	++ms->stats.tx_packets;
	ms->stats.tx_bytes += len;
}

static void send_audio(struct mstream *ms, uint32_t ts)
{
	int16_t pcm[MSTREAM_FRAME];
	struct mbuf *mb = ms->txmb;
	uint8_t *p;
	size_t i;

	if (ms->h.srch)
		ms->h.srch(pcm, MSTREAM_FRAME, ms->h.arg);
	else
		memset(pcm, 0, sizeof(pcm));

	mb->pos = mb->end = RTP_HEADER_SIZE;
	if (mbuf_fill(mb, 0, MSTREAM_FRAME))
		return;
	p = mb->buf + RTP_HEADER_SIZE;

	if (ms->codec == MSTREAM_PCMU) {
		for (i = 0; i < MSTREAM_FRAME; i++)
			p[i] = g711_pcm2ulaw(pcm[i]);
	}
	else {
		for (i = 0; i < MSTREAM_FRAME; i++)
			p[i] = g711_pcm2alaw(pcm[i]);
	}

	send_packet(ms, !ms->talkspurt, (uint8_t)ms->codec, ts);
	ms->talkspurt = true;
}

static void send_event_packet(struct mstream *ms, bool marker, bool end)
{
	struct dtmf_event ev;
	struct mbuf *mb = ms->txmb;

	ev.event = ms->tx_ev.code;
	ev.end = end;
	ev.volume = EVENT_VOLUME;
	ev.duration = (uint16_t)ms->tx_ev.dur;

	mb->pos = mb->end = RTP_HEADER_SIZE;
	if (dtmf_event_encode(mb, &ev))
		return;

	send_packet(ms, marker, (uint8_t)ms->te_pt, ms->tx_ev.ts);
	++ms->stats.tx_events;
}

/* One tick of an event; false when the tick is free for audio. */
static bool send_event(struct mstream *ms, uint32_t ts)
{
	bool start = false;

	if (!ms->tx_ev.active) {
		if (ms->tx_ev.gap) {
			--ms->tx_ev.gap;
			return false;
		}
		if (!ms->tx_ev.len || ms->te_pt < 0)
			return false;

		ms->tx_ev.active = true;
		ms->tx_ev.code = (uint8_t)dtmf_key2code(
			ms->tx_ev.keyv[ms->tx_ev.head]);
		ms->tx_ev.total = ms->tx_ev.durv[ms->tx_ev.head];
		ms->tx_ev.head = (ms->tx_ev.head + 1) % DTMF_QUEUE;
		--ms->tx_ev.len;
		ms->tx_ev.ts = ts;
		ms->tx_ev.dur = 0;
		ms->tx_ev.ends = 0;
		start = true;
	}

	if (ms->tx_ev.dur < ms->tx_ev.total) {
		ms->tx_ev.dur += MSTREAM_FRAME;
		if (ms->tx_ev.dur > ms->tx_ev.total)
			ms->tx_ev.dur = ms->tx_ev.total;
		if (ms->tx_ev.dur < ms->tx_ev.total) {
			send_event_packet(ms, start, false);
			return true;
		}
	}

	send_event_packet(ms, start, true);
	if (++ms->tx_ev.ends >= EVENT_END_REPEAT) {
		ms->tx_ev.active = false;
		ms->tx_ev.gap = EVENT_GAP_TICKS;
	}

	return true;
}

static void tick_handler(uint64_t tick, void *arg)
{
	struct mstream *ms = arg;
	uint32_t ts;

	if (!ms->tick0_set) {
		ms->tick0 = tick;
		ms->tick0_set = true;
	}
	else if (tick != ms->last_tick + 1) {
		/* the clock skipped periods after a stall: a new talkspurt */
		ms->talkspurt = false;
	}
	ms->last_tick = tick;
	ts = ms->ts0 + (uint32_t)(tick - ms->tick0) * MSTREAM_FRAME;

	if (send_enabled(ms)) {
		if (!send_event(ms, ts))
			send_audio(ms, ts);
	}
	else {
		ms->talkspurt = false;
	}

	/* last: the handler may free this stream */
	if (ms->timeout_ms && recv_enabled(ms) && !ms->timed_out &&
	    mclock_now_ns() - ms->last_rx_ns >=
	    (uint64_t)ms->timeout_ms * 1000000ULL) {
		char a[64];

		ms->timed_out = true;
		log_info("rtp: no RTP from %s for %u ms",
			 sa_str(a, sizeof(a), &ms->raddr), ms->timeout_ms);
		if (ms->h.timeouth)
			ms->h.timeouth(ms->h.arg);
	}
}

void mstream_stats(const struct mstream *ms, struct mstream_stats *st)
{
	if (!ms || !st)
		return;

	*st = ms->stats;
	if (ms->seq_init) {
		st->rx_lost = ms->lost_acc + (int64_t)ms->cycles +
			ms->max_seq - ms->base_seq + 1 - (int64_t)ms->received;
	}
	else {
		st->rx_lost = ms->lost_acc;
	}
	st->jitter = ms->jitter_q4 >> 4;

	if (ms->srtp) {
		struct msrtp_stats ss;

		msrtp_stats(ms->srtp, &ss);
		st->srtp_dropped = ss.rtp_dropped + ss.rtcp_dropped;
	}
}
