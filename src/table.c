/*
 * table.c: column alignment that counts UTF-8 characters, not bytes, and
 * the fitting of a table to a terminal's width.
 */
#include "table.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Which cells get which SGR colour: by column header (NULL: any column) and
 * the cell's text without its markers (* unplanned, ~ planned, ! override).
 * Yellow: a restart; green: none needed; red: the install window misses.
 */
static const struct {
	const char	*column;
	const char	*value;
	const char	*sgr;
} paint[] = {
	{ NULL, "baseline", "33" },
	{ NULL, "lcu", "33" },
	{ NULL, "hotpatch", "32" },
	{ "RESTART", "yes", "33" },
	{ "STATUS", "late", "31" },
	{ "STATUS", "none", "1;31" },
};

struct table {
	int		 ncols;
	struct table_col *col;
	char		**cell;		/* row-major */
	size_t		 nrows, cap;
};

struct table *
table_new(int ncols)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	t->col = xcalloc((size_t)ncols, sizeof(*t->col));
	return t;
}

struct table *
table_new_cols(const struct table_col *cols, int ncols)
{
	struct table *t = table_new(ncols);
	const char **heads = xcalloc((size_t)ncols, sizeof(*heads));

	memcpy(t->col, cols, (size_t)ncols * sizeof(*cols));
	for (int c = 0; c < ncols; c++)
		heads[c] = cols[c].head;
	if (cols[0].head != NULL)
		table_row_v(t, heads);
	free(heads);
	return t;
}

void
table_row_v(struct table *t, const char *const *cells)
{
	if ((t->nrows + 1) * (size_t)t->ncols > t->cap) {
		t->cap = t->cap ? t->cap * 2 : (size_t)t->ncols * 16;
		t->cell = xreallocarray(t->cell, t->cap, sizeof(*t->cell));
	}
	for (int i = 0; i < t->ncols; i++)
		t->cell[t->nrows * (size_t)t->ncols + (size_t)i] = xstrdup(cells[i] ? cells[i] : "-");
	t->nrows++;
}

void
table_row(struct table *t, ...)
{
	const char *cells[32];
	va_list ap;

	va_start(ap, t);
	for (int i = 0; i < t->ncols && i < 32; i++)
		cells[i] = va_arg(ap, const char *);
	va_end(ap);
	table_row_v(t, cells);
}

/* Characters in a UTF-8 string: count the bytes that do not continue one. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The SGR colour of a cell under header, or NULL. */
static const char *
cell_color(const char *header, const char *v)
{
	size_t len = strcspn(v, "*~!");

	if (v[len + strspn(v + len, "*~!")] != '\0')
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(paint); i++)
		if ((paint[i].column == NULL || strcmp(paint[i].column, header) == 0) &&
		    strlen(paint[i].value) == len && strncmp(paint[i].value, v, len) == 0)
			return paint[i].sgr;
	return NULL;
}

static const char *
cell(const struct table *t, size_t r, int c)
{
	return t->cell[r * (size_t)t->ncols + (size_t)c];
}

/* ---- fitting: which columns show, how wide ---- */

static size_t
gap(const struct table *t, int c)
{
	return t->col[c].gap > 0 ? (size_t)t->col[c].gap : 2;
}

/* The width of a line of the shown columns at widths w. */
static size_t
line_width(const struct table *t, const bool *shown, const size_t *w)
{
	size_t n = 0;
	bool first = true;

	for (int c = 0; c < t->ncols; c++) {
		if (!shown[c])
			continue;
		n += (first ? 0 : gap(t, c)) + w[c];
		first = false;
	}
	return n;
}

/* How many characters column c, nat wide, may give up. */
static size_t
give(const struct table *t, int c, size_t nat)
{
	size_t min = t->col[c].min > 0 ? (size_t)t->col[c].min : 1;

	return t->col[c].fit != TF_KEEP && nat > min ? nat - min : 0;
}

