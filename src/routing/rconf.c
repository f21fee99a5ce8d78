/*
 * Parse the routing sections of a configuration: "agent_statuses",
 * "routing_profiles" and the agents' routing keys (password, contact,
 * status), which config.c leaves in config->root for this module.
 */
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include "routing_priv.h"

struct pctx {
	char *errbuf;
	size_t errsz;
};

enum { DEF_RING_S = 20, DEF_MISSED_S = 5, DEF_ERROR_S = 5,
       MAX_SECONDS = 86400, MAX_PROFS = 100 };


static int fail(struct pctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->errbuf && c->errsz) {
		va_start(ap, fmt);
		(void)vsnprintf(c->errbuf, c->errsz, fmt, ap);
		va_end(ap);
	}

	return EINVAL;
}


/* Whole numbers: 10, 10.0 or "10" (the rule of docs/configuration.md). */
static int get_uint(struct pctx *c, uint64_t *vp, const json_t *obj,
		    const char *path, const char *key, uint64_t def,
		    uint64_t min, uint64_t max)
{
	const json_t *v = json_object_get(obj, key);
	uint64_t n;

	if (!v) {
		*vp = def;
		return 0;
	}

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		n = (uint64_t)json_integer_value(v);
	}
	else if (json_is_real(v) && json_real_value(v) >= 0 &&
		 json_real_value(v) <= 1e15 &&
		 json_real_value(v) == (double)(uint64_t)json_real_value(v)) {
		n = (uint64_t)json_real_value(v);
	}
	else if (json_is_string(v) && json_string_length(v) > 0 &&
		 json_string_length(v) < 16 &&
		 strspn(json_string_value(v), "0123456789") ==
		 json_string_length(v)) {
		n = strtoull(json_string_value(v), NULL, 10);
	}
	else {
		return fail(c, "%s%s: expected a whole number", path, key);
	}

	if (n < min || n > max)
		return fail(c, "%s%s: %llu is out of range %llu..%llu", path,
			    key, (unsigned long long)n,
			    (unsigned long long)min, (unsigned long long)max);

	*vp = n;
	return 0;
}


static int get_str(struct pctx *c, char **sp, const json_t *obj,
		   const char *path, const char *key, bool required)
{
	const json_t *v = json_object_get(obj, key);

	if (!v) {
		if (required)
			return fail(c, "%s%s: missing", path, key);
		return 0;
	}
	if (!json_is_string(v) || !json_string_length(v))
		return fail(c, "%s%s: expected a non-empty string", path,
			    key);

	return str_dup(sp, json_string_value(v));
}


static int check_keys(struct pctx *c, const json_t *obj, const char *path,
		      const char *const *known)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach((json_t *)obj, key, v) {
		for (i = 0; known[i]; i++) {
			if (!strcmp(known[i], key))
				break;
		}
		if (!known[i])
			return fail(c, "%s%s: unknown key", path, key);
	}

	return 0;
}


static void status_destructor(void *arg)
{
	struct rstatus *s = arg;

	mem_deref(s->name);
}


static int status_alloc(struct rstatus **sp, const char *name,
			enum rstatus_type type)
{
	struct rstatus *s = mem_zalloc(sizeof(*s), status_destructor);
	int err;

	if (!s)
		return ENOMEM;
	s->type = type;
	err = str_dup(&s->name, name);
	if (err) {
		mem_deref(s);
		return err;
	}

	*sp = s;
	return 0;
}


static void profile_destructor(void *arg)
{
	struct rprofile *p = arg;
	size_t i;

	for (i = 0; i < p->itemc; i++)
		mem_deref(p->items[i].queue);
	mem_deref(p->items);
	for (i = 0; i < p->ident.arnc; i++)
		mem_deref(p->ident.arns[i]);
	mem_deref(p->ident.arns);
	mem_deref(p->ident.name);
	mem_deref(p->ident.id);
	mem_deref(p->miss_status);
}


static void rconf_destructor(void *arg)
{
	struct rconf *rc = arg;
	size_t i;

	for (i = 0; i < rc->statusc; i++)
		mem_deref(rc->statuses[i]);
	mem_deref(rc->statuses);
	for (i = 0; i < rc->profilec; i++)
		mem_deref(rc->profiles[i]);
	mem_deref(rc->profiles);
	for (i = 0; i < rc->agentc; i++) {
		mem_deref(rc->agents[i].password);
		mem_deref(rc->agents[i].contact);
		mem_deref(rc->agents[i].profs);
	}
	mem_deref(rc->agents);
	mem_deref(rc->cfg);
}


