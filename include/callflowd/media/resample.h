/**
 * @file resample.h  Sample-rate conversion by band-limited (Kaiser-windowed
 * sinc) interpolation, any ratio. The low-pass sits at the lower of the
 * two Nyquist frequencies: flat to 97.5 % of it, at least 80 dB down from
 * 102.5 % on, so downsampling does not alias. Stateless, thread-safe.
 */
#ifndef CALLFLOWD_RESAMPLE_H
#define CALLFLOWD_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

struct audio;

/**
 * Resample n float samples from in_rate to out_rate into a new mem array
 * (*outp, *noutp samples, n * out_rate / in_rate rounded). Equal rates copy.
 */
int resample_float(float **outp, size_t *noutp, const float *in, size_t n,
		   uint32_t in_rate, uint32_t out_rate);
/** New audio holding src converted to rate. */
int audio_resample(struct audio **ap, const struct audio *src, uint32_t rate);

#endif
