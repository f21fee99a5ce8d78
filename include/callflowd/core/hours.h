/**
 * @file hours.h  Hours of operation (Connect's shape) and the open check.
 *
 * Owns a parsed hours-of-operation definition: zone plus weekly slices,
 * several per day, end 00:00 meaning midnight, slices crossing midnight.
 */
#ifndef CALLFLOWD_HOURS_H
#define CALLFLOWD_HOURS_H

#include <stdbool.h>
#include <stdint.h>
/* jansson and <re.h> clash on JSON_* names: declare json_t only */
typedef struct json_t json_t;

struct tz;

struct hours_slice {
	int day;	/* 0 = Sunday ... 6 = Saturday */
	int start_min;	/* minutes from local midnight */
	int end_min;	/* 1440 when EndTime is 00:00 (midnight) */
};

struct hours {
	char *name;
	char *id;		/* HoursOfOperationId, if given */
	char **arns;		/* ARNs it answers to */
	size_t arnc;
	const struct tz *tz;
	struct hours_slice *slices;
	size_t slicec;
};

/**
 * Parse one Connect-shaped object:
 * {"Name","TimeZone","Config":[{"Day":"MONDAY","StartTime":{"Hours":9,
 *  "Minutes":0},"EndTime":{...}}], optional "Id"/"HoursOfOperationId",
 *  "Arn"/"ARNs"}. Errors go to errbuf.
 */
int  hours_parse(struct hours **hp, const json_t *obj, char *errbuf,
		 size_t errsz);
/** Open at UTC instant ms? */
bool hours_is_open(const struct hours *h, uint64_t ms);

#endif
