/**
 * @file sim_lex.c  The simulator's Lex port: the bot conversation of
 * src/speech (lexdlg) fed with the --say script instead of a recogniser,
 * at once in virtual time. Bots come from --config's "speech" section.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/strmap.h>
#include <callflowd/speech/bot.h>
#include <callflowd/speech/lexdlg.h>
#include <callflowd/speech/speechconf.h>
#include "sim.h"

enum {
	WORD_MS = 350,		/* a caller says a word */
	TURN_GAP_MS = 700,	/* and stops talking */
};


static uint32_t say_ms(const char *text)
{
	uint32_t words = 1;

	for (; *text; text++) {
		if (*text == ' ')
			++words;
	}
	return words * WORD_MS + TURN_GAP_MS;
}


int sim_op_lex(struct frun *run, const struct flex *req, void *arg)
{
	struct sim *sim = arg;
	struct flex_result fr;
	struct lexdlg_result r;
	struct lexdlg *d = NULL;
	struct mbuf *said = NULL;
	char *text = NULL;
	const struct bot *bot;
	enum lexdlg_status st;
	int err;

	bot = sim->speech ? botset_find(sim->speech->bots, req->bot) : NULL;
	if (!bot) {
		memset(&fr, 0, sizeof(fr));
		fr.status = FLEX_ERROR;
		fr.error = "is not in the configuration (speech.bots)";
		fprintf(stderr, "simulate: bot %s is not in the configuration "
			"(speech.bots)\n", req->bot);
		frun_lex_done(run, &fr);
		return 0;
	}

	err = lexdlg_alloc(&d, bot, req->session, sim->now_ms);
	if (err)
		return err;

	/* what the caller hears: the action's prompt, then elicitations */
	said = mbuf_alloc(128);
	if (!said) {
		err = ENOMEM;
		goto out;
	}
	if (req->prompt.text && (req->prompt.kind == FPROMPT_TEXT ||
				 req->prompt.kind == FPROMPT_SSML))
		(void)mbuf_write_str(said, req->prompt.text);
	sim->now_ms += sim_prompt_ms(&req->prompt);

	do {
		struct lexdlg_turn t;
		const char *say = NULL;

		lexdlg_turn(d, &t);
		if (t.prompt) {
			struct fprompt p = {FPROMPT_TEXT, t.prompt, NULL,
					    NULL, NULL};

			(void)mbuf_printf(said, "%s%s", said->end ? " / " : "",
					  t.prompt);
			sim->now_ms += sim_prompt_ms(&p);
		}
		if (sim->say_next < sim->sayc)
			say = sim->sayv[sim->say_next++];
		sim->now_ms += say ? say_ms(say) : t.timing.start_ms;
		st = lexdlg_input(d, say, false);
	} while (st == LEXDLG_LISTEN);

	lexdlg_result(d, &r);
	lexdlg_flex(&fr, &r);
	if (said->end) {
		said->pos = 0;
		if (!mbuf_strdup(said, &text, said->end))
			fr.said = text;
	}
	frun_lex_done(run, &fr);
 out:
	mem_deref(text);
	mem_deref(said);
	mem_deref(d);
	return err;
}
