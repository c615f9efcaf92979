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

/* ISO 8601 UTC "2026-11-10T18:00:00Z" as a JSON string. */
json_t *view_instant(time_t t);

/* The string under key, or "-" when it is missing or not a string (for renderers). */
const char *view_text(const json_t *o, const char *key);
/* s as a JSON string, or null for NULL. */
json_t *view_str_or_null(const char *s);

/* A ring's restarts of one OS in a year, by cause: {"baseline","unplanned","lcu","oob","total"}. */
json_t *view_restarts(const struct restarts *rs);

/* {"year", "os": [{"os", <view_restarts keys>}]}: every OS of ring g in year. */
json_t *view_ring_restarts(const struct caldata *cal, const struct ring *g, int year);

/* Ring g as rings answers it: settings, eligibility per OS with the reason, restarts in year. */
json_t *view_ring(const struct caldata *cal, const struct ring *g, int year);

/* One install as a windows row (times in UTC and in the ring's zone). */
json_t *view_install(const struct ring *g, const struct install *in);

/* Per OS of ring g (or only that OS): its next install still ahead of now, as windows rows. */
json_t *view_next_windows(const struct caldata *cal, const struct ringset *rings,
    const struct ring *g, const struct os_def *only, time_t now);

/* The plan of every ring and OS for a year: {"year", "rings": [...]} (plan, /plan). */
json_t *view_plan(const struct caldata *cal, const struct ringset *rings, int year);

/* OS os in month as calendar and month answer it: release, kind, KB, build, override. */
json_t *view_month(const struct caldata *cal, const struct os_def *os, ym_t month);

/* An out-of-band release of os. */
json_t *view_oob(const struct os_def *os, const struct oob *b);

/* A blackout: id, name, ring, from, to (days, or instants when timed), timed, origin. */
json_t *view_blackout(const struct blackout *b);

struct ics_cut;
/*
 * Imported events whose COUNT or UNTIL reaches past the horizon's end:
 * [{name, imported, count, after} or {name, imported, until}].
 */
json_t *view_ics_cuts(const struct ics_cut *c, size_t n);

#endif
