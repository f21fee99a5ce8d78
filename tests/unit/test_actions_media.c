/*
 * Prompt, input and transfer actions run through the interpreter with the
 * recording fake ports: what each port received, which branch was taken.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/cdata.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/interp.h>
#include <callflowd/core/log.h>
#include "fake_ops.h"
#include "test.h"

/* Branch targets every test flow has; each ends the run. */
#define TARGETS \
	"{'Identifier':'ok','Type':'DisconnectParticipant'," \
	"'Parameters':{},'Transitions':{}}," \
	"{'Identifier':'err','Type':'DisconnectParticipant'," \
	"'Parameters':{},'Transitions':{}}," \
	"{'Identifier':'alt','Type':'DisconnectParticipant'," \
	"'Parameters':{},'Transitions':{}}," \
	"{'Identifier':'one','Type':'DisconnectParticipant'," \
	"'Parameters':{},'Transitions':{}}," \
	"{'Identifier':'two','Type':'DisconnectParticipant'," \
	"'Parameters':{},'Transitions':{}}"

/* A flow starting at action "a" (act, single quotes for double). */
static void build(char *buf, size_t sz, const char *act)
{
	char *p;

	snprintf(buf, sz, "{'Version':'2019-10-30','StartAction':'a',"
		 "'Actions':[%s,%s]}", act, TARGETS);
	for (p = buf; *p; p++) {
		if (*p == '\'')
			*p = '"';
	}
}


static int load(struct fake_run *fr, struct fake_ops *f, const char *act)
{
	static char json[8192];

	build(json, sizeof(json), act);
	return fake_run_load(fr, f, json);
}


static int run(struct fake_run *fr, struct fake_ops *f, const char *act)
{
	int err = load(fr, f, act);

	return err ? err : fake_run_go(fr);
}


/* Warnings the handlers log, captured instead of printed. */
static char logged[4096];

static void log_capture(enum log_level lvl, const char *line, void *arg)
{
	size_t len = strlen(logged);

	(void)lvl;
	(void)arg;
	snprintf(logged + len, sizeof(logged) - len, "%s\n", line);
}


static void capture_start(void)
{
	logged[0] = '\0';
	log_set_sink(log_capture, NULL);
}


/* GetParticipantInput storing with the given extra parameters. */
#define STORE_ACT(extra) \
	"{'Identifier':'a','Type':'GetParticipantInput'," \
	"'Parameters':{'Text':'Your number?','StoreInput':'True'" extra "}," \
	"'Transitions':{'NextAction':'ok','Errors':[" \
	"{'NextAction':'alt','ErrorType':'InvalidPhoneNumber'}," \
	"{'NextAction':'two','ErrorType':'InputTimeLimitExceeded'}," \
	"{'NextAction':'err','ErrorType':'NoMatchingError'}]}}"


/* Prompts the configuration knows: by ARN and by name. */
static int prompts_config(struct config **cfgp)
{
	static const char doc[] =
		"{\"prompts\": ["
		"{\"name\": \"Hold\", \"id\": \"p1\", \"path\": "
		"\"/srv/prompts/hold.wav\", \"arns\": [\"arn:aws:connect:"
		"us-east-1:1:instance/i/prompt/p1\"]},"
		"{\"name\": \"hold-music\", \"path\": \"/srv/music.wav\"}"
		"]}";
	char errbuf[256] = "";
	int err;

	err = config_parse(cfgp, doc, "/", errbuf, sizeof(errbuf));
	if (err)
		fprintf(stderr, "config: %s\n", errbuf);
	return err;
}


/* -- MessageParticipant -- */

TEST(play_text_with_reference)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(load(&fr, &f,
		"{'Identifier':'a','Type':'MessageParticipant',"
		"'Parameters':{'Text':'Hello $.Attributes.name, welcome'},"
		"'Transitions':{'NextAction':'ok','Errors':[{'NextAction':"
		"'err','ErrorType':'NoMatchingError'}]}}"), 0);
	ASSERT_INT_EQ(cdata_attr_set(fr.cd, "name", "Ann"), 0);
	ASSERT_INT_EQ(fake_run_go(&fr), 0);

	ASSERT_TRUE(fake_has_line(f.log, "play TEXT Hello Ann, welcome"));
	ASSERT_TRUE(fake_has_line(fr.trace, "a NextAction"));
	ASSERT_TRUE(fake_has_line(fr.trace, "  say: Hello Ann, welcome"));
	ASSERT_TRUE(fake_has_line(fr.trace, "ok End"));
	ASSERT_TRUE(fake_has_line(f.log, "disconnect"));
	ASSERT_TRUE(fr.ended);
	ASSERT_INT_EQ(fr.end_kind, FEND_DISCONNECT);
	fake_run_close(&fr);
}


