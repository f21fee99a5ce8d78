/**
 * @file config.c  The configuration file: JSON -> struct config.
 *
 * Every section this module owns is checked strictly (unknown keys and
 * wrong types are errors naming the key path) so a typo never silently
 * falls back to a default. Sections owned by later modules are accepted
 * untouched and reach them through config->root.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <callflowd/libre.h>
#include <callflowd/util.h>
#include <callflowd/hours.h>
#include <callflowd/config.h>

enum {
	CONFIG_FILE_MAX = 16 << 20,
	PATH_SZ = 160,		/* key paths in error messages */
};

#define DEFAULT_INSTANCE_ARN \
	"arn:aws:connect:local:000000000000:instance/callflowd"

/* Top-level sections parsed by the modules that own them */
static const char *const reserved_keys[] = {
	"sip", "http", "trunks", "routing_profiles", "agent_statuses",
	"records", "recordings", "media", "api", "log_level",
	"shutdown_grace_seconds", "outbound", "security", NULL
};

/* Flow types of Connect (flow_types values); kept here so that the
 * configuration does not depend on the flow engine */
static const char *const flow_type_names[] = {
	"CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "CUSTOMER_WHISPER",
	"AGENT_HOLD", "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER",
	"QUEUE_TRANSFER", "CAMPAIGN", NULL
};

struct ctx {
	struct config *cfg;
	char *errbuf;
	size_t errsz;
};


static int fail(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->errbuf && c->errsz) {
		va_start(ap, fmt);
		(void)vsnprintf(c->errbuf, c->errsz, fmt, ap);
		va_end(ap);
	}

	return EINVAL;
}


static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++) {
		if (!strcmp(*list, s))
			return true;
	}

	return false;
}


static void ident_reset(struct cfg_ident *id)
{
	size_t i;

	id->name = mem_deref(id->name);
	id->id = mem_deref(id->id);
	for (i = 0; i < id->arnc; i++)
		mem_deref(id->arns[i]);
	id->arns = mem_deref(id->arns);
	id->arnc = 0;
}


static void config_destructor(void *arg)
{
	struct config *cfg = arg;
	size_t i;

	for (i = 0; i < cfg->queuec; i++) {
		struct cfg_queue *q = &cfg->queues[i];

		ident_reset(&q->ident);
		mem_deref(q->hours);
		mem_deref(q->queue_flow);
		mem_deref(q->outbound_caller_id);
		mem_deref(q->description);
	}
	mem_deref(cfg->queues);

	for (i = 0; i < cfg->hoursc; i++)
		mem_deref(cfg->hours[i]);
	mem_deref(cfg->hours);

	for (i = 0; i < cfg->promptc; i++) {
		ident_reset(&cfg->prompts[i].ident);
		mem_deref(cfg->prompts[i].path);
	}
	mem_deref(cfg->prompts);

	for (i = 0; i < cfg->functionc; i++) {
		ident_reset(&cfg->functions[i].ident);
		mem_deref(cfg->functions[i].url);
	}
	mem_deref(cfg->functions);

	for (i = 0; i < cfg->numberc; i++) {
		mem_deref(cfg->numbers[i].number);
		mem_deref(cfg->numbers[i].flow);
	}
	mem_deref(cfg->numbers);

	for (i = 0; i < cfg->agentc; i++) {
		struct cfg_agent *a = &cfg->agents[i];

		ident_reset(&a->ident);
		mem_deref(a->first_name);
		mem_deref(a->last_name);
		mem_deref(a->routing_profile);
	}
	mem_deref(cfg->agents);

	json_decref(cfg->flow_types);
	json_decref(cfg->root);
	mem_deref(cfg->path);
	mem_deref(cfg->dir);
	mem_deref(cfg->flows_dir);
	mem_deref(cfg->data_dir);
	mem_deref(cfg->instance_arn);
	mem_deref(cfg->default_voice);
	mem_deref(cfg->default_language);
}


/* ---- matching ---- */

