/**
 * @file cmd_import.c  callflowctl import-connect: an Amazon Connect
 * instance, as the AWS CLI prints it, turned into a callflowd
 * configuration and a flows folder, with a report of what could not be
 * carried over.
 *
 * Hours of operation keep Connect's own shape; queues, routing profiles
 * and users become queues, routing_profiles and agents keeping their ids
 * and ARNs, so the flows (copied unchanged, as exports) still find them
 * by ARN; a phone number answers with the flow list-flow-associations
 * gives it. The daemon's own sections (SIP, API, trunks) are loopback
 * placeholders the admin points at the carrier.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/flow.h>
#include "ctl.h"
#include "import.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: callflowctl import-connect DIR [-o OUTDIR] [--force]\n"
		"\n"
		"DIR holds what `aws connect ...` printed for one instance,\n"
		"one JSON file per call: list-queues, describe-queue (each\n"
		"queue), list-hours-of-operations,\n"
		"describe-hours-of-operation, list-routing-profiles,\n"
		"describe-routing-profile, list-routing-profile-queues\n"
		"(named ...-<profile id>.json), list-users, describe-user,\n"
		"list-phone-numbers-v2, list-flow-associations\n"
		"--resource-type VOICE_PHONE_NUMBER, list-contact-flows,\n"
		"describe-contact-flow, list-quick-connects, list-prompts.\n"
		"Writes OUTDIR (default ./callflowd-import): callflowd.json,\n"
		"flows/, prompts/ and IMPORT-REPORT.txt, and prints what\n"
		"could not be carried over. Exit 0 when written.\n");
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The entry of arr whose key equals v (NULL-safe). */
static const json_t *find_by(const json_t *arr, const char *key,
			     const char *v)
{
	size_t i;

	for (i = 0; v && i < json_array_size(arr); i++) {
		const char *x = jstr(json_array_get(arr, i), key);

		if (x && !strcmp(x, v))
			return json_array_get(arr, i);
	}
	return NULL;
}

/* A flow by id or ARN (describe-contact-flow output). */
static const json_t *flow_find(const struct imp *imp, const char *ref)
{
	const json_t *f = find_by(imp->flows, "Id", ref);

	return f ? f : find_by(imp->flows, "Arn", ref);
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		(void)json_object_set_new(o, key, json_string(v));
}

/* "arn:aws:connect:<region>:<account>:instance/<id>" of any ARN seen. */
static void instance_arn(json_t *cfg, const struct imp *imp)
{
	const json_t *lists[] = {imp->queues, imp->flows, imp->profiles,
				 imp->users, imp->hours};
	const char *keys[] = {"QueueArn", "Arn", "RoutingProfileArn", "Arn",
			      "HoursOfOperationArn"};
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const char *arn = jstr(json_array_get(lists[i], 0), keys[i]);
		const char *p = arn ? strstr(arn, ":instance/") : NULL;
		const char *end;
		char buf[256];

		if (!p)
			continue;
		end = strchr(p + 10, '/');
		re_snprintf(buf, sizeof(buf), "%b", arn,
			    (size_t)((end ? end : p + strlen(p)) - arn));
		(void)json_object_set_new(cfg, "instance_arn",
					  json_string(buf));
		return;
	}
}

