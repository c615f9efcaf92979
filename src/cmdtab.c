/* cmdtab.c: hotpatchctl's command grammar, checked the same way on both sides. */
#include "cmdtab.h"
#include "blackout_ics.h"
#include "model.h"
#include "proto.h"
#include "table.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct cmd cmd_table[CMD_COUNT] = {
	{ CMD_STATUS, "status", "", "", 0, 0, false,
	    "version, uptime, database, counts" },
	{ CMD_OS_LIST, "os list", "", "", 0, 0, false,
	    "known OSes" },
	{ CMD_CALENDAR, "calendar", "", "[--os ID] [--year Y]", COPT_OS | COPT_YEAR, 0, false,
	    "each month: Patch Tuesday, kind, restart, source" },
	{ CMD_MONTH, "month", "m", "YYYY-MM [--os ID]", COPT_OS, 0, false,
	    "the kind of one month per OS" },
	{ CMD_NEXT, "next", "", "[--os ID] [--ring ID]", COPT_OS | COPT_RING, 0, false,
	    "the next release after now (or --at), and a ring's next install window" },
	{ CMD_RINGS, "rings", "", "", 0, 0, false,
	    "every ring with its settings and eligibility" },
	{ CMD_RING_SHOW, "ring show", "r", "ID", 0, 0, false,
	    "one ring: settings, eligibility and reason, windows, blackouts" },
	{ CMD_OVERRIDE_SET, "override set", "omk", "OS YYYY-MM KIND --reason TEXT",
	    COPT_REASON, COPT_REASON, true,
	    "change a month's kind for an OS (admin)" },
	{ CMD_OVERRIDE_CLEAR, "override clear", "om", "OS YYYY-MM", 0, 0, true,
	    "remove a run-time override (admin)" },
	{ CMD_OVERRIDE_LIST, "override list", "", "[--os ID]", COPT_OS, 0, false,
	    "every override with who made it, when and why" },
	{ CMD_RELOAD, "reload", "", "", 0, 0, true,
	    "re-read the calendar and schedules (admin)" },
	{ CMD_WINDOWS, "windows", "", "--ring ID [--os ID] [--from YYYY-MM] [--months N]",
	    COPT_RING | COPT_OS | COPT_FROM | COPT_MONTHS, COPT_RING, false,
	    "per month: kind, offer, deadlines, install window, restart, status" },
	{ CMD_PLAN, "plan", "", "[--year Y]", COPT_YEAR, 0, false,
	    "every ring x month: install date, restart, late/none/blackout, restarts per year" },
	{ CMD_BLACKOUT_ADD, "blackout add", "", "--name TEXT --from YYYY-MM-DD --to YYYY-MM-DD [--ring ID]",
	    COPT_NAME | COPT_FROM | COPT_TO | COPT_RING, COPT_NAME | COPT_FROM | COPT_TO, true,
	    "add a change freeze, for one ring or all (admin)" },
	{ CMD_BLACKOUT_REMOVE, "blackout remove", "i", "ID", 0, 0, true,
	    "remove a blackout added at run time (admin)" },
	{ CMD_BLACKOUT_LIST, "blackout list", "", "[--ring ID]", COPT_RING, 0, false,
	    "every blackout, from the ring files and added at run time" },
	{ CMD_BLACKOUT_IMPORT, "blackout import", "f", "FILE.ics [--ring ID]", COPT_RING, 0, true,
	    "add the events of an iCalendar file as blackouts (admin)" },
	{ CMD_FEED, "feed", "", "[--os ID | --ring ID]", COPT_OS | COPT_RING, 0, false,
	    "print an iCalendar feed: every OS, one OS, or one ring" },
	{ CMD_EXPORT, "export", "", "--dir DIR", COPT_DIR, COPT_DIR, false,
	    "write every feed and page as static files into DIR" },
	{ CMD_BACKUP, "backup", "w", "FILE", 0, 0, true,
	    "write a consistent copy of the database to FILE (admin)" },
};

