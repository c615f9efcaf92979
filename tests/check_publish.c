/*
 * check_publish: run-time published answers, the pure part: how two answers
 * for a month differ, how run-time entries go over the file's (the file's kept
 * beside), what a conflict is, and which answers can be published.  The 2026
 * Patch Tuesdays used: Oct 13, Nov 10, Dec 8 (second Tuesdays, counted from
 * the weekday of the 1st: Oct 1 is a Thursday, Nov 1 a Sunday, Dec 1 a Tuesday).
 */
#include "publish.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

/* An answer for month m of 2026 (0 is 2025-12). */
static struct release
rel(int m, enum kind k, const char *kb)
{
	return (struct release){ .month = ym_make(2026, m), .kind = k, .kb = (char *)kb };
}

START_TEST(the_same_answer_differs_in_nothing_and_the_note_is_not_answer)
{
	struct release a = rel(11, KIND_HOTPATCH, "KB5000011"), b = a;

	b.note = "from the bulletin";
	ck_assert_uint_eq(publish_diff(&a, &b), 0);
	/* No date is Patch Tuesday: 2026-11-10 given explicitly is the same day. */
	b.date = (struct ymd){ 2026, 11, 10 };
	ck_assert_uint_eq(publish_diff(&a, &b), 0);
	b.date = (struct ymd){ 2026, 11, 11 };
	ck_assert_uint_eq(publish_diff(&a, &b), PUB_DATE);
}
END_TEST

START_TEST(each_part_that_differs_is_named_in_order)
{
	struct release a = rel(11, KIND_HOTPATCH, "KB5000011");
	struct release b = rel(11, KIND_BASELINE, "KB5000099");
	const char *names[PUB_NPARTS];
	size_t n;

	b.build = "26100.1100";
	b.expedited = true;
	ck_assert_uint_eq(publish_diff(&a, &b), PUB_KIND | PUB_KB | PUB_BUILD | PUB_EXPEDITED);
	n = publish_diff_names(publish_diff(&a, &b), names);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(names[0], "kind");
	ck_assert_str_eq(names[1], "kb");
	ck_assert_str_eq(names[2], "build");
	ck_assert_str_eq(names[3], "expedited");
	/* A KB on one side only differs too. */
	b = a;
	b.kb = NULL;
	ck_assert_uint_eq(publish_diff(&a, &b), PUB_KB);
	b = a;
	b.kind = KIND_BASELINE;
	b.unplanned = true;
	ck_assert_uint_eq(publish_diff(&a, &b), PUB_KIND | PUB_UNPLANNED);
}
END_TEST

/*
 * The file publishes 2026-09, 10 and 11; run time 08, 10 and 12.  Merged:
 * 08 (run time, no file entry), 09 (file), 10 (run time over the file's),
 * 11 (file), 12 (run time): five months in order.
 */
START_TEST(run_time_entries_go_over_the_files_and_keep_them)
{
	struct os_def os = { .id = xstrdup("os-a"), .name = xstrdup("A"),
	    .hotpatch_start = ym_make(2026, 1) };
	struct release *rt = xcalloc(3, sizeof(*rt));
	static const int want[] = { 8, 9, 10, 11, 12 };
	static const bool runtime[] = { true, false, true, false, true };

	os.rel = xcalloc(3, sizeof(*os.rel));
	os.nrel = 3;
	os.rel[0] = rel(9, KIND_HOTPATCH, NULL);
	os.rel[1] = rel(10, KIND_BASELINE, NULL);
	os.rel[1].kb = xstrdup("KB5000010");
	os.rel[2] = rel(11, KIND_HOTPATCH, NULL);
	rt[0] = rel(8, KIND_HOTPATCH, NULL);
	rt[1] = rel(10, KIND_HOTPATCH, NULL);
	rt[1].kb = xstrdup("KB5000110");
	rt[1].who = xstrdup("uid 0 (root)");
	rt[2] = rel(12, KIND_LCU, NULL);
	for (int i = 0; i < 3; i++)
		rt[i].runtime = true;
	publish_merge(&os, rt, 3);
	free(rt);
	ck_assert_uint_eq(os.nrel, 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_int_eq(os.rel[i].month, ym_make(2026, want[i]));
		ck_assert(os.rel[i].runtime == runtime[i]);
	}
	ck_assert_ptr_null(os.rel[0].file);
	ck_assert_ptr_nonnull(os.rel[2].file);
	ck_assert_str_eq(os.rel[2].kb, "KB5000110");
	ck_assert_str_eq(os.rel[2].file->kb, "KB5000010");
	ck_assert_int_eq(os.rel[2].file->kind, KIND_BASELINE);
	/* 10 is a conflict (kind and kb differ); 08 and 12 have no file entry to differ from. */
	ck_assert_ptr_eq(publish_conflict(&os.rel[2]), os.rel[2].file);
	ck_assert_ptr_null(publish_conflict(&os.rel[0]));
	ck_assert_ptr_null(publish_conflict(&os.rel[1]));
	os_def_free(&os);	/* frees the kept file entry too (no leak under valgrind) */
}
END_TEST

