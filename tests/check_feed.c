/*
 * check_feed: the iCalendar feeds, parsed back with libical and checked
 * against instants worked out by hand, plus SEQUENCE/DTSTAMP bookkeeping
 * through store_feed_stamp on a temporary database.
 *
 * Facts used: Patch Tuesday 2026-07-14, 2026-12-08; release 10:00 Los
 * Angeles = 17:00Z in PDT (July), 18:00Z in PST (December).  Berlin: CEST
 * +2 in July, CET +1 in December.  Patch Tuesday+3 22:00 Berlin is then
 * Fri 2026-07-17 22:00 CEST and Fri 2026-12-11 22:00 CET (21:00Z).
 * Horizon: now 2026-11-15, 4 months back, 2 ahead: 2026-07..2027-01.
 */
#include "tzcache.h"
#include "feed.h"
#include "store.h"
#include "icaltest.h"
#include "testutil.h"
#include "util.h"
#include "windows.h"

#include <libical/ical.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DOMAIN	"hp.example"
#define NMONTHS	7

#define OFFSET(off, h, m, dur) { WIN_OFFSET, 0, (off), (h) * 60 + (m), (dur) }

/* os-a: hotpatch since 2024-01, baselines Jan/Apr/Jul/Oct.  os-b: the same, one published month. */
static struct release rel_b[] = {
	{ .kind = KIND_HOTPATCH, .kb = "KB5099001", .build = "26100.40001",
	  .note = "Fixes, among others; the long-standing Ärger mit Umlauten — über 75 Oktette "
	      "hinaus, damit gefaltet wird (ÄÖÜ äöü ß €)" },
};
static struct oob oob_b[] = {
	{ .date = { 2026, 3, 16 }, .kb = "KB5084897", .restart = false },	/* outside */
	{ .date = { 2026, 12, 17 }, .kb = "KB5099555", .restart = true },
};
static struct os_def oses[2] = {
	{ .id = "os-a", .name = "OS A", .arch = ARCH_X64 | ARCH_ARM64,
	  .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10 },
	{ .id = "os-b", .name = "OS B", .arch = ARCH_X64,
	  .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10,
	  .rel = rel_b, .nrel = 1, .oob = oob_b, .noob = 2 },
};
static struct override ovr[] = {
	{ .os = "os-a", .kind = KIND_BASELINE, .reason = "test: emergency baseline" },
};
static struct caldata cal = { .os = oses, .nos = 2 };

static char *ring_os[] = { "os-a", "os-b" };
static struct mwindow win_berlin[] = { OFFSET(3, 22, 0, 120) };
static struct mwindow win_utc[] = { OFFSET(1, 20, 0, 60) };
static struct mwindow win_fall[] = { { WIN_WEEKLY, 1 << 0 /* Sunday */, 0, 150, 60 } };
static struct ring rings[3];
static struct ringset rs = { .ring = rings, .nring = 3 };

static const struct feed_opts opts = { .domain = DOMAIN, .months_back = 4, .months_ahead = 2,
    .now = 1794700800 /* 2026-11-15 00:00Z */, .refresh_minutes = 360 };

static struct ring
ring(const char *id, const char *name, const char *tz, struct mwindow *w, int reminder)
{
	return (struct ring){ .id = (char *)id, .name = (char *)name, .os = ring_os, .nos = 2,
	    .timezone = (char *)tz, .deferral_days = 0, .deadline_days = 7, .grace_days = 2,
	    .hotpatch = true, .arch = ARCH_X64, .vbs = true, .licensed = true,
	    .reminder_min = reminder, .win = w, .nwin = 1 };
}

static void
setup(void)
{
	oses[0].hotpatch_start = oses[1].hotpatch_start = ym_make(2024, 1);
	rel_b[0].month = ym_make(2026, 12);
	ovr[0].month = ym_make(2026, 12);
	cal.ovr = NULL;
	cal.novr = 0;
	/* A ',' and ';' in the name exercise the X-WR-CALNAME escaping. */
	rings[0] = ring("berlin", "Pilot, Berlin; first", "Europe/Berlin", win_berlin, 30);
	rings[1] = ring("utc", "UTC ring", "UTC", win_utc, -1);
	rings[2] = ring("fall", "Fall back", "Europe/Berlin", win_fall, -1);
	rings[2].deferral_days = 7;
}

static void
teardown(void)
{
	tz_free_all();
	icalmemory_free_ring();
}

/* ---- helpers ---- */

static void
build(enum feed_kind kind, const char *id, struct feed *f)
{
	char *cause = NULL;

	if (feed_build(&cal, &rs, &opts, kind, id, f, &cause) != 0)
		ck_abort_msg("feed_build: %s", cause);
}

/* Render with every event at sequence seq, changed at t. */
static char *
render(struct feed *f, int seq, time_t t)
{
	for (size_t i = 0; i < f->nev; i++) {
		f->ev[i].sequence = seq;
		f->ev[i].changed = t;
	}
	return feed_render(f, &opts);
}

/* A feed built, rendered (every event at sequence seq, changed at t) and parsed back. */
struct doc {
	struct feed	 f;
	char		*text;
	icalcomponent	*c;
};

/* Render and parse d->f, built already. */
static void
doc_parse(struct doc *d, int seq, time_t t)
{
	d->text = render(&d->f, seq, t);
	d->c = parse(d->text);
}

static void
doc_open(struct doc *d, enum feed_kind kind, const char *id, int seq, time_t t)
{
	build(kind, id, &d->f);
	doc_parse(d, seq, t);
}

static void
doc_close(struct doc *d)
{
	icalcomponent_free(d->c);
	free(d->text);
	feed_free(&d->f);
}

/* Stamp every event of f through the store, copying back sequence and change. */
static void
stamp(struct store *s, struct feed *f, time_t now)
{
	struct feed_stamp *v = xcalloc(f->nev, sizeof(*v));
	char *cause = NULL;

	for (size_t i = 0; i < f->nev; i++)
		v[i] = (struct feed_stamp){ .uid = f->ev[i].uid, .hash = f->ev[i].hash };
	if (store_feed_stamp(s, v, f->nev, now, &cause) != 0)
		ck_abort_msg("store_feed_stamp: %s", cause);
	for (size_t i = 0; i < f->nev; i++) {
		f->ev[i].sequence = v[i].sequence;
		f->ev[i].changed = v[i].changed;
	}
	free(v);
}

static char tmpdir[] = "/tmp/check_feed.XXXXXX";

static struct store *
temp_store(char **path)
{
	struct store *s;
	char *cause = NULL;

	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	*path = xasprintf("%s/feed.db", tmpdir);
	if (store_open(*path, &s, &cause) != 0)
		ck_abort_msg("store_open: %s", cause);
	return s;
}

static void
remove_store(char *path)
{
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);

	unlink(path);
	unlink(wal);
	unlink(shm);
	rmdir(tmpdir);
	memcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX", 6);
	free(wal);
	free(shm);
	free(path);
}

/* ---- tests ---- */

START_TEST(hash64_is_fnv1a_64)
{
	ck_assert_uint_eq(hash64("", 0), 0xcbf29ce484222325ULL);
	ck_assert_uint_eq(hash64("a", 1), 0xaf63dc4c8601ec8cULL);
	ck_assert_uint_eq(hash64("foobar", 6), 0x85944171f73967e8ULL);
}
END_TEST

