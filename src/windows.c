/*
 * windows.c: offers, deadlines and install windows.  Pure: no I/O, no clock.
 * Offsets between local and UTC time always come from libical's zones;
 * the code here only adds days to dates and applies RFC 5545's rules for
 * local times that fall in a DST gap or overlap.
 */
#include "boindex.h"
#include "recur.h"
#include "rings.h"
#include "tzcache.h"
#include "windows.h"

#include <libical/ical.h>
#include <limits.h>
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
	time_t wall = (time_t)dn * DAY + (time_t)minute * 60, from, until;
	int off = tz_offset_stretch(z, wall, &from, &until), before, after;

	/*
	 * Most days one offset holds from a day before to a day after: then
	 * both below are that offset and real (no offset is a day long).
	 */
	if (wall - DAY >= from && wall + DAY < until)
		return wall - off;
	before = tz_offset(z, wall - DAY);
	after = tz_offset(z, wall + DAY);
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

/*
 * The zone's offset at UTC instant t, by the ring's kept stretch when t is
 * in it: the ring's months ask about instants days apart, while the zone's
 * own cache is moved by every other ring in it.
 */
static int
ring_offset(struct win_zone *zc, time_t t)
{
	if (t < zc->from || t >= zc->until)
		zc->off = tz_offset_stretch(zc->z, t, &zc->from, &zc->until);
	return zc->off;
}

/* As from_local, first by the kept stretch. */
static time_t
local_utc(struct win_zone *zc, long dn, int minute)
{
	time_t wall = (time_t)dn * DAY + (time_t)minute * 60;

	if (wall - DAY >= zc->from && wall + DAY < zc->until)
		return wall - zc->off;
	zc->off = tz_offset_stretch(zc->z, wall, &zc->from, &zc->until);
	if (wall - DAY >= zc->from && wall + DAY < zc->until)
		return wall - zc->off;
	return from_local(zc->z, dn, minute);
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

void
win_ring_init(struct win_ring *c, const struct ringset *rs, const struct ring *r)
{
	*c = (struct win_ring){ .rs = rs, .r = r, .zc = { .z = tz_zone(r->timezone), .from = 1 },
	    .L.kinds = ~0u, .free_first = 1 };
	c->listed = rs != NULL && ringset_blackouts(rs, r, &c->L);
}

/* Masks of blackout kinds for blocked(). */
#define FREEZES		(1u << BO_FREEZE)
#define PAUSES		(1u << BO_PAUSE)
#define ALL_KINDS	(FREEZES | PAUSES)

/* The first in block k of the occurrences that may reach day first. */
static size_t
first_candidate(const struct recur_block *k, long first)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->v[mid].from_day < first - k->maxdays)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The first occurrence of a recurring blackout of r of one of the kinds
 * that overlaps [start, end), days first..last, or NULL.  None lasts more
 * than RECUR_MAX_DAYS, so those that can start in the year before first's
 * or up to last's year are looked at, by their first day.
 */
static const struct blackout *
blocked_recurring(const struct ringset *rs, const struct ring *r, time_t start, time_t end,
    long first, long last, unsigned kinds)
{
	int y1 = ymd_from_days(last).y;

	for (int y = ymd_from_days(first).y - 1; y <= y1; y++) {
		struct recur_block *k = recur_years_get(ringset_years(rs), y);

		for (size_t i = k != NULL ? first_candidate(k, first) : 0;
		    k != NULL && i < k->n && k->v[i].from_day <= last; i++) {
			struct recur_occ *o = &k->v[i];
			time_t bs = o->start, be = o->end;

			if (o->to_day < first || !applies(o->of, r) || !(kinds & (1u << o->of->kind)))
				continue;
			if (!o->of->timed) {
				bs = win_from_local(r->timezone, o->from, 0);
				be = win_from_local(r->timezone, ymd_add_days(o->to, 1), 0);
			}
			if (start < be && end > bs)
				return recur_blackout(o);
		}
	}
	return NULL;
}

/* Does date or timed blackout b overlap [start, end) for ring r? */
static bool
overlaps(const struct blackout *b, const struct ring *r, time_t start, time_t end)
{
	time_t bs, be;

	blackout_span(b, r, &bs, &be);
	return start < be && end > bs;
}

/*
 * What blocked asks: the UTC interval [start, end), its days first..last
 * (a day either side: no zone is a day or more from UTC, so a date
 * blackout outside them cannot overlap), the kinds that count, and the
 * ring's zone.
 */
