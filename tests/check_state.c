/*
 * check_state: the state across months (doc/rules.md) against answers worked
 * out by hand, one rule a case.
 *
 * Facts used: Patch Tuesdays 2027-01-12, 02-09, 03-09, 04-13, 05-11; 2026-03-10,
 * 04-14, 05-12.  Release 10:00 Los Angeles: 18:00Z under PST (to 2027-03-14),
 * 17:00Z under PDT.  2027-02-13 is a Saturday, 02-16 a Tuesday.  The OS has
 * baselines in January, April, July and October, hotpatch since 2024-01.
 * Every ring is in UTC with one window, Tuesday and Thursday 20:00 for 2 h.
 */
#include "install_eq.h"
#include "tzcache.h"
#include "windows.h"
#include "testutil.h"

#include <string.h>

#define QUARTERS	(1u << 1 | 1u << 4 | 1u << 7 | 1u << 10)
#define TUE_THU		(1u << 2 | 1u << 4)

static struct release rel[2];
static struct oob oob[1];
static struct os_def oses[2];
static struct caldata cal = { .os = oses, .nos = 2 };
static struct mwindow win[] = { { WIN_WEEKLY, TUE_THU, 0, 20 * 60, 120 } };
static struct upgrade upg[1];

static void
setup(void)
{
	memset(rel, 0, sizeof(rel));
	memset(oob, 0, sizeof(oob));
	oses[0] = (struct os_def){ .id = "a", .name = "A", .arch = ARCH_X64,
	    .hotpatch_start = ym_make(2024, 1), .baseline_months = QUARTERS };
	oses[1] = oses[0];
	oses[1].id = "b";
	oses[1].name = "B";
}

static void
teardown(void)
{
	tz_free_all();
}

static struct ring
ring(int deferral, int deadline, int grace)
{
	static char *os_ids[] = { "a", "b" };

	return (struct ring){ .id = "r", .name = "R", .os = os_ids, .nos = 2, .timezone = "UTC",
	    .deferral_days = deferral, .deadline_days = deadline, .grace_days = grace,
	    .hotpatch = true, .arch = ARCH_X64, .vbs = true, .licensed = true, .expedite = true,
	    .reminder_min = -1, .win = win, .nwin = 1 };
}

static struct blackout
blackout(enum bo_kind kind, const char *name, struct ymd from, struct ymd to)
{
	return (struct blackout){ .name = (char *)name, .from = from, .to = to, .kind = kind };
}

/* The installs of months first..first+n-1 of OS os, by the walker; each checked against win_install. */
static void
walk(const struct ring *r, int os, struct blackout *bo, size_t nbo, ym_t first, int n,
    struct install *in)
{
	struct ringset rs = { .ring = (struct ring *)r, .nring = 1, .bo = bo, .nbo = nbo };
	struct walk w;

	walk_start(&w, &cal, &rs, r, &oses[os], first);
	for (int i = 0; i < n; i++) {
		struct install one;

		walk_month(&w, &in[i]);
		win_install(&cal, &rs, r, &oses[os], first + i, &one);
		ck_assert_install_eq(&one, &in[i]);
	}
}

static const char *
reason(const struct install *in, const struct ring *r)
{
	static char buf[WIN_REASON_MAX];

	return win_reason(in, r, buf, sizeof(buf));
}

