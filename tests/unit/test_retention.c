/*
 * Retention: day folders older than each kind's limit go with what they
 * hold, empty month and year folders after them; other kinds, younger
 * days, folders that are no dates and kinds kept for ever stay; the
 * section's errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/appender.h>
#include <callflowd/core/config.h>
#include <callflowd/core/loop.h>
#include <callflowd/store/retention.h>
#include "test.h"

/* 2024-03-05T12:00:00Z */
#define NOW 1709640000000ULL

static int touch(const char *dir, const char *rel)
{
	char path[512], folder[512];
	FILE *fp;
	char *slash;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(folder, sizeof(folder), "%s", path);
	slash = strrchr(folder, '/');
	*slash = '\0';
	err = appender_mkdirs(folder);
	if (err)
		return err;
	fp = fopen(path, "w");
	if (!fp)
		return errno;
	fputs("{}\n", fp);
	fclose(fp);
	return 0;
}

static bool exists(const char *dir, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return access(path, F_OK) == 0;
}

struct wait {
	unsigned removed;
	bool done;
};

static void done_h(unsigned removed, void *arg)
{
	struct wait *w = arg;

	w->removed = removed;
	w->done = true;
	re_cancel();
}

static int cfg_of(struct config **cfgp, const char *retention)
{
	char text[512], err[128];

	snprintf(text, sizeof(text), "{\"records\":{\"retention\":%s}}",
		 retention);
	return config_parse(cfgp, text, NULL, err, sizeof(err));
}

TEST(old_days_go)
{
	char dir[] = "/tmp/cfd-ret-XXXXXX", cmd[128], err[160];
	struct retention *r = NULL;
	struct config *cfg = NULL;
	struct wait w;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	/* flow logs: kept 2 days (the 3rd and later stay) */
	ASSERT_INT_EQ(touch(dir, "flow-logs/2023/12/31/flow-logs.jsonl"), 0);
	ASSERT_INT_EQ(touch(dir, "flow-logs/2024/03/01/flow-logs.jsonl"), 0);
	ASSERT_INT_EQ(touch(dir, "flow-logs/2024/03/02/flow-logs.jsonl"), 0);
	ASSERT_INT_EQ(touch(dir, "flow-logs/2024/03/03/flow-logs.jsonl"), 0);
	ASSERT_INT_EQ(touch(dir, "flow-logs/2024/03/05/flow-logs.jsonl"), 0);
	ASSERT_INT_EQ(touch(dir, "flow-logs/2024/03/notes/keep.txt"), 0);
	ASSERT_INT_EQ(touch(dir, "flow-logs/old/keep.txt"), 0);
	/* agent events: 30 days */
	ASSERT_INT_EQ(touch(dir, "agent-events/2024/01/20/a.jsonl"), 0);
	ASSERT_INT_EQ(touch(dir, "agent-events/2024/02/20/a.jsonl"), 0);
	/* recordings: kept for ever */
	ASSERT_INT_EQ(touch(dir, "recordings/2020/01/01/x.wav"), 0);

	ASSERT_INT_EQ(retention_alloc(&r, dir, NULL), 0);
	ASSERT_INT_EQ(cfg_of(&cfg, "{\"flow_logs_days\": 2, "
			     "\"agent_events_days\": 30, "
			     "\"recordings_days\": 0}"), 0);
	ASSERT_INT_EQ(retention_configure(r, cfg, err, sizeof(err)), 0);

	memset(&w, 0, sizeof(w));
	ASSERT_INT_EQ(retention_sweep(r, NOW, done_h, &w), 0);
	ASSERT_INT_EQ(retention_sweep(r, NOW, done_h, &w), EBUSY);
	(void)re_main(NULL);
	ASSERT_TRUE(w.done);
	ASSERT_INT_EQ(w.removed, 4);
	ASSERT_INT_EQ(retention_removed(r), 4);

	ASSERT_FALSE(exists(dir, "flow-logs/2023"));	/* empty year gone */
	ASSERT_FALSE(exists(dir, "flow-logs/2024/03/01"));
	ASSERT_FALSE(exists(dir, "flow-logs/2024/03/02"));
	ASSERT_TRUE(exists(dir, "flow-logs/2024/03/03/flow-logs.jsonl"));
	ASSERT_TRUE(exists(dir, "flow-logs/2024/03/05/flow-logs.jsonl"));
	ASSERT_TRUE(exists(dir, "flow-logs/2024/03/notes/keep.txt"));
	ASSERT_TRUE(exists(dir, "flow-logs/old/keep.txt"));
	ASSERT_FALSE(exists(dir, "agent-events/2024/01"));
	ASSERT_TRUE(exists(dir, "agent-events/2024/02/20/a.jsonl"));
	ASSERT_TRUE(exists(dir, "recordings/2020/01/01/x.wav"));

	/* nothing left to do */
	memset(&w, 0, sizeof(w));
	ASSERT_INT_EQ(retention_sweep(r, NOW, done_h, &w), 0);
	(void)re_main(NULL);
	ASSERT_INT_EQ(w.removed, 0);

	mem_deref(cfg);
	mem_deref(r);
	loop_close();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT_INT_EQ(system(cmd), 0);
}

TEST(section_errors)
{
	static const char *const bad[] = {
		"[]", "{\"logs_days\": 3}", "{\"flow_logs_days\": -1}",
		"{\"flow_logs_days\": \"7\"}", "{\"recordings_days\": 1.5}",
	};
	struct config *cfg = NULL;
	char err[160];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_INT_EQ(cfg_of(&cfg, bad[i]), 0);
		err[0] = '\0';
		ASSERT_INT_EQ(retention_configure(NULL, cfg, err, sizeof(err)),
			      EINVAL);
		ASSERT_TRUE(strstr(err, "records.retention") != NULL);
		cfg = mem_deref(cfg);
	}
	ASSERT_INT_EQ(cfg_of(&cfg, "{}"), 0);
	ASSERT_INT_EQ(retention_configure(NULL, cfg, err, sizeof(err)), 0);
	mem_deref(cfg);
	ASSERT_INT_EQ(retention_configure(NULL, NULL, err, sizeof(err)),
		      EINVAL);
	ASSERT_INT_EQ(retention_alloc(NULL, "/tmp", NULL), EINVAL);
	ASSERT_INT_EQ(retention_sweep(NULL, 0, NULL, NULL), EINVAL);
	ASSERT_INT_EQ(retention_removed(NULL), 0);
}
