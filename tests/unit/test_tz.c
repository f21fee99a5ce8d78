/*
 * tz: real zones around their 2026 switches, the footer rule for years
 * past the table, POSIX rule forms on generated TZif files (checked
 * against the C library's own reading of the same rule), bad names.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/tz.h>
#include "test.h"

static const struct tz *zone(const char *name)
{
	const struct tz *tz = NULL;

	return tz_get(&tz, name) ? NULL : tz;
}

TEST(new_york_2026)
{
	const struct tz *ny = zone("America/New_York");
	const int64_t spring = 1772953200;	/* 2026-03-08T07:00:00Z */
	const int64_t fall = 1793512800;	/* 2026-11-01T06:00:00Z */
	struct tz_local lt;

	ASSERT_NOT_NULL(ny);
	ASSERT_INT_EQ(tz_offset(ny, spring - 1), -5 * 3600);
	ASSERT_INT_EQ(tz_offset(ny, spring), -4 * 3600);
	ASSERT_INT_EQ(tz_offset(ny, fall - 1), -4 * 3600);
	ASSERT_INT_EQ(tz_offset(ny, fall), -5 * 3600);

	/* local clock jumps 01:59:59 -> 03:00:00 */
	tz_localtime(&lt, ny, spring - 1);
	ASSERT_INT_EQ(lt.hour, 1);
	ASSERT_INT_EQ(lt.min, 59);
	tz_localtime(&lt, ny, spring);
	ASSERT_INT_EQ(lt.hour, 3);
	ASSERT_INT_EQ(lt.min, 0);
	ASSERT_INT_EQ(lt.mday, 8);
	ASSERT_INT_EQ(lt.mon, 3);
	ASSERT_INT_EQ(lt.wday, 0);

	/* 2026-11-24T22:49:37Z is Tuesday 17:49:37 EST */
	tz_localtime(&lt, ny, 1795560577);
	ASSERT_INT_EQ(lt.year, 2026);
	ASSERT_INT_EQ(lt.mon, 11);
	ASSERT_INT_EQ(lt.mday, 24);
	ASSERT_INT_EQ(lt.hour, 17);
	ASSERT_INT_EQ(lt.min, 49);
	ASSERT_INT_EQ(lt.sec, 37);
	ASSERT_INT_EQ(lt.wday, 2);
	ASSERT_INT_EQ(lt.off, -18000);

	tz_flush();
}

TEST(london_sydney_kolkata)
{
	const struct tz *lon = zone("Europe/London");
	const struct tz *syd = zone("Australia/Sydney");
	const struct tz *kol = zone("Asia/Kolkata");
	struct tz_local lt;

	ASSERT_NOT_NULL(lon);
	ASSERT_NOT_NULL(syd);
	ASSERT_NOT_NULL(kol);

	/* BST from 2026-03-29T01:00Z to 2026-10-25T01:00Z */
	ASSERT_INT_EQ(tz_offset(lon, 1774746000 - 1), 0);
	ASSERT_INT_EQ(tz_offset(lon, 1774746000), 3600);
	ASSERT_INT_EQ(tz_offset(lon, 1792890000 - 1), 3600);
	ASSERT_INT_EQ(tz_offset(lon, 1792890000), 0);

	/* southern hemisphere: summer time ends 2026-04-04T16:00Z and
	 * starts again 2026-10-03T16:00Z */
	ASSERT_INT_EQ(tz_offset(syd, 1775318400 - 1), 11 * 3600);
	ASSERT_INT_EQ(tz_offset(syd, 1775318400), 10 * 3600);
	ASSERT_INT_EQ(tz_offset(syd, 1791043200 - 1), 10 * 3600);
	ASSERT_INT_EQ(tz_offset(syd, 1791043200), 11 * 3600);
	/* January is summer */
	ASSERT_INT_EQ(tz_offset(syd, 1767225600), 11 * 3600);

	/* +05:30 all year: 2026-11-24T22:49:37Z is 04:19:37 on the 25th */
	ASSERT_INT_EQ(tz_offset(kol, 1772953200), 19800);
	tz_localtime(&lt, kol, 1795560577);
	ASSERT_INT_EQ(lt.mday, 25);
	ASSERT_INT_EQ(lt.hour, 4);
	ASSERT_INT_EQ(lt.min, 19);
	ASSERT_INT_EQ(lt.wday, 3);

	tz_flush();
}

