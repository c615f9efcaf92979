/*
 * blackout_ics.c: the events of an iCalendar file -> blackouts.  libical
 * parses, resolves time zones and expands recurrences; this file decides
 * what an event means as a change freeze and refuses anything doubtful.
 */
#include "blackout_ics.h"
#include "ics_zones.h"
#include "util.h"

#include <libical/ical.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_SECS	3600	/* a timed event with neither DTEND nor DURATION */

/* Set x->cause (an ics_fail) and return -1. */
#define fail(x, ...)	ics_fail(&(x)->cause, __VA_ARGS__)
#define RULE_WORK	1000	/* what each RRULE costs at least, see rule_work */

/* An occurrence replaced by a VEVENT with the same UID and a RECURRENCE-ID. */
struct replaced {
	const char		*uid;	/* in the parsed tree */
	struct icaltimetype	 rid;	/* resolved */
};

struct ics {
	icalcomponent		*cal;	/* the VCALENDAR being read, for its VTIMEZONEs */
	const char		*ring;
	time_t			 from, to;
	struct ymd		 from_day, to_day;	/* UTC days of from and to */
	struct blackout		*v;
	size_t			 n, cap;
	struct replaced		*rep;
	size_t			 nrep, repcap;
	struct ics_cut		*cuts;
	size_t			 ncuts, cutcap;
	double			 work;	/* estimated RRULE instants so far */
	struct ics_zones	 zones;	/* what the VTIMEZONEs cost so far */
	char			*cause;
};

/* One VEVENT, read and checked. */
struct event {
	icalcomponent		*c;
	char			*name;
	const char		*uid;	/* NULL if none */
	struct icaltimetype	 start;	/* a date, or a time with its zone set */
	int			 days;	/* all-day: length in days, >= 1 */
	time_t			 secs;	/* timed: length in seconds, > 0 */
	struct icaltimetype	*ex;	/* EXDATEs, resolved */
	size_t			 nex, excap;
};

/*
 * SUMMARY as a blackout name: valid UTF-8 only, line breaks and tabs as
 * spaces, other control characters (C0, DEL, C1) dropped, runs of spaces
 * made one, trimmed, at most ICS_MAX_NAME bytes.
 */
static char *
clean_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t len = strlen((const char *)p), o = 0, l;
	char *out = xmalloc(ICS_MAX_NAME + 1);

	for (size_t i = 0; i < len; i += l) {
		if ((l = utf8_len(p + i, len - i)) == 0) {
			l = 1;			/* a stray byte: drop it */
			continue;
		}
		if (p[i] == '\t' || p[i] == '\n' || p[i] == '\r' || p[i] == ' ') {
			if (o > 0 && out[o - 1] != ' ' && o < ICS_MAX_NAME)
				out[o++] = ' ';
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f || (p[i] == 0xc2 && p[i + 1] < 0xa0))
			continue;
		if (o + l > ICS_MAX_NAME)
			break;
		memcpy(out + o, p + i, l);
		o += l;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	if (o == 0) {
		free(out);
		return xstrdup("imported event");
	}
	return out;
}

const char *
blackout_name_problem(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t len = strlen(name);

	if (len == 0)
		return "it is empty";
	if (len > ICS_MAX_NAME)
		return "it is longer than 200 bytes";
	if (!utf8_valid(name, len))
		return "it is not UTF-8 text";
	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return "it has a tab or another control character (they would break "
			    "the one-line and column output)";
	return NULL;
}

/* True if the text has a line that is want, ignoring case and trailing blanks. */
static bool
has_line(const char *text, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = text; p != NULL; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		if (strncmp(p, "\xef\xbb\xbf", 3) == 0)
			p += 3;
		if (strncasecmp(p, want, n) == 0 && strspn(p + n, " \t\r") ==
		    strcspn(p + n, "\n"))
			return true;
	}
	return false;
}

/* The first X-LIC-ERROR in c, depth first, or NULL. */
static const char *
first_error(icalcomponent *c)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	icalcomponent *k;
	const char *e;

	if (p != NULL)
		return icalproperty_get_xlicerror(p);
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k != NULL;
	    k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		if ((e = first_error(k)) != NULL)
			return e;
	return NULL;
}

