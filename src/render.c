/*
 * render.c: the text hotpatchctl prints for the calendar, ring and blackout
 * commands, made from the JSON they answer (see views.c).  Pure: colour is
 * an argument, so each renderer is tested on its own (check_views).
 */
#include "render.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- calendar: status, os list, calendar, month, next ---- */

/* "2026-11-10T18:00:00Z" -> "2026-11-10 18:00" */
static char *
short_instant(const char *iso, char *buf)
{
	snprintf(buf, 17, "%.10s %.5s", iso, strlen(iso) >= 16 ? iso + 11 : "");
	return buf;
}

/* Was the month's published answer made at run time (hotpatchctl publish)? */
static bool
runtime_published(const json_t *row)
{
	return strcmp(view_text(json_object_get(row, "published"), "from"), "runtime") == 0;
}

/*
 * "baseline*" for an unplanned baseline, "hotpatch~" for a planned month, "!"
 * override, "+" published at run time.
 */
static char *
kind_mark(const json_t *row, char *buf, size_t len)
{
	const char *src = view_text(row, "source");

	snprintf(buf, len, "%s%s%s", view_text(row, "kind"),
	    json_is_true(json_object_get(row, "unplanned")) ? "*" : "",
	    strcmp(src, "planned") == 0 ? "~" : strcmp(src, "override") == 0 ? "!" :
	    runtime_published(row) ? "+" : "");
	return buf;
}

/* "published (run time)" or the source as it is. */
static const char *
source_words(const json_t *row)
{
	return runtime_published(row) ? "published (run time)" : view_text(row, "source");
}

/* One line per conflict between a run-time answer and the calendar file (view_conflict_line). */
static void
conflict_lines(struct textbuf *s, const json_t *conflicts)
{
	const json_t *c;
	size_t i;

	json_array_foreach(conflicts, i, c) {
		char *line = view_conflict_line(c);

		textbuf_printf(s, "%s\n", line);
		free(line);
	}
}

/* For month rows: who published each run-time answer and when, then the conflicts. */
static void
provenance_lines(struct textbuf *s, const json_t *rows)
{
	const json_t *row, *pub;
	json_t *conflicts = json_array();
	size_t i;

	json_array_foreach(rows, i, row) {
		pub = json_object_get(row, "published");
		if (runtime_published(row))
			textbuf_printf(s, "%s %s  published at run time by %s at %s (%s)\n",
			    view_text(row, "os"), view_text(row, "month"), view_text(pub, "who"),
			    view_text(pub, "at"), view_text(pub, "origin"));
		if (json_is_object(json_object_get(row, "conflict")))
			json_array_append(conflicts, json_object_get(row, "conflict"));
	}
	conflict_lines(s, conflicts);
	json_decref(conflicts);
}

/* One line per stale OS (view_stale_line); nothing when all is current. */
static void
stale_lines(struct textbuf *s, const json_t *j)
{
	const json_t *st;
	size_t i;

	json_array_foreach(json_object_get(j, "stale"), i, st) {
		char *line = view_stale_line(st);

		textbuf_printf(s, "%s\n", line);
		free(line);
	}
}

/*
 * A key and its value, as status and ring show answer: the value wraps
 * under itself on a narrow terminal.
 */
static const struct table_col key_value[] = {
	{ NULL, 0, TF_KEEP, 0, 0 },
	{ NULL, 0, TF_WRAP, 16, 0 },
};

static const char legend[] =
    "* unplanned baseline  ~ planned (not published)  ! override  + published at run time\n";

