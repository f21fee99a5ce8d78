/**
 * @file voices.h  Amazon Polly voice names and language codes mapped to
 * espeak-ng voices of the same language and gender ("Joanna" ->
 * "en-us+f3", "Mathieu" -> "fr+m3"). Static tables, thread-safe.
 */
#ifndef CALLFLOWD_VOICES_H
#define CALLFLOWD_VOICES_H

#include <stdbool.h>
#include <stddef.h>

/** The default when neither voice nor language is given: Joanna. */
#define VOICES_DEFAULT "Joanna"

struct voice_sel {
	char espeak[32];	/**< espeak-ng voice name with variant */
	const char *language;	/**< BCP-47 code, e.g. "en-US"          */
	const char *name;	/**< Polly name, NULL for language only  */
	bool female;
};

/**
 * Choose the espeak-ng voice for a Polly voice name (case-insensitive,
 * accents optional) and/or a language code ("fr-FR", "fr"). A known voice
 * wins over the language; a language alone picks its default (female)
 * voice. Returns 0, or ENOENT when the voice or language is unknown: sel
 * then holds the fallback (the language's voice, else the default) and the
 * caller should warn.
 */
int voices_resolve(struct voice_sel *sel, const char *voice,
		   const char *language);
/** Number of known Polly voice names (for tests). */
size_t voices_count(void);
/** The i-th known Polly voice name, NULL past the end. */
const char *voices_name(size_t i);

#endif
