/**
 * @file agents.h  The daemon's glue between the router (queues, agents'
 * states), the registrar (agents' devices) and contacts (offers).
 *
 * Owns nothing but the router instance in app->router: offers from the
 * router become calls to the agent's device through the contact, device
 * changes from the registrar become agent events.
 */
#ifndef CALLFLOWD_AGENTS_H
#define CALLFLOWD_AGENTS_H

#include <stdbool.h>

struct app;
struct config;

/** Create app->router from app->cfg. */
int  agents_init(struct app *app);
/** Tell the event bus every agent's status and state it has not seen
 *  yet (at start and after a reload: the agent activity log's baseline). */
void agents_announce(struct app *app);
/** Apply a reloaded configuration (keeps agents' states and queues). */
int  agents_reload(struct app *app, const struct config *cfg);
void agents_close(struct app *app);
/** An agent's device registered (up) or its last binding went (down). */
void agents_device(const char *username, bool up, void *arg);
/** One of an agent's devices went away (registrar_drop_h). */
void agents_binding_gone(const char *username, const char *uri, void *arg);

#endif
