/*
 * The live-contact journal: what it writes while contacts run, and the
 * recovery after a crash (one final record per contact left open, none
 * for ended or already recorded ones, torn lines skipped, the journal
 * emptied). Also the records section: redacted attributes in records and
 * journal lines, and its errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/store/crsnap.h>
#include <callflowd/store/journal.h>
#include <callflowd/core/loop.h>
#include <callflowd/store/records.h>
#include <callflowd/core/util.h>
#include "test.h"
#include "tfiles.h"

static int put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return errno;
	fputs(text, fp);
	fclose(fp);
	return 0;
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;
	const char *p = text;

	while (p && (p = strstr(p, what))) {
		++n;
		p += strlen(what);
	}
	return n;
}

#define REC(id, attrs) "{\"ContactId\":\"" id "\",\"Channel\":\"VOICE\"," \
	"\"InitiationTimestamp\":\"2024-05-01T10:00:00.000Z\"," \
	"\"DisconnectTimestamp\":null,\"LastUpdateTimestamp\":null," \
	"\"Attributes\":" attrs ",\"DisconnectReason\":null,\"Queue\":" \
	"{\"Name\":\"Sales\",\"EnqueueTimestamp\":\"2024-05-01T10:00:30.000Z\"," \
	"\"DequeueTimestamp\":null,\"Duration\":0}}"

TEST(recover_open_contacts_once)
{
	char dir[] = "/tmp/cfd-jr-XXXXXX", path[160], rpath[160];
	struct records *rec = NULL;
	unsigned n = 99;
	char *text, *a;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(records_alloc(&rec, dir), 0);
	snprintf(path, sizeof(path), "%s/records/journal.jsonl", dir);
	snprintf(rpath, sizeof(rpath), "%s/records/contact-records.jsonl",
		 dir);
	/* C was recorded just before the crash, its end not journaled */
	ASSERT_INT_EQ(put(rpath, "{\"ContactId\":\"c-C\",\"Channel\":"
			  "\"VOICE\"}\n"), 0);
	ASSERT_INT_EQ(put(path,
		"{\"Event\":\"start\",\"Time\":\"2024-05-01T10:00:00.100Z\","
		"\"ContactId\":\"c-A\",\"Record\":" REC("c-A", "{}") "}\n"
		"{\"Event\":\"start\",\"Time\":\"2024-05-01T10:00:01.000Z\","
		"\"ContactId\":\"c-B\",\"Record\":" REC("c-B", "{}") "}\n"
		"{\"Event\":\"update\",\"Time\":\"2024-05-01T10:00:40.000Z\","
		"\"ContactId\":\"c-A\",\"Record\":"
		REC("c-A", "{\"Menu\":\"sales\"}") "}\n"
		"{\"Event\":\"start\",\"Time\":\"2024-05-01T10:00:41.000Z\","
		"\"ContactId\":\"c-C\",\"Record\":" REC("c-C", "{}") "}\n"
		"{\"Event\":\"end\",\"Time\":\"2024-05-01T10:00:42.000Z\","
		"\"ContactId\":\"c-B\"}\n"
		"{\"Event\":\"tick\",\"Time\":\"2024-05-01T10:00:45.000Z\"}\n"
		"{\"Event\":\"update\",\"Time\":\"2024-05-01T10:00:4"), 0);

	ASSERT_INT_EQ(journal_recover(dir, rec, &n), 0);
	ASSERT_INT_EQ(n, 1);
	ASSERT_INT_EQ(records_written(rec), 1);

	text = tf_slurp(rpath, NULL);
	ASSERT_NOT_NULL(text);
	a = strstr(text, "\"ContactId\":\"c-A\"");
	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(strstr(a, "\"DisconnectTimestamp\":"
			       "\"2024-05-01T10:00:45.000Z\""));
	ASSERT_NOT_NULL(strstr(a, "\"LastUpdateTimestamp\":"
			       "\"2024-05-01T10:00:45.000Z\""));
	ASSERT_NOT_NULL(strstr(a, "\"DisconnectReason\":\"OTHER\""));
	ASSERT_NOT_NULL(strstr(a, "\"Attributes\":{\"Menu\":\"sales\"}"));
	/* abandoned in the queue at the crash bound: 15 s */
	ASSERT_NOT_NULL(strstr(a, "\"DequeueTimestamp\":"
			       "\"2024-05-01T10:00:45.000Z\",\"Duration\":15"));
	ASSERT_NOT_NULL(strstr(a, "\"Failure\":{\"Reason\":"));
	ASSERT_INT_EQ(count(text, "c-B"), 0);
	ASSERT_INT_EQ(count(text, "\"c-C\""), 1);
	ASSERT_INT_EQ(count(text, "\n"), 2);
	free(text);

	/* the journal is empty: a second start recovers nothing */
	text = tf_slurp(path, NULL);
	ASSERT_STR_EQ(text, "");
	free(text);
	ASSERT_INT_EQ(journal_recover(dir, rec, &n), 0);
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(records_written(rec), 1);

	mem_deref(rec);
	loop_close();
	tf_rmrf(dir);
}

