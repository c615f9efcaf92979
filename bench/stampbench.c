/*
 * stampbench: feed stamps (store_feed_stamp) for a batch of feeds, each
 * feed in its own transaction (as a feed built on request) against all of
 * them held in one (store_feed_hold, as an export), on a fresh database
 * each: first every event new, then again with one event in twenty changed
 * (an override).  Reports stamps per second and the held/per-feed ratio of
 * the same run.  The database is under DIR (removed after).
 *
 *   stampbench DIR [FEEDS [EVENTS]]   (default 2000 feeds of 90 events)
 */
#include "clock.h"
#include "store.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define T0	((time_t)1796083200)

static void
die(const char *what, char *cause)
{
	fprintf(stderr, "stampbench: %s: %s\n", what, cause);
	exit(1);
}

/* Stamp every feed once at now, with hash h (every 20th event h + 1 when bump); seconds. */
static double
pass(struct store *s, bool held, char **uids, size_t feeds, size_t events, uint64_t h,
    bool bump, time_t now)
{
	struct feed_stamp *v = xcalloc(events, sizeof(*v));
	char *cause = NULL;
	double t0 = now_s();

	if (held)
		store_feed_hold(s);
	for (size_t f = 0; f < feeds; f++) {
		for (size_t e = 0; e < events; e++) {
			v[e].uid = uids[f * events + e];
			v[e].hash = h + (bump && e % 20 == 0);
		}
		if (store_feed_stamp(s, v, events, now, &cause) < 0)
			die("stamp", cause);
	}
	if (held && store_feed_release(s, &cause) < 0)
		die("release", cause);
	free(v);
	return now_s() - t0;
}

/* Both passes on a fresh database; seconds of each in t[0] (all new) and t[1] (5% changed). */
static void
run(const char *dir, bool held, char **uids, size_t feeds, size_t events, double t[2])
{
	char *path = xasprintf("%s/stamps-%d.db", dir, held), *cause = NULL;
	struct store *s;

	if (store_open(path, &s, &cause) < 0)
		die(path, cause);
	t[0] = pass(s, held, uids, feeds, events, 1, false, T0);
	t[1] = pass(s, held, uids, feeds, events, 1, true, T0 + 86400);
	store_close(s);
	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s%s", path, (const char *[]){ "", "-wal", "-shm" }[i]);

		unlink(p);
		free(p);
	}
	free(path);
}

int
main(int argc, char **argv)
{
	size_t feeds = argc > 2 ? strtoul(argv[2], NULL, 10) : 2000;
	size_t events = argc > 3 ? strtoul(argv[3], NULL, 10) : 90, n;
	double one[2], held[2];
	char **uids;

	if (argc < 2 || feeds == 0 || events == 0) {
		fprintf(stderr, "usage: stampbench DIR [FEEDS [EVENTS]]\n");
		return 2;
	}
	n = feeds * events;
	uids = xcalloc(n, sizeof(*uids));
	for (size_t i = 0; i < n; i++)
		uids[i] = xasprintf("window-ring%zu-win11-24h2-2027%02zu@hotpatchd",
		    i / events, i % events);
	run(argv[1], false, uids, feeds, events, one);
	run(argv[1], true, uids, feeds, events, held);
	printf("| pass | per feed (stamps/s) | held (stamps/s) | held vs per feed |\n");
	printf("|---|---|---|---|\n");
	printf("| all new | %.0f | %.0f | %.2fx |\n", n / one[0], n / held[0], one[0] / held[0]);
	printf("| 5%% changed | %.0f | %.0f | %.2fx |\n", n / one[1], n / held[1],
	    one[1] / held[1]);
	printf("(%zu feeds of %zu events)\n", feeds, events);
	for (size_t i = 0; i < n; i++)
		free(uids[i]);
	free(uids);
	return 0;
}
