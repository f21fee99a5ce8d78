/*
 * callflowctl: validate, simulate and inspect flows; talk to the daemon.
 * Each subcommand lives in its own file (cmd_*.c).
 */
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include "ctl.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: callflowctl <command> [options]\n"
		"\n"
		"commands:\n"
		"  validate [--config FILE] [--strict] PATH...\n"
		"      check flow files or directories; exit 0 clean, 1 errors\n"
		"  simulate FLOW [options]\n"
		"      run a flow without a phone (see 'callflowctl simulate --help')\n"
		"  health | flows | contacts [--api HOST:PORT] [--table]\n"
		"      ask a running callflowd (default 127.0.0.1:8080)\n"
		"  api [--api HOST:PORT] METHOD PATH [JSON]\n"
		"      any request to the daemon's API\n"
		"  records [--api HOST:PORT] [--token T] [filters]\n"
		"      contact records as JSON lines (see 'records --help')\n"
		"  report queues|agents --from TIME [--to TIME] [options]\n"
		"      historical interval reports (see 'report --help')\n"
		"  help\n");
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}

	if (libre_init()) {
		fprintf(stderr, "callflowctl: libre_init failed\n");
		return 2;
	}

	if (!strcmp(argv[1], "validate"))
		rc = cmd_validate(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "simulate"))
		rc = cmd_simulate(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "health") || !strcmp(argv[1], "flows") ||
		 !strcmp(argv[1], "contacts") || !strcmp(argv[1], "api"))
		rc = cmd_api(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "records"))
		rc = cmd_records(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "report"))
		rc = cmd_report(argc - 1, argv + 1);
	else {
		fprintf(stderr, "callflowctl: unknown command '%s'\n", argv[1]);
		usage(stderr);
		rc = 2;
	}

	libre_close();
	return rc;
}
