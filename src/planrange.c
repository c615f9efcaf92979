/*
 * planrange.c: a plan's months and the ways a request names them (see
 * planrange.h).  Months are ym_t, one number per month, so a range across
 * a year end is plain addition.
 */
#include "planrange.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const month_abbr[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
    "Aug", "Sep", "Oct", "Nov", "Dec" };

struct plan_range
plan_range_default(ym_t now)
{
	return (struct plan_range){ now, PLAN_MONTHS_DEFAULT };
}

struct plan_range
plan_range_year(int y)
{
	return (struct plan_range){ ym_make(y, 1), 12 };
}

ym_t
plan_range_last(const struct plan_range *r)
{
	return r->from + r->months - 1;
}

int
plan_range_year_of(const struct plan_range *r)
{
	return ym_month(r->from) == 1 && r->months == 12 ? ym_year(r->from) : 0;
}

char *
plan_range_check(const struct plan_range *r)
{
	char m[8];

	if (r->months < 1 || r->months > PLAN_MONTHS_MAX)
		return xasprintf("a plan covers 1..%d months, not %d", PLAN_MONTHS_MAX, r->months);
	if (ym_year(r->from) < HP_YEAR_MIN)
		return xasprintf("a plan starts in %d-01 at the earliest", HP_YEAR_MIN);
	if (ym_year(plan_range_last(r)) > HP_YEAR_MAX)
		return xasprintf("%d months from %s run past %d-12", r->months,
		    ym_format(r->from, m), HP_YEAR_MAX);
	return NULL;
}

bool
plan_range_step(const struct plan_range *r, int dir, struct plan_range *out)
{
	char *why;

	*out = (struct plan_range){ r->from + (dir < 0 ? -r->months : r->months), r->months };
	why = plan_range_check(out);
	free(why);
	return why == NULL;
}

char *
plan_range_words(const struct plan_range *r, char *buf, size_t len)
{
	ym_t last = plan_range_last(r);

	if (plan_range_year_of(r) != 0)
		snprintf(buf, len, "%d", ym_year(r->from));
	else if (r->months == 1)
		snprintf(buf, len, "%s %d", month_abbr[ym_month(r->from) - 1], ym_year(r->from));
	else
		snprintf(buf, len, "%s %d to %s %d", month_abbr[ym_month(r->from) - 1],
		    ym_year(r->from), month_abbr[ym_month(last) - 1], ym_year(last));
	return buf;
}

char *
plan_range_query(const struct plan_range *r)
{
	char m[8];

	return xasprintf("from=%s&months=%d", ym_format(r->from, m), r->months);
}

/* v as an error message may show it: at most 32 bytes, anything but printable ASCII as '?'. */
static const char *
shown(const char *v, char buf[40])
{
	size_t i;

	for (i = 0; v[i] != '\0' && i < 32; i++)
		buf[i] = v[i] >= 0x20 && v[i] < 0x7f ? v[i] : '?';
	snprintf(buf + i, 40 - i, "%s", v[i] != '\0' ? "..." : "");
	return buf;
}

/* "NNNN" in HP_YEAR_MIN..HP_YEAR_MAX. */
int
plan_year_parse(const char *s, int *year)
{
	if (strlen(s) != 4 || strspn(s, "0123456789") != 4)
		return -1;
	*year = atoi(s);
	return *year >= HP_YEAR_MIN && *year <= HP_YEAR_MAX ? 0 : -1;
}

/* A whole number 1..PLAN_MONTHS_MAX, digits only. */
static int
months_parse(const char *s, int *n)
{
	size_t len = strlen(s);

	if (len == 0 || len > 2 || strspn(s, "0123456789") != len)
		return -1;
	*n = atoi(s);
	return *n >= 1 && *n <= PLAN_MONTHS_MAX ? 0 : -1;
}

/* The parameters a plan query knows, by position in seen[]. */
static const char *const known[] = { "from", "months", "year" };
enum { Q_FROM, Q_MONTHS, Q_YEAR, Q_N };

/* One parameter's value into out (or *year); NULL, or what is wrong with it. */
static char *
take_param(int which, const char *v, struct plan_range *out, int *year)
{
	char b[40];

	switch (which) {
	case Q_FROM:
		return ym_parse(v, &out->from) == 0 ? NULL :
		    xasprintf("bad from '%s' (expected YYYY-MM, a month of %d..%d)", shown(v, b),
		    HP_YEAR_MIN, HP_YEAR_MAX);
	case Q_MONTHS:
		return months_parse(v, &out->months) == 0 ? NULL :
		    xasprintf("bad months '%s' (expected 1..%d)", shown(v, b), PLAN_MONTHS_MAX);
	default:
		return plan_year_parse(v, year) == 0 ? NULL :
		    xasprintf("bad year '%s' (expected %d..%d)", shown(v, b), HP_YEAR_MIN,
		    HP_YEAR_MAX);
	}
}

/* Which of known[] key is, or -1. */
static int
param_of(const char *key)
{
	for (int k = 0; k < Q_N; k++)
		if (strcmp(key, known[k]) == 0)
			return k;
	return -1;
}

int
plan_query_parse(const struct query_arg *a, size_t n, ym_t now, struct plan_range *out,
    char **err)
{
	bool seen[Q_N] = { false };
	int year = 0, k;
	char b[40];

	*err = NULL;
	*out = plan_range_default(now);
	if (n > PLAN_QUERY_MAX) {
		*err = xasprintf("too many query parameters (%zu; a plan takes from and months, "
		    "or year)", n);
		return -1;
	}
	for (size_t i = 0; i < n && *err == NULL; i++) {
		if ((k = param_of(a[i].key)) < 0)
			*err = xasprintf("unknown parameter '%s' (expected from, months or year)",
			    shown(a[i].key, b));
		else if (seen[k])
			*err = xasprintf("parameter '%s' given twice", known[k]);
		else if (a[i].value == NULL || *a[i].value == '\0')
			*err = xasprintf("parameter '%s' needs a value (%s=%s)", known[k], known[k],
			    k == Q_FROM ? "YYYY-MM" : k == Q_MONTHS ? "N" : "YYYY");
		else
			*err = take_param(k, a[i].value, out, &year);
		if (k >= 0)
			seen[k] = true;
	}
	if (*err == NULL && seen[Q_YEAR] && (seen[Q_FROM] || seen[Q_MONTHS]))
		*err = xstrdup("year names its own months: give year, or from and months, "
		    "not both");
	if (*err == NULL && seen[Q_YEAR])
		*out = plan_range_year(year);
	if (*err == NULL)
		*err = plan_range_check(out);
	return *err == NULL ? 0 : -1;
}
