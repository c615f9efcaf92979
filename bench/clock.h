/* clock.h: the benchmarks' one clock, monotonic, in seconds. */
#ifndef HP_BENCH_CLOCK_H
#define HP_BENCH_CLOCK_H

#include <time.h>

static inline double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
