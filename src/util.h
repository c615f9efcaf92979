/* util.h: allocation that cannot fail silently, and small string helpers. */
#ifndef HP_UTIL_H
#define HP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* malloc/calloc/realloc/strdup that abort with a message on exhaustion. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
/*
 * n bytes for a large block written once (a 49 MB page, a 277 MB reply),
 * or NULL: from 8 MiB, aligned and advised as transparent huge pages.
 * On 4 KiB pages the kernel takes a fault per page as the block is first
 * written, which costs a virtual machine dearly; on huge pages one per
 * 2 MiB.  Only advice: where they are off it is the usual allocation,
 * and free() releases it either way.
 */
void *malloc_huge(size_t n);
/*
 * Raise the soft limit of open descriptors to the hard one; the limit now
 * in *cur (0 if it cannot be read).  -1 with errno if it could not be
 * raised (*cur is then the limit as it was).
 */
int fd_limit_raise(unsigned long long *cur);
/* xstrdup that passes NULL through. */
char *xstrdup_null(const char *s);
/* Formatted allocation; never returns NULL. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Grow *arr (of elements of size) so it can hold n+1 elements; *cap tracks capacity. */
void grow(void *arrp, size_t n, size_t *cap, size_t size);

/* Length of the UTF-8 sequence at s (at most n bytes), or 0 if it is invalid. */
size_t utf8_len(const unsigned char *s, size_t n);
/* True if the n bytes at s are valid UTF-8. */
bool utf8_valid(const char *s, size_t n);

/* FNV-1a, 64 bits: event fingerprints, HTTP ETags, index keys. */
uint64_t hash64(const void *data, size_t len);

/*
 * An index from string keys to positions (open addressing, grows at half
 * full).  Keys are not copied: each must outlive its entry and not change.
 */
struct strindex {
	struct strslot	*slot;
	size_t		 cap;	/* a power of two, or 0 */
	size_t		 n;
};

/* Map key to pos, replacing an earlier entry for the same key. */
void strindex_put(struct strindex *x, const char *key, size_t pos);
/* The position of key, or false. */
bool strindex_get(const struct strindex *x, const char *key, size_t *pos);
void strindex_free(struct strindex *x);

/* How utc_format() writes an instant. */
enum utc_form {
	UTC_ISO8601,		/* 2026-11-10T18:00:00Z */
	UTC_DAY,		/* 2026-11-10 */
	UTC_MINUTE,		/* 2026-11-10 18:00 UTC */
};

/* The instant t in UTC as form says, in buf (size bytes; "" if it does not fit); returns buf. */
char *utc_format(time_t t, enum utc_form form, char *buf, size_t size);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
