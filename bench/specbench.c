/*
 * specbench: the event specs of ring feeds (feed_build_specs, what the feed
 * cache keys each event's text by), as built after a change for every
 * feed it touches.  Reports microseconds per feed and per event, and a
 * checksum of every spec's bytes: a build whose specs differ from another's
 * for the same data shows a different checksum (the cache keys must not
 * move).  Then the fields a spec is made of (dates, local times, numbers),
 * formatted with snprintf as before and with the append helpers of
 * src/specfmt.c, side by side in the same run.
 *
 *   specbench CALENDAR SCHEDULES [FEEDS [ROUNDS]]   (default every ring, 5 rounds)
 */
#include "clock.h"
#include "calfile.h"
#include "diag.h"
#include "feed.h"
#include "ringfile.h"
#include "specfmt.h"
#include "textbuf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS	200000

/* Build the specs of n rings rounds times; the checksum of one round into *sum. */
static double
specs(const struct caldata *cal, const struct ringset *rs, size_t n, int rounds,
    uint64_t *sum, size_t *events)
{
	struct feed_opts o = { .domain = "hotpatchd", .months_back = 12, .months_ahead = 23,
	    .now = 1795564800, .refresh_minutes = 360 };	/* 2026-11-25, as feedbench */
	double t0 = now_s();

	*sum = 0;
	*events = 0;
	for (int k = 0; k < rounds; k++)
		for (size_t i = 0; i < n; i++) {
			struct feed f = { 0 };
			char *cause = NULL;

			if (feed_build_specs(cal, rs, &o, FEED_RING, rs->ring[i].id, &f, &cause) < 0) {
				fprintf(stderr, "specbench: %s\n", cause);
				exit(1);
			}
			for (size_t e = 0; k == 0 && e < f.nev; e++)
				*sum = *sum * 1099511628211u ^ hash64(f.ev[e].spec, f.ev[e].spec_len);
			if (k == 0)
				*events += f.nev;
			feed_free(&f);
		}
	return (now_s() - t0) / rounds;
}

/* One spec's worth of fields, the old way: a date, a local time, a number. */
static size_t
fields_printf(struct textbuf *b, int i)
{
	char v[64];

	b->len = 0;
	snprintf(v, sizeof(v), "%04d%02d%02d", 2026, 1 + i % 12, 1 + i % 28);
	textbuf_add(b, v, strlen(v) + 1);
	snprintf(v, sizeof(v), "%04d-%02d-%02d %02d:%02d %s", 2027, 1 + i % 12, 1 + i % 28,
	    i % 24, i % 60, "Europe/Berlin");
	textbuf_add(b, v, strlen(v) + 1);
	snprintf(v, sizeof(v), "%lld", 1795564800LL + i);
	textbuf_add(b, v, strlen(v) + 1);
	return b->len;
}

static size_t
fields_helpers(struct textbuf *b, int i)
{
	b->len = 0;
	sf_ymd(b, (struct ymd){ 2026, 1 + i % 12, 1 + i % 28 }, false);
	textbuf_add(b, "", 1);
	sf_ymd(b, (struct ymd){ 2027, 1 + i % 12, 1 + i % 28 }, true);
	textbuf_add(b, " ", 1);
	sf_hm(b, (i % 24) * 60 + i % 60);
	textbuf_add(b, " ", 1);
	sf_str(b, "Europe/Berlin");
	textbuf_add(b, "", 1);
	sf_int(b, 1795564800LL + i);
	textbuf_add(b, "", 1);
	return b->len;
}

static double
fields(size_t (*fn)(struct textbuf *, int), size_t *bytes)
{
	struct textbuf b = { 0 };
	double t0 = now_s();

	*bytes = 0;
	for (int i = 0; i < FIELDS; i++)
		*bytes += fn(&b, i);
	t0 = now_s() - t0;
	free(b.s);
	return t0;
}

int
main(int argc, char **argv)
{
	struct caldata cal = { 0 };
	struct ringset rs = { 0 };
	struct diags d = { 0 };
	int rounds = argc > 4 ? atoi(argv[4]) : 5;
	size_t n, events, b_old, b_new;
	uint64_t sum;
	double t, t_old, t_new;

	if (argc < 3 || rounds < 1) {
		fprintf(stderr, "usage: specbench CALENDAR SCHEDULES [FEEDS [ROUNDS]]\n");
		return 2;
	}
	if (calfile_load(argv[1], &cal, &d) < 0 || ringfile_load_dir(argv[2], &cal, &rs, &d) < 0) {
		diags_print(&d, stderr);
		return 1;
	}
	n = argc > 3 && (size_t)atol(argv[3]) < rs.nring ? (size_t)atol(argv[3]) : rs.nring;
	t = specs(&cal, &rs, n, rounds, &sum, &events);
	printf("specs feeds %zu events %zu us_per_feed %.1f us_per_event %.2f checksum %016llx\n",
	    n, events, t * 1e6 / (double)n, t * 1e6 / (double)events, (unsigned long long)sum);
	t_old = fields(fields_printf, &b_old);
	t_new = fields(fields_helpers, &b_new);
	printf("fields printf_ns %.0f helpers_ns %.0f ratio %.2f same_bytes %d\n",
	    t_old * 1e9 / FIELDS, t_new * 1e9 / FIELDS, t_old / t_new, b_old == b_new);
	ringset_free(&rs);
	caldata_free(&cal);
	diags_free(&d);
	return 0;
}
