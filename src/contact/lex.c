/**
 * @file lex.c  The Lex port on a live call: ConnectParticipantWithLexBot
 * talks with a bot (speech/lexsess.h) over the customer's leg. The
 * action's prompt and the bot's slot prompts play through the party's
 * player; every 20 ms tick of the leg feeds the session what the caller
 * said since (silence when nothing came: time is counted in frames);
 * keys go to the session; a barge-in stops the prompt; the conversation's
 * end completes the action with Connect's branches.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/interp.h>
#include <callflowd/media/afifo.h>
#include <callflowd/media/mstream.h>
#include <callflowd/speech/bot.h>
#include <callflowd/speech/lexdlg.h>
#include <callflowd/speech/lexsess.h>
#include <callflowd/speech/speechconf.h>
#include <callflowd/call/leg.h>
#include "contact_priv.h"

enum { LEX_FIFO_MS = 200 };

static void lex_play_done(struct party *p)
{
	if (p->op.lex)
		lexsess_played(p->op.lex);
}

static int lex_play(const char *text, bool ssml, void *arg)
{
	struct party *p = arg;
	struct fprompt fp;

	memset(&fp, 0, sizeof(fp));
	fp.kind = ssml ? FPROMPT_SSML : FPROMPT_TEXT;
	fp.text = text;
	fp.voice = p->c->cd->tts_voice;
	fp.language = p->c->cd->language;
	return fop_fetch(p, &fp, 1);
}

static void lex_event(enum lexsess_event ev, void *arg)
{
	struct party *p = arg;

	if (ev == LEXSESS_BARGE_IN) {
		log_debug("contact %s: barge-in over the bot's prompt",
			  p->c->cd->contact_id);
		fop_audio_stop(p);
		lex_play_done(p);
	}
}

static const struct lexsess_ops lex_ops = {
	.play = lex_play,
	.event = lex_event,
};

static void lex_done(int err, const struct lexdlg_result *r, void *arg)
{
	struct party *p = arg;
	struct frun *run = p->run;
	struct flex_result fr;

	if (err) {
		memset(&fr, 0, sizeof(fr));
		fr.status = FLEX_ERROR;
		fr.error = err == EBUSY ? "the recogniser is busy" :
			err == ENOENT ? "nothing in the bot can be listened for" :
			"the recogniser failed";
		log_warn("contact %s: bot conversation failed: %s (%m)",
			 p->c->cd->contact_id, fr.error, err);
	}
	else {
		lexdlg_flex(&fr, r);
		log_info("contact %s: bot heard \"%s\": %s (%.2f)",
			 p->c->cd->contact_id, fr.transcript ? fr.transcript :
			 "", fr.intent ? fr.intent : "no intent",
			 fr.confidence);
	}
	/* the session goes outside its own handler; r stays valid until */
	(void)loop_defer_deref(p->op.lex);
	p->op.lex = NULL;
	p->op.lex_rx = mem_deref(p->op.lex_rx);
	fop_audio_stop(p);
	p->op.kind = FOP_NONE;
	frun_lex_done(run, &fr);
}

static void lex_error(struct frun *run, const char *why)
{
	struct flex_result fr;

	memset(&fr, 0, sizeof(fr));
	fr.status = FLEX_ERROR;
	fr.error = why;
	frun_lex_done(run, &fr);
}

int contact_op_lex(struct frun *run, const struct flex *req, void *arg)
{
	struct party *p = arg;
	struct ccenter *cc = p->c->cc;
	const struct bot *bot;
	bool prompt;
	int err;

	bot = cc->speech ? botset_find(cc->speech->bots, req->bot) : NULL;
	if (!bot || !cc->asr) {
		log_warn("contact %s: bot %s is not in the configuration "
			 "(speech.bots)", p->c->cd->contact_id, req->bot);
		lex_error(run, "the bot is not configured");
		return 0;
	}
	fop_stop(p);
	err = afifo_alloc(&p->op.lex_rx, LEX_FIFO_MS);
	if (!err)
		err = lexsess_alloc(&p->op.lex, cc->asr, bot, req->session,
				    util_now_ms(), &lex_ops, lex_done, p);
	if (err) {
		fop_stop(p);
		return err;
	}
	p->op.kind = FOP_LEX;
	prompt = req->prompt.kind != FPROMPT_NONE;
	err = lexsess_start(p->op.lex, prompt);
	if (err) {
		/* the recognition limit: the flow's error branch, no prompt */
		log_warn("contact %s: bot %s not started: %m",
			 p->c->cd->contact_id, req->bot, err);
		fop_stop(p);
		lex_error(run, err == EBUSY ? "the recogniser is busy" :
			  "the bot conversation did not start");
		return 0;
	}
	if (prompt)
		(void)fop_fetch(p, &req->prompt, 1);
	return 0;
}

void lex_frame(struct party *p, const int16_t *frame, size_t n, bool rx)
{
	int16_t buf[MSTREAM_FRAME];

	if (!p->op.lex || n > MSTREAM_FRAME)
		return;
	if (rx) {
		afifo_write(p->op.lex_rx, frame, n);
		return;
	}
	/* the tick: what the caller said since, or silence */
	afifo_read(p->op.lex_rx, buf, n);
	lexsess_frame(p->op.lex, buf, n);
}

void lex_key(struct party *p, char key)
{
	if (p->op.lex)
		lexsess_dtmf(p->op.lex, key);
}

void lex_played(struct party *p)
{
	lex_play_done(p);
}
