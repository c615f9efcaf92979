/*
 * cmd_windows.c: the install-window commands: windows (one ring, month by
 * month), plan (every ring over a year) and the ring part of next.  The
 * handlers ask the engine in windows.c and answer in JSON; the renderers make
 * text of that JSON, with times in each ring's own time zone.
 */
#include "commands.h"
#include "daemon.h"
#include "proto.h"
#include "rings.h"
#include "table.h"
#include "util.h"
#include "views.h"
#include "windows.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define WIN_DEFAULT_MONTHS	12

/* ---- small helpers ---- */

static const char *
weekday_name(struct ymd d)
{
	static const char *const name[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

	return name[ymd_weekday(d)];
}

bool
select_ring(struct daemon *d, const struct request *rq, const struct ring **g,
    const struct os_def **os, struct reply *r)
{
	char *list = NULL;

	*os = NULL;
	if ((*g = ringset_find(&d->rings, rq->ring)) == NULL) {
		reply_error(r, PROTO_NOT_FOUND, "unknown ring '%s' (see hotpatchctl rings)", rq->ring);
		return false;
	}
	if (rq->os == NULL)
		return true;
	if (ring_has_os(*g, rq->os) && (*os = caldata_find_os(&d->cal, rq->os)) != NULL)
		return true;
	for (size_t i = 0; i < (*g)->nos; i++)
		strappend(&list, "%s%s", i ? ", " : "", (*g)->os[i]);
	reply_error(r, PROTO_NOT_FOUND, "OS '%s' is not in ring '%s' (its OSes: %s)", rq->os,
	    (*g)->id, list ? list : "none");
	free(list);
	return false;
}

/* ---- building answers ---- */

void
cmd_windows(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	const struct ring *g;
	const struct os_def *only;
	json_t *rows;
	ym_t from;
	int months = rq->months > 0 ? rq->months : WIN_DEFAULT_MONTHS;

	if (!select_ring(d, rq, &g, &only, r))
		return;
	if (rq->from == NULL)
		from = ym_of_time(request_now(rq));
	else if (ym_parse(rq->from, &from) < 0) {
		reply_error(r, PROTO_BAD_REQUEST, "bad --from '%s' (expected YYYY-MM)", rq->from);
		return;
	}
	if (ym_year(from + months - 1) > HP_YEAR_MAX) {
		char m[8];

		reply_error(r, PROTO_BAD_REQUEST, "%d months from %s run past %d-12", months,
		    ym_format(from, m), HP_YEAR_MAX);
		return;
	}
	rows = json_array();
	/* Month by month, and within a month one row per OS of the ring. */
	for (ym_t m = from; m < from + months; m++) {
		for (size_t i = 0; i < g->nos; i++) {
			const struct os_def *os = caldata_find_os(&d->cal, g->os[i]);
			struct install in;

			if (os == NULL || (only != NULL && os != only))
				continue;
			win_install(&d->cal, &d->rings, g, os, m, &in);
			json_array_append_new(rows, view_install(g, &in));
		}
	}
	r->data = json_pack("{s:s,s:s,s:o}", "ring", g->id, "timezone", g->timezone,
	    "windows", rows);
}

/* ---- rendering ---- */

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
	const char *tz = json_text(row, "timezone");
	const char *start = json_text(row, "window_start"), *end = json_text(row, "window_end");
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
	    strcmp(json_text(row, "kind"), "baseline") == 0;
}