TEST(play_ssml_prompt_media)
{
	struct config *cfg = NULL;
	struct fake_ops f;
	struct fake_run fr;

	ASSERT_INT_EQ(prompts_config(&cfg), 0);
	fake_ops_init(&f);
	f.cfg = cfg;
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'MessageParticipant',"
		"'Parameters':{'SSML':'<speak>Hi</speak>'},"
		"'Transitions':{'NextAction':'b'}},"
		"{'Identifier':'b','Type':'MessageParticipant',"
		"'Parameters':{'PromptId':'arn:aws:connect:us-east-1:1:"
		"instance/i/prompt/p1'},'Transitions':{'NextAction':'c'}},"
		"{'Identifier':'c','Type':'MessageParticipant',"
		"'Parameters':{'Media':{'Uri':'s3://b/hold.wav',"
		"'SourceType':'S3','MediaType':'Audio'}},"
		"'Transitions':{'NextAction':'ok'}}"), 0);

	ASSERT_TRUE(fake_has_line(f.log, "play SSML <speak>Hi</speak>"));
	ASSERT_TRUE(fake_has_line(f.log, "play PROMPT arn:aws:connect:"
				  "us-east-1:1:instance/i/prompt/p1 "
				  "/srv/prompts/hold.wav"));
	ASSERT_TRUE(fake_has_line(f.log, "play MEDIA s3://b/hold.wav"));
	ASSERT_TRUE(fake_has_line(fr.trace, "  say: <speak>Hi</speak>"));
	ASSERT_TRUE(fake_has_line(fr.trace, "  prompt: arn:aws:connect:"
				  "us-east-1:1:instance/i/prompt/p1"));
	ASSERT_TRUE(fake_has_line(fr.trace, "c NextAction"));
	ASSERT_INT_EQ(fr.end_kind, FEND_DISCONNECT);
	fake_run_close(&fr);

	/* a prompt the configuration does not know: error branch */
	fake_ops_init(&f);
	f.cfg = cfg;
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'MessageParticipant',"
		"'Parameters':{'PromptId':'arn:aws:connect:us-east-1:1:"
		"instance/i/prompt/nope'},'Transitions':{'NextAction':'ok',"
		"'Errors':[{'NextAction':'err','ErrorType':"
		"'NoMatchingError'}]}}"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_INT_EQ(f.calls, 1);
	fake_run_close(&fr);
	mem_deref(cfg);
}


TEST(play_failure_takes_error_branch)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.play_err = EIO;
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'MessageParticipant',"
		"'Parameters':{'Text':'x'},"
		"'Transitions':{'NextAction':'ok','Errors':[{'NextAction':"
		"'err','ErrorType':'NoMatchingError'}]}}"), 0);
	ASSERT_TRUE(fake_has_line(f.log, "play TEXT x"));
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_TRUE(fake_has_line(fr.trace, "err End"));
	fake_run_close(&fr);

	/* an op that refuses (returns an errno) too */
	fake_ops_init(&f);
	f.ret_err = ENOTSUP;
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'MessageParticipant',"
		"'Parameters':{'Text':'x'},"
		"'Transitions':{'NextAction':'ok','Errors':[{'NextAction':"
		"'err','ErrorType':'NoMatchingError'}]}}"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);
}


TEST(play_without_port_or_prompt)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.ops.play = NULL;
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'MessageParticipant',"
		"'Parameters':{'Text':'x'},"
		"'Transitions':{'NextAction':'ok','Errors':[{'NextAction':"
		"'err','ErrorType':'NoMatchingError'}]}}"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_FALSE(fake_has_line(f.log, "play TEXT x"));
	fake_run_close(&fr);

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'MessageParticipant',"
		"'Parameters':{},"
		"'Transitions':{'NextAction':'ok','Errors':[{'NextAction':"
		"'err','ErrorType':'NoMatchingError'}]}}"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_INT_EQ(f.calls, 1);	/* only the final disconnect */
	fake_run_close(&fr);
}


