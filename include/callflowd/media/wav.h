/**
 * @file wav.h  Prompt files to struct audio at 8 kHz, and a WAV writer.
 *
 * Reads RIFF/WAVE (PCM 8/16/24/32-bit, IEEE float 32/64, G.711 A-law and
 * mu-law, WAVE_FORMAT_EXTENSIBLE; any rate; channels mixed down to mono;
 * unknown chunks such as LIST skipped) and raw headerless G.711 files
 * (.ulaw/.pcmu/.ul/.mulaw, .alaw/.pcma/.al). Safe on pool threads: no
 * logging, errors come back as an errno plus a static reason string.
 */
#ifndef CALLFLOWD_WAV_H
#define CALLFLOWD_WAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct audio;

enum { WAV_MAX_FILE = 256 * 1024 * 1024 };

/**
 * Decode a WAV image. Errors: EBADMSG (not RIFF/WAVE, bad or truncated
 * chunk, bad fmt values), ENOTSUP (encoding not handled), ENODATA (no
 * samples). *reasonp (optional) gets a static explanation on error.
 */
int wav_decode(struct audio **ap, const uint8_t *buf, size_t len,
	       const char **reasonp);
/** Decode raw G.711 (8 kHz by definition). */
int wav_decode_g711(struct audio **ap, const uint8_t *buf, size_t len,
		    bool alaw, const char **reasonp);
/**
 * Load a prompt file chosen by extension (.wav or the G.711 ones; other
 * names are sniffed for a RIFF header) as 8 kHz mono. File errors are the
 * errno of open/read (ENOENT, EACCES, EISDIR), EFBIG over WAV_MAX_FILE.
 */
int wav_load(struct audio **ap, const char *path, const char **reasonp);
/** Encode a as a 16-bit mono PCM WAV image in a new mem buffer. */
int wav_encode(uint8_t **bufp, size_t *lenp, const struct audio *a);
/** Write a as a 16-bit mono PCM WAV file (via a temp file and rename). */
int wav_save(const char *path, const struct audio *a);

#endif
