/*
 * check_device: the device engine (doc/rules.md, "Devices") against answers
 * worked out by hand.
 *
 * The calendar is the shipped one's shape with its 2026 Windows 11 builds
 * (facts §1.3, §8): win11-24h2 baselines in January, April, July and
 * October; published January 2026 baseline 26100.7623, February hotpatch
 * .7781, March hotpatch .7979, April baseline .8246; floor 26100.2033.
 * Patch Tuesdays 2026-03-10, 04-14, 05-12; the release is 10:00 Los
 * Angeles, 17:00Z under PDT (from 2026-03-08).  Rings are in UTC with one
 * window, Tuesday and Thursday 20:00 for 2 h.  Planning starts in March
 * 2026, so the latest baseline before it is January's, 26100.7623.
 */
#include "calfile.h"
#include "device.h"
#include "diag.h"
#include "install_eq.h"
#include "placement.h"
#include "rings.h"
#include "tzcache.h"
#include "testutil.h"

#include <string.h>

#define QUARTERS	(1u << 1 | 1u << 4 | 1u << 7 | 1u << 10)
#define TUE_THU		(1u << 2 | 1u << 4)
/* ym_make as a constant, for the static tables. */
#define YM(y, m)	((y) * 12 + (m) - 1)
#define MARCH		YM(2026, 3)

static struct release rel[] = {
	{ .month = YM(2026, 1), .kind = KIND_BASELINE, .build = "26100.7623" },
	{ .month = YM(2026, 2), .kind = KIND_HOTPATCH, .build = "26100.7781" },
	{ .month = YM(2026, 3), .kind = KIND_HOTPATCH, .build = "26100.7979" },
	{ .month = YM(2026, 4), .kind = KIND_BASELINE, .build = "26100.8246" },
	/* Made up for the test: July's baseline unpublished, August's hotpatch published. */
	{ .month = YM(2026, 8), .kind = KIND_HOTPATCH, .build = "26100.9000" },
};

/* Ids as the shipped calendar has them; only win11-24h2 has months. */
static struct os_def oses[] = {
	{ .id = "win11-24h2", .name = "Windows 11 Enterprise, version 24H2",
	    .arch = ARCH_X64 | ARCH_ARM64, .hotpatch_start = YM(2024, 1),
	    .baseline_months = QUARTERS, .min_build = "26100.2033", .rel = rel, .nrel = 5 },
	{ .id = "win11-23h2", .name = "Windows 11, version 23H2", .arch = ARCH_X64,
	    .never_hotpatch = true },
	{ .id = "win11-25h2", .arch = ARCH_X64 }, { .id = "win11-26h2", .arch = ARCH_X64 },
	{ .id = "win11-26h1", .arch = ARCH_ARM64, .never_hotpatch = true },
	{ .id = "win10-22h2", .arch = ARCH_X64, .never_hotpatch = true },
	{ .id = "ws2025-azure", .arch = ARCH_X64 }, { .id = "ws2025-arc", .arch = ARCH_X64 },
	{ .id = "ws2022-azure", .arch = ARCH_X64 },
};
static struct caldata cal = { .os = oses, .nos = sizeof(oses) / sizeof(oses[0]) };
static struct mwindow win[] = { { WIN_WEEKLY, TUE_THU, 0, 20 * 60, 120 } };
static char *ring_os[] = { "win11-24h2", "win11-23h2" };
static char *arc_os[] = { "win11-24h2", "ws2025-arc" };

static void
teardown(void)
{
	tz_free_all();
}

/* A ring that takes hotpatches, its devices x64, VBS running, licensed. */
static struct ring
ring(const char *id, int deferral)
{
	return (struct ring){ .id = (char *)id, .name = (char *)id, .os = ring_os, .nos = 2,
	    .timezone = "UTC", .deferral_days = deferral, .deadline_days = 2, .grace_days = 2,
	    .hotpatch = true, .hotpatch_set = true, .arch = ARCH_X64, .vbs = true,
	    .licensed = true, .expedite = true, .reminder_min = -1, .win = win, .nwin = 1 };
}

/* An Enterprise x64 device with VBS running and a licence, on 10.0.26100.UBR. */
static struct device
device(const char *name, const char *ring_id, unsigned ubr)
{
	return (struct device){ .name = (char *)name, .ring = (char *)ring_id, .build = 26100,
	    .ubr = ubr, .arch = ARCH_X64, .vbs = TRI_YES, .chpe_disabled = TRI_UNKNOWN,
	    .edition = "Enterprise", .licensed = TRI_YES };
}

