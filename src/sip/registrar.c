/**
 * @file registrar.c  REGISTER with digest authentication, bindings with
 * expiry, lock-out after repeated failures.
 *
 * Credentials are digest HA1 hashes, MD5(username:realm:password), from
 * the agent's "ha1" (or derived from a plain-text "password", with a
 * warning). Failures lock out the source address quickly; a user is
 * locked only when failures for it pile up from many sources, so one
 * attacker cannot lock a correctly configured phone out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/audit.h>
#include <callflowd/core/log.h>
#include <callflowd/sip/registrar.h>
#include <callflowd/core/util.h>

#define NONCE_TTL_MS     (5 * 60 * 1000)
/* a source's failures count within a minute */
#define FAIL_WINDOW_MS   (60 * 1000)
#define FAIL_SLOTS       256
#define PURGE_MS         1000

struct reg_agent {
	struct le le;
	char *user;
	uint8_t ha1[16];	/* MD5(user:realm:password) */
	struct list bindings;	/* struct reg_binding, newest first */
	bool keep;		/* reload mark */
	uint32_t fails;		/* failures in the current user window */
	uint64_t fail_t0;
	uint64_t locked_until;
	uint32_t locked_fails;	/* failures that locked it */
};

struct fail_slot {
	struct sa addr;
	uint32_t fails;
	uint64_t t0;
	uint64_t locked_until;
	uint32_t locked_fails;
};

struct registrar {
	struct sip *sip;
	struct audit *audit;
	struct registrar_conf conf;
	char realm[64];
	uint8_t secret[20];
	struct list agents;
	struct fail_slot fails[FAIL_SLOTS];
	struct tmr purge;
	registrar_change_h *changeh;
	registrar_drop_h *droph;
	void *arg;
	void *drop_arg;
};

static void binding_destructor(void *arg)
{
	struct reg_binding *b = arg;

	list_unlink(&b->le);
	mem_deref(b->uri);
}

static void agent_destructor(void *arg)
{
	struct reg_agent *a = arg;

	list_flush(&a->bindings);
	list_unlink(&a->le);
	mem_deref(a->user);
}

static void destructor(void *arg)
{
	struct registrar *reg = arg;

	tmr_cancel(&reg->purge);
	list_flush(&reg->agents);
	mem_deref(reg->audit);
}

static struct reg_agent *agent_find(const struct registrar *reg,
				 const struct pl *user)
{
	struct le *le;

	for (le = list_head(&reg->agents); le; le = le->next) {
		struct reg_agent *a = le->data;

		if (!pl_strcmp(user, a->user))
			return a;
	}
	return NULL;
}

/* Forget one binding; tell who cares which device went. */
static void binding_drop(struct registrar *reg, struct reg_agent *a,
			 struct reg_binding *b)
{
	char *uri;

	if (!b)
		return;
	uri = mem_ref(b->uri);
	mem_deref(b);
	if (reg->droph)
		reg->droph(a->user, uri, reg->drop_arg);
	mem_deref(uri);
}

/* Drop expired bindings; tell when an agent lost its last one. */
static void purge(struct registrar *reg, struct reg_agent *a, uint64_t now)
{
	bool had = !list_isempty(&a->bindings);
	struct le *le = list_head(&a->bindings);

	while (le) {
		struct reg_binding *b = le->data;

		le = le->next;
		if (b->expires_ms <= now)
			binding_drop(reg, a, b);
	}
	if (had && list_isempty(&a->bindings) && reg->changeh)
		reg->changeh(a->user, false, reg->arg);
}

static void purge_tmr(void *arg)
{
	struct registrar *reg = arg;
	uint64_t now = util_mono_ms();
	struct le *le;

	for (le = list_head(&reg->agents); le; le = le->next)
		purge(reg, le->data, now);
	tmr_start(&reg->purge, PURGE_MS, purge_tmr, reg);
}

