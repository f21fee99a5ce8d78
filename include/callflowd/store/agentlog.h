/**
 * @file agentlog.h  The agent activity log: every agent status and state
 * change, as the event stream tells it, kept on disk for workforce
 * management and audits ("who was available when, and for how long").
 *
 * Owns a subscription to the event bus (core/events.h) and a day
 * file, data_dir/agent-events/YYYY/MM/DD/agent-events.jsonl (UTC date):
 * one line per agent.status or agent.state event, the same JSON as the
 * GET /v1/events stream sends ({"type","ts","agent","status","state",
 * "previous"}).
 */
#ifndef CALLFLOWD_AGENTLOG_H
#define CALLFLOWD_AGENTLOG_H

#include <stdint.h>

struct agentlog;

struct events;

/** Log the agent events of bus. */
int  agentlog_alloc(struct agentlog **alp, const char *data_dir,
		    struct events *bus);
/** Wait until the lines are on disk (shutdown; runs the loop). */
void agentlog_flush(struct agentlog *al, uint32_t ms);
/** Lines queued since start. */
uint64_t agentlog_lines(const struct agentlog *al);

#endif
