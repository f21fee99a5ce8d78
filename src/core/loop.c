/**
 * @file loop.c  libuv nested inside re_main(): libre polls uv_backend_fd()
 * and a libre timer follows uv_backend_timeout(); each wake-up runs
 * uv_run(UV_RUN_NOWAIT). Pool jobs are tracked so loop_close() can cancel
 * what has not started and wait for the rest.
 */
#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <re.h>
#include <callflowd/core/loop.h>

enum { LOOP_MAXFDS = 65536 };

struct loop_job {
	struct le le;
	uv_work_t req;
	loop_work_h *workh;
	loop_done_h *doneh;
	void *arg;
};

static struct {
	uv_loop_t uv;
	struct tmr tmr;
	struct list jobs;
	struct list deferred;	/* struct deferred, not run yet */
	int fd;
	bool ready;
} lp = { .fd = -1 };


static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur >= LOOP_MAXFDS)
		return;
	rl.rlim_cur = rl.rlim_max < LOOP_MAXFDS ? rl.rlim_max : LOOP_MAXFDS;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}


static void tmr_handler(void *arg)
{
	(void)arg;
	loop_kick();
}


static void fd_handler(int flags, void *arg)
{
	(void)flags;
	(void)arg;
	loop_kick();
}


void loop_kick(void)
{
	int to;

	if (!lp.ready)
		return;

	(void)uv_run(&lp.uv, UV_RUN_NOWAIT);

	/* -1: libuv has no timer; 0: more to do now (or nothing alive,
	 * which must not become a 1 ms busy loop); >0: next libuv timer */
	to = uv_backend_timeout(&lp.uv);
	if (to >= 0 && uv_loop_alive(&lp.uv))
		tmr_start(&lp.tmr, (uint64_t)to, tmr_handler, NULL);
	else
		tmr_cancel(&lp.tmr);
}


int loop_init(void)
{
	int err;

	if (lp.ready)
		return EALREADY;

	raise_nofile();
	err = fd_setsize(LOOP_MAXFDS);
	if (err)
		return err;

	err = uv_loop_init(&lp.uv);
	if (err)
		return -err;

	tmr_init(&lp.tmr);
	list_init(&lp.jobs);
	lp.fd = uv_backend_fd(&lp.uv);
	err = fd_listen(lp.fd, FD_READ, fd_handler, NULL);
	if (err) {
		(void)uv_loop_close(&lp.uv);
		lp.fd = -1;
		return err;
	}

	lp.ready = true;
	loop_kick();	/* prime; a no-op while nothing is alive */

	return 0;
}


uv_loop_t *loop_uv(void)
{
	return lp.ready ? &lp.uv : NULL;
}


/*
 * Pool threads are bulk workers: SCHED_BATCH (a woken worker never
 * preempts the thread it wakes next to) at nice 10 (it yields to the loop
 * thread when both want one core). On a small machine the loop thread
 * (media clock, SIP) would otherwise lose its core for a time slice each
 * time it queues records or a TTS job. Neither can be undone without
 * privileges; the pool never needs to.
 */
static void batch_self(void)
{
	static _Thread_local bool done;
	struct sched_param sp = {.sched_priority = 0};

	if (done)
		return;
	done = true;
	(void)sched_setscheduler(0, SCHED_BATCH, &sp);
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
}

static void job_work(uv_work_t *req)
{
	struct loop_job *job = req->data;

	batch_self();
	job->workh(job->arg);
}


static void job_after(uv_work_t *req, int status)
{
	struct loop_job *job = req->data;

	list_unlink(&job->le);
	if (job->doneh)
		job->doneh(status == UV_ECANCELED ? ECANCELED : 0, job->arg);
	mem_deref(job);
}


int loop_work(loop_work_h *work, loop_done_h *done, void *arg)
{
	struct loop_job *job;
	int err;

	if (!work)
		return EINVAL;
	if (!lp.ready)
		return ENOTCONN;

	job = mem_zalloc(sizeof(*job), NULL);
	if (!job)
		return ENOMEM;

	job->workh = work;
	job->doneh = done;
	job->arg = arg;
	job->req.data = job;

	err = uv_queue_work(&lp.uv, &job->req, job_work, job_after);
	if (err) {
		mem_deref(job);
		return -err;
	}

	list_append(&lp.jobs, &job->le, job);
	/* kick from a 0 ms timer, not here: a quick job could otherwise
	 * complete, and call done, before the caller has even seen 0 */
	tmr_start(&lp.tmr, 0, tmr_handler, NULL);

	return 0;
}


unsigned loop_pending(void)
{
	return list_count(&lp.jobs);
}


static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}


void loop_close(void)
{
	struct le *le;

	/* what the loop did not get round to releasing; they may defer
	 * more as they go */
	while (!list_isempty(&lp.deferred))
		mem_deref(list_head(&lp.deferred)->data);
	if (!lp.ready)
		return;

	/* jobs not yet picked by a pool thread get ECANCELED */
	for (le = list_head(&lp.jobs); le; le = le->next) {
		struct loop_job *job = le->data;

		(void)uv_cancel((uv_req_t *)&job->req);
	}

	fd_close(lp.fd);
	tmr_cancel(&lp.tmr);
	lp.ready = false;

	/* closing first lets uv_run() return once running jobs are done
	 * (their done handlers run here); repeat for handles they open */
	do {
		uv_walk(&lp.uv, close_walk, NULL);
		(void)uv_run(&lp.uv, UV_RUN_DEFAULT);
	} while (uv_loop_close(&lp.uv) == UV_EBUSY);
	lp.fd = -1;

	(void)fd_setsize(0);
}


/* One object released on the next loop turn. */
struct deferred {
	struct le le;
	struct tmr tmr;
	void *obj;
};

static void deferred_destructor(void *arg)
{
	struct deferred *d = arg;

	list_unlink(&d->le);
	tmr_cancel(&d->tmr);
	mem_deref(d->obj);
}

static void deferred_tmr(void *arg)
{
	mem_deref(arg);
}

int loop_defer_deref(void *obj)
{
	struct deferred *d;

	if (!obj)
		return 0;
	d = mem_zalloc(sizeof(*d), deferred_destructor);
	if (!d) {
		mem_deref(obj);
		return ENOMEM;
	}
	tmr_init(&d->tmr);
	d->obj = obj;
	list_append(&lp.deferred, &d->le, d);
	tmr_start(&d->tmr, 0, deferred_tmr, d);
	return 0;
}
