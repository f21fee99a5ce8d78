/**
 * @file reload.c  The configuration the daemon runs on: checked whole
 * before anything uses it (start, --check-config, SIGHUP), and swapped
 * whole on SIGHUP when every module accepts it.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/store/audit.h>
#include <callflowd/store/records.h>
#include <callflowd/store/retention.h>
#include <callflowd/speech/asr.h>
#include <callflowd/speech/bot.h>
#include <callflowd/speech/speechconf.h>
#include <callflowd/contact/ccenter.h>
#include <callflowd/api/api.h>
#include "app.h"
#include "flowwatch.h"
#include "notify.h"

int app_log_level(const struct app *app, const struct config *cfg)
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
	if (!app->level_forced)
		log_set_level(lvl);
	return 0;
}

int app_check(const struct config *cfg)
{
	struct speechconf *sc = NULL;
	char errbuf[256] = "";
	int err;

	err = ccenter_config_check(cfg, errbuf, sizeof(errbuf));
	if (!err)
		err = retention_configure(NULL, cfg, errbuf, sizeof(errbuf));
	if (!err)
		err = speechconf_load(&sc, cfg, errbuf, sizeof(errbuf));
	mem_deref(sc);
	if (err) {
		log_error("config: %s", errbuf);
		return err;
	}
	return api_config_check(cfg);
}

int app_speech(struct speechconf **scp, struct asr **asrp,
	       const struct config *cfg)
{
	struct speechconf *sc = NULL;
	char errbuf[256] = "";
	int err;

	err = speechconf_load(&sc, cfg, errbuf, sizeof(errbuf));
	if (err) {
		log_error("config: %s", errbuf);
		return err;
	}
	if (!*asrp && botset_count(sc->bots)) {
		/* reads the dictionary: about a second, once */
		err = asr_alloc(asrp, &asr_pocketsphinx, sc->model_dir,
				sc->max_recognitions);
		if (err) {
			log_error("speech: the recogniser did not start (model "
				  "%s): %m; bots take their error branch",
				  sc->model_dir, err);
			err = 0;
		}
		else {
			log_info("speech: %zu bot%s, up to %u recognitions at "
				 "once", botset_count(sc->bots),
				 botset_count(sc->bots) == 1 ? "" : "s",
				 sc->max_recognitions);
		}
	}
	*scp = sc;
	return 0;
}

int app_load_flows(struct flowset **fsp, const struct config *cfg)
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

static void notify_reloading(void)
{
	char state[64];
	struct timespec ts;

	/* systemd wants the reload's CLOCK_MONOTONIC time */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	re_snprintf(state, sizeof(state), "RELOADING=1\nMONOTONIC_USEC=%llu",
		    (unsigned long long)ts.tv_sec * 1000000ULL +
		    (unsigned long long)ts.tv_nsec / 1000);
	(void)notify_send(state);
}

/* Every module takes cfg, or none does: 0, or errbuf says why. */
static int apply(struct app *app, struct config *cfg, struct flowset *fs,
		 char *errbuf, size_t sz)
{
	char tmp[64];	/* the running settings were valid: no message */
	struct speechconf *sc = NULL;
	int err;

	err = retention_configure(NULL, cfg, errbuf, sz);
	if (!err)
		err = records_configure(app->records, cfg, errbuf, sz);
	if (err)
		return err;
	/* judged against where the API listens now; if refused, the
	 * running records settings (valid before) go back too */
	if (api_reload(app->api, cfg)) {
		str_ncpy(errbuf, "api section refused", sz);
		(void)records_configure(app->records, app->cfg, tmp,
					sizeof(tmp));
		return EINVAL;
	}
	err = app_speech(&sc, &app->asr, cfg);
	if (!err)
		err = ccenter_reload(app->cc, cfg, fs, errbuf, sz);
	if (err) {
		(void)records_configure(app->records, app->cfg, tmp,
					sizeof(tmp));
		(void)api_reload(app->api, app->cfg);
		mem_deref(sc);
		return err;
	}
	ccenter_set_speech(app->cc, sc, app->asr);
	mem_deref(app->speech);
	app->speech = sc;
	(void)retention_configure(app->retention, cfg, errbuf, sz);
	return 0;
}

void app_reload(struct app *app)
{
	struct config *cfg = NULL;
	struct flowset *fs = NULL;
	char errbuf[512] = "";
	int err;

	notify_reloading();
	log_info("reload: reading %s", app->config_path);

	err = config_load(&cfg, app->config_path, errbuf, sizeof(errbuf));
	if (err) {
		log_error("reload: %s: %s; keeping the running configuration",
			  app->config_path, errbuf);
		goto out;
	}
	errbuf[0] = '\0';
	err = app_log_level(app, cfg);
	if (!err)
		err = app_check(cfg);
	if (!err)
		err = app_load_flows(&fs, cfg);
	if (!err)
		err = apply(app, cfg, fs, errbuf, sizeof(errbuf));
	if (err) {
		log_error("reload: %s: %s; keeping the running configuration",
			  app->config_path, errbuf[0] ? errbuf :
			  "refused (see above)");
		goto out;
	}

	/* contacts hold their own references to what they started with */
	mem_deref(app->cfg);
	app->cfg = mem_ref(cfg);
	mem_deref(app->flows);
	app->flows = mem_ref(fs);
	flowwatch_set(app->watch, fs);
	ccenter_announce_agents(app->cc);
	++app->reloads;
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
	mem_deref(cfg);
	mem_deref(fs);
	(void)notify_send("READY=1");
}
