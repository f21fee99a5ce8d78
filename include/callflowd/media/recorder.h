/**
 * @file recorder.h  A stereo call recording: 8 kHz 16-bit PCM WAV written
 * off the loop thread.
 *
 * Owns one file and two buffers. Frames are queued on the loop thread;
 * each full chunk is written by one libuv pool job at a time (loop_work),
 * the first job creating the file (parent folders 0750, file 0640) with a
 * header whose sizes are patched by the last job, which recorder_close()
 * queues. A running job holds a reference, so a recorder released right
 * after recorder_close() still finishes its file. Memory is bounded: past
 * RECORDER_MAX_QUEUE_MS of audio waiting for a slow disk, new frames are
 * dropped and counted.
 */
#ifndef CALLFLOWD_RECORDER_H
#define CALLFLOWD_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct recorder;

enum {
	RECORDER_SRATE = 8000,
	RECORDER_CHUNK_MS = 500,	/* audio per write job */
	RECORDER_MAX_QUEUE_MS = 10000,	/* waiting audio before drops */
	RECORDER_HEADER = 44,
};

/** The file is complete (err 0) or failed; runs on the loop thread. */
typedef void (recorder_done_h)(int err, const char *path, uint64_t frames,
			       void *arg);

/** A recorder for path; nothing touches the disk before the first write
 *  job. */
int  recorder_alloc(struct recorder **rp, const char *path);
/**
 * Append n stereo frames: left[i] and right[i] (either may be NULL for
 * silence). EALREADY after recorder_close(), the first write error once
 * one happened, ENOSPC when frames were dropped for a slow disk.
 */
int  recorder_write(struct recorder *r, const int16_t *left,
		    const int16_t *right, size_t n);
/**
 * Write what is queued, patch the header, close the file; doneh (may be
 * NULL) runs on the loop thread afterwards, never from inside this call.
 * If the loop closes first, the remaining writes run in loop_close().
 * An error here (no pool: ENOTCONN) means doneh will not run.
 */
int  recorder_close(struct recorder *r, recorder_done_h *doneh, void *arg);
/** True when nothing is queued or being written. */
bool recorder_idle(const struct recorder *r);
/** True once the closing job has run. */
bool recorder_finished(const struct recorder *r);
/** Frames accepted so far (the file's length once finished). */
uint64_t recorder_frames(const struct recorder *r);
/** Frames dropped because the disk fell behind. */
uint64_t recorder_dropped(const struct recorder *r);
/** The first error (0: none so far). */
int  recorder_error(const struct recorder *r);
const char *recorder_path(const struct recorder *r);
/**
 * Fix the RIFF sizes of a recording its writer never closed (the process
 * died): they are set from the samples on disk, a torn last frame cut
 * off. *framesp (optional) gets the frames it holds. EALREADY when the
 * sizes were right; EBADMSG when it is not a recording of ours. Blocking
 * file I/O: for start-up (journal recovery), not the running loop.
 */
int  recorder_repair(const char *path, uint64_t *framesp);
/** data_dir/recordings/YYYY/MM/DD/<id>.wav for a recording started at
 *  ms (UTC date), as a new mem string. */
int  recorder_path_for(char **pathp, const char *data_dir, const char *id,
		       uint64_t ms);

#endif
