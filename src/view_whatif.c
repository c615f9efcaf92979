/*
 * view_whatif.c: the diff of two plans (hotpatchctl plan --what-if, --set)
 * as JSON: the plan today and the plan as it would be are both the plan
 * command's own JSON, and they are compared cell by cell, so the diff
 * covers whatever range the plan answers.  Also the settings a what-if
 * changes (from the record descriptors) and its device counts.
 */
#include "record.h"
#include "rings.h"
#include "table.h"
#include "util.h"
#include "views.h"
#include "whatif.h"

#include <stdlib.h>
#include <string.h>

/* ---- reading a plan ---- */

/* The rows of a plan by "ring" and "os", for finding a row of one plan in the other. */
struct rowindex {
	struct strindex	 idx;
	char		**key;
	size_t		 n;
};

static char *
row_key(const json_t *row)
{
	return xasprintf("%s\t%s", view_text(row, "ring"), view_text(row, "os"));
}

static void
rowindex_init(struct rowindex *x, const json_t *rows)
{
	const json_t *row;
	size_t i;

	memset(x, 0, sizeof(*x));
	x->key = xcalloc(json_array_size(rows) + 1, sizeof(*x->key));
	json_array_foreach(rows, i, row) {
		x->key[x->n] = row_key(row);
		strindex_put(&x->idx, x->key[x->n++], i);
	}
}

/* The row of the indexed plan with row's ring and OS, or NULL. */
static const json_t *
rowindex_find(const struct rowindex *x, const json_t *rows, const json_t *row)
{
	char *key = row_key(row);
	size_t pos;
	bool found = strindex_get(&x->idx, key, &pos);

	free(key);
	return found ? json_array_get(rows, pos) : NULL;
}

static void
rowindex_free(struct rowindex *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->key[i]);
	free(x->key);
	strindex_free(&x->idx);
}

/* The local day of a cell's install window, "YYYY-MM-DD", or null when it has none. */
static json_t *
cell_day(const json_t *m)
{
	const char *loc = json_string_value(json_object_get(m, "window_start_local"));

	return loc != NULL && strlen(loc) >= 10 ? json_stringn(loc, 10) : json_null();
}

/* What the diff compares of a cell, in the order it lists them. */
static const char *const cell_keys[] = { "day", "kind", "install", "restart", "status" };

static json_t *
cell_part(const json_t *m, const char *key)
{
	json_t *v;

	if (strcmp(key, "day") == 0)
		return cell_day(m);
	v = json_object_get(m, key);
	return v != NULL ? json_incref(v) : json_null();
}

/* {"day", "kind", "install", "restart", "status"} of cell m. */
static json_t *
cell_summary(const json_t *m)
{
	json_t *o = json_object();

	for (size_t i = 0; i < ARRAY_LEN(cell_keys); i++)
		json_object_set_new(o, cell_keys[i], cell_part(m, cell_keys[i]));
	return o;
}

/*
 * The risks of a cell, as the grid marks them: late, none (no window before
 * the next offer), blackout (one moved or blocked the install), forced (a
 * deadline forces the install or restart inside a freeze), skipped (a pause
 * covered the release).
 */
static const char *const risk_names[] = { "late", "none", "blackout", "forced", "skipped" };

static bool
has_risk(const json_t *m, size_t r)
{
	switch (r) {
	case 0:
	case 1:
		return strcmp(view_text(m, "status"), risk_names[r]) == 0;
	case 2:
		return json_is_string(json_object_get(m, "blackout"));
	case 3:
		return view_forced_in_freeze(m);
	default:
		return json_is_true(json_object_get(m, "skipped"));
	}
}

/* What the diff reads of a cell: cell_keys but "day", the risks' keys and the reason. */
static const char *const cell_read[] = { "month", "window_start_local", "kind", "install",
	"restart", "status", "blackout", "forced_in", "restart_in", "skipped", "reason" };

