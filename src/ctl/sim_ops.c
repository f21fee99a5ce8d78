/**
 * @file sim_ops.c  The simulator's ports (struct flow_ops): media and call
 * control complete at once in virtual time; function calls use canned
 * --external replies, else a real HTTP POST on libre's loop.
 *
 * Only re headers without re_json.h: its enum clashes with jansson's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/collect.h>
#include <callflowd/core/config.h>
#include <callflowd/core/httpc.h>
#include "sim.h"

enum {
	KEY_MS = 300,			/* a caller presses a key */
	PROMPT_FILE_MS = 3000,		/* audio prompt of unknown length */
	THIRD_PARTY_MS = 60000,		/* a transferred call lasts */
	AGENT_VIEW_MS = 5000,		/* an agent acts on a view */
	MAX_COLLECT_TIMEOUTS = 4,	/* first-digit, inter-digit, spare */
};

uint32_t sim_prompt_ms(const struct fprompt *p)
{
	size_t chars = 0;
	const char *s;
	bool tag = false;

	if (!p || p->kind == FPROMPT_NONE || !p->text)
		return 0;
	if (p->kind == FPROMPT_PROMPT || p->kind == FPROMPT_MEDIA)
		return PROMPT_FILE_MS;

	/* about 15 characters a second; SSML tags are not spoken */
	for (s = p->text; *s; s++) {
		if (p->kind == FPROMPT_SSML && *s == '<')
			tag = true;
		else if (tag && *s == '>')
			tag = false;
		else if (!tag)
			++chars;
	}
	return (uint32_t)(500 + chars * 65);
}

/*
 * Keys the caller presses while the current action plays (--keys-during,
 * or what is left of a burst a key interrupted): each goes to frun_key(),
 * as the daemon hands it every key. True when a key interrupted the
 * action: the engine has completed it and moved on (the keys after it
 * reach whatever comes next). A key the engine does not take is lost, as
 * in Connect without a touchtone buffer.
 */
static bool press_during(struct frun *run, struct sim *sim)
{
	const struct flow_action *a = frun_action(run);
	const char *keys = sim->pending;
	size_t i;

	sim->pending = NULL;
	for (i = 0; !keys && a && a->id && i < sim->pressc; i++) {
		const struct sim_press *p = &sim->pressv[i];

		if (strlen(a->id) == p->idlen &&
		    !strncmp(a->id, p->id, p->idlen))
			keys = p->keys;
	}

	for (; keys && *keys; keys++) {
		uint64_t stops = sim->stops;
		bool taken;

		sim->now_ms += KEY_MS;
		sim->pending = keys[1] ? keys + 1 : NULL;
		taken = frun_key(run, *keys);
		if (sim->stops != stops)
			return true;
		sim->pending = NULL;
		if (!taken)
			fprintf(stderr, "simulate: key %c pressed during [%s] "
				"is lost (no touchtone buffer)\n", *keys,
				a && a->id ? a->id : "?");
	}
	return false;
}


static int op_play(struct frun *run, const struct fprompt *p, void *arg)
{
	struct sim *sim = arg;

	if (press_during(run, sim))
		return 0;
	sim->now_ms += sim_prompt_ms(p);
	frun_done(run, 0);
	return 0;
}

