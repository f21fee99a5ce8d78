/**
 * @file party.c  A party of a contact: its leg and the flow run playing
 * to it. Every run on every party (the caller's flows, whispers, hold
 * flows, the disconnect flow) starts here and is logged the same way;
 * every key any leg receives goes through party_key().
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/flow/interp.h>
#include <callflowd/store/flowlog.h>
#include <callflowd/call/leg.h>
#include "contact_priv.h"

void party_init(struct party *p, struct contact *c, const char *role)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->role = role;
	tmr_init(&p->op.col_tmr);
	tmr_init(&p->op.op_tmr);
}

void party_stop(struct party *p)
{
	if (!p)
		return;
	fop_stop(p);
	if (p->run)
		frun_cancel(p->run);
}

void party_reset(struct party *p)
{
	if (!p)
		return;
	party_stop(p);
	p->run = mem_deref(p->run);
	/* hung up now, freed outside its handlers (we may be in one) */
	leg_hangup(p->leg);
	(void)loop_defer_deref(p->leg);
	p->leg = NULL;
}

bool party_running(const struct party *p)
{
	return p && p->run && !frun_ended(p->run);
}

static void party_destructor(void *arg)
{
	party_reset(arg);
}

void party_release(struct party *p)
{
	if (!p)
		return;
	/* silent and hung up now; the memory goes outside any handler of
	 * its own (its run or its leg may be the caller) */
	party_stop(p);
	leg_hangup(p->leg);
	(void)loop_defer_deref(p);
}

struct party *party_alloc(struct contact *c, size_t size, const char *role,
			  mem_destroy_h *dh)
{
	struct party *p;

	if (size < sizeof(*p))
		return NULL;
	p = mem_zalloc(size, dh ? dh : party_destructor);
	if (!p)
		return NULL;
	party_init(p, c, role);
	fop_env_init(p);
	return p;
}

static void step_h(struct frun *run, const struct fstep *st, void *arg)
{
	struct party *p = arg;

	flowlog_step(p->c->cc->flowlog, run, st);
}

int party_run(struct party *p, struct flow *flow, frun_end_h *endh,
	      void *arg)
{
	int err;

	if (!p || !flow)
		return EINVAL;
	party_stop(p);
	p->run = mem_deref(p->run);
	err = frun_alloc(&p->run, flow, p->c->cd, &p->env, endh, arg);
	if (err)
		return err;
	frun_set_step_handler(p->run, step_h, p);
	return frun_start(p->run, NULL);
}

void party_key(struct party *p, char key, const char *how)
{
	struct leg *peer;

	if (!p || p->c->state == CONTACT_ENDED)
		return;
	log_debug("contact %s: %s key %c (%s)", p->c->cd->contact_id,
		  p->role, key, how);
	if (p->op.collecting) {
		fop_key(p, key);
		return;
	}
	if (p->op.kind == FOP_LEX) {
		lex_key(p, key);
		return;
	}
	/* the touchtone buffer, when a flow turned it on, keeps it */
	if (p->run && frun_key(p->run, key))
		return;
	/* bridged: the other side hears the key as an event */
	peer = leg_peer(p->leg);
	if (peer) {
		char keys[2] = {key, '\0'};

		(void)leg_send_dtmf(peer, keys);
	}
	/* else: keys outside an input action are not kept */
}

void contact_tap_h(const int16_t *frame, size_t n, bool rx, void *arg)
{
	struct contact *c = arg;

	recording_tap_h(frame, n, rx, c);
	lex_frame(&c->cust, frame, n, rx);
}

void party_dtmf_h(struct leg *leg, char key, const char *how, void *arg)
{
	(void)leg;
	party_key(arg, key, how);
}

struct flow *contact_hook_flow(const struct contact *c, enum cdata_hook hook,
			       const char *def)
{
	const char *ref = c->cd->hooks[hook];
	struct flow *f;

	/* DisableExecution: neither the hook's flow nor the default */
	if (c->cd->hook_disabled[hook])
		return NULL;
	f = ref ? flowset_find(c->flows, ref) : NULL;
	if (ref && !f)
		log_warn("contact %s: %s flow '%s' not found",
			 c->cd->contact_id, cdata_hook_name(hook), ref);
	return f || !def ? f : flowset_find(c->flows, def);
}
