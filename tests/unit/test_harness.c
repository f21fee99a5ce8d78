/* The harness itself: assertions report, passing cases pass. */
#include "test.h"

TEST(assert_macros_pass)
{
	ASSERT_TRUE(1 + 1 == 2);
	ASSERT_INT_EQ(3, 3);
	ASSERT_STR_EQ("a", "a");
	ASSERT_NULL(NULL);
}