/* Command options, for parsing, help and completion; --from means one thing per command. */
static const struct option {
	const char	*name;
	unsigned	 bit;
	const char	*arg;
	const char	*help;
	int		 only;		/* the command this entry describes, or -1 for all */
} options[] = {
	{ "--os", COPT_OS, "ID", "one OS only (hotpatchctl os list)", -1 },
	{ "--year", COPT_YEAR, "Y", "the year (default: this year)", -1 },
	{ "--ring", COPT_RING, "ID", "a ring (hotpatchctl rings)", -1 },
	{ "--reason", COPT_REASON, "TEXT", "why, kept in the audit trail", -1 },
	{ "--from", COPT_FROM, "YYYY-MM", "the first month (default: this one); YYYY-MM-DD: its month",
	    CMD_WINDOWS },
	{ "--from", COPT_FROM, "YYYY-MM-DD", "the first day of the freeze", CMD_BLACKOUT_ADD },
	{ "--to", COPT_TO, "YYYY-MM-DD", "the last day of the freeze (included)", -1 },
	{ "--months", COPT_MONTHS, "N", "how many months, 1..36", -1 },
	{ "--name", COPT_NAME, "TEXT", "what the freeze is for", -1 },
	{ "--dir", COPT_DIR, "DIR", "where to write (created if missing)", -1 },
};

/* Positional arguments by type letter, for help. */
static const struct {
	char		 type;
	const char	*name;
	const char	*help;
} arg_types[] = {
	{ CARG_OS, "OS", "an OS id (hotpatchctl os list)" },
	{ CARG_RING, "ID", "a ring id (hotpatchctl rings)" },
	{ CARG_MONTH, "YYYY-MM", "a month; YYYY-MM-DD stands for its month" },
	{ CARG_KIND, "KIND", "baseline, hotpatch or lcu" },
	{ CARG_ID, "ID", "a blackout id (hotpatchctl blackout list)" },
	{ CARG_FILE, "FILE.ics", "an iCalendar file; hotpatchctl reads it and sends it" },
	{ CARG_OUT, "FILE", "the file hotpatchctl writes" },
};

/*
 * Options for every command.  --socket, --color=WHEN and --version are the
 * client's; on the wire --color (no value) asks for colour.
 */
