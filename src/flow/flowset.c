/**
 * @file flowset.c  The set of loaded flows: one entry per flow name (or
 * per file that never loaded), each serving its last good version.
 *
 * A reload of an unchanged file (same CRC32) keeps the serving version; a
 * reload that fails keeps it too and records the findings. Versions count
 * per name, so "acme_main" v3 is the third good load of that name.
 */
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <errno.h>
#include <dirent.h>
#include <callflowd/core/libre.h>
#include <callflowd/core/util.h>
#include <callflowd/core/config.h>
#include <callflowd/flow/flowset.h>

struct flowset {
	const struct config *cfg;	/* referenced */
	struct flowset_entry *entv;
	uint64_t *versv;		/* versions handed out, per entry */
	size_t entc;
};


static void entry_reset(struct flowset_entry *e)
{
	mem_deref(e->name);
	mem_deref(e->path);
	mem_deref(e->flow);
	mem_deref(e->findings);
	memset(e, 0, sizeof(*e));
}


static void flowset_destructor(void *arg)
{
	struct flowset *fs = arg;
	size_t i;

	for (i = 0; i < fs->entc; i++)
		entry_reset(&fs->entv[i]);

	mem_deref(fs->entv);
	mem_deref(fs->versv);
	mem_deref((void *)fs->cfg);
}


int flowset_alloc(struct flowset **fsp, const struct config *cfg)
{
	struct flowset *fs;

	if (!fsp)
		return EINVAL;

	fs = mem_zalloc(sizeof(*fs), flowset_destructor);
	if (!fs)
		return ENOMEM;

	fs->cfg = mem_ref((void *)cfg);
	*fsp = fs;
	return 0;
}


static struct flowset_entry *entry_by_name(const struct flowset *fs,
					   const char *name)
{
	size_t i;

	for (i = 0; i < fs->entc; i++) {
		if (fs->entv[i].name && !strcasecmp(fs->entv[i].name, name))
			return &fs->entv[i];
	}

	return NULL;
}


static struct flowset_entry *entry_by_path(const struct flowset *fs,
					   const char *path)
{
	size_t i;

	for (i = 0; i < fs->entc; i++) {
		if (fs->entv[i].path && !strcmp(fs->entv[i].path, path))
			return &fs->entv[i];
	}

	return NULL;
}


static struct flowset_entry *entry_new(struct flowset *fs, const char *name)
{
	struct flowset_entry *v;
	uint64_t *vv;

	v = mem_reallocarray(fs->entv, fs->entc + 1, sizeof(*v), NULL);
	if (!v)
		return NULL;
	fs->entv = v;

	vv = mem_reallocarray(fs->versv, fs->entc + 1, sizeof(*vv), NULL);
	if (!vv)
		return NULL;
	fs->versv = vv;

	memset(&fs->entv[fs->entc], 0, sizeof(*v));
	fs->versv[fs->entc] = 0;

	if (str_dup(&fs->entv[fs->entc].name, name))
		return NULL;

	return &fs->entv[fs->entc++];
}


/* Serve flow (referenced) in entry e, as the next version of its name. */
static void entry_serve(struct flowset *fs, struct flowset_entry *e,
			struct flow *flow)
{
	size_t i = (size_t)(e - fs->entv);

	flow->version = ++fs->versv[i];
	mem_deref(e->flow);
	e->flow = mem_ref(flow);
	e->last_failed = false;
}


int flowset_add(struct flowset *fs, struct flow *flow)
{
	struct flowset_entry *e;

	if (!fs || !flow || !flow->name)
		return EINVAL;

	e = entry_by_name(fs, flow->name);
	if (!e) {
		e = entry_new(fs, flow->name);
		if (!e)
			return ENOMEM;
	}

	entry_serve(fs, e, flow);
	mem_deref(e->findings);
	e->findings = mem_ref(flow->findings);
	e->attempt_ms = util_now_ms();

	if (flow->path && (!e->path || strcmp(e->path, flow->path))) {
		mem_deref(e->path);
		e->path = NULL;
		if (str_dup(&e->path, flow->path))
			return ENOMEM;
	}

	return 0;
}


static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}


/* The file name without ".json": a raw flow's name. */
static int name_of(char **namep, const char *path)
{
	const char *base = basename_of(path);
	size_t len = strlen(base);

	if (len > 5 && !strcasecmp(base + len - 5, ".json"))
		len -= 5;

	return re_sdprintf(namep, "%b", base, len);
}


/* The configured type of a flow name (config "flow_types"). */
static bool config_type(const struct config *cfg, const char *name,
			enum flow_type *tp)
{
	const char *key;
	json_t *val;

	if (!cfg || !cfg->flow_types || !json_is_object(cfg->flow_types))
		return false;

	json_object_foreach(cfg->flow_types, key, val) {
		if (!strcasecmp(key, name) && json_is_string(val) &&
		    !flow_type_parse(tp, json_string_value(val)))
			return true;
	}

	return false;
}


