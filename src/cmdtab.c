/*
 * cmdtab.c: hotpatchctl's commands and options as data, and the lookups
 * into them that parsing, help and completion share.  A command is one row
 * here (and one handler in commands.c); which value an option or argument
 * takes is its type letter, which the parser checks and the client follows.
 */
#include "cmdtab.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/*
 * id, words, args, usage, opts, required, admin, summary, then oneof and
 * keep.  KEEP_DATA: the answer depends only on the data, the request line
 * and the current month (for a default year, month or --from) and whether
 * its release has passed (staleness), so the daemon keeps it per data
 * generation and stale_epoch.  KEEP_SECOND: next, which depends on the
 * current instant as well, is kept for the second it was made in (the
 * instant it shows has no finer grain), or for good with --at, which is in
 * the line.  Not status (uptime), lists that are cheap anyway, nor
 * anything that changes data.
 */
const struct cmd cmd_table[CMD_COUNT] = {
	{ CMD_STATUS, "status", "", "", 0, 0, false,
	    "version, uptime, database, counts", 0, KEEP_NO },
	{ CMD_OS_LIST, "os list", "", "", 0, 0, false,
	    "known OSes", 0, KEEP_DATA },
	{ CMD_CALENDAR, "calendar", "", "[--os ID] [--year Y]", COPT_OS | COPT_YEAR, 0, false,
	    "each month: Patch Tuesday, kind, restart, source", 0, KEEP_DATA },
	{ CMD_MONTH, "month", "m", "YYYY-MM [--os ID]", COPT_OS, 0, false,
	    "the kind of one month per OS", 0, KEEP_DATA },
	{ CMD_NEXT, "next", "", "[--os ID] [--ring ID]", COPT_OS | COPT_RING, 0, false,
	    "the next release after now (or --at), and a ring's next install window", 0,
	    KEEP_SECOND },
	{ CMD_RINGS, "rings", "", "", 0, 0, false,
	    "every ring with its settings and eligibility", 0, KEEP_DATA },
	{ CMD_RING_SHOW, "ring show", "r", "ID", 0, 0, false,
	    "one ring: settings, eligibility and reason, windows, blackouts", 0, KEEP_DATA },
	{ CMD_OVERRIDE_SET, "override set", "omk", "OS YYYY-MM KIND --reason TEXT",
	    COPT_REASON, COPT_REASON, true,
	    "change a month's kind for an OS (admin)", 0, KEEP_NO },
	{ CMD_OVERRIDE_CLEAR, "override clear", "om", "OS YYYY-MM", 0, 0, true,
	    "remove a run-time override (admin)", 0, KEEP_NO },
	{ CMD_OVERRIDE_LIST, "override list", "", "[--os ID]", COPT_OS, 0, false,
	    "every override with who made it, when and why", 0, KEEP_NO },
	{ CMD_RELOAD, "reload", "", "", 0, 0, true,
	    "re-read the calendar and schedules (admin)", 0, KEEP_NO },
	{ CMD_WINDOWS, "windows", "", "--ring ID [--os ID] [--from YYYY-MM] [--months N]",
	    COPT_RING | COPT_OS | COPT_FROM_MONTH | COPT_MONTHS, COPT_RING, false,
	    "per month: kind, offer, deadlines, install window, restart, status", 0, KEEP_DATA },
	{ CMD_PLAN, "plan", "", "[--from YYYY-MM] [--months N] [--year Y] [--at-risk] "
	    "[--what-if FILE|DIR] [--set RING.KEY=VALUE]...",
	    COPT_FROM_MONTH | COPT_MONTHS | COPT_YEAR | COPT_AT_RISK | COPT_WHAT_IF | COPT_SET,
	    0, false,
	    "every ring x month (12 from this one): install day, restart, risks, restarts "
	    "(or as it would be: --what-if, --set)",
	    0, KEEP_DATA },
	{ CMD_BLACKOUT_ADD, "blackout add", "",
	    "--name TEXT --from YYYY-MM-DD --to YYYY-MM-DD [--ring ID] [--kind freeze|pause]",
	    COPT_NAME | COPT_FROM_DAY | COPT_TO | COPT_RING | COPT_BO_KIND,
	    COPT_NAME | COPT_FROM_DAY | COPT_TO, true,
	    "add a change freeze or an update pause, for one ring or all (admin)", 0, KEEP_NO },
	{ CMD_BLACKOUT_REMOVE, "blackout remove", "i", "ID | --import NAME [--ring ID]",
	    COPT_IMPORT | COPT_RING, 0, true,
	    "remove a blackout added at run time, or every entry of an import (admin)", 0,
	    KEEP_NO },
	{ CMD_BLACKOUT_LIST, "blackout list", "", "[--ring ID]", COPT_RING, 0, false,
	    "every blackout, from the ring files and added at run time", 0, KEEP_NO },
	{ CMD_BLACKOUT_IMPORT, "blackout import", "f", "FILE.ics [--ring ID] [--import NAME]",
	    COPT_RING | COPT_IMPORT, 0, true,
	    "import the events of an iCalendar file as blackouts; again: updates them (admin)",
	    0, KEEP_NO },
	{ CMD_FEED, "feed", "", "[--os ID | --ring ID]", COPT_OS | COPT_RING, 0, false,
	    "print an iCalendar feed: every OS, one OS, or one ring",
	    COPT_OS | COPT_RING, KEEP_NO },
	{ CMD_EXPORT, "export", "", "--dir DIR", COPT_DIR | COPT_STREAM, COPT_DIR, false,
	    "write every feed and page as static files into DIR", 0, KEEP_NO },
	{ CMD_BACKUP, "backup", "w", "FILE", 0, 0, true,
	    "write a consistent copy of the database to FILE (admin)", 0, KEEP_NO },
	{ CMD_PUBLISH, "publish", "omk",
	    "OS YYYY-MM KIND [--kb KB] [--build B] [--date D] [--unplanned] [--expedited] "
	    "[--note TEXT]", COPT_KB | COPT_BUILD | COPT_DATE | COPT_UNPLANNED |
	    COPT_EXPEDITED | COPT_NOTE, 0, true,
	    "record what Microsoft published for a month; wins over the file (admin)", 0, KEEP_NO },
	{ CMD_PUBLISH_CLEAR, "publish clear", "om", "OS YYYY-MM", 0, 0, true,
	    "remove a run-time published answer; the file's answers again (admin)", 0, KEEP_NO },
	{ CMD_PUBLISH_LIST, "publish list", "", "[--os ID]", COPT_OS, 0, false,
	    "every run-time published answer with who, when and any conflict with the file",
	    0, KEEP_NO },
	{ CMD_IMPORT_CVRF, "import cvrf", "c", "FILE.json [--dry-run]", COPT_DRY_RUN, 0, true,
	    "publish each OS's month from an MSRC CVRF document (admin)", 0, KEEP_NO },
	{ CMD_DEVICES_IMPORT, "devices import", "v",
	    "FILE [--format csv|json] [--replace] [--skip-bad] [--ring ID]",
	    COPT_FORMAT | COPT_REPLACE | COPT_SKIP_BAD | COPT_RING, 0, true,
	    "import a device inventory (CSV or Graph JSON); upserts by name (admin)", 0, KEEP_NO },
	{ CMD_DEVICES, "devices", "", "[--ring ID] [--not-eligible] [--restart-in YYYY-MM] "
	    "[--limit N] [--offset N]",
	    COPT_RING | COPT_NOT_ELIGIBLE | COPT_RESTART_IN | COPT_LIMIT | COPT_OFFSET, 0, false,
	    "every device: ring, OS, build, eligibility, on the latest baseline", 0, KEEP_NO },
	{ CMD_DEVICE_SHOW, "device show", "n", "NAME", 0, 0, false,
	    "one device: every eligibility reason, baseline state, the next 12 months", 0, KEEP_NO },
	{ CMD_FLEET, "fleet", "", "[--from YYYY-MM] [--months N]", COPT_FROM_MONTH | COPT_MONTHS,
	    0, false, "per ring and month: devices installing each kind, restarts, why the LCU",
	    0, KEEP_DATA },
	{ CMD_AUDIT, "audit", "", "[--since DATE] [--until DATE] [--limit N] [--offset N]",
	    COPT_SINCE | COPT_UNTIL | COPT_LIMIT | COPT_OFFSET, 0, true,
	    "who changed what and when, the latest first (admin)", 0, KEEP_NO },
};

