/**
 * @file cmd_records.c  callflowctl records: contact records from a running
 * daemon (GET /v1/contact-records), one JSON line each, following the
 * pages' cursors.
 *
 * A plain blocking HTTP/1.1 GET (the daemon answers with Content-Length),
 * so that an Authorization header can go along: the token comes from
 * --token, else $CALLFLOWD_API_TOKEN.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <callflowd/libre.h>
#include "ctl.h"

enum { RESP_MAX = 64 << 20 };

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

/* Percent-encode s onto mb. */
static int put_escaped(struct mbuf *mb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int err = 0;

	for (; *s && !err; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~:", ch))
			err = mbuf_write_u8(mb, ch);
		else
			err = mbuf_printf(mb, "%%%c%c", hex[ch >> 4],
					  hex[ch & 15]);
	}
	return err;
}

/* Once the header is in: its length, Content-Length, the status. */
static int header(const struct mbuf *mb, size_t *hlenp, size_t *clenp,
		  unsigned *statusp)
{
	char text[8192], *line, *save = NULL;
	size_t i, len = 0;

	for (i = 0; i + 3 < mb->end && !len; i++) {
		if (!memcmp(mb->buf + i, "\r\n\r\n", 4))
			len = i + 4;
	}
	if (!len)
		return mb->end > sizeof(text) ? EBADMSG : 0;
	if (len >= sizeof(text))
		return EBADMSG;
	memcpy(text, mb->buf, len);
	text[len] = '\0';
	if (sscanf(text, "HTTP/1.%*u %u", statusp) != 1)
		return EBADMSG;
	for (line = strtok_r(text, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		if (!strncasecmp(line, "Content-Length:", 15))
			*clenp = (size_t)strtoul(line + 15, NULL, 10);
	}
	*hlenp = len;
	return 0;
}

/* GET path from api (HOST:PORT); *statusp and the body (mem string). */
static int http_get(uint16_t *statusp, char **bodyp, const char *api,
		    const char *path, const char *token)
{
	struct timeval tv = {10, 0};
	struct mbuf *mb = NULL;
	struct sa sa;
	unsigned status = 0;
	size_t clen, hdr_len;
	int fd = -1, err;
	ssize_t n;

	err = sa_decode(&sa, api, strlen(api));
	if (err)
		return EINVAL;
	fd = socket(sa_af(&sa), SOCK_STREAM, 0);
	if (fd < 0)
		return errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, &sa.u.sa, sa.len)) {
		err = errno;
		goto out;
	}

	mb = mbuf_alloc(1024);
	if (!mb) {
		err = ENOMEM;
		goto out;
	}
	err = mbuf_printf(mb, "GET %s HTTP/1.1\r\nHost: %s\r\n"
			  "Connection: close\r\n", path, api);
	if (!err && token)
		err = mbuf_printf(mb, "Authorization: Bearer %s\r\n", token);
	if (!err)
		err = mbuf_write_str(mb, "\r\n");
	if (err)
		goto out;
	if (write(fd, mb->buf, mb->end) != (ssize_t)mb->end) {
		err = EIO;
		goto out;
	}

	/* read until the header and Content-Length bytes are in (the
	 * server may keep the connection open) */
	mbuf_reset(mb);
	hdr_len = 0;
	clen = SIZE_MAX;
	for (;;) {
		uint8_t buf[16384];

		if (hdr_len && mb->end >= hdr_len + clen)
			break;
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			err = errno;
			goto out;
		}
		if (n == 0)
			break;
		err = mbuf_write_mem(mb, buf, (size_t)n);
		if (err)
			goto out;
		if (mb->end > RESP_MAX) {
			err = EOVERFLOW;
			goto out;
		}
		if (!hdr_len && (err = header(mb, &hdr_len, &clen, &status)))
			goto out;
	}
	if (!hdr_len) {
		err = EBADMSG;
		goto out;
	}
	if (clen == SIZE_MAX || mb->end < hdr_len + clen)
		clen = mb->end - hdr_len;
	*statusp = (uint16_t)status;
	err = re_sdprintf(bodyp, "%b", mb->buf + hdr_len, clen);

 out:
	if (fd >= 0)
		(void)close(fd);
	mem_deref(mb);
	return err;
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
			err = put_escaped(mb, o->id);
	}
	for (i = 0; !o->id && !err && i < sizeof(keys) / sizeof(keys[0]);
	     i++) {
		if (!vals[i])
			continue;
		err = mbuf_printf(mb, "%c%s=", sep, keys[i]);
		if (!err)
			err = put_escaped(mb, vals[i]);
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
	char *path = NULL, *body = NULL;
	uint16_t status = 0;
	json_t *doc = NULL, *arr;
	const char *next;
	size_t i;
	int err, rc = 0;

	err = build_path(&path, o, cursor);
	if (!err)
		err = http_get(&status, &body, o->api, path, o->token);
	if (err) {
		fprintf(stderr, "callflowctl: GET %s%s: %s\n", o->api,
			path ? path : "", strerror(err));
		rc = 2;
		goto out;
	}
	doc = json_loads(body, 0, NULL);
	if (status != 200 || !doc) {
		const char *msg = json_string_value(json_object_get(doc,
								    "error"));

		fprintf(stderr, "callflowctl: %u: %s\n", status,
			msg ? msg : body);
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
	mem_deref(body);
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
