/**
 * @file contact_priv.h  Private: the contact center's objects, shared by
 * the files of src/contact/.
 *
 * A contact composes parties: the customer's, and at most one other (an
 * agent or a third party). A party is a call leg (call/leg.h) and the
 * flow run playing to it, with the media operation that run's current
 * action asked for (ports.c). What a party is for is decided by the file
 * of its kind: inbound.c (the caller), agentleg.c (an agent's phone),
 * thirdparty.c (a number dialled out), callback.c (a callback's customer).
 */
#ifndef CALLFLOWD_CONTACT_PRIV_H
#define CALLFLOWD_CONTACT_PRIV_H

#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/collect.h>
#include <callflowd/flow/interp.h>
#include <callflowd/routing/queue.h>
#include <callflowd/store/records.h>
#include <callflowd/contact/ccenter.h>
#include <callflowd/contact/contact.h>

struct acw;
struct afifo;
struct announce;
struct asr;
struct lexsess;
struct speechconf;
struct audio;
struct callenv;
struct config;
struct flow;
struct flowlog;
struct flowset;
struct httpc;
struct httpc_req;
struct journal;
struct leg;
struct mediasvc;
struct mprompt_req;
struct ragent;
struct recording;
struct rentry;
struct router;
struct sipserver;
struct sip_msg;
struct trunk;
struct callback;

/* -- the contact center (ccenter.c) -- */

struct ccenter {
	/* services, handed in */
	struct mediasvc *media;
	struct httpc *httpc;
	struct records *records;
	struct journal *journal;
	struct flowlog *flowlog;
	struct announce *announce;
	struct asr *asr;		/* speech recognition, or NULL */
	struct speechconf *speech;	/* the bots (current), or NULL */
	/* ours */
	struct sipserver *sip;
	struct callenv *calls;
	struct router *router;
	struct acw *acw;
	struct config *cfg;		/* current; contacts keep their own */
	struct flowset *flows;
	struct list contacts;		/* struct contact, live */
	uint32_t ncontacts;
	struct rng rng;			/* DistributeByPercentage */
	bool draining;
	struct ccenter_stats stats;
};

/* -- a party: a leg and the flow run playing to it -- */

enum fop_kind {
	FOP_NONE, FOP_PLAY, FOP_COLLECT, FOP_LOOP, FOP_WAIT, FOP_INVOKE,
	FOP_LEX
};

/* The media operation of the action a run is on (ports.c). */
struct fop {
	enum fop_kind kind;
	struct mprompt_req **reqv;	/* prompt audio being fetched */
	struct aslot { struct party *p; size_t i; } *slotv;
	struct audio **audv;		/* fetched audio, in order */
	size_t audc;
	size_t aud_ready;
	bool fetching;			/* inside fetch(): settle later */
	int fetch_err;
	bool loop;			/* loop prompts: round and round */
	struct collector col;
	bool collecting;
	bool prompt_done;
	struct tmr col_tmr;
	struct tmr op_tmr;
	struct httpc_req *http;
	struct lexsess *lex;		/* a bot conversation (lex.c) */
	struct afifo *lex_rx;		/* the caller's audio for it */
};

struct party {
	struct contact *c;
	const char *role;		/* "customer", "agent", "third party" */
	struct leg *leg;		/* NULL before it is set up */
	struct frun *run;		/* the flow run playing to it */
	struct fenv env;
	struct fop op;
};

/* -- the contact -- */

/* Hold of a connected contact (hold.c): who is held, since when, and
 * which parties play a hold flow (theirs to stop on resume). */
struct chold {
	enum hold_state st;
	uint64_t since_ms;
	bool cust_flow;
	bool agent_flow;
	bool phone;		/* the agent's phone holds (its last SDP) */
};

struct contact {
	struct le le;
	struct ccenter *cc;
	struct config *cfg;		/* the version it started with */
	struct flowset *flows;		/* likewise */
	struct flow *flow;		/* the entry flow */
	struct cdata *cd;
	enum contact_state state;	/* contact_set_state() only */
	bool listed;			/* in cc->contacts */

	struct party cust;		/* the customer's party */
	struct party *agent;		/* an agent's or a third party's */
	struct rentry *entry;		/* in the router while queued */

	struct crecord_info info;
	char reason[32];
	char sip_status[8];
	bool recorded;
	struct recording *rec;		/* call recording (recording.c) */
	struct callback *cb;		/* a callback contact (callback.c) */
	struct chold hold;		/* hold.c */
	struct tmr queue_tmr;		/* (re)start the customer queue flow */
	struct tmr join_tmr;		/* join the parties after whispers */
};

/* contact.c: the object, its state machine, its one teardown */
int  contact_alloc(struct contact **cp, struct ccenter *cc);
/** Move to state to: EPROTO (logged, nothing changes) when the
 *  transition table does not allow it. */
