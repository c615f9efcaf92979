/*
 * check_ics.c: iCalendar files -> blackout entries (blackout_ics.c), from
 * the fixtures in tests/ics/.  Expected instants are worked out by hand from
 * the EU DST rules (2026: CEST from 29 March 01:00Z to 25 October 01:00Z) and
 * written as UTC calendar values, converted with timegm, not with libical.
 *
 * A recurring event is one entry that keeps its rule; most cases here look
 * at what the engine makes of the entries over a horizon of 2025-11-20 ..
 * 2028-11-20 (flatten: each rule's occurrences, year by year, as recur.c
 * gives them), which is what an import gave before rules were kept.
 */
#include "tzcache.h"
#include "blackout_ics.h"
#include "recur.h"
#include "table.h"
#include "testutil.h"
#include "util.h"

#include <check.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The horizon the cases look at: 12 months back and 24 ahead of 2026-11-20. */
#define H_FROM	utc(2025, 11, 20, 0, 0)
#define H_TO	utc(2028, 11, 20, 0, 0)

/* Read a fixture from tests/ics/. */
static char *
fixture(const char *name, size_t *len)
{
	char *rel = xasprintf("tests/ics/%s", name), *path = srcpath(rel), *buf;
	FILE *f = fopen(path, "rb");
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	free(path);
	free(rel);
	*len = (size_t)n;
	return buf;
}

static void
free_all(struct blackout *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		blackout_free(&v[i]);
	free(v);
}

struct flat {
	struct blackout	*v;
	size_t		 n, cap;
};

/* Does b (an entry or an occurrence) overlap the horizon? */
static bool
in_horizon(const struct blackout *b)
{
	if (b->timed)
		return b->start <= H_TO && b->end > H_FROM;
	return ymd_days(b->from) <= H_TO / 86400 && ymd_days(b->to) >= H_FROM / 86400;
}

/* A blackout like of from..to or start..end, if always or in the horizon. */
static void
put(struct flat *f, const struct blackout *of, struct ymd from, struct ymd to, time_t start,
    time_t end, bool always)
{
	struct blackout b = { .name = xstrdup(of->name), .ring = xstrdup_null(of->ring),
	    .from = from, .to = to, .timed = of->timed, .start = start, .end = end };

	if (!always && !in_horizon(&b)) {
		blackout_free(&b);
		return;
	}
	grow(&f->v, f->n, &f->cap, sizeof(b));
	f->v[f->n++] = b;
}

static void
put_occ(const struct recur_occ *o, void *arg)
{
	put(arg, o->of, o->from, o->to, o->start, o->end, false);
}

/*
 * The entries as blackouts over the horizon: a rule's occurrences that
 * overlap it, an occurrence entry (rid) that overlaps it, any other entry
 * as it is.
 */
static struct blackout *
flatten(const struct blackout *e, size_t ne, size_t *n)
{
	struct flat f = { 0 };

	for (size_t i = 0; i < ne; i++) {
		if (e[i].rule != NULL)
			for (int y = 2025; y <= 2028; y++)
				recur_year(&e[i], y, put_occ, &f);
		else
			put(&f, &e[i], e[i].from, e[i].to, e[i].start, e[i].end, e[i].rid == NULL);
	}
	*n = f.n;
	return f.v;
}

/* The entries of text (len bytes) for ring, which must be accepted; *n of them. */
static struct blackout *
entries(const char *text, size_t len, const char *ring, size_t *n)
{
	struct blackout *v = NULL;
	char *cause = NULL;

	if (ics_import(text, len, ring, &v, n, &cause) != 0)
		ck_abort_msg("%s", cause);
	for (size_t i = 0; i < *n; i++) {
		ck_assert_pstr_eq(v[i].ring, ring);
		ck_assert_int_eq(v[i].id, 0);
		ck_assert(!v[i].runtime);
		ck_assert_ptr_nonnull(v[i].uid);
		ck_assert_ptr_null(v[i].import);
		ck_assert((v[i].rrule != NULL) == (v[i].rule != NULL));
	}
	return v;
}

/* Text (len bytes) that must be accepted, with want blackouts over the horizon for ring. */
static struct blackout *
accept_text(const char *text, size_t len, const char *ring, size_t want)
{
	size_t ne, n;
	struct blackout *e = entries(text, len, ring, &ne), *v = flatten(e, ne, &n);

	free_all(e, ne);
	ck_assert_uint_eq(n, want);
	return v;
}

/* A string that must be accepted for every ring, with want blackouts. */
#define accept_str(s, want)	accept_text((s), strlen(s), NULL, (want))

/* A fixture that must be accepted, with want blackouts for ring. */
static struct blackout *
accept_file(const char *name, const char *ring, size_t want)
{
	size_t len;
	char *text = fixture(name, &len);
	struct blackout *v = accept_text(text, len, ring, want);

	free(text);
	return v;
}

