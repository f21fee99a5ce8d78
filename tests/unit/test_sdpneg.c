/*
 * SDP offer/answer tables: codec choice in the offerer's order, the
 * telephone-event PT, the SRTP policy matrix, 488 cases, hold
 * directions, and our own offer taken by a second negotiator.
 */
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/sdpneg.h>
#include "test.h"

#define KEY80 "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"

static struct mbuf *mk_offer(const char *proto, const char *fmts,
			     const char *extra, const char *cline)
{
	struct mbuf *mb = mbuf_alloc(512);

	if (!mb)
		return NULL;
	(void)mbuf_printf(mb,
		"v=0\r\n"
		"o=- 1 1 IN IP4 192.0.2.10\r\n"
		"s=-\r\n"
		"c=IN IP4 %s\r\n"
		"t=0 0\r\n"
		"m=audio 40000 %s %s\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:96 telephone-event/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\n"
		"%s",
		cline ? cline : "192.0.2.10", proto, fmts, extra ? extra : "");
	mb->pos = 0;

	return mb;
}

static int answer(struct sdpneg **negp, char *out, size_t sz,
		  const struct sdpneg_conf *conf, struct mbuf *offer)
{
	struct mbuf *ans = NULL;
	struct sa laddr;
	int err;

	(void)sa_set_str(&laddr, "127.0.0.1", 20000);
	if (!*negp) {
		err = sdpneg_alloc(negp, conf, &laddr);
		if (err)
			return err;
	}

	err = sdpneg_answer(*negp, &ans, offer);
	if (!err && out)
		(void)re_snprintf(out, sz, "%b", ans->buf, ans->end);
	mem_deref(ans);

	return err;
}

static const struct sdpneg_conf conf_both = {
	{MSTREAM_PCMU, MSTREAM_PCMA}, 2, true, 0, SDES_OFF, 0
};

TEST(codec_follows_offerer_order)
{
	static const struct {
		const char *fmts;
		enum mstream_codec allowv[2];
		unsigned allowc;
		int codec;		/* -1: 488 */
		int te_pt;
		const char *mline;
	} tv[] = {
		{"8 0 101", {MSTREAM_PCMU, MSTREAM_PCMA}, 2, 8, 101,
		 "m=audio 20000 RTP/AVP 8 101\r\n"},
		{"0 8 101", {MSTREAM_PCMA, MSTREAM_PCMU}, 2, 0, 101,
		 "m=audio 20000 RTP/AVP 0 101\r\n"},
		{"18 0 96", {MSTREAM_PCMU, MSTREAM_PCMA}, 2, 0, 96,
		 "m=audio 20000 RTP/AVP 0 96\r\n"},
		{"18 8 0", {MSTREAM_PCMA}, 1, 8, -1,
		 "m=audio 20000 RTP/AVP 8\r\n"},
		{"0 8", {MSTREAM_PCMA}, 1, 8, -1,
		 "m=audio 20000 RTP/AVP 8\r\n"},
		{"18 9", {MSTREAM_PCMU, MSTREAM_PCMA}, 2, -1, -1, NULL},
		{"8 101", {MSTREAM_PCMU}, 1, -1, -1, NULL},
		{"101", {MSTREAM_PCMU, MSTREAM_PCMA}, 2, -1, -1, NULL},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tv); i++) {
		struct sdpneg_conf conf = conf_both;
		struct sdpneg *neg = NULL;
		struct mbuf *offer = mk_offer("RTP/AVP", tv[i].fmts, NULL,
					      NULL);
		const struct sdpneg_result *r;
		char out[1024];
		int err;

		memcpy(conf.codecv, tv[i].allowv, sizeof(conf.codecv));
		conf.codecc = tv[i].allowc;
		err = answer(&neg, out, sizeof(out), &conf, offer);
		mem_deref(offer);

		if (tv[i].codec < 0) {
			if (err != ENOTSUP || sdpneg_scode(err) != 488)
				test_fail(__FILE__, __LINE__,
					  "case %zu: err %d", i, err);
			if (sdpneg_result(neg))
				test_fail(__FILE__, __LINE__,
					  "case %zu: result", i);
			mem_deref(neg);
			continue;
		}

		r = sdpneg_result(neg);
		if (err || !r) {
			test_fail(__FILE__, __LINE__, "case %zu: err %d",
				  i, err);
			mem_deref(neg);
			continue;
		}
		if ((int)r->codec != tv[i].codec || r->te_pt != tv[i].te_pt ||
		    !strstr(out, tv[i].mline) || !strstr(out, "a=ptime:20") ||
		    !strstr(out, "a=sendrecv") || r->srtp ||
		    r->dir != SDP_SENDRECV)
			test_fail(__FILE__, __LINE__,
				  "case %zu: codec %d te %d\n%s", i,
				  r->codec, r->te_pt, out);
		if (tv[i].te_pt > 0 && !strstr(out, "telephone-event/8000"))
			test_fail(__FILE__, __LINE__, "case %zu: no te", i);
		if (sa_port(&r->raddr) != 40000 ||
		    sa_port(&r->raddr_rtcp) != 40001)
			test_fail(__FILE__, __LINE__, "case %zu: raddr", i);
		mem_deref(neg);
	}
}

