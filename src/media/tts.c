/**
 * @file tts.c  espeak-ng synthesis on the pool with memory and disk caches.
 *
 * Ownership: a request (the caller's handle) waits on a job; the job owns
 * the inputs and the result and lives until its pool work is done, even if
 * every request was cancelled (mem_deref), so the pool thread never sees
 * freed memory. Requests for a key already being synthesised join that job.
 * The pool thread touches only the job's inputs and result fields.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <espeak-ng/speak_lib.h>
#include <re.h>
#include <callflowd/media/audio.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/media/resample.h>
#include <callflowd/media/ssml.h>
#include <callflowd/media/tts.h>
#include <callflowd/core/util.h>
#include <callflowd/media/voices.h>

enum {
	BASE_WPM = 160,			/* Polly's neutral pace */
	MAX_SECONDS = 600,		/* longest prompt we synthesise */
	HASH_BUCKETS = 256,
};

static const char DISK_MAGIC[8] = "CFDTTS1\n";

struct tts {
	char *cache_dir;
	size_t mem_max;
	struct hash *ht;		/* key -> centry */
	struct list lru;		/* centry, most recent first */
	struct list jobs;		/* jobs in flight (weak) */
	struct tts_stats st;
};

struct centry {
	struct le he;
	struct le le;
	struct tts *tts;		/* weak: entries die with the tts */
	char *key;
	struct audio *audio;
	size_t bytes;
};

struct tts_job {
	struct le le;			/* in tts->jobs */
	struct tts *tts;		/* ref */
	struct list reqs;		/* waiting requests (weak) */
	/* inputs, read-only once queued */
	char *key;
	char *path;
	char espeak[32];
	struct list segs;
	/* results, written by the pool thread */
	struct audio *audio;
	int err;
	bool disk_hit;
	bool disk_err;
};

struct tts_req {
	struct le le;			/* in job->reqs */
	struct tmr tmr;			/* deferred delivery of a memory hit */
	struct audio *audio;		/* memory hit */
	tts_done_h *doneh;
	void *arg;
};

/* espeak-ng is process-global and not thread-safe */
static pthread_mutex_t espeak_lock = PTHREAD_MUTEX_INITIALIZER;
static int espeak_rate;			/* 0 until initialised, <0 failed */


/* -------- memory cache -------- */

static void centry_destructor(void *arg)
{
	struct centry *ce = arg;

	hash_unlink(&ce->he);
	list_unlink(&ce->le);
	if (ce->tts) {
		ce->tts->st.mem_bytes -= ce->bytes;
		--ce->tts->st.mem_entries;
	}
	mem_deref(ce->key);
	mem_deref(ce->audio);
}


static bool centry_cmp(struct le *le, void *arg)
{
	const struct centry *ce = le->data;

	return !strcmp(ce->key, arg);
}


static struct centry *cache_find(struct tts *tts, const char *key)
{
	struct le *le;

	le = hash_lookup(tts->ht, hash_joaat_str(key), centry_cmp,
			 (void *)key);
	return le ? le->data : NULL;
}


static void cache_put(struct tts *tts, const char *key, struct audio *a)
{
	size_t bytes = sizeof(*a) + a->count * sizeof(int16_t);
	struct centry *ce;

	if (bytes > tts->mem_max || cache_find(tts, key))
		return;

	ce = mem_zalloc(sizeof(*ce), centry_destructor);
	if (!ce || str_dup(&ce->key, key)) {
		mem_deref(ce);
		return;
	}

	ce->tts = tts;
	ce->audio = mem_ref(a);
	ce->bytes = bytes;
	tts->st.mem_bytes += bytes;
	++tts->st.mem_entries;
	hash_append(tts->ht, hash_joaat_str(key), &ce->he, ce);
	list_prepend(&tts->lru, &ce->le, ce);

	while (tts->st.mem_bytes > tts->mem_max && list_tail(&tts->lru))
		mem_deref(list_tail(&tts->lru)->data);
}