struct rstatus *rconf_status(const struct rconf *rc, const char *name)
{
	size_t i;

	for (i = 0; name && i < rc->statusc; i++) {
		if (!strcasecmp(rc->statuses[i]->name, name))
			return rc->statuses[i];
	}

	return NULL;
}


static int status_type_parse(enum rstatus_type *tp, const char *s)
{
	if (!strcasecmp(s, "ROUTABLE"))
		*tp = RSTATUS_ROUTABLE;
	else if (!strcasecmp(s, "CUSTOM"))
		*tp = RSTATUS_CUSTOM;
	else if (!strcasecmp(s, "OFFLINE"))
		*tp = RSTATUS_OFFLINE;
	else
		return EINVAL;

	return 0;
}


static int statuses_add(struct pctx *c, struct rconf *rc, const char *name,
			enum rstatus_type type, const char *path)
{
	struct rstatus *s;
	int err;

	if (rconf_status(rc, name))
		return fail(c, "%sname: duplicate status \"%s\"", path, name);
	if (type == RSTATUS_ROUTABLE && rc->available)
		return fail(c, "%stype: only one ROUTABLE status (\"%s\") "
			    "may exist", path, rc->available->name);
	if (type == RSTATUS_OFFLINE && rc->offline)
		return fail(c, "%stype: only one OFFLINE status (\"%s\") "
			    "may exist", path, rc->offline->name);

	err = status_alloc(&s, name, type);
	if (err)
		return err;
	rc->statuses[rc->statusc++] = s;
	if (type == RSTATUS_ROUTABLE)
		rc->available = s;
	else if (type == RSTATUS_OFFLINE)
		rc->offline = s;

	return 0;
}


static int statuses_parse(struct pctx *c, struct rconf *rc, const json_t *v)
{
	static const char *const known[] = {"name", "type", NULL};
	char path[64];
	size_t i, n = v ? json_array_size(v) : 0;
	int err;

	if (v && !json_is_array(v))
		return fail(c, "agent_statuses: expected an array");

	rc->statuses = mem_zalloc((n + 2) * sizeof(*rc->statuses), NULL);
	if (!rc->statuses)
		return ENOMEM;

	for (i = 0; i < n; i++) {
		const json_t *e = json_array_get(v, i);
		enum rstatus_type type;
		const char *name, *ts;

		(void)snprintf(path, sizeof(path), "agent_statuses[%zu].", i);
		if (!json_is_object(e))
			return fail(c, "agent_statuses[%zu]: expected an "
				    "object", i);
		err = check_keys(c, e, path, known);
		if (err)
			return err;
		name = json_string_value(json_object_get(e, "name"));
		ts = json_string_value(json_object_get(e, "type"));
		if (!name || !*name)
			return fail(c, "%sname: expected a non-empty string",
				    path);
		if (!ts || status_type_parse(&type, ts))
			return fail(c, "%stype: expected ROUTABLE, CUSTOM or "
				    "OFFLINE", path);
		err = statuses_add(c, rc, name, type, path);
		if (err)
			return err;
	}

	/* the two system statuses exist even when not configured */
	if (!rc->available && rconf_status(rc, "Available"))
		return fail(c, "agent_statuses: \"Available\" must be the "
			    "ROUTABLE status");
	if (!rc->offline && rconf_status(rc, "Offline"))
		return fail(c, "agent_statuses: \"Offline\" must be the "
			    "OFFLINE status");
	if (!rc->available) {
		err = statuses_add(c, rc, "Available", RSTATUS_ROUTABLE, "");
		if (err)
			return err;
	}
	if (!rc->offline) {
		err = statuses_add(c, rc, "Offline", RSTATUS_OFFLINE, "");
		if (err)
			return err;
	}

	return 0;
}


