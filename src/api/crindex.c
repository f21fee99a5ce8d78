/**
 * @file crindex.c  The API's index of the contact-record file (its
 * catch-up with the file, on the pool, is crindex_catchup.c).
 *
 * One entry per contact: where its newest line is, a hash of its
 * ContactId (the ContactIds themselves are kept too, so two ids with the
 * same hash stay two contacts), its times, queue and agent (names
 * interned). A later line with the same ContactId is a revision
 * (after-contact work ended): it replaces the earlier one, the entry
 * keeping the place of the contact's first line so that cursors stay
 * valid. Today's queue and agent figures (api_queues.c, api_agents.c)
 * are counted from each contact's first line, as it is indexed, except
 * for the end of its after-contact work: that comes from the first line
 * that gives AfterContactWorkDuration (often a revision), counted once,
 * into the queue and agent the contact was counted for. The same
 * counting, without days, gives each queue's counters since indexing
 * began (for Prometheus): they start again when the file is replaced.
 * Each entry also keeps what historical reports (api_reports.c) sum up,
 * counted the same way, and a running maximum of the time it counts at
 * (its DisconnectTimestamp) so that a report looks at the entries of its
 * range only: lines are appended as contacts end, so in rough time
 * order, and the few that came much later than their neighbours (records
 * written at the next start after a crash, a clock set back) are kept
 * aside and looked at by every report.
 *
 * The index is read whole, on the loop thread, when the API starts
 * (before it serves). After that, what the appender writes is read and
 * parsed on the libuv pool, BATCH bytes a job, and merged on the loop
 * thread (look-ups and copies: well under a millisecond a job). A request
 * for records or queue figures that finds the file grown waits (held, not
 * refused) until a job that started after it came has read to the end of
 * the file, so it sees every record written before it; other requests
 * are not held, except behind a held one on the same connection. A file
 * that shrank or was replaced is indexed anew (generation bumped).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/core/util.h>
#include "api_priv.h"
#include "crindex_priv.h"

void crindex_reset(struct crindex *ix)
{
	size_t i;

	for (i = 0; i < ix->nnames; i++) {
		mem_deref(ix->names[i]);
		mem_deref(ix->days[i].waits);
	}
	ix->names = mem_deref(ix->names);
	ix->days = mem_deref(ix->days);
	ix->adays = mem_deref(ix->adays);
	ix->totals = mem_deref(ix->totals);
	ix->nnames = 0;
	ix->v = mem_deref(ix->v);
	ix->n = ix->cap = 0;
	ix->slots = mem_deref(ix->slots);
	ix->nslots = 0;
	ix->ids = mem_deref(ix->ids);
	ix->idlen = ix->idcap = 0;
	ix->late = mem_deref(ix->late);
	ix->nlate = ix->caplate = 0;
	ix->unordered = false;
	ix->end = 0;
	ix->size = 0;
	++ix->gen;
}

static void destructor(void *arg)
{
	struct crindex *ix = arg;

	/* a running job finds no index when done; held requests go
	 * unanswered (their connections are closing with the API) */
	if (ix->job)
		ix->job->ix = NULL;
	list_flush(&ix->waits);
	crindex_reset(ix);
	mem_deref(ix->path);
}

/* The interned index + 1 of name (0 for none or on no memory). */
static uint32_t intern(struct crindex *ix, const char *name)
{
	size_t i, n = ix->nnames + 1;
	struct crq_totals *tv;
	char **nv;
	struct qday *dv;

	if (!name || !*name)
		return 0;
	for (i = 0; i < ix->nnames; i++) {
		if (!strcmp(ix->names[i], name))
			return (uint32_t)i + 1;
	}
	/* each array grown in turn: one that failed keeps the old size */
	nv = crindex_grow(ix->names, n * sizeof(*nv));
	if (!nv)
		return 0;
	ix->names = nv;
	dv = crindex_grow(ix->days, n * sizeof(*dv));
	if (!dv)
		return 0;
	ix->days = dv;
	memset(&dv[ix->nnames], 0, sizeof(*dv));
	dv = crindex_grow(ix->adays, n * sizeof(*dv));
	if (!dv)
		return 0;
	ix->adays = dv;
	memset(&dv[ix->nnames], 0, sizeof(*dv));
	tv = crindex_grow(ix->totals, n * sizeof(*tv));
	if (!tv)
		return 0;
	ix->totals = tv;
	memset(&tv[ix->nnames], 0, sizeof(*tv));
	nv[ix->nnames] = NULL;
	if (str_dup(&nv[ix->nnames], name))
		return 0;
	return (uint32_t)++ix->nnames;
}