int registrar_alloc(struct registrar **regp, struct sip *sip,
		    const struct registrar_conf *conf, struct audit *audit,
		    registrar_change_h *changeh, void *arg)
{
	struct registrar *reg;
	int err;

	if (!regp || !sip)
		return EINVAL;

	reg = mem_zalloc(sizeof(*reg), destructor);
	if (!reg)
		return ENOMEM;

	reg->sip = sip;
	reg->audit = mem_ref(audit);
	if (conf)
		reg->conf = *conf;
	str_ncpy(reg->realm, reg->conf.realm ? reg->conf.realm : "callflowd",
		 sizeof(reg->realm));
	reg->conf.realm = reg->realm;
	if (!reg->conf.min_expires_s)
		reg->conf.min_expires_s = 60;
	if (!reg->conf.max_expires_s)
		reg->conf.max_expires_s = 3600;
	if (!reg->conf.max_bindings)
		reg->conf.max_bindings = 5;
	if (!reg->conf.max_failures)
		reg->conf.max_failures = 5;
	if (!reg->conf.lockout_s)
		reg->conf.lockout_s = 300;
	if (!reg->conf.user_max_failures)
		reg->conf.user_max_failures = 50;
	if (!reg->conf.user_window_s)
		reg->conf.user_window_s = 600;
	reg->changeh = changeh;
	reg->arg = arg;

	/* nonces are HMACs under a secret that dies with the process */
	err = util_random(reg->secret, sizeof(reg->secret));
	if (err) {
		mem_deref(reg);
		return err;
	}

	tmr_init(&reg->purge);
	tmr_start(&reg->purge, PURGE_MS, purge_tmr, reg);

	*regp = reg;
	return 0;
}

int registrar_ha1(uint8_t ha1[16], const char *user, const char *realm,
		  const char *password)
{
	char *src = NULL;
	int err;

	if (!ha1 || !user || !realm || !password)
		return EINVAL;
	err = re_sdprintf(&src, "%s:%s:%s", user, realm, password);
	if (err)
		return err;
	md5((const uint8_t *)src, strlen(src), ha1);
	memset(src, 0, strlen(src));	/* the password in it */
	mem_deref(src);
	return 0;
}

/* An agent's HA1 from "ha1" (32 hex digits) or, with a warning, from a
 * plain-text "password". ENOENT: neither, the agent cannot register. */
static int agent_ha1(uint8_t ha1[16], const struct registrar *reg,
		     const json_t *o, const char *user)
{
	const json_t *hv = json_object_get(o, "ha1");
	const char *pass = json_string_value(json_object_get(o, "password"));
	const char *hex = json_string_value(hv);
	size_t k;

	if (hv) {
		if (!hex || strlen(hex) != 32 ||
		    strspn(hex, "0123456789abcdefABCDEF") != 32) {
			log_error("registrar: agent %s: ha1: expected 32 hex "
				  "digits, MD5(username:realm:password) as "
				  "'callflowctl passwd' prints it; it cannot "
				  "register", user);
			return EINVAL;
		}
		for (k = 0; k < 16; k++) {
			char b[3] = {hex[2 * k], hex[2 * k + 1], 0};

			ha1[k] = (uint8_t)strtoul(b, NULL, 16);
		}
		if (pass)
			log_warn("registrar: agent %s: both ha1 and a "
				 "plain-text password; the password is "
				 "ignored: remove it", user);
		return 0;
	}
	if (!pass)
		return ENOENT;
	log_warn("registrar: agent %s: plain-text password in the "
		 "configuration; store its hash instead: \"ha1\" from "
		 "'callflowctl passwd %s --realm %s'", user, user, reg->realm);
	return registrar_ha1(ha1, user, reg->realm, pass);
}

int registrar_set_agents(struct registrar *reg, const json_t *agents)
{
	struct le *le;
	size_t i;
	int err = 0;

	if (!reg)
		return EINVAL;

	for (le = list_head(&reg->agents); le; le = le->next)
		((struct reg_agent *)le->data)->keep = false;

	for (i = 0; i < json_array_size(agents); i++) {
		const json_t *o = json_array_get(agents, i);
		const char *user = json_string_value(
			json_object_get(o, "username"));
		uint8_t ha1[16];
		struct reg_agent *a;
		struct pl upl;

		if (!user || agent_ha1(ha1, reg, o, user))
			continue;	/* no credential: cannot register */

		pl_set_str(&upl, user);
		a = agent_find(reg, &upl);
		if (!a) {
			a = mem_zalloc(sizeof(*a), agent_destructor);
			if (!a || str_dup(&a->user, user)) {
				mem_deref(a);
				err = ENOMEM;
				break;
			}
			list_append(&reg->agents, &a->le, a);
		}
		a->keep = true;
		memcpy(a->ha1, ha1, sizeof(a->ha1));
		memset(ha1, 0, sizeof(ha1));
	}

	le = list_head(&reg->agents);
	while (le) {
		struct reg_agent *a = le->data;

		le = le->next;
		if (!a->keep) {
			if (!list_isempty(&a->bindings) && reg->changeh)
				reg->changeh(a->user, false, reg->arg);
			mem_deref(a);
		}
	}
	return err;
}