/* -------- disk cache (pool thread) -------- */

/* 128-bit name from two FNV-1a passes with different offsets */
static void key_hash(char out[33], const char *key)
{
	uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)key; *p; p++) {
		h1 = (h1 ^ *p) * 0x100000001b3ULL;
		h2 = (h2 ^ *p) * 0x100000001b3ULL;
		h2 ^= h2 >> 29;
	}

	(void)snprintf(out, 33, "%016llx%016llx", (unsigned long long)h1,
		       (unsigned long long)h2);
}


static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}


static void set32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}


/* The file repeats the key, so a hash collision is a miss, not a mix-up. */
static int disk_read(struct audio **ap, const char *path, const char *key)
{
	size_t klen = strlen(key), len = 0, hdr, i;
	uint32_t rate, count;
	const uint8_t *b;
	char *buf = NULL;
	int err;

	err = util_read_file(&buf, &len, path,
			     64 + klen + (size_t)MAX_SECONDS * AUDIO_RATE * 2);
	if (err)
		return err;

	b = (const uint8_t *)buf;
	hdr = sizeof(DISK_MAGIC) + 4 + klen + 8;
	if (len < hdr || memcmp(b, DISK_MAGIC, sizeof(DISK_MAGIC)) ||
	    get32(b + 8) != klen || memcmp(b + 12, key, klen)) {
		err = ENOENT;
		goto out;
	}

	rate = get32(b + 12 + klen);
	count = get32(b + 16 + klen);
	if (rate != AUDIO_RATE || len - hdr != (size_t)count * 2) {
		err = ENOENT;
		goto out;
	}

	err = audio_alloc(ap, count, rate);
	if (err)
		goto out;
	for (i = 0; i < count; i++)
		(*ap)->samples[i] = (int16_t)(b[hdr + 2 * i] |
					      b[hdr + 2 * i + 1] << 8);

 out:
	mem_deref(buf);
	return err;
}


static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += w;
		n -= (size_t)w;
	}

	return 0;
}


static int disk_write(const char *path, const char *key,
		      const struct audio *a)
{
	size_t klen = strlen(key), hdr = sizeof(DISK_MAGIC) + 4 + klen + 8;
	size_t len = hdr + a->count * 2, i;
	char *tmp = NULL;
	uint8_t *b;
	int fd = -1, err;

	b = mem_alloc(len, NULL);
	if (!b)
		return ENOMEM;

	memcpy(b, DISK_MAGIC, sizeof(DISK_MAGIC));
	set32(b + 8, (uint32_t)klen);
	memcpy(b + 12, key, klen);
	set32(b + 12 + klen, a->rate);
	set32(b + 16 + klen, (uint32_t)a->count);
	for (i = 0; i < a->count; i++) {
		b[hdr + 2 * i] = (uint8_t)a->samples[i];
		b[hdr + 2 * i + 1] = (uint8_t)((uint16_t)a->samples[i] >> 8);
	}

	/* a unique temp name, then rename: readers never see a partial file */
	err = re_sdprintf(&tmp, "%s.%08x.tmp", path, rand_u32());
	if (err)
		goto out;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = errno;
		goto out;
	}

	err = write_all(fd, b, len);
	if (close(fd) && !err)
		err = errno;
	fd = -1;
	if (!err && rename(tmp, path))
		err = errno;
	if (err)
		(void)unlink(tmp);

 out:
	mem_deref(tmp);
	mem_deref(b);
	return err;
}


/* -------- espeak-ng (pool thread, under espeak_lock) -------- */

struct pcm {
	int16_t *s;
	size_t n, cap;
	bool overflow;
};


