/**
 * @file audio.c  struct audio: samples in the same mem block as the header.
 */
#include <errno.h>
#include <math.h>
#include <re.h>
#include <callflowd/media/audio.h>


int audio_alloc(struct audio **ap, size_t count, uint32_t rate)
{
	struct audio *a;

	if (!ap || !rate)
		return EINVAL;
	if (count > (SIZE_MAX - sizeof(*a)) / sizeof(int16_t))
		return EOVERFLOW;

	a = mem_zalloc(sizeof(*a) + count * sizeof(int16_t), NULL);
	if (!a)
		return ENOMEM;

	a->samples = (int16_t *)(void *)(a + 1);
	a->count = count;
	a->rate = rate;
	*ap = a;

	return 0;
}


int audio_from_float(struct audio **ap, const float *in, size_t count,
		     uint32_t rate)
{
	struct audio *a;
	size_t i;
	int err;

	if (!in && count)
		return EINVAL;

	err = audio_alloc(&a, count, rate);
	if (err)
		return err;

	for (i = 0; i < count; i++) {
		float v = in[i] * 32768.0f;

		if (v >= 32767.0f)
			a->samples[i] = 32767;
		else if (v <= -32768.0f)
			a->samples[i] = -32768;
		else
			a->samples[i] = (int16_t)lrintf(v);
	}

	*ap = a;
	return 0;
}


uint64_t audio_duration_ms(const struct audio *a)
{
	if (!a || !a->rate)
		return 0;

	return (uint64_t)a->count * 1000 / a->rate;
}


double audio_rms(const struct audio *a, size_t from, size_t n)
{
	double sum = 0;
	size_t i;

	if (!a || from >= a->count)
		return 0;
	if (n > a->count - from)
		n = a->count - from;
	if (!n)
		return 0;

	for (i = from; i < from + n; i++)
		sum += (double)a->samples[i] * a->samples[i];

	return sqrt(sum / (double)n);
}
