/*
 * layout.h: fitting a reply's text to the reader's terminal.  A client on a
 * terminal sends its width (--width); the tables then drop or shorten their
 * least important columns (table.h), the other lines are wrapped, and one
 * line at the end says what was left out.  Without a width nothing changes:
 * output into a pipe is the full text, the same as it always was.
 */
#ifndef HP_LAYOUT_H
#define HP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "textbuf.h"

/* The hidden columns' headers the hint names; more are counted, not named. */
#define LAYOUT_NAMES	160

/* How one reply's text is laid out, and what fitting it cost. */
struct layout {
	bool	 color;		/* ANSI SGR colour for a terminal */
	int	 width;		/* the terminal's columns; 0: no limit, everything in full */
	bool	 verbatim;	/* set by a renderer whose text must not be rewrapped (a feed) */
	/* Filled in by the tables as they are fitted, for layout_finish's hint. */
	int	 hidden;	/* distinct columns left out */
	int	 cut;		/* distinct columns shortened with "…" */
	char	 names[LAYOUT_NAMES];	/* the hidden headers, ", " apart */
	char	 cut_names[LAYOUT_NAMES];
};

/* The text a line shows: characters, not bytes, and not ANSI SGR sequences. */
size_t layout_width(const char *s, size_t len);

/* The bytes of s (len) that show its first n characters, SGR sequences on the way included. */
size_t layout_bytes(const char *s, size_t len, size_t n);

/* Note a column a table left out (hidden) or cut, once per header across the reply. */
void layout_note(struct layout *lo, const char *header, bool hidden);

/*
 * The one line that says what was left out to fit lo->width, allocated
 * ("hidden: KB, BUILD; shortened: NAME; --full shows all", or "2 columns
 * hidden, 1 shortened; --full shows all" when the names do not fit); NULL
 * when nothing was.
 */
char *layout_hint(const struct layout *lo);

/*
 * text fitted to lo->width: the hint appended, then every line still wider
 * than the width wrapped at spaces (a word longer than the room is broken),
 * each continuation two columns further in than the line's own indent.
 * Takes text (freed) and returns the result; with no width, or verbatim
 * text, text itself.
 */
char *layout_finish(char *text, const struct layout *lo);

#endif
