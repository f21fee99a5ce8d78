/**
 * @file media.h  The daemon's shared media services: the media clock,
 * text-to-speech, the prompt-file cache, the HTTP client for Lambda
 * calls, and turning a flow's prompt into audio.
 *
 * Owns one instance of each for the process (set up by media_init()).
 */
#ifndef CALLFLOWD_MEDIA_H
#define CALLFLOWD_MEDIA_H

#include <stdint.h>

struct app;
struct audio;
struct config;
struct fprompt;
struct httpc;
struct mclock;
struct mstream_conf;
struct media_req;

/** The audio of a prompt is ready (a is referenced for the handler to
 *  mem_ref if it keeps it), or err says why not. Called once, never
 *  after the request was dereferenced. */
typedef void (media_audio_h)(int err, struct audio *a, void *arg);

int  media_init(struct app *app);
void media_close(struct app *app);
struct mclock *media_clock(void);
struct httpc *media_httpc(void);
/** RTP settings from the configuration's sip.rtp section. */
void media_rtp_conf(struct mstream_conf *conf, const struct config *cfg);
/** Text/SSML through TTS, PromptId through the prompt cache. */
int  media_prompt_audio(struct media_req **reqp, const struct fprompt *p,
			media_audio_h *h, void *arg);

#endif
