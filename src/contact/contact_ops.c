/**
 * @file contact_ops.c  The flow ports of a live contact: prompts through
 * TTS or files to the RTP stream, digit collection with barge-in, loop
 * prompts, waits, queueing and Lambda calls over HTTP.
 *
 * One media op runs at a time (the action in progress); stop() cancels it
 * without a completion, so a run that moves on never hears from it again.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/afifo.h>
#include <callflowd/routing/agent.h>
#include <callflowd/daemon/app.h>
#include <callflowd/media/audio.h>
#include <callflowd/contact/callback.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/collect.h>
#include <callflowd/core/config.h>
#include <callflowd/core/events.h>
#include <callflowd/contact/contact.h>
#include <callflowd/core/httpc.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/log.h>
#include <callflowd/daemon/media.h>
#include <callflowd/media/player.h>
#include <callflowd/routing/queue.h>
#include <callflowd/routing/router.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/core/util.h>
#include "contact_priv.h"
#include "contact_record.h"

static void free_audio(struct leg *l)
{
	size_t i;

	for (i = 0; i < l->audc; i++) {
		if (l->reqv)
			l->reqv[i] = mem_deref(l->reqv[i]);
		if (l->audv)
			l->audv[i] = mem_deref(l->audv[i]);
	}
	l->reqv = mem_deref(l->reqv);
	l->audv = mem_deref(l->audv);
	l->slotv = mem_deref(l->slotv);
	l->fetch_err = 0;
	l->audc = 0;
	l->aud_ready = 0;
}

void leg_media_stop(struct leg *l)
{
	if (!l)
		return;
	tmr_cancel(&l->col_tmr);
	tmr_cancel(&l->op_tmr);
	if (l->player)
		player_stop(l->player);
	free_audio(l);
	l->http = mem_deref(l->http);
	l->collecting = false;
	l->mop = MOP_NONE;
}

void leg_media_src(int16_t *frame, size_t n, void *arg)
{
	struct leg *l = arg;

	/* a prompt to this leg (whisper, hold) is heard over the bridge */
	if (l->player && player_active(l->player))
		player_read(l->player, frame, n);
	else if (l->in)
		afifo_read(l->in, frame, n);
	else
		memset(frame, 0, n * sizeof(*frame));
	if (l == &l->c->cust)
		contact_record_tx(l->c, frame, n);
}

void leg_media_sink(const int16_t *frame, size_t n, void *arg)
{
	struct leg *l = arg;

	if (l->peer && l->peer->in)
		afifo_write(l->peer->in, frame, n);
	if (l == &l->c->cust)
		contact_record_rx(l->c, frame, n);
}

int leg_bridge(struct leg *a, struct leg *b)
{
	int err;

	if (!a || !b)
		return EINVAL;
	if (!a->in)
		err = afifo_alloc(&a->in, 120);
	else
		err = 0;
	if (!err && !b->in)
		err = afifo_alloc(&b->in, 120);
	if (err)
		return err;
	afifo_reset(a->in);
	afifo_reset(b->in);
	a->peer = b;
	b->peer = a;
	return 0;
}

void leg_unbridge(struct leg *l)
{
	if (!l)
		return;
	if (l->peer) {
		l->peer->peer = NULL;
		l->peer->in = mem_deref(l->peer->in);
	}
	l->peer = NULL;
	l->in = mem_deref(l->in);
}

int leg_media_offer(struct leg *l, mstream_timeout_h *timeouth,
		    struct mbuf **offerp)
{
	struct mstream_handlers mh;
	struct mstream_conf mconf;
	struct sdpneg_conf nconf;
	int err;

	memset(&mh, 0, sizeof(mh));
	mh.srch = leg_media_src;
	mh.sinkh = leg_media_sink;
	mh.dtmfh = leg_media_dtmf;
	mh.timeouth = timeouth;
	mh.arg = l;
	media_rtp_conf(&mconf, l->c->cfg);
	err = mstream_alloc(&l->ms, media_clock(), &mconf, &mh);
	if (err)
		return err;

