/**
 * @file metrics.h  GET /metrics: the daemon's counters in the Prometheus
 * text exposition format (version 0.0.4).
 *
 * Owns nothing: each scrape reads, on the loop thread, the contact
 * center's counters and live contacts, the legs' RTP figures, the TTS
 * cache, the record, flow log and journal writers, and the record index's
 * queue counters, and renders them.
 */
#ifndef CALLFLOWD_METRICS_H
#define CALLFLOWD_METRICS_H

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
