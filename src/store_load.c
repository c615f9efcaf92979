/*
 * store_load.c: the model read back from the database.  Plain fields are
 * read by their descriptors (record.h); lists and blackouts' bounds here.
 */
#include "publish.h"
#include "recur.h"
#include "store_int.h"
#include "util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * The rows of st (reset, bound to the parent id if not NULL, then stepped)
 * appended to the array *vp of n structs of size sz, each read by r.
 */
static int
load_rows(struct store *s, sqlite3_stmt *st, const char *parent,
    const struct record *r, void *vp, size_t *n, size_t sz, const char *what,
    char **cause)
{
	char **v = vp;
	size_t cap = 0;
	int rc;

	sqlite3_reset(st);
	if (parent != NULL &&
	    sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC) != SQLITE_OK)
		return db_fail(s, cause, what);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		void *x;

		grow(v, *n, &cap, sz);
		x = *v + (*n)++ * sz;
		memset(x, 0, sz);
		if (db_load_record(st, 0, r, x, what, cause) == -1)
			return -1;
	}
	return rc == SQLITE_DONE ? 0 : db_fail(s, cause, what);
}

/* Prepare the SELECT of r's fields with tail. */
static int
prepare_select(struct store *s, const struct record *r, const char *tail,
    sqlite3_stmt **st, const char *what, char **cause)
{
	char *sql = db_select_sql(r, tail);
	int rc = db_prepare(s, sql, st, what, cause);

	free(sql);
	return rc;
}

/* Every row of r's SELECT with tail into the array *vp of *n structs of size sz. */
static int
load_all(struct store *s, const struct record *r, const char *tail, void *vp,
    size_t *n, size_t sz, const char *what, char **cause)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare_select(s, r, tail, &st, what, cause) == -1)
		return -1;
	rc = load_rows(s, st, NULL, r, vp, n, sz, what, cause);
	sqlite3_finalize(st);
	return rc;
}

/* The run-time published answers of o (through st), put over the file's. */
static int
load_published(struct store *s, sqlite3_stmt *st, struct os_def *o, char **cause)
{
	struct release *rt = NULL;
	size_t n = 0;
	int rc = load_rows(s, st, o->id, &rec_published, &rt, &n, sizeof(*rt),
	    "read published", cause);

	for (size_t i = 0; i < n; i++)
		rt[i].runtime = true;
	if (rc == 0) {
		publish_merge(o, rt, n);
	} else {
		for (size_t i = 0; i < n; i++)
			release_free(&rt[i]);
	}
	free(rt);
	return rc;
}

/* The published (the file's and run-time) and out-of-band releases of every OS in c. */
static int
load_os_details(struct store *s, struct caldata *c, char **cause)
{
	sqlite3_stmt *rel = NULL, *pub = NULL, *oob = NULL;
	int rc;

	rc = prepare_select(s, &rec_release, "WHERE os_id = ? ORDER BY month", &rel,
	    "read releases", cause);
	if (rc == 0)
		rc = prepare_select(s, &rec_published, "WHERE os_id = ? ORDER BY month", &pub,
		    "read published", cause);
	if (rc == 0)
		rc = prepare_select(s, &rec_oob, "WHERE os_id = ? ORDER BY date, kb", &oob,
		    "read out-of-band releases", cause);
	for (size_t i = 0; i < c->nos && rc == 0; i++) {
		struct os_def *o = &c->os[i];

		rc = load_rows(s, rel, o->id, &rec_release, &o->rel, &o->nrel,
		    sizeof(*o->rel), "read releases", cause);
		if (rc == 0)
			rc = load_published(s, pub, o, cause);
		if (rc == 0)
			rc = load_rows(s, oob, o->id, &rec_oob, &o->oob, &o->noob,
			    sizeof(*o->oob), "read out-of-band releases", cause);
	}
	sqlite3_finalize(rel);
	sqlite3_finalize(pub);
	sqlite3_finalize(oob);
	return rc;
}

static int
load_os(struct store *s, struct caldata *c, char **cause)
{
	if (load_all(s, &rec_os, "ORDER BY pos, id", &c->os, &c->nos, sizeof(*c->os),
	    "read OSes", cause) == -1)
		return -1;
	return load_os_details(s, c, cause);
}

/*
 * A run-time override whose OS left the calendar, or a run-time blackout
 * whose ring left the ring files, is detached: kept, listed, but not part
 * of the model until the id comes back.
 */
#define OVR_DETACHED	"os_id NOT IN (SELECT id FROM os)"
#define BO_DETACHED	"(ring_id IS NOT NULL AND ring_id NOT IN (SELECT id FROM rings))"

