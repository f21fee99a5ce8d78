/**
 * @file cmd_top.c  callflowctl top: a live terminal view of a running
 * daemon's queues, agents and live contacts, like top(1).
 *
 * The daemon's event stream (WebSocket GET /v1/events) says when
 * something changed: each event redraws the view (at most five times a
 * second) from the API's GETs (/v1/queues, /v1/agents, /v1/contacts) and
 * joins the list of recent events; between events the view is redrawn
 * every -d seconds so waiting times move. Without the stream (a refused
 * upgrade, a dropped connection) it keeps polling and says so.
 * -b prints plain frames one after another (for logs and scripts); -n
 * stops after that many frames. Interactive: q quits.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include "ctl.h"

enum {
	EVENTS_KEPT = 8,
	MIN_GAP_MS = 200,	/* redraws at most five times a second */
	TICK_MS = 100,
};

struct top {
	const char *api;
	const char *token;
	bool batch;
	long frames_left;	/* -1: no limit */
	uint64_t delay_ms;
	uint64_t last_ms;	/* last frame */
	bool dirty;		/* an event since the last frame */
	bool streaming;		/* the event stream is up */
	char stream_note[128];
	json_t *queues, *agents, *contacts;
	char *events[EVENTS_KEPT];	/* newest last */
	size_t nevents;
	uint64_t events_total;
	struct dnsc *dnsc;
	struct http_cli *cli;
	struct websock *ws;
	struct websock_conn *conn;
	struct tmr tick;
	struct termios tio_old;
	bool tio_set;
	int rc;
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: callflowctl top [--api HOST:PORT] [--token T] [-b] "
		"[-n FRAMES] [-d SECONDS]\n"
		"\n"
		"A live view of a running callflowd: queues (waiting, oldest,\n"
		"agents, today's figures), agents (status, state, for how\n"
		"long) and live contacts, redrawn on every event of the\n"
		"daemon's event stream and every -d seconds (default 2).\n"
		"-b prints plain frames one after another; -n stops after\n"
		"FRAMES frames. The address is --api, else $CALLFLOWD_API,\n"
		"else 127.0.0.1:8080; the token --token, else\n"
		"$CALLFLOWD_TOKEN.\n"
		"Interactive: q quits.\n");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Seconds since an ISO 8601 UTC time ("2026-11-24T10:02:11.480Z"). */