/* Feed the scripted keys to the collector, as a caller would. */
static int op_collect(struct frun *run, const struct fprompt *p,
		      const struct fcollect *spec, void *arg)
{
	struct sim *sim = arg;
	struct collector c;
	enum collect_state st = COLLECT_WAITING;
	unsigned timeouts = 0;

	sim->now_ms += sim_prompt_ms(p);
	collector_init(&c, spec);

	st = c.state;
	while (st != COLLECT_DONE) {
		char key;

		/* keys of an interrupted burst come first */
		if (sim->pending && *sim->pending) {
			key = *sim->pending++;
			sim->now_ms += KEY_MS;
			st = collector_key(&c, key);
			continue;
		}
		sim->pending = NULL;

		key = sim->dtmf ? *sim->dtmf : '\0';
		if (key && key != ',') {
			++sim->dtmf;
			sim->now_ms += KEY_MS;
			st = collector_key(&c, key);
			continue;
		}

		/* ',' or no keys left: the caller stays silent */
		sim->now_ms += collector_timer_ms(&c);
		st = collector_timeout(&c);
		if (st == COLLECT_DONE && key == ',')
			++sim->dtmf;
		if (++timeouts >= MAX_COLLECT_TIMEOUTS && st != COLLECT_DONE) {
			frun_input(run, FCOLLECT_TIMEOUT, "");
			return 0;
		}
	}

	frun_input(run, c.status, c.digits);
	return 0;
}

static int op_play_loop(struct frun *run, const struct fprompt *pv,
			size_t pc, uint32_t interrupt_ms, void *arg)
{
	struct sim *sim = arg;

	if (press_during(run, sim))
		return 0;
	if (interrupt_ms) {
		sim->now_ms += interrupt_ms;
		frun_done(run, 0);
		return 0;
	}

	/* Plays until the contact leaves queue or hold: nothing more can
	 * happen without an agent, so the driver stops the run here. */
	sim->parked = true;
	sim->parked_say = mem_deref(sim->parked_say);
	if (pc && pv[0].text && (pv[0].kind == FPROMPT_TEXT ||
				 pv[0].kind == FPROMPT_SSML))
		(void)str_dup(&sim->parked_say, pv[0].text);
	re_cancel();
	return 0;
}

static int op_wait(struct frun *run, uint32_t ms, const char **events,
		   size_t eventc, void *arg)
{
	struct sim *sim = arg;
	(void)events;
	(void)eventc;

	if (press_during(run, sim))
		return 0;
	sim->now_ms += ms;
	frun_done_value(run, "WaitCompleted");
	return 0;
}

static void op_stop(struct frun *run, void *arg)
{
	struct sim *sim = arg;
	(void)run;

	++sim->stops;
}

static int op_disconnect(struct frun *run, void *arg)
{
	(void)run;
	(void)arg;
	return 0;
}

static int op_enqueue(struct frun *run, const struct cfg_queue *q,
		      const char *agent, void *arg)
{
	struct sim *sim = arg;
	struct fmetrics m;
	int err;
	(void)run;

	if (!q)
		return agent ? 0 : ENOENT;
	if (!q->max_contacts)
		return 0;

	err = sim_metrics_get(sim, q->ident.name, q->ident.id, &m);
	if (err)
		return err;

	return m.contacts_in_queue >= q->max_contacts ? EOVERFLOW : 0;
}

static int op_transfer_agent(struct frun *run, void *arg)
{
	(void)run;
	(void)arg;
	return 0;
}

static int op_hold(struct frun *run, enum fparticipant_state st, void *arg)
{
	(void)run;
	(void)st;
	(void)arg;
	return 0;
}

static int op_callback(struct frun *run, const struct fcallback *cb,
		       void *arg)
{
	(void)run;
	(void)cb;
	(void)arg;
	return 0;
}

static int op_metrics(struct frun *run, const struct cfg_queue *q,
		      const char *agent, struct fmetrics *m, void *arg)
{
	struct sim *sim = arg;
	(void)run;

	if (!q)
		return sim_metrics_get(sim, agent, NULL, m);

	return sim_metrics_get(sim, q->ident.name, q->ident.id, m);
}

/* The third party answers, talks, hangs up. */
static int op_transfer_phone(struct frun *run, const struct ftransfer *t,
			     void *arg)
{
	struct sim *sim = arg;
	(void)t;

	sim->now_ms += THIRD_PARTY_MS;
	frun_done(run, 0);
	return 0;
}

static int op_complete_outbound(struct frun *run, const char *caller_id,
				void *arg)
{
	(void)run;
	(void)caller_id;
	(void)arg;
	return 0;
}

