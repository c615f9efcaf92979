/*
 * check_planmodel: the plan as rows of cells (planmodel.c), against a small
 * estate worked out by hand, and the /plan page drawn from it byte for byte
 * as the page drawn from the plan's JSON.
 *
 * Facts used: OS os-a has baselines in January, April, July and October
 * (check_windows' calendar) and hotpatch since 2024-01; Patch Tuesdays
 * 2026-10-13, 11-10, 12-08 and 2027-01-12; release 10:00 Los Angeles =
 * 17:00Z in PDT (to 2026-11-01), 18:00Z in PST.  Ring r, UTC: deferral 0,
 * deadline 7 days, grace 2; windows Tuesday and Thursday 20:00-22:00.
 *
 *   2026-10  baseline: offered Tue 10-13 17:00Z, window the same evening
 *            20:00Z, ok; restart.  Letter B, no marks, no note.
 *   2026-11  hotpatch: offered Tue 11-10 18:00Z, window 20:00Z, ok, no
 *            restart.  Letter H.
 *   2026-12  a hotpatch month overridden to a baseline: restart.  A freeze
 *            "patch day" on 12-08 moves the window to Thu 12-10 20:00Z,
 *            before the deadline 12-15 18:00Z: ok, mark #, a note "moved".
 *   2027-01  baseline; the freeze "january" 01-12..01-20 holds it past the
 *            deadline 01-19 18:00Z to Thu 01-21 20:00Z: late.  A late
 *            install is forced at its deadline, and 01-19 lies inside the
 *            freeze: forced in "january" too.  Marks !#~, risks late and
 *            forced, the note labelled by the first: "late".
 * Ring q, the same without blackouts (they name ring r): no risk, so a plan
 * of the rows at risk has r alone.  Restarts over the four months: r and q
 * restart in October, December (the override) and January: 3, of them 2
 * baselines of the calendar's baseline months and December's, a baseline
 * outside them, counted apart as unplanned (state.c, restart_cause).
 */
#include "pages.h"
#include "risk.h"
#include "plancell.h"
#include "planmodel.h"
#include "tzcache.h"
#include "views.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

enum { TUE = 1 << 2, THU = 1 << 4 };

static struct os_def oses[1] = {
	{ .id = "os-a", .name = "OS A", .arch = ARCH_X64,
	  .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10 },
};
static struct override ovr[1] = {
	{ .os = "os-a", .kind = KIND_BASELINE, .reason = "hand-worked", .who = "test" },
};
static struct caldata cal = { .os = oses, .nos = 1, .ovr = ovr, .novr = 1 };
static struct mwindow win[] = { { WIN_WEEKLY, TUE | THU, 0, 20 * 60, 120 } };
static char *os_list[] = { "os-a" };
static struct ring ring_list[2];
static struct blackout bo[2];
static struct ringset rs = { .ring = ring_list, .nring = 2, .bo = bo, .nbo = 2 };
static const struct plan_range four = { 24321, 4 };	/* 2026 * 12 + 9: October 2026 */

static struct ring
ring(const char *id)
{
	return (struct ring){ .id = (char *)id, .name = (char *)id, .timezone = "UTC",
	    .deferral_days = 0, .deadline_days = 7, .grace_days = 2, .hotpatch = true,
	    .arch = ARCH_X64, .vbs = true, .licensed = true, .reminder_min = -1, .win = win,
	    .nwin = 1, .os = os_list, .nos = 1 };
}

static void
setup(void)
{
	oses[0].hotpatch_start = ym_make(2024, 1);
	ovr[0].month = ym_make(2026, 12);
	ring_list[0] = ring("r");
	ring_list[1] = ring("q");
	bo[0] = (struct blackout){ .name = "patch day", .ring = "r",
	    .from = { 2026, 12, 8 }, .to = { 2026, 12, 8 } };
	bo[1] = (struct blackout){ .name = "january", .ring = "r",
	    .from = { 2027, 1, 12 }, .to = { 2027, 1, 20 } };
}

static void
teardown(void)
{
	tz_free_all();
}

/* Cell c of row r's facts (plancell.h), and its letter and marks into marks. */
static char
facts(const struct plan_model *pm, size_t r, int c, struct cell_facts *f, char marks[8])
{
	plan_model_facts(pm, &pm->row[r], plan_model_cell(pm, r, c), f);
	cell_marks(f, marks, 8);
	return cell_letter(f);
}

