/*
 * windows.c: offers, deadlines and install windows.  Pure: no I/O, no clock.
 * Offsets between local and UTC time always come from libical's zones;
 * the code here only adds days to dates and applies RFC 5545's rules for
 * local times that fall in a DST gap or overlap.
 */
#include "rings.h"
#include "tzcache.h"
#include "windows.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY		86400
#define MAX_SEARCH_DAYS	70	/* an offer is superseded within about two months */

static const char *const status_names[] = { "ok", "late", "none" };

const char *
win_status_name(enum win_status s)
{
	return (unsigned)s < 3 ? status_names[s] : "?";
}


/* The day number of a UTC instant. */
static long
utc_day_of(time_t t)
{
	return (long)(t / DAY) - (t % DAY < 0);
}

/* Local time minute on day number dn in zone z to UTC (see win_from_local). */
static time_t
from_local(struct tzone *z, long dn, int minute)
{
	/* The wall time read as if it were UTC. */
	time_t wall = (time_t)dn * DAY + (time_t)minute * 60;
	int before = tz_offset(z, wall - DAY), after = tz_offset(z, wall + DAY);

	/*
	 * A local time is real under an offset if converting with it lands
	 * where that offset is in force.  Both real: an overlap, take the
	 * first occurrence (the offset before).  Neither: a gap, use the
	 * offset before the gap (RFC 5545, 3.3.5).
	 */
	if (tz_offset(z, wall - before) == before)
		return wall - before;
	if (tz_offset(z, wall - after) == after)
		return wall - after;
	return wall - before;
}

time_t
win_from_local(const char *tz, struct ymd date, int minute)
{
	return from_local(tz_zone(tz), ymd_days(date), minute);
}

void
win_to_local(const char *tz, time_t t, struct localtime *out)
{
	int off = tz_offset(tz_zone(tz), t);
	time_t wall = t + off;
	long days = utc_day_of(wall);

	out->date = ymd_from_days(days);
	out->minute = (int)(wall - (time_t)days * DAY) / 60;
	out->utc_offset = off;
}

/* Whole days after a UTC instant: UTC days are all 86400 s long. */
static time_t
plus_days(time_t t, int days)
{
	return t + (time_t)days * DAY;
}

/* A blackout as a UTC interval [start, end) for ring r. */
static void
blackout_span(const struct blackout *b, const struct ring *r, time_t *start, time_t *end)
{
	if (b->timed) {
		*start = b->start;
		*end = b->end;
		return;
	}
	*start = win_from_local(r->timezone, b->from, 0);
	*end = win_from_local(r->timezone, ymd_add_days(b->to, 1), 0);
}

static bool
applies(const struct blackout *b, const struct ring *r)
{
	return b->ring == NULL || strcmp(b->ring, r->id) == 0;
}

/* The first blackout of r (in rs->bo's order) that overlaps [start, end), or NULL. */
static const struct blackout *
blocked(const struct ringset *rs, const struct ring *r, time_t start, time_t end)
{
	size_t n = 0;
	const size_t *ix = rs != NULL ? ringset_blackouts(rs, r, &n) : NULL;
	/*
	 * No zone is a day or more away from UTC, so a date blackout that ends
	 * before first or starts after last cannot overlap: a cheap test before
	 * the exact one.
	 */
	struct ymd first = ymd_from_days(utc_day_of(start) - 1);
	struct ymd last = ymd_from_days(utc_day_of(end - 1) + 1);

	if (rs != NULL && ix == NULL)
		n = rs->nbo;	/* not indexed: look through them all */
	for (size_t k = 0; k < n; k++) {
		const struct blackout *b = &rs->bo[ix != NULL ? ix[k] : k];
		time_t bs, be;

		if ((ix == NULL && !applies(b, r)) ||
		    (!b->timed && (ymd_cmp(b->to, first) < 0 || ymd_cmp(b->from, last) > 0)))
			continue;
		blackout_span(b, r, &bs, &be);
		if (start < be && end > bs)
			return b;
	}
	return NULL;
}

/* Does window w open on local day number dn? */
static bool
opens_on(const struct mwindow *w, long dn)
{
	struct ymd pt;

	if (w->type == WIN_WEEKLY)
		return (w->days & (1u << (dn + 4) % 7)) != 0;	/* day 0 was a Thursday */
	/* Offset days before, it must be Patch Tuesday (of this month or the last). */
	pt = ymd_from_days(dn - w->offset_days);
	return pt.d == cal_patch_tuesday(ym_make(pt.y, pt.m));
}

/* The earliest window of the ring opening on day dn at or after `after`; false if none. */
static bool
slot_on(const struct ring *r, struct tzone *z, long dn, time_t after, time_t *start,
    const struct mwindow **win)
{
	bool found = false;

	for (size_t i = 0; i < r->nwin; i++) {
		const struct mwindow *w = &r->win[i];
		time_t s;

		if (!opens_on(w, dn))
			continue;
		s = from_local(z, dn, w->start_min);
		if (s >= after && (!found || s < *start)) {
			*start = s;
			*win = w;
			found = true;
		}
	}
	return found;
}

