/*
 * blackout_ics.h: the events of an iCalendar file as blackouts.  Pure: text
 * in, blackouts out; no I/O, no clock, no database.
 */
#ifndef HP_BLACKOUT_ICS_H
#define HP_BLACKOUT_ICS_H

#include "model.h"

#include <stddef.h>
#include <time.h>

/* At most this many blackouts from one file; more is refused. */
#define ICS_MAX_BLACKOUTS	1000
/* Steps one RRULE may take before the end of the horizon; more is refused. */
#define ICS_MAX_STEPS		100000
/* Names are cut to this many bytes (on a UTF-8 boundary), like --name. */
#define ICS_MAX_NAME		200
/*
 * Work libical may do for one file, bounded before it starts: the instants
 * it may visit expanding the events' RRULEs (estimated from FREQ, INTERVAL,
 * the BYHOUR/BYMINUTE/BYSECOND lists and the span from DTSTART to the end of
 * the horizon), the RRULEs in its VTIMEZONEs and the zone transitions those
 * expand to (up to the year HP_YEAR_MAX + 6).  More is refused.
 */
#define ICS_MAX_WORK		500000
#define ICS_MAX_TZ_RULES	16
#define ICS_MAX_TZ_CHANGES	10000

/* A recurring event whose own end (COUNT or UNTIL) lies past the horizon. */
struct ics_cut {
	char		*name;
	size_t		 imported;	/* its blackouts in the result */
	int		 count;		/* its COUNT, or 0 if it ends by UNTIL */
	int		 after;		/* COUNT: occurrences after the horizon */
	struct ymd	 until;		/* UNTIL: the day of it */
};

/*
 * Why name cannot be a blackout's name, or NULL if it can: empty, over
 * ICS_MAX_NAME bytes, not UTF-8, or with a control character (C0 such as
 * TAB, CR and LF, DEL or C1), which would break the one-line and column
 * output.  The one check for "blackout add --name" and imported SUMMARYs.
 */
const char *blackout_name_problem(const char *name);

/*
 * Turn the VEVENTs of the iCalendar text (len bytes, UTF-8, no NUL needed)
 * into blackouts for ring (NULL = every ring), in file order:
 *
 * - all-day events (DTSTART;VALUE=DATE) become date blackouts from DTSTART to
 *   the day before DTEND (DTEND is exclusive, RFC 5545); no DTEND means one
 *   day (or DURATION's days), and a DTEND equal to DTSTART is read as one day;
 * - timed events become timed blackouts [start, end) in UTC: a TZID is
 *   resolved through the file's VTIMEZONE or libical's built-in zones, a
 *   floating time is taken as UTC, no DTEND means DURATION or else one hour;
 *   from/to are then the UTC days the interval touches (for display);
 * - an event with an RRULE (and RDATEs) yields its occurrences that overlap
 *   the horizon [from, to], less its EXDATEs and the occurrences that another
 *   VEVENT with the same UID and a RECURRENCE-ID replaces; those replacements
 *   count as occurrences too (horizon applies).  Other events are taken
 *   whatever their date;
 * - STATUS:CANCELLED events are left out;
 * - names come from SUMMARY ("imported event" if none) with line breaks and
 *   tabs made spaces, other control characters removed, trimmed and cut to
 *   ICS_MAX_NAME bytes, so that blackout_name_problem finds nothing.
 *
 * The whole file is refused, with one line in *cause (caller frees) and
 * nothing in *out, when it is not UTF-8 or has a NUL byte, has no VCALENDAR,
 * is cut short, has any X-LIC-ERROR (libical's parse errors; the first one is
 * reported), has no VEVENT, has a VEVENT without DTSTART, with DTEND before
 * (or, for timed events, equal to) DTSTART, with DTSTART and DTEND of
 * different value types, a negative DURATION, an unknown TZID, more than one
 * RRULE or an RRULE that cannot be expanded within ICS_MAX_STEPS, a VTIMEZONE
 * rule that is not FREQ=YEARLY or has BYHOUR, BYMINUTE or BYSECOND, or when
 * a limit above (ICS_MAX_WORK, ICS_MAX_TZ_RULES, ICS_MAX_TZ_CHANGES,
 * ICS_MAX_BLACKOUTS) would be passed.  So an import takes bounded time and
 * memory whatever the file holds.
 *
 * Returns 0 with *out (caller frees each with blackout_free, then the array)
 * and *n, which may be 0 (every event cancelled or out of the horizon), or -1.
 */
int ics_blackouts(const char *text, size_t len, const char *ring, time_t from,
    time_t to, struct blackout **out, size_t *n, char **cause);

/*
 * ics_blackouts that also returns, in *cuts and *ncuts (caller frees with
 * ics_cuts_free), the recurring events whose COUNT or UNTIL reaches past the
 * end of the horizon: the occurrences after it were not imported.
 */
int ics_import(const char *text, size_t len, const char *ring, time_t from, time_t to,
    struct blackout **out, size_t *n, struct ics_cut **cuts, size_t *ncuts, char **cause);
void ics_cuts_free(struct ics_cut *cuts, size_t n);

#endif
