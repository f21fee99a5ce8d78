/**
 * @file ccenter.h  The contact center: every live contact, and what they
 * need to reach callers and agents.
 *
 * Owns the live contacts, the router (queues and agents: routing/), the
 * SIP front (sip/: listeners, trunks, the agents' registrar) with its
 * handlers pointing here, the leg environment (call/), the agents in
 * after-contact work, and the current configuration and flows (contacts
 * keep the versions they started with). The daemon hands it the services
 * it uses (media, HTTP client, records, journal, flow logs, event bus,
 * audit trail) when it creates it. Loop thread only.
 */
#ifndef CALLFLOWD_CCENTER_H
#define CALLFLOWD_CCENTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct asr;
struct audit;
struct callenv;
struct ccenter;
struct config;
struct contact;
struct events;
struct flowlog;
struct flowset;
struct httpc;
struct journal;
struct mediasvc;
struct records;
struct router;
struct sipserver;
struct speechconf;

struct ccenter_services {
	struct mediasvc *media;		/* clock, prompts, TTS (required) */
	struct httpc *httpc;		/* Lambda calls; NULL: error branch */
	struct records *records;	/* contact records (required) */
	struct journal *journal;	/* crash journal, or NULL */
	struct flowlog *flowlog;	/* flow logs, or NULL */
	struct events *bus;		/* the event bus (required) */
	struct audit *audit;		/* SIP lock-outs, or NULL */
	struct asr *asr;		/* speech recognition, or NULL */
	struct speechconf *speech;	/* the bots, or NULL */
};

struct ccenter_stats {
	uint64_t calls_total;		/* INVITEs from trunks */
	uint64_t calls_rejected;	/* refused before a flow ran */
	uint64_t calls_answered;
	uint64_t calls_failed;		/* could not be answered */
	uint64_t flow_errors;
};

/** Check what the contact center reads of cfg: sip (listeners, rtp),
 *  trunks, routing, outbound, agents' media. */
int  ccenter_config_check(const struct config *cfg, char *errbuf,
			  size_t errsz);
/** Start taking calls on cfg with flows. */
int  ccenter_alloc(struct ccenter **ccp, const struct ccenter_services *svc,
		   struct config *cfg, struct flowset *flows, char *errbuf,
		   size_t errsz);
/** Apply a reloaded configuration and flow set (checked already): live
 *  contacts keep theirs; queues, agents' states and registrations stay. */
int  ccenter_reload(struct ccenter *cc, struct config *cfg,
		    struct flowset *flows, char *errbuf, size_t errsz);
/** The bots of a reloaded configuration (and the recogniser, when the
 *  first bots came with it); live conversations keep theirs. */
void ccenter_set_speech(struct ccenter *cc, struct speechconf *sc,
			struct asr *asr);
/** New calls get 503 from now on (shutdown). */
void ccenter_drain(struct ccenter *cc);
bool ccenter_draining(const struct ccenter *cc);
/** Stop the SIP front (after draining). */
void ccenter_close(struct ccenter *cc);
/** End up to n live contacts with reason; returns how many are left. */
unsigned ccenter_hangup(struct ccenter *cc, unsigned n, const char *reason);
unsigned ccenter_count(const struct ccenter *cc);
/** The live contact with ContactId id, or NULL. */
struct contact *ccenter_contact(const struct ccenter *cc, const char *id);
/** Visit live contacts in arrival order until h returns true (that one
 *  is returned). */
typedef bool (ccenter_apply_h)(struct contact *c, void *arg);
struct contact *ccenter_apply(const struct ccenter *cc, ccenter_apply_h *h,
			      void *arg);
/** Announce every agent's status and state (the agent log's baseline). */
void ccenter_announce_agents(struct ccenter *cc);
void ccenter_stats(const struct ccenter *cc, struct ccenter_stats *st);
/** Agents in ACW whose contact's record awaits its end. */
unsigned ccenter_acw_pending(const struct ccenter *cc);
struct router *ccenter_router(const struct ccenter *cc);
struct sipserver *ccenter_sip(const struct ccenter *cc);
struct callenv *ccenter_calls(const struct ccenter *cc);
struct config *ccenter_config(const struct ccenter *cc);
struct flowset *ccenter_flows(const struct ccenter *cc);

#endif