static json_t *hours_convert(struct imp *imp)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < json_array_size(imp->hours); i++) {
		const json_t *h = json_array_get(imp->hours, i);
		json_t *o;

		if (!jstr(h, "Name") || !jstr(h, "TimeZone") ||
		    !json_is_array(json_object_get(h, "Config"))) {
			imp_report(imp, "hours of operation %s: no Name, "
				   "TimeZone or Config: skipped",
				   jstr(h, "HoursOfOperationId"));
			continue;
		}
		o = json_object();
		set_str(o, "Name", jstr(h, "Name"));
		set_str(o, "TimeZone", jstr(h, "TimeZone"));
		set_str(o, "HoursOfOperationId",
			jstr(h, "HoursOfOperationId"));
		set_str(o, "HoursOfOperationArn",
			jstr(h, "HoursOfOperationArn"));
		(void)json_object_set(o, "Config", json_object_get(h,
								  "Config"));
		(void)json_array_append_new(out, o);
	}
	for (i = 0; i < json_array_size(imp->hours_list); i++) {
		const json_t *s = json_array_get(imp->hours_list, i);

		if (!find_by(imp->hours, "HoursOfOperationId", jstr(s, "Id")))
			imp_report(imp, "hours of operation \"%s\": no "
				   "describe-hours-of-operation output: not "
				   "carried over", jstr(s, "Name"));
	}
	return out;
}

static bool flow_named(const struct imp *imp, const char *name,
		       const char *type)
{
	size_t i;

	for (i = 0; i < json_array_size(imp->flows); i++) {
		const json_t *f = json_array_get(imp->flows, i);

		if (jstr(f, "Name") && !strcasecmp(jstr(f, "Name"), name) &&
		    jstr(f, "Type") && !strcmp(jstr(f, "Type"), type))
			return true;
	}
	return false;
}

static json_t *queues_convert(struct imp *imp)
{
	json_t *out = json_array();
	bool dflt = flow_named(imp, "Default customer queue",
			       "CUSTOMER_QUEUE");
	size_t i;

	for (i = 0; i < json_array_size(imp->queues); i++) {
		const json_t *q = json_array_get(imp->queues, i);
		const json_t *oc = json_object_get(q, "OutboundCallerConfig");
		const json_t *sum = find_by(imp->queue_list, "Id",
					    jstr(q, "QueueId"));
		const char *hid = jstr(q, "HoursOfOperationId");
		const char *nid = jstr(oc, "OutboundCallerIdNumberId");
		json_int_t maxc = json_integer_value(json_object_get(
						     q, "MaxContacts"));
		json_t *o;

		if (!jstr(q, "Name") || (jstr(sum, "QueueType") &&
		    strcmp(jstr(sum, "QueueType"), "STANDARD")))
			continue;	/* agents' own queues are implicit */
		o = json_object();
		set_str(o, "name", jstr(q, "Name"));
		set_str(o, "id", jstr(q, "QueueId"));
		set_str(o, "arn", jstr(q, "QueueArn"));
		set_str(o, "description", jstr(q, "Description"));
		if (hid && find_by(imp->hours, "HoursOfOperationId", hid))
			set_str(o, "hours", hid);
		else if (hid)
			imp_report(imp, "queue \"%s\": its hours of operation "
				   "%s were not imported: the queue is "
				   "always open", jstr(q, "Name"), hid);
		if (maxc > 0)
			(void)json_object_set_new(o, "max_contacts",
						  json_integer(maxc));
		if (nid) {
			const json_t *n = find_by(imp->numbers,
						  "PhoneNumberId", nid);

			if (n && jstr(n, "PhoneNumber"))
				set_str(o, "outbound_caller_id",
					jstr(n, "PhoneNumber"));
			else
				imp_report(imp, "queue \"%s\": outbound caller "
					   "id number %s is not in "
					   "list-phone-numbers-v2",
					   jstr(q, "Name"), nid);
		}
		if (jstr(oc, "OutboundFlowId"))
			imp_report(imp, "queue \"%s\": outbound whisper flow "
				   "not carried over (callflowd plays "
				   "\"Default outbound\")", jstr(q, "Name"));
		if (jstr(q, "Status") && strcmp(jstr(q, "Status"), "ENABLED"))
			imp_report(imp, "queue \"%s\" is %s in Connect: "
				   "imported as a working queue",
				   jstr(q, "Name"), jstr(q, "Status"));
		if (dflt)
			set_str(o, "queue_flow", "Default customer queue");
		(void)json_array_append_new(out, o);
	}
	for (i = 0; i < json_array_size(imp->queue_list); i++) {
		const json_t *s = json_array_get(imp->queue_list, i);

		if (jstr(s, "QueueType") &&
		    strcmp(jstr(s, "QueueType"), "STANDARD"))
			continue;
		if (!find_by(imp->queues, "QueueId", jstr(s, "Id")))
			imp_report(imp, "queue \"%s\": no describe-queue "
				   "output: not carried over",
				   jstr(s, "Name"));
	}
	return out;
}

