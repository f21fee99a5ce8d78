/**
 * @file api.h  The HTTP API (JSON) on libre's HTTP server.
 *
 * Owns the listening socket, the route table, the Bearer token in force
 * (api.token, swapped by api_reload()), the contact-record index and the
 * event stream's WebSocket clients. The daemon hands it the services it
 * reads and acts on (api_services) when it creates it; the daemon's own
 * state (start time, reloads, draining) comes through a handler. Errors
 * are {"error": "..."} with a fitting status. Bound to loopback by
 * default (http.listen, read once: the socket never moves).
 */
#ifndef CALLFLOWD_API_H
#define CALLFLOWD_API_H

#include <stdbool.h>
#include <stdint.h>

struct api;
struct audit;
struct ccenter;
struct config;
struct events;
struct flowlog;
struct journal;
struct mediasvc;
struct records;

/** What the process says of itself (/health, /metrics). */
struct api_process {
	uint64_t started_ms;
	uint32_t reloads;
	bool draining;
};
typedef void (api_process_h)(struct api_process *p, void *arg);

struct api_services {
	struct ccenter *cc;		/* contacts, queues, agents, flows */
	struct records *records;	/* contact records (required) */
	struct journal *journal;	/* or NULL */
	struct flowlog *flowlog;	/* or NULL */
	struct mediasvc *media;		/* TTS figures, or NULL */
	struct audit *audit;		/* state-changing requests, or NULL */
	struct events *bus;		/* the event stream (required) */
	api_process_h *processh;	/* required */
	void *arg;
};

/** Check the http and api sections (start, reload, --check-config). */
int api_config_check(const struct config *cfg);
/** Listen on cfg's http.listen ("127.0.0.1:8080" default). */
int api_alloc(struct api **apip, const struct config *cfg,
	      const struct api_services *svc);
/**
 * Apply cfg's api section (SIGHUP) to the running API: the token is set,
 * changed or removed, judged against the address the socket listens on
 * (a changed http.listen only gets a warning: it needs a restart).
 * Nothing changes on error: EACCES when it would leave an off-loopback
 * listener without a token, EINVAL for a bad section (both logged).
 */
int api_reload(struct api *api, const struct config *cfg);

#endif
