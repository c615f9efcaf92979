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

/* A line the grammar refuses, and its one-line error. */
struct refusal {
	const char	*line;
	const char	*err;
};

static void
refuses(const struct refusal *bad, size_t n)
{
	struct request rq;

	for (size_t i = 0; i < n; i++) {
		char *err = NULL;

		ck_assert_msg(parse(bad[i].line, &rq, &err) == -1, "'%s' parsed", bad[i].line);
		ck_assert_msg(err != NULL && strcmp(err, bad[i].err) == 0, "'%s': got '%s'",
		    bad[i].line, err ? err : "(null)");
		free(err);
	}
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
	ck_assert_int_eq(rq.width, 0);
	ck_assert_int_eq(parse("--width 20 rings --width 1000", &rq, &err), 0);
	ck_assert_int_eq(rq.width, 1000);
	/*
	 * --since and --until as [since, until): a month is whole (2026-11-01 is
	 * 1793491200, December 1st 30 days later 1796083200), a day is 86400 s,
	 * an instant one second; the same day for both is one day.
	 */
	ck_assert_int_eq(parse("audit --since 2026-11 --until 2026-11", &rq, &err), 0);
	ck_assert(rq.has_since && rq.has_until);
	ck_assert_int_eq(rq.since, 1793491200);
	ck_assert_int_eq(rq.until, 1796083200);
	ck_assert_int_eq(parse("audit --since 2026-11-20 --until 2026-11-20", &rq, &err), 0);
	ck_assert_int_eq(rq.since, 1795132800);
	ck_assert_int_eq(rq.until, 1795132800 + 86400);
	ck_assert_int_eq(parse("audit --until 2026-11-20T10:00:00Z", &rq, &err), 0);
	ck_assert(!rq.has_since && rq.has_until);
	ck_assert_int_eq(rq.until, 1795132800 + 36000 + 1);
	ck_assert_int_eq(parse("ring show ring1", &rq, &err), 0);
	ck_assert_str_eq(rq.arg[0], "ring1");
	ck_assert_int_eq(parse("month --help", &rq, &err), 0);
	ck_assert(rq.help);
	/* Flags take no value; a word after one is the next option or argument. */
	ck_assert_int_eq(parse("publish os-a 2026-11 baseline --unplanned --kb KB5000011 "
	    "--expedited --date 2026-11-11 --build 26100.1100 --note \"from MSRC\"", &rq, &err), 0);
	ck_assert_int_eq(rq.cmd->id, CMD_PUBLISH);
	ck_assert_int_eq(rq.month, ym_make(2026, 11));
	ck_assert_int_eq(rq.kind, KIND_BASELINE);
	ck_assert(rq.unplanned && rq.expedited);
	ck_assert_str_eq(rq.kb, "KB5000011");
	ck_assert_str_eq(rq.build, "26100.1100");
	ck_assert_str_eq(rq.note, "from MSRC");
	ck_assert(ymd_cmp(rq.date, (struct ymd){ 2026, 11, 11 }) == 0);
	ck_assert_int_eq(parse("publish os-a 2026-11 hotpatch", &rq, &err), 0);
	ck_assert(!rq.unplanned && !rq.expedited && !ymd_is_set(rq.date) && rq.kb == NULL);
	/* The longest name wins: "publish clear" is not "publish" for the OS "clear". */
	ck_assert_int_eq(parse("publish clear os-a 2026-11", &rq, &err), 0);
	ck_assert_int_eq(rq.cmd->id, CMD_PUBLISH_CLEAR);
	ck_assert_int_eq(parse("publish list --os os-a", &rq, &err), 0);
	ck_assert_int_eq(rq.cmd->id, CMD_PUBLISH_LIST);
}
END_TEST

