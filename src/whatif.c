/*
 * whatif.c: the ring set as it would be, and the devices a change touches
 * (whatif.h).  The copy is made field by field from the record descriptors,
 * the files are read by the ring loader, a --set by ringfile_set: nothing
 * here knows a ring key by name.
 */
#include "placement.h"
#include "record.h"
#include "recur.h"
#include "ringfile.h"
#include "whatif.h"
#include "windows.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- copying the ring set ---- */

static void
ring_copy(struct ring *dst, const struct ring *src)
{
	*dst = *src;
	record_dup(&rec_ring, dst);
	dst->win = NULL;
	if (src->nwin > 0) {
		dst->win = xcalloc(src->nwin, sizeof(*dst->win));
		memcpy(dst->win, src->win, src->nwin * sizeof(*dst->win));
	}
	dst->upg = src->nupg > 0 ? xcalloc(src->nupg, sizeof(*dst->upg)) : NULL;
	for (size_t i = 0; i < src->nupg; i++) {
		dst->upg[i] = src->upg[i];
		record_dup(&rec_upgrade, &dst->upg[i]);
	}
}

/*
 * Append a copy of blackout b to set: its stored fields duplicated and its
 * rule compiled again, since each blackout owns its compiled rule and the
 * copy is freed while b lives on.
 */
static void
add_blackout(struct ringset *set, const struct blackout *b)
{
	struct blackout *c;
	char *why = NULL;

	set->bo = xreallocarray(set->bo, set->nbo + 1, sizeof(*set->bo));
	c = &set->bo[set->nbo++];
	*c = *b;
	record_dup(&rec_blackout, c);
	c->rule = b->rule != NULL ? recur_compile(c, &why) : NULL;
	free(why);	/* b's rule compiled, so c's does */
}

/* Copies of src's rings, then of its blackouts (runtime only, or all). */
static void
copy_set(const struct ringset *src, bool runtime_only, struct ringset *dst)
{
	if (src->nring > 0) {
		dst->ring = xreallocarray(dst->ring, dst->nring + src->nring, sizeof(*dst->ring));
		for (size_t i = 0; i < src->nring; i++)
			ring_copy(&dst->ring[dst->nring++], &src->ring[i]);
	}
	for (size_t i = 0; i < src->nbo; i++)
		if (src->bo[i].runtime || !runtime_only)
			add_blackout(dst, &src->bo[i]);
}

/* ---- the files ---- */

/* Read every file into set, each checked against the rings before it (a reload's order). */
static int
read_files(const struct caldata *cal, const struct whatif *w, struct ringset *set,
    struct diags *d)
{
	size_t before = diags_count(d);

	for (size_t i = 0; i < w->nfile && !diags_full(d); i++)
		ringfile_parse(w->file[i].name, w->file[i].text, w->file[i].len, cal, set, d);
	return diags_count(d) > before ? -1 : 0;
}

/* Drop set's rings that mine has (by id), and their own file blackouts; gone[i] says which. */
static void
drop_replaced(struct ringset *set, const struct ringset *mine, bool *gone)
{
	size_t k = 0;

	for (size_t i = 0; i < set->nbo; i++) {
		struct blackout *b = &set->bo[i];

		if (!b->runtime && b->ring != NULL && ringset_find(mine, b->ring) != NULL)
			blackout_free(b);
		else
			set->bo[k++] = *b;
	}
	set->nbo = k;
	k = 0;
	for (size_t i = 0; i < set->nring; i++) {
		gone[i] = ringset_find(mine, set->ring[i].id) != NULL;
		if (gone[i])
			ring_free(&set->ring[i]);
		else
			set->ring[k++] = set->ring[i];
	}
	set->nring = k;
	ringset_index_free(set);
	ringset_index_ids(set);
}

/*
 * Put the rings in today's order again: set holds the nkept rings that
 * stayed, then the files' rings; one with the id of a ring that was at
 * position i of today's nold (gone[i], id[i]) goes there, the new ones after.
 */
