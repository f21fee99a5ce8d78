/**
 * @file sipserver.h  The SIP side of the daemon: listeners, trunks and the
 * admission of inbound calls.
 *
 * Owns libre's SIP stack, the sipsess socket and the trunk policy. An
 * INVITE passes, in order: trunk allow-list (source address; 403), loop
 * guard (483), Require (420), draining (503), capacity (503 with
 * Retry-After), dialled number (404); only then does a contact exist.
 */
#ifndef CALLFLOWD_SIPSERVER_H
#define CALLFLOWD_SIPSERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <callflowd/core/libre.h>

struct app;
struct config;
struct registrar;
struct sip;
struct sip_msg;
struct sipsess_sock;
struct sipserver;

enum srtp_policy { SRTP_OFF, SRTP_OPTIONAL, SRTP_MANDATORY };

struct trunk_cidr {
	struct sa addr;
	uint8_t bits;
};

struct trunk {
	char *name;
	struct trunk_cidr *allow;
	size_t allowc;
	enum srtp_policy srtp;
	bool pcmu, pcma;		/* codecs allowed */
	char *username, *password;	/* optional digest credentials */
};

int  sipserver_alloc(struct sipserver **srvp, struct app *app);
/** Stop taking calls and close the stack (shutdown). */
void sipserver_close(struct sipserver *srv);
/** Apply a reloaded configuration (agents' credentials). */
int  sipserver_reload(struct sipserver *srv, const struct config *cfg);
struct registrar *sipserver_registrar(const struct sipserver *srv);
struct sip *sipserver_sip(const struct sipserver *srv);
struct sipsess_sock *sipserver_sock(const struct sipserver *srv);
/** Trunk whose allow-list holds addr, or NULL. */
const struct trunk *sipserver_trunk(const struct sipserver *srv,
				    const struct sa *addr);
/** Parse the "trunks" section (exposed for tests). */
int  trunks_parse(struct trunk **trunksp, size_t *countp,
		  const void *json_trunks, char *errbuf, size_t errsz);
/** Does a CIDR hold addr? */
bool trunk_cidr_match(const struct trunk_cidr *c, const struct sa *addr);

#endif
