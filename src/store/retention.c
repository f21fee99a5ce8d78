/**
 * @file retention.c  Deleting old day folders, off the loop thread.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/audit.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/store/retention.h>
#include <callflowd/core/util.h>

#define SWEEP_MS	(3600 * 1000)
#define FIRST_SWEEP_MS	5000
#define DAY_MS		86400000ULL
#define MAX_REMOVED	4096	/* per sweep; the next sweep goes on */

static const char *const kind_dir[RETAIN_KINDS] = {
	"flow-logs", "agent-events", "recordings"
};
static const char *const kind_key[RETAIN_KINDS] = {
	"flow_logs_days", "agent_events_days", "recordings_days"
};

struct retention {
	struct audit *audit;
	char *data_dir;
	uint32_t days[RETAIN_KINDS];
	struct tmr tmr;
	bool busy;
	uint64_t removed;
};

/* One sweep: what the pool thread reads and writes (plain memory). */
struct sweep {
	struct retention *r;	/* referenced */
	char *data_dir;
	uint32_t days[RETAIN_KINDS];
	uint64_t now_ms;
	struct {
		enum retention_kind kind;
		char day[11];	/* YYYY-MM-DD */
		int err;
		unsigned files;
	} out[MAX_REMOVED];
	unsigned n;
	retention_done_h *doneh;
	void *arg;
};

static void destructor(void *arg)
{
	struct retention *r = arg;

	tmr_cancel(&r->tmr);
	mem_deref(r->data_dir);
	mem_deref(r->audit);
}

static void sweep_destructor(void *arg)
{
	struct sweep *s = arg;

	mem_deref(s->r);
	mem_deref(s->data_dir);
}

static void timer_h(void *arg);

int retention_alloc(struct retention **rp, const char *data_dir,
		    struct audit *audit)
{
	struct retention *r;
	int err;

	if (!rp || !data_dir)
		return EINVAL;
	r = mem_zalloc(sizeof(*r), destructor);
	if (!r)
		return ENOMEM;
	tmr_init(&r->tmr);
	r->audit = mem_ref(audit);
	err = str_dup(&r->data_dir, data_dir);
	if (err) {
		mem_deref(r);
		return err;
	}
	tmr_start(&r->tmr, FIRST_SWEEP_MS, timer_h, r);
	*rp = r;
	return 0;
}

int retention_configure(struct retention *r, const struct config *cfg,
			char *errbuf, size_t sz)
{
	uint32_t days[RETAIN_KINDS] = {0};
	const json_t *sect, *v;
	const char *key;
	int k;

	if (!cfg)
		return EINVAL;
	sect = json_object_get(json_object_get(cfg->root, "records"),
			       "retention");
	if (sect && !json_is_object(sect)) {
		re_snprintf(errbuf, sz, "records.retention: must be an object");
		return EINVAL;
	}
	json_object_foreach((json_t *)sect, key, v) {
		for (k = 0; k < RETAIN_KINDS; k++) {
			if (!strcmp(key, kind_key[k]))
				break;
		}
		if (k == RETAIN_KINDS) {
			re_snprintf(errbuf, sz, "records.retention.%s: unknown "
				    "key (flow_logs_days, agent_events_days, "
				    "recordings_days)", key);
			return EINVAL;
		}
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 100000) {
			re_snprintf(errbuf, sz, "records.retention.%s: "
				    "expected a number of days (0: keep for "
				    "ever)", key);
			return EINVAL;
		}
		days[k] = (uint32_t)json_integer_value(v);
	}
	if (r)
		memcpy(r->days, days, sizeof(days));
	return 0;
}

/* -- on the pool thread -- */

static _Thread_local unsigned nfiles;

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) ? errno : 0;
	++nfiles;
	return unlink(path) ? errno : 0;
}

/* nftw's callback has no argument: the count is per thread */
static int rm_tree(const char *path, unsigned *filesp)
{
	int err;

	nfiles = 0;
	err = nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	*filesp = nfiles;
	return err < 0 ? errno : err;
}

static bool number(const char *name, size_t len, int *vp)
{
	size_t i;

	if (strlen(name) != len)
		return false;
	for (i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
	}
	*vp = atoi(name);
	return true;
}

/* Days since the epoch of a civil date (proleptic Gregorian). */
static int64_t days_of(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool empty = true;

	if (!d)
		return false;
	while (empty && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	}
	closedir(d);
	return empty;
}

