/* boindex.c: a ring set's blackouts as sorted lists with their reach (boindex.h). */
#include "boindex.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define DAY	86400

static int32_t
utc_day(time_t t)
{
	return (int32_t)(t / DAY - (t % DAY < 0));
}

/* Blackout i as a list entry. */
static struct bo_span
span_of(const struct blackout *b, size_t i)
{
	struct bo_span s = { .from_day = (int32_t)b->from_day, .to_day = (int32_t)b->to_day,
	    .i = (uint32_t)i, .kind = (uint8_t)(1u << b->kind), .timed = b->timed };

	if (!b->timed)
		return s;
	/*
	 * The exact test is on its instants; its UTC days only narrow the
	 * look.  One that ends before it starts has no days: it is looked at
	 * every time, and the exact test decides, as for any other.
	 */
	s.from_day = b->end > b->start ? utc_day(b->start) : INT32_MIN;
	s.to_day = b->end > b->start ? utc_day(b->end - 1) : INT32_MAX;
	return s;
}

static int
by_first_day(const void *a, const void *b)
{
	const struct bo_span *x = a, *y = b;

	if (x->from_day != y->from_day)
		return x->from_day < y->from_day ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Sort v[0 .. n) by first day and set each entry's reach. */
static void
sort_list(struct bo_span *v, size_t n)
{
	int32_t reach = INT32_MIN;

	qsort(v, n, sizeof(*v), by_first_day);
	for (size_t k = 0; k < n; k++) {
		if (v[k].to_day > reach)
			reach = v[k].to_day;
		v[k].reach = reach;
	}
}

/* The kinds bit of b, and BO_RECURS if its rule is compiled. */
static unsigned
kind_bits(const struct blackout *b)
{
	return (1u << b->kind) | (b->rule != NULL ? BO_RECURS : 0);
}

void
boindex_build(struct boindex *x, const struct blackout *bo, size_t nbo,
    const size_t *owner, size_t nring)
{
	size_t *fill, nglobal = 0;

	boindex_free(x);
	x->nring = nring;
	x->first = xcalloc(nring + 1, sizeof(*x->first));
	x->kinds = xcalloc(nring + 1, sizeof(*x->kinds));
	/* Count the global ones and each ring's own, then place them. */
	for (size_t i = 0; i < nbo; i++) {
		if (bo[i].ring == NULL)
			x->global_kinds |= kind_bits(&bo[i]);
		else if (owner[i] != SIZE_MAX)
			x->kinds[owner[i]] |= kind_bits(&bo[i]);
		if (bo[i].rrule != NULL)
			continue;
		if (bo[i].ring == NULL)
			nglobal++;
		else if (owner[i] != SIZE_MAX)
			x->first[owner[i] + 1]++;
	}
	x->global = xcalloc(nglobal + 1, sizeof(*x->global));
	for (size_t g = 0; g < nring; g++)
		x->first[g + 1] += x->first[g];
	x->own = xcalloc(x->first[nring] + 1, sizeof(*x->own));
	fill = xcalloc(nring + 1, sizeof(*fill));
	memcpy(fill, x->first, nring * sizeof(*fill));
	for (size_t i = 0; i < nbo; i++) {
		if (bo[i].rrule != NULL)
			continue;
		if (bo[i].ring == NULL)
			x->global[x->nglobal++] = span_of(&bo[i], i);
		else if (owner[i] != SIZE_MAX)
			x->own[fill[owner[i]]++] = span_of(&bo[i], i);
	}
	free(fill);
	sort_list(x->global, x->nglobal);
	for (size_t g = 0; g < nring; g++)
		sort_list(x->own + x->first[g], x->first[g + 1] - x->first[g]);
}

void
boindex_free(struct boindex *x)
{
	free(x->global);
	free(x->own);
	free(x->first);
	free(x->kinds);
	memset(x, 0, sizeof(*x));
}
