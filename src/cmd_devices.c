/*
 * cmd_devices.c: the device inventory: devices import (the file comes as a
 * descriptor hotpatchctl opened, never in the request line), devices and
 * device show.  The engine (device.c) answers for each device; the text is
 * rendered from the JSON here as everywhere.
 */
#include "commands.h"
#include "daemon.h"
#include "inventory.h"
#include "placement.h"
#include "proto.h"
#include "render.h"
#include "store.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEVICE_MONTHS	12	/* device show: the months answered */
#define DEVICES_RESTART_AHEAD	36	/* devices --restart-in: months from the current one */

/* ---- devices import ---- */

static int
reject_cmp(const void *a, const void *b)
{
	const struct inv_reject *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* Add a refused row to rep (listed while there is room, always counted). */
static void
add_reject(struct inv_report *rep, long line, char *msg)
{
	if (rep->nrej < INV_MAX_REJECTS) {
		rep->rej = xreallocarray(rep->rej, rep->nrej + 1, sizeof(*rep->rej));
		rep->rej[rep->nrej++] = (struct inv_reject){ .line = line, .msg = msg };
	} else {
		free(msg);
	}
	rep->nrej_total++;
}

/* Why device d cannot be placed (placement.h), or NULL when it can. */
static char *
place_error(enum place how, const struct device *d)
{
	switch (how) {
	case PLACE_RING:
	case PLACE_GROUP:
		break;
	case PLACE_NONE:
		return xstrdup("no ring: give a ring column, a group column or --ring");
	case PLACE_UNKNOWN_RING:
		return xasprintf("ring: '%s' is not in the ring files (hotpatchctl rings)",
		    d->ring);
	case PLACE_UNLISTED_GROUP:
		return xasprintf("group '%s': no ring lists it in groups:", d->group);
	}
	return NULL;
}

/*
 * Place each device in a ring of the ring set: its ring column, or --ring
 * (the parser's default ring), or else the ring listing its group.  A
 * device placed nowhere is a refused row and leaves inv.  A ring found by
 * group is set here too, flagged, and is not stored (store_devices_put).
 */
static void
check_rings(const struct ringset *rs, struct inventory *inv, struct inv_report *rep)
{
	struct group_index x;
	size_t keep = 0;

	group_index_init(&x, rs);
	for (size_t i = 0; i < inv->ndev; i++) {
		struct device *d = &inv->dev[i];
		const struct ring *g;
		enum place how = device_place(&x, d, &g);
		char *msg = place_error(how, d);

		if (msg != NULL) {
			add_reject(rep, d->line, msg);
			device_free(d);
			continue;
		}
		if (how == PLACE_GROUP) {
			d->ring = xstrdup(g->id);
			d->ring_by_group = true;
		}
		inv->dev[keep++] = *d;
	}
	group_index_free(&x);
	inv->ndev = keep;
	if (rep->nrej > 1)	/* qsort's base must not be NULL, even for no items */
		qsort(rep->rej, rep->nrej, sizeof(*rep->rej), reject_cmp);
}

static json_t *
import_json(const char *name, const struct inv_report *rep, size_t imported, bool replace,
    bool done, size_t stored)
{
	json_t *rej = json_array(), *warn = json_array();

	for (size_t i = 0; i < rep->nrej; i++)
		json_array_append_new(rej, json_pack("{s:I,s:i,s:s}", "line",
		    (json_int_t)rep->rej[i].line, "column", rep->rej[i].col, "reason",
		    rep->rej[i].msg));
	for (size_t i = 0; i < rep->nwarn; i++)
		json_array_append_new(warn, json_string(rep->warn[i]));
	return json_pack("{s:s,s:s,s:b,s:b,s:I,s:I,s:I,s:I,s:o,s:o,s:I}", "file", name,
	    "format", rep->format == INV_JSON ? "json" : "csv", "replace", replace,
	    "imported_any", done, "rows", (json_int_t)rep->nrows,
	    "other_platforms", (json_int_t)rep->nskipped, "imported", (json_int_t)imported,
	    "rejected", (json_int_t)rep->nrej_total, "rejects", rej, "warnings", warn,
	    "devices", (json_int_t)stored);
}

void
cmd_devices_import(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	const char *name = rq->arg[0];
	struct inv_options opt = { .skip_bad = true, .default_ring = rq->ring };
	enum inv_format fmt = rq->format == NULL ? INV_AUTO :
	    strcmp(rq->format, "json") == 0 ? INV_JSON : INV_CSV;
	struct inventory inv = { 0 };
	struct inv_report rep = { 0 };
	const struct ring *g;
	struct actor a;
	char *text, *cause = NULL, *result, *who;
	size_t len;

	if (strchr(name, '/') != NULL || strlen(name) > 255) {
		reply_error(r, PROTO_BAD_REQUEST, "the file's name is sent without its directory, "
		    "at most 255 bytes");
		return;
	}
	/* The devices stored before: a refusal says how many stay. */
	if (!lookup_ring(d, rq->ring, &g, r) || !need_devices(d, r) ||
	    (text = read_passed(rq, name, INV_MAX_BYTES, &len, r)) == NULL)
		return;
	/* Every bad row is found first, so that a refusal lists them all. */
	if (inventory_parse(text, len, fmt, &opt, &inv, &rep) < 0) {
		reply_error(r, PROTO_INVALID, "%s: %s; nothing imported", name, rep.error);
		goto out;
	}
	check_rings(&d->rings, &inv, &rep);
	if (rep.nrej_total > 0 && !rq->skip_bad) {
		r->data = import_json(name, &rep, 0, rq->replace, false, d->inv.ndev);
		reply_error(r, PROTO_INVALID, "%s: %zu bad row%s; nothing imported (--skip-bad "
		    "imports the others)", name, rep.nrej_total, rep.nrej_total == 1 ? "" : "s");
		goto out;
	}
	result = xasprintf("ok: %s, %zu rows, %zu imported, %zu rejected", name, rep.nrows,
	    inv.ndev, rep.nrej_total);
	actor_init(&a, rq, p, line, who = peer_name(p));
	if (store_devices_put(d->store, &inv, rq->replace, name, &a, result, &cause) < 0 ||
	    daemon_load_devices(d, &cause) < 0) {
		reply_error(r, PROTO_INTERNAL, "%s; nothing imported", cause);
		free(cause);
	} else {
		r->data = import_json(name, &rep, inv.ndev, rq->replace, true, d->inv.ndev);
	}
	free(result);
	free(who);
out:
	free(text);
	inventory_free(&inv);
	inv_report_free(&rep);
}

char *
render_devices_import(const json_t *j, struct layout *lo)
{
	const json_t *rej = json_object_get(j, "rejects"), *e;
	json_int_t nrej = json_integer_value(json_object_get(j, "rejected"));
	struct textbuf s = { 0 };
	size_t i;
	json_int_t rows = json_integer_value(json_object_get(j, "rows"));
	json_int_t stored = json_integer_value(json_object_get(j, "devices"));

	(void)lo;
	textbuf_printf(&s, "%s (%s): %lld row%s, %lld imported, %lld rejected", view_text(j, "file"),
	    view_text(j, "format"), (long long)rows, rows == 1 ? "" : "s",
	    (long long)json_integer_value(json_object_get(j, "imported")), (long long)nrej);
	if (json_integer_value(json_object_get(j, "other_platforms")) > 0)
		textbuf_printf(&s, ", %lld of other platforms left out",
		    (long long)json_integer_value(json_object_get(j, "other_platforms")));
	textbuf_printf(&s, json_is_true(json_object_get(j, "imported_any")) ?
	    "; %lld device%s stored\n" : "; nothing imported (%lld device%s stored)\n",
	    (long long)stored, stored == 1 ? "" : "s");
	json_array_foreach(rej, i, e)
		textbuf_printf(&s, "line %lld: %s\n", (long long)json_integer_value(
		    json_object_get(e, "line")), view_text(e, "reason"));
	if ((size_t)nrej > json_array_size(rej))
		textbuf_printf(&s, "... and %lld more\n", (long long)nrej - (long long)json_array_size(rej));
	json_array_foreach(json_object_get(j, "warnings"), i, e)
		textbuf_printf(&s, "warning: %s\n", json_string_value(e));
	return s.s;
}

/* ---- answering for one device ---- */

static const char *
base_word(enum dev_base b)
{
	static const char *const word[] = {
		[DB_UNKNOWN] = "unknown",
		[DB_ON] = "on",
		[DB_BELOW] = "below",
	};

	return word[b];
}

static const char *
tri_word(enum tri t)
{
	return t == TRI_UNKNOWN ? "unknown" : t == TRI_YES ? "yes" : "no";
}

/* What the engine says of device dev from month first: its ring (NULL if it has none in rs). */
static const struct ring *
answer(struct daemon *d, const struct device *dev, ym_t first, struct dev_answer *a,
    bool *full)
{
	const struct ring *g = dev->ring != NULL ? ringset_find(&d->rings, dev->ring) : NULL;

	*full = device_answer(&d->cal, g, dev, dev->edition, first, a);
	return g;
}

/* "26100.4066", or NULL when the build is not known. */
static json_t *
build_json(const struct device *dev)
{
	if (dev->build == 0)
		return json_null();
	return dev->ubr ? json_sprintf("%u.%u", dev->build, dev->ubr) :
	    json_sprintf("%u", dev->build);
}

/* The first reason a device is not eligible, or why it cannot be answered for. */
static const char *
first_reason(const struct ring *g, const struct dev_answer *a, bool full)
{
	if (a->os.found != OSF_FOUND)
		return os_found_words(a->os.found);
	if (g == NULL)
		return "no ring in the ring files";
	if (!full || a->elig.eligible)
		return NULL;
	return a->elig.nreason > 0 ? a->elig.reason[0] : NULL;
}

/* One devices row. */
static json_t *
device_row(const struct device *dev, const struct ring *g, const struct dev_answer *a,
    bool full)
{
	const char *why = first_reason(g, a, full);

	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:b,s:o,s:s,s:o}", "name", dev->name,
	    "ring", view_str_or_null(dev->ring),
	    "os", view_str_or_null(a->os.found == OSF_FOUND ? a->os.os->id : dev->os),
	    "version", view_str_or_null(a->os.version), "build", build_json(dev),
	    "eligible", full && a->elig.eligible, "reason", view_str_or_null(why),
	    "baseline", full ? base_word(a->base.base) : "unknown",
	    "baseline_why", view_str_or_null(full ? a->base.why : NULL));
}

