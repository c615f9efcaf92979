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

static bool
unplanned_baseline(const json_t *row)
{
	return json_is_true(json_object_get(row, "unplanned")) &&
	    strcmp(view_text(row, "kind"), "baseline") == 0;
}

char *
render_window_rows(const json_t *rows, bool color)
{
	struct table *t = table_new(9);
	const char *tz = view_text(json_array_get(rows, 0), "timezone");
	bool star = false;
	size_t i;
	json_t *row;
	char *s, kind[16], off[32], dl[32], rb[32], win[128];

	table_row(t, "MONTH", "OS", "KIND", "RESTART", "OFFERED", "DEADLINE", "RESTART-BY",
	    "WINDOW (LOCAL)", "STATUS");
	json_array_foreach(rows, i, row) {
		snprintf(kind, sizeof(kind), "%s%s", view_text(row, "kind"),
		    unplanned_baseline(row) ? "*" : "");
		star |= unplanned_baseline(row);
		table_row(t, view_text(row, "month"), view_text(row, "os"), kind,
		    json_is_true(json_object_get(row, "restart")) ? "yes" : "no",
		    local_text(tz, view_text(row, "offered_at"), off, sizeof(off)),
		    local_text(tz, view_text(row, "install_deadline"), dl, sizeof(dl)),
		    local_text(tz, view_text(row, "restart_deadline"), rb, sizeof(rb)),
		    window_text(row, win, sizeof(win)), view_text(row, "status"));
	}
	s = table_render(t, color);
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
		if (strcmp(view_text(row, "status"), "ok") != 0 ||
		    json_is_string(json_object_get(row, "blackout")))
			strappend(&s, "%s %s %s: %s\n", view_text(row, "month"), view_text(row, "os"),
			    view_text(row, "status"), view_text(row, "reason"));
	if (star)
		strappend(&s, "* unplanned baseline\n");
	if (json_array_size(rows) > 0)
		strappend(&s, "times are local to %s; the window's UTC start is in parentheses\n", tz);
	return s;
}

char *
render_windows(const json_t *j, bool color)
{
	const json_t *rows = json_object_get(j, "windows");

	if (json_array_size(rows) == 0)
		return xasprintf("ring %s: no OS to answer for\n", view_text(j, "ring"));
	return render_window_rows(rows, color);
}

/* ---- plan ---- */

/* "B 11/20": kind letter and local day of the window, then * unplanned, ! late, # blackout. */
static char *
plan_cell(const json_t *m, char *buf, size_t len)
{
	const char *loc = view_text(m, "window_start_local"), *st = view_text(m, "status");
	char day[8] = "-";

	if (strlen(loc) >= 10)
		snprintf(day, sizeof(day), "%.2s/%.2s", loc + 5, loc + 8);
	snprintf(buf, len, "%c %s%s%s%s", toupper((unsigned char)view_text(m, "kind")[0]), day,
	    unplanned_baseline(m) ? "*" : "", strcmp(st, "late") == 0 ? "!" : "",
	    json_is_string(json_object_get(m, "blackout")) ? "#" : "");
	return buf;
}