/*
 * Give a time value of property p its zone: a date stays a date, UTC stays
 * UTC, a TZID is looked up in the file's VTIMEZONEs and then in libical's
 * built-in zones, a floating time becomes UTC.
 */
static int
resolve(struct ics *x, const char *name, icalproperty *p, struct icaltimetype v,
    struct icaltimetype *out)
{
	icalparameter *tp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	const char *tzid = tp != NULL ? icalparameter_get_tzid(tp) : NULL;
	icaltimezone *z = NULL;

	*out = v;
	if (v.is_date || icaltime_is_utc(v))
		return 0;
	if (tzid == NULL) {
		*out = icaltime_set_timezone(out, icaltimezone_get_utc_timezone());
		return 0;
	}
	if ((z = ics_zone(x->cal, tzid)) == NULL)
		return fail(x, "event '%s': unknown time zone '%s'", name, tzid);
	*out = icaltime_set_timezone(out, z);
	return 0;
}

/* t in UTC; a time after TZ_COVER_YEAR is taken as UTC (see TZ_COVER_YEAR). */
static time_t
utc_of(struct icaltimetype t)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone();

	return icaltime_as_timet_with_zone(t, t.zone != NULL && t.year <= TZ_COVER_YEAR ?
	    t.zone : utc);
}

static struct ymd
ymd_of(struct icaltimetype t)
{
	return (struct ymd){ t.year, t.month, t.day };
}

static struct ymd
utc_day(time_t t)
{
	return ymd_of(icaltime_from_timet_with_zone(t, 1, icaltimezone_get_utc_timezone()));
}

/* The same occurrence: by day if either is a date, else by instant. */
static bool
same_occurrence(struct icaltimetype a, struct icaltimetype b)
{
	if (a.is_date || b.is_date)
		return ymd_cmp(ymd_of(a), ymd_of(b)) == 0;
	return utc_of(a) == utc_of(b);
}

/* DTEND or DURATION -> ev->days or ev->secs. */
static int
event_length(struct ics *x, struct event *ev)
{
	icalproperty *pe = icalcomponent_get_first_property(ev->c, ICAL_DTEND_PROPERTY);
	icalproperty *pd = icalcomponent_get_first_property(ev->c, ICAL_DURATION_PROPERTY);
	struct icaltimetype end;
	struct icaldurationtype d;
	time_t secs;

	ev->days = 1;
	ev->secs = DEFAULT_SECS;
	if (pe != NULL) {
		if (resolve(x, ev->name, pe, icalproperty_get_dtend(pe), &end) < 0)
			return -1;
		if (end.is_date != ev->start.is_date)
			return fail(x, "event '%s': DTSTART and DTEND must both be dates or both "
			    "date-times", ev->name);
		if (ev->start.is_date) {
			/* Both midnight UTC, so the difference is whole days. */
			secs = utc_of(end) - utc_of(ev->start);
			if (secs < 0)
				return fail(x, "event '%s': DTEND is before DTSTART", ev->name);
			ev->days = secs == 0 ? 1 : (int)(secs / 86400);
			return 0;
		}
		ev->secs = utc_of(end) - utc_of(ev->start);
		if (ev->secs < 0)
			return fail(x, "event '%s': DTEND is before DTSTART", ev->name);
		if (ev->secs == 0)
			return fail(x, "event '%s': DTEND is the same as DTSTART (zero length)",
			    ev->name);
		return 0;
	}
	if (pd == NULL)
		return 0;
	d = icalproperty_get_duration(pd);
	if (d.is_neg)
		return fail(x, "event '%s': negative DURATION", ev->name);
	if (ev->start.is_date) {
		ev->days = (int)(d.weeks * 7 + d.days);
		if (ev->days == 0)
			ev->days = 1;
		return 0;
	}
	ev->secs = icaldurationtype_as_int(d);
	if (ev->secs == 0)
		return fail(x, "event '%s': DURATION is zero", ev->name);
	return 0;
}

/*
 * The EXDATEs of ev, resolved.  Read once, up front: a component has one
 * property iterator, so no other property walk may run inside another.
 */
