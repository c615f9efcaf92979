/* util.c: allocation wrappers; out of memory is fatal, not an error path. */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
oom(void)
{
	fputs("hotpatchd: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > (size_t)-1 / size)
		oom();
	n *= size;
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *d = strdup(s);
	if (d == NULL)
		oom();
	return d;
}

char *
xstrdup_null(const char *s)
{
	return s == NULL ? NULL : xstrdup(s);
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void
grow(void *arrp, size_t n, size_t *cap, size_t size)
{
	void **arr = arrp;

	if (n < *cap)
		return;
	*cap = *cap ? *cap * 2 : 8;
	*arr = xreallocarray(*arr, *cap, size);
}
