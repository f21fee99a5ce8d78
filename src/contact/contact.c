/**
 * @file contact.c  The contact object: its state machine, its one
 * teardown, its record, and the views the API reads.
 *
 * States and the moves between them (contact_set_state() refuses any
 * other, so a race shows in the log instead of a half-changed contact):
 *
 *   New       -> Flow (the caller's INVITE answered), Scheduled (a
 *                callback), Ended
 *   Flow      -> Flow (a transfer flow, the disconnect flow), Queued,
 *                External (bridged to a third party), Ended
 *   Queued    -> Queued (a queue transfer), Flow (a transfer with a
 *                transfer flow), Whisper (an agent answered), Dialling
 *                (a callback's agent answered), External, Ended
 *   Scheduled -> Queued (its time came), Ended
 *   Dialling  -> Talking (the customer answered), Scheduled (not: retry),
 *                Ended
 *   Whisper   -> Talking (whispers over), Flow, Queued, External, Ended
 *   Talking   -> Flow, Queued, External, Ended
 *   External  -> Ended
 *   Ended     -> (none)
 *
 * Hold (hold.c) is not a state: it is who is held while Whisper or
 * Talking, closed whenever the contact leaves them.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/flow/interp.h>
#include <callflowd/media/mstream.h>
#include <callflowd/store/journal.h>
#include <callflowd/call/leg.h>
#include <callflowd/contact/announce.h>
#include "contact_priv.h"

#define S(x) (1u << CONTACT_##x)

/* to-states allowed from each state */
static const unsigned moves[] = {
	[CONTACT_NEW]       = S(FLOW) | S(SCHEDULED) | S(ENDED),
	[CONTACT_FLOW]      = S(FLOW) | S(QUEUED) | S(EXTERNAL) | S(ENDED),
	[CONTACT_QUEUED]    = S(QUEUED) | S(FLOW) | S(WHISPER) | S(DIALLING) |
			      S(EXTERNAL) | S(ENDED),
	[CONTACT_SCHEDULED] = S(QUEUED) | S(ENDED),
	[CONTACT_DIALLING]  = S(TALKING) | S(SCHEDULED) | S(ENDED),
	[CONTACT_WHISPER]   = S(TALKING) | S(FLOW) | S(QUEUED) |
			      S(EXTERNAL) | S(ENDED),
	[CONTACT_TALKING]   = S(FLOW) | S(QUEUED) | S(EXTERNAL) | S(ENDED),
	[CONTACT_EXTERNAL]  = S(ENDED),
	[CONTACT_ENDED]     = 0,
};

static const char *phase_names[] = {
	"New", "Flow", "Queued", "Scheduled", "Dialling", "Whisper",
	"Talking", "External", "Ended"
};

static const char *state_names[] = {
	"New", "InFlow", "Queued", "Queued", "Connected", "Connected",
	"Connected", "Connected", "Ended"
};

const char *contact_state_name(enum contact_state st)
{
	return (size_t)st < ARRAY_SIZE(state_names) ? state_names[st] : "?";
}

const char *contact_phase_name(enum contact_state st)
{
	return (size_t)st < ARRAY_SIZE(phase_names) ? phase_names[st] : "?";
}

bool contact_may_move(enum contact_state from, enum contact_state to)
{
	return (size_t)from < ARRAY_SIZE(moves) &&
		(size_t)to < ARRAY_SIZE(moves) && (moves[from] & (1u << to));
}

int contact_set_state(struct contact *c, enum contact_state to)
{
	if (!c || (size_t)to >= ARRAY_SIZE(moves))
		return EINVAL;
	if (!contact_may_move(c->state, to)) {
		log_error("contact %s: no move from %s to %s",
			  c->cd ? c->cd->contact_id : "?",
			  contact_phase_name(c->state),
			  contact_phase_name(to));
		return EPROTO;
	}
	log_debug("contact %s: %s -> %s", c->cd ? c->cd->contact_id : "?",
		  contact_phase_name(c->state), contact_phase_name(to));
	/* hold only lasts while an agent is on the contact */
	if (to != CONTACT_WHISPER && to != CONTACT_TALKING)
		contact_hold_close(c);
	c->state = to;
	return 0;
}

bool contact_connected(const struct contact *c)
{
	return c && (c->state == CONTACT_WHISPER ||
		     c->state == CONTACT_TALKING ||
		     c->state == CONTACT_EXTERNAL);
}

/* -- the record -- */

int contact_write_record(struct contact *c, struct crecord_info *info)
{
	return acw_write_record(c->cc, c, info);
}

