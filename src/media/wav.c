/**
 * @file wav.c  WAV and raw G.711 prompt files -> 8 kHz mono s16.
 *
 * Samples are decoded to float mono first (channels averaged), then
 * resampled once, so every encoding and rate takes the same path.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <re.h>
#include <rem.h>
#include <callflowd/media/audio.h>
#include <callflowd/media/resample.h>
#include <callflowd/core/util.h>
#include <callflowd/media/wav.h>

enum {
	FMT_PCM        = 0x0001,
	FMT_FLOAT      = 0x0003,
	FMT_ALAW       = 0x0006,
	FMT_ULAW       = 0x0007,
	FMT_EXTENSIBLE = 0xfffe,
	MAX_CHANNELS   = 16,
	MIN_RATE       = 1000,
	MAX_RATE       = 384000,
};

struct fmt {
	uint16_t tag;
	uint16_t channels;
	uint32_t rate;
	uint16_t align;
	uint16_t bits;
};


static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}


static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}


static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}


static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)v);
	wr16(p + 2, (uint16_t)(v >> 16));
}


static int fail(const char **reasonp, const char *reason, int err)
{
	if (reasonp)
		*reasonp = reason;
	return err;
}


/* One sample of channel data at p as float in [-1, 1]. */
static float sample_at(const struct fmt *f, const uint8_t *p)
{
	int32_t v;
	union { uint32_t u; float f; } c32;
	union { uint64_t u; double d; } c64;

	switch (f->tag) {

	case FMT_ALAW:
		return g711_alaw2pcm(p[0]) / 32768.0f;

	case FMT_ULAW:
		return g711_ulaw2pcm(p[0]) / 32768.0f;

	case FMT_FLOAT:
		if (f->bits == 32) {
			c32.u = rd32(p);
			return isfinite(c32.f) ? c32.f : 0.0f;
		}
		c64.u = (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
		return isfinite(c64.d) ? (float)c64.d : 0.0f;

	default:
		break;
	}

	switch (f->bits) {

	case 8:		/* unsigned, 128 = silence */
		return ((int)p[0] - 128) / 128.0f;

	case 16:
		return (int16_t)rd16(p) / 32768.0f;

	case 24:
		v = (int32_t)((uint32_t)p[0] << 8 | (uint32_t)p[1] << 16 |
			      (uint32_t)p[2] << 24);
		return (float)(v / 2147483648.0);

	default:	/* 32 */
		return (float)((int32_t)rd32(p) / 2147483648.0);
	}
}


static int fmt_parse(struct fmt *f, const uint8_t *p, size_t len,
		     const char **reasonp)
{
	if (len < 16)
		return fail(reasonp, "fmt chunk too short", EBADMSG);

	f->tag      = rd16(p);
	f->channels = rd16(p + 2);
	f->rate     = rd32(p + 4);
	f->align    = rd16(p + 12);
	f->bits     = rd16(p + 14);

	if (f->tag == FMT_EXTENSIBLE) {
		if (len < 40)
			return fail(reasonp, "WAVE_FORMAT_EXTENSIBLE fmt "
				    "chunk too short", EBADMSG);
		/* the sub-format GUID starts with the plain format tag */
		f->tag = rd16(p + 24);
	}

	if (!f->channels || f->channels > MAX_CHANNELS)
		return fail(reasonp, "channel count must be 1..16", EBADMSG);
	if (f->rate < MIN_RATE || f->rate > MAX_RATE)
		return fail(reasonp, "sample rate must be 1000..384000 Hz",
			    EBADMSG);

	switch (f->tag) {

	case FMT_PCM:
		if (f->bits != 8 && f->bits != 16 && f->bits != 24 &&
		    f->bits != 32)
			return fail(reasonp, "PCM must be 8, 16, 24 or 32 bits",
				    ENOTSUP);
		break;

	case FMT_FLOAT:
		if (f->bits != 32 && f->bits != 64)
			return fail(reasonp, "IEEE float must be 32 or 64 bits",
				    ENOTSUP);
		break;

	case FMT_ALAW:
	case FMT_ULAW:
		if (f->bits != 8)
			return fail(reasonp, "G.711 must be 8 bits", EBADMSG);
		break;

	case 0x0002:
	case 0x0011:
		return fail(reasonp, "ADPCM WAV is not supported (use PCM)",
			    ENOTSUP);

	case 0x0055:
		return fail(reasonp, "MP3 in WAV is not supported (use PCM)",
			    ENOTSUP);

	default:
		return fail(reasonp, "unsupported WAV encoding "
			    "(need PCM, IEEE float or G.711)", ENOTSUP);
	}

	if (f->align < (uint32_t)f->channels * (f->bits / 8))
		return fail(reasonp, "block align smaller than one frame",
			    EBADMSG);

	return 0;
}


/* Mixed-down float samples -> 8 kHz audio. */
static int finish(struct audio **ap, const float *mono, size_t n,
		  uint32_t rate)
{
	float *out = NULL;
	size_t nout;
	int err;

	err = resample_float(&out, &nout, mono, n, rate, AUDIO_RATE);
	if (err)
		return err;

	err = audio_from_float(ap, out, nout, AUDIO_RATE);
	mem_deref(out);

	return err;
}


int wav_decode(struct audio **ap, const uint8_t *buf, size_t len,
	       const char **reasonp)
{
	const uint8_t *data = NULL;
	size_t pos, dlen = 0, frames, i, c;
	struct fmt f;
	bool have_fmt = false;
	float *mono;
	int err;

	if (!ap || (!buf && len))
		return EINVAL;

	if (len < 12 || memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4)) {
		if (len >= 4 && !memcmp(buf, "RIFX", 4))
			return fail(reasonp, "big-endian RIFX WAV is not "
				    "supported", ENOTSUP);
		return fail(reasonp, "not a RIFF/WAVE file", EBADMSG);
	}

	/* chunks: 4-byte id, 32-bit LE size, data padded to even size */
	for (pos = 12; pos + 8 <= len; ) {
		const uint8_t *id = buf + pos;
		size_t sz = rd32(buf + pos + 4);

		pos += 8;
		if (!memcmp(id, "data", 4)) {
			/* streaming writers leave the size 0 or 0xffffffff:
			 * take what the file holds */
			if (sz > len - pos || sz == 0)
				sz = len - pos;
			data = buf + pos;
			dlen = sz;
			if (have_fmt)
				break;
		}
		else if (sz > len - pos) {
			return fail(reasonp, "truncated chunk", EBADMSG);
		}
		else if (!memcmp(id, "fmt ", 4)) {
			err = fmt_parse(&f, buf + pos, sz, reasonp);
			if (err)
				return err;
			have_fmt = true;
			if (data)
				break;
		}

		pos += sz + (sz & 1);
	}

	if (!have_fmt)
		return fail(reasonp, "no fmt chunk", EBADMSG);
	if (!data)
		return fail(reasonp, "no data chunk", EBADMSG);

	frames = dlen / f.align;
	if (!frames)
		return fail(reasonp, "no audio samples", ENODATA);

	mono = mem_alloc(frames * sizeof(float), NULL);
	if (!mono)
		return ENOMEM;

	for (i = 0; i < frames; i++) {
		const uint8_t *fr = data + i * f.align;
		float sum = 0;

		for (c = 0; c < f.channels; c++)
			sum += sample_at(&f, fr + c * (f.bits / 8));

		mono[i] = sum / f.channels;
	}

	err = finish(ap, mono, frames, f.rate);
	mem_deref(mono);

	return err;
}


