/**
 * @file api_lockouts.c  The registrar's lock-outs over the API:
 *
 *   GET    /v1/lockouts                  the lock-outs in force
 *   DELETE /v1/lockouts/{kind}/{name}    clear one (kind: source, user)
 *
 * 200 {"lockouts": [...]} / the list after the clearing; 404 no such
 * lock-out, 400 an unknown kind or a bad address, 405 another method.
 * Clearing is audited like every request that changes state.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/sip/registrar.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/contact/ccenter.h>
#include "api_priv.h"

static struct registrar *reg_of(const struct api *api)
{
	return sipserver_registrar(ccenter_sip(api->svc.cc));
}

static void reply_list(struct api *api, struct http_conn *conn)
{
	json_t *arr = NULL;
	int err = registrar_lockouts(&arr, reg_of(api));

	if (err) {
		api_reply_error(conn, 500, "lock-outs unavailable");
		return;
	}
	api_reply_json(conn, 200, json_pack("{s:o}", "lockouts", arr));
}

/* "/v1/lockouts/<kind>/<name>" -> kind, name (percent-decoded) */
static bool split(const struct pl *path, char *kind, size_t ksz,
		  char *name, size_t nsz)
{
	static const char pre[] = "/v1/lockouts/";
	const size_t prel = sizeof(pre) - 1;
	const char *p, *end = path->p + path->l;
	struct pl k, n;

	if (path->l <= prel || strncmp(path->p, pre, prel))
		return false;
	k.p = path->p + prel;
	p = memchr(k.p, '/', (size_t)(end - k.p));
	if (!p)
		return false;
	k.l = (size_t)(p - k.p);
	n.p = p + 1;
	n.l = (size_t)(end - n.p);
	return k.l && n.l && !memchr(n.p, '/', n.l) &&
		!api_query_decode(kind, ksz, &k) &&
		!api_query_decode(name, nsz, &n);
}

bool api_lockouts(struct api *api, struct http_conn *conn,
		  const struct http_msg *msg)
{
	char kind[16], name[128];
	int err;

	if (!pl_strcmp(&msg->path, "/v1/lockouts")) {
		if (pl_strcmp(&msg->met, "GET"))
			api_reply_error(conn, 405, "use GET");
		else
			reply_list(api, conn);
		return true;
	}
	if (msg->path.l < 13 || strncmp(msg->path.p, "/v1/lockouts/", 13))
		return false;
	if (!split(&msg->path, kind, sizeof(kind), name, sizeof(name))) {
		api_reply_error(conn, 404, "use /v1/lockouts/{source|user}/"
				"{name}");
		return true;
	}
	if (pl_strcmp(&msg->met, "DELETE")) {
		api_reply_error(conn, 405, "use DELETE");
		return true;
	}
	err = registrar_unlock(reg_of(api), kind, name);
	if (err == ENOENT) {
		api_reply_error(conn, 404, "no such lock-out in force");
		return true;
	}
	if (err) {
		api_reply_error(conn, 400, "kind is source or user, and a "
				"source is an IP address");
		return true;
	}
	log_info("api: lock-out of %s %s cleared", kind, name);
	reply_list(api, conn);
	return true;
}
