/**
 * @file recorder.c  Stereo WAV recordings written by pool jobs, one at a
 * time, in queue order; the last job patches the RIFF sizes.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/loop.h>
#include <callflowd/media/recorder.h>

enum {
	FRAME_BYTES = 4,	/* two 16-bit samples */
	CHUNK_BYTES = RECORDER_SRATE * RECORDER_CHUNK_MS / 1000 * FRAME_BYTES,
	MAX_QUEUE = RECORDER_SRATE * RECORDER_MAX_QUEUE_MS / 1000 * FRAME_BYTES,
};

struct recorder {
	char *path;
	struct mbuf *pending;	/* bytes waiting for the next job */
	uint64_t frames;
	uint64_t dropped;
	int err;		/* first error seen on the loop thread */
	bool busy;		/* a job is queued or running */
	bool closing;		/* recorder_close() was called */
	bool final_queued;
	bool finished;
	recorder_done_h *doneh;
	void *arg;

	/* the job's: touched by the pool thread while busy */
	struct mbuf *inflight;
	bool job_final;
	int job_err;
	int fd;
	uint64_t file_data;	/* sample bytes on disk */
};

static void destructor(void *arg)
{
	struct recorder *r = arg;

	/* a running job holds a reference: never busy here */
	if (r->fd >= 0)
		(void)close(r->fd);
	mem_deref(r->pending);
	mem_deref(r->inflight);
	mem_deref(r->path);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v & 0xff);
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v & 0xff);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void header(uint8_t *h, uint64_t data)
{
	uint32_t d = data > UINT32_MAX - 36 ? UINT32_MAX - 36 : (uint32_t)data;

	memcpy(h, "RIFF", 4);
	put_le32(h + 4, 36 + d);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le32(h + 16, 16);
	put_le16(h + 20, 1);			/* PCM */
	put_le16(h + 22, 2);			/* stereo */
	put_le32(h + 24, RECORDER_SRATE);
	put_le32(h + 28, RECORDER_SRATE * FRAME_BYTES);
	put_le16(h + 32, FRAME_BYTES);
	put_le16(h + 34, 16);
	memcpy(h + 36, "data", 4);
	put_le32(h + 40, d);
}

/* mkdir -p of path's parent folder (pool thread) */
static int mkparents(const char *path)
{
	char buf[4096];
	size_t i, len = strlen(path);

	if (len >= sizeof(buf))
		return ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i < len; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0750) && errno != EEXIST)
			return errno;
		buf[i] = '/';
	}
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Pool thread: no libre objects but the buffers the job owns. */
static void job_work(void *arg)
{
	struct recorder *r = arg;
	uint8_t h[RECORDER_HEADER];
	int err = 0;

	if (r->fd < 0) {
		err = mkparents(r->path);
		if (!err) {
			r->fd = open(r->path, O_WRONLY | O_CREAT | O_TRUNC |
				     O_CLOEXEC, 0640);
			if (r->fd < 0)
				err = errno;
		}
		if (!err) {
			header(h, 0);	/* sizes patched by the last job */
			err = write_all(r->fd, h, sizeof(h), 0);
		}
	}
	if (!err && r->inflight->end) {
		err = write_all(r->fd, r->inflight->buf, r->inflight->end,
				(off_t)(RECORDER_HEADER + r->file_data));
		if (!err)
			r->file_data += r->inflight->end;
	}
	if (r->job_final && r->fd >= 0) {
		if (!err) {
			header(h, r->file_data);
			err = write_all(r->fd, h, sizeof(h), 0);
		}
		if (close(r->fd) && !err)
			err = errno;
		r->fd = -1;
	}
	r->job_err = err;
}

static void kick(struct recorder *r);

static void job_done(int err, void *arg)
{
	struct recorder *r = arg;

	/* the loop is closing: finish the file here rather than lose it */
	if (err == ECANCELED)
		job_work(r);

	r->busy = false;
	if (r->job_err && !r->err)
		r->err = r->job_err;
	mbuf_reset(r->inflight);
	if (r->job_final) {
		r->finished = true;
		if (r->doneh)
			r->doneh(r->err, r->path, r->frames, r->arg);
	}
	else {
		kick(r);
	}
	mem_deref(r);	/* the job's reference */
}

/* Start a job for what is pending (or the closing one) unless one runs. */
static void kick(struct recorder *r)
{
	struct mbuf *mb;
	int err;

	if (r->busy || r->final_queued)
		return;
	if (!r->closing && r->pending->end < CHUNK_BYTES)
		return;

	mb = r->inflight;
	r->inflight = r->pending;
	r->pending = mb;
	r->job_final = r->closing;
	r->final_queued = r->closing;
	r->busy = true;
	mem_ref(r);
	err = loop_work(job_work, job_done, r);
	if (!err)
		return;

	/* no pool: the audio is lost, say so once the close is reached */
	r->busy = false;
	r->final_queued = false;
	mbuf_reset(r->inflight);
	if (!r->err)
		r->err = err;
	mem_deref(r);
}

