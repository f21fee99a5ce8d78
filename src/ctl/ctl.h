/**
 * @file ctl.h  Private: callflowctl's subcommands. Each takes argv with
 * argv[0] = the subcommand name and returns the process exit code
 * (0 ok, 1 findings/failure, 2 usage). Those that talk to the daemon
 * exit 1 when its API answered with an error, 2 when it cannot be
 * reached. apiget.c owns the blocking GET they share.
 */
#ifndef CALLFLOWD_CTL_H
#define CALLFLOWD_CTL_H

#include <stdint.h>
#include <stdio.h>
/* jansson and <re.h> clash on JSON_* names: declare json_t only */
typedef struct json_t json_t;

int cmd_validate(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
/** health, flows, contacts, api: the running daemon's HTTP API. */
int cmd_api(int argc, char **argv);
/** records: contact records from the daemon, one JSON line each. */
int cmd_records(int argc, char **argv);
/** report: historical interval reports per queue or agent, a table. */
int cmd_report(int argc, char **argv);
/** passwd: an agent's digest HA1 from a password read without echo. */
int cmd_passwd(int argc, char **argv);
/** import-connect: an Amazon Connect instance (AWS CLI output) to a
 *  configuration and a flows folder. */
int cmd_import(int argc, char **argv);
/** graph: a flow's blocks and branches as SVG, DOT or Mermaid. */
int cmd_graph(int argc, char **argv);
/** top: a live terminal view of queues, agents and contacts. */
int cmd_top(int argc, char **argv);

struct mbuf;

/** An answer of the daemon's API. */
struct ctl_reply {
	uint16_t status;
	char *body;		/* mem string: the body as it came */
};

/**
 * GET path (already percent-encoded) from the API at api (HOST:PORT),
 * with "Authorization: Bearer token" unless token is NULL, into *rp (a
 * new mem object). An error means no answer: the daemon cannot be
 * reached or spoke no HTTP.
 */
int  ctl_api_get(struct ctl_reply **rp, const char *api, const char *path,
		 const char *token);
/** Percent-encode s onto mb: all but unreserved characters, so that
 *  spaces, '&', '+' and non-ASCII bytes reach the API intact. */
int  ctl_api_escape(struct mbuf *mb, const char *s);
/** Print why the API refused: "callflowctl: PREFIXstatus: message", its
 *  {"error": ...} message, else the body as it came. */
void ctl_api_refused(const struct ctl_reply *r, const char *prefix);

/** The Flow Language document in doc (itself, an export with "Content",
 *  or describe-contact-flow's {"ContactFlow": ...}), a new reference;
 *  EBADMSG when there is none. */
int  ctl_flow_content(json_t **contentp, const json_t *doc);

/** An aligned text table (table.c): the header row first. NULL or empty
 *  cells print as "-". */
struct ctl_table;
int  ctl_table_alloc(struct ctl_table **tp, size_t ncols,
		     const char *const *headers);
int  ctl_table_add(struct ctl_table *t, const char *const *cells);
void ctl_table_print(FILE *fp, const struct ctl_table *t);

#endif
