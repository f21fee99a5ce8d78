/*
 * RTP streams over real loopback sockets inside re_main, paced by the
 * media clock: audio both ways (PCMU, PCMA), header continuity seen by a
 * raw socket, RFC 4733 events once per press, in-band DTMF, latching,
 * hold and the RTP timeout. Waits are event-driven with a deadline.
 */
#include <math.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/mclock.h>
#include <callflowd/media/mstream.h>
#include "test.h"

#define LOOP_DEADLINE_MS 5000

struct peer {
	struct mstream *ms;
	double phase;		/* tone source */
	double freq;
	int16_t rxv[16000];	/* decoded audio received */
	size_t rxn;
	char keys[32];
	enum dtmf_source srcv[32];
	size_t nkeys;
	unsigned timeouts;
	const char *script;	/* in-band: key per 100 ms, ' ' = silence */
	uint64_t script_pos;
};

typedef bool (cond_h)(void *arg);

struct waiter {
	struct tmr tmr;
	cond_h *condh;
	void *arg;
	uint64_t deadline;
	bool met;
};

static void wait_tick(void *arg)
{
	struct waiter *w = arg;

	if (w->condh(w->arg)) {
		w->met = true;
		re_cancel();
		return;
	}
	if (tmr_jiffies() >= w->deadline) {
		re_cancel();
		return;
	}
	tmr_start(&w->tmr, 2, wait_tick, w);
}

/* Run the loop until condh holds (true) or the deadline passes. */
static bool run_until(cond_h *condh, void *arg, uint32_t max_ms)
{
	struct waiter w;

	memset(&w, 0, sizeof(w));
	tmr_init(&w.tmr);
	w.condh = condh;
	w.arg = arg;
	w.deadline = tmr_jiffies() + max_ms;
	tmr_start(&w.tmr, 0, wait_tick, &w);
	(void)re_main(NULL);
	tmr_cancel(&w.tmr);

	return w.met;
}

static void tone_src(int16_t *frame, size_t n, void *arg)
{
	struct peer *p = arg;
	size_t i;

	for (i = 0; i < n; i++) {
		frame[i] = (int16_t)(8000 * sin(p->phase));
		p->phase += 2 * M_PI * p->freq / MSTREAM_SRATE;
	}
}

static void script_src(int16_t *frame, size_t n, void *arg)
{
	struct peer *p = arg;
	size_t idx = (size_t)(p->script_pos / 800);
	char key = p->script[idx] ? p->script[idx] : ' ';

	if (key == ' ')
		memset(frame, 0, n * sizeof(*frame));
	else
		(void)dtmf_tone(frame, n, key, MSTREAM_SRATE,
				p->script_pos % 800, 6000);
	p->script_pos += n;
}

static void sink(const int16_t *frame, size_t n, void *arg)
{
	struct peer *p = arg;

	if (p->rxn + n > ARRAY_SIZE(p->rxv))
		n = ARRAY_SIZE(p->rxv) - p->rxn;
	memcpy(p->rxv + p->rxn, frame, n * sizeof(*frame));
	p->rxn += n;
}

static void dtmf_h(char key, enum dtmf_source src, void *arg)
{
	struct peer *p = arg;

	if (p->nkeys + 1 < sizeof(p->keys)) {
		p->srcv[p->nkeys] = src;
		p->keys[p->nkeys++] = key;
	}
}

static void timeout_h(void *arg)
{
	struct peer *p = arg;

	++p->timeouts;
}

static int peer_alloc(struct peer *p, struct mclock *mc, uint32_t to_ms,
		      mstream_src_h *srch)
{
	struct mstream_conf conf;
	struct mstream_handlers h;

	memset(&conf, 0, sizeof(conf));
	(void)sa_set_str(&conf.laddr, "127.0.0.1", 0);
	conf.port_min = 20000;
	conf.port_max = 29998;
	conf.rtp_timeout_ms = to_ms;

	memset(&h, 0, sizeof(h));
	h.srch = srch;
	h.sinkh = sink;
	h.dtmfh = dtmf_h;
	h.timeouth = timeout_h;
	h.arg = p;

	return mstream_alloc(&p->ms, mc, &conf, &h);
}

/* Sign changes; a 1 kHz tone at 8 kHz has n/4 of them. */
static size_t zero_crossings(const int16_t *v, size_t n)
{
	size_t i, c = 0;

	for (i = 1; i < n; i++) {
		if ((v[i] < 0) != (v[i - 1] < 0))
			++c;
	}

	return c;
}

