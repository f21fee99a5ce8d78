/**
 * @file validate.c  Checks beyond the shape of one action: the graph
 * (unreachable actions, actions the engine cannot run yet) and references
 * to queues, flows, prompts, hours and functions that neither the
 * configuration nor the flowset resolve.
 *
 * A value that is a reference ($.Attributes.x) is only known at run time
 * and is skipped; a {{placeholder}} is reported as such, since it shows the
 * file was never filled in by its deployment templating.
 */
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flowset.h>
#include "actions.h"


void flow_validate_graph(const struct flow *flow, struct findings *f)
{
	uint16_t *stack;
	bool *seen;
	size_t sp = 0, i, k;

	if (!flow || !f || !flow->actc)
		return;

	seen = mem_zalloc(flow->actc * sizeof(*seen), NULL);
	stack = mem_zalloc(flow->actc * sizeof(*stack), NULL);
	if (!seen || !stack)
		goto out;

	/* depth-first from StartAction over every kind of transition */
	if (flow->start < flow->actc) {
		seen[flow->start] = true;
		stack[sp++] = flow->start;
	}

	while (sp) {
		const struct flow_action *a = &flow->actv[stack[--sp]];

		/* k == 0: NextAction, then Errors, then Conditions */
		for (k = 0; k <= a->errc + a->condc; k++) {
			uint16_t n;

			if (!k)
				n = a->next;
			else if (k <= a->errc)
				n = a->errv[k - 1].next;
			else
				n = a->condv[k - 1 - a->errc].next;

			if (n < flow->actc && !seen[n]) {
				seen[n] = true;
				stack[sp++] = n;
			}
		}
	}

	for (i = 0; i < flow->actc; i++) {
		const struct flow_action *a = &flow->actv[i];
		const struct action_def *def = action_def_get(a->type);

		if (!seen[i])
			(void)findings_add(f, FINDING_WARNING, a->id,
					   "unreachable: no transition leads "
					   "here from StartAction");

		if (def && !def->runs && def->why)
			(void)findings_add(f, FINDING_WARNING, a->id,
					   "%s is accepted but this engine "
					   "cannot run it (%s): it takes its "
					   "error branch", def->name,
					   def->why);
		else if (def && !def->runs)
			(void)findings_add(f, FINDING_WARNING, a->id,
					   "%s is accepted but this engine "
					   "cannot run it yet", def->name);
	}

 out:
	mem_deref(seen);
	mem_deref(stack);
}


enum ref_kind { REF_QUEUE, REF_FLOW, REF_PROMPT, REF_HOURS, REF_FUNCTION,
		REF_MODULE };

struct rctx {
	const struct flow *flow;
	const struct config *cfg;
	const struct flowset *fs;
	bool strict;
	struct findings *f;
};


static bool resolves(const struct rctx *c, enum ref_kind kind,
		     const char *ref, bool *checkable)
{
	*checkable = true;

	switch (kind) {

	case REF_FLOW:
		if (!c->fs)
			break;
		return flowset_find(c->fs, ref) != NULL;

	case REF_MODULE: {
		const struct flow *m;

		if (!c->fs)
			break;
		m = flowset_find(c->fs, ref);
		return m && m->type == FLOW_MODULE;
	}

	case REF_QUEUE:
		if (!c->cfg)
			break;
		return config_queue(c->cfg, ref) != NULL;

	case REF_PROMPT:
		if (!c->cfg)
			break;
		return config_prompt(c->cfg, ref) != NULL;

	case REF_HOURS:
		if (!c->cfg)
			break;
		return config_hours(c->cfg, ref) != NULL;

	case REF_FUNCTION:
		if (!c->cfg)
			break;
		return config_function(c->cfg, ref) != NULL;
	}

	*checkable = false;
	return true;
}


