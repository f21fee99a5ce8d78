/**
 * @file audio.h  Decoded audio: mono signed 16-bit samples at a known rate.
 *
 * The internal telephony format is 8 kHz mono s16; one RTP frame is 20 ms
 * = 160 samples. A struct audio owns its samples (one mem block) and is
 * immutable once published, so it may be shared by reference (mem_ref).
 */
#ifndef CALLFLOWD_AUDIO_H
#define CALLFLOWD_AUDIO_H

#include <stddef.h>
#include <stdint.h>

enum {
	AUDIO_RATE  = 8000,	/**< internal sample rate (Hz)        */
	AUDIO_FRAME = 160,	/**< samples in one 20 ms frame       */
};

struct audio {
	int16_t *samples;	/**< count samples, owned             */
	size_t count;
	uint32_t rate;		/**< Hz                               */
};

/** New zero-filled audio of count samples at rate. */
int audio_alloc(struct audio **ap, size_t count, uint32_t rate);
/** New audio from float samples in [-1, 1] (clipped, rounded). */
int audio_from_float(struct audio **ap, const float *in, size_t count,
		     uint32_t rate);
/** Duration in milliseconds (0 for NULL). */
uint64_t audio_duration_ms(const struct audio *a);
/** RMS of samples [from, from + n) clipped to the audio, in s16 units. */
double audio_rms(const struct audio *a, size_t from, size_t n);

#endif
