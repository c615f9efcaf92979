/*
 * check_feedincr: feeds rendered through the feed cache are byte for byte
 * the feeds rendered cold (feed_build + feed_render, every event and the
 * whole calendar serialised by libical), for every feed of the shipped
 * calendar and schedules plus rings in UTC, a fixed offset (Asia/Kolkata,
 * +05:30 all year), a half-hour DST zone and a ring with no window;
 * and stay so after each change (an override, a ring's window, a blackout,
 * the month turning): the cold rendering of the new data is the oracle, and
 * it shares none of the cache's assembly (head, VTIMEZONE, events, stamps).
 * The cache itself: eviction order, the bound, refusal, freeing.
 */
#include "calfile.h"
#include "diag.h"
#include "feed.h"
#include "feedcache.h"
#include "feedincr.h"
#include "ringfile.h"
#include "testutil.h"
#include "tzcache.h"
#include "util.h"

#include <libical/ical.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BIG	((size_t)256 << 20)

/* 2026-11-25 00:00Z: horizon 2025-11 .. 2028-10, as the daemon's default (12 back, 23 ahead). */
static struct feed_opts opts = { .domain = "hp.example", .months_back = 12, .months_ahead = 23,
    .now = 1795564800, .refresh_minutes = 360 };

static const char *const shipped[] = {
	"schedules/autopatch-classic.yaml", "schedules/autopatch-default.yaml",
	"schedules/server-2025.yaml", "schedules/state-examples.yaml",
};

/* %s: the Kolkata ring's window start; %s: the extra blackout of the UTC ring, or "". */
static const char zones_fmt[] =
    "version: 1\n"
    "rings:\n"
    "  - id: z-utc\n"
    "    name: \"UTC; ring, with commas\"\n"
    "    os: [win11-24h2, win11-25h2]\n"
    "    deferral_days: 0\n    deadline_days: 5\n    grace_days: 2\n"
    "    timezone: UTC\n    hotpatch: true\n    reminder: 10m\n"
    "    windows:\n      - days: [tue, wed]\n        start: \"20:00\"\n        duration: 2h\n"
    "%s"
    "  - id: z-kolkata\n"
    "    name: \"Fixed offset\"\n"
    "    os: [win11-24h2, ws2025-azure]\n"
    "    deferral_days: 2\n    deadline_days: 3\n    grace_days: 1\n"
    "    timezone: Asia/Kolkata\n    hotpatch: true\n"
    "    windows:\n      - offset_days: 2\n        start: \"%s\"\n        duration: 3h\n"
    "  - id: z-lordhowe\n"
    "    name: \"Half-hour DST\"\n"
    "    os: [win11-25h2]\n"
    "    deferral_days: 1\n    deadline_days: 7\n    grace_days: 2\n"
    "    timezone: Australia/Lord_Howe\n    hotpatch: false\n    reminder: 1m\n"
    "    windows:\n      - days: [sun]\n        start: \"01:30\"\n        duration: 1h\n"
    "  - id: z-nowindow\n"
    "    name: \"No window, unknown zone\"\n"
    "    os: [win11-24h2]\n"
    "    deferral_days: 0\n    deadline_days: 2\n    grace_days: 1\n"
    "    timezone: America/St_Johns\n    hotpatch: true\n";

static const char utc_blackout[] =
    "    blackouts:\n"
    "      - { name: \"December freeze\", from: 2026-12-01, to: 2026-12-31 }\n";

static char dir[] = "/tmp/check_feedincr.XXXXXX";
static struct caldata cal;
static struct ringset rs;

static void
write_text(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert((f = fopen(path, "w")) != NULL);
	ck_assert(fputs(text, f) >= 0);
	ck_assert(fclose(f) == 0);
}

static void
write_zones(const char *kolkata_start, const char *blackout)
{
	char text[4096];

	snprintf(text, sizeof(text), zones_fmt, blackout, kolkata_start);
	write_text("zones.yaml", text);
}

/* (Re)load the rings from dir, as the daemon's reload does. */
static void
load_rings(void)
{
	struct diags d = { 0 };

	ringset_free(&rs);
	memset(&rs, 0, sizeof(rs));
	if (ringfile_load_dir(dir, &cal, &rs, &d) < 0) {
		diags_print(&d, stderr);
		ck_abort_msg("ring files do not load");
	}
	diags_free(&d);
}

static void
setup(void)
{
	struct diags d = { 0 };
	char *path = srcpath("data/calendar.yaml");

	strcpy(dir, "/tmp/check_feedincr.XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		size_t len;
		char *text = source_file(shipped[i], &len);

		write_text(strrchr(shipped[i], '/') + 1, text);
		free(text);
	}
	write_zones("21:30", "");
	memset(&cal, 0, sizeof(cal));
	ck_assert_msg(calfile_load(path, &cal, &d) == 0, "calendar does not load");
	free(path);
	diags_free(&d);
	load_rings();
}

