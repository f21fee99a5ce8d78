/**
 * @file interp.c  The flow interpreter: dispatch, transitions, step budget.
 *
 * One run executes actions in a loop until an action waits on a port or
 * the run ends. Completions set an outcome; the loop applies it and picks
 * the next action (reference section 2). A completion that arrives while
 * the loop is running (a port that finished synchronously) is applied by
 * that same loop, so a long chain of instant actions never recurses.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/log.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/util.h>
#include "actions.h"
#include "interp_priv.h"

#define DEFAULT_STEP_LIMIT 1000

static int set_value(struct frun *run, const char *value);

static const char *end_names[] = {
	"Disconnect", "EndFlow", "Queue", "TransferToAgent", "TransferToPhone",
	"TransferToFlow", "Error", "Cancelled"
};

const char *fend_kind_name(enum fend_kind k)
{
	if ((size_t)k >= sizeof(end_names) / sizeof(end_names[0]))
		return "?";
	return end_names[k];
}

static void clear_notes(struct frun *run)
{
	size_t i;

	run->note_say = mem_deref(run->note_say);
	run->note_prompt = mem_deref(run->note_prompt);
	run->note_input = mem_deref(run->note_input);
	run->note_stored = false;
	for (i = 0; i < run->note_msgc; i++)
		run->note_msgv[i] = mem_deref(run->note_msgv[i]);
	run->note_msgc = 0;
	run->note = NULL;
	run->matched_op = NULL;
	run->matched_operand = mem_deref(run->matched_operand);
}

static void stop_port(struct frun *run)
{
	if (run->state == RS_WAITING && run->env.ops && run->env.ops->stop)
		run->env.ops->stop(run, run->env.ops_arg);
}

static void destructor(void *arg)
{
	struct frun *run = arg;

	stop_port(run);
	clear_notes(run);
	module_unwind(run);
	mem_deref(run->goto_flow);
	mem_deref(run->call_input);
	mem_deref(run->ret_branch);
	mem_deref(run->ret_data);
	mem_deref(run->flow);
	mem_deref(run->cd);
	mem_deref(run->fattrs);
	mem_deref(run->modules);
	mem_deref(run->loops);
	mem_deref(run->value);
	mem_deref(run->scratch);
}

int frun_set_flow(struct frun *run, struct flow *flow)
{
	uint32_t *loops = NULL;

	if (flow->actc) {
		loops = mem_zalloc(flow->actc * sizeof(*loops), NULL);
		if (!loops)
			return ENOMEM;
	}

	mem_deref(run->loops);
	run->loops = loops;
	mem_deref(run->flow);
	run->flow = mem_ref(flow);
	run->cur = flow->start;
	return 0;
}

int frun_alloc(struct frun **runp, struct flow *flow, struct cdata *cd,
	       const struct fenv *env, frun_end_h *endh, void *arg)
{
	struct frun *run;
	int err;

	if (!runp || !flow || !cd || !env)
		return EINVAL;

	run = mem_zalloc(sizeof(*run), destructor);
	if (!run)
		return ENOMEM;

	run->cd = mem_ref(cd);
	run->env = *env;
	run->endh = endh;
	run->arg = arg;
	run->limit = env->step_limit;
	if (!run->limit && env->cfg)
		run->limit = env->cfg->limits.step_limit;
	if (!run->limit)
		run->limit = DEFAULT_STEP_LIMIT;

	err = strmap_alloc(&run->fattrs);
	if (!err)
		err = strmap_alloc(&run->modules);
	if (err)
		goto out;
	run->scratch = mbuf_alloc(256);
	if (!run->scratch) {
		err = ENOMEM;
		goto out;
	}
	err = frun_set_flow(run, flow);

 out:
	if (err)
		mem_deref(run);
	else
		*runp = run;
	return err;
}

void frun_set_step_handler(struct frun *run, frun_step_h *steph, void *arg)
{
	if (!run)
		return;
	run->steph = steph;
	run->step_arg = arg;
}

static void end_run(struct frun *run, enum fend_kind kind, const char *reason,
		    const char *target)
{
	if (run->state == RS_ENDED)
		return;

	run->state = RS_ENDED;
	run->end_pending = true;
	run->end.kind = kind;
	/* Connect stops and clears the touchtone buffer when the contact
	 * is transferred to an agent or a queue */
	if (kind == FEND_QUEUE || kind == FEND_TRANSFER_AGENT)
		cdata_dtmf_clear(run->cd);
	str_ncpy(run->end_reason, reason ? reason : "",
		 sizeof(run->end_reason));
	str_ncpy(run->end_target, target ? target : "",
		 sizeof(run->end_target));
	run->end.reason = reason ? run->end_reason : NULL;
	run->end.target = target ? run->end_target : NULL;
}

