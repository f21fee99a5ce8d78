/**
 * @file ssml.c  A small non-validating XML reader for Polly's SSML: a
 * stack of open elements, each carrying the speaking state (rate, say-as
 * mode, sub alias) its children inherit. Text is gathered with whitespace
 * collapsed and cut into a segment whenever the state changes or a pause
 * is due.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/ssml.h>
#include "ssml_priv.h"

/* an attribute of the tag being read */
struct attr {
	struct pl name;
	const char *val;	/* raw value between the quotes */
	size_t vlen;
};


static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == ':' || c == '-' ||
		c == '_' || c == '.';
}


/* Copy an attribute value with entities decoded (ASCII only). */
static int attr_value(struct parser *ps, char *buf, size_t sz,
		      const struct attr *a)
{
	const char *s = a->val, *end = a->val + a->vlen;
	size_t o = 0;
	int err;

	while (s < end) {
		unsigned long cp;

		if (*s == '&') {
			err = ssml_entity(ps, &cp, &s, end);
			if (err)
				return err;
		}
		else {
			cp = (unsigned char)*s++;
		}
		if (o + 1 >= sz)
			return ssml_perr(ps, "attribute value too long", NULL);
		buf[o++] = cp < 0x80 ? (char)cp : '?';
	}
	buf[o] = '\0';

	return 0;
}


static const struct attr *attr_find(const struct attr *as, size_t n,
				    const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!pl_strcmp(&as[i].name, name))
			return &as[i];

	return NULL;
}


static int parse_break(struct parser *ps, const struct attr *as, size_t n)
{
	static const struct { const char *name; uint32_t ms; } strengths[] = {
		{ "none", 0 }, { "x-weak", 100 }, { "weak", 250 },
		{ "medium", 400 }, { "strong", 700 }, { "x-strong", 1000 },
	};
	const struct attr *a;
	char v[32];
	uint32_t ms = 400;
	size_t i;
	int err;

	a = attr_find(as, n, "strength");
	if (a) {
		err = attr_value(ps, v, sizeof(v), a);
		if (err)
			return err;
		for (i = 0; i < sizeof(strengths) / sizeof(strengths[0]); i++)
			if (!strcmp(v, strengths[i].name))
				break;
		if (i == sizeof(strengths) / sizeof(strengths[0]))
			return ssml_perr(ps, "bad break strength: ", v);
		ms = strengths[i].ms;
	}

	a = attr_find(as, n, "time");
	if (a) {
		char *ep;
		double t;

		err = attr_value(ps, v, sizeof(v), a);
		if (err)
			return err;
		t = strtod(v, &ep);
		if (ep == v || t < 0)
			return ssml_perr(ps, "bad break time: ", v);
		if (!strcmp(ep, "s"))
			t *= 1000;
		else if (strcmp(ep, "ms"))
			return ssml_perr(ps, "break time needs a unit (ms or s): ",
				    v);
		ms = t > SSML_MAX_BREAK_MS ? SSML_MAX_BREAK_MS :
			(uint32_t)(t + 0.5);
	}

	return ssml_add_pause(ps, ms, false);
}


static int parse_rate(struct parser *ps, unsigned *ratep,
		      const struct attr *a)
{
	static const struct { const char *name; unsigned pct; } rates[] = {
		{ "x-slow", 60 }, { "slow", 80 }, { "medium", 100 },
		{ "fast", 125 }, { "x-fast", 160 }, { "default", 100 },
	};
	char v[32], *ep;
	unsigned long pct;
	size_t i;
	int err;

	err = attr_value(ps, v, sizeof(v), a);
	if (err)
		return err;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		if (!strcmp(v, rates[i].name)) {
			*ratep = rates[i].pct;
			return 0;
		}
	}

	pct = strtoul(v, &ep, 10);
	if (ep == v || strcmp(ep, "%") || !isdigit((unsigned char)v[0]))
		return ssml_perr(ps, "bad prosody rate (x-slow..x-fast or N%): ",
			    v);

	/* Polly's range */
	*ratep = pct < 20 ? 20 : pct > 200 ? 200 : (unsigned)pct;
	return 0;
}


