/**
 * @file cmd_report.c  callflowctl report: the daemon's historical interval
 * reports (GET /v1/reports/queues and /v1/reports/agents) from the command
 * line, as an aligned table with a totals line, or the API's JSON as is.
 *
 * Times may be ISO 8601 (as the API takes them) or shorthands resolved
 * here against the local clock in UTC: now, today, yesterday (day bounds)
 * and -N{m,h,d} (N before now). What was resolved is what the daemon
 * echoes back in from/to, printed above the table.
 *
 * Over ctl_api_get(), so that an Authorization header can go along (the
 * token from --token, else $CALLFLOWD_API_TOKEN).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include "ctl.h"

enum {
	CELL_SZ = 32,
	MIN_MS = 60 * 1000,
	HOUR_MS = 60 * MIN_MS,
	DAY_MS = 24 * HOUR_MS,
};

struct opts {
	const char *api, *token, *interval;
	const char *from_arg, *to_arg;
	uint64_t from, to;
	bool agents, json;
	const char **names;	/* argv's, not owned */
	size_t nnames;
};

static void usage_line(FILE *fp)
{
	fprintf(fp,
		"usage: callflowctl report queues|agents --from TIME "
		"[--to TIME]\n"
		"                  [--interval 15m|30m|1h|1d|total]\n"
		"                  [--queue NAME]... | [--agent NAME]...\n"
		"                  [--json] [--api HOST:PORT] "
		"[--token TOKEN]\n");
}

static void usage(FILE *fp)
{
	usage_line(fp);
	fprintf(fp,
		"\n"
		"Historical interval reports of the contacts that ended\n"
		"from --from (included) to --to (excluded), per queue or\n"
		"per agent. TIME is ISO-8601 (2026-03-10T09:00:00Z,\n"
		"2026-03-10), now, today or yesterday (the UTC day: its\n"
		"start as --from, its end as --to), or -N followed by m, h\n"
		"or d: that long before now (-24h, -7d). --to defaults to\n"
		"the end of the day with --from today or yesterday, else\n"
		"to now. --interval is 1h by default. --queue/--agent\n"
		"(repeatable) keep only those names.\n"
		"\n"
		"Prints a table with a TOTAL line: counts summed; ASA and\n"
		"SL%% weighted by handled contacts, AHT and ACW by contacts\n"
		"whose after-contact work ended. --json prints the API's\n"
		"answer as is. The address is --api, else $CALLFLOWD_API,\n"
		"else 127.0.0.1:8080; the token --token, else\n"
		"$CALLFLOWD_API_TOKEN. Exit 0 on success, 1 when the daemon\n"
		"refused (its message is printed), 2 on usage errors or\n"
		"when it cannot be reached.\n");
}

/* -N{m,h,d}: N minutes, hours or days in *msp. */
static int span_parse(uint64_t *msp, const char *s)
{
	uint64_t n = 0, unit;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > 1000000)
			return EINVAL;
	}
	if (!strcmp(p, "m"))
		unit = MIN_MS;
	else if (!strcmp(p, "h"))
		unit = HOUR_MS;
	else if (!strcmp(p, "d"))
		unit = DAY_MS;
	else
		return EINVAL;
	*msp = n * unit;
	return 0;
}

/*
 * TIME into *msp: ISO 8601 or a shorthand relative to now. today and
 * yesterday name a UTC day: its start, or its end when end is set.
 */
static int time_resolve(uint64_t *msp, const char *s, bool end,
			uint64_t now)
{
	uint64_t day = now - now % DAY_MS, span;

	if (!strcmp(s, "now")) {
		*msp = now;
		return 0;
	}
	if (!strcmp(s, "today")) {
		*msp = end ? day + DAY_MS : day;
		return 0;
	}
	if (!strcmp(s, "yesterday")) {
		*msp = end ? day : day - DAY_MS;
		return 0;
	}
	if (s[0] == '-') {
		if (span_parse(&span, s + 1) || span > now)
			return EINVAL;
		*msp = now - span;
		return 0;
	}
	return util_iso8601_parse(msp, s);
}

