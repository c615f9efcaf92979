/*
 * view_fleet.c: the fleet forecast (fleet.c's counts) as the JSON that
 * hotpatchctl fleet answers and the /fleet page is drawn from.  Counts
 * only: the struct fleet carries no device names, so neither does this.
 * The keys are in doc/protocol.md, "JSON: fleet".
 */
#include "device.h"
#include "planrange.h"
#include "util.h"
#include "views.h"

#include <stdlib.h>
#include <string.h>

/* Sums of months: per ring over its months, per month over the rings, overall. */
struct sum {
	long		 install[INS_LCU + 1];
	long		 restarts;
	struct fleet_why *why;		/* text borrowed; n: most devices in one month */
	size_t		 nwhy;
};

/* {"hotpatch": n, "baseline": n, "catch-up": n, "lcu": n}, by install_kind_name. */
static json_t *
install_counts(const long *install)
{
	json_t *o = json_object();

	for (int k = INS_HOTPATCH; k <= INS_LCU; k++)
		json_object_set_new(o, install_kind_name(k), json_integer(install[k]));
	return o;
}

/* [{"reason", "devices"}] in why's order (sum_json sorts it: most devices first). */
static json_t *
reasons(const struct fleet_why *why, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:I}", "reason", why[i].text,
		    "devices", (json_int_t)why[i].n));
	return a;
}

/*
 * Add month m's reasons to s: summed when add (rings of one month), else
 * the larger of the two (months of one sum: a device with VBS off is one
 * device in every month, not twelve).
 */
static void
sum_why(struct sum *s, const struct fleet_month *m, bool add)
{
	for (size_t i = 0; i < m->nwhy; i++) {
		size_t j;

		for (j = 0; j < s->nwhy && strcmp(s->why[j].text, m->why[i].text) != 0; j++)
			;
		if (j == s->nwhy) {
			s->why = xreallocarray(s->why, s->nwhy + 1, sizeof(*s->why));
			s->why[s->nwhy++] = (struct fleet_why){ m->why[i].text, 0 };
		}
		if (add)
			s->why[j].n += m->why[i].n;
		else if (m->why[i].n > s->why[j].n)
			s->why[j].n = m->why[i].n;
	}
}

/* Add month m to s (add: see sum_why). */
static void
sum_month(struct sum *s, const struct fleet_month *m, bool add)
{
	for (int k = INS_HOTPATCH; k <= INS_LCU; k++)
		s->install[k] += m->install[k];
	s->restarts += m->restarts;
	sum_why(s, m, add);
}

static int
why_cmp(const void *pa, const void *pb)
{
	const struct fleet_why *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->text, b->text);
}

/* s's counts as the members of o ("install", "restarts", "lcu_reasons"); s is freed. */
static json_t *
sum_json(json_t *o, struct sum *s)
{
	if (s->nwhy > 1)
		qsort(s->why, s->nwhy, sizeof(*s->why), why_cmp);
	json_object_set_new(o, "install", install_counts(s->install));
	json_object_set_new(o, "restarts", json_integer(s->restarts));
	json_object_set_new(o, "lcu_reasons", reasons(s->why, s->nwhy));
	free(s->why);
	return o;
}

/* One ring: its devices, each month's counts and the sum of its months. */
static json_t *
ring_json(const struct fleet_ring *fr, int nmonth)
{
	json_t *months = json_array();
	struct sum total = { 0 };
	char ym[8];

	for (int i = 0; i < nmonth; i++) {
		const struct fleet_month *m = &fr->month[i];
		struct sum one = { 0 };

		sum_month(&one, m, true);
		sum_month(&total, m, false);
		json_array_append_new(months, sum_json(json_pack("{s:s}", "month",
		    ym_format(m->month, ym)), &one));
	}
	return json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:o, s:o}",
	    "ring", fr->ring->id, "name", view_str_or_null(fr->ring->name),
	    "devices", (json_int_t)fr->devices, "eligible", (json_int_t)fr->eligible,
	    "below_baseline", (json_int_t)fr->below_baseline,
	    "build_unknown", (json_int_t)fr->build_unknown,
	    "months", months, "total", sum_json(json_object(), &total));
}

