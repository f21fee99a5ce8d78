/**
 * @file recording.c  A contact's call recording, as the flow's
 * UpdateContactRecordingBehavior asks: the IVR part (IVRRecordingBehavior
 * Enabled: in the flow and in queue, the customer left and what we play
 * right) and the agent part (RecordedParticipants, once customer and agent
 * are joined: the customer left, the agent right; a participant not
 * recorded is silence). Both parts go into one stereo WAV per contact;
 * pauses (the API, for card numbers) are silence in both channels.
 *
 * The customer leg's 20 ms send tick (its tap) is the recording clock:
 * each tick writes one frame pair, the left from what the customer sent
 * since (a bounded FIFO absorbs jitter), the right the frame being sent.
 *
 * Owns the recorder (one stereo WAV per contact under
 * data_dir/recordings/YYYY/MM/DD/<ContactId>.wav), the customer's audio
 * waiting for the next tick, and the Recordings[] entries and paused
 * spans the contact record points at.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/core/log.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/media/afifo.h>
#include <callflowd/media/mstream.h>
#include <callflowd/media/recorder.h>
#include <callflowd/call/leg.h>
#include "contact_priv.h"

enum {
	REC_MAX_PARTS = 8,	/* a flow toggling recording more is capped */
	REC_MAX_PAUSES = 32,
	REC_FIFO_MS = 120,
};

enum rec_part { PART_NONE, PART_IVR, PART_AGENT };

struct recording {
	struct recorder *rec;
	struct afifo *cust;		/* the customer's audio, left */
	char *path;
	enum rec_part part;
	bool paused;
	bool full_warned;
	struct crecord_recording partv[REC_MAX_PARTS];
	size_t partc;
	struct crecord_span pausev[REC_MAX_PAUSES];
	size_t pausec;
};

static void rec_done(int err, const char *path, uint64_t frames, void *arg)
{
	(void)arg;
	if (err)
		log_warn("recording %s failed: %m", path, err);
	else
		log_info("recording %s complete (%llu ms)", path,
			 (unsigned long long)(frames / 8));
}

static void recording_destructor(void *arg)
{
	struct recording *cr = arg;

	/* a contact freed without ending still finishes its file */
	if (cr->rec && !recorder_finished(cr->rec))
		(void)recorder_close(cr->rec, rec_done, NULL);
	mem_deref(cr->rec);
	mem_deref(cr->cust);
	mem_deref(cr->path);
}

/* data_dir made absolute without touching the disk */
static int rec_path(char **pathp, const struct contact *c, uint64_t now)
{
	const char *dd = c->cfg->data_dir ? c->cfg->data_dir : ".";
	char cwd[1024], *dir = NULL;
	int err;

	if (dd[0] != '/' && getcwd(cwd, sizeof(cwd)))
		err = re_sdprintf(&dir, "%s/%s", cwd, dd);
	else
		err = str_dup(&dir, dd);
	if (err)
		return err;
	err = recorder_path_for(pathp, dir, c->cd->contact_id, now);
	mem_deref(dir);
	return err;
}

static int recording_alloc(struct contact *c, uint64_t now)
{
	struct recording *cr;
	int err;

	cr = mem_zalloc(sizeof(*cr), recording_destructor);
	if (!cr)
		return ENOMEM;
	err = rec_path(&cr->path, c, now);
	if (!err)
		err = afifo_alloc(&cr->cust, REC_FIFO_MS);
	if (!err)
		err = recorder_alloc(&cr->rec, cr->path);
	if (err) {
		mem_deref(cr);
		return err;
	}
	c->rec = cr;
	return 0;
}

/* The record points at our parts and spans: keep it in step. */
static void sync_info(struct contact *c)
{
	struct recording *cr = c->rec;

	c->info.recordingv = cr->partv;
	c->info.recordingc = cr->partc;
	c->info.recording_status = recorder_error(cr->rec) ? "FAILED" :
		"AVAILABLE";
}

static void pause_open(struct recording *cr, struct crecord_recording *p,
		       uint64_t now)
{
	if (cr->pausec >= REC_MAX_PAUSES)
		return;
	if (!p->pausec)
		p->pausev = &cr->pausev[cr->pausec];
	cr->pausev[cr->pausec].start_ms = now;
	cr->pausev[cr->pausec].stop_ms = 0;
	++cr->pausec;
	++p->pausec;
}

static void pause_close(struct recording *cr, uint64_t now)
{
	if (cr->pausec && !cr->pausev[cr->pausec - 1].stop_ms)
		cr->pausev[cr->pausec - 1].stop_ms = now;
}

static const char *participant(const struct cdata *cd, enum rec_part part)
{
	if (part == PART_IVR)
		return "IVR";
	if (cd->record_agent && cd->record_customer)
		return "ALL";
	return cd->record_agent ? "AGENT" : "CUSTOMER";
}

static void part_end(struct contact *c, uint64_t now)
{
	struct recording *cr = c->rec;

	if (!cr || cr->part == PART_NONE)
		return;
	if (cr->paused)
		pause_close(cr, now);
	cr->partv[cr->partc - 1].stop_ms = now;
	log_info("contact %s: recording %s part stopped", c->cd->contact_id,
		 cr->part == PART_IVR ? "IVR" : "agent");
	cr->part = PART_NONE;
}

