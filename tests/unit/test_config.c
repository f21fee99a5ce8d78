/* config: every section, defaults, look-ups, and errors naming the key. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/tz.h>
#include <callflowd/core/hours.h>
#include <callflowd/core/config.h>
#include "test.h"

#define CFG_DIR CFD_TEST_DATA "/config"
#define INST "arn:aws:connect:us-east-1:123456789012:instance/abcd"

TEST(full_file)
{
	struct config *cfg = NULL;
	const struct cfg_queue *q;
	const struct hours *h;
	char err[256] = "";

	ASSERT_INT_EQ(config_load(&cfg, CFG_DIR "/full.json", err,
				  sizeof(err)), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_STR_EQ(cfg->path, CFG_DIR "/full.json");
	ASSERT_STR_EQ(cfg->dir, CFG_DIR);
	ASSERT_STR_EQ(cfg->flows_dir, CFG_DIR "/my-flows");
	ASSERT_STR_EQ(cfg->data_dir, "/var/lib/callflowd");
	ASSERT_STR_EQ(cfg->instance_arn, INST);
	ASSERT_STR_EQ(cfg->default_voice, "Matthew");
	ASSERT_STR_EQ(cfg->default_language, "en-GB");
	ASSERT_INT_EQ(cfg->limits.step_limit, 500);
	ASSERT_INT_EQ(cfg->limits.max_concurrent_calls, 0);
	ASSERT_INT_EQ(cfg->limits.max_flow_bytes, 1048576);

	ASSERT_INT_EQ(cfg->hoursc, 2);
	ASSERT_INT_EQ(cfg->queuec, 3);
	q = &cfg->queues[0];
	ASSERT_STR_EQ(q->ident.name, "BasicQueue");
	ASSERT_STR_EQ(q->ident.id, "q-basic");
	ASSERT_INT_EQ(q->ident.arnc, 1);
	/* hours named in any case or by id keep the canonical name */
	ASSERT_STR_EQ(q->hours, "Basic Hours");
	ASSERT_INT_EQ(q->max_contacts, 10);
	ASSERT_STR_EQ(q->queue_flow, "Default customer queue");
	ASSERT_STR_EQ(q->outbound_caller_id, "+18005550199");
	ASSERT_STR_EQ(q->description, "Everyone");
	ASSERT_STR_EQ(cfg->queues[1].hours, "Always");
	ASSERT_INT_EQ(cfg->queues[1].max_contacts, 0);
	ASSERT_NULL(cfg->queues[2].hours);
	ASSERT_NULL(cfg->queues[2].ident.id);
	ASSERT_NULL(cfg->queues[2].queue_flow);

	h = config_hours(cfg, cfg->queues[0].hours);
	ASSERT_NOT_NULL(h);
	ASSERT_STR_EQ(h->id, "hop-1");
	/* Monday 2026-11-23 10:00 in New York */
	ASSERT_TRUE(hours_is_open(h, 1795446000000ULL));
	ASSERT_FALSE(hours_is_open(h, 1795446000000ULL + 8 * 3600000ULL));

	ASSERT_INT_EQ(cfg->promptc, 2);
	ASSERT_STR_EQ(cfg->prompts[0].path, CFG_DIR "/prompts/beep.wav");
	ASSERT_STR_EQ(cfg->prompts[1].path, "/usr/share/callflowd/music.wav");

	ASSERT_INT_EQ(cfg->functionc, 2);
	ASSERT_STR_EQ(cfg->functions[0].ident.name, "lookupCustomer");
	ASSERT_STR_EQ(cfg->functions[0].url, "http://127.0.0.1:9000/lookup");
	ASSERT_STR_EQ(cfg->functions[1].url, "https://example.com/score");

	ASSERT_INT_EQ(cfg->numberc, 2);
	ASSERT_STR_EQ(cfg->numbers[0].number, "+18005550100");
	ASSERT_STR_EQ(cfg->numbers[1].number, "+442079460958");

	ASSERT_INT_EQ(cfg->agentc, 2);
	ASSERT_STR_EQ(cfg->agents[0].ident.name, "alice");
	ASSERT_STR_EQ(cfg->agents[0].first_name, "Alice");
	ASSERT_STR_EQ(cfg->agents[0].last_name, "Archer");
	ASSERT_STR_EQ(cfg->agents[0].routing_profile,
		      "Basic Routing Profile");
	ASSERT_NULL(cfg->agents[1].first_name);

	ASSERT_STR_EQ(json_string_value(json_object_get(cfg->flow_types,
				"Whisper")), "AGENT_WHISPER");

	/* reserved sections stay in the document for their owners */
	ASSERT_INT_EQ(json_integer_value(json_array_get(json_object_get(
		json_object_get(cfg->root, "sip"), "anything"), 2)), 3);
	ASSERT_STR_EQ(json_string_value(json_object_get(cfg->root,
				"log_level")), "debug");

	mem_deref(cfg);
	tz_flush();
}