START_TEST(grammar_refuses_with_one_clear_line)
{
	static const struct refusal bad[] = {
		{ "bogus", "unknown command 'bogus' (try 'hotpatchctl help')" },
		{ "--frob status", "unknown option '--frob' (try 'hotpatchctl help')" },
		{ "os lst", "unknown command 'os lst'; did you mean 'os list'?" },
		{ "", "no command given (try 'hotpatchctl help')" },
		{ "month 2026-13", "bad month '2026-13': there is no month 13" },
		{ "month", "wrong number of arguments; usage: hotpatchctl month YYYY-MM [--os ID]" },
		{ "month 2026-10 2026-11", "unexpected argument '2026-11'; usage: hotpatchctl month YYYY-MM [--os ID]" },
		{ "calendar --year abc", "bad year 'abc' (expected 1970..2500)" },
		{ "calendar --ring r1",
		    "calendar does not take option '--ring' (try 'hotpatchctl calendar --help')" },
		{ "calendar --os", "option '--os' needs a value" },
		{ "calendar --os a --os b", "option '--os' given twice" },
		{ "calendar --os Win11", "bad OS id 'Win11'" },
		{ "override set ws2022-azure 2026-09 restart --reason x",
		    "bad kind 'restart' (expected baseline, hotpatch or lcu)" },
		{ "override set ws2022-azure 2026-09 baseline",
		    "override set needs --reason; usage: hotpatchctl override set OS YYYY-MM KIND --reason TEXT" },
		{ "next --at tomorrow",
		    "bad --at 'tomorrow' (expected YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)" },
		{ "next --at 2026-11-20T25:00:00Z", "bad --at '2026-11-20T25:00:00Z' "
		    "(expected YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)" },
		{ "next --at", "option '--at' needs a value" },
		{ "audit --since 2026-02-29", "bad --since '2026-02-29': 2026-02 has 28 days" },
		{ "audit --until yesterday", "bad --until 'yesterday' (expected YYYY-MM, YYYY-MM-DD "
		    "or YYYY-MM-DDTHH:MM[:SS]Z)" },
		{ "audit --since 2026-11-20 --until 2026-11-19",
		    "--until 2026-11-19 ends before --since 2026-11-20" },
		{ "audit --since 2026-11-20T10:00:00Z --until 2026-11-20T09:59:59Z",
		    "--until 2026-11-20T09:59:59Z ends before --since 2026-11-20T10:00:00Z" },
		{ "audit --limit 10001", "bad --limit '10001' (expected 1..10000)" },
		{ "audit --os ws2025-azure", "audit does not take option '--os' (try 'hotpatchctl audit --help')" },
		{ "rings --width 19", "bad --width '19' (expected 20..1000)" },
		{ "rings --width 1001", "bad --width '1001' (expected 20..1000)" },
		{ "--width -80 rings", "bad --width '-80' (expected 20..1000)" },
		{ "rings --width", "option '--width' needs a value" },
		{ "publish os-a 2026-11 hotpatch --kb 5000011",
		    "bad --kb '5000011' (expected KB and digits, like KB5094125)" },
		{ "publish os-a 2026-11 hotpatch --build 26100.",
		    "bad --build '26100.' (expected digits.digits, like 26100.32995)" },
		{ "publish os-a 2026-11 hotpatch --date 2026-11-31",
		    "bad --date '2026-11-31': 2026-11 has 30 days" },
		{ "publish os-a 2026-11 hotpatch --date 2026-11",
		    "bad --date '2026-11' (expected YYYY-MM-DD)" },
		{ "publish os-a 2026-11 hotpatch --expedited --expedited",
		    "option '--expedited' given twice" },
		{ "publish os-a 2026-11 hotpatch --note \"\"", "--note must be 1 to 1024 characters" },
		{ "publish clear os-a", "wrong number of arguments; usage: hotpatchctl publish clear "
		    "OS YYYY-MM" },
	};

	refuses(bad, ARRAY_LEN(bad));
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
	s = table_render(t, false);
	ck_assert_str_eq(s,
	    "RING       NAME         TZ\n"
	    "r1         Zürich Büro  Europe/Zurich\n"
	    "ring-long  -            UTC\n");
	free(s);
	table_free(t);
}
END_TEST

/* Known refusals: one line each, with the command or option probably meant. */
START_TEST(grammar_suggests_what_was_probably_meant)
{
	static const struct refusal bad[] = {
		{ "calender", "unknown command 'calender'; did you mean 'calendar'?" },
		{ "statsu", "unknown command 'statsu'; did you mean 'status'?" },
		{ "Rings", "unknown command 'Rings'; did you mean 'rings'?" },
		{ "hlep", "unknown command 'hlep'; did you mean 'help'?" },
		{ "wind --ring x", "unknown command 'wind'; did you mean 'windows'?" },
		{ "overide set ws2022-azure 2026-09 lcu", "unknown command 'overide'; did you mean 'override'?" },
		{ "override sett", "unknown command 'override sett'; did you mean 'override set'?" },
		{ "blackout lst", "unknown command 'blackout lst'; did you mean 'blackout list'?" },
		{ "blackout rm 3", "unknown command 'blackout rm' (try 'hotpatchctl help blackout')" },
		{ "override frob", "unknown command 'override frob' (try 'hotpatchctl help override')" },
		{ "xyzzy", "unknown command 'xyzzy' (try 'hotpatchctl help')" },
		{ "override", "'override' needs a subcommand: set, clear or list "
		    "(try 'hotpatchctl help override')" },
		{ "ring --json", "'ring' needs a subcommand: show (try 'hotpatchctl help ring')" },
		{ "calendar --yaer 2027", "unknown option '--yaer'; did you mean '--year'?" },
		{ "windows --ring x --month 3", "unknown option '--month'; did you mean '--months'?" },
		{ "--jsno status", "unknown option '--jsno'; did you mean '--json'?" },
		{ "status --colour", "unknown option '--colour'; did you mean '--color'?" },
		{ "calendar --frob", "unknown option '--frob' (try 'hotpatchctl calendar --help')" },
		{ "help calender", "unknown command 'calender'; did you mean 'calendar'?" },
	};

	refuses(bad, ARRAY_LEN(bad));
}
END_TEST