START_TEST(all_feed_has_one_allday_event_per_os_and_month_plus_oob)
{
	struct doc d;
	icalcomponent *e;

	doc_open(&d, FEED_ALL, NULL, 0, utc(2026, 11, 1, 0, 0));
	ck_assert_str_eq(d.f.name, "Hotpatch calendar (all OSes)");
	ck_assert_ptr_null(d.f.tzid);
	ck_assert_uint_eq(d.f.nev, NMONTHS * 2 + 1);	/* the March OOB is outside */
	/* Month, then OS, then type: December is os-a, os-b, os-b's OOB. */
	ck_assert_str_eq(d.f.ev[0].uid, "hotpatch-os-a-202607@" DOMAIN);
	ck_assert_str_eq(d.f.ev[1].uid, "hotpatch-os-b-202607@" DOMAIN);
	ck_assert_str_eq(d.f.ev[10].uid, "hotpatch-os-a-202612@" DOMAIN);
	ck_assert_str_eq(d.f.ev[11].uid, "hotpatch-os-b-202612@" DOMAIN);
	ck_assert_str_eq(d.f.ev[12].uid, "oob-os-b-KB5099555@" DOMAIN);
	ck_assert_str_eq(d.f.ev[14].uid, "hotpatch-os-b-202701@" DOMAIN);

	ck_assert_int_eq(count_components(d.c, ICAL_VEVENT_COMPONENT), NMONTHS * 2 + 1);
	ck_assert_int_eq(count_components(d.c, ICAL_VTIMEZONE_COMPONENT), 0);
	ck_assert_int_eq(count_components(d.c, ICAL_VALARM_COMPONENT), 0);

	e = find_event(d.c, "hotpatch-os-a-202607@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(icalcomponent_get_summary(e), "OS A: Baseline — restart required");
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART;VALUE=DATE:20260714\r\n");
	assert_line(e, ICAL_DTEND_PROPERTY, "DTEND;VALUE=DATE:20260715\r\n");
	assert_line(e, ICAL_CATEGORIES_PROPERTY, "CATEGORIES:baseline\r\n");
	assert_line(e, ICAL_TRANSP_PROPERTY, "TRANSP:TRANSPARENT\r\n");
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e),
	    "Released: 2026-07-14 17:00 UTC"));
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e), "(planned)"));

	e = find_event(d.c, "hotpatch-os-b-202612@" DOMAIN);
	ck_assert_str_eq(icalcomponent_get_summary(e), "OS B: Hotpatch — no restart for the Windows "
	    "security update");
	/* The promise is the security update's only: other updates may still restart. */
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e), "Restart: no restart for "
	    "the Windows security update (.NET, drivers and firmware may still restart a device)"));
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e), "KB: KB5099001"));
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e), "Build: 26100.40001"));
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e), "Fixes, among others;"));
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e), "(published)"));
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e),
	    "Released: 2026-12-08 18:00 UTC"));

	e = find_event(d.c, "oob-os-b-KB5099555@" DOMAIN);
	ck_assert_str_eq(icalcomponent_get_summary(e), "OS B: out-of-band KB5099555 — restart");
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART;VALUE=DATE:20261217\r\n");
	assert_line(e, ICAL_DTEND_PROPERTY, "DTEND;VALUE=DATE:20261218\r\n");

	doc_close(&d);
}
END_TEST

START_TEST(allday_dtend_is_the_next_day_across_month_and_year_ends)
{
	struct oob extra[] = {
		{ .date = { 2026, 12, 31 }, .kb = "KB1", .restart = false },
	};
	struct os_def os = { .id = "os-y", .name = "OS Y", .arch = ARCH_X64,
	    .hotpatch_start = ym_make(2024, 1), .oob = extra, .noob = 1 };
	struct caldata one = { .os = &os, .nos = 1 };
	struct doc d;
	char *cause = NULL;
	icalcomponent *e;

	ck_assert_int_eq(feed_build(&one, &rs, &opts, FEED_OS, "os-y", &d.f, &cause), 0);
	doc_parse(&d, 0, 0);
	e = find_event(d.c, "oob-os-y-KB1@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(icalcomponent_get_summary(e), "OS Y: out-of-band KB1 — no restart");
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART;VALUE=DATE:20261231\r\n");
	assert_line(e, ICAL_DTEND_PROPERTY, "DTEND;VALUE=DATE:20270101\r\n");
	doc_close(&d);
}
END_TEST

START_TEST(os_feed_has_only_that_os)
{
	struct doc d;

	doc_open(&d, FEED_OS, "os-a", 3, utc(2026, 11, 1, 0, 0));
	ck_assert_str_eq(d.f.name, "Hotpatch: OS A");
	ck_assert_uint_eq(d.f.nev, NMONTHS);
	for (size_t i = 0; i < d.f.nev; i++)
		ck_assert(strncmp(d.f.ev[i].uid, "hotpatch-os-a-", 14) == 0);
	ck_assert_int_eq(sequence_of(d.c, "hotpatch-os-a-202611@" DOMAIN), 3);
	ck_assert_ptr_nonnull(strstr(d.text, "NAME:Hotpatch: OS A\r\n"));
	ck_assert_ptr_nonnull(strstr(d.text, "X-WR-CALNAME:Hotpatch: OS A\r\n"));
	doc_close(&d);
}
END_TEST

START_TEST(unknown_os_and_ring_give_the_cause)
{
	struct feed f;
	char *cause = NULL;

	ck_assert_int_eq(feed_build(&cal, &rs, &opts, FEED_OS, "nope", &f, &cause), -1);
	ck_assert_str_eq(cause, "unknown OS 'nope'");
	ck_assert_uint_eq(f.nev, 0);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(feed_build(&cal, &rs, &opts, FEED_RING, "nope", &f, &cause), -1);
	ck_assert_str_eq(cause, "unknown ring 'nope'");
	free(cause);
	feed_free(&f);
}
END_TEST

START_TEST(calendar_properties_are_present_without_method)
{
	struct doc d;

	doc_open(&d, FEED_ALL, NULL, 0, 0);
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nVERSION:2.0\r\n"));
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nPRODID:-//hotpatchd//hotpatchd " PACKAGE_VERSION
	    "//EN\r\n"));
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nCALSCALE:GREGORIAN\r\n"));
	ck_assert_ptr_null(strstr(d.text, "METHOD"));
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nNAME:Hotpatch calendar (all OSes)\r\n"));
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nX-WR-CALNAME:Hotpatch calendar (all OSes)\r\n"));
	/* The description has a comma: escaped although libical 3.0.16 would not. */
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nX-WR-CALDESC:Windows hotpatch release days: hotpatch\\,"));
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT360M\r\n"));
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nX-PUBLISHED-TTL:PT360M\r\n"));
	ck_assert_ptr_null(strstr(d.text, "X-WR-TIMEZONE"));
	doc_close(&d);
}
END_TEST

/* The next event of f is type-berlin-OS-MONTH. */
static void
assert_next_uid(const struct feed *f, size_t *k, const char *type, const char *os, ym_t m)
{
	char want[128];

	snprintf(want, sizeof(want), "%s-berlin-%s-%04d%02d@" DOMAIN, type, os, ym_year(m),
	    ym_month(m));
	ck_assert_uint_lt(*k, f->nev);
	ck_assert_str_eq(f->ev[(*k)++].uid, want);
}

/*
 * Every window, deadline and restart event of the berlin ring's feed f
 * matches win_install, in order: os-a's events, then os-b's that do not
 * coincide with them (those that do are os-a's event: "os-a" < "os-b").
 * Both OSes release on Patch Tuesday and the ring has one window a week,
 * so in this fixture every one of os-b's coincides.
 */
static void
assert_berlin_events_in_order(const struct feed *f)
{
	struct install a, b;
	size_t k = 0;

	for (ym_t m = ym_make(2026, 7); m <= ym_make(2027, 1); m++) {
		win_install(&cal, NULL, &rings[0], &oses[0], m, &a);
		win_install(&cal, NULL, &rings[0], &oses[1], m, &b);
		ck_assert_int_eq(a.window_start, b.window_start);
		ck_assert_int_eq(a.install_deadline, b.install_deadline);
		ck_assert_int_eq(a.restart, b.restart);
		assert_next_uid(f, &k, a.status == WS_NONE ? "none" : "window", "os-a", m);
		assert_next_uid(f, &k, "deadline", "os-a", m);
		if (a.restart)
			assert_next_uid(f, &k, "restart", "os-a", m);
		/* os-b's automatic out-of-band release of 2026-12-17. */
		if (m == ym_make(2026, 12))
			ck_assert_str_eq(f->ev[k++].uid, "oob-offer-berlin-os-b-KB5099555@" DOMAIN);
	}
	ck_assert_uint_eq(k, f->nev);
}

