/*
 * SDP offer/answer for audio on top of libre's sdp module. libre aligns
 * our formats with the offer: it reorders them to the offerer's order,
 * takes over the offerer's dynamic PTs (telephone-event) and marks the
 * matches "sup". We then keep exactly one G.711 codec, the offerer's
 * first that we allow, so both sides send the same codec. The SRTP
 * policy is mapped to the media protocols we accept: off = RTP/AVP,
 * mandatory = RTP/SAVP, optional = either; an m-line with a protocol we
 * do not accept is answered with port 0 and the call gets 488.
 */
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/media/sdpneg.h>

enum {
	DEFAULT_TE_PT = 101,
	DEFAULT_PTIME = 20,
	TAG_80 = 1,
	TAG_32 = 2,
};

struct sdpneg {
	struct sdp_session *sess;
	struct sdp_media *m;
	struct sdpneg_conf conf;
	struct sdes_crypto key80;	/* our keys, one per suite */
	struct sdes_crypto key32;
	struct sdpneg_result res;
	bool have_res;
};

static void destructor(void *arg)
{
	struct sdpneg *neg = arg;

	neg->sess = mem_deref(neg->sess);
}

static const char *codec_name(enum mstream_codec c)
{
	return c == MSTREAM_PCMU ? "PCMU" : "PCMA";
}

int sdpneg_alloc(struct sdpneg **negp, const struct sdpneg_conf *conf,
		 const struct sa *laddr)
{
	struct sdpneg *neg;
	const char *proto;
	unsigned i;
	int err;

	if (!negp || !conf || !laddr || !sa_isset(laddr, SA_ALL) ||
	    !conf->codecc || conf->codecc > ARRAY_SIZE(conf->codecv))
		return EINVAL;

	for (i = 0; i < conf->codecc; i++) {
		if (conf->codecv[i] != MSTREAM_PCMU &&
		    conf->codecv[i] != MSTREAM_PCMA)
			return EINVAL;
		if (i && conf->codecv[i] == conf->codecv[0])
			return EINVAL;
	}
	if (conf->srtp > SDES_MANDATORY ||
	    (conf->te_pt && (conf->te_pt < 96 || conf->te_pt > 127)))
		return EINVAL;

	neg = mem_zalloc(sizeof(*neg), destructor);
	if (!neg)
		return ENOMEM;

	neg->conf = *conf;
	if (!neg->conf.te_pt)
		neg->conf.te_pt = DEFAULT_TE_PT;
	if (!neg->conf.ptime)
		neg->conf.ptime = DEFAULT_PTIME;

	err = sdp_session_alloc(&neg->sess, laddr);
	if (err)
		goto out;

	proto = conf->srtp == SDES_MANDATORY ? sdp_proto_rtpsavp :
		sdp_proto_rtpavp;
	err = sdp_media_add(&neg->m, neg->sess, sdp_media_audio,
			    sa_port(laddr), proto);
	if (err)
		goto out;

	if (conf->srtp == SDES_OPTIONAL) {
		err = sdp_media_set_alt_protos(neg->m, 2, sdp_proto_rtpavp,
					       sdp_proto_rtpsavp);
		if (err)
			goto out;
	}

	for (i = 0; i < conf->codecc && !err; i++) {
		char id[4];

		(void)re_snprintf(id, sizeof(id), "%u", conf->codecv[i]);
		err = sdp_format_add(NULL, neg->m, false, id,
				     codec_name(conf->codecv[i]), 8000, 1,
				     NULL, NULL, NULL, false, NULL);
	}
	if (!err && conf->te) {
		char id[4];

		(void)re_snprintf(id, sizeof(id), "%u", neg->conf.te_pt);
		err = sdp_format_add(NULL, neg->m, false, id,
				     "telephone-event", 8000, 1, NULL, NULL,
				     NULL, false, "0-15");
	}
	if (err)
		goto out;

	err = sdp_media_set_lattr(neg->m, true, sdp_attr_ptime, "%u",
				  neg->conf.ptime);
	if (err)
		goto out;

	if (conf->srtp != SDES_OFF) {
		err  = sdes_crypto_generate(&neg->key80, TAG_80,
					    SDES_AES_CM_128_HMAC_SHA1_80);
		err |= sdes_crypto_generate(&neg->key32, TAG_32,
					    SDES_AES_CM_128_HMAC_SHA1_32);
	}

 out:
	if (err)
		mem_deref(neg);
	else
		*negp = neg;

	return err;
}

