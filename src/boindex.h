/*
 * boindex.h: the blackouts of a ring set, laid out so that the window
 * engine finds the ones that may overlap an instant in logarithmic time.
 *
 * A global blackout is kept once, not once per ring; each ring's own are
 * apart.  Each list is sorted by first day and carries, per entry, the
 * latest last day of it and every entry before it (its reach): the entries
 * that may overlap days first..last are those before the first that starts
 * after last, and a look back from there stops at the first reach before
 * first.  Recurring blackouts are not in the lists (their occurrences are
 * made by year, recur.h); their kinds count in a ring's kinds.
 */
#ifndef HP_BOINDEX_H
#define HP_BOINDEX_H

#include "model.h"

#include <stddef.h>
#include <stdint.h>

/* One blackout in a list. */
struct bo_span {
	int32_t		 from_day;	/* its days (ymd_days); a timed one's UTC days */
	int32_t		 to_day;
	int32_t		 reach;		/* the largest to_day of this entry and those before it */
	uint32_t	 i;		/* position in the set's bo */
	uint8_t		 kind;		/* 1 << enum bo_kind */
	bool		 timed;		/* its instants count; its days only narrow the look */
};

/* The lists that apply to one ring (ringset_blackouts). */
struct bo_lists {
	const struct bo_span	*global, *own;
	size_t			 nglobal, nown;
	unsigned		 kinds;		/* 1 << enum bo_kind per kind, BO_RECURS if one recurs */
};

#define BO_RECURS	(1u << 8)

struct boindex {
	struct bo_span	*global;	/* every ring's */
	size_t		 nglobal;
	unsigned	 global_kinds;
	struct bo_span	*own;		/* ring g's: own[first[g] .. first[g + 1]) */
	size_t		*first;
	unsigned	*kinds;		/* ring g's own kinds (BO_RECURS included) */
	size_t		 nring;
};

/*
 * Build x for bo[0 .. nbo) and nring rings: owner[i] is the ring position
 * blackout i belongs to, SIZE_MAX for none (a global one when its ring is
 * NULL; else a ring not in the set, left out).  from_day and to_day of
 * each must be set.
 */
void boindex_build(struct boindex *x, const struct blackout *bo, size_t nbo,
    const size_t *owner, size_t nring);
void boindex_free(struct boindex *x);

/* Ring g's lists.  (Inline, as the next: the window engine asks millions of times.) */
static inline void
boindex_lists(const struct boindex *x, size_t g, struct bo_lists *out)
{
	out->global = x->global;
	out->nglobal = x->nglobal;
	out->own = x->own + x->first[g];
	out->nown = x->first[g + 1] - x->first[g];
	out->kinds = x->global_kinds | x->kinds[g];
}

/*
 * How many of v[0 .. n) start on or before day last: a binary search that
 * halves the range the same number of times whatever the answer, so the
 * processor has no branch to guess (the step is a conditional move).
 */
static inline size_t
bo_span_upto(const struct bo_span *v, size_t n, long last)
{
	const struct bo_span *b = v;

	if (n == 0)
		return 0;
	/* The answer is in b - v .. b - v + n. */
	while (n > 1) {
		size_t half = n / 2;

		b += b[half].from_day <= last ? half : 0;
		n -= half;
	}
	return (size_t)(b - v) + (b->from_day <= last);
}

/*
 * The lists of the blackouts that apply to g (global and g's own); false if
 * r is not indexed as it is now, or g is not one of its rings: then the
 * caller must look through r->bo itself.  (model.c keeps them in r's index.)
 */
bool ringset_blackouts(const struct ringset *r, const struct ring *g, struct bo_lists *out);

#endif
