/*
 * check_windows: the install-window engine against answers worked out by
 * hand (Patch Tuesdays, US/EU DST dates and offsets written out below).
 *
 * Facts used: Patch Tuesday 2026-02-10, 03-10, 10-13, 11-10, 12-08,
 * 2027-01-12; release 10:00 Los Angeles = 17:00Z in PDT, 18:00Z in PST
 * (PDT 2026-03-08..11-01).  Berlin: CET +1, CEST +2 from 2026-03-29 01:00Z
 * to 2026-10-25 01:00Z.  New York: EST -5, EDT -4 from 2026-03-08 07:00Z to
 * 2026-11-01 06:00Z.  Auckland in December: NZDT +13.
 */
#include "boindex.h"
#include "install_eq.h"
#include "tzcache.h"
#include "windows.h"
#include "testutil.h"
#include "util.h"

#include <libical/ical.h>
#include <string.h>
#include <time.h>

#define WEEK(daysmask, h, m, dur) { WIN_WEEKLY, (daysmask), 0, (h) * 60 + (m), (dur) }
#define OFFSET(off, h, m, dur) { WIN_OFFSET, 0, (off), (h) * 60 + (m), (dur) }
enum { SUN = 1 << 0, MON = 1 << 1, TUE = 1 << 2, WED = 1 << 3, THU = 1 << 4, SAT = 1 << 6 };

/* os-a: hotpatch since 2024-01; os-b: the same plus an unplanned baseline in 2026-09. */
static struct release rel_b[] = {
	{ .kind = KIND_BASELINE, .unplanned = true },
};
static struct oob oob_b[] = {
	{ .date = { 2026, 4, 19 }, .kb = "KB5091157", .restart = true },
	{ .date = { 2026, 3, 16 }, .kb = "KB5084897", .restart = false },
};
static struct os_def oses[2] = {
	{ .id = "os-a", .name = "OS A", .arch = ARCH_X64 | ARCH_ARM64,
	  .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10 },
	{ .id = "os-b", .name = "OS B", .arch = ARCH_X64,
	  .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10,
	  .rel = rel_b, .nrel = 1, .oob = oob_b, .noob = 2 },
};
static struct caldata cal = { .os = oses, .nos = 2 };

static void
setup(void)
{
	oses[0].hotpatch_start = oses[1].hotpatch_start = ym_make(2024, 1);
	rel_b[0].month = ym_make(2026, 9);
}

static void
teardown(void)
{
	tz_free_all();
}

static struct ring
ring(const char *tz, int deferral, int deadline, int grace, struct mwindow *w, size_t nw)
{
	return (struct ring){ .id = "r", .name = "R", .timezone = (char *)tz,
	    .deferral_days = deferral, .deadline_days = deadline, .grace_days = grace,
	    .hotpatch = true, .arch = ARCH_X64, .vbs = true, .licensed = true,
	    .reminder_min = -1, .win = w, .nwin = nw };
}

/*
 * Every case runs twice: looking through every blackout, and through the
 * ring set's index, which lists each ring's own; the answers must be equal.
 */
static void
install(const struct ring *r, int os, int y, int m, const struct blackout *bo, size_t nbo,
    struct install *in)
{
	struct ringset rs = { .ring = (struct ring *)r, .nring = 1, .bo = (struct blackout *)bo,
	    .nbo = nbo };
	struct install scan;

	win_install(&cal, &rs, r, &oses[os], ym_make(y, m), &scan);
	ringset_index(&rs);
	ck_assert(ringset_blackouts(&rs, r, &(struct bo_lists){ 0 }));
	win_install(&cal, &rs, r, &oses[os], ym_make(y, m), in);
	ringset_index_free(&rs);
	ck_assert_install_eq(&scan, in);
}

/* The reason in words (a static buffer: one at a time). */
static const char *
reason(const struct install *in, const struct ring *r)
{
	static char buf[WIN_REASON_MAX];

	return win_reason(in, r, buf, sizeof(buf));
}

