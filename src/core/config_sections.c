/**
 * @file config_sections.c  Each configuration section this module owns.
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

/* Flow types of Connect (flow_types values); kept here so that the
 * configuration does not depend on the flow engine */
static const char *const flow_type_names[] = {
	"CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "CUSTOMER_WHISPER",
	"AGENT_HOLD", "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER",
	"QUEUE_TRANSFER", "CAMPAIGN", "MODULE", NULL
};

/* ---- sections ---- */

int cfg_tts_parse(struct ctx *c, const json_t *v)
{
	static const char *const keys[] = {
		"default_voice", "default_language", NULL
	};
	int err;

	if (!json_is_object(v))
		return cfg_fail(c, "tts: expected an object");

	err = cfg_check_keys(c, v, "tts", keys);
	if (err)
		return err;

	err = cfg_get_str(c, &c->cfg->default_voice, v, "tts.",
		      "default_voice", false);
	if (err)
		return err;

	return cfg_get_str(c, &c->cfg->default_language, v, "tts.",
		       "default_language", false);
}


int cfg_limits_parse(struct ctx *c, const json_t *v)
{
	static const char *const keys[] = {
		"step_limit", "max_concurrent_calls", "max_flow_bytes", NULL
	};
	struct cfg_limits *l = &c->cfg->limits;
	json_t *n;
	int err;

	if (!json_is_object(v))
		return cfg_fail(c, "limits: expected an object");

	err = cfg_check_keys(c, v, "limits", keys);
	if (err)
		return err;

	n = json_object_get(v, "step_limit");
	if (n) {
		err = cfg_get_u32(c, &l->step_limit, n, "limits.", "step_limit",
			      1, UINT32_MAX);
		if (err)
			return err;
	}

	n = json_object_get(v, "max_concurrent_calls");
	if (n) {
		err = cfg_get_u32(c, &l->max_concurrent_calls, n, "limits.",
			      "max_concurrent_calls", 0, UINT32_MAX);
		if (err)
			return err;
	}

	n = json_object_get(v, "max_flow_bytes");
	if (n) {
		err = cfg_get_u32(c, &l->max_flow_bytes, n, "limits.",
			      "max_flow_bytes", 1, UINT32_MAX);
		if (err)
			return err;
	}

	return 0;
}