void
view_whatif_slim(json_t *plan)
{
	json_t *row, *m;
	size_t i, k;

	json_array_foreach(json_object_get(plan, "rings"), i, row) {
		json_array_foreach(json_object_get(row, "months"), k, m) {
			const char *key;
			json_t *v;
			void *tmp;

			json_object_foreach_safe(m, tmp, key, v) {
				size_t r = 0;

				while (r < ARRAY_LEN(cell_read) && strcmp(key, cell_read[r]) != 0)
					r++;
				if (r == ARRAY_LEN(cell_read))
					json_object_del(m, key);
			}
		}
	}
}

/* ---- the diff ---- */

struct diff {
	json_t	*cells, *risks_new, *risks_gone, *rows_added, *rows_removed;
};

static json_t *
row_ref(const json_t *row)
{
	return json_pack("{s:s,s:s}", "ring", view_text(row, "ring"), "os", view_text(row, "os"));
}

/* Add each risk cell m has and other (NULL: none) has not to list. */
static void
risks_only_in(const json_t *row, const json_t *m, const json_t *other, json_t *list)
{
	for (size_t r = 0; r < ARRAY_LEN(risk_names); r++) {
		if (!has_risk(m, r) || (other != NULL && has_risk(other, r)))
			continue;
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s}", "ring",
		    view_text(row, "ring"), "os", view_text(row, "os"), "month",
		    view_text(m, "month"), "risk", risk_names[r], "reason", view_text(m, "reason")));
	}
}

/* A cell of both plans: what changes, and the risks that come or go. */
static void
diff_cell(const json_t *row, const json_t *a, const json_t *b, struct diff *df)
{
	json_t *changed = json_array();

	for (size_t i = 0; i < ARRAY_LEN(cell_keys); i++) {
		json_t *x = cell_part(a, cell_keys[i]), *y = cell_part(b, cell_keys[i]);

		if (!json_equal(x, y))
			json_array_append_new(changed, json_string(cell_keys[i]));
		json_decref(x);
		json_decref(y);
	}
	if (json_array_size(changed) > 0)
		json_array_append_new(df->cells, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "ring",
		    view_text(row, "ring"), "os", view_text(row, "os"), "month",
		    view_text(a, "month"), "changed", changed, "before", cell_summary(a),
		    "after", cell_summary(b)));
	else
		json_decref(changed);
	risks_only_in(row, b, a, df->risks_new);
	risks_only_in(row, a, b, df->risks_gone);
}

/* The month of row with the same "month" as m, or NULL. */
static const json_t *
same_month(const json_t *row, const json_t *m)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(row, "months"), i, c)
		if (strcmp(view_text(c, "month"), view_text(m, "month")) == 0)
			return c;
	return NULL;
}

/* Row b of the what-if against row a of today (NULL: a row only the what-if has). */
static void
diff_row(const json_t *a, const json_t *b, struct diff *df)
{
	const json_t *m, *o;
	size_t i;

	if (a == NULL)
		json_array_append_new(df->rows_added, row_ref(b));
	json_array_foreach(json_object_get(b, "months"), i, m) {
		o = a != NULL ? same_month(a, m) : NULL;
		if (o != NULL)
			diff_cell(b, o, m, df);
		else
			risks_only_in(b, m, NULL, df->risks_new);
	}
}

/* ---- restarts per ring ---- */

/* {"ring": total restarts of its rows} of a plan, and the rings in plan order. */
static json_t *
restarts_by_ring(const json_t *rows, json_t *order)
{
	json_t *by = json_object();
	const json_t *row;
	size_t i;

	json_array_foreach(rows, i, row) {
		const char *id = view_text(row, "ring");
		json_int_t t = json_integer_value(json_object_get(json_object_get(row, "restarts"),
		    "total"));
		json_t *was = json_object_get(by, id);

		if (was == NULL)
			json_array_append_new(order, json_string(id));
		json_object_set_new(by, id, json_integer(t + json_integer_value(was)));
	}
	return by;
}