struct pair {
	struct peer *a, *b;
	size_t want;
};

static bool both_have_audio(void *arg)
{
	struct pair *pr = arg;

	return pr->a->rxn >= pr->want && pr->b->rxn >= pr->want;
}

static void tone_both_ways(enum mstream_codec codec)
{
	static struct peer a, b;
	struct mclock *mc = NULL;
	struct mstream_stats st;
	struct pair pr = {&a, &b, 8000};
	size_t zc;
	int err;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.freq = b.freq = 1000;
	a.phase = b.phase = M_PI / 8;	/* no sample lands on zero */

	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err  = peer_alloc(&a, mc, 0, tone_src);
	err |= peer_alloc(&b, mc, 0, tone_src);
	ASSERT_INT_EQ(err, 0);

	err  = mstream_start(a.ms, codec, 101, mstream_laddr(b.ms), NULL);
	err |= mstream_start(b.ms, codec, 101, mstream_laddr(a.ms), NULL);
	ASSERT_INT_EQ(err, 0);

	ASSERT_TRUE(run_until(both_have_audio, &pr, LOOP_DEADLINE_MS));

	/* one second each way: 2000 crossings for 1 kHz */
	zc = zero_crossings(a.rxv, 8000);
	ASSERT_TRUE(zc >= 1990 && zc <= 2010);
	zc = zero_crossings(b.rxv, 8000);
	ASSERT_TRUE(zc >= 1990 && zc <= 2010);

	mstream_stats(b.ms, &st);
	ASSERT_TRUE(st.rx_packets >= 50);
	ASSERT_INT_EQ(st.rx_lost, 0);
	ASSERT_INT_EQ(st.rx_ignored, 0);
	mstream_stats(a.ms, &st);
	ASSERT_TRUE(st.tx_packets >= 50);
	ASSERT_INT_EQ(st.rx_lost, 0);
	ASSERT_TRUE(st.ssrc != st.rx_ssrc);

	a.ms = mem_deref(a.ms);
	b.ms = mem_deref(b.ms);
	mem_deref(mc);
}

TEST(tone_pcmu)
{
	tone_both_ways(MSTREAM_PCMU);
}

TEST(tone_pcma)
{
	tone_both_ways(MSTREAM_PCMA);
}

/* A raw socket records the headers a stream sends. */
struct capture {
	struct udp_sock *us;
	struct rtp_header hdrv[200];
	uint8_t payload0[200];
	size_t n;
	size_t want;
};

static void capture_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct capture *c = arg;
	struct rtp_header hdr;
	(void)src;

	if (c->n >= ARRAY_SIZE(c->hdrv))
		return;
	memset(&hdr, 0, sizeof(hdr));
	if (rtp_hdr_decode(&hdr, mb))
		return;
	c->payload0[c->n] = mbuf_get_left(mb) ? mbuf_buf(mb)[0] : 0;
	c->hdrv[c->n++] = hdr;
}

static int capture_open(struct capture *c, struct sa *addr)
{
	int err;

	(void)sa_set_str(addr, "127.0.0.1", 0);
	err = udp_listen(&c->us, addr, capture_recv, c);
	if (err)
		return err;

	return udp_local_get(c->us, addr);
}

struct hold_ctl {
	struct capture *cap;
	struct mstream *ms;
	uint64_t resume_tick;
	struct mclock *mc;
	int phase;
};

static bool hold_then_resume(void *arg)
{
	struct hold_ctl *h = arg;

	/* 20 packets, 5 periods on hold, then 20 more */
	if (h->phase == 0 && h->cap->n >= 20) {
		mstream_set_dir(h->ms, SDP_RECVONLY);
		h->resume_tick = mclock_tick(h->mc) + 5;
		h->phase = 1;
	}
	else if (h->phase == 1 && mclock_tick(h->mc) >= h->resume_tick) {
		mstream_set_dir(h->ms, SDP_SENDRECV);
		h->phase = 2;
	}

	return h->cap->n >= h->cap->want;
}

