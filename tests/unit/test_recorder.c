/*
 * The recorder: a stereo 8 kHz WAV with the left and right samples where
 * they were given, sizes patched at close, written through pool jobs, a
 * released recorder still
 * finishes, paths by date, bad input refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/loop.h>
#include <callflowd/media/recorder.h>
#include "test.h"
#include "tfiles.h"

struct done {
	int calls;
	int err;
	uint64_t frames;
	char path[256];
};

static void done_h(int err, const char *path, uint64_t frames, void *arg)
{
	struct done *d = arg;

	++d->calls;
	d->err = err;
	d->frames = frames;
	snprintf(d->path, sizeof(d->path), "%s", path);
	re_cancel();
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

static int16_t le16s(const uint8_t *p)
{
	return (int16_t)(uint16_t)(p[0] | p[1] << 8);
}

TEST(stereo_file)
{
	char dir[] = "/tmp/cfd-rec-XXXXXX", path[128];
	struct recorder *r = NULL;
	struct done d = {0};
	int16_t left[160], right[160];
	uint8_t *buf;
	size_t len = 0, i, nframes;
	int k;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(path, sizeof(path), "%s/a/b/c.wav", dir);
	ASSERT_INT_EQ(recorder_alloc(&r, path), 0);
	ASSERT_STR_EQ(recorder_path(r), path);
	ASSERT_TRUE(recorder_idle(r));

	/* 3 s: left counts up, right counts down, the middle second has a
	 * silent right channel */
	for (k = 0; k < 150; k++) {
		for (i = 0; i < 160; i++) {
			left[i] = (int16_t)(k * 160 + i);
			right[i] = (int16_t)-(k * 160 + (int)i);
		}
		ASSERT_INT_EQ(recorder_write(r, left, k >= 50 && k < 100 ?
					     NULL : right, 160), 0);
	}
	ASSERT_INT_EQ(recorder_write(r, NULL, NULL, 80), 0);
	ASSERT_INT_EQ(recorder_frames(r), 150 * 160 + 80);
	/* the writes are the pool's: done is only known on the loop */
	ASSERT_FALSE(recorder_idle(r));

	ASSERT_INT_EQ(recorder_close(r, done_h, &d), 0);
	ASSERT_INT_EQ(d.calls, 0);	/* never from inside the call */
	ASSERT_INT_EQ(recorder_write(r, left, right, 160), EALREADY);
	ASSERT_INT_EQ(recorder_close(r, done_h, &d), EALREADY);
	(void)re_main(NULL);
	ASSERT_INT_EQ(d.calls, 1);
	ASSERT_INT_EQ(d.err, 0);
	ASSERT_INT_EQ(d.frames, 150 * 160 + 80);
	ASSERT_STR_EQ(d.path, path);
	ASSERT_TRUE(recorder_finished(r));
	ASSERT_TRUE(recorder_idle(r));
	ASSERT_INT_EQ(recorder_error(r), 0);
	r = mem_deref(r);

	buf = (uint8_t *)tf_slurp(path, &len);
	ASSERT_NOT_NULL(buf);
	nframes = 150 * 160 + 80;
	if (len != 44 + nframes * 4)
		free(buf);
	ASSERT_INT_EQ(len, 44 + nframes * 4);
	ASSERT_TRUE(!memcmp(buf, "RIFF", 4) && !memcmp(buf + 8, "WAVEfmt ", 8)
		    && !memcmp(buf + 36, "data", 4));
	ASSERT_INT_EQ(le32(buf + 4), 36 + nframes * 4);
	ASSERT_INT_EQ(le32(buf + 40), nframes * 4);
	ASSERT_INT_EQ(le32(buf + 24), 8000);		/* rate */
	ASSERT_INT_EQ(buf[22], 2);			/* channels */
	ASSERT_INT_EQ(buf[34], 16);			/* bits */
	ASSERT_INT_EQ(le32(buf + 28), 32000);		/* byte rate */
	for (i = 0; i < nframes; i++) {
		const uint8_t *p = buf + 44 + i * 4;
		int expl = i < 150 * 160 ? (int)i : 0;
		int expr = i < 50 * 160 || (i >= 100 * 160 && i < 150 * 160) ?
			-(int)i : 0;

		if (le16s(p) != (int16_t)expl || le16s(p + 2) != (int16_t)expr)
			break;
	}
	free(buf);
	ASSERT_INT_EQ(i, nframes);

	loop_close();
	tf_rmrf(dir);
}