static bool is_day(const char *s)
{
	return !strcmp(s, "today") || !strcmp(s, "yesterday");
}

static int times_resolve(struct opts *o)
{
	static const char *const how = "expected an ISO-8601 time "
		"(2026-03-10T09:00:00Z), now, today, yesterday or -N{m,h,d} "
		"(-24h)";
	uint64_t now = util_now_ms();

	if (time_resolve(&o->from, o->from_arg, false, now)) {
		fprintf(stderr, "callflowctl: report: --from '%s': %s\n",
			o->from_arg, how);
		return EINVAL;
	}
	if (!o->to_arg) {
		o->to = now;
		if (is_day(o->from_arg))
			(void)time_resolve(&o->to, o->from_arg, true, now);
		return 0;
	}
	if (time_resolve(&o->to, o->to_arg, true, now)) {
		fprintf(stderr, "callflowctl: report: --to '%s': %s\n",
			o->to_arg, how);
		return EINVAL;
	}
	return 0;
}

static int path_build(char **pathp, const struct opts *o)
{
	struct mbuf *mb = mbuf_alloc(256);
	char from[40], to[40];
	size_t i;
	int err;

	if (!mb)
		return ENOMEM;
	util_iso8601(from, sizeof(from), o->from);
	util_iso8601(to, sizeof(to), o->to);
	err = mbuf_printf(mb, "/v1/reports/%s?from=%s&to=%s",
			  o->agents ? "agents" : "queues", from, to);
	if (!err && o->interval)
		err = mbuf_printf(mb, "&interval=%s", o->interval);
	for (i = 0; !err && i < o->nnames; i++) {
		err = mbuf_printf(mb, "&%s=", o->agents ? "agent" : "queue");
		if (!err)
			err = ctl_api_escape(mb, o->names[i]);
	}
	if (!err)
		err = re_sdprintf(pathp, "%b", mb->buf, mb->end);
	mem_deref(mb);
	return err;
}

/* Display width of a UTF-8 string: its code points. */
static size_t u8_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			++w;
	}
	return w;
}

static const char *str_of(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "-";
}

/* "YYYY-MM-DD HH:MM" (UTC) of an API time, else the text itself. */
static void cell_time(char *cell, const char *iso)
{
	uint64_t ms;
	char buf[40];

	if (util_iso8601_parse(&ms, iso)) {
		re_snprintf(cell, CELL_SZ, "%s", iso);
		return;
	}
	util_iso8601(buf, sizeof(buf), ms);
	re_snprintf(cell, CELL_SZ, "%b %b", buf, (size_t)10, buf + 11,
		    (size_t)5);
}

static void cell_count(char *cell, const json_t *v)
{
	if (json_is_integer(v))
		re_snprintf(cell, CELL_SZ, "%lld",
			    (long long)json_integer_value(v));
	else
		re_snprintf(cell, CELL_SZ, "-");
}

static void cell_mean(char *cell, bool ok, double v)
{
	if (ok)
		(void)snprintf(cell, CELL_SZ, "%.1f", v);
	else
		re_snprintf(cell, CELL_SZ, "-");
}

/* A weighted mean's running sums: a row's mean times its count. */
struct wsum {
	double sum;
	double n;
};

static void wsum_add(struct wsum *w, const json_t *mean, const json_t *n)
{
	if (!json_is_number(mean) || !json_is_integer(n))
		return;
	w->sum += json_number_value(mean) * (double)json_integer_value(n);
	w->n += (double)json_integer_value(n);
}

enum col {
	COL_START, COL_NAME, COL_QUEUED, COL_HANDLED, COL_ABANDONED,
	COL_ASA, COL_SL, COL_AHT, COL_ACW, COL_N
};

struct table {
	char (*cell)[COL_N][CELL_SZ];	/* rows, then the totals */
	size_t nrows;
	const char **names;		/* row names, borrowed from doc */
	char sl_head[CELL_SZ];
	bool sl_mixed;
};

static void table_destructor(void *arg)
{
	struct table *t = arg;

	mem_deref(t->cell);
	mem_deref(t->names);
}

