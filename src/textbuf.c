/* textbuf.c: a string that grows by doubling, so text of n bytes is built in O(n). */
#include "textbuf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and the NUL: at least double, so each byte is moved O(1) times. */
static void
reserve(struct textbuf *b, size_t n)
{
	size_t need = b->len + n + 1;

	if (need <= b->cap)
		return;
	b->cap = b->cap * 2 > need ? b->cap * 2 : need < 64 ? 64 : need;
	b->s = xreallocarray(b->s, b->cap, 1);
}

void
textbuf_reserve(struct textbuf *b, size_t n)
{
	size_t need = b->len + n + 1;

	if (need <= b->cap)
		return;
	/* A large text reserved at once is written once: on huge pages, few faults. */
	if (b->s != NULL)
		b->s = xreallocarray(b->s, need, 1);
	else if ((b->s = malloc_huge(need)) == NULL)
		b->s = xmalloc(need);
	b->cap = need;
	b->s[b->len] = '\0';	/* a string even if nothing is added */
}

struct textbuf
textbuf_of(char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return (struct textbuf){ s, n, s != NULL ? n + 1 : 0 };
}

void
textbuf_add(struct textbuf *b, const char *p, size_t n)
{
	reserve(b, n);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
textbuf_pad(struct textbuf *b, size_t n)
{
	reserve(b, n);
	memset(b->s + b->len, ' ', n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
textbuf_vprintf(struct textbuf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	/* Format into the room there is; when it is short, make room and format again. */
	va_copy(again, ap);
	reserve(b, 0);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	if (n < 0) {
		/* as xvasprintf: only exhaustion or a bad format, both fatal */
		fputs("hotpatchd: out of memory\n", stderr);
		abort();
	}
	if ((size_t)n >= b->cap - b->len) {
		reserve(b, (size_t)n);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, again);
	}
	va_end(again);
	b->len += (size_t)n;
}

void
textbuf_printf(struct textbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	textbuf_vprintf(b, fmt, ap);
	va_end(ap);
}
