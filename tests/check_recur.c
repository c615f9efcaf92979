/*
 * check_recur: recurring blackouts (recur.c) and how the window engine
 * sees them, against dates worked out by hand from a calendar:
 *
 *   2027-01-01 is a Friday; so are 2027-03-05, 12, 19 and 26 (March's).
 *   Second Tuesdays of 2027 (the first of each month is a Fri, Mon, Mon,
 *   Thu, Sat, Tue, Thu, Sun, Wed, Fri, Mon, Wed): Jan 12, Feb 9, Mar 9,
 *   Apr 13, May 11, Jun 8, Jul 13, Aug 10, Sep 14, Oct 12, Nov 9, Dec 14.
 *   2027-12-20 .. 2028-01-02 is 12 December days and 2 January days: 14.
 *   Patch Tuesday: 2026-12-08, 2027-12-14, 2028-01-11; released 10:00 Los
 *   Angeles, 18:00Z in winter.  2028-01-04 is a Tuesday.
 *   Berlin: CET +1, CEST +2 from 2026-03-29 01:00Z to 2026-10-25 01:00Z.
 *   New York in winter: EST -5.
 */
#include "recur.h"
#include "tzcache.h"
#include "windows.h"
#include "testutil.h"
#include "util.h"

#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OCC	400

struct got {
	struct recur_occ	 v[MAX_OCC];
	size_t			 n;
};

static void
take(const struct recur_occ *o, void *arg)
{
	struct got *g = arg;

	ck_assert_uint_lt(g->n, MAX_OCC);
	g->v[g->n++] = *o;
}

/* A date blackout from..to repeating by rrule (and except, n of them), compiled. */
static struct blackout
rule(const char *rrule, const char *from, const char *to, const char *const *except, size_t n)
{
	struct blackout b = { .name = xstrdup("r"), .rrule = xstrdup(rrule) };
	char *why = NULL;

	ck_assert_int_eq(ymd_parse(from, &b.from), 0);
	ck_assert_int_eq(ymd_parse(to, &b.to), 0);
	b.except = xcalloc(n + 1, sizeof(*b.except));
	for (size_t i = 0; i < n; i++)
		b.except[b.nexcept++] = xstrdup(except[i]);
	b.rule = recur_compile(&b, &why);
	ck_assert_msg(b.rule != NULL, "%s", why);
	return b;
}

/* A timed one, start..end UTC, repeating in zone tz (NULL: UTC). */
static struct blackout
timed_rule(const char *rrule, time_t start, time_t end, const char *tz, const char *tzdef)
{
	struct blackout b = { .name = xstrdup("t"), .rrule = xstrdup(rrule), .timed = true,
	    .start = start, .end = end, .tzid = xstrdup_null(tz), .tzdef = xstrdup_null(tzdef) };
	char *why = NULL;

	b.rule = recur_compile(&b, &why);
	ck_assert_msg(b.rule != NULL, "%s", why);
	return b;
}

static void
year_of(const struct blackout *b, int y, struct got *g)
{
	g->n = 0;
	ck_assert_uint_eq(recur_year(b, y, take, g), g->n);
}

static void
assert_span(const struct recur_occ *o, const char *from, const char *to)
{
	char a[11], z[11];

	ck_assert_str_eq(ymd_format(o->from, a), from);
	ck_assert_str_eq(ymd_format(o->to, z), to);
	ck_assert_int_eq(o->from_day, ymd_days(o->from));
	ck_assert_int_eq(o->to_day, ymd_days(o->to));
}

START_TEST(a_yearly_freeze_over_the_year_end_2026_to_2028)
{
	/* every: year from 12-20 to 01-02, as the ring file stores it. */
	struct blackout b = rule("FREQ=YEARLY", "1970-12-20", "1971-01-02", NULL, 0);
	static const char *const want[][2] = {
		{ "2026-12-20", "2027-01-02" },
		{ "2027-12-20", "2028-01-02" },
		{ "2028-12-20", "2029-01-02" },
	};
	struct got g;

	ck_assert(recur_every_year(&b));
	for (int y = 2026; y <= 2028; y++) {
		year_of(&b, y, &g);
		ck_assert_uint_eq(g.n, 1);
		assert_span(&g.v[0], want[y - 2026][0], want[y - 2026][1]);
		ck_assert_int_eq(g.v[0].to_day - g.v[0].from_day + 1, 14);
		ck_assert_ptr_eq(g.v[0].of, &b);
	}
	blackout_free(&b);
}
END_TEST

