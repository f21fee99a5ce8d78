/*
 * The contact-record index of the API (src/api/crindex.c): a later
 * line with the same ContactId replaces the earlier one, each contact is
 * counted once (today's queue and agent figures from its first line,
 * its after-contact work from the first line that has it), ContactIds
 * with the same hash stay two contacts, lines that are not records are
 * skipped, what is appended later is caught up with, and the queue
 * counters for Prometheus count as the figures of the day do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/loop.h>
#include <callflowd/core/util.h>
#include "../../src/api/api_priv.h"
#include "test.h"

/* Two ContactIds whose hash_joaat_str() is the same (found by search) */
#define ID_A "c0111de0-0000-4000-8000-000000202940"
#define ID_B "c0111de0-0000-4000-8000-000000206684"

static void id_of(char *buf, size_t sz, unsigned n)
{
	snprintf(buf, sz, "00000000-0000-4000-8000-%012u", n);
}

enum { NO_ACW = -1 };

/* A record line of a contact queued in queue; with an agent it was
 * answered after wait_s and talked until the hang-up a minute after it
 * started (AgentInteractionDuration 59 - wait_s); acw_s >= 0 gives its
 * after-contact work (AfterContactWorkEndTimestamp, ...Duration and a
 * later LastUpdateTimestamp, as the revision has them), NO_ACW none.
 * Times are today's. */
static void line_of(char *buf, size_t sz, const char *id, const char *queue,
		    const char *agent, unsigned wait_s, int acw_s)
{
	uint64_t now = util_now_ms(), day = now / 86400000 * 86400000;
	uint64_t base = now - 120000 < day ? day : now - 120000;
	char init[40], enq[40], conn[40], disc[40], upd[40], acw[160] = "";

	/* all today (UTC) even just after midnight */
	util_iso8601(init, sizeof(init), base);
	util_iso8601(enq, sizeof(enq), base + 1000);
	util_iso8601(conn, sizeof(conn), base + 1000 + wait_s * 1000);
	util_iso8601(disc, sizeof(disc), base + 60000);
	util_iso8601(upd, sizeof(upd), base + 60000 +
		     (acw_s > 0 ? (uint64_t)acw_s * 1000 : 0));
	if (acw_s >= 0)
		snprintf(acw, sizeof(acw), ", \"AfterContactWorkEndTimestamp\""
			 ": \"%s\", \"AfterContactWorkDuration\": %d", upd,
			 acw_s);
	if (agent)
		snprintf(buf, sz, "{\"ContactId\": \"%s\", "
			 "\"InitiationTimestamp\": \"%s\", "
			 "\"DisconnectTimestamp\": \"%s\", "
			 "\"LastUpdateTimestamp\": \"%s\", "
			 "\"Queue\": {\"Name\": \"%s\", \"EnqueueTimestamp\": "
			 "\"%s\"}, \"Agent\": {\"Username\": \"%s\", "
			 "\"ConnectedToAgentTimestamp\": \"%s\", "
			 "\"AgentInteractionDuration\": %u%s}}\n",
			 id, init, disc, upd, queue, enq, agent, conn,
			 59 - wait_s, acw);
	else
		snprintf(buf, sz, "{\"ContactId\": \"%s\", "
			 "\"InitiationTimestamp\": \"%s\", "
			 "\"DisconnectTimestamp\": \"%s\", "
			 "\"LastUpdateTimestamp\": \"%s\", "
			 "\"Queue\": {\"Name\": \"%s\", \"EnqueueTimestamp\": "
			 "\"%s\", \"DequeueTimestamp\": \"%s\"}, "
			 "\"Agent\": null}\n", id, init, disc, upd, queue, enq,
			 disc);
}

static int append(const char *path, const char *text)
{
	FILE *fp = fopen(path, "a");
	int err = 0;

	if (!fp)
		return errno;
	if (fputs(text, fp) < 0)
		err = EIO;
	if (fclose(fp))
		err = EIO;
	return err;
}

static char *tmp_path(char *buf, size_t sz)
{
	int fd;

	snprintf(buf, sz, "/tmp/cfd-crindex-XXXXXX");
	fd = mkstemp(buf);
	if (fd < 0)
		return NULL;
	(void)close(fd);
	return buf;
}

static void caught_up(struct http_conn *conn, const struct http_msg *msg,
		      void *arg)
{
	(void)conn;
	(void)msg;
	*(bool *)arg = true;
	re_cancel();
}

static void too_long(void *arg)
{
	(void)arg;
	re_cancel();
}

/* Wait as a request does until the index has caught up with the file
 * (run the loop while the pool reads); false after 10 s. */
static bool catch_up(struct crindex *ix)
{
	bool done = false;
	struct tmr tmr;

	if (!crindex_wait(ix, NULL, NULL, true, caught_up, &done))
		return true;	/* up to date */
	tmr_init(&tmr);
	tmr_start(&tmr, 10000, too_long, NULL);
	if (!done)
		(void)re_main(NULL);
	tmr_cancel(&tmr);
	return done;
}

/* The newest record of id: its agent's username ('-' for none) and
 * whether its after-contact work has ended (a revision). */
static int newest(struct crindex *ix, const char *id, char *agent,
		  size_t asz, bool *acw)
{
	json_t *r = NULL, *a;
	int err;

	err = crindex_record(&r, ix, id);
	if (err)
		return err;
	a = json_object_get(r, "Agent");
	str_ncpy(agent, json_is_object(a) ? json_string_value(
			 json_object_get(a, "Username")) : "-", asz);
	*acw = json_object_get(a, "AfterContactWorkEndTimestamp") != NULL;
	json_decref(r);
	return 0;
}

