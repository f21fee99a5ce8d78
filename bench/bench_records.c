/*
 * bench_records: contact records written when 1,000 contacts end at once.
 *
 * Each round ends N live-looking contacts (attributes, tags, queue, agent,
 * timestamps) on the loop thread, as a mass hang-up would, S per loop turn
 * (S = N: one unsliced burst; the daemon's shutdown hangs up 50 a turn).
 * A 1 ms libre timer measures how late the loop gets to it: the gaps
 * between its ticks while a burst is being ended, encoded and written
 * ("busy") and while nothing happens ("idle", the machine's own noise).
 * The records go to the real JSONL file; a round ends when the last one
 * is on disk (fdatasync'ed). Prints records/s to disk, the loop's cost per
 * record and the gap percentiles; target: no stall over 5 ms.
 *
 * usage: bench_records [contacts] [rounds] [slice]   (default 1000 10 1000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/store/journal.h>
#include <callflowd/core/loop.h>
#include <callflowd/store/records.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/util.h>

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

enum { MAX_GAPS = 1 << 20 };

struct gaps {
	uint32_t *v;		/* microseconds */
	size_t n;
};

struct bench {
	struct records *rec;
	struct cdata **cdv;
	unsigned n, rounds, round, slice, next;
	bool busy;
	struct tmr tick, burst;
	uint64_t last_tick;
	struct gaps busy_gaps, idle_gaps;
	uint64_t turn_us_max;
	uint64_t round_t0, disk_us;	/* sum over rounds: start to on disk */
};

