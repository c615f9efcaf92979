/*
 * check_rowcache: the plan page's rows kept between builds (rowcache.c).
 * A page built again with the rows of its last build must be byte for
 * byte the page built with no cache at all, whatever changed: an
 * override on one OS (its rows change, the other OS's stand), a time
 * zone, a ring gone before the others (every later row's cell ids
 * change), a note before others (their note numbers change).
 *
 * The estate: OSes os-a and os-b, rings r, q, p (in that order) on both,
 * in UTC with windows Tuesday and Thursday 20:00-22:00, over October
 * 2026 to January 2027.  A one-day freeze on Patch Tuesday 2026-12-08
 * moves a ring's December window: a note "moved", not a risk.  Windows on
 * Thursdays only move a ring's installs two days on, and nothing else.
 */
#include "pages.h"
#include "planmodel.h"
#include "rowcache.h"
#include "tzcache.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

enum { TUE = 1 << 2, THU = 1 << 4 };

static struct os_def oses[2];
static struct override ovr[1] = {
	{ .os = "os-a", .kind = KIND_BASELINE, .reason = "test", .who = "test" },
};
static struct caldata cal = { .os = oses, .nos = 2, .ovr = ovr };
static struct mwindow win[] = { { WIN_WEEKLY, TUE | THU, 0, 20 * 60, 120 } };
static struct mwindow thursdays[] = { { WIN_WEEKLY, THU, 0, 20 * 60, 120 } };
static char *os_list[] = { "os-a", "os-b" };
static struct ring ring_list[3];
static struct blackout bo[2];
static struct ringset rs;
static const struct plan_range four = { 24321, 4 };	/* 2026 * 12 + 9: October 2026 */

static struct ring
ring(const char *id)
{
	return (struct ring){ .id = (char *)id, .name = (char *)id, .timezone = "UTC",
	    .deferral_days = 0, .deadline_days = 7, .grace_days = 2, .hotpatch = true,
	    .arch = ARCH_X64, .vbs = true, .licensed = true, .reminder_min = -1, .win = win,
	    .nwin = 1, .os = os_list, .nos = 2 };
}

static struct os_def
os(const char *id)
{
	return (struct os_def){ .id = (char *)id, .name = (char *)id, .arch = ARCH_X64,
	    .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10,
	    .hotpatch_start = ym_make(2024, 1) };
}

/* Patch Tuesday of December frozen for ring id. */
static struct blackout
freeze(const char *name, const char *id)
{
	return (struct blackout){ .name = (char *)name, .ring = (char *)id,
	    .from = { 2026, 12, 8 }, .to = { 2026, 12, 8 } };
}

static void
setup(void)
{
	oses[0] = os("os-a");
	oses[1] = os("os-b");
	ovr[0].month = ym_make(2026, 12);
	cal.novr = 0;
	ring_list[0] = ring("r");
	ring_list[1] = ring("q");
	ring_list[2] = ring("p");
	bo[0] = freeze("p day", "p");
	bo[1] = freeze("r day", "r");
	rs = (struct ringset){ .ring = ring_list, .nring = 3, .bo = bo, .nbo = 0 };
}

static void
teardown(void)
{
	tz_free_all();
}

/* The page of the estate as it is now, through cache (NULL: none). */
static char *
page(struct rowcache *cache)
{
	struct plan_model pm;
	char *s;

	plan_model_build(&pm, &cal, &rs, &four, false);
	s = page_plan_model(&pm, NULL, NULL, NULL, cache);
	plan_model_free(&pm);
	ck_assert_ptr_nonnull(s);
	return s;
}

/*
 * A page through cache, then change() and the page again through it: the
 * page built with no cache, byte for byte, and not the first (the change
 * shows); the cache then holds this page's rows alone.
 */
