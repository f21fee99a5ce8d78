/**
 * @file contact_agent.c  The agent's leg of a contact: ringing the
 * agent's device, whispers, the bridge, hold, after-contact work.
 */
#include <errno.h>
#include <callflowd/libre.h>
#include <callflowd/agent.h>
#include "contact_priv.h"

int contact_offer(struct contact *c, struct ragent *a)
{
	(void)c;
	(void)a;
	return ENOSYS;
}

void contact_offer_cancel(struct contact *c, struct ragent *a)
{
	(void)c;
	(void)a;
}
