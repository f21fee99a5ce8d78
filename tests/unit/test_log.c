/* log: priority prefix, level filter, the sink hook, level names. */
#include <errno.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
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
