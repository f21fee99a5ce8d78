/**
 * @file test_asr.c  Endpointing on synthesised audio; the pocketsphinx
 * recogniser with a bot's grammar on espeak-ng speech made at 8 kHz in
 * the test (the intent and slots must come out right); the limit of
 * concurrent recognitions.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/loop.h>
#include <callflowd/core/strmap.h>
#include <callflowd/media/audio.h>
#include <callflowd/media/tts.h>
#include <callflowd/speech/asr.h>
#include <callflowd/speech/bot.h>
#include <callflowd/speech/endpoint.h>
#include <callflowd/speech/lexdlg.h>
#include <callflowd/speech/lexsess.h>
#include <callflowd/speech/nlu.h>
#include "test.h"

#define MODEL "/usr/share/pocketsphinx/model/en-us"

/* 20 ms frames of: quiet noise, then a voiced burst, then quiet noise */
static void frame(int16_t *f, bool loud, unsigned *seed, unsigned n)
{
	unsigned i;

	for (i = 0; i < AUDIO_FRAME; i++) {
		double v;

		*seed = *seed * 1103515245u + 12345u;
		v = ((int)((*seed >> 16) & 0x7fff) - 16384) / 16384.0 * 40;
		if (loud)
			v += 6000 * sin(2 * M_PI * 220 * (n * AUDIO_FRAME + i) /
					8000.0);
		f[i] = (int16_t)v;
	}
}

TEST(endpoint_start_end_and_timeouts)
{
	struct endpoint ep;
	int16_t f[AUDIO_FRAME];
	unsigned seed = 1, n, start = 0, end = 0;

	/* 0.5 s quiet, 0.8 s speech, then quiet: start ~500, end +640 */
	ep_init(&ep, 4000, 640, 15000);
	ep_arm(&ep);
	for (n = 0; n < 200 && !end; n++) {
		bool loud = n >= 25 && n < 65;
		enum ep_event ev;

		frame(f, loud, &seed, n);
		ev = ep_frame(&ep, f, AUDIO_FRAME);
		if (ev == EP_SPEECH_START)
			start = n * 20;
		else if (ev == EP_SPEECH_END)
			end = n * 20;
		else
			ASSERT_INT_EQ(ev, EP_NONE);
	}
	ASSERT_TRUE(start >= 540 && start <= 560);
	ASSERT_TRUE(end >= 1300 + 620 && end <= 1300 + 660);

	/* silence: no input after start_ms from ep_arm(), not before */
	ep_init(&ep, 3000, 640, 15000);
	for (n = 0; n < 100; n++) {
		frame(f, false, &seed, n);
		ASSERT_INT_EQ(ep_frame(&ep, f, AUDIO_FRAME), EP_NONE);
	}
	ep_arm(&ep);
	for (n = 0; n < 149; n++) {
		frame(f, false, &seed, n);
		ASSERT_INT_EQ(ep_frame(&ep, f, AUDIO_FRAME), EP_NONE);
	}
	frame(f, false, &seed, n);
	ASSERT_INT_EQ(ep_frame(&ep, f, AUDIO_FRAME), EP_NO_INPUT);

	/* a caller who never stops: max length */
	ep_init(&ep, 3000, 640, 2000);
	ep_arm(&ep);
	for (n = 0; n < 200; n++) {
		enum ep_event ev;

		frame(f, true, &seed, n);
		ev = ep_frame(&ep, f, AUDIO_FRAME);
		if (ev == EP_MAX_LENGTH)
			break;
	}
	ASSERT_TRUE(n >= 98 && n <= 101);
}

struct wait {
	int calls;
	int err;
	char text[256];
	struct audio *a;
};

static void tts_done(int err, struct audio *a, bool hit, void *arg)
{
	struct wait *w = arg;
	(void)hit;

	w->err = err;
	w->a = mem_ref(a);
	++w->calls;
	re_cancel();
}

static void asr_done(int err, const char *text, void *arg)
{
	struct wait *w = arg;

	w->err = err;
	str_ncpy(w->text, text, sizeof(w->text));
	++w->calls;
	re_cancel();
}

/* espeak-ng at 8 kHz, padded with the silence a caller leaves */
static struct audio *speak(struct tts *tts, const char *text)
{
	struct tts_req *req = NULL;
	struct wait w = {0};
	struct audio *a = NULL;