static void part_start(struct contact *c, enum rec_part part, uint64_t now)
{
	struct recording *cr = c->rec;
	struct crecord_recording *p;

	if (!cr) {
		int err = recording_alloc(c, now);

		if (err) {
			log_warn("contact %s: cannot record: %m",
				 c->cd->contact_id, err);
			return;
		}
		cr = c->rec;
	}
	if (cr->partc >= REC_MAX_PARTS) {
		if (!cr->full_warned)
			log_warn("contact %s: recording: more than %d parts, "
				 "the rest is not recorded", c->cd->contact_id,
				 REC_MAX_PARTS);
		cr->full_warned = true;
		return;
	}
	p = &cr->partv[cr->partc++];
	memset(p, 0, sizeof(*p));
	p->location = cr->path;
	p->participant = participant(c->cd, part);
	p->start_ms = now;
	cr->part = part;
	afifo_reset(cr->cust);
	if (cr->paused)
		pause_open(cr, p, now);
	sync_info(c);
	log_info("contact %s: recording %s part to %s", c->cd->contact_id,
		 part == PART_IVR ? "IVR" : "agent", cr->path);
}

/* What the contact's state and the flow's settings ask to record now. */
static enum rec_part wanted(const struct contact *c)
{
	const struct cdata *cd = c->cd;

	switch (c->state) {

	case CONTACT_FLOW:
	case CONTACT_QUEUED:
		return cd->record_ivr ? PART_IVR : PART_NONE;

	case CONTACT_WHISPER:
	case CONTACT_TALKING:
	case CONTACT_EXTERNAL:
		/* from the join after the whispers, on through holds */
		if ((leg_peer(c->cust.leg) ||
		     (c->rec && c->rec->part == PART_AGENT)) &&
		    (cd->record_agent || cd->record_customer))
			return PART_AGENT;
		return PART_NONE;

	default:
		return PART_NONE;
	}
}

/* What the customer said: the left channel, at the next tick. */
static void record_rx(struct contact *c, const int16_t *frame, size_t n)
{
	if (c->rec && c->rec->part != PART_NONE)
		afifo_write(c->rec->cust, frame, n);
}

/* One tick of the customer's leg: frame is what the customer is sent
 * (our prompts, or the agent once joined: the right channel). Starts,
 * switches and stops the recorded part as the contact's state and the
 * flow's UpdateContactRecordingBehavior say. */
static void record_tx(struct contact *c, const int16_t *frame, size_t n)
{
	enum rec_part want;
	struct recording *cr;
	int16_t left[MSTREAM_FRAME];
	bool l_on, r_on;

	if (n > MSTREAM_FRAME)
		return;
	want = wanted(c);
	cr = c->rec;
	if (want != (cr ? cr->part : PART_NONE)) {
		uint64_t now = util_now_ms();

		part_end(c, now);
		if (want != PART_NONE)
			part_start(c, want, now);
		cr = c->rec;
	}
	if (!cr || cr->part == PART_NONE)
		return;

	afifo_read(cr->cust, left, n);
	l_on = !cr->paused && (cr->part == PART_IVR || c->cd->record_customer);
	r_on = !cr->paused && (cr->part == PART_IVR || c->cd->record_agent);
	(void)recorder_write(cr->rec, l_on ? left : NULL, r_on ? frame : NULL,
			     n);
}

void recording_tap_h(const int16_t *frame, size_t n, bool rx, void *arg)
{
	struct contact *c = arg;

	if (c->state == CONTACT_ENDED)
		return;
	if (rx)
		record_rx(c, frame, n);
	else
		record_tx(c, frame, n);
}

void recording_end(struct contact *c)
{
	struct recording *cr = c ? c->rec : NULL;
	int err;

	if (!cr || recorder_finished(cr->rec))
		return;
	part_end(c, util_now_ms());
	if (recorder_dropped(cr->rec))
		log_warn("contact %s: recording dropped %llu ms for a slow disk",
			 c->cd->contact_id, (unsigned long long)
			 (recorder_dropped(cr->rec) / 8));
	err = recorder_close(cr->rec, rec_done, NULL);
	if (err && err != EALREADY)
		log_warn("contact %s: recording not finished: %m",
			 c->cd->contact_id, err);
	sync_info(c);
}

int contact_recording_pause(struct contact *c, bool pause)
{
	struct recording *cr = c ? c->rec : NULL;
	uint64_t now = util_now_ms();

	if (!c)
		return EINVAL;
	if (!cr || cr->part == PART_NONE || c->state == CONTACT_ENDED)
		return ENOENT;
	if (cr->paused == pause)
		return 0;	/* already so: nothing new to list */
	if (pause && cr->pausec >= REC_MAX_PAUSES)
		return EOVERFLOW;

	cr->paused = pause;
	if (pause)
		pause_open(cr, &cr->partv[cr->partc - 1], now);
	else
		pause_close(cr, now);
	sync_info(c);
	log_info("contact %s: recording %s", c->cd->contact_id,
		 pause ? "paused" : "resumed");
	return 0;
}

const char *contact_recording_location(const struct contact *c)
{
	return c && c->rec && c->rec->partc ? c->rec->path : NULL;
}

bool contact_recording_paused(const struct contact *c)
{
	return c && c->rec && c->rec->paused;
}
