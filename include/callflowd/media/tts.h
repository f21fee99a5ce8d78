/**
 * @file tts.h  Text-to-speech prompts: espeak-ng on the libuv pool (one
 * synthesis at a time: espeak-ng is not thread-safe), resampled to 8 kHz,
 * cached in memory (LRU bounded by bytes) and on disk.
 *
 * Owns the memory cache, the disk cache directory (one file per key,
 * <cache_dir>/<32 hex>.pcm, written atomically) and the in-flight jobs.
 * Loop thread only (needs loop_init()). The cache key is the resolved
 * espeak-ng voice plus the parsed segments (text, rate, pauses), so the
 * same words in differently formatted SSML share an entry.
 */
#ifndef CALLFLOWD_TTS_H
#define CALLFLOWD_TTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct audio;
struct tts;
struct tts_req;

/**
 * Synthesis finished: a (8 kHz mono, shared with the cache: mem_ref() it
 * to keep it) on success; cache_hit when it came from memory or disk.
 */
typedef void (tts_done_h)(int err, struct audio *a, bool cache_hit,
			  void *arg);

struct tts_stats {
	uint64_t mem_hits;	/**< served from memory                */
	uint64_t disk_hits;	/**< served from the disk cache        */
	uint64_t misses;	/**< synthesised                       */
	uint64_t joined;	/**< waited for an identical job       */
	uint64_t errors;	/**< synthesis failures                */
	uint64_t disk_errors;	/**< cache files that could not be written */
	size_t mem_bytes;	/**< audio bytes held in memory        */
	unsigned mem_entries;
};

/**
 * New TTS engine. cache_dir (created if missing; NULL = no disk cache),
 * mem_cache_bytes 0 = no memory cache.
 */
int tts_alloc(struct tts **ttsp, const char *cache_dir,
	      size_t mem_cache_bytes);
/**
 * Synthesise text (SSML when is_ssml) with a Polly voice name and/or
 * language code (either may be NULL; unknown ones fall back with a
 * warning). doneh runs later on the loop thread, never from inside this
 * call. mem_deref(*reqp) cancels: doneh is then never called. Malformed
 * SSML fails here with EBADMSG (logged with its position).
 */
int tts_synth(struct tts_req **reqp, struct tts *tts, const char *text,
	      bool is_ssml, const char *voice, const char *language,
	      tts_done_h *doneh, void *arg);
void tts_get_stats(const struct tts *tts, struct tts_stats *st);

#endif