static int pcm_append(struct pcm *pcm, const int16_t *s, size_t n)
{
	if (pcm->n + n > (size_t)MAX_SECONDS * 48000) {
		pcm->overflow = true;
		return EFBIG;
	}

	if (pcm->n + n > pcm->cap) {
		size_t cap = pcm->cap ? pcm->cap : 22050;
		int16_t *ns;

		while (cap < pcm->n + n)
			cap *= 2;
		ns = realloc(pcm->s, cap * sizeof(int16_t));
		if (!ns)
			return ENOMEM;
		pcm->s = ns;
		pcm->cap = cap;
	}

	if (s)
		memcpy(pcm->s + pcm->n, s, n * sizeof(int16_t));
	else
		memset(pcm->s + pcm->n, 0, n * sizeof(int16_t));
	pcm->n += n;

	return 0;
}


static int synth_cb(short *wav, int n, espeak_EVENT *ev)
{
	struct pcm *pcm = ev ? ev->user_data : NULL;

	if (!pcm || !wav || n <= 0)
		return 0;

	/* non-zero asks espeak-ng to stop */
	return pcm_append(pcm, wav, (size_t)n) ? 1 : 0;
}


static int espeak_ready(void)
{
	if (!espeak_rate) {
		espeak_rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0,
						NULL,
						espeakINITIALIZE_DONT_EXIT);
		if (espeak_rate <= 0)
			espeak_rate = -1;
		else {
			espeak_SetSynthCallback(synth_cb);
			/* builds the voice list, without which names such as
			 * "en-gb" that are no file name do not resolve */
			(void)espeak_ListVoices(NULL);
		}
	}

	return espeak_rate > 0 ? 0 : ENOENT;
}


/* Spelled text goes through espeak-ng's own SSML say-as characters. */
static int spell_doc(char **docp, const char *text)
{
	struct mbuf *mb = mbuf_alloc(64);
	const char *c;
	int err;

	if (!mb)
		return ENOMEM;

	err = mbuf_write_str(mb, "<speak><say-as interpret-as=\"characters\">");
	for (c = text; *c && !err; c++) {
		switch (*c) {
		case '&': err = mbuf_write_str(mb, "&amp;"); break;
		case '<': err = mbuf_write_str(mb, "&lt;"); break;
		case '>': err = mbuf_write_str(mb, "&gt;"); break;
		default:  err = mbuf_write_u8(mb, (uint8_t)*c); break;
		}
	}
	err |= mbuf_write_str(mb, "</say-as></speak>");
	if (!err) {
		mb->pos = 0;
		err = mbuf_strdup(mb, docp, mb->end);
	}

	mem_deref(mb);
	return err;
}


static int synth_segments(struct pcm *pcm, const char *voice,
			  const struct list *segs)
{
	struct le *le;
	int err = 0;

	if (espeak_SetVoiceByName(voice) != EE_OK)
		return ENOENT;

	for (le = list_head(segs); le && !err; le = le->next) {
		const struct ssml_seg *seg = le->data;
		char *doc = NULL;
		int wpm;

		if (!seg->text) {
			err = pcm_append(pcm, NULL, (size_t)espeak_rate *
					 seg->pause_ms / 1000);
			continue;
		}

		wpm = BASE_WPM * (int)seg->rate_pct / 100;
		if (wpm < espeakRATE_MINIMUM)
			wpm = espeakRATE_MINIMUM;
		if (wpm > espeakRATE_MAXIMUM)
			wpm = espeakRATE_MAXIMUM;
		(void)espeak_SetParameter(espeakRATE, wpm, 0);

		if (seg->spell) {
			err = spell_doc(&doc, seg->text);
			if (err)
				break;
		}

		if (espeak_Synth(doc ? doc : seg->text,
				 strlen(doc ? doc : seg->text) + 1, 0,
				 POS_CHARACTER, 0,
				 espeakCHARS_UTF8 | (doc ? espeakSSML : 0),
				 NULL, pcm) != EE_OK)
			err = EIO;
		mem_deref(doc);

		if (pcm->overflow)
			err = EFBIG;
	}

	return err;
}


