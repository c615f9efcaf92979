/*
 * bench/cvrfsize FILE.json: how much of an MSRC CVRF document hotpatchctl
 * sends (cvrf_reduce; a request holds 48,384 bytes of file) and how long the
 * reduction takes (the best of 20).
 */
#include "clock.h"
#include "cvrf.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main(int argc, char **argv)
{
	FILE *f;
	char *buf, *out = NULL, *err = NULL;
	long n;
	size_t outlen = 0;
	double best = 1e9;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: bench/cvrfsize FILE.json\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
		return 1;
	fclose(f);
	for (int i = 0; i < 20; i++) {
		double t0 = now_s(), dt;

		free(out);
		if (cvrf_reduce(buf, (size_t)n, time(NULL), &out, &outlen, &err) < 0) {
			fprintf(stderr, "%s: %s\n", argv[1], err);
			return 1;
		}
		dt = now_s() - t0;
		if (dt < best)
			best = dt;
	}
	printf("%ld bytes -> %zu sent, reduced in %.1f ms\n", n, outlen, best * 1e3);
	free(out);
	free(buf);
	return 0;
}
