/**
 * @file value.h  Compiled parameter values: references, templates,
 * parameter trees and conditions.
 *
 * Owns the pre-parsed form of every string in a flow, so that running an
 * action never parses "$.Attributes.['account type']" again. Resolution
 * needs a flow run (contact data, flow attributes), see interp.h.
 */
#ifndef CALLFLOWD_VALUE_H
#define CALLFLOWD_VALUE_H

#include <stdbool.h>
#include <stddef.h>
/* jansson and <re.h> clash on JSON_* names: declare json_t only */
typedef struct json_t json_t;

/* Reference roots ($.<root>...) */
enum fref_root {
	FREF_CONTACT_ID,		/* $.ContactId */
	FREF_INITIAL_CONTACT_ID,	/* $.InitialContactId */
	FREF_PREVIOUS_CONTACT_ID,	/* $.PreviousContactId */
	FREF_CHANNEL,			/* $.Channel */
	FREF_INITIATION_METHOD,		/* $.InitiationMethod */
	FREF_INSTANCE_ARN,		/* $.InstanceARN */
	FREF_LANGUAGE_CODE,		/* $.LanguageCode */
	FREF_TTS_VOICE,			/* $.TextToSpeechVoiceId */
	FREF_NAME,			/* $.Name */
	FREF_DESCRIPTION,		/* $.Description */
	FREF_CUSTOMER_ENDPOINT,		/* $.CustomerEndpoint.<Address|Type> */
	FREF_SYSTEM_ENDPOINT,		/* $.SystemEndpoint.<Address|Type> */
	FREF_ATTRIBUTES,		/* $.Attributes.<key> */
	FREF_FLOW_ATTRIBUTES,		/* $.FlowAttributes.<key> */
	FREF_EXTERNAL,			/* $.External.<key[.sub]> */
	FREF_STORED_INPUT,		/* $.StoredCustomerInput */
	FREF_QUEUE,			/* $.Queue.<Name|ARN|OutboundCallerId.Address> */
	FREF_AGENT,			/* $.Agent.<UserName|FirstName|LastName|ARN> */
	FREF_METRICS,			/* $.Metrics.<path> */
	FREF_SIP_HEADERS,		/* $.Media.Sip.Headers.<name> */
	FREF_LEX,			/* $.Lex.<path> */
	FREF_CALLBACK_NUMBER,		/* $.CustomerCallbackNumber */
	FREF_QUEUE_PRIORITY,		/* $.QueuePriority (not in Connect docs) */
	FREF_CUSTOMER,			/* $.Customer.<profile field> */
	FREF_VIEWS,			/* $.Views.<Action|ViewResultData.x> */
	FREF_MODULES,			/* $.Modules.<Input.x|Result|ResultData.x> */
};

/** A parsed reference: root plus the key after it (NULL if none). */
struct fref {
	enum fref_root root;
	char *key;		/* "Tier", "account type", "Address", "a.b" */
	size_t klen;
};

/** Parse "$.X.y" (whole string). Returns EINVAL if not a known ref. */
int fref_parse(struct fref *ref, const char *s, size_t len);
void fref_reset(struct fref *ref);
/** Print the canonical text of a reference ("$.Attributes.['a b']"). */
int fref_print(char *buf, size_t sz, const struct fref *ref);

struct ftmpl_seg {
	bool is_ref;
	const char *text;	/* literal text (points into ftmpl->raw) */
	size_t len;
	struct fref ref;
};

/**
 * A string parameter value: static text, one reference that is the whole
 * value, or text with references inside ($.X.y stops at the first
 * character that cannot be part of a name; bracket names allowed).
 */
struct ftmpl {
	char *raw;		/* the original string */
	size_t rawlen;
	bool is_static;		/* no references at all */
	bool is_single_ref;	/* the whole value is one reference */
	struct ftmpl_seg *segv;
	size_t segc;
};

/** Compile raw (copied). Unknown "$.Foo" roots stay literal text. */
int  ftmpl_compile(struct ftmpl *t, const char *raw, size_t len);
void ftmpl_reset(struct ftmpl *t);
/** True when the value contains a "{{placeholder}}". */
bool ftmpl_has_placeholder(const struct ftmpl *t);

enum fparam_kind {
	FP_NULL, FP_STR, FP_NUM, FP_BOOL, FP_OBJ, FP_ARR
};

/** A parameter tree node; strings compiled to templates. */
struct fparam {
	enum fparam_kind kind;
	char *key;		/* member name when inside an object */
	struct ftmpl str;	/* FP_STR; FP_NUM/FP_BOOL keep their text too */
	double num;
	bool b;
	struct fparam *v;	/* children of FP_OBJ/FP_ARR */
	size_t n;
};

int  fparam_compile(struct fparam *p, const json_t *j);
void fparam_reset(struct fparam *p);
/** Child of an object by key, or NULL (also NULL for non-objects). */
const struct fparam *fparam_get(const struct fparam *obj, const char *key);
/** Like fparam_get, trying each alternative spelling in order. */
const struct fparam *fparam_get2(const struct fparam *obj, const char *k1,
				 const char *k2);

enum fcond_op {
	FOP_EQUALS, FOP_STARTS_WITH, FOP_ENDS_WITH, FOP_CONTAINS,
	FOP_GT, FOP_GE, FOP_LT, FOP_LE,
};

/**
 * A condition. Operands are strings (compared with the action's result)
 * or nested conditions (depth <= 5). The condition holds when any operand
 * holds: a string operand by the operator, a nested one recursively.
 */
struct fcond {
	enum fcond_op op;
	struct fcond_operand {
		bool is_cond;
		struct ftmpl str;
		struct fcond *cond;
	} *opv;
	size_t opc;
};

/** Operator by name ("Equals", "NumberGreaterThan", ...). */
int  fcond_op_parse(enum fcond_op *opp, const char *name);
const char *fcond_op_name(enum fcond_op op);
/** Compile {"Operator":..,"Operands":[..]}; depth is the current depth. */
int  fcond_compile(struct fcond **condp, const json_t *j, int depth,
		   char *errbuf, size_t errsz);
/** Evaluate a single string operand against value: pure function. */
bool fcond_test(enum fcond_op op, const char *value, size_t vlen,
		const char *operand, size_t olen);
/** Nesting depth of a compiled condition (1 for flat). */
int  fcond_depth(const struct fcond *c);

#endif
