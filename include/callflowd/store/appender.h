/**
 * @file appender.h  An ordered, append-only file writer off the loop
 * thread.
 *
 * Owns one file opened O_APPEND, its queue and the pool job's buffers.
 * Bytes and deferred lines queued on the loop thread reach the file in
 * queue order, formatted, written and fdatasync'ed by one libuv pool job
 * at a time, so neither a slow disk nor costly encoding stalls calls. A running
 * job holds a reference: an appender released with data still queued
 * finishes writing it before it goes (appender_flush() at shutdown waits
 * for that, since the loop then stops).
 */
#ifndef CALLFLOWD_APPENDER_H
#define CALLFLOWD_APPENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct appender;
struct mbuf;

/**
 * Formats a deferred line into mb (no newline): runs on a pool thread, so
 * it may only read arg, which nothing changes once queued. A non-zero
 * return drops that line (logged) and the rest goes on.
 */
typedef int (appender_fmt_h)(struct mbuf *mb, void *arg);
/** On the loop thread, once a deferred line is written and fdatasync'ed
 *  (err 0), or could not be formatted or written (err). */
typedef void (appender_done_h)(int err, void *arg);

/** Open path for appending (created 0640, parent folders 0750). */
int  appender_alloc(struct appender **app, const char *path);
/** Queue len bytes. */
int  appender_write(struct appender *ap, const void *data, size_t len);
/** Queue text and a newline. */
int  appender_line(struct appender *ap, const char *text);
/** Queue a line that fmth formats later, off the loop; arg (a mem object,
 *  referenced until then) is released on the loop thread. */
int  appender_defer(struct appender *ap, appender_fmt_h *fmth, void *arg);
/** appender_defer(), then doneh(err, arg) once the line is durable. */
int  appender_defer_then(struct appender *ap, appender_fmt_h *fmth,
			 appender_done_h *doneh, void *arg);
/** Queue a rewrite: what fmth formats becomes the whole file (written
 *  to path.tmp, fsync'ed and renamed over it); later bytes follow it. */
int  appender_rewrite(struct appender *ap, appender_fmt_h *fmth, void *arg);
/** True when nothing is queued or being written. */
bool appender_idle(const struct appender *ap);
/** Run the loop until every queued byte is on disk (or ms elapsed). Call
 *  outside re_main (shutdown, startup): it runs the loop itself. */
void appender_flush(struct appender *ap, uint32_t ms);
/** Bytes queued since the appender was made (deferred lines count once
 *  written). */
uint64_t appender_bytes(const struct appender *ap);
/** Deferred lines that could not be formatted plus write jobs that
 *  failed, since the appender was made. */
uint64_t appender_failures(const struct appender *ap);
/** The last write error (0: none so far). */
int  appender_error(const struct appender *ap);
const char *appender_path(const struct appender *ap);
/** mkdir -p (0750). */
int  appender_mkdirs(const char *dir);

#endif
