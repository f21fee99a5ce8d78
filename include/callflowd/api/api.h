/**
 * @file api.h  The HTTP API (JSON) on libre's HTTP server.
 *
 * Owns the listening socket, the route table, the Bearer token in force
 * (api.token, swapped by api_reload()) and the contact-record index.
 * Handlers read the app's state on the loop thread; errors are
 * {"error": "..."} with a fitting status. Bound to loopback by default
 * (http.listen, read once: the socket never moves).
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
/**
 * Apply cfg's api section (SIGHUP) to the running API: the token is set,
 * changed or removed, judged against the address the socket listens on
 * (a changed http.listen only gets a warning: it needs a restart).
 * Nothing changes on error: EACCES when it would leave an off-loopback
 * listener without a token, EINVAL for a bad section (both logged).
 */
int api_reload(struct api *api, const struct config *cfg);

#endif