static void emit_step(struct frun *run, const struct flow *flow,
		      const struct flow_action *act, const char *branch,
		      const struct flow *next_flow, uint16_t next)
{
	struct fstep st;

	if (!run->steph)
		return;

	memset(&st, 0, sizeof(st));
	st.n = run->steps;
	st.flow = flow;
	st.act = act;
	st.branch = branch;
	st.next = (next_flow && next != FLOW_NONE) ? &next_flow->actv[next]
						   : NULL;
	st.result = run->out == OUT_VALUE ? run->value : NULL;
	st.say = run->note_say;
	st.prompt = run->note_prompt;
	st.input = run->note_stored ? NULL : run->note_input;
	st.input_stored = run->note_stored;
	st.error = run->out == OUT_ERROR ? run->error : NULL;
	st.matched_op = run->matched_op;
	st.matched_operand = run->matched_operand;
	st.messages = (const char *const *)run->note_msgv;
	st.messagec = run->note_msgc;
	st.note = run->note;

	run->steph(run, &st, run->step_arg);
}

/* Label of a condition for traces: its first plain operand. */
static const char *cond_label(const struct fcond *c)
{
	size_t i;

	for (i = 0; i < c->opc; i++) {
		if (!c->opv[i].is_cond)
			return c->opv[i].str.raw;
		return cond_label(c->opv[i].cond);
	}
	return "";
}

/* The operand that held, for the trace (evaluated text). */
static void note_match(struct frun *run, const struct fcond *c,
		       const char *operand, size_t len)
{
	char *s = NULL;

	if (!run->steph || re_sdprintf(&s, "%b", operand, len))
		return;
	mem_deref(run->matched_operand);
	run->matched_operand = s;
	run->matched_op = fcond_op_name(c->op);
}

static bool cond_holds(struct frun *run, const struct fcond *c,
		       const char *v, size_t vlen)
{
	size_t i;

	for (i = 0; i < c->opc; i++) {
		const struct fcond_operand *o = &c->opv[i];
		struct pl pl;

		if (o->is_cond) {
			if (cond_holds(run, o->cond, v, vlen))
				return true;
			continue;
		}
		if (o->str.is_static) {
			pl.p = o->str.raw;
			pl.l = o->str.rawlen;
		}
		else {
			/* operands with references: evaluate into a copy,
			 * since scratch may hold v */
			char *s = NULL;
			bool hold;

			if (frun_eval_str(run, &o->str, &s))
				continue;
			hold = fcond_test(c->op, v, vlen, s, strlen(s));
			if (hold)
				note_match(run, c, s, strlen(s));
			mem_deref(s);
			if (hold)
				return true;
			continue;
		}
		if (fcond_test(c->op, v, vlen, pl.p, pl.l)) {
			note_match(run, c, pl.p, pl.l);
			return true;
		}
	}
	return false;
}

/* Error branch for type (or NoMatchingError); FLOW_NONE if none. */
static uint16_t error_next(const struct flow_action *act, const char *type,
			   const char **labelp)
{
	const struct flow_error_tr *tr = flow_action_error(act, type);

	if (!tr)
		return FLOW_NONE;
	*labelp = tr->error_type;
	return tr->next;
}

/*
 * The next action after act for the outcome at hand (OUT_NEXT, OUT_VALUE,
 * OUT_ERROR): the branch label in *labelp; *failedp when an error (or a
 * result no condition matched) decided it.
 */
