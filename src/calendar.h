/*
 * calendar.h: pure calendar computations.  Patch Tuesday and the release
 * instant come from libical (recurrence rule and built-in time zones); the
 * kind of a month for an OS comes from the data: published, else override,
 * else planned (doc/format.md, "How a month's kind is decided").
 */
#ifndef HP_CALENDAR_H
#define HP_CALENDAR_H

#include "model.h"

/* The zone and local time Microsoft publishes at. */
#define CAL_RELEASE_TZ		"America/Los_Angeles"
#define CAL_RELEASE_HOUR	10

/* Day of the month (8..14) of the second Tuesday, from FREQ=MONTHLY;BYDAY=2TU. */
int cal_patch_tuesday(ym_t month);

/* 10:00 America/Los_Angeles on the given local date, as a UTC instant. */
time_t cal_release_instant(struct ymd date);

/* The answer for one OS and one month. */
struct month_info {
	ym_t			 month;
	enum kind		 kind;
	enum source		 source;
	bool			 restart;	/* kind needs a restart */
	bool			 unplanned;
	struct ymd		 date;		/* release date */
	time_t			 release_at;	/* UTC */
	const struct release	*rel;		/* the published entry, if any */
	const struct override	*ovr;		/* the override used, if any */
};

/*
 * Decide the kind of a month for os: published entry, else override (looked
 * up in c->ovr), else lcu before hotpatch_start, else the baseline pattern.
 */
void cal_month(const struct caldata *c, const struct os_def *os, ym_t month,
    struct month_info *out);

/* The published entry of os for month, or NULL. */
const struct release *cal_find_release(const struct os_def *os, ym_t month);
/* The override for (os id, month) in c, or NULL. */
const struct override *cal_find_override(const struct caldata *c,
    const char *os, ym_t month);

#endif
