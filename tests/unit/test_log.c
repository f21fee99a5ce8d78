/* log: priority prefix, level filter, the sink hook, level names,
 * control characters, libre's messages, timestamps off the journal. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
/* libre's dbg interface is not part of re.h */
#define DEBUG_MODULE "test_log"
#define DEBUG_LEVEL 4
#include <re/re_dbg.h>
#include "test.h"

struct capture {
	char line[256];
	enum log_level lvl;
	int n;
};

static void capture_h(enum log_level lvl, const char *line, void *arg)
{
	struct capture *cap = arg;

	cap->lvl = lvl;
	cap->n++;
	snprintf(cap->line, sizeof(cap->line), "%s", line);
}

TEST(prefix_and_format)
{
	struct capture cap = {0};
	enum log_level old = log_get_level();

	log_set_sink(capture_h, &cap);
	log_set_level(LOG_LVL_DEBUG);

	log_error("bad %s %d", "thing", 42);
	ASSERT_STR_EQ(cap.line, "<3>error: bad thing 42");
	ASSERT_INT_EQ(cap.lvl, LOG_LVL_ERROR);
	log_warn("w");
	ASSERT_STR_EQ(cap.line, "<4>warning: w");
	log_info("i");
	ASSERT_STR_EQ(cap.line, "<6>info: i");
	log_debug("d%d", 1);
	ASSERT_STR_EQ(cap.line, "<7>debug: d1");
	ASSERT_INT_EQ(cap.n, 4);

	/* a newline in a message would split the journald record */
	log_info("two\nlines");
	ASSERT_STR_EQ(cap.line, "<6>info: two lines");

	log_set_sink(NULL, NULL);
	log_set_level(old);
}

TEST(level_filter)
{
	struct capture cap = {0};
	enum log_level old = log_get_level();

	log_set_sink(capture_h, &cap);
	log_set_level(LOG_LVL_WARN);
	ASSERT_INT_EQ(log_get_level(), LOG_LVL_WARN);

	log_info("hidden");
	log_debug("hidden");
	ASSERT_INT_EQ(cap.n, 0);
	log_warn("shown");
	log_error("shown too");
	ASSERT_INT_EQ(cap.n, 2);
	ASSERT_STR_EQ(cap.line, "<3>error: shown too");

	log_set_sink(NULL, NULL);
	log_set_level(old);
}

TEST(level_parse)
{
	enum log_level lvl = LOG_LVL_INFO;

	ASSERT_INT_EQ(log_level_parse(&lvl, "debug"), 0);
	ASSERT_INT_EQ(lvl, LOG_LVL_DEBUG);
	ASSERT_INT_EQ(log_level_parse(&lvl, "error"), 0);
	ASSERT_INT_EQ(lvl, LOG_LVL_ERROR);
	ASSERT_INT_EQ(log_level_parse(&lvl, "warn"), 0);
	ASSERT_INT_EQ(lvl, LOG_LVL_WARN);
	ASSERT_INT_EQ(log_level_parse(&lvl, "info"), 0);
	ASSERT_INT_EQ(lvl, LOG_LVL_INFO);
	ASSERT_INT_EQ(log_level_parse(&lvl, "verbose"), EINVAL);
	ASSERT_INT_EQ(log_level_parse(&lvl, ""), EINVAL);
	ASSERT_INT_EQ(log_level_parse(&lvl, NULL), EINVAL);
	ASSERT_INT_EQ(lvl, LOG_LVL_INFO);
}

TEST(control_characters_never_reach_a_line)
{
	struct capture cap = {0};

	log_set_sink(capture_h, &cap);
	/* what libre's coloured warnings look like */
	log_warn("\x1b[31mtcp: bind: in use\x1b[;m");
	ASSERT_STR_EQ(cap.line, "<4>warning: tcp: bind: in use");
	/* a peer's user name with a terminal escape and a bell in it */
	log_info("login '%s'", "ev\x1b]0;title\x07il\x1b[2Jx");
	ASSERT_STR_EQ(cap.line, "<6>info: login 'ev0;title ilx'");
	log_info("tab\there\r\nend\x7f");
	ASSERT_STR_EQ(cap.line, "<6>info: tab here  end ");
	log_set_sink(NULL, NULL);
}

TEST(libre_messages_come_through_the_log)
{
	struct capture cap = {0};

	log_set_sink(capture_h, &cap);
	log_capture_libre();
	dbg_printf(DBG_WARNING, "tcp: sock_bind: bind: %m (%s)\n",
		   EADDRINUSE, "127.0.0.1:5060");
	ASSERT_INT_EQ(cap.n, 1);
	ASSERT_INT_EQ(cap.lvl, LOG_LVL_WARN);
	ASSERT_STR_EQ(cap.line, "<4>warning: libre: tcp: sock_bind: bind: "
		      "Address already in use (127.0.0.1:5060)");
	dbg_handler_set(NULL, NULL);
	log_set_sink(NULL, NULL);
}

/* Read what fd 2 got while fn ran with JOURNAL_STREAM set to js (NULL:
 * unset; "self": the file stderr then is). */
static void stderr_of(char *out, size_t sz, const char *js, const char *msg)
{
	char path[] = "/tmp/cfd-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char env[64];
	struct stat st;
	ssize_t n;

	out[0] = '\0';
	if (fd < 0 || saved < 0)
		return;
	(void)unlink(path);
	(void)fflush(stderr);
	(void)dup2(fd, 2);
	if (!js) {
		(void)unsetenv("JOURNAL_STREAM");
	}
	else if (!strcmp(js, "self") && !fstat(2, &st)) {
		snprintf(env, sizeof(env), "%llu:%llu",
			 (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
		(void)setenv("JOURNAL_STREAM", env, 1);
	}
	else {
		(void)setenv("JOURNAL_STREAM", js, 1);
	}
	log_info("%s", msg);
	(void)fflush(stderr);
	(void)dup2(saved, 2);
	(void)close(saved);
	(void)unsetenv("JOURNAL_STREAM");
	n = pread(fd, out, sz - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	(void)close(fd);
}

TEST(timestamp_unless_stderr_is_the_journal)
{
	char out[512];
	struct tm tm;
	char *rest;

	log_set_sink(NULL, NULL);
	stderr_of(out, sizeof(out), NULL, "plain");
	memset(&tm, 0, sizeof(tm));
	rest = strptime(out, "%Y-%m-%dT%H:%M:%S", &tm);
	ASSERT_NOT_NULL(rest);
	ASSERT_TRUE(tm.tm_year > 100);
	ASSERT_TRUE(rest[0] == '.' && rest[4] == 'Z');
	ASSERT_STR_EQ(rest + 5, " <6>info: plain\n");
	ASSERT_FALSE(log_stderr_is_journal());

	/* another stream is the journal: this one still needs its stamp */
	stderr_of(out, sizeof(out), "1:1", "elsewhere");
	ASSERT_NOT_NULL(strstr(out, "Z <6>info: elsewhere\n"));

	/* journald stamps entries itself */
	stderr_of(out, sizeof(out), "self", "journal");
	ASSERT_STR_EQ(out, "<6>info: journal\n");
}
