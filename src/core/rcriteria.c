/**
 * @file rcriteria.c  Routing criteria: parsing Connect's RoutingCriteria
 * JSON, the step that is active at a given age, and matching an agent's
 * proficiencies against it.
 *
 * Names and values of proficiencies compare without regard to case (an
 * admin types them in two places); levels are Connect's 1.0 to 5.0.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/rcriteria.h>

enum { MAX_CHILDREN = 64, MAX_STR = 64 };

struct pctx {
	char *err;
	size_t errsz;
};


static int fail(struct pctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct pctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err && c->errsz) {
		va_start(ap, fmt);
		(void)vsnprintf(c->err, c->errsz, fmt, ap);
		va_end(ap);
	}
	return EINVAL;
}


static void expr_reset(struct rcrit_expr *e)
{
	size_t i;

	e->name = mem_deref(e->name);
	e->value = mem_deref(e->value);
	for (i = 0; i < e->agentc; i++)
		mem_deref(e->agents[i]);
	e->agents = mem_deref(e->agents);
	for (i = 0; i < e->n; i++)
		expr_reset(&e->v[i]);
	e->v = mem_deref(e->v);
}


static void destructor(void *arg)
{
	struct rcriteria *c = arg;
	size_t i;

	for (i = 0; i < c->stepc; i++)
		expr_reset(&c->steps[i].expr);
	mem_deref(c->steps);
}


/* A number, or a string holding one ("4", "4.0"). */
static int get_num(double *vp, const json_t *v)
{
	const char *s;
	char *end;

	if (json_is_number(v)) {
		*vp = json_number_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return EINVAL;
	s = json_string_value(v);
	if (!*s)
		return EINVAL;
	*vp = strtod(s, &end);
	return *end ? EINVAL : 0;
}


static int get_level(struct pctx *c, double *vp, const json_t *obj,
		     const char *key, const char *path)
{
	const json_t *v = json_object_get(obj, key);

	if (!v)
		return fail(c, "%s.%s: missing", path, key);
	if (get_num(vp, v) || *vp < RCRIT_LEVEL_MIN - 1e-9 ||
	    *vp > RCRIT_LEVEL_MAX + 1e-9)
		return fail(c, "%s.%s: expected a level from 1 to 5", path,
			    key);
	return 0;
}


static int get_name(struct pctx *c, char **dst, const json_t *obj,
		    const char *key, const char *path)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_string(v) || !json_string_length(v) ||
	    json_string_length(v) > MAX_STR)
		return fail(c, "%s.%s: expected a string of 1 to %d "
			    "characters", path, key, MAX_STR);
	return str_dup(dst, json_string_value(v));
}


static int agents_parse(struct pctx *c, struct rcrit_expr *e,
			const json_t *cond, const char *path)
{
	const json_t *ids = json_object_get(json_object_get(
		json_object_get(cond, "MatchCriteria"), "AgentsCriteria"),
		"AgentIds");
	size_t i, n = json_array_size(ids);
	int err;

	if (!json_is_array(ids) || !n || n > RCRIT_MAX_AGENTS)
		return fail(c, "%s.MatchCriteria.AgentsCriteria.AgentIds: "
			    "expected 1 to %d agents", path,
			    RCRIT_MAX_AGENTS);

	e->kind = RCRIT_AGENTS;
	e->agents = mem_zalloc(n * sizeof(*e->agents), NULL);
	if (!e->agents)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		const json_t *a = json_array_get(ids, i);

		if (!json_is_string(a) || !json_string_length(a))
			return fail(c, "%s.MatchCriteria.AgentsCriteria."
				    "AgentIds[%zu]: expected an agent id", path,
				    i);
		err = str_dup(&e->agents[e->agentc], json_string_value(a));
		if (err)
			return err;
		++e->agentc;
	}
	return 0;
}


/* AttributeCondition / NotAttributeCondition */
static int cond_parse(struct pctx *c, struct rcrit_expr *e,
		      const json_t *cond, bool negate, const char *path)
{
	const char *op;
	int err;

	if (!json_is_object(cond))
		return fail(c, "%s: expected an object", path);

	op = json_string_value(json_object_get(cond, "ComparisonOperator"));
	if (op && !strcmp(op, "Match")) {
		if (negate)
			return fail(c, "%s: Match cannot be negated", path);
		return agents_parse(c, e, cond, path);
	}

	e->kind = negate ? RCRIT_NOT : RCRIT_ATTR;
	err = get_name(c, &e->name, cond, "Name", path);
	if (!err)
		err = get_name(c, &e->value, cond, "Value", path);
	if (err)
		return err;

	if (op && !strcmp(op, "Range")) {
		const json_t *r = json_object_get(cond, "Range");
		char rpath[160];

		(void)snprintf(rpath, sizeof(rpath), "%s.Range", path);
		if (!json_is_object(r))
			return fail(c, "%s: expected an object", rpath);
		err = get_level(c, &e->min, r, "MinProficiencyLevel", rpath);
		if (!err)
			err = get_level(c, &e->max, r, "MaxProficiencyLevel",
					rpath);
		if (!err && e->min > e->max)
			err = fail(c, "%s: MinProficiencyLevel is above "
				   "MaxProficiencyLevel", rpath);
		return err;
	}

	if (op && strcmp(op, "NumberGreaterOrEqualTo"))
		return fail(c, "%s.ComparisonOperator: \"%s\" is not one of "
			    "NumberGreaterOrEqualTo, Range, Match", path, op);

	e->max = RCRIT_LEVEL_MAX;
	return get_level(c, &e->min, cond, "ProficiencyLevel", path);
}


