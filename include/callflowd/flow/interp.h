/**
 * @file interp.h  The flow interpreter: runs a compiled flow on a contact.
 *
 * Owns one flow run: the current flow version and action, flow attributes,
 * per-action loop counters and the step budget. Everything telephony
 * (play, collect, queue, transfer, hang up, HTTP) goes through struct
 * flow_ops, which the daemon's contact and the simulator each implement.
 * An op either completes at once (calls a frun_done_* before returning)
 * or later from the event loop; the interpreter handles both without
 * recursion. Runs on the loop thread only.
 */
#ifndef CALLFLOWD_INTERP_H
#define CALLFLOWD_INTERP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <callflowd/flow/flow.h>

struct cdata;
struct config;
struct flowset;
struct frun;
struct rng;
struct strmap;
struct cfg_queue;
struct mbuf;
struct pl;
struct rcriteria;

/** A prompt to play, after interpolation. */
enum fprompt_kind {
	FPROMPT_NONE, FPROMPT_TEXT, FPROMPT_SSML, FPROMPT_PROMPT, FPROMPT_MEDIA
};

struct fprompt {
	enum fprompt_kind kind;
	const char *text;	/* text / SSML / prompt ref / media URI */
	const char *path;	/* FPROMPT_PROMPT: audio file from config */
	const char *voice;	/* cdata's voice ("Joanna") */
	const char *language;	/* "en-US" */
};

/** How digits are collected (GetParticipantInput). */
struct fcollect {
	bool store;		/* StoreInput: many digits, no result */
	uint32_t timeout_ms;	/* until the first digit (default 5 s) */
	uint32_t interdigit_ms;	/* between digits when storing (5 s) */
	char terminator[6];	/* InputTerminationSequence ("#" default) */
	bool disable_cancel;	/* '*' no longer cancels */
	uint32_t max_digits;	/* 1 when !store; else limit (20 default) */
	/* keys already typed ahead (the touchtone buffer held fewer than
	 * the entry needs): collector_init() feeds them first, so the
	 * inter-digit timer runs. NULL or "" when none; valid during the
	 * op call only */
	const char *prefill;
};

enum fcollect_status {
	FCOLLECT_OK,		/* digits collected */
	FCOLLECT_TIMEOUT,	/* nothing pressed within the time limit */
};

/** TransferParticipantToThirdParty, after interpolation. */
struct ftransfer {
	const char *number;		/* E.164 */
	uint32_t timeout_s;		/* ThirdPartyConnectionTimeLimitSeconds */
	bool continue_flow;		/* ContinueFlowExecution */
	const char *dtmf;		/* ThirdPartyDTMFDigits or NULL */
	const char *caller_id_number;
	const char *caller_id_name;
};

/** CreateCallbackContact. */
struct fcallback {
	const struct cfg_queue *queue;	/* NULL: the working queue */
	const char *agent;		/* AgentId target, or NULL */
	const char *number;		/* cdata's callback number */
	uint32_t initial_delay_s;
	uint32_t max_attempts;
	uint32_t retry_delay_s;
};

/** Live queue values for CheckMetricData / GetMetricData. */
struct fmetrics {
	uint32_t contacts_in_queue;
	uint64_t oldest_contact_age_ms;
	uint32_t contacts_scheduled;
	uint32_t agents_online, agents_available, agents_staffed;
	uint32_t agents_acw, agents_busy, agents_missed;
	uint32_t agents_non_productive, agents_error;
	/* estimated wait of a contact joining the queue now
	 * ($.Metrics.Queue.EstimatedWaitTime), when the port has one (false
	 * after a memset: unknown, the reference reads empty) */
	bool queue_ewt_known;
	uint64_t queue_ewt_ms;
	/* this contact, when it waits in that queue: its position (1 =
	 * next; 0 = not waiting there) and estimated wait
	 * ($.Metrics.Contact.PositionInQueue / .EstimatedWaitTime) */
	uint32_t contact_position;
	bool contact_ewt_known;
	uint64_t contact_ewt_ms;
};

/** ShowView, after evaluation (strings valid during the op call). */
struct fview {
	const char *id;		/* ViewResource.Id ("detail", an ARN) */
	const char *version;	/* ViewResource.Version, or NULL */
	const char *json;	/* the whole view for the workspace: {"View
				   Resource":..,"ViewData":..,...} */
	uint32_t timeout_ms;	/* InvocationTimeLimitSeconds */
	bool sensitive;		/* SensitiveDataConfiguration given */
};

