/**
 * @file findings.c  The findings of validation: errors and warnings, each
 * naming the action it is about, printed one per line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include <callflowd/flow/flow.h>

static void findings_destructor(void *arg)
{
	struct findings *f = arg;
	size_t i;

	for (i = 0; i < f->n; i++) {
		mem_deref(f->v[i].action_id);
		mem_deref(f->v[i].msg);
	}

	mem_deref(f->v);
}


int findings_alloc(struct findings **fp)
{
	struct findings *f;

	if (!fp)
		return EINVAL;

	f = mem_zalloc(sizeof(*f), findings_destructor);
	if (!f)
		return ENOMEM;

	*fp = f;
	return 0;
}


int findings_add(struct findings *f, enum finding_sev sev,
		 const char *action_id, const char *fmt, ...)
{
	struct finding *fd, *v;
	char *msg = NULL, *id = NULL;
	va_list ap;
	int n, err = 0;

	if (!f || !fmt)
		return EINVAL;

	/* glibc formatting, as the format attribute promises */
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return EINVAL;

	msg = mem_alloc((size_t)n + 1, NULL);
	if (!msg)
		return ENOMEM;

	va_start(ap, fmt);
	(void)vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);

	if (action_id) {
		err = str_dup(&id, action_id);
		if (err)
			goto out;
	}

	v = mem_reallocarray(f->v, f->n + 1, sizeof(*v), NULL);
	if (!v) {
		err = ENOMEM;
		goto out;
	}
	f->v = v;

	fd = &f->v[f->n++];
	fd->sev = sev;
	fd->action_id = id;
	fd->msg = msg;
	if (sev == FINDING_ERROR)
		++f->nerrors;
	else
		++f->nwarnings;

	return 0;

 out:
	mem_deref(msg);
	mem_deref(id);
	return err;
}


void findings_print(const struct findings *f, const char *path, FILE *fp)
{
	size_t i;

	if (!f || !fp)
		return;

	for (i = 0; i < f->n; i++) {
		const struct finding *fd = &f->v[i];

		fprintf(fp, "%s: %s: %s: %s\n", path ? path : "-",
			fd->sev == FINDING_ERROR ? "error" : "warning",
			fd->action_id ? fd->action_id : "-", fd->msg);
	}
}