/* Text that must be refused with exactly this cause, and nothing returned. */
static void
refuse_text(const char *text, size_t len, const char *want)
{
	struct blackout *v = (struct blackout *)1;
	char *cause = NULL;
	size_t n = 99;

	ck_assert_int_eq(ics_import(text, len, NULL, &v, &n, &cause), -1);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, want);
	free(cause);
}

/* A string literal, NULs and all. */
#define refuse_lit(s, want)	refuse_text((s), sizeof(s) - 1, (want))

static void
refuse_file(const char *name, const char *want)
{
	size_t len;
	char *text = fixture(name, &len);

	refuse_text(text, len, want);
	free(text);
}

static void
assert_days(const struct blackout *b, const char *name, int y1, int m1, int d1, int y2,
    int m2, int d2)
{
	ck_assert_str_eq(b->name, name);
	ck_assert(!b->timed);
	ck_assert_int_eq(b->from.y, y1);
	ck_assert_int_eq(b->from.m, m1);
	ck_assert_int_eq(b->from.d, d1);
	ck_assert_int_eq(b->to.y, y2);
	ck_assert_int_eq(b->to.m, m2);
	ck_assert_int_eq(b->to.d, d2);
}

static void
assert_timed(const struct blackout *b, const char *name, time_t start, time_t end)
{
	ck_assert_str_eq(b->name, name);
	ck_assert(b->timed);
	ck_assert_int_eq(b->start, start);
	ck_assert_int_eq(b->end, end);
}

START_TEST(test_allday_events_end_the_day_before_their_exclusive_dtend)
{
	struct blackout *v = accept_file("allday.ics", NULL, 5);

	assert_days(&v[0], "Christmas Eve", 2026, 12, 24, 2026, 12, 24);
	assert_days(&v[1], "year-end freeze", 2026, 12, 21, 2027, 1, 3);
	assert_days(&v[2], "New Year (no DTEND)", 2027, 1, 1, 2027, 1, 1);
	/* 2026 is not a leap year: 28 Feb, 1 and 2 March. */
	assert_days(&v[3], "three days over the end of February", 2026, 2, 28, 2026, 3, 2);
	assert_days(&v[4], "May Day (DTEND = DTSTART)", 2026, 5, 1, 2026, 5, 1);
	free_all(v, 5);
}
END_TEST

START_TEST(test_ring_is_copied_into_every_blackout)
{
	struct blackout *v = accept_file("allday.ics", "ring1", 5);

	free_all(v, 5);
}
END_TEST

START_TEST(test_berlin_times_become_utc_across_both_dst_changes)
{
	struct blackout *v = accept_file("berlin.ics", NULL, 5);

	/* 22:00 CET (+1) -> 06:00 CEST (+2): 21:00Z .. 04:00Z, 7 elapsed hours. */
	assert_timed(&v[0], "night over the spring DST change", utc(2026, 3, 28, 21, 0),
	    utc(2026, 3, 29, 4, 0));
	ck_assert_int_eq(v[0].end - v[0].start, 7 * 3600);
	/* 22:00 CEST (+2) -> 06:00 CET (+1): 20:00Z .. 05:00Z, 9 elapsed hours. */
	assert_timed(&v[1], "night over the autumn DST change", utc(2026, 10, 24, 20, 0),
	    utc(2026, 10, 25, 5, 0));
	/* Weekly at 22:00 local: 20 and 27 March in CET, 3 April in CEST. */
	assert_timed(&v[2], "Friday change freeze", utc(2026, 3, 20, 21, 0),
	    utc(2026, 3, 20, 23, 0));
	assert_timed(&v[3], "Friday change freeze", utc(2026, 3, 27, 21, 0),
	    utc(2026, 3, 27, 23, 0));
	assert_timed(&v[4], "Friday change freeze", utc(2026, 4, 3, 20, 0),
	    utc(2026, 4, 3, 22, 0));
	/* from/to are the UTC days touched. */
	ck_assert_int_eq(v[0].from.d, 28);
	ck_assert_int_eq(v[0].to.d, 29);
	free_all(v, 5);
}
END_TEST

START_TEST(test_tzid_defined_by_the_files_own_vtimezone_is_used)
{
	struct blackout *v = accept_file("vtimezone.ics", NULL, 1);

	/* "W. Europe Standard Time" in July is +2. */
	assert_timed(&v[0], "summer release review", utc(2026, 7, 1, 10, 0),
	    utc(2026, 7, 1, 11, 30));
	free_all(v, 1);
}
END_TEST

