/**
 * @file endpoint.c  Energy endpointing with an adaptive noise floor.
 *
 * A frame is voiced when it is 12 dB above the floor and above -50 dBFS;
 * speech starts after three voiced frames in a row (60 ms: a click is
 * not a caller) and ends after end_ms without a voiced frame. The floor
 * follows quiet frames quickly down and slowly up, so line noise and
 * comfort noise are not speech.
 */
#include <math.h>
#include <string.h>
#include <callflowd/speech/endpoint.h>

enum { RATE = 8000, START_FRAMES = 3 };

static const double ABS_MIN_DB = -50.0;
static const double MARGIN_DB = 12.0;


void ep_init(struct endpoint *ep, uint32_t start_ms, uint32_t end_ms,
	     uint32_t max_ms)
{
	memset(ep, 0, sizeof(*ep));
	ep->start_ms = start_ms;
	ep->end_ms = end_ms;
	ep->max_ms = max_ms;
	ep->floor_db = -70.0;
}


void ep_arm(struct endpoint *ep)
{
	if (ep->timer_armed)
		return;
	ep->timer_armed = true;
	ep->armed_at = ep->samples;
}


static double frame_db(const int16_t *pcm, size_t n)
{
	double acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc += (double)pcm[i] * pcm[i];
	acc = n ? acc / (double)n : 0;
	return 10.0 * log10(acc / (32768.0 * 32768.0) + 1e-12);
}


static uint64_t ms(uint64_t samples)
{
	return samples * 1000 / RATE;
}


enum ep_event ep_frame(struct endpoint *ep, const int16_t *pcm, size_t n)
{
	double db = frame_db(pcm, n);
	bool voiced = db > ABS_MIN_DB && db > ep->floor_db + MARGIN_DB;

	if (ep->done)
		return EP_NONE;
	ep->samples += n;

	if (!voiced) {
		/* down fast, up slowly */
		ep->floor_db += (db - ep->floor_db) *
			(db < ep->floor_db ? 0.3 : 0.02);
		ep->voiced_run = 0;
	}
	else {
		++ep->voiced_run;
		ep->last_voice = ep->samples;
	}

	if (!ep->in_speech) {
		if (ep->voiced_run >= START_FRAMES) {
			ep->in_speech = true;
			ep->speech_at = ep->samples - ep->voiced_run * n;
			return EP_SPEECH_START;
		}
		if (ep->timer_armed && ep->start_ms &&
		    ms(ep->samples - ep->armed_at) >= ep->start_ms) {
			ep->done = true;
			return EP_NO_INPUT;
		}
		return EP_NONE;
	}

	if (ms(ep->samples - ep->speech_at) >= ep->max_ms) {
		ep->done = true;
		return EP_MAX_LENGTH;
	}
	if (ms(ep->samples - ep->last_voice) >= ep->end_ms) {
		ep->done = true;
		return EP_SPEECH_END;
	}
	return EP_NONE;
}
