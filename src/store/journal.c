/**
 * @file journal.c  Live contacts journaled as they go; recovery after a
 * crash writes the records a dead process could not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/appender.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/store/crsnap.h>
#include <callflowd/store/journal.h>
#include <callflowd/core/log.h>
#include <callflowd/media/recorder.h>
#include <callflowd/store/records.h>
#include <callflowd/core/util.h>

/* Rewrite the journal with only the live contacts past this size. */
#define COMPACT_BYTES (8u * 1024 * 1024)
/* How far back the record file is searched for a recovered contact. */
#define TAIL_BYTES (4 * 1024 * 1024)

struct journal {
	char *path;
	struct records *rec;
	struct appender *ap;
	struct hash *live;		/* struct jentry by contact id */
	uint32_t nlive;
	uint32_t interval_ms;
	uint64_t compacted_at;		/* appender_bytes() after rewrite */
	uint64_t compact_bytes;		/* growth before a rewrite */
	uint64_t lines_at_tick;
	uint64_t lines;
	struct tmr tmr;
};

struct jentry {
	struct le he;
	char id[40];
	struct cdata *cd;
	const struct crecord_info *info;
	char *flow;
	struct crsnap *last;		/* the last Record queued */
	bool finishing;			/* final record queued */
};

/* The final record of a contact on its way to disk. */
struct jfin {
	struct journal *j;
	char id[40];
	records_done_h *doneh;
	void *arg;
};

/* A start or update line, formatted on the pool from its snapshot. */
struct jline {
	bool start;
	uint64_t time_ms;		/* when the line was made */
	struct crsnap *snap;
};

/* The journal rewritten: a start line for each live contact. */
struct jrewrite {
	uint64_t time_ms;
	struct crsnap **snapv;
	size_t n;
};

static void entry_destructor(void *arg)
{
	struct jentry *e = arg;

	hash_unlink(&e->he);
	mem_deref(e->cd);
	mem_deref(e->flow);
	mem_deref(e->last);
}

static void destructor(void *arg)
{
	struct journal *j = arg;

	tmr_cancel(&j->tmr);
	hash_flush(j->live);
	mem_deref(j->live);
	mem_deref(j->ap);
	mem_deref(j->rec);
	mem_deref(j->path);
}

static int journal_path(char **pathp, const char *data_dir)
{
	return re_sdprintf(pathp, "%s/records/journal.jsonl", data_dir);
}

static void now_iso(char *buf, size_t sz)
{
	util_iso8601(buf, sz, util_now_ms());
}

/* -- recovery -- */

/* Is this contact's record among the last ones of the record file? */
static bool recorded_already(const char *tail, size_t len, const char *id)
{
	char needle[64];
	int n;

	if (!tail)
		return false;
	n = re_snprintf(needle, sizeof(needle), "\"ContactId\":\"%s\"", id);
	return n > 0 && memmem(tail, len, needle, (size_t)n) != NULL;
}

static char *read_tail(const char *path, size_t *lenp)
{
	struct stat stt;
	char *buf = NULL;
	off_t off;
	size_t len;
	int fd;

	*lenp = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &stt) || stt.st_size <= 0)
		goto out;
	len = stt.st_size > TAIL_BYTES ? TAIL_BYTES : (size_t)stt.st_size;
	off = stt.st_size - (off_t)len;
	buf = mem_alloc(len, NULL);
	if (!buf)
		goto out;
	if (pread(fd, buf, len, off) != (ssize_t)len) {
		buf = mem_deref(buf);
		goto out;
	}
	*lenp = len;
 out:
	close(fd);
	return buf;
}

static void set_ts(json_t *r, const char *key, const char *iso)
{
	json_object_set_new(r, key, iso ? json_string(iso) : json_null());
}

/* A recording the crash left open: stopped at the last trace, its WAV
 * sizes set from what reached the disk so that players take it. */
