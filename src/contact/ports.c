/**
 * @file ports.c  The flow ports of a live contact (struct flow_ops):
 * prompts through TTS or files into the party's player, digit collection
 * with barge-in, loop prompts, waits and Lambda calls over HTTP; the
 * queueing, transfer, hold and callback ports live with their concerns.
 *
 * One media op runs at a time per party (the action in progress);
 * fop_stop() cancels it without a completion, so a run that moves on
 * never hears from it again.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/httpc.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/flow/collect.h>
#include <callflowd/flow/interp.h>
#include <callflowd/media/audio.h>
#include <callflowd/media/player.h>
#include <callflowd/call/leg.h>
#include "contact_priv.h"

static void free_audio(struct party *p)
{
	struct fop *op = &p->op;
	size_t i;

	for (i = 0; i < op->audc; i++) {
		if (op->reqv)
			op->reqv[i] = mem_deref(op->reqv[i]);
		if (op->audv)
			op->audv[i] = mem_deref(op->audv[i]);
	}
	op->reqv = mem_deref(op->reqv);
	op->audv = mem_deref(op->audv);
	op->slotv = mem_deref(op->slotv);
	op->fetch_err = 0;
	op->audc = 0;
	op->aud_ready = 0;
}

static void player_halt(struct party *p)
{
	leg_player_stop(p->leg);
}

void fop_audio_stop(struct party *p)
{
	player_halt(p);
	free_audio(p);
}

void fop_stop(struct party *p)
{
	if (!p)
		return;
	tmr_cancel(&p->op.col_tmr);
	tmr_cancel(&p->op.op_tmr);
	fop_audio_stop(p);
	p->op.http = mem_deref(p->op.http);
	/* a bot session may be what called us: it goes on the next turn */
	(void)loop_defer_deref(p->op.lex);
	p->op.lex = NULL;
	p->op.lex_rx = mem_deref(p->op.lex_rx);
	p->op.collecting = false;
	p->op.kind = FOP_NONE;
}

/* -- digit collection -- */

static void collect_finish(struct party *p)
{
	struct frun *run = p->run;

	tmr_cancel(&p->op.col_tmr);
	p->op.collecting = false;
	p->op.kind = FOP_NONE;
	player_halt(p);
	free_audio(p);
	frun_input(run, p->op.col.status, p->op.col.digits);
}

static void collect_timeout(void *arg)
{
	struct party *p = arg;

	if (collector_timeout(&p->op.col) == COLLECT_DONE)
		collect_finish(p);
	else
		tmr_start(&p->op.col_tmr, collector_timer_ms(&p->op.col),
			  collect_timeout, p);
}

static void collect_arm(struct party *p)
{
	tmr_start(&p->op.col_tmr, collector_timer_ms(&p->op.col),
		  collect_timeout, p);
}

void fop_key(struct party *p, char key)
{
	/* barge-in: a key during the prompt stops it */
	if (!p->op.prompt_done) {
		p->op.prompt_done = true;
		player_halt(p);
		free_audio(p);
	}
	if (collector_key(&p->op.col, key) == COLLECT_DONE)
		collect_finish(p);
	else
		collect_arm(p);
}

/* -- playing prompts -- */

static void play_done(void *arg)
{
	struct party *p = arg;

	switch (p->op.kind) {

	case FOP_PLAY:
		p->op.kind = FOP_NONE;
		free_audio(p);
		frun_done(p->run, 0);
		break;

	case FOP_COLLECT:
		p->op.prompt_done = true;
		free_audio(p);
		collect_arm(p);
		break;

	case FOP_LEX:
		free_audio(p);
		lex_played(p);
		break;

	default:
		break;
	}
}

static void start_playing(struct party *p)
{
	struct player *pl = leg_player(p->leg);
	size_t i;
	int err = 0;

	if (!pl) {
		err = p->leg ? ENOMEM : ENOTCONN;
		goto fail;
	}
	player_start(pl, p->op.loop, play_done, p);
	for (i = 0; i < p->op.audc && !err; i++)
		err = player_append(pl, p->op.audv[i]);
	player_seal(pl);
	if (!err)
		return;
 fail:
	log_warn("contact %s: cannot play to the %s: %m", p->c->cd->contact_id,
		 p->role, err);
	play_done(p);
}

