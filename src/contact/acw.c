/**
 * @file acw.c  After-contact work in the contact record.
 *
 * A contact's record is written when the contact ends, while its agent's
 * after-contact work (ACW) may go on for minutes. Each agent in ACW for a
 * contact has an entry here, from the moment the contact leaves the agent
 * until the agent leaves ACW. When the ACW ends before the record is
 * written, its end goes into the record; when it ends after, the record
 * is written again (a revision: same ContactId, Agent section completed,
 * later LastUpdateTimestamp) from the snapshot kept here.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/routing/agent.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/store/crsnap.h>
#include <callflowd/core/events.h>
#include <callflowd/contact/announce.h>
#include <callflowd/store/journal.h>
#include <callflowd/core/log.h>
#include <callflowd/store/records.h>
#include <callflowd/core/util.h>
#include "contact_priv.h"

struct acw {
	struct hash *agents;	/* struct acwent by agent username */
	unsigned n;
};

struct acwent {
	struct le he;
	struct acw *w;
	char agent[64];
	char contact_id[40];
	uint64_t end_ms;	/* ACW over, record not written yet */
	struct crsnap *snap;	/* record written, ACW going on */
};

static void ent_destructor(void *arg)
{
	struct acwent *e = arg;

	if (e->w)
		--e->w->n;
	hash_unlink(&e->he);
	mem_deref(e->snap);
}

static void destructor(void *arg)
{
	struct acw *w = arg;

	hash_flush(w->agents);
	mem_deref(w->agents);
}

int acw_alloc(struct acw **wp)
{
	struct acw *w;
	int err;

	if (!wp)
		return EINVAL;
	w = mem_zalloc(sizeof(*w), destructor);
	if (!w)
		return ENOMEM;
	err = hash_alloc(&w->agents, 64);
	if (err)
		mem_deref(w);
	else
		*wp = w;
	return err;
}

static bool agent_cmp(struct le *le, void *arg)
{
	const struct acwent *e = le->data;

	return !strcmp(e->agent, arg);
}

static struct acwent *by_agent(const struct acw *w, const char *agent)
{
	struct le *le;

	le = hash_lookup(w->agents, hash_joaat_str(agent), agent_cmp,
			 (void *)agent);
	return le ? le->data : NULL;
}

static bool contact_cmp(struct le *le, void *arg)
{
	const struct acwent *e = le->data;

	return !strcmp(e->contact_id, arg);
}

/* Who is told a record is on disk: the event stream. */
struct recorded {
	struct events *bus;
	char id[40];
	char *queue, *agent;
	bool revision;
};

static void recorded_destructor(void *arg)
{
	struct recorded *r = arg;

	mem_deref(r->queue);
	mem_deref(r->agent);
	mem_deref(r->bus);
}

static struct recorded *recorded_alloc(struct events *bus, const char *id,
				       const char *queue, const char *agent,
				       bool revision)
{
	struct recorded *r = mem_zalloc(sizeof(*r), recorded_destructor);

	if (!r)
		return NULL;
	r->bus = mem_ref(bus);
	str_ncpy(r->id, id, sizeof(r->id));
	r->revision = revision;
	if ((queue && str_dup(&r->queue, queue)) ||
	    (agent && str_dup(&r->agent, agent)))
		r = mem_deref(r);
	return r;
}

/* contact.recorded / contact.record_updated: GET the record now */
static void recorded_h(int err, void *arg)
{
	struct recorded *r = arg;
	struct event ev;

	if (err)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = EVENT_CONTACT;
	ev.type = r->revision ? "contact.record_updated" : "contact.recorded";
	ev.ts = util_now_ms();
	ev.contact_id = r->id;
	ev.queue = r->queue;
	ev.agent = r->agent;
	events_emit(r->bus, &ev);
}

