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
#include <callflowd/libre.h>
#include <callflowd/app.h>
#include <callflowd/audio.h>
#include <callflowd/cdata.h>
#include <callflowd/collect.h>
#include <callflowd/config.h>
#include <callflowd/contact.h>
#include <callflowd/httpc.h>
#include <callflowd/interp.h>
#include <callflowd/log.h>
#include <callflowd/media.h>
#include <callflowd/player.h>
#include <callflowd/util.h>
#include "contact_priv.h"

static void free_audio(struct contact *c)
{
	size_t i;

	for (i = 0; i < c->audc; i++) {
		if (c->reqv)
			c->reqv[i] = mem_deref(c->reqv[i]);
		if (c->audv)
			c->audv[i] = mem_deref(c->audv[i]);
	}
	c->reqv = mem_deref(c->reqv);
	c->audv = mem_deref(c->audv);
	c->slotv = mem_deref(c->slotv);
	c->fetch_err = 0;
	c->audc = 0;
	c->aud_ready = 0;
}

void contact_media_stop(struct contact *c)
{
	if (!c)
		return;
	tmr_cancel(&c->col_tmr);
	tmr_cancel(&c->op_tmr);
	if (c->player)
		player_stop(c->player);
	free_audio(c);
	c->http = mem_deref(c->http);
	c->collecting = false;
	c->mop = MOP_NONE;
}

void contact_media_src(int16_t *frame, size_t n, void *arg)
{
	struct contact *c = arg;

	if (c->player)
		player_read(c->player, frame, n);
	else
		memset(frame, 0, n * sizeof(*frame));
}

/* -- digit collection -- */

static void collect_finish(struct contact *c)
{
	struct frun *run = c->run;

	tmr_cancel(&c->col_tmr);
	c->collecting = false;
	c->mop = MOP_NONE;
	if (c->player)
		player_stop(c->player);
	free_audio(c);
	frun_input(run, c->col.status, c->col.digits);
}

static void collect_timeout(void *arg)
{
	struct contact *c = arg;

	if (collector_timeout(&c->col) == COLLECT_DONE)
		collect_finish(c);
	else
		tmr_start(&c->col_tmr, collector_timer_ms(&c->col),
			  collect_timeout, c);
}

static void collect_arm(struct contact *c)
{
	tmr_start(&c->col_tmr, collector_timer_ms(&c->col), collect_timeout,
		  c);
}

void contact_dtmf(struct contact *c, char key, const char *how)
{
	if (!c || c->state == CONTACT_ENDED)
		return;

	log_debug("contact %s: key %c (%s)", c->cd->contact_id, key, how);
	if (!c->collecting)
		return;	/* keys outside an input action are not kept */

	/* barge-in: a key during the prompt stops it */
	if (!c->prompt_done) {
		c->prompt_done = true;
		if (c->player)
			player_stop(c->player);
		free_audio(c);
	}
	if (collector_key(&c->col, key) == COLLECT_DONE)
		collect_finish(c);
	else
		collect_arm(c);
}

void contact_media_dtmf(char key, enum dtmf_source src, void *arg)
{
	contact_dtmf(arg, key, dtmf_source_name(src));
}

/* -- playing prompts -- */

static void play_done(void *arg)
{
	struct contact *c = arg;

	switch (c->mop) {

	case MOP_PLAY:
		c->mop = MOP_NONE;
		free_audio(c);
		frun_done(c->run, 0);
		break;

	case MOP_COLLECT:
		c->prompt_done = true;
		free_audio(c);
		collect_arm(c);
		break;

	default:
		break;
	}
}

static void start_playing(struct contact *c)
{
	size_t i;
	int err = 0;

	if (!c->player) {
		err = player_alloc(&c->player);
		if (err)
			goto fail;
	}
	player_start(c->player, c->loop, play_done, c);
	for (i = 0; i < c->audc && !err; i++)
		err = player_append(c->player, c->audv[i]);
	player_seal(c->player);
	if (!err)
		return;
 fail:
	log_warn("contact %s: cannot play: %m", c->cd->contact_id, err);
	play_done(c);
}

/* Requests still out (a slot's request is dropped when it answers). */
static bool fetch_pending(const struct contact *c)
{
	size_t i;

	for (i = 0; i < c->audc; i++) {
		if (c->reqv[i])
			return true;
	}
	return false;
}

