/**
 * @file voices.c  Polly voice and language tables. espeak-ng has one voice
 * per language; gender comes from its variants (+f3 female, +m3 male).
 * Languages espeak-ng lacks map to the nearest one it has (en-AU, en-IN
 * -> British English; fr-CA -> French).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <callflowd/media/voices.h>

struct lang {
	const char *code;	/* BCP-47 as Polly spells it */
	const char *espeak;
};

struct voice {
	const char *name;
	const char *lang;
	bool female;
};

/* first entry of a primary language is its default ("en" -> en-US) */
static const struct lang langs[] = {
	{ "en-US", "en-us" },  { "en-GB", "en" },  { "en-AU", "en" },
	{ "en-IN", "en" },  { "en-NZ", "en" },  { "en-ZA", "en" },
	{ "en-IE", "en" },  { "en-GB-WLS", "en" }, { "en-SG", "en" },
	{ "es-US", "es-419" }, { "es-MX", "es-419" }, { "es-ES", "es" },
	{ "fr-FR", "fr" },     { "fr-CA", "fr" },  { "fr-BE", "fr-be" },
	{ "de-DE", "de" },     { "de-AT", "de" },     { "de-CH", "de" },
	{ "it-IT", "it" },     { "pt-BR", "pt-br" },  { "pt-PT", "pt" },
	{ "ja-JP", "ja" },     { "ko-KR", "ko" },     { "cmn-CN", "cmn" },
	{ "yue-CN", "yue" },   { "nl-NL", "nl" },     { "nl-BE", "nl" },
	{ "da-DK", "da" },     { "nb-NO", "nb" },     { "pl-PL", "pl" },
	{ "ru-RU", "ru" },     { "sv-SE", "sv" },     { "tr-TR", "tr" },
	{ "ro-RO", "ro" },     { "is-IS", "is" },     { "cy-GB", "cy" },
	{ "arb", "ar" },       { "ar-AE", "ar" },     { "hi-IN", "hi" },
	{ "fi-FI", "fi" },     { "ca-ES", "ca" },
};

static const struct voice voices[] = {
	/* en-US */
	{ "Joanna", "en-US", true },   { "Salli", "en-US", true },
	{ "Kendra", "en-US", true },   { "Kimberly", "en-US", true },
	{ "Ivy", "en-US", true },      { "Ruth", "en-US", true },
	{ "Danielle", "en-US", true },
	{ "Matthew", "en-US", false }, { "Joey", "en-US", false },
	{ "Justin", "en-US", false },  { "Kevin", "en-US", false },
	{ "Stephen", "en-US", false }, { "Gregory", "en-US", false },
	{ "Patrick", "en-US", false },
	/* other English */
	{ "Amy", "en-GB", true },      { "Emma", "en-GB", true },
	{ "Brian", "en-GB", false },   { "Arthur", "en-GB", false },
	{ "Nicole", "en-AU", true },   { "Olivia", "en-AU", true },
	{ "Russell", "en-AU", false },
	{ "Raveena", "en-IN", true },  { "Aditi", "en-IN", true },
	{ "Kajal", "en-IN", true },
	{ "Aria", "en-NZ", true },     { "Ayanda", "en-ZA", true },
	{ "Niamh", "en-IE", true },    { "Geraint", "en-GB-WLS", false },
	{ "Jasmine", "en-SG", true },
	/* Spanish */
	{ "Lupe", "es-US", true },     { "Penelope", "es-US", true },
	{ "Miguel", "es-US", false },  { "Pedro", "es-US", false },
	{ "Mia", "es-MX", true },      { "Andres", "es-MX", false },
	{ "Lucia", "es-ES", true },    { "Conchita", "es-ES", true },
	{ "Enrique", "es-ES", false }, { "Sergio", "es-ES", false },
	/* French */
	{ "Celine", "fr-FR", true },   { "Lea", "fr-FR", true },
	{ "Mathieu", "fr-FR", false }, { "Remi", "fr-FR", false },
	{ "Chantal", "fr-CA", true },  { "Gabrielle", "fr-CA", true },
	{ "Liam", "fr-CA", false },    { "Isabelle", "fr-BE", true },
	/* German */
	{ "Marlene", "de-DE", true },  { "Vicki", "de-DE", true },
	{ "Hans", "de-DE", false },    { "Daniel", "de-DE", false },
	{ "Hannelore", "de-AT", true }, { "Sabrina", "de-CH", true },
	/* Italian, Portuguese */
	{ "Carla", "it-IT", true },    { "Bianca", "it-IT", true },
	{ "Giorgio", "it-IT", false }, { "Adriano", "it-IT", false },
	{ "Camila", "pt-BR", true },   { "Vitoria", "pt-BR", true },
	{ "Ricardo", "pt-BR", false }, { "Thiago", "pt-BR", false },
	{ "Ines", "pt-PT", true },     { "Cristiano", "pt-PT", false },
	/* Asian */
	{ "Mizuki", "ja-JP", true },   { "Takumi", "ja-JP", false },
	{ "Kazuha", "ja-JP", true },   { "Tomoko", "ja-JP", true },
	{ "Seoyeon", "ko-KR", true },  { "Zhiyu", "cmn-CN", true },
	{ "Hiujin", "yue-CN", true },
	/* other European and Arabic */
	{ "Lotte", "nl-NL", true },    { "Laura", "nl-NL", true },
	{ "Ruben", "nl-NL", false },   { "Lisa", "nl-BE", true },
	{ "Naja", "da-DK", true },     { "Sofie", "da-DK", true },
	{ "Mads", "da-DK", false },    { "Liv", "nb-NO", true },
	{ "Ida", "nb-NO", true },      { "Ewa", "pl-PL", true },
	{ "Maja", "pl-PL", true },     { "Ola", "pl-PL", true },
	{ "Jacek", "pl-PL", false },   { "Jan", "pl-PL", false },
	{ "Tatyana", "ru-RU", true },  { "Maxim", "ru-RU", false },
	{ "Astrid", "sv-SE", true },   { "Elin", "sv-SE", true },
	{ "Filiz", "tr-TR", true },    { "Burcu", "tr-TR", true },
	{ "Carmen", "ro-RO", true },   { "Dora", "is-IS", true },
	{ "Karl", "is-IS", false },    { "Gwyneth", "cy-GB", true },
	{ "Zeina", "arb", true },      { "Hala", "ar-AE", true },
	{ "Zayd", "ar-AE", false },    { "Suvi", "fi-FI", true },
	{ "Arlet", "ca-ES", true },
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))


