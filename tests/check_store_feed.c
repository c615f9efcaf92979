/*
 * check_store_feed.c: feed stamps held in one transaction for a batch of
 * feeds (store_feed_hold, store_feed_release).  What is committed is read
 * through a connection of our own (WAL: it sees only committed rows), so
 * the tests see what a crash at that moment would leave.
 */
#include "stampmemo.h"
#include "storetest.h"
#include "util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T0	((time_t)1796083200)	/* 2026-12-01T00:00:00Z */
#define T1	(T0 + 86400)

/* Stamp one feed of n uids, all with hash h, at now; asserting success. */
static void
stamp_ok(struct store *s, const char *const *uids, size_t n, uint64_t h, time_t now,
    struct feed_stamp *v)
{
	char *cause = NULL;

	for (size_t i = 0; i < n; i++) {
		v[i].uid = uids[i];
		v[i].hash = h;
	}
	if (store_feed_stamp(s, v, n, now, &cause) != 0)
		ck_abort_msg("store_feed_stamp: %s", cause);
}

static int
stored(const char *where)
{
	char *sql = xasprintf("SELECT count(*) FROM feed_state %s", where);
	int n = sql_int(fx.path, sql);

	free(sql);
	return n;
}

static void
release_ok(struct store *s)
{
	char *cause = NULL;

	if (store_feed_release(s, &cause) != 0)
		ck_abort_msg("store_feed_release: %s", cause);
}

static const char *const fa[] = { "a1", "a2" }, *const fb[] = { "b1", "b2", "b3" },
    *const fc[] = { "c1" };

START_TEST(test_hold_commits_every_feed_of_the_batch_at_release)
{
	struct feed_stamp v[3];

	fx.s = open_ok(fx.path);
	store_feed_hold(fx.s);
	stamp_ok(fx.s, fa, 2, 0x11, T0, v);
	stamp_ok(fx.s, fb, 3, 0x22, T0, v);
	stamp_ok(fx.s, fc, 1, 0x33, T0, v);
	/* the stamps are filled in for the caller at once: new, sequence 0, now */
	ck_assert_int_eq(v[0].sequence, 0);
	ck_assert_int_eq((long)v[0].changed, (long)T0);
	/* nothing committed yet: one transaction for the three feeds */
	ck_assert_int_eq(stored(""), 0);
	release_ok(fx.s);
	ck_assert_int_eq(stored(""), 6);
	ck_assert_int_eq(stored("WHERE sequence = 0 AND last_modified = 1796083200"), 6);
	ck_assert_int_eq(stored("WHERE uid = 'b2' AND hash = '0000000000000022'"), 1);
	/* released: the next stamp commits on its own */
	stamp_ok(fx.s, fa, 2, 0x12, T1, v);
	ck_assert_int_eq(stored("WHERE sequence = 1 AND last_modified = 1796169600"), 2);
}
END_TEST

/* Open with a trigger that refuses the uid "poison", hold, and stamp a1 and a2 at T0. */
static void
hold_poisoned(struct feed_stamp *v)
{
	fx.s = open_ok(fx.path);
	sql_exec(fx.path, "CREATE TRIGGER poison BEFORE INSERT ON feed_state"
	    " WHEN NEW.uid = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;");
	store_feed_hold(fx.s);
	stamp_ok(fx.s, fa, 2, 0x11, T0, v);
}

START_TEST(test_a_failing_feed_rolls_back_only_its_own_stamps)
{
	static const char *const bad[] = { "b1", "poison", "b3" };
	struct feed_stamp v[3] = { { 0 } };
	char *cause = NULL;

	/* a trigger refuses one uid, after b1 of the same feed went in */
	hold_poisoned(v);
	v[0].uid = bad[0], v[1].uid = bad[1], v[2].uid = bad[2];
	ck_assert_int_eq(store_feed_stamp(fx.s, v, 3, T0, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "poisoned"));
	stamp_ok(fx.s, fc, 1, 0x33, T0, v);
	release_ok(fx.s);
	/* a1, a2 and c1; b1 was written and taken back with its feed */
	ck_assert_int_eq(stored(""), 3);
	ck_assert_int_eq(stored("WHERE uid IN ('a1', 'a2', 'c1')"), 3);
	free(cause);
}
END_TEST

/* v[i]'s sequence and last change, as stamped. */
static void
stamped(const struct feed_stamp *v, int sequence, time_t changed)
{
	ck_assert_int_eq(v->sequence, sequence);
	ck_assert_int_eq((long)v->changed, (long)changed);
}

