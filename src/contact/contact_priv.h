/**
 * @file contact_priv.h  Private: the contact object shared by contact.c
 * (lifecycle, SIP) and contact_ops.c (the flow ports: media, input,
 * queue, Lambda).
 */
#ifndef CALLFLOWD_CONTACT_PRIV_H
#define CALLFLOWD_CONTACT_PRIV_H

#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/collect.h>
#include <callflowd/contact/contact.h>
#include <callflowd/flow/interp.h>
#include <callflowd/media/mstream.h>
#include <callflowd/routing/queue.h>
#include <callflowd/store/records.h>

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
	char *uri;			/* the URI we dialled, if we did */
	struct sipsess *sess;
	struct sdpneg *neg;
	struct mstream *ms;
	bool ms_counted;		/* its packets are in app->stats */
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

/* Hold of a connected contact (contact_hold.c): who is held, since
 * when, and which legs play a hold flow (theirs to stop on resume). */
struct chold {
	enum hold_state st;
	uint64_t since_ms;
	bool cust_flow;
	bool agent_flow;
	bool whispering;	/* whispers were still playing at hold */
	bool phone;		/* the agent's phone holds (its last SDP) */
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
	struct crec *rec;		/* call recording (contact_record.c) */
	struct tmr free_tmr;
	struct tmr queue_tmr;
	struct callback *cb;		/* a callback contact (callback.c) */
	struct chold hold;		/* hold state (contact_hold.c) */
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
/** Is the contact ringing an agent's device at uri? */
bool contact_rings(const struct contact *c, const char *uri);
/** Add the leg's RTP packet counts to the process totals, once. */
void leg_count_rtp(struct leg *l);
/** The contact ends: hang up the agent's leg, leave the router. */
void contact_agent_end(struct contact *c);

/* acw.c: the end of the agent's after-contact work in the record */
struct acw;
struct crecord_info;
int  acw_alloc(struct acw **wp);
/** The contact left its agent (contact_agent_end): in ACW now, or no ACW
 *  at all (then the record says it ended as it began). */
void acw_contact_left(struct app *app, struct contact *c);
/** Write the contact's record (info as it will be written), with the end
 *  of its agent's ACW if known, else kept to write it again then; its
 *  journal entry ends once the record is on disk. */
int  acw_write_record(struct app *app, const struct contact *c,
		      struct crecord_info *info);
/** An agent changed state: a revision if its ACW just ended. */
void acw_agent_changed(struct app *app, const struct ragent *a);
/** Agents in ACW whose contact's record awaits its end. */
unsigned acw_count(const struct app *app);
/** The router's events about the contact's entry. */
void contact_entry_event(struct rentry *e, enum rentry_event ev,
			 struct ragent *a, void *arg);
/* contact_hold.c: hold, resume, the disconnect flow */
/** Hold (st: who) or resume (HOLD_NONE) a connected contact; self is
 * the run asking (kept running), or NULL. ENOTCONN when not connected. */
int  contact_hold_set(struct contact *c, enum hold_state st,
		      const char *by, struct frun *self);
/** The agent's phone's re-INVITE: a change of its hold (sendonly or
 * inactive) holds or resumes; the same again (a refresh) does nothing. */
int  contact_hold_phone(struct contact *c, bool hold);
/** The flow port of UpdatePreviousContactParticipantState. */
int  contact_hold_op(struct frun *run, enum fparticipant_state st,
		     void *arg);
/** The contact ends: close an open hold in the record. */
void contact_hold_close(struct contact *c);
/** The agent hung up first: run the CustomerRemaining hook's flow on the
 * customer's leg (true), or nothing to run (false: end the contact). */
bool contact_hold_remaining(struct contact *c);
/* contact_ops.c: a leg's flow ports and media */
void leg_init(struct leg *l, struct contact *c, const char *who);
/** Free what the leg holds (its stream, session, run, player). */
void leg_reset(struct leg *l);
void leg_env_init(struct leg *l);
/** A leg we dial: its RTP stream and sdpneg, and the SDP offer to send. */
int  leg_media_offer(struct leg *l, mstream_timeout_h *timeouth,
		     struct mbuf **offerp);
/** The dialled party's answer SDP: start sending. */
int  leg_media_answer(struct leg *l, const struct sip_msg *msg);
/** A re-INVITE from the dialled party: answer it, follow its direction. */
int  leg_media_reoffer(struct leg *l, struct mbuf **descp,
		       const struct sip_msg *msg);
void leg_media_stop(struct leg *l);
void leg_media_src(int16_t *frame, size_t n, void *arg);
void leg_media_sink(const int16_t *frame, size_t n, void *arg);
void leg_media_dtmf(char key, enum dtmf_source src, void *arg);
void leg_dtmf(struct leg *l, char key, const char *how);
/** Join two legs' audio and keys both ways (0), or part them (NULL). */
int  leg_bridge(struct leg *a, struct leg *b);
void leg_unbridge(struct leg *l);
/* contact_transfer.c: dial-out to a third party, blind transfers */
struct fend;
int  leg_transfer_phone(struct frun *run, const struct ftransfer *t,
			void *arg);
int  leg_transfer_agent(struct frun *run, void *arg);
/** The customer's flow ended in a transfer: true when handled there. */
bool contact_transfer_run_end(struct contact *c, const struct fend *end);
/** Close this segment's record (NextContactId, reason) and go on as a new
 *  segment of the same contact (PreviousContactId = this one). */
int  contact_next_segment(struct contact *c, enum initiation_method m,
			  const char *reason);
/** A REFER on the agent's leg l (blind transfer). */
void contact_agent_refer(struct leg *l, struct sip *sip,
			 const struct sip_msg *msg);
/* contact.c, for transfers: run flow on the customer, or (queued) start
 * the customer queue flow */
int  contact_run_flow(struct contact *c, struct flow *flow);
void contact_queue_flow(struct contact *c);

#endif
