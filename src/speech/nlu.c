/**
 * @file nlu.c  Intent and slot selection from words.
 *
 * Each sample utterance is a pattern of words and {Slot} references; the
 * input is aligned with it by dynamic programming (a word matched, an
 * input word skipped, a pattern word missed, or a span of input words
 * taken by a slot when its type accepts them). The confidence of an
 * alignment is the F1 of recall (pattern units matched) and precision
 * (input words explained): 1 for the utterance said word for word.
 */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <callflowd/core/libre.h>
#include <callflowd/speech/bot.h>
#include <callflowd/speech/nlu.h>
#include "speech_priv.h"

enum {
	IN_MAX = 64,		/* input tokens considered */
	SPAN_MAX = 12,		/* words one slot value may take */
	TEXT_MAX = 1024,
};

static const char *const digits[] = {
	"zero", "one", "two", "three", "four", "five", "six", "seven",
	"eight", "nine"
};


const char *digit_word(const char *tok)
{
	if (tok[0] >= '0' && tok[0] <= '9' && !tok[1])
		return digits[tok[0] - '0'];
	return NULL;
}


size_t nlu_normalise(char *out, size_t sz, const char *text)
{
	size_t o = 0, n = 0;
	const char *s = text ? text : "";

	if (!sz)
		return 0;

	while (*s) {
		char w[TOK_MAX];
		size_t k = 0, i;

		if (isdigit((unsigned char)*s)) {
			/* "1234" is said digit by digit */
			w[0] = *s++;
			w[1] = '\0';
			k = 1;
		}
		else if (isalpha((unsigned char)*s)) {
			while (*s && (isalpha((unsigned char)*s) ||
				      *s == '\'')) {
				if (k + 1 < sizeof(w))
					w[k++] = (char)tolower(
						(unsigned char)*s);
				++s;
			}
			w[k] = '\0';
			for (i = 0; i < ARRAY_SIZE(digits); i++) {
				if (!strcmp(w, digits[i])) {
					w[0] = (char)('0' + i);
					w[1] = '\0';
					k = 1;
					break;
				}
			}
		}
		else {
			++s;
			continue;
		}

		if (o + k + 2 > sz)
			break;
		if (n)
			out[o++] = ' ';
		memcpy(out + o, w, k);
		o += k;
		++n;
	}
	out[o] = '\0';
	return n;
}


int pattern_parse(struct pattern *p, const struct bot_intent *in,
		  const char *utterance)
{
	const char *s = utterance;

	memset(p, 0, sizeof(*p));

	while (*s) {
		if (*s == '{') {
			const char *e = strchr(s, '}');
			char name[64];
			const struct bot_slot *sl;

			if (!e || (size_t)(e - s - 1) >= sizeof(name))
				return EINVAL;
			memcpy(name, s + 1, (size_t)(e - s - 1));
			name[e - s - 1] = '\0';
			sl = bot_slot(in, name);
			if (!sl)
				return EINVAL;
			if (p->n >= PAT_MAX)
				return EOVERFLOW;
			p->t[p->n].slot = sl;
			p->t[p->n].w[0] = '\0';
			++p->n;
			++p->slots;
			s = e + 1;
		}
		else {
			const char *e = strchr(s, '{');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			char chunk[512], norm[512];
			char *tok, *save = NULL;

			if (len >= sizeof(chunk))
				len = sizeof(chunk) - 1;
			memcpy(chunk, s, len);
			chunk[len] = '\0';
			(void)nlu_normalise(norm, sizeof(norm), chunk);
			for (tok = strtok_r(norm, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save)) {
				if (p->n >= PAT_MAX)
					return EOVERFLOW;
				str_ncpy(p->t[p->n].w, tok, TOK_MAX);
				p->t[p->n].slot = NULL;
				++p->n;
			}
			s += len;
			if (e && s < e)
				s = e;
		}
	}
	return 0;
}


/* -- slot values -- */

static size_t split(char **tokv, size_t max, char *buf)
{
	char *tok, *save = NULL;
	size_t n = 0;

	for (tok = strtok_r(buf, " ", &save); tok && n < max;
	     tok = strtok_r(NULL, " ", &save))
		tokv[n++] = tok;
	return n;
}


static bool is_digit_tok(const char *t)
{
	return t[0] >= '0' && t[0] <= '9' && !t[1];
}


