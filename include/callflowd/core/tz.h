/**
 * @file tz.h  IANA time zones from the system's TZif files.
 *
 * Owns a process-wide cache of parsed zones (/usr/share/zoneinfo, or
 * $TZDIR), so hours-of-operation checks never touch the global TZ state
 * and never read a file after the first use of a zone.
 */
#ifndef CALLFLOWD_TZ_H
#define CALLFLOWD_TZ_H

#include <stdint.h>

struct tz;

/** Find (loaded once, then cached) the zone "America/New_York", "UTC"... */
int  tz_get(const struct tz **tzp, const char *name);
/** Offset from UTC in seconds at the UTC instant t (seconds since epoch). */
int32_t tz_offset(const struct tz *tz, int64_t t);
/** Local broken-down time at UTC t: wday 0=Sunday. */
struct tz_local { int year, mon, mday, hour, min, sec, wday; int32_t off; };
void tz_localtime(struct tz_local *lt, const struct tz *tz, int64_t t);
/** Free the cache (end of process, keeps leak checkers quiet). */
void tz_flush(void);

#endif