int  contact_set_state(struct contact *c, enum contact_state to);
/** The one way a contact ends: flows stopped, agent released (ACW),
 *  hold and recording closed, legs hung up, record written, unlisted,
 *  freed on the next loop turn. reason: Connect's DisconnectReason (the
 *  first one given wins). */
void contact_end(struct contact *c, const char *reason);
/** List a contact as live (counts against max_concurrent_calls). */
void contact_list(struct contact *c);
/** Connected to an agent or a third party: whisper, talking, external. */
bool contact_connected(const struct contact *c);
/** The record of this segment, with info as it will be written. */
int  contact_write_record(struct contact *c, struct crecord_info *info);

/* party.c: a party's flow runs, keys and release */
void party_init(struct party *p, struct contact *c, const char *role);
/** Stop everything on the party and let its leg go (hung up). */
void party_reset(struct party *p);
/** Run flow on the party (replaces a run of its own); endh reports
 *  its end. Flow logs are kept for every run. */
int  party_run(struct party *p, struct flow *flow, frun_end_h *endh,
	       void *arg);
/** Stop the party's run and media op (the run's end handler is not
 *  called). */
void party_stop(struct party *p);
bool party_running(const struct party *p);
/** A key from the party's leg: to the collector, or across the bridge. */
void party_key(struct party *p, char key, const char *how);
/** A party of its own (the agent slot): size bytes (a struct embedding
 *  struct party first), environment set, freed with party_release().
 *  dh (NULL: none) frees what the kind adds, then calls party_reset(). */
struct party *party_alloc(struct contact *c, size_t size, const char *role,
			  mem_destroy_h *dh);
/** Hang up and stop a party_alloc() party, freed on the next loop turn
 *  (its run or its leg may be what called us). */
void party_release(struct party *p);
/** The leg handlers' DTMF entry (arg: the party). */
void party_dtmf_h(struct leg *leg, char key, const char *how, void *arg);
/** Flow ends of flows that only play (whisper, hold): log them. */
struct flow *contact_hook_flow(const struct contact *c, enum cdata_hook hook,
			       const char *def);

/* ports.c: the media ports of a flow run on a party */
void fop_stop(struct party *p);
/** Fetch prompts' audio and play it on the party (the op's kind says
 *  what its end means). */
int  fop_fetch(struct party *p, const struct fprompt *pv, size_t pc);
/** Stop what the party hears from its player, drop fetched audio. */
void fop_audio_stop(struct party *p);
void fop_env_init(struct party *p);
/** Keys while collecting (party_key). */
void fop_key(struct party *p, char key);

/* flows.c: the customer's flows */
/** Run flow on the customer (an entry or transfer flow, a queue flow). */
int  contact_run_flow(struct contact *c, struct flow *flow);
/** (Re)start the customer queue flow from the loop. */
void contact_queue_flow(struct contact *c, uint64_t delay_ms);

/* queueing.c */
/** Wait in rq (a queue or an agent's queue) under this segment. */
int  contact_router_enqueue(struct rentry **ep, struct contact *c,
			    struct rqueue *rq);
int  contact_enqueue(struct contact *c, struct rqueue *rq);
int  contact_op_routing_criteria(struct frun *run, struct rcriteria *crit,
				 void *arg);
/** The router's events about the contact's entry. */
void contact_entry_event(struct rentry *e, enum rentry_event ev,
			 struct ragent *a, void *arg);
/** The router's queue for a flow's queue or agent target. */
struct rqueue *contact_find_queue(const struct contact *c,
				  const struct cfg_queue *q, const char *agent);
int  contact_op_enqueue(struct frun *run, const struct cfg_queue *q,
			const char *agent, void *arg);
int  contact_op_metrics(struct frun *run, const struct cfg_queue *q,
			const char *agent, struct fmetrics *mt, void *arg);

/* agentleg.c: the agent's leg */
int  contact_offer(struct contact *c, struct ragent *a);
void contact_offer_cancel(struct contact *c);
/** Is the contact ringing an agent's device at uri? */
bool contact_rings(const struct contact *c, const char *uri);
/** The agent answered: whispers, then the bridge (or a callback dials
 *  its customer). */
void contact_agent_connected(struct contact *c, struct ragent *a);
/** The contact leaves its agent: out of the router (ACW), leg gone. */
void contact_agent_end(struct contact *c);
/** Join the customer and the agent now. */
void contact_join(struct contact *c);
/** The router's agent for this contact's entry, or NULL. */
struct ragent *contact_the_agent(const struct contact *c);