static void http_resp_handler(int err, uint16_t status, const char *body,
			      size_t len, void *arg)
{
	struct sim *sim = arg;
	struct httpc_req *req = sim->http;

	/* body lives in req: free it only after the run took the reply,
	 * but let the run start another call meanwhile */
	sim->http = NULL;
	sim->now_ms += tmr_jiffies() - sim->http_t0;
	re_cancel();
	frun_invoke_reply(sim->run, err, status, body, len);
	mem_deref(req);
}

static int invoke_scripted(struct frun *run, struct sim *sim,
			   uint32_t timeout_ms)
{
	const struct sim_ext *ext;

	if (sim->ext_next >= sim->extc) {
		fprintf(stderr, "simulate: no --external reply left for "
			"this function call: it fails\n");
		frun_invoke_reply(run, ECONNREFUSED, 0, NULL, 0);
		return 0;
	}

	ext = &sim->extv[sim->ext_next++];
	switch (ext->kind) {

	case SIM_EXT_BODY:
		sim->now_ms += 50;
		frun_invoke_reply(run, 0, 200, ext->body, strlen(ext->body));
		break;

	case SIM_EXT_STATUS:
		sim->now_ms += 50;
		frun_invoke_reply(run, 0, ext->status, "", 0);
		break;

	case SIM_EXT_TIMEOUT:
		sim->now_ms += timeout_ms;
		frun_invoke_reply(run, ETIMEDOUT, 0, NULL, 0);
		break;

	case SIM_EXT_CONNFAIL:
		frun_invoke_reply(run, ECONNREFUSED, 0, NULL, 0);
		break;
	}

	return 0;
}

static int op_invoke(struct frun *run, const char *url, const char *body,
		     size_t len, uint32_t timeout_ms, void *arg)
{
	struct sim *sim = arg;
	int err;

	if (sim->ext_given)
		return invoke_scripted(run, sim, timeout_ms);

	if (!url || !*url) {
		fprintf(stderr, "simulate: the function has no URL in the "
			"configuration (or use --external)\n");
		return ENOENT;
	}
	if (sim->http)
		return EBUSY;

	if (!sim->httpc) {
		err = httpc_alloc(&sim->httpc);
		if (err) {
			fprintf(stderr, "simulate: http client: %s\n",
				strerror(err));
			return err;
		}
	}

	err = httpc_post(&sim->http, sim->httpc, url, "application/json",
			 body, len, timeout_ms, http_resp_handler, sim);
	if (err) {
		fprintf(stderr, "simulate: POST %s: %s\n", url,
			strerror(err));
		return err;
	}

	sim->http_t0 = tmr_jiffies();
	return 0;
}

/* The agent's answers come from --view, in order; without one no
 * workspace is attached (the error branch). */
static int op_show_view(struct frun *run, const struct fview *v, void *arg)
{
	struct sim *sim = arg;
	const struct sim_view *r;

	if (sim->view_next >= sim->viewc)
		return ENODEV;
	r = &sim->viewv[sim->view_next++];
	if (r->timeout) {
		sim->now_ms += v->timeout_ms;
		frun_done_error(run, "TimeLimitExceeded");
		return 0;
	}
	if (!r->action[0])
		return ENODEV;

	sim->now_ms += AGENT_VIEW_MS;
	frun_view_result(run, r->action, r->result);
	return 0;
}


/* No queue entry in the simulator: the engine keeps the criteria on the
 * contact (shown at the end). */
static int op_routing_criteria(struct frun *run, struct rcriteria *c,
			       void *arg)
{
	(void)run;
	(void)c;
	(void)arg;
	return 0;
}


