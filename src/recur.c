/*
 * recur.c: recurring blackouts: the RRULE subset, compiled rules, and their
 * occurrences by year.  libical iterates the rule (icalrecur_iterator) and
 * converts local times in the rule's zone; this file only bounds each
 * iteration to one year, so a year costs at most a year of days whatever
 * the rule, and keeps what it made.
 */
#include "ics_zones.h"
#include "recur.h"
#include "util.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY		86400
#define YEARS		(HP_YEAR_MAX - HP_YEAR_MIN + 1)
#define YEAR_STEPS	800	/* a year has at most 366 occurrences; a guard against more */

struct recur {
	struct icalrecurrencetype r;		/* no COUNT: a COUNT's last occurrence is the UNTIL */
	struct icaltimetype	 dtstart;	/* a date, or a local time in zone */
	icaltimezone		*zone;		/* timed: the zone it repeats in */
	icalcomponent		*cal;		/* the parsed tzdef, which holds zone; or NULL */
	bool			 timed;
	long			 days;		/* date: days per occurrence */
	time_t			 secs;		/* timed: seconds per occurrence */
	long			*exday;		/* excluded local days (day numbers) */
	size_t			 nexday;
	time_t			*exat;		/* excluded starts (timed) */
	size_t			 nexat;
};

struct recur_years {
	const struct blackout	*bo;
	size_t			 n;
	struct recur_block	*year[YEARS];
	bool			 made[YEARS];
};

/* How many values a BY list has (they end at ICAL_RECURRENCE_ARRAY_MAX). */
static int
by_count(const short *a, int size)
{
	int n = 0;

	while (n < size && a[n] != ICAL_RECURRENCE_ARRAY_MAX)
		n++;
	return n;
}

/* The first part outside the subset, or NULL. */
static const char *
foreign_part(const struct icalrecurrencetype *r)
{
	if (by_count(r->by_second, ICAL_BY_SECOND_SIZE) > 0)
		return "BYSECOND";
	if (by_count(r->by_minute, ICAL_BY_MINUTE_SIZE) > 0)
		return "BYMINUTE";
	if (by_count(r->by_hour, ICAL_BY_HOUR_SIZE) > 0)
		return "BYHOUR";
	if (by_count(r->by_year_day, ICAL_BY_YEARDAY_SIZE) > 0)
		return "BYYEARDAY";
	if (by_count(r->by_week_no, ICAL_BY_WEEKNO_SIZE) > 0)
		return "BYWEEKNO";
	if (by_count(r->by_set_pos, ICAL_BY_SETPOS_SIZE) > 0)
		return "BYSETPOS";
	return NULL;
}

/* BYMONTH within 1..12, and a BYDAY position only where RFC 5545 allows one. */
static const char *
by_problem(const struct icalrecurrencetype *r, char *buf, size_t len)
{
	int n = by_count(r->by_month, ICAL_BY_MONTH_SIZE);

	for (int i = 0; i < n; i++) {
		if (r->by_month[i] < 1 || r->by_month[i] > 12) {
			snprintf(buf, len, "BYMONTH=%d is not a month (1..12)", r->by_month[i]);
			return buf;
		}
	}
	if (r->freq != ICAL_DAILY_RECURRENCE && r->freq != ICAL_WEEKLY_RECURRENCE)
		return NULL;
	n = by_count(r->by_day, ICAL_BY_DAY_SIZE);
	for (int i = 0; i < n; i++)
		if (icalrecurrencetype_day_position(r->by_day[i]) != 0)
			return "a BYDAY with a position (such as 2TU) is taken only with "
			    "FREQ=MONTHLY or FREQ=YEARLY";
	return NULL;
}

