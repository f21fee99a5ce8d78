/**
 * @file api_queues.c  Queues over the API: real-time figures from the
 * router, today's (UTC day) figures from the contact records (answer
 * time, service level, interaction, after-contact work and handle time).
 *
 *   GET /v1/queues                  every configured queue with metrics
 *   GET /v1/queues/{name}/metrics   one queue (name, id or ARN)
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/contact/ccenter.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/interp.h>
#include <callflowd/routing/queue.h>
#include <callflowd/routing/router.h>
#include <callflowd/core/util.h>
#include "api_priv.h"

static json_t *ratio(uint64_t num, uint64_t den, double scale)
{
	if (!den)
		return json_null();
	return json_real((double)num * scale / (double)den);
}

static json_t *queue_json(struct api *api, struct crindex *ix,
			  const struct cfg_queue *cq)
{
	struct router *r = ccenter_router(api->svc.cc);
	struct rqueue *rq = r ? router_queue(r, cq->ident.name) : NULL;
	uint32_t sl_s = cq->service_level_seconds ?
		cq->service_level_seconds : 20;
	struct crq_today t;
	struct rmetrics m;
	char date[40];

	memset(&m, 0, sizeof(m));
	if (rq)
		router_metrics(r, rq, &m);
	crindex_today(ix, cq->ident.name, (uint64_t)sl_s * 1000, &t);
	util_iso8601(date, sizeof(date), util_now_ms());
	date[10] = '\0';

	return json_pack("{s:s, s:s?, s:I, s:I, s:f, s:I,"
			 " s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I},"
			 " s:{s:s, s:I, s:I, s:o, s:I, s:o, s:o, s:I, s:o,"
			 " s:o}}",
		"name", cq->ident.name,
		"id", cq->ident.id,
		"contacts_in_queue", (json_int_t)m.contacts_in_queue,
		"oldest_contact_age_ms", (json_int_t)m.oldest_contact_age_ms,
		"oldest_contact_age_seconds",
			(double)m.oldest_contact_age_ms / 1000.0,
		"contacts_scheduled", (json_int_t)m.contacts_scheduled,
		"agents",
			"online", (json_int_t)m.agents_online,
			"available", (json_int_t)m.agents_available,
			"staffed", (json_int_t)m.agents_staffed,
			"on_contact", (json_int_t)m.agents_busy,
			"acw", (json_int_t)m.agents_acw,
			"non_productive", (json_int_t)m.agents_non_productive,
			"missed", (json_int_t)m.agents_missed,
			"error", (json_int_t)m.agents_error,
		"today",
			"date", date,
			"handled", (json_int_t)t.handled,
			"abandoned", (json_int_t)t.abandoned,
			"average_answer_seconds",
				ratio(t.answer_ms_sum, t.handled, 0.001),
			"service_level_seconds", (json_int_t)sl_s,
			"service_level_percent",
				ratio(t.within_sl, t.handled, 100.0),
			"average_interaction_seconds",
				ratio(t.talk_s_sum, t.talked, 1.0),
			"after_contact_work_ended", (json_int_t)t.acw_ended,
			"average_after_contact_work_seconds",
				ratio(t.acw_s_sum, t.acw_ended, 1.0),
			"average_handle_time_seconds",
				ratio(t.handle_s_sum, t.acw_ended, 1.0));
}

static void get_list(struct api *api, struct crindex *ix,
		     struct http_conn *conn)
{
	const struct config *cfg = api_config(api);
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && cfg && i < cfg->queuec; i++)
		json_array_append_new(arr, queue_json(api, ix,
						      &cfg->queues[i]));
	api_reply_json(conn, 200, json_pack("{s:o}", "queues", arr));
}

bool api_queues(struct api *api, struct http_conn *conn,
		const struct http_msg *msg)
{
	struct crindex *ix = api->records;
	static const char pre[] = "/v1/queues/";
	bool get = !pl_strcmp(&msg->met, "GET");
	const struct cfg_queue *cq;
	struct pl name, verb;
	const char *slash;
	char ref[256];

	if (!pl_strcmp(&msg->path, "/v1/queues")) {
		if (!get) {
			api_reply_error(conn, 405, "use GET");
			return true;
		}
		crindex_update(ix);
		get_list(api, ix, conn);
		return true;
	}
	if (msg->path.l <= sizeof(pre) - 1 ||
	    strncmp(msg->path.p, pre, sizeof(pre) - 1))
		return false;

	name.p = msg->path.p + sizeof(pre) - 1;
	name.l = msg->path.l - (sizeof(pre) - 1);
	slash = memchr(name.p, '/', name.l);
	verb.p = slash ? slash + 1 : "";
	verb.l = slash ? name.l - (size_t)(slash - name.p) - 1 : 0;
	if (slash)
		name.l = (size_t)(slash - name.p);

	if (!slash || !name.l || name.l >= sizeof(ref) ||
	    pl_strcmp(&verb, "metrics")) {
		api_reply_error(conn, 404, "no such resource");
		return true;
	}
	if (!get) {
		api_reply_error(conn, 405, "use GET");
		return true;
	}
	/* names may hold spaces: %20 */
	if (re_snprintf(ref, sizeof(ref), "%H", uri_param_unescape,
			&name) < 0) {
		api_reply_error(conn, 404, "no such queue");
		return true;
	}
	cq = config_queue(api_config(api), ref);
	if (!cq) {
		api_reply_error(conn, 404, "no such queue");
		return true;
	}
	crindex_update(ix);
	api_reply_json(conn, 200, queue_json(api, ix, cq));
	return true;
}
