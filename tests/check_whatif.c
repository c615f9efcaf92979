/*
 * check_whatif: plan --what-if and --set on a small model whose answers are
 * worked by hand below, through the pure parts (whatif.c, ringfile_set,
 * view_whatif.c, render_whatif.c); no daemon.
 *
 * The model: OS os-a, hotpatch from 2024-01, planned baselines in January,
 * April, July and October.  Ring r: time zone UTC, deferral 6, deadline 2,
 * grace 1, one window on Mondays 18:00-20:00 UTC.  Ring s: the same on
 * Tuesdays, deferral 0, and the directory group "Pilot".
 *
 * Patch Tuesday 2026 (second Tuesday), 10:00 Los Angeles = 18:00Z in PST
 * (January, February, December) and 17:00Z in PDT (2026-03-08..11-01):
 *   Jan 13, Feb 10, Mar 10, Apr 14, May 12, Jun 9, Jul 14, Aug 11, Sep 8,
 *   Oct 13, Nov 10, Dec 8.
 *
 * Ring r today (deferral 6): offered on the Monday six days later, at 17:00Z
 * or 18:00Z; the Monday 18:00Z window starts at or after it, so the install
 * is that Monday, before the deadline (Wednesday): ok.  Jan 19, Feb 16,
 * Mar 16, Apr 20, May 18, Jun 15, Jul 20, Aug 17, Sep 14, Oct 19, Nov 16,
 * Dec 14.
 *
 * --set r.deferral_days=9: offered on the Thursday nine days later, deadline
 * Saturday; the next Monday window (Patch Tuesday + 13) is after it: late,
 * but before next month's offer (four weeks on), so not none.  Jan 26,
 * Feb 23, Mar 23, Apr 27, May 25, Jun 22, Jul 27, Aug 24, Sep 21, Oct 26,
 * Nov 23, Dec 21.  So all 12 cells change day and status (ok -> late), 12
 * late risks are new, and restarts stay 4 (the four baselines).
 *
 * --set r.devices.vbs=false: the ring is not eligible, so it installs the
 * LCU with a restart every month: the 8 hotpatch months change kind and
 * install (hotpatch -> lcu) and restart (no -> yes), the 4 baseline months
 * kind and install (baseline -> lcu); restarts 4 -> 12.
 */
#include "calfile.h"
#include "placement.h"
#include "ringfile.h"
#include "testutil.h"
#include "util.h"
#include "views.h"
#include "whatif.h"

#include <string.h>

static const char cal_yaml[] =
    "version: 1\n"
    "os:\n"
    "  - { id: os-a, name: OS A, arch: [x64], hotpatch_start: 2024-01 }\n";

static const char rings_yaml[] =
    "version: 1\n"
    "rings:\n"
    "  - id: r\n"
    "    name: R\n"
    "    os: [os-a]\n"
    "    deferral_days: 6\n"
    "    deadline_days: 2\n"
    "    grace_days: 1\n"
    "    timezone: UTC\n"
    "    hotpatch: true\n"
    "    windows:\n"
    "      - { days: [mon], start: \"18:00\", duration: 2h }\n"
    "    blackouts:\n"
    "      - { name: r-own, from: 2027-03-01, to: 2027-03-02 }\n"
    "  - id: s\n"
    "    name: S\n"
    "    os: [os-a]\n"
    "    groups: [Pilot]\n"
    "    deferral_days: 0\n"
    "    deadline_days: 2\n"
    "    grace_days: 1\n"
    "    timezone: UTC\n"
    "    hotpatch: true\n"
    "    windows:\n"
    "      - { days: [tue], start: \"18:00\", duration: 2h }\n"
    "blackouts:\n"
    "  - { name: everyone, from: 2027-06-01, to: 2027-06-02 }\n";

static struct caldata cal;
static struct ringset today;

/* Days of 2026 worked out above: r's install day today and with deferral 9. */
static const char *const day6[12] = { "2026-01-19", "2026-02-16", "2026-03-16", "2026-04-20",
	"2026-05-18", "2026-06-15", "2026-07-20", "2026-08-17", "2026-09-14", "2026-10-19",
	"2026-11-16", "2026-12-14" };
