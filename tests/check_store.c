/*
 * check_store.c: the SQLite store: create, migrate, refuse, import, load.
 * The tests talk to the database file directly with sqlite3 to see what the
 * store really wrote and to play the part of run-time changes.
 */
#include "record.h"
#include "store.h"
#include "util.h"

#include <check.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/check_store.XXXXXX";

/*
 * What every test starts from and leaves behind: a database path with no
 * file yet, an empty model, no store.  Tests open the store themselves
 * (some write the file first); teardown closes and frees whatever is set.
 */
static struct {
	char		*path;
	struct store	*s;
	struct caldata	 c;
	struct ringset	 r;
} fx;

/* Remove the database file and the side files SQLite may leave. */
static void
remove_db(const char *path)
{
	static const char *const side[] = { "", "-wal", "-shm", "-journal" };

	for (size_t i = 0; i < ARRAY_LEN(side); i++) {
		char *p = xasprintf("%s%s", path, side[i]);

		unlink(p);
		free(p);
	}
}

static void
setup(void)
{
	fx.path = xasprintf("%s/test.db", tmpdir);
	remove_db(fx.path);
	fx.s = NULL;
	memset(&fx.c, 0, sizeof(fx.c));
	memset(&fx.r, 0, sizeof(fx.r));
}

static void
teardown(void)
{
	caldata_free(&fx.c);
	ringset_free(&fx.r);
	store_close(fx.s);
	remove_db(fx.path);
	free(fx.path);
}

/* Run SQL on the file through a connection of our own. */
static void __attribute__((format(printf, 2, 3)))
sql_exec(const char *path, const char *fmt, ...)
{
	sqlite3 *db;
	va_list ap;
	char *sql, *err = NULL;

	va_start(ap, fmt);
	sql = xvasprintf(fmt, ap);
	va_end(ap);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		ck_abort_msg("%s: %s", sql, err);
	sqlite3_close(db);
	free(sql);
}

