/**
 * @file lexsess.h  A live conversation with a bot on a call: what the
 * daemon's Lex port runs. It ties the dialog (lexdlg.h), endpointing
 * (endpoint.h) and recognition (asr.h) to the call's audio.
 *
 * Owns one conversation: its turn, the recognition in flight, the keys
 * typed and a 300 ms pre-roll of the caller's audio (so a barge-in keeps
 * its first syllable). Loop thread only. The call feeds every 20 ms
 * frame it receives from the caller (silence included: time is counted
 * in frames), DTMF keys, and tells when a prompt finished playing; the
 * session asks the call to play elicitation prompts and reports events
 * (barge-in: stop the prompt now) and the end.
 *
 * Turn by turn: the prompt plays (the action's own, played by the call,
 * then the slot prompts through ops->play); speech over a prompt that
 * allows interrupting is a barge-in; after the prompt, start-timeout-ms
 * without speech or keys is no input; end-timeout-ms of silence after
 * speech (or max-length-ms of speech) ends the utterance, which the
 * recogniser decodes with the turn's grammar on the pool. Keys end with
 * the end character, the end timeout or the maximum length; the deletion
 * character starts them again.
 */
#ifndef CALLFLOWD_SPEECH_LEXSESS_H
#define CALLFLOWD_SPEECH_LEXSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct asr;
struct bot;
struct strmap;
struct lexsess;
struct lexdlg_result;

enum lexsess_event {
	LEXSESS_BARGE_IN,	/* the caller spoke or keyed over a prompt:
				   stop it now (then lexsess_played()) */
	LEXSESS_SPEECH_START,	/* the caller started speaking */
	LEXSESS_SPEECH_END,	/* ... and stopped: recognising */
};

struct lexsess_ops {
	/* Say text (SSML when ssml) to the caller, barge-in as the turn
	 * allows; call lexsess_played() when it ended or was stopped. */
	int  (*play)(const char *text, bool ssml, void *arg);
	void (*event)(enum lexsess_event ev, void *arg);
};

/**
 * The conversation ended: r (valid during the call) or err (EBUSY: the
 * recognition limit; ENOENT: nothing in the bot can be listened for;
 * another errno: the recogniser failed). Never called from inside a
 * lexsess_* call of the owner's: always from the loop.
 */
typedef void (lexsess_done_h)(int err, const struct lexdlg_result *r,
			      void *arg);

/**
 * New conversation with bot (referenced), session attributes (copied),
 * recognitions from asr. today_ms anchors dates.
 */
int lexsess_alloc(struct lexsess **sp, struct asr *asr, const struct bot *bot,
		  const struct strmap *session, uint64_t today_ms,
		  const struct lexsess_ops *ops, lexsess_done_h *doneh,
		  void *arg);
/**
 * Begin the first turn. prompt_playing: the call is playing the action's
 * prompt (it calls lexsess_played() when done); else listening starts
 * now. EBUSY at once when the recognition limit is reached.
 */
int lexsess_start(struct lexsess *s, bool prompt_playing);
/** A frame of the caller's audio (8 kHz mono s16, 160 samples). */
void lexsess_frame(struct lexsess *s, const int16_t *pcm, size_t n);
/** A key the caller pressed (0-9 * # A-D). */
void lexsess_dtmf(struct lexsess *s, char key);
/** The prompt being played has ended (or was stopped). */
void lexsess_played(struct lexsess *s);

#endif