START_TEST(zero_deferral_offers_at_release_and_takes_the_same_evening)
{
	struct mwindow w[] = { WEEK(TUE, 20, 0, 120) };
	struct ring r = ring("UTC", 0, 2, 1, w, 1);
	struct install in;

	install(&r, 0, 2026, 12, NULL, 0, &in);
	ck_assert_int_eq(in.kind, KIND_HOTPATCH);
	ck_assert(!in.restart);
	ck_assert_int_eq(in.release_at, utc(2026, 12, 8, 18, 0));
	ck_assert_int_eq(in.offered_at, utc(2026, 12, 8, 18, 0));
	ck_assert_int_eq(in.install_deadline, utc(2026, 12, 10, 18, 0));
	ck_assert_int_eq(in.restart_deadline, 0);
	ck_assert_int_eq(in.window_start, utc(2026, 12, 8, 20, 0));
	ck_assert_int_eq(in.window_end, utc(2026, 12, 8, 22, 0));
	ck_assert_int_eq(in.status, WS_OK);
	ck_assert_ptr_eq(in.window, &w[0]);
}
END_TEST

START_TEST(zero_deadline_makes_any_later_window_late)
{
	struct mwindow w[] = { WEEK(TUE, 20, 0, 120) };
	struct ring r = ring("UTC", 0, 0, 0, w, 1);
	struct install in;

	install(&r, 0, 2026, 12, NULL, 0, &in);
	ck_assert_int_eq(in.install_deadline, utc(2026, 12, 8, 18, 0));
	ck_assert_int_eq(in.window_start, utc(2026, 12, 8, 20, 0));
	ck_assert_int_eq(in.status, WS_LATE);
	ck_assert_ptr_nonnull(strstr(reason(&in, &r), "after the install deadline"));
}
END_TEST

START_TEST(baseline_month_restarts_with_grace_after_the_deadline)
{
	struct mwindow w[] = { WEEK(SAT, 2, 0, 240) };
	struct ring r = ring("UTC", 6, 2, 2, w, 1);
	struct install in;

	install(&r, 0, 2026, 10, NULL, 0, &in);
	ck_assert_int_eq(in.kind, KIND_BASELINE);
	ck_assert(in.restart);
	ck_assert_int_eq(in.offered_at, utc(2026, 10, 19, 17, 0));
	ck_assert_int_eq(in.install_deadline, utc(2026, 10, 21, 17, 0));
	ck_assert_int_eq(in.restart_deadline, utc(2026, 10, 23, 17, 0));
	/* The first Saturday after the offer is 10-24: past the deadline. */
	ck_assert_int_eq(in.window_start, utc(2026, 10, 24, 2, 0));
	ck_assert_int_eq(in.status, WS_LATE);
}
END_TEST

START_TEST(thirty_day_deferral_crosses_the_next_release)
{
	struct mwindow w[] = { WEEK(SAT, 2, 0, 240) };
	struct ring r = ring("UTC", 30, 5, 2, w, 1);
	struct install in;

	install(&r, 0, 2026, 11, NULL, 0, &in);
	ck_assert_int_eq(in.release_at, utc(2026, 11, 10, 18, 0));
	ck_assert_int_eq(in.offered_at, utc(2026, 12, 10, 18, 0));
	ck_assert(in.offered_at > utc(2026, 12, 8, 18, 0));	/* after December's release */
	ck_assert_int_eq(in.install_deadline, utc(2026, 12, 15, 18, 0));
	ck_assert_int_eq(in.next_offered_at, utc(2027, 1, 7, 18, 0));
	ck_assert_int_eq(in.window_start, utc(2026, 12, 12, 2, 0));
	ck_assert_int_eq(in.status, WS_OK);
}
END_TEST

START_TEST(berlin_spring_forward_gap_uses_the_offset_before)
{
	struct mwindow w[] = { WEEK(SUN, 2, 30, 120) };
	struct ring r = ring("Europe/Berlin", 14, 7, 2, w, 1);
	struct install in;

	ck_assert_int_eq(win_from_local("Europe/Berlin", (struct ymd){ 2026, 3, 29 }, 150),
	    utc(2026, 3, 29, 1, 30));
	install(&r, 0, 2026, 3, NULL, 0, &in);
	ck_assert_int_eq(in.offered_at, utc(2026, 3, 24, 17, 0));
	ck_assert_int_eq(in.window_start, utc(2026, 3, 29, 1, 30));
	ck_assert_int_eq(in.window_end, utc(2026, 3, 29, 3, 30));	/* two hours elapsed */
	ck_assert_int_eq(in.status, WS_OK);
}
END_TEST