TEST(play_deferred_completion)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.defer = true;
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'MessageParticipant',"
		"'Parameters':{'Text':'later'},"
		"'Transitions':{'NextAction':'ok'}}"), 0);
	ASSERT_TRUE(fake_has_line(f.log, "play TEXT later"));
	ASSERT_FALSE(fr.ended);
	ASSERT_INT_EQ(fr.steps, 0);

	frun_done(fr.run, 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NextAction"));
	ASSERT_TRUE(fr.ended);
	ASSERT_INT_EQ(fr.end_kind, FEND_DISCONNECT);
	fake_run_close(&fr);
}


/* -- GetParticipantInput, single key -- */

#define MENU_ACT(params) \
	"{'Identifier':'a','Type':'GetParticipantInput'," \
	"'Parameters':{'Text':'Press 1 or 2'" params "}," \
	"'Transitions':{'NextAction':'err','Conditions':[" \
	"{'NextAction':'one','Condition':{'Operator':'Equals'," \
	"'Operands':['1']}}," \
	"{'NextAction':'two','Condition':{'Operator':'Equals'," \
	"'Operands':['2']}}],'Errors':[" \
	"{'NextAction':'alt','ErrorType':'InputTimeLimitExceeded'}," \
	"{'NextAction':'err','ErrorType':'NoMatchingCondition'}," \
	"{'NextAction':'err','ErrorType':'NoMatchingError'}]}}"

TEST(input_key_chooses_condition)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.keys = "2";
	ASSERT_INT_EQ(run(&fr, &f, MENU_ACT("")), 0);
	ASSERT_TRUE(fake_has_line(f.log, "collect TEXT Press 1 or 2"));
	ASSERT_FALSE(f.collect_spec.store);
	ASSERT_INT_EQ(f.collect_spec.max_digits, 1);
	ASSERT_INT_EQ(f.collect_spec.timeout_ms, 5000);
	ASSERT_TRUE(fake_has_line(fr.trace, "a 2"));
	ASSERT_TRUE(fake_has_line(fr.trace, "  result: 2"));
	ASSERT_TRUE(fake_has_line(fr.trace, "  input: 2"));
	ASSERT_TRUE(fake_has_line(fr.trace, "  say: Press 1 or 2"));
	ASSERT_TRUE(fake_has_line(fr.trace, "two End"));
	fake_run_close(&fr);

	/* a key no condition names */
	fake_ops_init(&f);
	f.keys = "#";
	ASSERT_INT_EQ(run(&fr, &f, MENU_ACT("")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingCondition"));
	ASSERT_TRUE(fake_has_line(fr.trace, "err End"));
	fake_run_close(&fr);
}


TEST(input_timeout)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.keys = "";
	ASSERT_INT_EQ(run(&fr, &f,
			  MENU_ACT(",'InputTimeLimitSeconds':'8'")), 0);
	ASSERT_INT_EQ(f.collect_spec.timeout_ms, 8000);
	ASSERT_INT_EQ(f.collect_waited_ms, 8000);
	ASSERT_TRUE(fake_has_line(fr.trace, "a InputTimeLimitExceeded"));
	ASSERT_TRUE(fake_has_line(fr.trace, "alt End"));
	fake_run_close(&fr);

	/* JSON number; no InputTimeLimitExceeded branch: NoMatchingError */
	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'GetParticipantInput',"
		"'Parameters':{'Text':'?','InputTimeLimitSeconds':3},"
		"'Transitions':{'NextAction':'ok','Errors':[{'NextAction':"
		"'err','ErrorType':'NoMatchingError'}]}}"), 0);
	ASSERT_INT_EQ(f.collect_spec.timeout_ms, 3000);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_TRUE(fake_has_line(fr.trace, "  error: "
				  "InputTimeLimitExceeded"));
	fake_run_close(&fr);
}