static void gap_add(struct gaps *g, uint64_t us)
{
	if (g->n < MAX_GAPS)
		g->v[g->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void gap_print(const char *what, struct gaps *g)
{
	if (!g->n)
		return;
	qsort(g->v, g->n, sizeof(*g->v), cmp_u32);
	printf("  loop gaps, %-5s    p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms"
	       " (%zu ticks of a 1 ms timer)\n", what,
	       g->v[g->n / 2] / 1000.0, g->v[g->n * 99 / 100] / 1000.0,
	       g->v[g->n * 999 / 1000] / 1000.0, g->v[g->n - 1] / 1000.0,
	       g->n);
}

static void burst(void *arg);

static void tick(void *arg)
{
	struct bench *b = arg;
	uint64_t t = now_us();

	if (b->last_tick)
		gap_add(b->busy ? &b->busy_gaps : &b->idle_gaps,
			t - b->last_tick);
	b->last_tick = t;

	/* a round ends when its last record is on disk */
	if (b->busy && b->next == b->n && records_idle(b->rec)) {
		b->busy = false;
		b->disk_us += t - b->round_t0;
		b->next = 0;
		if (++b->round == b->rounds) {
			re_cancel();
			return;
		}
		tmr_start(&b->burst, 200, burst, b);
	}
	tmr_start(&b->tick, 1, tick, b);
}

static void burst(void *arg)
{
	struct bench *b = arg;
	struct crecord_info info;
	uint64_t t = now_us(), ms = util_now_ms();
	unsigned i;

	if (!b->next) {
		b->busy = true;
		b->round_t0 = t;
	}
	memset(&info, 0, sizeof(info));
	info.initiated_ms = ms - 120000;
	info.connected_ms = ms - 119000;
	info.disconnected_ms = ms;
	info.disconnect_reason = "CUSTOMER_DISCONNECT";
	info.flow_name = "Sample inbound flow";
	info.queue_name = "Sales";
	info.enqueued_ms = ms - 100000;
	info.dequeued_ms = ms - 60000;
	info.agent_connected_ms = ms - 60000;
	info.agent_attempts = 1;
	info.holds = 1;
	info.hold_ms = 12000;
	info.longest_hold_ms = 12000;

	for (i = 0; i < b->slice && b->next < b->n; i++)
		(void)records_write(b->rec, b->cdv[b->next++], &info);

	t = now_us() - t;
	if (t > b->turn_us_max)
		b->turn_us_max = t;
	if (b->next < b->n)
		tmr_start(&b->burst, 0, burst, b);	/* next turn */
}

/*
 * The crash journal's 5-second check with the same contacts live: it
 * freezes each one and compares with the last line written. Timed
 * directly (one check = journal_update() of every live contact), with
 * nothing changed and with every contact changed.
 */
static void journal_cost(struct bench *b, const char *dir)
{
	struct crecord_info info;
	struct journal *j = NULL;
	uint64_t t, same_us, changed_us;
	unsigned i;

	memset(&info, 0, sizeof(info));
	info.initiated_ms = util_now_ms();
	info.queue_name = "Sales";
	info.enqueued_ms = info.initiated_ms + 2000;
	if (journal_alloc(&j, dir, b->rec, 3600000))
		return;
	for (i = 0; i < b->n; i++)
		(void)journal_start(j, b->cdv[i], &info, "Sample inbound flow");
	journal_flush(j, 10000);

	t = now_us();
	for (i = 0; i < b->n; i++)
		journal_update(j, b->cdv[i]->contact_id);
	same_us = now_us() - t;

	for (i = 0; i < b->n; i++)
		(void)cdata_attr_set(b->cdv[i], "Step", "two");
	t = now_us();
	for (i = 0; i < b->n; i++)
		journal_update(j, b->cdv[i]->contact_id);
	changed_us = now_us() - t;
	journal_flush(j, 10000);

	printf("  journal check        %u live contacts: %.2f ms unchanged "
	       "(%.2f us each), %.2f ms all changed (%.2f us each)\n", b->n,
	       same_us / 1000.0, (double)same_us / b->n,
	       changed_us / 1000.0, (double)changed_us / b->n);
	for (i = 0; i < b->n; i++)
		journal_end(j, b->cdv[i]->contact_id);
	journal_flush(j, 10000);
	mem_deref(j);
}

int main(int argc, char **argv)
{
	struct bench b;
	char dir[] = "/tmp/bench-records-XXXXXX";
	struct rng rng;
	double secs;
	unsigned i;

	memset(&b, 0, sizeof(b));
	b.n = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
	b.rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 10;
	b.slice = argc > 3 ? (unsigned)atoi(argv[3]) : 1000;
	if (!b.n || !b.rounds || !b.slice || !mkdtemp(dir))
		return 2;

	if (libre_init() || loop_init())
		return 1;
	if (records_alloc(&b.rec, dir)) {
		fprintf(stderr, "records_alloc failed\n");
		return 1;
	}

	/* contacts as they end: ids, endpoints, a few attributes */
	rng_seed(&rng, 42);
	b.cdv = calloc(b.n, sizeof(*b.cdv));
	for (i = 0; b.cdv && i < b.n; i++) {
		char id[40], v[32];

		util_uuid(id, &rng);
		if (cdata_alloc(&b.cdv[i], id))
			return 1;
		str_ncpy(b.cdv[i]->customer_addr, "+15551230000",
			 sizeof(b.cdv[i]->customer_addr));
		str_ncpy(b.cdv[i]->system_addr, "+18005550100",
			 sizeof(b.cdv[i]->system_addr));
		re_snprintf(v, sizeof(v), "%u", i);
		(void)cdata_attr_set(b.cdv[i], "Menu", "sales");
		(void)cdata_attr_set(b.cdv[i], "Account", v);
		(void)cdata_attr_set(b.cdv[i], "Tier", "gold");
		(void)cdata_attr_set(b.cdv[i], "Intent", "billing question");
		(void)str_dup(&b.cdv[i]->agent_username, "alice");
		(void)str_dup(&b.cdv[i]->agent_arn,
			      "arn:callflowd:agent/alice");
	}
	b.busy_gaps.v = calloc(MAX_GAPS, sizeof(uint32_t));
	b.idle_gaps.v = calloc(MAX_GAPS, sizeof(uint32_t));
	if (!b.busy_gaps.v || !b.idle_gaps.v)
		return 1;

	tmr_init(&b.tick);
	tmr_init(&b.burst);
	tmr_start(&b.tick, 1, tick, &b);
	tmr_start(&b.burst, 200, burst, &b);
	(void)re_main(NULL);
	records_flush(b.rec, 10000);
	secs = (double)b.disk_us / 1e6;

	printf("bench_records: %u contacts ending at once, %u rounds, %u per "
	       "loop turn\n", b.n, b.rounds, b.slice);
	printf("  records on disk      %llu, %.0f records/s (first hang-up to "
	       "last record fdatasync'ed, summed over rounds)\n",
	       (unsigned long long)records_written(b.rec),
	       secs > 0 ? (double)records_written(b.rec) / secs : 0.0);
	printf("  loop cost            %.2f ms for the longest turn of %u "
	       "records (%.2f us per record)\n",
	       (double)b.turn_us_max / 1000.0, b.slice < b.n ? b.slice : b.n,
	       (double)b.turn_us_max / (b.slice < b.n ? b.slice : b.n));
	gap_print("busy", &b.busy_gaps);
	gap_print("idle", &b.idle_gaps);
	printf("  target: no loop stall over 5 ms while records are written\n");
	journal_cost(&b, dir);

	tmr_cancel(&b.tick);
	tmr_cancel(&b.burst);
	for (i = 0; i < b.n; i++)
		mem_deref(b.cdv[i]);
	free(b.cdv);
	free(b.busy_gaps.v);
	free(b.idle_gaps.v);
	b.rec = mem_deref(b.rec);
	loop_close();
	libre_close();
	{
		char cmd[128];

		re_snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			return 1;
	}
	return 0;
}
