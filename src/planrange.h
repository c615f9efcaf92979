/*
 * planrange.h: the months a plan covers, and how a request names them.
 * A plan runs from a month for a number of months, across year ends; a
 * calendar year is the range from its January for 12.  Pure: hotpatchctl
 * plan (--from, --months, --year) and the /plan page (?from=&months=,
 * ?year=, /plan/YYYY) both end up here, so they accept the same ranges.
 */
#ifndef HP_PLANRANGE_H
#define HP_PLANRANGE_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>

#define PLAN_MONTHS_DEFAULT	12
/* The feeds' horizon: a plan shows at most what the feeds hold. */
#define PLAN_MONTHS_MAX		HP_HORIZON_MONTHS

struct plan_range {
	ym_t	 from;		/* the first month */
	int	 months;	/* how many, 1..PLAN_MONTHS_MAX */
};

/* The rolling default: the month of now for PLAN_MONTHS_DEFAULT months. */
struct plan_range plan_range_default(ym_t now);
/* January to December of year y. */
struct plan_range plan_range_year(int y);
/* The last month of r. */
ym_t plan_range_last(const struct plan_range *r);
/* The year r covers when it is exactly one calendar year, else 0. */
int plan_range_year_of(const struct plan_range *r);

/*
 * NULL if r can be planned: 1..PLAN_MONTHS_MAX months, all of them in the
 * years hotpatchd handles; else why not, allocated ("12 months from
 * 2500-06 run past 2500-12").
 */
char *plan_range_check(const struct plan_range *r);

/*
 * The range of the same length just before (dir < 0) or after (dir > 0)
 * r, for the page's previous and next links; false when it would leave
 * the years hotpatchd handles.
 */
bool plan_range_step(const struct plan_range *r, int dir, struct plan_range *out);

/* Room plan_range_words needs at most. */
#define PLAN_RANGE_WORDS	32

/* "2027" for a calendar year, "Dec 2026" for one month, else "Dec 2026 to Nov 2027". */
char *plan_range_words(const struct plan_range *r, char *buf, size_t len);

/* One name=value of a query string, decoded; value NULL when there was no '='. */
struct query_arg {
	const char	*key;
	const char	*value;
};

/* A query may name at most this many parameters; from, months and year are three. */
#define PLAN_QUERY_MAX	8

/*
 * The range a /plan query names: from=YYYY-MM and months=N (each with its
 * default: the month of now, 12), or year=YYYY alone; none at all is the
 * rolling default.  Every parameter must be known, given once and well
 * formed: anything else returns -1 with *err, one line saying what is
 * wrong (the HTTP 400's text), never a silent default.  n may exceed
 * PLAN_QUERY_MAX (the caller counts what it could not keep).
 */
int plan_query_parse(const struct query_arg *a, size_t n, ym_t now, struct plan_range *out,
    char **err);

/* The year of a /plan/YYYY path: four digits in HP_YEAR_MIN..HP_YEAR_MAX; -1 otherwise. */
int plan_year_parse(const char *s, int *year);

/*
 * The query that names r and nothing else, "from=2026-12&months=12"
 * (allocated): the key of r's page in the site's cache, whichever way it
 * was asked for, and the target of the page's links.
 */
char *plan_range_query(const struct plan_range *r);

#endif