static enum os_found
os_of(unsigned build, const char *hint, const struct ring *r, const char **id)
{
	struct device d = { .build = build };
	struct os_match m;

	device_os(&cal, r, &d, hint, &m);
	*id = m.os != NULL ? m.os->id : NULL;
	return m.found;
}

/*
 * Each row of the build table and its OS in the calendar c, with a ring that
 * lists ws2025-arc; builds only one class has need no hint.
 */
static void
every_row(const struct caldata *c, const struct ring *r)
{
	static const struct { unsigned build; const char *hint, *id; } want[] = {
		{ 19045, NULL, "win10-22h2" }, { 20348, NULL, "ws2022-azure" },
		{ 22631, NULL, "win11-23h2" }, { 26100, "Windows", "win11-24h2" },
		{ 26100, "Windows Server", "ws2025-arc" }, { 26200, NULL, "win11-25h2" },
		{ 26300, NULL, "win11-26h2" }, { 28000, NULL, "win11-26h1" },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct device d = { .build = want[i].build };
		struct os_match m;

		device_os(c, r, &d, want[i].hint, &m);
		ck_assert_int_eq(m.found, OSF_FOUND);
		ck_assert_str_eq(m.os->id, want[i].id);
	}
}

START_TEST(build_to_os_for_each_build_class)
{
	struct ring r = ring("r", 0);
	const char *id;

	/* 26100 is Windows 11 24H2 on a client, Server 2025 on a server. */
	ck_assert_int_eq(os_of(26100, "Windows", NULL, &id), OSF_FOUND);
	ck_assert_str_eq(id, "win11-24h2");
	ck_assert_int_eq(os_of(26100, NULL, NULL, &id), OSF_NEED_HINT);
	/* No hint: a ring of client OSes only says client; one of both says nothing. */
	ck_assert_int_eq(os_of(26100, NULL, &r, &id), OSF_FOUND);
	ck_assert_str_eq(id, "win11-24h2");
	r.os = arc_os;
	ck_assert_int_eq(os_of(26100, NULL, &r, &id), OSF_NEED_HINT);
	/* Two calendar OSes are Server 2025: only a ring listing one of them decides. */
	ck_assert_int_eq(os_of(26100, "Windows Server 2025 Datacenter", NULL, &id), OSF_AMBIGUOUS);
	every_row(&cal, &r);
	/* Windows 11 21H2 (22000) is not in the table: reported, not guessed. */
	ck_assert_int_eq(os_of(22000, "Windows", NULL, &id), OSF_UNKNOWN_BUILD);
	ck_assert_ptr_null(build_version(22000, false));
	ck_assert_str_eq(build_version(26100, true), "Windows Server 2025");
	ck_assert_int_eq(os_of(0, "Windows", NULL, &id), OSF_NO_BUILD);
}
END_TEST

START_TEST(os_given_by_id_or_missing_from_the_calendar)
{
	struct device d = { .os = "ws2025-arc", .build = 26100 };
	struct caldata small = { .os = oses, .nos = 3 };
	struct os_match m;

	device_os(&cal, NULL, &d, NULL, &m);
	ck_assert_int_eq(m.found, OSF_FOUND);
	ck_assert_str_eq(m.os->id, "ws2025-arc");
	d.os = "win11-99h9";
	device_os(&cal, NULL, &d, NULL, &m);
	ck_assert_int_eq(m.found, OSF_NOT_IN_CALENDAR);
	/* A calendar without win11-26h2: the version is known, the OS is not there. */
	d = (struct device){ .build = 26300 };
	device_os(&small, NULL, &d, NULL, &m);
	ck_assert_int_eq(m.found, OSF_NOT_IN_CALENDAR);
	ck_assert_str_eq(m.version, "Windows 11, version 26H2");
}
END_TEST

/*
 * Every row of the build table finds its OS in the shipped calendar (26100
 * on a server with a ring that lists ws2025-arc); and a device on July
 * 2026's baseline 26100.8875 is below October's, whose build is not
 * published: revisions rise, so October's is above July's.
 */