TEST(input_bad_parameters_take_error_branch)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f,
			  MENU_ACT(",'InputTimeLimitSeconds':'soon'")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_FALSE(fake_has_line(f.log, "collect TEXT Press 1 or 2"));
	fake_run_close(&fr);

	fake_ops_init(&f);
	capture_start();
	ASSERT_INT_EQ(run(&fr, &f, STORE_ACT(
		",'DTMFConfiguration':{'InputTerminationSequence':'#a'}")),
		0);
	log_set_sink(NULL, NULL);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_INT_EQ(f.calls, 1);	/* the disconnect only */
	/* the log says where and what */
	ASSERT_TRUE(strstr(logged, "flow 'test' contact c-1 action a: "
			   "InputTerminationSequence \"#a\": up to 5 of "
			   "0-9 * #") != NULL);
	fake_run_close(&fr);

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f, STORE_ACT(
		",'InputValidation':{'CustomValidation':"
		"{'MaximumLength':'500'}}")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);

	/* no collect port */
	fake_ops_init(&f);
	f.ops.collect = NULL;
	ASSERT_INT_EQ(run(&fr, &f, MENU_ACT("")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);
}


/* -- GetParticipantInput, stored -- */

TEST(store_input_plain)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.keys = "99*12345#";
	ASSERT_INT_EQ(run(&fr, &f, STORE_ACT("")), 0);
	ASSERT_TRUE(f.collect_spec.store);
	ASSERT_STR_EQ(f.collect_spec.terminator, "#");
	ASSERT_INT_EQ(f.collect_spec.interdigit_ms, 5000);
	ASSERT_INT_EQ(f.collect_spec.max_digits, 20);
	ASSERT_FALSE(f.collect_spec.disable_cancel);
	ASSERT_STR_EQ(fr.cd->stored_input, "12345");
	ASSERT_TRUE(fake_has_line(fr.trace, "a NextAction"));
	/* the trace never shows stored digits */
	ASSERT_TRUE(fake_has_line(fr.trace, "  input: - (stored)"));
	ASSERT_TRUE(strstr(fr.trace, "12345") == NULL);
	ASSERT_TRUE(fake_has_line(fr.trace, "ok End"));
	fake_run_close(&fr);
}


TEST(store_input_dtmf_configuration)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.keys = "1*2**#";
	ASSERT_INT_EQ(run(&fr, &f, STORE_ACT(
		",'InputTimeLimitSeconds':'10','DTMFConfiguration':{"
		"'InputTerminationSequence':'**#','DisableCancelKey':'True',"
		"'InterdigitTimeLimitSeconds':'3'},'InputValidation':{"
		"'CustomValidation':{'MaximumLength':'6'}}")), 0);
	ASSERT_STR_EQ(f.collect_spec.terminator, "**#");
	ASSERT_TRUE(f.collect_spec.disable_cancel);
	ASSERT_INT_EQ(f.collect_spec.interdigit_ms, 3000);
	ASSERT_INT_EQ(f.collect_spec.timeout_ms, 10000);
	ASSERT_INT_EQ(f.collect_spec.max_digits, 6);
	ASSERT_STR_EQ(fr.cd->stored_input, "1*2");
	ASSERT_TRUE(fake_has_line(fr.trace, "a NextAction"));
	fake_run_close(&fr);

	/* MaximumLength ends the entry; JSON booleans and numbers */
	fake_ops_init(&f);
	f.keys = "123456";
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'GetParticipantInput',"
		"'Parameters':{'Text':'?','StoreInput':true,"
		"'InputValidation':{'CustomValidation':{'MaximumLength':4}}},"
		"'Transitions':{'NextAction':'ok'}}"), 0);
	ASSERT_INT_EQ(f.collect_spec.max_digits, 4);
	ASSERT_STR_EQ(fr.cd->stored_input, "1234");
	fake_run_close(&fr);

	/* digits then silence: kept */
	fake_ops_init(&f);
	f.keys = "42";
	ASSERT_INT_EQ(run(&fr, &f, STORE_ACT("")), 0);
	ASSERT_INT_EQ(f.collect_waited_ms, 5000);
	ASSERT_STR_EQ(fr.cd->stored_input, "42");
	fake_run_close(&fr);
}


TEST(store_input_timeout)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.keys = "";
	ASSERT_INT_EQ(run(&fr, &f, STORE_ACT("")), 0);
	/* Connect: no input takes Success and stores "Timeout" */
	ASSERT_TRUE(fake_has_line(fr.trace, "a NextAction"));
	ASSERT_STR_EQ(fr.cd->stored_input, "Timeout");
	fake_run_close(&fr);
}


