/**
 * @file outbound.c  The "outbound" section: where outbound INVITEs go,
 * with which caller ID, and which numbers may be dialled at all.
 */
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/sip/outbound.h>
#include <callflowd/core/numplan.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/core/util.h>

enum { MAX_PATTERNS = 64, E164_SZ = 24 };

struct outbound {
	struct sa trunk;
	bool tcp;
	struct sdp_policy media;
	const struct numplan *plan;	/* trunk.country */
	char *username, *password;	/* trunk's digest credentials */
	char *domain;			/* trunk.domain, else the address */
	uint32_t reg_expires;		/* trunk.register: 0 none */
	char caller_id[E164_SZ];
	regex_t *rev;
	size_t rec;
};

static void destructor(void *arg)
{
	struct outbound *ob = arg;
	size_t i;

	for (i = 0; i < ob->rec; i++)
		regfree(&ob->rev[i]);
	mem_deref(ob->rev);
	mem_deref(ob->username);
	mem_deref(ob->password);
	mem_deref(ob->domain);
}

static int fail(char *errbuf, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (errbuf && sz)
		(void)re_vsnprintf(errbuf, sz, fmt, ap);
	va_end(ap);
	return EINVAL;
}

/* The trunk's country (its national numbers), credentials and
 * registration. */
static int parse_account(struct outbound *ob, const json_t *t, char *errbuf,
			 size_t sz)
{
	const json_t *v;
	int err = 0;

	v = json_object_get(t, "country");
	if (v) {
		ob->plan = numplan_find(json_string_value(v));
		if (!ob->plan)
			return fail(errbuf, sz, "outbound.trunk.country: expected "
				    "one of %s", numplan_countries());
	}
	v = json_object_get(t, "username");
	if (v && (!json_is_string(v) || !json_string_length(v)))
		return fail(errbuf, sz, "outbound.trunk.username: a string");
	if (v)
		err = str_dup(&ob->username, json_string_value(v));
	v = json_object_get(t, "password");
	if (!err && v && (!json_is_string(v) || !ob->username))
		return fail(errbuf, sz, "outbound.trunk.password: a string, "
			    "with username");
	if (!err && v)
		err = str_dup(&ob->password, json_string_value(v));
	v = json_object_get(t, "domain");
	if (!err && v && !json_is_string(v))
		return fail(errbuf, sz, "outbound.trunk.domain: a host name");
	if (!err && v)
		err = str_dup(&ob->domain, json_string_value(v));
	v = json_object_get(t, "register");
	if (!err && v) {
		const json_t *e = json_object_get(v, "expires_seconds");

		if (json_is_true(v)) {
			ob->reg_expires = 3600;
		}
		else if (json_is_object(v) && (!e || (json_is_integer(e) &&
			 json_integer_value(e) >= 10 &&
			 json_integer_value(e) <= 86400))) {
			ob->reg_expires = e ? (uint32_t)json_integer_value(e) :
				3600;
		}
		else if (!json_is_false(v)) {
			return fail(errbuf, sz, "outbound.trunk.register: true, "
				    "false or {\"expires_seconds\": 10..86400}");
		}
		if (ob->reg_expires && !ob->username)
			return fail(errbuf, sz, "outbound.trunk.register: needs "
				    "username and password");
	}
	return err;
}

static int parse_trunk(struct outbound *ob, const json_t *t, char *errbuf,
		       size_t sz)
{
	const char *addr, *tp, *key;
	json_t *v;

	if (!json_is_object(t))
		return fail(errbuf, sz, "outbound.trunk: an object with "
			    "\"address\" (host:port) is required");
	json_object_foreach((json_t *)t, key, v) {
		if (strcmp(key, "address") && strcmp(key, "transport") &&
		    strcmp(key, "srtp") && strcmp(key, "codecs") &&
		    strcmp(key, "country") && strcmp(key, "username") &&
		    strcmp(key, "password") && strcmp(key, "domain") &&
		    strcmp(key, "register"))
			return fail(errbuf, sz, "outbound.trunk: unknown key "
				    "'%s'", key);
	}
	addr = json_string_value(json_object_get(t, "address"));
	if (!addr || sa_decode(&ob->trunk, addr, strlen(addr)) ||
	    !sa_port(&ob->trunk))
		return fail(errbuf, sz, "outbound.trunk.address: \"%s\" is not "
			    "host:port", addr ? addr : "(missing)");

	v = json_object_get(t, "transport");
	if (v) {
		tp = json_string_value(v);
		if (!tp || (strcasecmp(tp, "udp") && strcasecmp(tp, "tcp")))
			return fail(errbuf, sz, "outbound.trunk.transport: "
				    "\"udp\" or \"tcp\"");
		ob->tcp = !strcasecmp(tp, "tcp");
	}
	return parse_account(ob, t, errbuf, sz) ? EINVAL :
		trunk_media_parse(&ob->media, t, "outbound.trunk", errbuf, sz);
}