static const char *const day9[12] = { "2026-01-26", "2026-02-23", "2026-03-23", "2026-04-27",
	"2026-05-25", "2026-06-22", "2026-07-27", "2026-08-24", "2026-09-21", "2026-10-26",
	"2026-11-23", "2026-12-21" };

static void
setup(void)
{
	struct diags d = { 0 };
	struct blackout rt = { .id = 7, .name = "run-time", .ring = "r", .runtime = true,
	    .from = { 2027, 9, 1 }, .to = { 2027, 9, 2 } };

	memset(&cal, 0, sizeof(cal));
	memset(&today, 0, sizeof(today));
	ck_assert_int_eq(calfile_parse("cal.yaml", cal_yaml, strlen(cal_yaml), &cal, &d), 0);
	ck_assert_int_eq(ringfile_parse("rings.yaml", rings_yaml, strlen(rings_yaml), &cal,
	    &today, &d), 0);
	/* A blackout added at run time, as the store adds it to the model. */
	today.bo = xreallocarray(today.bo, today.nbo + 1, sizeof(*today.bo));
	today.bo[today.nbo] = rt;
	today.bo[today.nbo].name = xstrdup(rt.name);
	today.bo[today.nbo++].ring = xstrdup(rt.ring);
	ringset_index(&today);
	diags_free(&d);
}

static void
teardown(void)
{
	ringset_free(&today);
	caldata_free(&cal);
}

/* The what-if of the sets (and files) given; WHATIF_OK expected unless want says. */
static enum whatif_result
whatif(const char *const *set, size_t nset, const struct whatif_file *f, size_t nf, bool dir,
    struct ringset *out, struct diags *d)
{
	struct whatif w = { .file = f, .nfile = nf, .dir = dir, .set = set, .nset = nset };
	struct ringset none = { 0 };

	memset(out, 0, sizeof(*out));
	return whatif_rings(&cal, &today, &none, &w, out, d);
}

/*
 * The diff of the 2026 plans of today and would, today's slimmed as the
 * daemon slims it; the diff must be the one of the whole plans.
 */
static json_t *
diff_2026(const struct ringset *would)
{
	json_t *a = view_plan(&cal, &today, 2026), *b = view_plan(&cal, would, 2026);
	json_t *whole = view_whatif_diff(a, b), *df;

	view_whatif_slim(a);
	df = view_whatif_diff(a, b);
	ck_assert(json_equal(df, whole));
	json_decref(whole);
	json_decref(a);
	json_decref(b);
	return df;
}

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The restarts entry of ring id in a diff. */
static const json_t *
restarts_of(const json_t *df, const char *id)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(df, "restarts"), i, e)
		if (strcmp(str(e, "ring"), id) == 0)
			return e;
	return NULL;
}

START_TEST(deferral_6_to_9)
{
	static const char *const set[] = { "r.deferral_days=9" };
	struct ringset would;
	struct diags d = { 0 };
	json_t *df;
	const json_t *c, *rs;
	size_t i;

	ck_assert_int_eq(whatif(set, 1, NULL, 0, false, &would, &d), WHATIF_OK);
	ck_assert_int_eq(ringset_find(&would, "r")->deferral_days, 9);
	ck_assert_int_eq(ringset_find(&today, "r")->deferral_days, 6);	/* today untouched */
	df = diff_2026(&would);
	ck_assert_uint_eq(json_array_size(json_object_get(df, "cells")), 12);
	json_array_foreach(json_object_get(df, "cells"), i, c) {
		const json_t *b = json_object_get(c, "before"), *a = json_object_get(c, "after");
		char m[8];

		ck_assert_str_eq(str(c, "ring"), "r");
		ck_assert_str_eq(str(c, "month"), ym_format(ym_make(2026, (int)i + 1), m));
		ck_assert_str_eq(str(b, "day"), day6[i]);
		ck_assert_str_eq(str(a, "day"), day9[i]);
		ck_assert_str_eq(str(b, "status"), "ok");
		ck_assert_str_eq(str(a, "status"), "late");
		ck_assert_uint_eq(json_array_size(json_object_get(c, "changed")), 2);
		ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "changed"), 0)),
		    "day");
		ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "changed"), 1)),
		    "status");
	}
	ck_assert_uint_eq(json_array_size(json_object_get(df, "risks_new")), 12);
	ck_assert_str_eq(str(json_array_get(json_object_get(df, "risks_new"), 0), "risk"), "late");
	ck_assert_uint_eq(json_array_size(json_object_get(df, "risks_gone")), 0);
	rs = restarts_of(df, "r");
	ck_assert_int_eq(json_integer_value(json_object_get(rs, "before")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(rs, "after")), 4);
	ck_assert_uint_eq(json_array_size(json_object_get(df, "rows_added")), 0);
	json_decref(df);
	/* The settings: one key, by the ring descriptor's column. */
	df = view_whatif_settings(&today, &would);
	ck_assert_uint_eq(json_array_size(df), 1);
	c = json_array_get(df, 0);
	ck_assert_str_eq(str(c, "key"), "deferral_days");
	ck_assert_int_eq(json_integer_value(json_object_get(c, "before")), 6);
	ck_assert_int_eq(json_integer_value(json_object_get(c, "after")), 9);
	json_decref(df);
	ringset_free(&would);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

