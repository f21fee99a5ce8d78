/*
 * National dialling plans to E.164: each country's national and
 * international forms, URIs, separators, and what is refused.
 */
#include <errno.h>
#include <callflowd/core/numplan.h>
#include "test.h"

static const char *e164(const char *in, const char *country)
{
	static char out[24];

	if (numplan_e164(out, sizeof(out), in, numplan_find(country)))
		return "ERR";
	return out;
}

TEST(nanp)
{
	ASSERT_STR_EQ(e164("415-555-0123", "US"), "+14155550123");
	ASSERT_STR_EQ(e164("(415) 555 0123", "us"), "+14155550123");
	ASSERT_STR_EQ(e164("1 415 555 0123", "US"), "+14155550123");
	ASSERT_STR_EQ(e164("011 44 20 7946 0018", "US"), "+442079460018");
	ASSERT_STR_EQ(e164("+1 (800) 555-0100", "US"), "+18005550100");
	ASSERT_STR_EQ(e164("tel:4155550123", "CA"), "+14155550123");
	ASSERT_STR_EQ(e164("sip:4155550123@carrier.example;user=phone", "US"),
		      "+14155550123");
	ASSERT_STR_EQ(e164("5550123", "US"), "ERR");	/* no area code */
	ASSERT_STR_EQ(e164("415555012345", "US"), "ERR");
}

TEST(europe)
{
	ASSERT_STR_EQ(e164("020 7946 0018", "GB"), "+442079460018");
	ASSERT_STR_EQ(e164("07700 900123", "GB"), "+447700900123");
	ASSERT_STR_EQ(e164("00 1 415 555 0123", "GB"), "+14155550123");
	ASSERT_STR_EQ(e164("030 123456", "DE"), "+4930123456");
	ASSERT_STR_EQ(e164("01 23 45 67 89", "FR"), "+33123456789");
	/* Italy and Spain: no trunk prefix, the number is dialled whole */
	ASSERT_STR_EQ(e164("06 6982 1234", "IT"), "+390669821234");
	ASSERT_STR_EQ(e164("912 345 678", "ES"), "+34912345678");
}

TEST(elsewhere)
{
	ASSERT_STR_EQ(e164("(02) 9876 5432", "AU"), "+61298765432");
	ASSERT_STR_EQ(e164("0011 1 415 555 0123", "AU"), "+14155550123");
	ASSERT_STR_EQ(e164("03-1234-5678", "JP"), "+81312345678");
	ASSERT_STR_EQ(e164("010 1 415 555 0123", "JP"), "+14155550123");
}

TEST(without_a_plan)
{
	char out[24];

	ASSERT_INT_EQ(numplan_e164(out, sizeof(out), "+44 20 7946 0018",
				   NULL), 0);
	ASSERT_STR_EQ(out, "+442079460018");
	ASSERT_INT_EQ(numplan_e164(out, sizeof(out), "0044 20 7946 0018",
				   NULL), 0);
	ASSERT_STR_EQ(out, "+442079460018");
	/* a national number without a country is not guessed */
	ASSERT_INT_EQ(numplan_e164(out, sizeof(out), "4155550123", NULL),
		      EINVAL);
}

TEST(refused)
{
	char out[24];

	ASSERT_STR_EQ(e164("", "US"), "ERR");
	ASSERT_STR_EQ(e164("call me", "US"), "ERR");
	ASSERT_STR_EQ(e164("+1234567890123456", "US"), "ERR");	/* > 15 */
	ASSERT_INT_EQ(numplan_e164(out, 4, "+14155550123", NULL), EOVERFLOW);
	ASSERT_NULL(numplan_find("XX"));
	ASSERT_NULL(numplan_find(NULL));
	ASSERT_NOT_NULL(numplan_find("gb"));
}
