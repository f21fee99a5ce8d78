/**
 * @file flowwatch.c  Flows directory watcher with per-file debounce.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/flowset.h>
#include <callflowd/store/audit.h>
#include "flowwatch.h"
#include <callflowd/core/log.h>
#include <callflowd/core/loop.h>

struct pending {
	struct le le;
	struct flowwatch *fw;
	char *name;
	struct tmr tmr;
};

struct flowwatch {
	uv_fs_event_t *ev;
	char *dir;
	struct flowset *fs;
	struct audit *audit;
	struct list pending;
	uint32_t quiet_ms;
	uint64_t reloads;
};

static void pending_destructor(void *arg)
{
	struct pending *p = arg;

	tmr_cancel(&p->tmr);
	list_unlink(&p->le);
	mem_deref(p->name);
}

static void close_cb(uv_handle_t *h)
{
	mem_deref(h);
}

static void destructor(void *arg)
{
	struct flowwatch *fw = arg;

	list_flush(&fw->pending);
	if (fw->ev) {
		uv_fs_event_stop(fw->ev);
		uv_close((uv_handle_t *)fw->ev, close_cb);
		loop_kick();
	}
	mem_deref(fw->dir);
	mem_deref(fw->fs);
	mem_deref(fw->audit);
}

static void reload(void *arg)
{
	struct pending *p = arg;
	struct flowwatch *fw = p->fw;
	char path[4096];
	struct stat st;

	re_snprintf(path, sizeof(path), "%s/%s", fw->dir, p->name);
	if (stat(path, &st)) {
		log_info("flows: %s removed", path);
		flowset_remove_path(fw->fs, path);
		audit_event(fw->audit, "flow", json_pack(
			    "{s:s, s:s}", "Path", path, "Result", "removed"));
	}
	else if (S_ISREG(st.st_mode)) {
		int err = flowset_load_file(fw->fs, path);

		if (err)
			log_error("flows: %s not loaded, the last good "
				  "version (if any) keeps serving", path);
		else
			log_info("flows: %s loaded", path);
		audit_event(fw->audit, "flow", json_pack(
			    "{s:s, s:s}", "Path", path, "Result",
			    err ? "rejected" : "loaded"));
		++fw->reloads;
	}
	mem_deref(p);
}

static void event_cb(uv_fs_event_t *h, const char *filename, int events,
		     int status)
{
	struct flowwatch *fw = h->data;
	struct pending *p;
	struct le *le;

	(void)events;
	if (status < 0) {
		log_error("flows: watching %s failed: %s", fw->dir,
			  uv_strerror(status));
		return;
	}
	if (!filename || !flowset_wants_file(filename))
		return;

	/* one pending reload per file: every event restarts its timer */
	for (le = list_head(&fw->pending); le; le = le->next) {
		p = le->data;
		if (!strcmp(p->name, filename)) {
			tmr_start(&p->tmr, fw->quiet_ms, reload, p);
			return;
		}
	}

	p = mem_zalloc(sizeof(*p), pending_destructor);
	if (!p || str_dup(&p->name, filename)) {
		mem_deref(p);
		return;
	}
	p->fw = fw;
	list_append(&fw->pending, &p->le, p);
	tmr_start(&p->tmr, fw->quiet_ms, reload, p);
}

int flowwatch_alloc(struct flowwatch **fwp, const char *dir,
		    struct flowset *fs, uint32_t quiet_ms, struct audit *audit)
{
	struct flowwatch *fw;
	int err;

	if (!fwp || !dir || !fs)
		return EINVAL;

	fw = mem_zalloc(sizeof(*fw), destructor);
	if (!fw)
		return ENOMEM;
	fw->quiet_ms = quiet_ms ? quiet_ms : 200;
	fw->fs = mem_ref(fs);
	fw->audit = mem_ref(audit);
	err = str_dup(&fw->dir, dir);
	if (err)
		goto out;

	fw->ev = mem_zalloc(sizeof(*fw->ev), NULL);
	if (!fw->ev) {
		err = ENOMEM;
		goto out;
	}
	err = uv_fs_event_init(loop_uv(), fw->ev);
	if (err) {
		fw->ev = mem_deref(fw->ev);
		err = -err;
		goto out;
	}
	fw->ev->data = fw;
	err = uv_fs_event_start(fw->ev, event_cb, dir, 0);
	if (err) {
		log_error("flows: cannot watch %s: %s", dir, uv_strerror(err));
		err = -err;
		goto out;
	}
	loop_kick();

 out:
	if (err)
		mem_deref(fw);
	else
		*fwp = fw;
	return err;
}

void flowwatch_set(struct flowwatch *fw, struct flowset *fs)
{
	if (!fw || !fs)
		return;
	mem_deref(fw->fs);
	fw->fs = mem_ref(fs);
}

uint64_t flowwatch_reloads(const struct flowwatch *fw)
{
	return fw ? fw->reloads : 0;
}
