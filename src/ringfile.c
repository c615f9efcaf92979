/* ringfile.c: the ring files in schedules/ -> struct ringset, checked field by field. */
#include "ringfile.h"
#include "placement.h"
#include "record.h"
#include "rings.h"
#include "yamltree.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <libical/ical.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A ring with its growing lists while it is being read. */
struct ring_in {
	struct ring	 r;
	size_t		 win_cap, upg_cap;
	struct blackout	*bo;
	size_t		 nbo, bo_cap;
};

/* Loading state for one file; merged into the caller's set only if clean. */
struct ringload {
	struct ringset		 set;
	size_t			 ring_cap, bo_cap;
	const struct caldata	*cal;
	const struct ringset	*prev;	/* rings from earlier files, for duplicate ids */
	struct strindex		 os_ids;	/* cal->os[].id -> position */
	size_t			*os_seen;	/* per OS: the os list that named it last */
	size_t			 os_lists;	/* os lists read so far */
	/*
	 * Folded group -> the ring listing it: below prev->nring a ring of
	 * prev, else L->set's ring at pos - prev->nring.  A group places its
	 * devices, so two rings may not share one.
	 */
	struct strindex		 groups;
	char			**gkeys;	/* the folded names groups points into */
	size_t			 ngkeys, gkeys_cap;
	const struct ring	*self;		/* --set: the ring of prev being changed, not indexed */
};

