/**
 * @file ssml.h  The SSML subset of Amazon Polly that prompts use, turned
 * into a list of segments for the synthesiser: text at a speaking rate
 * (optionally spelled out), or a pause.
 *
 * Handled: <speak>, <break time|strength>, <say-as interpret-as="digits|
 * telephone|characters|spell-out">, <prosody rate>, <p>, <s>, <sub alias>,
 * entities (&amp; &lt; &gt; &quot; &apos; &#N; &#xN;). Other tags are read
 * for their text and reported as ignored. Runs on the loop thread.
 */
#ifndef CALLFLOWD_SSML_H
#define CALLFLOWD_SSML_H

#include <stdbool.h>
#include <stdint.h>
#include <re.h>

enum {
	SSML_RATE_DEFAULT = 100,	/**< percent of the normal rate */
	SSML_MAX_BREAK_MS = 10000,	/**< Polly's longest break       */
};

struct ssml_seg {
	struct le le;
	char *text;		/**< mem string; NULL for a pause        */
	uint32_t pause_ms;	/**< length of a pause                   */
	unsigned rate_pct;	/**< speaking rate, 20..200 %            */
	bool spell;		/**< read character by character         */
};

/**
 * Parse SSML into segs (appended, each a mem object in the list; free with
 * list_flush). *ignoredp (optional) gets a mem string listing the ignored
 * tags ("emphasis, amazon:effect"), or NULL when none. Malformed input
 * returns EBADMSG with *errp (optional) a mem string saying where and why.
 */
int ssml_parse(struct list *segs, char **ignoredp, char **errp,
	       const char *ssml);
/** Plain text as one segment at the default rate (whitespace collapsed). */
int ssml_plain(struct list *segs, const char *text);
/** Sum of pause lengths in segs. */
uint32_t ssml_pause_ms(const struct list *segs);
/** Print segs for logs and cache keys: "[100]text|<500>|[80s]abc". */
int ssml_print(struct re_printf *pf, const struct list *segs);

#endif
