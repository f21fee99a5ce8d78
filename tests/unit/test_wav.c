/*
 * WAV and raw G.711 prompt files: every supported encoding decodes to the
 * same 8 kHz tone, odd layouts are tolerated, bad files give clear errors.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <re.h>
#include <rem.h>
#include <callflowd/media/audio.h>
#include <callflowd/media/wav.h>
#include "test.h"

struct spec {
	uint16_t tag;		/* 1 PCM, 3 float, 6 A-law, 7 mu-law */
	uint16_t channels;
	uint32_t rate;
	uint16_t bits;
	bool extensible;
	bool list_first;	/* odd-sized LIST chunk before fmt */
	bool stream_size;	/* data size 0xffffffff */
	bool invert_right;	/* second channel is the negated first */
	double seconds;
};

static void put16(struct mbuf *mb, uint16_t v)
{
	(void)mbuf_write_u16(mb, sys_htols(v));
}

static void put32(struct mbuf *mb, uint32_t v)
{
	(void)mbuf_write_u32(mb, sys_htoll(v));
}

static void put_sample(struct mbuf *mb, const struct spec *s, double v)
{
	union { float f; uint32_t u; } c32;
	union { double d; uint64_t u; } c64;
	int32_t i;

	switch (s->tag) {

	case 3:
		if (s->bits == 32) {
			c32.f = (float)v;
			put32(mb, c32.u);
		}
		else {
			c64.d = v;
			put32(mb, (uint32_t)c64.u);
			put32(mb, (uint32_t)(c64.u >> 32));
		}
		return;

	case 6:
		(void)mbuf_write_u8(mb, g711_pcm2alaw((int16_t)(v * 32767)));
		return;

	case 7:
		(void)mbuf_write_u8(mb, g711_pcm2ulaw((int16_t)(v * 32767)));
		return;
	}

	switch (s->bits) {

	case 8:
		(void)mbuf_write_u8(mb, (uint8_t)(128 + lrint(v * 127)));
		break;

	case 16:
		put16(mb, (uint16_t)(int16_t)lrint(v * 32767));
		break;

	case 24:
		i = (int32_t)lrint(v * 8388607);
		(void)mbuf_write_u8(mb, (uint8_t)i);
		(void)mbuf_write_u8(mb, (uint8_t)(i >> 8));
		(void)mbuf_write_u8(mb, (uint8_t)(i >> 16));
		break;

	default:
		put32(mb, (uint32_t)(int32_t)lrint(v * 2147483647.0));
		break;
	}
}

/* A WAV image holding a 1 kHz sine at half scale. */
static struct mbuf *make_wav(const struct spec *s)
{
	struct mbuf *mb = mbuf_alloc(1024);
	size_t frames = (size_t)(s->rate * s->seconds), i, c;
	uint16_t bps = s->bits / 8;
	size_t dpos;

	mbuf_write_str(mb, "RIFF");
	put32(mb, 0);
	mbuf_write_str(mb, "WAVE");
	if (s->list_first) {
		mbuf_write_str(mb, "LIST");
		put32(mb, 5);
		mbuf_write_str(mb, "INFOx");
		(void)mbuf_write_u8(mb, 0);	/* pad byte */
	}
	mbuf_write_str(mb, "fmt ");
	put32(mb, s->extensible ? 40 : 16);
	put16(mb, s->extensible ? 0xfffe : s->tag);
	put16(mb, s->channels);
	put32(mb, s->rate);
	put32(mb, s->rate * s->channels * bps);
	put16(mb, (uint16_t)(s->channels * bps));
	put16(mb, s->bits);
	if (s->extensible) {
		put16(mb, 22);
		put16(mb, s->bits);
		put32(mb, 0);
		put16(mb, s->tag);	/* GUID: tag + fixed 14 bytes */
		(void)mbuf_write_mem(mb, (const uint8_t *)
			"\x00\x00\x00\x00\x10\x00\x80\x00"
			"\x00\xaa\x00\x38\x9b\x71",
			14);
	}
	mbuf_write_str(mb, "data");
	dpos = mb->pos;
	put32(mb, 0);
	for (i = 0; i < frames; i++) {
		double v = 0.5 * sin(2 * M_PI * 1000 * (double)i / s->rate);

		for (c = 0; c < s->channels; c++)
			put_sample(mb, s, c && s->invert_right ? -v : v);
	}
	mb->pos = dpos;
	put32(mb, s->stream_size ? 0xffffffff :
	      (uint32_t)(mb->end - dpos - 4));
	mb->pos = 4;
	put32(mb, (uint32_t)(mb->end - 8));
	mb->pos = 0;