TEST(recover_without_journal)
{
	char dir[] = "/tmp/cfd-jr-XXXXXX";
	struct records *rec = NULL;
	unsigned n = 7;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(records_alloc(&rec, dir), 0);
	ASSERT_INT_EQ(journal_recover(dir, rec, &n), 0);
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(journal_recover(NULL, rec, &n), EINVAL);
	ASSERT_INT_EQ(journal_recover(dir, NULL, &n), EINVAL);
	mem_deref(rec);
	loop_close();
	tf_rmrf(dir);
}

struct waitfile {
	const char *path;
	const char *text;
	bool absent;		/* wait until text is gone instead */
	struct tmr tmr;
	uint64_t deadline;
	bool found;
};

static void poll_file(void *arg)
{
	struct waitfile *w = arg;
	char *t = tf_slurp(w->path, NULL);

	w->found = t && (strstr(t, w->text) != NULL) != w->absent;
	free(t);
	if (w->found || tmr_jiffies() > w->deadline) {
		re_cancel();
		return;
	}
	tmr_start(&w->tmr, 5, poll_file, w);
}

/* Run the loop until path holds text, or no longer does when absent (or
 * 5 s passed). */
static bool wait_file(const char *path, const char *text, bool absent)
{
	struct waitfile w;

	memset(&w, 0, sizeof(w));
	w.path = path;
	w.text = text;
	w.absent = absent;
	w.deadline = tmr_jiffies() + 5000;
	tmr_init(&w.tmr);
	tmr_start(&w.tmr, 0, poll_file, &w);
	(void)re_main(NULL);
	tmr_cancel(&w.tmr);
	return w.found;
}