TEST(footer_rule_2040)
{
	const struct tz *ny = zone("America/New_York");
	const struct tz *syd = zone("Australia/Sydney");
	const int64_t spring = 2215062000;	/* 2040-03-11T07:00:00Z */
	const int64_t fall = 2235621600;	/* 2040-11-04T06:00:00Z */

	ASSERT_NOT_NULL(ny);
	ASSERT_NOT_NULL(syd);
	ASSERT_INT_EQ(tz_offset(ny, spring - 1), -5 * 3600);
	ASSERT_INT_EQ(tz_offset(ny, spring), -4 * 3600);
	ASSERT_INT_EQ(tz_offset(ny, fall - 1), -4 * 3600);
	ASSERT_INT_EQ(tz_offset(ny, fall), -5 * 3600);
	/* 2040-07-01 and 2041-01-01 in Sydney */
	ASSERT_INT_EQ(tz_offset(syd, 2224713600), 10 * 3600);
	ASSERT_INT_EQ(tz_offset(syd, 2240611200), 11 * 3600);

	tz_flush();
}

TEST(matches_libc_for_real_zones)
{
	static const char *const names[] = {
		"America/New_York", "Europe/London", "Australia/Sydney",
		"Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns",
		"Pacific/Chatham", "America/Santiago", "Europe/Dublin",
	};
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct tz *tz = zone(names[i]);
		int64_t t;

		ASSERT_NOT_NULL(tz);
		setenv("TZ", names[i], 1);
		tzset();
		for (t = -1000000000; t < 3000000000; t += 86399 * 3 + 1234) {
			time_t tt = (time_t)t;
			struct tm tm;

			localtime_r(&tt, &tm);
			if (tz_offset(tz, t) != tm.tm_gmtoff) {
				test_fail(__FILE__, __LINE__, "%s at %lld: "
					  "%d != %ld", names[i], (long long)t,
					  tz_offset(tz, t), tm.tm_gmtoff);
				goto out;
			}
		}
	}

 out:
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
	tz_flush();
}

TEST(cache_and_flush)
{
	const struct tz *a = NULL, *b = NULL;

	ASSERT_INT_EQ(tz_get(&a, "Europe/London"), 0);
	ASSERT_INT_EQ(tz_get(&b, "Europe/London"), 0);
	ASSERT_TRUE(a == b);
	tz_flush();
	ASSERT_INT_EQ(tz_get(&b, "Europe/London"), 0);
	ASSERT_INT_EQ(tz_offset(b, 1774746000), 3600);
	tz_flush();
}

TEST(bad_names)
{
	const struct tz *tz = NULL;

	ASSERT_INT_EQ(tz_get(&tz, "Mars/Olympus_Mons"), ENOENT);
	ASSERT_INT_EQ(tz_get(&tz, "America"), ENOENT);	/* a folder */
	ASSERT_INT_EQ(tz_get(&tz, "../../etc/passwd"), EINVAL);
	ASSERT_INT_EQ(tz_get(&tz, "America/../UTC"), EINVAL);
	ASSERT_INT_EQ(tz_get(&tz, "/etc/localtime"), EINVAL);
	ASSERT_INT_EQ(tz_get(&tz, ""), EINVAL);
	ASSERT_INT_EQ(tz_get(&tz, NULL), EINVAL);
	ASSERT_NULL(tz);
	tz_flush();
}

/* ---- generated zone files in a private TZDIR ---- */

static char tzdir[64];

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static size_t header(uint8_t *p, char ver, uint32_t timecnt,
		     uint32_t typecnt, uint32_t charcnt)
{
	memset(p, 0, 44);
	memcpy(p, "TZif", 4);
	p[4] = (uint8_t)ver;
	put32(p + 32, timecnt);
	put32(p + 36, typecnt);
	put32(p + 40, charcnt);
	return 44;
}

static size_t ttinfo(uint8_t *p, int32_t off, uint8_t dst, uint8_t idx)
{
	put32(p, (uint32_t)off);
	p[4] = dst;
	p[5] = idx;
	return 6;
}

