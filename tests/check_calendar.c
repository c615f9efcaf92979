/*
 * check_calendar: Patch Tuesday, release instants and month kinds.
 * Expected dates come from weekday arithmetic written here, not from libical.
 */
#include "calendar.h"
#include "testutil.h"
#include "util.h"

#include <libical/ical.h>
#include <string.h>
#include <time.h>

/* Day of week, 0 = Sunday (Sakamoto's method). */
static int
weekday(int y, int m, int d)
{
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	if (m < 3)
		y -= 1;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

/* The n-th given weekday of a month. */
static int
nth_weekday(int y, int m, int wd, int n)
{
	return 1 + (wd - weekday(y, m, 1) + 7) % 7 + 7 * (n - 1);
}

START_TEST(patch_tuesday_is_second_tuesday_every_month_2024_2035)
{
	for (int y = 2024; y <= 2035; y++) {
		for (int m = 1; m <= 12; m++) {
			int want = nth_weekday(y, m, 2, 2);
			int got = cal_patch_tuesday(ym_make(y, m));

			ck_assert_msg(got == want, "%04d-%02d: got day %d, want %d", y, m, got, want);
			ck_assert_int_eq(weekday(y, m, got), 2);
			ck_assert(got >= 8 && got <= 14);
		}
	}
}
END_TEST

START_TEST(patch_tuesday_known_dates)
{
	/* Published Patch Tuesdays. */
	static const struct { int y, m, d; } known[] = {
		{ 2024, 1, 9 }, { 2024, 2, 13 }, { 2024, 8, 13 }, { 2024, 12, 10 },
		{ 2025, 1, 14 }, { 2025, 5, 13 }, { 2026, 6, 9 }, { 2026, 9, 8 },
		{ 2026, 11, 10 }, { 2027, 3, 9 },
	};

	for (size_t i = 0; i < ARRAY_LEN(known); i++)
		ck_assert_int_eq(cal_patch_tuesday(ym_make(known[i].y, known[i].m)), known[i].d);
}
END_TEST

/* US daylight time since 2007: second Sunday of March to first Sunday of November. */
static bool
us_daylight_on(int y, int m, int d)
{
	int start = nth_weekday(y, 3, 0, 2), end = nth_weekday(y, 11, 0, 1);

	if (m > 3 && m < 11)
		return true;
	if (m == 3)
		return d >= start;
	if (m == 11)
		return d < end;
	return false;
}

static time_t
utc(int y, int m, int d, int h)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h };

	return timegm(&tm);
}

START_TEST(release_instant_is_1700z_in_pdt_and_1800z_in_pst_2024_2035)
{
	for (int y = 2024; y <= 2035; y++) {
		for (int m = 1; m <= 12; m++) {
			int d = nth_weekday(y, m, 2, 2);
			struct ymd date = { y, m, d };
			time_t want = utc(y, m, d, us_daylight_on(y, m, d) ? 17 : 18);

			ck_assert_msg(cal_release_instant(date) == want, "%04d-%02d-%02d", y, m, d);
		}
	}
}
END_TEST

START_TEST(release_instant_either_side_of_us_dst_changes)
{
	/* 2026: DST from Mar 8 to Nov 1.  2027: from Mar 14, so Patch Tuesday (Mar 9) is PST. */
	ck_assert(cal_release_instant((struct ymd){ 2026, 3, 10 }) == utc(2026, 3, 10, 17));
	ck_assert(cal_release_instant((struct ymd){ 2026, 10, 13 }) == utc(2026, 10, 13, 17));
	ck_assert(cal_release_instant((struct ymd){ 2026, 11, 10 }) == utc(2026, 11, 10, 18));
	ck_assert(cal_release_instant((struct ymd){ 2027, 3, 9 }) == utc(2027, 3, 9, 18));
	ck_assert(cal_release_instant((struct ymd){ 2027, 4, 13 }) == utc(2027, 4, 13, 17));
}
END_TEST

/* A small calendar: one OS starting 2025-04 with two published months. */
static struct release test_rel[] = {
	{ .month = 0, .kind = KIND_HOTPATCH },
	{ .month = 0, .kind = KIND_BASELINE, .unplanned = true, .date = { 2026, 6, 12 } },
};
static struct os_def test_os = {
	.id = "os-a", .name = "OS A", .arch = ARCH_X64,
	.baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10,
	.rel = test_rel, .nrel = 2,
};
static struct override test_ovr[] = {
	{ .os = "os-a", .kind = KIND_BASELINE, .reason = "zero-day", .who = "test" },
	{ .os = "os-a", .kind = KIND_LCU, .reason = "ignored: published wins", .who = "test" },
};
static struct caldata test_cal = { .os = &test_os, .nos = 1, .ovr = test_ovr, .novr = 2 };

