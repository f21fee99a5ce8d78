/**
 * @file api_reports.c  Historical interval reports from the contact
 * records: per queue or per agent, in buckets of time.
 *
 *   GET /v1/reports/queues?from=&to=[&interval=][&queue=]...
 *   GET /v1/reports/agents?from=&to=[&interval=][&agent=]...
 *
 * A report is a scan of the record index (crindex.c) over the entries
 * of its range, never a read of the file: each entry holds what a
 * contact adds to the figures (counted as today's figures are: from its
 * first line, its after-contact work from the first line that gives
 * it). As in Connect's historical reports, a contact counts when it
 * ends: in the bucket of its DisconnectTimestamp.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/util.h>
#include "api_priv.h"

enum {
	SL_DEFAULT_S = 20,
	MIN_MS = 60000,
	HOUR_MS = 3600000,
	DAY_MS = 86400000,
	RANGE_MAX_DAYS = 93,
	NAMES_MAX = 64,		/* queue= or agent= values */
	NAME_SZ = 256,
	ROWS_MAX = 100000,
};

/* What a scan sums into: rows found by (bucket, name) in a table */
struct acc {
	const struct crindex *ix;
	const struct report_query *q;
	uint64_t base;		/* where bucket 0 starts (UTC-aligned) */
	uint32_t *want;		/* names asked for (crindex_name()) */
	size_t nwant;
	struct report_row *rows;
	size_t n, cap;
	uint32_t *slots;	/* row + 1 (open addressing), 0: free */
	size_t nslots;		/* a power of two */
	int err;
};

static uint32_t hash_of(uint64_t bucket, uint32_t name)
{
	uint64_t h = bucket * 0x9e3779b97f4a7c15ULL ^
		(uint64_t)name * 0xc2b2ae3d27d4eb4fULL;

	return (uint32_t)(h ^ h >> 29 ^ h >> 47);
}

static int rehash(struct acc *a, size_t nslots)
{
	size_t i, mask = nslots - 1;
	uint32_t *sv;

	sv = mem_zalloc(nslots * sizeof(*sv), NULL);
	if (!sv)
		return ENOMEM;
	for (i = 0; i < a->n; i++) {
		size_t j = hash_of(a->rows[i].bucket, a->rows[i].nameid) &
			mask;

		while (sv[j])
			j = (j + 1) & mask;
		sv[j] = (uint32_t)i + 1;
	}
	mem_deref(a->slots);
	a->slots = sv;
	a->nslots = nslots;
	return 0;
}

/* A new row of bucket and name at slot (NULL on no memory) */
static struct report_row *row_add(struct acc *a, size_t slot,
				  uint64_t bucket, uint32_t name)
{
	const struct report_query *q = a->q;
	struct report_row *r;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct report_row *v = a->rows ?
			mem_realloc(a->rows, cap * sizeof(*v)) :
			mem_alloc(cap * sizeof(*v), NULL);

		if (!v)
			return NULL;
		a->rows = v;
		a->cap = cap;
	}
	r = &a->rows[a->n];
	memset(r, 0, sizeof(*r));
	r->bucket = bucket;
	r->nameid = name;
	r->name = crindex_name_str(a->ix, name);
	if (q->interval_ms) {
		r->start = a->base + bucket * q->interval_ms;
		r->end = r->start + q->interval_ms;
	}
	/* the first and last buckets may be cut by from and to */
	if (r->start < q->from)
		r->start = q->from;
	if (!r->end || r->end > q->to)
		r->end = q->to;
	if (!q->agents) {
		r->sl_s = q->slh ? q->slh(r->name, q->arg) : 0;
		if (!r->sl_s)
			r->sl_s = SL_DEFAULT_S;
	}
	a->slots[slot] = (uint32_t)++a->n;
	return r;
}

static struct report_row *row_of(struct acc *a, uint64_t bucket,
				 uint32_t name)
{
	size_t mask, i;

	/* at most half full, so a probe always ends */
	if ((a->n + 1) * 2 > a->nslots &&
	    rehash(a, a->nslots ? a->nslots * 2 : 256))
		return NULL;
	mask = a->nslots - 1;
	for (i = hash_of(bucket, name) & mask; a->slots[i];
	     i = (i + 1) & mask) {
		struct report_row *r = &a->rows[a->slots[i] - 1];

		if (r->bucket == bucket && r->nameid == name)
			return r;
	}
	return row_add(a, i, bucket, name);
}

