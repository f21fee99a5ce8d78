/**
 * @file test_bot.c  Lex V2 exports: loading, the grammar built from them,
 * intent and slot selection from text and keys, the dialog's slot
 * elicitation, session attribute timing, the bots of the configuration.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/strmap.h>
#include <callflowd/speech/bot.h>
#include <callflowd/speech/lexdlg.h>
#include <callflowd/speech/nlu.h>
#include <callflowd/speech/speechconf.h>
#include "test.h"

#define BANKING CFD_TEST_DATA "/bots/Banking"
/* 2026-06-04T12:00:00Z, a Thursday */
#define THURSDAY_MS 1780574400000ULL

static struct bot *banking(void)
{
	struct bot *bot = NULL;
	char err[256];

	if (bot_load(&bot, BANKING, NULL, err, sizeof(err)))
		test_fail(__FILE__, __LINE__, "load: %s", err);
	return bot;
}

TEST(load_export)
{
	struct bot *bot = banking();
	const struct bot_intent *in;
	const struct bot_slot *s;

	ASSERT_NOT_NULL(bot);
	ASSERT_STR_EQ(bot->locale, "en_US");
	ASSERT_INT_EQ(bot->intentc, 4);
	ASSERT_NOT_NULL(bot->fallback);
	ASSERT_STR_EQ(bot->fallback->name, "FallbackIntent");

	in = bot_intent(bot, "CheckBalance");
	ASSERT_NOT_NULL(in);
	ASSERT_INT_EQ(in->uttc, 8);
	s = bot_slot(in, "AccountNumber");
	ASSERT_NOT_NULL(s);
	ASSERT_TRUE(s->required);
	ASSERT_INT_EQ(s->type->kind, BOT_ALNUM);
	ASSERT_STR_EQ(s->type->regex, "[0-9]{4}");
	ASSERT_STR_EQ(s->prompts[0], "Please say or key your four digit "
		      "account number.");
	ASSERT_INT_EQ(s->max_retries, 2);
	mem_deref(bot);
}

TEST(load_errors_name_the_file)
{
	struct bot *bot = NULL;
	char err[256];

	ASSERT_INT_EQ(bot_load(&bot, CFD_TEST_DATA "/bots/none", NULL, err,
			       sizeof(err)), EBADMSG);
	ASSERT_TRUE(strstr(err, "not a Lex V2 export") != NULL);
	ASSERT_INT_EQ(bot_load(&bot, BANKING, "fr_FR", err, sizeof(err)),
		      EBADMSG);
	ASSERT_TRUE(strstr(err, "no locale fr_FR") != NULL);
	ASSERT_NULL(bot);
}

static bool known(const char *w, void *arg)
{
	(void)arg;
	return strcmp(w, "something");	/* pretend one word is unknown */
}

TEST(grammar_from_export)
{
	struct bot *bot = banking();
	const struct bot_intent *in;
	char *g = NULL;

	ASSERT_NOT_NULL(bot);
	ASSERT_INT_EQ(bot_grammar(&g, bot, NULL, NULL, known, NULL), 0);
	ASSERT_TRUE(!strncmp(g, "#JSGF V1.0;", 11));
	ASSERT_TRUE(strstr(g, "i want to check my balance") != NULL);
	/* "{AccountNumber}" with regex [0-9]{4}: exactly four digits */
	ASSERT_TRUE(strstr(g, "= <digit> <digit> <digit> <digit>;") != NULL);
	ASSERT_TRUE(strstr(g, "my account number is <s") != NULL);
	/* "1" said as a word; an utterance with an unknown word left out;
	 * intents in name order, the fallback (1) has no grammar */
	ASSERT_TRUE(strstr(g, "| one") != NULL);
	ASSERT_TRUE(strstr(g, "buy something") == NULL);
	ASSERT_TRUE(strstr(g, "public <turn> = <i0> | <i2> | <i3>;") != NULL);
	g = mem_deref(g);

	/* eliciting the account number: the slot alone, its utterances */
	in = bot_intent(bot, "CheckBalance");
	ASSERT_INT_EQ(bot_grammar(&g, bot, in, bot_slot(in, "AccountNumber"),
				  NULL, NULL), 0);
	ASSERT_TRUE(strstr(g, "it is <s") != NULL);
	ASSERT_TRUE(strstr(g, "talk to sales") == NULL);
	mem_deref(g);
	mem_deref(bot);
}

