/* hours: Connect's shape, midnight, overnight slices, DST, bad input. */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include <callflowd/core/tz.h>
#include <callflowd/core/hours.h>
#include "test.h"

static char errbuf[256];

static struct hours *parse(const char *text)
{
	struct hours *h = NULL;
	json_t *obj = json_loads(text, 0, NULL);

	errbuf[0] = '\0';
	if (!obj)
		return NULL;
	if (hours_parse(&h, obj, errbuf, sizeof(errbuf)))
		h = NULL;
	json_decref(obj);
	return h;
}

/* open at the instant written as ISO-8601 with its offset? */
static int open_at(const struct hours *h, const char *iso)
{
	uint64_t ms;

	if (util_iso8601_parse(&ms, iso))
		return -1;
	return hours_is_open(h, ms) ? 1 : 0;
}

#define WEEKDAYS(tz, body) "{\"Name\":\"Office\",\"TimeZone\":\"" tz \
	"\",\"Config\":[" body "]}"
#define SLICE(day, sh, sm, eh, em) "{\"Day\":\"" day "\",\"StartTime\":" \
	"{\"Hours\":" #sh ",\"Minutes\":" #sm "},\"EndTime\":{\"Hours\":" \
	#eh ",\"Minutes\":" #em "}}"

TEST(office_hours)
{
	struct hours *h = parse(WEEKDAYS("America/New_York",
		SLICE("MONDAY", 9, 0, 17, 0) ","
		SLICE("TUESDAY", 9, 0, 17, 0) ","
		SLICE("WEDNESDAY", 9, 0, 17, 0) ","
		SLICE("THURSDAY", 9, 0, 17, 0) ","
		SLICE("FRIDAY", 9, 0, 17, 30)));

	ASSERT_NOT_NULL(h);
	ASSERT_STR_EQ(h->name, "Office");
	ASSERT_INT_EQ(h->slicec, 5);
	ASSERT_INT_EQ(h->slices[0].day, 1);
	ASSERT_INT_EQ(h->slices[0].start_min, 540);
	ASSERT_INT_EQ(h->slices[0].end_min, 1020);
	ASSERT_INT_EQ(h->slices[4].end_min, 1050);

	/* 2026-11-24 is a Tuesday */
	ASSERT_INT_EQ(open_at(h, "2026-11-24T08:59:59-05:00"), 0);
	ASSERT_INT_EQ(open_at(h, "2026-11-24T09:00:00-05:00"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-24T14:00:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-24T16:59:59-05:00"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-24T17:00:00-05:00"), 0);
	/* 21:30Z is 16:30 in New York, but 17:30 would be UTC-4 */
	ASSERT_INT_EQ(open_at(h, "2026-11-24T21:30:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-27T17:15:00-05:00"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-28T12:00:00-05:00"), 0);
	ASSERT_INT_EQ(open_at(h, "2026-11-29T12:00:00-05:00"), 0);

	mem_deref(h);
	tz_flush();
}

TEST(dst_uses_local_wall_clock)
{
	struct hours *h = parse(WEEKDAYS("America/New_York",
		SLICE("MONDAY", 9, 0, 17, 0) ","
		SLICE("SUNDAY", 1, 0, 4, 0)));

	ASSERT_NOT_NULL(h);
	/* Friday before the switch: 09:00 EST = 14:00Z */
	ASSERT_INT_EQ(open_at(h, "2026-03-02T13:59:00Z"), 0);
	ASSERT_INT_EQ(open_at(h, "2026-03-02T14:00:00Z"), 1);
	/* Monday after: 09:00 EDT = 13:00Z */
	ASSERT_INT_EQ(open_at(h, "2026-03-09T12:59:00Z"), 0);
	ASSERT_INT_EQ(open_at(h, "2026-03-09T13:00:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-03-09T20:59:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-03-09T21:00:00Z"), 0);

	/* the Sunday of the switch: 01:59 EST, then 03:00 EDT, shut 04:00 */
	ASSERT_INT_EQ(open_at(h, "2026-03-08T05:59:00Z"), 0);
	ASSERT_INT_EQ(open_at(h, "2026-03-08T06:59:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-03-08T07:00:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-03-08T07:59:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-03-08T08:00:00Z"), 0);

	/* back in November: the 01:00-02:00 hour happens twice */
	ASSERT_INT_EQ(open_at(h, "2026-11-01T05:00:00Z"), 1); /* 01:00 EDT */
	ASSERT_INT_EQ(open_at(h, "2026-11-01T06:00:00Z"), 1); /* 01:00 EST */
	ASSERT_INT_EQ(open_at(h, "2026-11-01T08:59:00Z"), 1); /* 03:59 EST */
	ASSERT_INT_EQ(open_at(h, "2026-11-01T09:00:00Z"), 0);

	mem_deref(h);
	tz_flush();
}

TEST(midnight_end)
{
	struct hours *h = parse(WEEKDAYS("Europe/London",
		SLICE("MONDAY", 18, 0, 0, 0) ","
		SLICE("SATURDAY", 0, 0, 0, 0)));

	ASSERT_NOT_NULL(h);
	ASSERT_INT_EQ(h->slices[0].end_min, 1440);
	ASSERT_INT_EQ(h->slices[1].start_min, 0);
	ASSERT_INT_EQ(h->slices[1].end_min, 1440);

	/* 2026-11-23 is a Monday (GMT) */
	ASSERT_INT_EQ(open_at(h, "2026-11-23T17:59:59Z"), 0);
	ASSERT_INT_EQ(open_at(h, "2026-11-23T18:00:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-23T23:59:59Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-24T00:00:00Z"), 0);
	/* Saturday all day, not Friday nor Sunday */
	ASSERT_INT_EQ(open_at(h, "2026-11-27T23:59:59Z"), 0);
	ASSERT_INT_EQ(open_at(h, "2026-11-28T00:00:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-28T23:59:59Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-29T00:00:00Z"), 0);
	/* in summer, London is UTC+1 */
	ASSERT_INT_EQ(open_at(h, "2026-06-29T17:00:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-06-29T16:59:00Z"), 0);
	ASSERT_INT_EQ(open_at(h, "2026-06-29T23:00:00Z"), 0);

	mem_deref(h);
	tz_flush();
}

TEST(overnight_slices)
{
	struct hours *h = parse(WEEKDAYS("Asia/Kolkata",
		SLICE("FRIDAY", 22, 0, 2, 0) ","
		SLICE("SATURDAY", 23, 30, 1, 15)));

	ASSERT_NOT_NULL(h);
	ASSERT_INT_EQ(h->slices[0].day, 5);
	ASSERT_INT_EQ(h->slices[0].start_min, 1320);
	ASSERT_INT_EQ(h->slices[0].end_min, 1560);

	/* 2026-11-27 is a Friday; Kolkata is +05:30 */
	ASSERT_INT_EQ(open_at(h, "2026-11-27T21:59:00+05:30"), 0);
	ASSERT_INT_EQ(open_at(h, "2026-11-27T22:00:00+05:30"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-28T01:59:00+05:30"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-28T02:00:00+05:30"), 0);
	/* Thursday night is not Friday night */
	ASSERT_INT_EQ(open_at(h, "2026-11-27T01:00:00+05:30"), 0);
	/* Saturday into Sunday wraps the week */
	ASSERT_INT_EQ(open_at(h, "2026-11-28T23:29:00+05:30"), 0);
	ASSERT_INT_EQ(open_at(h, "2026-11-28T23:30:00+05:30"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-29T01:14:00+05:30"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-29T01:15:00+05:30"), 0);

	mem_deref(h);
	tz_flush();
}

TEST(several_slices_a_day)
{
	struct hours *h = parse(WEEKDAYS("Australia/Sydney",
		SLICE("MONDAY", 9, 0, 12, 0) ","
		SLICE("MONDAY", 13, 0, 17, 0)));

	ASSERT_NOT_NULL(h);
	/* 2026-11-23, Monday, Sydney on summer time (+11) */
	ASSERT_INT_EQ(open_at(h, "2026-11-23T11:59:00+11:00"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-23T12:30:00+11:00"), 0);
	ASSERT_INT_EQ(open_at(h, "2026-11-23T13:00:00+11:00"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-23T17:00:00+11:00"), 0);
	/* in June (+10) the same UTC instant is an hour earlier locally */
	ASSERT_INT_EQ(open_at(h, "2026-06-22T09:00:00+10:00"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-06-21T23:00:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-06-21T22:59:00Z"), 0);

	mem_deref(h);
	tz_flush();
}

TEST(strings_ids_and_arns)
{
	struct hours *h = parse("{\"Name\":\"Support\",\"TimeZone\":\"UTC\","
		"\"HoursOfOperationArn\":\"arn:aws:connect:us-east-1:1:"
		"instance/i/operating-hours/abc-123\","
		"\"arns\":[\"arn:x:2\",\"arn:x:2\"],"
		"\"Config\":[{\"Day\":\"monday\",\"StartTime\":{\"Hours\":\"9\","
		"\"Minutes\":\"30\"},\"EndTime\":{\"Hours\":\" 17 \"}}]}");

	ASSERT_NOT_NULL(h);
	ASSERT_STR_EQ(h->id, "abc-123");
	ASSERT_INT_EQ(h->arnc, 2);
	ASSERT_STR_EQ(h->arns[1], "arn:x:2");
	ASSERT_INT_EQ(h->slices[0].start_min, 570);
	ASSERT_INT_EQ(h->slices[0].end_min, 1020);
	ASSERT_INT_EQ(open_at(h, "2026-11-23T09:30:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-23T09:29:00Z"), 0);
	mem_deref(h);

	h = parse("{\"Name\":\"X\",\"Id\":\"id-1\",\"Arn\":\"arn:y\","
		  "\"TimeZone\":\"UTC\",\"Config\":[]}");
	ASSERT_NOT_NULL(h);
	ASSERT_STR_EQ(h->id, "id-1");
	ASSERT_INT_EQ(h->arnc, 1);
	ASSERT_STR_EQ(h->arns[0], "arn:y");
	/* no slices: never open */
	ASSERT_INT_EQ(open_at(h, "2026-11-23T09:30:00Z"), 0);
	mem_deref(h);

	tz_flush();
}

TEST(zone_outlives_flush)
{
	struct hours *h = parse(WEEKDAYS("America/New_York",
		SLICE("TUESDAY", 9, 0, 17, 0)));

	ASSERT_NOT_NULL(h);
	tz_flush();
	ASSERT_INT_EQ(open_at(h, "2026-11-24T14:00:00Z"), 1);
	ASSERT_INT_EQ(open_at(h, "2026-11-24T22:00:00Z"), 0);
	mem_deref(h);
}

TEST(bad_input)
{
	static const struct { const char *json, *msg; } bad[] = {
		{"[]", "expected an object"},
		{"{\"TimeZone\":\"UTC\",\"Config\":[]}", "Name:"},
		{"{\"Name\":\"\",\"TimeZone\":\"UTC\",\"Config\":[]}", "Name:"},
		{"{\"Name\":\"A\",\"Config\":[]}", "TimeZone:"},
		{"{\"Name\":\"A\",\"TimeZone\":\"Mars/Base\",\"Config\":[]}",
		 "TimeZone: unknown time zone \"Mars/Base\""},
		{"{\"Name\":\"A\",\"TimeZone\":\"../etc\",\"Config\":[]}",
		 "TimeZone: unknown"},
		{"{\"Name\":\"A\",\"TimeZone\":\"UTC\"}", "Config:"},
		{"{\"Name\":\"A\",\"TimeZone\":\"UTC\",\"Config\":{}}",
		 "Config:"},
		{"{\"Name\":\"A\",\"TimeZone\":\"UTC\",\"Config\":[1]}",
		 "Config[0]: expected an object"},
		{WEEKDAYS("UTC", SLICE("MONDAY", 9, 0, 17, 0) ","
			  SLICE("FUNDAY", 9, 0, 17, 0)),
		 "Config[1].Day: unknown day \"FUNDAY\""},
		{WEEKDAYS("UTC", SLICE("MONDAY", 25, 0, 17, 0)),
		 "Config[0].StartTime.Hours: expected a whole number"},
		{WEEKDAYS("UTC", SLICE("MONDAY", 9, 60, 17, 0)),
		 "Config[0].StartTime.Minutes:"},
		{WEEKDAYS("UTC", SLICE("MONDAY", 9, 0, -1, 0)),
		 "Config[0].EndTime.Hours:"},
		{WEEKDAYS("UTC", SLICE("MONDAY", 9, 0, 24, 30)),
		 "Config[0].EndTime: after 24:00"},
		{WEEKDAYS("UTC", SLICE("MONDAY", 24, 0, 2, 0)),
		 "Config[0].StartTime: 24:00"},
		{WEEKDAYS("UTC", SLICE("MONDAY", "\"nine\"", 0, 17, 0)),
		 "Config[0].StartTime.Hours:"},
		{WEEKDAYS("UTC", SLICE("MONDAY", 9.5, 0, 17, 0)),
		 "Config[0].StartTime.Hours:"},
		{"{\"Name\":\"A\",\"TimeZone\":\"UTC\",\"Config\":[{\"Day\":"
		 "\"MONDAY\",\"EndTime\":{\"Hours\":1}}]}",
		 "Config[0].StartTime: expected an object"},
		{"{\"Name\":\"A\",\"TimeZone\":\"UTC\",\"Config\":[{\"Day\":"
		 "\"MONDAY\",\"StartTime\":{\"Minutes\":1},\"EndTime\":"
		 "{\"Hours\":1}}]}", "Config[0].StartTime.Hours: missing"},
		{"{\"Name\":\"A\",\"TimeZone\":\"UTC\",\"Config\":[{\"Day\":1}]}",
		 "Config[0].Day:"},
		{"{\"Name\":\"A\",\"TimeZone\":\"UTC\",\"Id\":5,\"Config\":[]}",
		 "Id: expected a string"},
		{"{\"Name\":\"A\",\"TimeZone\":\"UTC\",\"arns\":\"x\","
		 "\"Config\":[]}", "arns: expected an array"},
		{"{\"Name\":\"A\",\"TimeZone\":\"UTC\",\"arns\":[\"\"],"
		 "\"Config\":[]}", "arns[0]: expected a string"},
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hours *h = parse(bad[i].json);

		if (h) {
			test_fail(__FILE__, __LINE__, "accepted %s",
				  bad[i].json);
			mem_deref(h);
			break;
		}
		if (strncmp(errbuf, bad[i].msg, strlen(bad[i].msg))) {
			test_fail(__FILE__, __LINE__, "case %zu: \"%s\" does "
				  "not start with \"%s\"", i, errbuf,
				  bad[i].msg);
			break;
		}
	}

	tz_flush();
}
