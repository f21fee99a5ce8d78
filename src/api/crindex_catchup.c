/**
 * @file crindex_catchup.c  The record index catching up with the file:
 * appended lines read and parsed on the libuv pool, merged on the loop;
 * requests that must see every record written before them held until
 * then (crindex.c holds the index itself).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/core/util.h>
#include "api_priv.h"
#include "crindex_priv.h"

/* -- catching up: read and parse on the pool, merge on the loop -- */

static void job_destructor(void *arg)
{
	struct crjob *job = arg;

	free(job->lines);
	free(job->text);
	mem_deref(job->path);
}

static void wait_destructor(void *arg)
{
	struct crwait *w = arg;

	list_unlink(&w->le);
	mem_deref(w->conn);
	mem_deref(w->msg);
}

/* p with room for need items of sz bytes (malloc: pool-thread safe);
 * NULL on no memory, p then still valid. */
static void *room(void *p, size_t *capp, size_t need, size_t sz)
{
	size_t cap = *capp ? *capp : 256;
	void *q;

	if (need <= *capp)
		return p;
	while (cap < need)
		cap *= 2;
	q = realloc(p, cap * sz);
	if (q)
		*capp = cap;
	return q;
}

/* s into the job's text: *offp its offset + 1 (0 for none). */
static int job_str(size_t *offp, struct crjob *job, const char *s)
{
	size_t l;
	char *t;

	*offp = 0;
	if (!s)
		return 0;
	l = strlen(s) + 1;
	t = room(job->text, &job->capt, job->ntext + l, 1);
	if (!t)
		return ENOMEM;
	job->text = t;
	memcpy(t + job->ntext, s, l);
	*offp = job->ntext + 1;
	job->ntext += l;
	return 0;
}

/* Pool thread: parse one line (no record: skipped). */
static int job_line(struct crjob *job, const char *line, size_t len,
		    uint64_t off)
{
	struct jline *v, *jl;
	json_t *r;
	int err;

	v = room(job->lines, &job->capl, job->nlines + 1, sizeof(*v));
	if (!v)
		return ENOMEM;
	job->lines = v;
	jl = &v[job->nlines];

	r = json_loadb(line, len, 0, NULL);
	if (crindex_parse_line(&jl->l, r)) {
		++job->skipped;
		json_decref(r);
		return 0;
	}
	jl->l.off = off;
	jl->l.len = (uint32_t)len;
	err = job_str(&jl->id, job, jl->l.id);
	if (!err)
		err = job_str(&jl->queue, job, jl->l.queue);
	if (!err)
		err = job_str(&jl->agent, job, jl->l.agent);
	if (!err)
		++job->nlines;
	json_decref(r);
	return err;
}

/* Pool thread: parse the whole lines of buf (at file offset base);
 * returns the bytes used (the rest is a line still being written). */
static size_t job_buf(struct crjob *job, const char *buf, size_t len,
		      uint64_t base)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l;

		if (!nl)
			break;
		l = (size_t)(nl - (buf + pos));
		if (l) {
			job->err = job_line(job, buf + pos, l, base + pos);
			if (job->err)
				break;	/* this line again next time */
		}
		pos += l + 1;
	}
	return pos;
}

/* Pool thread (or the loop thread at start-up): read and parse. */
static void job_work(void *arg)
{
	struct crjob *job = arg;
	size_t len = 0, cap = 0, total = 0, used;
	char *buf = NULL, *b;
	struct stat st;
	uint64_t pos;
	ssize_t n;
	int fd;

	fd = open(job->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		job->gone = true;
		job->at_end = true;
		return;
	}
	if (fstat(fd, &st)) {
		job->err = errno;
		goto out;
	}
	if ((uint64_t)st.st_size < job->from ||
	    (job->ino && (uint64_t)st.st_ino != job->ino)) {
		job->replaced = true;
		job->from = 0;
	}
	job->ino = (uint64_t)st.st_ino;
	pos = job->from;

	/* past max only to end a line (or step over one too long) */
	while (total < job->max || pos == job->from) {
		b = room(buf, &cap, len + CHUNK, 1);
		if (!b) {
			job->err = ENOMEM;
			break;
		}
		buf = b;
		n = pread(fd, buf + len, CHUNK, (off_t)(pos + len));
		if (n < 0) {
			job->err = errno;
			break;
		}
		if (n == 0) {
			job->at_end = true;
			break;
		}
		len += (size_t)n;
		total += (size_t)n;
		used = job_buf(job, buf, len, pos);
		pos += used;
		len -= used;
		memmove(buf, buf + used, len);
		if (job->err)
			break;
		if (len > LINE_MAX_SZ) {
			/* a line this long is no record: step over it */
			pos += len;
			len = 0;
			++job->skipped;
		}
	}
	job->end = pos;
	job->size = pos + len;
 out:
	free(buf);
	(void)close(fd);
}

/* Loop thread: what a job found goes into the index (at most BATCH
 * bytes of lines: hash look-ups and copies, no parsing). */
