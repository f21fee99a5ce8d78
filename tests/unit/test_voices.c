/*
 * Polly voice names and language codes map to espeak-ng voices of the
 * same language and gender; unknown names fall back with ENOENT.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/media/voices.h>
#include "test.h"

struct expect {
	const char *voice;
	const char *espeak;
	const char *language;
};

static const struct expect cases[] = {
	{ "Joanna", "en-us+f3", "en-US" },   { "Salli", "en-us+f3", "en-US" },
	{ "Kendra", "en-us+f3", "en-US" },
	{ "Kimberly", "en-us+f3", "en-US" },
	{ "Ivy", "en-us+f3", "en-US" },      { "Ruth", "en-us+f3", "en-US" },
	{ "Matthew", "en-us+m3", "en-US" },  { "Joey", "en-us+m3", "en-US" },
	{ "Justin", "en-us+m3", "en-US" },   { "Kevin", "en-us+m3", "en-US" },
	{ "Stephen", "en-us+m3", "en-US" },
	{ "Amy", "en+f3", "en-GB" },      { "Emma", "en+f3", "en-GB" },
	{ "Brian", "en+m3", "en-GB" },    { "Arthur", "en+m3", "en-GB" },
	{ "Nicole", "en+f3", "en-AU" },   { "Olivia", "en+f3", "en-AU" },
	{ "Russell", "en+m3", "en-AU" },
	{ "Raveena", "en+f3", "en-IN" },  { "Aditi", "en+f3", "en-IN" },
	{ "Lupe", "es-419+f3", "es-US" },
	{ "Penelope", "es-419+f3", "es-US" },
	{ "Mia", "es-419+f3", "es-MX" },     { "Miguel", "es-419+m3", "es-US" },
	{ "Pedro", "es-419+m3", "es-US" },
	{ "Lucia", "es+f3", "es-ES" },       { "Conchita", "es+f3", "es-ES" },
	{ "Enrique", "es+m3", "es-ES" },
	{ "Celine", "fr+f3", "fr-FR" },   { "C\xc3\xa9line", "fr+f3", "fr-FR" },
	{ "Lea", "fr+f3", "fr-FR" },      { "L\xc3\xa9" "a", "fr+f3", "fr-FR" },
	{ "Mathieu", "fr+m3", "fr-FR" },
	{ "Chantal", "fr+f3", "fr-CA" },  { "Gabrielle", "fr+f3", "fr-CA" },
	{ "Marlene", "de+f3", "de-DE" },     { "Vicki", "de+f3", "de-DE" },
	{ "Hans", "de+m3", "de-DE" },        { "Daniel", "de+m3", "de-DE" },
	{ "Carla", "it+f3", "it-IT" },       { "Bianca", "it+f3", "it-IT" },
	{ "Giorgio", "it+m3", "it-IT" },
	{ "Camila", "pt-br+f3", "pt-BR" },   { "Vitoria", "pt-br+f3", "pt-BR" },
	{ "Vit\xc3\xb3ria", "pt-br+f3", "pt-BR" },
	{ "Ricardo", "pt-br+m3", "pt-BR" },  { "Ines", "pt+f3", "pt-PT" },
	{ "In\xc3\xaas", "pt+f3", "pt-PT" },
	{ "Mizuki", "ja+f3", "ja-JP" },      { "Takumi", "ja+m3", "ja-JP" },
	{ "Seoyeon", "ko+f3", "ko-KR" },     { "Zhiyu", "cmn+f3", "cmn-CN" },
	{ "joanna", "en-us+f3", "en-US" },   { "MATTHEW", "en-us+m3", "en-US" },
};


TEST(polly_names)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct voice_sel sel;

		ASSERT_INT_EQ(voices_resolve(&sel, cases[i].voice, NULL), 0);
		ASSERT_STR_EQ(sel.espeak, cases[i].espeak);
		ASSERT_STR_EQ(sel.language, cases[i].language);
		ASSERT_NOT_NULL(sel.name);
	}
}


TEST(every_voice_resolves)
{
	size_t i;

	ASSERT_TRUE(voices_count() > 60);
	for (i = 0; i < voices_count(); i++) {
		struct voice_sel sel;

		ASSERT_INT_EQ(voices_resolve(&sel, voices_name(i), NULL), 0);
		ASSERT_STR_EQ(sel.name, voices_name(i));
		ASSERT_TRUE(strchr(sel.espeak, '+') != NULL);
	}
	ASSERT_NULL(voices_name(voices_count()));
}


TEST(language_only)
{
	struct voice_sel sel;

	ASSERT_INT_EQ(voices_resolve(&sel, NULL, "fr-FR"), 0);
	ASSERT_STR_EQ(sel.espeak, "fr+f3");
	ASSERT_NULL(sel.name);
	ASSERT_INT_EQ(voices_resolve(&sel, "", "de-DE"), 0);
	ASSERT_STR_EQ(sel.espeak, "de+f3");
	ASSERT_INT_EQ(voices_resolve(&sel, NULL, "es"), 0);
	ASSERT_STR_EQ(sel.language, "es-US");
	ASSERT_INT_EQ(voices_resolve(&sel, NULL, "pt_br"), 0);
	ASSERT_STR_EQ(sel.espeak, "pt-br+f3");
	ASSERT_INT_EQ(voices_resolve(&sel, NULL, "EN-gb"), 0);
	ASSERT_STR_EQ(sel.espeak, "en+f3");
	/* the voice wins over the language (Polly's bilingual voices) */
	ASSERT_INT_EQ(voices_resolve(&sel, "Hans", "en-US"), 0);
	ASSERT_STR_EQ(sel.espeak, "de+m3");
}


TEST(fallbacks)
{
	struct voice_sel sel;

	ASSERT_INT_EQ(voices_resolve(&sel, NULL, NULL), 0);
	ASSERT_STR_EQ(sel.espeak, "en-us+f3");
	ASSERT_STR_EQ(sel.name, "Joanna");

	ASSERT_INT_EQ(voices_resolve(&sel, "Zorblax", NULL), ENOENT);
	ASSERT_STR_EQ(sel.espeak, "en-us+f3");
	/* unknown voice, known language: that language's voice */
	ASSERT_INT_EQ(voices_resolve(&sel, "Zorblax", "it-IT"), ENOENT);
	ASSERT_STR_EQ(sel.espeak, "it+f3");
	ASSERT_INT_EQ(voices_resolve(&sel, NULL, "xx-YY"), ENOENT);
	ASSERT_STR_EQ(sel.espeak, "en-us+f3");
	ASSERT_INT_EQ(voices_resolve(NULL, "Joanna", NULL), EINVAL);
}