char *
render_status(const json_t *j, struct layout *lo)
{
	struct table *t = table_new_cols(key_value, 2);
	json_int_t up = json_integer_value(json_object_get(j, "uptime"));
	struct textbuf s;
	char buf[256];

	snprintf(buf, sizeof(buf), "hotpatchd %s (protocol %d)", view_text(j, "version"),
	    (int)json_integer_value(json_object_get(j, "protocol")));
	table_row(t, "version", buf);
	snprintf(buf, sizeof(buf), "%lldd %02lldh %02lldm (since %s)", (long long)up / 86400,
	    (long long)up % 86400 / 3600, (long long)up % 3600 / 60, view_text(j, "started_at"));
	table_row(t, "uptime", buf);
	snprintf(buf, sizeof(buf), "%s (schema %d)", view_text(j, "database"),
	    (int)json_integer_value(json_object_get(j, "schema")));
	table_row(t, "database", buf);
	table_row(t, "socket", view_text(j, "socket"));
	snprintf(buf, sizeof(buf), "%s (%d OSes, %d published months)", view_text(j, "calendar"),
	    (int)json_integer_value(json_object_get(j, "os")),
	    (int)json_integer_value(json_object_get(j, "published")));
	table_row(t, "calendar", buf);
	snprintf(buf, sizeof(buf), "%s (%d rings, %d blackouts)", view_text(j, "schedules"),
	    (int)json_integer_value(json_object_get(j, "rings")),
	    (int)json_integer_value(json_object_get(j, "blackouts")));
	table_row(t, "schedules", buf);
	snprintf(buf, sizeof(buf), "%d (%d made at run time)",
	    (int)json_integer_value(json_object_get(j, "overrides")),
	    (int)json_integer_value(json_object_get(j, "runtime_overrides")));
	table_row(t, "overrides", buf);
	snprintf(buf, sizeof(buf), "%lld months (%zu in conflict with the calendar file)",
	    (long long)json_integer_value(json_object_get(j, "published_runtime")),
	    json_array_size(json_object_get(j, "conflicts")));
	table_row(t, "published at run time", buf);
	if (json_integer_value(json_object_get(j, "detached_overrides")) +
	    json_integer_value(json_object_get(j, "detached_blackouts")) > 0) {
		snprintf(buf, sizeof(buf), "%lld overrides, %lld blackouts (their OS or ring is "
		    "gone; see override list, blackout list)",
		    (long long)json_integer_value(json_object_get(j, "detached_overrides")),
		    (long long)json_integer_value(json_object_get(j, "detached_blackouts")));
		table_row(t, "detached", buf);
	}
	snprintf(buf, sizeof(buf), "%lld served, %d connected",
	    (long long)json_integer_value(json_object_get(j, "requests")),
	    (int)json_integer_value(json_object_get(j, "clients")));
	table_row(t, "requests", buf);
	table_row(t, "feeds", json_is_string(json_object_get(j, "feed_url")) ?
	    view_text(j, "feed_url") : "off (no HTTP listener)");
	if (json_is_string(json_object_get(j, "public_url")))
		table_row(t, "public URL", view_text(j, "public_url"));
	s = textbuf_of(table_layout(t, lo));
	table_free(t);
	conflict_lines(&s, json_object_get(j, "conflicts"));
	stale_lines(&s, j);
	return s.s;
}

/* A JSON array of strings joined by sep, into buf. */
static char *
join(const json_t *a, const char *sep, char *buf, size_t len)
{
	size_t i, n = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(a, i, v) {
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? sep : "",
		    json_is_string(v) ? json_string_value(v) : "?");
		if (n >= len)
			break;
	}
	return buf;
}

char *
render_os_list(const json_t *j, struct layout *lo)
{
	static const struct table_col cols[] = {
		{ "OS", 0, TF_KEEP, 0, 0 },
		{ "HOTPATCH SINCE", 3, TF_KEEP, 0, 0 },
		{ "ARCH", 2, TF_KEEP, 0, 0 },
		{ "THIS MONTH", 1, TF_KEEP, 0, 0 },
		{ "NAME", 4, TF_CUT, 12, 0 },
	};
	struct table *t = table_new_cols(cols, (int)ARRAY_LEN(cols));
	size_t i;
	json_t *o;
	char *s, arch[32], kind[32], cur[48];

	json_array_foreach(json_object_get(j, "os"), i, o) {
		const json_t *c = json_object_get(o, "current");
		snprintf(cur, sizeof(cur), "%s %s", view_text(c, "month"), kind_mark(c, kind, sizeof(kind)));
		table_row(t, view_text(o, "os"), json_is_null(json_object_get(o, "hotpatch_start")) ?
		    view_text(o, "hotpatch") : view_text(o, "hotpatch_start"),
		    join(json_object_get(o, "arch"), ",", arch, sizeof(arch)), cur, view_text(o, "name"));
	}
	s = table_layout(t, lo);
	table_free(t);
	return s;
}