START_TEST(the_shipped_calendar_has_an_os_for_every_build)
{
	char *path = srcpath("data/calendar.yaml");
	struct caldata shipped = { 0 };
	struct diags dg = { 0 };
	struct ring r = ring("r", 0);
	struct device d = device("pc", "r", 8875);
	struct dev_baseline b;
	struct os_match m;

	ck_assert_int_eq(calfile_load(path, &shipped, &dg), 0);
	free(path);
	r.os = arc_os;
	every_row(&shipped, &r);
	device_os(&shipped, &r, &d, "Windows", &m);
	device_baseline(&shipped, m.os, &d, YM(2027, 1), &b);
	ck_assert_int_eq(b.base, DB_BELOW);
	ck_assert_int_eq(b.month, YM(2026, 10));
	caldata_free(&shipped);
}
END_TEST

/* d's verdict and build state for win11-24h2 from March 2026, and its first n months. */
static void
months(const struct ring *r, const struct device *d, struct dev_elig *e, struct dev_baseline *b,
    int n, struct install *in)
{
	struct ringset rs = { .ring = (struct ring *)r, .nring = 1 };

	device_baseline(&cal, &oses[0], d, MARCH, b);
	device_eligible(r, &oses[0], d, b, e);
	device_months(&cal, &rs, r, &oses[0], e, b, MARCH, n, in);
}

START_TEST(last_months_hotpatch_build_is_on_the_baseline)
{
	struct ring r = ring("r", 0);
	struct device d = device("pc1", "r", 7781);	/* February's hotpatch, above .7623 */
	struct dev_elig e;
	struct dev_baseline b;
	struct install in[2];

	months(&r, &d, &e, &b, 2, in);
	ck_assert_int_eq(b.base, DB_ON);
	ck_assert_int_eq(b.month, YM(2026, 1));
	ck_assert_str_eq(b.latest->build, "26100.7623");
	ck_assert(e.eligible);
	ck_assert_uint_eq(e.nreason, 0);
	/* March: the hotpatch, no restart; first window Tuesday 03-10 20:00Z, after 17:00Z. */
	ck_assert_int_eq(in[0].install, INS_HOTPATCH);
	ck_assert(!in[0].restart);
	ck_assert_int_eq(in[0].window_start, utc(2026, 3, 10, 20, 0));
	/* April: the baseline, restart by 04-14 17:00Z + 2 + 2 days. */
	ck_assert_int_eq(in[1].install, INS_BASELINE);
	ck_assert_int_eq(in[1].restart_deadline, utc(2026, 4, 18, 17, 0));
	/* The baseline build itself is on it too. */
	d.ubr = 7623;
	device_baseline(&cal, &oses[0], &d, MARCH, &b);
	ck_assert_int_eq(b.base, DB_ON);
}
END_TEST

/* device_answer is device_os, device_baseline and device_eligible in one. */
START_TEST(one_answer_for_a_device)
{
	struct ring r = ring("r", 0);
	struct device d = device("pc1", "r", 7781);
	struct dev_answer a;

	ck_assert(device_answer(&cal, &r, &d, "Windows", MARCH, &a));
	ck_assert_str_eq(a.os.os->id, "win11-24h2");
	ck_assert_int_eq(a.base.base, DB_ON);
	ck_assert(a.elig.eligible);
	/* Without a ring, the OS alone. */
	ck_assert(!device_answer(&cal, NULL, &d, "Windows", MARCH, &a));
	ck_assert_int_eq(a.os.found, OSF_FOUND);
	/* 26100 with no hint, in a ring of client and server: not found, nothing else answered. */
	r.os = arc_os;
	ck_assert(!device_answer(&cal, &r, &d, NULL, MARCH, &a));
	ck_assert_int_eq(a.os.found, OSF_NEED_HINT);
}
END_TEST