const char *
recur_problem(const char *rrule, bool timed, char *buf, size_t len)
{
	struct icalrecurrencetype r;
	const char *part, *why;

	(void)timed;	/* the subset is the same; UNTIL's type follows libical */
	if (strlen(rrule) > RECUR_MAX_TEXT)
		return "it is longer than 1024 bytes";
	if (strpbrk(rrule, "\r\n\t") != NULL || !utf8_valid(rrule, strlen(rrule)))
		return "it is not one line of text";
	r = icalrecurrencetype_from_string(rrule);
	if (r.freq == ICAL_NO_RECURRENCE) {
		snprintf(buf, len, "'%.80s' is not an RRULE that libical reads (such as "
		    "FREQ=WEEKLY;BYDAY=FR)", rrule);
		return buf;
	}
	if (r.rscale != NULL) {		/* the only part libical allocates */
		free(r.rscale);
		return "RSCALE is not taken (only FREQ, INTERVAL, COUNT or UNTIL, BYDAY, "
		    "BYMONTHDAY, BYMONTH and WKST are)";
	}
	if (r.freq < ICAL_DAILY_RECURRENCE || r.freq > ICAL_YEARLY_RECURRENCE) {
		snprintf(buf, len, "FREQ=%s is not taken; a blackout repeats DAILY, WEEKLY, "
		    "MONTHLY or YEARLY", icalrecur_freq_to_string(r.freq));
		return buf;
	}
	if ((part = foreign_part(&r)) != NULL) {
		snprintf(buf, len, "%s is not taken (only FREQ, INTERVAL, COUNT or UNTIL, BYDAY, "
		    "BYMONTHDAY, BYMONTH and WKST are)", part);
		return buf;
	}
	if ((why = by_problem(&r, buf, len)) != NULL)
		return why;
	return NULL;
}

/* "YYYY-MM-DDTHH:MM:SSZ" as an instant; 0 or -1. */
static int
instant_parse(const char *s, time_t *t)
{
	char day[11];
	struct ymd d;
	int h, mi, se;

	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
	    strspn(s + 11, "0123456789") != 2 || strspn(s + 14, "0123456789") != 2 ||
	    strspn(s + 17, "0123456789") != 2)
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	h = atoi(s + 11);
	mi = atoi(s + 14);
	se = atoi(s + 17);
	if (ymd_parse(day, &d) < 0 || h > 23 || mi > 59 || se > 59)
		return -1;
	*t = (time_t)ymd_days(d) * DAY + h * 3600 + mi * 60 + se;
	return 0;
}

const char *
recur_except_problem(const char *s, bool timed)
{
	struct ymd d;
	time_t t;

	if (ymd_parse(s, &d) == 0 || (timed && instant_parse(s, &t) == 0))
		return NULL;
	return timed ? "an exception is a day (YYYY-MM-DD) or a UTC instant "
	    "(YYYY-MM-DDTHH:MM:SSZ)" : "an exception is a day (YYYY-MM-DD)";
}

void
recur_free(struct recur *c)
{
	if (c == NULL)
		return;
	if (c->cal != NULL)
		icalcomponent_free(c->cal);
	free(c->exday);
	free(c->exat);
	free(c);
}

/* The exceptions of b into c. */
static int
compile_except(struct recur *c, const struct blackout *b, char **why)
{
	const char *p;
	struct ymd d;
	time_t t;

	if (b->nexcept > RECUR_MAX_EXCEPT) {
		*why = xasprintf("%zu exceptions; a rule has at most %d", b->nexcept,
		    RECUR_MAX_EXCEPT);
		return -1;
	}
	c->exday = xcalloc(b->nexcept + 1, sizeof(*c->exday));
	c->exat = xcalloc(b->nexcept + 1, sizeof(*c->exat));
	for (size_t i = 0; i < b->nexcept; i++) {
		if ((p = recur_except_problem(b->except[i], b->timed)) != NULL) {
			*why = xasprintf("exception '%s': %s", b->except[i], p);
			return -1;
		}
		if (ymd_parse(b->except[i], &d) == 0)
			c->exday[c->nexday++] = ymd_days(d);
		else if (instant_parse(b->except[i], &t) == 0)
			c->exat[c->nexat++] = t;
	}
	return 0;
}