int recorder_alloc(struct recorder **rp, const char *path)
{
	struct recorder *r;
	int err;

	if (!rp || !path || !*path)
		return EINVAL;

	r = mem_zalloc(sizeof(*r), destructor);
	if (!r)
		return ENOMEM;
	r->fd = -1;
	err = str_dup(&r->path, path);
	if (err)
		goto out;
	r->pending = mbuf_alloc(CHUNK_BYTES);
	r->inflight = mbuf_alloc(CHUNK_BYTES);
	if (!r->pending || !r->inflight)
		err = ENOMEM;

 out:
	if (err)
		mem_deref(r);
	else
		*rp = r;
	return err;
}

int recorder_write(struct recorder *r, const int16_t *left,
		   const int16_t *right, size_t n)
{
	uint8_t buf[160 * FRAME_BYTES];
	size_t i, k;
	int err;

	if (!r || (n && !r->pending))
		return EINVAL;
	if (r->closing)
		return EALREADY;
	if (r->err)
		return r->err;

	if (r->pending->end + n * FRAME_BYTES > MAX_QUEUE) {
		r->dropped += n;
		return ENOSPC;
	}

	for (i = 0; i < n; i += k) {
		size_t j;

		k = n - i < 160 ? n - i : 160;
		for (j = 0; j < k; j++) {
			put_le16(buf + j * FRAME_BYTES,
				 (uint16_t)(left ? left[i + j] : 0));
			put_le16(buf + j * FRAME_BYTES + 2,
				 (uint16_t)(right ? right[i + j] : 0));
		}
		err = mbuf_write_mem(r->pending, buf, k * FRAME_BYTES);
		if (err)
			return err;
	}
	r->frames += n;
	kick(r);
	return 0;
}

int recorder_close(struct recorder *r, recorder_done_h *doneh, void *arg)
{
	if (!r)
		return EINVAL;
	if (r->closing)
		return EALREADY;

	r->closing = true;
	r->doneh = doneh;
	r->arg = arg;
	kick(r);
	/* no pool job could start: report from the loop, not from here */
	if (!r->busy && !r->final_queued)
		return r->err ? r->err : EIO;
	return 0;
}

bool recorder_idle(const struct recorder *r)
{
	return !r || (!r->busy && !r->pending->end);
}

bool recorder_finished(const struct recorder *r)
{
	return r && r->finished;
}

uint64_t recorder_frames(const struct recorder *r)
{
	return r ? r->frames : 0;
}

uint64_t recorder_dropped(const struct recorder *r)
{
	return r ? r->dropped : 0;
}

int recorder_error(const struct recorder *r)
{
	return r ? r->err : EINVAL;
}

const char *recorder_path(const struct recorder *r)
{
	return r ? r->path : NULL;
}

int recorder_path_for(char **pathp, const char *data_dir, const char *id,
		      uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!pathp || !data_dir || !*data_dir || !id || !*id)
		return EINVAL;
	/* the id becomes a file name: no folders, no dot files */
	if (strchr(id, '/') || id[0] == '.')
		return EINVAL;
	if (!gmtime_r(&t, &tm))
		return EINVAL;
	return re_sdprintf(pathp, "%s/recordings/%04d/%02d/%02d/%s.wav",
			   data_dir, tm.tm_year + 1900, tm.tm_mon + 1,
			   tm.tm_mday, id);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

int recorder_repair(const char *path, uint64_t *framesp)
{
	uint8_t h[44], want[44];
	struct stat st;
	uint64_t data;
	int fd, err = 0;

	if (!path)
		return EINVAL;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st)) {
		err = errno;
		goto out;
	}
	if (st.st_size < (off_t)sizeof(h) ||
	    pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		err = EBADMSG;
		goto out;
	}
	/* ours: the header recorder_alloc() writes, sizes aside */
	header(want, get_le32(h + 40));
	if (memcmp(h, want, 4) || memcmp(h + 8, want + 8, 32)) {
		err = EBADMSG;
		goto out;
	}
	data = (uint64_t)st.st_size - sizeof(h);
	data -= data % FRAME_BYTES;
	if (framesp)
		*framesp = data / FRAME_BYTES;
	header(want, data);
	if (!memcmp(h, want, sizeof(h)) &&
	    (uint64_t)st.st_size == sizeof(h) + data) {
		err = EALREADY;
		goto out;
	}
	err = write_all(fd, want, sizeof(want), 0);
	if (!err && ftruncate(fd, (off_t)(sizeof(h) + data)))
		err = errno;
	if (!err && fsync(fd))
		err = errno;
 out:
	(void)close(fd);
	return err;
}