/** How a customer profile op ended (frun_profile_done()). */
enum fprofile_status {
	FPROFILE_OK,		/* one profile: found, created, updated */
	FPROFILE_NONE,		/* GetCustomerProfile: NoneFoundError */
	FPROFILE_MULTIPLE,	/* GetCustomerProfile: MultipleFoundError */
	FPROFILE_ERROR,		/* anything else: NoMatchingError */
};

enum fparticipant_state { FPS_AGENT_ON_HOLD, FPS_CUSTOMER_ON_HOLD,
			  FPS_OFF_HOLD };

/** ConnectParticipantWithLexBot, after interpolation (see lex.c). */
struct flex {
	const char *bot;		/* LexV2Bot.AliasArn, or the V1
					   LexBot "Name" */
	const char *locale;		/* the contact's, "en_US" */
	struct fprompt prompt;		/* said before listening */
	const struct strmap *session;	/* LexSessionAttributes */
};

enum flex_status {
	FLEX_DONE,		/* an intent (FallbackIntent: no match) */
	FLEX_NO_INPUT,		/* nothing said or keyed in time */
	FLEX_FAILED,		/* a required slot never understood */
	FLEX_ERROR,		/* unknown bot, recogniser busy, ... */
};

/** What the bot conversation gave (completes the Lex action). */
struct flex_result {
	enum flex_status status;
	const char *intent;		/* FLEX_DONE, FLEX_FAILED */
	double confidence;		/* 0..1 */
	const char *transcript;		/* what was said (or keyed) */
	const struct strmap *slots;	/* name -> value; may be NULL */
	const struct strmap *session;	/* after the conversation */
	const char *alt_intent;		/* runner-up, or NULL */
	double alt_confidence;
	const char *error;		/* FLEX_ERROR: why, for the log */
	const char *said;		/* every prompt played, for traces
					   (NULL: the action's own) */
};

/**
 * The ports a flow run acts through. Every op gets the run and ops_arg.
 * Media ops are asynchronous: they finish with frun_done(), frun_input()
 * or frun_done_error() (now or later). Missing ops (NULL) make the action
 * take its error branch, so a partial port still runs flows safely.
 */
struct flow_ops {
	/* Play one prompt to completion: frun_done(run, err). */
	int (*play)(struct frun *run, const struct fprompt *p, void *arg);
	/* Play (optional) prompt and collect digits: frun_input(). */
	int (*collect)(struct frun *run, const struct fprompt *p,
		       const struct fcollect *spec, void *arg);
	/* Loop prompts round and round. With interrupt_ms > 0 finish with
	 * frun_done(run, 0) after that time; else play until stopped. */
	int (*play_loop)(struct frun *run, const struct fprompt *pv,
			 size_t pc, uint32_t interrupt_ms, void *arg);
	/* Wait: frun_done_value(run, "WaitCompleted" or the event). */
	int (*wait)(struct frun *run, uint32_t ms, const char **events,
		    size_t eventc, void *arg);
	/* Stop whatever media op is in progress, no completion call. */
	void (*stop)(struct frun *run, void *arg);

	/* Synchronous call control (0 or an errno). */
	int (*disconnect)(struct frun *run, void *arg);
	/* Put the contact in a queue (or agent queue when agent != NULL):
	 * 0, EOVERFLOW when at capacity, ENOENT when unknown. */
	int (*enqueue)(struct frun *run, const struct cfg_queue *q,
		       const char *agent, void *arg);
	int (*transfer_agent)(struct frun *run, void *arg);
	int (*hold)(struct frun *run, enum fparticipant_state st, void *arg);
	int (*callback)(struct frun *run, const struct fcallback *cb,
			void *arg);
	int (*metrics)(struct frun *run, const struct cfg_queue *q,
		       const char *agent, struct fmetrics *m, void *arg);
	/* Dial out: frun_done(run, 0) when the third party hung up (and
	 * ContinueFlowExecution), frun_done_error(run, "CallFailed"|...). */
	int (*transfer_phone)(struct frun *run, const struct ftransfer *t,
			      void *arg);
	/* Outbound whisper: CompleteOutboundCall. */
	int (*complete_outbound)(struct frun *run, const char *caller_id,
				 void *arg);
	/* POST body (JSON) to url (NULL: the function is not configured);
	 * finish with frun_invoke_reply(). */
	int (*invoke)(struct frun *run, const char *url, const char *body,
		      size_t len, uint32_t timeout_ms, void *arg);
	/* Converse with a bot: play the prompt, listen (speech or DTMF),
	 * elicit missing slots; finish with frun_lex_done(). */
	int (*lex)(struct frun *run, const struct flex *req, void *arg);

