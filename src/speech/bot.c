/**
 * @file bot.c  Loading a Lex V2 bot locale from its export: BotLocale.json,
 * Intents/<name>/Intent.json, Intents/<name>/Slots/<slot>/Slot.json and
 * SlotTypes/<name>/SlotType.json, as Lex writes them (camelCase keys,
 * nulls for what is unset). Unknown keys are ignored: exports grow.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <callflowd/core/libre.h>
#include <callflowd/speech/bot.h>
#include "speech_priv.h"

enum {
	MAX_INTENTS = 256,
	MAX_SLOTS = 32,
	MAX_TYPES = 256,
	DEFAULT_RETRIES = 2,
};

struct lctx {
	struct bot *bot;
	char *err;
	size_t errsz;
};


static int fail(struct lctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct lctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err && c->errsz) {
		va_start(ap, fmt);
		(void)vsnprintf(c->err, c->errsz, fmt, ap);
		va_end(ap);
	}
	return EBADMSG;
}


static void strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		mem_deref(v[i]);
	mem_deref(v);
}


static void bot_destructor(void *arg)
{
	struct bot *bot = arg;
	size_t i, j, k;

	for (i = 0; i < bot->intentc; i++) {
		struct bot_intent *in = &bot->intents[i];

		mem_deref(in->name);
		strv_free(in->utterances, in->uttc);
		for (j = 0; j < in->slotc; j++) {
			struct bot_slot *s = &in->slots[j];

			mem_deref(s->name);
			strv_free(s->prompts, s->promptc);
			strv_free(s->utterances, s->uttc);
		}
		mem_deref(in->slots);
	}
	mem_deref(bot->intents);

	for (i = 0; i < bot->typec; i++) {
		struct bot_type *t = &bot->types[i];

		mem_deref(t->name);
		mem_deref(t->regex);
		for (j = 0; j < t->valuec; j++) {
			mem_deref(t->values[j].value);
			for (k = 0; k < t->values[j].sync; k++)
				mem_deref(t->values[j].synonyms[k]);
			mem_deref(t->values[j].synonyms);
		}
		mem_deref(t->values);
	}
	mem_deref(bot->types);
	mem_deref(bot->name);
	mem_deref(bot->locale);
}


static int strv_push(char ***vp, size_t *np, const char *s)
{
	char **v = mem_reallocarray(*vp, *np + 1, sizeof(*v), NULL);
	int err;

	if (!v)
		return ENOMEM;
	*vp = v;
	v[*np] = NULL;
	err = str_dup(&v[*np], s);
	if (err)
		return err;
	++*np;
	return 0;
}


static json_t *load_json(struct lctx *c, const char *path)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);

	if (!j) {
		fail(c, "%s: line %d: %s", path, jerr.line, jerr.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		fail(c, "%s: expected a JSON object", path);
		return NULL;
	}
	return j;
}


static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}


static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}


/* Names of the sub-folders of dir, sorted (exports come unordered). */
static int subdirs(char ***vp, size_t *np, const char *dir)
{
	struct dirent *de;
	DIR *d;
	int err = 0;

	*vp = NULL;
	*np = 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : errno;

	while ((de = readdir(d)) && !err) {
		char path[1024];

		if (de->d_name[0] == '.')
			continue;
		(void)re_snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (is_dir(path))
			err = strv_push(vp, np, de->d_name);
	}
	closedir(d);

	if (!err && *np > 1) {
		size_t i, j;

		for (i = 1; i < *np; i++) {
			for (j = i; j > 0 && strcmp((*vp)[j - 1],
						    (*vp)[j]) > 0; j--) {
				char *t = (*vp)[j];

				(*vp)[j] = (*vp)[j - 1];
				(*vp)[j - 1] = t;
			}
		}
	}
	return err;
}


static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}


/* The text of each message of a messageGroupsList (plain or SSML). */
static int prompts_parse(char ***vp, size_t *np, const json_t *spec)
{
	const json_t *groups = json_object_get(spec, "messageGroupsList");
	const json_t *g;
	size_t i;
	int err = 0;

	if (!groups)
		groups = json_object_get(spec, "messageGroups");

	json_array_foreach(groups, i, g) {
		const json_t *m = json_object_get(g, "message");
		const char *s;

		s = jstr(json_object_get(m, "plainTextMessage"), "value");
		if (!s)
			s = jstr(json_object_get(m, "ssmlMessage"), "value");
		if (s && *s)
			err = strv_push(vp, np, s);
		if (err)
			break;
	}
	return err;
}


