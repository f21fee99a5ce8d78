/**
 * @file media.c  The daemon's shared media services and prompt audio.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/daemon/app.h>
#include <callflowd/media/audio.h>
#include <callflowd/core/config.h>
#include <callflowd/core/httpc.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/media/mclock.h>
#include <callflowd/daemon/media.h>
#include <callflowd/media/mstream.h>
#include <callflowd/media/tts.h>
#include <callflowd/media/wav.h>

#define TTS_MEM_CACHE (64u * 1024 * 1024)

static struct {
	struct mclock *mc;
	struct tts *tts;
	struct httpc *httpc;
} m;

/* A prompt file load on the pool; outlives a cancelled request. */
struct load_job {
	struct media_req *req;		/* NULL once cancelled */
	char *path;
	struct audio *a;
	const char *reason;
	int err;
};

struct media_req {
	struct tts_req *tts;
	struct load_job *job;
	media_audio_h *h;
	void *arg;
};

int media_init(struct app *app)
{
	char dir[4096];
	int err;

	err = mclock_alloc(&m.mc, 20, 8);
	if (err)
		return err;

	re_snprintf(dir, sizeof(dir), "%s/tts-cache", app->cfg->data_dir);
	err = tts_alloc(&m.tts, dir, TTS_MEM_CACHE);
	if (err) {
		log_error("tts: cannot start (cache %s): %m", dir, err);
		return err;
	}
	app->tts = m.tts;

	err = httpc_alloc(&m.httpc);
	if (err)
		log_warn("http client unavailable (%m): Lambda calls will "
			 "take their error branch", err);
	return 0;
}

void media_close(struct app *app)
{
	app->tts = NULL;
	m.httpc = mem_deref(m.httpc);
	m.tts = mem_deref(m.tts);
	m.mc = mem_deref(m.mc);
}

struct mclock *media_clock(void)
{
	return m.mc;
}

struct httpc *media_httpc(void)
{
	return m.httpc;
}

void media_rtp_conf(struct mstream_conf *conf, const struct config *cfg)
{
	const json_t *rtp = json_object_get(json_object_get(cfg->root, "sip"),
					    "rtp");
	const char *addr = json_string_value(json_object_get(rtp,
							     "address"));
	const json_t *v;

	memset(conf, 0, sizeof(*conf));
	if (!addr || sa_set_str(&conf->laddr, addr, 0))
		sa_set_str(&conf->laddr, "127.0.0.1", 0);
	conf->port_min = 10000;
	conf->port_max = 20000;
	conf->rtp_timeout_ms = 30000;

	v = json_object_get(rtp, "port_min");
	if (json_is_integer(v))
		conf->port_min = (uint16_t)json_integer_value(v);
	v = json_object_get(rtp, "port_max");
	if (json_is_integer(v))
		conf->port_max = (uint16_t)json_integer_value(v);
	v = json_object_get(rtp, "timeout_seconds");
	if (json_is_integer(v))
		conf->rtp_timeout_ms = (uint32_t)json_integer_value(v) * 1000;
}

static void req_destructor(void *arg)
{
	struct media_req *req = arg;

	mem_deref(req->tts);
	if (req->job)
		req->job->req = NULL;	/* the job finishes without us */
}

static void tts_done(int err, struct audio *a, bool cache_hit, void *arg)
{
	struct media_req *req = arg;

	(void)cache_hit;
	req->h(err, a, req->arg);
}

static void job_destructor(void *arg)
{
	struct load_job *job = arg;

	mem_deref(job->path);
	mem_deref(job->a);
}

static void load_work(void *arg)
{
	struct load_job *job = arg;

	job->err = wav_load(&job->a, job->path, &job->reason);
}

static void load_done(int err, void *arg)
{
	struct load_job *job = arg;
	struct media_req *req = job->req;

	if (!err)
		err = job->err;
	if (err)
		log_warn("prompt %s: %s (%m)", job->path,
			 job->reason ? job->reason : "cannot load", err);
	if (req) {
		req->job = NULL;
		req->h(err, err ? NULL : job->a, req->arg);
	}
	mem_deref(job);
}

int media_prompt_audio(struct media_req **reqp, const struct fprompt *p,
		       media_audio_h *h, void *arg)
{
	struct media_req *req;
	int err;

	if (!reqp || !p || !h)
		return EINVAL;

	req = mem_zalloc(sizeof(*req), req_destructor);
	if (!req)
		return ENOMEM;
	req->h = h;
	req->arg = arg;

	switch (p->kind) {

	case FPROMPT_TEXT:
	case FPROMPT_SSML:
		err = tts_synth(&req->tts, m.tts, p->text,
				p->kind == FPROMPT_SSML, p->voice,
				p->language, tts_done, req);
		break;

	case FPROMPT_PROMPT:
	case FPROMPT_MEDIA: {
		struct load_job *job;
		const char *path = p->kind == FPROMPT_PROMPT ? p->path :
			p->text;

		/* Media URIs: only local files (file:// or a path) */
		if (path && !strncmp(path, "file://", 7))
			path += 7;
		if (!path || path[0] != '/') {
			err = ENOTSUP;
			break;
		}
		job = mem_zalloc(sizeof(*job), job_destructor);
		if (!job) {
			err = ENOMEM;
			break;
		}
		err = str_dup(&job->path, path);
		if (!err)
			err = loop_work(load_work, load_done, job);
		if (err) {
			mem_deref(job);
			break;
		}
		job->req = req;
		req->job = job;
		break;
	}

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
