/**
 * @file tz.c  IANA time zones: a TZif (RFC 8536, v1 to v4) reader, the
 * POSIX TZ rule from its footer, and a process-wide cache of zones.
 *
 * Instants up to the last transition come from the transition table (the
 * 64-bit one when the file has it); later instants from the footer rule,
 * which is how "slim" zone files describe every future year.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include <callflowd/core/tz.h>

enum {
	TZ_FILE_MAX = 1 << 20,	/* real files are below 4 KB (fat: 8 KB) */
	TZ_NAME_MAX = 255,
	DEFAULT_RULE_TIME = 7200,	/* POSIX: transitions at 02:00 */
};

/* one end of a daylight-saving period: Jn, n or Mm.w.d, and a time */
struct tzdate {
	enum { DATE_JULIAN1, DATE_JULIAN0, DATE_MWD } kind;
	int n;		/* day for Jn (1..365) and n (0..365) */
	int m, w, d;	/* month 1..12, week 1..5 (5 = last), wday 0..6 */
	int32_t time;	/* seconds after local midnight, may be negative */
};

struct tzrule {
	int32_t std_off;	/* seconds east of UTC */
	int32_t dst_off;
	bool has_dst;
	struct tzdate start, end;
};

struct tz {
	struct le le;
	char *name;
	int64_t *trans;		/* transition instants, ascending */
	uint8_t *idx;		/* type index per transition */
	size_t timecnt;
	int32_t *utoff;		/* offset of each local time type */
	size_t typecnt;
	struct tzrule rule;
	bool has_rule;
};

static struct list zones;


static void tz_destructor(void *arg)
{
	struct tz *tz = arg;

	list_unlink(&tz->le);
	mem_deref(tz->name);
	mem_deref(tz->trans);
	mem_deref(tz->idx);
	mem_deref(tz->utoff);
}


static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	/* years start in March so that the leap day is the last one */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}


static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}


static int month_days(int64_t y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}


static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}


/* Year of a day count since the epoch */
static int64_t year_of_days(int64_t days)
{
	int64_t y = 1970 + floor_div(days, 366);

	/* the estimate is never late by more than a few years */
	while (days_from_civil(y + 1, 1, 1) <= days)
		++y;

	return y;
}


/* Seconds from the epoch to local midnight of the rule's day in year y */
static int64_t rule_day(const struct tzdate *dt, int64_t y)
{
	int64_t jan1 = days_from_civil(y, 1, 1);
	int64_t day;

	switch (dt->kind) {

	case DATE_JULIAN1:
		/* Jn never counts February 29 */
		day = jan1 + dt->n - 1;
		if (is_leap(y) && dt->n >= 60)
			++day;
		break;

	case DATE_JULIAN0:
		day = jan1 + dt->n;
		break;

	default: {
		int64_t first = days_from_civil(y, dt->m, 1);
		int wday = (int)((first % 7 + 11) % 7); /* 1970-01-01: Thu */
		int mday = 1 + (dt->d - wday + 7) % 7 + (dt->w - 1) * 7;

		while (mday > month_days(y, dt->m))
			mday -= 7;
		day = first + mday - 1;
		break;
	}
	}

	return day * 86400;
}


static int32_t rule_offset(const struct tzrule *r, int64_t t)
{
	int64_t y, start, end;

	if (!r->has_dst)
		return r->std_off;

	y = year_of_days(floor_div(t + r->std_off, 86400));

	/* DST starts at a standard-time wall clock and ends at a DST one */
	start = rule_day(&r->start, y) + r->start.time - r->std_off;
	end   = rule_day(&r->end, y) + r->end.time - r->dst_off;

	if (start <= end)
		return (t >= start && t < end) ? r->dst_off : r->std_off;

	/* southern hemisphere: DST spans the new year */
	return (t >= end && t < start) ? r->std_off : r->dst_off;
}