static bool wanted(const struct acc *a, uint32_t name)
{
	size_t i;

	if (!a->q->nnames)
		return true;
	for (i = 0; i < a->nwant; i++) {
		if (a->want[i] == name)
			return true;
	}
	return false;
}

/* One contact into the row of its bucket and queue or agent */
static void count(const struct crent *e, void *arg)
{
	struct acc *a = arg;
	const struct report_query *q = a->q;
	uint32_t name = q->agents ? (e->handled ? e->cagent : 0) : e->rqueue;
	struct report_row *r;
	struct crq_today *t;

	if (a->err || !name || !wanted(a, name))
		return;
	r = row_of(a, q->interval_ms ? (e->rep_ms - a->base) / q->interval_ms
		   : 0, name);
	if (!r) {
		a->err = ENOMEM;
		return;
	}
	t = &r->t;
	if (!q->agents)
		++r->queued;
	if (!e->handled) {
		++t->abandoned;		/* a queue's: it had no agent */
		return;
	}
	++t->handled;
	t->answer_ms_sum += e->wait_ms;
	if (e->wait_ms <= (uint64_t)r->sl_s * 1000)
		++t->within_sl;
	if (e->has_talk) {
		++t->talked;
		t->talk_s_sum += e->talk_s;
	}
	if (e->acw_counted) {
		++t->acw_ended;
		t->acw_s_sum += e->acw_s;
		t->handle_s_sum += e->aht_s;
	}
}

static int row_cmp(const void *x, const void *y)
{
	const struct report_row *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return strcmp(a->name ? a->name : "", b->name ? b->name : "");
}

int reports_build(struct report_row **rowsp, size_t *np,
		  const struct crindex *ix, const struct report_query *q)
{
	struct acc a;
	size_t i;

	if (!rowsp || !np || !q || q->to <= q->from ||
	    (q->nnames && !q->names))
		return EINVAL;

	memset(&a, 0, sizeof(a));
	a.ix = ix;
	a.q = q;
	a.base = q->interval_ms ? q->from - q->from % q->interval_ms : 0;
	if (q->nnames) {
		a.want = mem_zalloc(q->nnames * sizeof(*a.want), NULL);
		if (!a.want)
			return ENOMEM;
		/* names no record has match nothing */
		for (i = 0; i < q->nnames; i++) {
			uint32_t id = crindex_name(ix, q->names[i]);

			if (id)
				a.want[a.nwant++] = id;
		}
	}
	if (!q->nnames || a.nwant)
		(void)crindex_scan(ix, q->from, q->to, count, &a);

	mem_deref(a.slots);
	mem_deref(a.want);
	if (a.err) {
		mem_deref(a.rows);
		return a.err;
	}
	if (a.n)
		qsort(a.rows, a.n, sizeof(*a.rows), row_cmp);
	*rowsp = a.rows;
	*np = a.n;
	return 0;
}

/* -- the routes -- */

struct params {
	uint64_t from, to;
	uint64_t interval_ms;
	const char *interval;
	char *names[NAMES_MAX];	/* mem strings */
	size_t nnames;
};

static void params_reset(struct params *p)
{
	size_t i;

	for (i = 0; i < p->nnames; i++)
		p->names[i] = mem_deref(p->names[i]);
	p->nnames = 0;
}

/* Every value of key (a repeatable parameter) into p->names; the
 * message of a bad one into err. */
static int names_of(struct params *p, const struct http_msg *msg,
		    const char *key, char *err, size_t esz)
{
	struct pl rest = api_query_of(msg), k, v;

	while (api_query_next(&rest, &k, &v)) {
		char name[NAME_SZ];

		if (pl_strcmp(&k, key))
			continue;
		if (p->nnames == NAMES_MAX) {
			re_snprintf(err, esz, "%s: at most %d names", key,
				    NAMES_MAX);
			return EINVAL;
		}
		if (!v.l || api_query_decode(name, sizeof(name), &v) ||
		    str_dup(&p->names[p->nnames], name)) {
			re_snprintf(err, esz, "%s: expected a name (at most "
				    "%d bytes, percent-encoded)", key,
				    NAME_SZ - 1);
			return EINVAL;
		}
		++p->nnames;
	}
	return 0;
}

