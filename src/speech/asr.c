/**
 * @file asr.c  Recognitions on the libuv pool with a limit.
 *
 * Ownership: the caller's handle (asr_sess) points at a recognition
 * (struct rec). A pool job holds its own reference to the rec, so
 * cancelling (mem_deref of the handle) never frees what a pool thread is
 * using; the done handler is simply not called any more. One job per rec
 * at a time: audio written meanwhile waits in the rec's buffer (mutex)
 * for the next job. Decoders are made on the pool and kept in the asr's
 * idle list for the next recognition.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/speech/asr.h>

enum {
	TEXT_MAX = 512,
	BUF_MAX = 8000 * 60,	/* a minute of audio waiting at most */
};

struct asr {
	const struct asr_engine *eng;
	void *engine;
	uint32_t max;
	uint32_t active;
	pthread_mutex_t lock;	/* idle decoders: pool threads */
	void **idle;
	size_t idlec, idle_sz;
};

struct rec {
	struct asr *asr;		/* ref */
	char *jsgf;
	void *dec;			/* pool side only */
	bool begun;
	pthread_mutex_t lock;
	int16_t *buf;			/* written, not yet decoded */
	size_t bufc, buf_sz;
	bool finish;			/* no more audio (loop) */
	bool finished;			/* decoded to the end (pool) */
	bool job;			/* a pool job is queued or running */
	bool counted;			/* counts towards asr->active */
	int err;
	char text[TEXT_MAX];
	asr_done_h *doneh;		/* NULL once cancelled or done */
	void *arg;
};

struct asr_sess {
	struct rec *rec;
};


static void asr_destructor(void *arg)
{
	struct asr *asr = arg;
	size_t i;

	for (i = 0; i < asr->idlec; i++)
		asr->eng->dec_free(asr->idle[i]);
	mem_deref(asr->idle);
	if (asr->engine)
		asr->eng->close(asr->engine);
	pthread_mutex_destroy(&asr->lock);
}


int asr_alloc(struct asr **asrp, const struct asr_engine *engine,
	      const char *model_dir, uint32_t max_sessions)
{
	struct asr *asr;
	int err;

	if (!asrp || !engine)
		return EINVAL;

	asr = mem_zalloc(sizeof(*asr), asr_destructor);
	if (!asr)
		return ENOMEM;
	pthread_mutex_init(&asr->lock, NULL);
	asr->eng = engine;
	asr->max = max_sessions;

	err = engine->open(&asr->engine, model_dir);
	if (err) {
		log_warn("speech: %s engine: cannot open the model in %s: %m",
			 engine->name, model_dir, err);
		mem_deref(asr);
		return err;
	}
	*asrp = asr;
	return 0;
}


bool asr_word_known(const char *word, void *arg)
{
	struct asr *asr = arg;

	return asr && asr->eng->word_known(asr->engine, word);
}


uint32_t asr_active(const struct asr *asr)
{
	return asr ? asr->active : 0;
}


/* pool: a decoder from the idle list, or a new one */
static int dec_get(struct asr *asr, void **decp)
{
	pthread_mutex_lock(&asr->lock);
	if (asr->idlec) {
		*decp = asr->idle[--asr->idlec];
		pthread_mutex_unlock(&asr->lock);
		return 0;
	}
	pthread_mutex_unlock(&asr->lock);
	return asr->eng->dec_alloc(decp, asr->engine);
}


static void dec_put(struct asr *asr, void *dec)
{
	bool kept = false;

	pthread_mutex_lock(&asr->lock);
	if (asr->idlec < asr->idle_sz) {
		asr->idle[asr->idlec++] = dec;
		kept = true;
	}
	pthread_mutex_unlock(&asr->lock);
	if (!kept)
		asr->eng->dec_free(dec);
}


static void rec_destructor(void *arg)
{
	struct rec *r = arg;

	if (r->dec)
		dec_put(r->asr, r->dec);
	if (r->counted)
		--r->asr->active;
	mem_deref(r->jsgf);
	mem_deref(r->buf);
	mem_deref(r->asr);
	pthread_mutex_destroy(&r->lock);
}


/* pool thread: decode what was written, and the end when asked */
static void rec_work(void *arg)
{
	struct rec *r = arg;
	int16_t *chunk = NULL;
	size_t n = 0;
	bool finish;
	int err = 0;

	pthread_mutex_lock(&r->lock);
	if (r->bufc) {
		chunk = r->buf;
		n = r->bufc;
		r->buf = NULL;
		r->bufc = 0;
		r->buf_sz = 0;
	}
	finish = r->finish;
	pthread_mutex_unlock(&r->lock);

	if (!r->dec)
		err = dec_get(r->asr, &r->dec);
	if (!err && !r->begun) {
		err = r->asr->eng->begin(r->dec, r->jsgf);
		r->begun = !err;
	}
	if (!err && n)
		err = r->asr->eng->feed(r->dec, chunk, n);
	if (!err && finish) {
		err = r->asr->eng->end(r->dec, r->text, sizeof(r->text));
		r->finished = true;
	}
	if (err) {
		r->err = err;
		r->finished = true;
	}
	mem_deref(chunk);
}