/* One OS in detail: every column of its calendar entry. */
static char *
render_calendar_one(const json_t *months, struct layout *lo)
{
	static const struct table_col cols[] = {
		{ "MONTH", 0, TF_KEEP, 0, 0 },
		{ "PATCH TUESDAY", 5, TF_KEEP, 0, 0 },
		{ "RELEASE (UTC)", 4, TF_KEEP, 0, 0 },
		{ "KIND", 0, TF_KEEP, 0, 0 },
		{ "RESTART", 1, TF_KEEP, 0, 0 },
		{ "SOURCE", 3, TF_CUT, 9, 0 },
		{ "KB", 2, TF_KEEP, 0, 0 },
		{ "BUILD", 6, TF_KEEP, 0, 0 },
	};
	struct table *t = table_new_cols(cols, (int)ARRAY_LEN(cols));
	size_t i;
	json_t *row;
	struct textbuf s;
	char rel[20], kind[32];

	json_array_foreach(months, i, row) {
		table_row(t, view_text(row, "month"), view_text(row, "patch_tuesday"),
		    short_instant(view_text(row, "release_at"), rel), kind_mark(row, kind, sizeof(kind)),
		    json_is_true(json_object_get(row, "restart")) ? "yes" : "no",
		    source_words(row), view_text(row, "kb"), view_text(row, "build"));
	}
	s = textbuf_of(table_layout(t, lo));
	table_free(t);
	json_array_foreach(months, i, row) {
		if (json_is_string(json_object_get(row, "note")))
			textbuf_printf(&s, "%s  %s\n", view_text(row, "month"), view_text(row, "note"));
		if (json_is_object(json_object_get(row, "override")))
			textbuf_printf(&s, "%s  override: %s (by %s)\n", view_text(row, "month"),
			    view_text(json_object_get(row, "override"), "reason"),
			    view_text(json_object_get(row, "override"), "who"));
	}
	return s.s;
}

/* Every OS at a glance: one row per month, one column per OS. */
static char *
render_calendar_grid(const json_t *months, const char **ids, size_t nids,
    struct layout *lo)
{
	size_t n = json_array_size(months) / nids;
	/* The dates go before any OS; of the OSes, the rightmost first. */
	struct table_col *cols = xcalloc(nids + 3, sizeof(*cols));
	const char **cells = xcalloc(nids + 3, sizeof(*cells));
	char (*kind)[32] = xcalloc(nids, sizeof(*kind)), rel[20];
	struct table *t;
	char *s;

	cols[0] = (struct table_col){ "MONTH", 0, TF_KEEP, 0, 0 };
	cols[1] = (struct table_col){ "PATCH TUESDAY", (int)nids + 2, TF_KEEP, 0, 0 };
	cols[2] = (struct table_col){ "RELEASE (UTC)", (int)nids + 1, TF_KEEP, 0, 0 };
	for (size_t k = 0; k < nids; k++)
		cols[k + 3] = (struct table_col){ ids[k], k == 0 ? 0 : (int)k, TF_KEEP, 0, 0 };
	t = table_new_cols(cols, (int)nids + 3);
	for (size_t row = 1; row <= n; row++) {
		const json_t *first = json_array_get(months, row - 1);

		cells[0] = view_text(first, "month");
		cells[1] = view_text(first, "patch_tuesday");
		cells[2] = short_instant(view_text(first, "release_at"), rel);
		for (size_t k = 0; k < nids; k++)
			cells[k + 3] = kind_mark(json_array_get(months, k * n + row - 1),
			    kind[k], sizeof(kind[k]));
		table_row_v(t, cells);
	}
	s = table_layout(t, lo);
	table_free(t);
	free(cols);
	free(cells);
	free(kind);
	return s;
}

char *
render_calendar(const json_t *j, struct layout *lo)
{
	const json_t *months = json_object_get(j, "months"), *row;
	const char *ids[64];
	size_t nids = 0, i;
	struct textbuf s;

	json_array_foreach(months, i, row) {
		if (nids == 0 || strcmp(ids[nids - 1], view_text(row, "os")) != 0) {
			if (nids == ARRAY_LEN(ids))
				break;
			ids[nids++] = view_text(row, "os");
		}
	}
	if (nids == 0)
		return xstrdup("");
	s = textbuf_of(nids == 1 ? render_calendar_one(months, lo) :
	    render_calendar_grid(months, ids, nids, lo));
	json_array_foreach(json_object_get(j, "out_of_band"), i, row)
		textbuf_printf(&s, "out-of-band %s %s: %s%s%s, %s\n", view_text(row, "date"), view_text(row, "os"),
		    view_text(row, "kb"), json_is_string(json_object_get(row, "build")) ? " build " : "",
		    json_is_string(json_object_get(row, "build")) ? view_text(row, "build") : "",
		    json_is_true(json_object_get(row, "restart")) ? "restart" : "no restart");
	textbuf_printf(&s, "%s", legend);
	provenance_lines(&s, months);
	stale_lines(&s, j);
	return s.s;
}

