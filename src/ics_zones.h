/*
 * ics_zones.h: the time zones of an iCalendar file, for blackout_ics.c: the
 * limits its VTIMEZONEs are held to before libical expands any of them, and
 * the zone a TZID names.  Pure, like the importer.
 */
#ifndef HP_ICS_ZONES_H
#define HP_ICS_ZONES_H

#include "model.h"

#include <libical/ical.h>

/*
 * libical expands a zone from its first DTSTART to the year asked for plus
 * 5, and does it all again for every later year asked for.  So each zone is
 * expanded once, up front, to TZ_COVER_YEAR (past every year a blackout may
 * have), and later times are converted as UTC: they are refused anyway.
 */
#define TZ_COVER_YEAR	(HP_YEAR_MAX + 1)
#define TZ_LAST_YEAR	(TZ_COVER_YEAR + 5)

/* What the VTIMEZONEs of one file have cost so far. */
struct ics_zones {
	int	rules;		/* RRULEs, against ICS_MAX_TZ_RULES */
	long	changes;	/* transitions up to TZ_LAST_YEAR, against ICS_MAX_TZ_CHANGES */
};

/* Set *cause (freeing the one before) and return -1: how the importer fails. */
int ics_fail(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Check every VTIMEZONE of cal, adding to what z counts: libical would
 * expand one, without any limit, on the first time converted in it.  On
 * -1, *cause says why (the first limit passed or the first rule refused).
 */
int ics_zones_check(struct ics_zones *z, icalcomponent *cal, char **cause);

/*
 * The zone tzid names, in cal's VTIMEZONEs (cal may be NULL) or else
 * libical's built-in zones, expanded to TZ_COVER_YEAR; NULL if there is none.
 */
icaltimezone *ics_zone(icalcomponent *cal, const char *tzid);

/* How many values a BY list (by_hour, ...) of size entries has. */
int ics_by_count(const short *a, int size);

#endif
