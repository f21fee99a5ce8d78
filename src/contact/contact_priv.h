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

struct contact {
	struct le le;
	struct app *app;
	struct config *cfg;		/* the version it started with */
	struct flowset *flows;		/* likewise */
	struct flow *flow;		/* the entry flow */
	struct cdata *cd;
	struct frun *run;		/* the flow run now going on */
	struct fenv env;
	enum contact_state state;
	bool listed;

	struct sipsess *sess;
	struct sdpneg *neg;
	struct mstream *ms;
	enum mstream_codec codec;
	struct sa raddr;

	/* the media op of the running action */
	enum contact_mop mop;
	struct player *player;
	struct media_req **reqv;	/* prompt audio being fetched */
	struct aslot { struct contact *c; size_t i; } *slotv;
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

	struct crecord_info info;
	char reason[32];
	char sip_status[8];
	bool recorded;
	struct tmr free_tmr;
	struct tmr queue_tmr;
};

/* contact.c */
void contact_end(struct contact *c, const char *reason);
/* contact_agent.c: the agent's leg */
struct ragent;
int  contact_offer(struct contact *c, struct ragent *a);
void contact_offer_cancel(struct contact *c, struct ragent *a);
/* contact_ops.c */
void contact_ops_env(struct contact *c);
void contact_media_stop(struct contact *c);
void contact_media_src(int16_t *frame, size_t n, void *arg);
void contact_media_dtmf(char key, enum dtmf_source src, void *arg);
void contact_dtmf(struct contact *c, char key, const char *how);

#endif
