/*
 * check_store_change.c: the store's run-time changes (overrides, blackouts)
 * with their audit rows, and how an import of the files treats them.
 */
#include "storetest.h"
#include "util.h"

#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
store_change_suite(void)
{
	Suite *su = suite_create("store_change");
	TCase *tc = tcase_create("store_change");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_runtime_override_wins_over_shipped_one);
	tcase_add_test(tc, test_override_set_writes_runtime_row_and_audit_in_one_go);
	tcase_add_test(tc, test_override_clear_removes_only_runtime_rows_and_audits_it);
	tcase_add_test(tc, test_override_for_unknown_os_fails_and_writes_no_audit);
	tcase_add_test(tc, test_blackout_add_writes_runtime_row_with_id_and_audit);
	tcase_add_test(tc, test_timed_blackout_round_trips_as_utc_instants);
	tcase_add_test(tc, test_blackout_remove_takes_only_runtime_rows_and_audits_it);
	tcase_add_test(tc, test_blackout_add_many_is_all_or_nothing_with_one_audit_row);
	tcase_add_test(tc, test_reimport_of_files_keeps_runtime_blackouts_and_their_ids);
	tcase_add_test(tc, test_blackout_list_has_who_and_at_for_runtime_ones_only);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	return storetest_run(store_change_suite());
}
