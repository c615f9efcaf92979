/*
 * check_record.c: the record descriptors agree with the schema a fresh
 * database gets, compare field by field, and give the ring JSON its keys.
 */
#include "record.h"
#include "store.h"
#include "util.h"
#include "testutil.h"

#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh database made by store_open, opened again on a connection of our own. */
static sqlite3 *
fresh_db(char *path)
{
	struct store *s;
	sqlite3 *db;
	char *cause = NULL;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	if (store_open(path, &s, &cause) != 0)
		ck_abort_msg("store_open: %s", cause);
	store_close(s);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

static void
drop_db(sqlite3 *db, const char *path)
{
	static const char *const side[] = { "", "-wal", "-shm" };

	sqlite3_close(db);
	for (size_t i = 0; i < ARRAY_LEN(side); i++) {
		char *p = xasprintf("%s%s", path, side[i]);

		unlink(p);
		free(p);
	}
}

/* True if col is one of r's columns: record_col, or a REC_AUTO field. */
static bool
described(const struct record *r, const char *col)
{
	const struct rec_field *f = record_field(r, col);
	const char *c;

	if (f != NULL && (f->flags & REC_AUTO))
		return true;
	for (size_t i = 0; (c = record_col(r, i)) != NULL; i++)
		if (strcmp(c, col) == 0)
			return true;
	return false;
}

START_TEST(test_every_column_has_a_descriptor_and_back)
{
	char path[] = "/tmp/check_record.XXXXXX";
	sqlite3 *db = fresh_db(path);

	for (size_t k = 0; records[k] != NULL; k++) {
		const struct record *r = records[k];
		char *sql = xasprintf("SELECT name FROM pragma_table_info('%s')", r->table);
		sqlite3_stmt *st;
		size_t ncol = 0, ndesc = 0, nauto = 0;
		const char *c;

		ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			c = (const char *)sqlite3_column_text(st, 0);
			ck_assert_msg(described(r, c), "%s.%s has no descriptor", r->table, c);
			ncol++;
		}
		sqlite3_finalize(st);
		free(sql);
		/* ...and back: as many described columns as the table has. */
		while (record_col(r, ndesc) != NULL)
			ndesc++;
		for (size_t i = 0; i < r->n; i++)
			nauto += (r->f[i].flags & REC_AUTO) != 0;
		ck_assert_msg(ncol == ndesc + nauto, "%s: %zu columns, %zu described",
		    r->table, ncol, ndesc + nauto);
	}
	drop_db(db, path);
}
END_TEST

/* The ranges the ring loader takes from the descriptors are the schema's CHECKs. */
START_TEST(test_integer_ranges_match_the_schema_checks)
{
	char path[] = "/tmp/check_record.XXXXXX";
	sqlite3 *db = fresh_db(path);
	size_t nranged = 0;

	for (size_t k = 0; records[k] != NULL; k++) {
		const struct record *r = records[k];

		for (size_t i = 0; i < r->n; i++) {
			const struct rec_field *f = &r->f[i];
			char *sql, *want;
			sqlite3_stmt *st;

			if (f->type != RT_INT || f->lo >= f->hi)
				continue;
			sql = xasprintf("SELECT sql FROM sqlite_master WHERE name = '%s'", r->table);
			want = xasprintf("CHECK (%s BETWEEN %d AND %d)", f->col, f->lo, f->hi);
			ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
			ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
			ck_assert_msg(strstr((const char *)sqlite3_column_text(st, 0), want) != NULL,
			    "%s: no %s", r->table, want);
			sqlite3_finalize(st);
			free(sql);
			free(want);
			nranged++;
		}
	}
	/*
	 * deferral, deadline, grace; offset_days, start_min, duration_min; a
	 * device's vbs, chpe_disabled, licensed.
	 */
	ck_assert_uint_eq(nranged, 9);
	drop_db(db, path);
}
END_TEST

START_TEST(test_columns_in_table_order_extra_first)
{
	static const char *const want[] = {
		"pos", "id", "name", "deferral_days", "deadline_days", "grace_days",
		"timezone", "hotpatch", "arch", "vbs", "chpe_disabled", "licensed",
		"reminder_min", "file", "line", "hotpatch_set", "hotpatch_since", "expedite",
		"groups",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(want); i++)
		ck_assert_str_eq(record_col(&rec_ring, i), want[i]);
	ck_assert_ptr_null(record_col(&rec_ring, i));
	/* The id of a blackout is the database's (REC_AUTO): not written. */
	ck_assert_str_eq(record_col(&rec_blackout, 0), "who");
	ck_assert_str_eq(record_col(&rec_blackout, 2), "name");
	ck_assert_str_eq(record_col(&rec_blackout, 7), "kind");
	ck_assert_str_eq(record_col(&rec_upgrade, 0), "ring_id");
	ck_assert_str_eq(record_col(&rec_upgrade, 2), "from_os");
	ck_assert(record_is_key(&rec_upgrade, "pos"));
	ck_assert(record_is_key(&rec_window, "pos"));
	ck_assert(!record_is_key(&rec_window, "days"));
	ck_assert_ptr_eq(record_field_at(&rec_window, offsetof(struct mwindow, start_min)),
	    record_field(&rec_window, "start_min"));
}
END_TEST

