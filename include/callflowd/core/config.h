/**
 * @file config.h  The daemon's configuration file (one JSON document).
 *
 * Owns the parsed, immutable configuration. A reload parses a new one and
 * swaps the pointer; holders keep a reference (mem_ref) to the version
 * they started with. Every key is documented in docs/configuration.md.
 * Sections that later subsystems own (sip, http, trunks) stay available
 * as JSON through config->root for them to parse.
 */
#ifndef CALLFLOWD_CONFIG_H
#define CALLFLOWD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* jansson and <re.h> clash on JSON_* names: declare json_t only */
typedef struct json_t json_t;

struct hours;

/** A name plus the ARNs and ids it answers to. */
struct cfg_ident {
	char *name;
	char *id;
	char **arns;
	size_t arnc;
};

struct cfg_queue {
	struct cfg_ident ident;
	char *hours;		/* name of its hours of operation, or NULL */
	uint32_t max_contacts;	/* 0 = unlimited */
	char *queue_flow;	/* default customer queue flow, or NULL */
	char *outbound_caller_id;
	char *description;
	char *quick_connect;	/* extension an agent transfers to, or NULL */
	uint32_t service_level_seconds;	/* answered within: default 20 */
};

struct cfg_prompt {
	struct cfg_ident ident;
	char *path;		/* absolute path of the audio file */
};

struct cfg_function {
	struct cfg_ident ident;	/* ARN(s) or name of the Lambda */
	char *url;		/* http:// or https:// endpoint */
};

struct cfg_number {
	char *number;		/* E.164 */
	char *flow;		/* flow name, ARN or id */
};

struct cfg_agent {
	struct cfg_ident ident;	/* name = username */
	char *first_name;
	char *last_name;
	char *routing_profile;
};

/** A key for Connect's encryption of stored customer input: flows name
 *  it by InputEncryption.EncryptionKeyId. */
struct cfg_encryption_key {
	char *id;		/* the KeyId */
	char *path;		/* absolute path of the PEM file */
	char *pem;		/* its text: a public key or an X.509
				   certificate (RSA) */
};

struct cfg_limits {
	uint32_t step_limit;		/* actions without a media wait; 1000 */
	uint32_t max_concurrent_calls;	/* 0 = unlimited; default 100 */
	uint32_t max_flow_bytes;	/* largest flow file loaded; 10 MiB */
};

struct config {
	json_t *root;		/* the whole document, for other modules */
	char *path;		/* absolute path of the file, or NULL */
	char *dir;		/* folder of the file: base of relative paths */
	char *flows_dir;
	char *data_dir;
	char *instance_arn;	/* $.InstanceARN */
	char *default_voice;	/* "Joanna" */
	char *default_language;	/* "en-US" */
	struct cfg_limits limits;

	struct cfg_queue *queues;	size_t queuec;
	struct hours **hours;		size_t hoursc;
	struct cfg_prompt *prompts;	size_t promptc;
	struct cfg_function *functions;	size_t functionc;
	struct cfg_number *numbers;	size_t numberc;
	struct cfg_agent *agents;	size_t agentc;
	struct cfg_encryption_key *encryption_keys;
	size_t encryption_keyc;
	json_t *flow_types;	/* {"flow name": "CUSTOMER_QUEUE", ...} */
};

/** Parse a file. Errors (with the key at fault) go to errbuf. */
int config_load(struct config **cfgp, const char *path, char *errbuf,
		size_t errsz);
/** Parse a document; dir resolves relative paths (NULL: cwd). */
int config_parse(struct config **cfgp, const char *text, const char *dir,
		 char *errbuf, size_t errsz);
/** An empty configuration with every default (for tools without one). */
int config_default(struct config **cfgp);

/*
 * Look-ups by name, id, full ARN, or the last path element of an ARN
 * ("arn:...:queue/<id>" matches a queue whose id is <id>). Case-sensitive
 * for ids and ARNs, case-insensitive for names. NULL when unknown.
 */
const struct cfg_queue    *config_queue(const struct config *cfg,
					const char *ref);
const struct hours        *config_hours(const struct config *cfg,
					const char *ref);
const struct cfg_prompt   *config_prompt(const struct config *cfg,
					 const char *ref);
const struct cfg_function *config_function(const struct config *cfg,
					   const char *ref);
const struct cfg_agent    *config_agent(const struct config *cfg,
					const char *ref);
/** The encryption key of that KeyId (exact match), or NULL. */
const struct cfg_encryption_key *config_encryption_key(
	const struct config *cfg, const char *id);
/** The queue whose quick_connect extension is ext, or NULL. */
const struct cfg_queue *config_queue_quick(const struct config *cfg,
					   const char *ext);
/** Flow name/ARN for an E.164 number, or NULL. */
const char *config_number_flow(const struct config *cfg, const char *e164);
/** True when ref names ident (shared matching rule above). */
bool cfg_ident_match(const struct cfg_ident *id, const char *ref);

#endif