	/* legs we dial: G.711 either way, keys as events, plain RTP */
	memset(&nconf, 0, sizeof(nconf));
	nconf.codecv[nconf.codecc++] = MSTREAM_PCMU;
	nconf.codecv[nconf.codecc++] = MSTREAM_PCMA;
	nconf.te = true;
	nconf.srtp = SDES_OFF;
	nconf.ptime = 20;
	err = sdpneg_alloc(&l->neg, &nconf, mstream_laddr(l->ms));
	if (!err)
		err = sdpneg_offer(l->neg, offerp);
	return err;
}

int leg_media_answer(struct leg *l, const struct sip_msg *msg)
{
	const struct sdpneg_result *r;
	int err;

	err = sdpneg_accept(l->neg, msg->mb);
	if (err) {
		log_warn("contact %s: the %s's answer SDP refused: %m",
			 l->c->cd->contact_id, l->who, err);
		return err;
	}
	r = sdpneg_result(l->neg);
	l->codec = r->codec;
	l->raddr = r->raddr;
	mstream_set_dir(l->ms, r->dir);
	return mstream_start(l->ms, r->codec, r->te_pt, &r->raddr,
			     &r->raddr_rtcp);
}

int leg_media_reoffer(struct leg *l, struct mbuf **descp,
		      const struct sip_msg *msg)
{
	const struct sdpneg_result *r;
	int err;

	err = sdpneg_answer(l->neg, descp, msg->mb);
	if (err)
		return err;
	r = sdpneg_result(l->neg);
	mstream_set_dir(l->ms, r->dir);
	return 0;
}

void leg_init(struct leg *l, struct contact *c, const char *who)
{
	memset(l, 0, sizeof(*l));
	l->c = c;
	l->who = who;
	tmr_init(&l->col_tmr);
	tmr_init(&l->op_tmr);
}

void leg_count_rtp(struct leg *l)
{
	struct app_stats *st;
	struct mstream_stats ms;

	if (!l || !l->ms || l->ms_counted || !l->c || !l->c->app)
		return;
	l->ms_counted = true;
	mstream_stats(l->ms, &ms);
	st = &l->c->app->stats;
	st->rtp_rx_packets += ms.rx_packets;
	st->rtp_tx_packets += ms.tx_packets;
	if (ms.rx_lost > 0)
		st->rtp_lost_packets += (uint64_t)ms.rx_lost;
}

void leg_reset(struct leg *l)
{
	if (!l)
		return;
	leg_media_stop(l);
	leg_count_rtp(l);
	leg_unbridge(l);
	if (l->run)
		frun_cancel(l->run);
	l->run = mem_deref(l->run);
	l->sess = mem_deref(l->sess);
	l->ms = mem_deref(l->ms);
	l->neg = mem_deref(l->neg);
	l->player = mem_deref(l->player);
	l->uri = mem_deref(l->uri);
}

/* -- digit collection -- */

static void collect_finish(struct leg *l)
{
	struct frun *run = l->run;

	tmr_cancel(&l->col_tmr);
	l->collecting = false;
	l->mop = MOP_NONE;
	if (l->player)
		player_stop(l->player);
	free_audio(l);
	frun_input(run, l->col.status, l->col.digits);
}

static void collect_timeout(void *arg)
{
	struct leg *l = arg;

	if (collector_timeout(&l->col) == COLLECT_DONE)
		collect_finish(l);
	else
		tmr_start(&l->col_tmr, collector_timer_ms(&l->col),
			  collect_timeout, l);
}

static void collect_arm(struct leg *l)
{
	tmr_start(&l->col_tmr, collector_timer_ms(&l->col), collect_timeout,
		  l);
}

void leg_dtmf(struct leg *l, char key, const char *how)
{
	if (!l || l->c->state == CONTACT_ENDED)
		return;

	log_debug("contact %s: %s key %c (%s)", l->c->cd->contact_id, l->who,
		  key, how);
	if (l->peer && l->peer->ms && !l->collecting) {
		/* bridged: the other side hears the key as an event */
		char keys[2] = {key, '\0'};

		(void)mstream_send_dtmf(l->peer->ms, keys, 0);
		return;
	}
	if (!l->collecting)
		return;	/* keys outside an input action are not kept */

	/* barge-in: a key during the prompt stops it */
	if (!l->prompt_done) {
		l->prompt_done = true;
		if (l->player)
			player_stop(l->player);
		free_audio(l);
	}
	if (collector_key(&l->col, key) == COLLECT_DONE)
		collect_finish(l);
	else
		collect_arm(l);
}