/* outdial.c: a number dialled through the outbound trunk */
struct leg_handlers;
struct outdial {
	const char *number;		/* E.164 */
	const char *cid_num;		/* caller ID, or NULL: the trunk's */
	const char *cid_fallback;	/* when the trunk has none either */
	const char *cid_name;		/* display name, or NULL */
	uint32_t ring_ms;		/* ring time limit, 0: none */
	const char *what;		/* for logs: "third party", ... */
};
/** EPERM: the number is not allowed; ENOENT: no outbound trunk. */
int  contact_outdial(struct leg **legp, struct contact *c,
		     const struct outdial *od, const struct leg_handlers *h);

/* thirdparty.c */
int  contact_op_transfer_phone(struct frun *run, const struct ftransfer *t,
			       void *arg);
/** Dial number (E.164, allowed) as the contact's other party, bridged to
 *  the customer on answer. */
int  thirdparty_dial(struct contact *c, const char *number,
		     const char *cid_num, const char *cid_name,
		     uint32_t timeout_s, struct frun *run, bool continue_flow,
		     const char *dtmf);
bool thirdparty_is(const struct contact *c);
/** E.164 into out and EINVAL (not a number) or EPERM (not allowed). */
int  thirdparty_check(char *out, size_t sz, const struct contact *c,
		      const char *number);

/* transfer.c */
int  contact_op_transfer_agent(struct frun *run, void *arg);
/** The customer's flow ended in a transfer: true when handled there. */
bool contact_transfer_run_end(struct contact *c, const struct fend *end);
/** Close this segment's record and go on as the next segment. */
int  contact_next_segment(struct contact *c, enum initiation_method m,
			  const char *reason);
/** A REFER from the agent's leg. */
void contact_agent_refer(struct contact *c, struct sip *sip,
			 const struct sip_msg *msg);

/* hold.c */
int  contact_hold_set(struct contact *c, enum hold_state st,
		      const char *by, struct frun *self);
/** The agent's phone's re-INVITE held (true) or resumed. */
int  contact_hold_phone(struct contact *c, bool hold);
int  contact_op_hold(struct frun *run, enum fparticipant_state st,
		     void *arg);
void contact_hold_close(struct contact *c);
/** The agent hung up first: the CustomerRemaining flow (true), or none. */
bool contact_hold_remaining(struct contact *c);

/* callback.c */
int  callback_op(struct frun *run, const struct fcallback *fcb, void *arg);
void callback_agent_answered(struct contact *c);
uint32_t callback_scheduled(const struct ccenter *cc, const struct rqueue *q);
bool callback_is_scheduled(const struct contact *c);

/* lex.c: ConnectParticipantWithLexBot on the customer's leg */
int  contact_op_lex(struct frun *run, const struct flex *req, void *arg);
/** Audio of the party's leg: rx, or a 20 ms tick (the session's clock). */
void lex_frame(struct party *p, const int16_t *frame, size_t n, bool rx);
void lex_key(struct party *p, char key);
/** The prompt the session waits for has ended. */
void lex_played(struct party *p);

/** The customer leg's tap: the recording and a bot conversation. */
void contact_tap_h(const int16_t *frame, size_t n, bool rx, void *arg);

/* recording.c: the call recording, fed by the customer leg's tap */
void recording_tap_h(const int16_t *frame, size_t n, bool rx, void *arg);
void recording_end(struct contact *c);

/* acw.c */
int  acw_alloc(struct acw **wp);
void acw_contact_left(struct ccenter *cc, struct contact *c);
int  acw_write_record(struct ccenter *cc, const struct contact *c,
		      struct crecord_info *info);
void acw_agent_changed(struct ccenter *cc, const struct ragent *a);
unsigned acw_count(const struct ccenter *cc);

/* inbound.c: the INVITE handler and the refused handler (sip) */
void inbound_invite_h(const struct sip_msg *msg, const struct trunk *trunk,
		      const char *number, void *arg);
void inbound_refused_h(const struct sip_msg *msg, const char *number,
		       uint16_t scode, const char *why, void *arg);

/* offers.c: the router's and the registrar's handlers */
int  offers_router_alloc(struct ccenter *cc, char *errbuf, size_t errsz);
void offers_device_h(const char *username, bool up, void *arg);
void offers_binding_gone_h(const char *username, const char *uri,
			   void *arg);

/* legpolicy.c: the media each kind of leg may use */
struct sdp_policy;
int  legpolicy_agent(struct sdp_policy *mp, const struct config *cfg,
		     const char *username);
int  legpolicy_check(const struct config *cfg, char *errbuf, size_t errsz);

/* prompts.c */
typedef void (contact_audio_h)(int err, struct audio *a, void *arg);
int  contact_prompt_audio(struct mprompt_req **reqp, struct ccenter *cc,
			  const struct fprompt *p, contact_audio_h *h,
			  void *arg);

#endif