/* Every row's cells, the totals' last; the SL header. */
static int table_build(struct table **tp, const json_t *rows, bool agents)
{
	struct wsum asa = {0, 0}, aht = {0, 0}, acw = {0, 0};
	long long queued = 0, handled = 0, abandoned = 0, ended = 0;
	long long within = 0, thr = -1;
	struct table *t;
	size_t i, n = json_array_size(rows);

	t = mem_zalloc(sizeof(*t), table_destructor);
	if (!t)
		return ENOMEM;
	t->nrows = n;
	t->cell = mem_zalloc((n + 1) * sizeof(*t->cell), NULL);
	t->names = mem_zalloc((n + 1) * sizeof(*t->names), NULL);
	if (!t->cell || !t->names) {
		mem_deref(t);
		return ENOMEM;
	}

	for (i = 0; i < n; i++) {
		const json_t *r = json_array_get(rows, i);
		const json_t *sl = json_object_get(r, "service_level");
		const json_t *th = json_object_get(sl, "threshold_seconds");
		const json_t *v;
		char (*c)[CELL_SZ] = t->cell[i];

		cell_time(c[COL_START], str_of(r, "start"));
		t->names[i] = str_of(r, agents ? "agent" : "queue");
		cell_count(c[COL_QUEUED], json_object_get(r, "queued"));
		cell_count(c[COL_HANDLED], json_object_get(r, "handled"));
		cell_count(c[COL_ABANDONED], json_object_get(r, "abandoned"));
		v = json_object_get(r, "average_answer_seconds");
		cell_mean(c[COL_ASA], json_is_number(v),
			  json_number_value(v));
		v = json_object_get(sl, "percent");
		cell_mean(c[COL_SL], json_is_number(v), json_number_value(v));
		v = json_object_get(r, "average_handle_time_seconds");
		cell_mean(c[COL_AHT], json_is_number(v),
			  json_number_value(v));
		v = json_object_get(r, "average_after_contact_work_seconds");
		cell_mean(c[COL_ACW], json_is_number(v),
			  json_number_value(v));

		queued += json_integer_value(json_object_get(r, "queued"));
		handled += json_integer_value(json_object_get(r, "handled"));
		abandoned += json_integer_value(json_object_get(r,
								"abandoned"));
		ended += json_integer_value(json_object_get(r,
					"after_contact_work_ended"));
		within += json_integer_value(json_object_get(sl,
							"answered_within"));
		wsum_add(&asa, json_object_get(r, "average_answer_seconds"),
			 json_object_get(r, "handled"));
		wsum_add(&aht, json_object_get(r,
					       "average_handle_time_seconds"),
			 json_object_get(r, "after_contact_work_ended"));
		wsum_add(&acw, json_object_get(r,
					"average_after_contact_work_seconds"),
			 json_object_get(r, "after_contact_work_ended"));
		if (json_is_integer(th)) {
			if (thr >= 0 && thr != json_integer_value(th))
				t->sl_mixed = true;
			thr = json_integer_value(th);
		}
	}

	re_snprintf(t->cell[n][COL_START], CELL_SZ, "TOTAL");
	t->names[n] = "";
	re_snprintf(t->cell[n][COL_QUEUED], CELL_SZ, "%lld", queued);
	re_snprintf(t->cell[n][COL_HANDLED], CELL_SZ, "%lld", handled);
	re_snprintf(t->cell[n][COL_ABANDONED], CELL_SZ, "%lld", abandoned);
	cell_mean(t->cell[n][COL_ASA], asa.n > 0, asa.sum / asa.n);
	cell_mean(t->cell[n][COL_SL], handled > 0,
		  100.0 * (double)within / (double)handled);
	cell_mean(t->cell[n][COL_AHT], ended > 0 && aht.n > 0,
		  aht.sum / aht.n);
	cell_mean(t->cell[n][COL_ACW], ended > 0 && acw.n > 0,
		  acw.sum / acw.n);

	if (t->sl_mixed)
		re_snprintf(t->sl_head, CELL_SZ, "SL%%*");
	else if (thr >= 0)
		re_snprintf(t->sl_head, CELL_SZ, "SL%% <=%llds", thr);
	else
		re_snprintf(t->sl_head, CELL_SZ, "SL%%");

	*tp = t;
	return 0;
}

