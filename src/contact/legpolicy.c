/**
 * @file legpolicy.c  The media an agent's leg may use: codecs and SRTP
 * policy from the agent's entry ("srtp", "codecs"), else from its routing
 * profile, else PCMU and PCMA in plain RTP. Trunks carry their own policy
 * (trunks[], outbound.trunk: sip/), so every leg has one.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/sip/sipserver.h>
#include "contact_priv.h"

static const json_t *find_by(const json_t *arr, const char *key,
			     const char *name)
{
	size_t i;

	for (i = 0; name && i < json_array_size(arr); i++) {
		const json_t *e = json_array_get(arr, i);
		const char *v = json_string_value(json_object_get(e, key));

		if (v && !strcasecmp(v, name))
			return e;
	}
	return NULL;
}

static bool has_media(const json_t *o)
{
	return json_object_get(o, "srtp") || json_object_get(o, "codecs");
}

int legpolicy_agent(struct sdp_policy *mp, const struct config *cfg,
		    const char *username)
{
	const struct cfg_agent *ca = config_agent(cfg, username);
	const json_t *agent, *prof = NULL;

	if (!mp || !cfg)
		return EINVAL;
	agent = find_by(json_object_get(cfg->root, "agents"), "username",
			ca ? ca->ident.name : username);
	if (ca && ca->routing_profile)
		prof = find_by(json_object_get(cfg->root, "routing_profiles"),
			       "name", ca->routing_profile);
	if (has_media(agent))
		return trunk_media_parse(mp, agent, "agent", NULL, 0);
	return trunk_media_parse(mp, has_media(prof) ? prof : NULL,
				 "routing profile", NULL, 0);
}

int legpolicy_check(const struct config *cfg, char *errbuf, size_t errsz)
{
	const char *sec[] = {"agents", "routing_profiles"};
	struct sdp_policy mp;
	char path[48];
	size_t s, i;
	int err;

	for (s = 0; s < ARRAY_SIZE(sec); s++) {
		const json_t *arr = json_object_get(cfg->root, sec[s]);

		for (i = 0; i < json_array_size(arr); i++) {
			re_snprintf(path, sizeof(path), "%s[%zu]", sec[s], i);
			err = trunk_media_parse(&mp, json_array_get(arr, i),
						path, errbuf, errsz);
			if (err)
				return err;
		}
	}
	return 0;
}
