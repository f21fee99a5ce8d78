/**
 * @file api_recording.c  Pausing a live contact's call recording, e.g.
 * while the caller reads out a card number:
 *
 *   POST /v1/contacts/{id}/recording/pause
 *   POST /v1/contacts/{id}/recording/resume
 *
 * 200 {"ContactId", "Location", "Paused"}; 404 unknown contact; 409 the
 * contact is not being recorded now (or too many pauses). The paused span
 * is silence in the file and listed in the record's PausedSpans.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/contact/contact.h>
#include "api_priv.h"

/* "/v1/contacts/<id>/recording/<verb>" -> id, verb */
static bool split(const struct pl *path, struct pl *id, struct pl *verb)
{
	static const char pre[] = "/v1/contacts/", mid[] = "/recording/";
	const size_t prel = sizeof(pre) - 1, midl = sizeof(mid) - 1;
	const char *p, *end = path->p + path->l;

	if (path->l <= prel || strncmp(path->p, pre, prel))
		return false;
	id->p = path->p + prel;
	p = memchr(id->p, '/', (size_t)(end - id->p));
	if (!p || (size_t)(end - p) <= midl || memcmp(p, mid, midl))
		return false;
	id->l = (size_t)(p - id->p);
	verb->p = p + midl;
	verb->l = (size_t)(end - verb->p);
	return id->l > 0 && !memchr(verb->p, '/', verb->l);
}

bool api_recording(struct api *api, struct http_conn *conn,
		   const struct http_msg *msg)
{
	struct pl id, verb;
	struct contact *c;
	bool pause;
	int err;

	if (!split(&msg->path, &id, &verb))
		return false;

	if (!pl_strcmp(&verb, "pause"))
		pause = true;
	else if (!pl_strcmp(&verb, "resume"))
		pause = false;
	else {
		api_reply_error(conn, 404, "use recording/pause or "
				"recording/resume");
		return true;
	}
	if (pl_strcmp(&msg->met, "POST")) {
		api_reply_error(conn, 405, "use POST");
		return true;
	}

	c = api_contact(api, &id);
	if (!c) {
		api_reply_error(conn, 404, "no such live contact");
		return true;
	}
	err = contact_recording_pause(c, pause);
	if (err == ENOENT) {
		api_reply_error(conn, 409, "the contact is not being recorded");
		return true;
	}
	if (err) {
		api_reply_error(conn, 409, err == EOVERFLOW ?
				"too many pauses" : "cannot change the "
				"recording");
		return true;
	}
	api_reply_json(conn, 200, json_pack("{s:s, s:s?, s:b}",
		"ContactId", contact_cdata(c)->contact_id,
		"Location", contact_recording_location(c),
		"Paused", contact_recording_paused(c)));
	return true;
}