static const struct {
	const char *w;
	unsigned v;
} numwords[] = {
	{"ten", 10}, {"eleven", 11}, {"twelve", 12}, {"thirteen", 13},
	{"fourteen", 14}, {"fifteen", 15}, {"sixteen", 16},
	{"seventeen", 17}, {"eighteen", 18}, {"nineteen", 19},
	{"twenty", 20}, {"thirty", 30}, {"forty", 40}, {"fifty", 50},
	{"sixty", 60}, {"seventy", 70}, {"eighty", 80}, {"ninety", 90},
};


static int numword(const char *t)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(numwords); i++) {
		if (!strcmp(numwords[i].w, t))
			return (int)numwords[i].v;
	}
	return -1;
}


/* Digit strings ("4 2 7 1" -> "4271") or cardinals ("twenty 5"). */
static int number_value(char *val, size_t sz, char **tokv, size_t n)
{
	unsigned long long total = 0, cur = 0;
	bool all_digits = true;
	size_t i, o = 0;

	if (!n)
		return ENOENT;

	for (i = 0; i < n; i++) {
		if (!is_digit_tok(tokv[i]) && strcmp(tokv[i], "oh"))
			all_digits = false;
	}
	if (all_digits) {
		if (n + 1 > sz)
			return ENOENT;
		for (i = 0; i < n; i++)
			val[o++] = is_digit_tok(tokv[i]) ? tokv[i][0] : '0';
		val[o] = '\0';
		return 0;
	}

	for (i = 0; i < n; i++) {
		int v = numword(tokv[i]);

		if (is_digit_tok(tokv[i]))
			cur += (unsigned)(tokv[i][0] - '0');
		else if (v >= 0)
			cur += (unsigned)v;
		else if (!strcmp(tokv[i], "hundred") && cur)
			cur *= 100;
		else if (!strcmp(tokv[i], "thousand")) {
			total += (cur ? cur : 1) * 1000;
			cur = 0;
		}
		else if (!strcmp(tokv[i], "and") && i && i + 1 < n)
			continue;
		else
			return ENOENT;
	}
	return re_snprintf(val, sz, "%llu", total + cur) < 0 ? ENOENT : 0;
}


static bool regex_ok(const char *re, const char *val)
{
	char anchored[300];
	regex_t rx;
	bool ok;

	if (!re)
		return true;
	if (re_snprintf(anchored, sizeof(anchored), "^(%s)$", re) < 0)
		return false;
	if (regcomp(&rx, anchored, REG_EXTENDED | REG_NOSUB))
		return false;
	ok = !regexec(&rx, val, 0, NULL, 0);
	regfree(&rx);
	return ok;
}


/* Digits and single letters, "4 2 7 1" -> "4271", "a 1" -> "A1". */
static int alnum_value(char *val, size_t sz, char **tokv, size_t n,
		       const char *re)
{
	size_t i, o = 0;

	if (!n || n + 1 > sz)
		return ENOENT;
	for (i = 0; i < n; i++) {
		const char *t = tokv[i];

		if (is_digit_tok(t))
			val[o++] = t[0];
		else if (!strcmp(t, "oh"))
			val[o++] = '0';
		else if (isalpha((unsigned char)t[0]) && !t[1])
			val[o++] = (char)toupper((unsigned char)t[0]);
		else
			return ENOENT;
	}
	val[o] = '\0';
	return regex_ok(re, val) ? 0 : ENOENT;
}


static const char *const months[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};
static const char *const wdays[] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday"
};
static const char *const ordinals[] = {
	"first", "second", "third", "fourth", "fifth", "sixth", "seventh",
	"eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth",
	"fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
	"nineteenth", "twentieth"
};


static int index_of(const char *const *v, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(v[i], w))
			return (int)i;
	}
	return -1;
}


/* "fourth", "twenty first", "4", "twenty 4": day of month, or 0. */
static int day_of_month(char **tokv, size_t n)
{
	int o, tens = 0;
	size_t i = 0;

	if (n >= 1 && (!strcmp(tokv[0], "twenty") ||
		       !strcmp(tokv[0], "thirty"))) {
		tens = tokv[0][1] == 'w' ? 20 : 30;
		i = 1;
		if (n == 1)
			return tens;
	}
	if (i + 1 != n)
		return 0;
	o = index_of(ordinals, ARRAY_SIZE(ordinals), tokv[i]);
	if (o >= 0)
		return tens + o + 1;
	if (tens && is_digit_tok(tokv[i]))
		return tens + tokv[i][0] - '0';
	if (!tens && n == 1 && is_digit_tok(tokv[0]))
		return tokv[0][0] - '0';
	return 0;
}


