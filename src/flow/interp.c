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

#define DEFAULT_STEP_LIMIT 1000

enum run_state { RS_IDLE, RS_RUNNING, RS_WAITING, RS_ENDED };

enum out_kind { OUT_NONE, OUT_NEXT, OUT_VALUE, OUT_ERROR, OUT_END,
		OUT_GOTO };

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
	struct flow *goto_flow;		/* OUT_GOTO */

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
	char numbuf[24];
};

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
	run->note_say = mem_deref(run->note_say);
	run->note_prompt = mem_deref(run->note_prompt);
	run->note_input = mem_deref(run->note_input);
	run->note_stored = false;
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
	mem_deref(run->goto_flow);
	mem_deref(run->flow);
	mem_deref(run->cd);
	mem_deref(run->fattrs);
	mem_deref(run->loops);
	mem_deref(run->value);
	mem_deref(run->scratch);
}

static int set_flow(struct frun *run, struct flow *flow)
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
	if (err)
		goto out;
	run->scratch = mbuf_alloc(256);
	if (!run->scratch) {
		err = ENOMEM;
		goto out;
	}
	err = set_flow(run, flow);

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
	str_ncpy(run->end_reason, reason ? reason : "",
		 sizeof(run->end_reason));
	str_ncpy(run->end_target, target ? target : "",
		 sizeof(run->end_target));
	run->end.reason = reason ? run->end_reason : NULL;
	run->end.target = target ? run->end_target : NULL;
}

static void emit_step(struct frun *run, const struct flow_action *act,
		      const char *branch, const struct flow *next_flow,
		      uint16_t next)
{
	struct fstep st;

	if (!run->steph)
		return;

	memset(&st, 0, sizeof(st));
	st.n = run->steps;
	st.flow = run->flow;
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
			mem_deref(s);
			if (hold)
				return true;
			continue;
		}
		if (fcond_test(c->op, v, vlen, pl.p, pl.l))
			return true;
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

static void apply_outcome(struct frun *run)
{
	const struct flow_action *act = &run->flow->actv[run->cur];
	const char *label = "NextAction";
	uint16_t next = FLOW_NONE;
	bool failed = false;

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
			emit_step(run, act, "StepLimitExceeded", NULL,
				  FLOW_NONE);
			end_run(run, FEND_ERROR, "step limit exceeded",
				NULL);
			return;
		}
		emit_step(run, act, l2, run->flow, n2);
		run->out = OUT_NONE;
		run->cur = n2;
		clear_notes(run);
		return;
	}

	switch (run->out) {

	case OUT_END:
		emit_step(run, act, "End", NULL, FLOW_NONE);
		run->out = OUT_NONE;
		clear_notes(run);
		return;

	case OUT_GOTO: {
		struct flow *f = run->goto_flow;

		run->goto_flow = NULL;
		emit_step(run, act, "NextAction", f, f->start);
		run->out = OUT_NONE;
		clear_notes(run);
		strmap_clear(run->fattrs);	/* flow attributes are per flow */
		if (set_flow(run, f))
			end_run(run, FEND_ERROR, "out of memory", NULL);
		mem_deref(f);
		return;
	}

	case OUT_ERROR:
		next = error_next(act, run->error, &label);
		failed = true;
		break;

	case OUT_VALUE:
		if (act->condc) {
			size_t i, vlen = strlen(run->value);

			for (i = 0; i < act->condc; i++) {
				if (cond_holds(run, act->condv[i].cond,
					       run->value, vlen)) {
					next = act->condv[i].next;
					label = cond_label(act->condv[i].cond);
					break;
				}
			}
			if (i == act->condc) {
				str_ncpy(run->error, "NoMatchingCondition",
					 sizeof(run->error));
				next = error_next(act, run->error, &label);
				failed = true;
			}
			break;
		}
		/* a result nobody tests */
		next = act->next;
		break;

	case OUT_NEXT:
	default:
		next = act->next;
		break;
	}

	emit_step(run, act, failed && next == FLOW_NONE ? run->error : label,
		  run->flow, next);
	clear_notes(run);
	run->out = OUT_NONE;

	if (next == FLOW_NONE) {
		if (failed) {
			char reason[128];

			re_snprintf(reason, sizeof(reason),
				    "no branch for %s at action %s",
				    run->error, act->id);
			end_run(run, FEND_ERROR, reason, NULL);
		}
		else {
			end_run(run, FEND_END_FLOW, act->terminal ? NULL :
				"no NextAction", NULL);
		}
		return;
	}

	run->cur = next;
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
		run->since_wait = 0;
		break;
	default:
		break;
	}

	if (!def || !def->run) {
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

void frun_done_value(struct frun *run, const char *value)
{
	size_t len;

	if (!run || !accepting(run))
		return;
	if (!value)
		value = "";

	len = strlen(value) + 1;
	if (len > run->value_sz) {
		/* libre's mem_realloc() does not take NULL */
		size_t sz = len < 64 ? 64 : len;
		char *v = run->value ? mem_realloc(run->value, sz)
				     : mem_alloc(sz, NULL);

		if (!v) {
			frun_done_error(run, "NoMatchingError");
			return;
		}
		run->value = v;
		run->value_sz = sz;
	}
	memcpy(run->value, value, len);
	run->out = OUT_VALUE;
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
