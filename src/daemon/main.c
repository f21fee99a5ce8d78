/**
 * @file main.c  callflowd: arguments, the configuration, the loop.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/core/tz.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/store/audit.h>
#include "app.h"
#include "notify.h"

#define DEFAULT_CONFIG "/etc/callflowd/callflowd.json"

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

/* 0 to go on, else the exit code (after --help, --version, errors). */
static int parse_args(struct app *app, bool *checkp, int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check-config", no_argument, NULL, 'k'},
		{"log-level", required_argument, NULL, 'l'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	enum log_level lvl;
	int c;

	app->config_path = DEFAULT_CONFIG;
	while ((c = getopt_long(argc, argv, "c:kl:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			app->config_path = optarg;
			break;
		case 'k':
			*checkp = true;
			break;
		case 'l':
			if (log_level_parse(&lvl, optarg)) {
				fprintf(stderr, "callflowd: unknown log level "
					"'%s'\n", optarg);
				return 2;
			}
			log_set_level(lvl);
			app->level_forced = true;
			break;
		case 'V':
			printf("callflowd %s\n", CFD_VERSION);
			return -1;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	return 0;
}

/* Configuration and flows, checked: 0, or the exit code. */
static int load(struct app *app)
{
	char errbuf[512] = "";
	int err;

	err = config_load(&app->cfg, app->config_path, errbuf,
			  sizeof(errbuf));
	if (err) {
		log_error("config: %s: %s", app->config_path, errbuf);
		return 1;
	}
	err = app_log_level(app, app->cfg);
	if (!err)
		err = app_check(app->cfg);
	if (!err)
		err = app_load_flows(&app->flows, app->cfg);
	return err ? 1 : 0;
}

static int run(struct app *app)
{
	int err;

	err = app_start(app);
	if (err) {
		log_error("startup failed: %m", err);
		app_stop(app);
		return 1;
	}
	log_info("callflowd ready: %zu flows, %zu numbers",
		 flowset_count(app->flows), app->cfg->numberc);
	audit_event(app->audit, "start", json_pack("{s:s, s:I, s:s, s:I}",
		    "Version", CFD_VERSION, "Pid", (json_int_t)getpid(),
		    "Config", app->config_path,
		    "Flows", (json_int_t)flowset_count(app->flows)));
	(void)notify_send("READY=1");

	err = re_main(NULL);
	if (err && err != EALREADY)
		log_error("event loop: %m", err);

	app_stop(app);
	log_info("callflowd stopped");
	return app->exit_code;
}

int main(int argc, char **argv)
{
	struct app app;
	bool check = false;
	int rc;

	memset(&app, 0, sizeof(app));
	rc = parse_args(&app, &check, argc, argv);
	if (rc)
		return rc < 0 ? 0 : rc;

	if (libre_init()) {
		fprintf(stderr, "callflowd: libre_init failed\n");
		return 1;
	}
	log_capture_libre();	/* libre's warnings: no ANSI, our format */
	if (loop_init()) {
		log_error("cannot set up the event loop");
		libre_close();
		return 1;
	}
	app.started_ms = util_now_ms();

	rc = load(&app);
	if (!rc && check) {
		rc = report_flows(app.flows);
		if (!rc)
			printf("%s: configuration valid\n", app.config_path);
	}
	else if (!rc) {
		rc = run(&app);
	}

	app.flows = mem_deref(app.flows);
	app.cfg = mem_deref(app.cfg);
	loop_close();
	tz_flush();
	libre_close();
	return rc;
}