	/*
	 * ShowView: the view (also on cdata->view) goes to the workspace of
	 * the contact's agent, who acts on it within v->timeout_ms; finish
	 * with frun_view_result(run, action, result_json), or
	 * frun_done_error(run, "TimeLimitExceeded") when the time runs out.
	 * Return ENODEV when no workspace is attached (error branch).
	 */
	int (*show_view)(struct frun *run, const struct fview *v, void *arg);
	/*
	 * Set routing criteria, synchronous: from now on the contact's queue
	 * entry (if it waits in a queue) follows c, steps timed from now;
	 * NULL clears them. The engine also keeps c on cdata->
	 * routing_criteria for the next enqueue. A port that keeps c takes
	 * a reference (mem_ref). 0, or an errno: the error branch.
	 */
	int (*routing_criteria)(struct frun *run, struct rcriteria *c,
				void *arg);
	/*
	 * Customer profiles. Each op may complete at once or later from the
	 * loop with frun_profile_done(run, status, profile), where profile
	 * is every field of the one profile concerned as a flat map
	 * ("ProfileId", "ProfileARN", "FirstName", "Attributes.tier", ...),
	 * valid during that call only. Maps and strings given to the op are
	 * valid during the op call only.
	 *  get: profiles matching ids (field -> value: "PhoneNumber",
	 *       "AccountNumber", "EmailAddress", "_profileId", any field or
	 *       "Attributes.x"), all of them (match_all) or any;
	 *       FPROFILE_NONE / FPROFILE_MULTIPLE when not exactly one.
	 *  create: a new profile with fields; its ProfileId is new.
	 *  update: set fields on profile_id (FPROFILE_ERROR if unknown).
	 *  associate: link contact_id to profile_id (profile may be NULL).
	 */
	int (*profile_get)(struct frun *run, const struct strmap *ids,
			   bool match_all, void *arg);
	int (*profile_create)(struct frun *run, const struct strmap *fields,
			      void *arg);
	int (*profile_update)(struct frun *run, const char *profile_id,
			      const struct strmap *fields, void *arg);
	int (*profile_associate)(struct frun *run, const char *profile_id,
				 const char *contact_id, void *arg);
};

/** Everything a run needs from its surroundings. */
struct fenv {
	const struct config *cfg;	/* may be NULL */
	struct flowset *flows;		/* for TransferToFlow; may be NULL */
	const struct flow_ops *ops;
	void *ops_arg;
	uint64_t (*now_ms)(void *arg);	/* wall clock (UTC ms) */
	void *now_arg;
	struct rng *rng;		/* DistributeByPercentage */
	uint32_t step_limit;		/* 0: config's, else 1000 */
};

enum fend_kind {
	FEND_DISCONNECT,	/* DisconnectParticipant */
	FEND_END_FLOW,		/* EndFlowExecution / no NextAction */
	FEND_QUEUE,		/* queued; the customer queue flow follows */
	FEND_TRANSFER_AGENT,	/* TransferContactToAgent */
	FEND_TRANSFER_PHONE,	/* third-party transfer, flow not resumed */
	FEND_TRANSFER_FLOW,	/* TransferToFlow with no flowset to follow */
	FEND_ERROR,		/* missing error branch, step limit, ... */
	FEND_CANCELLED,		/* frun_cancel(): caller gone, agent took it */
};
const char *fend_kind_name(enum fend_kind k);

struct fend {
	enum fend_kind kind;
	const char *reason;	/* for FEND_ERROR and logs */
	const char *target;	/* queue / flow / number, when relevant */
};

