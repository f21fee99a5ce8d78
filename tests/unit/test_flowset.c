/* The flowset: loading a folder, versions, failed reloads, look-ups. */
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flowset.h>
#include "test.h"

#define FLOW(next_text) "{\"Version\":\"2019-10-30\",\"StartAction\":" \
	"\"m\",\"Actions\":[{\"Identifier\":\"m\",\"Type\":" \
	"\"MessageParticipant\",\"Parameters\":{\"Text\":\"" next_text "\"}," \
	"\"Transitions\":{\"NextAction\":\"bye\"}},{\"Identifier\":\"bye\"," \
	"\"Type\":\"DisconnectParticipant\",\"Transitions\":{}}]}"

static char *mkdir_tmp(void)
{
	char tmpl[] = "/tmp/cfd_flowset_XXXXXX";
	char *d = NULL;

	if (!mkdtemp(tmpl))
		return NULL;
	str_dup(&d, tmpl);
	return d;
}

static char *put(const char *dir, const char *name, const char *text)
{
	char *path = NULL;
	FILE *fp;

	re_sdprintf(&path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	return path;
}

static void rm(const char *dir, const char *name)
{
	char *path = NULL;

	re_sdprintf(&path, "%s/%s", dir, name);
	unlink(path);
	mem_deref(path);
}

TEST(wants_file)
{
	ASSERT_TRUE(flowset_wants_file("main.json"));
	ASSERT_TRUE(flowset_wants_file("/etc/flows/Main.JSON"));
	ASSERT_FALSE(flowset_wants_file("main.json~"));
	ASSERT_FALSE(flowset_wants_file(".main.json.swp"));
	ASSERT_FALSE(flowset_wants_file(".main.json"));
	ASSERT_FALSE(flowset_wants_file("#main.json#"));
	ASSERT_FALSE(flowset_wants_file(".#main.json"));
	ASSERT_FALSE(flowset_wants_file("main.txt"));
	ASSERT_FALSE(flowset_wants_file(".json"));
	ASSERT_FALSE(flowset_wants_file("dir/#x.json"));
	ASSERT_FALSE(flowset_wants_file(NULL));
}

TEST(load_dir_versions_and_failed_reload)
{
	struct flowset *fs = NULL;
	const struct flowset_entry *e;
	struct flow *v1, *v2;
	char *dir = mkdir_tmp(), *main_path, *p;

	ASSERT_NOT_NULL(dir);
	main_path = put(dir, "main.json", FLOW("one"));
	mem_deref(put(dir, "main.json~", "garbage"));
	mem_deref(put(dir, ".main.json.swp", "garbage"));
	mem_deref(put(dir, "notes.txt", "garbage"));
	mem_deref(put(dir, "queue.json", "{\"Name\":\"Queue Flow\",\"Type\":"
		      "\"CUSTOMER_QUEUE\",\"Arn\":\"arn:aws:connect:r:1:"
		      "instance/i/contact-flow/f-77\",\"Content\":{\"Version\":"
		      "\"2019-10-30\",\"StartAction\":\"e\",\"Actions\":[{"
		      "\"Identifier\":\"e\",\"Type\":\"EndFlowExecution\"}]}}"));

	ASSERT_INT_EQ(flowset_alloc(&fs, NULL), 0);
	ASSERT_INT_EQ(flowset_load_dir(fs, dir), 0);
	ASSERT_INT_EQ(flowset_count(fs), 2);

	v1 = flowset_find(fs, "MAIN");
	ASSERT_NOT_NULL(v1);
	ASSERT_INT_EQ(v1->version, 1);
	ASSERT_STR_EQ(v1->path, main_path);
	mem_ref(v1);	/* a contact running version 1 */

	/* look-ups: name (any case), ARN, id, ARN's last element */
	ASSERT_STR_EQ(flowset_find(fs, "queue flow")->name, "Queue Flow");
	ASSERT_STR_EQ(flowset_find(fs, "arn:aws:connect:r:1:instance/i/"
				   "contact-flow/f-77")->name, "Queue Flow");
	ASSERT_STR_EQ(flowset_find(fs, "f-77")->name, "Queue Flow");
	ASSERT_STR_EQ(flowset_find(fs, "arn:aws:connect:other:2:instance/x/"
				   "contact-flow/f-77")->name, "Queue Flow");
	ASSERT_INT_EQ(flowset_find(fs, "Queue Flow")->type,
		      FLOW_CUSTOMER_QUEUE);
	ASSERT_NULL(flowset_find(fs, "f-78"));
	ASSERT_NULL(flowset_find(fs, ""));

	/* an unchanged file is no new version */
	ASSERT_INT_EQ(flowset_load_file(fs, main_path), 0);
	ASSERT_TRUE(flowset_find(fs, "main") == v1);

	/* a changed file is version 2; version 1 lives on for its holder */
	mem_deref(put(dir, "main.json", FLOW("two")));
	ASSERT_INT_EQ(flowset_load_file(fs, main_path), 0);
	v2 = flowset_find(fs, "main");
	ASSERT_TRUE(v2 != v1);
	ASSERT_INT_EQ(v2->version, 2);
	ASSERT_STR_EQ(fparam_get(&v1->actv[0].params, "Text")->str.raw,
		      "one");
	v1 = mem_deref(v1);

	/* a broken file keeps version 2 serving, with the findings */
	mem_deref(put(dir, "main.json", "{\"Version\":\"2019-10-30\""));
	ASSERT_INT_EQ(flowset_load_file(fs, main_path), EBADMSG);
	ASSERT_TRUE(flowset_find(fs, "main") == v2);
	e = NULL;
	for (size_t i = 0; i < flowset_count(fs); i++) {
		if (!strcmp(flowset_at(fs, i)->name, "main"))
			e = flowset_at(fs, i);
	}
	ASSERT_NOT_NULL(e);
	ASSERT_TRUE(e->last_failed);
	ASSERT_TRUE(e->flow == v2);
	ASSERT_INT_EQ(e->findings->nerrors, 1);
	ASSERT_TRUE(strstr(e->findings->v[0].msg, "invalid JSON") != NULL);
	ASSERT_NULL(flowset_at(fs, 5));

	/* fixed again: version 3 */
	mem_deref(put(dir, "main.json", FLOW("three")));
	ASSERT_INT_EQ(flowset_load_file(fs, main_path), 0);
	ASSERT_INT_EQ(flowset_find(fs, "main")->version, 3);
	ASSERT_FALSE(e->last_failed);

	/* the file is removed */
	flowset_remove_path(fs, main_path);
	ASSERT_NULL(flowset_find(fs, "main"));
	ASSERT_INT_EQ(flowset_count(fs), 1);

	/* a file that never loaded is an entry without a flow */
	p = put(dir, "broken.json", "{\"modules\":[]}");
	ASSERT_INT_EQ(flowset_load_file(fs, p), EBADMSG);
	ASSERT_INT_EQ(flowset_count(fs), 2);
	ASSERT_NULL(flowset_find(fs, "broken"));
	e = flowset_at(fs, 1);
	ASSERT_STR_EQ(e->name, "broken");
	ASSERT_NULL(e->flow);
	ASSERT_TRUE(e->last_failed);
	ASSERT_STR_EQ(e->path, p);
	mem_deref(p);

	/* a directory with a broken file loads the rest, says EBADMSG */
	ASSERT_INT_EQ(flowset_load_dir(fs, dir), EBADMSG);
	ASSERT_NOT_NULL(flowset_find(fs, "Queue Flow"));
	ASSERT_INT_EQ(flowset_load_dir(fs, "/nonexistent-dir"), ENOENT);

	rm(dir, "main.json");
	rm(dir, "main.json~");
	rm(dir, ".main.json.swp");
	rm(dir, "notes.txt");
	rm(dir, "queue.json");
	rm(dir, "broken.json");
	rmdir(dir);
	mem_deref(main_path);
	mem_deref(dir);
	mem_deref(fs);
}

TEST(config_flow_types_apply)
{
	struct config *cfg = NULL;
	struct flowset *fs = NULL;
	char ebuf[128] = "";
	char *dir = mkdir_tmp(), *p;

	ASSERT_NOT_NULL(dir);
	ASSERT_INT_EQ(config_parse(&cfg, "{\"flow_types\":{\"hold\":"
				   "\"CUSTOMER_HOLD\"}}", NULL, ebuf,
				   sizeof(ebuf)), 0);
	ASSERT_INT_EQ(flowset_alloc(&fs, cfg), 0);

	p = put(dir, "hold.json", "{\"Version\":\"2019-10-30\",\"StartAction\""
		":\"l\",\"Actions\":[{\"Identifier\":\"l\",\"Type\":"
		"\"MessageParticipantIteratively\",\"Parameters\":{\"Messages\""
		":[{\"Text\":\"hold on\"}]}}]}");
	ASSERT_INT_EQ(flowset_load_file(fs, p), 0);
	ASSERT_INT_EQ(flowset_find(fs, "hold")->type, FLOW_CUSTOMER_HOLD);
	ASSERT_INT_EQ(flowset_at(fs, 0)->findings->n, 0);
	unlink(p);
	mem_deref(p);
	rmdir(dir);
	mem_deref(dir);
	mem_deref(fs);
	mem_deref(cfg);
}

TEST(add_compiled_flows)
{
	struct flowset *fs = NULL;
	struct flow *a = NULL, *b = NULL;
	struct flow_load_opts o = {.name = "Sim"};
	const char *doc = FLOW("x");

	ASSERT_INT_EQ(flowset_alloc(&fs, NULL), 0);
	ASSERT_INT_EQ(flow_load_buf(&a, NULL, doc, strlen(doc), &o), 0);
	ASSERT_INT_EQ(flow_load_buf(&b, NULL, doc, strlen(doc), &o), 0);
	ASSERT_INT_EQ(flowset_add(fs, a), 0);
	ASSERT_INT_EQ(flowset_add(fs, b), 0);
	ASSERT_INT_EQ(flowset_count(fs), 1);
	ASSERT_INT_EQ(a->version, 1);
	ASSERT_INT_EQ(b->version, 2);
	ASSERT_TRUE(flowset_find(fs, "sim") == b);
	ASSERT_INT_EQ(flowset_add(fs, NULL), EINVAL);
	mem_deref(a);
	mem_deref(b);
	mem_deref(fs);
}