static uint32_t lookup(const struct crindex *ix, const char *name)
{
	size_t i;

	for (i = 0; name && i < ix->nnames; i++) {
		if (!strcmp(ix->names[i], name))
			return (uint32_t)i + 1;
	}
	return 0;
}

/* The slot of ContactId id: the one holding its entry (*foundp true) or
 * the free one where it goes. The table is never full (see add()). */
static size_t slot_of(const struct crindex *ix, const char *id, uint32_t h,
		      bool *foundp)
{
	size_t mask = ix->nslots - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		const struct crent *e;

		if (!ix->slots[i]) {
			*foundp = false;
			return i;
		}
		e = &ix->v[ix->slots[i] - 1];
		/* same hash is not same contact: compare the ids */
		if (e->idhash == h && !strcmp(ix->ids + e->id, id)) {
			*foundp = true;
			return i;
		}
	}
}

static const struct crent *find(const struct crindex *ix, const char *id)
{
	bool found;
	size_t i;

	if (!ix->nslots || !id)
		return NULL;
	i = slot_of(ix, id, hash_joaat_str(id), &found);
	return found ? &ix->v[ix->slots[i] - 1] : NULL;
}

static int rehash(struct crindex *ix, size_t nslots)
{
	size_t i, mask = nslots - 1;
	uint32_t *sv;

	sv = mem_zalloc(nslots * sizeof(*sv), NULL);
	if (!sv)
		return ENOMEM;
	for (i = 0; i < ix->n; i++) {
		size_t j = ix->v[i].idhash & mask;

		while (sv[j])
			j = (j + 1) & mask;
		sv[j] = (uint32_t)i + 1;
	}
	mem_deref(ix->slots);
	ix->slots = sv;
	ix->nslots = nslots;
	return 0;
}

/* A new entry for ContactId id at slot (NULL on no memory). */
static struct crent *add(struct crindex *ix, size_t slot, const char *id,
			 uint32_t h)
{
	size_t idl = strlen(id) + 1;
	struct crent *e;

	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 1024;
		struct crent *v = crindex_grow(ix->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		ix->v = v;
		ix->cap = cap;
	}
	if (ix->idlen + idl > ix->idcap) {
		size_t cap = ix->idcap ? ix->idcap * 2 : 64 << 10;
		char *ids;

		while (cap < ix->idlen + idl)
			cap *= 2;
		ids = crindex_grow(ix->ids, cap);
		if (!ids)
			return NULL;
		ix->ids = ids;
		ix->idcap = cap;
	}
	e = &ix->v[ix->n];
	memset(e, 0, sizeof(*e));
	memcpy(ix->ids + ix->idlen, id, idl);
	e->id = ix->idlen;
	e->idhash = h;
	ix->idlen += idl;
	ix->slots[slot] = (uint32_t)++ix->n;
	return e;
}

static uint64_t ts_of(const json_t *o, const char *key)
{
	uint64_t ms = 0;

	if (util_iso8601_parse(&ms, json_string_value(json_object_get(o, key))))
		return 0;
	return ms;
}

/* The UTC day number l counts in (the day it left the queue: connected
 * to an agent, else dequeued, else disconnected) when that is today; 0
 * when it does not count today. */
