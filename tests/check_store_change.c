/*
 * check_store_change.c: the store's run-time changes (overrides, blackouts,
 * published answers) with their audit rows, and how an import of the files
 * treats them.
 */
#include "device.h"
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
	ck_assert_int_eq(lb->kind, BO_FREEZE);
	/* The file ones have ids too, and are not run-time. */
	ck_assert_int_gt(gotr.bo[0].id, 0);
	ck_assert(!gotr.bo[0].runtime);

	free(sql);
	free(row);
	caldata_free(&got);
	ringset_free(&gotr);
}
END_TEST

/* hotpatchctl blackout add --kind pause: the kind is written, listed and read back. */
START_TEST(test_runtime_pause_round_trips_with_its_kind)
{
	struct blackout b = { .name = "january pause", .ring = "test", .kind = BO_PAUSE };
	struct actor a = { .uid = 0, .who = "uid 0 (root)", .at = 1, .command = "blackout add" };
	struct blackout_rec *v;
	char *cause = NULL, *kind;
	size_t n;

	open_imported();
	b.from = date("2027-01-10");
	b.to = date("2027-02-12");
	ck_assert_int_eq(store_blackout_add(fx.s, &b, &a, &cause), 0);
	kind = sql_text(fx.path, "SELECT kind FROM blackouts WHERE name = 'january pause'");
	ck_assert_str_eq(kind, "pause");
	free(kind);
	ck_assert_int_eq(store_blackout_list(fx.s, &v, &n, &cause), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(v[2].b.kind, BO_PAUSE);
	ck_assert_int_eq(v[1].b.kind, BO_PAUSE);	/* the sample's file pause */
	ck_assert_int_eq(v[0].b.kind, BO_FREEZE);
	store_blackout_recs_free(v, n);
	/* The schema refuses a 36-day pause that got past the command's check. */
	b.to = date("2027-02-14");
	ck_assert_int_eq(store_blackout_add(fx.s, &b, &a, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "CHECK"));
	free(cause);
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

/* The loaded published entry of os for month, or NULL. */
static const struct release *
find_loaded_release(const struct caldata *c, const char *os, ym_t month)
{
	const struct os_def *o = caldata_find_os(c, os);

	for (size_t i = 0; o != NULL && i < o->nrel; i++)
		if (o->rel[i].month == month)
			return &o->rel[i];
	return NULL;
}

/*
 * How an import of many months uses the store: one transaction, any number
 * of puts, one audit row.  The sample file publishes win11-24h2 2026-05
 * (hotpatch) and 2026-06 (unplanned baseline); run time puts 2026-06 as a
 * hotpatch (over the file's) and 2026-07 (which the file has not).
 */
START_TEST(test_publish_puts_many_months_in_one_change_with_one_audit_row)
{
	struct release jun = { .month = ym_make(2026, 6), .kind = KIND_HOTPATCH,
	    .kb = "KB5090101", .build = "26100.4101", .note = "bulletin" };
	struct release jul = { .month = ym_make(2026, 7), .kind = KIND_LCU,
	    .date = { 2026, 7, 15 }, .expedited = true };
	struct actor a = { .uid = 0, .who = "uid 0 (root)", .at = 1795132800,
	    .command = "import cvrf", .args = "import cvrf 2026-jun.json" };
	const struct release *r;
	struct caldata got = { 0 };
	struct ringset gotr = { 0 };
	char *cause = NULL;

	open_imported();
	ck_assert_int_eq(store_change_begin(fx.s, &cause), 0);
	ck_assert_int_eq(store_publish_put(fx.s, "win11-24h2", &jun, "uid 0 (root)", 1795132800,
	    "cvrf 2026-Jun", &cause), 0);
	ck_assert_int_eq(store_publish_put(fx.s, "win11-24h2", &jul, "uid 0 (root)", 1795132800,
	    "cvrf 2026-Jun", &cause), 0);
	ck_assert_int_eq(store_change_end(fx.s, 0, &a, "import", &cause), 0);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit WHERE command = 'import cvrf'"
	    " AND result = 'ok'"), 1);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM published"), 2);
	/* A re-import of the files leaves them; then the model shows both sources. */
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_load(fx.s, &got, &gotr, &cause), 0);
	ck_assert_uint_eq(caldata_find_os(&got, "win11-24h2")->nrel, 3);
	r = find_loaded_release(&got, "win11-24h2", ym_make(2026, 5));
	ck_assert(!r->runtime && r->who == NULL && r->file == NULL);
	r = find_loaded_release(&got, "win11-24h2", ym_make(2026, 6));
	ck_assert(r->runtime);
	ck_assert_int_eq(r->kind, KIND_HOTPATCH);
	ck_assert_str_eq(r->kb, "KB5090101");
	ck_assert_str_eq(r->who, "uid 0 (root)");
	ck_assert_str_eq(r->origin, "cvrf 2026-Jun");
	ck_assert_int_eq(r->at, 1795132800);
	ck_assert_ptr_nonnull(r->file);
	ck_assert_int_eq(r->file->kind, KIND_BASELINE);
	ck_assert(r->file->unplanned);
	r = find_loaded_release(&got, "win11-24h2", ym_make(2026, 7));
	ck_assert(r->runtime && r->expedited && r->file == NULL);
	ck_assert_int_eq(r->date.d, 15);
	caldata_free(&got);
	ringset_free(&gotr);
}
END_TEST

