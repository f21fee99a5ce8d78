/* stub: being written */
#include "actions.h"

void chk_message_participant(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_get_participant_input(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_message_participant_iteratively(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_update_contact_attributes(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_update_flow_attributes(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_update_contact_event_hooks(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_update_recording(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_update_routing_behavior(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_compare(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_loop(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_wait(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_distribute(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_check_metric(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_update_target_queue(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_create_callback(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_update_participant_state(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_transfer_third_party(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}

void chk_invoke_lambda(const struct flow_action *act, struct findings *f)
{
	(void)act; (void)f;
}