TEST(header_continuity_and_talkspurt)
{
	static struct peer a;
	static struct capture cap;
	struct hold_ctl hc;
	struct mclock *mc = NULL;
	struct sa dst;
	size_t i, resume = 0;
	int err;

	memset(&a, 0, sizeof(a));
	memset(&cap, 0, sizeof(cap));
	a.freq = 1000;

	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err = capture_open(&cap, &dst);
	ASSERT_INT_EQ(err, 0);
	err = peer_alloc(&a, mc, 0, tone_src);
	ASSERT_INT_EQ(err, 0);
	err = mstream_start(a.ms, MSTREAM_PCMA, 101, &dst, NULL);
	ASSERT_INT_EQ(err, 0);

	memset(&hc, 0, sizeof(hc));
	hc.cap = &cap;
	hc.ms = a.ms;
	hc.mc = mc;
	cap.want = 40;
	ASSERT_TRUE(run_until(hold_then_resume, &hc, LOOP_DEADLINE_MS));

	ASSERT_TRUE(cap.hdrv[0].m);
	for (i = 0; i < cap.n; i++) {
		const struct rtp_header *h = &cap.hdrv[i];

		ASSERT_INT_EQ(h->ver, 2);
		ASSERT_INT_EQ(h->pt, MSTREAM_PCMA);
		ASSERT_INT_EQ(h->ssrc, cap.hdrv[0].ssrc);
		if (!i)
			continue;
		ASSERT_INT_EQ((uint16_t)(h->seq - cap.hdrv[i - 1].seq), 1);
		if (h->m) {
			/* a new talkspurt: time went on by whole frames
			 * (after hold, or if a loaded CI host stalled) */
			ASSERT_TRUE(h->ts - cap.hdrv[i - 1].ts > 160);
			ASSERT_INT_EQ((h->ts - cap.hdrv[i - 1].ts) % 160, 0);
			if (h->ts - cap.hdrv[i - 1].ts >= 160 * 5 && !resume)
				resume = i;
		}
		else {
			ASSERT_INT_EQ(h->ts - cap.hdrv[i - 1].ts, 160);
		}
	}
	ASSERT_TRUE(resume >= 20);

	a.ms = mem_deref(a.ms);
	cap.us = mem_deref(cap.us);
	mem_deref(mc);
}

struct dtmf_wait {
	struct peer *b;
	struct mstream *a;
	uint64_t events;
};

static bool events_sent_and_heard(void *arg)
{
	struct dtmf_wait *w = arg;
	struct mstream_stats st;

	mstream_stats(w->a, &st);

	/* every packet was sent; the last ones arrive within a poll */
	if (st.tx_events < w->events)
		return false;
	mstream_stats(w->b->ms, &st);

	return st.rx_packets >= w->events + 50 && w->b->nkeys >= 4;
}

TEST(telephone_event_once_per_key)
{
	static struct peer a, b;
	struct mclock *mc = NULL;
	struct mstream_stats st;
	struct dtmf_wait w;
	size_t i;
	int err;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.freq = b.freq = 440;

	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err  = peer_alloc(&a, mc, 0, tone_src);
	err |= peer_alloc(&b, mc, 0, tone_src);
	ASSERT_INT_EQ(err, 0);
	err  = mstream_start(a.ms, MSTREAM_PCMU, 101, mstream_laddr(b.ms),
			     NULL);
	err |= mstream_start(b.ms, MSTREAM_PCMU, 101, mstream_laddr(a.ms),
			     NULL);
	ASSERT_INT_EQ(err, 0);

	ASSERT_INT_EQ(mstream_send_dtmf(a.ms, "1x", 0), EINVAL);
	ASSERT_INT_EQ(mstream_send_dtmf(a.ms, "19#", 0), 0);
	ASSERT_INT_EQ(mstream_send_dtmf(a.ms, "*", 200), 0);

	/* 100 ms: 4 updates + 3 ends; 200 ms: 9 updates + 3 ends */
	memset(&w, 0, sizeof(w));
	w.a = a.ms;
	w.b = &b;
	w.events = 3 * 7 + 12;
	ASSERT_TRUE(run_until(events_sent_and_heard, &w, LOOP_DEADLINE_MS));

	mstream_stats(a.ms, &st);
	ASSERT_INT_EQ(st.tx_events, w.events);
	ASSERT_INT_EQ(b.nkeys, 4);
	ASSERT_STR_EQ(b.keys, "19#*");
	for (i = 0; i < b.nkeys; i++)
		ASSERT_INT_EQ(b.srcv[i], DTMF_SRC_RFC4733);
	/* in-band detection is off with telephone-event: no doubles */
	ASSERT_INT_EQ(a.nkeys, 0);

	a.ms = mem_deref(a.ms);
	b.ms = mem_deref(b.ms);
	mem_deref(mc);
}