/** What happened in one executed action (simulator, flow logs). */
struct fstep {
	uint32_t n;			/* 1, 2, ... over the whole run */
	const struct flow *flow;
	const struct flow_action *act;
	const char *branch;		/* "NextAction", condition operand
					   text, or the ErrorType taken */
	const struct flow_action *next;	/* NULL: the run ends */
	const char *result;		/* the result value, if any */
	const char *say;		/* prompt text after interpolation */
	const char *prompt;		/* prompt id/ARN when PromptId */
	const char *input;		/* digits (NULL when stored: secret) */
	bool input_stored;
	const char *error;		/* error type taken, if any */
	/* the condition that chose the branch: its operator and the
	 * operand that held (evaluated), compared with result */
	const char *matched_op;
	const char *matched_operand;
	/* Loop prompts: every message (say text or prompt ref), in order */
	const char *const *messages;
	size_t messagec;
	/* what else happened ("skipped: keys in the touchtone buffer", ...) */
	const char *note;
};

typedef void (frun_end_h)(struct frun *run, const struct fend *end,
			  void *arg);
typedef void (frun_step_h)(struct frun *run, const struct fstep *st,
			   void *arg);

/**
 * New run of flow (referenced) on cd (referenced). endh is called once
 * when the run ends, from the loop (never from inside frun_start()'s
 * caller stack after the run was freed by it).
 */
int  frun_alloc(struct frun **runp, struct flow *flow, struct cdata *cd,
		const struct fenv *env, frun_end_h *endh, void *arg);
void frun_set_step_handler(struct frun *run, frun_step_h *steph, void *arg);
/** Start at StartAction (or at action id when not NULL). */
int  frun_start(struct frun *run, const char *action_id);
/** Stop now (caller hung up, agent answered): the port's op is stopped
 *  and the run ends as FEND_CANCELLED without calling the end handler
 *  (the owner asked for it). */
void frun_cancel(struct frun *run);
bool frun_ended(const struct frun *run);

/* Completions from ops (see struct flow_ops). */
void frun_done(struct frun *run, int err);
void frun_done_error(struct frun *run, const char *error_type);
void frun_done_value(struct frun *run, const char *value);
void frun_input(struct frun *run, enum fcollect_status st,
		const char *digits);
void frun_invoke_reply(struct frun *run, int err, uint16_t status,
		       const char *body, size_t len);
/** The Lex action's completion: fills $.Lex, takes its branch. */
void frun_lex_done(struct frun *run, const struct flex_result *res);
/** ShowView: the agent's action ("Next", "Back", "ActionSelected", ...)
 *  becomes the result and $.Views.Action; result (a JSON object as text,
 *  or NULL) becomes $.Views.ViewResultData.*. */
void frun_view_result(struct frun *run, const char *action,
		      const char *result);
/** A customer profile op finished (see struct flow_ops). */
void frun_profile_done(struct frun *run, enum fprofile_status st,
		       const struct strmap *profile);

/**
 * Every key the caller presses, whatever the run is doing, from the
 * port's owner (RFC 4733, SIP INFO, in-band). True when the engine took
 * it: the touchtone buffer is on and kept it (a Play prompt marked
 * SkipWhenDTMFBufferEnabled is interrupted by it). False otherwise: the
 * port does with it what it did before (a collect in progress takes
 * it; else it is dropped or passed to a bridged party).
 */
bool frun_key(struct frun *run, char key);

/* Accessors */
const struct flow *frun_flow(const struct frun *run);
const struct flow_action *frun_action(const struct frun *run);
struct cdata *frun_cdata(const struct frun *run);
struct strmap *frun_flow_attrs(const struct frun *run);
const struct fenv *frun_env(const struct frun *run);
uint32_t frun_steps(const struct frun *run);
/** Modules the run is inside (0: the flow it started in). */
unsigned frun_depth(const struct frun *run);

/**
 * Resolve a reference to its current text (empty when unset). The
 * pointer stays valid until the referenced value changes.
 */
void frun_ref(struct frun *run, const struct fref *ref, struct pl *val);
/**
 * Evaluate a template: static text and single references without
 * copying; interpolated text is built in scratch (reset by the caller).
 */
int  frun_eval(struct frun *run, const struct ftmpl *t, struct mbuf *scratch,
	       struct pl *val);
/** Evaluate into a new mem string (caller derefs). */
int  frun_eval_str(struct frun *run, const struct ftmpl *t, char **strp);

#endif