static int
event_exdates(struct ics *x, struct event *ev)
{
	icalproperty *p;
	struct icaltimetype t;

	for (p = icalcomponent_get_first_property(ev->c, ICAL_EXDATE_PROPERTY); p != NULL;
	    p = icalcomponent_get_next_property(ev->c, ICAL_EXDATE_PROPERTY)) {
		if (resolve(x, ev->name, p, icalproperty_get_exdate(p), &t) < 0)
			return -1;
		grow(&ev->ex, ev->nex, &ev->excap, sizeof(t));
		ev->ex[ev->nex++] = t;
	}
	return 0;
}

/* Read ev->c: its name, UID, resolved DTSTART, length and EXDATEs. */
static int
event_read(struct ics *x, struct event *ev)
{
	icalproperty *ps = icalcomponent_get_first_property(ev->c, ICAL_DTSTART_PROPERTY);
	icalproperty *pu = icalcomponent_get_first_property(ev->c, ICAL_UID_PROPERTY);
	icalproperty *pn = icalcomponent_get_first_property(ev->c, ICAL_SUMMARY_PROPERTY);

	ev->name = clean_name(pn != NULL ? icalproperty_get_summary(pn) : NULL);
	ev->uid = pu != NULL ? icalproperty_get_uid(pu) : NULL;
	if (ps == NULL)
		return fail(x, "event '%s' has no DTSTART", ev->name);
	if (resolve(x, ev->name, ps, icalproperty_get_dtstart(ps), &ev->start) < 0 ||
	    event_length(x, ev) < 0)
		return -1;
	return event_exdates(x, ev);
}

static bool
cancelled(icalcomponent *c)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY);

	return p != NULL && icalproperty_get_status(p) == ICAL_STATUS_CANCELLED;
}

/* Does the occurrence starting at occ overlap the horizon? */
static bool
in_horizon(const struct ics *x, const struct event *ev, struct icaltimetype occ)
{
	struct icaltimetype last = occ;
	time_t s;

	if (occ.is_date) {
		icaltime_adjust(&last, ev->days - 1, 0, 0, 0);
		return ymd_cmp(ymd_of(occ), x->to_day) <= 0 &&
		    ymd_cmp(ymd_of(last), x->from_day) >= 0;
	}
	s = utc_of(occ);
	return s <= x->to && s + ev->secs > x->from;
}

/* Does the occurrence start after the horizon? */
static bool
past_horizon(const struct ics *x, struct icaltimetype occ)
{
	return occ.is_date ? ymd_cmp(ymd_of(occ), x->to_day) > 0 : utc_of(occ) > x->to;
}

/* Is the occurrence an EXDATE of its event, or replaced by a RECURRENCE-ID one? */
static bool
excluded(const struct ics *x, const struct event *ev, struct icaltimetype occ)
{
	for (size_t i = 0; i < ev->nex; i++)
		if (same_occurrence(occ, ev->ex[i]))
			return true;
	for (size_t i = 0; ev->uid != NULL && i < x->nrep; i++)
		if (strcmp(x->rep[i].uid, ev->uid) == 0 && same_occurrence(occ, x->rep[i].rid))
			return true;
	return false;
}

static bool
year_ok(const struct ymd *d)
{
	return d->y >= HP_YEAR_MIN && d->y <= HP_YEAR_MAX;
}

/* Add the blackout of ev's occurrence that starts at occ. */
static int
add(struct ics *x, const struct event *ev, struct icaltimetype occ)
{
	struct blackout b = { 0 };
	struct icaltimetype last = occ;

	if (x->n == ICS_MAX_BLACKOUTS)
		return fail(x, "more than %d blackouts; split the file", ICS_MAX_BLACKOUTS);
	if (occ.is_date) {
		icaltime_adjust(&last, ev->days - 1, 0, 0, 0);
		b.from = ymd_of(occ);
		b.to = ymd_of(last);
	} else {
		b.timed = true;
		b.start = utc_of(occ);
		b.end = b.start + ev->secs;
		b.from = utc_day(b.start);
		b.to = utc_day(b.end - 1);
	}
	if (!year_ok(&b.from) || !year_ok(&b.to))
		return fail(x, "event '%s': only the years %d to %d are supported, not %d",
		    ev->name, HP_YEAR_MIN, HP_YEAR_MAX, year_ok(&b.from) ? b.to.y : b.from.y);
	b.name = xstrdup(ev->name);
	b.ring = xstrdup_null(x->ring);
	grow(&x->v, x->n, &x->cap, sizeof(b));
	x->v[x->n++] = b;
	return 0;
}

