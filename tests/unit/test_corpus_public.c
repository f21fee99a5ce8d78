/*
 * The public Connect exports (tests/data/connect-flows-public, sources and
 * licences in its SOURCES.tsv): every file loads with no error and warns
 * only about what this engine cannot do, names a flow type cannot hold, or
 * dead actions; the fixture with no actions is refused with a clear
 * message. Connect's camelCase Metadata.type is understood; the divergences
 * found on these files stay fixed.
 */
#include <string.h>
#include <stdlib.h>
#include <dirent.h>
#include <errno.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include "test.h"

#define CORPUS CFD_TEST_DATA "/connect-flows-public"
#define NO_ACTIONS "aws-samples__amazon-connect-gitlab-cicd-terraform__" \
	"amzconnect-contact-flows__scripts__replacer__tests__test_flows__" \
	"ACME_test1.json"

static struct flow *load(const char *file, struct findings **fp)
{
	struct flow *flow = NULL;
	char *path = NULL;

	re_sdprintf(&path, "%s/%s", CORPUS, file);
	if (findings_alloc(fp))
		abort();
	(void)flow_load_file(&flow, *fp, path, NULL);
	mem_deref(path);
	return flow;
}

/* What a real export may be warned about. */
static bool warning_expected(const char *msg)
{
	static const char *const ok[] = {
		"this engine cannot run it",	/* Lex, Cases, Voice ID... */
		"flow type not declared",	/* placement, type assumed */
		"unreachable",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (strstr(msg, ok[i]))
			return true;
	}
	return false;
}

TEST(every_file_loads_and_warns_only_as_expected)
{
	struct dirent *de;
	size_t files = 0, loaded = 0;
	DIR *d = opendir(CORPUS);
	char *sources = NULL;
	size_t len;

	ASSERT_INT_EQ(util_read_file(&sources, &len, CORPUS "/SOURCES.tsv",
				     1 << 20), 0);
	ASSERT_NOT_NULL(d);
	while ((de = readdir(d)) != NULL) {
		struct findings *f = NULL;
		struct flow *flow;
		size_t i;

		if (!flowset_wants_file(de->d_name))
			continue;
		++files;

		/* each file has its source and licence */
		if (!strstr(sources, de->d_name))
			test_fail(__FILE__, __LINE__, "%s: not in SOURCES.tsv",
				  de->d_name);

		flow = load(de->d_name, &f);
		if (!strcmp(de->d_name, NO_ACTIONS)) {
			/* refused, and told why */
			ASSERT_NULL(flow);
			ASSERT_INT_EQ(f->nerrors, 1);
			ASSERT_STR_EQ(f->v[0].msg, "the flow has no actions");
			mem_deref(f);
			continue;
		}

		if (!flow || f->nerrors) {
			findings_print(f, de->d_name, stderr);
			test_fail(__FILE__, __LINE__, "%s does not load",
				  de->d_name);
		}
		else {
			++loaded;
		}
		for (i = 0; i < f->n; i++) {
			if (!warning_expected(f->v[i].msg))
				test_fail(__FILE__, __LINE__, "%s: %s: "
					  "unexpected warning: %s",
					  de->d_name, f->v[i].action_id ?
					  f->v[i].action_id : "-",
					  f->v[i].msg);
		}
		mem_deref(flow);
		mem_deref(f);
	}
	closedir(d);
	mem_deref(sources);
	ASSERT_INT_EQ(files, 81);
	ASSERT_INT_EQ(loaded, 80);
}


TEST(connect_type_names_and_placements)
{
	static const struct {
		const char *file;
		enum flow_type type;
		size_t warnings;
	} v[] = {
		/* Metadata.type "outboundWhisper" */
		{"aws-samples__sample-amazon-connect-outbound-call__"
		 "amazon-connect-flows__OutboundCallWhisperer.json",
		 FLOW_OUTBOUND_WHISPER, 0},
		/* modules, told by their Settings (media streaming: two
		 * warnings, it cannot run here) */
		{"aws-samples__sample-amazon-connect-outbound-call__"
		 "amazon-connect-flows__InitModule.json", FLOW_MODULE, 2},
		/* Connect's own outbound whisper records the call: allowed */
		{"aws-samples__amazon-connect-gitlab-cicd-terraform__imports__"
		 "resources__flows__acme_outbound_flow1_AUTO.json",
		 FLOW_OUTBOUND_WHISPER, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct findings *f = NULL;
		struct flow *flow = load(v[i].file, &f);

		ASSERT_NOT_NULL(flow);
		ASSERT_INT_EQ(f->nerrors, 0);
		ASSERT_INT_EQ(f->nwarnings, v[i].warnings);
		ASSERT_INT_EQ(flow->type, v[i].type);
		mem_deref(flow);
		mem_deref(f);
	}
}


TEST(every_connect_type_spelling)
{
	static const struct {
		const char *name;
		enum flow_type type;
	} v[] = {
		{"contactFlow", FLOW_CONTACT_FLOW},
		{"customerQueue", FLOW_CUSTOMER_QUEUE},
		{"customerHold", FLOW_CUSTOMER_HOLD},
		{"customerWhisper", FLOW_CUSTOMER_WHISPER},
		{"agentHold", FLOW_AGENT_HOLD},
		{"agentWhisper", FLOW_AGENT_WHISPER},
		{"outboundWhisper", FLOW_OUTBOUND_WHISPER},
		{"agentTransfer", FLOW_AGENT_TRANSFER},
		{"queueTransfer", FLOW_QUEUE_TRANSFER},
		{"campaign", FLOW_CAMPAIGN},
		{"contactFlowModule", FLOW_MODULE},
		{"CUSTOMER_QUEUE", FLOW_CUSTOMER_QUEUE},
		{"Customer_Queue", FLOW_CUSTOMER_QUEUE},
	};
	enum flow_type t;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ASSERT_INT_EQ(flow_type_parse(&t, v[i].name), 0);
		ASSERT_INT_EQ(t, v[i].type);
	}
	ASSERT_INT_EQ(flow_type_parse(&t, "queueFlow"), EINVAL);
}
