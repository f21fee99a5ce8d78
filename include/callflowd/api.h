/**
 * @file api.h  The HTTP API (JSON) on libre's HTTP server.
 *
 * Owns the listening socket and the route table. Handlers read the app's
 * state on the loop thread; errors are {"error": "..."} with a fitting
 * status. Bound to loopback by default (http.listen).
 */
#ifndef CALLFLOWD_API_H
#define CALLFLOWD_API_H

struct app;
struct api;

struct config;

/** Check the http and api sections (start, reload, --check-config). */
int api_config_check(const struct config *cfg);
/** Listen on the config's http.listen ("127.0.0.1:8080" default). */
int api_alloc(struct api **apip, struct app *app);

#endif
