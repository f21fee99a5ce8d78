/**
 * @file config_lookup.c  Finding queues, hours, prompts, functions, agents
 * and numbers by name, id or ARN.
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
int cfg_lambda_name(char *buf, size_t sz, const char *arn)
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


const struct cfg_queue *config_queue_quick(const struct config *cfg,
					   const char *ext)
{
	size_t i;

	for (i = 0; cfg && ext && i < cfg->queuec; i++) {
		if (cfg->queues[i].quick_connect &&
		    !strcmp(cfg->queues[i].quick_connect, ext))
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
	if (!cfg || !ref || cfg_lambda_name(name, sizeof(name), ref))
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


const struct cfg_encryption_key *config_encryption_key(
	const struct config *cfg, const char *id)
{
	size_t i;

	if (!cfg || !id)
		return NULL;

	for (i = 0; i < cfg->encryption_keyc; i++) {
		if (!strcmp(cfg->encryption_keys[i].id, id))
			return &cfg->encryption_keys[i];
	}

	return NULL;
}
