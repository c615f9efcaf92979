/*
 * blackout_ics.h: the events of an iCalendar file as blackouts.  Pure: text
 * in, blackouts out; no I/O, no clock, no database.
 */
#ifndef HP_BLACKOUT_ICS_H
#define HP_BLACKOUT_ICS_H

#include "model.h"

#include <stddef.h>
#include <time.h>

/*
 * An import is bounded before anything is stored: the file (ICS_MAX_BYTES,
 * which the daemon checks before reading it), its entries (one for each
 * event, plus one for each occurrence an event moves or adds:
 * RECURRENCE-ID, RDATE) and its recurring events, each kept as one rule
 * whose occurrences the window engine makes a year at a time (recur.h).
 */
#define ICS_MAX_BYTES		(4u << 20)	/* 4 MiB */
#define ICS_MAX_ENTRIES		10000
#define ICS_MAX_RULES		500
/* A recurring event in a zone only its file defines keeps that VTIMEZONE, up to this size. */
#define ICS_MAX_TZDEF		16384
/* Names are cut to this many bytes (on a UTF-8 boundary), like --name. */
#define ICS_MAX_NAME		200
/* A VTIMEZONE's RRULEs, and the zone transitions they expand to (up to HP_YEAR_MAX + 6). */
#define ICS_MAX_TZ_RULES	16
#define ICS_MAX_TZ_CHANGES	10000

/*
 * Why name cannot be a blackout's name, or NULL if it can: empty, over
 * ICS_MAX_NAME bytes, not UTF-8, or with a control character (C0 such as
 * TAB, CR and LF, DEL or C1), which would break the one-line and column
 * output.  The one check for "blackout add --name" and imported SUMMARYs.
 */
const char *blackout_name_problem(const char *name);

/*
 * Turn the VEVENTs of the iCalendar text (len bytes, UTF-8, no NUL needed)
 * into blackout entries for ring (NULL = every ring), in file order, each
 * with its key: uid (the event's UID; an event without one gets "(no UID)
 * DTSTART SUMMARY", with " #2" and on for repeats) and, for an entry that
 * is one occurrence, rid (the RECURRENCE-ID or RDATE: "YYYY-MM-DD", or a
 * UTC instant).  import is left NULL for the caller.
 *
 * - all-day events (DTSTART;VALUE=DATE) become date blackouts from DTSTART to
 *   the day before DTEND (DTEND is exclusive, RFC 5545); no DTEND means one
 *   day (or DURATION's days), and a DTEND equal to DTSTART is read as one day;
 * - timed events become timed blackouts [start, end) in UTC: a TZID is
 *   resolved through the file's VTIMEZONE or libical's built-in zones, a
 *   floating time is taken as UTC, no DTEND means DURATION or else one hour;
 *   from/to are then the UTC days the interval touches (for display);
 * - an event with an RRULE is one entry that keeps the rule (rrule, the
 *   subset of recur.h), its first occurrence (DTSTART and its length), its
 *   EXDATEs and the occurrences that another VEVENT with the same UID and a
 *   RECURRENCE-ID replaces (except), and for a timed one its zone (tzid: a
 *   built-in zone when TZID names one, else the file's VTIMEZONE in tzdef).
 *   Its RDATEs are entries of their own, like the replacing VEVENTs; an
 *   event with RDATEs and no RRULE is its DTSTART's entry and those;
 * - STATUS:CANCELLED events are left out (a cancelled RECURRENCE-ID one
 *   still removes its occurrence);
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
 * RRULE or one recur_compile refuses (outside the subset, an occurrence
 * longer than RECUR_MAX_DAYS, a COUNT not reached within RECUR_COUNT_YEARS),
 * two events with one key, a date outside HP_YEAR_MIN..HP_YEAR_MAX, a
 * VTIMEZONE rule that is not FREQ=YEARLY or has BYHOUR, BYMINUTE or
 * BYSECOND, or when a limit above would be passed.  So an import takes
 * bounded time and memory whatever the file holds.
 *
 * Returns 0 with *out (caller frees each with blackout_free, then the array)
 * and *n, which may be 0 (every event cancelled), or -1.
 */
int ics_import(const char *text, size_t len, const char *ring, struct blackout **out,
    size_t *n, char **cause);

#endif