#define PHONE(fmt, cc) \
	",'InputValidation':{'PhoneNumberValidation':{" \
	"'NumberFormat':'" fmt "','CountryCode':'" cc "'}}"

static void check_phone(const char *params, const char *keys,
			const char *want)
{
	struct fake_ops f;
	struct fake_run fr;
	char act[2048];

	snprintf(act, sizeof(act), STORE_ACT("%s"), params);
	fake_ops_init(&f);
	f.keys = keys;
	ASSERT_INT_EQ(run(&fr, &f, act), 0);
	if (want) {
		ASSERT_TRUE(fake_has_line(fr.trace, "a NextAction"));
		ASSERT_STR_EQ(fr.cd->stored_input, want);
	}
	else {
		if (!fake_has_line(fr.trace, "a InvalidPhoneNumber"))
			test_fail(__FILE__, __LINE__, "keys %s: %s", keys,
				  fr.trace);
		ASSERT_NULL(fr.cd->stored_input);
	}
	fake_run_close(&fr);
}


TEST(store_phone_e164)
{
	check_phone(PHONE("E164", ""), "442079460018#", "+442079460018");
	if (test_failed())
		return;
	check_phone(PHONE("E164", ""), "12065550100#", "+12065550100");
	if (test_failed())
		return;
	/* no country code starts with 0; too long; not digits */
	check_phone(PHONE("E164", ""), "02079460018#", NULL);
	if (test_failed())
		return;
	check_phone(PHONE("E164", ""), "1234567890123456#", NULL);
	if (test_failed())
		return;
	check_phone(PHONE("E164", "") ",'DTMFConfiguration':"
		    "{'DisableCancelKey':'True'}", "1206*5550100#", NULL);
	if (test_failed())
		return;
	/* terminator alone: nothing to validate */
	check_phone(PHONE("E164", ""), "#", NULL);
}


TEST(store_phone_local)
{
	/* NANP: 10 digits, or 11 with the 1; NPA and NXX start 2-9 */
	check_phone(PHONE("Local", "US"), "2065550100#", "+12065550100");
	if (test_failed())
		return;
	check_phone(PHONE("Local", "us"), "12065550100#", "+12065550100");
	if (test_failed())
		return;
	check_phone(PHONE("Local", "CA"), "4165550199#", "+14165550199");
	if (test_failed())
		return;
	check_phone(PHONE("Local", "US"), "1065550100#", NULL);
	if (test_failed())
		return;
	check_phone(PHONE("Local", "US"), "2061550100#", NULL);
	if (test_failed())
		return;
	check_phone(PHONE("Local", "US"), "206555010#", NULL);
	if (test_failed())
		return;

	/* trunk prefix 0 dropped */
	check_phone(PHONE("Local", "GB"), "02079460018#", "+442079460018");
	if (test_failed())
		return;
	check_phone(PHONE("Local", "GB"), "2079460018#", "+442079460018");
	if (test_failed())
		return;
	check_phone(PHONE("Local", "GB"), "0207#", NULL);
	if (test_failed())
		return;
	check_phone(PHONE("Local", "DE"), "030123456#", "+4930123456");
	if (test_failed())
		return;
	check_phone(PHONE("Local", "FR"), "0123456789#", "+33123456789");
	if (test_failed())
		return;
	check_phone(PHONE("Local", "AU"), "0291234567#", "+61291234567");
	if (test_failed())
		return;
	/* Italy keeps its leading 0 */
	check_phone(PHONE("Local", "IT"), "0612345678#", "+390612345678");
	if (test_failed())
		return;

	/* unknown or missing country */
	check_phone(PHONE("Local", "XX"), "0123456789#", NULL);
	if (test_failed())
		return;
	check_phone(PHONE("Local", ""), "2065550100#", NULL);
}


TEST(store_phone_country_from_attribute)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.keys = "02079460018#";
	ASSERT_INT_EQ(load(&fr, &f,
			   STORE_ACT(PHONE("Local", "$.Attributes.cc"))), 0);
	ASSERT_INT_EQ(cdata_attr_set(fr.cd, "cc", "GB"), 0);
	ASSERT_INT_EQ(fake_run_go(&fr), 0);
	ASSERT_STR_EQ(fr.cd->stored_input, "+442079460018");
	fake_run_close(&fr);
}


