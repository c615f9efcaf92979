/*
 * feed.c: the iCalendar feeds.  Every event is a libical component; the
 * text comes only from libical's serialiser (CRLF, 75-octet folding on UTF-8
 * boundaries).  Building is pure (the horizon comes from o->now); SEQUENCE,
 * DTSTAMP and LAST-MODIFIED are added at render time from what the caller
 * looked up in the store, so an event's hash never depends on them.
 */
#include "calendar.h"
#include "feed.h"
#include "specfmt.h"
#include "textbuf.h"
#include "util.h"
#include "windows.h"

#include <libical/ical.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FOLD_OCTETS	75
#define DEADLINE_MIN	15	/* length of the deadline marker events */

/* ---- small helpers ---- */

static struct icaltimetype
ical_date(struct ymd d)
{
	struct icaltimetype t = icaltime_null_date();

	t.year = d.y;
	t.month = d.m;
	t.day = d.d;
	return t;
}

static struct icaltimetype
ical_utc(time_t t)
{
	return icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone());
}

/* "2026-12-08 18:00 UTC" */
static char *
fmt_utc(time_t t, char *buf, size_t len)
{
	return utc_format(t, UTC_MINUTE, buf, len);
}

/* "2026-12-11 22:00 Europe/Berlin" (the ring's local time) */
static void
add_local(struct textbuf *d, const char *tz, time_t t)
{
	struct localtime lt;

	win_to_local(tz, t, &lt);
	sf_ymd(d, lt.date, true);
	textbuf_add(d, " ", 1);
	sf_hm(d, lt.minute);
	textbuf_add(d, " ", 1);
	sf_str(d, tz);
}

/* Does a ring's zone get TZID times and a VTIMEZONE (else UTC, as windows.c does)? */
static bool
zone_is_named(const char *tz)
{
	return tz != NULL && strcmp(tz, "UTC") != 0 &&
	    icaltimezone_get_builtin_timezone(tz) != NULL;
}

/* ---- event specs: what an event holds, as plain bytes ---- */

/*
 * The builder writes each event as a spec: one op byte per property, then
 * its arguments, each ending in NUL.  Everything the event's text depends
 * on is in its spec, so equal specs make equal text (feedincr.c keys its
 * cache by them), and spec_comp is the one place that turns a spec into a
 * libical component.
 */
enum spec_op {
	OP_UID = 1, OP_SUMMARY, OP_DESCRIPTION, OP_CATEGORY,
	OP_DATE_START, OP_DATE_END,	/* "YYYYMMDD" */
	OP_UTC_START, OP_UTC_END,	/* a time_t in decimal */
	OP_LOCAL_START, OP_LOCAL_END,	/* the zone, then "YYYYMMDDHHMM" */
	OP_TRANSPARENT,			/* no argument */
	OP_ALARM,			/* the minutes before; the summary is its text */
};

static void
spec_op(struct textbuf *s, enum spec_op op, const char *arg)
{
	char c = (char)op;

	textbuf_add(s, &c, 1);
	if (arg != NULL)
		textbuf_add(s, arg, strlen(arg) + 1);
}

/* The end of an op's argument written by the sf_ helpers. */
static void
spec_end(struct textbuf *s)
{
	textbuf_add(s, "", 1);
}

static void
spec_date(struct textbuf *s, enum spec_op op, struct ymd d)
{
	spec_op(s, op, NULL);
	sf_ymd(s, d, false);
	spec_end(s);
}

/*
 * A DTSTART/DTEND for instant t: local with TZID=tz, or UTC when tz is NULL.
 * A local time that does not read back as t (the second occurrence of an
 * hour repeated when clocks go back, which RFC 5545 reads as the first) is
 * written in UTC instead, so every property means exactly its instant.
 */
static void
timed_prop(struct textbuf *s, bool start, const char *tz, time_t t)
{
	struct localtime lt;

	if (tz != NULL) {
		win_to_local(tz, t, &lt);
		if (win_from_local(tz, lt.date, lt.minute) != t)
			tz = NULL;
	}
	if (tz == NULL) {
		spec_op(s, start ? OP_UTC_START : OP_UTC_END, NULL);
		sf_int(s, (long long)t);
		spec_end(s);
		return;
	}
	spec_op(s, start ? OP_LOCAL_START : OP_LOCAL_END, tz);
	sf_ymd(s, lt.date, false);
	sf_uint(s, (unsigned)lt.minute / 60, 2);
	sf_uint(s, (unsigned)lt.minute % 60, 2);
	spec_end(s);
}

static struct icaltimetype
spec_ical_date(const char *v)
{
	struct ymd d = { 0 };

	sscanf(v, "%4d%2d%2d", &d.y, &d.m, &d.d);
	return ical_date(d);
}

static icalproperty *
spec_local(bool start, const char *tz, const char *v)
{
	struct icaltimetype t = icaltime_null_time();
	icalproperty *p;

	sscanf(v, "%4d%2d%2d%2d%2d", &t.year, &t.month, &t.day, &t.hour, &t.minute);
	t.second = 0;
	p = start ? icalproperty_new_dtstart(t) : icalproperty_new_dtend(t);
	icalproperty_add_parameter(p, icalparameter_new_tzid(tz));
	return p;
}

static void
spec_alarm(icalcomponent *ev, int minutes_before)
{
	struct icaltriggertype tr = icaltriggertype_from_int(0);
	icalcomponent *alarm;

	tr.duration = icaldurationtype_null_duration();
	tr.duration.is_neg = minutes_before > 0;
	tr.duration.minutes = (unsigned)minutes_before;
	alarm = icalcomponent_new(ICAL_VALARM_COMPONENT);
	icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(alarm, icalproperty_new_description(
	    icalcomponent_get_summary(ev)));
	icalcomponent_add_property(alarm, icalproperty_new_trigger(tr));
	icalcomponent_add_component(ev, alarm);
}

