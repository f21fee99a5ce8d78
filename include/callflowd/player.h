/**
 * @file player.h  Plays a sequence of audio clips into 20 ms frames.
 *
 * Owns references to the clips it plays. The RTP sender pulls frames with
 * player_read() on the media clock; when the sequence ends (never, when
 * looping) the done handler runs from the loop, outside player_read().
 * player_stop() (barge-in) ends it without a done call.
 */
#ifndef CALLFLOWD_PLAYER_H
#define CALLFLOWD_PLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct audio;
struct player;

typedef void (player_done_h)(void *arg);

int  player_alloc(struct player **pp);
/** Play clips audv[0..n) in order (round and round when loop). */
int  player_play(struct player *p, struct audio **audv, size_t n, bool loop,
		 player_done_h *doneh, void *arg);
/** Stop now; the done handler is not called. */
void player_stop(struct player *p);
bool player_active(const struct player *p);
/** Fill frame with the next n samples (silence when idle). */
void player_read(struct player *p, int16_t *frame, size_t n);
/** Milliseconds played of the current sequence. */
uint64_t player_position_ms(const struct player *p);

#endif
