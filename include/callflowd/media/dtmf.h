/**
 * @file dtmf.h  DTMF helpers shared by the media and SIP layers: key and
 * RFC 4733 event codes, the telephone-event payload, once-per-event
 * de-duplication of received events, and a tone-pair generator.
 *
 * Owns no objects: struct dtmf_rx is plain state embedded by its user.
 */
#ifndef CALLFLOWD_DTMF_H
#define CALLFLOWD_DTMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mbuf;

/** Where a key came from. */
enum dtmf_source {
	DTMF_SRC_RFC4733 = 0,	/* RTP telephone-event */
	DTMF_SRC_INBAND,	/* tone detected in the audio */
	DTMF_SRC_SIPINFO,	/* SIP INFO (application/dtmf-relay) */
};

const char *dtmf_source_name(enum dtmf_source src);

/** '0'..'9' '*' '#' 'A'..'D' -> 0..15; -1 for anything else. */
int  dtmf_key2code(char key);
/** 0..15 -> key; 0 for other event codes. */
char dtmf_code2key(int code);

/** One RFC 4733 telephone-event payload (4 bytes). */
struct dtmf_event {
	uint8_t event;
	bool end;
	uint8_t volume;		/* 0..63, -dBm0 */
	uint16_t duration;	/* timestamp units */
};

int dtmf_event_encode(struct mbuf *mb, const struct dtmf_event *ev);
/** Decode the first event of the payload (EBADMSG if short). */
int dtmf_event_decode(struct dtmf_event *ev, struct mbuf *mb);

/**
 * Receiver state: an event is the set of packets sharing one RTP
 * timestamp (start, updates, three redundant end packets). Remembers the
 * last few timestamps so late or reordered duplicates are dropped too.
 */
struct dtmf_rx {
	uint32_t tsv[8];
	unsigned n;
	unsigned pos;
};

void dtmf_rx_reset(struct dtmf_rx *rx);
/** True the first time timestamp ts is seen (report the key then). */
bool dtmf_rx_first(struct dtmf_rx *rx, uint32_t ts);

/** The low and high frequencies (Hz) of key; EINVAL if not a key. */
int  dtmf_freqs(unsigned *lowp, unsigned *highp, char key);
/**
 * Write n samples of the key's tone pair at srate, starting at sample
 * index pos of the tone (so consecutive frames join without clicks);
 * amp is each tone's peak amplitude.
 */
int  dtmf_tone(int16_t *buf, size_t n, char key, uint32_t srate,
	       uint64_t pos, int16_t amp);

#endif
