/**
 * @file actions.h  Private: the table of action types and what each
 * action family implements. The interpreter (interp.c) dispatches here;
 * the loader (load.c, validate.c) checks placement and parameter shapes.
 */
#ifndef CALLFLOWD_FLOW_ACTIONS_H
#define CALLFLOWD_FLOW_ACTIONS_H

#include <callflowd/flow/flow.h>
#include <callflowd/flow/interp.h>
#include <callflowd/flow/value.h>

struct findings;
struct mbuf;
struct pl;

/**
 * Run one action. The handler must, before or after returning 0, call
 * exactly one completion: frun_done(), frun_done_error(),
 * frun_done_value(), frun_input(), frun_invoke_reply() (via an op), or
 * frun_end(). Returning an errno instead takes the NoMatchingError branch.
 */
typedef int (action_run_h)(struct frun *run, const struct flow_action *act);

/**
 * Check parameter shapes of one action at load time: add an error for a
 * parameter of the wrong shape, a warning for a questionable one.
 */
typedef void (action_check_h)(const struct flow_action *act,
			      struct findings *f);

/**
 * Result hooks. When a port completes an action that is still in progress
 * with frun_input() or frun_invoke_reply(), the interpreter calls the hook
 * of that action type, which must finish with one completion
 * (frun_done / frun_done_value / frun_done_error / frun_end).
 */
int act_input_result(struct frun *run, const struct flow_action *act,
		     enum fcollect_status st, const char *digits);
int act_lambda_result(struct frun *run, const struct flow_action *act,
		      int err, uint16_t status, const char *body, size_t len);
/**
 * TransferParticipantToThirdParty (transfer.c): its port finishes with
 * frun_done(run, 0) when the third party answered (ContinueFlowExecution
 * false) or hung up (true). frun_done(run, 0) calls this first for that
 * action: true = the run was ended here (FEND_TRANSFER_PHONE to the
 * number), nothing more to do; false = take NextAction as usual.
 */
bool act_transfer_answered(struct frun *run, const struct flow_action *act);
/** ShowView (view.c), after frun_view_result(). */
int act_view_result(struct frun *run, const struct flow_action *act,
		    const char *action, const char *result);
/** Customer profile actions (profile.c), after frun_profile_done(). */
int act_profile_result(struct frun *run, const struct flow_action *act,
		       enum fprofile_status st, const struct strmap *profile);
/** A Play prompt that SkipWhenDTMFBufferEnabled (keys.c). */
bool act_prompt_skippable(struct frun *run, const struct flow_action *act);

struct action_def {
	enum action_type type;
	const char *name;
	uint32_t allowed;	/* FLOW_TYPE_BIT mask of flow types */
	bool runs;		/* false: accepted, cannot act on it yet */
	bool terminal;		/* no transitions expected */
	/* Result given when a port completes this action with frun_done(run,
	 * 0): e.g. "MessagesInterrupted" for loop prompts. NULL: none. */
	const char *done_value;
	action_check_h *check;	/* may be NULL */
	action_run_h *run;
	/* why an action that does not run cannot (validate names it), or
	 * NULL for the plain "cannot run it yet" */
	const char *why;
};

const struct action_def *action_def_get(enum action_type t);
/** May the action stand in a flow of type t? (Anything may stand in a
 *  module; the invoking flow's type is checked at run time.) */
bool action_allowed(const struct action_def *def, enum flow_type t);

/**
 * Load-time graph checks (validate.c), run by the loader on a compiled
 * flow: unreachable actions, actions the engine cannot run yet.
 */
void flow_validate_graph(const struct flow *flow, struct findings *f);

/* -- services the interpreter offers to action handlers -- */

/** End the whole run now (terminal actions, queue, transfers). */
void frun_end(struct frun *run, enum fend_kind kind, const char *reason,
	      const char *target);
/** Continue in another flow from its start (TransferToFlow). */
void frun_goto_flow(struct frun *run, struct flow *flow);
/** Run a module (InvokeFlowModule) from its start; input (may be NULL)
 *  is its $.Modules.Input. ELOOP past five modules deep. */
int  frun_call_module(struct frun *run, struct flow *module,
		      struct strmap *input);
/** Back to the flow that invoked the module (EndFlowModuleExecution):
 *  branch (or NULL) is the invoking action's result, data its
 *  $.Modules.ResultData; outside a module the run ends (EndFlow). */
void frun_module_return(struct frun *run, const char *branch,
			struct strmap *data);
/** $.Modules of the current flow. */
struct strmap *frun_modules(const struct frun *run);
/** Per-action loop counter of the current flow (Loop). */
uint32_t *frun_loop_counter(struct frun *run, const struct flow_action *a);
/** Record what the step played/collected, for the step trace. */
void frun_note_say(struct frun *run, const char *text);
void frun_note_prompt(struct frun *run, const char *prompt_ref);
void frun_note_input(struct frun *run, const char *digits, bool stored);
/** One message of Loop prompts (text or prompt ref), in order. */
void frun_note_message(struct frun *run, const char *text);
/** What else the step did, for the trace (a static string). */
void frun_note(struct frun *run, const char *text);
/** Scratch buffer for handlers (reset at each action). */
struct mbuf *frun_scratch(struct frun *run);
/** Current time (env clock). */
uint64_t frun_now_ms(const struct frun *run);