TEST(revision_replaces_and_counts_once)
{
	char path[64], line[1024], id[64], agent[32];
	struct crindex *ix = NULL;
	struct crq_today t;
	bool acw = false;
	int err = 0;

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	ASSERT_INT_EQ(loop_init(), 0);
	id_of(id, sizeof(id), 1);
	line_of(line, sizeof(line), id, "Sales", "agent1", 5, NO_ACW);
	err |= append(path, line);
	id_of(id, sizeof(id), 2);
	line_of(line, sizeof(line), id, "Sales", NULL, 0, NO_ACW);
	err |= append(path, line);
	id_of(id, sizeof(id), 1);
	line_of(line, sizeof(line), id, "Sales", "agent1", 5, 30);
	err |= append(path, line);
	id_of(id, sizeof(id), 3);
	line_of(line, sizeof(line), id, "Sales", "agent2", 40, NO_ACW);
	err |= append(path, line);
	ASSERT_INT_EQ(err, 0);

	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);
	ASSERT_INT_EQ(crindex_count(ix), 3);
	id_of(id, sizeof(id), 1);
	ASSERT_INT_EQ(newest(ix, id, agent, sizeof(agent), &acw), 0);
	ASSERT_STR_EQ(agent, "agent1");
	ASSERT_TRUE(acw);
	id_of(id, sizeof(id), 3);
	ASSERT_INT_EQ(newest(ix, id, agent, sizeof(agent), &acw), 0);
	ASSERT_FALSE(acw);

	/* handled 1 and 3 (once each), abandoned 2; waits 5 s and 40 s */
	crindex_today(ix, "Sales", 10000, &t);
	ASSERT_INT_EQ(t.handled, 2);
	ASSERT_INT_EQ(t.abandoned, 1);
	ASSERT_INT_EQ(t.within_sl, 1);
	ASSERT_INT_EQ(t.answer_ms_sum, 45000);

	/* a revision appended later: still three, the figures unchanged */
	line_of(line, sizeof(line), id, "Sales", "agent2", 40, 12);
	ASSERT_INT_EQ(append(path, line), 0);
	ASSERT_TRUE(catch_up(ix));
	ASSERT_INT_EQ(crindex_count(ix), 3);
	ASSERT_INT_EQ(newest(ix, id, agent, sizeof(agent), &acw), 0);
	ASSERT_STR_EQ(agent, "agent2");
	ASSERT_TRUE(acw);
	crindex_today(ix, "Sales", 10000, &t);
	ASSERT_INT_EQ(t.handled, 2);
	ASSERT_INT_EQ(t.abandoned, 1);

	/* a new contact after it is a fourth */
	id_of(id, sizeof(id), 4);
	line_of(line, sizeof(line), id, "Sales", NULL, 0, NO_ACW);
	ASSERT_INT_EQ(append(path, line), 0);
	ASSERT_TRUE(catch_up(ix));
	ASSERT_INT_EQ(crindex_count(ix), 4);
	crindex_today(ix, "Sales", 10000, &t);
	ASSERT_INT_EQ(t.abandoned, 2);

	ix = mem_deref(ix);
	loop_close();
	(void)unlink(path);
}

/* Handle time: interaction from each handled contact's first line,
 * after-contact work (and interaction + ACW) from the first line that
 * gives AfterContactWorkDuration, often a revision appended later;
 * later revisions do not count it again. */
TEST(handle_time_from_the_first_acw_line)
{
	static const struct {
		unsigned n;
		const char *queue, *agent;
		unsigned wait_s;
		int acw_s;
	} first[] = {
		{1, "Sales", "agent1", 5, NO_ACW},	/* ACW still on */
		{2, "Sales", NULL, 0, NO_ACW},		/* abandoned */
		{3, "Sales", "agent2", 40, 0},		/* no ACW at all */
		{4, "Sales", "agent1", 9, 10},		/* ACW over before */
		{4, "Sales", "agent1", 9, 99},		/* not again */
		{5, "Support", "agent1", 1, NO_ACW},
	}, later[] = {
		{1, "Sales", "agent1", 5, 30},		/* the revision */
		{1, "Sales", "agent1", 5, 45},		/* not again */
		{3, "Sales", "agent2", 40, 7},		/* not again */
	};
	char path[64], line[1024], id[64];
	struct crindex *ix = NULL;
	struct crq_today t;
	size_t i;
	int err = 0;

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	ASSERT_INT_EQ(loop_init(), 0);
	for (i = 0; i < ARRAY_SIZE(first); i++) {
		id_of(id, sizeof(id), first[i].n);
		line_of(line, sizeof(line), id, first[i].queue,
			first[i].agent, first[i].wait_s, first[i].acw_s);
		err |= append(path, line);
	}
	ASSERT_INT_EQ(err, 0);
	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);

	/* interaction 54 + 19 + 50; ACW over for 3 (0 s) and 4 (10 s) */
	crindex_today(ix, "Sales", 20000, &t);
	ASSERT_INT_EQ(t.handled, 3);
	ASSERT_INT_EQ(t.abandoned, 1);
	ASSERT_INT_EQ(t.talked, 3);
	ASSERT_INT_EQ(t.talk_s_sum, 123);
	ASSERT_INT_EQ(t.acw_ended, 2);
	ASSERT_INT_EQ(t.acw_s_sum, 10);
	ASSERT_INT_EQ(t.handle_s_sum, 19 + 0 + 50 + 10);

	for (i = 0; i < ARRAY_SIZE(later); i++) {
		id_of(id, sizeof(id), later[i].n);
		line_of(line, sizeof(line), id, later[i].queue,
			later[i].agent, later[i].wait_s, later[i].acw_s);
		err |= append(path, line);
	}
	ASSERT_INT_EQ(err, 0);
	ASSERT_TRUE(catch_up(ix));
	ASSERT_INT_EQ(crindex_count(ix), 5);

	/* 1's ACW (30 s) came with its revision, once */
	crindex_today(ix, "Sales", 20000, &t);
	ASSERT_INT_EQ(t.handled, 3);
	ASSERT_INT_EQ(t.talked, 3);
	ASSERT_INT_EQ(t.talk_s_sum, 123);
	ASSERT_INT_EQ(t.acw_ended, 3);
	ASSERT_INT_EQ(t.acw_s_sum, 40);
	ASSERT_INT_EQ(t.handle_s_sum, 79 + 54 + 30);

	crindex_today(ix, "Support", 20000, &t);
	ASSERT_INT_EQ(t.handled, 1);
	ASSERT_INT_EQ(t.talk_s_sum, 58);
	ASSERT_INT_EQ(t.acw_ended, 0);
	ASSERT_INT_EQ(t.handle_s_sum, 0);

	ix = mem_deref(ix);
	loop_close();
	(void)unlink(path);
}

/* Agents' figures: handled and interaction from each contact's first
 * line, after-contact work once, from the first line that gives it, for
 * the agent the contact counted for; an agent named like a queue keeps
 * figures of its own. */
