/*
 * Day files: the path of a UTC day, lines of two days in two files (the
 * first day's appender finishing alone), bad input refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/dayfile.h>
#include <callflowd/core/loop.h>
#include "test.h"
#include "tfiles.h"

#define DAY1 1706918399000ULL	/* 2024-02-02T23:59:59Z */
#define DAY2 1706918400000ULL	/* 2024-02-03T00:00:00Z */

TEST(paths)
{
	char *p = NULL;

	ASSERT_INT_EQ(dayfile_path(&p, "/var/lib/cfd", "agent-events", DAY1),
		      0);
	ASSERT_STR_EQ(p, "/var/lib/cfd/agent-events/2024/02/02/"
		      "agent-events.jsonl");
	p = mem_deref(p);
	ASSERT_INT_EQ(dayfile_path(&p, "d", "x", DAY2), 0);
	ASSERT_STR_EQ(p, "d/x/2024/02/03/x.jsonl");
	mem_deref(p);
}

TEST(lines_go_to_their_day)
{
	char dir[] = "/tmp/cfd-day-XXXXXX", cmd[128];
	struct dayfile *df = NULL;
	char *p1 = NULL, *p2 = NULL, *t1, *t2;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(dayfile_alloc(&df, dir, "k"), 0);
	ASSERT_INT_EQ(dayfile_line(df, DAY1, "{\"n\":1}"), 0);
	ASSERT_INT_EQ(dayfile_line(df, DAY1 + 500, "{\"n\":2}"), 0);
	/* midnight: the next file, while the first may still be writing */
	ASSERT_INT_EQ(dayfile_line(df, DAY2, "{\"n\":3}"), 0);
	dayfile_flush(df, 5000);
	/* the first day's appender finishes by itself */
	tf_wait_jobs();
	ASSERT_INT_EQ(dayfile_path(&p1, dir, "k", DAY1), 0);
	ASSERT_INT_EQ(dayfile_path(&p2, dir, "k", DAY2), 0);
	t1 = tf_slurp(p1, NULL);
	t2 = tf_slurp(p2, NULL);
	ASSERT_NOT_NULL(t1);
	ASSERT_NOT_NULL(t2);
	ASSERT_STR_EQ(t1, "{\"n\":1}\n{\"n\":2}\n");
	ASSERT_STR_EQ(t2, "{\"n\":3}\n");
	free(t1);
	free(t2);
	mem_deref(p1);
	mem_deref(p2);
	mem_deref(df);
	loop_close();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT_INT_EQ(system(cmd), 0);
}

TEST(bad_input)
{
	struct dayfile *df = NULL;
	char *p = NULL;

	ASSERT_INT_EQ(dayfile_alloc(NULL, "d", "k"), EINVAL);
	ASSERT_INT_EQ(dayfile_alloc(&df, NULL, "k"), EINVAL);
	ASSERT_INT_EQ(dayfile_alloc(&df, "d", ""), EINVAL);
	ASSERT_NULL(df);
	ASSERT_INT_EQ(dayfile_path(NULL, "d", "k", 0), EINVAL);
	ASSERT_INT_EQ(dayfile_path(&p, "d", NULL, 0), EINVAL);
	ASSERT_INT_EQ(dayfile_line(NULL, 0, "x"), EINVAL);
	dayfile_flush(NULL, 10);
}
