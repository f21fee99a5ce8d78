/**
 * @file sipserver.c  SIP listeners, trunk policy and call admission.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include <callflowd/sip/registrar.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/sip/trunkreg.h>

#define DENY_SLOTS 256
#define DENY_LOG_INTERVAL_MS 60000

struct deny_slot {
	struct sa addr;
	uint64_t last_ms;
	uint64_t count;
};

struct sipserver {
	struct sipserver_handlers h;
	struct registrar *reg;	/* agents' softphones */
	struct trunkreg *treg;	/* with the carrier, or NULL */
	struct sip *sip;
	struct sipsess_sock *sock;
	struct sip_lsnr *lsnr;
	struct tls *tls;
	struct trunk *trunks;
	size_t trunkc;
	struct deny_slot deny[DENY_SLOTS];
	bool closing;
};

static void destructor(void *arg)
{
	struct sipserver *srv = arg;

	mem_deref(srv->lsnr);
	mem_deref(srv->treg);
	mem_deref(srv->reg);
	mem_deref(srv->sock);
	if (srv->sip)
		sip_close(srv->sip, true);
	mem_deref(srv->sip);
	mem_deref(srv->tls);
	mem_deref(srv->trunks);
}

const struct trunk *sipserver_trunk(const struct sipserver *srv,
				    const struct sa *addr)
{
	size_t i, j;

	if (!srv || !addr)
		return NULL;
	for (i = 0; i < srv->trunkc; i++) {
		const struct trunk *t = &srv->trunks[i];

		for (j = 0; j < t->allowc; j++) {
			if (trunk_cidr_match(&t->allow[j], addr))
				return t;
		}
	}
	return NULL;
}

/* Log a refused source at most once a minute, however hard it tries. */
static void deny_log(struct sipserver *srv, const struct sa *src,
		     const char *what)
{
	uint32_t h = sa_hash(src, SA_ADDR) % DENY_SLOTS;
	struct deny_slot *s = &srv->deny[h];
	uint64_t now = tmr_jiffies();

	if (!sa_cmp(&s->addr, src, SA_ADDR)) {
		s->addr = *src;
		s->last_ms = 0;
		s->count = 0;
	}
	++s->count;
	if (s->last_ms && now - s->last_ms < DENY_LOG_INTERVAL_MS)
		return;
	log_warn("sip: %s from %j refused: not an allowed trunk address "
		 "(%llu attempt%s since last report)", what, src,
		 (unsigned long long)s->count, s->count == 1 ? "" : "s");
	s->last_ms = now;
	s->count = 0;
}

/* The dialled number: Request-URI user, else To user, as E.164 (under
 * the trunk's national plan, if it names a country). */
static int dialled_number(char *out, size_t sz, const struct sip_msg *msg,
			  const struct trunk *t)
{
	char user[128];

	if (pl_isset(&msg->uri.user) && msg->uri.user.l < sizeof(user)) {
		pl_strcpy(&msg->uri.user, user, sizeof(user));
		if (!trunk_e164(out, sz, t, user))
			return 0;
	}
	if (pl_isset(&msg->to.uri.user) && msg->to.uri.user.l < sizeof(user)) {
		pl_strcpy(&msg->to.uri.user, user, sizeof(user));
		if (!trunk_e164(out, sz, t, user))
			return 0;
	}
	return EINVAL;
}

void sipserver_refuse(struct sipserver *srv, const struct sip_msg *msg,
		      uint16_t scode, const char *reason, const char *hdrs,
		      const char *why)
{
	if (!srv || !msg)
		return;
	log_info("sip: INVITE %r from %J -> %u %s (%s)", &msg->ruri,
		 &msg->src, scode, reason, why ? why : "-");
	(void)sip_treplyf(NULL, NULL, srv->sip, msg, false, scode, reason,
			  "%sContent-Length: 0\r\n\r\n", hdrs ? hdrs : "");
}

/* Refused here, on a trusted trunk: the owner keeps its record. */
static void reject(struct sipserver *srv, const struct sip_msg *msg,
		   const char *number, uint16_t scode, const char *reason,
		   const char *hdrs, const char *why)
{
	sipserver_refuse(srv, msg, scode, reason, hdrs, why);
	if (srv->h.refusedh)
		srv->h.refusedh(msg, number, scode, why, srv->h.arg);
}

