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
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include <callflowd/core/hours.h>
#include <callflowd/core/config.h>
#include "config_priv.h"


#define DEFAULT_INSTANCE_ARN \
	"arn:aws:connect:local:000000000000:instance/callflowd"

/* Top-level sections parsed by the modules that own them */
static const char *const reserved_keys[] = {
	"sip", "http", "trunks", "routing_profiles", "agent_statuses",
	"records", "recordings", "media", "api", "log_level",
	"shutdown_grace_seconds", "outbound", "security", "speech", NULL
};




int cfg_fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->errbuf && c->errsz) {
		va_start(ap, fmt);
		(void)vsnprintf(c->errbuf, c->errsz, fmt, ap);
		va_end(ap);
	}

	return EINVAL;
}


bool cfg_in_list(const char *const *list, const char *s)
{
	for (; *list; list++) {
		if (!strcmp(*list, s))
			return true;
	}

	return false;
}


void cfg_ident_reset(struct cfg_ident *id)
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

		cfg_ident_reset(&q->ident);
		mem_deref(q->hours);
		mem_deref(q->queue_flow);
		mem_deref(q->outbound_caller_id);
		mem_deref(q->description);
		mem_deref(q->quick_connect);
	}
	mem_deref(cfg->queues);

	for (i = 0; i < cfg->hoursc; i++)
		mem_deref(cfg->hours[i]);
	mem_deref(cfg->hours);

	for (i = 0; i < cfg->promptc; i++) {
		cfg_ident_reset(&cfg->prompts[i].ident);
		mem_deref(cfg->prompts[i].path);
	}
	mem_deref(cfg->prompts);

	for (i = 0; i < cfg->functionc; i++) {
		cfg_ident_reset(&cfg->functions[i].ident);
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

		cfg_ident_reset(&a->ident);
		mem_deref(a->first_name);
		mem_deref(a->last_name);
		mem_deref(a->routing_profile);
	}
	mem_deref(cfg->agents);

	for (i = 0; i < cfg->encryption_keyc; i++) {
		struct cfg_encryption_key *k = &cfg->encryption_keys[i];

		mem_deref(k->id);
		mem_deref(k->path);
		if (k->pem)
			memset(k->pem, 0, strlen(k->pem));
		mem_deref(k->pem);
	}
	mem_deref(cfg->encryption_keys);

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

	err = cfg_resolve(&cfg->flows_dir, cfg->dir, "flows");
	if (!err)
		err = cfg_resolve(&cfg->data_dir, cfg->dir, "data");
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
		"numbers", "agents", "flow_types", "encryption_keys", NULL
	};
	json_t *root = c->cfg->root, *v;
	const char *key;
	int err;

	json_object_foreach(root, key, v) {
		if (!cfg_in_list(known, key) && !cfg_in_list(reserved_keys, key))
			return cfg_fail(c, "%s: unknown top-level key", key);
	}

	err = cfg_path_member(c, &c->cfg->flows_dir, root, "", "flows_dir",
			  false);
	if (!err)
		err = cfg_path_member(c, &c->cfg->data_dir, root, "", "data_dir",
				  false);
	if (!err)
		err = cfg_get_str(c, &c->cfg->instance_arn, root, "",
			      "instance_arn", false);
	if (err)
		return err;

	/* hours first: queues refer to them */
	if ((v = json_object_get(root, "tts")) && (err = cfg_tts_parse(c, v)))
		return err;
	if ((v = json_object_get(root, "limits")) &&
	    (err = cfg_limits_parse(c, v)))
		return err;
	if ((v = json_object_get(root, "hours_of_operation")) &&
	    (err = cfg_hours_section(c, v)))
		return err;
	if ((v = json_object_get(root, "queues")) &&
	    (err = cfg_queues_section(c, v)))
		return err;
	if ((v = json_object_get(root, "prompts")) &&
	    (err = cfg_prompts_section(c, v)))
		return err;
	if ((v = json_object_get(root, "functions")) &&
	    (err = cfg_functions_section(c, v)))
		return err;
	if ((v = json_object_get(root, "numbers")) &&
	    (err = cfg_numbers_section(c, v)))
		return err;
	if ((v = json_object_get(root, "agents")) &&
	    (err = cfg_agents_section(c, v)))
		return err;
	if ((v = json_object_get(root, "flow_types")) &&
	    (err = cfg_flow_types_section(c, v)))
		return err;
	if ((v = json_object_get(root, "encryption_keys")) &&
	    (err = cfg_encryption_keys_section(c, v)))
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
		err = cfg_fail(&c, "line %d, column %d: %s", jerr.line,
			   jerr.column, jerr.text);
		goto out;
	}

	if (!json_is_object(cfg->root)) {
		err = cfg_fail(&c, "the configuration must be a JSON object");
		goto out;
	}

	err = root_parse(&c);
	if (err == ENOMEM)
		cfg_fail(&c, "out of memory");

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
