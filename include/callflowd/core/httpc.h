/**
 * @file httpc.h  A small asynchronous HTTP(S) POST client on libre's loop.
 *
 * Owns a libre http client and its DNS client (system resolver), and the
 * requests made through it: each with its own deadline, its response body
 * gathered up to HTTPC_MAX_BODY. Used for Lambda-style function calls by
 * the daemon and the simulator. Runs on the loop thread only.
 *
 * Limits of libre 1.1.0 underneath: a reply must carry Content-Length or
 * be chunked (a body delimited by closing the connection reads as empty);
 * "localhost" is mapped to 127.0.0.1 (libre's resolver ignores
 * /etc/hosts); https encrypts but does not verify the server certificate.
 */
#ifndef CALLFLOWD_HTTPC_H
#define CALLFLOWD_HTTPC_H

#include <stddef.h>
#include <stdint.h>

#define HTTPC_MAX_BODY (1024 * 1024)
#define HTTPC_DEFAULT_TIMEOUT_MS 10000

struct httpc;
struct httpc_req;

/**
 * The outcome of one request, called once (never after the request was
 * dereferenced). err: 0 with the HTTP status and body (NUL-terminated,
 * len bytes), ETIMEDOUT past the deadline, EOVERFLOW when the body
 * exceeds HTTPC_MAX_BODY, else a connection or DNS errno (status 0).
 */
typedef void (httpc_resp_h)(int err, uint16_t status, const char *body,
			    size_t len, void *arg);

/** New client with the system's DNS servers. */
int httpc_alloc(struct httpc **cp);

/**
 * POST body (ctype, e.g. "application/json") to url ("http://host:port/p"
 * or https). timeout_ms 0 means HTTPC_DEFAULT_TIMEOUT_MS. The caller owns
 * *reqp: mem_deref() cancels the request without a callback. An error
 * returned here (bad URL, EINVAL; unsupported scheme, ENOTSUP) means no
 * callback either.
 */
int httpc_post(struct httpc_req **reqp, struct httpc *c, const char *url,
	       const char *ctype, const char *body, size_t len,
	       uint32_t timeout_ms, httpc_resp_h *resph, void *arg);

/** Any method (GET, PUT, DELETE ...); body may be NULL with len 0. */
int httpc_request(struct httpc_req **reqp, struct httpc *c,
		  const char *method, const char *url, const char *ctype,
		  const char *body, size_t len, uint32_t timeout_ms,
		  httpc_resp_h *resph, void *arg);

#endif
