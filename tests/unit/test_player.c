/* The clip player, frame by frame. */
#include <callflowd/libre.h>
#include <callflowd/audio.h>
#include <callflowd/player.h>
#include "test.h"

static struct audio *clip(size_t n, int16_t v)
{
	struct audio *a = NULL;
	size_t i;

	if (audio_alloc(&a, n, 8000))
		return NULL;
	for (i = 0; i < n; i++)
		a->samples[i] = v;
	return a;
}

static int dones;

static void on_done(void *arg)
{
	(void)arg;
	++dones;
	re_cancel();
}

static void stop_loop(void *arg)
{
	(void)arg;
	re_cancel();
}

TEST(sequence_then_done_once)
{
	struct audio *a = clip(200, 1), *b = clip(120, 2);
	struct audio *v[2] = {a, b};
	struct player *p = NULL;
	int16_t f[160];
	struct tmr t;

	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(b);
	ASSERT_INT_EQ(player_alloc(&p), 0);
	ASSERT_INT_EQ(player_play(p, v, 2, false, on_done, NULL), 0);
	dones = 0;

	player_read(p, f, 160);
	ASSERT_INT_EQ(f[0], 1);
	ASSERT_INT_EQ(f[159], 1);
	player_read(p, f, 160);		/* 40 of a, then 120 of b */
	ASSERT_INT_EQ(f[39], 1);
	ASSERT_INT_EQ(f[40], 2);
	ASSERT_INT_EQ(f[159], 2);
	/* the last clip ended exactly on the frame: done is due now */
	ASSERT_FALSE(player_active(p));
	ASSERT_INT_EQ(player_position_ms(p), 40);
	player_read(p, f, 160);
	ASSERT_INT_EQ(f[0], 0);

	/* done comes from the loop, once */
	tmr_init(&t);
	tmr_start(&t, 1000, stop_loop, NULL);
	(void)re_main(NULL);
	tmr_cancel(&t);
	ASSERT_INT_EQ(dones, 1);
	player_read(p, f, 160);
	ASSERT_INT_EQ(f[0], 0);

	mem_deref(p);
	mem_deref(a);
	mem_deref(b);
}

TEST(loop_wraps_and_stop_is_silent)
{
	struct audio *a = clip(100, 7);
	struct player *p = NULL;
	int16_t f[160];
	struct tmr t;
	int i;

	ASSERT_NOT_NULL(a);
	ASSERT_INT_EQ(player_alloc(&p), 0);
	ASSERT_INT_EQ(player_play(p, &a, 1, true, on_done, NULL), 0);
	dones = 0;
	for (i = 0; i < 10; i++) {
		player_read(p, f, 160);
		ASSERT_INT_EQ(f[0], 7);
		ASSERT_INT_EQ(f[159], 7);
	}
	player_stop(p);
	player_read(p, f, 160);
	ASSERT_INT_EQ(f[80], 0);

	tmr_init(&t);
	tmr_start(&t, 50, stop_loop, NULL);
	(void)re_main(NULL);
	tmr_cancel(&t);
	ASSERT_INT_EQ(dones, 0);

	mem_deref(p);
	mem_deref(a);
}

TEST(empty_sequence_finishes)
{
	struct player *p = NULL;
	int16_t f[160];
	struct tmr t;

	ASSERT_INT_EQ(player_alloc(&p), 0);
	ASSERT_INT_EQ(player_play(p, NULL, 0, true, on_done, NULL), 0);
	dones = 0;
	player_read(p, f, 160);
	tmr_init(&t);
	tmr_start(&t, 1000, stop_loop, NULL);
	(void)re_main(NULL);
	tmr_cancel(&t);
	ASSERT_INT_EQ(dones, 1);
	mem_deref(p);
}
