/**
 * @file rcriteria.h  Routing criteria: Connect's RoutingCriteria (routing
 * steps of proficiency expressions, each with an expiry) and agents'
 * proficiencies, and the test "does this agent meet this step".
 *
 * Owns the parsed, immutable form of one contact's criteria (a mem
 * object shared by reference). The flow engine builds it from Set routing
 * criteria; the router honours it. Pure functions, no state, no clock:
 * the caller says how long the criteria have been running.
 */
#ifndef CALLFLOWD_RCRITERIA_H
#define CALLFLOWD_RCRITERIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* jansson and <re.h> clash on JSON_* names: declare json_t only */
typedef struct json_t json_t;

#define RCRIT_MAX_STEPS   16
#define RCRIT_MAX_AGENTS  10	/* preferred agents per condition */
#define RCRIT_LEVEL_MIN   1.0
#define RCRIT_LEVEL_MAX   5.0

/** One proficiency of an agent: a predefined attribute value and level
 *  (1..5), e.g. {"Language", "English", 4}. */
struct rproficiency {
	const char *name;
	const char *value;
	double level;
};

enum rcrit_kind {
	RCRIT_ATTR,	/* AttributeCondition: has name=value in [min, max] */
	RCRIT_NOT,	/* NotAttributeCondition: has not */
	RCRIT_AGENTS,	/* Match AgentsCriteria: one of the agents */
	RCRIT_AND,	/* AndExpression */
	RCRIT_OR,	/* OrExpression */
};

struct rcrit_expr {
	enum rcrit_kind kind;
	char *name;		/* ATTR, NOT */
	char *value;
	double min, max;	/* NumberGreaterOrEqualTo L: [L, 5]; Range */
	char **agents;		/* AGENTS: agent ids as written, or usernames
				   after rcriteria_map_agents() */
	size_t agentc;
	struct rcrit_expr *v;	/* AND, OR */
	size_t n;
};

struct rcrit_step {
	struct rcrit_expr expr;
	uint64_t expiry_ms;	/* 0: never expires */
};

/** A contact's routing criteria (mem object, immutable once parsed). */
struct rcriteria {
	struct rcrit_step *steps;
	size_t stepc;
};

/**
 * Parse Connect's RoutingCriteria object ({"Steps": [{"Expression":
 * {...}, "Expiry": {"DurationInSeconds": N}}]}). OrExpression only at
 * the top of a step (AND inside OR, not OR inside AND), as in Connect.
 * EINVAL with a message naming the path in err.
 */
int rcriteria_parse(struct rcriteria **cp, const json_t *j, char *err,
		    size_t errsz);

/** A deep copy (to map agent ids in without touching a shared value). */
int rcriteria_dup(struct rcriteria **dp, const struct rcriteria *c);
/** True when a step names preferred agents (AgentsCriteria). */
bool rcriteria_has_agents(const struct rcriteria *c);

typedef const char *(rcrit_agent_map_h)(const char *id, void *arg);
/** Replace each preferred agent id by map(id) (an agent's username, say)
 *  when map returns non-NULL; ENOMEM on failure. */
int rcriteria_map_agents(struct rcriteria *c, rcrit_agent_map_h *map,
			 void *arg);

/** Index of the step active age_ms after the criteria started; stepc
 *  once every step has expired (then any agent of the queue fits). */
size_t rcriteria_step(const struct rcriteria *c, uint64_t age_ms);
/** Age (ms since start) at which the step active at age_ms expires;
 *  UINT64_MAX when it never does (or all have expired). */
uint64_t rcriteria_step_end(const struct rcriteria *c, uint64_t age_ms);

/** True when the agent (username, proficiencies) meets the step active
 *  at age_ms; every agent does once all steps have expired, and when c
 *  is NULL. */
bool rcriteria_fits(const struct rcriteria *c, uint64_t age_ms,
		    const char *agent, const struct rproficiency *pv,
		    size_t pc);

/** Print c as Connect's JSON (mem string), for logs and records. */
int rcriteria_json(char **strp, const struct rcriteria *c);

#endif