/* The zone of a timed rule: UTC, tzdef's VTIMEZONE, or a built-in zone. */
static int
compile_zone(struct recur *c, const struct blackout *b, char **why)
{
	struct ics_zones z = { 0 };
	char *text;

	if (b->tzid == NULL) {
		c->zone = icaltimezone_get_utc_timezone();
		return 0;
	}
	if (b->tzdef != NULL) {
		text = xasprintf("BEGIN:VCALENDAR\r\n%s\r\nEND:VCALENDAR\r\n", b->tzdef);
		c->cal = icalparser_parse_string(text);
		free(text);
		if (c->cal == NULL || icalcomponent_isa(c->cal) != ICAL_VCALENDAR_COMPONENT ||
		    icalcomponent_count_errors(c->cal) > 0) {
			*why = xasprintf("the definition of time zone '%s' cannot be read", b->tzid);
			return -1;
		}
		if (ics_zones_check(&z, c->cal, why) < 0)
			return -1;
	}
	if ((c->zone = ics_zone(c->cal, b->tzid)) == NULL) {
		*why = xasprintf("unknown time zone '%s'", b->tzid);
		return -1;
	}
	return 0;
}

/* The first occurrence: its start and length. */
static int
compile_first(struct recur *c, const struct blackout *b, char **why)
{
	long max = RECUR_MAX_DAYS;

	if (!b->timed) {
		c->days = ymd_days(b->to) - ymd_days(b->from) + 1;
		c->dtstart = icaltime_null_time();
		c->dtstart.is_date = 1;
		c->dtstart.year = b->from.y;
		c->dtstart.month = b->from.m;
		c->dtstart.day = b->from.d;
		if (c->days >= 1 && c->days <= max)
			return 0;
		*why = xasprintf("one occurrence lasts %ld days; a repeating blackout lasts 1 to "
		    "%ld days", c->days, max);
		return -1;
	}
	c->secs = b->end - b->start;
	if (c->secs <= 0 || c->secs > (time_t)max * DAY) {
		*why = xasprintf("one occurrence lasts %lld seconds; a repeating blackout lasts "
		    "at most %ld days", (long long)c->secs, max);
		return -1;
	}
	c->dtstart = icaltime_from_timet_with_zone(b->start, 0, c->zone);
	c->dtstart = icaltime_set_timezone(&c->dtstart, c->zone);
	return 0;
}

/*
 * A COUNT becomes the UNTIL of its last occurrence, found once here, so
 * that each year can start where it starts (libical starts a rule with a
 * COUNT from its first occurrence only).
 */
static int
compile_count(struct recur *c, char **why)
{
	struct icalrecurrencetype r = c->r;
	struct icaltimetype t, last = icaltime_null_time();
	icalrecur_iterator *it;
	int seen = 0;

	if (r.count <= 0)
		return 0;
	r.count = 0;
	r.until = c->dtstart;
	r.until.year += RECUR_COUNT_YEARS;
	if ((it = icalrecur_iterator_new(r, c->dtstart)) == NULL) {
		*why = xstrdup("libical cannot expand the rule");
		return -1;
	}
	while (seen < c->r.count && !icaltime_is_null_time(t = icalrecur_iterator_next(it))) {
		last = t;
		seen++;
	}
	icalrecur_iterator_free(it);
	if (seen < c->r.count) {
		*why = xasprintf("its COUNT=%d is not reached within %d years of its first "
		    "occurrence (%d occurrences)", c->r.count, RECUR_COUNT_YEARS, seen);
		return -1;
	}
	c->r.count = 0;
	c->r.until = c->timed ? icaltime_set_timezone(&last, c->zone) : last;
	return 0;
}

/* libical takes the rule from the first occurrence (it refuses one that never occurs, such as BYMONTH=2;BYMONTHDAY=30). */
static int
compile_check(struct recur *c, char **why)
{
	struct icalrecurrencetype r = c->r;
	icalrecur_iterator *it;

	r.count = 0;
	if ((it = icalrecur_iterator_new(r, c->dtstart)) == NULL) {
		*why = xstrdup("libical cannot expand the rule (does it name a day that never "
		    "comes?)");
		return -1;
	}
	icalrecur_iterator_free(it);
	return 0;
}