/* Every prompt's audio is in (or one failed): play, or report. */
static void settle(struct contact *c)
{
	int err = c->fetch_err;

	if (!err && c->aud_ready < c->audc)
		return;

	if (!err) {
		start_playing(c);
		return;
	}
	if (c->mop == MOP_LOOP && fetch_pending(c))
		return;	/* let the other messages load: loop what does */

	log_warn("contact %s: prompt unavailable: %m", c->cd->contact_id,
		 err);
	if (c->mop == MOP_COLLECT) {
		/* collect the digits without the prompt */
		c->prompt_done = true;
		free_audio(c);
		collect_arm(c);
	}
	else if (c->mop == MOP_LOOP && c->aud_ready) {
		/* loop what did load rather than go silent; nothing is pending,
		 * so packing audv leaves no request pointing at a moved slot */
		size_t i, n = 0;

		for (i = 0; i < c->audc; i++) {
			if (c->audv[i])
				c->audv[n++] = c->audv[i];
		}
		for (i = n; i < c->audc; i++)
			c->audv[i] = NULL;
		c->audc = n;
		c->fetch_err = 0;
		start_playing(c);
	}
	else {
		enum contact_mop mop = c->mop;

		contact_media_stop(c);
		if (mop != MOP_NONE)
			frun_done(c->run, err);
	}
}

static void audio_ready(int err, struct audio *a, void *arg)
{
	struct aslot *slot = arg;
	struct contact *c = slot->c;

	/* keep the audio before dropping the request that may own it */
	if (err) {
		if (!c->fetch_err)
			c->fetch_err = err;
	}
	else {
		c->audv[slot->i] = mem_ref(a);
		++c->aud_ready;
	}
	c->reqv[slot->i] = mem_deref(c->reqv[slot->i]);
	if (!c->fetching)
		settle(c);
}

/* Fetch the audio of every prompt (TTS or files), then play them. */
static int fetch(struct contact *c, const struct fprompt *pv, size_t pc)
{
	size_t i;
	int err = 0;

	free_audio(c);
	c->reqv = mem_zalloc(pc * sizeof(*c->reqv), NULL);
	c->audv = mem_zalloc(pc * sizeof(*c->audv), NULL);
	c->slotv = mem_zalloc(pc * sizeof(*c->slotv), NULL);
	if (!c->reqv || !c->audv || !c->slotv)
		return ENOMEM;
	c->audc = pc;

	c->fetching = true;
	for (i = 0; i < pc && !err; i++) {
		struct media_req *req = NULL;

		c->slotv[i].c = c;
		c->slotv[i].i = i;
		err = media_prompt_audio(&req, &pv[i], audio_ready,
					 &c->slotv[i]);
		/* a request answered at once has no slot left to fill */
		if (!err && !c->audv[i] && c->fetch_err == 0)
			c->reqv[i] = req;
		else
			mem_deref(req);
		if (err && !c->fetch_err)
			c->fetch_err = err;
	}
	c->fetching = false;
	settle(c);
	return 0;
}

static int op_play(struct frun *run, const struct fprompt *p, void *arg)
{
	struct contact *c = arg;

	(void)run;
	if (p->kind == FPROMPT_NONE)
		return EINVAL;
	contact_media_stop(c);
	c->mop = MOP_PLAY;
	c->loop = false;
	return fetch(c, p, 1);
}

static int op_collect(struct frun *run, const struct fprompt *p,
		      const struct fcollect *spec, void *arg)
{
	struct contact *c = arg;

	(void)run;
	contact_media_stop(c);
	c->mop = MOP_COLLECT;
	c->loop = false;
	collector_init(&c->col, spec);
	c->collecting = true;
	c->prompt_done = (p->kind == FPROMPT_NONE);
	if (c->prompt_done) {
		collect_arm(c);
		return 0;
	}
	return fetch(c, p, 1);
}

static void loop_interrupt(void *arg)
{
	struct contact *c = arg;

	contact_media_stop(c);
	frun_done(c->run, 0);
}

static int op_play_loop(struct frun *run, const struct fprompt *pv,
			size_t pc, uint32_t interrupt_ms, void *arg)
{
	struct contact *c = arg;
	int err;

	(void)run;
	if (!pc)
		return EINVAL;
	contact_media_stop(c);
	c->mop = MOP_LOOP;
	c->loop = true;
	err = fetch(c, pv, pc);
	if (!err && interrupt_ms)
		tmr_start(&c->op_tmr, interrupt_ms, loop_interrupt, c);
	return err;
}

