/*
 * check_specfmt.c: the spec fields written by hand (src/specfmt.c) are the
 * bytes the printf formats wrote before, value for value: the oracle here
 * is the old formatting itself (snprintf and strftime, sharing no code with
 * specfmt.c), over every date of four centuries, every minute of a day and
 * more, and the integers at their edges.  Then the specs of real ring feeds:
 * the same data gives the same spec, and a change (the ring's reminder, 15
 * minutes made 150) changes exactly the specs of the events that carry it.
 */
#include "calfile.h"
#include "diag.h"
#include "feed.h"
#include "ringfile.h"
#include "specfmt.h"
#include "testutil.h"
#include "util.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* b's text (the buffer emptied first by the caller) against want. */
static void
same(struct textbuf *b, const char *want)
{
	ck_assert_uint_eq(b->len, strlen(want));
	ck_assert_msg(memcmp(b->s, want, b->len) == 0, "wrote '%.*s', printf wrote '%s'",
	    (int)b->len, b->s, want);
	b->len = 0;
}

START_TEST(test_dates_and_months_as_printf_wrote_them)
{
	struct textbuf b = { 0 };
	char want[32];

	for (int y = 1900; y <= 2300; y++)
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= 31; d++) {
				snprintf(want, sizeof(want), "%04d%02d%02d", y, m, d);
				sf_ymd(&b, (struct ymd){ y, m, d }, false);
				same(&b, want);
				snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
				sf_ymd(&b, (struct ymd){ y, m, d }, true);
				same(&b, want);
			}
			snprintf(want, sizeof(want), "%04d-%02d", y, m);
			sf_ym(&b, ym_make(y, m));
			same(&b, want);
		}
	/* the edges: a short year, and a long one, widened as printf does */
	sf_ymd(&b, (struct ymd){ 7, 1, 2 }, true);
	same(&b, "0007-01-02");
	sf_ymd(&b, (struct ymd){ 12345, 10, 20 }, false);
	same(&b, "123451020");
	free(b.s);
}
END_TEST

START_TEST(test_times_and_numbers_as_printf_wrote_them)
{
	static const long long edges[] = { 0, 1, -1, 9, 10, -10, 99, 100, 1795564800,
	    -1795564800, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN };
	struct textbuf b = { 0 };
	char want[64];

	for (int minute = -1500; minute <= 3000; minute++) {
		snprintf(want, sizeof(want), "%02d:%02d", minute / 60, minute % 60);
		sf_hm(&b, minute);
		same(&b, want);
		snprintf(want, sizeof(want), "%d", minute);
		sf_int(&b, minute);
		same(&b, want);
	}
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		snprintf(want, sizeof(want), "%lld", edges[i]);
		sf_int(&b, edges[i]);
		same(&b, want);
	}
	for (int w = 0; w <= 24; w++) {
		snprintf(want, sizeof(want), "%0*llu", w, 42ull);
		sf_uint(&b, 42, w);
		same(&b, want);
		snprintf(want, sizeof(want), "%0*llu", w, ULLONG_MAX);
		sf_uint(&b, ULLONG_MAX, w);
		same(&b, want);
	}
	/* every hour for two years across 2026-2027, as utc_format's strftime wrote it */
	for (time_t t = 1767225600; t < 1767225600 + 2 * 366 * 86400; t += 3600 + 7 * 60) {
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%Y-%m-%d %H:%M UTC", &tm);
		sf_utc_minute(&b, t);
		same(&b, want);
	}
	free(b.s);
}
END_TEST

/* The specs of ring i's feed, as of 2026-11-25. */
static void
ring_specs(const struct caldata *c, const struct ringset *rs, size_t i, struct feed *f)
{
	struct feed_opts o = { .domain = "hotpatchd", .months_back = 12, .months_ahead = 23,
	    .now = 1795564800, .refresh_minutes = 360 };
	char *cause = NULL;

	ck_assert_msg(feed_build_specs(c, rs, &o, FEED_RING, rs->ring[i].id, f, &cause) == 0,
	    "%s", cause);
}

static bool
spec_has(const struct feed_event *e, const char *bytes, size_t n)
{
	return memmem(e->spec, e->spec_len, bytes, n) != NULL;
}

START_TEST(test_same_data_same_specs_a_change_moves_only_its_events)
{
	struct caldata c = { 0 };
	struct ringset rs = { 0 };
	struct diags d = { 0 };
	char *cal = srcpath("data/calendar.yaml"), *sched = srcpath("schedules");
	size_t alarms = 0, rings = 0;

	ck_assert_int_eq(calfile_load(cal, &c, &d), 0);
	ck_assert_int_eq(ringfile_load_dir(sched, &c, &rs, &d), 0);
	for (size_t i = 0; i < rs.nring; i++) {
		struct feed a, b, e;
		int saved = rs.ring[i].reminder_min;

		if (saved != 15)
			continue;
		rings++;
		ring_specs(&c, &rs, i, &a);
		ring_specs(&c, &rs, i, &b);
		rs.ring[i].reminder_min = 150;
		ring_specs(&c, &rs, i, &e);
		rs.ring[i].reminder_min = saved;
		ck_assert_uint_eq(a.nev, b.nev);
		ck_assert_uint_eq(a.nev, e.nev);
		for (size_t k = 0; k < a.nev; k++) {
			/* the alarm op (12) and "15" with its NUL, as feed.c's spec_op writes it */
			bool alarm = spec_has(&a.ev[k], "\x0c" "15", 4);

			ck_assert_uint_eq(a.ev[k].spec_len, b.ev[k].spec_len);
			ck_assert(memcmp(a.ev[k].spec, b.ev[k].spec, a.ev[k].spec_len) == 0);
			ck_assert_int_eq(alarm, a.ev[k].spec_len != e.ev[k].spec_len ||
			    memcmp(a.ev[k].spec, e.ev[k].spec, a.ev[k].spec_len) != 0);
			if (alarm)
				ck_assert(spec_has(&e.ev[k], "\x0c" "150", 5));
			alarms += alarm;
		}
		feed_free(&a);
		feed_free(&b);
		feed_free(&e);
	}
	/* the sample schedules have rings with a 15-minute reminder and windows */
	ck_assert_uint_gt(rings, 0);
	ck_assert_uint_gt(alarms, 10);
	ringset_free(&rs);
	caldata_free(&c);
	diags_free(&d);
	free(cal);
	free(sched);
}
END_TEST

static Suite *
specfmt_suite(void)
{
	Suite *su = suite_create("specfmt");
	TCase *tc = tcase_create("fields");

	tcase_add_test(tc, test_dates_and_months_as_printf_wrote_them);
	tcase_add_test(tc, test_times_and_numbers_as_printf_wrote_them);
	tcase_add_test(tc, test_same_data_same_specs_a_change_moves_only_its_events);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	SRunner *sr = srunner_create(specfmt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