void sdpneg_set_ldir(struct sdpneg *neg, enum sdp_dir dir)
{
	if (neg)
		sdp_media_set_ldir(neg->m, dir);
}

/* The peer's first usable a=crypto line (their order is preference). */
struct crypto_pick {
	struct sdes_crypto c;
	bool found;
	const struct sdpneg *neg;	/* answers: must match our tags */
};

static bool crypto_handler(const char *name, const char *value, void *arg)
{
	struct crypto_pick *pick = arg;
	struct sdes_crypto c;
	int err;
	(void)name;

	err = sdes_crypto_decode(&c, value);
	if (err) {
		log_debug("sdp: skipping a=crypto:%s (%s)", value,
			  strerror(err));
		return false;
	}

	if (pick->neg) {
		const struct sdes_crypto *ours =
			c.suite == SDES_AES_CM_128_HMAC_SHA1_80 ?
			&pick->neg->key80 : &pick->neg->key32;

		if (c.tag != ours->tag)
			return false;
	}

	pick->c = c;
	pick->found = true;

	return true;
}

static bool pick_crypto(struct sdes_crypto *c, const struct sdpneg *neg,
			bool answer)
{
	struct crypto_pick pick;

	memset(&pick, 0, sizeof(pick));
	pick.neg = answer ? neg : NULL;
	(void)sdp_media_rattr_apply(neg->m, "crypto", crypto_handler, &pick);
	if (pick.found)
		*c = pick.c;

	return pick.found;
}

/*
 * Common to answers and accepted answers: codec, te, addresses and
 * direction from the remote side of the media line.
 */
static int read_remote(struct sdpneg_result *res, struct sdpneg *neg,
		       bool offer)
{
	const struct list *lst;
	const char *ptime;
	struct le *le;
	bool found = false;

	res->te_pt = -1;

	lst = sdp_media_format_lst(neg->m, false);
	for (le = list_head(lst); le; le = le->next) {
		const struct sdp_format *rf = le->data;

		if (!rf->sup)
			continue;

		if (!found && (rf->pt == MSTREAM_PCMU ||
			       rf->pt == MSTREAM_PCMA)) {
			res->codec = (enum mstream_codec)rf->pt;
			found = true;
		}
		else if (res->te_pt < 0 && rf->name &&
			 !str_casecmp(rf->name, "telephone-event")) {
			res->te_pt = rf->pt;
		}
	}

	if (!found)
		return ENOTSUP;

	/* answer with the chosen codec only */
	if (offer) {
		lst = sdp_media_format_lst(neg->m, true);
		for (le = list_head(lst); le; le = le->next) {
			struct sdp_format *lf = le->data;

			if ((lf->pt == MSTREAM_PCMU || lf->pt == MSTREAM_PCMA)
			    && lf->pt != (int)res->codec)
				lf->sup = false;
		}
	}

	res->raddr = *sdp_media_raddr(neg->m);
	sdp_media_raddr_rtcp(neg->m, &res->raddr_rtcp);
	res->dir = sdp_media_dir(neg->m);

	/* c=0.0.0.0 is the RFC 2543 way of putting us on hold */
	if (!sa_isset(&res->raddr, SA_ADDR))
		res->dir &= ~SDP_SENDONLY;

	ptime = sdp_media_rattr(neg->m, sdp_attr_ptime);
	res->rptime = ptime ? (uint32_t)atoi(ptime) : 0;

	return 0;
}

int sdpneg_answer(struct sdpneg *neg, struct mbuf **answerp,
		  struct mbuf *offer)
{
	struct sdpneg_result res;
	struct mbuf *mb = NULL;
	bool savp;
	size_t pos;
	int err;

	if (!neg || !answerp || !offer)
		return EINVAL;