static int time_of(uint64_t *msp, const struct http_msg *msg,
		   const char *key, char *err, size_t esz)
{
	char buf[64];
	int e = api_query(msg, key, buf, sizeof(buf));

	if (e == ENOENT) {
		re_snprintf(err, esz, "%s is required: an ISO-8601 time such "
			    "as 2026-01-31T09:00:00Z", key);
		return EINVAL;
	}
	if (e || util_iso8601_parse(msp, buf)) {
		re_snprintf(err, esz, "%s: expected an ISO-8601 time such as "
			    "2026-01-31T09:00:00Z", key);
		return EINVAL;
	}
	return 0;
}

static int interval_of(struct params *p, const struct http_msg *msg,
		       char *err, size_t esz)
{
	static const struct {
		const char *name;
		uint64_t ms;
	} iv[] = {
		{"15m", 15 * MIN_MS}, {"30m", 30 * MIN_MS}, {"1h", HOUR_MS},
		{"1d", DAY_MS}, {"total", 0},
	};
	char buf[16];
	size_t i;
	int e = api_query(msg, "interval", buf, sizeof(buf));

	if (e == ENOENT) {
		p->interval = "1h";
		p->interval_ms = HOUR_MS;
		return 0;
	}
	for (i = 0; !e && i < ARRAY_SIZE(iv); i++) {
		if (!strcmp(buf, iv[i].name)) {
			p->interval = iv[i].name;
			p->interval_ms = iv[i].ms;
			return 0;
		}
	}
	re_snprintf(err, esz, "interval: expected 15m, 30m, 1h, 1d or total");
	return EINVAL;
}

static int params_of(struct params *p, const struct http_msg *msg,
		     bool agents, char *err, size_t esz)
{
	static const char *const qkeys[] = {
		"from", "to", "interval", "queue", NULL
	};
	static const char *const akeys[] = {
		"from", "to", "interval", "agent", NULL
	};
	char buf[NAME_SZ];

	if (api_query_unknown(msg, agents ? akeys : qkeys, buf,
			      sizeof(buf))) {
		re_snprintf(err, esz, "unknown parameter '%s'", buf);
		return EINVAL;
	}
	if (time_of(&p->from, msg, "from", err, esz) ||
	    time_of(&p->to, msg, "to", err, esz) ||
	    interval_of(p, msg, err, esz))
		return EINVAL;
	if (p->to <= p->from) {
		re_snprintf(err, esz, "to must be later than from");
		return EINVAL;
	}
	if (p->to - p->from > (uint64_t)RANGE_MAX_DAYS * DAY_MS) {
		re_snprintf(err, esz, "from and to may be at most %d days "
			    "apart", RANGE_MAX_DAYS);
		return EINVAL;
	}
	return names_of(p, msg, agents ? "agent" : "queue", err, esz);
}

static uint32_t sl_of(const char *queue, void *arg)
{
	const struct cfg_queue *cq = config_queue(arg, queue);

	return cq ? cq->service_level_seconds : 0;
}

static json_t *ts(uint64_t ms)
{
	char buf[40];

	util_iso8601(buf, sizeof(buf), ms);
	return json_string(buf);
}

static json_t *ratio(uint64_t num, uint64_t den, double scale)
{
	if (!den)
		return json_null();
	return json_real((double)num * scale / (double)den);
}