/* One op of a spec into ev; returns the next op. */
static const char *
spec_apply(icalcomponent *ev, const char *p)
{
	enum spec_op op = (enum spec_op)(unsigned char)*p++;
	const char *a = p, *b = p + strlen(p) + 1;

	switch (op) {
	case OP_UID:
		icalcomponent_add_property(ev, icalproperty_new_uid(a));
		return b;
	case OP_SUMMARY:
		icalcomponent_add_property(ev, icalproperty_new_summary(a));
		return b;
	case OP_DESCRIPTION:
		icalcomponent_add_property(ev, icalproperty_new_description(a));
		return b;
	case OP_CATEGORY:
		icalcomponent_add_property(ev, icalproperty_new_categories(a));
		return b;
	case OP_DATE_START:
		icalcomponent_add_property(ev, icalproperty_new_dtstart(spec_ical_date(a)));
		return b;
	case OP_DATE_END:
		icalcomponent_add_property(ev, icalproperty_new_dtend(spec_ical_date(a)));
		return b;
	case OP_UTC_START:
		icalcomponent_add_property(ev, icalproperty_new_dtstart(ical_utc(
		    (time_t)strtoll(a, NULL, 10))));
		return b;
	case OP_UTC_END:
		icalcomponent_add_property(ev, icalproperty_new_dtend(ical_utc(
		    (time_t)strtoll(a, NULL, 10))));
		return b;
	case OP_LOCAL_START:
	case OP_LOCAL_END:
		icalcomponent_add_property(ev, spec_local(op == OP_LOCAL_START, a, b));
		return b + strlen(b) + 1;
	case OP_TRANSPARENT:
		icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
		return p;
	case OP_ALARM:
		spec_alarm(ev, atoi(a));
		return b;
	}
	return p + strlen(p);	/* not reached: the builder writes only the ops above */
}

/* The VEVENT a spec describes. */
static icalcomponent *
spec_comp(const char *spec, size_t len)
{
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);

	for (const char *p = spec; p < spec + len;)
		p = spec_apply(ev, p);
	return ev;
}

/* DESCRIPTION: a new line in a textbuf, starting with label (appended to by hand). */
static void
text_line(struct textbuf *t, const char *label)
{
	if (t->len > 0)
		textbuf_add(t, "\n", 1);
	sf_str(t, label);
}

/* A line of label and value. */
static void
text_pair(struct textbuf *t, const char *label, const char *value)
{
	text_line(t, label);
	sf_str(t, value);
}

/* A line of label and a local time. */
static void
text_local(struct textbuf *t, const char *label, const char *tz, time_t when)
{
	text_line(t, label);
	add_local(t, tz, when);
}