START_TEST(weekly_fridays_of_march_less_an_exception)
{
	static const char *const ex[] = { "2027-03-12" };
	struct blackout b = rule("FREQ=WEEKLY;BYDAY=FR", "2027-01-01", "2027-01-01", ex, 1);
	static const char *const want[] = { "2027-03-05", "2027-03-19", "2027-03-26" };
	struct got g;
	size_t k = 0;

	year_of(&b, 2027, &g);
	/* 53 Fridays in 2027 (it starts and ends on one), less 12 March. */
	ck_assert_uint_eq(g.n, 52);
	for (size_t i = 0; i < g.n; i++) {
		char d[11];

		ymd_format(g.v[i].from, d);
		ck_assert_int_eq(ymd_weekday(g.v[i].from), 5);
		if (strncmp(d, "2027-03", 7) == 0) {
			ck_assert_uint_lt(k, 3);
			ck_assert_str_eq(d, want[k++]);
		}
	}
	ck_assert_uint_eq(k, 3);
	/* Nothing before its first occurrence. */
	year_of(&b, 2026, &g);
	ck_assert_uint_eq(g.n, 0);
	blackout_free(&b);
}
END_TEST

START_TEST(monthly_second_tuesday_of_2027)
{
	struct blackout b = rule("FREQ=MONTHLY;BYDAY=2TU", "2026-01-13", "2026-01-13", NULL, 0);
	static const int day[12] = { 12, 9, 9, 13, 11, 8, 13, 10, 14, 12, 9, 14 };
	struct got g;

	year_of(&b, 2027, &g);
	ck_assert_uint_eq(g.n, 12);
	for (int m = 0; m < 12; m++) {
		ck_assert_int_eq(g.v[m].from.y, 2027);
		ck_assert_int_eq(g.v[m].from.m, m + 1);
		ck_assert_int_eq(g.v[m].from.d, day[m]);
	}
	blackout_free(&b);
}
END_TEST

START_TEST(count_until_and_interval_end_or_space_the_occurrences)
{
	struct blackout c = rule("FREQ=WEEKLY;COUNT=3", "2027-12-24", "2027-12-25", NULL, 0);
	struct blackout u = rule("FREQ=MONTHLY;UNTIL=20270315", "2027-01-15", "2027-01-15",
	    NULL, 0);
	struct blackout i = rule("FREQ=YEARLY;INTERVAL=2", "1970-12-20", "1971-01-02", NULL, 0);
	struct got g;

	/* 24, 31 December 2027, then 7 January 2028: the third and last. */
	year_of(&c, 2027, &g);
	ck_assert_uint_eq(g.n, 2);
	assert_span(&g.v[1], "2027-12-31", "2028-01-01");
	year_of(&c, 2028, &g);
	ck_assert_uint_eq(g.n, 1);
	assert_span(&g.v[0], "2028-01-07", "2028-01-08");
	year_of(&c, 2029, &g);
	ck_assert_uint_eq(g.n, 0);
	/* 15 January, February, March 2027. */
	year_of(&u, 2027, &g);
	ck_assert_uint_eq(g.n, 3);
	year_of(&u, 2028, &g);
	ck_assert_uint_eq(g.n, 0);
	/* Every other year from 1970: even years. */
	year_of(&i, 2027, &g);
	ck_assert_uint_eq(g.n, 0);
	year_of(&i, 2028, &g);
	ck_assert_uint_eq(g.n, 1);
	ck_assert(!recur_every_year(&i));
	blackout_free(&c);
	blackout_free(&u);
	blackout_free(&i);
}
END_TEST

START_TEST(a_timed_rule_keeps_its_local_time_across_dst)
{
	/* Fridays 22:00-24:00 Berlin from 2026-03-20: 21:00Z in CET, 20:00Z from April. */
	struct blackout b = timed_rule("FREQ=WEEKLY;COUNT=3", utc(2026, 3, 20, 21, 0),
	    utc(2026, 3, 20, 23, 0), "Europe/Berlin", NULL);
	struct got g;

	year_of(&b, 2026, &g);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_int_eq(g.v[0].start, utc(2026, 3, 20, 21, 0));
	ck_assert_int_eq(g.v[1].start, utc(2026, 3, 27, 21, 0));
	ck_assert_int_eq(g.v[2].start, utc(2026, 4, 3, 20, 0));
	ck_assert_int_eq(g.v[2].end, utc(2026, 4, 3, 22, 0));
	blackout_free(&b);
}
END_TEST