static uint16_t pick_next(struct frun *run, const struct flow_action *act,
			  const char **labelp, bool *failedp)
{
	size_t i, vlen;

	*labelp = "NextAction";
	*failedp = false;

	switch (run->out) {

	case OUT_ERROR:
		*failedp = true;
		return error_next(act, run->error, labelp);

	case OUT_VALUE:
		if (!act->condc)
			return act->next;	/* a result nobody tests */

		vlen = strlen(run->value);
		for (i = 0; i < act->condc; i++) {
			if (cond_holds(run, act->condv[i].cond, run->value,
				       vlen)) {
				*labelp = cond_label(act->condv[i].cond);
				return act->condv[i].next;
			}
		}
		str_ncpy(run->error, "NoMatchingCondition", sizeof(run->error));
		*failedp = true;
		return error_next(act, run->error, labelp);

	default:
		return act->next;
	}
}


/* Go on at next of the current flow, or end the run where it has none. */
static void go_next(struct frun *run, const struct flow_action *act,
		    uint16_t next, bool failed)
{
	if (next != FLOW_NONE) {
		run->cur = next;
		return;
	}

	if (failed) {
		char reason[128];

		re_snprintf(reason, sizeof(reason),
			    "no branch for %s at action %s", run->error,
			    act->id);
		end_run(run, FEND_ERROR, reason, NULL);
	}
	else {
		end_run(run, FEND_END_FLOW, act->terminal ? NULL :
			"no NextAction", NULL);
	}
}


/* EndFlowModuleExecution: back in the invoking flow, which takes the
 * InvokeFlowModule's branch for the module's result. */
static void apply_return(struct frun *run, const struct flow_action *act)
{
	struct flow *module = mem_ref(run->flow);
	const struct flow_action *inv;
	const char *label;
	char *branch = run->ret_branch;
	struct strmap *data = run->ret_data;
	uint16_t next;
	bool failed;

	run->ret_branch = NULL;
	run->ret_data = NULL;
	module_leave(run, branch, data);
	inv = &run->flow->actv[run->cur];

	/* a named branch is the InvokeFlowModule's result */
	run->out = OUT_NEXT;
	if (str_isset(branch) && set_value(run, branch)) {
		str_ncpy(run->error, "NoMatchingError", sizeof(run->error));
		run->out = OUT_ERROR;
	}
	mem_deref(branch);
	mem_deref(data);

	next = pick_next(run, inv, &label, &failed);
	/* a branch the invoking action has no condition for: its
	 * NextAction (Connect's Success), not an error */
	if (failed && run->out == OUT_VALUE && inv->next != FLOW_NONE &&
	    !strcmp(run->error, "NoMatchingCondition")) {
		next = inv->next;
		label = "NextAction";
		failed = false;
	}
	emit_step(run, module, act, failed && next == FLOW_NONE ?
		  run->error : "Return", run->flow, next);
	mem_deref(module);
	clear_notes(run);
	run->out = OUT_NONE;
	go_next(run, inv, next, failed);
}


static void apply_outcome(struct frun *run)
{
	const struct flow_action *act = &run->flow->actv[run->cur];
	const char *label = "NextAction";
	uint16_t next;
	bool failed;

	++run->steps;

	/* The step budget: runaway loops without any media wait. */
	if (++run->since_wait > run->limit && run->out != OUT_END) {
		const char *l2 = NULL;
		uint16_t n2 = run->limit_hits ? FLOW_NONE :
			error_next(act, "NoMatchingError", &l2);

		log_warn("flow '%s' contact %s: step limit of %u actions "
			 "without a media wait reached at action %s",
			 run->flow->name, run->cd->contact_id, run->limit,
			 act->id);
		++run->limit_hits;
		run->since_wait = 0;
		run->out = OUT_ERROR;
		str_ncpy(run->error, "StepLimitExceeded", sizeof(run->error));
		if (n2 == FLOW_NONE) {
			emit_step(run, run->flow, act, "StepLimitExceeded",
				  NULL, FLOW_NONE);
			end_run(run, FEND_ERROR, "step limit exceeded",
				NULL);
			return;
		}
		emit_step(run, run->flow, act, l2, run->flow, n2);
		run->out = OUT_NONE;
		run->cur = n2;
		clear_notes(run);
		return;
	}

	switch (run->out) {

	case OUT_END:
		emit_step(run, run->flow, act, "End", NULL, FLOW_NONE);
		run->out = OUT_NONE;
		clear_notes(run);
		return;

	case OUT_GOTO: {
		struct flow *f = run->goto_flow;

		run->goto_flow = NULL;
		emit_step(run, run->flow, act, "NextAction", f, f->start);
		run->out = OUT_NONE;
		clear_notes(run);
		module_unwind(run);
		strmap_clear(run->fattrs);	/* flow attributes are per flow */
		if (frun_set_flow(run, f))
			end_run(run, FEND_ERROR, "out of memory", NULL);
		mem_deref(f);
		return;
	}

	case OUT_CALL: {
		struct flow *f = run->goto_flow;
		struct strmap *in = run->call_input;

		run->goto_flow = NULL;
		run->call_input = NULL;
		emit_step(run, run->flow, act, "Module", f, f->start);
		run->out = OUT_NONE;
		clear_notes(run);
		if (module_enter(run, f, in))
			end_run(run, FEND_ERROR, "out of memory", NULL);
		mem_deref(f);
		mem_deref(in);
		return;
	}

	case OUT_RETURN:
		apply_return(run, act);
		return;

	default:
		break;
	}

	next = pick_next(run, act, &label, &failed);
	emit_step(run, run->flow, act,
		  failed && next == FLOW_NONE ? run->error : label,
		  run->flow, next);
	clear_notes(run);
	run->out = OUT_NONE;
	go_next(run, act, next, failed);
}