TEST(intent_from_text)
{
	struct bot *bot = banking();
	struct nlu_result r;

	ASSERT_NOT_NULL(bot);
	ASSERT_INT_EQ(nlu_parse(&r, bot, NULL, NULL, "Sales", 0), 0);
	ASSERT_STR_EQ(r.intent->name, "Sales");
	ASSERT_TRUE(r.confidence > 0.99);

	ASSERT_INT_EQ(nlu_parse(&r, bot, NULL, NULL,
				"I want to check my balance", 0), 0);
	ASSERT_STR_EQ(r.intent->name, "CheckBalance");
	ASSERT_INT_EQ(r.slotc, 0);

	ASSERT_INT_EQ(nlu_parse(&r, bot, NULL, NULL,
				"my account number is four two seven one",
				0), 0);
	ASSERT_STR_EQ(r.intent->name, "CheckBalance");
	ASSERT_INT_EQ(r.slotc, 1);
	ASSERT_STR_EQ(r.slots[0].slot->name, "AccountNumber");
	ASSERT_STR_EQ(r.slots[0].value, "4271");
	ASSERT_STR_EQ(r.slots[0].said, "4 2 7 1");

	/* extra words lower the confidence, not the intent */
	ASSERT_INT_EQ(nlu_parse(&r, bot, NULL, NULL,
				"um I would like technical support please",
				0), 0);
	ASSERT_STR_EQ(r.intent->name, "Support");
	ASSERT_TRUE(r.confidence < 0.9 && r.confidence > 0.4);

	/* three digits do not pass [0-9]{4}; nothing else: fallback */
	ASSERT_INT_EQ(nlu_parse(&r, bot, NULL, NULL, "the weather in Paris",
				0), 0);
	ASSERT_STR_EQ(r.intent->name, "FallbackIntent");
	mem_deref(bot);
}

TEST(keys_and_words_alike)
{
	struct bot *bot = banking();
	struct nlu_result r;

	ASSERT_NOT_NULL(bot);
	/* a key pressed reads as the digit said */
	ASSERT_INT_EQ(nlu_parse(&r, bot, NULL, NULL, "2", 0), 0);
	ASSERT_STR_EQ(r.intent->name, "Support");
	ASSERT_INT_EQ(nlu_parse(&r, bot, NULL, NULL, "one", 0), 0);
	ASSERT_STR_EQ(r.intent->name, "Sales");
	mem_deref(bot);
}

TEST(slot_types)
{
	struct bot_type num = {.kind = BOT_NUMBER}, date = {.kind = BOT_DATE};
	struct bot_type conf = {.kind = BOT_CONFIRM};
	struct bot_slot s = {.name = "x", .type = &num};
	char v[64];

	ASSERT_INT_EQ(nlu_slot_value(v, sizeof(v), &s, "twenty five", 0), 0);
	ASSERT_STR_EQ(v, "25");
	ASSERT_INT_EQ(nlu_slot_value(v, sizeof(v), &s, "one hundred and "
				     "twelve", 0), 0);
	ASSERT_STR_EQ(v, "112");
	ASSERT_INT_EQ(nlu_slot_value(v, sizeof(v), &s, "oh four", 0), 0);
	ASSERT_STR_EQ(v, "04");
	ASSERT_INT_EQ(nlu_slot_value(v, sizeof(v), &s, "many", 0), ENOENT);

	s.type = &date;
	ASSERT_INT_EQ(nlu_slot_value(v, sizeof(v), &s, "tomorrow",
				     THURSDAY_MS), 0);
	ASSERT_STR_EQ(v, "2026-06-05");
	ASSERT_INT_EQ(nlu_slot_value(v, sizeof(v), &s, "Monday",
				     THURSDAY_MS), 0);
	ASSERT_STR_EQ(v, "2026-06-08");
	ASSERT_INT_EQ(nlu_slot_value(v, sizeof(v), &s, "june twenty first",
				     THURSDAY_MS), 0);
	ASSERT_STR_EQ(v, "2026-06-21");
	/* a date already passed this year is next year's */
	ASSERT_INT_EQ(nlu_slot_value(v, sizeof(v), &s, "march 3",
				     THURSDAY_MS), 0);
	ASSERT_STR_EQ(v, "2027-03-03");

	s.type = &conf;
	ASSERT_INT_EQ(nlu_slot_value(v, sizeof(v), &s, "yeah", 0), 0);
	ASSERT_STR_EQ(v, "Yes");
}

