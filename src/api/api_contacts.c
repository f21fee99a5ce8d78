/**
 * @file api_contacts.c  One live contact over the API, and its hold:
 *
 *   GET  /v1/contacts/{id}          the contact, its agent, queue, state
 *                                   and hold state
 *   POST /v1/contacts/{id}/hold     put the customer on hold
 *   POST /v1/contacts/{id}/resume   take the contact off hold
 *
 * 404 unknown contact, 405 wrong method, 409 hold/resume of a contact not
 * connected to an agent. Hold and resume answer with the contact.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/strmap.h>
#include <callflowd/routing/agent.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/call/leg.h>
#include <callflowd/contact/ccenter.h>
#include <callflowd/contact/contact.h>
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

static const char *hold_name(int st)
{
	switch (st) {
	case HOLD_NONE:     return "None";
	case HOLD_AGENT:    return "AgentOnHold";
	case HOLD_CUSTOMER: return "CustomerOnHold";
	default:            return "?";
	}
}

/* "/v1/contacts/<id>[/<verb>]" -> id, verb (empty when none) */
static bool split(const struct pl *path, struct pl *id, struct pl *verb)
{
	static const char pre[] = "/v1/contacts/";
	const size_t prel = sizeof(pre) - 1;
	const char *p, *end = path->p + path->l;

	if (path->l <= prel || strncmp(path->p, pre, prel))
		return false;
	id->p = path->p + prel;
	p = memchr(id->p, '/', (size_t)(end - id->p));
	id->l = (size_t)((p ? p : end) - id->p);
	if (!id->l)
		return false;
	if (!p) {
		*verb = pl_null;
		return true;
	}
	verb->p = p + 1;
	verb->l = (size_t)(end - verb->p);
	/* only ours: other routes live under /v1/contacts/{id}/ too */
	return !pl_strcmp(verb, "hold") || !pl_strcmp(verb, "resume");
}

static json_t *agent_json(struct api *api, const struct contact *c)
{
	struct router *r = ccenter_router(api->svc.cc);
	const char *user = contact_agent(c);
	struct ragent *a = user && r ? router_agent(r, user) : NULL;

	if (!user)
		return json_null();
	return json_pack("{s:s, s:s?}", "username", user,
			 "state", a ? agent_display_state(a) : NULL);
}

static json_t *legs_json(const struct contact *c)
{
	json_t *arr = json_array();
	const struct leg *leg;
	const char *role;
	char raddr[64];
	unsigned i;

	for (i = 0; arr && (leg = contact_leg(c, i, &role)) != NULL; i++) {
		const struct sa *ra = leg_raddr(leg);

		raddr[0] = '\0';
		if (sa_isset(ra, SA_ALL))
			re_snprintf(raddr, sizeof(raddr), "%J", ra);
		json_array_append_new(arr, json_pack(
			"{s:s, s:s, s:s, s:b, s:b, s:s?}",
			"role", role,
			"state", leg_state_name(leg_state(leg)),
			"codec", leg_codec(leg) == MSTREAM_PCMA ? "PCMA" :
				"PCMU",
			"srtp", leg_srtp(leg),
			"held", leg_held(leg),
			"remote", raddr[0] ? raddr : NULL));
	}
	return arr;
}

/* $.Attributes as they stand (Connect's GetContactAttributes) */
static json_t *attrs_json(const struct strmap *m)
{
	json_t *o = json_object();
	size_t i, n = m ? strmap_count(m) : 0;

	for (i = 0; i < n; i++) {
		const struct strmap_ent *e = strmap_at(m, i);

		json_object_set_new(o, e->key, json_string(e->val));
	}
	return o;
}

static json_t *contact_json(struct api *api, const struct contact *c)
{
	const struct cdata *cd = contact_cdata(c);
	int hold = contact_hold_state(c);

	return json_pack("{s:s, s:s?, s:s?, s:s, s:s, s:s, s:s, s:o, s:s?,"
			 " s:o, s:{s:s, s:o, s:I}, s:o, s:o}",
		"ContactId", cd->contact_id,
		"flow", contact_flow_name(c),
		"action", contact_action_id(c),
		"caller", cd->customer_addr,
		"dialled", cd->system_addr,
		"state", contact_state_name(contact_state(c)),
		"phase", contact_phase_name(contact_state(c)),
		"started", ts(contact_started_ms(c)),
		"queue", cd->queue_name,
		"agent", agent_json(api, c),
		"hold",
			"state", hold_name(hold),
			"since", ts(contact_hold_since(c)),
			"holds", (json_int_t)contact_holds(c),
		"legs", legs_json(c),
		"attributes", attrs_json(cd->attrs));
}

bool api_contacts(struct api *api, struct http_conn *conn,
		  const struct http_msg *msg)
{
	struct pl id, verb;
	struct contact *c;
	bool post = !pl_strcmp(&msg->met, "POST");
	int err;

	if (!split(&msg->path, &id, &verb))
		return false;

	if (!pl_isset(&verb) && pl_strcmp(&msg->met, "GET")) {
		api_reply_error(conn, 405, "use GET");
		return true;
	}
	if (pl_isset(&verb) && !post) {
		api_reply_error(conn, 405, "use POST");
		return true;
	}

	c = api_contact(api, &id);
	if (!c) {
		api_reply_error(conn, 404, "no such live contact");
		return true;
	}

	if (pl_isset(&verb)) {
		err = contact_hold(c, !pl_strcmp(&verb, "hold"));
		if (err == ENOTCONN) {
			api_reply_error(conn, 409, "the contact is not "
					"connected to an agent");
			return true;
		}
		if (err) {
			api_reply_error(conn, 500, "hold failed");
			return true;
		}
	}
	api_reply_json(conn, 200, contact_json(api, c));
	return true;
}
