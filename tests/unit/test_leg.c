/*
 * The call-leg model on a real SIP stack over loopback: one leg dials the
 * process itself, the SIP front's invite handler accepts it as a second
 * leg. Answer and close handlers, audio across the bridge, keys as RFC
 * 4733 events, each way a leg ends (hangup, refused with its status, the
 * ring time limit), a leg released from inside its own close handler,
 * and the SRTP policy of both sides.
 */
#include <math.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/loop.h>
#include <callflowd/media/mclock.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/call/callenv.h>
#include <callflowd/call/leg.h>
#include "test.h"

#define DEADLINE_MS 5000

struct side {
	struct leg *leg;
	bool answered;
	bool closed;
	enum leg_end why;
	uint16_t scode;
	char keys[8];
	size_t nkeys;
	bool release_in_close;
};

struct fx {
	struct config *cfg;
	struct sipserver *sip;
	struct mclock *mc;
	struct callenv *ce;
	struct side out, in;
	uint16_t refuse;		/* the invite handler refuses with it */
	bool ignore;			/* ... or never answers */
	struct sdp_policy in_media;
	uint16_t in_scode;
	char uri[64];
};

static void close_h(struct leg *leg, enum leg_end why, int err,
		    uint16_t scode, void *arg)
{
	struct side *s = arg;

	(void)leg;
	(void)err;
	s->closed = true;
	s->why = why;
	s->scode = scode;
	if (s->release_in_close)
		s->leg = mem_deref(s->leg);
}

static void answer_h(struct leg *leg, void *arg)
{
	struct side *s = arg;

	(void)leg;
	s->answered = true;
}

static void dtmf_h(struct leg *leg, char key, const char *how, void *arg)
{
	struct side *s = arg;

	(void)leg;
	(void)how;
	if (s->nkeys < sizeof(s->keys) - 1)
		s->keys[s->nkeys++] = key;
}

static void handlers(struct leg_handlers *h, struct side *s)
{
	memset(h, 0, sizeof(*h));
	h->closeh = close_h;
	h->answerh = answer_h;
	h->dtmfh = dtmf_h;
	h->arg = s;
}

static void invite_h(const struct sip_msg *msg, const struct trunk *trunk,
		     const char *number, void *arg)
{
	struct fx *f = arg;
	struct leg_handlers h;

	(void)trunk;
	(void)number;
	if (f->ignore)
		return;
	if (f->refuse) {
		sipserver_refuse(f->sip, msg, f->refuse, "Busy Here", NULL,
				 "test");
		return;
	}
	handlers(&h, &f->in);
	if (leg_accept(&f->in.leg, f->ce, msg, &f->in_media, &h, "in",
		       &f->in_scode))
		sipserver_refuse(f->sip, msg, f->in_scode, "Refused", NULL,
				 "test");
}

static int fx_init(struct fx *f)
{
	struct sipserver_handlers sh;
	char errbuf[128];
	struct sa laddr;
	int err;

	memset(f, 0, sizeof(*f));
	err = config_parse(&f->cfg, "{\"sip\": {\"listen\": "
			   "[\"udp:127.0.0.1:0\"]}, \"trunks\": [{\"name\": "
			   "\"lo\", \"allow\": [\"127.0.0.1\"]}]}", NULL,
			   errbuf, sizeof(errbuf));
	if (err)
		return err;
	memset(&sh, 0, sizeof(sh));
	sh.inviteh = invite_h;
	sh.arg = f;
	err = sipserver_alloc(&f->sip, f->cfg, NULL, &sh);
	if (!err)
		err = mclock_alloc(&f->mc, 20, 8);
	if (!err)
		err = callenv_alloc(&f->ce, f->sip, f->mc);
	if (!err)
		err = sip_transp_laddr(sipserver_sip(f->sip), &laddr,
				       SIP_TRANSP_UDP, NULL);
	if (!err)
		re_snprintf(f->uri, sizeof(f->uri), "sip:+18005550100@%J",
			    &laddr);
	return err;
}

static void fx_close(struct fx *f)
{
	f->out.leg = mem_deref(f->out.leg);
	f->in.leg = mem_deref(f->in.leg);
	loop_close();	/* the sessions the legs let go, now */
	f->ce = mem_deref(f->ce);
	f->mc = mem_deref(f->mc);
	sipserver_close(f->sip);
	f->sip = mem_deref(f->sip);
	f->cfg = mem_deref(f->cfg);
}

static int dial(struct fx *f, const struct sdp_policy *media,
		uint32_t ring_ms)
{
	struct leg_handlers h;
	struct leg_dial d;
	char *from = NULL;
	int err;

	err = callenv_from_uri(&from, f->ce, "test");
	if (err)
		return err;
	memset(&d, 0, sizeof(d));
	d.uri = f->uri;
	d.from_uri = from;
	d.ring_ms = ring_ms;
	handlers(&h, &f->out);
	err = leg_dial(&f->out.leg, f->ce, &d, media, &h, "out");
	mem_deref(from);
	return err;
}

/* -- the loop until a condition -- */

typedef bool (cond_h)(struct fx *f);

struct waiter {
	struct tmr tmr;
	cond_h *condh;
	struct fx *f;
	uint64_t deadline;
	bool met;
};

