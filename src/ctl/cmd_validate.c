/**
 * @file cmd_validate.c  callflowctl validate [--config FILE] [--strict]
 * PATH...: check flow files (or every flow file of a directory), one line
 * per finding, then a summary line.
 *
 * Without --config only the files themselves are checked. With it, the
 * config's flow_types apply, and references to queues, prompts, hours,
 * functions and flows are resolved against the config and the files given
 * (--strict makes unresolved references errors).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <dirent.h>
#include <sys/stat.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flow.h>
#include <callflowd/flow/flowset.h>
#include "ctl.h"

struct vfile {
	char *path;
	struct flow *flow;
	struct findings *findings;
};

struct vrun {
	struct vfile *filev;
	size_t filec;
};


static void usage(FILE *fp)
{
	fprintf(fp, "usage: callflowctl validate [--config FILE] [--strict] "
		"PATH...\n"
		"  PATH: a flow file or a directory of *.json flow files\n"
		"  --config FILE  resolve queues, prompts, hours, functions "
		"and flow types\n"
		"  --strict       unresolved references are errors\n");
}


static int file_add(struct vrun *vr, const char *path)
{
	struct vfile *v;

	v = mem_reallocarray(vr->filev, vr->filec + 1, sizeof(*v), NULL);
	if (!v)
		return ENOMEM;
	vr->filev = v;

	memset(&v[vr->filec], 0, sizeof(*v));
	if (str_dup(&v[vr->filec].path, path))
		return ENOMEM;

	++vr->filec;
	return 0;
}


static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}


/* Every flow file of dir, in name order. */
static int dir_add(struct vrun *vr, const char *dir)
{
	char **namev = NULL;
	size_t namec = 0, i, dlen;
	struct dirent *de;
	int err = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno;

	while ((de = readdir(d)) != NULL) {
		char **v;

		if (!flowset_wants_file(de->d_name))
			continue;

		v = mem_reallocarray(namev, namec + 1, sizeof(*v), NULL);
		if (!v) {
			err = ENOMEM;
			goto out;
		}
		namev = v;
		if (str_dup(&namev[namec], de->d_name)) {
			err = ENOMEM;
			goto out;
		}
		++namec;
	}

	if (namec)
		qsort(namev, namec, sizeof(*namev), cmp_str);

	dlen = strlen(dir);
	while (dlen > 1 && dir[dlen - 1] == '/')
		--dlen;

	for (i = 0; i < namec && !err; i++) {
		char *path = NULL;

		err = re_sdprintf(&path, "%b/%s", dir, dlen, namev[i]);
		if (!err)
			err = file_add(vr, path);
		mem_deref(path);
	}

 out:
	closedir(d);
	for (i = 0; i < namec; i++)
		mem_deref(namev[i]);
	mem_deref(namev);
	return err;
}


static bool config_type(const struct config *cfg, const char *name,
			enum flow_type *tp)
{
	const char *key;
	json_t *val;

	if (!cfg || !json_is_object(cfg->flow_types))
		return false;

	json_object_foreach(cfg->flow_types, key, val) {
		if (!strcasecmp(key, name) && json_is_string(val) &&
		    !flow_type_parse(tp, json_string_value(val)))
			return true;
	}

	return false;
}


static int load_one(struct vfile *vf, const struct config *cfg)
{
	struct flow_load_opts opts;
	const char *base;
	char *name = NULL;
	size_t len;
	int err;

	err = findings_alloc(&vf->findings);
	if (err)
		return err;

	base = strrchr(vf->path, '/');
	base = base ? base + 1 : vf->path;
	len = strlen(base);
	if (len > 5 && !strcasecmp(base + len - 5, ".json"))
		len -= 5;
	err = re_sdprintf(&name, "%b", base, len);
	if (err)
		return err;

	memset(&opts, 0, sizeof(opts));
	opts.name = name;
	opts.path = vf->path;
	opts.has_type = config_type(cfg, name, &opts.type);

	err = flow_load_file(&vf->flow, vf->findings, vf->path, &opts);
	mem_deref(name);

	return err == ENOMEM ? err : 0;
}


