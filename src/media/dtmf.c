/*
 * DTMF helpers. The key order of RFC 4733 events 0..15 is
 * 0-9, *, #, A-D; the tone pairs are those of ITU-T Q.23.
 */
#include <math.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/dtmf.h>

static const char keys[] = "0123456789*#ABCD";

const char *dtmf_source_name(enum dtmf_source src)
{
	switch (src) {

	case DTMF_SRC_RFC4733: return "rfc4733";
	case DTMF_SRC_INBAND:  return "inband";
	case DTMF_SRC_SIPINFO: return "sipinfo";
	default:               return "?";
	}
}

int dtmf_key2code(char key)
{
	const char *p;

	if (key >= 'a' && key <= 'd')
		key = (char)(key - 'a' + 'A');
	if (!key)
		return -1;

	p = strchr(keys, key);

	return p ? (int)(p - keys) : -1;
}

char dtmf_code2key(int code)
{
	if (code < 0 || code > 15)
		return 0;

	return keys[code];
}

int dtmf_event_encode(struct mbuf *mb, const struct dtmf_event *ev)
{
	int err;

	if (!mb || !ev || ev->volume > 63)
		return EINVAL;

	err  = mbuf_write_u8(mb, ev->event);
	err |= mbuf_write_u8(mb, (uint8_t)((ev->end ? 0x80 : 0) |
					    ev->volume));
	err |= mbuf_write_u16(mb, htons(ev->duration));

	return err;
}

int dtmf_event_decode(struct dtmf_event *ev, struct mbuf *mb)
{
	uint8_t b;

	if (!ev || !mb)
		return EINVAL;
	if (mbuf_get_left(mb) < 4)
		return EBADMSG;

	ev->event = mbuf_read_u8(mb);
	b = mbuf_read_u8(mb);
	ev->end = (b & 0x80) != 0;
	ev->volume = b & 0x3f;
	ev->duration = ntohs(mbuf_read_u16(mb));

	return 0;
}

void dtmf_rx_reset(struct dtmf_rx *rx)
{
	if (rx)
		memset(rx, 0, sizeof(*rx));
}

bool dtmf_rx_first(struct dtmf_rx *rx, uint32_t ts)
{
	unsigned i;

	if (!rx)
		return false;

	for (i = 0; i < rx->n; i++) {
		if (rx->tsv[i] == ts)
			return false;
	}

	rx->tsv[rx->pos] = ts;
	rx->pos = (rx->pos + 1) % ARRAY_SIZE(rx->tsv);
	if (rx->n < ARRAY_SIZE(rx->tsv))
		++rx->n;

	return true;
}

int dtmf_freqs(unsigned *lowp, unsigned *highp, char key)
{
	static const unsigned lowv[4]  = {697, 770, 852, 941};
	static const unsigned highv[4] = {1209, 1336, 1477, 1633};
	/* row/column of each key in keys[] order */
	static const uint8_t rowv[16] = {3, 0, 0, 0, 1, 1, 1, 2, 2, 2,
					 3, 3, 0, 1, 2, 3};
	static const uint8_t colv[16] = {1, 0, 1, 2, 0, 1, 2, 0, 1, 2,
					 0, 2, 3, 3, 3, 3};
	int code = dtmf_key2code(key);

	if (code < 0 || !lowp || !highp)
		return EINVAL;

	*lowp = lowv[rowv[code]];
	*highp = highv[colv[code]];

	return 0;
}

int dtmf_tone(int16_t *buf, size_t n, char key, uint32_t srate,
	      uint64_t pos, int16_t amp)
{
	unsigned lo, hi;
	size_t i;
	int err;

	if (!buf || !srate)
		return EINVAL;

	err = dtmf_freqs(&lo, &hi, key);
	if (err)
		return err;

	for (i = 0; i < n; i++) {
		double t = (double)(pos + i) / srate;
		double v = sin(2 * M_PI * lo * t) + sin(2 * M_PI * hi * t);

		buf[i] = (int16_t)(amp * v);
	}

	return 0;
}
