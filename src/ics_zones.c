/*
 * ics_zones.c: VTIMEZONEs checked against the import's limits before
 * libical expands them, and TZIDs looked up.  Only yearly rules that change
 * at their DTSTART's time of day are taken (as every real zone's): libical
 * keeps every transition of a zone up to TZ_LAST_YEAR, so they are counted
 * here first.
 */
#include "ics_zones.h"
#include "blackout_ics.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>

int
ics_fail(char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(*cause);
	*cause = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

int
ics_by_count(const short *a, int size)
{
	int n = 0;

	while (n < size && a[n] != ICAL_RECURRENCE_ARRAY_MAX)
		n++;
	return n;
}

static const char *
zone_name(icalcomponent *tz)
{
	icalproperty *p = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);
	const char *s = p != NULL ? icalproperty_get_tzid(p) : NULL;

	return s != NULL ? s : "(no TZID)";
}

/* An RRULE of a zone's STANDARD or DAYLIGHT part starting at start. */
static int
check_rule(struct ics_zones *z, const char *zone, const char *part,
    struct icaltimetype start, struct icalrecurrencetype r, char **cause)
{
	icalrecur_iterator *it;
	struct icaltimetype t;

	if (++z->rules > ICS_MAX_TZ_RULES)
		return ics_fail(cause, "time zone '%s': more than %d RRULEs in the file's "
		    "VTIMEZONEs", zone, ICS_MAX_TZ_RULES);
	if (r.freq != ICAL_YEARLY_RECURRENCE)
		return ics_fail(cause, "time zone '%s': %s has RRULE FREQ=%s; a VTIMEZONE rule "
		    "must be FREQ=YEARLY", zone, part, icalrecur_freq_to_string(r.freq));
	if (ics_by_count(r.by_hour, ICAL_BY_HOUR_SIZE) > 0 ||
	    ics_by_count(r.by_minute, ICAL_BY_MINUTE_SIZE) > 0 ||
	    ics_by_count(r.by_second, ICAL_BY_SECOND_SIZE) > 0)
		return ics_fail(cause, "time zone '%s': %s has BYHOUR, BYMINUTE or BYSECOND in "
		    "its RRULE; a VTIMEZONE rule changes at the time of its DTSTART", zone, part);
	if ((it = icalrecur_iterator_new(r, start)) == NULL)
		return ics_fail(cause, "time zone '%s': cannot expand the RRULE of %s", zone,
		    part);
	while (z->changes <= ICS_MAX_TZ_CHANGES &&
	    !icaltime_is_null_time(t = icalrecur_iterator_next(it)) && t.year <= TZ_LAST_YEAR)
		z->changes++;
	icalrecur_iterator_free(it);
	if (z->changes > ICS_MAX_TZ_CHANGES)
		return ics_fail(cause, "time zone '%s': %s from %04d-%02d-%02d has too many "
		    "transitions (the file's VTIMEZONEs expand to more than %d up to %d)", zone,
		    part, start.year, start.month, start.day, ICS_MAX_TZ_CHANGES, TZ_LAST_YEAR);
	return 0;
}

/* One STANDARD or DAYLIGHT part of a zone: its DTSTART, RDATEs and RRULEs. */
static int
check_part(struct ics_zones *z, const char *zone, icalcomponent *c, char **cause)
{
	icalproperty *ps = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY), *p;
	const char *part = icalcomponent_isa(c) == ICAL_XDAYLIGHT_COMPONENT ? "DAYLIGHT" :
	    "STANDARD";
	struct icaltimetype start;

	if (ps == NULL)
		return 0;		/* libical skips it */
	start = icalproperty_get_dtstart(ps);
	z->changes += 1 + icalcomponent_count_properties(c, ICAL_RDATE_PROPERTY);
	for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p != NULL;
	    p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY))
		if (check_rule(z, zone, part, start, icalproperty_get_rrule(p), cause) < 0)
			return -1;
	if (z->changes > ICS_MAX_TZ_CHANGES)
		return ics_fail(cause, "time zone '%s': too many transitions (the file's "
		    "VTIMEZONEs expand to more than %d up to %d)", zone, ICS_MAX_TZ_CHANGES,
		    TZ_LAST_YEAR);
	return 0;
}

int
ics_zones_check(struct ics_zones *z, icalcomponent *cal, char **cause)
{
	icalcomponent *tz, *c;

	for (tz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT); tz != NULL;
	    tz = icalcomponent_get_next_component(cal, ICAL_VTIMEZONE_COMPONENT))
		for (c = icalcomponent_get_first_component(tz, ICAL_ANY_COMPONENT); c != NULL;
		    c = icalcomponent_get_next_component(tz, ICAL_ANY_COMPONENT))
			if (check_part(z, zone_name(tz), c, cause) < 0)
				return -1;
	return 0;
}

icaltimezone *
ics_zone(icalcomponent *cal, const char *tzid)
{
	icaltimezone *z;
	struct icaltimetype t = icaltime_null_time();

	if ((cal == NULL || (z = icalcomponent_get_timezone(cal, tzid)) == NULL) &&
	    (z = icaltimezone_get_builtin_timezone(tzid)) == NULL)
		z = icaltimezone_get_builtin_timezone_from_tzid(tzid);
	if (z == NULL)
		return NULL;
	/* Expand it up to TZ_COVER_YEAR now, once for all (see TZ_COVER_YEAR). */
	t.year = TZ_COVER_YEAR;
	t.month = t.day = 1;
	(void)icaltime_as_timet_with_zone(t, z);
	return z;
}