struct recur *
recur_compile(const struct blackout *b, char **why)
{
	struct recur *c = xcalloc(1, sizeof(*c));
	const char *p;
	char buf[192];

	*why = NULL;
	c->timed = b->timed;
	if (b->rrule == NULL) {
		*why = xstrdup("no rrule");
	} else if ((p = recur_problem(b->rrule, b->timed, buf, sizeof(buf))) != NULL) {
		*why = xstrdup(p);
	} else if ((!b->timed || compile_zone(c, b, why) == 0) && compile_first(c, b, why) == 0 &&
	    compile_except(c, b, why) == 0) {
		c->r = icalrecurrencetype_from_string(b->rrule);
		if (!b->timed && !icaltime_is_null_time(c->r.until))
			c->r.until.is_date = 1;	/* a date rule ends on a day */
		if (compile_check(c, why) == 0 && compile_count(c, why) == 0)
			return c;
	}
	recur_free(c);
	return NULL;
}

bool
recur_every_year(const struct blackout *b)
{
	return b->rrule != NULL && !b->timed && strcmp(b->rrule, "FREQ=YEARLY") == 0 &&
	    b->from.y == HP_YEAR_MIN;
}

static bool
day_excluded(const struct recur *c, long day)
{
	for (size_t i = 0; i < c->nexday; i++)
		if (c->exday[i] == day)
			return true;
	return false;
}

static bool
start_excluded(const struct recur *c, time_t t)
{
	for (size_t i = 0; i < c->nexat; i++)
		if (c->exat[i] == t)
			return true;
	return false;
}

/* The UTC day of an instant. */
static struct ymd
utc_day(time_t t)
{
	return ymd_from_days((long)(t / DAY) - (t % DAY < 0));
}

/* The occurrence libical gave as t; false if it is excluded. */
static bool
occurrence(const struct recur *c, struct icaltimetype t, struct recur_occ *o)
{
	struct ymd local = { t.year, t.month, t.day };

	memset(o, 0, sizeof(*o));
	if (day_excluded(c, ymd_days(local)))
		return false;
	if (!c->timed) {
		o->from = local;
		o->to = ymd_add_days(local, c->days - 1);
	} else {
		t = icaltime_set_timezone(&t, c->zone);
		o->start = icaltime_as_timet_with_zone(t, c->zone);
		o->end = o->start + c->secs;
		if (start_excluded(c, o->start))
			return false;
		o->from = utc_day(o->start);
		o->to = utc_day(o->end - 1);
	}
	o->from_day = ymd_days(o->from);
	o->to_day = ymd_days(o->to);
	return true;
}

/*
 * Where year's iteration starts and ends: its days for a date rule; for a
 * timed one, local times from the day before it to UTC times of the day
 * after, since the year is the UTC one.  The rule's own UNTIL may end it
 * sooner.  False if the rule has ended before.
 */
static bool
year_window(const struct recur *c, int year, struct icaltimetype *from,
    struct icalrecurrencetype *r)
{
	struct icaltimetype end = icaltime_null_time();

	*from = c->dtstart;
	from->year = year;
	from->month = from->day = 1;
	from->hour = from->minute = from->second = 0;
	end.year = year;
	end.month = 12;
	end.day = 31;
	end.is_date = 1;
	if (c->timed) {
		icaltime_adjust(from, -1, 0, 0, 0);
		end = icaltime_null_time();
		end.year = year + 1;
		end.month = 1;
		end.day = 2;
		end = icaltime_set_timezone(&end, icaltimezone_get_utc_timezone());
	}
	*r = c->r;
	if (icaltime_is_null_time(r->until) || icaltime_compare(r->until, end) > 0)
		r->until = end;
	return icaltime_compare(r->until, *from) >= 0;
}

