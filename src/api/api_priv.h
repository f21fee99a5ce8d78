/**
 * @file api_priv.h  Private: what the API's route files share.
 */
#ifndef CALLFLOWD_API_PRIV_H
#define CALLFLOWD_API_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <callflowd/core/libre.h>
#include <callflowd/api/api.h>

struct contact;
struct crindex;
struct api_events;

struct api {
	struct api_services svc;
	struct http_sock *sock;
	struct crindex *records;	/* crindex.c */
	struct api_events *events;	/* api_events.c */
	char *token;			/* api.token: Bearer token */
	struct sa laddr;		/* where the socket listens */
	char *listen;			/* the same, as configured */
};

/** The live contact whose ContactId is id, or NULL. */
struct contact *api_contact(const struct api *api, const struct pl *id);
/** The running configuration. */
const struct config *api_config(const struct api *api);

/** Reply with a JSON document (takes the reference to j). */
void api_reply_json(struct http_conn *conn, uint16_t scode, json_t *j);
/** Reply with body, a JSON document already encoded (from its start to
 *  its end), as it is; 500 when body is NULL. */
void api_reply_body(struct http_conn *conn, uint16_t scode,
		    const struct mbuf *body);
/** {"error": msg} with the status. */
void api_reply_error(struct http_conn *conn, uint16_t scode,
		     const char *msg);

struct crindex;

/** /v1/agents...: true when the path was one of them (answered); GETs
 *  give today's figures from the record index ix (NULL: none). */
bool api_agents(struct api *api, struct http_conn *conn,
		const struct http_msg *msg);
/** GET /v1/lockouts, DELETE /v1/lockouts/{kind}/{name}
 *  (api_lockouts.c): true when the path was one of them (answered). */
bool api_lockouts(struct api *api, struct http_conn *conn,
		  const struct http_msg *msg);
/** POST /v1/contacts/{id}/transfer (api_transfer.c): true when the
 *  path was it (answered). */
bool api_transfer(struct api *api, struct http_conn *conn,
		  const struct http_msg *msg);
/** POST /v1/contacts/{id}/recording/pause|resume (api_recording.c):
 *  true when the path was one of them (answered). */
bool api_recording(struct api *api, struct http_conn *conn,
		   const struct http_msg *msg);
/** GET /v1/contacts/{id}, POST .../hold and .../resume
 *  (api_contacts.c): true when the path was one of them (answered). */
bool api_contacts(struct api *api, struct http_conn *conn,
		  const struct http_msg *msg);

/* -- query strings (query.c) -- */

/**
 * The value of query parameter key (percent-decoded) into buf: 0, ENOENT
 * when absent, EINVAL when it is malformed or does not fit.
 */
int  api_query(const struct http_msg *msg, const char *key, char *buf,
	       size_t sz);
/** The first query parameter not in keys (NULL-ended), into buf; false
 *  when every parameter is known. */
bool api_query_unknown(const struct http_msg *msg,
		       const char *const *keys, char *buf, size_t sz);
/** Percent-decode pl into buf ('+' stays '+': time zones keep it):
 *  EINVAL when malformed, when it decodes to a NUL or does not fit. */
int  api_query_decode(char *buf, size_t sz, const struct pl *pl);
/** The query string of msg, without its '?'. */
struct pl api_query_of(const struct http_msg *msg);
/** The next "k=v" of rest (api_query_of()), rest moved past it; empty
 *  items skipped, v empty without '='; false at the end. */
bool api_query_next(struct pl *rest, struct pl *k, struct pl *v);

/* -- records, queues, events (api_records.c, crindex.c, api_queues.c,
 * api_events.c) -- */

/** Today's (UTC day) figures of one queue or agent, from its contact
 *  records (an agent's have no abandoned, within_sl or answer_ms_sum). */
struct crq_today {
	uint32_t handled;		/* connected to an agent */
	uint32_t abandoned;		/* left the queue with no agent */
	uint32_t within_sl;		/* handled within the threshold */
	uint64_t answer_ms_sum;		/* queue time of handled ones */
	uint32_t talked;		/* handled, interaction time given */
	uint64_t talk_s_sum;		/* their AgentInteractionDuration */
	uint32_t acw_ended;		/* handled, after-contact work over */
	uint64_t acw_s_sum;		/* their AfterContactWorkDuration */
	uint64_t handle_s_sum;		/* their interaction + ACW (AHT) */
};

