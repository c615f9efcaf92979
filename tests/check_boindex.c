/*
 * check_boindex: the blackout lists the window engine searches (boindex.c)
 * against a brute-force oracle written here, sharing no code with src/.
 *
 * The oracle turns each blackout into its UTC interval with the C
 * library's own time zone rules (mktime under TZ), then, for a question,
 * goes through every blackout in the set's order and takes the first of
 * the ring's (global or its own) of the kind asked that overlaps; a
 * recurring one counts only when no other does.  The set is made by a
 * fixed pseudo-random generator: hundreds of global and ring blackouts,
 * overlapping, nested, touching end to start, some timed, one timed that
 * ends before it starts, some of a ring not in the set, and a freeze that
 * repeats every year.  Local times asked about are whole days (midnight)
 * and afternoons, never in a change of offset, so mktime and RFC 5545
 * agree on them.
 */
#include "boindex.h"
#include "recur.h"
#include "tzcache.h"
#include "windows.h"
#include "testutil.h"

#include <stdint.h>

#define DAY	86400
#define NRING	4
#define NBO	240

static const char *const zones[NRING] = {
	"Europe/Berlin", "Australia/Lord_Howe", "America/New_York", "UTC",
};
static const char *const ids[NRING] = { "a", "b", "c", "d" };

/* Tuesday, Thursday and Saturday 14:00 for three hours; bit 0 is Sunday. */
#define WIN_DAYS	(1u << 2 | 1u << 4 | 1u << 6)
#define WIN_START	(14 * 60)
#define WIN_MIN		180

static struct mwindow win = { WIN_WEEKLY, WIN_DAYS, 0, WIN_START, WIN_MIN };
static struct ring rings[NRING];
static struct blackout bo[NBO];
static struct ringset rs;
static size_t recurring;		/* the position of the yearly freeze */

/* The oracle's answer for ring g: each blackout's UTC interval, its occurrences for the yearly one. */
#define FIRST_YEAR	2025
#define NYEAR		5
static time_t span_start[NRING][NBO], span_end[NRING][NBO];
static time_t occ_start[NRING][NYEAR], occ_end[NRING][NYEAR];

static uint32_t seed = 20261207;

static uint32_t
rnd(uint32_t n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

/* Local midnight at the start of y-m-d (d may run past the month) in zone tz, by the C library. */
static time_t
local_midnight(const char *tz, int y, int m, int d, int minute)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_min = minute,
	    .tm_isdst = -1 };
	time_t t;

	setenv("TZ", tz, 1);
	tzset();
	t = mktime(&tm);
	unsetenv("TZ");
	tzset();
	return t;
}