/* A recording whose process died: sizes still 0, a torn last frame. */
TEST(repair_after_a_crash)
{
	char dir[] = "/tmp/cfd-rec-XXXXXX", path[128], other[128];
	struct recorder *r = NULL;
	struct done d = {0};
	int16_t left[160] = {0}, right[160] = {0};
	uint64_t frames = 0;
	uint8_t zero[4] = {0}, *buf;
	size_t len = 0;
	FILE *fp;
	int k;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(path, sizeof(path), "%s/c.wav", dir);
	ASSERT_INT_EQ(recorder_alloc(&r, path), 0);
	for (k = 0; k < 25; k++)
		ASSERT_INT_EQ(recorder_write(r, left, right, 160), 0);
	ASSERT_INT_EQ(recorder_close(r, done_h, &d), 0);
	(void)re_main(NULL);
	ASSERT_INT_EQ(d.err, 0);
	r = mem_deref(r);

	/* what a kill -9 leaves: the sizes of the first header, and half a
	 * frame of the next write */
	fp = fopen(path, "r+b");
	ASSERT_NOT_NULL(fp);
	fseek(fp, 4, SEEK_SET);
	fwrite(zero, 1, 4, fp);
	fseek(fp, 40, SEEK_SET);
	fwrite(zero, 1, 4, fp);
	fseek(fp, 0, SEEK_END);
	fwrite(zero, 1, 2, fp);
	fclose(fp);

	ASSERT_INT_EQ(recorder_repair(path, &frames), 0);
	ASSERT_INT_EQ(frames, 25 * 160);
	buf = (uint8_t *)tf_slurp(path, &len);
	ASSERT_NOT_NULL(buf);
	ASSERT_INT_EQ(len, 44 + 25 * 160 * 4);
	ASSERT_INT_EQ(le32(buf + 4), 36 + 25 * 160 * 4);
	ASSERT_INT_EQ(le32(buf + 40), 25 * 160 * 4);
	free(buf);
	/* once is enough */
	ASSERT_INT_EQ(recorder_repair(path, &frames), EALREADY);

	/* not ours, not there */
	snprintf(other, sizeof(other), "%s/other.wav", dir);
	fp = fopen(other, "wb");
	ASSERT_NOT_NULL(fp);
	fputs("RIFF....WAVEjunk but long enough to be a header, isn't it?", fp);
	fclose(fp);
	ASSERT_INT_EQ(recorder_repair(other, NULL), EBADMSG);
	snprintf(other, sizeof(other), "%s/none.wav", dir);
	ASSERT_INT_EQ(recorder_repair(other, NULL), ENOENT);
	ASSERT_INT_EQ(recorder_repair(NULL, NULL), EINVAL);

	loop_close();
	tf_rmrf(dir);
}

TEST(released_recorder_finishes)
{
	char dir[] = "/tmp/cfd-rec-XXXXXX", path[128];
	struct recorder *r = NULL;
	int16_t frame[160];
	uint8_t *buf;
	size_t len = 0;
	int k;

	memset(frame, 0x11, sizeof(frame));
	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(path, sizeof(path), "%s/r.wav", dir);
	ASSERT_INT_EQ(recorder_alloc(&r, path), 0);
	for (k = 0; k < 60; k++)
		ASSERT_INT_EQ(recorder_write(r, frame, frame, 160), 0);
	ASSERT_INT_EQ(recorder_close(r, NULL, NULL), 0);
	/* the jobs' references keep it until the header is patched */
	r = mem_deref(r);
	tf_wait_jobs();

	buf = (uint8_t *)tf_slurp(path, &len);
	ASSERT_NOT_NULL(buf);
	ASSERT_INT_EQ(len, 44 + 60 * 160 * 4);
	ASSERT_INT_EQ(le32(buf + 40), 60 * 160 * 4);
	free(buf);
	loop_close();
	tf_rmrf(dir);
}