/* The revision: the record again, its ACW ended at end_ms. */
static void write_revision(struct ccenter *cc, struct acwent *e,
			   uint64_t end_ms)
{
	struct crsnap *rev = NULL;
	struct recorded *r;
	int err;

	r = recorded_alloc(announce_bus(cc->announce), e->contact_id,
			   NULL, e->agent, true);
	err = crsnap_acw_end(&rev, e->snap, end_ms);
	if (!err)
		err = records_write_snap(cc->records, rev,
					 r ? recorded_h : NULL, r);
	mem_deref(r);
	if (err)
		log_error("contact %s: record with the end of agent %s's "
			  "after-contact work not written: %m",
			  e->contact_id, e->agent, err);
	mem_deref(rev);
}

void acw_contact_left(struct ccenter *cc, struct contact *c)
{
	struct ragent *a;
	struct acwent *e;
	const char *user = c->cd->agent_username;

	if (!cc->acw || !user || !c->info.agent_connected_ms)
		return;
	/* the same instant as the disconnect when the contact is ending */
	if (!c->info.agent_ended_ms)
		c->info.agent_ended_ms = c->info.disconnected_ms ?
			c->info.disconnected_ms : util_now_ms();
	a = cc->router ? router_agent(cc->router, user) : NULL;
	if (!a || agent_state(a) != AGENT_ACW) {
		/* no after-contact work (or it is over already) */
		c->info.acw_end_ms = c->info.agent_ended_ms;
		return;
	}

	e = by_agent(cc->acw, user);
	if (e) {
		/* an older contact's ACW could not have outlived this one */
		if (e->snap)
			write_revision(cc, e, util_now_ms());
		mem_deref(e);
	}
	e = mem_zalloc(sizeof(*e), ent_destructor);
	if (!e)
		return;
	str_ncpy(e->agent, user, sizeof(e->agent));
	str_ncpy(e->contact_id, c->cd->contact_id, sizeof(e->contact_id));
	hash_append(cc->acw->agents, hash_joaat_str(e->agent), &e->he, e);
	e->w = cc->acw;
	++e->w->n;
}

static struct acwent *by_contact(const struct acw *w, const char *id)
{
	struct le *le = hash_apply(w->agents, contact_cmp, (void *)id);

	return le ? le->data : NULL;
}

int acw_write_record(struct ccenter *cc, const struct contact *c,
		     struct crecord_info *info)
{
	struct acwent *e;
	struct crsnap *snap = NULL;
	struct recorded *r;
	int err;

	if (!cc->records)
		return 0;
	e = cc->acw ? by_contact(cc->acw, c->cd->contact_id) : NULL;
	if (e && e->end_ms) {
		/* over already: the record carries it */
		info->acw_end_ms = e->end_ms;
		e = mem_deref(e);
	}
	r = recorded_alloc(announce_bus(cc->announce), c->cd->contact_id,
			   info->queue_name,
			   c->cd->agent_username, false);
	err = records_snap(cc->records, &snap, c->cd, info);
	/* the journal lets the contact go once its record is on disk */
	if (!err && cc->journal)
		err = journal_finish(cc->journal, c->cd->contact_id, snap,
				     r ? recorded_h : NULL, r);
	else if (!err)
		err = records_write_snap(cc->records, snap,
					 r ? recorded_h : NULL, r);
	mem_deref(r);
	/* going on: kept to write the record again when it ends */
	if (!err && e && !e->snap)
		e->snap = mem_ref(snap);
	mem_deref(snap);
	return err;
}

void acw_agent_changed(struct ccenter *cc, const struct ragent *a)
{
	struct acwent *e;

	if (!cc->acw || agent_state(a) == AGENT_ACW)
		return;
	e = by_agent(cc->acw, agent_username(a));
	if (!e || e->end_ms)
		return;
	if (!e->snap) {
		/* the record is still to come: it will carry the end */
		e->end_ms = util_now_ms();
		return;
	}
	write_revision(cc, e, util_now_ms());
	mem_deref(e);
}

unsigned acw_count(const struct ccenter *cc)
{
	return cc->acw ? cc->acw->n : 0;
}
