/**
 * @file cmd_api.c  callflowctl's commands that talk to a running daemon:
 * health, flows, contacts, and a raw `api METHOD PATH [JSON]`.
 *
 * The daemon's API address comes from --api HOST:PORT, else $CALLFLOWD_API,
 * else 127.0.0.1:8080. Output is the daemon's JSON, pretty-printed, or a
 * short table for flows and contacts with --table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/httpc.h>
#include "ctl.h"

struct call {
	int err;
	uint16_t status;
	char *body;
	bool done;
};

static void resp_handler(int err, uint16_t status, const char *body,
			 size_t len, void *arg)
{
	struct call *call = arg;

	call->err = err;
	call->status = status;
	if (!err && body)
		(void)str_dup(&call->body, body);
	(void)len;
	call->done = true;
	re_cancel();
}

static int request(struct call *call, const char *api, const char *method,
		   const char *path, const char *body)
{
	struct httpc *c = NULL;
	struct httpc_req *req = NULL;
	char url[512];
	int err;

	memset(call, 0, sizeof(*call));
	re_snprintf(url, sizeof(url), "http://%s%s", api, path);

	err = httpc_alloc(&c);
	if (err)
		return err;
	err = httpc_request(&req, c, method, url, "application/json", body,
			    body ? strlen(body) : 0, 10000, resp_handler,
			    call);
	if (!err && !call->done)
		err = re_main(NULL);
	if (!err)
		err = call->err;

	mem_deref(req);
	mem_deref(c);
	return err;
}

static void print_table(json_t *doc, const char *what)
{
	json_t *arr = json_object_get(doc, what);
	size_t i;

	if (!strcmp(what, "flows")) {
		printf("%-32s %-18s %7s %-7s %s\n", "NAME", "TYPE", "VERSION",
		       "SERVING", "FINDINGS");
		for (i = 0; i < json_array_size(arr); i++) {
			json_t *f = json_array_get(arr, i);

			printf("%-32s %-18s %7lld %-7s %zu errors, "
			       "%zu warnings\n",
			       json_string_value(json_object_get(f, "name")),
			       json_string_value(json_object_get(f, "type")) ?
			       json_string_value(json_object_get(f, "type")) :
			       "-",
			       json_integer_value(json_object_get(f,
								  "version")),
			       json_is_true(json_object_get(f, "serving")) ?
			       "yes" : "no",
			       json_array_size(json_object_get(f, "errors")),
			       json_array_size(json_object_get(f,
							       "warnings")));
		}
		return;
	}

	printf("%-36s %-16s %-16s %-8s %s\n", "CONTACT", "CALLER", "DIALLED",
	       "STATE", "FLOW / ACTION");
	for (i = 0; i < json_array_size(arr); i++) {
		json_t *c = json_array_get(arr, i);
		const char *action = json_string_value(json_object_get(c,
								       "action"));

		printf("%-36s %-16s %-16s %-8s %s / %s\n",
		       json_string_value(json_object_get(c, "ContactId")),
		       json_string_value(json_object_get(c, "caller")),
		       json_string_value(json_object_get(c, "dialled")),
		       json_string_value(json_object_get(c, "state")),
		       json_string_value(json_object_get(c, "flow")) ?
		       json_string_value(json_object_get(c, "flow")) : "-",
		       action ? action : "-");
	}
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: callflowctl health|flows|contacts [--api HOST:PORT] "
		"[--table]\n"
		"       callflowctl api [--api HOST:PORT] METHOD PATH [JSON]\n"
		"\n"
		"Talk to a running callflowd. The address is --api, else\n"
		"$CALLFLOWD_API, else 127.0.0.1:8080. Prints the JSON answer;\n"
		"exit 0 for a 2xx answer, 1 for any other, 2 on usage errors\n"
		"or when the daemon cannot be reached.\n");
}

int cmd_api(int argc, char **argv)
{
	const char *api = getenv("CALLFLOWD_API");
	const char *cmd = argv[0], *method = "GET", *path = NULL;
	const char *body = NULL;
	const char *posv[3];
	size_t posc = 0;
	bool table = false;
	struct call call;
	json_t *doc;
	int i, err;

	if (!api)
		api = "127.0.0.1:8080";

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--api") && i + 1 < argc)
			api = argv[++i];
		else if (!strcmp(argv[i], "--table"))
			table = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		else if (argv[i][0] == '-' || posc == 3) {
			usage(stderr);
			return 2;
		}
		else
			posv[posc++] = argv[i];
	}

	if (!strcmp(cmd, "api")) {
		if (posc < 2) {
			usage(stderr);
			return 2;
		}
		method = posv[0];
		path = posv[1];
		body = posc > 2 ? posv[2] : NULL;
	}
	else if (posc) {
		usage(stderr);
		return 2;
	}
	else if (!strcmp(cmd, "health")) {
		path = "/health";
	}
	else if (!strcmp(cmd, "flows")) {
		path = "/v1/flows";
	}
	else {
		path = "/v1/contacts";
	}

	err = request(&call, api, method, path, body);
	if (err) {
		fprintf(stderr, "callflowctl: %s %s%s: %s\n", method, api, path,
			strerror(err));
		return 2;
	}

	doc = call.body ? json_loads(call.body, 0, NULL) : NULL;
	if (doc && table && (!strcmp(cmd, "flows") ||
			     !strcmp(cmd, "contacts")))
		print_table(doc, cmd);
	else if (doc) {
		char *text = json_dumps(doc, JSON_INDENT(2) |
					JSON_PRESERVE_ORDER);

		if (text)
			printf("%s\n", text);
		free(text);
	}
	else if (call.body) {
		printf("%s\n", call.body);
	}

	json_decref(doc);
	mem_deref(call.body);
	return call.status >= 200 && call.status < 300 ? 0 : 1;
}
