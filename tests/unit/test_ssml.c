/*
 * SSML to segments: breaks, say-as, prosody, p/s pauses, entities,
 * ignored tags reported, malformed input rejected with a located error.
 */
#include <errno.h>
#include <re.h>
#include <callflowd/media/ssml.h>
#include "test.h"

/* Parse and print the segments into buf ("" on error). */
static int parse(char *buf, size_t sz, char **ignoredp, const char *ssml)
{
	struct list segs = LIST_INIT;
	char *err = NULL;
	int r;

	buf[0] = '\0';
	r = ssml_parse(&segs, ignoredp, &err, ssml);
	if (!r)
		(void)re_snprintf(buf, sz, "%H", ssml_print, &segs);
	else if (!err)
		r = ENOMSG;	/* an error must always be explained */
	mem_deref(err);
	list_flush(&segs);
	return r;
}

#define EXPECT(ssml, printed) do { char pb_[512]; \
	ASSERT_INT_EQ(parse(pb_, sizeof(pb_), NULL, ssml), 0); \
	ASSERT_STR_EQ(pb_, printed); } while (0)


TEST(text_and_whitespace)
{
	EXPECT("<speak>Hello,   thanks\n\tfor calling.</speak>",
	       "[100]Hello, thanks for calling.");
	EXPECT("<?xml version=\"1.0\"?>\n<!-- greeting -->\n"
	       "<speak xml:lang=\"en-US\"> Hi <!-- inner --> there </speak>\n",
	       "[100]Hi there");
	EXPECT("<speak></speak>", "");
}


TEST(breaks)
{
	EXPECT("<speak>a<break time=\"500ms\"/>b</speak>",
	       "[100]a|<500>|[100]b");
	EXPECT("<speak>a<break time='2s'/>b</speak>", "[100]a|<2000>|[100]b");
	EXPECT("<speak>a<break time=\"1.5s\"/>b</speak>",
	       "[100]a|<1500>|[100]b");
	EXPECT("<speak>a<break strength=\"x-strong\"/>b</speak>",
	       "[100]a|<1000>|[100]b");
	EXPECT("<speak>a<break/>b</speak>", "[100]a|<400>|[100]b");
	EXPECT("<speak>a<break strength=\"none\"/>b</speak>",
	       "[100]a|[100]b");
	/* adjacent breaks merge; Polly caps at 10 s */
	EXPECT("<speak><break time=\"1s\"/><break time=\"30s\"/>x</speak>",
	       "<11000>|[100]x");
}


TEST(say_as)
{
	EXPECT("<speak>Code <say-as interpret-as=\"digits\">123</say-as>."
	       "</speak>", "[100]Code 1 2 3 .");
	EXPECT("<speak><say-as interpret-as=\"telephone\">+1 (800) 555-0100"
	       "</say-as></speak>",
	       "[100]plus 1 , 8 0 0 , 5 5 5 , 0 1 0 0");
	EXPECT("<speak>Spell <say-as interpret-as=\"characters\">abc"
	       "</say-as> ok</speak>", "[100]Spell|[100s]abc|[100]ok");
	EXPECT("<speak><say-as interpret-as=\"spell-out\">XY</say-as>"
	       "</speak>", "[100s]XY");
}


TEST(prosody_rate)
{
	EXPECT("<speak>a <prosody rate=\"slow\">b</prosody> c</speak>",
	       "[100]a|[80]b|[100]c");
	EXPECT("<speak><prosody rate=\"x-fast\">a<prosody rate=\"50%\">b"
	       "</prosody>c</prosody></speak>", "[160]a|[50]b|[160]c");
	EXPECT("<speak><prosody rate=\"500%\">a</prosody></speak>",
	       "[200]a");
	EXPECT("<speak><prosody rate=\"x-slow\">a<break time=\"1s\"/>b"
	       "</prosody></speak>", "[60]a|<1000>|[60]b");
}


TEST(paragraphs_and_sentences)
{
	EXPECT("<speak><p>One.</p><p><s>Two</s><s>Three</s></p></speak>",
	       "[100]One.|<750>|[100]Two|<350>|[100]Three");
	/* at the very end the implied paragraph pause is dropped, an
	 * explicit break is kept */
	EXPECT("<speak><p>One.</p><break time=\"1s\"/></speak>",
	       "[100]One.|<1000>");
	EXPECT("<speak><p>One.</p><p>Two.</p></speak>",
	       "[100]One.|<750>|[100]Two.");
}


TEST(entities_and_sub)
{
	EXPECT("<speak>Tom &amp; Jerry &lt;3 &quot;x&quot; &apos;y&apos;"
	       " &#65;&#x42; caf&#xe9;</speak>",
	       "[100]Tom & Jerry <3 \"x\" 'y' AB caf\xc3\xa9");
	EXPECT("<speak><sub alias=\"World Wide Web\">WWW</sub> site</speak>",
	       "[100]World Wide Web site");
	EXPECT("<speak>a|b\\c</speak>", "[100]a\\|b\\\\c");
}


