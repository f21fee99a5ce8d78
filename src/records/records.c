/**
 * @file records.c  The contact record file: ordered appends off the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <callflowd/libre.h>
#include <callflowd/log.h>
#include <callflowd/loop.h>
#include <callflowd/records.h>

struct records {
	char *path;
	int fd;
	struct mbuf *pending;	/* lines waiting for the next write job */
	struct mbuf *inflight;	/* lines the pool job is writing */
	int job_err;
	bool busy;
	uint64_t written;
	struct records **selfp;	/* cleared on destroy for late jobs */
};

static void destructor(void *arg)
{
	struct records *rec = arg;

	/* a running write job holds a reference: never busy here */
	if (rec->fd >= 0)
		close(rec->fd);
	mem_deref(rec->pending);
	mem_deref(rec->inflight);
	mem_deref(rec->path);
}

static int mkdirs(const char *path)
{
	char buf[4096];
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0750) && errno != EEXIST)
			return errno;
		buf[i] = path[i];
	}
	return 0;
}

int records_alloc(struct records **recp, const char *data_dir)
{
	struct records *rec;
	char dir[4096];
	int err;

	if (!recp || !data_dir)
		return EINVAL;

	rec = mem_zalloc(sizeof(*rec), destructor);
	if (!rec)
		return ENOMEM;
	rec->fd = -1;

	re_snprintf(dir, sizeof(dir), "%s/records", data_dir);
	err = mkdirs(dir);
	if (err) {
		log_error("records: cannot create %s: %m", dir, err);
		goto out;
	}
	err = re_sdprintf(&rec->path, "%s/contact-records.jsonl", dir);
	if (err)
		goto out;

	rec->fd = open(rec->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		       0640);
	if (rec->fd < 0) {
		err = errno;
		log_error("records: cannot open %s: %m", rec->path, err);
		goto out;
	}
	rec->pending = mbuf_alloc(4096);
	rec->inflight = mbuf_alloc(4096);
	if (!rec->pending || !rec->inflight)
		err = ENOMEM;

 out:
	if (err)
		mem_deref(rec);
	else
		*recp = rec;
	return err;
}

/* pool thread: write the whole inflight buffer */
static void write_work(void *arg)
{
	struct records *rec = arg;
	const uint8_t *p = rec->inflight->buf;
	size_t left = rec->inflight->end;

	rec->job_err = 0;
	while (left) {
		ssize_t n = write(rec->fd, p, left);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rec->job_err = errno;
			return;
		}
		p += n;
		left -= (size_t)n;
	}
	if (fdatasync(rec->fd))
		rec->job_err = errno;
}

static void start_job(struct records *rec);

static void write_done(int err, void *arg)
{
	struct records *rec = arg;

	rec->busy = false;
	if (err || rec->job_err) {
		log_error("records: write to %s failed: %m", rec->path,
			  err ? err : rec->job_err);
	}
	mbuf_reset(rec->inflight);
	mem_deref(rec);
	start_job(rec);
}

static void start_job(struct records *rec)
{
	struct mbuf *t;
	int err;

	if (rec->busy || !rec->pending->end)
		return;

	t = rec->inflight;
	rec->inflight = rec->pending;
	rec->pending = t;
	rec->busy = true;

	/* the job holds a reference so the object outlives it */
	err = loop_work(write_work, write_done, mem_ref(rec));
	if (err) {
		mem_deref(rec);
		rec->busy = false;
		log_error("records: cannot queue write: %m", err);
		/* write synchronously rather than lose records */
		write_work(rec);
		mbuf_reset(rec->inflight);
	}
}

int records_write(struct records *rec, const struct cdata *cd,
		  const struct crecord_info *info)
{
	char *json = NULL;
	int err;

	if (!rec || !info)
		return EINVAL;

	err = crecord_encode(&json, cd, info);
	if (err)
		return err;

	err  = mbuf_write_str(rec->pending, json);
	err |= mbuf_write_u8(rec->pending, '\n');
	mem_deref(json);
	if (err)
		return err;

	++rec->written;
	start_job(rec);
	return 0;
}

static void flush_tmr(void *arg)
{
	struct records *rec = arg;

	if (!rec->busy && !rec->pending->end)
		re_cancel();
}

/* Call outside re_main (shutdown): it runs the loop itself. */
void records_flush(struct records *rec, uint32_t ms)
{
	uint64_t deadline;

	if (!rec)
		return;

	deadline = tmr_jiffies() + ms;
	while ((rec->busy || rec->pending->end) && tmr_jiffies() < deadline) {
		struct tmr t;

		start_job(rec);
		tmr_init(&t);
		tmr_start(&t, 5, flush_tmr, rec);
		(void)re_main(NULL);
		tmr_cancel(&t);
	}
}

uint64_t records_written(const struct records *rec)
{
	return rec ? rec->written : 0;
}

const char *records_path(const struct records *rec)
{
	return rec ? rec->path : NULL;
}