/* Back the other way: the same cells, before and after swapped, and the risks go away. */
START_TEST(deferral_back)
{
	static const char *const set[] = { "r.deferral_days=9" };
	struct ringset would;
	struct diags d = { 0 };
	json_t *a, *b, *df;

	ck_assert_int_eq(whatif(set, 1, NULL, 0, false, &would, &d), WHATIF_OK);
	a = view_plan(&cal, &would, 2026);
	b = view_plan(&cal, &today, 2026);
	df = view_whatif_diff(a, b);
	ck_assert_uint_eq(json_array_size(json_object_get(df, "cells")), 12);
	ck_assert_str_eq(str(json_object_get(json_array_get(json_object_get(df, "cells"), 5),
	    "after"), "day"), day6[5]);
	ck_assert_uint_eq(json_array_size(json_object_get(df, "risks_new")), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(df, "risks_gone")), 12);
	json_decref(a);
	json_decref(b);
	json_decref(df);
	ringset_free(&would);
}
END_TEST

START_TEST(vbs_off)
{
	static const char *const set[] = { "r.devices.vbs=false" };
	struct ringset would;
	struct diags d = { 0 };
	json_t *df;
	const json_t *c, *rs;
	size_t i, hot = 0;

	ck_assert_int_eq(whatif(set, 1, NULL, 0, false, &would, &d), WHATIF_OK);
	ck_assert(!ringset_find(&would, "r")->vbs);
	df = diff_2026(&would);
	ck_assert_uint_eq(json_array_size(json_object_get(df, "cells")), 12);
	json_array_foreach(json_object_get(df, "cells"), i, c) {
		const json_t *b = json_object_get(c, "before"), *a = json_object_get(c, "after");
		bool baseline = i % 3 == 0;	/* January, April, July, October */

		ck_assert_str_eq(str(b, "kind"), baseline ? "baseline" : "hotpatch");
		ck_assert_str_eq(str(a, "kind"), "lcu");
		ck_assert_str_eq(str(a, "install"), "lcu");
		ck_assert(json_is_true(json_object_get(a, "restart")));
		ck_assert(json_is_true(json_object_get(b, "restart")) == baseline);
		/* kind, install and, for a hotpatch month, restart; the day stays */
		ck_assert_uint_eq(json_array_size(json_object_get(c, "changed")), baseline ? 2 : 3);
		hot += !baseline;
	}
	ck_assert_uint_eq(hot, 8);
	rs = restarts_of(df, "r");
	ck_assert_int_eq(json_integer_value(json_object_get(rs, "before")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(rs, "after")), 12);
	rs = restarts_of(df, "s");
	ck_assert_int_eq(json_integer_value(json_object_get(rs, "before")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(rs, "after")), 4);
	json_decref(df);
	ringset_free(&would);
}
END_TEST