START_TEST(berlin_ring_windows_are_local_times_with_the_iana_tzid)
{
	const struct ring *r = &rings[0];
	struct install in;
	struct doc d;
	icalcomponent *e, *vtz;

	doc_open(&d, FEED_RING, "berlin", 0, utc(2026, 11, 1, 0, 0));
	ck_assert_str_eq(d.f.name, "Hotpatch ring: Pilot, Berlin; first");
	ck_assert_str_eq(d.f.tzid, "Europe/Berlin");

	/* December: a hotpatch for os-a, window Fri 12-11 22:00 CET, as win_install says. */
	win_install(&cal, NULL, r, &oses[0], ym_make(2026, 12), &in);
	ck_assert_int_eq(in.window_start, utc(2026, 12, 11, 21, 0));
	ck_assert_int_eq(in.install_deadline, utc(2026, 12, 15, 18, 0));
	ck_assert(!in.restart);
	ck_assert_ptr_nonnull(strstr(d.text, "DTSTART;TZID=Europe/Berlin:20261211T220000\r\n"));
	e = find_event(d.c, "window-berlin-os-a-202612@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(tzid_of(e, ICAL_DTSTART_PROPERTY), "Europe/Berlin");
	ck_assert_str_eq(tzid_of(e, ICAL_DTEND_PROPERTY), "Europe/Berlin");
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART;TZID=Europe/Berlin:20261211T220000\r\n");
	assert_line(e, ICAL_DTEND_PROPERTY, "DTEND;TZID=Europe/Berlin:20261212T000000\r\n");
	/* os-b's window is the same: one event names both. */
	ck_assert_str_eq(icalcomponent_get_summary(e),
	    "Pilot, Berlin; first: OS A + OS B install window: Hotpatch — no restart for the "
	    "Windows security update");
	ck_assert_ptr_null(find_event(d.c, "window-berlin-os-b-202612@" DOMAIN));
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e), "Status: ok"));
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e),
	    "Install deadline: 2026-12-15 19:00 Europe/Berlin"));
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e), "Restart: no restart for "
	    "the Windows security update (.NET, drivers and firmware may still restart a device)"));
	e = find_event(d.c, "deadline-berlin-os-a-202612@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART;TZID=Europe/Berlin:20261215T190000\r\n");
	ck_assert_ptr_null(find_event(d.c, "restart-berlin-os-a-202612@" DOMAIN));

	/* July: a baseline in CEST, with a restart deadline two days after the install one. */
	win_install(&cal, NULL, r, &oses[0], ym_make(2026, 7), &in);
	ck_assert_int_eq(in.window_start, utc(2026, 7, 17, 20, 0));
	ck_assert(in.restart);
	ck_assert_int_eq(in.restart_deadline, utc(2026, 7, 23, 17, 0));
	e = find_event(d.c, "window-berlin-os-a-202607@" DOMAIN);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART;TZID=Europe/Berlin:20260717T220000\r\n");
	ck_assert_str_eq(icalcomponent_get_summary(e),
	    "Pilot, Berlin; first: OS A + OS B install window: Baseline — restart required");
	e = find_event(d.c, "restart-berlin-os-a-202607@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART;TZID=Europe/Berlin:20260723T190000\r\n");
	ck_assert_str_eq(tzid_of(e, ICAL_DTSTART_PROPERTY), "Europe/Berlin");

	assert_berlin_events_in_order(&d.f);

	/* One VTIMEZONE, renamed to the IANA name, truncated to the horizon. */
	ck_assert_int_eq(count_components(d.c, ICAL_VTIMEZONE_COMPONENT), 1);
	vtz = icalcomponent_get_first_component(d.c, ICAL_VTIMEZONE_COMPONENT);
	ck_assert_str_eq(icalproperty_get_tzid(icalcomponent_get_first_property(vtz,
	    ICAL_TZID_PROPERTY)), "Europe/Berlin");
	ck_assert_int_le(count_components(vtz, ICAL_XSTANDARD_COMPONENT) +
	    count_components(vtz, ICAL_XDAYLIGHT_COMPONENT), 6);
	ck_assert_int_ge(count_components(vtz, ICAL_XSTANDARD_COMPONENT), 1);
	ck_assert_int_ge(count_components(vtz, ICAL_XDAYLIGHT_COMPONENT), 1);
	ck_assert_ptr_null(strstr(d.text, "freeassociation"));
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nX-WR-TIMEZONE:Europe/Berlin\r\n"));
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nX-WR-CALNAME:Hotpatch ring: Pilot\\, Berlin\\; first\r\n"));
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nNAME:Hotpatch ring: Pilot\\, Berlin\\; first\r\n"));

	doc_close(&d);
}
END_TEST

START_TEST(vtimezone_resolves_the_events_to_the_right_instants)
{
	struct doc d;
	icalcomponent *e;
	icaltimezone *z;

	doc_open(&d, FEED_RING, "berlin", 0, 0);
	/* Use the feed's own VTIMEZONE, as a client would. */
	z = icaltimezone_new();
	ck_assert(icaltimezone_set_component(z, icalcomponent_new_clone(
	    icalcomponent_get_first_component(d.c, ICAL_VTIMEZONE_COMPONENT))));
	e = find_event(d.c, "window-berlin-os-a-202612@" DOMAIN);
	ck_assert_int_eq(icaltime_as_timet_with_zone(icalcomponent_get_dtstart(e), z),
	    utc(2026, 12, 11, 21, 0));
	e = find_event(d.c, "window-berlin-os-a-202607@" DOMAIN);
	ck_assert_int_eq(icaltime_as_timet_with_zone(icalcomponent_get_dtstart(e), z),
	    utc(2026, 7, 17, 20, 0));
	icaltimezone_free(z, 1);
	doc_close(&d);
}
END_TEST

START_TEST(valarm_only_when_the_ring_asks_for_a_reminder)
{
	struct doc d;
	icalcomponent *e, *a;

	doc_open(&d, FEED_RING, "berlin", 0, 0);
	/* On every window event, and only there. */
	for (e = icalcomponent_get_first_component(d.c, ICAL_VEVENT_COMPONENT); e != NULL;
	    e = icalcomponent_get_next_component(d.c, ICAL_VEVENT_COMPONENT)) {
		int want = strncmp(icalcomponent_get_uid(e), "window-", 7) == 0;

		ck_assert_int_eq(count_components(e, ICAL_VALARM_COMPONENT), want);
	}
	/* os-a's and os-b's December windows are one event, with one alarm. */
	ck_assert_ptr_null(find_event(d.c, "window-berlin-os-b-202612@" DOMAIN));
	e = find_event(d.c, "window-berlin-os-a-202612@" DOMAIN);
	ck_assert_int_eq(count_components(e, ICAL_VALARM_COMPONENT), 1);
	a = icalcomponent_get_first_component(e, ICAL_VALARM_COMPONENT);
	ck_assert_ptr_nonnull(a);
	assert_line(a, ICAL_ACTION_PROPERTY, "ACTION:DISPLAY\r\n");
	assert_line(a, ICAL_TRIGGER_PROPERTY, "TRIGGER:-PT30M\r\n");
	ck_assert_ptr_nonnull(icalcomponent_get_first_property(a, ICAL_DESCRIPTION_PROPERTY));
	doc_close(&d);

	doc_open(&d, FEED_RING, "utc", 0, 0);
	ck_assert_ptr_null(strstr(d.text, "BEGIN:VALARM"));
	ck_assert_int_eq(count_components(d.c, ICAL_VEVENT_COMPONENT), (int)d.f.nev);
	doc_close(&d);
}
END_TEST

START_TEST(utc_ring_uses_z_times_and_no_vtimezone)
{
	struct install in;
	struct doc d;
	icalcomponent *e;

	doc_open(&d, FEED_RING, "utc", 0, 0);
	ck_assert_str_eq(d.f.tzid, "UTC");
	ck_assert_ptr_null(strstr(d.text, "BEGIN:VTIMEZONE"));
	ck_assert_ptr_null(strstr(d.text, "TZID="));
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nX-WR-TIMEZONE:UTC\r\n"));
	/* Patch Tuesday+1 20:00 UTC in December: Wed 12-09. */
	win_install(&cal, NULL, &rings[1], &oses[1], ym_make(2026, 12), &in);
	ck_assert_int_eq(in.window_start, utc(2026, 12, 9, 20, 0));
	e = find_event(d.c, "window-utc-os-a-202612@" DOMAIN);	/* os-b's too */
	ck_assert_ptr_nonnull(e);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20261209T200000Z\r\n");
	assert_line(e, ICAL_DTEND_PROPERTY, "DTEND:20261209T210000Z\r\n");
	ck_assert_ptr_null(tzid_of(e, ICAL_DTSTART_PROPERTY));
	doc_close(&d);
}
END_TEST

