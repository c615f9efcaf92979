/*
 * check_calendar: Patch Tuesday, release instants and month kinds.
 * Expected dates come from weekday arithmetic written here, not from libical.
 */
#include "calendar.h"
#include "calfile.h"
#include "tzcache.h"
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

START_TEST(release_instant_is_1700z_in_pdt_and_1800z_in_pst_2024_2035)
{
	for (int y = 2024; y <= 2035; y++) {
		for (int m = 1; m <= 12; m++) {
			int d = nth_weekday(y, m, 2, 2);
			struct ymd date = { y, m, d };
			time_t want = utc(y, m, d, us_daylight_on(y, m, d) ? 17 : 18, 0);

			ck_assert_msg(cal_release_instant(date) == want, "%04d-%02d-%02d", y, m, d);
		}
	}
}
END_TEST

START_TEST(release_instant_either_side_of_us_dst_changes)
{
	/* 2026: DST from Mar 8 to Nov 1.  2027: from Mar 14, so Patch Tuesday (Mar 9) is PST. */
	ck_assert(cal_release_instant((struct ymd){ 2026, 3, 10 }) == utc(2026, 3, 10, 17, 0));
	ck_assert(cal_release_instant((struct ymd){ 2026, 10, 13 }) == utc(2026, 10, 13, 17, 0));
	ck_assert(cal_release_instant((struct ymd){ 2026, 11, 10 }) == utc(2026, 11, 10, 18, 0));
	ck_assert(cal_release_instant((struct ymd){ 2027, 3, 9 }) == utc(2027, 3, 9, 18, 0));
	ck_assert(cal_release_instant((struct ymd){ 2027, 4, 13 }) == utc(2027, 4, 13, 17, 0));
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
	ck_assert(mi.release_at == utc(2026, 6, 12, 17, 0));
	cal_month(&test_cal, &test_os, ym_make(2026, 5), &mi);
	ck_assert_int_eq(mi.date.d, 12);	/* no date: Patch Tuesday, 2026-05-12 */
	ck_assert(mi.release_at == utc(2026, 5, 12, 17, 0));
}
END_TEST

/*
 * The shipped calendar, restated from the reference facts: where Microsoft's
 * published history starts and ends per OS, the months it skips, and the
 * unplanned baselines.  Everything else follows the 1/4/7/10 pattern.
 */
struct shipped {
	const char	*os;
	int		 start_y, start_m;		/* hotpatch_start */
	int		 pub_from_y, pub_from_m, pub_to_y, pub_to_m;
	const char	*gaps[2];			/* unpublished months inside the range */
	const char	*unplanned[2];
};

static const struct shipped shipped[] = {
	{ "win11-24h2", 2025, 4, 2025, 5, 2026, 8, { NULL }, { "2026-06" } },
	{ "win11-25h2", 2025, 10, 2025, 10, 2026, 8, { NULL }, { "2026-06" } },
	{ "ws2025-azure", 2024, 11, 2024, 11, 2026, 9, { "2026-07" }, { "2026-06", "2026-09" } },
	{ "ws2025-arc", 2025, 7, 2025, 7, 2026, 9, { "2026-07" }, { "2026-06", "2026-09" } },
	{ "ws2022-azure", 2022, 2, 2024, 1, 2026, 5, { NULL }, { "2024-08" } },
	/* Planned from October 2026 (UNVERIFIED), nothing published: 0-0 is no month. */
	{ "win11-26h2", 2026, 10, 0, 0, 0, 0, { NULL }, { NULL } },
};

static bool
listed(const char *const *v, size_t n, ym_t ym)
{
	char buf[8];

	for (size_t i = 0; i < n && v[i] != NULL; i++)
		if (strcmp(v[i], ym_format(ym, buf)) == 0)
			return true;
	return false;
}

static struct caldata shipped_cal;

static void
load_shipped(void)
{
	char *path = srcpath("data/calendar.yaml");
	struct diags d = { 0 };

	if (calfile_load(path, &shipped_cal, &d) < 0) {
		diags_print(&d, stderr);
		ck_abort_msg("data/calendar.yaml does not load");
	}
	free(path);
}