START_TEST(test_publish_change_with_an_error_writes_no_row_and_no_audit)
{
	struct release r = { .month = ym_make(2026, 11), .kind = KIND_HOTPATCH };
	struct actor a = { .uid = 0, .who = "uid 0 (root)", .at = 1, .command = "publish" };
	char *cause = NULL;
	int rc;

	open_imported();
	ck_assert_int_eq(store_change_begin(fx.s, &cause), 0);
	ck_assert_int_eq(store_publish_put(fx.s, "ws2025", &r, "uid 0 (root)", 1, "hotpatchctl",
	    &cause), 0);
	rc = store_publish_put(fx.s, "win10", &r, "uid 0 (root)", 1, "hotpatchctl", &cause);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(strstr(cause, "no OS 'win10'"));
	ck_assert_int_eq(store_change_end(fx.s, rc, &a, "publish", &cause), -1);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM published"), 0);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit"), 0);
	free(cause);
}
END_TEST

/*
 * A put replaces the month's run-time answer; a delete removes it (1), then
 * finds none (0), and the file's answer is back.  The row outlives its OS
 * leaving the calendar and counts again when it is back.
 */
START_TEST(test_publish_del_brings_the_files_answer_back_and_rows_outlive_their_os)
{
	struct release r = { .month = ym_make(2026, 9), .kind = KIND_HOTPATCH };
	struct caldata tc = { 0 }, got = { 0 };
	struct ringset tr = { 0 }, gotr = { 0 };
	char *cause = NULL, *row;

	open_imported();
	ck_assert_int_eq(store_change_begin(fx.s, &cause), 0);
	ck_assert_int_eq(store_publish_put(fx.s, "ws2025", &r, "a", 1, "hotpatchctl", &cause), 0);
	r.kind = KIND_LCU;
	ck_assert_int_eq(store_publish_put(fx.s, "ws2025", &r, "b", 2, "hotpatchctl", &cause), 0);
	ck_assert_int_eq(store_change_end(fx.s, 0, NULL, "publish", &cause), 0);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM published"), 1);
	row = sql_text(fx.path, "SELECT kind || ' ' || who FROM published");
	ck_assert_str_eq(row, "lcu b");
	free(row);
	/* ws2025 leaves the calendar: the row stays, the model has no ws2025. */
	build_model(&tc, &tr);
	trim_model(&tc, &tr);
	import_ok(fx.s, &tc, &tr);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM published"), 1);
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(store_change_begin(fx.s, &cause), 0);
	ck_assert_int_eq(store_publish_del(fx.s, "ws2025", ym_make(2026, 9), &cause), 1);
	ck_assert_int_eq(store_publish_del(fx.s, "ws2025", ym_make(2026, 9), &cause), 0);
	ck_assert_int_eq(store_change_end(fx.s, 0, NULL, "publish clear", &cause), 0);
	ck_assert_int_eq(store_load(fx.s, &got, &gotr, &cause), 0);
	ck_assert(!find_loaded_release(&got, "ws2025", ym_make(2026, 9))->runtime);
	ck_assert_int_eq(find_loaded_release(&got, "ws2025", ym_make(2026, 9))->kind,
	    KIND_BASELINE);
	caldata_free(&got);
	ringset_free(&gotr);
	caldata_free(&tc);
	ringset_free(&tr);
}
END_TEST

