/* util.h: allocation that cannot fail silently, and small string helpers. */
#ifndef HP_UTIL_H
#define HP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* malloc/calloc/realloc/strdup that abort with a message on exhaustion. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
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

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
