/* stale.c: past months without a published answer.  No I/O. */
#include "stale.h"
#include "calendar.h"

#include <string.h>

/*
 * The first month that counts.  Months before hotpatch_start are plain
 * LCUs by rule; months before the first published one are history the
 * file does not record (ws2022-azure's record starts in 2024): neither is
 * news to anyone, and counting them would leave such an OS stale forever.
 */
static ym_t
first_counted(const struct os_def *os, ym_t now_month)
{
	ym_t from = os->hotpatch_start;

	if (os->nrel > 0 && os->rel[0].month > from)
		from = os->rel[0].month;
	if (from < now_month - STALE_LOOKBACK)
		from = now_month - STALE_LOOKBACK;
	return from;
}

/* The latest month whose Patch Tuesday release is at or before now. */
static ym_t
last_released(time_t now)
{
	ym_t m = ym_of_time(now);
	struct ymd pt = { ym_year(m), ym_month(m), cal_patch_tuesday(m) };

	return cal_release_instant(pt) <= now ? m : m - 1;
}

int
stale_epoch(time_t now)
{
	ym_t m = ym_of_time(now);

	return m * 2 + (last_released(now) == m);
}

bool
stale_of(const struct caldata *c, const struct os_def *os, time_t now, struct stale *out)
{
	ym_t last = last_released(now);

	memset(out, 0, sizeof(*out));
	out->current_to = last;
	/* Every month is an LCU whatever Microsoft publishes: the answer is known. */
	if (os->never_hotpatch)
		return false;
	/*
	 * An unpublished month's release is its Patch Tuesday, so every month
	 * up to last has passed; a published one is never stale, whatever its date.
	 */
	for (ym_t m = first_counted(os, ym_of_time(now)); m <= last; m++) {
		struct month_info mi;

		cal_month(c, os, m, &mi);
		if (mi.source == SRC_PUBLISHED)
			continue;
		if (out->n == 0)
			out->current_to = m - 1;
		out->month[out->n++] = m;
	}
	return out->n > 0;
}
