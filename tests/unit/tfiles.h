/*
 * Helpers the unit tests share for files and pool jobs.
 */
#ifndef CFD_TFILES_H
#define CFD_TFILES_H

#include <stddef.h>

/** The whole file, NUL-terminated (malloc'd; NULL when unreadable);
 *  *lenp (optional) gets its length. */
char *tf_slurp(const char *path, size_t *lenp);
/** rm -rf dir (a test's temporary folder). */
void tf_rmrf(const char *dir);
/** Run the loop until no pool job is pending (work written by jobs of
 *  objects already released). */
void tf_wait_jobs(void);

#endif
