/**
 * @file api_records.c  Contact records over the API, from the JSONL file.
 *
 *   GET /v1/contact-records?from=&to=&time=&queue=&agent=&limit=&cursor=
 *   GET /v1/contact-records/{ContactId}
 *
 * The HTTP side: query strings, filters, pages and cursors over the
 * record index (crindex.c), which says where each contact's newest line
 * is; records themselves are read back by offset, at most a page of
 * them. A cursor names the index generation: after the file was replaced
 * old cursors fail.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include "api_priv.h"

enum {
	LIMIT_DEFAULT = 100,
	LIMIT_MAX = 1000,
};

/* -- the routes -- */

struct filter {
	uint64_t from, to;	/* [from, to); to 0: open */
	bool by_initiation;
	uint32_t queue, agent;	/* interned; UINT32_MAX: matches nothing */
	bool want_queue, want_agent;
	size_t limit;
	size_t pos;		/* first entry to look at */
};

static bool matches(const struct filter *f, const struct crent *e)
{
	uint64_t t = f->by_initiation || !e->disc_ms ? e->init_ms : e->disc_ms;

	if (f->from && t < f->from)
		return false;
	if (f->to && t >= f->to)
		return false;
	if (f->want_queue && e->queue != f->queue)
		return false;
	if (f->want_agent && e->agent != f->agent)
		return false;
	return true;
}

static int parse_time(uint64_t *msp, const struct http_msg *msg,
		      const char *key, struct http_conn *conn)
{
	char buf[64], err[96];
	int e = api_query(msg, key, buf, sizeof(buf));

	if (e == ENOENT)
		return 0;
	if (!e && !util_iso8601_parse(msp, buf))
		return 0;
	re_snprintf(err, sizeof(err), "%s: expected an ISO-8601 time such "
		    "as 2026-01-31T09:00:00Z", key);
	api_reply_error(conn, 400, err);
	return EINVAL;
}

static int parse_filter(struct filter *f, struct crindex *ix,
			const struct http_msg *msg, struct http_conn *conn)
{
	static const char *const keys[] = {
		"from", "to", "time", "queue", "agent", "limit", "cursor",
		NULL
	};
	char buf[256], err[320];
	unsigned gen, pos;
	int e;

	memset(f, 0, sizeof(*f));
	f->limit = LIMIT_DEFAULT;

	if (api_query_unknown(msg, keys, buf, sizeof(buf))) {
		re_snprintf(err, sizeof(err), "unknown parameter '%s'", buf);
		api_reply_error(conn, 400, err);
		return EINVAL;
	}
	if (parse_time(&f->from, msg, "from", conn) ||
	    parse_time(&f->to, msg, "to", conn))
		return EINVAL;

	e = api_query(msg, "time", buf, sizeof(buf));
	if (!e && !strcmp(buf, "initiation"))
		f->by_initiation = true;
	else if (e != ENOENT && (e || strcmp(buf, "disconnect"))) {
		api_reply_error(conn, 400, "time: expected disconnect "
				"(default) or initiation");
		return EINVAL;
	}

	e = api_query(msg, "queue", buf, sizeof(buf));
	if (e != ENOENT) {
		if (e || !buf[0]) {
			api_reply_error(conn, 400, "queue: expected a name");
			return EINVAL;
		}
		f->want_queue = true;
		f->queue = crindex_name(ix, buf);
		if (!f->queue)
			f->queue = UINT32_MAX;
	}
	e = api_query(msg, "agent", buf, sizeof(buf));
	if (e != ENOENT) {
		if (e || !buf[0]) {
			api_reply_error(conn, 400, "agent: expected a "
					"username");
			return EINVAL;
		}
		f->want_agent = true;
		f->agent = crindex_name(ix, buf);
		if (!f->agent)
			f->agent = UINT32_MAX;
	}

	e = api_query(msg, "limit", buf, sizeof(buf));
	if (e != ENOENT) {
		char *endp = NULL;
		long v = e ? 0 : strtol(buf, &endp, 10);

		if (e || !buf[0] || *endp || v < 1 || v > LIMIT_MAX) {
			api_reply_error(conn, 400, "limit: expected a whole "
					"number from 1 to 1000");
			return EINVAL;
		}
		f->limit = (size_t)v;
	}

	/* the cursor: "c<gen>.<position>" in hex, opaque to clients */
	e = api_query(msg, "cursor", buf, sizeof(buf));
	if (e != ENOENT) {
		char tail;

		if (e || sscanf(buf, "c%x.%x%c", &gen, &pos, &tail) != 2 ||
		    gen != crindex_gen(ix) ||
		    pos > crindex_count(ix)) {
			api_reply_error(conn, 400, "cursor: not valid (or the "
					"record file was replaced)");
			return EINVAL;
		}
		f->pos = pos;
	}
	return 0;
}