TEST(closed_by_loop_close)
{
	char dir[] = "/tmp/cfd-rec-XXXXXX", path[128];
	struct recorder *r = NULL;
	struct done d = {0};
	int16_t frame[160] = {0};
	uint8_t *buf;
	size_t len = 0;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(path, sizeof(path), "%s/x.wav", dir);
	ASSERT_INT_EQ(recorder_alloc(&r, path), 0);
	ASSERT_INT_EQ(recorder_write(r, frame, NULL, 160), 0);
	ASSERT_INT_EQ(recorder_close(r, done_h, &d), 0);
	r = mem_deref(r);
	/* shutdown before the loop ran: the file is still finished */
	loop_close();
	ASSERT_INT_EQ(d.calls, 1);
	ASSERT_INT_EQ(d.err, 0);
	buf = (uint8_t *)tf_slurp(path, &len);
	ASSERT_NOT_NULL(buf);
	ASSERT_INT_EQ(len, 44 + 160 * 4);
	ASSERT_INT_EQ(le32(buf + 40), 160 * 4);
	free(buf);
	tf_rmrf(dir);
}

TEST(unwritable_path)
{
	struct recorder *r = NULL;
	struct done d = {0};
	int16_t frame[160] = {0};

	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(recorder_alloc(&r, "/proc/cfd-no/such/x.wav"), 0);
	ASSERT_INT_EQ(recorder_write(r, frame, frame, 160), 0);
	ASSERT_INT_EQ(recorder_close(r, done_h, &d), 0);
	(void)re_main(NULL);
	ASSERT_INT_EQ(d.calls, 1);
	ASSERT_TRUE(d.err != 0);
	ASSERT_TRUE(recorder_error(r) != 0);
	mem_deref(r);
	loop_close();
}

TEST(slow_disk_bounded)
{
	char dir[] = "/tmp/cfd-rec-XXXXXX", path[128];
	struct recorder *r = NULL;
	int16_t frame[160] = {0};
	int k, err = 0;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(path, sizeof(path), "%s/s.wav", dir);
	ASSERT_INT_EQ(recorder_alloc(&r, path), 0);
	/* the loop never runs here, as if the disk had stalled: past the
	 * bound frames are dropped, not buffered */
	for (k = 0; k < 1000 && !err; k++)
		err = recorder_write(r, frame, frame, 160);
	ASSERT_INT_EQ(err, ENOSPC);
	ASSERT_TRUE(recorder_dropped(r) > 0);
	ASSERT_TRUE(recorder_frames(r) <= 8000 * (RECORDER_MAX_QUEUE_MS +
						  RECORDER_CHUNK_MS) / 1000);
	ASSERT_INT_EQ(recorder_close(r, NULL, NULL), 0);
	mem_deref(r);
	tf_wait_jobs();
	loop_close();
	tf_rmrf(dir);
}

TEST(paths_and_bad_input)
{
	struct recorder *r = NULL;
	char *p = NULL;

	/* 2024-02-29T23:59:59Z */
	ASSERT_INT_EQ(recorder_path_for(&p, "/d", "abc", 1709251199000ULL),
		      0);
	ASSERT_STR_EQ(p, "/d/recordings/2024/02/29/abc.wav");
	p = mem_deref(p);
	ASSERT_INT_EQ(recorder_path_for(&p, "/d", "../x", 0), EINVAL);
	ASSERT_INT_EQ(recorder_path_for(&p, "/d", "a/b", 0), EINVAL);
	ASSERT_INT_EQ(recorder_path_for(&p, "/d", "", 0), EINVAL);
	ASSERT_INT_EQ(recorder_path_for(&p, NULL, "a", 0), EINVAL);
	ASSERT_INT_EQ(recorder_path_for(NULL, "/d", "a", 0), EINVAL);
	ASSERT_NULL(p);

	ASSERT_INT_EQ(recorder_alloc(NULL, "/tmp/x"), EINVAL);
	ASSERT_INT_EQ(recorder_alloc(&r, NULL), EINVAL);
	ASSERT_INT_EQ(recorder_alloc(&r, ""), EINVAL);
	ASSERT_NULL(r);
	ASSERT_INT_EQ(recorder_write(NULL, NULL, NULL, 1), EINVAL);
	ASSERT_INT_EQ(recorder_close(NULL, NULL, NULL), EINVAL);
	ASSERT_TRUE(recorder_idle(NULL));
	ASSERT_FALSE(recorder_finished(NULL));
	ASSERT_INT_EQ(recorder_frames(NULL), 0);
	ASSERT_INT_EQ(recorder_error(NULL), EINVAL);
	ASSERT_NULL(recorder_path(NULL));

	/* without a loop the close cannot start: said at once */
	ASSERT_INT_EQ(recorder_alloc(&r, "/tmp/cfd-rec-never.wav"), 0);
	ASSERT_INT_EQ(recorder_close(r, NULL, NULL), ENOTCONN);
	mem_deref(r);
}
