/*
 * SRTP with SDES keys. libsrtp2 works in place on a buffer with room
 * for its trailer; libre's UDP helpers hand us every datagram on its way
 * out and in, so protection is invisible to the RTP code. The msrtp
 * holds references to both sockets: libre frees a socket's helpers in the
 * socket's destructor, and we must remove ours first.
 */
#include <string.h>
#include <srtp2/srtp.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/media/srtp.h>

enum {
	HELPER_LAYER = 10,
	B64_KEYSALT_LEN = 40,
	/* SRTCP adds the E-flag/index word in front of tag and MKI */
	TRAILER_ROOM = SRTP_MAX_TRAILER_LEN + 4,
};

struct msrtp {
	srtp_t tx;
	srtp_t rx;
	struct udp_sock *rtp;
	struct udp_sock *rtcp;
	struct udp_helper *uh_rtp;
	struct udp_helper *uh_rtcp;
	struct msrtp_stats stats;
};

static bool srtp_ready;

static const struct {
	enum sdes_suite suite;
	const char *name;
} suitev[] = {
	{SDES_AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80"},
	{SDES_AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32"},
};

const char *sdes_suite_name(enum sdes_suite suite)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suitev); i++) {
		if (suitev[i].suite == suite)
			return suitev[i].name;
	}

	return "?";
}

int sdes_policy_parse(enum sdes_policy *polp, const char *s)
{
	if (!polp || !s)
		return EINVAL;

	if (!str_casecmp(s, "off"))
		*polp = SDES_OFF;
	else if (!str_casecmp(s, "optional"))
		*polp = SDES_OPTIONAL;
	else if (!str_casecmp(s, "mandatory"))
		*polp = SDES_MANDATORY;
	else
		return EINVAL;

	return 0;
}

const char *sdes_policy_name(enum sdes_policy pol)
{
	switch (pol) {

	case SDES_OFF:       return "off";
	case SDES_OPTIONAL:  return "optional";
	case SDES_MANDATORY: return "mandatory";
	default:             return "?";
	}
}

int sdes_crypto_decode(struct sdes_crypto *c, const char *val)
{
	struct pl tag, suite, b64, rest, extra;
	uint8_t buf[48];
	size_t i, blen = sizeof(buf);
	int err;

	if (!c || !val)
		return EINVAL;

	memset(c, 0, sizeof(*c));

	/* key-info: base64 then optional "|lifetime" and "|MKI:len" */
	if (re_regex(val, strlen(val),
		     "[0-9]+[ \t]+[^ \t]+[ \t]+inline:[A-Za-z0-9+/=]+[^ \t;]*"
		     "[^]*", &tag, NULL, &suite, NULL, &b64, &rest, &extra))
		return EBADMSG;

	if (tag.l > 9)
		return EBADMSG;
	c->tag = pl_u32(&tag);

	for (i = 0; i < ARRAY_SIZE(suitev); i++) {
		if (!pl_strcmp(&suite, suitev[i].name))
			c->suite = suitev[i].suite;
	}
	if (c->suite == SDES_SUITE_NONE)
		return ENOTSUP;

	/* a lifetime is fine ("|2^31"); an MKI ("|1:4") is not supported */
	if (rest.l) {
		struct pl lt, mki;

		if (re_regex(rest.p, rest.l, "|[^|]+[^]*", &lt, &mki))
			return EBADMSG;
		if (mki.l || pl_strchr(&lt, ':'))
			return ENOTSUP;
	}

	/* a second key (";inline:") or session parameters: not supported */
	for (i = 0; i < extra.l; i++) {
		if (extra.p[i] != ' ' && extra.p[i] != '\t')
			return ENOTSUP;
	}

	if (b64.l != B64_KEYSALT_LEN)
		return EBADMSG;

	err = base64_decode(b64.p, b64.l, buf, &blen);
	if (err || blen != SDES_KEYSALT_LEN)
		return EBADMSG;

	memcpy(c->keysalt, buf, SDES_KEYSALT_LEN);

	return 0;
}

int sdes_crypto_print(struct re_printf *pf, const struct sdes_crypto *c)
{
	char b64[B64_KEYSALT_LEN + 4];
	size_t len = sizeof(b64);
	int err;

	if (!c)
		return EINVAL;

	err = base64_encode(c->keysalt, sizeof(c->keysalt), b64, &len);
	if (err)
		return err;

	return re_hprintf(pf, "%u %s inline:%b", c->tag,
			  sdes_suite_name(c->suite), b64, len);
}

int sdes_crypto_generate(struct sdes_crypto *c, uint32_t tag,
			 enum sdes_suite suite)
{
	if (!c || (suite != SDES_AES_CM_128_HMAC_SHA1_80 &&
		   suite != SDES_AES_CM_128_HMAC_SHA1_32))
		return EINVAL;

	c->tag = tag;
	c->suite = suite;
	rand_bytes(c->keysalt, sizeof(c->keysalt));

	return 0;
}

static int lib_init(void)
{
	srtp_err_status_t e;

	if (srtp_ready)
		return 0;

	e = srtp_init();
	if (e != srtp_err_status_ok) {
		log_error("srtp: libsrtp2 init failed (%d)", (int)e);
		return ENOSYS;
	}

	srtp_ready = true;
	return 0;
}

