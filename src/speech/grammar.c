/**
 * @file grammar.c  A bot's sample utterances and slot values as a JSGF
 * grammar: on an 8 kHz phone line an open vocabulary is guesswork, a
 * grammar of what the bot can understand is not.
 *
 * Numbers and letters-and-digits are bounded (a regex filter such as
 * "[0-9]{4}" becomes exactly four digits), dates are weekdays, relative
 * days and "month day", custom types their values and synonyms. Free
 * built-ins (names, cities) have no grammar: utterances that need them
 * are left out, as are those with words the dictionary does not know.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/speech/bot.h>
#include <callflowd/speech/nlu.h>
#include "speech_priv.h"

enum {
	NUM_MAX_DIGITS = 10,
	ALNUM_MAX = 12,
};

struct gctx {
	struct mbuf *mb;
	bot_word_h *known;
	void *arg;
	const struct bot *bot;
};


static bool word_ok(const struct gctx *g, const char *w)
{
	return !g->known || g->known(w, g->arg);
}


/* A normalised token as the recogniser's word. */
static const char *spoken(const char *tok)
{
	const char *d = digit_word(tok);

	return d ? d : tok;
}


/* "[0-9]{4}", "[0-9]{2,6}", "\d{5}", "[0-9]+": digit counts. */
static bool regex_digits(const char *re, unsigned *minp, unsigned *maxp)
{
	const char *s = re;
	char *end;

	if (!strncmp(s, "[0-9]", 5))
		s += 5;
	else if (!strncmp(s, "\\d", 2))
		s += 2;
	else
		return false;

	if (!strcmp(s, "+")) {
		*minp = 1;
		*maxp = NUM_MAX_DIGITS;
		return true;
	}
	if (*s != '{')
		return false;
	*minp = (unsigned)strtoul(s + 1, &end, 10);
	*maxp = *minp;
	if (*end == ',') {
		*maxp = (unsigned)strtoul(end + 1, &end, 10);
	}
	return *end == '}' && !end[1] && *minp >= 1 && *maxp >= *minp &&
		*maxp <= 32;
}


static int seq(struct mbuf *mb, const char *item, unsigned min,
	       unsigned max)
{
	unsigned i;
	int err = 0;

	for (i = 0; i < max && !err; i++)
		err = mbuf_printf(mb, i < min ? "%s%s" : "%s[%s]",
				  i ? " " : "", item);
	return err;
}


static int letters(struct gctx *g)
{
	char w[2] = "a";
	bool first = true;
	int err = mbuf_printf(g->mb, "<letter> = ");

	for (; w[0] <= 'z' && !err; w[0]++) {
		if (!word_ok(g, w))
			continue;
		err = mbuf_printf(g->mb, "%s%s", first ? "" : " | ", w);
		first = false;
	}
	return err ? err : mbuf_printf(g->mb, "%s;\n", first ? "a" : "");
}