TEST(lookups)
{
	struct config *cfg = NULL;
	const struct cfg_function *f;

	ASSERT_INT_EQ(config_load(&cfg, CFG_DIR "/full.json", NULL, 0), 0);

	ASSERT_TRUE(config_queue(cfg, "basicqueue") == &cfg->queues[0]);
	ASSERT_TRUE(config_queue(cfg, "q-basic") == &cfg->queues[0]);
	ASSERT_TRUE(config_queue(cfg, INST "/queue/q-basic") ==
		    &cfg->queues[0]);
	/* another instance's ARN with the same id: last path element */
	ASSERT_TRUE(config_queue(cfg, "arn:aws:connect:eu-west-2:9:instance/"
				 "zz/queue/q-basic") == &cfg->queues[0]);
	ASSERT_TRUE(config_queue(cfg, "SALES") == &cfg->queues[1]);
	/* ids and ARNs are case-sensitive */
	ASSERT_NULL(config_queue(cfg, "Q-BASIC"));
	ASSERT_NULL(config_queue(cfg, "q-basi"));
	ASSERT_NULL(config_queue(cfg, "queue/q-basic"));
	ASSERT_NULL(config_queue(cfg, ""));
	ASSERT_NULL(config_queue(cfg, NULL));

	ASSERT_TRUE(config_hours(cfg, "hop-1") == cfg->hours[0]);
	ASSERT_TRUE(config_hours(cfg, INST "/operating-hours/hop-1") ==
		    cfg->hours[0]);
	ASSERT_TRUE(config_hours(cfg, "always") == cfg->hours[1]);
	ASSERT_TRUE(config_hours(cfg, INST "/operating-hours/hop-2") ==
		    cfg->hours[1]);
	ASSERT_NULL(config_hours(cfg, "Never"));

	ASSERT_TRUE(config_prompt(cfg, "beep.WAV") == &cfg->prompts[0]);
	ASSERT_TRUE(config_prompt(cfg, "arn:aws:connect:us-west-2:1:instance/"
				  "other/prompt/p-beep") == &cfg->prompts[0]);
	ASSERT_TRUE(config_prompt(cfg, "music") == &cfg->prompts[1]);
	ASSERT_NULL(config_prompt(cfg, "p-music"));

	f = config_function(cfg, "arn:aws:lambda:us-east-1:123456789012:"
			    "function:lookupCustomer");
	ASSERT_TRUE(f == &cfg->functions[0]);
	ASSERT_TRUE(config_function(cfg, "lookupcustomer") == f);
	/* qualified (alias/version) ARN and another account's ARN */
	ASSERT_TRUE(config_function(cfg, "arn:aws:lambda:us-east-1:"
		"123456789012:function:lookupCustomer:prod") == f);
	ASSERT_TRUE(config_function(cfg, "arn:aws:lambda:eu-west-1:999:"
		"function:scoreCaller") == &cfg->functions[1]);
	ASSERT_NULL(config_function(cfg, "arn:aws:lambda:eu-west-1:999:"
				    "function:unknown"));
	ASSERT_NULL(config_function(cfg, "arn:aws:lambda:eu-west-1:999:"
				    "function:"));

	ASSERT_TRUE(config_agent(cfg, "ALICE") == &cfg->agents[0]);
	ASSERT_TRUE(config_agent(cfg, "ag-1") == &cfg->agents[0]);
	ASSERT_TRUE(config_agent(cfg, INST "/agent/ag-1") == &cfg->agents[0]);
	ASSERT_TRUE(config_agent(cfg, "bob") == &cfg->agents[1]);
	ASSERT_NULL(config_agent(cfg, "carol"));

	ASSERT_STR_EQ(config_number_flow(cfg, "+18005550100"), "Main flow");
	ASSERT_STR_EQ(config_number_flow(cfg, "tel:+1-800-555-0100"),
		      "Main flow");
	ASSERT_STR_EQ(config_number_flow(cfg, "sip:+442079460958@trunk"),
		      INST "/contact-flow/f-uk");
	ASSERT_NULL(config_number_flow(cfg, "+18005550101"));
	ASSERT_NULL(config_number_flow(cfg, "garbage"));

	mem_deref(cfg);
	tz_flush();
}

