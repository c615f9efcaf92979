/*
 * planbench: compute every install window of an estate, as the plan and
 * the ring feeds do, and report the time, the peak memory and a checksum
 * of every answer (so that an optimisation that changes a result shows):
 * checksum over the offer, deadlines, window and status, state_checksum
 * over the state across months, its causes and the blackouts that acted.
 *
 *   planbench CALENDAR SCHEDULES [FIRST-MONTH [MONTHS [RINGS]]]
 *
 * RINGS limits the estate to its first RINGS rings (for the scaling curve).
 * One thread, so the time is one core's: seconds is the wall clock,
 * cpu_seconds the CPU time (the same on an idle machine; on a loaded one
 * the wall clock also counts the time others had the core).
 */
#include "clock.h"
#include "calfile.h"
#include "diag.h"
#include "feed.h"
#include "model.h"
#include "ringfile.h"
#include "windows.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

/* This process's CPU time: on a machine others load, the time the walk itself took. */
static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
mix(uint64_t h, const struct install *in)
{
	int64_t v[] = { in->offered_at, in->install_deadline, in->restart_deadline,
	    in->window_start, in->window_end, in->status, in->kind, in->restart };

	return h * 1099511628211ULL ^ hash64(v, sizeof(v));
}

/* The rest of an install: the state across months, its cause, and what a freeze did. */
static uint64_t
mix_state(uint64_t h, const struct install *in)
{
	int64_t v[] = { in->install, in->state_before, in->state, in->cause, in->cause_month,
	    in->forced_at, in->skipped, in->expedited, in->eligible, in->release_at,
	    in->next_offered_at, in->why, in->mi.kind, in->mi.source,
	    in->blackout != NULL, in->forced_in != NULL, in->restart_in != NULL,
	    in->pause != NULL, in->cause_pause != NULL, in->upgrade != NULL, in->oob != NULL };

	return h * 1099511628211ULL ^ hash64(v, sizeof(v));
}

/*
 * The installs of a stretch of the walk, checksummed between stretches with
 * the clocks stopped: the byte-at-a-time hash would otherwise cost about as
 * much as the walk it checks.  The order, and so each checksum, is the walk's.
 */
#define STRETCH	512

struct sums {
	struct install	 in[STRETCH];
	size_t		 n;
	uint64_t	 sum, state_sum;
	size_t		 status[3];
	double		 wall, cpu;	/* the walk's time, the stretches added up */
	double		 t0, c0;	/* when the current stretch began */
};

static void
stretch_begin(struct sums *s)
{
	s->t0 = now_s();
	s->c0 = cpu_s();
}

static void
stretch_end(struct sums *s)
{
	s->wall += now_s() - s->t0;
	s->cpu += cpu_s() - s->c0;
	for (size_t i = 0; i < s->n; i++) {
		s->sum = mix(s->sum, &s->in[i]);
		s->state_sum = mix_state(s->state_sum, &s->in[i]);
		s->status[s->in[i].status]++;
	}
	s->n = 0;
}

int
main(int argc, char **argv)
{
	struct caldata cal = { 0 };
	struct ringset rs = { 0 };
	struct diags d = { 0 };
	ym_t first = ym_make(2025, 1);
	int months = argc > 4 ? atoi(argv[4]) : 120;
	size_t nring, windows = 0;
	struct rusage ru;
	static struct sums s;

	if (argc < 3 || (argc > 3 && ym_parse(argv[3], &first) < 0) || months < 1) {
		fprintf(stderr, "usage: planbench CALENDAR SCHEDULES [YYYY-MM [MONTHS [RINGS]]]\n");
		return 2;
	}
	if (calfile_load(argv[1], &cal, &d) < 0 || ringfile_load_dir(argv[2], &cal, &rs, &d) < 0) {
		diags_print(&d, stderr);
		return 1;
	}
	nring = argc > 5 && (size_t)atol(argv[5]) < rs.nring ? (size_t)atol(argv[5]) : rs.nring;
	stretch_begin(&s);
	for (size_t i = 0; i < nring; i++) {
		const struct ring *g = &rs.ring[i];

		for (size_t k = 0; k < g->nos; k++) {
			const struct os_def *os = caldata_find_os(&cal, g->os[k]);

			struct walk w;

			if (os == NULL)
				continue;
			/* As plan and the feeds do: one walk per ring and OS, month after month. */
			walk_start(&w, &cal, &rs, g, os, first);
			for (ym_t m = first; m < first + months; m++) {
				walk_month(&w, &s.in[s.n++]);
				windows++;
				if (s.n == STRETCH) {
					stretch_end(&s);
					stretch_begin(&s);
				}
			}
		}
	}
	stretch_end(&s);
	getrusage(RUSAGE_SELF, &ru);
	printf("rings %zu windows %zu seconds %.3f ns_per_window %.0f maxrss_kb %ld "
	    "ok %zu late %zu none %zu checksum %016llx state_checksum %016llx cpu_seconds %.3f\n",
	    nring, windows, s.wall,
	    windows ? s.wall * 1e9 / (double)windows : 0.0, ru.ru_maxrss,
	    s.status[WS_OK], s.status[WS_LATE], s.status[WS_NONE], (unsigned long long)s.sum,
	    (unsigned long long)s.state_sum, s.cpu);
	ringset_free(&rs);
	caldata_free(&cal);
	diags_free(&d);
	return 0;
}
