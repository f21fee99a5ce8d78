/*
 * SDES a=crypto parsing/printing, and SRTP between two streams over
 * loopback with both suites; a wrong key must drop every packet.
 */
#include <math.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/mclock.h>
#include <callflowd/media/mstream.h>
#include <callflowd/media/srtp.h>
#include "test.h"

/* RFC 4568 section 9.1 example key */
static const char rfc_key[] = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

TEST(crypto_decode_valid)
{
	struct sdes_crypto c;
	char buf[128];

	ASSERT_INT_EQ(sdes_crypto_decode(&c,
		"1 AES_CM_128_HMAC_SHA1_80 "
		"inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20"), 0);
	ASSERT_INT_EQ(c.tag, 1);
	ASSERT_INT_EQ(c.suite, SDES_AES_CM_128_HMAC_SHA1_80);
	ASSERT_INT_EQ(c.keysalt[0], 'Y');	/* "WVNf" = "YS_" */

	/* printing gives the line back (without the lifetime) */
	(void)re_snprintf(buf, sizeof(buf), "%H", sdes_crypto_print, &c);
	ASSERT_STR_EQ(buf, "1 AES_CM_128_HMAC_SHA1_80 inline:"
		      "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz");

	ASSERT_INT_EQ(sdes_crypto_decode(&c,
		"42 AES_CM_128_HMAC_SHA1_32 inline:"
		"WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"), 0);
	ASSERT_INT_EQ(c.tag, 42);
	ASSERT_INT_EQ(c.suite, SDES_AES_CM_128_HMAC_SHA1_32);
	ASSERT_INT_EQ(c.keysalt[0], 'Y');
}

TEST(crypto_decode_rejects)
{
	static const struct {
		const char *line;
		int err;
	} tv[] = {
		{"", EBADMSG},
		{"1 AES_CM_128_HMAC_SHA1_80", EBADMSG},
		{"x AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewky"
		 "MjA7fQp9CnVubGVz", EBADMSG},
		{"1 AES_CM_128_HMAC_SHA1_80 inline:WVNf", EBADMSG},
		{"1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewky"
		 "MjA7fQp9CnVubGVzWVNf", EBADMSG},
		{"1 AES_256_CM_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewky"
		 "MjA7fQp9CnVubGVz", ENOTSUP},
		{"1 F8_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewky"
		 "MjA7fQp9CnVubGVz", ENOTSUP},
		/* MKI */
		{"1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewky"
		 "MjA7fQp9CnVubGVz|2^20|1:4", ENOTSUP},
		/* session parameters */
		{"1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewky"
		 "MjA7fQp9CnVubGVz UNENCRYPTED_SRTP", ENOTSUP},
		/* two keys */
		{"1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewky"
		 "MjA7fQp9CnVubGVz;inline:WVNfX19zZW1jdGwgKCkgewky"
		 "MjA7fQp9CnVubGVz", ENOTSUP},
	};
	struct sdes_crypto c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tv); i++) {
		int err = sdes_crypto_decode(&c, tv[i].line);

		if (err != tv[i].err)
			test_fail(__FILE__, __LINE__, "case %zu: %d != %d",
				  i, err, tv[i].err);
	}
	ASSERT_INT_EQ(sdes_crypto_decode(NULL, rfc_key), EINVAL);
	ASSERT_INT_EQ(sdes_crypto_decode(&c, NULL), EINVAL);
}

TEST(crypto_generate_roundtrip)
{
	struct sdes_crypto a, b, parsed;
	char buf[128];

	ASSERT_INT_EQ(sdes_crypto_generate(&a, 3,
					   SDES_AES_CM_128_HMAC_SHA1_32), 0);
	ASSERT_INT_EQ(sdes_crypto_generate(&b, 3,
					   SDES_AES_CM_128_HMAC_SHA1_32), 0);
	ASSERT_TRUE(memcmp(a.keysalt, b.keysalt, sizeof(a.keysalt)));
	ASSERT_INT_EQ(sdes_crypto_generate(&a, 1, SDES_SUITE_NONE), EINVAL);

	(void)re_snprintf(buf, sizeof(buf), "%H", sdes_crypto_print, &b);
	ASSERT_INT_EQ(sdes_crypto_decode(&parsed, buf), 0);
	ASSERT_INT_EQ(parsed.tag, 3);
	ASSERT_INT_EQ(parsed.suite, SDES_AES_CM_128_HMAC_SHA1_32);
	ASSERT_TRUE(!memcmp(parsed.keysalt, b.keysalt, sizeof(b.keysalt)));
}

