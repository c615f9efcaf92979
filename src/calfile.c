/* calfile.c: data/calendar.yaml -> struct caldata, checked field by field. */
#include "calfile.h"
#include "cvrf.h"
#include "yamltree.h"
#include "util.h"

#include <libgen.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Positions of list items, kept while loading for "first defined at" messages. */
struct calload {
	struct caldata	 cal;
	size_t		 os_cap, ovr_cap;
	const char	*who;		/* recorded as the author of shipped overrides */
	struct strindex	 os_ids;	/* cal.os[].id -> position */
	struct strindex	 ovr_keys;	/* "MONTH OS" of each override read */
	struct strindex	 msrc;		/* MSRC product name -> position of its OS */
	char		**keys;		/* the ovr_keys strings, owned */
	size_t		 nkeys, keys_cap;
};

/* An OS entry with the capacity of its growing lists. */
struct os_in {
	struct os_def	 os;
	size_t		 rel_cap, oob_cap;
};

static int parse_published(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_oob(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_msrc(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int refuse_expedited(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_hotpatch(struct yctx *, const struct ynode *, const struct yfield *, void *);

static const struct yfield release_fields[] = {
	{ "month", true, yp_month, offsetof(struct release, month), 0, 0 },
	{ "kind", true, yp_kind, offsetof(struct release, kind), 0, 0 },
	{ "unplanned", false, yp_bool, offsetof(struct release, unplanned), 0, 0 },
	{ "date", false, yp_date, offsetof(struct release, date), 0, 0 },
	{ "kb", false, yp_kb, offsetof(struct release, kb), 0, 0 },
	{ "build", false, yp_build, offsetof(struct release, build), 0, 0 },
	{ "note", false, yp_string, offsetof(struct release, note), 0, 0 },
	{ "expedited", false, yp_bool, offsetof(struct release, expedited), 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

static const struct yfield oob_fields[] = {
	{ "date", true, yp_date, offsetof(struct oob, date), 0, 0 },
	{ "kb", true, yp_kb, offsetof(struct oob, kb), 0, 0 },
	{ "build", false, yp_build, offsetof(struct oob, build), 0, 0 },
	{ "restart", true, yp_bool, offsetof(struct oob, restart), 0, 0 },
	{ "note", false, yp_string, offsetof(struct oob, note), 0, 0 },
	{ "delivery", false, yp_delivery, offsetof(struct oob, delivery), 0, 0 },
	{ "leaves_hotpatch", false, yp_bool, offsetof(struct oob, leaves_hotpatch), 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

static const struct yfield os_fields[] = {
	{ "id", true, yp_ident, offsetof(struct os_in, os.id), 0, 0 },
	{ "name", true, yp_string, offsetof(struct os_in, os.name), 0, 0 },
	{ "arch", true, yp_arch_list, offsetof(struct os_in, os.arch), 0, 0 },
	{ "hotpatch", false, parse_hotpatch, offsetof(struct os_in, os.never_hotpatch), 0, 0 },
	{ "hotpatch_start", false, yp_month, offsetof(struct os_in, os.hotpatch_start), 0, 0 },
	{ "baseline_months", false, yp_month_list, offsetof(struct os_in, os.baseline_months), 0, 0 },
	{ "hotpatch_default_from", false, yp_month, offsetof(struct os_in, os.hotpatch_default_from), 0, 0 },
	{ "min_build", false, yp_build, offsetof(struct os_in, os.min_build), 0, 0 },
	{ "published", false, parse_published, 0, 0, 0 },
	{ "out_of_band", false, parse_oob, 0, 0, 0 },
	{ "msrc_products", false, parse_msrc, 0, 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

static const struct yfield override_fields[] = {
	{ "os", true, yp_ident, offsetof(struct override, os), 0, 0 },
	{ "month", true, yp_month, offsetof(struct override, month), 0, 0 },
	{ "kind", true, yp_kind, offsetof(struct override, kind), 0, 0 },
	{ "reason", true, yp_string, offsetof(struct override, reason), 0, 0 },
	{ "expedited", false, refuse_expedited, 0, 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

/*
 * An override changes a month's kind without publishing it; only what
 * Microsoft published can be expedited, so say that rather than "unknown key".
 */
static int
refuse_expedited(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	yerr(c, n, "expedited applies only to published entries; an override's month is "
	    "not published");
	return -1;
}

/*
 * "hotpatch: never" marks an OS that is never on the hotpatch calendar
 * (Windows 10, Windows 11 23H2): a word, not a far-future hotpatch_start,
 * so nobody mistakes it for a date still to come.  "calendar" is the default.
 */
static int
parse_hotpatch(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	const char *v = yscalar(c, n, f);

	if (v == NULL)
		return -1;
	if (strcmp(v, "never") != 0 && strcmp(v, "calendar") != 0) {
		yerr(c, n, "hotpatch must be calendar or never, got '%s'", v);
		return -1;
	}
	*(bool *)dst = strcmp(v, "never") == 0;
	return 0;
}

/* Checks on one published entry that involve more than one field. */
static int
check_release(struct yctx *c, const struct ynode *n, const struct release *r)
{
	char m[8];

	if (r->unplanned && r->kind != KIND_BASELINE) {
		yerr(c, yget(n, "unplanned"), "unplanned applies only to kind baseline");
		return -1;
	}
	if (ymd_is_set(r->date) && ym_make(r->date.y, r->date.m) != r->month) {
		yerr(c, yget(n, "date"), "date is not in month %s", ym_format(r->month, m));
		return -1;
	}
	return 0;
}

static int
parse_published(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	struct os_in *in = dst;

	if (yseq(c, n, "published") < 0)
		return -1;
	for (size_t i = 0; i < n->n && !diags_full(c->d); i++) {
		struct release r = { 0 };

		if (ymap(c, n->items[i], "published entry", release_fields, &r) > 0 ||
		    check_release(c, n->items[i], &r) < 0) {
			release_free(&r);
			continue;
		}
		if (i > 0 && in->os.nrel > 0 && r.month <= in->os.rel[in->os.nrel - 1].month) {
			char m[8];
			yerr(c, yget(n->items[i], "month"), "published month %s is a duplicate or out of order "
			    "(list months in ascending order)", ym_format(r.month, m));
			release_free(&r);
			continue;
		}
		grow(&in->os.rel, in->os.nrel, &in->rel_cap, sizeof(r));
		in->os.rel[in->os.nrel++] = r;
	}
	return 0;
}

static int
parse_oob(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	struct os_in *in = dst;

	if (yseq(c, n, "out_of_band") < 0)
		return -1;
	for (size_t i = 0; i < n->n && !diags_full(c->d); i++) {
		struct oob o = { 0 };

		if (ymap(c, n->items[i], "out-of-band entry", oob_fields, &o) > 0) {
			oob_free(&o);
			continue;
		}
		if (in->os.noob > 0 && ymd_cmp(o.date, in->os.oob[in->os.noob - 1].date) < 0) {
			yerr(c, yget(n->items[i], "date"), "out-of-band releases must be listed in date order");
			oob_free(&o);
			continue;
		}
		grow(&in->os.oob, in->os.noob, &in->oob_cap, sizeof(o));
		in->os.oob[in->os.noob++] = o;
	}
	return 0;
}

/* The MSRC product names of an OS: strings, each once. */
static int
parse_msrc(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	struct os_in *in = dst;
	size_t cap = 0;

	if (yseq(c, n, "msrc_products") < 0)
		return -1;
	for (size_t i = 0; i < n->n && !diags_full(c->d); i++) {
		char *name = NULL;

		if (yp_string(c, n->items[i], f, &name) < 0)
			continue;
		if (strncmp(name, CVRF_PRODUCT_PREFIX, strlen(CVRF_PRODUCT_PREFIX)) != 0) {
			yerr(c, n->items[i], "msrc_products names Windows releases, which begin "
			    "with '%s'; got '%s'", CVRF_PRODUCT_PREFIX, name);
			free(name);
			continue;
		}
		for (size_t k = 0; k < in->os.nmsrc; k++) {
			if (strcmp(in->os.msrc[k], name) == 0) {
				yerr(c, n->items[i], "msrc_products lists '%s' twice", name);
				free(name);
				name = NULL;
				break;
			}
		}
		if (name == NULL)
			continue;
		grow(&in->os.msrc, in->os.nmsrc, &cap, sizeof(*in->os.msrc));
		in->os.msrc[in->os.nmsrc++] = name;
	}
	return 0;
}

/*
 * A product name must name one OS: the importer of MSRC's release data
 * could not tell which OS a remediation for it belongs to.
 */
static int
check_msrc_unique(struct yctx *c, const struct calload *L, const struct ynode *n,
    const struct os_def *os)
{
	const struct ynode *list = yget(n, "msrc_products");
	size_t pos;
	int rc = 0;

	for (size_t i = 0; i < os->nmsrc; i++) {
		if (!strindex_get(&L->msrc, os->msrc[i], &pos))
			continue;
		yerr(c, list->items[i], "MSRC product '%s' is already listed by OS '%s'; "
		    "a product may name only one OS", os->msrc[i], L->cal.os[pos].id);
		rc = -1;
	}
	return rc;
}

/* The keys that describe a hotpatch programme, which a never-hotpatch OS has not. */
static const char *const programme_keys[] = {
	"hotpatch_start", "baseline_months", "hotpatch_default_from", "min_build",
};

/*
 * An OS that never gets hotpatch has only LCU months: any key or published
 * month that says otherwise contradicts it.
 */
static int
check_never(struct yctx *c, const struct ynode *n, struct os_def *os)
{
	const struct ynode *pub = yget(n, "published");
	char m[8];

	for (size_t i = 0; i < ARRAY_LEN(programme_keys); i++) {
		if (yget(n, programme_keys[i]) != NULL) {
			yerr(c, yget(n, programme_keys[i]), "%s does not apply to an OS that "
			    "never gets hotpatch", programme_keys[i]);
			return -1;
		}
	}
	for (size_t i = 0; i < os->nrel; i++) {
		if (os->rel[i].kind != KIND_LCU) {
			yerr(c, yget(pub->items[i], "kind"), "published %s in %s, but this OS "
			    "never gets hotpatch (only lcu months)", kind_name(os->rel[i].kind),
			    ym_format(os->rel[i].month, m));
			return -1;
		}
	}
	os->baseline_months = 0;
	return 0;
}

/*
 * A published hotpatch, or hotpatch on by default, before the programme
 * started is almost surely a typo.
 */
static int
check_os(struct yctx *c, const struct ynode *n, struct os_def *os)
{
	const struct ynode *pub = yget(n, "published");
	char m[8], start[8];

	if (os->never_hotpatch)
		return check_never(c, n, os);
	if (yget(n, "hotpatch_start") == NULL) {
		yerr(c, n, "OS entry is missing required key 'hotpatch_start' (or hotpatch: never)");
		return -1;
	}
	if (os->hotpatch_default_from != 0 && os->hotpatch_default_from < os->hotpatch_start) {
		yerr(c, yget(n, "hotpatch_default_from"), "hotpatch_default_from %s is before "
		    "hotpatch_start %s", ym_format(os->hotpatch_default_from, m),
		    ym_format(os->hotpatch_start, start));
		return -1;
	}
	/* Reached only when every entry parsed, so rel[i] came from item i. */
	for (size_t i = 0; i < os->nrel; i++) {
		if (os->rel[i].kind == KIND_HOTPATCH && os->rel[i].month < os->hotpatch_start) {
			yerr(c, yget(pub->items[i], "month"),
			    "published hotpatch in %s is before hotpatch_start %s",
			    ym_format(os->rel[i].month, m), ym_format(os->hotpatch_start, start));
			return -1;
		}
	}
	return 0;
}

static void
load_os_list(struct yctx *c, struct calload *L, const struct ynode *list)
{
	if (yseq(c, list, "os") < 0)
		return;
	if (list->n == 0) {
		yerr(c, list, "os must list at least one OS");
		return;
	}
	for (size_t i = 0; i < list->n && !diags_full(c->d); i++) {
		const struct ynode *n = list->items[i];
		size_t pos;
		struct os_in in = { .os.baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10 };

		if (ymap(c, n, "OS entry", os_fields, &in) > 0 || check_os(c, n, &in.os) < 0) {
			os_def_free(&in.os);
			continue;
		}
		if (strindex_get(&L->os_ids, in.os.id, &pos)) {
			yerr(c, yget(n, "id"), "duplicate OS id '%s'", in.os.id);
			os_def_free(&in.os);
			continue;
		}
		if (check_msrc_unique(c, L, n, &in.os) < 0) {
			os_def_free(&in.os);
			continue;
		}
		grow(&L->cal.os, L->cal.nos, &L->os_cap, sizeof(in.os));
		L->cal.os[L->cal.nos] = in.os;
		for (size_t k = 0; k < in.os.nmsrc; k++)
			strindex_put(&L->msrc, in.os.msrc[k], L->cal.nos);
		strindex_put(&L->os_ids, in.os.id, L->cal.nos++);
	}
}

/* Is this the first override of its OS and month?  Remembers it if so. */
static bool
first_override(struct calload *L, const struct override *o)
{
	char *key = xasprintf("%d %s", (int)o->month, o->os);
	size_t pos;

	if (strindex_get(&L->ovr_keys, key, &pos)) {
		free(key);
		return false;
	}
	grow(&L->keys, L->nkeys, &L->keys_cap, sizeof(*L->keys));
	L->keys[L->nkeys] = key;
	strindex_put(&L->ovr_keys, key, L->nkeys++);
	return true;
}

static void
load_overrides(struct yctx *c, struct calload *L, const struct ynode *list)
{
	if (yseq(c, list, "overrides") < 0 || list == NULL)
		return;
	for (size_t i = 0; i < list->n && !diags_full(c->d); i++) {
		const struct ynode *n = list->items[i];
		struct override o = { 0 };
		size_t pos;
		char m[8];

		if (ymap(c, n, "override", override_fields, &o) > 0) {
			override_free(&o);
			continue;
		}
		if (!strindex_get(&L->os_ids, o.os, &pos)) {
			yerr(c, yget(n, "os"), "unknown OS '%s'", o.os);
			override_free(&o);
			continue;
		}
		if (L->cal.os[pos].never_hotpatch) {
			yerr(c, yget(n, "os"), "OS '%s' never gets hotpatch: every month is an LCU, "
			    "so an override means nothing", o.os);
			override_free(&o);
			continue;
		}
		if (!first_override(L, &o)) {
			yerr(c, yget(n, "month"), "duplicate override for %s %s", o.os,
			    ym_format(o.month, m));
			override_free(&o);
			continue;
		}
		o.who = xstrdup(L->who);
		grow(&L->cal.ovr, L->cal.novr, &L->ovr_cap, sizeof(o));
		L->cal.ovr[L->cal.novr++] = o;
	}
}

static void
calload_free_index(struct calload *L)
{
	strindex_free(&L->os_ids);
	strindex_free(&L->ovr_keys);
	strindex_free(&L->msrc);
	for (size_t i = 0; i < L->nkeys; i++)
		free(L->keys[i]);
	free(L->keys);
}

/* The top level: version first, then the lists in an order that resolves references. */
struct top {
	int			 version;
	const struct ynode	*os;
	const struct ynode	*overrides;
};

static const struct yfield top_fields[] = {
	{ "version", true, yp_version, offsetof(struct top, version), CALFILE_VERSION, 0 },
	{ "os", true, yp_node, offsetof(struct top, os), 0, 0 },
	{ "overrides", false, yp_node, offsetof(struct top, overrides), 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

/* Read the tree of file into *out; frees root. */
static int
calfile_tree(const char *file, struct ynode *root, struct caldata *out, struct diags *d)
{
	struct calload L = { 0 };
	struct yctx c = { .file = file, .d = d };
	size_t before = diags_count(d);
	struct top top = { 0 };
	char *copy;

	copy = xstrdup(file);
	L.who = basename(copy);
	if (ymap(&c, root, "calendar", top_fields, &top) == 0) {
		load_os_list(&c, &L, top.os);
		load_overrides(&c, &L, top.overrides);
	}
	calload_free_index(&L);
	ytree_free(root);
	free(copy);
	if (diags_count(d) > before || diags_full(d)) {
		caldata_free(&L.cal);
		return -1;
	}
	*out = L.cal;
	return 0;
}

int
calfile_load(const char *file, struct caldata *out, struct diags *d)
{
	struct ynode *root;

	if ((root = ytree_load(file, d)) == NULL)
		return -1;
	return calfile_tree(file, root, out, d);
}

int
calfile_parse(const char *name, const char *buf, size_t len, struct caldata *out,
    struct diags *d)
{
	struct ynode *root;

	if ((root = ytree_parse(name, buf, len, d)) == NULL)
		return -1;
	return calfile_tree(name, root, out, d);
}