	return mb;
}

static int decode(struct audio **ap, const struct spec *s)
{
	struct mbuf *mb = make_wav(s);
	const char *reason = NULL;
	int err;

	err = wav_decode(ap, mb->buf, mb->end, &reason);
	mem_deref(mb);
	return err;
}

static size_t crossings(const struct audio *a)
{
	size_t i, c = 0;

	for (i = a->count / 10 + 1; i < a->count - a->count / 10; i++)
		if ((a->samples[i - 1] < 0) != (a->samples[i] < 0))
			++c;
	return c;
}

/* 1 kHz at half scale, 8 kHz, 0.5 s: RMS ~ 0.5/sqrt(2) * 32768 */
static bool is_tone(const struct audio *a, double seconds)
{
	double rms = audio_rms(a, a->count / 10, a->count * 8 / 10);
	double hz = crossings(a) / 2.0 / (seconds * 0.8);

	return a->rate == 8000 &&
		a->count == (size_t)lrint(8000 * seconds) &&
		fabs(rms - 11585) < 11585 * 0.03 &&
		fabs(hz - 1000) < 10;
}


TEST(pcm16_8k_roundtrip_exact)
{
	struct audio *a = NULL, *b = NULL;
	uint8_t *buf = NULL;
	size_t len = 0, i;

	ASSERT_INT_EQ(audio_alloc(&a, 480, 8000), 0);
	for (i = 0; i < a->count; i++)
		a->samples[i] = (int16_t)(i * 137 - 30000);
	ASSERT_INT_EQ(wav_encode(&buf, &len, a), 0);
	ASSERT_INT_EQ(len, 44 + 960);
	ASSERT_INT_EQ(wav_decode(&b, buf, len, NULL), 0);
	ASSERT_INT_EQ(b->count, 480);
	ASSERT_TRUE(!memcmp(a->samples, b->samples, 960));
	mem_deref(buf);
	mem_deref(b);
	mem_deref(a);
}


TEST(encodings_decode_to_same_tone)
{
	static const struct spec specs[] = {
		{ .tag = 1, .channels = 1, .rate = 8000,  .bits = 16 },
		{ .tag = 1, .channels = 1, .rate = 8000,  .bits = 8 },
		{ .tag = 1, .channels = 1, .rate = 16000, .bits = 24 },
		{ .tag = 1, .channels = 1, .rate = 48000, .bits = 32 },
		{ .tag = 3, .channels = 1, .rate = 22050, .bits = 32 },
		{ .tag = 3, .channels = 1, .rate = 11025, .bits = 64 },
		{ .tag = 6, .channels = 1, .rate = 8000,  .bits = 8 },
		{ .tag = 7, .channels = 1, .rate = 8000,  .bits = 8 },
		{ .tag = 1, .channels = 2, .rate = 44100, .bits = 16 },
		{ .tag = 1, .channels = 2, .rate = 44100, .bits = 24,
		  .extensible = true },
		{ .tag = 3, .channels = 1, .rate = 32000, .bits = 32,
		  .extensible = true, .list_first = true },
		{ .tag = 1, .channels = 1, .rate = 8000,  .bits = 16,
		  .list_first = true, .stream_size = true },
	};
	size_t i;

	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct spec s = specs[i];
		struct audio *a = NULL;
		bool ok;

		s.seconds = 0.5;
		ASSERT_INT_EQ(decode(&a, &s), 0);
		ok = is_tone(a, 0.5);
		mem_deref(a);
		if (!ok)
			fprintf(stderr, "    spec %zu is not the tone\n", i);
		ASSERT_TRUE(ok);
	}
}