static void exec_action(struct frun *run)
{
	const struct flow_action *act = &run->flow->actv[run->cur];
	const struct action_def *def = action_def_get(act->type);
	int err;

	mbuf_rewind(run->scratch);

	/* the step budget counts actions between media waits, however
	 * fast the port answers (the simulator answers at once) */
	switch (act->type) {
	case ACT_MESSAGE_PARTICIPANT:
	case ACT_GET_PARTICIPANT_INPUT:
	case ACT_MESSAGE_PARTICIPANT_ITERATIVELY:
	case ACT_WAIT:
	case ACT_TRANSFER_PARTICIPANT_TO_THIRD_PARTY:
	case ACT_CONNECT_PARTICIPANT_WITH_LEX_BOT:
	case ACT_SHOW_VIEW:
		run->since_wait = 0;
		break;
	default:
		break;
	}

	/* a bot takes no typed-ahead keys: Connect stops and clears the
	 * touchtone buffer before it */
	if (act->type == ACT_CONNECT_PARTICIPANT_WITH_LEX_BOT)
		cdata_dtmf_clear(run->cd);

	if (!def || !def->run) {
		frun_done_error(run, "NoMatchingError");
		return;
	}

	/* inside a module, the invoking flow's type decides what runs
	 * (the module's own actions always do) */
	if (run->depth && !(def->allowed & FLOW_TYPE_BIT(FLOW_MODULE)) &&
	    !action_allowed(def, module_root_type(run))) {
		action_warn(run, act, "%s cannot run in a module invoked from "
			    "a %s flow", def->name,
			    flow_type_name(module_root_type(run)));
		frun_done_error(run, "NoMatchingError");
		return;
	}

	err = def->run(run, act);
	if (err && run->out == OUT_NONE && run->state == RS_RUNNING)
		frun_done_error(run, "NoMatchingError");
}

static void dispatch(struct frun *run)
{
	if (run->in_dispatch)
		return;

	mem_ref(run);
	run->in_dispatch = true;

	while (run->state == RS_RUNNING) {
		if (run->out != OUT_NONE) {
			apply_outcome(run);
			continue;
		}
		exec_action(run);
		if (run->out == OUT_NONE && run->state == RS_RUNNING) {
			/* the action waits on a port */
			run->state = RS_WAITING;
			run->since_wait = 0;
		}
	}

	/* An action that ended the run still leaves its step in the trace */
	if (run->state == RS_ENDED && run->out == OUT_END)
		apply_outcome(run);

	run->in_dispatch = false;

	if (run->state == RS_ENDED && run->end_pending) {
		run->end_pending = false;
		if (run->endh)
			run->endh(run, &run->end, run->arg);
	}
	mem_deref(run);
}

int frun_start(struct frun *run, const char *action_id)
{
	if (!run)
		return EINVAL;
	if (run->state != RS_IDLE)
		return EALREADY;

	if (action_id) {
		const struct flow_action *a = flow_action_find(run->flow,
							       action_id);
		if (!a)
			return ENOENT;
		run->cur = a->index;
	}
	if (run->cur >= run->flow->actc)
		return EBADMSG;

	run->state = RS_RUNNING;
	dispatch(run);
	return 0;
}

