/**
 * @file log.c  Logging: "<N>level: message" lines to stderr or a sink.
 *
 * The "<N>" syslog priority prefix lets journald keep the level when the
 * daemon runs under systemd; on a terminal it is harmless noise. When
 * stderr is not the journal each line starts with a UTC timestamp, since
 * nothing else will add one. A line never carries control characters:
 * ANSI colour codes (libre's own warnings have them) and whatever a peer
 * put in a user name are taken out before the line is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
/* libre's dbg interface is not part of re.h */
#define DEBUG_MODULE "log"
#define DEBUG_LEVEL 4
#include <re/re_dbg.h>

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


bool log_stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	/* systemd documents it as "<device>:<inode>" of the stream it
	 * connected; stderr may since have been redirected elsewhere */
	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st))
		return false;
	return (unsigned long long)st.st_dev == dev &&
		(unsigned long long)st.st_ino == ino;
}


/* Take ANSI escape sequences out, blank other control characters (one
 * event is one line: a newline would split it in journald). */
static void sanitize(char *p)
{
	char *w = p;

	while (*p) {
		unsigned char ch = (unsigned char)*p;

		if (ch == 0x1b) {
			++p;
			if (*p == '[') {
				/* CSI: parameters and intermediates, then a
				 * final byte in @..~ */
				++p;
				while (*p && !(*p >= 0x40 && *p <= 0x7e))
					++p;
				if (*p)
					++p;
			}
			else if (*p) {
				++p;
			}
			continue;
		}
		*w++ = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
		++p;
	}
	*w = '\0';
}


static void stamp(char *buf, size_t sz)
{
	struct timespec ts;
	struct tm tm;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	(void)gmtime_r(&ts.tv_sec, &tm);
	(void)snprintf(buf, sz, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ ",
		       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		       tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (long)(ts.tv_nsec / 1000000L) % 1000);
}


void log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	char ts[64] = "";
	int n;

	if (!fmt || lvl > cur_level)
		return;

	n = snprintf(line, sizeof(line), "<%d>%s: ", (int)lvl,
		     level_name(lvl));
	if (n < 0)
		return;

	/* libre's formatting: %m takes an errno, %r a pl, %J an sa */
	(void)re_vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);

	sanitize(line + n);

	if (sink_h) {
		sink_h(lvl, line, sink_arg);
		return;
	}

	if (!log_stderr_is_journal())
		stamp(ts, sizeof(ts));
	(void)fprintf(stderr, "%s%s\n", ts, line);
}


void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}


/* libre's dbg: its trailing newline goes, sanitize() takes out the rest */
static void libre_dbg_h(int level, const char *p, size_t len, void *arg)
{
	enum log_level lvl;

	(void)arg;
	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		--len;
	if (level <= DBG_ERR)
		lvl = LOG_LVL_ERROR;
	else if (level == DBG_WARNING)
		lvl = LOG_LVL_WARN;
	else
		lvl = LOG_LVL_DEBUG;	/* libre's notices are for libre */
	log_msg(lvl, "libre: %b", p, len);
}


void log_capture_libre(void)
{
	/* no colour codes, no timestamps of its own: the handler gets the
	 * bare message and libre no longer writes to stderr itself */
	dbg_init(DBG_INFO, DBG_NONE);
	dbg_handler_set(libre_dbg_h, NULL);
}
