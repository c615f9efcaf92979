/*
 * check_store_bo.c: blackouts that recur and imports that can be redone, in
 * the store: the migration to schema 11 keeps every row, a ring file's rule
 * round-trips, and importing the same entries again updates them by key.
 */
#include "recur.h"
#include "storetest.h"
#include "util.h"

#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static const struct actor root = { .uid = 0, .who = "uid 0 (root)", .at = 1767225600,
	.command = "blackout import", .args = "blackout import h.ics" };

/*
 * A version 10 database with a file blackout, a run-time one and a timed
 * one (as an import made them before): each is kept as it was, happens
 * once, belongs to no import, and loads the same.
 */
START_TEST(test_v10_db_migrates_keeping_every_blackout)
{
	struct caldata lc = { 0 };
	struct ringset lr = { 0 };
	char *cause = NULL, *sql = xstrdup("");

	for (int v = 0; v < 10; v++) {
		char *t = xasprintf("%s%s", sql, store_migrations[v]);

		free(sql);
		sql = t;
	}
	sql_exec(fx.path, "%s PRAGMA user_version = 10;"
	    " INSERT INTO blackouts (name, ring_id, from_date, to_date, origin, who, at)"
	    " VALUES ('file freeze', NULL, '2026-12-21', '2027-01-03', 'file', NULL, 0),"
	    " ('added', NULL, '2026-12-01', '2026-12-05', 'runtime', 'uid 0 (root)', 5),"
	    " ('imported', NULL, '2026-01-20T13:00:00Z', '2026-01-20T14:00:00Z', 'runtime',"
	    " 'uid 0 (root)', 6);", sql);
	free(sql);
	fx.s = open_ok(fx.path);
	ck_assert_int_eq(store_schema_version(fx.s), 11);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts WHERE rrule IS NULL"
	    " AND exdates = '[]' AND import_name IS NULL AND uid IS NULL AND tzid IS NULL"), 3);
	ck_assert_int_eq(store_load(fx.s, &lc, &lr, &cause), 0);
	ck_assert_uint_eq(lr.nbo, 3);
	ck_assert_str_eq(lr.bo[1].name, "added");
	ck_assert(lr.bo[2].timed);
	ck_assert_int_eq(lr.bo[2].start, 1768914000);
	for (size_t i = 0; i < lr.nbo; i++) {
		ck_assert_ptr_null(lr.bo[i].rrule);
		ck_assert_ptr_null(lr.bo[i].rule);
		ck_assert_ptr_null(lr.bo[i].import);
		ck_assert_uint_eq(lr.bo[i].nexcept, 0);
	}
	caldata_free(&lc);
	ringset_free(&lr);
}
END_TEST

