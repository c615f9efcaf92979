/*
 * render_fleet.c: the text of hotpatchctl fleet from its JSON (view_fleet):
 * the fleet's months, then each ring's, then why devices take the LCU.
 */
#include "render.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"
#include "windows.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MONTH, one column per install kind, RESTARTS: the columns both tables end with. */
#define KINDS		(INS_LCU + 1)
#define COUNT_COLS	(KINDS + 2)

static long
jlong(const json_t *o, const char *key)
{
	return (long)json_integer_value(json_object_get(o, key));
}

/* The counts of month m (or a total) into cell[0..COUNT_COLS-1], label first. */
static void
count_cells(const json_t *m, const char *label, char cell[COUNT_COLS][24])
{
	const json_t *ins = json_object_get(m, "install");

	snprintf(cell[0], sizeof(cell[0]), "%s", label);
	for (int k = 0; k < KINDS; k++)
		snprintf(cell[k + 1], sizeof(cell[k + 1]), "%ld", jlong(ins, install_kind_name(k)));
	snprintf(cell[KINDS + 1], sizeof(cell[KINDS + 1]), "%ld", jlong(m, "restarts"));
}

/* The header cells: MONTH, the kinds in capitals, RESTARTS. */
static void
header_cells(char cell[COUNT_COLS][24])
{
	snprintf(cell[0], sizeof(cell[0]), "MONTH");
	for (int k = 0; k < KINDS; k++) {
		snprintf(cell[k + 1], sizeof(cell[k + 1]), "%s", install_kind_name(k));
		for (char *p = cell[k + 1]; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
	}
	snprintf(cell[KINDS + 1], sizeof(cell[KINDS + 1]), "RESTARTS");
}

/* A row of lead cells then the count cells. */
static void
add_row(struct table *t, const char *const *lead, int nlead, char cell[COUNT_COLS][24])
{
	const char *row[2 + COUNT_COLS];

	for (int i = 0; i < nlead; i++)
		row[i] = lead[i];
	for (int i = 0; i < COUNT_COLS; i++)
		row[nlead + i] = cell[i];
	table_row_v(t, row);
}

/*
 * The columns of a count table after nlead lead columns (RING, DEVICES):
 * on a narrow terminal DEVICES goes first, then the kinds from the right;
 * the ring, the month and RESTARTS stay.  The header row names them.
 */
static struct table *
count_table(int nlead)
{
	struct table_col cols[2 + COUNT_COLS] = { { NULL, 0, TF_KEEP, 0, 0 } };

	if (nlead == 2)
		cols[1].drop = 3;
	for (int k = 0; k < KINDS; k++)
		cols[nlead + 1 + k].drop = 2;
	return table_new_cols(cols, nlead + COUNT_COLS);
}

/* The fleet's months and their total: one row each. */
static char *
month_table(const json_t *j, struct layout *lo)
{
	struct table *t = count_table(0);
	char cell[COUNT_COLS][24];
	const json_t *m;
	size_t i;
	char *s;

	header_cells(cell);
	add_row(t, NULL, 0, cell);
	json_array_foreach(json_object_get(j, "months"), i, m) {
		count_cells(m, view_text(m, "month"), cell);
		add_row(t, NULL, 0, cell);
	}
	count_cells(json_object_get(j, "total"), "total", cell);
	add_row(t, NULL, 0, cell);
	s = table_layout(t, lo);
	table_free(t);
	return s;
}

/* Every ring with devices, a row per month; the ring and its device count on its first. */
static char *
ring_table(const json_t *rings, struct layout *lo)
{
	struct table *t = count_table(2);
	char cell[COUNT_COLS][24], ndev[24];
	const char *lead[2] = { "RING", "DEVICES" };
	const json_t *g, *m;
	size_t i, k;
	char *s;

	header_cells(cell);
	add_row(t, lead, 2, cell);
	json_array_foreach(rings, i, g) {
		if (jlong(g, "devices") == 0)
			continue;
		snprintf(ndev, sizeof(ndev), "%ld", jlong(g, "devices"));
		json_array_foreach(json_object_get(g, "months"), k, m) {
			lead[0] = k == 0 ? view_text(g, "ring") : "";
			lead[1] = k == 0 ? ndev : "";
			count_cells(m, view_text(m, "month"), cell);
			add_row(t, lead, 2, cell);
		}
	}
	s = table_layout(t, lo);
	table_free(t);
	return s;
}

char *
render_fleet(const json_t *j, struct layout *lo)
{
	const json_t *tot = json_object_get(j, "total"), *rings = json_object_get(j, "rings"), *w;
	long empty = 0;
	struct textbuf s = { 0 };
	char *tab;
	size_t i;

	json_array_foreach(rings, i, w)
		empty += jlong(w, "devices") == 0;
	textbuf_printf(&s, "fleet %s..%s: %ld devices, %ld counted in %zu rings\n  %ld eligible for "
	    "hotpatch, %ld below the latest baseline, %ld of unknown build\n", view_text(j, "from"),
	    view_text(j, "to"), jlong(tot, "devices"), jlong(tot, "counted"),
	    json_array_size(rings) - (size_t)empty, jlong(tot, "eligible"),
	    jlong(tot, "below_baseline"), jlong(tot, "build_unknown"));
	/* Zeros alone would read as a forecast of nothing: say what is missing. */
	if (jlong(tot, "devices") == 0)
		textbuf_printf(&s, "  no devices imported: hotpatchctl devices import FILE\n");
	if (jlong(tot, "no_ring") > 0 || jlong(tot, "no_os") > 0)
		textbuf_printf(&s, "  not counted: %ld without a ring of the ring set, %ld whose OS is "
		    "not found\n", jlong(tot, "no_ring"), jlong(tot, "no_os"));
	/* total: device-months per install; restarts, each one device's. */
	tab = month_table(j, lo);
	textbuf_printf(&s, "\n%s", tab);
	free(tab);
	if (json_array_size(json_object_get(tot, "lcu_reasons")) > 0) {
		textbuf_printf(&s, "\nwhy the LCU (most devices in one month):\n");
		json_array_foreach(json_object_get(tot, "lcu_reasons"), i, w)
			textbuf_printf(&s, "  %ld device%s: %s\n", jlong(w, "devices"),
			    jlong(w, "devices") == 1 ? "" : "s", view_text(w, "reason"));
	}
	if (json_array_size(rings) > (size_t)empty) {
		tab = ring_table(rings, lo);
		textbuf_printf(&s, "\n%s", tab);
		free(tab);
	}
	if (empty > 0)
		textbuf_printf(&s, "%srings without devices: %ld\n", json_array_size(rings) >
		    (size_t)empty ? "" : "\n", empty);
	return s.s;
}
