/* stub: being written */
#include <errno.h>
#include "../actions.h"

int act_compare(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_check_hours(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_loop(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_wait(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_distribute(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_end_flow(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_update_flow_logging(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_invoke_flow_module(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_end_flow_module(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_transfer_to_flow(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}
