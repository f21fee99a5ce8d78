/* The DTMF collector: every rule of collect.h on its own. */
#include <callflowd/flow/collect.h>
#include "test.h"


static struct fcollect spec_store(uint32_t max, const char *term)
{
	struct fcollect s = {
		.store = true,
		.timeout_ms = 5000,
		.interdigit_ms = 3000,
		.max_digits = max,
	};

	if (term)
		snprintf(s.terminator, sizeof(s.terminator), "%s", term);
	return s;
}


/* Feed keys; 'T' stands for an expiry of the running timer. */
static enum collect_state feed(struct collector *c, const char *keys)
{
	enum collect_state st = c->state;

	for (; *keys; keys++) {
		if (*keys == 'T')
			st = collector_timeout(c);
		else
			st = collector_key(c, *keys);
	}
	return st;
}


TEST(first_digit_timeout)
{
	struct fcollect s = { .timeout_ms = 8000 };
	struct collector c;

	collector_init(&c, &s);
	ASSERT_INT_EQ(c.state, COLLECT_WAITING);
	ASSERT_INT_EQ(collector_timer_ms(&c), 8000);
	ASSERT_INT_EQ(collector_timeout(&c), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_TIMEOUT);
	ASSERT_STR_EQ(c.digits, "");
	ASSERT_INT_EQ(collector_timer_ms(&c), 0);
}


TEST(first_digit_timeout_when_storing)
{
	struct fcollect s = spec_store(10, "#");
	struct collector c;

	collector_init(&c, &s);
	ASSERT_INT_EQ(collector_timer_ms(&c), 5000);
	ASSERT_INT_EQ(feed(&c, "T"), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_TIMEOUT);
}


TEST(single_key_is_the_result)
{
	static const char keys[] = "0123456789*#";
	struct fcollect s = { .timeout_ms = 5000, .max_digits = 7 };
	struct collector c;
	size_t i;

	for (i = 0; keys[i]; i++) {
		char want[2] = { keys[i], '\0' };

		collector_init(&c, &s);
		ASSERT_INT_EQ(collector_key(&c, keys[i]), COLLECT_DONE);
		ASSERT_INT_EQ(c.status, FCOLLECT_OK);
		ASSERT_STR_EQ(c.digits, want);
	}

	/* later keys do not change a finished result */
	ASSERT_INT_EQ(collector_key(&c, '5'), COLLECT_DONE);
	ASSERT_STR_EQ(c.digits, "#");
	ASSERT_INT_EQ(collector_timeout(&c), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_OK);
}


TEST(invalid_keys_are_ignored)
{
	struct fcollect s = spec_store(5, "#");
	struct collector c;

	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "x!"), COLLECT_WAITING);
	ASSERT_INT_EQ(feed(&c, "1 2#"), COLLECT_DONE);
	ASSERT_STR_EQ(c.digits, "12");

	/* A-D are keypad keys, lower case is folded */
	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "1ab#"), COLLECT_DONE);
	ASSERT_STR_EQ(c.digits, "1AB");
}


TEST(store_terminator_default)
{
	struct fcollect s = spec_store(10, NULL);
	struct collector c;

	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "4711"), COLLECT_DIGITS);
	ASSERT_INT_EQ(collector_timer_ms(&c), 3000);
	ASSERT_INT_EQ(feed(&c, "#"), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_OK);
	ASSERT_STR_EQ(c.digits, "4711");
}


TEST(store_terminator_multi_key)
{
	struct fcollect s = spec_store(10, "**#");
	struct collector c;

	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "12**"), COLLECT_DIGITS);
	ASSERT_STR_EQ(c.digits, "12");
	ASSERT_INT_EQ(feed(&c, "#"), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_OK);
	ASSERT_STR_EQ(c.digits, "12");

	/* a broken sequence becomes digits; '*' is a key, no cancel */
	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "1*2***#"), COLLECT_DONE);
	ASSERT_STR_EQ(c.digits, "1*2*");

	/* '#' alone is a digit when the terminator is longer */
	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "#9**#"), COLLECT_DONE);
	ASSERT_STR_EQ(c.digits, "#9");
}


TEST(store_terminator_does_not_count_toward_max)
{
	struct fcollect s = spec_store(3, "99#");
	struct collector c;

	/* "99" may begin the terminator: held back, not a 3rd digit */
	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "1299"), COLLECT_DIGITS);
	ASSERT_STR_EQ(c.digits, "12");
	ASSERT_INT_EQ(feed(&c, "#"), COLLECT_DONE);
	ASSERT_STR_EQ(c.digits, "12");

	/* the sequence broke: its keys fill the entry up to max */
	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "1299"), COLLECT_DIGITS);
	ASSERT_INT_EQ(feed(&c, "5"), COLLECT_DONE);
	ASSERT_STR_EQ(c.digits, "129");
	ASSERT_INT_EQ(c.status, FCOLLECT_OK);
}


