/**
 * @file player.h  Plays a sequence of 8 kHz struct audio items into 20 ms
 * frames: once through (then a done handler), or looping until stopped.
 *
 * Owns references to its items. The RTP sender pulls frames with
 * player_read() every 20 ms; an idle or starved player yields silence.
 * Items may be appended while playing (prompts prepared asynchronously);
 * the sequence can only end once sealed. Loop thread only: the done
 * handler runs from a 0 ms timer, never inside player_read().
 */
#ifndef CALLFLOWD_PLAYER_H
#define CALLFLOWD_PLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct audio;
struct player;

/** The sequence played to its end (never after player_stop()). */
typedef void (player_done_h)(void *arg);

int player_alloc(struct player **pp);
/**
 * Begin a new, empty sequence, silently replacing the current one. loop:
 * play the items over and over until player_stop().
 */
void player_start(struct player *p, bool loop, player_done_h *doneh,
		  void *arg);
/** Append an item (must be AUDIO_RATE; EINVAL otherwise). */
int player_append(struct player *p, struct audio *a);
/** No more items: the sequence ends (or loops) after the last one. */
void player_seal(struct player *p);
/** player_start() + player_append() + player_seal() for one item. */
int player_play(struct player *p, struct audio *a, bool loop,
		player_done_h *doneh, void *arg);
/** Barge-in: drop the sequence; the done handler is not called. */
void player_stop(struct player *p);
/** Fill frame with the next n samples (silence when idle or starved). */
void player_read(struct player *p, int16_t *frame, size_t n);
/** True from player_start() until the end or player_stop(). */
bool player_active(const struct player *p);
/** Milliseconds played in this sequence (counting every loop). */
uint64_t player_position_ms(const struct player *p);
/** Milliseconds of one pass through the items appended so far. */
uint64_t player_duration_ms(const struct player *p);

#endif
