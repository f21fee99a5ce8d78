/**
 * @file lexsess.c  The live bot conversation: prompt, barge-in, listen,
 * recognise, next turn. See lexsess.h for the turn's rules.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/speech/asr.h>
#include <callflowd/speech/bot.h>
#include <callflowd/speech/endpoint.h>
#include <callflowd/speech/lexdlg.h>
#include <callflowd/speech/lexsess.h>

enum {
	FRAME = 160,
	PREROLL = 15 * FRAME,		/* 300 ms kept before speech */
	FRAME_MS = 20,
	KEYS_MAX = 64,
};

enum state {
	ST_IDLE,
	ST_PROMPT,		/* a prompt plays */
	ST_LISTEN,		/* waiting for speech or keys */
	ST_SPEECH,		/* the caller speaks */
	ST_KEYS,		/* the caller types */
	ST_DECODE,		/* the recogniser has the utterance */
	ST_DONE,
};

struct lexsess {
	struct asr *asr;		/* ref */
	struct lexdlg *dlg;
	const struct lexsess_ops *ops;
	lexsess_done_h *doneh;
	void *arg;

	enum state st;
	struct lexdlg_turn turn;
	char *jsgf;
	struct asr_sess *rec;
	struct endpoint ep;
	bool barged;

	int16_t pre[PREROLL];		/* ring of the last 300 ms */
	size_t pre_pos, pre_len;

	char keys[KEYS_MAX + 1];
	size_t keyc;
	uint32_t key_idle_ms;

	struct tmr tmr;			/* deferred end */
	int err;
};


static void destructor(void *arg)
{
	struct lexsess *s = arg;

	tmr_cancel(&s->tmr);
	mem_deref(s->rec);
	mem_deref(s->jsgf);
	mem_deref(s->dlg);
	mem_deref(s->asr);
}


int lexsess_alloc(struct lexsess **sp, struct asr *asr, const struct bot *bot,
		  const struct strmap *session, uint64_t today_ms,
		  const struct lexsess_ops *ops, lexsess_done_h *doneh,
		  void *arg)
{
	struct lexsess *s;
	int err;

	if (!sp || !asr || !bot || !ops || !ops->play || !doneh)
		return EINVAL;

	s = mem_zalloc(sizeof(*s), destructor);
	if (!s)
		return ENOMEM;
	tmr_init(&s->tmr);
	s->asr = mem_ref(asr);
	s->ops = ops;
	s->doneh = doneh;
	s->arg = arg;

	err = lexdlg_alloc(&s->dlg, bot, session, today_ms);
	if (err)
		mem_deref(s);
	else
		*sp = s;
	return err;
}


static void event(struct lexsess *s, enum lexsess_event ev)
{
	if (s->ops->event)
		s->ops->event(ev, s->arg);
}


static void end_tmr(void *arg)
{
	struct lexsess *s = arg;
	struct lexdlg_result r;

	lexdlg_result(s->dlg, &r);
	s->doneh(s->err, s->err ? NULL : &r, s->arg);
}


/* The end, reported from the loop (never inside the owner's call). */
static void finish(struct lexsess *s, int err)
{
	s->st = ST_DONE;
	s->err = err;
	s->rec = mem_deref(s->rec);
	tmr_start(&s->tmr, 0, end_tmr, s);
}


static void asr_done(int err, const char *text, void *arg);


/* A new turn: its grammar, its recognition, its prompt. */
static int turn_begin(struct lexsess *s, bool prompt_playing)
{
	const struct bot_intent *in;
	int err;

	lexdlg_turn(s->dlg, &s->turn);
	in = s->turn.intent;

	s->jsgf = mem_deref(s->jsgf);
	err = bot_grammar(&s->jsgf, lexdlg_bot(s->dlg), in, s->turn.slot,
			  asr_word_known, s->asr);
	if (err)
		return err;

	s->rec = mem_deref(s->rec);
	err = asr_start(&s->rec, s->asr, s->jsgf, asr_done, s);
	if (err)
		return err;

	ep_init(&s->ep, s->turn.timing.start_ms, s->turn.timing.end_ms,
		s->turn.timing.max_ms);
	s->pre_pos = s->pre_len = 0;
	s->keyc = 0;
	s->keys[0] = '\0';
	s->key_idle_ms = 0;
	s->barged = false;

	if (!prompt_playing && s->turn.prompt) {
		err = s->ops->play(s->turn.prompt,
				   !strncmp(s->turn.prompt, "<speak", 6),
				   s->arg);
		if (err)
			return err;
		prompt_playing = true;
	}
	if (prompt_playing) {
		s->st = ST_PROMPT;
	}
	else {
		s->st = ST_LISTEN;
		ep_arm(&s->ep);
	}
	return 0;
}