static bool write_zone(const char *name, const uint8_t *buf, size_t len)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", tzdir, name);
	f = fopen(path, "wb");
	if (!f)
		return false;
	ok = fwrite(buf, 1, len, f) == len;
	return !fclose(f) && ok;
}

/* Version 2 file: no transitions, one type, the rule as its footer */
static bool rule_zone(const char *name, const char *rule, int32_t off)
{
	uint8_t buf[256];
	size_t n = 0;

	n += header(buf + n, '2', 0, 1, 4);
	n += ttinfo(buf + n, off, 0, 0);
	memcpy(buf + n, "XXX", 4);
	n += 4;
	n += header(buf + n, '2', 0, 1, 4);
	n += ttinfo(buf + n, off, 0, 0);
	memcpy(buf + n, "XXX", 4);
	n += 4;
	n += (size_t)snprintf((char *)buf + n, sizeof(buf) - n, "\n%s\n",
			      rule);
	return write_zone(name, buf, n);
}

static bool tzdir_make(void)
{
	snprintf(tzdir, sizeof(tzdir), "/tmp/cfd_tz_XXXXXX");
	if (!mkdtemp(tzdir))
		return false;
	tz_flush();
	return !setenv("TZDIR", tzdir, 1);
}

static void tzdir_remove(void)
{
	char cmd[128];

	tz_flush();
	unsetenv("TZDIR");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tzdir);
	if (system(cmd))
		test_fail(__FILE__, __LINE__, "could not remove %s", tzdir);
}

TEST(utc_without_tzdata)
{
	const struct tz *tz = NULL;
	struct tz_local lt;

	ASSERT_TRUE(tzdir_make());
	ASSERT_INT_EQ(tz_get(&tz, "UTC"), 0);
	ASSERT_INT_EQ(tz_offset(tz, 1772953200), 0);
	tz_localtime(&lt, tz, 0);
	ASSERT_INT_EQ(lt.year, 1970);
	ASSERT_INT_EQ(lt.mon, 1);
	ASSERT_INT_EQ(lt.mday, 1);
	ASSERT_INT_EQ(lt.wday, 4);
	ASSERT_INT_EQ(tz_get(&tz, "Europe/London"), ENOENT);
	tzdir_remove();
}

TEST(version1_table)
{
	uint8_t buf[128];
	const struct tz *tz = NULL;
	size_t n = 0;

	ASSERT_TRUE(tzdir_make());

	/* 0: +01:00 until 1000, then +02:00 (dst), back at 2000 */
	n += header(buf, '\0', 2, 2, 4);
	put32(buf + n, 1000);
	put32(buf + n + 4, 2000);
	n += 8;
	buf[n++] = 1;
	buf[n++] = 0;
	n += ttinfo(buf + n, 3600, 0, 0);
	n += ttinfo(buf + n, 7200, 1, 0);
	memcpy(buf + n, "ABC", 4);
	n += 4;
	ASSERT_TRUE(write_zone("V1", buf, n));

	ASSERT_INT_EQ(tz_get(&tz, "V1"), 0);
	ASSERT_INT_EQ(tz_offset(tz, -5000000), 3600);
	ASSERT_INT_EQ(tz_offset(tz, 999), 3600);
	ASSERT_INT_EQ(tz_offset(tz, 1000), 7200);
	ASSERT_INT_EQ(tz_offset(tz, 1999), 7200);
	ASSERT_INT_EQ(tz_offset(tz, 2000), 3600);
	ASSERT_INT_EQ(tz_offset(tz, 4000000000LL), 3600);

	/* truncated, bad magic, bad type index */
	ASSERT_TRUE(write_zone("Short", buf, n - 5));
	ASSERT_INT_EQ(tz_get(&tz, "Short"), EBADMSG);
	ASSERT_TRUE(write_zone("Text", (const uint8_t *)"# zone.tab\n", 11));
	ASSERT_INT_EQ(tz_get(&tz, "Text"), EBADMSG);
	buf[44 + 8] = 7;
	ASSERT_TRUE(write_zone("BadIdx", buf, n));
	ASSERT_INT_EQ(tz_get(&tz, "BadIdx"), EBADMSG);

	tzdir_remove();
}