static void
reorder(struct ringset *set, size_t nkept, const bool *gone, char *const *id, size_t nold)
{
	struct ring *r = xcalloc(set->nring + 1, sizeof(*r));
	bool *used = xcalloc(set->nring + 1, sizeof(*used));
	size_t n = 0, kept = 0;

	for (size_t i = 0; i < nold; i++) {
		if (!gone[i]) {
			r[n++] = set->ring[kept++];
			continue;
		}
		for (size_t j = nkept; j < set->nring; j++) {
			if (!used[j] && strcmp(set->ring[j].id, id[i]) == 0) {
				used[j] = true;
				r[n++] = set->ring[j];
				break;
			}
		}
	}
	for (size_t j = nkept; j < set->nring; j++)
		if (!used[j])
			r[n++] = set->ring[j];
	free(set->ring);
	free(used);
	set->ring = r;
	ringset_index_free(set);
	ringset_index_ids(set);
}

/*
 * Lay the files over set.  They are read twice: alone, for their own
 * errors and the ids they replace; then after the rings that stay, so that
 * a group one of them lists is checked against those rings with the
 * loader's message.
 */
static int
overlay(const struct caldata *cal, const struct whatif *w, struct ringset *set,
    struct diags *d)
{
	struct ringset mine = { 0 };
	size_t nold = set->nring, nkept;
	bool *gone = xcalloc(nold + 1, sizeof(*gone));
	char **id = xcalloc(nold + 1, sizeof(*id));
	int rc = -1;

	ringset_index_ids(set);
	if (read_files(cal, w, &mine, d) < 0)
		goto out;
	for (size_t i = 0; i < nold; i++)
		id[i] = xstrdup(set->ring[i].id);
	drop_replaced(set, &mine, gone);
	nkept = set->nring;
	if (read_files(cal, w, set, d) < 0)
		goto out;
	reorder(set, nkept, gone, id, nold);
	rc = 0;
out:
	for (size_t i = 0; i < nold; i++)
		free(id[i]);
	free(id);
	free(gone);
	ringset_free(&mine);
	return rc;
}

/* ---- --set ---- */

static enum whatif_result
apply_set(const struct caldata *cal, struct ringset *set, const char *arg, struct diags *d)
{
	const char *dot = strchr(arg, '.'), *eq = dot != NULL ? strchr(dot, '=') : NULL;
	char *name = xasprintf("--set %s", arg), *ring, *key;
	const struct ring *g;
	enum whatif_result rc = WHATIF_INVALID;

	if (dot == NULL || eq == NULL || eq == dot + 1) {
		diags_add(d, name, 0, 0, "expected RING.KEY=VALUE, like ring2.deferral_days=9");
		free(name);
		return rc;
	}
	ring = xasprintf("%.*s", (int)(dot - arg), arg);
	key = xasprintf("%.*s", (int)(eq - dot - 1), dot + 1);
	if ((g = ringset_find(set, ring)) == NULL) {
		diags_add(d, name, 0, 0, "unknown ring '%s' (see hotpatchctl rings)", ring);
		rc = WHATIF_UNKNOWN_RING;
	} else if (ringfile_set(set, (size_t)(g - set->ring), key, eq + 1, name, cal, d) == 0) {
		rc = WHATIF_OK;
	}
	free(ring);
	free(key);
	free(name);
	return rc;
}

enum whatif_result
whatif_rings(const struct caldata *cal, const struct ringset *rings,
    const struct ringset *detached, const struct whatif *w, struct ringset *out,
    struct diags *d)
{
	struct ringset set = { 0 };
	enum whatif_result rc = WHATIF_OK;

	if (w->dir) {
		if (read_files(cal, w, &set, d) < 0)
			rc = WHATIF_INVALID;
		copy_set(&(struct ringset){ .bo = rings->bo, .nbo = rings->nbo }, true, &set);
	} else {
		copy_set(rings, false, &set);
		if (w->nfile > 0 && overlay(cal, w, &set, d) < 0)
			rc = WHATIF_INVALID;
	}
	/* A run-time blackout of a ring that is gone today attaches if the ring is back. */
	copy_set(&(struct ringset){ .bo = detached->bo, .nbo = detached->nbo }, true, &set);
	ringset_index_ids(&set);
	for (size_t i = 0; i < w->nset && rc == WHATIF_OK; i++)
		rc = apply_set(cal, &set, w->set[i], d);
	if (rc != WHATIF_OK) {
		ringset_free(&set);
		return rc;
	}
	ringset_index(&set);
	*out = set;
	return WHATIF_OK;
}