START_TEST(berlin_fall_back_overlap_means_the_first_occurrence)
{
	struct mwindow w[] = { WEEK(SUN, 2, 30, 60) };
	struct ring r = ring("Europe/Berlin", 7, 7, 2, w, 1);
	struct install in;
	struct localtime lt;

	install(&r, 0, 2026, 10, NULL, 0, &in);
	ck_assert_int_eq(in.offered_at, utc(2026, 10, 20, 17, 0));
	ck_assert_int_eq(in.window_start, utc(2026, 10, 25, 0, 30));	/* 02:30 CEST */
	ck_assert_int_eq(in.window_end, utc(2026, 10, 25, 1, 30));	/* 02:30 CET */
	win_to_local("Europe/Berlin", in.window_end, &lt);
	ck_assert_int_eq(lt.minute, 150);
	ck_assert_int_eq(lt.utc_offset, 3600);
}
END_TEST

START_TEST(new_york_gap_and_overlap_follow_rfc5545)
{
	struct mwindow gap[] = { WEEK(SUN, 2, 30, 60) }, overlap[] = { WEEK(SUN, 1, 30, 60) };
	struct ring r1 = ring("America/New_York", 24, 7, 2, gap, 1);
	struct ring r2 = ring("America/New_York", 14, 7, 2, overlap, 1);
	struct install in;

	install(&r1, 0, 2026, 2, NULL, 0, &in);
	ck_assert_int_eq(in.offered_at, utc(2026, 3, 6, 18, 0));
	ck_assert_int_eq(in.window_start, utc(2026, 3, 8, 7, 30));	/* 02:30 EST, in the gap */
	install(&r2, 0, 2026, 10, NULL, 0, &in);
	ck_assert_int_eq(in.offered_at, utc(2026, 10, 27, 17, 0));
	ck_assert_int_eq(in.window_start, utc(2026, 11, 1, 5, 30));	/* 01:30 EDT, first of two */
}
END_TEST

START_TEST(auckland_ring_sees_the_release_on_wednesday)
{
	struct mwindow offset[] = { OFFSET(1, 3, 0, 180) }, weekly[] = { WEEK(WED, 20, 0, 120) };
	struct ring r1 = ring("Pacific/Auckland", 0, 3, 1, offset, 1);
	struct ring r2 = ring("Pacific/Auckland", 0, 3, 1, weekly, 1);
	struct localtime lt;
	struct install in;

	win_to_local("Pacific/Auckland", utc(2026, 12, 8, 18, 0), &lt);
	ck_assert_int_eq(lt.date.d, 9);
	ck_assert_int_eq(lt.minute, 7 * 60);
	/* Patch Tuesday+1 03:00 (Wed 12-09 03:00 NZDT = 12-08 14:00Z) is before the release. */
	install(&r1, 0, 2026, 12, NULL, 0, &in);
	ck_assert_int_eq(in.window_start, utc(2027, 1, 12, 14, 0));	/* Wed 2027-01-13 03:00 */
	ck_assert_int_eq(in.status, WS_LATE);
	install(&r2, 0, 2026, 12, NULL, 0, &in);
	ck_assert_int_eq(in.window_start, utc(2026, 12, 9, 7, 0));	/* Wed 12-09 20:00 NZDT */
	ck_assert_int_eq(in.status, WS_OK);
}
END_TEST

START_TEST(offset_window_spills_into_the_next_month)
{
	struct mwindow w[] = { OFFSET(20, 10, 0, 60) };
	struct ring r = ring("UTC", 0, 30, 2, w, 1);
	struct install in;

	install(&r, 0, 2026, 12, NULL, 0, &in);
	ck_assert_int_eq(in.window_start, utc(2026, 12, 28, 10, 0));
	ck_assert_int_eq(in.status, WS_OK);
	w[0].offset_days = 27;
	install(&r, 0, 2026, 12, NULL, 0, &in);
	ck_assert_int_eq(in.window_start, utc(2027, 1, 4, 10, 0));
}
END_TEST