int wav_decode_g711(struct audio **ap, const uint8_t *buf, size_t len,
		    bool alaw, const char **reasonp)
{
	struct audio *a;
	size_t i;
	int err;

	if (!ap || (!buf && len))
		return EINVAL;
	if (!len)
		return fail(reasonp, "no audio samples", ENODATA);

	err = audio_alloc(&a, len, AUDIO_RATE);
	if (err)
		return err;

	for (i = 0; i < len; i++)
		a->samples[i] = alaw ? g711_alaw2pcm(buf[i]) :
			g711_ulaw2pcm(buf[i]);

	*ap = a;
	return 0;
}


static bool has_ext(const char *path, const char *const *exts)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');

	if (!dot || (slash && dot < slash))
		return false;

	for (; *exts; exts++)
		if (!strcasecmp(dot + 1, *exts))
			return true;

	return false;
}


int wav_load(struct audio **ap, const char *path, const char **reasonp)
{
	static const char *const ulaw[] = {
		"ulaw", "pcmu", "ul", "mulaw", "mu", "ulw", NULL
	};
	static const char *const alaw[] = {
		"alaw", "pcma", "al", "alw", NULL
	};
	char *buf = NULL;
	size_t len = 0;
	int err;

	if (!ap || !path)
		return EINVAL;

	err = util_read_file(&buf, &len, path, WAV_MAX_FILE);
	if (err == EFBIG)
		return fail(reasonp, "file larger than 256 MB", err);
	if (err)
		return fail(reasonp, "cannot read file", err);

	if (has_ext(path, ulaw))
		err = wav_decode_g711(ap, (uint8_t *)buf, len, false, reasonp);
	else if (has_ext(path, alaw))
		err = wav_decode_g711(ap, (uint8_t *)buf, len, true, reasonp);
	else if (len >= 4 && (!memcmp(buf, "RIFF", 4) ||
			      !memcmp(buf, "RIFX", 4)))
		err = wav_decode(ap, (uint8_t *)buf, len, reasonp);
	else if (has_ext(path, (const char *const[]){"wav", "wave", NULL}))
		err = fail(reasonp, "not a RIFF/WAVE file", EBADMSG);
	else
		err = fail(reasonp, "unknown file type (expected .wav, "
			   ".ulaw/.pcmu or .alaw/.pcma)", ENOTSUP);

	mem_deref(buf);
	return err;
}