START_TEST(cells_are_the_months_worked_by_hand)
{
	struct plan_model pm;
	const struct plan_cell *c;
	struct cell_facts f;
	char marks[8];

	plan_model_build(&pm, &cal, &rs, &four, false);
	ck_assert_uint_eq(pm.nrow, 2);
	ck_assert_str_eq(pm.row[0].ring->id, "r");
	ck_assert_str_eq(pm.row[1].ring->id, "q");
	ck_assert(pm.row[0].at_risk);
	ck_assert(!pm.row[1].at_risk);
	ck_assert_ptr_null(pm.row[0].not_eligible);

	/* October: baseline the evening of Patch Tuesday */
	c = plan_model_cell(&pm, 0, 0);
	ck_assert_int_eq(c->kind, KIND_BASELINE);
	ck_assert(c->restart);
	ck_assert_int_eq(c->window_start, utc(2026, 10, 13, 20, 0));
	ck_assert_int_eq(c->status, WS_OK);
	ck_assert_int_eq(facts(&pm, 0, 0, &f, marks), 'B');
	ck_assert_str_eq(marks, "");
	ck_assert_str_eq(f.month, "2026-10");
	ck_assert_str_eq(f.local, "2026-10-13T20:00+00:00");
	ck_assert(!cell_needs_note(&f));

	/* November: the hotpatch, no restart */
	c = plan_model_cell(&pm, 0, 1);
	ck_assert_int_eq(c->kind, KIND_HOTPATCH);
	ck_assert(!c->restart);
	ck_assert_int_eq(c->window_start, utc(2026, 11, 10, 20, 0));
	ck_assert_int_eq(facts(&pm, 0, 1, &f, marks), 'H');
	ck_assert(!cell_needs_note(&f));

	/* December: overridden to a baseline, moved two days by "patch day" */
	c = plan_model_cell(&pm, 0, 2);
	ck_assert_int_eq(c->kind, KIND_BASELINE);
	ck_assert(c->restart);
	ck_assert_int_eq(c->window_start, utc(2026, 12, 10, 20, 0));
	ck_assert_int_eq(c->status, WS_OK);
	ck_assert_ptr_eq(c->blackout, &bo[0]);
	ck_assert_uint_eq(c->risks, 0);
	ck_assert_int_eq(facts(&pm, 0, 2, &f, marks), 'B');
	ck_assert_str_eq(marks, "#");
	ck_assert(cell_needs_note(&f));
	ck_assert_str_eq(cell_note_label(&f), "moved");
	ck_assert_ptr_nonnull(strstr(plan_model_reason(&pm, c), "patch day"));
	/* q has no blackout: its December window is Patch Tuesday's evening */
	ck_assert_int_eq(plan_model_cell(&pm, 1, 2)->window_start, utc(2026, 12, 8, 20, 0));
	ck_assert_ptr_null(plan_model_cell(&pm, 1, 2)->blackout);

	/* January: late past the freeze, at risk */
	c = plan_model_cell(&pm, 0, 3);
	ck_assert_int_eq(c->window_start, utc(2027, 1, 21, 20, 0));
	ck_assert_int_eq(c->status, WS_LATE);
	ck_assert_ptr_eq(c->blackout, &bo[1]);
	ck_assert_int_eq(facts(&pm, 0, 3, &f, marks), 'B');
	ck_assert_str_eq(marks, "!#~");
	ck_assert_int_eq(c->st.forced_at, utc(2027, 1, 19, 18, 0));
	ck_assert_ptr_eq(c->st.forced_in, &bo[1]);
	ck_assert_uint_eq(c->risks, RISK_LATE | RISK_FORCED);
	ck_assert(f.at_risk);
	ck_assert_str_eq(cell_note_label(&f), "late");

	/* three restarts in four months: October, January; December's unplanned baseline */
	ck_assert_int_eq(pm.row[0].restarts.total, 3);
	ck_assert_int_eq(pm.row[0].restarts.baseline, 2);
	ck_assert_int_eq(pm.row[0].restarts.unplanned, 1);
	ck_assert_int_eq(pm.row[1].restarts.total, 3);
	plan_model_free(&pm);
}
END_TEST

/* Only the rows at risk: r; q's cells and reasons are taken back, r's are intact. */
START_TEST(rows_at_risk_only_keep_r)
{
	struct plan_model pm;

	ring_list[0] = ring("q");	/* q first, so its row is the one taken back */
	ring_list[1] = ring("r");
	plan_model_build(&pm, &cal, &rs, &four, true);
	ck_assert_uint_eq(pm.nrow, 1);
	ck_assert_str_eq(pm.row[0].ring->id, "r");
	ck_assert_int_eq(plan_model_cell(&pm, 0, 3)->status, WS_LATE);
	ck_assert_ptr_nonnull(strstr(plan_model_reason(&pm, plan_model_cell(&pm, 0, 2)),
	    "patch day"));
	plan_model_free(&pm);
}
END_TEST

/* Count the rows through the iterator; stop at the second when asked. */
static int
count_row(const struct plan_model *pm, const struct plan_row *row,
    const struct plan_cell *cells, void *arg)
{
	int *n = arg;

	ck_assert_ptr_eq(cells, plan_model_cell(pm, (size_t)(row - pm->row), 0));
	return ++*n == 2 ? 7 : 0;
}

START_TEST(each_walks_the_rows_in_order)
{
	struct plan_model pm;
	int n = 0;

	plan_model_build(&pm, &cal, &rs, &four, false);
	ck_assert_int_eq(plan_model_each(&pm, count_row, &n), 7);
	ck_assert_int_eq(n, 2);
	plan_model_free(&pm);
}
END_TEST

/* The page from the model is the page from view_plan_range's JSON, byte for byte. */
START_TEST(the_page_from_the_model_is_the_page_from_the_json)
{
	struct plan_links l = { .home = "../", .prev = "?a", .next = "?b" };
	struct plan_model pm;
	json_t *plan = view_plan_range(&cal, &rs, &four, false);
	char *a, *b;

	plan_model_build(&pm, &cal, &rs, &four, false);
	a = page_plan(plan, &l);
	b = page_plan_model(&pm, NULL, NULL, &l, NULL);
	ck_assert_str_eq(a, b);
	/* the December cell as the page writes it */
	ck_assert_ptr_nonnull(strstr(b, "<td id=\"c0-2\" data-month=\"2026-12\" data-kind=\"baseline\" "
	    "data-install=\"baseline\" data-status=\"ok\" class=\"baseline blackout\""));
	free(a);
	free(b);
	json_decref(plan);
	plan_model_free(&pm);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("planmodel");

	suite_add_tcase(s, tcase_of("cells", setup, teardown,
	    TESTS(cells_are_the_months_worked_by_hand, rows_at_risk_only_keep_r,
	    each_walks_the_rows_in_order, the_page_from_the_model_is_the_page_from_the_json)));
	return run_suite(s);
}
