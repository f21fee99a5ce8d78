/* stub: being written */
#include <errno.h>
#include "../actions.h"

int act_update_contact_attributes(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_update_flow_attributes(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_update_contact_event_hooks(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_update_recording(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_update_tts_voice(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_update_routing_behavior(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_update_callback_number(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_tag_contact(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_untag_contact(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_update_contact_data(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_update_media_streaming(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}

int act_create_task(struct frun *run, const struct flow_action *act)
{
	(void)run; (void)act;
	return ENOSYS;
}