/* The first column of the first row as text ("" when NULL or no row). */
static char *
sql_text(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	const char *v = NULL;
	char *out;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = (const char *)sqlite3_column_text(st, 0);
	out = xstrdup(v != NULL ? v : "");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static int
sql_int(const char *path, const char *sql)
{
	char *v = sql_text(path, sql);
	int n = atoi(v);

	free(v);
	return n;
}

static struct ymd
date(const char *s)
{
	struct ymd d = { 0, 0, 0 };

	if (s != NULL)
		ck_assert_int_eq(ymd_parse(s, &d), 0);
	return d;
}

static void
set_rel(struct release *x, ym_t m, enum kind k, bool unplanned,
    const char *d, const char *kb, const char *build, const char *note)
{
	x->month = m;
	x->kind = k;
	x->unplanned = unplanned;
	x->date = date(d);
	x->kb = xstrdup_null(kb);
	x->build = xstrdup_null(build);
	x->note = xstrdup_null(note);
}

static void
set_oob(struct oob *x, const char *d, const char *kb, const char *build,
    bool restart, const char *note)
{
	x->date = date(d);
	x->kb = xstrdup(kb);
	x->build = xstrdup_null(build);
	x->restart = restart;
	x->note = xstrdup_null(note);
}

static void
set_os(struct os_def *o, const char *id, const char *name, unsigned arch,
    unsigned bl, size_t nrel, size_t noob)
{
	o->id = xstrdup(id);
	o->name = xstrdup(name);
	o->arch = arch;
	o->hotpatch_start = ym_make(2025, 7);
	o->baseline_months = bl;
	o->rel = xcalloc(nrel, sizeof(*o->rel));
	o->nrel = nrel;
	o->oob = xcalloc(noob, sizeof(*o->oob));
	o->noob = noob;
}

static void
set_ring(struct ring *g, const char *id, const char *tz, int deferral,
    size_t nos, size_t nwin, int line)
{
	g->id = xstrdup(id);
	g->name = xasprintf("Ring %s", id);
	g->timezone = xstrdup(tz);
	g->deferral_days = deferral;
	g->deadline_days = deferral / 2 + 1;
	g->grace_days = 2;
	g->os = xcalloc(nos, sizeof(*g->os));
	g->nos = nos;
	g->win = xcalloc(nwin, sizeof(*g->win));
	g->nwin = nwin;
	g->file = xstrdup("schedules/rings.yaml");
	g->line = line;
}

static void
set_bo(struct blackout *b, const char *name, const char *ring,
    const char *from, const char *to)
{
	b->name = xstrdup(name);
	b->ring = xstrdup_null(ring);
	b->from = date(from);
	b->to = date(to);
}

/*
 * Two OSes with published, unplanned, dated and out-of-band releases and a
 * shipped override; two rings with both window types; a global and a
 * per-ring blackout.
 */
static void
build_model(struct caldata *c, struct ringset *r)
{
	struct os_def *w, *sv;
	struct ring *g;

	memset(c, 0, sizeof(*c));
	memset(r, 0, sizeof(*r));
	c->os = xcalloc(2, sizeof(*c->os));
	c->nos = 2;
	w = &c->os[0];
	set_os(w, "win11-24h2", "Windows 11 24H2", ARCH_X64 | ARCH_ARM64,
	    1 << 1 | 1 << 4 | 1 << 7 | 1 << 10, 2, 1);
	set_rel(&w->rel[0], ym_make(2026, 5), KIND_HOTPATCH, false,
	    "2026-05-12", "KB5090001", "26100.4001", NULL);
	set_rel(&w->rel[1], ym_make(2026, 6), KIND_BASELINE, true, NULL,
	    NULL, NULL, "unplanned baseline");
	set_oob(&w->oob[0], "2026-05-28", "KB5090099", NULL, true, "OOB fix");
	sv = &c->os[1];
	set_os(sv, "ws2025", "Windows Server 2025", ARCH_X64,
	    1 << 1 | 1 << 4 | 1 << 7 | 1 << 9 | 1 << 10, 1, 1);
	set_rel(&sv->rel[0], ym_make(2026, 9), KIND_BASELINE, true,
	    "2026-09-08", "KB5091234", "26100.5000", "Server only");
	set_oob(&sv->oob[0], "2026-03-20", "KB5089999", "26100.3999", false,
	    NULL);
	c->ovr = xcalloc(1, sizeof(*c->ovr));
	c->novr = 1;
	c->ovr[0].os = xstrdup("ws2025");
	c->ovr[0].month = ym_make(2026, 11);
	c->ovr[0].kind = KIND_LCU;
	c->ovr[0].reason = xstrdup("shipped fix");
	c->ovr[0].who = xstrdup("data/calendar.yaml");

	r->ring = xcalloc(2, sizeof(*r->ring));
	r->nring = 2;
	g = &r->ring[0];
	set_ring(g, "test", "Europe/Berlin", 0, 2, 2, 3);
	g->os[0] = xstrdup("win11-24h2");
	g->os[1] = xstrdup("ws2025");
	g->hotpatch = g->vbs = g->licensed = true;
	g->arch = ARCH_X64;
	g->reminder_min = 30;
	g->win[0] = (struct mwindow){ WIN_WEEKLY, 1 << 0 | 1 << 6, 0, 22 * 60,
	    240 };
	g->win[1] = (struct mwindow){ WIN_OFFSET, 0, 3, 120, 90 };
	g = &r->ring[1];
	set_ring(g, "broad", "UTC", 7, 1, 1, 20);
	g->os[0] = xstrdup("ws2025");
	g->arch = ARCH_ARM64;
	g->chpe_disabled = true;
	g->reminder_min = -1;
	g->win[0] = (struct mwindow){ WIN_OFFSET, 0, -6, 0, 1440 };
	r->bo = xcalloc(2, sizeof(*r->bo));
	r->nbo = 2;
	set_bo(&r->bo[0], "year-end freeze", NULL, "2026-12-20", "2027-01-02");
	set_bo(&r->bo[1], "quarter close", "broad", "2026-07-01", "2026-07-05");
}

/* Drop ws2025 (with its override), ring "broad" and its blackout. */
static void
trim_model(struct caldata *c, struct ringset *r)
{
	os_def_free(&c->os[1]);
	c->nos = 1;
	override_free(&c->ovr[0]);
	c->novr = 0;
	free(r->ring[0].os[1]);
	r->ring[0].nos = 1;
	ring_free(&r->ring[1]);
	r->nring = 1;
	blackout_free(&r->bo[1]);
	r->nbo = 1;
}

/* a and b equal in every field r describes; a failure names the field. */
static void
cmp_rec(const struct record *r, const void *a, const void *b)
{
	const struct rec_field *f = record_diff(r, a, b);

	ck_assert_msg(f == NULL, "%s.%s differs", r->table, f != NULL ? f->col : "");
}

/* Arrays a[0..na) and b[0..nb) of structs of size sz, element by element. */
static void
cmp_recs(const struct record *r, const void *a, size_t na, const void *b,
    size_t nb, size_t sz)
{
	ck_assert_uint_eq(na, nb);
	for (size_t i = 0; i < na; i++)
		cmp_rec(r, (const char *)a + i * sz, (const char *)b + i * sz);
}

static void
cmp_os(const struct os_def *a, const struct os_def *b)
{
	cmp_rec(&rec_os, a, b);
	cmp_recs(&rec_release, a->rel, a->nrel, b->rel, b->nrel, sizeof(*a->rel));
	cmp_recs(&rec_oob, a->oob, a->noob, b->oob, b->noob, sizeof(*a->oob));
}

static void
cmp_caldata(const struct caldata *a, const struct caldata *b)
{
	ck_assert_uint_eq(a->nos, b->nos);
	for (size_t i = 0; i < a->nos; i++)
		cmp_os(&a->os[i], &b->os[i]);
	cmp_recs(&rec_override, a->ovr, a->novr, b->ovr, b->novr, sizeof(*a->ovr));
}

static void
cmp_ring(const struct ring *a, const struct ring *b)
{
	cmp_rec(&rec_ring, a, b);
	cmp_recs(&rec_window, a->win, a->nwin, b->win, b->nwin, sizeof(*a->win));
}

static void
cmp_ringset(const struct ringset *a, const struct ringset *b)
{
	ck_assert_uint_eq(a->nring, b->nring);
	for (size_t i = 0; i < a->nring; i++)
		cmp_ring(&a->ring[i], &b->ring[i]);
	cmp_recs(&rec_blackout, a->bo, a->nbo, b->bo, b->nbo, sizeof(*a->bo));
}

/* Open (asserting success) a database file in the test directory. */
static struct store *
open_ok(const char *path)
{
	struct store *s;
	char *cause = NULL;

	if (store_open(path, &s, &cause) != 0)
		ck_abort_msg("store_open: %s", cause);
	return s;
}

static void
import_ok(struct store *s, const struct caldata *c, const struct ringset *r)
{
	char *cause = NULL;

	if (store_import(s, c, r, NULL, &cause) != 0)
		ck_abort_msg("store_import: %s", cause);
}

/* Open the store on the fixture's path and import the sample model into it. */
static void
open_imported(void)
{
	fx.s = open_ok(fx.path);
	build_model(&fx.c, &fx.r);
	import_ok(fx.s, &fx.c, &fx.r);
}

/* Load and compare with the expected model. */
static void
load_eq(struct store *s, const struct caldata *c, const struct ringset *r)
{
	struct caldata lc = { 0 };
	struct ringset lr = { 0 };
	char *cause = NULL;

	if (store_load(s, &lc, &lr, &cause) != 0)
		ck_abort_msg("store_load: %s", cause);
	cmp_caldata(&lc, c);
	cmp_ringset(&lr, r);
	caldata_free(&lc);
	ringset_free(&lr);
}

START_TEST(test_fresh_db_is_v4_wal_with_foreign_keys_enforced)
{
	char *mode, *cause = NULL;

	fx.s = open_ok(fx.path);
	ck_assert_int_eq(store_schema_version(fx.s), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_schema_version(fx.s), 4);
	mode = sql_text(fx.path, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal");
	ck_assert_int_eq(sql_int(fx.path, "PRAGMA user_version"), 4);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name IN ('os', 'releases', 'oob',"
	    " 'overrides', 'rings', 'ring_os', 'ring_windows', 'blackouts',"
	    " 'audit', 'feed_state', 'meta')"), 11);

	/* A shipped override for an OS the model does not have is refused. */
	build_model(&fx.c, &fx.r);
	free(fx.c.ovr[0].os);
	fx.c.ovr[0].os = xstrdup("no-such-os");
	ck_assert_int_eq(store_import(fx.s, &fx.c, &fx.r, NULL, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "OS 'no-such-os', which is not in the calendar"));
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM os"), 0);

	free(cause);
	free(mode);
}
END_TEST

START_TEST(test_v1_db_migrates_to_v4_keeping_rows)
{
	char *name;

	sql_exec(fx.path, "%s PRAGMA user_version = 1;"
	    " INSERT INTO os VALUES ('legacy', 0, 'Legacy OS', 1, %d, 2);",
	    store_migrations[0], ym_make(2025, 7));
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'feed_state'"), 0);

	fx.s = open_ok(fx.path);
	ck_assert_int_eq(store_schema_version(fx.s), 4);
	name = sql_text(fx.path, "SELECT name FROM os WHERE id = 'legacy'");
	ck_assert_str_eq(name, "Legacy OS");
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name = 'feed_state'"), 1);
	sql_exec(fx.path, "INSERT INTO feed_state (uid, hash, last_modified)"
	    " VALUES ('u1', 'h', 0)");
	ck_assert_int_eq(sql_int(fx.path,
	    "SELECT sequence FROM feed_state WHERE uid = 'u1'"), 0);

	free(name);
}
END_TEST

START_TEST(test_newer_schema_is_refused_untouched)
{
	char *cause = NULL;

	fx.s = (struct store *)1;	/* store_open must set it to NULL */
	sql_exec(fx.path, "PRAGMA user_version = 99");
	ck_assert_int_eq(store_open(fx.path, &fx.s, &cause), -1);
	ck_assert_ptr_null(fx.s);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause,
	    "database schema version 99 is newer than this hotpatchd (4)"));
	ck_assert_ptr_nonnull(strstr(cause, fx.path));
	ck_assert_int_eq(sql_int(fx.path, "PRAGMA user_version"), 99);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM sqlite_master"),
	    0);
	free(cause);
}
END_TEST