static long age_s(const char *iso)
{
	struct tm tm;

	if (!iso)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (!strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
		return -1;
	return (long)(time(NULL) - timegm(&tm));
}

static void duration(char *buf, size_t sz, long s)
{
	if (s < 0)
		(void)snprintf(buf, sz, "-");
	else if (s < 3600)
		(void)snprintf(buf, sz, "%ld:%02ld", s / 60, s % 60);
	else
		(void)snprintf(buf, sz, "%ldh%02ld", s / 3600, (s / 60) % 60);
}

/* GET path into *docp (replaced), keeping the old one on failure. */
static int fetch(struct top *t, json_t **docp, const char *path)
{
	struct ctl_reply *r = NULL;
	json_t *doc;
	int err;

	err = ctl_api_get(&r, t->api, path, t->token);
	if (err)
		return err;
	if (r->status != 200) {
		ctl_api_refused(r, "top: ");
		mem_deref(r);
		return EPROTO;
	}
	doc = json_loads(r->body, 0, NULL);
	mem_deref(r);
	if (!doc)
		return EBADMSG;
	json_decref(*docp);
	*docp = doc;
	return 0;
}

static int refresh(struct top *t)
{
	int err = fetch(t, &t->queues, "/v1/queues");

	if (!err)
		err = fetch(t, &t->agents, "/v1/agents");
	if (!err)
		err = fetch(t, &t->contacts, "/v1/contacts");
	return err;
}

static void num(char *buf, size_t sz, const json_t *v)
{
	if (json_is_integer(v))
		(void)snprintf(buf, sz, "%lld",
			       (long long)json_integer_value(v));
	else if (json_is_number(v))
		(void)snprintf(buf, sz, "%.1f", json_number_value(v));
	else
		buf[0] = '\0';
}

static void queues_table(FILE *fp, const struct top *t)
{
	static const char *head[] = {"QUEUE", "WAITING", "OLDEST", "ONLINE",
				     "AVAILABLE", "ON CONTACT", "HANDLED",
				     "ABANDONED", "SL %", "ASA s"};
	const json_t *arr = json_object_get(t->queues, "queues");
	struct ctl_table *tb = NULL;
	size_t i, k;

	if (ctl_table_alloc(&tb, 10, head))
		return;
	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *q = json_array_get(arr, i);
		const json_t *ag = json_object_get(q, "agents");
		const json_t *td = json_object_get(q, "today");
		const json_t *old = json_object_get(q,
						    "oldest_contact_age_ms");
		char c[9][32];
		const char *row[10];

		num(c[0], sizeof(c[0]), json_object_get(q,
							"contacts_in_queue"));
		duration(c[1], sizeof(c[1]), json_is_integer(old) &&
			 json_integer_value(old) > 0 ?
			 (long)(json_integer_value(old) / 1000) : -1);
		num(c[2], sizeof(c[2]), json_object_get(ag, "online"));
		num(c[3], sizeof(c[3]), json_object_get(ag, "available"));
		num(c[4], sizeof(c[4]), json_object_get(ag, "on_contact"));
		num(c[5], sizeof(c[5]), json_object_get(td, "handled"));
		num(c[6], sizeof(c[6]), json_object_get(td, "abandoned"));
		num(c[7], sizeof(c[7]), json_object_get(
			    td, "service_level_percent"));
		num(c[8], sizeof(c[8]), json_object_get(
			    td, "average_answer_seconds"));
		row[0] = jstr(q, "name");
		for (k = 0; k < 9; k++)
			row[k + 1] = c[k];
		(void)ctl_table_add(tb, row);
	}
	ctl_table_print(fp, tb);
	mem_deref(tb);
}

static void agents_table(FILE *fp, const struct top *t)
{
	static const char *head[] = {"AGENT", "STATUS", "STATE", "FOR",
				     "PHONE", "CONTACT", "HANDLED",
				     "ROUTING PROFILE"};
	const json_t *arr = json_object_get(t->agents, "agents");
	struct ctl_table *tb = NULL;
	size_t i;

	if (ctl_table_alloc(&tb, 8, head))
		return;
	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *a = json_array_get(arr, i);
		const char *next = jstr(a, "next_status");
		const char *contact = jstr(a, "contact");
		char status[96], since[32], handled[32], cid[16];
		const char *row[8];

		(void)snprintf(status, sizeof(status), "%s%s%s",
			       jstr(a, "status") ? jstr(a, "status") : "-",
			       next ? " -> " : "", next ? next : "");
		duration(since, sizeof(since), age_s(jstr(a, "state_since")));
		num(handled, sizeof(handled), json_object_get(
			    json_object_get(a, "today"), "handled"));
		(void)snprintf(cid, sizeof(cid), "%.8s", contact ? contact :
			       "");
		row[0] = jstr(a, "username");
		row[1] = status;
		row[2] = jstr(a, "state");
		row[3] = since;
		row[4] = json_is_true(json_object_get(a, "device")) ?
			"up" : "down";
		row[5] = cid;
		row[6] = handled;
		row[7] = jstr(a, "routing_profile");
		(void)ctl_table_add(tb, row);
	}
	ctl_table_print(fp, tb);
	mem_deref(tb);
}

