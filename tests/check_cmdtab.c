/*
 * check_cmdtab: the command table as data (permission and cacheability
 * side by side) and the typed values a parsed request carries, so that
 * handlers never parse an argument again.
 */
#include "cmdtab.h"
#include "model.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

/* Parse the NULL-terminated words w; they are copied, since cmd_parse cuts a day to its month. */
static int
parse_words(struct request *rq, const char *const *w, char **err)
{
	static char copy[16][128];
	static char *argv[16];
	int n = 0;

	for (; w[n] != NULL; n++) {
		snprintf(copy[n], sizeof(copy[n]), "%s", w[n]);
		argv[n] = copy[n];
	}
	*err = NULL;
	return cmd_parse(n, argv, rq, err);
}

/* Parse w, which must be accepted. */
static void
accepted(struct request *rq, const char *const *w)
{
	char *err;

	ck_assert_msg(parse_words(rq, w, &err) == 0, "'%s ...': %s", w[0], err ? err : "");
	free(err);
}

START_TEST(table_is_sound_and_no_admin_command_is_kept)
{
	size_t admin = 0, kept = 0;

	ck_assert_ptr_null(cmd_table_check());
	for (size_t i = 0; i < CMD_COUNT; i++) {
		const struct cmd *c = &cmd_table[i];

		ck_assert_int_eq(c->id, (int)i);
		ck_assert_msg(!(c->admin && c->keep != KEEP_NO), "%s: admin and kept", c->words);
		admin += c->admin;
		kept += c->keep != KEEP_NO;
	}
	/* override set/clear, reload, blackout add/remove/import, backup, publish, publish clear,
	 * import cvrf, devices import; audit, which reads the trail of them all. */
	ck_assert_uint_eq(admin, 12);
	/* os list, calendar, month, rings, ring show, windows, plan, fleet; next per second. */
	ck_assert_uint_eq(kept, 9);
	ck_assert_int_eq(cmd_table[CMD_NEXT].keep, KEEP_SECOND);
	ck_assert_int_eq(cmd_table[CMD_WINDOWS].keep, KEEP_DATA);
}
END_TEST

START_TEST(months_are_numbers_worked_out_by_hand)
{
	struct request rq;

	/* ym = year * 12 + (month - 1): 2026 * 12 + 2 = 24314. */
	accepted(&rq, (const char *const[]){ "windows", "--ring", "pilot", "--from", "2026-03",
	    NULL });
	ck_assert_int_eq(rq.from_month, 24314);
	ck_assert_int_eq(ym_year(rq.from_month), 2026);
	ck_assert_int_eq(ym_month(rq.from_month), 3);
	/* A day stands for its month, and the word is cut to the month. */
	accepted(&rq, (const char *const[]){ "windows", "--ring", "pilot", "--from", "2026-03-31",
	    NULL });
	ck_assert_int_eq(rq.from_month, 24314);
	ck_assert_str_eq(rq.from, "2026-03");
	/* 2025 * 12 + 11 = 24311. */
	accepted(&rq, (const char *const[]){ "month", "2025-12", NULL });
	ck_assert_int_eq(rq.month, 24311);
}
END_TEST

START_TEST(kinds_ids_and_days_are_typed)
{
	struct request rq;

	/* 2026 * 12 + 1 = 24313. */
	accepted(&rq, (const char *const[]){ "override", "set", "win11", "2026-02", "hotpatch",
	    "--reason", "pilot", NULL });
	ck_assert_int_eq(rq.month, 24313);
	ck_assert_int_eq(rq.kind, KIND_HOTPATCH);
	accepted(&rq, (const char *const[]){ "override", "set", "win11", "2026-03", "baseline",
	    "--reason", "pilot", NULL });
	ck_assert_int_eq(rq.kind, KIND_BASELINE);
	accepted(&rq, (const char *const[]){ "blackout", "remove", "42", NULL });
	ck_assert_int_eq(rq.id, 42);
	accepted(&rq, (const char *const[]){ "blackout", "add", "--name", "year end", "--from",
	    "2026-12-20", "--to", "2027-01-03", NULL });
	ck_assert_int_eq(rq.from_day.y, 2026);
	ck_assert_int_eq(rq.from_day.m, 12);
	ck_assert_int_eq(rq.from_day.d, 20);
	ck_assert_int_eq(rq.to_day.y, 2027);
	ck_assert_int_eq(rq.to_day.m, 1);
	ck_assert_int_eq(rq.to_day.d, 3);
}
END_TEST