/* The rule <sN> for a slot's values; ENOENT when it has none. */
static int slot_rule(struct gctx *g, const struct bot_slot *s, unsigned id)
{
	const struct bot_type *t = s->type;
	struct mbuf *mb = g->mb;
	unsigned mn, mx;
	size_t i, j, alts = 0;
	int err = 0;

	switch (t->kind) {

	case BOT_NUMBER:
		return mbuf_printf(mb, "<s%u> = <digits> | <cardinal>;\n", id);

	case BOT_ALNUM:
		if (t->regex && regex_digits(t->regex, &mn, &mx)) {
			err = mbuf_printf(mb, "<s%u> = ", id);
			if (!err)
				err = seq(mb, "<digit>", mn, mx);
			return err ? err : mbuf_printf(mb, ";\n");
		}
		err = mbuf_printf(mb, "<s%u> = ", id);
		if (!err)
			err = seq(mb, "(<digit> | <letter>)", 1, ALNUM_MAX);
		return err ? err : mbuf_printf(mb, ";\n");

	case BOT_DATE:
		return mbuf_printf(mb, "<s%u> = <date>;\n", id);

	case BOT_CONFIRM:
		return mbuf_printf(mb, "<s%u> = yes | yeah | no | nope | "
				   "correct;\n", id);

	case BOT_FREE:
		return ENOENT;

	case BOT_CUSTOM:
		break;
	}

	err = mbuf_printf(mb, "<s%u> = ", id);
	for (i = 0; i < t->valuec && !err; i++) {
		const struct bot_value *bv = &t->values[i];

		for (j = 0; j <= bv->sync && !err; j++) {
			const char *text = j ? bv->synonyms[j - 1] : bv->value;
			char norm[256], *tok, *save = NULL;
			size_t start = mb->pos;
			bool ok = true, first = true;

			if (!nlu_normalise(norm, sizeof(norm), text))
				continue;
			err = mbuf_printf(mb, "%s", alts ? " | " : "");
			for (tok = strtok_r(norm, " ", &save); tok && !err;
			     tok = strtok_r(NULL, " ", &save)) {
				if (!word_ok(g, spoken(tok))) {
					ok = false;
					break;
				}
				err = mbuf_printf(mb, "%s%s", first ? "" : " ",
						  spoken(tok));
				first = false;
			}
			if (!ok) {
				mb->pos = start;
				mb->end = start;
				continue;
			}
			++alts;
		}
	}
	if (err)
		return err;
	if (!alts)
		return ENOENT;
	return mbuf_printf(mb, ";\n");
}


/* One utterance as a JSGF sequence; ENOENT if it cannot be said. */
static int utt_write(struct gctx *g, const struct bot_intent *in,
		     const char *utt, const unsigned *slot_ids,
		     const bool *slot_ok)
{
	struct pattern *p = mem_zalloc(sizeof(*p), NULL);
	size_t i, start = g->mb->pos;
	int err = 0;

	if (!p)
		return ENOMEM;
	if (pattern_parse(p, in, utt) || !p->n) {
		err = ENOENT;
		goto out;
	}
	for (i = 0; i < p->n && !err; i++) {
		const struct ptok *t = &p->t[i];

		if (t->slot) {
			size_t k = (size_t)(t->slot - in->slots);

			if (!slot_ok[k]) {
				err = ENOENT;
				break;
			}
			err = mbuf_printf(g->mb, "%s<s%u>", i ? " " : "",
					  slot_ids[k]);
		}
		else if (!word_ok(g, spoken(t->w))) {
			log_debug("bot grammar: \"%s\" left out (\"%s\" is "
				  "not in the dictionary)", utt, t->w);
			err = ENOENT;
		}
		else {
			err = mbuf_printf(g->mb, "%s%s", i ? " " : "",
					  spoken(t->w));
		}
	}
 out:
	if (err) {
		g->mb->pos = start;
		g->mb->end = start;
	}
	mem_deref(p);
	return err;
}


static int common_rules(struct gctx *g)
{
	static const char rules[] =
		"<digit> = zero | one | two | three | four | five | six | "
		"seven | eight | nine | oh;\n"
		"<digits> = <digit> [<digit>] [<digit>] [<digit>] [<digit>] "
		"[<digit>] [<digit>] [<digit>] [<digit>] [<digit>];\n"
		"<teen> = ten | eleven | twelve | thirteen | fourteen | "
		"fifteen | sixteen | seventeen | eighteen | nineteen;\n"
		"<tens> = twenty | thirty | forty | fifty | sixty | seventy "
		"| eighty | ninety;\n"
		"<cardinal> = [<digit> hundred [and]] (<teen> | <tens> "
		"[<digit>]);\n"
		"<ordinal> = first | second | third | fourth | fifth | sixth "
		"| seventh | eighth | ninth | tenth | eleventh | twelfth | "
		"thirteenth | fourteenth | fifteenth | sixteenth | "
		"seventeenth | eighteenth | nineteenth | twentieth | "
		"twenty <ordinal1> | thirtieth | thirty first;\n"
		"<ordinal1> = first | second | third | fourth | fifth | sixth"
		" | seventh | eighth | ninth;\n"
		"<date> = today | tomorrow | yesterday | monday | tuesday | "
		"wednesday | thursday | friday | saturday | sunday | (january"
		" | february | march | april | may | june | july | august | "
		"september | october | november | december) <ordinal>;\n";

	int err = mbuf_write_str(g->mb, rules);

	return err ? err : letters(g);
}


