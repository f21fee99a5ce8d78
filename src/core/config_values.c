/**
 * @file config_values.c  Typed values, paths and identities (name, id,
 * ARNs) of configuration entries, with errors naming the key path.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include <callflowd/core/hours.h>
#include <callflowd/core/config.h>
#include "config_priv.h"

/* ---- value helpers ---- */

int cfg_check_keys(struct ctx *c, const json_t *obj, const char *path,
		      const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		if (!cfg_in_list(allowed, key))
			return cfg_fail(c, "%s.%s: unknown key", path, key);
	}

	return 0;
}


/* A whole number in [min, max] as a JSON number or a numeric string */
int cfg_get_u32(struct ctx *c, uint32_t *vp, const json_t *v,
		   const char *path, const char *key, uint32_t min,
		   uint32_t max)
{
	long long n;

	if (json_is_integer(v)) {
		n = json_integer_value(v);
	}
	else if (json_is_real(v)) {
		double d = json_real_value(v);

		if (d < -1e18 || d > 1e18 || d != (double)(long long)d)
			goto bad;
		n = (long long)d;
	}
	else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;

		while (isspace((unsigned char)*s))
			++s;
		if (!isdigit((unsigned char)*s) && *s != '-' && *s != '+')
			goto bad;

		errno = 0;
		n = strtoll(s, &end, 10);
		while (isspace((unsigned char)*end))
			++end;
		if (errno || *end)
			goto bad;
	}
	else {
		goto bad;
	}

	if (n < (long long)min || n > (long long)max)
		return cfg_fail(c, "%s%s: expected a whole number in %u..%u",
			    path, key, min, max);

	*vp = (uint32_t)n;
	return 0;

 bad:
	return cfg_fail(c, "%s%s: expected a whole number", path, key);
}


/* Optional string member: *dstp stays NULL when the key is absent */
int cfg_get_str(struct ctx *c, char **dstp, const json_t *obj,
		   const char *path, const char *key, bool required)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		if (required)
			return cfg_fail(c, "%s%s: missing", path, key);
		return 0;
	}

	if (!json_is_string(v) || !*json_string_value(v))
		return cfg_fail(c, "%s%s: expected a non-empty string", path,
			    key);

	mem_deref(*dstp);
	*dstp = NULL;
	return str_dup(dstp, json_string_value(v));
}


/* base/rel, or rel itself when absolute */
int cfg_resolve(char **dstp, const char *base, const char *rel)
{
	char *p = NULL;
	int err;

	if (rel[0] == '/')
		err = str_dup(&p, rel);
	else if (!strcmp(rel, "."))
		err = str_dup(&p, base);
	else
		err = re_sdprintf(&p, "%s%s%s", base,
				  base[strlen(base) - 1] == '/' ? "" : "/",
				  strncmp(rel, "./", 2) ? rel : rel + 2);
	if (err)
		return err;

	mem_deref(*dstp);
	*dstp = p;
	return 0;
}


int cfg_path_member(struct ctx *c, char **dstp, const json_t *obj,
		       const char *path, const char *key, bool required)
{
	char *rel = NULL;
	int err;

	err = cfg_get_str(c, &rel, obj, path, key, required);
	if (err || !rel)
		return err;

	err = cfg_resolve(dstp, c->cfg->dir, rel);
	mem_deref(rel);
	return err;
}


int cfg_add_arn(struct cfg_ident *id, const char *arn)
{
	char **arns;

	arns = mem_reallocarray(id->arns, id->arnc + 1, sizeof(*arns), NULL);
	if (!arns)
		return ENOMEM;
	id->arns = arns;

	arns[id->arnc] = NULL;
	if (str_dup(&arns[id->arnc], arn))
		return ENOMEM;
	++id->arnc;

	return 0;
}


/* No id given: a Connect ARN's last path element is the id */
int cfg_derive_id(struct cfg_ident *id)
{
	const char *slash;

	if (id->id || !id->arnc || strncmp(id->arns[0], "arn:", 4))
		return 0;

	slash = strrchr(id->arns[0], '/');
	if (!slash || !slash[1])
		return 0;

	return str_dup(&id->id, slash + 1);
}


/* {namekey, "id", "arn", "arns"} of an array entry */
int cfg_ident_parse(struct ctx *c, struct cfg_ident *id,
		       const json_t *obj, const char *path,
		       const char *namekey)
{
	json_t *v;
	size_t i;
	int err;

	err = cfg_get_str(c, &id->name, obj, path, namekey, true);
	if (err)
		return err;

	err = cfg_get_str(c, &id->id, obj, path, "id", false);
	if (err)
		return err;

	v = json_object_get(obj, "arn");
	if (v) {
		if (!json_is_string(v) || !*json_string_value(v))
			return cfg_fail(c, "%sarn: expected a non-empty string",
				    path);
		err = cfg_add_arn(id, json_string_value(v));
		if (err)
			return err;
	}

	v = json_object_get(obj, "arns");
	if (v) {
		if (!json_is_array(v))
			return cfg_fail(c, "%sarns: expected an array of strings",
				    path);

		for (i = 0; i < json_array_size(v); i++) {
			json_t *a = json_array_get(v, i);

			if (!json_is_string(a) || !*json_string_value(a))
				return cfg_fail(c, "%sarns[%zu]: expected a "
					    "non-empty string", path, i);
			err = cfg_add_arn(id, json_string_value(a));
			if (err)
				return err;
		}
	}

	return cfg_derive_id(id);
}


/* Key of the object form ({"name or ARN": value}) */
int cfg_ident_from_key(struct cfg_ident *id, const char *key,
			  bool lambda)
{
	char name[256];
	int err;

	if (strncmp(key, "arn:", 4))
		return str_dup(&id->name, key);

	err = cfg_add_arn(id, key);
	if (err)
		return err;

	/* a Lambda is also known by its function name */
	if (lambda && !cfg_lambda_name(name, sizeof(name), key))
		return str_dup(&id->name, name);

	err = str_dup(&id->name, key);
	if (err)
		return err;

	return cfg_derive_id(id);
}


void *cfg_alloc_array(size_t n, size_t sz)
{
	return n ? mem_zalloc(n * sz, NULL) : NULL;
}