/* Start tag: apply its effect on the state (already saved on the stack). */
static int start_tag(struct parser *ps, struct elem *el,
		     const struct attr *as, size_t n, bool empty)
{
	const struct pl *name = &el->name;
	const struct attr *a;
	char v[64];
	int err;

	if (!pl_strcmp(name, "speak"))
		return 0;

	if (!pl_strcmp(name, "break"))
		return parse_break(ps, as, n);

	if (!pl_strcmp(name, "p") || !pl_strcmp(name, "s")) {
		el->pause = name->p[0] == 'p' ? PAUSE_P : PAUSE_S;
		/* a pause before, unless one is there already */
		return ssml_add_pause(ps, 0, false);
	}

	if (!pl_strcmp(name, "prosody")) {
		size_t i;

		for (i = 0; i < n; i++) {
			if (!pl_strcmp(&as[i].name, "rate")) {
				err = parse_rate(ps, &ps->st.rate, &as[i]);
				if (err)
					return err;
			}
			else {
				char what[40];

				(void)re_snprintf(what, sizeof(what),
						  "prosody %r", &as[i].name);
				ssml_note_ignored(ps, what, strlen(what));
			}
		}
		return 0;
	}

	if (!pl_strcmp(name, "say-as")) {
		a = attr_find(as, n, "interpret-as");
		if (!a)
			return ssml_perr(ps, "say-as without interpret-as", NULL);
		err = attr_value(ps, v, sizeof(v), a);
		if (err)
			return err;
		if (!strcmp(v, "digits"))
			ps->st.mode = MODE_DIGITS;
		else if (!strcmp(v, "telephone"))
			ps->st.mode = MODE_PHONE;
		else if (!strcmp(v, "characters") ||
			 !strcmp(v, "spell-out"))
			ps->st.mode = MODE_SPELL;
		else {
			char what[48];

			(void)re_snprintf(what, sizeof(what),
					  "say-as %s", v);
			ssml_note_ignored(ps, what, strlen(what));
		}
		ps->phone_sep = false;
		return 0;
	}

	if (!pl_strcmp(name, "sub")) {
		a = attr_find(as, n, "alias");
		if (!a)
			return ssml_perr(ps, "sub without alias", NULL);
		err = attr_value(ps, v, sizeof(v), a);
		if (err)
			return err;
		err = ssml_text(ps, v, v + strlen(v));
		ps->st.skip = true;
		return err;
	}

	(void)empty;
	ssml_note_ignored(ps, name->p, name->l);
	return 0;
}


static int end_tag(struct parser *ps)
{
	struct elem *el = &ps->stack[--ps->depth];
	bool changed = !ssml_same_state(&ps->st, &el->saved);
	int err = 0;

	if (changed)
		err = ssml_flush(ps);
	ps->st = el->saved;
	if (!err && el->pause)
		err = ssml_add_pause(ps, el->pause, true);

	return err;
}


