/*
 * check_proto: the pieces of the control protocol both sides share: word
 * splitting and quoting, status lines, the command grammar, text tables.
 */
#include "cmdtab.h"
#include "proto.h"
#include "table.h"
#include "testutil.h"
#include "util.h"

#include <string.h>

START_TEST(split_handles_spaces_tabs_and_quotes)
{
	char buf[] = "override  set\tws2022-azure 2026-09 baseline --reason \"zero-day \\\"x\\\" \\\\ y\"";
	char *w[PROTO_MAX_WORDS];
	const char *err = NULL;

	ck_assert_int_eq(proto_split(buf, w, PROTO_MAX_WORDS, &err), 7);
	ck_assert_str_eq(w[0], "override");
	ck_assert_str_eq(w[1], "set");
	ck_assert_str_eq(w[2], "ws2022-azure");
	ck_assert_str_eq(w[6], "zero-day \"x\" \\ y");
}
END_TEST

START_TEST(split_refuses_broken_lines)
{
	static const struct { const char *line, *err; } bad[] = {
		{ "month \"2026-10", "unterminated quote in request" },
		{ "month \"2026\"-10", "quote must end a word" },
		{ "month\x01 2026-10", "control character in request" },
		{ "status\x1b[31m", "control character in request" },
		{ "status\x7f", "control character in request" },
		{ "override list --os \xc2\x9b" "31m", "control character in request" },
	};

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *buf = xstrdup(bad[i].line), *w[PROTO_MAX_WORDS];
		const char *err = NULL;

		ck_assert_int_eq(proto_split(buf, w, PROTO_MAX_WORDS, &err), -1);
		ck_assert_str_eq(err, bad[i].err);
		free(buf);
	}
}
END_TEST

START_TEST(split_refuses_too_many_words)
{
	char buf[PROTO_MAX_WORDS * 2 + 8], *w[PROTO_MAX_WORDS];
	const char *err = NULL;

	buf[0] = '\0';
	for (int i = 0; i <= PROTO_MAX_WORDS; i++)
		strcat(buf, "a ");
	ck_assert_int_eq(proto_split(buf, w, PROTO_MAX_WORDS, &err), -1);
	ck_assert_str_eq(err, "too many words in request");
}
END_TEST

START_TEST(quote_then_split_gives_the_same_words)
{
	static const char *const words[] = { "override", "set", "a b", "say \"hi\"", "back\\slash",
	    "", "tab\there", "plain" };
	char *line = NULL, *w[PROTO_MAX_WORDS];
	const char *err;
	size_t len = 0;

	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		proto_quote(&line, &len, words[i]);
	ck_assert_uint_eq(len, strlen(line));
	ck_assert_int_eq(proto_split(line, w, PROTO_MAX_WORDS, &err), (int)ARRAY_LEN(words));
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		ck_assert_str_eq(w[i], words[i]);
	free(line);
}
END_TEST

START_TEST(status_lines_parse_and_garbage_does_not)
{
	int code;
	size_t len;
	const char *msg;

	ck_assert_int_eq(proto_parse_status("200 1234 ok", &code, &len, &msg), 0);
	ck_assert_int_eq(code, 200);
	ck_assert_uint_eq(len, 1234);
	ck_assert_str_eq(msg, "ok");
	ck_assert_int_eq(proto_parse_status("404 0 unknown OS 'x'", &code, &len, &msg), 0);
	ck_assert_str_eq(msg, "unknown OS 'x'");
	ck_assert_int_eq(proto_parse_status("hello", &code, &len, &msg), -1);
	ck_assert_int_eq(proto_parse_status("200 ok", &code, &len, &msg), -1);
	ck_assert_int_eq(proto_parse_status("99 0 x", &code, &len, &msg), -1);
}
END_TEST

START_TEST(exit_status_follows_the_reply_code)
{
	ck_assert_int_eq(proto_exit_status(PROTO_OK), 0);
	ck_assert_int_eq(proto_exit_status(PROTO_BAD_REQUEST), 2);
	ck_assert_int_eq(proto_exit_status(PROTO_DENIED), 1);
	ck_assert_int_eq(proto_exit_status(PROTO_NOT_FOUND), 1);
	ck_assert_int_eq(proto_exit_status(PROTO_INTERNAL), 1);
	ck_assert_str_eq(proto_strerror(PROTO_DENIED), "permission denied");
}
END_TEST

/* Parse a command line given as one string of words. */
static int
parse(const char *s, struct request *rq, char **err)
{
	static char buf[512];
	static char *w[PROTO_MAX_WORDS];
	const char *serr;
	int n;

	strcpy(buf, s);
	n = proto_split(buf, w, PROTO_MAX_WORDS, &serr);
	ck_assert_int_ge(n, 0);
	return cmd_parse(n, w, rq, err);
}

