/**
 * @file actions.c  The action table: Connect names, where each action may
 * stand (reference section 6), whether the engine runs it, and the check
 * and run handlers of its family. Also the flow type names.
 *
 * Placement follows Connect where the reference names a rule and is as
 * permissive as Connect where it is silent; CAMPAIGN flows are treated
 * like inbound flows.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <callflowd/core/libre.h>
#include "actions.h"

#define B(t) FLOW_TYPE_BIT(FLOW_##t)

/* Connect's flow types, grouped as its Restrictions sections name them */
#define T_IN       (B(CONTACT_FLOW) | B(CAMPAIGN))
#define T_QUEUE    B(CUSTOMER_QUEUE)
#define T_HOLD     (B(CUSTOMER_HOLD) | B(AGENT_HOLD))
#define T_WHISPER  (B(CUSTOMER_WHISPER) | B(AGENT_WHISPER) | \
		    B(OUTBOUND_WHISPER))
#define T_OW       B(OUTBOUND_WHISPER)
#define T_TRANSFER (B(AGENT_TRANSFER) | B(QUEUE_TRANSFER))
#define T_MODULE   B(MODULE)
/* every flow type; a module's actions are checked at run time against
 * the flow that invoked it (action_allowed) */
#define T_ALL      (FLOW_TYPES_ALL & ~T_MODULE)
#define T_IQT      (T_IN | T_QUEUE | T_TRANSFER)

/* Documented by Connect, loaded here, not run: why, for validate. */
#define WHY_CASES   "Amazon Connect Cases is not part of this engine"
#define WHY_VOICEID "Amazon Connect Voice ID is not part of this engine"
#define WHY_TASK    "it applies to task contacts only, and this engine " \
		    "serves voice"
#define WHY_CHAT    "it applies to chat contacts only, and this engine " \
		    "serves voice"
#define WHY_OUTB    "it needs outbound campaigns (answering machine " \
		    "detection)"
#define WHY_TABLES  "Amazon Connect data tables are not part of this engine"
#define WHY_WISDOM  "Amazon Q in Connect (Wisdom) is not part of this " \
		    "engine"
#define WHY_EMAIL   "it applies to email contacts only, and this engine " \
		    "serves voice"
#define WHY_PROFOBJ "profile objects and calculated attributes are not " \
		    "kept by the local profile store"

/*
 * Placement: the union of the flow types the Flow language reference's
 * Restrictions section and the admin guide's block page allow, so that
 * nothing Connect's designer exports is refused and nothing neither
 * allows is accepted (docs/flows.md, Placement).
 */
