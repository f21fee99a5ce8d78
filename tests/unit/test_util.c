/* util: timestamps, E.164, rng, file reading, UUID, booleans. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include "test.h"

TEST(clocks_advance)
{
	uint64_t w1 = util_now_ms(), m1 = util_mono_ms();
	uint64_t w2, m2;
	volatile unsigned spin = 0;

	/* any instant after 2020 and before 2100 */
	ASSERT_TRUE(w1 > 1577836800000ULL && w1 < 4102444800000ULL);
	while (spin < 100000)
		++spin;
	w2 = util_now_ms();
	m2 = util_mono_ms();
	ASSERT_TRUE(m2 >= m1);
	ASSERT_TRUE(w2 + 1000 >= w1);
}

TEST(iso8601_format)
{
	char buf[32];

	util_iso8601(buf, sizeof(buf), 0);
	ASSERT_STR_EQ(buf, "1970-01-01T00:00:00.000Z");
	util_iso8601(buf, sizeof(buf), 1795560577123ULL);
	ASSERT_STR_EQ(buf, "2026-11-24T22:49:37.123Z");
	util_iso8601(buf, sizeof(buf), 951868799999ULL);
	ASSERT_STR_EQ(buf, "2000-02-29T23:59:59.999Z");
}

TEST(iso8601_parse_forms)
{
	uint64_t ms = 0;

	ASSERT_INT_EQ(util_iso8601_parse(&ms, "2026-11-24T22:49:37.123Z"), 0);
	ASSERT_INT_EQ(ms, 1795560577123ULL);
	ASSERT_INT_EQ(util_iso8601_parse(&ms, "2026-11-24T09:30:00Z"), 0);
	ASSERT_INT_EQ(ms, 1795512600000ULL);
	ASSERT_INT_EQ(util_iso8601_parse(&ms, "2026-11-24T09:30:00+01:00"), 0);
	ASSERT_INT_EQ(ms, 1795509000000ULL);
	ASSERT_INT_EQ(util_iso8601_parse(&ms, "2026-11-24T09:30:00-0500"), 0);
	ASSERT_INT_EQ(ms, 1795530600000ULL);
	ASSERT_INT_EQ(util_iso8601_parse(&ms, "2026-11-24T09:30-05"), 0);
	ASSERT_INT_EQ(ms, 1795530600000ULL);
	/* no zone: UTC; space instead of T; minutes only */
	ASSERT_INT_EQ(util_iso8601_parse(&ms, "2026-11-24 09:30"), 0);
	ASSERT_INT_EQ(ms, 1795512600000ULL);
	ASSERT_INT_EQ(util_iso8601_parse(&ms, "2026-11-24"), 0);
	ASSERT_INT_EQ(ms, 1795478400000ULL);
	/* fractions: one digit, and finer than a millisecond truncated */
	ASSERT_INT_EQ(util_iso8601_parse(&ms, "2026-11-24T09:30:00.5Z"), 0);
	ASSERT_INT_EQ(ms, 1795512600500ULL);
	ASSERT_INT_EQ(util_iso8601_parse(&ms,
				"2026-11-24T09:30:00.123999+00:00"), 0);
	ASSERT_INT_EQ(ms, 1795512600123ULL);
	ASSERT_INT_EQ(util_iso8601_parse(&ms, "2000-02-29T23:59:59.999z"), 0);
	ASSERT_INT_EQ(ms, 951868799999ULL);
}

TEST(iso8601_parse_rejects)
{
	static const char *const bad[] = {
		"", "2026", "2026-13-01", "2026-02-29", "2026-00-10",
		"2026-04-31", "2026-11-24T24:00", "2026-11-24T09:60",
		"2026-11-24T09:30:61", "2026-11-24T09", "2026-11-24T09:30:00.",
		"2026-11-24T09:30:00Zjunk", "2026-11-24T09:30:00+25:00",
		"2026-11-24T09:30:00+1", "26-11-24", "1969-12-31T23:59:59Z",
		"2026/11/24", "2026-11-24X09:30",
	};
	uint64_t ms = 7;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!util_iso8601_parse(&ms, bad[i])) {
			test_fail(__FILE__, __LINE__, "accepted \"%s\"",
				  bad[i]);
			return;
		}
	}
	ASSERT_INT_EQ(ms, 7);
	ASSERT_INT_EQ(util_iso8601_parse(&ms, NULL), EINVAL);
}

