/**
 * @file trunk.c  Trunks: who may send us calls, and on what terms.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/numplan.h>
#include <callflowd/core/util.h>
#include <callflowd/sip/sipserver.h>

static int cidr_parse(struct trunk_cidr *c, const char *s)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	long bits;
	int err;

	if (len >= sizeof(buf))
		return EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';

	err = sa_set_str(&c->addr, buf, 0);
	if (err)
		return EINVAL;

	if (slash) {
		char *end;

		bits = strtol(slash + 1, &end, 10);
		if (*end || bits < 0 ||
		    bits > (sa_af(&c->addr) == AF_INET ? 32 : 128))
			return EINVAL;
	}
	else {
		bits = sa_af(&c->addr) == AF_INET ? 32 : 128;
	}
	c->bits = (uint8_t)bits;
	return 0;
}

bool trunk_cidr_match(const struct trunk_cidr *c, const struct sa *addr)
{
	const uint8_t *a, *b;
	uint8_t bits = c->bits, i;

	if (sa_af(addr) != sa_af(&c->addr))
		return false;

	if (sa_af(addr) == AF_INET) {
		a = (const uint8_t *)&c->addr.u.in.sin_addr;
		b = (const uint8_t *)&addr->u.in.sin_addr;
	}
	else {
		a = (const uint8_t *)&c->addr.u.in6.sin6_addr;
		b = (const uint8_t *)&addr->u.in6.sin6_addr;
	}

	for (i = 0; bits >= 8; i++, bits -= 8) {
		if (a[i] != b[i])
			return false;
	}
	if (bits) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits));

		if ((a[i] & mask) != (b[i] & mask))
			return false;
	}
	return true;
}

static void trunks_destructor(void *arg)
{
	struct trunk *t = arg;
	size_t i;

	for (i = 0; t[i].name; i++) {
		mem_deref(t[i].name);
		mem_deref(t[i].allow);
		mem_deref(t[i].username);
		mem_deref(t[i].password);
	}
}

static int fail(char *errbuf, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (errbuf && errsz)
		(void)re_vsnprintf(errbuf, errsz, fmt, ap);
	va_end(ap);
	return EINVAL;
}


int trunk_media_parse(struct sdp_policy *mp, const json_t *obj,
		      const char *path, char *errbuf, size_t errsz)
{
	const json_t *v;
	size_t j;

	if (!mp || !path)
		return EINVAL;
	memset(mp, 0, sizeof(*mp));
	mp->srtp = SDES_OFF;
	v = json_object_get(obj, "srtp");
	if (v && (!json_is_string(v) ||
		  sdes_policy_parse(&mp->srtp, json_string_value(v))))
		return fail(errbuf, errsz, "%s.srtp: expected off, optional "
			    "or mandatory", path);

	v = json_object_get(obj, "codecs");
	if (!v) {
		mp->codecv[mp->codecc++] = MSTREAM_PCMU;
		mp->codecv[mp->codecc++] = MSTREAM_PCMA;
		return 0;
	}
	if (!json_is_array(v) || !json_array_size(v) ||
	    json_array_size(v) > 2)
		return fail(errbuf, errsz, "%s.codecs: expected a list of "
			    "PCMU and/or PCMA", path);
	for (j = 0; j < json_array_size(v); j++) {
		const char *c = json_string_value(json_array_get(v, j));
		enum mstream_codec codec;

		if (c && !strcasecmp(c, "PCMU"))
			codec = MSTREAM_PCMU;
		else if (c && !strcasecmp(c, "PCMA"))
			codec = MSTREAM_PCMA;
		else
			return fail(errbuf, errsz, "%s.codecs[%zu]: PCMU or "
				    "PCMA", path, j);
		if (mp->codecc && mp->codecv[0] == codec)
			return fail(errbuf, errsz, "%s.codecs[%zu]: listed "
				    "twice", path, j);
		mp->codecv[mp->codecc++] = codec;
	}
	return 0;
}

int trunks_parse(struct trunk **trunksp, size_t *countp,
		 const void *json_trunks, char *errbuf, size_t errsz)
{
	const json_t *arr = json_trunks;
	struct trunk *tv;
	size_t i, n;
	int err = 0;

	if (!trunksp || !countp)
		return EINVAL;

	n = arr ? json_array_size(arr) : 0;
	if (arr && !json_is_array(arr))
		return fail(errbuf, errsz, "trunks: expected a list");

	/* one spare zeroed entry ends the array for the destructor */
	tv = mem_zalloc((n + 1) * sizeof(*tv), trunks_destructor);
	if (!tv)
		return ENOMEM;

	for (i = 0; i < n && !err; i++) {
		const json_t *o = json_array_get(arr, i), *v;
		struct trunk *t = &tv[i];
		char path[32];
		size_t j;

		if (!json_is_object(o)) {
			err = fail(errbuf, errsz, "trunks[%zu]: expected an "
				   "object", i);
			break;
		}
		v = json_object_get(o, "name");
		if (!json_is_string(v)) {
			err = fail(errbuf, errsz, "trunks[%zu].name: expected "
				   "a string", i);
			break;
		}
		err = str_dup(&t->name, json_string_value(v));
		if (err)
			break;

		v = json_object_get(o, "allow");
		if (!json_is_array(v) || !json_array_size(v)) {
			err = fail(errbuf, errsz, "trunks[%zu].allow: expected "
				   "a list of addresses or CIDRs", i);
			break;
		}
		t->allowc = json_array_size(v);
		t->allow = mem_zalloc(t->allowc * sizeof(*t->allow), NULL);
		if (!t->allow) {
			err = ENOMEM;
			break;
		}
		for (j = 0; j < t->allowc; j++) {
			const json_t *a = json_array_get(v, j);

			if (!json_is_string(a) ||
			    cidr_parse(&t->allow[j], json_string_value(a))) {
				err = fail(errbuf, errsz, "trunks[%zu].allow[%zu]"
					   ": not an address or CIDR", i, j);
				break;
			}
		}
		if (err)
			break;

		(void)re_snprintf(path, sizeof(path), "trunks[%zu]", i);
		err = trunk_media_parse(&t->media, o, path, errbuf, errsz);
		if (err)
			break;
		v = json_object_get(o, "country");
		if (v) {
			t->plan = numplan_find(json_string_value(v));
			if (!t->plan) {
				err = fail(errbuf, errsz, "trunks[%zu].country: "
					   "expected one of %s", i,
					   numplan_countries());
				break;
			}
		}

		v = json_object_get(o, "username");
		if (json_is_string(v))
			err = str_dup(&t->username, json_string_value(v));
		v = json_object_get(o, "password");
		if (!err && json_is_string(v))
			err = str_dup(&t->password, json_string_value(v));
	}

	if (err) {
		mem_deref(tv);
		return err;
	}

	*trunksp = tv;
	*countp = n;
	return 0;
}

int trunk_e164(char *out, size_t sz, const struct trunk *t, const char *in)
{
	if (t && t->plan)
		return numplan_e164(out, sz, in, t->plan);
	/* no plan: the digits as given, as before trunks had countries */
	return util_e164(out, sz, in);
}
