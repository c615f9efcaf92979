/* calendar.c: Patch Tuesday, release instants and month kinds.  No I/O. */
#include "calendar.h"

#include <libical/ical.h>
#include <string.h>

int
cal_patch_tuesday(ym_t month)
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

time_t
cal_release_instant(struct ymd date)
{
	icaltimezone *tz = icaltimezone_get_builtin_timezone(CAL_RELEASE_TZ);
	struct icaltimetype t = icaltime_null_time();

	t.year = date.y;
	t.month = date.m;
	t.day = date.d;
	t.hour = CAL_RELEASE_HOUR;
	return icaltime_as_timet_with_zone(t, tz);
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
	if (month < os->hotpatch_start)
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
