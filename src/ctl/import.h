/**
 * @file import.h  Private: import-connect's gathered input (import_read.c)
 * and its report of what could not be carried over.
 */
#ifndef CALLFLOWD_CTL_IMPORT_H
#define CALLFLOWD_CTL_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

/* Each a JSON array of what the CLI printed, pages joined; describe
 * outputs as the object inside ("Queue": {...} gives {...}). */
struct imp {
	json_t *queue_list;	/* list-queues: QueueSummaryList */
	json_t *queues;		/* describe-queue: Queue */
	json_t *hours_list;
	json_t *hours;		/* describe-hours-of-operation */
	json_t *profile_list;
	json_t *profiles;	/* describe-routing-profile */
	json_t *profile_queues;	/* object: profile id -> queue configs */
	json_t *rpq_files;	/* object: file name -> queue configs */
	json_t *user_list;
	json_t *users;		/* describe-user */
	json_t *numbers;	/* list-phone-numbers-v2 */
	json_t *flow_list;
	json_t *flows;		/* describe-contact-flow: ContactFlow */
	json_t *assoc;		/* list-flow-associations */
	json_t *quick;		/* list-quick-connects */
	json_t *prompts;	/* list-prompts */
	size_t files;		/* recognised */
	struct mbuf *report;	/* "- what, why" lines */
	size_t nreport;
};

int  imp_alloc(struct imp **impp);
/** Read every JSON file of dir; ENOENT when none was an AWS CLI output. */
int  imp_read(struct imp *imp, const char *dir);
/** One line of the report: something not carried over, and why. */
void imp_report(struct imp *imp, const char *fmt, ...);

#endif
