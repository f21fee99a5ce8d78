/**
 * @file log.c  Logging: "<N>level: message" lines to stderr or a sink.
 *
 * The "<N>" syslog priority prefix lets journald keep the level when the
 * daemon runs under systemd; on a terminal it is harmless noise.
 */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>

/* Long enough for any message we write; longer ones are truncated. */
enum { LOG_LINE_MAX = 4096 };

static enum log_level cur_level = LOG_LVL_INFO;
static log_sink_h *sink_h;
static void *sink_arg;


void log_set_level(enum log_level lvl)
{
	cur_level = lvl;
}


enum log_level log_get_level(void)
{
	return cur_level;
}


int log_level_parse(enum log_level *lvlp, const char *name)
{
	static const struct { const char *name; enum log_level lvl; } tab[] = {
		{"error",   LOG_LVL_ERROR},
		{"warn",    LOG_LVL_WARN},
		{"warning", LOG_LVL_WARN},
		{"info",    LOG_LVL_INFO},
		{"debug",   LOG_LVL_DEBUG},
	};
	size_t i;

	if (!lvlp || !name)
		return EINVAL;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(name, tab[i].name)) {
			*lvlp = tab[i].lvl;
			return 0;
		}
	}

	return EINVAL;
}


void log_set_sink(log_sink_h *sinkh, void *arg)
{
	sink_h = sinkh;
	sink_arg = sinkh ? arg : NULL;
}


static const char *level_name(enum log_level lvl)
{
	switch (lvl) {

	case LOG_LVL_ERROR: return "error";
	case LOG_LVL_WARN:  return "warning";
	case LOG_LVL_INFO:  return "info";
	default:            return "debug";
	}
}


void log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int n;

	if (!fmt || lvl > cur_level)
		return;

	n = snprintf(line, sizeof(line), "<%d>%s: ", (int)lvl,
		     level_name(lvl));
	if (n < 0)
		return;

	/* libre's formatting: %m takes an errno, %r a pl, %J an sa */
	(void)re_vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);

	/* One event is one line: a stray newline would split it in journald */
	for (char *p = line + n; *p; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}

	if (sink_h) {
		sink_h(lvl, line, sink_arg);
		return;
	}

	(void)fprintf(stderr, "%s\n", line);
}


void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}