	if (tts_synth(&req, tts, text, false, "Joanna", "en-US", tts_done,
		      &w))
		return NULL;
	while (!w.calls)
		(void)re_main(NULL);
	mem_deref(req);
	if (w.err || !w.a)
		return NULL;
	if (!audio_alloc(&a, w.a->count + 8000 * 3 / 2, AUDIO_RATE))
		memcpy(a->samples + 8000 / 2, w.a->samples,
		       w.a->count * sizeof(int16_t));
	mem_deref(w.a);
	return a;
}

/* Feed a as a call would, 20 ms at a time, until the endpointer ends the
 * turn; then the recogniser's words. */
static int recognise(char *text, size_t sz, struct asr *asr,
		     const char *jsgf, const struct audio *a)
{
	struct asr_sess *s = NULL;
	struct endpoint ep;
	struct wait w = {0};
	size_t off;
	int err;

	err = asr_start(&s, asr, jsgf, asr_done, &w);
	if (err)
		return err;
	ep_init(&ep, 4000, 640, 15000);
	ep_arm(&ep);
	for (off = 0; off + AUDIO_FRAME <= a->count; off += AUDIO_FRAME) {
		enum ep_event ev = ep_frame(&ep, a->samples + off,
					    AUDIO_FRAME);

		err = asr_write(s, a->samples + off, AUDIO_FRAME);
		if (err || ev == EP_SPEECH_END || ev == EP_NO_INPUT)
			break;
	}
	if (!err)
		err = asr_finish(s);
	while (!err && !w.calls)
		(void)re_main(NULL);
	mem_deref(s);
	str_ncpy(text, w.text, sz);
	return err ? err : w.err;
}

TEST(recognises_espeak_at_8khz)
{
	static const struct {
		const char *say;
		const char *intent;
		const char *slot;
	} cases[] = {
		{"sales", "Sales", NULL},
		{"I want to check my balance", "CheckBalance", NULL},
		{"my account number is four two seven one", "CheckBalance",
		 "4271"},
	};
	struct bot *bot = NULL;
	struct tts *tts = NULL;
	struct asr *asr = NULL;
	char *jsgf = NULL, err[256], text[256];
	size_t i;

	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(bot_load(&bot, CFD_TEST_DATA "/bots/Banking", NULL, err,
			       sizeof(err)), 0);
	ASSERT_INT_EQ(asr_alloc(&asr, &asr_pocketsphinx, MODEL, 2), 0);
	ASSERT_TRUE(asr_word_known("balance", asr));
	ASSERT_FALSE(asr_word_known("xqzzy", asr));
	ASSERT_INT_EQ(bot_grammar(&jsgf, bot, NULL, NULL, asr_word_known, asr),
		      0);
	ASSERT_INT_EQ(tts_alloc(&tts, NULL, 0), 0);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct audio *a = speak(tts, cases[i].say);
		struct nlu_result r;

		ASSERT_NOT_NULL(a);
		ASSERT_INT_EQ(a->rate, 8000);
		ASSERT_INT_EQ(recognise(text, sizeof(text), asr, jsgf, a), 0);
		mem_deref(a);
		ASSERT_INT_EQ(nlu_parse(&r, bot, NULL, NULL, text, 0), 0);
		if (strcmp(r.intent->name, cases[i].intent))
			test_fail(__FILE__, __LINE__, "\"%s\" heard as \"%s\""
				  ": %s", cases[i].say, text, r.intent->name);
		ASSERT_STR_EQ(r.intent->name, cases[i].intent);
		if (cases[i].slot) {
			ASSERT_INT_EQ(r.slotc, 1);
			ASSERT_STR_EQ(r.slots[0].slot->name, "AccountNumber");
			ASSERT_STR_EQ(r.slots[0].value, cases[i].slot);
		}
	}
	ASSERT_INT_EQ(asr_active(asr), 0);

	mem_deref(jsgf);
	mem_deref(tts);
	mem_deref(asr);
	mem_deref(bot);
	loop_close();
}