/* Fold the accented letters Polly names use (UTF-8) to ASCII. */
static void fold(char *out, size_t sz, const char *in)
{
	static const struct { const char *utf8; char ascii; } map[] = {
		{ "\xc3\xa9", 'e' }, { "\xc3\xa8", 'e' }, { "\xc3\xaa", 'e' },
		{ "\xc3\xb3", 'o' }, { "\xc3\xb4", 'o' }, { "\xc3\xa1", 'a' },
		{ "\xc3\xa2", 'a' }, { "\xc3\xad", 'i' }, { "\xc3\xba", 'u' },
		{ "\xc3\x89", 'E' }, { "\xc3\x93", 'O' },
	};
	size_t o = 0, i;

	while (*in && o + 1 < sz) {
		for (i = 0; i < ARRAY_LEN(map); i++) {
			if (!strncmp(in, map[i].utf8, 2)) {
				out[o++] = map[i].ascii;
				in += 2;
				break;
			}
		}
		if (i == ARRAY_LEN(map))
			out[o++] = *in++;
	}
	out[o] = '\0';
}


static const struct lang *lang_find(const char *code)
{
	size_t i, plen;

	if (!code || !*code)
		return NULL;

	for (i = 0; i < ARRAY_LEN(langs); i++)
		if (!strcasecmp(langs[i].code, code))
			return &langs[i];

	/* "fr" or "fr_FR": the first entry of that primary language */
	plen = strcspn(code, "-_");
	for (i = 0; i < ARRAY_LEN(langs); i++) {
		const char *c = langs[i].code;

		if (strlen(c) >= plen && !strncasecmp(c, code, plen) &&
		    (c[plen] == '-' || c[plen] == '\0'))
			return &langs[i];
	}

	return NULL;
}


static const struct voice *voice_find(const char *name)
{
	char folded[64];
	size_t i;

	if (!name || !*name)
		return NULL;

	fold(folded, sizeof(folded), name);
	for (i = 0; i < ARRAY_LEN(voices); i++)
		if (!strcasecmp(voices[i].name, folded))
			return &voices[i];

	return NULL;
}


static void fill(struct voice_sel *sel, const struct lang *l, bool female,
		 const char *name)
{
	(void)snprintf(sel->espeak, sizeof(sel->espeak), "%s+%s", l->espeak,
		       female ? "f3" : "m3");
	sel->language = l->code;
	sel->female = female;
	sel->name = name;
}


int voices_resolve(struct voice_sel *sel, const char *voice,
		   const char *language)
{
	const struct voice *v;
	const struct lang *l;
	int err = 0;

	if (!sel)
		return EINVAL;

	v = voice_find(voice);
	if (v) {
		fill(sel, lang_find(v->lang), v->female, v->name);
		return 0;
	}
	if (voice && *voice)
		err = ENOENT;

	l = lang_find(language);
	if (l) {
		fill(sel, l, true, NULL);
		return err;
	}
	if (language && *language)
		err = ENOENT;

	v = voice_find(VOICES_DEFAULT);
	fill(sel, lang_find(v->lang), v->female, v->name);

	return err;
}


size_t voices_count(void)
{
	return ARRAY_LEN(voices);
}


const char *voices_name(size_t i)
{
	return i < ARRAY_LEN(voices) ? voices[i].name : NULL;
}
