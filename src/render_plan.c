/*
 * render_plan.c: the text of windows (one ring, month by month) and plan
 * (every ring over a range of months), made from their JSON (see views.c), with times
 * in each ring's own time zone.  Colour is an argument.
 */
#include "cmdtab.h"
#include "planrange.h"
#include "render.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"
#include "windows.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- windows ---- */

static const char *
weekday_name(struct ymd d)
{
	static const char *const name[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

	return name[ymd_weekday(d)];
}

/* The UTC instant iso as local time in tz, "Fri 11-20 22:00", into buf; "-" if not an instant. */
static char *
local_text(const char *tz, const char *iso, char *buf, size_t len)
{
	struct localtime lt;
	time_t t;

	if (cmd_parse_instant(iso, &t) < 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	win_to_local(tz, t, &lt);
	snprintf(buf, len, "%s %02d-%02d %02d:%02d", weekday_name(lt.date), lt.date.m, lt.date.d,
	    lt.minute / 60, lt.minute % 60);
	return buf;
}

/* "Fri 11-20 22:00-02:00 (11-20 21:00Z)": a row's install window, local and UTC. */
static char *
window_text(const json_t *row, char *buf, size_t len)
{
	const char *tz = view_text(row, "timezone");
	const char *start = view_text(row, "window_start"), *end = view_text(row, "window_end");
	char a[32], b[32];

	if (!json_is_string(json_object_get(row, "window_start"))) {
		snprintf(buf, len, "-");
		return buf;
	}
	local_text(tz, start, a, sizeof(a));
	local_text(tz, end, b, sizeof(b));
	/* "Fri 11-20 22:00" + "-" + the end's "02:00" + " (" "11-20 21:00" "Z)" */
	snprintf(buf, len, "%s-%s (%.5s %.5sZ)", a, strlen(b) > 10 ? b + 10 : b,
	    strlen(start) >= 16 ? start + 5 : "", strlen(start) >= 16 ? start + 11 : "");
	return buf;
}

/* What a reason line calls the row: its status, or its install when that differs. */
static const char *
row_label(const json_t *row)
{
	if (strcmp(view_text(row, "status"), "ok") != 0 || !view_install_differs(row))
		return view_text(row, "status");
	return view_text(row, "install");
}

char *
render_window_rows(const json_t *rows, struct layout *lo)
{
	static const struct table_col cols[] = {
		{ "MONTH", 0, TF_KEEP, 0, 0 },
		{ "OS", 0, TF_KEEP, 0, 0 },
		{ "KIND", 4, TF_KEEP, 0, 0 },
		{ "INSTALL", 0, TF_KEEP, 0, 0 },
		{ "RESTART", 1, TF_KEEP, 0, 0 },
		{ "OFFERED", 6, TF_KEEP, 0, 0 },
		{ "DEADLINE", 3, TF_KEEP, 0, 0 },
		{ "RESTART-BY", 5, TF_KEEP, 0, 0 },
		{ "WINDOW (LOCAL)", 2, TF_CUT, 16, 0 },	/* "Fri 11-13 02:00…" */
		{ "STATUS", 0, TF_KEEP, 0, 0 },
	};
	struct table *t = table_new_cols(cols, (int)ARRAY_LEN(cols));
	const char *tz = view_text(json_array_get(rows, 0), "timezone");
	bool star = false;
	size_t i;
	json_t *row;
	struct textbuf s;
	char kind[16], off[32], dl[32], rb[32], win[128];

	json_array_foreach(rows, i, row) {
		snprintf(kind, sizeof(kind), "%s%s", view_text(row, "kind"),
		    view_unplanned_baseline(row) ? "*" : "");
		star |= view_unplanned_baseline(row);
		table_row(t, view_text(row, "month"), view_text(row, "os"), kind,
		    view_text(row, "install"), json_is_true(json_object_get(row, "restart")) ? "yes" : "no",
		    local_text(tz, view_text(row, "offered_at"), off, sizeof(off)),
		    local_text(tz, view_text(row, "install_deadline"), dl, sizeof(dl)),
		    local_text(tz, view_text(row, "restart_deadline"), rb, sizeof(rb)),
		    window_text(row, win, sizeof(win)), view_text(row, "status"));
	}
	s = textbuf_of(table_layout(t, lo));
	table_free(t);
	/* Ineligibility once per OS, then every row that needs a second look. */
	json_array_foreach(rows, i, row) {
		size_t k;
		json_t *prev;
		bool seen = false;

		if (json_is_true(json_object_get(row, "eligible")))
			continue;
		json_array_foreach(rows, k, prev) {
			if (k >= i)
				break;
			seen |= strcmp(view_text(prev, "os"), view_text(row, "os")) == 0;
		}
		if (!seen)
			textbuf_printf(&s, "%s: not eligible for hotpatch (%s): the LCU with a restart "
			    "every month\n", view_text(row, "os"), view_text(row, "not_eligible"));
	}
	json_array_foreach(rows, i, row)
		if (view_needs_note(row))
			textbuf_printf(&s, "%s %s %s: %s\n", view_text(row, "month"), view_text(row, "os"),
			    row_label(row), view_text(row, "reason"));
	if (star)
		textbuf_printf(&s, "* unplanned baseline\n");
	if (json_array_size(rows) > 0)
		textbuf_printf(&s, "times are local to %s; the window's UTC start is in parentheses\n", tz);
	return s.s;
}

char *
render_windows(const json_t *j, struct layout *lo)
{
	const json_t *rows = json_object_get(j, "windows");

	if (json_array_size(rows) == 0)
		return xasprintf("ring %s: no OS to answer for\n", view_text(j, "ring"));
	return render_window_rows(rows, lo);
}

/* ---- plan ---- */

static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
    "Sep", "Oct", "Nov", "Dec" };

/* "B 11/20": install letter and local day of the window, then the marks (view_plan_marks). */
static char *
plan_cell(const json_t *m, char *buf, size_t len)
{
	const char *loc = view_text(m, "window_start_local");
	char day[8] = "-", marks[8];

	if (strlen(loc) >= 10)
		snprintf(day, sizeof(day), "%.2s/%.2s", loc + 5, loc + 8);
	snprintf(buf, len, "%c %s%s", view_install_letter(m), day,
	    view_plan_marks(m, marks, sizeof(marks)));
	return buf;
}

/* "7 (4+1 unpl.+1 catch-up+1 oob)", or just "4" when every restart is a planned baseline. */
static char *
restarts_text(const json_t *rs, char *buf, size_t len)
{
	int total = (int)json_integer_value(json_object_get(rs, "total"));
	int base = (int)json_integer_value(json_object_get(rs, "baseline"));
	size_t n;

	n = (size_t)snprintf(buf, len, "%d", total);
	if (total == 0 || total == base)
		return buf;
	for (size_t i = 0, k = 0; i < view_nrestart_causes && n < len; i++) {
		const struct restart_cause *c = &view_restart_causes[i];
		int v = (int)json_integer_value(json_object_get(rs, c->key));

		if (v != 0)
			n += (size_t)snprintf(buf + n, len - n, "%s%d%s", k++ ? "+" : " (", v,
			    c->unit);
	}
	if (n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}

/* The text plan is written to be read at this many columns, or the terminal's. */
#define PLAN_WIDTH	160
#define PLAN_BLOCK	12	/* months per grid: a longer plan is one grid per 12 months */

/* Append text as one paragraph wrapped at width, continued indent columns in. */
static void
append_wrapped(struct textbuf *s, const char *text, int indent, int width)
{
	int lead = (int)strspn(text, " "), col = lead;
	const char *p = text + lead;

	textbuf_printf(s, "%*s", lead, "");
	while (*p != '\0') {
		int w = (int)strcspn(p, " ");

		if (col > indent && col + 1 + w > width) {
			textbuf_printf(s, "\n%*s", indent, "");
			col = indent;
		} else if (col > lead) {
			textbuf_printf(s, " ");
			col++;
		}
		textbuf_printf(s, "%.*s", w, p);
		col += w;
		p += w;
		p += strspn(p, " ");
	}
	textbuf_printf(s, "\n");
}

/*
 * The legend, from the table the page's legend is made from too: every
 * letter and mark, two spaces apart and wrapped at width, then what
 * RESTARTS counts.
 */
static void
append_legend(struct textbuf *s, int width)
{
	struct textbuf line = { 0 };
	int col = 0;

	for (size_t i = 0; i < view_plan_nkeys; i++) {
		const struct plan_key *k = &view_plan_keys[i];
		int w = (int)(strlen(k->sym) + 1 + strlen(k->words));

		if (col > 0 && col + 2 + w > width) {
			textbuf_printf(s, "%s\n", line.s);
			free(line.s);
			line = (struct textbuf){ 0 };
			col = 0;
		}
		textbuf_printf(&line, "%s%s %s", col > 0 ? "  " : "", k->sym, k->words);
		col += (col > 0 ? 2 : 0) + w;
	}
	textbuf_printf(s, "%s\nRESTARTS: total (", line.s);
	free(line.s);
	for (size_t i = 0; i < view_nrestart_causes; i++) {
		const struct restart_cause *c = &view_restart_causes[i];

		textbuf_printf(s, "%s%s%s%s", i > 0 ? " + " : "", c->unit + strspn(c->unit, " "),
		    *c->unit != '\0' ? " " : "", c->words);
	}
	textbuf_printf(s, ")\n");
}

/* Does the plan run across a year end (so a month needs its year to be told apart)? */
static bool
spans_years(const struct plan_range *r)
{
	return ym_year(r->from) != ym_year(plan_range_last(r));
}

/* "Jun", or "Jun 2027" when the plan spans years. */
static void
month_text(const struct plan_range *r, ym_t m, char *buf, size_t len)
{
	if (spans_years(r))
		snprintf(buf, len, "%s %d", mon[ym_month(m) - 1], ym_year(m));
	else
		snprintf(buf, len, "%s", mon[ym_month(m) - 1]);
}

/*
 * "Jan-Mar,Jun", "Dec 2026-Feb 2027,Jun 2027" when the plan spans years,
 * or "every month", for a mask of r's months (bit 0: its first).
 */
static char *
months_text(uint64_t mask, const struct plan_range *r, char *buf, size_t len)
{
	size_t n = 0;
	char a[16], b[16];

	buf[0] = '\0';
	if (r->months > 1 && mask == (UINT64_C(1) << r->months) - 1) {
		snprintf(buf, len, "every month");
		return buf;
	}
	for (int m = 0; m < r->months && n < len; m++) {
		int e = m;

		if (!(mask & (UINT64_C(1) << m)))
			continue;
		while (e + 1 < r->months && (mask & (UINT64_C(1) << (e + 1))))
			e++;
		month_text(r, r->from + m, a, sizeof(a));
		month_text(r, r->from + e, b, sizeof(b));
		n += (size_t)snprintf(buf + n, len - n, "%s%s%s%s", n ? "," : "", a,
		    e > m ? "-" : "", e > m ? b : "");
		m = e;
	}
	return buf;
}

/* A cell that needs a second look, for the lists under the grid. */
struct note {
	const char	*ring, *label;
	char		*reason;	/* view_note_reason */
	char		 os[200];
	uint64_t	 months;	/* bit 0: the plan's first month */
	bool		 at_risk;	/* the cell has a risk (risk.h) */
	bool		 merged;	/* its OS was added to an earlier note */
};

/* The notes of one row's months into nt from *n on: one per label and reason. */
static void
row_notes(const json_t *g, int nmonth, struct note *nt, size_t *n)
{
	size_t first = *n, k, i;
	const json_t *m;

	json_array_foreach(json_object_get(g, "months"), k, m) {
		const char *label = view_note_label(m);
		char *why;

		if ((int)k >= nmonth || !view_needs_note(m))
			continue;
		why = view_note_reason(m);
		for (i = first; i < *n; i++)
			if (strcmp(nt[i].label, label) == 0 && strcmp(nt[i].reason, why) == 0)
				break;
		if (i == *n) {
			nt[i] = (struct note){ .ring = view_text(g, "ring"), .label = label,
			    .reason = why, .at_risk = view_cell_at_risk(m) };
			snprintf(nt[i].os, sizeof(nt[i].os), "%s", view_text(g, "os"));
			(*n)++;
		} else {
			free(why);
		}
		nt[i].months |= UINT64_C(1) << k;
	}
}

/* The OSes of a ring with the same months and reason share one line. */
static void
merge_notes(struct note *nt, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n && !nt[i].merged; k++)
			if (!nt[k].merged && strcmp(nt[i].ring, nt[k].ring) == 0 &&
			    strcmp(nt[i].label, nt[k].label) == 0 && nt[i].months == nt[k].months &&
			    strcmp(nt[i].reason, nt[k].reason) == 0 &&
			    strlen(nt[i].os) + strlen(nt[k].os) + 2 < sizeof(nt[i].os)) {
				strcat(strcat(nt[i].os, ","), nt[k].os);
				nt[k].merged = true;
			}
}

/* The lines of the notes with at_risk as given, under heading; nothing when there are none. */
static void
append_note_lines(struct textbuf *s, const struct note *nt, size_t n, bool at_risk,
    const struct plan_range *r, const char *heading, int width)
{
	bool any = false;
	char mt[256];

	for (size_t i = 0; i < n; i++) {
		char *line;

		if (nt[i].merged || nt[i].at_risk != at_risk)
			continue;
		if (!any)
			textbuf_printf(s, "\n%s\n", heading);
		any = true;
		line = xasprintf("  %s %s %s in %s: %s", nt[i].ring, nt[i].os, nt[i].label,
		    months_text(nt[i].months, r, mt, sizeof(mt)), nt[i].reason);
		append_wrapped(s, line, 4, width);
		free(line);
	}
}

/*
 * The cells that need a second look, one line per ring and reason: first
 * the risks, then the rest (a blackout moved the window, the install is
 * not the month's kind).  Months with the same reason are listed together,
 * and so are the OSes of a ring that share the same months and reason.
 */
static void
append_notes(struct textbuf *s, const json_t *rings, const struct plan_range *r, int width)
{
	struct note *nt = xcalloc(json_array_size(rings) * (size_t)r->months + 1, sizeof(*nt));
	size_t i, n = 0;
	const json_t *g;
	bool risks = false;

	json_array_foreach(rings, i, g)
		row_notes(g, r->months, nt, &n);
	merge_notes(nt, n);
	for (i = 0; i < n; i++)
		risks |= nt[i].at_risk;
	if (!risks && json_array_size(rings) > 0)
		textbuf_printf(s, "\nno risks: every install has a window before its deadline\n");
	append_note_lines(s, nt, n, true, r, "at risk (late, none, skipped, forced into a "
	    "freeze, catch-up):", width);
	append_note_lines(s, nt, n, false, r, "notes (a blackout moved the window, the install "
	    "differs from the month):", width);
	for (i = 0; i < n; i++)
		free(nt[i].reason);
	free(nt);
}

/* The grid's rows: a label, one cell per month of the plan and the RESTARTS. */
struct grid {
	size_t		 nrow, ncol;
	char		(*label)[80];
	char		(*cell)[16];	/* nrow x ncol */
	char		(*rs)[48];
};

/* A ring's devices row: "ring1 devices 2", then per month how many of them restart. */
static void
devices_row(const json_t *e, struct grid *gr, size_t row)
{
	const json_t *rs = json_object_get(e, "restarts");

	snprintf(gr->label[row], sizeof(gr->label[0]), "%s devices %lld", view_text(e, "ring"),
	    (long long)json_integer_value(json_object_get(e, "devices")));
	for (size_t c = 0; c < gr->ncol; c++) {
		const json_t *v = json_array_get(rs, c);

		/* null: a month already past, not forecast */
		snprintf(gr->cell[row * gr->ncol + c], sizeof(gr->cell[0]),
		    json_is_integer(v) ? "%lld" : "-", (long long)json_integer_value(v));
	}
	snprintf(gr->rs[row], sizeof(gr->rs[0]), "%lld",
	    (long long)json_integer_value(json_object_get(e, "restarts_total")));
}

/*
 * The rows: one per ring and OS and, when the plan has devices, after a
 * ring's last OS its devices row (counted per ring, every OS together).
 */
static void
grid_rows(const json_t *rings, const json_t *devices, struct grid *gr)
{
	size_t i, n = 0, cap = 2 * json_array_size(rings) + 1;
	const json_t *g, *next, *e;

	gr->label = xcalloc(cap, sizeof(*gr->label));
	gr->rs = xcalloc(cap, sizeof(*gr->rs));
	gr->cell = xcalloc(cap * gr->ncol, sizeof(*gr->cell));
	json_array_foreach(rings, i, g) {
		snprintf(gr->label[n], sizeof(gr->label[0]), "%s %s", view_text(g, "ring"),
		    view_text(g, "os"));
		for (size_t c = 0; c < gr->ncol; c++) {
			const json_t *m = json_array_get(json_object_get(g, "months"), c);

			if (m != NULL)
				plan_cell(m, gr->cell[n * gr->ncol + c], sizeof(gr->cell[0]));
		}
		restarts_text(json_object_get(g, "restarts"), gr->rs[n], sizeof(gr->rs[0]));
		n++;
		next = json_array_get(rings, i + 1);
		if (next != NULL && strcmp(view_text(next, "ring"), view_text(g, "ring")) == 0)
			continue;
		e = view_plan_ring_devices(devices, view_text(g, "ring"));
		if (e != NULL && json_integer_value(json_object_get(e, "devices")) > 0)
			devices_row(e, gr, n++);
	}
	gr->nrow = n;
}

/*
 * The grid of columns first..first+n-1: one row per ring and OS (and a
 * ring's devices).  Months are one space apart (not the two of table.c) so
 * that twelve fit PLAN_WIDTH; the last grid ends with RESTARTS.  A plan
 * across a year end names the year in a grid's first month and in January.
 * On a narrow terminal RESTARTS is shortened first, then the months go from
 * the grid's last back.
 */
static char *
plan_block(const struct grid *gr, const struct plan_range *r, size_t first, size_t n,
    bool last, struct layout *lo)
{
	struct table_col cols[PLAN_BLOCK + 2];
	const char *cells[PLAN_BLOCK + 2];
	char head[PLAN_BLOCK][16], *s;
	int ncol = (int)n + 1 + last;
	struct table *t;

	cols[0] = (struct table_col){ "RING OS", 0, TF_KEEP, 0, 0 };
	for (size_t c = 0; c < n; c++) {
		ym_t m = r->from + (int)(first + c);

		if (spans_years(r) && (c == 0 || ym_month(m) == 1))
			snprintf(head[c], sizeof(head[c]), "%s %d", mon[ym_month(m) - 1], ym_year(m));
		else
			snprintf(head[c], sizeof(head[c]), "%s", mon[ym_month(m) - 1]);
		cols[c + 1] = (struct table_col){ head[c], 2 + (int)c, TF_KEEP, 0, c == 0 ? 2 : 1 };
	}
	if (last)
		cols[n + 1] = (struct table_col){ "RESTARTS", 1, TF_CUT, 8, 0 };
	t = table_new_cols(cols, ncol);
	for (size_t i = 0; i < gr->nrow; i++) {
		cells[0] = gr->label[i];
		for (size_t c = 0; c < n; c++)
			cells[c + 1] = gr->cell[i * gr->ncol + first + c];
		if (last)
			cells[n + 1] = gr->rs[i];
		table_row_v(t, cells);
	}
	s = table_layout(t, lo);
	table_free(t);
	return s;
}

/* The grids, PLAN_BLOCK months each, a blank line apart. */
static char *
plan_grid(const json_t *rings, const json_t *devices, const struct plan_range *r,
    struct layout *lo)
{
	struct grid gr = { .ncol = (size_t)r->months };
	struct textbuf s = { 0 };
	char *b;

	grid_rows(rings, devices, &gr);
	for (size_t first = 0; first < gr.ncol; first += PLAN_BLOCK) {
		size_t n = gr.ncol - first < PLAN_BLOCK ? gr.ncol - first : PLAN_BLOCK;

		b = plan_block(&gr, r, first, n, first + n == gr.ncol, lo);
		textbuf_printf(&s, "%s%s", first > 0 ? "\n" : "", b);
		free(b);
	}
	free(gr.label);
	free(gr.cell);
	free(gr.rs);
	return s.s;
}

/* Ineligible OSes, those of one ring with the same reason on one line. */
static void
append_ineligible(struct textbuf *s, const json_t *rings, int width)
{
	for (size_t i = 0; i < json_array_size(rings); i++) {
		const json_t *g = json_array_get(rings, i), *next;
		struct textbuf os;
		char *line;

		if (json_is_true(json_object_get(g, "eligible")))
			continue;
		os = textbuf_of(xstrdup(view_text(g, "os")));
		while ((next = json_array_get(rings, i + 1)) != NULL &&
		    !json_is_true(json_object_get(next, "eligible")) &&
		    strcmp(view_text(next, "ring"), view_text(g, "ring")) == 0 &&
		    strcmp(view_text(next, "not_eligible"), view_text(g, "not_eligible")) == 0) {
			textbuf_printf(&os, ",%s", view_text(next, "os"));
			i++;
		}
		line = xasprintf("%s %s: not eligible for hotpatch (%s): the LCU with a restart "
		    "every month", view_text(g, "ring"), os.s, view_text(g, "not_eligible"));
		append_wrapped(s, line, 4, width);
		free(line);
		free(os.s);
	}
}

char *
render_plan(const json_t *j, struct layout *lo)
{
	const json_t *rings = json_object_get(j, "rings");
	const json_t *devices = json_object_get(j, "devices");
	bool at_risk_only = json_is_true(json_object_get(j, "at_risk_only"));
	struct textbuf s = { 0 };
	char *grid, words[PLAN_RANGE_WORDS];
	int width = lo->width > 0 ? lo->width : PLAN_WIDTH;
	struct plan_range r;

	if (!view_plan_range_of(j, &r))
		return xstrdup("plan: the answer names no months\n");
	plan_range_words(&r, words, sizeof(words));
	if (at_risk_only && json_array_size(rings) == 0)
		return xasprintf("no ring is at risk in %s: every install has a window before its "
		    "deadline\n", words);
	if (at_risk_only)
		textbuf_printf(&s, "at risk in %s: the rings and OSes with a late, missing, skipped or "
		    "forced install or a catch-up\n\n", words);
	else
		textbuf_printf(&s, "plan %s: each ring's install window per month (day in the ring's "
		    "time zone) and its restarts\n\n", words);
	grid = plan_grid(rings, devices, &r, lo);
	textbuf_printf(&s, "%s\n", grid);
	free(grid);
	append_legend(&s, width);
	if (devices != NULL)
		textbuf_printf(&s, "RING devices N: the ring's N devices, every OS; per month from %s how "
		    "many of them restart, then the restarts added (hotpatchctl fleet)\n",
		    view_text(j, "devices_from"));
	append_ineligible(&s, rings, width);
	append_notes(&s, rings, &r, width);
	return s.s;
}