/* nonce = <ms hex>.<hmac hex>: ours and fresh, without any state */
static void nonce_make(const struct registrar *reg, char *buf, size_t sz,
		       uint64_t t)
{
	uint8_t mac[20];
	char ts[20];

	re_snprintf(ts, sizeof(ts), "%llx", (unsigned long long)t);
	hmac_sha1(reg->secret, sizeof(reg->secret), (const uint8_t *)ts,
		  strlen(ts), mac, sizeof(mac));
	re_snprintf(buf, sz, "%s.%w", ts, mac, (size_t)10);
}

/* 0 valid, ETIMEDOUT ours but stale, EINVAL not ours */
static int nonce_check(const struct registrar *reg, const struct pl *nonce)
{
	char want[64], ts[20];
	uint64_t t;
	struct pl p1, p2;

	if (re_regex(nonce->p, nonce->l, "[0-9a-f]+.[0-9a-f]+", &p1, &p2) ||
	    p1.l >= sizeof(ts))
		return EINVAL;
	pl_strcpy(&p1, ts, sizeof(ts));
	t = strtoull(ts, NULL, 16);
	nonce_make(reg, want, sizeof(want), t);
	if (pl_strcmp(nonce, want))
		return EINVAL;
	if (util_now_ms() - t > NONCE_TTL_MS)
		return ETIMEDOUT;
	return 0;
}

static void challenge(struct registrar *reg, const struct sip_msg *msg,
		      bool stale)
{
	char nonce[64];

	nonce_make(reg, nonce, sizeof(nonce), util_now_ms());
	(void)sip_treplyf(NULL, NULL, reg->sip, msg, false, 401,
			  "Unauthorized",
			  "WWW-Authenticate: Digest realm=\"%s\", "
			  "nonce=\"%s\", algorithm=MD5, qop=\"auth\"%s\r\n"
			  "Content-Length: 0\r\n\r\n", reg->realm, nonce,
			  stale ? ", stale=true" : "");
}

static struct fail_slot *fail_slot(struct registrar *reg,
				   const struct sa *src)
{
	struct fail_slot *s = &reg->fails[sa_hash(src, SA_ADDR) % FAIL_SLOTS];

	if (!sa_cmp(&s->addr, src, SA_ADDR)) {
		memset(s, 0, sizeof(*s));
		s->addr = *src;
	}
	return s;
}

/* The lock-out in the audit trail (none when there is no trail). */
static void audit_lockout(struct registrar *reg, const struct sa *src,
			  const char *user, uint32_t secs, uint32_t fails)
{
	char addr[64];

	if (!reg->audit)
		return;
	if (src)
		re_snprintf(addr, sizeof(addr), "%j", src);
	audit_event(reg->audit, "lockout", json_pack(
		"{s:s, s:I, s:I}", src ? "Source" : "User", src ? addr : user,
		"Seconds", (json_int_t)secs, "Failures", (json_int_t)fails));
}

/*
 * Count a failure. The source is locked after max_failures within a
 * minute: that stops a guesser at once and harms no one else. The user
 * is locked only after user_max_failures within user_window_s from any
 * number of sources (a spread-out attack), since locking the user locks
 * its own phones out too.
 */
static void count_failure(struct registrar *reg, struct fail_slot *s,
			  struct reg_agent *a, uint64_t now)
{
	uint64_t lock = (uint64_t)reg->conf.lockout_s * 1000;

	if (now - s->t0 > FAIL_WINDOW_MS) {
		s->t0 = now;
		s->fails = 0;
	}
	if (++s->fails >= reg->conf.max_failures && s->locked_until < now) {
		s->locked_until = now + lock;
		s->locked_fails = s->fails;
		s->fails = 0;
		log_warn("registrar: %j locked out for %u s after %u failed "
			 "logins", &s->addr, reg->conf.lockout_s,
			 s->locked_fails);
		audit_lockout(reg, &s->addr, NULL, reg->conf.lockout_s,
			      s->locked_fails);
	}
	if (!a)
		return;
	if (now - a->fail_t0 > (uint64_t)reg->conf.user_window_s * 1000) {
		a->fail_t0 = now;
		a->fails = 0;
	}
	if (++a->fails >= reg->conf.user_max_failures &&
	    a->locked_until < now) {
		a->locked_until = now + lock;
		a->locked_fails = a->fails;
		a->fails = 0;
		log_warn("registrar: user %s locked out for %u s after %u "
			 "failed logins from several sources", a->user,
			 reg->conf.lockout_s, a->locked_fails);
		audit_lockout(reg, NULL, a->user, reg->conf.lockout_s,
			      a->locked_fails);
	}
}

