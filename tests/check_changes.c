/*
 * check_changes: which documents stand through which changes.  The
 * answers are worked by hand from the rule in changes.h: a document built
 * at generation b stands at n only if each of b+1..n is remembered and
 * changed nothing it reads.
 */
#include "changes.h"
#include "testutil.h"

#include <string.h>

static bool
is_a(const void *arg, const char *os)
{
	return strcmp(os, "a") == 0;
}

/* A ring feed of OS a; an OS feed of b; the calendar of every OS; a page of everything. */
static const struct reads feed_a = { false, is_a, NULL };
static const struct reads every_os = { false, NULL, NULL };
static const struct reads devices_page = { true, NULL, NULL };

START_TEST(one_override)
{
	struct changes c = { 0 };

	changes_note(&c, 1, CHANGE_ALL, NULL);		/* the start */
	changes_note(&c, 2, CHANGE_OS, "b");		/* an override of b */
	ck_assert(changes_spare(&c, 1, 2, &feed_a));	/* a's feed reads nothing of b */
	ck_assert(!changes_spare(&c, 1, 2, &every_os));	/* every OS: b too */
	ck_assert(!changes_spare(&c, 1, 2, &devices_page));
	ck_assert(!changes_spare(&c, 0, 2, &feed_a));	/* 1 changed everything */
	ck_assert(changes_spare(&c, 2, 2, &feed_a));	/* nothing since */
	changes_note(&c, 3, CHANGE_OS, "a");
	ck_assert(!changes_spare(&c, 1, 3, &feed_a));	/* 3 touched a */
	ck_assert(!changes_spare(&c, 2, 3, &feed_a));
	changes_free(&c);
}
END_TEST

START_TEST(devices_leave_feeds)
{
	struct changes c = { 0 };

	changes_note(&c, 5, CHANGE_DEVICES, NULL);
	changes_note(&c, 6, CHANGE_OS, "b");
	ck_assert(changes_spare(&c, 4, 6, &feed_a));
	ck_assert(!changes_spare(&c, 4, 5, &devices_page));
	ck_assert(changes_spare(&c, 4, 5, &every_os));
	/* an OS change without its OS is everything */
	changes_note(&c, 7, CHANGE_OS, NULL);
	ck_assert(!changes_spare(&c, 6, 7, &feed_a));
	changes_free(&c);
}
END_TEST

START_TEST(forgotten_generations_change_everything)
{
	struct changes c = { 0 };

	changes_note(&c, 1, CHANGE_OS, "b");
	changes_note(&c, 3, CHANGE_OS, "b");		/* 2 was never noted */
	ck_assert(!changes_spare(&c, 0, 3, &feed_a));
	ck_assert(changes_spare(&c, 2, 3, &feed_a));
	/* the ring keeps CHANGES_KEPT: the first ones fall out */
	for (unsigned g = 4; g < 4 + CHANGES_KEPT; g++)
		changes_note(&c, g, CHANGE_OS, "b");
	ck_assert(!changes_spare(&c, 2, 3 + CHANGES_KEPT, &feed_a));	/* 3 is gone */
	ck_assert(changes_spare(&c, 3, 3 + CHANGES_KEPT, &feed_a));	/* 4.. are all kept */
	ck_assert(!changes_spare(&c, 3, 4 + CHANGES_KEPT, &feed_a));	/* not noted yet */
	changes_free(&c);
}
END_TEST

START_TEST(generations_wrap)
{
	struct changes c = { 0 };

	changes_note(&c, 0xffffffffu, CHANGE_OS, "b");
	changes_note(&c, 0, CHANGE_OS, "b");
	ck_assert(changes_spare(&c, 0xfffffffeu, 0, &feed_a));
	changes_free(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("changes");

	suite_add_tcase(s, tcase_of("spare", NULL, NULL, TESTS(
	    one_override,
	    devices_leave_feeds,
	    forgotten_generations_change_everything,
	    generations_wrap)));
	return run_suite(s);
}
