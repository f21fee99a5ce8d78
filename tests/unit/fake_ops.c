/**
 * @file fake_ops.c  The recording fake of struct flow_ops and a flow-run
 * helper for unit tests (see fake_ops.h). Not a suite itself.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/collect.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flow.h>
#include <callflowd/core/util.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/rcriteria.h>
#include "fake_ops.h"


static void logf_(struct fake_ops *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void logf_(struct fake_ops *f, const char *fmt, ...)
{
	size_t room = sizeof(f->log) - f->loglen;
	va_list ap;
	int n;

	if (room < 2)
		return;

	va_start(ap, fmt);
	n = vsnprintf(f->log + f->loglen, room - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;

	f->loglen += (size_t)n < room - 1 ? (size_t)n : room - 2;
	f->log[f->loglen++] = '\n';
	f->log[f->loglen] = '\0';
}


static const char *s_(const char *s)
{
	return s && s[0] ? s : "-";
}


static const char *kind_name(enum fprompt_kind k)
{
	switch (k) {

	case FPROMPT_TEXT:   return "TEXT";
	case FPROMPT_SSML:   return "SSML";
	case FPROMPT_PROMPT: return "PROMPT";
	case FPROMPT_MEDIA:  return "MEDIA";
	default:             return "NONE";
	}
}


/* "<KIND> <text>", and " <path>" for a configured prompt */
static const char *prompt_str(char *buf, size_t sz, const struct fprompt *p)
{
	if (!p) {
		snprintf(buf, sz, "NONE -");
		return buf;
	}

	snprintf(buf, sz, "%s %s%s%s", kind_name(p->kind), s_(p->text),
		 p->kind == FPROMPT_PROMPT ? " " : "",
		 p->kind == FPROMPT_PROMPT ? s_(p->path) : "");
	return buf;
}


static const char *queue_name(const struct cfg_queue *q)
{
	return q ? s_(q->ident.name) : "-";
}


static int op_play(struct frun *run, const struct fprompt *p, void *arg)
{
	struct fake_ops *f = arg;
	char buf[512];

	++f->calls;
	logf_(f, "play %s", prompt_str(buf, sizeof(buf), p));
	if (f->ret_err)
		return f->ret_err;
	if (!f->defer)
		frun_done(run, f->play_err);
	return 0;
}


static int op_collect(struct frun *run, const struct fprompt *p,
		      const struct fcollect *spec, void *arg)
{
	struct fake_ops *f = arg;
	const char *k = f->keys ? f->keys : "";
	struct collector c;
	char buf[512];

	++f->calls;
	logf_(f, "collect %s", prompt_str(buf, sizeof(buf), p));
	if (spec)
		f->collect_spec = *spec;
	if (f->ret_err)
		return f->ret_err;
	if (f->defer)
		return 0;

	collector_init(&c, spec);
	f->collect_waited_ms = 0;
	while (c.state != COLLECT_DONE) {
		if (!*k || *k == 'T') {
			f->collect_waited_ms += collector_timer_ms(&c);
			collector_timeout(&c);
			if (*k)
				++k;
		}
		else {
			collector_key(&c, *k++);
		}
	}

	frun_input(run, c.status, c.digits);
	return 0;
}


static int op_play_loop(struct frun *run, const struct fprompt *pv,
			size_t pc, uint32_t interrupt_ms, void *arg)
{
	struct fake_ops *f = arg;
	char buf[512];
	size_t i;

	++f->calls;
	logf_(f, "play_loop %zu %u", pc, interrupt_ms);
	for (i = 0; i < pc; i++)
		logf_(f, "loop %s", prompt_str(buf, sizeof(buf), &pv[i]));
	if (f->ret_err)
		return f->ret_err;
	if (!f->defer && interrupt_ms)
		frun_done(run, 0);
	return 0;
}


static int op_wait(struct frun *run, uint32_t ms, const char **events,
		   size_t eventc, void *arg)
{
	struct fake_ops *f = arg;
	char ev[256] = "";
	size_t i, len = 0;

	++f->calls;
	for (i = 0; i < eventc && len < sizeof(ev); i++)
		len += (size_t)snprintf(ev + len, sizeof(ev) - len, "%s%s",
					i ? "," : "", events[i]);
	logf_(f, "wait %u %s", ms, s_(ev));
	if (f->ret_err)
		return f->ret_err;
	if (!f->defer)
		frun_done_value(run, f->wait_value ? f->wait_value :
				"WaitCompleted");
	return 0;
}


static void op_stop(struct frun *run, void *arg)
{
	struct fake_ops *f = arg;

	(void)run;
	++f->calls;
	logf_(f, "stop");
}