static struct blackout
freeze(const char *name, const char *ring_id, struct ymd from, struct ymd to)
{
	return (struct blackout){ .name = (char *)name, .ring = (char *)ring_id, .from = from,
	    .to = to };
}

START_TEST(blackout_on_the_first_slot_moves_the_install)
{
	struct mwindow w[] = { WEEK(TUE | THU, 20, 0, 120) };
	struct ring r = ring("UTC", 0, 7, 2, w, 1);
	struct blackout bo[] = {
		freeze("other ring", "x", (struct ymd){ 2026, 12, 10 }, (struct ymd){ 2026, 12, 10 }),
		freeze("patch day", NULL, (struct ymd){ 2026, 12, 8 }, (struct ymd){ 2026, 12, 8 }),
	};
	struct install in;

	install(&r, 0, 2026, 12, bo, 2, &in);
	ck_assert_int_eq(in.window_start, utc(2026, 12, 10, 20, 0));
	ck_assert_int_eq(in.status, WS_OK);
	ck_assert_ptr_eq(in.blackout, &bo[1]);
	ck_assert_ptr_nonnull(strstr(reason(&in, &r), "freeze 'patch day' (2026-12-08..2026-12-08)"));
}
END_TEST

START_TEST(blackout_until_after_the_deadline_makes_it_late)
{
	struct mwindow w[] = { WEEK(TUE | THU, 20, 0, 120) };
	struct ring r = ring("UTC", 0, 7, 2, w, 1);
	struct blackout bo[] = {
		freeze("freeze", "r", (struct ymd){ 2026, 12, 8 }, (struct ymd){ 2026, 12, 16 }),
	};
	struct install in;

	install(&r, 0, 2026, 12, bo, 1, &in);
	ck_assert_int_eq(in.install_deadline, utc(2026, 12, 15, 18, 0));
	ck_assert_int_eq(in.window_start, utc(2026, 12, 17, 20, 0));
	ck_assert_int_eq(in.status, WS_LATE);
}
END_TEST

START_TEST(blackout_until_the_next_offer_leaves_no_window)
{
	struct mwindow w[] = { WEEK(TUE | THU, 20, 0, 120) };
	struct ring r = ring("Europe/Berlin", 0, 7, 2, w, 1);
	struct blackout bo[] = {
		freeze("year-end freeze", NULL, (struct ymd){ 2026, 12, 8 }, (struct ymd){ 2027, 1, 31 }),
	};
	struct install in;

	install(&r, 0, 2026, 12, bo, 1, &in);
	ck_assert_int_eq(in.status, WS_NONE);
	ck_assert_int_eq(in.window_start, 0);
	ck_assert_int_eq(in.next_offered_at, utc(2027, 1, 12, 18, 0));
	ck_assert_ptr_nonnull(strstr(reason(&in, &r), "blocks every window before the next update"));
}
END_TEST

START_TEST(timed_blackout_blocks_only_what_it_overlaps)
{
	struct mwindow w[] = { WEEK(TUE | THU, 20, 0, 120) };
	struct ring r = ring("UTC", 0, 7, 2, w, 1);
	struct blackout bo = { .name = "release party", .timed = true,
	    .start = utc(2026, 12, 8, 21, 59), .end = utc(2026, 12, 8, 23, 0) };
	struct install in;

	install(&r, 0, 2026, 12, &bo, 1, &in);
	ck_assert_int_eq(in.window_start, utc(2026, 12, 10, 20, 0));	/* 20:00-22:00 overlaps */
	bo.start = utc(2026, 12, 8, 22, 0);	/* touching the end is no overlap */
	install(&r, 0, 2026, 12, &bo, 1, &in);
	ck_assert_int_eq(in.window_start, utc(2026, 12, 8, 20, 0));
}
END_TEST

