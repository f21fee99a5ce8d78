/**
 * @file query.c  The API's query strings: walking "k=v&..." and
 * percent-decoding keys, values and path parts, for every route file.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include "api_priv.h"

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int api_query_decode(char *buf, size_t sz, const struct pl *pl)
{
	size_t i, o = 0;

	if (!buf || !sz || !pl)
		return EINVAL;
	for (i = 0; i < pl->l; i++) {
		char ch = pl->p[i];

		if (ch == '%') {
			int hi, lo;

			if (i + 2 >= pl->l)
				return EINVAL;
			hi = hexval(pl->p[i + 1]);
			lo = hexval(pl->p[i + 2]);
			if (hi < 0 || lo < 0)
				return EINVAL;
			ch = (char)(hi << 4 | lo);
			i += 2;
		}
		if (!ch || o + 1 >= sz)
			return EINVAL;
		buf[o++] = ch;
	}
	buf[o] = '\0';
	return 0;
}

bool api_query_next(struct pl *rest, struct pl *k, struct pl *v)
{
	const char *amp, *eq;
	struct pl item;

	while (rest->l) {
		amp = memchr(rest->p, '&', rest->l);
		item.p = rest->p;
		item.l = amp ? (size_t)(amp - rest->p) : rest->l;
		rest->p += item.l + (amp ? 1 : 0);
		rest->l -= item.l + (amp ? 1 : 0);
		if (!item.l)
			continue;
		eq = memchr(item.p, '=', item.l);
		k->p = item.p;
		k->l = eq ? (size_t)(eq - item.p) : item.l;
		v->p = eq ? eq + 1 : item.p + item.l;
		v->l = eq ? item.l - k->l - 1 : 0;
		return true;
	}
	return false;
}

struct pl api_query_of(const struct http_msg *msg)
{
	struct pl q = msg->prm;

	if (q.l && q.p[0] == '?') {
		++q.p;
		--q.l;
	}
	return q;
}

int api_query(const struct http_msg *msg, const char *key, char *buf,
	      size_t sz)
{
	struct pl rest, k, v;

	if (!msg || !key || !buf || !sz)
		return EINVAL;
	rest = api_query_of(msg);
	while (api_query_next(&rest, &k, &v)) {
		if (!pl_strcmp(&k, key))
			return api_query_decode(buf, sz, &v);
	}
	return ENOENT;
}

bool api_query_unknown(const struct http_msg *msg, const char *const *keys,
		       char *buf, size_t sz)
{
	struct pl rest, k, v;
	size_t i;

	rest = api_query_of(msg);
	while (api_query_next(&rest, &k, &v)) {
		bool known = false;

		for (i = 0; keys[i] && !known; i++)
			known = !pl_strcmp(&k, keys[i]);
		if (!known) {
			if (api_query_decode(buf, sz, &k))
				str_ncpy(buf, "?", sz);
			return true;
		}
	}
	return false;
}