/* A user's after-contact work, as a profile's: the longest of its
 * users' (Connect sets it per user). */
static json_int_t profile_acw(struct imp *imp, const char *rpid,
			      const char *name)
{
	json_int_t acw = -1;
	bool mixed = false;
	size_t i;

	for (i = 0; i < json_array_size(imp->users); i++) {
		const json_t *u = json_array_get(imp->users, i);
		const json_t *pc = json_object_get(u, "PhoneConfig");
		json_int_t v;

		if (!jstr(u, "RoutingProfileId") ||
		    strcmp(jstr(u, "RoutingProfileId"), rpid))
			continue;
		v = json_integer_value(json_object_get(
				pc, "AfterContactWorkTimeLimit"));
		if (acw >= 0 && v != acw)
			mixed = true;
		if (v > acw)
			acw = v;
	}
	if (mixed)
		imp_report(imp, "routing profile \"%s\": its users have "
			   "different after-contact work limits; callflowd "
			   "sets one per profile: %lld s taken", name, acw);
	return acw;
}

static json_t *profiles_convert(struct imp *imp, const json_t *queues)
{
	json_t *out = json_array();
	size_t i, k;

	for (i = 0; i < json_array_size(imp->profiles); i++) {
		const json_t *p = json_array_get(imp->profiles, i);
		const char *rpid = jstr(p, "RoutingProfileId");
		const char *name = jstr(p, "Name");
		const json_t *pq = json_object_get(imp->profile_queues,
						   rpid ? rpid : "");
		json_t *o, *qs;
		json_int_t acw;

		if (!name || !rpid)
			continue;
		o = json_object();
		qs = json_array();
		set_str(o, "name", name);
		set_str(o, "id", rpid);
		set_str(o, "arn", jstr(p, "RoutingProfileArn"));
		set_str(o, "description", jstr(p, "Description"));
		if (!pq)
			imp_report(imp, "routing profile \"%s\": no "
				   "list-routing-profile-queues output: it "
				   "serves no queue", name);
		for (k = 0; k < json_array_size(pq); k++) {
			const json_t *c = json_array_get(pq, k);
			const char *qid = jstr(c, "QueueId");
			json_t *e;

			if (jstr(c, "Channel") &&
			    strcmp(jstr(c, "Channel"), "VOICE"))
				continue;
			if (!find_by(queues, "id", qid)) {
				imp_report(imp, "routing profile \"%s\": queue "
					   "\"%s\" was not imported: left out",
					   name, jstr(c, "QueueName"));
				continue;
			}
			e = json_object();
			set_str(e, "queue", qid);
			(void)json_object_set_new(e, "priority", json_integer(
				json_integer_value(json_object_get(c,
							"Priority")) ?
				json_integer_value(json_object_get(c,
							"Priority")) : 1));
			(void)json_object_set_new(e, "delay", json_integer(
				json_integer_value(json_object_get(c,
								   "Delay"))));
			(void)json_array_append_new(qs, e);
		}
		(void)json_object_set_new(o, "queues", qs);
		acw = profile_acw(imp, rpid, name);
		if (acw >= 0)
			(void)json_object_set_new(
				o, "after_contact_work_seconds",
				json_integer(acw > 86400 ? 86400 : acw));
		(void)json_array_append_new(out, o);
	}
	for (i = 0; i < json_array_size(imp->profile_list); i++) {
		const json_t *s = json_array_get(imp->profile_list, i);

		if (!find_by(imp->profiles, "RoutingProfileId",
			     jstr(s, "Id")))
			imp_report(imp, "routing profile \"%s\": no "
				   "describe-routing-profile output: not "
				   "carried over", jstr(s, "Name"));
	}
	return out;
}