/* 2026-10-25 02:30 CEST (00:30Z) for 60 minutes ends at the second 02:30, CET. */
START_TEST(local_time_repeated_at_fall_back_is_written_in_utc)
{
	struct install in;
	struct doc d;
	icalcomponent *e;

	win_install(&cal, NULL, &rings[2], &oses[0], ym_make(2026, 10), &in);
	ck_assert_int_eq(in.window_start, utc(2026, 10, 25, 0, 30));
	ck_assert_int_eq(in.window_end, utc(2026, 10, 25, 1, 30));
	doc_open(&d, FEED_RING, "fall", 0, 0);
	e = find_event(d.c, "window-fall-os-a-202610@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART;TZID=Europe/Berlin:20261025T023000\r\n");
	assert_line(e, ICAL_DTEND_PROPERTY, "DTEND:20261025T013000Z\r\n");
	doc_close(&d);
}
END_TEST

START_TEST(no_window_gives_an_allday_note_on_the_offer_date)
{
	struct blackout bo = { .name = "freeze", .from = { 2026, 12, 1 }, .to = { 2027, 2, 28 } };
	struct ringset frozen = { .ring = rings, .nring = 2, .bo = &bo, .nbo = 1 };
	struct doc d;
	char *cause = NULL;
	icalcomponent *e;
	struct install in;

	win_install(&cal, &frozen, &rings[0], &oses[0], ym_make(2026, 12), &in);
	ck_assert_int_eq(in.status, WS_NONE);
	ck_assert_int_eq(feed_build(&cal, &frozen, &opts, FEED_RING, "berlin", &d.f, &cause), 0);
	doc_parse(&d, 0, 0);
	ck_assert_ptr_null(find_event(d.c, "window-berlin-os-a-202612@" DOMAIN));
	e = find_event(d.c, "none-berlin-os-a-202612@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	/* Offered 12-08 18:00Z = 19:00 in Berlin. */
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART;VALUE=DATE:20261208\r\n");
	assert_line(e, ICAL_DTEND_PROPERTY, "DTEND;VALUE=DATE:20261209\r\n");
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e), "Status: none"));
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e), "freeze"));
	ck_assert_int_eq(count_components(e, ICAL_VALARM_COMPONENT), 0);
	ck_assert_ptr_nonnull(find_event(d.c, "deadline-berlin-os-a-202612@" DOMAIN));
	/* November's window is before the freeze. */
	ck_assert_ptr_nonnull(find_event(d.c, "window-berlin-os-a-202611@" DOMAIN));
	doc_close(&d);
}
END_TEST

START_TEST(every_feed_has_crlf_lines_of_at_most_75_octets)
{
	const struct { enum feed_kind k; const char *id; } v[] = {
		{ FEED_ALL, NULL }, { FEED_OS, "os-b" }, { FEED_RING, "berlin" },
		{ FEED_RING, "utc" },
	};

	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		struct doc d;

		doc_open(&d, v[i].k, v[i].id, 12, utc(2026, 11, 2, 3, 4));
		assert_wire_format(d.text);
		doc_close(&d);
	}
}
END_TEST

START_TEST(long_utf8_description_folds_and_parses_back_whole)
{
	struct doc d;
	icalcomponent *e;

	doc_open(&d, FEED_OS, "os-b", 0, 0);
	assert_wire_format(d.text);
	ck_assert_ptr_nonnull(strstr(d.text, "\r\n "));	/* something was folded */
	e = find_event(d.c, "hotpatch-os-b-202612@" DOMAIN);
	ck_assert_ptr_nonnull(strstr(icalcomponent_get_description(e), rel_b[0].note));
	doc_close(&d);
}
END_TEST

START_TEST(same_data_renders_byte_identical_output)
{
	const char *ids[] = { NULL, "os-a", "berlin" };
	const enum feed_kind kinds[] = { FEED_ALL, FEED_OS, FEED_RING };

	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		struct feed a, b;
		char *ta, *tb, *tc;

		build(kinds[i], ids[i], &a);
		build(kinds[i], ids[i], &b);
		ck_assert_uint_eq(a.nev, b.nev);
		for (size_t k = 0; k < a.nev; k++)
			ck_assert_uint_eq(a.ev[k].hash, b.ev[k].hash);
		ta = render(&a, 2, utc(2026, 10, 1, 0, 0));
		tb = render(&b, 2, utc(2026, 10, 1, 0, 0));
		ck_assert_str_eq(ta, tb);
		tc = feed_render(&a, &opts);
		ck_assert_str_eq(ta, tc);
		free(tc);
		/* The hash ignores SEQUENCE/DTSTAMP; the text does not. */
		tc = render(&b, 3, utc(2026, 10, 1, 0, 0));
		ck_assert_str_ne(ta, tc);
		free(ta);
		free(tb);
		free(tc);
		feed_free(&a);
		feed_free(&b);
	}
}
END_TEST

START_TEST(event_hash_ignores_sequence_and_dtstamp_and_is_unique)
{
	struct feed f;

	build(FEED_RING, "berlin", &f);
	for (size_t i = 0; i < f.nev; i++) {
		char *t = icalcomponent_as_ical_string_r(f.ev[i].comp);

		ck_assert_ptr_null(strstr(t, "SEQUENCE"));
		ck_assert_ptr_null(strstr(t, "DTSTAMP"));
		ck_assert_ptr_null(strstr(t, "LAST-MODIFIED"));
		ck_assert_uint_eq(f.ev[i].hash, hash64(t, strlen(t)));
		icalmemory_free_buffer(t);
		for (size_t k = 0; k < i; k++) {
			ck_assert_str_ne(f.ev[i].uid, f.ev[k].uid);
			ck_assert_uint_ne(f.ev[i].hash, f.ev[k].hash);
		}
	}
	feed_free(&f);
}
END_TEST

START_TEST(unchanged_feed_stamps_without_writing)
{
	struct store *s;
	struct feed f;
	char *path;
	long before;

	s = temp_store(&path);
	build(FEED_ALL, NULL, &f);
	stamp(s, &f, utc(2026, 11, 1, 0, 0));
	for (size_t i = 0; i < f.nev; i++) {
		ck_assert_int_eq(f.ev[i].sequence, 0);
		ck_assert_int_eq(f.ev[i].changed, utc(2026, 11, 1, 0, 0));
	}
	before = store_total_changes(s);
	stamp(s, &f, utc(2026, 11, 2, 0, 0));
	ck_assert_int_eq(store_total_changes(s), before);
	for (size_t i = 0; i < f.nev; i++) {
		ck_assert_int_eq(f.ev[i].sequence, 0);
		ck_assert_int_eq(f.ev[i].changed, utc(2026, 11, 1, 0, 0));
	}
	feed_free(&f);
	store_close(s);
	remove_store(path);
}
END_TEST

START_TEST(override_bumps_sequence_of_that_month_only)
{
	time_t t1 = utc(2026, 11, 1, 0, 0), t2 = utc(2026, 11, 20, 12, 0);
	const char *changed = "hotpatch-os-a-202612@" DOMAIN;
	struct feed f1, f2;
	icalcomponent *c1, *c2;
	char *path, *x1, *x2;
	struct store *s;

	s = temp_store(&path);
	build(FEED_ALL, NULL, &f1);
	stamp(s, &f1, t1);
	x1 = feed_render(&f1, &opts);

	cal.ovr = ovr;
	cal.novr = 1;
	build(FEED_ALL, NULL, &f2);
	stamp(s, &f2, t2);
	x2 = feed_render(&f2, &opts);
	c1 = parse(x1);
	c2 = parse(x2);

	ck_assert_uint_eq(f1.nev, f2.nev);
	for (size_t i = 0; i < f2.nev; i++) {
		const char *uid = f2.ev[i].uid;

		if (strcmp(uid, changed) == 0) {
			ck_assert_int_eq(sequence_of(c2, uid), sequence_of(c1, uid) + 1);
			ck_assert_int_eq(dtstamp_of(c1, uid), t1);
			ck_assert_int_eq(dtstamp_of(c2, uid), t2);
			ck_assert_int_eq(lastmod_of(c2, uid), t2);
			ck_assert_str_eq(icalcomponent_get_summary(find_event(c2, uid)),
			    "OS A: Baseline — restart required");
		} else {
			ck_assert_int_eq(sequence_of(c2, uid), sequence_of(c1, uid));
			ck_assert_int_eq(dtstamp_of(c2, uid), t1);
			ck_assert_int_eq(lastmod_of(c2, uid), t1);
		}
	}
	icalcomponent_free(c1);
	icalcomponent_free(c2);
	free(x1);
	free(x2);
	feed_free(&f1);
	feed_free(&f2);

	/* The ring feed: os-a's December window and deadline change, a restart appears. */
	cal.ovr = NULL;
	cal.novr = 0;
	build(FEED_RING, "berlin", &f1);
	stamp(s, &f1, t1);
	cal.ovr = ovr;
	cal.novr = 1;
	build(FEED_RING, "berlin", &f2);
	stamp(s, &f2, t2);
	ck_assert_uint_eq(f2.nev, f1.nev + 1);
	for (size_t i = 0; i < f2.nev; i++) {
		const char *uid = f2.ev[i].uid;

		if (strcmp(uid, "window-berlin-os-a-202612@" DOMAIN) == 0 ||
		    strcmp(uid, "deadline-berlin-os-a-202612@" DOMAIN) == 0) {
			ck_assert_int_eq(f2.ev[i].sequence, 1);
			ck_assert_int_eq(f2.ev[i].changed, t2);
		} else if (strcmp(uid, "restart-berlin-os-a-202612@" DOMAIN) == 0) {
			ck_assert_int_eq(f2.ev[i].sequence, 0);	/* new */
			ck_assert_int_eq(f2.ev[i].changed, t2);
		} else {
			ck_assert_msg(f2.ev[i].sequence == 0 && f2.ev[i].changed == t1,
			    "%s changed", uid);
		}
	}
	feed_free(&f1);
	feed_free(&f2);
	store_close(s);
	remove_store(path);
}
END_TEST