START_TEST(grammar_parses_commands_options_and_globals)
{
	struct request rq;
	char *err;

	ck_assert_int_eq(parse("--json calendar --os win11-24h2 --year 2027", &rq, &err), 0);
	ck_assert_int_eq(rq.cmd->id, CMD_CALENDAR);
	ck_assert(rq.json);
	ck_assert_str_eq(rq.os, "win11-24h2");
	ck_assert_int_eq(rq.year, 2027);
	ck_assert_int_eq(parse("override set ws2022-azure 2026-09 baseline --reason \"a b\" --at 2026-11-20",
	    &rq, &err), 0);
	ck_assert_int_eq(rq.cmd->id, CMD_OVERRIDE_SET);
	ck_assert_int_eq(rq.narg, 3);
	ck_assert_str_eq(rq.arg[2], "baseline");
	ck_assert_str_eq(rq.reason, "a b");
	ck_assert(rq.has_at);
	ck_assert_int_eq(rq.at, 1795132800);	/* 2026-11-20T00:00:00Z */
	ck_assert_int_eq(parse("next --at 2026-06-09T17:00:00Z", &rq, &err), 0);
	ck_assert_int_eq(rq.at, 1781024400);
	ck_assert_int_eq(parse("next --at 2026-06-09T17:00Z", &rq, &err), 0);
	ck_assert_int_eq(rq.at, 1781024400);
	ck_assert_int_eq(parse("os list", &rq, &err), 0);
	ck_assert_int_eq(rq.cmd->id, CMD_OS_LIST);
	ck_assert_int_eq(parse("ring show ring1", &rq, &err), 0);
	ck_assert_str_eq(rq.arg[0], "ring1");
	ck_assert_int_eq(parse("month --help", &rq, &err), 0);
	ck_assert(rq.help);
}
END_TEST

START_TEST(grammar_refuses_with_one_clear_line)
{
	static const struct { const char *line, *err; } bad[] = {
		{ "bogus", "unknown command 'bogus' (try 'hotpatchctl help')" },
		{ "--frob status", "unknown option '--frob' (try 'hotpatchctl help')" },
		{ "os lst", "unknown command 'os lst' (try 'hotpatchctl help')" },
		{ "", "no command given (try 'hotpatchctl help')" },
		{ "month 2026-13", "bad month '2026-13' (expected YYYY-MM)" },
		{ "month", "wrong number of arguments; usage: hotpatchctl month YYYY-MM [--os ID]" },
		{ "month 2026-10 2026-11", "unexpected argument '2026-11'; usage: hotpatchctl month YYYY-MM [--os ID]" },
		{ "calendar --year abc", "bad year 'abc' (expected 1970..2500)" },
		{ "calendar --ring r1", "calendar does not take option '--ring'" },
		{ "calendar --os", "option '--os' needs a value" },
		{ "calendar --os a --os b", "option '--os' given twice" },
		{ "calendar --os Win11", "bad OS id 'Win11'" },
		{ "override set ws2022-azure 2026-09 restart --reason x",
		    "bad kind 'restart' (expected baseline, hotpatch or lcu)" },
		{ "override set ws2022-azure 2026-09 baseline",
		    "override set needs --reason; usage: hotpatchctl override set OS YYYY-MM KIND --reason TEXT" },
		{ "next --at tomorrow", "bad --at 'tomorrow' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)" },
		{ "next --at 2026-11-20T25:00:00Z", "bad --at '2026-11-20T25:00:00Z' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)" },
		{ "next --at", "option '--at' needs a value" },
	};
	struct request rq;

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *err = NULL;

		ck_assert_msg(parse(bad[i].line, &rq, &err) == -1, "'%s' parsed", bad[i].line);
		ck_assert_msg(err != NULL && strcmp(err, bad[i].err) == 0, "'%s': got '%s'",
		    bad[i].line, err ? err : "(null)");
		free(err);
	}
}
END_TEST

START_TEST(grammar_refuses_a_newline_that_would_smuggle_a_request)
{
	char *argv[] = { "override", "set", "ws2022-azure", "2026-09", "lcu", "--reason",
	    "x\noverride set ws2022-azure 2026-10 lcu --reason y", NULL };
	struct request rq;
	char *err = NULL;

	ck_assert_int_eq(cmd_parse(7, argv, &rq, &err), -1);
	ck_assert_str_eq(err, "control character in an argument");
	free(err);
}
END_TEST

START_TEST(every_command_has_usage_and_appears_in_help)
{
	char *help = cmd_help();

	for (size_t i = 0; i < CMD_COUNT; i++) {
		char *u = cmd_usage(&cmd_table[i]);

		ck_assert_int_eq(cmd_table[i].id, (int)i);
		ck_assert_ptr_nonnull(strstr(u, cmd_table[i].words));
		ck_assert_ptr_nonnull(strstr(help, cmd_table[i].words));
		free(u);
	}
	free(help);
}
END_TEST

START_TEST(table_aligns_columns_by_characters_not_bytes)
{
	struct table *t = table_new(3);
	char *s;

	table_row(t, "RING", "NAME", "TZ");
	table_row(t, "r1", "Zürich Büro", "Europe/Zurich");
	table_row(t, "ring-long", NULL, "UTC");
	s = table_render(t);
	ck_assert_str_eq(s,
	    "RING       NAME         TZ\n"
	    "r1         Zürich Büro  Europe/Zurich\n"
	    "ring-long  -            UTC\n");
	free(s);
	table_free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("shared");

	tcase_add_test(tc, split_handles_spaces_tabs_and_quotes);
	tcase_add_test(tc, split_refuses_broken_lines);
	tcase_add_test(tc, split_refuses_too_many_words);
	tcase_add_test(tc, quote_then_split_gives_the_same_words);
	tcase_add_test(tc, status_lines_parse_and_garbage_does_not);
	tcase_add_test(tc, exit_status_follows_the_reply_code);
	tcase_add_test(tc, grammar_parses_commands_options_and_globals);
	tcase_add_test(tc, grammar_refuses_with_one_clear_line);
	tcase_add_test(tc, grammar_refuses_a_newline_that_would_smuggle_a_request);
	tcase_add_test(tc, every_command_has_usage_and_appears_in_help);
	tcase_add_test(tc, table_aligns_columns_by_characters_not_bytes);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