void leg_media_dtmf(char key, enum dtmf_source src, void *arg)
{
	leg_dtmf(arg, key, dtmf_source_name(src));
}

/* -- playing prompts -- */

static void play_done(void *arg)
{
	struct leg *l = arg;

	switch (l->mop) {

	case MOP_PLAY:
		l->mop = MOP_NONE;
		free_audio(l);
		frun_done(l->run, 0);
		break;

	case MOP_COLLECT:
		l->prompt_done = true;
		free_audio(l);
		collect_arm(l);
		break;

	default:
		break;
	}
}

static void start_playing(struct leg *l)
{
	size_t i;
	int err = 0;

	if (!l->player) {
		err = player_alloc(&l->player);
		if (err)
			goto fail;
	}
	player_start(l->player, l->loop, play_done, l);
	for (i = 0; i < l->audc && !err; i++)
		err = player_append(l->player, l->audv[i]);
	player_seal(l->player);
	if (!err)
		return;
 fail:
	log_warn("contact %s: cannot play: %m", l->c->cd->contact_id, err);
	play_done(l);
}

/* Requests still out (a slot's request is dropped when it answers). */
static bool fetch_pending(const struct leg *l)
{
	size_t i;

	for (i = 0; i < l->audc; i++) {
		if (l->reqv[i])
			return true;
	}
	return false;
}

/* Every prompt's audio is in (or one failed): play, or report. */
static void settle(struct leg *l)
{
	int err = l->fetch_err;

	if (!err && l->aud_ready < l->audc)
		return;

	if (!err) {
		start_playing(l);
		return;
	}
	if (l->mop == MOP_LOOP && fetch_pending(l))
		return;	/* let the other messages load: loop what does */

	log_warn("contact %s: prompt unavailable: %m", l->c->cd->contact_id,
		 err);
	if (l->mop == MOP_COLLECT) {
		/* collect the digits without the prompt */
		l->prompt_done = true;
		free_audio(l);
		collect_arm(l);
	}
	else if (l->mop == MOP_LOOP && l->aud_ready) {
		/* loop what did load rather than go silent; nothing is pending,
		 * so packing audv leaves no request pointing at a moved slot */
		size_t i, n = 0;

		for (i = 0; i < l->audc; i++) {
			if (l->audv[i])
				l->audv[n++] = l->audv[i];
		}
		for (i = n; i < l->audc; i++)
			l->audv[i] = NULL;
		l->audc = n;
		l->fetch_err = 0;
		start_playing(l);
	}
	else {
		enum contact_mop mop = l->mop;

		leg_media_stop(l);
		if (mop != MOP_NONE)
			frun_done(l->run, err);
	}
}

static void audio_ready(int err, struct audio *a, void *arg)
{
	struct aslot *slot = arg;
	struct leg *l = slot->l;

	/* keep the audio before dropping the request that may own it */
	if (err) {
		if (!l->fetch_err)
			l->fetch_err = err;
	}
	else {
		l->audv[slot->i] = mem_ref(a);
		++l->aud_ready;
	}
	l->reqv[slot->i] = mem_deref(l->reqv[slot->i]);
	if (!l->fetching)
		settle(l);
}

/* Fetch the audio of every prompt (TTS or files), then play them. */
static int fetch(struct leg *l, const struct fprompt *pv, size_t pc)
{
	size_t i;
	int err = 0;

	free_audio(l);
	l->reqv = mem_zalloc(pc * sizeof(*l->reqv), NULL);
	l->audv = mem_zalloc(pc * sizeof(*l->audv), NULL);
	l->slotv = mem_zalloc(pc * sizeof(*l->slotv), NULL);
	if (!l->reqv || !l->audv || !l->slotv)
		return ENOMEM;
	l->audc = pc;

	l->fetching = true;
	for (i = 0; i < pc && !err; i++) {
		struct media_req *req = NULL;

		l->slotv[i].l = l;
		l->slotv[i].i = i;
		err = media_prompt_audio(&req, &pv[i], audio_ready,
					 &l->slotv[i]);
		/* a request answered at once has no slot left to fill */
		if (!err && !l->audv[i] && l->fetch_err == 0)
			l->reqv[i] = req;
		else
			mem_deref(req);
		if (err && !l->fetch_err)
			l->fetch_err = err;
	}
	l->fetching = false;
	settle(l);
	return 0;
}