START_TEST(a_timed_occurrence_belongs_to_its_utc_year)
{
	/*
	 * Daily 00:30 Berlin (23:30Z the day before) from local 2026-12-30: the
	 * local 30th, 31st and 1 January start in UTC 2026; 2 January's first in 2027.
	 */
	static const char *const ex[] = { "2027-01-03", "2027-01-05T23:30:00Z" };
	struct blackout b = timed_rule("FREQ=DAILY;COUNT=8", utc(2026, 12, 29, 23, 30),
	    utc(2026, 12, 30, 0, 30), "Europe/Berlin", NULL);
	struct got g;

	year_of(&b, 2026, &g);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_int_eq(g.v[2].start, utc(2026, 12, 31, 23, 30));
	assert_span(&g.v[2], "2026-12-31", "2027-01-01");
	year_of(&b, 2027, &g);
	ck_assert_uint_eq(g.n, 5);
	ck_assert_int_eq(g.v[0].start, utc(2027, 1, 1, 23, 30));
	blackout_free(&b);
	/* An exception by local day (3 January) and by instant (local 6 January). */
	b = (struct blackout){ .name = xstrdup("t"), .rrule = xstrdup("FREQ=DAILY;COUNT=8"),
	    .timed = true, .start = utc(2026, 12, 29, 23, 30), .end = utc(2026, 12, 30, 0, 30),
	    .tzid = xstrdup("Europe/Berlin") };
	b.except = xcalloc(2, sizeof(*b.except));
	b.except[0] = xstrdup(ex[0]);
	b.except[1] = xstrdup(ex[1]);
	b.nexcept = 2;
	b.rule = recur_compile(&b, &(char *){ NULL });
	ck_assert_ptr_nonnull(b.rule);
	year_of(&b, 2027, &g);
	ck_assert_uint_eq(g.n, 3);	/* local 2, 4, 5 January; not 3 or 6 */
	ck_assert_int_eq(g.v[1].start, utc(2027, 1, 3, 23, 30));
	blackout_free(&b);
}
END_TEST

START_TEST(a_zone_from_its_vtimezone_text)
{
	/* Weekly from Wednesday 2026-07-01 12:00 in "W. Europe": 10:00Z, 11:00Z from November. */
	const char *def = "BEGIN:VTIMEZONE\r\nTZID:W. Europe\r\nBEGIN:STANDARD\r\n"
	    "DTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
	    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n"
	    "DTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
	    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE";
	struct blackout b = timed_rule("FREQ=WEEKLY", utc(2026, 7, 1, 10, 0),
	    utc(2026, 7, 1, 11, 0), "W. Europe", def);
	struct got g;

	year_of(&b, 2026, &g);
	ck_assert_uint_eq(g.n, 27);	/* 1 July .. 30 December */
	ck_assert_int_eq(g.v[0].start, utc(2026, 7, 1, 10, 0));
	ck_assert_int_eq(g.v[26].start, utc(2026, 12, 30, 11, 0));
	blackout_free(&b);
}
END_TEST