/* What the caller gave this turn: the dialog's next step. */
static void answer(struct lexsess *s, const char *text, bool dtmf)
{
	enum lexdlg_status st = lexdlg_input(s->dlg, text, dtmf);
	int err;

	s->rec = mem_deref(s->rec);
	if (st != LEXDLG_LISTEN) {
		finish(s, 0);
		return;
	}
	err = turn_begin(s, false);
	if (err)
		finish(s, err);
}


static void asr_done(int err, const char *text, void *arg)
{
	struct lexsess *s = arg;

	if (s->st != ST_DECODE)
		return;
	if (err) {
		log_warn("speech: recognition failed: %m", err);
		finish(s, err);
		return;
	}
	/* speech was heard: words the grammar could not make are "not
	 * understood" (the fallback), not silence */
	answer(s, *text ? text : "?", false);
}


int lexsess_start(struct lexsess *s, bool prompt_playing)
{
	int err;

	if (!s || s->st != ST_IDLE)
		return EINVAL;
	err = turn_begin(s, prompt_playing);
	if (err)
		s->st = ST_DONE;
	return err;
}


static void preroll_put(struct lexsess *s, const int16_t *pcm, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		s->pre[s->pre_pos] = pcm[i];
		s->pre_pos = (s->pre_pos + 1) % PREROLL;
		if (s->pre_len < PREROLL)
			++s->pre_len;
	}
}


static void preroll_flush(struct lexsess *s)
{
	size_t start = (s->pre_pos + PREROLL - s->pre_len) % PREROLL;
	size_t first = PREROLL - start;

	if (first > s->pre_len)
		first = s->pre_len;
	(void)asr_write(s->rec, s->pre + start, first);
	(void)asr_write(s->rec, s->pre, s->pre_len - first);
	s->pre_len = 0;
}


static void keys_submit(struct lexsess *s)
{
	char keys[KEYS_MAX + 1];

	str_ncpy(keys, s->keys, sizeof(keys));
	answer(s, keys, true);
}


void lexsess_frame(struct lexsess *s, const int16_t *pcm, size_t n)
{
	enum ep_event ev;

	if (!s || !pcm || s->st == ST_IDLE || s->st == ST_DONE ||
	    s->st == ST_DECODE)
		return;

	if (s->st == ST_KEYS) {
		s->key_idle_ms += (uint32_t)(n * 1000 / 8000);
		if (s->key_idle_ms >= s->turn.timing.dtmf_end_ms)
			keys_submit(s);
		return;
	}

	/* over a prompt that may not be interrupted, nobody listens */
	if (s->st == ST_PROMPT && !s->turn.timing.barge_in)
		return;

	ev = ep_frame(&s->ep, pcm, n);
	if (s->st != ST_SPEECH)
		preroll_put(s, pcm, n);
	else
		(void)asr_write(s->rec, pcm, n);

	switch (ev) {

	case EP_SPEECH_START:
		if (s->st == ST_PROMPT) {
			s->barged = true;
			event(s, LEXSESS_BARGE_IN);
		}
		s->st = ST_SPEECH;
		event(s, LEXSESS_SPEECH_START);
		preroll_flush(s);
		break;

	case EP_SPEECH_END:
	case EP_MAX_LENGTH:
		s->st = ST_DECODE;
		event(s, LEXSESS_SPEECH_END);
		if (asr_finish(s->rec))
			finish(s, EIO);
		break;

	case EP_NO_INPUT:
		answer(s, NULL, false);
		break;

	default:
		break;
	}
}


void lexsess_dtmf(struct lexsess *s, char key)
{
	const struct lex_timing *t;

	if (!s || s->st == ST_IDLE || s->st == ST_DONE || s->st == ST_DECODE)
		return;
	t = &s->turn.timing;

	if (s->st == ST_PROMPT) {
		if (!t->barge_in)
			return;
		s->barged = true;
		event(s, LEXSESS_BARGE_IN);
	}
	/* keys win over speech: the recognition of this turn is dropped */
	s->st = ST_KEYS;
	s->key_idle_ms = 0;

	if (key == t->dtmf_del) {
		s->keyc = 0;
		s->keys[0] = '\0';
		return;
	}
	if (key == t->dtmf_end) {
		keys_submit(s);
		return;
	}
	if (s->keyc < KEYS_MAX) {
		s->keys[s->keyc++] = key;
		s->keys[s->keyc] = '\0';
	}
	if (s->keyc >= t->dtmf_max || s->keyc >= KEYS_MAX)
		keys_submit(s);
}


void lexsess_played(struct lexsess *s)
{
	if (!s || s->st != ST_PROMPT)
		return;
	s->st = ST_LISTEN;
	ep_arm(&s->ep);
}