START_TEST(test_floating_times_are_utc_and_missing_end_is_duration_or_one_hour)
{
	struct blackout *v = accept_file("floating.ics", NULL, 4);

	assert_timed(&v[0], "floating Christmas Eve party", utc(2026, 12, 24, 18, 0),
	    utc(2026, 12, 25, 2, 0));
	assert_timed(&v[1], "New Year in UTC", utc(2026, 12, 31, 23, 0), utc(2027, 1, 1, 1, 0));
	assert_days(&(struct blackout){ .name = v[1].name, .from = v[1].from, .to = v[1].to },
	    "New Year in UTC", 2026, 12, 31, 2027, 1, 1);
	assert_timed(&v[2], "no DTEND or DURATION", utc(2026, 6, 15, 8, 0),
	    utc(2026, 6, 15, 9, 0));
	assert_timed(&v[3], "ninety minutes", utc(2026, 6, 15, 12, 0), utc(2026, 6, 15, 13, 30));
	free_all(v, 4);
}
END_TEST

START_TEST(test_yearly_rrule_gives_one_blackout_per_year_inside_the_horizon)
{
	/* Horizon 2025-11-20 .. 2028-11-20: Christmas 2025, 2026, 2027 (not 2020-2024, 2028). */
	struct blackout *v = accept_file("rrule-yearly.ics", NULL, 3);

	assert_days(&v[0], "Christmas", 2025, 12, 24, 2025, 12, 26);
	assert_days(&v[1], "Christmas", 2026, 12, 24, 2026, 12, 26);
	assert_days(&v[2], "Christmas", 2027, 12, 24, 2027, 12, 26);
	free_all(v, 3);
}
END_TEST

START_TEST(test_exdate_and_recurrence_id_remove_or_move_occurrences)
{
	struct blackout *v = accept_file("rrule-exdate.ics", NULL, 4);

	/* EXDATE;VALUE=DATE:20261224 removes 2026. */
	assert_days(&v[0], "Christmas", 2025, 12, 24, 2025, 12, 26);
	assert_days(&v[1], "Christmas", 2027, 12, 24, 2027, 12, 26);
	/*
	 * Weekly Mondays 09:00 Berlin (08:00Z) x4: 5 Jan stays, 12 Jan is an
	 * EXDATE, 19 Jan is moved to Tuesday 20 Jan 14:00 (13:00Z), 26 Jan is
	 * cancelled.
	 */
	assert_timed(&v[2], "Monday freeze", utc(2026, 1, 5, 8, 0), utc(2026, 1, 5, 9, 0));
	assert_timed(&v[3], "Monday freeze (moved to Tuesday)", utc(2026, 1, 20, 13, 0),
	    utc(2026, 1, 20, 14, 0));
	free_all(v, 4);
}
END_TEST

START_TEST(test_summary_is_cleaned_trimmed_and_cut_to_200_bytes)
{
	char *long_name = xmalloc(400), *text;
	struct blackout *v;

	memset(long_name, 'x', 399);
	long_name[399] = '\0';
	/* \n and \t become spaces; BEL (^G) and DEL go; "ü" is 2 bytes. */
	text = xasprintf("BEGIN:VCALENDAR\nVERSION:2.0\n"
	    "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nSUMMARY:  a\\nb\tc\a\x7f d\\, ü  \nEND:VEVENT\n"
	    "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nSUMMARY:%s\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nSUMMARY:%.199sü\nEND:VEVENT\n"
	    "END:VCALENDAR\n", long_name, long_name);
	v = accept_str(text, 4);
	ck_assert_str_eq(v[0].name, "a b c d, ü");
	ck_assert_str_eq(v[1].name, "imported event");
	ck_assert_uint_eq(strlen(v[2].name), 200);
	/* 199 x and a 2-byte ü: the cut does not split the ü, it drops it. */
	ck_assert_uint_eq(strlen(v[3].name), 199);
	ck_assert(utf8_valid(v[3].name, 199));
	free_all(v, 4);
	free(text);
	free(long_name);
}
END_TEST

START_TEST(test_cancelled_events_are_left_out)
{
	const char *text = "BEGIN:VCALENDAR\nVERSION:2.0\n"
	    "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nSTATUS:CANCELLED\nSUMMARY:off\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nSTATUS:CONFIRMED\nSUMMARY:on\nEND:VEVENT\n"
	    "END:VCALENDAR\n";
	struct blackout *v;

	v = accept_str(text, 1);
	ck_assert_str_eq(v[0].name, "on");
	free_all(v, 1);
}
END_TEST

