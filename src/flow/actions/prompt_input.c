/**
 * @file prompt_input.c  Participant actions that play prompts and take
 * keypad input: MessageParticipant, GetParticipantInput,
 * MessageParticipantIteratively (ConnectParticipantWithLexBot: lex.c).
 *
 * Prompt strings handed to a port are only valid during the op call: a
 * port that plays later must copy what it keeps.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/flow/collect.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include "../actions.h"

enum {
	INPUT_TIMEOUT_DEF_S   = 5,
	/* the designer caps it at 180 s today; exports hold more (a 300 s
	 * voicemail wait), and Connect ran them: a day is the sanity limit */
	INPUT_TIMEOUT_MAX_S   = 86400,
	INTERDIGIT_DEF_S      = 5,
	INTERDIGIT_MAX_S      = 20,
	STORE_MAX_DEF         = 20,
	INTERRUPT_MAX_S       = 86400,
	LOOP_MAX_MESSAGES     = 32,
};



/* Record in the step trace what a prompt says or names. */
static void note_prompt(struct frun *run, const struct fprompt *p)
{
	if (!p->text)
		return;

	switch (p->kind) {

	case FPROMPT_TEXT:
	case FPROMPT_SSML:
		frun_note_say(run, p->text);
		break;

	case FPROMPT_PROMPT:
	case FPROMPT_MEDIA:
		frun_note_prompt(run, p->text);
		break;

	default:
		break;
	}
}