/* DESCRIPTION: lines in a textbuf, by a format (the rarer lines). */
static void
text_add(struct textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
text_add(struct textbuf *t, const char *fmt, ...)
{
	va_list ap;

	if (t->len > 0)
		textbuf_add(t, "\n", 1);
	va_start(ap, fmt);
	textbuf_vprintf(t, fmt, ap);
	va_end(ap);
}

/* ---- building ---- */

struct builder {
	struct feed		*f;
	size_t			 cap;
	const struct feed_opts	*o;
	bool			 specs_only;	/* feed_build_specs: no components */
	/* scratch, reused from event to event: add_event copies out the spec */
	struct textbuf		 ev, desc, what;
};

/* t emptied for reuse, its room kept. */
static struct textbuf *
scratch(struct textbuf *t)
{
	t->len = 0;
	textbuf_add(t, "", 0);
	return t;
}

/* A VEVENT's spec with UID and the SUMMARY op, its text for the caller to append. */
static struct textbuf *
event_start(struct builder *b, const char *uid)
{
	struct textbuf *ev = scratch(&b->ev);

	spec_op(ev, OP_UID, uid);
	spec_op(ev, OP_SUMMARY, NULL);
	return ev;
}

/* The SUMMARY ended, then the DESCRIPTION. */
static void
event_describe(struct textbuf *ev, const struct textbuf *desc)
{
	spec_end(ev);
	spec_op(ev, OP_DESCRIPTION, NULL);
	textbuf_add(ev, desc->s, desc->len);
	spec_end(ev);
}

/* A VEVENT's spec with UID, SUMMARY (freed) and DESCRIPTION, in b's scratch. */
static struct textbuf *
new_event(struct builder *b, const char *uid, char *summary, const struct textbuf *desc)
{
	struct textbuf *ev = event_start(b, uid);

	sf_str(ev, summary);
	free(summary);
	event_describe(ev, desc);
	return ev;
}

char *
feed_event_text(const char *spec, size_t len, uint64_t *hash)
{
	icalcomponent *ev = spec_comp(spec, len);
	char *text = icalcomponent_as_ical_string_r(ev), *ret = xstrdup(text);

	*hash = hash64(text, strlen(text));
	icalmemory_free_buffer(text);
	icalcomponent_free(ev);
	return ret;
}

/*
 * Append the finished event (owning uid and the spec).  Built whole, it
 * gets its component and the hash of its text so far.
 */
static void
add_event(struct builder *b, char *uid, struct textbuf *ev)
{
	struct feed_event *e;
	char *text;

	grow(&b->f->ev, b->f->nev, &b->cap, sizeof(*b->f->ev));
	e = &b->f->ev[b->f->nev++];
	memset(e, 0, sizeof(*e));
	e->uid = uid;
	e->spec = xmalloc(ev->len + 1);	/* no room to spare: a cached spec lives long */
	memcpy(e->spec, ev->s, ev->len + 1);
	e->spec_len = ev->len;
	if (b->specs_only)
		return;
	e->comp = spec_comp(e->spec, e->spec_len);
	text = icalcomponent_as_ical_string_r(e->comp);
	e->hash = hash64(text, strlen(text));
	icalmemory_free_buffer(text);
}

static void
add_allday(struct textbuf *ev, struct ymd d)
{
	spec_date(ev, OP_DATE_START, d);
	spec_date(ev, OP_DATE_END, ymd_add_days(d, 1));
}

static void
add_category(struct textbuf *ev, const char *cat)
{
	spec_op(ev, OP_CATEGORY, cat);
}

static const char *
month_summary(const struct month_info *mi)
{
	switch (mi->kind) {
	case KIND_HOTPATCH:
		return "Hotpatch — " HOTPATCH_NO_RESTART;
	case KIND_BASELINE:
		return mi->unplanned ? "Baseline (unplanned) — restart required" :
		    "Baseline — restart required";
	case KIND_LCU:
	default:
		return "LCU — restart";
	}
}

static void
build_os_month(struct builder *b, const struct caldata *c, const struct os_def *os, ym_t m)
{
	struct month_info mi;
	struct textbuf *d = scratch(&b->desc);
	struct textbuf *ev;
	char ym[8], t[40], *summary, *uid;

	cal_month(c, os, m, &mi);
	text_add(d, "Month: %s", ym_format(m, ym));
	text_add(d, "Kind: %s%s (%s)", kind_name(mi.kind), mi.unplanned ? ", unplanned" : "",
	    source_name(mi.source));
	text_add(d, "Restart: %s", mi.restart ? "required" :
	    HOTPATCH_NO_RESTART " (" HOTPATCH_MAY_RESTART ")");
	if (mi.rel != NULL && mi.rel->kb != NULL)
		text_add(d, "KB: %s", mi.rel->kb);
	if (mi.rel != NULL && mi.rel->build != NULL)
		text_add(d, "Build: %s", mi.rel->build);
	if (mi.rel != NULL && mi.rel->note != NULL)
		text_add(d, "Note: %s", mi.rel->note);
	if (mi.source == SRC_OVERRIDE && mi.ovr != NULL && mi.ovr->reason != NULL)
		text_add(d, "Override: %s", mi.ovr->reason);
	text_add(d, "Released: %s", fmt_utc(mi.release_at, t, sizeof(t)));

	uid = xasprintf("hotpatch-%s-%04d%02d@%s", os->id, ym_year(m), ym_month(m),
	    b->o->domain);
	summary = xasprintf("%s: %s", os->name, month_summary(&mi));
	ev = new_event(b, uid, summary, d);
	add_allday(ev, mi.date);
	add_category(ev, kind_name(mi.kind));
	spec_op(ev, OP_TRANSPARENT, NULL);
	add_event(b, uid, ev);
}

/* The KB, or the date as YYYYMMDD without one: what tells out-of-band releases apart in UIDs. */
static const char *
oob_key(const struct oob *x, char *buf, size_t len)
{
	if (x->kb != NULL)
		return x->kb;
	snprintf(buf, len, "%04d%02d%02d", x->date.y, x->date.m, x->date.d);
	return buf;
}

/* The release's own facts, the same in every feed. */
static void
oob_facts(struct textbuf *d, const struct oob *x)
{
	char day[11];

	text_add(d, "Out-of-band release of %s", ymd_format(x->date, day));
	if (x->kb != NULL)
		text_add(d, "KB: %s", x->kb);
	if (x->build != NULL)
		text_add(d, "Build: %s", x->build);
}

/*
 * A catalog-only release is never offered, so it restarts nothing unless
 * someone installs it by hand: its event must not say "restart".
 */
static void
build_oob(struct builder *b, const struct os_def *os, const struct oob *x)
{
	bool catalog = x->delivery == DELIVERY_CATALOG;
	struct textbuf *d = scratch(&b->desc);
	struct textbuf *ev;
	char key[16], *summary, *uid;

	oob_facts(d, x);
	if (catalog)
		text_add(d, "Delivery: catalog only, never offered (a restart %s if installed "
		    "by hand)", x->restart ? "required" : "not needed");
	else
		text_add(d, "Restart: %s", x->restart ? "required" : "no");
	if (x->note != NULL)
		text_add(d, "Note: %s", x->note);
	summary = xasprintf("%s: out-of-band %s — %s", os->name, x->kb ? x->kb : "release",
	    catalog ? "catalog only" : x->restart ? "restart" : "no restart");
	uid = xasprintf("oob-%s-%s@%s", os->id, oob_key(x, key, sizeof(key)), b->o->domain);
	ev = new_event(b, uid, summary, d);
	add_allday(ev, x->date);
	add_category(ev, "out-of-band");
	add_category(ev, catalog ? "catalog only" : x->restart ? "restart" : "no restart");
	spec_op(ev, OP_TRANSPARENT, NULL);
	add_event(b, uid, ev);
}

/* Is x a release of month m (by its date, as the calendar lists it)? */
static bool
oob_in_month(const struct oob *x, ym_t m)
{
	return ym_make(x->date.y, x->date.m) == m;
}

/* Patch Tuesday events, then that month's out-of-band releases, for one OS. */
static void
build_os(struct builder *b, const struct caldata *c, const struct os_def *os, ym_t m)
{
	build_os_month(b, c, os, m);
	for (size_t i = 0; i < os->noob; i++)
		if (oob_in_month(&os->oob[i], m))
			build_oob(b, os, &os->oob[i]);
}

/*
 * The ring's zone for times in words: its own when libical knows it, else
 * UTC.  feed_build settles it once per feed as the feed's tzid: libical
 * finds a builtin zone by a linear search of its names.
 */
static const char *
words_zone(const struct builder *b)
{
	return b->f->tzid;
}

/* What the ring installs, the state across months included, in a feed's words. */
static const char *
install_words(const struct install *in)
{
	switch (in->install) {
	case INS_HOTPATCH:
		return "Hotpatch";
	case INS_BASELINE:
		return in->mi.unplanned ? "Baseline (unplanned)" : "Baseline";
	case INS_CATCHUP:
		return "Catch-up (baseline + hotpatch)";
	case INS_LCU:
		break;
	}
	return "LCU";
}

/*
 * "Catch-up (baseline + hotpatch) — restart required".  A release the next
 * one superseded before any window or deadline restarts nothing because it
 * never went in: say so rather than "no restart".
 */
static void
add_install_line(struct textbuf *t, const struct install *in)
{
	sf_str(t, install_words(in));
	sf_str(t, " — ");
	sf_str(t, !win_installed(in) ? "not installed" :
	    in->restart ? "restart required" : HOTPATCH_NO_RESTART);
}

/* An install's lines of DESCRIPTION, appended to d. */
static void
install_text(const struct builder *b, const struct ring *r, const struct install *in,
    struct textbuf *d)
{
	const char *tz = words_zone(b);
	char why[WIN_REASON_MAX];

	text_line(d, "Month: ");
	sf_ym(d, in->month);
	text_line(d, "Install: ");
	add_install_line(d, in);
	sf_str(d, " (");
	sf_str(d, in->os->name);
	sf_str(d, " month: ");
	sf_str(d, kind_name(in->mi.kind));
	sf_str(d, ", ");
	sf_str(d, source_name(in->mi.source));
	sf_str(d, ")");
	if (!in->eligible && in->not_eligible != NULL)
		text_pair(d, "Not eligible for hotpatch: ", in->not_eligible);
	text_pair(d, "Status: ", in->skipped ? "skipped" : win_status_name(in->status));
	/* The reason carries the state across months, the pause and the forced install. */
	text_pair(d, "Reason: ", win_reason(in, r, why, sizeof(why)));
	if (in->skipped)
		return;	/* never offered: no offer, deadline or window to give */
	text_local(d, "Offered: ", tz, in->offered_at);
	text_local(d, "Install deadline: ", tz, in->install_deadline);
	if (in->restart && in->restart_deadline != 0)
		text_local(d, "Restart by: ", tz, in->restart_deadline);
	else if (in->install == INS_HOTPATCH)
		text_line(d, "Restart: " HOTPATCH_NO_RESTART " (" HOTPATCH_MAY_RESTART ")");
	else
		text_line(d, "Restart: no");
	if (in->status != WS_NONE)
		text_local(d, "Window: ", tz, in->window_start);
}

static void
add_timed(struct textbuf *ev, const char *tz, time_t start, time_t end)
{
	timed_prop(ev, true, tz, start);
	timed_prop(ev, false, tz, end);
}

static char *
ring_uid(struct builder *b, const char *what, const struct ring *r, const struct install *in)
{
	struct textbuf u = { 0 };

	sf_str(&u, what);
	sf_str(&u, "-");
	sf_str(&u, r->id);
	sf_str(&u, "-");
	sf_str(&u, in->os->id);
	sf_str(&u, "-");
	sf_uint(&u, (unsigned)ym_year(in->month), 4);
	sf_uint(&u, (unsigned)ym_month(in->month), 2);
	sf_str(&u, "@");
	sf_str(&u, b->o->domain);
	return u.s;
}

/* An all-day event on t's date in the ring's zone, taking no time. */
static void
add_allday_at(struct textbuf *ev, const struct ring *r, time_t t)
{
	struct localtime lt;

	win_to_local(r->timezone, t, &lt);
	add_allday(ev, lt.date);
	spec_op(ev, OP_TRANSPARENT, NULL);
}

static void
add_reminder(struct textbuf *ev, const struct ring *r)
{
	if (r->reminder_min < 0)
		return;
	spec_op(ev, OP_ALARM, NULL);
	sf_int(ev, r->reminder_min);
	spec_end(ev);
}

/*
 * The events an install makes, one row each.  A window goes in the
 * calendar as busy time with the ring's reminder; without one, an all-day
 * note on the offer date; deadlines are DEADLINE_MIN markers taking no
 * time; a release a pause held back until the next one superseded it is one
 * all-day note on its release day, with nothing that claims an install.
 */
enum part_kind { PART_WINDOW, PART_NONE, PART_DEADLINE, PART_RESTART, PART_SKIPPED };

static const struct part_kind_def {
	const char	*type;		/* the UID's prefix */
	const char	*label;		/* in the SUMMARY */
	bool		 allday;	/* on the date of the instant, in the ring's zone */
	bool		 busy;		/* else TRANSP:TRANSPARENT */
	bool		 reminder;	/* the ring's VALARM, if it asks for one */
} part_kinds[] = {
	[PART_WINDOW] = { "window", "install window", false, true, true },
	[PART_NONE] = { "none", "no install window", true, false, false },
	[PART_DEADLINE] = { "deadline", "install deadline", false, false, false },
	[PART_RESTART] = { "restart", "restart deadline", false, false, false },
	[PART_SKIPPED] = { "skipped", "skipped by a pause", true, false, false },
};

/* One event of one OS's install, before the OSes whose events coincide are merged. */
struct part {
	const struct install	*in;
	enum part_kind		 kind;
	time_t			 start, end;	/* all day: start is on the day */
	bool			 taken;		/* merged into an earlier event */
};

#define PARTS_PER_INSTALL	3

/* The events of in, into p (room for PARTS_PER_INSTALL); returns how many. */
static size_t
install_parts(const struct install *in, struct part *p)
{
	size_t n = 0;

	if (in->skipped) {
		p[n++] = (struct part){ in, PART_SKIPPED, in->release_at, in->release_at, false };
		return n;
	}
	if (in->status == WS_NONE)
		p[n++] = (struct part){ in, PART_NONE, in->offered_at, in->offered_at, false };
	else
		p[n++] = (struct part){ in, PART_WINDOW, in->window_start, in->window_end, false };
	p[n++] = (struct part){ in, PART_DEADLINE, in->install_deadline,
	    in->install_deadline + DEADLINE_MIN * 60, false };
	if (in->restart && in->restart_deadline != 0)
		p[n++] = (struct part){ in, PART_RESTART, in->restart_deadline,
		    in->restart_deadline + DEADLINE_MIN * 60, false };
	return n;
}

/* Would a and b be the same event in the calendar: the same kind at the same times? */
static bool
parts_coincide(const struct ring *r, const struct part *a, const struct part *b)
{
	struct localtime la, lb;

	if (a->kind != b->kind)
		return false;
	if (!part_kinds[a->kind].allday)
		return a->start == b->start && a->end == b->end;
	win_to_local(r->timezone, a->start, &la);
	win_to_local(r->timezone, b->start, &lb);
	return ymd_cmp(la.date, lb.date) == 0;
}

/*
 * What the install brings and what to look out for, as the SUMMARY says
 * it: "Baseline — restart required (late, forced)", with late and forced
 * as the plan's key has them (the first free window after the deadline; the
 * install or the restart forced inside a freeze).
 */
static void
add_install_what(struct textbuf *t, const struct install *in)
{
	bool late = !in->skipped && in->status == WS_LATE;
	bool forced = in->forced_in != NULL || in->restart_in != NULL;

	add_install_line(t, in);
	if (!late && !forced)
		return;
	sf_str(t, " (");
	sf_str(t, late ? "late" : "");
	sf_str(t, late && forced ? ", " : "");
	sf_str(t, forced ? "forced" : "");
	sf_str(t, ")");
}

/*
 * "RING: OS LABEL: WHAT" for one OS; for several, "RING: OS A + OS B LABEL:
 * WHAT" when they bring the same, else "RING: LABEL: OS A: WHAT A; OS B:
 * WHAT B", the OSes in the ring's order and grouped by what they bring.
 */
/* Each OS's what, and the first OS that brings the same (itself if none before). */
struct group_what {
	size_t	at;	/* offset in the builder's what scratch */
	size_t	lead;
};

#define GROUP_STACK	16	/* parts grouped on the stack; more are rare and malloc'd */

/* The OS names of group lead i: "OS A + OS B" (the names have commas). */
static void
add_group_oses(struct textbuf *t, struct part *const *g, const struct group_what *w,
    size_t i, size_t n)
{
	sf_str(t, g[i]->in->os->name);
	for (size_t k = i + 1; k < n; k++)
		if (w[k].lead == i) {
			sf_str(t, " + ");
			sf_str(t, g[k]->in->os->name);
		}
}

/* The SUMMARY text, appended to t. */
static void
group_summary(struct builder *b, struct textbuf *t, const struct ring *r,
    struct part *const *g, size_t n)
{
	const char *label = part_kinds[g[0]->kind].label;
	struct group_what stack[GROUP_STACK], *w = stack;
	struct textbuf *s = scratch(&b->what);
	size_t ngroups = 0;

	if (n > GROUP_STACK)
		w = xcalloc(n, sizeof(*w));
	for (size_t i = 0; i < n; i++) {
		w[i] = (struct group_what){ s->len, i };
		add_install_what(s, g[i]->in);
		textbuf_add(s, "", 1);
	}
	for (size_t i = 0; i < n; i++) {
		if (w[i].lead != i)
			continue;	/* named with an earlier OS */
		ngroups++;
		for (size_t k = i + 1; k < n; k++)
			if (w[k].lead == k && strcmp(s->s + w[k].at, s->s + w[i].at) == 0)
				w[k].lead = i;
	}
	sf_str(t, r->name);
	sf_str(t, ": ");
	if (ngroups > 1) {
		sf_str(t, label);
		sf_str(t, ": ");
	}
	for (size_t i = 0, j = 0; i < n; i++) {
		if (w[i].lead != i)
			continue;
		if (j++ > 0)
			sf_str(t, "; ");
		add_group_oses(t, g, w, i, n);
		if (ngroups == 1) {
			sf_str(t, " ");
			sf_str(t, label);
		}
		sf_str(t, ": ");
		sf_str(t, s->s + w[i].at);
	}
	if (w != stack)
		free(w);
}

/* The CATEGORIES of one OS's install: what it installs (or skipped), and restart or not. */
static void
install_categories(const struct install *in, const char *cat[2])
{
	cat[0] = in->skipped ? "skipped" : install_kind_name(in->install);
	cat[1] = in->restart ? "restart" : "no restart";
}

/* Add each category of the group's installs once, in order. */
static void
group_categories(struct textbuf *ev, struct part *const *g, size_t n)
{
	const char *stack[2 * GROUP_STACK], **seen = stack;
	size_t nseen = 0;

	if (n > GROUP_STACK)
		seen = xcalloc(n * 2, sizeof(*seen));

	for (size_t i = 0; i < n; i++) {
		const char *cat[2];

		install_categories(g[i]->in, cat);
		for (size_t c = 0; c < 2; c++) {
			size_t k = 0;

			while (k < nseen && strcmp(seen[k], cat[c]) != 0)
				k++;
			if (k == nseen)
				seen[nseen++] = cat[c];
		}
	}
	/* Kinds first, then restart or not, as a single install lists them. */
	for (size_t k = 0; k < nseen; k++)
		if (strcmp(seen[k], "restart") != 0 && strcmp(seen[k], "no restart") != 0)
			add_category(ev, seen[k]);
	for (size_t k = 0; k < nseen; k++)
		if (strcmp(seen[k], "restart") == 0 || strcmp(seen[k], "no restart") == 0)
			add_category(ev, seen[k]);
	if (seen != stack)
		free(seen);
}

/*
 * One event for the parts g[0..n) that coincide: the first one's kind and
 * times, a SUMMARY naming every OS, each install's description in turn,
 * and the UID the OS with the smallest id would have alone, so a ring that
 * gains or loses an OS keeps its subscribers' events where it can.
 */
static void
build_group(struct builder *b, const struct ring *r, struct part *const *g, size_t n)
{
	const struct part_kind_def *k = &part_kinds[g[0]->kind];
	const struct install *owner = g[0]->in;
	struct textbuf *desc = scratch(&b->desc), *ev;
	char *uid;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(g[i]->in->os->id, owner->os->id) < 0)
			owner = g[i]->in;
		if (i > 0)
			textbuf_add(desc, "\n", 1);	/* and install_text's: a blank line */
		install_text(b, r, g[i]->in, desc);
	}
	uid = ring_uid(b, k->type, r, owner);
	ev = event_start(b, uid);
	group_summary(b, ev, r, g, n);
	event_describe(ev, desc);
	group_categories(ev, g, n);
	if (k->allday)
		add_allday_at(ev, r, g[0]->start);
	else
		add_timed(ev, strcmp(words_zone(b), "UTC") != 0 ? words_zone(b) : NULL, g[0]->start,
		    g[0]->end);
	if (!k->busy && !k->allday)
		spec_op(ev, OP_TRANSPARENT, NULL);
	if (k->reminder)
		add_reminder(ev, r);
	add_event(b, uid, ev);
}