int cmd_validate(int argc, char **argv)
{
	struct vrun vr = {NULL, 0};
	struct config *cfg = NULL;
	struct flowset *fs = NULL;
	const char *cfgpath = NULL, **pathv = NULL;
	size_t nerr = 0, nwarn = 0, pathc = 0, i;
	bool strict = false, opts_done = false;
	int rc = 2, a, err = 0;

	/* options may stand anywhere before "--"; the rest are paths */
	pathv = mem_zalloc((size_t)argc * sizeof(*pathv), NULL);
	if (!pathv) {
		fprintf(stderr, "callflowctl validate: out of memory\n");
		goto out;
	}

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];

		if (opts_done || arg[0] != '-' || !arg[1]) {
			pathv[pathc++] = arg;
		}
		else if (!strcmp(arg, "--")) {
			opts_done = true;
		}
		else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			rc = 0;
			goto out;
		}
		else if (!strcmp(arg, "--strict")) {
			strict = true;
		}
		else if (!strcmp(arg, "--config")) {
			if (a + 1 >= argc) {
				fprintf(stderr, "callflowctl validate: "
					"--config needs a file\n");
				usage(stderr);
				goto out;
			}
			cfgpath = argv[++a];
		}
		else if (!strncmp(arg, "--config=", 9)) {
			cfgpath = arg + 9;
		}
		else {
			fprintf(stderr, "callflowctl validate: unknown option "
				"'%s'\n", arg);
			usage(stderr);
			goto out;
		}
	}

	if (!pathc) {
		fprintf(stderr, "callflowctl validate: no flow file or "
			"directory given\n");
		usage(stderr);
		goto out;
	}

	if (cfgpath) {
		char ebuf[512] = "";

		err = config_load(&cfg, cfgpath, ebuf, sizeof(ebuf));
		if (err) {
			fprintf(stderr, "callflowctl validate: %s: %s\n",
				cfgpath, ebuf[0] ? ebuf : strerror(err));
			goto out;
		}
	}

	for (i = 0; i < pathc; i++) {
		struct stat st;

		if (!stat(pathv[i], &st) && S_ISDIR(st.st_mode)) {
			err = dir_add(&vr, pathv[i]);
			if (err && err != ENOMEM) {
				fprintf(stderr, "callflowctl validate: %s: "
					"%s\n", pathv[i], strerror(err));
				rc = 1;
				++nerr;
				err = 0;
				continue;
			}
		}
		else {
			/* unreadable files are reported by the loader */
			err = file_add(&vr, pathv[i]);
		}
		if (err)
			goto oom;
	}

	for (i = 0; i < vr.filec; i++) {
		err = load_one(&vr.filev[i], cfg);
		if (err)
			goto oom;
	}

	/* flows referenced by name resolve among the files given */
	if (cfg) {
		err = flowset_alloc(&fs, cfg);
		if (err)
			goto oom;

		for (i = 0; i < vr.filec; i++) {
			if (vr.filev[i].flow)
				(void)flowset_add(fs, vr.filev[i].flow);
		}

		for (i = 0; i < vr.filec; i++) {
			if (vr.filev[i].flow)
				flow_check_refs(vr.filev[i].flow, cfg, fs,
						strict, vr.filev[i].findings);
		}
	}

	for (i = 0; i < vr.filec; i++) {
		const struct findings *f = vr.filev[i].findings;

		findings_print(f, vr.filev[i].path, stdout);
		nerr += f->nerrors;
		nwarn += f->nwarnings;
	}

	printf("%zu file%s, %zu error%s, %zu warning%s\n",
	       vr.filec, vr.filec == 1 ? "" : "s",
	       nerr, nerr == 1 ? "" : "s",
	       nwarn, nwarn == 1 ? "" : "s");

	rc = nerr ? 1 : 0;
	goto out;

 oom:
	fprintf(stderr, "callflowctl validate: %s\n", strerror(err));
	rc = 1;

 out:
	fflush(stdout);
	for (i = 0; i < vr.filec; i++) {
		mem_deref(vr.filev[i].path);
		mem_deref(vr.filev[i].flow);
		mem_deref(vr.filev[i].findings);
	}
	mem_deref(vr.filev);
	mem_deref(pathv);
	mem_deref(fs);
	mem_deref(cfg);
	return rc;
}