static void
free_shipped(void)
{
	caldata_free(&shipped_cal);
}

START_TEST(shipped_month_kinds_2024_2027_match_the_published_history)
{
	const struct shipped *w = &shipped[_i];
	const struct os_def *os = caldata_find_os(&shipped_cal, w->os);

	ck_assert_msg(os != NULL, "%s missing from data/calendar.yaml", w->os);
	for (ym_t ym = ym_make(2024, 1); ym <= ym_make(2027, 12); ym++) {
		bool published = ym >= ym_make(w->pub_from_y, w->pub_from_m) &&
		    ym <= ym_make(w->pub_to_y, w->pub_to_m) && !listed(w->gaps, 2, ym);
		enum kind want;
		struct month_info mi;
		char buf[8];

		if (listed(w->unplanned, 2, ym))
			want = KIND_BASELINE;
		else if (ym < ym_make(w->start_y, w->start_m))
			want = KIND_LCU;
		else
			want = ym_month(ym) % 3 == 1 ? KIND_BASELINE : KIND_HOTPATCH;
		cal_month(&shipped_cal, os, ym, &mi);
		ck_assert_msg(mi.kind == want, "%s %s: kind %s, want %s", w->os, ym_format(ym, buf),
		    kind_name(mi.kind), kind_name(want));
		ck_assert_msg(mi.source == (published ? SRC_PUBLISHED : SRC_PLANNED),
		    "%s %s: source %s", w->os, ym_format(ym, buf), source_name(mi.source));
		ck_assert(mi.unplanned == listed(w->unplanned, 2, ym));
		ck_assert(mi.restart == (want != KIND_HOTPATCH));
	}
}
END_TEST

START_TEST(shipped_unplanned_baselines_carry_their_kb_and_build)
{
	struct month_info mi;

	cal_month(&shipped_cal, caldata_find_os(&shipped_cal, "win11-24h2"), ym_make(2026, 6), &mi);
	ck_assert_str_eq(mi.rel->kb, "KB5094126");
	ck_assert_str_eq(mi.rel->build, "26100.8655");
	/* July 2026's Windows 11 baseline (facts §8, [M]). */
	cal_month(&shipped_cal, caldata_find_os(&shipped_cal, "win11-24h2"), ym_make(2026, 7), &mi);
	ck_assert_str_eq(mi.rel->kb, "KB5101650");
	ck_assert_str_eq(mi.rel->build, "26100.8875");
	cal_month(&shipped_cal, caldata_find_os(&shipped_cal, "ws2025-azure"), ym_make(2026, 6), &mi);
	ck_assert_str_eq(mi.rel->kb, "KB5094125");
	ck_assert_str_eq(mi.rel->build, "26100.32995");
	ck_assert(mi.release_at == utc(2026, 6, 9, 17, 0));
	cal_month(&shipped_cal, caldata_find_os(&shipped_cal, "ws2022-azure"), ym_make(2024, 8), &mi);
	ck_assert_str_eq(mi.rel->kb, "KB5041160");
	/* Server 2022 is not known to have had the 2026 unplanned baselines. */
	cal_month(&shipped_cal, caldata_find_os(&shipped_cal, "ws2022-azure"), ym_make(2026, 9), &mi);
	ck_assert_int_eq(mi.kind, KIND_HOTPATCH);
}
END_TEST

START_TEST(shipped_published_dates_are_patch_tuesdays)
{
	for (size_t i = 0; i < shipped_cal.nos; i++) {
		const struct os_def *os = &shipped_cal.os[i];

		for (size_t j = 0; j < os->nrel; j++) {
			const struct release *r = &os->rel[j];
			char buf[8];

			if (!ymd_is_set(r->date))
				continue;
			ck_assert_msg(r->date.d == nth_weekday(r->date.y, r->date.m, 2, 2),
			    "%s %s: date %d is not the second Tuesday", os->id,
			    ym_format(r->month, buf), r->date.d);
		}
	}
}
END_TEST

