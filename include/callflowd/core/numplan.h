/**
 * @file numplan.h  National dialling plans: a number written the way a
 * country writes it (national "0 20 7946 0018", NANP "415-555-0123",
 * the international prefix "011 44 ...") turned into E.164, for a trunk
 * that names its country. Owns a table of countries (calling code,
 * trunk prefix, international prefixes, national number lengths); no
 * state.
 */
#ifndef CALLFLOWD_NUMPLAN_H
#define CALLFLOWD_NUMPLAN_H

#include <stdbool.h>
#include <stddef.h>

struct numplan;

/** The plan of an ISO 3166 alpha-2 country ("US", "gb"), or NULL. */
const struct numplan *numplan_find(const char *country);
/** The countries known, as "US, CA, GB, ..." (for error messages). */
const char *numplan_countries(void);
/**
 * in (with visual separators, a tel: or sip: URI) into E.164 in out
 * (>= 24 bytes) under plan: "+..." and the international prefix are
 * taken as international; a number of the national lengths (with or
 * without the trunk prefix) gets the country code. EINVAL when it is
 * none of these. plan NULL: only "+..." (or "00...") numbers pass.
 */
int numplan_e164(char *out, size_t sz, const char *in,
		 const struct numplan *plan);

#endif