static void contacts_table(FILE *fp, const struct top *t)
{
	static const char *head[] = {"CONTACT", "CALLER", "DIALLED", "STATE",
				     "QUEUE", "AGE", "FLOW / ACTION"};
	const json_t *arr = json_object_get(t->contacts, "contacts");
	struct ctl_table *tb = NULL;
	size_t i;

	if (ctl_table_alloc(&tb, 7, head))
		return;
	for (i = 0; i < json_array_size(arr); i++) {
		const json_t *c = json_array_get(arr, i);
		char cid[16], age[32], where[256];
		const char *row[7];

		(void)snprintf(cid, sizeof(cid), "%.8s",
			       jstr(c, "ContactId") ? jstr(c, "ContactId") :
			       "");
		duration(age, sizeof(age), age_s(jstr(c, "started")));
		(void)snprintf(where, sizeof(where), "%s / %s",
			       jstr(c, "flow") ? jstr(c, "flow") : "-",
			       jstr(c, "action") ? jstr(c, "action") : "-");
		row[0] = cid;
		row[1] = jstr(c, "caller");
		row[2] = jstr(c, "dialled");
		row[3] = jstr(c, "state");
		row[4] = jstr(c, "queue");
		row[5] = age;
		row[6] = where;
		(void)ctl_table_add(tb, row);
	}
	ctl_table_print(fp, tb);
	mem_deref(tb);
}

static void frame_write(FILE *fp, const struct top *t)
{
	const json_t *agents = json_object_get(t->agents, "agents");
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i, avail = 0;

	for (i = 0; i < json_array_size(agents); i++) {
		if (json_is_true(json_object_get(json_array_get(agents, i),
						 "routable")))
			++avail;
	}
	(void)gmtime_r(&now, &tm);
	(void)strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(fp, "callflowctl top - %s - %s - %s\n"
		"%zu live contacts, %zu of %zu agents routable\n\n", when,
		t->api, t->streaming ? "events: live" : t->stream_note,
		json_array_size(json_object_get(t->contacts, "contacts")),
		avail, json_array_size(agents));
	queues_table(fp, t);
	fputc('\n', fp);
	agents_table(fp, t);
	fputc('\n', fp);
	contacts_table(fp, t);
	fprintf(fp, "\nRECENT EVENTS (%llu)\n",
		(unsigned long long)t->events_total);
	for (i = 0; i < t->nevents; i++)
		fprintf(fp, "%s\n", t->events[i]);
}

/* Interactive: the frame from the top left, cut to the window. */
static void frame_screen(const struct top *t)
{
	struct winsize ws;
	char *buf = NULL, *line, *end;
	size_t len = 0, rows = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		return;
	frame_write(fp, t);
	fclose(fp);
	memset(&ws, 0, sizeof(ws));
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_col) {
		ws.ws_col = 120;
		ws.ws_row = 40;
	}
	fputs("\x1b[H\x1b[J", stdout);
	/* blank lines kept: they separate the tables */
	for (line = buf; line && *line && rows + 1 < ws.ws_row; rows++) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		printf("%.*s\n", (int)ws.ws_col, line);
		line = end ? end + 1 : NULL;
	}
	fflush(stdout);
	free(buf);
}

static void frame(struct top *t)
{
	int err = refresh(t);

	if (err && err != EPROTO) {
		fprintf(stderr, "callflowctl: top: %s: %s\n", t->api,
			strerror(err));
		t->rc = 2;
		re_cancel();
		return;
	}
	if (t->batch) {
		frame_write(stdout, t);
		fputc('\n', stdout);
		fflush(stdout);
	}
	else {
		frame_screen(t);
	}
	t->last_ms = now_ms();
	t->dirty = false;
	if (t->frames_left > 0 && --t->frames_left == 0)
		re_cancel();
}

static void tick(void *arg)
{
	struct top *t = arg;
	uint64_t gap = now_ms() - t->last_ms;

	if ((t->dirty && gap >= MIN_GAP_MS) || gap >= t->delay_ms)
		frame(t);
	tmr_start(&t->tick, TICK_MS, tick, t);
}

