/**
 * @file cmd_records.c  callflowctl records: contact records from a running
 * daemon (GET /v1/contact-records), one JSON line each, following the
 * pages' cursors (over ctl_api_get(): the token comes from --token, else
 * $CALLFLOWD_API_TOKEN).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include "ctl.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: callflowctl records [--api HOST:PORT] [--token TOKEN]\n"
		"                  [--from TIME] [--to TIME] [--time "
		"disconnect|initiation]\n"
		"                  [--queue NAME] [--agent USERNAME] "
		"[--limit N] [--max N]\n"
		"       callflowctl records [--api HOST:PORT] [--token TOKEN] "
		"--id CONTACT_ID\n"
		"\n"
		"Print contact records, one JSON object a line, oldest first.\n"
		"TIME is ISO-8601 (2026-01-31T09:00:00Z); --from/--to select\n"
		"by DisconnectTimestamp (or InitiationTimestamp with --time\n"
		"initiation). --limit is the page size (1-1000), --max the\n"
		"most records printed (all by default). The address is --api,\n"
		"else $CALLFLOWD_API, else 127.0.0.1:8080; the token --token,\n"
		"else $CALLFLOWD_API_TOKEN. Exit 0 on success, 1 when the\n"
		"daemon refused (the error is printed), 2 on usage errors or\n"
		"when it cannot be reached.\n");
}

struct opts {
	const char *api, *token;
	const char *from, *to, *time, *queue, *agent, *limit, *id;
	long max;
};

static int build_path(char **pathp, const struct opts *o,
		      const char *cursor)
{
	const char *keys[] = {"from", "to", "time", "queue", "agent",
			      "limit", "cursor"};
	const char *vals[] = {o->from, o->to, o->time, o->queue, o->agent,
			      o->limit, cursor};
	struct mbuf *mb = mbuf_alloc(256);
	char sep = '?';
	size_t i;
	int err;

	if (!mb)
		return ENOMEM;
	err = mbuf_write_str(mb, "/v1/contact-records");
	if (o->id) {
		if (!err)
			err = mbuf_write_u8(mb, '/');
		if (!err)
			err = ctl_api_escape(mb, o->id);
	}
	for (i = 0; !o->id && !err && i < sizeof(keys) / sizeof(keys[0]);
	     i++) {
		if (!vals[i])
			continue;
		err = mbuf_printf(mb, "%c%s=", sep, keys[i]);
		if (!err)
			err = ctl_api_escape(mb, vals[i]);
		sep = '&';
	}
	if (!err)
		err = re_sdprintf(pathp, "%b", mb->buf, mb->end);
	mem_deref(mb);
	return err;
}

static void print_line(const json_t *r)
{
	char *text = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (text)
		printf("%s\n", text);
	free(text);
}

/* One page: print it, the next cursor into *nextp (mem string). */
static int page(const struct opts *o, const char *cursor, char **nextp,
		long *printed)
{
	struct ctl_reply *r = NULL;
	char *path = NULL;
	json_t *doc = NULL, *arr;
	const char *next;
	size_t i;
	int err, rc = 0;

	err = build_path(&path, o, cursor);
	if (!err)
		err = ctl_api_get(&r, o->api, path, o->token);
	if (err) {
		fprintf(stderr, "callflowctl: GET %s%s: %s\n", o->api,
			path ? path : "", strerror(err));
		rc = 2;
		goto out;
	}
	doc = json_loads(r->body, 0, NULL);
	if (r->status != 200 || !doc) {
		ctl_api_refused(r, NULL);
		rc = 1;
		goto out;
	}
	if (o->id) {
		print_line(doc);
		goto out;
	}
	arr = json_object_get(doc, "records");
	for (i = 0; i < json_array_size(arr); i++) {
		if (o->max >= 0 && *printed >= o->max)
			goto out;
		print_line(json_array_get(arr, i));
		++*printed;
	}
	next = json_string_value(json_object_get(doc, "next_cursor"));
	if (next && (o->max < 0 || *printed < o->max))
		(void)str_dup(nextp, next);

 out:
	json_decref(doc);
	mem_deref(r);
	mem_deref(path);
	return rc;
}

int cmd_records(int argc, char **argv)
{
	struct opts o;
	char *cursor = NULL;
	long printed = 0;
	int i, rc = 0;

	memset(&o, 0, sizeof(o));
	o.api = getenv("CALLFLOWD_API");
	o.token = getenv("CALLFLOWD_API_TOKEN");
	o.max = -1;
	if (!o.api)
		o.api = "127.0.0.1:8080";

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **dst = NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(a, "--api"))
			dst = &o.api;
		else if (!strcmp(a, "--token"))
			dst = &o.token;
		else if (!strcmp(a, "--from"))
			dst = &o.from;
		else if (!strcmp(a, "--to"))
			dst = &o.to;
		else if (!strcmp(a, "--time"))
			dst = &o.time;
		else if (!strcmp(a, "--queue"))
			dst = &o.queue;
		else if (!strcmp(a, "--agent"))
			dst = &o.agent;
		else if (!strcmp(a, "--limit"))
			dst = &o.limit;
		else if (!strcmp(a, "--id"))
			dst = &o.id;
		else if (!strcmp(a, "--max") && v) {
			char *end = NULL;

			o.max = strtol(v, &end, 10);
			if (!*v || *end || o.max < 0) {
				fprintf(stderr, "callflowctl: --max: expected "
					"a whole number\n");
				return 2;
			}
			++i;
			continue;
		}
		if (!dst || !v) {
			usage(stderr);
			return 2;
		}
		*dst = v;
		++i;
	}

	do {
		char *next = NULL;

		rc = page(&o, cursor, &next, &printed);
		mem_deref(cursor);
		cursor = next;
	} while (!rc && cursor);
	mem_deref(cursor);
	return rc;
}
