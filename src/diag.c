/* diag.c: collected load errors, formatted the same way everywhere. */
#include "diag.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void
append(struct diags *d, const char *file, int line, int col, char *msg)
{
	struct diag *e;

	grow(&d->v, d->n, &d->cap, sizeof(*d->v));
	e = &d->v[d->n++];
	e->file = xstrdup(file);
	e->line = line;
	e->col = col;
	e->msg = msg;
}

/* Cut msg to DIAG_MSG_MAX bytes at a character boundary, marking the cut. */
static char *
shorten(char *msg)
{
	size_t len = strlen(msg), cut = DIAG_MSG_MAX - 3;

	if (len <= DIAG_MSG_MAX)
		return msg;
	while (cut > 0 && ((unsigned char)msg[cut] & 0xc0) == 0x80)
		cut--;
	memcpy(msg + cut, "...", 4);
	return msg;
}

void
diags_add(struct diags *d, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (d->n >= DIAGS_MAX) {
		if (d->dropped++ == 0)
			append(d, file, 0, 0, xasprintf("too many errors: stopped after the "
			    "first %d; fix these and check again", DIAGS_MAX));
		return;
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	append(d, file, line, col, shorten(msg));
}

size_t
diags_count(const struct diags *d)
{
	return (d->n < DIAGS_MAX ? d->n : DIAGS_MAX) + d->dropped;
}

bool
diags_full(const struct diags *d)
{
	return d->dropped > 0;
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
	d->n = d->cap = d->dropped = 0;
}