int flowset_load_file(struct flowset *fs, const char *path)
{
	struct flow_load_opts opts;
	struct findings *f = NULL;
	struct flowset_entry *e;
	struct flow *flow = NULL;
	char *buf = NULL, *name = NULL;
	size_t len = 0, max;
	int err;

	if (!fs || !path)
		return EINVAL;

	err = findings_alloc(&f);
	err |= name_of(&name, path);
	if (err) {
		err = ENOMEM;
		goto out;
	}

	memset(&opts, 0, sizeof(opts));
	opts.name = name;
	opts.path = path;
	opts.has_type = config_type(fs->cfg, name, &opts.type);

	max = fs->cfg && fs->cfg->limits.max_flow_bytes ?
		fs->cfg->limits.max_flow_bytes : 10u * 1024 * 1024;

	err = util_read_file(&buf, &len, path, max);
	if (err) {
		if (err == EFBIG)
			(void)findings_add(f, FINDING_ERROR, NULL,
					   "file larger than %zu bytes", max);
		else
			(void)findings_add(f, FINDING_ERROR, NULL,
					   "cannot read file: %s",
					   strerror(err));
		err = EBADMSG;
		goto failed;
	}

	err = flow_load_buf(&flow, f, buf, len, &opts);
	if (!err) {
		/* same bytes as the version serving from this path: keep it */
		e = entry_by_path(fs, path);
		if (e && e->flow && !e->last_failed &&
		    e->flow->digest == flow->digest &&
		    !strcasecmp(e->flow->name, flow->name)) {
			e->attempt_ms = util_now_ms();
			goto out;
		}

		err = flowset_add(fs, flow);
		goto out;
	}

 failed:
	/* keep the last good version of this file serving */
	e = entry_by_path(fs, path);
	if (!e && flow)
		e = entry_by_name(fs, flow->name);
	if (!e)
		e = entry_by_name(fs, name);
	if (!e) {
		e = entry_new(fs, flow ? flow->name : name);
		if (!e) {
			err = ENOMEM;
			goto out;
		}
		if (str_dup(&e->path, path)) {
			err = ENOMEM;
			goto out;
		}
	}

	mem_deref(e->findings);
	e->findings = mem_ref(f);
	e->last_failed = true;
	e->attempt_ms = util_now_ms();
	if (!err)
		err = EBADMSG;

 out:
	mem_deref(flow);
	mem_deref(f);
	mem_deref(buf);
	mem_deref(name);
	return err;
}


bool flowset_wants_file(const char *filename)
{
	const char *base;
	size_t len;

	if (!filename)
		return false;

	base = basename_of(filename);
	len = strlen(base);

	/* dotfiles, editor swap/lock/backup files ("#x.json#", ".x.swp") */
	if (len <= 5 || base[0] == '.' || base[0] == '#' || base[0] == '~')
		return false;
	if (strchr(base, '#') || base[len - 1] == '~')
		return false;

	return !strcasecmp(base + len - 5, ".json");
}


static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}


int flowset_load_dir(struct flowset *fs, const char *dir)
{
	struct dirent *de;
	char **namev = NULL;
	size_t namec = 0, i;
	int err = 0, ferr = 0;
	DIR *d;

	if (!fs || !dir)
		return EINVAL;

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
		namev[namec] = NULL;
		err = re_sdprintf(&namev[namec], "%s/%s", dir, de->d_name);
		if (err)
			goto out;
		++namec;
	}

	/* a stable order makes name clashes resolve the same every time */
	if (namec)
		qsort(namev, namec, sizeof(*namev), cmp_str);

	for (i = 0; i < namec; i++) {
		int e = flowset_load_file(fs, namev[i]);

		if (e == ENOMEM) {
			err = e;
			goto out;
		}
		if (e && !ferr)
			ferr = e;
	}

 out:
	closedir(d);
	for (i = 0; i < namec; i++)
		mem_deref(namev[i]);
	mem_deref(namev);

	return err ? err : ferr;
}


void flowset_remove_path(struct flowset *fs, const char *path)
{
	struct flowset_entry *e;
	size_t i;

	if (!fs || !path)
		return;

	e = entry_by_path(fs, path);
	if (!e)
		return;

	i = (size_t)(e - fs->entv);
	entry_reset(e);
	memmove(&fs->entv[i], &fs->entv[i + 1],
		(fs->entc - i - 1) * sizeof(*fs->entv));
	memmove(&fs->versv[i], &fs->versv[i + 1],
		(fs->entc - i - 1) * sizeof(*fs->versv));
	--fs->entc;
}


static bool ref_matches(const struct flow *flow, const char *ref,
			const char *last)
{
	if (flow->arn && !strcmp(flow->arn, ref))
		return true;
	if (flow->id && !strcmp(flow->id, ref))
		return true;
	if (last && flow->id && !strcmp(flow->id, last))
		return true;

	return false;
}


struct flow *flowset_find(const struct flowset *fs, const char *ref)
{
	const char *last;
	size_t i;

	if (!fs || !ref || !*ref)
		return NULL;

	for (i = 0; i < fs->entc; i++) {
		struct flow *flow = fs->entv[i].flow;

		if (flow && !strcasecmp(flow->name, ref))
			return flow;
	}

	/* ".../contact-flow/<id>" names the flow whose id is <id> */
	last = strrchr(ref, '/');
	last = last && last[1] ? last + 1 : NULL;

	for (i = 0; i < fs->entc; i++) {
		struct flow *flow = fs->entv[i].flow;

		if (flow && ref_matches(flow, ref, last))
			return flow;
	}

	return NULL;
}


size_t flowset_count(const struct flowset *fs)
{
	return fs ? fs->entc : 0;
}


const struct flowset_entry *flowset_at(const struct flowset *fs, size_t i)
{
	if (!fs || i >= fs->entc)
		return NULL;

	return &fs->entv[i];
}