/* The text names each changed cell once per ring and month, the OSes together. */
START_TEST(text)
{
	static const char *const set[] = { "r.deferral_days=9" };
	struct ringset would;
	struct diags d = { 0 };
	struct layout lo = { .width = 0 };	/* in full, as into a pipe */
	json_t *plan, *df, *asked;
	char *s;

	ck_assert_int_eq(whatif(set, 1, NULL, 0, false, &would, &d), WHATIF_OK);
	plan = view_plan(&cal, &would, 2026);
	df = diff_2026(&would);
	json_object_set_new(df, "settings", view_whatif_settings(&today, &would));
	asked = json_pack("{s:[],s:n,s:[s]}", "files", "directory", "set", set[0]);
	json_object_set_new(plan, "what_if", asked);
	json_object_set_new(plan, "diff", df);
	s = render_plan_whatif(plan, &lo);
	ck_assert_ptr_nonnull(strstr(s, "what if --set r.deferral_days=9: what changes"));
	ck_assert_ptr_nonnull(strstr(s, "  r deferral_days: 6 -> 9\n"));
	ck_assert_ptr_nonnull(strstr(s, "  r os-a 2026-01: day 01/19 -> 01/26, status ok -> late\n"));
	ck_assert_ptr_nonnull(strstr(s, "  r os-a 2026-12: day 12/14 -> 12/21, status ok -> late\n"));
	ck_assert_ptr_nonnull(strstr(s, "new risks:\n  r os-a 2026-01 late: "));
	ck_assert_ptr_null(strstr(s, "risks that go away"));
	free(s);
	json_decref(plan);
	ringset_free(&would);
}
END_TEST