START_TEST(test_garbage_file_is_refused_as_not_a_database)
{
	char *cause = NULL;
	char junk[4096];
	FILE *f;

	fx.s = (struct store *)1;	/* store_open must set it to NULL */
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7 + 13);
	ck_assert_ptr_nonnull(f = fopen(fx.path, "wb"));
	ck_assert_uint_eq(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	fclose(f);
	ck_assert_int_eq(store_open(fx.path, &fx.s, &cause), -1);
	ck_assert_ptr_null(fx.s);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, fx.path));
	ck_assert_ptr_nonnull(strstr(cause, "not a database"));
	free(cause);
}
END_TEST

START_TEST(test_import_then_load_round_trips_every_field)
{

	open_imported();
	load_eq(fx.s, &fx.c, &fx.r);
	/* Shipped rows are marked as such in the database. */
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM overrides"
	    " WHERE origin = 'file' AND at = 0"), 1);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts"
	    " WHERE origin = 'file'"), 2);
}
END_TEST

/* PRAGMA data_version on a connection of our own: bumped by others' commits. */
static int
data_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &st,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

START_TEST(test_reimport_unchanged_writes_nothing_and_a_change_one_row)
{
	char *kind;
	sqlite3 *watch;
	long before;
	int dv;

	open_imported();
	before = store_total_changes(fx.s);
	ck_assert_int_gt(before, 0);
	ck_assert_int_eq(sqlite3_open(fx.path, &watch), SQLITE_OK);
	dv = data_version(watch);
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_total_changes(fx.s) - before, 0);
	/* Independent of the count: the database file did not change. */
	ck_assert_int_eq(data_version(watch), dv);

	fx.c.os[0].rel[0].kind = KIND_BASELINE;
	before = store_total_changes(fx.s);
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_total_changes(fx.s) - before, 1);
	ck_assert_int_ne(data_version(watch), dv);
	sqlite3_close(watch);
	load_eq(fx.s, &fx.c, &fx.r);
	kind = sql_text(fx.path, "SELECT kind FROM releases"
	    " WHERE os_id = 'win11-24h2' ORDER BY month LIMIT 1");
	ck_assert_str_eq(kind, "baseline");

	free(kind);
}
END_TEST

START_TEST(test_failed_import_rolls_back_everything)
{
	char *cause = NULL;
	struct caldata bad;
	struct ringset badr;

	open_imported();

	/* Changes synced before ring_os, then a ring naming an unknown OS. */
	build_model(&bad, &badr);
	free(bad.os[0].name);
	bad.os[0].name = xstrdup("renamed");
	bad.os[1].rel[0].kind = KIND_HOTPATCH;
	free(badr.ring[0].os[1]);
	badr.ring[0].os[1] = xstrdup("no-such-os");
	ck_assert_int_eq(store_import(fx.s, &bad, &badr, NULL, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "import"));
	ck_assert_ptr_nonnull(strstr(cause, "FOREIGN KEY"));
	load_eq(fx.s, &fx.c, &fx.r);
	/* And the store still works afterwards. */
	import_ok(fx.s, &fx.c, &fx.r);
	load_eq(fx.s, &fx.c, &fx.r);

	free(cause);
	caldata_free(&bad);
	ringset_free(&badr);
}
END_TEST

