/*
 * bench_asr: figures for speech recognition on 8 kHz phone audio (a
 * benchmark, not a test).
 *
 *  (a) the pocketsphinx engine with the telephone front end (speexdsp
 *      8 -> 16 kHz, noise floor) and the Banking bot's grammar on
 *      espeak-ng phrases made at 8 kHz: CPU seconds per second of audio
 *      on one core (real-time factor), and from it the recognitions one
 *      core keeps up with in real time; decoder set-up time.
 *  (b) the loop while N callers speak at once: N recognitions fed a
 *      20 ms frame each from a 20 ms timer, as calls would, decoding on
 *      the libuv pool; how late the loop's 20 ms timer fires (median,
 *      p99, max) and whether every recognition came back.
 *
 * Usage: bench_asr [callers] [rounds]   (default 20 callers, 5 rounds)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/media/audio.h>
#include <callflowd/media/tts.h>
#include <callflowd/speech/asr.h>
#include <callflowd/speech/bot.h>

#define MODEL "/usr/share/pocketsphinx/model/en-us"
#define BOT CFD_SOURCE_DIR "/tests/data/bots/Banking"

static const char *const phrases[] = {
	"sales",
	"I want to check my balance",
	"my account number is four two seven one",
	"technical support",
};

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct synth {
	struct audio *a;
	bool done;
};

static void tts_done(int err, struct audio *a, bool hit, void *arg)
{
	struct synth *s = arg;
	(void)hit;

	if (!err)
		s->a = mem_ref(a);
	s->done = true;
	re_cancel();
}

/* espeak-ng at 8 kHz, with the half second of silence a caller leaves */
static struct audio *speak(struct tts *tts, const char *text)
{
	struct tts_req *req = NULL;
	struct synth s = {0};
	struct audio *a = NULL;

	if (tts_synth(&req, tts, text, false, "Joanna", "en-US", tts_done, &s))
		return NULL;
	while (!s.done)
		(void)re_main(NULL);
	mem_deref(req);
	if (s.a && !audio_alloc(&a, s.a->count + 8000, AUDIO_RATE))
		memcpy(a->samples + 4000, s.a->samples,
		       s.a->count * sizeof(int16_t));
	mem_deref(s.a);
	return a;
}