_Static_assert(CMD_MONTHS_MAX == 37, "--months' help says 1..37");

/* Options that stand in place of a command's positional arguments (cmd_instead). */
static const struct {
	enum cmd_id	 id;
	cmd_opts	 opts;
} instead[] = {
	{ CMD_BLACKOUT_REMOVE, COPT_IMPORT },
};

cmd_opts
cmd_instead(const struct cmd *c)
{
	for (size_t i = 0; i < ARRAY_LEN(instead); i++)
		if (instead[i].id == c->id)
			return instead[i].opts;
	return 0;
}

/* Command options, for parsing, help and completion; --from means one thing per command. */
const struct cmd_option cmd_options[] = {
	{ "--os", COPT_OS, CARG_OS, "ID", "one OS only (hotpatchctl os list)" },
	{ "--year", COPT_YEAR, 0, "Y", "a calendar year, January to December (calendar's "
	    "default: this year)" },
	{ "--ring", COPT_RING, CARG_RING, "ID", "a ring (hotpatchctl rings)" },
	{ "--reason", COPT_REASON, 0, "TEXT", "why, kept in the audit trail" },
	{ "--from", COPT_FROM_MONTH, CARG_MONTH, "YYYY-MM",
	    "the first month (default: this one); YYYY-MM-DD: its month" },
	{ "--from", COPT_FROM_DAY, CARG_DAY, "YYYY-MM-DD", "the first day of the freeze" },
	{ "--to", COPT_TO, CARG_DAY, "YYYY-MM-DD", "the last day of the freeze (included)" },
	{ "--months", COPT_MONTHS, 0, "N", "how many months, 1..37 (the feeds' horizon)" },
	{ "--name", COPT_NAME, 0, "TEXT", "what the freeze is for" },
	{ "--dir", COPT_DIR, CARG_DIR, "DIR", "where to write (created if missing)" },
	{ "--kind", COPT_BO_KIND, 0, "freeze|pause",
	    "freeze (default): no window opens; pause: nothing is offered, at most 35 days" },
	{ "--kb", COPT_KB, 0, "KB", "the KB article: KB and digits (KB5094125)" },
	{ "--build", COPT_BUILD, 0, "B", "the OS build: digits.digits (26100.32995)" },
	{ "--date", COPT_DATE, CARG_DAY, "YYYY-MM-DD",
	    "the release date, in the month (default: Patch Tuesday)" },
	{ "--unplanned", COPT_UNPLANNED, CARG_NONE, NULL,
	    "a baseline that replaced a planned hotpatch (kind baseline only)" },
	{ "--expedited", COPT_EXPEDITED, CARG_NONE, NULL,
	    "every ring that follows expedited releases takes it at once" },
	{ "--note", COPT_NOTE, 0, "TEXT", "shown with the month, 1 to 1024 characters" },
	{ "--dry-run", COPT_DRY_RUN, CARG_NONE, NULL, "show what would change, change nothing" },
	{ "--format", COPT_FORMAT, 0, "csv|json",
	    "the inventory's format (default: JSON if it starts with { or [, else CSV)" },
	{ "--replace", COPT_REPLACE, CARG_NONE, NULL,
	    "the file is the whole inventory: devices not in it are removed" },
	{ "--skip-bad", COPT_SKIP_BAD, CARG_NONE, NULL,
	    "import the good rows and list the bad (default: a bad row imports nothing)" },
	{ "--not-eligible", COPT_NOT_ELIGIBLE, CARG_NONE, NULL, "only devices not eligible" },
	{ "--restart-in", COPT_RESTART_IN, CARG_MONTH, "YYYY-MM",
	    "only devices that restart in that month" },
	{ "--limit", COPT_LIMIT, 0, "N", "at most N rows, 1..10000 (default 1000)" },
	{ "--offset", COPT_OFFSET, 0, "N", "skip the first N that match (the next page)" },
	{ "--at-risk", COPT_AT_RISK, CARG_NONE, NULL,
	    "only the rows at risk: late, no window, skipped, forced into a freeze, catch-up" },
	{ "--stream", COPT_STREAM, CARG_NONE, NULL,
	    "(for programs) with --json: the JSON lists the files, their bytes follow it" },
	{ "--what-if", COPT_WHAT_IF, CARG_RINGFILES, "FILE|DIR",
	    "the plan with this ring file's rings (or a directory's: every ring file), and "
	    "what changes" },
	{ "--set", COPT_SET, 0, "RING.KEY=VALUE",
	    "the plan with one ring key changed (ring2.deferral_days=9), and what changes; "
	    "up to 8" },
	{ "--since", COPT_SINCE, 0, "DATE", "from DATE on: YYYY-MM, YYYY-MM-DD or "
	    "YYYY-MM-DDTHH:MM[:SS]Z, in UTC" },
	{ "--until", COPT_UNTIL, 0, "DATE", "up to DATE's end: a whole month or day, or that "
	    "second" },
	{ "--import", COPT_IMPORT, 0, "NAME",
	    "the import's name (default: the file's name); importing again under it updates it" },
};
const size_t cmd_noptions = ARRAY_LEN(cmd_options);