static int ident_parse(struct pctx *c, struct cfg_ident *id, const json_t *e,
		       const char *path)
{
	const json_t *arns = json_object_get(e, "arns");
	size_t i, n;
	int err;

	err = get_str(c, &id->name, e, path, "name", true);
	if (!err)
		err = get_str(c, &id->id, e, path, "id", false);
	if (err)
		return err;

	if (arns && !json_is_array(arns))
		return fail(c, "%sarns: expected an array of strings", path);
	n = json_array_size(arns) + 1;
	id->arns = mem_zalloc(n * sizeof(*id->arns), NULL);
	if (!id->arns)
		return ENOMEM;
	if (json_object_get(e, "arn")) {
		err = get_str(c, &id->arns[id->arnc], e, path, "arn", false);
		if (err)
			return err;
		id->arnc++;
	}
	for (i = 0; i < json_array_size(arns); i++) {
		const json_t *a = json_array_get(arns, i);

		if (!json_is_string(a) || !json_string_length(a))
			return fail(c, "%sarns[%zu]: expected a non-empty "
				    "string", path, i);
		err = str_dup(&id->arns[id->arnc], json_string_value(a));
		if (err)
			return err;
		id->arnc++;
	}

	return 0;
}


/* Stable insertion sort by priority: equal priorities keep their
 * configured order, the tie-break between queues of one priority. */
