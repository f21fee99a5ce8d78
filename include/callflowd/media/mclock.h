/**
 * @file mclock.h  The media clock: one periodic tick source (20 ms) for
 * every RTP stream of the process, instead of one timer per call.
 *
 * Owns the tick schedule and the per-slot lists of registered entries.
 * Tick k of phase slot s is due at t0 + k*ptime + s*ptime/slots on
 * CLOCK_MONOTONIC: deadlines are absolute, so lateness never accumulates;
 * a late loop runs the missed ticks back to back (up to a bound, then
 * skips ahead). Entries are embedded in their owners (like struct tmr)
 * and must be removed with mclock_remove() before the owner is freed.
 * Runs on the libre loop thread only.
 */
#ifndef CALLFLOWD_MCLOCK_H
#define CALLFLOWD_MCLOCK_H

#include <stdint.h>
#include <callflowd/core/libre.h>

struct mclock;

/** Called once per tick; tick is the period number since t0. */
typedef void (mclock_h)(uint64_t tick, void *arg);

/** A registration, embedded in the owner; zero it or mclock_remove it. */
struct mclock_ent {
	struct le le;
	mclock_h *h;
	void *arg;
	struct mclock *mc;
	unsigned slot;
};

struct mclock_stats {
	uint64_t ticks;		/* slot runs performed */
	uint64_t skipped;	/* periods dropped after a long stall */
	uint64_t late_max_ns;	/* worst wake-up lateness seen */
};

/**
 * Allocate a clock with the given period (ms, > 0) spread over slots
 * phase slots (1..64); new entries go to the least loaded slot.
 */
int  mclock_alloc(struct mclock **mcp, uint32_t ptime_ms, unsigned slots);
/** Register ent: h(tick, arg) will be called every period. */
int  mclock_add(struct mclock *mc, struct mclock_ent *ent, mclock_h *h,
		void *arg);
/** Unregister (safe from within any tick handler; no-op if not added). */
void mclock_remove(struct mclock_ent *ent);
/** Number of registered entries. */
unsigned mclock_count(const struct mclock *mc);
/** The ideal CLOCK_MONOTONIC time (ns) of tick for an entry's slot. */
uint64_t mclock_deadline(const struct mclock *mc, uint64_t tick,
			 unsigned slot);
/** The tick being run now, or the next one to run when idle. */
uint64_t mclock_tick(const struct mclock *mc);
uint32_t mclock_ptime(const struct mclock *mc);
void mclock_stats(const struct mclock *mc, struct mclock_stats *st);
/** CLOCK_MONOTONIC in nanoseconds. */
uint64_t mclock_now_ns(void);

#endif