TEST(srtp_policy_matrix)
{
	enum offer_kind { AVP, AVP_CRYPTO, SAVP, SAVP_NOCRYPTO,
			  SAVP_BADCRYPTO, SAVP_32 };
	static const struct {
		enum sdes_policy pol;
		enum offer_kind offer;
		int err;		/* 0 or ENOTSUP (488) */
		bool srtp;
		const char *proto;
	} tv[] = {
		{SDES_OFF, AVP, 0, false, "RTP/AVP"},
		{SDES_OFF, AVP_CRYPTO, 0, false, "RTP/AVP"},
		{SDES_OFF, SAVP, ENOTSUP, false, NULL},
		{SDES_OFF, SAVP_NOCRYPTO, ENOTSUP, false, NULL},
		{SDES_OPTIONAL, AVP, 0, false, "RTP/AVP"},
		{SDES_OPTIONAL, AVP_CRYPTO, 0, true, "RTP/AVP"},
		{SDES_OPTIONAL, SAVP, 0, true, "RTP/SAVP"},
		{SDES_OPTIONAL, SAVP_32, 0, true, "RTP/SAVP"},
		{SDES_OPTIONAL, SAVP_NOCRYPTO, ENOTSUP, false, NULL},
		{SDES_OPTIONAL, SAVP_BADCRYPTO, ENOTSUP, false, NULL},
		{SDES_MANDATORY, AVP, ENOTSUP, false, NULL},
		{SDES_MANDATORY, AVP_CRYPTO, ENOTSUP, false, NULL},
		{SDES_MANDATORY, SAVP, 0, true, "RTP/SAVP"},
		{SDES_MANDATORY, SAVP_32, 0, true, "RTP/SAVP"},
		{SDES_MANDATORY, SAVP_NOCRYPTO, ENOTSUP, false, NULL},
		{SDES_MANDATORY, SAVP_BADCRYPTO, ENOTSUP, false, NULL},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tv); i++) {
		struct sdpneg_conf conf = conf_both;
		struct sdpneg *neg = NULL;
		const struct sdpneg_result *r;
		const char *proto = "RTP/SAVP", *extra = NULL;
		struct mbuf *offer;
		char out[1024], want[128];
		int err;

		switch (tv[i].offer) {

		case AVP:
			proto = "RTP/AVP";
			break;
		case AVP_CRYPTO:
			proto = "RTP/AVP";
			extra = "a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:"
				KEY80 "\r\n";
			break;
		case SAVP:
			extra = "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:"
				"x\r\n"
				"a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:"
				KEY80 "|2^31\r\n"
				"a=crypto:8 AES_CM_128_HMAC_SHA1_32 inline:"
				KEY80 "\r\n";
			break;
		case SAVP_32:
			extra = "a=crypto:8 AES_CM_128_HMAC_SHA1_32 inline:"
				KEY80 "\r\n";
			break;
		case SAVP_BADCRYPTO:
			extra = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"
				KEY80 "|2^20|1:4\r\n";
			break;
		default:
			break;
		}

		conf.srtp = tv[i].pol;
		offer = mk_offer(proto, "0 101", extra, NULL);
		err = answer(&neg, out, sizeof(out), &conf, offer);
		mem_deref(offer);
		r = sdpneg_result(neg);

		if (err != tv[i].err) {
			test_fail(__FILE__, __LINE__, "case %zu: err %d", i,
				  err);
		}
		else if (!err) {
			(void)re_snprintf(want, sizeof(want),
					  "m=audio 20000 %s 0 101\r\n",
					  tv[i].proto);
			if (!r || r->srtp != tv[i].srtp || !strstr(out, want))
				test_fail(__FILE__, __LINE__,
					  "case %zu:\n%s", i, out);
			else if (r->srtp) {
				bool is32 = tv[i].offer == SAVP_32;
				char line[128];

				/* echo of the offerer's tag and suite */
				(void)re_snprintf(line, sizeof(line),
					"a=crypto:%u %s inline:", is32 ? 8 : 7,
					is32 ? "AES_CM_128_HMAC_SHA1_32" :
					"AES_CM_128_HMAC_SHA1_80");
				if (!strstr(out, line) ||
				    r->rx.tag != r->tx.tag ||
				    r->rx.suite != r->tx.suite ||
				    r->rx.keysalt[0] != 'Y' ||
				    !memcmp(r->rx.keysalt, r->tx.keysalt,
					    SDES_KEYSALT_LEN))
					test_fail(__FILE__, __LINE__,
						  "case %zu crypto:\n%s", i,
						  out);
			}
			else if (strstr(out, "a=crypto")) {
				test_fail(__FILE__, __LINE__,
					  "case %zu: crypto in plain", i);
			}
		}
		mem_deref(neg);
	}
}

