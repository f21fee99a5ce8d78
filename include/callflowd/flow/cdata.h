/**
 * @file cdata.h  Contact data: everything a flow can read or write on a
 * contact, and what its contact record is built from.
 *
 * Owns the attributes, endpoints, ids, event hooks and behaviour flags of
 * one contact segment. The daemon's contact and the simulator each hold
 * one; flow runs (interp.h) read and change it. No telephony here.
 */
#ifndef CALLFLOWD_CDATA_H
#define CALLFLOWD_CDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap;
struct rcriteria;

#define CDATA_MAX_ATTR_BYTES (32 * 1024)
#define CDATA_MAX_SEGMENTS   12
#define CDATA_DTMF_BUFFER    30	/* Connect's touchtone buffer */

enum initiation_method {
	INIT_INBOUND, INIT_OUTBOUND, INIT_TRANSFER, INIT_QUEUE_TRANSFER,
	INIT_CALLBACK, INIT_API, INIT_DISCONNECT
};
const char *initiation_method_name(enum initiation_method m);

enum cdata_hook {
	HOOK_CUSTOMER_QUEUE, HOOK_CUSTOMER_HOLD, HOOK_AGENT_HOLD,
	HOOK_CUSTOMER_WHISPER, HOOK_AGENT_WHISPER, HOOK_CUSTOMER_REMAINING,
	/* the agent workspace's flows (guides) and the task events: kept
	 * for the workspace; nothing on a voice call starts them here */
	HOOK_DEFAULT_AGENT_UI, HOOK_DISCONNECT_AGENT_UI, HOOK_PAUSE_CONTACT,
	HOOK_RESUME_CONTACT,
	HOOK_COUNT
};
const char *cdata_hook_name(enum cdata_hook h);
/** "CustomerQueue", ... ; EINVAL when unknown. */
int cdata_hook_parse(enum cdata_hook *hp, const char *name);

enum hold_state { HOLD_NONE, HOLD_AGENT, HOLD_CUSTOMER };

/** The touchtone (type-ahead) buffer: keys the caller pressed outside an
 *  input block while Set touchtone buffer behavior had enabled it. */
struct cdata_dtmf {
	bool on;
	uint8_t n;
	char keys[CDATA_DTMF_BUFFER + 1];
};

struct cdata {
	char contact_id[40];
	char initial_contact_id[40];
	char previous_contact_id[40];	/* "" when none */
	enum initiation_method method;
	uint32_t segment;		/* 1 for the first segment */
	char customer_addr[64];		/* E.164 or SIP URI user */
	char system_addr[64];		/* the dialled number */
	char *name;			/* $.Name (contact name), may be NULL */
	char *description;

	struct strmap *attrs;		/* $.Attributes, into the record */
	struct strmap *external;	/* $.External (flattened a.b keys) */
	struct strmap *sip_headers;	/* $.Media.Sip.Headers */
	struct strmap *metrics;		/* $.Metrics (flattened keys) */
	struct strmap *lex;		/* $.Lex */
	struct strmap *tags;
	char *stored_input;		/* $.StoredCustomerInput, never logged */

	/* Working queue ($.Queue): set by UpdateContactTargetQueue. */
	char *queue_name;
	char *queue_arn;
	char *queue_caller_id;
	char *agent_target;		/* AgentId when queue is an agent queue */
	/* Agent on the contact ($.Agent), filled by routing. */
	char *agent_username, *agent_first, *agent_last, *agent_arn;

	char *hooks[HOOK_COUNT];	/* flow refs as written (resolved) */
	/* EventHooksConfiguration DisableExecution: the hook's flow (and
	 * the default of its kind) is not run; whispers are skipped */
	bool hook_disabled[HOOK_COUNT];
	char *tts_voice;		/* "Joanna" */
	char *tts_engine;		/* "standard" | "neural" | NULL */
	char *tts_style;
	char *language;			/* "en-US" */
	bool flow_logging;		/* UpdateFlowLoggingBehavior */
	bool record_agent, record_customer, record_ivr;
	bool analytics;
	bool media_streaming;
	uint32_t queue_priority;	/* 5 unless changed; lower goes first */
	int32_t queue_time_adjust_s;
	char *callback_number;
	enum hold_state hold;
	uint32_t callback_requests;	/* CreateCallbackContact calls */

	struct cdata_dtmf dtmf;		/* touchtone buffer */
	/* Set routing criteria: the router honours them from the contact's
	 * next enqueue (or at once through the routing_criteria port) */
	struct rcriteria *routing_criteria;	/* mem ref, or NULL */
	struct strmap *customer;	/* $.Customer (profile fields) */
	struct strmap *views;		/* $.Views.Action, .ViewResultData.* */
	/* the view ShowView last put on the contact for the agent's
	 * workspace: {"ViewResource":{...},"ViewData":{...},...} as JSON
	 * text, references resolved; NULL when none */
	char *view;
};

/** New contact data with fresh ids (InitialContactId = ContactId). */
int  cdata_alloc(struct cdata **cdp, const char *contact_id);
/**
 * New segment linked to prev (PreviousContactId = prev's id, same
 * InitialContactId, attributes and hooks copied); EOVERFLOW past 12.
 */
int  cdata_next_segment(struct cdata **cdp, const struct cdata *prev,
			const char *contact_id, enum initiation_method m);
/** Replace a string field (NULL clears). */
int  cdata_set_str(char **field, const char *val);
/** Set an attribute, honouring the 32 KB limit (EOVERFLOW). */
int  cdata_attr_set(struct cdata *cd, const char *key, const char *val);

/** Touchtone buffer: keep key (0-9 * #) when on and not full; false
 *  when not kept. */
bool cdata_dtmf_push(struct cdata *cd, char key);
/** Take up to n keys from the front into out (NUL-terminated, out holds
 *  n + 1); returns how many. */
size_t cdata_dtmf_take(struct cdata *cd, char *out, size_t n);
/** Stop buffering and forget the keys (Stop and clear, transfers). */
void cdata_dtmf_clear(struct cdata *cd);

#endif
