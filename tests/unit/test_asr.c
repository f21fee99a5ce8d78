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
