/**
 * @file leg.c  The leg object: lifecycle, close, audio and views.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/media/afifo.h>
#include <callflowd/media/player.h>
#include <callflowd/media/sdpneg.h>
#include "leg_priv.h"

enum { BRIDGE_FIFO_MS = 120 };

static const char *state_names[] = {"New", "Ringing", "Up", "Closed"};
static const char *end_names[] = {
	"hangup", "refused", "no answer", "no media", "failed"
};

const char *leg_state_name(enum leg_state st)
{
	return (size_t)st < ARRAY_SIZE(state_names) ? state_names[st] : "?";
}

const char *leg_end_name(enum leg_end why)
{
	return (size_t)why < ARRAY_SIZE(end_names) ? end_names[why] : "?";
}

/* The session goes on the next loop turn: a leg may be released from a
 * handler libre is still inside of. The session's handlers point at ref,
 * which must outlive it. */
struct grave {
	struct sipsess *sess;
	struct legref *ref;
};

static void grave_destructor(void *arg)
{
	struct grave *g = arg;

	mem_deref(g->sess);	/* BYE, CANCEL or a final answer */
	mem_deref(g->ref);
}

/* Let go of the session and the handlers' reference, without freeing
 * either now. */
static void release_sess(struct leg *leg)
{
	struct grave *g;

	if (leg->ref)
		leg->ref->leg = NULL;
	if (!leg->sess) {
		leg->ref = mem_deref(leg->ref);
		return;
	}
	g = mem_zalloc(sizeof(*g), grave_destructor);
	if (!g) {
		/* no memory: free it now rather than leak the dialog */
		leg->sess = mem_deref(leg->sess);
		leg->ref = mem_deref(leg->ref);
		return;
	}
	g->sess = leg->sess;
	g->ref = leg->ref;
	leg->sess = NULL;
	leg->ref = NULL;
	(void)loop_defer_deref(g);
}

void leg_mstats(const struct leg *leg, struct mstream_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (leg && leg->ms)
		mstream_stats(leg->ms, st);
}

static void destructor(void *arg)
{
	struct leg *leg = arg;
	struct mstream_stats ms;

	tmr_cancel(&leg->ring_tmr);
	leg_unbridge(leg);
	release_sess(leg);
	if (leg->ce) {
		leg_mstats(leg, &ms);
		leg->ce->gone.rx_packets += ms.rx_packets;
		leg->ce->gone.tx_packets += ms.tx_packets;
		if (ms.rx_lost > 0)
			leg->ce->gone.lost_packets += (uint64_t)ms.rx_lost;
		list_unlink(&leg->le);
	}
	mem_deref(leg->ms);
	mem_deref(leg->neg);
	mem_deref(leg->player);
	mem_deref(leg->in);
	mem_deref(leg->name);
	mem_deref(leg->uri);
	mem_deref(leg->auth_user);
	mem_deref(leg->auth_pass);
	mem_deref(leg->ce);
}

int leg_alloc(struct leg **legp, struct callenv *ce,
	      const struct sdp_policy *media, const struct leg_handlers *h,
	      const char *name)
{
	struct leg *leg;
	int err;

	if (!legp || !ce || !h || !h->closeh)
		return EINVAL;
	leg = mem_zalloc(sizeof(*leg), destructor);
	if (!leg)
		return ENOMEM;
	leg->ce = mem_ref(ce);
	list_append(&ce->legs, &leg->le, leg);
	leg->h = *h;
	leg->te_pt = -1;
	if (media)
		leg->media = *media;
	tmr_init(&leg->ring_tmr);
	err = str_dup(&leg->name, name ? name : "leg");
	if (!err) {
		leg->ref = mem_zalloc(sizeof(*leg->ref), NULL);
		if (!leg->ref)
			err = ENOMEM;
		else
			leg->ref->leg = leg;
	}
	if (!err)
		err = leg_media_alloc(leg);
	if (err)
		mem_deref(leg);
	else
		*legp = leg;
	return err;
}

