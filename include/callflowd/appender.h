/**
 * @file appender.h  An ordered, append-only file writer off the loop
 * thread.
 *
 * Owns one file opened O_APPEND and two buffers. Bytes queued on the loop
 * thread reach the file in queue order, written and fdatasync'ed by one
 * libuv pool job at a time, so a slow disk never stalls calls. A running
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

/** Open path for appending (created 0640, parent folders 0750). */
int  appender_alloc(struct appender **app, const char *path);
/** Queue len bytes. */
int  appender_write(struct appender *ap, const void *data, size_t len);
/** Queue text and a newline. */
int  appender_line(struct appender *ap, const char *text);
/** True when nothing is queued or being written. */
bool appender_idle(const struct appender *ap);
/** Run the loop until every queued byte is on disk (or ms elapsed). Call
 *  outside re_main (shutdown, startup): it runs the loop itself. */
void appender_flush(struct appender *ap, uint32_t ms);
/** Bytes queued since the appender was made. */
uint64_t appender_bytes(const struct appender *ap);
/** The last write error (0: none so far). */
int  appender_error(const struct appender *ap);
const char *appender_path(const struct appender *ap);
/** mkdir -p (0750). */
int  appender_mkdirs(const char *dir);

#endif
