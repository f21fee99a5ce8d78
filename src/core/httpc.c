/**
 * @file httpc.c  Asynchronous HTTP(S) POST client on libre's http client.
 *
 * libre's request object is owned by libre until it completes: it clears
 * our pointer to it (reqp) before calling the response handler, and a
 * mem_deref() of it before that cancels it silently. Our deadline timer
 * and body limit sit on top, since libre's own timeouts are fixed
 * (30 s connect, 60 s receive) and its body buffer stops at 512 KiB.
 */
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/httpc.h>

struct httpc {
	struct dnsc *dnsc;
	struct http_cli *cli;
};

struct httpc_req {
	struct httpc *c;	/* referenced: outlives its requests */
	struct http_req *req;	/* libre's; NULL once libre closed it */
	struct tmr tmr;
	struct mbuf *body;
	httpc_resp_h *resph;	/* NULL once called */
	void *arg;
	bool overflow;
};

static void httpc_destructor(void *arg)
{
	struct httpc *c = arg;

	mem_deref(c->cli);
	mem_deref(c->dnsc);
}

static void req_destructor(void *arg)
{
	struct httpc_req *r = arg;

	tmr_cancel(&r->tmr);
	mem_deref(r->req);	/* still pending: cancels, no callback */
	mem_deref(r->body);
	mem_deref(r->c);
}

int httpc_alloc(struct httpc **cp)
{
	struct sa srvv[8];
	uint32_t srvc = (uint32_t)(sizeof(srvv) / sizeof(srvv[0]));
	char domain[128] = "";
	struct httpc *c;
	int err;

	if (!cp)
		return EINVAL;

	c = mem_zalloc(sizeof(*c), httpc_destructor);
	if (!c)
		return ENOMEM;

	/* No resolv.conf is not fatal: literal addresses still work. */
	if (dns_srv_get(domain, sizeof(domain), srvv, &srvc))
		srvc = 0;

	err = dnsc_alloc(&c->dnsc, NULL, srvv, srvc);
	if (err)
		goto out;

	err = http_client_alloc(&c->cli, c->dnsc);
	if (err)
		goto out;

 out:
	if (err)
		mem_deref(c);
	else
		*cp = c;

	return err;
}

/* Call the user's handler once; it may free r, so touch r no more. */
static void req_finish(struct httpc_req *r, int err, uint16_t status)
{
	httpc_resp_h *resph = r->resph;
	const char *body = "";
	size_t len = 0;

	r->resph = NULL;
	tmr_cancel(&r->tmr);
	if (!resph)
		return;

	if (!err && r->body && r->body->end) {
		/* NUL after the body without counting it */
		if (!mbuf_write_u8(r->body, 0)) {
			len = r->body->end - 1;
			body = (const char *)r->body->buf;
		}
		else {
			err = ENOMEM;
		}
	}

	resph(err, err ? 0 : status, err ? "" : body, err ? 0 : len, r->arg);
}

static void timeout_handler(void *arg)
{
	struct httpc_req *r = arg;

	r->req = mem_deref(r->req);
	req_finish(r, ETIMEDOUT, 0);
}

static int data_handler(const uint8_t *buf, size_t size,
			const struct http_msg *msg, void *arg)
{
	struct httpc_req *r = arg;
	(void)msg;

	if (r->body->end + size > HTTPC_MAX_BODY) {
		r->overflow = true;
		return EOVERFLOW;
	}

	return mbuf_write_mem(r->body, buf, size);
}

static void resp_handler(int err, const struct http_msg *msg, void *arg)
{
	struct httpc_req *r = arg;

	/* libre has cleared r->req already and frees its request after us */
	if (r->overflow)
		err = EOVERFLOW;
	else if (!err && !msg)
		err = EPROTO;

	req_finish(r, err, msg ? msg->scode : 0);
}

/* libre's DNS client does not read /etc/hosts: map "localhost" itself. */
static int url_fix_localhost(char **urlp, const char *url)
{
	const char *host = strstr(url, "://");
	size_t hlen;

	if (!host)
		return EINVAL;
	host += 3;
	hlen = strcspn(host, ":/?#");
	if (hlen != 9 || strncasecmp(host, "localhost", 9))
		return str_dup(urlp, url);

	return re_sdprintf(urlp, "%b127.0.0.1%s", url, (size_t)(host - url),
			   host + hlen);
}

int httpc_post(struct httpc_req **reqp, struct httpc *c, const char *url,
	       const char *ctype, const char *body, size_t len,
	       uint32_t timeout_ms, httpc_resp_h *resph, void *arg)
{
	return httpc_request(reqp, c, "POST", url, ctype, body, len,
			     timeout_ms, resph, arg);
}

int httpc_request(struct httpc_req **reqp, struct httpc *c,
		  const char *method, const char *url, const char *ctype,
		  const char *body, size_t len, uint32_t timeout_ms,
		  httpc_resp_h *resph, void *arg)
{
	struct httpc_req *r;
	char *u = NULL;
	int err;

	if (!reqp || !c || !method || !url || !resph || (len && !body))
		return EINVAL;

	r = mem_zalloc(sizeof(*r), req_destructor);
	if (!r)
		return ENOMEM;

	r->c = mem_ref(c);
	r->resph = resph;
	r->arg = arg;
	tmr_init(&r->tmr);

	r->body = mbuf_alloc(1024);
	if (!r->body) {
		err = ENOMEM;
		goto out;
	}

	err = url_fix_localhost(&u, url);
	if (err)
		goto out;

	err = http_request(&r->req, c->cli, method, u, resp_handler,
			   data_handler, r,
			   "Content-Type: %s\r\n"
			   "Accept: application/json\r\n"
			   "Content-Length: %zu\r\n"
			   "\r\n"
			   "%b",
			   ctype ? ctype : "application/json", len,
			   body ? body : "", len);
	if (err)
		goto out;

	tmr_start(&r->tmr, timeout_ms ? timeout_ms : HTTPC_DEFAULT_TIMEOUT_MS,
		  timeout_handler, r);

 out:
	mem_deref(u);
	if (err)
		mem_deref(r);
	else
		*reqp = r;

	return err;
}