const struct flow_ops sim_ops = {
	.play = op_play,
	.collect = op_collect,
	.play_loop = op_play_loop,
	.wait = op_wait,
	.stop = op_stop,
	.disconnect = op_disconnect,
	.enqueue = op_enqueue,
	.transfer_agent = op_transfer_agent,
	.hold = op_hold,
	.callback = op_callback,
	.metrics = op_metrics,
	.transfer_phone = op_transfer_phone,
	.complete_outbound = op_complete_outbound,
	.invoke = op_invoke,
	.show_view = op_show_view,
	.routing_criteria = op_routing_criteria,
	.profile_get = sim_profile_get,
	.profile_create = sim_profile_create,
	.profile_update = sim_profile_update,
	.profile_associate = sim_profile_associate,
	.lex = sim_op_lex,
};


int sim_view_parse(struct sim_view *v, const char *s, char *err,
		   size_t errsz)
{
	const char *eq = strchr(s, '=');
	json_t *j;

	memset(v, 0, sizeof(*v));
	if (!strcmp(s, "!timeout")) {
		v->timeout = true;
		return 0;
	}
	if (!strcmp(s, "!none"))
		return 0;
	if (!*s || *s == '=' || *s == '!') {
		re_snprintf(err, errsz, "--view '%s': expected ACTION, "
			    "ACTION=JSON, !timeout or !none", s);
		return EINVAL;
	}
	if ((eq ? (size_t)(eq - s) : strlen(s)) >= sizeof(v->action)) {
		re_snprintf(err, errsz, "--view '%s': the action name is too "
			    "long", s);
		return EINVAL;
	}
	str_ncpy(v->action, s, (eq ? (size_t)(eq - s) : strlen(s)) + 1);
	if (!eq)
		return 0;

	j = json_loads(eq + 1, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		re_snprintf(err, errsz, "--view '%s': the result after '=' "
			    "must be a JSON object", s);
		return EINVAL;
	}
	json_decref(j);
	v->result = eq + 1;
	return 0;
}

int sim_ext_parse(struct sim_ext *ext, const char *s, char *err,
		  size_t errsz)
{
	json_error_t jerr;
	json_t *j;

	memset(ext, 0, sizeof(*ext));

	if (s[0] == '!') {
		const char *v = s + 1;
		char *end;
		unsigned long code;

		if (!strcmp(v, "timeout")) {
			ext->kind = SIM_EXT_TIMEOUT;
			return 0;
		}
		if (!strcmp(v, "error")) {
			ext->kind = SIM_EXT_CONNFAIL;
			return 0;
		}
		if (!strncmp(v, "text:", 5)) {
			ext->kind = SIM_EXT_BODY;
			ext->body = v + 5;
			return 0;
		}
		code = strtoul(v, &end, 10);
		if (end != v && !*end && code >= 100 && code <= 599) {
			ext->kind = SIM_EXT_STATUS;
			ext->status = (uint16_t)code;
			return 0;
		}
		re_snprintf(err, errsz, "--external '%s': expected !timeout, "
			    "!error, !text:BODY or !STATUS (100-599)", s);
		return EINVAL;
	}

	j = json_loads(s, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		re_snprintf(err, errsz, "--external: not JSON: %s "
			    "(line %d column %d)", jerr.text, jerr.line,
			    jerr.column);
		return EINVAL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		re_snprintf(err, errsz, "--external: a reply must be a JSON "
			    "object (use !text:BODY for anything else)");
		return EINVAL;
	}
	json_decref(j);

	ext->kind = SIM_EXT_BODY;
	ext->body = s;
	return 0;
}