static void recordings_close(json_t *r, const char *last)
{
	json_t *recs = json_object_get(r, "Recordings"), *rc;
	size_t i;

	json_array_foreach(recs, i, rc) {
		const char *path = json_string_value(
			json_object_get(rc, "Location"));
		uint64_t frames = 0;
		int err;

		if (!json_is_null(json_object_get(rc, "StopTimestamp")))
			continue;
		set_ts(rc, "StopTimestamp", last);
		if (!path)
			continue;
		err = recorder_repair(path, &frames);
		if (!err)
			log_warn("journal: recording %s repaired "
				 "(%llu.%03llu s on disk)", path,
				 (unsigned long long)(frames / RECORDER_SRATE),
				 (unsigned long long)(frames % RECORDER_SRATE *
						      1000 / RECORDER_SRATE));
		else if (err != EALREADY)
			log_warn("journal: recording %s not repaired: %m", path,
				 err);
	}
}

/* Close a recovered record: ended by the crash, at its last trace. */
static void finish_record(json_t *r, const char *last)
{
	json_t *q = json_object_get(r, "Queue");

	set_ts(r, "DisconnectTimestamp", last);
	set_ts(r, "LastUpdateTimestamp", last);
	json_object_set_new(r, "DisconnectReason", json_string("OTHER"));
	if (json_is_object(q) &&
	    json_is_null(json_object_get(q, "DequeueTimestamp"))) {
		const char *enq = json_string_value(
			json_object_get(q, "EnqueueTimestamp"));
		uint64_t a = 0, b = 0;

		set_ts(q, "DequeueTimestamp", last);
		if (enq && !util_iso8601_parse(&a, enq) && last &&
		    !util_iso8601_parse(&b, last) && b > a)
			json_object_set_new(q, "Duration",
					    json_integer((json_int_t)
							 ((b - a) / 1000)));
	}
	recordings_close(r, last);
	if (!json_object_get(r, "Failure"))
		json_object_set_new(r, "Failure", json_pack("{s:s, s:n}",
			"Reason", "callflowd stopped while the contact was "
			"live (recovered from the journal)", "SipStatus"));
}

/* Replay the journal: open contacts by id, and the last Time seen. */
static int replay(FILE *fp, json_t *open_, char *last, size_t lastsz,
		  unsigned *badp)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, fp)) > 0) {
		json_t *o, *rec;
		const char *ev, *id, *t;

		if (n == 1 && line[0] == '\n')
			continue;
		o = json_loadb(line, (size_t)n, 0, NULL);
		if (!json_is_object(o)) {
			/* a torn last line after a crash */
			++*badp;
			json_decref(o);
			continue;
		}
		ev = json_string_value(json_object_get(o, "Event"));
		id = json_string_value(json_object_get(o, "ContactId"));
		t = json_string_value(json_object_get(o, "Time"));
		rec = json_object_get(o, "Record");
		if (t && strcmp(t, last) > 0)
			str_ncpy(last, t, lastsz);

		if (!ev)
			++*badp;
		else if (id && json_is_object(rec) &&
			 (!strcmp(ev, "start") || !strcmp(ev, "update")))
			json_object_set(open_, id, rec);
		else if (id && !strcmp(ev, "end"))
			json_object_del(open_, id);
		json_decref(o);
	}
	free(line);
	return ferror(fp) ? EIO : 0;
}

/* Empty the journal durably (nothing in it is live any more). */
static int truncate_journal(const char *path)
{
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : errno;
	if (fsync(fd))
		err = errno;
	close(fd);
	return err;
}