START_TEST(shipped_override_changes_a_planned_month_only)
{
	struct override o = { .os = "ws2022-azure", .month = ym_make(2026, 9),
	    .kind = KIND_BASELINE, .reason = "test", .who = "test" };
	struct caldata c = shipped_cal;
	struct month_info mi;

	c.ovr = &o;
	c.novr = 1;
	cal_month(&c, caldata_find_os(&c, "ws2022-azure"), ym_make(2026, 9), &mi);
	ck_assert_int_eq(mi.kind, KIND_BASELINE);
	ck_assert_int_eq(mi.source, SRC_OVERRIDE);
	o.month = ym_make(2026, 5);	/* published hotpatch: the override loses */
	cal_month(&c, caldata_find_os(&c, "ws2022-azure"), ym_make(2026, 5), &mi);
	ck_assert_int_eq(mi.kind, KIND_HOTPATCH);
	ck_assert_int_eq(mi.source, SRC_PUBLISHED);
}
END_TEST

/*
 * Server 2025's out-of-band releases in date order (facts §8): the October
 * 2025 WSUS fix that leaves hotpatch but was not offered to hotpatch
 * machines (catalog), then two offered LCUs, each with a restart.
 */
START_TEST(shipped_out_of_band_lcu_needs_a_restart)
{
	const struct os_def *os = caldata_find_os(&shipped_cal, "ws2025-azure");

	ck_assert_int_eq(os->noob, 3);
	ck_assert_str_eq(os->oob[0].kb, "KB5070881");
	ck_assert(os->oob[0].restart && os->oob[0].leaves_hotpatch);
	ck_assert_int_eq(os->oob[0].delivery, DELIVERY_CATALOG);
	ck_assert_str_eq(os->oob[1].kb, "KB5078135");
	ck_assert_int_eq(ymd_cmp(os->oob[1].date, (struct ymd){ 2026, 1, 24 }), 0);
	ck_assert_str_eq(os->oob[2].kb, "KB5091157");
	ck_assert(os->oob[2].restart && !os->oob[2].leaves_hotpatch);
	ck_assert_int_eq(os->oob[2].delivery, DELIVERY_AUTOMATIC);
	ck_assert_int_eq(ymd_cmp(os->oob[2].date, (struct ymd){ 2026, 4, 19 }), 0);
	/* The 2025-11-20 Windows 11 fix is itself a hotpatch: no restart. */
	os = caldata_find_os(&shipped_cal, "win11-25h2");
	ck_assert_str_eq(os->oob[0].kb, "KB5072753");
	ck_assert(!os->oob[0].restart);
}
END_TEST

/* Windows 11 23H2, 26H1 and Windows 10 22H2: an LCU, planned, every month. */
START_TEST(shipped_never_hotpatch_oses_are_lcu_every_month)
{
	static const char *const ids[] = { "win11-23h2", "win11-26h1", "win10-22h2" };

	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		const struct os_def *os = caldata_find_os(&shipped_cal, ids[i]);

		ck_assert_msg(os != NULL && os->never_hotpatch, "%s", ids[i]);
		for (ym_t ym = ym_make(2024, 1); ym <= ym_make(2027, 12); ym++) {
			struct month_info mi;

			cal_month(&shipped_cal, os, ym, &mi);
			ck_assert(mi.kind == KIND_LCU && mi.source == SRC_PLANNED && mi.restart);
		}
	}
	ck_assert_uint_eq(caldata_find_os(&shipped_cal, "win11-26h1")->arch, ARCH_ARM64);
}
END_TEST

