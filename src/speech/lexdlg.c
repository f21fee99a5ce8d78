/**
 * @file lexdlg.c  The turns of a bot conversation: intent, then each
 * missing required slot by priority with its prompt and retries.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/strmap.h>
#include <callflowd/speech/bot.h>
#include <callflowd/flow/interp.h>
#include <callflowd/speech/lexdlg.h>
#include <callflowd/speech/nlu.h>

struct lexdlg {
	const struct bot *bot;		/* ref */
	struct strmap *session;
	struct strmap *slots;
	uint64_t today_ms;
	enum lexdlg_status status;
	const struct bot_intent *intent;
	const struct bot_slot *elicit;
	uint32_t retries;
	double confidence;
	const struct bot_intent *alt;
	double alt_confidence;
	char *transcript;
};


static void destructor(void *arg)
{
	struct lexdlg *d = arg;

	mem_deref((void *)d->bot);
	mem_deref(d->session);
	mem_deref(d->slots);
	mem_deref(d->transcript);
}


int lexdlg_alloc(struct lexdlg **dp, const struct bot *bot,
		 const struct strmap *session, uint64_t today_ms)
{
	struct lexdlg *d;
	int err;

	if (!dp || !bot)
		return EINVAL;

	d = mem_zalloc(sizeof(*d), destructor);
	if (!d)
		return ENOMEM;
	d->bot = mem_ref((void *)bot);
	d->today_ms = today_ms;
	d->status = LEXDLG_LISTEN;

	err = session ? strmap_dup(&d->session, session)
		: strmap_alloc(&d->session);
	if (!err)
		err = strmap_alloc(&d->slots);
	if (err)
		mem_deref(d);
	else
		*dp = d;
	return err;
}


static uint32_t attr_u32(const struct strmap *s, const char *name,
			 const char *intent, const char *slot, uint32_t def)
{
	/* most specific first */
	const char *forms[][2] = {
		{intent, slot}, {intent, "*"}, {"*", slot}, {"*", "*"},
		{intent, NULL}, {"*", NULL}, {NULL, NULL},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(forms); i++) {
		char key[192];
		const char *v;
		char *end;
		unsigned long n;

		if (i < 3 && (!forms[i][0] || !forms[i][1]))
			continue;
		if (i == 4 && !intent)
			continue;
		if (forms[i][1])
			re_snprintf(key, sizeof(key), "x-amz-lex:%s:%s:%s",
				    name, forms[i][0], forms[i][1]);
		else if (forms[i][0])
			re_snprintf(key, sizeof(key), "x-amz-lex:%s:%s", name,
				    forms[i][0]);
		else
			re_snprintf(key, sizeof(key), "x-amz-lex:%s", name);

		v = strmap_get(s, key);
		if (!v || !*v)
			continue;
		if (!strcmp(v, "true") || !strcmp(v, "True"))
			return 1;
		if (!strcmp(v, "false") || !strcmp(v, "False"))
			return 0;
		n = strtoul(v, &end, 10);
		if (*end == '\0' && v[0] != '-')
			return (uint32_t)n;
		/* a single character (dtmf:end-character) */
		if (!v[1])
			return (uint32_t)(unsigned char)v[0] | 0x80000000u;
	}
	return def;
}


void lex_timing_get(struct lex_timing *t, const struct strmap *session,
		    const char *intent, const char *slot)
{
	uint32_t c;

	t->start_ms = attr_u32(session, "audio:start-timeout-ms", intent,
			       slot, 4000);
	t->end_ms = attr_u32(session, "audio:end-timeout-ms", intent, slot,
			     640);
	t->max_ms = attr_u32(session, "audio:max-length-ms", intent, slot,
			     15000);
	t->dtmf_end_ms = attr_u32(session, "dtmf:end-timeout-ms", intent,
				  slot, 5000);
	t->dtmf_max = attr_u32(session, "dtmf:max-length", intent, slot,
			       1024);
	c = attr_u32(session, "dtmf:end-character", intent, slot,
		     0x80000000u | '#');
	t->dtmf_end = (char)(c & 0xff);
	c = attr_u32(session, "dtmf:deletion-character", intent, slot,
		     0x80000000u | '*');
	t->dtmf_del = (char)(c & 0xff);
	t->barge_in = attr_u32(session, "allow-interrupt", intent, slot,
			       1) != 0;
	if (!t->max_ms)
		t->max_ms = 15000;
	if (!t->dtmf_max)
		t->dtmf_max = 1024;
}


void lexdlg_turn(const struct lexdlg *d, struct lexdlg_turn *t)
{
	memset(t, 0, sizeof(*t));
	if (!d)
		return;
	t->intent = d->elicit ? d->intent : NULL;
	t->slot = d->elicit;
	if (d->elicit && d->elicit->promptc)
		t->prompt = d->elicit->prompts[d->retries %
					       d->elicit->promptc];
	lex_timing_get(&t->timing, d->session,
		       d->intent ? d->intent->name : NULL,
		       d->elicit ? d->elicit->name : NULL);
}


