/* Every real Connect export in tests/data/connect-flows loads cleanly. */
#include <string.h>
#include <stdlib.h>
#include <dirent.h>
#include <time.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include "test.h"

#define CORPUS CFD_TEST_DATA "/connect-flows"

static struct flow *load(const char *file, struct findings **fp)
{
	struct flow *flow = NULL;
	char *path = NULL;
	int err;

	re_sdprintf(&path, "%s/%s", CORPUS, file);
	if (findings_alloc(fp))
		abort();
	err = flow_load_file(&flow, *fp, path, NULL);
	if (err)
		findings_print(*fp, path, stderr);
	mem_deref(path);
	return err ? mem_deref(flow) : flow;
}

TEST(every_file_loads_without_errors)
{
	struct dirent *de;
	size_t files = 0;
	DIR *d = opendir(CORPUS);

	ASSERT_NOT_NULL(d);
	while ((de = readdir(d)) != NULL) {
		struct findings *f = NULL;
		struct flow *flow;

		if (!flowset_wants_file(de->d_name))
			continue;
		++files;

		flow = load(de->d_name, &f);
		if (!flow || f->nerrors) {
			test_fail(__FILE__, __LINE__, "%s does not load",
				  de->d_name);
			mem_deref(flow);
			mem_deref(f);
			break;
		}
		mem_deref(flow);
		mem_deref(f);
	}
	closedir(d);
	ASSERT_INT_EQ(files, 5);
}

TEST(shapes_of_the_exports)
{
	static const struct {
		const char *file, *name;
		enum flow_type type;
		size_t actc;
		const char *start;
	} v[] = {
		{"AWS_Sample_SCV_Inbound.json", "AWS_Sample_SCV_Inbound",
		 FLOW_CONTACT_FLOW, 21, "a2e856a6-b552-40be-a599-9f77fd6eb79a"},
		{"RulesEngineCustomerQueue.json", "RulesEngineCustomerQueue",
		 FLOW_CONTACT_FLOW, 20, "5f2f3f62-834a-4387-9add-93fbbd326985"},
		{"RulesEngineQueue.json", "RulesEngineQueue",
		 FLOW_CONTACT_FLOW, 94, "cb1fa26f-70d3-41ed-8d5b-145979aa3af3"},
		{"acme_main_AUTO.json", "acme_main_AUTO",
		 FLOW_CONTACT_FLOW, 13, "cc06f7c7-7458-4de1-a177-cec53cd2374f"},
		{"acme_queue_transfer_AUTO.json", "acme_queue_transfer_AUTO",
		 FLOW_QUEUE_TRANSFER, 5, "FLOW_OBJECT_MAPS#"},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		struct findings *f = NULL;
		struct flow *flow = load(v[i].file, &f);

		ASSERT_NOT_NULL(flow);
		ASSERT_STR_EQ(flow->name, v[i].name);
		ASSERT_INT_EQ(flow->type, v[i].type);
		ASSERT_INT_EQ(flow->actc, v[i].actc);
		ASSERT_STR_EQ(flow->actv[flow->start].id, v[i].start);
		mem_deref(flow);
		mem_deref(f);
	}
}

TEST(what_the_exports_warn_about)
{
	struct findings *f = NULL;
	struct flow *flow;
	const struct flow_action *a;

	/* a customer queue flow with no declared type */
	flow = load("RulesEngineCustomerQueue.json", &f);
	ASSERT_NOT_NULL(flow);
	ASSERT_INT_EQ(f->nwarnings, 1);
	ASSERT_STR_EQ(f->v[0].msg, "MessageParticipantIteratively is not "
		      "allowed in a CONTACT_FLOW flow (flow type not "
		      "declared, assumed CONTACT_FLOW)");
	/* {{placeholders}} are kept as text */
	a = flow_action_find(flow, "5f2f3f62-834a-4387-9add-93fbbd326985");
	ASSERT_NOT_NULL(a);
	ASSERT_TRUE(ftmpl_has_placeholder(&fparam_get(fparam_get(&a->params,
		"Messages")->v, "PromptId")->str));
	mem_deref(flow);
	mem_deref(f);

	/* the Lex bot runs now (issue 15): nothing to warn about */
	flow = load("acme_main_AUTO.json", &f);
	ASSERT_NOT_NULL(flow);
	ASSERT_INT_EQ(f->n, 0);
	ASSERT_NOT_NULL(flow_action_find(flow,
		"f713e89c-d360-49a9-93ee-1fbaa5e0ff72"));
	mem_deref(flow);
	mem_deref(f);
}

/* Load time is a benchmark figure (bench/bench_flow), not a test. */