TEST(policy_names)
{
	enum sdes_policy p;

	ASSERT_INT_EQ(sdes_policy_parse(&p, "mandatory"), 0);
	ASSERT_INT_EQ(p, SDES_MANDATORY);
	ASSERT_INT_EQ(sdes_policy_parse(&p, "Optional"), 0);
	ASSERT_INT_EQ(p, SDES_OPTIONAL);
	ASSERT_INT_EQ(sdes_policy_parse(&p, "off"), 0);
	ASSERT_INT_EQ(p, SDES_OFF);
	ASSERT_INT_EQ(sdes_policy_parse(&p, "maybe"), EINVAL);
	ASSERT_STR_EQ(sdes_policy_name(SDES_OPTIONAL), "optional");
}

/* --- two streams --- */

struct peer {
	struct mstream *ms;
	double phase;
	int16_t rxv[8000];
	size_t rxn;
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
		p->phase += 2 * M_PI * 1000 / MSTREAM_SRATE;
	}
}

static void sink(const int16_t *frame, size_t n, void *arg)
{
	struct peer *p = arg;

	if (p->rxn + n > ARRAY_SIZE(p->rxv))
		n = ARRAY_SIZE(p->rxv) - p->rxn;
	memcpy(p->rxv + p->rxn, frame, n * sizeof(*frame));
	p->rxn += n;
}

static int peer_alloc(struct peer *p, struct mclock *mc)
{
	struct mstream_conf conf;
	struct mstream_handlers h;

	memset(p, 0, sizeof(*p));
	p->phase = M_PI / 8;
	memset(&conf, 0, sizeof(conf));
	(void)sa_set_str(&conf.laddr, "127.0.0.1", 0);
	conf.port_min = 20000;
	conf.port_max = 29998;
	memset(&h, 0, sizeof(h));
	h.srch = tone_src;
	h.sinkh = sink;
	h.arg = p;

	return mstream_alloc(&p->ms, mc, &conf, &h);
}

struct pair {
	struct peer *a, *b;
};

static bool both_full(void *arg)
{
	struct pair *pr = arg;

	return pr->a->rxn >= 4000 && pr->b->rxn >= 4000;
}

static size_t zero_crossings(const int16_t *v, size_t n)
{
	size_t i, c = 0;

	for (i = 1; i < n; i++) {
		if ((v[i] < 0) != (v[i - 1] < 0))
			++c;
	}

	return c;
}

static void srtp_pair(enum sdes_suite suite)
{
	static struct peer a, b;
	struct pair pr = {&a, &b};
	struct mclock *mc = NULL;
	struct sdes_crypto ka, kb;
	struct mstream_stats st;
	size_t zc;
	int err;

	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err  = peer_alloc(&a, mc);
	err |= peer_alloc(&b, mc);
	ASSERT_INT_EQ(err, 0);
	err  = sdes_crypto_generate(&ka, 1, suite);
	err |= sdes_crypto_generate(&kb, 1, suite);
	ASSERT_INT_EQ(err, 0);

	err  = mstream_set_srtp(a.ms, &ka, &kb);
	err |= mstream_set_srtp(b.ms, &kb, &ka);
	ASSERT_INT_EQ(err, 0);
	err  = mstream_start(a.ms, MSTREAM_PCMU, 101, mstream_laddr(b.ms),
			     NULL);
	err |= mstream_start(b.ms, MSTREAM_PCMU, 101, mstream_laddr(a.ms),
			     NULL);
	ASSERT_INT_EQ(err, 0);

	ASSERT_TRUE(run_until(both_full, &pr, 5000));

	zc = zero_crossings(b.rxv, 4000);
	ASSERT_TRUE(zc >= 990 && zc <= 1010);
	zc = zero_crossings(a.rxv, 4000);
	ASSERT_TRUE(zc >= 990 && zc <= 1010);
	mstream_stats(b.ms, &st);
	ASSERT_INT_EQ(st.srtp_dropped, 0);
	ASSERT_INT_EQ(st.rx_lost, 0);

	a.ms = mem_deref(a.ms);
	b.ms = mem_deref(b.ms);
	mem_deref(mc);
}

TEST(srtp_80_between_streams)
{
	srtp_pair(SDES_AES_CM_128_HMAC_SHA1_80);
}

TEST(srtp_32_between_streams)
{
	srtp_pair(SDES_AES_CM_128_HMAC_SHA1_32);
}

static bool b_dropped_enough(void *arg)
{
	struct peer *b = arg;
	struct mstream_stats st;

	mstream_stats(b->ms, &st);

	return st.srtp_dropped >= 20;
}

