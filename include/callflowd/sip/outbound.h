/**
 * @file outbound.h  Outbound dialling policy: the "outbound" section of
 * the configuration.
 *
 * Owns the parsed trunk address and transport outbound INVITEs go to, the
 * default caller ID, and the allowed-number patterns (POSIX extended
 * regular expressions matched against the E.164 number). Dialling out is
 * refused for every number no pattern matches: the toll-fraud guard that
 * third-party transfers, agent REFERs and the transfer API all go
 * through. No section, or no patterns: nothing may be dialled.
 */
#ifndef CALLFLOWD_OUTBOUND_H
#define CALLFLOWD_OUTBOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct outbound;
struct sdp_policy;

/**
 * Parse cfg's "outbound" section. ENOENT when there is none (outbound
 * dialling disabled), EINVAL with errbuf saying why on a bad shape.
 */
int  outbound_alloc(struct outbound **obp, const struct config *cfg,
		    char *errbuf, size_t errsz);
/** Check the section only (start, reload, --check-config): 0 when it is
 *  absent or valid. */
int  outbound_check(const struct config *cfg, char *errbuf, size_t errsz);
/** True when the E.164 number matches an allowed pattern. */
bool outbound_allowed(const struct outbound *ob, const char *e164);
/** A number to dial as E.164 into out (>= 24 bytes): national forms
 *  under outbound.trunk.country; without it only "+..." and "00..."
 *  numbers are numbers (EINVAL). The allow-list is not checked here. */
int  outbound_number(char *out, size_t sz, const struct outbound *ob,
		     const char *in);
/** The trunk's digest credentials (NULL when none). */
void outbound_auth(const struct outbound *ob, const char **userp,
		   const char **passp);
/** Where and as whom to register with the trunk (outbound.trunk.register):
 *  the registrar's URI and the address of record (mem strings), the
 *  expiry asked for; ENOENT when it does not register. */
int  outbound_registration(const struct outbound *ob, char **reg_urip,
			   char **aorp, uint32_t *expiresp);
/** The trunk's codecs and SRTP policy (outbound.trunk.codecs, .srtp). */
const struct sdp_policy *outbound_media(const struct outbound *ob);
/** The configured caller ID (E.164), or NULL. */
const char *outbound_caller_id(const struct outbound *ob);
/** The request URI for number: sip:<number>@<trunk>[;transport=tcp]. */
int  outbound_uri(char **urip, const struct outbound *ob,
		  const char *number);

#endif