	memset(&res, 0, sizeof(res));
	pos = offer->pos;
	err = sdp_decode(neg->sess, offer, true);
	offer->pos = pos;
	if (err) {
		log_info("sdp: bad offer: %s", strerror(err));
		return err == ENOTSUP ? ENOTSUP : EBADMSG;
	}

	if (!sdp_media_rport(neg->m)) {
		log_info("sdp: no acceptable audio stream (SRTP policy %s)",
			 sdes_policy_name(neg->conf.srtp));
		return ENOTSUP;
	}

	err = read_remote(&res, neg, true);
	if (err) {
		log_info("sdp: no common codec");
		return err;
	}

	sdp_media_del_lattr(neg->m, "crypto");

	savp = !strcmp(sdp_media_proto(neg->m), sdp_proto_rtpsavp);
	if (savp && !pick_crypto(&res.rx, neg, false)) {
		log_info("sdp: RTP/SAVP offer without usable crypto");
		return ENOTSUP;
	}

	/* optional policy: keys on RTP/AVP ("best effort") are taken too */
	if (savp || (neg->conf.srtp == SDES_OPTIONAL &&
		     pick_crypto(&res.rx, neg, false))) {
		const struct sdes_crypto *ours;

		/* our key for the suite, under the offerer's tag */
		ours = res.rx.suite == SDES_AES_CM_128_HMAC_SHA1_80 ?
			&neg->key80 : &neg->key32;
		res.tx = *ours;
		res.tx.tag = res.rx.tag;
		res.srtp = true;

		err = sdp_media_set_lattr(neg->m, false, "crypto", "%H",
					  sdes_crypto_print, &res.tx);
		if (err)
			return err;
	}

	err = sdp_encode(&mb, neg->sess, false);
	if (err)
		return err;

	neg->res = res;
	neg->have_res = true;
	*answerp = mb;

	return 0;
}

int sdpneg_offer(struct sdpneg *neg, struct mbuf **offerp)
{
	int err = 0;

	if (!neg || !offerp)
		return EINVAL;

	/* after a negotiation this re-offers what was agreed (re-INVITE) */
	sdp_media_del_lattr(neg->m, "crypto");
	if (neg->conf.srtp != SDES_OFF) {
		err  = sdp_media_set_lattr(neg->m, false, "crypto", "%H",
					   sdes_crypto_print, &neg->key80);
		err |= sdp_media_set_lattr(neg->m, false, "crypto", "%H",
					   sdes_crypto_print, &neg->key32);
		if (err)
			return err;
	}

	return sdp_encode(offerp, neg->sess, true);
}

int sdpneg_accept(struct sdpneg *neg, struct mbuf *answer)
{
	struct sdpneg_result res;
	size_t pos;
	int err;

	if (!neg || !answer)
		return EINVAL;

	memset(&res, 0, sizeof(res));
	pos = answer->pos;
	err = sdp_decode(neg->sess, answer, false);
	answer->pos = pos;
	if (err) {
		log_info("sdp: bad answer: %s", strerror(err));
		return err == EPROTO ? EPROTO : EBADMSG;
	}

	if (!sdp_media_rport(neg->m))
		return ENOTSUP;

	err = read_remote(&res, neg, false);
	if (err)
		return err;

	if (neg->conf.srtp != SDES_OFF && pick_crypto(&res.rx, neg, true)) {
		res.tx = res.rx.suite == SDES_AES_CM_128_HMAC_SHA1_80 ?
			neg->key80 : neg->key32;
		res.srtp = true;
	}
	else if (neg->conf.srtp == SDES_MANDATORY) {
		log_info("sdp: answer without a crypto matching our offer");
		return ENOTSUP;
	}

	neg->res = res;
	neg->have_res = true;

	return 0;
}

const struct sdpneg_result *sdpneg_result(const struct sdpneg *neg)
{
	return neg && neg->have_res ? &neg->res : NULL;
}

uint16_t sdpneg_scode(int err)
{
	switch (err) {

	case 0:        return 200;
	case ENOTSUP:
	case EPROTO:   return 488;
	case EBADMSG:  return 400;
	default:       return 500;
	}
}
