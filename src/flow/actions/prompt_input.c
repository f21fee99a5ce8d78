/* stub: being written */
#include <errno.h>
#include "../actions.h"

int act_message_participant(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_get_participant_input(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_message_participant_iteratively(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_lex_bot(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}
int act_input_result(struct frun *run, const struct flow_action *act,
		     enum fcollect_status st, const char *digits)
{
	(void)run; (void)act; (void)st; (void)digits;
	return ENOSYS;
}