START_TEST(below_the_baseline_brings_a_catch_up)
{
	struct ring r = ring("r", 0);
	struct device d = device("pc3", "r", 7392);	/* December 2025, below .7623 */
	struct dev_elig e;
	struct dev_baseline b;
	struct install in[3];
	char buf[WIN_REASON_MAX];

	months(&r, &d, &e, &b, 3, in);
	ck_assert_int_eq(b.base, DB_BELOW);
	ck_assert(e.eligible);
	/* March: the January baseline and the hotpatch, restart by 03-10 17:00Z + 4 days. */
	ck_assert_int_eq(in[0].install, INS_CATCHUP);
	ck_assert_int_eq(in[0].state_before, ST_MISSED);
	ck_assert_int_eq(in[0].cause, CAUSE_BUILD);
	ck_assert(in[0].restart);
	ck_assert_int_eq(in[0].restart_deadline, utc(2026, 3, 14, 17, 0));
	ck_assert_str_eq(win_reason(&in[0], &r, buf, sizeof(buf)), "not on the latest baseline: "
	    "the device's build is below the January 2026 baseline — March 2026 brings the "
	    "baseline and the hotpatch, with a restart; first maintenance window after the offer");
	/* Back on the baseline: April's baseline, May's hotpatch. */
	ck_assert_int_eq(in[1].install, INS_BASELINE);
	ck_assert_int_eq(in[2].install, INS_HOTPATCH);
	ck_assert(!in[2].restart);
}
END_TEST

/*
 * Planning from September 2026: the latest baseline is July's (planned), with
 * no published build.  At or below April's .8246 (the nearest published
 * build before it; June and May have none) is below July's; at or above
 * August's hotpatch .9000 is on it (a hotpatch goes on top of the baseline);
 * between the two nothing tells.
 */
START_TEST(builds_around_an_unpublished_baseline)
{
	struct device d = device("pc9", "r", 8000);
	struct dev_baseline b;
	const ym_t sep = YM(2026, 9);

	device_baseline(&cal, &oses[0], &d, sep, &b);
	ck_assert_int_eq(b.base, DB_BELOW);
	ck_assert_int_eq(b.month, YM(2026, 7));
	ck_assert_ptr_null(b.latest);
	d.ubr = 8246;	/* April's baseline itself: July's is higher */
	device_baseline(&cal, &oses[0], &d, sep, &b);
	ck_assert_int_eq(b.base, DB_BELOW);
	d.ubr = 9000;
	device_baseline(&cal, &oses[0], &d, sep, &b);
	ck_assert_int_eq(b.base, DB_ON);
	d.ubr = 8500;
	device_baseline(&cal, &oses[0], &d, sep, &b);
	ck_assert_int_eq(b.base, DB_UNKNOWN);
	ck_assert_str_eq(b.why, "the latest baseline has no published build, and the builds "
	    "around it do not tell");
	/* From August, August's own release is not before the first month: nothing tells. */
	d.ubr = 9000;
	device_baseline(&cal, &oses[0], &d, YM(2026, 8), &b);
	ck_assert_int_eq(b.base, DB_UNKNOWN);
	/* Another OS's build (25H2's 26200) against 24H2's published baseline. */
	d.build = 26200;
	device_baseline(&cal, &oses[0], &d, MARCH, &b);
	ck_assert_int_eq(b.base, DB_UNKNOWN);
	ck_assert_str_eq(b.why, "the device's build is not one of this OS");
}
END_TEST

START_TEST(below_the_floor_is_not_eligible)
{
	struct ring r = ring("r", 0);
	struct device d = device("pc4", "r", 1742);	/* below 26100.2033 */
	struct dev_elig e;
	struct dev_baseline b;
	struct install in[2];

	months(&r, &d, &e, &b, 2, in);
	ck_assert(b.below_floor);
	ck_assert(!e.eligible);
	ck_assert_uint_eq(e.nreason, 1);
	ck_assert_str_eq(e.reason[0], "the build is below this OS's minimum for hotpatch (min_build)");
	/* Not eligible: the LCU in March, April's baseline as the LCU, both with a restart. */
	ck_assert_int_eq(in[0].install, INS_LCU);
	ck_assert_int_eq(in[0].cause, CAUSE_NOT_ELIGIBLE);
	ck_assert(in[0].restart);
	ck_assert_int_eq(in[1].install, INS_LCU);
	ck_assert(in[1].restart);
}
END_TEST