/* -- MessageParticipantIteratively, Lex -- */

#define LOOP_ACT(interrupt) \
	"{'Identifier':'a','Type':'MessageParticipantIteratively'," \
	"'Parameters':{'Messages':[{'Text':'Please hold'}," \
	"{'PromptId':'hold-music'}]" interrupt "}," \
	"'Transitions':{'NextAction':'err','Conditions':[" \
	"{'NextAction':'one','Condition':{'Operator':'Equals'," \
	"'Operands':['MessagesInterrupted']}}],'Errors':[" \
	"{'NextAction':'err','ErrorType':'NoMatchingError'}]}}"

TEST(loop_prompts_interrupted)
{
	struct config *cfg = NULL;
	struct fake_ops f;
	struct fake_run fr;

	ASSERT_INT_EQ(prompts_config(&cfg), 0);
	fake_ops_init(&f);
	f.cfg = cfg;
	ASSERT_INT_EQ(run(&fr, &f,
			  LOOP_ACT(",'InterruptFrequencySeconds':'20'")), 0);
	ASSERT_TRUE(fake_has_line(f.log, "play_loop 2 20000"));
	ASSERT_TRUE(fake_has_line(f.log, "loop TEXT Please hold"));
	ASSERT_TRUE(fake_has_line(f.log,
				  "loop PROMPT hold-music /srv/music.wav"));
	ASSERT_TRUE(fake_has_line(fr.trace, "a MessagesInterrupted"));
	ASSERT_TRUE(fake_has_line(fr.trace, "one End"));
	fake_run_close(&fr);
	mem_deref(cfg);
}


TEST(loop_prompts_until_stopped)
{
	struct config *cfg = NULL;
	struct fake_ops f;
	struct fake_run fr;

	ASSERT_INT_EQ(prompts_config(&cfg), 0);
	fake_ops_init(&f);
	f.cfg = cfg;
	ASSERT_INT_EQ(run(&fr, &f, LOOP_ACT("")), 0);
	ASSERT_TRUE(fake_has_line(f.log, "play_loop 2 0"));
	ASSERT_FALSE(fr.ended);
	ASSERT_INT_EQ(fr.steps, 0);

	/* the contact left the queue: the port is stopped */
	frun_cancel(fr.run);
	ASSERT_TRUE(fake_has_line(f.log, "stop"));
	ASSERT_TRUE(frun_ended(fr.run));
	fake_run_close(&fr);
	mem_deref(cfg);
}


TEST(loop_prompts_bad_parameters)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'MessageParticipantIteratively',"
		"'Parameters':{'Messages':[]},'Transitions':{'NextAction':"
		"'ok','Errors':[{'NextAction':'err','ErrorType':"
		"'NoMatchingError'}]}}"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_INT_EQ(f.calls, 1);
	fake_run_close(&fr);

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f,
			  LOOP_ACT(",'InterruptFrequencySeconds':'-5'")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);

	fake_ops_init(&f);
	f.ops.play_loop = NULL;
	ASSERT_INT_EQ(run(&fr, &f, LOOP_ACT("")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);
}


TEST(lex_bot_takes_error_branch)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'ConnectParticipantWithLexBot',"
		"'Parameters':{'Text':'How can I help?','LexV2Bot':{"
		"'AliasArn':'arn:aws:lex:us-east-1:1:bot-alias/B/A'}},"
		"'Transitions':{'NextAction':'ok','Errors':[{'NextAction':"
		"'err','ErrorType':'NoMatchingError'}]}}"), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_TRUE(fake_has_line(fr.trace, "  say: How can I help?"));
	ASSERT_INT_EQ(f.calls, 1);
	fake_run_close(&fr);
}


/* -- DisconnectParticipant -- */

