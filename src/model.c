/* model.c: names, parsing of the small value types, and freeing of the model. */
#include "model.h"
#include "util.h"

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

const char *
kind_name(enum kind k)
{
	return (unsigned)k < KIND_COUNT ? kind_names[k] : "?";
}

int
kind_parse(const char *s, enum kind *out)
{
	for (int k = 0; k < KIND_COUNT; k++) {
		if (strcmp(s, kind_names[k]) == 0) {
			*out = (enum kind)k;
			return 0;
		}
	}
	return -1;
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

static int
days_in_month(int y, int m)
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
	if (d > days_in_month(ym_year(ym), ym_month(ym)))
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

int
ymd_cmp(struct ymd a, struct ymd b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	return a.d < b.d ? -1 : a.d > b.d;
}

bool
ymd_is_set(struct ymd d)
{
	return d.y != 0;
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

const struct ring *
ringset_find(const struct ringset *r, const char *id)
{
	for (size_t i = 0; i < r->nring; i++)
		if (strcmp(r->ring[i].id, id) == 0)
			return &r->ring[i];
	return NULL;
}

void
release_free(struct release *r)
{
	free(r->kb);
	free(r->build);
	free(r->note);
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
	free(o->rel);
	free(o->oob);
	free(o->id);
	free(o->name);
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

void
ring_free(struct ring *r)
{
	for (size_t i = 0; i < r->nos; i++)
		free(r->os[i]);
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
	memset(r, 0, sizeof(*r));
}
