/**
 * @file aparam.c  Parameter values of an action at run time.
 *
 * Real exports write numbers and booleans as strings ("5", "True"), some
 * generators as JSON numbers and booleans, and any of them may be a
 * reference evaluated per contact: these helpers accept all three.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include "actions.h"

int aparam_dup(struct frun *run, const struct fparam *p, char **strp)
{
	if (!strp)
		return EINVAL;
	if (!p || p->kind == FP_NULL)
		return str_dup(strp, "");
	if (p->kind == FP_OBJ || p->kind == FP_ARR)
		return EINVAL;

	return frun_eval_str(run, &p->str, strp);
}

int aparam_dup_opt(struct frun *run, const struct fparam *p, char **strp)
{
	if (!strp)
		return EINVAL;
	*strp = NULL;
	if (!p || (p->kind != FP_STR && p->kind != FP_NUM &&
		   p->kind != FP_BOOL))
		return 0;

	return frun_eval_str(run, &p->str, strp);
}

void action_warn(struct frun *run, const struct flow_action *act,
		 const char *fmt, ...)
{
	const struct flow *flow = frun_flow(run);
	const struct cdata *cd = frun_cdata(run);
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	log_warn("flow '%s' contact %s action %s: %s",
		 flow && flow->name ? flow->name : "-",
		 cd ? cd->contact_id : "-", act && act->id ? act->id : "-",
		 msg);
}

int aparam_str(struct frun *run, const struct flow_action *a,
	       const char *key, struct pl *val)
{
	const struct fparam *p;

	if (!run || !a || !key || !val)
		return EINVAL;

	val->p = "";
	val->l = 0;
	p = fparam_get(&a->params, key);
	if (!p)
		return ENOENT;

	switch (p->kind) {

	case FP_STR:
	case FP_NUM:
	case FP_BOOL:
		return frun_eval(run, &p->str, frun_scratch(run), val);
	default:
		return EINVAL;
	}
}

static int parse_uint(const char *s, size_t len, uint32_t *valp)
{
	char buf[24];
	char *end;
	double d;

	while (len && (*s == ' ' || *s == '\t')) {
		++s;
		--len;
	}
	if (!len || len >= sizeof(buf))
		return EINVAL;

	memcpy(buf, s, len);
	buf[len] = '\0';
	d = strtod(buf, &end);
	while (*end == ' ' || *end == '\t')
		++end;
	if (*end || d < 0 || d > 4294967295.0)
		return EINVAL;

	*valp = (uint32_t)d;
	return 0;
}

int aparam_uint(struct frun *run, const struct fparam *p, uint32_t def,
		uint32_t max, uint32_t *valp)
{
	struct pl v;
	uint32_t n;
	int err;

	if (!valp)
		return EINVAL;
	*valp = def;
	if (!p || p->kind == FP_NULL)
		return 0;

	if (p->kind == FP_NUM) {
		if (p->num < 0 || p->num > 4294967295.0)
			return ERANGE;
		n = (uint32_t)p->num;
	}
	else if (p->kind == FP_STR) {
		err = frun_eval(run, &p->str, frun_scratch(run), &v);
		if (err)
			return err;
		if (!v.l)
			return 0;	/* an empty reference: the default */
		err = parse_uint(v.p, v.l, &n);
		if (err)
			return err;
	}
	else {
		return EINVAL;
	}

	if (n > max)
		return ERANGE;

	*valp = n;
	return 0;
}

bool aparam_bool(struct frun *run, const struct fparam *p, bool def)
{
	char buf[8];
	struct pl v;
	bool b;

	if (!p)
		return def;
	if (p->kind == FP_BOOL)
		return p->b;
	if (p->kind != FP_STR)
		return def;
	if (frun_eval(run, &p->str, frun_scratch(run), &v) || !v.l ||
	    v.l >= sizeof(buf))
		return def;

	memcpy(buf, v.p, v.l);
	buf[v.l] = '\0';
	return util_parse_bool(&b, buf) ? def : b;
}

int aparam_prompt(struct frun *run, const struct fparam *params,
		  struct fprompt *p, char **textp)
{
	static const struct {
		const char *key;
		enum fprompt_kind kind;
	} kinds[] = {
		{"Text", FPROMPT_TEXT},
		{"SSML", FPROMPT_SSML},
		{"PromptId", FPROMPT_PROMPT},
	};
	const struct cdata *cd = frun_cdata(run);
	const struct fenv *env = frun_env(run);
	const struct fparam *v = NULL;
	size_t i;
	int err;

	if (!run || !params || !p || !textp)
		return EINVAL;

	memset(p, 0, sizeof(*p));
	*textp = NULL;
	p->voice = cd->tts_voice;
	p->language = cd->language;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		v = fparam_get(params, kinds[i].key);
		if (v && v->kind == FP_STR) {
			p->kind = kinds[i].kind;
			break;
		}
	}

	if (p->kind == FPROMPT_NONE) {
		const struct fparam *m = fparam_get(params, "Media");

		v = m ? fparam_get(m, "Uri") : NULL;
		if (!v || v->kind != FP_STR)
			return 0;	/* no prompt at all */
		p->kind = FPROMPT_MEDIA;
	}

	err = frun_eval_str(run, &v->str, textp);
	if (err)
		return err;
	p->text = *textp;

	if (p->kind == FPROMPT_PROMPT) {
		const struct cfg_prompt *cp = env && env->cfg ?
			config_prompt(env->cfg, *textp) : NULL;

		if (!cp)
			return ENOENT;
		p->path = cp->path;
	}

	return 0;
}

int aparam_e164(char *out, size_t sz, const char *in)
{
	static const char *const schemes[] = {"tel:", "sip:", "sips:"};
	const char *p = in;
	size_t i;

	if (!out || !in)
		return EINVAL;

	while (*p == ' ' || *p == '\t')
		++p;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i]);

		if (!strncasecmp(p, schemes[i], n)) {
			p += n;
			break;
		}
	}
	while (*p == ' ' || *p == '\t')
		++p;

	/* Connect requires E.164: a national number is not guessed */
	if (*p != '+')
		return EINVAL;
	if (util_e164(out, sz, in) || !util_is_e164(out))
		return EINVAL;

	return 0;
}

int aparam_json(struct frun *run, const struct fparam *p, json_t **jp)
{
	json_t *j = NULL, *c;
	char *s = NULL;
	size_t i;
	int err = 0;

	if (!jp)
		return EINVAL;
	*jp = NULL;
	if (!p)
		return 0;

	switch (p->kind) {

	case FP_NULL:
		j = json_null();
		break;

	case FP_BOOL:
		j = json_boolean(p->b);
		break;

	case FP_NUM:
		if (p->num == (double)(json_int_t)p->num)
			j = json_integer((json_int_t)p->num);
		else
			j = json_real(p->num);
		break;

	case FP_STR:
		err = frun_eval_str(run, &p->str, &s);
		if (!err)
			j = json_string(s);
		mem_deref(s);
		break;

	case FP_OBJ:
	case FP_ARR:
		j = p->kind == FP_OBJ ? json_object() : json_array();
		for (i = 0; j && !err && i < p->n; i++) {
			err = aparam_json(run, &p->v[i], &c);
			if (err)
				break;
			if (p->kind == FP_OBJ)
				err = json_object_set_new(j, p->v[i].key, c) ?
					ENOMEM : 0;
			else
				err = json_array_append_new(j, c) ? ENOMEM : 0;
		}
		break;
	}

	if (!err && !j)
		err = ENOMEM;
	if (err) {
		json_decref(j);
		return err;
	}

	*jp = j;
	return 0;
}
