/* table.h: text tables with aligned columns, for human-readable replies. */
#ifndef HP_TABLE_H
#define HP_TABLE_H

#include "layout.h"

#include <stdbool.h>
#include <stddef.h>

struct table;

/* How a column gives way when its table must fit a narrow terminal. */
enum table_fit {
	TF_KEEP,	/* never narrower than its widest cell */
	TF_CUT,		/* cells cut to fit, down to min characters, "…" where cut */
	TF_WRAP,	/* cells wrapped at spaces onto more lines, down to min characters */
};

/*
 * A column as the table that defines it gives it: its header and how it
 * gives way.  To fit a width, columns are first narrowed (TF_CUT, TF_WRAP,
 * the least important first) if that is enough; else the shown column with
 * the highest drop (the rightmost of equals) is left out and the fit
 * starts again.  drop 0: never left out.
 */
struct table_col {
	const char	*head;
	int		 drop;
	enum table_fit	 fit;
	int		 min;
	int		 gap;		/* spaces before it (not before the first shown); 0: two */
};

/* A table with ncols columns that never give way; the first row added is the header. */
struct table *table_new(int ncols);
/*
 * A table of the columns cols (copied), their heads already its header row;
 * with a NULL first head, a table without one (the rows say what they are).
 */
struct table *table_new_cols(const struct table_col *cols, int ncols);
/* Add a row of ncols cells (NULL prints as "-"); the table copies them. */
void table_row(struct table *t, ...);
/* Add a row from an array of ncols cells. */
void table_row_v(struct table *t, const char *const *cells);
/*
 * The table as text: columns two spaces apart, widths in characters.  With
 * color, cells that call for attention (kinds, restart yes, late/none
 * status) get ANSI SGR colour; the header row never does.
 */
char *table_render(const struct table *t, bool color);
/*
 * The table as text fitted to lo->width (0: in full, as table_render): each
 * column left out or cut is noted in lo for the hint.  A line that is still
 * too wide (the columns that are never left out need more) is cut at the
 * width, "…" last.
 */
char *table_layout(const struct table *t, struct layout *lo);
void table_free(struct table *t);

/*
 * Append formatted text to an allocated string (*s may be NULL).  It copies
 * the whole string each time: for a few short pieces only.  Text that grows
 * with the data (pages, feeds, replies) is built in a textbuf (textbuf.h).
 */
void strappend(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