static int expr_parse(struct pctx *c, struct rcrit_expr *e,
		      const json_t *j, const char *path, bool allow_or,
		      bool allow_and);

static int list_parse(struct pctx *c, struct rcrit_expr *e,
		      const json_t *list, const char *path, bool is_or)
{
	size_t i, n = json_array_size(list);
	char ipath[160];
	int err;

	if (!json_is_array(list) || !n || n > MAX_CHILDREN)
		return fail(c, "%s: expected a list of expressions", path);

	e->kind = is_or ? RCRIT_OR : RCRIT_AND;
	e->v = mem_zalloc(n * sizeof(*e->v), NULL);
	if (!e->v)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		(void)snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		err = expr_parse(c, &e->v[e->n++], json_array_get(list, i),
				 ipath, false, is_or);
		if (err)
			return err;
	}
	return 0;
}


/* One of AttributeCondition, NotAttributeCondition, AndExpression,
 * OrExpression (only at the top). */
static int expr_parse(struct pctx *c, struct rcrit_expr *e,
		      const json_t *j, const char *path, bool allow_or,
		      bool allow_and)
{
	static const char *const keys[] = {
		"AttributeCondition", "NotAttributeCondition",
		"AndExpression", "OrExpression",
	};
	const json_t *v = NULL;
	char kpath[160];
	size_t i, found = 0, which = 0;

	if (!json_is_object(j))
		return fail(c, "%s: expected an expression object", path);

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (json_object_get(j, keys[i])) {
			v = json_object_get(j, keys[i]);
			which = i;
			++found;
		}
	}
	if (found != 1)
		return fail(c, "%s: expected one of AttributeCondition, "
			    "NotAttributeCondition, AndExpression, "
			    "OrExpression", path);

	(void)snprintf(kpath, sizeof(kpath), "%s.%s", path, keys[which]);
	switch (which) {

	case 0:
		return cond_parse(c, e, v, false, kpath);
	case 1:
		return cond_parse(c, e, v, true, kpath);
	case 2:
		if (!allow_and)
			return fail(c, "%s: an AndExpression cannot hold "
				    "another", kpath);
		return list_parse(c, e, v, kpath, false);
	default:
		if (!allow_or)
			return fail(c, "%s: OrExpression only stands at the "
				    "top of a step", kpath);
		return list_parse(c, e, v, kpath, true);
	}
}


int rcriteria_parse(struct rcriteria **cp, const json_t *j, char *err,
		    size_t errsz)
{
	struct pctx c = {err, errsz};
	struct rcriteria *cr;
	const json_t *steps;
	char path[64];
	size_t i, n;
	int e;

	if (!cp)
		return EINVAL;
	if (err && errsz)
		err[0] = '\0';
	if (!json_is_object(j))
		return fail(&c, "RoutingCriteria: expected an object");

	steps = json_object_get(j, "Steps");
	n = json_array_size(steps);
	if (!json_is_array(steps) || n > RCRIT_MAX_STEPS)
		return fail(&c, "RoutingCriteria.Steps: expected a list of "
			    "at most %d steps", RCRIT_MAX_STEPS);

	cr = mem_zalloc(sizeof(*cr), destructor);
	if (!cr)
		return ENOMEM;
	if (n) {
		cr->steps = mem_zalloc(n * sizeof(*cr->steps), NULL);
		if (!cr->steps) {
			e = ENOMEM;
			goto out;
		}
	}

	for (i = 0; i < n; i++) {
		const json_t *st = json_array_get(steps, i);
		struct rcrit_step *s = &cr->steps[cr->stepc++];
		const json_t *ex;
		double secs;

		(void)snprintf(path, sizeof(path), "Steps[%zu]", i);
		if (!json_is_object(st)) {
			e = fail(&c, "%s: expected an object", path);
			goto out;
		}
		(void)snprintf(path, sizeof(path), "Steps[%zu].Expression",
			       i);
		e = expr_parse(&c, &s->expr, json_object_get(st,
							      "Expression"),
			       path, true, true);
		if (e)
			goto out;

		ex = json_object_get(json_object_get(st, "Expiry"),
				     "DurationInSeconds");
		if (!ex)
			continue;
		if (get_num(&secs, ex) || secs < 0 || secs > 31536000.0 ||
		    secs != floor(secs)) {
			e = fail(&c, "Steps[%zu].Expiry.DurationInSeconds: "
				 "expected whole seconds", i);
			goto out;
		}
		s->expiry_ms = (uint64_t)secs * 1000u;
	}
	e = 0;

 out:
	if (e)
		mem_deref(cr);
	else
		*cp = cr;
	return e;
}