TEST(stereo_is_mixed_down)
{
	struct spec s = { .tag = 1, .channels = 2, .rate = 8000, .bits = 16,
			  .invert_right = true, .seconds = 0.25 };
	struct audio *a = NULL;

	/* opposite channels cancel: a mix, not the left channel */
	ASSERT_INT_EQ(decode(&a, &s), 0);
	ASSERT_INT_EQ(a->count, 2000);
	ASSERT_TRUE(audio_rms(a, 0, a->count) < 2);
	mem_deref(a);
}


static const char *tmpdir(char *buf)
{
	strcpy(buf, "/tmp/cfd-wav-XXXXXX");
	return mkdtemp(buf);
}


static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	size_t w;

	if (!f)
		return errno;
	w = fwrite(p, 1, n, f);
	fclose(f);
	return w == n ? 0 : EIO;
}


TEST(load_by_extension)
{
	char dir[32], path[96];
	uint8_t ulaw[800], alaw[800];
	struct audio *a = NULL;
	const char *reason = NULL;
	size_t i;

	ASSERT_NOT_NULL(tmpdir(dir));
	for (i = 0; i < sizeof(ulaw); i++) {
		int16_t v = (int16_t)(16000 * sin(2 * M_PI * i / 8.0));

		ulaw[i] = g711_pcm2ulaw(v);
		alaw[i] = g711_pcm2alaw(v);
	}

	snprintf(path, sizeof(path), "%s/p.ulaw", dir);
	ASSERT_INT_EQ(write_file(path, ulaw, sizeof(ulaw)), 0);
	ASSERT_INT_EQ(wav_load(&a, path, &reason), 0);
	ASSERT_INT_EQ(a->count, 800);
	ASSERT_INT_EQ(a->samples[2], g711_ulaw2pcm(ulaw[2]));
	a = mem_deref(a);
	unlink(path);

	snprintf(path, sizeof(path), "%s/p.PCMA", dir);
	ASSERT_INT_EQ(write_file(path, alaw, sizeof(alaw)), 0);
	ASSERT_INT_EQ(wav_load(&a, path, &reason), 0);
	ASSERT_INT_EQ(a->count, 800);
	ASSERT_INT_EQ(a->samples[2], g711_alaw2pcm(alaw[2]));
	ASSERT_TRUE(a->samples[2] > 15000);
	a = mem_deref(a);
	unlink(path);

	/* A-law bytes read as mu-law would be noise: extension decides */
	snprintf(path, sizeof(path), "%s/p.pcmu", dir);
	ASSERT_INT_EQ(write_file(path, alaw, sizeof(alaw)), 0);
	ASSERT_INT_EQ(wav_load(&a, path, &reason), 0);
	ASSERT_INT_EQ(a->samples[2], g711_ulaw2pcm(alaw[2]));
	a = mem_deref(a);
	unlink(path);

	ASSERT_INT_EQ(rmdir(dir), 0);
}


TEST(save_and_load)
{
	char dir[32], path[96];
	struct audio *a = NULL, *b = NULL;
	size_t i;

	ASSERT_NOT_NULL(tmpdir(dir));
	snprintf(path, sizeof(path), "%s/out.wav", dir);
	ASSERT_INT_EQ(audio_alloc(&a, 1600, 8000), 0);
	for (i = 0; i < a->count; i++)
		a->samples[i] = (int16_t)(i % 200 * 100);
	ASSERT_INT_EQ(wav_save(path, a), 0);
	ASSERT_INT_EQ(wav_load(&b, path, NULL), 0);
	ASSERT_INT_EQ(b->count, a->count);
	ASSERT_TRUE(!memcmp(a->samples, b->samples, a->count * 2));
	mem_deref(b);
	mem_deref(a);

	/* the file is found by sniffing when the name has no extension */
	{
		char path2[112];

		snprintf(path2, sizeof(path2), "%s/noext", dir);
		ASSERT_INT_EQ(rename(path, path2), 0);
		ASSERT_INT_EQ(wav_load(&b, path2, NULL), 0);
		ASSERT_INT_EQ(b->count, 1600);
		b = mem_deref(b);
		unlink(path2);
	}
	ASSERT_INT_EQ(rmdir(dir), 0);
}


