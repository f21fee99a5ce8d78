/**
 * @file lex.c  ConnectParticipantWithLexBot (Get customer input with a
 * Lex bot): the bot, the prompt and the session attributes go to the
 * port (struct flow_ops.lex), which holds the whole conversation (prompt,
 * speech or DTMF, elicitation of missing slots) and answers with
 * frun_lex_done(). The result fills $.Lex and picks the branch:
 *
 *   an intent          result = its name, tested by the conditions
 *                      (FallbackIntent when nothing matched, so an
 *                      intent no condition names takes
 *                      NoMatchingCondition)
 *   nothing in time    InputTimeLimitExceeded
 *   a failed slot, an unknown bot, the recogniser busy or failing
 *                      NoMatchingError
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/strmap.h>
#include <callflowd/flow/cdata.h>
#include "../actions.h"


void chk_lex_bot(const struct flow_action *act, struct findings *f)
{
	const struct fparam *v2 = fparam_get(&act->params, "LexV2Bot");
	const struct fparam *v1 = fparam_get(&act->params, "LexBot");
	const struct fparam *sa = fparam_get(&act->params,
					     "LexSessionAttributes");

	if (!v2 && !v1)
		findings_add(f, FINDING_ERROR, act->id,
			     "ConnectParticipantWithLexBot without LexV2Bot "
			     "or LexBot");
	else if (v2 && !fparam_get(v2, "AliasArn"))
		findings_add(f, FINDING_ERROR, act->id,
			     "LexV2Bot without AliasArn");
	if (sa && sa->kind != FP_OBJ)
		findings_add(f, FINDING_ERROR, act->id,
			     "LexSessionAttributes is not an object");
}


/* Every session attribute evaluated (values may hold references). */
static int session_eval(struct strmap **mapp, struct frun *run,
			const struct fparam *sa)
{
	struct strmap *map = NULL;
	size_t i;
	int err;

	err = strmap_alloc(&map);
	if (err)
		return err;

	for (i = 0; sa && sa->kind == FP_OBJ && i < sa->n && !err; i++) {
		char *val = NULL;

		err = aparam_dup(run, &sa->v[i], &val);
		if (!err)
			err = strmap_set(map, sa->v[i].key, val);
		mem_deref(val);
	}

	if (err)
		mem_deref(map);
	else
		*mapp = map;
	return err;
}


/* LexV2Bot.AliasArn, else the V1 LexBot's Name ("Name:Alias"). */
static int bot_ref(struct frun *run, const struct flow_action *act,
		   char **refp)
{
	const struct fparam *v2 = fparam_get(&act->params, "LexV2Bot");
	const struct fparam *v1 = fparam_get(&act->params, "LexBot");
	char *name = NULL, *alias = NULL;
	int err;

	if (v2)
		return aparam_dup(run, fparam_get(v2, "AliasArn"), refp);

	err = aparam_dup(run, fparam_get(v1, "Name"), &name);
	if (!err)
		err = aparam_dup_opt(run, fparam_get(v1, "Alias"), &alias);
	if (!err && alias && *alias)
		err = re_sdprintf(refp, "%s:%s", name, alias);
	else if (!err)
		err = str_dup(refp, name);
	mem_deref(name);
	mem_deref(alias);
	return err;
}


