/**
 * @file hours.c  Hours of operation in Amazon Connect's shape.
 *
 * A slice is [start_min, end_min) of local wall-clock minutes on its day.
 * EndTime 00:00 means midnight (1440). A slice whose end is before its
 * start runs into the next day: it is kept whole with end_min above 1440
 * (22:00-02:00 is 1320..1560), so listings show what was configured.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/tz.h>
#include <callflowd/core/hours.h>

static const char *const day_names[7] = {
	"SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY",
	"SATURDAY",
};


static void hours_destructor(void *arg)
{
	struct hours *h = arg;
	size_t i;

	mem_deref(h->name);
	mem_deref(h->id);
	for (i = 0; i < h->arnc; i++)
		mem_deref(h->arns[i]);
	mem_deref(h->arns);
	mem_deref(h->slices);
	mem_deref((void *)h->tz);
}


static int fail(char *errbuf, size_t errsz, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *errbuf, size_t errsz, int err, const char *fmt, ...)
{
	va_list ap;

	if (errbuf && errsz) {
		va_start(ap, fmt);
		(void)vsnprintf(errbuf, errsz, fmt, ap);
		va_end(ap);
	}

	return err;
}


/* Member by key, ignoring case: "TimeZone", "timezone", "ARNs", "arns" */
static json_t *member(const json_t *obj, const char *key)
{
	const char *k;
	json_t *v;

	v = json_object_get(obj, key);
	if (v)
		return v;

	json_object_foreach((json_t *)obj, k, v) {
		if (!strcasecmp(k, key))
			return v;
	}

	return NULL;
}


/* A whole number as a JSON integer or a numeric string ("9") */
static int whole(long long *vp, const json_t *v)
{
	const char *s;
	char *end;

	if (json_is_integer(v)) {
		*vp = json_integer_value(v);
		return 0;
	}

	if (json_is_real(v)) {
		double d = json_real_value(v);

		if (d != (double)(long long)d)
			return EINVAL;
		*vp = (long long)d;
		return 0;
	}

	if (!json_is_string(v))
		return EINVAL;

	s = json_string_value(v);
	while (isspace((unsigned char)*s))
		++s;
	if (!*s)
		return EINVAL;

	errno = 0;
	*vp = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		++end;
	if (errno || *end)
		return EINVAL;

	return 0;
}


static int hhmm(int *minp, const json_t *obj, const char *what, size_t i,
		char *errbuf, size_t errsz)
{
	json_t *jh, *jm;
	long long h, m = 0;

	if (!json_is_object(obj))
		return fail(errbuf, errsz, EINVAL,
			    "Config[%zu].%s: expected an object with Hours "
			    "and Minutes", i, what);

	jh = member(obj, "Hours");
	jm = member(obj, "Minutes");
	if (!jh)
		return fail(errbuf, errsz, EINVAL,
			    "Config[%zu].%s.Hours: missing", i, what);

	if (whole(&h, jh) || h < 0 || h > 24)
		return fail(errbuf, errsz, EINVAL,
			    "Config[%zu].%s.Hours: expected a whole number "
			    "0..24", i, what);

	if (jm && (whole(&m, jm) || m < 0 || m > 59))
		return fail(errbuf, errsz, EINVAL,
			    "Config[%zu].%s.Minutes: expected a whole number "
			    "0..59", i, what);

	if (h == 24 && m)
		return fail(errbuf, errsz, EINVAL,
			    "Config[%zu].%s: after 24:00", i, what);

	*minp = (int)(h * 60 + m);
	return 0;
}


static int slice_parse(struct hours_slice *sl, const json_t *obj, size_t i,
		       char *errbuf, size_t errsz)
{
	json_t *jday = member(obj, "Day");
	int day, err;

	if (!json_is_object(obj))
		return fail(errbuf, errsz, EINVAL,
			    "Config[%zu]: expected an object", i);

	if (!json_is_string(jday))
		return fail(errbuf, errsz, EINVAL,
			    "Config[%zu].Day: expected a day name such as "
			    "\"MONDAY\"", i);

	for (day = 0; day < 7; day++) {
		if (!strcasecmp(json_string_value(jday), day_names[day]))
			break;
	}
	if (day == 7)
		return fail(errbuf, errsz, EINVAL,
			    "Config[%zu].Day: unknown day \"%s\"", i,
			    json_string_value(jday));

	sl->day = day;

	err = hhmm(&sl->start_min, member(obj, "StartTime"), "StartTime", i,
		   errbuf, errsz);
	if (err)
		return err;

	err = hhmm(&sl->end_min, member(obj, "EndTime"), "EndTime", i,
		   errbuf, errsz);
	if (err)
		return err;

	if (sl->start_min == 1440)
		return fail(errbuf, errsz, EINVAL,
			    "Config[%zu].StartTime: 24:00 is not a start", i);

	/* 00:00 ends at midnight; an earlier end (or the same time, a
	 * whole day) runs into the next day */
	if (sl->end_min == 0)
		sl->end_min = 1440;
	else if (sl->end_min <= sl->start_min)
		sl->end_min += 1440;

	return 0;
}


