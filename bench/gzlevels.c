/*
 * gzlevels: compress one file (a ring feed) in gzip with zlib at levels 6
 * and 9 and with libdeflate at 6, 8, 9 and 12, and report each one's
 * microseconds per body, its size, and its speed as a ratio to zlib-9 (what
 * the daemon used before) measured in the same run.  Every output is
 * inflated by zlib and compared with the input.
 *
 *   gzlevels FILE [ROUNDS]   (default 200 compressions per coder)
 */
#include "clock.h"

#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct coder {
	const char	*name;
	int		 zlib;		/* 1: zlib; 0: libdeflate */
	int		 level;
};

static const struct coder coders[] = {
	{ "zlib-6", 1, 6 }, { "zlib-9", 1, 9 },
	{ "libdeflate-6", 0, 6 }, { "libdeflate-8", 0, 8 },
	{ "libdeflate-9", 0, 9 }, { "libdeflate-12", 0, 12 },
};
#define NCODERS	(sizeof(coders) / sizeof(coders[0]))
#define ZLIB_9	1		/* the anchor */

static size_t
zlib_gzip(int level, const unsigned char *in, size_t len, unsigned char *out, size_t cap)
{
	z_stream z = { 0 };
	size_t n = 0;

	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) == Z_STREAM_END)
		n = z.total_out;
	deflateEnd(&z);
	return n;
}

/* Does gz (n bytes) inflate, by zlib, to in (len bytes)? */
static int
round_trips(const unsigned char *gz, size_t n, const unsigned char *in, size_t len)
{
	z_stream z = { 0 };
	unsigned char *back = malloc(len + 1);
	int ok;

	if (back == NULL || inflateInit2(&z, 15 + 16) != Z_OK)
		return 0;
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)n;
	z.next_out = back;
	z.avail_out = (uInt)len + 1;
	ok = inflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out == len &&
	    memcmp(back, in, len) == 0;
	inflateEnd(&z);
	free(back);
	return ok;
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "gzlevels: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Seconds per compression by c over rounds; its size in *size. */
static double
measure(const struct coder *c, int rounds, const unsigned char *in, size_t len,
    unsigned char *out, size_t cap, size_t *size)
{
	struct libdeflate_compressor *d = c->zlib ? NULL : libdeflate_alloc_compressor(c->level);
	double t0 = now_s();

	for (int r = 0; r < rounds; r++)
		*size = c->zlib ? zlib_gzip(c->level, in, len, out, cap) :
		    libdeflate_gzip_compress(d, in, len, out, cap);
	t0 = (now_s() - t0) / rounds;
	if (d != NULL)
		libdeflate_free_compressor(d);
	if (*size == 0 || !round_trips(out, *size, in, len)) {
		fprintf(stderr, "gzlevels: %s does not round-trip\n", c->name);
		exit(1);
	}
	return t0;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 200;
	double sec[NCODERS];
	size_t len, cap, size[NCODERS];
	unsigned char *in, *out;

	if (argc < 2 || rounds < 1) {
		fprintf(stderr, "usage: gzlevels FILE [ROUNDS]\n");
		return 2;
	}
	in = slurp(argv[1], &len);
	cap = len + len / 8 + 1024;	/* above both libraries' bounds for text */
	if ((out = malloc(cap)) == NULL)
		return 1;
	for (size_t i = 0; i < NCODERS; i++)
		sec[i] = measure(&coders[i], rounds, in, len, out, cap, &size[i]);
	printf("| coder | us per body | bytes | speed vs zlib-9 | size vs zlib-9 |\n");
	printf("|---|---|---|---|---|\n");
	for (size_t i = 0; i < NCODERS; i++)
		printf("| %s | %.0f | %zu | %.2fx | %.3f |\n", coders[i].name, sec[i] * 1e6,
		    size[i], sec[ZLIB_9] / sec[i], (double)size[i] / (double)size[ZLIB_9]);
	printf("(%zu bytes in, %d rounds each)\n", len, rounds);
	free(in);
	free(out);
	return 0;
}
