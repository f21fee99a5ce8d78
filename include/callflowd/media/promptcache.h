/**
 * @file promptcache.h  Prompt files (WAV or raw G.711, see wav.h) decoded
 * to 8 kHz on the libuv pool and cached by path, size and mtime: a file
 * replaced on disk is decoded again on its next use.
 *
 * Owns the cached audio and the in-flight loads. Loop thread only (needs
 * loop_init()). Requests for a file already being decoded share the job.
 */
#ifndef CALLFLOWD_PROMPTCACHE_H
#define CALLFLOWD_PROMPTCACHE_H

#include <stdbool.h>
#include <stdint.h>

struct audio;
struct promptcache;
struct prompt_req;

/**
 * The file is decoded (a, shared with the cache: mem_ref() to keep it) or
 * failed (err, with reason a static explanation, also logged).
 */
typedef void (prompt_done_h)(int err, struct audio *a, const char *reason,
			     void *arg);

struct promptcache_stats {
	uint64_t hits;
	uint64_t loads;
	uint64_t errors;
	unsigned entries;
};

int promptcache_alloc(struct promptcache **pcp);
/**
 * Load path. A missing or unreadable path fails here (ENOENT, EACCES,
 * EISDIR); doneh runs later on the loop, never inside this call.
 * mem_deref(*reqp) cancels: doneh is then never called.
 */
int promptcache_load(struct prompt_req **reqp, struct promptcache *pc,
		     const char *path, prompt_done_h *doneh, void *arg);
void promptcache_get_stats(const struct promptcache *pc,
			   struct promptcache_stats *st);

#endif