/* Errors name the argument, and leave no ring set. */
START_TEST(set_errors)
{
	static const struct {
		const char		*set;
		enum whatif_result	 want;
		const char		*msg;
	} cases[] = {
		{ "x.deferral_days=9", WHATIF_UNKNOWN_RING,
		  "--set x.deferral_days=9: unknown ring 'x' (see hotpatchctl rings)" },
		{ "r.deferral_days=45", WHATIF_INVALID,
		  "--set r.deferral_days=45: deferral_days must be 0..30, got 45" },
		{ "r.grace_days=8", WHATIF_INVALID,
		  "--set r.grace_days=8: grace_days must be 0..7, got 8" },
		{ "r.colour=red", WHATIF_INVALID,
		  "--set r.colour=red: unknown ring key 'colour' (the keys of a ring: id, name, os," },
		{ "r.devices.colour=red", WHATIF_INVALID,
		  "--set r.devices.colour=red: unknown key 'colour' in devices" },
		{ "r.os=[os-b]", WHATIF_INVALID, "--set r.os=[os-b]: unknown OS 'os-b'" },
		{ "r.timezone=Mars/Base", WHATIF_INVALID,
		  "--set r.timezone=Mars/Base: unknown time zone 'Mars/Base'" },
		{ "r.deferral_days=null", WHATIF_INVALID,
		  "--set r.deferral_days=null: a value is needed" },
		{ "r.id=s", WHATIF_INVALID,
		  "--set r.id=s: duplicate ring id 's' (first defined at rings.yaml:" },
		{ "r.groups=[pilot]", WHATIF_INVALID,
		  "--set r.groups=[pilot]: group 'pilot' is in ring 'r' and in ring 's'" },
		{ "r.deferral_days=[9", WHATIF_INVALID, "--set r.deferral_days=[9: " },
		{ "r.hotpatch_since=2020-01", WHATIF_INVALID, "hotpatch_since 2020-01 is before "
		  "hotpatch_start 2024-01 of OS 'os-a'" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *const set[] = { cases[i].set };
		struct ringset would;
		struct diags d = { 0 };
		char *first;

		ck_assert_int_eq(whatif(set, 1, NULL, 0, false, &would, &d), cases[i].want);
		ck_assert_uint_eq(would.nring, 0);
		first = diags_first(&d);
		ck_assert_msg(first != NULL && strstr(first, cases[i].msg) != NULL,
		    "%s: got '%s', want '%s'", cases[i].set, first, cases[i].msg);
		free(first);
		diags_free(&d);
	}
}
END_TEST

/* Each key of the ring file works through --set, checked across the ring's keys. */
START_TEST(set_keys)
{
	static const char *const set[] = {
		"r.hotpatch=false", "r.reminder=15m", "r.name=Renamed",
		"r.windows=[{days: [tue, wed], start: \"06:00\", duration: 90m}]",
		"r.blackouts=[{name: new-own, from: 2026-05-01, to: 2026-05-03, kind: freeze}]",
		"r.upgrades=[{from: os-a, to: os-a, month: 2026-06}]",
	};
	struct ringset would;
	struct diags d = { 0 };
	const struct ring *r;
	size_t own = 0, global = 0, runtime = 0;
	json_t *settings, *want;
	char *first;

	ck_assert_int_eq(whatif(set, 5, NULL, 0, false, &would, &d), WHATIF_OK);
	r = ringset_find(&would, "r");
	ck_assert(!r->hotpatch && r->hotpatch_set);
	ck_assert_int_eq(r->reminder_min, 15);
	ck_assert_str_eq(r->name, "Renamed");
	ck_assert_uint_eq(r->nwin, 1);
	ck_assert_uint_eq(r->win[0].days, 1u << 2 | 1u << 3);
	ck_assert_int_eq(r->win[0].start_min, 360);
	ck_assert_int_eq(r->win[0].duration_min, 90);
	/* blackouts: replaced the ring's own from the file; the global and run-time stay */
	for (size_t i = 0; i < would.nbo; i++) {
		const struct blackout *b = &would.bo[i];

		if (b->runtime)
			runtime++;
		else if (b->ring == NULL)
			global++;
		else
			own += strcmp(b->ring, "r") == 0 && strcmp(b->name, "new-own") == 0 ? 1 : 100;
	}
	ck_assert_uint_eq(own, 1);
	ck_assert_uint_eq(global, 1);
	ck_assert_uint_eq(runtime, 1);
	settings = view_whatif_settings(&today, &would);
	want = json_loads("[{\"ring\": \"r\", \"key\": \"name\", \"before\": \"R\", "
	    "\"after\": \"Renamed\"}, {\"ring\": \"r\", \"key\": \"hotpatch\", "
	    "\"before\": true, \"after\": false}, {\"ring\": \"r\", \"key\": "
	    "\"reminder_min\", \"before\": -1, \"after\": 15}, {\"ring\": \"r\", \"key\": "
	    "\"windows\", \"before\": [\"Mon 18:00 for 2h\"], \"after\": "
	    "[\"Tue,Wed 06:00 for 1h30m\"]}, {\"ring\": \"r\", \"key\": \"blackouts\", "
	    "\"before\": [\"freeze r-own 2027-03-01..2027-03-02\"], \"after\": "
	    "[\"freeze new-own 2026-05-01..2026-05-03\"]}]", 0, NULL);
	ck_assert_ptr_nonnull(want);
	ck_assert_msg(json_equal(settings, want), "settings: %s",
	    json_dumps(settings, JSON_COMPACT));
	json_decref(settings);
	json_decref(want);
	ringset_free(&would);
	/* The sixth: an upgrade checked against the ring's OS list, as the loader does. */
	ck_assert_int_eq(whatif(set + 5, 1, NULL, 0, false, &would, &d), WHATIF_INVALID);
	first = diags_first(&d);
	ck_assert_str_eq(first, "--set r.upgrades=[{from: os-a, to: os-a, month: 2026-06}]: "
	    "upgrade from 'os-a' to itself");
	free(first);
	diags_free(&d);
}
END_TEST

/* A month the descriptor stores as a number is shown as the ring file writes it. */
START_TEST(set_month)
{
	static const char *const set[] = { "r.hotpatch_since=2026-03" };
	struct ringset would;
	struct diags d = { 0 };
	json_t *settings, *df;

	ck_assert_int_eq(whatif(set, 1, NULL, 0, false, &would, &d), WHATIF_OK);
	ck_assert_int_eq(ringset_find(&would, "r")->hotpatch_since, ym_make(2026, 3));
	settings = view_whatif_settings(&today, &would);
	ck_assert_uint_eq(json_array_size(settings), 1);
	ck_assert(json_is_null(json_object_get(json_array_get(settings, 0), "before")));
	ck_assert_str_eq(str(json_array_get(settings, 0), "after"), "2026-03");
	/*
	 * Not in effect before March: January's baseline and February's hotpatch
	 * are LCUs (February gains a restart).  In March hotpatch is on, but the
	 * ring took an LCU after the January baseline, so it is off the latest
	 * baseline (enrolled after a non-baseline LCU, doc/rules.md): March is an
	 * LCU too, with a restart, and the April baseline puts it back on.
	 */
	df = diff_2026(&would);
	ck_assert_uint_eq(json_array_size(json_object_get(df, "cells")), 3);
	for (size_t i = 0; i < 3; i++) {
		const json_t *c = json_array_get(json_object_get(df, "cells"), i);

		ck_assert_str_eq(str(json_object_get(c, "after"), "install"), "lcu");
		ck_assert(json_is_true(json_object_get(json_object_get(c, "after"), "restart")));
		ck_assert_uint_eq(json_array_size(json_object_get(c, "changed")), i == 0 ? 2 : 3);
	}
	json_decref(df);
	json_decref(settings);
	ringset_free(&would);
}
END_TEST

/* A new id takes the ring's own file blackouts; the run-time one stays with the old id. */
START_TEST(set_id)
{
	static const char *const set[] = { "r.id=r2" };
	struct ringset would;
	struct diags d = { 0 };
	json_t *df;

	ck_assert_int_eq(whatif(set, 1, NULL, 0, false, &would, &d), WHATIF_OK);
	ck_assert_ptr_null(ringset_find(&would, "r"));
	ck_assert_ptr_nonnull(ringset_find(&would, "r2"));
	for (size_t i = 0; i < would.nbo; i++) {
		if (strcmp(would.bo[i].name, "r-own") == 0)
			ck_assert_str_eq(would.bo[i].ring, "r2");
		if (would.bo[i].runtime)
			ck_assert_str_eq(would.bo[i].ring, "r");
	}
	df = diff_2026(&would);
	ck_assert_uint_eq(json_array_size(json_object_get(df, "rows_added")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(df, "rows_removed")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(df, "rows_added"), 0), "ring"), "r2");
	ck_assert(json_is_null(json_object_get(restarts_of(df, "r"), "after")));
	json_decref(df);
	ringset_free(&would);
}
END_TEST