const struct cmd_exclusion cmd_exclusions[] = {
	{ CMD_PLAN, COPT_YEAR, COPT_FROM_MONTH | COPT_MONTHS,
	    "--year is January to December; give --year, or --from and --months" },
};
const size_t cmd_nexclusions = ARRAY_LEN(cmd_exclusions);

/* Positional arguments by type letter, for help. */
const struct cmd_argtype cmd_argtypes[] = {
	{ CARG_OS, "OS", "an OS id (hotpatchctl os list)" },
	{ CARG_RING, "ID", "a ring id (hotpatchctl rings)" },
	{ CARG_MONTH, "YYYY-MM", "a month; YYYY-MM-DD stands for its month" },
	{ CARG_KIND, "KIND", "baseline, hotpatch or lcu" },
	{ CARG_ID, "ID", "a blackout id (hotpatchctl blackout list)" },
	{ CARG_FILE, "FILE.ics", "an iCalendar file of at most 4 MiB; hotpatchctl opens it and "
	    "passes it to hotpatchd, which reads it" },
	{ CARG_OUT, "FILE", "the file hotpatchctl writes" },
	{ CARG_CVRF, "FILE.json", "MSRC's CVRF document of a month (JSON); hotpatchctl reads "
	    "it and sends what the import reads" },
	{ CARG_INVENTORY, "FILE", "a device inventory, CSV or JSON; hotpatchctl opens it and "
	    "passes it to hotpatchd, which reads it" },
	{ CARG_DEVICE, "NAME", "a device name (hotpatchctl devices)" },
};
const size_t cmd_nargtypes = ARRAY_LEN(cmd_argtypes);