/* Both origins, by OS id then month, so a lookup can stop early. */
static int
load_overrides(struct store *s, struct caldata *c, bool detached, char **cause)
{
	return load_all(s, &rec_override, detached ?
	    "WHERE " OVR_DETACHED " ORDER BY os_id, month" :
	    "WHERE NOT " OVR_DETACHED " ORDER BY os_id, month",
	    &c->ovr, &c->novr, sizeof(*c->ovr), "read overrides", cause);
}

/*
 * A ring's lists are read a table at a time, in one scan by (ring_id, pos),
 * the primary key's order: each ring's rows come together, so the ring is
 * looked up once per ring (in r's id index), not a statement run per ring.
 * A row of a ring not in r cannot be (the foreign keys cascade) and would
 * not have been asked for by ring; it is skipped.
 */
struct ring_list {
	const char		*what;		/* "read ring windows" */
	const struct record	*rec;		/* the row's fields; NULL: one string, ring_os */
	size_t			 list, count;	/* offsets in struct ring of the array and its length */
	size_t			 size;		/* of an element */
};

static const struct ring_list ring_lists[] = {
	{ "read ring OS lists", NULL, offsetof(struct ring, os), offsetof(struct ring, nos),
	  sizeof(char *) },
	{ "read ring windows", &rec_window, offsetof(struct ring, win),
	  offsetof(struct ring, nwin), sizeof(struct mwindow) },
	{ "read ring upgrades", &rec_upgrade, offsetof(struct ring, upg),
	  offsetof(struct ring, nupg), sizeof(struct upgrade) },
};

/* The ring of id in r, for writing, or NULL. */
static struct ring *
ring_of(struct ringset *r, const unsigned char *id)
{
	const struct ring *g = id != NULL ? ringset_find(r, (const char *)id) : NULL;

	return g != NULL ? &r->ring[g - r->ring] : NULL;
}

/* One row of st, the ring id at column idcol, appended to its ring's list l. */
static int
ring_list_row(sqlite3_stmt *st, int idcol, struct ringset *r, const struct ring_list *l,
    struct ring **g, size_t *cap, char **cause)
{
	const unsigned char *id = sqlite3_column_text(st, idcol);
	char **v;
	size_t *n;
	void *x;

	if (*g == NULL || id == NULL || strcmp((*g)->id, (const char *)id) != 0) {
		*g = ring_of(r, id);
		*cap = 0;
	}
	if (*g == NULL)
		return 0;
	v = (char **)((char *)*g + l->list);
	n = (size_t *)((char *)*g + l->count);
	grow(v, *n, cap, l->size);
	x = *v + (*n)++ * l->size;
	memset(x, 0, l->size);
	if (l->rec == NULL) {
		*(char **)x = db_col_str(st, 0);
		return 0;
	}
	return db_load_record(st, 0, l->rec, x, l->what, cause);
}