/* OS rows with kind, restart, source, release, KB and build. */
static char *
render_os_rows(const json_t *rows, struct layout *lo)
{
	static const struct table_col cols[] = {
		{ "OS", 0, TF_KEEP, 0, 0 },
		{ "MONTH", 0, TF_KEEP, 0, 0 },
		{ "RELEASE (UTC)", 3, TF_KEEP, 0, 0 },
		{ "KIND", 0, TF_KEEP, 0, 0 },
		{ "RESTART", 1, TF_KEEP, 0, 0 },
		{ "SOURCE", 4, TF_CUT, 9, 0 },
		{ "KB", 2, TF_KEEP, 0, 0 },
	};
	struct table *t = table_new_cols(cols, (int)ARRAY_LEN(cols));
	size_t i;
	json_t *row;
	struct textbuf s;
	char rel[20], kind[32];

	json_array_foreach(rows, i, row)
		table_row(t, view_text(row, "os"), view_text(row, "month"),
		    short_instant(view_text(row, "release_at"), rel), kind_mark(row, kind, sizeof(kind)),
		    json_is_true(json_object_get(row, "restart")) ? "yes" : "no",
		    source_words(row), view_text(row, "kb"));
	s = textbuf_of(table_layout(t, lo));
	table_free(t);
	textbuf_printf(&s, "%s", legend);
	return s.s;
}

char *
render_month(const json_t *j, struct layout *lo)
{
	struct textbuf s = textbuf_of(render_os_rows(json_object_get(j, "os"), lo));

	provenance_lines(&s, json_object_get(j, "os"));
	stale_lines(&s, j);
	return s.s;
}

char *
render_next(const json_t *j, struct layout *lo)
{
	const json_t *rows = json_object_get(j, "releases");
	const json_t *win = json_object_get(j, "windows");
	struct textbuf s = { 0 };
	char rel[20];

	if (json_array_size(rows) > 0)
		textbuf_printf(&s, "next release after %s: %s UTC\n\n", view_text(j, "now"),
		    short_instant(view_text(json_array_get(rows, 0), "release_at"), rel));
	else
		textbuf_add(&s, "", 0);
	{
		char *t = render_os_rows(rows, lo);
		textbuf_printf(&s, "%s", t);
		free(t);
	}
	if (json_array_size(win) > 0) {
		char *t = render_window_rows(win, lo);
		textbuf_printf(&s, "\nnext install for ring %s (the first whose window is not over yet):\n%s",
		    view_text(j, "ring"), t);
		free(t);
	}
	return s.s;
}

/* ---- rings ---- */

static int
jint(const json_t *o, const char *key)
{
	return (int)json_integer_value(json_object_get(o, key));
}

/* "yes", or "no" with the reasons, for every OS of the ring. */
static char *
eligibility_text(const json_t *el)
{
	size_t i, yes = 0;
	json_t *e;
	struct textbuf s = { 0 };

	json_array_foreach(el, i, e)
		yes += json_is_true(json_object_get(e, "eligible"));
	if (yes == json_array_size(el))
		return xstrdup("yes");
	json_array_foreach(el, i, e)
		if (!json_is_true(json_object_get(e, "eligible")))
			textbuf_printf(&s, "%sno for %s: %s", s.s ? "; " : "", view_text(e, "os"),
			    view_text(e, "reason"));
	return s.s;
}

/* Each OS's restart total, "4" or "4,7" in the order of the OS column. */
static char *
restart_totals(const json_t *rs, char *buf, size_t len)
{
	size_t i, n = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(json_object_get(rs, "os"), i, e)
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%d", i ? "," : "", jint(e, "total"));
	return buf;
}