TEST(disconnect_ends_run)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'DisconnectParticipant',"
		"'Parameters':{},'Transitions':{}}"), 0);
	ASSERT_TRUE(fake_has_line(f.log, "disconnect"));
	ASSERT_INT_EQ(f.calls, 1);
	ASSERT_TRUE(fake_has_line(fr.trace, "a End"));
	ASSERT_TRUE(fr.ended);
	ASSERT_INT_EQ(fr.end_kind, FEND_DISCONNECT);
	fake_run_close(&fr);

	/* without the port, or when it fails, the run still ends */
	fake_ops_init(&f);
	f.ops.disconnect = NULL;
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'DisconnectParticipant',"
		"'Parameters':{},'Transitions':{}}"), 0);
	ASSERT_INT_EQ(fr.end_kind, FEND_DISCONNECT);
	ASSERT_INT_EQ(f.calls, 0);
	fake_run_close(&fr);

	fake_ops_init(&f);
	f.disconnect_err = EIO;
	ASSERT_INT_EQ(run(&fr, &f,
		"{'Identifier':'a','Type':'DisconnectParticipant',"
		"'Parameters':{},'Transitions':{}}"), 0);
	ASSERT_TRUE(fr.ended);
	ASSERT_INT_EQ(fr.end_kind, FEND_DISCONNECT);
	fake_run_close(&fr);
}


/* -- TransferParticipantToThirdParty -- */

#define XFER_ACT(params) \
	"{'Identifier':'a','Type':'TransferParticipantToThirdParty'," \
	"'Parameters':{" params "}," \
	"'Transitions':{'NextAction':'ok','Errors':[" \
	"{'NextAction':'alt','ErrorType':'CallFailed'}," \
	"{'NextAction':'two','ErrorType':'ConnectionTimeLimitExceeded'}," \
	"{'NextAction':'err','ErrorType':'NoMatchingError'}]}}"

TEST(transfer_continue_flow)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'+1 (206) 555-0100'")), 0);
	ASSERT_TRUE(fake_has_line(f.log,
				  "transfer_phone +12065550100 30 1 - - -"));
	ASSERT_TRUE(fake_has_line(fr.trace, "a NextAction"));
	ASSERT_TRUE(fake_has_line(fr.trace, "ok End"));
	ASSERT_INT_EQ(fr.end_kind, FEND_DISCONNECT);
	fake_run_close(&fr);
}


TEST(transfer_without_continue_ends_on_answer)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'$.Attributes.dest',"
		"'ThirdPartyConnectionTimeLimitSeconds':'45',"
		"'ContinueFlowExecution':'False',"
		"'ThirdPartyDTMFDigits':'123,,#',"
		"'CallerId':{'Number':'+12065550199','Name':'Acme'}")), 0);
	/* the reference is empty: not a number */
	ASSERT_TRUE(fake_has_line(fr.trace, "a CallFailed"));
	ASSERT_INT_EQ(f.calls, 1);
	fake_run_close(&fr);

	fake_ops_init(&f);
	f.defer = true;
	ASSERT_INT_EQ(load(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'$.Attributes.dest',"
		"'ThirdPartyConnectionTimeLimitSeconds':'45',"
		"'ContinueFlowExecution':'False',"
		"'ThirdPartyDTMFDigits':'123,,#',"
		"'CallerId':{'Number':'+12065550199','Name':'Acme'}")), 0);
	ASSERT_INT_EQ(cdata_attr_set(fr.cd, "dest", "tel:+44-20-7946-0018"),
		      0);
	ASSERT_INT_EQ(fake_run_go(&fr), 0);
	ASSERT_TRUE(fake_has_line(f.log, "transfer_phone +442079460018 45 0 "
				  "123,,# +12065550199 Acme"));
	ASSERT_FALSE(fr.ended);

	/* answered: this flow is over, the call stays bridged */
	frun_done(fr.run, 0);
	ASSERT_TRUE(fr.ended);
	ASSERT_INT_EQ(fr.end_kind, FEND_TRANSFER_PHONE);
	ASSERT_STR_EQ(fr.end_target, "+442079460018");
	ASSERT_TRUE(fake_has_line(fr.trace, "a End"));
	fake_run_close(&fr);
}