static int op_disconnect(struct frun *run, void *arg)
{
	struct fake_ops *f = arg;

	(void)run;
	++f->calls;
	logf_(f, "disconnect");
	return f->ret_err ? f->ret_err : f->disconnect_err;
}


static int op_enqueue(struct frun *run, const struct cfg_queue *q,
		      const char *agent, void *arg)
{
	struct fake_ops *f = arg;

	(void)run;
	++f->calls;
	logf_(f, "enqueue %s %s", queue_name(q), s_(agent));
	return f->ret_err ? f->ret_err : f->enqueue_err;
}


static int op_transfer_agent(struct frun *run, void *arg)
{
	struct fake_ops *f = arg;

	(void)run;
	++f->calls;
	logf_(f, "transfer_agent");
	return f->ret_err ? f->ret_err : f->transfer_agent_err;
}


static int op_hold(struct frun *run, enum fparticipant_state st, void *arg)
{
	struct fake_ops *f = arg;

	(void)run;
	++f->calls;
	logf_(f, "hold %s", st == FPS_AGENT_ON_HOLD ? "AGENT" :
	      st == FPS_CUSTOMER_ON_HOLD ? "CUSTOMER" : "OFF");
	return f->ret_err ? f->ret_err : f->hold_err;
}


static int op_callback(struct frun *run, const struct fcallback *cb,
		       void *arg)
{
	struct fake_ops *f = arg;

	(void)run;
	++f->calls;
	logf_(f, "callback %s %s %s %u %u %u", queue_name(cb->queue),
	      s_(cb->agent), s_(cb->number), cb->initial_delay_s,
	      cb->max_attempts, cb->retry_delay_s);
	return f->ret_err ? f->ret_err : f->callback_err;
}


static int op_metrics(struct frun *run, const struct cfg_queue *q,
		      const char *agent, struct fmetrics *m, void *arg)
{
	struct fake_ops *f = arg;

	(void)run;
	++f->calls;
	logf_(f, "metrics %s %s", queue_name(q), s_(agent));
	if (f->ret_err)
		return f->ret_err;
	if (f->metrics_err)
		return f->metrics_err;
	if (m)
		*m = f->metrics;
	return 0;
}


static int op_transfer_phone(struct frun *run, const struct ftransfer *t,
			     void *arg)
{
	struct fake_ops *f = arg;

	++f->calls;
	logf_(f, "transfer_phone %s %u %d %s %s %s", s_(t->number),
	      t->timeout_s, t->continue_flow, s_(t->dtmf),
	      s_(t->caller_id_number), s_(t->caller_id_name));
	str_ncpy(f->tr_number, t->number ? t->number : "",
		 sizeof(f->tr_number));
	str_ncpy(f->tr_dtmf, t->dtmf ? t->dtmf : "", sizeof(f->tr_dtmf));
	str_ncpy(f->tr_cid, t->caller_id_number ? t->caller_id_number : "",
		 sizeof(f->tr_cid));
	str_ncpy(f->tr_cid_name, t->caller_id_name ? t->caller_id_name : "",
		 sizeof(f->tr_cid_name));
	f->tr_timeout_s = t->timeout_s;
	f->tr_continue = t->continue_flow;
	if (f->ret_err)
		return f->ret_err;
	if (f->defer)
		return 0;
	if (f->transfer_error)
		frun_done_error(run, f->transfer_error);
	else
		frun_done(run, 0);
	return 0;
}


static int op_complete_outbound(struct frun *run, const char *caller_id,
				void *arg)
{
	struct fake_ops *f = arg;

	(void)run;
	++f->calls;
	logf_(f, "complete_outbound %s", s_(caller_id));
	return f->ret_err ? f->ret_err : f->complete_err;
}


static int op_invoke(struct frun *run, const char *url, const char *body,
		     size_t len, uint32_t timeout_ms, void *arg)
{
	struct fake_ops *f = arg;
	const char *reply = f->invoke_reply ? f->invoke_reply : "{}";

	++f->calls;
	logf_(f, "invoke %s %u", s_(url), timeout_ms);
	str_ncpy(f->invoke_url, url ? url : "", sizeof(f->invoke_url));
	if (len >= sizeof(f->invoke_body))
		len = sizeof(f->invoke_body) - 1;
	if (body)
		memcpy(f->invoke_body, body, len);
	f->invoke_body[body ? len : 0] = '\0';
	f->invoke_timeout_ms = timeout_ms;
	if (f->ret_err)
		return f->ret_err;
	if (!url)
		return ENOENT;	/* like the daemon: no endpoint, no call */
	if (!f->defer)
		frun_invoke_reply(run, f->invoke_err, f->invoke_status,
				  reply, strlen(reply));
	return 0;
}


