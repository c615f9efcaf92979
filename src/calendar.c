/* calendar.c: Patch Tuesday, release instants and month kinds.  No I/O. */
#include "calendar.h"

#include <libical/ical.h>
#include <string.h>

/*
 * Patch Tuesdays and their release instants are asked of libical once per
 * month and kept: a recurrence iterator costs tens of microseconds, the
 * answer never changes, and planning asks for the same months millions of
 * times.  Months outside HP_YEAR_MIN..HP_YEAR_MAX+1 are not kept.
 */
#define MEMO_FIRST	ym_make(HP_YEAR_MIN, 1)
#define MEMO_LEN	((HP_YEAR_MAX + 2 - HP_YEAR_MIN) * 12)

static struct {
	signed char	day;		/* 0: not asked yet */
	bool		has_release;
	time_t		release;	/* the release instant on that day */
} memo[MEMO_LEN];

static int
patch_tuesday_of(ym_t month)
{
	struct icalrecurrencetype rule;
	icalrecur_iterator *it;
	struct icaltimetype start = icaltime_null_date(), t;

	/* Start on the 1st: it is never the 2nd Tuesday, so nothing is skipped. */
	start.year = ym_year(month);
	start.month = ym_month(month);
	start.day = 1;
	rule = icalrecurrencetype_from_string("FREQ=MONTHLY;BYDAY=2TU");
	it = icalrecur_iterator_new(rule, start);
	if (it == NULL)
		return -1;
	t = icalrecur_iterator_next(it);
	icalrecur_iterator_free(it);
	if (icaltime_is_null_time(t) || t.month != start.month)
		return -1;
	return t.day;
}

static bool
memo_has(ym_t month)
{
	return month >= MEMO_FIRST && month - MEMO_FIRST < MEMO_LEN;
}

int
cal_patch_tuesday(ym_t month)
{
	if (!memo_has(month))
		return patch_tuesday_of(month);
	if (memo[month - MEMO_FIRST].day == 0)
		memo[month - MEMO_FIRST].day = (signed char)patch_tuesday_of(month);
	return memo[month - MEMO_FIRST].day;
}

static time_t
release_instant_of(struct ymd date)
{
	icaltimezone *tz = icaltimezone_get_builtin_timezone(CAL_RELEASE_TZ);
	struct icaltimetype t = icaltime_null_time();

	t.year = date.y;
	t.month = date.m;
	t.day = date.d;
	t.hour = CAL_RELEASE_HOUR;
	return icaltime_as_timet_with_zone(t, tz);
}

time_t
cal_release_instant(struct ymd date)
{
	ym_t month = ym_make(date.y, date.m);

	/* Only Patch Tuesday itself is kept; published releases on other days are rare. */
	if (!memo_has(month) || date.d != cal_patch_tuesday(month))
		return release_instant_of(date);
	if (!memo[month - MEMO_FIRST].has_release) {
		memo[month - MEMO_FIRST].release = release_instant_of(date);
		memo[month - MEMO_FIRST].has_release = true;
	}
	return memo[month - MEMO_FIRST].release;
}

const struct release *
cal_find_release(const struct os_def *os, ym_t month)
{
	size_t lo = 0, hi = os->nrel;

	/* Releases are sorted by month. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (os->rel[mid].month == month)
			return &os->rel[mid];
		if (os->rel[mid].month < month)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct override *
cal_find_override(const struct caldata *c, const char *os, ym_t month)
{
	for (size_t i = 0; i < c->novr; i++)
		if (c->ovr[i].month == month && strcmp(c->ovr[i].os, os) == 0)
			return &c->ovr[i];
	return NULL;
}

static enum kind
planned_kind(const struct os_def *os, ym_t month)
{
	if (os->never_hotpatch || month < os->hotpatch_start)
		return KIND_LCU;
	if (os->baseline_months & (1u << ym_month(month)))
		return KIND_BASELINE;
	return KIND_HOTPATCH;
}

void
cal_month(const struct caldata *c, const struct os_def *os, ym_t month,
    struct month_info *out)
{
	memset(out, 0, sizeof(*out));
	out->month = month;
	out->rel = cal_find_release(os, month);
	out->ovr = cal_find_override(c, os->id, month);
	if (out->rel != NULL) {
		out->kind = out->rel->kind;
		out->source = SRC_PUBLISHED;
		out->unplanned = out->rel->unplanned;
		out->ovr = NULL;
	} else if (out->ovr != NULL) {
		out->kind = out->ovr->kind;
		out->source = SRC_OVERRIDE;
	} else {
		out->kind = planned_kind(os, month);
		out->source = SRC_PLANNED;
	}
	out->restart = kind_needs_restart(out->kind);
	if (out->rel != NULL && ymd_is_set(out->rel->date)) {
		out->date = out->rel->date;
	} else {
		out->date.y = ym_year(month);
		out->date.m = ym_month(month);
		out->date.d = cal_patch_tuesday(month);
	}
	out->release_at = cal_release_instant(out->date);
}
