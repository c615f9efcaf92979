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
 * keep.  keep: the answer depends only on the data, the request line and
 * the current month (for a default year or month), so the daemon keeps it
 * per data generation and month.  Not next (the current instant), status
 * (uptime), lists that are cheap anyway, nor anything that changes data.
 */
const struct cmd cmd_table[CMD_COUNT] = {
	{ CMD_STATUS, "status", "", "", 0, 0, false,
	    "version, uptime, database, counts", 0, false },
	{ CMD_OS_LIST, "os list", "", "", 0, 0, false,
	    "known OSes", 0, true },
	{ CMD_CALENDAR, "calendar", "", "[--os ID] [--year Y]", COPT_OS | COPT_YEAR, 0, false,
	    "each month: Patch Tuesday, kind, restart, source", 0, true },
	{ CMD_MONTH, "month", "m", "YYYY-MM [--os ID]", COPT_OS, 0, false,
	    "the kind of one month per OS", 0, true },
	{ CMD_NEXT, "next", "", "[--os ID] [--ring ID]", COPT_OS | COPT_RING, 0, false,
	    "the next release after now (or --at), and a ring's next install window", 0, false },
	{ CMD_RINGS, "rings", "", "", 0, 0, false,
	    "every ring with its settings and eligibility", 0, true },
	{ CMD_RING_SHOW, "ring show", "r", "ID", 0, 0, false,
	    "one ring: settings, eligibility and reason, windows, blackouts", 0, true },
	{ CMD_OVERRIDE_SET, "override set", "omk", "OS YYYY-MM KIND --reason TEXT",
	    COPT_REASON, COPT_REASON, true,
	    "change a month's kind for an OS (admin)", 0, false },
	{ CMD_OVERRIDE_CLEAR, "override clear", "om", "OS YYYY-MM", 0, 0, true,
	    "remove a run-time override (admin)", 0, false },
	{ CMD_OVERRIDE_LIST, "override list", "", "[--os ID]", COPT_OS, 0, false,
	    "every override with who made it, when and why", 0, false },
	{ CMD_RELOAD, "reload", "", "", 0, 0, true,
	    "re-read the calendar and schedules (admin)", 0, false },
	{ CMD_WINDOWS, "windows", "", "--ring ID [--os ID] [--from YYYY-MM] [--months N]",
	    COPT_RING | COPT_OS | COPT_FROM_MONTH | COPT_MONTHS, COPT_RING, false,
	    "per month: kind, offer, deadlines, install window, restart, status", 0, false },
	{ CMD_PLAN, "plan", "", "[--year Y]", COPT_YEAR, 0, false,
	    "every ring x month: install date, restart, late/none/blackout, restarts per year",
	    0, true },
	{ CMD_BLACKOUT_ADD, "blackout add", "", "--name TEXT --from YYYY-MM-DD --to YYYY-MM-DD [--ring ID]",
	    COPT_NAME | COPT_FROM_DAY | COPT_TO | COPT_RING,
	    COPT_NAME | COPT_FROM_DAY | COPT_TO, true,
	    "add a change freeze, for one ring or all (admin)", 0, false },
	{ CMD_BLACKOUT_REMOVE, "blackout remove", "i", "ID", 0, 0, true,
	    "remove a blackout added at run time (admin)", 0, false },
	{ CMD_BLACKOUT_LIST, "blackout list", "", "[--ring ID]", COPT_RING, 0, false,
	    "every blackout, from the ring files and added at run time", 0, false },
	{ CMD_BLACKOUT_IMPORT, "blackout import", "f", "FILE.ics [--ring ID]", COPT_RING, 0, true,
	    "add the events of an iCalendar file as blackouts (admin)", 0, false },
	{ CMD_FEED, "feed", "", "[--os ID | --ring ID]", COPT_OS | COPT_RING, 0, false,
	    "print an iCalendar feed: every OS, one OS, or one ring",
	    COPT_OS | COPT_RING, false },
	{ CMD_EXPORT, "export", "", "--dir DIR", COPT_DIR, COPT_DIR, false,
	    "write every feed and page as static files into DIR", 0, false },
	{ CMD_BACKUP, "backup", "w", "FILE", 0, 0, true,
	    "write a consistent copy of the database to FILE (admin)", 0, false },
};

/* Command options, for parsing, help and completion; --from means one thing per command. */
const struct cmd_option cmd_options[] = {
	{ "--os", COPT_OS, CARG_OS, "ID", "one OS only (hotpatchctl os list)" },
	{ "--year", COPT_YEAR, 0, "Y", "the year (default: this year)" },
	{ "--ring", COPT_RING, CARG_RING, "ID", "a ring (hotpatchctl rings)" },
	{ "--reason", COPT_REASON, 0, "TEXT", "why, kept in the audit trail" },
	{ "--from", COPT_FROM_MONTH, CARG_MONTH, "YYYY-MM",
	    "the first month (default: this one); YYYY-MM-DD: its month" },
	{ "--from", COPT_FROM_DAY, CARG_DAY, "YYYY-MM-DD", "the first day of the freeze" },
	{ "--to", COPT_TO, CARG_DAY, "YYYY-MM-DD", "the last day of the freeze (included)" },
	{ "--months", COPT_MONTHS, 0, "N", "how many months, 1..36" },
	{ "--name", COPT_NAME, 0, "TEXT", "what the freeze is for" },
	{ "--dir", COPT_DIR, CARG_DIR, "DIR", "where to write (created if missing)" },
};
const size_t cmd_noptions = ARRAY_LEN(cmd_options);

/* Positional arguments by type letter, for help. */
const struct cmd_argtype cmd_argtypes[] = {
	{ CARG_OS, "OS", "an OS id (hotpatchctl os list)" },
	{ CARG_RING, "ID", "a ring id (hotpatchctl rings)" },
	{ CARG_MONTH, "YYYY-MM", "a month; YYYY-MM-DD stands for its month" },
	{ CARG_KIND, "KIND", "baseline, hotpatch or lcu" },
	{ CARG_ID, "ID", "a blackout id (hotpatchctl blackout list)" },
	{ CARG_FILE, "FILE.ics", "an iCalendar file; hotpatchctl reads it and sends it" },
	{ CARG_OUT, "FILE", "the file hotpatchctl writes" },
};
const size_t cmd_nargtypes = ARRAY_LEN(cmd_argtypes);

/*
 * Options for every command.  --socket, --color=WHEN and --version are the
 * client's; on the wire --color (no value) asks for colour.
 */
const struct cmd_global cmd_globals[] = {
	{ "--socket", "PATH", "the control socket (default: $HOTPATCHD_SOCKET, "
	    "./var/hotpatchd.sock, /run/hotpatchd/hotpatchd.sock)", false },
	{ "--json", NULL, "the answer as JSON, for programs", true },
	{ "--at", "DATE", "what \"now\" is: YYYY-MM (its first day), YYYY-MM-DD or "
	    "YYYY-MM-DDTHH:MM[:SS]Z", true },
	{ "--color", "[=WHEN]", "auto (on a terminal, unless NO_COLOR is set), always or never",
	    true },
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
	for (size_t i = 0; i < CMD_COUNT; i++)
		if ((*used = match_words(&cmd_table[i], argc, argv)) > 0)
			return &cmd_table[i];
	return NULL;
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
		if (cmd_table[i].admin && cmd_table[i].keep)
			return "an admin command's reply is kept";
		if (strlen(cmd_table[i].args) > CMD_MAX_ARGS)
			return "a command takes too many arguments";
	}
	return NULL;
}