/* "17:50:01 contact.queued 0c74bc7c queue=Sales agent=..." */
static void event_keep(struct top *t, const json_t *ev)
{
	static const char *keys[] = {"queue", "agent", "status", "state",
				     "reason", "caller", "dialled", NULL};
	const char *ts = jstr(ev, "timestamp");
	const char *cid = jstr(ev, "ContactId");
	const char *type = jstr(ev, "type");
	char line[512];
	size_t n, i;

	/* "...T17:50:01.123Z": the time of day to the second */
	n = (size_t)snprintf(line, sizeof(line), "%.8s %s",
			     ts && strlen(ts) >= 19 ? ts + 11 : "",
			     type ? type : "?");
	if (cid && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %.8s",
				      cid);
	for (i = 0; keys[i] && n < sizeof(line); i++) {
		const char *v = jstr(ev, keys[i]);

		if (v)
			n += (size_t)snprintf(line + n, sizeof(line) - n,
					      " %s=%s", keys[i], v);
	}
	if (t->nevents == EVENTS_KEPT) {
		mem_deref(t->events[0]);
		memmove(t->events, t->events + 1,
			(EVENTS_KEPT - 1) * sizeof(t->events[0]));
		--t->nevents;
	}
	if (!str_dup(&t->events[t->nevents], line))
		++t->nevents;
}

static void ws_recv(const struct websock_hdr *hdr, struct mbuf *mb,
		    void *arg)
{
	struct top *t = arg;
	json_t *ev;

	if (hdr->opcode != WEBSOCK_TEXT)
		return;
	ev = json_loadb((const char *)mbuf_buf(mb), mbuf_get_left(mb), 0,
			NULL);
	if (!ev)
		return;
	if (jstr(ev, "type") && strcmp(jstr(ev, "type"), "subscribed")) {
		event_keep(t, ev);
		++t->events_total;
		t->dirty = true;
	}
	json_decref(ev);
}

static void ws_estab(void *arg)
{
	struct top *t = arg;

	t->streaming = true;
	t->dirty = true;
}

static void ws_close(int err, void *arg)
{
	struct top *t = arg;

	t->streaming = false;
	re_snprintf(t->stream_note, sizeof(t->stream_note),
		    "events: stream closed (%s), polling every %llu s",
		    err ? strerror(err) : "by the daemon",
		    (unsigned long long)(t->delay_ms / 1000));
	t->conn = mem_deref(t->conn);
	t->dirty = true;
}

static void ws_shut(void *arg);

static int stream_open(struct top *t)
{
	char uri[300];
	int err;

	re_snprintf(uri, sizeof(uri), "http://%s/v1/events", t->api);
	err = dnsc_alloc(&t->dnsc, NULL, NULL, 0);
	if (!err)
		err = http_client_alloc(&t->cli, t->dnsc);
	if (!err)
		err = websock_alloc(&t->ws, ws_shut, t);
	if (err)
		return err;
	if (t->token)
		return websock_connect(&t->conn, t->ws, t->cli, uri, 0,
				       ws_estab, ws_recv, ws_close, t,
				       "Authorization: Bearer %s\r\n",
				       t->token);
	return websock_connect(&t->conn, t->ws, t->cli, uri, 0, ws_estab,
			       ws_recv, ws_close, t, NULL);
}

static void key_handler(int flags, void *arg)
{
	struct top *t = arg;
	char c;

	(void)flags;
	if (read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q')) {
		t->rc = 0;
		re_cancel();
	}
	else {
		t->dirty = true;	/* any other key: redraw now */
	}
}

static void signal_handler(int sig)
{
	(void)sig;
	re_cancel();
}

static void ws_shut(void *arg)
{
	(void)arg;
	re_cancel();
}

static void shut_timeout(void *arg)
{
	(void)arg;
	re_cancel();
}

