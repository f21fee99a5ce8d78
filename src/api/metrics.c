/**
 * @file metrics.c  The Prometheus text exposition of the daemon's state,
 * and of the queue counters of the API's contact-record index.
 */
#include <errno.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/media/mediasvc.h>
#include <callflowd/media/tts.h>
#include <callflowd/store/flowlog.h>
#include <callflowd/store/journal.h>
#include <callflowd/store/records.h>
#include <callflowd/sip/sipserver.h>
#include <callflowd/sip/trunkreg.h>
#include <callflowd/call/callenv.h>
#include <callflowd/contact/ccenter.h>
#include <callflowd/api/metrics.h>
#include "api_priv.h"

/* One metric family: HELP and TYPE once, then its samples. */
static int family(struct mbuf *mb, const char *name, const char *type,
		  const char *help)
{
	return mbuf_printf(mb, "# HELP %s %s\n# TYPE %s %s\n", name, help,
			   name, type);
}

static int sample(struct mbuf *mb, const char *name, const char *labels,
		  uint64_t v)
{
	return mbuf_printf(mb, "%s%s %llu\n", name, labels ? labels : "",
			   (unsigned long long)v);
}

static int one(struct mbuf *mb, const char *name, const char *type,
	       const char *help, uint64_t v)
{
	int err = family(mb, name, type, help);

	return err ? err : sample(mb, name, NULL, v);
}

static size_t flows_serving(const struct flowset *fs)
{
	size_t i, n = 0, c = flowset_count(fs);

	for (i = 0; i < c; i++) {
		if (flowset_at(fs, i)->flow)
			++n;
	}
	return n;
}

/* A label value escaped as the text format wants: \\, \" and \n */
static int label_print(struct re_printf *pf, const char *v)
{
	int err = 0;

	for (; v && *v && !err; v++) {
		switch (*v) {
		case '\\': err = re_hprintf(pf, "\\\\"); break;
		case '"':  err = re_hprintf(pf, "\\\""); break;
		case '\n': err = re_hprintf(pf, "\\n"); break;
		default:   err = re_hprintf(pf, "%c", *v); break;
		}
	}
	return err;
}

/* What a queue counter shows of t */
enum qfield {
	Q_HANDLED, Q_ABANDONED, Q_ANSWER, Q_TALK, Q_ACW, Q_ACW_ENDED,
};

static const struct {
	const char *name, *help;
} qfams[] = {
	[Q_HANDLED] = {"callflowd_queue_contacts_handled_total",
		"Contacts of the queue connected to an agent, each once, from "
		"the contact records indexed since the daemon started (they "
		"start again when the record file is replaced)."},
	[Q_ABANDONED] = {"callflowd_queue_contacts_abandoned_total",
		"Contacts that left the queue without an agent (records "
		"indexed)."},
	[Q_ANSWER] = {"callflowd_queue_answer_seconds_total",
		"Queue time (enqueued to connected) of handled contacts; "
		"over contacts_handled it is the average speed of answer."},
	[Q_TALK] = {"callflowd_queue_interaction_seconds_total",
		"AgentInteractionDuration of handled contacts."},
	[Q_ACW] = {"callflowd_queue_after_contact_work_seconds_total",
		"AfterContactWorkDuration of handled contacts whose "
		"after-contact work ended."},
	[Q_ACW_ENDED] = {"callflowd_queue_after_contact_work_ended_total",
		"Handled contacts whose after-contact work ended."},
};

/* The value of counter f in t: whole seconds or counts, except the
 * answer time (milliseconds) */
static uint64_t qvalue(enum qfield f, const struct crq_totals *t)
{
	switch (f) {
	case Q_HANDLED:   return t->handled;
	case Q_ABANDONED: return t->abandoned;
	case Q_ANSWER:    return t->answer_ms;
	case Q_TALK:      return t->talk_s;
	case Q_ACW:       return t->acw_s;
	case Q_ACW_ENDED: return t->acw_ended;
	default:          return 0;
	}
}

static int qsample(struct mbuf *mb, enum qfield f, const char *queue,
		   const struct crq_totals *t)
{
	unsigned long long v = qvalue(f, t);

	if (f == Q_ANSWER)
		return mbuf_printf(mb, "%s{queue=\"%H\"} %llu.%03u\n",
				   qfams[f].name, label_print, queue,
				   v / 1000, (unsigned)(v % 1000));
	return mbuf_printf(mb, "%s{queue=\"%H\"} %llu\n", qfams[f].name,
			   label_print, queue, v);
}

/* The queue counters of the record index: what it holds now (a scrape
 * never waits for it to catch up), one family after the other. */
static int queue_counters(struct mbuf *mb, const struct crindex *ix)
{
	const struct crq_totals *t;
	const char *queue;
	size_t f, i;
	int err = 0;

	for (f = 0; f < ARRAY_SIZE(qfams) && !err; f++) {
		err = family(mb, qfams[f].name, "counter", qfams[f].help);
		for (i = 0; !err && (t = crindex_totals(ix, i, &queue)); i++) {
			if (queue)
				err = qsample(mb, (enum qfield)f, queue, t);
		}
	}
	return err;
}

