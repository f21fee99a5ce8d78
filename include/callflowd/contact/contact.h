/**
 * @file contact.h  A live voice contact: the hub that owns one caller's
 * SIP session, media, flow run and record.
 *
 * Owns the sipsess of the customer leg, its media stream and player, the
 * flow run (holding the flow version it started with), the digit
 * collector and the record being built. The destructor tears all of it
 * down and writes the record if that has not happened yet.
 */
#ifndef CALLFLOWD_CONTACT_H
#define CALLFLOWD_CONTACT_H

#include <stddef.h>
#include <stdint.h>
#include <callflowd/core/libre.h>

struct app;
struct contact;
struct flow;
struct sip_msg;
struct trunk;
struct cdata;

enum contact_state {
	CONTACT_NEW, CONTACT_IN_FLOW, CONTACT_QUEUED, CONTACT_ENDING,
	CONTACT_ENDED, CONTACT_CONNECTED	/* with an agent */
};
const char *contact_state_name(enum contact_state st);

/**
 * Accept an inbound INVITE that passed admission and run flow on it. On
 * failure scodep and reasonp say what to answer (e.g. 488) and a record of
 * the failed contact has been written.
 */
int contact_inbound(struct contact **cp, struct app *app,
		    const struct sip_msg *msg, const struct trunk *trunk,
		    const char *number, struct flow *flow,
		    uint16_t *scodep, const char **reasonp);
/** Hang up with a reason (shutdown, API); the record is written. */
void contact_hangup(struct contact *c, const char *disconnect_reason);

/* For the API: read-only views. */
const struct cdata *contact_cdata(const struct contact *c);
enum contact_state contact_state(const struct contact *c);
const char *contact_flow_name(const struct contact *c);
const char *contact_action_id(const struct contact *c);
uint64_t contact_started_ms(const struct contact *c);
struct mstream;
/** The contact's media stream (NULL before media is set up). */
const struct mstream *contact_mstream(const struct contact *c);
/** The list element (app->contacts holds struct contact). */
struct contact *contact_from_le(struct le *le);

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

/* Hold (contact_hold.c) */
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
/** The username of the agent connected (or being offered), or NULL. */
const char *contact_agent(const struct contact *c);

/* Call recording (contact_record.c) */
/** Pause (true) or resume the recording: the paused span is silence in
 * both channels and listed in the record (Recordings[].PausedSpans).
 * 0 (also when already so); ENOENT when nothing is being recorded,
 * EOVERFLOW past 32 pauses. */
int contact_recording_pause(struct contact *c, bool pause);
/** The recording's file, or NULL when the contact is not recorded. */
const char *contact_recording_location(const struct contact *c);
bool contact_recording_paused(const struct contact *c);

#endif