static void items_sort(struct rprofile_item *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct rprofile_item t = v[i];

		for (j = i; j > 0 && v[j - 1].priority > t.priority; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}


static int items_parse(struct pctx *c, const struct config *cfg,
		       struct rprofile *p, const json_t *v, const char *path)
{
	static const char *const known[] = {"queue", "priority", "delay",
					    NULL};
	char ipath[128];
	size_t i, j;
	int err;

	if (!v)
		return 0;
	if (!json_is_array(v))
		return fail(c, "%squeues: expected an array", path);

	p->items = mem_zalloc((json_array_size(v) + 1) * sizeof(*p->items),
			      NULL);
	if (!p->items)
		return ENOMEM;

	for (i = 0; i < json_array_size(v); i++) {
		const json_t *e = json_array_get(v, i);
		struct rprofile_item *it = &p->items[p->itemc++];
		uint64_t n;

		(void)snprintf(ipath, sizeof(ipath), "%squeues[%zu].", path,
			       i);
		if (!json_is_object(e))
			return fail(c, "%squeues[%zu]: expected an object",
				    path, i);
		err = check_keys(c, e, ipath, known);
		if (!err)
			err = get_str(c, &it->queue, e, ipath, "queue", true);
		if (err)
			return err;
		it->cq = config_queue(cfg, it->queue);
		if (!it->cq)
			return fail(c, "%squeue: unknown queue \"%s\"", ipath,
				    it->queue);
		for (j = 0; j + 1 < p->itemc; j++) {
			if (p->items[j].cq == it->cq)
				return fail(c, "%squeue: queue \"%s\" is "
					    "already in this profile", ipath,
					    it->queue);
		}
		err = get_uint(c, &n, e, ipath, "priority", 1, 1, 99);
		if (err)
			return err;
		it->priority = (uint32_t)n;
		err = get_uint(c, &n, e, ipath, "delay", 0, 0, MAX_SECONDS);
		if (err)
			return err;
		it->delay_ms = n * 1000;
	}

	items_sort(p->items, p->itemc);

	return 0;
}


static int missed_parse(struct pctx *c, struct rconf *rc, struct rprofile *p,
			const json_t *v, const char *path)
{
	static const char *const known[] = {"missed_seconds", "max_in_a_row",
					    "status", NULL};
	char mpath[128];
	const char *sname;
	uint64_t n;
	int err;

	p->missed_ms = DEF_MISSED_S * 1000;
	if (!v)
		return 0;

	(void)snprintf(mpath, sizeof(mpath), "%smissed_offer.", path);
	if (!json_is_object(v))
		return fail(c, "%smissed_offer: expected an object", path);
	err = check_keys(c, v, mpath, known);
	if (!err)
		err = get_uint(c, &n, v, mpath, "missed_seconds",
			       DEF_MISSED_S, 1, MAX_SECONDS);
	if (err)
		return err;
	p->missed_ms = n * 1000;
	err = get_uint(c, &n, v, mpath, "max_in_a_row", 0, 0, 1000);
	if (err)
		return err;
	p->max_misses = (uint32_t)n;

	if (json_object_get(v, "status")) {
		sname = json_string_value(json_object_get(v, "status"));
		if (!sname)
			return fail(c, "%sstatus: expected a status name",
				    mpath);
		p->miss_status = mem_ref(rconf_status(rc, sname));
		if (!p->miss_status)
			return fail(c, "%sstatus: unknown status \"%s\"",
				    mpath, sname);
		if (p->miss_status->type == RSTATUS_ROUTABLE)
			return fail(c, "%sstatus: \"%s\" is routable", mpath,
				    sname);
	}
	else {
		p->miss_status = mem_ref(rc->offline);
	}

	return 0;
}


static int profiles_parse(struct pctx *c, struct rconf *rc,
			  const struct config *cfg, const json_t *v)
{
	static const char *const known[] = {
		"name", "id", "arn", "arns", "description", "queues",
		"after_contact_work_seconds", "ring_timeout_seconds",
		"error_seconds", "missed_offer",
		/* the agents' media, read by the contact center */
		"srtp", "codecs", NULL
	};
	char path[64];
	size_t i, j, n = v ? json_array_size(v) : 0;
	int err;

	if (v && !json_is_array(v))
		return fail(c, "routing_profiles: expected an array");

	rc->profiles = mem_zalloc((n + 1) * sizeof(*rc->profiles), NULL);
	if (!rc->profiles)
		return ENOMEM;

	for (i = 0; i < n; i++) {
		const json_t *e = json_array_get(v, i);
		struct rprofile *p;
		uint64_t s;

		(void)snprintf(path, sizeof(path), "routing_profiles[%zu].",
			       i);
		if (!json_is_object(e))
			return fail(c, "routing_profiles[%zu]: expected an "
				    "object", i);
		err = check_keys(c, e, path, known);
		if (err)
			return err;

		p = mem_zalloc(sizeof(*p), profile_destructor);
		if (!p)
			return ENOMEM;
		rc->profiles[rc->profilec++] = p;

		err = ident_parse(c, &p->ident, e, path);
		if (err)
			return err;
		for (j = 0; j + 1 < rc->profilec; j++) {
			if (!strcasecmp(rc->profiles[j]->ident.name,
					p->ident.name))
				return fail(c, "%sname: duplicate routing "
					    "profile \"%s\"", path,
					    p->ident.name);
		}
		if (json_object_get(e, "description") &&
		    !json_is_string(json_object_get(e, "description")))
			return fail(c, "%sdescription: expected a string",
				    path);

		err = items_parse(c, cfg, p, json_object_get(e, "queues"),
				  path);
		if (!err)
			err = get_uint(c, &s, e, path,
				       "after_contact_work_seconds", 0, 0,
				       MAX_SECONDS);
		if (err)
			return err;
		p->acw_ms = s * 1000;
		err = get_uint(c, &s, e, path, "ring_timeout_seconds",
			       DEF_RING_S, 1, 600);
		if (err)
			return err;
		p->ring_ms = s * 1000;
		err = get_uint(c, &s, e, path, "error_seconds", DEF_ERROR_S,
			       1, MAX_SECONDS);
		if (err)
			return err;
		p->error_ms = s * 1000;
		err = missed_parse(c, rc, p, json_object_get(e, "missed_offer"),
				   path);
		if (err)
			return err;
	}

	return 0;
}


static struct rprofile *profile_find(const struct rconf *rc, const char *ref)
{
	size_t i;

	for (i = 0; i < rc->profilec; i++) {
		if (cfg_ident_match(&rc->profiles[i]->ident, ref))
			return rc->profiles[i];
	}

	return NULL;
}


/* "proficiencies": [{"name": "Language", "value": "English",
 * "level": 4}, ...], Connect's predefined attribute values with a level
 * of 1 to 5. */
static int profs_parse(struct pctx *c, struct rprofset **sp,
		       const json_t *v, const char *path)
{
	static const char *const keys[] = {"name", "value", "level", NULL};
	struct rproficiency pv[MAX_PROFS];
	char p[96];
	size_t i, j, n;
	int err;

	if (!v)
		return 0;
	n = json_array_size(v);
	if (!json_is_array(v) || n > MAX_PROFS)
		return fail(c, "%sproficiencies: expected a list of at most "
			    "%d objects", path, MAX_PROFS);

	for (i = 0; i < n; i++) {
		const json_t *e = json_array_get(v, i);
		const json_t *lv = json_object_get(e, "level");
		const json_t *nm = json_object_get(e, "name");
		const json_t *vl = json_object_get(e, "value");

		(void)snprintf(p, sizeof(p), "%sproficiencies[%zu].", path,
			       i);
		if (!json_is_object(e))
			return fail(c, "%.*s: expected an object",
				    (int)strlen(p) - 1, p);
		err = check_keys(c, e, p, keys);
		if (err)
			return err;
		if (!json_is_string(nm) || !json_string_length(nm))
			return fail(c, "%sname: expected a non-empty string",
				    p);
		if (!json_is_string(vl) || !json_string_length(vl))
			return fail(c, "%svalue: expected a non-empty string",
				    p);
		if (!json_is_number(lv) || json_number_value(lv) < 1.0 ||
		    json_number_value(lv) > 5.0)
			return fail(c, "%slevel: expected a number from 1 to "
				    "5", p);
		pv[i].name = json_string_value(nm);
		pv[i].value = json_string_value(vl);
		pv[i].level = json_number_value(lv);
		for (j = 0; j < i; j++) {
			if (!strcasecmp(pv[j].name, pv[i].name) &&
			    !strcasecmp(pv[j].value, pv[i].value))
				return fail(c, "%svalue: \"%s\" \"%s\" is "
					    "already listed", p, pv[i].name,
					    pv[i].value);
		}
	}

	return rprofset_alloc(sp, pv, n);
}


static int agents_parse(struct pctx *c, struct rconf *rc,
			const struct config *cfg)
{
	const json_t *v = json_object_get(cfg->root, "agents");
	char path[64];
	size_t i;
	int err;

	rc->agents = mem_zalloc((cfg->agentc + 1) * sizeof(*rc->agents),
				NULL);
	if (!rc->agents)
		return ENOMEM;

	for (i = 0; i < cfg->agentc; i++) {
		struct ragent_conf *ac = &rc->agents[rc->agentc++];
		const json_t *e = json_array_get(v, i);
		const json_t *st;

		(void)snprintf(path, sizeof(path), "agents[%zu].", i);
		ac->ca = &cfg->agents[i];

		err = get_str(c, &ac->password, e, path, "password", false);
		if (!err)
			err = get_str(c, &ac->contact, e, path, "contact",
				      false);
		if (!err)
			err = profs_parse(c, &ac->profs,
					  json_object_get(e, "proficiencies"),
					  path);
		if (err)
			return err;

		if (ac->ca->routing_profile) {
			ac->profile = profile_find(rc,
						   ac->ca->routing_profile);
			if (!ac->profile)
				return fail(c, "%srouting_profile: unknown "
					    "routing profile \"%s\"", path,
					    ac->ca->routing_profile);
		}

		st = json_object_get(e, "status");
		if (st) {
			if (!json_is_string(st))
				return fail(c, "%sstatus: expected a status "
					    "name", path);
			ac->status = rconf_status(rc, json_string_value(st));
			if (!ac->status)
				return fail(c, "%sstatus: unknown status "
					    "\"%s\"", path,
					    json_string_value(st));
		}
		else {
			ac->status = rc->offline;
		}
	}

	return 0;
}


int rconf_parse(struct rconf **rcp, const struct config *cfg,
		char *errbuf, size_t errsz)
{
	struct pctx c = {errbuf, errsz};
	struct rconf *rc;
	int err;

	if (!rcp || !cfg)
		return EINVAL;

	rc = mem_zalloc(sizeof(*rc), rconf_destructor);
	if (!rc)
		return ENOMEM;
	rc->cfg = mem_ref((struct config *)cfg);

	err = statuses_parse(&c, rc, json_object_get(cfg->root,
						     "agent_statuses"));
	if (!err)
		err = profiles_parse(&c, rc, cfg,
				     json_object_get(cfg->root,
						     "routing_profiles"));
	if (!err)
		err = agents_parse(&c, rc, cfg);
	if (err) {
		mem_deref(rc);
		return err;
	}

	*rcp = rc;
	return 0;
}


int routing_config_check(const struct config *cfg, char *errbuf,
			 size_t errsz)
{
	struct rconf *rc = NULL;
	int err;

	err = rconf_parse(&rc, cfg, errbuf, errsz);
	mem_deref(rc);

	return err;
}