TEST(dialog_elicits_missing_slot)
{
	struct bot *bot = banking();
	struct lexdlg *d = NULL;
	struct lexdlg_turn t;
	struct lexdlg_result r;

	ASSERT_NOT_NULL(bot);
	ASSERT_INT_EQ(lexdlg_alloc(&d, bot, NULL, 0), 0);
	lexdlg_turn(d, &t);
	ASSERT_NULL(t.prompt);
	ASSERT_INT_EQ(t.timing.start_ms, 4000);
	ASSERT_INT_EQ(t.timing.end_ms, 640);

	ASSERT_INT_EQ(lexdlg_input(d, "I want to check my balance", false),
		      LEXDLG_LISTEN);
	lexdlg_turn(d, &t);
	ASSERT_STR_EQ(t.prompt, "Please say or key your four digit account "
		      "number.");
	ASSERT_STR_EQ(t.slot->name, "AccountNumber");

	/* a wrong answer is retried, then keys fill it */
	ASSERT_INT_EQ(lexdlg_input(d, "I don't know", false), LEXDLG_LISTEN);
	ASSERT_INT_EQ(lexdlg_input(d, "4271", true), LEXDLG_INTENT);
	lexdlg_result(d, &r);
	ASSERT_STR_EQ(r.intent, "CheckBalance");
	ASSERT_STR_EQ(strmap_get(r.slots, "AccountNumber"), "4271");
	ASSERT_STR_EQ(r.transcript, "4271");
	mem_deref(d);

	/* retries run out: failed */
	ASSERT_INT_EQ(lexdlg_alloc(&d, bot, NULL, 0), 0);
	ASSERT_INT_EQ(lexdlg_input(d, "balance", false), LEXDLG_LISTEN);
	ASSERT_INT_EQ(lexdlg_input(d, "no", false), LEXDLG_LISTEN);
	ASSERT_INT_EQ(lexdlg_input(d, NULL, false), LEXDLG_LISTEN);
	ASSERT_INT_EQ(lexdlg_input(d, "no", false), LEXDLG_FAILED);
	mem_deref(d);

	/* silence at the first turn */
	ASSERT_INT_EQ(lexdlg_alloc(&d, bot, NULL, 0), 0);
	ASSERT_INT_EQ(lexdlg_input(d, "", false), LEXDLG_NO_INPUT);
	mem_deref(d);
	mem_deref(bot);
}

TEST(session_attribute_timing)
{
	struct strmap *s = NULL;
	struct lex_timing t;

	ASSERT_INT_EQ(strmap_alloc(&s), 0);
	ASSERT_INT_EQ(strmap_set(s, "x-amz-lex:audio:start-timeout-ms:*:*",
				 "9000"), 0);
	ASSERT_INT_EQ(strmap_set(s, "x-amz-lex:audio:start-timeout-ms:"
				 "CheckBalance:AccountNumber", "12000"), 0);
	ASSERT_INT_EQ(strmap_set(s, "x-amz-lex:audio:end-timeout-ms:*",
				 "2000"), 0);
	ASSERT_INT_EQ(strmap_set(s, "x-amz-lex:dtmf:end-character:*:*",
				 "*"), 0);
	ASSERT_INT_EQ(strmap_set(s, "x-amz-lex:allow-interrupt:*:*",
				 "false"), 0);

	lex_timing_get(&t, s, NULL, NULL);
	ASSERT_INT_EQ(t.start_ms, 9000);
	ASSERT_INT_EQ(t.end_ms, 2000);
	ASSERT_INT_EQ(t.max_ms, 15000);
	ASSERT_INT_EQ(t.dtmf_end, '*');
	ASSERT_FALSE(t.barge_in);
	lex_timing_get(&t, s, "CheckBalance", "AccountNumber");
	ASSERT_INT_EQ(t.start_ms, 12000);
	mem_deref(s);
}

