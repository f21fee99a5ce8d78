/**
 * @file run.c  The daemon's services made and handed down, in order, and
 * taken down in the reverse order; signals: SIGHUP reloads, SIGTERM and
 * SIGINT drain (new calls get 503, live calls go on for up to
 * shutdown_grace_seconds, then are ended with their records written);
 * the systemd watchdog.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/events.h>
#include <callflowd/core/httpc.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/media/mediasvc.h>
#include <callflowd/store/agentlog.h>
#include <callflowd/store/audit.h>
#include <callflowd/store/flowlog.h>
#include <callflowd/store/journal.h>
#include <callflowd/store/records.h>
#include <callflowd/store/retention.h>
#include <callflowd/contact/ccenter.h>
#include <callflowd/api/api.h>
#include "app.h"
#include "flowwatch.h"
#include "notify.h"

#define TTS_MEM_CACHE (64u * 1024 * 1024)

/* Ending a contact writes its record (a snapshot, on the loop): a mass
 * hang-up goes in slices so the loop keeps serving in between. */
#define HANGUP_SLICE 50

static void shutdown_now(struct app *app)
{
	tmr_cancel(&app->grace_tmr);
	tmr_cancel(&app->drain_tmr);
	tmr_cancel(&app->wd_tmr);
	ccenter_close(app->cc);
	re_cancel();
}

static void drain_check(void *arg)
{
	struct app *app = arg;

	if (!ccenter_count(app->cc)) {
		log_info("shutdown: no live calls left");
		shutdown_now(app);
		return;
	}
	tmr_start(&app->drain_tmr, 50, drain_check, app);
}

static void hangup_slice(void *arg)
{
	struct app *app = arg;

	if (ccenter_hangup(app->cc, HANGUP_SLICE, "OTHER"))
		tmr_start(&app->grace_tmr, 1, hangup_slice, app);
	else
		drain_check(app);
}

static void grace_expired(void *arg)
{
	struct app *app = arg;
	unsigned n = ccenter_count(app->cc);

	log_info("shutdown: grace period over, ending %u live call%s", n,
		 n == 1 ? "" : "s");
	hangup_slice(app);
}

static void begin_drain(struct app *app, const char *why)
{
	const json_t *g;
	uint32_t grace = 30;
	unsigned n = ccenter_count(app->cc);

	if (app->draining)
		return;
	app->draining = true;
	ccenter_drain(app->cc);
	audit_event(app->audit, "stop", json_pack("{s:s, s:I}", "Reason", why,
		    "LiveCalls", (json_int_t)n));
	(void)notify_send("STOPPING=1");

	g = json_object_get(app->cfg->root, "shutdown_grace_seconds");
	if (json_is_integer(g) && json_integer_value(g) >= 0)
		grace = (uint32_t)json_integer_value(g);

	log_info("shutdown: draining %u live call%s (grace %u s); new calls "
		 "get 503", n, n == 1 ? "" : "s", grace);
	tmr_start(&app->grace_tmr, (uint64_t)grace * 1000, grace_expired, app);
	drain_check(app);
}

