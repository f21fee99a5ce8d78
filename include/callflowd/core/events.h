/**
 * @file events.h  The event bus: what happens to contacts and agents, as
 * it happens, for whoever listens (the API's WebSocket stream, the agent
 * activity log).
 *
 * Owns its subscriber list. The daemon creates one bus and hands it to
 * the modules that emit and listen; emitting with no subscriber costs a
 * list test. Events are encoded to JSON once and handed to every
 * subscriber in emit order, on the loop thread; a subscriber must not
 * emit from its handler. What goes into contact and agent events is
 * their emitters' business (contact/announce.h).
 */
#ifndef CALLFLOWD_EVENTS_H
#define CALLFLOWD_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

struct events;
struct event_sub;

enum event_kind {
	EVENT_CONTACT,
	EVENT_AGENT,
};

/** One event; every member but type, kind and ts may be NULL. */
struct event {
	enum event_kind kind;
	const char *type;	/* "contact.queued", "agent.state", ... */
	uint64_t ts;		/* UTC ms */
	const char *contact_id;
	const char *queue;
	const char *agent;	/* username */
	const char *reason;	/* contact.ended: its DisconnectReason */
	const char *status;	/* agent.*: status now */
	const char *state;	/* agent.*: state now (agent_state_name) */
	const char *previous;	/* agent.*: the status or state before */
	const char *caller;	/* contact.initiated */
	const char *dialled;	/* contact.initiated */
};

/** ev as a subscriber gets it, with its JSON text (no newline). */
typedef void (event_h)(const struct event *ev, const char *json, void *arg);

int  events_alloc(struct events **evp);
/** Listen until *subp is dereferenced (the bus may go first). */
int  events_subscribe(struct event_sub **subp, struct events *evs,
		      event_h *h, void *arg);
/** Subscribers of evs (0 for NULL). */
unsigned events_subscribers(const struct events *evs);
/** Send ev to every subscriber of evs (NULL: nothing). */
void events_emit(struct events *evs, const struct event *ev);
/** The JSON text of ev (mem string). */
int  event_encode(char **jsonp, const struct event *ev);

#endif