START_TEST(test_removed_os_and_ring_cascade_runtime_rows_survive)
{
	char *who;
	struct caldata lc = { 0 };
	struct ringset lr = { 0 };
	char *cause = NULL;

	open_imported();
	sql_exec(fx.path, "INSERT INTO overrides VALUES ('win11-24h2', %d,"
	    " 'lcu', 'pilot', 'uid 0 (root)', 1767225600, 'runtime');"
	    " INSERT INTO blackouts (name, ring_id, from_date, to_date, origin,"
	    " who, at) VALUES"
	    " ('audit week', 'test', '2026-10-05', '2026-10-09', 'runtime',"
	    " 'uid 0 (root)', 1767225600),"
	    " ('holiday', NULL, '2026-12-24', '2026-12-26', 'runtime',"
	    " 'uid 0 (root)', 1767225600)",
	    ym_make(2026, 8));

	trim_model(&fx.c, &fx.r);
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_load(fx.s, &lc, &lr, &cause), 0);
	ck_assert_uint_eq(lc.nos, 1);
	cmp_os(&lc.os[0], &fx.c.os[0]);
	ck_assert_uint_eq(lr.nring, 1);
	cmp_ring(&lr.ring[0], &fx.r.ring[0]);
	ck_assert_uint_eq(lc.novr, 1);
	ck_assert_str_eq(lc.ovr[0].who, "uid 0 (root)");
	ck_assert_int_eq(lc.ovr[0].at, 1767225600);
	ck_assert_uint_eq(lr.nbo, 3);
	ck_assert_str_eq(lr.bo[0].name, "year-end freeze");
	ck_assert_str_eq(lr.bo[1].name, "audit week");
	ck_assert_str_eq(lr.bo[2].name, "holiday");
	ck_assert_int_eq(sql_int(fx.path, "SELECT (SELECT count(*) FROM releases"
	    " WHERE os_id = 'ws2025') + (SELECT count(*) FROM oob"
	    " WHERE os_id = 'ws2025') + (SELECT count(*) FROM ring_os"
	    " WHERE ring_id = 'broad') + (SELECT count(*) FROM ring_windows"
	    " WHERE ring_id = 'broad')"), 0);
	who = sql_text(fx.path, "SELECT group_concat(origin) FROM blackouts"
	    " WHERE name != 'year-end freeze'");
	ck_assert_str_eq(who, "runtime,runtime");

	free(who);
	caldata_free(&lc);
	ringset_free(&lr);
}
END_TEST

START_TEST(test_removed_os_and_ring_detach_runtime_rows_until_they_return)
{
	char *cause = NULL;
	struct caldata full, lc = { 0 }, dc = { 0 };
	struct ringset fullr, lr = { 0 }, dr = { 0 };
	long id;

	fx.s = open_ok(fx.path);
	build_model(&fx.c, &fx.r);
	build_model(&full, &fullr);
	import_ok(fx.s, &fx.c, &fx.r);
	sql_exec(fx.path, "INSERT INTO overrides VALUES ('ws2025', %d, 'baseline', 'r',"
	    " 'uid 0 (root)', 1767225600, 'runtime');"
	    " INSERT INTO blackouts (name, ring_id, from_date, to_date, origin, who, at)"
	    " VALUES ('broad freeze', 'broad', '2026-10-05', '2026-10-09', 'runtime',"
	    " 'uid 0 (root)', 1767225600)", ym_make(2027, 1));
	id = sql_int(fx.path, "SELECT id FROM blackouts WHERE name = 'broad freeze'");

	/* ws2025 and ring broad leave the files: the run-time rows stay, detached. */
	trim_model(&fx.c, &fx.r);
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_load(fx.s, &lc, &lr, &cause), 0);
	ck_assert_uint_eq(lc.novr, 0);
	ck_assert_uint_eq(lr.nbo, 1);
	ck_assert_str_eq(lr.bo[0].name, "year-end freeze");
	ck_assert_int_eq(store_detached(fx.s, &dc, &dr, &cause), 0);
	ck_assert_uint_eq(dc.novr, 1);
	ck_assert_str_eq(dc.ovr[0].os, "ws2025");
	ck_assert_int_eq(dc.ovr[0].month, ym_make(2027, 1));
	ck_assert(dc.ovr[0].runtime);
	ck_assert_uint_eq(dr.nbo, 1);
	ck_assert_int_eq(dr.bo[0].id, id);
	ck_assert_str_eq(dr.bo[0].ring, "broad");
	caldata_free(&lc), ringset_free(&lr), caldata_free(&dc), ringset_free(&dr);

	/* They come back: attached again, same id, nothing detached. */
	import_ok(fx.s, &full, &fullr);
	ck_assert_int_eq(store_load(fx.s, &lc, &lr, &cause), 0);
	ck_assert_uint_eq(lc.novr, 2);
	ck_assert_uint_eq(lr.nbo, 3);
	/* By id: the file one of ring broad was deleted and inserted again. */
	ck_assert_int_eq(lr.bo[1].id, id);
	ck_assert_str_eq(lr.bo[1].name, "broad freeze");
	ck_assert_str_eq(lr.bo[1].ring, "broad");
	ck_assert_int_eq(store_detached(fx.s, &dc, &dr, &cause), 0);
	ck_assert_uint_eq(dc.novr + dr.nbo, 0);

	caldata_free(&lc), ringset_free(&lr), caldata_free(&dc), ringset_free(&dr);
	caldata_free(&full), ringset_free(&fullr);
}
END_TEST