START_TEST(pro_edition_and_every_other_reason)
{
	struct ring r = ring("r", 0);
	struct device d = device("pc5", "r", 7781);
	struct dev_elig e;
	struct dev_baseline b;
	struct install in[1];

	d.edition = "Windows 11 Pro";
	months(&r, &d, &e, &b, 1, in);
	ck_assert(!e.eligible);
	ck_assert_uint_eq(e.nreason, 1);
	ck_assert_str_eq(e.reason[0], "not an eligible edition or licence, such as Pro, or not "
	    "enrolled through Azure Arc");
	ck_assert_int_eq(in[0].install, INS_LCU);
	/* Pro Education is not Education; Education itself is eligible. */
	d.edition = "Pro Education";
	device_eligible(&r, &oses[0], &d, &b, &e);
	ck_assert(!e.eligible);
	d.edition = "Education";
	device_eligible(&r, &oses[0], &d, &b, &e);
	ck_assert(e.eligible);
	/* Pro, arm64 with CHPE on, VBS off, below the floor: four reasons, in the checks' order. */
	d = device("pc6", "r", 1000);
	d.edition = "Pro";
	d.arch = ARCH_ARM64;
	d.vbs = TRI_NO;
	d.chpe_disabled = TRI_NO;
	device_baseline(&cal, &oses[0], &d, MARCH, &b);
	device_eligible(&r, &oses[0], &d, &b, &e);
	ck_assert_uint_eq(e.nreason, 4);
	ck_assert_str_eq(e.reason[1], "virtualization-based security (VBS) is not running");
	ck_assert_str_eq(e.reason[2], "arm64 with CHPE enabled (set HotPatchRestrictions=1 and "
	    "restart)");
	ck_assert_str_eq(e.reason[3], "the build is below this OS's minimum for hotpatch (min_build)");
	ck_assert_uint_eq(e.from_ring, 0);
	/*
	 * arm64 with VBS off on ws2025-arc (x64 only): VBS, then the architecture;
	 * CHPE on adds nothing, since an OS without arm64 fails it first.
	 */
	d.edition = "Datacenter";
	device_eligible(&r, &oses[7], &d, NULL, &e);
	ck_assert_uint_eq(e.nreason, 2);
	ck_assert_str_eq(e.reason[0], "virtualization-based security (VBS) is not running");
	ck_assert_str_eq(e.reason[1], "this OS has no hotpatch for arm64");
}
END_TEST

START_TEST(unknown_facts_fall_back_to_the_ring)
{
	struct ring r = ring("r", 0);
	struct device d = { .name = "pc7", .build = 26100, .ubr = 7781, .vbs = TRI_UNKNOWN,
	    .chpe_disabled = TRI_UNKNOWN, .licensed = TRI_UNKNOWN };
	struct dev_elig e;
	struct dev_baseline b;
	struct install in[1];

	/* Arch, VBS and licence from the ring (x64, running, licensed); CHPE does not apply to x64. */
	months(&r, &d, &e, &b, 1, in);
	ck_assert(e.eligible);
	ck_assert_uint_eq(e.from_ring, DF_ARCH | DF_VBS | DF_LICENCE);
	ck_assert_str_eq(dev_fact_words(DF_VBS), "VBS not reported: the ring's setting is used");
	ck_assert_int_eq(in[0].install, INS_HOTPATCH);
	/* A ring whose VBS is off makes the same device ineligible, and says the fact is the ring's. */
	r.vbs = false;
	device_eligible(&r, &oses[0], &d, &b, &e);
	ck_assert(!e.eligible);
	ck_assert_str_eq(e.reason[0], "virtualization-based security (VBS) is not running");
	ck_assert(e.from_ring & DF_VBS);
	/* The device's own fact overrides the ring's. */
	d.vbs = TRI_YES;
	device_eligible(&r, &oses[0], &d, &b, &e);
	ck_assert(e.eligible);
}
END_TEST

/* With no build and the ring's facts, a device walks exactly as its ring. */
START_TEST(a_device_the_build_says_nothing_of_walks_as_its_ring)
{
	struct ring r = ring("r", 0);
	struct ringset rs = { .ring = &r, .nring = 1 };
	struct device d = { .name = "pc8", .os = "win11-24h2", .vbs = TRI_UNKNOWN,
	    .chpe_disabled = TRI_UNKNOWN, .licensed = TRI_UNKNOWN };
	struct dev_elig e;
	struct dev_baseline b;
	struct install dev[4], ring_in;
	struct walk w;

	months(&r, &d, &e, &b, 4, dev);
	ck_assert_int_eq(b.base, DB_UNKNOWN);
	ck_assert_str_eq(b.why, "the device's build is not known");
	walk_start(&w, &cal, &rs, &r, &oses[0], MARCH);
	for (int i = 0; i < 4; i++) {
		walk_month(&w, &ring_in);
		ck_assert_install_eq(&ring_in, &dev[i]);
	}
}
END_TEST

