/**
 * @file contact.h  A live voice contact: one caller's call through flows,
 * queues and agents, and its record.
 *
 * Owns its parties (the customer's leg and flow run, and an agent's or a
 * third party's), its contact data and record being built, its queue
 * entry, hold and call recording, and references to the configuration
 * and flow versions it started with. Its lifecycle is one state machine
 * (docs/architecture.md has the transition table) with one teardown path,
 * run when the contact ends; its record is always written.
 */
#ifndef CALLFLOWD_CONTACT_H
#define CALLFLOWD_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cdata;
struct contact;

enum contact_state {
	CONTACT_NEW,		/* its first leg is being set up */
	CONTACT_FLOW,		/* a flow runs on the customer */
	CONTACT_QUEUED,		/* in a queue (an agent may be ringing) */
	CONTACT_SCHEDULED,	/* a callback waiting for its time */
	CONTACT_DIALLING,	/* a callback: the customer's phone rings */
	CONTACT_WHISPER,	/* an agent took it: whisper flows play */
	CONTACT_TALKING,	/* customer and agent joined (or on hold) */
	CONTACT_EXTERNAL,	/* customer and a third party joined */
	CONTACT_ENDED,
};
/** The state as the API's "state" shows it: New, InFlow, Queued,
 *  Connected or Ended. */
const char *contact_state_name(enum contact_state st);
/** The state itself: New, Flow, Queued, Scheduled, Dialling, Whisper,
 *  Talking, External, Ended (the API's "phase"). */
const char *contact_phase_name(enum contact_state st);

/** Whether the state machine moves from one state to another (the
 *  transition table of contact.c). */
bool contact_may_move(enum contact_state from, enum contact_state to);

/** Hang up with a reason (shutdown, API); the record is written. */
void contact_hangup(struct contact *c, const char *disconnect_reason);

/* Views */
const struct cdata *contact_cdata(const struct contact *c);
enum contact_state contact_state(const struct contact *c);
const char *contact_flow_name(const struct contact *c);
const char *contact_action_id(const struct contact *c);
uint64_t contact_started_ms(const struct contact *c);
/** The username of the agent connected (or being offered), or NULL. */
const char *contact_agent(const struct contact *c);
/** The contact's i-th leg (0: the customer's, 1: an agent's or a third
 *  party's), NULL when it has none; *rolep says whose. */
struct leg;
const struct leg *contact_leg(const struct contact *c, unsigned i,
			      const char **rolep);

/** What a blind transfer (API, agent's REFER) hands the contact to. */
enum contact_xfer_kind {
	CONTACT_XFER_QUEUE, CONTACT_XFER_AGENT, CONTACT_XFER_NUMBER
};
/**
 * Transfer a live contact: to a queue or an agent (the segment ends with
 * NextContactId; the next one, InitiationMethod TRANSFER, runs the
 * "Default queue transfer"/"Default agent transfer" flow if there is one,
 * else waits in the queue), or to a phone number (dialled on the outbound
 * trunk, bridged). An agent on the contact is released (after-contact
 * work). 0; EINVAL bad target, ENOENT unknown queue/agent, EPERM number
 * not allowed, EBUSY not now, EOVERFLOW queue full / too many segments;
 * errbuf says why.
 */
int contact_transfer(struct contact *c, enum contact_xfer_kind kind,
		     const char *target, char *errbuf, size_t errsz);

/* Hold */
/** Put the connected contact's customer on hold (true) or resume: the
 * bridge stops and the hold flows play, or the legs are joined again.
 * 0; ENOTCONN when the contact is not connected to an agent. */
int contact_hold(struct contact *c, bool hold);
/** Who is on hold now (enum hold_state of cdata.h; 0: nobody). */
int contact_hold_state(const struct contact *c);
/** When the current hold began (0: not on hold). */
uint64_t contact_hold_since(const struct contact *c);
/** Holds so far (NumberOfHolds). */
uint32_t contact_holds(const struct contact *c);

/* Call recording */
/** Pause (true) or resume the recording: the paused span is silence in
 * both channels and listed in the record (Recordings[].PausedSpans).
 * 0 (also when already so); ENOENT when nothing is being recorded,
 * EOVERFLOW past 32 pauses. */
int contact_recording_pause(struct contact *c, bool pause);
/** The recording's file, or NULL when the contact is not recorded. */
const char *contact_recording_location(const struct contact *c);
bool contact_recording_paused(const struct contact *c);

#endif