static void write_record(struct contact *c)
{
	struct crecord_info info = c->info;

	if (c->recorded || !c->cd)
		return;
	c->recorded = true;

	if (!info.disconnected_ms)
		info.disconnected_ms = util_now_ms();
	if (!info.disconnect_reason)
		info.disconnect_reason = c->reason[0] ? c->reason : "OTHER";
	if (info.queue_name && !info.dequeued_ms)
		info.dequeued_ms = info.disconnected_ms;	/* abandoned */
	info.flow_name = c->flow ? c->flow->name : NULL;

	if (contact_write_record(c, &info))
		log_error("contact %s: record not written", c->cd->contact_id);
}

/* -- lifecycle -- */

static void destructor(void *arg)
{
	struct contact *c = arg;

	/* contact_end() did the teardown; this frees what is left */
	tmr_cancel(&c->queue_tmr);
	tmr_cancel(&c->join_tmr);
	list_unlink(&c->le);
	party_reset(&c->cust);
	mem_deref(c->agent);
	mem_deref(c->entry);
	mem_deref(c->cb);
	mem_deref(c->rec);
	mem_deref(c->flow);
	mem_deref(c->flows);
	mem_deref(c->cfg);
	mem_deref(c->cd);
}

int contact_alloc(struct contact **cp, struct ccenter *cc)
{
	struct contact *c;

	if (!cp || !cc)
		return EINVAL;
	c = mem_zalloc(sizeof(*c), destructor);
	if (!c)
		return ENOMEM;
	c->cc = cc;
	c->cfg = mem_ref(cc->cfg);
	c->flows = mem_ref(cc->flows);
	c->state = CONTACT_NEW;
	c->info.initiated_ms = util_now_ms();
	party_init(&c->cust, c, "customer");
	tmr_init(&c->queue_tmr);
	tmr_init(&c->join_tmr);
	*cp = c;
	return 0;
}

void contact_list(struct contact *c)
{
	if (!c || c->listed)
		return;
	list_append(&c->cc->contacts, &c->le, c);
	c->listed = true;
	++c->cc->ncontacts;
}

void contact_end(struct contact *c, const char *reason)
{
	struct ccenter *cc;

	if (!c || c->state == CONTACT_ENDED)
		return;
	cc = c->cc;

	if (!c->reason[0] && reason)
		str_ncpy(c->reason, reason, sizeof(c->reason));
	if (!c->info.disconnected_ms)
		c->info.disconnected_ms = util_now_ms();
	(void)contact_set_state(c, CONTACT_ENDED);	/* closes the hold */
	tmr_cancel(&c->queue_tmr);
	tmr_cancel(&c->join_tmr);

	/* 1. nothing plays or runs any more */
	party_stop(&c->cust);
	/* 2. the agent's part: out of the router (ACW), leg hung up */
	contact_agent_end(c);
	/* 3. the recording closes while the customer's leg is still there */
	recording_end(c);
	/* 4. the customer's leg: BYE (or the failure answer was sent) */
	party_reset(&c->cust);
	/* 5. the record, then who listens */
	write_record(c);
	if (c->cd) {
		announce_contact(cc->announce, "ended", c->cd,
				 c->info.queue_name, c->reason[0] ?
				 c->reason : "OTHER");
		log_info("contact %s: ended (%s) after %llu ms",
			 c->cd->contact_id, c->reason[0] ? c->reason :
			 "OTHER", (unsigned long long)
			 (c->info.disconnected_ms - c->info.initiated_ms));
	}
	/* 6. off the live list now; freed outside whatever called us */
	if (c->listed) {
		list_unlink(&c->le);
		--cc->ncontacts;
		c->listed = false;
	}
	(void)loop_defer_deref(c);
}

void contact_hangup(struct contact *c, const char *disconnect_reason)
{
	contact_end(c, disconnect_reason ? disconnect_reason : "OTHER");
}

/* -- views -- */

const struct cdata *contact_cdata(const struct contact *c)
{
	return c ? c->cd : NULL;
}

enum contact_state contact_state(const struct contact *c)
{
	return c ? c->state : CONTACT_ENDED;
}

const char *contact_flow_name(const struct contact *c)
{
	const struct flow *f = c && c->cust.run ? frun_flow(c->cust.run) :
		NULL;

	return f ? f->name : NULL;
}

const char *contact_action_id(const struct contact *c)
{
	const struct flow_action *a = c && c->cust.run &&
		!frun_ended(c->cust.run) ? frun_action(c->cust.run) : NULL;

	return a ? a->id : NULL;
}

uint64_t contact_started_ms(const struct contact *c)
{
	return c ? c->info.initiated_ms : 0;
}

const struct leg *contact_leg(const struct contact *c, unsigned i,
			      const char **rolep)
{
	const struct party *p = !c ? NULL : i == 0 ? &c->cust :
		i == 1 ? c->agent : NULL;

	if (!p || !p->leg)
		return NULL;
	if (rolep)
		*rolep = p->role;
	return p->leg;
}
