/**
 * @file fake_ops.h  A recording fake of struct flow_ops, and a helper
 * that loads a flow from JSON and runs it on fresh contact data.
 *
 * Every op appends one line to f->log (formats below) and answers as the
 * script fields say. By default the media ops complete at once: play with
 * frun_done(run, play_err); collect feeds f->keys to a real collector
 * ('T' = the running timer expires; when keys run out the timers expire)
 * and calls frun_input(); play_loop calls frun_done(run, 0) when it has
 * an interrupt; wait calls frun_done_value(run, wait_value or
 * "WaitCompleted"); transfer_phone calls frun_done_error(transfer_error)
 * or frun_done(run, 0); invoke calls frun_invoke_reply(). With f->defer
 * the media ops, transfer_phone and invoke only record: the test then
 * completes them itself. A NULL in f->ops (set it yourself) is a missing
 * port.
 *
 * Log lines (one per call, '\n'-terminated; "-" for an absent value):
 *   play <KIND> <text>                KIND: TEXT SSML PROMPT MEDIA NONE;
 *                                     PROMPT adds " <path>" (config's file)
 *   collect <KIND> <text>
 *   play_loop <count> <interrupt_ms>  then: loop <KIND> <text> per prompt
 *   wait <ms> <event,event|->
 *   stop
 *   disconnect
 *   enqueue <queue name|-> <agent|->
 *   transfer_agent
 *   hold <AGENT|CUSTOMER|OFF>
 *   callback <queue|-> <agent|-> <number|-> <delay> <attempts> <retry>
 *   metrics <queue|-> <agent|->
 *   transfer_phone <number> <timeout_s> <continue 0|1> <dtmf|-> <cid|->
 *                  <name|->           (one line)
 *   complete_outbound <caller_id|->
 *   invoke <url> <timeout_ms>
 *   show_view <id> <timeout_ms>         then: view <json>
 *   routing_criteria <steps|->          (the number of steps)
 *   profile_get <all|any> <k=v,...>
 *   profile_create <k=v,...>
 *   profile_update <id> <k=v,...>
 *   profile_associate <profile id> <contact id>
 *
 * show_view answers frun_view_result(view_action, view_result), or
 * TimeLimitExceeded when view_timeout, or returns view_err (ENODEV: no
 * workspace). Profile ops answer frun_profile_done(profile_status,
 * profile) (profile: a strmap the test owns, may be NULL).
 */
#ifndef CFD_TEST_FAKE_OPS_H
#define CFD_TEST_FAKE_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <callflowd/flow/interp.h>

struct config;
struct strmap;
struct flowset;

struct fake_ops {
	struct flow_ops ops;	/* env.ops = &f->ops, env.ops_arg = f */
	char log[8192];
	size_t loglen;
	uint32_t calls;

	/* script */
	bool defer;			/* media/dial/invoke ops: record only */
	int play_err;			/* play: frun_done(run, play_err) */
	const char *keys;		/* collect: keys, 'T' = timer expiry */
	const char *wait_value;		/* wait: NULL = "WaitCompleted" */
	const char *transfer_error;	/* transfer_phone: error type */
	int ret_err;			/* returned by every op (errno) */
	int enqueue_err, transfer_agent_err, hold_err, callback_err;
	int metrics_err, disconnect_err, complete_err;
	struct fmetrics metrics;	/* metrics: copied out */
	int invoke_err;
	uint16_t invoke_status;		/* default 200 */
	const char *invoke_reply;	/* body, NULL = "{}" */
	const char *view_action;	/* NULL = "Next" */
	const char *view_result;	/* JSON text or NULL */
	bool view_timeout;
	int view_err, criteria_err;
	enum fprofile_status profile_status;
	struct strmap *profile;		/* the reply's profile, or NULL */
	uint32_t criteria_steps;	/* of the last routing_criteria */

	/* env.cfg of the runs fake_run_load() makes (prompts, ...) */
	const struct config *cfg;
	/* env.flows (modules, TransferToFlow), or NULL */
	struct flowset *flows;

	/* the last requests, copied */
	struct fcollect collect_spec;
	uint32_t collect_waited_ms;	/* sum of timers that expired */
	char tr_number[32], tr_dtmf[64], tr_cid[32], tr_cid_name[64];
	uint32_t tr_timeout_s;
	bool tr_continue;
	char invoke_url[256];
	char invoke_body[8192];
	uint32_t invoke_timeout_ms;
};

void fake_ops_init(struct fake_ops *f);
/** True when text holds line as a whole line. */
bool fake_has_line(const char *text, const char *line);

/** One flow run on fresh contact data (tests/unit only). */
struct fake_run {
	struct flow *flow;
	struct cdata *cd;
	struct frun *run;
	struct fenv env;
	int load_err;			/* flow_load_buf() result */
	int start_err;			/* frun_start() result */
	bool ended;
	enum fend_kind end_kind;
	char end_reason[128];
	char end_target[128];
	/*
	 * Per step: "<id> <branch>\n", then what it noted, each only when
	 * present: "  result: <v>", "  say: <text>", "  prompt: <ref>",
	 * "  input: <digits|-> [(stored)]", "  error: <type>". The last
	 * step's details are also copied below.
	 */
	char trace[8192];
	size_t tracelen;
	uint32_t steps;
	char last_result[128], last_say[256], last_prompt[256];
	char last_input[80], last_error[64];
	bool last_input_stored;
};

/**
 * Load json as a flow (CONTACT_FLOW unless it says otherwise), make
 * contact data "c-1" (fr->cd, to set up before going) and a run with f as
 * the ports.
 */
int  fake_run_load(struct fake_run *fr, struct fake_ops *f,
		   const char *json);
/** Run from StartAction; the run may then wait on a deferred op. */
int  fake_run_go(struct fake_run *fr);
/** fake_run_load() then fake_run_go(). */
int  fake_run_start(struct fake_run *fr, struct fake_ops *f,
		    const char *json);
/** Free everything (safe after a failed start). */
void fake_run_close(struct fake_run *fr);

/**
 * InputEncryption test material (tests/data/encryption): a configuration
 * whose encryption_keys hold key_id = public.pem, and a PEM file of that
 * folder as the text of a JSON string (newlines escaped), to put in a
 * flow's InputEncryption.Key. Both freed with mem_deref.
 */
int   fake_enc_config(struct config **cfgp, const char *key_id);
char *fake_pem_json(const char *file);

#endif
