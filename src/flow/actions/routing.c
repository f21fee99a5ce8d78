/* stub: being written */
#include <errno.h>
#include "../actions.h"

int act_update_target_queue(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_transfer_to_queue(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_dequeue_to_queue(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_transfer_to_agent(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_check_metric(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_get_metric(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_create_callback(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_update_participant_state(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}