TEST(configured_bots)
{
	struct config *cfg = NULL;
	struct speechconf *sc = NULL;
	char err[512];

	ASSERT_INT_EQ(config_parse(&cfg, "{\"speech\": {\"bots_dir\": \""
		CFD_TEST_DATA "/bots\", \"max_concurrent_recognitions\": 3,"
		" \"bots\": [{\"alias_arn\": \"arn:aws:lex:us-east-1:1:"
		"bot-alias/BANKBOT001/TSTALIASID\", \"path\": \"Banking\"}]}}",
		NULL, err, sizeof(err)), 0);
	ASSERT_INT_EQ(speechconf_load(&sc, cfg, err, sizeof(err)), 0);
	ASSERT_INT_EQ(sc->max_recognitions, 3);
	ASSERT_INT_EQ(botset_count(sc->bots), 1);
	ASSERT_NOT_NULL(botset_find(sc->bots, "arn:aws:lex:us-east-1:1:"
				    "bot-alias/BANKBOT001/TSTALIASID"));
	ASSERT_NOT_NULL(botset_find(sc->bots, "TSTALIASID"));
	ASSERT_NULL(botset_find(sc->bots, "arn:aws:lex:us-east-1:1:"
				"bot-alias/OTHER/TSTALIASID2"));
	mem_deref(sc);
	mem_deref(cfg);

	/* a typo is an error naming the key */
	ASSERT_INT_EQ(config_parse(&cfg, "{\"speech\": {\"bot\": []}}", NULL,
				   err, sizeof(err)), 0);
	ASSERT_INT_EQ(speechconf_load(&sc, cfg, err, sizeof(err)), EINVAL);
	ASSERT_STR_EQ(err, "speech.bot: unknown key");
	mem_deref(cfg);

	ASSERT_INT_EQ(config_parse(&cfg, "{\"speech\": {\"bots\": [{"
		"\"alias_arn\": \"a\", \"path\": \"nowhere\"}]}}", NULL, err,
		sizeof(err)), 0);
	ASSERT_INT_EQ(speechconf_load(&sc, cfg, err, sizeof(err)), EINVAL);
	ASSERT_TRUE(!strncmp(err, "speech.bots[0]: ", 16));
	mem_deref(cfg);
}

TEST(free_slots_take_names_not_utterance_words)
{
	struct bot *bot = NULL;
	struct nlu_result r;
	char err[256];
	size_t i;

	ASSERT_INT_EQ(bot_load(&bot, CFD_TEST_DATA "/bots/CustomerName", NULL,
			       err, sizeof(err)), 0);
	ASSERT_INT_EQ(nlu_parse(&r, bot, NULL, NULL, "my name is Jane Doe", 0),
		      0);
	ASSERT_STR_EQ(r.intent->name, "getCustomerName");
	ASSERT_INT_EQ(r.slotc, 2);
	for (i = 0; i < r.slotc; i++)
		ASSERT_STR_EQ(r.slots[i].value, strcmp(r.slots[i].slot->name,
			"firstName") ? "Doe" : "Jane");

	/* one name: it is the first; the last is still to be asked for */
	ASSERT_INT_EQ(nlu_parse(&r, bot, NULL, NULL, "my name is Jane", 0), 0);
	ASSERT_INT_EQ(r.slotc, 1);
	ASSERT_STR_EQ(r.slots[0].slot->name, "firstName");
	ASSERT_STR_EQ(r.slots[0].value, "Jane");
	mem_deref(bot);
}