/* Add occ if it is in the horizon and not excluded. */
static int
add_occurrence(struct ics *x, const struct event *ev, struct icaltimetype occ)
{
	if (!in_horizon(x, ev, occ) || excluded(x, ev, occ))
		return 0;
	return add(x, ev, occ);
}

/*
 * An upper bound of the instants libical visits expanding r from start over
 * secs seconds: one a FREQ period (a day for the weekly and longer ones,
 * whose days are walked), times what BYHOUR, BYMINUTE and BYSECOND expand
 * each into.  A rule that matches rarely (FREQ=SECONDLY;BYMONTH=2) visits
 * them all between two occurrences.
 */
static double
rule_work(const struct icalrecurrencetype *r, double secs)
{
	double h = ics_by_count(r->by_hour, ICAL_BY_HOUR_SIZE);
	double m = ics_by_count(r->by_minute, ICAL_BY_MINUTE_SIZE);
	double s = ics_by_count(r->by_second, ICAL_BY_SECOND_SIZE);
	double n;

	h = h > 0 ? h : 1;
	m = m > 0 ? m : 1;
	s = s > 0 ? s : 1;
	switch (r->freq) {
	case ICAL_SECONDLY_RECURRENCE:
		n = secs;
		break;
	case ICAL_MINUTELY_RECURRENCE:
		n = secs / 60 * s;
		break;
	case ICAL_HOURLY_RECURRENCE:
		n = secs / 3600 * m * s;
		break;
	default:
		n = secs / 86400 * h * m * s;
		break;
	}
	/* RULE_WORK: the search for the first instant, which may skip centuries. */
	return RULE_WORK + n / (r->interval > 1 ? r->interval : 1);
}

/* Is t, an UNTIL, after the end of the horizon? */
static bool
until_past_horizon(const struct ics *x, struct icaltimetype t)
{
	return t.is_date ? ymd_cmp(ymd_of(t), x->to_day) > 0 : utc_of(t) > x->to;
}

/* Note that ev's own end lies past the horizon: count > 0 with after, or until. */
static void
note_cut(struct ics *x, const struct event *ev, size_t imported, int count, int after,
    struct icaltimetype until)
{
	struct ics_cut c = { .name = xstrdup(ev->name), .imported = imported,
	    .count = count, .after = after, .until = ymd_of(until) };

	grow(&x->cuts, x->ncuts, &x->cutcap, sizeof(c));
	x->cuts[x->ncuts++] = c;
}

/*
 * Run ev's RRULE r, bounded to the end of the horizon by its UNTIL (libical
 * checks it between the instants it visits), with COUNT counted here since
 * libical takes no rule with both.  Returns the occurrences seen, or -1.
 */
static long
run_rrule(struct ics *x, const struct event *ev, struct icalrecurrencetype r, int count)
{
	icalrecur_iterator *it = icalrecur_iterator_new(r, ev->start);
	struct icaltimetype occ;
	long seen = 0;
	int rc = 0;

	if (it == NULL)
		return fail(x, "event '%s': cannot expand its RRULE", ev->name);
	while (rc == 0 && (count == 0 || seen < count)) {
		occ = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(occ) || past_horizon(x, occ))
			break;
		if (++seen > ICS_MAX_STEPS)
			rc = fail(x, "event '%s': its RRULE repeats too often to expand (more "
			    "than %d occurrences)", ev->name, ICS_MAX_STEPS);
		else
			rc = add_occurrence(x, ev, occ);
	}
	icalrecur_iterator_free(it);
	return rc < 0 ? -1 : seen;
}

/*
 * The occurrences of ev's RRULE up to the end of the horizon, after its
 * work is checked against what is left of ICS_MAX_WORK.  A COUNT or UNTIL
 * that reaches past the horizon is noted in x->cuts.
 */