/*
 * Walk the ring's maintenance slots from the offer until the next offer
 * supersedes it; take the first one no blackout overlaps.  Only the facts
 * are kept; win_reason makes words of them when someone asks.
 */
static void
find_window(const struct ringset *rs, const struct ring *r, struct install *in)
{
	struct tzone *z = tz_zone(r->timezone);
	struct localtime from;
	long dn;

	in->status = WS_NONE;
	in->why = r->nwin == 0 ? WHY_NO_WINDOWS : WHY_NO_SLOT;
	win_to_local(r->timezone, in->offered_at, &from);
	dn = ymd_days(from.date) - 1;	/* a slot late on the local day before may still be after the offer */
	for (int i = 0; r->nwin > 0 && i < MAX_SEARCH_DAYS; i++, dn++) {
		const struct mwindow *w = NULL;
		const struct blackout *b;
		time_t s = 0, after = in->offered_at;

		while (slot_on(r, z, dn, after, &s, &w)) {
			time_t e = s + (time_t)w->duration_min * 60;

			if (s >= in->next_offered_at)
				return;
			if ((b = blocked(rs, r, s, e)) == NULL) {
				in->window_start = s;
				in->window_end = e;
				in->window = w;
				in->status = s <= in->install_deadline ? WS_OK : WS_LATE;
				in->why = in->status == WS_LATE ? WHY_LATE :
				    in->blackout != NULL ? WHY_MOVED : WHY_FIRST;
				return;
			}
			if (in->blackout == NULL)
				in->blackout = b;
			after = s + 1;
		}
	}
}

static void
blackout_words(const struct blackout *b, char *buf, size_t len)
{
	char a[11], z[11];

	if (b->timed)
		snprintf(buf, len, "blackout '%s'", b->name);
	else
		snprintf(buf, len, "blackout '%s' (%s..%s)", b->name, ymd_format(b->from, a),
		    ymd_format(b->to, z));
}

const char *
win_reason(const struct install *in, const struct ring *r, char *buf, size_t len)
{
	struct localtime nl;
	char bw[160] = "", next[11];

	if (in->blackout != NULL)
		blackout_words(in->blackout, bw, sizeof(bw));
	switch (in->why) {
	case WHY_NO_WINDOWS:
		snprintf(buf, len, "the ring has no maintenance windows");
		break;
	case WHY_NO_SLOT:
		win_to_local(r->timezone, in->next_offered_at, &nl);
		ymd_format(nl.date, next);
		if (in->blackout != NULL)
			snprintf(buf, len, "%s blocks every window before the next update is "
			    "offered (%s)", bw, next);
		else
			snprintf(buf, len, "no maintenance window before the next update is "
			    "offered (%s)", next);
		break;
	case WHY_LATE:
		snprintf(buf, len, "%s%sthe first free window is after the install deadline: "
		    "the device installs%s outside any window", bw, in->blackout ? "; " : "",
		    in->restart ? " and restarts" : "");
		break;
	case WHY_MOVED:
		snprintf(buf, len, "%s moved the install to a later window", bw);
		break;
	case WHY_FIRST:
		snprintf(buf, len, "first maintenance window after the offer");
		break;
	}
	return buf;
}

void
win_install(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, ym_t month, struct install *out)
{
	struct month_info next;

	memset(out, 0, sizeof(*out));
	out->month = month;
	out->os = os;
	cal_month(c, os, month, &out->mi);
	out->eligible = ring_eligible(r, os, &out->not_eligible);
	out->kind = out->eligible ? out->mi.kind : KIND_LCU;
	out->restart = kind_needs_restart(out->kind);
	out->release_at = out->mi.release_at;
	out->offered_at = plus_days(out->release_at, r->deferral_days);
	out->install_deadline = plus_days(out->offered_at, r->deadline_days);
	out->restart_deadline = out->restart ? plus_days(out->install_deadline, r->grace_days) : 0;
	cal_month(c, os, month + 1, &next);
	out->next_offered_at = plus_days(next.release_at, r->deferral_days);
	find_window(rs, r, out);
}

void
win_restarts(const struct caldata *c, const struct ring *r, const struct os_def *os,
    int year, struct restarts *out)
{
	const char *why;
	bool eligible = ring_eligible(r, os, &why);

	memset(out, 0, sizeof(*out));
	for (int m = 1; m <= 12; m++) {
		struct month_info mi;

		cal_month(c, os, ym_make(year, m), &mi);
		if (!eligible || mi.kind == KIND_LCU)
			out->lcu++;
		else if (mi.kind == KIND_BASELINE && (os->baseline_months & (1u << m)))
			out->baseline++;
		else if (mi.kind == KIND_BASELINE)
			out->unplanned++;	/* published unplanned, or overridden */
	}
	for (size_t i = 0; i < os->noob; i++)
		out->oob += os->oob[i].date.y == year && os->oob[i].restart;
	out->total = out->baseline + out->unplanned + out->lcu + out->oob;
}