START_TEST(test_rdates_add_occurrences_to_dtstart_less_exdates)
{
	const char *text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nSUMMARY:r\n"
	    "DTSTART:20260601T080000Z\nDURATION:PT2H\n"
	    "RDATE:20260701T080000Z,20260801T080000Z\nEXDATE:20260701T080000Z\n"
	    "END:VEVENT\nEND:VCALENDAR\n";
	struct blackout *v;

	v = accept_str(text, 2);
	assert_timed(&v[0], "r", utc(2026, 6, 1, 8, 0), utc(2026, 6, 1, 10, 0));
	assert_timed(&v[1], "r", utc(2026, 8, 1, 8, 0), utc(2026, 8, 1, 10, 0));
	free_all(v, 2);
}
END_TEST

START_TEST(test_garbage_is_not_an_icalendar)
{
	refuse_file("garbage.ics", "not an iCalendar file (no BEGIN:VCALENDAR)");
	refuse_lit("", "not an iCalendar file (no BEGIN:VCALENDAR)");
	refuse_lit("BEGIN:VEVENT\nDTSTART:20260101T000000Z\nEND:VEVENT\n",
	    "not an iCalendar file (no BEGIN:VCALENDAR)");
}
END_TEST

START_TEST(test_missing_end_vcalendar_is_incomplete)
{
	refuse_file("no-end.ics", "incomplete iCalendar file: no END:VCALENDAR");
	refuse_lit("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260101T000000Z\nEND:VCALENDAR\n",
	    "malformed iCalendar file: a BEGIN: line has no matching END: line");
}
END_TEST

START_TEST(test_bad_dtstart_value_reports_the_first_libical_error)
{
	refuse_file("bad-dtstart.ics", "bad iCalendar data: Can't parse as DATE-TIME value in "
	    "DTSTART property. Removing entire property: 2026BAD");
}
END_TEST

START_TEST(test_dtend_before_dtstart_is_refused)
{
	refuse_file("dtend-before.ics", "event 'Backwards': DTEND is before DTSTART");
	refuse_lit("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\n"
	    "DTEND;VALUE=DATE:20261223\nSUMMARY:back\nEND:VEVENT\nEND:VCALENDAR\n",
	    "event 'back': DTEND is before DTSTART");
}
END_TEST

START_TEST(test_calendar_without_vevent_is_refused)
{
	refuse_file("no-vevent.ics", "no events (VEVENT) in the calendar");
}
END_TEST

START_TEST(test_vevent_without_dtstart_is_refused)
{
	refuse_file("no-dtstart.ics", "event 'No start' has no DTSTART");
}
END_TEST

START_TEST(test_unknown_tzid_is_refused)
{
	refuse_file("unknown-tz.ics", "event 'Mars': unknown time zone 'Mars/Olympus_Mons'");
}
END_TEST

/* A calendar of n all-day events (rules: every k-th is FREQ=WEEKLY), distinct UIDs. */
static char *
many_events(int n, int k)
{
	size_t cap = (size_t)n * 100 + 100, len;
	char *s = xmalloc(cap);

	len = (size_t)snprintf(s, cap, "BEGIN:VCALENDAR\nVERSION:2.0\n");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "BEGIN:VEVENT\nUID:%d@t\n"
		    "DTSTART;VALUE=DATE:20270101\nSUMMARY:e%d\n%sEND:VEVENT\n", i, i,
		    k > 0 && i % k == 0 ? "RRULE:FREQ=WEEKLY\n" : "");
	snprintf(s + len, cap - len, "END:VCALENDAR\n");
	return s;
}

START_TEST(test_a_daily_rule_is_one_entry_and_entries_and_rules_are_bounded)
{
	size_t len, n;
	char *text = fixture("too-many.ics", &len);
	struct blackout *v = entries(text, len, NULL, &n);

	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].rrule, "FREQ=DAILY");
	free_all(v, n);
	/* Every day of 2026 and 2027, and 2028-01-01 .. 11-20 (a leap year: 325 days). */
	free_all(accept_text(text, len, NULL, 365 + 365 + 325), 365 + 365 + 325);
	free(text);
	/* 10,000 entries are taken, one more is not; 500 rules are taken, 501 not. */
	text = many_events(ICS_MAX_ENTRIES, 0);
	v = entries(text, strlen(text), NULL, &n);
	free_all(v, n);
	free(text);
	text = many_events(ICS_MAX_ENTRIES + 1, 0);
	refuse_text(text, strlen(text), "more than 10000 entries (events, and the occurrences "
	    "they move or add); split the file");
	free(text);
	text = many_events(ICS_MAX_RULES, 1);
	v = entries(text, strlen(text), NULL, &n);
	ck_assert_uint_eq(n, ICS_MAX_RULES);
	free_all(v, n);
	free(text);
	text = many_events(ICS_MAX_RULES + 1, 1);
	refuse_text(text, strlen(text), "more than 500 recurring events; split the file");
	free(text);
}
END_TEST