/* Day numbers against timegm/gmtime (glibc's own civil arithmetic), 1960-2110. */
START_TEST(day_numbers_match_timegm_every_day_1960_2110)
{
	struct ymd d = { 1960, 1, 1 };

	for (long n = ymd_days(d); d.y < 2110; n++) {
		struct tm tm = { .tm_year = d.y - 1900, .tm_mon = d.m - 1, .tm_mday = d.d };
		time_t t = timegm(&tm);
		struct ymd back = ymd_from_days(n);

		ck_assert_int_eq(ymd_days(d), n);
		ck_assert_int_eq((long)(t / 86400) - (t % 86400 < 0), n);
		ck_assert_int_eq(ymd_cmp(back, d), 0);
		ck_assert_int_eq(ymd_weekday(d), weekday(d.y, d.m, d.d));
		t += 86400;
		gmtime_r(&t, &tm);
		d = (struct ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
	}
	ck_assert_int_eq(ymd_days((struct ymd){ 1970, 1, 1 }), 0);
	ck_assert_int_eq(ymd_days((struct ymd){ 1600, 3, 1 }), -135080);
	ck_assert_int_eq(ymd_cmp(ymd_from_days(193578), (struct ymd){ 2499, 12, 31 }), 0);
	ck_assert_int_eq(ymd_days((struct ymd){ 2000, 3, 1 }), 11017);
	ck_assert_int_eq(ymd_cmp(ymd_add_days((struct ymd){ 2024, 2, 28 }, 1),
	    (struct ymd){ 2024, 2, 29 }), 0);
	ck_assert_int_eq(ymd_cmp(ymd_add_days((struct ymd){ 2100, 2, 28 }, 1),
	    (struct ymd){ 2100, 3, 1 }), 0);
	ck_assert_int_eq(ymd_cmp(ymd_add_days((struct ymd){ 2027, 1, 3 }, -5),
	    (struct ymd){ 2026, 12, 29 }), 0);
}
END_TEST

/*
 * The kept offsets equal libical's own answer every 3 hours of 2024-2028,
 * and at the second before and after each change, in zones with DST on
 * both hemispheres, half-hour DST (Lord Howe), odd offsets and none.
 */
START_TEST(kept_zone_offsets_equal_libical_every_hour_and_at_each_change)
{
	static const char *const names[] = { "Europe/Berlin", "America/New_York",
	    "America/Los_Angeles", "Pacific/Auckland", "Australia/Lord_Howe",
	    "Asia/Kathmandu", "America/Sao_Paulo", "Africa/Casablanca", "UTC" };
	time_t from = 1704067200, to = 1861920000;	/* 2024-01-01 .. 2029-01-01 */
	int changes = 0;

	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		struct tzone *z = tz_zone(names[i]);
		int prev = tz_offset_uncached(names[i], from);

		ck_assert_ptr_eq(tz_zone(names[i]), z);
		for (time_t t = from; t < to; t += 3 * 3600) {
			int want = tz_offset_uncached(names[i], t);
			time_t lo = t - 3 * 3600, hi = t;

			ck_assert_int_eq(tz_offset(z, t), want);
			if (want == prev)
				continue;
			/* A change since the last probe: find its second, check both sides. */
			while (hi - lo > 1) {
				time_t mid = lo + (hi - lo) / 2;

				*(tz_offset_uncached(names[i], mid) == prev ? &lo : &hi) = mid;
			}
			ck_assert_int_eq(tz_offset(z, lo), prev);
			ck_assert_int_eq(tz_offset(z, hi), want);
			changes++;
			prev = want;
		}
	}
	/* Berlin, New York, Los Angeles, Auckland, Lord Howe: 2 a year for 5 years. */
	ck_assert_int_ge(changes, 5 * 10);
	/* Either side of new year, where the kept tables change, over the whole range. */
	for (int y = HP_YEAR_MIN + 1; y <= HP_YEAR_MAX + 2; y += 37) {
		time_t ny = (time_t)ymd_days((struct ymd){ y, 1, 1 }) * 86400;

		for (time_t t = ny - 1; t <= ny; t++)
			ck_assert_int_eq(tz_offset(tz_zone("Pacific/Auckland"), t),
			    tz_offset_uncached("Pacific/Auckland", t));
	}
	ck_assert_int_eq(tz_offset(tz_zone("Asia/Kathmandu"), from), 20700);
	ck_assert_int_eq(tz_offset(tz_zone("Australia/Lord_Howe"), 1719792000), 37800);
	ck_assert_int_eq(tz_offset(tz_zone("Australia/Lord_Howe"), 1704067200), 39600);
}
END_TEST

