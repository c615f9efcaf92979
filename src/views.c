/*
 * views.c: the model as JSON.  The control commands answer these shapes and
 * the site renders its pages from them, so a key is named in one place.
 */
#include "blackout_ics.h"
#include "calendar.h"
#include "record.h"
#include "rings.h"
#include "util.h"
#include "views.h"

#include <stdio.h>

json_t *
view_instant(time_t t)
{
	char buf[32];

	return json_string(utc_format(t, UTC_ISO8601, buf, sizeof(buf)));
}

/* A UTC instant, or null for 0 (the engine's "does not apply"). */
static json_t *
instant_or_null(time_t t)
{
	return t != 0 ? view_instant(t) : json_null();
}

json_t *
view_str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

const char *
view_text(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "-";
}

/* t as local time in zone tz, "2026-11-20T22:00+01:00"; null for 0. */
static json_t *
local_instant(const char *tz, time_t t)
{
	struct localtime lt;
	int off;
	char buf[40];

	if (t == 0)
		return json_null();
	win_to_local(tz, t, &lt);
	off = lt.utc_offset < 0 ? -lt.utc_offset : lt.utc_offset;
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d%c%02d:%02d", lt.date.y, lt.date.m,
	    lt.date.d, lt.minute / 60, lt.minute % 60, lt.utc_offset < 0 ? '-' : '+',
	    off / 3600, off % 3600 / 60);
	return json_string(buf);
}

json_t *
view_restarts(const struct restarts *rs)
{
	return json_pack("{s:i,s:i,s:i,s:i,s:i}", "baseline", rs->baseline,
	    "unplanned", rs->unplanned, "lcu", rs->lcu, "oob", rs->oob, "total", rs->total);
}

json_t *
view_ring_restarts(const struct caldata *cal, const struct ring *g, int year)
{
	json_t *a = json_array();

	for (size_t i = 0; i < g->nos; i++) {
		const struct os_def *os = caldata_find_os(cal, g->os[i]);
		struct restarts rs;
		json_t *o, *counts;

		if (os == NULL)
			continue;
		win_restarts(cal, g, os, year, &rs);
		/* "os" first: the keys keep the order they are set in. */
		o = json_pack("{s:s}", "os", os->id);
		counts = view_restarts(&rs);
		json_object_update(o, counts);
		json_decref(counts);
		json_array_append_new(a, o);
	}
	return json_pack("{s:i,s:o}", "year", year, "os", a);
}

/* Per OS of the ring: eligible or not, and why not. */
static json_t *
eligibility(const struct caldata *cal, const struct ring *g)
{
	json_t *a = json_array();

	for (size_t i = 0; i < g->nos; i++) {
		const struct os_def *os = caldata_find_os(cal, g->os[i]);
		const char *why = "unknown OS";
		bool ok = os != NULL && ring_eligible(g, os, &why);

		json_array_append_new(a, json_pack("{s:s,s:b,s:o}", "os", g->os[i],
		    "eligible", ok, "reason", view_str_or_null(ok ? NULL : why)));
	}
	return a;
}

json_t *
view_ring(const struct caldata *cal, const struct ring *g, int year)
{
	/* The stored fields come from the descriptor, in its order; then what is derived. */
	json_t *o = record_json(&rec_ring, g);

	json_object_set_new(o, "eligibility", eligibility(cal, g));
	json_object_set_new(o, "restarts", view_ring_restarts(cal, g, year));
	return o;
}