/* ---- the device inventory ---- */

static struct device
dev(const char *name, const char *ring, unsigned ubr)
{
	return (struct device){ .name = (char *)name, .ring = (char *)ring, .build = 26100,
	    .ubr = ubr, .arch = ARCH_X64, .vbs = TRI_YES, .chpe_disabled = TRI_UNKNOWN,
	    .licensed = TRI_NO, .last_seen = 1795132800, .line = 2 };
}

/*
 * Two imports: the second names "pc-a" as "PC-A" (the same device: it is
 * replaced in its place, its new spelling kept) and adds "pc-c" after the
 * stored ones; then --replace leaves only what its file has.  Each import
 * is one audit row with the result given.
 */
START_TEST(test_devices_upsert_by_name_whatever_its_case_and_replace_all)
{
	struct device one[] = { dev("pc-a", "ring1", 4066), dev("pc-b", "ring1", 4946) };
	struct device two[] = { dev("PC-A", "broad", 6588), dev("pc-c", "broad", 8875) };
	struct inventory a = { one, 2 }, b = { two, 2 }, got = { 0 };
	struct device_origin *o;
	struct actor ac = { .uid = 0, .who = "uid 0 (root)", .at = 1795132800,
	    .command = "devices import" };
	char *cause = NULL, *audit;

	one[1].group = "Finance";
	one[1].vbs = TRI_NO;
	one[1].edition = "Pro";
	open_imported();
	ck_assert_int_eq(store_devices_put(fx.s, &a, false, "one.csv", &ac, "ok: 1", &cause), 0);
	ac.at++;
	ck_assert_int_eq(store_devices_put(fx.s, &b, false, "two.csv", &ac, "ok: 2", &cause), 0);
	ck_assert_int_eq(store_devices_load(fx.s, &got, &o, &cause), 0);
	ck_assert_uint_eq(got.ndev, 3);
	ck_assert_str_eq(got.dev[0].name, "PC-A");
	ck_assert_str_eq(got.dev[0].ring, "broad");
	ck_assert_uint_eq(got.dev[0].ubr, 6588);
	ck_assert_str_eq(o[0].source, "two.csv");
	ck_assert_int_eq(o[0].at, 1795132801);
	/* pc-b as written: every fact, the unknown ones unknown. */
	ck_assert_str_eq(got.dev[1].name, "pc-b");
	ck_assert_str_eq(got.dev[1].group, "Finance");
	ck_assert_str_eq(got.dev[1].edition, "Pro");
	ck_assert_int_eq(got.dev[1].vbs, TRI_NO);
	ck_assert_int_eq(got.dev[1].chpe_disabled, TRI_UNKNOWN);
	ck_assert_int_eq(got.dev[1].licensed, TRI_NO);
	ck_assert_uint_eq(got.dev[1].arch, ARCH_X64);
	ck_assert_int_eq(got.dev[1].last_seen, 1795132800);
	ck_assert_ptr_null(got.dev[1].os);
	ck_assert_str_eq(o[1].source, "one.csv");
	ck_assert_str_eq(o[1].who, "uid 0 (root)");
	ck_assert_str_eq(got.dev[2].name, "pc-c");
	store_device_origins_free(o, got.ndev);
	inventory_free(&got);
	ck_assert_int_eq(store_devices_put(fx.s, &a, true, "one.csv", &ac, "ok: 3", &cause), 0);
	ck_assert_int_eq(store_devices_load(fx.s, &got, NULL, &cause), 0);
	ck_assert_uint_eq(got.ndev, 2);
	ck_assert_str_eq(got.dev[0].name, "pc-a");
	ck_assert_str_eq(got.dev[1].name, "pc-b");
	inventory_free(&got);
	audit = sql_text(fx.path, "SELECT group_concat(result, ' ') FROM audit"
	    " WHERE command = 'devices import'");
	ck_assert_str_eq(audit, "ok: 1 ok: 2 ok: 3");
	free(audit);
}
END_TEST

