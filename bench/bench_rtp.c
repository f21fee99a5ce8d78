/*
 * bench_rtp: N RTP streams on one media clock, all on the libre loop
 * thread, sending G.711 to a sink socket on loopback (or to each other
 * in pairs with "duplex", so every stream also receives and decodes).
 * Prints the distribution of the per-packet send-interval error (time
 * between two sends of one stream minus 20 ms), the clock's worst
 * lateness, and the CPU used, to check the 2,000-call target
 * (p99 <= 5 ms on 2 cores).
 *
 *   bench_rtp [streams=2000] [seconds=10] [slots=10] [sink|duplex] [srtp]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/mclock.h>
#include <callflowd/media/mstream.h>
#include <callflowd/media/srtp.h>

enum {
	HIST_US = 100000,	/* histogram of |error| in microseconds */
	WARMUP_S = 1,
};

struct bstream {
	struct mstream *ms;
	uint64_t last_ns;
	size_t pos;
};

static int16_t tone8[8];

static struct {
	uint64_t hist[HIST_US + 1];
	uint64_t samples;
	uint64_t over;
	double sum_abs;
	bool measuring;
	uint64_t sink_rx;
	uint64_t decoded;
} g;

static void src_h(int16_t *frame, size_t n, void *arg)
{
	struct bstream *b = arg;
	uint64_t now = mclock_now_ns();
	size_t i;

	if (g.measuring && b->last_ns) {
		int64_t err = (int64_t)(now - b->last_ns) - 20000000;
		uint64_t us = (uint64_t)llabs(err) / 1000;

		if (us > HIST_US) {
			us = HIST_US;
			++g.over;
		}
		++g.hist[us];
		++g.samples;
		g.sum_abs += (double)llabs(err) / 1000.0;
	}
	b->last_ns = now;

	/* 1 kHz at 8 kHz: an 8-sample period, from a table (the bench
	 * should measure the streams, not sin()) */
	for (i = 0; i < n; i++)
		frame[i] = tone8[(b->pos + i) & 7];
	b->pos += n;
}

static void sink_h(const int16_t *frame, size_t n, void *arg)
{
	(void)frame;
	(void)arg;
	g.decoded += n;
}

static void sink_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
	(void)src;
	(void)mb;
	(void)arg;
	++g.sink_rx;
}

static uint64_t pct(double p)
{
	uint64_t want = (uint64_t)ceil(p * (double)g.samples), acc = 0;
	size_t i;

	for (i = 0; i <= HIST_US; i++) {
		acc += g.hist[i];
		if (acc >= want && acc)
			return i;
	}

	return HIST_US;
}

static uint64_t max_us(void)
{
	size_t i;

	for (i = HIST_US + 1; i-- > 0;) {
		if (g.hist[i])
			return i;
	}

	return 0;
}