json_t *
view_fleet(const struct fleet *f, ym_t first, enum fleet_rings which)
{
	json_t *rings = json_array(), *months = json_array(), *total;
	struct sum all = { 0 };
	long devices = 0, eligible = 0, below = 0, unknown = 0;
	char ym[8], to[8];

	for (size_t r = 0; r < f->nring; r++) {
		const struct fleet_ring *fr = &f->ring[r];

		if (which == FLEET_EVERY_RING || fr->devices > 0)
			json_array_append_new(rings, ring_json(fr, f->nmonth));
		devices += fr->devices;
		eligible += fr->eligible;
		below += fr->below_baseline;
		unknown += fr->build_unknown;
	}
	for (int i = 0; i < f->nmonth; i++) {
		struct sum one = { 0 };
		struct fleet_month m = { 0 };

		for (size_t r = 0; r < f->nring; r++)
			sum_month(&one, &f->ring[r].month[i], true);
		memcpy(m.install, one.install, sizeof(m.install));
		m.restarts = one.restarts;
		m.why = one.why;
		m.nwhy = one.nwhy;
		sum_month(&all, &m, false);
		json_array_append_new(months, sum_json(json_pack("{s:s}", "month",
		    ym_format(first + i, ym)), &one));
	}
	total = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "devices",
	    (json_int_t)(devices + f->no_ring + f->no_os), "counted", (json_int_t)devices,
	    "eligible", (json_int_t)eligible, "below_baseline", (json_int_t)below,
	    "build_unknown", (json_int_t)unknown, "no_ring", (json_int_t)f->no_ring);
	json_object_set_new(total, "no_os", json_integer(f->no_os));
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "from", ym_format(first, ym),
	    "to", ym_format(first + f->nmonth - 1, to), "total", sum_json(total, &all),
	    "months", months, "rings", rings);
}

json_t *
view_fleet_of(const struct inventory *inv, const struct caldata *c, const struct ringset *rs,
    ym_t first, int n, enum fleet_rings which)
{
	struct fleet f;
	json_t *j;

	if (fleet_count(inv, c, rs, first, n, &f) < 0)
		return NULL;
	j = view_fleet(&f, first, which);
	fleet_free(&f);
	return j;
}

/*
 * One ring of the plan's "devices": its devices and, per month of the
 * plan, those that restart; null for the first skip months (not forecast).
 */
static json_t *
plan_ring_devices(const struct fleet_ring *fr, int skip, int nmonth)
{
	json_t *restarts = json_array();
	long total = 0;

	for (int i = 0; i < skip; i++)
		json_array_append_new(restarts, json_null());
	for (int i = 0; i < nmonth; i++) {
		json_array_append_new(restarts, json_integer(fr->month[i].restarts));
		total += fr->month[i].restarts;
	}
	return json_pack("{s:s, s:I, s:I, s:o, s:I}", "ring", fr->ring->id,
	    "devices", (json_int_t)fr->devices, "eligible", (json_int_t)fr->eligible,
	    "restarts", restarts, "restarts_total", (json_int_t)total);
}

void
view_plan_devices(json_t *plan, const struct inventory *inv, const struct caldata *c,
    const struct ringset *rs, const struct plan_range *r, ym_t now)
{
	ym_t first = r->from, end = r->from + r->months;
	struct fleet f;
	json_t *list;
	char m[8];

	/*
	 * The devices' builds are today's: a month already past is not
	 * forecast, so a range that has begun is counted from the current month.
	 */
	if (now > first)
		first = now < end ? now : end;
	/* No inventory, no key: a plan without devices stays byte for byte as it was. */
	if (inv->ndev == 0 || first == end ||
	    fleet_count(inv, c, rs, first, (int)(end - first), &f) < 0)
		return;
	list = json_array();
	for (size_t i = 0; i < f.nring; i++)
		json_array_append_new(list, plan_ring_devices(&f.ring[i],
		    (int)(first - r->from), f.nmonth));
	json_object_set_new(plan, "devices", list);
	json_object_set_new(plan, "devices_from", json_string(ym_format(first, m)));
	fleet_free(&f);
}

const json_t *
view_plan_ring_devices(const json_t *devices, const char *id)
{
	const json_t *e;
	size_t i;

	json_array_foreach(devices, i, e)
		if (strcmp(json_string_value(json_object_get(e, "ring")), id) == 0)
			return e;
	return NULL;
}
