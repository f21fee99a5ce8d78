/**
 * @file flowset.h  The set of loaded flows, by name, ARN and id.
 *
 * Owns the current version of every flow and its latest findings. Loading
 * a directory (or one file of it) compiles new versions and swaps them in;
 * a file that fails keeps the last good version serving and records the
 * errors. Contacts hold references to the versions they started with, so
 * a swap never disturbs a live contact.
 */
#ifndef CALLFLOWD_FLOWSET_H
#define CALLFLOWD_FLOWSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <callflowd/flow/flow.h>

struct config;
struct flowset;

/** One entry: the serving version plus the last load attempt. */
struct flowset_entry {
	char *name;
	char *path;
	struct flow *flow;		/* serving version, NULL if never good */
	struct findings *findings;	/* of the last attempt (mem ref) */
	bool last_failed;		/* last attempt had errors */
	uint64_t attempt_ms;		/* when the file was last read */
};

int  flowset_alloc(struct flowset **fsp, const struct config *cfg);
/** Load every *.json file in dir (not recursive; dotfiles and editor
 *  temporaries such as "x.json~", ".x.json.swp", "#x#" ignored). */
int  flowset_load_dir(struct flowset *fs, const char *dir);
/** (Re)load one file; 0 when now serving its new version. */
int  flowset_load_file(struct flowset *fs, const char *path);
/** Add an already compiled flow (tests, simulator). */
int  flowset_add(struct flowset *fs, struct flow *flow);
/** Forget the flow loaded from path (file removed). */
void flowset_remove_path(struct flowset *fs, const char *path);
/** Serving flow by name, full ARN, id or ARN's last element; NULL. */
struct flow *flowset_find(const struct flowset *fs, const char *ref);
size_t flowset_count(const struct flowset *fs);
const struct flowset_entry *flowset_at(const struct flowset *fs, size_t i);
/** True when the file name is one the loader would read. */
bool flowset_wants_file(const char *filename);

#endif