/* ---- POSIX TZ strings ("EST5EDT,M3.2.0,M11.1.0") ---- */

static int rule_name(const char **sp)
{
	const char *s = *sp;
	size_t n = 0;

	if (*s == '<') {
		for (++s; *s && *s != '>'; s++, n++) {
			if (!isalnum((unsigned char)*s) && *s != '+' &&
			    *s != '-')
				return EINVAL;
		}
		if (*s != '>' || n < 1)
			return EINVAL;
		*sp = s + 1;
		return 0;
	}

	for (; isalpha((unsigned char)*s); s++)
		++n;

	if (n < 3)
		return EINVAL;

	*sp = s;
	return 0;
}


static int rule_num(int *vp, const char **sp, int max)
{
	const char *s = *sp;
	int v = 0;

	if (!isdigit((unsigned char)*s))
		return EINVAL;

	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (*s - '0');
		if (v > max)
			return EINVAL;
	}

	*vp = v;
	*sp = s;
	return 0;
}


/* [+-]hh[:mm[:ss]] in seconds; hours up to 167 (RFC 8536 extension) */
static int rule_hms(int32_t *vp, const char **sp)
{
	const char *s = *sp;
	int sign = 1, h, m = 0, sec = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;

	if (rule_num(&h, &s, 167))
		return EINVAL;

	if (*s == ':') {
		++s;
		if (rule_num(&m, &s, 59))
			return EINVAL;
		if (*s == ':') {
			++s;
			if (rule_num(&sec, &s, 59))
				return EINVAL;
		}
	}

	*vp = sign * (h * 3600 + m * 60 + sec);
	*sp = s;
	return 0;
}


static int rule_date(struct tzdate *dt, const char **sp)
{
	const char *s = *sp;

	if (*s == 'J') {
		++s;
		dt->kind = DATE_JULIAN1;
		if (rule_num(&dt->n, &s, 365) || dt->n < 1)
			return EINVAL;
	}
	else if (*s == 'M') {
		++s;
		dt->kind = DATE_MWD;
		if (rule_num(&dt->m, &s, 12) || dt->m < 1 || *s++ != '.' ||
		    rule_num(&dt->w, &s, 5) || dt->w < 1 || *s++ != '.' ||
		    rule_num(&dt->d, &s, 6))
			return EINVAL;
	}
	else {
		dt->kind = DATE_JULIAN0;
		if (rule_num(&dt->n, &s, 365))
			return EINVAL;
	}

	dt->time = DEFAULT_RULE_TIME;
	if (*s == '/') {
		++s;
		if (rule_hms(&dt->time, &s))
			return EINVAL;
	}

	*sp = s;
	return 0;
}


static int rule_parse(struct tzrule *r, const char *s)
{
	int32_t off;

	memset(r, 0, sizeof(*r));

	if (rule_name(&s) || rule_hms(&off, &s))
		return EINVAL;

	/* POSIX offsets count hours west of Greenwich */
	r->std_off = -off;

	if (!*s)
		return 0;

	if (rule_name(&s))
		return EINVAL;

	r->has_dst = true;
	r->dst_off = r->std_off + 3600;

	if (*s && *s != ',') {
		if (rule_hms(&off, &s))
			return EINVAL;
		r->dst_off = -off;
	}

	if (!*s) {
		/* no dates: the US rules, as tzcode assumes */
		r->start = (struct tzdate){DATE_MWD, 0, 3, 2, 0,
					   DEFAULT_RULE_TIME};
		r->end = (struct tzdate){DATE_MWD, 0, 11, 1, 0,
					 DEFAULT_RULE_TIME};
		return 0;
	}

	if (*s++ != ',' || rule_date(&r->start, &s) || *s++ != ',' ||
	    rule_date(&r->end, &s) || *s)
		return EINVAL;

	return 0;
}


/* ---- TZif ---- */

struct tzif_hdr {
	char version;
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}


static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}