/* The next required slot still empty, or NULL. */
static const struct bot_slot *missing(const struct lexdlg *d)
{
	size_t i;

	for (i = 0; i < d->intent->slotc; i++) {
		const struct bot_slot *s = &d->intent->slots[i];

		if (s->required && !strmap_get(d->slots, s->name))
			return s;
	}
	return NULL;
}


static int slots_take(struct lexdlg *d, const struct nlu_result *r)
{
	size_t i;
	int err = 0;

	for (i = 0; i < r->slotc && !err; i++) {
		if (r->slots[i].slot)
			err = strmap_set(d->slots, r->slots[i].slot->name,
					 r->slots[i].value);
	}
	return err;
}


static enum lexdlg_status next(struct lexdlg *d)
{
	d->elicit = missing(d);
	d->retries = 0;
	d->status = d->elicit ? LEXDLG_LISTEN : LEXDLG_INTENT;
	return d->status;
}


/* One more try at the slot being asked for, or the end. */
static enum lexdlg_status retry(struct lexdlg *d, enum lexdlg_status end)
{
	if (++d->retries > d->elicit->max_retries)
		d->status = end;
	return d->status;
}


enum lexdlg_status lexdlg_input(struct lexdlg *d, const char *text,
				bool dtmf)
{
	struct nlu_result r;
	(void)dtmf;	/* keys read as words: "1" is "one" */

	if (!d || d->status != LEXDLG_LISTEN)
		return d ? d->status : LEXDLG_FAILED;

	if (!text || !*text) {
		if (!d->intent) {
			d->status = LEXDLG_NO_INPUT;
			return d->status;
		}
		return retry(d, LEXDLG_NO_INPUT);
	}

	mem_deref(d->transcript);
	d->transcript = NULL;
	if (str_dup(&d->transcript, text) ||
	    nlu_parse(&r, d->bot, d->intent, d->elicit, text, d->today_ms)) {
		d->status = LEXDLG_FAILED;
		return d->status;
	}

	if (!d->intent) {
		d->intent = r.intent;
		d->confidence = r.confidence;
		d->alt = r.alt;
		d->alt_confidence = r.alt_confidence;
		if (r.intent->fallback) {
			d->status = LEXDLG_INTENT;
			return d->status;
		}
		if (slots_take(d, &r)) {
			d->status = LEXDLG_FAILED;
			return d->status;
		}
		return next(d);
	}

	/* an answer to the elicitation: it must fill that slot */
	if (r.intent != d->intent) {
		size_t i;

		for (i = 0; i < r.slotc; i++) {
			if (r.slots[i].slot == d->elicit)
				break;
		}
		if (i == r.slotc)
			return retry(d, LEXDLG_FAILED);
	}
	if (slots_take(d, &r)) {
		d->status = LEXDLG_FAILED;
		return d->status;
	}
	if (!strmap_get(d->slots, d->elicit->name))
		return retry(d, LEXDLG_FAILED);
	return next(d);
}


enum lexdlg_status lexdlg_status(const struct lexdlg *d)
{
	return d ? d->status : LEXDLG_FAILED;
}


const struct bot *lexdlg_bot(const struct lexdlg *d)
{
	return d ? d->bot : NULL;
}


void lexdlg_result(const struct lexdlg *d, struct lexdlg_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!d)
		return;
	r->status = d->status;
	r->intent = d->intent ? d->intent->name : NULL;
	r->confidence = d->confidence;
	r->transcript = d->transcript;
	r->slots = d->slots;
	r->session = d->session;
	r->alt_intent = d->alt ? d->alt->name : NULL;
	r->alt_confidence = d->alt_confidence;
}

void lexdlg_flex(struct flex_result *fr, const struct lexdlg_result *r)
{
	static const enum flex_status map[] = {
		[LEXDLG_LISTEN] = FLEX_ERROR,
		[LEXDLG_INTENT] = FLEX_DONE,
		[LEXDLG_NO_INPUT] = FLEX_NO_INPUT,
		[LEXDLG_FAILED] = FLEX_FAILED,
	};

	memset(fr, 0, sizeof(*fr));
	if (!r)
		return;
	fr->status = (size_t)r->status < ARRAY_SIZE(map) ? map[r->status] :
		FLEX_ERROR;
	fr->intent = r->intent;
	fr->confidence = r->confidence;
	fr->transcript = r->transcript;
	fr->slots = r->slots;
	fr->session = r->session;
	fr->alt_intent = r->alt_intent;
	fr->alt_confidence = r->alt_confidence;
}