/** A queue's counters since the index began (for Prometheus): its
 *  contacts, each counted once as its figures of the day are. */
struct crq_totals {
	bool queue;			/* the name is a queue's */
	uint64_t handled;		/* connected to an agent */
	uint64_t abandoned;		/* left the queue with no agent */
	uint64_t answer_ms;		/* queue time of handled ones */
	uint64_t talk_s;		/* their AgentInteractionDuration */
	uint64_t acw_ended;		/* handled, after-contact work over */
	uint64_t acw_s;			/* their AfterContactWorkDuration */
};

/** A request crindex_wait() held back, now that the index holds every
 *  record written before it came. */
typedef void (crindex_ready_h)(struct http_conn *conn,
			       const struct http_msg *msg, void *arg);

/** Index the record file at path (all of it now, on this thread). */
int  crindex_alloc(struct crindex **ixp, const char *path);
/**
 * Hold a request back while the index catches up with the file (read and
 * parsed on the libuv pool, merged on the loop): true when held, then
 * readyh(conn, msg, arg) runs once the index holds every record written
 * before now (or reading failed; logged). A request on a connection with
 * one held is held too (needs or not), so that replies keep their order.
 * False: answer now (the index is up to date, or needs is false).
 */
bool crindex_wait(struct crindex *ix, struct http_conn *conn,
		  const struct http_msg *msg, bool needs,
		  crindex_ready_h *readyh, void *arg);
/** Start catching up in the background when the file changed. */
void crindex_update(struct crindex *ix);
/** Contacts indexed: each once, however many lines (revisions) it has. */
size_t crindex_count(const struct crindex *ix);
/**
 * The newest record of ContactId id (a later line replaces an earlier
 * one), parsed, into *rp (a new reference): ENOENT when there is none,
 * EIO when it cannot be read back, ESTALE as crindex_open().
 */
int  crindex_record(json_t **rp, struct crindex *ix, const char *id);
/** What the index keeps of one contact (crindex.c): where its newest
 *  line is, and what the list filters look at. */
struct crent {
	uint64_t off;		/* of its newest line in the file */
	uint64_t init_ms, disc_ms;
	uint64_t id;		/* its ContactId, kept by the index */
	uint32_t len;		/* of that line, without the newline */
	uint32_t idhash;
	uint32_t queue;		/* crindex_name() of Queue.Name, 0: none */
	uint32_t agent;		/* likewise of Agent.Username */
	/* the index's own: the UTC day it counted in as handled (0: not),
	 * the queue and agent it counted for (its first line's), whether
	 * its after-contact work was counted */
	uint32_t cday;
	uint32_t cqueue, cagent;
	bool acw_counted;
	/* for reports (api_reports.c): from the first line, except the
	 * after-contact work (from the first line that gives it) */
	uint64_t rep_ms;	/* DisconnectTimestamp (else initiation) */
	uint32_t rqueue;	/* crindex_name() of its Queue.Name */
	uint32_t wait_ms;	/* enqueued to connected, when handled */
	uint32_t talk_s;	/* AgentInteractionDuration, when has_talk */
	uint32_t acw_s;		/* AfterContactWorkDuration (acw_counted) */
	uint32_t aht_s;		/* interaction + ACW of the ACW line */
	bool handled;		/* an Agent section: counted for cagent */
	bool has_talk;
	/* the index's own: the largest rep_ms up to this entry, whether
	 * this one came too late for it (kept aside, see crindex_scan()) */
	bool late;
	uint64_t mono_ms;
};

/** The contact at place pos (in the order of first lines), NULL past the
 *  last. Valid until the index next changes (on the loop thread). */
const struct crent *crindex_at(const struct crindex *ix, size_t pos);
/** The number standing for a queue or agent name in entries; 0 when no
 *  record has it. */
uint32_t crindex_name(const struct crindex *ix, const char *name);
/** The name that number name stands for, NULL for none. Valid until
 *  the index next changes (on the loop thread). */
const char *crindex_name_str(const struct crindex *ix, uint32_t name);
/** An entry a scan visits (the index must not change meanwhile). */
typedef void (crindex_scan_h)(const struct crent *e, void *arg);
/**
 * Call scanh for each contact whose rep_ms is in [from, to), in no set
 * order, looking only at the entries around that range (the file is in
 * rough time order: what came much later than its neighbours is kept
 * aside and looked at by every scan). Returns the entries looked at.
 */