START_TEST(test_v3_db_migrates_to_v4_keeping_rows_and_the_id_sequence)
{
	char *cause = NULL;
	struct blackout b = { .name = "new", .from = { 2026, 1, 1 }, .to = { 2026, 1, 2 } };
	struct actor a = { .uid = 0, .who = "uid 0 (root)", .at = 1, .command = "blackout add" };

	sql_exec(fx.path, "%s%s%s PRAGMA user_version = 3;"
	    " INSERT INTO os VALUES ('legacy', 0, 'Legacy OS', 1, %d, 2);"
	    " INSERT INTO rings (id, pos, name, deferral_days, deadline_days, grace_days,"
	    " timezone, hotpatch, arch, vbs, chpe_disabled, licensed)"
	    " VALUES ('old', 0, 'Old', 0, 2, 2, 'UTC', 1, 'x64', 0, 0, 1);"
	    " INSERT INTO overrides VALUES ('legacy', %d, 'lcu', 'r', 'uid 0 (root)', 5, 'runtime');"
	    " INSERT INTO blackouts VALUES (7, 'kept', 'old', '2026-01-01', '2026-01-02',"
	    " 'runtime', 'uid 0 (root)', 5);"
	    " INSERT INTO blackouts VALUES (9, 'gone', NULL, '2026-01-01', '2026-01-02',"
	    " 'runtime', 'uid 0 (root)', 5);"
	    " DELETE FROM blackouts WHERE id = 9;",
	    store_migrations[0], store_migrations[1], store_migrations[2], ym_make(2025, 7),
	    ym_make(2026, 1));
	fx.s = open_ok(fx.path);
	ck_assert_int_eq(store_schema_version(fx.s), 4);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM overrides WHERE os_id = 'legacy'"), 1);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts WHERE id = 7"), 1);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM pragma_foreign_key_list('overrides')"
	    " UNION ALL SELECT count(*) FROM pragma_foreign_key_list('blackouts')"), 0);
	/* Id 9 was used once: never again. */
	ck_assert_int_eq(store_blackout_add(fx.s, &b, &a, &cause), 0);
	ck_assert_int_eq(b.id, 10);
	/* The ring goes: its blackout stays (no cascade any more). */
	sql_exec(fx.path, "DELETE FROM rings");
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts WHERE id = 7"), 1);
}
END_TEST

/*
 * Import the model, run sql on the file behind the store's back: store_load
 * must then fail with want in its cause and leave the model it fills empty.
 */
static void
corrupt_load_fails(const char *sql, const char *want)
{
	struct caldata lc = { 0 };
	struct ringset lr = { 0 };
	char *cause = NULL;

	open_imported();
	sql_exec(fx.path, "%s", sql);
	ck_assert_int_eq(store_load(fx.s, &lc, &lr, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, want));
	ck_assert_ptr_null(lc.os);
	ck_assert_uint_eq(lc.nos, 0);
	ck_assert_ptr_null(lc.ovr);
	ck_assert_ptr_null(lr.ring);
	ck_assert_ptr_null(lr.bo);
	free(cause);
}

START_TEST(test_load_of_corrupt_row_fails_and_leaves_model_empty)
{
	corrupt_load_fails("UPDATE oob SET date = 'garbage' WHERE os_id = 'ws2025'",
	    "bad date 'garbage'");
}
END_TEST

/* The one override in lc must be the run-time one made by "uid 1000". */
static void
assert_runtime_override(struct store *s, ym_t month, enum kind k)
{
	struct caldata lc = { 0 };
	struct ringset lr = { 0 };
	char *cause = NULL;
	size_t n = 0;

	ck_assert_int_eq(store_load(s, &lc, &lr, &cause), 0);
	for (size_t i = 0; i < lc.novr; i++) {
		if (lc.ovr[i].month != month)
			continue;
		ck_assert_str_eq(lc.ovr[i].who, "uid 1000 (alice)");
		ck_assert_int_eq(lc.ovr[i].kind, k);
		ck_assert_int_eq(lc.ovr[i].at, 1767225600);
		n++;
	}
	ck_assert_uint_eq(n, 1);
	caldata_free(&lc);
	ringset_free(&lr);
}

START_TEST(test_runtime_override_wins_over_shipped_one)
{
	char *who;
	long before;

	open_imported();

	/* A run-time change of the shipped override'fx.s month. */
	sql_exec(fx.path, "UPDATE overrides SET origin = 'runtime', kind ="
	    " 'hotpatch', who = 'uid 1000 (alice)', at = 1767225600");
	/* And a run-time override before the file ships one for that month. */
	sql_exec(fx.path, "INSERT INTO overrides VALUES ('ws2025', %d, 'baseline',"
	    " 'early', 'uid 1000 (alice)', 1767225600, 'runtime')",
	    ym_make(2026, 12));
	fx.c.ovr = xreallocarray(fx.c.ovr, 2, sizeof(*fx.c.ovr));
	fx.c.novr = 2;
	fx.c.ovr[1] = (struct override){ xstrdup("ws2025"), ym_make(2026, 12),
	    KIND_LCU, xstrdup("late"), xstrdup("data/calendar.yaml"), 0, false };

	before = store_total_changes(fx.s);
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_total_changes(fx.s) - before, 0);
	assert_runtime_override(fx.s, ym_make(2026, 11), KIND_HOTPATCH);
	assert_runtime_override(fx.s, ym_make(2026, 12), KIND_BASELINE);

	/* Clearing the run-time one brings the shipped one back. */
	sql_exec(fx.path, "DELETE FROM overrides WHERE month = %d",
	    ym_make(2026, 12));
	import_ok(fx.s, &fx.c, &fx.r);
	who = sql_text(fx.path, "SELECT who || '/' || origin || '/' || kind"
	    " FROM overrides ORDER BY month DESC LIMIT 1");
	ck_assert_str_eq(who, "data/calendar.yaml/file/lcu");

	free(who);
}
END_TEST

START_TEST(test_data_survives_close_and_reopen)
{
	long before;

	open_imported();
	store_close(fx.s);

	fx.s = open_ok(fx.path);
	ck_assert_int_eq(store_schema_version(fx.s), 4);
	load_eq(fx.s, &fx.c, &fx.r);
	before = store_total_changes(fx.s);
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_total_changes(fx.s) - before, 0);
}
END_TEST