/* ---- devices ---- */

/* The id of the ring of the group in x's set, or NULL. */
static const char *
group_ring_id(const struct group_index *x, const char *group)
{
	const struct ring *g = group_ring(x, group);

	return g != NULL ? g->id : NULL;
}

/* Every group of from's rings goes to the same ring id in to's. */
static bool
groups_land_alike(const struct ringset *from, const struct group_index *xf,
    const struct group_index *xt)
{
	for (size_t i = 0; i < from->nring; i++) {
		for (size_t k = 0; k < from->ring[i].ngroups; k++) {
			const char *a = group_ring_id(xf, from->ring[i].groups[k]);
			const char *b = group_ring_id(xt, from->ring[i].groups[k]);

			if (a == NULL || b == NULL || strcmp(a, b) != 0)
				return false;
		}
	}
	return true;
}

bool
whatif_same_places(const struct ringset *a, const struct ringset *b)
{
	struct group_index xa, xb;
	bool same;

	group_index_init(&xa, a);
	group_index_init(&xb, b);
	same = groups_land_alike(a, &xa, &xb) && groups_land_alike(b, &xb, &xa);
	group_index_free(&xa);
	group_index_free(&xb);
	return same;
}

void
whatif_place(const struct inventory *inv, const struct ringset *rs, struct inventory *out)
{
	struct group_index x;

	group_index_init(&x, rs);
	out->ndev = inv->ndev;
	out->dev = xcalloc(inv->ndev + 1, sizeof(*out->dev));
	for (size_t i = 0; i < inv->ndev; i++) {
		struct device *d = &out->dev[i];
		const struct ring *g;

		*d = inv->dev[i];
		if (d->ring_by_group) {
			d->ring = NULL;
			d->ring_by_group = false;
		}
		if (device_place(&x, d, &g) == PLACE_GROUP) {
			d->ring = g->id;	/* borrowed: rs outlives out */
			d->ring_by_group = true;
		}
	}
	group_index_free(&x);
}

/* One side of a device: its ring's position (nring: none), its OS and its verdict. */
struct side {
	size_t			 ring;
	const struct os_def	*os;		/* NULL: no OS, no install */
	bool			 eligible, state_known;
	enum hp_state		 state;
	ym_t			 cause_month;
};

/* Devices with equal keys install alike on both sides: one walk each side per group. */
struct dkey {
	struct side	 a, b;		/* today, the what-if */
	size_t		 dev;		/* one of them */
};

static void
side_of(const struct device *d, const struct caldata *c, const struct ringset *rs,
    ym_t first, struct side *s)
{
	const struct ring *r = d->ring != NULL ? ringset_find(rs, d->ring) : NULL;
	struct dev_answer a;
	struct walk_device wd;

	memset(s, 0, sizeof(*s));
	s->ring = r != NULL ? (size_t)(r - rs->ring) : rs->nring;
	if (r == NULL || !device_answer(c, r, d, d->edition, first, &a))
		return;
	device_walk_of(&a.elig, &a.base, &wd);
	s->os = a.os.os;
	s->eligible = wd.eligible;
	s->state_known = wd.state_known;
	s->state = wd.state;
	s->cause_month = wd.cause_month;
}

#define CMP(a, b)	do { if ((a) != (b)) return (a) < (b) ? -1 : 1; } while (0)

static int
side_cmp(const struct side *a, const struct side *b)
{
	CMP(a->ring, b->ring);
	CMP((uintptr_t)a->os, (uintptr_t)b->os);
	CMP(a->eligible, b->eligible);
	CMP(a->state_known, b->state_known);
	CMP(a->state, b->state);
	CMP(a->cause_month, b->cause_month);
	return 0;
}

