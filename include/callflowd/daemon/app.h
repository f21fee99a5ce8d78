/**
 * @file app.h  The daemon's process-wide state.
 *
 * Owns the current configuration and flow set (each swapped whole on
 * reload; contacts keep references to the versions they started with),
 * the SIP stack, the live contacts, the record writer and the API. Only
 * the loop thread touches it.
 */
#ifndef CALLFLOWD_APP_H
#define CALLFLOWD_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>

struct config;
struct flowset;
struct records;
struct sipserver;
struct api;
struct flowwatch;
struct tts;
struct promptcache;
struct router;
struct flowlog;
struct journal;
struct events;
struct announce;

struct app_stats {
	uint64_t calls_total;
	uint64_t calls_rejected;	/* 403/404/420/488/503 before a flow */
	uint64_t calls_answered;
	uint64_t calls_failed;
	uint64_t flow_errors;
	uint32_t reloads;
	/* RTP packets of ended legs (live ones are summed when asked) */
	uint64_t rtp_rx_packets;
	uint64_t rtp_tx_packets;
	uint64_t rtp_lost_packets;
};

struct app {
	struct config *cfg;
	struct flowset *flows;
	struct sipserver *sip;
	struct records *records;
	struct api *api;
	struct flowwatch *watch;
	struct tts *tts;
	struct promptcache *prompts;
	struct router *router;		/* queues and agents */
	struct list contacts;		/* struct contact, live */
	uint32_t ncontacts;
	struct rng rng;
	bool draining;			/* SIGTERM: new calls get 503 */
	uint64_t started_ms;
	struct app_stats stats;
	struct flowlog *flowlog;	/* flow logs (flowlog.h) */
	struct journal *journal;	/* live-contact journal (journal.h) */
	struct acw *acw;		/* agents in ACW (contact/acw.c) */
	struct audit *audit;		/* audit trail (audit.h) */
	struct agentlog *agentlog;	/* agent activity log (agentlog.h) */
	struct retention *retention;	/* old days removed (retention.h) */
	struct events *bus;		/* the event bus (core/events.h) */
	struct announce *announce;	/* what contacts and agents emit */
};

/** The one instance (set by main). */
extern struct app *the_app;

#endif
