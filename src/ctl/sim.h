/**
 * @file sim.h  Private: the simulator behind `callflowctl simulate`.
 *
 * Owns one simulated contact: its virtual clock, the caller's scripted
 * keys, canned external replies, queue metrics, and the flow run. The
 * ports (struct flow_ops) in sim_ops.c complete at once in virtual time;
 * only a real HTTP call to a configured function waits on libre's loop.
 */
#ifndef CALLFLOWD_CTL_SIM_H
#define CALLFLOWD_CTL_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/util.h>

struct httpc;
struct httpc_req;
struct speechconf;

/** One scripted --external reply. */
enum sim_ext_kind {
	SIM_EXT_BODY,		/* 200 with body */
	SIM_EXT_STATUS,		/* that status, empty body */
	SIM_EXT_TIMEOUT,	/* no reply in time */
	SIM_EXT_CONNFAIL,	/* endpoint unreachable */
};

struct sim_ext {
	enum sim_ext_kind kind;
	uint16_t status;
	const char *body;	/* points into argv */
};

/** One scripted --view reply (ShowView). */
struct sim_view {
	char action[64];	/* "": !timeout or !none */
	const char *result;	/* JSON object text, or NULL */
	bool timeout;		/* the agent does nothing in time */
};

/** --keys-during ID=KEYS: keys pressed while action ID plays. */
struct sim_press {
	const char *id;		/* points into argv */
	size_t idlen;
	const char *keys;
};

struct sim_profiles;

struct sim {
	/* scripted surroundings */
	const char *dtmf;	/* remaining keys; ',' = press nothing */
	const char *pending;	/* keys pressed that the next op receives */
	struct sim_press *pressv;	/* mem array */
	size_t pressc;
	uint64_t stops;		/* op_stop() calls (a key interrupted) */
	struct sim_view *viewv;	/* mem array */
	size_t viewc, view_next;
	struct sim_profiles *profiles;	/* the in-memory profile store */
	json_t *metrics;	/* {"queue": {"Metric": n}, "*": {...}} */
	struct sim_ext *extv;	/* mem array */
	size_t extc, ext_next;
	bool ext_given;		/* any --external: never real HTTP */
	const char **sayv;	/* --say: what the caller says, in order */
	size_t sayc, say_next;
	struct speechconf *speech;	/* bots (from --config) */
	uint64_t now_ms;	/* the virtual clock */
	struct rng rng;		/* DistributeByPercentage */
	struct rng idrng;	/* contact ids */

	/* the run */
	struct frun *run;
	bool ended;
	enum fend_kind end_kind;
	char *end_reason;
	char *end_target;
	bool parked;		/* loop prompts without interrupt */
	char *parked_say;	/* its first prompt, for the last step */
	bool parked_end;	/* the run was stopped there */
	bool stalled;

	/* real function calls */
	struct httpc *httpc;
	struct httpc_req *http;
	uint64_t http_t0;
};

extern const struct flow_ops sim_ops;

/* sim_lex.c: the Lex port, a bot conversation with the --say script */
int sim_op_lex(struct frun *run, const struct flex *req, void *arg);

/** Virtual milliseconds a prompt takes to play (rough speech rate). */
uint32_t sim_prompt_ms(const struct fprompt *p);
/** Parse an --external value into ext; EINVAL with a message in err. */
int sim_ext_parse(struct sim_ext *ext, const char *s, char *err,
		  size_t errsz);
/** Fill m from the metrics document for queue name/id (zeros if none). */
int sim_metrics_get(const struct sim *sim, const char *name, const char *id,
		    struct fmetrics *m);
/** Check a --metrics document; message in err when it is wrong. */
int sim_metrics_check(const json_t *doc, char *err, size_t errsz);
/** Parse a --view value; EINVAL with a message in err. */
int sim_view_parse(struct sim_view *v, const char *s, char *err,
		   size_t errsz);

/* sim_profiles.c: customer profiles in memory (the profile_* ports) */
int  sim_profiles_alloc(struct sim_profiles **pp, struct rng *idrng);
/** Seed from a JSON file: an array of profile objects (nested objects
 *  become "a.b" fields). EINVAL with a message in err. */
int  sim_profiles_load(struct sim_profiles *ps, const char *path, char *err,
		       size_t errsz);
int  sim_profile_get(struct frun *run, const struct strmap *ids,
		     bool match_all, void *arg);
int  sim_profile_create(struct frun *run, const struct strmap *fields,
			void *arg);
int  sim_profile_update(struct frun *run, const char *profile_id,
			const struct strmap *fields, void *arg);
int  sim_profile_associate(struct frun *run, const char *profile_id,
			   const char *contact_id, void *arg);

/* cmd_simulate.c: the options and the state of one simulation */
struct sim_opts {
	const char *flow;
	const char *config;
	const char *flows;
	const char *type;
	const char *dtmf;
	const char *customer;
	const char *system;
	const char *time;
	const char *metrics;
	const char *seed;
	const char *max_steps;
	const char *max_total;
	const char *queue;
	const char *agent;
	const char *profiles;
	bool json;
	const char **attrv;	size_t attrc;
	const char **hdrv;	size_t hdrc;
	const char **extv;	size_t extc;
	const char **sayv;	size_t sayc;
	const char **viewv;	size_t viewc;
	const char **pressv;	size_t pressc;
};

struct simctx {
	struct sim sim;
	struct sim_opts o;
	struct config *cfg;
	struct flowset *fs;
	struct flow *flow;
	struct cdata *cd;
	struct fenv env;
	struct tmr stall;
	const struct flow *shown_flow;
	uint32_t steps;		/* step lines printed */
	uint32_t max_total;	/* then the simulation stops (Error) */
	uint64_t seed;
};

#define SIM_DEFAULT_CUSTOMER "+12065550100"
#define SIM_DEFAULT_SYSTEM   "+18005550199"

/* sim_args.c: usage and options (exit 2 when wrong) */
void sim_usage(FILE *fp);
/** 0, -1 for --help, or an errno (message printed). */
int  sim_parse_args(struct sim_opts *o, int argc, char **argv);
int  sim_setup_options(struct simctx *ctx);

/* sim_output.c: steps and the end, as JSON or text */
void sim_step_handler(struct frun *run, const struct fstep *st,
		      void *arg);
enum fend_kind sim_end_kind(const struct sim *sim);
void sim_print_end(struct simctx *ctx);
void sim_end_handler(struct frun *run, const struct fend *end, void *arg);

#endif
