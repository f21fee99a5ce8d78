/**
 * @file apiget.c  callflowctl's blocking GET to the daemon's API, shared by
 * the commands that read from it (records, report).
 *
 * A plain blocking HTTP/1.1 GET rather than libre's client, so that an
 * Authorization header can go along and no event loop is needed for one
 * request. The daemon answers with a Content-Length; without one the body
 * runs to the end of the connection.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include "ctl.h"

enum {
	RESP_MAX = 64 << 20,
	TIMEOUT_S = 10,
};

static void reply_destructor(void *arg)
{
	struct ctl_reply *r = arg;

	mem_deref(r->body);
}

int ctl_api_escape(struct mbuf *mb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int err = 0;

	if (!mb || !s)
		return EINVAL;
	for (; *s && !err; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch))
			err = mbuf_write_u8(mb, ch);
		else
			err = mbuf_printf(mb, "%%%c%c", hex[ch >> 4],
					  hex[ch & 15]);
	}
	return err;
}

/* A connected socket to api (HOST:PORT) in *fdp, with timeouts. */
static int api_connect(int *fdp, const char *api)
{
	struct timeval tv = {TIMEOUT_S, 0};
	struct sa sa;
	int fd, err;

	if (sa_decode(&sa, api, strlen(api)))
		return EINVAL;
	fd = socket(sa_af(&sa), SOCK_STREAM, 0);
	if (fd < 0)
		return errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, &sa.u.sa, sa.len)) {
		err = errno;
		(void)close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

static int request_send(int fd, const char *api, const char *path,
			const char *token)
{
	struct mbuf *mb = mbuf_alloc(1024);
	int err;

	if (!mb)
		return ENOMEM;
	err = mbuf_printf(mb, "GET %s HTTP/1.1\r\nHost: %s\r\n"
			  "Connection: close\r\n", path, api);
	if (!err && token)
		err = mbuf_printf(mb, "Authorization: Bearer %s\r\n", token);
	if (!err)
		err = mbuf_write_str(mb, "\r\n");
	if (!err && write(fd, mb->buf, mb->end) != (ssize_t)mb->end)
		err = EIO;
	mem_deref(mb);
	return err;
}

/*
 * Read the answer into mb until its header (decoded into *msgp) and
 * Content-Length bytes of body are in, else to the end (the server may
 * keep the connection open). mb's position is then at the body.
 */
static int reply_read(struct http_msg **msgp, struct mbuf *mb, int fd)
{
	struct http_msg *msg = NULL;
	bool sized = false;
	int err = 0;

	for (;;) {
		uint8_t buf[16384];
		size_t pos;
		ssize_t n;

		if (msg && sized && mbuf_get_left(mb) >= msg->clen)
			break;
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			err = errno;
			goto out;
		}
		if (n == 0)
			break;
		if (mb->end + (size_t)n > RESP_MAX) {
			err = EOVERFLOW;
			goto out;
		}
		/* append, keeping the position (at the body once decoded) */
		pos = mb->pos;
		mb->pos = mb->end;
		err = mbuf_write_mem(mb, buf, (size_t)n);
		mb->pos = pos;
		if (err)
			goto out;
		if (msg)
			continue;
		mb->pos = 0;
		err = http_msg_decode(&msg, mb, false);
		if (err == ENODATA) {
			mb->pos = 0;
			err = 0;
			continue;
		}
		if (err)
			goto out;
		sized = http_msg_hdr(msg, HTTP_HDR_CONTENT_LENGTH) != NULL;
	}
	if (!msg)
		err = EBADMSG;

 out:
	if (err)
		msg = mem_deref(msg);
	*msgp = msg;
	return err;
}

int ctl_api_get(struct ctl_reply **rp, const char *api, const char *path,
		const char *token)
{
	struct ctl_reply *r = NULL;
	struct http_msg *msg = NULL;
	struct mbuf *mb = NULL;
	size_t len;
	int fd = -1, err;

	if (!rp || !api || !path)
		return EINVAL;
	err = api_connect(&fd, api);
	if (err)
		goto out;
	err = request_send(fd, api, path, token);
	if (err)
		goto out;

	mb = mbuf_alloc(4096);
	r = mem_zalloc(sizeof(*r), reply_destructor);
	if (!mb || !r) {
		err = ENOMEM;
		goto out;
	}
	err = reply_read(&msg, mb, fd);
	if (err)
		goto out;

	len = mbuf_get_left(mb);
	if (http_msg_hdr(msg, HTTP_HDR_CONTENT_LENGTH) && msg->clen < len)
		len = msg->clen;
	r->status = msg->scode;
	err = re_sdprintf(&r->body, "%b", mbuf_buf(mb), len);

 out:
	if (fd >= 0)
		(void)close(fd);
	mem_deref(msg);
	mem_deref(mb);
	if (err)
		mem_deref(r);
	else
		*rp = r;
	return err;
}

void ctl_api_refused(const struct ctl_reply *r, const char *prefix)
{
	json_t *doc;
	const char *msg;

	if (!r)
		return;
	doc = json_loads(r->body, 0, NULL);
	msg = json_string_value(json_object_get(doc, "error"));
	fprintf(stderr, "callflowctl: %s%u: %s\n", prefix ? prefix : "",
		r->status, msg ? msg : r->body);
	json_decref(doc);
}
