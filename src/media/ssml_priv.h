/**
 * @file ssml_priv.h  Private: the SSML reader's parser state, shared by
 * ssml.c (tags and the API) and ssml_text.c (gathering text into
 * segments: whitespace, entities, pauses, say-as).
 */
#ifndef CALLFLOWD_SSML_PRIV_H
#define CALLFLOWD_SSML_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/ssml.h>

enum {
	MAX_DEPTH = 64,
	MAX_IGNORED = 16,
	PAUSE_P = 750,		/* after a paragraph */
	PAUSE_S = 350,		/* after a sentence */
};

enum mode {
	MODE_TEXT,
	MODE_DIGITS,
	MODE_PHONE,
	MODE_SPELL,
};

struct state {
	unsigned rate;
	enum mode mode;
	bool skip;		/* inside <sub>: the alias was spoken */
};

struct elem {
	struct pl name;
	struct state saved;
	uint32_t pause;		/* pause after the end tag (p, s) */
};

struct parser {
	const char *start, *p, *end;
	struct list *segs;
	struct mbuf *cur;	/* text of the segment being gathered */
	struct state st;
	struct state cur_st;	/* state the gathered text was spoken in */
	struct elem stack[MAX_DEPTH];
	unsigned depth;
	bool phone_sep;		/* a separator may follow in telephone mode */
	uint32_t tail_soft;	/* p/s pause at the tail, trimmed at the end */
	char *err;
	char ignored[MAX_IGNORED][40];
	unsigned nignored;
};

/* ssml_text.c */
int ssml_perr(struct parser *ps, const char *fmt, const char *arg);
void ssml_note_ignored(struct parser *ps, const char *what, size_t len);
int ssml_flush(struct parser *ps);
int ssml_add_pause(struct parser *ps, uint32_t ms, bool soft);
bool ssml_same_state(const struct state *a, const struct state *b);
int ssml_put(struct parser *ps, char c);
int ssml_entity(struct parser *ps, unsigned long *cpp, const char **sp, const char *end);
int ssml_text(struct parser *ps, const char *s, const char *end);

#endif