size_t crindex_scan(const struct crindex *ix, uint64_t from, uint64_t to,
		    crindex_scan_h *scanh, void *arg);
/** Bumped each time the file is indexed anew (cursors carry it). */
uint32_t crindex_gen(const struct crindex *ix);
/** The entry of ContactId id, NULL when none (like crindex_at()). */
const struct crent *crindex_find(const struct crindex *ix, const char *id);
/** Open the record file to read entries' lines back, into *fdp: ESTALE
 *  when it is not the file indexed (replaced or shrunk: the index is
 *  behind, crindex_update() catches up). */
int  crindex_open(int *fdp, const struct crindex *ix);
/**
 * Append the newest line of e, as stored (a JSON object: it parsed when
 * indexed), to mb from fd (crindex_open()): EIO when it cannot be read
 * back whole (logged).
 */
int  crindex_line(struct mbuf *mb, const struct crindex *ix, int fd,
		  const struct crent *e);
/** Today's figures of queue name with the threshold sl_ms. */
void crindex_today(struct crindex *ix, const char *queue, uint64_t sl_ms,
		   struct crq_today *t);
/** Today's figures of agent name (Agent.Username): handled, interaction
 *  and after-contact work, as a queue's. */
void crindex_agent_today(struct crindex *ix, const char *agent,
			 struct crq_today *t);
/**
 * The counters of the name at place pos (0, 1, ... in the order names
 * were first seen), NULL past the last; *queuep is that queue's name, or
 * NULL when the name is not a queue's (an agent's). Valid until the
 * index next changes (on the loop thread); replacing the file starts
 * them again.
 */
const struct crq_totals *crindex_totals(const struct crindex *ix,
				       size_t pos, const char **queuep);
/** /v1/contact-records...: true when the path was one of them. */
bool api_records(struct crindex *ix, struct http_conn *conn,
		 const struct http_msg *msg);
/* -- historical reports (api_reports.c) -- */

/** The service-level threshold (seconds) of queue name. */
typedef uint32_t (report_sl_h)(const char *queue, void *arg);

/** What a report sums up: by queue or agent, in buckets of time. */
struct report_query {
	uint64_t from, to;		/* [from, to), to > from */
	uint64_t interval_ms;		/* bucket length; 0: [from, to) */
	bool agents;			/* by Agent.Username, else queue */
	const char *const *names;	/* only these (nnames 0: all) */
	size_t nnames;
	report_sl_h *slh;		/* NULL: 20 s for every queue */
	void *arg;
};

/** One row: the contacts of one queue or agent that ended in one
 *  bucket, summed up as today's figures are (struct crq_today). */
struct report_row {
	uint64_t start, end;		/* the bucket, within [from, to) */
	const char *name;		/* the index's: valid as crent */
	uint32_t queued;		/* with this queue (queues only) */
	uint32_t sl_s;			/* the threshold within_sl used */
	struct crq_today t;
	/* reports_build()'s own */
	uint64_t bucket;
	uint32_t nameid;
};

/**
 * The rows of report q over the index ix into *rowsp (a mem array of
 * *np rows, *np 0: NULL), sorted by start then name, one for each
 * bucket and name with a contact (for an agent: one it handled). A
 * contact counts in the bucket of its DisconnectTimestamp.
 */
int  reports_build(struct report_row **rowsp, size_t *np,
		   const struct crindex *ix, const struct report_query *q);
/** /v1/reports/queues and /v1/reports/agents: true when the path was
 *  one of them (answered). */
bool api_reports(struct api *api, struct http_conn *conn,
		 const struct http_msg *msg);

/** /v1/queues...: true when the path was one of them. */
bool api_queues(struct api *api, struct http_conn *conn,
		const struct http_msg *msg);

/** GET /metrics (metrics.c): the daemon's metrics and the queue
 *  counters of the record index ix (NULL: none), as a mem string. */
int  metrics_render_api(char **textp, const struct api *api);

struct api_events;
struct events;
int  api_events_alloc(struct api_events **aep, struct events *bus);
/** /v1/events (WebSocket): true when the path was it. */
bool api_events(struct api_events *ae, struct http_conn *conn,
		const struct http_msg *msg);

#endif
