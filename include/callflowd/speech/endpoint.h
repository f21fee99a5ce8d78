/**
 * @file endpoint.h  Endpointing of a caller's 8 kHz audio: when speech
 * starts (barge-in over a playing prompt), when the utterance ends, and
 * the no-input and maximum-length timeouts of a Lex turn.
 *
 * Owns one turn's detector state. Pure and cheap (frame energy against
 * a tracked noise floor), so it runs on the loop thread on every frame;
 * time is counted in samples fed, so it follows the call's media clock.
 */
#ifndef CALLFLOWD_SPEECH_ENDPOINT_H
#define CALLFLOWD_SPEECH_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ep_event {
	EP_NONE,
	EP_SPEECH_START,	/* barge-in if a prompt plays */
	EP_SPEECH_END,		/* end_ms of silence after speech */
	EP_NO_INPUT,		/* start_ms without speech */
	EP_MAX_LENGTH,		/* speech went on for max_ms */
};

struct endpoint {
	uint32_t start_ms, end_ms, max_ms;
	uint64_t samples;	/* fed since the turn started */
	uint64_t speech_at;	/* sample of speech start */
	uint64_t last_voice;	/* sample after the last voiced frame */
	double floor_db;	/* tracked noise floor, dBFS */
	unsigned voiced_run;	/* consecutive voiced frames */
	bool in_speech;
	bool done;
	bool timer_armed;	/* no-input counts from ep_arm() */
	uint64_t armed_at;
};

/** A new turn: timeouts in ms (Lex's start, end and max-length). */
void ep_init(struct endpoint *ep, uint32_t start_ms, uint32_t end_ms,
	     uint32_t max_ms);
/** Start the no-input clock (when the prompt has finished). */
void ep_arm(struct endpoint *ep);
/** Feed one 20 ms frame (160 samples); returns what happened. */
enum ep_event ep_frame(struct endpoint *ep, const int16_t *pcm, size_t n);

#endif
