/*
 * check_store.c: the SQLite store: create, migrate, refuse, import, load.
 * The tests talk to the database file directly with sqlite3 to see what the
 * store really wrote.  Run-time changes are in check_store_change.c.
 */
#include "storetest.h"
#include "util.h"

#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

START_TEST(test_fresh_db_is_current_wal_with_foreign_keys_enforced)
{
	char *mode, *cause = NULL;

	fx.s = open_ok(fx.path);
	ck_assert_int_eq(store_schema_version(fx.s), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_schema_version(fx.s), STORE_SCHEMA_VERSION);
	mode = sql_text(fx.path, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal");
	ck_assert_int_eq(sql_int(fx.path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name IN ('os', 'releases', 'oob',"
	    " 'overrides', 'rings', 'ring_os', 'ring_windows', 'blackouts',"
	    " 'audit', 'feed_state', 'meta', 'ring_upgrades')"), 12);

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

START_TEST(test_v1_db_migrates_to_current_keeping_rows)
{
	char *name;

	sql_exec(fx.path, "%s PRAGMA user_version = 1;"
	    " INSERT INTO os VALUES ('legacy', 0, 'Legacy OS', 1, %d, 2);",
	    store_migrations[0], ym_make(2025, 7));
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'feed_state'"), 0);

	fx.s = open_ok(fx.path);
	ck_assert_int_eq(store_schema_version(fx.s), STORE_SCHEMA_VERSION);
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
	char *cause = NULL, *want;

	fx.s = (struct store *)1;	/* store_open must set it to NULL */
	sql_exec(fx.path, "PRAGMA user_version = 99");
	ck_assert_int_eq(store_open(fx.path, &fx.s, &cause), -1);
	ck_assert_ptr_null(fx.s);
	ck_assert_ptr_nonnull(cause);
	want = xasprintf("database schema version 99 is newer than this hotpatchd (%d)",
	    STORE_SCHEMA_VERSION);
	ck_assert_ptr_nonnull(strstr(cause, want));
	free(want);
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
	char *kind, *cause = NULL;
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
	/* The files' fingerprint, written after each import, is no change of the model. */
	ck_assert_int_eq(store_source_set(fx.s, "fingerprint of the same files", &cause), 0);
	ck_assert_int_eq(store_total_changes(fx.s) - before, 0);

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

	/* A product name dropped from msrc_products: the one os row, as JSON text. */
	free(fx.c.os[0].msrc[1]);
	fx.c.os[0].nmsrc = 1;
	before = store_total_changes(fx.s);
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_total_changes(fx.s) - before, 1);
	load_eq(fx.s, &fx.c, &fx.r);
	kind = sql_text(fx.path, "SELECT msrc_products FROM os WHERE id = 'win11-24h2'");
	ck_assert_str_eq(kind, "[\"Windows 11 Version 24H2 for x64-based Systems\"]");
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

/*
 * store_load_split reads the blackouts once and splits them by the loaded
 * rings' ids: the same model and detached items as store_load and
 * store_detached, whose SQL filters decide the other way.  Expected by hand:
 * ring broad and OS ws2025 leave the files, so of the blackouts only the
 * global "year-end freeze" stays attached; the run-time ws2025 override and
 * the run-time "broad freeze" are detached; the file's broad blackout is
 * deleted with its ring.
 */
START_TEST(test_load_split_is_load_and_detached_in_one_pass)
{
	char *cause = NULL;
	struct caldata lc = { 0 }, dc = { 0 }, sc = { 0 }, sdc = { 0 };
	struct ringset lr = { 0 }, dr = { 0 }, sr = { 0 }, sdr = { 0 };
	long id;

	fx.s = open_ok(fx.path);
	build_model(&fx.c, &fx.r);
	import_ok(fx.s, &fx.c, &fx.r);
	sql_exec(fx.path, "INSERT INTO overrides VALUES ('ws2025', %d, 'baseline', 'r',"
	    " 'uid 0 (root)', 1767225600, 'runtime');"
	    " INSERT INTO blackouts (name, ring_id, from_date, to_date, origin, who, at)"
	    " VALUES ('broad freeze', 'broad', '2026-10-05', '2026-10-09', 'runtime',"
	    " 'uid 0 (root)', 1767225600)", ym_make(2027, 1));
	id = sql_int(fx.path, "SELECT id FROM blackouts WHERE name = 'broad freeze'");
	trim_model(&fx.c, &fx.r);
	import_ok(fx.s, &fx.c, &fx.r);

	ck_assert_int_eq(store_load_split(fx.s, &sc, &sr, &sdc, &sdr, &cause), 0);
	ck_assert_uint_eq(sc.novr, 0);
	ck_assert_uint_eq(sr.nbo, 1);
	ck_assert_str_eq(sr.bo[0].name, "year-end freeze");
	ck_assert_ptr_null(sr.bo[0].ring);
	ck_assert_uint_eq(sdc.novr, 1);
	ck_assert_str_eq(sdc.ovr[0].os, "ws2025");
	ck_assert_uint_eq(sdr.nbo, 1);
	ck_assert_int_eq(sdr.bo[0].id, id);
	ck_assert_str_eq(sdr.bo[0].ring, "broad");
	ck_assert_uint_eq(sdr.nring, 0);

	/* Field by field, the same as the two filtered reads. */
	ck_assert_int_eq(store_load(fx.s, &lc, &lr, &cause), 0);
	ck_assert_int_eq(store_detached(fx.s, &dc, &dr, &cause), 0);
	ck_assert_uint_eq(sr.nring, lr.nring);
	for (size_t i = 0; i < lr.nring; i++)
		ck_assert_ptr_null(record_diff(&rec_ring, &sr.ring[i], &lr.ring[i]));
	ck_assert_uint_eq(sr.nbo, lr.nbo);
	ck_assert_ptr_null(record_diff(&rec_blackout, &sr.bo[0], &lr.bo[0]));
	ck_assert_uint_eq(sdr.nbo, dr.nbo);
	ck_assert_ptr_null(record_diff(&rec_blackout, &sdr.bo[0], &dr.bo[0]));
	ck_assert_uint_eq(sdc.novr, dc.novr);
	ck_assert_ptr_null(record_diff(&rec_override, &sdc.ovr[0], &dc.ovr[0]));

	caldata_free(&lc), ringset_free(&lr), caldata_free(&dc), ringset_free(&dr);
	caldata_free(&sc), ringset_free(&sr), caldata_free(&sdc), ringset_free(&sdr);
}
END_TEST

/* A row it cannot read, attached or detached, fails the split load and leaves all four empty. */
START_TEST(test_load_split_of_a_bad_detached_row_leaves_everything_empty)
{
	char *cause = NULL;
	struct caldata c = { 0 }, dc = { 0 };
	struct ringset r = { 0 }, dr = { 0 };

	open_imported();
	sql_exec(fx.path, "PRAGMA ignore_check_constraints = ON;"
	    " INSERT INTO blackouts (name, ring_id, from_date, to_date, origin, kind)"
	    " VALUES ('gone', 'no-such-ring', '2026-10-05', '2026-10-09', 'runtime', 'thaw')");
	ck_assert_int_eq(store_load_split(fx.s, &c, &r, &dc, &dr, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "bad kind 'thaw'"));
	ck_assert_ptr_null(c.os);
	ck_assert_ptr_null(r.ring);
	ck_assert_ptr_null(r.bo);
	ck_assert_ptr_null(dc.ovr);
	ck_assert_ptr_null(dr.bo);
	free(cause);
}
END_TEST

START_TEST(test_v3_db_migrates_to_current_keeping_rows_and_the_id_sequence)
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
	ck_assert_int_eq(store_schema_version(fx.s), STORE_SCHEMA_VERSION);
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
 * A version 4 database (the last one before the state across months) with a
 * row in every table that gains a column: each row is kept and gets today's
 * meaning (ring sets hotpatch itself, always enrolled, follows expedited
 * releases; not on by default; not expedited; automatic, keeps hotpatch;
 * freeze), and the new table takes upgrades.
 */
START_TEST(test_v4_db_migrates_to_current_keeping_rows_with_todays_meaning)
{
	struct caldata lc = { 0 };
	struct ringset lr = { 0 };
	char *cause = NULL, *v;

	sql_exec(fx.path, "%s%s%s%s PRAGMA user_version = 4;"
	    " INSERT INTO os VALUES ('legacy', 0, 'Legacy OS', 1, %d, 2);"
	    " INSERT INTO releases (os_id, month, kind) VALUES ('legacy', %d, 'baseline');"
	    " INSERT INTO oob (os_id, date, kb, restart) VALUES ('legacy', '2026-01-20',"
	    " 'KB1', 1);"
	    " INSERT INTO rings (id, pos, name, deferral_days, deadline_days, grace_days,"
	    " timezone, hotpatch, arch, vbs, chpe_disabled, licensed)"
	    " VALUES ('old', 0, 'Old', 0, 2, 2, 'UTC', 0, 'x64', 0, 0, 1);"
	    " INSERT INTO ring_os VALUES ('old', 0, 'legacy');"
	    " INSERT INTO blackouts VALUES (3, 'kept', 'old', '2026-01-01', '2026-03-01',"
	    " 'runtime', 'uid 0 (root)', 5);",
	    store_migrations[0], store_migrations[1], store_migrations[2],
	    store_migrations[3], ym_make(2025, 7), ym_make(2026, 1));
	fx.s = open_ok(fx.path);
	ck_assert_int_eq(store_schema_version(fx.s), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(store_load(fx.s, &lc, &lr, &cause), 0);
	ck_assert_uint_eq(lc.nos, 1);
	ck_assert_int_eq(lc.os[0].hotpatch_default_from, 0);
	ck_assert_uint_eq(lc.os[0].nmsrc, 0);
	ck_assert_uint_eq(lc.os[0].nrel, 1);
	ck_assert(!lc.os[0].rel[0].expedited);
	/* 5 -> 6: nothing published at run time yet; the file's entry is the file's. */
	ck_assert(!lc.os[0].rel[0].runtime && lc.os[0].rel[0].file == NULL);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM published"), 0);
	ck_assert_uint_eq(lc.os[0].noob, 1);
	ck_assert_int_eq(lc.os[0].oob[0].delivery, DELIVERY_AUTOMATIC);
	ck_assert(!lc.os[0].oob[0].leaves_hotpatch);
	ck_assert_uint_eq(lr.nring, 1);
	ck_assert(!lr.ring[0].hotpatch && lr.ring[0].hotpatch_set && lr.ring[0].expedite);
	ck_assert_int_eq(lr.ring[0].hotpatch_since, 0);
	ck_assert_uint_eq(lr.ring[0].nupg, 0);
	/* A 60-day blackout from before kinds existed stays, as a freeze. */
	ck_assert_uint_eq(lr.nbo, 1);
	ck_assert_int_eq(lr.bo[0].id, 3);
	ck_assert_int_eq(lr.bo[0].kind, BO_FREEZE);
	v = sql_text(fx.path, "SELECT kind FROM blackouts WHERE id = 3");
	ck_assert_str_eq(v, "freeze");
	free(v);
	sql_exec(fx.path, "INSERT INTO os (id, pos, name, arch, hotpatch_start, baseline_months,"
	    " hotpatch_default_from) VALUES ('new', 1, 'New OS', 1, %d, 2, 0);"
	    " INSERT INTO ring_upgrades VALUES ('old', 0, 'legacy', 'new', %d)",
	    ym_make(2025, 7), ym_make(2027, 2));
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM ring_upgrades"), 1);
	caldata_free(&lc);
	ringset_free(&lr);
}
END_TEST

/*
 * A version 5 database: its OS stays on the calendar with no known build
 * floor; a never-hotpatch OS (start 0) then stores and loads as one, and
 * the CHECK refuses a never-hotpatch OS that has a hotpatch_start.
 */
START_TEST(test_v5_db_migrates_to_current_with_os_on_the_calendar)
{
	struct caldata lc = { 0 };
	struct ringset lr = { 0 };
	char *cause = NULL;

	sql_exec(fx.path, "%s%s%s%s%s PRAGMA user_version = 5;"
	    " INSERT INTO os (id, pos, name, arch, hotpatch_start, baseline_months)"
	    " VALUES ('legacy', 0, 'Legacy OS', 1, %d, 2);",
	    store_migrations[0], store_migrations[1], store_migrations[2],
	    store_migrations[3], store_migrations[4], ym_make(2025, 7));
	fx.s = open_ok(fx.path);
	ck_assert_int_eq(store_schema_version(fx.s), STORE_SCHEMA_VERSION);
	sql_exec(fx.path, "INSERT INTO os (id, pos, name, arch, hotpatch_start, baseline_months,"
	    " never_hotpatch, min_build) VALUES ('win10', 1, 'Windows 10', 3, 0, 0, 1, NULL)");
	ck_assert_int_eq(store_load(fx.s, &lc, &lr, &cause), 0);
	ck_assert_uint_eq(lc.nos, 2);
	ck_assert(!lc.os[0].never_hotpatch);
	ck_assert_ptr_null(lc.os[0].min_build);
	ck_assert_int_eq(lc.os[0].hotpatch_start, ym_make(2025, 7));
	ck_assert(lc.os[1].never_hotpatch);
	ck_assert_int_eq(lc.os[1].hotpatch_start, 0);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM os WHERE id = 'legacy'"), 1);
	{
		sqlite3 *db;

		ck_assert_int_eq(sqlite3_open(fx.path, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(db, "UPDATE os SET never_hotpatch = 1 WHERE id = 'legacy'",
		    NULL, NULL, NULL), SQLITE_CONSTRAINT);
		ck_assert_int_eq(sqlite3_exec(db, "UPDATE os SET never_hotpatch = 2 WHERE id = 'win10'",
		    NULL, NULL, NULL), SQLITE_CONSTRAINT);
		sqlite3_close(db);
	}
	caldata_free(&lc);
	ringset_free(&lr);
}
END_TEST

/* The new columns' CHECKs refuse what the loaders refuse. */
START_TEST(test_v5_checks_refuse_bad_values)
{
	static const char *const bad[] = {
		"UPDATE blackouts SET kind = 'thaw'",
		"UPDATE blackouts SET kind = 'pause', from_date = '2026-01-01',"
		" to_date = '2026-02-05'",
		"UPDATE oob SET delivery = 'carrier pigeon'",
		"UPDATE oob SET leaves_hotpatch = 2",
		"UPDATE releases SET expedited = 2",
		"UPDATE rings SET expedite = -1",
		"UPDATE rings SET hotpatch_since = -1",
		"UPDATE ring_upgrades SET to_os = from_os",
		"UPDATE rings SET groups = 'Ring 1'",	/* schema 10: a JSON array, */
		"UPDATE rings SET groups = '{\"a\": 1}'",	/* nothing else */
	};

	open_imported();
	/* 35 days, both included, is the most a pause may last. */
	sql_exec(fx.path, "UPDATE blackouts SET kind = 'pause', from_date = '2026-01-01',"
	    " to_date = '2026-02-04' WHERE ring_id = 'broad'");
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		sqlite3 *db;

		ck_assert_int_eq(sqlite3_open(fx.path, &db), SQLITE_OK);
		ck_assert_msg(sqlite3_exec(db, bad[i], NULL, NULL, NULL) == SQLITE_CONSTRAINT,
		    "not refused: %s", bad[i]);
		sqlite3_close(db);
	}
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

START_TEST(test_load_refuses_a_blackout_row_with_mixed_bounds)
{
	corrupt_load_fails("INSERT INTO blackouts (name, from_date, to_date, origin)"
	    " VALUES ('odd', '2026-12-24', '2026-12-25T02:00:00Z', 'runtime')",
	    "bad date '2026-12-24'..'2026-12-25T02:00:00Z'");
}
END_TEST

START_TEST(test_load_refuses_a_bad_blackout_kind)
{
	/* Behind the CHECK's back: a database written by something else. */
	corrupt_load_fails("PRAGMA ignore_check_constraints = ON;"
	    " UPDATE blackouts SET kind = 'thaw' WHERE ring_id = 'broad'",
	    "bad kind 'thaw'");
}
END_TEST

START_TEST(test_data_survives_close_and_reopen)
{
	long before;

	open_imported();
	store_close(fx.s);

	fx.s = open_ok(fx.path);
	ck_assert_int_eq(store_schema_version(fx.s), STORE_SCHEMA_VERSION);
	load_eq(fx.s, &fx.c, &fx.r);
	before = store_total_changes(fx.s);
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_total_changes(fx.s) - before, 0);
}
END_TEST


static Suite *
store_suite(void)
{
	Suite *su = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fresh_db_is_current_wal_with_foreign_keys_enforced);
	tcase_add_test(tc, test_v1_db_migrates_to_current_keeping_rows);
	tcase_add_test(tc, test_newer_schema_is_refused_untouched);
	tcase_add_test(tc, test_garbage_file_is_refused_as_not_a_database);
	tcase_add_test(tc, test_import_then_load_round_trips_every_field);
	tcase_add_test(tc, test_reimport_unchanged_writes_nothing_and_a_change_one_row);
	tcase_add_test(tc, test_failed_import_rolls_back_everything);
	tcase_add_test(tc, test_removed_os_and_ring_cascade_runtime_rows_survive);
	tcase_add_test(tc, test_removed_os_and_ring_detach_runtime_rows_until_they_return);
	tcase_add_test(tc, test_load_split_is_load_and_detached_in_one_pass);
	tcase_add_test(tc, test_load_split_of_a_bad_detached_row_leaves_everything_empty);
	tcase_add_test(tc, test_v3_db_migrates_to_current_keeping_rows_and_the_id_sequence);
	tcase_add_test(tc, test_v4_db_migrates_to_current_keeping_rows_with_todays_meaning);
	tcase_add_test(tc, test_v5_db_migrates_to_current_with_os_on_the_calendar);
	tcase_add_test(tc, test_v5_checks_refuse_bad_values);
	tcase_add_test(tc, test_load_refuses_a_bad_blackout_kind);
	tcase_add_test(tc, test_load_of_corrupt_row_fails_and_leaves_model_empty);
	tcase_add_test(tc, test_load_refuses_a_blackout_row_with_mixed_bounds);
	tcase_add_test(tc, test_data_survives_close_and_reopen);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	return storetest_run(store_suite());
}