/* Narrow the shown columns that may by need in all: the highest drop first, then the rightmost. */
static void
narrow(const struct table *t, const bool *shown, size_t *w, size_t need)
{
	int top = 0;

	for (int c = 0; c < t->ncols; c++)
		top = t->col[c].drop > top ? t->col[c].drop : top;
	for (int d = top; d >= 0 && need > 0; d--) {
		for (int c = t->ncols - 1; c >= 0 && need > 0; c--) {
			size_t take = shown[c] && t->col[c].drop == d ? give(t, c, w[c]) : 0;

			take = take < need ? take : need;
			w[c] -= take;
			need -= take;
		}
	}
}

/* The shown column to leave out next: the highest drop, the rightmost of equals; -1 if none. */
static int
least_important(const struct table *t, const bool *shown)
{
	int best = -1;

	for (int c = 0; c < t->ncols; c++)
		if (shown[c] && t->col[c].drop > 0 &&
		    (best < 0 || t->col[c].drop >= t->col[best].drop))
			best = c;
	return best;
}

/*
 * Fit the columns of natural widths nat into width: narrowing comes before
 * leaving out, since a shortened column still says something.
 */
static void
fit(const struct table *t, const size_t *nat, bool *shown, size_t *w, size_t width)
{
	for (;;) {
		size_t total = line_width(t, shown, nat), slack = 0;
		int out;

		memcpy(w, nat, (size_t)t->ncols * sizeof(*w));
		if (total <= width)
			return;
		for (int c = 0; c < t->ncols; c++)
			slack += shown[c] ? give(t, c, nat[c]) : 0;
		if (slack >= total - width || (out = least_important(t, shown)) < 0) {
			narrow(t, shown, w, total - width);
			return;
		}
		shown[out] = false;
	}
}

/* ---- the text ---- */

/* One line of a cell: its bytes from off, len of them. */
struct piece {
	size_t	 off, len;
	bool	 cut;		/* "…" follows */
};

/*
 * Cell v in a column w wide as the lines it takes (at most max): the whole
 * of it; else wrapped at spaces (TF_WRAP), a word wider than w broken; else
 * cut to w characters, the last one "…".  Returns how many lines.
 */
static size_t
pieces(const char *v, size_t w, enum table_fit how, struct piece *p, size_t max)
{
	size_t len = strlen(v), n = 0, off = 0;

	if (width(v) <= w || w == 0) {
		p[0] = (struct piece){ 0, len, false };
		return 1;
	}
	if (how != TF_WRAP) {
		p[0] = (struct piece){ 0, layout_bytes(v, len, w - 1), true };
		return 1;
	}
	while (off < len && n < max) {
		size_t take = layout_bytes(v + off, len - off, w), brk = take;

		/* Break at the last space that keeps the line within w, if there is one. */
		if (off + take < len && v[off + take] != ' ') {
			while (brk > 0 && v[off + brk - 1] != ' ')
				brk--;
			take = brk > 0 ? brk : take;
		}
		p[n++] = (struct piece){ off, take, false };
		off += take;
		while (off < len && v[off] == ' ')
			off++;
	}
	for (size_t i = 0; i < n; i++)
		while (p[i].len > 0 && v[p[i].off + p[i].len - 1] == ' ')
			p[i].len--;
	return n;
}

/* End a line: no trailing blanks; cut at width (0: none) with "…" if it is still wider. */
static void
end_line(struct textbuf *b, size_t start, size_t width)
{
	const char *line = b->s + start;
	size_t len = b->len - start;

	while (len > 0 && line[len - 1] == ' ')
		len--;
	if (width > 0 && layout_width(line, len) > width) {
		bool sgr = memchr(line, '\033', len) != NULL;

		len = layout_bytes(line, len, width - 1);
		b->len = start + len;
		textbuf_add(b, "…", strlen("…"));
		if (sgr)
			textbuf_add(b, "\033[0m", 4);
		len = b->len - start;
	}
	b->len = start + len;
	textbuf_add(b, "\n", 1);
}

