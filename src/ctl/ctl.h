/**
 * @file ctl.h  Private: callflowctl's subcommands. Each takes argv with
 * argv[0] = the subcommand name and returns the process exit code
 * (0 ok, 1 findings/failure, 2 usage).
 */
#ifndef CALLFLOWD_CTL_H
#define CALLFLOWD_CTL_H

int cmd_validate(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
/** health, flows, contacts, api: the running daemon's HTTP API. */
int cmd_api(int argc, char **argv);
/** records: contact records from the daemon, one JSON line each. */
int cmd_records(int argc, char **argv);
/** report: historical interval reports per queue or agent, a table. */
int cmd_report(int argc, char **argv);

#endif