static void wait_tick(void *arg)
{
	struct waiter *w = arg;

	if (w->condh(w->f)) {
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

static bool run_until(struct fx *f, cond_h *condh)
{
	struct waiter w;

	memset(&w, 0, sizeof(w));
	tmr_init(&w.tmr);
	w.condh = condh;
	w.f = f;
	w.deadline = tmr_jiffies() + DEADLINE_MS;
	tmr_start(&w.tmr, 0, wait_tick, &w);
	(void)re_main(NULL);
	tmr_cancel(&w.tmr);
	return w.met;
}

static bool both_up(struct fx *f)
{
	return f->out.answered && leg_state(f->out.leg) == LEG_UP &&
		leg_state(f->in.leg) == LEG_UP;
}

static bool out_closed(struct fx *f)
{
	return f->out.closed;
}

static bool in_closed(struct fx *f)
{
	return f->in.closed;
}

static bool in_keys(struct fx *f)
{
	return f->in.nkeys >= 3;
}

TEST(dial_answer_hangup)
{
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f), 0);
	ASSERT_INT_EQ(dial(&f, NULL, 0), 0);
	ASSERT_INT_EQ(leg_state(f.out.leg), LEG_RINGING);
	ASSERT_STR_EQ(leg_uri(f.out.leg), f.uri);
	ASSERT_TRUE(run_until(&f, both_up));
	ASSERT_FALSE(f.in.answered);	/* incoming legs are not "answered" */
	ASSERT_INT_EQ(leg_codec(f.out.leg), MSTREAM_PCMU);
	ASSERT_FALSE(leg_srtp(f.out.leg));
	ASSERT_FALSE(leg_held(f.in.leg));

	/* keys from one side arrive as events on the other */
	ASSERT_INT_EQ(leg_send_dtmf(f.out.leg, "4#7"), 0);
	ASSERT_TRUE(run_until(&f, in_keys));
	ASSERT_STR_EQ(f.in.keys, "4#7");

	/* a hang-up is told to the other side, never to the one hanging up */
	leg_hangup(f.out.leg);
	ASSERT_INT_EQ(leg_state(f.out.leg), LEG_CLOSED);
	ASSERT_TRUE(run_until(&f, in_closed));
	ASSERT_INT_EQ(f.in.why, LEG_END_HANGUP);
	ASSERT_FALSE(f.out.closed);
	fx_close(&f);
}

TEST(refused_with_its_status)
{
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f), 0);
	f.refuse = 486;
	ASSERT_INT_EQ(dial(&f, NULL, 0), 0);
	ASSERT_TRUE(run_until(&f, out_closed));
	ASSERT_INT_EQ(f.out.why, LEG_END_REFUSED);
	ASSERT_INT_EQ(f.out.scode, 486);
	ASSERT_STR_EQ(leg_end_reason(f.out.leg), "Busy Here");
	ASSERT_INT_EQ(leg_state(f.out.leg), LEG_CLOSED);
	fx_close(&f);
}

TEST(ring_time_limit)
{
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f), 0);
	f.ignore = true;	/* 100 Trying and nothing else */
	ASSERT_INT_EQ(dial(&f, NULL, 200), 0);
	ASSERT_TRUE(run_until(&f, out_closed));
	ASSERT_INT_EQ(f.out.why, LEG_END_NO_ANSWER);
	fx_close(&f);
}

TEST(released_in_its_own_close_handler)
{
	struct fx f;

	ASSERT_INT_EQ(fx_init(&f), 0);
	ASSERT_INT_EQ(dial(&f, NULL, 0), 0);
	ASSERT_TRUE(run_until(&f, both_up));
	/* the incoming side frees its leg when told the call is over */
	f.in.release_in_close = true;
	leg_hangup(f.out.leg);
	ASSERT_TRUE(run_until(&f, in_closed));
	ASSERT_NULL(f.in.leg);
	fx_close(&f);
}

TEST(srtp_policy_both_ways)
{
	struct sdp_policy mand;
	struct fx f;

	memset(&mand, 0, sizeof(mand));
	mand.srtp = SDES_MANDATORY;

	/* mandatory out, optional in: SRTP on both */
	ASSERT_INT_EQ(fx_init(&f), 0);
	f.in_media.srtp = SDES_OPTIONAL;
	ASSERT_INT_EQ(dial(&f, &mand, 0), 0);
	ASSERT_TRUE(run_until(&f, both_up));
	ASSERT_TRUE(leg_srtp(f.out.leg));
	ASSERT_TRUE(leg_srtp(f.in.leg));
	fx_close(&f);

	/* mandatory out, plain in: refused with 488, nothing answered */
	ASSERT_INT_EQ(fx_init(&f), 0);
	f.in_media.srtp = SDES_OFF;
	ASSERT_INT_EQ(dial(&f, &mand, 0), 0);
	ASSERT_TRUE(run_until(&f, out_closed));
	ASSERT_INT_EQ(f.out.why, LEG_END_REFUSED);
	ASSERT_INT_EQ(f.out.scode, 488);
	ASSERT_INT_EQ(f.in_scode, 488);
	ASSERT_NULL(f.in.leg);
	fx_close(&f);
}