int act_message_participant(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	struct fprompt p = { .kind = FPROMPT_NONE };
	char *text = NULL;
	int err;

	err = aparam_prompt(run, &act->params, &p, &text);
	if (err)
		goto out;

	note_prompt(run, &p);

	if (p.kind == FPROMPT_NONE) {
		action_warn(run, act, "MessageParticipant without a prompt");
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	/* "Skip or interrupt this prompt": keys typed ahead skip it */
	if (act_prompt_skippable(run, act) && frun_cdata(run)->dtmf.on &&
	    frun_cdata(run)->dtmf.n) {
		frun_note(run, "skipped: keys in the touchtone buffer");
		frun_done(run, 0);
		goto out;
	}

	if (!env->ops || !env->ops->play) {
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	/* the port completes with frun_done(run, err) */
	err = env->ops->play(run, &p, env->ops_arg);

 out:
	mem_deref(text);
	return err;
}


static bool term_valid(const char *t)
{
	size_t n = strlen(t);

	if (!n || n > 5)
		return false;

	return strspn(t, "0123456789*#") == n;
}


/* Whole seconds -> ms from a parameter; def when absent. */
static int param_ms(struct frun *run, const struct fparam *p, uint32_t def_s,
		    uint32_t max_s, uint32_t *msp)
{
	uint32_t s = def_s;
	int err;

	err = aparam_uint(run, p, def_s, max_s, &s);
	if (err)
		return err;

	*msp = s * 1000;
	return 0;
}


/* Everything the keypad entry needs, from the action's parameters. */
static int input_spec(struct frun *run, const struct flow_action *act,
		      struct fcollect *spec)
{
	const struct fparam *prm = &act->params;
	const struct fparam *dtmf, *valid, *custom;
	char *term = NULL;
	uint32_t maxlen;
	int err;

	memset(spec, 0, sizeof(*spec));

	spec->store = aparam_bool(run, fparam_get(prm, "StoreInput"), false);

	err = param_ms(run, fparam_get(prm, "InputTimeLimitSeconds"),
		       INPUT_TIMEOUT_DEF_S, INPUT_TIMEOUT_MAX_S,
		       &spec->timeout_ms);
	if (err) {
		action_warn(run, act, "InputTimeLimitSeconds: not 0-%u seconds",
		     INPUT_TIMEOUT_MAX_S);
		goto out;
	}

	if (!spec->store) {
		spec->max_digits = 1;
		goto out;
	}

	dtmf = fparam_get(prm, "DTMFConfiguration");

	err = param_ms(run, fparam_get(dtmf, "InterdigitTimeLimitSeconds"),
		       INTERDIGIT_DEF_S, INTERDIGIT_MAX_S,
		       &spec->interdigit_ms);
	if (err) {
		action_warn(run, act, "InterdigitTimeLimitSeconds: not 0-%u seconds",
		     INTERDIGIT_MAX_S);
		goto out;
	}
	if (!spec->interdigit_ms)
		spec->interdigit_ms = INTERDIGIT_DEF_S * 1000;

	spec->disable_cancel = aparam_bool(run,
					   fparam_get(dtmf,
						      "DisableCancelKey"),
					   false);

	err = aparam_dup_opt(run, fparam_get(dtmf, "InputTerminationSequence"),
			&term);
	if (err)
		goto out;
	if (!term || !term[0]) {
		strcpy(spec->terminator, "#");
	}
	else if (term_valid(term)) {
		str_ncpy(spec->terminator, term, sizeof(spec->terminator));
	}
	else {
		action_warn(run, act, "InputTerminationSequence \"%s\": up to 5 of"
		     " 0-9 * #", term);
		err = EINVAL;
		goto out;
	}

	valid = fparam_get(prm, "InputValidation");
	custom = fparam_get(valid, "CustomValidation");
	err = aparam_uint(run, fparam_get(custom, "MaximumLength"),
			  STORE_MAX_DEF, COLLECT_MAX_DIGITS, &maxlen);
	if (err) {
		action_warn(run, act, "MaximumLength: not 1-%u", COLLECT_MAX_DIGITS);
		goto out;
	}
	spec->max_digits = maxlen ? maxlen : STORE_MAX_DEF;

 out:
	mem_deref(term);
	return err;
}


/* Set touchtone buffer behavior: GetParticipantInput with
 * EnableDTMFBuffer. Stop and clear may store what was typed. */
static int touchtone_buffer(struct frun *run, const struct flow_action *act)
{
	struct cdata *cd = frun_cdata(run);
	char keys[CDATA_DTMF_BUFFER + 1];
	char *ct = NULL;
	int err = 0;

	if (aparam_bool(run, fparam_get(&act->params, "EnableDTMFBuffer"),
			false)) {
		cd->dtmf.on = true;
		frun_done(run, 0);
		return 0;
	}

	(void)cdata_dtmf_take(cd, keys, CDATA_DTMF_BUFFER);
	cdata_dtmf_clear(cd);

	if (aparam_bool(run, fparam_get(&act->params, "StoreInput"), false)) {
		frun_note_input(run, keys, true);
		if (fparam_get(&act->params, "InputEncryption")) {
			if (input_encrypt(&ct, run, act, keys)) {
				frun_done_error(run, "NoMatchingError");
				goto out;
			}
			err = cdata_set_str(&cd->stored_input, ct);
		}
		else {
			err = cdata_set_str(&cd->stored_input, keys);
		}
		if (err)
			goto out;
	}

	frun_done(run, 0);

 out:
	memset(keys, 0, sizeof(keys));
	mem_deref(ct);
	return err;
}


/*
 * Keys typed ahead serve the input first: a menu takes one; a stored
 * entry takes what it can use. True when they completed the input (the
 * result is applied); false when the port must collect the rest (a
 * stored entry still open: spec->prefill holds what was typed).
 */
static bool typed_ahead(struct frun *run, const struct flow_action *act,
			struct fcollect *spec, char *used, size_t usz)
{
	struct cdata *cd = frun_cdata(run);
	struct collector c;
	enum collect_state st = COLLECT_WAITING;
	size_t n = 0;
	int err;

	used[0] = '\0';
	if (!cd->dtmf.on || !cd->dtmf.n)
		return false;

	collector_init(&c, spec);
	while (st != COLLECT_DONE && n + 1 < usz &&
	       cdata_dtmf_take(cd, used + n, 1))
		st = collector_key(&c, used[n++]);
	used[n] = '\0';

	frun_note(run, st == COLLECT_DONE ?
		  "input from the touchtone buffer" :
		  "touchtone buffer used; the rest collected");
	if (st != COLLECT_DONE) {
		spec->prefill = used;
		return false;
	}

	err = act_input_result(run, act, c.status, c.digits);
	if (err)
		frun_done_error(run, "NoMatchingError");
	return true;
}


int act_get_participant_input(struct frun *run, const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	struct fprompt p = { .kind = FPROMPT_NONE };
	struct fcollect spec;
	char *text = NULL;
	char used[COLLECT_MAX_DIGITS + 1];
	int err;

	if (fparam_get(&act->params, "EnableDTMFBuffer"))
		return touchtone_buffer(run, act);

	err = aparam_prompt(run, &act->params, &p, &text);
	if (err)
		goto out;

	err = input_spec(run, act, &spec);
	if (err) {
		note_prompt(run, &p);
		goto out;
	}

	/* keys typed ahead answer without the prompt */
	if (typed_ahead(run, act, &spec, used, sizeof(used)))
		goto out;
	/* the rest of a typed-ahead entry: no prompt, inter-digit wait */
	if (spec.prefill) {
		p.kind = FPROMPT_NONE;
		p.text = NULL;
	}
	note_prompt(run, &p);

	if (!env->ops || !env->ops->collect) {
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	/* the port completes with frun_input(): act_input_result() */
	err = env->ops->collect(run, &p, &spec, env->ops_arg);

 out:
	memset(used, 0, sizeof(used));
	mem_deref(text);
	return err;
}


/*
 * Phone number entry. Country calling codes and the length of the
 * national significant number for the common countries; trunk: a leading
 * national trunk prefix '0' that is dropped in the international form.
 */
struct country {
	const char *iso;
	const char *cc;
	bool trunk0;
	uint8_t min, max;
};

static const struct country countries[] = {
	{"GB", "44",  true,  9, 10}, {"IE", "353", true,  7,  9},
	{"FR", "33",  true,  9,  9}, {"DE", "49",  true,  6, 13},
	{"ES", "34",  false, 9,  9}, {"IT", "39",  false, 6, 11},
	{"NL", "31",  true,  9,  9}, {"BE", "32",  true,  8,  9},
	{"CH", "41",  true,  9,  9}, {"AT", "43",  true,  4, 13},
	{"SE", "46",  true,  6, 10}, {"NO", "47",  false, 8,  8},
	{"DK", "45",  false, 8,  8}, {"FI", "358", true,  5, 12},
	{"PT", "351", false, 9,  9}, {"PL", "48",  false, 9,  9},
	{"AU", "61",  true,  9,  9}, {"NZ", "64",  true,  8, 10},
	{"JP", "81",  true,  9, 10}, {"KR", "82",  true,  8, 10},
	{"CN", "86",  true,  9, 11}, {"HK", "852", false, 8,  8},
	{"SG", "65",  false, 8,  8}, {"IN", "91",  true, 10, 10},
	{"PH", "63",  true,  8, 10}, {"IL", "972", true,  8,  9},
	{"AE", "971", true,  8,  9}, {"ZA", "27",  true,  9,  9},
	{"MX", "52",  false, 10, 10}, {"BR", "55", true, 10, 11},
};


static bool all_digits(const char *s)
{
	return s[0] && strspn(s, "0123456789") == strlen(s);
}


/* NANP (US, CA): NPA-NXX-XXXX, a leading 1 allowed. */
static int phone_nanp(char *out, size_t sz, const char *d)
{
	size_t n = strlen(d);

	if (n == 11 && d[0] == '1') {
		++d;
		--n;
	}

	if (n != 10 || d[0] < '2' || d[3] < '2')
		return EINVAL;

	return re_snprintf(out, sz, "+1%s", d) < 0 ? EINVAL : 0;
}


/* A national number typed on the keypad -> E.164 in out. */
static int phone_local(char *out, size_t sz, const char *d, const char *iso)
{
	const struct country *c = NULL;
	size_t i, n;

	if (!str_casecmp(iso, "US") || !str_casecmp(iso, "CA"))
		return phone_nanp(out, sz, d);

	for (i = 0; i < ARRAY_SIZE(countries); i++) {
		if (!str_casecmp(iso, countries[i].iso)) {
			c = &countries[i];
			break;
		}
	}
	if (!c)
		return ENOENT;

	if (c->trunk0 && d[0] == '0')
		++d;

	/* after a trunk 0 another 0 would be an international prefix */
	n = strlen(d);
	if (n < c->min || n > c->max || (c->trunk0 && d[0] == '0'))
		return EINVAL;

	if (re_snprintf(out, sz, "+%s%s", c->cc, d) < 0)
		return EINVAL;

	return util_is_e164(out) ? 0 : EINVAL;
}


/*
 * Validate stored input per InputValidation.PhoneNumberValidation and
 * give the value to store (out, >= 24 bytes). No phone validation:
 * stored as typed.
 */
static int input_validate(struct frun *run, const struct flow_action *act,
			  const char *digits, char *out, size_t sz)
{
	const struct fparam *phone;
	char *fmt = NULL, *iso = NULL;
	int err;

	phone = fparam_get(fparam_get(&act->params, "InputValidation"),
			   "PhoneNumberValidation");
	if (!phone) {
		str_ncpy(out, digits, sz);
		return 0;
	}

	err  = aparam_dup_opt(run, fparam_get(phone, "NumberFormat"), &fmt);
	err |= aparam_dup_opt(run, fparam_get(phone, "CountryCode"), &iso);
	if (err) {
		err = ENOMEM;
		goto out;
	}

	if (!all_digits(digits)) {
		err = EINVAL;
		goto out;
	}

	if (fmt && !str_casecmp(fmt, "Local")) {
		if (!iso || !iso[0]) {
			action_warn(run, act,
			     "Local phone number without CountryCode");
			err = EINVAL;
			goto out;
		}
		err = phone_local(out, sz, digits, iso);
		if (err == ENOENT)
			action_warn(run, act, "CountryCode \"%s\" not known", iso);
	}
	else {
		/* E164: the keypad has no '+' */
		if (digits[0] == '0' ||
		    re_snprintf(out, sz, "+%s", digits) < 0 ||
		    !util_is_e164(out))
			err = EINVAL;
	}

 out:
	mem_deref(fmt);
	mem_deref(iso);
	return err;
}


int act_input_result(struct frun *run, const struct flow_action *act,
		     enum fcollect_status st, const char *digits)
{
	struct cdata *cd = frun_cdata(run);
	char val[COLLECT_MAX_DIGITS + 8];
	char *ct = NULL;
	bool store;
	int err;

	store = aparam_bool(run, fparam_get(&act->params, "StoreInput"),
			    false);

	if (st != FCOLLECT_OK || !digits) {
		if (!store) {
			frun_done_error(run, "InputTimeLimitExceeded");
			return 0;
		}
		/* Store customer input without input: Connect takes Success
		 * and stores "Timeout" for a Check contact attributes */
		frun_note(run, "no input: stored \"Timeout\"");
		err = cdata_set_str(&cd->stored_input, "Timeout");
		if (err)
			return err;
		frun_done(run, 0);
		return 0;
	}

	frun_note_input(run, digits, store);

	if (!store) {
		/* conditions choose the branch on the key pressed */
		frun_done_value(run, digits);
		return 0;
	}

	if (input_validate(run, act, digits, val, sizeof(val))) {
		frun_done_error(run, "InvalidPhoneNumber");
		err = 0;
		goto out;
	}

	/* encrypted input is stored as ciphertext only, never in clear */
	if (fparam_get(&act->params, "InputEncryption")) {
		if (input_encrypt(&ct, run, act, val)) {
			frun_done_error(run, "NoMatchingError");
			err = 0;
			goto out;
		}
		err = cdata_set_str(&cd->stored_input, ct);
	}
	else {
		err = cdata_set_str(&cd->stored_input, val);
	}
	if (err)
		goto out;

	frun_done(run, 0);

 out:
	memset(val, 0, sizeof(val));
	mem_deref(ct);
	return err;
}


int act_message_participant_iteratively(struct frun *run,
					const struct flow_action *act)
{
	const struct fenv *env = frun_env(run);
	const struct fparam *msgs;
	struct fprompt pv[LOOP_MAX_MESSAGES];
	char *textv[LOOP_MAX_MESSAGES] = {0};
	uint32_t interrupt_ms = 0;
	size_t i, pc = 0;
	int err = 0;

	msgs = fparam_get(&act->params, "Messages");
	if (!msgs || msgs->kind != FP_ARR || !msgs->n) {
		action_warn(run, act,
		     "MessageParticipantIteratively without Messages");
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	for (i = 0; i < msgs->n && pc < LOOP_MAX_MESSAGES; i++) {
		memset(&pv[pc], 0, sizeof(pv[pc]));
		err = aparam_prompt(run, &msgs->v[i], &pv[pc], &textv[pc]);
		if (err)
			goto out;
		if (pv[pc].kind == FPROMPT_NONE) {
			textv[pc] = mem_deref(textv[pc]);
			continue;
		}
		note_prompt(run, &pv[pc]);
		frun_note_message(run, pv[pc].text);
		++pc;
	}

	if (!pc) {
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	err = param_ms(run, fparam_get(&act->params,
				       "InterruptFrequencySeconds"),
		       0, INTERRUPT_MAX_S, &interrupt_ms);
	if (err) {
		action_warn(run, act,
		     "InterruptFrequencySeconds: not a number of seconds");
		goto out;
	}

	if (!env->ops || !env->ops->play_loop) {
		frun_done_error(run, "NoMatchingError");
		goto out;
	}

	/*
	 * The port loops until stopped, or finishes with frun_done(run, 0)
	 * after interrupt_ms: the action table's done_value turns that
	 * into "MessagesInterrupted".
	 */
	err = env->ops->play_loop(run, pv, pc, interrupt_ms, env->ops_arg);

 out:
	for (i = 0; i < LOOP_MAX_MESSAGES; i++)
		mem_deref(textv[i]);
	return err;
}