int metrics_render_api(char **textp, const struct api *api)
{
	struct ccenter_stats sst, *s = &sst;
	struct api_process proc;
	struct callenv_stats rs;
	struct trunkreg_state trs;
	struct tts_stats ts;
	struct mbuf *mb;
	int err = 0;

	if (!textp || !api)
		return EINVAL;
	ccenter_stats(api->svc.cc, s);
	callenv_stats(ccenter_calls(api->svc.cc), &rs);
	memset(&proc, 0, sizeof(proc));
	api->svc.processh(&proc, api->svc.arg);

	mb = mbuf_alloc(4096);
	if (!mb)
		return ENOMEM;

	memset(&ts, 0, sizeof(ts));
	if (mediasvc_tts(api->svc.media))
		tts_get_stats(mediasvc_tts(api->svc.media), &ts);

	err |= one(mb, "callflowd_contacts_active", "gauge",
		   "Live contacts (answered calls not ended yet).",
		   ccenter_count(api->svc.cc));

	err |= family(mb, "callflowd_calls_total", "counter",
		      "INVITEs from allowed trunks by outcome: answered, "
		      "rejected before a flow (403/404/420/503), failed "
		      "while setting up (488, no RTP port, ...).");
	err |= sample(mb, "callflowd_calls_total", "{result=\"answered\"}",
		      s->calls_answered);
	err |= sample(mb, "callflowd_calls_total", "{result=\"rejected\"}",
		      s->calls_rejected);
	err |= sample(mb, "callflowd_calls_total", "{result=\"failed\"}",
		      s->calls_failed);

	err |= one(mb, "callflowd_flow_errors_total", "counter",
		   "Flow runs that ended in error.", s->flow_errors);
	err |= one(mb, "callflowd_reloads_total", "counter",
		   "Successful configuration and flow reloads.", proc.reloads);
	err |= one(mb, "callflowd_flows_loaded", "gauge",
		   "Flows with a version serving calls.",
		   flows_serving(ccenter_flows(api->svc.cc)));

	err |= one(mb, "callflowd_tts_cache_hits_total", "counter",
		   "Speech served from the TTS memory or disk cache.",
		   ts.mem_hits + ts.disk_hits);
	err |= one(mb, "callflowd_tts_cache_misses_total", "counter",
		   "Speech synthesised because no cache held it.", ts.misses);
	err |= one(mb, "callflowd_tts_errors_total", "counter",
		   "Speech synthesis failures.", ts.errors);

	err |= one(mb, "callflowd_records_written_total", "counter",
		   "Contact records queued for the record file.",
		   records_written(api->svc.records));
	err |= one(mb, "callflowd_records_failures_total", "counter",
		   "Contact records not encoded, and failed writes of the "
		   "record file (see the log).",
		   records_failures(api->svc.records));
	err |= one(mb, "callflowd_flow_log_lines_total", "counter",
		   "Flow log lines queued.", flowlog_lines(api->svc.flowlog));
	err |= one(mb, "callflowd_journal_contacts", "gauge",
		   "Live contacts in the crash-recovery journal.",
		   journal_live(api->svc.journal));

	err |= one(mb, "callflowd_rtp_streams", "gauge",
		   "RTP streams of live legs (callers, agents, third "
		   "parties).", rs.legs);
	err |= one(mb, "callflowd_rtp_live_rx_packets", "gauge",
		   "RTP packets received so far by live legs' streams.",
		   rs.live_rx);
	err |= one(mb, "callflowd_rtp_live_tx_packets", "gauge",
		   "RTP packets sent so far by live legs' streams.",
		   rs.live_tx);
	err |= one(mb, "callflowd_rtp_live_lost_packets", "gauge",
		   "RTP packets lost (RFC 3550) on live legs' streams.",
		   rs.live_lost);
	/* counters: ended legs' packets plus the live ones so far */
	err |= one(mb, "callflowd_rtp_rx_packets_total", "counter",
		   "RTP packets received, every leg since start.",
		   rs.rx_packets);
	err |= one(mb, "callflowd_rtp_tx_packets_total", "counter",
		   "RTP packets sent, every leg since start.", rs.tx_packets);
	err |= one(mb, "callflowd_rtp_lost_packets_total", "counter",
		   "RTP packets lost (RFC 3550), every leg since start.",
		   rs.lost_packets);
	err |= family(mb, "callflowd_rtp_live_jitter_max_seconds", "gauge",
		      "Highest RFC 3550 interarrival jitter among live "
		      "contacts' streams.");
	err |= mbuf_printf(mb, "callflowd_rtp_live_jitter_max_seconds "
			   "%u.%06u\n", rs.live_jitter_max / 8000,
			   (rs.live_jitter_max % 8000) * 125);

	trunkreg_state(sipserver_trunkreg(ccenter_sip(api->svc.cc)), &trs);
	if (trs.aor) {
		err |= one(mb, "callflowd_trunk_registered", "gauge",
			   "1 while the registration with the carrier's trunk "
			   "holds (outbound.trunk.register).",
			   trs.registered);
		err |= one(mb, "callflowd_trunk_registrations_total",
			   "counter", "Successful registrations and refreshes "
			   "with the carrier's trunk.", trs.registrations);
	}

	err |= family(mb, "callflowd_process_start_time_seconds", "gauge",
		      "Start time of the process since the Unix epoch.");
	err |= mbuf_printf(mb, "callflowd_process_start_time_seconds "
			   "%llu.%03u\n",
			   (unsigned long long)(proc.started_ms / 1000),
			   (unsigned)(proc.started_ms % 1000));
	err |= queue_counters(mb, api->records);
	if (err)
		goto out;

	mb->pos = 0;
	err = mbuf_strdup(mb, textp, mb->end);

 out:
	mem_deref(mb);
	return err;
}
