/**
 * @file sim_profiles.c  The simulator's customer profile store: profiles
 * in memory, optionally seeded from --profiles FILE, behind the flow's
 * profile_* ports. Every op answers at once.
 *
 * A profile is a flat map of Connect's field names ("FirstName",
 * "PhoneNumber", "Attributes.tier", ...) with a ProfileId and ProfileARN.
 * Searches match a field exactly, or Connect's search keys: _profileId,
 * _phone (any phone field), _email (any email field, ignoring case),
 * _account (AccountNumber), _fullName (first, middle and last name).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/strmap.h>
#include <callflowd/flow/cdata.h>
#include "sim.h"

enum { MAX_PROFILES = 10000 };

struct sim_profiles {
	struct strmap **v;
	size_t n;
	struct rng *idrng;
};

static const char *const phone_fields[] = {
	"PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber",
	"BusinessPhoneNumber", NULL
};
static const char *const email_fields[] = {
	"EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress", NULL
};


static void destructor(void *arg)
{
	struct sim_profiles *ps = arg;
	size_t i;

	for (i = 0; i < ps->n; i++)
		mem_deref(ps->v[i]);
	mem_deref(ps->v);
}


int sim_profiles_alloc(struct sim_profiles **pp, struct rng *idrng)
{
	struct sim_profiles *ps = mem_zalloc(sizeof(*ps), destructor);

	if (!ps)
		return ENOMEM;
	ps->idrng = idrng;
	*pp = ps;
	return 0;
}


/* A new profile with a fresh ProfileId (unless it has one) and ARN. */
static int profile_add(struct sim_profiles *ps, struct strmap **mp)
{
	struct strmap *m = *mp, **v;
	char id[40], *arn = NULL;
	const char *pid;
	int err;

	if (ps->n >= MAX_PROFILES)
		return EOVERFLOW;

	pid = strmap_get(m, "ProfileId");
	if (!str_isset(pid)) {
		util_uuid(id, ps->idrng);
		/* Connect's profile ids are 32 hex digits */
		{
			char *s = id, *d = id;

			for (; *s; s++) {
				if (*s != '-')
					*d++ = *s;
			}
			*d = '\0';
		}
		err = strmap_set(m, "ProfileId", id);
		if (err)
			return err;
		pid = strmap_get(m, "ProfileId");
	}
	if (!strmap_get(m, "ProfileARN")) {
		err = re_sdprintf(&arn, "arn:aws:profile:local:000000000000:"
				  "domains/callflowd/profiles/%s", pid);
		if (!err)
			err = strmap_set(m, "ProfileARN", arn);
		mem_deref(arn);
		if (err)
			return err;
	}

	v = mem_reallocarray(ps->v, ps->n + 1, sizeof(*v), NULL);
	if (!v)
		return ENOMEM;
	ps->v = v;
	ps->v[ps->n++] = m;
	*mp = NULL;
	return 0;
}


static int flatten(struct strmap *m, const char *prefix, const json_t *obj)
{
	const char *key;
	json_t *val;
	char *k = NULL, num[32];
	int err = 0;

	json_object_foreach((json_t *)obj, key, val) {
		err = re_sdprintf(&k, "%s%s%s", prefix, *prefix ? "." : "",
				  key);
		if (err)
			return err;
		if (json_is_object(val))
			err = flatten(m, k, val);
		else if (json_is_string(val))
			err = strmap_set(m, k, json_string_value(val));
		else if (json_is_integer(val)) {
			(void)snprintf(num, sizeof(num), "%lld",
				       (long long)json_integer_value(val));
			err = strmap_set(m, k, num);
		}
		else if (json_is_real(val)) {
			(void)snprintf(num, sizeof(num), "%g",
				       json_real_value(val));
			err = strmap_set(m, k, num);
		}
		else if (json_is_boolean(val))
			err = strmap_set(m, k, json_is_true(val) ? "true" :
					 "false");
		k = mem_deref(k);
		if (err)
			return err;
	}
	return 0;
}


int sim_profiles_load(struct sim_profiles *ps, const char *path, char *err,
		      size_t errsz)
{
	json_error_t jerr;
	json_t *doc, *e;
	size_t i;
	int r = 0;

	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		re_snprintf(err, errsz, "%d:%d: %s", jerr.line, jerr.column,
			    jerr.text);
		return EINVAL;
	}
	if (!json_is_array(doc)) {
		re_snprintf(err, errsz, "expected an array of profiles");
		json_decref(doc);
		return EINVAL;
	}

	json_array_foreach(doc, i, e) {
		struct strmap *m = NULL;

		if (!json_is_object(e)) {
			re_snprintf(err, errsz, "[%zu]: expected an object", i);
			r = EINVAL;
			break;
		}
		r = strmap_alloc(&m);
		if (!r)
			r = flatten(m, "", e);
		if (!r)
			r = profile_add(ps, &m);
		mem_deref(m);
		if (r) {
			re_snprintf(err, errsz, "[%zu]: %s", i, strerror(r));
			break;
		}
	}

	json_decref(doc);
	return r;
}


