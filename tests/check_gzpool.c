/*
 * check_gzpool: gzip on worker threads.  Buffers of many sizes (empty to
 * 1 MB, text and noise) go through pools of 0, 1 and 3 workers; each
 * result must inflate (zlib's inflate, not our code) to its input and be
 * byte for byte what gzip_bytes makes of it on this thread, and every
 * result must be there once gzpool_finish returns.
 */
#include "encoding.h"
#include "gunzip.h"
#include "gzpool.h"
#include "testutil.h"
#include "util.h"

#include <stdint.h>
#include <string.h>

#define NBUF	40

static char *buf[NBUF];
static size_t len[NBUF];
static char *serial[NBUF];
static size_t serial_len[NBUF];

/* A deterministic generator: the same buffers on every run. */
static uint32_t
next(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* n bytes of calendar-like lines, or of noise that does not compress. */
static char *
make(size_t n, uint32_t seed, int noise)
{
	static const char *const words[] = {
		"BEGIN:VEVENT\r\n", "SUMMARY:Patch window ", "DTSTART:20261207T", "ring-",
		"SEQUENCE:", "END:VEVENT\r\n", "DESCRIPTION:", "classic ", "canary ", "\r\n",
	};
	char *b = xmalloc(n + 1);
	size_t i = 0;

	while (i < n) {
		uint32_t r = next(&seed);

		if (noise) {
			b[i++] = (char)r;
			continue;
		}
		const char *w = words[r % 10];
		char num[16];
		int k = snprintf(num, sizeof(num), "%u", (unsigned)(r % 100000));

		for (size_t j = 0; w[j] != '\0' && i < n; j++)
			b[i++] = w[j];
		for (int j = 0; j < k && i < n; j++)
			b[i++] = num[j];
	}
	b[n] = '\0';
	return b;
}

static void
setup(void)
{
	static const size_t sizes[] = { 0, 1, 255, 256, 4096, 10000, 65543, 300000, 1 << 20 };

	for (size_t i = 0; i < NBUF; i++) {
		len[i] = i < 9 ? sizes[i] : 1000 + (i * 7919 % 100000);
		buf[i] = make(len[i], (uint32_t)i + 1, i % 7 == 3);
		serial[i] = gzip_bytes(buf[i], len[i], &serial_len[i]);
		ck_assert_ptr_nonnull(serial[i]);
	}
}

static void
teardown(void)
{
	for (size_t i = 0; i < NBUF; i++) {
		free(buf[i]);
		free(serial[i]);
	}
}

/* Every buffer, twice over, through a pool of workers started at min_jobs. */
static void
through_pool(size_t workers, size_t min_jobs)
{
	static char unset;
	char *out[2 * NBUF];
	size_t outlen[2 * NBUF];
	struct gzpool *p = gzpool_new(workers, min_jobs);

	for (size_t i = 0; i < 2 * NBUF; i++) {
		out[i] = &unset;
		gzpool_add(p, buf[i % NBUF], len[i % NBUF], &out[i], &outlen[i]);
	}
	gzpool_finish(p);
	for (size_t i = 0; i < 2 * NBUF; i++) {
		size_t k = i % NBUF, n;
		char *back;

		ck_assert_msg(out[i] != &unset && out[i] != NULL, "job %zu not done", i);
		back = gunzip(out[i], outlen[i], &n);
		ck_assert_uint_eq(n, len[k]);
		ck_assert_msg(memcmp(back, buf[k], n) == 0, "job %zu inflates to other bytes", i);
		ck_assert_uint_eq(outlen[i], serial_len[k]);
		ck_assert_msg(memcmp(out[i], serial[k], outlen[i]) == 0,
		    "job %zu: not the bytes gzip_bytes makes", i);
		free(back);
		free(out[i]);
	}
	gzpool_free(p);
}

START_TEST(no_worker)
{
	through_pool(0, 1);
}
END_TEST

START_TEST(one_worker)
{
	through_pool(1, 1);
}
END_TEST

START_TEST(three_workers)
{
	through_pool(3, 1);
}
END_TEST

START_TEST(workers_started_late)
{
	through_pool(3, NBUF + 5);	/* started half-way through the adds */
}
END_TEST

START_TEST(workers_never_started)
{
	through_pool(3, 10 * NBUF);	/* too few jobs: the caller does them all */
}
END_TEST

/* A pool used again after a finish, and freed with jobs still queued. */
START_TEST(finish_twice_and_free)
{
	struct gzpool *p = gzpool_new(2, 1);
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	gzpool_add(p, buf[7], len[7], &a, &alen);
	gzpool_finish(p);
	ck_assert_ptr_nonnull(a);
	gzpool_add(p, buf[8], len[8], &b, &blen);
	gzpool_free(p);		/* finishes first */
	ck_assert_uint_eq(alen, serial_len[7]);
	ck_assert_uint_eq(blen, serial_len[8]);
	ck_assert_int_eq(memcmp(b, serial[8], blen), 0);
	free(a);
	free(b);
}
END_TEST

START_TEST(cpus_bounded)
{
	ck_assert_uint_le(gzpool_cpus(), 3);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("gzpool");

	suite_add_tcase(s, tcase_of("pool", setup, teardown, TESTS(
	    no_worker,
	    one_worker,
	    three_workers,
	    workers_started_late,
	    workers_never_started,
	    finish_twice_and_free,
	    cpus_bounded)));
	return run_suite(s);
}
