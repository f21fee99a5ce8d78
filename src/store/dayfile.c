/**
 * @file dayfile.c  One JSONL file per UTC day.
 */
#include <errno.h>
#include <time.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/appender.h>
#include <callflowd/store/dayfile.h>

struct dayfile {
	char *data_dir;
	char *kind;
	struct appender *ap;	/* today's file */
	int64_t day;		/* days since the epoch of ap's file */
};

static void destructor(void *arg)
{
	struct dayfile *df = arg;

	mem_deref(df->ap);
	mem_deref(df->kind);
	mem_deref(df->data_dir);
}

int dayfile_alloc(struct dayfile **dfp, const char *data_dir,
		  const char *kind)
{
	struct dayfile *df;
	int err;

	if (!dfp || !data_dir || !kind || !*kind)
		return EINVAL;
	df = mem_zalloc(sizeof(*df), destructor);
	if (!df)
		return ENOMEM;
	df->day = -1;
	err = str_dup(&df->data_dir, data_dir);
	if (!err)
		err = str_dup(&df->kind, kind);
	if (err)
		mem_deref(df);
	else
		*dfp = df;
	return err;
}

int dayfile_path(char **pathp, const char *data_dir, const char *kind,
		 uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!pathp || !data_dir || !kind || !gmtime_r(&t, &tm))
		return EINVAL;
	return re_sdprintf(pathp, "%s/%s/%04d/%02d/%02d/%s.jsonl", data_dir,
			   kind, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			   kind);
}

static int open_day(struct dayfile *df, uint64_t ms)
{
	int64_t day = (int64_t)(ms / 86400000ULL);
	struct appender *ap = NULL;
	char *path = NULL;
	int err;

	if (df->ap && day == df->day)
		return 0;
	err = dayfile_path(&path, df->data_dir, df->kind, ms);
	if (err)
		return err;
	err = appender_alloc(&ap, path);
	mem_deref(path);
	if (err)
		return err;
	/* yesterday's appender finishes its queued lines by itself */
	mem_deref(df->ap);
	df->ap = ap;
	df->day = day;
	return 0;
}

int dayfile_line(struct dayfile *df, uint64_t ms, const char *text)
{
	int err;

	if (!df || !text)
		return EINVAL;
	err = open_day(df, ms);
	if (err)
		return err;
	return appender_line(df->ap, text);
}

void dayfile_flush(struct dayfile *df, uint32_t ms)
{
	if (df)
		appender_flush(df->ap, ms);
}
