/*
 * The contact's state machine: the transition table (contact.c) as the
 * documentation draws it, and the names the API shows.
 */
#include <callflowd/contact/contact.h>
#include "test.h"

#define N (CONTACT_ENDED + 1)

TEST(table)
{
	/* from -> allowed tos, as in docs/architecture.md */
	static const char *const allowed[N] = {
		[CONTACT_NEW]       = "FSE",
		[CONTACT_FLOW]      = "FQXE",
		[CONTACT_QUEUED]    = "QFWDXE",
		[CONTACT_SCHEDULED] = "QE",
		[CONTACT_DIALLING]  = "TSE",
		[CONTACT_WHISPER]   = "TFQXE",
		[CONTACT_TALKING]   = "FQXE",
		[CONTACT_EXTERNAL]  = "E",
		[CONTACT_ENDED]     = "",
	};
	static const char letter[N] = {
		[CONTACT_NEW] = 'N', [CONTACT_FLOW] = 'F',
		[CONTACT_QUEUED] = 'Q', [CONTACT_SCHEDULED] = 'S',
		[CONTACT_DIALLING] = 'D', [CONTACT_WHISPER] = 'W',
		[CONTACT_TALKING] = 'T', [CONTACT_EXTERNAL] = 'X',
		[CONTACT_ENDED] = 'E',
	};
	int from, to;

	for (from = 0; from < N; from++) {
		for (to = 0; to < N; to++) {
			bool want = strchr(allowed[from], letter[to]) != NULL;

			if (contact_may_move(from, to) != want)
				test_fail(__FILE__, __LINE__, "%s -> %s: %s",
					  contact_phase_name(from),
					  contact_phase_name(to),
					  want ? "refused" : "allowed");
		}
	}
	/* nothing comes back from the end; nothing goes out of range */
	ASSERT_FALSE(contact_may_move(CONTACT_ENDED, CONTACT_FLOW));
	ASSERT_FALSE(contact_may_move(N, CONTACT_FLOW));
	ASSERT_FALSE(contact_may_move(CONTACT_FLOW, N));
}

TEST(every_state_can_end)
{
	int st;

	for (st = 0; st < CONTACT_ENDED; st++)
		ASSERT_TRUE(contact_may_move(st, CONTACT_ENDED));
}

TEST(names)
{
	ASSERT_STR_EQ(contact_state_name(CONTACT_FLOW), "InFlow");
	ASSERT_STR_EQ(contact_state_name(CONTACT_SCHEDULED), "Queued");
	ASSERT_STR_EQ(contact_state_name(CONTACT_WHISPER), "Connected");
	ASSERT_STR_EQ(contact_state_name(CONTACT_EXTERNAL), "Connected");
	ASSERT_STR_EQ(contact_phase_name(CONTACT_DIALLING), "Dialling");
	ASSERT_STR_EQ(contact_phase_name(CONTACT_TALKING), "Talking");
	ASSERT_STR_EQ(contact_phase_name(N), "?");
	ASSERT_STR_EQ(contact_state_name(N), "?");
}
