/*
 * blackout_ics.c: the events of an iCalendar file -> blackout entries.
 * libical parses and resolves time zones; a recurring event is kept as its
 * rule (recur.h), never expanded here.  This file decides what an event
 * means as a change freeze, gives each entry its key for a later import of
 * the same file, and refuses anything doubtful.
 */
#include "blackout_ics.h"
#include "ics_zones.h"
#include "recur.h"
#include "util.h"

#include <libical/ical.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_SECS	3600	/* a timed event with neither DTEND nor DURATION */

/* Set x->cause (an ics_fail) and return -1. */
#define fail(x, ...)	ics_fail(&(x)->cause, __VA_ARGS__)

/* An occurrence replaced by a VEVENT with the same UID and a RECURRENCE-ID. */
struct replaced {
	const char		*uid;	/* in the parsed tree */
	struct icaltimetype	 rid;	/* resolved */
};

struct ics {
	icalcomponent		*cal;	/* the VCALENDAR being read, for its VTIMEZONEs */
	const char		*ring;
	struct blackout		*v;
	size_t			 n, cap;
	size_t			 rules;	/* recurring events among v */
	struct replaced		*rep;
	size_t			 nrep, repcap;
	struct strindex		 keys;	/* each entry's uid "\n" rid -> its position */
	char			**keytext;	/* the keys' storage */
	size_t			 nkey, keycap;
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

/* A resolved time as a key or an exception: "YYYY-MM-DD", or its UTC instant. */
static char *
time_text(struct icaltimetype t, char buf[21])
{
	if (t.is_date)
		snprintf(buf, 21, "%04d-%02d-%02d", t.year, t.month, t.day);
	else
		utc_format(utc_of(t), UTC_ISO8601, buf, 21);
	return buf;
}

static bool
year_ok(const struct ymd *d)
{
	return d->y >= HP_YEAR_MIN && d->y <= HP_YEAR_MAX;
}

/* Is occ an EXDATE of ev, or replaced by a RECURRENCE-ID event? */
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

/*
 * The key of an entry of ev, once in the file: its UID (or one made of
 * DTSTART and the name) and rid.  NULL after failing when the UID and rid
 * were there before.
 */
static char *
entry_key(struct ics *x, const struct event *ev, const char *rid)
{
	char day[21], *uid, *key;
	size_t pos;

	if (ev->uid != NULL)
		uid = xstrdup(ev->uid);
	else
		uid = xasprintf("(no UID) %s %s", time_text(ev->start, day), ev->name);
	for (int k = 2; ; k++) {
		key = xasprintf("%s\n%s", uid, rid != NULL ? rid : "");
		if (!strindex_get(&x->keys, key, &pos))
			break;
		free(key);
		if (ev->uid != NULL) {
			fail(x, "event '%s': two events have UID '%.200s'%s%s", ev->name, ev->uid,
			    rid != NULL ? " and RECURRENCE-ID " : "", rid != NULL ? rid : "");
			free(uid);
			return NULL;
		}
		free(uid);
		uid = xasprintf("(no UID) %s %s #%d", time_text(ev->start, day), ev->name, k);
	}
	grow(&x->keytext, x->nkey, &x->keycap, sizeof(*x->keytext));
	x->keytext[x->nkey++] = key;
	strindex_put(&x->keys, key, x->n);
	return uid;
}

/* A new entry for ev starting at occ (rid: the occurrence it is, or NULL), its key set. */
static struct blackout *
add(struct ics *x, const struct event *ev, struct icaltimetype occ, const char *rid)
{
	struct blackout b = { 0 };
	struct icaltimetype last = occ;

	if (x->n == ICS_MAX_ENTRIES) {
		fail(x, "more than %d entries (events, and the occurrences they move or add); "
		    "split the file", ICS_MAX_ENTRIES);
		return NULL;
	}
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
	if (!year_ok(&b.from) || !year_ok(&b.to)) {
		fail(x, "event '%s': only the years %d to %d are supported, not %d", ev->name,
		    HP_YEAR_MIN, HP_YEAR_MAX, year_ok(&b.from) ? b.to.y : b.from.y);
		return NULL;
	}
	if ((b.uid = entry_key(x, ev, rid)) == NULL)
		return NULL;
	b.name = xstrdup(ev->name);
	b.ring = xstrdup_null(x->ring);
	b.rid = xstrdup_null(rid);
	grow(&x->v, x->n, &x->cap, sizeof(b));
	x->v[x->n] = b;
	return &x->v[x->n++];
}

/* An entry for the occurrence at occ of ev, unless it is excluded. */
static int
add_occurrence(struct ics *x, const struct event *ev, struct icaltimetype occ, bool own)
{
	char rid[21];

	if (excluded(x, ev, occ))
		return 0;
	return add(x, ev, occ, own ? time_text(occ, rid) : NULL) != NULL ? 0 : -1;
}

/* The exceptions of ev's rule: its EXDATEs and the occurrences others replace. */
static void
rule_except(const struct ics *x, const struct event *ev, struct blackout *b)
{
	size_t cap = 0;
	char buf[21];

	for (size_t i = 0; i < ev->nex + x->nrep; i++) {
		struct icaltimetype t = i < ev->nex ? ev->ex[i] : x->rep[i - ev->nex].rid;

		if (i >= ev->nex && (ev->uid == NULL || strcmp(x->rep[i - ev->nex].uid, ev->uid) != 0))
			continue;
		if (!b->timed)
			t.is_date = 1;	/* a date rule's exceptions are days */
		grow(&b->except, b->nexcept, &cap, sizeof(*b->except));
		b->except[b->nexcept++] = xstrdup(time_text(t, buf));
	}
}

/*
 * The VTIMEZONE of the file that defines tzid, as text, or NULL.  Through
 * the calendar's zone list: walking its components would move the one
 * iterator read_calendar walks the events with.
 */
static char *
zone_text(const struct ics *x, const char *tzid)
{
	icaltimezone *z = icalcomponent_get_timezone(x->cal, tzid);
	icalcomponent *c = z != NULL ? icaltimezone_get_component(z) : NULL;

	return c != NULL ? icalcomponent_as_ical_string_r(c) : NULL;
}

/*
 * The zone a timed rule repeats in: none for UTC and floating times, a
 * built-in zone by name, else the file's VTIMEZONE, kept with the rule.
 */
static int
rule_zone(struct ics *x, const struct event *ev, struct blackout *b)
{
	icalproperty *p = icalcomponent_get_first_property(ev->c, ICAL_DTSTART_PROPERTY);
	icalparameter *tp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	const char *tzid = tp != NULL ? icalparameter_get_tzid(tp) : NULL;

	if (!b->timed || tzid == NULL || icaltime_is_utc(icalproperty_get_dtstart(p)))
		return 0;
	b->tzid = xstrdup(tzid);
	if (icaltimezone_get_builtin_timezone(tzid) != NULL)
		return 0;
	if ((b->tzdef = zone_text(x, tzid)) != NULL && strlen(b->tzdef) > ICS_MAX_TZDEF)
		return fail(x, "event '%s': the VTIMEZONE of '%s' is %zu bytes; a repeating "
		    "event keeps its zone, of at most %d bytes", ev->name, tzid,
		    strlen(b->tzdef), ICS_MAX_TZDEF);
	return 0;
}

/* ev's RRULE p as one entry: the rule, its first occurrence, exceptions and zone. */
static int
add_rule(struct ics *x, const struct event *ev, icalproperty *p)
{
	struct icalrecurrencetype r = icalproperty_get_rrule(p);
	struct blackout *b;
	char *why;

	if (++x->rules > ICS_MAX_RULES)
		return fail(x, "more than %d recurring events; split the file", ICS_MAX_RULES);
	if ((b = add(x, ev, ev->start, NULL)) == NULL)
		return -1;
	b->rrule = icalrecurrencetype_as_string_r(&r);
	rule_except(x, ev, b);
	if (rule_zone(x, ev, b) < 0)
		return -1;
	if ((b->rule = recur_compile(b, &why)) == NULL) {
		fail(x, "event '%s': RRULE %.200s: %s", ev->name, b->rrule, why);
		free(why);
		return -1;
	}
	return 0;
}

/* An RDATE's start: a date, a date-time, or the start of a period. */
static int
add_rdates(struct ics *x, const struct event *ev)
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
		if (add_occurrence(x, ev, t, true) < 0)
			return -1;
	}
	return 0;
}