static bool match(const char *name, const char *id, char *const *arns,
		  size_t arnc, const char *ref)
{
	const char *slash;
	size_t i;

	if (!ref || !*ref)
		return false;

	if (name && !strcasecmp(name, ref))
		return true;

	if (id && !strcmp(id, ref))
		return true;

	for (i = 0; i < arnc; i++) {
		if (!strcmp(arns[i], ref))
			return true;
	}

	/* "arn:aws:connect:...:instance/x/queue/<id>" names the id */
	if (id && !strncmp(ref, "arn:", 4)) {
		slash = strrchr(ref, '/');
		if (slash && !strcmp(slash + 1, id))
			return true;
	}

	return false;
}


bool cfg_ident_match(const struct cfg_ident *id, const char *ref)
{
	if (!id)
		return false;

	return match(id->name, id->id, id->arns, id->arnc, ref);
}


/* "arn:aws:lambda:us-east-1:123:function:name[:alias]" -> "name" */
static int lambda_name(char *buf, size_t sz, const char *arn)
{
	const char *p, *end;
	size_t n;

	if (strncmp(arn, "arn:", 4))
		return ENOENT;

	p = strstr(arn, ":function:");
	if (!p)
		return ENOENT;

	p += strlen(":function:");
	end = strchr(p, ':');
	n = end ? (size_t)(end - p) : strlen(p);
	if (!n || n >= sz)
		return ENOENT;

	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}


const struct cfg_queue *config_queue(const struct config *cfg,
				     const char *ref)
{
	size_t i;

	for (i = 0; cfg && i < cfg->queuec; i++) {
		if (cfg_ident_match(&cfg->queues[i].ident, ref))
			return &cfg->queues[i];
	}

	return NULL;
}


const struct hours *config_hours(const struct config *cfg, const char *ref)
{
	size_t i;

	for (i = 0; cfg && i < cfg->hoursc; i++) {
		const struct hours *h = cfg->hours[i];

		if (match(h->name, h->id, h->arns, h->arnc, ref))
			return h;
	}

	return NULL;
}


const struct cfg_prompt *config_prompt(const struct config *cfg,
				       const char *ref)
{
	size_t i;

	for (i = 0; cfg && i < cfg->promptc; i++) {
		if (cfg_ident_match(&cfg->prompts[i].ident, ref))
			return &cfg->prompts[i];
	}

	return NULL;
}


const struct cfg_function *config_function(const struct config *cfg,
					   const char *ref)
{
	char name[256];
	size_t i;

	for (i = 0; cfg && i < cfg->functionc; i++) {
		if (cfg_ident_match(&cfg->functions[i].ident, ref))
			return &cfg->functions[i];
	}

	/* a Lambda ARN also finds the function configured by its name */
	if (!cfg || !ref || lambda_name(name, sizeof(name), ref))
		return NULL;

	for (i = 0; i < cfg->functionc; i++) {
		const struct cfg_ident *id = &cfg->functions[i].ident;

		if (id->name && !strcmp(id->name, name))
			return &cfg->functions[i];
	}

	return NULL;
}


const struct cfg_agent *config_agent(const struct config *cfg,
				     const char *ref)
{
	size_t i;

	for (i = 0; cfg && i < cfg->agentc; i++) {
		if (cfg_ident_match(&cfg->agents[i].ident, ref))
			return &cfg->agents[i];
	}

	return NULL;
}


const char *config_number_flow(const struct config *cfg, const char *e164)
{
	char num[24];
	size_t i;

	if (!cfg || !e164 || util_e164(num, sizeof(num), e164))
		return NULL;

	for (i = 0; i < cfg->numberc; i++) {
		if (!strcmp(cfg->numbers[i].number, num))
			return cfg->numbers[i].flow;
	}

	return NULL;
}


/* ---- value helpers ---- */

static int check_keys(struct ctx *c, const json_t *obj, const char *path,
		      const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		if (!in_list(allowed, key))
			return fail(c, "%s.%s: unknown key", path, key);
	}

	return 0;
}


