/**
 * @file agent.h  Agents: their status (set by people) and their state
 * (set by the system), one state machine owned by the router.
 *
 * Owns nothing outside the router: struct ragent objects belong to the
 * router, which frees an agent removed by a reload once it is idle and
 * its agent queue is empty (mem_ref an agent to keep the pointer).
 * Every transition is timestamped with the router's clock and has an exit
 * on a timer, a hang-up, a device event or an API call. Events sent in a
 * state where they do not apply change nothing and return EPROTO, so
 * races (answer after timeout, hang-up while ringing) are harmless.
 */
#ifndef CALLFLOWD_AGENT_H
#define CALLFLOWD_AGENT_H

#include <stdbool.h>
#include <stdint.h>

struct router;
struct ragent;
struct rentry;
struct rqueue;
struct rproficiency;

enum rstatus_type {
	RSTATUS_ROUTABLE,	/* "Available" */
	RSTATUS_CUSTOM,		/* Break, Lunch...: non-productive */
	RSTATUS_OFFLINE,	/* "Offline" */
};
const char *rstatus_type_name(enum rstatus_type t);

enum agent_state {
	AGENT_IDLE,		/* no contact; Available if routable */
	AGENT_INCOMING,		/* offered, phone ringing */
	AGENT_ON_CONTACT,	/* connected */
	AGENT_ON_HOLD,		/* connected, customer on hold */
	AGENT_ACW,		/* after contact work */
	AGENT_MISSED,		/* did not answer an offer */
	AGENT_ERROR,		/* the offer could not be placed */
};
const char *agent_state_name(enum agent_state st);

/* Reads */
struct ragent *router_agent(const struct router *r, const char *ref);
const char *agent_username(const struct ragent *a);
const char *agent_first_name(const struct ragent *a);
const char *agent_last_name(const struct ragent *a);
const char *agent_password(const struct ragent *a);	/* or NULL */
const char *agent_contact_uri(const struct ragent *a);	/* or NULL */
const char *agent_profile_name(const struct ragent *a);	/* or NULL */
const char *agent_status(const struct ragent *a);
enum rstatus_type agent_status_type(const struct ragent *a);
const char *agent_next_status(const struct ragent *a);	/* pending, or NULL */
enum agent_state agent_state(const struct ragent *a);
/** What a console shows: the state, or the status name when idle. */
const char *agent_display_state(const struct ragent *a);
uint64_t agent_state_since(const struct ragent *a);
uint64_t agent_status_since(const struct ragent *a);
uint64_t agent_idle_since(const struct ragent *a);
bool agent_device(const struct ragent *a);
bool agent_routable(const struct ragent *a);	/* free for an offer now */
uint32_t agent_misses(const struct ragent *a);	/* in a row */
struct rentry *agent_entry(const struct ragent *a); /* offered/connected */
struct rqueue *agent_queue(const struct ragent *a);
/** The contact's owner arg of the current entry, or NULL. */
void *agent_contact_arg(const struct ragent *a);

/** Proficiencies in use ({name, value, level 1..5}); *np their number. */
const struct rproficiency *agent_proficiencies(const struct ragent *a,
					       size_t *np);
/** Replace them (API): routing runs again. They stay over reloads until
 *  the configuration changes this agent's "proficiencies". Levels outside
 *  1..5 or empty names/values: EINVAL, nothing changes. */
int agent_set_proficiencies(struct ragent *a, const struct rproficiency *pv,
			    size_t n);

/* Status (API): applies now when idle, missed or in error; during an
 * offer, a contact or ACW it applies when the agent is idle again.
 * ENOENT: no such status. */
int agent_set_status(struct ragent *a, const char *status);

/* Events (daemon / API) */
/** Registration (or WebRTC session) up or down. Down while ringing
 * withdraws the offer without counting a miss. */
int agent_set_device(struct ragent *a, bool up);
int agent_offer_answered(struct ragent *a);
/** Rejected, no answer, busy: the contact returns to the head of its
 * queue with its age; the agent goes to Missed. */
int agent_offer_missed(struct ragent *a);
int agent_hold(struct ragent *a, bool hold);
/** Either side hung up: the agent goes to ACW (or idle with no ACW). */
int agent_contact_ended(struct ragent *a);
/** The agent cleared ACW, Missed or Error (API). */
int agent_clear(struct ragent *a);

#endif
