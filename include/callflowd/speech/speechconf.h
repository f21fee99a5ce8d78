/**
 * @file speechconf.h  The configuration's "speech" section: the bots
 * folder and the bots by alias ARN, the recogniser's model and its limit
 * of concurrent recognitions. config.c leaves the section to this module
 * (config->root); the daemon calls speechconf_load() at start and reload
 * (and with --check-config), the simulator for --config.
 *
 * Owns the parsed section and the loaded bots (immutable, shared).
 */
#ifndef CALLFLOWD_SPEECH_SPEECHCONF_H
#define CALLFLOWD_SPEECH_SPEECHCONF_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct botset;

struct speechconf {
	char *bots_dir;			/* absolute */
	char *model_dir;		/* acoustic model + dictionary */
	uint32_t max_recognitions;	/* concurrent, process-wide */
	struct botset *bots;
};

/**
 * Parse cfg's "speech" section (none: no bots, the defaults) and load
 * every bot it names. A wrong key, type or bot export is an error naming
 * it in err; nothing half-loaded is returned.
 */
int speechconf_load(struct speechconf **scp, const struct config *cfg,
		    char *err, size_t errsz);

#endif
