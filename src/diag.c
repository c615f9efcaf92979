/* diag.c: collected load errors, formatted the same way everywhere. */
#include "diag.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>

void
diags_add(struct diags *d, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	struct diag *e;

	grow(&d->v, d->n, &d->cap, sizeof(*d->v));
	e = &d->v[d->n++];
	e->file = xstrdup(file);
	e->line = line;
	e->col = col;
	va_start(ap, fmt);
	e->msg = xvasprintf(fmt, ap);
	va_end(ap);
}

static char *
format_one(const struct diag *e)
{
	if (e->line <= 0)
		return xasprintf("%s: %s", e->file, e->msg);
	return xasprintf("%s:%d:%d: %s", e->file, e->line, e->col, e->msg);
}

void
diags_print(const struct diags *d, FILE *f)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = format_one(&d->v[i]);
		fprintf(f, "%s\n", s);
		free(s);
	}
}

char *
diags_first(const struct diags *d)
{
	return d->n ? format_one(&d->v[0]) : NULL;
}

void
diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}
