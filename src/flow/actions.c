/**
 * @file actions.c  The action table: Connect names, where each action may
 * stand (reference section 6), whether the engine runs it, and the check
 * and run handlers of its family. Also the flow type names.
 *
 * Placement follows Connect where the reference names a rule and is as
 * permissive as Connect where it is silent; CAMPAIGN flows are treated
 * like inbound flows.
 */
#include <string.h>
#include <strings.h>
#include <errno.h>
#include "actions.h"

#define B(t) FLOW_TYPE_BIT(FLOW_##t)

#define T_ALL      FLOW_TYPES_ALL
#define T_INBOUND  (B(CONTACT_FLOW) | B(CAMPAIGN))
#define T_QUEUE    B(CUSTOMER_QUEUE)
#define T_HOLD     (B(CUSTOMER_HOLD) | B(AGENT_HOLD))
#define T_WHISPER  (B(CUSTOMER_WHISPER) | B(AGENT_WHISPER) | \
		    B(OUTBOUND_WHISPER))
#define T_TRANSFER (B(AGENT_TRANSFER) | B(QUEUE_TRANSFER))

static const struct action_def defs[ACT_TYPE_COUNT] = {
	[ACT_MESSAGE_PARTICIPANT] = {
		ACT_MESSAGE_PARTICIPANT, "MessageParticipant",
		T_ALL & ~T_HOLD, true, false, NULL,
		chk_message_participant, act_message_participant},
	[ACT_GET_PARTICIPANT_INPUT] = {
		ACT_GET_PARTICIPANT_INPUT, "GetParticipantInput",
		T_ALL & ~(T_HOLD | T_WHISPER), true, false, NULL,
		chk_get_participant_input, act_get_participant_input},
	[ACT_MESSAGE_PARTICIPANT_ITERATIVELY] = {
		ACT_MESSAGE_PARTICIPANT_ITERATIVELY,
		"MessageParticipantIteratively",
		T_QUEUE | T_HOLD, true, false, "MessagesInterrupted",
		chk_message_participant_iteratively,
		act_message_participant_iteratively},
	[ACT_DISCONNECT_PARTICIPANT] = {
		ACT_DISCONNECT_PARTICIPANT, "DisconnectParticipant",
		T_ALL, true, true, NULL,
		NULL, act_disconnect},
	[ACT_TRANSFER_PARTICIPANT_TO_THIRD_PARTY] = {
		ACT_TRANSFER_PARTICIPANT_TO_THIRD_PARTY,
		"TransferParticipantToThirdParty",
		T_INBOUND | T_QUEUE | T_TRANSFER, true, false, NULL,
		chk_transfer_third_party, act_transfer_third_party},
	[ACT_CONNECT_PARTICIPANT_WITH_LEX_BOT] = {
		ACT_CONNECT_PARTICIPANT_WITH_LEX_BOT,
		"ConnectParticipantWithLexBot",
		T_ALL & ~(T_HOLD | T_WHISPER), true, false, NULL,
		chk_lex_bot, act_lex_bot},
	[ACT_UPDATE_CONTACT_ATTRIBUTES] = {
		ACT_UPDATE_CONTACT_ATTRIBUTES, "UpdateContactAttributes",
		T_ALL, true, false, NULL,
		chk_update_contact_attributes, act_update_contact_attributes},
	[ACT_UPDATE_FLOW_ATTRIBUTES] = {
		ACT_UPDATE_FLOW_ATTRIBUTES, "UpdateFlowAttributes",
		T_ALL, true, false, NULL,
		chk_update_flow_attributes, act_update_flow_attributes},
	[ACT_UPDATE_CONTACT_TARGET_QUEUE] = {
		ACT_UPDATE_CONTACT_TARGET_QUEUE, "UpdateContactTargetQueue",
		T_INBOUND | T_TRANSFER, true, false, NULL,
		chk_update_target_queue, act_update_target_queue},
	[ACT_TRANSFER_CONTACT_TO_QUEUE] = {
		ACT_TRANSFER_CONTACT_TO_QUEUE, "TransferContactToQueue",
		T_INBOUND | T_TRANSFER, true, false, NULL,
		NULL, act_transfer_to_queue},
	[ACT_DEQUEUE_CONTACT_AND_TRANSFER_TO_QUEUE] = {
		ACT_DEQUEUE_CONTACT_AND_TRANSFER_TO_QUEUE,
		"DequeueContactAndTransferToQueue",
		T_QUEUE, true, false, NULL,
		chk_update_target_queue, act_dequeue_to_queue},
	[ACT_TRANSFER_CONTACT_TO_AGENT] = {
		ACT_TRANSFER_CONTACT_TO_AGENT, "TransferContactToAgent",
		T_TRANSFER, true, true, NULL,
		NULL, act_transfer_to_agent},
	[ACT_UPDATE_CONTACT_EVENT_HOOKS] = {
		ACT_UPDATE_CONTACT_EVENT_HOOKS, "UpdateContactEventHooks",
		T_ALL, true, false, NULL,
		chk_update_contact_event_hooks,
		act_update_contact_event_hooks},
	[ACT_UPDATE_CONTACT_RECORDING_BEHAVIOR] = {
		ACT_UPDATE_CONTACT_RECORDING_BEHAVIOR,
		"UpdateContactRecordingBehavior",
		T_ALL & ~(T_HOLD | T_WHISPER), true, false, NULL,
		chk_update_recording, act_update_recording},
	[ACT_UPDATE_CONTACT_RECORDING_AND_ANALYTICS_BEHAVIOR] = {
		ACT_UPDATE_CONTACT_RECORDING_AND_ANALYTICS_BEHAVIOR,
		"UpdateContactRecordingAndAnalyticsBehavior",
		T_ALL & ~(T_HOLD | T_WHISPER), true, false, NULL,
		chk_update_recording, act_update_recording},
	[ACT_UPDATE_CONTACT_TTS_VOICE] = {
		ACT_UPDATE_CONTACT_TTS_VOICE, "UpdateContactTextToSpeechVoice",
		T_ALL, true, false, NULL,
		NULL, act_update_tts_voice},
	[ACT_UPDATE_CONTACT_ROUTING_BEHAVIOR] = {
		ACT_UPDATE_CONTACT_ROUTING_BEHAVIOR,
		"UpdateContactRoutingBehavior",
		T_ALL, true, false, NULL,
		chk_update_routing_behavior, act_update_routing_behavior},
	[ACT_UPDATE_CONTACT_CALLBACK_NUMBER] = {
		ACT_UPDATE_CONTACT_CALLBACK_NUMBER,
		"UpdateContactCallbackNumber",
		T_ALL & ~(T_HOLD | T_WHISPER), true, false, NULL,
		NULL, act_update_callback_number},
	[ACT_UPDATE_PREVIOUS_CONTACT_PARTICIPANT_STATE] = {
		ACT_UPDATE_PREVIOUS_CONTACT_PARTICIPANT_STATE,
		"UpdatePreviousContactParticipantState",
		T_ALL, true, false, NULL,
		chk_update_participant_state, act_update_participant_state},
	[ACT_COMPLETE_OUTBOUND_CALL] = {
		ACT_COMPLETE_OUTBOUND_CALL, "CompleteOutboundCall",
		B(OUTBOUND_WHISPER), true, false, NULL,
		NULL, act_complete_outbound},
	[ACT_UPDATE_CONTACT_MEDIA_STREAMING_BEHAVIOR] = {
		ACT_UPDATE_CONTACT_MEDIA_STREAMING_BEHAVIOR,
		"UpdateContactMediaStreamingBehavior",
		T_ALL, false, false, NULL,
		NULL, act_update_media_streaming},
	[ACT_TAG_CONTACT] = {
		ACT_TAG_CONTACT, "TagContact",
		T_ALL, true, false, NULL,
		NULL, act_tag_contact},
	[ACT_UNTAG_CONTACT] = {
		ACT_UNTAG_CONTACT, "UntagContact",
		T_ALL, true, false, NULL,
		NULL, act_untag_contact},
	[ACT_UPDATE_CONTACT_DATA] = {
		ACT_UPDATE_CONTACT_DATA, "UpdateContactData",
		T_ALL, true, false, NULL,
		NULL, act_update_contact_data},
	[ACT_CREATE_TASK] = {
		ACT_CREATE_TASK, "CreateTask",
		T_ALL, false, false, NULL,
		NULL, act_create_task},
	[ACT_INVOKE_FLOW_MODULE] = {
		ACT_INVOKE_FLOW_MODULE, "InvokeFlowModule",
		T_ALL, true, false, NULL,
		NULL, act_invoke_flow_module},
	[ACT_END_FLOW_MODULE_EXECUTION] = {
		ACT_END_FLOW_MODULE_EXECUTION, "EndFlowModuleExecution",
		T_ALL, true, true, NULL,
		NULL, act_end_flow_module},
	[ACT_COMPARE] = {
		ACT_COMPARE, "Compare",
		T_ALL, true, false, NULL,
		chk_compare, act_compare},
	[ACT_CHECK_HOURS_OF_OPERATION] = {
		ACT_CHECK_HOURS_OF_OPERATION, "CheckHoursOfOperation",
		T_ALL, true, false, NULL,
		NULL, act_check_hours},
	[ACT_CHECK_METRIC_DATA] = {
		ACT_CHECK_METRIC_DATA, "CheckMetricData",
		T_ALL, true, false, NULL,
		chk_check_metric, act_check_metric},
	[ACT_GET_METRIC_DATA] = {
		ACT_GET_METRIC_DATA, "GetMetricData",
		T_ALL, true, false, NULL,
		NULL, act_get_metric},
	[ACT_LOOP] = {
		ACT_LOOP, "Loop",
		T_ALL, true, false, NULL,
		chk_loop, act_loop},
	[ACT_WAIT] = {
		ACT_WAIT, "Wait",
		T_ALL, true, false, NULL,
		chk_wait, act_wait},
	[ACT_DISTRIBUTE_BY_PERCENTAGE] = {
		ACT_DISTRIBUTE_BY_PERCENTAGE, "DistributeByPercentage",
		T_ALL, true, false, NULL,
		chk_distribute, act_distribute},
	[ACT_TRANSFER_TO_FLOW] = {
		ACT_TRANSFER_TO_FLOW, "TransferToFlow",
		T_ALL, true, false, NULL,
		NULL, act_transfer_to_flow},
	[ACT_END_FLOW_EXECUTION] = {
		ACT_END_FLOW_EXECUTION, "EndFlowExecution",
		T_ALL, true, true, NULL,
		NULL, act_end_flow},
	[ACT_UPDATE_FLOW_LOGGING_BEHAVIOR] = {
		ACT_UPDATE_FLOW_LOGGING_BEHAVIOR, "UpdateFlowLoggingBehavior",
		T_ALL, true, false, NULL,
		NULL, act_update_flow_logging},
	[ACT_INVOKE_LAMBDA_FUNCTION] = {
		ACT_INVOKE_LAMBDA_FUNCTION, "InvokeLambdaFunction",
		T_ALL, true, false, NULL,
		chk_invoke_lambda, act_invoke_lambda},
	[ACT_CREATE_CALLBACK_CONTACT] = {
		ACT_CREATE_CALLBACK_CONTACT, "CreateCallbackContact",
		T_ALL & ~(T_HOLD | T_WHISPER), true, false, NULL,
		chk_create_callback, act_create_callback},
};