TEST(ident_match_rule)
{
	char *arns[] = {"arn:aws:connect:r:1:instance/i/queue/x-1"};
	struct cfg_ident id = {"Name", "x-1", arns, 1};
	struct cfg_ident noid = {"Other", NULL, NULL, 0};

	ASSERT_TRUE(cfg_ident_match(&id, "name"));
	ASSERT_TRUE(cfg_ident_match(&id, "NAME"));
	ASSERT_TRUE(cfg_ident_match(&id, "x-1"));
	ASSERT_FALSE(cfg_ident_match(&id, "X-1"));
	ASSERT_TRUE(cfg_ident_match(&id, arns[0]));
	ASSERT_TRUE(cfg_ident_match(&id, "arn:aws:connect:r:2:instance/j/"
				    "queue/x-1"));
	ASSERT_FALSE(cfg_ident_match(&id, "arn:aws:connect:r:2:instance/j/"
				     "queue/x-2"));
	ASSERT_FALSE(cfg_ident_match(&id, "something/x-1"));
	ASSERT_FALSE(cfg_ident_match(&noid, "arn:x/Other"));
	ASSERT_FALSE(cfg_ident_match(&noid, NULL));
	ASSERT_FALSE(cfg_ident_match(NULL, "Other"));
}

TEST(defaults)
{
	struct config *cfg = NULL, *cfg2 = NULL;
	char cwd[PATH_MAX], want[PATH_MAX + 8];

	ASSERT_NOT_NULL(getcwd(cwd, sizeof(cwd)));
	ASSERT_INT_EQ(config_default(&cfg), 0);
	ASSERT_NULL(cfg->path);
	ASSERT_STR_EQ(cfg->dir, cwd);
	snprintf(want, sizeof(want), "%s/flows", cwd);
	ASSERT_STR_EQ(cfg->flows_dir, want);
	snprintf(want, sizeof(want), "%s/data", cwd);
	ASSERT_STR_EQ(cfg->data_dir, want);
	ASSERT_STR_EQ(cfg->instance_arn,
		      "arn:aws:connect:local:000000000000:instance/callflowd");
	ASSERT_STR_EQ(cfg->default_voice, "Joanna");
	ASSERT_STR_EQ(cfg->default_language, "en-US");
	ASSERT_INT_EQ(cfg->limits.step_limit, 1000);
	ASSERT_INT_EQ(cfg->limits.max_concurrent_calls, 100);
	ASSERT_INT_EQ(cfg->limits.max_flow_bytes, 10485760);
	ASSERT_INT_EQ(cfg->queuec + cfg->hoursc + cfg->promptc +
		      cfg->functionc + cfg->numberc + cfg->agentc, 0);
	ASSERT_NOT_NULL(cfg->root);
	ASSERT_INT_EQ(json_object_size(cfg->flow_types), 0);
	ASSERT_NULL(config_queue(cfg, "x"));
	ASSERT_NULL(config_number_flow(cfg, "+18005550100"));

	/* the empty file gives the same, relative to its folder */
	ASSERT_INT_EQ(config_load(&cfg2, CFG_DIR "/minimal.json", NULL, 0),
		      0);
	ASSERT_STR_EQ(cfg2->flows_dir, CFG_DIR "/flows");
	ASSERT_STR_EQ(cfg2->data_dir, CFG_DIR "/data");
	ASSERT_INT_EQ(cfg2->limits.step_limit, 1000);

	mem_deref(cfg);
	mem_deref(cfg2);
}