/* Row r as its lines, with the shown columns at widths w. */
static void
render_row(const struct table *t, size_t r, const bool *shown, const size_t *w,
    const struct layout *lo, struct textbuf *b, struct piece *pc, size_t maxp)
{
	size_t nl = 1, *np = xcalloc((size_t)t->ncols, sizeof(*np));

	for (int c = 0; c < t->ncols; c++) {
		if (!shown[c])
			continue;
		np[c] = pieces(cell(t, r, c), w[c], t->col[c].fit, pc + (size_t)c * maxp, maxp);
		nl = np[c] > nl ? np[c] : nl;
	}
	for (size_t k = 0; k < nl; k++) {
		size_t start = b->len, pad = 0;

		for (int c = 0; c < t->ncols; c++) {
			const char *v = cell(t, r, c), *sgr;
			const struct piece *p = &pc[(size_t)c * maxp + k];
			size_t cw = 0;

			if (!shown[c])
				continue;
			textbuf_pad(b, pad);
			sgr = lo->color && r > 0 && k < np[c] ? cell_color(cell(t, 0, c), v) : NULL;
			if (sgr != NULL) {
				textbuf_add(b, "\033[", 2);
				textbuf_add(b, sgr, strlen(sgr));
				textbuf_add(b, "m", 1);
			}
			if (k < np[c]) {
				textbuf_add(b, v + p->off, p->len);
				cw = layout_width(v + p->off, p->len) + p->cut;
				if (p->cut)
					textbuf_add(b, "…", strlen("…"));
			}
			if (sgr != NULL)
				textbuf_add(b, "\033[0m", 4);
			pad = w[c] - (cw < w[c] ? cw : w[c]);
			for (int n = c + 1; n < t->ncols; n++)
				if (shown[n]) {
					pad += gap(t, n);
					break;
				}
		}
		end_line(b, start, (size_t)(lo->width > 0 ? lo->width : 0));
	}
	free(np);
}

char *
table_layout(const struct table *t, struct layout *lo)
{
	size_t *nat = xcalloc((size_t)t->ncols, sizeof(*nat));
	size_t *w = xcalloc((size_t)t->ncols, sizeof(*w)), maxp = 1;
	bool *shown = xcalloc((size_t)t->ncols, sizeof(*shown));
	struct textbuf b = { 0 };
	struct piece *pc;

	for (int c = 0; c < t->ncols; c++) {
		shown[c] = true;
		for (size_t r = 0; r < t->nrows; r++) {
			size_t cw = width(cell(t, r, c));

			nat[c] = cw > nat[c] ? cw : nat[c];
			maxp = cw > maxp ? cw : maxp;
		}
	}
	memcpy(w, nat, (size_t)t->ncols * sizeof(*w));
	if (lo->width > 0)
		fit(t, nat, shown, w, (size_t)lo->width);
	for (int c = 0; c < t->ncols && t->nrows > 0; c++)
		if (!shown[c] || (t->col[c].fit == TF_CUT && w[c] < nat[c]))
			layout_note(lo, t->col[c].head != NULL ? t->col[c].head : cell(t, 0, c),
			    !shown[c]);
	pc = xcalloc((size_t)t->ncols * maxp, sizeof(*pc));
	textbuf_add(&b, "", 0);
	for (size_t r = 0; r < t->nrows; r++)
		render_row(t, r, shown, w, lo, &b, pc, maxp);
	free(pc);
	free(nat);
	free(w);
	free(shown);
	return b.s;
}

char *
table_render(const struct table *t, bool color)
{
	struct layout lo = { .color = color };

	return table_layout(t, &lo);
}

void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cell[i]);
	free(t->cell);
	free(t->col);
	free(t);
}

void
strappend(char **s, const char *fmt, ...)
{
	va_list ap;
	char *add, *old = *s;

	va_start(ap, fmt);
	add = xvasprintf(fmt, ap);
	va_end(ap);
	if (old == NULL) {
		*s = add;
		return;
	}
	*s = xasprintf("%s%s", old, add);
	free(old);
	free(add);
}