char *
render_rings(const json_t *j, struct layout *lo)
{
	struct table_col cols[] = {
		{ "RING", 0, TF_KEEP, 0, 0 },
		{ "OS", 3, TF_CUT, 10, 0 },
		{ "DEFER", 4, TF_KEEP, 0, 0 },
		{ "DEADLINE", 5, TF_KEEP, 0, 0 },
		{ "GRACE", 6, TF_KEEP, 0, 0 },
		{ "TIMEZONE", 7, TF_CUT, 12, 0 },
		{ "RESTARTS", 2, TF_KEEP, 0, 0 },	/* "RESTARTS 2026" */
		{ "HOTPATCH", 1, TF_CUT, 8, 0 },
		{ "NAME", 8, TF_CUT, 8, 0 },
	};
	const json_t *rings = json_object_get(j, "rings");
	struct table *t;
	size_t i, k;
	json_t *g, *o;
	char *s, head[32] = "RESTARTS";

	if (json_array_size(rings) > 0)
		snprintf(head, sizeof(head), "RESTARTS %d",
		    jint(json_object_get(json_array_get(rings, 0), "restarts"), "year"));
	cols[6].head = head;
	t = table_new_cols(cols, (int)ARRAY_LEN(cols));
	json_array_foreach(rings, i, g) {
		char os[256] = "", n[3][12], rs[64];
		char *el = eligibility_text(json_object_get(g, "eligibility"));
		size_t len = 0;

		json_array_foreach(json_object_get(g, "os"), k, o)
			len += (size_t)snprintf(os + len, len < sizeof(os) ? sizeof(os) - len : 0,
			    "%s%s", k ? "," : "", json_string_value(o));
		snprintf(n[0], sizeof(n[0]), "%dd", jint(g, "deferral_days"));
		snprintf(n[1], sizeof(n[1]), "%dd", jint(g, "deadline_days"));
		snprintf(n[2], sizeof(n[2]), "%dd", jint(g, "grace_days"));
		table_row(t, view_text(g, "ring"), os, n[0], n[1], n[2], view_text(g, "timezone"),
		    restart_totals(json_object_get(g, "restarts"), rs, sizeof(rs)), el,
		    view_text(g, "name"));
		free(el);
	}
	s = table_layout(t, lo);
	table_free(t);
	return s;
}