START_TEST(test_feeds_of_one_hold_around_a_failing_one)
{
	static const char *const a3[] = { "a1", "a2", "a3" }, *const bad[] = { "b1", "poison" },
	    *const ab[] = { "a1", "b1" };
	struct feed_stamp v[3] = { { 0 } };
	char *cause = NULL;

	hold_poisoned(v);
	stamped(&v[1], 0, T0);
	/* a day later in the same hold: a1 changed, a2 the same, a3 new */
	v[0].hash = 0x12, v[1].hash = 0x11, v[2].hash = 0x13;
	for (size_t i = 0; i < 3; i++)
		v[i].uid = a3[i];
	ck_assert_int_eq(store_feed_stamp(fx.s, v, 3, T1, &cause), 0);
	stamped(&v[0], 1, T1);
	stamped(&v[1], 0, T0);
	stamped(&v[2], 0, T1);
	/* b1 goes in, poison fails: the feed takes b1 back */
	v[0].uid = bad[0], v[1].uid = bad[1];
	ck_assert_int_eq(store_feed_stamp(fx.s, v, 2, T1, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "poisoned"));
	free(cause);
	cause = NULL;
	/* the next feed sees a1 as the hold left it and b1 as never stamped */
	v[0].uid = ab[0], v[0].hash = 0x12, v[1].uid = ab[1], v[1].hash = 0x22;
	ck_assert_int_eq(store_feed_stamp(fx.s, v, 2, T1 + 60, &cause), 0);
	stamped(&v[0], 1, T1);
	stamped(&v[1], 0, T1 + 60);
	ck_assert_int_eq(stored(""), 0);
	release_ok(fx.s);
	ck_assert_int_eq(stored(""), 4);
	ck_assert_int_eq(stored("WHERE uid = 'a1' AND sequence = 1 AND"
	    " last_modified = 1796169600 AND hash = '0000000000000012'"), 1);
	ck_assert_int_eq(stored("WHERE uid = 'a2' AND sequence = 0 AND"
	    " last_modified = 1796083200 AND hash = '0000000000000011'"), 1);
	ck_assert_int_eq(stored("WHERE uid = 'a3' AND sequence = 0 AND"
	    " last_modified = 1796169600 AND hash = '0000000000000013'"), 1);
	ck_assert_int_eq(stored("WHERE uid = 'b1' AND sequence = 0 AND"
	    " last_modified = 1796169660 AND hash = '0000000000000022'"), 1);
	/* released: a stamp on its own commits at once, and a second hold starts afresh */
	stamp_ok(fx.s, fa, 1, 0x14, T1 + 120, v);
	stamped(&v[0], 2, T1 + 120);
	ck_assert_int_eq(stored("WHERE uid = 'a1' AND sequence = 2"), 1);
	store_feed_hold(fx.s);
	stamp_ok(fx.s, fb, 3, 0x22, T1 + 180, v);
	stamped(&v[0], 0, T1 + 60);
	stamped(&v[1], 0, T1 + 180);
	release_ok(fx.s);
	ck_assert_int_eq(stored(""), 6);
}
END_TEST

START_TEST(test_a_transaction_begun_while_held_commits_the_hold_first)
{
	struct feed_stamp v[3];

	build_model(&fx.c, &fx.r);
	fx.s = open_ok(fx.path);
	store_feed_hold(fx.s);
	stamp_ok(fx.s, fa, 2, 0x11, T0, v);
	ck_assert_int_eq(stored(""), 0);
	/* an import begins its own IMMEDIATE transaction: a's stamps go in first */
	import_ok(fx.s, &fx.c, &fx.r);
	ck_assert_int_eq(stored(""), 2);
	ck_assert_int_eq(sql_int(fx.path, "SELECT count(*) FROM os"), 2);
	/* still held: the next feed opens another transaction, committed at release */
	stamp_ok(fx.s, fb, 3, 0x22, T0, v);
	ck_assert_int_eq(stored(""), 2);
	release_ok(fx.s);
	ck_assert_int_eq(stored(""), 5);
}
END_TEST

START_TEST(test_held_stamps_survive_a_reopen)
{
	struct feed_stamp v[3];

	fx.s = open_ok(fx.path);
	store_feed_hold(fx.s);
	stamp_ok(fx.s, fb, 3, 0x22, T0, v);
	release_ok(fx.s);
	store_close(fx.s);

	/* a day later: b1 and b3 unchanged keep their stamp, b2 changed moves */
	fx.s = open_ok(fx.path);
	store_feed_hold(fx.s);
	stamp_ok(fx.s, fb, 1, 0x22, T1, v);
	ck_assert_int_eq(v[0].sequence, 0);
	ck_assert_int_eq((long)v[0].changed, (long)T0);
	stamp_ok(fx.s, fb + 1, 1, 0x23, T1, v);
	ck_assert_int_eq(v[0].sequence, 1);
	ck_assert_int_eq((long)v[0].changed, (long)T1);
	/* closed while held: the store commits what it held */
	store_close(fx.s);
	fx.s = open_ok(fx.path);
	ck_assert_int_eq(stored("WHERE uid = 'b2' AND sequence = 1 AND"
	    " last_modified = 1796169600 AND hash = '0000000000000023'"), 1);
	ck_assert_int_eq(stored("WHERE sequence = 0 AND last_modified = 1796083200"), 2);
}
END_TEST

