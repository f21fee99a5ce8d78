/**
 * @file mediasvc.h  The media services every call shares: the 20 ms media
 * clock, text-to-speech and the prompt-file cache, and turning a prompt
 * (text, SSML or a sound file) into audio.
 *
 * Owns one of each, created by the daemon and handed to whoever plays
 * prompts or paces RTP. Loop thread only.
 */
#ifndef CALLFLOWD_MEDIASVC_H
#define CALLFLOWD_MEDIASVC_H

#include <stddef.h>

struct audio;
struct mclock;
struct mediasvc;
struct mprompt_req;
struct promptcache;
struct tts;

/** What to say: text or SSML through TTS, or an audio file. */
enum mprompt_kind { MPROMPT_TEXT, MPROMPT_SSML, MPROMPT_FILE };

struct mprompt {
	enum mprompt_kind kind;
	const char *text;		/* text, SSML, or the file's path */
	const char *voice;		/* Polly voice name, or NULL */
	const char *language;		/* language code, or NULL */
};

/** A prompt's audio is ready (a referenced for the handler: mem_ref it
 *  to keep it), or err says why not. Called once, on the loop, never
 *  from inside mediasvc_prompt() and never after the request is freed. */
typedef void (mediasvc_audio_h)(int err, struct audio *a, void *arg);

/** tts_cache_dir: where synthesised audio is cached on disk (NULL:
 *  none); tts_mem: bytes of it kept in memory. */
int  mediasvc_alloc(struct mediasvc **msp, const char *tts_cache_dir,
		    size_t tts_mem);
/** Fetch p's audio; mem_deref(*reqp) cancels. A file path must be
 *  absolute (ENOTSUP otherwise). */
int  mediasvc_prompt(struct mprompt_req **reqp, struct mediasvc *ms,
		     const struct mprompt *p, mediasvc_audio_h *h, void *arg);
struct mclock *mediasvc_clock(const struct mediasvc *ms);
struct tts *mediasvc_tts(const struct mediasvc *ms);
struct promptcache *mediasvc_prompts(const struct mediasvc *ms);

#endif