int cfg_hours_section(struct ctx *c, const json_t *v)
{
	struct config *cfg = c->cfg;
	char msg[256];
	size_t i, j;
	int err;

	if (!json_is_array(v))
		return cfg_fail(c, "hours_of_operation: expected an array");

	cfg->hours = cfg_alloc_array(json_array_size(v), sizeof(*cfg->hours));
	if (json_array_size(v) && !cfg->hours)
		return ENOMEM;

	for (i = 0; i < json_array_size(v); i++) {
		struct hours *h;

		msg[0] = '\0';
		err = hours_parse(&h, json_array_get(v, i), msg, sizeof(msg));
		if (err == ENOMEM)
			return err;
		if (err)
			return cfg_fail(c, "hours_of_operation[%zu]%s%s", i,
				    strncmp(msg, "expected", 8) ? "." : ": ",
				    msg);

		for (j = 0; j < cfg->hoursc; j++) {
			if (!strcasecmp(cfg->hours[j]->name, h->name)) {
				cfg_fail(c, "hours_of_operation[%zu].Name: "
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
		"queue_flow", "outbound_caller_id", "description",
		"service_level_seconds", "quick_connect", NULL
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
		return cfg_fail(c, "%s: expected an object", top);

	err = cfg_check_keys(c, obj, top, keys);
	if (err)
		return err;

	err = cfg_ident_parse(c, &q->ident, obj, path, "name");
	if (err)
		return err;

	err = cfg_get_str(c, &ref, obj, path, "hours", false);
	if (err)
		return err;

	if (ref) {
		h = config_hours(c->cfg, ref);
		if (!h) {
			cfg_fail(c, "%shours: unknown hours of operation \"%s\"",
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
		err = cfg_get_u32(c, &q->max_contacts, v, path, "max_contacts",
			      0, UINT32_MAX);
		if (err)
			return err;
	}

	/* the service level's threshold (GET /v1/queues/{name}/metrics) */
	q->service_level_seconds = 20;
	v = json_object_get(obj, "service_level_seconds");
	if (v) {
		err = cfg_get_u32(c, &q->service_level_seconds, v, path,
				  "service_level_seconds", 1, 86400);
		if (err)
			return err;
	}

	err = cfg_get_str(c, &q->queue_flow, obj, path, "queue_flow", false);
	if (err)
		return err;

	err = cfg_get_str(c, &q->outbound_caller_id, obj, path,
		      "outbound_caller_id", false);
	if (err)
		return err;

	if (q->outbound_caller_id) {
		if (util_e164(num, sizeof(num), q->outbound_caller_id))
			return cfg_fail(c, "%soutbound_caller_id: \"%s\" is not a "
				    "phone number", path,
				    q->outbound_caller_id);
		q->outbound_caller_id = mem_deref(q->outbound_caller_id);
		err = str_dup(&q->outbound_caller_id, num);
		if (err)
			return err;
	}

	err = cfg_get_str(c, &q->quick_connect, obj, path, "quick_connect",
			  false);
	if (err)
		return err;
	if (q->quick_connect &&
	    (!*q->quick_connect ||
	     strspn(q->quick_connect, "0123456789*#") !=
	     strlen(q->quick_connect) || strlen(q->quick_connect) > 16))
		return cfg_fail(c, "%squick_connect: expected 1 to 16 of "
				"0-9 * #", path);
	if (q->quick_connect &&
	    config_queue_quick(c->cfg, q->quick_connect) != q)
		return cfg_fail(c, "%squick_connect: \"%s\" is already "
				"another queue's", path, q->quick_connect);

	return cfg_get_str(c, &q->description, obj, path, "description", false);
}


int cfg_queues_section(struct ctx *c, const json_t *v)
{
	struct config *cfg = c->cfg;
	size_t i, j;
	int err;

	if (!json_is_array(v))
		return cfg_fail(c, "queues: expected an array");

	cfg->queues = cfg_alloc_array(json_array_size(v), sizeof(*cfg->queues));
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
				return cfg_fail(c, "queues[%zu].name: duplicate "
					    "queue \"%s\"", i, q->ident.name);
			if (o->id && q->ident.id &&
			    !strcmp(o->id, q->ident.id))
				return cfg_fail(c, "queues[%zu].id: duplicate "
					    "queue id \"%s\"", i, q->ident.id);
		}
	}

	return 0;
}


int cfg_prompts_section(struct ctx *c, const json_t *v)
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
		return cfg_fail(c, "prompts: expected an array or an object");

	cfg->prompts = cfg_alloc_array(json_is_array(v) ? json_array_size(v) :
				   json_object_size(v), sizeof(*cfg->prompts));
	if (!cfg->prompts && (json_array_size(v) || json_object_size(v)))
		return ENOMEM;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, e) {
			struct cfg_prompt *p = &cfg->prompts[cfg->promptc++];

			if (!json_is_string(e) || !*json_string_value(e))
				return cfg_fail(c, "prompts.%s: expected a file "
					    "path", key);

			err = cfg_ident_from_key(&p->ident, key, false);
			if (!err)
				err = cfg_resolve(&p->path, cfg->dir,
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
			return cfg_fail(c, "%s: expected an object", top);

		err = cfg_check_keys(c, e, top, keys);
		if (!err)
			err = cfg_ident_parse(c, &p->ident, e, path, "name");
		if (!err)
			err = cfg_path_member(c, &p->path, e, path, "path", true);
		if (err)
			return err;
	}

	return 0;
}


static int url_check(struct ctx *c, const char *url, const char *path,
		     const char *key)
{
	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
		return cfg_fail(c, "%s%s: expected an http:// or https:// URL",
			    path, key);

	return 0;
}


int cfg_functions_section(struct ctx *c, const json_t *v)
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
		return cfg_fail(c, "functions: expected an array or an object");

	cfg->functions = cfg_alloc_array(json_is_array(v) ? json_array_size(v) :
				     json_object_size(v),
				     sizeof(*cfg->functions));
	if (!cfg->functions && (json_array_size(v) || json_object_size(v)))
		return ENOMEM;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, e) {
			struct cfg_function *f;

			f = &cfg->functions[cfg->functionc++];

			if (!json_is_string(e))
				return cfg_fail(c, "functions.%s: expected a URL",
					    key);

			err = url_check(c, json_string_value(e), "functions.",
					key);
			if (!err)
				err = cfg_ident_from_key(&f->ident, key, true);
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
			return cfg_fail(c, "%s: expected an object", top);

		err = cfg_check_keys(c, e, top, keys);
		if (!err)
			err = cfg_ident_parse(c, &f->ident, e, path, "name");
		if (!err)
			err = cfg_get_str(c, &f->url, e, path, "url", true);
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
		return cfg_fail(c, "%s: \"%s\" is not a phone number", path,
			    number);

	if (!json_is_string(flow) || !*json_string_value(flow))
		return cfg_fail(c, "%s: expected a flow name or ARN", path);

	for (i = 0; i < cfg->numberc; i++) {
		if (!strcmp(cfg->numbers[i].number, num))
			return cfg_fail(c, "%s: duplicate number %s", path, num);
	}

	n = &cfg->numbers[cfg->numberc++];
	err = str_dup(&n->number, num);
	if (!err)
		err = str_dup(&n->flow, json_string_value(flow));

	return err;
}


int cfg_numbers_section(struct ctx *c, const json_t *v)
{
	static const char *const keys[] = {"number", "flow", NULL};
	struct config *cfg = c->cfg;
	char path[PATH_SZ], top[PATH_SZ];
	const char *key;
	json_t *e, *jn;
	size_t i;
	int err;

	if (!json_is_array(v) && !json_is_object(v))
		return cfg_fail(c, "numbers: expected an object or an array");

	cfg->numbers = cfg_alloc_array(json_is_array(v) ? json_array_size(v) :
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
			return cfg_fail(c, "%s: expected an object", top);

		err = cfg_check_keys(c, e, top, keys);
		if (err)
			return err;

		jn = json_object_get(e, "number");
		if (!json_is_string(jn))
			return cfg_fail(c, "%s.number: expected a phone number "
				    "string", top);

		(void)snprintf(path, sizeof(path), "numbers[%zu].flow", i);
		if (!json_object_get(e, "flow"))
			return cfg_fail(c, "%s: missing", path);

		(void)snprintf(path, sizeof(path), "numbers[%zu]", i);
		err = number_add(c, json_string_value(jn),
				 json_object_get(e, "flow"), path);
		if (err)
			return err;
	}

	return 0;
}


int cfg_agents_section(struct ctx *c, const json_t *v)
{
	struct config *cfg = c->cfg;
	char path[PATH_SZ];
	size_t i, j;
	int err;

	if (!json_is_array(v))
		return cfg_fail(c, "agents: expected an array");

	cfg->agents = cfg_alloc_array(json_array_size(v), sizeof(*cfg->agents));
	if (json_array_size(v) && !cfg->agents)
		return ENOMEM;

	for (i = 0; i < json_array_size(v); i++) {
		struct cfg_agent *a = &cfg->agents[cfg->agentc++];
		json_t *e = json_array_get(v, i);

		(void)snprintf(path, sizeof(path), "agents[%zu].", i);

		/* other keys (password, extension...) belong to later
		 * modules: accepted here */
		if (!json_is_object(e))
			return cfg_fail(c, "agents[%zu]: expected an object", i);

		err = cfg_ident_parse(c, &a->ident, e, path, "username");
		if (!err)
			err = cfg_get_str(c, &a->first_name, e, path,
				      "first_name", false);
		if (!err)
			err = cfg_get_str(c, &a->last_name, e, path, "last_name",
				      false);
		if (!err)
			err = cfg_get_str(c, &a->routing_profile, e, path,
				      "routing_profile", false);
		if (err)
			return err;

		for (j = 0; j + 1 < cfg->agentc; j++) {
			if (!strcasecmp(cfg->agents[j].ident.name,
					a->ident.name))
				return cfg_fail(c, "agents[%zu].username: "
					    "duplicate agent \"%s\"", i,
					    a->ident.name);
		}
	}

	return 0;
}


int cfg_flow_types_section(struct ctx *c, json_t *v)
{
	const char *key;
	json_t *e;

	if (!json_is_object(v))
		return cfg_fail(c, "flow_types: expected an object");

	json_object_foreach(v, key, e) {
		if (!json_is_string(e) ||
		    !cfg_in_list(flow_type_names, json_string_value(e)))
			return cfg_fail(c, "flow_types.%s: expected a flow type "
				    "such as CONTACT_FLOW or CUSTOMER_QUEUE",
				    key);
	}

	json_decref(c->cfg->flow_types);
	c->cfg->flow_types = json_incref(v);
	return 0;
}


/* One PEM file: a public key or a certificate, read now so that a
 * missing file is a configuration error, not a failed call. */
int cfg_encryption_keys_section(struct ctx *c, const json_t *v)
{
	static const char *const keys[] = {"id", "public_key", NULL};
	struct config *cfg = c->cfg;
	char path[PATH_SZ];
	size_t i, j, len;
	int err;

	if (!json_is_array(v))
		return cfg_fail(c, "encryption_keys: expected an array");

	cfg->encryption_keys = cfg_alloc_array(json_array_size(v),
					       sizeof(*cfg->encryption_keys));
	if (json_array_size(v) && !cfg->encryption_keys)
		return ENOMEM;

	for (i = 0; i < json_array_size(v); i++) {
		struct cfg_encryption_key *k =
			&cfg->encryption_keys[cfg->encryption_keyc++];
		const json_t *e = json_array_get(v, i);

		(void)snprintf(path, sizeof(path), "encryption_keys[%zu]", i);
		if (!json_is_object(e))
			return cfg_fail(c, "%s: expected an object", path);
		err = cfg_check_keys(c, e, path, keys);
		(void)snprintf(path, sizeof(path), "encryption_keys[%zu].",
			       i);
		if (!err)
			err = cfg_get_str(c, &k->id, e, path, "id", true);
		if (!err)
			err = cfg_path_member(c, &k->path, e, path,
					      "public_key", true);
		if (err)
			return err;

		for (j = 0; j + 1 < cfg->encryption_keyc; j++) {
			if (!strcmp(cfg->encryption_keys[j].id, k->id))
				return cfg_fail(c, "%sid: duplicate key "
						"\"%s\"", path, k->id);
		}

		err = util_read_file(&k->pem, &len, k->path, 64 * 1024);
		if (err)
			return cfg_fail(c, "%spublic_key: %s: %s", path,
					k->path, err == EFBIG ?
					"file too large" : strerror(err));
		if (!strstr(k->pem, "-----BEGIN "))
			return cfg_fail(c, "%spublic_key: %s is not a PEM "
					"public key or certificate", path,
					k->path);
	}

	return 0;
}