/* A pause 2027-01-10..02-12 (34 days) holds January's and February's offers to 02-13 00:00. */
START_TEST(baseline_missed_by_a_pause_brings_a_catch_up)
{
	struct ring r = ring(0, 7, 2);
	struct blackout bo = blackout(BO_PAUSE, "year-end pause", (struct ymd){ 2027, 1, 10 },
	    (struct ymd){ 2027, 2, 12 });
	struct install in[3];
	struct restarts rs;
	struct ringset set = { .ring = &r, .nring = 1, .bo = &bo, .nbo = 1 };

	walk(&r, 0, &bo, 1, ym_make(2027, 1), 3, in);
	/* January: both offers land on 02-13 00:00, so January is never offered alone. */
	ck_assert(in[0].skipped);
	ck_assert_int_eq(in[0].install, INS_BASELINE);
	ck_assert_int_eq(in[0].state, ST_MISSED);
	ck_assert(!in[0].restart);
	ck_assert_int_eq(in[0].status, WS_NONE);
	/* February: offered at the pause's end, first window Tuesday 02-16 20:00, deadline 02-20. */
	ck_assert_int_eq(in[1].offered_at, utc(2027, 2, 13, 0, 0));
	ck_assert_int_eq(in[1].install, INS_CATCHUP);
	ck_assert_int_eq(in[1].state_before, ST_MISSED);
	ck_assert_int_eq(in[1].state, ST_ON);
	ck_assert(in[1].restart);
	ck_assert_int_eq(in[1].kind, KIND_BASELINE);
	ck_assert_int_eq(in[1].window_start, utc(2027, 2, 16, 20, 0));
	ck_assert_int_eq(in[1].install_deadline, utc(2027, 2, 20, 0, 0));
	ck_assert_int_eq(in[1].restart_deadline, utc(2027, 2, 22, 0, 0));
	ck_assert_str_eq(reason(&in[1], &r), "not on the latest baseline: the January 2027 baseline "
	    "was paused for this ring (pause 'year-end pause' (2027-01-10..2027-02-12)) — February "
	    "2027 brings the baseline and the hotpatch, with a restart; pause 'year-end pause' "
	    "(2027-01-10..2027-02-12) held the offer until 2027-02-13 00:00; first maintenance "
	    "window after the offer");
	/* March: back on the baseline, the hotpatch without a restart. */
	ck_assert_int_eq(in[2].install, INS_HOTPATCH);
	ck_assert(!in[2].restart);
	/* 2027: no January restart, a catch-up in February, baselines in April, July, October. */
	win_restarts(&cal, &set, &r, &oses[0], 2027, &rs);
	ck_assert_int_eq(rs.baseline, 3);
	ck_assert_int_eq(rs.catchup, 1);
	ck_assert_int_eq(rs.total, 4);
}
END_TEST

/*
 * The same dates as a freeze: January is offered 01-12 18:00, every window
 * until 02-12 is frozen and February's offer (02-09 18:00) comes first, so no
 * window; the deadline 01-19 18:00 forces the baseline inside the freeze.
 */
START_TEST(freeze_over_a_baseline_forces_it_at_the_deadline)
{
	struct ring r = ring(0, 7, 2);
	struct blackout bo = blackout(BO_FREEZE, "year-end freeze", (struct ymd){ 2027, 1, 10 },
	    (struct ymd){ 2027, 2, 12 });
	struct install in[2];

	walk(&r, 0, &bo, 1, ym_make(2027, 1), 2, in);
	ck_assert_int_eq(in[0].status, WS_NONE);
	ck_assert_int_eq(in[0].install, INS_BASELINE);
	ck_assert_int_eq(in[0].state, ST_ON);
	ck_assert(in[0].restart);
	ck_assert_int_eq(in[0].forced_at, utc(2027, 1, 19, 18, 0));
	ck_assert_ptr_eq(in[0].forced_in, &bo);
	ck_assert_int_eq(in[0].restart_deadline, utc(2027, 1, 21, 18, 0));
	ck_assert_ptr_eq(in[0].restart_in, &bo);
	ck_assert_str_eq(reason(&in[0], &r), "freeze 'year-end freeze' (2027-01-10..2027-02-12) "
	    "blocks every window before the next update is offered (2027-02-09); the deadline "
	    "forces the install and restart at 2027-01-19 18:00, inside freeze 'year-end freeze' "
	    "(2027-01-10..2027-02-12)");
	/* February: still on the baseline; first free window 02-16 20:00 is after the 02-16 18:00 deadline. */
	ck_assert_int_eq(in[1].install, INS_HOTPATCH);
	ck_assert_int_eq(in[1].status, WS_LATE);
	ck_assert_int_eq(in[1].forced_at, utc(2027, 2, 16, 18, 0));
	ck_assert_ptr_null(in[1].forced_in);
	ck_assert(!in[1].restart);
}
END_TEST

/*
 * A 30-day deadline runs past February's offer: January is superseded before
 * any window or deadline, a missed baseline; February (window 02-16) catches up.
 */