size_t
recur_year(const struct blackout *b, int year,
    void (*fn)(const struct recur_occ *, void *), void *arg)
{
	const struct recur *c = b->rule;
	struct icalrecurrencetype r;
	struct icaltimetype from, t;
	icalrecur_iterator *it;
	struct recur_occ o;
	size_t n = 0;

	if (c == NULL || year < HP_YEAR_MIN || year > HP_YEAR_MAX || c->dtstart.year > year + 1 ||
	    !year_window(c, year, &from, &r) || (it = icalrecur_iterator_new(r, c->dtstart)) == NULL)
		return 0;
	if (icaltime_compare(from, c->dtstart) > 0 && !icalrecur_iterator_set_start(it, from)) {
		icalrecur_iterator_free(it);
		return 0;
	}
	for (int i = 0; i < YEAR_STEPS && !icaltime_is_null_time(t = icalrecur_iterator_next(it));
	    i++) {
		if (!occurrence(c, t, &o) || o.from.y < year)
			continue;
		if (o.from.y > year)
			break;
		o.of = b;
		if (fn != NULL)
			fn(&o, arg);
		n++;
	}
	icalrecur_iterator_free(it);
	return n;
}

struct recur_years *
recur_years_new(const struct blackout *bo, size_t n)
{
	struct recur_years *y;
	bool any = false;

	for (size_t i = 0; i < n && !any; i++)
		any = bo[i].rule != NULL;
	if (!any)
		return NULL;
	y = xcalloc(1, sizeof(*y));
	y->bo = bo;
	y->n = n;
	return y;
}

static void
block_free(struct recur_block *k)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i].full);
	free(k->v);
	free(k);
}

void
recur_years_free(struct recur_years *y)
{
	if (y == NULL)
		return;
	for (size_t i = 0; i < YEARS; i++)
		block_free(y->year[i]);
	free(y);
}

struct collect {
	struct recur_block	*k;
	size_t			 cap;
};

static void
collect(const struct recur_occ *o, void *arg)
{
	struct collect *c = arg;

	grow(&c->k->v, c->k->n, &c->cap, sizeof(*o));
	c->k->v[c->k->n++] = *o;
	if (o->to_day - o->from_day > c->k->maxdays)
		c->k->maxdays = o->to_day - o->from_day;
}

/* By first day, then in the blackouts' order, then by start. */
static int
occ_cmp(const void *a, const void *b)
{
	const struct recur_occ *x = a, *y = b;

	if (x->from_day != y->from_day)
		return x->from_day < y->from_day ? -1 : 1;
	if (x->of != y->of)
		return x->of < y->of ? -1 : 1;
	return (x->start > y->start) - (x->start < y->start);
}

struct recur_block *
recur_years_get(struct recur_years *y, int year)
{
	struct collect c = { 0 };
	size_t i = (size_t)(year - HP_YEAR_MIN);

	if (y == NULL || year < HP_YEAR_MIN || year > HP_YEAR_MAX)
		return NULL;
	if (!y->made[i]) {
		c.k = xcalloc(1, sizeof(*c.k));
		for (size_t k = 0; k < y->n; k++)
			if (y->bo[k].rule != NULL)
				recur_year(&y->bo[k], year, collect, &c);
		if (c.k->n > 1)
			qsort(c.k->v, c.k->n, sizeof(*c.k->v), occ_cmp);
		if (c.k->n == 0) {
			block_free(c.k);
			c.k = NULL;
		}
		y->year[i] = c.k;
		y->made[i] = true;
	}
	return y->year[i];
}

const struct blackout *
recur_blackout(struct recur_occ *o)
{
	struct blackout *b;

	if (o->full != NULL)
		return o->full;
	b = o->full = xmalloc(sizeof(*b));
	*b = *o->of;		/* its strings are the rule's, borrowed */
	b->from = o->from;
	b->to = o->to;
	b->start = o->start;
	b->end = o->end;
	b->from_day = o->from_day;
	b->to_day = o->to_day;
	b->rule = NULL;
	b->of = o->of;
	return b;
}