/* The civil date of a day number (days since 1970-01-01), by the C library. */
static struct ymd
date_of(long dn)
{
	time_t t = (time_t)dn * DAY;
	struct tm tm;

	gmtime_r(&t, &tm);
	return (struct ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

static char *
dup(const char *s)
{
	char *p = strdup(s);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* Blackout i: global or one ring's, freeze or pause, days or instants, made by rnd. */
static void
make_blackout(size_t i, long *last_to)
{
	struct blackout *b = &bo[i];
	long from = 20454 + rnd(1096);		/* 2026-01-01 .. 2028-12-31 */
	int who = (int)rnd(10);
	char name[32];

	snprintf(name, sizeof(name), "bo%zu", i);
	*b = (struct blackout){ .name = dup(name), .kind = rnd(6) == 0 ? BO_PAUSE : BO_FREEZE };
	/* Global one time in ten; one in ten of a ring the set does not have. */
	b->ring = who < 1 ? NULL : dup(who == 9 ? "gone" : ids[who % NRING]);
	if (rnd(8) == 0) {
		b->timed = true;
		b->start = (time_t)from * DAY + (time_t)rnd(DAY);
		b->end = b->start + 3600 + (time_t)rnd(5 * DAY);
		b->from = date_of(from);
		b->to = date_of(b->end / DAY);
		return;
	}
	if (rnd(5) == 0 && *last_to > 0)
		from = *last_to + 1;		/* touching the one before, end to start */
	*last_to = from + (long)rnd(b->kind == BO_PAUSE ? 35 : 7);
	b->from = date_of(from);
	b->to = date_of(*last_to);
}

/* The set, indexed, and the oracle's intervals. */
static void
setup(void)
{
	long last_to = 0;
	char *why = NULL;

	for (size_t g = 0; g < NRING; g++)
		rings[g] = (struct ring){ .id = (char *)ids[g], .name = (char *)ids[g],
		    .timezone = (char *)zones[g], .deferral_days = (int)g * 3, .deadline_days = 7,
		    .grace_days = 2, .hotpatch = true, .arch = ARCH_X64, .vbs = true,
		    .licensed = true, .reminder_min = -1, .win = &win, .nwin = 1 };
	for (size_t i = 0; i < NBO - 2; i++)
		make_blackout(i, &last_to);
	/* A timed freeze of ring c that ends an hour before it starts. */
	bo[NBO - 2] = (struct blackout){ .name = dup("backwards"), .ring = dup("c"), .timed = true,
	    .start = utc(2027, 5, 4, 12, 0), .end = utc(2027, 5, 4, 11, 0),
	    .from = { 2027, 5, 4 }, .to = { 2027, 5, 4 } };
	/* A freeze every year from July 1st to 3rd, for every ring. */
	recurring = NBO - 1;
	bo[recurring] = (struct blackout){ .name = dup("july"), .rrule = dup("FREQ=YEARLY"),
	    .from = { 2025, 7, 1 }, .to = { 2025, 7, 3 } };
	bo[recurring].rule = recur_compile(&bo[recurring], &why);
	ck_assert_msg(bo[recurring].rule != NULL, "%s", why ? why : "");
	rs = (struct ringset){ .ring = rings, .nring = NRING, .bo = bo, .nbo = NBO };
	ringset_index(&rs);
	for (size_t g = 0; g < NRING; g++) {
		for (size_t i = 0; i < NBO; i++) {
			const struct blackout *b = &bo[i];

			span_start[g][i] = b->timed ? b->start :
			    local_midnight(zones[g], b->from.y, b->from.m, b->from.d, 0);
			span_end[g][i] = b->timed ? b->end :
			    local_midnight(zones[g], b->to.y, b->to.m, b->to.d + 1, 0);
		}
		for (int y = 0; y < NYEAR; y++) {
			occ_start[g][y] = local_midnight(zones[g], FIRST_YEAR + y, 7, 1, 0);
			occ_end[g][y] = local_midnight(zones[g], FIRST_YEAR + y, 7, 4, 0);
		}
	}
}

static void
teardown(void)
{
	ringset_index_free(&rs);
	for (size_t i = 0; i < NBO; i++)
		blackout_free(&bo[i]);
	tz_free_all();
}

/*
 * The oracle: the first blackout of ring g of kind mask (1 << kind) whose
 * interval overlaps [s, e), in the set's order, the yearly one's
 * occurrences after all others; NULL for none.  *occ is set when the
 * answer is an occurrence.
 */
static const struct blackout *
oracle(size_t g, time_t s, time_t e, unsigned kinds, bool *occ)
{
	*occ = false;
	for (size_t i = 0; i < NBO; i++) {
		const struct blackout *b = &bo[i];

		if (i == recurring || !(kinds & (1u << b->kind)))
			continue;
		if (b->ring != NULL && strcmp(b->ring, ids[g]) != 0)
			continue;
		if (s < span_end[g][i] && e > span_start[g][i])
			return b;
	}
	for (int y = 0; y < NYEAR && (kinds & (1u << BO_FREEZE)); y++)
		if (s < occ_end[g][y] && e > occ_start[g][y]) {
			*occ = true;
			return &bo[recurring];
		}
	return NULL;
}

/* The engine's answer b is the oracle's o (an occurrence: of the rule o). */
static void
same(const struct blackout *b, const struct blackout *o, bool occ, size_t g, time_t t)
{
	if (occ) {
		ck_assert_msg(b != NULL && b->of == o, "ring %s at %lld: want an occurrence of %s",
		    ids[g], (long long)t, o->name);
		return;
	}
	ck_assert_msg(b == o, "ring %s at %lld: got %s, want %s", ids[g], (long long)t,
	    b ? b->name : "none", o ? o->name : "none");
}

/* Every 97 minutes from December 2025 to February 2029, by each ring. */
START_TEST(freeze_at_every_instant_as_the_oracle)
{
	size_t hits = 0;

	for (size_t g = 0; g < NRING; g++) {
		struct win_ring wr;

		win_ring_init(&wr, &rs, &rings[g]);
		for (time_t t = utc(2025, 12, 1, 0, 0); t < utc(2029, 2, 1, 0, 0); t += 97 * 60) {
			bool occ;
			const struct blackout *o = oracle(g, t, t + 1, 1u << BO_FREEZE, &occ);

			same(win_freeze_at(&rs, &rings[g], t), o, occ, g, t);
			/* Kept across the questions, as a walk keeps it. */
			same(win_freeze_ring(&wr, t), o, occ, g, t);
			hits += o != NULL;
		}
	}
	/* The set is dense enough that many instants fall in a freeze, and many do not. */
	ck_assert_uint_gt(hits, 10000);
	ck_assert_uint_lt(hits, 60000);
}
END_TEST

/* An OS with a planned release every month from 2024 (the calendar's rules give its dates). */
static struct os_def os = { .id = "os", .name = "OS", .arch = ARCH_X64,
    .baseline_months = 1u << 1 | 1u << 4 | 1u << 7 | 1u << 10 };
static struct caldata cal = { .os = &os, .nos = 1 };

/* The offer: release plus the deferral, moved past each pause (the first that covers it). */
static time_t
oracle_offer(size_t g, time_t release, const struct blackout **pause)
{
	time_t t = release + (time_t)rings[g].deferral_days * DAY;
	bool occ;

	*pause = NULL;
	for (int i = 0; i < 8; i++) {
		const struct blackout *p = oracle(g, t, t + 1, 1u << BO_PAUSE, &occ);

		if (p == NULL)
			break;
		if (*pause == NULL)
			*pause = p;
		t = span_end[g][p - bo];
	}
	return t;
}

/*
 * The window: the first Tuesday, Thursday or Saturday 14:00 local, from the
 * day before the offer's, at or after the offer and before the next offer,
 * that no blackout of any kind overlaps for its three hours; *first_block
 * the first blackout that moved it.  0 for none within 70 days.
 */
static time_t
oracle_window(size_t g, time_t offer, time_t next_offer, const struct blackout **first_block)
{
	time_t t = offer;
	struct tm lt;

	*first_block = NULL;
	setenv("TZ", zones[g], 1);
	tzset();
	localtime_r(&t, &lt);
	unsetenv("TZ");
	tzset();
	for (int i = -1; i < 69; i++) {
		time_t s = local_midnight(zones[g], lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday + i,
		    WIN_START);
		struct tm day;
		bool occ;
		const struct blackout *b;

		setenv("TZ", zones[g], 1);
		tzset();
		localtime_r(&s, &day);
		unsetenv("TZ");
		tzset();
		if (!(WIN_DAYS & (1u << day.tm_wday)) || s < offer)
			continue;
		if (s >= next_offer)
			return 0;
		b = oracle(g, s, s + WIN_MIN * 60, 1u << BO_FREEZE | 1u << BO_PAUSE, &occ);
		if (b == NULL)
			return s;
		if (*first_block == NULL)
			*first_block = b;
	}
	return 0;
}

/*
 * Each month of 2026-2028 by each ring, walked as plan does (the walk
 * keeps what it learnt of the ring from month to month): the offer past
 * pauses, and the window past blackouts.
 */
START_TEST(months_as_the_oracle)
{
	size_t moved = 0;

	os.hotpatch_start = ym_make(2024, 1);
	for (size_t g = 0; g < NRING; g++) {
		struct walk w;

		walk_start(&w, &cal, &rs, &rings[g], &os, ym_make(2026, 1));
		for (ym_t m = ym_make(2026, 1); m <= ym_make(2028, 12); m++) {
			struct install in;
			const struct blackout *pause, *block;
			time_t offer, start;

			walk_month(&w, &in);
			ck_assert_int_eq(in.month, m);
			offer = oracle_offer(g, in.release_at, &pause);
			ck_assert_int_eq(in.offered_at, offer);
			ck_assert_ptr_eq(in.pause, pause);
			if (in.skipped)
				continue;
			start = oracle_window(g, offer, in.next_offered_at, &block);
			ck_assert_msg(in.window_start == start, "ring %s month %d: window %lld, want %lld",
			    ids[g], m, (long long)in.window_start, (long long)start);
			if (block == &bo[recurring])
				ck_assert_ptr_eq(in.blackout->of, block);
			else
				ck_assert_ptr_eq(in.blackout, block);
			moved += in.blackout != NULL;
		}
	}
	ck_assert_uint_gt(moved, 10);
}
END_TEST

/* bo_span_upto against counting, for every size to 40 and every day around the entries. */
START_TEST(upto_counts_as_a_scan)
{
	struct bo_span v[40];

	for (size_t n = 0; n <= 40; n++) {
		for (size_t k = 0; k < n; k++)
			v[k].from_day = (int32_t)(k == 0 ? 100 : v[k - 1].from_day + (int32_t)rnd(3));
		for (long last = 95; last < 100 + 2 * (long)n + 5; last++) {
			size_t want = 0;

			for (size_t k = 0; k < n; k++)
				want += v[k].from_day <= last;
			ck_assert_uint_eq(bo_span_upto(v, n, last), want);
		}
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("boindex");

	suite_add_tcase(s, tcase_of("oracle", setup, teardown, TESTS(
	    freeze_at_every_instant_as_the_oracle,
	    months_as_the_oracle,
	    upto_counts_as_a_scan)));
	return run_suite(s);
}
