/**
 * @file log.h  Logging: one line per event to stderr, journald-friendly.
 *
 * Owns the process-wide log level and sink. Lines start with the syslog
 * priority prefix ("<3>") that journald parses when stderr is not a TTY;
 * when stderr is not the journal, a UTC timestamp comes first. Control
 * characters (ANSI colours included) never reach a line.
 * Only the loop thread logs; pool threads hand messages back first.
 */
#ifndef CALLFLOWD_LOG_H
#define CALLFLOWD_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level {
	LOG_LVL_ERROR = 3,
	LOG_LVL_WARN  = 4,
	LOG_LVL_INFO  = 6,
	LOG_LVL_DEBUG = 7,
};

/** Receives every emitted line (already formatted, no newline). */
typedef void (log_sink_h)(enum log_level lvl, const char *line, void *arg);

void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
/** Parse "error|warn|info|debug"; returns EINVAL on anything else. */
int  log_level_parse(enum log_level *lvlp, const char *name);
/** Replace the stderr sink (NULL restores stderr). Used by tests. */
void log_set_sink(log_sink_h *sinkh, void *arg);
/** True when stderr is the stream systemd named in $JOURNAL_STREAM. */
bool log_stderr_is_journal(void);
/** Send libre's own messages (its dbg output, coloured on stderr by
 *  default) through this log instead; call once after libre_init(). */
void log_capture_libre(void);
/** fmt is libre's re_printf format: %m errno, %r struct pl, %J sa. */
void log_msg(enum log_level lvl, const char *fmt, ...);
void log_vmsg(enum log_level lvl, const char *fmt, va_list ap);

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) \
	do { if (log_get_level() >= LOG_LVL_DEBUG) \
		log_msg(LOG_LVL_DEBUG, __VA_ARGS__); } while (0)

#endif
