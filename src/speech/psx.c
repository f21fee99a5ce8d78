/**
 * @file psx.c  The pocketsphinx engine, with the telephone front end.
 *
 * Debian ships only the 16 kHz en-us model, so 8 kHz phone audio goes
 * through speexdsp's resampler (streaming, with state across 20 ms
 * frames, which the project's own media/resample.c, a whole-buffer
 * converter, is not) to 16 kHz. The band above 4 kHz is then empty,
 * which throws the model's upper mel filters (up to 6.8 kHz) to log(0)
 * and ruins recognition; a steady, quiet noise floor in 4-8 kHz (white
 * noise at 8 kHz, upsampled, shifted up by (-1)^n) gives those filters
 * a constant level that cepstral mean normalisation removes. Measured
 * on espeak-ng phrases, this turns garbage into the right words.
 *
 * Each decoder keeps the searches of the grammars it has seen, by a
 * hash of the JSGF text, so a bot's grammar is compiled once per decoder.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pocketsphinx.h>
#include <speex/speex_resampler.h>
#include <callflowd/core/libre.h>
#include <callflowd/speech/asr.h>

enum {
	RATE_IN = 8000,
	RATE_MODEL = 16000,
	CHUNK = 320,			/* 20 ms at 8 kHz per step */
	RESAMPLE_QUALITY = 6,
	WORDS_BUCKETS = 4096,
};

/* the 4-8 kHz floor: peak of the noise, s16 */
static const float NOISE_LEVEL = 0.05f * 16384.0f;

struct psx_engine {
	char *hmm;
	char *dict;
	struct hash *words;		/* the dictionary's words */
};

struct word {
	struct le he;
	char *w;
};

struct psx_dec {
	struct psx_engine *eng;
	cmd_ln_t *cfg;
	ps_decoder_t *ps;
	SpeexResamplerState *rs;	/* speech 8 -> 16 kHz */
	SpeexResamplerState *rn;	/* noise 8 -> 16 kHz */
	uint32_t seed;
	bool in_utt;
};


static void word_destructor(void *arg)
{
	struct word *w = arg;

	hash_unlink(&w->he);
	mem_deref(w->w);
}


static bool word_cmp(struct le *le, void *arg)
{
	const struct word *w = le->data;

	return !strcmp(w->w, arg);
}


static void engine_close(void *arg)
{
	struct psx_engine *e = arg;

	if (!e)
		return;
	hash_flush(e->words);
	mem_deref(e->words);
	mem_deref(e->hmm);
	mem_deref(e->dict);
	mem_deref(e);
}


/* The dictionary's words ("word" or "word(2)" for variants). */
static int words_load(struct psx_engine *e)
{
	char line[512];
	FILE *fp = fopen(e->dict, "r");
	int err = 0;

	if (!fp)
		return errno;

	while (!err && fgets(line, sizeof(line), fp)) {
		char *sp = strpbrk(line, " \t(");
		struct word *w;

		if (!sp || sp == line || *sp == '(')
			continue;
		*sp = '\0';
		w = mem_zalloc(sizeof(*w), word_destructor);
		if (!w || str_dup(&w->w, line)) {
			mem_deref(w);
			err = ENOMEM;
			break;
		}
		hash_append(e->words, hash_joaat_str(w->w), &w->he, w);
	}
	fclose(fp);
	return err;
}


static int engine_open(void **enginep, const char *model_dir)
{
	struct psx_engine *e;
	int err;

	if (!model_dir)
		return EINVAL;
	e = mem_zalloc(sizeof(*e), NULL);
	if (!e)
		return ENOMEM;

	err  = re_sdprintf(&e->hmm, "%s/en-us", model_dir);
	err |= re_sdprintf(&e->dict, "%s/cmudict-en-us.dict", model_dir);
	if (!err)
		err = hash_alloc(&e->words, WORDS_BUCKETS);
	if (!err)
		err = words_load(e);
	if (err) {
		engine_close(e);
		return err;
	}
	*enginep = e;
	return 0;
}


static bool engine_word_known(void *arg, const char *word)
{
	struct psx_engine *e = arg;

	return hash_lookup(e->words, hash_joaat_str(word), word_cmp,
			   (void *)word) != NULL;
}


static void dec_free(void *arg)
{
	struct psx_dec *d = arg;

	if (!d)
		return;
	if (d->ps)
		ps_free(d->ps);
	if (d->cfg)
		cmd_ln_free_r(d->cfg);
	if (d->rs)
		speex_resampler_destroy(d->rs);
	if (d->rn)
		speex_resampler_destroy(d->rn);
	free(d);
}