/*
 * Does the device restart in month first + n - 1?  Its walk from the
 * current month: the state it reaches on the way (a baseline it takes
 * before) decides, not its build against that month alone.
 */
static bool
restarts_in(struct daemon *d, const struct ring *g, const struct dev_answer *a, ym_t first,
    int n)
{
	struct install in[DEVICES_RESTART_AHEAD];

	device_months(&d->cal, &d->rings, g, a->os.os, &a->elig, &a->base, first, n, in);
	return in[n - 1].restart;
}

void
cmd_devices(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	const struct ring *only;
	ym_t first = ym_of_time(request_now(rq));
	json_t *rows;
	long matched = 0, limit;

	(void)p;
	(void)line;
	if (!lookup_ring(d, rq->ring, &only, r))
		return;
	if (rq->restart_in != 0 && (rq->restart_in < first ||
	    rq->restart_in - first >= DEVICES_RESTART_AHEAD)) {
		reply_error(r, PROTO_BAD_REQUEST, "--restart-in must be this month or one of the "
		    "%d after it", DEVICES_RESTART_AHEAD - 1);
		return;
	}
	if (!need_devices(d, r))
		return;
	rows = json_array();
	limit = rq->limit ? rq->limit : CMD_PAGE_DEFAULT;
	for (size_t i = 0; i < d->inv.ndev; i++) {
		const struct device *dev = &d->inv.dev[i];
		struct dev_answer a;
		bool full;
		const struct ring *g;

		if (only != NULL && (dev->ring == NULL || strcmp(dev->ring, only->id) != 0))
			continue;
		g = answer(d, dev, first, &a, &full);
		if (rq->not_eligible && full && a.elig.eligible)
			continue;
		if (rq->restart_in != 0 && (!full ||
		    !restarts_in(d, g, &a, first, rq->restart_in - first + 1)))
			continue;
		/* Every match is counted; only the page's are answered. */
		if (matched++ >= rq->offset && matched <= rq->offset + limit)
			json_array_append_new(rows, device_row(dev, g, &a, full));
	}
	r->data = json_pack("{s:I,s:I,s:I,s:o,s:o}", "stored", (json_int_t)d->inv.ndev,
	    "matched", (json_int_t)matched, "offset", (json_int_t)rq->offset,
	    "next_offset", matched > rq->offset + limit ?
	    json_integer(rq->offset + limit) : json_null(), "devices", rows);
}

