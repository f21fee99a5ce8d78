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
		"  top [--api HOST:PORT] [-b] [-n N] [-d SECONDS]\n"
		"      live view of queues, agents and contacts\n"
		"  graph FLOW [-o OUT.svg|.dot|.mmd]\n"
		"      draw a flow's blocks and branches\n"
		"  import-connect DIR [-o OUTDIR]\n"
		"      turn an Amazon Connect instance (AWS CLI output)\n"
		"      into a configuration and a flows folder\n"
		"  passwd USERNAME [--realm REALM]\n"
		"      print the digest HA1 to store as an agent's \"ha1\"\n"
		"  help | --version\n");
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
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version") ||
	    !strcmp(argv[1], "-V")) {
		printf("callflowctl %s\n", CFD_VERSION);
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
	else if (!strcmp(argv[1], "passwd"))
		rc = cmd_passwd(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "import-connect"))
		rc = cmd_import(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "graph"))
		rc = cmd_graph(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "top"))
		rc = cmd_top(argc - 1, argv + 1);
	else {
		fprintf(stderr, "callflowctl: unknown command '%s'\n", argv[1]);
		usage(stderr);
		rc = 2;
	}

	libre_close();
	return rc;
}
