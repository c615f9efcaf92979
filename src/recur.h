/*
 * recur.h: recurring blackouts.  A blackout with an rrule is kept as its
 * rule, never as copies: this module checks the rule against the subset
 * hotpatchd takes, compiles it, and gives its occurrences year by year,
 * kept per ring set so that the window engine expands each year once, and
 * only the years it plans.  Pure: libical does the recurrence and the
 * time-zone arithmetic.
 *
 * The subset: FREQ=DAILY, WEEKLY, MONTHLY or YEARLY; INTERVAL; COUNT or
 * UNTIL; BYDAY (with a position such as 2TU or -1FR only for MONTHLY and
 * YEARLY); BYMONTHDAY; BYMONTH; WKST.  So a rule has at most one occurrence
 * a day, and at most 366 a year.
 */
#ifndef HP_RECUR_H
#define HP_RECUR_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define RECUR_MAX_DAYS		366	/* one occurrence lasts at most this long */
#define RECUR_COUNT_YEARS	100	/* a COUNT is reached within this many years */
#define RECUR_MAX_EXCEPT	1000	/* EXDATEs of one rule */
#define RECUR_MAX_TEXT		1024	/* bytes of an RRULE value */

/*
 * Why rrule cannot be a blackout's rule, or NULL: not an RRULE libical
 * reads, or a part outside the subset.  timed: the blackout has times.
 * The answer is in buf (len bytes) or a constant.
 */
const char *recur_problem(const char *rrule, bool timed, char *buf, size_t len);

/*
 * Why s cannot be one of a blackout's exceptions, or NULL: "YYYY-MM-DD" (a
 * local day), or for a timed blackout also a UTC instant "YYYY-MM-DDTHH:MM:SSZ".
 */
const char *recur_except_problem(const char *s, bool timed);

/*
 * Compile b's rrule (b->rrule set): the rule (recur_problem), the first
 * occurrence from..to or start..end (at most RECUR_MAX_DAYS), the
 * exceptions (at most RECUR_MAX_EXCEPT), the zone (tzid: a built-in zone,
 * or tzdef's VTIMEZONE, held to the import's zone limits), and a COUNT's
 * last occurrence (within RECUR_COUNT_YEARS).  NULL with *why (allocated,
 * one line) when any is wrong.
 */
struct recur *recur_compile(const struct blackout *b, char **why);
void recur_free(struct recur *r);

/* True when b repeats every year on its from..to days since HP_YEAR_MIN (every: year). */
bool recur_every_year(const struct blackout *b);

/* One occurrence of a recurring blackout. */
struct recur_occ {
	struct ymd		 from, to;	/* local days; a timed one's UTC days */
	time_t			 start, end;	/* timed only */
	long			 from_day, to_day;
	const struct blackout	*of;
	struct blackout		*full;		/* recur_blackout's, once asked */
};

/*
 * The occurrences of b (compiled) that start in year (their local day, or
 * the UTC day of a timed one), in order, less its exceptions: fn (if not
 * NULL) is called with each.  Returns how many.
 */
size_t recur_year(const struct blackout *b, int year,
    void (*fn)(const struct recur_occ *, void *), void *arg);

/* The occurrences of one year, sorted by from_day; none lasts more than maxdays. */
struct recur_block {
	struct recur_occ	*v;
	size_t			 n;
	long			 maxdays;
};

struct recur_years;

/* For the recurring ones among bo[0 .. n) (kept, not copied); NULL when none recurs. */
struct recur_years *recur_years_new(const struct blackout *bo, size_t n);
void recur_years_free(struct recur_years *y);

/* Every occurrence starting in year, made the first time it is asked; NULL for none. */
struct recur_block *recur_years_get(struct recur_years *y, int year);

/*
 * The occurrence as a blackout: its rule's name, ring and kind, its own
 * days or instants, of set.  Made once, kept with the block.
 */
const struct blackout *recur_blackout(struct recur_occ *o);

#endif
