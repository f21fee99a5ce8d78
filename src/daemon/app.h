/**
 * @file app.h  Private to the daemon: the process and what it runs.
 *
 * Owns the current configuration and flow set (each swapped whole on
 * reload; contacts keep references to the versions they started with)
 * and every service it creates and hands down: the stores (records,
 * journal, flow logs, audit trail, agent log, retention), the event bus,
 * the media services, the HTTP client, the contact center and the API.
 * Only the loop thread touches it; nothing outside src/daemon/ sees it.
 */
#ifndef CALLFLOWD_APP_H
#define CALLFLOWD_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include <callflowd/core/libre.h>

struct agentlog;
struct asr;
struct speechconf;
struct api;
struct audit;
struct ccenter;
struct config;
struct events;
struct flowlog;
struct flowset;
struct flowwatch;
struct httpc;
struct journal;
struct mediasvc;
struct records;
struct retention;

struct app {
	const char *config_path;
	struct config *cfg;
	struct flowset *flows;
	/* services, made here and handed down */
	struct records *records;	/* contact records */
	struct audit *audit;		/* audit trail */
	struct retention *retention;	/* old days removed */
	struct journal *journal;	/* live-contact journal */
	struct flowlog *flowlog;	/* flow logs */
	struct events *bus;		/* the event bus */
	struct agentlog *agentlog;	/* agent activity log */
	struct mediasvc *media;		/* clock, TTS, prompt files */
	struct httpc *httpc;		/* Lambda calls */
	struct speechconf *speech;	/* the speech section, its bots */
	struct asr *asr;		/* the recogniser (bots configured) */
	struct ccenter *cc;		/* the contact center */
	struct api *api;
	struct flowwatch *watch;
	/* the process */
	uint64_t started_ms;
	uint32_t reloads;
	bool draining;
	bool level_forced;		/* --log-level beats the config's */
	int exit_code;
	uv_signal_t sig_hup, sig_term, sig_int;
	struct tmr grace_tmr;
	struct tmr drain_tmr;
	struct tmr wd_tmr;
	uint64_t wd_ms;
};

/* reload.c */
/** The config's log_level, unless --log-level was given; 0 or EINVAL. */
int  app_log_level(const struct app *app, const struct config *cfg);
/** Check every section other modules own: 0, or logged and an error. */
int  app_check(const struct config *cfg);
/** The speech section of cfg and its bots (*scp), and the recogniser
 *  when bots are named and *asrp has none yet: 0, or logged. */
int  app_speech(struct speechconf **scp, struct asr **asrp,
		const struct config *cfg);
/** Load the flows folder of cfg (broken files are logged, not fatal). */
int  app_load_flows(struct flowset **fsp, const struct config *cfg);
/** SIGHUP: read the configuration and flows again and apply them, or
 *  keep the running ones (logged and audited either way). */
void app_reload(struct app *app);

/* run.c */
/** Create the services and start taking calls. */
int  app_start(struct app *app);
/** Stop everything app_start() made (records flushed). */
void app_stop(struct app *app);

#endif