TEST(agent_figures_counted_once)
{
	static const struct {
		unsigned n;
		const char *queue, *agent;
		unsigned wait_s;
		int acw_s;
	} first[] = {
		{1, "Sales", "agent1", 5, NO_ACW},	/* ACW still on */
		{2, "Sales", NULL, 0, NO_ACW},		/* abandoned */
		{3, "Support", "agent1", 10, 0},	/* no ACW at all */
		{4, "Sales", "agent2", 20, 15},		/* ACW over before */
		{4, "Sales", "agent2", 20, 99},		/* not again */
		{5, "Support", "Sales", 1, NO_ACW},	/* named as a queue */
	}, later[] = {
		{1, "Sales", "agent1", 5, 30},		/* the revision */
		{1, "Sales", "agent1", 5, 45},		/* not again */
		{5, "Support", "agent2", 1, 7},		/* to "Sales", once */
	};
	char path[64], line[1024], id[64];
	struct crindex *ix = NULL;
	struct crq_today t;
	size_t i;
	int err = 0;

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	ASSERT_INT_EQ(loop_init(), 0);
	for (i = 0; i < ARRAY_SIZE(first); i++) {
		id_of(id, sizeof(id), first[i].n);
		line_of(line, sizeof(line), id, first[i].queue,
			first[i].agent, first[i].wait_s, first[i].acw_s);
		err |= append(path, line);
	}
	ASSERT_INT_EQ(err, 0);
	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);

	/* agent1: 1 and 3 (interaction 54 + 49), 3's ACW over (0 s) */
	crindex_agent_today(ix, "agent1", &t);
	ASSERT_INT_EQ(t.handled, 2);
	ASSERT_INT_EQ(t.talked, 2);
	ASSERT_INT_EQ(t.talk_s_sum, 103);
	ASSERT_INT_EQ(t.acw_ended, 1);
	ASSERT_INT_EQ(t.acw_s_sum, 0);
	ASSERT_INT_EQ(t.handle_s_sum, 49);
	ASSERT_INT_EQ(t.abandoned, 0);
	ASSERT_INT_EQ(t.answer_ms_sum, 0);
	crindex_agent_today(ix, "agent2", &t);
	ASSERT_INT_EQ(t.handled, 1);
	ASSERT_INT_EQ(t.talk_s_sum, 39);
	ASSERT_INT_EQ(t.acw_ended, 1);
	ASSERT_INT_EQ(t.acw_s_sum, 15);
	ASSERT_INT_EQ(t.handle_s_sum, 39 + 15);
	crindex_agent_today(ix, "Sales", &t);
	ASSERT_INT_EQ(t.handled, 1);
	ASSERT_INT_EQ(t.talk_s_sum, 58);
	ASSERT_INT_EQ(t.acw_ended, 0);
	/* the queue Sales is not the agent Sales */
	crindex_today(ix, "Sales", 20000, &t);
	ASSERT_INT_EQ(t.handled, 2);
	ASSERT_INT_EQ(t.abandoned, 1);
	ASSERT_INT_EQ(t.talk_s_sum, 54 + 39);
	crindex_agent_today(ix, "nobody", &t);
	ASSERT_INT_EQ(t.handled, 0);
	ASSERT_INT_EQ(t.talked, 0);
	crindex_agent_today(NULL, "agent1", &t);
	ASSERT_INT_EQ(t.handled, 0);

	for (i = 0; i < ARRAY_SIZE(later); i++) {
		id_of(id, sizeof(id), later[i].n);
		line_of(line, sizeof(line), id, later[i].queue,
			later[i].agent, later[i].wait_s, later[i].acw_s);
		err |= append(path, line);
	}
	ASSERT_INT_EQ(err, 0);
	ASSERT_TRUE(catch_up(ix));

	/* 1's ACW (30 s) with its revision, once; handled unchanged */
	crindex_agent_today(ix, "agent1", &t);
	ASSERT_INT_EQ(t.handled, 2);
	ASSERT_INT_EQ(t.talk_s_sum, 103);
	ASSERT_INT_EQ(t.acw_ended, 2);
	ASSERT_INT_EQ(t.acw_s_sum, 30);
	ASSERT_INT_EQ(t.handle_s_sum, 49 + 54 + 30);
	/* 5's ACW counts for the agent its first line had */
	crindex_agent_today(ix, "agent2", &t);
	ASSERT_INT_EQ(t.handled, 1);
	ASSERT_INT_EQ(t.acw_ended, 1);
	ASSERT_INT_EQ(t.acw_s_sum, 15);
	crindex_agent_today(ix, "Sales", &t);
	ASSERT_INT_EQ(t.handled, 1);
	ASSERT_INT_EQ(t.acw_ended, 1);
	ASSERT_INT_EQ(t.acw_s_sum, 7);
	ASSERT_INT_EQ(t.handle_s_sum, 58 + 7);

	ix = mem_deref(ix);
	loop_close();
	(void)unlink(path);
}

/* The counters of queue name, NULL when no record has that queue. */
static const struct crq_totals *totals_of(const struct crindex *ix,
					  const char *name)
{
	const struct crq_totals *t;
	const char *q;
	size_t i;

	for (i = 0; (t = crindex_totals(ix, i, &q)); i++) {
		if (q && !strcmp(q, name))
			return t;
	}
	return NULL;
}

/* Queue counters (Prometheus): each contact once from its first line,
 * its ACW once from the first line giving it; agents' names are no
 * queues; a replaced file starts them again. */
TEST(queue_counters_grow_and_start_again)
{
	char path[64], other[80], line[1024], id[64];
	const struct crq_totals *t;
	struct crindex *ix = NULL;
	int err = 0;

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(other, sizeof(other), "%s.new", path);
	id_of(id, sizeof(id), 1);
	line_of(line, sizeof(line), id, "Sales", "agent1", 5, NO_ACW);
	err |= append(path, line);
	id_of(id, sizeof(id), 2);
	line_of(line, sizeof(line), id, "Sales", NULL, 0, NO_ACW);
	err |= append(path, line);
	id_of(id, sizeof(id), 3);
	line_of(line, sizeof(line), id, "Support", "agent2", 40, 0);
	err |= append(path, line);
	ASSERT_INT_EQ(err, 0);
	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);

	ASSERT_NULL(totals_of(ix, "agent1"));
	t = totals_of(ix, "Sales");
	ASSERT_NOT_NULL(t);
	ASSERT_INT_EQ(t->handled, 1);
	ASSERT_INT_EQ(t->abandoned, 1);
	ASSERT_INT_EQ(t->answer_ms, 5000);
	ASSERT_INT_EQ(t->talk_s, 54);
	ASSERT_INT_EQ(t->acw_ended, 0);
	t = totals_of(ix, "Support");
	ASSERT_NOT_NULL(t);
	ASSERT_INT_EQ(t->handled, 1);
	ASSERT_INT_EQ(t->answer_ms, 40000);
	ASSERT_INT_EQ(t->talk_s, 19);
	ASSERT_INT_EQ(t->acw_ended, 1);
	ASSERT_INT_EQ(t->acw_s, 0);

	/* 1's ACW with its revision, once; 3's not again */
	id_of(id, sizeof(id), 1);
	line_of(line, sizeof(line), id, "Sales", "agent1", 5, 30);
	err |= append(path, line);
	line_of(line, sizeof(line), id, "Sales", "agent1", 5, 45);
	err |= append(path, line);
	id_of(id, sizeof(id), 3);
	line_of(line, sizeof(line), id, "Support", "agent2", 40, 8);
	err |= append(path, line);
	ASSERT_INT_EQ(err, 0);
	ASSERT_TRUE(catch_up(ix));
	t = totals_of(ix, "Sales");
	ASSERT_INT_EQ(t->handled, 1);
	ASSERT_INT_EQ(t->talk_s, 54);
	ASSERT_INT_EQ(t->acw_ended, 1);
	ASSERT_INT_EQ(t->acw_s, 30);
	t = totals_of(ix, "Support");
	ASSERT_INT_EQ(t->acw_ended, 1);
	ASSERT_INT_EQ(t->acw_s, 0);

	/* replaced: only the new file's contacts count */
	id_of(id, sizeof(id), 4);
	line_of(line, sizeof(line), id, "Support", NULL, 0, NO_ACW);
	ASSERT_INT_EQ(append(other, line), 0);
	ASSERT_INT_EQ(rename(other, path), 0);
	ASSERT_TRUE(catch_up(ix));
	ASSERT_NULL(totals_of(ix, "Sales"));
	t = totals_of(ix, "Support");
	ASSERT_NOT_NULL(t);
	ASSERT_INT_EQ(t->handled, 0);
	ASSERT_INT_EQ(t->abandoned, 1);
	ASSERT_INT_EQ(t->acw_ended, 0);
	ASSERT_NULL(crindex_totals(NULL, 0, NULL));

	ix = mem_deref(ix);
	loop_close();
	(void)unlink(path);
}

