/**
 * @file main.c  callflowd: arguments, configuration, signals, the loop.
 *
 * SIGHUP reloads configuration and flows (live contacts keep the versions
 * they started with); SIGTERM drains: new calls get 503, live calls go on
 * for up to shutdown_grace_seconds, then are ended with their records
 * written, and the process exits 0.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <uv.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/agentlog.h>
#include <callflowd/contact/announce.h>
#include <callflowd/core/events.h>
#include <callflowd/contact/agents.h>
#include <callflowd/api/api.h>
#include <callflowd/daemon/app.h>
#include <callflowd/store/audit.h>
#include <callflowd/core/config.h>
#include <callflowd/contact/contact.h>
#include <callflowd/store/flowlog.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/daemon/flowwatch.h>
#include <callflowd/store/journal.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/daemon/media.h>
#include <callflowd/daemon/notify.h>
#include <callflowd/sip/outbound.h>
#include <callflowd/store/records.h>
#include <callflowd/store/retention.h>
#include <callflowd/routing/router.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/core/tz.h>

#define DEFAULT_CONFIG "/etc/callflowd/callflowd.json"

struct app *the_app;

static struct {
	struct app app;
	const char *config_path;
	uv_signal_t sig_hup, sig_term, sig_int;
	struct tmr grace_tmr;
	struct tmr drain_tmr;
	struct tmr wd_tmr;
	uint64_t wd_ms;
	int exit_code;
	bool level_forced;	/* --log-level beats the config's */
} d;

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: callflowd [--config FILE] [--log-level LEVEL]\n"
		"       callflowd --check-config [--config FILE]\n"
		"\n"
		"  -c, --config FILE     configuration (default %s)\n"
		"  -k, --check-config    validate the configuration and every "
		"flow, then exit\n"
		"                        (0 valid, 1 errors)\n"
		"  -l, --log-level LVL   error, warn, info (default) or debug\n"
		"  -V, --version         print the version\n"
		"  -h, --help            this text\n", DEFAULT_CONFIG);
}

/* The config's log_level, unless --log-level was given; 0 or EINVAL. */
static int apply_log_level(const struct config *cfg)
{
	const json_t *v = json_object_get(cfg->root, "log_level");
	enum log_level lvl;

	if (!v)
		return 0;
	if (!json_is_string(v) || log_level_parse(&lvl, json_string_value(v))) {
		log_error("config: log_level: expected error, warn, info or "
			  "debug");
		return EINVAL;
	}
	if (!d.level_forced)
		log_set_level(lvl);
	return 0;
}

/* The sections other modules own, checked before anything starts (and by
 * --check-config), so a typo fails fast with the key named. */
static int check_sections(const struct config *cfg)
{
	const json_t *sip = json_object_get(cfg->root, "sip");
	const json_t *listen = json_object_get(sip, "listen");
	const char *http = json_string_value(json_object_get(
		json_object_get(cfg->root, "http"), "listen"));
	struct trunk *trunks = NULL;
	char errbuf[256] = "";
	struct sa sa;
	size_t i, n = 0;
	int err;

	err = trunks_parse(&trunks, &n, json_object_get(cfg->root, "trunks"),
			   errbuf, sizeof(errbuf));
	mem_deref(trunks);
	if (err) {
		log_error("config: %s", errbuf);
		return err;
	}
	if (!json_is_array(listen) || !json_array_size(listen)) {
		log_error("config: sip.listen: expected a list such as "
			  "[\"udp:127.0.0.1:5060\"]");
		return EINVAL;
	}
	for (i = 0; i < json_array_size(listen); i++) {
		const char *spec = json_string_value(json_array_get(listen, i));

		if (!spec || strlen(spec) < 5 || spec[3] != ':' ||
		    (strncasecmp(spec, "udp", 3) && strncasecmp(spec, "tcp", 3)
		     && strncasecmp(spec, "tls", 3)) ||
		    sa_decode(&sa, spec + 4, strlen(spec + 4))) {
			log_error("config: sip.listen[%zu]: expected "
				  "udp|tcp|tls:ADDRESS:PORT", i);
			return EINVAL;
		}
		if (!strncasecmp(spec, "tls", 3) &&
		    !json_string_value(json_object_get(
			    json_object_get(sip, "tls"), "cert"))) {
			log_error("config: sip.tls.cert: needed by %s", spec);
			return EINVAL;
		}
	}
	if (http && sa_decode(&sa, http, strlen(http))) {
		log_error("config: http.listen: '%s' is not ADDRESS:PORT",
			  http);
		return EINVAL;
	}
	err = routing_config_check(cfg, errbuf, sizeof(errbuf));
	if (!err)
		err = outbound_check(cfg, errbuf, sizeof(errbuf));
	if (!err)
		err = retention_configure(NULL, cfg, errbuf, sizeof(errbuf));
	if (err) {
		log_error("config: %s", errbuf);
		return err;
	}
	return api_config_check(cfg);
}