/* Requests still out (a slot's request is dropped when it answers). */
static bool fetch_pending(const struct party *p)
{
	size_t i;

	for (i = 0; i < p->op.audc; i++) {
		if (p->op.reqv[i])
			return true;
	}
	return false;
}

/* Every prompt's audio is in (or one failed): play, or report. */
static void settle(struct party *p)
{
	struct fop *op = &p->op;
	int err = op->fetch_err;

	if (!err && op->aud_ready < op->audc)
		return;

	if (!err) {
		start_playing(p);
		return;
	}
	if (op->kind == FOP_LOOP && fetch_pending(p))
		return;	/* let the other messages load: loop what does */

	log_warn("contact %s: prompt unavailable: %m", p->c->cd->contact_id,
		 err);
	if (op->kind == FOP_COLLECT) {
		/* collect the digits without the prompt */
		op->prompt_done = true;
		free_audio(p);
		collect_arm(p);
	}
	else if (op->kind == FOP_LEX) {
		/* listen without the prompt */
		free_audio(p);
		lex_played(p);
	}
	else if (op->kind == FOP_LOOP && op->aud_ready) {
		/* loop what did load rather than go silent; nothing is pending,
		 * so packing audv leaves no request pointing at a moved slot */
		size_t i, n = 0;

		for (i = 0; i < op->audc; i++) {
			if (op->audv[i])
				op->audv[n++] = op->audv[i];
		}
		for (i = n; i < op->audc; i++)
			op->audv[i] = NULL;
		op->audc = n;
		op->fetch_err = 0;
		start_playing(p);
	}
	else {
		enum fop_kind kind = op->kind;

		fop_stop(p);
		if (kind != FOP_NONE)
			frun_done(p->run, err);
	}
}

static void audio_ready(int err, struct audio *a, void *arg)
{
	struct aslot *slot = arg;
	struct party *p = slot->p;
	struct fop *op = &p->op;

	/* keep the audio before dropping the request that may own it */
	if (err) {
		if (!op->fetch_err)
			op->fetch_err = err;
	}
	else {
		op->audv[slot->i] = mem_ref(a);
		++op->aud_ready;
	}
	op->reqv[slot->i] = mem_deref(op->reqv[slot->i]);
	if (!op->fetching)
		settle(p);
}

/* Fetch the audio of every prompt (TTS or files), then play them. */
int fop_fetch(struct party *p, const struct fprompt *pv, size_t pc)
{
	struct fop *op = &p->op;
	size_t i;
	int err = 0;

	free_audio(p);
	op->reqv = mem_zalloc(pc * sizeof(*op->reqv), NULL);
	op->audv = mem_zalloc(pc * sizeof(*op->audv), NULL);
	op->slotv = mem_zalloc(pc * sizeof(*op->slotv), NULL);
	if (!op->reqv || !op->audv || !op->slotv)
		return ENOMEM;
	op->audc = pc;

	op->fetching = true;
	for (i = 0; i < pc && !err; i++) {
		struct mprompt_req *req = NULL;

		op->slotv[i].p = p;
		op->slotv[i].i = i;
		err = contact_prompt_audio(&req, p->c->cc, &pv[i], audio_ready,
					   &op->slotv[i]);
		/* a request answered at once has no slot left to fill */
		if (!err && !op->audv[i] && op->fetch_err == 0)
			op->reqv[i] = req;
		else
			mem_deref(req);
		if (err && !op->fetch_err)
			op->fetch_err = err;
	}
	op->fetching = false;
	settle(p);
	return 0;
}

static int op_play(struct frun *run, const struct fprompt *pr, void *arg)
{
	struct party *p = arg;

	(void)run;
	if (pr->kind == FPROMPT_NONE)
		return EINVAL;
	fop_stop(p);
	p->op.kind = FOP_PLAY;
	p->op.loop = false;
	return fop_fetch(p, pr, 1);
}