/*
 * ---- the state across months in the ring feeds ----
 *
 * OS S: baselines in January, April, July and October, hotpatch since 2024-01.
 * Patch Tuesdays 2027-01-12 and 02-09, released 18:00Z (PST).  Three UTC rings,
 * windows Tuesday and Thursday 20:00 for 2 h, deadline 7 days, grace 2 (the
 * cases of check_state.c, as feeds):
 *   paused  deferral 0, a pause 2027-01-10..02-12 (34 days) of its own
 *   frozen  deferral 0, a freeze over the same days
 *   slow    deferral 10
 * Out-of-band: KB5990002 on Wed 2027-01-20 (automatic, restart) and KB5990003
 * on 2027-01-21 (catalog only), both after January's Patch Tuesday, released
 * 10:00 Pacific = 18:00Z.  Horizon: now 2027-01-15, January and February.
 */
static struct oob oob_s[] = {
	{ .date = { 2027, 1, 20 }, .kb = "KB5990002", .restart = true },
	{ .date = { 2027, 1, 21 }, .kb = "KB5990003", .restart = true,
	  .delivery = DELIVERY_CATALOG },
};
static struct os_def os_s[] = {
	{ .id = "os-s", .name = "OS S", .arch = ARCH_X64,
	  .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10, .oob = oob_s, .noob = 2 },
};
static struct caldata cal_s = { .os = os_s, .nos = 1 };
static char *ring_os_s[] = { "os-s" };
static struct mwindow win_tue_thu[] = { { WIN_WEEKLY, 1u << 2 | 1u << 4, 0, 20 * 60, 120 } };
static struct ring rings_s[3];
static struct blackout bo_s[] = {
	{ .name = "year-end pause", .ring = "paused", .from = { 2027, 1, 10 },
	  .to = { 2027, 2, 12 }, .kind = BO_PAUSE },
	{ .name = "year-end freeze", .ring = "frozen", .from = { 2027, 1, 10 },
	  .to = { 2027, 2, 12 }, .kind = BO_FREEZE },
};
static struct ringset rs_s = { .ring = rings_s, .nring = 3, .bo = bo_s, .nbo = 2 };
static const struct feed_opts opts_s = { .domain = DOMAIN, .months_back = 0, .months_ahead = 1,
    .now = 1799971200 /* 2027-01-15 00:00Z */, .refresh_minutes = 360 };

static struct ring
ring_s(const char *id, const char *name, int deferral)
{
	return (struct ring){ .id = (char *)id, .name = (char *)name, .os = ring_os_s, .nos = 1,
	    .timezone = "UTC", .deferral_days = deferral, .deadline_days = 7, .grace_days = 2,
	    .hotpatch = true, .arch = ARCH_X64, .vbs = true, .licensed = true, .expedite = true,
	    .reminder_min = -1, .win = win_tue_thu, .nwin = 1 };
}

static void
setup_s(void)
{
	os_s[0].hotpatch_start = ym_make(2024, 1);
	rings_s[0] = ring_s("paused", "Paused", 0);
	rings_s[1] = ring_s("frozen", "Frozen", 0);
	rings_s[2] = ring_s("slow", "Slow", 10);
}

static void
doc_open_s(struct doc *d, enum feed_kind kind, const char *id)
{
	char *cause = NULL;

	if (feed_build(&cal_s, &rs_s, &opts_s, kind, id, &d->f, &cause) != 0)
		ck_abort_msg("feed_build: %s", cause);
	doc_parse(d, 0, 0);
}

/* The event's CATEGORIES values, in order, joined by ','. */
static const char *
categories(icalcomponent *ev)
{
	static char buf[128];
	icalproperty *p;

	buf[0] = '\0';
	for (p = icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY); p != NULL;
	    p = icalcomponent_get_next_property(ev, ICAL_CATEGORIES_PROPERTY)) {
		if (buf[0] != '\0')
			strcat(buf, ",");
		strcat(buf, icalproperty_get_categories(p));
	}
	return buf;
}

static bool
describes(icalcomponent *ev, const char *words)
{
	return strstr(icalcomponent_get_description(ev), words) != NULL;
}

/*
 * February 2027 for the paused ring: January's baseline was skipped, so the
 * hotpatch month brings the catch-up.  Offered when the pause ends, Sat
 * 02-13 00:00Z; first window Tue 02-16 20:00Z; deadline 02-13 + 7 = 02-20
 * 00:00Z; restart by 02-20 + 2 = 02-22 00:00Z.
 */
START_TEST(paused_ring_february_is_a_catch_up_with_a_restart)
{
	struct doc d;
	icalcomponent *e;

	doc_open_s(&d, FEED_RING, "paused");
	e = find_event(d.c, "window-paused-os-s-202702@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(icalcomponent_get_summary(e),
	    "Paused: OS S install window: Catch-up (baseline + hotpatch) — restart required");
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20270216T200000Z\r\n");
	assert_line(e, ICAL_DTEND_PROPERTY, "DTEND:20270216T220000Z\r\n");
	ck_assert_str_eq(categories(e), "catch-up,restart");
	ck_assert(describes(e, "Install: Catch-up (baseline + hotpatch) — restart required "
	    "(OS S month: hotpatch, planned)"));
	ck_assert(describes(e, "the January 2027 baseline was paused for this ring "
	    "(pause 'year-end pause' (2027-01-10..2027-02-12))"));
	ck_assert(describes(e, "Offered: 2027-02-13 00:00 UTC"));
	ck_assert(describes(e, "Restart by: 2027-02-22 00:00 UTC"));
	e = find_event(d.c, "deadline-paused-os-s-202702@" DOMAIN);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20270220T000000Z\r\n");
	ck_assert_str_eq(icalcomponent_get_summary(e),
	    "Paused: OS S install deadline: Catch-up (baseline + hotpatch) — restart required");
	e = find_event(d.c, "restart-paused-os-s-202702@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20270222T000000Z\r\n");
	doc_close(&d);
}
END_TEST

/*
 * January 2027 for the paused ring: both January's and February's offers
 * land on 02-13 00:00Z, so January's release is never offered alone.  One
 * all-day note on its release day (01-12 in UTC), nothing that claims an
 * install: no window, no deadline, no restart.
 */