static void top_close(struct top *t)
{
	size_t i;

	tmr_cancel(&t->tick);
	if (t->tio_set) {
		fd_close(STDIN_FILENO);
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &t->tio_old);
		fputs("\n", stdout);
	}
	if (t->ws) {
		/* a closing handshake, then libre lets the socket go;
		 * a daemon that does not answer gets a second */
		if (t->conn)
			(void)websock_close(t->conn, WEBSOCK_GOING_AWAY,
					    "bye");
		t->conn = mem_deref(t->conn);
		websock_shutdown(t->ws);
		tmr_start(&t->tick, 1000, shut_timeout, t);
		(void)re_main(NULL);
		tmr_cancel(&t->tick);
	}
	t->conn = mem_deref(t->conn);
	t->ws = mem_deref(t->ws);
	t->cli = mem_deref(t->cli);
	t->dnsc = mem_deref(t->dnsc);
	json_decref(t->queues);
	json_decref(t->agents);
	json_decref(t->contacts);
	for (i = 0; i < t->nevents; i++)
		mem_deref(t->events[i]);
}

int cmd_top(int argc, char **argv)
{
	struct top t;
	double d = 2;
	int i, err;

	memset(&t, 0, sizeof(t));
	t.api = getenv("CALLFLOWD_API");
	t.token = getenv("CALLFLOWD_TOKEN");
	t.frames_left = -1;
	if (!t.api)
		t.api = "127.0.0.1:8080";
	for (i = 1; i < argc; i++) {
		char *end = NULL;

		if (!strcmp(argv[i], "--api") && i + 1 < argc)
			t.api = argv[++i];
		else if (!strcmp(argv[i], "--token") && i + 1 < argc)
			t.token = argv[++i];
		else if (!strcmp(argv[i], "-b") || !strcmp(argv[i], "--batch"))
			t.batch = true;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			t.frames_left = strtol(argv[++i], &end, 10);
			if (*end || t.frames_left < 1) {
				usage(stderr);
				return 2;
			}
		}
		else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			d = strtod(argv[++i], &end);
			if (*end || d < 0.2 || d > 3600) {
				fprintf(stderr, "callflowctl: top: -d: 0.2 to "
					"3600 seconds\n");
				return 2;
			}
		}
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		else {
			usage(stderr);
			return 2;
		}
	}
	t.delay_ms = (uint64_t)(d * 1000);
	if (!t.batch && !isatty(STDOUT_FILENO))
		t.batch = true;	/* a pipe gets plain frames */
	re_snprintf(t.stream_note, sizeof(t.stream_note),
		    "events: connecting");
	tmr_init(&t.tick);

	/* the first frame at once, and a clear error if nobody answers */
	err = refresh(&t);
	if (err) {
		if (err != EPROTO)
			fprintf(stderr, "callflowctl: top: %s: %s\n", t.api,
				strerror(err));
		top_close(&t);
		return err == EPROTO ? 1 : 2;
	}
	err = stream_open(&t);
	if (err)
		re_snprintf(t.stream_note, sizeof(t.stream_note),
			    "events: no stream (%s), polling", strerror(err));

	if (!t.batch && isatty(STDIN_FILENO) &&
	    !tcgetattr(STDIN_FILENO, &t.tio_old)) {
		struct termios raw = t.tio_old;

		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (!tcsetattr(STDIN_FILENO, TCSANOW, &raw)) {
			t.tio_set = true;
			(void)fd_listen(STDIN_FILENO, FD_READ, key_handler,
					&t);
		}
	}

	frame(&t);
	if (t.frames_left != 0 && !t.rc) {
		tmr_start(&t.tick, TICK_MS, tick, &t);
		(void)signal(SIGPIPE, SIG_IGN);
		err = re_main(signal_handler);
		if (err && err != EALREADY && !t.rc)
			t.rc = 1;
	}
	top_close(&t);
	return t.rc;
}
