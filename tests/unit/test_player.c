/*
 * The player frame by frame: sample-exact sequencing across item
 * boundaries, silence when idle or starved, done once at the end (from
 * the loop, not from player_read), looping, barge-in without done; and
 * prompt files loaded through the prompt cache into the player.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <re.h>
#include <callflowd/media/audio.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/media/player.h>
#include <callflowd/media/promptcache.h>
#include <callflowd/media/wav.h>
#include "test.h"

struct ctx {
	int done;
	struct player *p;
	struct audio *next;	/* played from the done handler */
};

static void done(void *arg)
{
	struct ctx *c = arg;

	++c->done;
	if (c->next) {
		(void)player_play(c->p, c->next, false, done, c);
		c->next = NULL;
	}
	re_cancel();
}

/* Audio whose sample i is base + i, never zero. */
static struct audio *ramp(size_t n, int base)
{
	struct audio *a = NULL;
	size_t i;

	if (audio_alloc(&a, n, AUDIO_RATE))
		return NULL;
	for (i = 0; i < n; i++)
		a->samples[i] = (int16_t)(base + (int)i);
	return a;
}

static bool is_silent(const int16_t *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (f[i])
			return false;
	return true;
}


TEST(plays_sequence_sample_exact_then_done)
{
	struct ctx c = {0};
	struct audio *a = ramp(200, 1), *b = ramp(250, 1000);
	int16_t f[AUDIO_FRAME];
	size_t i;

	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(player_alloc(&c.p), 0);

	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_TRUE(is_silent(f, AUDIO_FRAME));
	ASSERT_FALSE(player_active(c.p));

	player_start(c.p, false, done, &c);
	ASSERT_INT_EQ(player_append(c.p, a), 0);
	ASSERT_INT_EQ(player_append(c.p, b), 0);
	player_seal(c.p);
	ASSERT_INT_EQ(player_append(c.p, a), EALREADY);
	ASSERT_INT_EQ(player_duration_ms(c.p), 450 * 1000 / 8000);

	/* frame 1: a[0..159] */
	player_read(c.p, f, AUDIO_FRAME);
	for (i = 0; i < 160; i++)
		ASSERT_INT_EQ(f[i], 1 + (int)i);
	/* frame 2: a[160..199] then b[0..119] */
	player_read(c.p, f, AUDIO_FRAME);
	for (i = 0; i < 40; i++)
		ASSERT_INT_EQ(f[i], 161 + (int)i);
	for (i = 40; i < 160; i++)
		ASSERT_INT_EQ(f[i], 1000 + (int)i - 40);
	ASSERT_INT_EQ(player_position_ms(c.p), 40);
	/* frame 3: b[120..249] then silence; done is not called here */
	player_read(c.p, f, AUDIO_FRAME);
	for (i = 0; i < 130; i++)
		ASSERT_INT_EQ(f[i], 1120 + (int)i);
	ASSERT_TRUE(is_silent(f + 130, 30));
	ASSERT_INT_EQ(c.done, 0);
	ASSERT_FALSE(player_active(c.p));
	ASSERT_INT_EQ(player_position_ms(c.p), 450 * 1000 / 8000);

	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_TRUE(is_silent(f, AUDIO_FRAME));
	ASSERT_INT_EQ(re_main(NULL), 0);
	ASSERT_INT_EQ(c.done, 1);

	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_TRUE(is_silent(f, AUDIO_FRAME));

	mem_deref(c.p);
	mem_deref(a);
	mem_deref(b);
	loop_close();
}


TEST(loops_until_stopped)
{
	struct ctx c = {0};
	struct audio *a = ramp(100, 1);
	int16_t f[AUDIO_FRAME];
	size_t i, k;

	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(player_alloc(&c.p), 0);
	ASSERT_INT_EQ(player_play(c.p, a, true, done, &c), 0);

	/* 50 frames = 80 passes of the 100-sample item, seamless */
	for (k = 0; k < 50; k++) {
		player_read(c.p, f, AUDIO_FRAME);
		for (i = 0; i < AUDIO_FRAME; i++)
			ASSERT_INT_EQ(f[i], 1 + (int)((k * 160 + i) % 100));
	}
	ASSERT_TRUE(player_active(c.p));
	ASSERT_INT_EQ(player_position_ms(c.p), 1000);
	ASSERT_INT_EQ(player_duration_ms(c.p), 12);

	/* barge-in: silence at once, and no done, even after the loop ran */
	player_stop(c.p);
	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_TRUE(is_silent(f, AUDIO_FRAME));
	ASSERT_FALSE(player_active(c.p));

	/* a sequence that ends is what stops re_main here */
	ASSERT_INT_EQ(player_play(c.p, a, false, done, &c), 0);
	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_INT_EQ(re_main(NULL), 0);
	ASSERT_INT_EQ(c.done, 1);

	mem_deref(c.p);
	mem_deref(a);
	loop_close();
}


