/**
 * @file leg_media.c  A leg's SDP and RTP: every negotiation of every kind
 * of leg ends in apply(), which starts RTP, moves it to a new address,
 * codec or telephone-event type, rekeys SRTP, follows the direction and
 * tells the owner when the other side holds or resumes.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/media/afifo.h>
#include <callflowd/media/player.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/media/srtp.h>
#include "leg_priv.h"

static void src_h(int16_t *frame, size_t n, void *arg);
static void sink_h(const int16_t *frame, size_t n, void *arg);
static void dtmf_h(char key, enum dtmf_source src, void *arg);
static void timeout_h(void *arg);

int leg_media_alloc(struct leg *leg)
{
	struct mstream_handlers mh;
	struct sdpneg_conf nconf;
	unsigned i;
	int err;

	memset(&mh, 0, sizeof(mh));
	mh.srch = src_h;
	mh.sinkh = sink_h;
	mh.dtmfh = dtmf_h;
	mh.timeouth = timeout_h;
	mh.arg = leg;
	err = mstream_alloc(&leg->ms, leg->ce->mc, &leg->ce->rtp, &mh);
	if (err)
		return err;

	memset(&nconf, 0, sizeof(nconf));
	for (i = 0; i < leg->media.codecc && i < 2; i++)
		nconf.codecv[nconf.codecc++] = leg->media.codecv[i];
	if (!nconf.codecc) {
		nconf.codecv[nconf.codecc++] = MSTREAM_PCMU;
		nconf.codecv[nconf.codecc++] = MSTREAM_PCMA;
	}
	nconf.te = true;
	nconf.srtp = leg->media.srtp;
	nconf.ptime = 20;
	return sdpneg_alloc(&leg->neg, &nconf, mstream_laddr(leg->ms));
}

int leg_msg_body(struct mbuf **mbp, const struct sip_msg *msg)
{
	size_t len = msg->mb ? mbuf_get_left(msg->mb) : 0;
	struct mbuf *mb;
	int err;

	/* over UDP libre hands on the whole datagram: octets past
	 * Content-Length are to be ignored (RFC 3261 18.3), not parsed */
	if (pl_isset(&msg->clen) && pl_u32(&msg->clen) < len)
		len = pl_u32(&msg->clen);

	mb = mbuf_alloc(len ? len : 1);
	if (!mb)
		return ENOMEM;
	err = len ? mbuf_write_mem(mb, mbuf_buf(msg->mb), len) : 0;
	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->pos = 0;
	*mbp = mb;
	return 0;
}

static bool key_changed(const struct leg *leg, const struct sdes_crypto *rx)
{
	return !leg->srtp || leg->rx_key.suite != rx->suite ||
		memcmp(leg->rx_key.keysalt, rx->keysalt,
		       sizeof(rx->keysalt));
}

/* The outcome of a negotiation, applied to the stream. */
static int apply(struct leg *leg, bool initial)
{
	const struct sdpneg_result *r = sdpneg_result(leg->neg);
	bool held;
	int err;

	if (!r)
		return EPROTO;

	if (r->srtp && key_changed(leg, &r->rx)) {
		err = mstream_set_srtp(leg->ms, &r->tx, &r->rx);
		if (err)
			return err;
		leg->srtp = true;
		leg->rx_key = r->rx;
	}
	else if (!r->srtp && leg->srtp) {
		/* a stream cannot drop its SRTP context: refuse the change */
		log_warn("%s: the peer turned SRTP off in a re-offer: refused",
			 leg->name);
		return ENOTSUP;
	}

	mstream_set_dir(leg->ms, r->dir);

	/* c=0.0.0.0 (RFC 2543 hold) keeps the old destination: nothing is
	 * sent while the direction says so */
	if (sa_isset(&r->raddr, SA_ALL) &&
	    (!leg->media_up || r->codec != leg->codec ||
	     r->te_pt != leg->te_pt ||
	     !sa_cmp(&r->raddr, &leg->raddr, SA_ALL))) {
		err = mstream_start(leg->ms, r->codec, r->te_pt, &r->raddr,
				    &r->raddr_rtcp);
		if (err)
			return err;
		if (leg->media_up)
			log_info("%s: RTP now to %J (%s)", leg->name,
				 &r->raddr, r->codec == MSTREAM_PCMU ?
				 "PCMU" : "PCMA");
		leg->media_up = true;
		leg->codec = r->codec;
		leg->te_pt = r->te_pt;
		leg->raddr = r->raddr;
	}

	held = r->dir == SDP_RECVONLY || r->dir == SDP_INACTIVE;
	if (held != leg->held) {
		leg->held = held;
		if (!initial && leg->h.holdh)
			leg->h.holdh(leg, held, leg->h.arg);
	}
	return 0;
}

int leg_media_answer(struct leg *leg, struct mbuf **answerp,
		     struct mbuf *offer)
{
	int err;

	err = sdpneg_answer(leg->neg, answerp, offer);
	if (err)
		return err;
	err = apply(leg, !leg->media_up && leg->state != LEG_UP);
	if (err)
		*answerp = mem_deref(*answerp);
	return err;
}

int leg_media_offer(struct leg *leg, struct mbuf **offerp)
{
	int err = sdpneg_offer(leg->neg, offerp);

	if (!err)
		leg->offered = true;
	return err;
}

int leg_media_accept(struct leg *leg, struct mbuf *answer)
{
	int err;

	leg->offered = false;
	err = sdpneg_accept(leg->neg, answer);
	if (err)
		return err;
	return apply(leg, !leg->media_up);
}

/* -- the stream's handlers -- */

static void src_h(int16_t *frame, size_t n, void *arg)
{
	struct leg *leg = arg;

	/* what the leg is told (prompt, whisper, hold music) comes before
	 * what its peer says */
	if (leg->player && player_active(leg->player))
		player_read(leg->player, frame, n);
	else if (leg->in)
		afifo_read(leg->in, frame, n);
	else
		memset(frame, 0, n * sizeof(*frame));
	if (leg->taph)
		leg->taph(frame, n, false, leg->tap_arg);
}

static void sink_h(const int16_t *frame, size_t n, void *arg)
{
	struct leg *leg = arg;

	if (leg->peer && leg->peer->in)
		afifo_write(leg->peer->in, frame, n);
	if (leg->taph)
		leg->taph(frame, n, true, leg->tap_arg);
}

static void dtmf_h(char key, enum dtmf_source src, void *arg)
{
	struct leg *leg = arg;

	if (leg->state == LEG_CLOSED || !leg->h.dtmfh)
		return;
	leg->h.dtmfh(leg, key, dtmf_source_name(src), leg->h.arg);
}

static void timeout_h(void *arg)
{
	struct leg *leg = arg;

	log_warn("%s: no RTP received", leg->name);
	leg_close(leg, LEG_END_NO_MEDIA, ETIMEDOUT, 0);
}
