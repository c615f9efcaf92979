/* util.c: allocation wrappers; out of memory is fatal, not an error path. */
#include "util.h"
#include "fingerprint.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/mman.h>
#include <sys/resource.h>

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

#define HUGE_PAGE	((size_t)2 << 20)

void *
malloc_huge(size_t n)
{
	void *p;

	if (n < 4 * HUGE_PAGE)
		return malloc(n);
	if (posix_memalign(&p, HUGE_PAGE, n) != 0)
		return NULL;
	(void)madvise(p, n & ~(HUGE_PAGE - 1), MADV_HUGEPAGE);
	return p;
}

int
fd_limit_raise(unsigned long long *cur)
{
	struct rlimit rl;
	int rc = 0;

	*cur = 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t was = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			rl.rlim_cur = was;
			rc = -1;
		}
	}
	*cur = rl.rlim_cur;
	return rc;
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

/* Length of the UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, min = 0x80, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, min = 0x800, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, min = 0x10000, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t l;

	for (size_t i = 0; i < n; i += l)
		if ((l = utf8_len(p + i, n - i)) == 0)
			return false;
	return true;
}

struct strslot {
	const char	*key;	/* NULL: empty */
	size_t		 pos;
};

uint64_t
hash64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The slot holding key, or the empty one where it would go. */
static struct strslot *
strindex_slot(const struct strindex *x, const char *key)
{
	/* fp_hash takes 8 bytes a step, FNV-1a one: a million keys of 50 bytes add up */
	size_t i = (size_t)fp_hash(key, strlen(key)) & (x->cap - 1);

	while (x->slot[i].key != NULL && strcmp(x->slot[i].key, key) != 0)
		i = (i + 1) & (x->cap - 1);
	return &x->slot[i];
}

void
strindex_put(struct strindex *x, const char *key, size_t pos)
{
	struct strslot *s;

	if (2 * (x->n + 1) > x->cap) {
		struct strindex bigger = { .cap = x->cap ? 2 * x->cap : 16 };

		bigger.slot = xcalloc(bigger.cap, sizeof(*bigger.slot));
		for (size_t i = 0; i < x->cap; i++)
			if (x->slot[i].key != NULL)
				*strindex_slot(&bigger, x->slot[i].key) = x->slot[i];
		bigger.n = x->n;
		free(x->slot);
		*x = bigger;
	}
	s = strindex_slot(x, key);
	if (s->key == NULL)
		x->n++;
	s->key = key;
	s->pos = pos;
}

bool
strindex_get(const struct strindex *x, const char *key, size_t *pos)
{
	const struct strslot *s;

	if (x->cap == 0 || (s = strindex_slot(x, key))->key == NULL)
		return false;
	*pos = s->pos;
	return true;
}

void
strindex_free(struct strindex *x)
{
	free(x->slot);
	memset(x, 0, sizeof(*x));
}

char *
utc_format(time_t t, enum utc_form form, char *buf, size_t size)
{
	struct tm tm;
	size_t n = 0;

	if (gmtime_r(&t, &tm) != NULL) {
		switch (form) {
		case UTC_ISO8601:
			n = strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
			break;
		case UTC_DAY:
			n = strftime(buf, size, "%Y-%m-%d", &tm);
			break;
		case UTC_MINUTE:
			n = strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
			break;
		}
	}
	if (n == 0 && size > 0)
		buf[0] = '\0';
	return buf;
}
