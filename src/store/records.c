/**
 * @file records.c  The contact record file and the "records" section.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/appender.h>
#include <callflowd/core/config.h>
#include <callflowd/store/crsnap.h>
#include <callflowd/core/log.h>
#include <callflowd/store/records.h>
#include <callflowd/core/strmap.h>

struct records {
	struct appender *ap;
	struct strmap *redact;	/* attribute names written as "***" */
	uint64_t written;
};

static void destructor(void *arg)
{
	struct records *rec = arg;

	mem_deref(rec->ap);
	mem_deref(rec->redact);
}

int records_alloc(struct records **recp, const char *data_dir)
{
	struct records *rec;
	char *path = NULL;
	int err;

	if (!recp || !data_dir)
		return EINVAL;

	rec = mem_zalloc(sizeof(*rec), destructor);
	if (!rec)
		return ENOMEM;

	err = re_sdprintf(&path, "%s/records/contact-records.jsonl",
			  data_dir);
	if (err)
		goto out;
	err = appender_alloc(&rec->ap, path);
	if (err)
		log_error("records: cannot open %s: %m", path, err);

 out:
	mem_deref(path);
	if (err)
		mem_deref(rec);
	else
		*recp = rec;
	return err;
}

int records_configure(struct records *rec, const struct config *cfg,
		      char *errbuf, size_t sz)
{
	const json_t *sect, *list, *v;
	struct strmap *redact = NULL;
	const char *key;
	size_t i;
	int err = 0;

	if (!rec || !cfg)
		return EINVAL;

	sect = json_object_get(cfg->root, "records");
	if (!sect)
		goto apply;
	if (!json_is_object(sect)) {
		re_snprintf(errbuf, sz, "records: must be an object");
		return EINVAL;
	}
	json_object_foreach((json_t *)sect, key, v) {
		/* retention is checked by retention.c */
		if (strcmp(key, "redact_attributes") &&
		    strcmp(key, "retention")) {
			re_snprintf(errbuf, sz, "records.%s: unknown key", key);
			return EINVAL;
		}
	}

	list = json_object_get(sect, "redact_attributes");
	if (!list)
		goto apply;
	if (!json_is_array(list)) {
		re_snprintf(errbuf, sz, "records.redact_attributes: must be "
			    "an array of attribute names");
		return EINVAL;
	}
	err = strmap_alloc(&redact);
	if (err)
		return err;
	json_array_foreach(list, i, v) {
		if (!json_is_string(v) || !json_string_length(v)) {
			re_snprintf(errbuf, sz, "records.redact_attributes[%zu]:"
				    " must be a non-empty string", i);
			mem_deref(redact);
			return EINVAL;
		}
		err = strmap_set(redact, json_string_value(v), "");
		if (err) {
			mem_deref(redact);
			return err;
		}
	}

 apply:
	mem_deref(rec->redact);
	rec->redact = redact;
	return 0;
}

const struct strmap *records_redactions(const struct records *rec)
{
	return rec && rec->redact && strmap_count(rec->redact) ?
		rec->redact : NULL;
}

int records_snap(struct records *rec, struct crsnap **snapp,
		 const struct cdata *cd, const struct crecord_info *info)
{
	if (!rec || !snapp || !info)
		return EINVAL;
	return crsnap_build(snapp, cd, info, records_redactions(rec));
}

/* A record on its way: the snapshot, and who wants to know it is on
 * disk. */
struct rwrite {
	struct crsnap *snap;
	records_done_h *doneh;
	void *arg;
};

static void rwrite_destructor(void *arg)
{
	struct rwrite *w = arg;

	mem_deref(w->snap);
	mem_deref(w->arg);
}

/* pool thread: the record line from its snapshot */
static int print_rwrite(struct mbuf *mb, void *arg)
{
	const struct rwrite *w = arg;

	return crsnap_print(mb, w->snap);
}

static void rwrite_done(int err, void *arg)
{
	struct rwrite *w = arg;

	if (w->doneh)
		w->doneh(err, w->arg);
}

int records_write_snap(struct records *rec, struct crsnap *snap,
		       records_done_h *doneh, void *arg)
{
	struct rwrite *w;
	int err;

	if (!rec || !snap)
		return EINVAL;
	w = mem_zalloc(sizeof(*w), rwrite_destructor);
	if (!w)
		return ENOMEM;
	w->snap = mem_ref(snap);
	w->doneh = doneh;
	w->arg = mem_ref(arg);
	err = appender_defer_then(rec->ap, print_rwrite, rwrite_done, w);
	mem_deref(w);
	if (!err)
		++rec->written;
	return err;
}

int records_write(struct records *rec, const struct cdata *cd,
		  const struct crecord_info *info)
{
	struct crsnap *snap = NULL;
	int err;

	/* a few microseconds here; the JSON is made on the pool */
	err = records_snap(rec, &snap, cd, info);
	if (!err)
		err = records_write_snap(rec, snap, NULL, NULL);
	mem_deref(snap);
	return err;
}

int records_append(struct records *rec, const char *json)
{
	int err;

	if (!rec || !json)
		return EINVAL;

	err = appender_line(rec->ap, json);
	if (!err)
		++rec->written;
	return err;
}

void records_flush(struct records *rec, uint32_t ms)
{
	if (rec)
		appender_flush(rec->ap, ms);
}

uint64_t records_failures(const struct records *rec)
{
	return rec ? appender_failures(rec->ap) : 0;
}

bool records_idle(const struct records *rec)
{
	return !rec || appender_idle(rec->ap);
}

uint64_t records_written(const struct records *rec)
{
	return rec ? rec->written : 0;
}

const char *records_path(const struct records *rec)
{
	return rec ? appender_path(rec->ap) : NULL;
}