START_TEST(paused_ring_january_is_one_skipped_note)
{
	struct doc d;
	icalcomponent *e;

	doc_open_s(&d, FEED_RING, "paused");
	e = find_event(d.c, "skipped-paused-os-s-202701@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(icalcomponent_get_summary(e),
	    "Paused: OS S skipped by a pause: Baseline — not installed");
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART;VALUE=DATE:20270112\r\n");
	assert_line(e, ICAL_DTEND_PROPERTY, "DTEND;VALUE=DATE:20270113\r\n");
	assert_line(e, ICAL_TRANSP_PROPERTY, "TRANSP:TRANSPARENT\r\n");
	ck_assert_str_eq(categories(e), "skipped,no restart");
	ck_assert(describes(e, "Status: skipped"));
	ck_assert(describes(e, "pause 'year-end pause' (2027-01-10..2027-02-12) holds every "
	    "offer until the next release: skipped"));
	ck_assert(!describes(e, "Offered:"));
	ck_assert(!describes(e, "Restart by:"));
	ck_assert_ptr_null(find_event(d.c, "window-paused-os-s-202701@" DOMAIN));
	ck_assert_ptr_null(find_event(d.c, "none-paused-os-s-202701@" DOMAIN));
	ck_assert_ptr_null(find_event(d.c, "deadline-paused-os-s-202701@" DOMAIN));
	ck_assert_ptr_null(find_event(d.c, "restart-paused-os-s-202701@" DOMAIN));
	doc_close(&d);
}
END_TEST

/*
 * The frozen ring's January: offered 01-12 18:00Z, every window to 02-12 is
 * frozen and February's offer (02-09) comes first, so no window; the
 * deadline 01-12 + 7 = 01-19 18:00Z forces the baseline inside the freeze,
 * restart by 01-21 18:00Z.  The note and the deadline name the freeze.
 */
START_TEST(forced_install_inside_a_freeze_is_named)
{
	struct doc d;
	icalcomponent *e;

	doc_open_s(&d, FEED_RING, "frozen");
	ck_assert_ptr_null(find_event(d.c, "window-frozen-os-s-202701@" DOMAIN));
	e = find_event(d.c, "none-frozen-os-s-202701@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	/* The plan's "forced" (~): the install and its restart are forced inside the freeze. */
	ck_assert_str_eq(icalcomponent_get_summary(e),
	    "Frozen: OS S no install window: Baseline — restart required (forced)");
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART;VALUE=DATE:20270112\r\n");
	ck_assert_str_eq(categories(e), "baseline,restart");
	ck_assert(describes(e, "the deadline forces the install and restart at 2027-01-19 18:00, "
	    "inside freeze 'year-end freeze' (2027-01-10..2027-02-12)"));
	e = find_event(d.c, "deadline-frozen-os-s-202701@" DOMAIN);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20270119T180000Z\r\n");
	ck_assert_str_eq(icalcomponent_get_summary(e),
	    "Frozen: OS S install deadline: Baseline — restart required (forced)");
	ck_assert(describes(e, "inside freeze 'year-end freeze'"));
	e = find_event(d.c, "restart-frozen-os-s-202701@" DOMAIN);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20270121T180000Z\r\n");
	doc_close(&d);
}
END_TEST

/*
 * KB5990002 (Wed 2027-01-20, 18:00Z) follows January's release of 01-12
 * 18:00Z.  slow's deferral date 01-22 18:00Z is still ahead: offered then,
 * an all-day event on 01-22; deadline 01-29 18:00Z, restart by 01-31 18:00Z.
 * frozen is past its deferral (0): the same day, 01-20 (a freeze holds no
 * offer).  paused has every offer held to the pause's end: 02-13.
 */
START_TEST(automatic_oob_is_at_each_rings_offer)
{
	const struct { const char *ring, *uid, *day; } want[] = {
		{ "slow", "oob-offer-slow-os-s-KB5990002@" DOMAIN, "20270122" },
		{ "frozen", "oob-offer-frozen-os-s-KB5990002@" DOMAIN, "20270120" },
		{ "paused", "oob-offer-paused-os-s-KB5990002@" DOMAIN, "20270213" },
	};

	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		char line[64];
		struct doc d;
		icalcomponent *e;

		doc_open_s(&d, FEED_RING, want[i].ring);
		e = find_event(d.c, want[i].uid);
		ck_assert_msg(e != NULL, "no %s", want[i].uid);
		snprintf(line, sizeof(line), "DTSTART;VALUE=DATE:%s\r\n", want[i].day);
		assert_line(e, ICAL_DTSTART_PROPERTY, line);
		ck_assert_str_eq(categories(e), "out-of-band,restart");
		if (i == 0) {
			ck_assert_str_eq(icalcomponent_get_summary(e),
			    "Slow: OS S out-of-band KB5990002 — restart required");
			ck_assert(describes(e, "Offered: 2027-01-22 18:00 UTC"));
			ck_assert(describes(e, "Install deadline: 2027-01-29 18:00 UTC"));
			ck_assert(describes(e, "Restart by: 2027-01-31 18:00 UTC"));
		}
		if (i == 2)
			ck_assert(describes(e, "Held back by pause 'year-end pause'"));
		doc_close(&d);
	}
}
END_TEST

/* KB5990003 is catalog only: never offered, so in no ring feed; the OS feed claims no restart. */
START_TEST(catalog_oob_is_absent_from_ring_feeds)
{
	const char *ids[] = { "paused", "frozen", "slow" };
	struct doc d;
	icalcomponent *e;

	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		doc_open_s(&d, FEED_RING, ids[i]);
		ck_assert_ptr_null(strstr(d.text, "KB5990003"));
		doc_close(&d);
	}
	doc_open_s(&d, FEED_OS, "os-s");
	e = find_event(d.c, "oob-os-s-KB5990003@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(icalcomponent_get_summary(e),
	    "OS S: out-of-band KB5990003 — catalog only");
	ck_assert_str_eq(categories(e), "out-of-band,catalog only");
	ck_assert(!describes(e, "Restart: required"));
	/* The automatic one keeps its text. */
	e = find_event(d.c, "oob-os-s-KB5990002@" DOMAIN);
	ck_assert_str_eq(icalcomponent_get_summary(e), "OS S: out-of-band KB5990002 — restart");
	ck_assert_str_eq(categories(e), "out-of-band,restart");
	doc_close(&d);
}
END_TEST

/*
 * ---- OSes whose events coincide, and the SUMMARY's words ----
 *
 * Three OSes, hotpatch since 2024-01, baselines January, April, July and
 * October.  December 2026 (Patch Tuesday 12-08, released 18:00Z in PST):
 * os-m has the planned hotpatch; os-n an unplanned baseline, published;
 * os-p a hotpatch published for Thursday 12-10, released 18:00Z that day.
 * Ring "mixed" (UTC, deferral 0, deadline 7, grace 2, Wednesdays 20:00 for
 * 60 minutes, a 15-minute reminder) lists them os-n, os-m, os-p:
 *   os-n  offered 12-08 18:00Z, window Wed 12-09 20:00-21:00Z, deadline
 *         12-15 18:00Z, restart by 12-17 18:00Z (baseline)
 *   os-m  the same window and deadline, no restart (hotpatch)
 *   os-p  offered 12-10 18:00Z, window Wed 12-16 20:00-21:00Z, deadline
 *         12-17 18:00Z, no restart
 * So os-n's and os-m's window and deadline are one event each, with the
 * UID os-m would have alone ("os-m" < "os-n"); os-n's restart and os-p's
 * events stand alone; os-p's deadline falls at the same instant as os-n's
 * restart but is another kind of event.  Five events, two alarms.
 * Ring "late" (os-m, UTC, deferral 0, deadline 1, Sundays 20:00): offered
 * 12-08 18:00Z, deadline 12-09 18:00Z, first window Sun 12-13 20:00Z:
 * late, and January's offer (2027-01-12) is later still.
 * Horizon: now 2026-12-01, December alone.
 */
static struct release rel_n[] = { { .kind = KIND_BASELINE, .unplanned = true } };
static struct release rel_p[] = { { .kind = KIND_HOTPATCH, .date = { 2026, 12, 10 } } };
static struct os_def os_mnp[] = {
	{ .id = "os-m", .name = "OS M", .arch = ARCH_X64,
	  .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10 },
	{ .id = "os-n", .name = "OS N", .arch = ARCH_X64,
	  .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10, .rel = rel_n, .nrel = 1 },
	{ .id = "os-p", .name = "OS P", .arch = ARCH_X64,
	  .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10, .rel = rel_p, .nrel = 1 },
};
static struct caldata cal_mnp = { .os = os_mnp, .nos = 3 };
static char *ring_os_mixed[] = { "os-n", "os-m", "os-p" };
static char *ring_os_late[] = { "os-m" };
static struct mwindow win_wed[] = { { WIN_WEEKLY, 1u << 3, 0, 20 * 60, 60 } };
static struct mwindow win_sun[] = { { WIN_WEEKLY, 1u << 0, 0, 20 * 60, 60 } };
static struct ring rings_mnp[2];
static struct ringset rs_mnp = { .ring = rings_mnp, .nring = 2 };
static const struct feed_opts opts_mnp = { .domain = DOMAIN, .months_back = 0,
    .months_ahead = 0, .now = 1796083200 /* 2026-12-01 00:00Z */, .refresh_minutes = 360 };

