/**
 * @file sim_output.c  What `callflowctl simulate` prints: one line per
 * executed action and a last line for the end, as JSON or readable text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/core/httpc.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/rcriteria.h>
#include "ctl.h"
#include "sim.h"

static const char *end_name(enum fend_kind k)
{
	switch (k) {

	case FEND_DISCONNECT:		return "Disconnect";
	case FEND_END_FLOW:		return "EndFlow";
	case FEND_QUEUE:		return "Queue";
	case FEND_TRANSFER_AGENT:	return "TransferToAgent";
	case FEND_TRANSFER_PHONE:	return "TransferToPhone";
	case FEND_TRANSFER_FLOW:	return "TransferToFlow";
	case FEND_ERROR:		return "Error";
	case FEND_CANCELLED:		return "Cancelled";
	}
	return "Error";
}

static const char *act_type_name(const struct flow_action *a)
{
	if (a->type_name)
		return a->type_name;
	return action_type_name(a->type);
}

static void print_json(json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER |
			     JSON_ENSURE_ASCII);

	if (s) {
		printf("%s\n", s);
		free(s);
	}
	else {
		printf("{\"error\":\"out of memory\"}\n");
	}
	fflush(stdout);
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void step_json(const struct fstep *st)
{
	json_t *o = json_object();

	if (!o)
		return;
	json_object_set_new(o, "step", json_integer(st->n));
	json_object_set_new(o, "flow", jstr_or_null(st->flow ?
						    st->flow->name : NULL));
	json_object_set_new(o, "id", jstr_or_null(st->act ?
						  st->act->id : NULL));
	json_object_set_new(o, "type", jstr_or_null(st->act ?
						    act_type_name(st->act) :
						    NULL));
	json_object_set_new(o, "branch", jstr_or_null(st->branch));
	json_object_set_new(o, "next", jstr_or_null(st->next ?
						    st->next->id : NULL));
	if (st->say)
		json_object_set_new(o, "say", json_string(st->say));
	if (st->prompt)
		json_object_set_new(o, "prompt", json_string(st->prompt));
	if (st->input_stored)
		json_object_set_new(o, "input", json_string("***"));
	else if (st->input)
		json_object_set_new(o, "input", json_string(st->input));
	if (st->result)
		json_object_set_new(o, "result", json_string(st->result));
	if (st->error)
		json_object_set_new(o, "error", json_string(st->error));
	if (st->matched_op)
		json_object_set_new(o, "matched", json_pack(
			"{s:s,s:s?,s:s?}", "operator", st->matched_op,
			"operand", st->matched_operand, "value",
			st->input_stored ? "***" : st->result));
	if (st->messagec) {
		json_t *a = json_array();
		size_t i;

		for (i = 0; a && i < st->messagec; i++)
			json_array_append_new(a, json_string(st->messages[i]));
		json_object_set_new(o, "messages", a);
	}
	if (st->note)
		json_object_set_new(o, "note", json_string(st->note));
	print_json(o);
	json_decref(o);
}

static void step_text(struct simctx *ctx, const struct fstep *st)
{
	const char *id = st->act && st->act->id ? st->act->id : "?";
	bool compared;
	size_t i;

	if (st->flow && st->flow != ctx->shown_flow) {
		printf("flow %s\n", st->flow->name ? st->flow->name : "?");
		ctx->shown_flow = st->flow;
	}

	printf("%3u %-21s [%s]", st->n,
	       st->act ? act_type_name(st->act) : "?", id);
	if (st->prompt)
		printf(" prompt %s", st->prompt);
	if (st->say)
		printf(" say \"%s\"", st->say);
	if (st->input_stored)
		printf(" input \"***\"");
	else if (st->input)
		printf(" input \"%s\"", st->input);
	/* what the matching condition compared (not when the branch
	 * already says it: Equals the same text) */
	compared = st->matched_op && (strcmp(st->matched_op, "Equals") ||
				      !st->result || !st->matched_operand ||
				      strcmp(st->result, st->matched_operand));
	if (st->result && !compared &&
	    (!st->input || strcmp(st->result, st->input)) &&
	    (!st->branch || strcmp(st->result, st->branch)))
		printf(" result \"%s\"", st->result);
	if (compared)
		printf(" compared \"%s\" %s \"%s\"",
		       st->input_stored ? "***" :
		       st->result ? st->result : "",
		       st->matched_op,
		       st->matched_operand ? st->matched_operand : "");
	for (i = 0; i < st->messagec; i++)
		printf("%s\"%s\"", i ? ", " : " messages ", st->messages[i]);
	if (st->note)
		printf(" (%s)", st->note);
	/* NextAction, or "End" of a terminal action, go without saying */
	if (st->error)
		printf(" -> error %s", st->error);
	else if (st->branch && strcmp(st->branch, "NextAction") &&
		 (st->next || strcmp(st->branch, "End")))
		printf(" -> branch %s", st->branch);
	if (st->next)
		printf(" -> next %s\n", st->next->id);
	else
		printf(" -> end\n");
	fflush(stdout);
}

