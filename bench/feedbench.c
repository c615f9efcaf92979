/*
 * feedbench: build and render ring feeds (36 months: 12 back, the current
 * one, 23 ahead), as the daemon does once per data generation, and report
 * microseconds per feed and per event.  Serving never renders: this is the
 * cost of the first request after a change.
 *
 * Four passes over the same rings: cold (feed_build + feed_render, libical
 * for every event); through an empty feedcache; through the warm cache with
 * nothing changed; and, after one override (the first OS's month after the
 * current one made a baseline), cold and through the cache, side by side.
 * Every feed of every cached pass is checked byte for byte against the cold
 * rendering of the same data.
 *
 *   feedbench CALENDAR SCHEDULES [FEEDS [ICS]]   (default 1000 rings; ICS:
 *                                                 write the first ring's feed there)
 */
#include "clock.h"
#include "calfile.h"
#include "diag.h"
#include "feed.h"
#include "feedcache.h"
#include "feedincr.h"
#include "ringfile.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_BYTES	((size_t)4 << 30)	/* all of it: the bench measures reuse, not eviction */

struct pass {
	size_t	 events, bytes, differ;
	double	 seconds;
};

/* One ring's feed, cold or through c; its text (allocated). */
static char *
one_feed(const struct caldata *cal, const struct ringset *rs, const struct feed_opts *o,
    const char *id, struct feedcache *c, size_t *nev)
{
	struct feed f = { 0 };
	struct feedincr fi = { 0 };
	char *cause = NULL, *text;
	int rc = c != NULL ? feed_build_specs(cal, rs, o, FEED_RING, id, &f, &cause) :
	    feed_build(cal, rs, o, FEED_RING, id, &f, &cause);

	if (rc < 0) {
		fprintf(stderr, "feedbench: %s\n", cause);
		exit(1);
	}
	if (c != NULL)
		feedincr_hash(c, &f, &fi);
	for (size_t k = 0; k < f.nev; k++)
		f.ev[k].changed = o->now;	/* the store's part, not measured here */
	text = c != NULL ? feedincr_render(c, &f, &fi, o) : feed_render(&f, o);
	*nev = f.nev;
	feedincr_free(&fi);
	feed_free(&f);
	return text;
}

/* Render n rings; with ref, count the feeds that differ from it; without, fill it. */
static struct pass
run(const struct caldata *cal, const struct ringset *rs, const struct feed_opts *o, size_t n,
    struct feedcache *c, uint64_t *ref, int fill)
{
	struct pass p = { 0 };
	double t0 = now_s();

	for (size_t i = 0; i < n; i++) {
		size_t nev;
		char *text = one_feed(cal, rs, o, rs->ring[i].id, c, &nev);
		uint64_t h = hash64(text, strlen(text));

		p.events += nev;
		p.bytes += strlen(text);
		if (fill)
			ref[i] = h;
		else
			p.differ += ref[i] != h;
		free(text);
	}
	p.seconds = now_s() - t0;
	return p;
}

static void
report(const char *what, size_t n, struct pass p)
{
	printf("%s feeds %zu events %zu bytes %zu seconds %.3f us_per_feed %.1f "
	    "us_per_event %.2f differ %zu\n", what, n, p.events, p.bytes, p.seconds,
	    p.seconds * 1e6 / (double)n, p.events ? p.seconds * 1e6 / (double)p.events : 0.0,
	    p.differ);
}

/* The calendar's overrides with one more: os's month m becomes a baseline. */
static struct override *
with_override(struct caldata *cal, const char *os, ym_t m)
{
	struct override *v = xcalloc(cal->novr + 1, sizeof(*v)), *old = cal->ovr;

	if (cal->novr > 0)
		memcpy(v, cal->ovr, cal->novr * sizeof(*v));
	v[cal->novr] = (struct override){ .os = (char *)os, .month = m, .kind = KIND_BASELINE,
	    .reason = (char *)"feedbench", .who = (char *)"feedbench" };
	cal->ovr = v;
	cal->novr++;
	return old;
}

static void
write_ics(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fputs(text, fp) < 0 || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	struct caldata cal = { 0 };
	struct ringset rs = { 0 };
	struct diags d = { 0 };
	/* A fixed "now" (2026-11-25), so every run renders the same months. */
	struct feed_opts o = { .domain = "hotpatchd", .months_back = 12, .months_ahead = 23,
	    .now = 1795564800, .refresh_minutes = 360 };
	struct feedcache *c;
	struct override *saved;
	struct fc_stats st;
	uint64_t *ref;
	size_t n, nev;

	if (argc < 3) {
		fprintf(stderr, "usage: feedbench CALENDAR SCHEDULES [FEEDS [ICS]]\n");
		return 2;
	}
	if (calfile_load(argv[1], &cal, &d) < 0 || ringfile_load_dir(argv[2], &cal, &rs, &d) < 0) {
		diags_print(&d, stderr);
		return 1;
	}
	n = argc > 3 && (size_t)atol(argv[3]) < rs.nring ? (size_t)atol(argv[3]) : rs.nring;
	ref = xcalloc(n, sizeof(*ref));
	c = feedcache_new(CACHE_BYTES);
	report("cold", n, run(&cal, &rs, &o, n, NULL, ref, 1));
	report("cache_empty", n, run(&cal, &rs, &o, n, c, ref, 0));
	feedcache_generation(c, 1);
	report("cache_warm", n, run(&cal, &rs, &o, n, c, ref, 0));
	saved = with_override(&cal, cal.os[0].id, ym_of_time(o.now) + 1);
	feedcache_generation(c, 2);
	report("override_cold", n, run(&cal, &rs, &o, n, NULL, ref, 1));
	report("override_cache", n, run(&cal, &rs, &o, n, c, ref, 0));
	feedcache_stats(c, &st);
	printf("cache pieces %zu bytes %zu hits %lu misses %lu\n", st.pieces, st.bytes, st.hits,
	    st.misses);
	if (argc > 4) {
		char *text = one_feed(&cal, &rs, &o, rs.ring[0].id, NULL, &nev);

		write_ics(argv[4], text);
		free(text);
	}
	free(cal.ovr);
	cal.ovr = saved;
	cal.novr--;
	feedcache_free(c);
	free(ref);
	ringset_free(&rs);
	caldata_free(&cal);
	diags_free(&d);
	return 0;
}