json_t *
view_install(const struct ring *g, const struct install *in)
{
	json_t *o = json_object();
	char m[8], why[WIN_REASON_MAX];

	json_object_set_new(o, "os", json_string(in->os->id));
	json_object_set_new(o, "ring", json_string(g->id));
	json_object_set_new(o, "month", json_string(ym_format(in->month, m)));
	json_object_set_new(o, "kind", json_string(kind_name(in->kind)));
	json_object_set_new(o, "release_at", view_instant(in->release_at));
	json_object_set_new(o, "offered_at", view_instant(in->offered_at));
	json_object_set_new(o, "install_deadline", view_instant(in->install_deadline));
	json_object_set_new(o, "restart_deadline",
	    in->restart ? instant_or_null(in->restart_deadline) : json_null());
	json_object_set_new(o, "restart", json_boolean(in->restart));
	json_object_set_new(o, "window_start", instant_or_null(in->window_start));
	json_object_set_new(o, "window_end", instant_or_null(in->window_end));
	json_object_set_new(o, "window_start_local", local_instant(g->timezone, in->window_start));
	json_object_set_new(o, "window_end_local", local_instant(g->timezone, in->window_end));
	json_object_set_new(o, "timezone", json_string(g->timezone));
	json_object_set_new(o, "status", json_string(win_status_name(in->status)));
	json_object_set_new(o, "reason", json_string(win_reason(in, g, why, sizeof(why))));
	json_object_set_new(o, "source", json_string(source_name(in->mi.source)));
	json_object_set_new(o, "unplanned", json_boolean(in->mi.unplanned));
	json_object_set_new(o, "eligible", json_boolean(in->eligible));
	json_object_set_new(o, "not_eligible", view_str_or_null(in->eligible ? NULL : in->not_eligible));
	json_object_set_new(o, "blackout", view_str_or_null(in->blackout ? in->blackout->name : NULL));
	return o;
}

/*
 * "Next" for a ring is the first month whose install is still ahead: its
 * window has not ended yet (or, when it has no window, its offer is still to
 * come).  It is not the month of the next release: in the week after Patch
 * Tuesday the next release is a month away, but this month's update has not
 * been installed yet, and that install is what a planner asking about a ring
 * needs to see.  A window that is open right now counts as ahead: the install
 * is happening.
 */
static bool
install_ahead(const struct install *in, time_t now)
{
	return in->status == WS_NONE ? in->offered_at > now : in->window_end > now;
}

json_t *
view_next_windows(const struct caldata *cal, const struct ringset *rings, const struct ring *g,
    const struct os_def *only, time_t now)
{
	json_t *rows = json_array();
	ym_t cur = ym_of_time(now);

	for (size_t i = 0; i < g->nos; i++) {
		const struct os_def *os = caldata_find_os(cal, g->os[i]);
		struct install in;

		if (os == NULL || (only != NULL && os != only))
			continue;
		/*
		 * Two months back: an install is found before the next month's
		 * offer, at most 30 days after a release, so the one of two
		 * months ago may still lie in this month.  The offer of next
		 * month's release is always ahead, so the walk ends there.
		 */
		for (ym_t m = cur - 2; m <= cur + 1; m++) {
			win_install(cal, rings, g, os, m, &in);
			if (install_ahead(&in, now))
				break;
		}
		json_array_append_new(rows, view_install(g, &in));
	}
	return rows;
}

/* One plan cell: the install of one month, the parts the grid shows. */
static json_t *
plan_month(const struct ring *g, const struct install *in)
{
	char m[8], why[WIN_REASON_MAX];

	return json_pack("{s:s,s:s,s:b,s:b,s:o,s:o,s:s,s:o,s:s}",
	    "month", ym_format(in->month, m), "kind", kind_name(in->kind),
	    "restart", in->restart, "unplanned", in->mi.unplanned,
	    "window_start", instant_or_null(in->window_start),
	    "window_start_local", local_instant(g->timezone, in->window_start),
	    "status", win_status_name(in->status),
	    "blackout", view_str_or_null(in->blackout ? in->blackout->name : NULL),
	    "reason", win_reason(in, g, why, sizeof(why)));
}