static int tag(struct parser *ps)
{
	struct attr as[16];
	size_t n = 0;
	struct elem *el;
	const char *s = ps->p + 1;
	bool closing = false, empty = false;
	struct pl name;
	int err;

	if (*s == '/') {
		closing = true;
		++s;
	}

	name.p = s;
	while (s < ps->end && name_char(*s))
		++s;
	name.l = (size_t)(s - name.p);
	if (!name.l)
		return ssml_perr(ps, "expected a tag name after '<'", NULL);

	/* attributes */
	for (;;) {
		while (s < ps->end && isspace((unsigned char)*s))
			++s;
		if (s >= ps->end)
			return ssml_perr(ps, "unterminated tag", NULL);
		if (*s == '>')
			break;
		if (*s == '/' && s + 1 < ps->end && s[1] == '>') {
			empty = true;
			++s;
			break;
		}
		if (closing || !name_char(*s))
			return ssml_perr(ps, "malformed tag", NULL);
		if (n == sizeof(as) / sizeof(as[0]))
			return ssml_perr(ps, "too many attributes", NULL);

		as[n].name.p = s;
		while (s < ps->end && name_char(*s))
			++s;
		as[n].name.l = (size_t)(s - as[n].name.p);
		while (s < ps->end && isspace((unsigned char)*s))
			++s;
		if (s >= ps->end || *s != '=')
			return ssml_perr(ps, "attribute without value", NULL);
		++s;
		while (s < ps->end && isspace((unsigned char)*s))
			++s;
		if (s >= ps->end || (*s != '"' && *s != '\''))
			return ssml_perr(ps, "attribute value must be quoted",
				    NULL);
		as[n].val = s + 1;
		s = memchr(s + 1, *s, (size_t)(ps->end - s - 1));
		if (!s)
			return ssml_perr(ps, "unterminated attribute value", NULL);
		as[n].vlen = (size_t)(s - as[n].val);
		++s;
		++n;
	}

	if (closing) {
		if (!ps->depth)
			return ssml_perr(ps, "end tag without start tag", NULL);
		if (pl_cmp(&ps->stack[ps->depth - 1].name, &name)) {
			char exp[48];

			(void)re_snprintf(exp, sizeof(exp), "</%r>",
					  &ps->stack[ps->depth - 1].name);
			return ssml_perr(ps, "mismatched end tag, expected ", exp);
		}
		err = end_tag(ps);
		ps->p = s + 1;
		return err;
	}

	if (!ps->depth && pl_strcmp(&name, "speak"))
		return ssml_perr(ps, "the root element must be <speak>", NULL);
	if (ps->depth && !pl_strcmp(&name, "speak"))
		return ssml_perr(ps, "nested <speak>", NULL);
	if (ps->depth == MAX_DEPTH)
		return ssml_perr(ps, "elements nested too deeply", NULL);

	el = &ps->stack[ps->depth++];
	el->name = name;
	el->saved = ps->st;
	el->pause = 0;
	err = start_tag(ps, el, as, n, empty);
	if (err)
		return err;

	/* a state change starts a new segment for the element's text */
	if (!ssml_same_state(&ps->st, &el->saved))
		err = ssml_flush(ps);

	ps->p = s + 1;
	if (!err && empty)
		err = end_tag(ps);

	return err;
}


/* Skip "<!-- ... -->", "<?...?>" and "<!DOCTYPE ...>". */
static int skip_special(struct parser *ps, bool *skipped)
{
	const char *q;
	size_t left = (size_t)(ps->end - ps->p);

	*skipped = true;
	if (left >= 4 && !strncmp(ps->p, "<!--", 4)) {
		q = strstr(ps->p + 4, "-->");
		if (!q)
			return ssml_perr(ps, "unterminated comment", NULL);
		ps->p = q + 3;
		return 0;
	}
	if (left >= 2 && !strncmp(ps->p, "<?", 2)) {
		q = strstr(ps->p + 2, "?>");
		if (!q)
			return ssml_perr(ps, "unterminated <?...?>", NULL);
		ps->p = q + 2;
		return 0;
	}
	if (left >= 2 && !strncmp(ps->p, "<!", 2)) {
		q = strchr(ps->p, '>');
		if (!q)
			return ssml_perr(ps, "unterminated <!...>", NULL);
		ps->p = q + 1;
		return 0;
	}

	*skipped = false;
	return 0;
}


static int run(struct parser *ps)
{
	bool done = false;
	int err;

	while (ps->p < ps->end) {
		const char *lt;
		bool skipped;

		if (*ps->p == '<') {
			err = skip_special(ps, &skipped);
			if (err)
				return err;
			if (skipped)
				continue;
			if (done)
				return ssml_perr(ps, "content after </speak>", NULL);
			err = tag(ps);
			if (err)
				return err;
			done = ps->depth == 0;
			continue;
		}

		lt = memchr(ps->p, '<', (size_t)(ps->end - ps->p));
		if (!lt)
			lt = ps->end;

		if (!ps->depth) {
			const char *q;

			for (q = ps->p; q < lt; q++)
				if (!isspace((unsigned char)*q))
					return ssml_perr(ps, done ?
						    "content after </speak>" :
						    "text outside <speak>",
						    NULL);
		}
		else {
			err = ssml_text(ps, ps->p, lt);
			if (err)
				return err;
		}
		ps->p = lt;
	}

	if (ps->depth) {
		char what[48];

		(void)re_snprintf(what, sizeof(what), "<%r>",
				  &ps->stack[ps->depth - 1].name);
		return ssml_perr(ps, "unclosed element ", what);
	}
	if (!done)
		return ssml_perr(ps, "no <speak> element", NULL);

	return ssml_flush(ps);
}