static int synthesise(struct audio **ap, const char *voice,
		      const struct list *segs)
{
	struct pcm pcm = { NULL, 0, 0, false };
	struct audio *raw = NULL;
	uint32_t rate = 0;
	int err;

	pthread_mutex_lock(&espeak_lock);
	err = espeak_ready();
	if (!err) {
		rate = (uint32_t)espeak_rate;
		err = synth_segments(&pcm, voice, segs);
	}
	pthread_mutex_unlock(&espeak_lock);
	if (err)
		goto out;

	err = audio_alloc(&raw, pcm.n, rate);
	if (err)
		goto out;
	if (pcm.n)
		memcpy(raw->samples, pcm.s, pcm.n * sizeof(int16_t));

	err = audio_resample(ap, raw, AUDIO_RATE);

 out:
	mem_deref(raw);
	free(pcm.s);
	return err;
}


static void job_work(void *arg)
{
	struct tts_job *job = arg;

	if (job->path && !disk_read(&job->audio, job->path, job->key)) {
		job->disk_hit = true;
		return;
	}

	job->err = synthesise(&job->audio, job->espeak, &job->segs);
	if (job->err || !job->path)
		return;

	job->disk_err = disk_write(job->path, job->key, job->audio) != 0;
}


/* -------- requests and jobs (loop thread) -------- */

static void job_destructor(void *arg)
{
	struct tts_job *job = arg;
	struct le *le;

	list_unlink(&job->le);
	while ((le = list_head(&job->reqs)))
		list_unlink(le);
	list_flush(&job->segs);
	mem_deref(job->audio);
	mem_deref(job->path);
	mem_deref(job->key);
	mem_deref(job->tts);
}


static void job_done(int err, void *arg)
{
	struct tts_job *job = arg;
	struct tts *tts = job->tts;
	struct le *le;

	list_unlink(&job->le);
	if (!err)
		err = job->err;

	if (err) {
		++tts->st.errors;
		log_warn("tts: synthesis with voice %s failed: %s",
			 job->espeak, strerror(err));
	}
	else {
		if (job->disk_hit)
			++tts->st.disk_hits;
		else
			++tts->st.misses;
		if (job->disk_err) {
			++tts->st.disk_errors;
			log_warn("tts: cannot write cache file %s",
				 job->path);
		}
		cache_put(tts, job->key, job->audio);
	}

	/* a done handler may cancel other waiting requests: take one at a
	 * time from the head */
	while ((le = list_head(&job->reqs))) {
		struct tts_req *req = le->data;

		list_unlink(le);
		req->doneh(err, err ? NULL : job->audio, job->disk_hit,
			   req->arg);
	}

	mem_deref(job);
}


static void req_destructor(void *arg)
{
	struct tts_req *req = arg;

	tmr_cancel(&req->tmr);
	list_unlink(&req->le);
	mem_deref(req->audio);
}


static void req_hit(void *arg)
{
	struct tts_req *req = arg;

	req->doneh(0, req->audio, true, req->arg);
}


static struct tts_job *job_find(struct tts *tts, const char *key)
{
	struct le *le;

	for (le = list_head(&tts->jobs); le; le = le->next) {
		struct tts_job *job = le->data;

		if (!strcmp(job->key, key))
			return job;
	}

	return NULL;
}


static int job_start(struct tts_job **jobp, struct tts *tts, const char *key,
		     const char *espeak, struct list *segs)
{
	struct tts_job *job;
	struct le *le;
	int err;

	job = mem_zalloc(sizeof(*job), job_destructor);
	if (!job)
		return ENOMEM;

	job->tts = mem_ref(tts);
	(void)str_ncpy(job->espeak, espeak, sizeof(job->espeak));
	err = str_dup(&job->key, key);
	if (!err && tts->cache_dir) {
		char hex[33];

		key_hash(hex, key);
		err = re_sdprintf(&job->path, "%s/%s.pcm", tts->cache_dir,
				  hex);
	}
	if (err)
		goto out;

	while ((le = list_head(segs))) {
		list_unlink(le);
		list_append(&job->segs, le, le->data);
	}

	err = loop_work(job_work, job_done, job);
	if (err)
		goto out;

	list_append(&tts->jobs, &job->le, job);
	*jobp = job;

 out:
	if (err)
		mem_deref(job);
	return err;
}


