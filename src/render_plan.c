/*
 * render_plan.c: the text of windows (one ring, month by month) and plan
 * (every ring over a year), made from their JSON (see views.c), with times
 * in each ring's own time zone.  Colour is an argument.
 */
#include "cmdtab.h"
#include "render.h"
#include "table.h"
#include "util.h"
#include "views.h"
#include "windows.h"

#include <ctype.h>
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

/* Does a row need its reason under the table: not ok, a blackout, or the state across months? */
static bool
row_needs_reason(const json_t *row)
{
	return strcmp(view_text(row, "status"), "ok") != 0 ||
	    json_is_string(json_object_get(row, "blackout")) || view_install_differs(row) ||
	    view_forced_in_freeze(row) || json_is_true(json_object_get(row, "skipped"));
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
	char *s, kind[16], off[32], dl[32], rb[32], win[128];

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
	s = table_layout(t, lo);
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
			strappend(&s, "%s: not eligible for hotpatch (%s): the LCU with a restart "
			    "every month\n", view_text(row, "os"), view_text(row, "not_eligible"));
	}
	json_array_foreach(rows, i, row)
		if (row_needs_reason(row))
			strappend(&s, "%s %s %s: %s\n", view_text(row, "month"), view_text(row, "os"),
			    row_label(row), view_text(row, "reason"));
	if (star)
		strappend(&s, "* unplanned baseline\n");
	if (json_array_size(rows) > 0)
		strappend(&s, "times are local to %s; the window's UTC start is in parentheses\n", tz);
	return s;
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

/* Append text as one paragraph wrapped at width, continued indent columns in. */
static void
append_wrapped(char **s, const char *text, int indent, int width)
{
	int lead = (int)strspn(text, " "), col = lead;
	const char *p = text + lead;

	strappend(s, "%*s", lead, "");
	while (*p != '\0') {
		int w = (int)strcspn(p, " ");

		if (col > indent && col + 1 + w > width) {
			strappend(s, "\n%*s", indent, "");
			col = indent;
		} else if (col > lead) {
			strappend(s, " ");
			col++;
		}
		strappend(s, "%.*s", w, p);
		col += w;
		p += w;
		p += strspn(p, " ");
	}
	strappend(s, "\n");
}

/*
 * The legend, from the table the page's legend is made from too: every
 * letter and mark, two spaces apart and wrapped at width, then what
 * RESTARTS counts.
 */
static void
append_legend(char **s, int width)
{
	char *line = NULL;
	int col = 0;

	for (size_t i = 0; i < view_plan_nkeys; i++) {
		const struct plan_key *k = &view_plan_keys[i];
		int w = (int)(strlen(k->sym) + 1 + strlen(k->words));

		if (col > 0 && col + 2 + w > width) {
			strappend(s, "%s\n", line);
			free(line);
			line = NULL;
			col = 0;
		}
		strappend(&line, "%s%s %s", col > 0 ? "  " : "", k->sym, k->words);
		col += (col > 0 ? 2 : 0) + w;
	}
	strappend(s, "%s\nRESTARTS: total (", line);
	free(line);
	for (size_t i = 0; i < view_nrestart_causes; i++) {
		const struct restart_cause *c = &view_restart_causes[i];

		strappend(s, "%s%s%s%s", i > 0 ? " + " : "", c->unit + strspn(c->unit, " "),
		    *c->unit != '\0' ? " " : "", c->words);
	}
	strappend(s, ")\n");
}

/* "Jan-Mar,Jun,Sep-Oct", or "every month", for a mask of months (bit 0 = January). */
static char *
months_text(unsigned mask, char *buf, size_t len)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	size_t n = 0;

	buf[0] = '\0';
	if (mask == 0xfff) {
		snprintf(buf, len, "every month");
		return buf;
	}
	for (int m = 0; m < 12 && n < len; m++) {
		int e = m;

		if (!(mask & (1u << m)))
			continue;
		while (e + 1 < 12 && (mask & (1u << (e + 1))))
			e++;
		n += (size_t)snprintf(buf + n, len - n, "%s%s%s%s", n ? "," : "", mon[m],
		    e > m ? "-" : "", e > m ? mon[e] : "");
		m = e;
	}
	return buf;
}