TEST(same_hash_is_not_same_contact)
{
	char path[64], line[1024], agent[32];
	struct crindex *ix = NULL;
	json_t *r = NULL;
	bool acw = false;
	int err = 0;

	ASSERT_INT_EQ(hash_joaat_str(ID_A), hash_joaat_str(ID_B));
	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	line_of(line, sizeof(line), ID_A, "Sales", "agent1", 5, NO_ACW);
	err |= append(path, line);
	line_of(line, sizeof(line), ID_B, "Support", "agent2", 5, NO_ACW);
	err |= append(path, line);
	line_of(line, sizeof(line), ID_A, "Sales", "agent1", 5, 20);
	err |= append(path, line);
	ASSERT_INT_EQ(err, 0);

	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);
	ASSERT_INT_EQ(crindex_count(ix), 2);
	ASSERT_INT_EQ(newest(ix, ID_A, agent, sizeof(agent), &acw), 0);
	ASSERT_STR_EQ(agent, "agent1");
	ASSERT_TRUE(acw);
	ASSERT_INT_EQ(newest(ix, ID_B, agent, sizeof(agent), &acw), 0);
	ASSERT_STR_EQ(agent, "agent2");
	ASSERT_FALSE(acw);
	ASSERT_INT_EQ(crindex_record(&r, ix, "c0111de0-0000-4000-8000-"
				     "000000000000"), ENOENT);
	ASSERT_NULL(r);

	ix = mem_deref(ix);
	(void)unlink(path);
}

TEST(lines_that_are_not_records)
{
	char path[64], line[1024], id[64];
	struct crindex *ix = NULL;
	json_t *r = NULL;
	int err = 0;

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	ASSERT_INT_EQ(loop_init(), 0);
	id_of(id, sizeof(id), 1);
	line_of(line, sizeof(line), id, "Sales", NULL, 0, NO_ACW);
	err |= append(path, line);
	err |= append(path, "{torn line from a crash\n");
	err |= append(path, "[1, 2]\n\n42\n");
	err |= append(path, "{\"ContactId\": \"\"}\n{\"ContactId\": 7}\n");
	err |= append(path, "{\"Channel\": \"VOICE\"}\n");
	ASSERT_INT_EQ(err, 0);

	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);
	ASSERT_INT_EQ(crindex_count(ix), 1);
	ASSERT_INT_EQ(crindex_record(&r, ix, ""), ENOENT);
	ASSERT_INT_EQ(crindex_record(&r, ix, id), 0);
	ASSERT_NOT_NULL(r);
	json_decref(r);
	ASSERT_INT_EQ(crindex_record(NULL, ix, id), EINVAL);

	/* a line still being written is not indexed until it ends */
	id_of(id, sizeof(id), 2);
	line_of(line, sizeof(line), id, "Sales", NULL, 0, NO_ACW);
	line[strlen(line) - 1] = '\0';
	ASSERT_INT_EQ(append(path, line), 0);
	ASSERT_TRUE(catch_up(ix));
	ASSERT_INT_EQ(crindex_count(ix), 1);
	ASSERT_INT_EQ(append(path, "\n"), 0);
	ASSERT_TRUE(catch_up(ix));
	ASSERT_INT_EQ(crindex_count(ix), 2);

	ix = mem_deref(ix);
	loop_close();
	(void)unlink(path);
}

/* Enough contacts to grow the table several times; each revised once. */
TEST(many_contacts_and_revisions)
{
	enum { N = 5000 };
	char path[64], line[1024], id[64], agent[32];
	struct crindex *ix = NULL;
	struct crq_today t;
	bool acw = false;
	FILE *fp;
	unsigned i;

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	fp = fopen(path, "w");
	ASSERT_NOT_NULL(fp);
	for (i = 0; i < N; i++) {
		id_of(id, sizeof(id), i);
		line_of(line, sizeof(line), id, i % 2 ? "Sales" : "Support",
			"agent1", 1, NO_ACW);
		fputs(line, fp);
	}
	for (i = 0; i < N; i += 2) {
		id_of(id, sizeof(id), i);
		line_of(line, sizeof(line), id, "Support", "agent1", 1, 7);
		fputs(line, fp);
	}
	ASSERT_INT_EQ(fclose(fp), 0);

	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);
	ASSERT_INT_EQ(crindex_count(ix), N);
	for (i = 0; i < N; i += 97) {
		id_of(id, sizeof(id), i);
		ASSERT_INT_EQ(newest(ix, id, agent, sizeof(agent), &acw), 0);
		ASSERT_INT_EQ(acw, i % 2 == 0);
	}
	crindex_today(ix, "Support", 20000, &t);
	ASSERT_INT_EQ(t.handled, N / 2);
	crindex_today(ix, "Sales", 20000, &t);
	ASSERT_INT_EQ(t.handled, N / 2);

	ix = mem_deref(ix);
	(void)unlink(path);
}

/* A contact's newest line comes back byte for byte (no parse), appended
 * to what the buffer holds; a file cut shorter is not read from. */