/* The event of part p[i], merged with every later part that coincides with it. */
static void
build_part(struct builder *b, const struct ring *r, struct part *p, size_t i, size_t np)
{
	struct part *stack[GROUP_STACK], **g = stack;
	size_t n = 0;

	if (np > GROUP_STACK)
		g = xcalloc(np, sizeof(*g));

	g[n++] = &p[i];
	for (size_t k = i + 1; k < np; k++)
		if (!p[k].taken && p[k].in->os != p[i].in->os && parts_coincide(r, &p[i], &p[k])) {
			p[k].taken = true;
			g[n++] = &p[k];
		}
	build_group(b, r, g, n);
	if (g != stack)
		free(g);
}
/*
 * An out-of-band release as this ring gets it: on the day it is offered to
 * the ring (the release day past the ring's deferral, else the deferral
 * date, after any pause).  A catalog-only release reaches no ring: no event.
 */
static void
build_ring_oob(struct builder *b, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, const struct oob *x)
{
	const char *tz = words_zone(b);
	struct oob_install oi;
	struct textbuf *d = scratch(&b->desc);
	struct textbuf *ev;
	char key[16], *summary, *uid;

	win_oob(rs, r, os, x, &oi);
	if (!oi.offered)
		return;
	oob_facts(d, x);
	text_local(d, "Offered: ", tz, oi.offered_at);
	if (oi.pause != NULL)
		text_add(d, "Held back by %s '%s'", bo_kind_name(oi.pause->kind),
		    oi.pause->name);
	text_local(d, "Install deadline: ", tz, oi.install_deadline);
	if (oi.restart_deadline != 0)
		text_local(d, "Restart by: ", tz, oi.restart_deadline);
	else
		text_line(d, "Restart: no");
	if (x->leaves_hotpatch)
		text_add(d, "Leaves hotpatch: devices on hotpatch that install it get LCUs, "
		    "with a restart, until the next baseline");
	if (x->note != NULL)
		text_add(d, "Note: %s", x->note);
	summary = xasprintf("%s: %s out-of-band %s — %s", r->name, os->name,
	    x->kb ? x->kb : "release", x->restart ? "restart required" : "no restart");
	uid = xasprintf("oob-offer-%s-%s-%s@%s", r->id, os->id, oob_key(x, key, sizeof(key)),
	    b->o->domain);
	ev = new_event(b, uid, summary, d);
	add_allday_at(ev, r, oi.offered_at);
	add_category(ev, "out-of-band");
	add_category(ev, x->restart ? "restart" : "no restart");
	add_event(b, uid, ev);
}

