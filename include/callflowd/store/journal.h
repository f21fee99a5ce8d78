/**
 * @file journal.h  The live-contact journal, for records that survive a
 * crash: data_dir/records/journal.jsonl, append-only.
 *
 * Owns the journal's appender, the list of journaled live contacts (each
 * holding its contact data) and the timer that writes their changes. Lines
 * (Time is when the line was made, ISO 8601 UTC):
 *   {"Event":"start","Time","ContactId","Initiated","Customer","System",
 *    "Flow","Record":{...}}
 *   {"Event":"update","Time","ContactId","Record":{...}}  (on change)
 *   {"Event":"tick","Time"}   (every interval while contacts are live)
 *   {"Event":"end","Time","ContactId"}
 * Record is the contact record so far (a snapshot, redacted). At
 * start, journal_recover() writes a final record for every contact
 * started but not ended, with DisconnectReason "OTHER" and the last
 * journal Time as DisconnectTimestamp, then empties the journal. While
 * running, the journal is rewritten with only the live contacts once it
 * has grown past a few megabytes.
 *
 * Record states are frozen on the loop thread (crsnap.h; a contact whose
 * snapshot did not change writes nothing) and turned into lines on the
 * pool, as is the rewrite, in order with the other lines.
 */
#ifndef CALLFLOWD_JOURNAL_H
#define CALLFLOWD_JOURNAL_H

#include <stdint.h>
#include <callflowd/store/records.h>

struct cdata;
struct crecord_info;
struct crsnap;
struct journal;
struct records;

#define JOURNAL_INTERVAL_MS 5000

/**
 * Write the final records of contacts a previous run left unfinished
 * (skipping any whose record already sits at the end of the record file),
 * wait until they are on disk, then empty the journal. Call before taking
 * calls, outside re_main (it runs the loop to flush). *countp: how many.
 */
int  journal_recover(const char *data_dir, struct records *rec,
		     unsigned *countp);
/** Open the journal; changes are looked for every interval_ms. */
int  journal_alloc(struct journal **jp, const char *data_dir,
		   struct records *rec, uint32_t interval_ms);
/**
 * Journal a new live contact. cd is referenced; info (the record's
 * timestamps and queue, owned by the caller) is read until journal_end().
 */
int  journal_start(struct journal *j, struct cdata *cd,
		   const struct crecord_info *info, const char *flow_name);
/** Write the contact's record now if it changed since the last line. */
void journal_update(struct journal *j, const char *contact_id);
/**
 * Write the contact's final record (snap) and forget the contact once the
 * record is on disk, not before: a crash in between leaves it journaled,
 * and recovery finds its record already written. From this call on the
 * contact's info is no longer read (the contact may go). doneh (may be
 * NULL) is then told, as records_write_snap() tells it.
 */
int  journal_finish(struct journal *j, const char *contact_id,
		    struct crsnap *snap, records_done_h *doneh, void *arg);
/** The contact's record was written: forget it. */
void journal_end(struct journal *j, const char *contact_id);
/** Rewrite the journal once it grew by bytes (0: the default, 8 MiB). */
void journal_compact_at(struct journal *j, uint64_t bytes);
/** Contacts journaled and not ended. */
uint32_t journal_live(const struct journal *j);
/** Wait until every line is on disk (shutdown; runs the loop). */
void journal_flush(struct journal *j, uint32_t ms);

#endif
