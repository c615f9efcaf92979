/* table.h: text tables with aligned columns, for human-readable replies. */
#ifndef HP_TABLE_H
#define HP_TABLE_H

#include <stdbool.h>
#include <stddef.h>

struct table;

/* A table with ncols columns; the first row added is the header. */
struct table *table_new(int ncols);
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
void table_free(struct table *t);

/* Append formatted text to an allocated string (*s may be NULL). */
void strappend(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
