/*
 * The appender: bytes and deferred lines reach the file in queue order
 * through pool jobs, a line whose formatting fails is dropped alone, a
 * rewrite replaces the file in queue order, a released appender still
 * finishes what was queued, and bad input is refused cleanly.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/appender.h>
#include <callflowd/core/loop.h>
#include "test.h"
#include "tfiles.h"

TEST(lines_in_order)
{
	char dir[] = "/tmp/cfd-app-XXXXXX", path[128], *text, exp[16];
	struct appender *ap = NULL;
	size_t len = 0, off = 0;
	int i;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	/* parent folders are made */
	snprintf(path, sizeof(path), "%s/a/b/c/out.jsonl", dir);
	ASSERT_INT_EQ(appender_alloc(&ap, path), 0);
	ASSERT_STR_EQ(appender_path(ap), path);
	ASSERT_TRUE(appender_idle(ap));

	/* many small writes, most queued while a job is running */
	for (i = 0; i < 2000; i++) {
		char line[16];

		snprintf(line, sizeof(line), "%d", i);
		ASSERT_INT_EQ(appender_line(ap, line), 0);
	}
	ASSERT_INT_EQ(appender_write(ap, "raw", 3), 0);
	ASSERT_INT_EQ(appender_write(ap, "", 0), 0);
	ASSERT_FALSE(appender_idle(ap));
	appender_flush(ap, 10000);
	ASSERT_TRUE(appender_idle(ap));
	ASSERT_INT_EQ(appender_error(ap), 0);

	text = tf_slurp(path, &len);
	ASSERT_NOT_NULL(text);
	ASSERT_INT_EQ(len, appender_bytes(ap));
	for (i = 0; i < 2000; i++) {
		snprintf(exp, sizeof(exp), "%d\n", i);
		if (strncmp(text + off, exp, strlen(exp))) {
			free(text);
			ASSERT_INT_EQ(i, -1);
		}
		off += strlen(exp);
	}
	ASSERT_STR_EQ(text + off, "raw");
	free(text);

	mem_deref(ap);
	loop_close();
	tf_rmrf(dir);
}

TEST(appends_to_existing_file)
{
	char dir[] = "/tmp/cfd-app-XXXXXX", path[128], *text;
	struct appender *ap = NULL;
	size_t len = 0;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(path, sizeof(path), "%s/f", dir);
	ASSERT_INT_EQ(appender_alloc(&ap, path), 0);
	ASSERT_INT_EQ(appender_line(ap, "one"), 0);
	appender_flush(ap, 5000);
	ap = mem_deref(ap);
	ASSERT_INT_EQ(appender_alloc(&ap, path), 0);
	ASSERT_INT_EQ(appender_line(ap, "two"), 0);
	appender_flush(ap, 5000);
	mem_deref(ap);

	text = tf_slurp(path, &len);
	ASSERT_NOT_NULL(text);
	ASSERT_STR_EQ(text, "one\ntwo\n");
	free(text);
	loop_close();
	tf_rmrf(dir);
}

TEST(released_appender_finishes)
{
	char dir[] = "/tmp/cfd-app-XXXXXX", path[128], *text;
	struct appender *ap = NULL;
	size_t len = 0;
	int i;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(path, sizeof(path), "%s/f", dir);
	ASSERT_INT_EQ(appender_alloc(&ap, path), 0);
	for (i = 0; i < 100; i++)
		ASSERT_INT_EQ(appender_line(ap, "0123456789"), 0);
	ASSERT_FALSE(appender_idle(ap));
	/* the running job's reference keeps it until all is written */
	ap = mem_deref(ap);

	tf_wait_jobs();

	text = tf_slurp(path, &len);
	ASSERT_NOT_NULL(text);
	free(text);
	ASSERT_INT_EQ(len, 100 * 11);
	loop_close();
	tf_rmrf(dir);
}

/* A deferred line: its number, formatted on the pool (or a failure). */
struct num {
	int n;
	bool fail;
};

static int fmt_num(struct mbuf *mb, void *arg)
{
	const struct num *x = arg;

	if (x->fail) {
		(void)mbuf_write_str(mb, "half a li");	/* must not appear */
		return EBADMSG;
	}
	return mbuf_printf(mb, "d%d", x->n);
}

static int defer_num(struct appender *ap, int n, bool fail)
{
	struct num *x = mem_zalloc(sizeof(*x), NULL);
	int err;

	if (!x)
		return ENOMEM;
	x->n = n;
	x->fail = fail;
	err = appender_defer(ap, fmt_num, x);
	mem_deref(x);	/* the appender holds its own reference */
	return err;
}