START_TEST(a_run_time_answer_the_file_agrees_with_is_no_conflict)
{
	struct release file = rel(10, KIND_BASELINE, "KB5000010");
	struct release r = file;

	r.runtime = true;
	r.note = "same as the file";
	r.file = &file;
	ck_assert_ptr_null(publish_conflict(&r));
	r.kind = KIND_HOTPATCH;
	ck_assert_ptr_eq(publish_conflict(&r), &file);
	/* A file entry has no file entry of its own to conflict with. */
	file.file = &r;
	ck_assert_ptr_null(publish_conflict(&file));
}
END_TEST

/* publish_check's answer for r on an OS from 2026-01 (never: one that never gets hotpatch). */
static void
checks_on(bool never, struct release r, const char *want)
{
	struct os_def os = { .id = "os-a", .hotpatch_start = never ? 0 : ym_make(2026, 1),
	    .never_hotpatch = never };
	char *got = publish_check(&os, &r);

	if (want == NULL)
		ck_assert_msg(got == NULL, "refused: %s", got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0, "got '%s', want '%s'",
		    got ? got : "(accepted)", want);
	free(got);
}

static void
checks(struct release r, const char *want)
{
	checks_on(false, r, want);
}

START_TEST(only_answers_the_calendar_file_would_take_can_be_published)
{
	struct release r = rel(11, KIND_BASELINE, "KB5000011");

	r.build = "26100.1100";
	r.date = (struct ymd){ 2026, 11, 30 };
	r.unplanned = true;
	r.expedited = true;
	checks(r, NULL);
	checks(rel(11, KIND_HOTPATCH, "KB12x"), "kb must look like KB5094125, got 'KB12x'");
	checks(rel(11, KIND_HOTPATCH, "5000011"), "kb must look like KB5094125, got '5000011'");
	r = rel(11, KIND_HOTPATCH, NULL);
	r.build = "26100";
	checks(r, "build must look like 26100.32995, got '26100'");
	r = rel(11, KIND_HOTPATCH, NULL);
	r.date = (struct ymd){ 2026, 12, 1 };
	checks(r, "date 2026-12-01 is not in month 2026-11");
	r = rel(11, KIND_HOTPATCH, NULL);
	r.unplanned = true;
	checks(r, "unplanned applies only to kind baseline");
	checks(rel(0, KIND_HOTPATCH, NULL),
	    "a hotpatch in 2025-12 is before the OS's hotpatch_start 2026-01");
	/* Before hotpatch_start only a hotpatch is wrong: an LCU there is the rule. */
	checks(rel(0, KIND_LCU, NULL), NULL);
	/* An OS that never gets hotpatch publishes LCUs only, at any month. */
	checks_on(true, rel(11, KIND_LCU, "KB5000011"), NULL);
	checks_on(true, rel(11, KIND_BASELINE, NULL), "os-a never gets hotpatch: every month is "
	    "an lcu");
	checks_on(true, rel(0, KIND_HOTPATCH, NULL), "os-a never gets hotpatch: every month is "
	    "an lcu");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("publish");

	suite_add_tcase(s, tcase_of("publish", NULL, NULL, TESTS(
	    the_same_answer_differs_in_nothing_and_the_note_is_not_answer,
	    each_part_that_differs_is_named_in_order,
	    run_time_entries_go_over_the_files_and_keep_them,
	    a_run_time_answer_the_file_agrees_with_is_no_conflict,
	    only_answers_the_calendar_file_would_take_can_be_published)));
	return run_suite(s);
}