static int utterances_parse(char ***vp, size_t *np, const json_t *arr)
{
	const json_t *u;
	size_t i;
	int err = 0;

	json_array_foreach(arr, i, u) {
		const char *s = json_is_string(u) ? json_string_value(u) :
			jstr(u, "utterance");

		if (s && *s)
			err = strv_push(vp, np, s);
		if (err)
			break;
	}
	return err;
}


static const struct {
	const char *name;
	enum bot_kind kind;
} builtins[] = {
	{"AMAZON.Number",	BOT_NUMBER},
	{"AMAZON.AlphaNumeric",	BOT_ALNUM},
	{"AMAZON.Date",		BOT_DATE},
	{"AMAZON.Confirmation",	BOT_CONFIRM},
};


static enum bot_kind builtin_kind(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(builtins); i++) {
		if (!strcmp(builtins[i].name, name))
			return builtins[i].kind;
	}
	/* AMAZON.FirstName, AMAZON.City, AMAZON.FreeFormInput, ... */
	return BOT_FREE;
}


static struct bot_type *type_find(struct bot *bot, const char *name)
{
	size_t i;

	for (i = 0; i < bot->typec; i++) {
		if (!strcmp(bot->types[i].name, name))
			return &bot->types[i];
	}
	return NULL;
}


static int type_add(struct bot_type **tp, struct bot *bot, const char *name)
{
	/* one block, never moved: slots point into it */
	if (!bot->types) {
		bot->types = mem_zalloc(MAX_TYPES * sizeof(*bot->types),
					NULL);
		if (!bot->types)
			return ENOMEM;
	}
	if (bot->typec >= MAX_TYPES)
		return EOVERFLOW;
	*tp = &bot->types[bot->typec++];
	return str_dup(&(*tp)->name, name);
}


static int value_parse(struct bot_type *t, const json_t *jv)
{
	const char *sample = jstr(json_object_get(jv, "sampleValue"),
				  "value");
	struct bot_value *bv;
	const json_t *syn;
	size_t i;
	int err;

	if (!sample || !*sample)
		return 0;

	bv = mem_reallocarray(t->values, t->valuec + 1, sizeof(*bv), NULL);
	if (!bv)
		return ENOMEM;
	t->values = bv;
	bv = &bv[t->valuec++];
	memset(bv, 0, sizeof(*bv));
	err = str_dup(&bv->value, sample);

	json_array_foreach(json_object_get(jv, "synonyms"), i, syn) {
		const char *s = jstr(syn, "value");

		if (err)
			break;
		if (s && *s)
			err = strv_push(&bv->synonyms, &bv->sync, s);
	}
	return err;
}


static int slottype_load(struct lctx *c, const char *dir, const char *name)
{
	char path[1024];
	const json_t *vals, *jv, *vss;
	struct bot_type *t;
	const char *parent, *strategy, *re;
	json_t *j;
	size_t i;
	int err;

	(void)re_snprintf(path, sizeof(path), "%s/%s/SlotType.json", dir, name);
	if (!is_file(path))
		return 0;
	j = load_json(c, path);
	if (!j)
		return EBADMSG;

	err = type_add(&t, c->bot, jstr(j, "name") ? jstr(j, "name") : name);
	if (err)
		goto out;

	parent = jstr(j, "parentSlotTypeSignature");
	t->kind = parent ? builtin_kind(parent) : BOT_CUSTOM;

	vals = json_object_get(j, "slotTypeValues");
	json_array_foreach(vals, i, jv) {
		err = value_parse(t, jv);
		if (err)
			goto out;
	}

	vss = json_object_get(j, "valueSelectionSetting");
	strategy = jstr(vss, "resolutionStrategy");
	t->top_resolution = strategy && (!strcasecmp(strategy,
						     "TOP_RESOLUTION") ||
					 !strcasecmp(strategy,
						     "TopResolution"));
	re = jstr(json_object_get(vss, "regexFilter"), "pattern");
	if (re && *re)
		err = str_dup(&t->regex, re);

	if (!err && t->kind == BOT_CUSTOM && !t->valuec)
		err = fail(c, "%s: a custom slot type without values", path);
 out:
	json_decref(j);
	return err;
}