static const char over_yaml[] =
    "version: 1\n"
    "rings:\n"
    "  - id: n\n"
    "    name: New\n"
    "    os: [os-a]\n"
    "    deferral_days: 1\n"
    "    deadline_days: 1\n"
    "    grace_days: 1\n"
    "    timezone: UTC\n"
    "  - id: r\n"
    "    name: R\n"
    "    os: [os-a]\n"
    "    deferral_days: 9\n"
    "    deadline_days: 2\n"
    "    grace_days: 1\n"
    "    timezone: UTC\n"
    "    hotpatch: true\n"
    "    windows:\n"
    "      - { days: [mon], start: \"18:00\", duration: 2h }\n";

/* A file's rings replace the rings of their ids in place; new ones come after. */
START_TEST(file_overlay)
{
	struct whatif_file f = { "over.yaml", over_yaml, strlen(over_yaml) };
	static const char *const set[] = { "n.deferral_days=2" };
	struct ringset would;
	struct diags d = { 0 };
	json_t *df;

	ck_assert_int_eq(whatif(set, 1, &f, 1, false, &would, &d), WHATIF_OK);
	ck_assert_uint_eq(would.nring, 3);
	ck_assert_str_eq(would.ring[0].id, "r");
	ck_assert_str_eq(would.ring[0].file, "over.yaml");
	ck_assert_int_eq(would.ring[0].deferral_days, 9);
	ck_assert_str_eq(would.ring[1].id, "s");
	ck_assert_str_eq(would.ring[2].id, "n");
	ck_assert_int_eq(would.ring[2].deferral_days, 2);	/* the --set comes after the file */
	/* r's own file blackout went with the old r; the global and run-time ones stay */
	for (size_t i = 0; i < would.nbo; i++)
		ck_assert_str_ne(would.bo[i].name, "r-own");
	ck_assert_uint_eq(would.nbo, 2);
	df = diff_2026(&would);
	ck_assert_uint_eq(json_array_size(json_object_get(df, "cells")), 12);	/* as deferral 9 */
	ck_assert_uint_eq(json_array_size(json_object_get(df, "rows_added")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(df, "rows_added"), 0), "ring"), "n");
	json_decref(df);
	ringset_free(&would);
}
END_TEST

