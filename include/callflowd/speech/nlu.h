/**
 * @file nlu.h  Understanding what the caller said (or keyed): the intent
 * of a bot whose sample utterances fit the words best, the slot values
 * inside them, and a confidence from 0 to 1.
 *
 * Owns nothing but its results. Pure and thread-safe: words are
 * normalised (lowercase, number words and keypad digits alike), every
 * sample utterance is aligned with the input, slot spans are checked
 * against their slot types (values and synonyms, numbers, letters and
 * digits with the type's regex filter, dates relative to a given day).
 */
#ifndef CALLFLOWD_SPEECH_NLU_H
#define CALLFLOWD_SPEECH_NLU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bot;
struct bot_intent;
struct bot_slot;

enum { NLU_MAX_SLOTS = 16 };

struct nlu_slot {
	const struct bot_slot *slot;
	char value[128];	/* resolved value ("4271", "2026-06-04") */
	char said[128];		/* the words that filled it */
};

struct nlu_result {
	const struct bot_intent *intent; /* the bot's fallback if nothing
					    fits above its threshold */
	double confidence;		 /* 0..1 */
	struct nlu_slot slots[NLU_MAX_SLOTS];
	size_t slotc;
	const struct bot_intent *alt;	 /* the runner-up, or NULL */
	double alt_confidence;
};

/**
 * Interpret text (speech transcript or keypad digits). today_ms (UTC ms)
 * anchors relative dates. Intent NULL: the whole bot; else only that
 * intent's utterances (and, with slot, that slot's values on their own:
 * the answer to an elicitation).
 */
int nlu_parse(struct nlu_result *res, const struct bot *bot,
	      const struct bot_intent *intent, const struct bot_slot *slot,
	      const char *text, uint64_t today_ms);

/** Resolve words as a value of the slot's type; ENOENT if they are not. */
int nlu_slot_value(char *val, size_t sz, const struct bot_slot *slot,
		   const char *text, uint64_t today_ms);

/**
 * Normalise text to space-separated lowercase tokens: punctuation goes,
 * "zero".."nine" become digits, "1234" becomes "1 2 3 4". out gets at
 * most sz bytes; returns the number of tokens.
 */
size_t nlu_normalise(char *out, size_t sz, const char *text);

#endif