static int expr_copy(struct rcrit_expr *d, const struct rcrit_expr *s)
{
	size_t i;
	int err = 0;

	d->kind = s->kind;
	d->min = s->min;
	d->max = s->max;
	if (s->name)
		err |= str_dup(&d->name, s->name);
	if (s->value)
		err |= str_dup(&d->value, s->value);
	if (err)
		return ENOMEM;
	if (s->agentc) {
		d->agents = mem_zalloc(s->agentc * sizeof(*d->agents), NULL);
		if (!d->agents)
			return ENOMEM;
		for (; d->agentc < s->agentc; d->agentc++) {
			err = str_dup(&d->agents[d->agentc],
				      s->agents[d->agentc]);
			if (err)
				return err;
		}
	}
	if (s->n) {
		d->v = mem_zalloc(s->n * sizeof(*d->v), NULL);
		if (!d->v)
			return ENOMEM;
		for (i = 0; i < s->n; i++) {
			++d->n;
			err = expr_copy(&d->v[i], &s->v[i]);
			if (err)
				return err;
		}
	}
	return 0;
}


int rcriteria_dup(struct rcriteria **dp, const struct rcriteria *c)
{
	struct rcriteria *d;
	size_t i;
	int err = 0;

	if (!dp || !c)
		return EINVAL;

	d = mem_zalloc(sizeof(*d), destructor);
	if (!d)
		return ENOMEM;
	if (c->stepc) {
		d->steps = mem_zalloc(c->stepc * sizeof(*d->steps), NULL);
		if (!d->steps)
			err = ENOMEM;
	}
	for (i = 0; !err && i < c->stepc; i++) {
		++d->stepc;
		d->steps[i].expiry_ms = c->steps[i].expiry_ms;
		err = expr_copy(&d->steps[i].expr, &c->steps[i].expr);
	}
	if (err) {
		mem_deref(d);
		return err;
	}

	*dp = d;
	return 0;
}


static bool expr_has_agents(const struct rcrit_expr *e)
{
	size_t i;

	if (e->agentc)
		return true;
	for (i = 0; i < e->n; i++) {
		if (expr_has_agents(&e->v[i]))
			return true;
	}
	return false;
}


bool rcriteria_has_agents(const struct rcriteria *c)
{
	size_t i;

	for (i = 0; c && i < c->stepc; i++) {
		if (expr_has_agents(&c->steps[i].expr))
			return true;
	}
	return false;
}


static int map_expr(struct rcrit_expr *e, rcrit_agent_map_h *map, void *arg)
{
	size_t i;
	int err;

	for (i = 0; i < e->agentc; i++) {
		const char *to = map(e->agents[i], arg);
		char *s = NULL;

		if (!to)
			continue;
		err = str_dup(&s, to);
		if (err)
			return err;
		mem_deref(e->agents[i]);
		e->agents[i] = s;
	}
	for (i = 0; i < e->n; i++) {
		err = map_expr(&e->v[i], map, arg);
		if (err)
			return err;
	}
	return 0;
}


int rcriteria_map_agents(struct rcriteria *c, rcrit_agent_map_h *map,
			 void *arg)
{
	size_t i;
	int err;

	if (!c || !map)
		return EINVAL;
	for (i = 0; i < c->stepc; i++) {
		err = map_expr(&c->steps[i].expr, map, arg);
		if (err)
			return err;
	}
	return 0;
}


size_t rcriteria_step(const struct rcriteria *c, uint64_t age_ms)
{
	uint64_t end = 0;
	size_t i;

	if (!c)
		return 0;
	for (i = 0; i < c->stepc; i++) {
		if (!c->steps[i].expiry_ms)
			return i;	/* never expires */
		end += c->steps[i].expiry_ms;
		if (age_ms < end)
			return i;
	}
	return c->stepc;
}


uint64_t rcriteria_step_end(const struct rcriteria *c, uint64_t age_ms)
{
	uint64_t end = 0;
	size_t i;

	if (!c)
		return UINT64_MAX;
	for (i = 0; i < c->stepc; i++) {
		if (!c->steps[i].expiry_ms)
			return UINT64_MAX;
		end += c->steps[i].expiry_ms;
		if (age_ms < end)
			return end;
	}
	return UINT64_MAX;
}


