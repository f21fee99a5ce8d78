/**
 * @file retention.h  Old days of the dated folders deleted after a set
 * number of days: records.retention in the configuration
 *   {"flow_logs_days": 30, "agent_events_days": 90, "recordings_days": 0}
 * (0 or absent: keep for ever; at least 1 otherwise, so today's and
 * yesterday's files, which may still be written, always stay).
 *
 * Owns the settings and an hourly timer; each sweep runs on the libuv
 * pool (data_dir/<kind>/YYYY/MM/DD folders older than the limit removed
 * with what they hold, then empty month and year folders), and reports
 * back on the loop: a log line and an audit event ("retention") per day
 * removed. The contact record file and the audit trail are never touched.
 */
#ifndef CALLFLOWD_RETENTION_H
#define CALLFLOWD_RETENTION_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct retention;

enum retention_kind {
	RETAIN_FLOW_LOGS, RETAIN_AGENT_EVENTS, RETAIN_RECORDINGS,
	RETAIN_KINDS
};

struct audit;

/** Sweep data_dir; each day removed goes into audit (may be NULL). */
int  retention_alloc(struct retention **rp, const char *data_dir,
		     struct audit *audit);
/**
 * Apply cfg's records.retention (absent: keep everything). On a bad
 * shape nothing changes, errbuf says why and EINVAL is returned; a NULL
 * r only checks.
 */
int  retention_configure(struct retention *r, const struct config *cfg,
			 char *errbuf, size_t sz);
/** Sweep now (the timer does it hourly; the first a few seconds after
 *  the start). done, if set, is called on the loop when it finished. */
typedef void (retention_done_h)(unsigned days_removed, void *arg);
int  retention_sweep(struct retention *r, uint64_t now_ms,
		     retention_done_h *doneh, void *arg);
/** Day folders removed since start. */
uint64_t retention_removed(const struct retention *r);

#endif