/* A directory is every ring file: a ring it lacks is gone; run-time blackouts stay. */
START_TEST(directory)
{
	struct whatif_file f = { "sched/over.yaml", over_yaml, strlen(over_yaml) };
	struct ringset would;
	struct diags d = { 0 };
	json_t *df;
	const json_t *c;

	ck_assert_int_eq(whatif(NULL, 0, &f, 1, true, &would, &d), WHATIF_OK);
	ck_assert_uint_eq(would.nring, 2);
	ck_assert_str_eq(would.ring[0].id, "n");
	ck_assert_str_eq(would.ring[1].id, "r");
	ck_assert_uint_eq(would.nbo, 1);
	ck_assert(would.bo[0].runtime);
	df = diff_2026(&would);
	ck_assert_uint_eq(json_array_size(json_object_get(df, "rows_removed")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(df, "rows_removed"), 0), "ring"), "s");
	ck_assert(json_is_null(json_object_get(restarts_of(df, "s"), "after")));
	json_decref(df);
	/* r in the directory: other settings, and the global blackout is gone */
	df = view_whatif_settings(&today, &would);
	c = json_array_get(df, json_array_size(df) - 1);
	ck_assert(json_is_null(json_object_get(c, "ring")));
	ck_assert_str_eq(str(c, "key"), "blackouts");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "before"), 0)),
	    "freeze everyone 2027-06-01..2027-06-02");
	ck_assert_uint_eq(json_array_size(json_object_get(c, "after")), 0);
	json_decref(df);
	ringset_free(&would);
}
END_TEST

/* A bad file: the reload's errors, file:line:column, and no ring set. */
START_TEST(file_errors)
{
	static const char bad[] =
	    "version: 1\n"
	    "rings:\n"
	    "  - id: s\n"
	    "    name: S2\n"
	    "    os: [os-a]\n"
	    "    groups: [pilot]\n"
	    "    deferral_days: 31\n"
	    "    deadline_days: 1\n"
	    "    grace_days: 1\n"
	    "    timezone: UTC\n";
	static const char steal[] =
	    "version: 1\n"
	    "rings:\n"
	    "  - id: t\n"
	    "    name: T\n"
	    "    os: [os-a]\n"
	    "    groups: [PILOT]\n"
	    "    deferral_days: 1\n"
	    "    deadline_days: 1\n"
	    "    grace_days: 1\n"
	    "    timezone: UTC\n";
	struct whatif_file f[2] = { { "bad.yaml", bad, strlen(bad) },
	    { "dup.yaml", over_yaml, strlen(over_yaml) } };
	struct whatif_file g = { "steal.yaml", steal, strlen(steal) };
	struct whatif_file h[2] = { { "a.yaml", over_yaml, strlen(over_yaml) },
	    { "b.yaml", over_yaml, strlen(over_yaml) } };
	struct ringset would;
	struct diags d = { 0 };
	char *first;

	ck_assert_int_eq(whatif(NULL, 0, f, 1, false, &would, &d), WHATIF_INVALID);
	first = diags_first(&d);
	ck_assert_str_eq(first, "bad.yaml:7:20: deferral_days must be 0..30, got 31");
	free(first);
	diags_free(&d);
	/* A group of a ring that stays may not be another ring's. */
	ck_assert_int_eq(whatif(NULL, 0, &g, 1, false, &would, &d), WHATIF_INVALID);
	first = diags_first(&d);
	ck_assert_str_eq(first, "steal.yaml:6:14: group 'PILOT' is in ring 't' and in ring 's' "
	    "(rings.yaml:15); a group's devices belong to one ring");
	free(first);
	diags_free(&d);
	/* Two files are read as two files of schedules/ are: an id once. */
	ck_assert_int_eq(whatif(NULL, 0, h, 2, false, &would, &d), WHATIF_INVALID);
	first = diags_first(&d);
	ck_assert_str_eq(first, "b.yaml:3:9: duplicate ring id 'n' (first defined at a.yaml:3)");
	free(first);
	diags_free(&d);
	ck_assert_uint_eq(would.nring, 0);
}
END_TEST

/* Three devices of r, one of group Pilot (ring s today). */
static void
devices(struct inventory *inv)
{
	static const char *const names[] = { "d1", "d2", "d3", "g1" };

	inv->ndev = 4;
	inv->dev = xcalloc(4, sizeof(*inv->dev));
	for (size_t i = 0; i < 4; i++) {
		struct device *d = &inv->dev[i];

		d->name = xstrdup(names[i]);
		d->ring = i < 3 ? xstrdup("r") : NULL;
		d->group = i == 3 ? xstrdup("pilot") : NULL;
		d->os = xstrdup("os-a");
		d->arch = ARCH_X64;
		d->vbs = d->licensed = TRI_YES;
		d->chpe_disabled = TRI_UNKNOWN;
		d->line = (long)i + 2;
	}
	inventory_place(inv, &today);
	ck_assert_str_eq(inv->dev[3].ring, "s");
}

