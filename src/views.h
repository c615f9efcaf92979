/*
 * views.h: the model as JSON, in the shapes the control commands answer
 * and the site's pages are built from.  Pure: each reads the calendar and
 * the rings it is given, nothing else, so one shape serves both sides.
 */
#ifndef HP_VIEWS_H
#define HP_VIEWS_H

#include "model.h"
#include "windows.h"

#include <jansson.h>
#include <time.h>

/*
 * view_audit.c: what an audit row's change was made to, from its command
 * ("blackout add") and request line: the words after the command's, less
 * those that only shaped the answer (--json, --color, --width N); an
 * import's summary as it was written.  Allocated.
 */
char *view_audit_object(const char *command, const char *args);

/* ISO 8601 UTC "2026-11-10T18:00:00Z" as a JSON string. */
json_t *view_instant(time_t t);

/* The string under key, or "-" when it is missing or not a string (for renderers). */
const char *view_text(const json_t *o, const char *key);
/* s as a JSON string, or null for NULL. */
json_t *view_str_or_null(const char *s);

/*
 * A ring's restarts of one OS in a year, by cause:
 * {"baseline","unplanned","lcu","catchup","offbase","oob","total"}.
 */
json_t *view_restarts(const struct restarts *rs);

/* {"year", "os": [{"os", <view_restarts keys>}]}: every OS of ring g in year (rings: pauses). */
json_t *view_ring_restarts(const struct caldata *cal, const struct ringset *rings,
    const struct ring *g, int year);

/* Ring g as rings answers it: settings, eligibility per OS with the reason, restarts in year. */
json_t *view_ring(const struct caldata *cal, const struct ringset *rings, const struct ring *g,
    int year);

/*
 * One install as a windows row (times in UTC and in the ring's zone), with
 * the state across months: install, state_before, state, cause, cause_month,
 * expedited, skipped, pause, forced_at, forced_local, forced_in, restart_in.
 */
json_t *view_install(const struct ring *g, const struct install *in);

struct cell_facts;
/* A windows row or plan cell's facts (plancell.h), pointing into m. */
void view_cell_facts(const json_t *m, struct cell_facts *f);

/*
 * Reading a windows row or plan cell back, for the text and HTML renderers
 * (each reads view_cell_facts and asks plancell.h).
 * An off-baseline month is an LCU the ring takes in a hotpatch month because
 * of an upgrade, its enrolment or an out-of-band LCU.
 */
bool view_off_baseline(const json_t *m);
/* The install is not the month's kind: catch-up, off-baseline, not eligible... */
bool view_install_differs(const json_t *m);
/*
 * One entry of the plan's legend, for the text grid and the HTML page alike:
 * an install letter, the day, or a mark (view_plan_marks).
 */
struct plan_key {
	const char	*sym;		/* "C", "~", "MM/DD" */
	const char	*install;	/* the install it is the letter of; NULL: none */
	const char	*cls;		/* the page's CSS class for a cell with it; NULL: none */
	const char	*page_sym;	/* how the page writes sym, when it differs; NULL: sym */
	const char	*words;		/* what it means */
};
extern const struct plan_key view_plan_keys[];
extern const size_t view_plan_nkeys;
/* The entry of a one-character letter or mark, or NULL. */
const struct plan_key *view_plan_key(char sym);

/* One cause of restarts: its key in view_restarts, its grid suffix, its name, its meaning. */
struct restart_cause {
	const char	*key, *unit, *name, *words;
};
extern const struct restart_cause view_restart_causes[];
extern const size_t view_nrestart_causes;

/* H hotpatch, B baseline, C catch-up, L LCU, O off-baseline LCU ('?' unknown). */
char view_install_letter(const json_t *m);
bool view_unplanned_baseline(const json_t *m);
/* A deadline forces the install or the restart inside a freeze. */
bool view_forced_in_freeze(const json_t *m);
/* The grid's marks: * unplanned, ! late, # blackout, ~ forced in a freeze, = skipped by a pause. */
char *view_plan_marks(const json_t *m, char *buf, size_t len);
/* A plan cell with a risk (its "risks", risk.h): late, none, skipped, forced, catch-up. */
bool view_cell_at_risk(const json_t *m);
/*
 * Does a plan cell or windows row need its reason read: a risk, a status
 * not ok, a blackout, an install that is not the month's kind?
 */
bool view_needs_note(const json_t *m);
/*
 * What the lists under a plan call such a month: its first risk, else its
 * status, skipped, forced, off-baseline, its install, or "moved" (a blackout
 * moved the window).
 */
const char *view_note_label(const json_t *m);
/*
 * A cell's reason as the notes under a plan give it: the engine's words,
 * then each blackout a mark names that they do not ("; the deadline forces
 * the install or restart inside a freeze: 'Year-end'"), allocated.
 */
char *view_note_reason(const json_t *m);

/* Per OS of ring g (or only that OS): its next install still ahead of now, as windows rows. */
json_t *view_next_windows(const struct caldata *cal, const struct ringset *rings,
    const struct ring *g, const struct os_def *only, time_t now);

