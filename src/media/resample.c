/**
 * @file resample.c  Band-limited interpolation: every output sample is the
 * input convolved with a Kaiser-windowed sinc centred on its (fractional)
 * input position. The kernel is tabulated finely and interpolated linearly,
 * which serves any ratio (22050->8000 has 160 phases, 11025->8000 has 320)
 * without a per-ratio filter bank.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <re.h>
#include <callflowd/media/audio.h>
#include <callflowd/media/resample.h>

enum {
	TAB_RES = 512,		/* kernel table entries per input sample */
};

/* Stopband attenuation (dB) and transition band half-width relative to
 * the cutoff: flat to 0.975 * Nyquist, >= 80 dB down from 1.025 *. */
static const double ATTEN_DB = 80.0;
static const double HALF_TRANS = 0.025;


/* Modified Bessel function of the first kind, order 0 (power series). */
static double bessel_i0(double x)
{
	double sum = 1.0, term = 1.0, q = x * x / 4.0;
	int k;

	for (k = 1; k < 64; k++) {
		term *= q / ((double)k * k);
		sum += term;
		if (term < sum * 1e-12)
			break;
	}

	return sum;
}


struct kernel {
	float *tab;	/* h(x) for x = i / TAB_RES, 0 <= i <= len*TAB_RES+1 */
	size_t len;	/* half-length in input samples */
};


static void kernel_destructor(void *arg)
{
	struct kernel *k = arg;

	mem_deref(k->tab);
}


/* fc: cutoff in cycles per input sample; df: transition half-width. */
static int kernel_alloc(struct kernel **kp, double fc, double df)
{
	const double beta = 0.1102 * (ATTEN_DB - 8.7);
	const double i0b = bessel_i0(beta);
	struct kernel *k;
	double taps;
	size_t i, n;

	k = mem_zalloc(sizeof(*k), kernel_destructor);
	if (!k)
		return ENOMEM;

	/* Kaiser's estimate of the taps needed for ATTEN_DB over 2*df */
	taps = (ATTEN_DB - 7.95) / (2.285 * 2.0 * M_PI * 2.0 * df);
	k->len = (size_t)ceil(taps / 2.0) + 1;

	n = k->len * TAB_RES + 2;
	k->tab = mem_alloc(n * sizeof(float), NULL);
	if (!k->tab) {
		mem_deref(k);
		return ENOMEM;
	}

	for (i = 0; i < n; i++) {
		double x = (double)i / TAB_RES;
		double r = x / (double)k->len;
		double u = 2.0 * fc * x;
		double s = u == 0 ? 1.0 : sin(M_PI * u) / (M_PI * u);
		double w = r >= 1.0 ? 0.0 :
			bessel_i0(beta * sqrt(1.0 - r * r)) / i0b;

		k->tab[i] = (float)(2.0 * fc * s * w);
	}

	*kp = k;
	return 0;
}


static inline float kernel_at(const struct kernel *k, double x)
{
	double p = fabs(x) * TAB_RES;
	size_t i = (size_t)p;
	float f = (float)(p - (double)i);

	return k->tab[i] + f * (k->tab[i + 1] - k->tab[i]);
}


int resample_float(float **outp, size_t *noutp, const float *in, size_t n,
		   uint32_t in_rate, uint32_t out_rate)
{
	struct kernel *k = NULL;
	double base, step;
	float *out;
	size_t nout, j;
	int err;

	if (!outp || !noutp || (!in && n) || !in_rate || !out_rate)
		return EINVAL;

	nout = (size_t)(((uint64_t)n * out_rate + in_rate / 2) / in_rate);
	out = mem_alloc((nout ? nout : 1) * sizeof(float), NULL);
	if (!out)
		return ENOMEM;

	if (in_rate == out_rate) {
		if (n)
			memcpy(out, in, n * sizeof(float));
		goto done;
	}

	/* cut at the lower Nyquist frequency, in cycles per input sample */
	base = (in_rate < out_rate ? in_rate : out_rate) / 2.0 / in_rate;
	err = kernel_alloc(&k, base, base * HALF_TRANS);
	if (err) {
		mem_deref(out);
		return err;
	}

	step = (double)in_rate / out_rate;
	for (j = 0; j < nout; j++) {
		double t = (double)j * step;
		double lo = ceil(t - (double)k->len);
		double hi = floor(t + (double)k->len);
		size_t a = lo < 0 ? 0 : (size_t)lo;
		size_t b = hi >= (double)n ? n - 1 : (size_t)hi;
		double acc = 0;
		size_t i;

		for (i = a; i <= b; i++)
			acc += in[i] * kernel_at(k, t - (double)i);

		out[j] = (float)acc;
	}

	mem_deref(k);
 done:
	*outp = out;
	*noutp = nout;
	return 0;
}


int audio_resample(struct audio **ap, const struct audio *src, uint32_t rate)
{
	float *in = NULL, *out = NULL;
	size_t i, nout;
	int err;

	if (!ap || !src || !rate)
		return EINVAL;

	in = mem_alloc((src->count ? src->count : 1) * sizeof(float), NULL);
	if (!in)
		return ENOMEM;

	for (i = 0; i < src->count; i++)
		in[i] = src->samples[i] / 32768.0f;

	err = resample_float(&out, &nout, in, src->count, src->rate, rate);
	if (err)
		goto out;

	err = audio_from_float(ap, out, nout, rate);

 out:
	mem_deref(out);
	mem_deref(in);
	return err;
}