const struct action_def *action_def_get(enum action_type t)
{
	if (t <= ACT_UNKNOWN || t >= ACT_TYPE_COUNT)
		return NULL;

	return &defs[t];
}


const char *action_type_name(enum action_type t)
{
	const struct action_def *def = action_def_get(t);

	return def ? def->name : "Unknown";
}


enum action_type action_type_parse(const char *name)
{
	size_t i;

	if (!name)
		return ACT_UNKNOWN;

	for (i = ACT_UNKNOWN + 1; i < ACT_TYPE_COUNT; i++) {
		if (!strcmp(defs[i].name, name))
			return (enum action_type)i;
	}

	/* Connect's documentation spells this one with a capital T */
	if (!strcmp(name, "UnTagContact"))
		return ACT_UNTAG_CONTACT;

	return ACT_UNKNOWN;
}


static const char *type_names[FLOW_TYPE_COUNT] = {
	[FLOW_CONTACT_FLOW]     = "CONTACT_FLOW",
	[FLOW_CUSTOMER_QUEUE]   = "CUSTOMER_QUEUE",
	[FLOW_CUSTOMER_HOLD]    = "CUSTOMER_HOLD",
	[FLOW_CUSTOMER_WHISPER] = "CUSTOMER_WHISPER",
	[FLOW_AGENT_HOLD]       = "AGENT_HOLD",
	[FLOW_AGENT_WHISPER]    = "AGENT_WHISPER",
	[FLOW_OUTBOUND_WHISPER] = "OUTBOUND_WHISPER",
	[FLOW_AGENT_TRANSFER]   = "AGENT_TRANSFER",
	[FLOW_QUEUE_TRANSFER]   = "QUEUE_TRANSFER",
	[FLOW_CAMPAIGN]         = "CAMPAIGN",
};


const char *flow_type_name(enum flow_type t)
{
	if ((unsigned)t >= FLOW_TYPE_COUNT)
		return "?";

	return type_names[t];
}


/* Names are matched without regard to case: configs say "customer_queue" */
int flow_type_parse(enum flow_type *tp, const char *s)
{
	size_t i;

	if (!tp || !s)
		return EINVAL;

	if (!strcasecmp(s, "INBOUND")) {
		*tp = FLOW_CONTACT_FLOW;
		return 0;
	}

	for (i = 0; i < FLOW_TYPE_COUNT; i++) {
		if (!strcasecmp(type_names[i], s)) {
			*tp = (enum flow_type)i;
			return 0;
		}
	}

	return EINVAL;
}