/* A whole number in [min, max] as a JSON number or a numeric string */
static int get_u32(struct ctx *c, uint32_t *vp, const json_t *v,
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
		return fail(c, "%s%s: expected a whole number in %u..%u",
			    path, key, min, max);

	*vp = (uint32_t)n;
	return 0;

 bad:
	return fail(c, "%s%s: expected a whole number", path, key);
}


/* Optional string member: *dstp stays NULL when the key is absent */
static int get_str(struct ctx *c, char **dstp, const json_t *obj,
		   const char *path, const char *key, bool required)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		if (required)
			return fail(c, "%s%s: missing", path, key);
		return 0;
	}

	if (!json_is_string(v) || !*json_string_value(v))
		return fail(c, "%s%s: expected a non-empty string", path,
			    key);

	mem_deref(*dstp);
	*dstp = NULL;
	return str_dup(dstp, json_string_value(v));
}


/* base/rel, or rel itself when absolute */
static int resolve(char **dstp, const char *base, const char *rel)
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


static int path_member(struct ctx *c, char **dstp, const json_t *obj,
		       const char *path, const char *key, bool required)
{
	char *rel = NULL;
	int err;

	err = get_str(c, &rel, obj, path, key, required);
	if (err || !rel)
		return err;

	err = resolve(dstp, c->cfg->dir, rel);
	mem_deref(rel);
	return err;
}


static int add_arn(struct cfg_ident *id, const char *arn)
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
static int derive_id(struct cfg_ident *id)
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
static int ident_parse(struct ctx *c, struct cfg_ident *id,
		       const json_t *obj, const char *path,
		       const char *namekey)
{
	json_t *v;
	size_t i;
	int err;

	err = get_str(c, &id->name, obj, path, namekey, true);
	if (err)
		return err;

	err = get_str(c, &id->id, obj, path, "id", false);
	if (err)
		return err;

	v = json_object_get(obj, "arn");
	if (v) {
		if (!json_is_string(v) || !*json_string_value(v))
			return fail(c, "%sarn: expected a non-empty string",
				    path);
		err = add_arn(id, json_string_value(v));
		if (err)
			return err;
	}

	v = json_object_get(obj, "arns");
	if (v) {
		if (!json_is_array(v))
			return fail(c, "%sarns: expected an array of strings",
				    path);

		for (i = 0; i < json_array_size(v); i++) {
			json_t *a = json_array_get(v, i);

			if (!json_is_string(a) || !*json_string_value(a))
				return fail(c, "%sarns[%zu]: expected a "
					    "non-empty string", path, i);
			err = add_arn(id, json_string_value(a));
			if (err)
				return err;
		}
	}

	return derive_id(id);
}


/* Key of the object form ({"name or ARN": value}) */
static int ident_from_key(struct cfg_ident *id, const char *key,
			  bool lambda)
{
	char name[256];
	int err;

	if (strncmp(key, "arn:", 4))
		return str_dup(&id->name, key);

	err = add_arn(id, key);
	if (err)
		return err;

	/* a Lambda is also known by its function name */
	if (lambda && !lambda_name(name, sizeof(name), key))
		return str_dup(&id->name, name);

	err = str_dup(&id->name, key);
	if (err)
		return err;

	return derive_id(id);
}


static void *alloc_array(size_t n, size_t sz)
{
	return n ? mem_zalloc(n * sz, NULL) : NULL;
}


/* ---- sections ---- */

static int tts_parse(struct ctx *c, const json_t *v)
{
	static const char *const keys[] = {
		"default_voice", "default_language", NULL
	};
	int err;

	if (!json_is_object(v))
		return fail(c, "tts: expected an object");

	err = check_keys(c, v, "tts", keys);
	if (err)
		return err;

	err = get_str(c, &c->cfg->default_voice, v, "tts.",
		      "default_voice", false);
	if (err)
		return err;

	return get_str(c, &c->cfg->default_language, v, "tts.",
		       "default_language", false);
}