/*
 * A ring's events of the walks' next month: OS by OS in the ring's order,
 * each install's events (those that coincide with an earlier OS's merged
 * into its event), then the OS's out-of-band releases.  One walk per OS
 * carries the state from month to month, as the plan does, rather than
 * settling it again for each month.
 */
static void
build_ring_month(struct builder *b, struct walk *w, size_t nos)
{
	struct install *in = xcalloc(nos, sizeof(*in));
	struct part *p = xcalloc(nos * PARTS_PER_INSTALL, sizeof(*p));
	size_t *first = xcalloc(nos + 1, sizeof(*first)), np = 0;
	ym_t m = 0;

	for (size_t i = 0; i < nos; i++) {
		first[i] = np;
		if (w[i].os == NULL)
			continue;
		m = w[i].next;
		walk_month(&w[i], &in[i]);
		np += install_parts(&in[i], p + np);
	}
	first[nos] = np;
	for (size_t i = 0; i < nos; i++) {
		const struct os_def *os = w[i].os;

		for (size_t k = first[i]; k < first[i + 1]; k++)
			if (!p[k].taken)
				build_part(b, w[i].r, p, k, np);
		for (size_t x = 0; os != NULL && x < os->noob; x++)
			if (oob_in_month(&os->oob[x], m))
				build_ring_oob(b, w[i].rs, w[i].r, os, &os->oob[x]);
	}
	free(first);
	free(p);
	free(in);
}