static int send_raw(struct udp_sock *us, const struct sa *dst, bool m,
		    uint8_t pt, uint16_t seq, uint32_t ts, const uint8_t *pl,
		    size_t len)
{
	struct rtp_header hdr;
	struct mbuf *mb = mbuf_alloc(64);
	int err;

	if (!mb)
		return ENOMEM;
	memset(&hdr, 0, sizeof(hdr));
	hdr.ver = 2;
	hdr.m = m;
	hdr.pt = pt;
	hdr.seq = seq;
	hdr.ts = ts;
	hdr.ssrc = 0x11223344;
	err  = rtp_hdr_encode(mb, &hdr);
	err |= mbuf_write_mem(mb, pl, len);
	mb->pos = 0;
	if (!err)
		err = udp_send(us, dst, mb);
	mem_deref(mb);

	return err;
}

static bool got_rx(void *arg)
{
	struct dtmf_wait *w = arg;
	struct mstream_stats st;

	mstream_stats(w->b->ms, &st);

	return st.rx_packets + st.rx_ignored >= w->events;
}

/* Injected packets: redundant ends, reordering, a repeated key. */
TEST(telephone_event_redundancy_raw)
{
	static struct peer b;
	static struct capture cap;
	struct mclock *mc = NULL;
	struct dtmf_wait w;
	struct sa src;
	const struct sa *dst;
	struct mbuf *mb;
	uint16_t seq = 1000;
	unsigned i, sent = 0;
	int err;

	memset(&b, 0, sizeof(b));
	memset(&cap, 0, sizeof(cap));
	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err = capture_open(&cap, &src);
	ASSERT_INT_EQ(err, 0);
	err = peer_alloc(&b, mc, 0, NULL);
	ASSERT_INT_EQ(err, 0);
	err = mstream_start(b.ms, MSTREAM_PCMU, 96, &src, NULL);
	ASSERT_INT_EQ(err, 0);
	dst = mstream_laddr(b.ms);
	mb = mbuf_alloc(8);
	ASSERT_NOT_NULL(mb);

	/* key 5 at ts 1000: start, 2 updates, 3 ends, a late update;
	 * key 5 again at ts 3000 (second press): only its 3 ends;
	 * key # at ts 5000: an end arriving first, then the rest */
	{
		const struct { uint8_t code; bool end; uint16_t dur;
			       uint32_t ts; bool m; } pv[] = {
			{5, false, 160, 1000, true},
			{5, false, 320, 1000, false},
			{5, false, 480, 1000, false},
			{5, true, 800, 1000, false},
			{5, true, 800, 1000, false},
			{5, true, 800, 1000, false},
			{5, false, 640, 1000, false},
			{5, true, 800, 3000, false},
			{5, true, 800, 3000, false},
			{5, true, 800, 3000, false},
			{11, true, 800, 5000, false},
			{11, false, 160, 5000, true},
			{11, true, 800, 5000, false},
			{11, true, 800, 5000, false},
			{12, false, 160, 5000, false},	/* same ts: one event */
		};

		for (i = 0; i < ARRAY_SIZE(pv); i++) {
			struct dtmf_event ev = {pv[i].code, pv[i].end, 10,
						pv[i].dur};

			mb->pos = mb->end = 0;
			err = dtmf_event_encode(mb, &ev);
			ASSERT_INT_EQ(err, 0);
			err = send_raw(cap.us, dst, pv[i].m, 96, seq++,
				       pv[i].ts, mb->buf, mb->end);
			ASSERT_INT_EQ(err, 0);
			++sent;
		}
	}
	/* an unnegotiated PT is ignored and does not latch */
	mb->pos = mb->end = 0;
	(void)mbuf_write_u32(mb, 0);
	err = send_raw(cap.us, dst, false, 97, seq++, 7000, mb->buf, 4);
	ASSERT_INT_EQ(err, 0);
	++sent;

	memset(&w, 0, sizeof(w));
	w.b = &b;
	w.events = sent;
	ASSERT_TRUE(run_until(got_rx, &w, LOOP_DEADLINE_MS));

	ASSERT_STR_EQ(b.keys, "55#");

	mem_deref(mb);
	b.ms = mem_deref(b.ms);
	cap.us = mem_deref(cap.us);
	mem_deref(mc);
}

static bool keys_heard(void *arg)
{
	struct peer *p = arg;

	/* the script is 9 steps of 100 ms; wait for its end plus 100 ms */
	return p->rxn >= 8000;
}