static json_t *agents_convert(struct imp *imp, const json_t *profiles)
{
	json_t *out = json_array();
	size_t i, desk = 0;

	for (i = 0; i < json_array_size(imp->users); i++) {
		const json_t *u = json_array_get(imp->users, i);
		const json_t *id = json_object_get(u, "IdentityInfo");
		const json_t *pc = json_object_get(u, "PhoneConfig");
		const char *rp = jstr(u, "RoutingProfileId");
		json_t *o;

		if (!jstr(u, "Username"))
			continue;
		o = json_object();
		set_str(o, "username", jstr(u, "Username"));
		set_str(o, "first_name", jstr(id, "FirstName"));
		set_str(o, "last_name", jstr(id, "LastName"));
		set_str(o, "id", jstr(u, "Id"));
		set_str(o, "arn", jstr(u, "Arn"));
		if (rp && find_by(profiles, "id", rp))
			set_str(o, "routing_profile", rp);
		else if (rp)
			imp_report(imp, "agent %s: routing profile %s was not "
				   "imported: the agent serves no queue",
				   jstr(u, "Username"), rp);
		if (jstr(pc, "PhoneType") &&
		    !strcmp(jstr(pc, "PhoneType"), "DESK_PHONE"))
			++desk;
		(void)json_array_append_new(out, o);
	}
	for (i = 0; i < json_array_size(imp->user_list); i++) {
		const json_t *s = json_array_get(imp->user_list, i);

		if (!find_by(imp->users, "Id", jstr(s, "Id")))
			imp_report(imp, "user %s: no describe-user output: "
				   "not carried over", jstr(s, "Username"));
	}
	if (json_array_size(out))
		imp_report(imp, "%zu agent%s imported without a SIP "
			   "credential (Connect keeps passwords to itself): "
			   "give each an \"ha1\" from `callflowctl passwd "
			   "USERNAME`", json_array_size(out),
			   json_array_size(out) == 1 ? "" : "s");
	if (desk)
		imp_report(imp, "%zu agent%s used a desk phone (PSTN "
			   "number): register a SIP phone instead, or set the "
			   "agent's \"contact\" to its SIP URI", desk,
			   desk == 1 ? "" : "s");
	if (json_array_size(imp->users))
		imp_report(imp, "security profiles and agent hierarchies are "
			   "not carried over (callflowd has no per-user "
			   "permissions; the API has one token)");
	return out;
}

/* A file name from a flow name: [a-z0-9_], unique in the folder. */
static void slug(char *buf, size_t sz, const char *name, const char *id,
		 json_t *taken)
{
	size_t i = 0;
	const char *p;

	for (p = name; *p && i + 1 < sz && i < 60; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '_';
		if (c == '_' && i && buf[i - 1] == '_')
			continue;
		buf[i++] = c;
	}
	buf[i] = '\0';
	if (!i || json_object_get(taken, buf)) {
		char tmp[128];

		re_snprintf(tmp, sizeof(tmp), "%s_%s", buf, id ? id : "x");
		str_ncpy(buf, tmp, sz);
	}
	(void)json_object_set_new(taken, buf, json_true());
}

