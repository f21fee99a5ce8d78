/*
 * Helpers the unit tests share for files and pool jobs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/loop.h>
#include "tfiles.h"

char *tf_slurp(const char *path, size_t *lenp)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t got = 0;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (buf) {
		got = fread(buf, 1, (size_t)n, fp);
		buf[got] = '\0';
	}
	fclose(fp);
	if (lenp)
		*lenp = got;
	return buf;
}

void tf_rmrf(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

static void poll_jobs(void *arg)
{
	struct tmr *t = arg;

	if (!loop_pending())
		re_cancel();
	else
		tmr_start(t, 2, poll_jobs, t);
}

void tf_wait_jobs(void)
{
	struct tmr t;

	tmr_init(&t);
	tmr_start(&t, 0, poll_jobs, &t);
	(void)re_main(NULL);
	tmr_cancel(&t);
}
