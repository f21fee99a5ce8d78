/**
 * @file metrics.h  GET /metrics: the daemon's counters in the Prometheus
 * text exposition format (version 0.0.4).
 *
 * Owns nothing: each scrape reads the app's state on the loop thread
 * (counters, live contacts and their RTP statistics, the TTS cache, the
 * record, flow log and journal writers) and renders it.
 */
#ifndef CALLFLOWD_METRICS_H
#define CALLFLOWD_METRICS_H

struct app;

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/** The exposition text (mem string). */
int metrics_render(char **textp, const struct app *app);

#endif