/*
 * A zone answers from the stretch of one offset its last answer came from:
 * asked back and forth across changes and a new year, and between two
 * zones, it must never answer from a stretch the instant is not in.
 * Worked by hand: Berlin goes to summer time (+2 h) on the last Sunday of
 * March, 2027-03-28 01:00Z, and back (+1 h) on the last Sunday of October,
 * 2027-10-31 01:00Z; New York goes to -4 h on the second Sunday of March,
 * 2027-03-14 07:00Z (02:00 EST), and back to -5 h on the first Sunday of
 * November, 2027-11-07 06:00Z (02:00 EDT).
 */
START_TEST(zone_offsets_asked_back_and_forth)
{
	static const struct {
		const char	*zone;
		time_t		 t;
		int		 want;
	} asks[] = {
		{ "Europe/Berlin", 1806195600 - 1, 3600 },	/* 2027-03-28 00:59:59Z */
		{ "Europe/Berlin", 1806195600, 7200 },		/* 01:00:00Z */
		{ "Europe/Berlin", 1806195600 - 1, 3600 },	/* back across the change */
		{ "America/New_York", 1805007600 - 1, -18000 },	/* 2027-03-14 06:59:59Z */
		{ "America/New_York", 1805007600, -14400 },
		{ "Europe/Berlin", 1806195600, 7200 },
		{ "Europe/Berlin", 1798761599, 3600 },		/* 2026-12-31 23:59:59Z */
		{ "Europe/Berlin", 1798761600, 3600 },		/* 2027-01-01 00:00:00Z */
		{ "Europe/Berlin", 1824944400 - 1, 7200 },	/* 2027-10-31 00:59:59Z */
		{ "Europe/Berlin", 1824944400, 3600 },
		{ "Europe/Berlin", 1806195600 + 86400, 7200 },	/* back to the summer */
		{ "America/New_York", 1825567200 - 1, -14400 },	/* 2027-11-07 05:59:59Z */
		{ "America/New_York", 1825567200, -18000 },
		{ "America/New_York", 1805007600 - 1, -18000 },	/* back to March */
		{ "America/New_York", 1798761599, -18000 },	/* 2026 */
	};

	for (size_t i = 0; i < ARRAY_LEN(asks); i++)
		ck_assert_msg(tz_offset(tz_zone(asks[i].zone), asks[i].t) == asks[i].want,
		    "ask %zu: %s at %lld: %d, want %d", i, asks[i].zone, (long long)asks[i].t,
		    tz_offset(tz_zone(asks[i].zone), asks[i].t), asks[i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tcase_create("engine");

	/* Every day of 150 years and every hour of a dozen zones: seconds under ASan. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, patch_tuesday_is_second_tuesday_every_month_2024_2035);
	tcase_add_test(tc, patch_tuesday_known_dates);
	tcase_add_test(tc, release_instant_is_1700z_in_pdt_and_1800z_in_pst_2024_2035);
	tcase_add_test(tc, release_instant_either_side_of_us_dst_changes);
	tcase_add_test(tc, month_kind_published_beats_override_beats_planned);
	tcase_add_test(tc, month_kind_is_lcu_before_hotpatch_start);
	tcase_add_test(tc, month_kind_follows_custom_baseline_pattern);
	tcase_add_test(tc, published_date_moves_the_release_instant);
	tcase_add_test(tc, day_numbers_match_timegm_every_day_1960_2110);
	tcase_add_test(tc, kept_zone_offsets_equal_libical_every_hour_and_at_each_change);
	tcase_add_test(tc, zone_offsets_asked_back_and_forth);
	suite_add_tcase(s, tc);
	tc = tcase_create("shipped");
	tcase_add_unchecked_fixture(tc, load_shipped, free_shipped);
	tcase_add_loop_test(tc, shipped_month_kinds_2024_2027_match_the_published_history, 0,
	    (int)ARRAY_LEN(shipped));
	tcase_add_test(tc, shipped_unplanned_baselines_carry_their_kb_and_build);
	tcase_add_test(tc, shipped_published_dates_are_patch_tuesdays);
	tcase_add_test(tc, shipped_override_changes_a_planned_month_only);
	tcase_add_test(tc, shipped_out_of_band_lcu_needs_a_restart);
	tcase_add_test(tc, shipped_never_hotpatch_oses_are_lcu_every_month);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