/*
 * Eight devices, two rings, March to May 2026 (hotpatch, baseline, hotpatch).
 * Ring "a" (deferral 0): a1 on .7781 and a2 on .7623 (on the baseline: one
 * group), a3 on .7392 (below: catch-up), a4 Pro, a5 VBS off.  Ring "b"
 * (deferral 1, VBS off on the ring): b1 VBS unknown (the ring's: off), b2
 * VBS on (eligible), b3 on 22631 (23H2, never hotpatch).
 *
 *          a: HP  CU  BL  LCU  restarts  why           b: HP  BL  LCU  restarts
 * March       2   1   -   2    3 (a3-a5) licence 1,       1   -   2    2
 *                                         VBS 1                          (23H2 1, VBS 1)
 * April       -   -   3   2    5                           -   1   2    3
 * May         3   -   -   2    2                           1   -   2    2
 */
START_TEST(fleet_counts_for_a_small_inventory)
{
	struct ring rings[] = { ring("a", 0), ring("b", 1) };
	struct ringset rs = { .ring = rings, .nring = 2 };
	struct device dev[8] = {
		device("a1", "a", 7781), device("a2", "a", 7623), device("a3", "a", 7392),
		device("a4", "a", 7781), device("a5", "a", 7781),
		device("b1", "b", 7781), device("b2", "b", 7781), device("b3", "b", 4000),
	};
	struct inventory inv = { dev, 8 };
	struct fleet f;
	const struct fleet_month *m;

	rings[1].vbs = false;
	dev[3].edition = "Pro";
	dev[4].vbs = TRI_NO;
	dev[5].vbs = TRI_UNKNOWN;
	dev[7].build = 22631;
	ck_assert_int_eq(fleet_count(&inv, &cal, &rs, MARCH, 3, &f), 0);
	ck_assert_uint_eq(f.walks, 7);
	ck_assert_int_eq(f.no_ring + f.no_os, 0);
	ck_assert_int_eq(f.ring[0].devices, 5);
	ck_assert_int_eq(f.ring[0].eligible, 3);
	ck_assert_int_eq(f.ring[0].below_baseline, 1);
	m = f.ring[0].month;
	ck_assert_int_eq(m[0].install[INS_HOTPATCH], 2);
	ck_assert_int_eq(m[0].install[INS_CATCHUP], 1);
	ck_assert_int_eq(m[0].install[INS_LCU], 2);
	ck_assert_int_eq(m[0].restarts, 3);
	ck_assert_uint_eq(m[0].nwhy, 2);
	ck_assert_str_eq(m[0].why[0].text, "not an eligible edition or licence, such as Pro, or "
	    "not enrolled through Azure Arc");
	ck_assert_int_eq(m[0].why[0].n, 1);
	ck_assert_int_eq(m[1].install[INS_BASELINE], 3);
	ck_assert_int_eq(m[1].install[INS_LCU], 2);
	ck_assert_int_eq(m[1].restarts, 5);
	ck_assert_int_eq(m[2].install[INS_HOTPATCH], 3);
	ck_assert_int_eq(m[2].restarts, 2);
	m = f.ring[1].month;
	ck_assert_int_eq(f.ring[1].devices, 3);
	ck_assert_int_eq(f.ring[1].build_unknown, 1);	/* b3: 23H2 has no baseline */
	ck_assert_int_eq(m[0].install[INS_HOTPATCH], 1);
	ck_assert_int_eq(m[0].install[INS_LCU], 2);
	ck_assert_int_eq(m[0].restarts, 2);
	ck_assert_uint_eq(m[0].nwhy, 2);
	ck_assert_str_eq(m[0].why[0].text, "this OS never gets hotpatch");
	ck_assert_str_eq(m[0].why[1].text, "virtualization-based security (VBS) is not running");
	ck_assert_int_eq(m[1].install[INS_BASELINE], 1);
	ck_assert_int_eq(m[1].restarts, 3);
	ck_assert_int_eq(m[2].install[INS_HOTPATCH], 1);
	ck_assert_int_eq(m[2].restarts, 2);
	fleet_free(&f);
}
END_TEST

/*
 * 100,000 devices in 8 kinds over 12 months: 8 walks, each count
 * 12,500 times its kind's.  Devices without a ring or OS are counted apart.
 */
