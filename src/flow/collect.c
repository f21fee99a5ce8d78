/**
 * @file collect.c  DTMF digit collection as a pure state machine.
 *
 * Rules (GetParticipantInput, keypad):
 * - Before the first key the first-digit timer (spec.timeout_ms) runs;
 *   its expiry gives FCOLLECT_TIMEOUT.
 * - Not storing: the first key, whatever it is, is the result.
 * - Storing: keys accumulate until the terminator sequence (not part of
 *   the entry), max_digits, or the inter-digit timer, which returns what
 *   was typed. '*' clears the entry and restarts the first-digit wait,
 *   unless cancel is disabled or the terminator itself holds a '*' (the
 *   terminator could never be typed otherwise); then '*' is a key.
 *
 * Keys that could begin the terminator wait in c->tail until the
 * sequence completes (they are dropped) or breaks (they become digits),
 * so a multi-key terminator never eats into max_digits.
 */
#include <string.h>
#include <callflowd/flow/collect.h>

enum {
	DEFAULT_MAX_DIGITS   = 20,
	DEFAULT_INTERDIGIT_MS = 5000,
	TERM_MAX             = 5,
};


static bool key_valid(char key)
{
	return (key >= '0' && key <= '9') || key == '*' || key == '#' ||
		(key >= 'A' && key <= 'D');
}


static bool term_valid(const char *t)
{
	size_t i, n = strnlen(t, TERM_MAX + 1);

	if (n == 0 || n > TERM_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (!key_valid(t[i]))
			return false;
	}
	return true;
}


void collector_init(struct collector *c, const struct fcollect *spec)
{
	if (!c)
		return;

	memset(c, 0, sizeof(*c));
	if (spec)
		c->spec = *spec;
	c->state = COLLECT_WAITING;
	c->status = FCOLLECT_TIMEOUT;

	if (!c->spec.store) {
		c->spec.max_digits = 1;
		return;
	}

	if (!c->spec.max_digits)
		c->spec.max_digits = DEFAULT_MAX_DIGITS;
	else if (c->spec.max_digits > COLLECT_MAX_DIGITS)
		c->spec.max_digits = COLLECT_MAX_DIGITS;
	if (!c->spec.interdigit_ms)
		c->spec.interdigit_ms = DEFAULT_INTERDIGIT_MS;

	c->spec.terminator[sizeof(c->spec.terminator) - 1] = '\0';
	if (!term_valid(c->spec.terminator))
		strcpy(c->spec.terminator, "#");
	if (strchr(c->spec.terminator, '*'))
		c->spec.disable_cancel = true;

	/* keys typed ahead (touchtone buffer) come first: the entry goes
	 * on with the inter-digit timer */
	if (c->spec.prefill) {
		const char *k;

		for (k = c->spec.prefill; *k && c->state != COLLECT_DONE;
		     k++)
			(void)collector_key(c, *k);
		c->spec.prefill = NULL;
	}
}


static void finish(struct collector *c, enum fcollect_status st)
{
	c->digits[c->n] = '\0';
	c->tail[0] = '\0';
	c->status = st;
	c->state = COLLECT_DONE;
}


/* One key of the entry proper; ends the entry at max_digits. */
static void commit(struct collector *c, char key)
{
	if (c->state == COLLECT_DONE)
		return;

	c->digits[c->n++] = key;
	c->digits[c->n] = '\0';
	if (c->n >= c->spec.max_digits)
		finish(c, FCOLLECT_OK);
}


/*
 * Keys held back as a possible start of the terminator turned out not to
 * be: keep the longest suffix that still begins the terminator, commit
 * the keys before it.
 */
static void flush_tail(struct collector *c)
{
	const char *t = c->spec.terminator;
	size_t len = strlen(c->tail), skip;

	for (skip = 1; skip <= len; skip++) {
		if (!strncmp(c->tail + skip, t, len - skip))
			break;
	}

	for (size_t i = 0; i < skip && c->state != COLLECT_DONE; i++)
		commit(c, c->tail[i]);

	if (c->state == COLLECT_DONE)
		return;

	memmove(c->tail, c->tail + skip, len - skip + 1);
}


static void store_key(struct collector *c, char key)
{
	const char *t = c->spec.terminator;
	size_t len;

	if (key == '*' && !c->spec.disable_cancel) {
		c->n = 0;
		c->digits[0] = '\0';
		c->tail[0] = '\0';
		c->state = COLLECT_WAITING;
		return;
	}

	c->state = COLLECT_DIGITS;

	len = strlen(c->tail);
	c->tail[len++] = key;
	c->tail[len] = '\0';

	if (!strcmp(c->tail, t)) {
		finish(c, FCOLLECT_OK);
		return;
	}

	if (!strncmp(t, c->tail, len))
		return;		/* still a prefix of the terminator */

	flush_tail(c);
}


enum collect_state collector_key(struct collector *c, char key)
{
	if (!c)
		return COLLECT_DONE;

	if (key >= 'a' && key <= 'd')
		key = (char)(key - 'a' + 'A');

	if (c->state == COLLECT_DONE || !key_valid(key))
		return c->state;

	if (!c->spec.store) {
		c->digits[0] = key;
		c->n = 1;
		finish(c, FCOLLECT_OK);
		return c->state;
	}

	store_key(c, key);
	return c->state;
}


enum collect_state collector_timeout(struct collector *c)
{
	if (!c)
		return COLLECT_DONE;

	switch (c->state) {

	case COLLECT_WAITING:
		finish(c, FCOLLECT_TIMEOUT);
		break;

	case COLLECT_DIGITS:
		/* an unfinished terminator was typed as digits after all */
		for (size_t i = 0; c->tail[i] && c->state != COLLECT_DONE;
		     i++)
			commit(c, c->tail[i]);
		if (c->state != COLLECT_DONE)
			finish(c, c->n ? FCOLLECT_OK : FCOLLECT_TIMEOUT);
		break;

	case COLLECT_DONE:
		break;
	}

	return c->state;
}


uint32_t collector_timer_ms(const struct collector *c)
{
	if (!c)
		return 0;

	switch (c->state) {

	case COLLECT_WAITING:
		return c->spec.timeout_ms;

	case COLLECT_DIGITS:
		return c->spec.interdigit_ms;

	default:
		return 0;
	}
}