static int slot_load(struct lctx *c, struct bot_slot *s, const char *dir,
		     const char *name)
{
	char path[1024];
	const json_t *ves, *spec;
	const char *tname, *cons;
	struct bot_type *t;
	json_t *j;
	int err;

	(void)re_snprintf(path, sizeof(path), "%s/%s/Slot.json", dir, name);
	j = load_json(c, path);
	if (!j)
		return EBADMSG;

	err = str_dup(&s->name, jstr(j, "name") ? jstr(j, "name") : name);
	if (err)
		goto out;

	tname = jstr(j, "slotTypeName");
	if (!tname) {
		err = fail(c, "%s: no slotTypeName", path);
		goto out;
	}
	t = type_find(c->bot, tname);
	if (!t) {
		if (strncmp(tname, "AMAZON.", 7)) {
			err = fail(c, "%s: slot type \"%s\" is not in the "
				   "export's SlotTypes", path, tname);
			goto out;
		}
		err = type_add(&t, c->bot, tname);
		if (err)
			goto out;
		t->kind = builtin_kind(tname);
	}
	s->type = t;

	ves = json_object_get(j, "valueElicitationSetting");
	cons = jstr(ves, "slotConstraint");
	s->required = cons && !strcasecmp(cons, "Required");
	spec = json_object_get(ves, "promptSpecification");
	s->max_retries = DEFAULT_RETRIES;
	if (json_is_integer(json_object_get(spec, "maxRetries")))
		s->max_retries = (uint32_t)json_integer_value(
			json_object_get(spec, "maxRetries"));
	err = prompts_parse(&s->prompts, &s->promptc, spec);
	if (!err)
		err = utterances_parse(&s->utterances, &s->uttc,
				       json_object_get(ves,
						       "sampleUtterances"));
	if (!err && s->required && !s->promptc)
		err = fail(c, "%s: a required slot without a prompt", path);
 out:
	json_decref(j);
	return err;
}


static uint32_t slot_priority(const json_t *prios, const char *name)
{
	const json_t *p;
	size_t i;

	json_array_foreach(prios, i, p) {
		const char *n = jstr(p, "slotName");

		if (n && !strcmp(n, name) &&
		    json_is_integer(json_object_get(p, "priority")))
			return (uint32_t)json_integer_value(
				json_object_get(p, "priority"));
	}
	return UINT32_MAX;
}


static int intent_load(struct lctx *c, struct bot_intent *in,
		       const char *dir, const char *name)
{
	char path[1024], sdir[1024];
	const char *parent;
	char **names = NULL;
	size_t i, j, n = 0;
	json_t *jn;
	int err;

	(void)re_snprintf(path, sizeof(path), "%s/%s/Intent.json", dir, name);
	jn = load_json(c, path);
	if (!jn)
		return EBADMSG;

	err = str_dup(&in->name, jstr(jn, "name") ? jstr(jn, "name") : name);
	if (err)
		goto out;
	parent = jstr(jn, "parentIntentSignature");
	in->fallback = parent && !strcmp(parent, "AMAZON.FallbackIntent");

	err = utterances_parse(&in->utterances, &in->uttc,
			       json_object_get(jn, "sampleUtterances"));
	if (err)
		goto out;

	(void)re_snprintf(sdir, sizeof(sdir), "%s/%s/Slots", dir, name);
	err = subdirs(&names, &n, sdir);
	if (err)
		goto out;
	if (n > MAX_SLOTS) {
		err = fail(c, "%s: more than %d slots", path, MAX_SLOTS);
		goto out;
	}
	in->slots = mem_zalloc((n ? n : 1) * sizeof(*in->slots), NULL);
	if (!in->slots) {
		err = ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !err; i++) {
		err = slot_load(c, &in->slots[i], sdir, names[i]);
		in->slotc = i + 1;
		if (!err)
			in->slots[i].priority = slot_priority(
				json_object_get(jn, "slotPriorities"),
				in->slots[i].name);
	}
	if (err)
		goto out;

	/* elicitation order: slotPriorities, then by name */
	for (i = 1; i < in->slotc; i++) {
		for (j = i; j > 0 && in->slots[j - 1].priority >
			     in->slots[j].priority; j--) {
			struct bot_slot t = in->slots[j];

			in->slots[j] = in->slots[j - 1];
			in->slots[j - 1] = t;
		}
	}
 out:
	strv_free(names, n);
	json_decref(jn);
	return err;
}


/* The locale folder under dir for locale (or the first). */
static int locale_dir(struct lctx *c, char *out, size_t sz, const char *dir,
		      const char *locale)
{
	char path[1024], **names = NULL;
	size_t n = 0, i;
	int err;

	(void)re_snprintf(path, sizeof(path), "%s/BotLocale.json", dir);
	if (is_file(path)) {
		(void)re_snprintf(out, sz, "%s", dir);
		return 0;
	}

	(void)re_snprintf(path, sizeof(path), "%s/BotLocales", dir);
	if (!is_dir(path)) {
		/* an unzipped export: manifest.json and one bot folder */
		err = subdirs(&names, &n, dir);
		if (err)
			return err;
		for (i = 0; i < n; i++) {
			(void)re_snprintf(path, sizeof(path), "%s/%s/BotLocales",
				       dir, names[i]);
			if (is_dir(path))
				break;
		}
		strv_free(names, n);
		names = NULL;
		if (i == n)
			return fail(c, "%s: not a Lex V2 export (no "
				    "BotLocales folder)", dir);
	}

	err = subdirs(&names, &n, path);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		if (!locale || !strcmp(names[i], locale))
			break;
	}
	if (i == n) {
		strv_free(names, n);
		return fail(c, "%s: no locale %s", path,
			    locale ? locale : "at all");
	}
	(void)re_snprintf(out, sz, "%s/%s", path, names[i]);
	strv_free(names, n);
	return 0;
}