static uint32_t today_of(const struct crline *l)
{
	uint64_t left = l->conn_ms ? l->conn_ms : l->deq_ms ? l->deq_ms :
		l->disc_ms;
	uint64_t day = left / DAY_MS;

	if (!left || day != util_now_ms() / DAY_MS)
		return 0;
	return (uint32_t)day;
}

/* d, made the figures of day (a new day starts them again) */
static struct qday *day_at(struct qday *d, uint32_t day)
{
	if (d->day != day) {
		d->waits = mem_deref(d->waits);
		memset(d, 0, sizeof(*d));
		d->day = day;
	}
	return d;
}

/* The queue wait of handled line l (ms, enqueued to connected) */
static uint32_t wait_of(const struct crline *l)
{
	if (!l->enq_ms || l->conn_ms <= l->enq_ms)
		return 0;
	return l->conn_ms - l->enq_ms > UINT32_MAX ? UINT32_MAX :
		(uint32_t)(l->conn_ms - l->enq_ms);
}

/* A handled contact into d: its interaction time, its queue wait when
 * waits (queues keep them, agents do not). */
static void count_handled(struct qday *d, const struct crline *l,
			  bool waits)
{
	++d->handled;
	if (l->has_talk) {
		++d->talked;
		d->talk_s += l->talk_s;
	}
	if (!waits)
		return;
	if (d->nwaits == d->capw) {
		size_t cap = d->capw ? d->capw * 2 : 64;
		uint32_t *w = crindex_grow(d->waits, cap * sizeof(*w));

		if (!w)
			return;
		d->waits = w;
		d->capw = cap;
	}
	d->waits[d->nwaits++] = wait_of(l);
}

/* A new contact, from its first line: its queue's counters, today's
 * figures of its queue (handled or abandoned) and agent (handled). e
 * remembers the queue and agent it counted for and the day, for its
 * after-contact work. */
static void count_first(struct crindex *ix, struct crent *e,
			const struct crline *l)
{
	uint32_t day = today_of(l);

	if (e->queue) {
		struct crq_totals *t = &ix->totals[e->queue - 1];

		t->queue = true;
		if (l->has_agent) {
			++t->handled;
			t->answer_ms += wait_of(l);
			t->talk_s += l->talk_s;
		}
		else {
			++t->abandoned;
		}
	}
	if (l->has_agent) {
		e->cqueue = e->queue;
		e->cagent = e->agent;
	}
	e->rqueue = e->queue;
	e->handled = l->has_agent;
	e->has_talk = l->has_agent && l->has_talk;
	e->talk_s = e->has_talk ? l->talk_s : 0;
	e->wait_ms = l->has_agent ? wait_of(l) : 0;
	if (!day)
		return;		/* only today's figures */
	if (e->queue) {
		struct qday *d = day_at(&ix->days[e->queue - 1], day);

		if (l->has_agent)
			count_handled(d, l, true);
		else
			++d->abandoned;
	}
	if (!l->has_agent)
		return;
	if (e->agent)
		count_handled(day_at(&ix->adays[e->agent - 1], day), l, false);
	e->cday = day;
}

/* The end of after-contact work (line l) into d, if d still holds the
 * figures of day. */
static void acw_into(struct qday *d, uint32_t day, const struct crline *l)
{
	if (d->day != day)
		return;		/* a day gone by */
	++d->acw_ended;
	d->acw_s += l->acw_s;
	d->handle_s += (uint64_t)l->talk_s + l->acw_s;
}

/* The end of e's after-contact work, from the first of its lines that
 * gives the duration (its first line or a revision), into the counters
 * of the queue e counted for as handled, and the figures of the day it
 * counted in, of that queue and agent. */
