/**
 * @file records.h  Contact records: one JSON line per contact segment,
 * appended to data_dir/records/contact-records.jsonl.
 *
 * Owns the record file (an appender, see appender.h: a record is frozen
 * on the loop thread into a snapshot, see crsnap.h, and encoded and
 * written in order by one libuv pool job at a time, so neither JSON
 * encoding nor a slow disk stalls calls; records_flush() waits for the
 * queue at shutdown) and the "records" configuration section: attributes
 * listed in records.redact_attributes are written as "***".
 *
 * A contact may have more than one line: when its agent ends after-contact
 * work, the record is written again, complete, with a later
 * LastUpdateTimestamp. The later line with a ContactId replaces the
 * earlier one.
 */
#ifndef CALLFLOWD_RECORDS_H
#define CALLFLOWD_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct records;
struct cdata;
struct crsnap;
struct config;
struct strmap;

/** A span of a recording: Recordings[].PausedSpans. */
struct crecord_span {
	uint64_t start_ms, stop_ms;
};

/** One part of the contact's call recording: Recordings[]. */
struct crecord_recording {
	const char *location;		/* the WAV file's path */
	const char *participant;	/* "IVR", "AGENT", "CUSTOMER", "ALL" */
	uint64_t start_ms, stop_ms;
	const struct crecord_span *pausev;	/* paused: silence */
	size_t pausec;
};

/** Timestamps and outcome of a segment that cdata does not hold. */
struct crecord_info {
	uint64_t initiated_ms;
	uint64_t connected_ms;		/* 0: never connected to the system */
	uint64_t disconnected_ms;
	const char *disconnect_reason;	/* CUSTOMER_DISCONNECT, ... */
	const char *flow_name;
	const char *sip_status;		/* final SIP status we gave, e.g. "404" */
	const char *failure;		/* why it failed, NULL if it did not */
	const char *queue_name;		/* enqueued queue, if any */
	uint64_t enqueued_ms;
	uint64_t dequeued_ms;
	uint64_t agent_connected_ms;	/* ConnectedToAgentTimestamp */
	uint64_t agent_ended_ms;	/* the contact left the agent (ACW
					 * starts); 0: at the disconnect */
	uint32_t agent_attempts;	/* AgentConnectionAttempts */
	/* transfers (kept by value: the record may outlive the transfer) */
	char next_contact_id[40];	/* NextContactId, "" when none */
	char transferred_to[64];	/* TransferredToEndpoint (E.164) */
	uint64_t transfer_completed_ms;	/* TransferCompletedTimestamp */
	/* call recording: Recordings[] and Recording{} (none when 0); the
	 * owner keeps them valid while the record may be encoded */
	const struct crecord_recording *recordingv;
	size_t recordingc;
	const char *recording_status;	/* "AVAILABLE", "FAILED" */
	/* hold (Agent section): NumberOfHolds, CustomerHoldDuration,
	 * LongestHoldDuration */
	uint32_t holds;
	uint64_t hold_ms;		/* all holds together */
	uint64_t longest_hold_ms;
	/* after-contact work that ended before the record was written (or
	 * lasted no time): AfterContactWorkEndTimestamp; 0 while it goes on
	 * (its end then comes in a revision, crsnap_acw_end()) */
	uint64_t acw_end_ms;
};

int  records_alloc(struct records **recp, const char *data_dir);
/** Append a record of cd (cd may be NULL for calls rejected early, then
 *  contact_id/customer/system fill in). */
int  records_write(struct records *rec, const struct cdata *cd,
		   const struct crecord_info *info);
/** Freeze a record (redactions applied) to write now or later. */
int  records_snap(struct records *rec, struct crsnap **snapp,
		  const struct cdata *cd, const struct crecord_info *info);
/** On the loop thread once a record is on disk (err 0) or lost (err). */
typedef void (records_done_h)(int err, void *arg);
/** Append a frozen record (referenced until it is written); doneh (may
 *  be NULL) is told when it is durable; arg (a mem object or NULL) is
 *  referenced until then. */
int  records_write_snap(struct records *rec, struct crsnap *snap,
			records_done_h *doneh, void *arg);
/** Run the loop until every queued line is on disk (or ms elapsed). */
void records_flush(struct records *rec, uint32_t ms);
/** Records queued (written or about to be). */
uint64_t records_written(const struct records *rec);
/** Records that could not be encoded, and failed writes of the file. */
uint64_t records_failures(const struct records *rec);
/** Nothing queued or being written. */
bool records_idle(const struct records *rec);
const char *records_path(const struct records *rec);
/**
 * Apply cfg's "records" section ({"redact_attributes": ["name", ...]}):
 * on a bad shape nothing changes, errbuf says why and EINVAL is returned.
 */
int  records_configure(struct records *rec, const struct config *cfg,
		       char *errbuf, size_t sz);
/** The attribute names to redact (keys; NULL when none). */
const struct strmap *records_redactions(const struct records *rec);
/** The text redactions are written as. */
#define RECORDS_REDACTED "***"
/** Append a finished record line (JSON text, no newline) as it is. */
int  records_append(struct records *rec, const char *json);
/** The record as a JSON text (mem string), as written to the file but
 *  without the redactions (those come from records_snap()). */
int  crecord_encode(char **jsonp, const struct cdata *cd,
		    const struct crecord_info *info);

#endif
