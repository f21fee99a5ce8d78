/**
 * @file import_read.c  import-connect's input: every JSON file of a folder
 * of AWS CLI outputs, each recognised by its top-level member (whatever
 * the file is called), gathered into struct imp. Pages of a list (one
 * file per page) add up. list-routing-profile-queues does not say which
 * profile it lists: its file name carries the profile's id.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <callflowd/core/libre.h>
#include "ctl.h"
#include "import.h"

/* Top-level member -> where it goes; describe outputs are one object. */
static const struct {
	const char *key;
	size_t off;
	bool list;
} kinds[] = {
	{"QueueSummaryList", offsetof(struct imp, queue_list), true},
	{"Queue", offsetof(struct imp, queues), false},
	{"HoursOfOperationSummaryList", offsetof(struct imp, hours_list), true},
	{"HoursOfOperation", offsetof(struct imp, hours), false},
	{"RoutingProfileSummaryList", offsetof(struct imp, profile_list),
	 true},
	{"RoutingProfile", offsetof(struct imp, profiles), false},
	{"UserSummaryList", offsetof(struct imp, user_list), true},
	{"User", offsetof(struct imp, users), false},
	{"ListPhoneNumbersSummaryList", offsetof(struct imp, numbers), true},
	{"ContactFlowSummaryList", offsetof(struct imp, flow_list), true},
	{"ContactFlow", offsetof(struct imp, flows), false},
	{"FlowAssociationSummaryList", offsetof(struct imp, assoc), true},
	{"QuickConnectSummaryList", offsetof(struct imp, quick), true},
	{"PromptSummaryList", offsetof(struct imp, prompts), true},
};

void imp_report(struct imp *imp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)mbuf_printf(imp->report, "- ");
	(void)mbuf_vprintf(imp->report, fmt, ap);
	(void)mbuf_printf(imp->report, "\n");
	va_end(ap);
	++imp->nreport;
}

static void imp_destructor(void *arg)
{
	struct imp *imp = arg;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		json_decref(*(json_t **)(void *)((char *)imp + kinds[i].off));
	json_decref(imp->profile_queues);
	json_decref(imp->rpq_files);
	mem_deref(imp->report);
}

int imp_alloc(struct imp **impp)
{
	struct imp *imp = mem_zalloc(sizeof(*imp), imp_destructor);
	size_t i;

	if (!imp)
		return ENOMEM;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		*(json_t **)(void *)((char *)imp + kinds[i].off) = json_array();
	imp->profile_queues = json_object();
	imp->rpq_files = json_object();
	imp->report = mbuf_alloc(1024);
	if (!imp->profile_queues || !imp->rpq_files || !imp->report ||
	    !imp->flows) {
		mem_deref(imp);
		return ENOMEM;
	}
	*impp = imp;
	return 0;
}

/* One file: which output it is, and its entries added where they go. */
static int file_read(struct imp *imp, const char *path, const char *name)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);
	const json_t *rpq;
	size_t i;

	if (!doc) {
		imp_report(imp, "%s: not JSON (%s, line %d): skipped", name,
			   jerr.text, jerr.line);
		return 0;
	}
	rpq = json_object_get(doc, "RoutingProfileQueueConfigSummaryList");
	if (json_is_array(rpq)) {
		/* its profile is known only from the file name */
		(void)json_object_set(imp->rpq_files, name, (json_t *)rpq);
		++imp->files;
		json_decref(doc);
		return 0;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		json_t *dst = *(json_t **)(void *)((char *)imp +
						   kinds[i].off);
		json_t *v = json_object_get(doc, kinds[i].key);

		if (!v)
			continue;
		if (kinds[i].list && json_is_array(v))
			(void)json_array_extend(dst, v);
		else if (!kinds[i].list && json_is_object(v))
			(void)json_array_append(dst, v);
		else
			continue;
		++imp->files;
		json_decref(doc);
		return 0;
	}
	imp_report(imp, "%s: not an AWS CLI output import-connect reads: "
		   "skipped", name);
	json_decref(doc);
	return 0;
}

/* Every *.json of dir and of its sub-folders (one level). */
static int dir_read(struct imp *imp, const char *dir, const char *prefix,
		    int depth)
{
	struct dirent **ents = NULL;
	int n, i, err = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return errno;
	for (i = 0; i < n; i++) {
		const char *f = ents[i]->d_name;
		char path[1024], name[512];
		struct stat st;
		size_t len = strlen(f);

		if (f[0] == '.' || err)
			continue;
		re_snprintf(path, sizeof(path), "%s/%s", dir, f);
		re_snprintf(name, sizeof(name), "%s%s", prefix, f);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode) && depth < 1) {
			char sub[512];

			re_snprintf(sub, sizeof(sub), "%s/", name);
			err = dir_read(imp, path, sub, depth + 1);
		}
		else if (S_ISREG(st.st_mode) && len > 5 &&
			 !strcmp(f + len - 5, ".json")) {
			err = file_read(imp, path, name);
		}
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return err;
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Give each list-routing-profile-queues file to the profile whose id is
 * in its name. */
static void rpq_assign(struct imp *imp)
{
	const char *fname;
	json_t *list;

	json_object_foreach(imp->rpq_files, fname, list) {
		const char *rpid = NULL;
		size_t i;

		for (i = 0; i < json_array_size(imp->profiles); i++) {
			const char *id = jstr(json_array_get(imp->profiles,
							     i),
					      "RoutingProfileId");

			if (id && strstr(fname, id))
				rpid = id;
		}
		for (i = 0; !rpid && i < json_array_size(imp->profile_list);
		     i++) {
			const char *id = jstr(json_array_get(
					imp->profile_list, i), "Id");

			if (id && strstr(fname, id))
				rpid = id;
		}
		if (!rpid) {
			imp_report(imp, "%s: list-routing-profile-queues "
				   "output whose name holds no routing "
				   "profile id (name it "
				   "list-routing-profile-queues-<id>.json): "
				   "skipped", fname);
			continue;
		}
		if (!json_object_get(imp->profile_queues, rpid))
			(void)json_object_set_new(imp->profile_queues, rpid,
						  json_array());
		(void)json_array_extend(json_object_get(imp->profile_queues,
							rpid), list);
	}
}

int imp_read(struct imp *imp, const char *dir)
{
	int err = dir_read(imp, dir, "", 0);

	if (err)
		return err;
	rpq_assign(imp);
	return imp->files ? 0 : ENOENT;
}
