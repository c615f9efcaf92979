/*
 * textbuf.h: a growing string for text built piece by piece (pages, feeds,
 * replies).  It keeps its length and room, and the room doubles when it runs
 * out, so building text of n bytes costs O(n) whatever the number of pieces;
 * appending to a plain char * (strappend) copies the whole text each time.
 *
 *	struct textbuf b = { 0 };
 *	textbuf_printf(&b, "<p>%s</p>\n", x);
 *	return b.s;		(malloc'd, free() it; NULL while nothing was added)
 */
#ifndef HP_TEXTBUF_H
#define HP_TEXTBUF_H

#include <stdarg.h>
#include <stddef.h>

struct textbuf {
	char	*s;		/* NUL-terminated once anything is added */
	size_t	 len, cap;
};

/* A buffer that takes over s (allocated; NULL: empty) to append to. */
struct textbuf textbuf_of(char *s);
/* Room for n more bytes at once: a text whose size is known roughly is not grown by doubling. */
void textbuf_reserve(struct textbuf *b, size_t n);
/* n bytes of p (no NUL needed). */
void textbuf_add(struct textbuf *b, const char *p, size_t n);
/* n spaces. */
void textbuf_pad(struct textbuf *b, size_t n);
/* The formatted text, written straight into the buffer. */
void textbuf_printf(struct textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void textbuf_vprintf(struct textbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