/* A late, none, blackout-moved or state-changed install, for the list under the grid. */
struct risk {
	const char	*ring, *status, *reason;	/* status: risk_label */
	char		 os[200];
	unsigned	 months;	/* bit 0 = January */
	bool		 merged;	/* its OS was added to an earlier risk */
};

/* What a risk line calls a month: late or none, its install when the state differs, else moved. */
static const char *
risk_label(const json_t *m)
{
	if (strcmp(view_text(m, "status"), "ok") != 0)
		return view_text(m, "status");
	if (json_is_true(json_object_get(m, "skipped")))
		return "skipped";
	if (view_forced_in_freeze(m))
		return "forced";
	if (view_off_baseline(m))
		return "off-baseline";
	if (view_install_differs(m))
		return view_text(m, "install");
	return "moved";
}

/*
 * The cells that need a second look, one line per ring and reason: months
 * with the same reason are listed together, and so are the OSes of a ring
 * that share the same months and reason.
 */
static void
append_risks(char **s, const json_t *rings, int width)
{
	struct risk *rk = xcalloc(json_array_size(rings) * 12 + 1, sizeof(*rk));
	size_t i, k, n = 0;
	const json_t *g, *m;
	char mt[96];

	json_array_foreach(rings, i, g) {
		size_t first = n;

		json_array_foreach(json_object_get(g, "months"), k, m) {
			const char *st = risk_label(m), *why = view_text(m, "reason");
			size_t r;

			if (k >= 12 || !row_needs_reason(m))
				continue;
			for (r = first; r < n; r++)
				if (strcmp(rk[r].status, st) == 0 && strcmp(rk[r].reason, why) == 0)
					break;
			if (r == n) {
				rk[n].ring = view_text(g, "ring");
				rk[n].status = st;
				rk[n].reason = why;
				snprintf(rk[n++].os, sizeof(rk[0].os), "%s", view_text(g, "os"));
			}
			rk[r].months |= 1u << k;
		}
	}
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n && !rk[i].merged; k++)
			if (!rk[k].merged && strcmp(rk[i].ring, rk[k].ring) == 0 &&
			    strcmp(rk[i].status, rk[k].status) == 0 && rk[i].months == rk[k].months &&
			    strcmp(rk[i].reason, rk[k].reason) == 0 &&
			    strlen(rk[i].os) + strlen(rk[k].os) + 2 < sizeof(rk[i].os)) {
				strcat(strcat(rk[i].os, ","), rk[k].os);
				rk[k].merged = true;
			}
	if (n > 0)
		strappend(s, "\nat risk (late, none), blackout hits and installs that differ from the "
		    "month:\n");
	else if (json_array_size(rings) > 0)
		strappend(s, "\nno conflicts: every install has a window before its deadline\n");
	for (i = 0; i < n; i++) {
		char *line;

		if (rk[i].merged)
			continue;
		line = xasprintf("  %s %s %s in %s: %s", rk[i].ring, rk[i].os,
		    rk[i].status,
		    months_text(rk[i].months, mt, sizeof(mt)), rk[i].reason);
		append_wrapped(s, line, 4, width);
		free(line);
	}
	free(rk);
}

/* One row of the grid: its label, its twelve cells and its RESTARTS. */
struct grid_row {
	char		 label[80];
	char		 cell[12][16];
	char		 rs[48];
};

/* A ring's devices row: "ring1 devices 2", then per month how many of them restart. */
static void
devices_row(const json_t *e, struct grid_row *out)
{
	const json_t *rs = json_object_get(e, "restarts");

	snprintf(out->label, sizeof(out->label), "%s devices %lld", view_text(e, "ring"),
	    (long long)json_integer_value(json_object_get(e, "devices")));
	for (int c = 0; c < 12; c++) {
		const json_t *v = json_array_get(rs, (size_t)c);

		/* null: a month already past, not forecast */
		snprintf(out->cell[c], sizeof(out->cell[c]), json_is_integer(v) ? "%lld" : "-",
		    (long long)json_integer_value(v));
	}
	snprintf(out->rs, sizeof(out->rs), "%lld",
	    (long long)json_integer_value(json_object_get(e, "restarts_total")));
}

/*
 * The rows: one per ring and OS and, when the plan has devices, after a
 * ring's last OS its devices row (counted per ring, every OS together).
 * Returns how many rows out holds (room for twice the plan's rows).
 */