static void signal_cb(uv_signal_t *h, int signum)
{
	struct app *app = h->data;

	if (signum == SIGHUP)
		app_reload(app);
	else
		begin_drain(app, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

static void watchdog(void *arg)
{
	struct app *app = arg;

	(void)notify_send("WATCHDOG=1");
	tmr_start(&app->wd_tmr, app->wd_ms, watchdog, app);
}

static void process_h(struct api_process *p, void *arg)
{
	const struct app *app = arg;

	p->started_ms = app->started_ms;
	p->reloads = app->reloads;
	p->draining = app->draining;
}

/* Records, the crash journal (contacts a dead process left open get
 * their records before any call is taken), flow logs, the audit trail
 * and retention. */
static int start_store(struct app *app)
{
	const char *dir = app->cfg->data_dir;
	char errbuf[256] = "";
	unsigned n = 0;
	int err;

	err = records_alloc(&app->records, dir);
	if (!err)
		err = audit_alloc(&app->audit, dir);
	if (err)
		return err;
	err = records_configure(app->records, app->cfg, errbuf,
				sizeof(errbuf));
	if (!err)
		err = retention_alloc(&app->retention, dir, app->audit);
	if (!err)
		err = retention_configure(app->retention, app->cfg, errbuf,
					  sizeof(errbuf));
	if (err) {
		log_error("config: %s: %s", app->config_path, errbuf);
		return err;
	}
	err = journal_recover(dir, app->records, &n);
	if (err)
		log_error("journal: not recovered (%m): it is kept for the "
			  "next start", err);
	else if (n)
		log_warn("journal: %u contact record%s recovered", n,
			 n == 1 ? "" : "s");
	err = journal_alloc(&app->journal, dir, app->records, 0);
	if (!err)
		err = flowlog_alloc(&app->flowlog, dir, app->records);
	return err;
}

static int start_media(struct app *app)
{
	char dir[4096];
	int err;

	re_snprintf(dir, sizeof(dir), "%s/tts-cache", app->cfg->data_dir);
	err = mediasvc_alloc(&app->media, dir, TTS_MEM_CACHE);
	if (!err)
		err = app_speech(&app->speech, &app->asr, app->cfg);
	if (err)
		return err;
	if (httpc_alloc(&app->httpc))
		log_warn("http client unavailable: Lambda calls will take "
			 "their error branch");
	return 0;
}

static int start_calls(struct app *app)
{
	struct ccenter_services cs;
	struct api_services as;
	char errbuf[256] = "";
	int err;

	memset(&cs, 0, sizeof(cs));
	cs.media = app->media;
	cs.httpc = app->httpc;
	cs.records = app->records;
	cs.journal = app->journal;
	cs.flowlog = app->flowlog;
	cs.bus = app->bus;
	cs.audit = app->audit;
	cs.asr = app->asr;
	cs.speech = app->speech;
	err = ccenter_alloc(&app->cc, &cs, app->cfg, app->flows, errbuf,
			    sizeof(errbuf));
	if (err) {
		log_error("config: %s", errbuf[0] ? errbuf :
			  "the contact center did not start");
		return err;
	}

	memset(&as, 0, sizeof(as));
	as.cc = app->cc;
	as.records = app->records;
	as.journal = app->journal;
	as.flowlog = app->flowlog;
	as.media = app->media;
	as.audit = app->audit;
	as.bus = app->bus;
	as.processh = process_h;
	as.arg = app;
	return api_alloc(&app->api, app->cfg, &as);
}

static void signals_start(struct app *app)
{
	uv_signal_t *sv[] = {&app->sig_hup, &app->sig_term, &app->sig_int};
	const int signum[] = {SIGHUP, SIGTERM, SIGINT};
	size_t i;

	for (i = 0; i < 3; i++) {
		uv_signal_init(loop_uv(), sv[i]);
		sv[i]->data = app;
		uv_signal_start(sv[i], signal_cb, signum[i]);
	}
	loop_kick();
}

int app_start(struct app *app)
{
	int err;

	tmr_init(&app->grace_tmr);
	tmr_init(&app->drain_tmr);
	tmr_init(&app->wd_tmr);

	err = events_alloc(&app->bus);
	if (!err)
		err = start_store(app);
	if (!err)
		err = start_media(app);
	if (!err)
		err = start_calls(app);
	if (err)
		return err;

	/* agents' changes from the event bus, from their baseline on */
	err = agentlog_alloc(&app->agentlog, app->cfg->data_dir, app->bus);
	if (err)
		log_warn("agent log: not kept (%m)", err);
	ccenter_announce_agents(app->cc);
	err = flowwatch_alloc(&app->watch, app->cfg->flows_dir, app->flows,
			      200, app->audit);
	if (err)
		log_warn("flows: not watching %s (%m): changes need SIGHUP",
			 app->cfg->flows_dir, err);

	signals_start(app);
	app->wd_ms = notify_watchdog_usec() / 2000;
	if (app->wd_ms)
		tmr_start(&app->wd_tmr, app->wd_ms, watchdog, app);
	return 0;
}

void app_stop(struct app *app)
{
	uv_signal_stop(&app->sig_hup);
	uv_signal_stop(&app->sig_term);
	uv_signal_stop(&app->sig_int);
	tmr_cancel(&app->grace_tmr);
	tmr_cancel(&app->drain_tmr);
	tmr_cancel(&app->wd_tmr);

	app->watch = mem_deref(app->watch);
	/* the API first (it reads the contact center), then the contacts:
	 * those still alive end now, writing their records */
	app->api = mem_deref(app->api);
	(void)ccenter_hangup(app->cc, (unsigned)-1, "OTHER");
	app->cc = mem_deref(app->cc);
	agentlog_flush(app->agentlog, 5000);
	app->agentlog = mem_deref(app->agentlog);
	app->httpc = mem_deref(app->httpc);
	app->asr = mem_deref(app->asr);
	app->speech = mem_deref(app->speech);
	app->media = mem_deref(app->media);
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
	app->bus = mem_deref(app->bus);
}