static int tzif_hdr(struct tzif_hdr *h, const uint8_t *p, size_t len)
{
	if (len < 44 || memcmp(p, "TZif", 4))
		return EBADMSG;

	h->version  = (char)p[4];
	h->isutcnt  = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt  = be32(p + 28);
	h->timecnt  = be32(p + 32);
	h->typecnt  = be32(p + 36);
	h->charcnt  = be32(p + 40);

	/* the counts fit in a 1 MB file, so the sums below cannot wrap */
	if (h->timecnt > TZ_FILE_MAX || h->leapcnt > TZ_FILE_MAX ||
	    h->charcnt > TZ_FILE_MAX || h->typecnt < 1 ||
	    h->typecnt > 256 || h->isutcnt > h->typecnt ||
	    h->isstdcnt > h->typecnt)
		return EBADMSG;

	return 0;
}


static size_t tzif_body_len(const struct tzif_hdr *h, size_t tsz)
{
	return (size_t)h->timecnt * (tsz + 1) + (size_t)h->typecnt * 6 +
		h->charcnt + (size_t)h->leapcnt * (tsz + 4) +
		h->isstdcnt + h->isutcnt;
}


/* Transition table of one data block (tsz: 4 for v1, 8 for v2+) */
static int tzif_body(struct tz *tz, const struct tzif_hdr *h,
		     const uint8_t *p, size_t tsz)
{
	const uint8_t *idx = p + (size_t)h->timecnt * tsz;
	const uint8_t *types = idx + h->timecnt;
	size_t i;

	tz->timecnt = h->timecnt;
	tz->typecnt = h->typecnt;
	tz->trans = mem_zalloc((h->timecnt + 1) * sizeof(*tz->trans), NULL);
	tz->idx = mem_zalloc(h->timecnt + 1, NULL);
	tz->utoff = mem_zalloc(h->typecnt * sizeof(*tz->utoff), NULL);
	if (!tz->trans || !tz->idx || !tz->utoff)
		return ENOMEM;

	for (i = 0; i < h->timecnt; i++) {
		const uint8_t *tp = p + i * tsz;

		tz->trans[i] = tsz == 8 ? (int64_t)be64(tp) :
			(int64_t)(int32_t)be32(tp);
		if (i && tz->trans[i] <= tz->trans[i - 1])
			return EBADMSG;

		tz->idx[i] = idx[i];
		if (idx[i] >= h->typecnt)
			return EBADMSG;
	}

	for (i = 0; i < h->typecnt; i++) {
		int32_t off = (int32_t)be32(types + i * 6);

		/* RFC 8536: -2^31 is not a valid offset; real ones < 26h */
		if (off <= -90000 || off >= 90000)
			return EBADMSG;
		tz->utoff[i] = off;
	}

	return 0;
}


static int tzif_parse(struct tz *tz, const uint8_t *p, size_t len)
{
	struct tzif_hdr h;
	size_t body;
	int err;

	err = tzif_hdr(&h, p, len);
	if (err)
		return err;

	body = tzif_body_len(&h, 4);
	if (len - 44 < body)
		return EBADMSG;

	if (h.version == '\0')
		return tzif_body(tz, &h, p + 44, 4);

	/* version 2+: skip the 32-bit block, use the 64-bit one */
	p += 44 + body;
	len -= 44 + body;

	err = tzif_hdr(&h, p, len);
	if (err)
		return err;

	body = tzif_body_len(&h, 8);
	if (len - 44 < body)
		return EBADMSG;

	err = tzif_body(tz, &h, p + 44, 8);
	if (err)
		return err;

	p += 44 + body;
	len -= 44 + body;

	/* footer: "\n<POSIX TZ>\n"; an empty or unknown rule is ignored and
	 * the last transition's type then holds forever */
	if (len >= 2 && p[0] == '\n') {
		const uint8_t *nl = memchr(p + 1, '\n', len - 1);
		char rule[128];
		size_t n;

		if (nl) {
			n = (size_t)(nl - p - 1);
			if (n > 0 && n < sizeof(rule)) {
				memcpy(rule, p + 1, n);
				rule[n] = '\0';
				tz->has_rule = !rule_parse(&tz->rule, rule);
			}
		}
	}

	return 0;
}