TEST(lines_read_back_as_stored)
{
	char path[64], first[1024], rev[1024], other[1024], id[64];
	struct crindex *ix = NULL;
	const struct crent *e;
	struct mbuf *mb;
	int fd = -1, err = 0;
	size_t n;

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	id_of(id, sizeof(id), 1);
	line_of(first, sizeof(first), id, "Sales", "agent1", 5, NO_ACW);
	line_of(rev, sizeof(rev), id, "Sales", "agent1", 5, 30);
	id_of(id, sizeof(id), 2);
	line_of(other, sizeof(other), id, "Support", NULL, 0, NO_ACW);
	err |= append(path, first);
	err |= append(path, other);
	err |= append(path, rev);
	ASSERT_INT_EQ(err, 0);
	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);

	mb = mbuf_alloc(8);
	ASSERT_NOT_NULL(mb);
	ASSERT_INT_EQ(mbuf_write_str(mb, "["), 0);
	ASSERT_INT_EQ(crindex_open(&fd, ix), 0);
	e = crindex_at(ix, 0);
	ASSERT_NOT_NULL(e);
	ASSERT_INT_EQ(crindex_line(mb, ix, fd, e), 0);
	ASSERT_INT_EQ(mbuf_write_str(mb, ","), 0);
	ASSERT_TRUE(crindex_find(ix, id) == crindex_at(ix, 1));
	ASSERT_INT_EQ(crindex_line(mb, ix, fd, crindex_find(ix, id)), 0);
	ASSERT_NULL(crindex_at(ix, 2));
	(void)close(fd);

	/* "[" the revision "," the other, without their newlines */
	n = strlen(rev) - 1;
	ASSERT_INT_EQ(mb->end, 1 + n + 1 + strlen(other) - 1);
	ASSERT_TRUE(!memcmp(mb->buf + 1, rev, n));
	ASSERT_TRUE(!memcmp(mb->buf + 2 + n, other, strlen(other) - 1));

	ASSERT_INT_EQ(truncate(path, 10), 0);
	ASSERT_INT_EQ(crindex_open(&fd, ix), ESTALE);
	ASSERT_INT_EQ(crindex_line(NULL, ix, fd, e), EINVAL);

	mem_deref(mb);
	ix = mem_deref(ix);
	(void)unlink(path);
}

TEST(replaced_file_is_indexed_anew)
{
	char path[64], other[80], line[1024], id[64], old[64];
	struct crindex *ix = NULL;
	json_t *r = NULL;
	int err = 0, fd = -1;

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(other, sizeof(other), "%s.new", path);
	id_of(id, sizeof(id), 1);
	line_of(line, sizeof(line), id, "Sales", NULL, 0, NO_ACW);
	err |= append(path, line);
	id_of(id, sizeof(id), 2);
	line_of(line, sizeof(line), id, "Sales", NULL, 0, NO_ACW);
	err |= append(path, line);
	ASSERT_INT_EQ(err, 0);
	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);
	ASSERT_INT_EQ(crindex_count(ix), 2);

	/* rotated: a new file in its place holds one other contact; until
	 * the index catches up, lines are not read back from it */
	id_of(id, sizeof(id), 3);
	line_of(line, sizeof(line), id, "Support", "agent1", 1, NO_ACW);
	ASSERT_INT_EQ(append(other, line), 0);
	ASSERT_INT_EQ(rename(other, path), 0);
	ASSERT_INT_EQ(crindex_open(&fd, ix), ESTALE);
	id_of(old, sizeof(old), 1);
	ASSERT_INT_EQ(crindex_record(&r, ix, old), ESTALE);
	ASSERT_NULL(r);
	ASSERT_TRUE(catch_up(ix));
	ASSERT_INT_EQ(crindex_open(&fd, ix), 0);
	(void)close(fd);
	ASSERT_INT_EQ(crindex_count(ix), 1);
	ASSERT_INT_EQ(crindex_record(&r, ix, id), 0);
	json_decref(r);
	id_of(id, sizeof(id), 1);
	ASSERT_INT_EQ(crindex_record(&r, ix, id), ENOENT);

	/* gone: nothing indexed */
	ASSERT_INT_EQ(unlink(path), 0);
	ASSERT_TRUE(catch_up(ix));
	ASSERT_INT_EQ(crindex_count(ix), 0);

	ix = mem_deref(ix);
	loop_close();
}

struct held {
	struct crindex *ix;
	unsigned n;		/* requests answered */
	unsigned want;		/* leave the loop at this many */
	size_t count[4];	/* contacts indexed when each was answered */
	int tag[4];
};

struct ticket {
	struct held *h;
	int tag;
};

static void answered(struct http_conn *conn, const struct http_msg *msg,
		     void *arg)
{
	struct ticket *t = arg;
	struct held *h = t->h;

	(void)conn;
	(void)msg;
	if (h->n < 4) {
		h->count[h->n] = crindex_count(h->ix);
		h->tag[h->n] = t->tag;
	}
	if (++h->n == h->want)
		re_cancel();
}

/* Lines n0..n1-1, written at once: several catch-up jobs' worth. */
static int write_many(const char *path, unsigned n0, unsigned n1)
{
	char line[1024], id[64];
	FILE *fp = fopen(path, "a");
	unsigned i;

	if (!fp)
		return errno;
	for (i = n0; i < n1; i++) {
		id_of(id, sizeof(id), i);
		line_of(line, sizeof(line), id, "Sales", "agent1", 3, NO_ACW);
		fputs(line, fp);
	}
	return fclose(fp) ? EIO : 0;
}

/* A request waits for every record written before it came, read on the
 * pool (never answered from inside crindex_wait()); one behind it on its
 * connection waits too and comes after; others are not held. */
TEST(requests_wait_for_the_catch_up)
{
	enum { N = 8000 };	/* about 5 MB: several jobs */
	char path[64], id[64];
	struct crindex *ix = NULL;
	struct held h;
	struct ticket t1 = {&h, 1}, t2 = {&h, 2}, t3 = {&h, 3};
	struct tmr tmr;
	json_t *r = NULL;
	/* connections are only compared and referenced here */
	struct http_conn *c1 = mem_zalloc(1, NULL);
	struct http_conn *c2 = mem_zalloc(1, NULL);

	ASSERT_NOT_NULL(c1);
	ASSERT_NOT_NULL(c2);
	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(write_many(path, 0, 10), 0);
	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);
	memset(&h, 0, sizeof(h));
	h.ix = ix;
	h.want = 2;

	/* up to date: nothing is held */
	ASSERT_FALSE(crindex_wait(ix, c1, NULL, true, answered, &t1));

	ASSERT_INT_EQ(write_many(path, 10, N), 0);
	ASSERT_TRUE(crindex_wait(ix, c1, NULL, true, answered, &t1));
	ASSERT_TRUE(crindex_wait(ix, c1, NULL, false, answered, &t2));
	ASSERT_FALSE(crindex_wait(ix, c2, NULL, false, answered, &t3));
	ASSERT_INT_EQ(h.n, 0);
	ASSERT_INT_EQ(crindex_count(ix), 10);

	tmr_init(&tmr);
	tmr_start(&tmr, 20000, too_long, NULL);
	(void)re_main(NULL);
	tmr_cancel(&tmr);
	ASSERT_INT_EQ(h.n, 2);
	ASSERT_INT_EQ(h.tag[0], 1);
	ASSERT_INT_EQ(h.tag[1], 2);
	ASSERT_INT_EQ(h.count[0], N);
	ASSERT_INT_EQ(h.count[1], N);
	id_of(id, sizeof(id), N - 1);
	ASSERT_INT_EQ(crindex_record(&r, ix, id), 0);
	json_decref(r);

	/* caught up: not held any more */
	ASSERT_FALSE(crindex_wait(ix, c1, NULL, true, answered, &t1));

	ix = mem_deref(ix);
	loop_close();
	mem_deref(c1);
	mem_deref(c2);
	(void)unlink(path);
}