static int
load_ring_list(struct store *s, struct ringset *r, const struct ring_list *l, char **cause)
{
	int idcol = 1, rc;	/* ring_os: os_id, ring_id */
	char *sql = l->rec != NULL ?
	    db_select_sql_then(l->rec, "ring_id", &idcol, "ORDER BY ring_id, pos") :
	    xstrdup("SELECT os_id, ring_id FROM ring_os ORDER BY ring_id, pos");
	struct ring *g = NULL;
	size_t cap = 0;
	sqlite3_stmt *st;

	rc = db_prepare(s, sql, &st, l->what, cause);
	free(sql);
	if (rc == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (ring_list_row(st, idcol, r, l, &g, &cap, cause) == -1) {
			sqlite3_finalize(st);
			return -1;
		}
	return db_finish(s, st, rc, l->what, cause);
}

/* The OS lists, windows and upgrades of every ring already in r (indexed by id). */
static int
load_ring_details(struct store *s, struct ringset *r, char **cause)
{
	for (size_t i = 0; i < ARRAY_LEN(ring_lists); i++)
		if (load_ring_list(s, r, &ring_lists[i], cause) == -1)
			return -1;
	return 0;
}

static int
load_rings(struct store *s, struct ringset *r, char **cause)
{
	if (load_all(s, &rec_ring, "ORDER BY pos, id", &r->ring, &r->nring,
	    sizeof(*r->ring), "read rings", cause) == -1)
		return -1;
	ringset_index_ids(r);
	return load_ring_details(s, r, cause);
}

/* The UTC day of t. */
static struct ymd
utc_day(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return (struct ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

/*
 * from_date and to_date at columns i and i + 1: two days, or two instants
 * (a timed blackout, whose from/to are then the UTC days it touches).
 */
static int
col_bounds(sqlite3_stmt *st, int i, struct blackout *b, char **cause)
{
	const char *f = (const char *)sqlite3_column_text(st, i);
	const char *t = (const char *)sqlite3_column_text(st, i + 1);

	if (f != NULL && t != NULL && ymd_parse(f, &b->from) == 0 &&
	    ymd_parse(t, &b->to) == 0)
		return 0;
	if (f != NULL && t != NULL && db_instant_parse(f, &b->start) == 0 &&
	    db_instant_parse(t, &b->end) == 0) {
		b->timed = true;
		b->from = utc_day(b->start);
		b->to = utc_day(b->end > b->start ? b->end - 1 : b->start);
		return 0;
	}
	memset(&b->from, 0, sizeof(b->from));
	memset(&b->to, 0, sizeof(b->to));
	*cause = xasprintf("read blackouts: bad date '%s'..'%s'", f != NULL ? f : "NULL",
	    t != NULL ? t : "NULL");
	return -1;
}

/* Every blackout, then the attached ones, then the detached ones. */
#define BO_RULE_COLS	", rrule, exdates, tzid, tzdef, import_name, uid, recurrence_id"
static const char *const select_blackouts_sql[3] = {
	"SELECT id, name, ring_id, from_date, to_date, origin = 'runtime', who, at, "
	BO_DETACHED ", kind" BO_RULE_COLS " FROM blackouts ORDER BY id",
	"SELECT id, name, ring_id, from_date, to_date, origin = 'runtime', who, at, 0, kind"
	BO_RULE_COLS " FROM blackouts WHERE NOT " BO_DETACHED " ORDER BY id",
	"SELECT id, name, ring_id, from_date, to_date, origin = 'runtime', who, at, 1, kind"
	BO_RULE_COLS " FROM blackouts WHERE " BO_DETACHED " ORDER BY id",
};
/* Every blackout, attached or not: load_blackouts_split tells them apart. */
static const char select_every_blackout_sql[] =
	"SELECT id, name, ring_id, from_date, to_date, origin = 'runtime', who, at, 0, kind"
	BO_RULE_COLS " FROM blackouts ORDER BY id";

/*
 * Columns 10 on: the rule of a recurring one (compiled here, so that a row
 * the engine cannot expand fails the load, not the plan) and where an
 * imported one came from.
 */
static int
blackout_rule(sqlite3_stmt *st, struct blackout *b, char **cause)
{
	static const struct rec_field *ex;
	char *why;

	if (ex == NULL)
		ex = record_field(&rec_blackout, "exdates");	/* a constant table's entry */

	b->rrule = db_col_str(st, 10);
	b->tzid = db_col_str(st, 12);
	b->tzdef = db_col_str(st, 13);
	b->import = db_col_str(st, 14);
	b->uid = db_col_str(st, 15);
	b->rid = db_col_str(st, 16);
	if (db_load_record_field(st, 11, ex, b, "read blackouts", cause) == -1)
		return -1;
	if (b->rrule == NULL)
		return 0;
	if ((b->rule = recur_compile(b, &why)) == NULL) {
		*cause = xasprintf("read blackouts: blackout %ld '%s': %s", b->id, b->name, why);
		free(why);
		return -1;
	}
	return 0;
}

/* One row of select_blackouts_sql into b (zeroed by the caller). */
static int
blackout_row(sqlite3_stmt *st, struct blackout *b, char **cause)
{
	const char *kind;

	b->id = (long)sqlite3_column_int64(st, 0);
	b->name = db_col_str(st, 1);
	b->ring = db_col_str(st, 2);
	b->runtime = sqlite3_column_int(st, 5) != 0;
	kind = (const char *)sqlite3_column_text(st, 9);
	if (kind == NULL || bo_kind_parse(kind, &b->kind) == -1) {
		*cause = xasprintf("read blackouts: bad kind '%s'", kind != NULL ? kind : "NULL");
		return -1;
	}
	if (col_bounds(st, 3, b, cause) == -1)
		return -1;
	return blackout_rule(st, b, cause);
}

static int
load_blackouts(struct store *s, struct ringset *r, bool detached, char **cause)
{
	sqlite3_stmt *st;
	struct blackout *b;
	size_t cap = 0;
	int rc;

	if (db_prepare(s, select_blackouts_sql[1 + detached], &st, "read blackouts",
	    cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&r->bo, r->nbo, &cap, sizeof(*r->bo));
		b = &r->bo[r->nbo++];
		memset(b, 0, sizeof(*b));
		if (blackout_row(st, b, cause) == -1) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	return db_finish(s, st, rc, "read blackouts", cause);
}

/* Append a copy of b (zeroed by the caller when done) to r's blackouts; cap is r->bo's room. */
static void
add_blackout(struct ringset *r, size_t *cap, const struct blackout *b)
{
	grow(&r->bo, r->nbo, cap, sizeof(*r->bo));
	r->bo[r->nbo++] = *b;
}

/*
 * Every blackout in one pass, by id: into r if it is global or its ring is
 * in r, else (detached, BO_DETACHED's test asked of r's id index instead of
 * SQL for each row) into detached, or freed when detached is NULL.  r holds
 * every row of rings from the same snapshot, so the split is the one the
 * two filtered SELECTs make.
 */
static int
load_blackouts_split(struct store *s, struct ringset *r, struct ringset *detached,
    char **cause)
{
	sqlite3_stmt *st;
	struct blackout b;
	size_t cap = 0, dcap = 0;
	int rc;

	if (db_prepare(s, select_every_blackout_sql, &st, "read blackouts", cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&b, 0, sizeof(b));
		if (blackout_row(st, &b, cause) == -1) {
			blackout_free(&b);
			sqlite3_finalize(st);
			return -1;
		}
		if (b.ring == NULL || ringset_find(r, b.ring) != NULL)
			add_blackout(r, &cap, &b);
		else if (detached != NULL)
			add_blackout(detached, &dcap, &b);
		else
			blackout_free(&b);
	}
	return db_finish(s, st, rc, "read blackouts", cause);
}

void
store_blackout_recs_free(struct blackout_rec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		blackout_free(&v[i].b);
		free(v[i].who);
	}
	free(v);
}

int
store_blackout_list(struct store *s, struct blackout_rec **out, size_t *n,
    char **cause)
{
	struct blackout_rec *v = NULL, *x;
	sqlite3_stmt *st;
	size_t nv = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (db_prepare(s, select_blackouts_sql[0], &st, "read blackouts", cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&v, nv, &cap, sizeof(*v));
		x = &v[nv++];
		memset(x, 0, sizeof(*x));
		if (blackout_row(st, &x->b, cause) == -1) {
			sqlite3_finalize(st);
			store_blackout_recs_free(v, nv);
			return -1;
		}
		if (x->b.runtime) {
			x->who = db_col_str(st, 6);
			x->at = (time_t)sqlite3_column_int64(st, 7);
		}
		x->detached = sqlite3_column_int(st, 8) != 0;
	}
	if (db_finish(s, st, rc, "read blackouts", cause) == -1) {
		store_blackout_recs_free(v, nv);
		return -1;
	}
	*out = v;
	*n = nv;
	return 0;
}

int
store_load_split(struct store *s, struct caldata *c, struct ringset *r,
    struct caldata *dc, struct ringset *dr, char **cause)
{
	/* One read transaction, so everything comes from one snapshot. */
	if (db_exec(s, "BEGIN", "begin", cause) == -1 ||
	    load_os(s, c, cause) == -1 || load_overrides(s, c, false, cause) == -1 ||
	    (dc != NULL && load_overrides(s, dc, true, cause) == -1) ||
	    load_rings(s, r, cause) == -1 ||
	    load_blackouts_split(s, r, dr, cause) == -1 ||
	    db_exec(s, "COMMIT", "commit", cause) == -1) {
		db_rollback(s);
		caldata_free(c);
		ringset_free(r);
		if (dc != NULL)
			caldata_free(dc);
		if (dr != NULL)
			ringset_free(dr);
		db_prefix_cause(cause, "load");
		return -1;
	}
	ringset_index(r);
	return 0;
}

int
store_load(struct store *s, struct caldata *c, struct ringset *r,
    char **cause)
{
	return store_load_split(s, c, r, NULL, NULL, cause);
}

int
store_detached(struct store *s, struct caldata *c, struct ringset *r, char **cause)
{
	if (db_exec(s, "BEGIN", "begin", cause) == -1 ||
	    load_overrides(s, c, true, cause) == -1 ||
	    load_blackouts(s, r, true, cause) == -1 ||
	    db_exec(s, "COMMIT", "commit", cause) == -1) {
		db_rollback(s);
		caldata_free(c);
		ringset_free(r);
		db_prefix_cause(cause, "read detached items");
		return -1;
	}
	return 0;
}