static int load_flows(struct flowset **fsp, const struct config *cfg)
{
	struct flowset *fs = NULL;
	int err;

	err = flowset_alloc(&fs, cfg);
	if (err)
		return err;
	err = flowset_load_dir(fs, cfg->flows_dir);
	if (err && err != EBADMSG) {
		log_error("flows: cannot read %s: %m", cfg->flows_dir, err);
		mem_deref(fs);
		return err;
	}
	*fsp = fs;
	return 0;
}

/* Print every flow's findings; 1 when any has an error. */
static int report_flows(const struct flowset *fs)
{
	size_t i, n = flowset_count(fs), errors = 0, warnings = 0;

	for (i = 0; i < n; i++) {
		const struct flowset_entry *e = flowset_at(fs, i);

		if (!e->findings)
			continue;
		findings_print(e->findings, e->path ? e->path : e->name,
			       stdout);
		errors += e->findings->nerrors;
		warnings += e->findings->nwarnings;
	}
	printf("%zu flows, %zu errors, %zu warnings\n", n, errors, warnings);
	return errors ? 1 : 0;
}

static void shutdown_now(void)
{
	struct app *app = &d.app;

	tmr_cancel(&d.grace_tmr);
	tmr_cancel(&d.drain_tmr);
	tmr_cancel(&d.wd_tmr);
	sipserver_close(app->sip);
	re_cancel();
}

static void drain_check(void *arg)
{
	(void)arg;

	if (!d.app.ncontacts) {
		log_info("shutdown: no live calls left");
		shutdown_now();
		return;
	}
	tmr_start(&d.drain_tmr, 50, drain_check, NULL);
}

/* Ending a contact writes its record on the loop thread (tens of us):
 * a mass hang-up goes in slices so the loop keeps serving in between. */
#define HANGUP_SLICE 50

static void hangup_slice(void *arg)
{
	unsigned n = 0;

	(void)arg;
	while (list_head(&d.app.contacts) && n++ < HANGUP_SLICE)
		contact_hangup(contact_from_le(list_head(&d.app.contacts)),
			       "OTHER");
	if (list_head(&d.app.contacts))
		tmr_start(&d.grace_tmr, 1, hangup_slice, NULL);
	else
		drain_check(NULL);
}

static void grace_expired(void *arg)
{
	(void)arg;
	log_info("shutdown: grace period over, ending %u live call%s",
		 d.app.ncontacts, d.app.ncontacts == 1 ? "" : "s");
	hangup_slice(NULL);
}

static void begin_drain(const char *why)
{
	const json_t *g;
	uint32_t grace = 30;

	if (d.app.draining)
		return;
	d.app.draining = true;
	audit_event(d.app.audit, "stop", json_pack("{s:s, s:I}", "Reason", why,
		    "LiveCalls", (json_int_t)d.app.ncontacts));
	(void)notify_send("STOPPING=1");

	g = json_object_get(d.app.cfg->root, "shutdown_grace_seconds");
	if (json_is_integer(g) && json_integer_value(g) >= 0)
		grace = (uint32_t)json_integer_value(g);

	log_info("shutdown: draining %u live call%s (grace %u s); new calls "
		 "get 503", d.app.ncontacts, d.app.ncontacts == 1 ? "" : "s",
		 grace);
	tmr_start(&d.grace_tmr, (uint64_t)grace * 1000, grace_expired, NULL);
	drain_check(NULL);
}

