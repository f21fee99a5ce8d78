/**
 * @file flow.h  Compiled flows: loading and validating Connect Flow
 * Language documents ("Version": "2019-10-30").
 *
 * Owns the immutable, compiled form of one flow version. Many contacts
 * share it by reference (mem_ref); a contact keeps the version it started
 * with however often the file changes. Nothing here knows about SIP.
 */
#ifndef CALLFLOWD_FLOW_H
#define CALLFLOWD_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
/* jansson and <re.h> clash on JSON_* names: declare json_t only */
typedef struct json_t json_t;
#include <callflowd/flow/value.h>

struct config;
struct flowset;

#define FLOW_MAX_ACTIONS   250
#define FLOW_MAX_ID_LEN    50
#define FLOW_MAX_COND_DEPTH 5

enum flow_type {
	FLOW_CONTACT_FLOW = 0,	/* inbound */
	FLOW_CUSTOMER_QUEUE,
	FLOW_CUSTOMER_HOLD,
	FLOW_CUSTOMER_WHISPER,
	FLOW_AGENT_HOLD,
	FLOW_AGENT_WHISPER,
	FLOW_OUTBOUND_WHISPER,
	FLOW_AGENT_TRANSFER,
	FLOW_QUEUE_TRANSFER,
	FLOW_CAMPAIGN,
	FLOW_MODULE,		/* a flow module: runs inside the flow that
				   invokes it (InvokeFlowModule) */
	FLOW_TYPE_COUNT
};

#define FLOW_TYPE_BIT(t) (1u << (t))
#define FLOW_TYPES_ALL   ((1u << FLOW_TYPE_COUNT) - 1)

const char *flow_type_name(enum flow_type t);
/**
 * "CONTACT_FLOW", "CUSTOMER_QUEUE", ... (also "INBOUND"), Connect's
 * Metadata spelling ("contactFlow", "customerQueue", "outboundWhisper",
 * ...) and the module types ("CONTACT_FLOW_MODULE", "contactFlowModule",
 * "MODULE"): case and '_' do not matter. EINVAL else.
 */
int flow_type_parse(enum flow_type *tp, const char *s);

/** Every action type the engine knows (reference section 5). */
enum action_type {
	ACT_UNKNOWN = 0,
	ACT_MESSAGE_PARTICIPANT,
	ACT_GET_PARTICIPANT_INPUT,
	ACT_MESSAGE_PARTICIPANT_ITERATIVELY,
	ACT_DISCONNECT_PARTICIPANT,
	ACT_TRANSFER_PARTICIPANT_TO_THIRD_PARTY,
	ACT_CONNECT_PARTICIPANT_WITH_LEX_BOT,
	ACT_UPDATE_CONTACT_ATTRIBUTES,
	ACT_UPDATE_FLOW_ATTRIBUTES,
	ACT_UPDATE_CONTACT_TARGET_QUEUE,
	ACT_TRANSFER_CONTACT_TO_QUEUE,
	ACT_DEQUEUE_CONTACT_AND_TRANSFER_TO_QUEUE,
	ACT_TRANSFER_CONTACT_TO_AGENT,
	ACT_UPDATE_CONTACT_EVENT_HOOKS,
	ACT_UPDATE_CONTACT_RECORDING_BEHAVIOR,
	ACT_UPDATE_CONTACT_RECORDING_AND_ANALYTICS_BEHAVIOR,
	ACT_UPDATE_CONTACT_TTS_VOICE,
	ACT_UPDATE_CONTACT_ROUTING_BEHAVIOR,
	ACT_UPDATE_CONTACT_CALLBACK_NUMBER,
	ACT_UPDATE_PREVIOUS_CONTACT_PARTICIPANT_STATE,
	ACT_COMPLETE_OUTBOUND_CALL,
	ACT_UPDATE_CONTACT_MEDIA_STREAMING_BEHAVIOR,
	ACT_TAG_CONTACT,
	ACT_UNTAG_CONTACT,
	ACT_UPDATE_CONTACT_DATA,
	ACT_CREATE_TASK,
	ACT_INVOKE_FLOW_MODULE,
	ACT_END_FLOW_MODULE_EXECUTION,
	ACT_COMPARE,
	ACT_CHECK_HOURS_OF_OPERATION,
	ACT_CHECK_METRIC_DATA,
	ACT_GET_METRIC_DATA,
	ACT_LOOP,
	ACT_WAIT,
	ACT_DISTRIBUTE_BY_PERCENTAGE,
	ACT_TRANSFER_TO_FLOW,
	ACT_END_FLOW_EXECUTION,
	ACT_UPDATE_FLOW_LOGGING_BEHAVIOR,
	ACT_INVOKE_LAMBDA_FUNCTION,
	ACT_CREATE_CALLBACK_CONTACT,
	/* documented by Connect; some run here, the rest take their error
	 * branch (see the action table) */
	ACT_SHOW_VIEW,
	ACT_UPDATE_ROUTING_CRITERIA,
	ACT_GET_CUSTOMER_PROFILE,
	ACT_CREATE_CUSTOMER_PROFILE,
	ACT_UPDATE_CUSTOMER_PROFILE,
	ACT_ASSOCIATE_CONTACT_TO_CUSTOMER_PROFILE,
	ACT_GET_CUSTOMER_PROFILE_OBJECT,
	ACT_GET_CALCULATED_ATTRIBUTES,
	ACT_CREATE_CASE,
	ACT_GET_CASE,
	ACT_UPDATE_CASE,
	ACT_START_VOICE_ID_STREAM,
	ACT_CHECK_VOICE_ID,
	ACT_RESUME_CONTACT,
	ACT_CHECK_OUTBOUND_CALL_STATUS,
	ACT_CREATE_PERSISTENT_CONTACT_ASSOCIATION,
	ACT_UPDATE_CONTACT_MEDIA_PROCESSING,
	ACT_EVALUATE_DATA_TABLE_VALUES,
	ACT_LIST_DATA_TABLE_VALUES,
	ACT_UPSERT_DATA_TABLE_VALUES,
	ACT_CREATE_WISDOM_SESSION,
	ACT_AUTHENTICATE_PARTICIPANT,
	ACT_LOAD_CONTACT_CONTENT,
	ACT_START_OUTBOUND_CHAT_CONTACT,
	ACT_TYPE_COUNT
};

