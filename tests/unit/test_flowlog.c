/*
 * Flow log lines: the fields of a step, parameters with their templates
 * evaluated, and the secrets that must never be evaluated into a line
 * (stored input, InputEncryption, redacted attributes). Then the daemon's
 * writer: only actions after UpdateFlowLoggingBehavior enabled logging
 * reach the day's file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/store/flowlog.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/loop.h>
#include <callflowd/store/records.h>
#include <callflowd/core/strmap.h>
#include <callflowd/core/util.h>
#include "fake_ops.h"
#include "test.h"

/* 2024-02-03T04:05:06.789Z */
#define T0 1706933106789ULL

struct lines {
	char text[16384];
	size_t len;
	const struct strmap *redact;
	struct flowlog *fl;
	int err;
};

static void collect_step(struct frun *run, const struct fstep *st,
			 void *arg)
{
	struct lines *l = arg;
	char *line = NULL;
	int err;

	if (l->fl) {
		flowlog_step(l->fl, run, st);
		return;
	}
	err = flowlog_encode(&line, run, st, l->redact, T0);
	if (err) {
		l->err = err;
		return;
	}
	l->len += re_snprintf(l->text + l->len, sizeof(l->text) - l->len,
			      "%s\n", line);
	mem_deref(line);
}

/* Flows are written with single quotes. */
static char *dq(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; p && *p; p++) {
		if (*p == '\'')
			*p = '"';
	}
	return d;
}

/* The line of action id (its text up to the newline) or NULL. */
static const char *line_of(const char *text, const char *id, char *buf,
			   size_t sz)
{
	char needle[80];
	const char *p, *s, *e;

	snprintf(needle, sizeof(needle), "\"Identifier\":\"%s\"", id);
	p = strstr(text, needle);
	if (!p)
		return NULL;
	s = p;
	while (s > text && s[-1] != '\n')
		--s;
	e = strchr(p, '\n');
	if (!e || (size_t)(e - s) >= sz)
		return NULL;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	return buf;
}

#define TR(next) "{'NextAction':'" next "','Errors':[" \
	"{'ErrorType':'NoMatchingError','NextAction':'end'}]}"

static const char secrets_flow[] =
	"{'Version':'2019-10-30','StartAction':'set','Actions':["
	"{'Identifier':'set','Type':'UpdateContactAttributes','Parameters':"
	"{'Attributes':{'Tier':'gold','Secret':'s3cr3t-value',"
	"'Copy':'$.StoredCustomerInput'}},'Transitions':" TR("greet") "},"
	"{'Identifier':'greet','Type':'MessageParticipant','Parameters':"
	"{'Text':'Hello $.Attributes.Tier member'},'Transitions':"
	TR("code") "},"
	"{'Identifier':'code','Type':'GetParticipantInput','Parameters':"
	"{'Text':'Your code','StoreInput':'True','InputTimeLimitSeconds':5,"
	"'InputEncryption':{'EncryptionKeyId':'key-42','Key':'PEMDATA'},"
	"'DTMFConfiguration':{'InputTerminationSequence':'#'}},"
	"'Transitions':" TR("echo") "},"
	"{'Identifier':'echo','Type':'MessageParticipant','Parameters':"
	"{'Text':'You typed $.StoredCustomerInput'},'Transitions':"
	TR("peek") "},"
	"{'Identifier':'peek','Type':'MessageParticipant','Parameters':"
	"{'Text':'Secret is $.Attributes.Secret'},'Transitions':"
	TR("cmp") "},"
	"{'Identifier':'cmp','Type':'Compare','Parameters':"
	"{'ComparisonValue':'$.StoredCustomerInput'},'Transitions':"
	"{'NextAction':'end','Conditions':[{'NextAction':'end',"
	"'Condition':{'Operator':'Equals','Operands':['000']}}],"
	"'Errors':[{'ErrorType':'NoMatchingCondition','NextAction':'end'}]}},"
	"{'Identifier':'end','Type':'DisconnectParticipant','Parameters':{},"
	"'Transitions':{}}]}";

/* secrets_flow with a real certificate in InputEncryption.Key, and the
 * configuration whose key-42 verifies it */
static char *secrets_json(struct config **cfgp)
{
	char *json = dq(secrets_flow), *cert = fake_pem_json("certificate.pem");
	char *out = NULL, *at = json ? strstr(json, "PEMDATA") : NULL;

	if (at && cert && !fake_enc_config(cfgp, "key-42"))
		(void)re_sdprintf(&out, "%b%s%s", json, (size_t)(at - json),
				  cert, at + strlen("PEMDATA"));
	free(json);
	mem_deref(cert);
	return out;
}

