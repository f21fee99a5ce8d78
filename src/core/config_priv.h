/**
 * @file config_priv.h  Private: shared by the configuration parser's
 * files (config.c: the document; config_values.c: typed values and
 * identities; config_sections.c: each section; config_lookup.c: look-ups).
 */
#ifndef CALLFLOWD_CONFIG_PRIV_H
#define CALLFLOWD_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>

enum {
	CONFIG_FILE_MAX = 16 << 20,
	PATH_SZ = 160,		/* key paths in error messages */
};

struct ctx {
	struct config *cfg;
	char *errbuf;
	size_t errsz;
};

/* config.c */
int  cfg_fail(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool cfg_in_list(const char *const *list, const char *s);
void cfg_ident_reset(struct cfg_ident *id);

/* config_lookup.c */
int  cfg_lambda_name(char *buf, size_t sz, const char *arn);

/* config_values.c, config_sections.c */
int cfg_check_keys(struct ctx *c, const json_t *obj, const char *path,
		const char *const *allowed);
int cfg_get_u32(struct ctx *c, uint32_t *vp, const json_t *v, const char *path,
		const char *key, uint32_t min, uint32_t max);
int cfg_get_str(struct ctx *c, char **dstp, const json_t *obj,
		const char *path, const char *key, bool required);
int cfg_resolve(char **dstp, const char *base, const char *rel);
int cfg_path_member(struct ctx *c, char **dstp, const json_t *obj,
		const char *path, const char *key, bool required);
int cfg_add_arn(struct cfg_ident *id, const char *arn);
int cfg_derive_id(struct cfg_ident *id);
int cfg_ident_parse(struct ctx *c, struct cfg_ident *id, const json_t *obj,
		const char *path, const char *namekey);
int cfg_ident_from_key(struct cfg_ident *id, const char *key, bool lambda);
void *cfg_alloc_array(size_t n, size_t sz);
int cfg_tts_parse(struct ctx *c, const json_t *v);
int cfg_limits_parse(struct ctx *c, const json_t *v);
int cfg_hours_section(struct ctx *c, const json_t *v);
int cfg_queues_section(struct ctx *c, const json_t *v);
int cfg_prompts_section(struct ctx *c, const json_t *v);
int cfg_functions_section(struct ctx *c, const json_t *v);
int cfg_numbers_section(struct ctx *c, const json_t *v);
int cfg_agents_section(struct ctx *c, const json_t *v);
int cfg_flow_types_section(struct ctx *c, json_t *v);
int cfg_encryption_keys_section(struct ctx *c, const json_t *v);

#endif