TEST(hold_directions_in_reinvites)
{
	static const struct {
		const char *attr;
		const char *cline;
		enum sdp_dir dir;
		const char *ans;
	} tv[] = {
		{"a=sendrecv\r\n", NULL, SDP_SENDRECV, "a=sendrecv"},
		{"a=sendonly\r\n", NULL, SDP_RECVONLY, "a=recvonly"},
		{"a=inactive\r\n", NULL, SDP_INACTIVE, "a=inactive"},
		{"a=recvonly\r\n", NULL, SDP_SENDONLY, "a=sendonly"},
		{"", "0.0.0.0", SDP_RECVONLY, "a=sendrecv"},
		{"", NULL, SDP_SENDRECV, "a=sendrecv"},
	};
	struct sdpneg *neg = NULL;
	size_t i;

	/* one negotiator for the whole dialog, as for re-INVITEs */
	for (i = 0; i < ARRAY_SIZE(tv); i++) {
		struct mbuf *offer = mk_offer("RTP/AVP", "8 101", tv[i].attr,
					      tv[i].cline);
		const struct sdpneg_result *r;
		char out[1024];
		int err;

		err = answer(&neg, out, sizeof(out), &conf_both, offer);
		mem_deref(offer);
		r = sdpneg_result(neg);
		if (err || !r || r->dir != tv[i].dir ||
		    !strstr(out, tv[i].ans))
			test_fail(__FILE__, __LINE__, "case %zu: %d\n%s", i,
				  err, out);
	}

	/* we put the peer on hold: our offer says sendonly */
	{
		struct mbuf *offer = NULL;

		sdpneg_set_ldir(neg, SDP_SENDONLY);
		ASSERT_INT_EQ(sdpneg_offer(neg, &offer), 0);
		ASSERT_NOT_NULL(strstr((char *)offer->buf, "a=sendonly"));
		mem_deref(offer);
	}

	mem_deref(neg);
}

