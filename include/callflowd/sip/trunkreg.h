/**
 * @file trunkreg.h  Registration with the carrier's trunk: a REGISTER
 * with digest authentication, refreshed before it expires, for carriers
 * that route a number to the address its account last registered from
 * (outbound.trunk.register).
 *
 * Owns the libre registration client and its credentials. Loop thread
 * only. Its state shows in the log (registered, failed with the status)
 * and through trunkreg_state().
 */
#ifndef CALLFLOWD_TRUNKREG_H
#define CALLFLOWD_TRUNKREG_H

#include <stdbool.h>
#include <stdint.h>

struct config;
struct sip;
struct trunkreg;

struct trunkreg_state {
	bool registered;
	uint16_t last_scode;		/* the last final answer, 0 none */
	uint32_t expires_s;		/* what the registrar granted */
	uint64_t registrations;		/* 2xx answers so far (refreshes) */
	const char *aor;		/* the address of record */
};

/**
 * Register as cfg's outbound.trunk says (ENOENT: it does not register;
 * the section was checked already).
 */
int  trunkreg_alloc(struct trunkreg **trp, struct sip *sip,
		    const struct config *cfg);
/** Whether cfg asks for the same registration as tr runs (a reload that
 *  changes nothing keeps the registration). */
bool trunkreg_same(const struct trunkreg *tr, const struct config *cfg);
void trunkreg_state(const struct trunkreg *tr, struct trunkreg_state *st);

#endif