TEST(inband_dtmf_detected_without_te)
{
	static struct peer a, b;
	struct mclock *mc = NULL;
	size_t i;
	int err;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.script = " 5  9  # ";

	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err  = peer_alloc(&a, mc, 0, script_src);
	err |= peer_alloc(&b, mc, 0, NULL);
	ASSERT_INT_EQ(err, 0);
	err  = mstream_start(a.ms, MSTREAM_PCMU, -1, mstream_laddr(b.ms),
			     NULL);
	err |= mstream_start(b.ms, MSTREAM_PCMU, -1, mstream_laddr(a.ms),
			     NULL);
	ASSERT_INT_EQ(err, 0);
	ASSERT_INT_EQ(mstream_send_dtmf(a.ms, "1", 0), EPROTO);

	ASSERT_TRUE(run_until(keys_heard, &b, LOOP_DEADLINE_MS));

	ASSERT_STR_EQ(b.keys, "59#");
	for (i = 0; i < b.nkeys; i++)
		ASSERT_INT_EQ(b.srcv[i], DTMF_SRC_INBAND);

	a.ms = mem_deref(a.ms);
	b.ms = mem_deref(b.ms);
	mem_deref(mc);
}

static bool timed_out(void *arg)
{
	struct peer *p = arg;

	return p->timeouts > 0;
}

TEST(rtp_timeout_fires)
{
	static struct peer a;
	static struct capture cap;
	struct mclock *mc = NULL;
	struct sa dst;
	int err;

	memset(&a, 0, sizeof(a));
	memset(&cap, 0, sizeof(cap));
	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err = capture_open(&cap, &dst);	/* a peer that never sends */
	ASSERT_INT_EQ(err, 0);
	err = peer_alloc(&a, mc, 150, NULL);
	ASSERT_INT_EQ(err, 0);
	err = mstream_start(a.ms, MSTREAM_PCMU, 101, &dst, NULL);
	ASSERT_INT_EQ(err, 0);

	ASSERT_TRUE(run_until(timed_out, &a, LOOP_DEADLINE_MS));
	ASSERT_INT_EQ(a.timeouts, 1);
	/* it kept sending while waiting: about 150 ms of packets */
	ASSERT_TRUE(cap.n >= 5);

	a.ms = mem_deref(a.ms);
	cap.us = mem_deref(cap.us);
	mem_deref(mc);
}

static bool all_gone(void *arg)
{
	return mclock_count(arg) == 0;
}

static void free_on_timeout(void *arg)
{
	struct peer *p = arg;

	++p->timeouts;
	p->ms = mem_deref(p->ms);	/* as a call ending would */
}

/* The timeout handler runs from the clock tick and may free the stream,
 * also while other streams on the same slot are still to be served. */
TEST(rtp_timeout_handler_frees_stream)
{
	static struct peer pv[6];
	static struct capture cap;
	struct mstream_handlers h;
	struct mstream_conf conf;
	struct mclock *mc = NULL;
	struct sa dst;
	size_t i;
	int err;

	memset(pv, 0, sizeof(pv));
	memset(&cap, 0, sizeof(cap));
	err = mclock_alloc(&mc, 20, 1);	/* all on one slot */
	ASSERT_INT_EQ(err, 0);
	err = capture_open(&cap, &dst);
	ASSERT_INT_EQ(err, 0);

	memset(&conf, 0, sizeof(conf));
	(void)sa_set_str(&conf.laddr, "127.0.0.1", 0);
	conf.port_min = 20000;
	conf.port_max = 29998;
	conf.rtp_timeout_ms = 100;
	for (i = 0; i < ARRAY_SIZE(pv); i++) {
		memset(&h, 0, sizeof(h));
		h.timeouth = free_on_timeout;
		h.arg = &pv[i];
		err = mstream_alloc(&pv[i].ms, mc, &conf, &h);
		ASSERT_INT_EQ(err, 0);
		err = mstream_start(pv[i].ms, MSTREAM_PCMU, 101, &dst, NULL);
		ASSERT_INT_EQ(err, 0);
	}

	ASSERT_TRUE(run_until(all_gone, mc, LOOP_DEADLINE_MS));
	for (i = 0; i < ARRAY_SIZE(pv); i++) {
		ASSERT_INT_EQ(pv[i].timeouts, 1);
		ASSERT_NULL(pv[i].ms);
	}

	cap.us = mem_deref(cap.us);
	mem_deref(mc);
}

static bool a_heard_a_lot(void *arg)
{
	struct peer *p = arg;

	return p->timeouts > 0 || p->rxn >= 60 * MSTREAM_FRAME;
}