/* The effective override of (os, month) after a load, or NULL. */
static struct override *
find_loaded_override(struct caldata *got, const char *os, ym_t m)
{
	for (size_t i = 0; i < got->novr; i++)
		if (got->ovr[i].month == m && strcmp(got->ovr[i].os, os) == 0)
			return &got->ovr[i];
	return NULL;
}

START_TEST(test_override_set_writes_runtime_row_and_audit_in_one_go)
{
	struct caldata got = { 0 };
	struct ringset gotr = { 0 };
	struct override o = { .os = "ws2025", .month = ym_make(2026, 11), .kind = KIND_BASELINE,
	    .reason = "zero-day" };
	struct actor a = { .uid = 1000, .who = "uid 1000 (alice)", .at = 1795132800,
	    .command = "override set", .args = "override set ws2025 2026-11 baseline --reason zero-day" };
	struct override *lo;
	char *cause = NULL;

	open_imported();
	/* Replaces the shipped lcu override of ws2025 2026-11. */
	ck_assert_int_eq(store_override_set(fx.s, &o, &a, &cause), 0);
	ck_assert_int_eq(store_load(fx.s, &got, &gotr, &cause), 0);
	lo = find_loaded_override(&got, "ws2025", ym_make(2026, 11));
	ck_assert_ptr_nonnull(lo);
	ck_assert_int_eq(lo->kind, KIND_BASELINE);
	ck_assert(lo->runtime);
	ck_assert_str_eq(lo->who, "uid 1000 (alice)");
	ck_assert_int_eq(lo->at, 1795132800);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit WHERE uid = 1000"
	    " AND command = 'override set' AND result = 'ok'"), 1);
	/* A re-import of the files does not undo it. */
	import_ok(fx.s, &fx.c, &fx.r);
	caldata_free(&got);
	ringset_free(&gotr);
	ck_assert_int_eq(store_load(fx.s, &got, &gotr, &cause), 0);
	ck_assert(find_loaded_override(&got, "ws2025", ym_make(2026, 11))->runtime);
	caldata_free(&got);
	ringset_free(&gotr);
}
END_TEST

START_TEST(test_override_clear_removes_only_runtime_rows_and_audits_it)
{
	struct caldata got = { 0 };
	struct ringset gotr = { 0 };
	struct override o = { .os = "win11-24h2", .month = ym_make(2026, 9), .kind = KIND_LCU,
	    .reason = "pilot" };
	struct actor set = { .uid = 0, .who = "uid 0 (root)", .at = 1795132800,
	    .command = "override set", .args = "override set win11-24h2 2026-09 lcu --reason pilot" };
	struct actor a = { .uid = 0, .who = "uid 0 (root)", .at = 1795132801,
	    .command = "override clear", .args = "override clear win11-24h2 2026-09" };
	char *cause = NULL;

	open_imported();
	ck_assert_int_eq(store_override_set(fx.s, &o, &set, &cause), 0);
	ck_assert_int_eq(store_override_clear(fx.s, "win11-24h2", ym_make(2026, 9), &a, &cause), 1);
	ck_assert_int_eq(store_override_clear(fx.s, "win11-24h2", ym_make(2026, 9), &a, &cause), 0);
	/* The shipped override is not a run-time one: clear leaves it. */
	ck_assert_int_eq(store_override_clear(fx.s, "ws2025", ym_make(2026, 11), &a, &cause), 0);
	ck_assert_int_eq(store_load(fx.s, &got, &gotr, &cause), 0);
	ck_assert_ptr_null(find_loaded_override(&got, "win11-24h2", ym_make(2026, 9)));
	ck_assert_ptr_nonnull(find_loaded_override(&got, "ws2025", ym_make(2026, 11)));
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit WHERE command = 'override clear'"), 1);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit"), 2);
	caldata_free(&got);
	ringset_free(&gotr);
}
END_TEST

START_TEST(test_override_for_unknown_os_fails_and_writes_no_audit)
{
	struct override o = { .os = "win10", .month = ym_make(2026, 9), .kind = KIND_LCU,
	    .reason = "x" };
	struct actor a = { .uid = 0, .who = "uid 0 (root)", .at = 1, .command = "override set" };
	char *cause = NULL;

	open_imported();
	ck_assert_int_eq(store_override_set(fx.s, &o, &a, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "no OS 'win10'"));
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit"), 0);
	free(cause);
}
END_TEST

/* The loaded blackout with this id, or NULL. */
static const struct blackout *
find_loaded_blackout(const struct ringset *r, long id)
{
	for (size_t i = 0; i < r->nbo; i++)
		if (r->bo[i].id == id)
			return &r->bo[i];
	return NULL;
}

static time_t
utc_instant(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
	    .tm_min = mi };

	return timegm(&tm);
}

START_TEST(test_blackout_add_writes_runtime_row_with_id_and_audit)
{
	char *row, *cause = NULL, *sql;
	struct caldata got = { 0 };
	struct ringset gotr = { 0 };
	struct blackout b = { .name = "audit week", .ring = "test" };
	struct actor a = { .uid = 1000, .who = "uid 1000 (alice)", .at = 1795132800,
	    .command = "blackout add", .args = "blackout add --name \"audit week\" ..." };
	const struct blackout *lb;

	open_imported();
	b.from = date("2026-10-05");
	b.to = date("2026-10-09");
	ck_assert_int_eq(store_blackout_add(fx.s, &b, &a, &cause), 0);
	ck_assert_int_gt(b.id, 0);
	sql = xasprintf("SELECT name || '|' || ring_id || '|' || from_date || '|' || to_date"
	    " || '|' || origin || '|' || who || '|' || at FROM blackouts WHERE id = %ld", b.id);
	row = sql_text(fx.path, sql);
	ck_assert_str_eq(row, "audit week|test|2026-10-05|2026-10-09|runtime|uid 1000 (alice)|1795132800");
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit WHERE uid = 1000"
	    " AND command = 'blackout add' AND result = 'ok' AND at = 1795132800"), 1);
	ck_assert_int_eq(store_load(fx.s, &got, &gotr, &cause), 0);
	ck_assert_uint_eq(gotr.nbo, 3);
	lb = find_loaded_blackout(&gotr, b.id);
	ck_assert_ptr_nonnull(lb);
	ck_assert(lb->runtime);
	ck_assert(!lb->timed);
	ck_assert_str_eq(lb->name, "audit week");
	ck_assert_str_eq(lb->ring, "test");
	ck_assert_int_eq(ymd_cmp(lb->from, b.from), 0);
	ck_assert_int_eq(ymd_cmp(lb->to, b.to), 0);
	/* The file ones have ids too, and are not run-time. */
	ck_assert_int_gt(gotr.bo[0].id, 0);
	ck_assert(!gotr.bo[0].runtime);

	free(sql);
	free(row);
	caldata_free(&got);
	ringset_free(&gotr);
}
END_TEST

