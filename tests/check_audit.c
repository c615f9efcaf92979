/*
 * check_audit: the audit trail read back.  What a row says a change was
 * made to (view_audit_object), and the store's pages of rows: the latest
 * written first, a window of time, a limit and an offset, with the counts.
 */
#include "storetest.h"
#include "util.h"
#include "views.h"

#include <string.h>

/* view_audit_object(command, args) is want. */
static void
object_is(const char *command, const char *args, const char *want)
{
	char *got = view_audit_object(command, args);

	ck_assert_msg(strcmp(got, want) == 0, "%s | %s: got '%s', want '%s'", command, args,
	    got, want);
	free(got);
}

START_TEST(the_object_is_what_follows_the_command)
{
	/* No word to leave out: the rest of the line as written, quotes and all. */
	object_is("blackout add", "blackout add --name \"x y\" --from 2027-01-04 --to 2027-01-06",
	    "--name \"x y\" --from 2027-01-04 --to 2027-01-06");
	object_is("reload", "reload", "");
	/* The words that shaped the answer go: --color, --json, --width and its value. */
	object_is("override set", "override set ws2025-azure 2027-03 lcu --reason \"test it\" "
	    "--color --width 80", "ws2025-azure 2027-03 lcu --reason \"test it\"");
	object_is("backup", "backup /tmp/x.db --json", "/tmp/x.db");
	/* A global option typed first: the command's words are found after it. */
	object_is("publish clear", "--json publish clear ws2025-azure 2026-12",
	    "ws2025-azure 2026-12");
	/* An option's value is kept whatever it says, even "--color". */
	object_is("override set", "override set os-a 2027-03 lcu --reason --color --json",
	    "os-a 2027-03 lcu --reason --color");
	/* --at changes what the request meant: it stays. */
	object_is("publish", "publish os-a 2026-12 hotpatch --at 2026-12-01 --color",
	    "os-a 2026-12 hotpatch --at 2026-12-01");
	/* An import's summary stands as it was written. */
	object_is("blackout import", "blackout import my file.ics (778 bytes, 5 blackouts)",
	    "my file.ics (778 bytes, 5 blackouts)");
	object_is("import cvrf", "2026-Nov.json (5120 bytes, document 2026-Nov): 3 of 4 months "
	    "recorded", "2026-Nov.json (5120 bytes, document 2026-Nov): 3 of 4 months recorded");
}
END_TEST

/* Four rows: a at 1000, b at 2000, c at 3000, d at 4000, written in that order. */
static void
write_four(void)
{
	static const char *const cmd[] = { "a", "b", "c", "d" };
	char *cause = NULL;

	fx.s = open_ok(fx.path);
	for (int i = 0; i < 4; i++) {
		struct actor a = { .uid = 1000 + i, .who = "someone", .at = 1000 * (i + 1),
		    .command = cmd[i], .args = cmd[i] };

		ck_assert_msg(store_audit(fx.s, &a, "ok", &cause) == 0, "%s", cause);
	}
}

/* The commands of a page, "dcba", and its counts. */
static void
page_is(const struct audit_query *q, const char *want, long matched)
{
	struct audit_page p;
	char got[8] = "", *cause = NULL;

	ck_assert_msg(store_audit_page(fx.s, q, &p, &cause) == 0, "%s", cause);
	for (size_t i = 0; i < p.n && i + 1 < sizeof(got); i++)
		got[i] = p.row[i].command[0];
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(p.stored, 4);
	ck_assert_int_eq(p.matched, matched);
	store_audit_page_free(&p);
}

START_TEST(pages_come_latest_first_in_their_window)
{
	struct audit_page p;
	char *cause = NULL;

	write_four();
	page_is(&(struct audit_query){ .limit = 10 }, "dcba", 4);
	/* [2000, 4000): b and c; 4000 is the end, not in it. */
	page_is(&(struct audit_query){ .has_since = true, .since = 2000, .has_until = true,
	    .until = 4000, .limit = 10 }, "cb", 2);
	page_is(&(struct audit_query){ .has_since = true, .since = 2001, .limit = 10 }, "dc", 2);
	page_is(&(struct audit_query){ .has_until = true, .until = 1001, .limit = 10 }, "a", 1);
	/* A page: the second row alone; then past the end, nothing, the counts still there. */
	page_is(&(struct audit_query){ .limit = 1, .offset = 1 }, "c", 4);
	page_is(&(struct audit_query){ .limit = 10, .offset = 4 }, "", 4);
	/* A row as stored. */
	ck_assert_int_eq(store_audit_page(fx.s, &(struct audit_query){ .limit = 1 }, &p, &cause), 0);
	ck_assert_int_eq(p.row[0].id, 4);
	ck_assert_int_eq(p.row[0].at, 4000);
	ck_assert_int_eq(p.row[0].uid, 1003);
	ck_assert_str_eq(p.row[0].args, "d");
	ck_assert_str_eq(p.row[0].result, "ok");
	store_audit_page_free(&p);
}
END_TEST

START_TEST(an_empty_trail_is_no_rows_not_an_error)
{
	struct audit_page p;
	char *cause = NULL;

	fx.s = open_ok(fx.path);
	ck_assert_int_eq(store_audit_page(fx.s, &(struct audit_query){ .limit = 10 }, &p, &cause),
	    0);
	ck_assert_uint_eq(p.n, 0);
	ck_assert_int_eq(p.stored, 0);
	ck_assert_int_eq(p.matched, 0);
	store_audit_page_free(&p);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("audit");
	TCase *tc = tcase_create("audit");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, the_object_is_what_follows_the_command);
	tcase_add_test(tc, pages_come_latest_first_in_their_window);
	tcase_add_test(tc, an_empty_trail_is_no_rows_not_an_error);
	suite_add_tcase(su, tc);
	return storetest_run(su);
}
