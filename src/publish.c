/* publish.c: run-time published answers: compare, merge over the file's, check. */
#include "calendar.h"
#include "publish.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	unsigned	 bit;
	const char	*name;
} parts[] = {
	{ PUB_KIND, "kind" },
	{ PUB_UNPLANNED, "unplanned" },
	{ PUB_DATE, "date" },
	{ PUB_KB, "kb" },
	{ PUB_BUILD, "build" },
	{ PUB_EXPEDITED, "expedited" },
};

static bool
str_same(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* The day it is released: its date, else Patch Tuesday. */
static struct ymd
release_day(const struct release *r)
{
	if (ymd_is_set(r->date))
		return r->date;
	return (struct ymd){ ym_year(r->month), ym_month(r->month), cal_patch_tuesday(r->month) };
}

unsigned
publish_diff(const struct release *a, const struct release *b)
{
	unsigned d = 0;

	d |= a->kind != b->kind ? PUB_KIND : 0;
	d |= a->unplanned != b->unplanned ? PUB_UNPLANNED : 0;
	d |= ymd_cmp(release_day(a), release_day(b)) != 0 ? PUB_DATE : 0;
	d |= !str_same(a->kb, b->kb) ? PUB_KB : 0;
	d |= !str_same(a->build, b->build) ? PUB_BUILD : 0;
	d |= a->expedited != b->expedited ? PUB_EXPEDITED : 0;
	return d;
}

_Static_assert(ARRAY_LEN(parts) == PUB_NPARTS, "every part needs a name");

size_t
publish_diff_names(unsigned diff, const char *names[PUB_NPARTS])
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_LEN(parts); i++)
		if (diff & parts[i].bit)
			names[n++] = parts[i].name;
	return n;
}

const struct release *
publish_conflict(const struct release *r)
{
	if (!r->runtime || r->file == NULL || publish_diff(r, r->file) == 0)
		return NULL;
	return r->file;
}

void
publish_merge(struct os_def *os, struct release *rt, size_t n)
{
	struct release *v = xcalloc(os->nrel + n + 1, sizeof(*v));
	size_t i = 0, j = 0, k = 0;

	while (i < os->nrel || j < n) {
		if (j == n || (i < os->nrel && os->rel[i].month < rt[j].month)) {
			v[k++] = os->rel[i++];
			continue;
		}
		v[k] = rt[j++];
		if (i < os->nrel && os->rel[i].month == v[k].month) {
			v[k].file = xmalloc(sizeof(*v[k].file));
			*v[k].file = os->rel[i++];
		}
		k++;
	}
	free(os->rel);
	os->rel = v;
	os->nrel = k;
}

char *
publish_check(const struct os_def *os, const struct release *r)
{
	char m[8], start[8], d[11];

	if (r->kb != NULL && !kb_is_valid(r->kb))
		return xasprintf("kb must look like KB5094125, got '%s'", r->kb);
	if (r->build != NULL && !build_is_valid(r->build))
		return xasprintf("build must look like 26100.32995, got '%s'", r->build);
	if (ymd_is_set(r->date) && ym_make(r->date.y, r->date.m) != r->month)
		return xasprintf("date %s is not in month %s", ymd_format(r->date, d),
		    ym_format(r->month, m));
	if (r->unplanned && r->kind != KIND_BASELINE)
		return xstrdup("unplanned applies only to kind baseline");
	if (os->never_hotpatch && r->kind != KIND_LCU)
		return xasprintf("%s never gets hotpatch: every month is an lcu", os->id);
	if (r->kind == KIND_HOTPATCH && r->month < os->hotpatch_start)
		return xasprintf("a hotpatch in %s is before the OS's hotpatch_start %s",
		    ym_format(r->month, m), ym_format(os->hotpatch_start, start));
	return NULL;
}