static void
rebuilt_after(struct rowcache *cache, void (*change)(void))
{
	char *before = page(cache), *got, *want;
	size_t n, at = 0;

	change();
	got = page(cache);
	want = page(NULL);
	n = strlen(want);
	while (at < n && got[at] == want[at])
		at++;
	ck_assert_msg(at == n && got[n] == '\0', "the cached page differs at byte %zu: "
	    "\"%.60s\", not \"%.60s\"", at, got + at, want + at);
	ck_assert(memcmp(got, want, n + 1) == 0);
	ck_assert_str_ne(got, before);
	ck_assert_uint_eq(rowcache_rows(cache), rs.nring * 2);
	free(before);
	free(got);
	free(want);
}

/* A page through a cache of its own, then again after change(). */
static void
rebuilt_fresh(void (*change)(void))
{
	struct rowcache *c = rowcache_new();

	rebuilt_after(c, change);
	rowcache_free(c);
}

static void
override_on(void)
{
	cal.novr = 1;
}

static void
override_off(void)
{
	cal.novr = 0;
}

static void
q_in_berlin(void)
{
	ring_list[1].timezone = "Europe/Berlin";
}

static void
q_on_thursdays(void)
{
	ring_list[1].win = thursdays;
}

/* r gone: q and p two rows up, their rows the same but for the cells' ids */
static void
r_gone(void)
{
	rs.ring = ring_list + 1;
	rs.nring = 2;
}

/* r's December moved too, before p's: p's rows the same but for their notes, now 3 and 4 */
static void
r_frozen(void)
{
	rs.nbo = 2;
}

START_TEST(an_override_changes_the_rows_of_its_os)
{
	struct rowcache *c = rowcache_new();

	rebuilt_after(c, override_on);
	/* and back: os-a's rows of the first build were dropped, so drawn again */
	rebuilt_after(c, override_off);
	rowcache_free(c);
}
END_TEST

START_TEST(a_time_zone_changes_the_rows_of_its_ring)
{
	rebuilt_fresh(q_in_berlin);
}
END_TEST

/* The cells alone change: the same restarts, the same ring, no notes, other days. */
START_TEST(other_windows_change_the_cells_of_their_ring)
{
	rebuilt_fresh(q_on_thursdays);
}
END_TEST

START_TEST(a_ring_gone_shifts_the_cell_ids_of_the_rows_after)
{
	rebuilt_fresh(r_gone);
}
END_TEST

START_TEST(a_note_before_renumbers_the_notes_after)
{
	char *s;

	rs.nbo = 1;	/* p's December moved: notes 1 and 2 */
	s = page(NULL);
	ck_assert_ptr_nonnull(strstr(s, "href=\"#note-2\""));
	free(s);
	rebuilt_fresh(r_frozen);
}
END_TEST

/* Only the rows the last build used stay; the hint is the last page's length. */
START_TEST(a_sweep_drops_the_rows_not_used)
{
	struct rowcache *c = rowcache_new();
	size_t len;

	ck_assert_ptr_null(rowcache_get(c, 1, &len));
	rowcache_put(c, 1, "one", 3);
	rowcache_put(c, 2, "two", 3);
	rowcache_sweep(c, 100);
	ck_assert_uint_eq(rowcache_hint(c), 100);
	ck_assert_str_eq(rowcache_get(c, 2, &len), "two");
	ck_assert_uint_eq(len, 3);
	for (uint64_t k = 100; k < 200; k++)
		rowcache_put(c, k << 40, "many", 4);	/* grows the table, 2 stays */
	rowcache_sweep(c, 7);
	ck_assert_uint_eq(rowcache_rows(c), 101);
	ck_assert_ptr_null(rowcache_get(c, 1, &len));
	ck_assert_str_eq(rowcache_get(c, 2, &len), "two");
	rowcache_sweep(c, 7);
	ck_assert_uint_eq(rowcache_rows(c), 1);
	rowcache_free(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rowcache");

	suite_add_tcase(s, tcase_of("rows", setup, teardown,
	    TESTS(an_override_changes_the_rows_of_its_os, a_time_zone_changes_the_rows_of_its_ring,
	    other_windows_change_the_cells_of_their_ring,
	    a_ring_gone_shifts_the_cell_ids_of_the_rows_after,
	    a_note_before_renumbers_the_notes_after, a_sweep_drops_the_rows_not_used)));
	return run_suite(s);
}