/* resident set size in MB */
static double rss_mb(void)
{
	long pages = 0, resident = 0;
	FILE *fp = fopen("/proc/self/statm", "r");

	if (fp) {
		if (fscanf(fp, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(fp);
	}
	return (double)resident * 4096.0 / (1024.0 * 1024.0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* (a) on this thread, the engine's ops directly */
static void bench_engine(struct audio **av, size_t ac, const char *jsgf,
			 int rounds)
{
	const struct asr_engine *e = &asr_pocketsphinx;
	void *eng = NULL, *dec = NULL;
	double t0, t1, m0, audio_s = 0, cpu = 0;
	size_t i;
	int r;

	if (e->open(&eng, MODEL)) {
		fprintf(stderr, "bench_asr: no model in %s\n", MODEL);
		return;
	}
	m0 = rss_mb();
	t0 = mono_s();
	if (e->dec_alloc(&dec, eng)) {
		fprintf(stderr, "bench_asr: decoder failed\n");
		e->close(eng);
		return;
	}
	t1 = mono_s();
	printf("decoder set-up (model, dictionary, on a pool thread): "
	       "%.0f ms, %.1f MB resident\n", (t1 - t0) * 1000,
	       rss_mb() - m0);

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < ac; i++) {
			char text[256];
			double c0 = cpu_s();
			size_t off;

			(void)e->begin(dec, jsgf);
			for (off = 0; off < av[i]->count; off += AUDIO_FRAME) {
				size_t n = av[i]->count - off;

				(void)e->feed(dec, av[i]->samples + off,
					      n < AUDIO_FRAME ? n :
					      AUDIO_FRAME);
			}
			(void)e->end(dec, text, sizeof(text));
			cpu += cpu_s() - c0;
			audio_s += (double)av[i]->count / AUDIO_RATE;
			if (!r)
				printf("  \"%s\" -> \"%s\"\n", phrases[i],
				       text);
		}
	}
	printf("(a) real-time factor, one core: %.3f (%.1f s of CPU for "
	       "%.1f s of 8 kHz audio)\n", cpu / audio_s, cpu, audio_s);
	printf("    recognitions one core keeps up with in real time: "
	       "%.0f\n", audio_s / cpu);
	e->dec_free(dec);
	e->close(eng);
}

struct caller {
	struct asr_sess *s;
	const struct audio *a;
	size_t off;
	bool finished;
	bool done;
	char text[256];
};

struct crowd {
	struct caller *v;
	size_t n;
	size_t done;
	struct tmr tmr;
	double next;
	double *late;
	size_t latec, late_sz;
};

static void rec_done(int err, const char *text, void *arg)
{
	struct caller *c = arg;
	(void)err;

	str_ncpy(c->text, text, sizeof(c->text));
	c->done = true;
}

static void tick(void *arg)
{
	struct crowd *cr = arg;
	double now = mono_s();
	size_t i, done = 0;

	if (cr->latec < cr->late_sz)
		cr->late[cr->latec++] = (now - cr->next) * 1000;
	cr->next += 0.020;

	for (i = 0; i < cr->n; i++) {
		struct caller *c = &cr->v[i];

		if (c->done) {
			++done;
			continue;
		}
		if (c->off + AUDIO_FRAME <= c->a->count) {
			(void)asr_write(c->s, c->a->samples + c->off,
					AUDIO_FRAME);
			c->off += AUDIO_FRAME;
		}
		else if (!c->finished) {
			c->finished = true;
			(void)asr_finish(c->s);
		}
	}
	if (done == cr->n) {
		re_cancel();
		return;
	}
	now = mono_s();
	tmr_start(&cr->tmr, cr->next > now ? (uint64_t)((cr->next - now) *
							1000) : 0, tick, cr);
}

/* (b) N callers at once through the pool, the loop's timer lateness */
static void bench_crowd(struct audio **av, size_t ac, const char *jsgf,
			size_t n)
{
	struct crowd cr;
	struct asr *asr = NULL;
	size_t i, ok = 0;
	double t0;

	memset(&cr, 0, sizeof(cr));
	if (asr_alloc(&asr, &asr_pocketsphinx, MODEL, (uint32_t)n))
		return;
	cr.v = mem_zalloc(n * sizeof(*cr.v), NULL);
	cr.late_sz = 10000;
	cr.late = mem_zalloc(cr.late_sz * sizeof(double), NULL);
	cr.n = n;
	for (i = 0; i < n; i++) {
		cr.v[i].a = av[i % ac];
		if (asr_start(&cr.v[i].s, asr, jsgf, rec_done, &cr.v[i])) {
			fprintf(stderr, "bench_asr: start %zu failed\n", i);
			goto out;
		}
	}

	tmr_init(&cr.tmr);
	t0 = mono_s();
	cr.next = t0 + 0.020;
	tmr_start(&cr.tmr, 20, tick, &cr);
	(void)re_main(NULL);
	tmr_cancel(&cr.tmr);

	for (i = 0; i < n; i++) {
		const char *want = i % ac == 0 ? "sales" :
			i % ac == 1 ? "i want to check my balance" :
			i % ac == 2 ? "my account number is four two seven one"
			: "technical support";

		ok += !strcmp(cr.v[i].text, want);
	}
	qsort(cr.late, cr.latec, sizeof(double), cmp_double);
	printf("(b) %zu callers speaking at once (decoders made on first "
	       "use): %.1f s wall\n", n, mono_s() - t0);
	printf("    the loop's 20 ms timer late by: median %.2f ms, p99 "
	       "%.2f ms, max %.2f ms (%zu ticks)\n",
	       cr.latec ? cr.late[cr.latec / 2] : 0,
	       cr.latec ? cr.late[cr.latec * 99 / 100] : 0,
	       cr.latec ? cr.late[cr.latec - 1] : 0, cr.latec);
	printf("    recognitions with the right words: %zu of %zu\n", ok, n);
 out:
	for (i = 0; i < n; i++)
		mem_deref(cr.v[i].s);
	mem_deref(cr.v);
	mem_deref(cr.late);
	mem_deref(asr);
}

int main(int argc, char **argv)
{
	size_t callers = argc > 1 ? (size_t)atoi(argv[1]) : 20;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	struct audio *av[ARRAY_SIZE(phrases)] = {0};
	struct tts *tts = NULL;
	struct bot *bot = NULL;
	struct asr *asr = NULL;
	char *jsgf = NULL, err[256];
	size_t i;

	if (libre_init() || loop_init())
		return 1;
	log_set_level(LOG_LVL_WARN);

	if (bot_load(&bot, BOT, NULL, err, sizeof(err)) ||
	    asr_alloc(&asr, &asr_pocketsphinx, MODEL, 1) ||
	    bot_grammar(&jsgf, bot, NULL, NULL, asr_word_known, asr) ||
	    tts_alloc(&tts, NULL, 0)) {
		fprintf(stderr, "bench_asr: set-up failed\n");
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(phrases); i++) {
		av[i] = speak(tts, phrases[i]);
		if (!av[i])
			return 1;
	}

	bench_engine(av, ARRAY_SIZE(phrases), jsgf, rounds);
	if (callers)
		bench_crowd(av, ARRAY_SIZE(phrases), jsgf, callers);

	for (i = 0; i < ARRAY_SIZE(phrases); i++)
		mem_deref(av[i]);
	mem_deref(jsgf);
	mem_deref(tts);
	mem_deref(asr);
	mem_deref(bot);
	loop_close();
	libre_close();
	return 0;
}