/* The index (the API) goes while a catch-up runs and a request waits:
 * the request is dropped unanswered, the job ends cleanly, no leak. */
TEST(index_gone_while_catching_up)
{
	char path[64];
	struct crindex *ix = NULL;
	struct held h;
	struct ticket t1 = {&h, 1};
	struct http_conn *c1 = mem_zalloc(1, NULL);

	ASSERT_NOT_NULL(c1);
	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);
	memset(&h, 0, sizeof(h));
	h.ix = ix;
	ASSERT_INT_EQ(write_many(path, 0, 3000), 0);
	ASSERT_TRUE(crindex_wait(ix, c1, NULL, true, answered, &t1));
	ix = mem_deref(ix);
	loop_close();	/* the job ends (or is cancelled) here */
	ASSERT_INT_EQ(h.n, 0);
	mem_deref(c1);
	(void)unlink(path);
}

/* Without a loop (no pool) a catch-up is done in place. */
TEST(no_pool_catches_up_in_place)
{
	char path[64];
	struct crindex *ix = NULL;
	struct held h;
	struct ticket t1 = {&h, 1};

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);
	ASSERT_INT_EQ(crindex_count(ix), 0);
	memset(&h, 0, sizeof(h));
	h.ix = ix;
	ASSERT_INT_EQ(write_many(path, 0, 2500), 0);
	ASSERT_TRUE(crindex_wait(ix, NULL, NULL, true, answered, &t1));
	ASSERT_INT_EQ(h.n, 1);
	ASSERT_INT_EQ(h.count[0], 2500);

	ix = mem_deref(ix);
	(void)unlink(path);
}

/* -- historical reports (api_reports.c over crindex_scan()) -- */

/* 2026-03-10T00:00:00Z */
#define DAY0 1773100800000ULL
#define H(h) ((uint64_t)(h) * 3600000)
#define M(m) ((uint64_t)(m) * 60000)

/* A record line of a contact of queue (NULL: none) that ended at
 * disc_ms: with an agent it was answered after wait_s and talked talk_s
 * (< 0: no AgentInteractionDuration), with acw_s >= 0 its after-contact
 * work over; without, it left the queue unanswered. */
static void rec_at(char *buf, size_t sz, unsigned n, const char *queue,
		   const char *agent, uint64_t disc_ms, unsigned wait_s,
		   int talk_s, int acw_s)
{
	uint64_t conn = disc_ms - (talk_s > 0 ? (uint64_t)talk_s : 0) * 1000;
	uint64_t enq = conn - (uint64_t)wait_s * 1000;
	char id[64], init[40], eq[40], cn[40], disc[40], q[160] = "null";
	char ag[400] = "null", talk[64] = "", acw[96] = "";

	id_of(id, sizeof(id), n);
	util_iso8601(init, sizeof(init), enq - 3000);
	util_iso8601(eq, sizeof(eq), enq);
	util_iso8601(cn, sizeof(cn), conn);
	util_iso8601(disc, sizeof(disc), disc_ms);
	if (queue)
		snprintf(q, sizeof(q), "{\"Name\": \"%s\", \"EnqueueTimestamp\""
			 ": \"%s\"}", queue, eq);
	if (talk_s >= 0)
		snprintf(talk, sizeof(talk), ", \"AgentInteractionDuration\":"
			 " %d", talk_s);
	if (acw_s >= 0)
		snprintf(acw, sizeof(acw), ", \"AfterContactWorkDuration\": %d",
			 acw_s);
	if (agent)
		snprintf(ag, sizeof(ag), "{\"Username\": \"%s\", "
			 "\"ConnectedToAgentTimestamp\": \"%s\"%s%s}", agent,
			 cn, talk, acw);
	snprintf(buf, sz, "{\"ContactId\": \"%s\", \"InitiationTimestamp\": "
		 "\"%s\", \"DisconnectTimestamp\": \"%s\", \"Queue\": %s, "
		 "\"Agent\": %s}\n", id, init, disc, q, ag);
}

static int add_rec(const char *path, unsigned n, const char *queue,
		   const char *agent, uint64_t disc_ms, unsigned wait_s,
		   int talk_s, int acw_s)
{
	char line[1024];

	rec_at(line, sizeof(line), n, queue, agent, disc_ms, wait_s, talk_s,
	       acw_s);
	return append(path, line);
}

static uint32_t sl_sales_10(const char *queue, void *arg)
{
	(void)arg;
	return !strcmp(queue, "Sales") ? 10 : 0;
}

static int report(struct report_row **rowsp, size_t *np,
		  const struct crindex *ix, uint64_t from, uint64_t to,
		  uint64_t iv, bool agents)
{
	struct report_query q;

	memset(&q, 0, sizeof(q));
	q.from = from;
	q.to = to;
	q.interval_ms = iv;
	q.agents = agents;
	q.slh = sl_sales_10;
	return reports_build(rowsp, np, ix, &q);
}

/* Contacts count in the bucket of their DisconnectTimestamp, rows by
 * start then name; buckets are UTC-aligned, the first and last cut by
 * from and to; handled, abandoned, answer time, service level and the
 * handle-time means per queue and per agent. */
