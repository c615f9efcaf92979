/*
 * cmd_calendar.c: the read-only calendar commands: status, os list, calendar,
 * month, next (with --ring, its install part comes from cmd_windows.c).
 * Handlers answer in JSON; renderers make text of that JSON.
 */
#include "calendar.h"
#include "commands.h"
#include "config.h"
#include "daemon.h"
#include "proto.h"
#include "rings.h"
#include "store.h"
#include "table.h"
#include "util.h"
#include "views.h"

#include <stdlib.h>
#include <string.h>

/* ---- JSON helpers shared by the renderers below ---- */

/* "2026-11-10T18:00:00Z" -> "2026-11-10 18:00" */
static char *
short_instant(const char *iso, char *buf)
{
	snprintf(buf, 17, "%.10s %.5s", iso, strlen(iso) >= 16 ? iso + 11 : "");
	return buf;
}

/* "baseline*" for an unplanned baseline, "hotpatch~" for a planned month, "!" override. */
static char *
kind_mark(const json_t *row, char *buf, size_t len)
{
	const char *src = json_text(row, "source");

	snprintf(buf, len, "%s%s%s", json_text(row, "kind"),
	    json_is_true(json_object_get(row, "unplanned")) ? "*" : "",
	    strcmp(src, "planned") == 0 ? "~" : strcmp(src, "override") == 0 ? "!" : "");
	return buf;
}

static const char legend[] =
    "* unplanned baseline  ~ planned (not published)  ! override\n";

/* ---- building answers ---- */

/* One OS and month as JSON, with SPEC's key names. */
static json_t *
month_json(const struct caldata *cal, const struct os_def *os, ym_t month)
{
	struct month_info mi;
	char m[8], d[11];
	json_t *o, *ovr = json_null();

	cal_month(cal, os, month, &mi);
	if (mi.ovr != NULL)
		ovr = json_pack("{s:s,s:s,s:o}", "reason", mi.ovr->reason, "who",
		    mi.ovr->who ? mi.ovr->who : "", "at",
		    mi.ovr->at ? json_instant(mi.ovr->at) : json_null());
	o = json_pack("{s:s,s:s,s:s,s:o,s:s,s:b,s:s,s:b,s:o,s:o,s:o,s:o}",
	    "os", os->id, "month", ym_format(month, m), "patch_tuesday", ymd_format(mi.date, d),
	    "release_at", json_instant(mi.release_at), "kind", kind_name(mi.kind),
	    "restart", mi.restart, "source", source_name(mi.source), "unplanned", mi.unplanned,
	    "kb", json_str_or_null(mi.rel ? mi.rel->kb : NULL),
	    "build", json_str_or_null(mi.rel ? mi.rel->build : NULL),
	    "note", json_str_or_null(mi.rel ? mi.rel->note : NULL), "override", ovr);
	return o;
}

static json_t *
oob_json(const struct os_def *os, const struct oob *b)
{
	char d[11];

	return json_pack("{s:s,s:s,s:s,s:o,s:b,s:o}", "os", os->id, "date",
	    ymd_format(b->date, d), "kb", b->kb, "build", json_str_or_null(b->build),
	    "restart", b->restart, "note", json_str_or_null(b->note));
}

/* The OS named by --os, or an error reply; NULL id means every OS (returns NULL, no error). */
static bool
select_os(struct daemon *d, const char *id, const struct os_def **os, struct reply *r)
{
	*os = NULL;
	if (id == NULL)
		return true;
	if ((*os = caldata_find_os(&d->cal, id)) != NULL)
		return true;
	reply_error(r, PROTO_NOT_FOUND, "unknown OS '%s' (see hotpatchctl os list)", id);
	return false;
}