static int date_value(char *val, size_t sz, char **tokv, size_t n,
		      uint64_t today_ms)
{
	time_t t = (time_t)(today_ms / 1000);
	struct tm tm;
	int m, wd, day;

	if (!n || !gmtime_r(&t, &tm))
		return ENOENT;

	if (n == 1 && (!strcmp(tokv[0], "today") ||
		       !strcmp(tokv[0], "tomorrow") ||
		       !strcmp(tokv[0], "yesterday"))) {
		tm.tm_mday += tokv[0][0] == 'y' ? -1 :
			tokv[0][2] == 'm' ? 1 : 0;
	}
	else if (n == 1 && (wd = index_of(wdays, 7, tokv[0])) >= 0) {
		tm.tm_mday += (wd - tm.tm_wday + 7) % 7;
	}
	else if ((m = index_of(months, 12, tokv[0])) >= 0) {
		size_t dn = n - 1, i;
		int year = -1;

		/* "june fourth 2 0 2 7" */
		if (dn >= 5) {
			year = 0;
			for (i = n - 4; i < n; i++) {
				if (!is_digit_tok(tokv[i]))
					return ENOENT;
				year = year * 10 + tokv[i][0] - '0';
			}
			dn -= 4;
		}
		day = day_of_month(tokv + 1, dn);
		if (day < 1 || day > 31)
			return ENOENT;
		if (year < 0) {
			/* the next such date */
			year = tm.tm_year + 1900;
			if (m < tm.tm_mon || (m == tm.tm_mon &&
					      day < tm.tm_mday))
				++year;
		}
		tm.tm_year = year - 1900;
		tm.tm_mon = m;
		tm.tm_mday = day;
	}
	else {
		return ENOENT;
	}

	tm.tm_hour = 12;
	t = timegm(&tm);
	if (!gmtime_r(&t, &tm))
		return ENOENT;
	return re_snprintf(val, sz, "%04d-%02d-%02d", tm.tm_year + 1900,
			   tm.tm_mon + 1, tm.tm_mday) < 0 ? ENOENT : 0;
}


static int confirm_value(char *val, size_t sz, char **tokv, size_t n)
{
	static const char *const yes[] = {"yes", "yeah", "yep", "sure",
		"correct", "right", "ok", "okay", "1"};
	static const char *const no[] = {"no", "nope", "nah", "wrong",
		"incorrect", "2"};

	if (n != 1)
		return ENOENT;
	if (index_of(yes, ARRAY_SIZE(yes), tokv[0]) >= 0)
		return re_snprintf(val, sz, "Yes") < 0 ? ENOENT : 0;
	if (index_of(no, ARRAY_SIZE(no), tokv[0]) >= 0)
		return re_snprintf(val, sz, "No") < 0 ? ENOENT : 0;
	return ENOENT;
}


static bool words_equal(char **tokv, size_t n, const char *text)
{
	char norm[256], *v[SPAN_MAX + 1];
	size_t m, i;

	m = nlu_normalise(norm, sizeof(norm), text);
	if (m != n)
		return false;
	m = split(v, ARRAY_SIZE(v), norm);
	for (i = 0; i < m; i++) {
		if (strcmp(v[i], tokv[i]))
			return false;
	}
	return m == n;
}


static int custom_value(char *val, size_t sz, const struct bot_type *t,
			char **tokv, size_t n)
{
	size_t i, j;

	for (i = 0; i < t->valuec; i++) {
		const struct bot_value *bv = &t->values[i];

		if (words_equal(tokv, n, bv->value))
			return re_snprintf(val, sz, "%s", bv->value) < 0 ?
				ENOENT : 0;
		for (j = 0; j < bv->sync; j++) {
			if (!words_equal(tokv, n, bv->synonyms[j]))
				continue;
			return re_snprintf(val, sz, "%s", t->top_resolution ?
					   bv->value : bv->synonyms[j]) < 0 ?
				ENOENT : 0;
		}
	}
	return ENOENT;
}


static int free_value(char *val, size_t sz, char **tokv, size_t n)
{
	size_t i, o = 0;

	if (!n || n > 3)
		return ENOENT;
	for (i = 0; i < n; i++) {
		size_t k = strlen(tokv[i]);

		if (o + k + 2 > sz)
			return ENOENT;
		if (i)
			val[o++] = ' ';
		memcpy(val + o, tokv[i], k);
		val[o] = (char)toupper((unsigned char)val[o]);
		o += k;
	}
	val[o] = '\0';
	return 0;
}