static int add_arn(struct hours *h, const char *arn)
{
	char **arns;
	size_t i;

	for (i = 0; i < h->arnc; i++) {
		if (!strcmp(h->arns[i], arn))
			return 0;
	}

	arns = mem_reallocarray(h->arns, h->arnc + 1, sizeof(*arns), NULL);
	if (!arns)
		return ENOMEM;
	h->arns = arns;

	arns[h->arnc] = NULL;
	if (str_dup(&arns[h->arnc], arn))
		return ENOMEM;
	++h->arnc;

	return 0;
}


static int ids_parse(struct hours *h, const json_t *obj, char *errbuf,
		     size_t errsz)
{
	static const char *const id_keys[] = {"HoursOfOperationId", "Id"};
	static const char *const arn_keys[] = {"HoursOfOperationArn", "Arn"};
	json_t *v;
	size_t i, j;
	int err;

	for (i = 0; i < 2 && !h->id; i++) {
		v = member(obj, id_keys[i]);
		if (!v)
			continue;
		if (!json_is_string(v) || !*json_string_value(v))
			return fail(errbuf, errsz, EINVAL,
				    "%s: expected a string", id_keys[i]);
		err = str_dup(&h->id, json_string_value(v));
		if (err)
			return err;
	}

	for (i = 0; i < 2; i++) {
		v = member(obj, arn_keys[i]);
		if (!v)
			continue;
		if (!json_is_string(v) || !*json_string_value(v))
			return fail(errbuf, errsz, EINVAL,
				    "%s: expected a string", arn_keys[i]);
		err = add_arn(h, json_string_value(v));
		if (err)
			return err;
	}

	v = member(obj, "ARNs");
	if (v) {
		if (!json_is_array(v))
			return fail(errbuf, errsz, EINVAL,
				    "arns: expected an array of strings");
		for (j = 0; j < json_array_size(v); j++) {
			json_t *a = json_array_get(v, j);

			if (!json_is_string(a) || !*json_string_value(a))
				return fail(errbuf, errsz, EINVAL,
					    "arns[%zu]: expected a string",
					    j);
			err = add_arn(h, json_string_value(a));
			if (err)
				return err;
		}
	}

	/* Connect ARNs end in ".../operating-hours/<id>": the id it
	 * answers to when none is given */
	if (!h->id && h->arnc) {
		const char *slash = strrchr(h->arns[0], '/');

		if (slash && slash[1] && strstr(h->arns[0], "operating-hours/"))
			return str_dup(&h->id, slash + 1);
	}

	return 0;
}


int hours_parse(struct hours **hp, const json_t *obj, char *errbuf,
		size_t errsz)
{
	struct hours *h;
	json_t *jname, *jtz, *jcfg;
	const struct tz *tz;
	size_t i;
	int err;

	if (!hp)
		return EINVAL;

	if (!json_is_object(obj))
		return fail(errbuf, errsz, EINVAL, "expected an object");

	h = mem_zalloc(sizeof(*h), hours_destructor);
	if (!h)
		return ENOMEM;

	jname = member(obj, "Name");
	if (!json_is_string(jname) || !*json_string_value(jname)) {
		err = fail(errbuf, errsz, EINVAL,
			   "Name: expected a non-empty string");
		goto out;
	}

	err = str_dup(&h->name, json_string_value(jname));
	if (err)
		goto out;

	err = ids_parse(h, obj, errbuf, errsz);
	if (err)
		goto out;

	jtz = member(obj, "TimeZone");
	if (!json_is_string(jtz)) {
		err = fail(errbuf, errsz, EINVAL,
			   "TimeZone: expected a zone name such as "
			   "\"America/New_York\"");
		goto out;
	}

	err = tz_get(&tz, json_string_value(jtz));
	if (err) {
		err = fail(errbuf, errsz, err == ENOMEM ? ENOMEM : EINVAL,
			   "TimeZone: unknown time zone \"%s\"",
			   json_string_value(jtz));
		goto out;
	}

	/* our reference keeps the zone valid across tz_flush() */
	h->tz = mem_ref((void *)tz);

	jcfg = member(obj, "Config");
	if (!json_is_array(jcfg)) {
		err = fail(errbuf, errsz, EINVAL,
			   "Config: expected an array of day slices");
		goto out;
	}

	if (json_array_size(jcfg)) {
		h->slices = mem_zalloc(json_array_size(jcfg) *
				       sizeof(*h->slices), NULL);
		if (!h->slices) {
			err = ENOMEM;
			goto out;
		}
	}

	for (i = 0; i < json_array_size(jcfg); i++) {
		err = slice_parse(&h->slices[i], json_array_get(jcfg, i), i,
				  errbuf, errsz);
		if (err)
			goto out;
		++h->slicec;
	}

 out:
	if (err)
		mem_deref(h);
	else
		*hp = h;

	return err;
}


bool hours_is_open(const struct hours *h, uint64_t ms)
{
	struct tz_local lt;
	int now, yday;
	size_t i;

	if (!h)
		return false;

	tz_localtime(&lt, h->tz, (int64_t)(ms / 1000));
	now = lt.hour * 60 + lt.min;
	yday = (lt.wday + 6) % 7;

	for (i = 0; i < h->slicec; i++) {
		const struct hours_slice *sl = &h->slices[i];

		if (sl->day == lt.wday && now >= sl->start_min &&
		    now < sl->end_min)
			return true;

		/* yesterday's slice running past midnight */
		if (sl->day == yday && sl->end_min > 1440 &&
		    now < sl->end_min - 1440)
			return true;
	}

	return false;
}