static const struct metric_key {
	const char *name;
	size_t off;
	uint64_t scale;
} metric_keys[] = {
	{"NumberOfContactsInQueue",
	 offsetof(struct fmetrics, contacts_in_queue), 0},
	{"OldestContactInQueueAgeSeconds",
	 offsetof(struct fmetrics, oldest_contact_age_ms), 1000},
	{"NumberOfScheduledContacts",
	 offsetof(struct fmetrics, contacts_scheduled), 0},
	{"NumberOfAgentsOnline",
	 offsetof(struct fmetrics, agents_online), 0},
	{"NumberOfAgentsAvailable",
	 offsetof(struct fmetrics, agents_available), 0},
	{"NumberOfAgentsStaffed",
	 offsetof(struct fmetrics, agents_staffed), 0},
	{"NumberOfAgentsAfterContactWork",
	 offsetof(struct fmetrics, agents_acw), 0},
	{"NumberOfAgentsOnContact",
	 offsetof(struct fmetrics, agents_busy), 0},
	{"NumberOfAgentsMissed",
	 offsetof(struct fmetrics, agents_missed), 0},
	{"NumberOfAgentsNonProductive",
	 offsetof(struct fmetrics, agents_non_productive), 0},
	{"NumberOfAgentsError",
	 offsetof(struct fmetrics, agents_error), 0},
	/* $.Metrics.Queue.EstimatedWaitTime, $.Metrics.Contact.* */
	{"EstimatedWaitTimeSeconds",
	 offsetof(struct fmetrics, queue_ewt_ms), 1000},
	{"ContactPositionInQueue",
	 offsetof(struct fmetrics, contact_position), 0},
	{"ContactEstimatedWaitTimeSeconds",
	 offsetof(struct fmetrics, contact_ewt_ms), 1000},
};

static const struct metric_key *metric_key_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(metric_keys) / sizeof(metric_keys[0]); i++) {
		if (!strcmp(metric_keys[i].name, name))
			return &metric_keys[i];
	}
	return NULL;
}

int sim_metrics_check(const json_t *doc, char *err, size_t errsz)
{
	const char *queue, *key;
	json_t *qv, *v;

	if (!json_is_object(doc)) {
		re_snprintf(err, errsz, "expected an object of queues");
		return EINVAL;
	}

	json_object_foreach((json_t *)doc, queue, qv) {
		if (!json_is_object(qv)) {
			re_snprintf(err, errsz, "\"%s\": expected an object "
				    "of metric values", queue);
			return EINVAL;
		}
		json_object_foreach(qv, key, v) {
			if (!metric_key_find(key)) {
				re_snprintf(err, errsz, "\"%s\": unknown metric"
					    " \"%s\"", queue, key);
				return EINVAL;
			}
			if (!json_is_number(v) || json_number_value(v) < 0 ||
			    json_number_value(v) > 4294967295.0) {
				re_snprintf(err, errsz, "\"%s\".\"%s\": "
					    "expected a number >= 0", queue,
					    key);
				return EINVAL;
			}
		}
	}
	return 0;
}

static json_t *metrics_queue(const json_t *doc, const char *name,
			     const char *id)
{
	const char *key;
	json_t *v;

	if (!doc)
		return NULL;
	if (name && (v = json_object_get(doc, name)))
		return v;
	if (id && (v = json_object_get(doc, id)))
		return v;
	if (name) {
		json_object_foreach((json_t *)doc, key, v) {
			if (!strcasecmp(key, name))
				return v;
		}
	}
	return json_object_get(doc, "*");
}

int sim_metrics_get(const struct sim *sim, const char *name, const char *id,
		    struct fmetrics *m)
{
	const char *key;
	json_t *qv, *v;

	if (!m)
		return EINVAL;
	memset(m, 0, sizeof(*m));

	qv = metrics_queue(sim->metrics, name, id);
	if (!qv)
		return 0;

	json_object_foreach(qv, key, v) {
		const struct metric_key *mk = metric_key_find(key);
		double d = json_number_value(v);
		uint8_t *field;

		if (!mk)
			continue;
		if (mk->off == offsetof(struct fmetrics, queue_ewt_ms))
			m->queue_ewt_known = true;
		if (mk->off == offsetof(struct fmetrics, contact_ewt_ms))
			m->contact_ewt_known = true;
		field = (uint8_t *)m + mk->off;
		if (mk->scale) {
			uint64_t ms = (uint64_t)(d * (double)mk->scale);
			memcpy(field, &ms, sizeof(ms));
		}
		else {
			uint32_t n = (uint32_t)d;
			memcpy(field, &n, sizeof(n));
		}
	}
	return 0;
}
