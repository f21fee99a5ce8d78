/**
 * @file api_transfer.c  POST /v1/contacts/{id}/transfer: hand a live
 * contact to a queue, an agent or a phone number.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/contact/contact.h>
#include "api_priv.h"

/* "/v1/contacts/<id>/transfer" -> id */
static bool split(const struct pl *path, struct pl *id)
{
	static const char pre[] = "/v1/contacts/", post[] = "/transfer";
	const size_t prel = sizeof(pre) - 1, postl = sizeof(post) - 1;

	if (path->l <= prel + postl || strncmp(path->p, pre, prel) ||
	    memcmp(path->p + path->l - postl, post, postl))
		return false;
	id->p = path->p + prel;
	id->l = path->l - prel - postl;
	return id->l > 0 && !memchr(id->p, '/', id->l);
}

static uint16_t status_of(int err)
{
	switch (err) {
	case EINVAL:	return 400;
	case EPERM:	return 403;
	case ENOENT:	return 404;
	default:	return 409;
	}
}

static void transfer(struct api *api, struct http_conn *conn,
		     const struct http_msg *msg, const struct pl *id)
{
	static const char *const keys[] = {"queue", "agent", "number"};
	char old[40], errbuf[160] = "";
	const char *target = NULL;
	enum contact_xfer_kind kind = CONTACT_XFER_QUEUE;
	struct contact *c;
	json_error_t jerr;
	json_t *body;
	size_t i, n = 0;
	int err;

	body = msg->mb && mbuf_get_left(msg->mb) ?
		json_loadb((const char *)mbuf_buf(msg->mb),
			   mbuf_get_left(msg->mb), 0, &jerr) : NULL;
	for (i = 0; json_is_object(body) && i < 3; i++) {
		json_t *v = json_object_get(body, keys[i]);

		if (!v)
			continue;
		++n;
		target = json_string_value(v);
		kind = (enum contact_xfer_kind)i;
	}
	if (!json_is_object(body) || n != 1 || json_object_size(body) != 1 ||
	    !target || !target[0]) {
		json_decref(body);
		api_reply_error(conn, 400, "expected one of {\"queue\": "
				"\"<name>\"}, {\"agent\": \"<username>\"}, "
				"{\"number\": \"<E.164>\"}");
		return;
	}

	c = api_contact(api, id);
	if (!c) {
		json_decref(body);
		api_reply_error(conn, 404, "no such live contact");
		return;
	}

	str_ncpy(old, contact_cdata(c)->contact_id, sizeof(old));
	err = contact_transfer(c, kind, target, errbuf, sizeof(errbuf));
	if (err) {
		json_decref(body);
		api_reply_error(conn, status_of(err), errbuf[0] ? errbuf :
				"transfer failed");
		return;
	}

	/* a queue or agent transfer opened the next segment */
	api_reply_json(conn, 200, json_pack("{s:s, s:s, s:s, s:s}",
		"ContactId", old,
		"CurrentContactId", contact_cdata(c)->contact_id,
		"to", keys[kind],
		"target", target));
	json_decref(body);
}

bool api_transfer(struct api *api, struct http_conn *conn,
		  const struct http_msg *msg)
{
	struct pl id;

	if (!split(&msg->path, &id))
		return false;
	if (pl_strcmp(&msg->met, "POST"))
		api_reply_error(conn, 405, "use POST");
	else
		transfer(api, conn, msg, &id);
	return true;
}