TEST(stop_after_end_cancels_pending_done)
{
	struct ctx c = {0}, c2 = {0};
	struct audio *a = ramp(80, 1);
	struct player *p2 = NULL;
	int16_t f[AUDIO_FRAME];

	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(player_alloc(&c.p), 0);
	ASSERT_INT_EQ(player_alloc(&p2), 0);

	/* p ends inside this frame, then is barged in before the loop runs */
	ASSERT_INT_EQ(player_play(c.p, a, false, done, &c), 0);
	player_read(c.p, f, AUDIO_FRAME);
	player_stop(c.p);

	c2.p = p2;
	ASSERT_INT_EQ(player_play(p2, a, false, done, &c2), 0);
	player_read(p2, f, AUDIO_FRAME);
	ASSERT_INT_EQ(re_main(NULL), 0);
	ASSERT_INT_EQ(c2.done, 1);
	ASSERT_INT_EQ(c.done, 0);

	mem_deref(p2);
	mem_deref(c.p);
	mem_deref(a);
	loop_close();
}


TEST(starved_player_waits_for_items)
{
	struct ctx c = {0};
	struct audio *a = ramp(160, 1), *b = ramp(160, 500);
	int16_t f[AUDIO_FRAME];

	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(player_alloc(&c.p), 0);
	player_start(c.p, false, done, &c);

	/* nothing yet (the TTS is still synthesising): silence, no end */
	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_TRUE(is_silent(f, AUDIO_FRAME));
	ASSERT_TRUE(player_active(c.p));

	ASSERT_INT_EQ(player_append(c.p, a), 0);
	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_INT_EQ(f[0], 1);
	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_TRUE(is_silent(f, AUDIO_FRAME));
	ASSERT_TRUE(player_active(c.p));

	ASSERT_INT_EQ(player_append(c.p, b), 0);
	player_seal(c.p);
	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_INT_EQ(f[0], 500);
	ASSERT_INT_EQ(f[159], 659);

	/* the done handler chains the next prompt */
	c.next = a;
	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_INT_EQ(re_main(NULL), 0);
	ASSERT_INT_EQ(c.done, 1);
	ASSERT_TRUE(player_active(c.p));
	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_INT_EQ(f[0], 1);

	mem_deref(c.p);
	mem_deref(a);
	mem_deref(b);
	loop_close();
}


TEST(rejects_other_rates)
{
	struct player *p = NULL;
	struct audio *a = NULL;
	int16_t f[4] = { 7, 7, 7, 7 };

	ASSERT_INT_EQ(player_alloc(&p), 0);
	ASSERT_INT_EQ(audio_alloc(&a, 100, 16000), 0);
	ASSERT_INT_EQ(player_play(p, a, false, NULL, NULL), EINVAL);
	ASSERT_FALSE(player_active(p));
	player_read(p, f, 4);
	ASSERT_TRUE(is_silent(f, 4));
	player_read(NULL, f, 4);
	ASSERT_INT_EQ(player_append(p, a), EINVAL);
	mem_deref(a);
	mem_deref(p);
}


struct load {
	int calls;
	int err;
	const char *reason;
	struct audio *a;
};

static void loaded(int err, struct audio *a, const char *reason, void *arg)
{
	struct load *l = arg;

	++l->calls;
	l->err = err;
	l->reason = reason;
	l->a = mem_deref(l->a);
	l->a = mem_ref(a);
	re_cancel();
}

static int load(struct load *l, struct promptcache *pc, const char *path)
{
	struct prompt_req *req = NULL;
	int err;

	l->calls = 0;
	err = promptcache_load(&req, pc, path, loaded, l);
	if (err)
		return err;
	if (l->calls)
		return EALREADY;
	err = re_main(NULL);
	mem_deref(req);
	return err ? err : l->err;
}

static void quiet(enum log_level lvl, const char *line, void *arg)
{
	(void)lvl;
	(void)line;
	(void)arg;
}


