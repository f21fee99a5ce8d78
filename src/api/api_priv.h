/**
 * @file api_priv.h  Private: what the API's route files share.
 */
#ifndef CALLFLOWD_API_PRIV_H
#define CALLFLOWD_API_PRIV_H

#include <stdbool.h>
#include <callflowd/libre.h>

struct app;

/** Reply with a JSON document (takes the reference to j). */
void api_reply_json(struct http_conn *conn, uint16_t scode, json_t *j);
/** {"error": msg} with the status. */
void api_reply_error(struct http_conn *conn, uint16_t scode,
		     const char *msg);

/** /v1/agents...: true when the path was one of them (answered). */
bool api_agents(struct app *app, struct http_conn *conn,
		const struct http_msg *msg);
/** POST /v1/contacts/{id}/transfer (api_transfer.c): true when the
 *  path was it (answered). */
bool api_transfer(struct app *app, struct http_conn *conn,
		  const struct http_msg *msg);

#endif