/* A day where a month is expected stands for its month; impossible dates say why. */
START_TEST(grammar_takes_a_day_for_a_month_and_explains_bad_dates)
{
	static const struct refusal bad[] = {
		{ "month 2027-02-29", "bad date '2027-02-29': 2027-02 has 28 days" },
		{ "month 2027-04-31", "bad date '2027-04-31': 2027-04 has 30 days" },
		{ "month 2027-01-00", "bad date '2027-01-00': there is no day 00" },
		{ "month 2027-13-01", "bad date '2027-13-01': there is no month 13" },
		{ "month 2027-00", "bad month '2027-00': there is no month 00" },
		{ "month 1969-12", "bad month '1969-12': years are 1970..2500" },
		{ "month 2027-1", "bad month '2027-1' (expected YYYY-MM or YYYY-MM-DD)" },
		{ "month 2027-02-3", "bad month '2027-02-3' (expected YYYY-MM or YYYY-MM-DD)" },
		{ "month 2027/02/03", "bad month '2027/02/03' (expected YYYY-MM or YYYY-MM-DD)" },
		{ "windows --ring r --from 2027-02-30", "bad --from '2027-02-30': 2027-02 has 28 days" },
		{ "windows --ring r --from 2027-13", "bad --from '2027-13': there is no month 13" },
		{ "next --at 2027-02-30", "bad --at '2027-02-30': 2027-02 has 28 days" },
		{ "next --at 2027-13", "bad --at '2027-13': there is no month 13" },
		{ "next --at 2027-02-30T10:00Z", "bad --at '2027-02-30T10:00Z': 2027-02 has 28 days" },
		{ "next --at 2027-02T10:00Z", "bad --at '2027-02T10:00Z' "
		    "(expected YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)" },
		{ "blackout add --name x --from 2027-02 --to 2027-03-01",
		    "bad --from '2027-02' (expected YYYY-MM-DD)" },
		{ "blackout add --name x --from 2027-02-01 --to 2027-02-29",
		    "bad --to '2027-02-29': 2027-02 has 28 days" },
	};
	struct request rq;
	char *err = NULL;

	ck_assert_int_eq(parse("month 2027-02-28 --os win11-24h2", &rq, &err), 0);
	ck_assert_str_eq(rq.arg[0], "2027-02");
	ck_assert_int_eq(parse("month 2028-02-29", &rq, &err), 0);	/* a leap year */
	ck_assert_str_eq(rq.arg[0], "2028-02");
	ck_assert_int_eq(parse("month 2027-10", &rq, &err), 0);
	ck_assert_str_eq(rq.arg[0], "2027-10");
	ck_assert_int_eq(parse("override set ws2022-azure 2026-09-08 lcu --reason x", &rq, &err), 0);
	ck_assert_str_eq(rq.arg[1], "2026-09");
	ck_assert_int_eq(parse("windows --ring r --from 2027-03-31", &rq, &err), 0);
	ck_assert_str_eq(rq.from, "2027-03");
	ck_assert_int_eq(parse("blackout add --name x --from 2028-02-29 --to 2028-03-01", &rq, &err), 0);
	ck_assert_str_eq(rq.from, "2028-02-29");
	ck_assert_int_eq(parse("next --at 2027-03", &rq, &err), 0);
	ck_assert_int_eq(rq.at, 1803859200);	/* 2027-03-01T00:00:00Z */
	ck_assert_int_eq(parse("next --at 2027-03-01", &rq, &err), 0);
	ck_assert_int_eq(rq.at, 1803859200);
	refuses(bad, ARRAY_LEN(bad));
}
END_TEST