TEST(encode_fields_and_secrets)
{
	struct fake_ops f;
	struct fake_run fr;
	struct strmap *redact = NULL;
	static struct lines l;
	struct config *cfg = NULL;
	char *json = secrets_json(&cfg), buf[2048];
	const char *x;

	ASSERT_NOT_NULL(json);
	memset(&l, 0, sizeof(l));
	fake_ops_init(&f);
	f.cfg = cfg;
	f.keys = "918273#";
	ASSERT_INT_EQ(strmap_alloc(&redact), 0);
	ASSERT_INT_EQ(strmap_set(redact, "Secret", ""), 0);
	l.redact = redact;

	ASSERT_INT_EQ(fake_run_load(&fr, &f, json), 0);
	frun_set_step_handler(fr.run, collect_step, &l);
	ASSERT_INT_EQ(fake_run_go(&fr), 0);
	ASSERT_INT_EQ(l.err, 0);

	/* the stored digits and the secrets appear nowhere */
	ASSERT_NULL(strstr(l.text, "918273"));
	ASSERT_NULL(strstr(l.text, "s3cr3t-value"));
	ASSERT_NULL(strstr(l.text, "PEMDATA"));
	ASSERT_NULL(strstr(l.text, "key-42"));

	x = line_of(l.text, "set", buf, sizeof(buf));
	ASSERT_STR_EQ(x, "{\"Timestamp\":\"2024-02-03T04:05:06.789Z\","
		      "\"ContactId\":\"c-1\",\"ContactFlowName\":\"test\","
		      "\"Identifier\":\"set\","
		      "\"Type\":\"UpdateContactAttributes\","
		      "\"Parameters\":{\"Attributes\":{\"Tier\":\"gold\","
		      "\"Secret\":\"***\","
		      "\"Copy\":\"$.StoredCustomerInput\"}},"
		      "\"Branch\":\"NextAction\"}");

	/* templates are evaluated; Say is what was spoken */
	x = line_of(l.text, "greet", buf, sizeof(buf));
	ASSERT_NOT_NULL(x);
	ASSERT_NOT_NULL(strstr(x, "\"Parameters\":{\"Text\":"
			       "\"Hello gold member\"}"));
	ASSERT_NOT_NULL(strstr(x, "\"Say\":\"Hello gold member\""));

	/* stored input: no result, encryption values masked */
	x = line_of(l.text, "code", buf, sizeof(buf));
	ASSERT_NOT_NULL(x);
	ASSERT_NOT_NULL(strstr(x, "\"InputEncryption\":{\"EncryptionKeyId\":"
			       "\"***\",\"Key\":\"***\"}"));
	ASSERT_NOT_NULL(strstr(x, "\"InputTimeLimitSeconds\":5"));
	ASSERT_NULL(strstr(x, "\"Results\""));

	/* a prompt reading a secret is logged as written */
	x = line_of(l.text, "echo", buf, sizeof(buf));
	ASSERT_NOT_NULL(x);
	ASSERT_NOT_NULL(strstr(x, "\"Say\":\"You typed "
			       "$.StoredCustomerInput\""));
	x = line_of(l.text, "peek", buf, sizeof(buf));
	ASSERT_NOT_NULL(x);
	ASSERT_NOT_NULL(strstr(x, "\"Text\":\"Secret is "
			       "$.Attributes.Secret\""));
	ASSERT_NOT_NULL(strstr(x, "\"Say\":\"Secret is "
			       "$.Attributes.Secret\""));

	/* a comparison of the stored input: result masked, branch kept */
	x = line_of(l.text, "cmp", buf, sizeof(buf));
	ASSERT_NOT_NULL(x);
	ASSERT_NOT_NULL(strstr(x, "\"Results\":\"***\""));
	ASSERT_NOT_NULL(strstr(x, "\"Branch\":\"NoMatchingCondition\""));

	/* the stored input is the ciphertext, and so is the copy */
	ASSERT_NOT_NULL(fr.cd->stored_input);
	ASSERT_NULL(strstr(fr.cd->stored_input, "918273"));
	ASSERT_INT_EQ(strncmp(fr.cd->stored_input, "AgR4", 4), 0);
	ASSERT_NULL(strstr(l.text, "BEGIN CERTIFICATE"));

	fake_run_close(&fr);
	mem_deref(redact);
	mem_deref(json);
	mem_deref(cfg);
}

