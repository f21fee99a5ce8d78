/**
 * @file flowlog.c  Flow log lines and the per-day flow log file.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <callflowd/core/libre.h>
#include <callflowd/store/dayfile.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/store/flowlog.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/log.h>
#include <callflowd/store/records.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/util.h>

struct flowlog {
	struct records *rec;	/* for the redactions in force */
	struct dayfile *df;	/* flow-logs/YYYY/MM/DD/flow-logs.jsonl */
	uint64_t lines;
};

/* How a parameter subtree is written. */
enum pmode {
	PM_PLAIN,
	PM_MASK,	/* InputEncryption: every value is a secret */
	PM_ATTRS,	/* an "Attributes" object: keys may be redacted */
};

static void destructor(void *arg)
{
	struct flowlog *fl = arg;

	mem_deref(fl->df);
	mem_deref(fl->rec);
}

int flowlog_alloc(struct flowlog **flp, const char *data_dir,
		  struct records *rec)
{
	struct flowlog *fl;
	int err;

	if (!flp || !data_dir)
		return EINVAL;

	fl = mem_zalloc(sizeof(*fl), destructor);
	if (!fl)
		return ENOMEM;
	fl->rec = mem_ref(rec);
	err = dayfile_alloc(&fl->df, data_dir, "flow-logs");
	if (err)
		mem_deref(fl);
	else
		*flp = fl;
	return err;
}

int flowlog_path(char **pathp, const char *data_dir, uint64_t now_ms)
{
	return dayfile_path(pathp, data_dir, "flow-logs", now_ms);
}

/* A template reading the stored input or a redacted attribute. */
static bool tmpl_secret(const struct ftmpl *t, const struct strmap *redact)
{
	size_t i;

	for (i = 0; !t->is_static && i < t->segc; i++) {
		const struct fref *r = &t->segv[i].ref;

		if (!t->segv[i].is_ref)
			continue;
		if (r->root == FREF_STORED_INPUT)
			return true;
		if (r->root == FREF_ATTRIBUTES && redact && r->key &&
		    strmap_getn(redact, r->key, r->klen, NULL))
			return true;
	}
	return false;
}

static bool param_secret(const struct fparam *p, const struct strmap *redact)
{
	size_t i;

	if (p->kind == FP_STR)
		return tmpl_secret(&p->str, redact);
	for (i = 0; i < p->n; i++) {
		if (param_secret(&p->v[i], redact))
			return true;
	}
	return false;
}

static json_t *str_json(struct frun *run, const struct ftmpl *t,
			const struct strmap *redact)
{
	char *s = NULL;
	json_t *j;

	/* secrets stay as written: the text names them, never holds them */
	if (t->is_static || tmpl_secret(t, redact) ||
	    frun_eval_str(run, t, &s))
		return json_stringn(t->raw ? t->raw : "", t->rawlen);
	j = json_string(s);
	mem_deref(s);
	return j;
}

static json_t *param_json(struct frun *run, const struct fparam *p,
			  const struct strmap *redact, enum pmode mode)
{
	json_t *j;
	size_t i;

	if (mode == PM_MASK && p->kind != FP_OBJ && p->kind != FP_ARR)
		return json_string(RECORDS_REDACTED);

	switch (p->kind) {

	case FP_STR:
		return str_json(run, &p->str, redact);

	case FP_NUM:
		if (isfinite(p->num) && p->num == floor(p->num) &&
		    fabs(p->num) < 9e15)
			return json_integer((json_int_t)p->num);
		return json_real(p->num);

	case FP_BOOL:
		return json_boolean(p->b);

	case FP_OBJ:
		j = json_object();
		for (i = 0; j && i < p->n; i++) {
			const struct fparam *c = &p->v[i];
			enum pmode m = mode == PM_MASK ? PM_MASK : PM_PLAIN;

			if (!c->key)
				continue;
			if (!strcmp(c->key, "InputEncryption"))
				m = PM_MASK;
			else if (mode == PM_ATTRS && redact &&
				 strmap_get(redact, c->key))
				m = PM_MASK;
			else if (mode != PM_MASK &&
				 !strcmp(c->key, "Attributes"))
				m = PM_ATTRS;
			json_object_set_new(j, c->key,
					    param_json(run, c, redact, m));
		}
		return j;

	case FP_ARR:
		j = json_array();
		for (i = 0; j && i < p->n; i++)
			json_array_append_new(j, param_json(run, &p->v[i],
				redact, mode == PM_MASK ? PM_MASK : PM_PLAIN));
		return j;

	default:
		return json_null();
	}
}