/* Per ring, the what-if's first, then those only today has: {"ring", "before", "after"}. */
static json_t *
restarts_diff(const json_t *a, const json_t *b)
{
	json_t *order = json_array(), *gone = json_array(), *list = json_array();
	json_t *rb = restarts_by_ring(b, order), *ra = restarts_by_ring(a, gone), *id;
	size_t i;

	json_array_foreach(gone, i, id)
		if (json_object_get(rb, json_string_value(id)) == NULL)
			json_array_append(order, id);
	json_array_foreach(order, i, id) {
		const char *s = json_string_value(id);
		json_t *x = json_object_get(ra, s), *y = json_object_get(rb, s);

		json_array_append_new(list, json_pack("{s:s,s:O,s:O}", "ring", s,
		    "before", x != NULL ? x : json_null(), "after", y != NULL ? y : json_null()));
	}
	json_decref(order);
	json_decref(gone);
	json_decref(ra);
	json_decref(rb);
	return list;
}

json_t *
view_whatif_diff(const json_t *today, const json_t *would)
{
	const json_t *ra = json_object_get(today, "rings"), *rb = json_object_get(would, "rings");
	struct diff df = { json_array(), json_array(), json_array(), json_array(), json_array() };
	struct rowindex xa, xb;
	const json_t *row;
	size_t i;

	rowindex_init(&xa, ra);
	rowindex_init(&xb, rb);
	json_array_foreach(rb, i, row)
		diff_row(rowindex_find(&xa, ra, row), row, &df);
	json_array_foreach(ra, i, row) {
		const json_t *m;
		size_t k;

		if (rowindex_find(&xb, rb, row) != NULL)
			continue;
		json_array_append_new(df.rows_removed, row_ref(row));
		json_array_foreach(json_object_get(row, "months"), k, m)
			risks_only_in(row, m, NULL, df.risks_gone);
	}
	rowindex_free(&xa);
	rowindex_free(&xb);
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "rows_added", df.rows_added,
	    "rows_removed", df.rows_removed, "cells", df.cells,
	    "restarts", restarts_diff(ra, rb), "risks_new", df.risks_new,
	    "risks_gone", df.risks_gone);
}

/* ---- settings ---- */

/* Field f of ring g as JSON, under its column's name whether or not it has a JSON key. */
static json_t *
field_value(const struct rec_field *f, const struct ring *g)
{
	struct rec_field named = *f;
	struct record one = { .f = &named, .n = 1 };
	json_t *o, *v;
	char m[8];

	/* The descriptor stores this month as a number; a ring file writes YYYY-MM. */
	if (f->off == offsetof(struct ring, hotpatch_since))
		return g->hotpatch_since != 0 ? json_string(ym_format(g->hotpatch_since, m)) :
		    json_null();
	named.json = "v";
	o = record_json(&one, g);
	v = json_incref(json_object_get(o, "v"));
	json_decref(o);
	return v;
}

/* Ring g's windows in words ("Tue,Wed 22:00 for 4h"). */
static json_t *
windows_words(const struct ring *g)
{
	json_t *a = json_array();
	char buf[96];

	for (size_t i = 0; i < g->nwin; i++)
		json_array_append_new(a, json_string(window_describe(&g->win[i], buf, sizeof(buf))));
	return a;
}

/* Ring g's upgrades in words ("win11-24h2 -> win11-25h2 in 2027-02"). */
static json_t *
upgrades_words(const struct ring *g)
{
	json_t *a = json_array();
	char m[8];

	for (size_t i = 0; i < g->nupg; i++)
		json_array_append_new(a, json_sprintf("%s -> %s in %s", g->upg[i].from,
		    g->upg[i].to, ym_format(g->upg[i].month, m)));
	return a;
}