static int op_collect(struct frun *run, const struct fprompt *pr,
		      const struct fcollect *spec, void *arg)
{
	struct party *p = arg;

	(void)run;
	fop_stop(p);
	p->op.kind = FOP_COLLECT;
	p->op.loop = false;
	collector_init(&p->op.col, spec);
	p->op.collecting = true;
	p->op.prompt_done = (pr->kind == FPROMPT_NONE);
	if (p->op.prompt_done) {
		collect_arm(p);
		return 0;
	}
	return fop_fetch(p, pr, 1);
}

static void loop_interrupt(void *arg)
{
	struct party *p = arg;

	fop_stop(p);
	frun_done(p->run, 0);
}

static int op_play_loop(struct frun *run, const struct fprompt *pv,
			size_t pc, uint32_t interrupt_ms, void *arg)
{
	struct party *p = arg;
	int err;

	(void)run;
	if (!pc)
		return EINVAL;
	fop_stop(p);
	p->op.kind = FOP_LOOP;
	p->op.loop = true;
	err = fop_fetch(p, pv, pc);
	if (!err && interrupt_ms)
		tmr_start(&p->op.op_tmr, interrupt_ms, loop_interrupt, p);
	return err;
}

static void wait_done(void *arg)
{
	struct party *p = arg;

	p->op.kind = FOP_NONE;
	frun_done_value(p->run, "WaitCompleted");
}

static int op_wait(struct frun *run, uint32_t ms, const char **events,
		   size_t eventc, void *arg)
{
	struct party *p = arg;

	(void)run;
	(void)events;
	(void)eventc;
	fop_stop(p);
	p->op.kind = FOP_WAIT;
	tmr_start(&p->op.op_tmr, ms, wait_done, p);
	return 0;
}

static void op_stop(struct frun *run, void *arg)
{
	(void)run;
	fop_stop(arg);
}

static int op_disconnect(struct frun *run, void *arg)
{
	(void)run;
	(void)arg;
	return 0;	/* the run's end (FEND_DISCONNECT) hangs up */
}

static void http_done(int err, uint16_t status, const char *body,
		      size_t len, void *arg)
{
	struct party *p = arg;
	/* the body belongs to the request: free it only after use */
	struct httpc_req *req = p->op.http;

	p->op.http = NULL;
	p->op.kind = FOP_NONE;
	frun_invoke_reply(p->run, err, status, body, len);
	mem_deref(req);
}

static int op_invoke(struct frun *run, const char *url, const char *body,
		     size_t len, uint32_t timeout_ms, void *arg)
{
	struct party *p = arg;
	struct httpc *hc = p->c->cc->httpc;

	(void)run;
	if (!url)
		return ENOENT;
	if (!hc)
		return ENOTSUP;
	p->op.http = mem_deref(p->op.http);
	p->op.kind = FOP_INVOKE;
	return httpc_post(&p->op.http, hc, url, "application/json", body, len,
			  timeout_ms, http_done, p);
}

static const struct flow_ops contact_ops = {
	.play = op_play,
	.collect = op_collect,
	.play_loop = op_play_loop,
	.wait = op_wait,
	.stop = op_stop,
	.disconnect = op_disconnect,
	.enqueue = contact_op_enqueue,			/* queueing.c */
	.metrics = contact_op_metrics,
	.routing_criteria = contact_op_routing_criteria,
	.transfer_agent = contact_op_transfer_agent,	/* transfer.c */
	.transfer_phone = contact_op_transfer_phone,	/* thirdparty.c */
	.callback = callback_op,			/* callback.c */
	.hold = contact_op_hold,			/* hold.c */
	.invoke = op_invoke,
	.lex = contact_op_lex,				/* lex.c */
};

static uint64_t now_ms(void *arg)
{
	(void)arg;
	return util_now_ms();
}

void fop_env_init(struct party *p)
{
	struct contact *c = p->c;

	memset(&p->env, 0, sizeof(p->env));
	p->env.cfg = c->cfg;
	p->env.flows = c->flows;
	p->env.ops = &contact_ops;
	p->env.ops_arg = p;
	p->env.now_ms = now_ms;
	p->env.rng = &c->cc->rng;
	p->env.step_limit = c->cfg->limits.step_limit;
}
