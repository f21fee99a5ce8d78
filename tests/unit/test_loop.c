/*
 * The libre+libuv loop: libuv timers and pool work complete inside
 * re_main(), done handlers run on the loop thread, close cancels cleanly.
 */
#include <errno.h>
#include <pthread.h>
#include <re.h>
#include <callflowd/core/loop.h>
#include "test.h"

struct ctx {
	pthread_t loop_thread;
	pthread_t work_thread;
	bool work_ran;
	bool done_on_loop;
	int done_err;
	int ndone;
	int ntimer;
	uv_timer_t timer;
};


static void timer_cb(uv_timer_t *t)
{
	struct ctx *c = t->data;

	if (++c->ntimer == 3) {
		uv_timer_stop(t);
		re_cancel();
	}
}


TEST(uv_timer_inside_re_main)
{
	struct ctx c = {0};
	uint64_t t0;
	int err;

	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(loop_init(), EALREADY);
	ASSERT_NOT_NULL(loop_uv());

	ASSERT_INT_EQ(uv_timer_init(loop_uv(), &c.timer), 0);
	c.timer.data = &c;
	ASSERT_INT_EQ(uv_timer_start(&c.timer, timer_cb, 20, 10), 0);
	loop_kick();

	t0 = tmr_jiffies();
	err = re_main(NULL);
	ASSERT_INT_EQ(err, 0);
	ASSERT_INT_EQ(c.ntimer, 3);
	/* 20 ms + 2 * 10 ms of libuv timers, driven by libre's timer */
	ASSERT_TRUE(tmr_jiffies() - t0 >= 35);

	loop_close();
	ASSERT_NULL(loop_uv());
}


static void work(void *arg)
{
	struct ctx *c = arg;

	c->work_thread = pthread_self();
	c->work_ran = true;
}


static void done(int err, void *arg)
{
	struct ctx *c = arg;

	c->done_err = err;
	c->done_on_loop = pthread_equal(pthread_self(), c->loop_thread);
	if (++c->ndone == 2)
		re_cancel();
}


TEST(work_on_pool_done_on_loop)
{
	struct ctx c = {0};

	c.loop_thread = pthread_self();
	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(loop_work(work, done, &c), 0);
	ASSERT_INT_EQ(loop_work(work, done, &c), 0);
	/* done handlers never run from inside loop_work() */
	ASSERT_INT_EQ(loop_pending(), 2);
	ASSERT_INT_EQ(c.ndone, 0);

	ASSERT_INT_EQ(re_main(NULL), 0);
	ASSERT_INT_EQ(c.ndone, 2);
	ASSERT_INT_EQ(c.done_err, 0);
	ASSERT_TRUE(c.work_ran);
	ASSERT_TRUE(c.done_on_loop);
	ASSERT_FALSE(pthread_equal(c.work_thread, c.loop_thread));
	ASSERT_INT_EQ(loop_pending(), 0);

	loop_close();
}


static void count_done(int err, void *arg)
{
	int *n = arg;

	(void)err;
	++*n;
}


static void nop_work(void *arg)
{
	(void)arg;
}


TEST(close_finishes_pending_work)
{
	int n = 0, i;

	ASSERT_INT_EQ(loop_init(), 0);
	for (i = 0; i < 16; i++)
		ASSERT_INT_EQ(loop_work(nop_work, count_done, &n), 0);

	/* never ran re_main: close must still run every done handler
	 * (with ECANCELED or 0) and free the jobs */
	loop_close();
	ASSERT_INT_EQ(n, 16);
	ASSERT_INT_EQ(loop_pending(), 0);
	ASSERT_INT_EQ(loop_work(nop_work, count_done, &n), ENOTCONN);
}


TEST(reinit_after_close)
{
	struct ctx c = {0};

	c.loop_thread = pthread_self();
	ASSERT_INT_EQ(loop_init(), 0);
	loop_close();
	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(loop_work(work, done, &c), 0);
	ASSERT_INT_EQ(loop_work(work, done, &c), 0);
	ASSERT_INT_EQ(re_main(NULL), 0);
	ASSERT_INT_EQ(c.ndone, 2);
	loop_close();
}