START_TEST(fleet_shares_walks_between_alike_devices)
{
	enum { N = 100000 };
	struct ring r = ring("a", 0);
	struct ringset rs = { .ring = &r, .nring = 1 };
	struct device *dev = calloc(N, sizeof(*dev));
	struct inventory inv = { dev, N };
	struct fleet f;

	ck_assert_ptr_nonnull(dev);
	for (size_t i = 0; i < N; i++) {
		dev[i] = device("x", "a", 7781);
		switch (i % 8) {
		case 1: dev[i].ubr = 7392; break;
		case 2: dev[i].edition = "Pro"; break;
		case 3: dev[i].vbs = TRI_NO; break;
		case 4: dev[i].ubr = 1000; break;
		case 5: dev[i].build = 22631; break;
		case 6: dev[i].ring = "gone"; break;
		case 7: dev[i].build = 22000; break;
		default: break;
		}
	}
	ck_assert_int_eq(fleet_count(&inv, &cal, &rs, MARCH, 0, &f), -1);
	ck_assert_uint_eq(f.nring, 0);
	ck_assert_int_eq(fleet_count(&inv, &cal, &rs, MARCH, 12, &f), 0);
	/* Kinds 0..5 walk once each; 6 has no ring, 7 no OS. */
	ck_assert_uint_eq(f.walks, 6);
	ck_assert_int_eq(f.no_ring, N / 8);
	ck_assert_int_eq(f.no_os, N / 8);
	ck_assert_int_eq(f.ring[0].devices, 6 * N / 8);
	/* March: kind 0 hotpatches, kind 1 catches up, kinds 2..5 take the LCU. */
	ck_assert_int_eq(f.ring[0].month[0].install[INS_HOTPATCH], N / 8);
	ck_assert_int_eq(f.ring[0].month[0].install[INS_CATCHUP], N / 8);
	ck_assert_int_eq(f.ring[0].month[0].install[INS_LCU], 4 * N / 8);
	fleet_free(&f);
	free(dev);
}
END_TEST

/* ---- placement: a device's ring, its own or its group's ---- */

static char *pilot_groups[] = { "Hotpatch Ring 1", "Pilot Laptops" };
static char *broad_groups[] = { "Hotpatch Ring 2" };

/* pilot lists "Hotpatch Ring 1" and "Pilot Laptops", broad "Hotpatch Ring 2". */
static void
grouped_rings(struct ring *g)
{
	g[0] = ring("pilot", 0);
	g[0].groups = pilot_groups;
	g[0].ngroups = 2;
	g[1] = ring("broad", 7);
	g[1].groups = broad_groups;
	g[1].ngroups = 1;
}

static enum place
place_of(const struct ringset *rs, const char *own, const char *group, const char **id)
{
	struct device d = device("pc", own, 7623);
	struct group_index x;
	const struct ring *g;
	enum place how;

	d.group = (char *)group;
	group_index_init(&x, rs);
	how = device_place(&x, &d, &g);
	*id = g != NULL ? g->id : NULL;
	group_index_free(&x);
	return how;
}

START_TEST(own_ring_wins_and_groups_match_whatever_their_case)
{
	struct ring g[2];
	struct ringset rs = { g, 2, NULL, 0, NULL };
	const char *id;

	grouped_rings(g);
	/* Its own ring, though its group is pilot's. */
	ck_assert_int_eq(place_of(&rs, "broad", "Hotpatch Ring 1", &id), PLACE_RING);
	ck_assert_str_eq(id, "broad");
	ck_assert_int_eq(place_of(&rs, NULL, "HOTPATCH ring 1", &id), PLACE_GROUP);
	ck_assert_str_eq(id, "pilot");
	ck_assert_int_eq(place_of(&rs, NULL, "pilot laptops", &id), PLACE_GROUP);
	ck_assert_str_eq(id, "pilot");
	ck_assert_int_eq(place_of(&rs, NULL, "Hotpatch Ring 2", &id), PLACE_GROUP);
	ck_assert_str_eq(id, "broad");
	/* Nothing is guessed: no prefix, no trimming. */
	ck_assert_int_eq(place_of(&rs, NULL, "Hotpatch Ring", &id), PLACE_UNLISTED_GROUP);
	ck_assert_ptr_null(id);
	ck_assert_int_eq(place_of(&rs, NULL, "Hotpatch Ring 1 ", &id), PLACE_UNLISTED_GROUP);
	ck_assert_int_eq(place_of(&rs, NULL, NULL, &id), PLACE_NONE);
	/* An own ring the files lack is not replaced by the group's. */
	ck_assert_int_eq(place_of(&rs, "gone", "Hotpatch Ring 1", &id), PLACE_UNKNOWN_RING);
	ck_assert_ptr_null(id);
}
END_TEST