START_TEST(test_timed_blackout_round_trips_as_utc_instants)
{
	char *row, *cause = NULL;
	struct caldata got = { 0 };
	struct ringset gotr = { 0 };
	struct blackout b = { .name = "Christmas Eve party", .timed = true,
	    .start = utc_instant(2026, 12, 24, 18, 0), .end = utc_instant(2026, 12, 25, 2, 0) };
	struct actor a = { .uid = 0, .who = "uid 0 (root)", .at = 1795132800,
	    .command = "blackout import" };
	const struct blackout *lb;

	open_imported();
	ck_assert_int_eq(store_blackout_add(fx.s, &b, &a, &cause), 0);
	row = sql_text(fx.path, "SELECT from_date || '..' || to_date || '|' || (ring_id IS NULL)"
	    " FROM blackouts WHERE origin = 'runtime'");
	ck_assert_str_eq(row, "2026-12-24T18:00:00Z..2026-12-25T02:00:00Z|1");
	ck_assert_int_eq(store_load(fx.s, &got, &gotr, &cause), 0);
	lb = find_loaded_blackout(&gotr, b.id);
	ck_assert_ptr_nonnull(lb);
	ck_assert(lb->timed);
	ck_assert(lb->runtime);
	ck_assert_ptr_null(lb->ring);
	ck_assert_int_eq(lb->start, b.start);
	ck_assert_int_eq(lb->end, b.end);
	/* from/to are the UTC days it touches. */
	ck_assert_int_eq(ymd_cmp(lb->from, date("2026-12-24")), 0);
	ck_assert_int_eq(ymd_cmp(lb->to, date("2026-12-25")), 0);

	/* An instant the store cannot read back is refused, not written. */
	b.end = b.start;
	ck_assert_int_eq(store_blackout_add(fx.s, &b, &a, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "bad bounds"));
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts WHERE origin = 'runtime'"), 1);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit"), 1);

	free(cause);
	free(row);
	caldata_free(&got);
	ringset_free(&gotr);
}
END_TEST

START_TEST(test_load_refuses_a_blackout_row_with_mixed_bounds)
{
	corrupt_load_fails("INSERT INTO blackouts (name, from_date, to_date, origin)"
	    " VALUES ('odd', '2026-12-24', '2026-12-25T02:00:00Z', 'runtime')",
	    "bad date '2026-12-24'..'2026-12-25T02:00:00Z'");
}
END_TEST

START_TEST(test_blackout_remove_takes_only_runtime_rows_and_audits_it)
{
	char *cause = NULL;
	struct blackout b = { .name = "holiday" };
	struct actor a = { .uid = 0, .who = "uid 0 (root)", .at = 1795132800,
	    .command = "blackout add" };
	struct actor rm = { .uid = 0, .who = "uid 0 (root)", .at = 1795132900,
	    .command = "blackout remove" };
	long file_id;

	open_imported();
	b.from = b.to = date("2026-12-24");
	ck_assert_int_eq(store_blackout_add(fx.s, &b, &a, &cause), 0);
	file_id = sql_int(fx.path, "SELECT min(id) FROM blackouts WHERE origin = 'file'");
	ck_assert_int_gt(file_id, 0);
	ck_assert_int_eq(store_blackout_remove(fx.s, file_id, &rm, &cause), 0);
	ck_assert_int_eq(store_blackout_remove(fx.s, b.id, &rm, &cause), 1);
	ck_assert_int_eq(store_blackout_remove(fx.s, b.id, &rm, &cause), 0);
	ck_assert_int_eq(store_blackout_remove(fx.s, 999999, &rm, &cause), 0);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts"), 2);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts WHERE origin = 'runtime'"), 0);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit WHERE command = 'blackout remove'"
	    " AND at = 1795132900"), 1);
}
END_TEST

/* Three run-time blackouts; the middle one for ring. */
static void
three_blackouts(struct blackout *v, const char *ring)
{
	memset(v, 0, 3 * sizeof(*v));
	v[0] = (struct blackout){ .name = "one", .from = date("2026-12-24"), .to = date("2026-12-26") };
	v[1] = (struct blackout){ .name = "two", .ring = (char *)ring, .timed = true,
	    .start = utc_instant(2027, 1, 1, 0, 0), .end = utc_instant(2027, 1, 1, 6, 0) };
	v[2] = (struct blackout){ .name = "three", .from = date("2027-04-01"), .to = date("2027-04-01") };
}