int journal_recover(const char *data_dir, struct records *rec,
		    unsigned *countp)
{
	char last[40] = "", *path = NULL, *tail = NULL, *text;
	json_t *open_ = NULL, *r;
	unsigned count = 0, bad = 0, skipped = 0;
	const char *id;
	size_t taillen = 0;
	FILE *fp = NULL;
	int err;

	if (!data_dir || !rec)
		return EINVAL;

	err = journal_path(&path, data_dir);
	if (err)
		return err;

	fp = fopen(path, "re");
	if (!fp) {
		err = errno == ENOENT ? 0 : errno;
		if (err)
			log_error("journal: cannot read %s: %m", path, err);
		goto out;
	}
	open_ = json_object();
	if (!open_) {
		err = ENOMEM;
		goto out;
	}
	err = replay(fp, open_, last, sizeof(last), &bad);
	if (err) {
		log_error("journal: reading %s failed: %m", path, err);
		goto out;
	}
	if (bad)
		log_warn("journal: %u unreadable line%s in %s skipped", bad,
			 bad == 1 ? "" : "s", path);

	if (json_object_size(open_))
		tail = read_tail(records_path(rec), &taillen);

	json_object_foreach(open_, id, r) {
		if (recorded_already(tail, taillen, id)) {
			++skipped;
			continue;
		}
		finish_record(r, last[0] ? last : NULL);
		text = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (!text) {
			err = ENOMEM;
			goto out;
		}
		err = records_append(rec, text);
		free(text);
		if (err)
			goto out;
		log_warn("journal: contact %s was live when callflowd "
			 "stopped; record written (DisconnectReason OTHER, "
			 "disconnected by %s)", id, last);
		++count;
	}
	if (skipped)
		log_info("journal: %u unfinished contact%s already recorded",
			 skipped, skipped == 1 ? "" : "s");

	/* the records must be on disk before the journal forgets them */
	if (count)
		records_flush(rec, 10000);
	err = truncate_journal(path);
	if (err)
		log_error("journal: cannot empty %s: %m", path, err);

 out:
	if (fp)
		fclose(fp);
	json_decref(open_);
	mem_deref(tail);
	mem_deref(path);
	if (!err && countp)
		*countp = count;
	return err;
}

/* -- while running -- */

static bool id_cmp(struct le *le, void *arg)
{
	const struct jentry *e = le->data;

	return !strcmp(e->id, arg);
}

static struct jentry *find(const struct journal *j, const char *id)
{
	struct le *le;

	if (!j || !id)
		return NULL;
	le = hash_lookup(j->live, hash_joaat_str(id), id_cmp, (void *)id);
	return le ? le->data : NULL;
}

static int write_line(struct journal *j, const char *line)
{
	int err = appender_line(j->ap, line);

	if (err)
		log_warn("journal: line not written: %m", err);
	else
		++j->lines;
	return err;
}

static void jline_destructor(void *arg)
{
	struct jline *l = arg;

	mem_deref(l->snap);
}

/* pool thread: {"Event":"start"|"update","Time",...,"Record":{...}} */
static int print_line(struct mbuf *mb, bool start, uint64_t time_ms,
		      const struct crsnap *snap)
{
	char t[40], init[40];
	json_t *o;
	char *head;
	size_t len;
	int err;

	util_iso8601(t, sizeof(t), time_ms);
	if (start) {
		util_iso8601(init, sizeof(init), crsnap_initiated_ms(snap));
		o = json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:s?, s:s?}",
			      "Event", "start", "Time", t,
			      "ContactId", crsnap_contact_id(snap),
			      "Initiated", init,
			      "Customer", crsnap_customer(snap),
			      "System", crsnap_system(snap),
			      "Flow", crsnap_flow_name(snap));
	}
	else {
		o = json_pack("{s:s, s:s, s:s?}", "Event", "update",
			      "Time", t, "ContactId",
			      crsnap_contact_id(snap));
	}
	if (!o)
		return ENOMEM;
	head = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!head)
		return ENOMEM;
	/* the record goes in as "Record", before the closing brace */
	len = strlen(head);
	err = mbuf_write_mem(mb, (const uint8_t *)head, len - 1);
	free(head);
	err |= mbuf_write_str(mb, ",\"Record\":");
	if (!err)
		err = crsnap_print(mb, snap);
	if (!err)
		err = mbuf_write_u8(mb, '}');
	return err;
}

static int print_jline(struct mbuf *mb, void *arg)
{
	const struct jline *l = arg;

	return print_line(mb, l->start, l->time_ms, l->snap);
}

static int queue_line(struct journal *j, bool start, struct crsnap *snap)
{
	struct jline *l;
	int err;

	l = mem_zalloc(sizeof(*l), jline_destructor);
	if (!l)
		return ENOMEM;
	l->start = start;
	l->time_ms = util_now_ms();
	l->snap = mem_ref(snap);
	err = appender_defer(j->ap, print_jline, l);
	mem_deref(l);
	if (err)
		log_warn("journal: line not written: %m", err);
	else
		++j->lines;
	return err;
}