START_TEST(test_other_doubtful_events_are_refused)
{
	const char *head = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nSUMMARY:e\n";
	const char *tail = "END:VEVENT\nEND:VCALENDAR\n";
	static const struct {
		const char	*body, *cause;
	} cases[] = {
		{ "DTSTART;VALUE=DATE:20261224\nDTEND:20261225T000000Z\n",
		  "event 'e': DTSTART and DTEND must both be dates or both date-times" },
		{ "DTSTART:20261224T100000Z\nDTEND:20261224T100000Z\n",
		  "event 'e': DTEND is the same as DTSTART (zero length)" },
		{ "DTSTART:20261224T100000Z\nDURATION:-PT1H\n", "event 'e': negative DURATION" },
		{ "DTSTART:20261224T100000Z\nDURATION:PT0S\n", "event 'e': DURATION is zero" },
		{ "DTSTART;VALUE=DATE:19601224\n",
		  "event 'e': only the years 1970 to 2500 are supported, not 1960" },
		{ "DTSTART:20261224T100000Z\nRRULE:FREQ=YEARLY\nRRULE:FREQ=MONTHLY\n",
		  "event 'e' has more than one RRULE" },
		{ "DTSTART:17000101T000000Z\nRRULE:FREQ=DAILY\n",
		  "event 'e': only the years 1970 to 2500 are supported, not 1700" },
		{ "DTSTART:20270101T000000Z\nRRULE:FREQ=HOURLY\n",
		  "event 'e': RRULE FREQ=HOURLY: FREQ=HOURLY is not taken; a blackout repeats "
		  "DAILY, WEEKLY, MONTHLY or YEARLY" },
		{ "DTSTART:20270101T000000Z\nRRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1\n",
		  "event 'e': RRULE FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1: BYSETPOS is not taken "
		  "(only FREQ, INTERVAL, COUNT or UNTIL, BYDAY, BYMONTHDAY, BYMONTH and WKST are)" },
		{ "DTSTART:20270101T000000Z\nRRULE:FREQ=DAILY;BYHOUR=8,20\n",
		  "event 'e': RRULE FREQ=DAILY;BYHOUR=8,20: BYHOUR is not taken (only FREQ, "
		  "INTERVAL, COUNT or UNTIL, BYDAY, BYMONTHDAY, BYMONTH and WKST are)" },
		{ "DTSTART:20270101T000000Z\nRRULE:FREQ=WEEKLY;BYDAY=2TU\n",
		  "event 'e': RRULE FREQ=WEEKLY;BYDAY=2TU: a BYDAY with a position (such as 2TU) "
		  "is taken only with FREQ=MONTHLY or FREQ=YEARLY" },
		{ "DTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:20280201\nRRULE:FREQ=YEARLY\n",
		  "event 'e': RRULE FREQ=YEARLY: one occurrence lasts 396 days; a repeating "
		  "blackout lasts 1 to 366 days" },
		{ "DTSTART;VALUE=DATE:20270101\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\n",
		  "event 'e': RRULE FREQ=YEARLY;BYMONTHDAY=30;BYMONTH=2: libical cannot expand the "
		  "rule (does it name a day that never comes?)" },
		/* 29 February from 2027 to 2126: 2028 .. 2124 every 4 years, not 2100: 24. */
		{ "DTSTART;VALUE=DATE:20270101\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=30\n",
		  "event 'e': RRULE FREQ=YEARLY;COUNT=30;BYMONTHDAY=29;BYMONTH=2: its COUNT=30 is "
		  "not reached within 100 years of its first occurrence (24 occurrences)" },
		{ "UID:u\nDTSTART;VALUE=DATE:20270101\nEND:VEVENT\nBEGIN:VEVENT\nUID:u\nSUMMARY:f\n"
		  "DTSTART;VALUE=DATE:20270102\n", "event 'f': two events have UID 'u'" },
	};
	char *text;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		text = xasprintf("%s%s%s", head, cases[i].body, tail);
		refuse_text(text, strlen(text), cases[i].cause);
		free(text);
	}
	refuse_lit("BEGIN:VCALENDAR\n\xff\xfe\nEND:VCALENDAR\n",
	    "not an iCalendar file (it is not UTF-8 text)");
	refuse_lit("BEGIN:VCALENDAR\n\0\nEND:VCALENDAR\n",
	    "not an iCalendar file (it has a NUL byte)");
}
END_TEST

START_TEST(test_text_need_not_be_nul_terminated)
{
	size_t len;
	char *text = fixture("allday.ics", &len), *copy = xmalloc(len);

	memcpy(copy, text, len);	/* no NUL after it: ASan would see a read past */
	free_all(accept_text(copy, len, NULL, 5), 5);
	free(copy);
	free(text);
}
END_TEST