/* The new columns' CHECKs, and the one key per import, ring and event. */
START_TEST(test_v11_checks_refuse_what_the_code_never_writes)
{
	static const char *const bad[] = {
		"UPDATE blackouts SET exdates = 'x' WHERE id = 1",
		"UPDATE blackouts SET exdates = '[\"2027-01-01\"]' WHERE id = 1",	/* no rule */
		"UPDATE blackouts SET tzid = 'UTC' WHERE id = 1",			/* no rule */
		"UPDATE blackouts SET uid = 'u' WHERE id = 1",				/* no import */
		"UPDATE blackouts SET import_name = 'h.ics' WHERE id = 1",		/* no uid */
		"UPDATE blackouts SET rrule = '' WHERE id = 1",
		"INSERT INTO blackouts (name, from_date, to_date, origin, import_name, uid)"
		" VALUES ('again', '2027-01-01', '2027-01-01', 'runtime', 'h.ics', 'u')",
	};
	sqlite3 *db;

	open_imported();
	sql_exec(fx.path, "INSERT INTO blackouts (name, from_date, to_date, origin, import_name,"
	    " uid) VALUES ('once', '2027-01-01', '2027-01-01', 'runtime', 'h.ics', 'u')");
	ck_assert_int_eq(sqlite3_open(fx.path, &db), SQLITE_OK);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		ck_assert_msg(sqlite3_exec(db, bad[i], NULL, NULL, NULL) == SQLITE_CONSTRAINT,
		    "taken: %s", bad[i]);
	/* The same key for another ring, or another occurrence, is another row. */
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO blackouts (name, ring_id, from_date, to_date,"
	    " origin, import_name, uid) VALUES ('r', 'test', '2027-01-01', '2027-01-01', 'runtime',"
	    " 'h.ics', 'u'); INSERT INTO blackouts (name, from_date, to_date, origin, import_name,"
	    " uid, recurrence_id) VALUES ('o', '2027-01-01', '2027-01-01', 'runtime', 'h.ics',"
	    " 'u', '2027-01-01')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}
END_TEST

/* A row the engine cannot expand fails the load, naming it. */
START_TEST(test_a_rule_that_does_not_compile_fails_the_load)
{
	struct caldata lc = { 0 };
	struct ringset lr = { 0 };
	char *cause = NULL;

	open_imported();
	sql_exec(fx.path, "UPDATE blackouts SET rrule = 'FREQ=HOURLY' WHERE ring_id = 'broad'");
	ck_assert_int_eq(store_load(fx.s, &lc, &lr, &cause), -1);
	ck_assert_msg(strstr(cause, "read blackouts: blackout 2 'quarter close': FREQ=HOURLY is "
	    "not taken") != NULL, "%s", cause);
	free(cause);
}
END_TEST

START_TEST(test_a_ring_files_rule_round_trips_and_reimports_unchanged)
{
	struct blackout *b;
	char *why = NULL, *got;
	long before;

	fx.s = open_ok(fx.path);
	build_model(&fx.c, &fx.r);
	b = &fx.r.bo[0];	/* year-end freeze, 2026-12-20 .. 2027-01-02: every year */
	b->rrule = xstrdup("FREQ=YEARLY");
	b->from.y = HP_YEAR_MIN;
	b->to.y = HP_YEAR_MIN + 1;
	b->except = xcalloc(1, sizeof(*b->except));
	b->except[b->nexcept++] = xstrdup("2030-12-20");
	ck_assert_ptr_nonnull(b->rule = recur_compile(b, &why));
	import_ok(fx.s, &fx.c, &fx.r);
	got = sql_text(fx.path, "SELECT rrule || ' ' || exdates FROM blackouts"
	    " WHERE ring_id IS NULL");
	ck_assert_str_eq(got, "FREQ=YEARLY [\"2030-12-20\"]");
	free(got);
	load_eq(fx.s, &fx.c, &fx.r);
	before = store_total_changes(fx.s);
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_total_changes(fx.s) - before, 0);
	/* Another exception is another rule: the row is replaced. */
	free(b->except[0]);
	b->except[0] = xstrdup("2031-12-20");
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_gt(store_total_changes(fx.s) - before, 0);
	got = sql_text(fx.path, "SELECT group_concat(exdates) FROM blackouts"
	    " WHERE ring_id IS NULL");
	ck_assert_str_eq(got, "[\"2031-12-20\"]");
	free(got);
}
END_TEST

/* Entry i of an import: a day (a rule for "b"), keyed by uid and rid. */
static struct blackout
entry(const char *name, const char *uid, const char *rid, const char *day, const char *rrule)
{
	struct blackout b = { .name = xstrdup(name), .uid = xstrdup(uid), .rid = xstrdup_null(rid),
	    .rrule = xstrdup_null(rrule), .import = xstrdup("h.ics") };
	char *why = NULL;

	b.from = b.to = date(day);
	if (rrule != NULL)
		ck_assert_ptr_nonnull(b.rule = recur_compile(&b, &why));
	return b;
}

static void
import(const char *ring, struct blackout *v, size_t n, size_t added, size_t updated,
    size_t unchanged, size_t removed)
{
	struct bo_import_result res;
	char *cause = NULL;

	for (size_t i = 0; i < n; i++) {
		free(v[i].ring);
		v[i].ring = xstrdup_null(ring);
	}
	if (store_blackout_import(fx.s, "h.ics", ring, v, n, &root, &res, &cause) != 0)
		ck_abort_msg("%s", cause);
	ck_assert_uint_eq(res.added, added);
	ck_assert_uint_eq(res.updated, updated);
	ck_assert_uint_eq(res.unchanged, unchanged);
	ck_assert_uint_eq(res.removed, removed);
}

START_TEST(test_importing_again_updates_by_key_and_remove_undoes_one_import)
{
	struct blackout v[3];
	char *cause = NULL;
	long before, id;

	open_imported();
	v[0] = entry("holiday", "a@t", NULL, "2027-05-01", NULL);
	v[1] = entry("friday", "b@t", NULL, "2027-01-01", "FREQ=WEEKLY;BYDAY=FR");
	v[2] = entry("moved friday", "b@t", "2027-01-08", "2027-01-09", NULL);
	import(NULL, v, 3, 3, 0, 0, 0);
	id = sql_int(fx.path, "SELECT id FROM blackouts WHERE uid = 'a@t'");
	/* The same again: nothing but the audit row is written. */
	before = store_total_changes(fx.s);
	import(NULL, v, 3, 0, 0, 3, 0);
	ck_assert_int_eq(store_total_changes(fx.s) - before, 0);
	/* A changed event is updated in place; one gone from the file is removed. */
	free(v[0].name);
	v[0].name = xstrdup("May Day");
	import(NULL, v, 2, 0, 1, 1, 1);
	ck_assert_int_eq(sql_int(fx.path, "SELECT id FROM blackouts WHERE name = 'May Day'"), id);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts WHERE"
	    " import_name = 'h.ics'"), 2);
	/* For a ring it is another import of the same name. */
	import("test", v, 2, 2, 0, 0, 0);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM blackouts WHERE"
	    " import_name = 'h.ics'"), 4);
	ck_assert_int_eq(store_blackout_remove_import(fx.s, "h.ics", "broad", false, &root,
	    &cause), 0);
	ck_assert_int_eq(store_blackout_remove_import(fx.s, "h.ics", "test", false, &root,
	    &cause), 2);
	ck_assert_int_eq(store_blackout_remove_import(fx.s, "h.ics", NULL, true, &root,
	    &cause), 2);
	ck_assert_int_eq(store_blackout_remove_import(fx.s, "h.ics", NULL, true, &root,
	    &cause), 0);
	/* Six imports and the two removals that removed something: one audit row each. */
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit"), 6);
	/* The file's blackouts were never touched. */
	load_eq(fx.s, &fx.c, &fx.r);
	for (size_t i = 0; i < 3; i++)
		blackout_free(&v[i]);
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("store_bo");
	TCase *tc = tcase_create("store_bo");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_v10_db_migrates_keeping_every_blackout);
	tcase_add_test(tc, test_v11_checks_refuse_what_the_code_never_writes);
	tcase_add_test(tc, test_a_rule_that_does_not_compile_fails_the_load);
	tcase_add_test(tc, test_a_ring_files_rule_round_trips_and_reimports_unchanged);
	tcase_add_test(tc, test_importing_again_updates_by_key_and_remove_undoes_one_import);
	suite_add_tcase(su, tc);
	return storetest_run(su);
}