START_TEST(baseline_superseded_before_its_deadline_is_missed)
{
	struct ring r = ring(0, 30, 2);
	struct blackout bo = blackout(BO_FREEZE, "freeze", (struct ymd){ 2027, 1, 10 },
	    (struct ymd){ 2027, 2, 12 });
	struct install in[2];

	walk(&r, 0, &bo, 1, ym_make(2027, 1), 2, in);
	ck_assert_int_eq(in[0].status, WS_NONE);
	ck_assert_int_eq(in[0].forced_at, 0);
	ck_assert_int_eq(in[0].state, ST_MISSED);
	ck_assert(!in[0].restart);
	ck_assert_int_eq(in[1].install, INS_CATCHUP);
	ck_assert_int_eq(in[1].cause, CAUSE_SUPERSEDED);
	ck_assert_int_eq(in[1].window_start, utc(2027, 2, 16, 20, 0));
}
END_TEST

/* hotpatch_since 2027-03: LCU in January (the baseline) and February, LCU in March, baseline in April, hotpatch in May. */
START_TEST(enabled_in_march_waits_for_the_april_baseline)
{
	struct ring r = ring(0, 7, 2);
	struct install in[5];
	struct restarts rs;
	enum install_kind want[] = { INS_LCU, INS_LCU, INS_LCU, INS_BASELINE, INS_HOTPATCH };
	enum cause why[] = { CAUSE_NOT_YET, CAUSE_NOT_YET, CAUSE_ENROLLED, CAUSE_NONE, CAUSE_NONE };

	r.hotpatch_set = true;
	r.hotpatch_since = ym_make(2027, 3);
	walk(&r, 0, NULL, 0, ym_make(2027, 1), 5, in);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(in[i].install, want[i]);
		ck_assert_int_eq(in[i].cause, why[i]);
		ck_assert_int_eq(in[i].restart, want[i] != INS_HOTPATCH);
	}
	ck_assert_int_eq(in[0].state, ST_ON);	/* January's LCU is the baseline */
	ck_assert_int_eq(in[1].state, ST_OFF);
	ck_assert_ptr_nonnull(strstr(reason(&in[2], &r), "not on the latest baseline: hotpatch took "
	    "effect after the non-baseline LCU of February 2027 — LCUs, with a restart, until the "
	    "next baseline"));
	/* 2027: January and February LCUs, March off the baseline, then three baselines. */
	win_restarts(&cal, NULL, &r, &oses[0], 2027, &rs);
	ck_assert_int_eq(rs.lcu, 2);
	ck_assert_int_eq(rs.offbase, 1);
	ck_assert_int_eq(rs.baseline, 3);
	ck_assert_int_eq(rs.total, 6);
}
END_TEST

/* hotpatch_since 2027-02: January's LCU was the baseline, so February is a hotpatch. */
START_TEST(enabled_in_february_hotpatches_at_once)
{
	struct ring r = ring(0, 7, 2);
	struct install in[2];

	r.hotpatch_set = true;
	r.hotpatch_since = ym_make(2027, 2);
	walk(&r, 0, NULL, 0, ym_make(2027, 1), 2, in);
	ck_assert_int_eq(in[0].install, INS_LCU);
	ck_assert_int_eq(in[0].state, ST_ON);
	ck_assert_int_eq(in[1].install, INS_HOTPATCH);
	ck_assert(!in[1].restart);
}
END_TEST

/*
 * OS b with hotpatch on by default from 2026-05: a ring that does not set
 * hotpatch takes LCUs in March 2026, the April baseline, the May hotpatch;
 * a ring that sets it hotpatches in March.
 */
START_TEST(default_on_month_applies_only_to_rings_that_do_not_choose)
{
	struct ring r = ring(0, 7, 2);
	struct install in[3];

	oses[1].hotpatch_default_from = ym_make(2026, 5);
	walk(&r, 1, NULL, 0, ym_make(2026, 3), 3, in);
	ck_assert_int_eq(in[0].install, INS_LCU);
	ck_assert_int_eq(in[0].cause, CAUSE_NOT_YET);
	ck_assert_int_eq(in[1].install, INS_LCU);	/* April: the baseline as an LCU */
	ck_assert_int_eq(in[1].state, ST_ON);
	ck_assert_int_eq(in[2].install, INS_HOTPATCH);
	r.hotpatch_set = true;
	walk(&r, 1, NULL, 0, ym_make(2026, 3), 1, in);
	ck_assert_int_eq(in[0].install, INS_HOTPATCH);
}
END_TEST

