/**
 * @file lexdlg.h  One conversation with a bot, turn by turn, as Lex V2
 * holds it: the first answer chooses the intent, each missing required
 * slot is asked for with its prompt (retried up to its maxRetries), and
 * the session attributes set the timeouts of every turn.
 *
 * Owns the conversation's state (intent, slots, transcript). Pure: no
 * audio, no clock; the simulator feeds it scripted text, the live
 * session (lexsess.h) what the recogniser heard or the caller keyed.
 */
#ifndef CALLFLOWD_SPEECH_LEXDLG_H
#define CALLFLOWD_SPEECH_LEXDLG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bot;
struct bot_intent;
struct bot_slot;
struct strmap;
struct lexdlg;

/** Timeouts and keys of one turn (x-amz-lex:* session attributes). */
struct lex_timing {
	uint32_t start_ms;	/* audio:start-timeout-ms: no input (4000) */
	uint32_t end_ms;	/* audio:end-timeout-ms: end of speech (640) */
	uint32_t max_ms;	/* audio:max-length-ms (15000) */
	uint32_t dtmf_end_ms;	/* dtmf:end-timeout-ms (5000) */
	uint32_t dtmf_max;	/* dtmf:max-length (1024) */
	char dtmf_end;		/* dtmf:end-character ('#') */
	char dtmf_del;		/* dtmf:deletion-character ('*') */
	bool barge_in;		/* allow-interrupt (true) */
};

/** What the next turn listens for. */
struct lexdlg_turn {
	const char *prompt;		  /* say this first (NULL: the
					     caller's own prompt, turn 1) */
	const struct bot_intent *intent;  /* NULL: any intent */
	const struct bot_slot *slot;	  /* the slot being asked for */
	struct lex_timing timing;
};

enum lexdlg_status {
	LEXDLG_LISTEN,		/* another turn: lexdlg_turn() */
	LEXDLG_INTENT,		/* done: an intent (maybe the fallback) */
	LEXDLG_NO_INPUT,	/* done: nothing said or keyed */
	LEXDLG_FAILED,		/* done: a required slot never understood */
};

struct lexdlg_result {
	enum lexdlg_status status;
	const char *intent;		/* name (INTENT, FAILED) */
	double confidence;
	const char *transcript;		/* the last thing said or keyed */
	const struct strmap *slots;	/* name -> value */
	const struct strmap *session;	/* the session attributes */
	const char *alt_intent;
	double alt_confidence;
};

struct flex_result;
/** The flow engine's view of a result (the Lex action's completion);
 *  strings stay r's. */
void lexdlg_flex(struct flex_result *fr, const struct lexdlg_result *r);

/** A conversation with bot; session (copied, may be NULL); today_ms
 *  anchors relative dates. */
int lexdlg_alloc(struct lexdlg **dp, const struct bot *bot,
		 const struct strmap *session, uint64_t today_ms);
/** What to say and listen for now. */
void lexdlg_turn(const struct lexdlg *d, struct lexdlg_turn *t);
/** The caller said (or keyed, dtmf) text; NULL or "": nothing in time. */
enum lexdlg_status lexdlg_input(struct lexdlg *d, const char *text,
				bool dtmf);
enum lexdlg_status lexdlg_status(const struct lexdlg *d);
const struct bot *lexdlg_bot(const struct lexdlg *d);
/** The outcome (valid while d lives). */
void lexdlg_result(const struct lexdlg *d, struct lexdlg_result *r);

/**
 * The timing of a turn from session attributes: x-amz-lex:<name>:<intent>
 * :<slot> with '*' for any; the most specific key wins.
 */
void lex_timing_get(struct lex_timing *t, const struct strmap *session,
		    const char *intent, const char *slot);

#endif
