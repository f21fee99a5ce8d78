/**
 * @file table.c  Aligned text tables for callflowctl: columns as wide as
 * their widest cell (in characters, UTF-8 aware), the last one unpadded.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <callflowd/core/libre.h>
#include "ctl.h"

struct ctl_table {
	size_t ncols;
	size_t *width;
	struct list rows;	/* struct row */
};

struct row {
	struct le le;
	char **cell;
	size_t ncols;
};

static void row_destructor(void *arg)
{
	struct row *r = arg;
	size_t i;

	list_unlink(&r->le);
	for (i = 0; r->cell && i < r->ncols; i++)
		mem_deref(r->cell[i]);
	mem_deref(r->cell);
}

static void table_destructor(void *arg)
{
	struct ctl_table *t = arg;

	list_flush(&t->rows);
	mem_deref(t->width);
}

/* Characters on screen: UTF-8 continuation bytes take no column. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			++n;
	}
	return n;
}

int ctl_table_alloc(struct ctl_table **tp, size_t ncols,
		    const char *const *headers)
{
	struct ctl_table *t;
	int err;

	if (!tp || !ncols || !headers)
		return EINVAL;
	t = mem_zalloc(sizeof(*t), table_destructor);
	if (!t)
		return ENOMEM;
	t->ncols = ncols;
	t->width = mem_zalloc(ncols * sizeof(*t->width), NULL);
	if (!t->width) {
		mem_deref(t);
		return ENOMEM;
	}
	err = ctl_table_add(t, headers);
	if (err) {
		mem_deref(t);
		return err;
	}
	*tp = t;
	return 0;
}

int ctl_table_add(struct ctl_table *t, const char *const *cells)
{
	struct row *r;
	size_t i;

	if (!t || !cells)
		return EINVAL;
	r = mem_zalloc(sizeof(*r), row_destructor);
	if (!r)
		return ENOMEM;
	r->cell = mem_zalloc(t->ncols * sizeof(*r->cell), NULL);
	if (!r->cell) {
		mem_deref(r);
		return ENOMEM;
	}
	r->ncols = t->ncols;
	for (i = 0; i < t->ncols; i++) {
		const char *c = cells[i] && *cells[i] ? cells[i] : "-";
		size_t w;

		if (str_dup(&r->cell[i], c)) {
			mem_deref(r);
			return ENOMEM;
		}
		/* a cell is one line */
		for (char *p = r->cell[i]; *p; p++) {
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		}
		w = text_width(r->cell[i]);
		if (w > t->width[i])
			t->width[i] = w;
	}
	list_append(&t->rows, &r->le, r);
	return 0;
}

void ctl_table_print(FILE *fp, const struct ctl_table *t)
{
	struct le *le;

	if (!fp || !t)
		return;
	for (le = list_head(&t->rows); le; le = le->next) {
		const struct row *r = le->data;
		size_t i;

		for (i = 0; i < t->ncols; i++) {
			size_t pad = t->width[i] - text_width(r->cell[i]);

			fputs(r->cell[i], fp);
			if (i + 1 == t->ncols)
				break;
			fprintf(fp, "%*s", (int)(pad + 2), "");
		}
		fputc('\n', fp);
	}
}
