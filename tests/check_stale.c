/*
 * check_stale: which past months have no published answer, and the sentence
 * that says so.  Every answer is worked out by hand in the comments from the
 * 2026 Patch Tuesdays: Jan 13, Feb 10, Mar 10, Apr 14, May 12, Jun 9, Jul 14,
 * Aug 11, Sep 8, Oct 13, Nov 10, Dec 8, released at 10:00 Los Angeles, which
 * is 17:00Z under daylight time (8 March to 1 November 2026) and 18:00Z
 * otherwise.
 */
#include "stale.h"
#include "testutil.h"
#include "util.h"
#include "views.h"

#include <string.h>

/* An OS from 2026-01 and the months published for it, set by each test. */
static struct release rel[12];
static struct os_def os = {
	.id = "os-a", .name = "OS A", .arch = ARCH_X64,
	.baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10, .rel = rel,
};
static struct override ovr = { .os = "os-a", .kind = KIND_BASELINE, .reason = "zero-day",
	.who = "test" };
static struct caldata cal = { .os = &os, .nos = 1, .ovr = &ovr, .novr = 1 };

/* Publish these months of 2026 (ascending, 0-terminated), nothing else; start 2026-01. */
static void
publish(const int *months)
{
	os.hotpatch_start = ym_make(2026, 1);
	os.nrel = 0;
	for (; *months != 0; months++)
		rel[os.nrel++] = (struct release){ .month = ym_make(2026, *months),
		    .kind = KIND_HOTPATCH };
	ovr.month = ym_make(2026, 6);
}