static bool field_is(const struct strmap *p, const char *field,
		     const char *val, bool nocase)
{
	const char *v = strmap_get(p, field);

	if (!v)
		return false;
	return nocase ? !strcasecmp(v, val) : !strcmp(v, val);
}


static bool any_is(const struct strmap *p, const char *const *fields,
		   const char *val, bool nocase)
{
	for (; *fields; fields++) {
		if (field_is(p, *fields, val, nocase))
			return true;
	}
	return false;
}


static bool full_name_is(const struct strmap *p, const char *val)
{
	static const char *const parts[] = {"FirstName", "MiddleName",
					    "LastName"};
	char name[512] = "";
	size_t i, len = 0;

	for (i = 0; i < 3; i++) {
		const char *v = strmap_get(p, parts[i]);

		if (!str_isset(v))
			continue;
		len += (size_t)re_snprintf(name + len, sizeof(name) - len,
					   "%s%s", len ? " " : "", v);
	}
	return len && !strcasecmp(name, val);
}


static bool key_matches(const struct strmap *p, const char *key,
			const char *val)
{
	if (!strcmp(key, "_profileId"))
		return field_is(p, "ProfileId", val, false);
	if (!strcmp(key, "_phone"))
		return any_is(p, phone_fields, val, false);
	if (!strcmp(key, "_email"))
		return any_is(p, email_fields, val, true);
	if (!strcmp(key, "_account"))
		return field_is(p, "AccountNumber", val, false);
	if (!strcmp(key, "_fullName"))
		return full_name_is(p, val);
	return field_is(p, key, val, false);
}


static bool profile_matches(const struct strmap *p, const struct strmap *ids,
			    bool all)
{
	size_t i, n = strmap_count(ids);

	for (i = 0; i < n; i++) {
		const struct strmap_ent *e = strmap_at(ids, i);
		bool m = key_matches(p, e->key, e->val);

		if (m && !all)
			return true;
		if (!m && all)
			return false;
	}
	return all && n;
}


static struct strmap *find_id(const struct sim_profiles *ps, const char *id)
{
	size_t i;

	for (i = 0; id && i < ps->n; i++) {
		if (field_is(ps->v[i], "ProfileId", id, false))
			return ps->v[i];
	}
	return NULL;
}


int sim_profile_get(struct frun *run, const struct strmap *ids,
		    bool match_all, void *arg)
{
	const struct sim *sim = arg;
	const struct sim_profiles *ps = sim->profiles;
	struct strmap *found = NULL;
	size_t i, n = 0;

	for (i = 0; ps && i < ps->n; i++) {
		if (profile_matches(ps->v[i], ids, match_all)) {
			found = ps->v[i];
			++n;
		}
	}

	if (!n)
		frun_profile_done(run, FPROFILE_NONE, NULL);
	else if (n > 1)
		frun_profile_done(run, FPROFILE_MULTIPLE, NULL);
	else
		frun_profile_done(run, FPROFILE_OK, found);
	return 0;
}


static int set_all(struct strmap *dst, const struct strmap *src)
{
	size_t i, n = strmap_count(src);
	int err;

	for (i = 0; i < n; i++) {
		const struct strmap_ent *e = strmap_at(src, i);

		err = strmap_setn(dst, e->key, e->klen, e->val, e->vlen);
		if (err)
			return err;
	}
	return 0;
}


int sim_profile_create(struct frun *run, const struct strmap *fields,
		       void *arg)
{
	struct sim *sim = arg;
	struct strmap *m = NULL, *p;
	int err;

	if (!sim->profiles)
		return ENOSYS;

	err = strmap_alloc(&m);
	if (!err)
		err = set_all(m, fields);
	/* the store gives the new profile its id */
	if (!err)
		(void)strmap_del(m, "ProfileId");
	if (!err)
		err = profile_add(sim->profiles, &m);
	if (err) {
		mem_deref(m);
		return err;
	}

	p = sim->profiles->v[sim->profiles->n - 1];
	frun_profile_done(run, FPROFILE_OK, p);
	return 0;
}


int sim_profile_update(struct frun *run, const char *profile_id,
		       const struct strmap *fields, void *arg)
{
	struct sim *sim = arg;
	struct strmap *p = sim->profiles ? find_id(sim->profiles, profile_id)
		: NULL;
	int err;

	if (!p) {
		frun_profile_done(run, FPROFILE_ERROR, NULL);
		return 0;
	}
	err = set_all(p, fields);
	if (err)
		return err;
	frun_profile_done(run, FPROFILE_OK, p);
	return 0;
}


int sim_profile_associate(struct frun *run, const char *profile_id,
			  const char *contact_id, void *arg)
{
	struct sim *sim = arg;
	struct strmap *p = sim->profiles ? find_id(sim->profiles, profile_id)
		: NULL;
	(void)contact_id;

	frun_profile_done(run, p ? FPROFILE_OK : FPROFILE_ERROR, p);
	return 0;
}