/* Should a set list a group twice (the loader refuses it), the first ring keeps it. */
START_TEST(a_group_two_rings_list_stays_with_the_first)
{
	struct ring g[2];
	struct ringset rs = { g, 2, NULL, 0, NULL };
	char *both[] = { "hotpatch ring 1" };
	const char *id;

	grouped_rings(g);
	g[1].groups = both;
	ck_assert_int_eq(place_of(&rs, NULL, "Hotpatch Ring 1", &id), PLACE_GROUP);
	ck_assert_str_eq(id, "pilot");
}
END_TEST

/*
 * Four devices: pc-own in its own ring, pc-1 and pc-2 by groups, pc-x in a
 * group no ring lists.  Moving "Hotpatch Ring 1" from pilot to broad moves
 * pc-1; dropping it leaves pc-1 with no ring; the own ring never changes.
 */
START_TEST(placed_devices_follow_their_group_and_own_rings_stay)
{
	struct ring g[2];
	struct ringset rs = { g, 2, NULL, 0, NULL };
	struct device d[] = { device("pc-own", NULL, 7623), device("pc-1", NULL, 7623),
	    device("pc-2", NULL, 7623), device("pc-x", NULL, 7623) };
	struct inventory inv = { d, 4 };
	char *moved[] = { "Hotpatch Ring 2", "hotpatch ring 1" };

	d[0].ring = xstrdup("pilot");
	d[0].group = "Hotpatch Ring 2";
	d[1].group = "Hotpatch Ring 1";
	d[2].group = "hotpatch ring 2";
	d[3].group = "Kiosks";
	grouped_rings(g);
	inventory_place(&inv, &rs);
	ck_assert_str_eq(d[0].ring, "pilot");
	ck_assert(!d[0].ring_by_group);
	ck_assert_str_eq(d[1].ring, "pilot");
	ck_assert(d[1].ring_by_group);
	ck_assert_str_eq(d[2].ring, "broad");
	ck_assert_ptr_null(d[3].ring);
	ck_assert(!d[3].ring_by_group);
	/* The group moves to broad. */
	g[0].groups = pilot_groups + 1;
	g[0].ngroups = 1;
	g[1].groups = moved;
	g[1].ngroups = 2;
	inventory_place(&inv, &rs);
	ck_assert_str_eq(d[0].ring, "pilot");
	ck_assert_str_eq(d[1].ring, "broad");
	ck_assert_str_eq(d[2].ring, "broad");
	/* No ring lists it any more. */
	g[1].ngroups = 1;
	inventory_place(&inv, &rs);
	ck_assert_ptr_null(d[1].ring);
	ck_assert(!d[1].ring_by_group);
	ck_assert_str_eq(d[0].ring, "pilot");
	for (size_t i = 0; i < 4; i++)
		free(d[i].ring);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("device");

	suite_add_tcase(s, tcase_of("os", NULL, teardown, TESTS(
	    build_to_os_for_each_build_class,
	    os_given_by_id_or_missing_from_the_calendar,
	    the_shipped_calendar_has_an_os_for_every_build)));
	suite_add_tcase(s, tcase_of("device", NULL, teardown, TESTS(
	    last_months_hotpatch_build_is_on_the_baseline,
	    one_answer_for_a_device,
	    below_the_baseline_brings_a_catch_up,
	    builds_around_an_unpublished_baseline,
	    below_the_floor_is_not_eligible,
	    pro_edition_and_every_other_reason,
	    unknown_facts_fall_back_to_the_ring,
	    a_device_the_build_says_nothing_of_walks_as_its_ring)));
	suite_add_tcase(s, tcase_of("fleet", NULL, teardown, TESTS(
	    fleet_counts_for_a_small_inventory,
	    fleet_shares_walks_between_alike_devices)));
	suite_add_tcase(s, tcase_of("placement", NULL, teardown, TESTS(
	    own_ring_wins_and_groups_match_whatever_their_case,
	    a_group_two_rings_list_stays_with_the_first,
	    placed_devices_follow_their_group_and_own_rings_stay)));
	return run_suite(s);
}
