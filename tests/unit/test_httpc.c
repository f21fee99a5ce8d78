/*
 * httpc: POSTs to a libre http server listening on 127.0.0.1 in the same
 * loop. The server answers by path: /echo (200, the request body back,
 * with the method and content type in headers), /fail (500), /silent (no
 * reply: the client's deadline), /big (more than HTTPC_MAX_BODY), /large
 * (600 KiB, beyond libre's own 512 KiB buffer), /chunked.
 */
#include <callflowd/core/libre.h>
#include <callflowd/core/httpc.h>
#include "test.h"

struct srv {
	struct http_sock *sock;
	struct sa laddr;
	char url[64];
	unsigned requests;
	char ctype[64];
};

struct result {
	bool called;
	unsigned calls;
	int err;
	uint16_t status;
	char *body;
	size_t len;
};

static int reply_filled(struct http_conn *conn, size_t n, bool chunked)
{
	struct mbuf *mb = mbuf_alloc(n);
	int err;

	if (!mb)
		return ENOMEM;
	err = mbuf_fill(mb, 'x', n);
	if (err)
		goto out;

	if (chunked) {
		err = http_reply(conn, 200, "OK",
				 "Transfer-Encoding: chunked\r\n"
				 "\r\n"
				 "%zx\r\n%b\r\n0\r\n\r\n", n, mb->buf, n);
	}
	else {
		err = http_creply(conn, 200, "OK", "text/plain", "%b",
				  mb->buf, n);
	}
 out:
	mem_deref(mb);
	return err;
}

static void srv_req_handler(struct http_conn *conn, const struct http_msg *msg,
			    void *arg)
{
	struct srv *s = arg;
	const struct http_hdr *ct = http_msg_hdr(msg, HTTP_HDR_CONTENT_TYPE);

	++s->requests;
	s->ctype[0] = '\0';
	if (ct)
		(void)pl_strcpy(&ct->val, s->ctype, sizeof(s->ctype));

	if (!pl_strcmp(&msg->path, "/echo")) {
		(void)http_reply(conn, 200, "OK",
				 "Content-Type: application/json\r\n"
				 "X-Method: %r\r\n"
				 "Content-Length: %zu\r\n"
				 "\r\n"
				 "%b",
				 &msg->met, mbuf_get_left(msg->mb),
				 mbuf_buf(msg->mb), mbuf_get_left(msg->mb));
	}
	else if (!pl_strcmp(&msg->path, "/fail")) {
		(void)http_creply(conn, 500, "Internal Server Error",
				  "application/json", "{\"error\":\"boom\"}");
	}
	else if (!pl_strcmp(&msg->path, "/big")) {
		(void)reply_filled(conn, HTTPC_MAX_BODY + 4096, false);
	}
	else if (!pl_strcmp(&msg->path, "/large")) {
		(void)reply_filled(conn, 600 * 1024, false);
	}
	else if (!pl_strcmp(&msg->path, "/chunked")) {
		(void)reply_filled(conn, 100, true);
	}
	else if (!pl_strcmp(&msg->path, "/silent")) {
		/* no reply: the connection stays open until the server goes */
	}
	else {
		(void)http_ereply(conn, 404, "Not Found");
	}
}

static int srv_start(struct srv *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	err = sa_set_str(&s->laddr, "127.0.0.1", 0);
	if (err)
		return err;
	err = http_listen(&s->sock, &s->laddr, srv_req_handler, s);
	if (err)
		return err;
	err = tcp_sock_local_get(http_sock_tcp(s->sock), &s->laddr);
	if (err)
		return err;
	(void)re_snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u",
			  sa_port(&s->laddr));
	return 0;
}

static void result_reset(struct result *r)
{
	r->body = mem_deref(r->body);
}

static void resp_handler(int err, uint16_t status, const char *body,
			 size_t len, void *arg)
{
	struct result *r = arg;

	r->called = true;
	++r->calls;
	r->err = err;
	r->status = status;
	r->len = len;
	r->body = mem_deref(r->body);
	if (body && body[len] == '\0')
		(void)str_dup(&r->body, body);
	re_cancel();
}

static void guard_handler(void *arg)
{
	bool *fired = arg;

	*fired = true;
	re_cancel();
}