/* 24H2 (a) -> 25H2 (b) in February 2027, a hotpatch month: b takes LCUs until April; a is untouched. */
START_TEST(upgrade_in_a_hotpatch_month_means_lcus_until_the_baseline)
{
	struct ring r = ring(0, 7, 2);
	struct install a[4], b[5];

	upg[0] = (struct upgrade){ .from = "a", .to = "b", .month = ym_make(2027, 2) };
	r.upg = upg;
	r.nupg = 1;
	walk(&r, 1, NULL, 0, ym_make(2027, 1), 5, b);
	ck_assert_int_eq(b[0].install, INS_BASELINE);
	ck_assert_int_eq(b[1].install, INS_LCU);
	ck_assert_int_eq(b[1].cause, CAUSE_UPGRADE);
	ck_assert(b[1].restart);
	ck_assert_str_eq(reason(&b[1], &r), "feature update from a to b in a hotpatch month: "
	    "standard LCUs until the next baseline; first maintenance window after the offer");
	ck_assert_int_eq(b[2].install, INS_LCU);
	ck_assert_int_eq(b[2].cause, CAUSE_UPGRADE);
	ck_assert_int_eq(b[2].state, ST_OFF);
	ck_assert_int_eq(b[3].install, INS_BASELINE);
	ck_assert_int_eq(b[4].install, INS_HOTPATCH);
	/* The same ring's other OS: two states in one ring. */
	walk(&r, 0, NULL, 0, ym_make(2027, 1), 4, a);
	ck_assert_int_eq(a[1].install, INS_HOTPATCH);
	ck_assert_int_eq(a[2].install, INS_HOTPATCH);
	ck_assert_int_eq(a[2].state, ST_ON);
}
END_TEST

START_TEST(upgrade_in_a_baseline_month_changes_nothing)
{
	struct ring r = ring(0, 7, 2);
	struct install b[2];

	upg[0] = (struct upgrade){ .from = "a", .to = "b", .month = ym_make(2027, 4) };
	r.upg = upg;
	r.nupg = 1;
	walk(&r, 1, NULL, 0, ym_make(2027, 4), 2, b);
	ck_assert_int_eq(b[0].install, INS_BASELINE);
	ck_assert_int_eq(b[1].install, INS_HOTPATCH);
}
END_TEST

/*
 * An automatic out-of-band LCU on 2027-02-20 that leaves hotpatch: February's
 * hotpatch went in before it, March is an LCU, April the baseline.  Offered
 * the same day to a ring past its deferral (02-09 + 5 days), on 02-23 18:00
 * to a ring deferring 14 days, at the pause's end to a paused ring.
 */
START_TEST(oob_that_leaves_hotpatch_means_lcus_until_the_baseline)
{
	struct ring r = ring(5, 7, 2), slow = ring(14, 3, 1);
	struct install in[3];
	struct oob_install oi;
	struct restarts rs;
	struct blackout bo = blackout(BO_PAUSE, "pause", (struct ymd){ 2027, 2, 15 },
	    (struct ymd){ 2027, 2, 28 });
	struct ringset set = { .ring = &r, .nring = 1, .bo = &bo, .nbo = 1 };

	oob[0] = (struct oob){ .date = { 2027, 2, 20 }, .kb = "KB5000001", .restart = true,
	    .leaves_hotpatch = true };
	oses[0].oob = oob;
	oses[0].noob = 1;
	walk(&r, 0, NULL, 0, ym_make(2027, 2), 3, in);
	ck_assert_int_eq(in[0].install, INS_HOTPATCH);
	ck_assert_int_eq(in[0].state, ST_OFF);
	ck_assert_int_eq(in[1].install, INS_LCU);
	ck_assert_int_eq(in[1].cause, CAUSE_OOB);
	ck_assert_ptr_nonnull(strstr(reason(&in[1], &r), "the out-of-band LCU KB5000001 went in "
	    "after the February 2027 release"));
	ck_assert_int_eq(in[2].install, INS_BASELINE);
	win_oob(NULL, &r, &oses[0], &oob[0], &oi);
	ck_assert(oi.offered);
	ck_assert_int_eq(oi.offered_at, utc(2027, 2, 20, 18, 0));
	ck_assert_int_eq(oi.install_deadline, utc(2027, 2, 27, 18, 0));
	ck_assert_int_eq(oi.restart_deadline, utc(2027, 3, 1, 18, 0));
	win_oob(NULL, &slow, &oses[0], &oob[0], &oi);
	ck_assert_int_eq(oi.offered_at, utc(2027, 2, 23, 18, 0));
	win_oob(&set, &r, &oses[0], &oob[0], &oi);
	ck_assert_int_eq(oi.offered_at, utc(2027, 3, 1, 0, 0));
	ck_assert_ptr_eq(oi.pause, &bo);
	/* 2027 without the pause: four baselines, March off the baseline, the OOB itself. */
	win_restarts(&cal, NULL, &r, &oses[0], 2027, &rs);
	ck_assert_int_eq(rs.baseline, 4);
	ck_assert_int_eq(rs.offbase, 1);
	ck_assert_int_eq(rs.oob, 1);
	ck_assert_int_eq(rs.total, 6);
}
END_TEST