TEST(prompt_files_cached_by_mtime_and_played)
{
	char dir[32] = "/tmp/cfd-prompt-XXXXXX", path[80], bad[80];
	struct load l1 = {0}, l2 = {0}, l3 = {0}, lb = {0};
	struct promptcache *pc = NULL;
	struct promptcache_stats st;
	struct audio *src = ramp(400, 1), *src2 = ramp(800, 1);
	struct ctx c = {0};
	int16_t f[AUDIO_FRAME];
	FILE *fp;

	ASSERT_NOT_NULL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/welcome.wav", dir);
	snprintf(bad, sizeof(bad), "%s/broken.wav", dir);
	ASSERT_INT_EQ(wav_save(path, src), 0);
	fp = fopen(bad, "w");
	ASSERT_NOT_NULL(fp);
	fputs("not a wav at all", fp);
	fclose(fp);

	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(promptcache_alloc(&pc), 0);

	ASSERT_INT_EQ(load(&l1, pc, path), 0);
	ASSERT_INT_EQ(l1.a->count, 400);
	ASSERT_INT_EQ(load(&l2, pc, path), 0);
	ASSERT_TRUE(l2.a == l1.a);
	promptcache_get_stats(pc, &st);
	ASSERT_INT_EQ(st.loads, 1);
	ASSERT_INT_EQ(st.hits, 1);

	/* the file changes on disk: decoded again */
	ASSERT_INT_EQ(wav_save(path, src2), 0);
	ASSERT_INT_EQ(load(&l3, pc, path), 0);
	ASSERT_INT_EQ(l3.a->count, 800);
	promptcache_get_stats(pc, &st);
	ASSERT_INT_EQ(st.loads, 2);
	ASSERT_INT_EQ(st.entries, 1);

	log_set_sink(quiet, NULL);
	ASSERT_INT_EQ(load(&lb, pc, bad), EBADMSG);
	ASSERT_STR_EQ(lb.reason, "not a RIFF/WAVE file");
	ASSERT_NULL(lb.a);
	ASSERT_INT_EQ(load(&lb, pc, "/nonexistent/x.wav"), ENOENT);
	ASSERT_INT_EQ(load(&lb, pc, dir), EISDIR);
	log_set_sink(NULL, NULL);

	/* the decoded file through the player, frame by frame */
	ASSERT_INT_EQ(player_alloc(&c.p), 0);
	ASSERT_INT_EQ(player_play(c.p, l1.a, false, done, &c), 0);
	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_INT_EQ(f[0], 1);
	ASSERT_INT_EQ(f[159], 160);
	player_read(c.p, f, AUDIO_FRAME);
	player_read(c.p, f, AUDIO_FRAME);
	ASSERT_INT_EQ(f[79], 400);
	ASSERT_TRUE(is_silent(f + 80, 80));
	ASSERT_INT_EQ(re_main(NULL), 0);
	ASSERT_INT_EQ(c.done, 1);

	mem_deref(c.p);
	mem_deref(pc);
	loop_close();
	mem_deref(l1.a);
	mem_deref(l2.a);
	mem_deref(l3.a);
	mem_deref(src);
	mem_deref(src2);
	unlink(path);
	unlink(bad);
	ASSERT_INT_EQ(rmdir(dir), 0);
}


TEST(prompt_load_cancelled)
{
	char dir[32] = "/tmp/cfd-prompt-XXXXXX", path[80];
	struct load l = {0}, l2 = {0};
	struct promptcache *pc = NULL;
	struct prompt_req *req = NULL;
	struct promptcache_stats st;
	struct audio *src = ramp(8000, 1);

	ASSERT_NOT_NULL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/hold.wav", dir);
	ASSERT_INT_EQ(wav_save(path, src), 0);
	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(promptcache_alloc(&pc), 0);

	ASSERT_INT_EQ(promptcache_load(&req, pc, path, loaded, &l), 0);
	req = mem_deref(req);
	/* a second request joins the same job and is the one answered */
	ASSERT_INT_EQ(load(&l2, pc, path), 0);
	ASSERT_INT_EQ(l.calls, 0);
	ASSERT_INT_EQ(l2.a->count, 8000);
	promptcache_get_stats(pc, &st);
	ASSERT_INT_EQ(st.loads, 1);

	mem_deref(pc);
	loop_close();
	ASSERT_INT_EQ(l.calls, 0);
	mem_deref(l2.a);
	mem_deref(src);
	unlink(path);
	ASSERT_INT_EQ(rmdir(dir), 0);
}
