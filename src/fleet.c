/*
 * fleet.c: counts over an inventory, per ring and month (doc/rules.md,
 * "Devices").  Devices alike in everything the engine reads (ring, OS,
 * facts, build state) install alike, so they are sorted into groups and
 * each group is walked once: linear in groups × months after the sort.
 */
#include "device.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What decides a device's months; devices with equal keys share a walk. */
struct key {
	size_t			 ring;		/* index in the ring set */
	const struct os_def	*os;
	unsigned		 arch;
	bool			 vbs, chpe_disabled, licensed, below_floor;
	enum dev_base		 base;		/* its month is the OS's latest baseline: in os */
	size_t			 dev;		/* a device of the group, for the walk */
};

/* Why an eligible device takes the LCU, by the walker's cause (not eligible: its reasons). */
static const char *
cause_words(const struct install *in)
{
	switch (in->cause) {
	case CAUSE_NEVER:
		return "this OS never gets hotpatch";
	case CAUSE_NOT_YET:
		return "hotpatch not in effect for the ring yet";
	case CAUSE_ENROLLED:
	case CAUSE_UPGRADE:
	case CAUSE_OOB:
		return "off the latest baseline until the next one";
	default:
		return "no hotpatch for this OS yet (an LCU month)";
	}
}

#define CMP(a, b)	do { if ((a) != (b)) return (a) < (b) ? -1 : 1; } while (0)

static int
key_cmp(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;

	CMP(a->ring, b->ring);
	CMP((uintptr_t)a->os, (uintptr_t)b->os);
	CMP(a->arch, b->arch);
	CMP(a->vbs, b->vbs);
	CMP(a->chpe_disabled, b->chpe_disabled);
	CMP(a->licensed, b->licensed);
	CMP(a->below_floor, b->below_floor);
	CMP(a->base, b->base);
	return 0;
}

/* The position of d's ring in rs, or rs->nring when it has none there. */
static size_t
ring_index(const struct ringset *rs, const struct device *d)
{
	const struct ring *r = d->ring != NULL ? ringset_find(rs, d->ring) : NULL;

	return r != NULL ? (size_t)(r - rs->ring) : rs->nring;
}

/* The key of device i, or false when it has no ring or no OS (counted in out). */
static bool
key_of(const struct inventory *inv, size_t i, const struct caldata *c,
    const struct ringset *rs, ym_t first, struct fleet *out, struct key *k)
{
	const struct device *d = &inv->dev[i];
	struct dev_answer a;

	memset(k, 0, sizeof(*k));
	if ((k->ring = ring_index(rs, d)) == rs->nring) {
		out->no_ring++;
		return false;
	}
	if (!device_answer(c, &rs->ring[k->ring], d, d->edition, first, &a)) {
		out->no_os++;
		return false;
	}
	k->os = a.os.os;
	k->arch = a.elig.facts.arch;
	k->vbs = a.elig.facts.vbs;
	k->chpe_disabled = a.elig.facts.chpe_disabled;
	k->licensed = a.elig.facts.licensed;
	k->below_floor = a.base.below_floor;
	k->base = a.base.base;
	k->dev = i;
	return true;
}

/* Add n devices to the count of reason text in month m. */
static int
add_why(struct fleet_month *m, const char *text, long n)
{
	struct fleet_why *w;

	for (size_t i = 0; i < m->nwhy; i++)
		if (m->why[i].text == text) {
			m->why[i].n += n;
			return 0;
		}
	if ((w = realloc(m->why, (m->nwhy + 1) * sizeof(*w))) == NULL)
		return -1;
	m->why = w;
	m->why[m->nwhy++] = (struct fleet_why){ text, n };
	return 0;
}

/* A group's month into its ring's counts: n devices, e their verdict. */
static int
add_month(struct fleet_month *m, const struct install *in, const struct dev_elig *e, long n)
{
	m->install[in->install] += n;
	m->restarts += in->restart ? n : 0;
	if (in->install != INS_LCU)
		return 0;
	if (in->eligible)
		return add_why(m, cause_words(in), n);
	for (size_t i = 0; i < e->nreason; i++)
		if (add_why(m, e->reason[i], n) < 0)
			return -1;
	return 0;
}