static int span_value(char *val, size_t sz, const struct bot_slot *slot,
		      char **tokv, size_t n, uint64_t today_ms)
{
	const struct bot_type *t = slot->type;

	if (!n || n > SPAN_MAX)
		return ENOENT;

	switch (t->kind) {

	case BOT_CUSTOM:
		return custom_value(val, sz, t, tokv, n);
	case BOT_NUMBER:
		return number_value(val, sz, tokv, n);
	case BOT_ALNUM:
		return alnum_value(val, sz, tokv, n, t->regex);
	case BOT_DATE:
		return date_value(val, sz, tokv, n, today_ms);
	case BOT_CONFIRM:
		return confirm_value(val, sz, tokv, n);
	case BOT_FREE:
		return free_value(val, sz, tokv, n);
	}
	return ENOENT;
}


int nlu_slot_value(char *val, size_t sz, const struct bot_slot *slot,
		   const char *text, uint64_t today_ms)
{
	char norm[TEXT_MAX], *tokv[IN_MAX];
	size_t n;

	if (!val || !sz || !slot || !text)
		return EINVAL;
	(void)nlu_normalise(norm, sizeof(norm), text);
	n = split(tokv, IN_MAX, norm);
	return span_value(val, sz, slot, tokv, n, today_ms);
}


/* -- alignment -- */

enum step { ST_END, ST_MATCH, ST_SKIP_IN, ST_SKIP_PAT, ST_SLOT };

struct cell {
	int score;		/* 2 per unit matched, -1 per word skipped */
	uint8_t step;
	uint8_t span;		/* ST_SLOT: words taken */
	bool done;
};

struct align {
	const struct pattern *p;
	char **tokv;
	size_t nt;
	uint64_t today_ms;
	struct cell c[PAT_MAX + 1][IN_MAX + 1];
};


static bool pattern_has(const struct pattern *p, const char *w)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (!p->t[i].slot && !strcmp(p->t[i].w, w))
			return true;
	}
	return false;
}


static int best(struct align *a, size_t i, size_t j)
{
	struct cell *c = &a->c[i][j];
	const struct ptok *pt;
	bool is_free;
	int s;

	if (c->done)
		return c->score;
	c->done = true;

	if (i == a->p->n && j == a->nt) {
		c->score = 0;
		c->step = ST_END;
		return 0;
	}

	c->score = -100000;
	if (j < a->nt) {
		s = best(a, i, j + 1) - 1;
		if (s > c->score) {
			c->score = s;
			c->step = ST_SKIP_IN;
		}
	}
	if (i == a->p->n)
		return c->score;

	pt = &a->p->t[i];
	s = best(a, i + 1, j) - 1;
	if (s > c->score) {
		c->score = s;
		c->step = ST_SKIP_PAT;
	}
	if (!pt->slot) {
		if (j < a->nt && !strcmp(pt->w, a->tokv[j])) {
			s = best(a, i + 1, j + 1) + 2;
			if (s > c->score) {
				c->score = s;
				c->step = ST_MATCH;
			}
		}
		return c->score;
	}

	is_free = pt->slot->type->kind == BOT_FREE;
	for (size_t k = 1; k <= SPAN_MAX && j + k <= a->nt; k++) {
		char val[128];

		/* a name is not made of the utterance's own words */
		if (is_free && pattern_has(a->p, a->tokv[j + k - 1]))
			break;
		if (span_value(val, sizeof(val), pt->slot, a->tokv + j, k,
			       a->today_ms))
			continue;
		/* a slot filled counts as one unit plus its words; free
		 * words (any word) count less than checked values */
		s = best(a, i + 1, j + k) + (is_free ? 1 : 2) + (int)k - 1;
		/* on a tie the earlier slot takes the words */
		if (s >= c->score) {
			c->score = s;
			c->step = ST_SLOT;
			c->span = (uint8_t)k;
		}
	}
	return c->score;
}


struct match {
	double conf;
	struct nlu_slot slots[NLU_MAX_SLOTS];
	size_t slotc;
};


static void slot_put(struct match *m, const struct bot_slot *slot,
		     char **tokv, size_t n, uint64_t today_ms)
{
	struct nlu_slot *ns;
	size_t i, o = 0;

	for (i = 0; i < m->slotc; i++) {
		if (m->slots[i].slot == slot)
			return;		/* the first mention wins */
	}
	if (m->slotc >= NLU_MAX_SLOTS)
		return;
	ns = &m->slots[m->slotc];
	if (span_value(ns->value, sizeof(ns->value), slot, tokv, n,
		       today_ms))
		return;
	ns->slot = slot;
	ns->said[0] = '\0';
	for (i = 0; i < n; i++) {
		int r = re_snprintf(ns->said + o, sizeof(ns->said) - o,
				    "%s%s", i ? " " : "", tokv[i]);

		if (r < 0)
			break;
		o += (size_t)r;
	}
	++m->slotc;
}


