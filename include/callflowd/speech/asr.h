/**
 * @file asr.h  Speech recognition of a call's 8 kHz audio, behind an
 * engine interface (struct asr_engine) so another engine, local or
 * remote, can replace the built-in pocketsphinx one.
 *
 * Owns the engine's decoders (made and used on libuv pool threads, kept
 * for reuse), the limit of concurrent recognitions and each recognition
 * in flight. The loop thread starts a recognition with a grammar, writes
 * the caller's frames as they come, and finishes it when the endpointer
 * says the caller stopped; decoding runs on the pool, never on the loop,
 * and the text comes back by callback on the loop. Needs loop_init().
 */
#ifndef CALLFLOWD_SPEECH_ASR_H
#define CALLFLOWD_SPEECH_ASR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct asr;
struct asr_sess;

/**
 * An engine. Every op but word_known runs on a pool thread, one
 * recognition per decoder at a time; a decoder may serve many
 * recognitions in turn (begin ... end, begin ... end).
 */
struct asr_engine {
	const char *name;
	/* Load what all decoders share (model, dictionary): at start. */
	int  (*open)(void **enginep, const char *model_dir);
	void (*close)(void *engine);
	bool (*word_known)(void *engine, const char *word);
	int  (*dec_alloc)(void **decp, void *engine);
	void (*dec_free)(void *dec);
	/* New utterance listening with a JSGF grammar. */
	int  (*begin)(void *dec, const char *jsgf);
	/* 8 kHz mono s16 samples, in order. */
	int  (*feed)(void *dec, const int16_t *pcm, size_t n);
	/* End of the utterance: the words heard ("" for none). */
	int  (*end)(void *dec, char *text, size_t sz);
};

/** The pocketsphinx engine (libpocketsphinx, pocketsphinx-en-us). */
extern const struct asr_engine asr_pocketsphinx;

/** Recognition finished: err 0 and text ("" when nothing was heard). */
typedef void (asr_done_h)(int err, const char *text, void *arg);

/**
 * A recogniser of engine with model_dir, at most max_sessions
 * recognitions at once (0: none at all). Opens the engine (reads the
 * model and dictionary): call at start.
 */
int asr_alloc(struct asr **asrp, const struct asr_engine *engine,
	      const char *model_dir, uint32_t max_sessions);
/** Is word in the engine's dictionary? (bot_grammar()'s bot_word_h) */
bool asr_word_known(const char *word, void *asr);
/** Recognitions started and not yet finished or cancelled. */
uint32_t asr_active(const struct asr *asr);

/**
 * Start a recognition listening with jsgf (bot_grammar()). EBUSY when
 * the limit of concurrent recognitions is reached: the caller takes its
 * error branch. mem_deref(*sp) cancels: doneh is then never called.
 */
int asr_start(struct asr_sess **sp, struct asr *asr, const char *jsgf,
	      asr_done_h *doneh, void *arg);
/** The caller's audio, 8 kHz mono s16, as it arrives (any length). */
int asr_write(struct asr_sess *s, const int16_t *pcm, size_t n);
/** No more audio: decode the rest, then doneh on the loop. */
int asr_finish(struct asr_sess *s);

#endif
