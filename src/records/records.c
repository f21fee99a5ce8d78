/**
 * @file records.c  The contact record file and the "records" section.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/libre.h>
#include <callflowd/appender.h>
#include <callflowd/config.h>
#include <callflowd/log.h>
#include <callflowd/records.h>
#include <callflowd/strmap.h>

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
		if (strcmp(key, "redact_attributes")) {
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

/* Re-encode with the listed attributes masked (rare: only when set). */
static int redact_json(char **jsonp, const struct strmap *redact)
{
	json_t *r, *attrs, *v;
	const char *key;
	bool changed = false;
	char *text;
	int err;

	r = json_loads(*jsonp, 0, NULL);
	if (!r)
		return EBADMSG;
	attrs = json_object_get(r, "Attributes");
	json_object_foreach(attrs, key, v) {
		if (!strmap_get(redact, key))
			continue;
		json_object_set_new(attrs, key, json_string(RECORDS_REDACTED));
		changed = true;
	}
	if (!changed) {
		json_decref(r);
		return 0;
	}
	text = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(r);
	if (!text)
		return ENOMEM;
	*jsonp = mem_deref(*jsonp);
	err = str_dup(jsonp, text);
	free(text);
	return err;
}

int records_encode(struct records *rec, char **jsonp, const struct cdata *cd,
		   const struct crecord_info *info)
{
	char *json = NULL;
	int err;

	if (!rec || !jsonp || !info)
		return EINVAL;

	err = crecord_encode(&json, cd, info);
	if (!err && records_redactions(rec))
		err = redact_json(&json, rec->redact);
	if (err)
		mem_deref(json);
	else
		*jsonp = json;
	return err;
}

int records_write(struct records *rec, const struct cdata *cd,
		  const struct crecord_info *info)
{
	char *json = NULL;
	int err;

	err = records_encode(rec, &json, cd, info);
	if (!err)
		err = records_append(rec, json);
	mem_deref(json);
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

uint64_t records_written(const struct records *rec)
{
	return rec ? rec->written : 0;
}

const char *records_path(const struct records *rec)
{
	return rec ? appender_path(rec->ap) : NULL;
}
