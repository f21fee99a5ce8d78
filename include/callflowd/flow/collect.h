/**
 * @file collect.h  DTMF digit collection as a pure state machine.
 *
 * Owns the rules of GetParticipantInput's keypad entry: first-digit
 * timeout, inter-digit timeout, terminator sequence, '*' cancel, maximum
 * length. The daemon feeds it RFC 4733 / INFO / in-band keys and timer
 * expiries; the simulator feeds it --dtmf keys. Both get the same result.
 */
#ifndef CALLFLOWD_COLLECT_H
#define CALLFLOWD_COLLECT_H

#include <stdbool.h>
#include <stdint.h>
#include <callflowd/flow/interp.h>

#define COLLECT_MAX_DIGITS 64

enum collect_state {
	COLLECT_WAITING,	/* no digit yet: first-digit timer runs */
	COLLECT_DIGITS,		/* some digits: inter-digit timer runs */
	COLLECT_DONE,		/* result ready */
};

struct collector {
	struct fcollect spec;
	enum collect_state state;
	enum fcollect_status status;
	char digits[COLLECT_MAX_DIGITS + 1];
	uint32_t n;
	char tail[6];		/* last keys, to match the terminator */
};

void collector_init(struct collector *c, const struct fcollect *spec);
/** Feed one key ('0'-'9', '*', '#', 'A'-'D'); returns the new state. */
enum collect_state collector_key(struct collector *c, char key);
/** The running timer expired (first-digit or inter-digit). */
enum collect_state collector_timeout(struct collector *c);
/** Milliseconds the caller should wait for the next key now. */
uint32_t collector_timer_ms(const struct collector *c);

#endif