static int fallback_add(struct bot *bot)
{
	struct bot_intent *v;
	size_t i;

	for (i = 0; i < bot->intentc; i++) {
		if (bot->intents[i].fallback) {
			bot->fallback = &bot->intents[i];
			return 0;
		}
	}

	/* every Lex V2 locale has one; an export without it gets it */
	v = mem_reallocarray(bot->intents, bot->intentc + 1, sizeof(*v),
			     NULL);
	if (!v)
		return ENOMEM;
	bot->intents = v;
	memset(&v[bot->intentc], 0, sizeof(*v));
	v[bot->intentc].fallback = true;
	bot->fallback = &v[bot->intentc];
	++bot->intentc;
	return str_dup(&bot->intents[bot->intentc - 1].name, "FallbackIntent");
}


int bot_load(struct bot **botp, const char *dir, const char *locale,
	     char *err, size_t errsz)
{
	struct lctx c = {NULL, err, errsz};
	char ldir[1024], path[1200];
	char **names = NULL;
	size_t n = 0, i;
	struct bot *bot;
	json_t *jl = NULL;
	int e;

	if (!botp || !dir)
		return EINVAL;
	if (err && errsz)
		err[0] = '\0';

	bot = mem_zalloc(sizeof(*bot), bot_destructor);
	if (!bot)
		return ENOMEM;
	c.bot = bot;

	e = locale_dir(&c, ldir, sizeof(ldir), dir, locale);
	if (e)
		goto out;

	(void)re_snprintf(path, sizeof(path), "%s/BotLocale.json", ldir);
	bot->threshold = 0.4;
	if (is_file(path)) {
		jl = load_json(&c, path);
		if (!jl) {
			e = EBADMSG;
			goto out;
		}
		if (json_is_number(json_object_get(jl,
						    "nluConfidenceThreshold")))
			bot->threshold = json_number_value(
				json_object_get(jl, "nluConfidenceThreshold"));
	}
	e = str_dup(&bot->locale, jl && jstr(jl, "identifier") ?
		    jstr(jl, "identifier") : (locale ? locale : "en_US"));
	if (!e)
		e = str_dup(&bot->name, dir);
	if (e)
		goto out;

	/* slot types first: slots refer to them */
	(void)re_snprintf(path, sizeof(path), "%s/SlotTypes", ldir);
	e = subdirs(&names, &n, path);
	for (i = 0; i < n && !e; i++)
		e = slottype_load(&c, path, names[i]);
	strv_free(names, n);
	names = NULL;
	if (e)
		goto out;

	(void)re_snprintf(path, sizeof(path), "%s/Intents", ldir);
	e = subdirs(&names, &n, path);
	if (e)
		goto out;
	if (n > MAX_INTENTS) {
		e = fail(&c, "%s: more than %d intents", path, MAX_INTENTS);
		goto out;
	}
	bot->intents = mem_zalloc((n + 1) * sizeof(*bot->intents), NULL);
	if (!bot->intents) {
		e = ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !e; i++) {
		e = intent_load(&c, &bot->intents[i], path, names[i]);
		bot->intentc = i + 1;
	}
	if (!e && !bot->intentc)
		e = fail(&c, "%s: no intents", path);
	if (!e)
		e = fallback_add(bot);

 out:
	strv_free(names, n);
	json_decref(jl);
	if (e == ENOMEM)
		fail(&c, "%s: out of memory", dir);
	if (e)
		mem_deref(bot);
	else
		*botp = bot;
	return e;
}


const struct bot_intent *bot_intent(const struct bot *bot, const char *name)
{
	size_t i;

	if (!bot || !name)
		return NULL;
	for (i = 0; i < bot->intentc; i++) {
		if (!strcmp(bot->intents[i].name, name))
			return &bot->intents[i];
	}
	return NULL;
}


const struct bot_slot *bot_slot(const struct bot_intent *in, const char *name)
{
	size_t i;

	if (!in || !name)
		return NULL;
	for (i = 0; i < in->slotc; i++) {
		if (!strcmp(in->slots[i].name, name))
			return &in->slots[i];
	}
	return NULL;
}
