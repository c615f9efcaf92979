/* table.c: column alignment that counts UTF-8 characters, not bytes. */
#include "table.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Which cells get which SGR colour: by column header (NULL: any column) and
 * the cell's text without its markers (* unplanned, ~ planned, ! override).
 * Yellow: a restart; green: none needed; red: the install window misses.
 */
static const struct {
	const char	*column;
	const char	*value;
	const char	*sgr;
} paint[] = {
	{ NULL, "baseline", "33" },
	{ NULL, "lcu", "33" },
	{ NULL, "hotpatch", "32" },
	{ "RESTART", "yes", "33" },
	{ "STATUS", "late", "31" },
	{ "STATUS", "none", "1;31" },
};

struct table {
	int	 ncols;
	char	**cell;		/* row-major */
	size_t	 nrows, cap;
};

struct table *
table_new(int ncols)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	return t;
}

void
table_row_v(struct table *t, const char *const *cells)
{
	if ((t->nrows + 1) * (size_t)t->ncols > t->cap) {
		t->cap = t->cap ? t->cap * 2 : (size_t)t->ncols * 16;
		t->cell = xreallocarray(t->cell, t->cap, sizeof(*t->cell));
	}
	for (int i = 0; i < t->ncols; i++)
		t->cell[t->nrows * (size_t)t->ncols + (size_t)i] = xstrdup(cells[i] ? cells[i] : "-");
	t->nrows++;
}

void
table_row(struct table *t, ...)
{
	const char *cells[32];
	va_list ap;

	va_start(ap, t);
	for (int i = 0; i < t->ncols && i < 32; i++)
		cells[i] = va_arg(ap, const char *);
	va_end(ap);
	table_row_v(t, cells);
}

/* Characters in a UTF-8 string: count the bytes that do not continue one. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The SGR colour of a cell under header, or NULL. */
static const char *
cell_color(const char *header, const char *v)
{
	size_t len = strcspn(v, "*~!");

	if (v[len + strspn(v + len, "*~!")] != '\0')
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(paint); i++)
		if ((paint[i].column == NULL || strcmp(paint[i].column, header) == 0) &&
		    strlen(paint[i].value) == len && strncmp(paint[i].value, v, len) == 0)
			return paint[i].sgr;
	return NULL;
}

char *
table_render(const struct table *t, bool color)
{
	size_t *w = xcalloc((size_t)t->ncols, sizeof(*w)), total = 0;
	char *out, *p;
	const char *sgr;

	for (size_t r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			const char *v = t->cell[r * (size_t)t->ncols + (size_t)c];
			size_t cw = width(v);
			if (cw > w[c])
				w[c] = cw;
			total += strlen(v) + 2;
		}
	}
	for (int c = 0; c < t->ncols; c++)
		total += w[c] * t->nrows;
	if (color)
		total += t->nrows * (size_t)t->ncols * sizeof("\033[1;31m\033[0m");
	out = p = xmalloc(total + t->nrows + 1);
	for (size_t r = 0; r < t->nrows; r++) {
		char *line = p;
		for (int c = 0; c < t->ncols; c++) {
			const char *v = t->cell[r * (size_t)t->ncols + (size_t)c];

			if (color && r > 0 && (sgr = cell_color(t->cell[c], v)) != NULL)
				p += sprintf(p, "\033[%sm%s\033[0m", sgr, v);
			else
				p = stpcpy(p, v);
			if (c + 1 < t->ncols)
				for (size_t pad = width(v); pad < w[c] + 2; pad++)
					*p++ = ' ';
		}
		while (p > line && p[-1] == ' ')
			p--;
		*p++ = '\n';
	}
	*p = '\0';
	free(w);
	return out;
}

void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cell[i]);
	free(t->cell);
	free(t);
}

void
strappend(char **s, const char *fmt, ...)
{
	va_list ap;
	char *add, *old = *s;

	va_start(ap, fmt);
	add = xvasprintf(fmt, ap);
	va_end(ap);
	if (old == NULL) {
		*s = add;
		return;
	}
	*s = xasprintf("%s%s", old, add);
	free(old);
	free(add);
}