static int op_play(struct frun *run, const struct fprompt *p, void *arg)
{
	struct leg *l = arg;

	(void)run;
	if (p->kind == FPROMPT_NONE)
		return EINVAL;
	leg_media_stop(l);
	l->mop = MOP_PLAY;
	l->loop = false;
	return fetch(l, p, 1);
}

static int op_collect(struct frun *run, const struct fprompt *p,
		      const struct fcollect *spec, void *arg)
{
	struct leg *l = arg;

	(void)run;
	leg_media_stop(l);
	l->mop = MOP_COLLECT;
	l->loop = false;
	collector_init(&l->col, spec);
	l->collecting = true;
	l->prompt_done = (p->kind == FPROMPT_NONE);
	if (l->prompt_done) {
		collect_arm(l);
		return 0;
	}
	return fetch(l, p, 1);
}

static void loop_interrupt(void *arg)
{
	struct leg *l = arg;

	leg_media_stop(l);
	frun_done(l->run, 0);
}

static int op_play_loop(struct frun *run, const struct fprompt *pv,
			size_t pc, uint32_t interrupt_ms, void *arg)
{
	struct leg *l = arg;
	int err;

	(void)run;
	if (!pc)
		return EINVAL;
	leg_media_stop(l);
	l->mop = MOP_LOOP;
	l->loop = true;
	err = fetch(l, pv, pc);
	if (!err && interrupt_ms)
		tmr_start(&l->op_tmr, interrupt_ms, loop_interrupt, l);
	return err;
}

static void wait_done(void *arg)
{
	struct leg *l = arg;

	l->mop = MOP_NONE;
	frun_done_value(l->run, "WaitCompleted");
}

static int op_wait(struct frun *run, uint32_t ms, const char **events,
		   size_t eventc, void *arg)
{
	struct leg *l = arg;

	(void)run;
	(void)events;
	(void)eventc;
	leg_media_stop(l);
	l->mop = MOP_WAIT;
	tmr_start(&l->op_tmr, ms, wait_done, l);
	return 0;
}

static void op_stop(struct frun *run, void *arg)
{
	(void)run;
	leg_media_stop(arg);
}

static int op_disconnect(struct frun *run, void *arg)
{
	(void)run;
	(void)arg;
	return 0;	/* the run's end (FEND_DISCONNECT) hangs up */
}

/* The router's queue for a flow's queue or agent target. */
static struct rqueue *find_queue(const struct leg *l, const struct cfg_queue *q,
				 const char *agent)
{
	struct router *r = l->c->app->router;

	if (!r)
		return NULL;
	if (agent)
		return agent_queue(router_agent(r, agent));
	return q ? router_queue(r, q->ident.name) : NULL;
}