/* The blackouts of set from the ring files that are ring's own (NULL: every ring's), in words. */
static json_t *
blackouts_words(const struct ringset *set, const char *ring)
{
	json_t *a = json_array();
	char f[11], t[11];

	for (size_t i = 0; i < set->nbo; i++) {
		const struct blackout *b = &set->bo[i];

		if (b->runtime || (ring == NULL ? b->ring != NULL : b->ring == NULL ||
		    strcmp(b->ring, ring) != 0))
			continue;
		json_array_append_new(a, json_sprintf("%s %s %s..%s", bo_kind_name(b->kind),
		    b->name, ymd_format(b->from, f), ymd_format(b->to, t)));
	}
	return a;
}

/* {"ring", "key", "before", "after"} into list when before and after differ (taking both). */
static void
add_if_differs(json_t *list, const char *ring, const char *key, json_t *before, json_t *after)
{
	if (json_equal(before, after)) {
		json_decref(before);
		json_decref(after);
		return;
	}
	json_array_append_new(list, json_pack("{s:o,s:s,s:o,s:o}", "ring",
	    ring != NULL ? json_string(ring) : json_null(), "key", key, "before", before,
	    "after", after));
}

/* The fields of the ring descriptor that are where a ring was read, not what it is. */
static bool
is_provenance(const struct rec_field *f)
{
	return strcmp(f->col, "file") == 0 || strcmp(f->col, "line") == 0 ||
	    strcmp(f->col, "hotpatch_set") == 0;
}

/*
 * What differs between ring a of today's set ta and ring b of the what-if's
 * tb, appended to list: each column of the ring descriptor, then what the
 * ring file gives in lists (windows, upgrades, its own blackouts), in words.
 */
static void
ring_settings(const struct ringset *ta, const struct ring *a, const struct ringset *tb,
    const struct ring *b, json_t *list)
{
	for (size_t i = 0; i < rec_ring.n; i++) {
		const struct rec_field *f = &rec_ring.f[i];
		struct record one = { .f = f, .n = 1 };

		if (is_provenance(f) || record_diff(&one, a, b) == NULL)
			continue;
		json_array_append_new(list, json_pack("{s:s,s:s,s:o,s:o}", "ring", b->id, "key",
		    f->col, "before", field_value(f, a), "after", field_value(f, b)));
	}
	add_if_differs(list, b->id, "windows", windows_words(a), windows_words(b));
	add_if_differs(list, b->id, "upgrades", upgrades_words(a), upgrades_words(b));
	add_if_differs(list, b->id, "blackouts", blackouts_words(ta, a->id),
	    blackouts_words(tb, b->id));
}

json_t *
view_whatif_settings(const struct ringset *today, const struct ringset *would)
{
	json_t *list = json_array();

	for (size_t i = 0; i < would->nring; i++) {
		const struct ring *a = ringset_find(today, would->ring[i].id);

		if (a != NULL)
			ring_settings(today, a, would, &would->ring[i], list);
	}
	add_if_differs(list, NULL, "blackouts", blackouts_words(today, NULL),
	    blackouts_words(would, NULL));
	return list;
}

/* ---- devices ---- */

json_t *
view_whatif_devices(const struct whatif_devices *dv, ym_t first, int n)
{
	json_t *rings = json_array();
	char f[8], t[8];

	for (size_t i = 0; i < dv->nring; i++) {
		const struct whatif_devring *r = &dv->ring[i];

		json_array_append_new(rings, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "ring",
		    r->ring->id, "devices", (json_int_t)r->devices, "changed",
		    (json_int_t)r->changed, "day", (json_int_t)r->day, "restart",
		    (json_int_t)r->restart, "moved", (json_int_t)r->moved));
	}
	return json_pack("{s:s,s:s,s:o,s:I}", "from", ym_format(first, f), "to",
	    ym_format(first + n - 1, t), "rings", rings, "left", (json_int_t)dv->left);
}