static const struct action_def defs[ACT_TYPE_COUNT] = {
	[ACT_MESSAGE_PARTICIPANT] = {
		ACT_MESSAGE_PARTICIPANT, "MessageParticipant",
		T_ALL & ~T_HOLD, true, false, NULL,
		chk_message_participant, act_message_participant, NULL},
	[ACT_GET_PARTICIPANT_INPUT] = {
		ACT_GET_PARTICIPANT_INPUT, "GetParticipantInput",
		T_IQT | T_OW, true, false, NULL,
		chk_get_participant_input, act_get_participant_input, NULL},
	[ACT_MESSAGE_PARTICIPANT_ITERATIVELY] = {
		ACT_MESSAGE_PARTICIPANT_ITERATIVELY,
		"MessageParticipantIteratively",
		T_QUEUE | T_HOLD, true, false, "MessagesInterrupted",
		chk_message_participant_iteratively,
		act_message_participant_iteratively, NULL},
	/* Connect offers Disconnect in inbound, queue and transfer flows;
	 * hanging up is kept possible everywhere here (hand-written whisper
	 * and hold flows rely on it) */
	[ACT_DISCONNECT_PARTICIPANT] = {
		ACT_DISCONNECT_PARTICIPANT, "DisconnectParticipant",
		T_ALL, true, true, NULL,
		NULL, act_disconnect, NULL},
	[ACT_TRANSFER_PARTICIPANT_TO_THIRD_PARTY] = {
		ACT_TRANSFER_PARTICIPANT_TO_THIRD_PARTY,
		"TransferParticipantToThirdParty",
		T_IQT, true, false, NULL,
		chk_transfer_third_party, act_transfer_third_party, NULL},
	[ACT_CONNECT_PARTICIPANT_WITH_LEX_BOT] = {
		ACT_CONNECT_PARTICIPANT_WITH_LEX_BOT,
		"ConnectParticipantWithLexBot",
		T_ALL & ~(T_HOLD | T_WHISPER), true, false, NULL,
		chk_lex_bot, act_lex_bot, NULL},
	[ACT_UPDATE_CONTACT_ATTRIBUTES] = {
		ACT_UPDATE_CONTACT_ATTRIBUTES, "UpdateContactAttributes",
		T_ALL, true, false, NULL,
		chk_update_contact_attributes, act_update_contact_attributes,
		NULL},
	[ACT_UPDATE_FLOW_ATTRIBUTES] = {
		ACT_UPDATE_FLOW_ATTRIBUTES, "UpdateFlowAttributes",
		T_ALL, true, false, NULL,
		chk_update_flow_attributes, act_update_flow_attributes, NULL},
	[ACT_UPDATE_CONTACT_TARGET_QUEUE] = {
		ACT_UPDATE_CONTACT_TARGET_QUEUE, "UpdateContactTargetQueue",
		T_IN | T_TRANSFER, true, false, NULL,
		chk_update_target_queue, act_update_target_queue, NULL},
	[ACT_TRANSFER_CONTACT_TO_QUEUE] = {
		ACT_TRANSFER_CONTACT_TO_QUEUE, "TransferContactToQueue",
		T_IN | T_TRANSFER, true, false, NULL,
		NULL, act_transfer_to_queue, NULL},
	[ACT_DEQUEUE_CONTACT_AND_TRANSFER_TO_QUEUE] = {
		ACT_DEQUEUE_CONTACT_AND_TRANSFER_TO_QUEUE,
		"DequeueContactAndTransferToQueue",
		T_QUEUE, true, false, NULL,
		chk_update_target_queue, act_dequeue_to_queue, NULL},
	[ACT_TRANSFER_CONTACT_TO_AGENT] = {
		ACT_TRANSFER_CONTACT_TO_AGENT, "TransferContactToAgent",
		T_TRANSFER, true, true, NULL,
		NULL, act_transfer_to_agent, NULL},
	[ACT_UPDATE_CONTACT_EVENT_HOOKS] = {
		ACT_UPDATE_CONTACT_EVENT_HOOKS, "UpdateContactEventHooks",
		T_ALL, true, false, NULL,
		chk_update_contact_event_hooks,
		act_update_contact_event_hooks, NULL},
	[ACT_UPDATE_CONTACT_RECORDING_BEHAVIOR] = {
		ACT_UPDATE_CONTACT_RECORDING_BEHAVIOR,
		"UpdateContactRecordingBehavior",
		T_IQT | T_OW, true, false, NULL,
		chk_update_recording, act_update_recording, NULL},
	[ACT_UPDATE_CONTACT_RECORDING_AND_ANALYTICS_BEHAVIOR] = {
		ACT_UPDATE_CONTACT_RECORDING_AND_ANALYTICS_BEHAVIOR,
		"UpdateContactRecordingAndAnalyticsBehavior",
		T_ALL, true, false, NULL,
		chk_update_recording, act_update_recording, NULL},
	[ACT_UPDATE_CONTACT_TTS_VOICE] = {
		ACT_UPDATE_CONTACT_TTS_VOICE, "UpdateContactTextToSpeechVoice",
		T_ALL, true, false, NULL,
		NULL, act_update_tts_voice, NULL},
	[ACT_UPDATE_CONTACT_ROUTING_BEHAVIOR] = {
		ACT_UPDATE_CONTACT_ROUTING_BEHAVIOR,
		"UpdateContactRoutingBehavior",
		T_IQT, true, false, NULL,
		chk_update_routing_behavior, act_update_routing_behavior,
		NULL},
	[ACT_UPDATE_CONTACT_CALLBACK_NUMBER] = {
		ACT_UPDATE_CONTACT_CALLBACK_NUMBER,
		"UpdateContactCallbackNumber",
		T_IQT, true, false, NULL,
		NULL, act_update_callback_number, NULL},
	/* Connect's two pages disagree (inbound and transfer; plus outbound
	 * whisper); holding a party from a whisper is kept possible */
	[ACT_UPDATE_PREVIOUS_CONTACT_PARTICIPANT_STATE] = {
		ACT_UPDATE_PREVIOUS_CONTACT_PARTICIPANT_STATE,
		"UpdatePreviousContactParticipantState",
		T_ALL, true, false, NULL,
		chk_update_participant_state, act_update_participant_state,
		NULL},
	[ACT_COMPLETE_OUTBOUND_CALL] = {
		ACT_COMPLETE_OUTBOUND_CALL, "CompleteOutboundCall",
		T_OW, true, false, NULL,
		NULL, act_complete_outbound, NULL},
	[ACT_UPDATE_CONTACT_MEDIA_STREAMING_BEHAVIOR] = {
		ACT_UPDATE_CONTACT_MEDIA_STREAMING_BEHAVIOR,
		"UpdateContactMediaStreamingBehavior",
		T_ALL & ~T_HOLD, false, false, NULL,
		NULL, act_update_media_streaming, NULL},
	[ACT_TAG_CONTACT] = {
		ACT_TAG_CONTACT, "TagContact",
		T_ALL, true, false, NULL,
		NULL, act_tag_contact, NULL},
	[ACT_UNTAG_CONTACT] = {
		ACT_UNTAG_CONTACT, "UntagContact",
		T_ALL, true, false, NULL,
		NULL, act_untag_contact, NULL},
	[ACT_UPDATE_CONTACT_DATA] = {
		ACT_UPDATE_CONTACT_DATA, "UpdateContactData",
		T_ALL, true, false, NULL,
		NULL, act_update_contact_data, NULL},
	[ACT_CREATE_TASK] = {
		ACT_CREATE_TASK, "CreateTask",
		T_ALL, false, false, NULL,
		NULL, act_create_task, NULL},
	[ACT_INVOKE_FLOW_MODULE] = {
		ACT_INVOKE_FLOW_MODULE, "InvokeFlowModule",
		T_IN | T_MODULE, true, false, NULL,
		chk_invoke_flow_module, act_invoke_flow_module, NULL},
	[ACT_END_FLOW_MODULE_EXECUTION] = {
		ACT_END_FLOW_MODULE_EXECUTION, "EndFlowModuleExecution",
		T_MODULE, true, true, NULL,
		NULL, act_end_flow_module, NULL},
	[ACT_COMPARE] = {
		ACT_COMPARE, "Compare",
		T_ALL, true, false, NULL,
		chk_compare, act_compare, NULL},
	[ACT_CHECK_HOURS_OF_OPERATION] = {
		ACT_CHECK_HOURS_OF_OPERATION, "CheckHoursOfOperation",
		T_IQT, true, false, NULL,
		NULL, act_check_hours, NULL},
	[ACT_CHECK_METRIC_DATA] = {
		ACT_CHECK_METRIC_DATA, "CheckMetricData",
		T_IQT, true, false, NULL,
		chk_check_metric, act_check_metric, NULL},
	[ACT_GET_METRIC_DATA] = {
		ACT_GET_METRIC_DATA, "GetMetricData",
		T_ALL, true, false, NULL,
		NULL, act_get_metric, NULL},
	[ACT_LOOP] = {
		ACT_LOOP, "Loop",
		T_ALL, true, false, NULL,
		chk_loop, act_loop, NULL},
	[ACT_WAIT] = {
		ACT_WAIT, "Wait",
		T_ALL, true, false, NULL,
		chk_wait, act_wait, NULL},
	[ACT_DISTRIBUTE_BY_PERCENTAGE] = {
		ACT_DISTRIBUTE_BY_PERCENTAGE, "DistributeByPercentage",
		T_IQT | T_OW, true, false, NULL,
		chk_distribute, act_distribute, NULL},
	[ACT_TRANSFER_TO_FLOW] = {
		ACT_TRANSFER_TO_FLOW, "TransferToFlow",
		T_IN | T_TRANSFER, true, false, NULL,
		NULL, act_transfer_to_flow, NULL},
	[ACT_END_FLOW_EXECUTION] = {
		ACT_END_FLOW_EXECUTION, "EndFlowExecution",
		T_ALL, true, true, NULL,
		NULL, act_end_flow, NULL},
	[ACT_UPDATE_FLOW_LOGGING_BEHAVIOR] = {
		ACT_UPDATE_FLOW_LOGGING_BEHAVIOR, "UpdateFlowLoggingBehavior",
		T_ALL, true, false, NULL,
		NULL, act_update_flow_logging, NULL},
	[ACT_INVOKE_LAMBDA_FUNCTION] = {
		ACT_INVOKE_LAMBDA_FUNCTION, "InvokeLambdaFunction",
		T_ALL, true, false, NULL,
		chk_invoke_lambda, act_invoke_lambda, NULL},
	[ACT_CREATE_CALLBACK_CONTACT] = {
		ACT_CREATE_CALLBACK_CONTACT, "CreateCallbackContact",
		T_IQT, true, false, NULL,
		chk_create_callback, act_create_callback, NULL},
	[ACT_SHOW_VIEW] = {
		ACT_SHOW_VIEW, "ShowView",
		T_IN | T_QUEUE, true, false, NULL,
		chk_show_view, act_show_view, NULL},
	[ACT_UPDATE_ROUTING_CRITERIA] = {
		ACT_UPDATE_ROUTING_CRITERIA, "UpdateContactRoutingCriteria",
		T_IQT, true, false, NULL,
		chk_update_routing_criteria, act_update_routing_criteria,
		NULL},
	[ACT_GET_CUSTOMER_PROFILE] = {
		ACT_GET_CUSTOMER_PROFILE, "GetCustomerProfile",
		T_ALL, true, false, NULL,
		chk_customer_profile, act_customer_profile, NULL},
	[ACT_CREATE_CUSTOMER_PROFILE] = {
		ACT_CREATE_CUSTOMER_PROFILE, "CreateCustomerProfile",
		T_ALL, true, false, NULL,
		chk_customer_profile, act_customer_profile, NULL},
	[ACT_UPDATE_CUSTOMER_PROFILE] = {
		ACT_UPDATE_CUSTOMER_PROFILE, "UpdateCustomerProfile",
		T_ALL, true, false, NULL,
		chk_customer_profile, act_customer_profile, NULL},
	[ACT_ASSOCIATE_CONTACT_TO_CUSTOMER_PROFILE] = {
		ACT_ASSOCIATE_CONTACT_TO_CUSTOMER_PROFILE,
		"AssociateContactToCustomerProfile",
		T_ALL, true, false, NULL,
		chk_customer_profile, act_customer_profile, NULL},
	[ACT_GET_CUSTOMER_PROFILE_OBJECT] = {
		ACT_GET_CUSTOMER_PROFILE_OBJECT, "GetCustomerProfileObject",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_PROFOBJ},
	[ACT_GET_CALCULATED_ATTRIBUTES] = {
		ACT_GET_CALCULATED_ATTRIBUTES,
		"GetCalculatedAttributesForCustomerProfile",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_PROFOBJ},
	[ACT_CREATE_CASE] = {
		ACT_CREATE_CASE, "CreateCase",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_CASES},
	[ACT_GET_CASE] = {
		ACT_GET_CASE, "GetCase",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_CASES},
	[ACT_UPDATE_CASE] = {
		ACT_UPDATE_CASE, "UpdateCase",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_CASES},
	[ACT_START_VOICE_ID_STREAM] = {
		ACT_START_VOICE_ID_STREAM, "StartVoiceIdStream",
		T_ALL & ~T_HOLD, false, false, NULL,
		NULL, act_not_supported, WHY_VOICEID},
	[ACT_CHECK_VOICE_ID] = {
		ACT_CHECK_VOICE_ID, "CheckVoiceId",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_VOICEID},
	[ACT_RESUME_CONTACT] = {
		ACT_RESUME_CONTACT, "ResumeContact",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_TASK},
	[ACT_CHECK_OUTBOUND_CALL_STATUS] = {
		ACT_CHECK_OUTBOUND_CALL_STATUS, "CheckOutboundCallStatus",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_OUTB},
	[ACT_CREATE_PERSISTENT_CONTACT_ASSOCIATION] = {
		ACT_CREATE_PERSISTENT_CONTACT_ASSOCIATION,
		"CreatePersistentContactAssociation",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_CHAT},
	[ACT_UPDATE_CONTACT_MEDIA_PROCESSING] = {
		ACT_UPDATE_CONTACT_MEDIA_PROCESSING,
		"UpdateContactMediaProcessing",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_CHAT},
	[ACT_EVALUATE_DATA_TABLE_VALUES] = {
		ACT_EVALUATE_DATA_TABLE_VALUES, "EvaluateDataTableValues",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_TABLES},
	[ACT_LIST_DATA_TABLE_VALUES] = {
		ACT_LIST_DATA_TABLE_VALUES, "ListDataTableValues",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_TABLES},
	[ACT_UPSERT_DATA_TABLE_VALUES] = {
		ACT_UPSERT_DATA_TABLE_VALUES, "UpsertDataTableValues",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_TABLES},
	[ACT_CREATE_WISDOM_SESSION] = {
		ACT_CREATE_WISDOM_SESSION, "CreateWisdomSession",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_WISDOM},
	[ACT_AUTHENTICATE_PARTICIPANT] = {
		ACT_AUTHENTICATE_PARTICIPANT, "AuthenticateParticipant",
		T_IN, false, false, NULL,
		NULL, act_not_supported, WHY_CHAT},
	[ACT_LOAD_CONTACT_CONTENT] = {
		ACT_LOAD_CONTACT_CONTENT, "LoadContactContent",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_EMAIL},
	[ACT_START_OUTBOUND_CHAT_CONTACT] = {
		ACT_START_OUTBOUND_CHAT_CONTACT, "StartOutboundChatContact",
		T_ALL, false, false, NULL,
		NULL, act_not_supported, WHY_CHAT},
};


