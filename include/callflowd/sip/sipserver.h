/**
 * @file sipserver.h  The SIP front: listeners, trunks, the SIP-level
 * checks of inbound INVITEs, and the agents' registrar.
 *
 * Owns libre's SIP stack, the sipsess socket, the trunk policy and the
 * registrar. An INVITE passes, in order: trunk allow-list (source address;
 * 403, no handler), well-formedness (400, 416, 415), Require (420); then
 * 100 Trying, and the owner's invite handler decides (capacity, number,
 * flow) and answers with a leg or sipserver_refuse(). Refusals made here
 * on a trusted trunk are reported to the refused handler, so that every
 * call gets its record. Knows nothing of contacts: upward calls go
 * through the handlers given at creation. Requests inside a dialog that
 * libre's sessions do not take (UPDATE) go to the dialog handler first.
 */
#ifndef CALLFLOWD_SIPSERVER_H
#define CALLFLOWD_SIPSERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <callflowd/core/libre.h>
#include <callflowd/media/sdpneg.h>
#include <callflowd/sip/registrar.h>

struct audit;
struct config;
struct registrar;
struct sip;
struct sip_msg;
struct sipsess_sock;
struct sipserver;

struct trunk_cidr {
	struct sa addr;
	uint8_t bits;
};

struct trunk {
	char *name;
	struct trunk_cidr *allow;
	size_t allowc;
	struct sdp_policy media;	/* codecs and SRTP ("codecs", "srtp") */
	char *username, *password;	/* optional digest credentials */
	const struct numplan *plan;	/* "country": national numbers */
};

struct numplan;
/** A number from trunk t (dialled or calling) as E.164 into out (>= 24
 *  bytes): under the trunk's national plan when it names a country,
 *  else "+" is put before the digits given. */
int  trunk_e164(char *out, size_t sz, const struct trunk *t,
		const char *in);

/** An INVITE that passed the SIP checks, 100 Trying sent: the handler
 *  answers it (a leg: call/leg.h) or refuses it (sipserver_refuse()).
 *  number is the dialled E.164 number, "" when none could be read. */
typedef void (sipserver_invite_h)(const struct sip_msg *msg,
				  const struct trunk *trunk,
				  const char *number, void *arg);
/** An INVITE from a trunk that the SIP checks refused (answered with
 *  scode already; why says what was wrong). */
typedef void (sipserver_refused_h)(const struct sip_msg *msg,
				   const char *number, uint16_t scode,
				   const char *why, void *arg);

/** A request inside a dialog that no session took (UPDATE): true when
 *  the handler answered it, else the SIP front does (481). */
typedef bool (sipserver_dialog_h)(const struct sip_msg *msg, void *arg);

struct sipserver_handlers {
	sipserver_invite_h *inviteh;
	sipserver_refused_h *refusedh;
	sipserver_dialog_h *dialogh;
	registrar_change_h *deviceh;	/* an agent's device up or down */
	registrar_drop_h *droph;	/* one of an agent's bindings gone */
	void *arg;
};

/** Listen as cfg's sip section says, with cfg's trunks and agents;
 *  lock-outs go into audit (may be NULL). */
int  sipserver_alloc(struct sipserver **srvp, const struct config *cfg,
		     struct audit *audit, const struct sipserver_handlers *h);
/** Answer an INVITE with a final failure (hdrs: extra header lines or
 *  NULL; why: for the log). */
void sipserver_refuse(struct sipserver *srv, const struct sip_msg *msg,
		      uint16_t scode, const char *reason, const char *hdrs,
		      const char *why);
/** Stop taking calls and close the stack (shutdown). */
void sipserver_close(struct sipserver *srv);
/** Apply a reloaded configuration (agents' credentials). */
int  sipserver_reload(struct sipserver *srv, const struct config *cfg);
struct registrar *sipserver_registrar(const struct sipserver *srv);
/** The registration with the carrier, NULL when it does not register. */
struct trunkreg;
const struct trunkreg *sipserver_trunkreg(const struct sipserver *srv);
struct sip *sipserver_sip(const struct sipserver *srv);
struct sipsess_sock *sipserver_sock(const struct sipserver *srv);
/** Trunk whose allow-list holds addr, or NULL. */
const struct trunk *sipserver_trunk(const struct sipserver *srv,
				    const struct sa *addr);
/** Parse the "trunks" section (exposed for tests). */
int  trunks_parse(struct trunk **trunksp, size_t *countp,
		  const void *json_trunks, char *errbuf, size_t errsz);
/** An object's "srtp" (off|optional|mandatory, default off) and "codecs"
 *  (["PCMU", "PCMA"] in order of preference, default both) keys; path
 *  names the object in errbuf. */
int  trunk_media_parse(struct sdp_policy *mp, const json_t *obj,
		       const char *path, char *errbuf, size_t errsz);
/** Does a CIDR hold addr? */
bool trunk_cidr_match(const struct trunk_cidr *c, const struct sa *addr);

#endif