void
cmd_status(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	time_t now = time(NULL);
	size_t runtime = 0;

	for (size_t i = 0; i < d->cal.novr; i++)
		runtime += d->cal.ovr[i].runtime;
	r->data = json_pack("{s:s,s:i,s:o,s:I,s:s,s:i,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,"
	    "s:I,s:i,s:s?}",
	    "version", PACKAGE_VERSION, "protocol", PROTO_VERSION,
	    "started_at", json_instant(d->started), "uptime", (json_int_t)(now - d->started),
	    "database", d->cfg.database, "schema", store_schema_version(d->store),
	    "socket", d->cfg.socket_path, "calendar", d->cfg.calendar,
	    "schedules", d->cfg.schedules, "os", (int)d->cal.nos,
	    "published", (int)caldata_count_published(&d->cal), "overrides", (int)d->cal.novr,
	    "runtime_overrides", (int)runtime, "rings", (int)d->rings.nring,
	    "blackouts", (int)d->rings.nbo, "requests", (json_int_t)d->requests,
	    "clients", d->clients, "feed_url", d->feed_url);
	/* Run-time items whose OS or ring left the files (daemon.h). */
	json_object_set_new(r->data, "detached_overrides", json_integer((json_int_t)d->detached_cal.novr));
	json_object_set_new(r->data, "detached_blackouts", json_integer((json_int_t)d->detached_rings.nbo));
}

char *
render_status(const json_t *j)
{
	struct table *t = table_new(2);
	json_int_t up = json_integer_value(json_object_get(j, "uptime"));
	char *s, buf[256];

	snprintf(buf, sizeof(buf), "hotpatchd %s (protocol %d)", json_text(j, "version"),
	    (int)json_integer_value(json_object_get(j, "protocol")));
	table_row(t, "version", buf);
	snprintf(buf, sizeof(buf), "%lldd %02lldh %02lldm (since %s)", (long long)up / 86400,
	    (long long)up % 86400 / 3600, (long long)up % 3600 / 60, json_text(j, "started_at"));
	table_row(t, "uptime", buf);
	snprintf(buf, sizeof(buf), "%s (schema %d)", json_text(j, "database"),
	    (int)json_integer_value(json_object_get(j, "schema")));
	table_row(t, "database", buf);
	table_row(t, "socket", json_text(j, "socket"));
	snprintf(buf, sizeof(buf), "%s (%d OSes, %d published months)", json_text(j, "calendar"),
	    (int)json_integer_value(json_object_get(j, "os")),
	    (int)json_integer_value(json_object_get(j, "published")));
	table_row(t, "calendar", buf);
	snprintf(buf, sizeof(buf), "%s (%d rings, %d blackouts)", json_text(j, "schedules"),
	    (int)json_integer_value(json_object_get(j, "rings")),
	    (int)json_integer_value(json_object_get(j, "blackouts")));
	table_row(t, "schedules", buf);
	snprintf(buf, sizeof(buf), "%d (%d made at run time)",
	    (int)json_integer_value(json_object_get(j, "overrides")),
	    (int)json_integer_value(json_object_get(j, "runtime_overrides")));
	table_row(t, "overrides", buf);
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
	    json_text(j, "feed_url") : "off (no HTTP listener)");
	s = table_render(t);
	table_free(t);
	return s;
}