START_TEST(rules_outside_the_subset_say_why)
{
	static const struct {
		const char	*rrule, *why;
	} cases[] = {
		{ "FREQ=HOURLY", "FREQ=HOURLY is not taken; a blackout repeats DAILY, WEEKLY, "
		  "MONTHLY or YEARLY" },
		{ "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=FR", "BYSETPOS is not taken (only FREQ, "
		  "INTERVAL, COUNT or UNTIL, BYDAY, BYMONTHDAY, BYMONTH and WKST are)" },
		{ "FREQ=YEARLY;BYYEARDAY=100", "BYYEARDAY is not taken (only FREQ, INTERVAL, "
		  "COUNT or UNTIL, BYDAY, BYMONTHDAY, BYMONTH and WKST are)" },
		{ "FREQ=YEARLY;BYWEEKNO=20", "BYWEEKNO is not taken (only FREQ, INTERVAL, "
		  "COUNT or UNTIL, BYDAY, BYMONTHDAY, BYMONTH and WKST are)" },
		{ "FREQ=DAILY;BYMINUTE=5", "BYMINUTE is not taken (only FREQ, INTERVAL, "
		  "COUNT or UNTIL, BYDAY, BYMONTHDAY, BYMONTH and WKST are)" },
		{ "FREQ=YEARLY;BYMONTH=13", "BYMONTH=13 is not a month (1..12)" },
		{ "FREQ=DAILY;BYDAY=1MO", "a BYDAY with a position (such as 2TU) is taken only "
		  "with FREQ=MONTHLY or FREQ=YEARLY" },
		{ "FREQ=WEEKLY;COUNT=2;UNTIL=20270101", "'FREQ=WEEKLY;COUNT=2;UNTIL=20270101' is "
		  "not an RRULE that libical reads (such as FREQ=WEEKLY;BYDAY=FR)" },
		{ "WEEKLY", "'WEEKLY' is not an RRULE that libical reads (such as "
		  "FREQ=WEEKLY;BYDAY=FR)" },
		{ "FREQ=WEEKLY;RSCALE=GREGORIAN", "RSCALE is not taken (only FREQ, INTERVAL, "
		  "COUNT or UNTIL, BYDAY, BYMONTHDAY, BYMONTH and WKST are)" },
	};
	char buf[192];

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *why = recur_problem(cases[i].rrule, false, buf, sizeof(buf));

		ck_assert_msg(why != NULL, "%s was taken", cases[i].rrule);
		ck_assert_str_eq(why, cases[i].why);
	}
	ck_assert_ptr_null(recur_problem("FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR;BYMONTH=3,6;WKST=SU",
	    false, buf, sizeof(buf)));
	ck_assert_ptr_null(recur_except_problem("2027-12-24", false));
	ck_assert_str_eq(recur_except_problem("2027-12-24T10:00:00Z", false),
	    "an exception is a day (YYYY-MM-DD)");
	ck_assert_ptr_null(recur_except_problem("2027-12-24T10:00:00Z", true));
	ck_assert_str_eq(recur_except_problem("2027-02-30", true), "an exception is a day "
	    "(YYYY-MM-DD) or a UTC instant (YYYY-MM-DDTHH:MM:SSZ)");
}
END_TEST

START_TEST(compile_refuses_long_occurrences_and_too_many_exceptions)
{
	struct blackout b = { .name = "x", .rrule = "FREQ=YEARLY", .from = { 2027, 1, 1 },
	    .to = { 2028, 1, 2 } };
	char *why = NULL, **ex = xcalloc(RECUR_MAX_EXCEPT + 1, sizeof(*ex));

	/* 2027-01-01 .. 2028-01-02 is 365 + 2 = 367 days. */
	ck_assert_ptr_null(recur_compile(&b, &why));
	ck_assert_str_eq(why, "one occurrence lasts 367 days; a repeating blackout lasts 1 to "
	    "366 days");
	free(why);
	b.to = (struct ymd){ 2028, 1, 1 };
	for (int i = 0; i <= RECUR_MAX_EXCEPT; i++)
		ex[i] = (char *)"2027-05-05";
	b.except = ex;
	b.nexcept = RECUR_MAX_EXCEPT + 1;
	ck_assert_ptr_null(recur_compile(&b, &why));
	ck_assert_str_eq(why, "1001 exceptions; a rule has at most 1000");
	free(why);
	b.nexcept = RECUR_MAX_EXCEPT;
	b.rule = recur_compile(&b, &why);
	ck_assert_ptr_nonnull(b.rule);
	recur_free(b.rule);
	free(ex);
}
END_TEST

/* ---- the window engine ---- */

static struct os_def oses[1] = {
	{ .id = "os-a", .name = "OS A", .arch = ARCH_X64,
	  .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10 },
};
static struct caldata cal = { .os = oses, .nos = 1 };

static struct ring
ring(const char *tz, struct mwindow *w, size_t nw)
{
	return (struct ring){ .id = "r", .name = "R", .timezone = (char *)tz,
	    .deferral_days = 7, .deadline_days = 7, .grace_days = 2,
	    .hotpatch = true, .arch = ARCH_X64, .vbs = true, .licensed = true,
	    .reminder_min = -1, .win = w, .nwin = nw };
}