/*
 * "1000 of 99000 matching devices (100000 stored): --offset 1000 for the
 * next 1000"; the text of the last page has no pointer.
 */
static void
page_footer(struct textbuf *s, const json_t *j, size_t shown)
{
	json_int_t off = json_integer_value(json_object_get(j, "offset"));
	json_int_t matched = json_integer_value(json_object_get(j, "matched"));
	const json_t *next = json_object_get(j, "next_offset");

	if (shown > 0 && (off > 0 || json_is_integer(next)))
		textbuf_printf(s, "devices %lld to %lld of ", (long long)off + 1,
		    (long long)off + (long long)shown);
	else
		textbuf_printf(s, "%zu of ", shown);
	textbuf_printf(s, "%lld matching (%lld stored)", (long long)matched,
	    (long long)json_integer_value(json_object_get(j, "stored")));
	if (json_is_integer(next))
		textbuf_printf(s, "; the next page: --offset %lld", (long long)json_integer_value(next));
	textbuf_printf(s, "\n");
}

char *
render_devices(const json_t *j, struct layout *lo)
{
	static const struct table_col cols[] = {
		{ "NAME", 0, TF_KEEP, 0, 0 },
		{ "RING", 2, TF_KEEP, 0, 0 },
		{ "OS", 3, TF_KEEP, 0, 0 },
		{ "BUILD", 5, TF_KEEP, 0, 0 },
		{ "ELIGIBLE", 1, TF_KEEP, 0, 0 },
		{ "BASELINE", 4, TF_KEEP, 0, 0 },
		{ "WHY NOT", 6, TF_CUT, 10, 0 },
	};
	const json_t *rows = json_object_get(j, "devices"), *e;
	struct table *t;
	size_t i;
	struct textbuf s;

	if (json_integer_value(json_object_get(j, "stored")) == 0)
		return xstrdup("no devices (hotpatchctl devices import FILE)\n");
	t = table_new_cols(cols, (int)ARRAY_LEN(cols));
	json_array_foreach(rows, i, e)
		table_row(t, view_text(e, "name"), view_text(e, "ring"), view_text(e, "os"),
		    view_text(e, "build"), json_is_true(json_object_get(e, "eligible")) ? "yes" : "no",
		    view_text(e, "baseline"), view_text(e, "reason"));
	s = textbuf_of(table_layout(t, lo));
	table_free(t);
	page_footer(&s, j, json_array_size(rows));
	return s.s;
}