TEST(rtp_timeout_quiet_while_receiving)
{
	static struct peer a, b;
	struct mclock *mc = NULL;
	int err;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.freq = b.freq = 1000;
	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err  = peer_alloc(&a, mc, 400, tone_src);
	err |= peer_alloc(&b, mc, 0, tone_src);
	ASSERT_INT_EQ(err, 0);
	err  = mstream_start(a.ms, MSTREAM_PCMU, 101, mstream_laddr(b.ms),
			     NULL);
	err |= mstream_start(b.ms, MSTREAM_PCMU, 101, mstream_laddr(a.ms),
			     NULL);
	ASSERT_INT_EQ(err, 0);

	/* 1.2 s of traffic, three times the timeout */
	ASSERT_TRUE(run_until(a_heard_a_lot, &a, LOOP_DEADLINE_MS));
	ASSERT_INT_EQ(a.timeouts, 0);

	a.ms = mem_deref(a.ms);
	b.ms = mem_deref(b.ms);
	mem_deref(mc);
}

struct latch_wait {
	struct peer *b;
	uint64_t ignored;
};

static bool b_ignored_enough(void *arg)
{
	struct latch_wait *w = arg;
	struct mstream_stats st;

	mstream_stats(w->b->ms, &st);

	return st.rx_ignored >= w->ignored;
}

TEST(latches_to_first_source)
{
	static struct peer a, b;
	static struct capture intruder, silent;
	struct mclock *mc = NULL;
	struct mstream_stats st;
	struct latch_wait w;
	struct sa isa, ssa;
	uint8_t pl[160];
	int err;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&intruder, 0, sizeof(intruder));
	memset(&silent, 0, sizeof(silent));
	a.freq = 1000;
	memset(pl, 0xff, sizeof(pl));

	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err = capture_open(&intruder, &isa);
	ASSERT_INT_EQ(err, 0);
	/* the address b's SDP names never sends (a peer behind NAT) */
	err = capture_open(&silent, &ssa);
	ASSERT_INT_EQ(err, 0);
	err  = peer_alloc(&a, mc, 0, tone_src);
	err |= peer_alloc(&b, mc, 0, NULL);
	ASSERT_INT_EQ(err, 0);
	err = mstream_start(b.ms, MSTREAM_PCMU, 101, &ssa, NULL);
	ASSERT_INT_EQ(err, 0);

	/* the first valid packet comes from elsewhere: b latches to it */
	err = send_raw(intruder.us, mstream_laddr(b.ms), true, MSTREAM_PCMU,
		       1, 160, pl, sizeof(pl));
	ASSERT_INT_EQ(err, 0);
	err = mstream_start(a.ms, MSTREAM_PCMU, 101, mstream_laddr(b.ms),
			    NULL);
	ASSERT_INT_EQ(err, 0);

	memset(&w, 0, sizeof(w));
	w.b = &b;
	w.ignored = 10;
	ASSERT_TRUE(run_until(b_ignored_enough, &w, LOOP_DEADLINE_MS));

	mstream_stats(b.ms, &st);
	ASSERT_INT_EQ(st.rx_packets, 1);
	ASSERT_INT_EQ(b.rxn, 160);

	a.ms = mem_deref(a.ms);
	b.ms = mem_deref(b.ms);
	intruder.us = mem_deref(intruder.us);
	silent.us = mem_deref(silent.us);
	mem_deref(mc);
}

static bool b_heard_a(void *arg)
{
	struct latch_wait *w = arg;
	struct mstream_stats st;

	mstream_stats(w->b->ms, &st);
	return st.rx_packets >= 10;
}

/* A peer that moved its media (re-INVITE) is heard at the address its
 * SDP names even when a stale or foreign source latched first. */