TEST(store_cancel_key_clears)
{
	struct fcollect s = spec_store(10, "#");
	struct collector c;

	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "123"), COLLECT_DIGITS);
	ASSERT_INT_EQ(feed(&c, "*"), COLLECT_WAITING);
	ASSERT_STR_EQ(c.digits, "");
	/* the first-digit wait starts again */
	ASSERT_INT_EQ(collector_timer_ms(&c), 5000);
	ASSERT_INT_EQ(feed(&c, "45#"), COLLECT_DONE);
	ASSERT_STR_EQ(c.digits, "45");

	/* cancel then silence: nothing typed is a timeout */
	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "9*T"), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_TIMEOUT);
	ASSERT_STR_EQ(c.digits, "");
}


TEST(store_cancel_disabled)
{
	struct fcollect s = spec_store(10, "#");
	struct collector c;

	s.disable_cancel = true;
	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "1*2#"), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_OK);
	ASSERT_STR_EQ(c.digits, "1*2");
}


TEST(store_max_digits)
{
	struct fcollect s = spec_store(4, "#");
	struct collector c;

	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "123"), COLLECT_DIGITS);
	ASSERT_INT_EQ(feed(&c, "4"), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_OK);
	ASSERT_STR_EQ(c.digits, "1234");
	ASSERT_INT_EQ(feed(&c, "5#"), COLLECT_DONE);
	ASSERT_STR_EQ(c.digits, "1234");

	/* 0 means the default of 20, more than the buffer is clamped */
	s = spec_store(0, "#");
	collector_init(&c, &s);
	ASSERT_INT_EQ(c.spec.max_digits, 20);
	ASSERT_INT_EQ(feed(&c, "1234567890123456789"), COLLECT_DIGITS);
	ASSERT_INT_EQ(feed(&c, "0"), COLLECT_DONE);
	ASSERT_STR_EQ(c.digits, "12345678901234567890");

	s = spec_store(1000, "#");
	collector_init(&c, &s);
	ASSERT_INT_EQ(c.spec.max_digits, COLLECT_MAX_DIGITS);
	for (int i = 0; i < COLLECT_MAX_DIGITS - 1; i++)
		ASSERT_INT_EQ(collector_key(&c, '7'), COLLECT_DIGITS);
	ASSERT_INT_EQ(collector_key(&c, '7'), COLLECT_DONE);
	ASSERT_INT_EQ(c.n, COLLECT_MAX_DIGITS);
}


TEST(store_interdigit_timeout_keeps_entry)
{
	struct fcollect s = spec_store(10, "#");
	struct collector c;

	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "55T"), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_OK);
	ASSERT_STR_EQ(c.digits, "55");

	/* an unfinished terminator counts as typed digits */
	s = spec_store(10, "##");
	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "5#T"), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_OK);
	ASSERT_STR_EQ(c.digits, "5#");
}


TEST(store_terminator_alone_is_empty_entry)
{
	struct fcollect s = spec_store(10, "#");
	struct collector c;

	collector_init(&c, &s);
	ASSERT_INT_EQ(feed(&c, "#"), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_OK);
	ASSERT_STR_EQ(c.digits, "");
}


TEST(init_defaults_and_bad_terminator)
{
	struct fcollect s = spec_store(10, "#");
	struct collector c;

	/* not a keypad sequence: back to "#" */
	snprintf(s.terminator, sizeof(s.terminator), "%s", "1x");
	s.interdigit_ms = 0;
	collector_init(&c, &s);
	ASSERT_STR_EQ(c.spec.terminator, "#");
	ASSERT_INT_EQ(c.spec.interdigit_ms, 5000);

	/* a NULL spec is a single-key collection that times out at once */
	collector_init(&c, NULL);
	ASSERT_INT_EQ(c.spec.max_digits, 1);
	ASSERT_INT_EQ(collector_timer_ms(&c), 0);
	ASSERT_INT_EQ(collector_timeout(&c), COLLECT_DONE);
	ASSERT_INT_EQ(c.status, FCOLLECT_TIMEOUT);

	/* NULL collector: no crash */
	ASSERT_INT_EQ(collector_key(NULL, '1'), COLLECT_DONE);
	ASSERT_INT_EQ(collector_timeout(NULL), COLLECT_DONE);
	ASSERT_INT_EQ(collector_timer_ms(NULL), 0);
}