char *
render_ring_show(const json_t *j, struct layout *lo)
{
	struct table *t = table_new_cols(key_value, 2);
	size_t i;
	json_t *e;
	char *s, buf[512];

	snprintf(buf, sizeof(buf), "%s (%s)", view_text(j, "ring"), view_text(j, "name"));
	table_row(t, "ring", buf);
	snprintf(buf, sizeof(buf), "%s:%d", view_text(j, "file"), jint(j, "line"));
	table_row(t, "defined at", buf);
	snprintf(buf, sizeof(buf), "deferral %dd, deadline %dd, grace %dd", jint(j, "deferral_days"),
	    jint(j, "deadline_days"), jint(j, "grace_days"));
	table_row(t, "quality updates", buf);
	table_row(t, "time zone", view_text(j, "timezone"));
	/* One row each: a group name may be long, and may hold a comma. */
	json_array_foreach(json_object_get(j, "groups"), i, e)
		table_row(t, i == 0 ? "groups" : "", json_string_value(e));
	snprintf(buf, sizeof(buf), "%s%s, VBS %s, %s", view_text(j, "arch"),
	    strcmp(view_text(j, "arch"), "arm64") != 0 ? "" :
	    json_is_true(json_object_get(j, "chpe_disabled")) ? " (CHPE disabled)" : " (CHPE enabled)",
	    json_is_true(json_object_get(j, "vbs")) ? "running" : "off",
	    json_is_true(json_object_get(j, "licensed")) ? "eligible edition and licence" :
	    "edition or licence not eligible (e.g. Pro), or not enrolled through Azure Arc");
	table_row(t, "devices", buf);
	if (!json_is_true(json_object_get(j, "hotpatch")))
		snprintf(buf, sizeof(buf), "off");
	else if (json_is_string(json_object_get(j, "hotpatch_since")))
		snprintf(buf, sizeof(buf), "on since %s", view_text(j, "hotpatch_since"));
	else if (!json_is_true(json_object_get(j, "hotpatch_set")))
		snprintf(buf, sizeof(buf), "on where the OS turns it on by default");
	else
		snprintf(buf, sizeof(buf), "on");
	table_row(t, "hotpatch", buf);
	table_row(t, "expedited", json_is_true(json_object_get(j, "expedite")) ?
	    "follows expedited releases (deferral 0, deadline 1d, grace 1d)" : "keeps its own days");
	json_array_foreach(json_object_get(j, "upgrades"), i, e) {
		snprintf(buf, sizeof(buf), "%s -> %s in %s", view_text(e, "from"), view_text(e, "to"),
		    view_text(e, "month"));
		table_row(t, i == 0 ? "feature updates" : "", buf);
	}
	json_array_foreach(json_object_get(j, "eligibility"), i, e) {
		snprintf(buf, sizeof(buf), "%s: %s%s%s", view_text(e, "os"),
		    json_is_true(json_object_get(e, "eligible")) ? "eligible (hotpatch months: " HOTPATCH_NO_RESTART ")" :
		    "not eligible, LCU with restart every month: ",
		    json_is_true(json_object_get(e, "eligible")) ? "" : view_text(e, "reason"), "");
		table_row(t, i == 0 ? "eligibility" : "", buf);
	}
	json_array_foreach(json_object_get(json_object_get(j, "restarts"), "os"), i, e) {
		char head[32];

		snprintf(head, sizeof(head), "restarts in %d",
		    jint(json_object_get(j, "restarts"), "year"));
		snprintf(buf, sizeof(buf), "%s: %d (%d baselines, %d unplanned, %d LCU months, "
		    "%d catch-up, %d off-baseline LCU, %d out-of-band)", view_text(e, "os"),
		    jint(e, "total"), jint(e, "baseline"), jint(e, "unplanned"), jint(e, "lcu"),
		    jint(e, "catchup"), jint(e, "offbase"), jint(e, "oob"));
		table_row(t, i == 0 ? head : "", buf);
	}
	json_array_foreach(json_object_get(j, "windows"), i, e)
		table_row(t, i == 0 ? "windows" : "", view_text(e, "text"));
	if (json_array_size(json_object_get(j, "windows")) == 0)
		table_row(t, "windows", "none");
	json_array_foreach(json_object_get(j, "blackouts"), i, e) {
		snprintf(buf, sizeof(buf), "%s .. %s  %s %s%s%s%s", view_text(e, "from"),
		    view_text(e, "to"), view_text(e, "kind"), view_text(e, "name"),
		    json_is_true(json_object_get(e, "global")) ? " (all rings)" : "",
		    json_is_string(json_object_get(e, "repeats")) ? ", repeats " : "",
		    json_is_string(json_object_get(e, "repeats")) ? view_text(e, "repeats") : "");
		table_row(t, i == 0 ? "blackouts" : "", buf);
	}
	if (json_is_integer(json_object_get(j, "reminder_min"))) {
		snprintf(buf, sizeof(buf), "%d minutes before each window", jint(j, "reminder_min"));
		table_row(t, "reminder", buf);
	}
	s = table_layout(t, lo);
	table_free(t);
	return s;
}

/* ---- blackouts ---- */

/* "2026-12-21" or "2026-12-24 18:00Z" from a JSON from/to value. */
static const char *
bound_text(const json_t *o, const char *key, char *buf, size_t size)
{
	const char *s = view_text(o, key);

	if (strlen(s) == 20 && s[10] == 'T') {
		snprintf(buf, size, "%.10s %.5sZ", s, s + 11);
		return buf;
	}
	return s;
}

/* "every year", "FREQ=WEEKLY;BYDAY=FR", or NULL for a blackout that happens once. */
static const char *
repeats_text(const json_t *b)
{
	return json_string_value(json_object_get(b, "repeats"));
}

/* "#7 'year-end freeze' 2026-12-21..2027-01-03 (all rings)", and how it repeats. */
static void
blackout_line(struct textbuf *s, const json_t *b)
{
	const json_t *ring = json_object_get(b, "ring");
	const char *rep = repeats_text(b);
	char f[32], t[32];

	textbuf_printf(s, "#%lld '%s' %s..%s (%s%s)", (long long)json_integer_value(
	    json_object_get(b, "id")), view_text(b, "name"), bound_text(b, "from", f, sizeof(f)),
	    bound_text(b, "to", t, sizeof(t)), json_is_string(ring) ? "ring " : "all rings",
	    json_is_string(ring) ? json_string_value(ring) : "");
	if (rep != NULL)
		textbuf_printf(s, ", repeats %s", rep);
}

/* "(all rings)" or "(ring pilot)" */
static const char *
rings_text(const json_t *j, char *buf, size_t len)
{
	const json_t *ring = json_object_get(j, "ring");

	snprintf(buf, len, "%s%s", json_is_string(ring) ? "ring " : "all rings",
	    json_is_string(ring) ? json_string_value(ring) : "");
	return buf;
}