/* r's devices change day in every month; s's device does not. */
START_TEST(devices_touched)
{
	static const char *const set[] = { "r.deferral_days=9" };
	struct inventory inv = { 0 };
	struct whatif_devices dv;
	struct ringset would;
	struct diags d = { 0 };

	devices(&inv);
	ck_assert_int_eq(whatif(set, 1, NULL, 0, false, &would, &d), WHATIF_OK);
	ck_assert(whatif_same_places(&today, &would));
	ck_assert_int_eq(whatif_devices(&inv, &inv, &cal, &today, &would, ym_make(2026, 1), 12,
	    &dv), 0);
	ck_assert_uint_eq(dv.nring, 2);
	ck_assert_int_eq(dv.ring[0].devices, 3);
	ck_assert_int_eq(dv.ring[0].changed, 3);
	ck_assert_int_eq(dv.ring[0].day, 3);
	ck_assert_int_eq(dv.ring[0].restart, 0);
	ck_assert_int_eq(dv.ring[0].moved, 0);
	ck_assert_int_eq(dv.ring[1].devices, 1);
	ck_assert_int_eq(dv.ring[1].changed, 0);
	ck_assert_uint_eq(dv.walks, 2);	/* r's three alike, s's one */
	whatif_devices_free(&dv);
	ringset_free(&would);
	inventory_free(&inv);
}
END_TEST

/* The group moves to r: its device is placed there, moved, and installs on r's days. */
START_TEST(devices_moved)
{
	static const char *const set[] = { "s.groups=[Other]", "r.groups=[Pilot]" };
	struct inventory inv = { 0 }, placed;
	struct whatif_devices dv;
	struct ringset would;
	struct diags d = { 0 };

	devices(&inv);
	ck_assert_int_eq(whatif(set, 2, NULL, 0, false, &would, &d), WHATIF_OK);
	ck_assert(!whatif_same_places(&today, &would));
	whatif_place(&inv, &would, &placed);
	ck_assert_str_eq(placed.dev[3].ring, "r");
	ck_assert_str_eq(inv.dev[3].ring, "s");		/* today's placement is left alone */
	ck_assert_int_eq(whatif_devices(&inv, &placed, &cal, &today, &would, ym_make(2026, 1),
	    12, &dv), 0);
	ck_assert_int_eq(dv.ring[0].devices, 4);
	ck_assert_int_eq(dv.ring[0].moved, 1);
	ck_assert_int_eq(dv.ring[0].day, 1);	/* Tuesdays (s) -> Mondays (r) */
	ck_assert_int_eq(dv.ring[1].devices, 0);
	ck_assert_int_eq(dv.left, 0);
	whatif_devices_free(&dv);
	free(placed.dev);
	ringset_free(&would);
	/* Without a ring for its group the device is left out. */
	ck_assert_int_eq(whatif(set, 1, NULL, 0, false, &would, &d), WHATIF_OK);
	whatif_place(&inv, &would, &placed);
	ck_assert_ptr_null(placed.dev[3].ring);
	ck_assert_int_eq(whatif_devices(&inv, &placed, &cal, &today, &would, ym_make(2026, 1),
	    12, &dv), 0);
	ck_assert_int_eq(dv.left, 1);
	whatif_devices_free(&dv);
	free(placed.dev);
	ringset_free(&would);
	inventory_free(&inv);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("whatif");

	suite_add_tcase(s, tcase_of("diff", setup, teardown, TESTS(deferral_6_to_9,
	    deferral_back, vbs_off, text)));
	suite_add_tcase(s, tcase_of("set", setup, teardown, TESTS(set_errors, set_keys,
	    set_month, set_id)));
	suite_add_tcase(s, tcase_of("files", setup, teardown, TESTS(file_overlay, directory,
	    file_errors)));
	suite_add_tcase(s, tcase_of("devices", setup, teardown, TESTS(devices_touched,
	    devices_moved)));
	return run_suite(s);
}