/* Run the loop until a reply arrives or limit_ms passes; true if fired. */
static bool run_loop(uint32_t limit_ms)
{
	struct tmr guard;
	bool fired = false;

	tmr_init(&guard);
	tmr_start(&guard, limit_ms, guard_handler, &fired);
	(void)re_main(NULL);
	tmr_cancel(&guard);
	return fired;
}

static int post(struct httpc_req **reqp, struct httpc *c, struct srv *s,
		const char *path, const char *body, uint32_t timeout_ms,
		struct result *r)
{
	char url[128];

	(void)re_snprintf(url, sizeof(url), "%s%s", s->url, path);
	return httpc_post(reqp, c, url, "application/json", body,
			  body ? strlen(body) : 0, timeout_ms, resp_handler, r);
}

TEST(post_json_gets_reply_body)
{
	struct srv s;
	struct httpc *c = NULL;
	struct httpc_req *req = NULL;
	struct result r = {0};
	const char *body = "{\"Name\":\"ContactFlowEvent\"}";

	ASSERT_INT_EQ(srv_start(&s), 0);
	ASSERT_INT_EQ(httpc_alloc(&c), 0);
	ASSERT_INT_EQ(post(&req, c, &s, "/echo", body, 2000, &r), 0);
	ASSERT_FALSE(run_loop(5000));

	ASSERT_INT_EQ(r.calls, 1);
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.status, 200);
	ASSERT_INT_EQ(r.len, strlen(body));
	ASSERT_STR_EQ(r.body, body);
	ASSERT_STR_EQ(s.ctype, "application/json");

	/* a second request on the same client (connection reused) */
	req = mem_deref(req);
	ASSERT_INT_EQ(post(&req, c, &s, "/echo", "{}", 2000, &r), 0);
	ASSERT_FALSE(run_loop(5000));
	ASSERT_INT_EQ(r.calls, 2);
	ASSERT_STR_EQ(r.body, "{}");
	ASSERT_INT_EQ(s.requests, 2);

	mem_deref(req);
	mem_deref(c);
	mem_deref(s.sock);
	result_reset(&r);
}

TEST(server_error_status_is_reported)
{
	struct srv s;
	struct httpc *c = NULL;
	struct httpc_req *req = NULL;
	struct result r = {0};

	ASSERT_INT_EQ(srv_start(&s), 0);
	ASSERT_INT_EQ(httpc_alloc(&c), 0);
	ASSERT_INT_EQ(post(&req, c, &s, "/fail", "{}", 2000, &r), 0);
	ASSERT_FALSE(run_loop(5000));
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.status, 500);
	ASSERT_STR_EQ(r.body, "{\"error\":\"boom\"}");

	mem_deref(req);
	mem_deref(c);
	mem_deref(s.sock);
	result_reset(&r);
}

TEST(silent_server_times_out)
{
	struct srv s;
	struct httpc *c = NULL;
	struct httpc_req *req = NULL;
	struct result r = {0};
	uint64_t t0;

	ASSERT_INT_EQ(srv_start(&s), 0);
	ASSERT_INT_EQ(httpc_alloc(&c), 0);
	t0 = tmr_jiffies();
	ASSERT_INT_EQ(post(&req, c, &s, "/silent", "{}", 200, &r), 0);
	ASSERT_FALSE(run_loop(5000));
	ASSERT_INT_EQ(r.calls, 1);
	ASSERT_INT_EQ(r.err, ETIMEDOUT);
	ASSERT_INT_EQ(r.status, 0);
	ASSERT_TRUE(tmr_jiffies() - t0 >= 200);
	ASSERT_INT_EQ(s.requests, 1);

	mem_deref(req);
	mem_deref(c);
	mem_deref(s.sock);
	result_reset(&r);
}

TEST(body_over_limit_fails_with_eoverflow)
{
	struct srv s;
	struct httpc *c = NULL;
	struct httpc_req *req = NULL;
	struct result r = {0};

	ASSERT_INT_EQ(srv_start(&s), 0);
	ASSERT_INT_EQ(httpc_alloc(&c), 0);
	ASSERT_INT_EQ(post(&req, c, &s, "/big", "{}", 5000, &r), 0);
	ASSERT_FALSE(run_loop(10000));
	ASSERT_INT_EQ(r.calls, 1);
	ASSERT_INT_EQ(r.err, EOVERFLOW);
	ASSERT_INT_EQ(r.len, 0);

	mem_deref(req);
	mem_deref(c);
	mem_deref(s.sock);
	result_reset(&r);
}