START_TEST(ring_without_windows_has_none)
{
	struct ring r = ring("UTC", 0, 7, 2, NULL, 0);
	struct install in;

	install(&r, 0, 2026, 12, NULL, 0, &in);
	ck_assert_int_eq(in.status, WS_NONE);
	/* Released 2026-12-08 18:00Z (PST), no deferral, deadline 7 days: 12-15 18:00Z. */
	ck_assert_str_eq(reason(&in, &r), "the ring has no maintenance windows; "
	    "the deadline forces the install at 2026-12-15 18:00");
}
END_TEST

START_TEST(ineligible_ring_installs_an_lcu_and_restarts_every_month)
{
	struct mwindow w[] = { WEEK(TUE, 20, 0, 120) };
	struct ring r = ring("UTC", 0, 2, 1, w, 1);
	struct restarts rs;
	struct install in;

	r.licensed = false;
	install(&r, 0, 2026, 12, NULL, 0, &in);
	ck_assert(!in.eligible);
	ck_assert_str_eq(in.not_eligible, "not an eligible edition or licence, such as Pro, or not "
	    "enrolled through Azure Arc");
	ck_assert_int_eq(in.mi.kind, KIND_HOTPATCH);	/* the OS month is still a hotpatch */
	ck_assert_int_eq(in.kind, KIND_LCU);
	ck_assert(in.restart);
	ck_assert_int_eq(in.restart_deadline, utc(2026, 12, 11, 18, 0));
	win_restarts(&cal, NULL, &r, &oses[1], 2026, &rs);
	ck_assert_int_eq(rs.lcu, 12);
	ck_assert_int_eq(rs.oob, 1);
	ck_assert_int_eq(rs.total, 13);
}
END_TEST

START_TEST(arm64_ring_needs_chpe_disabled)
{
	struct ring r = ring("UTC", 0, 2, 1, NULL, 0);
	struct install in;

	r.arch = ARCH_ARM64;
	install(&r, 0, 2026, 11, NULL, 0, &in);
	ck_assert(!in.eligible);
	ck_assert_ptr_nonnull(strstr(in.not_eligible, "CHPE enabled"));
	ck_assert_int_eq(in.kind, KIND_LCU);
	r.chpe_disabled = true;
	install(&r, 0, 2026, 11, NULL, 0, &in);
	ck_assert(in.eligible);
	ck_assert_int_eq(in.kind, KIND_HOTPATCH);
	install(&r, 1, 2026, 11, NULL, 0, &in);	/* os-b has no arm64 hotpatch */
	ck_assert(!in.eligible);
	ck_assert_str_eq(in.not_eligible, "this OS has no hotpatch for arm64");
}
END_TEST

START_TEST(extra_baseline_month_for_one_os_only)
{
	struct mwindow w[] = { WEEK(TUE, 20, 0, 120) };
	struct ring r = ring("UTC", 0, 2, 1, w, 1);
	struct restarts ra, rb;
	struct install a, b;

	install(&r, 0, 2026, 9, NULL, 0, &a);
	install(&r, 1, 2026, 9, NULL, 0, &b);
	ck_assert_int_eq(a.kind, KIND_HOTPATCH);
	ck_assert(!a.restart);
	ck_assert_int_eq(b.kind, KIND_BASELINE);
	ck_assert(b.restart);
	ck_assert(b.mi.unplanned);
	win_restarts(&cal, NULL, &r, &oses[0], 2026, &ra);
	win_restarts(&cal, NULL, &r, &oses[1], 2026, &rb);
	ck_assert_int_eq(ra.baseline, 4);
	ck_assert_int_eq(ra.total, 4);
	ck_assert_int_eq(rb.baseline, 4);
	ck_assert_int_eq(rb.unplanned, 1);
	ck_assert_int_eq(rb.oob, 1);	/* KB5091157 restarts; the March OOB hotpatch does not */
	ck_assert_int_eq(rb.total, 6);
}
END_TEST

/*
 * The install built as one literal, against two other ways to the same
 * answer, over 48 months of both OSes in four zones (two with DST, one a
 * half hour's, Auckland's across the year end), weekly and Patch-Tuesday
 * windows, a freeze, a pause and a ring's own freeze:
 *   - into memory filled with 0xA5 bytes and into zeroed memory: every
 *     field is set, none keeps what was there;
 *   - with the ring kept month after month (its zone's stretch of one
 *     offset, the days known free) and with a fresh ring each month, which
 *     asks the zone about the offer's local day from scratch.
 * Every field is compared (install_eq.h), none of the padding.
 */