static void count_acw(struct crindex *ix, struct crent *e,
		      const struct crline *l)
{
	uint64_t aht = (uint64_t)l->talk_s + l->acw_s;

	e->acw_s = l->acw_s;
	e->aht_s = aht > UINT32_MAX ? UINT32_MAX : (uint32_t)aht;
	if (e->cqueue) {
		struct crq_totals *t = &ix->totals[e->cqueue - 1];

		++t->acw_ended;
		t->acw_s += l->acw_s;
	}
	if (!e->cday)
		return;
	if (e->cqueue)
		acw_into(&ix->days[e->cqueue - 1], e->cday, l);
	if (e->cagent)
		acw_into(&ix->adays[e->cagent - 1], e->cday, l);
}

/* A whole number of seconds at key of o, clamped to 0..UINT32_MAX;
 * false when there is none. */
static bool secs_of(uint32_t *sp, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	double x;

	if (!json_is_number(v))
		return false;
	x = json_number_value(v);
	*sp = x <= 0 ? 0 : x >= (double)UINT32_MAX ? UINT32_MAX :
		(uint32_t)x;
	return true;
}

/* What the index takes of record r: EINVAL when r is no record. */
int crindex_parse_line(struct crline *l, const json_t *r)
{
	const json_t *queue, *agent;

	memset(l, 0, sizeof(*l));
	l->id = json_string_value(json_object_get(r, "ContactId"));
	if (!l->id || !*l->id)
		return EINVAL;
	l->init_ms = ts_of(r, "InitiationTimestamp");
	l->disc_ms = ts_of(r, "DisconnectTimestamp");
	queue = json_object_get(r, "Queue");
	agent = json_object_get(r, "Agent");
	if (!json_is_object(agent))
		agent = NULL;
	l->queue = json_string_value(json_object_get(queue, "Name"));
	l->agent = json_string_value(json_object_get(agent, "Username"));
	l->has_agent = agent != NULL;
	l->enq_ms = ts_of(queue, "EnqueueTimestamp");
	l->deq_ms = ts_of(queue, "DequeueTimestamp");
	l->conn_ms = ts_of(agent, "ConnectedToAgentTimestamp");
	l->has_talk = secs_of(&l->talk_s, agent, "AgentInteractionDuration");
	l->has_acw = secs_of(&l->acw_s, agent, "AfterContactWorkDuration");
	return 0;
}

/* Where new entry e (the last) stands in time: the entries' running
 * maximum of rep_ms, unless it came too late for it (then aside). */
static void place(struct crindex *ix, struct crent *e)
{
	uint64_t prev = ix->n > 1 ? ix->v[ix->n - 2].mono_ms : 0;

	e->mono_ms = prev > e->rep_ms ? prev : e->rep_ms;
	if (prev <= e->rep_ms + LATE_MS)
		return;
	if (ix->nlate == ix->caplate) {
		size_t cap = ix->caplate ? ix->caplate * 2 : 256;
		uint32_t *v = crindex_grow(ix->late, cap * sizeof(*v));

		if (!v) {
			ix->unordered = true;	/* scans look at all */
			return;
		}
		ix->late = v;
		ix->caplate = cap;
	}
	e->late = true;
	ix->late[ix->nlate++] = (uint32_t)(ix->n - 1);
}

/* Index one record line: a new contact, or a revision of a known one
 * (the newest line wins; the place stays; today's figures count the
 * contact from its first line, its after-contact work once, from the
 * first line that has it). */
void crindex_apply_line(struct crindex *ix, const struct crline *l)
{
	uint32_t h = hash_joaat_str(l->id);
	struct crent *e;
	bool found;
	size_t slot;

	/* at most half full, so a probe always ends */
	if ((ix->n + 1) * 2 > ix->nslots &&
	    rehash(ix, ix->nslots ? ix->nslots * 2 : SLOTS_MIN))
		return;
	slot = slot_of(ix, l->id, h, &found);
	if (found) {
		e = &ix->v[ix->slots[slot] - 1];
		++ix->revisions;
	}
	else {
		e = add(ix, slot, l->id, h);
		if (!e)
			return;
		e->queue = intern(ix, l->queue);
		e->agent = intern(ix, l->agent);
		e->rep_ms = l->disc_ms ? l->disc_ms : l->init_ms;
		place(ix, e);
		count_first(ix, e, l);
	}
	if (l->has_acw && !e->acw_counted) {
		e->acw_counted = true;
		count_acw(ix, e, l);
	}
	e->off = l->off;
	e->len = l->len;
	e->init_ms = l->init_ms;
	e->disc_ms = l->disc_ms;
	if (found) {
		e->queue = intern(ix, l->queue);
		e->agent = intern(ix, l->agent);
	}
}