/* A ring's events, month by month. */
static void
build_ring(struct builder *b, const struct caldata *c, const struct ringset *rs,
    const struct ring *r, ym_t first, ym_t last)
{
	struct walk *w = xcalloc(r->nos + 1, sizeof(*w));

	for (size_t i = 0; i < r->nos; i++) {
		const struct os_def *os = caldata_find_os(c, r->os[i]);

		if (os != NULL)
			walk_start(&w[i], c, rs, r, os, first);
	}
	for (ym_t m = first; m <= last; m++)
		build_ring_month(b, w, r->nos);
	free(w);
}

static int
build(const struct caldata *c, const struct ringset *r, const struct feed_opts *o,
    enum feed_kind kind, const char *id, struct feed *out, bool specs_only, char **cause)
{
	struct builder b = { .f = out, .o = o, .specs_only = specs_only };
	const struct os_def *os = NULL;
	const struct ring *ring = NULL;
	ym_t now, first, last;

	memset(out, 0, sizeof(*out));
	switch (kind) {
	case FEED_ALL:
		out->name = xstrdup("Hotpatch calendar (all OSes)");
		out->description = xstrdup("Windows hotpatch release days: hotpatch,"
		    " baseline and LCU months of every OS");
		break;
	case FEED_OS:
		if (id == NULL || (os = caldata_find_os(c, id)) == NULL) {
			*cause = xasprintf("unknown OS '%s'", id ? id : "");
			return -1;
		}
		out->name = xasprintf("Hotpatch: %s", os->name);
		out->description = xasprintf("Windows hotpatch release days of %s", os->name);
		break;
	case FEED_RING:
		if (id == NULL || r == NULL || (ring = ringset_find(r, id)) == NULL) {
			*cause = xasprintf("unknown ring '%s'", id ? id : "");
			return -1;
		}
		out->name = xasprintf("Hotpatch ring: %s", ring->name);
		out->description = xasprintf("Install windows and deadlines of ring %s (%s)",
		    ring->name, ring->timezone);
		out->tzid = zone_is_named(ring->timezone) ? ring->timezone : "UTC";
		break;
	default:
		*cause = xstrdup("unknown feed kind");
		return -1;
	}

