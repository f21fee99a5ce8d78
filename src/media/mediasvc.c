/**
 * @file mediasvc.c  The shared media services and prompt audio.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/media/mclock.h>
#include <callflowd/media/mediasvc.h>
#include <callflowd/media/promptcache.h>
#include <callflowd/media/tts.h>

enum { PTIME_MS = 20, CLOCK_SLOTS = 8 };

struct mediasvc {
	struct mclock *mc;
	struct tts *tts;
	struct promptcache *prompts;
};

struct mprompt_req {
	struct tts_req *tts;
	struct prompt_req *file;
	mediasvc_audio_h *h;
	void *arg;
};

static void destructor(void *arg)
{
	struct mediasvc *ms = arg;

	mem_deref(ms->prompts);
	mem_deref(ms->tts);
	mem_deref(ms->mc);
}

int mediasvc_alloc(struct mediasvc **msp, const char *tts_cache_dir,
		   size_t tts_mem)
{
	struct mediasvc *ms;
	int err;

	if (!msp)
		return EINVAL;
	ms = mem_zalloc(sizeof(*ms), destructor);
	if (!ms)
		return ENOMEM;
	err = mclock_alloc(&ms->mc, PTIME_MS, CLOCK_SLOTS);
	if (err)
		goto out;
	err = tts_alloc(&ms->tts, tts_cache_dir, tts_mem);
	if (err) {
		log_error("tts: cannot start (cache %s): %m",
			  tts_cache_dir ? tts_cache_dir : "none", err);
		goto out;
	}
	err = promptcache_alloc(&ms->prompts);
 out:
	if (err)
		mem_deref(ms);
	else
		*msp = ms;
	return err;
}

static void req_destructor(void *arg)
{
	struct mprompt_req *req = arg;

	mem_deref(req->tts);
	mem_deref(req->file);
}

static void tts_done(int err, struct audio *a, bool cache_hit, void *arg)
{
	struct mprompt_req *req = arg;

	(void)cache_hit;
	req->h(err, a, req->arg);
}

static void file_done(int err, struct audio *a, const char *reason,
		      void *arg)
{
	struct mprompt_req *req = arg;

	(void)reason;	/* the cache logged it */
	req->h(err, err ? NULL : a, req->arg);
}

int mediasvc_prompt(struct mprompt_req **reqp, struct mediasvc *ms,
		    const struct mprompt *p, mediasvc_audio_h *h, void *arg)
{
	struct mprompt_req *req;
	int err;

	if (!reqp || !ms || !p || !p->text || !h)
		return EINVAL;

	req = mem_zalloc(sizeof(*req), req_destructor);
	if (!req)
		return ENOMEM;
	req->h = h;
	req->arg = arg;

	switch (p->kind) {

	case MPROMPT_TEXT:
	case MPROMPT_SSML:
		err = tts_synth(&req->tts, ms->tts, p->text,
				p->kind == MPROMPT_SSML, p->voice,
				p->language, tts_done, req);
		break;

	case MPROMPT_FILE:
		err = p->text[0] == '/' ?
			promptcache_load(&req->file, ms->prompts, p->text,
					 file_done, req) : ENOTSUP;
		break;

	default:
		err = EINVAL;
		break;
	}

	if (err)
		mem_deref(req);
	else
		*reqp = req;
	return err;
}

struct mclock *mediasvc_clock(const struct mediasvc *ms)
{
	return ms ? ms->mc : NULL;
}

struct tts *mediasvc_tts(const struct mediasvc *ms)
{
	return ms ? ms->tts : NULL;
}

struct promptcache *mediasvc_prompts(const struct mediasvc *ms)
{
	return ms ? ms->prompts : NULL;
}
