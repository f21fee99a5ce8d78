/**
 * @file events.h  The event bus: contact and agent changes, as they
 * happen, for whoever listens (the API's WebSocket stream).
 *
 * Owns the bus (one per process, created by the API; emitting with no
 * bus or no subscriber costs a pointer test) and each agent's last seen
 * status and state, so an agent transition is told as "agent.status",
 * "agent.state" or both. Events are encoded to JSON once and handed to
 * every subscriber in emit order, on the loop thread; a subscriber must
 * not emit from its handler.
 */
#ifndef CALLFLOWD_EVENTS_H
#define CALLFLOWD_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

struct events;
struct event_sub;
struct cdata;
struct ragent;

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

/** Create the process's bus (one at a time: EALREADY). */
int  events_alloc(struct events **evp);
/** The process's bus (NULL before the API made it). */
struct events *events_bus(void);
/** Listen until *subp is dereferenced. */
int  events_subscribe(struct event_sub **subp, struct events *evs,
		      event_h *h, void *arg);
/** Subscribers of the process's bus (0 without a bus). */
unsigned events_subscribers(void);
/** Send ev to every subscriber of the process's bus. */
void events_emit(const struct event *ev);
/** The JSON text of ev (mem string). */
int  event_encode(char **jsonp, const struct event *ev);

/**
 * A contact changed: type is the part after "contact." (initiated,
 * queued, connected, held, resumed, transferred, ended). queue and
 * reason may be NULL; the agent is cd's agent_username once connected.
 */
void events_contact(const char *type, const struct cdata *cd,
		    const char *queue, const char *reason);
/** An agent transition (router_agent_h): emits agent.status and/or
 *  agent.state for what changed since the last call for that agent. */
void events_agent(const struct ragent *a);

#endif