void
cmd_os_list(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	ym_t now = ym_of_time(request_now(rq));
	json_t *list = json_array();

	for (size_t i = 0; i < d->cal.nos; i++) {
		const struct os_def *os = &d->cal.os[i];
		json_t *arch = json_array(), *months = json_array();
		char m[8];

		for (enum arch a = ARCH_X64; a <= ARCH_ARM64; a <<= 1)
			if (os->arch & a)
				json_array_append_new(arch, json_string(arch_name(a)));
		for (int b = 1; b <= 12; b++)
			if (os->baseline_months & (1u << b))
				json_array_append_new(months, json_integer(b));
		json_array_append_new(list, json_pack("{s:s,s:s,s:o,s:s,s:o,s:i,s:o}",
		    "os", os->id, "name", os->name, "arch", arch,
		    "hotpatch_start", ym_format(os->hotpatch_start, m),
		    "baseline_months", months, "published", (int)os->nrel,
		    "current", month_json(&d->cal, os, now)));
	}
	r->data = json_pack("{s:o}", "os", list);
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
render_os_list(const json_t *j)
{
	struct table *t = table_new(5);
	size_t i;
	json_t *o;
	char *s, arch[32], kind[32], cur[48];

	table_row(t, "OS", "HOTPATCH SINCE", "ARCH", "THIS MONTH", "NAME");
	json_array_foreach(json_object_get(j, "os"), i, o) {
		const json_t *c = json_object_get(o, "current");
		snprintf(cur, sizeof(cur), "%s %s", json_text(c, "month"), kind_mark(c, kind, sizeof(kind)));
		table_row(t, json_text(o, "os"), json_text(o, "hotpatch_start"),
		    join(json_object_get(o, "arch"), ",", arch, sizeof(arch)), cur, json_text(o, "name"));
	}
	s = table_render(t);
	table_free(t);
	return s;
}

void
cmd_calendar(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	int year = rq->year ? rq->year : ym_year(ym_of_time(request_now(rq)));
	json_t *months, *oob;
	const struct os_def *only;

	if (!select_os(d, rq->os, &only, r))
		return;
	months = json_array();
	oob = json_array();
	for (size_t i = 0; i < d->cal.nos; i++) {
		const struct os_def *os = &d->cal.os[i];

		if (only != NULL && os != only)
			continue;
		for (int m = 1; m <= 12; m++)
			json_array_append_new(months, month_json(&d->cal, os, ym_make(year, m)));
		for (size_t k = 0; k < os->noob; k++)
			if (os->oob[k].date.y == year)
				json_array_append_new(oob, oob_json(os, &os->oob[k]));
	}
	r->data = json_pack("{s:i,s:o,s:o,s:o}", "year", year, "os", json_str_or_null(rq->os),
	    "months", months, "out_of_band", oob);
}

/* One OS in detail: every column SPEC names. */
static char *
render_calendar_one(const json_t *months)
{
	struct table *t = table_new(8);
	size_t i;
	json_t *row;
	char *s, rel[20], kind[32];

	table_row(t, "MONTH", "PATCH TUESDAY", "RELEASE (UTC)", "KIND", "RESTART", "SOURCE",
	    "KB", "BUILD");
	json_array_foreach(months, i, row) {
		table_row(t, json_text(row, "month"), json_text(row, "patch_tuesday"),
		    short_instant(json_text(row, "release_at"), rel), kind_mark(row, kind, sizeof(kind)),
		    json_is_true(json_object_get(row, "restart")) ? "yes" : "no",
		    json_text(row, "source"), json_text(row, "kb"), json_text(row, "build"));
	}
	s = table_render(t);
	table_free(t);
	json_array_foreach(months, i, row) {
		if (json_is_string(json_object_get(row, "note")))
			strappend(&s, "%s  %s\n", json_text(row, "month"), json_text(row, "note"));
		if (json_is_object(json_object_get(row, "override")))
			strappend(&s, "%s  override: %s (by %s)\n", json_text(row, "month"),
			    json_text(json_object_get(row, "override"), "reason"),
			    json_text(json_object_get(row, "override"), "who"));
	}
	return s;
}

/* Every OS at a glance: one row per month, one column per OS. */
static char *
render_calendar_grid(const json_t *months, const char **ids, size_t nids)
{
	size_t n = json_array_size(months) / nids;
	struct table *t = table_new((int)nids + 3);
	const char **cells = xcalloc(nids + 3, sizeof(*cells));
	char (*kind)[32] = xcalloc(nids, sizeof(*kind)), rel[20];
	char *s;

	cells[0] = "MONTH", cells[1] = "PATCH TUESDAY", cells[2] = "RELEASE (UTC)";
	for (size_t k = 0; k < nids; k++)
		cells[k + 3] = ids[k];
	for (size_t row = 0; row <= n; row++) {
		if (row > 0) {
			const json_t *first = json_array_get(months, row - 1);
			cells[0] = json_text(first, "month");
			cells[1] = json_text(first, "patch_tuesday");
			cells[2] = short_instant(json_text(first, "release_at"), rel);
			for (size_t k = 0; k < nids; k++)
				cells[k + 3] = kind_mark(json_array_get(months, k * n + row - 1),
				    kind[k], sizeof(kind[k]));
		}
		table_row_v(t, cells);
	}
	s = table_render(t);
	table_free(t);
	free(cells);
	free(kind);
	return s;
}

char *
render_calendar(const json_t *j)
{
	const json_t *months = json_object_get(j, "months"), *row;
	const char *ids[64];
	size_t nids = 0, i;
	char *s;

	json_array_foreach(months, i, row) {
		if (nids == 0 || strcmp(ids[nids - 1], json_text(row, "os")) != 0) {
			if (nids == ARRAY_LEN(ids))
				break;
			ids[nids++] = json_text(row, "os");
		}
	}
	if (nids == 0)
		return xstrdup("");
	s = nids == 1 ? render_calendar_one(months) : render_calendar_grid(months, ids, nids);
	json_array_foreach(json_object_get(j, "out_of_band"), i, row)
		strappend(&s, "out-of-band %s %s: %s%s%s, %s\n", json_text(row, "date"), json_text(row, "os"),
		    json_text(row, "kb"), json_is_string(json_object_get(row, "build")) ? " build " : "",
		    json_is_string(json_object_get(row, "build")) ? json_text(row, "build") : "",
		    json_is_true(json_object_get(row, "restart")) ? "restart" : "no restart");
	strappend(&s, "%s", legend);
	return s;
}

void
cmd_month(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	json_t *rows;
	const struct os_def *only;
	ym_t month;

	if (!select_os(d, rq->os, &only, r) || ym_parse(rq->arg[0], &month) < 0)
		return;
	rows = json_array();
	for (size_t i = 0; i < d->cal.nos; i++)
		if (only == NULL || &d->cal.os[i] == only)
			json_array_append_new(rows, month_json(&d->cal, &d->cal.os[i], month));
	r->data = json_pack("{s:s,s:o}", "month", rq->arg[0], "os", rows);
}

/* OS rows with kind, restart, source, release, KB and build. */
static char *
render_os_rows(const json_t *rows)
{
	struct table *t = table_new(7);
	size_t i;
	json_t *row;
	char *s, rel[20], kind[32];

	table_row(t, "OS", "MONTH", "RELEASE (UTC)", "KIND", "RESTART", "SOURCE", "KB");
	json_array_foreach(rows, i, row)
		table_row(t, json_text(row, "os"), json_text(row, "month"),
		    short_instant(json_text(row, "release_at"), rel), kind_mark(row, kind, sizeof(kind)),
		    json_is_true(json_object_get(row, "restart")) ? "yes" : "no",
		    json_text(row, "source"), json_text(row, "kb"));
	s = table_render(t);
	table_free(t);
	strappend(&s, "%s", legend);
	return s;
}

char *
render_month(const json_t *j)
{
	return render_os_rows(json_object_get(j, "os"));
}

void
cmd_next(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	time_t now = request_now(rq);
	json_t *rows;
	const struct os_def *only;
	const struct ring *g = NULL;

	/* With --ring, --os must be one of the ring's OSes; without it, any OS. */
	if (rq->ring != NULL ? !select_ring(d, rq, &g, &only, r) : !select_os(d, rq->os, &only, r))
		return;
	rows = json_array();
	for (size_t i = 0; i < d->cal.nos; i++) {
		const struct os_def *os = &d->cal.os[i];
		struct month_info mi;
		ym_t m = ym_of_time(now) - 1;	/* a published date may fall late in a month */

		if ((only != NULL && os != only) || (g != NULL && !ring_has_os(g, os->id)))
			continue;
		do
			cal_month(&d->cal, os, m++, &mi);
		while (mi.release_at <= now);
		json_array_append_new(rows, month_json(&d->cal, os, mi.month));
	}
	r->data = json_pack("{s:o,s:o}", "now", json_instant(now), "releases", rows);
	if (g != NULL)
		json_object_update_new(r->data, json_pack("{s:s,s:s,s:o}", "ring", g->id,
		    "timezone", g->timezone,
		    "windows", view_next_windows(&d->cal, &d->rings, g, only, now)));
}

char *
render_next(const json_t *j)
{
	const json_t *rows = json_object_get(j, "releases");
	const json_t *win = json_object_get(j, "windows");
	char *s = NULL, rel[20];

	if (json_array_size(rows) > 0)
		strappend(&s, "next release after %s: %s UTC\n\n", json_text(j, "now"),
		    short_instant(json_text(json_array_get(rows, 0), "release_at"), rel));
	else
		s = xstrdup("");
	{
		char *t = render_os_rows(rows);
		strappend(&s, "%s", t);
		free(t);
	}
	if (json_array_size(win) > 0) {
		char *t = render_window_rows(win);
		strappend(&s, "\nnext install for ring %s (the first whose window is not over yet):\n%s",
		    json_text(j, "ring"), t);
		free(t);
	}
	return s;
}
