/**
 * @file appender.c  Ordered appends off the loop: one pool job at a time,
 * which also formats the deferred lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/appender.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>

/* A formatted line or a rewrite, queued in order with the bytes around
 * it: the item's own output comes first, then the bytes queued after it. */
struct apitem {
	struct le le;
	appender_fmt_h *fmth;
	appender_done_h *doneh;	/* the line on disk (or failed) */
	void *arg;		/* referenced; released on the loop thread */
	bool rewrite;		/* fmth's output replaces the file */
	int err;		/* the pool job's verdict on this item */
	struct mbuf *tail;	/* bytes queued after this item (or NULL) */
};

struct appender {
	char *path;
	int fd;			/* the pool job's while busy */
	struct mbuf *pending;	/* bytes queued before the first item */
	struct list items;	/* struct apitem, queued after pending */
	struct mbuf *inflight;	/* the pool job's bytes, items, output */
	struct list initems;
	struct mbuf *out;
	int job_err;		/* set by the pool thread, read after done */
	unsigned job_fmt_fail;
	uint64_t job_bytes;	/* formatted bytes the job wrote */
	bool job_rewrote;
	int last_err;
	uint64_t failures;	/* lines not formatted, writes that failed */
	bool busy;
	uint64_t bytes;
};

static void item_destructor(void *arg)
{
	struct apitem *it = arg;

	list_unlink(&it->le);
	mem_deref(it->arg);
	mem_deref(it->tail);
}

static void destructor(void *arg)
{
	struct appender *ap = arg;

	/* a running write job holds a reference: never busy here */
	if (ap->fd >= 0)
		close(ap->fd);
	list_flush(&ap->items);
	list_flush(&ap->initems);
	mem_deref(ap->pending);
	mem_deref(ap->inflight);
	mem_deref(ap->out);
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
	ap->out = mbuf_alloc(4096);
	if (!ap->pending || !ap->inflight || !ap->out)
		err = ENOMEM;

 out:
	if (err)
		mem_deref(ap);
	else
		*app = ap;
	return err;
}