START_TEST(help_is_asked_for_in_every_way)
{
	struct request rq;
	char *err = NULL, *h;

	ck_assert_int_eq(parse("help", &rq, &err), 0);
	ck_assert(rq.help && rq.cmd == NULL && rq.group == NULL);
	ck_assert_int_eq(parse("--help", &rq, &err), 0);
	ck_assert(rq.help && rq.cmd == NULL);
	ck_assert_int_eq(parse("help override", &rq, &err), 0);
	ck_assert(rq.help && rq.cmd == NULL);
	ck_assert_str_eq(rq.group, "override");
	ck_assert_int_eq(parse("override --help", &rq, &err), 0);
	ck_assert_str_eq(rq.group, "override");
	ck_assert_int_eq(parse("help override set", &rq, &err), 0);
	ck_assert_int_eq(rq.cmd->id, CMD_OVERRIDE_SET);
	ck_assert_int_eq(parse("blackout add -h", &rq, &err), 0);
	ck_assert(rq.help);
	ck_assert_int_eq(rq.cmd->id, CMD_BLACKOUT_ADD);
	ck_assert_int_eq(parse("--color month 2026-10", &rq, &err), 0);
	ck_assert(rq.color && !rq.json);

	h = cmd_usage(&cmd_table[CMD_WINDOWS]);
	ck_assert_str_eq(h,
	    "usage: hotpatchctl [GLOBAL OPTIONS] windows --ring ID [--os ID] [--from YYYY-MM] [--months N]\n"
	    "per month: kind, offer, deadlines, install window, restart, status\n"
	    "\n"
	    "  --os ID                one OS only (hotpatchctl os list)\n"
	    "  --ring ID              a ring (hotpatchctl rings)\n"
	    "  --from YYYY-MM         the first month (default: this one); YYYY-MM-DD: its month\n"
	    "  --months N             how many months, 1..37 (the feeds' horizon)\n"
	    "\n"
	    "global options: --socket PATH, --json, --at DATE, --color[=WHEN], --width N, --full, "
	    "--help, --version "
	    "(hotpatchctl help)\n");
	free(h);
	/* --from is a day for blackout add. */
	h = cmd_usage(&cmd_table[CMD_BLACKOUT_ADD]);
	ck_assert_ptr_nonnull(strstr(h, "\n  --from YYYY-MM-DD      the first day of the freeze\n"));
	ck_assert_ptr_null(strstr(h, "--months"));
	free(h);
	h = cmd_group_help("override");
	ck_assert_ptr_nonnull(strstr(h, "\n  override set OS YYYY-MM KIND --reason TEXT "));
	ck_assert_ptr_nonnull(strstr(h, "\n  override clear OS YYYY-MM "));
	ck_assert_ptr_nonnull(strstr(h, "\n  override list [--os ID] "));
	ck_assert_ptr_null(strstr(h, "blackout"));
	free(h);
}
END_TEST

/* cmd_complete's candidates, joined by spaces, and its value type. */
static char *
completion(const char *words, const char *cur, char *value)
{
	static char buf[512];
	static char *w[PROTO_MAX_WORDS];
	struct completion c;
	const char *serr;
	char *s = NULL;
	int n;

	strcpy(buf, words);
	n = proto_split(buf, w, PROTO_MAX_WORDS, &serr);
	ck_assert_int_ge(n, 0);
	cmd_complete(n, w, cur, &c);
	for (size_t k = 0; k < c.nword; k++)
		strappend(&s, "%s%s", k ? " " : "", c.word[k]);
	*value = c.value;
	return s ? s : xstrdup("");
}