static void
setup_mnp(void)
{
	for (size_t i = 0; i < ARRAY_LEN(os_mnp); i++)
		os_mnp[i].hotpatch_start = ym_make(2024, 1);
	rel_n[0].month = rel_p[0].month = ym_make(2026, 12);
	rings_mnp[0] = (struct ring){ .id = "mixed", .name = "Mixed", .os = ring_os_mixed,
	    .nos = 3, .timezone = "UTC", .deferral_days = 0, .deadline_days = 7,
	    .grace_days = 2, .hotpatch = true, .arch = ARCH_X64, .vbs = true, .licensed = true,
	    .reminder_min = 15, .win = win_wed, .nwin = 1 };
	rings_mnp[1] = rings_mnp[0];
	rings_mnp[1].id = "late";
	rings_mnp[1].name = "Late";
	rings_mnp[1].os = ring_os_late;
	rings_mnp[1].nos = 1;
	rings_mnp[1].deadline_days = 1;
	rings_mnp[1].reminder_min = -1;
	rings_mnp[1].win = win_sun;
}

static void
doc_open_mnp(struct doc *d, const char *ring_id)
{
	char *cause = NULL;

	if (feed_build(&cal_mnp, &rs_mnp, &opts_mnp, FEED_RING, ring_id, &d->f, &cause) != 0)
		ck_abort_msg("feed_build: %s", cause);
	doc_parse(d, 0, 0);
}

#define HOTPATCH_LINE	"Hotpatch — no restart for the Windows security update"

/* VALARMs in all of the calendar's events. */
static int
count_alarms(icalcomponent *c)
{
	int n = 0;

	for (icalcomponent *e = icalcomponent_get_first_component(c, ICAL_VEVENT_COMPONENT);
	    e != NULL; e = icalcomponent_get_next_component(c, ICAL_VEVENT_COMPONENT))
		n += count_components(e, ICAL_VALARM_COMPONENT);
	return n;
}

START_TEST(coinciding_windows_of_several_oses_are_one_event)
{
	const char *want[] = {
		"window-mixed-os-m-202612@" DOMAIN, "deadline-mixed-os-m-202612@" DOMAIN,
		"restart-mixed-os-n-202612@" DOMAIN, "window-mixed-os-p-202612@" DOMAIN,
		"deadline-mixed-os-p-202612@" DOMAIN,
	};
	struct doc d;
	icalcomponent *e, *a;

	doc_open_mnp(&d, "mixed");
	ck_assert_uint_eq(d.f.nev, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		ck_assert_str_eq(d.f.ev[i].uid, want[i]);
	ck_assert_int_eq(count_alarms(d.c), 2);

	e = find_event(d.c, "window-mixed-os-m-202612@" DOMAIN);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20261209T200000Z\r\n");
	assert_line(e, ICAL_DTEND_PROPERTY, "DTEND:20261209T210000Z\r\n");
	ck_assert_str_eq(icalcomponent_get_summary(e), "Mixed: install window: OS N: Baseline "
	    "(unplanned) — restart required; OS M: " HOTPATCH_LINE);
	ck_assert_str_eq(categories(e), "baseline,hotpatch,restart,no restart");
	ck_assert(describes(e, "Install: Baseline (unplanned) — restart required (OS N month: "
	    "baseline, published)\n"));
	ck_assert(describes(e, "\n\nMonth: 2026-12\nInstall: " HOTPATCH_LINE " (OS M month: "
	    "hotpatch, planned)\n"));
	ck_assert_int_eq(count_components(e, ICAL_VALARM_COMPONENT), 1);
	a = icalcomponent_get_first_component(e, ICAL_VALARM_COMPONENT);
	assert_line(a, ICAL_TRIGGER_PROPERTY, "TRIGGER:-PT15M\r\n");
	ck_assert_str_eq(icalcomponent_get_description(a), icalcomponent_get_summary(e));

	e = find_event(d.c, "deadline-mixed-os-m-202612@" DOMAIN);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20261215T180000Z\r\n");
	assert_line(e, ICAL_DTEND_PROPERTY, "DTEND:20261215T181500Z\r\n");
	assert_line(e, ICAL_TRANSP_PROPERTY, "TRANSP:TRANSPARENT\r\n");
	ck_assert_str_eq(icalcomponent_get_summary(e), "Mixed: install deadline: OS N: Baseline "
	    "(unplanned) — restart required; OS M: " HOTPATCH_LINE);

	e = find_event(d.c, "restart-mixed-os-n-202612@" DOMAIN);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20261217T180000Z\r\n");
	ck_assert_str_eq(icalcomponent_get_summary(e),
	    "Mixed: OS N restart deadline: Baseline (unplanned) — restart required");
	ck_assert_str_eq(categories(e), "baseline,restart");

	e = find_event(d.c, "window-mixed-os-p-202612@" DOMAIN);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20261216T200000Z\r\n");
	ck_assert_str_eq(icalcomponent_get_summary(e), "Mixed: OS P install window: "
	    HOTPATCH_LINE);
	ck_assert(!describes(e, "OS N"));
	e = find_event(d.c, "deadline-mixed-os-p-202612@" DOMAIN);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20261217T180000Z\r\n");
	assert_wire_format(d.text);
	doc_close(&d);
}
END_TEST

/* The merged event's UID does not depend on the order the ring lists its OSes in. */
START_TEST(merged_event_keeps_the_smallest_os_ids_uid)
{
	char *order[] = { "os-m", "os-p", "os-n" };
	struct doc d;

	rings_mnp[0].os = order;
	doc_open_mnp(&d, "mixed");
	ck_assert_str_eq(d.f.ev[0].uid, "window-mixed-os-m-202612@" DOMAIN);
	ck_assert_str_eq(icalcomponent_get_summary(find_event(d.c, d.f.ev[0].uid)),
	    "Mixed: install window: OS M: " HOTPATCH_LINE "; OS N: Baseline (unplanned) — "
	    "restart required");
	ck_assert_ptr_nonnull(find_event(d.c, "window-mixed-os-p-202612@" DOMAIN));
	doc_close(&d);
}
END_TEST

/*
 * The builder reuses its text from event to event: a feed built after
 * others, its merged events among them, has the same bytes as one built
 * first, and the merged event still says what the test above worked out.
 */
START_TEST(feeds_built_again_in_one_process_are_byte_identical)
{
	struct doc fresh, again, other;

	doc_open_mnp(&fresh, "mixed");
	doc_open_mnp(&other, "late");
	doc_open_mnp(&again, "mixed");
	ck_assert_uint_eq(again.f.nev, fresh.f.nev);
	for (size_t i = 0; i < fresh.f.nev; i++) {
		const struct feed_event *a = &fresh.f.ev[i], *b = &again.f.ev[i];

		ck_assert_str_eq(b->uid, a->uid);
		ck_assert_uint_eq(b->spec_len, a->spec_len);
		ck_assert_int_eq(memcmp(b->spec, a->spec, a->spec_len + 1), 0);
		ck_assert_uint_eq(b->hash, a->hash);
	}
	ck_assert_str_eq(again.text, fresh.text);
	ck_assert_str_eq(icalcomponent_get_summary(find_event(again.c,
	    "window-mixed-os-m-202612@" DOMAIN)), "Mixed: install window: OS N: Baseline "
	    "(unplanned) — restart required; OS M: " HOTPATCH_LINE);
	ck_assert_str_eq(icalcomponent_get_summary(find_event(again.c,
	    "window-mixed-os-p-202612@" DOMAIN)), "Mixed: OS P install window: " HOTPATCH_LINE);
	doc_close(&fresh);
	doc_close(&other);
	doc_close(&again);
}
END_TEST

/* Hand-worked above: the window of 12-13 is after the deadline of 12-09 18:00Z. */
START_TEST(late_install_says_late_in_the_summary)
{
	struct install in;
	struct doc d;
	icalcomponent *e;

	win_install(&cal_mnp, &rs_mnp, &rings_mnp[1], &os_mnp[0], ym_make(2026, 12), &in);
	ck_assert_int_eq(in.status, WS_LATE);
	ck_assert_int_eq(in.install_deadline, utc(2026, 12, 9, 18, 0));
	ck_assert_int_eq(in.window_start, utc(2026, 12, 13, 20, 0));
	doc_open_mnp(&d, "late");
	e = find_event(d.c, "window-late-os-m-202612@" DOMAIN);
	ck_assert_ptr_nonnull(e);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20261213T200000Z\r\n");
	ck_assert_str_eq(icalcomponent_get_summary(e),
	    "Late: OS M install window: " HOTPATCH_LINE " (late)");
	ck_assert(describes(e, "Status: late"));
	e = find_event(d.c, "deadline-late-os-m-202612@" DOMAIN);
	assert_line(e, ICAL_DTSTART_PROPERTY, "DTSTART:20261209T180000Z\r\n");
	ck_assert_str_eq(icalcomponent_get_summary(e),
	    "Late: OS M install deadline: " HOTPATCH_LINE " (late)");
	doc_close(&d);
}
END_TEST

/* ---- the calendar's own description and addresses (RFC 7986) ---- */

START_TEST(calendar_has_rfc7986_description)
{
	struct doc d;

	doc_open(&d, FEED_OS, "os-a", 0, 0);
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nDESCRIPTION:Windows hotpatch release days of "
	    "OS A\r\n"));
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nX-WR-CALDESC:Windows hotpatch release days of "
	    "OS A\r\n"));
	ck_assert_str_eq(icalproperty_get_description(icalcomponent_get_first_property(d.c,
	    ICAL_DESCRIPTION_PROPERTY)), "Windows hotpatch release days of OS A");
	/* Without an address, no URL or SOURCE. */
	ck_assert_ptr_null(strstr(d.text, "\r\nURL:"));
	ck_assert_ptr_null(strstr(d.text, "\r\nSOURCE"));
	doc_close(&d);
	doc_open(&d, FEED_ALL, NULL, 0, 0);
	ck_assert_ptr_nonnull(strstr(d.text, "\r\nDESCRIPTION:Windows hotpatch release days: "
	    "hotpatch\\, baseline"));	/* escaped; the rest is on a folded line */
	ck_assert_str_eq(icalproperty_get_description(icalcomponent_get_first_property(d.c,
	    ICAL_DESCRIPTION_PROPERTY)), "Windows hotpatch release days: hotpatch, baseline and "
	    "LCU months of every OS");
	doc_close(&d);
}
END_TEST