START_TEST(test_f2_zone_expanding_every_second_is_refused_before_libical_expands_it)
{
	/*
	 * Issue 12 F2: libical would expand this zone second by second from 1601
	 * on the first time converted in it, without end (the test's timeout).
	 */
	refuse_file("f2-secondly-zone.ics", "time zone 'Bomb': STANDARD has RRULE "
	    "FREQ=SECONDLY; a VTIMEZONE rule must be FREQ=YEARLY");
}
END_TEST

/* A calendar with one zone part "KIND ... END:KIND" named Z and one event in it. */
static char *
zone_file(const char *parts)
{
	return xasprintf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTIMEZONE\nTZID:Z\n%s"
	    "END:VTIMEZONE\nBEGIN:VEVENT\nSUMMARY:e\nDTSTART;TZID=Z:20261224T180000\n"
	    "END:VEVENT\nEND:VCALENDAR\n", parts);
}

static char *
zone_part(const char *kind, const char *start, const char *rule)
{
	return xasprintf("BEGIN:%s\nDTSTART:%s\nRRULE:%s\nTZOFFSETFROM:+0100\n"
	    "TZOFFSETTO:+0200\nEND:%s\n", kind, start, rule, kind);
}

START_TEST(test_zone_rules_are_yearly_at_dtstart_time_and_bounded)
{
	static const struct {
		const char	*start, *rule, *cause;
	} cases[] = {
		{ "19700101T000000", "FREQ=DAILY", "time zone 'Z': DAYLIGHT has RRULE "
		  "FREQ=DAILY; a VTIMEZONE rule must be FREQ=YEARLY" },
		{ "19700101T000000", "FREQ=YEARLY;BYHOUR=1,2", "time zone 'Z': DAYLIGHT has "
		  "BYHOUR, BYMINUTE or BYSECOND in its RRULE; a VTIMEZONE rule changes at "
		  "the time of its DTSTART" },
		/* 366 a year from 1601 to 2506: over 10000. */
		{ "16010101T000000", "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;"
		  "BYDAY=MO,TU,WE,TH,FR,SA,SU", "time zone 'Z': DAYLIGHT from 1601-01-01 has "
		  "too many transitions (the file's VTIMEZONEs expand to more than 10000 up "
		  "to 2506)" },
		{ "19700101T000000", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
		  "time zone 'Z': cannot expand the RRULE of DAYLIGHT" },
	};
	char *part, *text, *parts = NULL;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		part = zone_part("DAYLIGHT", cases[i].start, cases[i].rule);
		text = zone_file(part);
		refuse_text(text, strlen(text), cases[i].cause);
		free(text);
		free(part);
	}
	/* 16 yearly rules are taken (8592 transitions), a 17th is not. */
	for (int i = 0; i < ICS_MAX_TZ_RULES + 1; i++) {
		part = zone_part(i % 2 ? "DAYLIGHT" : "STANDARD", "19700101T000000",
		    i % 2 ? "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" : "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
		strappend(&parts, "%s", part);
		free(part);
		if (i == ICS_MAX_TZ_RULES - 1) {
			text = zone_file(parts);
			free_all(accept_str(text, 1), 1);
			free(text);
		}
	}
	text = zone_file(parts);
	refuse_text(text, strlen(text), "time zone 'Z': more than 16 RRULEs in the file's "
	    "VTIMEZONEs");
	free(text);
	free(parts);
}
END_TEST

START_TEST(test_a_file_zone_converts_right_up_to_the_last_year)
{
	/* Expanded once to 2501: 2499-07-01 10:00 CEST is 08:00Z, 2026-12-24 18:00 CET 17:00Z. */
	const char *text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTIMEZONE\nTZID:Old\n"
	    "BEGIN:STANDARD\nDTSTART:16011028T030000\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\n"
	    "TZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nEND:STANDARD\n"
	    "BEGIN:DAYLIGHT\nDTSTART:16010325T020000\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\n"
	    "TZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
	    "BEGIN:VEVENT\nSUMMARY:far\nDTSTART;TZID=Old:24990701T100000\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nSUMMARY:near\nDTSTART;TZID=Old:20261224T180000\nEND:VEVENT\n"
	    "END:VCALENDAR\n";
	struct blackout *v;

	v = accept_str(text, 2);
	assert_timed(&v[0], "far", utc(2499, 7, 1, 8, 0), utc(2499, 7, 1, 9, 0));
	assert_timed(&v[1], "near", utc(2026, 12, 24, 17, 0), utc(2026, 12, 24, 18, 0));
	free_all(v, 2);
}
END_TEST