	now = ym_of_time(o->now);
	first = now - (o->months_back > 0 ? o->months_back : 0);
	last = now + (o->months_ahead > 0 ? o->months_ahead : 0);
	if (first < ym_make(HP_YEAR_MIN, 1))
		first = ym_make(HP_YEAR_MIN, 1);
	if (last > ym_make(HP_YEAR_MAX, 12))
		last = ym_make(HP_YEAR_MAX, 12);

	if (kind == FEED_RING)
		build_ring(&b, c, r, ring, first, last);
	for (ym_t m = first; kind != FEED_RING && m <= last; m++) {
		if (kind == FEED_ALL) {
			for (size_t i = 0; i < c->nos; i++)
				build_os(&b, c, &c->os[i], m);
		} else {
			build_os(&b, c, os, m);
		}
	}
	free(b.ev.s);
	free(b.desc.s);
	free(b.what.s);
	return 0;
}

int
feed_build(const struct caldata *c, const struct ringset *r, const struct feed_opts *o,
    enum feed_kind kind, const char *id, struct feed *out, char **cause)
{
	return build(c, r, o, kind, id, out, false, cause);
}

int
feed_build_specs(const struct caldata *c, const struct ringset *r, const struct feed_opts *o,
    enum feed_kind kind, const char *id, struct feed *out, char **cause)
{
	return build(c, r, o, kind, id, out, true, cause);
}

void
feed_free(struct feed *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nev; i++) {
		free(f->ev[i].uid);
		free(f->ev[i].spec);
		if (f->ev[i].comp != NULL)
			icalcomponent_free(f->ev[i].comp);
	}
	free(f->ev);
	free(f->name);
	free(f->description);
	memset(f, 0, sizeof(*f));
}

/* ---- rendering ---- */

/* The first month of the horizon, 00:00 UTC: where the VTIMEZONE starts. */
static struct icaltimetype
horizon_start(const struct feed_opts *o)
{
	struct icaltimetype t = icaltime_null_time();
	ym_t m;

	m = ym_of_time(o->now) - (o->months_back > 0 ? o->months_back : 0);
	t.year = ym_year(m);
	t.month = ym_month(m);
	t.day = 1;
	t.zone = icaltimezone_get_utc_timezone();
	return t;
}

/* The builtin zone for tzid, cut to the horizon and renamed to the plain IANA name. */
static icalcomponent *
vtimezone(const char *tzid, const struct feed_opts *o)
{
	icaltimezone *z = icaltimezone_get_builtin_timezone(tzid);
	icalcomponent *vtz;
	icalproperty *p;

	if (z == NULL || (vtz = icaltimezone_get_component(z)) == NULL)
		return NULL;
	vtz = icalcomponent_new_clone(vtz);
	icaltimezone_truncate_vtimezone(vtz, horizon_start(o), icaltime_null_time(), 1);
	if ((p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY)) != NULL)
		icalproperty_set_tzid(p, tzid);
	else
		icalcomponent_add_property(vtz, icalproperty_new_tzid(tzid));
	return vtz;
}

static void
add_x(icalcomponent *cal, const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);

	icalproperty_set_x_name(p, name);
	icalcomponent_add_property(cal, p);
}

static struct icaldurationtype
minutes(int n)
{
	struct icaldurationtype d = icaldurationtype_null_duration();

	d.minutes = (unsigned)(n > 0 ? n : 0);
	return d;
}

static bool
needs_escape(const char *line, size_t len)
{
	static const char *const names[] = { "X-WR-CALNAME:", "X-WR-CALDESC:" };

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (len >= strlen(names[i]) && strncmp(line, names[i], strlen(names[i])) == 0)
			return memchr(line, ',', len) != NULL || memchr(line, ';', len) != NULL;
	return false;
}

/* Append the unfolded content line s[0..n) to out, folded at 75 octets on UTF-8 boundaries. */
static void
fold_into(struct textbuf *out, const char *s, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n;) {
		size_t cl = utf8_len((const unsigned char *)s + i, n - i);

		if (cl == 0)
			cl = 1;
		if (col + cl > FOLD_OCTETS) {
			textbuf_add(out, "\r\n ", 3);
			col = 1;
		}
		textbuf_add(out, s + i, cl);
		col += cl;
		i += cl;
	}
	textbuf_add(out, "\r\n", 2);
}

/*
 * libical 3.0.16 does not escape ',' and ';' in X-property values (fixed in
 * 3.0.17).  Unfold the X-WR-CALNAME/X-WR-CALDESC lines that have them,
 * escape those (libical already wrote '\\' and '\n' escapes, so every ','
 * and ';' here is a raw one) and fold again.  Other lines pass unchanged.
 */