/* The record so far (not yet disconnected). */
static int snap(struct journal *j, struct crsnap **snapp,
		const struct jentry *e)
{
	struct crecord_info info = *e->info;

	info.flow_name = e->flow;
	info.disconnected_ms = 0;
	return records_snap(j->rec, snapp, e->cd, &info);
}

static int write_update(struct journal *j, struct jentry *e, bool force)
{
	struct crsnap *s = NULL;
	int err;

	if (e->finishing)
		return 0;
	err = snap(j, &s, e);
	if (err)
		return err;
	if (!force && crsnap_equal(e->last, s)) {
		mem_deref(s);
		return 0;
	}
	err = queue_line(j, false, s);
	if (!err) {
		mem_deref(e->last);
		e->last = s;
	}
	else {
		mem_deref(s);
	}
	return err;
}

static bool update_apply(struct le *le, void *arg)
{
	(void)write_update(arg, le->data, false);
	return false;
}

static void jrewrite_destructor(void *arg)
{
	struct jrewrite *rw = arg;
	size_t i;

	for (i = 0; i < rw->n; i++)
		mem_deref(rw->snapv[i]);
	mem_deref(rw->snapv);
}

/* pool thread: the live contacts' start lines, the whole new journal */
static int print_rewrite(struct mbuf *mb, void *arg)
{
	const struct jrewrite *rw = arg;
	size_t i;
	int err = 0;

	for (i = 0; !err && i < rw->n; i++) {
		err = print_line(mb, true, rw->time_ms, rw->snapv[i]);
		if (!err)
			err = mbuf_write_u8(mb, '\n');
	}
	return err;
}

static bool collect_apply(struct le *le, void *arg)
{
	struct jentry *e = le->data;
	struct jrewrite *rw = arg;

	if (e->last)
		rw->snapv[rw->n++] = mem_ref(e->last);
	return false;
}

/* Rewrite the journal with the live contacts only, in queue order on the
 * pool: the lines queued after it go on in the new file. */
static int compact(struct journal *j)
{
	struct jrewrite *rw;
	int err;

	rw = mem_zalloc(sizeof(*rw), jrewrite_destructor);
	if (!rw)
		return ENOMEM;
	rw->time_ms = util_now_ms();
	rw->snapv = mem_zalloc((j->nlive + 1) * sizeof(*rw->snapv), NULL);
	if (!rw->snapv) {
		mem_deref(rw);
		return ENOMEM;
	}
	(void)hash_apply(j->live, collect_apply, rw);
	err = appender_rewrite(j->ap, print_rewrite, rw);
	mem_deref(rw);
	if (err)
		return err;
	j->compacted_at = appender_bytes(j->ap);
	log_info("journal: rewriting %s with %u live contact%s", j->path,
		 j->nlive, j->nlive == 1 ? "" : "s");
	return 0;
}

static void tick(void *arg)
{
	struct journal *j = arg;
	char ts[40], line[96];

	tmr_start(&j->tmr, j->interval_ms, tick, j);
	if (!j->nlive)
		return;

	(void)hash_apply(j->live, update_apply, j);
	/* a recent Time bounds when a crash happened */
	if (j->lines == j->lines_at_tick) {
		now_iso(ts, sizeof(ts));
		re_snprintf(line, sizeof(line),
			    "{\"Event\":\"tick\",\"Time\":\"%s\"}", ts);
		(void)write_line(j, line);
	}
	j->lines_at_tick = j->lines;

	if (appender_bytes(j->ap) - j->compacted_at > j->compact_bytes) {
		int err = compact(j);

		if (err)
			log_warn("journal: cannot rewrite %s: %m", j->path,
				 err);
	}
}

int journal_alloc(struct journal **jp, const char *data_dir,
		  struct records *rec, uint32_t interval_ms)
{
	struct journal *j;
	int err;