TEST(concurrency_limit)
{
	struct asr *asr = NULL;
	struct asr_sess *s1 = NULL, *s2 = NULL, *s3 = NULL;
	struct wait w = {0};
	static const char g[] = "#JSGF V1.0;\ngrammar g;\npublic <t> = yes "
		"| no;\n";

	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(asr_alloc(&asr, &asr_pocketsphinx, MODEL, 2), 0);
	ASSERT_INT_EQ(asr_start(&s1, asr, g, asr_done, &w), 0);
	ASSERT_INT_EQ(asr_start(&s2, asr, g, asr_done, &w), 0);
	/* a third caller is refused at once: the flow's error branch */
	ASSERT_INT_EQ(asr_start(&s3, asr, g, asr_done, &w), EBUSY);
	ASSERT_INT_EQ(asr_active(asr), 2);

	/* one finishes, a place is free again */
	{
		int16_t silence[AUDIO_FRAME * 10] = {0};

		ASSERT_INT_EQ(asr_write(s1, silence, ARRAY_SIZE(silence)), 0);
	}
	ASSERT_INT_EQ(asr_finish(s1), 0);
	while (!w.calls)
		(void)re_main(NULL);
	/* (a grammar decoder may make words of silence: the endpointer,
	 * not the recogniser, says whether the caller spoke) */
	ASSERT_INT_EQ(w.err, 0);
	ASSERT_INT_EQ(asr_active(asr), 1);
	ASSERT_INT_EQ(asr_start(&s3, asr, g, asr_done, &w), 0);

	/* cancelling frees its place too, and its handler never runs */
	s2 = mem_deref(s2);
	ASSERT_INT_EQ(asr_active(asr), 1);
	mem_deref(s3);
	mem_deref(s1);
	ASSERT_INT_EQ(asr_active(asr), 0);
	loop_close();
	ASSERT_INT_EQ(w.calls, 1);
	mem_deref(asr);
}


/* -- the live conversation (lexsess) -- */

struct call {
	int events[3];
	char played[256];
	int plays;
	bool done;
	int err;
	char intent[64];
	char account[16];
	int status;
	char transcript[128];
};

static int call_play(const char *text, bool ssml, void *arg)
{
	struct call *c = arg;
	(void)ssml;

	str_ncpy(c->played, text, sizeof(c->played));
	++c->plays;
	re_cancel();
	return 0;
}

static void call_event(enum lexsess_event ev, void *arg)
{
	struct call *c = arg;

	++c->events[ev];
}

static void call_done(int err, const struct lexdlg_result *r, void *arg)
{
	struct call *c = arg;

	c->done = true;
	c->err = err;
	if (r) {
		const char *acct = strmap_get(r->slots, "AccountNumber");

		c->status = r->status;
		str_ncpy(c->intent, r->intent ? r->intent : "",
			 sizeof(c->intent));
		str_ncpy(c->account, acct ? acct : "", sizeof(c->account));
		str_ncpy(c->transcript, r->transcript ? r->transcript : "",
			 sizeof(c->transcript));
	}
	re_cancel();
}

static const struct lexsess_ops call_ops = {call_play, call_event};

struct fixture {
	struct bot *bot;
	struct tts *tts;
	struct asr *asr;
};

static int fixture_init(struct fixture *f, uint32_t max)
{
	char err[256];

	memset(f, 0, sizeof(*f));
	if (loop_init())
		return EIO;
	if (bot_load(&f->bot, CFD_TEST_DATA "/bots/Banking", NULL, err,
		     sizeof(err)))
		return EBADMSG;
	if (asr_alloc(&f->asr, &asr_pocketsphinx, MODEL, max))
		return ENODEV;
	return tts_alloc(&f->tts, NULL, 0);
}

static void fixture_close(struct fixture *f)
{
	mem_deref(f->tts);
	mem_deref(f->asr);
	mem_deref(f->bot);
	loop_close();
}

/* Frames of a (and of silence after it) as the call receives them,
 * then the loop until the session asks for a prompt or ends. */
static void feed(struct lexsess *s, struct call *c, const struct audio *a,
		 size_t silence_frames)
{
	int16_t quiet[AUDIO_FRAME] = {0};
	int plays = c->plays;
	size_t off, i;

	for (off = 0; a && off + AUDIO_FRAME <= a->count; off += AUDIO_FRAME)
		lexsess_frame(s, a->samples + off, AUDIO_FRAME);
	for (i = 0; i < silence_frames && !c->done && c->plays == plays; i++)
		lexsess_frame(s, quiet, AUDIO_FRAME);
	while (!c->done && c->plays == plays)
		(void)re_main(NULL);
}