static int flows_write(struct imp *imp, const char *outdir, size_t *np)
{
	json_t *taken = json_object();
	size_t i;
	int err = 0;

	*np = 0;
	for (i = 0; !err && i < json_array_size(imp->flows); i++) {
		const json_t *f = json_array_get(imp->flows, i);
		const char *name = jstr(f, "Name");
		const char *content = jstr(f, "Content");
		struct findings *fnd = NULL;
		struct flow *flow = NULL;
		char file[128], path[1024];
		json_t *w;

		if (!name || !content) {
			imp_report(imp, "flow %s: no Name or Content: "
				   "skipped", jstr(f, "Id"));
			continue;
		}
		if (jstr(f, "State") && !strcmp(jstr(f, "State"),
						 "ARCHIVED")) {
			imp_report(imp, "flow \"%s\" is archived: skipped",
				   name);
			continue;
		}
		slug(file, sizeof(file), name, jstr(f, "Id"), taken);
		re_snprintf(path, sizeof(path), "%s/flows/%s.json", outdir,
			    file);
		w = json_object();
		set_str(w, "Name", name);
		set_str(w, "Type", jstr(f, "Type"));
		set_str(w, "Description", jstr(f, "Description"));
		set_str(w, "Id", jstr(f, "Id"));
		set_str(w, "Arn", jstr(f, "Arn"));
		set_str(w, "Content", content);
		err = json_dump_file(w, path, JSON_INDENT(2) |
				     JSON_PRESERVE_ORDER) ? EIO : 0;
		json_decref(w);
		if (err) {
			fprintf(stderr, "callflowctl: import-connect: cannot "
				"write %s\n", path);
			break;
		}
		++*np;

		/* what the daemon will say about it, said now */
		if (!findings_alloc(&fnd)) {
			struct flow_load_opts o = {.path = path};

			(void)flow_load_file(&flow, fnd, path, &o);
			if (fnd->nerrors)
				imp_report(imp, "flow \"%s\": %zu error%s: the "
					   "daemon will not serve it until "
					   "fixed (callflowctl validate %s)",
					   name, fnd->nerrors,
					   fnd->nerrors == 1 ? "" : "s",
					   path);
		}
		mem_deref(flow);
		mem_deref(fnd);
		if (jstr(f, "Status") && !strcmp(jstr(f, "Status"), "SAVED"))
			imp_report(imp, "flow \"%s\" was saved but never "
				   "published in Connect: imported as is",
				   name);
	}
	for (i = 0; i < json_array_size(imp->flow_list); i++) {
		const json_t *s = json_array_get(imp->flow_list, i);

		if (!flow_find(imp, jstr(s, "Id")))
			imp_report(imp, "flow \"%s\": no describe-contact-flow "
				   "output: not carried over",
				   jstr(s, "Name"));
	}
	json_decref(taken);
	return err;
}

static json_t *numbers_convert(struct imp *imp)
{
	json_t *out = json_array();
	size_t i, k;

	if (json_array_size(imp->numbers) && !json_array_size(imp->assoc))
		imp_report(imp, "no list-flow-associations output: which "
			   "flow answers each number is unknown (aws connect "
			   "list-flow-associations --resource-type "
			   "VOICE_PHONE_NUMBER)");
	for (i = 0; i < json_array_size(imp->numbers); i++) {
		const json_t *n = json_array_get(imp->numbers, i);
		const char *num = jstr(n, "PhoneNumber");
		const json_t *flow = NULL;
		json_t *o;

		for (k = 0; !flow && k < json_array_size(imp->assoc); k++) {
			const json_t *a = json_array_get(imp->assoc, k);
			const char *rid = jstr(a, "ResourceId");

			if (!rid || (jstr(a, "ResourceType") &&
			    strcmp(jstr(a, "ResourceType"),
				   "VOICE_PHONE_NUMBER")))
				continue;
			if ((jstr(n, "PhoneNumberId") &&
			     !strcmp(rid, jstr(n, "PhoneNumberId"))) ||
			    (jstr(n, "PhoneNumberArn") &&
			     !strcmp(rid, jstr(n, "PhoneNumberArn")))) {
				flow = flow_find(imp, jstr(a, "FlowId"));
				if (!flow)
					imp_report(imp, "number %s: its flow "
						   "%s was not imported", num,
						   jstr(a, "FlowId"));
			}
		}
		if (!num || !flow) {
			if (num && json_array_size(imp->assoc))
				imp_report(imp, "number %s: no flow answers "
					   "it: not carried over", num);
			continue;
		}
		o = json_object();
		set_str(o, "number", num);
		set_str(o, "flow", jstr(flow, "Name"));
		(void)json_array_append_new(out, o);
	}
	return out;
}