struct bo_query {
	time_t		 start, end;
	long		 first, last;
	unsigned	 kinds;
	struct win_zone	*zc;
};

/* Does listed blackout e overlap the query's interval?  A date one by its days in the zone. */
static bool
span_overlaps(const struct ringset *rs, const struct bo_span *e, const struct bo_query *q)
{
	if (e->timed)
		return q->start < rs->bo[e->i].end && q->end > rs->bo[e->i].start;
	/*
	 * Days first..last inside the blackout's: it starts before start's
	 * UTC day and ends after end's, whatever the zone (no offset is a day).
	 */
	if (e->from_day <= q->first && e->to_day >= q->last && q->start < q->end)
		return true;
	return q->start < local_utc(q->zc, (long)e->to_day + 1, 0) &&
	    q->end > local_utc(q->zc, e->from_day, 0);
}

/*
 * Lower *best to the position of the first blackout of list v[0 .. n) that
 * overlaps the query, if one comes before it.  Only entries starting by
 * q->last can; looking back from there, none before an entry whose reach
 * ends before q->first can either.
 */
static void
first_listed(const struct ringset *rs, const struct bo_span *v, size_t n,
    const struct bo_query *q, uint32_t *best, long *free_first, long *free_last)
{
	size_t upto = bo_span_upto(v, n, q->last);

	/* No entry of the list touches the days after the reach before upto and before the next. */
	if (upto > 0 && v[upto - 1].reach + 1L > *free_first)
		*free_first = v[upto - 1].reach + 1L;
	if (upto < n && v[upto].from_day - 1L < *free_last)
		*free_last = v[upto].from_day - 1L;
	for (size_t k = upto; k-- > 0 && v[k].reach >= q->first;) {
		const struct bo_span *e = &v[k];

		if (e->i >= *best || !(q->kinds & e->kind) || e->to_day < q->first)
			continue;
		if (span_overlaps(rs, e, q))
			*best = e->i;
	}
}

/*
 * As first_listed over a ring's lists: the first in rs->bo's order, or
 * NULL.  Days found free of every listed blackout, of any kind, around the
 * query's are kept in c: a later query within them needs no look.
 */
static const struct blackout *
blocked_listed(struct win_ring *c, const struct bo_query *q)
{
	uint32_t best = UINT32_MAX;
	long lo = LONG_MIN, hi = LONG_MAX;

	if (q->first >= c->free_first && q->last <= c->free_last)
		return NULL;
	first_listed(c->rs, c->L.global, c->L.nglobal, q, &best, &lo, &hi);
	first_listed(c->rs, c->L.own, c->L.nown, q, &best, &lo, &hi);
	if (lo <= q->first && hi >= q->last) {
		c->free_first = lo;
		c->free_last = hi;
	}
	return best != UINT32_MAX ? &c->rs->bo[best] : NULL;
}

/* As blocked_listed, through every blackout of a set that is not indexed. */
static const struct blackout *
blocked_unlisted(const struct ringset *rs, const struct ring *r, const struct bo_query *q)
{
	for (size_t k = 0; rs != NULL && k < rs->nbo; k++) {
		const struct blackout *b = &rs->bo[k];

		if (!applies(b, r) || !(q->kinds & (1u << b->kind)) || b->rrule != NULL)
			continue;
		if (!b->timed && (ymd_days(b->to) < q->first || ymd_days(b->from) > q->last))
			continue;
		if (overlaps(b, r, q->start, q->end))
			return b;
	}
	return NULL;
}

/*
 * The first blackout of r (in rs->bo's order, then the occurrences of the
 * recurring ones) of one of the kinds in the mask that overlaps [start,
 * end), or NULL.
 */
static const struct blackout *
blocked(struct win_ring *c, time_t start, time_t end, unsigned kinds)
{
	struct bo_query q;
	const struct blackout *b;

	if (!(c->L.kinds & kinds))
		return NULL;
	q = (struct bo_query){ start, end, utc_day_of(start) - 1, utc_day_of(end - 1) + 1, kinds,
	    &c->zc };
	b = c->listed ? blocked_listed(c, &q) : blocked_unlisted(c->rs, c->r, &q);
	if (b != NULL || !(c->L.kinds & BO_RECURS) || c->rs == NULL || ringset_years(c->rs) == NULL)
		return b;
	return blocked_recurring(c->rs, c->r, start, end, q.first, q.last, kinds);
}