/* -- parameter helpers (value of a parameter at run time) -- */

/** String value of params[key] (number/bool text too); empty if absent. */
int  aparam_str(struct frun *run, const struct flow_action *a,
		const char *key, struct pl *val);
/** Whole number from a string/number param, with default and range. */
int  aparam_uint(struct frun *run, const struct fparam *p, uint32_t def,
		 uint32_t max, uint32_t *valp);
/** Text of a string/number/boolean parameter as a new mem string: ""
 *  when absent or null, EINVAL for objects and lists. */
int  aparam_dup(struct frun *run, const struct fparam *p, char **strp);
/** Like aparam_dup, but *strp stays NULL when absent or not a scalar. */
int  aparam_dup_opt(struct frun *run, const struct fparam *p, char **strp);
/** Log a parameter a handler cannot use, naming flow, contact, action
 *  (printf format). */
void action_warn(struct frun *run, const struct flow_action *act,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/** Boolean from "True"/"False"/true/false, with default. */
bool aparam_bool(struct frun *run, const struct fparam *p, bool def);
/** E.164 as Connect requires it ("+" then digits; separators and a
 *  tel:/sip: scheme allowed): out holds "+<digits>"; EINVAL when the
 *  number is national or not a number (no country code is guessed). */
int  aparam_e164(char *out, size_t sz, const char *in);
/** A parameter tree as JSON, every string evaluated (references
 *  resolved); *jp NULL when p is NULL. */
int  aparam_json(struct frun *run, const struct fparam *p, json_t **jp);
/** Build the prompt of an action (Text, SSML, PromptId, Media). */
int  aparam_prompt(struct frun *run, const struct fparam *params,
		   struct fprompt *p, char **textp);

/*
 * The families: act_* live in actions/<family>.c, every chk_* lives in
 * check.c (parameter shapes are the loader's business).
 */

/* prompt_input.c */
action_run_h act_message_participant, act_get_participant_input,
	act_message_participant_iteratively;
action_check_h chk_message_participant, chk_get_participant_input,
	chk_message_participant_iteratively;
/* lex.c (its check too: it reads the same parameters) */
action_run_h act_lex_bot;
action_check_h chk_lex_bot;
/* contact.c */
action_run_h act_update_contact_attributes, act_update_flow_attributes,
	act_update_contact_event_hooks, act_update_recording,
	act_update_tts_voice, act_update_routing_behavior,
	act_update_callback_number, act_tag_contact, act_untag_contact,
	act_update_contact_data, act_update_media_streaming,
	act_create_task;
action_check_h chk_update_contact_attributes, chk_update_flow_attributes,
	chk_update_contact_event_hooks, chk_update_recording,
	chk_update_routing_behavior;
/* control.c */
action_run_h act_compare, act_check_hours, act_loop, act_wait,
	act_distribute, act_end_flow, act_update_flow_logging,
	act_invoke_flow_module, act_end_flow_module, act_transfer_to_flow,
	act_not_supported;
action_check_h chk_compare, chk_loop, chk_wait, chk_distribute,
	chk_invoke_flow_module;
/* view.c */
action_run_h act_show_view;
action_check_h chk_show_view;
/* criteria.c */
action_run_h act_update_routing_criteria;
action_check_h chk_update_routing_criteria;
/* profile.c */
action_run_h act_customer_profile;
action_check_h chk_customer_profile;
/* encrypt.c: Connect's encryption of stored input (the AWS Encryption
 * SDK message, base64) with the key the configuration names key_id and
 * the flow's certificate (cert_pem, may be NULL: the configured key
 * itself). A mem string in *b64p; an errno with the reason logged. */
int input_encrypt(char **b64p, struct frun *run,
		  const struct flow_action *act, const char *plain);
/* routing.c */
action_run_h act_update_target_queue, act_transfer_to_queue,
	act_dequeue_to_queue, act_transfer_to_agent, act_check_metric,
	act_get_metric, act_create_callback, act_update_participant_state;
action_check_h chk_check_metric, chk_update_target_queue,
	chk_create_callback, chk_update_participant_state;
/* transfer.c */
action_run_h act_disconnect, act_transfer_third_party,
	act_complete_outbound;
action_check_h chk_transfer_third_party;
/* lambda.c */
action_run_h act_invoke_lambda;
action_check_h chk_invoke_lambda;
/** The Connect event JSON for a Lambda call (mem string). */
int lambda_event_build(char **jsonp, struct frun *run,
		       const struct flow_action *a);
/** Reply body -> cdata->external; EBADMSG when not a JSON object. */
int lambda_reply_apply(struct frun *run, const char *body, size_t len,
		       bool json_mode);

#endif
