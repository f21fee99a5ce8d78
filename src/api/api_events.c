/**
 * @file api_events.c  GET /v1/events: the event bus as a WebSocket
 * stream of JSON text messages, one event each.
 *
 * Filters (query): type=contact|agent|<an exact type such as
 * contact.ended>, queue=<name>, agent=<username>; an event without the
 * filtered member does not match. The first message is
 * {"type":"subscribed",...} so a client knows it is listening. A client
 * that does not read (its TCP send queue full) is closed, never waited
 * for.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/events.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include "api_priv.h"

enum { KEEPALIVE_MS = 30000, FILTER_SZ = 128 };

struct api_events {
	struct events *bus;
	struct websock *ws;
	struct list clients;	/* struct wsclient */
};

struct wsclient {
	struct le le;
	struct websock_conn *wc;
	struct event_sub *sub;
	char type[FILTER_SZ];	/* "" = any */
	char queue[FILTER_SZ];
	char agent[FILTER_SZ];
};

static void client_destructor(void *arg)
{
	struct wsclient *cl = arg;

	list_unlink(&cl->le);
	mem_deref(cl->sub);
	if (cl->wc)
		(void)websock_close(cl->wc, WEBSOCK_GOING_AWAY, "going away");
	mem_deref(cl->wc);
}

static void destructor(void *arg)
{
	struct api_events *ae = arg;

	list_flush(&ae->clients);
	mem_deref(ae->bus);
	mem_deref(ae->ws);
}

int api_events_alloc(struct api_events **aep, struct events *bus)
{
	struct api_events *ae;
	int err;

	if (!aep)
		return EINVAL;
	ae = mem_zalloc(sizeof(*ae), destructor);
	if (!ae)
		return ENOMEM;
	ae->bus = mem_ref(bus);
	err = websock_alloc(&ae->ws, NULL, NULL);
	if (err) {
		mem_deref(ae);
		return err;
	}
	*aep = ae;
	return 0;
}

static bool match(const struct wsclient *cl, const struct event *ev)
{
	if (cl->type[0]) {
		if (!strcmp(cl->type, "contact")) {
			if (ev->kind != EVENT_CONTACT)
				return false;
		}
		else if (!strcmp(cl->type, "agent")) {
			if (ev->kind != EVENT_AGENT)
				return false;
		}
		else if (strcmp(cl->type, ev->type)) {
			return false;
		}
	}
	if (cl->queue[0] && (!ev->queue || strcmp(cl->queue, ev->queue)))
		return false;
	if (cl->agent[0] && (!ev->agent || strcmp(cl->agent, ev->agent)))
		return false;
	return true;
}

static void event_handler(const struct event *ev, const char *json,
			  void *arg)
{
	struct wsclient *cl = arg;
	int err;

	if (!cl->wc || !match(cl, ev))
		return;
	err = websock_send(cl->wc, WEBSOCK_TEXT, "%s", json);
	if (err) {
		/* a client that does not read is dropped, not waited for */
		log_warn("api: event stream to %J closed: %m",
			 websock_peer(cl->wc), err);
		(void)websock_close(cl->wc, WEBSOCK_POLICY_VIOLATION,
				    "not reading");
		mem_deref(cl);
	}
}

static void recv_handler(const struct websock_hdr *hdr, struct mbuf *mb,
			 void *arg)
{
	/* the stream is one way: what clients send is ignored */
	(void)hdr;
	(void)mb;
	(void)arg;
}

static void close_handler(int err, void *arg)
{
	struct wsclient *cl = arg;

	log_debug("api: event stream closed (%m)", err);
	mem_deref(cl);
}

static int filter_param(char *buf, const struct http_msg *msg,
			const char *key, struct http_conn *conn)
{
	char text[160];
	int err = api_query(msg, key, buf, FILTER_SZ);

	if (err == ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	if (!err && buf[0])
		return 0;
	re_snprintf(text, sizeof(text), "%s: expected a value", key);
	api_reply_error(conn, 400, text);
	return EINVAL;
}

static bool known_type(const char *t)
{
	static const char *const types[] = {
		"contact", "agent", "contact.initiated", "contact.queued",
		"contact.connected", "contact.held", "contact.resumed",
		"contact.transferred", "contact.ended", "contact.recorded",
		"contact.record_updated", "agent.status", "agent.state", NULL
	};
	size_t i;

	for (i = 0; types[i]; i++) {
		if (!strcmp(t, types[i]))
			return true;
	}
	return false;
}

static void subscribe(struct api_events *ae, struct http_conn *conn,
		      const struct http_msg *msg)
{
	static const char *const keys[] = {"type", "queue", "agent", NULL};
	struct wsclient *cl;
	char bad[64], text[128], when[40], *json;
	json_t *hello;
	int err;

	if (api_query_unknown(msg, keys, bad, sizeof(bad))) {
		re_snprintf(text, sizeof(text), "unknown parameter '%s'", bad);
		api_reply_error(conn, 400, text);
		return;
	}
	cl = mem_zalloc(sizeof(*cl), client_destructor);
	if (!cl) {
		api_reply_error(conn, 500, "no memory");
		return;
	}
	if (filter_param(cl->type, msg, "type", conn) ||
	    filter_param(cl->queue, msg, "queue", conn) ||
	    filter_param(cl->agent, msg, "agent", conn))
		goto out;
	if (cl->type[0] && !known_type(cl->type)) {
		api_reply_error(conn, 400, "type: expected contact, agent or "
				"an event type such as contact.ended");
		goto out;
	}

	err = websock_accept(&cl->wc, ae->ws, conn, msg, KEEPALIVE_MS,
			     recv_handler, close_handler, cl);
	if (err == EBADMSG) {
		api_reply_error(conn, 400, "expected a WebSocket upgrade "
				"(version 13)");
		goto out;
	}
	if (!err)
		err = events_subscribe(&cl->sub, ae->bus, event_handler, cl);
	if (err) {
		log_warn("api: event stream not opened: %m", err);
		goto out;
	}
	list_append(&ae->clients, &cl->le, cl);

	/* tell the client it is listening, with its filter */
	util_iso8601(when, sizeof(when), util_now_ms());
	hello = json_pack("{s:s, s:s, s:{s:s?, s:s?, s:s?}}",
			  "type", "subscribed", "timestamp", when, "filter",
			  "type", cl->type[0] ? cl->type : NULL,
			  "queue", cl->queue[0] ? cl->queue : NULL,
			  "agent", cl->agent[0] ? cl->agent : NULL);
	json = hello ? json_dumps(hello, JSON_COMPACT | JSON_PRESERVE_ORDER)
		: NULL;
	if (json)
		(void)websock_send(cl->wc, WEBSOCK_TEXT, "%s", json);
	free(json);
	json_decref(hello);
	log_debug("api: event stream to %J opened", websock_peer(cl->wc));
	return;

 out:
	mem_deref(cl);
}

bool api_events(struct api_events *ae, struct http_conn *conn,
		const struct http_msg *msg)
{
	if (pl_strcmp(&msg->path, "/v1/events"))
		return false;
	if (pl_strcmp(&msg->met, "GET")) {
		api_reply_error(conn, 405, "use GET");
		return true;
	}
	if (!ae) {
		api_reply_error(conn, 503, "events unavailable");
		return true;
	}
	subscribe(ae, conn, msg);
	return true;
}