static uint32_t binding_expiry(const struct registrar *reg,
			       const struct sip_msg *msg,
			       const struct sip_addr *addr, bool *too_brief)
{
	struct pl ev;
	uint32_t exp = 3600;

	if (!msg_param_decode(&addr->params, "expires", &ev))
		exp = pl_u32(&ev);
	else if (pl_isset(&msg->expires))
		exp = pl_u32(&msg->expires);

	*too_brief = exp && exp < reg->conf.min_expires_s;
	if (exp > reg->conf.max_expires_s)
		exp = reg->conf.max_expires_s;
	return exp;
}

/* Apply the Contact headers of an authenticated REGISTER. */
static int bind_contacts(struct registrar *reg, struct reg_agent *a,
		const struct sip_msg *msg, uint16_t *scodep)
{
	uint64_t now = util_mono_ms();
	bool had = !list_isempty(&a->bindings);
	struct le *le;

	purge(reg, a, now);
	had = !list_isempty(&a->bindings);

	for (le = list_head(&msg->hdrl); le; le = le->next) {
		const struct sip_hdr *h = le->data;
		struct reg_binding *b = NULL;
		struct sip_addr addr;
		bool brief = false;
		uint32_t exp;
		struct le *bl;

		if (h->id != SIP_HDR_CONTACT)
			continue;

		if (!pl_strcmp(&h->val, "*")) {
			/* "*" with Expires: 0 removes every binding */
			if (!pl_isset(&msg->expires) || pl_u32(&msg->expires)) {
				*scodep = 400;
				return EINVAL;
			}
			while (list_head(&a->bindings))
				binding_drop(reg, a, list_ledata(
						     list_head(&a->bindings)));
			continue;
		}
		if (sip_addr_decode(&addr, &h->val)) {
			*scodep = 400;
			return EINVAL;
		}
		exp = binding_expiry(reg, msg, &addr, &brief);
		if (brief) {
			*scodep = 423;
			return EINVAL;
		}

		for (bl = list_head(&a->bindings); bl; bl = bl->next) {
			struct reg_binding *x = bl->data;

			if (!pl_strcmp(&addr.auri, x->uri)) {
				b = x;
				break;
			}
		}
		if (!exp) {
			binding_drop(reg, a, b);
			continue;
		}
		if (!b) {
			if (list_count(&a->bindings) >=
			    reg->conf.max_bindings) {
				/* the oldest device makes room */
				binding_drop(reg, a, list_ledata(
						     list_tail(&a->bindings)));
			}
			b = mem_zalloc(sizeof(*b), binding_destructor);
			if (!b || pl_strdup(&b->uri, &addr.auri)) {
				mem_deref(b);
				*scodep = 500;
				return ENOMEM;
			}
		}
		else {
			list_unlink(&b->le);
		}
		b->src = msg->src;
		b->tp = msg->tp;
		b->registered_ms = now;
		b->expires_ms = now + (uint64_t)exp * 1000;
		list_prepend(&a->bindings, &b->le, b);	/* newest first */
	}

	if (reg->changeh && had != !list_isempty(&a->bindings))
		reg->changeh(a->user, !had, reg->arg);
	return 0;
}

static void reply_ok(struct registrar *reg, const struct sip_msg *msg,
		     struct reg_agent *a)
{
	uint64_t now = util_mono_ms();
	struct mbuf *mb = mbuf_alloc(256);
	struct le *le;

	if (!mb)
		return;
	for (le = list_head(&a->bindings); le; le = le->next) {
		const struct reg_binding *b = le->data;

		(void)mbuf_printf(mb, "Contact: <%s>;expires=%llu\r\n",
				  b->uri, (unsigned long long)
				  ((b->expires_ms - now + 999) / 1000));
	}
	(void)sip_treplyf(NULL, NULL, reg->sip, msg, false, 200, "OK",
			  "%bContent-Length: 0\r\n\r\n", mb->buf, mb->end);
	mem_deref(mb);
}