/* stale_of at now gives exactly want (0-terminated, months of year y) and current_to. */
static void
check(time_t now, int y, const int *want, ym_t current_to)
{
	struct stale st;
	size_t n = 0;
	char a[8], b[8];

	for (const int *w = want; *w != 0; w++)
		n++;
	ck_assert(stale_of(&cal, &os, now, &st) == (n > 0));
	ck_assert_msg(st.n == n, "%zu months stale, want %zu", st.n, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(st.month[i] == ym_make(y, want[i]), "month %zu: %s, want %s", i,
		    ym_format(st.month[i], a), ym_format(ym_make(y, want[i]), b));
	ck_assert_msg(st.current_to == current_to, "current to %s, want %s",
	    ym_format(st.current_to, a), ym_format(current_to, b));
}

#define MONTHS(...)	((const int[]){ __VA_ARGS__, 0 })
#define NONE		((const int[]){ 0 })

START_TEST(fully_published_is_current_to_the_last_release)
{
	/* 2026-05-01: April (14th) is the last release; 01..04 are all published. */
	publish(MONTHS(1, 2, 3, 4));
	check(utc(2026, 5, 1, 0, 0), 2026, NONE, ym_make(2026, 4));
}
END_TEST

START_TEST(the_release_instant_itself_makes_the_month_past)
{
	/* May's release is 2026-05-12 17:00Z (daylight time): a second before, April is last. */
	publish(MONTHS(1, 2, 3, 4));
	check(utc(2026, 5, 12, 17, 0) - 1, 2026, NONE, ym_make(2026, 4));
	/* At 17:00:00 it is out and May has no answer: stale, current to April. */
	check(utc(2026, 5, 12, 17, 0), 2026, MONTHS(5), ym_make(2026, 4));
	/* November's is 2026-11-10 18:00Z (standard time again): 17:00Z is still before it. */
	publish(MONTHS(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
	check(utc(2026, 11, 10, 17, 0), 2026, NONE, ym_make(2026, 10));
	check(utc(2026, 11, 10, 18, 0), 2026, MONTHS(11), ym_make(2026, 10));
}
END_TEST

START_TEST(a_gap_in_the_middle_is_stale_and_stops_current_to)
{
	/* 2026-05-20: 01..05 are past; 03 has no answer, so current to 02 though 04 and 05 are known. */
	publish(MONTHS(1, 2, 4, 5));
	check(utc(2026, 5, 20, 0, 0), 2026, MONTHS(3), ym_make(2026, 2));
}
END_TEST

START_TEST(a_run_of_months_counts_an_override_as_unpublished)
{
	/*
	 * 01..04 published, 06 overridden (a deliberate kind, not Microsoft's
	 * answer); at 2026-11-10 18:00Z 05..11 are past: seven months, current to 04.
	 */
	publish(MONTHS(1, 2, 3, 4));
	check(utc(2026, 11, 10, 18, 0), 2026, MONTHS(5, 6, 7, 8, 9, 10, 11), ym_make(2026, 4));
	/* A second earlier November is not out: six months. */
	check(utc(2026, 11, 10, 18, 0) - 1, 2026, MONTHS(5, 6, 7, 8, 9, 10), ym_make(2026, 4));
}
END_TEST

START_TEST(nothing_before_hotpatch_start_is_stale)
{
	/* Start 2026-09, nothing published; on 2026-06-20 June (9th) is the last release. */
	publish(NONE);
	os.hotpatch_start = ym_make(2026, 9);
	check(utc(2026, 6, 20, 0, 0), 2026, NONE, ym_make(2026, 6));
	/* At October's release (13th, 17:00Z): 09 and 10 are past, current to the month before start. */
	check(utc(2026, 10, 13, 17, 0), 2026, MONTHS(9, 10), ym_make(2026, 8));
}
END_TEST

START_TEST(history_before_the_first_published_month_is_not_stale)
{
	/* Start 2025-01 but the record begins 2026-01: 2025 is not counted. */
	publish(MONTHS(1, 2, 3, 4));
	os.hotpatch_start = ym_make(2025, 1);
	check(utc(2026, 5, 1, 0, 0), 2026, NONE, ym_make(2026, 4));
}
END_TEST

/*
 * An OS that never gets hotpatch takes the LCU every month whatever
 * Microsoft publishes, so nothing it lacks is news: never stale, current to
 * the last release.  On 2026-11-20 that is November (10th).
 */
START_TEST(an_os_that_never_gets_hotpatch_is_never_stale)
{
	struct stale st;

	publish(NONE);
	os.never_hotpatch = true;
	os.hotpatch_start = 0;
	ck_assert(!stale_of(&cal, &os, utc(2026, 11, 20, 0, 0), &st));
	ck_assert_uint_eq(st.n, 0);
	ck_assert_int_eq(st.current_to, ym_make(2026, 11));
	os.never_hotpatch = false;
	/* The same OS on the calendar from 2026-01 is stale for all eleven months. */
	publish(NONE);
	check(utc(2026, 11, 20, 0, 0), 2026, MONTHS(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11),
	    ym_make(2025, 12));
}
END_TEST

START_TEST(staleness_looks_back_five_years_at_most)
{
	/*
	 * Start 2000-01, nothing published, 2026-12-20 (after the 8th): the
	 * 61 months 2021-12..2026-12 are listed, current to 2021-11.
	 */
	struct stale st;

	publish(NONE);
	os.hotpatch_start = ym_make(2000, 1);
	ck_assert(stale_of(&cal, &os, utc(2026, 12, 20, 0, 0), &st));
	ck_assert_int_eq(st.n, 61);
	ck_assert_int_eq(st.month[0], ym_make(2021, 12));
	ck_assert_int_eq(st.month[60], ym_make(2026, 12));
	ck_assert_int_eq(st.current_to, ym_make(2021, 11));
}
END_TEST

START_TEST(epoch_changes_at_the_month_and_at_its_release)
{
	time_t may = utc(2026, 5, 12, 17, 0);

	ck_assert_int_eq(stale_epoch(utc(2026, 5, 1, 0, 0)), stale_epoch(may - 1));
	ck_assert_int_ne(stale_epoch(may - 1), stale_epoch(may));
	ck_assert_int_eq(stale_epoch(may), stale_epoch(utc(2026, 5, 31, 23, 59)));
	ck_assert_int_ne(stale_epoch(utc(2026, 5, 31, 23, 59)), stale_epoch(utc(2026, 6, 1, 0, 0)));
}
END_TEST

/* view_stale_line of these months (NULL-terminated) and current_to. */
static void
check_line(const char *const *months, const char *current_to, const char *want)
{
	json_t *st = json_pack("{s:s,s:[],s:s}", "os", "os-a", "unpublished", "current_to",
	    current_to);
	char *got;

	for (; *months != NULL; months++)
		json_array_append_new(json_object_get(st, "unpublished"), json_string(*months));
	got = view_stale_line(st);
	ck_assert_str_eq(got, want);
	free(got);
	json_decref(st);
}

#define YMS(...)	((const char *const[]){ __VA_ARGS__, NULL })

START_TEST(the_sentence_collapses_runs_of_three_or_more)
{
	check_line(YMS("2026-10"), "2026-09",
	    "os-a: 2026-10 is past and unpublished; the calendar is current to 2026-09");
	check_line(YMS("2026-10", "2026-11"), "2026-09",
	    "os-a: 2026-10 and 2026-11 are past and unpublished; the calendar is current to 2026-09");
	check_line(YMS("2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08",
	    "2026-09", "2026-10", "2026-11"), "2026-02",
	    "os-a: 2026-03..2026-11 (9 months) are past and unpublished; "
	    "the calendar is current to 2026-02");
	/* A year boundary is a run too; two in a row are named, not collapsed. */
	check_line(YMS("2025-04", "2026-07", "2026-08", "2026-11", "2026-12", "2027-01"),
	    "2025-03",
	    "os-a: 2025-04, 2026-07, 2026-08 and 2026-11..2027-01 (3 months) are past and "
	    "unpublished; the calendar is current to 2025-03");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("stale");

	suite_add_tcase(s, tcase_of("months", NULL, NULL, TESTS(
	    fully_published_is_current_to_the_last_release,
	    the_release_instant_itself_makes_the_month_past,
	    a_gap_in_the_middle_is_stale_and_stops_current_to,
	    a_run_of_months_counts_an_override_as_unpublished,
	    nothing_before_hotpatch_start_is_stale,
	    history_before_the_first_published_month_is_not_stale,
	    an_os_that_never_gets_hotpatch_is_never_stale,
	    staleness_looks_back_five_years_at_most,
	    epoch_changes_at_the_month_and_at_its_release)));
	suite_add_tcase(s, tcase_of("words", NULL, NULL, TESTS(
	    the_sentence_collapses_runs_of_three_or_more)));
	return run_suite(s);
}