static int limits_parse(struct ctx *c, const json_t *v)
{
	static const char *const keys[] = {
		"step_limit", "max_concurrent_calls", "max_flow_bytes", NULL
	};
	struct cfg_limits *l = &c->cfg->limits;
	json_t *n;
	int err;

	if (!json_is_object(v))
		return fail(c, "limits: expected an object");

	err = check_keys(c, v, "limits", keys);
	if (err)
		return err;

	n = json_object_get(v, "step_limit");
	if (n) {
		err = get_u32(c, &l->step_limit, n, "limits.", "step_limit",
			      1, UINT32_MAX);
		if (err)
			return err;
	}

	n = json_object_get(v, "max_concurrent_calls");
	if (n) {
		err = get_u32(c, &l->max_concurrent_calls, n, "limits.",
			      "max_concurrent_calls", 0, UINT32_MAX);
		if (err)
			return err;
	}

	n = json_object_get(v, "max_flow_bytes");
	if (n) {
		err = get_u32(c, &l->max_flow_bytes, n, "limits.",
			      "max_flow_bytes", 1, UINT32_MAX);
		if (err)
			return err;
	}

	return 0;
}


static int hours_section(struct ctx *c, const json_t *v)
{
	struct config *cfg = c->cfg;
	char msg[256];
	size_t i, j;
	int err;

	if (!json_is_array(v))
		return fail(c, "hours_of_operation: expected an array");

	cfg->hours = alloc_array(json_array_size(v), sizeof(*cfg->hours));
	if (json_array_size(v) && !cfg->hours)
		return ENOMEM;

	for (i = 0; i < json_array_size(v); i++) {
		struct hours *h;

		msg[0] = '\0';
		err = hours_parse(&h, json_array_get(v, i), msg, sizeof(msg));
		if (err == ENOMEM)
			return err;
		if (err)
			return fail(c, "hours_of_operation[%zu]%s%s", i,
				    strncmp(msg, "expected", 8) ? "." : ": ",
				    msg);

		for (j = 0; j < cfg->hoursc; j++) {
			if (!strcasecmp(cfg->hours[j]->name, h->name)) {
				fail(c, "hours_of_operation[%zu].Name: "
				     "duplicate hours \"%s\"", i, h->name);
				mem_deref(h);
				return EINVAL;
			}
		}

		cfg->hours[cfg->hoursc++] = h;
	}

	return 0;
}


static int queue_parse(struct ctx *c, struct cfg_queue *q, const json_t *obj,
		       size_t i)
{
	static const char *const keys[] = {
		"name", "id", "arn", "arns", "hours", "max_contacts",
		"queue_flow", "outbound_caller_id", "description", NULL
	};
	char path[PATH_SZ], top[PATH_SZ];
	char num[24];
	const struct hours *h;
	char *ref = NULL;
	json_t *v;
	int err;

	(void)snprintf(top, sizeof(top), "queues[%zu]", i);
	(void)snprintf(path, sizeof(path), "queues[%zu].", i);

	if (!json_is_object(obj))
		return fail(c, "%s: expected an object", top);

	err = check_keys(c, obj, top, keys);
	if (err)
		return err;

	err = ident_parse(c, &q->ident, obj, path, "name");
	if (err)
		return err;

	err = get_str(c, &ref, obj, path, "hours", false);
	if (err)
		return err;

	if (ref) {
		h = config_hours(c->cfg, ref);
		if (!h) {
			fail(c, "%shours: unknown hours of operation \"%s\"",
			     path, ref);
			mem_deref(ref);
			return EINVAL;
		}
		mem_deref(ref);

		/* keep the canonical name: look-ups by name always work */
		err = str_dup(&q->hours, h->name);
		if (err)
			return err;
	}

	v = json_object_get(obj, "max_contacts");
	if (v) {
		err = get_u32(c, &q->max_contacts, v, path, "max_contacts",
			      0, UINT32_MAX);
		if (err)
			return err;
	}

	err = get_str(c, &q->queue_flow, obj, path, "queue_flow", false);
	if (err)
		return err;

	err = get_str(c, &q->outbound_caller_id, obj, path,
		      "outbound_caller_id", false);
	if (err)
		return err;

	if (q->outbound_caller_id) {
		if (util_e164(num, sizeof(num), q->outbound_caller_id))
			return fail(c, "%soutbound_caller_id: \"%s\" is not a "
				    "phone number", path,
				    q->outbound_caller_id);
		q->outbound_caller_id = mem_deref(q->outbound_caller_id);
		err = str_dup(&q->outbound_caller_id, num);
		if (err)
			return err;
	}

	return get_str(c, &q->description, obj, path, "description", false);
}