static int session_create(srtp_t *sp, const struct sdes_crypto *c,
			  bool outbound)
{
	srtp_policy_t pol;
	uint8_t key[SDES_KEYSALT_LEN];
	srtp_err_status_t e;

	memset(&pol, 0, sizeof(pol));

	switch (c->suite) {

	case SDES_AES_CM_128_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
		break;

	case SDES_AES_CM_128_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&pol.rtp);
		break;

	default:
		return ENOTSUP;
	}

	/* RFC 4568 and libsrtp: SRTCP keeps the 80-bit tag for both */
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);

	memcpy(key, c->keysalt, sizeof(key));
	pol.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	pol.key = key;
	pol.window_size = 128;
	pol.next = NULL;

	e = srtp_create(sp, &pol);
	memset(key, 0, sizeof(key));

	return e == srtp_err_status_ok ? 0 : EPROTO;
}

static int make_room(struct mbuf *mb)
{
	size_t need = mb->end + TRAILER_ROOM;

	if (mb->size >= need)
		return 0;

	return mbuf_resize(mb, need);
}

static bool is_rtcp(const struct mbuf *mb)
{
	uint8_t pt;

	if (mbuf_get_left(mb) < 2)
		return false;

	pt = mbuf_buf(mb)[1] & 0x7f;

	return pt >= 64 && pt <= 95;
}

static bool send_helper(int *err, struct sa *dst, struct mbuf *mb, void *arg,
			bool rtcp)
{
	struct msrtp *s = arg;
	int len = (int)mbuf_get_left(mb);
	srtp_err_status_t e;
	(void)dst;

	*err = make_room(mb);
	if (*err)
		return true;

	if (rtcp)
		e = srtp_protect_rtcp(s->tx, mbuf_buf(mb), &len);
	else
		e = srtp_protect(s->tx, mbuf_buf(mb), &len);

	if (e != srtp_err_status_ok) {
		++s->stats.protect_err;
		*err = EPROTO;
		return true;
	}

	mb->end = mb->pos + (size_t)len;

	return false;
}

static bool recv_helper(struct mbuf *mb, struct msrtp *s, bool rtcp)
{
	int len = (int)mbuf_get_left(mb);
	srtp_err_status_t e;

	if (len < RTP_HEADER_SIZE)
		goto drop;

	if (rtcp)
		e = srtp_unprotect_rtcp(s->rx, mbuf_buf(mb), &len);
	else
		e = srtp_unprotect(s->rx, mbuf_buf(mb), &len);

	if (e != srtp_err_status_ok)
		goto drop;

	mb->end = mb->pos + (size_t)len;

	return false;

 drop:
	if (rtcp)
		++s->stats.rtcp_dropped;
	else
		++s->stats.rtp_dropped;

	return true;
}

/* the RTP socket also carries RTCP when it is multiplexed (RFC 5761) */
static bool rtp_send_helper(int *err, struct sa *dst, struct mbuf *mb, void *arg)
{
	return send_helper(err, dst, mb, arg, is_rtcp(mb));
}

static bool rtcp_send_helper(int *err, struct sa *dst, struct mbuf *mb,
			void *arg)
{
	return send_helper(err, dst, mb, arg, true);
}

static bool rtp_recv_helper(struct sa *src, struct mbuf *mb, void *arg)
{
	(void)src;
	return recv_helper(mb, arg, is_rtcp(mb));
}

static bool rtcp_recv_helper(struct sa *src, struct mbuf *mb, void *arg)
{
	(void)src;
	return recv_helper(mb, arg, true);
}

static void destructor(void *arg)
{
	struct msrtp *s = arg;

	/* helpers before sockets: libre frees helpers with the socket */
	s->uh_rtp = mem_deref(s->uh_rtp);
	s->uh_rtcp = mem_deref(s->uh_rtcp);
	s->rtp = mem_deref(s->rtp);
	s->rtcp = mem_deref(s->rtcp);

	if (s->tx)
		srtp_dealloc(s->tx);
	if (s->rx)
		srtp_dealloc(s->rx);
}

int msrtp_alloc(struct msrtp **sp, struct udp_sock *rtp,
		struct udp_sock *rtcp, const struct sdes_crypto *tx,
		const struct sdes_crypto *rx)
{
	struct msrtp *s;
	int err;

	if (!sp || !rtp || !tx || !rx)
		return EINVAL;

	err = lib_init();
	if (err)
		return err;

	s = mem_zalloc(sizeof(*s), destructor);
	if (!s)
		return ENOMEM;

	err = session_create(&s->tx, tx, true);
	if (err)
		goto out;

	err = session_create(&s->rx, rx, false);
	if (err)
		goto out;

	s->rtp = mem_ref(rtp);
	err = udp_register_helper(&s->uh_rtp, rtp, HELPER_LAYER, rtp_send_helper,
				  rtp_recv_helper, s);
	if (err)
		goto out;

	if (rtcp) {
		s->rtcp = mem_ref(rtcp);
		err = udp_register_helper(&s->uh_rtcp, rtcp, HELPER_LAYER,
					  rtcp_send_helper, rtcp_recv_helper, s);
	}

 out:
	if (err)
		mem_deref(s);
	else
		*sp = s;

	return err;
}

void msrtp_stats(const struct msrtp *s, struct msrtp_stats *st)
{
	if (!s || !st)
		return;

	*st = s->stats;
}
