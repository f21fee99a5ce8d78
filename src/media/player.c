/**
 * @file player.c  Clip sequence player pulled frame by frame.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/libre.h>
#include <callflowd/audio.h>
#include <callflowd/player.h>

struct player {
	struct audio **audv;	/* referenced clips */
	size_t n;
	size_t cur;		/* clip playing */
	size_t pos;		/* sample in that clip */
	uint64_t played;	/* samples of this sequence */
	bool loop;
	bool active;
	bool ended;		/* the last clip has been read out */
	player_done_h *doneh;
	void *arg;
	struct tmr done_tmr;	/* done runs outside player_read() */
};

static void release(struct player *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		mem_deref(p->audv[i]);
	p->audv = mem_deref(p->audv);
	p->n = 0;
}

static void destructor(void *arg)
{
	struct player *p = arg;

	tmr_cancel(&p->done_tmr);
	release(p);
}

int player_alloc(struct player **pp)
{
	struct player *p;

	if (!pp)
		return EINVAL;
	p = mem_zalloc(sizeof(*p), destructor);
	if (!p)
		return ENOMEM;
	tmr_init(&p->done_tmr);
	*pp = p;
	return 0;
}

int player_play(struct player *p, struct audio **audv, size_t n, bool loop,
		player_done_h *doneh, void *arg)
{
	size_t i;

	if (!p || (n && !audv))
		return EINVAL;

	player_stop(p);
	if (n) {
		p->audv = mem_zalloc(n * sizeof(*p->audv), NULL);
		if (!p->audv)
			return ENOMEM;
		for (i = 0; i < n; i++)
			p->audv[i] = mem_ref(audv[i]);
	}
	p->n = n;
	p->cur = 0;
	p->pos = 0;
	p->played = 0;
	p->loop = loop;
	p->ended = false;
	p->doneh = doneh;
	p->arg = arg;
	p->active = true;
	return 0;
}

void player_stop(struct player *p)
{
	if (!p)
		return;
	tmr_cancel(&p->done_tmr);
	p->active = false;
	release(p);
}

bool player_active(const struct player *p)
{
	return p && p->active;
}

static void done_tmr(void *arg)
{
	struct player *p = arg;
	player_done_h *h = p->doneh;

	release(p);
	if (h)
		h(p->arg);
}

void player_read(struct player *p, int16_t *frame, size_t n)
{
	size_t got = 0, empty = 0;

	if (!p || !p->active) {
		memset(frame, 0, n * sizeof(*frame));
		return;
	}

	while (got < n && p->n && !p->ended) {
		const struct audio *a = p->audv[p->cur];
		size_t take = a->count > p->pos ? a->count - p->pos : 0;

		if (take > n - got)
			take = n - got;
		if (take) {
			memcpy(frame + got, a->samples + p->pos,
			       take * sizeof(*frame));
			got += take;
			p->pos += take;
			empty = 0;
		}
		if (p->pos < a->count)
			continue;

		/* next clip; a loop of empty clips must not spin */
		p->pos = 0;
		if (++p->cur < p->n)
			continue;
		p->cur = 0;
		if (!p->loop || ++empty > p->n) {
			p->ended = true;
			break;
		}
	}

	p->played += got;
	if (got < n)
		memset(frame + got, 0, (n - got) * sizeof(*frame));

	if (p->active && (!p->n || p->ended)) {
		p->active = false;
		tmr_start(&p->done_tmr, 0, done_tmr, p);
	}
}

uint64_t player_position_ms(const struct player *p)
{
	return p ? p->played / 8 : 0;
}