static void wrong(enum sdes_suite tx_suite, enum sdes_suite rx_suite,
		  bool same_key)
{
	static struct peer a, b;
	struct mclock *mc = NULL;
	struct sdes_crypto ka, kb, kwrong;
	struct mstream_stats st;
	int err;

	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err  = peer_alloc(&a, mc);
	err |= peer_alloc(&b, mc);
	ASSERT_INT_EQ(err, 0);
	err  = sdes_crypto_generate(&ka, 1, tx_suite);
	err |= sdes_crypto_generate(&kb, 1, tx_suite);
	err |= sdes_crypto_generate(&kwrong, 1, rx_suite);
	ASSERT_INT_EQ(err, 0);
	if (same_key)
		memcpy(kwrong.keysalt, ka.keysalt, sizeof(ka.keysalt));

	err  = mstream_set_srtp(a.ms, &ka, &kb);
	err |= mstream_set_srtp(b.ms, &kb, &kwrong);
	ASSERT_INT_EQ(err, 0);
	err = mstream_start(a.ms, MSTREAM_PCMA, 101, mstream_laddr(b.ms),
			    NULL);
	ASSERT_INT_EQ(err, 0);
	err = mstream_start(b.ms, MSTREAM_PCMA, 101, mstream_laddr(a.ms),
			    NULL);
	ASSERT_INT_EQ(err, 0);

	ASSERT_TRUE(run_until(b_dropped_enough, &b, 5000));

	mstream_stats(b.ms, &st);
	ASSERT_INT_EQ(st.rx_packets, 0);
	ASSERT_INT_EQ(b.rxn, 0);
	ASSERT_INT_EQ(st.rx_ignored, 0);	/* never reached RTP */

	a.ms = mem_deref(a.ms);
	b.ms = mem_deref(b.ms);
	mem_deref(mc);
}

TEST(srtp_wrong_key_drops)
{
	wrong(SDES_AES_CM_128_HMAC_SHA1_80, SDES_AES_CM_128_HMAC_SHA1_80,
	      false);
}

TEST(srtp_wrong_suite_drops)
{
	/* right key, but a 32-bit tag expected where 80 bits come */
	wrong(SDES_AES_CM_128_HMAC_SHA1_80, SDES_AES_CM_128_HMAC_SHA1_32,
	      true);
}

/* Plain RTP reaching an SRTP stream is dropped as well. */
TEST(srtp_plain_rtp_rejected)
{
	static struct peer a, b;
	struct mclock *mc = NULL;
	struct sdes_crypto ka, kb;
	struct mstream_stats st;
	int err;

	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err  = peer_alloc(&a, mc);
	err |= peer_alloc(&b, mc);
	ASSERT_INT_EQ(err, 0);
	err  = sdes_crypto_generate(&ka, 1, SDES_AES_CM_128_HMAC_SHA1_80);
	err |= sdes_crypto_generate(&kb, 1, SDES_AES_CM_128_HMAC_SHA1_80);
	ASSERT_INT_EQ(err, 0);
	err = mstream_set_srtp(b.ms, &kb, &ka);
	ASSERT_INT_EQ(err, 0);
	err = mstream_start(a.ms, MSTREAM_PCMU, 101, mstream_laddr(b.ms),
			    NULL);
	ASSERT_INT_EQ(err, 0);

	ASSERT_TRUE(run_until(b_dropped_enough, &b, 5000));
	mstream_stats(b.ms, &st);
	ASSERT_INT_EQ(st.rx_packets, 0);

	a.ms = mem_deref(a.ms);
	b.ms = mem_deref(b.ms);
	mem_deref(mc);
}

static bool both_got_sr(void *arg)
{
	struct pair *pr = arg;
	struct mstream_stats sa, sb;

	mstream_stats(pr->a->ms, &sa);
	mstream_stats(pr->b->ms, &sb);

	return sa.rx_sr >= 1 && sb.rx_sr >= 1;
}

/* libre sends a report every 5 s: both sides must get an SR via SRTCP. */
TEST(srtcp_sender_reports)
{
	static struct peer a, b;
	struct pair pr = {&a, &b};
	struct mclock *mc = NULL;
	struct sdes_crypto ka, kb;
	struct mstream_stats st;
	int err;

	err = mclock_alloc(&mc, 20, 4);
	ASSERT_INT_EQ(err, 0);
	err  = peer_alloc(&a, mc);
	err |= peer_alloc(&b, mc);
	ASSERT_INT_EQ(err, 0);
	err  = sdes_crypto_generate(&ka, 1, SDES_AES_CM_128_HMAC_SHA1_32);
	err |= sdes_crypto_generate(&kb, 1, SDES_AES_CM_128_HMAC_SHA1_32);
	ASSERT_INT_EQ(err, 0);
	err  = mstream_set_srtp(a.ms, &ka, &kb);
	err |= mstream_set_srtp(b.ms, &kb, &ka);
	ASSERT_INT_EQ(err, 0);
	err  = mstream_start(a.ms, MSTREAM_PCMU, 101, mstream_laddr(b.ms),
			     NULL);
	err |= mstream_start(b.ms, MSTREAM_PCMU, 101, mstream_laddr(a.ms),
			     NULL);
	ASSERT_INT_EQ(err, 0);

	ASSERT_TRUE(run_until(both_got_sr, &pr, 8000));
	mstream_stats(a.ms, &st);
	ASSERT_INT_EQ(st.srtp_dropped, 0);

	a.ms = mem_deref(a.ms);
	b.ms = mem_deref(b.ms);
	mem_deref(mc);
}
