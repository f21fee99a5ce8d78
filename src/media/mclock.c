/*
 * The media clock. Wake-ups come from a timerfd armed with the absolute
 * CLOCK_MONOTONIC deadline of the next busy slot and watched by libre's
 * poll loop: microsecond precision, never early. Where timerfd is not
 * available we fall back to libre 1.1.0 timers, which have millisecond
 * resolution and follow gettimeofday(): then every wake-up re-reads
 * CLOCK_MONOTONIC and computes the next delay from the absolute
 * deadline, so rounding costs at most a millisecond on one tick and is
 * never carried into the next.
 */
#include <time.h>
#include <string.h>
#include <unistd.h>
#include <sys/timerfd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/media/mclock.h>

enum {
	MCLOCK_MAX_SLOTS = 64,
	/* periods we replay after a stall before skipping ahead */
	MCLOCK_MAX_CATCHUP = 5,
};

/* a wake-up this close before a deadline counts as on time (tmr rounds) */
#define EARLY_NS_TMR 1000000ULL
#define EARLY_NS_TFD 20000ULL

struct mclock {
	struct tmr tmr;
	int tfd;		/* timerfd, or -1: use tmr */
	bool armed;
	struct list slotv[MCLOCK_MAX_SLOTS];
	unsigned slots;
	uint64_t period_ns;
	uint64_t t0;
	uint64_t tick;		/* cursor: next (tick, slot) to run */
	unsigned slot;
	struct le *iter_next;	/* kept valid across removals */
	unsigned count;
	bool started;
	bool in_tick;		/* tmr_handler reschedules on return */
	struct mclock_stats stats;
};

static void schedule(struct mclock *mc);
static void tfd_handler(int flags, void *arg);

uint64_t mclock_now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void destructor(void *arg)
{
	struct mclock *mc = arg;
	unsigned i;

	tmr_cancel(&mc->tmr);
	if (mc->tfd >= 0) {
		fd_close(mc->tfd);
		(void)close(mc->tfd);
	}
	for (i = 0; i < mc->slots; i++) {
		struct le *le = mc->slotv[i].head;

		while (le) {
			struct mclock_ent *ent = le->data;

			le = le->next;
			list_unlink(&ent->le);
			ent->mc = NULL;
		}
	}
}

int mclock_alloc(struct mclock **mcp, uint32_t ptime_ms, unsigned slots)
{
	struct mclock *mc;

	if (!mcp || !ptime_ms || !slots || slots > MCLOCK_MAX_SLOTS)
		return EINVAL;

	mc = mem_zalloc(sizeof(*mc), destructor);
	if (!mc)
		return ENOMEM;

	tmr_init(&mc->tmr);
	mc->slots = slots;
	mc->period_ns = (uint64_t)ptime_ms * 1000000ULL;

	mc->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (mc->tfd >= 0 && fd_listen(mc->tfd, FD_READ, tfd_handler, mc)) {
		(void)close(mc->tfd);
		mc->tfd = -1;
	}
	if (mc->tfd < 0)
		log_warn("mclock: no timerfd, using millisecond timers");

	*mcp = mc;

	return 0;
}

uint64_t mclock_deadline(const struct mclock *mc, uint64_t tick,
			 unsigned slot)
{
	if (!mc)
		return 0;

	return mc->t0 + tick * mc->period_ns +
		mc->period_ns * slot / mc->slots;
}

static void advance(struct mclock *mc)
{
	if (++mc->slot >= mc->slots) {
		mc->slot = 0;
		++mc->tick;
	}
}

static void run_slot(struct mclock *mc)
{
	struct le *le = mc->slotv[mc->slot].head;
	uint64_t tick = mc->tick;

	while (le) {
		struct mclock_ent *ent = le->data;

		mc->iter_next = le->next;
		ent->h(tick, ent->arg);
		le = mc->iter_next;
	}
	mc->iter_next = NULL;
	++mc->stats.ticks;
}

/* Skip empty slots so an idle phase costs no wake-up. */
static bool seek_busy(struct mclock *mc)
{
	unsigned n;

	for (n = 0; n < mc->slots; n++) {
		if (mc->slotv[mc->slot].head)
			return true;
		advance(mc);
	}

	return false;
}