static void check_ref(const struct rctx *c, const struct flow_action *a,
		      enum ref_kind kind, const char *what,
		      const struct fparam *p)
{
	static const char *kinds[] = {
		[REF_QUEUE] = "queue", [REF_FLOW] = "flow",
		[REF_PROMPT] = "prompt", [REF_HOURS] = "hours of operation",
		[REF_FUNCTION] = "function", [REF_MODULE] = "flow module",
	};
	static const char *where[] = {
		[REF_QUEUE] = "in the configuration",
		[REF_FLOW] = "among the loaded flows",
		[REF_PROMPT] = "in the configuration",
		[REF_HOURS] = "in the configuration",
		[REF_FUNCTION] = "in the configuration",
		[REF_MODULE] = "among the loaded flows",
	};
	bool checkable;

	if (!p || p->kind != FP_STR || !p->str.rawlen)
		return;

	if (ftmpl_has_placeholder(&p->str)) {
		(void)findings_add(c->f, FINDING_WARNING, a->id,
				   "%s \"%s\" is a template placeholder: the "
				   "%s cannot be checked", what, p->str.raw,
				   kinds[kind]);
		return;
	}

	if (!p->str.is_static)
		return;

	if (resolves(c, kind, p->str.raw, &checkable) || !checkable)
		return;

	(void)findings_add(c->f, c->strict ? FINDING_ERROR : FINDING_WARNING,
			   a->id, "%s: %s \"%s\" not found %s", what,
			   kinds[kind], p->str.raw, where[kind]);
}


static void check_action(const struct rctx *c, const struct flow_action *a)
{
	const struct fparam *p = &a->params, *m;
	size_t i;

	switch (a->type) {

	case ACT_UPDATE_CONTACT_TARGET_QUEUE:
	case ACT_DEQUEUE_CONTACT_AND_TRANSFER_TO_QUEUE:
	case ACT_CHECK_METRIC_DATA:
	case ACT_GET_METRIC_DATA:
	case ACT_CREATE_CALLBACK_CONTACT:
		check_ref(c, a, REF_QUEUE, "QueueId", fparam_get(p, "QueueId"));
		break;

	case ACT_TRANSFER_TO_FLOW:
		check_ref(c, a, REF_FLOW, "ContactFlowId",
			  fparam_get(p, "ContactFlowId"));
		break;

	case ACT_INVOKE_FLOW_MODULE:
		check_ref(c, a, REF_MODULE, "FlowModuleId",
			  fparam_get(p, "FlowModuleId"));
		break;

	case ACT_UPDATE_CONTACT_EVENT_HOOKS:
		m = fparam_get(p, "EventHooks");
		for (i = 0; m && m->kind == FP_OBJ && i < m->n; i++) {
			char what[64];

			snprintf(what, sizeof(what), "EventHooks.%s",
				 m->v[i].key);
			check_ref(c, a, REF_FLOW, what, &m->v[i]);
		}
		break;

	case ACT_MESSAGE_PARTICIPANT:
	case ACT_GET_PARTICIPANT_INPUT:
	case ACT_CONNECT_PARTICIPANT_WITH_LEX_BOT:
		check_ref(c, a, REF_PROMPT, "PromptId",
			  fparam_get(p, "PromptId"));
		break;

	case ACT_MESSAGE_PARTICIPANT_ITERATIVELY:
		m = fparam_get(p, "Messages");
		for (i = 0; m && m->kind == FP_ARR && i < m->n; i++)
			check_ref(c, a, REF_PROMPT, "PromptId",
				  fparam_get(&m->v[i], "PromptId"));
		break;

	case ACT_CHECK_HOURS_OF_OPERATION:
		check_ref(c, a, REF_HOURS, "HoursOfOperationId",
			  fparam_get(p, "HoursOfOperationId"));
		break;

	case ACT_INVOKE_LAMBDA_FUNCTION:
		check_ref(c, a, REF_FUNCTION, "LambdaFunctionARN",
			  fparam_get(p, "LambdaFunctionARN"));
		break;

	default:
		break;
	}
}


void flow_check_refs(const struct flow *flow, const struct config *cfg,
		     const struct flowset *fs, bool strict,
		     struct findings *findings)
{
	struct rctx c;
	size_t i;

	if (!flow || !findings)
		return;

	c.flow = flow;
	c.cfg = cfg;
	c.fs = fs;
	c.strict = strict;
	c.f = findings;

	for (i = 0; i < flow->actc; i++)
		check_action(&c, &flow->actv[i]);
}