static void
teardown(void)
{
	char cmd[128];

	ringset_free(&rs);
	memset(&rs, 0, sizeof(rs));
	caldata_free(&cal);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert(system(cmd) == 0);
	tz_free_all();
	icalmemory_free_ring();
}

/* The store's part, made up but varied: sequences of one to six digits, changes an hour apart. */
static void
stamp(struct feed *f)
{
	for (size_t i = 0; i < f->nev; i++) {
		f->ev[i].sequence = (int)(i * 7919 % 100003 % (i % 3 == 0 ? 5 : 1000003));
		f->ev[i].changed = opts.now - (time_t)i * 3600;
	}
}

static char *
cold(enum feed_kind kind, const char *id, struct feed *f)
{
	char *cause = NULL;

	ck_assert_msg(feed_build(&cal, &rs, &opts, kind, id, f, &cause) == 0, "%s", cause);
	stamp(f);
	return feed_render(f, &opts);
}

static char *
cached(struct feedcache *c, enum feed_kind kind, const char *id, struct feed *f)
{
	struct feedincr fi = { 0 };
	char *cause = NULL, *text;

	ck_assert_msg(feed_build_specs(&cal, &rs, &opts, kind, id, f, &cause) == 0, "%s", cause);
	feedincr_hash(c, f, &fi);
	stamp(f);
	text = feedincr_render(c, f, &fi, &opts);
	feedincr_free(&fi);
	return text;
}

/* One feed both ways: the same bytes and the same event hashes; the text's hash. */
static uint64_t
compare(struct feedcache *c, enum feed_kind kind, const char *id, size_t *nev)
{
	struct feed a = { 0 }, b = { 0 };
	char *ta = cold(kind, id, &a), *tb = cached(c, kind, id, &b);
	uint64_t h = hash64(ta, strlen(ta));

	ck_assert_msg(strcmp(ta, tb) == 0, "feed %s: the cached rendering differs", id ? id : "all");
	ck_assert_uint_eq(a.nev, b.nev);
	for (size_t i = 0; i < a.nev; i++)
		ck_assert_msg(a.ev[i].hash == b.ev[i].hash, "%s: hash differs", a.ev[i].uid);
	*nev += a.nev;
	free(ta);
	free(tb);
	feed_free(&a);
	feed_free(&b);
	return h;
}

/*
 * Every feed (all, each OS, each ring) both ways; h[i] gets feed i's hash.
 * Returns the number of feeds; *nev counts their events.
 */
static size_t
compare_all(struct feedcache *c, uint64_t *h, size_t *nev)
{
	size_t n = 0;

	*nev = 0;
	h[n++] = compare(c, FEED_ALL, NULL, nev);
	for (size_t i = 0; i < cal.nos; i++)
		h[n++] = compare(c, FEED_OS, cal.os[i].id, nev);
	for (size_t i = 0; i < rs.nring; i++)
		h[n++] = compare(c, FEED_RING, rs.ring[i].id, nev);
	return n;
}

static size_t
count_changed(const uint64_t *a, const uint64_t *b, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += a[i] != b[i];
	return k;
}

static size_t
ring_at(const char *id)
{
	for (size_t i = 0; i < rs.nring; i++)
		if (strcmp(rs.ring[i].id, id) == 0)
			return 1 + cal.nos + i;	/* its position in compare_all */
	ck_abort_msg("no ring %s", id);
	return 0;
}

START_TEST(the_estate_covers_the_cases)
{
	/* Multi-OS rings with windows that coincide, blackouts, out-of-band releases. */
	size_t multi = 0, oob = 0;

	ck_assert_uint_ge(rs.nring, 10);
	for (size_t i = 0; i < rs.nring; i++)
		multi += rs.ring[i].nos > 1;
	for (size_t i = 0; i < cal.nos; i++)
		oob += cal.os[i].noob;
	ck_assert_uint_ge(multi, 5);
	ck_assert_uint_ge(oob, 1);
	ck_assert_uint_ge(rs.nbo, 3);
}
END_TEST

START_TEST(cold_and_cached_feeds_are_byte_identical)
{
	struct feedcache *c = feedcache_new(BIG);
	uint64_t h1[128], h2[128];
	size_t nev, n;
	struct fc_stats st;

	ck_assert_uint_le(1 + cal.nos + rs.nring, 128);
	n = compare_all(c, h1, &nev);		/* empty cache: every event rendered */
	feedcache_stats(c, &st);
	ck_assert_uint_gt(st.misses, 0);
	feedcache_generation(c, 1);
	ck_assert_uint_eq(compare_all(c, h2, &nev), n);	/* warm: no event rendered again */
	ck_assert_uint_eq(count_changed(h1, h2, n), 0);
	{
		struct fc_stats st2;

		feedcache_stats(c, &st2);
		ck_assert_uint_eq(st2.misses, st.misses);
		ck_assert_uint_ge(st2.hits - st.hits, nev);
	}
	feedcache_free(c);
}
END_TEST