TEST(iso8601_round_trip)
{
	struct rng r;
	char buf[32];
	uint64_t ms, back;
	int i;

	rng_seed(&r, 1234);
	for (i = 0; i < 2000; i++) {
		/* 1970 .. about 2286 */
		ms = rng_next(&r) % 10000000000000ULL;
		util_iso8601(buf, sizeof(buf), ms);
		ASSERT_INT_EQ(util_iso8601_parse(&back, buf), 0);
		ASSERT_INT_EQ(back, ms);
	}
}

TEST(e164_normalise)
{
	static const struct { const char *in, *out; } ok[] = {
		{"+18005550100", "+18005550100"},
		{"18005550100", "+18005550100"},
		{"tel:+1-800-555-0100", "+18005550100"},
		{"TEL:+1-800-555-0100;ext=12", "+18005550100"},
		{"sip:+18005550100@example.com", "+18005550100"},
		{"sips:+18005550100@example.com;transport=tls",
		 "+18005550100"},
		{"sip:+44 20 7946 0958;user=phone@h", "+442079460958"},
		{"+1 (800) 555.0100", "+18005550100"},
		{"  +1 800 555 0100", "+18005550100"},
		{"0044 20 7946 0958", "+442079460958"},
		{"+123456789012345", "+123456789012345"},
	};
	static const char *const bad[] = {
		"", "+", "abc", "sip:alice@example.com", "+1234567890123456",
		"1+800", "+1800555010x", "+1", "tel:", "+1#800",
	};
	char out[24];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ASSERT_INT_EQ(util_e164(out, sizeof(out), ok[i].in), 0);
		ASSERT_STR_EQ(out, ok[i].out);
		ASSERT_TRUE(util_is_e164(out));
	}

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (util_e164(out, sizeof(out), bad[i]) != EINVAL) {
			test_fail(__FILE__, __LINE__, "accepted \"%s\"",
				  bad[i]);
			return;
		}
	}

	/* too small an output buffer */
	ASSERT_INT_EQ(util_e164(out, 5, "+18005550100"), EOVERFLOW);
}

TEST(is_e164)
{
	ASSERT_TRUE(util_is_e164("+18005550100"));
	ASSERT_TRUE(util_is_e164("+12"));
	ASSERT_FALSE(util_is_e164("+1"));
	ASSERT_FALSE(util_is_e164("18005550100"));
	ASSERT_FALSE(util_is_e164("+1800555010a"));
	ASSERT_FALSE(util_is_e164("+1234567890123456"));
	ASSERT_FALSE(util_is_e164(""));
	ASSERT_FALSE(util_is_e164(NULL));
}

TEST(rng_deterministic)
{
	struct rng a, b, c;
	int i, same = 0;

	rng_seed(&a, 42);
	rng_seed(&b, 42);
	rng_seed(&c, 43);
	for (i = 0; i < 100; i++) {
		uint64_t x = rng_next(&a);

		ASSERT_INT_EQ(x, rng_next(&b));
		if (x == rng_next(&c))
			++same;
	}
	ASSERT_INT_EQ(same, 0);

	/* seed 0 must still give a working (non-zero) state */
	rng_seed(&a, 0);
	ASSERT_TRUE(a.s[0] | a.s[1] | a.s[2] | a.s[3]);
	ASSERT_TRUE(rng_next(&a) != rng_next(&a));
}