START_TEST(test_count_and_until_stay_in_the_rule)
{
	size_t len, n, nv;
	char *text = fixture("count-cut.ics", &len);
	struct blackout *e = entries(text, len, NULL, &n), *v;

	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(e[0].rrule, "FREQ=YEARLY;COUNT=3");
	ck_assert_str_eq(e[1].rrule, "FREQ=MONTHLY;UNTIL=20300101T000000Z");
	/* Over the horizon: audits 2027-11-01 and 2028-11-01, the monthly freeze from
	 * August to November 2028, the two weeks of the short run. */
	v = flatten(e, n, &nv);
	ck_assert_uint_eq(nv, 8);
	assert_days(&v[0], "Yearly audit", 2027, 11, 1, 2027, 11, 1);
	assert_days(&v[1], "Yearly audit", 2028, 11, 1, 2028, 11, 1);
	assert_timed(&v[5], "Monthly freeze", utc(2028, 11, 1, 22, 0), utc(2028, 11, 1, 23, 0));
	free_all(v, nv);
	/* Past it: the third audit in 2029, none in 2030; twelve freezes in 2029, none in
	 * 2030 (the UNTIL is 2030-01-01 00:00Z, before its 22:00). */
	ck_assert_uint_eq(recur_year(&e[0], 2029, NULL, NULL), 1);
	ck_assert_uint_eq(recur_year(&e[0], 2030, NULL, NULL), 0);
	ck_assert_uint_eq(recur_year(&e[1], 2029, NULL, NULL), 12);
	ck_assert_uint_eq(recur_year(&e[1], 2030, NULL, NULL), 0);
	free_all(e, n);
	free(text);
}
END_TEST

START_TEST(test_each_entry_has_its_key_and_a_rule_its_exceptions)
{
	size_t len, n;
	char *text = fixture("rrule-exdate.ics", &len);
	struct blackout *v = entries(text, len, "ring1", &n);

	/* Christmas (a rule), Monday freeze (a rule), its moved occurrence; the cancelled
	 * one is no entry, only an exception. */
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0].uid, "xmas@test");
	ck_assert_ptr_null(v[0].rid);
	ck_assert_uint_eq(v[0].nexcept, 1);
	ck_assert_str_eq(v[0].except[0], "2026-12-24");
	ck_assert_str_eq(v[1].uid, "standup@test");
	ck_assert_str_eq(v[1].rrule, "FREQ=WEEKLY;COUNT=4");
	ck_assert_str_eq(v[1].tzid, "Europe/Berlin");
	ck_assert_ptr_null(v[1].tzdef);		/* a built-in zone */
	/* 09:00 Berlin in January is 08:00Z: the EXDATE, then the two replaced ones. */
	ck_assert_uint_eq(v[1].nexcept, 3);
	ck_assert_str_eq(v[1].except[0], "2026-01-12T08:00:00Z");
	ck_assert_str_eq(v[1].except[1], "2026-01-19T08:00:00Z");
	ck_assert_str_eq(v[1].except[2], "2026-01-26T08:00:00Z");
	ck_assert_str_eq(v[2].uid, "standup@test");
	ck_assert_str_eq(v[2].rid, "2026-01-19T08:00:00Z");
	ck_assert_ptr_null(v[2].rrule);
	free_all(v, n);
	free(text);
	/* Without a UID: DTSTART and the name, numbered when they repeat. */
	text = xstrdup("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nSUMMARY:a\n"
	    "END:VEVENT\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nSUMMARY:a\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nDTSTART:20270101T100000Z\nSUMMARY:a\nEND:VEVENT\nEND:VCALENDAR\n");
	v = entries(text, strlen(text), NULL, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0].uid, "(no UID) 2027-01-01 a");
	ck_assert_str_eq(v[1].uid, "(no UID) 2027-01-01 a #2");
	ck_assert_str_eq(v[2].uid, "(no UID) 2027-01-01T10:00:00Z a");
	free_all(v, n);
	free(text);
}
END_TEST

START_TEST(test_a_rule_in_a_zone_only_the_file_defines_keeps_that_zone)
{
	size_t len, n, nf;
	char *text = fixture("vtimezone.ics", &len), *rule;
	struct blackout *v, *flat;

	/* The review, weekly x20 from Wednesday 2026-07-01 12:00 "W. Europe Standard Time":
	 * +2 (10:00Z) until 25 October, then +1: the 20th, 11 November, is 11:00Z. */
	rule = xasprintf("%.*sRRULE:FREQ=WEEKLY;COUNT=20\r\n%s", (int)(strstr(text, "SUMMARY:") -
	    text), text, strstr(text, "SUMMARY:"));
	free(text);
	text = rule;
	v = entries(text, strlen(text), NULL, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].tzid, "W. Europe Standard Time");
	ck_assert_ptr_nonnull(v[0].tzdef);
	ck_assert_ptr_nonnull(strstr(v[0].tzdef, "BEGIN:VTIMEZONE"));
	flat = flatten(v, n, &nf);
	ck_assert_uint_eq(nf, 20);
	assert_timed(&flat[0], "summer release review", utc(2026, 7, 1, 10, 0),
	    utc(2026, 7, 1, 11, 30));
	assert_timed(&flat[19], "summer release review", utc(2026, 11, 11, 11, 0),
	    utc(2026, 11, 11, 12, 30));
	free_all(flat, nf);
	free_all(v, n);
	free(text);
}
END_TEST