TEST(live_barge_in_then_intent)
{
	struct fixture f;
	struct lexsess *s = NULL;
	struct call c = {0};
	struct audio *a;

	ASSERT_INT_EQ(fixture_init(&f, 2), 0);
	ASSERT_INT_EQ(lexsess_alloc(&s, f.asr, f.bot, NULL, 0, &call_ops,
				    call_done, &c), 0);
	/* the action's prompt is playing when the caller says "sales" */
	ASSERT_INT_EQ(lexsess_start(s, true), 0);
	a = speak(f.tts, "sales");
	ASSERT_NOT_NULL(a);
	feed(s, &c, a, 100);
	mem_deref(a);

	ASSERT_TRUE(c.done);
	ASSERT_INT_EQ(c.err, 0);
	ASSERT_INT_EQ(c.events[LEXSESS_BARGE_IN], 1);
	ASSERT_INT_EQ(c.events[LEXSESS_SPEECH_START], 1);
	ASSERT_INT_EQ(c.events[LEXSESS_SPEECH_END], 1);
	ASSERT_INT_EQ(c.status, LEXDLG_INTENT);
	ASSERT_STR_EQ(c.intent, "Sales");
	ASSERT_STR_EQ(c.transcript, "sales");
	mem_deref(s);
	fixture_close(&f);
}

TEST(live_elicits_by_voice_then_keys)
{
	struct fixture f;
	struct lexsess *s = NULL;
	struct call c = {0};
	struct audio *a;

	ASSERT_INT_EQ(fixture_init(&f, 2), 0);
	ASSERT_INT_EQ(lexsess_alloc(&s, f.asr, f.bot, NULL, 0, &call_ops,
				    call_done, &c), 0);
	ASSERT_INT_EQ(lexsess_start(s, false), 0);
	a = speak(f.tts, "I want to check my balance");
	ASSERT_NOT_NULL(a);
	feed(s, &c, a, 100);
	mem_deref(a);

	/* the slot's prompt; the caller keys over it (a barge-in) */
	ASSERT_FALSE(c.done);
	ASSERT_INT_EQ(c.plays, 1);
	ASSERT_STR_EQ(c.played, "Please say or key your four digit account "
		      "number.");
	ASSERT_INT_EQ(c.events[LEXSESS_BARGE_IN], 0);
	lexsess_dtmf(s, '4');
	ASSERT_INT_EQ(c.events[LEXSESS_BARGE_IN], 1);
	lexsess_played(s);
	lexsess_dtmf(s, '9');
	lexsess_dtmf(s, '*');		/* starts again */
	lexsess_dtmf(s, '4');
	lexsess_dtmf(s, '2');
	lexsess_dtmf(s, '7');
	lexsess_dtmf(s, '1');
	lexsess_dtmf(s, '#');
	while (!c.done)
		(void)re_main(NULL);
	ASSERT_INT_EQ(c.err, 0);
	ASSERT_STR_EQ(c.intent, "CheckBalance");
	ASSERT_STR_EQ(c.account, "4271");
	ASSERT_STR_EQ(c.transcript, "4271");
	mem_deref(s);
	fixture_close(&f);
}

TEST(live_no_input_and_limit)
{
	struct fixture f;
	struct lexsess *s = NULL, *s2 = NULL;
	struct call c = {0}, c2 = {0};
	size_t frames = 0;
	int16_t quiet[AUDIO_FRAME] = {0};

	ASSERT_INT_EQ(fixture_init(&f, 1), 0);
	ASSERT_INT_EQ(lexsess_alloc(&s, f.asr, f.bot, NULL, 0, &call_ops,
				    call_done, &c), 0);
	ASSERT_INT_EQ(lexsess_start(s, false), 0);

	/* a second caller beyond the limit: refused before any prompt */
	ASSERT_INT_EQ(lexsess_alloc(&s2, f.asr, f.bot, NULL, 0, &call_ops,
				    call_done, &c2), 0);
	ASSERT_INT_EQ(lexsess_start(s2, false), EBUSY);
	ASSERT_INT_EQ(c2.plays, 0);
	s2 = mem_deref(s2);

	/* silence: no input after the start timeout (4 s = 200 frames) */
	while (!c.done && frames < 400) {
		lexsess_frame(s, quiet, AUDIO_FRAME);
		++frames;
		if (frames == 200)
			(void)re_main(NULL);
	}
	ASSERT_TRUE(c.done);
	ASSERT_INT_EQ(frames, 200);
	ASSERT_INT_EQ(c.status, LEXDLG_NO_INPUT);
	ASSERT_INT_EQ(c.events[LEXSESS_SPEECH_START], 0);
	mem_deref(s);
	ASSERT_INT_EQ(asr_active(f.asr), 0);
	fixture_close(&f);
}
