/**
 * @file loop.h  The process event loop: libre's re_main() drives a libuv
 * loop nested inside it (libuv's epoll fd is polled by libre, libuv's next
 * timeout is a libre timer), so both run on one thread without locks.
 *
 * Owns the libuv loop, the libre fd/timer that drive it, and the list of
 * pool jobs started with loop_work(). Everything here is loop-thread only.
 */
#ifndef CALLFLOWD_LOOP_H
#define CALLFLOWD_LOOP_H

#include <uv.h>

/** Runs on a libuv pool thread: must not touch libre objects or log. */
typedef void (loop_work_h)(void *arg);
/** Runs on the loop thread once work finished (err 0) or was cancelled
 *  before it started (err ECANCELED, e.g. by loop_close()). */
typedef void (loop_done_h)(int err, void *arg);

/**
 * Set up the loop. Call right after libre_init() and before any socket:
 * raises RLIMIT_NOFILE and libre's fd table to 65536 (the first
 * fd_setsize() wins), then nests libuv into libre.
 */
int loop_init(void);
/** The libuv loop (NULL before loop_init()). */
uv_loop_t *loop_uv(void);
/**
 * Let libuv run pending work and re-arm the libre timer. Call after every
 * libuv API call made from a libre callback, so the watcher change reaches
 * libuv's backend before the next poll.
 */
void loop_kick(void);
/**
 * Run work(arg) on the libuv pool and done(err, arg) back on the loop,
 * never from inside this call.
 */
int loop_work(loop_work_h *work, loop_done_h *done, void *arg);
/**
 * Release obj (mem_deref) on the next loop turn, outside whatever handler
 * is running now: for objects released from inside their own callbacks.
 * NULL is ignored; ENOMEM releases it at once.
 */
int loop_defer_deref(void *obj);
/** Number of loop_work() jobs whose done handler has not run yet. */
unsigned loop_pending(void);
/**
 * Cancel queued pool jobs, wait for running ones (their done handlers run
 * here), close every libuv handle and the loop. Call last: it also frees
 * libre's fd table (fd_setsize(0)), so no other fd may still be listening.
 */
void loop_close(void);

#endif
