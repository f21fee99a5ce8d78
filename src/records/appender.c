/**
 * @file appender.c  Ordered appends off the loop: one pool job at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <callflowd/libre.h>
#include <callflowd/appender.h>
#include <callflowd/log.h>
#include <callflowd/loop.h>

struct appender {
	char *path;
	int fd;
	struct mbuf *pending;	/* bytes waiting for the next write job */
	struct mbuf *inflight;	/* bytes the pool job is writing */
	int job_err;		/* set by the pool thread, read after done */
	int last_err;
	bool busy;
	uint64_t bytes;
};

static void destructor(void *arg)
{
	struct appender *ap = arg;

	/* a running write job holds a reference: never busy here */
	if (ap->fd >= 0)
		close(ap->fd);
	mem_deref(ap->pending);
	mem_deref(ap->inflight);
	mem_deref(ap->path);
}

int appender_mkdirs(const char *dir)
{
	char buf[4096];
	size_t i, len;

	if (!dir || !*dir)
		return EINVAL;
	len = strlen(dir);
	if (len >= sizeof(buf))
		return ENAMETOOLONG;
	memcpy(buf, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0750) && errno != EEXIST)
			return errno;
		buf[i] = dir[i];
	}
	return 0;
}

int appender_alloc(struct appender **app, const char *path)
{
	struct appender *ap;
	char dir[4096];
	const char *slash;
	int err = 0;

	if (!app || !path || !*path)
		return EINVAL;

	slash = strrchr(path, '/');
	if (slash && slash > path) {
		if ((size_t)(slash - path) >= sizeof(dir))
			return ENAMETOOLONG;
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		err = appender_mkdirs(dir);
		if (err) {
			log_error("appender: cannot create %s: %m", dir, err);
			return err;
		}
	}

	ap = mem_zalloc(sizeof(*ap), destructor);
	if (!ap)
		return ENOMEM;
	ap->fd = -1;

	err = str_dup(&ap->path, path);
	if (err)
		goto out;
	ap->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (ap->fd < 0) {
		err = errno;
		log_error("appender: cannot open %s: %m", path, err);
		goto out;
	}
	ap->pending = mbuf_alloc(4096);
	ap->inflight = mbuf_alloc(4096);
	if (!ap->pending || !ap->inflight)
		err = ENOMEM;

 out:
	if (err)
		mem_deref(ap);
	else
		*app = ap;
	return err;
}

/* pool thread: write the whole inflight buffer, then make it durable */
static void write_work(void *arg)
{
	struct appender *ap = arg;
	const uint8_t *p = ap->inflight->buf;
	size_t left = ap->inflight->end;

	ap->job_err = 0;
	while (left) {
		ssize_t n = write(ap->fd, p, left);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ap->job_err = errno;
			return;
		}
		p += n;
		left -= (size_t)n;
	}
	if (fdatasync(ap->fd))
		ap->job_err = errno;
}

static void start_job(struct appender *ap);

static void write_done(int err, void *arg)
{
	struct appender *ap = arg;

	ap->busy = false;
	if (err || ap->job_err) {
		ap->last_err = err ? err : ap->job_err;
		log_error("appender: write to %s failed: %m", ap->path,
			  ap->last_err);
	}
	mbuf_reset(ap->inflight);
	/* next job first: it takes its own reference before ours goes */
	start_job(ap);
	mem_deref(ap);
}

static void start_job(struct appender *ap)
{
	struct mbuf *t;
	int err;

	if (ap->busy || !ap->pending->end)
		return;

	t = ap->inflight;
	ap->inflight = ap->pending;
	ap->pending = t;
	ap->busy = true;

	/* the job holds a reference so the object outlives it */
	err = loop_work(write_work, write_done, mem_ref(ap));
	if (err) {
		ap->busy = false;
		log_error("appender: cannot queue a write to %s: %m",
			  ap->path, err);
		/* write synchronously rather than lose data */
		write_work(ap);
		if (ap->job_err)
			ap->last_err = ap->job_err;
		mbuf_reset(ap->inflight);
		mem_deref(ap);
	}
}

int appender_write(struct appender *ap, const void *data, size_t len)
{
	int err;

	if (!ap || (!data && len))
		return EINVAL;
	if (!len)
		return 0;

	err = mbuf_write_mem(ap->pending, data, len);
	if (err)
		return err;
	ap->bytes += len;
	start_job(ap);
	return 0;
}

int appender_line(struct appender *ap, const char *text)
{
	size_t len;
	int err;

	if (!ap || !text)
		return EINVAL;

	/* one buffer write so a line is never split between two jobs */
	len = strlen(text);
	err  = mbuf_write_mem(ap->pending, (const uint8_t *)text, len);
	err |= mbuf_write_u8(ap->pending, '\n');
	if (err)
		return err;
	ap->bytes += len + 1;
	start_job(ap);
	return 0;
}

bool appender_idle(const struct appender *ap)
{
	return !ap || (!ap->busy && !ap->pending->end);
}

struct flush {
	struct appender *ap;
	struct tmr tmr;
	uint64_t deadline;
};

/* Poll until idle or past the deadline, then leave re_main. */
static void flush_tmr(void *arg)
{
	struct flush *f = arg;

	if (appender_idle(f->ap) || tmr_jiffies() >= f->deadline) {
		re_cancel();
		return;
	}
	tmr_start(&f->tmr, 5, flush_tmr, f);
}

void appender_flush(struct appender *ap, uint32_t ms)
{
	struct flush f;

	if (!ap || appender_idle(ap))
		return;

	f.ap = mem_ref(ap);
	f.deadline = tmr_jiffies() + ms;
	tmr_init(&f.tmr);
	tmr_start(&f.tmr, 5, flush_tmr, &f);
	(void)re_main(NULL);
	tmr_cancel(&f.tmr);
	if (!appender_idle(ap))
		log_warn("appender: %s: data still queued after %u ms",
			 ap->path, ms);
	mem_deref(f.ap);
}

uint64_t appender_bytes(const struct appender *ap)
{
	return ap ? ap->bytes : 0;
}

int appender_error(const struct appender *ap)
{
	return ap ? ap->last_err : EINVAL;
}

const char *appender_path(const struct appender *ap)
{
	return ap ? ap->path : NULL;
}