static int queues_section(struct ctx *c, const json_t *v)
{
	struct config *cfg = c->cfg;
	size_t i, j;
	int err;

	if (!json_is_array(v))
		return fail(c, "queues: expected an array");

	cfg->queues = alloc_array(json_array_size(v), sizeof(*cfg->queues));
	if (json_array_size(v) && !cfg->queues)
		return ENOMEM;

	for (i = 0; i < json_array_size(v); i++) {
		struct cfg_queue *q = &cfg->queues[cfg->queuec++];

		err = queue_parse(c, q, json_array_get(v, i), i);
		if (err)
			return err;

		for (j = 0; j + 1 < cfg->queuec; j++) {
			const struct cfg_ident *o = &cfg->queues[j].ident;

			if (!strcasecmp(o->name, q->ident.name))
				return fail(c, "queues[%zu].name: duplicate "
					    "queue \"%s\"", i, q->ident.name);
			if (o->id && q->ident.id &&
			    !strcmp(o->id, q->ident.id))
				return fail(c, "queues[%zu].id: duplicate "
					    "queue id \"%s\"", i, q->ident.id);
		}
	}

	return 0;
}


static int prompts_section(struct ctx *c, const json_t *v)
{
	static const char *const keys[] = {
		"name", "id", "arn", "arns", "path", NULL
	};
	struct config *cfg = c->cfg;
	char path[PATH_SZ], top[PATH_SZ];
	const char *key;
	json_t *e;
	size_t i;
	int err;

	if (!json_is_array(v) && !json_is_object(v))
		return fail(c, "prompts: expected an array or an object");

	cfg->prompts = alloc_array(json_is_array(v) ? json_array_size(v) :
				   json_object_size(v), sizeof(*cfg->prompts));
	if (!cfg->prompts && (json_array_size(v) || json_object_size(v)))
		return ENOMEM;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, e) {
			struct cfg_prompt *p = &cfg->prompts[cfg->promptc++];

			if (!json_is_string(e) || !*json_string_value(e))
				return fail(c, "prompts.%s: expected a file "
					    "path", key);

			err = ident_from_key(&p->ident, key, false);
			if (!err)
				err = resolve(&p->path, cfg->dir,
					      json_string_value(e));
			if (err)
				return err;
		}
		return 0;
	}

	for (i = 0; i < json_array_size(v); i++) {
		struct cfg_prompt *p = &cfg->prompts[cfg->promptc++];

		e = json_array_get(v, i);
		(void)snprintf(top, sizeof(top), "prompts[%zu]", i);
		(void)snprintf(path, sizeof(path), "prompts[%zu].", i);

		if (!json_is_object(e))
			return fail(c, "%s: expected an object", top);

		err = check_keys(c, e, top, keys);
		if (!err)
			err = ident_parse(c, &p->ident, e, path, "name");
		if (!err)
			err = path_member(c, &p->path, e, path, "path", true);
		if (err)
			return err;
	}

	return 0;
}


static int url_check(struct ctx *c, const char *url, const char *path,
		     const char *key)
{
	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
		return fail(c, "%s%s: expected an http:// or https:// URL",
			    path, key);

	return 0;
}