static int op_show_view(struct frun *run, const struct fview *v, void *arg)
{
	struct fake_ops *f = arg;

	++f->calls;
	logf_(f, "show_view %s %u", s_(v->id), v->timeout_ms);
	logf_(f, "view %s", s_(v->json));
	if (f->ret_err || f->view_err)
		return f->ret_err ? f->ret_err : f->view_err;
	if (f->defer)
		return 0;
	if (f->view_timeout)
		frun_done_error(run, "TimeLimitExceeded");
	else
		frun_view_result(run, f->view_action ? f->view_action : "Next",
				 f->view_result);
	return 0;
}


static int op_routing_criteria(struct frun *run, struct rcriteria *c,
			       void *arg)
{
	struct fake_ops *f = arg;

	(void)run;
	++f->calls;
	f->criteria_steps = c ? (uint32_t)c->stepc : 0;
	if (c)
		logf_(f, "routing_criteria %zu", c->stepc);
	else
		logf_(f, "routing_criteria -");
	return f->ret_err ? f->ret_err : f->criteria_err;
}


/* "k=v,k=v" of a map, in its order */
static const char *map_str(char *buf, size_t sz, const struct strmap *m)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; m && i < strmap_count(m) && len + 1 < sz; i++) {
		const struct strmap_ent *e = strmap_at(m, i);
		int n = snprintf(buf + len, sz - len, "%s%s=%s", i ? "," : "",
				 e->key, e->val);

		if (n < 0)
			break;
		len += (size_t)n;
	}
	return buf[0] ? buf : "-";
}


static int profile_answer(struct frun *run, struct fake_ops *f)
{
	if (f->ret_err)
		return f->ret_err;
	if (!f->defer)
		frun_profile_done(run, f->profile_status, f->profile);
	return 0;
}


static int op_profile_get(struct frun *run, const struct strmap *ids,
			  bool match_all, void *arg)
{
	struct fake_ops *f = arg;
	char buf[512];

	++f->calls;
	logf_(f, "profile_get %s %s", match_all ? "all" : "any",
	      map_str(buf, sizeof(buf), ids));
	return profile_answer(run, f);
}


static int op_profile_create(struct frun *run, const struct strmap *fields,
			     void *arg)
{
	struct fake_ops *f = arg;
	char buf[512];

	++f->calls;
	logf_(f, "profile_create %s", map_str(buf, sizeof(buf), fields));
	return profile_answer(run, f);
}


static int op_profile_update(struct frun *run, const char *profile_id,
			     const struct strmap *fields, void *arg)
{
	struct fake_ops *f = arg;
	char buf[512];

	++f->calls;
	logf_(f, "profile_update %s %s", s_(profile_id),
	      map_str(buf, sizeof(buf), fields));
	return profile_answer(run, f);
}


static int op_profile_associate(struct frun *run, const char *profile_id,
				const char *contact_id, void *arg)
{
	struct fake_ops *f = arg;

	++f->calls;
	logf_(f, "profile_associate %s %s", s_(profile_id), s_(contact_id));
	return profile_answer(run, f);
}


void fake_ops_init(struct fake_ops *f)
{
	memset(f, 0, sizeof(*f));
	f->ops.play = op_play;
	f->ops.collect = op_collect;
	f->ops.play_loop = op_play_loop;
	f->ops.wait = op_wait;
	f->ops.stop = op_stop;
	f->ops.disconnect = op_disconnect;
	f->ops.enqueue = op_enqueue;
	f->ops.transfer_agent = op_transfer_agent;
	f->ops.hold = op_hold;
	f->ops.callback = op_callback;
	f->ops.metrics = op_metrics;
	f->ops.transfer_phone = op_transfer_phone;
	f->ops.complete_outbound = op_complete_outbound;
	f->ops.invoke = op_invoke;
	f->ops.show_view = op_show_view;
	f->ops.routing_criteria = op_routing_criteria;
	f->ops.profile_get = op_profile_get;
	f->ops.profile_create = op_profile_create;
	f->ops.profile_update = op_profile_update;
	f->ops.profile_associate = op_profile_associate;
	f->invoke_status = 200;
}


bool fake_has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	if (!text)
		return false;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return true;
		++p;
	}
	return false;
}


static void copy_(char *dst, size_t sz, const char *src)
{
	str_ncpy(dst, src ? src : "", sz);
}