TEST(posix_rule_forms_by_hand)
{
	const struct tz *tz = NULL;
	int64_t t;

	ASSERT_TRUE(tzdir_make());

	/* Jn skips Feb 29: J60 is March 1 even in 2028; default 02:00 */
	ASSERT_TRUE(rule_zone("Jul", "AAA3BBB,J60,J300", -10800));
	ASSERT_INT_EQ(tz_get(&tz, "Jul"), 0);
	t = 1835481600 + 5 * 3600;	/* 2028-03-01T02:00 local std */
	ASSERT_INT_EQ(tz_offset(tz, t - 1), -3 * 3600);
	ASSERT_INT_EQ(tz_offset(tz, t), -2 * 3600);

	/* zero-based n counts Feb 29: day 59 of 2028 is Feb 29; /0 time */
	ASSERT_TRUE(rule_zone("Zero", "CCC0DDD,59/0,300/0", 0));
	ASSERT_INT_EQ(tz_get(&tz, "Zero"), 0);
	t = 1835481600 - 86400;		/* 2028-02-29T00:00Z */
	ASSERT_INT_EQ(tz_offset(tz, t - 1), 0);
	ASSERT_INT_EQ(tz_offset(tz, t), 3600);

	/* quoted names, minutes, explicit dst offset, negative time */
	ASSERT_TRUE(rule_zone("Neg", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
			      -7200));
	ASSERT_INT_EQ(tz_get(&tz, "Neg"), 0);
	/* 2026-03-28T23:00 local (-02) = 2026-03-29T01:00Z */
	ASSERT_INT_EQ(tz_offset(tz, 1774746000 - 1), -7200);
	ASSERT_INT_EQ(tz_offset(tz, 1774746000), -3600);

	/* fixed offsets east of Greenwich with minutes */
	ASSERT_TRUE(rule_zone("Half", "<+0530>-5:30", 19800));
	ASSERT_INT_EQ(tz_get(&tz, "Half"), 0);
	ASSERT_INT_EQ(tz_offset(tz, 2240611200), 19800);

	/* an unparsable footer leaves the last type in force */
	ASSERT_TRUE(rule_zone("Junk", "EST5EDT,M13.1.0,M11.1.0", -18000));
	ASSERT_INT_EQ(tz_get(&tz, "Junk"), 0);
	ASSERT_INT_EQ(tz_offset(tz, 2224713600), -18000);

	tzdir_remove();
}

TEST(posix_rules_match_libc)
{
	static const char *const rules[] = {
		"EST5EDT,M3.2.0,M11.1.0",
		"AEST-10AEDT,M10.1.0,M4.1.0/3",
		"GMT0BST,M3.5.0/1,M10.5.0",
		"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		"NZST-12NZDT,M9.5.0,M4.1.0/3",
		"<-04>4<-03>,M9.1.6/24,M4.1.6/24",
		"<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
		"IST-2IDT,M3.4.4/26,M10.5.0",
		"XXX3YYY,J60/1:30,J300/23:59:59",
		"EST5EDT",
	};
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	size_t i;

	ASSERT_TRUE(tzdir_make());

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct tz *tz = NULL;
		char name[16];
		int64_t t;

		snprintf(name, sizeof(name), "R%zu", i);
		if (!rule_zone(name, rules[i], 0) || tz_get(&tz, name)) {
			test_fail(__FILE__, __LINE__, "rule %s", rules[i]);
			goto out;
		}

		setenv("TZ", rules[i], 1);
		tzset();
		/* 1990 .. 2090, every ~17 hours */
		for (t = 631152000; t < 3786912000; t += 61237) {
			time_t tt = (time_t)t;
			struct tm tm;

			localtime_r(&tt, &tm);
			if (tz_offset(tz, t) != tm.tm_gmtoff) {
				test_fail(__FILE__, __LINE__, "%s at %lld: "
					  "%d != %ld", rules[i], (long long)t,
					  tz_offset(tz, t), tm.tm_gmtoff);
				goto out;
			}
		}
	}

 out:
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
	tzdir_remove();
}