static void reload(void)
{
	struct app *app = &d.app;
	struct config *cfg = NULL;
	struct flowset *fs = NULL;
	char errbuf[512] = "", state[64];
	struct timespec ts;
	int err;

	/* systemd wants the reload's CLOCK_MONOTONIC time with RELOADING=1 */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	re_snprintf(state, sizeof(state), "RELOADING=1\nMONOTONIC_USEC=%llu",
		    (unsigned long long)ts.tv_sec * 1000000ULL +
		    (unsigned long long)ts.tv_nsec / 1000);
	(void)notify_send(state);
	log_info("reload: reading %s", d.config_path);

	err = config_load(&cfg, d.config_path, errbuf, sizeof(errbuf));
	if (err) {
		log_error("reload: %s: %s; keeping the running configuration",
			  d.config_path, errbuf);
		goto out;
	}
	errbuf[0] = '\0';
	err = apply_log_level(cfg);
	if (!err)
		err = check_sections(cfg);
	if (!err)
		err = load_flows(&fs, cfg);
	if (err) {
		log_error("reload: %s: refused (see above); keeping the "
			  "running configuration", d.config_path);
		mem_deref(cfg);
		goto out;
	}

	err = retention_configure(NULL, cfg, errbuf, sizeof(errbuf));
	if (!err)
		err = records_configure(app->records, cfg, errbuf,
					sizeof(errbuf));
	if (err) {
		log_error("reload: %s: %s; keeping the running configuration",
			  d.config_path, errbuf);
		mem_deref(fs);
		mem_deref(cfg);
		goto out;
	}
	/* judged against where the API listens now; if refused, the
	 * running records settings (valid before) go back too */
	if (api_reload(app->api, cfg)) {
		err = EINVAL;
		str_ncpy(errbuf, "api section refused", sizeof(errbuf));
		log_error("reload: %s: api section refused (see above); "
			  "keeping the running configuration", d.config_path);
		(void)records_configure(app->records, app->cfg, errbuf,
					sizeof(errbuf));
		mem_deref(fs);
		mem_deref(cfg);
		goto out;
	}

	(void)retention_configure(app->retention, cfg, errbuf,
				  sizeof(errbuf));
	/* contacts hold their own references to what they started with */
	mem_deref(app->cfg);
	app->cfg = cfg;
	mem_deref(app->flows);
	app->flows = fs;
	flowwatch_set(app->watch, fs);
	if (sipserver_reload(app->sip, cfg))
		log_error("reload: agents' credentials not applied");
	(void)agents_reload(app, cfg);
	agents_announce(app);
	++app->stats.reloads;
	log_info("reload: %zu flows serving", flowset_count(fs));

 out:
	if (err)
		audit_event(app->audit, "reload", json_pack(
			"{s:s, s:s, s:s}", "Trigger", "SIGHUP",
			"Result", "refused", "Reason", errbuf[0] ? errbuf :
			"invalid configuration or flows (see the log)"));
	else
		audit_event(app->audit, "reload", json_pack(
			"{s:s, s:s, s:I}", "Trigger", "SIGHUP",
			"Result", "applied", "Flows",
			(json_int_t)flowset_count(app->flows)));
	(void)notify_send("READY=1");
}

