/**
 * @file callback.h  Callback contacts (CreateCallbackContact).
 *
 * A callback is a new contact segment (InitiationMethod CALLBACK, linked
 * to the caller's segment) with no live caller: it is scheduled for
 * InitialCallDelaySeconds, then waits in its queue like any contact.
 * When an agent takes it, the agent's phone rings first; once the agent
 * answers the customer's number is dialled on the outbound trunk and the
 * two are bridged. No answer or busy: the agent is released and the
 * callback is scheduled again after RetryDelaySeconds, up to
 * MaximumConnectionAttempts, then it ends with its record.
 *
 * Owns the struct callback hanging off such a contact (its schedule, the
 * attempts, the customer's dial-out state); the contact owns it.
 */
#ifndef CALLFLOWD_CALLBACK_H
#define CALLFLOWD_CALLBACK_H

#include <stdint.h>

struct app;
struct contact;
struct fcallback;
struct frun;
struct rqueue;

/** The flow port (flow_ops.callback): arg is the caller's leg. */
int  callback_op(struct frun *run, const struct fcallback *cb, void *arg);
/** The agent answered a callback contact: dial the customer. */
void callback_agent_answered(struct contact *c);
/** Callbacks scheduled (waiting for their delay) for queue q. */
uint32_t callback_scheduled(const struct app *app, const struct rqueue *q);

#endif