static int functions_section(struct ctx *c, const json_t *v)
{
	static const char *const keys[] = {
		"name", "id", "arn", "arns", "url", NULL
	};
	struct config *cfg = c->cfg;
	char path[PATH_SZ], top[PATH_SZ];
	const char *key;
	json_t *e;
	size_t i;
	int err;

	if (!json_is_array(v) && !json_is_object(v))
		return fail(c, "functions: expected an array or an object");

	cfg->functions = alloc_array(json_is_array(v) ? json_array_size(v) :
				     json_object_size(v),
				     sizeof(*cfg->functions));
	if (!cfg->functions && (json_array_size(v) || json_object_size(v)))
		return ENOMEM;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, e) {
			struct cfg_function *f;

			f = &cfg->functions[cfg->functionc++];

			if (!json_is_string(e))
				return fail(c, "functions.%s: expected a URL",
					    key);

			err = url_check(c, json_string_value(e), "functions.",
					key);
			if (!err)
				err = ident_from_key(&f->ident, key, true);
			if (!err)
				err = str_dup(&f->url, json_string_value(e));
			if (err)
				return err;
		}
		return 0;
	}

	for (i = 0; i < json_array_size(v); i++) {
		struct cfg_function *f = &cfg->functions[cfg->functionc++];

		e = json_array_get(v, i);
		(void)snprintf(top, sizeof(top), "functions[%zu]", i);
		(void)snprintf(path, sizeof(path), "functions[%zu].", i);

		if (!json_is_object(e))
			return fail(c, "%s: expected an object", top);

		err = check_keys(c, e, top, keys);
		if (!err)
			err = ident_parse(c, &f->ident, e, path, "name");
		if (!err)
			err = get_str(c, &f->url, e, path, "url", true);
		if (!err)
			err = url_check(c, f->url, path, "url");
		if (err)
			return err;
	}

	return 0;
}


static int number_add(struct ctx *c, const char *number, const json_t *flow,
		      const char *path)
{
	struct config *cfg = c->cfg;
	struct cfg_number *n;
	char num[24];
	size_t i;
	int err;

	if (util_e164(num, sizeof(num), number))
		return fail(c, "%s: \"%s\" is not a phone number", path,
			    number);

	if (!json_is_string(flow) || !*json_string_value(flow))
		return fail(c, "%s: expected a flow name or ARN", path);

	for (i = 0; i < cfg->numberc; i++) {
		if (!strcmp(cfg->numbers[i].number, num))
			return fail(c, "%s: duplicate number %s", path, num);
	}

	n = &cfg->numbers[cfg->numberc++];
	err = str_dup(&n->number, num);
	if (!err)
		err = str_dup(&n->flow, json_string_value(flow));

	return err;
}


static int numbers_section(struct ctx *c, const json_t *v)
{
	static const char *const keys[] = {"number", "flow", NULL};
	struct config *cfg = c->cfg;
	char path[PATH_SZ], top[PATH_SZ];
	const char *key;
	json_t *e, *jn;
	size_t i;
	int err;

	if (!json_is_array(v) && !json_is_object(v))
		return fail(c, "numbers: expected an object or an array");

	cfg->numbers = alloc_array(json_is_array(v) ? json_array_size(v) :
				   json_object_size(v), sizeof(*cfg->numbers));
	if (!cfg->numbers && (json_array_size(v) || json_object_size(v)))
		return ENOMEM;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, e) {
			(void)snprintf(path, sizeof(path), "numbers.%s", key);
			err = number_add(c, key, e, path);
			if (err)
				return err;
		}
		return 0;
	}

	for (i = 0; i < json_array_size(v); i++) {
		e = json_array_get(v, i);
		(void)snprintf(top, sizeof(top), "numbers[%zu]", i);

		if (!json_is_object(e))
			return fail(c, "%s: expected an object", top);

		err = check_keys(c, e, top, keys);
		if (err)
			return err;

		jn = json_object_get(e, "number");
		if (!json_is_string(jn))
			return fail(c, "%s.number: expected a phone number "
				    "string", top);

		(void)snprintf(path, sizeof(path), "numbers[%zu].flow", i);
		if (!json_object_get(e, "flow"))
			return fail(c, "%s: missing", path);

		(void)snprintf(path, sizeof(path), "numbers[%zu]", i);
		err = number_add(c, json_string_value(jn),
				 json_object_get(e, "flow"), path);
		if (err)
			return err;
	}

	return 0;
}


