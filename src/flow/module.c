/**
 * @file module.c  Flow modules inside a run: the call stack of
 * InvokeFlowModule / EndFlowModuleExecution.
 *
 * A module runs with its own flow attributes, loop counters and
 * $.Modules.Input, and with empty $.External, $.Lex and $.Customer: in
 * Connect a module may not override the invoking flow's local data, so
 * the invoking flow finds them as it left them. Contact attributes, the
 * working queue and everything else on the contact are shared. On return
 * the invoking flow's $.Modules.Result is the branch the module named and
 * $.Modules.ResultData.<key> its outputs.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/strmap.h>
#include <callflowd/flow/cdata.h>
#include "actions.h"
#include "interp_priv.h"


static int prefixed_copy(struct strmap *dst, const char *prefix,
			 const struct strmap *src)
{
	size_t i, n = strmap_count(src);
	int err;

	for (i = 0; i < n; i++) {
		const struct strmap_ent *e = strmap_at(src, i);
		char *key = NULL;

		err = re_sdprintf(&key, "%s.%b", prefix, e->key, e->klen);
		if (err)
			return err;
		err = strmap_setn(dst, key, strlen(key), e->val, e->vlen);
		mem_deref(key);
		if (err)
			return err;
	}
	return 0;
}


int module_enter(struct frun *run, struct flow *module,
		 struct strmap *input)
{
	struct mframe *fr;
	struct cdata *cd = run->cd;
	struct strmap *fattrs = NULL, *mods = NULL;
	struct strmap *ext = NULL, *lex = NULL, *cust = NULL;
	uint16_t cur = run->cur;
	int err;

	if (run->depth >= FRUN_MODULE_DEPTH)
		return ELOOP;

	err  = strmap_alloc(&fattrs);
	err |= strmap_alloc(&mods);
	err |= strmap_alloc(&ext);
	err |= strmap_alloc(&lex);
	err |= strmap_alloc(&cust);
	if (!err && input)
		err = prefixed_copy(mods, "Input", input);
	if (err) {
		err = ENOMEM;
		goto fail;
	}

	fr = &run->frames[run->depth];
	memset(fr, 0, sizeof(*fr));
	fr->flow = run->flow;
	fr->cur = cur;
	fr->loops = run->loops;
	fr->fattrs = run->fattrs;
	fr->modules = run->modules;
	fr->external = cd->external;
	fr->lex = cd->lex;
	fr->customer = cd->customer;

	run->flow = NULL;
	run->loops = NULL;
	err = frun_set_flow(run, module);
	if (err) {
		run->flow = fr->flow;
		run->loops = fr->loops;
		run->cur = cur;
		memset(fr, 0, sizeof(*fr));
		goto fail;
	}

	run->fattrs = fattrs;
	run->modules = mods;
	cd->external = ext;
	cd->lex = lex;
	cd->customer = cust;
	++run->depth;
	return 0;

 fail:
	mem_deref(fattrs);
	mem_deref(mods);
	mem_deref(ext);
	mem_deref(lex);
	mem_deref(cust);
	return err;
}


/* Back to the flow of the top frame; the module's own state goes. */
static void pop(struct frun *run)
{
	struct mframe *fr = &run->frames[--run->depth];
	struct cdata *cd = run->cd;

	mem_deref(run->flow);
	mem_deref(run->loops);
	mem_deref(run->fattrs);
	mem_deref(run->modules);
	mem_deref(cd->external);
	mem_deref(cd->lex);
	mem_deref(cd->customer);

	run->flow = fr->flow;
	run->cur = fr->cur;
	run->loops = fr->loops;
	run->fattrs = fr->fattrs;
	run->modules = fr->modules;
	cd->external = fr->external;
	cd->lex = fr->lex;
	cd->customer = fr->customer;
	memset(fr, 0, sizeof(*fr));
}


void module_leave(struct frun *run, const char *branch, struct strmap *data)
{
	size_t i;

	if (!run->depth)
		return;
	pop(run);

	/* the last invocation's result replaces the one before */
	for (i = strmap_count(run->modules); i > 0; i--) {
		const struct strmap_ent *e = strmap_at(run->modules, i - 1);

		if (!strcmp(e->key, "Result") ||
		    !strncmp(e->key, "ResultData.", 11))
			(void)strmap_del(run->modules, e->key);
	}
	if (branch)
		(void)strmap_set(run->modules, "Result", branch);
	if (data)
		(void)prefixed_copy(run->modules, "ResultData", data);
}


void module_unwind(struct frun *run)
{
	while (run->depth)
		pop(run);
}


enum flow_type module_root_type(const struct frun *run)
{
	if (run->depth)
		return run->frames[0].flow->type;
	return run->flow ? run->flow->type : FLOW_CONTACT_FLOW;
}