bool action_allowed(const struct action_def *def, enum flow_type t)
{
	if (!def)
		return false;
	/* a module may hold anything; the invoking flow decides at run
	 * time, where an action its type does not allow takes its error
	 * branch (Connect's rule for modules) */
	if (t == FLOW_MODULE)
		return true;

	return (def->allowed & FLOW_TYPE_BIT(t)) != 0;
}


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
	/* the Flow language reference's name of Set routing criteria */
	if (!strcmp(name, "UpdateRoutingCriteria"))
		return ACT_UPDATE_ROUTING_CRITERIA;

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
	[FLOW_MODULE]           = "MODULE",
};


const char *flow_type_name(enum flow_type t)
{
	if ((unsigned)t >= FLOW_TYPE_COUNT)
		return "?";

	return type_names[t];
}


/* Equal ignoring case and '_': "customerQueue" is CUSTOMER_QUEUE. */
static bool type_name_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == '_')
			++a;
		while (*b == '_')
			++b;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		++a;
		++b;
	}
}


/* Names are matched without regard to case or '_': configs say
 * "customer_queue", Connect's Metadata "customerQueue" */
int flow_type_parse(enum flow_type *tp, const char *s)
{
	static const char *const module_names[] = {
		"CONTACT_FLOW_MODULE", "FLOW_MODULE", "MODULE",
	};
	size_t i;

	if (!tp || !s)
		return EINVAL;

	if (type_name_eq(s, "INBOUND")) {
		*tp = FLOW_CONTACT_FLOW;
		return 0;
	}

	for (i = 0; i < ARRAY_SIZE(module_names); i++) {
		if (type_name_eq(s, module_names[i])) {
			*tp = FLOW_MODULE;
			return 0;
		}
	}

	for (i = 0; i < FLOW_TYPE_COUNT; i++) {
		if (type_name_eq(type_names[i], s)) {
			*tp = (enum flow_type)i;
			return 0;
		}
	}

	return EINVAL;
}