char *
render_window_rows(const json_t *rows)
{
	struct table *t = table_new(9);
	const char *tz = json_text(json_array_get(rows, 0), "timezone");
	bool star = false;
	size_t i;
	json_t *row;
	char *s, kind[16], off[32], dl[32], rb[32], win[128];

	table_row(t, "MONTH", "OS", "KIND", "RESTART", "OFFERED", "DEADLINE", "RESTART-BY",
	    "WINDOW (LOCAL)", "STATUS");
	json_array_foreach(rows, i, row) {
		snprintf(kind, sizeof(kind), "%s%s", json_text(row, "kind"),
		    unplanned_baseline(row) ? "*" : "");
		star |= unplanned_baseline(row);
		table_row(t, json_text(row, "month"), json_text(row, "os"), kind,
		    json_is_true(json_object_get(row, "restart")) ? "yes" : "no",
		    local_text(tz, json_text(row, "offered_at"), off, sizeof(off)),
		    local_text(tz, json_text(row, "install_deadline"), dl, sizeof(dl)),
		    local_text(tz, json_text(row, "restart_deadline"), rb, sizeof(rb)),
		    window_text(row, win, sizeof(win)), json_text(row, "status"));
	}
	s = table_render(t);
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
			seen |= strcmp(json_text(prev, "os"), json_text(row, "os")) == 0;
		}
		if (!seen)
			strappend(&s, "%s: not eligible for hotpatch (%s): the LCU with a restart "
			    "every month\n", json_text(row, "os"), json_text(row, "not_eligible"));
	}
	json_array_foreach(rows, i, row)
		if (strcmp(json_text(row, "status"), "ok") != 0 ||
		    json_is_string(json_object_get(row, "blackout")))
			strappend(&s, "%s %s %s: %s\n", json_text(row, "month"), json_text(row, "os"),
			    json_text(row, "status"), json_text(row, "reason"));
	if (star)
		strappend(&s, "* unplanned baseline\n");
	if (json_array_size(rows) > 0)
		strappend(&s, "times are local to %s; the window's UTC start is in parentheses\n", tz);
	return s;
}

char *
render_windows(const json_t *j)
{
	const json_t *rows = json_object_get(j, "windows");

	if (json_array_size(rows) == 0)
		return xasprintf("ring %s: no OS to answer for\n", json_text(j, "ring"));
	return render_window_rows(rows);
}

/* ---- plan ---- */

void
cmd_plan(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	r->data = view_plan(&d->cal, &d->rings, rq->year ? rq->year : ym_year(ym_of_time(request_now(rq))));
}

/* "B 11/20": kind letter and local day of the window, then * unplanned, ! late, # blackout. */
static char *
plan_cell(const json_t *m, char *buf, size_t len)
{
	const char *loc = json_text(m, "window_start_local"), *st = json_text(m, "status");
	char day[8] = "-";

	if (strlen(loc) >= 10)
		snprintf(day, sizeof(day), "%.2s/%.2s", loc + 5, loc + 8);
	snprintf(buf, len, "%c %s%s%s%s", toupper((unsigned char)json_text(m, "kind")[0]), day,
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
			const char *st = json_text(m, "status"), *why = json_text(m, "reason");
			size_t r;

			if (k >= 12 || (strcmp(st, "ok") == 0 &&
			    !json_is_string(json_object_get(m, "blackout"))))
				continue;
			for (r = first; r < n; r++)
				if (strcmp(rk[r].status, st) == 0 && strcmp(rk[r].reason, why) == 0)
					break;
			if (r == n) {
				rk[n].ring = json_text(g, "ring");
				rk[n].status = st;
				rk[n].reason = why;
				snprintf(rk[n++].os, sizeof(rk[0].os), "%s", json_text(g, "os"));
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
plan_grid(const json_t *rings)
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
			snprintf(label, sizeof(label), "%s %s", json_text(g, "ring"), json_text(g, "os"));
			table_row(t, label, row, restarts_text(json_object_get(g, "restarts"), rs,
			    sizeof(rs)));
		}
		free(row);
	}
	s = table_render(t);
	table_free(t);
	free(cell);
	return s;
}

char *
render_plan(const json_t *j)
{
	const json_t *rings = json_object_get(j, "rings"), *g;
	char *s = NULL, *grid = plan_grid(rings);
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
		os = xstrdup(json_text(g, "os"));
		while ((next = json_array_get(rings, i + 1)) != NULL &&
		    !json_is_true(json_object_get(next, "eligible")) &&
		    strcmp(json_text(next, "ring"), json_text(g, "ring")) == 0 &&
		    strcmp(json_text(next, "not_eligible"), json_text(g, "not_eligible")) == 0) {
			strappend(&os, ",%s", json_text(next, "os"));
			i++;
		}
		line = xasprintf("%s %s: not eligible for hotpatch (%s): the LCU with a restart "
		    "every month", json_text(g, "ring"), os, json_text(g, "not_eligible"));
		append_wrapped(&s, line, 4);
		free(line);
		free(os);
	}
	append_risks(&s, rings);
	return s;
}