TEST(live_contacts_then_crash)
{
	char dir[] = "/tmp/cfd-jr-XXXXXX", path[160], rpath[160], err[128];
	struct crecord_info i1, i2;
	struct cdata *c1 = NULL, *c2 = NULL;
	struct records *rec = NULL;
	struct journal *j = NULL;
	struct config *cfg = NULL;
	unsigned n = 0;
	char *text;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(records_alloc(&rec, dir), 0);
	ASSERT_INT_EQ(config_parse(&cfg, "{\"records\":{\"redact_attributes\":"
				   "[\"Card\"]}}", NULL, err, sizeof(err)), 0);
	ASSERT_INT_EQ(records_configure(rec, cfg, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/records/journal.jsonl", dir);
	snprintf(rpath, sizeof(rpath), "%s/records/contact-records.jsonl",
		 dir);
	ASSERT_INT_EQ(journal_alloc(&j, dir, rec, 20), 0);

	ASSERT_INT_EQ(cdata_alloc(&c1, "j-1"), 0);
	ASSERT_INT_EQ(cdata_alloc(&c2, "j-2"), 0);
	str_ncpy(c1->customer_addr, "+15550001111",
		 sizeof(c1->customer_addr));
	memset(&i1, 0, sizeof(i1));
	memset(&i2, 0, sizeof(i2));
	i1.initiated_ms = i2.initiated_ms = util_now_ms();
	ASSERT_INT_EQ(journal_start(j, c1, &i1, "Main"), 0);
	ASSERT_INT_EQ(journal_start(j, c1, &i1, "Main"), EALREADY);
	ASSERT_INT_EQ(journal_start(j, c2, &i2, NULL), 0);
	ASSERT_INT_EQ(journal_live(j), 2);

	/* a change is written at once on request ... */
	ASSERT_INT_EQ(cdata_attr_set(c1, "Menu", "sales"), 0);
	ASSERT_INT_EQ(cdata_attr_set(c1, "Card", "4111111111111111"), 0);
	journal_update(j, "j-1");
	journal_update(j, "j-1");	/* unchanged: no second line */
	journal_end(j, "j-2");
	journal_end(j, "j-2");		/* unknown now: ignored */
	ASSERT_INT_EQ(journal_live(j), 1);
	/* ... and by the timer otherwise */
	ASSERT_INT_EQ(cdata_attr_set(c1, "Step", "two"), 0);
	ASSERT_TRUE(wait_file(path, "\"Step\":\"two\"", false));
	journal_flush(j, 5000);

	text = tf_slurp(path, NULL);
	ASSERT_NOT_NULL(text);
	ASSERT_INT_EQ(count(text, "\"Event\":\"start\""), 2);
	ASSERT_INT_EQ(count(text, "\"Event\":\"update\""), 2);
	ASSERT_INT_EQ(count(text, "\"Event\":\"end\""), 1);
	ASSERT_NOT_NULL(strstr(text, "\"Flow\":\"Main\""));
	ASSERT_NOT_NULL(strstr(text, "\"Customer\":\"+15550001111\""));
	ASSERT_NOT_NULL(strstr(text, "\"Card\":\"***\""));
	ASSERT_NULL(strstr(text, "4111111111111111"));
	free(text);

	/* the process dies: j-1 never ends */
	j = mem_deref(j);
	ASSERT_INT_EQ(journal_recover(dir, rec, &n), 0);
	ASSERT_INT_EQ(n, 1);
	text = tf_slurp(rpath, NULL);
	ASSERT_NOT_NULL(text);
	ASSERT_INT_EQ(count(text, "\n"), 1);
	ASSERT_NOT_NULL(strstr(text, "\"ContactId\":\"j-1\""));
	ASSERT_NOT_NULL(strstr(text, "\"Step\":\"two\""));
	ASSERT_NOT_NULL(strstr(text, "\"Card\":\"***\""));
	ASSERT_NOT_NULL(strstr(text, "\"ContactFlowName\":\"Main\""));
	ASSERT_NOT_NULL(strstr(text, "\"DisconnectReason\":\"OTHER\""));
	free(text);

	/* records_write applies the redactions too */
	i1.disconnected_ms = util_now_ms();
	ASSERT_INT_EQ(records_write(rec, c1, &i1), 0);
	records_flush(rec, 5000);
	text = tf_slurp(rpath, NULL);
	ASSERT_NOT_NULL(text);
	ASSERT_INT_EQ(count(text, "\"Card\":\"***\""), 2);
	ASSERT_NULL(strstr(text, "4111111111111111"));
	free(text);

	mem_deref(c1);
	mem_deref(c2);
	mem_deref(cfg);
	mem_deref(rec);
	loop_close();
	tf_rmrf(dir);
}

TEST(rewrite_keeps_live_contacts)
{
	char dir[] = "/tmp/cfd-jr-XXXXXX", path[160], rpath[160];
	struct crecord_info info[3];
	struct cdata *cd[3] = {NULL, NULL, NULL};
	struct records *rec = NULL;
	struct journal *j = NULL;
	unsigned i, n = 0;
	char *text;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(records_alloc(&rec, dir), 0);
	snprintf(path, sizeof(path), "%s/records/journal.jsonl", dir);
	snprintf(rpath, sizeof(rpath), "%s/records/contact-records.jsonl",
		 dir);
	ASSERT_INT_EQ(journal_alloc(&j, dir, rec, 20), 0);
	for (i = 0; i < 3; i++) {
		char id[8];

		snprintf(id, sizeof(id), "k-%u", i + 1);
		ASSERT_INT_EQ(cdata_alloc(&cd[i], id), 0);
		memset(&info[i], 0, sizeof(info[i]));
		info[i].initiated_ms = util_now_ms();
		ASSERT_INT_EQ(journal_start(j, cd[i], &info[i], "Main"), 0);
	}
	journal_end(j, "k-2");
	ASSERT_INT_EQ(cdata_attr_set(cd[0], "Step", "two"), 0);
	ASSERT_TRUE(wait_file(path, "\"Step\":\"two\"", false));

	/* past the threshold, the next tick rewrites: the ended contact and
	 * the older lines go, each live one is a start line of its state */
	journal_compact_at(j, 1);
	ASSERT_TRUE(wait_file(path, "\"Event\":\"end\"", true));
	journal_compact_at(j, 0);
	journal_flush(j, 5000);
	text = tf_slurp(path, NULL);
	ASSERT_NOT_NULL(text);
	ASSERT_INT_EQ(count(text, "\"Event\":\"start\""), 2);
	ASSERT_INT_EQ(count(text, "\"Event\":\"update\""), 0);
	ASSERT_NULL(strstr(text, "k-2"));
	ASSERT_NOT_NULL(strstr(text, "\"Step\":\"two\""));
	ASSERT_NOT_NULL(strstr(text, "\"Flow\":\"Main\""));
	free(text);

	/* changes after the rewrite land in the new file */
	ASSERT_INT_EQ(cdata_attr_set(cd[2], "Step", "three"), 0);
	journal_update(j, "k-3");
	journal_flush(j, 5000);

	/* a crash now: both live contacts get their record */
	j = mem_deref(j);
	ASSERT_INT_EQ(journal_recover(dir, rec, &n), 0);
	ASSERT_INT_EQ(n, 2);
	text = tf_slurp(rpath, NULL);
	ASSERT_NOT_NULL(text);
	ASSERT_INT_EQ(count(text, "\n"), 2);
	ASSERT_NOT_NULL(strstr(text, "\"ContactId\":\"k-1\""));
	ASSERT_NOT_NULL(strstr(text, "\"Step\":\"three\""));
	ASSERT_NULL(strstr(text, "k-2"));
	free(text);

	for (i = 0; i < 3; i++)
		mem_deref(cd[i]);
	mem_deref(rec);
	loop_close();
	tf_rmrf(dir);
}

/* The final record: the contact leaves the journal once it is on disk,
 * and stays journaled when it could not be written. */
TEST(finish_ends_once_the_record_is_on_disk)
{
	char dir[] = "/tmp/cfd-jr-XXXXXX", path[160], rpath[160];
	struct crecord_info info;
	struct cdata *cd = NULL;
	struct records *rec = NULL;
	struct journal *j = NULL;
	struct crsnap *snap = NULL;
	char *text;
	int i;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	snprintf(path, sizeof(path), "%s/records/journal.jsonl", dir);
	snprintf(rpath, sizeof(rpath), "%s/records/contact-records.jsonl",
		 dir);

	for (i = 0; i < 2; i++) {
		bool full = i == 1;

		if (full) {
			/* a record file that takes no byte */
			rec = mem_deref(rec);
			ASSERT_INT_EQ(unlink(rpath), 0);
			ASSERT_INT_EQ(symlink("/dev/full", rpath), 0);
		}
		ASSERT_INT_EQ(records_alloc(&rec, dir), 0);
		ASSERT_INT_EQ(journal_alloc(&j, dir, rec, 60000), 0);
		ASSERT_INT_EQ(cdata_alloc(&cd, full ? "f-2" : "f-1"), 0);
		memset(&info, 0, sizeof(info));
		info.initiated_ms = util_now_ms();
		ASSERT_INT_EQ(journal_start(j, cd, &info, "Main"), 0);

		info.disconnected_ms = util_now_ms();
		ASSERT_INT_EQ(records_snap(rec, &snap, cd, &info), 0);
		ASSERT_INT_EQ(journal_finish(j, cd->contact_id, snap, NULL, NULL), 0);
		/* the contact may go at once: the journal no longer reads it */
		cd = mem_deref(cd);
		memset(&info, 0xa5, sizeof(info));
		snap = mem_deref(snap);
		/* queued, not on disk yet: still journaled */
		ASSERT_INT_EQ(journal_live(j), 1);
		journal_update(j, full ? "f-2" : "f-1");

		records_flush(rec, 5000);
		journal_flush(j, 5000);
		text = tf_slurp(path, NULL);
		ASSERT_NOT_NULL(text);
		if (!full) {
			ASSERT_INT_EQ(journal_live(j), 0);
			ASSERT_INT_EQ(count(text, "\"Event\":\"end\""), 1);
			free(text);
			text = tf_slurp(rpath, NULL);
			ASSERT_NOT_NULL(text);
			ASSERT_NOT_NULL(strstr(text, "\"ContactId\":\"f-1\""));
			ASSERT_INT_EQ(records_failures(rec), 0);
		}
		else {
			/* lost on the way: kept for the next start */
			ASSERT_INT_EQ(journal_live(j), 1);
			ASSERT_NOT_NULL(strstr(text, "\"ContactId\":\"f-2\""));
			ASSERT_INT_EQ(count(text, "\"ContactId\":\"f-2\"}"),
				      0);
			ASSERT_TRUE(records_failures(rec) > 0);
		}
		/* start and end lines only: no update after the finish */
		ASSERT_INT_EQ(count(text, "\"Event\":\"update\""), 0);
		free(text);
		j = mem_deref(j);
	}

	mem_deref(rec);
	loop_close();
	tf_rmrf(dir);
}

/* A crash during a recording: the recovered record stops it at the last
 * trace and the WAV file gets the sizes of what reached the disk. */
TEST(recover_repairs_open_recordings)
{
	char dir[] = "/tmp/cfd-jr-XXXXXX", path[160], rpath[160], wav[160];
	char line[1024];
	struct records *rec = NULL;
	uint8_t h[44];
	unsigned n = 0;
	char *text;
	FILE *fp;
	size_t i;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	ASSERT_INT_EQ(records_alloc(&rec, dir), 0);
	snprintf(path, sizeof(path), "%s/records/journal.jsonl", dir);
	snprintf(rpath, sizeof(rpath), "%s/records/contact-records.jsonl",
		 dir);
	snprintf(wav, sizeof(wav), "%s/r.wav", dir);

	/* the recorder's header with sizes 0, then 1000 frames */
	memset(h, 0, sizeof(h));
	memcpy(h, "RIFF", 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	h[16] = 16;
	h[20] = 1;
	h[22] = 2;
	h[24] = 0x40; h[25] = 0x1f;		/* 8000 */
	h[28] = 0x00; h[29] = 0x7d;		/* 32000 */
	h[32] = 4;
	h[34] = 16;
	memcpy(h + 36, "data", 4);
	fp = fopen(wav, "wb");
	ASSERT_NOT_NULL(fp);
	fwrite(h, 1, sizeof(h), fp);
	for (i = 0; i < 4000; i++)
		fputc(0, fp);
	fclose(fp);

	snprintf(line, sizeof(line), "{\"Event\":\"start\",\"Time\":"
		 "\"2024-05-01T10:00:00.000Z\",\"ContactId\":\"w-1\","
		 "\"Record\":{\"ContactId\":\"w-1\",\"Recordings\":[{"
		 "\"Location\":\"%s\",\"StartTimestamp\":"
		 "\"2024-05-01T10:00:01.000Z\",\"StopTimestamp\":null}]}}\n"
		 "{\"Event\":\"tick\",\"Time\":"
		 "\"2024-05-01T10:00:05.000Z\"}\n", wav);
	ASSERT_INT_EQ(put(path, line), 0);

	ASSERT_INT_EQ(journal_recover(dir, rec, &n), 0);
	ASSERT_INT_EQ(n, 1);
	text = tf_slurp(rpath, NULL);
	ASSERT_NOT_NULL(text);
	ASSERT_NOT_NULL(strstr(text, "\"StopTimestamp\":"
			       "\"2024-05-01T10:00:05.000Z\""));
	free(text);
	fp = fopen(wav, "rb");
	ASSERT_NOT_NULL(fp);
	ASSERT_INT_EQ(fread(h, 1, sizeof(h), fp), sizeof(h));
	fclose(fp);
	ASSERT_INT_EQ(h[40] | h[41] << 8, 4000);
	ASSERT_INT_EQ(h[4] | h[5] << 8, 4036);

	mem_deref(rec);
	loop_close();
	tf_rmrf(dir);
}

TEST(records_section_errors)
{
	static const char *const bad[] = {
		"{\"records\":[]}",
		"{\"records\":{\"redact\":[]}}",
		"{\"records\":{\"redact_attributes\":\"Card\"}}",
		"{\"records\":{\"redact_attributes\":[\"\"]}}",
		"{\"records\":{\"redact_attributes\":[1]}}",
		NULL
	};
	char dir[] = "/tmp/cfd-jr-XXXXXX", err[128];
	struct records *rec = NULL;
	struct config *cfg = NULL;
	size_t i;

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(records_alloc(&rec, dir), 0);
	for (i = 0; bad[i]; i++) {
		err[0] = '\0';
		ASSERT_INT_EQ(config_parse(&cfg, bad[i], NULL, err,
					   sizeof(err)), 0);
		ASSERT_INT_EQ(records_configure(rec, cfg, err, sizeof(err)),
			      EINVAL);
		ASSERT_TRUE(!strncmp(err, "records", 7));
		cfg = mem_deref(cfg);
	}
	ASSERT_NULL(records_redactions(rec));
	ASSERT_INT_EQ(config_parse(&cfg, "{\"records\":{\"redact_attributes\":"
				   "[\"A\",\"B\"]}}", NULL, err, sizeof(err)),
		      0);
	ASSERT_INT_EQ(records_configure(rec, cfg, err, sizeof(err)), 0);
	ASSERT_NOT_NULL(records_redactions(rec));
	cfg = mem_deref(cfg);
	/* a reload without the section clears them */
	ASSERT_INT_EQ(config_parse(&cfg, "{}", NULL, err, sizeof(err)), 0);
	ASSERT_INT_EQ(records_configure(rec, cfg, err, sizeof(err)), 0);
	ASSERT_NULL(records_redactions(rec));
	mem_deref(cfg);
	mem_deref(rec);
	tf_rmrf(dir);
}

TEST(bad_input)
{
	struct journal *j = NULL;
	struct crecord_info info;

	memset(&info, 0, sizeof(info));
	ASSERT_INT_EQ(journal_alloc(NULL, "/tmp", NULL, 0), EINVAL);
	ASSERT_INT_EQ(journal_alloc(&j, NULL, NULL, 0), EINVAL);
	ASSERT_NULL(j);
	ASSERT_INT_EQ(journal_start(NULL, NULL, &info, NULL), EINVAL);
	journal_update(NULL, "x");
	journal_end(NULL, "x");
	journal_flush(NULL, 1);
	ASSERT_INT_EQ(journal_live(NULL), 0);
}