START_TEST(a_yearly_freeze_moves_december_windows_every_year)
{
	/* Tuesdays and Thursdays 20:00 UTC, two hours. */
	struct mwindow w[] = { { WIN_WEEKLY, 1u << 2 | 1u << 4, 0, 20 * 60, 120 } };
	struct ring r = ring("UTC", w, 1);
	struct blackout bo = rule("FREQ=YEARLY", "1970-12-20", "1971-01-02", NULL, 0);
	struct ringset rs = { .ring = &r, .nring = 1, .bo = &bo, .nbo = 1 };
	struct install in;
	char buf[WIN_REASON_MAX];

	oses[0].hotpatch_start = ym_make(2024, 1);
	ringset_index(&rs);
	/* 2026: offered 12-15 18:00Z (Patch Tuesday 12-08 + 7), before the freeze. */
	win_install(&cal, &rs, &r, &oses[0], ym_make(2026, 12), &in);
	ck_assert_int_eq(in.window_start, utc(2026, 12, 15, 20, 0));
	ck_assert_ptr_null(in.blackout);
	/*
	 * 2027: offered 12-21 18:00Z, deadline 12-28 18:00Z; 21, 23, 28 and 30
	 * December are frozen, so Tuesday 2028-01-04 20:00Z, after the deadline.
	 */
	win_install(&cal, &rs, &r, &oses[0], ym_make(2027, 12), &in);
	ck_assert_int_eq(in.offered_at, utc(2027, 12, 21, 18, 0));
	ck_assert_int_eq(in.window_start, utc(2028, 1, 4, 20, 0));
	ck_assert_int_eq(in.status, WS_LATE);
	ck_assert_ptr_nonnull(in.blackout);
	ck_assert_ptr_eq(in.blackout->of, &bo);
	ck_assert_ptr_eq(in.forced_in, in.blackout);
	win_reason(&in, &r, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "freeze 'r' (2027-12-20..2028-01-02)") != NULL, "%s", buf);
	ringset_index_free(&rs);
	blackout_free(&bo);
}
END_TEST

START_TEST(a_freeze_is_whole_local_days_in_the_rings_zone)
{
	/* New York is -5 in winter: local midnight is 05:00Z. */
	struct ring r = ring("America/New_York", NULL, 0);
	struct blackout bo = rule("FREQ=YEARLY", "1970-12-20", "1971-01-02", NULL, 0);
	struct ringset rs = { .ring = &r, .nring = 1, .bo = &bo, .nbo = 1 };
	const struct blackout *f;

	ringset_index(&rs);
	ck_assert_ptr_null(win_freeze_at(&rs, &r, utc(2027, 12, 20, 4, 59)));
	ck_assert_ptr_nonnull(f = win_freeze_at(&rs, &r, utc(2027, 12, 20, 5, 0)));
	ck_assert_int_eq(f->from.y, 2027);
	/* 1 January 2028 is in the occurrence that starts in 2027. */
	ck_assert_ptr_eq(win_freeze_at(&rs, &r, utc(2028, 1, 1, 12, 0)), f);
	ck_assert_ptr_eq(win_freeze_at(&rs, &r, utc(2028, 1, 3, 4, 59)), f);
	ck_assert_ptr_null(win_freeze_at(&rs, &r, utc(2028, 1, 3, 5, 0)));
	/* Another ring's rule does not apply. */
	bo.ring = xstrdup("other");
	ringset_index(&rs);
	ck_assert_ptr_null(win_freeze_at(&rs, &r, utc(2027, 12, 25, 12, 0)));
	ringset_index_free(&rs);
	blackout_free(&bo);
}
END_TEST

static void
teardown(void)
{
	tz_free_all();
}

int
main(void)
{
	Suite *s = suite_create("recur");
	int rc;

	suite_add_tcase(s, tcase_of("recur", NULL, teardown, TESTS(
	    a_yearly_freeze_over_the_year_end_2026_to_2028,
	    weekly_fridays_of_march_less_an_exception,
	    monthly_second_tuesday_of_2027,
	    count_until_and_interval_end_or_space_the_occurrences,
	    a_timed_rule_keeps_its_local_time_across_dst,
	    a_timed_occurrence_belongs_to_its_utc_year,
	    a_zone_from_its_vtimezone_text,
	    rules_outside_the_subset_say_why,
	    compile_refuses_long_occurrences_and_too_many_exceptions,
	    a_yearly_freeze_moves_december_windows_every_year,
	    a_freeze_is_whole_local_days_in_the_rings_zone)));
	rc = run_suite(s);
	icalmemory_free_ring();
	return rc;
}
