/**
 * @file test.h  The unit-test harness: TEST(name) registers a case in the
 * suite named after its file; ASSERT_* stop the case with file:line.
 */
#ifndef CFD_TEST_H
#define CFD_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef void (test_fn)(void);

void test_register(const char *file, const char *name, test_fn *fn);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool test_failed(void);

#define TEST(name) \
	static void test_##name(void); \
	__attribute__((constructor)) static void reg_##name(void) \
	{ test_register(__FILE__, #name, test_##name); } \
	static void test_##name(void)

#define ASSERT_TRUE(c) do { if (!(c)) { \
	test_fail(__FILE__, __LINE__, "expected true: %s", #c); return; } } while (0)
#define ASSERT_FALSE(c) ASSERT_TRUE(!(c))
#define ASSERT_INT_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", \
		#a, #b, a_, b_); return; } } while (0)
#define ASSERT_STR_EQ(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_)) { test_fail(__FILE__, __LINE__, \
		"%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)", \
		b_ ? b_ : "(null)"); return; } } while (0)
#define ASSERT_NULL(p) ASSERT_TRUE((p) == NULL)
#define ASSERT_NOT_NULL(p) ASSERT_TRUE((p) != NULL)

#endif
