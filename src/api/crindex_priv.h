/**
 * @file crindex_priv.h  The record index's state, shared by the index
 * itself (crindex.c: entries, ContactId table, counts, reading back,
 * scans) and its catch-up (crindex_catchup.c: read and parse on the pool,
 * merge on the loop, requests held until caught up).
 */
#ifndef CALLFLOWD_CRINDEX_PRIV_H
#define CALLFLOWD_CRINDEX_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	BATCH = 1 << 20,	/* bytes one catch-up job reads */
	CHUNK = 64 << 10,
	LINE_MAX_SZ = 4 << 20,	/* longer lines are skipped */
	DAY_MS = 86400000,
	SLOTS_MIN = 1024,
	LATE_MS = 600000,	/* earlier than an entry before it: aside */
};

/* What indexing takes of one line (strings borrowed from the parse). */
struct crline {
	uint64_t off;
	uint32_t len;
	const char *id;
	const char *queue;	/* Queue.Name */
	const char *agent;	/* Agent.Username */
	bool has_agent;		/* an Agent section: connected to one */
	bool has_talk;		/* Agent.AgentInteractionDuration given */
	bool has_acw;		/* Agent.AfterContactWorkDuration given */
	uint32_t talk_s, acw_s;	/* those durations (whole seconds) */
	uint64_t init_ms, disc_ms;
	uint64_t enq_ms, deq_ms, conn_ms;
};

/* A line a job parsed; its strings are offsets + 1 into the job's text
 * (0: none), made pointers again when merged. */
struct jline {
	struct crline l;
	size_t id, queue, agent;
};

/* One catch-up: a bounded read of what was appended, parsed on a pool
 * thread. It touches no libre object there (its buffers are malloc'ed);
 * the loop thread merges what it found into the index. */
struct crjob {
	struct crindex *ix;	/* NULL once the index is gone */
	char *path;
	uint32_t seq;		/* the index's job number */
	uint64_t from;		/* where it reads: what is indexed */
	uint64_t ino;		/* the indexed file; then the one read */
	size_t max;		/* bytes to read (more only to end a line) */
	/* what it found, on the pool thread */
	int err;
	bool gone;		/* the file cannot be opened */
	bool replaced;		/* shorter or another file: read anew */
	bool at_end;		/* read all the file held */
	uint64_t end;		/* after the last whole line */
	uint64_t size;		/* bytes seen, a line being written too */
	uint64_t skipped;
	struct jline *lines;
	size_t nlines, capl;
	char *text;		/* the lines' ids and names, NUL-ended */
	size_t ntext, capt;
};

/* A request held back until the index has caught up (crindex_wait). */
struct crwait {
	struct le le;
	struct http_conn *conn;
	struct http_msg *msg;
	uint32_t after;		/* jobs started before it came */
	crindex_ready_h *readyh;
	void *arg;
};

/* Today's figures of one queue or one agent (agents have no waits) */
struct qday {
	uint64_t day;		/* UTC day number these figures are of */
	uint32_t handled, abandoned;
	uint32_t talked;	/* handled with AgentInteractionDuration */
	uint32_t acw_ended;	/* handled whose after-contact work ended */
	uint64_t talk_s;	/* AgentInteractionDuration of talked ones */
	uint64_t acw_s;		/* AfterContactWorkDuration of acw_ended */
	uint64_t handle_s;	/* their interaction + after-contact work */
	uint32_t *waits;	/* queue time (ms) of each handled one */
	size_t nwaits, capw;
};

struct crindex {
	char *path;
	uint64_t end;		/* bytes indexed */
	uint64_t ino;
	uint32_t gen;		/* bumped when indexed anew */
	struct crent *v;	/* by the place of each contact's first line */
	size_t n, cap;
	uint32_t *slots;	/* ContactId -> entry + 1 (open addressing) */
	size_t nslots;		/* a power of two, 0 before the first */
	char *ids;		/* the ContactIds, NUL-ended, in a row */
	size_t idlen, idcap;
	char **names;		/* interned queue and agent names */
	struct qday *days;	/* per name, used for queues */
	struct qday *adays;	/* per name, used for agents */
	struct crq_totals *totals;	/* per name, used for queues */
	size_t nnames;
	uint64_t skipped;	/* lines that were not records */
	uint64_t revisions;	/* lines that replaced another */
	uint32_t *late;		/* entries kept aside (crent late) */
	size_t nlate, caplate;
	bool unordered;		/* one not kept aside: scan all */
	uint64_t size;		/* bytes seen: end + a line being written */
	struct crjob *job;	/* the catch-up running on the pool */
	uint32_t started;	/* catch-ups started */
	uint32_t synced;	/* the last one that read to the end */
	struct list waits;	/* struct crwait, in arrival order */
};

/* libre's mem_realloc() wants an existing object */
static inline void *crindex_grow(void *p, size_t sz)
{
	return p ? mem_realloc(p, sz) : mem_alloc(sz, NULL);
}

/* crindex.c */
void crindex_reset(struct crindex *ix);
void crindex_apply_line(struct crindex *ix, const struct crline *l);
/** A record's figures into l (pool thread safe: reads r only). */
int  crindex_parse_line(struct crline *l, const json_t *r);

/* crindex_catchup.c */
bool crindex_catch_up_here(struct crindex *ix, size_t max);

#endif