/* Every Require option tag: we support none of them (no 100rel/timer). */
static bool unsupported_require(const struct sip_msg *msg, char *tags,
				size_t sz)
{
	struct le *le;
	size_t used = 0;

	tags[0] = '\0';
	for (le = list_head(&msg->hdrl); le; le = le->next) {
		const struct sip_hdr *h = le->data;

		if (h->id != SIP_HDR_REQUIRE || !pl_isset(&h->val))
			continue;
		used += re_snprintf(tags + used, sz - used, "%s%r",
				    used ? ", " : "", &h->val);
		if (used >= sz - 1)
			break;
	}
	return tags[0] != '\0';
}

/* RFC 3261 checks libre's parser leaves to the application (RFC 4475
 * torture cases): 0 when the request is sound, else the status to answer
 * with; hdr gets any header that status needs. */
static uint16_t request_check(const struct sip_msg *msg, const char **reason,
			      char *hdr, size_t sz)
{
	static const enum sip_hdrid once[] = {
		SIP_HDR_CALL_ID, SIP_HDR_FROM, SIP_HDR_TO, SIP_HDR_CSEQ
	};
	char tags[256];
	size_t i;

	hdr[0] = '\0';
	if (pl_strcasecmp(&msg->uri.scheme, "sip") &&
	    pl_strcasecmp(&msg->uri.scheme, "sips") &&
	    pl_strcasecmp(&msg->uri.scheme, "tel")) {
		*reason = "Unsupported URI Scheme";
		return 416;
	}
	*reason = "Bad Request";
	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
		if (sip_msg_hdr_count(msg, once[i]) != 1)
			return 400;	/* missing or repeated */
	}
	if (sip_msg_hdr_count(msg, SIP_HDR_CONTENT_LENGTH) > 1 ||
	    sip_msg_hdr_count(msg, SIP_HDR_MAX_FORWARDS) > 1)
		return 400;
	if (pl_cmp(&msg->cseq.met, &msg->met))
		return 400;	/* CSeq method is not the request's */
	if (pl_isset(&msg->clen)) {
		/* digits only, and no more than arrived (UDP) */
		for (i = 0; i < msg->clen.l; i++) {
			if (msg->clen.p[i] < '0' || msg->clen.p[i] > '9')
				return 400;
		}
		if (msg->clen.l > 9 ||
		    pl_u32(&msg->clen) > mbuf_get_left(msg->mb))
			return 400;
	}
	if (!pl_strcmp(&msg->met, "ACK") || !pl_strcmp(&msg->met, "CANCEL"))
		return 0;
	if (unsupported_require(msg, tags, sizeof(tags))) {
		re_snprintf(hdr, sz, "Unsupported: %s\r\n", tags);
		*reason = "Bad Extension";
		return 420;
	}
	if (!pl_strcmp(&msg->met, "INVITE") && mbuf_get_left(msg->mb) &&
	    pl_isset(&msg->clen) && pl_u32(&msg->clen) &&
	    !msg_ctype_cmp(&msg->ctyp, "application", "sdp")) {
		re_snprintf(hdr, sz, "Accept: application/sdp\r\n");
		*reason = "Unsupported Media Type";
		return 415;
	}
	return 0;
}

static void conn_handler(const struct sip_msg *msg, void *arg)
{
	struct sipserver *srv = arg;
	const struct trunk *trunk;
	const char *reason = NULL;
	char number[32], hdr[300];
	uint16_t scode = 0;

	trunk = sipserver_trunk(srv, &msg->src);
	if (!trunk) {
		deny_log(srv, &msg->src, "INVITE");
		(void)sip_treply(NULL, srv->sip, msg, 403, "Forbidden");
		return;
	}

	if (dialled_number(number, sizeof(number), msg, trunk))
		number[0] = '\0';

	scode = request_check(msg, &reason, hdr, sizeof(hdr));
	if (scode) {
		reject(srv, msg, number, scode, reason, hdr,
		       scode == 420 ? "unsupported Require" :
		       "malformed INVITE");
		return;
	}
	(void)sip_reply(srv->sip, msg, 100, "Trying");

	if (srv->closing) {
		reject(srv, msg, number, 503, "Service Unavailable",
		       "Retry-After: 30\r\n", "shutting down");
		return;
	}
	if (!srv->h.inviteh) {
		reject(srv, msg, number, 503, "Service Unavailable",
		       "Retry-After: 5\r\n", "not taking calls");
		return;
	}
	/* the owner answers it: a leg, or sipserver_refuse() */
	srv->h.inviteh(msg, trunk, number, srv->h.arg);
}