int crindex_alloc(struct crindex **ixp, const char *path)
{
	struct crindex *ix;
	int err;

	if (!ixp || !path)
		return EINVAL;

	ix = mem_zalloc(sizeof(*ix), destructor);
	if (!ix)
		return ENOMEM;
	err = str_dup(&ix->path, path);
	if (err) {
		mem_deref(ix);
		return err;
	}
	/* at start-up the whole file, here, before the API serves */
	while (!crindex_catch_up_here(ix, BATCH))
		;
	log_info("records: %zu contact records indexed (%llu revisions)",
		 ix->n, (unsigned long long)ix->revisions);
	*ixp = ix;
	return 0;
}

/* d into t when d holds today's figures (t zeroed first) */
static bool today_into(struct crq_today *t, const struct qday *d)
{
	memset(t, 0, sizeof(*t));
	if (!d || d->day != util_now_ms() / DAY_MS)
		return false;
	t->handled = d->handled;
	t->abandoned = d->abandoned;
	t->talked = d->talked;
	t->talk_s_sum = d->talk_s;
	t->acw_ended = d->acw_ended;
	t->acw_s_sum = d->acw_s;
	t->handle_s_sum = d->handle_s;
	return true;
}

void crindex_today(struct crindex *ix, const char *queue, uint64_t sl_ms,
		   struct crq_today *t)
{
	uint32_t q = ix ? lookup(ix, queue) : 0;
	const struct qday *d = q ? &ix->days[q - 1] : NULL;
	size_t i;

	if (!today_into(t, d))
		return;
	for (i = 0; i < d->nwaits; i++) {
		t->answer_ms_sum += d->waits[i];
		if (d->waits[i] <= sl_ms)
			++t->within_sl;
	}
}

const struct crq_totals *crindex_totals(const struct crindex *ix,
				       size_t pos, const char **queuep)
{
	if (!ix || pos >= ix->nnames)
		return NULL;
	if (queuep)
		*queuep = ix->totals[pos].queue ? ix->names[pos] : NULL;
	return &ix->totals[pos];
}

void crindex_agent_today(struct crindex *ix, const char *agent,
			 struct crq_today *t)
{
	uint32_t a = ix ? lookup(ix, agent) : 0;

	(void)today_into(t, a ? &ix->adays[a - 1] : NULL);
}

/* -- reading back -- */

int crindex_open(int *fdp, const struct crindex *ix)
{
	struct stat st;
	int fd, err = 0;

	if (!fdp || !ix)
		return EINVAL;
	fd = open(ix->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st)) {
		err = errno;
		goto out;
	}
	/* the file is only appended to: while it is the one indexed and
	 * holds what was indexed, each entry's bytes are as parsed */
	if ((uint64_t)st.st_ino != ix->ino || (uint64_t)st.st_size < ix->end)
		err = ESTALE;
 out:
	if (err)
		(void)close(fd);
	else
		*fdp = fd;
	return err;
}