static long long
int_of(const json_t *j, const char *key)
{
	return (long long)json_integer_value(json_object_get(j, key));
}

char *
render_blackout_change(const json_t *j, struct layout *lo)
{
	const char *action = view_text(j, "action");
	const json_t *list = json_object_get(j, "first"), *b;
	struct textbuf s = { 0 };
	char rings[48];
	size_t i;

	if (strcmp(action, "remove") == 0 && json_object_get(j, "import") != NULL) {
		textbuf_printf(&s, "import '%s' removed: %lld blackout%s (%s), by %s\n",
		    view_text(j, "import"), int_of(j, "removed"), int_of(j, "removed") == 1 ? "" :
		    "s", rings_text(j, rings, sizeof(rings)), view_text(j, "who"));
		return s.s;
	}
	if (strcmp(action, "import") != 0) {
		textbuf_printf(&s, "blackout %s: ", strcmp(action, "add") == 0 ? "added" : "removed");
		blackout_line(&s, json_object_get(j, "blackout"));
		textbuf_printf(&s, ", by %s\n", view_text(j, "who"));
		return s.s;
	}
	textbuf_printf(&s, "imported %s as '%s' (%s): %lld entr%s, %lld repeating; %lld added, "
	    "%lld updated, %lld unchanged, %lld removed, by %s\n", view_text(j, "file"),
	    view_text(j, "import"), rings_text(j, rings, sizeof(rings)), int_of(j, "count"),
	    int_of(j, "count") == 1 ? "y" : "ies", int_of(j, "repeating"), int_of(j, "added"),
	    int_of(j, "updated"), int_of(j, "unchanged"), int_of(j, "removed"),
	    view_text(j, "who"));
	json_array_foreach(list, i, b) {
		textbuf_printf(&s, "  ");
		blackout_line(&s, b);
		textbuf_printf(&s, "\n");
	}
	if ((size_t)int_of(j, "count") > json_array_size(list))
		textbuf_printf(&s, "  ... and %zu more (see hotpatchctl blackout list)\n",
		    (size_t)int_of(j, "count") - json_array_size(list));
	return s.s;
}

char *
render_blackout_list(const json_t *j, struct layout *lo)
{
	static const struct table_col cols[] = {
		{ "ID", 0, TF_KEEP, 0, 0 },
		{ "RING", 1, TF_KEEP, 0, 0 },
		{ "KIND", 3, TF_KEEP, 0, 0 },
		{ "FROM", 0, TF_KEEP, 0, 0 },
		{ "TO", 0, TF_KEEP, 0, 0 },
		{ "REPEATS", 4, TF_CUT, 10, 0 },
		{ "NAME", 2, TF_CUT, 8, 0 },
		{ "ORIGIN", 5, TF_CUT, 8, 0 },
	};
	const json_t *list = json_object_get(j, "blackouts"), *b, *ring;
	struct table *t;
	char id[24], f[32], to[32], at[32], *origin, *s;
	size_t i;

	if (json_array_size(list) == 0)
		return xstrdup("no blackouts\n");
	t = table_new_cols(cols, (int)ARRAY_LEN(cols));
	json_array_foreach(list, i, b) {
		ring = json_object_get(b, "ring");
		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(
		    json_object_get(b, "id")));
		if (strcmp(view_text(b, "origin"), "runtime") == 0)
			origin = xasprintf("runtime by %s at %s%s%s%s", view_text(b, "who"),
			    bound_text(b, "at", at, sizeof(at)),
			    json_is_string(json_object_get(b, "import")) ? ", import " : "",
			    json_is_string(json_object_get(b, "import")) ? view_text(b, "import") : "",
			    json_is_true(json_object_get(b, "detached")) ?
			    ", detached: ring gone" : "");
		else
			origin = xstrdup(view_text(b, "who"));
		table_row(t, id, json_is_string(ring) ? json_string_value(ring) : "all",
		    view_text(b, "kind"), bound_text(b, "from", f, sizeof(f)), bound_text(b, "to", to, sizeof(to)),
		    repeats_text(b) != NULL ? repeats_text(b) : "-", view_text(b, "name"), origin);
		free(origin);
	}
	s = table_layout(t, lo);
	table_free(t);
	return s;
}
