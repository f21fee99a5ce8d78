/**
 * @file audit.c  The audit trail file.
 *
 * Administrative events are rare (an API call, a reload), so each line is
 * made on the loop thread; the appender writes it off the loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/appender.h>
#include <callflowd/store/audit.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>

struct audit {
	struct appender *ap;
	uint64_t lines;
};

static void destructor(void *arg)
{
	struct audit *a = arg;

	mem_deref(a->ap);
}

int audit_alloc(struct audit **ap, const char *data_dir)
{
	struct audit *a;
	char *path = NULL;
	int err;

	if (!ap || !data_dir)
		return EINVAL;
	a = mem_zalloc(sizeof(*a), destructor);
	if (!a)
		return ENOMEM;
	err = re_sdprintf(&path, "%s/audit/audit.jsonl", data_dir);
	if (!err)
		err = appender_alloc(&a->ap, path);
	if (err)
		log_error("audit: cannot open %s: %m", path ? path : data_dir,
			  err);
	mem_deref(path);
	if (err)
		mem_deref(a);
	else
		*ap = a;
	return err;
}

void audit_event(struct audit *a, const char *event, json_t *fields)
{
	char ts[40], *text = NULL;
	json_t *o;
	const char *key;
	json_t *v;

	if (!a || !event) {
		json_decref(fields);
		return;
	}
	util_iso8601(ts, sizeof(ts), util_now_ms());
	o = json_pack("{s:s, s:s}", "Time", ts, "Event", event);
	if (o && json_is_object(fields)) {
		json_object_foreach(fields, key, v)
			json_object_set(o, key, v);
	}
	json_decref(fields);
	if (o)
		text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text || appender_line(a->ap, text)) {
		log_error("audit: %s event not written", event);
		free(text);
		return;
	}
	free(text);
	++a->lines;
}

void audit_flush(struct audit *a, uint32_t ms)
{
	if (a)
		appender_flush(a->ap, ms);
}

uint64_t audit_lines(const struct audit *a)
{
	return a ? a->lines : 0;
}

const char *audit_path(const struct audit *a)
{
	return a ? appender_path(a->ap) : NULL;
}
