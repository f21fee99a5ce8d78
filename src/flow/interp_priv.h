/**
 * @file interp_priv.h  Private: the state of one flow run, shared by the
 * interpreter's files (interp.c: dispatch and transitions; module.c: the
 * call stack of flow modules; keys.c: the touchtone buffer).
 */
#ifndef CALLFLOWD_FLOW_INTERP_PRIV_H
#define CALLFLOWD_FLOW_INTERP_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <callflowd/flow/interp.h>

#define FRUN_MODULE_DEPTH 5	/* Connect: modules nest five deep */
#define FRUN_NOTE_MSGS    32	/* Loop prompts messages shown */

enum run_state { RS_IDLE, RS_RUNNING, RS_WAITING, RS_ENDED };

enum out_kind { OUT_NONE, OUT_NEXT, OUT_VALUE, OUT_ERROR, OUT_END,
		OUT_GOTO, OUT_CALL, OUT_RETURN };

/* A flow waiting for the module it invoked to return. */
struct mframe {
	struct flow *flow;		/* referenced */
	uint16_t cur;			/* its InvokeFlowModule action */
	uint32_t *loops;
	struct strmap *fattrs;
	struct strmap *modules;		/* its $.Modules */
	/* its local data, which the module may not override (Connect) */
	struct strmap *external, *lex, *customer;
};

struct frun {
	struct flow *flow;
	struct cdata *cd;
	struct fenv env;
	struct strmap *fattrs;
	uint32_t *loops;		/* per-action Loop counters */
	uint16_t cur;
	enum run_state state;
	bool in_dispatch;
	bool end_pending;		/* end handler still to be called */

	/* the outcome of the action in progress */
	enum out_kind out;
	char *value;			/* OUT_VALUE, run-owned buffer */
	size_t value_sz;
	char error[64];			/* OUT_ERROR */
	struct flow *goto_flow;		/* OUT_GOTO, OUT_CALL */
	struct strmap *call_input;	/* OUT_CALL: $.Modules.Input */
	char *ret_branch;		/* OUT_RETURN: $.Modules.Result */
	struct strmap *ret_data;	/* OUT_RETURN: .ResultData */

	/* flow modules */
	struct mframe frames[FRUN_MODULE_DEPTH];
	unsigned depth;
	struct strmap *modules;		/* $.Modules of the current flow */

	struct fend end;
	char end_reason[128];
	char end_target[128];

	uint32_t steps;
	uint32_t since_wait;
	uint32_t limit;
	uint32_t limit_hits;

	frun_end_h *endh;
	void *arg;
	frun_step_h *steph;
	void *step_arg;

	struct mbuf *scratch;
	char *note_say;
	char *note_prompt;
	char *note_input;
	bool note_stored;
	char *note_msgv[FRUN_NOTE_MSGS];
	size_t note_msgc;
	const char *note;		/* a static string */
	const char *matched_op;
	char *matched_operand;
	char numbuf[24];
};

/* interp.c */
int  frun_set_flow(struct frun *run, struct flow *flow);

/* module.c */
/** Enter the module of OUT_CALL: the current flow waits in a frame. */
int  module_enter(struct frun *run, struct flow *module,
		  struct strmap *input);
/** Leave the module: the invoking flow is current again, at its
 *  InvokeFlowModule action, with $.Modules.Result and .ResultData. */
void module_leave(struct frun *run, const char *branch,
		  struct strmap *data);
/** Drop every frame (the run ends or transfers out of its modules). */
void module_unwind(struct frun *run);
/** The type of the flow the run started in. */
enum flow_type module_root_type(const struct frun *run);

#endif
