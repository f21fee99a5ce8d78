/**
 * @file announce.h  What the contact center tells the event bus: contact
 * changes and agent transitions, in the shape the event stream documents.
 *
 * Owns each agent's last announced status and state, so that a
 * transition is told as "agent.status", "agent.state" or both, and the
 * same state twice is told once. Emits on the bus it was given.
 */
#ifndef CALLFLOWD_ANNOUNCE_H
#define CALLFLOWD_ANNOUNCE_H

struct announce;
struct cdata;
struct events;
struct ragent;

int  announce_alloc(struct announce **anp, struct events *bus);
/**
 * A contact changed: type is the part after "contact." (initiated,
 * queued, connected, held, resumed, transferred, ended). queue and
 * reason may be NULL; the agent is cd's agent_username once connected.
 */
void announce_contact(struct announce *an, const char *type,
		      const struct cdata *cd, const char *queue,
		      const char *reason);
/** An agent transition: agent.status and/or agent.state for what
 *  changed since the last call for that agent. */
void announce_agent(struct announce *an, const struct ragent *a);
/** The bus announcements go to. */
struct events *announce_bus(const struct announce *an);

#endif