TEST(relative_paths)
{
	struct config *cfg = NULL;

	ASSERT_INT_EQ(config_parse(&cfg, "{\"flows_dir\":\"./f\","
		"\"data_dir\":\".\",\"prompts\":{\"a\":\"x/a.wav\","
		"\"arn:aws:connect:r:1:instance/i/prompt/p9\":\"/b.wav\"}}",
		"/srv/cfd", NULL, 0), 0);
	ASSERT_STR_EQ(cfg->flows_dir, "/srv/cfd/f");
	ASSERT_STR_EQ(cfg->data_dir, "/srv/cfd");
	ASSERT_STR_EQ(cfg->prompts[0].path, "/srv/cfd/x/a.wav");
	ASSERT_STR_EQ(cfg->prompts[1].path, "/b.wav");
	ASSERT_STR_EQ(cfg->prompts[1].ident.id, "p9");
	ASSERT_TRUE(config_prompt(cfg, "p9") == &cfg->prompts[1]);
	mem_deref(cfg);

	ASSERT_INT_EQ(config_parse(&cfg, "{}", "/", NULL, 0), 0);
	ASSERT_STR_EQ(cfg->flows_dir, "/flows");
	mem_deref(cfg);
}

TEST(array_and_object_forms)
{
	struct config *cfg = NULL;
	char err[256] = "";

	ASSERT_INT_EQ(config_parse(&cfg, "{"
		"\"functions\":[{\"name\":\"f1\",\"url\":\"http://h/f1\","
		"\"arns\":[\"arn:aws:lambda:r:1:function:f1-prod\"]}],"
		"\"numbers\":[{\"number\":\"+1 800 555 0100\",\"flow\":\"A\"},"
		"{\"number\":\"sip:+18005550111@x\",\"flow\":\"B\"}],"
		"\"agents\":[{\"username\":\"u\",\"arns\":[\"arn:aws:connect:r"
		":1:instance/i/agent/a7\"]}],"
		"\"queues\":[{\"name\":\"Q\",\"arn\":\"arn:aws:connect:r:1:"
		"instance/i/queue/q7\"}]}", NULL, err, sizeof(err)), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_TRUE(config_function(cfg, "arn:aws:lambda:r:1:function:f1-prod")
		    == &cfg->functions[0]);
	ASSERT_TRUE(config_function(cfg, "arn:aws:lambda:r:2:function:f1")
		    == &cfg->functions[0]);
	ASSERT_STR_EQ(config_number_flow(cfg, "+18005550111"), "B");
	ASSERT_STR_EQ(config_number_flow(cfg, "18005550100"), "A");
	/* an id derived from the ARN */
	ASSERT_STR_EQ(cfg->agents[0].ident.id, "a7");
	ASSERT_TRUE(config_agent(cfg, "a7") == &cfg->agents[0]);
	ASSERT_TRUE(config_queue(cfg, "q7") == &cfg->queues[0]);
	mem_deref(cfg);
}

TEST(reserved_sections_accepted)
{
	struct config *cfg = NULL;
	char err[256] = "";

	ASSERT_INT_EQ(config_parse(&cfg, "{\"sip\":{},\"http\":1,\"trunks\":"
		"[],\"routing_profiles\":[{\"x\":1}],\"agent_statuses\":null,"
		"\"records\":\"r\",\"recordings\":{},\"media\":{},\"api\":{},"
		"\"log_level\":\"info\",\"shutdown_grace_seconds\":5,"
		"\"outbound\":{},\"security\":{}}", NULL, err, sizeof(err)), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_INT_EQ(json_object_size(cfg->root), 13);
	ASSERT_INT_EQ(json_integer_value(json_object_get(cfg->root,
				"shutdown_grace_seconds")), 5);
	mem_deref(cfg);
}

TEST(load_errors)
{
	struct config *cfg = NULL;
	char err[512] = "";

	ASSERT_INT_EQ(config_load(&cfg, CFG_DIR "/bad_key.json", err,
				  sizeof(err)), EINVAL);
	ASSERT_STR_EQ(err, "qeues: unknown top-level key");
	ASSERT_NULL(cfg);

	ASSERT_INT_EQ(config_load(&cfg, CFG_DIR "/missing.json", err,
				  sizeof(err)), ENOENT);
	ASSERT_TRUE(strstr(err, "missing.json") != NULL);
	ASSERT_INT_EQ(config_load(&cfg, CFG_DIR, err, sizeof(err)), EISDIR);
	ASSERT_NULL(cfg);
}

TEST(errors_name_the_key)
{
	static const struct { const char *json, *msg; } bad[] = {
		{"[]", "the configuration must be a JSON object"},
		{"{", "line 1, column "},
		{"{\"flows_dir\":\"a\",\"flows_dir\":\"b\"}", "line 1"},
		{"{\"flows_dir\":3}", "flows_dir: expected a non-empty string"},
		{"{\"data_dir\":\"\"}", "data_dir: expected a non-empty string"},
		{"{\"instance_arn\":[]}", "instance_arn: expected"},
		{"{\"tts\":\"Joanna\"}", "tts: expected an object"},
		{"{\"tts\":{\"voice\":\"x\"}}", "tts.voice: unknown key"},
		{"{\"tts\":{\"default_voice\":5}}",
		 "tts.default_voice: expected a non-empty string"},
		{"{\"limits\":[]}", "limits: expected an object"},
		{"{\"limits\":{\"steps\":1}}", "limits.steps: unknown key"},
		{"{\"limits\":{\"step_limit\":0}}",
		 "limits.step_limit: expected a whole number in 1..4294967295"},
		{"{\"limits\":{\"step_limit\":1.5}}",
		 "limits.step_limit: expected a whole number"},
		{"{\"limits\":{\"step_limit\":\"12x\"}}",
		 "limits.step_limit: expected a whole number"},
		{"{\"limits\":{\"max_flow_bytes\":4294967296}}",
		 "limits.max_flow_bytes: expected a whole number in"},
		{"{\"limits\":{\"max_concurrent_calls\":true}}",
		 "limits.max_concurrent_calls: expected a whole number"},
		{"{\"queues\":{}}", "queues: expected an array"},
		{"{\"queues\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\","
		 "\"max_contacts\":\"x\"}]}",
		 "queues[2].max_contacts: expected a whole number"},
		{"{\"queues\":[{\"name\":\"a\",\"max_contacts\":-1}]}",
		 "queues[0].max_contacts: expected a whole number in "
		 "0..4294967295"},
		{"{\"queues\":[{\"name\":\"Sales\"},{\"name\":\"sales\"}]}",
		 "queues[1].name: duplicate queue \"sales\""},
		{"{\"queues\":[{\"name\":\"A\",\"id\":\"1\"},{\"name\":\"B\","
		 "\"id\":\"1\"}]}", "queues[1].id: duplicate queue id \"1\""},
		{"{\"queues\":[{\"name\":\"A\",\"hours\":\"Nope\"}]}",
		 "queues[0].hours: unknown hours of operation \"Nope\""},
		{"{\"queues\":[{\"id\":\"A\"}]}", "queues[0].name: missing"},
		{"{\"queues\":[7]}", "queues[0]: expected an object"},
		{"{\"queues\":[{\"name\":\"A\",\"max_contact\":1}]}",
		 "queues[0].max_contact: unknown key"},
		{"{\"queues\":[{\"name\":\"A\",\"arns\":\"x\"}]}",
		 "queues[0].arns: expected an array of strings"},
		{"{\"queues\":[{\"name\":\"A\",\"arns\":[1]}]}",
		 "queues[0].arns[0]: expected a non-empty string"},
		{"{\"queues\":[{\"name\":\"A\",\"outbound_caller_id\":\"abc\"}]}",
		 "queues[0].outbound_caller_id: \"abc\" is not a phone number"},
		{"{\"hours_of_operation\":{}}",
		 "hours_of_operation: expected an array"},
		{"{\"hours_of_operation\":[1]}",
		 "hours_of_operation[0]: expected an object"},
		{"{\"hours_of_operation\":[{\"Name\":\"A\",\"TimeZone\":\"UTC\","
		 "\"Config\":[]},{\"Name\":\"B\",\"TimeZone\":\"Nowhere/X\","
		 "\"Config\":[]}]}",
		 "hours_of_operation[1].TimeZone: unknown time zone "
		 "\"Nowhere/X\""},
		{"{\"hours_of_operation\":[{\"Name\":\"A\",\"TimeZone\":\"UTC\","
		 "\"Config\":[]},{\"Name\":\"a\",\"TimeZone\":\"UTC\","
		 "\"Config\":[]}]}",
		 "hours_of_operation[1].Name: duplicate hours \"a\""},
		{"{\"hours_of_operation\":[{\"Name\":\"A\",\"TimeZone\":\"UTC\","
		 "\"Config\":[{\"Day\":\"MONDAY\",\"StartTime\":{\"Hours\":99},"
		 "\"EndTime\":{\"Hours\":1}}]}]}",
		 "hours_of_operation[0].Config[0].StartTime.Hours:"},
		{"{\"prompts\":\"x\"}", "prompts: expected an array or an object"},
		{"{\"prompts\":{\"Beep\":1}}", "prompts.Beep: expected a file path"},
		{"{\"prompts\":[{\"name\":\"a\"}]}", "prompts[0].path: missing"},
		{"{\"prompts\":[{\"name\":\"a\",\"path\":\"p\",\"file\":1}]}",
		 "prompts[0].file: unknown key"},
		{"{\"functions\":{\"f\":\"ftp://x\"}}",
		 "functions.f: expected an http:// or https:// URL"},
		{"{\"functions\":{\"f\":null}}", "functions.f: expected a URL"},
		{"{\"functions\":[{\"name\":\"f\",\"url\":\"x\"}]}",
		 "functions[0].url: expected an http:// or https:// URL"},
		{"{\"functions\":[{\"name\":\"f\"}]}",
		 "functions[0].url: missing"},
		{"{\"numbers\":{\"abc\":\"Main\"}}",
		 "numbers.abc: \"abc\" is not a phone number"},
		{"{\"numbers\":{\"+18005550100\":3}}",
		 "numbers.+18005550100: expected a flow name or ARN"},
		{"{\"numbers\":{\"+18005550100\":\"A\",\"1 800 555 0100\":\"B\"}}",
		 "numbers.1 800 555 0100: duplicate number +18005550100"},
		{"{\"numbers\":[{\"number\":\"+18005550100\"}]}",
		 "numbers[0].flow: missing"},
		{"{\"numbers\":[{\"number\":5,\"flow\":\"A\"}]}",
		 "numbers[0].number: expected a phone number string"},
		{"{\"numbers\":[{\"number\":\"+18005550100\",\"flow\":\"A\","
		 "\"flw\":1}]}", "numbers[0].flw: unknown key"},
		{"{\"numbers\":7}", "numbers: expected an object or an array"},
		{"{\"agents\":{}}", "agents: expected an array"},
		{"{\"agents\":[{\"first_name\":\"A\"}]}",
		 "agents[0].username: missing"},
		{"{\"agents\":[{\"username\":\"a\"},{\"username\":\"A\"}]}",
		 "agents[1].username: duplicate agent \"A\""},
		{"{\"agents\":[{\"username\":\"a\",\"last_name\":7}]}",
		 "agents[0].last_name: expected a non-empty string"},
		{"{\"flow_types\":[]}", "flow_types: expected an object"},
		{"{\"flow_types\":{\"Main\":\"CUSTOMER_QUEUES\"}}",
		 "flow_types.Main: expected a flow type"},
		{"{\"flow_types\":{\"Main\":1}}",
		 "flow_types.Main: expected a flow type"},
		{"{\"Queues\":[]}", "Queues: unknown top-level key"},
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct config *cfg = NULL;
		char err[256] = "";
		int e;

		e = config_parse(&cfg, bad[i].json, "/tmp", err, sizeof(err));
		if (e != EINVAL || cfg) {
			test_fail(__FILE__, __LINE__, "case %zu: %s gave %d",
				  i, bad[i].json, e);
			mem_deref(cfg);
			break;
		}
		if (strncmp(err, bad[i].msg, strlen(bad[i].msg))) {
			test_fail(__FILE__, __LINE__, "case %zu: \"%s\" does "
				  "not start with \"%s\"", i, err, bad[i].msg);
			break;
		}
	}

	tz_flush();
}

TEST(every_flow_type)
{
	static const char *const types[] = {
		"CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD",
		"CUSTOMER_WHISPER", "AGENT_HOLD", "AGENT_WHISPER",
		"OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER",
		"CAMPAIGN",
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct config *cfg = NULL;
		char doc[128];

		snprintf(doc, sizeof(doc), "{\"flow_types\":{\"F\":\"%s\"}}",
			 types[i]);
		ASSERT_INT_EQ(config_parse(&cfg, doc, NULL, NULL, 0), 0);
		ASSERT_STR_EQ(json_string_value(json_object_get(
					cfg->flow_types, "F")), types[i]);
		mem_deref(cfg);
	}
}

TEST(queue_quick_connect)
{
	struct config *cfg = NULL;
	char err[256] = "";

	ASSERT_INT_EQ(config_parse(&cfg, "{\"queues\":["
		"{\"name\":\"Sales\",\"quick_connect\":\"1001\"},"
		"{\"name\":\"Support\",\"quick_connect\":\"*2\"},"
		"{\"name\":\"Billing\"}]}", NULL, err, sizeof(err)), 0);
	ASSERT_STR_EQ(config_queue_quick(cfg, "1001")->ident.name, "Sales");
	ASSERT_STR_EQ(config_queue_quick(cfg, "*2")->ident.name, "Support");
	ASSERT_NULL(config_queue_quick(cfg, "1002"));
	ASSERT_NULL(config_queue_quick(cfg, NULL));
	cfg = mem_deref(cfg);

	/* the same extension twice, or not a keypad string: errors */
	ASSERT_INT_EQ(config_parse(&cfg, "{\"queues\":["
		"{\"name\":\"A\",\"quick_connect\":\"7\"},"
		"{\"name\":\"B\",\"quick_connect\":\"7\"}]}", NULL, err,
		sizeof(err)), EINVAL);
	ASSERT_STR_EQ(err, "queues[1].quick_connect: \"7\" is already "
		      "another queue's");
	ASSERT_INT_EQ(config_parse(&cfg, "{\"queues\":["
		"{\"name\":\"A\",\"quick_connect\":\"sales\"}]}", NULL, err,
		sizeof(err)), EINVAL);
	ASSERT_STR_EQ(err, "queues[0].quick_connect: expected 1 to 16 of "
		      "0-9 * #");
}