static const struct {
	const char	*name;
	const char	*arg;
	const char	*help;
	bool		 wire;		/* also in requests */
} globals[] = {
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

/* Words to choose from: commands, subcommands or options. */
struct wordlist {
	char		 buf[CMD_COUNT + 1][24];
	const char	*w[CMD_COUNT + 1];
	size_t		 n;
};

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

/* The words that may follow group ("override"), or with NULL the first words and help. */
static void
words_after(const char *group, struct wordlist *wl)
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

/* Optimal string alignment distance: a swap of neighbours costs one, like a typo. */
static int
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int d[33][33];

	if (la > 32 || lb > 32)
		return INT_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			v = d[i - 1][j] + 1 < v ? d[i - 1][j] + 1 : v;
			v = d[i][j - 1] + 1 < v ? d[i][j - 1] + 1 : v;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* The candidate typed was probably meant to be: one or two typos away, or the only one it begins. */
static const char *
closest(const char *typed, const char *const *cand, size_t n)
{
	size_t len = strlen(typed), nprefix = 0;
	int best = INT_MAX, limit = len <= 4 ? 1 : 2;
	const char *near = NULL, *prefix = NULL;

	for (size_t i = 0; i < n; i++) {
		int d = distance(typed, cand[i]);

		if (d < best) {
			best = d;
			near = cand[i];
		}
		if (len >= 2 && strncmp(cand[i], typed, len) == 0) {
			prefix = cand[i];
			nprefix++;
		}
	}
	if (best <= limit)
		return near;
	return nprefix == 1 ? prefix : NULL;
}

/* "set, clear or list" */
static char *
word_choice(const struct wordlist *wl)
{
	char *s = xstrdup("");

	for (size_t k = 0; k < wl->n; k++) {
		char *t = xasprintf("%s%s%s", s, k == 0 ? "" : k + 1 == wl->n ? " or " : ", ",
		    wl->w[k]);
		free(s);
		s = t;
	}
	return s;
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

static const struct cmd *
find_cmd(int argc, char **argv, int *used)
{
	for (size_t i = 0; i < CMD_COUNT; i++)
		if ((*used = match_words(&cmd_table[i], argc, argv)) > 0)
			return &cmd_table[i];
	return NULL;
}

static int
check_ident(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 32 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* s has pattern's shape, where 'd' is a digit and anything else itself. */
static bool
shaped(const char *s, const char *pattern)
{
	for (; *pattern != '\0'; s++, pattern++)
		if (*pattern == 'd' ? *s < '0' || *s > '9' : *s != *pattern)
			return false;
	return *s == '\0';
}

enum { DATE_OK = 0, DATE_SHAPE = -1, DATE_NONE = -2 };

/*
 * s as YYYY-MM (*day = 0) or YYYY-MM-DD.  DATE_SHAPE if it looks like
 * neither; DATE_NONE if there is no such month or day, with why.
 */
static int
parse_date(const char *s, ym_t *ym, int *day, char why[48])
{
	size_t len = strlen(s);
	int y = 0, m = 0, d = 0;

	if (!shaped(s, "dddd-dd") && !shaped(s, "dddd-dd-dd"))
		return DATE_SHAPE;
	sscanf(s, "%4d-%2d-%2d", &y, &m, &d);
	if (y < HP_YEAR_MIN || y > HP_YEAR_MAX) {
		snprintf(why, 48, "years are %d..%d", HP_YEAR_MIN, HP_YEAR_MAX);
		return DATE_NONE;
	}
	if (m < 1 || m > 12) {
		snprintf(why, 48, "there is no month %02d", m);
		return DATE_NONE;
	}
	if (len == 10 && d < 1) {
		snprintf(why, 48, "there is no day 00");
		return DATE_NONE;
	}
	if (len == 10 && d > ymd_days_in_month(y, m)) {
		snprintf(why, 48, "%.7s has %d days", s, ymd_days_in_month(y, m));
		return DATE_NONE;
	}
	*ym = ym_make(y, m);
	*day = d;
	return DATE_OK;
}

/*
 * A month where one is expected (what: "month", "--from"): YYYY-MM, or
 * YYYY-MM-DD cut to its month in place.  Returns NULL or the error.
 */
static char *
take_month(const char *what, char *v)
{
	char why[48];
	ym_t ym;
	int day;

	switch (parse_date(v, &ym, &day, why)) {
	case DATE_SHAPE:
		return xasprintf("bad %s '%s' (expected YYYY-MM or YYYY-MM-DD)", what, v);
	case DATE_NONE:
		return xasprintf("bad %s '%s': %s",
		    strcmp(what, "month") == 0 && strlen(v) == 10 ? "date" : what, v, why);
	}
	v[7] = '\0';
	return NULL;
}

/* A day where one is expected (what: "--from", "--to"). */
static char *
take_day(const char *what, const char *v, struct ymd *out)
{
	char why[48];
	ym_t ym;
	int day;
	int rc = parse_date(v, &ym, &day, why);

	if (rc == DATE_NONE)
		return xasprintf("bad %s '%s': %s", what, v, why);
	if (rc == DATE_SHAPE || day == 0)
		return xasprintf("bad %s '%s' (expected YYYY-MM-DD)", what, v);
	*out = (struct ymd){ ym_year(ym), ym_month(ym), day };
	return NULL;
}

/* Check one positional argument against its type letter. */
static char *
check_arg(char type, char *v)
{
	enum kind k;

	switch (type) {
	case CARG_OS:
	case CARG_RING:
		if (!check_ident(v))
			return xasprintf("bad %s id '%s'", type == CARG_OS ? "OS" : "ring", v);
		return NULL;
	case CARG_MONTH:
		return take_month("month", v);
	case CARG_KIND:
		if (kind_parse(v, &k) < 0)
			return xasprintf("bad kind '%s' (expected baseline, hotpatch or lcu)", v);
		return NULL;
	case CARG_ID:
		if (*v == '0' || strlen(v) > 9 || strspn(v, "0123456789") != strlen(v) || *v == '\0')
			return xasprintf("bad id '%s' (expected a positive number)", v);
		return NULL;
	case CARG_FILE:
	case CARG_OUT:
		return *v == '\0' ? xstrdup("empty file name") : NULL;
	}
	return xasprintf("internal: unknown argument type '%c'", type);
}

int
cmd_parse_instant(const char *s, time_t *out)
{
	char date[11], why[48];
	int h = 0, m = 0, sec = 0, n = 0, day;
	struct tm tm = { 0 };
	size_t len = strlen(s);
	ym_t ym;

	if (len < 7)
		return -1;
	snprintf(date, sizeof(date), "%.*s", len == 7 ? 7 : 10, s);
	if (parse_date(date, &ym, &day, why) != DATE_OK || (len > 7 && day == 0))
		return -1;
	if (len > 10) {
		if (sscanf(s + 10, "T%2d:%2d:%2dZ%n", &h, &m, &sec, &n) != 3 || (size_t)n != len - 10) {
			n = 0;
			sec = 0;
			if (sscanf(s + 10, "T%2d:%2dZ%n", &h, &m, &n) != 2 || (size_t)n != len - 10)
				return -1;
		}
		if (h > 23 || m > 59 || sec > 59 || h < 0 || m < 0 || sec < 0)
			return -1;
	}
	tm.tm_year = ym_year(ym) - 1900;
	tm.tm_mon = ym_month(ym) - 1;
	tm.tm_mday = day > 0 ? day : 1;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	*out = timegm(&tm);
	return 0;
}

static const struct option *
find_option(const char *name, const struct cmd *c)
{
	for (size_t j = 0; j < ARRAY_LEN(options); j++)
		if (strcmp(options[j].name, name) == 0 && (options[j].only < 0 || c == NULL ||
		    options[j].only == (int)c->id))
			return &options[j];
	return NULL;
}

/* An option c does not take: say so, with the closest one it does take if any. */
static char *
bad_option(const struct cmd *c, const char *name)
{
	const char *cand[ARRAY_LEN(options) + ARRAY_LEN(globals)], *near;
	size_t n = 0;

	if (c != NULL && find_option(name, NULL) != NULL)
		return xasprintf("%s does not take option '%s' (try 'hotpatchctl %s --help')",
		    c->words, name, c->words);
	for (size_t j = 0; c != NULL && j < ARRAY_LEN(options); j++)
		if (c->opts & options[j].bit)
			cand[n++] = options[j].name;
	for (size_t j = 0; j < ARRAY_LEN(globals); j++)
		if (globals[j].wire)
			cand[n++] = globals[j].name;
	if ((near = closest(name, cand, n)) != NULL)
		return xasprintf("unknown option '%s'; did you mean '%s'?", name, near);
	if (c == NULL)
		return xasprintf("unknown option '%s' (try 'hotpatchctl help')", name);
	return xasprintf("unknown option '%s' (try 'hotpatchctl %s --help')", name, c->words);
}

/* Parse an option with its value at argv[*i]; returns an error or NULL. */
static char *
parse_option(const struct cmd *c, int argc, char **argv, int *i, struct request *rq,
    unsigned *seen)
{
	const char *name = argv[*i];
	const struct option *o = find_option(name, c);
	char *v;

	if (o == NULL || !(c->opts & o->bit))
		return bad_option(c, name);
	if (*seen & o->bit)
		return xasprintf("option '%s' given twice", name);
	if (*i + 1 >= argc)
		return xasprintf("option '%s' needs a value", name);
	*seen |= o->bit;
	v = argv[++*i];
	switch (o->bit) {
	case COPT_OS:
		rq->os = v;
		return check_ident(v) ? NULL : xasprintf("bad OS id '%s'", v);
	case COPT_RING:
		rq->ring = v;
		return check_ident(v) ? NULL : xasprintf("bad ring id '%s'", v);
	case COPT_REASON:
		rq->reason = v;
		return *v != '\0' && strlen(v) <= 1024 ? NULL :
		    xstrdup("--reason must be 1 to 1024 characters");
	case COPT_FROM:
		rq->from = v;
		return c->id == CMD_WINDOWS ? take_month("--from", v) : NULL;
	case COPT_TO:
		rq->to = v;
		return NULL;
	case COPT_DIR:
		rq->dir = v;
		return *v != '\0' ? NULL : xstrdup("--dir needs a directory");
	case COPT_NAME:
		rq->name = v;
		return blackout_name_problem(v) == NULL ? NULL :
		    xasprintf("bad --name: %s", blackout_name_problem(v));
	case COPT_MONTHS:
		rq->months = atoi(v);
		if (strspn(v, "0123456789") != strlen(v) || rq->months < 1 || rq->months > 36)
			return xasprintf("bad --months '%s' (expected 1..36)", v);
		return NULL;
	case COPT_YEAR:
		rq->year = atoi(v);
		if (strlen(v) != 4 || strspn(v, "0123456789") != 4 || rq->year < HP_YEAR_MIN ||
		    rq->year > HP_YEAR_MAX)
			return xasprintf("bad year '%s' (expected %d..%d)", v, HP_YEAR_MIN, HP_YEAR_MAX);
		return NULL;
	}
	return NULL;
}

/* Global options, allowed anywhere: --json, --color, --at DATE, --help. */
static int
global_option(int argc, char **argv, int *i, struct request *rq, char **err)
{
	if (strcmp(argv[*i], "--json") == 0) {
		rq->json = true;
		return 1;
	}
	if (strcmp(argv[*i], "--color") == 0) {
		rq->color = true;
		return 1;
	}
	if (strcmp(argv[*i], "--help") == 0 || strcmp(argv[*i], "-h") == 0) {
		rq->help = true;
		return 1;
	}
	if (strcmp(argv[*i], "--at") != 0)
		return 0;
	if (*i + 1 >= argc) {
		*err = xstrdup("option '--at' needs a value");
		return -1;
	}
	if (cmd_parse_instant(argv[++*i], &rq->at) < 0) {
		char why[48], date[11];
		ym_t ym;
		int day;

		snprintf(date, sizeof(date), "%.*s", strlen(argv[*i]) == 7 ? 7 : 10, argv[*i]);
		if (parse_date(date, &ym, &day, why) == DATE_NONE)
			*err = xasprintf("bad --at '%s': %s", argv[*i], why);
		else
			*err = xasprintf("bad --at '%s' (expected YYYY-MM, YYYY-MM-DD or "
			    "YYYY-MM-DDTHH:MM[:SS]Z)", argv[*i]);
		return -1;
	}
	rq->has_at = true;
	return 1;
}

/* Global options from argv[i] on; the index of the first other word, or -1. */
static int
skip_globals(int argc, char **argv, int i, struct request *rq, char **err)
{
	int g;

	for (; i < argc && (g = global_option(argc, argv, &i, rq, err)) != 0; i++)
		if (g < 0)
			return -1;
	return i;
}

/* --from and --to are dates for blackouts; feed takes one of --os and --ring. */
static char *
check_range(const struct cmd *c, const struct request *rq)
{
	struct ymd a, b;
	char *err;

	if (c->id == CMD_FEED && rq->os != NULL && rq->ring != NULL)
		return xstrdup("feed takes --os or --ring, not both");
	if (c->id != CMD_BLACKOUT_ADD)
		return NULL;
	if (rq->from != NULL && (err = take_day("--from", rq->from, &a)) != NULL)
		return err;
	if (rq->to != NULL && (err = take_day("--to", rq->to, &b)) != NULL)
		return err;
	if (rq->from != NULL && rq->to != NULL && ymd_cmp(b, a) < 0)
		return xasprintf("--to %s is before --from %s", rq->to, rq->from);
	return NULL;
}
/* Check required options and the number of positional arguments. */
static char *
check_complete(const struct cmd *c, const struct request *rq, unsigned seen)
{
	size_t want = strlen(c->args);
	char *err;

	if ((err = check_range(c, rq)) != NULL)
		return err;

	if ((size_t)rq->narg != want)
		return xasprintf("wrong number of arguments; usage: hotpatchctl %s %s",
		    c->words, c->usage);
	for (size_t j = 0; j < ARRAY_LEN(options); j++)
		if ((c->required & options[j].bit) && !(seen & options[j].bit))
			return xasprintf("%s needs %s; usage: hotpatchctl %s %s", c->words,
			    options[j].name, c->words, c->usage);
	return NULL;
}

/*
 * argv does not start with a command.  With --help, a group's first word
 * ("override") asks for that group's help; anything else is an error, with
 * the command probably meant when one is close.
 */
static int
no_command(int argc, char **argv, struct request *rq, char **err)
{
	struct wordlist wl;
	const char *near;
	char *choice;
	int i;

	words_after(argv[0], &wl);
	if (wl.n > 0 && (argc == 1 || argv[1][0] == '-')) {
		if ((i = skip_globals(argc, argv, 1, rq, err)) < 0)
			return -1;
		if (i == argc && rq->help) {
			rq->group = argv[0];
			return 0;
		}
		choice = word_choice(&wl);
		*err = xasprintf("'%s' needs a subcommand: %s (try 'hotpatchctl help %s')",
		    argv[0], choice, argv[0]);
		free(choice);
		return -1;
	}
	if (wl.n > 0) {
		if ((near = closest(argv[1], wl.w, wl.n)) != NULL)
			*err = xasprintf("unknown command '%s %s'; did you mean '%s %s'?", argv[0],
			    argv[1], argv[0], near);
		else
			*err = xasprintf("unknown command '%s %s' (try 'hotpatchctl help %s')",
			    argv[0], argv[1], argv[0]);
		return -1;
	}
	words_after(NULL, &wl);
	if ((near = closest(argv[0], wl.w, wl.n)) != NULL)
		*err = xasprintf("unknown command '%s'; did you mean '%s'?", argv[0], near);
	else
		*err = xasprintf("unknown command '%s' (try 'hotpatchctl help')", argv[0]);
	return -1;
}

int
cmd_parse(int argc, char **argv, struct request *rq, char **err)
{
	unsigned seen = 0;
	int used, i, g;

	memset(rq, 0, sizeof(*rq));
	*err = NULL;
	/* A newline in a word would end the request early on the wire. */
	for (i = 0; i < argc; i++) {
		if (proto_has_control(argv[i])) {
			*err = xstrdup("control character in an argument");
			return -1;
		}
	}
	/* Global options may also come before the command, and "help" means --help. */
	if ((i = skip_globals(argc, argv, 0, rq, err)) < 0)
		return -1;
	if (i < argc && strcmp(argv[i], "help") == 0) {
		rq->help = true;
		if ((i = skip_globals(argc, argv, i + 1, rq, err)) < 0)
			return -1;
	}
	if (i == argc) {
		*err = rq->help ? NULL : xstrdup("no command given (try 'hotpatchctl help')");
		return rq->help ? 0 : -1;
	}
	if (argv[i][0] == '-') {
		*err = bad_option(NULL, argv[i]);
		return -1;
	}
	if ((rq->cmd = find_cmd(argc - i, argv + i, &used)) == NULL)
		return no_command(argc - i, argv + i, rq, err);
	for (i += used; i < argc; i++) {
		if ((g = global_option(argc, argv, &i, rq, err)) < 0)
			return -1;
		if (g > 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1] == '-') {
			if ((*err = parse_option(rq->cmd, argc, argv, &i, rq, &seen)) != NULL)
				return -1;
			continue;
		}
		if (rq->narg == CMD_MAX_ARGS || (size_t)rq->narg >= strlen(rq->cmd->args)) {
			*err = xasprintf("unexpected argument '%s'; usage: hotpatchctl %s %s",
			    argv[i], rq->cmd->words, rq->cmd->usage);
			return -1;
		}
		if ((*err = check_arg(rq->cmd->args[rq->narg], argv[i])) != NULL)
			return -1;
		rq->arg[rq->narg++] = argv[i];
	}
	if (rq->help)
		return 0;
	return (*err = check_complete(rq->cmd, rq, seen)) != NULL ? -1 : 0;
}

/* "  NAME ARG" padded, then its help, as one line appended to *s. */
static void
help_line(char **s, const char *name, const char *arg, const char *help)
{
	char *left = xasprintf("%s%s%s", name, arg && *arg != '[' ? " " : "", arg ? arg : "");

	strappend(s, "  %-22s %s\n", left, help);
	free(left);
}

static void
global_help(char **s)
{
	strappend(s, "\nglobal options:\n");
	for (size_t j = 0; j < ARRAY_LEN(globals); j++)
		help_line(s, globals[j].name, globals[j].arg, globals[j].help);
}

char *
cmd_usage(const struct cmd *c)
{
	char *s = xasprintf("usage: hotpatchctl [GLOBAL OPTIONS] %s%s%s\n%s\n", c->words,
	    *c->usage ? " " : "", c->usage, c->summary);
	const struct option *o;

	if (*c->args != '\0' || c->opts != 0)
		strappend(&s, "\n");
	for (const char *t = c->args; *t != '\0'; t++)
		for (size_t j = 0; j < ARRAY_LEN(arg_types); j++)
			if (arg_types[j].type == *t)
				help_line(&s, arg_types[j].name, NULL, arg_types[j].help);
	for (size_t j = 0; j < ARRAY_LEN(options); j++)
		if ((c->opts & options[j].bit) && (o = find_option(options[j].name, c)) == &options[j])
			help_line(&s, o->name, o->arg, o->help);
	strappend(&s, "\nglobal options:");
	for (size_t j = 0; j < ARRAY_LEN(globals); j++)
		strappend(&s, " %s%s%s%s", globals[j].name, globals[j].arg && *globals[j].arg != '[' ?
		    " " : "", globals[j].arg ? globals[j].arg : "", j + 1 < ARRAY_LEN(globals) ? "," : "");
	strappend(&s, " (hotpatchctl help)\n");
	return s;
}

/* Every command (or those of group) with its usage and summary. */
static char *
command_list(const char *group)
{
	char *s = NULL;

	for (size_t i = 0; i < CMD_COUNT; i++) {
		const struct cmd *c = &cmd_table[i];
		char *name = xasprintf("%s%s%s", c->words, *c->usage ? " " : "", c->usage);
		size_t len = group ? strlen(group) : 0;

		if (group != NULL && (strncmp(c->words, group, len) != 0 || c->words[len] != ' ')) {
			free(name);
			continue;
		}
		/* A long usage gets a line of its own. */
		if (strlen(name) > 46)
			strappend(&s, "  %s\n  %-46s %s\n", name, "", c->summary);
		else
			strappend(&s, "  %-46s %s\n", name, c->summary);
		free(name);
	}
	return s;
}

char *
cmd_group_help(const char *group)
{
	char *list = command_list(group);
	char *s = xasprintf("usage: hotpatchctl [GLOBAL OPTIONS] %s SUBCOMMAND ...\n\n%s\n"
	    "'hotpatchctl help %s SUBCOMMAND' describes one.\n", group, list ? list : "", group);

	free(list);
	return s;
}

char *
cmd_help(void)
{
	char *list = command_list(NULL);
	char *s = xasprintf("usage: hotpatchctl [GLOBAL OPTIONS] COMMAND [ARGS]\n\ncommands:\n%s",
	    list);

	free(list);
	global_help(&s);
	strappend(&s, "\n'hotpatchctl help COMMAND' (or 'hotpatchctl COMMAND --help') describes "
	    "one command.\n");
	return s;
}

static void
add_candidate(struct completion *out, const char *w)
{
	if (out->nword < ARRAY_LEN(out->word))
		out->word[out->nword++] = w;
}

/*
 * The options of c (NULL: none) not given yet; with global, the global ones
 * too (but --version only before a command).
 */
static void
add_options(struct completion *out, const struct cmd *c, unsigned seen, bool global)
{
	static const char *const color[] = { "--color=auto", "--color=always", "--color=never" };

	for (size_t j = 0; c != NULL && j < ARRAY_LEN(options); j++)
		if ((c->opts & options[j].bit) && !(seen & options[j].bit) &&
		    find_option(options[j].name, c) == &options[j])
			add_candidate(out, options[j].name);
	for (size_t j = 0; global && j < ARRAY_LEN(globals); j++) {
		if (strcmp(globals[j].name, "--color") == 0) {
			for (size_t k = 0; k < ARRAY_LEN(color); k++)
				add_candidate(out, color[k]);
		} else if (c == NULL || strcmp(globals[j].name, "--version") != 0) {
			add_candidate(out, globals[j].name);
		}
	}
}

/* What follows an option of c, for completion. */
static char
option_value(unsigned bit)
{
	return bit == COPT_OS ? CARG_OS : bit == COPT_RING ? CARG_RING : bit == COPT_DIR ? CARG_DIR : 0;
}

/* After the command c in argv[i..]: its next argument, an option's value, or its options. */
static void
complete_command(const struct cmd *c, int argc, char **argv, int i, const char *cur,
    struct completion *out)
{
	const struct option *o;
	unsigned seen = 0;
	size_t narg = 0;

	for (; i < argc; i++) {
		if ((o = find_option(argv[i], c)) != NULL && (c->opts & o->bit)) {
			seen |= o->bit;
			if (i + 1 == argc) {
				out->value = option_value(o->bit);
				return;
			}
			i++;
		} else if (strcmp(argv[i], "--at") == 0) {
			if (i + 1 == argc)
				return;
			i++;
		} else if (argv[i][0] != '-') {
			narg++;
		}
	}
	if (*cur != '-' && narg < strlen(c->args)) {
		if (c->args[narg] != CARG_KIND) {
			out->value = c->args[narg] == CARG_MONTH ? 0 : c->args[narg];
			return;
		}
		for (int k = 0; k < KIND_COUNT; k++)
			add_candidate(out, kind_name((enum kind)k));
		return;
	}
	add_options(out, c, seen, *cur == '-');
}

void
cmd_complete(int argc, char **argv, const char *cur, struct completion *out)
{
	static struct wordlist wl;	/* what out->word points to */
	const struct cmd *c;
	bool help = false;
	int i = 0, used;

	memset(out, 0, sizeof(*out));
	/* Global options (and "help") before the command. */
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--at") == 0) {
			if (++i == argc)
				return;	/* a date: nothing to offer */
			continue;
		}
		if (argv[i][0] == '-')
			continue;
		if (help || strcmp(argv[i], "help") != 0)
			break;
		help = true;
	}
	if (i == argc) {
		words_after(NULL, &wl);
		for (size_t k = 0; k < wl.n; k++)
			if (!help || strcmp(wl.w[k], "help") != 0)
				add_candidate(out, wl.w[k]);
		if (*cur == '-')
			add_options(out, NULL, 0, true);
		return;
	}
	if ((c = find_cmd(argc - i, argv + i, &used)) == NULL) {
		/* After a group's first word: its subcommands. */
		if (i + 1 == argc)
			words_after(argv[i], &wl);
		for (size_t k = 0; i + 1 == argc && k < wl.n; k++)
			add_candidate(out, wl.w[k]);
		return;
	}
	if (!help)
		complete_command(c, argc, argv, i + used, cur, out);
}
