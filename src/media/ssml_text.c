/**
 * @file ssml_text.c  Gathering SSML text into segments: whitespace
 * collapsed, entities decoded, say-as modes spoken digit by digit, pauses
 * for breaks, paragraphs and sentences.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/ssml.h>
#include "ssml_priv.h"

static void seg_destructor(void *arg)
{
	struct ssml_seg *seg = arg;

	list_unlink(&seg->le);
	mem_deref(seg->text);
}


static int seg_add(struct list *segs, struct ssml_seg **segp)
{
	struct ssml_seg *seg = mem_zalloc(sizeof(*seg), seg_destructor);

	if (!seg)
		return ENOMEM;

	seg->rate_pct = SSML_RATE_DEFAULT;
	list_append(segs, &seg->le, seg);
	*segp = seg;

	return 0;
}


int ssml_perr(struct parser *ps, const char *fmt, const char *arg)
{
	unsigned line = 1;
	const char *q;

	for (q = ps->start; q < ps->p && q < ps->end; q++)
		if (*q == '\n')
			++line;

	ps->err = mem_deref(ps->err);
	(void)re_sdprintf(&ps->err, "SSML line %u (offset %zu): ", line,
			  (size_t)(ps->p - ps->start));
	if (ps->err) {
		char *msg = NULL;

		(void)re_sdprintf(&msg, "%s%s%s", ps->err, fmt, arg ? arg : "");
		mem_deref(ps->err);
		ps->err = msg;
	}

	return EBADMSG;
}


void ssml_note_ignored(struct parser *ps, const char *what, size_t len)
{
	unsigned i;

	if (len >= sizeof(ps->ignored[0]))
		len = sizeof(ps->ignored[0]) - 1;

	for (i = 0; i < ps->nignored; i++)
		if (strlen(ps->ignored[i]) == len &&
		    !strncmp(ps->ignored[i], what, len))
			return;

	if (ps->nignored == MAX_IGNORED)
		return;

	memcpy(ps->ignored[ps->nignored], what, len);
	ps->ignored[ps->nignored][len] = '\0';
	++ps->nignored;
}


/* Emit the gathered text (trimmed) as one segment. */
int ssml_flush(struct parser *ps)
{
	struct ssml_seg *seg;
	size_t len = ps->cur->end;
	const char *b = (const char *)ps->cur->buf;
	int err;

	while (len && (b[len - 1] == ' ' || b[len - 1] == ','))
		--len;
	while (len && (*b == ' ' || *b == ',')) {
		++b;
		--len;
	}

	if (len) {
		err = seg_add(ps->segs, &seg);
		if (err)
			return err;
		seg->rate_pct = ps->cur_st.rate;
		seg->spell = ps->cur_st.mode == MODE_SPELL;
		err = re_sdprintf(&seg->text, "%b", b, len);
		if (err)
			return err;
		ps->tail_soft = 0;
	}

	mbuf_reset(ps->cur);
	return 0;
}


int ssml_add_pause(struct parser *ps, uint32_t ms, bool soft)
{
	struct le *last;
	struct ssml_seg *seg;
	int err;

	err = ssml_flush(ps);
	if (err || !ms)
		return err;

	last = list_tail(ps->segs);
	seg = last ? last->data : NULL;
	if (seg && !seg->text) {
		seg->pause_ms += ms;
		ps->tail_soft += soft ? ms : 0;
		return 0;
	}

	err = seg_add(ps->segs, &seg);
	if (err)
		return err;
	seg->pause_ms = ms;
	ps->tail_soft = soft ? ms : 0;

	return 0;
}


static bool last_is(const struct parser *ps, char c)
{
	return ps->cur->end && ps->cur->buf[ps->cur->end - 1] == c;
}


bool ssml_same_state(const struct state *a, const struct state *b)
{
	return a->rate == b->rate &&
		(a->mode == MODE_SPELL) == (b->mode == MODE_SPELL);
}


/* One byte of decoded text in the current state. */
int ssml_put(struct parser *ps, char c)
{
	int err;

	if (ps->st.skip)
		return 0;

	if (!ssml_same_state(&ps->st, &ps->cur_st)) {
		err = ssml_flush(ps);
		if (err)
			return err;
		ps->cur_st = ps->st;
	}

	if (isspace((unsigned char)c)) {
		if (!ps->cur->end || last_is(ps, ' '))
			return 0;
		return mbuf_write_u8(ps->cur, ' ');
	}

	switch (ps->st.mode) {

	case MODE_DIGITS:
		if (isdigit((unsigned char)c))
			return mbuf_printf(ps->cur, "%c ", c);
		break;

	case MODE_PHONE:
		if (isdigit((unsigned char)c)) {
			ps->phone_sep = true;
			return mbuf_printf(ps->cur, "%c ", c);
		}
		if (c == '+')
			return mbuf_write_str(ps->cur, "plus ");
		if (strchr("-().,/", c)) {
			/* a group separator is a short pause */
			if (!ps->phone_sep)
				return 0;
			ps->phone_sep = false;
			return mbuf_write_str(ps->cur, ", ");
		}
		break;

	default:
		break;
	}

	return mbuf_write_u8(ps->cur, (uint8_t)c);
}


static int put_utf8(struct parser *ps, unsigned long cp)
{
	char b[4];
	int n, i, err;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	}
	else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	}
	else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	}
	else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}

	for (i = 0; i < n; i++) {
		err = ssml_put(ps, b[i]);
		if (err)
			return err;
	}

	return 0;
}


/* Decode the entity at *sp ('&' ...) into *cpp; advances *sp. */
int ssml_entity(struct parser *ps, unsigned long *cpp, const char **sp,
		  const char *end)
{
	static const struct { const char *name; char c; } named[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' },
		{ "quot", '"' }, { "apos", '\'' },
	};
	const char *s = *sp + 1;
	const char *semi = memchr(s, ';', (size_t)(end - s));
	size_t len, i;

	if (!semi || semi - s > 10)
		return ssml_perr(ps, "bare '&' (write &amp;)", NULL);

	len = (size_t)(semi - s);
	if (len > 1 && s[0] == '#') {
		char num[12], *ep;
		bool hex = s[1] == 'x' || s[1] == 'X';
		unsigned long cp;

		memcpy(num, s + 1 + hex, len - 1 - hex);
		num[len - 1 - hex] = '\0';
		cp = strtoul(num, &ep, hex ? 16 : 10);
		if (!num[0] || *ep || !cp || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return ssml_perr(ps, "bad character reference", NULL);
		*cpp = cp;
		*sp = semi + 1;
		return 0;
	}

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (strlen(named[i].name) == len &&
		    !strncmp(named[i].name, s, len)) {
			*cpp = (unsigned char)named[i].c;
			*sp = semi + 1;
			return 0;
		}
	}

	return ssml_perr(ps, "unknown entity (use &amp; &lt; &gt; &quot; "
		    "&apos; or &#N;)", NULL);
}


int ssml_text(struct parser *ps, const char *s, const char *end)
{
	int err = 0;

	while (s < end && !err) {
		unsigned long cp;

		if (*s != '&') {
			err = ssml_put(ps, *s++);
			continue;
		}

		ps->p = s;
		err = ssml_entity(ps, &cp, &s, end);
		if (!err)
			err = put_utf8(ps, cp);
	}

	return err;
}