/* The cached feeds equal the cold ones of the new data, and some feeds did change. */
static void
after_change(struct feedcache *c, const uint64_t *before, size_t n, unsigned gen,
    size_t *changed)
{
	uint64_t after[128];
	size_t nev;

	feedcache_generation(c, gen);
	ck_assert_uint_eq(compare_all(c, after, &nev), n);
	*changed = count_changed(before, after, n);
}

START_TEST(an_override_changes_exactly_the_feeds_a_cold_render_changes)
{
	struct feedcache *c = feedcache_new(BIG);
	uint64_t h[128];
	size_t nev, n = compare_all(c, h, &nev), changed;
	struct override *o;

	/* 2027-02, a hotpatch month of win11-24h2, made a baseline: that OS's feeds change. */
	cal.ovr = xreallocarray(cal.ovr, cal.novr + 1, sizeof(*cal.ovr));
	o = &cal.ovr[cal.novr++];
	*o = (struct override){ .os = xstrdup("win11-24h2"), .month = ym_make(2027, 2),
	    .kind = KIND_BASELINE, .reason = xstrdup("test"), .who = xstrdup("test"),
	    .runtime = true };
	after_change(c, h, n, 1, &changed);
	ck_assert_uint_gt(changed, 2);	/* the all feed, the OS feed, its rings */
	ck_assert_uint_lt(changed, n);	/* not the other OSes' feeds */
	feedcache_free(c);
}
END_TEST

START_TEST(a_ring_window_and_a_blackout_change_their_rings_feeds)
{
	struct feedcache *c = feedcache_new(BIG);
	uint64_t h[128], h2[128];
	size_t nev, n = compare_all(c, h, &nev), changed;

	write_zones("06:00", "");		/* the Kolkata ring's window moves */
	load_rings();
	after_change(c, h, n, 1, &changed);
	ck_assert_uint_eq(changed, 1);
	compare_all(c, h2, &nev);
	ck_assert(h2[ring_at("z-kolkata")] != h[ring_at("z-kolkata")]);

	write_zones("06:00", utc_blackout);	/* the UTC ring gets a year-end blackout */
	load_rings();
	after_change(c, h2, n, 2, &changed);
	ck_assert_uint_eq(changed, 1);
	compare_all(c, h, &nev);
	ck_assert(h[ring_at("z-utc")] != h2[ring_at("z-utc")]);
	feedcache_free(c);
}
END_TEST

START_TEST(the_month_turning_moves_every_feed_and_the_zones)
{
	struct feedcache *c = feedcache_new(BIG);
	uint64_t h[128];
	size_t nev, n = compare_all(c, h, &nev), changed;

	opts.now += 31 * 86400;		/* 2026-12-26: the horizon starts a month later */
	after_change(c, h, n, 0, &changed);
	opts.now -= 31 * 86400;
	ck_assert_uint_eq(changed, n);
	feedcache_free(c);
}
END_TEST

START_TEST(a_small_cache_stays_within_its_bound_and_renders_the_same)
{
	struct feedcache *c = feedcache_new(64 * 1024);	/* far less than one pass needs */
	uint64_t h[128];
	size_t nev;
	struct fc_stats st;

	for (unsigned gen = 0; gen < 3; gen++) {
		feedcache_generation(c, gen);
		compare_all(c, h, &nev);
		feedcache_stats(c, &st);
		ck_assert_uint_le(st.bytes, 64 * 1024);
	}
	ck_assert_uint_gt(st.evicted, 0);
	ck_assert_uint_gt(st.refused, 0);
	ck_assert_uint_gt(st.hits, 0);
	feedcache_free(c);
}
END_TEST

/* ---- the cache alone ---- */

static char *
text(const char *s)
{
	return xstrdup(s);
}

START_TEST(pieces_are_found_by_their_key_only)
{
	struct feedcache *c = feedcache_new(BIG);
	const struct fc_piece *p;

	ck_assert(feedcache_get(c, "a", 1) == NULL);
	p = feedcache_put(c, "a", 1, text("AAAA"), 4, 2, 7);
	ck_assert(p != NULL);
	p = feedcache_get(c, "a", 1);
	ck_assert(p != NULL);
	ck_assert_str_eq(p->text, "AAAA");
	ck_assert_uint_eq(p->split, 2);
	ck_assert_uint_eq(p->hash, 7);
	ck_assert(feedcache_get(c, "a\0", 2) == NULL);	/* same bytes, longer key */
	ck_assert(feedcache_get(c, "b", 1) == NULL);
	feedcache_free(c);
}
END_TEST