/* The same release from the Catalog only: never offered, never counted, no state change. */
START_TEST(catalog_oob_changes_nothing)
{
	struct ring r = ring(5, 7, 2);
	struct install in[2];
	struct oob_install oi;
	struct restarts rs;

	oob[0] = (struct oob){ .date = { 2027, 2, 20 }, .kb = "KB5000001", .restart = true,
	    .leaves_hotpatch = true, .delivery = DELIVERY_CATALOG };
	oses[0].oob = oob;
	oses[0].noob = 1;
	walk(&r, 0, NULL, 0, ym_make(2027, 2), 2, in);
	ck_assert_int_eq(in[1].install, INS_HOTPATCH);
	win_oob(NULL, &r, &oses[0], &oob[0], &oi);
	ck_assert(!oi.offered);
	win_restarts(&cal, NULL, &r, &oses[0], 2027, &rs);
	ck_assert_int_eq(rs.oob, 0);
	ck_assert_int_eq(rs.total, 4);
}
END_TEST

/*
 * April 2027 (released 04-13 17:00Z) expedited: deferral 0, deadline 1 day,
 * grace 1 day, whatever the ring says (5/3/2), unless it says expedite: false.
 * March's next offer is April's expedited one.
 */
START_TEST(expedited_month_uses_one_day_deadlines)
{
	struct ring r = ring(5, 3, 2);
	struct install in[2];

	rel[0] = (struct release){ .month = ym_make(2027, 4), .kind = KIND_BASELINE,
	    .expedited = true };
	oses[0].rel = rel;
	oses[0].nrel = 1;
	walk(&r, 0, NULL, 0, ym_make(2027, 3), 2, in);
	ck_assert_int_eq(in[0].next_offered_at, utc(2027, 4, 13, 17, 0));
	ck_assert(in[1].expedited);
	ck_assert_int_eq(in[1].offered_at, utc(2027, 4, 13, 17, 0));
	ck_assert_int_eq(in[1].install_deadline, utc(2027, 4, 14, 17, 0));
	ck_assert_int_eq(in[1].restart_deadline, utc(2027, 4, 15, 17, 0));
	r.expedite = false;
	walk(&r, 0, NULL, 0, ym_make(2027, 4), 1, in);
	ck_assert(!in[0].expedited);
	ck_assert_int_eq(in[0].offered_at, utc(2027, 4, 18, 17, 0));
	ck_assert_int_eq(in[0].install_deadline, utc(2027, 4, 21, 17, 0));
	ck_assert_int_eq(in[0].restart_deadline, utc(2027, 4, 23, 17, 0));
}
END_TEST

/*
 * A pause 2027-02-08..03-09 (30 days) holds February's offer (02-09 18:00) and
 * March's (03-09 18:00) to 03-10 00:00: February is skipped, the ring stays on
 * the baseline and March is its hotpatch, offered when the pause ends.
 */