/* ---- device show ---- */

static const struct device *
find_device(const struct inventory *inv, const char *name, size_t *at)
{
	for (size_t i = 0; i < inv->ndev; i++)
		if (strcasecmp(inv->dev[i].name, name) == 0) {
			*at = i;
			return &inv->dev[i];
		}
	return NULL;
}

static json_t *
baseline_json(const struct dev_baseline *b)
{
	char m[8];

	return json_pack("{s:s,s:o,s:o,s:o,s:b}", "state", base_word(b->base),
	    "why", view_str_or_null(b->why),
	    "month", b->month ? json_string(ym_format(b->month, m)) : json_null(),
	    "latest_build", view_str_or_null(b->latest != NULL ? b->latest->build : NULL),
	    "below_floor", b->below_floor);
}

void
cmd_device_show(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	ym_t first = ym_of_time(request_now(rq));
	const struct device *dev;
	const struct device_origin *o;
	const struct ring *g;
	struct dev_answer a;
	json_t *j, *reasons, *facts, *months;
	bool full;
	size_t at;

	(void)p;
	(void)line;
	if (!need_devices(d, r))
		return;
	if ((dev = find_device(&d->inv, rq->arg[0], &at)) == NULL) {
		reply_error(r, PROTO_NOT_FOUND, "no device '%s' (see hotpatchctl devices)",
		    rq->arg[0]);
		return;
	}
	o = &d->inv_orig[at];
	reasons = json_array();
	facts = json_array();
	months = json_array();
	g = answer(d, dev, first, &a, &full);
	if (a.os.found != OSF_FOUND)
		json_array_append_new(reasons, json_string(os_found_words(a.os.found)));
	else if (g == NULL)
		json_array_append_new(reasons, json_string("no ring in the ring files"));
	for (size_t i = 0; full && i < a.elig.nreason; i++)
		json_array_append_new(reasons, json_string(a.elig.reason[i]));
	for (unsigned bit = 1; full && bit < 1u << DF_COUNT; bit <<= 1)
		if (a.elig.from_ring & bit)
			json_array_append_new(facts, json_string(dev_fact_words((enum dev_fact)bit)));
	if (full) {
		struct install in[DEVICE_MONTHS];

		device_months(&d->cal, &d->rings, g, a.os.os, &a.elig, &a.base, first,
		    DEVICE_MONTHS, in);
		for (int i = 0; i < DEVICE_MONTHS; i++)
			json_array_append_new(months, view_install(g, &in[i]));
	}
	j = device_row(dev, g, &a, full);
	json_object_set_new(j, "group", view_str_or_null(dev->group));
	json_object_set_new(j, "ring_from", dev->ring == NULL ? json_null() :
	    json_string(dev->ring_by_group ? "group" : "ring"));
	json_object_set_new(j, "edition", view_str_or_null(dev->edition));
	json_object_set_new(j, "arch", view_str_or_null(dev->arch ?
	    arch_name((enum arch)dev->arch) : NULL));
	json_object_set_new(j, "vbs", json_string(tri_word(dev->vbs)));
	json_object_set_new(j, "chpe_disabled", json_string(tri_word(dev->chpe_disabled)));
	json_object_set_new(j, "licensed", json_string(tri_word(dev->licensed)));
	json_object_set_new(j, "last_seen", dev->last_seen ? view_instant(dev->last_seen) :
	    json_null());
	json_object_set_new(j, "imported_at", view_instant(o->at));
	json_object_set_new(j, "imported_by", json_string(o->who));
	json_object_set_new(j, "source", json_string(o->source));
	json_object_set_new(j, "source_line", json_integer(dev->line));
	json_object_set_new(j, "reasons", reasons);
	json_object_set_new(j, "ring_facts_used", facts);
	json_object_set_new(j, "baseline_detail", full ? baseline_json(&a.base) : json_null());
	json_object_set_new(j, "timezone", view_str_or_null(g != NULL ? g->timezone : NULL));
	json_object_set_new(j, "months", months);
	r->data = j;
}

