/* cmdtab.c: hotpatchctl's command grammar, checked the same way on both sides. */
#include "cmdtab.h"
#include "model.h"
#include "proto.h"
#include "util.h"

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

static const struct {
	const char	*name;
	unsigned	 bit;
} options[] = {
	{ "--os", COPT_OS },
	{ "--year", COPT_YEAR },
	{ "--ring", COPT_RING },
	{ "--reason", COPT_REASON },
	{ "--from", COPT_FROM },
	{ "--to", COPT_TO },
	{ "--months", COPT_MONTHS },
	{ "--name", COPT_NAME },
	{ "--dir", COPT_DIR },
};

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

/* The first non-option words, for "unknown command 'x y'". */
static char *
command_words(int argc, char **argv)
{
	char *s = xstrdup("");

	for (int i = 0; i < argc && i < 2 && argv[i][0] != '-'; i++) {
		char *t = xasprintf("%s%s%s", s, *s ? " " : "", argv[i]);
		free(s);
		s = t;
	}
	return s;
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

/* Check one positional argument against its type letter. */
static char *
check_arg(char type, const char *v)
{
	ym_t ym;
	enum kind k;

	switch (type) {
	case CARG_OS:
	case CARG_RING:
		if (!check_ident(v))
			return xasprintf("bad %s id '%s'", type == CARG_OS ? "OS" : "ring", v);
		return NULL;
	case CARG_MONTH:
		if (ym_parse(v, &ym) < 0)
			return xasprintf("bad month '%s' (expected YYYY-MM)", v);
		return NULL;
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
	struct ymd d;
	char date[11];
	int h = 0, m = 0, sec = 0, n = 0;
	struct tm tm = { 0 };
	size_t len = strlen(s);

	if (len < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (ymd_parse(date, &d) < 0)
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
	tm.tm_year = d.y - 1900;
	tm.tm_mon = d.m - 1;
	tm.tm_mday = d.d;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	*out = timegm(&tm);
	return 0;
}

/* Parse an option with its value at argv[*i]; returns an error or NULL. */
static char *
parse_option(const struct cmd *c, int argc, char **argv, int *i, struct request *rq,
    unsigned *seen)
{
	const char *name = argv[*i], *v;
	unsigned bit = 0;

	for (size_t j = 0; j < ARRAY_LEN(options); j++)
		if (strcmp(options[j].name, name) == 0)
			bit = options[j].bit;
	if (bit == 0 || !(c->opts & bit))
		return xasprintf("%s does not take option '%s'", c->words, name);
	if (*seen & bit)
		return xasprintf("option '%s' given twice", name);
	if (*i + 1 >= argc)
		return xasprintf("option '%s' needs a value", name);
	*seen |= bit;
	v = argv[++*i];
	switch (bit) {
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
		return NULL;	/* its type depends on the command: see check_complete */
	case COPT_TO:
		rq->to = v;
		return NULL;
	case COPT_DIR:
		rq->dir = v;
		return *v != '\0' ? NULL : xstrdup("--dir needs a directory");
	case COPT_NAME:
		rq->name = v;
		return *v != '\0' && strlen(v) <= 200 ? NULL :
		    xstrdup("--name must be 1 to 200 characters");
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

/* Global options, allowed anywhere: --json, --at DATE, --help. */
static int
global_option(int argc, char **argv, int *i, struct request *rq, char **err)
{
	if (strcmp(argv[*i], "--json") == 0) {
		rq->json = true;
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
		*err = xasprintf("bad --at '%s' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)",
		    argv[*i]);
		return -1;
	}
	rq->has_at = true;
	return 1;
}

/* --from and --to are months for windows and dates for blackouts. */
static char *
check_range(const struct cmd *c, const struct request *rq)
{
	struct ymd a, b;
	ym_t ym;

	if (c->id == CMD_FEED && rq->os != NULL && rq->ring != NULL)
		return xstrdup("feed takes --os or --ring, not both");
	if (c->id == CMD_WINDOWS && rq->from != NULL && ym_parse(rq->from, &ym) < 0)
		return xasprintf("bad --from '%s' (expected YYYY-MM)", rq->from);
	if (c->id != CMD_BLACKOUT_ADD)
		return NULL;
	if (rq->from != NULL && ymd_parse(rq->from, &a) < 0)
		return xasprintf("bad --from '%s' (expected YYYY-MM-DD)", rq->from);
	if (rq->to != NULL && ymd_parse(rq->to, &b) < 0)
		return xasprintf("bad --to '%s' (expected YYYY-MM-DD)", rq->to);
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
	/* Global options may also come before the command. */
	for (i = 0; i < argc && (g = global_option(argc, argv, &i, rq, err)) != 0; i++)
		if (g < 0)
			return -1;
	if (i == argc) {
		*err = rq->help ? NULL : xstrdup("no command given (try 'hotpatchctl help')");
		return rq->help ? 0 : -1;
	}
	if (argv[i][0] == '-') {
		*err = xasprintf("unknown option '%s' (try 'hotpatchctl help')", argv[i]);
		return -1;
	}
	if ((rq->cmd = find_cmd(argc - i, argv + i, &used)) == NULL) {
		char *w = command_words(argc - i, argv + i);
		*err = xasprintf("unknown command '%s' (try 'hotpatchctl help')", w);
		free(w);
		return -1;
	}
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

char *
cmd_usage(const struct cmd *c)
{
	return xasprintf("usage: hotpatchctl [--socket PATH] [--json] [--at DATE] %s%s%s\n  %s\n",
	    c->words, *c->usage ? " " : "", c->usage, c->summary);
}

char *
cmd_help(void)
{
	char *s = xstrdup("usage: hotpatchctl [--socket PATH] [--json] [--at DATE] COMMAND [ARGS]\n\n"
	    "commands:\n");

	for (size_t i = 0; i < CMD_COUNT; i++) {
		const struct cmd *c = &cmd_table[i];
		char *name = xasprintf("%s%s%s", c->words, *c->usage ? " " : "", c->usage);
		char *t = xasprintf("%s  %-46s %s\n", s, name, c->summary);

		free(name);
		free(s);
		s = t;
	}
	return s;
}
