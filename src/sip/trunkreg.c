/**
 * @file trunkreg.c  REGISTER with the carrier's trunk (libre's sipreg),
 * digest authentication with the trunk's credentials.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/sip/outbound.h>
#include <callflowd/sip/trunkreg.h>

struct trunkreg {
	struct sipreg *reg;
	char *reg_uri, *aor, *user, *pass;
	uint32_t expires;
	bool registered;
	uint16_t last_scode;
	uint32_t granted;
	uint64_t count;
};

static void destructor(void *arg)
{
	struct trunkreg *tr = arg;

	/* libre unregisters (expires 0) as the client goes */
	mem_deref(tr->reg);
	mem_deref(tr->reg_uri);
	mem_deref(tr->aor);
	mem_deref(tr->user);
	mem_deref(tr->pass);
}

static int auth_h(char **username, char **password, const char *realm,
		  void *arg)
{
	struct trunkreg *tr = arg;
	int err;

	(void)realm;
	err = str_dup(username, tr->user);
	if (!err)
		err = str_dup(password, tr->pass);
	return err;
}

static void resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct trunkreg *tr = arg;
	bool was = tr->registered;

	if (err) {
		tr->registered = false;
		tr->last_scode = 0;
		log_warn("trunk: registration of %s failed: %m", tr->aor, err);
		return;
	}
	tr->last_scode = msg->scode;
	if (msg->scode >= 200 && msg->scode < 300) {
		tr->registered = true;
		tr->granted = sipreg_proxy_expires(tr->reg);
		++tr->count;
		if (!was)
			log_info("trunk: registered as %s (%u s)", tr->aor,
				 tr->granted ? tr->granted : tr->expires);
		else
			log_debug("trunk: registration of %s refreshed",
				  tr->aor);
	}
	else if (msg->scode >= 300) {
		tr->registered = false;
		log_warn("trunk: registration of %s refused: %u %r", tr->aor,
			 msg->scode, &msg->reason);
	}
}

static int params(struct outbound **obp, char **reg_urip, char **aorp,
		  uint32_t *expiresp, const struct config *cfg)
{
	int err = outbound_alloc(obp, cfg, NULL, 0);

	if (err)
		return ENOENT;
	err = outbound_registration(*obp, reg_urip, aorp, expiresp);
	if (err)
		*obp = mem_deref(*obp);
	return err;
}

int trunkreg_alloc(struct trunkreg **trp, struct sip *sip,
		   const struct config *cfg)
{
	struct outbound *ob = NULL;
	const char *user, *pass;
	struct trunkreg *tr;
	int err;

	if (!trp || !sip || !cfg)
		return EINVAL;
	tr = mem_zalloc(sizeof(*tr), destructor);
	if (!tr)
		return ENOMEM;
	err = params(&ob, &tr->reg_uri, &tr->aor, &tr->expires, cfg);
	if (err)
		goto out;
	outbound_auth(ob, &user, &pass);
	err = str_dup(&tr->user, user);
	if (!err)
		err = str_dup(&tr->pass, pass ? pass : "");
	if (!err)
		err = sipreg_register(&tr->reg, sip, tr->reg_uri, tr->aor,
				      NULL, tr->aor, tr->expires, "callflowd",
				      NULL, 0, 0, auth_h, tr, false, resp_h, tr,
				      NULL, NULL);
	if (!err)
		log_info("trunk: registering as %s with %s every %u s",
			 tr->aor, tr->reg_uri, tr->expires);
 out:
	mem_deref(ob);
	if (err)
		mem_deref(tr);
	else
		*trp = tr;
	return err;
}

bool trunkreg_same(const struct trunkreg *tr, const struct config *cfg)
{
	struct outbound *ob = NULL;
	char *reg_uri = NULL, *aor = NULL;
	const char *user = NULL, *pass = NULL;
	uint32_t expires = 0;
	bool same;

	if (params(&ob, &reg_uri, &aor, &expires, cfg))
		return !tr;
	outbound_auth(ob, &user, &pass);
	same = tr && !strcmp(reg_uri, tr->reg_uri) && !strcmp(aor, tr->aor) &&
		expires == tr->expires && !strcmp(user, tr->user) &&
		!strcmp(pass ? pass : "", tr->pass);
	mem_deref(ob);
	mem_deref(reg_uri);
	mem_deref(aor);
	return same;
}

void trunkreg_state(const struct trunkreg *tr, struct trunkreg_state *st)
{
	memset(st, 0, sizeof(*st));
	if (!tr)
		return;
	st->registered = tr->registered;
	st->last_scode = tr->last_scode;
	st->expires_s = tr->granted ? tr->granted : tr->expires;
	st->registrations = tr->count;
	st->aor = tr->aor;
}