char *
render_device_show(const json_t *j, struct layout *lo)
{
	const json_t *base = json_object_get(j, "baseline_detail"), *e;
	struct textbuf s = { 0 };
	char *rows;
	size_t i;

	textbuf_printf(&s, "device %s  ring %s  OS %s (%s)  build %s\n", view_text(j, "name"),
	    view_text(j, "ring"), view_text(j, "os"), view_text(j, "version"),
	    view_text(j, "build"));
	textbuf_printf(&s, "arch %s  edition %s  VBS %s  CHPE disabled %s  licensed %s  last seen %s\n",
	    view_text(j, "arch"), view_text(j, "edition"), view_text(j, "vbs"),
	    view_text(j, "chpe_disabled"), view_text(j, "licensed"), view_text(j, "last_seen"));
	textbuf_printf(&s, "imported %s by %s from %s line %lld\n", view_text(j, "imported_at"),
	    view_text(j, "imported_by"), view_text(j, "source"),
	    (long long)json_integer_value(json_object_get(j, "source_line")));
	textbuf_printf(&s, "eligible: %s\n", json_is_true(json_object_get(j, "eligible")) ? "yes" : "no");
	json_array_foreach(json_object_get(j, "reasons"), i, e)
		textbuf_printf(&s, "  - %s\n", json_string_value(e));
	json_array_foreach(json_object_get(j, "ring_facts_used"), i, e)
		textbuf_printf(&s, "  note: %s\n", json_string_value(e));
	if (json_is_object(base)) {
		textbuf_printf(&s, "latest baseline: %s (%s, build %s): %s", view_text(base, "month"),
		    view_text(base, "state"), view_text(base, "latest_build"),
		    strcmp(view_text(base, "state"), "on") == 0 ? "on it" :
		    strcmp(view_text(base, "state"), "below") == 0 ? "below it" :
		    view_text(base, "why"));
		textbuf_printf(&s, "%s\n", json_is_true(json_object_get(base, "below_floor")) ?
		    "; below the OS's build floor" : "");
	}
	if (json_array_size(json_object_get(j, "months")) > 0) {
		rows = render_window_rows(json_object_get(j, "months"), lo);
		textbuf_printf(&s, "%s", rows);
		free(rows);
	}
	return s.s;
}