static json_t *prompts_convert(struct imp *imp)
{
	json_t *out = json_array();
	size_t i;

	for (i = 0; i < json_array_size(imp->prompts); i++) {
		const json_t *p = json_array_get(imp->prompts, i);
		const char *name = jstr(p, "Name");
		char path[300];
		json_t *o;

		if (!name)
			continue;
		re_snprintf(path, sizeof(path), "prompts/%s%s", name,
			    strchr(name, '.') ? "" : ".wav");
		for (char *c = path + 8; *c; c++) {
			if (*c == '/')
				*c = '_';
		}
		o = json_object();
		set_str(o, "name", name);
		set_str(o, "id", jstr(p, "Id"));
		set_str(o, "arn", jstr(p, "Arn"));
		set_str(o, "path", path);
		(void)json_array_append_new(out, o);
	}
	if (json_array_size(out))
		imp_report(imp, "%zu prompt%s: the CLI lists them but not "
			   "their audio (aws connect get-prompt-file gives a "
			   "download link): put each WAV file in prompts/ "
			   "under the name in the configuration",
			   json_array_size(out),
			   json_array_size(out) == 1 ? "" : "s");
	return out;
}

static void quick_report(struct imp *imp)
{
	struct mbuf *mb;
	size_t i, n = json_array_size(imp->quick);

	if (!n)
		return;
	mb = mbuf_alloc(256);
	for (i = 0; mb && i < n; i++)
		(void)mbuf_printf(mb, "%s%s", i ? ", " : "",
				  jstr(json_array_get(imp->quick, i), "Name"));
	imp_report(imp, "%zu quick connect%s not carried over (%b): agents "
		   "transfer to a queue, agent or number by SIP REFER, and "
		   "queues[].quick_connect gives a queue an extension", n,
		   n == 1 ? "" : "s", mb ? mb->buf : (uint8_t *)"",
		   mb ? mb->end : (size_t)0);
	mem_deref(mb);
}

/* The daemon's own sections: loopback until the admin says otherwise. */
static void daemon_sections(json_t *cfg)
{
	(void)json_object_set_new(cfg, "sip", json_pack(
		"{s:[s,s], s:{s:s, s:i, s:i, s:i}}",
		"listen", "udp:127.0.0.1:5060", "tcp:127.0.0.1:5060",
		"rtp", "address", "127.0.0.1", "port_min", 16000,
		"port_max", 17999, "timeout_seconds", 30));
	(void)json_object_set_new(cfg, "http", json_pack(
		"{s:s}", "listen", "127.0.0.1:8080"));
	(void)json_object_set_new(cfg, "trunks", json_pack(
		"[{s:s, s:[s], s:s, s:[s,s]}]", "name", "local-sbc",
		"allow", "127.0.0.1/32", "srtp", "optional", "codecs",
		"PCMU", "PCMA"));
}

static int mkdir_p(const char *path)
{
	if (!mkdir(path, 0750) || errno == EEXIST)
		return 0;
	return errno;
}