static int op_enqueue(struct frun *run, const struct cfg_queue *q,
		      const char *agent, void *arg)
{
	struct leg *l = arg;
	struct contact *c = l->c;
	struct rqueue *rq = find_queue(l, q, agent);
	int err;

	(void)run;
	if (!rq)
		return ENOENT;

	/* DequeueContactAndTransferToQueue: leave the old queue first */
	if (c->entry) {
		struct rentry *old = c->entry;
		const char *oldq = c->info.queue_name;

		/* an offer may be made inside router_enqueue(): it names
		 * the queue it is for */
		c->info.queue_name = rqueue_name(rq);
		c->entry = NULL;
		err = router_enqueue(&c->entry, c->app->router, rq,
				     c->cd->queue_priority,
				     c->cd->queue_time_adjust_s,
				     contact_entry_event, c);
		c->info.queue_name = oldq;
		if (err) {
			c->entry = old;	/* at capacity: it stays queued */
			return err;
		}
		mem_deref(old);
		/* a new segment, as Connect does (QUEUE_TRANSFER) */
		err = contact_next_segment(c, INIT_QUEUE_TRANSFER,
					   "CONTACT_FLOW_DISCONNECT");
		if (err)
			log_warn("contact %s: queue transfer without a new "
				 "segment: %m", c->cd->contact_id, err);
		c->info.queue_name = rqueue_name(rq);
		c->info.enqueued_ms = util_now_ms();
		c->info.dequeued_ms = 0;
		return 0;
	}

	c->info.queue_name = rqueue_name(rq);	/* an offer may come now */
	err = router_enqueue(&c->entry, c->app->router, rq,
			     c->cd->queue_priority, c->cd->queue_time_adjust_s,
			     contact_entry_event, c);
	if (err) {
		c->info.queue_name = NULL;
		return err;	/* EOVERFLOW: QueueAtCapacity */
	}
	c->info.queue_name = rqueue_name(rq);
	c->info.enqueued_ms = util_now_ms();
	c->info.dequeued_ms = 0;
	return 0;
}

static int op_metrics(struct frun *run, const struct cfg_queue *q,
		      const char *agent, struct fmetrics *mt, void *arg)
{
	struct leg *l = arg;
	struct rqueue *rq = find_queue(l, q, agent);
	struct rmetrics m;

	(void)run;
	memset(mt, 0, sizeof(*mt));
	if (!rq)
		return ENOENT;
	router_metrics(l->c->app->router, rq, &m);
	mt->contacts_in_queue = m.contacts_in_queue;
	mt->oldest_contact_age_ms = m.oldest_contact_age_ms;
	mt->contacts_scheduled = callback_scheduled(l->c->app, rq);
	mt->agents_online = m.agents_online;
	mt->agents_available = m.agents_available;
	mt->agents_staffed = m.agents_staffed;
	mt->agents_acw = m.agents_acw;
	mt->agents_busy = m.agents_busy;
	mt->agents_missed = m.agents_missed;
	mt->agents_non_productive = m.agents_non_productive;
	mt->agents_error = m.agents_error;
	return 0;
}

static void http_done(int err, uint16_t status, const char *body,
		      size_t len, void *arg)
{
	struct leg *l = arg;
	/* the body belongs to the request: free it only after use */
	struct httpc_req *req = l->http;

	l->http = NULL;
	l->mop = MOP_NONE;
	frun_invoke_reply(l->run, err, status, body, len);
	mem_deref(req);
}

static int op_invoke(struct frun *run, const char *url, const char *body,
		     size_t len, uint32_t timeout_ms, void *arg)
{
	struct leg *l = arg;

	(void)run;
	if (!url)
		return ENOENT;
	if (!media_httpc())
		return ENOTSUP;
	l->http = mem_deref(l->http);
	l->mop = MOP_INVOKE;
	return httpc_post(&l->http, media_httpc(), url, "application/json",
			  body, len, timeout_ms, http_done, l);
}

static const struct flow_ops contact_ops = {
	.play = op_play,
	.collect = op_collect,
	.play_loop = op_play_loop,
	.wait = op_wait,
	.stop = op_stop,
	.disconnect = op_disconnect,
	.enqueue = op_enqueue,
	.transfer_agent = leg_transfer_agent,	/* contact_transfer.c */
	.transfer_phone = leg_transfer_phone,
	.callback = callback_op,
	.metrics = op_metrics,
	.hold = contact_hold_op,	/* contact_hold.c */
	.invoke = op_invoke,
};

static uint64_t now_ms(void *arg)
{
	(void)arg;
	return util_now_ms();
}

void leg_env_init(struct leg *l)
{
	memset(&l->env, 0, sizeof(l->env));
	l->env.cfg = l->c->cfg;
	l->env.flows = l->c->flows;
	l->env.ops = &contact_ops;
	l->env.ops_arg = l;
	l->env.now_ms = now_ms;
	l->env.rng = &l->c->app->rng;
	l->env.step_limit = l->c->cfg->limits.step_limit;
}