static void rec_kick(struct rec *r);


/* loop: a job ended; another if there is more, the result if done */
static void rec_done(int err, void *arg)
{
	struct rec *r = arg;

	r->job = false;
	if (err && !r->finished) {
		r->err = err;
		r->finished = true;
	}

	if (r->finished) {
		asr_done_h *h = r->doneh;

		r->doneh = NULL;
		if (r->counted) {
			r->counted = false;
			--r->asr->active;
		}
		if (h)
			h(r->err, r->err ? "" : r->text, r->arg);
	}
	else {
		rec_kick(r);
	}
	mem_deref(r);
}


static void rec_kick(struct rec *r)
{
	bool more;

	if (r->job || r->finished || !r->doneh)
		return;
	pthread_mutex_lock(&r->lock);
	more = r->bufc || r->finish;
	pthread_mutex_unlock(&r->lock);
	if (!more)
		return;

	mem_ref(r);
	r->job = true;
	if (loop_work(rec_work, rec_done, r)) {
		r->job = false;
		mem_deref(r);
	}
}


static void sess_destructor(void *arg)
{
	struct asr_sess *s = arg;

	if (s->rec) {
		s->rec->doneh = NULL;		/* cancelled */
		if (s->rec->counted && !s->rec->job) {
			s->rec->counted = false;
			--s->rec->asr->active;
		}
	}
	mem_deref(s->rec);
}


int asr_start(struct asr_sess **sp, struct asr *asr, const char *jsgf,
	      asr_done_h *doneh, void *arg)
{
	struct asr_sess *s;
	struct rec *r;
	int err;

	if (!sp || !asr || !jsgf || !doneh)
		return EINVAL;
	if (asr->active >= asr->max)
		return EBUSY;

	/* the idle list may hold one decoder per allowed recognition */
	if (asr->idle_sz < asr->max) {
		void **v;

		pthread_mutex_lock(&asr->lock);
		v = mem_reallocarray(asr->idle, asr->max, sizeof(*v), NULL);
		if (v) {
			asr->idle = v;
			asr->idle_sz = asr->max;
		}
		pthread_mutex_unlock(&asr->lock);
		if (!v)
			return ENOMEM;
	}

	r = mem_zalloc(sizeof(*r), rec_destructor);
	if (!r)
		return ENOMEM;
	pthread_mutex_init(&r->lock, NULL);
	r->asr = mem_ref(asr);
	r->doneh = doneh;
	r->arg = arg;
	err = str_dup(&r->jsgf, jsgf);
	if (err) {
		mem_deref(r);
		return err;
	}

	s = mem_zalloc(sizeof(*s), sess_destructor);
	if (!s) {
		mem_deref(r);
		return ENOMEM;
	}
	s->rec = r;
	r->counted = true;
	++asr->active;
	*sp = s;
	return 0;
}


int asr_write(struct asr_sess *s, const int16_t *pcm, size_t n)
{
	struct rec *r;
	int err = 0;

	if (!s || (!pcm && n))
		return EINVAL;
	r = s->rec;
	if (r->finish)
		return EALREADY;
	if (!n)
		return 0;

	pthread_mutex_lock(&r->lock);
	if (r->bufc + n > BUF_MAX) {
		err = EOVERFLOW;
	}
	else if (r->bufc + n > r->buf_sz) {
		size_t sz = (r->bufc + n) * 2;
		int16_t *b;

		b = r->buf ? mem_realloc(r->buf, sz * sizeof(*b))
			: mem_alloc(sz * sizeof(*b), NULL);
		if (!b)
			err = ENOMEM;
		else {
			r->buf = b;
			r->buf_sz = sz;
		}
	}
	if (!err) {
		memcpy(r->buf + r->bufc, pcm, n * sizeof(*pcm));
		r->bufc += n;
	}
	pthread_mutex_unlock(&r->lock);

	if (!err)
		rec_kick(r);
	return err;
}


int asr_finish(struct asr_sess *s)
{
	if (!s)
		return EINVAL;
	pthread_mutex_lock(&s->rec->lock);
	s->rec->finish = true;
	pthread_mutex_unlock(&s->rec->lock);
	rec_kick(s->rec);
	return 0;
}