START_TEST(one_of_and_argument_types_come_from_the_table)
{
	struct request rq;
	char *err;

	ck_assert_int_eq(parse_words(&rq, (const char *const[]){ "feed", "--os", "win11",
	    "--ring", "pilot", NULL }, &err), -1);
	ck_assert_str_eq(err, "feed takes --os or --ring, not both");
	free(err);
	/* The client reads a CARG_FILE and writes a CARG_OUT: where they are. */
	ck_assert_int_eq(cmd_arg_pos(&cmd_table[CMD_BACKUP], CARG_OUT), 0);
	ck_assert_int_eq(cmd_arg_pos(&cmd_table[CMD_BLACKOUT_IMPORT], CARG_FILE), 0);
	ck_assert_int_eq(cmd_arg_pos(&cmd_table[CMD_OVERRIDE_SET], CARG_KIND), 2);
	ck_assert_int_eq(cmd_arg_pos(&cmd_table[CMD_STATUS], CARG_FILE), -1);
	ck_assert_int_eq(cmd_arg_pos(&cmd_table[CMD_OVERRIDE_SET], 0), -1);
	/* Only blackout import reads a file, only backup writes one. */
	for (size_t i = 0; i < CMD_COUNT; i++) {
		ck_assert_int_eq(cmd_arg_pos(&cmd_table[i], CARG_FILE) >= 0,
		    i == CMD_BLACKOUT_IMPORT);
		ck_assert_int_eq(cmd_arg_pos(&cmd_table[i], CARG_OUT) >= 0, i == CMD_BACKUP);
	}
	/* --from is a month for windows and a day for blackout add. */
	ck_assert_int_eq(cmd_find_option("--from", &cmd_table[CMD_WINDOWS])->type, CARG_MONTH);
	ck_assert_int_eq(cmd_find_option("--from", &cmd_table[CMD_BLACKOUT_ADD])->type, CARG_DAY);
	ck_assert_int_eq(cmd_find_option("--from", &cmd_table[CMD_PLAN])->type, CARG_MONTH);
	ck_assert_ptr_null(cmd_find_option("--from", &cmd_table[CMD_CALENDAR]));
}
END_TEST

/*
 * plan: --from and --months (across a year end: 2026 * 12 + 10 = 24322
 * for 2026-11), --year alone, --at-risk a flag; --year with --from or
 * --months is refused with why (cmd_exclusions), and --months stops at
 * the feeds' horizon, 37.
 */
START_TEST(plan_takes_a_range_or_a_year_not_both)
{
	struct request rq;
	char *err;

	accepted(&rq, (const char *const[]){ "plan", "--from", "2026-11", "--months", "3",
	    "--at-risk", NULL });
	ck_assert_int_eq(rq.from_month, 24322);
	ck_assert_int_eq(rq.months, 3);
	ck_assert(rq.at_risk);
	ck_assert_int_eq(rq.year, 0);
	accepted(&rq, (const char *const[]){ "plan", "--year", "2027", NULL });
	ck_assert_int_eq(rq.year, 2027);
	ck_assert(!rq.at_risk);
	accepted(&rq, (const char *const[]){ "plan", "--months", "37", NULL });
	ck_assert_int_eq(rq.months, 37);
	ck_assert_int_eq(parse_words(&rq, (const char *const[]){ "plan", "--months", "38", NULL },
	    &err), -1);
	ck_assert_str_eq(err, "bad --months '38' (expected 1..37)");
	free(err);
	ck_assert_int_eq(parse_words(&rq, (const char *const[]){ "plan", "--year", "2027",
	    "--from", "2026-12", NULL }, &err), -1);
	ck_assert_str_eq(err, "plan takes --year or --from, not both: --year is January to "
	    "December; give --year, or --from and --months");
	free(err);
	ck_assert_int_eq(parse_words(&rq, (const char *const[]){ "plan", "--months", "6",
	    "--year", "2027", NULL }, &err), -1);
	ck_assert_str_eq(err, "plan takes --year or --months, not both: --year is January to "
	    "December; give --year, or --from and --months");
	free(err);
	ck_assert_int_eq(parse_words(&rq, (const char *const[]){ "plan", "--at-risk", "yes",
	    NULL }, &err), -1);
	ck_assert_str_eq(err, "unexpected argument 'yes'; usage: hotpatchctl plan [--from YYYY-MM] "
	    "[--months N] [--year Y] [--at-risk] [--what-if FILE|DIR] [--set RING.KEY=VALUE]...");
	free(err);
	/* the exclusion is plan's: calendar has no --from to rule out */
	accepted(&rq, (const char *const[]){ "calendar", "--year", "2027", NULL });
}
END_TEST

START_TEST(instants_are_formatted_in_utc)
{
	char buf[32];

	/* 1,700,000,000 s = 19,675 days and 80,000 s: 2023-11-14, 22:13:20. */
	ck_assert_str_eq(utc_format(1700000000, UTC_ISO8601, buf, sizeof(buf)),
	    "2023-11-14T22:13:20Z");
	ck_assert_str_eq(utc_format(1700000000, UTC_DAY, buf, sizeof(buf)), "2023-11-14");
	ck_assert_str_eq(utc_format(1700000000, UTC_MINUTE, buf, sizeof(buf)),
	    "2023-11-14 22:13 UTC");
	/* 365 days after the epoch: 1971 begins. */
	ck_assert_str_eq(utc_format(365 * 86400, UTC_ISO8601, buf, sizeof(buf)),
	    "1971-01-01T00:00:00Z");
	/* Too small a buffer: empty, never cut. */
	ck_assert_str_eq(utc_format(0, UTC_ISO8601, buf, 8), "");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cmdtab");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, table_is_sound_and_no_admin_command_is_kept);
	tcase_add_test(tc, months_are_numbers_worked_out_by_hand);
	tcase_add_test(tc, kinds_ids_and_days_are_typed);
	tcase_add_test(tc, one_of_and_argument_types_come_from_the_table);
	tcase_add_test(tc, plan_takes_a_range_or_a_year_not_both);
	tcase_add_test(tc, instants_are_formatted_in_utc);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
