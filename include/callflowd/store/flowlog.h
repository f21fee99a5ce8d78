/**
 * @file flowlog.h  Flow logs: one JSON line per action a contact executes
 * while its flow logging is on (UpdateFlowLoggingBehavior), appended to
 * data_dir/flow-logs/YYYY/MM/DD/flow-logs.jsonl (UTC date).
 *
 * Owns the appender of the current day's file (see appender.h). A line:
 * {"Timestamp", "ContactId", "ContactFlowName", "ContactFlowId"?,
 *  "Identifier", "Type", "Parameters", "Results"?, "Branch"?, "Error"?,
 *  "Say"?}. Parameters are the action's, with string templates evaluated
 * at the end of the action, except where a value is secret: templates
 * that read $.StoredCustomerInput or a redacted attribute stay as written,
 * InputEncryption values and redacted attribute keys are "***", and an
 * action reading a secret has its result masked and its Say as written.
 */
#ifndef CALLFLOWD_FLOWLOG_H
#define CALLFLOWD_FLOWLOG_H

#include <stdint.h>

struct flowlog;
struct frun;
struct fstep;
struct records;
struct strmap;

/** Flow logs under data_dir; redactions come from rec (may be NULL). */
int  flowlog_alloc(struct flowlog **flp, const char *data_dir,
		   struct records *rec);
/** A run's step handler calls this: logs st when the contact has flow
 *  logging on (the UpdateFlowLoggingBehavior action itself is not
 *  logged, so a flow that turns logging on halfway logs what follows). */
void flowlog_step(struct flowlog *fl, struct frun *run,
		  const struct fstep *st);
/** One flow log line (mem string, no newline) for st at now_ms. */
int  flowlog_encode(char **jsonp, struct frun *run, const struct fstep *st,
		    const struct strmap *redact, uint64_t now_ms);
/** The file a line written at now_ms goes to (mem string). */
int  flowlog_path(char **pathp, const char *data_dir, uint64_t now_ms);
/** Wait until every line is on disk (shutdown; runs the loop). */
void flowlog_flush(struct flowlog *fl, uint32_t ms);
uint64_t flowlog_lines(const struct flowlog *fl);

#endif