static char *os_ab[] = { "win11-24h2", "ws2025" };

static struct ring
sample_ring(void)
{
	return (struct ring){ .id = "test", .name = "Ring test", .os = os_ab, .nos = 2,
	    .deferral_days = 3, .deadline_days = 5, .grace_days = 2,
	    .timezone = "Europe/Berlin", .hotpatch = true, .arch = ARCH_X64,
	    .vbs = true, .reminder_min = 30, .file = "rings.yaml", .line = 4 };
}

START_TEST(test_diff_names_the_first_differing_field)
{
	struct ring a = sample_ring(), b = sample_ring();
	char *other[] = { "win11-24h2", "win10" };
	struct blackout x = { .id = 1, .name = "freeze" }, y = { .id = 7, .name = "freeze" };

	ck_assert_ptr_null(record_diff(&rec_ring, &a, &b));
	b.licensed = true;
	ck_assert_str_eq(record_diff(&rec_ring, &a, &b)->col, "licensed");
	b.grace_days = 3;
	ck_assert_str_eq(record_diff(&rec_ring, &a, &b)->col, "grace_days");
	b = sample_ring();
	b.os = other;
	ck_assert_str_eq(record_diff(&rec_ring, &a, &b)->col, "os");
	b.os = os_ab;
	b.nos = 1;
	ck_assert_str_eq(record_diff(&rec_ring, &a, &b)->col, "os");
	b = sample_ring();
	b.file = NULL;
	ck_assert_str_eq(record_diff(&rec_ring, &a, &b)->col, "file");
	/* A database id is not compared; the kind is. */
	ck_assert_ptr_null(record_diff(&rec_blackout, &x, &y));
	y.kind = BO_PAUSE;
	ck_assert_str_eq(record_diff(&rec_blackout, &x, &y)->col, "kind");
	b = sample_ring();
	b.hotpatch_since = ym_make(2027, 3);
	ck_assert_str_eq(record_diff(&rec_ring, &a, &b)->col, "hotpatch_since");
}
END_TEST

/*
 * The ring object of "rings" (cmd_rings.c ring_json) is today
 *   json_pack("{s:s,s:s,s:o,s:i,s:i,s:i,s:s,s:b,...}", "ring", g->id,
 *   "name", g->name, "os", [...], "deferral_days", ..., "hotpatch", ...)
 * followed by eligibility and restarts; record_json gives the same keys,
 * values and order for the plain part.
 */
START_TEST(test_ring_json_has_todays_keys_and_values)
{
	struct ring g = sample_ring();
	json_t *j = record_json(&rec_ring, &g), *today;
	json_t *os = json_pack("[s,s]", "win11-24h2", "ws2025");
	char *a, *b;

	today = json_pack("{s:s,s:s,s:o,s:i,s:i,s:i,s:s,s:b,s:[]}", "ring", g.id,
	    "name", g.name, "os", os, "deferral_days", g.deferral_days,
	    "deadline_days", g.deadline_days, "grace_days", g.grace_days,
	    "timezone", g.timezone, "hotpatch", g.hotpatch, "groups");
	a = json_dumps(j, JSON_COMPACT);
	b = json_dumps(today, JSON_COMPACT);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(a, "{\"ring\":\"test\",\"name\":\"Ring test\","
	    "\"os\":[\"win11-24h2\",\"ws2025\"],\"deferral_days\":3,"
	    "\"deadline_days\":5,\"grace_days\":2,\"timezone\":\"Europe/Berlin\","
	    "\"hotpatch\":true,\"groups\":[]}");
	free(a);
	free(b);
	json_decref(j);
	json_decref(today);
}
END_TEST

static Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_every_column_has_a_descriptor_and_back);
	tcase_add_test(tc, test_integer_ranges_match_the_schema_checks);
	tcase_add_test(tc, test_columns_in_table_order_extra_first);
	tcase_add_test(tc, test_diff_names_the_first_differing_field);
	tcase_add_test(tc, test_ring_json_has_todays_keys_and_values);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(record_suite());
}