/*
 * Options for every command.  --socket, --color=WHEN, --full and --version
 * are the client's; on the wire --color (no value) asks for colour.
 */
const struct cmd_global cmd_globals[] = {
	{ "--socket", "PATH", "the control socket (default: $HOTPATCHD_SOCKET, "
	    "./var/hotpatchd.sock, /run/hotpatchd/hotpatchd.sock)", false },
	{ "--json", NULL, "the answer as JSON, for programs", true },
	{ "--at", "DATE", "what \"now\" is: YYYY-MM (its first day), YYYY-MM-DD or "
	    "YYYY-MM-DDTHH:MM[:SS]Z", true },
	{ "--color", "[=WHEN]", "auto (on a terminal, unless NO_COLOR is set), always or never",
	    true },
	{ "--width", "N", "fit tables to N columns, 20..1000 (default: the terminal's, "
	    "if output is one)", true },
	{ "--full", NULL, "every column in full on a terminal too", false },
	{ "--help", NULL, "this help; also -h, or 'hotpatchctl help [COMMAND]'", true },
	{ "--version", NULL, "hotpatchctl's version and protocol", false },
};
const size_t cmd_nglobals = ARRAY_LEN(cmd_globals);

static void
add_word(struct wordlist *wl, const char *word, size_t len)
{
	for (size_t k = 0; k < wl->n; k++)
		if (strlen(wl->w[k]) == len && strncmp(wl->w[k], word, len) == 0)
			return;
	snprintf(wl->buf[wl->n], sizeof(wl->buf[0]), "%.*s", (int)len, word);
	wl->w[wl->n] = wl->buf[wl->n];
	wl->n++;
}