TEST(rng_range_bounds_and_spread)
{
	struct rng r;
	int hist[6] = {0};
	int i;

	rng_seed(&r, 7);
	for (i = 0; i < 60000; i++) {
		uint32_t v = rng_range(&r, 1, 6);

		ASSERT_TRUE(v >= 1 && v <= 6);
		hist[v - 1]++;
	}
	/* each face within 5% of 10000 */
	for (i = 0; i < 6; i++)
		ASSERT_TRUE(hist[i] > 9500 && hist[i] < 10500);

	ASSERT_INT_EQ(rng_range(&r, 5, 5), 5);
	for (i = 0; i < 100; i++) {
		uint32_t v = rng_range(&r, 9, 3);	/* swapped bounds */

		ASSERT_TRUE(v >= 3 && v <= 9);
	}
	/* the full range does not divide by zero */
	(void)rng_range(&r, 0, UINT32_MAX);
}

TEST(uuid_v4)
{
	struct rng r;
	char a[37], b[37];
	int i;

	rng_seed(&r, 99);
	util_uuid(a, &r);
	util_uuid(b, &r);
	ASSERT_INT_EQ(strlen(a), 36);
	ASSERT_TRUE(strcmp(a, b) != 0);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			ASSERT_TRUE(a[i] == '-');
		else
			ASSERT_TRUE(strchr("0123456789abcdef", a[i]) != NULL);
	}
	ASSERT_TRUE(a[14] == '4');
	ASSERT_TRUE(strchr("89ab", a[19]) != NULL);

	/* same seed, same identifier */
	rng_seed(&r, 99);
	util_uuid(b, &r);
	ASSERT_STR_EQ(a, b);
}

TEST(read_file_limits)
{
	char path[] = "/tmp/cfd_util_XXXXXX";
	char *buf = NULL;
	size_t len = 0;
	int fd;

	fd = mkstemp(path);
	ASSERT_TRUE(fd >= 0);
	ASSERT_INT_EQ(write(fd, "hello world", 11), 11);
	close(fd);

	ASSERT_INT_EQ(util_read_file(&buf, &len, path, 11), 0);
	ASSERT_INT_EQ(len, 11);
	ASSERT_STR_EQ(buf, "hello world");
	buf = mem_deref(buf);

	ASSERT_INT_EQ(util_read_file(&buf, &len, path, 10), EFBIG);
	ASSERT_NULL(buf);

	unlink(path);
	ASSERT_INT_EQ(util_read_file(&buf, &len, path, 100), ENOENT);
	ASSERT_INT_EQ(util_read_file(&buf, &len, "/tmp", 100), EISDIR);
	ASSERT_NULL(buf);

	/* a non-regular file is read until EOF, still bounded */
	ASSERT_INT_EQ(util_read_file(&buf, &len, "/dev/null", 100), 0);
	ASSERT_INT_EQ(len, 0);
	ASSERT_STR_EQ(buf, "");
	buf = mem_deref(buf);
	ASSERT_INT_EQ(util_read_file(&buf, &len, "/dev/zero", 10000), EFBIG);
	ASSERT_NULL(buf);
}

TEST(strieq)
{
	ASSERT_TRUE(util_strieq("HeLLo world", 5, "hello"));
	ASSERT_FALSE(util_strieq("Hello", 5, "hell"));
	ASSERT_FALSE(util_strieq("Hell", 4, "hello"));
	ASSERT_TRUE(util_strieq("", 0, ""));
	ASSERT_FALSE(util_strieq(NULL, 0, ""));
}

TEST(parse_bool)
{
	static const char *const t[] = {"True", "true", "TRUE", "1", "yes"};
	static const char *const f[] = {"False", "false", "FALSE", "0", "no"};
	bool b;
	size_t i;

	for (i = 0; i < 5; i++) {
		b = false;
		ASSERT_INT_EQ(util_parse_bool(&b, t[i]), 0);
		ASSERT_TRUE(b);
		b = true;
		ASSERT_INT_EQ(util_parse_bool(&b, f[i]), 0);
		ASSERT_FALSE(b);
	}
	ASSERT_INT_EQ(util_parse_bool(&b, "2"), EINVAL);
	ASSERT_INT_EQ(util_parse_bool(&b, ""), EINVAL);
	ASSERT_INT_EQ(util_parse_bool(&b, "truee"), EINVAL);
	ASSERT_INT_EQ(util_parse_bool(&b, NULL), EINVAL);
}