void frun_cancel(struct frun *run)
{
	if (!run || run->state == RS_ENDED)
		return;
	stop_port(run);
	run->state = RS_ENDED;
	run->end.kind = FEND_CANCELLED;
	run->end.reason = NULL;
	run->end.target = NULL;
	run->end_pending = false;	/* the owner asked: no callback */
}

bool frun_ended(const struct frun *run)
{
	return !run || run->state == RS_ENDED;
}

/* A completion is taken only for the action in progress. */
static bool accepting(const struct frun *run)
{
	if (run->out != OUT_NONE)
		return false;
	return run->state == RS_RUNNING || run->state == RS_WAITING;
}

static void resume(struct frun *run)
{
	if (run->state == RS_WAITING) {
		run->state = RS_RUNNING;
		dispatch(run);
	}
}

void frun_done(struct frun *run, int err)
{
	const struct flow_action *act;
	const struct action_def *def;

	if (!run || !accepting(run))
		return;
	if (err) {
		frun_done_error(run, "NoMatchingError");
		return;
	}
	act = &run->flow->actv[run->cur];
	/* a transfer that does not continue the flow ends it on answer */
	if (act->type == ACT_TRANSFER_PARTICIPANT_TO_THIRD_PARTY &&
	    act_transfer_answered(run, act))
		return;
	def = action_def_get(act->type);
	if (def && def->done_value) {
		frun_done_value(run, def->done_value);
		return;
	}
	run->out = OUT_NEXT;
	resume(run);
}

void frun_done_error(struct frun *run, const char *error_type)
{
	if (!run || !accepting(run))
		return;
	str_ncpy(run->error, error_type ? error_type : "NoMatchingError",
		 sizeof(run->error));
	run->out = OUT_ERROR;
	resume(run);
}

/* The result of the action in progress (OUT_VALUE), without resuming. */
static int set_value(struct frun *run, const char *value)
{
	size_t len;

	if (!value)
		value = "";

	len = strlen(value) + 1;
	if (len > run->value_sz) {
		/* libre's mem_realloc() does not take NULL */
		size_t sz = len < 64 ? 64 : len;
		char *v = run->value ? mem_realloc(run->value, sz)
				     : mem_alloc(sz, NULL);

		if (!v)
			return ENOMEM;
		run->value = v;
		run->value_sz = sz;
	}
	memcpy(run->value, value, len);
	run->out = OUT_VALUE;
	return 0;
}

void frun_done_value(struct frun *run, const char *value)
{
	if (!run || !accepting(run))
		return;
	if (set_value(run, value)) {
		frun_done_error(run, "NoMatchingError");
		return;
	}
	resume(run);
}

void frun_input(struct frun *run, enum fcollect_status st,
		const char *digits)
{
	int err;

	if (!run || !accepting(run))
		return;

	err = act_input_result(run, &run->flow->actv[run->cur], st, digits);
	if (err && accepting(run))
		frun_done_error(run, "NoMatchingError");
}

void frun_invoke_reply(struct frun *run, int err, uint16_t status,
		       const char *body, size_t len)
{
	int e;

	if (!run || !accepting(run))
		return;

	e = act_lambda_result(run, &run->flow->actv[run->cur], err, status,
			      body, len);
	if (e && accepting(run))
		frun_done_error(run, "NoMatchingError");
}

void frun_end(struct frun *run, enum fend_kind kind, const char *reason,
	      const char *target)
{
	if (!run || !accepting(run))
		return;
	run->out = OUT_END;
	end_run(run, kind, reason, target);
	if (!run->in_dispatch) {
		/* ended by a late completion: trace and notify now */
		mem_ref(run);
		apply_outcome(run);
		run->end_pending = false;
		if (run->endh)
			run->endh(run, &run->end, run->arg);
		mem_deref(run);
	}
}

void frun_goto_flow(struct frun *run, struct flow *flow)
{
	if (!run || !flow || !accepting(run))
		return;
	if (!flow->actc || flow->start >= flow->actc) {
		frun_done_error(run, "NoMatchingError");
		return;
	}
	mem_deref(run->goto_flow);
	run->goto_flow = mem_ref(flow);
	run->out = OUT_GOTO;
	resume(run);
}