int cmd_import(int argc, char **argv)
{
	const char *dir = NULL, *outdir = "callflowd-import";
	struct imp *imp = NULL;
	json_t *cfg = NULL, *queues, *profiles, *agents, *numbers, *hours;
	json_t *prompts;
	char path[1024];
	size_t nflows = 0;
	bool force = false;
	struct stat st;
	FILE *fp;
	int i, err, rc = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			outdir = argv[++i];
		else if (!strcmp(argv[i], "--force"))
			force = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		else if (argv[i][0] == '-' || dir) {
			usage(stderr);
			return 2;
		}
		else
			dir = argv[i];
	}
	if (!dir) {
		usage(stderr);
		return 2;
	}

	err = imp_alloc(&imp);
	if (!err)
		err = imp_read(imp, dir);
	if (err == ENOENT) {
		fprintf(stderr, "callflowctl: import-connect: %s: no AWS CLI "
			"output found (see 'import-connect --help')\n", dir);
		goto out;
	}
	if (err) {
		fprintf(stderr, "callflowctl: import-connect: %s: %s\n", dir,
			strerror(err));
		goto out;
	}

	re_snprintf(path, sizeof(path), "%s/callflowd.json", outdir);
	if (!force && !stat(path, &st)) {
		fprintf(stderr, "callflowctl: import-connect: %s exists "
			"(--force to overwrite)\n", path);
		goto out;
	}
	err = mkdir_p(outdir);
	if (!err) {
		re_snprintf(path, sizeof(path), "%s/flows", outdir);
		err = mkdir_p(path);
	}
	if (!err) {
		re_snprintf(path, sizeof(path), "%s/prompts", outdir);
		err = mkdir_p(path);
	}
	if (err) {
		fprintf(stderr, "callflowctl: import-connect: %s: %s\n",
			outdir, strerror(err));
		goto out;
	}

	cfg = json_object();
	(void)json_object_set_new(cfg, "flows_dir", json_string("flows"));
	(void)json_object_set_new(cfg, "data_dir", json_string("data"));
	instance_arn(cfg, imp);
	if (flows_write(imp, outdir, &nflows))
		goto out;
	hours = hours_convert(imp);
	queues = queues_convert(imp);
	profiles = profiles_convert(imp, queues);
	agents = agents_convert(imp, profiles);
	numbers = numbers_convert(imp);
	prompts = prompts_convert(imp);
	quick_report(imp);
	(void)json_object_set_new(cfg, "hours_of_operation", hours);
	(void)json_object_set_new(cfg, "queues", queues);
	(void)json_object_set_new(cfg, "routing_profiles", profiles);
	(void)json_object_set_new(cfg, "agents", agents);
	(void)json_object_set_new(cfg, "numbers", numbers);
	(void)json_object_set_new(cfg, "prompts", prompts);
	daemon_sections(cfg);
	imp_report(imp, "sip, http and trunks are loopback placeholders: "
		   "set the listeners, RTP address and your carrier's or "
		   "SBC's addresses (docs/operations.md, docs/sbc.md)");

	re_snprintf(path, sizeof(path), "%s/callflowd.json", outdir);
	if (json_dump_file(cfg, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) {
		fprintf(stderr, "callflowctl: import-connect: cannot write "
			"%s\n", path);
		goto out;
	}
	(void)chmod(path, 0640);	/* agents' ha1 will go in it */

	re_snprintf(path, sizeof(path), "%s/IMPORT-REPORT.txt", outdir);
	fp = fopen(path, "w");
	if (fp) {
		fprintf(fp, "Not carried over from Amazon Connect, or to "
			"review:\n%.*s", (int)imp->report->end,
			(const char *)imp->report->buf);
		fclose(fp);
	}

	printf("%s/callflowd.json: %zu hours of operation, %zu queues, "
	       "%zu routing profiles, %zu agents, %zu numbers, %zu prompts; "
	       "%zu flows in %s/flows\n", outdir, json_array_size(hours),
	       json_array_size(queues), json_array_size(profiles),
	       json_array_size(agents), json_array_size(numbers),
	       json_array_size(prompts), nflows, outdir);
	printf("not carried over, or to review (%zu, also in "
	       "%s/IMPORT-REPORT.txt):\n%.*s", imp->nreport, outdir,
	       (int)imp->report->end, (const char *)imp->report->buf);
	rc = 0;

 out:
	json_decref(cfg);
	mem_deref(imp);
	return rc;
}