static void
setup_test_cal(void)
{
	test_os.hotpatch_start = ym_make(2025, 4);
	test_rel[0].month = ym_make(2026, 5);
	test_rel[1].month = ym_make(2026, 6);
	test_ovr[0].month = ym_make(2026, 8);
	test_ovr[1].month = ym_make(2026, 6);
}

static void
check_month(int y, int m, enum kind kind, enum source src)
{
	struct month_info mi;

	cal_month(&test_cal, &test_os, ym_make(y, m), &mi);
	ck_assert_msg(mi.kind == kind && mi.source == src, "%04d-%02d: got %s/%s, want %s/%s",
	    y, m, kind_name(mi.kind), source_name(mi.source), kind_name(kind), source_name(src));
	ck_assert(mi.restart == (kind != KIND_HOTPATCH));
}

START_TEST(month_kind_published_beats_override_beats_planned)
{
	struct month_info mi;

	setup_test_cal();
	check_month(2026, 5, KIND_HOTPATCH, SRC_PUBLISHED);
	check_month(2026, 6, KIND_BASELINE, SRC_PUBLISHED);	/* override to lcu ignored */
	check_month(2026, 8, KIND_BASELINE, SRC_OVERRIDE);
	check_month(2026, 9, KIND_HOTPATCH, SRC_PLANNED);
	check_month(2026, 10, KIND_BASELINE, SRC_PLANNED);
	cal_month(&test_cal, &test_os, ym_make(2026, 6), &mi);
	ck_assert(mi.unplanned);
	ck_assert_ptr_null(mi.ovr);
	cal_month(&test_cal, &test_os, ym_make(2026, 8), &mi);
	ck_assert_str_eq(mi.ovr->reason, "zero-day");
}
END_TEST

START_TEST(month_kind_is_lcu_before_hotpatch_start)
{
	setup_test_cal();
	check_month(2025, 1, KIND_LCU, SRC_PLANNED);	/* a baseline month, but before start */
	check_month(2025, 3, KIND_LCU, SRC_PLANNED);
	check_month(2025, 4, KIND_BASELINE, SRC_PLANNED);
	check_month(2025, 5, KIND_HOTPATCH, SRC_PLANNED);
}
END_TEST

START_TEST(month_kind_follows_custom_baseline_pattern)
{
	setup_test_cal();
	test_os.baseline_months = 1u << 3 | 1u << 9;
	check_month(2027, 3, KIND_BASELINE, SRC_PLANNED);
	check_month(2027, 4, KIND_HOTPATCH, SRC_PLANNED);
	check_month(2027, 9, KIND_BASELINE, SRC_PLANNED);
	test_os.baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10;
}
END_TEST

START_TEST(published_date_moves_the_release_instant)
{
	struct month_info mi;

	setup_test_cal();
	cal_month(&test_cal, &test_os, ym_make(2026, 6), &mi);
	ck_assert_int_eq(mi.date.d, 12);
	ck_assert(mi.release_at == utc(2026, 6, 12, 17));
	cal_month(&test_cal, &test_os, ym_make(2026, 5), &mi);
	ck_assert_int_eq(mi.date.d, 12);	/* no date: Patch Tuesday, 2026-05-12 */
	ck_assert(mi.release_at == utc(2026, 5, 12, 17));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tcase_create("engine");

	tcase_add_test(tc, patch_tuesday_is_second_tuesday_every_month_2024_2035);
	tcase_add_test(tc, patch_tuesday_known_dates);
	tcase_add_test(tc, release_instant_is_1700z_in_pdt_and_1800z_in_pst_2024_2035);
	tcase_add_test(tc, release_instant_either_side_of_us_dst_changes);
	tcase_add_test(tc, month_kind_published_beats_override_beats_planned);
	tcase_add_test(tc, month_kind_is_lcu_before_hotpatch_start);
	tcase_add_test(tc, month_kind_follows_custom_baseline_pattern);
	tcase_add_test(tc, published_date_moves_the_release_instant);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