/* The text before the first "BEGIN:" line after the calendar's own, and after it. */
static size_t
props_end(const char *text)
{
	const char *p = strstr(text, "\r\nBEGIN:");

	ck_assert_ptr_nonnull(p);
	return (size_t)(p + 2 - text);
}

START_TEST(links_are_the_feeds_url_and_source_after_the_calendar_properties)
{
	const char *lines = "URL:https://cal.example.org/hp/\r\n"
	    "SOURCE;VALUE=URI:https://cal.example.org/hp/os/os-a.ics\r\n";
	struct doc d;
	char *linked, *want;
	size_t at;
	icalcomponent *c;

	doc_open(&d, FEED_OS, "os-a", 0, 0);
	at = props_end(d.text);
	ck_assert(strncmp(d.text + at, "BEGIN:VEVENT\r\n", 14) == 0);
	linked = feed_add_links(d.text, "https://cal.example.org/hp", "/os/os-a.ics");
	want = xasprintf("%.*s%s%s", (int)at, d.text, lines, d.text + at);
	ck_assert_str_eq(linked, want);
	c = parse(linked);
	ck_assert_str_eq(icalproperty_get_url(icalcomponent_get_first_property(c,
	    ICAL_URL_PROPERTY)), "https://cal.example.org/hp/");
	ck_assert_str_eq(icalproperty_get_source(icalcomponent_get_first_property(c,
	    ICAL_SOURCE_PROPERTY)), "https://cal.example.org/hp/os/os-a.ics");
	ck_assert_int_eq(count_components(c, ICAL_VEVENT_COMPONENT), (int)d.f.nev);
	icalcomponent_free(c);
	free(linked);
	free(want);
	doc_close(&d);

	/* A ring feed: before its VTIMEZONE. */
	doc_open(&d, FEED_RING, "berlin", 0, 0);
	linked = feed_add_links(d.text, "http://[::1]:8080", "/rings/berlin.ics");
	ck_assert_ptr_nonnull(strstr(linked, "X-WR-TIMEZONE:Europe/Berlin\r\n"
	    "URL:http://[::1]:8080/\r\nSOURCE;VALUE=URI:http://[::1]:8080/rings/berlin.ics\r\n"
	    "BEGIN:VTIMEZONE\r\n"));
	free(linked);
	doc_close(&d);
}
END_TEST

/* A long address is folded at 75 octets like any line, and reads back whole. */
START_TEST(long_link_lines_are_folded)
{
	char base[300], *linked, *source;
	struct doc d;
	icalcomponent *c;

	snprintf(base, sizeof(base), "https://%s.example.org/%s", "h2345678901234567890123456789"
	    "0123456789012345678901234567890", "p234567890123456789012345678901234567890"
	    "1234567890123456789012345678901234567890");
	doc_open(&d, FEED_ALL, NULL, 0, 0);
	linked = feed_add_links(d.text, base, "/calendar.ics");
	assert_wire_format(linked);
	c = parse(linked);
	source = xasprintf("%s/calendar.ics", base);
	ck_assert_str_eq(icalproperty_get_source(icalcomponent_get_first_property(c,
	    ICAL_SOURCE_PROPERTY)), source);
	free(source);
	icalcomponent_free(c);
	free(linked);
	doc_close(&d);
}
END_TEST

/* The links are the calendar's, not an event's: no event's hash, so no SEQUENCE, moves. */
START_TEST(links_leave_the_events_alone)
{
	struct doc d;
	char *linked;

	doc_open(&d, FEED_RING, "utc", 4, utc(2026, 10, 1, 0, 0));
	linked = feed_add_links(d.text, "http://cal.example.org", "/rings/utc.ics");
	ck_assert_str_eq(linked + props_end(linked) , d.text + props_end(d.text));
	free(linked);
	doc_close(&d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("feed");

	suite_add_tcase(s, tcase_of("feed", setup, teardown, TESTS(
	    hash64_is_fnv1a_64,
	    all_feed_has_one_allday_event_per_os_and_month_plus_oob,
	    allday_dtend_is_the_next_day_across_month_and_year_ends,
	    os_feed_has_only_that_os,
	    unknown_os_and_ring_give_the_cause,
	    calendar_properties_are_present_without_method,
	    berlin_ring_windows_are_local_times_with_the_iana_tzid,
	    vtimezone_resolves_the_events_to_the_right_instants,
	    valarm_only_when_the_ring_asks_for_a_reminder,
	    utc_ring_uses_z_times_and_no_vtimezone,
	    local_time_repeated_at_fall_back_is_written_in_utc,
	    no_window_gives_an_allday_note_on_the_offer_date,
	    every_feed_has_crlf_lines_of_at_most_75_octets,
	    long_utf8_description_folds_and_parses_back_whole,
	    calendar_has_rfc7986_description,
	    links_are_the_feeds_url_and_source_after_the_calendar_properties,
	    long_link_lines_are_folded,
	    links_leave_the_events_alone,
	    same_data_renders_byte_identical_output,
	    event_hash_ignores_sequence_and_dtstamp_and_is_unique,
	    unchanged_feed_stamps_without_writing,
	    override_bumps_sequence_of_that_month_only)));
	suite_add_tcase(s, tcase_of("state", setup_s, teardown, TESTS(
	    paused_ring_february_is_a_catch_up_with_a_restart,
	    paused_ring_january_is_one_skipped_note,
	    forced_install_inside_a_freeze_is_named,
	    automatic_oob_is_at_each_rings_offer,
	    catalog_oob_is_absent_from_ring_feeds)));
	suite_add_tcase(s, tcase_of("merge", setup_mnp, teardown, TESTS(
	    coinciding_windows_of_several_oses_are_one_event,
	    merged_event_keeps_the_smallest_os_ids_uid,
	    feeds_built_again_in_one_process_are_byte_identical,
	    late_install_says_late_in_the_summary)));
	return run_suite(s);
}
