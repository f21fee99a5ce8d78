/**
 * @file player.c  A cursor (item, offset) over a list of audio items.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include <callflowd/media/audio.h>
#include <callflowd/media/player.h>

struct item {
	struct le le;
	struct audio *a;
};

struct player {
	struct list items;
	struct le *cur;		/* item being played, NULL before the first */
	size_t off;		/* samples of cur already played */
	uint64_t played;	/* samples played in this sequence */
	uint64_t total;		/* samples in one pass */
	struct tmr tmr;		/* deferred done */
	player_done_h *doneh;
	void *arg;
	bool active;
	bool loop;
	bool sealed;
};


static void item_destructor(void *arg)
{
	struct item *it = arg;

	list_unlink(&it->le);
	mem_deref(it->a);
}


static void reset(struct player *p)
{
	tmr_cancel(&p->tmr);
	list_flush(&p->items);
	p->cur = NULL;
	p->off = 0;
	p->played = 0;
	p->total = 0;
	p->doneh = NULL;
	p->arg = NULL;
	p->active = false;
	p->loop = false;
	p->sealed = false;
}


static void destructor(void *arg)
{
	reset(arg);
}


int player_alloc(struct player **pp)
{
	struct player *p;

	if (!pp)
		return EINVAL;

	p = mem_zalloc(sizeof(*p), destructor);
	if (!p)
		return ENOMEM;

	tmr_init(&p->tmr);
	*pp = p;

	return 0;
}


void player_start(struct player *p, bool loop, player_done_h *doneh,
		  void *arg)
{
	if (!p)
		return;

	reset(p);
	p->active = true;
	p->loop = loop;
	p->doneh = doneh;
	p->arg = arg;
}


int player_append(struct player *p, struct audio *a)
{
	struct item *it;

	if (!p || !a || a->rate != AUDIO_RATE)
		return EINVAL;
	if (!p->active || p->sealed)
		return EALREADY;

	it = mem_zalloc(sizeof(*it), item_destructor);
	if (!it)
		return ENOMEM;

	it->a = mem_ref(a);
	list_append(&p->items, &it->le, it);
	p->total += a->count;

	return 0;
}


void player_seal(struct player *p)
{
	if (p && p->active)
		p->sealed = true;
}


int player_play(struct player *p, struct audio *a, bool loop,
		player_done_h *doneh, void *arg)
{
	int err;

	if (!p || !a)
		return EINVAL;

	player_start(p, loop, doneh, arg);
	err = player_append(p, a);
	if (err) {
		reset(p);
		return err;
	}
	player_seal(p);

	return 0;
}


void player_stop(struct player *p)
{
	if (p)
		reset(p);
}


static void done_handler(void *arg)
{
	struct player *p = arg;
	player_done_h *doneh = p->doneh;
	void *darg = p->arg;

	/* items stay until the next start/stop so position and duration
	 * can still be logged; the handler may start anew or free p */
	p->active = false;
	if (doneh)
		doneh(darg);
}


/* The item after cur, wrapping when looping; NULL at the end. */
static struct le *next_item(struct player *p)
{
	struct le *le = p->cur ? p->cur->next : list_head(&p->items);

	if (!le && p->sealed && p->loop && p->total)
		le = list_head(&p->items);

	return le;
}


void player_read(struct player *p, int16_t *frame, size_t n)
{
	size_t filled = 0;

	if (!frame)
		return;

	while (p && p->active && !tmr_isrunning(&p->tmr) && filled < n) {
		struct audio *a = p->cur ? ((struct item *)p->cur->data)->a :
			NULL;
		size_t k;

		if (!a || p->off >= a->count) {
			struct le *le = next_item(p);

			if (!le) {
				/* starved while unsealed: silence, wait */
				if (p->sealed && !(p->loop && !p->total))
					tmr_start(&p->tmr, 0, done_handler, p);
				break;
			}
			p->cur = le;
			p->off = 0;
			continue;
		}

		k = a->count - p->off;
		if (k > n - filled)
			k = n - filled;
		memcpy(frame + filled, a->samples + p->off, k * sizeof(*frame));
		p->off += k;
		p->played += k;
		filled += k;
	}

	if (filled < n)
		memset(frame + filled, 0, (n - filled) * sizeof(*frame));
}


bool player_active(const struct player *p)
{
	return p && p->active && !tmr_isrunning(&p->tmr);
}


uint64_t player_position_ms(const struct player *p)
{
	return p ? p->played * 1000 / AUDIO_RATE : 0;
}


uint64_t player_duration_ms(const struct player *p)
{
	return p ? p->total * 1000 / AUDIO_RATE : 0;
}