/*
 * The store keeps what it read and wrote of each event (stampmemo.h) and
 * stamps an unchanged event without a query.  What another connection
 * writes must still be what the next stamp sees: the edit below moves a1
 * to sequence 7 and deletes a2, and the stamps after it follow the table.
 */
START_TEST(test_an_edit_by_another_connection_is_seen)
{
	struct feed_stamp v[2];

	fx.s = open_ok(fx.path);
	stamp_ok(fx.s, fa, 2, 0x11, T0, v);
	stamp_ok(fx.s, fa, 2, 0x11, T0 + 60, v);
	stamped(&v[0], 0, T0);
	sql_exec(fx.path, "UPDATE feed_state SET sequence = 7, last_modified = 1796086800"
	    " WHERE uid = 'a1'; DELETE FROM feed_state WHERE uid = 'a2'");
	stamp_ok(fx.s, fa, 2, 0x11, T1, v);
	stamped(&v[0], 7, T0 + 3600);
	/* a2 is new again: sequence 0 from now, and stored */
	stamped(&v[1], 0, T1);
	ck_assert_int_eq(stored("WHERE uid = 'a2' AND last_modified = 1796169600"), 1);
}
END_TEST

/*
 * A feed that fails takes back the stamps it wrote, and the store forgets
 * them too: b1 went in at T0 with the poisoned feed, so at T1 the same b1
 * is new, not "unchanged since T0".
 */
START_TEST(test_a_failed_feed_leaves_nothing_remembered)
{
	static const char *const bad[] = { "b1", "poison" };
	struct feed_stamp v[2];
	char *cause = NULL;

	hold_poisoned(v);
	v[0] = (struct feed_stamp){ .uid = bad[0], .hash = 0x22 };
	v[1] = (struct feed_stamp){ .uid = bad[1], .hash = 0x22 };
	ck_assert_int_eq(store_feed_stamp(fx.s, v, 2, T0, &cause), -1);
	free(cause);
	stamp_ok(fx.s, bad, 1, 0x22, T1, v);
	stamped(&v[0], 0, T1);
	release_ok(fx.s);
	ck_assert_int_eq(stored("WHERE uid = 'b1' AND last_modified = 1796169600"), 1);
}
END_TEST

/* The memo itself: put, replace, get, and starting over at its bound. */
START_TEST(test_memo_keeps_the_last_of_each_uid_up_to_its_bound)
{
	struct stampmemo m;
	const struct memo_stamp *e;
	char uid[32];

	stampmemo_init(&m, 3);
	stampmemo_put(&m, "x", 1, 0, T0);
	stampmemo_put(&m, "y", 2, 4, T0);
	snprintf(uid, sizeof(uid), "x");
	stampmemo_put(&m, uid, 3, 1, T1);	/* replaces: the key is copied, not kept */
	uid[0] = 'z';
	ck_assert_ptr_null(stampmemo_get(&m, "z"));
	e = stampmemo_get(&m, "x");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->hash, 3);
	ck_assert_int_eq(e->sequence, 1);
	ck_assert_int_eq((long)e->changed, (long)T1);
	ck_assert_uint_eq(m.n, 2);
	stampmemo_put(&m, "z", 5, 0, T0);
	ck_assert_uint_eq(m.n, 3);
	/* a fourth uid: over the bound, the memo starts over with it alone */
	stampmemo_put(&m, "w", 6, 0, T0);
	ck_assert_uint_eq(m.n, 1);
	ck_assert_ptr_null(stampmemo_get(&m, "x"));
	ck_assert_uint_eq(stampmemo_get(&m, "w")->hash, 6);
	stampmemo_clear(&m);
	ck_assert_ptr_null(stampmemo_get(&m, "w"));
}
END_TEST

static Suite *
store_feed_suite(void)
{
	Suite *su = suite_create("store_feed");
	TCase *tc = tcase_create("hold");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hold_commits_every_feed_of_the_batch_at_release);
	tcase_add_test(tc, test_a_failing_feed_rolls_back_only_its_own_stamps);
	tcase_add_test(tc, test_feeds_of_one_hold_around_a_failing_one);
	tcase_add_test(tc, test_a_transaction_begun_while_held_commits_the_hold_first);
	tcase_add_test(tc, test_held_stamps_survive_a_reopen);
	tcase_add_test(tc, test_an_edit_by_another_connection_is_seen);
	tcase_add_test(tc, test_a_failed_feed_leaves_nothing_remembered);
	tcase_add_test(tc, test_memo_keeps_the_last_of_each_uid_up_to_its_bound);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	return storetest_run(store_feed_suite());
}
