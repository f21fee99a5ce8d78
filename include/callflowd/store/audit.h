/**
 * @file audit.h  The audit trail: who changed what, and when.
 *
 * Owns data_dir/audit/audit.jsonl (an appender: written off the loop,
 * fdatasync'ed, in order). One JSON line per administrative event:
 *   {"Time","Event":"start","Version","Pid","Config"}
 *   {"Time","Event":"stop","Reason"}
 *   {"Time","Event":"reload","Trigger":"SIGHUP","Result":"applied"|
 *    "refused","Reason"?,"Flows"?}
 *   {"Time","Event":"flow","Path","Result":"loaded"|"rejected"|"removed"}
 *   {"Time","Event":"api","Source","Method","Path","Status","Body"?}
 *      every request that may change state (not GET/HEAD), and every
 *      request refused for want of a valid token (any method); a JSON
 *      body (at most AUDIT_BODY_MAX bytes) is kept, others are sized
 *      ("BodyBytes"); the Authorization header never is
 *   {"Time","Event":"lockout","Source"|"User","Seconds","Failures"}
 *      SIP digest lock-outs
 *   {"Time","Event":"retention","Kind","Day","Files"}  a day folder gone
 * Time is ISO 8601 UTC with milliseconds. The file only grows.
 */
#ifndef CALLFLOWD_AUDIT_H
#define CALLFLOWD_AUDIT_H

#include <stdint.h>

typedef struct json_t json_t;
struct audit;

#define AUDIT_BODY_MAX 4096

int  audit_alloc(struct audit **ap, const char *data_dir);
/** Append an event: fields (an object, may be NULL; the reference is
 *  taken) follow Time and Event. No-op when a is NULL. */
void audit_event(struct audit *a, const char *event, json_t *fields);
/** Wait until every line is on disk (shutdown; runs the loop). */
void audit_flush(struct audit *a, uint32_t ms);
/** Lines queued since start. */
uint64_t audit_lines(const struct audit *a);
const char *audit_path(const struct audit *a);

#endif
