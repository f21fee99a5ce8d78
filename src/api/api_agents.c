/**
 * @file api_agents.c  Agents over the API: list, one agent, status
 * changes, clearing after-contact work. GETs add today's (UTC day)
 * figures of the agent from the contact records (handled, interaction,
 * after-contact work and handle time), counted as a queue's.
 *
 *   GET  /v1/agents
 *   GET  /v1/agents/{username}
 *   PUT  /v1/agents/{username}/status   {"status": "Available"}
 *   POST /v1/agents/{username}/clear    (ends ACW, Missed, Error)
 *   GET  /v1/agents/{username}/proficiencies
 *   PUT  /v1/agents/{username}/proficiencies
 *        {"proficiencies": [{"name": "Language", "value": "French",
 *                            "level": 4}, ...]}
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/rcriteria.h>
#include <callflowd/contact/ccenter.h>
#include <callflowd/routing/agent.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/contact/contact.h>
#include <callflowd/routing/queue.h>
#include <callflowd/routing/router.h>
#include <callflowd/core/util.h>
#include "api_priv.h"

static json_t *ts(uint64_t ms)
{
	char buf[40];

	if (!ms)
		return json_null();
	util_iso8601(buf, sizeof(buf), ms);
	return json_string(buf);
}

static json_t *agent_json(const struct ragent *a)
{
	struct rentry *e = agent_entry(a);
	const struct contact *c = e ? rentry_arg(e) : NULL;
	const struct cdata *cd = c ? contact_cdata(c) : NULL;

	return json_pack("{s:s, s:s?, s:s?, s:s, s:s?, s:s, s:s, s:o, s:o,"
			 " s:b, s:b, s:s?, s:I, s:s?}",
		"username", agent_username(a),
		"first_name", agent_first_name(a),
		"last_name", agent_last_name(a),
		"status", agent_status(a),
		"next_status", agent_next_status(a),
		"status_type", rstatus_type_name(agent_status_type(a)),
		"state", agent_display_state(a),
		"state_since", ts(agent_state_since(a)),
		"status_since", ts(agent_status_since(a)),
		"device", agent_device(a),
		"routable", agent_routable(a),
		"routing_profile", agent_profile_name(a),
		"misses", (json_int_t)agent_misses(a),
		"contact", cd ? cd->contact_id : NULL);
}

static json_t *ratio(uint64_t num, uint64_t den)
{
	return den ? json_real((double)num / (double)den) : json_null();
}

/* Today's figures of agent a from the record index ix (NULL: none) */
static json_t *today_json(struct crindex *ix, const struct ragent *a)
{
	struct crq_today t;
	char date[40];

	crindex_agent_today(ix, agent_username(a), &t);
	util_iso8601(date, sizeof(date), util_now_ms());
	date[10] = '\0';

	return json_pack("{s:s, s:I, s:o, s:I, s:o, s:o}",
		"date", date,
		"handled", (json_int_t)t.handled,
		"average_interaction_seconds",
			ratio(t.talk_s_sum, t.talked),
		"after_contact_work_ended", (json_int_t)t.acw_ended,
		"average_after_contact_work_seconds",
			ratio(t.acw_s_sum, t.acw_ended),
		"average_handle_time_seconds",
			ratio(t.handle_s_sum, t.acw_ended));
}

/* What a GET shows of agent a: agent_json() and "today" */
static json_t *agent_get_json(struct crindex *ix, const struct ragent *a)
{
	json_t *j = agent_json(a);

	if (j && json_object_set_new(j, "today", today_json(ix, a))) {
		json_decref(j);
		return NULL;	/* answered 500 */
	}
	return j;
}

struct list_ctx {
	struct crindex *ix;
	json_t *arr;
};

static bool collect(struct ragent *a, void *arg)
{
	struct list_ctx *lc = arg;

	json_array_append_new(lc->arr, agent_get_json(lc->ix, a));
	return false;	/* visit them all */
}

/* "/v1/agents/<name>[/<verb>]" -> name and verb (pl, possibly empty) */
static bool split(const struct pl *path, struct pl *name, struct pl *verb)
{
	static const char pre[] = "/v1/agents/";
	struct pl rest;
	const char *slash;

	if (path->l <= sizeof(pre) - 1 ||
	    strncmp(path->p, pre, sizeof(pre) - 1))
		return false;
	rest.p = path->p + sizeof(pre) - 1;
	rest.l = path->l - (sizeof(pre) - 1);
	slash = memchr(rest.p, '/', rest.l);
	name->p = rest.p;
	name->l = slash ? (size_t)(slash - rest.p) : rest.l;
	verb->p = slash ? slash + 1 : "";
	verb->l = slash ? rest.l - name->l - 1 : 0;
	return name->l > 0 && name->l < 128;
}

static void set_status(struct http_conn *conn, const struct http_msg *msg,
		       struct ragent *a)
{
	const char *status;
	json_error_t jerr;
	json_t *body;
	int err;

	body = msg->mb ? json_loadb((const char *)mbuf_buf(msg->mb),
				    mbuf_get_left(msg->mb), 0, &jerr) : NULL;
	status = json_string_value(json_object_get(body, "status"));
	if (!status) {
		json_decref(body);
		api_reply_error(conn, 400, "expected {\"status\": \"<name>\"}");
		return;
	}

