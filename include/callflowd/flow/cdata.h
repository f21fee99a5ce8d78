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
#include <stdint.h>

struct strmap;

#define CDATA_MAX_ATTR_BYTES (32 * 1024)
#define CDATA_MAX_SEGMENTS   12

enum initiation_method {
	INIT_INBOUND, INIT_OUTBOUND, INIT_TRANSFER, INIT_QUEUE_TRANSFER,
	INIT_CALLBACK, INIT_API, INIT_DISCONNECT
};
const char *initiation_method_name(enum initiation_method m);

enum cdata_hook {
	HOOK_CUSTOMER_QUEUE, HOOK_CUSTOMER_HOLD, HOOK_AGENT_HOLD,
	HOOK_CUSTOMER_WHISPER, HOOK_AGENT_WHISPER, HOOK_CUSTOMER_REMAINING,
	HOOK_COUNT
};
const char *cdata_hook_name(enum cdata_hook h);
/** "CustomerQueue", ... ; EINVAL when unknown. */
int cdata_hook_parse(enum cdata_hook *hp, const char *name);

enum hold_state { HOLD_NONE, HOLD_AGENT, HOLD_CUSTOMER };

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

#endif