TEST(bad_offers)
{
	static const char *const bad[] = {
		"garbage",
		"v=0\r\nm=audio\r\n",
		"v=1\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n",
		("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n"
		 "m=audio 4000 RTP/AVP 0"),	/* no final newline */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sdpneg *neg = NULL;
		struct mbuf *mb = mbuf_alloc(256);
		int err;

		ASSERT_NOT_NULL(mb);
		(void)mbuf_write_str(mb, bad[i]);
		mb->pos = 0;
		err = answer(&neg, NULL, 0, &conf_both, mb);
		if (!err || (sdpneg_scode(err) != 400 &&
			     sdpneg_scode(err) != 488))
			test_fail(__FILE__, __LINE__, "case %zu: %d", i, err);
		mem_deref(mb);
		mem_deref(neg);
	}

	/* no audio stream at all: 488 */
	{
		struct sdpneg *neg = NULL;
		struct mbuf *mb = mbuf_alloc(256);

		ASSERT_NOT_NULL(mb);
		(void)mbuf_write_str(mb, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n"
				     "s=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n"
				     "m=video 4000 RTP/AVP 96\r\n");
		mb->pos = 0;
		ASSERT_INT_EQ(answer(&neg, NULL, 0, &conf_both, mb), ENOTSUP);
		mem_deref(mb);
		mem_deref(neg);
	}
}

TEST(bad_conf)
{
	struct sdpneg *neg = NULL;
	struct sdpneg_conf conf = conf_both;
	struct sa laddr;

	(void)sa_set_str(&laddr, "127.0.0.1", 20000);
	conf.codecc = 0;
	ASSERT_INT_EQ(sdpneg_alloc(&neg, &conf, &laddr), EINVAL);
	conf = conf_both;
	conf.codecv[1] = MSTREAM_PCMU;
	ASSERT_INT_EQ(sdpneg_alloc(&neg, &conf, &laddr), EINVAL);
	conf = conf_both;
	conf.codecv[0] = 18;
	ASSERT_INT_EQ(sdpneg_alloc(&neg, &conf, &laddr), EINVAL);
	conf = conf_both;
	conf.te_pt = 50;
	ASSERT_INT_EQ(sdpneg_alloc(&neg, &conf, &laddr), EINVAL);
	conf = conf_both;
	sa_init(&laddr, AF_INET);
	ASSERT_INT_EQ(sdpneg_alloc(&neg, &conf, &laddr), EINVAL);
	ASSERT_NULL(neg);
	ASSERT_INT_EQ(sdpneg_scode(EBADMSG), 400);
	ASSERT_INT_EQ(sdpneg_scode(ENOMEM), 500);
}

/* Our offer answered by a second negotiator, then taken back. */
static void offer_answer(enum sdes_policy ours, enum sdes_policy theirs,
			 int want_err, bool want_srtp)
{
	struct sdpneg_conf oc = conf_both, ac = conf_both;
	struct sdpneg *off = NULL, *ans = NULL;
	struct mbuf *offer = NULL, *answ = NULL;
	const struct sdpneg_result *ro, *ra;
	struct sa la, lb;
	int err;

	oc.srtp = ours;
	oc.te_pt = 98;
	ac.srtp = theirs;
	ac.codecv[0] = MSTREAM_PCMA;
	ac.codecv[1] = MSTREAM_PCMU;
	(void)sa_set_str(&la, "127.0.0.1", 20000);
	(void)sa_set_str(&lb, "127.0.0.2", 30000);
	err  = sdpneg_alloc(&off, &oc, &la);
	err |= sdpneg_alloc(&ans, &ac, &lb);
	ASSERT_INT_EQ(err, 0);

	ASSERT_INT_EQ(sdpneg_offer(off, &offer), 0);
	offer->pos = 0;
	err = sdpneg_answer(ans, &answ, offer);
	if (want_err) {
		ASSERT_INT_EQ(err, want_err);
		goto out;
	}
	ASSERT_INT_EQ(err, 0);
	answ->pos = 0;
	ASSERT_INT_EQ(sdpneg_accept(off, answ), 0);

	ro = sdpneg_result(off);
	ra = sdpneg_result(ans);
	ASSERT_NOT_NULL(ro);
	ASSERT_NOT_NULL(ra);
	/* the offerer's preference (PCMU) wins, te keeps our PT */
	ASSERT_INT_EQ(ra->codec, MSTREAM_PCMU);
	ASSERT_INT_EQ(ro->codec, MSTREAM_PCMU);
	ASSERT_INT_EQ(ra->te_pt, 98);
	ASSERT_INT_EQ(ro->te_pt, 98);
	ASSERT_INT_EQ(sa_port(&ro->raddr), 30000);
	ASSERT_INT_EQ(sa_port(&ra->raddr), 20000);
	ASSERT_INT_EQ(ro->srtp, want_srtp);
	ASSERT_INT_EQ(ra->srtp, want_srtp);
	if (want_srtp) {
		ASSERT_TRUE(!memcmp(ro->tx.keysalt, ra->rx.keysalt,
				    SDES_KEYSALT_LEN));
		ASSERT_TRUE(!memcmp(ro->rx.keysalt, ra->tx.keysalt,
				    SDES_KEYSALT_LEN));
		ASSERT_INT_EQ(ro->tx.suite, SDES_AES_CM_128_HMAC_SHA1_80);
		ASSERT_INT_EQ(ro->rx.suite, ro->tx.suite);
	}

 out:
	mem_deref(offer);
	mem_deref(answ);
	mem_deref(off);
	mem_deref(ans);
}

