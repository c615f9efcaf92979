/* model.c: names, parsing of the small value types, and freeing of the model. */
#include "boindex.h"
#include "model.h"
#include "recur.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const kind_names[KIND_COUNT] = {
	[KIND_LCU] = "lcu",
	[KIND_HOTPATCH] = "hotpatch",
	[KIND_BASELINE] = "baseline",
};

static const char *const source_names[] = {
	[SRC_PLANNED] = "planned",
	[SRC_OVERRIDE] = "override",
	[SRC_PUBLISHED] = "published",
};

static const char *const delivery_names[] = {
	[DELIVERY_AUTOMATIC] = "automatic",
	[DELIVERY_CATALOG] = "catalog",
};

static const char *const bo_kind_names[] = {
	[BO_FREEZE] = "freeze",
	[BO_PAUSE] = "pause",
};

/* The position of s in names[0..n), or -1: every small enum parses through here. */
static int
name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
kind_name(enum kind k)
{
	return (unsigned)k < KIND_COUNT ? kind_names[k] : "?";
}

int
kind_parse(const char *s, enum kind *out)
{
	int i = name_index(kind_names, KIND_COUNT, s);

	if (i >= 0)
		*out = (enum kind)i;
	return i < 0 ? -1 : 0;
}

const char *
delivery_name(enum delivery d)
{
	return (unsigned)d < ARRAY_LEN(delivery_names) ? delivery_names[d] : "?";
}

int
delivery_parse(const char *s, enum delivery *out)
{
	int i = name_index(delivery_names, ARRAY_LEN(delivery_names), s);

	if (i >= 0)
		*out = (enum delivery)i;
	return i < 0 ? -1 : 0;
}

const char *
bo_kind_name(enum bo_kind k)
{
	return (unsigned)k < ARRAY_LEN(bo_kind_names) ? bo_kind_names[k] : "?";
}

int
bo_kind_parse(const char *s, enum bo_kind *out)
{
	int i = name_index(bo_kind_names, ARRAY_LEN(bo_kind_names), s);

	if (i >= 0)
		*out = (enum bo_kind)i;
	return i < 0 ? -1 : 0;
}

const char *
source_name(enum source s)
{
	return (unsigned)s < ARRAY_LEN(source_names) ? source_names[s] : "?";
}

bool
kind_needs_restart(enum kind k)
{
	return k != KIND_HOTPATCH;
}

const char *
arch_name(enum arch a)
{
	return a == ARCH_ARM64 ? "arm64" : a == ARCH_X64 ? "x64" : "?";
}

int
arch_parse(const char *s, enum arch *out)
{
	if (strcmp(s, "x64") == 0)
		*out = ARCH_X64;
	else if (strcmp(s, "arm64") == 0)
		*out = ARCH_ARM64;
	else
		return -1;
	return 0;
}

/* Parse exactly n digits; returns -1 on anything else. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

ym_t
ym_of_time(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return ym_make(tm.tm_year + 1900, tm.tm_mon + 1);
}

int
ym_parse(const char *s, ym_t *out)
{
	int y, m;

	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	if ((y = digits(s, 4)) < HP_YEAR_MIN || y > HP_YEAR_MAX ||
	    (m = digits(s + 5, 2)) < 1 || m > 12)
		return -1;
	*out = ym_make(y, m);
	return 0;
}

char *
ym_format(ym_t ym, char *buf)
{
	snprintf(buf, 8, "%04u-%02u", (unsigned)ym_year(ym) % 10000u,
	    (unsigned)ym_month(ym) % 100u);
	return buf;
}

int
ymd_days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dim[m - 1];
}

int
ymd_parse(const char *s, struct ymd *out)
{
	ym_t ym;
	char head[8];
	int d;

	if (strlen(s) != 10 || s[7] != '-')
		return -1;
	memcpy(head, s, 7);
	head[7] = '\0';
	if (ym_parse(head, &ym) < 0 || (d = digits(s + 8, 2)) < 1)
		return -1;
	if (d > ymd_days_in_month(ym_year(ym), ym_month(ym)))
		return -1;
	out->y = ym_year(ym);
	out->m = ym_month(ym);
	out->d = d;
	return 0;
}

char *
ymd_format(struct ymd d, char *buf)
{
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)d.y % 10000u, (unsigned)d.m % 100u,
	    (unsigned)d.d % 100u);
	return buf;
}

bool
ymd_is_set(struct ymd d)
{
	return d.y != 0;
}

/*
 * Civil dates and day numbers, counted in 400-year eras of 146097 days that
 * begin on March 1st, so that the leap day is the last day of a year.  Pure
 * integer arithmetic: planning adds days millions of times, and gmtime_r
 * takes a lock each time.
 */
