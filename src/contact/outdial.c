/**
 * @file outdial.c  Dialling a number through the outbound trunk, as every
 * leg kind that calls out does (a third party, a callback's customer,
 * later outbound and campaign calls): the trunk's current policy (a
 * reload may have tightened it), its caller ID and media policy.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/sip/outbound.h>
#include <callflowd/call/callenv.h>
#include <callflowd/call/leg.h>
#include "contact_priv.h"

int contact_outdial(struct leg **legp, struct contact *c,
		    const struct outdial *od, const struct leg_handlers *h)
{
	struct outbound *ob = NULL;
	struct leg_dial d;
	char *uri = NULL, *from = NULL, *hdrs = NULL, name[96];
	const char *cid;
	int err;

	if (!legp || !c || !od || !od->number || !h)
		return EINVAL;
	err = outbound_alloc(&ob, c->cfg, NULL, 0);
	if (err)
		return ENOENT;	/* no (usable) outbound section */
	if (!outbound_allowed(ob, od->number)) {
		err = EPERM;
		goto out;
	}

	cid = od->cid_num ? od->cid_num : outbound_caller_id(ob);
	if (!cid)
		cid = od->cid_fallback && od->cid_fallback[0] ?
			od->cid_fallback : "callflowd";
	err = outbound_uri(&uri, ob, od->number);
	if (!err)
		err = callenv_from_uri(&from, c->cc->calls, cid);
	if (!err)
		err = re_sdprintf(&hdrs, "X-Callflowd-Contact-Id: %s\r\n",
				  c->cd->contact_id);
	if (err)
		goto out;

	memset(&d, 0, sizeof(d));
	d.uri = uri;
	d.from_uri = from;
	d.from_name = od->cid_name;
	d.hdrs = hdrs;
	d.ring_ms = od->ring_ms;
	outbound_auth(ob, &d.auth_user, &d.auth_pass);
	re_snprintf(name, sizeof(name), "contact %s %s %s", c->cd->contact_id,
		    od->what, od->number);
	err = leg_dial(legp, c->cc->calls, &d, outbound_media(ob), h, name);
	if (!err)
		log_info("contact %s: calling %s (%s) as %s", c->cd->contact_id,
			 od->number, uri, cid);

 out:
	mem_deref(ob);
	mem_deref(uri);
	mem_deref(from);
	mem_deref(hdrs);
	return err;
}