/* Utterances of in (those filling slot only, when slot) into <iN>. */
static int intent_rule(struct gctx *g, const struct bot_intent *in,
		       unsigned id, const struct bot_slot *slot,
		       unsigned *next_slot_id, size_t *alts)
{
	unsigned ids[32];
	bool ok[32];
	struct mbuf *body = NULL;
	size_t i, n = 0;
	int err = 0;

	for (i = 0; i < in->slotc && i < 32; i++) {
		ids[i] = (*next_slot_id)++;
		err = slot_rule(g, &in->slots[i], ids[i]);
		ok[i] = !err;
		if (err == ENOENT)
			err = 0;
		if (err)
			return err;
	}

	/* the alternatives go after the slot rules they use */
	body = mbuf_alloc(512);
	if (!body)
		return ENOMEM;
	{
		struct mbuf *main = g->mb;
		const char **uv;
		size_t uc, pass;

		g->mb = body;
		for (pass = 0; pass < 2 && !err; pass++) {
			/* slot answers first: its value alone, its own
			 * utterances; then the intent's */
			if (pass == 0 && !slot)
				continue;
			uv = (const char **)(pass ? in->utterances :
					     slot->utterances);
			uc = pass ? in->uttc : slot->uttc;
			if (pass == 0 && ok[slot - in->slots]) {
				err = mbuf_printf(body, "%s<s%u>", n ? " | " :
						  "", ids[slot - in->slots]);
				++n;
			}
			for (i = 0; i < uc && !err; i++) {
				size_t mark = body->pos;

				if (slot && pass && !strstr(uv[i], "{"))
					continue;
				if (n)
					err = mbuf_write_str(body, " | ");
				if (err)
					break;
				if (utt_write(g, in, uv[i], ids, ok)) {
					body->pos = body->end = mark;
					continue;
				}
				++n;
			}
		}
		g->mb = main;
	}

	if (!err && n) {
		err = mbuf_printf(g->mb, "<i%u> = %b;\n", id, body->buf,
				  body->end);
		++*alts;
	}
	mem_deref(body);
	return err;
}


int bot_grammar(char **jsgfp, const struct bot *bot,
		const struct bot_intent *in, const struct bot_slot *slot,
		bot_word_h *known, void *arg)
{
	struct gctx g = {NULL, known, arg, bot};
	unsigned slot_id = 0, used[256];
	size_t i, alts = 0, nused = 0;
	int err;

	if (!jsgfp || !bot || (slot && !in))
		return EINVAL;

	g.mb = mbuf_alloc(4096);
	if (!g.mb) {
		err = ENOMEM;
		goto out;
	}

	err = mbuf_write_str(g.mb, "#JSGF V1.0;\ngrammar bot;\n");
	if (!err)
		err = common_rules(&g);

	for (i = 0; i < bot->intentc && !err; i++) {
		const struct bot_intent *bi = &bot->intents[i];
		size_t before = alts;

		if (bi->fallback || (in && bi != in))
			continue;
		err = intent_rule(&g, bi, (unsigned)i, slot, &slot_id, &alts);
		if (!err && alts > before && nused < ARRAY_SIZE(used))
			used[nused++] = (unsigned)i;
	}
	if (err)
		goto out;
	if (!nused) {
		err = ENOENT;
		goto out;
	}

	err = mbuf_write_str(g.mb, "public <turn> = ");
	for (i = 0; i < nused && !err; i++)
		err = mbuf_printf(g.mb, "%s<i%u>", i ? " | " : "", used[i]);
	if (!err)
		err = mbuf_write_str(g.mb, ";\n");
	if (!err) {
		g.mb->pos = 0;
		err = mbuf_strdup(g.mb, jsgfp, g.mb->end);
	}
 out:
	mem_deref(g.mb);
	return err;
}