int act_lex_bot(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	struct cdata *cd = frun_cdata(run);
	struct flex req;
	struct strmap *session = NULL;
	char *text = NULL, *bot = NULL, locale[16];
	size_t i;
	int err;

	memset(&req, 0, sizeof(req));
	err = aparam_prompt(run, &act->params, &req.prompt, &text);
	if (err)
		goto out;
	if (req.prompt.text && (req.prompt.kind == FPROMPT_TEXT ||
				req.prompt.kind == FPROMPT_SSML))
		frun_note_say(run, req.prompt.text);
	else if (req.prompt.text)
		frun_note_prompt(run, req.prompt.text);

	err = bot_ref(run, act, &bot);
	if (err || !bot || !*bot) {
		action_warn(run, act, "no bot (LexV2Bot.AliasArn is empty)");
		frun_done_error(run, "NoMatchingError");
		err = 0;
		goto out;
	}

	err = session_eval(&session, run,
			   fparam_get(&act->params, "LexSessionAttributes"));
	if (err)
		goto out;

	/* Lex names locales en_US where contacts say en-US */
	str_ncpy(locale, cd->language ? cd->language : "en-US",
		 sizeof(locale));
	for (i = 0; locale[i]; i++) {
		if (locale[i] == '-')
			locale[i] = '_';
	}

	req.bot = bot;
	req.locale = locale;
	req.session = session;

	if (!env->ops || !env->ops->lex) {
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	/* the port completes with frun_lex_done() */
	err = env->ops->lex(run, &req, env->ops_arg);

 out:
	mem_deref(session);
	mem_deref(bot);
	mem_deref(text);
	return err;
}


static int lex_set(struct strmap *lex, const char *prefix, const char *key,
		   const char *val)
{
	char k[192];

	if (re_snprintf(k, sizeof(k), "%s%s", prefix, key) < 0)
		return ENOMEM;
	return strmap_set(lex, k, val ? val : "");
}


static int lex_map(struct strmap *lex, const char *prefix,
		   const struct strmap *m)
{
	size_t i, n = m ? strmap_count(m) : 0;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		const struct strmap_ent *e = strmap_at(m, i);

		err = lex_set(lex, prefix, e->key, e->val);
	}
	return err;
}


/* $.Lex as Connect names it, replaced by every Lex action. */
static int lex_fill(struct strmap *lex, const struct flex_result *res)
{
	static const char *const states[] = {
		"ReadyForFulfillment", "Failed", "Failed", "Failed"
	};
	char num[16];
	int err;

	strmap_clear(lex);
	err  = lex_set(lex, "", "IntentName", res->intent);
	err |= lex_set(lex, "", "InputTranscript", res->transcript);
	err |= lex_set(lex, "", "DialogState", states[res->status]);
	/* stdio rounds (libre's printf truncates) */
	(void)snprintf(num, sizeof(num), "%.2f", res->confidence);
	err |= lex_set(lex, "", "IntentConfidence.Score", num);
	if (res->alt_intent) {
		(void)snprintf(num, sizeof(num), "%.2f",
			       res->alt_confidence);
		err |= lex_set(lex, "AlternateIntents.",
			       res->alt_intent, num);
	}
	err |= lex_map(lex, "Slots.", res->slots);
	err |= lex_map(lex, "SessionAttributes.", res->session);
	return err ? ENOMEM : 0;
}


void frun_lex_done(struct frun *run, const struct flex_result *res)
{
	const struct flow_action *act = frun_action(run);
	struct cdata *cd = frun_cdata(run);

	if (!run || !res || frun_ended(run) || !act ||
	    act->type != ACT_CONNECT_PARTICIPANT_WITH_LEX_BOT)
		return;

	if (res->said && *res->said)
		frun_note_say(run, res->said);
	if (res->transcript && *res->transcript)
		frun_note_input(run, res->transcript, false);

	if (res->status != FLEX_ERROR && lex_fill(cd->lex, res)) {
		frun_done_error(run, "NoMatchingError");
		return;
	}

	switch (res->status) {

	case FLEX_DONE:
		frun_done_value(run, res->intent ? res->intent : "");
		break;

	case FLEX_NO_INPUT:
		frun_done_error(run, "InputTimeLimitExceeded");
		break;

	case FLEX_FAILED:
		frun_done_error(run, "NoMatchingError");
		break;

	case FLEX_ERROR:
	default:
		action_warn(run, act, "bot %s", res->error ? res->error :
			    "failed");
		frun_done_error(run, "NoMatchingError");
		break;
	}
}