int frun_call_module(struct frun *run, struct flow *module,
		     struct strmap *input)
{
	if (!run || !module || !accepting(run))
		return EINVAL;
	if (run->depth >= FRUN_MODULE_DEPTH)
		return ELOOP;
	if (!module->actc || module->start >= module->actc)
		return EBADMSG;

	mem_deref(run->goto_flow);
	mem_deref(run->call_input);
	run->goto_flow = mem_ref(module);
	run->call_input = mem_ref(input);
	run->out = OUT_CALL;
	resume(run);
	return 0;
}

void frun_module_return(struct frun *run, const char *branch,
			struct strmap *data)
{
	if (!run || !accepting(run))
		return;
	if (!run->depth) {
		/* not inside a module: the flow just ends */
		frun_end(run, FEND_END_FLOW, NULL, NULL);
		return;
	}

	mem_deref(run->ret_branch);
	mem_deref(run->ret_data);
	run->ret_branch = NULL;
	if (branch && str_dup(&run->ret_branch, branch)) {
		frun_done_error(run, "NoMatchingError");
		return;
	}
	run->ret_data = mem_ref(data);
	run->out = OUT_RETURN;
	resume(run);
}

void frun_view_result(struct frun *run, const char *action,
		      const char *result)
{
	int err;

	if (!run || !accepting(run))
		return;

	err = act_view_result(run, &run->flow->actv[run->cur], action,
			      result);
	if (err && accepting(run))
		frun_done_error(run, "NoMatchingError");
}

void frun_profile_done(struct frun *run, enum fprofile_status st,
		       const struct strmap *profile)
{
	int err;

	if (!run || !accepting(run))
		return;

	err = act_profile_result(run, &run->flow->actv[run->cur], st,
				 profile);
	if (err && accepting(run))
		frun_done_error(run, "NoMatchingError");
}

uint32_t *frun_loop_counter(struct frun *run, const struct flow_action *a)
{
	if (!run || !a || a->index >= run->flow->actc || !run->loops)
		return NULL;
	return &run->loops[a->index];
}

static void note(char **dst, const char *text)
{
	char *s = NULL;

	if (text)
		(void)str_dup(&s, text);
	mem_deref(*dst);
	*dst = s;
}

void frun_note_say(struct frun *run, const char *text)
{
	if (run)
		note(&run->note_say, text);
}

void frun_note_prompt(struct frun *run, const char *prompt_ref)
{
	if (run)
		note(&run->note_prompt, prompt_ref);
}

void frun_note_message(struct frun *run, const char *text)
{
	if (!run || !text || run->note_msgc >= FRUN_NOTE_MSGS)
		return;
	if (!str_dup(&run->note_msgv[run->note_msgc], text))
		++run->note_msgc;
}

void frun_note(struct frun *run, const char *text)
{
	if (run)
		run->note = text;
}

void frun_note_input(struct frun *run, const char *digits, bool stored)
{
	if (!run)
		return;
	note(&run->note_input, digits);
	run->note_stored = stored;
}

struct mbuf *frun_scratch(struct frun *run)
{
	return run ? run->scratch : NULL;
}

uint64_t frun_now_ms(const struct frun *run)
{
	if (run && run->env.now_ms)
		return run->env.now_ms(run->env.now_arg);
	return util_now_ms();
}

const struct flow *frun_flow(const struct frun *run)
{
	return run ? run->flow : NULL;
}

const struct flow_action *frun_action(const struct frun *run)
{
	if (!run || run->cur >= run->flow->actc)
		return NULL;
	return &run->flow->actv[run->cur];
}

struct cdata *frun_cdata(const struct frun *run)
{
	return run ? run->cd : NULL;
}

struct strmap *frun_flow_attrs(const struct frun *run)
{
	return run ? run->fattrs : NULL;
}

const struct fenv *frun_env(const struct frun *run)
{
	return run ? &run->env : NULL;
}

uint32_t frun_steps(const struct frun *run)
{
	return run ? run->steps : 0;
}

unsigned frun_depth(const struct frun *run)
{
	return run ? run->depth : 0;
}

struct strmap *frun_modules(const struct frun *run)
{
	return run ? run->modules : NULL;
}
