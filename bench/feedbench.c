/*
 * feedbench: build and render ring feeds (36 months: 12 back, the current
 * one, 23 ahead), as the daemon does once per data generation, and report
 * microseconds per feed and per event.  Serving never renders: this is the
 * cost of the first request after a change.
 *
 *   feedbench CALENDAR SCHEDULES [FEEDS]      (default 1000 rings)
 */
#include "clock.h"
#include "calfile.h"
#include "diag.h"
#include "feed.h"
#include "ringfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int
main(int argc, char **argv)
{
	struct caldata cal = { 0 };
	struct ringset rs = { 0 };
	struct diags d = { 0 };
	/* A fixed "now" (2026-11-25), so every run renders the same months. */
	struct feed_opts o = { .domain = "hotpatchd", .months_back = 12, .months_ahead = 23,
	    .now = 1795564800, .refresh_minutes = 360 };
	size_t n, events = 0, bytes = 0;
	double t0, t1;

	if (argc < 3) {
		fprintf(stderr, "usage: feedbench CALENDAR SCHEDULES [FEEDS]\n");
		return 2;
	}
	if (calfile_load(argv[1], &cal, &d) < 0 || ringfile_load_dir(argv[2], &cal, &rs, &d) < 0) {
		diags_print(&d, stderr);
		return 1;
	}
	n = argc > 3 && (size_t)atol(argv[3]) < rs.nring ? (size_t)atol(argv[3]) : rs.nring;
	t0 = now_s();
	for (size_t i = 0; i < n; i++) {
		struct feed f = { 0 };
		char *cause = NULL, *text;

		if (feed_build(&cal, &rs, &o, FEED_RING, rs.ring[i].id, &f, &cause) < 0) {
			fprintf(stderr, "feedbench: %s\n", cause);
			return 1;
		}
		for (size_t k = 0; k < f.nev; k++)
			f.ev[k].changed = o.now;	/* the store's part, not measured here */
		text = feed_render(&f, &o);
		events += f.nev;
		bytes += strlen(text);
		free(text);
		feed_free(&f);
	}
	t1 = now_s();
	printf("feeds %zu events %zu bytes %zu seconds %.3f us_per_feed %.1f us_per_event %.2f\n",
	    n, events, bytes, t1 - t0, (t1 - t0) * 1e6 / (double)n,
	    events ? (t1 - t0) * 1e6 / (double)events : 0.0);
	ringset_free(&rs);
	caldata_free(&cal);
	diags_free(&d);
	return 0;
}