static void table_print(const struct table *t, const json_t *rows,
			bool agents)
{
	static const enum col qcols[] = {
		COL_START, COL_NAME, COL_QUEUED, COL_HANDLED, COL_ABANDONED,
		COL_ASA, COL_SL, COL_AHT, COL_ACW
	};
	static const enum col acols[] = {
		COL_START, COL_NAME, COL_HANDLED, COL_AHT, COL_ACW
	};
	const char *head[COL_N] = {
		"START", agents ? "AGENT" : "QUEUE", "QUEUED", "HANDLED",
		"ABANDONED", "ASA s", t->sl_head, "AHT s", "ACW s"
	};
	const enum col *cols = agents ? acols : qcols;
	size_t ncols = agents ? ARRAY_SIZE(acols) : ARRAY_SIZE(qcols);
	size_t width[COL_N], i, j;

	for (j = 0; j < COL_N; j++)
		width[j] = u8_width(head[j]);
	for (i = 0; i <= t->nrows; i++) {
		for (j = 0; j < COL_N; j++) {
			size_t w = j == COL_NAME ? u8_width(t->names[i]) :
				strlen(t->cell[i][j]);

			if (w > width[j])
				width[j] = w;
		}
	}

	for (i = 0; i <= t->nrows + 1; i++) {
		/* the header, the rows, the totals */
		size_t r = i - 1;

		for (j = 0; j < ncols; j++) {
			enum col c = cols[j];
			const char *s = !i ? head[c] : c == COL_NAME ?
				t->names[r] : t->cell[r][c];
			size_t pad = width[c] - u8_width(s);

			if (j)
				fputs("  ", stdout);
			if (c == COL_START || c == COL_NAME) {
				fputs(s, stdout);
				if (j + 1 < ncols)
					printf("%*s", (int)pad, "");
			}
			else {
				printf("%*s%s", (int)pad, "", s);
			}
		}
		fputc('\n', stdout);
	}

	if (!t->sl_mixed)
		return;

	/* which threshold each queue's SL% is within */
	printf("* SL%% within each queue's threshold:");
	for (i = 0; i < t->nrows; i++) {
		const json_t *r = json_array_get(rows, i);
		size_t k;

		for (k = 0; k < i; k++) {
			if (!strcmp(t->names[k], t->names[i]))
				break;
		}
		if (k < i)
			continue;
		printf("%s %s %llds", i ? "," : "", t->names[i],
		       (long long)json_integer_value(json_object_get(
			       json_object_get(r, "service_level"),
			       "threshold_seconds")));
	}
	fputc('\n', stdout);
}

/* The body of a 200 answer: as is (--json), else a table. */
static int output(const struct opts *o, const char *body)
{
	struct table *t = NULL;
	json_t *doc, *rows;
	int err;

	if (o->json) {
		size_t len = strlen(body);

		fputs(body, stdout);
		if (!len || body[len - 1] != '\n')
			fputc('\n', stdout);
		return 0;
	}

	doc = json_loads(body, 0, NULL);
	rows = json_object_get(doc, "rows");
	if (!json_is_array(rows)) {
		fprintf(stderr, "callflowctl: report: not a report: %s\n",
			body);
		json_decref(doc);
		return EBADMSG;
	}
	err = table_build(&t, rows, o->agents);
	if (!err) {
		printf("%s from %s to %s, interval %s (UTC)\n",
		       o->agents ? "Agents" : "Queues", str_of(doc, "from"),
		       str_of(doc, "to"), str_of(doc, "interval"));
		table_print(t, rows, o->agents);
	}
	mem_deref(t);
	json_decref(doc);
	return err;
}

