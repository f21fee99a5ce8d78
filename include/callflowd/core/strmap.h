/**
 * @file strmap.h  Small ordered string -> string map.
 *
 * Owns its keys and values (copies). Contact attributes, flow attributes,
 * $.External, SIP headers and metrics are all a few dozen entries at most,
 * so a flat array with linear search beats a hash table and keeps
 * insertion order for records and JSON output.
 */
#ifndef CALLFLOWD_STRMAP_H
#define CALLFLOWD_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct strmap;

struct strmap_ent {
	char *key;
	char *val;
	size_t klen;
	size_t vlen;
};

int  strmap_alloc(struct strmap **mapp);
/** Copy of every entry, in order. */
int  strmap_dup(struct strmap **mapp, const struct strmap *src);
/** Set key (len-delimited) to val; replaces an existing value in place. */
int  strmap_setn(struct strmap *map, const char *key, size_t klen,
		 const char *val, size_t vlen);
int  strmap_set(struct strmap *map, const char *key, const char *val);
/** NULL when absent. *vlenp (optional) gets the value length. */
const char *strmap_getn(const struct strmap *map, const char *key,
			size_t klen, size_t *vlenp);
const char *strmap_get(const struct strmap *map, const char *key);
bool strmap_del(struct strmap *map, const char *key);
void strmap_clear(struct strmap *map);
size_t strmap_count(const struct strmap *map);
/** Entry i (0-based, insertion order) or NULL. */
const struct strmap_ent *strmap_at(const struct strmap *map, size_t i);
/** Total bytes of keys and values (for the 32 KB attribute limit). */
size_t strmap_bytes(const struct strmap *map);

#endif