static int decode_bytes(const void *p, size_t n, const char **reasonp)
{
	struct audio *a = NULL;
	int err = wav_decode(&a, p, n, reasonp);

	mem_deref(a);
	return err;
}


TEST(bad_files)
{
	struct spec s = { .tag = 1, .channels = 1, .rate = 8000, .bits = 16,
			  .seconds = 0.1 };
	const char *reason = NULL;
	char dir[32], path[96];
	struct audio *a = NULL;
	struct mbuf *mb;

	ASSERT_INT_EQ(decode_bytes("", 0, &reason), EBADMSG);
	ASSERT_INT_EQ(decode_bytes("ID3\x03hello world!", 16, &reason),
		      EBADMSG);
	ASSERT_STR_EQ(reason, "not a RIFF/WAVE file");
	ASSERT_INT_EQ(decode_bytes("RIFX\0\0\0\0WAVE", 12, &reason), ENOTSUP);

	mb = make_wav(&s);
	/* header only: fmt present, data chunk missing */
	ASSERT_INT_EQ(decode_bytes(mb->buf, 36, &reason), EBADMSG);
	ASSERT_STR_EQ(reason, "no data chunk");
	/* fmt cut in the middle */
	ASSERT_INT_EQ(decode_bytes(mb->buf, 30, &reason), EBADMSG);
	ASSERT_STR_EQ(reason, "truncated chunk");
	/* empty data */
	ASSERT_INT_EQ(decode_bytes(mb->buf, 45, &reason), ENODATA);
	/* MP3 format tag */
	mb->buf[20] = 0x55;
	ASSERT_INT_EQ(decode_bytes(mb->buf, mb->end, &reason), ENOTSUP);
	mb->buf[20] = 1;
	/* 12-bit PCM */
	mb->buf[34] = 12;
	ASSERT_INT_EQ(decode_bytes(mb->buf, mb->end, &reason), ENOTSUP);
	mb->buf[34] = 16;
	/* zero channels */
	mb->buf[22] = 0;
	ASSERT_INT_EQ(decode_bytes(mb->buf, mb->end, &reason), EBADMSG);
	mb->buf[22] = 1;
	/* absurd rate */
	mb->buf[24] = 5;
	mb->buf[25] = 0;
	ASSERT_INT_EQ(decode_bytes(mb->buf, mb->end, &reason), EBADMSG);
	mem_deref(mb);

	ASSERT_INT_EQ(wav_load(&a, "/nonexistent/x.wav", &reason), ENOENT);
	ASSERT_NOT_NULL(tmpdir(dir));
	ASSERT_INT_EQ(wav_load(&a, dir, &reason), EISDIR);
	snprintf(path, sizeof(path), "%s/x.mp3", dir);
	ASSERT_INT_EQ(write_file(path, "ID3\x03", 4), 0);
	ASSERT_INT_EQ(wav_load(&a, path, &reason), ENOTSUP);
	unlink(path);
	snprintf(path, sizeof(path), "%s/x.wav", dir);
	ASSERT_INT_EQ(write_file(path, "hello", 5), 0);
	ASSERT_INT_EQ(wav_load(&a, path, &reason), EBADMSG);
	unlink(path);
	snprintf(path, sizeof(path), "%s/empty.ulaw", dir);
	ASSERT_INT_EQ(write_file(path, "", 0), 0);
	ASSERT_INT_EQ(wav_load(&a, path, &reason), ENODATA);
	unlink(path);
	ASSERT_INT_EQ(rmdir(dir), 0);
	ASSERT_NULL(a);
}
