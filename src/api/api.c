/**
 * @file api.c  HTTP routes: health, flows, live contacts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/store/audit.h>
#include <callflowd/store/records.h>
#include <callflowd/contact/ccenter.h>
#include <callflowd/contact/contact.h>
#include <callflowd/api/api.h>
#include <callflowd/api/metrics.h>
#include "api_priv.h"

struct contact *api_contact(const struct api *api, const struct pl *id)
{
	char buf[64];

	if (!api || !id || id->l >= sizeof(buf))
		return NULL;
	pl_strcpy(id, buf, sizeof(buf));
	return ccenter_contact(api->svc.cc, buf);
}

const struct config *api_config(const struct api *api)
{
	return api ? ccenter_config(api->svc.cc) : NULL;
}

static const char *reason_of(uint16_t scode)
{
	switch (scode) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 503: return "Service Unavailable";
	default:  return "Internal Server Error";
	}
}

/* The request being audited (dispatch answers those synchronously). */
static struct {
	const struct http_conn *conn;
	uint16_t status;
} audited;

/* Reply with a JSON document (takes the reference to j). */
void api_reply_json(struct http_conn *conn, uint16_t scode, json_t *j)
{
	if (conn == audited.conn)
		audited.status = scode;
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER)
		       : NULL;

	json_decref(j);
	if (!text) {
		(void)http_ereply(conn, 500, "Internal Server Error");
		return;
	}
	(void)http_creply(conn, scode, reason_of(scode), "application/json",
			  "%s", text);
	free(text);
}

/* Reply with body, a JSON document already encoded: copied once into
 * the reply, no parse or dump. */
void api_reply_body(struct http_conn *conn, uint16_t scode,
		    const struct mbuf *body)
{
	if (!body) {
		api_reply_error(conn, 500, "no reply body");
		return;
	}
	if (conn == audited.conn)
		audited.status = scode;
	(void)http_reply(conn, scode, reason_of(scode),
			 "Content-Type: application/json\r\n"
			 "Content-Length: %zu\r\n"
			 "\r\n"
			 "%b", body->end, body->buf, body->end);
}

void api_reply_error(struct http_conn *conn, uint16_t scode,
		     const char *msg)
{
	api_reply_json(conn, scode, json_pack("{s:s}", "error", msg));
}

static json_t *ts(uint64_t ms)
{
	char buf[40];

	if (!ms)
		return json_null();
	util_iso8601(buf, sizeof(buf), ms);
	return json_string(buf);
}

static void get_health(struct api *api, struct http_conn *conn)
{
	struct api_process p;

	memset(&p, 0, sizeof(p));
	api->svc.processh(&p, api->svc.arg);
	api_reply_json(conn, p.draining ? 503 : 200,
		   json_pack("{s:s, s:I, s:I, s:I, s:o}",
			     "status", p.draining ? "draining" : "ok",
			     "contacts", (json_int_t)ccenter_count(api->svc.cc),
			     "flows", (json_int_t)flowset_count(
				     ccenter_flows(api->svc.cc)),
			     "uptime_seconds", (json_int_t)
			     ((util_now_ms() - p.started_ms) / 1000),
			     "started", ts(p.started_ms)));
}

static json_t *findings_json(const struct findings *f, bool errors)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; f && a && i < f->n; i++) {
		const struct finding *x = &f->v[i];

		if ((x->sev == FINDING_ERROR) != errors)
			continue;
		json_array_append_new(a, json_pack("{s:s, s:s}",
			"action", x->action_id ? x->action_id : "-",
			"message", x->msg ? x->msg : ""));
	}
	return a;
}

static void get_flows(struct api *api, struct http_conn *conn)
{
	const struct flowset *fs = ccenter_flows(api->svc.cc);
	json_t *arr = json_array();
	size_t i, n = flowset_count(fs);

	for (i = 0; arr && i < n; i++) {
		const struct flowset_entry *e = flowset_at(fs, i);
		const struct flow *f = e->flow;

		json_array_append_new(arr, json_pack(
			"{s:s, s:s?, s:s?, s:I, s:o, s:b, s:o, s:o, s:o}",
			"name", e->name,
			"path", e->path,
			"type", f ? flow_type_name(f->type) : NULL,
			"version", (json_int_t)(f ? f->version : 0),
			"loaded", ts(f ? f->loaded_ms : 0),
			"serving", f != NULL,
			"last_attempt", ts(e->attempt_ms),
			"errors", findings_json(e->findings, true),
			"warnings", findings_json(e->findings, false)));
	}
	api_reply_json(conn, 200, json_pack("{s:o}", "flows", arr));
}