START_TEST(completion_follows_the_grammar)
{
	static const struct { const char *words, *cur, *want; char value; } cases[] = {
		{ "", "", "status os calendar month next rings ring override reload windows plan "
		    "blackout feed export backup publish import devices device fleet audit help", 0 },
		{ "", "--", "status os calendar month next rings ring override reload windows plan "
		    "blackout feed export backup publish import devices device fleet audit help --socket --json "
		    "--at --color=auto --color=always --color=never --width --full --help --version", 0 },
		{ "--json", "", "status os calendar month next rings ring override reload windows "
		    "plan blackout feed export backup publish import devices device fleet audit help", 0 },
		{ "help", "", "status os calendar month next rings ring override reload windows "
		    "plan blackout feed export backup publish import devices device fleet audit", 0 },
		{ "override", "", "set clear list", 0 },
		{ "devices", "", "import --ring --not-eligible --restart-in --limit --offset", 0 },
		{ "device", "", "show", 0 },
		{ "devices import", "", "", CARG_INVENTORY },
		{ "devices import x.csv", "--", "--ring --format --replace --skip-bad --socket --json --at "
		    "--color=auto --color=always --color=never --width --full --help", 0 },
		{ "help blackout", "", "add remove list import", 0 },
		{ "override set", "", "", CARG_OS },
		{ "override set ws2022-azure", "", "", 0 },
		{ "override set ws2022-azure 2026-09", "", "lcu hotpatch baseline", 0 },
		{ "override set ws2022-azure 2026-09 lcu", "", "--reason", 0 },
		/* A command that names a group too: its subcommands, and its first argument. */
		{ "publish", "", "clear list", CARG_OS },
		{ "publish clear", "", "", CARG_OS },
		{ "publish ws2022-azure 2026-09 baseline --unplanned", "",
		    "--kb --build --date --expedited --note", 0 },
		{ "publish ws2022-azure 2026-09 baseline --date", "", "", 0 },
		{ "ring show", "", "", CARG_RING },
		{ "blackout remove", "", "", CARG_ID },
		{ "blackout import", "", "", CARG_FILE },
		{ "backup", "", "", CARG_OUT },
		{ "import", "", "cvrf", 0 },
		{ "import cvrf", "", "", CARG_CVRF },
		/* --dry-run is a flag: the word after it is the file again, not its value. */
		{ "import cvrf --dry-run", "", "", CARG_CVRF },
		{ "import cvrf x.json", "", "--dry-run", 0 },
		{ "import cvrf x.json --dry-run", "", "", 0 },
		{ "export --dir", "", "", CARG_DIR },
		{ "calendar --os", "", "", CARG_OS },
		{ "windows --ring", "w", "", CARG_RING },
		{ "windows --ring ring1", "", "--os --from --months", 0 },
		{ "windows --ring ring1 --months 3", "-", "--os --from --socket --json --at "
		    "--color=auto --color=always --color=never --width --full --help", 0 },
		{ "blackout add --name x", "", "--ring --from --to --kind", 0 },
		{ "next --at", "", "", 0 },
		{ "--at 2026-11 next", "", "--os --ring", 0 },
		/* --width's value is a number, not a command. */
		{ "--width", "", "", 0 },
		{ "--width 80 windows", "", "--os --ring --from --months", 0 },
		{ "windows --width 80 --ring", "", "", CARG_RING },
		{ "status", "", "", 0 },
		{ "bogus", "", "", 0 },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char value;
		char *got = completion(cases[i].words, cases[i].cur, &value);

		ck_assert_msg(strcmp(got, cases[i].want) == 0 && value == cases[i].value,
		    "'%s' + '%s': got '%s' (value '%c'), want '%s' (value '%c')", cases[i].words,
		    cases[i].cur, got, value ? value : '0', cases[i].want,
		    cases[i].value ? cases[i].value : '0');
		free(got);
	}
}
END_TEST

START_TEST(table_colours_kinds_restarts_and_late_windows_only_when_asked)
{
	struct table *t = table_new(4);
	char *s;

	table_row(t, "KIND", "RESTART", "STATUS", "NAME");
	table_row(t, "baseline*", "yes", "late", "hotpatch ring");
	table_row(t, "hotpatch~", "no", "ok", "lcu");
	table_row(t, "lcu", "yes", "none", "yes");
	s = table_render(t, false);
	ck_assert_ptr_null(strchr(s, '\033'));
	free(s);
	s = table_render(t, true);
	ck_assert_str_eq(s,
	    "KIND       RESTART  STATUS  NAME\n"
	    "\033[33mbaseline*\033[0m  \033[33myes\033[0m      \033[31mlate\033[0m    hotpatch ring\n"
	    "\033[32mhotpatch~\033[0m  no       ok      \033[33mlcu\033[0m\n"
	    "\033[33mlcu\033[0m        \033[33myes\033[0m      \033[1;31mnone\033[0m    yes\n");
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
	tcase_add_test(tc, grammar_suggests_what_was_probably_meant);
	tcase_add_test(tc, grammar_takes_a_day_for_a_month_and_explains_bad_dates);
	tcase_add_test(tc, help_is_asked_for_in_every_way);
	tcase_add_test(tc, completion_follows_the_grammar);
	tcase_add_test(tc, table_colours_kinds_restarts_and_late_windows_only_when_asked);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