/* "6 (4+1 unpl.+1 oob)", or just "4" when every restart is a planned baseline. */
static char *
restarts_text(const json_t *rs, char *buf, size_t len)
{
	static const struct {
		const char *key, *unit;
	} part[] = { { "baseline", "" }, { "unplanned", " unpl." }, { "lcu", " LCU" },
	    { "oob", " oob" } };
	int total = (int)json_integer_value(json_object_get(rs, "total"));
	int base = (int)json_integer_value(json_object_get(rs, "baseline"));
	size_t n;

	n = (size_t)snprintf(buf, len, "%d", total);
	if (total == 0 || total == base)
		return buf;
	for (size_t i = 0, k = 0; i < ARRAY_LEN(part) && n < len; i++) {
		int v = (int)json_integer_value(json_object_get(rs, part[i].key));

		if (v != 0)
			n += (size_t)snprintf(buf + n, len - n, "%s%d%s", k++ ? "+" : " (", v,
			    part[i].unit);
	}
	if (n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}

static const char plan_legend[] =
    "B baseline, restart  H hotpatch, no restart  L LCU, restart  MM/DD local day of the "
    "install window\n"
    "* unplanned baseline  ! late: after the install deadline  - no window before the next "
    "offer  # a blackout moved or blocked it\n";

#define PLAN_WIDTH	160	/* the text plan is written to be read at this many columns */

/* Append text as one paragraph wrapped at PLAN_WIDTH, continued indent columns in. */
static void
append_wrapped(char **s, const char *text, int indent)
{
	int lead = (int)strspn(text, " "), col = lead;
	const char *p = text + lead;

	strappend(s, "%*s", lead, "");
	while (*p != '\0') {
		int w = (int)strcspn(p, " ");

		if (col > indent && col + 1 + w > PLAN_WIDTH) {
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

/* A late, none or blackout-moved install, for the list under the grid. */
struct risk {
	const char	*ring, *status, *reason;
	char		 os[200];
	unsigned	 months;	/* bit 0 = January */
	bool		 merged;	/* its OS was added to an earlier risk */
};

/*
 * The cells that need a second look, one line per ring and reason: months
 * with the same reason are listed together, and so are the OSes of a ring
 * that share the same months and reason.
 */
static void
append_risks(char **s, const json_t *rings)
{
	struct risk *rk = xcalloc(json_array_size(rings) * 12 + 1, sizeof(*rk));
	size_t i, k, n = 0;
	const json_t *g, *m;
	char mt[96];

	json_array_foreach(rings, i, g) {
		size_t first = n;

		json_array_foreach(json_object_get(g, "months"), k, m) {
			const char *st = view_text(m, "status"), *why = view_text(m, "reason");
			size_t r;

			if (k >= 12 || (strcmp(st, "ok") == 0 &&
			    !json_is_string(json_object_get(m, "blackout"))))
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
		strappend(s, "\nat risk (late, none) and blackout hits:\n");
	else if (json_array_size(rings) > 0)
		strappend(s, "\nno conflicts: every install has a window before its deadline\n");
	for (i = 0; i < n; i++) {
		char *line;

		if (rk[i].merged)
			continue;
		line = xasprintf("  %s %s %s in %s: %s", rk[i].ring, rk[i].os,
		    strcmp(rk[i].status, "ok") == 0 ? "moved" : rk[i].status,
		    months_text(rk[i].months, mt, sizeof(mt)), rk[i].reason);
		append_wrapped(s, line, 4);
		free(line);
	}
	free(rk);
}

/*
 * The grid: one row per ring and OS, one column per month.  Months are one
 * space apart (not the two of table.c) so that a year fits PLAN_WIDTH.
 */
static char *
plan_grid(const json_t *rings, bool color)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	size_t nrow = json_array_size(rings), i;
	char (*cell)[12][16] = xcalloc(nrow + 1, sizeof(*cell));
	int w[12];
	struct table *t = table_new(3);
	const json_t *g;
	char *s, *row, label[80], rs[48];

	for (int c = 0; c < 12; c++)
		w[c] = (int)strlen(mon[c]);
	json_array_foreach(rings, i, g) {
		for (int c = 0; c < 12; c++) {
			const json_t *m = json_array_get(json_object_get(g, "months"), (size_t)c);

			if (m != NULL)
				plan_cell(m, cell[i][c], sizeof(cell[i][c]));
			if ((int)strlen(cell[i][c]) > w[c])
				w[c] = (int)strlen(cell[i][c]);
		}
	}
	for (i = 0; i <= nrow; i++) {
		row = NULL;
		for (int c = 0; c < 12; c++)
			strappend(&row, "%-*s%s", c < 11 ? w[c] : 0, i == 0 ? mon[c] : cell[i - 1][c],
			    c < 11 ? " " : "");
		if (i == 0) {
			table_row(t, "RING OS", row, "RESTARTS");
		} else {
			g = json_array_get(rings, i - 1);
			snprintf(label, sizeof(label), "%s %s", view_text(g, "ring"), view_text(g, "os"));
			table_row(t, label, row, restarts_text(json_object_get(g, "restarts"), rs,
			    sizeof(rs)));
		}
		free(row);
	}
	s = table_render(t, color);
	table_free(t);
	free(cell);
	return s;
}

char *
render_plan(const json_t *j, bool color)
{
	const json_t *rings = json_object_get(j, "rings"), *g;
	char *s = NULL, *grid = plan_grid(rings, color);
	size_t i;

	strappend(&s, "plan %d: each ring's install window per month (day in the ring's time "
	    "zone) and its restarts\n\n%s\n%s",
	    (int)json_integer_value(json_object_get(j, "year")), grid, plan_legend);
	free(grid);
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
		append_wrapped(&s, line, 4);
		free(line);
		free(os);
	}
	append_risks(&s, rings);
	return s;
}