static size_t
grid_rows(const json_t *rings, const json_t *devices, struct grid_row *out)
{
	size_t i, n = 0;
	const json_t *g, *next, *e;

	json_array_foreach(rings, i, g) {
		struct grid_row *r = &out[n++];

		snprintf(r->label, sizeof(r->label), "%s %s", view_text(g, "ring"),
		    view_text(g, "os"));
		for (int c = 0; c < 12; c++) {
			const json_t *m = json_array_get(json_object_get(g, "months"), (size_t)c);

			if (m != NULL)
				plan_cell(m, r->cell[c], sizeof(r->cell[c]));
		}
		restarts_text(json_object_get(g, "restarts"), r->rs, sizeof(r->rs));
		next = json_array_get(rings, i + 1);
		if (next != NULL && strcmp(view_text(next, "ring"), view_text(g, "ring")) == 0)
			continue;
		e = view_plan_ring_devices(devices, view_text(g, "ring"));
		if (e != NULL && json_integer_value(json_object_get(e, "devices")) > 0)
			devices_row(e, &out[n++]);
	}
	return n;
}

/*
 * The grid: one row per ring and OS (and a ring's devices), one column per
 * month.  Months are one space apart (not the two of table.c) so that a
 * year fits PLAN_WIDTH.  On a narrow terminal RESTARTS is shortened first,
 * then the months go from December back.
 */
static char *
plan_grid(const json_t *rings, const json_t *devices, struct layout *lo)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct grid_row *gr = xcalloc(2 * json_array_size(rings) + 1, sizeof(*gr));
	size_t nrow = grid_rows(rings, devices, gr);
	struct table_col cols[14];
	const char *cells[14];
	struct table *t;
	char *s;

	cols[0] = (struct table_col){ "RING OS", 0, TF_KEEP, 0, 0 };
	for (int c = 0; c < 12; c++)
		cols[c + 1] = (struct table_col){ mon[c], 2 + c, TF_KEEP, 0, c == 0 ? 2 : 1 };
	cols[13] = (struct table_col){ "RESTARTS", 1, TF_CUT, 8, 0 };
	t = table_new_cols(cols, 14);
	for (size_t i = 0; i < nrow; i++) {
		cells[0] = gr[i].label;
		for (int c = 0; c < 12; c++)
			cells[c + 1] = gr[i].cell[c];
		cells[13] = gr[i].rs;
		table_row_v(t, cells);
	}
	s = table_layout(t, lo);
	table_free(t);
	free(gr);
	return s;
}

char *
render_plan(const json_t *j, struct layout *lo)
{
	const json_t *rings = json_object_get(j, "rings"), *g;
	const json_t *devices = json_object_get(j, "devices");
	char *s = NULL, *grid = plan_grid(rings, devices, lo);
	int width = lo->width > 0 ? lo->width : PLAN_WIDTH;
	size_t i;

	strappend(&s, "plan %d: each ring's install window per month (day in the ring's time "
	    "zone) and its restarts\n\n%s\n",
	    (int)json_integer_value(json_object_get(j, "year")), grid);
	free(grid);
	append_legend(&s, width);
	if (devices != NULL)
		strappend(&s, "RING devices N: the ring's N devices, every OS; per month from %s how "
		    "many of them restart, then the restarts added (hotpatchctl fleet)\n",
		    view_text(j, "devices_from"));
	/* Ineligible OSes, those of one ring with the same reason on one line. */
	for (i = 0; i < json_array_size(rings); i++) {
		const json_t *next;
		char *os, *line;

		g = json_array_get(rings, i);
		if (json_is_true(json_object_get(g, "eligible")))
			continue;
		os = xstrdup(view_text(g, "os"));
		while ((next = json_array_get(rings, i + 1)) != NULL &&
		    !json_is_true(json_object_get(next, "eligible")) &&
		    strcmp(view_text(next, "ring"), view_text(g, "ring")) == 0 &&
		    strcmp(view_text(next, "not_eligible"), view_text(g, "not_eligible")) == 0) {
			strappend(&os, ",%s", view_text(next, "os"));
			i++;
		}
		line = xasprintf("%s %s: not eligible for hotpatch (%s): the LCU with a restart "
		    "every month", view_text(g, "ring"), os, view_text(g, "not_eligible"));
		append_wrapped(&s, line, 4, width);
		free(line);
		free(os);
	}
	append_risks(&s, rings, width);
	return s;
}