static double cpu_s(void)
{
	struct rusage ru;

	(void)getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static struct tmr phase_tmr;
static double cpu0;
static uint64_t wall0;

static void stop_h(void *arg)
{
	(void)arg;
	re_cancel();
}

static void start_measuring(void *arg)
{
	uint32_t secs = *(uint32_t *)arg;

	g.measuring = true;
	cpu0 = cpu_s();
	wall0 = mclock_now_ns();
	tmr_start(&phase_tmr, secs * 1000ULL, stop_h, NULL);
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 2000;
	uint32_t secs = argc > 2 ? (uint32_t)atoi(argv[2]) : 10;
	unsigned slots = argc > 3 ? (unsigned)atoi(argv[3]) : 10;
	bool duplex = argc > 4 && !strcmp(argv[4], "duplex");
	bool srtp = argc > 5 && !strcmp(argv[5], "srtp");
	struct mstream_conf conf;
	struct mstream_handlers h;
	struct mclock_stats cst;
	struct udp_sock *sink = NULL;
	struct bstream *bv = NULL;
	struct mclock *mc = NULL;
	struct rlimit rl;
	struct sa sink_addr;
	uint64_t tx = 0, rx = 0, lost = 0, txerr = 0;
	double cpu, wall;
	unsigned i;
	int err;

	if (!n || !secs || !slots || (duplex && n % 2)) {
		fprintf(stderr, "usage: bench_rtp [streams] [seconds] [slots]"
			" [sink|duplex] [srtp]  (duplex needs even streams)\n");
		return 2;
	}

	for (i = 0; i < 8; i++)
		tone8[i] = (int16_t)(6000 * sin(2 * M_PI * (i + 0.5) / 8));

	rl.rlim_cur = rl.rlim_max = 4 * n + 256;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		perror("setrlimit (continuing)");

	err = libre_init();
	if (err)
		return 1;
	(void)fd_setsize((int)(4 * n + 256));

	err = mclock_alloc(&mc, 20, slots);
	if (err)
		goto out;

	(void)sa_set_str(&sink_addr, "127.0.0.1", 0);
	err = udp_listen(&sink, &sink_addr, sink_recv, NULL);
	if (err)
		goto out;
	(void)udp_sockbuf_set(sink, 4 << 20);
	(void)udp_local_get(sink, &sink_addr);

	bv = calloc(n, sizeof(*bv));
	if (!bv) {
		err = ENOMEM;
		goto out;
	}

	memset(&conf, 0, sizeof(conf));
	(void)sa_set_str(&conf.laddr, "127.0.0.1", 0);
	conf.port_min = 10000;
	conf.port_max = 60000;
	for (i = 0; i < n; i++) {
		memset(&h, 0, sizeof(h));
		h.srch = src_h;
		h.sinkh = sink_h;
		h.arg = &bv[i];
		err = mstream_alloc(&bv[i].ms, mc, &conf, &h);
		if (err) {
			fprintf(stderr, "stream %u: %s\n", i, strerror(err));
			goto out;
		}
	}

	for (i = 0; i < n; i++) {
		const struct sa *dst = duplex ?
			mstream_laddr(bv[i ^ 1].ms) : &sink_addr;

		if (srtp) {
			struct sdes_crypto k;

			/* one key for all: fine for a cost measurement */
			memset(&k, 0x5a, sizeof(k));
			k.tag = 1;
			k.suite = SDES_AES_CM_128_HMAC_SHA1_80;
			err = mstream_set_srtp(bv[i].ms, &k, &k);
			if (err)
				goto out;
		}
		err = mstream_start(bv[i].ms, MSTREAM_PCMU, 101, dst, NULL);
		if (err)
			goto out;
	}

	printf("bench_rtp: %u streams, %u slots, %s%s, %u s after %u s "
	       "warm-up\n", n, slots, duplex ? "duplex pairs" : "to a sink",
	       srtp ? ", SRTP" : "", secs, WARMUP_S);

	tmr_init(&phase_tmr);
	tmr_start(&phase_tmr, WARMUP_S * 1000, start_measuring, &secs);
	(void)re_main(NULL);

	cpu = cpu_s() - cpu0;
	wall = (double)(mclock_now_ns() - wall0) / 1e9;
	mclock_stats(mc, &cst);

	for (i = 0; i < n; i++) {
		struct mstream_stats st;

		mstream_stats(bv[i].ms, &st);
		tx += st.tx_packets;
		rx += st.rx_packets;
		lost += st.rx_lost > 0 ? (uint64_t)st.rx_lost : 0;
		txerr += st.tx_errors;
	}

	printf("packets sent %llu (%.0f/s), send errors %llu, "
	       "received %llu, lost %llu\n",
	       (unsigned long long)tx, (double)tx / (wall + WARMUP_S),
	       (unsigned long long)txerr,
	       (unsigned long long)(duplex ? rx : g.sink_rx),
	       (unsigned long long)lost);
	printf("send-interval error |actual - 20 ms| over %llu intervals: "
	       "mean %.0f us, p50 %llu us, p99 %llu us, p99.9 %llu us, "
	       "max %llu us%s\n",
	       (unsigned long long)g.samples,
	       g.samples ? g.sum_abs / (double)g.samples : 0.0,
	       (unsigned long long)pct(0.50), (unsigned long long)pct(0.99),
	       (unsigned long long)pct(0.999), (unsigned long long)max_us(),
	       g.over ? " (some over 100 ms)" : "");
	printf("clock: worst wake-up lateness %.2f ms, skipped periods "
	       "%llu\n", (double)cst.late_max_ns / 1e6,
	       (unsigned long long)cst.skipped);
	printf("CPU: %.1f%% of one core (%.2f s CPU in %.2f s)\n",
	       100.0 * cpu / wall, cpu, wall);
	printf("target p99 <= 5000 us: %s\n",
	       pct(0.99) <= 5000 ? "met" : "NOT met");

 out:
	if (err)
		fprintf(stderr, "bench_rtp: %s\n", strerror(err));
	if (bv) {
		for (i = 0; i < n; i++)
			mem_deref(bv[i].ms);
		free(bv);
	}
	tmr_cancel(&phase_tmr);
	mem_deref(sink);
	mem_deref(mc);
	libre_close();

	return err ? 1 : 0;
}