static int
dkey_cmp(const void *pa, const void *pb)
{
	const struct dkey *a = pa, *b = pb;
	int r = side_cmp(&a->a, &b->a);

	return r != 0 ? r : side_cmp(&a->b, &b->b);
}

/* A month of one side: the local day of its window (unset: none) and its restart. */
struct dmonth {
	struct ymd	 day;
	bool		 restart;
};

/* The months of side s (no install at all without an OS). */
static void
side_months(const struct caldata *c, const struct ringset *rs, const struct side *s,
    ym_t first, int n, struct dmonth *out)
{
	const struct ring *r = s->os != NULL ? &rs->ring[s->ring] : NULL;
	struct walk_device wd = { .eligible = s->eligible, .state_known = s->state_known,
	    .state = s->state, .cause_month = s->cause_month,
	    .not_eligible = s->eligible ? NULL : "not eligible" };
	struct walk w;

	memset(out, 0, (size_t)n * sizeof(*out));
	if (r == NULL)
		return;
	walk_start_device(&w, c, rs, r, s->os, first, &wd);
	for (int i = 0; i < n; i++) {
		struct install in;
		struct localtime lt;

		walk_month(&w, &in);
		out[i].restart = in.restart;
		if (in.window_start != 0) {
			win_to_local(r->timezone, in.window_start, &lt);
			out[i].day = lt.date;
		}
	}
}

/* Add a group of cnt devices alike to k: months a (today) against b (the what-if). */
static void
count_group(const struct dkey *k, long cnt, const struct dmonth *a, const struct dmonth *b,
    int n, const struct ringset *today, struct whatif_devices *out)
{
	struct whatif_devring *r;
	bool day = false, restart = false;

	if (k->b.os == NULL) {
		out->left += k->a.os != NULL ? cnt : 0;
		return;
	}
	for (int i = 0; i < n; i++) {
		day |= ymd_cmp(a[i].day, b[i].day) != 0;
		restart |= a[i].restart != b[i].restart;
	}
	r = &out->ring[k->b.ring];
	r->devices += cnt;
	r->day += day ? cnt : 0;
	r->restart += restart ? cnt : 0;
	r->changed += day || restart ? cnt : 0;
	if (k->a.os == NULL || strcmp(today->ring[k->a.ring].id, r->ring->id) != 0)
		r->moved += cnt;
}

int
whatif_devices(const struct inventory *inv_today, const struct inventory *inv_would,
    const struct caldata *c, const struct ringset *today, const struct ringset *would,
    ym_t first, int n, struct whatif_devices *out)
{
	struct dkey *k;
	struct dmonth *a, *b;
	size_t nk = 0;

	memset(out, 0, sizeof(*out));
	if (n < 1)
		return -1;
	out->nring = would->nring;
	out->ring = xcalloc(would->nring + 1, sizeof(*out->ring));
	for (size_t i = 0; i < would->nring; i++)
		out->ring[i].ring = &would->ring[i];
	k = xcalloc(inv_today->ndev + 1, sizeof(*k));
	for (size_t i = 0; i < inv_today->ndev && i < inv_would->ndev; i++) {
		side_of(&inv_today->dev[i], c, today, first, &k[nk].a);
		side_of(&inv_would->dev[i], c, would, first, &k[nk].b);
		k[nk].dev = i;
		nk += k[nk].a.os != NULL || k[nk].b.os != NULL;
	}
	qsort(k, nk, sizeof(*k), dkey_cmp);
	a = xcalloc((size_t)n, sizeof(*a));
	b = xcalloc((size_t)n, sizeof(*b));
	for (size_t i = 0, j; i < nk; i = j) {
		for (j = i + 1; j < nk && dkey_cmp(&k[i], &k[j]) == 0; j++)
			;
		side_months(c, today, &k[i].a, first, n, a);
		side_months(c, would, &k[i].b, first, n, b);
		count_group(&k[i], (long)(j - i), a, b, n, today, out);
		out->walks++;
	}
	free(a);
	free(b);
	free(k);
	return 0;
}

void
whatif_devices_free(struct whatif_devices *dv)
{
	free(dv->ring);
	memset(dv, 0, sizeof(*dv));
}