static char *
escape_x_text(const char *s)
{
	struct textbuf out = textbuf_of(xstrdup(""));
	const char *p = s;

	while (*p != '\0') {
		const char *end = p;
		size_t len;

		/* A logical line: up to a CRLF not followed by a space. */
		for (;;) {
			const char *crlf = strstr(end, "\r\n");

			if (crlf == NULL) {
				end = p + strlen(p);
				break;
			}
			end = crlf;
			if (crlf[2] != ' ')
				break;
			end = crlf + 2;
		}
		len = (size_t)(end - p);
		if (needs_escape(p, len)) {
			char *buf = xmalloc(len * 2 + 1);
			const char *colon = memchr(p, ':', len);
			size_t n = 0;

			for (const char *q = p; q < p + len; q++) {
				if (q[0] == '\r' && q + 2 <= p + len && q[1] == '\n' && q[2] == ' ') {
					q += 2;	/* unfold */
					continue;
				}
				if (q > colon && (*q == ',' || *q == ';'))
					buf[n++] = '\\';
				buf[n++] = *q;
			}
			fold_into(&out, buf, n);
			free(buf);
		} else {
			textbuf_add(&out, p, len);
			if (strncmp(end, "\r\n", 2) == 0)
				textbuf_add(&out, "\r\n", 2);
		}
		p = strncmp(end, "\r\n", 2) == 0 ? end + 2 : end;
	}
	return out.s;
}

/* The VCALENDAR with its properties and, if with_zone, the VTIMEZONE: no events yet. */
static icalcomponent *
calendar(const struct feed *f, const struct feed_opts *o, bool with_zone)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT), *vtz;
	char ttl[32];

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//hotpatchd//hotpatchd "
	    PACKAGE_VERSION "//EN"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_name(f->name));
	add_x(cal, "X-WR-CALNAME", f->name);
	/* RFC 7986 DESCRIPTION for the clients that read it, X-WR-CALDESC for the others. */
	if (f->description != NULL) {
		icalcomponent_add_property(cal, icalproperty_new_description(f->description));
		add_x(cal, "X-WR-CALDESC", f->description);
	}
	icalcomponent_add_property(cal, icalproperty_new_refreshinterval(
	    minutes(o->refresh_minutes)));
	snprintf(ttl, sizeof(ttl), "PT%dM", o->refresh_minutes > 0 ? o->refresh_minutes : 0);
	add_x(cal, "X-PUBLISHED-TTL", ttl);
	if (f->tzid != NULL) {
		add_x(cal, "X-WR-TIMEZONE", f->tzid);
		if (with_zone && strcmp(f->tzid, "UTC") != 0 &&
		    (vtz = vtimezone(f->tzid, o)) != NULL)
			icalcomponent_add_component(cal, vtz);
	}
	return cal;
}

char *
feed_render(const struct feed *f, const struct feed_opts *o)
{
	icalcomponent *cal = calendar(f, o, true);
	char *text, *ret;

	for (size_t i = 0; i < f->nev; i++) {
		const struct feed_event *e = &f->ev[i];
		icalcomponent *ev = icalcomponent_new_clone(e->comp);

		icalcomponent_add_property(ev, icalproperty_new_sequence(e->sequence));
		icalcomponent_add_property(ev, icalproperty_new_dtstamp(ical_utc(e->changed)));
		icalcomponent_add_property(ev, icalproperty_new_lastmodified(ical_utc(e->changed)));
		icalcomponent_add_component(cal, ev);
	}
	text = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	ret = escape_x_text(text);
	icalmemory_free_buffer(text);
	return ret;
}

/*
 * The calendar's text up to its first component: what feed_render writes
 * before the VTIMEZONE, escaped as it escapes it.  Calendar properties
 * come before components in libical's text, and the escaping touches
 * only X-WR-CALNAME and X-WR-CALDESC, so this is the rendered feed's start.
 */
char *
feed_head_text(const struct feed *f, const struct feed_opts *o)
{
	icalcomponent *cal = calendar(f, o, false);
	char *text = icalcomponent_as_ical_string_r(cal), *ret, *end;

	icalcomponent_free(cal);
	ret = escape_x_text(text);
	icalmemory_free_buffer(text);
	if ((end = strstr(ret, "END:VCALENDAR\r\n")) != NULL)
		*end = '\0';
	return ret;
}

char *
feed_zone_text(const char *tzid, const struct feed_opts *o)
{
	icalcomponent *vtz;
	char *text, *ret;

	if (tzid == NULL || strcmp(tzid, "UTC") == 0 || (vtz = vtimezone(tzid, o)) == NULL)
		return xstrdup("");
	text = icalcomponent_as_ical_string_r(vtz);
	icalcomponent_free(vtz);
	ret = xstrdup(text);
	icalmemory_free_buffer(text);
	return ret;
}

/* The calendar's addresses (RFC 7986): URL, the site's index page; SOURCE, the feed itself. */
static char *
link_lines(const char *base, const char *path)
{
	char *index = xasprintf("%s/", base), *self = xasprintf("%s%s", base, path);
	icalproperty *url = icalproperty_new_url(index), *src = icalproperty_new_source(self);
	char *a = icalproperty_as_ical_string_r(url), *b = icalproperty_as_ical_string_r(src);
	char *lines = xasprintf("%s%s", a, b);

	icalmemory_free_buffer(a);
	icalmemory_free_buffer(b);
	icalproperty_free(url);
	icalproperty_free(src);
	free(index);
	free(self);
	return lines;
}

char *
feed_add_links(const char *body, const char *base, const char *path)
{
	/* The calendar's properties end where its first component or the calendar does. */
	const char *at = strstr(body, "\r\nBEGIN:"), *end = strstr(body, "\r\nEND:VCALENDAR");
	char *lines, *out;

	if (at == NULL || (end != NULL && end < at))
		at = end;
	if (at == NULL)
		return xstrdup(body);
	at += 2;
	lines = link_lines(base, path);
	out = xasprintf("%.*s%s%s", (int)(at - body), body, lines, at);
	free(lines);
	return out;
}