TEST(report_buckets_by_disconnect)
{
	char path[64];
	struct crindex *ix = NULL;
	struct report_row *rows = NULL;
	const struct crq_today *t;
	size_t n = 0;
	int err = 0;

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	/* the day before: outside the range below */
	err |= add_rec(path, 1, "Sales", "agent1", DAY0 - M(1), 5, 60, 10);
	/* 09:xx: Sales handled x2 (waits 5 and 30), abandoned x1;
	 * Support handled (no interaction time, ACW on) */
	err |= add_rec(path, 2, "Sales", "agent1", DAY0 + H(9) + M(5), 5, 100,
		       20);
	err |= add_rec(path, 3, "Support", "agent2", DAY0 + H(9) + M(10), 2,
		       -1, -1);
	err |= add_rec(path, 4, "Sales", NULL, DAY0 + H(9) + M(20), 40, -1,
		       -1);
	err |= add_rec(path, 5, "Sales", "agent2", DAY0 + H(9) + M(59), 30,
		       50, 0);
	/* 10:00 exactly: the next bucket; no queue (agent reports only) */
	err |= add_rec(path, 6, "Sales", "agent1", DAY0 + H(10), 10, 40, 6);
	err |= add_rec(path, 7, NULL, "agent1", DAY0 + H(10) + M(1), 0, 30,
		       4);
	/* 12:30: after the range's end */
	err |= add_rec(path, 8, "Sales", "agent1", DAY0 + H(12) + M(30), 1, 5,
		       5);
	ASSERT_INT_EQ(err, 0);
	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);

	/* 08:30-12:30 by the hour: 08:30-09:00 empty, no rows */
	ASSERT_INT_EQ(report(&rows, &n, ix, DAY0 + H(8) + M(30),
			     DAY0 + H(12) + M(30), H(1), false), 0);
	ASSERT_INT_EQ(n, 3);
	ASSERT_INT_EQ(rows[0].start, DAY0 + H(9));
	ASSERT_INT_EQ(rows[0].end, DAY0 + H(10));
	ASSERT_STR_EQ(rows[0].name, "Sales");
	ASSERT_INT_EQ(rows[0].queued, 3);
	t = &rows[0].t;
	ASSERT_INT_EQ(t->handled, 2);
	ASSERT_INT_EQ(t->abandoned, 1);
	ASSERT_INT_EQ(t->answer_ms_sum, 35000);
	ASSERT_INT_EQ(rows[0].sl_s, 10);
	ASSERT_INT_EQ(t->within_sl, 1);
	ASSERT_INT_EQ(t->talked, 2);
	ASSERT_INT_EQ(t->talk_s_sum, 150);
	ASSERT_INT_EQ(t->acw_ended, 2);
	ASSERT_INT_EQ(t->acw_s_sum, 20);
	ASSERT_INT_EQ(t->handle_s_sum, 170);
	ASSERT_STR_EQ(rows[1].name, "Support");
	ASSERT_INT_EQ(rows[1].start, DAY0 + H(9));
	ASSERT_INT_EQ(rows[1].sl_s, 20);
	t = &rows[1].t;
	ASSERT_INT_EQ(rows[1].queued, 1);
	ASSERT_INT_EQ(t->handled, 1);
	ASSERT_INT_EQ(t->within_sl, 1);
	ASSERT_INT_EQ(t->talked, 0);
	ASSERT_INT_EQ(t->acw_ended, 0);
	ASSERT_STR_EQ(rows[2].name, "Sales");
	ASSERT_INT_EQ(rows[2].start, DAY0 + H(10));
	ASSERT_INT_EQ(rows[2].queued, 1);
	ASSERT_INT_EQ(rows[2].t.answer_ms_sum, 10000);
	rows = mem_deref(rows);

	/* by agent, 15 minutes, from 09:07: the first bucket cut */
	ASSERT_INT_EQ(report(&rows, &n, ix, DAY0 + H(9) + M(7),
			     DAY0 + H(10) + M(10), M(15), true), 0);
	ASSERT_INT_EQ(n, 3);
	ASSERT_INT_EQ(rows[0].start, DAY0 + H(9) + M(7));
	ASSERT_INT_EQ(rows[0].end, DAY0 + H(9) + M(15));
	ASSERT_STR_EQ(rows[0].name, "agent2");		/* 3 */
	ASSERT_INT_EQ(rows[0].t.handled, 1);
	ASSERT_INT_EQ(rows[1].start, DAY0 + H(9) + M(45));
	ASSERT_STR_EQ(rows[1].name, "agent2");		/* 5 */
	ASSERT_INT_EQ(rows[1].t.handle_s_sum, 50);
	ASSERT_INT_EQ(rows[2].start, DAY0 + H(10));
	ASSERT_INT_EQ(rows[2].end, DAY0 + H(10) + M(10));
	ASSERT_STR_EQ(rows[2].name, "agent1");		/* 6 and 7 */
	ASSERT_INT_EQ(rows[2].t.handled, 2);
	ASSERT_INT_EQ(rows[2].t.talk_s_sum, 70);
	ASSERT_INT_EQ(rows[2].t.acw_ended, 2);
	ASSERT_INT_EQ(rows[2].t.handle_s_sum, 80);
	ASSERT_INT_EQ(rows[2].t.abandoned, 0);
	ASSERT_INT_EQ(rows[2].queued, 0);
	rows = mem_deref(rows);

	/* by day over two days, and total: the day before apart */
	ASSERT_INT_EQ(report(&rows, &n, ix, DAY0 - H(24), DAY0 + H(24),
			     H(24), false), 0);
	ASSERT_INT_EQ(n, 3);
	ASSERT_INT_EQ(rows[0].start, DAY0 - H(24));
	ASSERT_INT_EQ(rows[0].queued, 1);
	ASSERT_INT_EQ(rows[1].start, DAY0);
	ASSERT_STR_EQ(rows[1].name, "Sales");
	ASSERT_INT_EQ(rows[1].queued, 5);
	ASSERT_INT_EQ(rows[1].t.handled, 4);
	ASSERT_STR_EQ(rows[2].name, "Support");
	rows = mem_deref(rows);
	ASSERT_INT_EQ(report(&rows, &n, ix, DAY0 - H(1), DAY0 + H(11), 0,
			     false), 0);
	ASSERT_INT_EQ(n, 2);
	ASSERT_INT_EQ(rows[0].start, DAY0 - H(1));
	ASSERT_INT_EQ(rows[0].end, DAY0 + H(11));
	ASSERT_INT_EQ(rows[0].queued, 5);
	ASSERT_INT_EQ(rows[0].t.abandoned, 1);
	ASSERT_INT_EQ(rows[0].t.within_sl, 3);
	rows = mem_deref(rows);

	/* nothing in range: no rows; bad queries refused */
	ASSERT_INT_EQ(report(&rows, &n, ix, DAY0 + H(13), DAY0 + H(14), H(1),
			     false), 0);
	ASSERT_INT_EQ(n, 0);
	ASSERT_NULL(rows);
	ASSERT_INT_EQ(report(&rows, &n, ix, DAY0, DAY0, H(1), false), EINVAL);
	ASSERT_INT_EQ(reports_build(&rows, &n, ix, NULL), EINVAL);

	ix = mem_deref(ix);
	(void)unlink(path);
}

/* Named queues only (a name no record has matches nothing); a revision
 * counts its contact once; after-contact work arriving later (caught up
 * with) moves the means of the bucket the contact ended in. */