START_TEST(test_blackout_add_many_is_all_or_nothing_with_one_audit_row)
{
	char *cause = NULL, *names;
	struct blackout v[3];
	struct actor a = { .uid = 0, .who = "uid 0 (root)", .at = 1795132800,
	    .command = "blackout import", .args = "blackout import holidays.ics (3 blackouts)" };

	open_imported();
	three_blackouts(v, "no-such-ring");
	ck_assert_int_eq(store_blackout_add_many(fx.s, v, 3, &a, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "blackout import"));
	ck_assert_ptr_nonnull(strstr(cause, "no ring 'no-such-ring'"));
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts WHERE origin = 'runtime'"), 0);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit"), 0);
	free(cause);
	cause = NULL;

	three_blackouts(v, "broad");
	ck_assert_int_eq(store_blackout_add_many(fx.s, v, 3, &a, &cause), 0);
	names = sql_text(fx.path, "SELECT group_concat(name || '@' || coalesce(ring_id, 'all'), ',')"
	    " FROM (SELECT * FROM blackouts WHERE origin = 'runtime' ORDER BY id)");
	ck_assert_str_eq(names, "one@all,two@broad,three@all");
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit WHERE command = 'blackout import'"
	    " AND args = 'blackout import holidays.ics (3 blackouts)'"), 1);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit"), 1);

	free(names);
}
END_TEST

START_TEST(test_reimport_of_files_keeps_runtime_blackouts_and_their_ids)
{
	char *cause = NULL, *ids, *after;
	struct blackout v[3];
	struct actor a = { .uid = 0, .who = "uid 0 (root)", .at = 1795132800,
	    .command = "blackout import" };
	long before;

	open_imported();
	three_blackouts(v, "test");
	ck_assert_int_eq(store_blackout_add_many(fx.s, v, 3, &a, &cause), 0);
	ids = sql_text(fx.path, "SELECT group_concat(id || from_date || to_date, ',') FROM"
	    " (SELECT * FROM blackouts WHERE origin = 'runtime' ORDER BY id)");

	/* The same files: nothing written. */
	before = store_total_changes(fx.s);
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_total_changes(fx.s) - before, 0);

	/* Changed files: the file blackout changes, the run-time ones stay as they were. */
	fx.r.bo[0].to = date("2027-01-05");
	import_ok(fx.s, &fx.c, &fx.r);
	after = sql_text(fx.path, "SELECT group_concat(id || from_date || to_date, ',') FROM"
	    " (SELECT * FROM blackouts WHERE origin = 'runtime' ORDER BY id)");
	ck_assert_str_eq(after, ids);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts WHERE origin = 'file'"
	    " AND to_date = '2027-01-05'"), 1);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts"), 5);

	free(ids);
	free(after);
}
END_TEST

START_TEST(test_blackout_list_has_who_and_at_for_runtime_ones_only)
{
	char *cause = NULL;
	struct blackout v[3];
	struct actor a = { .uid = 1000, .who = "uid 1000 (alice)", .at = 1795132800,
	    .command = "blackout import" };
	struct blackout_rec *rec;
	size_t n;

	open_imported();
	three_blackouts(v, NULL);
	ck_assert_int_eq(store_blackout_add_many(fx.s, v, 3, &a, &cause), 0);
	ck_assert_int_eq(store_blackout_list(fx.s, &rec, &n, &cause), 0);
	ck_assert_uint_eq(n, 5);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ck_assert_int_gt(rec[i].b.id, rec[i - 1].b.id);
		ck_assert_int_eq(rec[i].b.runtime, i >= 2);
		if (i < 2) {
			ck_assert_ptr_null(rec[i].who);
			ck_assert_int_eq(rec[i].at, 0);
		} else {
			ck_assert_str_eq(rec[i].who, "uid 1000 (alice)");
			ck_assert_int_eq(rec[i].at, 1795132800);
		}
	}
	ck_assert(rec[3].b.timed);
	ck_assert_int_eq(rec[3].b.start, v[1].start);
	ck_assert_int_eq(rec[3].b.end, v[1].end);
	store_blackout_recs_free(rec, n);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *su = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fresh_db_is_v4_wal_with_foreign_keys_enforced);
	tcase_add_test(tc, test_v1_db_migrates_to_v4_keeping_rows);
	tcase_add_test(tc, test_newer_schema_is_refused_untouched);
	tcase_add_test(tc, test_garbage_file_is_refused_as_not_a_database);
	tcase_add_test(tc, test_import_then_load_round_trips_every_field);
	tcase_add_test(tc,
	    test_reimport_unchanged_writes_nothing_and_a_change_one_row);
	tcase_add_test(tc, test_failed_import_rolls_back_everything);
	tcase_add_test(tc,
	    test_removed_os_and_ring_cascade_runtime_rows_survive);
	tcase_add_test(tc,
	    test_removed_os_and_ring_detach_runtime_rows_until_they_return);
	tcase_add_test(tc, test_v3_db_migrates_to_v4_keeping_rows_and_the_id_sequence);
	tcase_add_test(tc,
	    test_load_of_corrupt_row_fails_and_leaves_model_empty);
	tcase_add_test(tc, test_runtime_override_wins_over_shipped_one);
	tcase_add_test(tc, test_data_survives_close_and_reopen);
	tcase_add_test(tc, test_override_set_writes_runtime_row_and_audit_in_one_go);
	tcase_add_test(tc, test_override_clear_removes_only_runtime_rows_and_audits_it);
	tcase_add_test(tc, test_override_for_unknown_os_fails_and_writes_no_audit);
	tcase_add_test(tc, test_blackout_add_writes_runtime_row_with_id_and_audit);
	tcase_add_test(tc, test_timed_blackout_round_trips_as_utc_instants);
	tcase_add_test(tc, test_load_refuses_a_blackout_row_with_mixed_bounds);
	tcase_add_test(tc, test_blackout_remove_takes_only_runtime_rows_and_audits_it);
	tcase_add_test(tc, test_blackout_add_many_is_all_or_nothing_with_one_audit_row);
	tcase_add_test(tc, test_reimport_of_files_keeps_runtime_blackouts_and_their_ids);
	tcase_add_test(tc, test_blackout_list_has_who_and_at_for_runtime_ones_only);
	suite_add_tcase(su, tc);
	return su;
}

static int
rm_entry(const char *p, const struct stat *sb, int type, struct FTW *ftw)
{
	return remove(p);
}

int
main(void)
{
	SRunner *sr;
	int failed;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	sr = srunner_create(store_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