START_TEST(eviction_takes_the_least_recently_used_of_older_generations_only)
{
	struct feedcache *probe = feedcache_new(BIG), *c;
	struct fc_stats st;
	char *own;

	feedcache_put(probe, "x", 1, text("12345678"), 8, 0, 0);
	feedcache_stats(probe, &st);
	feedcache_free(probe);
	c = feedcache_new(3 * st.bytes);	/* room for three pieces of 8 bytes */

	feedcache_generation(c, 1);
	ck_assert(feedcache_put(c, "A", 1, text("aaaaaaaa"), 8, 0, 0) != NULL);
	ck_assert(feedcache_put(c, "B", 1, text("bbbbbbbb"), 8, 0, 0) != NULL);
	ck_assert(feedcache_put(c, "C", 1, text("cccccccc"), 8, 0, 0) != NULL);
	feedcache_generation(c, 2);
	ck_assert(feedcache_put(c, "D", 1, text("dddddddd"), 8, 0, 0) != NULL);
	ck_assert(feedcache_get(c, "A", 1) == NULL);	/* the oldest went */
	ck_assert(feedcache_get(c, "B", 1) != NULL);	/* used now: B is the newest */
	ck_assert(feedcache_put(c, "E", 1, text("eeeeeeee"), 8, 0, 0) != NULL);
	ck_assert(feedcache_get(c, "C", 1) == NULL);	/* C, not B */
	/* B, D and E were all used in this generation: F is refused, not kept at their cost. */
	own = text("ffffffff");
	ck_assert(feedcache_put(c, "F", 1, own, 8, 0, 0) == NULL);
	free(own);					/* still the caller's */
	ck_assert(feedcache_get(c, "B", 1) != NULL);
	ck_assert(feedcache_get(c, "D", 1) != NULL);
	ck_assert(feedcache_get(c, "E", 1) != NULL);
	feedcache_stats(c, &st);
	ck_assert_uint_eq(st.pieces, 3);
	ck_assert_uint_eq(st.evicted, 2);
	ck_assert_uint_eq(st.refused, 1);
	ck_assert_uint_le(st.bytes, st.max_bytes);
	/* The same generation given again is no new generation. */
	feedcache_generation(c, 2);
	own = text("gggggggg");
	ck_assert(feedcache_put(c, "G", 1, own, 8, 0, 0) == NULL);
	free(own);
	feedcache_free(c);
}
END_TEST

START_TEST(a_key_kept_twice_is_refused_the_second_time)
{
	struct feedcache *c = feedcache_new(BIG);
	char *own = text("two");

	ck_assert(feedcache_put(c, "k", 1, text("one"), 3, 0, 0) != NULL);
	ck_assert(feedcache_put(c, "k", 1, own, 3, 0, 0) == NULL);
	free(own);
	ck_assert_str_eq(feedcache_get(c, "k", 1)->text, "one");
	feedcache_free(c);
}
END_TEST

START_TEST(many_pieces_grow_the_table_and_free_cleanly)
{
	struct feedcache *c = feedcache_new(BIG);
	struct fc_stats st;
	char key[32];

	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "key %d", i);
		ck_assert(feedcache_put(c, key, strlen(key), xasprintf("text %d", i), 6, 0,
		    (uint64_t)i) != NULL);
	}
	for (int i = 0; i < 5000; i += 7) {
		snprintf(key, sizeof(key), "key %d", i);
		ck_assert_uint_eq(feedcache_get(c, key, strlen(key))->hash, (uint64_t)i);
	}
	feedcache_stats(c, &st);
	ck_assert_uint_eq(st.pieces, 5000);
	feedcache_free(c);
	feedcache_free(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("feedincr");
	TCase *tc = tcase_create("feeds");
	TCase *tu = tcase_create("cache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, the_estate_covers_the_cases);
	tcase_add_test(tc, cold_and_cached_feeds_are_byte_identical);
	tcase_add_test(tc, an_override_changes_exactly_the_feeds_a_cold_render_changes);
	tcase_add_test(tc, a_ring_window_and_a_blackout_change_their_rings_feeds);
	tcase_add_test(tc, the_month_turning_moves_every_feed_and_the_zones);
	tcase_add_test(tc, a_small_cache_stays_within_its_bound_and_renders_the_same);
	suite_add_tcase(s, tc);
	tcase_add_test(tu, pieces_are_found_by_their_key_only);
	tcase_add_test(tu, eviction_takes_the_least_recently_used_of_older_generations_only);
	tcase_add_test(tu, a_key_kept_twice_is_refused_the_second_time);
	tcase_add_test(tu, many_pieces_grow_the_table_and_free_cleanly);
	suite_add_tcase(s, tu);
	return run_suite(s);
}