void
cmd_words_after(const char *group, struct wordlist *wl)
{
	wl->n = 0;
	for (size_t i = 0; i < CMD_COUNT; i++) {
		const char *w = cmd_table[i].words, *sp = strchr(w, ' ');
		size_t first = sp != NULL ? (size_t)(sp - w) : strlen(w);

		if (group == NULL)
			add_word(wl, w, first);
		else if (sp != NULL && strlen(group) == first && strncmp(w, group, first) == 0)
			add_word(wl, sp + 1, strlen(sp + 1));
	}
	if (group == NULL)
		add_word(wl, "help", 4);
}

/* How many words of the command's name argv starts with; 0 if it does not match. */
static int
match_words(const struct cmd *c, int argc, char **argv)
{
	const char *w = c->words;
	int n = 0;

	while (*w != '\0') {
		size_t len = strcspn(w, " ");

		if (n >= argc || strlen(argv[n]) != len || strncmp(argv[n], w, len) != 0)
			return 0;
		n++;
		w += len;
		w += *w == ' ';
	}
	return n;
}

const struct cmd *
cmd_find(int argc, char **argv, int *used)
{
	const struct cmd *best = NULL;
	int n;

	*used = 0;
	for (size_t i = 0; i < CMD_COUNT; i++)
		if ((n = match_words(&cmd_table[i], argc, argv)) > *used) {
			*used = n;
			best = &cmd_table[i];
		}
	return best;
}

const struct cmd_option *
cmd_find_option(const char *name, const struct cmd *c)
{
	for (size_t j = 0; j < cmd_noptions; j++)
		if (strcmp(cmd_options[j].name, name) == 0 &&
		    (c == NULL || (c->opts & cmd_options[j].bit)))
			return &cmd_options[j];
	return NULL;
}

int
cmd_arg_pos(const struct cmd *c, char type)
{
	const char *t = strchr(c->args, type);

	return type != '\0' && t != NULL ? (int)(t - c->args) : -1;
}

const char *
cmd_table_check(void)
{
	for (size_t i = 0; i < CMD_COUNT; i++) {
		if (cmd_table[i].id != (enum cmd_id)i)
			return "the command table is out of order";
		if (cmd_table[i].admin && cmd_table[i].keep != KEEP_NO)
			return "an admin command's reply is kept";
		if (strlen(cmd_table[i].args) > CMD_MAX_ARGS)
			return "a command takes too many arguments";
	}
	return NULL;
}
