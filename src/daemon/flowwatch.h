/**
 * @file flowwatch.h  Watches the flows directory (inotify via libuv) and
 * reloads a file once it has been quiet for a moment, so an editor's
 * partial writes never load half a flow. A broken file leaves the last
 * good version serving (flowset.h).
 */
#ifndef CALLFLOWD_FLOWWATCH_H
#define CALLFLOWD_FLOWWATCH_H

#include <stdint.h>

struct flowwatch;
struct flowset;

/** Start watching dir for changes to the flows of fs. */
struct audit;

/** Changes go into audit (may be NULL). */
int flowwatch_alloc(struct flowwatch **fwp, const char *dir,
		    struct flowset *fs, uint32_t quiet_ms, struct audit *audit);
/** Point the watcher at another flow set (after a reload). */
void flowwatch_set(struct flowwatch *fw, struct flowset *fs);
uint64_t flowwatch_reloads(const struct flowwatch *fw);

#endif
