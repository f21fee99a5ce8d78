/* strmap: ordered copies, replace in place, delete, byte count, dup. */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/strmap.h>
#include "test.h"

TEST(set_get_order)
{
	struct strmap *m = NULL;
	char key[8] = "k1", val[8] = "v1";
	size_t vlen = 0;

	ASSERT_INT_EQ(strmap_alloc(&m), 0);
	ASSERT_INT_EQ(strmap_count(m), 0);
	ASSERT_NULL(strmap_get(m, "k1"));

	ASSERT_INT_EQ(strmap_set(m, key, val), 0);
	/* the map keeps its own copies */
	strcpy(key, "xx");
	strcpy(val, "yy");
	ASSERT_STR_EQ(strmap_get(m, "k1"), "v1");
	ASSERT_NULL(strmap_get(m, "xx"));

	ASSERT_INT_EQ(strmap_set(m, "b", "2"), 0);
	ASSERT_INT_EQ(strmap_set(m, "a", "1"), 0);
	ASSERT_INT_EQ(strmap_count(m), 3);
	ASSERT_STR_EQ(strmap_at(m, 0)->key, "k1");
	ASSERT_STR_EQ(strmap_at(m, 1)->key, "b");
	ASSERT_STR_EQ(strmap_at(m, 2)->key, "a");
	ASSERT_NULL(strmap_at(m, 3));

	ASSERT_STR_EQ(strmap_getn(m, "bxx", 1, &vlen), "2");
	ASSERT_INT_EQ(vlen, 1);
	/* keys are case-sensitive */
	ASSERT_NULL(strmap_get(m, "K1"));

	mem_deref(m);
}

TEST(replace_keeps_position)
{
	struct strmap *m = NULL;

	ASSERT_INT_EQ(strmap_alloc(&m), 0);
	ASSERT_INT_EQ(strmap_set(m, "a", "1"), 0);
	ASSERT_INT_EQ(strmap_set(m, "b", "2"), 0);
	ASSERT_INT_EQ(strmap_set(m, "a", "longer"), 0);
	ASSERT_INT_EQ(strmap_count(m), 2);
	ASSERT_STR_EQ(strmap_at(m, 0)->key, "a");
	ASSERT_STR_EQ(strmap_at(m, 0)->val, "longer");
	ASSERT_INT_EQ(strmap_at(m, 0)->vlen, 6);
	ASSERT_INT_EQ(strmap_bytes(m), 1 + 6 + 1 + 1);

	mem_deref(m);
}

TEST(setn_lengths_and_empty)
{
	struct strmap *m = NULL;
	size_t vlen = 99;

	ASSERT_INT_EQ(strmap_alloc(&m), 0);
	ASSERT_INT_EQ(strmap_setn(m, "keyXX", 3, "valueYY", 5), 0);
	ASSERT_STR_EQ(strmap_get(m, "key"), "value");
	ASSERT_INT_EQ(strmap_setn(m, "e", 1, NULL, 0), 0);
	ASSERT_STR_EQ(strmap_getn(m, "e", 1, &vlen), "");
	ASSERT_INT_EQ(vlen, 0);
	ASSERT_INT_EQ(strmap_setn(m, "x", 1, NULL, 3), EINVAL);
	ASSERT_INT_EQ(strmap_set(m, "x", NULL), EINVAL);
	ASSERT_INT_EQ(strmap_set(NULL, "x", "y"), EINVAL);
	ASSERT_INT_EQ(strmap_count(m), 2);

	mem_deref(m);
}

TEST(delete_and_clear)
{
	struct strmap *m = NULL;

	ASSERT_INT_EQ(strmap_alloc(&m), 0);
	ASSERT_INT_EQ(strmap_set(m, "a", "1"), 0);
	ASSERT_INT_EQ(strmap_set(m, "b", "22"), 0);
	ASSERT_INT_EQ(strmap_set(m, "c", "333"), 0);
	ASSERT_INT_EQ(strmap_bytes(m), 9);

	ASSERT_TRUE(strmap_del(m, "b"));
	ASSERT_FALSE(strmap_del(m, "b"));
	ASSERT_INT_EQ(strmap_count(m), 2);
	ASSERT_STR_EQ(strmap_at(m, 0)->key, "a");
	ASSERT_STR_EQ(strmap_at(m, 1)->key, "c");
	ASSERT_INT_EQ(strmap_bytes(m), 6);

	strmap_clear(m);
	ASSERT_INT_EQ(strmap_count(m), 0);
	ASSERT_INT_EQ(strmap_bytes(m), 0);
	ASSERT_INT_EQ(strmap_set(m, "z", "26"), 0);
	ASSERT_STR_EQ(strmap_get(m, "z"), "26");

	mem_deref(m);
}

TEST(many_entries_grow)
{
	struct strmap *m = NULL;
	char k[16], v[16];
	int i;

	ASSERT_INT_EQ(strmap_alloc(&m), 0);
	for (i = 0; i < 200; i++) {
		snprintf(k, sizeof(k), "key%d", i);
		snprintf(v, sizeof(v), "%d", i * 7);
		ASSERT_INT_EQ(strmap_set(m, k, v), 0);
	}
	ASSERT_INT_EQ(strmap_count(m), 200);
	for (i = 0; i < 200; i++) {
		snprintf(k, sizeof(k), "key%d", i);
		snprintf(v, sizeof(v), "%d", i * 7);
		ASSERT_STR_EQ(strmap_get(m, k), v);
		ASSERT_STR_EQ(strmap_at(m, (size_t)i)->key, k);
	}

	mem_deref(m);
}

TEST(dup_is_deep)
{
	struct strmap *m = NULL, *d = NULL;

	ASSERT_INT_EQ(strmap_alloc(&m), 0);
	ASSERT_INT_EQ(strmap_set(m, "a", "1"), 0);
	ASSERT_INT_EQ(strmap_set(m, "b", "2"), 0);
	ASSERT_INT_EQ(strmap_dup(&d, m), 0);

	ASSERT_INT_EQ(strmap_set(m, "a", "changed"), 0);
	ASSERT_TRUE(strmap_del(m, "b"));

	ASSERT_INT_EQ(strmap_count(d), 2);
	ASSERT_STR_EQ(strmap_get(d, "a"), "1");
	ASSERT_STR_EQ(strmap_at(d, 1)->key, "b");
	ASSERT_INT_EQ(strmap_bytes(d), 4);

	mem_deref(m);
	mem_deref(d);
}

TEST(null_map_is_empty)
{
	ASSERT_INT_EQ(strmap_count(NULL), 0);
	ASSERT_INT_EQ(strmap_bytes(NULL), 0);
	ASSERT_NULL(strmap_get(NULL, "a"));
	ASSERT_NULL(strmap_at(NULL, 0));
	ASSERT_FALSE(strmap_del(NULL, "a"));
	ASSERT_INT_EQ(strmap_alloc(NULL), EINVAL);
}