TEST(ignored_tags_reported)
{
	char buf[256], *ign = NULL;

	ASSERT_INT_EQ(parse(buf, sizeof(buf), &ign,
		"<speak><amazon:effect name=\"whispered\">psst</amazon:effect>"
		" <emphasis>now</emphasis> <emphasis>again</emphasis>"
		" <prosody volume=\"loud\" rate=\"fast\">go</prosody>"
		" <say-as interpret-as=\"date\">2024-01-02</say-as>"
		"<mark name=\"m\"/></speak>"), 0);
	ASSERT_STR_EQ(buf, "[100]psst now again|[125]go|[100]2024-01-02");
	ASSERT_STR_EQ(ign, "amazon:effect, emphasis, prosody volume, "
		      "say-as date, mark");
	mem_deref(ign);

	ASSERT_INT_EQ(parse(buf, sizeof(buf), &ign, "<speak>x</speak>"), 0);
	ASSERT_NULL(ign);
}


TEST(malformed)
{
	static const char *const bad[] = {
		"",
		"Hello",
		"<speak>Hello",
		"<speak>Hello</speek>",
		"<speak><p>a</speak>",
		"<speak>a</speak>trailing",
		"<speak>a</speak><speak>b</speak>",
		"text <speak>a</speak>",
		"<voice>a</voice>",
		"<speak><speak>a</speak></speak>",
		"<speak>a & b</speak>",
		"<speak>&nbsp;</speak>",
		"<speak>&#xZZ;</speak>",
		"<speak>&#0;</speak>",
		"<speak><break time=\"500\"/></speak>",
		"<speak><break time=\"soon\"/></speak>",
		"<speak><break strength=\"huge\"/></speak>",
		"<speak><prosody rate=\"quick\">a</prosody></speak>",
		"<speak><prosody rate=\"-5%\">a</prosody></speak>",
		"<speak><say-as>1</say-as></speak>",
		"<speak><sub>x</sub></speak>",
		"<speak><break time=500ms/></speak>",
		"<speak><break time=\"5s/></speak>",
		"<speak><break time/></speak>",
		"<speak>< p>a</p></speak>",
		"<speak>a</>",
		"</speak>",
		"<speak><!-- open </speak>",
		"<speak><b x=\"1\" x=\"2\" a=\"1\" c=\"1\" d=\"1\" e=\"1\" "
		"f=\"1\" g=\"1\" h=\"1\" i=\"1\" j=\"1\" k=\"1\" l=\"1\" "
		"m=\"1\" n=\"1\" o=\"1\" p=\"1\"/></speak>",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[64];
		int r = parse(buf, sizeof(buf), NULL, bad[i]);

		if (r != EBADMSG)
			fprintf(stderr, "    accepted: %s\n", bad[i]);
		ASSERT_INT_EQ(r, EBADMSG);
	}
}


TEST(error_says_where)
{
	struct list segs = LIST_INIT;
	char *err = NULL;

	ASSERT_INT_EQ(ssml_parse(&segs, NULL, &err,
		"<speak>\n<p>one</p>\n<s>two</p></speak>"), EBADMSG);
	ASSERT_STR_EQ(err, "SSML line 3 (offset 25): mismatched end tag, "
		      "expected </s>");
	ASSERT_TRUE(list_isempty(&segs));
	mem_deref(err);

	err = NULL;
	ASSERT_INT_EQ(ssml_parse(&segs, NULL, &err, "<speak><p>x"), EBADMSG);
	ASSERT_STR_EQ(err, "SSML line 1 (offset 11): unclosed element <p>");
	mem_deref(err);
}


TEST(deep_nesting_rejected)
{
	struct mbuf *mb = mbuf_alloc(2048);
	char buf[64];
	int i;

	mbuf_write_str(mb, "<speak>");
	for (i = 0; i < 100; i++)
		mbuf_write_str(mb, "<s>");
	(void)mbuf_write_u8(mb, 0);
	ASSERT_INT_EQ(parse(buf, sizeof(buf), NULL, (char *)mb->buf),
		      EBADMSG);
	mem_deref(mb);
}


TEST(plain_and_pauses)
{
	struct list segs = LIST_INIT;
	char buf[128];

	ASSERT_INT_EQ(ssml_plain(&segs, "  Press <1> &  wait  "), 0);
	(void)re_snprintf(buf, sizeof(buf), "%H", ssml_print, &segs);
	ASSERT_STR_EQ(buf, "[100]Press <1> & wait");
	list_flush(&segs);

	ASSERT_INT_EQ(ssml_parse(&segs, NULL, NULL,
		"<speak>a<break time=\"1s\"/>b<p>c</p>d</speak>"), 0);
	ASSERT_INT_EQ(ssml_pause_ms(&segs), 1750);
	ASSERT_INT_EQ(list_count(&segs), 6);
	list_flush(&segs);
}