START_TEST(hotpatch_skipped_by_a_pause_keeps_the_baseline)
{
	struct ring r = ring(0, 7, 2);
	struct blackout bo = blackout(BO_PAUSE, "pause", (struct ymd){ 2027, 2, 8 },
	    (struct ymd){ 2027, 3, 9 });
	struct install in[3];

	walk(&r, 0, &bo, 1, ym_make(2027, 1), 3, in);
	ck_assert_int_eq(in[0].install, INS_BASELINE);
	ck_assert(in[1].skipped);
	ck_assert(!in[1].restart);
	ck_assert_int_eq(in[1].state, ST_ON);
	ck_assert_ptr_nonnull(strstr(reason(&in[1], &r), "holds every offer until the next "
	    "release: skipped"));
	ck_assert(!in[2].skipped);
	ck_assert_int_eq(in[2].install, INS_HOTPATCH);
	ck_assert_int_eq(in[2].offered_at, utc(2027, 3, 10, 0, 0));
}
END_TEST

/*
 * OS b never gets hotpatch (Windows 10, say): every month is the LCU with a
 * restart, whatever the ring's settings, and the reason says so.  January
 * 2027 is offered at Patch Tuesday 01-12 18:00Z (PST), a Tuesday, so the
 * first window is the same day 20:00Z.  2027 has 12 such restarts, no other.
 */
START_TEST(os_that_never_gets_hotpatch_takes_the_lcu_every_month)
{
	struct ring r = ring(0, 7, 2);
	struct ringset set = { .ring = &r, .nring = 1 };
	struct install in[4];
	struct restarts rs;

	oses[1].never_hotpatch = true;
	oses[1].hotpatch_start = 0;
	oses[1].baseline_months = 0;
	walk(&r, 1, NULL, 0, ym_make(2027, 1), 4, in);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(in[i].mi.kind, KIND_LCU);
		ck_assert_int_eq(in[i].install, INS_LCU);
		ck_assert_int_eq(in[i].cause, CAUSE_NEVER);
		ck_assert(!in[i].eligible);
		ck_assert_str_eq(in[i].not_eligible, "this OS never gets hotpatch");
		ck_assert(in[i].restart);
	}
	ck_assert_int_eq(in[0].window_start, utc(2027, 1, 12, 20, 0));
	ck_assert_str_eq(reason(&in[0], &r), "this OS never gets hotpatch: the LCU, with a "
	    "restart, every month; first maintenance window after the offer");
	win_restarts(&cal, &set, &r, &oses[1], 2027, &rs);
	ck_assert_int_eq(rs.lcu, 12);
	ck_assert_int_eq(rs.total, 12);
	/* The OS decides before the ring: a ring with hotpatch off gets the same reason. */
	r.hotpatch = false;
	walk(&r, 1, NULL, 0, ym_make(2027, 1), 1, in);
	ck_assert_int_eq(in[0].cause, CAUSE_NEVER);
	ck_assert_str_eq(in[0].not_eligible, "this OS never gets hotpatch");
	/* OS a, on the calendar, is untouched: April 2027 is its baseline. */
	walk(&r, 0, NULL, 0, ym_make(2027, 4), 1, in);
	ck_assert_int_eq(in[0].mi.kind, KIND_BASELINE);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("state");

	suite_add_tcase(s, tcase_of("rules", setup, teardown, TESTS(
	    baseline_missed_by_a_pause_brings_a_catch_up,
	    freeze_over_a_baseline_forces_it_at_the_deadline,
	    baseline_superseded_before_its_deadline_is_missed,
	    enabled_in_march_waits_for_the_april_baseline,
	    enabled_in_february_hotpatches_at_once,
	    default_on_month_applies_only_to_rings_that_do_not_choose,
	    upgrade_in_a_hotpatch_month_means_lcus_until_the_baseline,
	    upgrade_in_a_baseline_month_changes_nothing,
	    oob_that_leaves_hotpatch_means_lcus_until_the_baseline,
	    catalog_oob_changes_nothing,
	    expedited_month_uses_one_day_deadlines,
	    hotpatch_skipped_by_a_pause_keeps_the_baseline,
	    os_that_never_gets_hotpatch_takes_the_lcu_every_month)));
	return run_suite(s);
}