struct plan_range;
struct textbuf;
/*
 * The plan of every ring and OS over the months of r (hotpatchctl plan),
 * read from the plan model (planmodel.h; the /plan page reads the model
 * itself): {"from", "to", "months", "year" (when r is one calendar year,
 * else null), "at_risk_only", "rings": [...]}; each row has "at_risk" and
 * each month its "risks" (risk.h).  With at_risk_only, only the rows with a risk.
 */
json_t *view_plan_range(const struct caldata *cal, const struct ringset *rings,
    const struct plan_range *r, bool at_risk_only);
/* view_plan_range of January to December of year, every row. */
json_t *view_plan(const struct caldata *cal, const struct ringset *rings, int year);
/*
 * The months a plan's JSON covers, for its renderers: "from" and "months",
 * else its "year" (an older daemon's answer), else its first row's months.
 * False when none of them names a range hotpatchd handles.
 */
bool view_plan_range_of(const json_t *plan, struct plan_range *r);

/* A published answer: {"kind", "unplanned", "date", "kb", "build", "expedited", "note"}. */
json_t *view_release(const struct release *r);
/*
 * Where a published answer came from: {"from": "file" or "runtime", "who",
 * "at", "origin"} (who, at and origin null for the file's); null for NULL.
 */
json_t *view_provenance(const struct release *r);
/*
 * A run-time answer r of os that the calendar file contradicts (publish.h):
 * {"os", "month", "runtime": view_release + view_provenance, "file":
 * view_release, "differs": ["kind", ...], "wins": "runtime"}; else null.
 */
json_t *view_conflict(const struct os_def *os, const struct release *r);
/* Every view_conflict of cal (or of only), by OS then month; [] when none. */
json_t *view_conflicts(const struct caldata *cal, const struct os_def *only);
/*
 * Append "hotpatch (unplanned) KB5094125 build 26100.32995 on 2026-11-10
 * expedited" of a view_release (or a view_month row: no date) to *s.
 */
void view_answer_words(struct textbuf *s, const json_t *r);
/* A view_conflict as the one line status, calendar, month and the log show. */
char *view_conflict_line(const json_t *c);

/*
 * OS os in month as calendar and month answer it: release, kind, KB, build,
 * override, where a published answer came from ("published": view_provenance)
 * and its "conflict" (view_conflict).
 */
json_t *view_month(const struct caldata *cal, const struct os_def *os, ym_t month);

/*
 * Every OS (or only that one) with past months and no published answer at
 * now: [{"os", "unpublished": ["YYYY-MM", ...], "current_to"}]; [] when all
 * is current (stale.h).
 */
json_t *view_stale(const struct caldata *cal, const struct os_def *only, time_t now);
/*
 * One entry of view_stale as the sentence every answer shows: "win11-24h2:
 * 2026-10 and 2026-11 are past and unpublished; the calendar is current to
 * 2026-09", runs of three months or more as "2026-03..2026-11 (9 months)".
 */
char *view_stale_line(const json_t *st);

/* An out-of-band release of os. */
json_t *view_oob(const struct os_def *os, const struct oob *b);

/* A blackout: id, name, ring, from, to (days, or instants when timed), timed, origin. */
json_t *view_blackout(const struct blackout *b);

struct fleet;
/* Which rings "rings" lists: every one (hotpatchctl fleet), or those with devices (/fleet). */
enum fleet_rings { FLEET_EVERY_RING, FLEET_RINGS_WITH_DEVICES };

/*
 * The fleet forecast f (fleet_count from first), counts only, never a
 * device name: {"from", "to", "total", "months": [...], "rings": [...]};
 * doc/protocol.md, "JSON: fleet".  For hotpatchctl fleet and /fleet, which
 * draws only the rings with devices: 10,000 rings without any would make
 * 120,000 JSON objects for nothing.
 */
json_t *view_fleet(const struct fleet *f, ym_t first, enum fleet_rings which);

struct inventory;
/* fleet_count of inv then view_fleet: the JSON of hotpatchctl fleet and /fleet; NULL if it fails. */
json_t *view_fleet_of(const struct inventory *inv, const struct caldata *c, const struct ringset *rs,
    ym_t first, int n, enum fleet_rings which);

/*
 * The plan's device counts (hotpatchctl plan, /plan): when inv has devices
 * and the months of r are not all over by month now, plan (view_plan_range's
 * JSON for r) gains "devices_from" (YYYY-MM: the first month counted, r's
 * first or now) and "devices", one entry per ring of rs in its order:
 * {"ring", "devices", "eligible", "restarts": [one per month of r: devices
 * that restart, null before devices_from], "restarts_total"}.  Counted per
 * ring, every OS of it together, so the grid shows them on a row of their
 * own.  Without devices plan is left as it was.
 */
void view_plan_devices(json_t *plan, const struct inventory *inv, const struct caldata *c,
    const struct ringset *rs, const struct plan_range *r, ym_t now);
/* The entry of ring id in a plan's "devices" list, or NULL (the grid and the page draw it). */
const json_t *view_plan_ring_devices(const json_t *devices, const char *id);

#endif