TEST(offer_then_answer)
{
	offer_answer(SDES_OFF, SDES_OFF, 0, false);
	offer_answer(SDES_OFF, SDES_OPTIONAL, 0, false);
	offer_answer(SDES_OFF, SDES_MANDATORY, ENOTSUP, false);
	offer_answer(SDES_OPTIONAL, SDES_OFF, 0, false);
	offer_answer(SDES_OPTIONAL, SDES_OPTIONAL, 0, true);
	offer_answer(SDES_MANDATORY, SDES_OPTIONAL, 0, true);
	offer_answer(SDES_MANDATORY, SDES_MANDATORY, 0, true);
	offer_answer(SDES_MANDATORY, SDES_OFF, ENOTSUP, false);
}

TEST(answer_without_crypto_refused_when_mandatory)
{
	struct sdpneg_conf oc = conf_both;
	struct sdpneg *off = NULL;
	struct mbuf *offer = NULL, *answ;
	struct sa la;

	oc.srtp = SDES_MANDATORY;
	(void)sa_set_str(&la, "127.0.0.1", 20000);
	ASSERT_INT_EQ(sdpneg_alloc(&off, &oc, &la), 0);
	ASSERT_INT_EQ(sdpneg_offer(off, &offer), 0);
	ASSERT_NOT_NULL(strstr((char *)offer->buf, "RTP/SAVP"));
	ASSERT_NOT_NULL(strstr((char *)offer->buf,
			       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"));
	ASSERT_NOT_NULL(strstr((char *)offer->buf,
			       "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:"));

	answ = mk_offer("RTP/SAVP", "0", NULL, NULL);
	ASSERT_INT_EQ(sdpneg_accept(off, answ), ENOTSUP);
	ASSERT_NULL(sdpneg_result(off));
	mem_deref(answ);

	/* a crypto tag we never offered does not count either */
	answ = mk_offer("RTP/SAVP", "0", "a=crypto:9 AES_CM_128_HMAC_SHA1_80"
			" inline:" KEY80 "\r\n", NULL);
	ASSERT_INT_EQ(sdpneg_accept(off, answ), ENOTSUP);
	mem_deref(answ);

	answ = mk_offer("RTP/SAVP", "0", "a=crypto:2 AES_CM_128_HMAC_SHA1_32"
			" inline:" KEY80 "\r\n", NULL);
	ASSERT_INT_EQ(sdpneg_accept(off, answ), 0);
	ASSERT_INT_EQ(sdpneg_result(off)->rx.suite,
		      SDES_AES_CM_128_HMAC_SHA1_32);
	mem_deref(answ);

	mem_deref(offer);
	mem_deref(off);
}
