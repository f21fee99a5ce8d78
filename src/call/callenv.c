/**
 * @file callenv.c  The environment legs are created in.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/media/mstream.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/call/callenv.h>
#include "leg_priv.h"

static void destructor(void *arg)
{
	struct callenv *ce = arg;
	struct le *le;

	/* legs outliving us (they should not) forget the list */
	while ((le = list_head(&ce->legs)))
		list_unlink(le);
	mem_deref(ce->sip);
	mem_deref(ce->mc);
}

int callenv_alloc(struct callenv **cep, struct sipserver *sip,
		  struct mclock *mc)
{
	struct callenv *ce;

	if (!cep || !sip || !mc)
		return EINVAL;
	ce = mem_zalloc(sizeof(*ce), destructor);
	if (!ce)
		return ENOMEM;
	ce->sip = mem_ref(sip);
	ce->mc = mem_ref(mc);
	sa_set_str(&ce->rtp.laddr, "127.0.0.1", 0);
	ce->rtp.port_min = 10000;
	ce->rtp.port_max = 20000;
	ce->rtp.rtp_timeout_ms = 30000;
	*cep = ce;
	return 0;
}

static int fail(char *errbuf, size_t errsz, const char *msg)
{
	if (errbuf && errsz)
		str_ncpy(errbuf, msg, errsz);
	return EINVAL;
}

/* sip.rtp into conf (defaults for what is absent); EINVAL with errbuf. */
static int rtp_parse(struct mstream_conf *conf, const struct config *cfg,
		     char *errbuf, size_t errsz)
{
	const json_t *rtp = json_object_get(json_object_get(cfg->root, "sip"),
					    "rtp");
	const json_t *v;
	json_int_t n;

	memset(conf, 0, sizeof(*conf));
	sa_set_str(&conf->laddr, "127.0.0.1", 0);
	conf->port_min = 10000;
	conf->port_max = 20000;
	conf->rtp_timeout_ms = 30000;
	if (!rtp)
		return 0;
	if (!json_is_object(rtp))
		return fail(errbuf, errsz, "sip.rtp: expected an object");

	v = json_object_get(rtp, "address");
	if (v && (!json_is_string(v) ||
		  sa_set_str(&conf->laddr, json_string_value(v), 0)))
		return fail(errbuf, errsz, "sip.rtp.address: expected an IP "
			    "address such as \"192.0.2.10\"");
	v = json_object_get(rtp, "port_min");
	if (v) {
		n = json_is_integer(v) ? json_integer_value(v) : -1;
		if (n < 1024 || n > 65534)
			return fail(errbuf, errsz, "sip.rtp.port_min: expected "
				    "an integer from 1024 to 65534");
		conf->port_min = (uint16_t)n;
	}
	v = json_object_get(rtp, "port_max");
	if (v) {
		n = json_is_integer(v) ? json_integer_value(v) : -1;
		if (n < 1025 || n > 65535)
			return fail(errbuf, errsz, "sip.rtp.port_max: expected "
				    "an integer from 1025 to 65535");
		conf->port_max = (uint16_t)n;
	}
	/* a pair (RTP, RTCP) must fit */
	if (conf->port_max < conf->port_min + 1)
		return fail(errbuf, errsz, "sip.rtp: port_max must be above "
			    "port_min");
	v = json_object_get(rtp, "timeout_seconds");
	if (v) {
		n = json_is_integer(v) ? json_integer_value(v) : -1;
		if (n < 0 || n > 86400)
			return fail(errbuf, errsz, "sip.rtp.timeout_seconds: "
				    "expected an integer from 0 to 86400");
		conf->rtp_timeout_ms = (uint32_t)n * 1000;
	}
	return 0;
}

int callenv_config_check(const struct config *cfg, char *errbuf,
			 size_t errsz)
{
	struct mstream_conf conf;

	if (!cfg)
		return EINVAL;
	return rtp_parse(&conf, cfg, errbuf, errsz);
}

int callenv_configure(struct callenv *ce, const struct config *cfg,
		      char *errbuf, size_t errsz)
{
	struct mstream_conf conf;
	int err;

	if (!ce || !cfg)
		return EINVAL;
	err = rtp_parse(&conf, cfg, errbuf, errsz);
	if (!err)
		ce->rtp = conf;
	return err;
}

const struct mstream_conf *callenv_rtp(const struct callenv *ce)
{
	return ce ? &ce->rtp : NULL;
}

struct sipserver *callenv_sip(const struct callenv *ce)
{
	return ce ? ce->sip : NULL;
}

struct mclock *callenv_clock(const struct callenv *ce)
{
	return ce ? ce->mc : NULL;
}

int callenv_from_uri(char **urip, const struct callenv *ce, const char *user)
{
	struct sa laddr;

	if (!urip || !ce || !user || !user[0])
		return EINVAL;
	if (sip_transp_laddr(sipserver_sip(ce->sip), &laddr, SIP_TRANSP_UDP,
			     NULL))
		sa_set_str(&laddr, "127.0.0.1", 5060);
	return re_sdprintf(urip, "sip:%s@%J", user, &laddr);
}

void callenv_stats(const struct callenv *ce, struct callenv_stats *st)
{
	struct le *le;

	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (!ce)
		return;
	for (le = list_head(&ce->legs); le; le = le->next) {
		struct mstream_stats ms;

		leg_mstats(le->data, &ms);
		st->live_rx += ms.rx_packets;
		st->live_tx += ms.tx_packets;
		if (ms.rx_lost > 0)
			st->live_lost += (uint64_t)ms.rx_lost;
		if (ms.jitter > st->live_jitter_max)
			st->live_jitter_max = ms.jitter;
		++st->legs;
	}
	st->rx_packets = ce->gone.rx_packets + st->live_rx;
	st->tx_packets = ce->gone.tx_packets + st->live_tx;
	st->lost_packets = ce->gone.lost_packets + st->live_lost;
}
