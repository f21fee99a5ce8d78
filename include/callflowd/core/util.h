/**
 * @file util.h  Small helpers shared by every module: clocks, timestamps,
 * E.164 normalisation, a seedable random source, file reading.
 */
#ifndef CALLFLOWD_UTIL_H
#define CALLFLOWD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Milliseconds since the Unix epoch (wall clock, UTC). */
uint64_t util_now_ms(void);
/** Monotonic milliseconds, for durations and timers. */
uint64_t util_mono_ms(void);

/** Format ms-since-epoch as "2026-11-24T22:49:37.123Z" into buf (>= 32). */
void util_iso8601(char *buf, size_t sz, uint64_t ms);
/**
 * Parse ISO-8601: "2026-11-24T09:30:00Z", "...+01:00", "...-0500",
 * optional fractional seconds, "2026-11-24 09:30" (UTC when no zone).
 */
int util_iso8601_parse(uint64_t *msp, const char *s);

/**
 * Normalise a phone number to E.164 in out (>= 24 bytes): accepts
 * "+18005550100", "18005550100", "tel:+1-800-555-0100", "sip:+1800...@h",
 * visual separators ( ) - . and spaces. Returns EINVAL if no digits or
 * more than 15 digits. A number without '+' gets one prefixed.
 */
int util_e164(char *out, size_t sz, const char *in);
/** True when s is a valid E.164 string ("+" and 2..15 digits). */
bool util_is_e164(const char *s);

/** Random source (xoshiro256**): deterministic for a given seed. */
struct rng { uint64_t s[4]; };
void     rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/** Uniform whole number in [lo, hi]. */
uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi);

/** Read a whole file into a NUL-terminated mem buffer (max bytes). */
int util_read_file(char **bufp, size_t *lenp, const char *path, size_t max);
/** Version 4 UUID (lower-case) from r into buf (>= 37 bytes): for
 *  reproducible ids (the simulator); live ids use util_uuid4(). */
void util_uuid(char *buf, struct rng *r);
/** n bytes from the kernel's CSPRNG (getrandom): secrets, nonces, ids. */
int  util_random(void *buf, size_t n);
/** Version 4 UUID from the CSPRNG into buf (>= 37 bytes). */
int  util_uuid4(char *buf);
/** Case-insensitive ASCII compare of a len-delimited string with s. */
bool util_strieq(const char *a, size_t alen, const char *s);
/** "True"/"true"/"1"/"yes" -> true; "False"/"false"/"0"/"no" -> false. */
int util_parse_bool(bool *bp, const char *s);

#endif