static bool has_level(const struct rcrit_expr *e,
		      const struct rproficiency *pv, size_t pc)
{
	size_t i;

	for (i = 0; i < pc; i++) {
		const struct rproficiency *p = &pv[i];

		if (!p->name || !p->value || strcasecmp(p->name, e->name) ||
		    strcasecmp(p->value, e->value))
			continue;
		if (p->level >= e->min - 1e-9 && p->level <= e->max + 1e-9)
			return true;
	}
	return false;
}


static bool expr_fits(const struct rcrit_expr *e, const char *agent,
		      const struct rproficiency *pv, size_t pc)
{
	size_t i;

	switch (e->kind) {

	case RCRIT_ATTR:
		return has_level(e, pv, pc);

	case RCRIT_NOT:
		return !has_level(e, pv, pc);

	case RCRIT_AGENTS:
		for (i = 0; agent && i < e->agentc; i++) {
			if (!strcasecmp(e->agents[i], agent))
				return true;
		}
		return false;

	case RCRIT_AND:
		for (i = 0; i < e->n; i++) {
			if (!expr_fits(&e->v[i], agent, pv, pc))
				return false;
		}
		return true;

	case RCRIT_OR:
		for (i = 0; i < e->n; i++) {
			if (expr_fits(&e->v[i], agent, pv, pc))
				return true;
		}
		return false;
	}
	return false;
}


bool rcriteria_fits(const struct rcriteria *c, uint64_t age_ms,
		    const char *agent, const struct rproficiency *pv,
		    size_t pc)
{
	size_t step;

	if (!c)
		return true;
	step = rcriteria_step(c, age_ms);
	if (step >= c->stepc)
		return true;	/* every step expired: any agent */

	return expr_fits(&c->steps[step].expr, agent, pv, pc);
}


static json_t *expr_json(const struct rcrit_expr *e)
{
	json_t *o = json_object(), *cond, *list;
	size_t i;

	if (!o)
		return NULL;

	switch (e->kind) {

	case RCRIT_ATTR:
	case RCRIT_NOT:
		cond = json_object();
		json_object_set_new(cond, "Name", json_string(e->name));
		json_object_set_new(cond, "Value", json_string(e->value));
		if (e->max < RCRIT_LEVEL_MAX - 1e-9) {
			json_t *r = json_object();

			json_object_set_new(cond, "ComparisonOperator",
					    json_string("Range"));
			json_object_set_new(r, "MinProficiencyLevel",
					    json_real(e->min));
			json_object_set_new(r, "MaxProficiencyLevel",
					    json_real(e->max));
			json_object_set_new(cond, "Range", r);
		}
		else {
			json_object_set_new(cond, "ComparisonOperator",
					    json_string(
						    "NumberGreaterOrEqualTo"));
			json_object_set_new(cond, "ProficiencyLevel",
					    json_real(e->min));
		}
		json_object_set_new(o, e->kind == RCRIT_ATTR ?
				    "AttributeCondition" :
				    "NotAttributeCondition", cond);
		break;

	case RCRIT_AGENTS:
		list = json_array();
		for (i = 0; i < e->agentc; i++)
			json_array_append_new(list, json_string(e->agents[i]));
		cond = json_pack("{s:s,s:{s:{s:o}}}", "ComparisonOperator",
				 "Match", "MatchCriteria", "AgentsCriteria",
				 "AgentIds", list);
		json_object_set_new(o, "AttributeCondition", cond);
		break;

	case RCRIT_AND:
	case RCRIT_OR:
		list = json_array();
		for (i = 0; i < e->n; i++)
			json_array_append_new(list, expr_json(&e->v[i]));
		json_object_set_new(o, e->kind == RCRIT_AND ? "AndExpression"
				    : "OrExpression", list);
		break;
	}

	return o;
}


int rcriteria_json(char **strp, const struct rcriteria *c)
{
	json_t *root, *steps;
	char *s;
	size_t i;
	int err;

	if (!strp || !c)
		return EINVAL;

	root = json_object();
	steps = json_array();
	if (!root || !steps) {
		json_decref(root);
		json_decref(steps);
		return ENOMEM;
	}
	for (i = 0; i < c->stepc; i++) {
		json_t *st = json_object();

		json_object_set_new(st, "Expression",
				    expr_json(&c->steps[i].expr));
		if (c->steps[i].expiry_ms)
			json_object_set_new(st, "Expiry", json_pack(
				"{s:I}", "DurationInSeconds",
				(json_int_t)(c->steps[i].expiry_ms / 1000)));
		json_array_append_new(steps, st);
	}
	json_object_set_new(root, "Steps", steps);

	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!s)
		return ENOMEM;
	err = str_dup(strp, s);
	free(s);
	return err;
}