static void sweep_kind(struct sweep *s, enum retention_kind k)
{
	int64_t oldest = (int64_t)(s->now_ms / DAY_MS) - (int64_t)s->days[k];
	char base[4096], ypath[4096], mpath[4096], dpath[4096];
	struct dirent *ye, *me, *de;
	DIR *yd, *md, *dd;
	int y, m, d;

	re_snprintf(base, sizeof(base), "%s/%s", s->data_dir, kind_dir[k]);
	yd = opendir(base);
	if (!yd)
		return;
	while ((ye = readdir(yd)) && s->n < MAX_REMOVED) {
		if (!number(ye->d_name, 4, &y))
			continue;
		re_snprintf(ypath, sizeof(ypath), "%s/%s", base, ye->d_name);
		md = opendir(ypath);
		if (!md)
			continue;
		while ((me = readdir(md)) && s->n < MAX_REMOVED) {
			if (!number(me->d_name, 2, &m) || m < 1 || m > 12)
				continue;
			re_snprintf(mpath, sizeof(mpath), "%s/%s", ypath,
				 me->d_name);
			dd = opendir(mpath);
			if (!dd)
				continue;
			while ((de = readdir(dd)) && s->n < MAX_REMOVED) {
				if (!number(de->d_name, 2, &d) || d < 1 ||
				    d > 31 || days_of(y, m, d) >= oldest)
					continue;
				re_snprintf(dpath, sizeof(dpath), "%s/%s",
					    mpath, de->d_name);
				s->out[s->n].kind = k;
				re_snprintf(s->out[s->n].day,
					 sizeof(s->out[s->n].day),
					 "%04d-%02d-%02d", y, m, d);
				s->out[s->n].err = rm_tree(dpath,
					&s->out[s->n].files);
				++s->n;
			}
			closedir(dd);
			if (dir_empty(mpath))
				(void)rmdir(mpath);
		}
		closedir(md);
		if (dir_empty(ypath))
			(void)rmdir(ypath);
	}
	closedir(yd);
}

static void sweep_work(void *arg)
{
	struct sweep *s = arg;
	int k;

	for (k = 0; k < RETAIN_KINDS; k++) {
		if (s->days[k])
			sweep_kind(s, (enum retention_kind)k);
	}
}

/* -- back on the loop -- */

static void sweep_done(int err, void *arg)
{
	struct sweep *s = arg;
	unsigned i, removed = 0;

	s->r->busy = false;
	for (i = 0; !err && i < s->n; i++) {
		const char *kind = kind_dir[s->out[i].kind];

		if (s->out[i].err) {
			log_warn("retention: %s of %s not fully removed: %m",
				 kind, s->out[i].day, s->out[i].err);
			continue;
		}
		++removed;
		log_info("retention: %s of %s removed (%u file%s)", kind,
			 s->out[i].day, s->out[i].files,
			 s->out[i].files == 1 ? "" : "s");
		audit_event(s->r->audit, "retention", json_pack(
			"{s:s, s:s, s:I}", "Kind", kind, "Day", s->out[i].day,
			"Files", (json_int_t)s->out[i].files));
	}
	s->r->removed += removed;
	if (s->doneh)
		s->doneh(removed, s->arg);
	mem_deref(s);
}

int retention_sweep(struct retention *r, uint64_t now_ms,
		    retention_done_h *doneh, void *arg)
{
	struct sweep *s;
	int err;

	if (!r)
		return EINVAL;
	if (r->busy)
		return EBUSY;
	s = mem_zalloc(sizeof(*s), sweep_destructor);
	if (!s)
		return ENOMEM;
	s->r = mem_ref(r);
	memcpy(s->days, r->days, sizeof(s->days));
	s->now_ms = now_ms;
	s->doneh = doneh;
	s->arg = arg;
	err = str_dup(&s->data_dir, r->data_dir);
	if (!err)
		err = loop_work(sweep_work, sweep_done, s);
	if (err) {
		mem_deref(s);
		return err;
	}
	r->busy = true;
	return 0;
}

static void timer_h(void *arg)
{
	struct retention *r = arg;
	int k;

	tmr_start(&r->tmr, SWEEP_MS, timer_h, r);
	for (k = 0; k < RETAIN_KINDS; k++) {
		if (r->days[k])
			break;
	}
	if (k < RETAIN_KINDS && !r->busy)
		(void)retention_sweep(r, util_now_ms(), NULL, NULL);
}

uint64_t retention_removed(const struct retention *r)
{
	return r ? r->removed : 0;
}