static int parse_os_list(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_groups(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_timezone(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_devices(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_windows(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_upgrades(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_ring_blackouts(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_ring_int(struct yctx *, const struct ynode *, const struct yfield *, void *);
static int parse_window_int(struct yctx *, const struct ynode *, const struct yfield *, void *);

static const struct yfield ring_fields[] = {
	{ "id", true, yp_ident, offsetof(struct ring_in, r.id), 0, 0 },
	{ "name", true, yp_string, offsetof(struct ring_in, r.name), 0, 0 },
	{ "os", true, parse_os_list, 0, 0, 0 },
	{ "groups", false, parse_groups, 0, 0, 0 },
	{ "deferral_days", true, parse_ring_int, offsetof(struct ring_in, r.deferral_days), 0, 0 },
	{ "deadline_days", true, parse_ring_int, offsetof(struct ring_in, r.deadline_days), 0, 0 },
	{ "grace_days", true, parse_ring_int, offsetof(struct ring_in, r.grace_days), 0, 0 },
	{ "timezone", true, parse_timezone, offsetof(struct ring_in, r.timezone), 0, 0 },
	{ "hotpatch", false, yp_bool, offsetof(struct ring_in, r.hotpatch), 0, 0 },
	{ "hotpatch_since", false, yp_month, offsetof(struct ring_in, r.hotpatch_since), 0, 0 },
	{ "expedite", false, yp_bool, offsetof(struct ring_in, r.expedite), 0, 0 },
	{ "upgrades", false, parse_upgrades, 0, 0, 0 },
	{ "devices", false, parse_devices, 0, 0, 0 },
	{ "windows", false, parse_windows, 0, 0, 0 },
	{ "blackouts", false, parse_ring_blackouts, 0, 0, 0 },
	{ "reminder", false, yp_duration, offsetof(struct ring_in, r.reminder_min), 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

static const struct yfield device_fields[] = {
	{ "arch", false, yp_arch, offsetof(struct ring, arch), 0, 0 },
	{ "vbs", false, yp_bool, offsetof(struct ring, vbs), 0, 0 },
	{ "chpe_disabled", false, yp_bool, offsetof(struct ring, chpe_disabled), 0, 0 },
	{ "licensed", false, yp_bool, offsetof(struct ring, licensed), 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

static const struct yfield window_fields[] = {
	{ "days", false, yp_weekday_list, offsetof(struct mwindow, days), 0, 0 },
	{ "offset_days", false, parse_window_int, offsetof(struct mwindow, offset_days), 0, 0 },
	{ "start", true, yp_time, offsetof(struct mwindow, start_min), 0, 0 },
	{ "duration", true, yp_duration, offsetof(struct mwindow, duration_min), 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

static const struct yfield upgrade_fields[] = {
	{ "from", true, yp_ident, offsetof(struct upgrade, from), 0, 0 },
	{ "to", true, yp_ident, offsetof(struct upgrade, to), 0, 0 },
	{ "month", true, yp_month, offsetof(struct upgrade, month), 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

/* An integer field with the range its descriptor gives (record.h). */
static int
parse_record_int(struct yctx *c, const struct ynode *n, const struct yfield *f,
    void *dst, const struct record *r, size_t off)
{
	const struct rec_field *rf = record_field_at(r, off);
	struct yfield ranged = *f;

	if (rf == NULL || rf->type != RT_INT || rf->lo >= rf->hi)
		abort();	/* a yfield table out of step with record.c */
	ranged.lo = rf->lo;
	ranged.hi = rf->hi;
	return yp_int(c, n, &ranged, dst);
}

static int
parse_ring_int(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	return parse_record_int(c, n, f, dst, &rec_ring, f->off - offsetof(struct ring_in, r));
}

static int
parse_window_int(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	return parse_record_int(c, n, f, dst, &rec_window, f->off);
}

int
ringfile_timezone_ok(const char *name)
{
	if (strcmp(name, "UTC") == 0)
		return 1;
	return icaltimezone_get_builtin_timezone(name) != NULL;
}

static int
parse_timezone(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	if (n->type != YN_SCALAR || !ringfile_timezone_ok(n->value)) {
		yerr(c, n, "unknown time zone '%s' (use an IANA name such as Europe/Berlin, or UTC)",
		    n->type == YN_SCALAR ? n->value : "?");
		return -1;
	}
	*(char **)dst = xstrdup(n->value);
	return 0;
}

static int
parse_os_list(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	struct ringload *L = c->user;
	struct ring *r = &((struct ring_in *)dst)->r;
	size_t list = ++L->os_lists, pos;

	if (n->type != YN_SEQ || n->n == 0) {
		yerr(c, n, "os must be a non-empty list of OS ids");
		return -1;
	}
	r->os = xcalloc(n->n, sizeof(*r->os));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *it = n->items[i];

		if (it->type != YN_SCALAR || !strindex_get(&L->os_ids, it->value, &pos)) {
			yerr(c, it, "unknown OS '%s'", it->type == YN_SCALAR ? it->value : "?");
			return -1;
		}
		if (L->os_seen[pos] == list) {
			yerr(c, it, "OS '%s' is listed twice", it->value);
			return -1;
		}
		L->os_seen[pos] = list;
		r->os[r->nos++] = xstrdup(it->value);
	}
	return 0;
}

/* One name of a groups: list, not yet listed by this ring (any case). */
static int
parse_group(struct yctx *c, const struct ynode *it, const struct ring *r)
{
	if (it->type != YN_SCALAR || it->value[0] == '\0' ||
	    strlen(it->value) > GROUP_NAME_MAX) {
		yerr(c, it, "a group is a name of 1 to %d bytes", GROUP_NAME_MAX);
		return -1;
	}
	for (size_t k = 0; k < r->ngroups; k++) {
		if (strcasecmp(r->groups[k], it->value) == 0) {
			yerr(c, it, "group '%s' is listed twice (as '%s' before; case does "
			    "not count)", it->value, r->groups[k]);
			return -1;
		}
	}
	return 0;
}

static int
parse_groups(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	struct ring *r = &((struct ring_in *)dst)->r;

	if (n->type != YN_SEQ || n->n == 0) {
		yerr(c, n, "groups must be a non-empty list of group names");
		return -1;
	}
	if (n->n > RING_GROUPS_MAX) {
		yerr(c, n, "groups lists %zu groups; a ring lists at most %d", n->n,
		    RING_GROUPS_MAX);
		return -1;
	}
	r->groups = xcalloc(n->n, sizeof(*r->groups));
	for (size_t i = 0; i < n->n; i++) {
		if (parse_group(c, n->items[i], r) < 0)
			return -1;
		r->groups[r->ngroups++] = xstrdup(n->items[i]->value);
	}
	return 0;
}

static int
parse_devices(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	return ymap(c, n, "devices", device_fields, &((struct ring_in *)dst)->r) ? -1 : 0;
}

/* A window opens on weekdays or on an offset from Patch Tuesday, not both. */
static int
parse_window(struct yctx *c, const struct ynode *n, struct mwindow *w)
{
	bool days = yget(n, "days") != NULL, offset = yget(n, "offset_days") != NULL;

	if (ymap(c, n, "window", window_fields, w) > 0)
		return -1;
	if (days == offset) {
		yerr(c, n, days ? "window has both days and offset_days; use one" :
		    "window needs days (weekly) or offset_days (from Patch Tuesday)");
		return -1;
	}
	w->type = days ? WIN_WEEKLY : WIN_OFFSET;
	return 0;
}

static int
parse_windows(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	struct ring_in *in = dst;
	int bad = 0;

	if (yseq(c, n, "windows") < 0)
		return -1;
	for (size_t i = 0; i < n->n && !diags_full(c->d); i++) {
		struct mwindow w = { 0 };

		if (parse_window(c, n->items[i], &w) < 0) {
			bad = -1;
			continue;
		}
		grow(&in->r.win, in->r.nwin, &in->win_cap, sizeof(w));
		in->r.win[in->r.nwin++] = w;
	}
	return bad;
}

static int
parse_ring_blackouts(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	struct ring_in *in = dst;

	return ringfile_blackouts(c, n, &in->bo, &in->nbo, &in->bo_cap);
}

/* The upgrades as written; checked against the ring's OS list once it is read. */
static int
parse_upgrades(struct yctx *c, const struct ynode *n, const struct yfield *f, void *dst)
{
	struct ring_in *in = dst;
	int bad = 0;

	if (yseq(c, n, "upgrades") < 0)
		return -1;
	for (size_t i = 0; i < n->n && !diags_full(c->d); i++) {
		struct upgrade u = { 0 };

		if (ymap(c, n->items[i], "upgrade", upgrade_fields, &u) > 0) {
			upgrade_free(&u);
			bad = -1;
			continue;
		}
		grow(&in->r.upg, in->r.nupg, &in->upg_cap, sizeof(u));
		in->r.upg[in->r.nupg++] = u;
	}
	return bad;
}

/*
 * The node of key in map n, or n itself when n does not have it: a --set
 * of one key is checked against the ring's other keys, which have no node.
 */
static const struct ynode *
node_of(const struct ynode *n, const char *key)
{
	const struct ynode *at = yget(n, key);

	return at != NULL ? at : n;
}

/* One upgrade (item n of the list) against the ring's OS list and the upgrades before it. */
static int
check_upgrade(struct yctx *c, const struct ynode *n, const struct ring *r, size_t i)
{
	const struct upgrade *u = &r->upg[i];
	char m[8];

	if (!ring_has_os(r, u->from) || !ring_has_os(r, u->to)) {
		const char *id = !ring_has_os(r, u->from) ? u->from : u->to;

		yerr(c, node_of(n, id == u->from ? "from" : "to"), "upgrade %s OS '%s' is not in "
		    "the ring's os list", id == u->from ? "from" : "to", id);
		return -1;
	}
	if (strcmp(u->from, u->to) == 0) {
		yerr(c, node_of(n, "to"), "upgrade from '%s' to itself", u->from);
		return -1;
	}
	for (size_t k = 0; k < i; k++) {
		if (r->upg[k].month == u->month) {
			yerr(c, node_of(n, "month"), "two upgrades in %s; a ring upgrades at most "
			    "once a month", ym_format(u->month, m));
			return -1;
		}
	}
	return 0;
}

static int
upgrade_cmp(const void *a, const void *b)
{
	const struct upgrade *x = a, *y = b;

	return (x->month > y->month) - (x->month < y->month);
}

/* hotpatch_since before an OS of the ring had hotpatch at all is a typo. */
static int
check_since(struct yctx *c, const struct ynode *n, const struct ringload *L,
    const struct ring *r)
{
	char since[8], start[8];
	size_t pos;

	for (size_t i = 0; r->hotpatch_since != 0 && i < r->nos; i++) {
		const struct os_def *os;

		if (!strindex_get(&L->os_ids, r->os[i], &pos))
			continue;
		os = &L->cal->os[pos];
		if (r->hotpatch_since < os->hotpatch_start) {
			yerr(c, node_of(n, "hotpatch_since"), "hotpatch_since %s is before "
			    "hotpatch_start %s of OS '%s'", ym_format(r->hotpatch_since, since),
			    ym_format(os->hotpatch_start, start), os->id);
			return -1;
		}
	}
	return 0;
}

/* Checks across a ring's fields, once each parsed; sorts its upgrades by month. */
static int
check_ring(struct yctx *c, const struct ringload *L, const struct ynode *n, struct ring *r)
{
	const struct ynode *list = yget(n, "upgrades");

	/* Reached only when every upgrade parsed, so upg[i] came from item i. */
	for (size_t i = 0; i < r->nupg; i++)
		if (check_upgrade(c, list != NULL ? list->items[i] : n, r, i) < 0)
			return -1;
	if (check_since(c, n, L, r) < 0)
		return -1;
	if (r->nupg > 1)	/* qsort's base must not be NULL, even for no items */
		qsort(r->upg, r->nupg, sizeof(*r->upg), upgrade_cmp);
	return 0;
}

static void
ring_in_free(struct ring_in *in)
{
	ring_free(&in->r);
	for (size_t i = 0; i < in->nbo; i++)
		blackout_free(&in->bo[i]);
	free(in->bo);
}

/* Index group g of a ring at position pos (see struct ringload). */
static void
groups_put(struct ringload *L, const char *g, size_t pos)
{
	char *key = group_key(g);

	grow(&L->gkeys, L->ngkeys, &L->gkeys_cap, sizeof(*L->gkeys));
	L->gkeys[L->ngkeys++] = key;
	strindex_put(&L->groups, key, pos);
}

/* The ring at position pos of L's group index. */
static const struct ring *
groups_ring(const struct ringload *L, size_t pos)
{
	return pos < L->prev->nring ? &L->prev->ring[pos] :
	    &L->set.ring[pos - L->prev->nring];
}

/* No group of r may be another ring's already: each device has one ring. */
static int
check_groups(struct yctx *c, const struct ringload *L, const struct ynode *n,
    const struct ring *r)
{
	int bad = 0;

	for (size_t i = 0; i < r->ngroups; i++) {
		char *key = group_key(r->groups[i]);
		const struct ring *o;
		size_t pos;

		if (strindex_get(&L->groups, key, &pos)) {
			o = groups_ring(L, pos);
			yerr(c, yget(n, "groups")->items[i], "group '%s' is in ring '%s' and in "
			    "ring '%s' (%s:%d); a group's devices belong to one ring", r->groups[i],
			    r->id, o->id, o->file, o->line);
			bad = -1;
		}
		free(key);
	}
	return bad;
}

/* The ring of map n has the id of ring dup, read before. */
static void
duplicate_id(struct yctx *c, const struct ynode *n, const struct ring *dup)
{
	yerr(c, node_of(n, "id"), "duplicate ring id '%s' (first defined at %s:%d)", dup->id,
	    dup->file, dup->line);
}

static const struct ring *
find_ring(const struct ringload *L, const char *id)
{
	const struct ring *r = ringset_find(&L->set, id);

	return r != NULL ? r : ringset_find(L->prev, id);
}

/* Read one ring; on success move it and its blackouts into L->set. */
static void
load_ring(struct yctx *c, struct ringload *L, const struct ynode *n)
{
	struct ring_in in = { .r = { .hotpatch = true, .expedite = true, .arch = ARCH_X64,
	    .vbs = true, .licensed = true, .reminder_min = -1 } };
	const struct ring *dup;

	if (ymap(c, n, "ring", ring_fields, &in) > 0 || check_ring(c, L, n, &in.r) < 0) {
		ring_in_free(&in);
		return;
	}
	in.r.hotpatch_set = yget(n, "hotpatch") != NULL;
	if ((dup = find_ring(L, in.r.id)) != NULL) {
		duplicate_id(c, n, dup);
		ring_in_free(&in);
		return;
	}
	if (check_groups(c, L, n, &in.r) < 0) {
		ring_in_free(&in);
		return;
	}
	for (size_t i = 0; i < in.r.ngroups; i++)
		groups_put(L, in.r.groups[i], L->prev->nring + L->set.nring);
	in.r.file = xstrdup(c->file);
	in.r.line = n->line;
	for (size_t i = 0; i < in.nbo; i++) {
		in.bo[i].ring = xstrdup(in.r.id);
		grow(&L->set.bo, L->set.nbo, &L->bo_cap, sizeof(*in.bo));
		L->set.bo[L->set.nbo++] = in.bo[i];
	}
	free(in.bo);
	grow(&L->set.ring, L->set.nring, &L->ring_cap, sizeof(in.r));
	L->set.ring[L->set.nring++] = in.r;
	ringset_index_ids(&L->set);
}

struct top {
	int			 version;
	const struct ynode	*rings;
	const struct ynode	*blackouts;
};

static const struct yfield top_fields[] = {
	{ "version", true, yp_version, offsetof(struct top, version), RINGFILE_VERSION, 0 },
	{ "rings", false, yp_node, offsetof(struct top, rings), 0, 0 },
	{ "blackouts", false, yp_node, offsetof(struct top, blackouts), 0, 0 },
	{ NULL, false, NULL, 0, 0, 0 },
};

/* Append b to a, emptying b. */
static void
merge(struct ringset *a, struct ringset *b)
{
	if (b->nring > 0) {
		a->ring = xreallocarray(a->ring, a->nring + b->nring, sizeof(*a->ring));
		memcpy(a->ring + a->nring, b->ring, b->nring * sizeof(*b->ring));
		a->nring += b->nring;
	}
	if (b->nbo > 0) {
		a->bo = xreallocarray(a->bo, a->nbo + b->nbo, sizeof(*a->bo));
		memcpy(a->bo + a->nbo, b->bo, b->nbo * sizeof(*b->bo));
		a->nbo += b->nbo;
	}
	free(b->ring);
	free(b->bo);
	ringset_index_free(b);
	memset(b, 0, sizeof(*b));
	ringset_index_ids(a);
}

/* Index cal's OS ids for the os lists of L's rings, and the groups of earlier files. */
static void
ringload_index(struct ringload *L)
{
	L->os_seen = xcalloc(L->cal->nos + 1, sizeof(*L->os_seen));
	for (size_t i = 0; i < L->cal->nos; i++)
		strindex_put(&L->os_ids, L->cal->os[i].id, i);
	for (size_t i = 0; i < L->prev->nring; i++) {
		if (&L->prev->ring[i] == L->self)
			continue;	/* its groups are the ones being set */
		for (size_t k = 0; k < L->prev->ring[i].ngroups; k++)
			groups_put(L, L->prev->ring[i].groups[k], i);
	}
}

static void
ringload_free_index(struct ringload *L)
{
	strindex_free(&L->os_ids);
	free(L->os_seen);
	strindex_free(&L->groups);
	for (size_t i = 0; i < L->ngkeys; i++)
		free(L->gkeys[i]);
	free(L->gkeys);
}

/* Read the tree of file, appending to *out; frees root. */
static int
ringfile_tree(const char *file, struct ynode *root, const struct caldata *cal,
    struct ringset *out, struct diags *d)
{
	struct ringload L = { .cal = cal, .prev = out };
	struct yctx c = { .file = file, .d = d, .user = &L };
	struct top top = { 0 };
	size_t before = diags_count(d);

	ringload_index(&L);
	if (ymap(&c, root, "ring file", top_fields, &top) == 0) {
		if (yseq(&c, top.rings, "rings") == 0)
			for (size_t i = 0; top.rings != NULL && i < top.rings->n &&
			    !diags_full(d); i++)
				load_ring(&c, &L, top.rings->items[i]);
		if (top.blackouts != NULL)
			ringfile_blackouts(&c, top.blackouts, &L.set.bo, &L.set.nbo, &L.bo_cap);
	}
	ytree_free(root);
	ringload_free_index(&L);
	if (diags_count(d) > before || diags_full(d)) {
		ringset_free(&L.set);
		return -1;
	}
	merge(out, &L.set);
	return 0;
}

int
ringfile_load(const char *file, const struct caldata *cal, struct ringset *out,
    struct diags *d)
{
	struct ynode *root;

	if (diags_full(d) || (root = ytree_load(file, d)) == NULL)
		return -1;
	return ringfile_tree(file, root, cal, out, d);
}

int
ringfile_parse(const char *name, const char *buf, size_t len, const struct caldata *cal,
    struct ringset *out, struct diags *d)
{
	struct ynode *root;

	if (diags_full(d) || (root = ytree_parse(name, buf, len, d)) == NULL)
		return -1;
	return ringfile_tree(name, root, cal, out, d);
}

static int
is_yaml(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0;
}

int
ringfile_list(const char *dir, char ***paths, struct diags *d)
{
	struct dirent **names;
	int n;

	if ((n = scandir(dir, &names, is_yaml, alphasort)) < 0) {
		diags_add(d, dir, 0, 0, "cannot read schedules directory: %s", strerror(errno));
		return -1;
	}
	*paths = xcalloc((size_t)n + 1, sizeof(**paths));
	for (int i = 0; i < n; i++) {
		(*paths)[i] = xasprintf("%s/%s", dir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return n;
}

void
ringfile_list_free(char **paths)
{
	for (size_t i = 0; paths != NULL && paths[i] != NULL; i++)
		free(paths[i]);
	free(paths);
}

int
ringfile_load_dir(const char *dir, const struct caldata *cal, struct ringset *out,
    struct diags *d)
{
	struct ringset set = { 0 };
	size_t before = diags_count(d);
	char **paths;

	if (ringfile_list(dir, &paths, d) < 0)
		return -1;
	for (size_t i = 0; paths[i] != NULL && !diags_full(d); i++)
		ringfile_load(paths[i], cal, &set, d);
	ringfile_list_free(paths);
	return ringfile_done(&set, before, out, d);
}

int
ringfile_done(struct ringset *set, size_t before, struct ringset *out, const struct diags *d)
{
	if (diags_count(d) > before || diags_full(d)) {
		ringset_free(set);
		return -1;
	}
	ringset_index(set);
	*out = *set;
	return 0;
}

/* ---- --set: one key of one ring, read as a ring file reads it ---- */

/*
 * The parsers fill a fresh ring, and the list ones append: what key f's
 * parser fills in a ring that already has it is emptied first.  Plain
 * values (numbers, flags, months, the devices: facts) are overwritten.
 */
static void
key_clear(struct ring_in *in, const struct yfield *f)
{
	struct ring *r = &in->r;
	char ***v = f->parse == parse_os_list ? &r->os : f->parse == parse_groups ? &r->groups :
	    NULL;
	size_t *nv = v == &r->os ? &r->nos : &r->ngroups;

	if (f->parse == yp_string || f->parse == yp_ident || f->parse == parse_timezone) {
		free(*(char **)((char *)in + f->off));
		*(char **)((char *)in + f->off) = NULL;
	} else if (v != NULL) {
		for (size_t i = 0; i < *nv; i++)
			free((*v)[i]);
		free(*v);
		*v = NULL;
		*nv = 0;
	} else if (f->parse == parse_windows) {
		free(r->win);
		r->win = NULL;
		r->nwin = in->win_cap = 0;
	} else if (f->parse == parse_upgrades) {
		for (size_t i = 0; i < r->nupg; i++)
			upgrade_free(&r->upg[i]);
		free(r->upg);
		r->upg = NULL;
		r->nupg = in->upg_cap = 0;
	}
}

/* A one-key mapping {key: v} (taking v), placed where v is. */
static struct ynode *
ymap_of(const char *key, size_t len, struct ynode *v)
{
	struct ynode *m = xcalloc(1, sizeof(*m)), *k = xcalloc(1, sizeof(*k));

	k->type = YN_SCALAR;
	k->value = xasprintf("%.*s", (int)len, key);
	m->type = YN_MAP;
	m->keys = xcalloc(1, sizeof(*m->keys));
	m->items = xcalloc(1, sizeof(*m->items));
	m->keys[0] = k;
	m->items[0] = v;
	m->n = m->cap = 1;
	k->line = m->line = v->line;
	k->col = m->col = v->col;
	return m;
}

/* What a ring file has around value v of key: {key: v}, or {a: {b: v}} for "a.b". */
static struct ynode *
wrap_key(const char *key, struct ynode *v)
{
	size_t end = strlen(key), start;

	for (;;) {
		for (start = end; start > 0 && key[start - 1] != '.'; start--)
			;
		v = ymap_of(key + start, end - start, v);
		if (start == 0)
			return v;
		end = start - 1;
	}
}

/* The ring keys, "id, name, ...", from the table the files are read with (allocated). */
static char *
ring_keys(void)
{
	char *s = xstrdup(""), *t;

	for (size_t i = 0; ring_fields[i].key != NULL; i++) {
		t = xasprintf("%s%s%s", s, i > 0 ? ", " : "", ring_fields[i].key);
		free(s);
		s = t;
	}
	return s;
}

/* A ring set's ring at pos has another ring's id: the error load_ring gives. */
static int
check_unique(struct yctx *c, const struct ringset *set, size_t pos, const struct ynode *n,
    const char *id)
{
	for (size_t i = 0; i < set->nring; i++) {
		if (i != pos && strcmp(set->ring[i].id, id) == 0) {
			duplicate_id(c, n, &set->ring[i]);
			return -1;
		}
	}
	return 0;
}

/*
 * The ring's own file blackouts follow it: blackouts: replaces them (in->bo,
 * now the ring's new id's), and a new id takes them along.  Run-time ones
 * stay with the old id, as a reload leaves them.
 */
static void
move_blackouts(struct ringset *set, const char *old, struct ring_in *in, bool replace)
{
	size_t k = 0;

	for (size_t i = 0; i < set->nbo; i++) {
		struct blackout *b = &set->bo[i];
		bool own = !b->runtime && b->ring != NULL && strcmp(b->ring, old) == 0;

		if (own && replace) {
			blackout_free(b);
			continue;
		}
		if (own && strcmp(old, in->r.id) != 0) {
			free(b->ring);
			b->ring = xstrdup(in->r.id);
		}
		set->bo[k++] = *b;
	}
	set->nbo = k;
	for (size_t i = 0; i < in->nbo; i++) {
		in->bo[i].ring = xstrdup(in->r.id);
		set->bo = xreallocarray(set->bo, set->nbo + 1, sizeof(*set->bo));
		set->bo[set->nbo++] = in->bo[i];
	}
	free(in->bo);
	in->bo = NULL;
	in->nbo = 0;
}

/* Parse map (one ring key) into in, the ring at pos of set, and check the ring as a load does. */
static void
set_key(struct yctx *c, struct ringload *L, size_t pos, const struct ynode *map,
    struct ring_in *in)
{
	struct yfield opt[YMAP_MAX_FIELDS];
	size_t n, f = SIZE_MAX;

	/* Every key optional: the ring has the others already. */
	for (n = 0; ring_fields[n].key != NULL; n++) {
		opt[n] = ring_fields[n];
		opt[n].required = false;
		if (strcmp(opt[n].key, map->keys[0]->value) == 0)
			f = n;
	}
	opt[n] = ring_fields[n];
	if (f == SIZE_MAX) {
		char *keys = ring_keys();

		yerr(c, map, "unknown ring key '%s' (the keys of a ring: %s)",
		    map->keys[0]->value, keys);
		free(keys);
		return;
	}
	key_clear(in, &opt[f]);
	if (ymap(c, map, "ring", opt, in) > 0 || check_ring(c, L, map, &in->r) < 0)
		return;
	in->r.hotpatch_set |= yget(map, "hotpatch") != NULL;
	if (check_unique(c, L->prev, pos, map, in->r.id) < 0)
		return;
	if (yget(map, "groups") != NULL)
		check_groups(c, L, map, &in->r);
}

/* YAML's null: a --set cannot leave a key out. */
static bool
is_null(const char *v)
{
	v += strspn(v, " ");
	return *v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* Move the errors of mine into d as whole-argument ones: the value is one line, the name shows it. */
static void
diags_move(struct diags *mine, struct diags *d)
{
	for (size_t i = 0; i < mine->n; i++)
		diags_add(d, mine->v[i].file, 0, 0, "%s", mine->v[i].msg);
	diags_free(mine);
}

int
ringfile_set(struct ringset *set, size_t pos, const char *key, const char *value,
    const char *name, const struct caldata *cal, struct diags *d)
{
	struct ringload L = { .cal = cal, .prev = set, .self = &set->ring[pos] };
	struct diags mine = { 0 };
	struct yctx c = { .file = name, .d = &mine, .user = &L };
	struct ring_in in = { .r = set->ring[pos], .win_cap = set->ring[pos].nwin,
	    .upg_cap = set->ring[pos].nupg };
	struct ynode *map;
	char *old;

	if (is_null(value)) {
		diags_add(d, name, 0, 0, "a value is needed: --set cannot leave a key out "
		    "(write the ring in a file for --what-if)");
		return -1;
	}
	if ((map = ytree_parse(name, value, strlen(value), &mine)) == NULL) {
		diags_move(&mine, d);
		return -1;
	}
	map = wrap_key(key, map);
	old = xstrdup(in.r.id);
	/* The index points into the strings a key may replace: rebuilt below. */
	ringset_index_free(set);
	ringload_index(&L);
	set_key(&c, &L, pos, map, &in);
	ringload_free_index(&L);
	set->ring[pos] = in.r;
	if (mine.n == 0) {
		move_blackouts(set, old, &in, yget(map, "blackouts") != NULL);
		ringset_index_ids(set);
	}
	for (size_t i = 0; i < in.nbo; i++)
		blackout_free(&in.bo[i]);
	free(in.bo);
	ytree_free(map);
	free(old);
	if (mine.n == 0)
		return 0;
	diags_move(&mine, d);
	return -1;
}
