/**
 * @file crsnap.h  A contact record frozen for encoding off the loop thread.
 *
 * Owns one flat block: the record's scalars and copies of every string
 * (ids, endpoints, attributes with redactions already applied, tags, the
 * agent, queue, transfer and recordings), addressed by offsets so the
 * block holds no pointer. Built on the loop thread in a few microseconds
 * (one allocation); encoded to JSON anywhere, e.g. on a libuv pool thread,
 * since it shares nothing with the live contact. Two snapshots of the same
 * state are byte for byte equal, which is how the journal sees changes.
 */
#ifndef CALLFLOWD_CRSNAP_H
#define CALLFLOWD_CRSNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cdata;
struct crecord_info;
struct crsnap;
struct mbuf;
struct strmap;

/**
 * Freeze cd (may be NULL for calls refused early) and info. Attributes
 * named in redact (may be NULL) are copied as RECORDS_REDACTED.
 */
int  crsnap_build(struct crsnap **snapp, const struct cdata *cd,
		  const struct crecord_info *info,
		  const struct strmap *redact);
/**
 * A copy of s whose agent's after-contact work ended at acw_end_ms:
 * AfterContactWorkEndTimestamp and Duration set, LastUpdateTimestamp
 * moved to it. EINVAL when s has no agent.
 */
int  crsnap_acw_end(struct crsnap **revp, const struct crsnap *s,
		    uint64_t acw_end_ms);
/** The same record state (byte-equal blocks). */
bool crsnap_equal(const struct crsnap *a, const struct crsnap *b);
const char *crsnap_contact_id(const struct crsnap *s);
bool crsnap_has_agent(const struct crsnap *s);
/** Bytes the block takes. */
size_t crsnap_size(const struct crsnap *s);

/** Append the record's JSON text (no newline). Any thread: it only reads
 *  s (libre's mem is plain malloc, so an mbuf owned by the caller may grow
 *  on a pool thread). */
int  crsnap_print(struct mbuf *mb, const struct crsnap *s);
/** The record's JSON text as a mem string. */
int  crsnap_encode(char **jsonp, const struct crsnap *s);

/* What the journal's start lines carry besides the record. */
uint64_t crsnap_initiated_ms(const struct crsnap *s);
const char *crsnap_customer(const struct crsnap *s);
const char *crsnap_system(const struct crsnap *s);
const char *crsnap_flow_name(const struct crsnap *s);

#endif