static bool contact_item(struct contact *c, void *arg)
{
	const struct cdata *cd = contact_cdata(c);
	json_t *arr = arg;

	json_array_append_new(arr, json_pack(
		"{s:s, s:s?, s:s?, s:s, s:s, s:s, s:s, s:o, s:s?}",
		"ContactId", cd->contact_id,
		"flow", contact_flow_name(c),
		"action", contact_action_id(c),
		"caller", cd->customer_addr,
		"dialled", cd->system_addr,
		"state", contact_state_name(contact_state(c)),
		"phase", contact_phase_name(contact_state(c)),
		"started", ts(contact_started_ms(c)),
		"queue", cd->queue_name));
	return false;
}

static void get_contacts(struct api *api, struct http_conn *conn)
{
	json_t *arr = json_array();

	if (arr)
		(void)ccenter_apply(api->svc.cc, contact_item, arr);
	api_reply_json(conn, 200, json_pack("{s:o}", "contacts", arr));
}

static void get_metrics(struct api *api, struct http_conn *conn)
{
	char *text = NULL;

	/* what is indexed now; the rest is caught up with meanwhile */
	crindex_update(api->records);
	if (metrics_render_api(&text, api)) {
		api_reply_error(conn, 500, "metrics unavailable");
		return;
	}
	(void)http_creply(conn, 200, "OK", METRICS_CONTENT_TYPE, "%s", text);
	mem_deref(text);
}

/* Same time whatever the first difference: a token is a secret. */
static bool token_equal(const struct pl *got, const char *want)
{
	size_t i, n = strlen(want);
	unsigned diff = got->l != n;

	for (i = 0; i < got->l; i++)
		diff |= (unsigned)(uint8_t)got->p[i] ^
			(unsigned)(uint8_t)want[i % (n ? n : 1)];
	return !diff;
}

/* "Authorization: Bearer <api.token>" when a token is configured. */
static bool authorized(const struct api *api, const struct http_msg *msg)
{
	const struct http_hdr *h;
	struct pl tok;

	if (!api->token)
		return true;
	h = http_msg_hdr(msg, HTTP_HDR_AUTHORIZATION);
	if (!h || h->val.l < 8 || strncasecmp(h->val.p, "Bearer ", 7))
		return false;
	tok.p = h->val.p + 7;
	tok.l = h->val.l - 7;
	while (tok.l && *tok.p == ' ') {
		++tok.p;
		--tok.l;
	}
	return tok.l && token_equal(&tok, api->token);
}

static void dispatch(struct api *api, struct http_conn *conn,
		     const struct http_msg *msg)
{
	bool get = !pl_strcmp(&msg->met, "GET");

	if (!pl_strcmp(&msg->path, "/health")) {
		if (get)
			get_health(api, conn);
		else
			api_reply_error(conn, 405, "use GET");
		return;
	}
	if (!pl_strcmp(&msg->path, "/v1/flows")) {
		if (get)
			get_flows(api, conn);
		else
			api_reply_error(conn, 405, "use GET");
		return;
	}
	if (!pl_strcmp(&msg->path, "/metrics")) {
		if (get)
			get_metrics(api, conn);
		else
			api_reply_error(conn, 405, "use GET");
		return;
	}
	if (api_agents(api, conn, msg))
		return;
	if (api_lockouts(api, conn, msg))
		return;
	if (api_transfer(api, conn, msg))
		return;
	if (api_recording(api, conn, msg))
		return;
	if (api_contacts(api, conn, msg))
		return;
	if (api_records(api->records, conn, msg))
		return;
	if (api_queues(api, conn, msg))
		return;
	if (api_reports(api, conn, msg))
		return;
	if (api_events(api->events, conn, msg))
		return;
	if (!pl_strcmp(&msg->path, "/v1/contacts")) {
		if (get)
			get_contacts(api, conn);
		else
			api_reply_error(conn, 405, "use GET");
		return;
	}
	api_reply_error(conn, 404, "no such resource");
}

static bool has_prefix(const struct pl *path, const char *pre)
{
	size_t n = strlen(pre);

	return path->l >= n && !strncmp(path->p, pre, n) &&
		(path->l == n || path->p[n] == '/');
}

