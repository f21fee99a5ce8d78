/**
 * @file libre.h  The one way to include libre (and jansson) in callflowd.
 *
 * libre's headers have no include guards (only re.h has one), so mixing
 * <re.h> with individual re_*.h headers redefines types; and libre's
 * re_json.h declares JSON_STRING and JSON_NULL, which clash with
 * jansson's. Every file includes this header instead of <re.h>,
 * <re_*.h> or <jansson.h>: libre's JSON names are renamed, jansson's
 * stay as documented.
 */
#ifndef CALLFLOWD_LIBRE_H
#define CALLFLOWD_LIBRE_H

#define JSON_STRING RE_JSON_STRING
#define JSON_INT    RE_JSON_INT
#define JSON_DOUBLE RE_JSON_DOUBLE
#define JSON_BOOL   RE_JSON_BOOL
#define JSON_NULL   RE_JSON_NULL
#include <re.h>
#undef JSON_STRING
#undef JSON_INT
#undef JSON_DOUBLE
#undef JSON_BOOL
#undef JSON_NULL

#include <jansson.h>

#endif
