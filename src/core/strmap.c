/**
 * @file strmap.c  Small ordered string -> string map (flat array).
 */
#include <string.h>
#include <errno.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/strmap.h>

struct strmap {
	struct strmap_ent *entv;
	size_t entc;
	size_t entsz;		/* slots allocated in entv */
	size_t bytes;		/* sum of klen + vlen */
};


static void map_destructor(void *arg)
{
	struct strmap *map = arg;

	strmap_clear(map);
	mem_deref(map->entv);
}


int strmap_alloc(struct strmap **mapp)
{
	struct strmap *map;

	if (!mapp)
		return EINVAL;

	map = mem_zalloc(sizeof(*map), map_destructor);
	if (!map)
		return ENOMEM;

	*mapp = map;
	return 0;
}


/* NUL-terminated mem copy of a len-delimited string */
static char *copyn(const char *s, size_t len)
{
	char *p = mem_alloc(len + 1, NULL);

	if (!p)
		return NULL;

	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}


static struct strmap_ent *find(const struct strmap *map, const char *key,
			       size_t klen)
{
	size_t i;

	for (i = 0; i < map->entc; i++) {
		struct strmap_ent *e = &map->entv[i];

		if (e->klen == klen && !memcmp(e->key, key, klen))
			return e;
	}

	return NULL;
}


int strmap_setn(struct strmap *map, const char *key, size_t klen,
		const char *val, size_t vlen)
{
	struct strmap_ent *e;
	char *k = NULL, *v = NULL;

	if (!map || !key || (!val && vlen))
		return EINVAL;

	v = copyn(val ? val : "", vlen);
	if (!v)
		return ENOMEM;

	e = find(map, key, klen);
	if (e) {
		map->bytes = map->bytes - e->vlen + vlen;
		mem_deref(e->val);
		e->val = v;
		e->vlen = vlen;
		return 0;
	}

	k = copyn(key, klen);
	if (!k) {
		mem_deref(v);
		return ENOMEM;
	}

	if (map->entc == map->entsz) {
		size_t n = map->entsz ? map->entsz * 2 : 8;
		struct strmap_ent *ev;

		ev = mem_reallocarray(map->entv, n, sizeof(*ev), NULL);
		if (!ev) {
			mem_deref(k);
			mem_deref(v);
			return ENOMEM;
		}
		map->entv = ev;
		map->entsz = n;
	}

	e = &map->entv[map->entc++];
	e->key = k;
	e->klen = klen;
	e->val = v;
	e->vlen = vlen;
	map->bytes += klen + vlen;

	return 0;
}


int strmap_set(struct strmap *map, const char *key, const char *val)
{
	if (!key || !val)
		return EINVAL;

	return strmap_setn(map, key, strlen(key), val, strlen(val));
}


int strmap_dup(struct strmap **mapp, const struct strmap *src)
{
	struct strmap *map;
	size_t i;
	int err;

	if (!mapp || !src)
		return EINVAL;

	err = strmap_alloc(&map);
	if (err)
		return err;

	for (i = 0; i < src->entc; i++) {
		const struct strmap_ent *e = &src->entv[i];

		err = strmap_setn(map, e->key, e->klen, e->val, e->vlen);
		if (err)
			goto out;
	}

 out:
	if (err)
		mem_deref(map);
	else
		*mapp = map;

	return err;
}


const char *strmap_getn(const struct strmap *map, const char *key,
			size_t klen, size_t *vlenp)
{
	const struct strmap_ent *e;

	if (!map || !key)
		return NULL;

	e = find(map, key, klen);
	if (!e)
		return NULL;

	if (vlenp)
		*vlenp = e->vlen;

	return e->val;
}


const char *strmap_get(const struct strmap *map, const char *key)
{
	if (!key)
		return NULL;

	return strmap_getn(map, key, strlen(key), NULL);
}


bool strmap_del(struct strmap *map, const char *key)
{
	struct strmap_ent *e;
	size_t i;

	if (!map || !key)
		return false;

	e = find(map, key, strlen(key));
	if (!e)
		return false;

	i = (size_t)(e - map->entv);
	map->bytes -= e->klen + e->vlen;
	mem_deref(e->key);
	mem_deref(e->val);

	/* keep insertion order for the remaining entries */
	memmove(e, e + 1, (map->entc - i - 1) * sizeof(*e));
	--map->entc;

	return true;
}


void strmap_clear(struct strmap *map)
{
	size_t i;

	if (!map)
		return;

	for (i = 0; i < map->entc; i++) {
		mem_deref(map->entv[i].key);
		mem_deref(map->entv[i].val);
	}

	map->entc = 0;
	map->bytes = 0;
}


size_t strmap_count(const struct strmap *map)
{
	return map ? map->entc : 0;
}


const struct strmap_ent *strmap_at(const struct strmap *map, size_t i)
{
	if (!map || i >= map->entc)
		return NULL;

	return &map->entv[i];
}


size_t strmap_bytes(const struct strmap *map)
{
	return map ? map->bytes : 0;
}
