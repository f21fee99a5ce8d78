/* stub: being written */
#include <errno.h>
#include "../actions.h"

int act_disconnect(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_transfer_third_party(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_complete_outbound(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}