static void run_due(struct mclock *mc)
{
	uint64_t early = mc->tfd >= 0 ? EARLY_NS_TFD : EARLY_NS_TMR;
	uint64_t now = mclock_now_ns();
	unsigned runs;
	uint64_t dl = mclock_deadline(mc, mc->tick, mc->slot);

	if (now > dl && now - dl > mc->stats.late_max_ns)
		mc->stats.late_max_ns = now - dl;

	/* After a long stall, replaying every period would burst: jump. */
	if (now > dl && now - dl > MCLOCK_MAX_CATCHUP * mc->period_ns) {
		uint64_t k = (now - mc->t0) / mc->period_ns;

		log_warn("mclock: loop stalled %llu ms, skipping %llu periods",
			 (unsigned long long)((now - dl) / 1000000ULL),
			 (unsigned long long)(k - mc->tick));
		mc->stats.skipped += k - mc->tick;
		mc->tick = k;
		mc->slot = 0;
	}

	/* At most one period per wake-up: an overloaded loop must still
	 * get back to its sockets and timers (SIP) between periods. */
	mc->in_tick = true;
	for (runs = 0; runs < mc->slots && mc->count && seek_busy(mc);
	     runs++) {
		dl = mclock_deadline(mc, mc->tick, mc->slot);
		if (dl > now + early)
			break;
		run_slot(mc);
		advance(mc);
		now = mclock_now_ns();
	}
	mc->in_tick = false;

	schedule(mc);
}

static void tmr_handler(void *arg)
{
	run_due(arg);
}

static void tfd_handler(int flags, void *arg)
{
	struct mclock *mc = arg;
	uint64_t expirations;
	(void)flags;

	if (read(mc->tfd, &expirations, sizeof(expirations)) < 0)
		return;	/* EAGAIN: disarmed or re-armed meanwhile */

	mc->armed = false;
	run_due(mc);
}

static void tfd_arm(struct mclock *mc, uint64_t dl)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (dl) {
		its.it_value.tv_sec = (time_t)(dl / 1000000000ULL);
		its.it_value.tv_nsec = (long)(dl % 1000000000ULL);
	}
	if (timerfd_settime(mc->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		mc->armed = dl != 0;
}

static void schedule(struct mclock *mc)
{
	uint64_t now, dl, delay_ms = 0;

	if (!mc->count || !seek_busy(mc)) {
		tmr_cancel(&mc->tmr);
		if (mc->tfd >= 0 && mc->armed)
			tfd_arm(mc, 0);
		return;
	}

	dl = mclock_deadline(mc, mc->tick, mc->slot);
	if (mc->tfd >= 0) {
		/* a deadline already past fires at once */
		tfd_arm(mc, dl ? dl : 1);
		return;
	}

	now = mclock_now_ns();
	if (dl > now)
		delay_ms = (dl - now + 999999ULL) / 1000000ULL;

	tmr_start(&mc->tmr, delay_ms, tmr_handler, mc);
}

int mclock_add(struct mclock *mc, struct mclock_ent *ent, mclock_h *h,
	       void *arg)
{
	unsigned i, best = 0;

	if (!mc || !ent || !h)
		return EINVAL;
	if (ent->mc)
		return EALREADY;

	for (i = 1; i < mc->slots; i++) {
		if (list_count(&mc->slotv[i]) < list_count(&mc->slotv[best]))
			best = i;
	}

	if (!mc->started) {
		mc->t0 = mclock_now_ns();
		mc->started = true;
	}
	else if (!mc->count && !mc->in_tick) {
		/* resume on the grid at the first period not yet past */
		uint64_t now = mclock_now_ns();

		mc->tick = (now - mc->t0 + mc->period_ns - 1) / mc->period_ns;
		mc->slot = 0;
	}

	ent->h = h;
	ent->arg = arg;
	ent->mc = mc;
	ent->slot = best;
	list_append(&mc->slotv[best], &ent->le, ent);
	++mc->count;

	/* a running timer reaches every slot within one period */
	if (!mc->in_tick && !tmr_isrunning(&mc->tmr) && !mc->armed)
		schedule(mc);

	return 0;
}

void mclock_remove(struct mclock_ent *ent)
{
	struct mclock *mc;

	if (!ent || !ent->mc)
		return;

	mc = ent->mc;
	if (mc->iter_next == &ent->le)
		mc->iter_next = ent->le.next;
	list_unlink(&ent->le);
	ent->mc = NULL;
	--mc->count;
}

unsigned mclock_count(const struct mclock *mc)
{
	return mc ? mc->count : 0;
}

uint64_t mclock_tick(const struct mclock *mc)
{
	return mc ? mc->tick : 0;
}

uint32_t mclock_ptime(const struct mclock *mc)
{
	return mc ? (uint32_t)(mc->period_ns / 1000000ULL) : 0;
}

void mclock_stats(const struct mclock *mc, struct mclock_stats *st)
{
	if (!mc || !st)
		return;

	*st = mc->stats;
}