int wav_encode(uint8_t **bufp, size_t *lenp, const struct audio *a)
{
	uint8_t *b;
	size_t len, i;

	if (!bufp || !lenp || !a)
		return EINVAL;
	if (a->count > (UINT32_MAX - 36) / 2)
		return EFBIG;

	len = 44 + a->count * 2;
	b = mem_alloc(len, NULL);
	if (!b)
		return ENOMEM;

	memcpy(b, "RIFF", 4);
	wr32(b + 4, (uint32_t)(len - 8));
	memcpy(b + 8, "WAVEfmt ", 8);
	wr32(b + 16, 16);
	wr16(b + 20, FMT_PCM);
	wr16(b + 22, 1);
	wr32(b + 24, a->rate);
	wr32(b + 28, a->rate * 2);
	wr16(b + 32, 2);
	wr16(b + 34, 16);
	memcpy(b + 36, "data", 4);
	wr32(b + 40, (uint32_t)(a->count * 2));
	for (i = 0; i < a->count; i++)
		wr16(b + 44 + i * 2, (uint16_t)a->samples[i]);

	*bufp = b;
	*lenp = len;
	return 0;
}


int wav_save(const char *path, const struct audio *a)
{
	uint8_t *buf = NULL;
	char *tmp = NULL;
	size_t len, off = 0;
	int fd = -1, err;

	if (!path || !a)
		return EINVAL;

	err = wav_encode(&buf, &len, a);
	if (err)
		return err;

	err = re_sdprintf(&tmp, "%s.%08x.tmp", path, rand_u32());
	if (err)
		goto out;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = errno;
		goto out;
	}

	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			goto out;
		}
		off += (size_t)n;
	}

	if (close(fd)) {
		fd = -1;
		err = errno;
		goto out;
	}
	fd = -1;

	if (rename(tmp, path))
		err = errno;

 out:
	if (fd >= 0)
		(void)close(fd);
	if (err && tmp)
		(void)unlink(tmp);
	mem_deref(tmp);
	mem_deref(buf);
	return err;
}