static int agents_section(struct ctx *c, const json_t *v)
{
	struct config *cfg = c->cfg;
	char path[PATH_SZ];
	size_t i, j;
	int err;

	if (!json_is_array(v))
		return fail(c, "agents: expected an array");

	cfg->agents = alloc_array(json_array_size(v), sizeof(*cfg->agents));
	if (json_array_size(v) && !cfg->agents)
		return ENOMEM;

	for (i = 0; i < json_array_size(v); i++) {
		struct cfg_agent *a = &cfg->agents[cfg->agentc++];
		json_t *e = json_array_get(v, i);

		(void)snprintf(path, sizeof(path), "agents[%zu].", i);

		/* other keys (password, extension...) belong to later
		 * modules: accepted here */
		if (!json_is_object(e))
			return fail(c, "agents[%zu]: expected an object", i);

		err = ident_parse(c, &a->ident, e, path, "username");
		if (!err)
			err = get_str(c, &a->first_name, e, path,
				      "first_name", false);
		if (!err)
			err = get_str(c, &a->last_name, e, path, "last_name",
				      false);
		if (!err)
			err = get_str(c, &a->routing_profile, e, path,
				      "routing_profile", false);
		if (err)
			return err;

		for (j = 0; j + 1 < cfg->agentc; j++) {
			if (!strcasecmp(cfg->agents[j].ident.name,
					a->ident.name))
				return fail(c, "agents[%zu].username: "
					    "duplicate agent \"%s\"", i,
					    a->ident.name);
		}
	}

	return 0;
}


static int flow_types_section(struct ctx *c, json_t *v)
{
	const char *key;
	json_t *e;

	if (!json_is_object(v))
		return fail(c, "flow_types: expected an object");

	json_object_foreach(v, key, e) {
		if (!json_is_string(e) ||
		    !in_list(flow_type_names, json_string_value(e)))
			return fail(c, "flow_types.%s: expected a flow type "
				    "such as CONTACT_FLOW or CUSTOMER_QUEUE",
				    key);
	}

	json_decref(c->cfg->flow_types);
	c->cfg->flow_types = json_incref(v);
	return 0;
}


static int defaults(struct config *cfg, const char *dir)
{
	char cwd[PATH_MAX];
	int err;

	if (!dir) {
		if (!getcwd(cwd, sizeof(cwd)))
			return errno;
		dir = cwd;
	}

	err  = str_dup(&cfg->dir, dir);
	err |= str_dup(&cfg->instance_arn, DEFAULT_INSTANCE_ARN);
	err |= str_dup(&cfg->default_voice, "Joanna");
	err |= str_dup(&cfg->default_language, "en-US");
	if (err)
		return ENOMEM;

	err = resolve(&cfg->flows_dir, cfg->dir, "flows");
	if (!err)
		err = resolve(&cfg->data_dir, cfg->dir, "data");
	if (err)
		return err;

	cfg->limits.step_limit = 1000;
	cfg->limits.max_concurrent_calls = 100;
	cfg->limits.max_flow_bytes = 10 * 1024 * 1024;

	cfg->flow_types = json_object();
	return cfg->flow_types ? 0 : ENOMEM;
}