int ssml_parse(struct list *segs, char **ignoredp, char **errp,
	       const char *ssml)
{
	struct parser ps;
	struct list tmp = LIST_INIT;
	struct le *le;
	unsigned i;
	int err;

	if (!segs || !ssml)
		return EINVAL;

	memset(&ps, 0, sizeof(ps));
	ps.start = ps.p = ssml;
	ps.end = ssml + strlen(ssml);
	ps.segs = &tmp;
	ps.st.rate = SSML_RATE_DEFAULT;
	ps.cur_st = ps.st;
	ps.cur = mbuf_alloc(256);
	if (!ps.cur)
		return ENOMEM;

	err = run(&ps);
	if (err)
		goto out;

	/* a paragraph or sentence pause at the very end only delays the
	 * caller; explicit breaks there are kept */
	le = list_tail(&tmp);
	if (le && ps.tail_soft) {
		struct ssml_seg *seg = le->data;

		seg->pause_ms -= ps.tail_soft;
		if (!seg->pause_ms)
			mem_deref(seg);
	}

	if (ignoredp) {
		*ignoredp = NULL;
		for (i = 0; i < ps.nignored && !err; i++) {
			char *s = NULL;

			err = re_sdprintf(&s, "%s%s%s",
					  *ignoredp ? *ignoredp : "",
					  i ? ", " : "", ps.ignored[i]);
			mem_deref(*ignoredp);
			*ignoredp = s;
		}
	}

	while (!err && (le = list_head(&tmp))) {
		list_unlink(le);
		list_append(segs, le, le->data);
	}

 out:
	list_flush(&tmp);
	mem_deref(ps.cur);
	if (errp)
		*errp = ps.err;
	else
		mem_deref(ps.err);

	return err;
}


int ssml_plain(struct list *segs, const char *text_in)
{
	struct parser ps;
	struct list tmp = LIST_INIT;
	struct le *le;
	int err;

	if (!segs || !text_in)
		return EINVAL;

	memset(&ps, 0, sizeof(ps));
	ps.start = ps.p = text_in;
	ps.end = text_in + strlen(text_in);
	ps.segs = &tmp;
	ps.st.rate = SSML_RATE_DEFAULT;
	ps.cur_st = ps.st;
	ps.cur = mbuf_alloc(256);
	if (!ps.cur)
		return ENOMEM;

	for (err = 0; ps.p < ps.end && !err; ++ps.p)
		err = ssml_put(&ps, *ps.p);
	if (!err)
		err = ssml_flush(&ps);

	while (!err && (le = list_head(&tmp))) {
		list_unlink(le);
		list_append(segs, le, le->data);
	}

	list_flush(&tmp);
	mem_deref(ps.cur);
	return err;
}


uint32_t ssml_pause_ms(const struct list *segs)
{
	struct le *le;
	uint32_t ms = 0;

	for (le = list_head(segs); le; le = le->next) {
		const struct ssml_seg *seg = le->data;

		if (!seg->text)
			ms += seg->pause_ms;
	}

	return ms;
}


int ssml_print(struct re_printf *pf, const struct list *segs)
{
	struct le *le;
	int err = 0;

	for (le = list_head(segs); le && !err; le = le->next) {
		const struct ssml_seg *seg = le->data;
		const char *c;

		if (le != list_head(segs))
			err = re_hprintf(pf, "|");
		if (!seg->text) {
			err |= re_hprintf(pf, "<%u>", seg->pause_ms);
			continue;
		}

		err |= re_hprintf(pf, "[%u%s]", seg->rate_pct,
				  seg->spell ? "s" : "");
		/* escape the separators so the print is unambiguous */
		for (c = seg->text; *c && !err; c++) {
			if (*c == '|' || *c == '\\')
				err = re_hprintf(pf, "\\%c", *c);
			else
				err = re_hprintf(pf, "%c", *c);
		}
	}

	return err;
}
