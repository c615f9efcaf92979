/*
 * cmdparse.c: the words of a command line checked against the tables of
 * cmdtab.c, the same way on both sides, into a request with typed values.
 */
#include "cmdtab.h"
#include "blackout_ics.h"
#include "inventory.h"
#include "model.h"
#include "proto.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * YYYY-MM-DD cut to its month in place, into *out.  Returns NULL or the error.
 */
static char *
take_month(const char *what, char *v, ym_t *out)
{
	char why[48];
	int day;

	switch (parse_date(v, out, &day, why)) {
	case DATE_SHAPE:
		return xasprintf("bad %s '%s' (expected YYYY-MM or YYYY-MM-DD)", what, v);
	case DATE_NONE:
		return xasprintf("bad %s '%s': %s",
		    strcmp(what, "month") == 0 && strlen(v) == 10 ? "date" : what, v, why);
	}
	v[7] = '\0';
	return NULL;
}

/* A whole number lo..hi, digits only (no sign, no blanks), into *out. */
static char *
take_count(const char *what, const char *v, long lo, long hi, long *out)
{
	size_t len = strlen(v);

	*out = len > 0 && len <= 10 && strspn(v, "0123456789") == len ? strtol(v, NULL, 10) : -1;
	if (*out < lo || *out > hi)
		return xasprintf("bad %s '%s' (expected %ld..%ld)", what, v, lo, hi);
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

/*
 * The form of --set RING.KEY=VALUE: a ring id, a key of lower-case words
 * joined by dots (devices.vbs), a value.  Whether the ring and the key
 * exist and the value fits is the daemon's to say, with the data.
 */
static char *
check_set(const char *v)
{
	const char *dot = strchr(v, '.'), *eq = strchr(v, '=');
	char ring[40];
	size_t klen;

	if (dot == NULL || eq == NULL || eq < dot || dot - v >= (ptrdiff_t)sizeof(ring))
		return xasprintf("bad --set '%s' (expected RING.KEY=VALUE, like "
		    "ring2.deferral_days=9)", v);
	snprintf(ring, sizeof(ring), "%.*s", (int)(dot - v), v);
	if (!check_ident(ring))
		return xasprintf("bad --set '%s': bad ring id '%s'", v, ring);
	klen = (size_t)(eq - dot - 1);
	if (klen == 0 || strspn(dot + 1, "abcdefghijklmnopqrstuvwxyz_.") < klen ||
	    dot[1] == '.' || eq[-1] == '.' || memmem(dot + 1, klen, "..", 2) != NULL)
		return xasprintf("bad --set '%s': bad key '%.*s' (a ring file's key, like "
		    "deferral_days or devices.vbs)", v, (int)klen, dot + 1);
	if (eq[1] == '\0')
		return xasprintf("bad --set '%s': no value after '='", v);
	return NULL;
}

/* Check one positional argument against its type letter; its typed value goes into rq. */
static char *
check_arg(char type, char *v, struct request *rq)
{
	switch (type) {
	case CARG_OS:
	case CARG_RING:
		if (!check_ident(v))
			return xasprintf("bad %s id '%s'", type == CARG_OS ? "OS" : "ring", v);
		return NULL;
	case CARG_MONTH:
		return take_month("month", v, &rq->month);
	case CARG_KIND:
		if (kind_parse(v, &rq->kind) < 0)
			return xasprintf("bad kind '%s' (expected baseline, hotpatch or lcu)", v);
		return NULL;
	case CARG_ID:
		if (*v == '0' || strlen(v) > 9 || strspn(v, "0123456789") != strlen(v) || *v == '\0')
			return xasprintf("bad id '%s' (expected a positive number)", v);
		rq->id = strtol(v, NULL, 10);
		return NULL;
	case CARG_FILE:
	case CARG_OUT:
	case CARG_CVRF:
	case CARG_INVENTORY:
		return *v == '\0' ? xstrdup("empty file name") : NULL;
	case CARG_DEVICE:
		return *v != '\0' && strlen(v) <= INV_MAX_FIELD ? NULL :
		    xasprintf("a device name is 1 to %d bytes", INV_MAX_FIELD);
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

/* An instant where one is expected (what: "--at", "--since"), into *out; NULL or the error. */
static char *
take_instant(const char *what, const char *v, time_t *out)
{
	char why[48], date[11];
	ym_t ym;
	int day;

	if (cmd_parse_instant(v, out) == 0)
		return NULL;
	snprintf(date, sizeof(date), "%.*s", strlen(v) == 7 ? 7 : 10, v);
	if (parse_date(date, &ym, &day, why) == DATE_NONE)
		return xasprintf("bad %s '%s': %s", what, v, why);
	return xasprintf("bad %s '%s' (expected YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)",
	    what, v);
}

/*
 * The instants DATE stands for, [*start, *end): a whole month (YYYY-MM), a
 * whole day (YYYY-MM-DD) or one second.
 */
static char *
take_span(const char *what, const char *v, time_t *start, time_t *end)
{
	struct tm tm;
	char *err;

	if ((err = take_instant(what, v, start)) != NULL)
		return err;
	gmtime_r(start, &tm);
	if (strlen(v) == 7)
		tm.tm_mon++;
	else if (strlen(v) == 10)
		tm.tm_mday++;
	else
		tm.tm_sec++;
	*end = timegm(&tm);
	return NULL;
}

/* An option c does not take: say so, with the closest one it does take if any. */
static char *
bad_option(const struct cmd *c, const char *name)
{
	const char *cand[cmd_noptions + cmd_nglobals], *near;
	size_t n = 0;

	if (c != NULL && cmd_find_option(name, NULL) != NULL)
		return xasprintf("%s does not take option '%s' (try 'hotpatchctl %s --help')",
		    c->words, name, c->words);
	for (size_t j = 0; c != NULL && j < cmd_noptions; j++)
		if (c->opts & cmd_options[j].bit)
			cand[n++] = cmd_options[j].name;
	for (size_t j = 0; j < cmd_nglobals; j++)
		if (cmd_globals[j].wire)
			cand[n++] = cmd_globals[j].name;
	if ((near = closest(name, cand, n)) != NULL)
		return xasprintf("unknown option '%s'; did you mean '%s'?", name, near);
	if (c == NULL)
		return xasprintf("unknown option '%s' (try 'hotpatchctl help')", name);
	return xasprintf("unknown option '%s' (try 'hotpatchctl %s --help')", name, c->words);
}

/* Parse an option with its value at argv[*i]; returns an error or NULL. */
static char *
parse_option(const struct cmd *c, int argc, char **argv, int *i, struct request *rq,
    cmd_opts *seen)
{
	const char *name = argv[*i];
	const struct cmd_option *o = cmd_find_option(name, c);
	char *v, *err;
	long n;

	if (o == NULL || !(c->opts & o->bit))
		return bad_option(c, name);
	if ((*seen & o->bit) && !(o->bit & COPT_REPEATED))
		return xasprintf("option '%s' given twice", name);
	rq->unkept |= (o->bit & COPT_UNKEPT) != 0;
	if (o->type == CARG_NONE) {
		*seen |= o->bit;
		rq->unplanned |= o->bit == COPT_UNPLANNED;
		rq->expedited |= o->bit == COPT_EXPEDITED;
		rq->dry_run |= o->bit == COPT_DRY_RUN;
		rq->replace |= o->bit == COPT_REPLACE;
		rq->skip_bad |= o->bit == COPT_SKIP_BAD;
		rq->not_eligible |= o->bit == COPT_NOT_ELIGIBLE;
		rq->at_risk |= o->bit == COPT_AT_RISK;
		rq->stream |= o->bit == COPT_STREAM;
		return NULL;
	}
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
	case COPT_FROM_MONTH:
		rq->from = v;
		return take_month("--from", v, &rq->from_month);
	case COPT_FROM_DAY:
		rq->from = v;	/* checked with --to once both are known */
		return NULL;
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
		if ((err = take_count("--months", v, 1, CMD_MONTHS_MAX, &n)) == NULL)
			rq->months = (int)n;
		return err;
	case COPT_BO_KIND:
		return bo_kind_parse(v, &rq->bo_kind) == 0 ? NULL :
		    xasprintf("bad --kind '%s' (expected freeze or pause)", v);
	case COPT_KB:
		rq->kb = v;
		return kb_is_valid(v) ? NULL :
		    xasprintf("bad --kb '%s' (expected KB and digits, like KB5094125)", v);
	case COPT_BUILD:
		rq->build = v;
		return build_is_valid(v) ? NULL :
		    xasprintf("bad --build '%s' (expected digits.digits, like 26100.32995)", v);
	case COPT_DATE:
		return take_day("--date", v, &rq->date);
	case COPT_NOTE:
		rq->note = v;
		return *v != '\0' && strlen(v) <= 1024 ? NULL :
		    xstrdup("--note must be 1 to 1024 characters");
	case COPT_FORMAT:
		rq->format = v;
		return strcmp(v, "csv") == 0 || strcmp(v, "json") == 0 ? NULL :
		    xasprintf("bad --format '%s' (expected csv or json)", v);
	case COPT_RESTART_IN:
		return take_month("--restart-in", v, &rq->restart_in);
	case COPT_LIMIT:
		return take_count("--limit", v, 1, CMD_PAGE_MAX, &rq->limit);
	case COPT_OFFSET:
		return take_count("--offset", v, 0, CMD_OFFSET_MAX, &rq->offset);
	case COPT_WHAT_IF:
		if (rq->nwhat_if == CMD_WHAT_IF_MAX)
			return xasprintf("--what-if sends at most %d ring files", CMD_WHAT_IF_MAX);
		rq->what_if[rq->nwhat_if++] = v;
		return *v != '\0' ? NULL : xstrdup("--what-if needs a ring file or a directory");
	case COPT_SET:
		if (rq->nset == CMD_SET_MAX)
			return xasprintf("--set is given more than %d times (write the changes in "
			    "a ring file for --what-if)", CMD_SET_MAX);
		rq->set[rq->nset++] = v;
		return check_set(v);
	case COPT_SINCE:
		rq->has_since = true;
		rq->from = v;
		return take_span("--since", v, &rq->since, &(time_t){ 0 });
	case COPT_UNTIL:
		rq->has_until = true;
		rq->to = v;
		return take_span("--until", v, &(time_t){ 0 }, &rq->until);
	case COPT_IMPORT:
		rq->import = v;
		return blackout_name_problem(v) == NULL ? NULL :
		    xasprintf("bad --import: %s", blackout_name_problem(v));
	case COPT_YEAR:
		rq->year = atoi(v);
		if (strlen(v) != 4 || strspn(v, "0123456789") != 4 || rq->year < HP_YEAR_MIN ||
		    rq->year > HP_YEAR_MAX)
			return xasprintf("bad year '%s' (expected %d..%d)", v, HP_YEAR_MIN, HP_YEAR_MAX);
		return NULL;
	}
	return NULL;
}

/* --width N: the terminal's columns, PROTO_WIDTH_MIN..PROTO_WIDTH_MAX. */
static int
width_option(int argc, char **argv, int *i, struct request *rq, char **err)
{
	long w;

	if (*i + 1 >= argc) {
		*err = xstrdup("option '--width' needs a value");
		return -1;
	}
	if ((*err = take_count("--width", argv[++*i], PROTO_WIDTH_MIN, PROTO_WIDTH_MAX, &w)) != NULL)
		return -1;
	rq->width = (int)w;
	return 1;
}

/* Global options, allowed anywhere: --json, --color, --width N, --at DATE, --help. */
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
	if (strcmp(argv[*i], "--width") == 0)
		return width_option(argc, argv, i, rq, err);
	if (strcmp(argv[*i], "--at") != 0)
		return 0;
	if (*i + 1 >= argc) {
		*err = xstrdup("option '--at' needs a value");
		return -1;
	}
	if ((*err = take_instant("--at", argv[++*i], &rq->at)) != NULL)
		return -1;
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

/* A pause (--kind pause) lasts at most PAUSE_MAX_DAYS whole days, --from and --to included. */
static char *
check_pause(const struct request *rq)
{
	struct blackout b = { .from = rq->from_day, .to = rq->to_day, .kind = rq->bo_kind };

	if (pause_fits(&b))
		return NULL;
	return xasprintf("a pause lasts at most %d days; --from %s --to %s is %ld days",
	    PAUSE_MAX_DAYS, rq->from, rq->to, blackout_days(&b));
}

/* The name of the first option of cmd_options whose bit is in bits. */
static const char *
option_name(cmd_opts bits)
{
	for (size_t j = 0; j < cmd_noptions; j++)
		if (bits & cmd_options[j].bit)
			return cmd_options[j].name;
	return "?";
}

/* An option given with one it rules out (cmd_exclusions), or NULL. */
static char *
check_exclusions(const struct cmd *c, cmd_opts seen)
{
	for (size_t i = 0; i < cmd_nexclusions; i++) {
		const struct cmd_exclusion *x = &cmd_exclusions[i];

		if (x->cmd == c->id && (seen & x->opt) && (seen & x->others))
			return xasprintf("%s takes %s or %s, not both: %s", c->words,
			    option_name(x->opt), option_name(seen & x->others), x->why);
	}
	return NULL;
}

/* At most one of the command's oneof options; --from and --to as days, in order. */
static char *
check_range(const struct cmd *c, struct request *rq, cmd_opts seen)
{
	const struct cmd_option *one = NULL;
	char *err;

	if ((err = check_exclusions(c, seen)) != NULL)
		return err;
	for (size_t j = 0; j < cmd_noptions; j++) {
		if (!(seen & c->oneof & cmd_options[j].bit))
			continue;
		if (one != NULL)
			return xasprintf("%s takes %s or %s, not both", c->words, one->name,
			    cmd_options[j].name);
		one = &cmd_options[j];
	}
	if ((seen & COPT_FROM_DAY) && (err = take_day("--from", rq->from, &rq->from_day)) != NULL)
		return err;
	if ((seen & COPT_TO) && (err = take_day("--to", rq->to, &rq->to_day)) != NULL)
		return err;
	if ((seen & COPT_FROM_DAY) && (seen & COPT_TO) && ymd_cmp(rq->to_day, rq->from_day) < 0)
		return xasprintf("--to %s is before --from %s", rq->to, rq->from);
	if (rq->has_since && rq->has_until && rq->until <= rq->since)
		return xasprintf("--until %s ends before --since %s", rq->to, rq->from);
	return check_pause(rq);
}

/*
 * A command whose arguments an option may stand in for (blackout remove ID,
 * or --import NAME): one or the other, and its other options only with it.
 */
static char *
check_instead(const struct cmd *c, const struct request *rq, cmd_opts seen)
{
	cmd_opts in = cmd_instead(c);
	const char *opt = NULL, *arg = "";

	if (in == 0)
		return NULL;
	for (size_t j = 0; j < cmd_noptions && opt == NULL; j++)
		if (in & cmd_options[j].bit)
			opt = cmd_options[j].name;
	for (size_t j = 0; j < cmd_nargtypes; j++)
		if (cmd_argtypes[j].type == c->args[0])
			arg = cmd_argtypes[j].name;
	if ((seen & in) && rq->narg > 0)
		return xasprintf("%s takes %s or %s, not both; usage: hotpatchctl %s %s",
		    c->words, arg, opt, c->words, c->usage);
	if ((seen & ~in) && !(seen & in))
		return xasprintf("%s: its options go with %s; usage: hotpatchctl %s %s",
		    c->words, opt, c->words, c->usage);
	return NULL;
}

/* Check required options and the number of positional arguments. */
static char *
check_complete(const struct cmd *c, struct request *rq, cmd_opts seen)
{
	size_t want = strlen(c->args);
	char *err;

	if ((err = check_range(c, rq, seen)) != NULL)
		return err;
	if ((err = check_instead(c, rq, seen)) != NULL)
		return err;
	if (seen & cmd_instead(c))
		want = 0;
	if ((size_t)rq->narg != want)
		return xasprintf("wrong number of arguments; usage: hotpatchctl %s %s",
		    c->words, c->usage);
	for (size_t j = 0; j < cmd_noptions; j++)
		if ((c->required & cmd_options[j].bit) && !(seen & cmd_options[j].bit))
			return xasprintf("%s needs %s; usage: hotpatchctl %s %s", c->words,
			    cmd_options[j].name, c->words, c->usage);
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

	cmd_words_after(argv[0], &wl);
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
	cmd_words_after(NULL, &wl);
	if ((near = closest(argv[0], wl.w, wl.n)) != NULL)
		*err = xasprintf("unknown command '%s'; did you mean '%s'?", argv[0], near);
	else
		*err = xasprintf("unknown command '%s' (try 'hotpatchctl help')", argv[0]);
	return -1;
}

int
cmd_parse(int argc, char **argv, struct request *rq, char **err)
{
	cmd_opts seen = 0;
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
	if ((rq->cmd = cmd_find(argc - i, argv + i, &used)) == NULL)
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
		if ((*err = check_arg(rq->cmd->args[rq->narg], argv[i], rq)) != NULL)
			return -1;
		rq->arg[rq->narg++] = argv[i];
	}
	if (rq->help)
		return 0;
	return (*err = check_complete(rq->cmd, rq, seen)) != NULL ? -1 : 0;
}