static void wait_done(void *arg)
{
	struct contact *c = arg;

	c->mop = MOP_NONE;
	frun_done_value(c->run, "WaitCompleted");
}

static int op_wait(struct frun *run, uint32_t ms, const char **events,
		   size_t eventc, void *arg)
{
	struct contact *c = arg;

	(void)run;
	(void)events;
	(void)eventc;
	contact_media_stop(c);
	c->mop = MOP_WAIT;
	tmr_start(&c->op_tmr, ms, wait_done, c);
	return 0;
}

static void op_stop(struct frun *run, void *arg)
{
	(void)run;
	contact_media_stop(arg);
}

static int op_disconnect(struct frun *run, void *arg)
{
	(void)run;
	(void)arg;
	return 0;	/* the run's end (FEND_DISCONNECT) hangs up */
}

static int op_enqueue(struct frun *run, const struct cfg_queue *q,
		      const char *agent, void *arg)
{
	struct contact *c = arg;
	uint32_t waiting = 0;
	struct le *le;

	(void)run;
	(void)agent;
	if (!q)
		return ENOENT;

	for (le = list_head(&c->app->contacts); le; le = le->next) {
		const struct contact *o = le->data;

		if (o != c && o->state == CONTACT_QUEUED && o->cd->queue_name &&
		    !strcmp(o->cd->queue_name, q->ident.name))
			++waiting;
	}
	if (q->max_contacts && waiting >= q->max_contacts)
		return EOVERFLOW;

	c->info.queue_name = q->ident.name;
	c->info.enqueued_ms = util_now_ms();
	return 0;
}

static int op_metrics(struct frun *run, const struct cfg_queue *q,
		      const char *agent, struct fmetrics *mt, void *arg)
{
	struct contact *c = arg;
	uint64_t now = util_now_ms();
	struct le *le;

	(void)run;
	(void)agent;
	memset(mt, 0, sizeof(*mt));
	if (!q)
		return 0;

	/* no agents yet: queue depth and age from the live contacts */
	for (le = list_head(&c->app->contacts); le; le = le->next) {
		const struct contact *o = le->data;

		if (o->state != CONTACT_QUEUED || !o->cd->queue_name ||
		    strcmp(o->cd->queue_name, q->ident.name))
			continue;
		++mt->contacts_in_queue;
		if (now - o->info.enqueued_ms > mt->oldest_contact_age_ms)
			mt->oldest_contact_age_ms = now - o->info.enqueued_ms;
	}
	return 0;
}

static void http_done(int err, uint16_t status, const char *body,
		      size_t len, void *arg)
{
	struct contact *c = arg;
	/* the body belongs to the request: free it only after use */
	struct httpc_req *req = c->http;

	c->http = NULL;
	c->mop = MOP_NONE;
	frun_invoke_reply(c->run, err, status, body, len);
	mem_deref(req);
}

static int op_invoke(struct frun *run, const char *url, const char *body,
		     size_t len, uint32_t timeout_ms, void *arg)
{
	struct contact *c = arg;

	(void)run;
	if (!url)
		return ENOENT;
	if (!media_httpc())
		return ENOTSUP;
	c->http = mem_deref(c->http);
	c->mop = MOP_INVOKE;
	return httpc_post(&c->http, media_httpc(), url, "application/json",
			  body, len, timeout_ms, http_done, c);
}

static const struct flow_ops contact_ops = {
	.play = op_play,
	.collect = op_collect,
	.play_loop = op_play_loop,
	.wait = op_wait,
	.stop = op_stop,
	.disconnect = op_disconnect,
	.enqueue = op_enqueue,
	.metrics = op_metrics,
	.invoke = op_invoke,
};

static uint64_t now_ms(void *arg)
{
	(void)arg;
	return util_now_ms();
}

void contact_ops_env(struct contact *c)
{
	memset(&c->env, 0, sizeof(c->env));
	c->env.cfg = c->cfg;
	c->env.flows = c->flows;
	c->env.ops = &contact_ops;
	c->env.ops_arg = c;
	c->env.now_ms = now_ms;
	c->env.rng = &c->app->rng;
	c->env.step_limit = c->cfg->limits.step_limit;
}