/* The action's prompt text as written (Text, SSML or PromptId). */
static const char *raw_say(const struct fparam *params)
{
	static const char *const keys[] = {"Text", "SSML", NULL};
	size_t i;

	for (i = 0; keys[i]; i++) {
		const struct fparam *p = fparam_get(params, keys[i]);

		if (p && p->kind == FP_STR)
			return p->str.raw;
	}
	return NULL;
}

int flowlog_encode(char **jsonp, struct frun *run, const struct fstep *st,
		   const struct strmap *redact, uint64_t now_ms)
{
	const struct cdata *cd = frun_cdata(run);
	const struct flow_action *a;
	const char *say;
	char tsbuf[40];
	json_t *j;
	char *text;
	bool secret;
	int err;

	if (!jsonp || !run || !st || !st->act || !cd)
		return EINVAL;
	a = st->act;

	secret = param_secret(&a->params, redact);
	say = st->say;
	if (say && secret)
		say = raw_say(&a->params);

	util_iso8601(tsbuf, sizeof(tsbuf), now_ms);
	j = json_pack("{s:s, s:s, s:s?}",
		      "Timestamp", tsbuf,
		      "ContactId", cd->contact_id,
		      "ContactFlowName", st->flow ? st->flow->name : NULL);
	if (!j)
		return ENOMEM;
	if (st->flow && st->flow->id)
		json_object_set_new(j, "ContactFlowId",
				    json_string(st->flow->id));
	json_object_set_new(j, "Identifier", json_string(a->id ? a->id : ""));
	json_object_set_new(j, "Type", json_string(
		a->type_name ? a->type_name : action_type_name(a->type)));
	json_object_set_new(j, "Parameters",
			    a->params.kind == FP_OBJ ?
			    param_json(run, &a->params, redact, PM_PLAIN) :
			    json_object());
	if (st->result && !st->input_stored)
		json_object_set_new(j, "Results", json_string(
			secret ? RECORDS_REDACTED : st->result));
	if (st->branch)
		json_object_set_new(j, "Branch", json_string(st->branch));
	if (st->error)
		json_object_set_new(j, "Error", json_string(st->error));
	if (say)
		json_object_set_new(j, "Say", json_string(say));

	text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!text)
		return ENOMEM;
	err = str_dup(jsonp, text);
	free(text);
	return err;
}

void flowlog_step(struct flowlog *fl, struct frun *run,
		  const struct fstep *st)
{
	const struct cdata *cd = frun_cdata(run);
	uint64_t now;
	char *line = NULL;
	int err;

	if (!fl || !st || !st->act || !cd || !cd->flow_logging ||
	    st->act->type == ACT_UPDATE_FLOW_LOGGING_BEHAVIOR)
		return;

	now = util_now_ms();
	err = flowlog_encode(&line, run, st, records_redactions(fl->rec),
			     now);
	if (!err)
		err = dayfile_line(fl->df, now, line);
	if (err)
		log_warn("flow log: contact %s action %s not logged: %m",
			 cd->contact_id, st->act->id, err);
	else
		++fl->lines;
	mem_deref(line);
}

void flowlog_flush(struct flowlog *fl, uint32_t ms)
{
	if (fl)
		dayfile_flush(fl->df, ms);
}

uint64_t flowlog_lines(const struct flowlog *fl)
{
	return fl ? fl->lines : 0;
}
