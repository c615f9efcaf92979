/*
 * views.c: the model as JSON.  The control commands answer these shapes and
 * the site renders its pages from them, so a key is named in one place.
 */
#include "blackout_ics.h"
#include "recur.h"
#include "calendar.h"
#include "plancell.h"
#include "planmodel.h"
#include "planrange.h"
#include "record.h"
#include "rings.h"
#include "publish.h"
#include "risk.h"
#include "stale.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	char buf[40];

	return t != 0 ? json_string(plan_local_instant(tz, t, buf, sizeof(buf))) : json_null();
}

json_t *
view_restarts(const struct restarts *rs)
{
	return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "baseline", rs->baseline,
	    "unplanned", rs->unplanned, "lcu", rs->lcu, "catchup", rs->catchup,
	    "offbase", rs->offbase, "oob", rs->oob, "total", rs->total);
}

json_t *
view_ring_restarts(const struct caldata *cal, const struct ringset *rings, const struct ring *g,
    int year)
{
	json_t *a = json_array();

	for (size_t i = 0; i < g->nos; i++) {
		const struct os_def *os = caldata_find_os(cal, g->os[i]);
		struct restarts rs;
		json_t *o, *counts;

		if (os == NULL)
			continue;
		win_restarts(cal, rings, g, os, year, &rs);
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
view_ring(const struct caldata *cal, const struct ringset *rings, const struct ring *g, int year)
{
	/* The stored fields come from the descriptor, in its order; then what is derived. */
	json_t *o = record_json(&rec_ring, g);

	json_object_set_new(o, "eligibility", eligibility(cal, g));
	json_object_set_new(o, "restarts", view_ring_restarts(cal, rings, g, year));
	return o;
}

/* The JSON name of each cause (doc/protocol.md, plan_cause_name); CAUSE_NONE is null. */
static json_t *
cause_json(enum cause c)
{
	return view_str_or_null(plan_cause_name(c));
}

static json_t *
blackout_name(const struct blackout *b)
{
	return view_str_or_null(b != NULL ? b->name : NULL);
}

/*
 * The state across months of one install, the same keys in a windows row and
 * a plan cell: what it installs, the state before and after, why, and what
 * a pause or a forcing deadline did to it.
 */
static void
set_state(json_t *o, const struct ring *g, const struct plan_state *in)
{
	char m[8];

	json_object_set_new(o, "install", json_string(install_kind_name(in->install)));
	json_object_set_new(o, "state_before", json_string(hp_state_name(in->state_before)));
	json_object_set_new(o, "state", json_string(hp_state_name(in->state)));
	json_object_set_new(o, "cause", cause_json(in->cause));
	json_object_set_new(o, "cause_month", in->cause != CAUSE_NONE && in->cause_month != 0 ?
	    json_string(ym_format(in->cause_month, m)) : json_null());
	json_object_set_new(o, "expedited", json_boolean(in->expedited));
	json_object_set_new(o, "skipped", json_boolean(in->skipped));
	json_object_set_new(o, "pause", blackout_name(in->pause));
	json_object_set_new(o, "forced_at", instant_or_null(in->forced_at));
	json_object_set_new(o, "forced_local", local_instant(g->timezone, in->forced_at));
	json_object_set_new(o, "forced_in", blackout_name(in->forced_in));
	json_object_set_new(o, "restart_in", blackout_name(in->restart_in));
}

json_t *
view_install(const struct ring *g, const struct install *in)
{
	json_t *o = json_object();
	char m[8], why[WIN_REASON_MAX];
	struct plan_state st;

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
	json_object_set_new(o, "blackout", blackout_name(in->blackout));
	plan_state_of(in, &st);
	set_state(o, g, &st);
	return o;
}

/* A JSON string's value, or NULL. */
static const char *
str_or_null(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

void
view_cell_facts(const json_t *m, struct cell_facts *f)
{
	const json_t *risks = json_object_get(m, "risks");
	const char *month = str_or_null(m, "month"), *local = str_or_null(m, "window_start_local");

	*f = (struct cell_facts){ .kind = str_or_null(m, "kind"),
	    .install = str_or_null(m, "install"), .status = str_or_null(m, "status"),
	    .cause = str_or_null(m, "cause"), .reason = str_or_null(m, "reason"),
	    .blackout = str_or_null(m, "blackout"), .pause = str_or_null(m, "pause"),
	    .forced_in = str_or_null(m, "forced_in"), .restart_in = str_or_null(m, "restart_in"),
	    .at_risk = json_array_size(risks) > 0,
	    .risk = json_string_value(json_array_get(risks, 0)),
	    .unplanned = json_is_true(json_object_get(m, "unplanned")),
	    .skipped = json_is_true(json_object_get(m, "skipped")) };
	snprintf(f->month, sizeof(f->month), "%s", month != NULL ? month : "");
	snprintf(f->local, sizeof(f->local), "%s", local != NULL ? local : "");
}

bool
view_off_baseline(const json_t *m)
{
	struct cell_facts f;

	view_cell_facts(m, &f);
	return cell_off_baseline(&f);
}

bool
view_install_differs(const json_t *m)
{
	struct cell_facts f;

	view_cell_facts(m, &f);
	return cell_install_differs(&f);
}

/*
 * The plan's letters and marks in the order the legends list them.  The
 * text grid and the page both read this table, so a letter, its class and
 * its meaning are written once.
 */
const struct plan_key view_plan_keys[] = {
	{ "B", "baseline", "baseline", NULL, "baseline, restart" },
	{ "H", "hotpatch", "hotpatch", NULL, "hotpatch, " HOTPATCH_NO_RESTART },
	{ "L", "lcu", "lcu", NULL, "LCU, restart" },
	{ "MM/DD", NULL, NULL, "11/20", "local day of the install window" },
	{ "C", "catch-up", "catchup", NULL,
	    "catch-up: the missed baseline and the hotpatch, restart" },
	{ "O", NULL, "offbase", NULL, "off-baseline LCU (upgrade, enrolment, out-of-band): "
	    "restart, LCUs until the next baseline" },
	{ "*", NULL, "unplanned", NULL, "unplanned baseline" },
	{ "!", NULL, "late", NULL, "late: after the install deadline" },
	{ "-", NULL, "none", "\xe2\x80\x93" /* U+2013 en dash */, "no window before the next offer" },
	{ "#", NULL, "blackout", NULL, "a blackout moved or blocked it" },
	{ "~", NULL, "forced", NULL, "the deadline forces the install or restart inside a freeze" },
	{ "=", NULL, "skipped", NULL, "skipped: a pause covered the release" },
};
const size_t view_plan_nkeys = ARRAY_LEN(view_plan_keys);

const struct plan_key *
view_plan_key(char sym)
{
	for (size_t i = 0; i < view_plan_nkeys; i++)
		if (view_plan_keys[i].sym[0] == sym && view_plan_keys[i].sym[1] == '\0')
			return &view_plan_keys[i];
	return NULL;
}

/* The causes in the order the grids list them (the keys of view_restarts). */
const struct restart_cause view_restart_causes[] = {
	{ "baseline", "", "baseline", "baselines" },
	{ "unplanned", " unpl.", "unplanned", "unplanned baselines" },
	{ "lcu", " LCU", "LCU", "not eligible for hotpatch" },
	{ "catchup", " catch-up", "catch-up", "after a pause" },
	{ "offbase", " off-base", "off-baseline", "off-baseline LCUs" },
	{ "oob", " oob", "out-of-band", "out-of-band" },
};
const size_t view_nrestart_causes = ARRAY_LEN(view_restart_causes);

char
view_install_letter(const json_t *m)
{
	struct cell_facts f;

	view_cell_facts(m, &f);
	return cell_letter(&f);
}

bool
view_unplanned_baseline(const json_t *m)
{
	struct cell_facts f;

	view_cell_facts(m, &f);
	return cell_unplanned_baseline(&f);
}

bool
view_forced_in_freeze(const json_t *m)
{
	struct cell_facts f;

	view_cell_facts(m, &f);
	return cell_forced_in_freeze(&f);
}

char *
view_plan_marks(const json_t *m, char *buf, size_t len)
{
	struct cell_facts f;

	view_cell_facts(m, &f);
	return cell_marks(&f, buf, len);
}

bool
view_cell_at_risk(const json_t *m)
{
	return json_array_size(json_object_get(m, "risks")) > 0;
}

bool
view_needs_note(const json_t *m)
{
	struct cell_facts f;

	view_cell_facts(m, &f);
	return cell_needs_note(&f);
}

char *
view_note_reason(const json_t *m)
{
	struct cell_facts f;

	view_cell_facts(m, &f);
	return cell_note_reason(&f);
}

const char *
view_note_label(const json_t *m)
{
	struct cell_facts f;

	view_cell_facts(m, &f);
	return cell_note_label(&f);
}

/*
 * "Next" for a ring is the first month whose install is still ahead: its
 * window has not ended yet (or, when it has no window, its offer is still to
 * come, or the deadline that forces it).  A release skipped by a pause is
 * never ahead.  It is not the month of the next release: in the week after Patch
 * Tuesday the next release is a month away, but this month's update has not
 * been installed yet, and that install is what a planner asking about a ring
 * needs to see.  A window that is open right now counts as ahead: the install
 * is happening.
 */
static bool
install_ahead(const struct install *in, time_t now)
{
	if (in->skipped)
		return false;	/* held by a pause until the next release: never installed */
	if (in->status != WS_NONE)
		return in->window_end > now;
	return (in->forced_at != 0 ? in->forced_at : in->offered_at) > now;
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

/* The names of an install's risks (risk.h), in risk_defs' order; [] when none. */
static json_t *
risks_json(unsigned risks)
{
	json_t *a = json_array();

	for (size_t i = 0; i < risk_ndefs; i++)
		if (risks & risk_defs[i].bit)
			json_array_append_new(a, json_string(risk_defs[i].name));
	return a;
}

/* One plan cell: the install of one month, the parts the grid shows. */
static json_t *
plan_month(const struct plan_model *pm, const struct ring *g, const struct plan_cell *c)
{
	char m[8];
	json_t *o;

	o = json_pack("{s:s,s:s,s:b,s:b,s:o,s:o,s:s,s:o,s:s}",
	    "month", ym_format(c->month, m), "kind", kind_name(c->kind),
	    "restart", c->restart, "unplanned", c->unplanned,
	    "window_start", instant_or_null(c->window_start),
	    "window_start_local", local_instant(g->timezone, c->window_start),
	    "status", win_status_name(c->status),
	    "blackout", blackout_name(c->blackout),
	    "reason", plan_model_reason(pm, c));
	set_state(o, g, &c->st);
	json_object_set_new(o, "risks", risks_json(c->risks));
	return o;
}

/* One plan row of the model into the list arg. */
static int
plan_row(const struct plan_model *pm, const struct plan_row *row,
    const struct plan_cell *cells, void *arg)
{
	const struct ring *g = row->ring;
	json_t *months = json_array();

	for (int m = 0; m < pm->range.months; m++)
		json_array_append_new(months, plan_month(pm, g, &cells[m]));
	json_array_append_new(arg, json_pack("{s:s,s:s,s:s,s:s,s:b,s:o,s:b,s:o,s:o}",
	    "ring", g->id, "name", g->name, "os", row->os->id, "timezone", g->timezone,
	    "eligible", row->not_eligible == NULL, "not_eligible",
	    view_str_or_null(row->not_eligible), "at_risk", row->at_risk,
	    "restarts", view_restarts(&row->restarts), "months", months));
	return 0;
}

json_t *
view_plan_range(const struct caldata *cal, const struct ringset *rings,
    const struct plan_range *r, bool at_risk_only)
{
	json_t *list = json_array();
	int year = plan_range_year_of(r);
	struct plan_model pm;
	char from[8], to[8];

	plan_model_build(&pm, cal, rings, r, at_risk_only);
	plan_model_each(&pm, plan_row, list);
	plan_model_free(&pm);
	return json_pack("{s:s,s:s,s:i,s:o,s:b,s:o}", "from", ym_format(r->from, from),
	    "to", ym_format(plan_range_last(r), to), "months", r->months,
	    "year", year != 0 ? json_integer(year) : json_null(), "at_risk_only", at_risk_only,
	    "rings", list);
}

json_t *
view_plan(const struct caldata *cal, const struct ringset *rings, int year)
{
	struct plan_range r = plan_range_year(year);

	return view_plan_range(cal, rings, &r, false);
}

/* The range of plan's first row, by its first month and how many it has; false if none. */
static bool
first_row_range(const json_t *plan, struct plan_range *r)
{
	const json_t *months = json_object_get(json_array_get(json_object_get(plan, "rings"), 0),
	    "months");

	if (ym_parse(view_text(json_array_get(months, 0), "month"), &r->from) < 0)
		return false;
	r->months = (int)json_array_size(months);
	return true;
}

bool
view_plan_range_of(const json_t *plan, struct plan_range *r)
{
	const json_t *y = json_object_get(plan, "year");
	json_int_t n = json_integer_value(json_object_get(plan, "months"));
	char *why;

	if (ym_parse(view_text(plan, "from"), &r->from) == 0 && n >= 1 && n <= PLAN_MONTHS_MAX)
		r->months = (int)n;
	else if (json_is_integer(y))	/* a daemon before rolling plans: the year */
		*r = plan_range_year((int)json_integer_value(y));
	else if (!first_row_range(plan, r))
		return false;
	why = plan_range_check(r);
	free(why);
	return why == NULL;
}

json_t *
view_release(const struct release *r)
{
	char d[11];

	return json_pack("{s:s,s:b,s:o,s:o,s:o,s:b,s:o}", "kind", kind_name(r->kind),
	    "unplanned", r->unplanned,
	    "date", ymd_is_set(r->date) ? json_string(ymd_format(r->date, d)) : json_null(),
	    "kb", view_str_or_null(r->kb), "build", view_str_or_null(r->build),
	    "expedited", r->expedited, "note", view_str_or_null(r->note));
}

json_t *
view_provenance(const struct release *r)
{
	if (r == NULL)
		return json_null();
	if (!r->runtime)
		return json_pack("{s:s,s:n,s:n,s:n}", "from", "file", "who", "at", "origin");
	return json_pack("{s:s,s:s,s:o,s:s}", "from", "runtime", "who", r->who ? r->who : "",
	    "at", view_instant(r->at), "origin", r->origin ? r->origin : "");
}

/* ["kind", "kb"]: the parts in which r and its file entry differ. */
static json_t *
differs_json(unsigned diff)
{
	const char *names[PUB_NPARTS];
	size_t n = publish_diff_names(diff, names);
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

json_t *
view_conflict(const struct os_def *os, const struct release *r)
{
	const struct release *f = r != NULL ? publish_conflict(r) : NULL;
	json_t *o;
	char m[8];

	if (f == NULL)
		return json_null();
	o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:s}", "os", os->id, "month",
	    ym_format(r->month, m), "runtime", view_release(r), "file", view_release(f),
	    "differs", differs_json(publish_diff(r, f)), "wins", "runtime");
	json_object_update_new(json_object_get(o, "runtime"), view_provenance(r));
	return o;
}

json_t *
view_conflicts(const struct caldata *cal, const struct os_def *only)
{
	json_t *a = json_array();

	for (size_t i = 0; i < cal->nos; i++)
		for (size_t k = 0; (only == NULL || &cal->os[i] == only) && k < cal->os[i].nrel; k++)
			if (publish_conflict(&cal->os[i].rel[k]) != NULL)
				json_array_append_new(a, view_conflict(&cal->os[i], &cal->os[i].rel[k]));
	return a;
}

void
view_answer_words(struct textbuf *s, const json_t *r)
{
	textbuf_printf(s, "%s%s", view_text(r, "kind"),
	    json_is_true(json_object_get(r, "unplanned")) ? " (unplanned)" : "");
	if (json_is_string(json_object_get(r, "kb")))
		textbuf_printf(s, " %s", view_text(r, "kb"));
	if (json_is_string(json_object_get(r, "build")))
		textbuf_printf(s, " build %s", view_text(r, "build"));
	if (json_is_string(json_object_get(r, "date")))
		textbuf_printf(s, " on %s", view_text(r, "date"));
	if (json_is_true(json_object_get(r, "expedited")))
		textbuf_printf(s, " expedited");
}

char *
view_conflict_line(const json_t *c)
{
	const json_t *rt = json_object_get(c, "runtime");
	struct textbuf s = { 0 };
	char buf[256];

	textbuf_printf(&s, "conflict: %s %s is published at run time as ", view_text(c, "os"),
	    view_text(c, "month"));
	view_answer_words(&s, rt);
	textbuf_printf(&s, " (by %s at %s), the calendar file says ", view_text(rt, "who"),
	    view_text(rt, "at"));
	view_answer_words(&s, json_object_get(c, "file"));
	buf[0] = '\0';
	for (size_t i = 0; i < json_array_size(json_object_get(c, "differs")); i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? ", " : "",
		    json_string_value(json_array_get(json_object_get(c, "differs"), i)));
	textbuf_printf(&s, " (they differ in %s); the run-time answer wins until "
	    "'hotpatchctl publish clear %s %s'", buf, view_text(c, "os"), view_text(c, "month"));
	return s.s;
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
	json_object_set_new(o, "published", view_provenance(mi.rel));
	json_object_set_new(o, "conflict", view_conflict(os, mi.rel));
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

/* A blackout's from or to: a day, a timed one's instant, MM-DD for every year. */
static json_t *
bound_json(const struct blackout *b, struct ymd d, time_t t)
{
	char buf[11];

	if (b->timed)
		return view_instant(t);
	ymd_format(d, buf);
	return json_string(recur_every_year(b) ? buf + 5 : buf);
}

json_t *
view_blackout(const struct blackout *b)
{
	json_t *o, *ex = json_array();

	for (size_t i = 0; i < b->nexcept; i++)
		json_array_append_new(ex, json_string(b->except[i]));
	o = json_pack("{s:I,s:s,s:o,s:s,s:o,s:o,s:b,s:s}", "id", (json_int_t)b->id,
	    "name", b->name, "ring", view_str_or_null(b->ring), "kind", bo_kind_name(b->kind),
	    "from", bound_json(b, b->from, b->start), "to", bound_json(b, b->to, b->end),
	    "timed", b->timed, "origin", b->runtime ? "runtime" : "file");
	json_object_update_new(o, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}",
	    "repeats", recur_every_year(b) ? json_string("every year") : view_str_or_null(b->rrule),
	    "except", ex, "timezone", view_str_or_null(b->tzid),
	    "import", view_str_or_null(b->import), "uid", view_str_or_null(b->uid),
	    "occurrence", view_str_or_null(b->rid)));
	return o;
}

json_t *
view_stale(const struct caldata *cal, const struct os_def *only, time_t now)
{
	json_t *list = json_array();

	for (size_t i = 0; i < cal->nos; i++) {
		const struct os_def *os = &cal->os[i];
		struct stale st;
		json_t *months;
		char m[8];

		if ((only != NULL && os != only) || !stale_of(cal, os, now, &st))
			continue;
		months = json_array();
		for (size_t k = 0; k < st.n; k++)
			json_array_append_new(months, json_string(ym_format(st.month[k], m)));
		json_array_append_new(list, json_pack("{s:s,s:o,s:s}", "os", os->id,
		    "unpublished", months, "current_to", ym_format(st.current_to, m)));
	}
	return list;
}

/* Month i of a stale entry's list, "?" if it is not a string (the client renders what it got). */
static const char *
month_at(const json_t *months, size_t i)
{
	const char *s = json_string_value(json_array_get(months, i));

	return s != NULL ? s : "?";
}

/* The run of consecutive months that starts at index i of months; returns its length. */
static size_t
run_at(const json_t *months, size_t i)
{
	size_t n = 1;
	ym_t a, b;

	while (i + n < json_array_size(months) && ym_parse(month_at(months, i + n - 1), &a) == 0 &&
	    ym_parse(month_at(months, i + n), &b) == 0 && b == a + 1)
		n++;
	return n;
}

char *
view_stale_line(const json_t *st)
{
	const json_t *months = json_object_get(st, "unpublished");
	size_t total = json_array_size(months), n;
	struct textbuf s = { 0 };

	textbuf_printf(&s, "%s: ", view_text(st, "os"));
	for (size_t i = 0; i < total; i += n) {
		/* Runs of three or more collapse: "2026-03..2026-11 (9 months)". */
		if ((n = run_at(months, i)) < 3)
			n = 1;
		textbuf_printf(&s, "%s", i == 0 ? "" : i + n == total ? " and " : ", ");
		if (n == 1)
			textbuf_printf(&s, "%s", month_at(months, i));
		else
			textbuf_printf(&s, "%s..%s (%zu months)", month_at(months, i),
			    month_at(months, i + n - 1), n);
	}
	textbuf_printf(&s, " %s past and unpublished; the calendar is current to %s",
	    total == 1 ? "is" : "are", view_text(st, "current_to"));
	return s.s;
}
