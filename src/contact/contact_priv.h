/**
 * @file contact_priv.h  Private: the contact object shared by contact.c
 * (lifecycle, SIP) and contact_ops.c (the flow ports: media, input,
 * queue, Lambda).
 */
#ifndef CALLFLOWD_CONTACT_PRIV_H
#define CALLFLOWD_CONTACT_PRIV_H

#include <callflowd/libre.h>
#include <callflowd/collect.h>
#include <callflowd/contact.h>
#include <callflowd/interp.h>
#include <callflowd/mstream.h>
#include <callflowd/queue.h>
#include <callflowd/records.h>

struct app;
struct audio;
struct config;
struct flowset;
struct httpc_req;
struct media_req;
struct player;
struct sdpneg;

enum contact_mop {
	MOP_NONE, MOP_PLAY, MOP_COLLECT, MOP_LOOP, MOP_WAIT, MOP_INVOKE
};

struct afifo;
struct ragent;
struct rentry;

/**
 * One call leg's media and the flow run playing to it: the customer's leg
 * of every contact, and the agent's leg while an agent is offered or
 * connected. Its flow ports (contact_ops.c) take the leg as their arg.
 */
struct leg {
	struct contact *c;
	const char *who;		/* "customer" or "agent", for logs */
	struct sipsess *sess;
	struct sdpneg *neg;
	struct mstream *ms;
	enum mstream_codec codec;
	struct sa raddr;
	struct frun *run;		/* the flow run playing to this leg */
	struct fenv env;

	/* the bridge: audio and keys from the other leg */
	struct leg *peer;
	struct afifo *in;

	/* the media op of the running action */
	enum contact_mop mop;
	struct player *player;
	struct media_req **reqv;	/* prompt audio being fetched */
	struct aslot { struct leg *l; size_t i; } *slotv;
	bool fetching;			/* inside fetch(): defer settling */
	int fetch_err;
	struct audio **audv;		/* fetched audio, in order */
	size_t audc;
	size_t aud_ready;
	bool loop;			/* loop prompts: play round and round */
	uint32_t interrupt_ms;
	struct collector col;
	bool collecting;
	bool prompt_done;
	struct tmr col_tmr;
	struct tmr op_tmr;
	struct httpc_req *http;
};

struct contact {
	struct le le;
	struct app *app;
	struct config *cfg;		/* the version it started with */
	struct flowset *flows;		/* likewise */
	struct flow *flow;		/* the entry flow */
	struct cdata *cd;
	enum contact_state state;
	bool listed;

	struct leg cust;		/* the customer's leg */
	struct leg *agent;		/* the agent's leg, when there is one */
	struct leg *agent_old;		/* a released leg, freed from the loop */
	struct tmr agent_tmr;
	struct rentry *entry;		/* in the router while queued */
	bool whispering;		/* whisper flows still playing */

	struct crecord_info info;
	char reason[32];
	char sip_status[8];
	bool recorded;
	struct tmr free_tmr;
	struct tmr queue_tmr;
	struct callback *cb;		/* a callback contact (callback.c) */
};

/* contact.c */
void contact_end(struct contact *c, const char *reason);
/** A contact with no leg up yet (callbacks): app, config, flows and
 * timers set; the caller lists it and fills in cd. */
int  contact_alloc_bare(struct contact **cp, struct app *app);
/* contact_agent.c: the agent's leg */
struct ragent;
int  contact_offer(struct contact *c, struct ragent *a);
void contact_offer_cancel(struct contact *c, struct ragent *a);
/** The contact ends: hang up the agent's leg, leave the router. */
void contact_agent_end(struct contact *c);
/** The router's events about the contact's entry. */
void contact_entry_event(struct rentry *e, enum rentry_event ev,
			 struct ragent *a, void *arg);
/* contact_ops.c: a leg's flow ports and media */
void leg_init(struct leg *l, struct contact *c, const char *who);
/** Free what the leg holds (its stream, session, run, player). */
void leg_reset(struct leg *l);
void leg_env_init(struct leg *l);
void leg_media_stop(struct leg *l);
void leg_media_src(int16_t *frame, size_t n, void *arg);
void leg_media_sink(const int16_t *frame, size_t n, void *arg);
void leg_media_dtmf(char key, enum dtmf_source src, void *arg);
void leg_dtmf(struct leg *l, char key, const char *how);
/** Join two legs' audio and keys both ways (0), or part them (NULL). */
int  leg_bridge(struct leg *a, struct leg *b);
void leg_unbridge(struct leg *l);

#endif
