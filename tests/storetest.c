/* storetest.c: the fixture and helpers of check_store and check_store_change. */
#include "storetest.h"
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

struct store_fixture fx;

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

void
setup(void)
{
	fx.path = xasprintf("%s/test.db", tmpdir);
	remove_db(fx.path);
	fx.s = NULL;
	memset(&fx.c, 0, sizeof(fx.c));
	memset(&fx.r, 0, sizeof(fx.r));
}

void
teardown(void)
{
	caldata_free(&fx.c);
	ringset_free(&fx.r);
	store_close(fx.s);
	remove_db(fx.path);
	free(fx.path);
}

/* Run SQL on the file through a connection of our own. */
void __attribute__((format(printf, 2, 3)))
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
char *
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

int
sql_int(const char *path, const char *sql)
{
	char *v = sql_text(path, sql);
	int n = atoi(v);

	free(v);
	return n;
}

struct ymd
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
 * Two OSes with published, unplanned, dated, expedited and out-of-band
 * (catalog, leaving hotpatch) releases and a shipped override; two rings
 * with both window types, one enrolled late with two upgrades, one not
 * following expedited releases; a global freeze and a per-ring pause.
 * Every field that has a default is set away from it somewhere.
 */
void
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
	w->hotpatch_default_from = ym_make(2026, 5);
	/* A comma and a quote: the column is JSON text, so both must round-trip. */
	w->msrc = xcalloc(2, sizeof(*w->msrc));
	w->nmsrc = 2;
	w->msrc[0] = xstrdup("Windows 11 Version 24H2 for x64-based Systems");
	w->msrc[1] = xstrdup("Windows Server 2022, 23H2 \"Edition\"");
	w->min_build = xstrdup("26100.2033");
	w->rel[0].expedited = true;
	w->oob[0].leaves_hotpatch = true;
	sv = &c->os[1];
	set_os(sv, "ws2025", "Windows Server 2025", ARCH_X64,
	    1 << 1 | 1 << 4 | 1 << 7 | 1 << 9 | 1 << 10, 1, 1);
	set_rel(&sv->rel[0], ym_make(2026, 9), KIND_BASELINE, true,
	    "2026-09-08", "KB5091234", "26100.5000", "Server only");
	set_oob(&sv->oob[0], "2026-03-20", "KB5089999", "26100.3999", false,
	    NULL);
	sv->oob[0].delivery = DELIVERY_CATALOG;
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
	g->hotpatch_set = true;
	g->hotpatch_since = ym_make(2026, 3);
	g->arch = ARCH_X64;
	g->reminder_min = 30;
	g->upg = xcalloc(2, sizeof(*g->upg));
	g->nupg = 2;
	g->upg[0] = (struct upgrade){ xstrdup("win11-24h2"), xstrdup("ws2025"), ym_make(2026, 8) };
	g->upg[1] = (struct upgrade){ xstrdup("ws2025"), xstrdup("win11-24h2"), ym_make(2027, 2) };
	g->win[0] = (struct mwindow){ WIN_WEEKLY, 1 << 0 | 1 << 6, 0, 22 * 60,
	    240 };
	g->win[1] = (struct mwindow){ WIN_OFFSET, 0, 3, 120, 90 };
	g = &r->ring[1];
	set_ring(g, "broad", "UTC", 7, 1, 1, 20);
	g->os[0] = xstrdup("ws2025");
	g->arch = ARCH_ARM64;
	g->chpe_disabled = true;
	g->reminder_min = -1;
	g->expedite = false;
	/* JSON text again: a quote and a non-ASCII name must round-trip. */
	g->groups = xcalloc(2, sizeof(*g->groups));
	g->ngroups = 2;
	g->groups[0] = xstrdup("Hotpatch Ring \"Broad\"");
	g->groups[1] = xstrdup("Geräte Süd");
	g->win[0] = (struct mwindow){ WIN_OFFSET, 0, -6, 0, 1440 };
	r->bo = xcalloc(2, sizeof(*r->bo));
	r->nbo = 2;
	set_bo(&r->bo[0], "year-end freeze", NULL, "2026-12-20", "2027-01-02");
	set_bo(&r->bo[1], "quarter close", "broad", "2026-07-01", "2026-07-05");
	r->bo[1].kind = BO_PAUSE;
}

/* Drop ws2025 (with its override and the upgrades to and from it), ring "broad" and its blackout. */
void
trim_model(struct caldata *c, struct ringset *r)
{
	os_def_free(&c->os[1]);
	c->nos = 1;
	override_free(&c->ovr[0]);
	c->novr = 0;
	free(r->ring[0].os[1]);
	r->ring[0].nos = 1;
	for (size_t i = 0; i < r->ring[0].nupg; i++)
		upgrade_free(&r->ring[0].upg[i]);
	r->ring[0].nupg = 0;
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

void
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

void
cmp_ring(const struct ring *a, const struct ring *b)
{
	cmp_rec(&rec_ring, a, b);
	cmp_recs(&rec_window, a->win, a->nwin, b->win, b->nwin, sizeof(*a->win));
	cmp_recs(&rec_upgrade, a->upg, a->nupg, b->upg, b->nupg, sizeof(*a->upg));
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
struct store *
open_ok(const char *path)
{
	struct store *s;
	char *cause = NULL;

	if (store_open(path, &s, &cause) != 0)
		ck_abort_msg("store_open: %s", cause);
	return s;
}

void
import_ok(struct store *s, const struct caldata *c, const struct ringset *r)
{
	char *cause = NULL;

	if (store_import(s, c, r, NULL, &cause) != 0)
		ck_abort_msg("store_import: %s", cause);
}

/* Open the store on the fixture's path and import the sample model into it. */
void
open_imported(void)
{
	fx.s = open_ok(fx.path);
	build_model(&fx.c, &fx.r);
	import_ok(fx.s, &fx.c, &fx.r);
}

/* Load and compare with the expected model. */
void
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

static int
rm_entry(const char *p, const struct stat *sb, int type, struct FTW *ftw)
{
	return remove(p);
}

int
storetest_run(Suite *su)
{
	SRunner *sr;
	int failed;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	sr = srunner_create(su);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
