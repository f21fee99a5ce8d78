/*
 * bench_records: contact records written when 1,000 contacts end at once.
 *
 * Each round ends N live-looking contacts (attributes, queue, timestamps)
 * at once on the loop thread, as a mass hang-up would, in slices of S per
 * loop turn (the daemon's shutdown hangs up 50 per turn), while a 1 ms
 * libre timer measures how late the loop gets to it (the loop stall). The
 * records go to the real JSONL file through the pool. Prints records/s to
 * disk, the cost of one record on the loop and the worst stall; target: no
 * stall over 5 ms. S = N shows the stall of one unsliced burst.
 *
 * usage: bench_records [contacts] [rounds] [slice]   (default 1000 5 50)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <callflowd/libre.h>
#include <callflowd/cdata.h>
#include <callflowd/loop.h>
#include <callflowd/records.h>
#include <callflowd/strmap.h>
#include <callflowd/util.h>

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

struct bench {
	struct records *rec;
	struct cdata **cdv;
	unsigned n, rounds, round, slice, next;
	uint64_t expected;
	struct tmr tick, burst;
	uint64_t last_tick;
	uint64_t worst_gap;
	uint64_t burst_us_max;
	uint64_t t0;
};

static void tick(void *arg)
{
	struct bench *b = arg;
	uint64_t t = now_us();

	if (b->last_tick && t - b->last_tick > b->worst_gap)
		b->worst_gap = t - b->last_tick;
	b->last_tick = t;

	if (b->round == b->rounds && records_written(b->rec) >= b->expected) {
		re_cancel();
		return;
	}
	tmr_start(&b->tick, 1, tick, b);
}

static void burst(void *arg)
{
	struct bench *b = arg;
	struct crecord_info info;
	uint64_t t = now_us(), ms = util_now_ms();
	unsigned i;

	memset(&info, 0, sizeof(info));
	info.initiated_ms = ms - 120000;
	info.connected_ms = ms - 119000;
	info.disconnected_ms = ms;
	info.disconnect_reason = "CUSTOMER_DISCONNECT";
	info.flow_name = "Sample inbound flow";
	info.queue_name = "Sales";
	info.enqueued_ms = ms - 100000;
	info.dequeued_ms = ms - 60000;

	for (i = 0; i < b->slice && b->next < b->n; i++)
		(void)records_write(b->rec, b->cdv[b->next++], &info);

	t = now_us() - t;
	if (t > b->burst_us_max)
		b->burst_us_max = t;
	if (b->next < b->n) {
		tmr_start(&b->burst, 1, burst, b);	/* next slice */
		return;
	}
	b->next = 0;
	if (++b->round < b->rounds)
		tmr_start(&b->burst, 200, burst, b);
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
	b.rounds = argc > 2 ? (unsigned)atoi(argv[2]) : 5;
	b.slice = argc > 3 ? (unsigned)atoi(argv[3]) : 50;
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
	}
	b.expected = (uint64_t)b.n * b.rounds;

	tmr_init(&b.tick);
	tmr_init(&b.burst);
	b.t0 = now_us();
	tmr_start(&b.tick, 1, tick, &b);
	tmr_start(&b.burst, 10, burst, &b);
	(void)re_main(NULL);
	records_flush(b.rec, 10000);
	secs = (double)(now_us() - b.t0) / 1e6;

	printf("bench_records: %u contacts ending at once, %u rounds, %u per "
	       "loop turn\n", b.n, b.rounds, b.slice);
	printf("  records written      %llu in %.2f s (%.0f records/s to disk, "
	       "with 200 ms between bursts)\n",
	       (unsigned long long)records_written(b.rec), secs,
	       (double)records_written(b.rec) / secs);
	printf("  one loop turn        %.2f ms for %u records "
	       "(%.1f us per record)\n", (double)b.burst_us_max / 1000.0,
	       b.slice < b.n ? b.slice : b.n,
	       (double)b.burst_us_max / (b.slice < b.n ? b.slice : b.n));
	printf("  worst loop stall     %.2f ms (1 ms timer; target <= 5 ms)\n",
	       (double)b.worst_gap / 1000.0);

	tmr_cancel(&b.tick);
	tmr_cancel(&b.burst);
	for (i = 0; i < b.n; i++)
		mem_deref(b.cdv[i]);
	free(b.cdv);
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