/* Reading lines back failed: err from crindex_open() or _line(). */
static void reply_unread(struct crindex *ix, struct http_conn *conn,
			 int err)
{
	if (err == ESTALE || err == ENOENT) {
		/* replaced or gone since indexed: catch up, ask again */
		crindex_update(ix);
		api_reply_error(conn, 503, "the record file changed while "
				"being read; try again");
		return;
	}
	api_reply_error(conn, 500, "the records could not be read back "
			"from the record file");
}

/*
 * The page is written by hand around the stored lines, copied as they
 * are: each parsed as a JSON object when indexed (on the pool), so a
 * page of 1000 costs their reads and one copy, no parse or dump here.
 */
static void get_list(struct crindex *ix, struct http_conn *conn,
		     const struct http_msg *msg)
{
	const struct crent *e;
	struct mbuf *mb = NULL;
	struct filter f;
	size_t i, got = 0;
	char cur[32] = "";
	int fd = -1, err;

	if (parse_filter(&f, ix, msg, conn))
		return;

	mb = mbuf_alloc(4096);
	if (!mb) {
		err = ENOMEM;
		goto out;
	}
	err = mbuf_write_str(mb, "{\"records\":[");
	for (i = f.pos; !err && (e = crindex_at(ix, i)); i++) {
		if (!matches(&f, e))
			continue;
		if (got == f.limit) {
			re_snprintf(cur, sizeof(cur), "c%x.%x",
				    crindex_gen(ix), (unsigned)i);
			break;
		}
		/* opened at the first match: none, no file needed */
		if (fd < 0) {
			err = crindex_open(&fd, ix);
			if (err)
				break;
		}
		if (got)
			err = mbuf_write_u8(mb, ',');
		if (!err) {
			size_t pos = mb->pos;

			err = crindex_line(mb, ix, fd, e);
			if (err == EIO) {
				/* logged; the page goes on without it */
				mb->pos = mb->end = pos - (got ? 1 : 0);
				err = 0;
				continue;
			}
		}
		++got;
	}
	if (!err && cur[0])
		err = mbuf_printf(mb, "],\"next_cursor\":\"%s\"}", cur);
	else if (!err)
		err = mbuf_write_str(mb, "],\"next_cursor\":null}");
 out:
	if (fd >= 0)
		(void)close(fd);
	if (err)
		reply_unread(ix, conn, err);
	else
		api_reply_body(conn, 200, mb);
	mem_deref(mb);
}

static void get_one(struct crindex *ix, struct http_conn *conn,
		    const char *id)
{
	const struct crent *e = crindex_find(ix, id);
	struct mbuf *mb = NULL;
	int fd = -1, err;

	if (!e) {
		api_reply_error(conn, 404, "no record of that contact");
		return;
	}
	mb = mbuf_alloc(e->len ? e->len : 1);
	if (!mb) {
		err = ENOMEM;
		goto out;
	}
	err = crindex_open(&fd, ix);
	if (!err)
		err = crindex_line(mb, ix, fd, e);
 out:
	if (fd >= 0)
		(void)close(fd);
	if (err)
		reply_unread(ix, conn, err);
	else
		api_reply_body(conn, 200, mb);
	mem_deref(mb);
}

bool api_records(struct crindex *ix, struct http_conn *conn,
		 const struct http_msg *msg)
{
	static const char pre[] = "/v1/contact-records";
	bool get = !pl_strcmp(&msg->met, "GET");
	char id[64];
	struct pl rest;

	if (msg->path.l < sizeof(pre) - 1 ||
	    strncmp(msg->path.p, pre, sizeof(pre) - 1))
		return false;
	rest.p = msg->path.p + sizeof(pre) - 1;
	rest.l = msg->path.l - (sizeof(pre) - 1);
	if (rest.l && rest.p[0] != '/')
		return false;

	if (!get) {
		api_reply_error(conn, 405, "use GET");
		return true;
	}
	if (!ix) {
		api_reply_error(conn, 503, "records unavailable");
		return true;
	}

	if (rest.l <= 1) {
		get_list(ix, conn, msg);
		return true;
	}
	++rest.p;
	--rest.l;
	if (api_query_decode(id, sizeof(id), &rest) ||
	    memchr(rest.p, '/', rest.l)) {
		api_reply_error(conn, 404, "no record of that contact");
		return true;
	}
	get_one(ix, conn, id);
	return true;
}