long
ymd_days(struct ymd d)
{
	long y = d.y - (d.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;				/* 0..399 */
	long doy = (153 * (d.m + (d.m > 2 ? -3 : 9)) + 2) / 5 + d.d - 1;	/* 0..365 from Mar 1 */
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* 0..146096 */

	return era * 146097 + doe - 719468;	/* 719468: 0000-03-01 to 1970-01-01 */
}

struct ymd
ymd_from_days(long days)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;				/* 0 = March */
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);

	return (struct ymd){ (int)(yoe + era * 400 + (m <= 2)), m, (int)(doy - (153 * mp + 2) / 5 + 1) };
}

struct ymd
ymd_add_days(struct ymd d, long days)
{
	return ymd_from_days(ymd_days(d) + days);
}

int
ymd_weekday(struct ymd d)
{
	long w = (ymd_days(d) + 4) % 7;		/* 1970-01-01 was a Thursday */

	return (int)(w < 0 ? w + 7 : w);
}

const struct os_def *
caldata_find_os(const struct caldata *c, const char *id)
{
	for (size_t i = 0; i < c->nos; i++)
		if (strcmp(c->os[i].id, id) == 0)
			return &c->os[i];
	return NULL;
}

size_t
caldata_count_published(const struct caldata *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nos; i++)
		n += c->os[i].nrel;
	return n;
}

struct ringindex {
	struct strindex	 byid;		/* ring ids -> positions, for ring[0 .. byid.n) */
	bool		 bo_built;	/* the blackout lists were built ... */
	size_t		 bo_nring;	/* ... for a set of this many rings and blackouts */
	size_t		 bo_nbo;
	struct boindex	 bo;
	struct recur_years *years;	/* occurrences of the recurring ones (ringset_years) */
};

const struct ring *
ringset_find(const struct ringset *r, const char *id)
{
	size_t i = 0, pos;

	if (r->idx != NULL) {
		if (strindex_get(&r->idx->byid, id, &pos))
			return &r->ring[pos];
		i = r->idx->byid.n;
	}
	for (; i < r->nring; i++)
		if (strcmp(r->ring[i].id, id) == 0)
			return &r->ring[i];
	return NULL;
}

void
ringset_index_ids(struct ringset *r)
{
	if (r->idx == NULL)
		r->idx = xcalloc(1, sizeof(*r->idx));
	for (size_t i = r->idx->byid.n; i < r->nring; i++)
		strindex_put(&r->idx->byid, r->ring[i].id, i);
}

/* Position of the ring a blackout belongs to, or SIZE_MAX for a global one or an unknown ring. */
static size_t
blackout_owner(const struct ringset *r, const struct blackout *b)
{
	size_t pos;

	return b->ring != NULL && strindex_get(&r->idx->byid, b->ring, &pos) ? pos : SIZE_MAX;
}

void
ringset_index(struct ringset *r)
{
	struct ringindex *x;
	size_t *owner;

	ringset_index_ids(r);
	x = r->idx;
	owner = xcalloc(r->nbo + 1, sizeof(*owner));
	for (size_t i = 0; i < r->nbo; i++) {
		r->bo[i].from_day = ymd_days(r->bo[i].from);
		r->bo[i].to_day = ymd_days(r->bo[i].to);
		owner[i] = blackout_owner(r, &r->bo[i]);
	}
	boindex_build(&x->bo, r->bo, r->nbo, owner, r->nring);
	free(owner);
	x->bo_built = true;
	x->bo_nring = r->nring;
	x->bo_nbo = r->nbo;
	/* Occurrences made for the set before are of blackouts that may have moved. */
	recur_years_free(x->years);
	x->years = recur_years_new(r->bo, r->nbo);
}

void
ringset_index_free(struct ringset *r)
{
	if (r->idx == NULL)
		return;
	recur_years_free(r->idx->years);
	strindex_free(&r->idx->byid);
	boindex_free(&r->idx->bo);
	free(r->idx);
	r->idx = NULL;
}

struct recur_years *
ringset_years(const struct ringset *r)
{
	const struct ringindex *x = r->idx;

	if (x == NULL || !x->bo_built || x->bo_nring != r->nring || x->bo_nbo != r->nbo)
		return NULL;
	return x->years;
}