	if (!jp || !data_dir || !rec)
		return EINVAL;

	j = mem_zalloc(sizeof(*j), destructor);
	if (!j)
		return ENOMEM;
	j->rec = mem_ref(rec);
	j->interval_ms = interval_ms ? interval_ms : JOURNAL_INTERVAL_MS;
	j->compact_bytes = COMPACT_BYTES;
	tmr_init(&j->tmr);

	err = journal_path(&j->path, data_dir);
	if (err)
		goto out;
	err = hash_alloc(&j->live, 256);
	if (err)
		goto out;
	err = appender_alloc(&j->ap, j->path);
	if (err)
		goto out;
	tmr_start(&j->tmr, j->interval_ms, tick, j);

 out:
	if (err)
		mem_deref(j);
	else
		*jp = j;
	return err;
}

int journal_start(struct journal *j, struct cdata *cd,
		  const struct crecord_info *info, const char *flow_name)
{
	struct jentry *e;
	int err;

	if (!j || !cd || !info)
		return EINVAL;
	if (find(j, cd->contact_id))
		return EALREADY;

	e = mem_zalloc(sizeof(*e), entry_destructor);
	if (!e)
		return ENOMEM;
	str_ncpy(e->id, cd->contact_id, sizeof(e->id));
	e->cd = mem_ref(cd);
	e->info = info;
	if (flow_name) {
		err = str_dup(&e->flow, flow_name);
		if (err)
			goto out;
	}
	err = snap(j, &e->last, e);
	if (err)
		goto out;
	err = queue_line(j, true, e->last);
	if (err)
		goto out;
	hash_append(j->live, hash_joaat_str(e->id), &e->he, e);
	++j->nlive;

 out:
	if (err)
		mem_deref(e);
	return err;
}

void journal_update(struct journal *j, const char *contact_id)
{
	struct jentry *e = find(j, contact_id);

	if (e)
		(void)write_update(j, e, false);
}

void journal_end(struct journal *j, const char *contact_id)
{
	struct jentry *e = find(j, contact_id);
	char ts[40], line[160];

	if (!e)
		return;
	now_iso(ts, sizeof(ts));
	re_snprintf(line, sizeof(line), "{\"Event\":\"end\",\"Time\":\"%s\","
		    "\"ContactId\":\"%s\"}", ts, e->id);
	(void)write_line(j, line);
	--j->nlive;
	mem_deref(e);
}

void journal_compact_at(struct journal *j, uint64_t bytes)
{
	if (j)
		j->compact_bytes = bytes ? bytes : COMPACT_BYTES;
}

static void jfin_destructor(void *arg)
{
	struct jfin *f = arg;

	mem_deref(f->j);
	mem_deref(f->arg);
}

static void record_durable(int err, void *arg)
{
	struct jfin *f = arg;

	if (err)
		log_error("journal: contact %s: its record may not be on disk "
			  "(%m); it stays in the journal, so the next start "
			  "writes one", f->id, err);
	else
		journal_end(f->j, f->id);
	if (f->doneh)
		f->doneh(err, f->arg);
}

int journal_finish(struct journal *j, const char *contact_id,
		   struct crsnap *snap, records_done_h *doneh, void *arg)
{
	struct jentry *e;
	struct jfin *f;
	int err;

	if (!j || !contact_id || !snap)
		return EINVAL;
	/* the contact may go now: nothing of it is read any more */
	e = find(j, contact_id);
	if (e) {
		e->finishing = true;
		e->info = NULL;
	}
	f = mem_zalloc(sizeof(*f), jfin_destructor);
	if (!f)
		return ENOMEM;
	f->j = mem_ref(j);
	f->doneh = doneh;
	f->arg = mem_ref(arg);
	str_ncpy(f->id, contact_id, sizeof(f->id));
	err = records_write_snap(j->rec, snap, record_durable, f);
	mem_deref(f);
	return err;
}

uint32_t journal_live(const struct journal *j)
{
	return j ? j->nlive : 0;
}

void journal_flush(struct journal *j, uint32_t ms)
{
	if (j)
		appender_flush(j->ap, ms);
}