static int opts_parse(struct opts *o, int argc, char **argv)
{
	const char *kind = NULL;
	bool queue = false, agent = false;
	struct sa sa;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **dst = NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return ECANCELED;	/* asked for help */
		if (!strcmp(a, "--json")) {
			o->json = true;
			continue;
		}
		if (a[0] != '-') {
			if (kind) {
				fprintf(stderr, "callflowctl: report: "
					"unexpected '%s'\n", a);
				return EINVAL;
			}
			kind = a;
			continue;
		}
		if (!strcmp(a, "--api"))
			dst = &o->api;
		else if (!strcmp(a, "--token"))
			dst = &o->token;
		else if (!strcmp(a, "--from"))
			dst = &o->from_arg;
		else if (!strcmp(a, "--to"))
			dst = &o->to_arg;
		else if (!strcmp(a, "--interval"))
			dst = &o->interval;
		else if (!strcmp(a, "--queue") || !strcmp(a, "--agent")) {
			queue |= a[2] == 'q';
			agent |= a[2] == 'a';
			dst = &o->names[o->nnames++];
		}
		else {
			fprintf(stderr, "callflowctl: report: unknown option "
				"'%s'\n", a);
			return EINVAL;
		}
		if (!v) {
			fprintf(stderr, "callflowctl: report: %s needs a "
				"value\n", a);
			return EINVAL;
		}
		*dst = v;
		++i;
	}

	if (!kind || (strcmp(kind, "queues") && strcmp(kind, "agents"))) {
		fprintf(stderr, "callflowctl: report: expected queues or "
			"agents\n");
		return EINVAL;
	}
	o->agents = !strcmp(kind, "agents");
	if ((o->agents && queue) || (!o->agents && agent)) {
		fprintf(stderr, "callflowctl: report %s: use --%s NAME\n",
			kind, o->agents ? "agent" : "queue");
		return EINVAL;
	}
	if (sa_decode(&sa, o->api, strlen(o->api)) || !sa_port(&sa)) {
		fprintf(stderr, "callflowctl: report: --api '%s': expected "
			"HOST:PORT (127.0.0.1:8080)\n", o->api);
		return EINVAL;
	}
	if (!o->from_arg) {
		fprintf(stderr, "callflowctl: report: --from is required\n");
		return EINVAL;
	}
	if (o->interval && strcmp(o->interval, "15m") &&
	    strcmp(o->interval, "30m") && strcmp(o->interval, "1h") &&
	    strcmp(o->interval, "1d") && strcmp(o->interval, "total")) {
		fprintf(stderr, "callflowctl: report: --interval: expected "
			"15m, 30m, 1h, 1d or total\n");
		return EINVAL;
	}
	return times_resolve(o);
}

int cmd_report(int argc, char **argv)
{
	struct ctl_reply *r = NULL;
	struct opts o;
	char *path = NULL;
	int err, rc = 0;

	memset(&o, 0, sizeof(o));
	o.api = getenv("CALLFLOWD_API");
	o.token = getenv("CALLFLOWD_API_TOKEN");
	if (!o.api)
		o.api = "127.0.0.1:8080";
	o.names = mem_zalloc((size_t)argc * sizeof(*o.names), NULL);
	if (!o.names) {
		fprintf(stderr, "callflowctl: report: out of memory\n");
		return 1;
	}

	err = opts_parse(&o, argc, argv);
	if (err == ECANCELED) {
		usage(stdout);
		goto out;
	}
	if (err) {
		usage_line(stderr);
		fprintf(stderr, "(more in 'callflowctl report --help')\n");
		rc = 2;
		goto out;
	}

	err = path_build(&path, &o);
	if (!err)
		err = ctl_api_get(&r, o.api, path, o.token);
	if (err) {
		fprintf(stderr, "callflowctl: GET %s%s: %s\n", o.api,
			path ? path : "", strerror(err));
		rc = 2;
		goto out;
	}
	if (r->status != 200) {
		ctl_api_refused(r, "report: ");
		rc = 1;
		goto out;
	}
	if (output(&o, r->body))
		rc = 1;

 out:
	mem_deref(r);
	mem_deref(path);
	mem_deref(o.names);
	return rc;
}