START_TEST(test_blackout_names_without_control_characters)
{
	char long_name[202];

	memset(long_name, 'x', 201);
	long_name[201] = '\0';
	ck_assert_ptr_null(blackout_name_problem("year-end freeze ü"));
	ck_assert_str_eq(blackout_name_problem(""), "it is empty");
	ck_assert_str_eq(blackout_name_problem(long_name), "it is longer than 200 bytes");
	long_name[200] = '\0';
	ck_assert_ptr_null(blackout_name_problem(long_name));
	ck_assert_str_eq(blackout_name_problem("a\xff"), "it is not UTF-8 text");
	for (const char *const *p = (const char *const[]){ "a\tb", "a\rb", "a\nb", "\x1b[31m",
	    "a\x7f", "a\xc2\x85", NULL }; *p != NULL; p++)
		ck_assert_str_eq(blackout_name_problem(*p), "it has a tab or another control "
		    "character (they would break the one-line and column output)");
}
END_TEST

START_TEST(test_imported_names_pass_the_name_check)
{
	/* A SUMMARY's TAB, CR and LF become spaces, other controls go: the check passes. */
	const char *text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\n"
	    "DTSTART;VALUE=DATE:20261224\nSUMMARY:a\tb\\nc\x1b\xc2\x85 d\nEND:VEVENT\n"
	    "END:VCALENDAR\n";
	struct blackout *v;

	v = accept_str(text, 1);
	ck_assert_str_eq(v[0].name, "a b c d");
	ck_assert_ptr_null(blackout_name_problem(v[0].name));
	free_all(v, 1);
}
END_TEST

static Suite *
ics_suite(void)
{
	Suite *s = suite_create("ics");
	TCase *tc = tcase_create("ics");

	tcase_add_test(tc, test_allday_events_end_the_day_before_their_exclusive_dtend);
	tcase_add_test(tc, test_ring_is_copied_into_every_blackout);
	tcase_add_test(tc, test_berlin_times_become_utc_across_both_dst_changes);
	tcase_add_test(tc, test_tzid_defined_by_the_files_own_vtimezone_is_used);
	tcase_add_test(tc, test_floating_times_are_utc_and_missing_end_is_duration_or_one_hour);
	tcase_add_test(tc, test_yearly_rrule_gives_one_blackout_per_year_inside_the_horizon);
	tcase_add_test(tc, test_exdate_and_recurrence_id_remove_or_move_occurrences);
	tcase_add_test(tc, test_summary_is_cleaned_trimmed_and_cut_to_200_bytes);
	tcase_add_test(tc, test_cancelled_events_are_left_out);
	tcase_add_test(tc, test_rdates_add_occurrences_to_dtstart_less_exdates);
	tcase_add_test(tc, test_garbage_is_not_an_icalendar);
	tcase_add_test(tc, test_missing_end_vcalendar_is_incomplete);
	tcase_add_test(tc, test_bad_dtstart_value_reports_the_first_libical_error);
	tcase_add_test(tc, test_dtend_before_dtstart_is_refused);
	tcase_add_test(tc, test_calendar_without_vevent_is_refused);
	tcase_add_test(tc, test_vevent_without_dtstart_is_refused);
	tcase_add_test(tc, test_unknown_tzid_is_refused);
	tcase_add_test(tc, test_a_daily_rule_is_one_entry_and_entries_and_rules_are_bounded);
	tcase_add_test(tc, test_other_doubtful_events_are_refused);
	tcase_add_test(tc, test_text_need_not_be_nul_terminated);
	tcase_add_test(tc, test_f2_zone_expanding_every_second_is_refused_before_libical_expands_it);
	tcase_add_test(tc, test_zone_rules_are_yearly_at_dtstart_time_and_bounded);
	tcase_add_test(tc, test_a_file_zone_converts_right_up_to_the_last_year);
	tcase_add_test(tc, test_count_and_until_stay_in_the_rule);
	tcase_add_test(tc, test_each_entry_has_its_key_and_a_rule_its_exceptions);
	tcase_add_test(tc, test_a_rule_in_a_zone_only_the_file_defines_keeps_that_zone);
	tcase_add_test(tc, test_blackout_names_without_control_characters);
	tcase_add_test(tc, test_imported_names_pass_the_name_check);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int rc = run_suite(ics_suite());

	tz_free_all();
	icalmemory_free_ring();
	return rc;
}
