/**
 * @file flowjson.c  The Flow Language document inside the shapes a flow
 * comes in: the document itself, an export wrapper ({"Name", "Type",
 * "Content": "<document as a string>"}) or what `aws connect
 * describe-contact-flow` prints ({"ContactFlow": {... "Content": ...}}).
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include "ctl.h"

int ctl_flow_content(json_t **contentp, const json_t *doc)
{
	const json_t *w = doc, *c;
	json_t *out;

	if (!contentp || !json_is_object(doc))
		return EINVAL;
	if (json_is_object(json_object_get(doc, "ContactFlow")))
		w = json_object_get(doc, "ContactFlow");
	if (json_is_array(json_object_get(w, "Actions"))) {
		*contentp = json_incref((json_t *)w);
		return 0;
	}
	c = json_object_get(w, "Content");
	if (json_is_object(c)) {
		out = json_incref((json_t *)c);
	}
	else if (json_is_string(c)) {
		out = json_loads(json_string_value(c), 0, NULL);
		if (!out)
			return EBADMSG;
	}
	else {
		return EBADMSG;
	}
	if (!json_is_array(json_object_get(out, "Actions"))) {
		json_decref(out);
		return EBADMSG;
	}
	*contentp = out;
	return 0;
}
