/**
 * @file afifo.h  A bounded audio FIFO between two call legs.
 *
 * Owns a ring of 8 kHz samples. One leg's receive path writes decoded
 * audio into it, the other leg's sender reads 20 ms frames out of it on
 * the media clock; transcoding (PCMU <-> PCMA) falls out of decoding and
 * re-encoding. The depth is bounded: when the writer runs ahead (clock
 * drift, bursts) the oldest audio is dropped, when it falls behind the
 * reader gets silence, so latency never grows.
 */
#ifndef CALLFLOWD_AFIFO_H
#define CALLFLOWD_AFIFO_H

#include <stddef.h>
#include <stdint.h>

struct afifo;

struct afifo_stats {
	uint64_t written;	/* samples */
	uint64_t read;		/* samples delivered (not silence) */
	uint64_t dropped;	/* overflow: oldest samples dropped */
	uint64_t underruns;	/* reads that got (some) silence */
};

/** max_ms: the most audio held (e.g. 120 ms). */
int  afifo_alloc(struct afifo **fp, uint32_t max_ms);
void afifo_write(struct afifo *f, const int16_t *s, size_t n);
/** Fill frame with n samples (silence where none are queued). */
void afifo_read(struct afifo *f, int16_t *frame, size_t n);
void afifo_reset(struct afifo *f);
size_t afifo_level(const struct afifo *f);
void afifo_stats(const struct afifo *f, struct afifo_stats *st);

#endif