TEST(signalled_address_takes_the_latch)
{
	static struct peer a, b;
	static struct capture intruder;
	struct mclock *mc = NULL;
	struct mstream_stats st;
	struct latch_wait w;
	struct sa isa;
	uint8_t pl[160];
	uint64_t before;
	int err;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&intruder, 0, sizeof(intruder));
	a.freq = 1000;
	memset(pl, 0xff, sizeof(pl));

	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err = capture_open(&intruder, &isa);
	ASSERT_INT_EQ(err, 0);
	err  = peer_alloc(&a, mc, 0, tone_src);
	err |= peer_alloc(&b, mc, 0, NULL);
	ASSERT_INT_EQ(err, 0);
	err = mstream_start(b.ms, MSTREAM_PCMU, 101, mstream_laddr(a.ms),
			    NULL);
	ASSERT_INT_EQ(err, 0);

	err = send_raw(intruder.us, mstream_laddr(b.ms), true, MSTREAM_PCMU,
		       1, 160, pl, sizeof(pl));
	ASSERT_INT_EQ(err, 0);
	err = mstream_start(a.ms, MSTREAM_PCMU, 101, mstream_laddr(b.ms),
			    NULL);
	ASSERT_INT_EQ(err, 0);

	memset(&w, 0, sizeof(w));
	w.b = &b;
	ASSERT_TRUE(run_until(b_heard_a, &w, LOOP_DEADLINE_MS));

	/* the foreign source is ignored from now on */
	mstream_stats(b.ms, &st);
	before = st.rx_ignored;
	err = send_raw(intruder.us, mstream_laddr(b.ms), false, MSTREAM_PCMU,
		       2, 320, pl, sizeof(pl));
	ASSERT_INT_EQ(err, 0);
	w.ignored = before + 1;
	ASSERT_TRUE(run_until(b_ignored_enough, &w, LOOP_DEADLINE_MS));

	a.ms = mem_deref(a.ms);
	b.ms = mem_deref(b.ms);
	intruder.us = mem_deref(intruder.us);
	mem_deref(mc);
}

struct hold_wait {
	struct mstream *a;
	uint64_t ticks_until;
	struct mclock *mc;
};

static bool ticks_passed(void *arg)
{
	struct hold_wait *w = arg;

	return mclock_tick(w->mc) >= w->ticks_until;
}

TEST(hold_directions_stop_media)
{
	static struct peer a, b;
	struct mclock *mc = NULL;
	struct mstream_stats sa1, sb1;
	struct hold_wait w;
	int err;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.freq = b.freq = 1000;
	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err  = peer_alloc(&a, mc, 0, tone_src);
	err |= peer_alloc(&b, mc, 0, tone_src);
	ASSERT_INT_EQ(err, 0);
	err  = mstream_start(a.ms, MSTREAM_PCMU, 101, mstream_laddr(b.ms),
			     NULL);
	err |= mstream_start(b.ms, MSTREAM_PCMU, 101, mstream_laddr(a.ms),
			     NULL);
	ASSERT_INT_EQ(err, 0);

	/* a holds b: a sends only; b (told recvonly) sends nothing */
	mstream_set_dir(a.ms, SDP_SENDONLY);
	mstream_set_dir(b.ms, SDP_RECVONLY);
	ASSERT_INT_EQ(mstream_dir(a.ms), SDP_SENDONLY);

	memset(&w, 0, sizeof(w));
	w.mc = mc;
	w.ticks_until = mclock_tick(mc) + 10;
	ASSERT_TRUE(run_until(ticks_passed, &w, LOOP_DEADLINE_MS));

	mstream_stats(a.ms, &sa1);
	mstream_stats(b.ms, &sb1);
	ASSERT_INT_EQ(sb1.tx_packets, 0);
	ASSERT_INT_EQ(sa1.rx_packets, 0);
	ASSERT_TRUE(sa1.tx_packets >= 9);
	ASSERT_TRUE(sb1.rx_packets >= 8);

	/* both inactive: nothing moves at all */
	mstream_set_dir(a.ms, SDP_INACTIVE);
	mstream_set_dir(b.ms, SDP_INACTIVE);
	w.ticks_until = mclock_tick(mc) + 2;
	ASSERT_TRUE(run_until(ticks_passed, &w, LOOP_DEADLINE_MS));
	mstream_stats(a.ms, &sa1);
	mstream_stats(b.ms, &sb1);
	w.ticks_until = mclock_tick(mc) + 10;
	ASSERT_TRUE(run_until(ticks_passed, &w, LOOP_DEADLINE_MS));
	{
		struct mstream_stats sa2, sb2;

		mstream_stats(a.ms, &sa2);
		mstream_stats(b.ms, &sb2);
		ASSERT_INT_EQ(sa2.tx_packets, sa1.tx_packets);
		ASSERT_INT_EQ(sb2.tx_packets, sb1.tx_packets);
		ASSERT_INT_EQ(sb2.rx_packets, sb1.rx_packets);
	}

	a.ms = mem_deref(a.ms);
	b.ms = mem_deref(b.ms);
	mem_deref(mc);
}