/* pool thread: write n bytes at p to fd */
static int write_all(int fd, const uint8_t *p, size_t left)
{
	while (left) {
		ssize_t n = write(fd, p, left);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

/* pool thread: the item's output becomes the whole file (tmp, fsync,
 * rename), then appends go on in the new file */
static int rewrite_file(struct appender *ap, const struct mbuf *content)
{
	char tmp[4096];
	int fd, nfd, err;

	if (re_snprintf(tmp, sizeof(tmp), "%s.tmp", ap->path) < 0)
		return ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return errno;
	err = write_all(fd, content->buf, content->end);
	if (!err && fsync(fd))
		err = errno;
	(void)close(fd);
	if (!err && rename(tmp, ap->path))
		err = errno;
	if (err) {
		(void)unlink(tmp);
		return err;
	}
	nfd = open(ap->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (nfd < 0)
		return errno;
	(void)close(ap->fd);
	ap->fd = nfd;
	return 0;
}

/* pool thread: bytes, then each item's output and the bytes after it,
 * in one write where there is no rewrite; then make it durable */
static void write_work(void *arg)
{
	struct appender *ap = arg;
	struct mbuf *out = ap->out;
	struct le *le;
	int err;

	ap->job_err = 0;
	ap->job_fmt_fail = 0;
	ap->job_bytes = 0;
	ap->job_rewrote = false;
	mbuf_rewind(out);
	if (ap->inflight->end &&
	    mbuf_write_mem(out, ap->inflight->buf, ap->inflight->end))
		ap->job_err = ENOMEM;

	LIST_FOREACH(&ap->initems, le) {
		struct apitem *it = le->data;

		if (it->rewrite) {
			/* what came before goes to the old file first */
			err = write_all(ap->fd, out->buf, out->end);
			if (err)
				ap->job_err = err;
			mbuf_rewind(out);
			err = it->fmth(out, it->arg);
			if (!err)
				err = rewrite_file(ap, out);
			it->err = err;
			if (err)
				ap->job_err = err;
			else
				ap->job_rewrote = true;
			mbuf_rewind(out);
		}
		else {
			size_t before = out->end;

			out->pos = out->end;
			err = it->fmth(out, it->arg);
			if (!err)
				err = mbuf_write_u8(out, '\n');
			it->err = err;
			if (err) {
				/* no half line: drop what it wrote */
				out->pos = out->end = before;
				++ap->job_fmt_fail;
			}
			else {
				ap->job_bytes += out->end - before;
			}
		}
		if (it->tail && it->tail->end) {
			out->pos = out->end;
			if (mbuf_write_mem(out, it->tail->buf,
					   it->tail->end))
				ap->job_err = ENOMEM;
		}
	}

	err = write_all(ap->fd, out->buf, out->end);
	if (err)
		ap->job_err = err;
	if (fdatasync(ap->fd) && !ap->job_err)
		ap->job_err = errno;
	/* a failed write or sync may have lost any line of this job */
	if (ap->job_err) {
		LIST_FOREACH(&ap->initems, le) {
			struct apitem *it = le->data;

			if (!it->err)
				it->err = ap->job_err;
		}
	}
}

static void start_job(struct appender *ap);

static void job_finish(struct appender *ap)
{
	struct list done;

	ap->failures += ap->job_fmt_fail + (ap->job_err ? 1 : 0);
	if (ap->job_fmt_fail)
		log_error("appender: %u line%s for %s could not be formatted",
			  ap->job_fmt_fail, ap->job_fmt_fail == 1 ? "" : "s",
			  ap->path);
	if (ap->job_err) {
		ap->last_err = ap->job_err;
		log_error("appender: write to %s failed: %m", ap->path,
			  ap->last_err);
	}
	ap->bytes += ap->job_bytes;
	mbuf_reset(ap->inflight);
	/* taken out first: a done handler may queue (and start) more */
	list_init(&done);
	while (!list_isempty(&ap->initems)) {
		struct le *le = list_head(&ap->initems);

		list_unlink(le);
		list_append(&done, le, le->data);
	}
	/* the output buffer keeps no more than a burst's worth */
	if (ap->out->size > (1u << 20)) {
		struct mbuf *mb = mbuf_alloc(4096);

		if (mb) {
			mem_deref(ap->out);
			ap->out = mb;
		}
	}
	else {
		mbuf_rewind(ap->out);
	}

	/* each line's owner learns it is on disk, in queue order */
	while (!list_isempty(&done)) {
		struct apitem *it = list_head(&done)->data;

		list_unlink(&it->le);
		if (it->doneh)
			it->doneh(it->err, it->arg);
		mem_deref(it);
	}
}

static void write_done(int err, void *arg)
{
	struct appender *ap = arg;

	ap->busy = false;
	if (err) {
		struct le *le;

		ap->last_err = err;
		log_error("appender: write to %s did not run: %m", ap->path,
			  err);
		LIST_FOREACH(&ap->initems, le) {
			struct apitem *it = le->data;

			it->err = err;
		}
	}
	job_finish(ap);
	/* next job first: it takes its own reference before ours goes */
	start_job(ap);
	mem_deref(ap);
}

static void start_job(struct appender *ap)
{
	struct mbuf *t;
	int err;

	if (ap->busy || (!ap->pending->end && list_isempty(&ap->items)))
		return;

	t = ap->inflight;
	ap->inflight = ap->pending;
	ap->pending = t;
	while (!list_isempty(&ap->items)) {
		struct le *le = list_head(&ap->items);

		list_unlink(le);
		list_append(&ap->initems, le, le->data);
	}
	ap->busy = true;

	/* the job holds a reference so the object outlives it */
	err = loop_work(write_work, write_done, mem_ref(ap));
	if (err) {
		log_error("appender: cannot queue a write to %s: %m",
			  ap->path, err);
		/* write synchronously rather than lose data */
		write_work(ap);
		ap->busy = false;
		job_finish(ap);
		mem_deref(ap);
	}
}

/* Where bytes queued now go: after the last item, if any. */
static struct mbuf *queue_buf(struct appender *ap)
{
	struct apitem *last;

	if (list_isempty(&ap->items))
		return ap->pending;
	last = list_tail(&ap->items)->data;
	if (!last->tail)
		last->tail = mbuf_alloc(1024);
	return last->tail;
}

int appender_write(struct appender *ap, const void *data, size_t len)
{
	struct mbuf *mb;
	int err;

	if (!ap || (!data && len))
		return EINVAL;
	if (!len)
		return 0;

	mb = queue_buf(ap);
	if (!mb)
		return ENOMEM;
	err = mbuf_write_mem(mb, data, len);
	if (err)
		return err;
	ap->bytes += len;
	start_job(ap);
	return 0;
}

int appender_line(struct appender *ap, const char *text)
{
	struct mbuf *mb;
	size_t len;
	int err;

	if (!ap || !text)
		return EINVAL;

	mb = queue_buf(ap);
	if (!mb)
		return ENOMEM;
	/* one buffer write so a line is never split between two jobs */
	len = strlen(text);
	err  = mbuf_write_mem(mb, (const uint8_t *)text, len);
	err |= mbuf_write_u8(mb, '\n');
	if (err)
		return err;
	ap->bytes += len + 1;
	start_job(ap);
	return 0;
}

static int queue_item(struct appender *ap, appender_fmt_h *fmth,
		      appender_done_h *doneh, void *arg, bool rewrite)
{
	struct apitem *it;

	if (!ap || !fmth)
		return EINVAL;
	it = mem_zalloc(sizeof(*it), item_destructor);
	if (!it)
		return ENOMEM;
	it->fmth = fmth;
	it->doneh = doneh;
	it->arg = mem_ref(arg);
	it->rewrite = rewrite;
	list_append(&ap->items, &it->le, it);
	start_job(ap);
	return 0;
}

int appender_defer(struct appender *ap, appender_fmt_h *fmth, void *arg)
{
	return queue_item(ap, fmth, NULL, arg, false);
}

int appender_defer_then(struct appender *ap, appender_fmt_h *fmth,
			appender_done_h *doneh, void *arg)
{
	return queue_item(ap, fmth, doneh, arg, false);
}

int appender_rewrite(struct appender *ap, appender_fmt_h *fmth, void *arg)
{
	return queue_item(ap, fmth, NULL, arg, true);
}

bool appender_idle(const struct appender *ap)
{
	return !ap || (!ap->busy && !ap->pending->end &&
			list_isempty(&ap->items));
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

uint64_t appender_failures(const struct appender *ap)
{
	return ap ? ap->failures : 0;
}

int appender_error(const struct appender *ap)
{
	return ap ? ap->last_err : EINVAL;
}

const char *appender_path(const struct appender *ap)
{
	return ap ? ap->path : NULL;
}