/* A device the table refuses (an empty name) fails the import: no device, no audit row. */
START_TEST(test_devices_put_with_an_error_writes_nothing)
{
	struct device v[] = { dev("pc-a", "ring1", 4066), dev("", "ring1", 1) };
	struct inventory inv = { v, 2 }, got = { 0 };
	struct actor ac = { .uid = 0, .who = "uid 0 (root)", .at = 1, .command = "devices import" };
	char *cause = NULL;

	open_imported();
	ck_assert_int_eq(store_devices_put(fx.s, &inv, true, "x.csv", &ac, "ok", &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM devices"), 0);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM audit"), 0);
	ck_assert_int_eq(store_devices_load(fx.s, &got, NULL, &cause), 0);
	ck_assert_uint_eq(got.ndev, 0);
	free(cause);
}
END_TEST

/*
 * A ring found by group is not stored: the row keeps NULL, so moving the
 * group to another ring moves the device; its own ring is kept as given.
 */
START_TEST(test_devices_put_stores_own_rings_only)
{
	struct device v[] = { dev("pc-a", "broad", 4066), dev("pc-b", "test", 4946) };
	struct inventory inv = { v, 2 }, got = { 0 };
	struct actor ac = { .uid = 0, .who = "uid 0 (root)", .at = 1, .command = "devices import" };
	char *cause = NULL;

	v[0].group = v[1].group = "Hotpatch Ring \"Broad\"";
	v[0].ring_by_group = true;
	open_imported();
	ck_assert_int_eq(store_devices_put(fx.s, &inv, true, "x.csv", &ac, "ok", &cause), 0);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM devices WHERE ring IS NULL"
	    " AND name = 'pc-a'"), 1);
	ck_assert_int_eq(store_devices_load(fx.s, &got, NULL, &cause), 0);
	ck_assert_ptr_null(got.dev[0].ring);
	ck_assert(!got.dev[0].ring_by_group);
	ck_assert_str_eq(got.dev[1].ring, "test");
	/* The caller's devices are untouched. */
	ck_assert_str_eq(v[0].ring, "broad");
	inventory_free(&got);
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
	tcase_add_test(tc, test_devices_put_stores_own_rings_only);
	tcase_add_test(tc, test_override_set_writes_runtime_row_and_audit_in_one_go);
	tcase_add_test(tc, test_override_clear_removes_only_runtime_rows_and_audits_it);
	tcase_add_test(tc, test_override_for_unknown_os_fails_and_writes_no_audit);
	tcase_add_test(tc, test_blackout_add_writes_runtime_row_with_id_and_audit);
	tcase_add_test(tc, test_runtime_pause_round_trips_with_its_kind);
	tcase_add_test(tc, test_timed_blackout_round_trips_as_utc_instants);
	tcase_add_test(tc, test_blackout_remove_takes_only_runtime_rows_and_audits_it);
	tcase_add_test(tc, test_blackout_add_many_is_all_or_nothing_with_one_audit_row);
	tcase_add_test(tc, test_reimport_of_files_keeps_runtime_blackouts_and_their_ids);
	tcase_add_test(tc, test_blackout_list_has_who_and_at_for_runtime_ones_only);
	tcase_add_test(tc, test_publish_puts_many_months_in_one_change_with_one_audit_row);
	tcase_add_test(tc, test_publish_change_with_an_error_writes_no_row_and_no_audit);
	tcase_add_test(tc, test_publish_del_brings_the_files_answer_back_and_rows_outlive_their_os);
	tcase_add_test(tc, test_devices_upsert_by_name_whatever_its_case_and_replace_all);
	tcase_add_test(tc, test_devices_put_with_an_error_writes_nothing);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	return storetest_run(store_change_suite());
}