/* Answered from the contact-record index (records, today's figures of
 * queues and agents, historical reports). */
static bool uses_records(const struct http_msg *msg)
{
	return !pl_strcmp(&msg->met, "GET") &&
		(has_prefix(&msg->path, "/v1/contact-records") ||
		 has_prefix(&msg->path, "/v1/queues") ||
		 has_prefix(&msg->path, "/v1/agents") ||
		 has_prefix(&msg->path, "/v1/reports"));
}

/* A request the record index held back until it caught up. */
static void serve(struct api *api, struct http_conn *conn,
		  const struct http_msg *msg);

static void resume(struct http_conn *conn, const struct http_msg *msg,
		   void *arg)
{
	serve(arg, conn, msg);
}

/* Requests that may change state go to the audit trail. */
static bool audits(const struct http_msg *msg)
{
	return pl_strcmp(&msg->met, "GET") && pl_strcmp(&msg->met, "HEAD");
}

static void audit_request(struct api *api, const struct http_conn *conn,
			  const struct http_msg *msg, uint16_t status,
			  const char *reason)
{
	size_t len = msg->mb ? mbuf_get_left(msg->mb) : 0;
	char src[64];
	json_t *o, *body = NULL;

	if (!api->svc.audit)
		return;
	re_snprintf(src, sizeof(src), "%J", http_conn_peer(conn));
	o = json_pack("{s:s, s:s%, s:s%, s:i}", "Source", src,
		      "Method", msg->met.p, msg->met.l,
		      "Path", msg->path.p, msg->path.l, "Status", (int)status);
	if (!o)
		return;
	if (reason)
		json_object_set_new(o, "Reason", json_string(reason));
	if (len && len <= AUDIT_BODY_MAX)
		body = json_loadb((const char *)mbuf_buf(msg->mb), len, 0,
				  NULL);
	if (body)
		json_object_set_new(o, "Body", body);
	else if (len)
		json_object_set_new(o, "BodyBytes", json_integer((json_int_t)
								  len));
	audit_event(api->svc.audit, "api", o);
}

/* Answer a request, in the audit trail when it may change state (also
 * when it waited behind a held one on its connection). */
static void serve(struct api *api, struct http_conn *conn,
		  const struct http_msg *msg)
{
	if (!audits(msg)) {
		dispatch(api, conn, msg);
		return;
	}
	audited.conn = conn;
	audited.status = 0;
	dispatch(api, conn, msg);
	audited.conn = NULL;
	audit_request(api, conn, msg, audited.status, NULL);
}

static void req_handler(struct http_conn *conn, const struct http_msg *msg,
			void *arg)
{
	struct api *api = arg;

	if (!authorized(api, msg)) {
		static const char body[] = "{\"error\":\"a valid Authorization:"
			" Bearer token is required\"}";

		audit_request(api, conn, msg, 401, "no valid bearer token");
		(void)http_reply(conn, 401, "Unauthorized",
				 "WWW-Authenticate: Bearer\r\n"
				 "Content-Type: application/json\r\n"
				 "Content-Length: %zu\r\n\r\n%s",
				 sizeof(body) - 1, body);
		return;
	}
	/* records and today's queue and agent figures see every record
	 * written before the request, parsed off the loop thread meanwhile */
	if (crindex_wait(api->records, conn, msg, uses_records(msg), resume,
			 api))
		return;
	serve(api, conn, msg);
}

static void destructor(void *arg)
{
	struct api *api = arg;

	mem_deref(api->sock);
	mem_deref(api->events);
	mem_deref(api->records);
	mem_deref(api->token);
	mem_deref(api->listen);
	mem_deref(api->svc.cc);
	mem_deref(api->svc.records);
	mem_deref(api->svc.journal);
	mem_deref(api->svc.flowlog);
	mem_deref(api->svc.media);
	mem_deref(api->svc.audit);
	mem_deref(api->svc.bus);
}