const char *action_type_name(enum action_type t);
enum action_type action_type_parse(const char *name);

/** Index of an action inside its flow; FLOW_NONE = no target. */
#define FLOW_NONE UINT16_MAX

struct flow_error_tr {
	char *error_type;	/* "NoMatchingError", "QueueAtCapacity", ... */
	uint16_t next;
};

struct flow_cond_tr {
	struct fcond *cond;
	uint16_t next;
};

struct flow_action {
	char *id;		/* Identifier */
	enum action_type type;
	char *type_name;	/* as written (for unknown types) */
	struct fparam params;	/* FP_OBJ, possibly empty */
	uint16_t index;
	uint16_t next;		/* NextAction or FLOW_NONE */
	struct flow_error_tr *errv;
	size_t errc;
	struct flow_cond_tr *condv;
	size_t condc;
	bool terminal;		/* "Transitions": {} */
};

struct flow {
	char *name;		/* wrapper Name, else file name sans .json */
	char *id;		/* wrapper Id / Arn's last element, or NULL */
	char *arn;		/* wrapper Arn, or NULL */
	char *description;
	char *path;		/* file it came from, or NULL */
	enum flow_type type;
	uint64_t version;	/* 1, 2, ... per name, set by the flowset */
	uint64_t loaded_ms;	/* when compiled (epoch ms) */
	uint32_t digest;	/* CRC32 of the content, to skip no-op reloads */
	uint16_t start;		/* index of StartAction */
	struct flow_action *actv;
	size_t actc;
	struct findings *findings; /* load-time findings (mem ref) */
};

enum finding_sev { FINDING_WARNING, FINDING_ERROR };

/** One validation finding: "PATH: error: <id or ->: message". */
struct finding {
	enum finding_sev sev;
	char *action_id;	/* NULL = the whole flow ("-") */
	char *msg;
};

/** A list of findings (mem object). */
struct findings {
	struct finding *v;
	size_t n;
	size_t nerrors;
	size_t nwarnings;
};

int  findings_alloc(struct findings **fp);
int  findings_add(struct findings *f, enum finding_sev sev,
		  const char *action_id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/** Print "PATH: error|warning: <id or ->: msg" lines to fp. */
void findings_print(const struct findings *f, const char *path, FILE *fp);

struct flow_load_opts {
	const char *name;	/* overrides the name (e.g. from the file) */
	const char *path;	/* for messages and flow->path */
	bool has_type;		/* type below overrides Metadata/default */
	enum flow_type type;	/* wrapper Type still wins over this */
};

/**
 * Parse and compile a flow from text. On success *flowp holds the compiled
 * flow (even with warnings). Structural errors (bad JSON, unknown version,
 * missing StartAction, dangling targets, ...) are added to findings and
 * return EBADMSG with *flowp NULL. Errors that leave a runnable graph
 * (a parameter of the wrong shape, an action out of place) still set
 * *flowp and return EBADMSG, so tools can report and simulate; the daemon
 * serves no flow whose findings hold an error.
 */
int flow_load_buf(struct flow **flowp, struct findings *findings,
		  const char *text, size_t len,
		  const struct flow_load_opts *opts);
/** Same from a file; name defaults to the file name without ".json". */
int flow_load_file(struct flow **flowp, struct findings *findings,
		   const char *path, const struct flow_load_opts *opts);

/**
 * Checks that need the configuration and the other flows: references to
 * queues, flows, prompts, hours and functions that do not resolve
 * (warnings; errors when strict). cfg and fs may be NULL.
 */
void flow_check_refs(const struct flow *flow, const struct config *cfg,
		     const struct flowset *fs, bool strict,
		     struct findings *findings);

/** Action by Identifier, or NULL. */
const struct flow_action *flow_action_find(const struct flow *flow,
					   const char *id);
/** The Errors entry for error_type, else NoMatchingError; NULL if none. */
const struct flow_error_tr *flow_action_error(const struct flow_action *a,
					      const char *error_type);

#endif