static void trace_(struct fake_run *fr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void trace_(struct fake_run *fr, const char *fmt, ...)
{
	size_t room = sizeof(fr->trace) - fr->tracelen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(fr->trace + fr->tracelen, room, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < room)
		fr->tracelen += (size_t)n;
}


static void step_handler(struct frun *run, const struct fstep *st, void *arg)
{
	struct fake_run *fr = arg;

	(void)run;
	++fr->steps;
	trace_(fr, "%s %s\n", st->act && st->act->id ? st->act->id : "-",
	       st->branch ? st->branch : "-");
	if (st->result)
		trace_(fr, "  result: %s\n", st->result);
	if (st->say)
		trace_(fr, "  say: %s\n", st->say);
	if (st->prompt)
		trace_(fr, "  prompt: %s\n", st->prompt);
	if (st->input || st->input_stored)
		trace_(fr, "  input: %s%s\n", st->input ? st->input : "-",
		       st->input_stored ? " (stored)" : "");
	if (st->error)
		trace_(fr, "  error: %s\n", st->error);

	copy_(fr->last_result, sizeof(fr->last_result), st->result);
	copy_(fr->last_say, sizeof(fr->last_say), st->say);
	copy_(fr->last_prompt, sizeof(fr->last_prompt), st->prompt);
	copy_(fr->last_input, sizeof(fr->last_input), st->input);
	copy_(fr->last_error, sizeof(fr->last_error), st->error);
	fr->last_input_stored = st->input_stored;
}


static void end_handler(struct frun *run, const struct fend *end, void *arg)
{
	struct fake_run *fr = arg;

	(void)run;
	fr->ended = true;
	fr->end_kind = end->kind;
	copy_(fr->end_reason, sizeof(fr->end_reason), end->reason);
	copy_(fr->end_target, sizeof(fr->end_target), end->target);
}


int fake_run_load(struct fake_run *fr, struct fake_ops *f, const char *json)
{
	struct flow_load_opts opts = { .name = "test" };
	struct findings *fnd = NULL;
	int err;

	memset(fr, 0, sizeof(*fr));
	fr->env.ops = &f->ops;
	fr->env.ops_arg = f;
	fr->env.cfg = f->cfg;
	fr->env.flows = f->flows;

	err = findings_alloc(&fnd);
	if (err)
		goto out;

	fr->load_err = flow_load_buf(&fr->flow, fnd, json, strlen(json),
				     &opts);
	if (!fr->flow) {
		findings_print(fnd, "test", stderr);
		err = fr->load_err ? fr->load_err : EBADMSG;
		goto out;
	}

	err = cdata_alloc(&fr->cd, "c-1");
	if (err)
		goto out;

	err = frun_alloc(&fr->run, fr->flow, fr->cd, &fr->env, end_handler,
			 fr);
	if (err)
		goto out;

	frun_set_step_handler(fr->run, step_handler, fr);

 out:
	mem_deref(fnd);
	return err;
}


int fake_run_go(struct fake_run *fr)
{
	if (!fr->run)
		return EINVAL;

	fr->start_err = frun_start(fr->run, NULL);
	return fr->start_err;
}


int fake_run_start(struct fake_run *fr, struct fake_ops *f, const char *json)
{
	int err = fake_run_load(fr, f, json);

	return err ? err : fake_run_go(fr);
}


void fake_run_close(struct fake_run *fr)
{
	fr->run = mem_deref(fr->run);
	fr->cd = mem_deref(fr->cd);
	fr->flow = mem_deref(fr->flow);
}


int fake_enc_config(struct config **cfgp, const char *key_id)
{
	char *text = NULL;
	char errbuf[256] = "";
	int err;

	err = re_sdprintf(&text, "{\"encryption_keys\":[{\"id\":\"%s\","
			  "\"public_key\":\"%s/encryption/public.pem\"}]}",
			  key_id, CFD_TEST_DATA);
	if (err)
		return err;
	err = config_parse(cfgp, text, NULL, errbuf, sizeof(errbuf));
	if (err)
		fprintf(stderr, "fake_enc_config: %s\n", errbuf);
	mem_deref(text);
	return err;
}


char *fake_pem_json(const char *file)
{
	char path[512], *pem = NULL, *out = NULL;
	size_t len = 0, i, o = 0;

	snprintf(path, sizeof(path), "%s/encryption/%s", CFD_TEST_DATA,
		 file);
	if (util_read_file(&pem, &len, path, 64 * 1024))
		return NULL;
	out = mem_alloc(2 * len + 1, NULL);
	for (i = 0; out && i < len; i++) {
		if (pem[i] == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		}
		else if (pem[i] != '\r') {
			out[o++] = pem[i];
		}
	}
	if (out)
		out[o] = '\0';
	mem_deref(pem);
	return out;
}
