/*
 * The unit-test runner: `cfd_unit SUITE` runs every case registered from
 * tests/unit/test_SUITE.c, `cfd_unit` runs them all. Each case must leave
 * no libre memory behind: the runner checks mem_get_stat() between cases.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <callflowd/core/libre.h>
#include "test.h"

struct tcase {
	char suite[64];
	const char *name;
	test_fn *fn;
};

static struct tcase cases[1024];
static size_t ncases;
static bool cur_failed;

void test_register(const char *file, const char *name, test_fn *fn)
{
	const char *base = strrchr(file, '/');
	struct tcase *tc;
	size_t len;

	if (ncases >= sizeof(cases) / sizeof(cases[0]))
		abort();
	tc = &cases[ncases++];
	base = base ? base + 1 : file;
	if (!strncmp(base, "test_", 5))
		base += 5;
	len = strcspn(base, ".");
	if (len >= sizeof(tc->suite))
		len = sizeof(tc->suite) - 1;
	memcpy(tc->suite, base, len);
	tc->suite[len] = '\0';
	tc->name = name;
	tc->fn = fn;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cur_failed = true;
	fprintf(stderr, "    %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool test_failed(void)
{
	return cur_failed;
}

int main(int argc, char **argv)
{
	const char *suite = argc > 1 ? argv[1] : NULL;
	const char *only = argc > 2 ? argv[2] : NULL;
	size_t i, run = 0, failed = 0;

	if (libre_init())
		return 2;

	for (i = 0; i < ncases; i++) {
		struct tcase *tc = &cases[i];
		struct memstat before = {0}, after = {0};

		if (suite && strcmp(suite, tc->suite))
			continue;
		if (only && strcmp(only, tc->name))
			continue;
		cur_failed = false;
		(void)mem_get_stat(&before);
		tc->fn();
		(void)mem_get_stat(&after);
		if (!cur_failed && after.blocks_cur != before.blocks_cur) {
			test_fail(__FILE__, __LINE__, "leaked %zd libre blocks",
				  (ssize_t)after.blocks_cur -
				  (ssize_t)before.blocks_cur);
		}
		++run;
		if (cur_failed)
			++failed;
		printf("%s %s.%s\n", cur_failed ? "FAIL" : "ok  ",
		       tc->suite, tc->name);
	}

	libre_close();
	printf("%zu passed, %zu failed\n", run - failed, failed);
	if (!run) {
		fprintf(stderr, "no test case matched\n");
		return 2;
	}
	return failed ? 1 : 0;
}