static bool known_method(const struct pl *met)
{
	static const char *known[] = {
		"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO",
		"REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH",
		"REFER", "MESSAGE", "UPDATE"
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!pl_strcmp(met, known[i]))
			return true;
	}
	return false;
}

/* Requests outside any session that sipsess did not take. */
static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct sipserver *srv = arg;
	const struct trunk *trunk;
	const char *reason;
	uint16_t scode;
	char hdr[300];

	/* agents register from anywhere: digest authentication guards it */
	if (registrar_handle(srv->reg, msg))
		return true;

	trunk = sipserver_trunk(srv, &msg->src);

	if (!pl_strcmp(&msg->met, "ACK"))
		return true;	/* never answered */

	if (!trunk) {
		/* scanners: no answer, and no log flood */
		deny_log(srv, &msg->src, "request");
		return true;
	}

	scode = request_check(msg, &reason, hdr, sizeof(hdr));
	if (scode) {
		(void)sip_treplyf(NULL, NULL, srv->sip, msg, false, scode,
				  reason, "%sContent-Length: 0\r\n\r\n", hdr);
		return true;
	}

	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		(void)sip_treplyf(NULL, NULL, srv->sip, msg, false, 200, "OK",
				  "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, "
				  "INFO\r\n"
				  "Accept: application/sdp\r\n"
				  "Content-Length: 0\r\n\r\n");
		return true;
	}
	if (pl_isset(&msg->to.tag) && srv->h.dialogh &&
	    srv->h.dialogh(msg, srv->h.arg))
		return true;
	if (pl_isset(&msg->to.tag) || !pl_strcmp(&msg->met, "CANCEL") ||
	    !pl_strcmp(&msg->met, "BYE")) {
		(void)sip_treply(NULL, srv->sip, msg, 481,
				 "Call/Transaction Does Not Exist");
		return true;
	}
	/* a method we know but do not take here is 405, an unknown one 501
	 * (RFC 3261 8.2.1, RFC 4475 3.1.1.2) */
	(void)sip_treplyf(NULL, NULL, srv->sip, msg, false,
			  known_method(&msg->met) ? 405 : 501,
			  known_method(&msg->met) ? "Method Not Allowed" :
			  "Not Implemented",
			  "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO\r\n"
			  "Content-Length: 0\r\n\r\n");
	return true;
}

/* Certificate and key as one PEM (libre reads both from one buffer). */
static int tls_load(struct tls **tlsp, const char *cert, const char *key)
{
	char *a = NULL, *b = NULL, *pem = NULL;
	size_t alen = 0, blen = 0;
	int err;

	err = util_read_file(&a, &alen, cert, 1 << 20);
	if (!err && key && strcmp(key, cert))
		err = util_read_file(&b, &blen, key, 1 << 20);
	if (!err)
		err = re_sdprintf(&pem, "%s\n%s", a, b ? b : "");
	if (!err)
		err = tls_alloc(tlsp, TLS_METHOD_SSLV23, NULL, NULL);
	if (!err) {
		err = tls_set_certificate(*tlsp, pem, strlen(pem));
		if (err)
			*tlsp = mem_deref(*tlsp);
	}
	if (err)
		log_error("sip: TLS certificate %s / key %s: %m", cert,
			  key ? key : cert, err);
	mem_deref(a);
	mem_deref(b);
	mem_deref(pem);
	return err;
}

static int add_listener(struct sipserver *srv, const char *spec,
			const json_t *sipcfg)
{
	enum sip_transp tp;
	const char *addr;
	struct sa laddr;
	int err;

	if (!strncasecmp(spec, "udp:", 4))
		tp = SIP_TRANSP_UDP;
	else if (!strncasecmp(spec, "tcp:", 4))
		tp = SIP_TRANSP_TCP;
	else if (!strncasecmp(spec, "tls:", 4))
		tp = SIP_TRANSP_TLS;
	else
		return EINVAL;
	addr = spec + 4;

	err = sa_decode(&laddr, addr, strlen(addr));
	if (err)
		return EINVAL;

	if (tp == SIP_TRANSP_TLS) {
		const json_t *tls = json_object_get(sipcfg, "tls");
		const char *cert = json_string_value(json_object_get(tls,
								     "cert"));
		const char *key = json_string_value(json_object_get(tls,
								    "key"));
		if (!cert)
			return ENOENT;
		if (!srv->tls) {
			err = tls_load(&srv->tls, cert, key);
			if (err)
				return err;
		}
		return sip_transp_add(srv->sip, tp, &laddr, srv->tls);
	}

	return sip_transp_add(srv->sip, tp, &laddr);
}