TEST(encode_without_redactions)
{
	struct fake_ops f;
	struct fake_run fr;
	static struct lines l;
	struct config *cfg = NULL;
	char *json = secrets_json(&cfg), buf[2048];
	const char *x;

	ASSERT_NOT_NULL(json);
	memset(&l, 0, sizeof(l));
	fake_ops_init(&f);
	f.cfg = cfg;
	f.keys = "55#";
	ASSERT_INT_EQ(fake_run_load(&fr, &f, json), 0);
	frun_set_step_handler(fr.run, collect_step, &l);
	ASSERT_INT_EQ(fake_run_go(&fr), 0);

	/* nothing listed: plain attributes are written as they are */
	x = line_of(l.text, "set", buf, sizeof(buf));
	ASSERT_NOT_NULL(x);
	ASSERT_NOT_NULL(strstr(x, "\"Secret\":\"s3cr3t-value\""));
	x = line_of(l.text, "peek", buf, sizeof(buf));
	ASSERT_NOT_NULL(x);
	ASSERT_NOT_NULL(strstr(x, "\"Say\":\"Secret is s3cr3t-value\""));
	/* the stored input stays secret all the same */
	ASSERT_NULL(strstr(l.text, "\"55\""));
	ASSERT_NULL(strstr(l.text, "typed 55"));

	fake_run_close(&fr);
	mem_deref(json);
	mem_deref(cfg);
}

TEST(bad_input)
{
	char *s = NULL;
	struct fstep st;

	memset(&st, 0, sizeof(st));
	ASSERT_INT_EQ(flowlog_encode(NULL, NULL, &st, NULL, 0), EINVAL);
	ASSERT_INT_EQ(flowlog_encode(&s, NULL, &st, NULL, 0), EINVAL);
	ASSERT_NULL(s);
	ASSERT_INT_EQ(flowlog_path(NULL, "/x", 0), EINVAL);
	ASSERT_INT_EQ(flowlog_alloc(NULL, "/x", NULL), EINVAL);
	/* a NULL writer or step is ignored */
	flowlog_step(NULL, NULL, &st);
	ASSERT_INT_EQ(flowlog_lines(NULL), 0);
}

TEST(path_is_the_utc_day)
{
	char *p = NULL;

	ASSERT_INT_EQ(flowlog_path(&p, "/var/lib/cfd", T0), 0);
	ASSERT_STR_EQ(p, "/var/lib/cfd/flow-logs/2024/02/03/flow-logs.jsonl");
	p = mem_deref(p);
	/* one millisecond before midnight UTC is still the day before */
	ASSERT_INT_EQ(flowlog_path(&p, "d", 1706918400000ULL - 1), 0);
	ASSERT_STR_EQ(p, "d/flow-logs/2024/02/02/flow-logs.jsonl");
	mem_deref(p);
}

static const char halfway_flow[] =
	"{'Version':'2019-10-30','StartAction':'quiet','Actions':["
	"{'Identifier':'quiet','Type':'UpdateContactAttributes','Parameters':"
	"{'Attributes':{'A':'1'}},'Transitions':" TR("on") "},"
	"{'Identifier':'on','Type':'UpdateFlowLoggingBehavior','Parameters':"
	"{'FlowLoggingBehavior':'Enabled'},'Transitions':" TR("loud") "},"
	"{'Identifier':'loud','Type':'UpdateContactAttributes','Parameters':"
	"{'Attributes':{'B':'2'}},'Transitions':" TR("end") "},"
	"{'Identifier':'end','Type':'DisconnectParticipant','Parameters':{},"
	"'Transitions':{}}]}";

static int read_file(const char *path, char *buf, size_t sz)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return errno;
	n = fread(buf, 1, sz - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return 0;
}

TEST(writer_logs_after_enabling)
{
	char dir[] = "/tmp/cfd-flowlog-XXXXXX", *path = NULL, text[8192];
	char cmd[128];
	struct fake_ops f;
	struct fake_run fr;
	static struct lines l;
	char *json = dq(halfway_flow);

	ASSERT_NOT_NULL(mkdtemp(dir));
	ASSERT_INT_EQ(loop_init(), 0);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(flowlog_alloc(&l.fl, dir, NULL), 0);

	fake_ops_init(&f);
	ASSERT_INT_EQ(fake_run_load(&fr, &f, json), 0);
	frun_set_step_handler(fr.run, collect_step, &l);
	ASSERT_INT_EQ(fake_run_go(&fr), 0);
	ASSERT_INT_EQ(flowlog_lines(l.fl), 2);
	flowlog_flush(l.fl, 5000);

	ASSERT_INT_EQ(flowlog_path(&path, dir, util_now_ms()), 0);
	ASSERT_INT_EQ(read_file(path, text, sizeof(text)), 0);
	ASSERT_NULL(strstr(text, "\"quiet\""));
	ASSERT_NULL(strstr(text, "\"on\""));
	ASSERT_NOT_NULL(strstr(text, "\"Identifier\":\"loud\""));
	ASSERT_NOT_NULL(strstr(text, "\"Identifier\":\"end\""));
	ASSERT_INT_EQ(strchr(strchr(text, '\n') + 1, '\n')[1], '\0');

	fake_run_close(&fr);
	l.fl = mem_deref(l.fl);
	loop_close();
	mem_deref(path);
	free(json);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ASSERT_INT_EQ(system(cmd), 0);
}