	err = agent_set_status(a, status);
	json_decref(body);
	if (err == ENOENT) {
		api_reply_error(conn, 400, "no such agent status");
		return;
	}
	if (err) {
		api_reply_error(conn, 409, "status not changed");
		return;
	}
	api_reply_json(conn, 200, agent_json(a));
}

static json_t *profs_json(const struct ragent *a)
{
	const struct rproficiency *pv;
	json_t *arr = json_array();
	size_t i, n = 0;

	pv = agent_proficiencies(a, &n);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:f}",
						     "name", pv[i].name,
						     "value", pv[i].value,
						     "level", pv[i].level));
	return json_pack("{s:s, s:o}", "username", agent_username(a),
			 "proficiencies", arr);
}

/* Replace an agent's proficiencies: all or nothing. */
static void set_profs(struct http_conn *conn, const struct http_msg *msg,
		      struct ragent *a)
{
	struct rproficiency *pv = NULL;
	json_error_t jerr;
	json_t *body, *arr, *it;
	size_t i, n;
	int err;

	body = msg->mb ? json_loadb((const char *)mbuf_buf(msg->mb),
				    mbuf_get_left(msg->mb), 0, &jerr) : NULL;
	arr = json_object_get(body, "proficiencies");
	if (!json_is_array(arr) || json_array_size(arr) > 256) {
		api_reply_error(conn, 400, "expected {\"proficiencies\": "
				"[{\"name\", \"value\", \"level\"}, ...]} "
				"(at most 256)");
		goto out;
	}
	n = json_array_size(arr);
	pv = n ? mem_zalloc(n * sizeof(*pv), NULL) : NULL;
	if (n && !pv) {
		api_reply_error(conn, 500, "out of memory");
		goto out;
	}
	json_array_foreach(arr, i, it) {
		json_t *lv = json_object_get(it, "level");

		pv[i].name = json_string_value(json_object_get(it, "name"));
		pv[i].value = json_string_value(json_object_get(it,
							       "value"));
		if (!pv[i].name || !pv[i].value || !json_is_number(lv)) {
			api_reply_error(conn, 400, "each proficiency needs "
					"a name, a value and a level");
			goto out;
		}
		pv[i].level = json_number_value(lv);
	}
	err = agent_set_proficiencies(a, pv, n);
	if (err) {
		api_reply_error(conn, 400, "a level is outside 1..5, or a "
				"name or value is empty");
		goto out;
	}
	api_reply_json(conn, 200, profs_json(a));
 out:
	mem_deref(pv);
	json_decref(body);
}

bool api_agents(struct api *api, struct http_conn *conn,
		const struct http_msg *msg)
{
	struct router *r = ccenter_router(api->svc.cc);
	struct crindex *ix = api->records;
	bool get = !pl_strcmp(&msg->met, "GET");
	struct pl name, verb;
	struct ragent *a;
	char user[128];

	if (!pl_strcmp(&msg->path, "/v1/agents")) {
		struct list_ctx lc;

		if (!get) {
			api_reply_error(conn, 405, "use GET");
			return true;
		}
		/* held until the index caught up (api.c): start the
		 * next catch-up if more came meanwhile */
		crindex_update(ix);
		lc.ix = ix;
		lc.arr = json_array();
		if (r)
			(void)router_agent_apply(r, collect, &lc);
		api_reply_json(conn, 200, json_pack("{s:o}", "agents",
						    lc.arr));
		return true;
	}
	if (!split(&msg->path, &name, &verb))
		return false;

	pl_strcpy(&name, user, sizeof(user));
	a = r ? router_agent(r, user) : NULL;
	if (!a) {
		api_reply_error(conn, 404, "no such agent");
		return true;
	}

	if (get)
		crindex_update(ix);
	if (!verb.l) {
		if (get)
			api_reply_json(conn, 200, agent_get_json(ix, a));
		else
			api_reply_error(conn, 405, "use GET");
		return true;
	}
	if (!pl_strcmp(&verb, "status")) {
		if (!pl_strcmp(&msg->met, "PUT"))
			set_status(conn, msg, a);
		else if (get)
			api_reply_json(conn, 200, agent_get_json(ix, a));
		else
			api_reply_error(conn, 405, "use PUT or GET");
		return true;
	}
	if (!pl_strcmp(&verb, "proficiencies")) {
		if (!pl_strcmp(&msg->met, "PUT"))
			set_profs(conn, msg, a);
		else if (get)
			api_reply_json(conn, 200, profs_json(a));
		else
			api_reply_error(conn, 405, "use PUT or GET");
		return true;
	}
	if (!pl_strcmp(&verb, "clear")) {
		if (pl_strcmp(&msg->met, "POST"))
			api_reply_error(conn, 405, "use POST");
		else if (agent_clear(a))
			api_reply_error(conn, 409, "nothing to clear");
		else
			api_reply_json(conn, 200, agent_json(a));
		return true;
	}
	api_reply_error(conn, 404, "no such resource");
	return true;
}