static void exit_handler(void *arg)
{
	(void)arg;
}

/* outbound.trunk.register: ENOENT (none) is not an error */
static int trunk_register(struct sipserver *srv, const struct config *cfg)
{
	int err = trunkreg_alloc(&srv->treg, srv->sip, cfg);

	return err == ENOENT ? 0 : err;
}

/* security.registrar: the lock-out policy */
static const json_t *sipserver_policy(const struct config *cfg)
{
	return json_object_get(json_object_get(cfg->root, "security"),
			       "registrar");
}

int sipserver_alloc(struct sipserver **srvp, const struct config *cfg,
		    struct audit *audit, const struct sipserver_handlers *h)
{
	const json_t *sipcfg, *listen;
	struct sipserver *srv;
	char errbuf[256] = "";
	size_t i;
	int err;

	if (!srvp || !cfg)
		return EINVAL;

	srv = mem_zalloc(sizeof(*srv), destructor);
	if (!srv)
		return ENOMEM;
	if (h)
		srv->h = *h;

	err = trunks_parse(&srv->trunks, &srv->trunkc,
			   json_object_get(cfg->root, "trunks"),
			   errbuf, sizeof(errbuf));
	if (err) {
		log_error("config: %s", errbuf);
		goto out;
	}

	err = sip_alloc(&srv->sip, NULL, 32, 32, 32, "callflowd/0.1",
			exit_handler, srv);
	if (err)
		goto out;

	sipcfg = json_object_get(cfg->root, "sip");
	listen = json_object_get(sipcfg, "listen");
	if (!json_is_array(listen) || !json_array_size(listen)) {
		log_error("config: sip.listen: expected a list such as "
			  "[\"udp:127.0.0.1:5060\"]");
		err = EINVAL;
		goto out;
	}
	for (i = 0; i < json_array_size(listen); i++) {
		const char *spec = json_string_value(json_array_get(listen,
								    i));

		err = spec ? add_listener(srv, spec, sipcfg) : EINVAL;
		if (err) {
			log_error("sip: cannot listen on %s: %m",
				  spec ? spec : "(not a string)", err);
			goto out;
		}
		log_info("sip: listening on %s", spec);
	}

	err = sipsess_listen(&srv->sock, srv->sip, 1024, conn_handler, srv);
	if (err)
		goto out;
	err = sip_listen(&srv->lsnr, srv->sip, true, request_handler, srv);
	if (err)
		goto out;

	err = registrar_alloc(&srv->reg, srv->sip, NULL, audit,
			      srv->h.deviceh, srv->h.arg);
	if (!err)
		registrar_set_drop_handler(srv->reg, srv->h.droph, srv->h.arg);
	if (!err)
		err = registrar_set_agents(srv->reg, json_object_get(
						   cfg->root, "agents"));
	if (!err)
		err = registrar_set_policy(srv->reg, sipserver_policy(cfg));
	if (!err)
		err = trunk_register(srv, cfg);

 out:
	if (err)
		mem_deref(srv);
	else
		*srvp = srv;
	return err;
}

void sipserver_close(struct sipserver *srv)
{
	if (!srv)
		return;
	srv->closing = true;
	if (srv->sock)
		sipsess_close_all(srv->sock);
}

int sipserver_reload(struct sipserver *srv, const struct config *cfg)
{
	if (!srv || !cfg)
		return EINVAL;
	if (!trunkreg_same(srv->treg, cfg)) {
		srv->treg = mem_deref(srv->treg);	/* unregisters */
		if (trunk_register(srv, cfg))
			log_error("reload: the trunk registration did not "
				  "start");
	}
	/* live bindings of agents still configured are kept */
	return registrar_set_policy(srv->reg, sipserver_policy(cfg)) |
		registrar_set_agents(srv->reg, json_object_get(cfg->root,
							       "agents"));
}

struct registrar *sipserver_registrar(const struct sipserver *srv)
{
	return srv ? srv->reg : NULL;
}

const struct trunkreg *sipserver_trunkreg(const struct sipserver *srv)
{
	return srv ? srv->treg : NULL;
}

struct sip *sipserver_sip(const struct sipserver *srv)
{
	return srv ? srv->sip : NULL;
}

struct sipsess_sock *sipserver_sock(const struct sipserver *srv)
{
	return srv ? srv->sock : NULL;
}
