/* layout.c: a reply's text fitted to a terminal's width, and the hint of what was left out. */
#include "layout.h"
#include "table.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bytes of an ANSI SGR sequence "ESC [ digits ; m" at s, or 0 if there is none. */
static size_t
sgr_len(const char *s, size_t len)
{
	size_t n = 2;

	if (len < 3 || s[0] != '\033' || s[1] != '[')
		return 0;
	while (n < len && ((s[n] >= '0' && s[n] <= '9') || s[n] == ';'))
		n++;
	return n < len && s[n] == 'm' ? n + 1 : 0;
}

size_t
layout_width(const char *s, size_t len)
{
	size_t n = 0, esc;

	for (size_t i = 0; i < len; i++) {
		if ((esc = sgr_len(s + i, len - i)) > 0) {
			i += esc - 1;
			continue;
		}
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	}
	return n;
}

size_t
layout_bytes(const char *s, size_t len, size_t n)
{
	size_t i = 0, esc;

	while (i < len) {
		if ((esc = sgr_len(s + i, len - i)) > 0) {
			i += esc;
			continue;
		}
		if (n == 0)
			break;
		n--;
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
	}
	return i;
}

/* A new line, then indent spaces. */
static void
buf_break(struct textbuf *b, size_t indent)
{
	textbuf_add(b, "\n", 1);
	textbuf_pad(b, indent);
}

/* Is name one of the ", "-separated names in list? */
static bool
listed(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; p != NULL; p = strstr(p, ", ") ? strstr(p, ", ") + 2 : NULL)
		if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

void
layout_note(struct layout *lo, const char *header, bool hidden)
{
	char *list = hidden ? lo->names : lo->cut_names;
	size_t used = strlen(list);

	if (*header == '\0' || listed(list, header))
		return;
	*(hidden ? &lo->hidden : &lo->cut) += 1;
	/* A name that does not fit is counted only. */
	if (used + strlen(header) + 3 < LAYOUT_NAMES)
		snprintf(list + used, LAYOUT_NAMES - used, "%s%s", used > 0 ? ", " : "", header);
}

/*
 * "hidden: KB, BUILD; shortened: NAME" with names, else "2 columns hidden,
 * 1 shortened".
 */
static char *
hint_counts(const struct layout *lo, bool names)
{
	struct textbuf s = { 0 };

	if (names && lo->hidden > 0)
		textbuf_printf(&s, "hidden: %s", lo->names);
	else if (lo->hidden > 0)
		textbuf_printf(&s, "%d column%s hidden", lo->hidden, lo->hidden == 1 ? "" : "s");
	if (names && lo->cut > 0)
		textbuf_printf(&s, "%sshortened: %s", s.s != NULL ? "; " : "", lo->cut_names);
	else if (lo->cut > 0)
		textbuf_printf(&s, "%s%d %s", s.s != NULL ? ", " : "", lo->cut,
		    s.s != NULL ? "shortened" : lo->cut == 1 ? "column shortened" : "columns shortened");
	return s.s;
}

/* How many names a list holds. */
static int
names_in(const char *list)
{
	int n = *list != '\0';

	for (const char *p = list; (p = strstr(p, ", ")) != NULL; p += 2)
		n++;
	return n;
}

char *
layout_hint(const struct layout *lo)
{
	static const char tail[] = "; --full shows all";
	struct textbuf s;

	if (lo->hidden == 0 && lo->cut == 0)
		return NULL;
	/* One line: the names when all of them fit, else the counts alone. */
	s = textbuf_of(hint_counts(lo, true));
	if (names_in(lo->names) != lo->hidden || names_in(lo->cut_names) != lo->cut ||
	    (lo->width > 0 && layout_width(s.s, s.len) + strlen(tail) > (size_t)lo->width)) {
		free(s.s);
		s = textbuf_of(hint_counts(lo, false));
	}
	textbuf_add(&s, tail, strlen(tail));
	return s.s;
}

/* Append line (len bytes) to b wrapped at width, continuations at its indent plus two. */
static void
wrap_line(struct textbuf *b, const char *line, size_t len, size_t width)
{
	size_t lead = strspn(line, " "), indent, col, i;

	if (lead > len)
		lead = len;
	indent = lead + 2 <= width / 2 ? lead + 2 : width / 2;
	textbuf_add(b, line, lead);
	col = lead;
	for (i = lead; i < len;) {
		size_t w = strcspn(line + i, " "), wl, room;

		if (w > len - i)
			w = len - i;
		wl = layout_width(line + i, w);
		if (col > indent && col + 1 + wl > width) {
			buf_break(b, indent);
			col = indent;
		} else if (col > lead) {
			textbuf_add(b, " ", 1);
			col++;
		}
		/* A word wider than the room is broken where the line ends. */
		while (col + wl > width && width > col) {
			room = layout_bytes(line + i, w, width - col);
			textbuf_add(b, line + i, room);
			buf_break(b, indent);
			i += room;
			w -= room;
			wl = layout_width(line + i, w);
			col = indent;
		}
		textbuf_add(b, line + i, w);
		col += wl;
		for (i += w; i < len && line[i] == ' '; i++)
			;
	}
	textbuf_add(b, "\n", 1);
}

char *
layout_finish(char *text, const struct layout *lo)
{
	struct textbuf b = { 0 };
	char *hint;
	const char *p, *nl;

	if (lo->width <= 0 || lo->verbatim)
		return text;
	if ((hint = layout_hint(lo)) != NULL) {
		struct textbuf t = textbuf_of(text);

		textbuf_printf(&t, "%s\n", hint);
		text = t.s;
		free(hint);
	}
	textbuf_add(&b, "", 0);
	for (p = text; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		size_t len;

		nl = p + strcspn(p, "\n");
		len = (size_t)(nl - p);
		if (layout_width(p, len) <= (size_t)lo->width)
			textbuf_add(&b, p, len + (*nl != '\0'));
		else
			wrap_line(&b, p, len, (size_t)lo->width);
	}
	free(text);
	return b.s;
}