static int parse_patterns(struct outbound *ob, const json_t *a,
			  char *errbuf, size_t sz)
{
	size_t i, n;

	if (!a)
		return 0;	/* nothing may be dialled */
	if (!json_is_array(a))
		return fail(errbuf, sz, "outbound.allowed_patterns: a list of "
			    "regular expressions");
	n = json_array_size(a);
	if (n > MAX_PATTERNS)
		return fail(errbuf, sz, "outbound.allowed_patterns: at most "
			    "%u", MAX_PATTERNS);
	ob->rev = mem_zalloc((n ? n : 1) * sizeof(*ob->rev), NULL);
	if (!ob->rev)
		return ENOMEM;

	for (i = 0; i < n; i++) {
		const char *p = json_string_value(json_array_get(a, i));
		char msg[128];
		int e;

		if (!p || !p[0])
			return fail(errbuf, sz, "outbound.allowed_patterns[%zu]:"
				    " a non-empty string", i);
		e = regcomp(&ob->rev[i], p, REG_EXTENDED | REG_NOSUB);
		if (e) {
			regerror(e, &ob->rev[i], msg, sizeof(msg));
			return fail(errbuf, sz, "outbound.allowed_patterns[%zu]:"
				    " \"%s\": %s", i, p, msg);
		}
		ob->rec = i + 1;
	}
	return 0;
}

int outbound_alloc(struct outbound **obp, const struct config *cfg,
		   char *errbuf, size_t errsz)
{
	const json_t *sec;
	struct outbound *ob;
	const char *key, *cid;
	json_t *v;
	int err;

	if (!obp || !cfg)
		return EINVAL;
	sec = json_object_get(cfg->root, "outbound");
	if (!sec || json_is_null(sec))
		return ENOENT;
	if (!json_is_object(sec))
		return fail(errbuf, errsz, "outbound: an object");

	json_object_foreach((json_t *)sec, key, v) {
		if (strcmp(key, "trunk") && strcmp(key, "caller_id") &&
		    strcmp(key, "allowed_patterns"))
			return fail(errbuf, errsz, "outbound: unknown key '%s'",
				    key);
	}

	ob = mem_zalloc(sizeof(*ob), destructor);
	if (!ob)
		return ENOMEM;

	err = parse_trunk(ob, json_object_get(sec, "trunk"), errbuf, errsz);
	if (err)
		goto out;

	v = json_object_get(sec, "caller_id");
	if (v) {
		cid = json_string_value(v);
		if (!cid || util_e164(ob->caller_id, sizeof(ob->caller_id),
				      cid)) {
			err = fail(errbuf, errsz, "outbound.caller_id: not a "
				   "phone number");
			goto out;
		}
	}

	err = parse_patterns(ob, json_object_get(sec, "allowed_patterns"),
			     errbuf, errsz);
 out:
	if (err)
		mem_deref(ob);
	else
		*obp = ob;
	return err;
}

int outbound_check(const struct config *cfg, char *errbuf, size_t errsz)
{
	struct outbound *ob = NULL;
	int err = outbound_alloc(&ob, cfg, errbuf, errsz);

	mem_deref(ob);
	return err == ENOENT ? 0 : err;
}

bool outbound_allowed(const struct outbound *ob, const char *e164)
{
	size_t i;

	if (!ob || !e164 || !util_is_e164(e164))
		return false;
	for (i = 0; i < ob->rec; i++) {
		if (!regexec(&ob->rev[i], e164, 0, NULL, 0))
			return true;
	}
	return false;
}

int outbound_number(char *out, size_t sz, const struct outbound *ob,
		    const char *in)
{
	int err;

	if (!out || !in)
		return EINVAL;
	/* without a country only international numbers are numbers */
	err = numplan_e164(out, sz, in, ob ? ob->plan : NULL);
	return err ? err : util_is_e164(out) ? 0 : EINVAL;
}

void outbound_auth(const struct outbound *ob, const char **userp,
		   const char **passp)
{
	*userp = ob ? ob->username : NULL;
	*passp = ob ? ob->password : NULL;
}

int outbound_registration(const struct outbound *ob, char **reg_urip,
			  char **aorp, uint32_t *expiresp)
{
	int err;

	if (!ob || !ob->reg_expires)
		return ENOENT;
	err = re_sdprintf(reg_urip, "sip:%J%s", &ob->trunk,
			  ob->tcp ? ";transport=tcp" : "");
	if (!err) {
		if (ob->domain)
			err = re_sdprintf(aorp, "sip:%s@%s", ob->username,
					  ob->domain);
		else
			err = re_sdprintf(aorp, "sip:%s@%j", ob->username,
					  &ob->trunk);
	}
	if (err) {
		*reg_urip = mem_deref(*reg_urip);
		return err;
	}
	*expiresp = ob->reg_expires;
	return 0;
}

const struct sdp_policy *outbound_media(const struct outbound *ob)
{
	return ob ? &ob->media : NULL;
}

const char *outbound_caller_id(const struct outbound *ob)
{
	return ob && ob->caller_id[0] ? ob->caller_id : NULL;
}

int outbound_uri(char **urip, const struct outbound *ob, const char *number)
{
	if (!urip || !ob || !number)
		return EINVAL;
	return re_sdprintf(urip, "sip:%s@%J%s", number, &ob->trunk,
			   ob->tcp ? ";transport=tcp" : "");
}