static int
expand_rrule(struct ics *x, const struct event *ev, icalproperty *p)
{
	struct icalrecurrencetype r = icalproperty_get_rrule(p);
	struct icaltimetype until = r.until;
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	int count = r.count;
	size_t before = x->n;
	long seen;
	double work;
	char day[11];

	if (icaltime_is_null_time(until) || until_past_horizon(x, until)) {
		r.until = icaltime_from_timet_with_zone(x->to, ev->start.is_date, utc);
		r.until.zone = ev->start.is_date ? NULL : utc;
	}
	r.count = 0;
	work = rule_work(&r, difftime(utc_of(r.until), utc_of(ev->start)));
	if (work > ICS_MAX_WORK - x->work)
		return fail(x, "event '%s': its RRULE (FREQ=%s from %s) would take more than "
		    "%d steps to expand up to the horizon's end; give it a later DTSTART or "
		    "a longer INTERVAL", ev->name, icalrecur_freq_to_string(r.freq),
		    ymd_format(ymd_of(ev->start), day), ICS_MAX_WORK);
	x->work += work;
	if ((seen = run_rrule(x, ev, r, count)) < 0)
		return -1;
	if (count > 0 && seen < count)
		note_cut(x, ev, x->n - before, count, (int)(count - seen), until);
	else if (count == 0 && !icaltime_is_null_time(until) && until_past_horizon(x, until))
		note_cut(x, ev, x->n - before, 0, 0, until);
	return 0;
}

/* An RDATE's start: a date, a date-time, or the start of a period. */
static int
expand_rdates(struct ics *x, const struct event *ev)
{
	struct icaldatetimeperiodtype dp;
	struct icaltimetype t;
	icalproperty *p;

	for (p = icalcomponent_get_first_property(ev->c, ICAL_RDATE_PROPERTY); p != NULL;
	    p = icalcomponent_get_next_property(ev->c, ICAL_RDATE_PROPERTY)) {
		dp = icalproperty_get_rdate(p);
		t = icaltime_is_null_time(dp.time) ? dp.period.start : dp.time;
		if (resolve(x, ev->name, p, t, &t) < 0)
			return -1;
		if (t.is_date != ev->start.is_date)
			return fail(x, "event '%s': RDATE and DTSTART must both be dates or both "
			    "date-times", ev->name);
		if (add_occurrence(x, ev, t) < 0)
			return -1;
	}
	return 0;
}

static int
read_event(struct ics *x, icalcomponent *c)
{
	icalproperty *rr = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
	bool recurring = rr != NULL ||
	    icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY) != NULL;
	bool instance = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY) != NULL;
	struct event ev = { .c = c };
	int rc;

	if ((rc = event_read(x, &ev)) < 0 || cancelled(c)) {
		free(ev.name);
		free(ev.ex);
		return rc;
	}
	if (icalcomponent_count_properties(c, ICAL_RRULE_PROPERTY) > 1)
		rc = fail(x, "event '%s' has more than one RRULE", ev.name);
	else if (rr != NULL)
		rc = expand_rrule(x, &ev, rr);
	else if (recurring)		/* RDATEs only: DTSTART is the first occurrence */
		rc = add_occurrence(x, &ev, ev.start);
	if (rc == 0 && recurring)
		rc = expand_rdates(x, &ev);
	else if (rc == 0 && instance)
		rc = in_horizon(x, &ev, ev.start) ? add(x, &ev, ev.start) : 0;
	else if (rc == 0)
		rc = add(x, &ev, ev.start);
	free(ev.name);
	free(ev.ex);
	return rc;
}

/* Note every VEVENT that replaces an occurrence of another (RECURRENCE-ID). */
static int
note_replaced(struct ics *x)
{
	icalcomponent *c;
	icalproperty *pr, *pu;
	struct replaced r;
	char *name;

	for (c = icalcomponent_get_first_component(x->cal, ICAL_VEVENT_COMPONENT); c != NULL;
	    c = icalcomponent_get_next_component(x->cal, ICAL_VEVENT_COMPONENT)) {
		pr = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
		pu = icalcomponent_get_first_property(c, ICAL_UID_PROPERTY);
		if (pr == NULL || pu == NULL)
			continue;
		r.uid = icalproperty_get_uid(pu);
		name = clean_name(icalcomponent_get_summary(c));
		if (resolve(x, name, pr, icalproperty_get_recurrenceid(pr), &r.rid) < 0) {
			free(name);
			return -1;
		}
		free(name);
		if (r.uid == NULL)
			continue;
		grow(&x->rep, x->nrep, &x->repcap, sizeof(r));
		x->rep[x->nrep++] = r;
	}
	return 0;
}