static int root_parse(struct ctx *c)
{
	static const char *const known[] = {
		"flows_dir", "data_dir", "instance_arn", "tts", "limits",
		"queues", "hours_of_operation", "prompts", "functions",
		"numbers", "agents", "flow_types", NULL
	};
	json_t *root = c->cfg->root, *v;
	const char *key;
	int err;

	json_object_foreach(root, key, v) {
		if (!in_list(known, key) && !in_list(reserved_keys, key))
			return fail(c, "%s: unknown top-level key", key);
	}

	err = path_member(c, &c->cfg->flows_dir, root, "", "flows_dir",
			  false);
	if (!err)
		err = path_member(c, &c->cfg->data_dir, root, "", "data_dir",
				  false);
	if (!err)
		err = get_str(c, &c->cfg->instance_arn, root, "",
			      "instance_arn", false);
	if (err)
		return err;

	/* hours first: queues refer to them */
	if ((v = json_object_get(root, "tts")) && (err = tts_parse(c, v)))
		return err;
	if ((v = json_object_get(root, "limits")) &&
	    (err = limits_parse(c, v)))
		return err;
	if ((v = json_object_get(root, "hours_of_operation")) &&
	    (err = hours_section(c, v)))
		return err;
	if ((v = json_object_get(root, "queues")) &&
	    (err = queues_section(c, v)))
		return err;
	if ((v = json_object_get(root, "prompts")) &&
	    (err = prompts_section(c, v)))
		return err;
	if ((v = json_object_get(root, "functions")) &&
	    (err = functions_section(c, v)))
		return err;
	if ((v = json_object_get(root, "numbers")) &&
	    (err = numbers_section(c, v)))
		return err;
	if ((v = json_object_get(root, "agents")) &&
	    (err = agents_section(c, v)))
		return err;
	if ((v = json_object_get(root, "flow_types")) &&
	    (err = flow_types_section(c, v)))
		return err;

	return 0;
}


static int parse(struct config **cfgp, const char *text, const char *dir,
		 const char *path, char *errbuf, size_t errsz)
{
	struct ctx c = {NULL, errbuf, errsz};
	json_error_t jerr;
	struct config *cfg;
	int err;

	if (!cfgp || !text)
		return EINVAL;

	if (errbuf && errsz)
		errbuf[0] = '\0';

	cfg = mem_zalloc(sizeof(*cfg), config_destructor);
	if (!cfg)
		return ENOMEM;
	c.cfg = cfg;

	err = defaults(cfg, dir);
	if (err)
		goto out;

	if (path) {
		err = str_dup(&cfg->path, path);
		if (err)
			goto out;
	}

	cfg->root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!cfg->root) {
		err = fail(&c, "line %d, column %d: %s", jerr.line,
			   jerr.column, jerr.text);
		goto out;
	}

	if (!json_is_object(cfg->root)) {
		err = fail(&c, "the configuration must be a JSON object");
		goto out;
	}

	err = root_parse(&c);
	if (err == ENOMEM)
		fail(&c, "out of memory");

 out:
	if (err)
		mem_deref(cfg);
	else
		*cfgp = cfg;

	return err;
}


int config_parse(struct config **cfgp, const char *text, const char *dir,
		 char *errbuf, size_t errsz)
{
	return parse(cfgp, text, dir, NULL, errbuf, errsz);
}


int config_default(struct config **cfgp)
{
	return parse(cfgp, "{}", NULL, NULL, NULL, 0);
}


int config_load(struct config **cfgp, const char *path, char *errbuf,
		size_t errsz)
{
	char abspath[PATH_MAX], dir[PATH_MAX];
	char *text = NULL, *slash;
	int err;

	if (!cfgp || !path)
		return EINVAL;

	if (!realpath(path, abspath)) {
		err = errno;
		if (errbuf && errsz)
			(void)snprintf(errbuf, errsz, "%s: %s", path,
				       strerror(err));
		return err;
	}

	err = util_read_file(&text, NULL, abspath, CONFIG_FILE_MAX);
	if (err) {
		if (errbuf && errsz)
			(void)snprintf(errbuf, errsz, "%s: %s", path,
				       err == EFBIG ? "file too large" :
				       strerror(err));
		return err;
	}

	/* realpath() gave an absolute path: it has a slash */
	(void)snprintf(dir, sizeof(dir), "%s", abspath);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';

	err = parse(cfgp, text, dir, abspath, errbuf, errsz);
	mem_deref(text);

	return err;
}
