/**
 * @file registrar.h  SIP registrar for agents' softphones.
 *
 * Owns the agents' credentials (from the config's "agents": username and
 * the digest HA1 hash "ha1", or a plain-text "password", accepted with a
 * warning), their registered contacts (bindings) with expiry, the digest
 * nonces and the failure counters. REGISTER is digest-authenticated
 * (MD5, qop=auth); an unknown user and a wrong password get the same
 * answer. Repeated failures from one source address lock that source
 * out; a user is locked out only past a much higher count from all
 * sources together, so an attacker cannot lock an agent's phone out.
 * Several devices per agent: the newest binding is the one to ring.
 */
#ifndef CALLFLOWD_REGISTRAR_H
#define CALLFLOWD_REGISTRAR_H

#include <stdbool.h>
#include <stdint.h>
#include <callflowd/core/libre.h>

struct registrar;

struct reg_binding {
	struct le le;
	char *uri;		/* Contact URI */
	struct sa src;		/* where the REGISTER came from */
	enum sip_transp tp;
	uint64_t registered_ms;	/* last refresh */
	uint64_t expires_ms;	/* absolute */
};

/** An agent gained its first binding or lost its last one. */
typedef void (registrar_change_h)(const char *username, bool reachable,
				  void *arg);

/** One of an agent's bindings went away (expired, unregistered, evicted);
 *  called after it is gone, whether or not others remain. */
typedef void (registrar_drop_h)(const char *username, const char *uri,
				void *arg);

struct registrar_conf {
	const char *realm;		/* "callflowd" */
	uint32_t min_expires_s;		/* 60 */
	uint32_t max_expires_s;		/* 3600 */
	uint32_t max_bindings;		/* per agent, 5 */
	uint32_t max_failures;		/* from one source a minute, 5 */
	uint32_t lockout_s;		/* 300 */
	uint32_t user_max_failures;	/* for one user, all sources, 50 */
	uint32_t user_window_s;		/* ... within this, 600 */
};

struct audit;

/** Lock-outs go into audit (may be NULL). */
int  registrar_alloc(struct registrar **regp, struct sip *sip,
		     const struct registrar_conf *conf, struct audit *audit,
		     registrar_change_h *changeh, void *arg);
/** (Re)load credentials from the config's agents list; bindings of
 *  agents still configured are kept. */
int  registrar_set_agents(struct registrar *reg, const json_t *agents);
/** Handle msg if it is a REGISTER (true), else false. */
bool registrar_handle(struct registrar *reg, const struct sip_msg *msg);
/** Newest live binding of username, or NULL. */
const struct reg_binding *registrar_lookup(const struct registrar *reg,
					   const char *username);
void registrar_set_drop_handler(struct registrar *reg, registrar_drop_h *h,
				void *arg);
/** Number of live bindings of username. */
uint32_t registrar_count(const struct registrar *reg, const char *username);

/** The lock-out policy from the config's "security": {"registrar": {...}}
 *  (NULL: the defaults): max_failures, lockout_seconds,
 *  user_max_failures, user_window_seconds. EINVAL (logged, naming the
 *  key) leaves the running policy. */
int  registrar_set_policy(struct registrar *reg, const json_t *policy);
/** The lock-outs in force, a new JSON array of {"kind": "source"|"user",
 *  "name": address or username, "failures", "until" (UTC),
 *  "seconds_left"}. */
int  registrar_lockouts(json_t **arrp, const struct registrar *reg);
/** Clear the lock-out of kind ("source" or "user") name: 0, ENOENT when
 *  none is in force, EINVAL for an unknown kind or a bad address. */
int  registrar_unlock(struct registrar *reg, const char *kind,
		      const char *name);
/** HA1 = MD5(user:realm:password), the digest credential to store. */
int  registrar_ha1(uint8_t ha1[16], const char *user, const char *realm,
		   const char *password);

#endif