static json_t *row_json(const struct report_row *r, bool agents)
{
	const struct crq_today *t = &r->t;

	if (agents)
		return json_pack("{s:o, s:o, s:s, s:I, s:o, s:I, s:o, s:o}",
			"start", ts(r->start),
			"end", ts(r->end),
			"agent", r->name,
			"handled", (json_int_t)t->handled,
			"average_interaction_seconds",
				ratio(t->talk_s_sum, t->talked, 1.0),
			"after_contact_work_ended", (json_int_t)t->acw_ended,
			"average_after_contact_work_seconds",
				ratio(t->acw_s_sum, t->acw_ended, 1.0),
			"average_handle_time_seconds",
				ratio(t->handle_s_sum, t->acw_ended, 1.0));

	return json_pack("{s:o, s:o, s:s, s:I, s:I, s:I, s:o,"
			 " s:{s:I, s:I, s:o}, s:o, s:I, s:o, s:o}",
		"start", ts(r->start),
		"end", ts(r->end),
		"queue", r->name,
		"queued", (json_int_t)r->queued,
		"handled", (json_int_t)t->handled,
		"abandoned", (json_int_t)t->abandoned,
		"average_answer_seconds",
			ratio(t->answer_ms_sum, t->handled, 0.001),
		"service_level",
			"threshold_seconds", (json_int_t)r->sl_s,
			"answered_within", (json_int_t)t->within_sl,
			"percent", ratio(t->within_sl, t->handled, 100.0),
		"average_interaction_seconds",
			ratio(t->talk_s_sum, t->talked, 1.0),
		"after_contact_work_ended", (json_int_t)t->acw_ended,
		"average_after_contact_work_seconds",
			ratio(t->acw_s_sum, t->acw_ended, 1.0),
		"average_handle_time_seconds",
			ratio(t->handle_s_sum, t->acw_ended, 1.0));
}

static void get_report(struct api *api, struct crindex *ix,
		       struct http_conn *conn, const struct http_msg *msg,
		       bool agents)
{
	const char *names[NAMES_MAX];
	struct report_row *rows = NULL;
	struct report_query q;
	struct params p;
	json_t *arr = NULL;
	char err[160];
	size_t i, n = 0;
	int e;

	memset(&p, 0, sizeof(p));
	if (params_of(&p, msg, agents, err, sizeof(err))) {
		api_reply_error(conn, 400, err);
		goto out;
	}
	memset(&q, 0, sizeof(q));
	q.from = p.from;
	q.to = p.to;
	q.interval_ms = p.interval_ms;
	q.agents = agents;
	for (i = 0; i < p.nnames; i++) {
		const struct cfg_queue *cq = agents ? NULL :
			config_queue(api_config(api), p.names[i]);

		/* a configured queue also by its id or ARN */
		names[i] = cq ? cq->ident.name : p.names[i];
	}
	q.names = names;
	q.nnames = p.nnames;
	q.slh = sl_of;
	q.arg = (void *)api_config(api);

	crindex_update(ix);
	e = reports_build(&rows, &n, ix, &q);
	if (e) {
		api_reply_error(conn, 500, "report unavailable");
		goto out;
	}
	if (n > ROWS_MAX) {
		re_snprintf(err, sizeof(err), "the report would have more "
			    "than %d rows: ask for a longer interval, a "
			    "shorter range or fewer names", ROWS_MAX);
		api_reply_error(conn, 400, err);
		goto out;
	}
	arr = json_array();
	for (i = 0; arr && i < n; i++) {
		if (json_array_append_new(arr, row_json(&rows[i], agents))) {
			json_decref(arr);
			arr = NULL;
			break;
		}
	}
	api_reply_json(conn, 200, arr ? json_pack("{s:o, s:o, s:s, s:o}",
						  "from", ts(p.from),
						  "to", ts(p.to),
						  "interval", p.interval,
						  "rows", arr) : NULL);
 out:
	mem_deref(rows);
	params_reset(&p);
}

bool api_reports(struct api *api, struct http_conn *conn,
		 const struct http_msg *msg)
{
	struct crindex *ix = api->records;
	static const char pre[] = "/v1/reports";
	bool agents;

	if (msg->path.l < sizeof(pre) - 1 ||
	    strncmp(msg->path.p, pre, sizeof(pre) - 1) ||
	    (msg->path.l > sizeof(pre) - 1 &&
	     msg->path.p[sizeof(pre) - 1] != '/'))
		return false;

	agents = !pl_strcmp(&msg->path, "/v1/reports/agents");
	if (!agents && pl_strcmp(&msg->path, "/v1/reports/queues")) {
		api_reply_error(conn, 404, "no such resource");
		return true;
	}
	if (pl_strcmp(&msg->met, "GET")) {
		api_reply_error(conn, 405, "use GET");
		return true;
	}
	get_report(api, ix, conn, msg, agents);
	return true;
}