START_TEST(install_literal_equals_a_fresh_ring_every_month)
{
	static const char *const zones[] = { "UTC", "Europe/Berlin", "America/New_York",
	    "Australia/Lord_Howe", "Pacific/Auckland" };
	struct mwindow w[] = { WEEK(TUE | THU, 20, 0, 120), OFFSET(1, 2, 30, 60),
	    WEEK(SAT, 23, 30, 90) };
	struct blackout bo[] = {
		freeze("year-end", NULL, (struct ymd){ 2026, 12, 15 }, (struct ymd){ 2027, 1, 5 }),
		freeze("own", "r", (struct ymd){ 2027, 3, 9 }, (struct ymd){ 2027, 3, 12 }),
		freeze("spring pause", "r", (struct ymd){ 2026, 4, 1 }, (struct ymd){ 2026, 4, 28 }),
	};
	int cases = 0;

	bo[2].kind = BO_PAUSE;
	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++)
		for (int os = 0; os < 2; os++) {
			struct ring r = ring(zones[z], (int)z, 3 + os, 2, w, 3 - (size_t)os);
			struct ringset rs = { .ring = &r, .nring = 1, .bo = bo, .nbo = 3 };
			struct win_ring kept;
			struct month_info mi, next;

			ringset_index(&rs);
			win_ring_init(&kept, &rs, &r);
			cal_month(&cal, &oses[os], ym_make(2025, 1), &mi);
			for (int m = 0; m < 48; m++, mi = next, cases++) {
				struct install fresh, lit;

				memset(&fresh, 0, sizeof(fresh));
				memset(&lit, 0xA5, sizeof(lit));
				win_month(&cal, &rs, &r, &oses[os], mi.month, &fresh);
				win_month_ring(&kept, &cal, &oses[os], &mi, &lit, &next);
				ck_assert_install_eq(&fresh, &lit);
			}
			ringset_index_free(&rs);
		}
	ck_assert_int_eq(cases, 5 * 2 * 48);
}
END_TEST

/* The helper itself: equal installs are equal whatever their padding, and a field tells. */
START_TEST(install_eq_names_the_field_that_differs)
{
	struct install a, b;

	memset(&a, 0x11, sizeof(a));
	memset(&b, 0x22, sizeof(b));
	a = (struct install){ .month = ym_make(2026, 12), .status = WS_LATE };
	b = (struct install){ .month = ym_make(2026, 12), .status = WS_LATE };
	ck_assert(install_diff(&a, &b) == NULL);
	b.mi.date.d = 8;
	ck_assert_str_eq(install_diff(&a, &b), "mi.date.d");
	b.mi.date.d = 0;
	b.why = WHY_MOVED;
	ck_assert_str_eq(install_diff(&a, &b), "why");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("windows");

	suite_add_tcase(s, tcase_of("engine", setup, teardown, TESTS(
	    zero_deferral_offers_at_release_and_takes_the_same_evening,
	    zero_deadline_makes_any_later_window_late,
	    baseline_month_restarts_with_grace_after_the_deadline,
	    thirty_day_deferral_crosses_the_next_release,
	    berlin_spring_forward_gap_uses_the_offset_before,
	    berlin_fall_back_overlap_means_the_first_occurrence,
	    new_york_gap_and_overlap_follow_rfc5545,
	    auckland_ring_sees_the_release_on_wednesday,
	    offset_window_spills_into_the_next_month,
	    blackout_on_the_first_slot_moves_the_install,
	    blackout_until_after_the_deadline_makes_it_late,
	    blackout_until_the_next_offer_leaves_no_window,
	    timed_blackout_blocks_only_what_it_overlaps,
	    ring_without_windows_has_none,
	    ineligible_ring_installs_an_lcu_and_restarts_every_month,
	    arm64_ring_needs_chpe_disabled,
	    extra_baseline_month_for_one_os_only,
	    install_literal_equals_a_fresh_ring_every_month,
	    install_eq_names_the_field_that_differs)));
	return run_suite(s);
}