/* JSON whitespace */
static bool blank(uint8_t ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Whether line looks like the object it was when indexed: a cheap guard
 * against copying a misplaced read into a page. */
static bool framed(const uint8_t *line, size_t len)
{
	size_t i = 0;

	while (i < len && blank(line[i]))
		++i;
	while (len > i && blank(line[len - 1]))
		--len;
	return len - i >= 2 && line[i] == '{' && line[len - 1] == '}';
}

int crindex_line(struct mbuf *mb, const struct crindex *ix, int fd,
		 const struct crent *e)
{
	size_t need;
	ssize_t n;
	int err;

	if (!mb || !ix || !e)
		return EINVAL;
	need = mb->pos + e->len;
	if (need > mb->size) {
		err = mbuf_resize(mb, need > 2 * mb->size ? need :
				  2 * mb->size);
		if (err)
			return err;
	}
	n = pread(fd, mb->buf + mb->pos, e->len, (off_t)e->off);
	if (n != (ssize_t)e->len || !framed(mb->buf + mb->pos, e->len)) {
		log_warn("records: %s: record at %llu unreadable", ix->path,
			 (unsigned long long)e->off);
		return EIO;
	}
	mb->pos += e->len;
	if (mb->end < mb->pos)
		mb->end = mb->pos;
	return 0;
}

/* The record at e, parsed back from the file. */
static json_t *load(const struct crindex *ix, int fd, const struct crent *e)
{
	struct mbuf *mb = mbuf_alloc(e->len ? e->len : 1);
	json_t *r = NULL;

	if (mb && !crindex_line(mb, ix, fd, e))
		r = json_loadb((const char *)mb->buf, mb->end, 0, NULL);
	mem_deref(mb);
	return r;
}

int crindex_record(json_t **rp, struct crindex *ix, const char *id)
{
	const struct crent *e;
	const char *rid;
	json_t *r;
	int fd = -1, err;

	if (!rp || !ix || !id)
		return EINVAL;
	e = find(ix, id);
	if (!e)
		return ENOENT;
	err = crindex_open(&fd, ix);
	if (err)
		return err;
	r = load(ix, fd, e);
	(void)close(fd);
	/* the file changed under the index: not that contact's line */
	rid = json_string_value(json_object_get(r, "ContactId"));
	if (!rid || strcmp(rid, id)) {
		json_decref(r);
		return EIO;
	}
	*rp = r;
	return 0;
}

const struct crent *crindex_find(const struct crindex *ix, const char *id)
{
	return ix ? find(ix, id) : NULL;
}

size_t crindex_count(const struct crindex *ix)
{
	return ix ? ix->n : 0;
}

const struct crent *crindex_at(const struct crindex *ix, size_t pos)
{
	return ix && pos < ix->n ? &ix->v[pos] : NULL;
}

uint32_t crindex_name(const struct crindex *ix, const char *name)
{
	return ix ? lookup(ix, name) : 0;
}

const char *crindex_name_str(const struct crindex *ix, uint32_t name)
{
	return ix && name && name <= ix->nnames ? ix->names[name - 1] : NULL;
}

/* The first entry from lo whose mono_ms is at least t */
static size_t first_at(const struct crindex *ix, size_t lo, uint64_t t)
{
	size_t hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->v[mid].mono_ms < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t crindex_scan(const struct crindex *ix, uint64_t from, uint64_t to,
		    crindex_scan_h *scanh, void *arg)
{
	size_t i, lo = 0, hi, seen = 0;

	if (!ix || !scanh || from >= to)
		return 0;
	hi = ix->n;
	/* before lo all are earlier than from; from hi on, the entries
	 * not kept aside are at most LATE_MS earlier than the maximum */
	if (!ix->unordered) {
		lo = first_at(ix, 0, from);
		hi = to > UINT64_MAX - LATE_MS ? ix->n :
			first_at(ix, lo, to + LATE_MS);
	}
	for (i = lo; i < hi; i++) {
		const struct crent *e = &ix->v[i];

		++seen;
		if (e->late && !ix->unordered)
			continue;	/* below */
		if (e->rep_ms >= from && e->rep_ms < to)
			scanh(e, arg);
	}
	for (i = 0; !ix->unordered && i < ix->nlate; i++) {
		const struct crent *e = &ix->v[ix->late[i]];

		++seen;
		if (e->rep_ms >= from && e->rep_ms < to)
			scanh(e, arg);
	}
	return seen;
}

uint32_t crindex_gen(const struct crindex *ix)
{
	return ix ? ix->gen : 0;
}