/* Over: stop the media, let the session go, tell the owner once. */
void leg_close(struct leg *leg, enum leg_end why, int err, uint16_t scode)
{
	leg_close_h *closeh = leg->h.closeh;
	void *arg = leg->h.arg;

	if (leg->state == LEG_CLOSED)
		return;
	leg->state = LEG_CLOSED;
	tmr_cancel(&leg->ring_tmr);
	if (leg->ms)
		mstream_stop(leg->ms);
	leg_unbridge(leg);
	release_sess(leg);
	memset(&leg->h, 0, sizeof(leg->h));
	log_debug("%s: closed (%s%s%u)", leg->name, leg_end_name(why),
		  scode ? ", " : "", scode);
	closeh(leg, why, err, scode, arg);	/* may release the leg */
}

void leg_hangup(struct leg *leg)
{
	if (!leg || leg->state == LEG_CLOSED)
		return;
	leg->state = LEG_CLOSED;
	memset(&leg->h, 0, sizeof(leg->h));
	tmr_cancel(&leg->ring_tmr);
	if (leg->ms)
		mstream_stop(leg->ms);
	leg_unbridge(leg);
	release_sess(leg);
}

/* -- audio -- */

struct player *leg_player(struct leg *leg)
{
	if (leg && !leg->player && player_alloc(&leg->player))
		return NULL;
	return leg ? leg->player : NULL;
}

void leg_player_stop(struct leg *leg)
{
	if (leg && leg->player)
		player_stop(leg->player);
}

int leg_bridge(struct leg *a, struct leg *b)
{
	int err = 0;

	if (!a || !b || a == b)
		return EINVAL;
	leg_unbridge(a);
	leg_unbridge(b);
	if (!a->in)
		err = afifo_alloc(&a->in, BRIDGE_FIFO_MS);
	if (!err && !b->in)
		err = afifo_alloc(&b->in, BRIDGE_FIFO_MS);
	if (err)
		return err;
	afifo_reset(a->in);
	afifo_reset(b->in);
	a->peer = b;
	b->peer = a;
	return 0;
}

void leg_unbridge(struct leg *leg)
{
	if (!leg)
		return;
	if (leg->peer) {
		leg->peer->peer = NULL;
		leg->peer->in = mem_deref(leg->peer->in);
	}
	leg->peer = NULL;
	leg->in = mem_deref(leg->in);
}

struct leg *leg_peer(const struct leg *leg)
{
	return leg ? leg->peer : NULL;
}

void leg_set_tap(struct leg *leg, leg_tap_h *h, void *arg)
{
	if (!leg)
		return;
	leg->taph = h;
	leg->tap_arg = arg;
}

int leg_send_dtmf(struct leg *leg, const char *keys)
{
	if (!leg || !leg->ms || leg->state == LEG_CLOSED)
		return EINVAL;
	return mstream_send_dtmf(leg->ms, keys, 0);
}

/* -- views -- */

enum leg_state leg_state(const struct leg *leg)
{
	return leg ? leg->state : LEG_CLOSED;
}

const char *leg_name(const struct leg *leg)
{
	return leg ? leg->name : NULL;
}

const char *leg_uri(const struct leg *leg)
{
	return leg ? leg->uri : NULL;
}

bool leg_held(const struct leg *leg)
{
	return leg && leg->held;
}

bool leg_srtp(const struct leg *leg)
{
	return leg && leg->srtp;
}

enum mstream_codec leg_codec(const struct leg *leg)
{
	return leg ? leg->codec : MSTREAM_PCMU;
}

const char *leg_end_reason(const struct leg *leg)
{
	return leg ? leg->end_reason : "";
}

const struct sa *leg_raddr(const struct leg *leg)
{
	return leg ? &leg->raddr : NULL;
}

const struct mstream *leg_mstream(const struct leg *leg)
{
	return leg ? leg->ms : NULL;
}