TEST(deferred_lines_keep_queue_order)
{
	char dir[] = "/tmp/cfd-app-XXXXXX", path[128], *text, exp[32];
	struct appender *ap = NULL;
	size_t len = 0, off = 0;
	int i, failing = 0;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(path, sizeof(path), "%s/f", dir);
	ASSERT_INT_EQ(appender_alloc(&ap, path), 0);

	/* plain and deferred lines interleaved, in runs of both kinds, most
	 * queued while a job runs; every 7th deferred line fails */
	for (i = 0; i < 1000; i++) {
		if (i % 3 == 0) {
			snprintf(exp, sizeof(exp), "p%d", i);
			ASSERT_INT_EQ(appender_line(ap, exp), 0);
		}
		else {
			ASSERT_INT_EQ(defer_num(ap, i, i % 7 == 0), 0);
			failing += i % 7 == 0;
		}
	}
	ASSERT_FALSE(appender_idle(ap));
	appender_flush(ap, 10000);
	ASSERT_TRUE(appender_idle(ap));
	ASSERT_INT_EQ(appender_error(ap), 0);
	ASSERT_INT_EQ(appender_failures(ap), failing);

	text = tf_slurp(path, &len);
	ASSERT_NOT_NULL(text);
	ASSERT_NULL(strstr(text, "half"));
	ASSERT_INT_EQ(len, appender_bytes(ap));
	for (i = 0; i < 1000; i++) {
		if (i % 3 && i % 7 == 0)
			continue;
		snprintf(exp, sizeof(exp), "%c%d\n", i % 3 ? 'd' : 'p', i);
		if (strncmp(text + off, exp, strlen(exp))) {
			free(text);
			ASSERT_INT_EQ(i, -1);
		}
		off += strlen(exp);
	}
	ASSERT_INT_EQ(off, len);
	free(text);

	mem_deref(ap);
	loop_close();
	tf_rmrf(dir);
}

static int fmt_content(struct mbuf *mb, void *arg)
{
	return mbuf_write_str(mb, arg);
}

TEST(rewrite_replaces_the_file_in_order)
{
	char dir[] = "/tmp/cfd-app-XXXXXX", path[128], *text, *content = NULL;
	struct appender *ap = NULL;
	size_t len = 0;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(path, sizeof(path), "%s/f", dir);
	ASSERT_INT_EQ(appender_alloc(&ap, path), 0);
	ASSERT_INT_EQ(appender_line(ap, "old 1"), 0);
	ASSERT_INT_EQ(defer_num(ap, 2, false), 0);
	ASSERT_INT_EQ(str_dup(&content, "kept A\nkept B\n"), 0);
	ASSERT_INT_EQ(appender_rewrite(ap, fmt_content, content), 0);
	content = mem_deref(content);
	ASSERT_INT_EQ(appender_line(ap, "new 3"), 0);
	ASSERT_INT_EQ(defer_num(ap, 4, false), 0);
	appender_flush(ap, 10000);
	ASSERT_INT_EQ(appender_error(ap), 0);

	text = tf_slurp(path, &len);
	ASSERT_NOT_NULL(text);
	ASSERT_STR_EQ(text, "kept A\nkept B\nnew 3\nd4\n");
	free(text);
	/* no temporary file is left behind */
	snprintf(path, sizeof(path), "%s/f.tmp", dir);
	ASSERT_TRUE(access(path, F_OK) != 0);

	/* appends after the job go to the new file too */
	ASSERT_INT_EQ(appender_line(ap, "later"), 0);
	appender_flush(ap, 10000);
	snprintf(path, sizeof(path), "%s/f", dir);
	text = tf_slurp(path, &len);
	ASSERT_NOT_NULL(text);
	ASSERT_STR_EQ(text, "kept A\nkept B\nnew 3\nd4\nlater\n");
	free(text);

	mem_deref(ap);
	loop_close();
	tf_rmrf(dir);
}

TEST(bad_input)
{
	struct appender *ap = NULL;

	ASSERT_INT_EQ(appender_alloc(NULL, "/tmp/x"), EINVAL);
	ASSERT_INT_EQ(appender_alloc(&ap, NULL), EINVAL);
	ASSERT_INT_EQ(appender_alloc(&ap, ""), EINVAL);
	ASSERT_NULL(ap);
	/* a folder that cannot be made */
	ASSERT_TRUE(appender_alloc(&ap, "/proc/cfd-no/such/f") != 0);
	ASSERT_NULL(ap);
	/* a path that is a folder */
	ASSERT_INT_EQ(appender_alloc(&ap, "/tmp"), EISDIR);
	ASSERT_NULL(ap);
	ASSERT_INT_EQ(appender_write(NULL, "x", 1), EINVAL);
	ASSERT_INT_EQ(appender_line(NULL, "x"), EINVAL);
	ASSERT_INT_EQ(appender_defer(NULL, fmt_num, NULL), EINVAL);
	ASSERT_INT_EQ(appender_rewrite(NULL, fmt_num, NULL), EINVAL);
	ASSERT_INT_EQ(appender_mkdirs(NULL), EINVAL);
	ASSERT_INT_EQ(appender_mkdirs(""), EINVAL);
	ASSERT_TRUE(appender_idle(NULL));
	ASSERT_INT_EQ(appender_bytes(NULL), 0);
	ASSERT_NULL(appender_path(NULL));
	appender_flush(NULL, 10);
}