int tts_synth(struct tts_req **reqp, struct tts *tts, const char *text,
	      bool is_ssml, const char *voice, const char *language,
	      tts_done_h *doneh, void *arg)
{
	struct list segs = LIST_INIT;
	struct voice_sel sel;
	struct tts_req *req = NULL;
	struct tts_job *job;
	struct centry *ce;
	char *key = NULL, *ignored = NULL, *perr = NULL;
	int err;

	if (!reqp || !tts || !text || !doneh)
		return EINVAL;

	if (voices_resolve(&sel, voice, language) == ENOENT)
		log_warn("tts: unknown voice \"%s\" / language \"%s\", "
			 "using %s", voice ? voice : "",
			 language ? language : "", sel.espeak);

	if (is_ssml) {
		err = ssml_parse(&segs, &ignored, &perr, text);
		if (err) {
			log_warn("tts: bad SSML: %s", perr ? perr : "?");
			goto out;
		}
		if (ignored)
			log_warn("tts: SSML tags ignored: %s", ignored);
	}
	else {
		err = ssml_plain(&segs, text);
		if (err)
			goto out;
	}

	err = re_sdprintf(&key, "%s|%u|%H", sel.espeak, (unsigned)BASE_WPM,
			  ssml_print, &segs);
	if (err)
		goto out;

	req = mem_zalloc(sizeof(*req), req_destructor);
	if (!req) {
		err = ENOMEM;
		goto out;
	}
	tmr_init(&req->tmr);
	req->doneh = doneh;
	req->arg = arg;

	ce = cache_find(tts, key);
	if (ce) {
		++tts->st.mem_hits;
		list_unlink(&ce->le);
		list_prepend(&tts->lru, &ce->le, ce);
		req->audio = mem_ref(ce->audio);
		tmr_start(&req->tmr, 0, req_hit, req);
		goto out;
	}

	job = job_find(tts, key);
	if (job)
		++tts->st.joined;
	else
		err = job_start(&job, tts, key, sel.espeak, &segs);
	if (err)
		goto out;

	list_append(&job->reqs, &req->le, req);

 out:
	list_flush(&segs);
	mem_deref(key);
	mem_deref(ignored);
	mem_deref(perr);
	if (err)
		mem_deref(req);
	else
		*reqp = req;

	return err;
}


static void tts_destructor(void *arg)
{
	struct tts *tts = arg;

	/* jobs hold a reference: none is in flight here */
	list_flush(&tts->lru);
	mem_deref(tts->ht);
	mem_deref(tts->cache_dir);
}


int tts_alloc(struct tts **ttsp, const char *cache_dir,
	      size_t mem_cache_bytes)
{
	struct tts *tts;
	int err;

	if (!ttsp)
		return EINVAL;

	tts = mem_zalloc(sizeof(*tts), tts_destructor);
	if (!tts)
		return ENOMEM;

	tts->mem_max = mem_cache_bytes;
	err = hash_alloc(&tts->ht, HASH_BUCKETS);
	if (err)
		goto out;

	if (cache_dir && *cache_dir) {
		err = str_dup(&tts->cache_dir, cache_dir);
		if (err)
			goto out;
		if (mkdir(cache_dir, 0755) && errno != EEXIST) {
			err = errno;
			log_error("tts: cannot create cache dir %s: %s",
				  cache_dir, strerror(err));
			goto out;
		}
	}

	*ttsp = tts;

 out:
	if (err)
		mem_deref(tts);
	return err;
}


void tts_get_stats(const struct tts *tts, struct tts_stats *st)
{
	if (!st)
		return;

	if (tts)
		*st = tts->st;
	else
		memset(st, 0, sizeof(*st));
}