/* One plan row: ring g and OS os over the twelve months of year. */
static json_t *
plan_row(const struct caldata *cal, const struct ringset *rings, const struct ring *g,
    const struct os_def *os, int year)
{
	json_t *months = json_array();
	const char *why = NULL;
	struct restarts rs;
	bool ok;

	for (int m = 1; m <= 12; m++) {
		struct install in;

		win_install(cal, rings, g, os, ym_make(year, m), &in);
		json_array_append_new(months, plan_month(g, &in));
	}
	win_restarts(cal, g, os, year, &rs);
	ok = ring_eligible(g, os, &why);
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:o,s:o,s:o}",
	    "ring", g->id, "name", g->name, "os", os->id, "timezone", g->timezone,
	    "eligible", ok, "not_eligible", view_str_or_null(ok ? NULL : why),
	    "restarts", view_restarts(&rs), "months", months);
}

json_t *
view_plan(const struct caldata *cal, const struct ringset *rings, int year)
{
	json_t *list = json_array();

	for (size_t i = 0; i < rings->nring; i++) {
		const struct ring *g = &rings->ring[i];

		for (size_t k = 0; k < g->nos; k++) {
			const struct os_def *os = caldata_find_os(cal, g->os[k]);

			if (os != NULL)
				json_array_append_new(list, plan_row(cal, rings, g, os, year));
		}
	}
	return json_pack("{s:i,s:o}", "year", year, "rings", list);
}

json_t *
view_month(const struct caldata *cal, const struct os_def *os, ym_t month)
{
	struct month_info mi;
	char m[8], d[11];
	json_t *o, *ovr = json_null();

	cal_month(cal, os, month, &mi);
	if (mi.ovr != NULL)
		ovr = json_pack("{s:s,s:s,s:o}", "reason", mi.ovr->reason, "who",
		    mi.ovr->who ? mi.ovr->who : "", "at",
		    mi.ovr->at ? view_instant(mi.ovr->at) : json_null());
	o = json_pack("{s:s,s:s,s:s,s:o,s:s,s:b,s:s,s:b,s:o,s:o,s:o,s:o}",
	    "os", os->id, "month", ym_format(month, m), "patch_tuesday", ymd_format(mi.date, d),
	    "release_at", view_instant(mi.release_at), "kind", kind_name(mi.kind),
	    "restart", mi.restart, "source", source_name(mi.source), "unplanned", mi.unplanned,
	    "kb", view_str_or_null(mi.rel ? mi.rel->kb : NULL),
	    "build", view_str_or_null(mi.rel ? mi.rel->build : NULL),
	    "note", view_str_or_null(mi.rel ? mi.rel->note : NULL), "override", ovr);
	return o;
}

json_t *
view_oob(const struct os_def *os, const struct oob *b)
{
	char d[11];

	return json_pack("{s:s,s:s,s:s,s:o,s:b,s:o}", "os", os->id, "date",
	    ymd_format(b->date, d), "kb", b->kb, "build", view_str_or_null(b->build),
	    "restart", b->restart, "note", view_str_or_null(b->note));
}

json_t *
view_blackout(const struct blackout *b)
{
	char from[11], to[11];

	return json_pack("{s:I,s:s,s:o,s:o,s:o,s:b,s:s}", "id", (json_int_t)b->id,
	    "name", b->name, "ring", view_str_or_null(b->ring),
	    "from", b->timed ? view_instant(b->start) : json_string(ymd_format(b->from, from)),
	    "to", b->timed ? view_instant(b->end) : json_string(ymd_format(b->to, to)),
	    "timed", b->timed, "origin", b->runtime ? "runtime" : "file");
}

json_t *
view_ics_cuts(const struct ics_cut *c, size_t n)
{
	json_t *a = json_array(), *o;
	char day[11];

	for (size_t i = 0; i < n; i++) {
		o = json_pack("{s:s,s:I}", "name", c[i].name, "imported",
		    (json_int_t)c[i].imported);
		if (c[i].count > 0) {
			json_object_set_new(o, "count", json_integer(c[i].count));
			json_object_set_new(o, "after", json_integer(c[i].after));
		} else {
			json_object_set_new(o, "until", json_string(ymd_format(c[i].until, day)));
		}
		json_array_append_new(a, o);
	}
	return a;
}
