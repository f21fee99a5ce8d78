/**
 * @file crsnap_priv.h  The layout of a record snapshot (crsnap.h), shared
 * by the code that freezes it (crsnap.c) and the code that prints it as
 * Connect's contact record (crecord.c).
 */
#ifndef CALLFLOWD_CRSNAP_PRIV_H
#define CALLFLOWD_CRSNAP_PRIV_H

#include <stdint.h>
#include <string.h>

enum sidx {
	S_CONTACT, S_INITIAL, S_PREVIOUS, S_CUSTOMER, S_SYSTEM,
	S_DISC_REASON, S_FLOW, S_SIP_STATUS, S_FAILURE, S_QUEUE,
	S_AGENT_USER, S_AGENT_ARN, S_NEXT_CONTACT, S_TRANSFERRED_TO,
	S_REC_STATUS, S_COUNT
};

enum tidx {
	T_INIT, T_CONN, T_DISC, T_ENQ, T_DEQ, T_AGENT_CONN, T_XFER_DONE,
	T_HOLD, T_LONGEST_HOLD, T_ACW_END, T_LAST_UPDATE, T_AGENT_END,
	T_COUNT
};

enum {
	F_QUEUE = 1 << 0,	/* enqueued: a Queue section */
	F_FAILURE = 1 << 1,	/* a Failure section */
};

struct snkv {
	uint32_t key, val;
};

struct snspan {
	uint64_t start_ms, stop_ms;
};

struct snrec {
	uint64_t start_ms, stop_ms;
	uint32_t location, participant;
	uint32_t pausev, pausec;
};

struct crsnap {
	uint32_t size;
	uint32_t flags;
	uint32_t method, queue_priority, agent_attempts, holds;
	uint32_t attrs, nattrs, tags, ntags, recs, nrecs;
	uint32_t s[S_COUNT];
	uint64_t t[T_COUNT];
};

/* The string at off (NULL for none); *lenp its length. */
static inline const char *crsnap_str(const struct crsnap *s, uint32_t off,
				     size_t *lenp)
{
	uint32_t len;

	if (!off) {
		if (lenp)
			*lenp = 0;
		return NULL;
	}
	memcpy(&len, (const uint8_t *)s + off, sizeof(len));
	if (lenp)
		*lenp = len;
	return (const char *)s + off + sizeof(len);
}

#endif