/* Walk the group of n devices alike to k once and count its months. */
static int
walk_group(const struct inventory *inv, const struct caldata *c, const struct ringset *rs,
    ym_t first, const struct key *k, long n, struct fleet *out)
{
	const struct ring *r = &rs->ring[k->ring];
	struct fleet_ring *fr = &out->ring[k->ring];
	const struct device *d = &inv->dev[k->dev];
	struct dev_answer a;
	struct walk_device wd;
	struct walk w;

	device_answer(c, r, d, d->edition, first, &a);
	device_walk_of(&a.elig, &a.base, &wd);
	fr->devices += n;
	fr->eligible += a.elig.eligible ? n : 0;
	fr->below_baseline += a.base.base == DB_BELOW ? n : 0;
	fr->build_unknown += a.base.base == DB_UNKNOWN ? n : 0;
	out->walks++;
	walk_start_device(&w, c, rs, r, k->os, first, &wd);
	for (int i = 0; i < out->nmonth; i++) {
		struct install in;

		walk_month(&w, &in);
		if (add_month(&fr->month[i], &in, &a.elig, n) < 0)
			return -1;
	}
	return 0;
}

static int
why_cmp(const void *pa, const void *pb)
{
	const struct fleet_why *a = pa, *b = pb;

	CMP(b->n, a->n);
	return strcmp(a->text, b->text);
}

/* out is zeroed. */
static int
fleet_init(const struct ringset *rs, ym_t first, int n, struct fleet *out)
{
	out->nmonth = n;
	if (rs->nring == 0)
		return 0;
	if ((out->ring = calloc(rs->nring, sizeof(*out->ring))) == NULL)
		return -1;
	out->nring = rs->nring;
	for (size_t i = 0; i < rs->nring; i++) {
		out->ring[i].ring = &rs->ring[i];
		if ((out->ring[i].month = calloc((size_t)n, sizeof(struct fleet_month))) == NULL)
			return -1;
		for (int m = 0; m < n; m++)
			out->ring[i].month[m].month = first + m;
	}
	return 0;
}

/* Sort the keys and walk each run of equal ones once. */
static int
walk_groups(const struct inventory *inv, const struct caldata *c, const struct ringset *rs,
    ym_t first, struct key *k, size_t nk, struct fleet *out)
{
	if (nk > 1)	/* qsort's base must not be NULL, even for no items */
		qsort(k, nk, sizeof(*k), key_cmp);
	for (size_t i = 0, j; i < nk; i = j) {
		for (j = i + 1; j < nk && key_cmp(&k[i], &k[j]) == 0; j++)
			;
		if (walk_group(inv, c, rs, first, &k[i], (long)(j - i), out) < 0)
			return -1;
	}
	for (size_t i = 0; i < out->nring; i++)
		for (int m = 0; m < out->nmonth; m++) {
			struct fleet_month *fm = &out->ring[i].month[m];

			if (fm->nwhy > 1)
				qsort(fm->why, fm->nwhy, sizeof(*fm->why), why_cmp);
		}
	return 0;
}

int
fleet_count(const struct inventory *inv, const struct caldata *c, const struct ringset *rs,
    ym_t first, int n, struct fleet *out)
{
	struct key *k;
	size_t nk = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n < 1)
		return -1;
	if (fleet_init(rs, first, n, out) < 0 ||
	    (k = calloc(inv->ndev ? inv->ndev : 1, sizeof(*k))) == NULL) {
		fleet_free(out);
		return -1;
	}
	for (size_t i = 0; i < inv->ndev; i++)
		if (key_of(inv, i, c, rs, first, out, &k[nk]))
			nk++;
	rc = walk_groups(inv, c, rs, first, k, nk, out);
	free(k);
	if (rc < 0)
		fleet_free(out);
	return rc;
}

void
fleet_free(struct fleet *f)
{
	for (size_t i = 0; i < f->nring; i++) {
		if (f->ring[i].month == NULL)
			continue;
		for (int m = 0; m < f->nmonth; m++)
			free(f->ring[i].month[m].why);
		free(f->ring[i].month);
	}
	free(f->ring);
	memset(f, 0, sizeof(*f));
}
