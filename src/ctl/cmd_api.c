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

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Columns as wide as their widest value, so long numbers, flow names or
 * missing values (shown as "-") never shift the columns after them. */
static int print_table(json_t *doc, const char *what)
{
	static const char *fhead[] = {"NAME", "TYPE", "VERSION", "SERVING",
				      "FINDINGS"};
	static const char *chead[] = {"CONTACT", "CALLER", "DIALLED",
				      "STATE", "QUEUE", "FLOW / ACTION"};
	json_t *arr = json_object_get(doc, what);
	bool flows = !strcmp(what, "flows");
	struct ctl_table *t = NULL;
	size_t i;
	int err;

	err = ctl_table_alloc(&t, flows ? 5 : 6, flows ? fhead : chead);
	for (i = 0; !err && i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);
		char a[32], b[64], c[512];

		if (flows) {
			const char *row[5];

			re_snprintf(a, sizeof(a), "%lld", json_integer_value(
					    json_object_get(o, "version")));
			re_snprintf(b, sizeof(b), "%zu errors, %zu warnings",
				    json_array_size(json_object_get(o,
								    "errors")),
				    json_array_size(json_object_get(o,
							"warnings")));
			row[0] = jstr(o, "name");
			row[1] = jstr(o, "type");
			row[2] = a;
			row[3] = json_is_true(json_object_get(o, "serving")) ?
				"yes" : "no";
			row[4] = b;
			err = ctl_table_add(t, row);
		}
		else {
			const char *row[6];

			re_snprintf(c, sizeof(c), "%s / %s",
				    jstr(o, "flow") ? jstr(o, "flow") : "-",
				    jstr(o, "action") ? jstr(o, "action") :
				    "-");
			row[0] = jstr(o, "ContactId");
			row[1] = jstr(o, "caller");
			row[2] = jstr(o, "dialled");
			row[3] = jstr(o, "state");
			row[4] = jstr(o, "queue");
			row[5] = c;
			err = ctl_table_add(t, row);
		}
	}
	if (!err)
		ctl_table_print(stdout, t);
	mem_deref(t);
	return err;
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
		(void)print_table(doc, cmd);
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