/* The "api" section: {"token": "..."}; a token is a must off loopback. */
static int api_configure(struct api *api, const json_t *sect,
			 const struct sa *laddr, const char *listen)
{
	const json_t *tok;
	const char *key;
	json_t *v;

	if (sect && !json_is_object(sect)) {
		log_error("config: api: must be an object");
		return EINVAL;
	}
	json_object_foreach((json_t *)sect, key, v) {
		if (strcmp(key, "token")) {
			log_error("config: api.%s: unknown key", key);
			return EINVAL;
		}
	}
	tok = json_object_get(sect, "token");
	if (tok && (!json_is_string(tok) || json_string_length(tok) < 16 ||
		    strpbrk(json_string_value(tok), " \t\r\n"))) {
		log_error("config: api.token: expected a string of at least "
			  "16 characters without blanks");
		return EINVAL;
	}
	if (!tok && !sa_is_loopback(laddr)) {
		log_error("config: http.listen %s is not a loopback address: "
			  "set api.token so that requests must carry it "
			  "(refusing to serve the API unauthenticated)",
			  listen);
		return EACCES;
	}
	return tok ? str_dup(&api->token, json_string_value(tok)) : 0;
}

/* http.listen of cfg ("127.0.0.1:8080" when absent) into laddr. */
static int listen_of(struct sa *laddr, const char **listenp,
		     const struct config *cfg)
{
	const char *listen = json_string_value(json_object_get(
		json_object_get(cfg->root, "http"), "listen"));

	if (!listen)
		listen = "127.0.0.1:8080";
	*listenp = listen;
	if (sa_decode(laddr, listen, strlen(listen))) {
		log_error("config: http.listen: '%s' is not host:port", listen);
		return EINVAL;
	}
	return 0;
}

int api_config_check(const struct config *cfg)
{
	const char *listen;
	struct api tmp;
	struct sa laddr;
	int err;

	if (!cfg)
		return EINVAL;
	err = listen_of(&laddr, &listen, cfg);
	if (err)
		return err;
	memset(&tmp, 0, sizeof(tmp));
	err = api_configure(&tmp, json_object_get(cfg->root, "api"), &laddr,
			    listen);
	mem_deref(tmp.token);
	return err;
}

int api_reload(struct api *api, const struct config *cfg)
{
	const char *listen;
	struct api tmp;
	struct sa laddr;
	int err;

	if (!api || !cfg)
		return EINVAL;
	err = listen_of(&laddr, &listen, cfg);
	if (err)
		return err;
	/* a live socket cannot move: the token is judged where it is */
	if (!sa_cmp(&laddr, &api->laddr, SA_ALL))
		log_warn("reload: http.listen %s needs a restart: the API "
			 "keeps listening on %s", listen, api->listen);

	memset(&tmp, 0, sizeof(tmp));
	err = api_configure(&tmp, json_object_get(cfg->root, "api"),
			    &api->laddr, api->listen);
	if (err) {
		mem_deref(tmp.token);
		return err;
	}
	if (!tmp.token != !api->token ||
	    (tmp.token && strcmp(tmp.token, api->token)))
		log_info("api: token %s", !tmp.token ? "removed: requests "
			 "need none" : !api->token ? "set: requests need it" :
			 "changed: requests need the new one");
	mem_deref(api->token);
	api->token = tmp.token;
	return 0;
}

int api_alloc(struct api **apip, const struct config *cfg,
	      const struct api_services *svc)
{
	const char *listen = NULL;
	struct api *api;
	struct sa laddr;
	int err;

	if (!apip || !cfg || !svc || !svc->cc || !svc->records ||
	    !svc->bus || !svc->processh)
		return EINVAL;

	err = listen_of(&laddr, &listen, cfg);
	if (err)
		return err;

	api = mem_zalloc(sizeof(*api), destructor);
	if (!api)
		return ENOMEM;
	api->svc = *svc;
	mem_ref(api->svc.cc);
	mem_ref(api->svc.records);
	mem_ref(api->svc.journal);
	mem_ref(api->svc.flowlog);
	mem_ref(api->svc.media);
	mem_ref(api->svc.audit);
	mem_ref(api->svc.bus);
	api->laddr = laddr;

	err = str_dup(&api->listen, listen);
	if (!err)
		err = api_configure(api, json_object_get(cfg->root, "api"),
				    &laddr, listen);
	if (!err)
		err = crindex_alloc(&api->records,
				    records_path(svc->records));
	if (!err)
		err = api_events_alloc(&api->events, svc->bus);
	if (err) {
		mem_deref(api);
		return err;
	}

	err = http_listen(&api->sock, &laddr, req_handler, api);
	if (err) {
		log_error("http: cannot listen on %s: %m", listen, err);
		mem_deref(api);
		return err;
	}
	log_info("http: API listening on %s", listen);

	*apip = api;
	return 0;
}
