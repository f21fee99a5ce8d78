/**
 * @file speechconf.c  The "speech" section and the bot set: every bot of
 * the configuration loaded from its export under bots_dir and named by
 * the alias ARN flows use (arn:aws:lex:<region>:<account>:bot-alias/
 * <bot id>/<alias id>), its alias id, or its name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/speech/bot.h>
#include <callflowd/speech/speechconf.h>

#ifndef CFD_PS_MODEL_DIR
#define CFD_PS_MODEL_DIR "/usr/share/pocketsphinx/model/en-us"
#endif

enum {
	DEFAULT_MAX_RECOGNITIONS = 20,
	MAX_RECOGNITIONS = 1000,
};

struct botent {
	char *arn;
	char *name;		/* "path" as configured */
	struct bot *bot;
};

struct botset {
	struct botent *v;
	size_t n;
};


static void botset_destructor(void *arg)
{
	struct botset *bs = arg;
	size_t i;

	for (i = 0; i < bs->n; i++) {
		mem_deref(bs->v[i].arn);
		mem_deref(bs->v[i].name);
		mem_deref(bs->v[i].bot);
	}
	mem_deref(bs->v);
}


static int fail(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err && errsz) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return EINVAL;
}


static bool keys_ok(const json_t *o, const char *const *allowed,
		    const char **badp)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach((json_t *)o, key, v) {
		for (i = 0; allowed[i]; i++) {
			if (!strcmp(allowed[i], key))
				break;
		}
		if (!allowed[i]) {
			*badp = key;
			return false;
		}
	}
	return true;
}


int botset_alloc(struct botset **bsp, const char *bots_dir,
		 const void *json_bots, char *err, size_t errsz)
{
	static const char *const keys[] = {"alias_arn", "path", "locale",
		NULL};
	const json_t *arr = json_bots, *e;
	struct botset *bs;
	char lerr[512];
	size_t i;
	int r = 0;

	if (!bsp || !bots_dir)
		return EINVAL;

	bs = mem_zalloc(sizeof(*bs), botset_destructor);
	if (!bs)
		return ENOMEM;

	if (arr && !json_is_array(arr)) {
		r = fail(err, errsz, "speech.bots: expected a list");
		goto out;
	}
	bs->v = mem_zalloc((json_array_size(arr) + 1) * sizeof(*bs->v), NULL);
	if (!bs->v) {
		r = ENOMEM;
		goto out;
	}

	json_array_foreach(arr, i, e) {
		const char *arn = json_string_value(json_object_get(e,
								    "alias_arn"));
		const char *path = json_string_value(json_object_get(e,
								     "path"));
		const json_t *loc = json_object_get(e, "locale");
		const char *bad = NULL;
		char *dir = NULL;

		if (!json_is_object(e))
			r = fail(err, errsz, "speech.bots[%zu]: expected an "
				 "object", i);
		else if (!keys_ok(e, keys, &bad))
			r = fail(err, errsz, "speech.bots[%zu].%s: unknown key",
				 i, bad);
		else if (!arn || !*arn)
			r = fail(err, errsz, "speech.bots[%zu].alias_arn: "
				 "expected the bot alias ARN", i);
		else if (!path || !*path)
			r = fail(err, errsz, "speech.bots[%zu].path: expected "
				 "the export's folder", i);
		else if (loc && !json_is_string(loc))
			r = fail(err, errsz, "speech.bots[%zu].locale: "
				 "expected a locale such as en_US", i);
		else if (botset_find(bs, arn))
			r = fail(err, errsz, "speech.bots[%zu].alias_arn: "
				 "\"%s\" twice", i, arn);
		if (r)
			goto out;

		r = path[0] == '/' ? str_dup(&dir, path) :
			re_sdprintf(&dir, "%s/%s", bots_dir, path);
		if (!r)
			r = bot_load(&bs->v[bs->n].bot, dir,
				     json_string_value(loc), lerr,
				     sizeof(lerr));
		mem_deref(dir);
		if (r) {
			r = fail(err, errsz, "speech.bots[%zu]: %s", i,
				 lerr[0] ? lerr : strerror(r));
			goto out;
		}
		r  = str_dup(&bs->v[bs->n].arn, arn);
		r |= str_dup(&bs->v[bs->n].name, path);
		++bs->n;
		if (r) {
			r = ENOMEM;
			goto out;
		}
	}

 out:
	if (r)
		mem_deref(bs);
	else
		*bsp = bs;
	return r;
}


