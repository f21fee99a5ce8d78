/**
 * @file promptcache.c  Prompt files decoded on the pool, cached by
 * (path, size, mtime). Same ownership as tts.c: the job owns its inputs
 * and result until the pool work is over; requests only wait on it.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <re.h>
#include <callflowd/media/audio.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/media/promptcache.h>
#include <callflowd/media/wav.h>

struct promptcache {
	struct list entries;		/* pentry */
	struct list jobs;		/* pjob in flight (weak) */
	struct promptcache_stats st;
};

struct stamp {
	int64_t size;
	int64_t mtime_ns;
};

struct pentry {
	struct le le;
	struct promptcache *pc;		/* weak */
	char *path;
	struct stamp stamp;
	struct audio *audio;
};

struct pjob {
	struct le le;
	struct promptcache *pc;		/* ref */
	struct list reqs;
	char *path;			/* input */
	struct stamp stamp;		/* input */
	struct audio *audio;		/* result */
	const char *reason;		/* result */
	int err;			/* result */
};

struct prompt_req {
	struct le le;
	struct tmr tmr;
	struct audio *audio;
	prompt_done_h *doneh;
	void *arg;
};


static bool same_stamp(const struct stamp *a, const struct stamp *b)
{
	return a->size == b->size && a->mtime_ns == b->mtime_ns;
}


static void pentry_destructor(void *arg)
{
	struct pentry *e = arg;

	list_unlink(&e->le);
	if (e->pc)
		--e->pc->st.entries;
	mem_deref(e->path);
	mem_deref(e->audio);
}


static struct pentry *entry_find(struct promptcache *pc, const char *path)
{
	struct le *le;

	for (le = list_head(&pc->entries); le; le = le->next) {
		struct pentry *e = le->data;

		if (!strcmp(e->path, path))
			return e;
	}

	return NULL;
}


static void entry_put(struct promptcache *pc, const char *path,
		      const struct stamp *stamp, struct audio *a)
{
	struct pentry *e = entry_find(pc, path);

	/* a newer version replaces the old one */
	mem_deref(e);

	e = mem_zalloc(sizeof(*e), pentry_destructor);
	if (!e || str_dup(&e->path, path)) {
		mem_deref(e);
		return;
	}

	e->pc = pc;
	e->stamp = *stamp;
	e->audio = mem_ref(a);
	list_append(&pc->entries, &e->le, e);
	++pc->st.entries;
}


static void job_work(void *arg)
{
	struct pjob *job = arg;

	job->err = wav_load(&job->audio, job->path, &job->reason);
}


static void job_destructor(void *arg)
{
	struct pjob *job = arg;
	struct le *le;

	list_unlink(&job->le);
	while ((le = list_head(&job->reqs)))
		list_unlink(le);
	mem_deref(job->audio);
	mem_deref(job->path);
	mem_deref(job->pc);
}


static void job_done(int err, void *arg)
{
	struct pjob *job = arg;
	struct promptcache *pc = job->pc;
	const char *reason = job->reason;
	struct le *le;

	list_unlink(&job->le);
	if (!err)
		err = job->err;

	if (err) {
		if (!reason)
			reason = strerror(err);
		++pc->st.errors;
		log_warn("prompt %s: %s", job->path, reason);
	}
	else {
		++pc->st.loads;
		entry_put(pc, job->path, &job->stamp, job->audio);
	}

	while ((le = list_head(&job->reqs))) {
		struct prompt_req *req = le->data;

		list_unlink(le);
		req->doneh(err, err ? NULL : job->audio, err ? reason : NULL,
			   req->arg);
	}

	mem_deref(job);
}


static void req_destructor(void *arg)
{
	struct prompt_req *req = arg;

	tmr_cancel(&req->tmr);
	list_unlink(&req->le);
	mem_deref(req->audio);
}


static void req_hit(void *arg)
{
	struct prompt_req *req = arg;

	req->doneh(0, req->audio, NULL, req->arg);
}


static struct pjob *job_find(struct promptcache *pc, const char *path,
			     const struct stamp *stamp)
{
	struct le *le;

	for (le = list_head(&pc->jobs); le; le = le->next) {
		struct pjob *job = le->data;

		if (!strcmp(job->path, path) && same_stamp(&job->stamp, stamp))
			return job;
	}

	return NULL;
}


static int job_start(struct pjob **jobp, struct promptcache *pc,
		     const char *path, const struct stamp *stamp)
{
	struct pjob *job;
	int err;

	job = mem_zalloc(sizeof(*job), job_destructor);
	if (!job)
		return ENOMEM;

	job->pc = mem_ref(pc);
	job->stamp = *stamp;
	err = str_dup(&job->path, path);
	if (!err)
		err = loop_work(job_work, job_done, job);
	if (err) {
		mem_deref(job);
		return err;
	}

	list_append(&pc->jobs, &job->le, job);
	*jobp = job;

	return 0;
}


int promptcache_load(struct prompt_req **reqp, struct promptcache *pc,
		     const char *path, prompt_done_h *doneh, void *arg)
{
	struct prompt_req *req;
	struct pentry *e;
	struct pjob *job;
	struct stamp stamp;
	struct stat st;
	int err;

	if (!reqp || !pc || !path || !doneh)
		return EINVAL;

	/* one local stat on the loop decides hit or reload */
	if (stat(path, &st)) {
		err = errno;
		log_warn("prompt %s: %s", path, strerror(err));
		return err;
	}
	if (S_ISDIR(st.st_mode)) {
		log_warn("prompt %s: is a directory", path);
		return EISDIR;
	}

	stamp.size = (int64_t)st.st_size;
	stamp.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
		st.st_mtim.tv_nsec;

	req = mem_zalloc(sizeof(*req), req_destructor);
	if (!req)
		return ENOMEM;
	tmr_init(&req->tmr);
	req->doneh = doneh;
	req->arg = arg;

	e = entry_find(pc, path);
	if (e && same_stamp(&e->stamp, &stamp)) {
		++pc->st.hits;
		req->audio = mem_ref(e->audio);
		tmr_start(&req->tmr, 0, req_hit, req);
		*reqp = req;
		return 0;
	}

	job = job_find(pc, path, &stamp);
	if (!job) {
		err = job_start(&job, pc, path, &stamp);
		if (err) {
			mem_deref(req);
			return err;
		}
	}

	list_append(&job->reqs, &req->le, req);
	*reqp = req;

	return 0;
}


static void destructor(void *arg)
{
	struct promptcache *pc = arg;

	/* jobs hold a reference: none is in flight here */
	list_flush(&pc->entries);
}


int promptcache_alloc(struct promptcache **pcp)
{
	struct promptcache *pc;

	if (!pcp)
		return EINVAL;

	pc = mem_zalloc(sizeof(*pc), destructor);
	if (!pc)
		return ENOMEM;

	*pcp = pc;
	return 0;
}


void promptcache_get_stats(const struct promptcache *pc,
			   struct promptcache_stats *st)
{
	if (!st)
		return;

	if (pc)
		*st = pc->st;
	else
		memset(st, 0, sizeof(*st));
}
