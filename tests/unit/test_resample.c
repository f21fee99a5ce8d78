/*
 * The resampler keeps in-band tones (frequency by zero crossings, level by
 * RMS) and removes what would alias above the output Nyquist frequency.
 */
#include <errno.h>
#include <math.h>
#include <re.h>
#include <callflowd/media/audio.h>
#include <callflowd/media/resample.h>
#include "test.h"


static float *sine(size_t n, uint32_t rate, double hz, double amp)
{
	float *s = mem_alloc(n * sizeof(float), NULL);
	size_t i;

	for (i = 0; s && i < n; i++)
		s[i] = (float)(amp * sin(2 * M_PI * hz * (double)i / rate));

	return s;
}


/* RMS over the middle 80 %, away from the zero-padded edges */
static double mid_rms(const float *s, size_t n)
{
	size_t a = n / 10, b = n - n / 10, i;
	double sum = 0;

	for (i = a; i < b; i++)
		sum += (double)s[i] * s[i];

	return sqrt(sum / (double)(b - a));
}


static size_t mid_crossings(const float *s, size_t n)
{
	size_t a = n / 10, b = n - n / 10, i, c = 0;

	for (i = a + 1; i < b; i++)
		if ((s[i - 1] < 0) != (s[i] < 0))
			++c;

	return c;
}


/* Resample one second of a tone; report output RMS / input RMS and the
 * frequency estimated from zero crossings of the output. */
static int tone(double *gainp, double *hzp, uint32_t in_rate,
		uint32_t out_rate, double hz)
{
	float *in, *out = NULL;
	size_t nout;
	int err;

	in = sine(in_rate, in_rate, hz, 0.5);
	if (!in)
		return ENOMEM;

	err = resample_float(&out, &nout, in, in_rate, in_rate, out_rate);
	if (!err) {
		if (nout != out_rate)
			err = ERANGE;
		*gainp = mid_rms(out, nout) / mid_rms(in, in_rate);
		/* 2 crossings per period over 80 % of one second */
		*hzp = (double)mid_crossings(out, nout) / 2.0 / 0.8;
	}

	mem_deref(out);
	mem_deref(in);
	return err;
}


TEST(sine_1khz_keeps_frequency_and_level)
{
	static const uint32_t rates[] = {
		8000, 11025, 16000, 22050, 44100, 48000
	};
	size_t i;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		double gain = 0, hz = 0;

		ASSERT_INT_EQ(tone(&gain, &hz, rates[i], 8000, 1000), 0);
		ASSERT_TRUE(fabs(hz - 1000) <= 5);
		ASSERT_TRUE(fabs(gain - 1.0) < 0.01);
	}
}


TEST(upsampling_keeps_tone)
{
	double gain = 0, hz = 0;

	ASSERT_INT_EQ(tone(&gain, &hz, 8000, 16000, 1000), 0);
	ASSERT_TRUE(fabs(hz - 1000) <= 5);
	ASSERT_TRUE(fabs(gain - 1.0) < 0.01);
}


TEST(passband_edge_kept_at_44k1)
{
	double gain = 0, hz = 0;

	ASSERT_INT_EQ(tone(&gain, &hz, 44100, 8000, 3900), 0);
	ASSERT_TRUE(gain > 0.95 && gain < 1.05);
	ASSERT_TRUE(fabs(hz - 3900) <= 10);
}


TEST(aliasing_suppressed)
{
	static const uint32_t rates[] = { 16000, 22050, 44100, 48000 };
	size_t i;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		double gain = 1, hz;

		/* 6 kHz would fold to 2 kHz at 8 kHz without the low-pass */
		ASSERT_INT_EQ(tone(&gain, &hz, rates[i], 8000, 6000), 0);
		ASSERT_TRUE(gain < 0.05);
		/* just past the stopband edge: 80 dB design, allow 60 */
		ASSERT_INT_EQ(tone(&gain, &hz, rates[i], 8000, 4200), 0);
		ASSERT_TRUE(gain < 0.001);
	}
}


TEST(audio_resample_s16)
{
	struct audio *src = NULL, *dst = NULL;
	size_t i;

	ASSERT_INT_EQ(audio_alloc(&src, 22050, 22050), 0);
	for (i = 0; i < src->count; i++)
		src->samples[i] = (int16_t)(16000 *
			sin(2 * M_PI * 440 * (double)i / 22050));

	ASSERT_INT_EQ(audio_resample(&dst, src, 8000), 0);
	ASSERT_INT_EQ(dst->rate, 8000);
	ASSERT_INT_EQ(dst->count, 8000);
	ASSERT_INT_EQ(audio_duration_ms(dst), 1000);
	ASSERT_TRUE(fabs(audio_rms(dst, 800, 6400) -
			 audio_rms(src, 2205, 17640)) < 100);

	mem_deref(dst);
	mem_deref(src);
}


TEST(bad_arguments)
{
	float *out = NULL, x = 0;
	size_t n = 0;

	ASSERT_INT_EQ(resample_float(&out, &n, &x, 1, 0, 8000), EINVAL);
	ASSERT_INT_EQ(resample_float(&out, &n, NULL, 4, 8000, 16000), EINVAL);
	ASSERT_INT_EQ(resample_float(&out, &n, NULL, 0, 44100, 8000), 0);
	ASSERT_INT_EQ(n, 0);
	mem_deref(out);
}