/* Every VEVENT of one VCALENDAR; adds to *events how many there were. */
static int
read_calendar(struct ics *x, icalcomponent *cal, size_t *events)
{
	icalcomponent *c;

	x->cal = cal;
	x->nrep = 0;
	if (ics_zones_check(&x->zones, cal, &x->cause) < 0 || note_replaced(x) < 0)
		return -1;
	for (c = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); c != NULL;
	    c = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		(*events)++;
		if (read_event(x, c) < 0)
			return -1;
	}
	return 0;
}

/* Why libical found no calendar in text. */
static int
not_parsed(struct ics *x, const char *text)
{
	if (!has_line(text, "BEGIN:VCALENDAR"))
		return fail(x, "not an iCalendar file (no BEGIN:VCALENDAR)");
	if (!has_line(text, "END:VCALENDAR"))
		return fail(x, "incomplete iCalendar file: no END:VCALENDAR");
	return fail(x, "malformed iCalendar file: a BEGIN: line has no matching END: line");
}

/* Parse and read every VCALENDAR; the root is freed here. */
static int
read_text(struct ics *x, const char *text)
{
	icalcomponent *root = icalparser_parse_string(text), *cal;
	size_t events = 0;
	const char *err;
	int rc = 0;

	if (root == NULL)
		return not_parsed(x, text);
	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
		if (icalcomponent_count_errors(root) > 0 && (err = first_error(root)) != NULL)
			rc = fail(x, "bad iCalendar data: %s", err);
		else
			rc = read_calendar(x, root, &events);
	} else if (icalcomponent_isa(root) == ICAL_XROOT_COMPONENT &&
	    icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT) != NULL) {
		if (icalcomponent_count_errors(root) > 0 && (err = first_error(root)) != NULL)
			rc = fail(x, "bad iCalendar data: %s", err);
		for (cal = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
		    cal != NULL && rc == 0;
		    cal = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT))
			rc = read_calendar(x, cal, &events);
	} else {
		rc = fail(x, "not an iCalendar file (no BEGIN:VCALENDAR)");
	}
	if (rc == 0 && events == 0)
		rc = fail(x, "no events (VEVENT) in the calendar");
	icalcomponent_free(root);
	return rc;
}

void
ics_cuts_free(struct ics_cut *cuts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(cuts[i].name);
	free(cuts);
}

int
ics_blackouts(const char *text, size_t len, const char *ring, time_t from, time_t to,
    struct blackout **out, size_t *n, char **cause)
{
	return ics_import(text, len, ring, from, to, out, n, NULL, NULL, cause);
}

int
ics_import(const char *text, size_t len, const char *ring, time_t from, time_t to,
    struct blackout **out, size_t *n, struct ics_cut **cuts, size_t *ncuts, char **cause)
{
	struct ics x = { .ring = ring, .from = from, .to = to, .from_day = utc_day(from),
	    .to_day = utc_day(to) };
	char *buf;
	int rc;

	*out = NULL;
	*n = 0;
	if (cuts != NULL) {
		*cuts = NULL;
		*ncuts = 0;
	}
	if (memchr(text, '\0', len) != NULL) {
		*cause = xstrdup("not an iCalendar file (it has a NUL byte)");
		return -1;
	}
	if (!utf8_valid(text, len)) {
		*cause = xstrdup("not an iCalendar file (it is not UTF-8 text)");
		return -1;
	}
	buf = xmalloc(len + 1);
	memcpy(buf, text, len);
	buf[len] = '\0';
	rc = read_text(&x, buf);
	free(buf);
	free(x.rep);
	if (rc < 0) {
		for (size_t i = 0; i < x.n; i++)
			blackout_free(&x.v[i]);
		free(x.v);
		ics_cuts_free(x.cuts, x.ncuts);
		*cause = x.cause;
		return -1;
	}
	*out = x.v;
	*n = x.n;
	if (cuts != NULL) {
		*cuts = x.cuts;
		*ncuts = x.ncuts;
	} else {
		ics_cuts_free(x.cuts, x.ncuts);
	}
	return 0;
}