static bool name_ok(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= TZ_NAME_MAX && name[0] != '/' &&
		!strstr(name, "..") && !strchr(name, '\\');
}


static bool is_utc_name(const char *name)
{
	return !strcmp(name, "UTC") || !strcmp(name, "Etc/UTC") ||
		!strcmp(name, "GMT") || !strcmp(name, "Etc/GMT");
}


static int tz_load(struct tz **tzp, const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[1024];
	char *buf = NULL;
	size_t len = 0;
	struct tz *tz;
	int err;

	tz = mem_zalloc(sizeof(*tz), tz_destructor);
	if (!tz)
		return ENOMEM;

	err = str_dup(&tz->name, name);
	if (err)
		goto out;

	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";

	if (re_snprintf(path, sizeof(path), "%s/%s", dir, name) < 0) {
		err = ENAMETOOLONG;
		goto out;
	}

	err = util_read_file(&buf, &len, path, TZ_FILE_MAX);
	if (err == ENOENT && is_utc_name(name)) {
		/* containers without tzdata still know UTC */
		tz->has_rule = true;
		err = 0;
		goto out;
	}
	if (err == EISDIR || err == ENOTDIR)
		err = ENOENT;
	if (err)
		goto out;

	err = tzif_parse(tz, (const uint8_t *)buf, len);

 out:
	mem_deref(buf);
	if (err)
		mem_deref(tz);
	else
		*tzp = tz;

	return err;
}


int tz_get(const struct tz **tzp, const char *name)
{
	struct tz *tz;
	struct le *le;
	int err;

	if (!tzp || !name)
		return EINVAL;

	if (!name_ok(name))
		return EINVAL;

	for (le = zones.head; le; le = le->next) {
		tz = le->data;
		if (!strcmp(tz->name, name)) {
			*tzp = tz;
			return 0;
		}
	}

	err = tz_load(&tz, name);
	if (err)
		return err;

	list_append(&zones, &tz->le, tz);
	*tzp = tz;

	return 0;
}


int32_t tz_offset(const struct tz *tz, int64_t t)
{
	size_t lo, hi;

	if (!tz)
		return 0;

	if (!tz->timecnt)
		return tz->has_rule ? rule_offset(&tz->rule, t) :
			tz->utoff[0];

	if (t < tz->trans[0])
		return tz->utoff[0];

	if (t >= tz->trans[tz->timecnt - 1]) {
		if (tz->has_rule)
			return rule_offset(&tz->rule, t);
		return tz->utoff[tz->idx[tz->timecnt - 1]];
	}

	/* last transition at or before t */
	lo = 0;
	hi = tz->timecnt - 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}

	return tz->utoff[tz->idx[lo]];
}


void tz_localtime(struct tz_local *lt, const struct tz *tz, int64_t t)
{
	int64_t local, days, secs, doe, yoe, doy, mp, era;

	if (!lt)
		return;

	lt->off = tz_offset(tz, t);
	local = t + lt->off;
	days = floor_div(local, 86400);
	secs = local - days * 86400;

	lt->hour = (int)(secs / 3600);
	lt->min  = (int)(secs % 3600 / 60);
	lt->sec  = (int)(secs % 60);
	lt->wday = (int)((days % 7 + 11) % 7);	/* 1970-01-01: Thursday */

	/* inverse of days_from_civil: eras of 400 years from March 0000 */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;

	lt->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	lt->mon  = (int)(mp < 10 ? mp + 3 : mp - 9);
	lt->year = (int)(yoe + era * 400 + (lt->mon <= 2));
}


void tz_flush(void)
{
	list_flush(&zones);
}