TEST(report_revisions_and_late_acw)
{
	static const char *const both[] = {"Support", "nobody", "Sales"};
	static const char *const none[] = {"nobody"};
	char path[64];
	struct crindex *ix = NULL;
	struct report_row *rows = NULL;
	struct report_query q;
	size_t n = 0;
	int err = 0;

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	ASSERT_INT_EQ(loop_init(), 0);
	err |= add_rec(path, 1, "Sales", "agent1", DAY0 + H(9), 4, 60, -1);
	err |= add_rec(path, 2, "Sales", "agent1", DAY0 + H(9) + M(1), 4, 90,
		       10);
	err |= add_rec(path, 3, "Support", "agent2", DAY0 + H(9) + M(2), 4,
		       30, -1);
	err |= add_rec(path, 4, "Billing", NULL, DAY0 + H(9) + M(3), 4, -1,
		       -1);
	ASSERT_INT_EQ(err, 0);
	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);

	memset(&q, 0, sizeof(q));
	q.from = DAY0;
	q.to = DAY0 + H(24);
	q.interval_ms = H(1);
	q.names = both;
	q.nnames = ARRAY_SIZE(both);
	ASSERT_INT_EQ(reports_build(&rows, &n, ix, &q), 0);
	ASSERT_INT_EQ(n, 2);
	ASSERT_STR_EQ(rows[0].name, "Sales");
	ASSERT_STR_EQ(rows[1].name, "Support");
	ASSERT_INT_EQ(rows[0].t.handled, 2);
	ASSERT_INT_EQ(rows[0].t.acw_ended, 1);
	ASSERT_INT_EQ(rows[0].t.acw_s_sum, 10);
	ASSERT_INT_EQ(rows[0].t.handle_s_sum, 100);
	rows = mem_deref(rows);
	q.names = none;
	q.nnames = 1;
	ASSERT_INT_EQ(reports_build(&rows, &n, ix, &q), 0);
	ASSERT_INT_EQ(n, 0);

	/* 1's ACW ends (30 s), again later (not counted again); 2 is
	 * revised too: still two handled, one queued each */
	err |= add_rec(path, 1, "Sales", "agent1", DAY0 + H(9), 4, 60, 30);
	err |= add_rec(path, 1, "Sales", "agent1", DAY0 + H(9), 4, 60, 77);
	err |= add_rec(path, 2, "Sales", "agent1", DAY0 + H(9) + M(1), 4, 90,
		       55);
	ASSERT_INT_EQ(err, 0);
	ASSERT_TRUE(catch_up(ix));
	q.names = NULL;
	q.nnames = 0;
	ASSERT_INT_EQ(reports_build(&rows, &n, ix, &q), 0);
	ASSERT_INT_EQ(n, 3);
	ASSERT_STR_EQ(rows[0].name, "Billing");
	ASSERT_INT_EQ(rows[0].queued, 1);
	ASSERT_INT_EQ(rows[0].t.abandoned, 1);
	ASSERT_INT_EQ(rows[0].t.handled, 0);
	ASSERT_STR_EQ(rows[1].name, "Sales");
	ASSERT_INT_EQ(rows[1].queued, 2);
	ASSERT_INT_EQ(rows[1].t.handled, 2);
	ASSERT_INT_EQ(rows[1].t.talk_s_sum, 150);
	ASSERT_INT_EQ(rows[1].t.acw_ended, 2);
	ASSERT_INT_EQ(rows[1].t.acw_s_sum, 40);
	ASSERT_INT_EQ(rows[1].t.handle_s_sum, 190);
	rows = mem_deref(rows);

	/* the agent's figures moved likewise */
	q.agents = true;
	ASSERT_INT_EQ(reports_build(&rows, &n, ix, &q), 0);
	ASSERT_INT_EQ(n, 2);
	ASSERT_STR_EQ(rows[0].name, "agent1");
	ASSERT_INT_EQ(rows[0].t.handled, 2);
	ASSERT_INT_EQ(rows[0].t.acw_ended, 2);
	ASSERT_INT_EQ(rows[0].t.handle_s_sum, 190);
	ASSERT_STR_EQ(rows[1].name, "agent2");
	ASSERT_INT_EQ(rows[1].t.acw_ended, 0);
	rows = mem_deref(rows);

	ix = mem_deref(ix);
	loop_close();
	(void)unlink(path);
}

struct scanned {
	size_t n;
	uint64_t min, max;
};

static void seen(const struct crent *e, void *arg)
{
	struct scanned *s = arg;

	++s->n;
	if (!s->min || e->rep_ms < s->min)
		s->min = e->rep_ms;
	if (e->rep_ms > s->max)
		s->max = e->rep_ms;
}

/* A scan looks at the entries of its range, not the whole index: 30
 * days of contacts in file order, a few written out of order (a crash
 * recovered the next day, seconds of jitter): a one-day scan finds
 * exactly that day's, looking at little more. */
TEST(report_scan_is_bounded)
{
	enum { DAYS = 30, PER_DAY = 96 };
	char path[64], line[1024];
	struct crindex *ix = NULL;
	struct scanned s;
	unsigned d, i, k = 0;
	size_t looked;
	FILE *fp;

	ASSERT_NOT_NULL(tmp_path(path, sizeof(path)));
	fp = fopen(path, "w");
	ASSERT_NOT_NULL(fp);
	for (d = 0; d < DAYS; d++) {
		for (i = 0; i < PER_DAY; i++) {
			/* every 15 minutes, odd ones 20 s early */
			uint64_t t = DAY0 + H(24) * d + M(15) * i + M(1) -
				(i % 2 ? 20000 : 0);

			rec_at(line, sizeof(line), ++k, "Sales", "agent1", t,
			       1, 10, 0);
			fputs(line, fp);
		}
		if (d == 10) {
			/* day 5's, written on day 10: kept aside */
			rec_at(line, sizeof(line), ++k, "Sales", NULL,
			       DAY0 + H(24) * 5 + H(12) + 1, 0, -1, -1);
			fputs(line, fp);
		}
	}
	ASSERT_INT_EQ(fclose(fp), 0);
	ASSERT_INT_EQ(crindex_alloc(&ix, path), 0);
	ASSERT_INT_EQ(crindex_count(ix), DAYS * PER_DAY + 1);

	memset(&s, 0, sizeof(s));
	looked = crindex_scan(ix, DAY0 + H(24) * 20, DAY0 + H(24) * 21, seen,
			      &s);
	ASSERT_INT_EQ(s.n, PER_DAY);
	ASSERT_INT_EQ(s.min, DAY0 + H(24) * 20 + M(1));
	ASSERT_TRUE(s.max < DAY0 + H(24) * 21);
	/* that day, 10 minutes after it (entries up to LATE_MS early
	 * stay in order) and the one kept aside */
	ASSERT_TRUE(looked >= PER_DAY + 1);
	ASSERT_TRUE(looked <= PER_DAY + 1 + 1 + 1);

	/* day 5 with the one kept aside, looking at about one day */
	memset(&s, 0, sizeof(s));
	looked = crindex_scan(ix, DAY0 + H(24) * 5, DAY0 + H(24) * 6, seen,
			      &s);
	ASSERT_INT_EQ(s.n, PER_DAY + 1);
	ASSERT_TRUE(looked <= PER_DAY + 3);

	/* everything, and nothing */
	memset(&s, 0, sizeof(s));
	(void)crindex_scan(ix, 1, UINT64_MAX, seen, &s);
	ASSERT_INT_EQ(s.n, DAYS * PER_DAY + 1);
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(crindex_scan(ix, DAY0 + H(24) * 40, DAY0 + H(24) * 41,
				   seen, &s), 1);
	ASSERT_INT_EQ(s.n, 0);
	ASSERT_INT_EQ(crindex_scan(NULL, 0, 1, seen, &s), 0);

	ix = mem_deref(ix);
	(void)unlink(path);
}