void sim_step_handler(struct frun *run, const struct fstep *st,
			 void *arg)
{
	struct simctx *ctx = arg;

	++ctx->steps;
	if (ctx->o.json)
		step_json(st);
	else
		step_text(ctx, st);

	/* a flow that never waits in the simulator would never end */
	if (ctx->steps >= ctx->max_total && !ctx->sim.ended) {
		frun_cancel(run);
		ctx->sim.ended = true;
		ctx->sim.end_kind = FEND_ERROR;
		mem_deref(ctx->sim.end_reason);
		(void)re_sdprintf(&ctx->sim.end_reason, "simulation stopped "
				  "after %u actions (--max-total)",
				  ctx->max_total);
	}
}

void sim_end_handler(struct frun *run, const struct fend *end, void *arg)
{
	struct simctx *ctx = arg;
	struct sim *sim = &ctx->sim;
	(void)run;

	if (sim->ended)
		return;
	sim->ended = true;
	sim->end_kind = end ? end->kind : FEND_ERROR;
	if (end && end->reason)
		(void)str_dup(&sim->end_reason, end->reason);
	if (end && end->target)
		(void)str_dup(&sim->end_target, end->target);
	re_cancel();
}

static const char *end_reason(const struct sim *sim)
{
	if (sim->stalled)
		return "simulation stalled: an operation never completed";
	if (sim->parked_end)
		return "loop prompts without an interrupt play until the "
			"contact leaves the queue or hold";
	return sim->end_reason;
}

enum fend_kind sim_end_kind(const struct sim *sim)
{
	return sim->stalled ? FEND_ERROR : sim->end_kind;
}

static const char *end_queue(const struct simctx *ctx)
{
	if (ctx->cd->queue_name)
		return ctx->cd->queue_name;
	if (sim_end_kind(&ctx->sim) == FEND_QUEUE)
		return ctx->sim.end_target;
	return NULL;
}

void sim_print_end(struct simctx *ctx)
{
	const struct sim *sim = &ctx->sim;
	const struct flow *cur = sim->run ? frun_flow(sim->run) : ctx->flow;
	uint32_t steps = ctx->steps;
	const char *queue = end_queue(ctx);
	const char *reason = end_reason(sim);
	char when[40], *crit = NULL;
	size_t i, n = strmap_count(ctx->cd->attrs);

	util_iso8601(when, sizeof(when), sim->now_ms);
	if (ctx->cd->routing_criteria)
		(void)rcriteria_json(&crit, ctx->cd->routing_criteria);

	if (ctx->o.json) {
		json_t *o = json_object(), *attrs = json_object();

		if (!o || !attrs) {
			json_decref(o);
			json_decref(attrs);
			return;
		}
		for (i = 0; i < n; i++) {
			const struct strmap_ent *e =
				strmap_at(ctx->cd->attrs, i);

			json_object_set_new(attrs, e->key,
					    json_string(e->val));
		}
		json_object_set_new(o, "end", json_string(
					    end_name(sim_end_kind(sim))));
		json_object_set_new(o, "queue", jstr_or_null(queue));
		json_object_set_new(o, "attributes", attrs);
		json_object_set_new(o, "reason", jstr_or_null(reason));
		json_object_set_new(o, "target",
				    jstr_or_null(sim->end_target));
		json_object_set_new(o, "flow", jstr_or_null(cur ?
							    cur->name : NULL));
		json_object_set_new(o, "steps", json_integer(steps));
		json_object_set_new(o, "contact_id",
				    json_string(ctx->cd->contact_id));
		json_object_set_new(o, "time", json_string(when));
		json_object_set_new(o, "seed", json_integer(
					    (json_int_t)ctx->seed));
		if (crit)
			json_object_set_new(o, "routing_criteria",
					    json_loads(crit, 0, NULL));
		print_json(o);
		json_decref(o);
		mem_deref(crit);
		return;
	}

	printf("end: %s", end_name(sim_end_kind(sim)));
	if (queue)
		printf(" queue \"%s\"", queue);
	if (sim->end_target && (!queue || strcmp(queue, sim->end_target)))
		printf(" target \"%s\"", sim->end_target);
	if (reason)
		printf(" (%s)", reason);
	printf("\n  after %u steps in flow %s at %s, seed %llu\n", steps,
	       cur && cur->name ? cur->name : "?", when,
	       (unsigned long long)ctx->seed);
	for (i = 0; i < n; i++) {
		const struct strmap_ent *e = strmap_at(ctx->cd->attrs, i);

		printf("  attribute %s = \"%s\"\n", e->key, e->val);
	}
	if (crit)
		printf("  routing criteria %s\n", crit);
	mem_deref(crit);
	fflush(stdout);
}
