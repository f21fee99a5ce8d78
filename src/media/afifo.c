/**
 * @file afifo.c  Bounded sample ring between two legs.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/afifo.h>

struct afifo {
	int16_t *buf;
	size_t cap;
	size_t rd;		/* index of the oldest sample */
	size_t level;
	bool primed;		/* wait for a frame before the first read */
	struct afifo_stats st;
};

static void destructor(void *arg)
{
	struct afifo *f = arg;

	mem_deref(f->buf);
}

int afifo_alloc(struct afifo **fp, uint32_t max_ms)
{
	struct afifo *f;

	if (!fp || max_ms < 20)
		return EINVAL;

	f = mem_zalloc(sizeof(*f), destructor);
	if (!f)
		return ENOMEM;
	f->cap = (size_t)max_ms * 8;
	f->buf = mem_zalloc(f->cap * sizeof(*f->buf), NULL);
	if (!f->buf) {
		mem_deref(f);
		return ENOMEM;
	}
	*fp = f;
	return 0;
}

void afifo_write(struct afifo *f, const int16_t *s, size_t n)
{
	size_t wr, i;

	if (!f || !s)
		return;

	f->st.written += n;
	if (n > f->cap) {
		/* keep the newest cap samples */
		f->st.dropped += n - f->cap;
		s += n - f->cap;
		n = f->cap;
	}
	if (f->level + n > f->cap) {
		size_t drop = f->level + n - f->cap;

		f->rd = (f->rd + drop) % f->cap;
		f->level -= drop;
		f->st.dropped += drop;
	}

	wr = (f->rd + f->level) % f->cap;
	for (i = 0; i < n; i++) {
		f->buf[wr] = s[i];
		if (++wr == f->cap)
			wr = 0;
	}
	f->level += n;
	if (f->level >= 160)
		f->primed = true;
}

void afifo_read(struct afifo *f, int16_t *frame, size_t n)
{
	size_t i, take;

	if (!f || !frame)
		return;

	take = f->primed ? (f->level < n ? f->level : n) : 0;
	for (i = 0; i < take; i++) {
		frame[i] = f->buf[f->rd];
		if (++f->rd == f->cap)
			f->rd = 0;
	}
	f->level -= take;
	f->st.read += take;
	if (take < n) {
		memset(frame + take, 0, (n - take) * sizeof(*frame));
		++f->st.underruns;
		f->primed = false;	/* refill a frame before going on */
	}
}

void afifo_reset(struct afifo *f)
{
	if (!f)
		return;
	f->rd = 0;
	f->level = 0;
	f->primed = false;
}

size_t afifo_level(const struct afifo *f)
{
	return f ? f->level : 0;
}

void afifo_stats(const struct afifo *f, struct afifo_stats *st)
{
	if (f && st)
		*st = f->st;
}