static void merge(struct crindex *ix, struct crjob *job)
{
	size_t i;

	if (job->err)
		log_warn("records: reading %s: %m", ix->path, job->err);
	if (job->gone) {
		if (ix->n || ix->end)
			crindex_reset(ix);	/* the file went away */
	}
	else {
		if (job->replaced) {
			log_info("records: %s was replaced; indexing it anew",
				 ix->path);
			crindex_reset(ix);
		}
		ix->ino = job->ino;
		for (i = 0; i < job->nlines; i++) {
			struct jline *jl = &job->lines[i];

			jl->l.id = job->text + jl->id - 1;
			jl->l.queue = jl->queue ? job->text + jl->queue - 1 :
				NULL;
			jl->l.agent = jl->agent ? job->text + jl->agent - 1 :
				NULL;
			crindex_apply_line(ix, &jl->l);
		}
		ix->end = job->end;
		ix->size = job->size;
		ix->skipped += job->skipped;
	}
	/* after an error, waiting requests get what is indexed */
	if (job->at_end || job->err)
		ix->synced = job->seq;
}

static int job_alloc(struct crjob **jobp, struct crindex *ix, size_t max)
{
	struct crjob *job;
	int err;

	job = mem_zalloc(sizeof(*job), job_destructor);
	if (!job)
		return ENOMEM;
	err = str_dup(&job->path, ix->path);
	if (err) {
		mem_deref(job);
		return err;
	}
	job->ix = ix;
	job->seq = ++ix->started;
	job->from = job->end = ix->end;
	job->size = ix->size;
	job->ino = ix->ino;
	job->max = max;
	*jobp = job;
	return 0;
}

/* One catch-up on this thread; true once all the file held is in. */
bool crindex_catch_up_here(struct crindex *ix, size_t max)
{
	struct crjob *job = NULL;
	bool done;

	if (job_alloc(&job, ix, max)) {
		/* no memory: waiting requests get what is indexed */
		ix->synced = ++ix->started;
		return true;
	}
	job_work(job);
	merge(ix, job);
	done = job->at_end || job->err;
	mem_deref(job);
	return done;
}

static void release(struct crindex *ix);

static void job_done(int err, void *arg)
{
	struct crjob *job = arg;
	struct crindex *ix = job->ix;

	if (!ix) {
		mem_deref(job);		/* the index went first */
		return;
	}
	ix->job = NULL;
	if (err)
		ix->synced = job->seq;	/* cancelled: loop closing */
	else
		merge(ix, job);
	mem_deref(job);
	release(ix);
}

/* Start a catch-up on the pool: true when one runs now (its done handler
 * releases waiting requests). Without a pool (no loop, no memory) it is
 * done here, and false returned. */
static bool catch_up(struct crindex *ix)
{
	struct crjob *job = NULL;

	if (ix->job)
		return true;
	if (!job_alloc(&job, ix, BATCH)) {
		if (!loop_work(job_work, job_done, job)) {
			ix->job = job;
			return true;
		}
		--ix->started;
		mem_deref(job);
	}
	(void)crindex_catch_up_here(ix, BATCH);
	return false;
}

/* Answer, in order, the waiting requests that the index now serves; a
 * request waits for a catch-up started after it came that read to the
 * end of the file. */
static void release(struct crindex *ix)
{
	struct le *le;

	while ((le = list_head(&ix->waits))) {
		struct crwait *w = le->data;

		if (ix->synced <= w->after) {
			if (catch_up(ix))
				return;
			continue;
		}
		list_unlink(&w->le);
		w->readyh(w->conn, w->msg, w->arg);
		mem_deref(w);
	}
}

/* Whether the file holds what the index does not (or lost what it
 * does): a stat, no read. */
static bool behind(const struct crindex *ix)
{
	struct stat st;

	if (stat(ix->path, &st))
		return ix->n || ix->end;
	return (uint64_t)st.st_ino != ix->ino ||
		(uint64_t)st.st_size != ix->size;
}

static bool holds(const struct crindex *ix, const struct http_conn *conn)
{
	struct le *le;

	for (le = list_head(&ix->waits); conn && le; le = le->next) {
		const struct crwait *w = le->data;

		if (w->conn == conn)
			return true;
	}
	return false;
}

bool crindex_wait(struct crindex *ix, struct http_conn *conn,
		  const struct http_msg *msg, bool needs,
		  crindex_ready_h *readyh, void *arg)
{
	struct crwait *w;

	if (!ix || !readyh)
		return false;
	/* one behind another on its connection keeps replies in order */
	if (!holds(ix, conn) && (!needs || !behind(ix)))
		return false;

	w = mem_zalloc(sizeof(*w), wait_destructor);
	if (!w)
		return false;	/* answered from what is indexed */
	w->conn = mem_ref(conn);
	w->msg = mem_ref((void *)msg);
	w->after = ix->started;
	w->readyh = readyh;
	w->arg = arg;
	list_append(&ix->waits, &w->le, w);
	release(ix);
	return true;
}

void crindex_update(struct crindex *ix)
{
	/* in the background: requests wait in crindex_wait() */
	if (ix && !ix->job && behind(ix))
		(void)catch_up(ix);
}