TEST(bad_arguments)
{
	struct mclock *mc = NULL;
	struct mstream *ms = NULL;
	struct mstream_conf conf;
	struct sa dst;

	ASSERT_INT_EQ(mclock_alloc(&mc, 0, 4), EINVAL);
	ASSERT_INT_EQ(mclock_alloc(&mc, 20, 0), EINVAL);
	ASSERT_INT_EQ(mclock_alloc(&mc, 20, 65), EINVAL);
	ASSERT_INT_EQ(mclock_alloc(&mc, 20, 4), 0);

	memset(&conf, 0, sizeof(conf));
	ASSERT_INT_EQ(mstream_alloc(&ms, mc, &conf, NULL), EINVAL);
	(void)sa_set_str(&conf.laddr, "127.0.0.1", 0);
	conf.port_min = 30000;
	conf.port_max = 30000;
	ASSERT_INT_EQ(mstream_alloc(&ms, mc, &conf, NULL), EINVAL);
	conf.port_max = 30100;
	ASSERT_INT_EQ(mstream_alloc(&ms, mc, &conf, NULL), 0);

	(void)sa_set_str(&dst, "127.0.0.1", 9);
	ASSERT_INT_EQ(mstream_start(ms, 3, 101, &dst, NULL), EINVAL);
	ASSERT_INT_EQ(mstream_start(ms, MSTREAM_PCMU, 8, &dst, NULL),
		      EINVAL);
	ASSERT_INT_EQ(mstream_start(ms, MSTREAM_PCMU, 128, &dst, NULL),
		      EINVAL);
	ASSERT_INT_EQ(mclock_count(mc), 0);
	ASSERT_INT_EQ(mstream_start(ms, MSTREAM_PCMU, -1, &dst, NULL), 0);
	ASSERT_INT_EQ(mclock_count(mc), 1);
	mstream_stop(ms);
	ASSERT_INT_EQ(mclock_count(mc), 0);

	mem_deref(ms);
	mem_deref(mc);
}

struct clock_probe {
	struct mclock *mc;
	struct mclock_ent ent;
	uint64_t first_tick;
	uint64_t last_tick;
	unsigned calls;
	int64_t min_late_ns;
	uint64_t t_first;
	uint64_t t_last;
};

static void probe_tick(uint64_t tick, void *arg)
{
	struct clock_probe *p = arg;
	uint64_t now = mclock_now_ns();
	int64_t late = (int64_t)(now - mclock_deadline(p->mc, tick,
							p->ent.slot));

	if (!p->calls) {
		p->first_tick = tick;
		p->t_first = now;
		p->min_late_ns = late;
	}
	else if (tick != p->last_tick + 1) {
		p->min_late_ns = INT64_MIN;	/* a gap: fail below */
	}
	if (late < p->min_late_ns)
		p->min_late_ns = late;
	p->last_tick = tick;
	p->t_last = now;
	++p->calls;
}

static bool probe_done(void *arg)
{
	struct clock_probe *p = arg;

	return p->calls >= 50;
}

/* Ticks come in order, never before their absolute deadline, and the
 * tick count follows elapsed time: no drift. */
TEST(mclock_absolute_schedule)
{
	struct clock_probe p, q;
	struct mclock *mc = NULL;
	uint64_t span_ticks;
	int err;

	memset(&p, 0, sizeof(p));
	memset(&q, 0, sizeof(q));
	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	p.mc = q.mc = mc;
	ASSERT_INT_EQ(mclock_add(mc, &p.ent, probe_tick, &p), 0);
	ASSERT_INT_EQ(mclock_add(mc, &p.ent, probe_tick, &p), EALREADY);
	ASSERT_INT_EQ(mclock_add(mc, &q.ent, probe_tick, &q), 0);
	ASSERT_TRUE(p.ent.slot != q.ent.slot);	/* spread over slots */
	ASSERT_INT_EQ(mclock_count(mc), 2);

	ASSERT_TRUE(run_until(probe_done, &p, LOOP_DEADLINE_MS));

	/* the timerfd never fires early; the tmr fallback by < 1 ms */
	ASSERT_TRUE(p.min_late_ns > -1000000);
	ASSERT_TRUE(q.min_late_ns > -1000000);
	span_ticks = p.last_tick - p.first_tick;
	ASSERT_INT_EQ(span_ticks, p.calls - 1);
	/* elapsed time between first and last tick is span * 20 ms,
	 * give or take the lateness of the two wake-ups */
	ASSERT_TRUE(p.t_last - p.t_first + 5000000 >= span_ticks * 20000000);
	ASSERT_TRUE(p.t_last - p.t_first <= span_ticks * 20000000 + 15000000);

	mclock_remove(&p.ent);
	mclock_remove(&p.ent);	/* twice is harmless */
	ASSERT_INT_EQ(mclock_count(mc), 1);
	mem_deref(mc);		/* unlinks what is left */
	ASSERT_NULL(q.ent.mc);
}