bool registrar_handle(struct registrar *reg, const struct sip_msg *msg)
{
	const struct sip_hdr *auth;
	struct httpauth_digest_resp resp;
	struct fail_slot *slot;
	struct reg_agent *a = NULL;
	uint64_t now = util_now_ms();
	uint16_t scode = 0;
	int err;

	if (!reg || !msg || pl_strcmp(&msg->met, "REGISTER"))
		return false;

	slot = fail_slot(reg, &msg->src);
	if (slot->locked_until > now) {
		(void)sip_treply(NULL, reg->sip, msg, 403, "Forbidden");
		return true;
	}

	auth = sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION);
	if (!auth) {
		challenge(reg, msg, false);
		return true;
	}
	if (httpauth_digest_response_decode(&resp, &auth->val) ||
	    pl_strcmp(&resp.realm, reg->realm)) {
		count_failure(reg, slot, NULL, now);
		challenge(reg, msg, false);
		return true;
	}

	err = nonce_check(reg, &resp.nonce);
	if (err == ETIMEDOUT) {
		challenge(reg, msg, true);	/* old nonce: not a failure */
		return true;
	}

	a = agent_find(reg, &resp.username);
	if (a && a->locked_until > now) {
		(void)sip_treply(NULL, reg->sip, msg, 403, "Forbidden");
		return true;
	}

	/* unknown user and wrong password look the same from outside */
	if (err || !a ||
	    httpauth_digest_response_auth(&resp, &msg->met, a->ha1) ||
	    pl_cmp(&resp.username, &msg->to.uri.user)) {
		log_info("registrar: failed login for '%r' from %J",
			 &resp.username, &msg->src);
		count_failure(reg, slot, a, now);
		challenge(reg, msg, false);
		return true;
	}

	slot->fails = 0;	/* a typo or two before is forgiven */
	err = bind_contacts(reg, a, msg, &scode);
	if (err) {
		if (scode == 423) {
			(void)sip_treplyf(NULL, NULL, reg->sip, msg, false,
					  423, "Interval Too Brief",
					  "Min-Expires: %u\r\n"
					  "Content-Length: 0\r\n\r\n",
					  reg->conf.min_expires_s);
		}
		else {
			(void)sip_treply(NULL, reg->sip, msg, scode,
					 scode == 400 ? "Bad Request" :
					 "Server Internal Error");
		}
		return true;
	}

	log_debug("registrar: %s registered from %J (%u binding%s)", a->user,
		  &msg->src, list_count(&a->bindings),
		  list_count(&a->bindings) == 1 ? "" : "s");
	reply_ok(reg, msg, a);
	return true;
}

const struct reg_binding *registrar_lookup(const struct registrar *reg,
					   const char *username)
{
	uint64_t now = util_mono_ms();
	struct reg_agent *a;
	struct pl upl;
	struct le *le;

	if (!reg || !username)
		return NULL;
	pl_set_str(&upl, username);
	a = agent_find(reg, &upl);
	if (!a)
		return NULL;

	for (le = list_head(&a->bindings); le; le = le->next) {
		const struct reg_binding *b = le->data;

		if (b->expires_ms > now)
			return b;
	}
	return NULL;
}

void registrar_set_drop_handler(struct registrar *reg, registrar_drop_h *h,
				void *arg)
{
	if (!reg)
		return;
	reg->droph = h;
	reg->drop_arg = arg;
}

uint32_t registrar_count(const struct registrar *reg, const char *username)
{
	uint64_t now = util_mono_ms();
	struct reg_agent *a;
	struct pl upl;
	struct le *le;
	uint32_t n = 0;

	if (!reg || !username)
		return 0;
	pl_set_str(&upl, username);
	a = agent_find(reg, &upl);
	for (le = a ? list_head(&a->bindings) : NULL; le; le = le->next) {
		if (((struct reg_binding *)le->data)->expires_ms > now)
			++n;
	}
	return n;
}

/* A whole number 1..max at key of o into *v (unchanged when absent). */
static int policy_uint(uint32_t *v, const json_t *o, const char *key,
		       uint32_t max)
{
	const json_t *x = json_object_get(o, key);
	json_int_t n;

	if (!x)
		return 0;
	n = json_integer_value(x);
	if (!json_is_integer(x) || n < 1 || n > (json_int_t)max) {
		log_error("config: security.registrar.%s: expected a whole "
			  "number 1..%u", key, max);
		return EINVAL;
	}
	*v = (uint32_t)n;
	return 0;
}