/*
 * A phone line cuts everything above 3.4 kHz, where /s/ and /f/ live:
 * the digits that start with one are also heard without it (CMU
 * dictionary alternates, used by grammar searches).
 */
static void narrowband_words(ps_decoder_t *ps)
{
	static const char *const alt[][2] = {
		{"seven(2)", "EH V AH N"},
		{"seven(3)", "TH EH V AH N"},
		{"six(2)", "IH K S"},
		{"five(2)", "AY V"},
		{"four(2)", "AO R"},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(alt); i++)
		(void)ps_add_word(ps, alt[i][0], alt[i][1], i + 1 ==
				  ARRAY_SIZE(alt));
}


static int dec_alloc(void **decp, void *engine)
{
	struct psx_engine *e = engine;
	struct psx_dec *d;
	int rerr = 0;

	/* plain malloc: a pool thread makes it, any thread frees it */
	d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->eng = e;
	d->seed = 0x2545f491u;

	d->cfg = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", e->hmm,
			     "-dict", e->dict, "-logfn", "/dev/null", NULL);
	if (d->cfg)
		d->ps = ps_init(d->cfg);
	if (d->ps)
		narrowband_words(d->ps);
	d->rs = speex_resampler_init(1, RATE_IN, RATE_MODEL, RESAMPLE_QUALITY,
				     &rerr);
	d->rn = speex_resampler_init(1, RATE_IN, RATE_MODEL, RESAMPLE_QUALITY,
				     &rerr);
	if (!d->ps || !d->rs || !d->rn) {
		dec_free(d);
		return ENODEV;
	}
	*decp = d;
	return 0;
}


static int dec_begin(void *arg, const char *jsgf)
{
	struct psx_dec *d = arg;
	char name[16];

	/* a recognition cancelled midway left its utterance open */
	if (d->in_utt) {
		(void)ps_end_utt(d->ps);
		d->in_utt = false;
	}
	(void)re_snprintf(name, sizeof(name), "g%08x", hash_joaat_str(jsgf));
	if (!ps_get_fsg(d->ps, name) &&
	    ps_set_jsgf_string(d->ps, name, jsgf))
		return EBADMSG;
	if (ps_set_search(d->ps, name))
		return EBADMSG;

	speex_resampler_reset_mem(d->rs);
	speex_resampler_reset_mem(d->rn);
	if (ps_start_utt(d->ps))
		return EIO;
	d->in_utt = true;
	return 0;
}


static int16_t noise8(struct psx_dec *d)
{
	d->seed = d->seed * 1103515245u + 12345u;
	return (int16_t)((float)((int)((d->seed >> 16) & 0x7fff) - 16384) *
			 (NOISE_LEVEL / 16384.0f));
}


static int dec_feed(void *arg, const int16_t *pcm, size_t n)
{
	struct psx_dec *d = arg;
	int16_t nz8[CHUNK], out[CHUNK * 2 + 8], nz[CHUNK * 2 + 8];

	if (!d->in_utt)
		return EINVAL;

	while (n) {
		spx_uint32_t in = n < CHUNK ? (spx_uint32_t)n : CHUNK;
		spx_uint32_t il = in, ol = ARRAY_SIZE(out);
		spx_uint32_t nl = in, nol = ARRAY_SIZE(nz);
		spx_uint32_t i;

		for (i = 0; i < in; i++)
			nz8[i] = noise8(d);
		speex_resampler_process_int(d->rs, 0, pcm, &il, out, &ol);
		speex_resampler_process_int(d->rn, 0, nz8, &nl, nz, &nol);
		for (i = 0; i < ol && i < nol; i++) {
			int v = out[i] + ((i & 1) ? -nz[i] : nz[i]);

			out[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ?
					   -32768 : v);
		}
		if (ol && ps_process_raw(d->ps, out, ol, FALSE, FALSE) < 0)
			return EIO;
		pcm += il;
		n -= il;
		if (!il)
			break;
	}
	return 0;
}


static int dec_end(void *arg, char *text, size_t sz)
{
	struct psx_dec *d = arg;
	const char *hyp;
	int32 score;

	if (!d->in_utt)
		return EINVAL;
	d->in_utt = false;
	if (ps_end_utt(d->ps))
		return EIO;
	hyp = ps_get_hyp(d->ps, &score);
	str_ncpy(text, hyp ? hyp : "", sz);
	return 0;
}


const struct asr_engine asr_pocketsphinx = {
	.name = "pocketsphinx",
	.open = engine_open,
	.close = engine_close,
	.word_known = engine_word_known,
	.dec_alloc = dec_alloc,
	.dec_free = dec_free,
	.begin = dec_begin,
	.feed = dec_feed,
	.end = dec_end,
};