/* The entries of one VEVENT (its RECURRENCE-ID, if any, read into rid). */
static int
event_entries(struct ics *x, struct event *ev, icalproperty *rr, icalproperty *rid)
{
	bool rdates = icalcomponent_get_first_property(ev->c, ICAL_RDATE_PROPERTY) != NULL;
	struct icaltimetype t;
	char key[21];

	if (icalcomponent_count_properties(ev->c, ICAL_RRULE_PROPERTY) > 1)
		return fail(x, "event '%s' has more than one RRULE", ev->name);
	if (rid != NULL) {
		if (resolve(x, ev->name, rid, icalproperty_get_recurrenceid(rid), &t) < 0)
			return -1;
		return add(x, ev, ev->start, time_text(t, key)) != NULL ? 0 : -1;
	}
	if (rr != NULL) {
		if (add_rule(x, ev, rr) < 0)
			return -1;
	} else if (rdates) {	/* RDATEs only: DTSTART is the first occurrence */
		if (add_occurrence(x, ev, ev->start, false) < 0)
			return -1;
	} else if (add(x, ev, ev->start, NULL) == NULL) {
		return -1;
	}
	return rdates ? add_rdates(x, ev) : 0;
}

static int
read_event(struct ics *x, icalcomponent *c)
{
	icalproperty *rr = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
	icalproperty *rid = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
	struct event ev = { .c = c };
	int rc;

	if ((rc = event_read(x, &ev)) == 0 && !cancelled(c))
		rc = event_entries(x, &ev, rr, rid);
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

static void
keys_free(struct ics *x)
{
	strindex_free(&x->keys);
	for (size_t i = 0; i < x->nkey; i++)
		free(x->keytext[i]);
	free(x->keytext);
}

int
ics_import(const char *text, size_t len, const char *ring, struct blackout **out,
    size_t *n, char **cause)
{
	struct ics x = { .ring = ring };
	char *buf;
	int rc;

	*out = NULL;
	*n = 0;
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
	keys_free(&x);
	if (rc < 0) {
		for (size_t i = 0; i < x.n; i++)
			blackout_free(&x.v[i]);
		free(x.v);
		*cause = x.cause;
		return -1;
	}
	*out = x.v;
	*n = x.n;
	return 0;
}
