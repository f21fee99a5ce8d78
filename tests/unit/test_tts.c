/*
 * TTS through the real loop: espeak-ng on the pool, 8 kHz output, memory
 * and disk cache hits, SSML effects measured on the audio, voice fallback,
 * cancellation without callback.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <re.h>
#include <callflowd/media/audio.h>
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>
#include <callflowd/media/tts.h>
#include <callflowd/media/voices.h>
#include "test.h"

struct result {
	int calls;
	int err;
	bool hit;
	struct audio *a;
	bool stop;		/* re_cancel() when called */
};

static void done(int err, struct audio *a, bool hit, void *arg)
{
	struct result *r = arg;

	++r->calls;
	r->err = err;
	r->hit = hit;
	r->a = mem_deref(r->a);
	r->a = mem_ref(a);
	if (r->stop)
		re_cancel();
}

struct env {
	char dir[40];
	char cache[64];
	struct tts *tts;
};

static int env_init(struct env *e)
{
	strcpy(e->dir, "/tmp/cfd-tts-XXXXXX");
	if (!mkdtemp(e->dir))
		return errno;
	snprintf(e->cache, sizeof(e->cache), "%s/tts-cache", e->dir);
	if (loop_init())
		return EIO;
	return tts_alloc(&e->tts, e->cache, 8 * 1024 * 1024);
}

static unsigned count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			++n;
	if (d)
		closedir(d);
	return n;
}

static void env_close(struct env *e)
{
	DIR *d;
	struct dirent *de;
	char path[400];

	e->tts = mem_deref(e->tts);
	loop_close();

	d = opendir(e->cache);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", e->cache, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(e->cache);
	rmdir(e->dir);
}

/* Synthesise and wait on the loop; 0 or the error. */
static int say(struct result *r, struct tts *tts, const char *text,
	       bool ssml, const char *voice, const char *lang)
{
	struct tts_req *req = NULL;
	int err;

	r->calls = 0;
	r->stop = true;
	err = tts_synth(&req, tts, text, ssml, voice, lang, done, r);
	if (err)
		return err;
	/* never called from inside tts_synth */
	if (r->calls)
		return EALREADY;
	err = re_main(NULL);
	mem_deref(req);
	if (!err && r->calls != 1)
		err = EPROTO;
	return err ? err : r->err;
}

