/**
 * @file bot.h  Lex V2 bots from their exports: the model of one bot
 * locale (intents, sample utterances, slots, slot types), the grammar a
 * recogniser listens with, and the set of bots named by alias ARN.
 *
 * Owns the parsed, immutable bot (shared by reference) and the bot set
 * of the configuration. Loading reads files: do it at start or reload,
 * not on the event loop of a busy daemon. No audio here.
 */
#ifndef CALLFLOWD_SPEECH_BOT_H
#define CALLFLOWD_SPEECH_BOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What a slot type accepts: custom values or a built-in. */
enum bot_kind {
	BOT_CUSTOM,		/* slotTypeValues (values and synonyms) */
	BOT_NUMBER,		/* AMAZON.Number: digits or cardinals */
	BOT_ALNUM,		/* AMAZON.AlphaNumeric: digits and letters */
	BOT_DATE,		/* AMAZON.Date: ISO-8601 date */
	BOT_CONFIRM,		/* AMAZON.Confirmation: Yes / No */
	BOT_FREE,		/* names, cities...: one to three words */
};

struct bot_value {
	char *value;		/* the sampleValue */
	char **synonyms;
	size_t sync;
};

struct bot_type {
	char *name;
	enum bot_kind kind;
	struct bot_value *values;
	size_t valuec;
	bool top_resolution;	/* TOP_RESOLUTION: the value, not what
				   was said */
	char *regex;		/* valueSelectionSetting.regexFilter */
};

struct bot_slot {
	char *name;
	const struct bot_type *type;
	bool required;
	uint32_t priority;
	char **prompts;		/* elicitation prompts (text or SSML) */
	size_t promptc;
	uint32_t max_retries;
	char **utterances;	/* slot-level sample utterances */
	size_t uttc;
};

struct bot_intent {
	char *name;
	bool fallback;		/* AMAZON.FallbackIntent */
	char **utterances;	/* sample utterances, "{Slot}" for slots */
	size_t uttc;
	struct bot_slot *slots;	/* by priority */
	size_t slotc;
};

struct bot {
	char *name;
	char *locale;			/* "en_US" */
	double threshold;		/* nluConfidenceThreshold (0.4) */
	struct bot_intent *intents;
	size_t intentc;
	struct bot_type *types;		/* custom and the built-ins used */
	size_t typec;
	const struct bot_intent *fallback; /* never NULL once loaded */
};

/**
 * Load a bot locale from an export folder: the unzipped export (with
 * manifest.json), the bot's folder (Bot.json, BotLocales/) or one locale
 * folder (BotLocale.json). locale ("en_US", NULL: the only or first one)
 * picks among several. Errors name the file in err.
 */
int bot_load(struct bot **botp, const char *dir, const char *locale,
	     char *err, size_t errsz);
const struct bot_intent *bot_intent(const struct bot *bot,
				    const char *name);
const struct bot_slot *bot_slot(const struct bot_intent *in,
				const char *name);

/** Is word (lowercase) in the recogniser's dictionary? */
typedef bool (bot_word_h)(const char *word, void *arg);

/**
 * The JSGF grammar for one turn (mem string): every intent's sample
 * utterances with their slots expanded (slot == NULL), or what answers
 * the elicitation of slot (its values, its utterances, the intent's
 * utterances that fill it). Utterances with a word the dictionary does
 * not know are left out (known == NULL: all kept). ENOENT when nothing
 * is left to listen for.
 */
int bot_grammar(char **jsgfp, const struct bot *bot,
		const struct bot_intent *in, const struct bot_slot *slot,
		bot_word_h *known, void *arg);

/* -- the bots of the configuration, by alias ARN -- */

struct botset;

/**
 * The "speech" section's "bots" list, each {"alias_arn", "path",
 * "locale"} (path relative to bots_dir). Loads every bot; errors name
 * the entry. An empty set when there is no section.
 */
int botset_alloc(struct botset **bsp, const char *bots_dir,
		 const void *json_bots, char *err, size_t errsz);
/** The bot named by ref: its alias ARN, bot alias id (the ARN's last
 *  element) or bot name. NULL when unknown. */
struct bot *botset_find(const struct botset *bs, const char *ref);
size_t botset_count(const struct botset *bs);

#endif