int registrar_set_policy(struct registrar *reg, const json_t *policy)
{
	static const char *known[] = {
		"max_failures", "lockout_seconds", "user_max_failures",
		"user_window_seconds", NULL
	};
	struct registrar_conf c;
	const char *key;
	json_t *v;
	size_t i;
	int err = 0;

	if (!reg)
		return EINVAL;
	c = reg->conf;
	c.max_failures = 5;
	c.lockout_s = 300;
	c.user_max_failures = 50;
	c.user_window_s = 600;
	if (policy && !json_is_object(policy)) {
		log_error("config: security.registrar: expected an object");
		return EINVAL;
	}
	json_object_foreach((json_t *)policy, key, v) {
		for (i = 0; known[i] && strcmp(known[i], key); i++)
			;
		if (!known[i]) {
			log_error("config: security.registrar.%s: unknown key",
				  key);
			return EINVAL;
		}
	}
	err |= policy_uint(&c.max_failures, policy, "max_failures", 1000);
	err |= policy_uint(&c.lockout_s, policy, "lockout_seconds", 86400);
	err |= policy_uint(&c.user_max_failures, policy, "user_max_failures",
			   100000);
	err |= policy_uint(&c.user_window_s, policy, "user_window_seconds",
			   86400);
	if (err)
		return EINVAL;
	reg->conf = c;
	return 0;
}

static int lockout_append(json_t *arr, const char *kind, const char *name,
			  uint32_t fails, uint64_t until, uint64_t now)
{
	char ts[32];
	time_t t = (time_t)(until / 1000);
	struct tm tm;

	(void)gmtime_r(&t, &tm);
	re_snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
	return json_array_append_new(arr, json_pack(
		"{s:s, s:s, s:I, s:s, s:I}", "kind", kind, "name", name,
		"failures", (json_int_t)fails, "until", ts,
		"seconds_left", (json_int_t)((until - now + 999) / 1000)));
}

int registrar_lockouts(json_t **arrp, const struct registrar *reg)
{
	uint64_t now = util_now_ms();
	json_t *arr;
	struct le *le;
	size_t i;
	int err = 0;

	if (!arrp || !reg)
		return EINVAL;
	arr = json_array();
	if (!arr)
		return ENOMEM;
	for (i = 0; i < FAIL_SLOTS && !err; i++) {
		const struct fail_slot *s = &reg->fails[i];
		char addr[64];

		if (s->locked_until <= now)
			continue;
		re_snprintf(addr, sizeof(addr), "%j", &s->addr);
		err = lockout_append(arr, "source", addr, s->locked_fails,
				     s->locked_until, now);
	}
	for (le = list_head(&reg->agents); le && !err; le = le->next) {
		const struct reg_agent *a = le->data;

		if (a->locked_until > now)
			err = lockout_append(arr, "user", a->user,
					     a->locked_fails, a->locked_until,
					     now);
	}
	if (err) {
		json_decref(arr);
		return ENOMEM;
	}
	*arrp = arr;
	return 0;
}

int registrar_unlock(struct registrar *reg, const char *kind,
		     const char *name)
{
	uint64_t now = util_now_ms();

	if (!reg || !kind || !name)
		return EINVAL;
	if (!strcmp(kind, "source")) {
		struct fail_slot *s;
		struct sa sa;

		if (sa_set_str(&sa, name, 0))
			return EINVAL;
		s = &reg->fails[sa_hash(&sa, SA_ADDR) % FAIL_SLOTS];
		if (!sa_cmp(&s->addr, &sa, SA_ADDR) || s->locked_until <= now)
			return ENOENT;
		s->locked_until = 0;
		s->fails = 0;
		log_info("registrar: lock-out of %s cleared", name);
		return 0;
	}
	if (!strcmp(kind, "user")) {
		struct reg_agent *a;
		struct pl upl;

		pl_set_str(&upl, name);
		a = agent_find(reg, &upl);
		if (!a || a->locked_until <= now)
			return ENOENT;
		a->locked_until = 0;
		a->fails = 0;
		log_info("registrar: lock-out of user %s cleared", name);
		return 0;
	}
	return EINVAL;
}