struct bot *botset_find(const struct botset *bs, const char *ref)
{
	const char *slash;
	size_t i;

	if (!bs || !ref || !*ref)
		return NULL;

	for (i = 0; i < bs->n; i++) {
		if (!strcmp(bs->v[i].arn, ref))
			return bs->v[i].bot;
	}
	/* the alias id (last element of the ARN), or the folder name */
	for (i = 0; i < bs->n; i++) {
		slash = strrchr(bs->v[i].arn, '/');
		if ((slash && !strcmp(slash + 1, ref)) ||
		    !strcasecmp(bs->v[i].name, ref))
			return bs->v[i].bot;
	}
	return NULL;
}


size_t botset_count(const struct botset *bs)
{
	return bs ? bs->n : 0;
}


static void speechconf_destructor(void *arg)
{
	struct speechconf *sc = arg;

	mem_deref(sc->bots_dir);
	mem_deref(sc->model_dir);
	mem_deref(sc->bots);
}


static int dir_member(char **dstp, const json_t *sec, const char *key,
		      const char *base, const char *def, char *err,
		      size_t errsz)
{
	const json_t *v = json_object_get(sec, key);
	const char *s = def;

	if (v && (!json_is_string(v) || !*json_string_value(v)))
		return fail(err, errsz, "speech.%s: expected a folder", key);
	if (v)
		s = json_string_value(v);
	if (s[0] == '/')
		return str_dup(dstp, s);
	return re_sdprintf(dstp, "%s/%s", base, s);
}


int speechconf_load(struct speechconf **scp, const struct config *cfg,
		    char *err, size_t errsz)
{
	static const char *const keys[] = {"bots_dir", "bots",
		"max_concurrent_recognitions", "model_dir", NULL};
	const json_t *sec, *v;
	struct speechconf *sc;
	const char *bad = NULL;
	int r;

	if (!scp || !cfg)
		return EINVAL;
	if (err && errsz)
		err[0] = '\0';

	sc = mem_zalloc(sizeof(*sc), speechconf_destructor);
	if (!sc)
		return ENOMEM;
	sc->max_recognitions = DEFAULT_MAX_RECOGNITIONS;

	sec = json_object_get(cfg->root, "speech");
	if (sec && !json_is_object(sec)) {
		r = fail(err, errsz, "speech: expected an object");
		goto out;
	}
	if (sec && !keys_ok(sec, keys, &bad)) {
		r = fail(err, errsz, "speech.%s: unknown key", bad);
		goto out;
	}

	r = dir_member(&sc->bots_dir, sec, "bots_dir", cfg->dir, "bots",
		       err, errsz);
	if (!r)
		r = dir_member(&sc->model_dir, sec, "model_dir", cfg->dir,
			       CFD_PS_MODEL_DIR, err, errsz);
	if (r)
		goto out;

	v = json_object_get(sec, "max_concurrent_recognitions");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > MAX_RECOGNITIONS) {
			r = fail(err, errsz, "speech.max_concurrent_"
				 "recognitions: expected 0-%d",
				 MAX_RECOGNITIONS);
			goto out;
		}
		sc->max_recognitions = (uint32_t)json_integer_value(v);
	}

	r = botset_alloc(&sc->bots, sc->bots_dir,
			 json_object_get(sec, "bots"), err, errsz);

 out:
	if (r)
		mem_deref(sc);
	else
		*scp = sc;
	return r;
}
