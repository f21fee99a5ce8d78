/* DTMF helpers: key codes, the RFC 4733 payload, once-per-event, tones. */
#include <math.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <rem.h>
#include <callflowd/media/dtmf.h>
#include "test.h"

TEST(key_codes)
{
	static const char keys[] = "0123456789*#ABCD";
	int i;

	for (i = 0; i < 16; i++) {
		ASSERT_INT_EQ(dtmf_key2code(keys[i]), i);
		ASSERT_INT_EQ(dtmf_code2key(i), keys[i]);
	}
	ASSERT_INT_EQ(dtmf_key2code('a'), 12);
	ASSERT_INT_EQ(dtmf_key2code('E'), -1);
	ASSERT_INT_EQ(dtmf_key2code('\0'), -1);
	ASSERT_INT_EQ(dtmf_key2code(' '), -1);
	ASSERT_INT_EQ(dtmf_code2key(16), 0);	/* flash: not a key */
	ASSERT_INT_EQ(dtmf_code2key(-1), 0);
	ASSERT_STR_EQ(dtmf_source_name(DTMF_SRC_INBAND), "inband");
}

TEST(event_payload_roundtrip)
{
	struct dtmf_event ev = {11, true, 10, 1280}, out;
	struct mbuf *mb = mbuf_alloc(8);

	ASSERT_NOT_NULL(mb);
	ASSERT_INT_EQ(dtmf_event_encode(mb, &ev), 0);
	ASSERT_INT_EQ(mb->end, 4);
	/* RFC 4733 2.3: event, E|R|volume, duration (network order) */
	ASSERT_INT_EQ(mb->buf[0], 11);
	ASSERT_INT_EQ(mb->buf[1], 0x8a);
	ASSERT_INT_EQ(mb->buf[2], 0x05);
	ASSERT_INT_EQ(mb->buf[3], 0x00);

	mb->pos = 0;
	ASSERT_INT_EQ(dtmf_event_decode(&out, mb), 0);
	ASSERT_INT_EQ(out.event, 11);
	ASSERT_TRUE(out.end);
	ASSERT_INT_EQ(out.volume, 10);
	ASSERT_INT_EQ(out.duration, 1280);

	/* short payloads and bad volumes are refused */
	mb->pos = 1;
	ASSERT_INT_EQ(dtmf_event_decode(&out, mb), EBADMSG);
	ev.volume = 64;
	ASSERT_INT_EQ(dtmf_event_encode(mb, &ev), EINVAL);
	mem_deref(mb);
}

TEST(rx_once_per_timestamp)
{
	struct dtmf_rx rx;
	unsigned i, firsts = 0;

	dtmf_rx_reset(&rx);
	ASSERT_TRUE(dtmf_rx_first(&rx, 1000));
	ASSERT_FALSE(dtmf_rx_first(&rx, 1000));
	ASSERT_TRUE(dtmf_rx_first(&rx, 2000));
	ASSERT_FALSE(dtmf_rx_first(&rx, 1000));	/* late duplicate */

	/* twenty events with three packets each: twenty firsts */
	for (i = 0; i < 60; i++)
		firsts += dtmf_rx_first(&rx, 10000 + (i / 3) * 1600);
	ASSERT_INT_EQ(firsts, 20);
}

/* Goertzel power relative to the signal energy. */
static double tone_power(const int16_t *v, size_t n, double f)
{
	double c = 2 * cos(2 * M_PI * f / 8000), s0, s1 = 0, s2 = 0;
	double e = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		s0 = v[i] + c * s1 - s2;
		s2 = s1;
		s1 = s0;
		e += (double)v[i] * v[i];
	}

	return (s1 * s1 + s2 * s2 - c * s1 * s2) / (e * n / 2);
}

TEST(tone_pairs)
{
	static const struct { char key; unsigned lo, hi; } tv[] = {
		{'1', 697, 1209}, {'5', 770, 1336}, {'9', 852, 1477},
		{'0', 941, 1336}, {'*', 941, 1209}, {'#', 941, 1477},
		{'D', 941, 1633},
	};
	int16_t buf[800];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tv); i++) {
		unsigned lo, hi;

		ASSERT_INT_EQ(dtmf_freqs(&lo, &hi, tv[i].key), 0);
		ASSERT_INT_EQ(lo, tv[i].lo);
		ASSERT_INT_EQ(hi, tv[i].hi);

		ASSERT_INT_EQ(dtmf_tone(buf, 400, tv[i].key, 8000, 0, 5000),
			      0);
		/* continues where the first half stopped */
		ASSERT_INT_EQ(dtmf_tone(buf + 400, 400, tv[i].key, 8000, 400,
					5000), 0);
		ASSERT_TRUE(tone_power(buf, 800, lo) > 0.4);
		ASSERT_TRUE(tone_power(buf, 800, hi) > 0.4);
		ASSERT_TRUE(tone_power(buf, 800, 1000) < 0.05);
	}
	ASSERT_INT_EQ(dtmf_tone(buf, 10, 'x', 8000, 0, 100), EINVAL);
	ASSERT_INT_EQ(dtmf_tone(buf, 10, '1', 0, 0, 100), EINVAL);
}

static void dec_h(char digit, void *arg)
{
	char *s = arg;
	size_t n = strlen(s);

	if (n < 15) {
		s[n] = digit;
		s[n + 1] = '\0';
	}
}

/* Our tones are what librem's detector (used by mstream) recognises. */
TEST(tones_detected_by_librem)
{
	static const char keys[] = "147*2580369#ABCD";
	struct dtmf_dec *dec = NULL;
	char got[16] = "";
	int16_t frame[160];
	size_t k, f;

	ASSERT_INT_EQ(dtmf_dec_alloc(&dec, 8000, 1, dec_h, got), 0);
	for (k = 0; k < 15; k++) {
		for (f = 0; f < 10; f++) {	/* 100 ms tone, 100 ms gap */
			if (f < 5)
				(void)dtmf_tone(frame, 160, keys[k], 8000,
						f * 160, 6000);
			else
				memset(frame, 0, sizeof(frame));
			dtmf_dec_probe(dec, frame, 160);
		}
	}
	ASSERT_STR_EQ(got, "147*2580369#ABC");
	mem_deref(dec);
}
