/*
 * ringfile_blackout.c: the blackouts of a ring file, once or repeating.
 * A repeating one is every year on the same days (every: year, from and to
 * as MM-DD) or an RRULE of the subset recur.h takes, with from..to its
 * first occurrence; both are checked here, field by field, and kept as one
 * rule (stored "FREQ=YEARLY" from HP_YEAR_MIN for every: year).
 */
#include "recur.h"
#include "ringfile.h"
#include "yamltree.h"
#include "util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A blackout while it is read: what the keys said, before they are checked together. */
struct bo_in {
	struct blackout		 b;
	bool			 every_year;
	const struct ynode	*except;
};

static int parse_day(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_every(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_rrule(struct yctx *, const struct ynode *, const struct yfield *, void *);

static const struct yfield blackout_fields[] = {
	{ "name", true, yp_string, offsetof(struct bo_in, b.name), 0, 0 },
	{ "from", true, parse_day, offsetof(struct bo_in, b.from), 0, 0 },
	{ "to", true, parse_day, offsetof(struct bo_in, b.to), 0, 0 },
	{ "kind", false, yp_bo_kind, offsetof(struct bo_in, b.kind), 0, 0 },
	{ "every", false, parse_every, offsetof(struct bo_in, every_year), 0, 0 },
	{ "rrule", false, parse_rrule, offsetof(struct bo_in, b.rrule), 0, 0 },
	{ "except", false, yp_node, offsetof(struct bo_in, except), 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

/* "MM-DD" of a day in every year (so not 02-29): y is left 0. */
static int
month_day(const char *v, struct ymd *out)
{
	int m, d;

	if (strlen(v) != 5 || v[2] != '-' || strspn(v, "0123456789-") != 5)
		return -1;
	m = (v[0] - '0') * 10 + (v[1] - '0');
	d = (v[3] - '0') * 10 + (v[4] - '0');
	if (m < 1 || m > 12 || d < 1 || d > ymd_days_in_month(2001, m))
		return -1;
	*out = (struct ymd){ 0, m, d };
	return 0;
}

/* A date, or a month and day (every: year). */
static int
parse_day(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (strlen(v) == 5 && v[2] == '-') {
		if (month_day(v, dst) == 0)
			return 0;
		if (strcmp(v, "02-29") == 0)
			yerr(c, n, "02-29 for %s is not in every year; use 02-28 or 03-01", f->key);
		else
			yerr(c, n, "bad month and day '%s' for %s (expected MM-DD, such as 12-20)",
			    v, f->key);
		return -1;
	}
	return yp_date(c, n, f, dst);
}

static int
parse_every(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (strcmp(v, "year") != 0) {
		yerr(c, n, "every must be 'year', got '%s' (for other repeats use rrule)", v);
		return -1;
	}
	*(bool *)dst = true;
	return 0;
}

static int
parse_rrule(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f), *why;
	char buf[192];

	if (v == NULL)
		return -1;
	if ((why = recur_problem(v, false, buf, sizeof(buf))) != NULL) {
		yerr(c, n, "rrule: %s", why);
		return -1;
	}
	*(char **)dst = xstrdup(v);
	return 0;
}

/* The except list: days, each one once. */
static int
parse_except(struct yctx *c, const struct ynode *n, struct blackout *b)
{
	struct ymd d;

	if (n->type != YN_SEQ || n->n == 0) {
		yerr(c, n, "except must be a non-empty list of dates (YYYY-MM-DD)");
		return -1;
	}
	if (n->n > RECUR_MAX_EXCEPT) {
		yerr(c, n, "except lists %zu dates; a blackout has at most %d", n->n,
		    RECUR_MAX_EXCEPT);
		return -1;
	}
	b->except = xcalloc(n->n, sizeof(*b->except));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *it = n->items[i];

		if (it->type != YN_SCALAR || ymd_parse(it->value, &d) < 0) {
			yerr(c, it, "bad date '%s' in except (expected YYYY-MM-DD)",
			    it->type == YN_SCALAR ? it->value : "?");
			return -1;
		}
		b->except[b->nexcept++] = xstrdup(it->value);
	}
	return 0;
}

/* every: year from MM-DD to MM-DD: the first occurrence in HP_YEAR_MIN, ending in the next year if to comes first. */
static int
every_year(struct yctx *c, const struct ynode *n, struct bo_in *in)
{
	struct blackout *b = &in->b;

	if (b->rrule != NULL) {
		yerr(c, yget(n, "every"), "blackout '%s' has every and rrule; use one", b->name);
		return -1;
	}
	if (b->from.y != 0 || b->to.y != 0) {
		yerr(c, yget(n, b->from.y != 0 ? "from" : "to"), "with every: year, %s is a month "
		    "and day (MM-DD), such as 12-20", b->from.y != 0 ? "from" : "to");
		return -1;
	}
	b->from.y = HP_YEAR_MIN;
	b->to.y = HP_YEAR_MIN + (b->to.m * 100 + b->to.d < b->from.m * 100 + b->from.d);
	b->rrule = xstrdup("FREQ=YEARLY");
	return 0;
}

/* The keys together: the form of from and to, the rule, except, the length of a pause. */
static int
check_blackout(struct yctx *c, const struct ynode *n, struct bo_in *in)
{
	struct blackout *b = &in->b;
	char from[11], to[11], *why;

	if (in->every_year && every_year(c, n, in) < 0)
		return -1;
	if (b->from.y == 0 || b->to.y == 0) {
		const char *k = b->from.y == 0 ? "from" : "to";

		yerr(c, yget(n, k), "%s has no year; add every: year to repeat it every year, or "
		    "give a date (YYYY-MM-DD)", k);
		return -1;
	}
	if (ymd_cmp(b->to, b->from) < 0) {
		yerr(c, yget(n, "to"), "blackout '%s' ends (%s) before it starts (%s)", b->name,
		    ymd_format(b->to, to), ymd_format(b->from, from));
		return -1;
	}
	if (!pause_fits(b)) {
		/* every: year shows the days as written, MM-DD. */
		ymd_format(b->from, from);
		ymd_format(b->to, to);
		yerr(c, yget(n, "to"), "pause '%s' lasts %ld days (%s..%s); a pause is at most "
		    "%d days", b->name, blackout_days(b), from + (in->every_year ? 5 : 0),
		    to + (in->every_year ? 5 : 0), PAUSE_MAX_DAYS);
		return -1;
	}
	if (in->except != NULL && b->rrule == NULL) {
		yerr(c, in->except, "except applies only to a repeating blackout (every or rrule)");
		return -1;
	}
	if (in->except != NULL && parse_except(c, in->except, b) < 0)
		return -1;
	if (b->rrule == NULL)
		return 0;
	if ((b->rule = recur_compile(b, &why)) == NULL) {
		yerr(c, yget(n, in->every_year ? "every" : "rrule"), "blackout '%s': %s", b->name,
		    why);
		free(why);
		return -1;
	}
	return 0;
}

static int
parse_blackout(struct yctx *c, const struct ynode *n, struct blackout *b)
{
	struct bo_in in = { 0 };
	int rc = 0;

	if (ymap(c, n, "blackout", blackout_fields, &in) > 0 || check_blackout(c, n, &in) < 0)
		rc = -1;
	*b = in.b;
	return rc;
}

int
ringfile_blackouts(struct yctx *c, const struct ynode *n, struct blackout **v, size_t *nv,
    size_t *cap)
{
	int bad = 0;

	if (yseq(c, n, "blackouts") < 0)
		return -1;
	for (size_t i = 0; i < n->n && !diags_full(c->d); i++) {
		struct blackout b = { 0 };

		if (parse_blackout(c, n->items[i], &b) < 0) {
			blackout_free(&b);
			bad = -1;
			continue;
		}
		grow(v, *nv, cap, sizeof(b));
		(*v)[(*nv)++] = b;
	}
	return bad;
}
