/**
 * @file prompts.c  A flow's prompt as the media services say it: text and
 * SSML through TTS, prompt files and local media URIs from the cache.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/interp.h>
#include <callflowd/media/mediasvc.h>
#include "contact_priv.h"

int contact_prompt_audio(struct mprompt_req **reqp, struct ccenter *cc,
			 const struct fprompt *p, contact_audio_h *h, void *arg)
{
	struct mprompt mp;

	if (!reqp || !cc || !p || !h)
		return EINVAL;

	memset(&mp, 0, sizeof(mp));
	mp.voice = p->voice;
	mp.language = p->language;
	switch (p->kind) {

	case FPROMPT_TEXT:
		mp.kind = MPROMPT_TEXT;
		mp.text = p->text;
		break;

	case FPROMPT_SSML:
		mp.kind = MPROMPT_SSML;
		mp.text = p->text;
		break;

	case FPROMPT_PROMPT:
		mp.kind = MPROMPT_FILE;
		mp.text = p->path;
		break;

	case FPROMPT_MEDIA:
		/* Media URIs: only local files (file:// or a path) */
		mp.kind = MPROMPT_FILE;
		mp.text = p->text;
		if (mp.text && !strncmp(mp.text, "file://", 7))
			mp.text += 7;
		break;

	default:
		return EINVAL;
	}
	if (!mp.text)
		return EINVAL;
	return mediasvc_prompt(reqp, cc->media, &mp, h, arg);
}