static double align_pattern(struct match *m, const struct pattern *p,
			    char **tokv, size_t nt, uint64_t today_ms)
{
	struct align *a;
	size_t i = 0, j = 0, units = 0;
	double prec, rec, used = 0;

	memset(m, 0, sizeof(*m));
	if (!p->n || !nt || nt > IN_MAX)
		return 0;

	a = mem_zalloc(sizeof(*a), NULL);
	if (!a)
		return 0;
	a->p = p;
	a->tokv = tokv;
	a->nt = nt;
	a->today_ms = today_ms;
	(void)best(a, 0, 0);

	while (i < p->n || j < nt) {
		const struct cell *c = &a->c[i][j];

		switch (c->step) {

		case ST_MATCH:
			++units;
			++used;
			++i;
			++j;
			break;
		case ST_SLOT:
			slot_put(m, p->t[i].slot, tokv + j, c->span,
				 today_ms);
			++units;
			/* free words (names) explain the input less than
			 * words of the utterance or checked values do */
			used += p->t[i].slot->type->kind == BOT_FREE ?
				c->span / 2.0 : c->span;
			++i;
			j += c->span;
			break;
		case ST_SKIP_IN:
			++j;
			break;
		case ST_SKIP_PAT:
			++i;
			break;
		default:
			i = p->n;
			j = nt;
			break;
		}
	}
	mem_deref(a);

	if (!units)
		return 0;
	prec = used / (double)nt;
	rec = (double)units / (double)p->n;
	m->conf = 2 * prec * rec / (prec + rec);
	return m->conf;
}


/* The best alignment of the input with the utterances of in. */
static void intent_match(struct match *bestm, const struct bot_intent *in,
			 const struct bot_slot *slot, char **tokv, size_t nt,
			 uint64_t today_ms)
{
	struct pattern *p;
	struct match m;
	size_t u;

	memset(bestm, 0, sizeof(*bestm));
	p = mem_zalloc(sizeof(*p), NULL);
	if (!p)
		return;

	/* an elicited slot may be answered by its value alone */
	if (slot) {
		memset(p, 0, sizeof(*p));
		p->t[0].slot = slot;
		p->n = 1;
		p->slots = 1;
		if (align_pattern(&m, p, tokv, nt, today_ms) > bestm->conf)
			*bestm = m;
		for (u = 0; u < slot->uttc; u++) {
			if (pattern_parse(p, in, slot->utterances[u]))
				continue;
			if (align_pattern(&m, p, tokv, nt, today_ms) >
			    bestm->conf)
				*bestm = m;
		}
	}

	for (u = 0; u < in->uttc; u++) {
		if (pattern_parse(p, in, in->utterances[u]))
			continue;
		if (align_pattern(&m, p, tokv, nt, today_ms) > bestm->conf)
			*bestm = m;
	}
	mem_deref(p);
}


int nlu_parse(struct nlu_result *res, const struct bot *bot,
	      const struct bot_intent *intent, const struct bot_slot *slot,
	      const char *text, uint64_t today_ms)
{
	char norm[TEXT_MAX], *tokv[IN_MAX];
	struct match m, top;
	const struct bot_intent *topin = NULL;
	size_t i, nt;

	if (!res || !bot || !text)
		return EINVAL;

	memset(res, 0, sizeof(*res));
	memset(&top, 0, sizeof(top));
	(void)nlu_normalise(norm, sizeof(norm), text);
	nt = split(tokv, IN_MAX, norm);

	for (i = 0; i < bot->intentc && nt; i++) {
		const struct bot_intent *in = &bot->intents[i];

		if (in->fallback || (intent && in != intent))
			continue;
		intent_match(&m, in, intent ? slot : NULL, tokv, nt,
			     today_ms);
		if (m.conf > top.conf) {
			if (topin) {
				res->alt = topin;
				res->alt_confidence = top.conf;
			}
			top = m;
			topin = in;
		}
		else if (m.conf > res->alt_confidence) {
			res->alt = in;
			res->alt_confidence = m.conf;
		}
	}

	if (!topin || top.conf < bot->threshold) {
		res->intent = bot->fallback;
		res->confidence = topin ? 1.0 - top.conf : 1.0;
		if (topin && !res->alt) {
			res->alt = topin;
			res->alt_confidence = top.conf;
		}
		return 0;
	}

	res->intent = topin;
	res->confidence = top.conf;
	memcpy(res->slots, top.slots, sizeof(res->slots));
	res->slotc = top.slotc;
	return 0;
}