bool
ringset_blackouts(const struct ringset *r, const struct ring *g, struct bo_lists *out)
{
	const struct ringindex *x = r->idx;
	size_t pos;

	if (x == NULL || !x->bo_built || x->bo_nring != r->nring || x->bo_nbo != r->nbo)
		return false;
	if (g >= r->ring && g < r->ring + r->nring)
		pos = (size_t)(g - r->ring);
	else if (!strindex_get(&x->byid, g->id, &pos))
		return false;
	boindex_lists(&x->bo, pos, out);
	return true;
}

void
release_free(struct release *r)
{
	free(r->kb);
	free(r->build);
	free(r->note);
	free(r->who);
	free(r->origin);
	if (r->file != NULL) {
		release_free(r->file);
		free(r->file);
	}
}

/* v is prefix, 1..12 digits, then (sep != 0) sep and 1..12 digits. */
static bool
digits_shape(const char *v, const char *prefix, char sep)
{
	size_t p = strlen(prefix), d;

	if (v == NULL || strncmp(v, prefix, p) != 0)
		return false;
	v += p;
	if ((d = strspn(v, "0123456789")) == 0 || d > 12)
		return false;
	v += d;
	if (sep == '\0')
		return *v == '\0';
	if (*v++ != sep || (d = strspn(v, "0123456789")) == 0 || d > 12)
		return false;
	return v[d] == '\0';
}

bool
kb_is_valid(const char *s)
{
	return digits_shape(s, "KB", '\0');
}

bool
build_is_valid(const char *s)
{
	return digits_shape(s, "", '.');
}

void
oob_free(struct oob *o)
{
	free(o->kb);
	free(o->build);
	free(o->note);
}

void
os_def_free(struct os_def *o)
{
	for (size_t i = 0; i < o->nrel; i++)
		release_free(&o->rel[i]);
	for (size_t i = 0; i < o->noob; i++)
		oob_free(&o->oob[i]);
	for (size_t i = 0; i < o->nmsrc; i++)
		free(o->msrc[i]);
	free(o->rel);
	free(o->oob);
	free(o->msrc);
	free(o->id);
	free(o->name);
	free(o->min_build);
}

void
override_free(struct override *o)
{
	free(o->os);
	free(o->reason);
	free(o->who);
}

void
caldata_free(struct caldata *c)
{
	for (size_t i = 0; i < c->nos; i++)
		os_def_free(&c->os[i]);
	for (size_t i = 0; i < c->novr; i++)
		override_free(&c->ovr[i]);
	free(c->os);
	free(c->ovr);
	memset(c, 0, sizeof(*c));
}

long
blackout_days(const struct blackout *b)
{
	return ymd_days(b->to) - ymd_days(b->from) + 1;
}

bool
pause_fits(const struct blackout *b)
{
	if (b->kind != BO_PAUSE)
		return true;
	if (b->timed)
		return b->end - b->start <= (time_t)PAUSE_MAX_DAYS * 86400;
	return blackout_days(b) <= PAUSE_MAX_DAYS;
}

void
upgrade_free(struct upgrade *u)
{
	free(u->from);
	free(u->to);
}

void
ring_free(struct ring *r)
{
	for (size_t i = 0; i < r->nos; i++)
		free(r->os[i]);
	for (size_t i = 0; i < r->ngroups; i++)
		free(r->groups[i]);
	free(r->groups);
	for (size_t i = 0; i < r->nupg; i++)
		upgrade_free(&r->upg[i]);
	free(r->upg);
	free(r->os);
	free(r->win);
	free(r->id);
	free(r->name);
	free(r->timezone);
	free(r->file);
}

void
blackout_free(struct blackout *b)
{
	free(b->name);
	free(b->ring);
	free(b->rrule);
	for (size_t i = 0; i < b->nexcept; i++)
		free(b->except[i]);
	free(b->except);
	free(b->tzid);
	free(b->tzdef);
	free(b->import);
	free(b->uid);
	free(b->rid);
	recur_free(b->rule);
}

void
ringset_free(struct ringset *r)
{
	for (size_t i = 0; i < r->nring; i++)
		ring_free(&r->ring[i]);
	for (size_t i = 0; i < r->nbo; i++)
		blackout_free(&r->bo[i]);
	free(r->ring);
	free(r->bo);
	ringset_index_free(r);
	memset(r, 0, sizeof(*r));
}