/* The weekday of day number dn, Sunday 0: day 0 was a Thursday. */
static int
weekday_of(long dn)
{
	long w = (dn + 4) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

/* Does window w open on local day number dn, a weekday wd (Sunday 0)? */
static bool
opens_on(const struct mwindow *w, long dn, int wd)
{
	struct ymd pt;

	if (w->type == WIN_WEEKLY)
		return (w->days & (1u << wd)) != 0;
	/*
	 * Offset days before, it must be Patch Tuesday (of this month or the
	 * last).  That is a Tuesday: six days in seven are out before the date
	 * is worked out.  (The sum is not negative: offset_days % 7 is -6..6.)
	 */
	if ((wd - w->offset_days % 7 + 7) % 7 != 2)
		return false;
	pt = ymd_from_days(dn - w->offset_days);
	return pt.d == cal_patch_tuesday(ym_make(pt.y, pt.m));
}

/*
 * The weekdays (bit 0 Sunday) on which some window of r may open: a
 * weekly one's days; a Patch-Tuesday one's is a Tuesday plus its offset.
 */
static unsigned
open_weekdays(const struct ring *r)
{
	unsigned days = 0;

	for (size_t i = 0; i < r->nwin; i++)
		days |= r->win[i].type == WIN_WEEKLY ? r->win[i].days :
		    1u << (2 + r->win[i].offset_days % 7 + 7) % 7;
	return days;
}

/*
 * The earliest window of the ring opening on day dn, a weekday wd, at or
 * after `after`; false if none.
 */
static bool
slot_on(const struct ring *r, struct win_zone *zc, long dn, int wd, time_t after, time_t *start,
    const struct mwindow **win)
{
	bool found = false;

	for (size_t i = 0; i < r->nwin; i++) {
		const struct mwindow *w = &r->win[i];
		time_t s;

		if (!opens_on(w, dn, wd))
			continue;
		s = local_utc(zc, dn, w->start_min);
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
find_window(struct win_ring *c, struct install *in)
{
	const struct ring *r = c->r;
	/* The local day of the offer, less one: a slot late on the day before may still be after it. */
	long dn = utc_day_of(in->offered_at + ring_offset(&c->zc, in->offered_at)) - 1;
	int wd = weekday_of(dn);
	unsigned days = open_weekdays(r);

	in->status = WS_NONE;
	in->why = r->nwin == 0 ? WHY_NO_WINDOWS : WHY_NO_SLOT;
	for (int i = 0; r->nwin > 0 && i < MAX_SEARCH_DAYS; i++, dn++, wd = wd == 6 ? 0 : wd + 1) {
		const struct mwindow *w = NULL;
		const struct blackout *b;
		time_t s = 0, after = in->offered_at;

		/* Days no window opens on are passed over whole. */
		while ((days & (1u << wd)) && slot_on(r, &c->zc, dn, wd, after, &s, &w)) {
			time_t e = s + (time_t)w->duration_min * 60;

			if (s >= in->next_offered_at)
				return;
			if ((b = blocked(c, s, e, ALL_KINDS)) == NULL) {
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

/*
 * The instant t, or the end of the pause of r it falls in (and of any pause
 * that end falls in): nothing is offered or installed while paused.
 */
static time_t
after_pauses(struct win_ring *c, time_t t, const struct blackout **pause)
{
	const struct blackout *b;

	for (int i = 0; i < 8 && (b = blocked(c, t, t + 1, PAUSES)) != NULL; i++) {
		time_t bs, be;

		blackout_span(b, c->r, &bs, &be);
		t = be;
		if (pause != NULL && *pause == NULL)
			*pause = b;
	}
	return t;
}

/* The freeze of r that instant t falls inside, or NULL. */
static const struct blackout *
frozen_at(struct win_ring *c, time_t t)
{
	return t != 0 ? blocked(c, t, t + 1, FREEZES) : NULL;
}

/* The ring's deferral, deadline and grace for a month: Autopatch's expedite settings, or its own. */
static void
month_days(const struct ring *r, const struct month_info *mi, int *defer, int *deadline,
    int *grace)
{
	bool expedited = mi->rel != NULL && mi->rel->expedited && r->expedite;

	*defer = expedited ? 0 : r->deferral_days;
	*deadline = expedited ? 1 : r->deadline_days;
	*grace = expedited ? 1 : r->grace_days;
}

/* When the ring is offered os's release of month, pauses included. */
static time_t
offer_of(struct win_ring *c, const struct month_info *mi, const struct blackout **pause)
{
	int defer, deadline, grace;

	month_days(c->r, mi, &defer, &deadline, &grace);
	return after_pauses(c, plus_days(mi->release_at, defer), pause);
}

/*
 * When the window search found no window in time (late or none), the
 * deadline forces the install, unless the next release supersedes it
 * first; a pause holds even that.
 */
static void
force_at_deadline(struct win_ring *c, struct install *in)
{
	if (in->status == WS_OK || in->skipped)
		return;
	if (in->status == WS_NONE && in->install_deadline >= in->next_offered_at)
		return;		/* superseded: forced_at stays 0 */
	in->forced_at = after_pauses(c, in->install_deadline, NULL);
	in->forced_in = frozen_at(c, in->forced_at);
}

void
win_month(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, ym_t month, struct install *out)
{
	struct month_info mi, next;

	cal_month(c, os, month, &mi);
	win_month_next(c, rs, r, os, &mi, out, &next);
}

void
win_month_next(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, const struct month_info *mi, struct install *out,
    struct month_info *next_out)
{
	struct win_ring ctx;

	win_ring_init(&ctx, rs, r);
	win_month_ring(&ctx, c, os, mi, out, next_out);
}

void
win_month_ring(struct win_ring *ctx, const struct caldata *c, const struct os_def *os,
    const struct month_info *mi, struct install *out, struct month_info *next_out)
{
	const struct ring *r = ctx->r;
	const struct month_info m = *mi;	/* next_out may be where mi points */
	const struct blackout *pause = NULL;
	int defer, deadline, grace;
	time_t offered, due, next_offered;

	month_days(r, &m, &defer, &deadline, &grace);
	offered = offer_of(ctx, &m, &pause);
	due = plus_days(offered, deadline);
	cal_month(c, os, m.month + 1, next_out);
	next_offered = offer_of(ctx, next_out, NULL);
	/*
	 * The install as one literal: the fields named here, every other one
	 * zero, stored once (a memset first wrote the whole struct twice).
	 * Only locals go in, so it is built in place, not on the stack first.
	 */
	*out = (struct install){
		.month = m.month,
		.os = os,
		.mi = m,
		.kind = m.kind,
		.restart = kind_needs_restart(m.kind),
		.expedited = defer == 0 && m.rel != NULL && m.rel->expedited && r->expedite,
		.pause = pause,
		.release_at = m.release_at,
		.offered_at = offered,
		.install_deadline = due,
		.restart_deadline = plus_days(due, grace),
		.next_offered_at = next_offered,
	};
	/* Held until the next release is offered too: this one is never installed. */
	out->skipped = pause != NULL && next_offered <= offered;
	if (out->skipped) {
		out->status = WS_NONE;
		out->why = WHY_NO_SLOT;
		return;
	}
	find_window(ctx, out);
	force_at_deadline(ctx, out);
}

const struct blackout *
win_freeze_at(const struct ringset *rs, const struct ring *r, time_t t)
{
	struct win_ring ctx;

	win_ring_init(&ctx, rs, r);
	return frozen_at(&ctx, t);
}

const struct blackout *
win_freeze_ring(struct win_ring *c, time_t t)
{
	return frozen_at(c, t);
}

void
win_oob(const struct ringset *rs, const struct ring *r, const struct os_def *os,
    const struct oob *o, struct oob_install *out)
{
	ym_t m = ym_make(o->date.y, o->date.m);
	struct ymd pt;
	struct win_ring ctx;

	(void)os;
	*out = (struct oob_install){ .oob = o, .offered = o->delivery == DELIVERY_AUTOMATIC,
	    .release_at = cal_release_instant(o->date) };
	if (!out->offered)
		return;
	/* The deferral date of the monthly release it follows (the last Patch Tuesday). */
	if (o->date.d < cal_patch_tuesday(m))
		m--;
	pt = (struct ymd){ ym_year(m), ym_month(m), cal_patch_tuesday(m) };
	out->offered_at = plus_days(cal_release_instant(pt), r->deferral_days);
	if (out->offered_at < out->release_at)
		out->offered_at = out->release_at;	/* past its deferral: the same day */
	win_ring_init(&ctx, rs, r);
	out->offered_at = after_pauses(&ctx, out->offered_at, &out->pause);
	out->install_deadline = plus_days(out->offered_at, r->deadline_days);
	out->restart_deadline = o->restart ? plus_days(out->install_deadline, r->grace_days) : 0;
}