static void signal_cb(uv_signal_t *h, int signum)
{
	(void)h;

	if (signum == SIGHUP)
		reload();
	else
		begin_drain(signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

static void watchdog(void *arg)
{
	(void)arg;
	(void)notify_send("WATCHDOG=1");
	tmr_start(&d.wd_tmr, d.wd_ms, watchdog, NULL);
}

/* Records, the crash journal (contacts a dead process left open get
 * their records before any call is taken) and flow logs. */
static int start_records(struct app *app)
{
	char errbuf[256] = "";
	unsigned n = 0;
	int err;

	err = records_configure(app->records, app->cfg, errbuf,
				sizeof(errbuf));
	if (!err)
		err = retention_alloc(&app->retention, app->cfg->data_dir,
				      app->audit);
	if (!err)
		err = retention_configure(app->retention, app->cfg, errbuf,
					  sizeof(errbuf));
	if (err) {
		log_error("config: %s: %s", d.config_path, errbuf);
		return err;
	}
	err = journal_recover(app->cfg->data_dir, app->records, &n);
	if (err)
		log_error("journal: not recovered (%m): it is kept for the "
			  "next start", err);
	else if (n)
		log_warn("journal: %u contact record%s recovered", n,
			 n == 1 ? "" : "s");
	err = journal_alloc(&app->journal, app->cfg->data_dir, app->records,
			    0);
	if (err)
		return err;
	return flowlog_alloc(&app->flowlog, app->cfg->data_dir,
			     app->records);
}

static int start(void)
{
	struct app *app = &d.app;
	int err;

	err = events_alloc(&app->bus);
	if (!err)
		err = announce_alloc(&app->announce, app->bus);
	if (!err)
		err = records_alloc(&app->records, app->cfg->data_dir);
	if (err)
		return err;
	err = audit_alloc(&app->audit, app->cfg->data_dir);
	if (err)
		return err;
	err = start_records(app);
	if (err)
		return err;
	err = media_init(app);
	if (err)
		return err;
	err = agents_init(app);
	if (err)
		return err;
	err = sipserver_alloc(&app->sip, app);
	if (err)
		return err;
	err = api_alloc(&app->api, app);
	if (err)
		return err;
	/* agents' changes from the API's event bus */
	err = agentlog_alloc(&app->agentlog, app->cfg->data_dir, app->bus);
	if (err)
		log_warn("agent log: not kept (%m)", err);
	agents_announce(app);
	err = flowwatch_alloc(&app->watch, app->cfg->flows_dir, app->flows,
			      200, app->audit);
	if (err)
		log_warn("flows: not watching %s (%m): changes need SIGHUP",
			 app->cfg->flows_dir, err);

	uv_signal_init(loop_uv(), &d.sig_hup);
	uv_signal_init(loop_uv(), &d.sig_term);
	uv_signal_init(loop_uv(), &d.sig_int);
	uv_signal_start(&d.sig_hup, signal_cb, SIGHUP);
	uv_signal_start(&d.sig_term, signal_cb, SIGTERM);
	uv_signal_start(&d.sig_int, signal_cb, SIGINT);
	loop_kick();

	d.wd_ms = notify_watchdog_usec() / 2000;
	if (d.wd_ms)
		tmr_start(&d.wd_tmr, d.wd_ms, watchdog, NULL);

	return 0;
}

static void stop(void)
{
	struct app *app = &d.app;

	uv_signal_stop(&d.sig_hup);
	uv_signal_stop(&d.sig_term);
	uv_signal_stop(&d.sig_int);

	/* contacts still alive end now, writing their records */
	while (list_head(&app->contacts))
		contact_hangup(contact_from_le(list_head(&app->contacts)),
			       "OTHER");

	app->watch = mem_deref(app->watch);
	agentlog_flush(app->agentlog, 5000);
	app->agentlog = mem_deref(app->agentlog);
	app->api = mem_deref(app->api);
	app->sip = mem_deref(app->sip);
	agents_close(app);
	media_close(app);
	flowlog_flush(app->flowlog, 5000);
	app->flowlog = mem_deref(app->flowlog);
	/* records first: each ends its contact's journal entry on disk */
	records_flush(app->records, 5000);
	journal_flush(app->journal, 5000);
	app->journal = mem_deref(app->journal);
	app->records = mem_deref(app->records);
	app->retention = mem_deref(app->retention);
	audit_flush(app->audit, 5000);
	app->audit = mem_deref(app->audit);
	app->announce = mem_deref(app->announce);
	app->bus = mem_deref(app->bus);
	app->flows = mem_deref(app->flows);
	app->cfg = mem_deref(app->cfg);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check-config", no_argument, NULL, 'k'},
		{"log-level", required_argument, NULL, 'l'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	struct app *app = &d.app;
	bool check = false;
	char errbuf[512] = "";
	enum log_level lvl;
	int c, err;

	d.config_path = DEFAULT_CONFIG;
	while ((c = getopt_long(argc, argv, "c:kl:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			d.config_path = optarg;
			break;
		case 'k':
			check = true;
			break;
		case 'l':
			if (log_level_parse(&lvl, optarg)) {
				fprintf(stderr, "callflowd: unknown log level "
					"'%s'\n", optarg);
				return 2;
			}
			log_set_level(lvl);
			d.level_forced = true;
			break;
		case 'V':
			printf("callflowd %s\n", CFD_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}

	if (libre_init()) {
		fprintf(stderr, "callflowd: libre_init failed\n");
		return 1;
	}
	log_capture_libre();	/* libre's warnings: no ANSI, our format */
	err = loop_init();
	if (err) {
		log_error("cannot set up the event loop: %m", err);
		libre_close();
		return 1;
	}

	the_app = app;
	app->started_ms = util_now_ms();
	{
		uint64_t seed = 0;

		/* DistributeByPercentage: unpredictable, not secret */
		(void)util_random(&seed, sizeof(seed));
		rng_seed(&app->rng, seed ^ util_now_ms());
	}

	err = config_load(&app->cfg, d.config_path, errbuf, sizeof(errbuf));
	if (err) {
		log_error("config: %s: %s", d.config_path, errbuf);
		d.exit_code = 1;
		goto out;
	}
	err = apply_log_level(app->cfg);
	if (!err)
		err = check_sections(app->cfg);
	if (err) {
		d.exit_code = 1;
		goto out;
	}
	err = load_flows(&app->flows, app->cfg);
	if (err) {
		d.exit_code = 1;
		goto out;
	}

	if (check) {
		d.exit_code = report_flows(app->flows);
		if (!d.exit_code)
			printf("%s: configuration valid\n", d.config_path);
		goto out;
	}

	err = start();
	if (err) {
		log_error("startup failed: %m", err);
		d.exit_code = 1;
		stop();
		goto out;
	}

	log_info("callflowd ready: %zu flows, %zu numbers",
		 flowset_count(app->flows), app->cfg->numberc);
	audit_event(app->audit, "start", json_pack("{s:s, s:I, s:s, s:I}",
		    "Version", CFD_VERSION, "Pid", (json_int_t)getpid(),
		    "Config", d.config_path,
		    "Flows", (json_int_t)flowset_count(app->flows)));
	(void)notify_send("READY=1");

	err = re_main(NULL);
	if (err && err != EALREADY)
		log_error("event loop: %m", err);

	stop();
	log_info("callflowd stopped");

 out:
	app->flows = mem_deref(app->flows);
	app->cfg = mem_deref(app->cfg);
	loop_close();
	tz_flush();
	libre_close();
	return d.exit_code;
}
