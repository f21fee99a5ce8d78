/**
 * @file speech_priv.h  Private to src/speech: sample utterances as token
 * patterns, shared by the NLU (nlu.c) and the grammar builder
 * (grammar.c), and the number words both speak.
 */
#ifndef CALLFLOWD_SPEECH_PRIV_H
#define CALLFLOWD_SPEECH_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bot_intent;
struct bot_slot;

enum {
	PAT_MAX = 48,		/* tokens of one sample utterance */
	TOK_MAX = 32,		/* bytes of one token */
};

struct ptok {
	const struct bot_slot *slot;	/* a {Slot} reference, or NULL */
	char w[TOK_MAX];		/* a normalised word */
};

struct pattern {
	struct ptok t[PAT_MAX];
	size_t n;
	size_t slots;			/* slot references in it */
};

/**
 * Parse a sample utterance into a pattern: words normalised as
 * nlu_normalise() does, "{Name}" resolved to the intent's slot (an
 * unknown slot name: EINVAL).
 */
int pattern_parse(struct pattern *p, const struct bot_intent *in,
		  const char *utterance);

/** "one" for "1": the spoken word of a digit token, NULL if none. */
const char *digit_word(const char *tok);

#endif