/* Longest run of near-silence in ms. */
static uint64_t longest_silence_ms(const struct audio *a)
{
	size_t i, run = 0, best = 0;

	for (i = 0; i < a->count; i++) {
		run = abs(a->samples[i]) < 200 ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best * 1000 / a->rate;
}


TEST(synth_then_memory_then_disk_hit)
{
	struct env e;
	struct result r = {0}, r2 = {0}, r3 = {0};
	struct tts *tts2 = NULL;
	struct tts_stats st;
	uint64_t ms;

	ASSERT_INT_EQ(env_init(&e), 0);

	ASSERT_INT_EQ(say(&r, e.tts, "Hello, thanks for calling", false,
			  "Joanna", NULL), 0);
	ASSERT_FALSE(r.hit);
	ASSERT_INT_EQ(r.a->rate, 8000);
	ms = audio_duration_ms(r.a);
	ASSERT_TRUE(ms >= 800 && ms <= 4000);
	ASSERT_TRUE(audio_rms(r.a, 0, r.a->count) > 500);
	ASSERT_INT_EQ(count_files(e.cache), 1);

	ASSERT_INT_EQ(say(&r2, e.tts, "Hello, thanks for calling", false,
			  "Joanna", NULL), 0);
	ASSERT_TRUE(r2.hit);
	ASSERT_TRUE(r2.a == r.a);
	tts_get_stats(e.tts, &st);
	ASSERT_INT_EQ(st.misses, 1);
	ASSERT_INT_EQ(st.mem_hits, 1);
	ASSERT_INT_EQ(st.mem_entries, 1);

	/* a fresh engine on the same directory reads the file */
	ASSERT_INT_EQ(tts_alloc(&tts2, e.cache, 1024 * 1024), 0);
	ASSERT_INT_EQ(say(&r3, tts2, "Hello, thanks for calling", false,
			  "Joanna", NULL), 0);
	ASSERT_TRUE(r3.hit);
	ASSERT_INT_EQ(r3.a->count, r.a->count);
	ASSERT_TRUE(!memcmp(r3.a->samples, r.a->samples, r.a->count * 2));
	tts_get_stats(tts2, &st);
	ASSERT_INT_EQ(st.disk_hits, 1);
	ASSERT_INT_EQ(st.misses, 0);

	mem_deref(tts2);
	mem_deref(r.a);
	mem_deref(r2.a);
	mem_deref(r3.a);
	env_close(&e);
}


TEST(ssml_break_adds_silence)
{
	struct env e;
	struct result a = {0}, b = {0};

	ASSERT_INT_EQ(env_init(&e), 0);
	/* strength none cuts the text into the same two segments */
	ASSERT_INT_EQ(say(&a, e.tts, "<speak>Hello there.<break strength="
			  "\"none\"/>Goodbye.</speak>", true, NULL, "en-US"),
		      0);
	ASSERT_INT_EQ(say(&b, e.tts, "<speak>Hello there.<break time=\"1s\"/>"
			  "Goodbye.</speak>", true, NULL, "en-US"), 0);
	ASSERT_TRUE(audio_duration_ms(b.a) >= audio_duration_ms(a.a) + 900);
	ASSERT_TRUE(longest_silence_ms(b.a) >= 900);
	ASSERT_TRUE(longest_silence_ms(a.a) < 900);
	mem_deref(a.a);
	mem_deref(b.a);
	env_close(&e);
}


TEST(say_as_digits_and_rate)
{
	struct env e;
	struct result num = {0}, dig = {0}, slow = {0}, fast = {0};
	uint64_t n, d;

	ASSERT_INT_EQ(env_init(&e), 0);
	ASSERT_INT_EQ(say(&num, e.tts, "<speak>123</speak>", true,
			  NULL, NULL), 0);
	ASSERT_INT_EQ(say(&dig, e.tts, "<speak><say-as interpret-as=\"digits\">"
			  "123</say-as></speak>", true, NULL, NULL), 0);
	/* "one hundred and twenty-three" against "one two three" */
	n = audio_duration_ms(num.a);
	d = audio_duration_ms(dig.a);
	ASSERT_TRUE(d + 300 < n);

	ASSERT_INT_EQ(say(&slow, e.tts, "<speak><prosody rate=\"x-slow\">"
			  "Please hold the line</prosody></speak>", true,
			  NULL, NULL), 0);
	ASSERT_INT_EQ(say(&fast, e.tts, "<speak><prosody rate=\"x-fast\">"
			  "Please hold the line</prosody></speak>", true,
			  NULL, NULL), 0);
	ASSERT_TRUE(audio_duration_ms(slow.a) >
		    audio_duration_ms(fast.a) * 3 / 2);

	mem_deref(num.a);
	mem_deref(dig.a);
	mem_deref(slow.a);
	mem_deref(fast.a);
	env_close(&e);
}


static char last_warning[256];

static void sink(enum log_level lvl, const char *line, void *arg)
{
	(void)arg;
	if (lvl == LOG_LVL_WARN)
		str_ncpy(last_warning, line, sizeof(last_warning));
}


TEST(unknown_voice_falls_back)
{
	struct env e;
	struct result a = {0}, b = {0}, m = {0};

	ASSERT_INT_EQ(env_init(&e), 0);
	ASSERT_INT_EQ(say(&a, e.tts, "Welcome", false, NULL, NULL), 0);
	last_warning[0] = '\0';
	log_set_sink(sink, NULL);
	ASSERT_INT_EQ(say(&b, e.tts, "Welcome", false, "Zorblax", NULL), 0);
	log_set_sink(NULL, NULL);
	ASSERT_TRUE(strstr(last_warning, "Zorblax") != NULL);
	/* the default voice's audio, straight from the cache */
	ASSERT_TRUE(b.hit);
	ASSERT_TRUE(b.a == a.a);

	/* a male voice really is another voice */
	ASSERT_INT_EQ(say(&m, e.tts, "Welcome", false, "Matthew", NULL), 0);
	ASSERT_FALSE(m.hit);
	ASSERT_TRUE(m.a->count != a.a->count ||
		    memcmp(m.a->samples, a.a->samples, a.a->count * 2));

	mem_deref(a.a);
	mem_deref(b.a);
	mem_deref(m.a);
	env_close(&e);
}


TEST(spell_and_languages)
{
	struct env e;
	struct result s = {0}, fr = {0}, ja = {0};

	ASSERT_INT_EQ(env_init(&e), 0);
	ASSERT_INT_EQ(say(&s, e.tts, "<speak><say-as interpret-as="
			  "\"characters\">ABC</say-as></speak>", true, "Amy",
			  NULL), 0);
	ASSERT_TRUE(audio_duration_ms(s.a) > 600);
	ASSERT_INT_EQ(say(&fr, e.tts, "Bonjour, merci d'avoir appel\xc3\xa9",
			  false, "L\xc3\xa9" "a", NULL), 0);
	ASSERT_TRUE(audio_rms(fr.a, 0, fr.a->count) > 500);
	ASSERT_INT_EQ(say(&ja, e.tts, "Hello", false, "Mizuki", NULL), 0);
	ASSERT_TRUE(audio_rms(ja.a, 0, ja.a->count) > 500);
	mem_deref(s.a);
	mem_deref(fr.a);
	mem_deref(ja.a);
	env_close(&e);
}


TEST(concurrent_identical_requests_share_a_job)
{
	struct env e;
	struct result a = {0}, b = {0};
	struct tts_req *ra = NULL, *rb = NULL;
	struct tts_stats st;

	ASSERT_INT_EQ(env_init(&e), 0);
	b.stop = true;
	ASSERT_INT_EQ(tts_synth(&ra, e.tts, "Your call is important", false,
				NULL, NULL, done, &a), 0);
	ASSERT_INT_EQ(tts_synth(&rb, e.tts, "Your call is important", false,
				NULL, NULL, done, &b), 0);
	ASSERT_INT_EQ(re_main(NULL), 0);
	ASSERT_INT_EQ(a.calls, 1);
	ASSERT_INT_EQ(b.calls, 1);
	ASSERT_TRUE(a.a == b.a);
	tts_get_stats(e.tts, &st);
	ASSERT_INT_EQ(st.misses, 1);
	ASSERT_INT_EQ(st.joined, 1);
	mem_deref(ra);
	mem_deref(rb);
	mem_deref(a.a);
	mem_deref(b.a);
	env_close(&e);
}


TEST(cancel_never_calls_back)
{
	struct env e;
	struct result c = {0}, c2 = {0}, other = {0};
	struct tts_req *rc = NULL, *rc2 = NULL, *ro = NULL;
	struct tts_stats st;
	struct tts *tts;

	ASSERT_INT_EQ(env_init(&e), 0);
	ASSERT_INT_EQ(tts_synth(&rc, e.tts, "This long announcement is "
				"cancelled before it is ever heard by anyone",
				false, NULL, NULL, done, &c), 0);
	ASSERT_INT_EQ(tts_synth(&rc2, e.tts, "Short", false, "Brian", NULL,
				done, &c2), 0);
	rc = mem_deref(rc);

	/* the job for "Short" finishes while rc2 is cancelled from a
	 * sibling's done handler: neither cancelled request is called */
	other.stop = true;
	ASSERT_INT_EQ(tts_synth(&ro, e.tts, "Short", false, "Brian", NULL,
				done, &other), 0);
	rc2 = mem_deref(rc2);
	ASSERT_INT_EQ(re_main(NULL), 0);
	ASSERT_INT_EQ(other.calls, 1);
	mem_deref(ro);

	/* the caller's engine reference goes while the long job may still
	 * run: the job keeps what it needs, loop_close() waits for it */
	tts = mem_ref(e.tts);
	env_close(&e);
	tts_get_stats(tts, &st);
	mem_deref(tts);
	ASSERT_INT_EQ(c.calls, 0);
	ASSERT_INT_EQ(c2.calls, 0);
	/* both jobs really ran to the end, nobody was told */
	ASSERT_INT_EQ(st.misses, 2);
	ASSERT_INT_EQ(st.joined, 1);
	ASSERT_INT_EQ(st.errors, 0);
	mem_deref(other.a);
}


TEST(bad_input)
{
	struct env e;
	struct result r = {0};
	struct tts_req *req = NULL;

	ASSERT_INT_EQ(env_init(&e), 0);
	log_set_sink(sink, NULL);
	ASSERT_INT_EQ(tts_synth(&req, e.tts, "<speak>unclosed", true, NULL,
				NULL, done, &r), EBADMSG);
	log_set_sink(NULL, NULL);
	ASSERT_TRUE(strstr(last_warning, "unclosed element") != NULL);
	ASSERT_NULL(req);
	ASSERT_INT_EQ(tts_synth(&req, e.tts, NULL, false, NULL, NULL, done,
				&r), EINVAL);
	ASSERT_INT_EQ(r.calls, 0);
	env_close(&e);

	/* a cache dir that cannot be created */
	log_set_sink(sink, NULL);
	ASSERT_INT_EQ(tts_alloc(&e.tts, "/nonexistent/dir/tts", 0), ENOENT);
	log_set_sink(NULL, NULL);
}


/* every espeak-ng voice the Polly table maps to exists in espeak-ng */
TEST(every_mapped_voice_synthesises)
{
	struct env e;
	struct tts_stats st;
	size_t i, failed = 0;

	ASSERT_INT_EQ(env_init(&e), 0);
	for (i = 0; i < voices_count(); i++) {
		struct result r = {0};

		if (say(&r, e.tts, "OK", false, voices_name(i), NULL) ||
		    audio_rms(r.a, 0, r.a ? r.a->count : 0) < 100) {
			fprintf(stderr, "    voice %s failed\n",
				voices_name(i));
			++failed;
		}
		mem_deref(r.a);
	}
	tts_get_stats(e.tts, &st);
	env_close(&e);
	ASSERT_INT_EQ(failed, 0);
	ASSERT_INT_EQ(st.errors, 0);
	/* one synthesis per distinct espeak-ng voice, the rest from cache */
	ASSERT_TRUE(st.misses >= 30 && st.misses < voices_count());
}