TEST(large_and_chunked_bodies_arrive_whole)
{
	struct srv s;
	struct httpc *c = NULL;
	struct httpc_req *req = NULL;
	struct result r = {0};

	ASSERT_INT_EQ(srv_start(&s), 0);
	ASSERT_INT_EQ(httpc_alloc(&c), 0);
	ASSERT_INT_EQ(post(&req, c, &s, "/large", "{}", 5000, &r), 0);
	ASSERT_FALSE(run_loop(10000));
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.status, 200);
	ASSERT_INT_EQ(r.len, 600 * 1024);
	ASSERT_TRUE(r.body && r.body[0] == 'x' && r.body[r.len - 1] == 'x');

	req = mem_deref(req);
	ASSERT_INT_EQ(post(&req, c, &s, "/chunked", "{}", 5000, &r), 0);
	ASSERT_FALSE(run_loop(10000));
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_INT_EQ(r.len, 100);

	mem_deref(req);
	mem_deref(c);
	mem_deref(s.sock);
	result_reset(&r);
}

TEST(cancel_by_deref_calls_nothing)
{
	struct srv s;
	struct httpc *c = NULL;
	struct httpc_req *req = NULL;
	struct result r = {0};

	ASSERT_INT_EQ(srv_start(&s), 0);
	ASSERT_INT_EQ(httpc_alloc(&c), 0);
	ASSERT_INT_EQ(post(&req, c, &s, "/echo", "{}", 100, &r), 0);
	req = mem_deref(req);
	/* past the request's deadline: neither reply nor timeout comes */
	ASSERT_TRUE(run_loop(300));
	ASSERT_FALSE(r.called);

	mem_deref(c);
	mem_deref(s.sock);
	result_reset(&r);
}

TEST(localhost_and_refused_connection)
{
	struct srv s;
	struct httpc *c = NULL;
	struct httpc_req *req = NULL;
	struct result r = {0};
	char url[96];
	uint16_t port;

	ASSERT_INT_EQ(srv_start(&s), 0);
	ASSERT_INT_EQ(httpc_alloc(&c), 0);
	port = sa_port(&s.laddr);

	(void)re_snprintf(url, sizeof(url), "http://LocalHost:%u/echo", port);
	ASSERT_INT_EQ(httpc_post(&req, c, url, NULL, "[1]", 3, 2000,
				 resp_handler, &r), 0);
	ASSERT_FALSE(run_loop(5000));
	ASSERT_INT_EQ(r.err, 0);
	ASSERT_STR_EQ(r.body, "[1]");

	/* nobody listens there any more */
	s.sock = mem_deref(s.sock);
	req = mem_deref(req);
	r.called = false;
	ASSERT_INT_EQ(httpc_post(&req, c, url, NULL, "[1]", 3, 2000,
				 resp_handler, &r), 0);
	ASSERT_FALSE(run_loop(5000));
	ASSERT_TRUE(r.called);
	ASSERT_TRUE(r.err != 0);
	ASSERT_TRUE(r.err != ETIMEDOUT);
	ASSERT_INT_EQ(r.status, 0);

	mem_deref(req);
	mem_deref(c);
	result_reset(&r);
}

TEST(bad_urls_are_refused_at_once)
{
	struct httpc *c = NULL;
	struct httpc_req *req = NULL;
	struct result r = {0};

	ASSERT_INT_EQ(httpc_alloc(&c), 0);
	ASSERT_INT_EQ(httpc_post(&req, c, "not a url", NULL, "{}", 2, 100,
				 resp_handler, &r), EINVAL);
	ASSERT_INT_EQ(httpc_post(&req, c, "ftp://127.0.0.1/x", NULL, "{}", 2,
				 100, resp_handler, &r), ENOTSUP);
	ASSERT_INT_EQ(httpc_post(&req, c, "http://127.0.0.1/x", NULL, NULL, 2,
				 100, resp_handler, &r), EINVAL);
	ASSERT_NULL(req);
	ASSERT_FALSE(r.called);

	mem_deref(c);
}