TEST(transfer_failure_branches)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	f.transfer_error = "ConnectionTimeLimitExceeded";
	ASSERT_INT_EQ(run(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'+12065550100',"
		"'ContinueFlowExecution':'False'")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace,
				  "a ConnectionTimeLimitExceeded"));
	ASSERT_INT_EQ(fr.end_kind, FEND_DISCONNECT);
	fake_run_close(&fr);

	fake_ops_init(&f);
	f.transfer_error = "CallFailed";
	ASSERT_INT_EQ(run(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'+12065550100'")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a CallFailed"));
	fake_run_close(&fr);

	/* not a phone number: CallFailed without dialling */
	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'reception'")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a CallFailed"));
	ASSERT_INT_EQ(f.calls, 1);
	fake_run_close(&fr);

	/* no port */
	fake_ops_init(&f);
	f.ops.transfer_phone = NULL;
	ASSERT_INT_EQ(run(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'+12065550100'")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);
}


TEST(transfer_parameter_checks)
{
	struct fake_ops f;
	struct fake_run fr;

	/* the other spelling of the time limit, as a JSON number */
	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'tel:+12065550100',"
		"'ThirdPartyConnectionTimeoutSeconds':600,"
		"'ContinueFlowExecution':true")), 0);
	ASSERT_INT_EQ(f.tr_timeout_s, 600);
	ASSERT_TRUE(f.tr_continue);
	ASSERT_STR_EQ(f.tr_number, "+12065550100");
	fake_run_close(&fr);

	/* Connect requires E.164: a national number is not dialled with a
	 * guessed "+" (4155550123 would be a Swiss number) */
	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'4155550123'")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a CallFailed"));
	ASSERT_INT_EQ(f.calls, 1);
	ASSERT_STR_EQ(f.tr_number, "");
	fake_run_close(&fr);

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'+12065550100',"
		"'ThirdPartyConnectionTimeLimitSeconds':'601'")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_INT_EQ(f.calls, 1);
	fake_run_close(&fr);

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'+12065550100',"
		"'ThirdPartyDTMFDigits':'12w3'")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_INT_EQ(f.calls, 1);
	fake_run_close(&fr);

	fake_ops_init(&f);
	capture_start();
	ASSERT_INT_EQ(run(&fr, &f, XFER_ACT(
		"'ThirdPartyPhoneNumber':'+12065550100',"
		"'CallerId':{'Number':'front desk'}")), 0);
	log_set_sink(NULL, NULL);
	ASSERT_TRUE(fake_has_line(fr.trace, "a CallFailed"));
	ASSERT_INT_EQ(f.calls, 1);
	ASSERT_TRUE(strstr(logged, "action a: CallerId Number is not a "
			   "phone number") != NULL);
	fake_run_close(&fr);
}


/* -- CompleteOutboundCall -- */

#define OUTBOUND_ACT(params) \
	"{'Identifier':'a','Type':'CompleteOutboundCall'," \
	"'Parameters':{" params "}," \
	"'Transitions':{'NextAction':'ok','Errors':[" \
	"{'NextAction':'err','ErrorType':'NoMatchingError'}]}}"

TEST(complete_outbound)
{
	struct fake_ops f;
	struct fake_run fr;

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f, OUTBOUND_ACT(
		"'CallerId':{'Number':'+1 206 555 0123'}")), 0);
	ASSERT_TRUE(fake_has_line(f.log, "complete_outbound +12065550123"));
	ASSERT_TRUE(fake_has_line(fr.trace, "a NextAction"));
	fake_run_close(&fr);

	/* no caller id: the queue's or the system's */
	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f, OUTBOUND_ACT("")), 0);
	ASSERT_TRUE(fake_has_line(f.log, "complete_outbound -"));
	ASSERT_TRUE(fake_has_line(fr.trace, "a NextAction"));
	fake_run_close(&fr);

	fake_ops_init(&f);
	f.complete_err = EIO;
	ASSERT_INT_EQ(run(&fr, &f, OUTBOUND_ACT("")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);

	fake_ops_init(&f);
	f.ops.complete_outbound = NULL;
	ASSERT_INT_EQ(run(&fr, &f, OUTBOUND_ACT("")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	fake_run_close(&fr);

	fake_ops_init(&f);
	ASSERT_INT_EQ(run(&fr, &f, OUTBOUND_ACT(
		"'CallerId':{'Number':'abc'}")), 0);
	ASSERT_TRUE(fake_has_line(fr.trace, "a NoMatchingError"));
	ASSERT_INT_EQ(f.calls, 1);
	fake_run_close(&fr);
}
