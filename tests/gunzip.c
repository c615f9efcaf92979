/*
 * gunzip.c: gzip bytes inflated by zlib, for the tests.
 */
#include "gunzip.h"
#include "util.h"

#include <check.h>
#include <stdint.h>
#include <zlib.h>

char *
gunzip(const char *gz, size_t len, size_t *n)
{
	z_stream z = { 0 };
	size_t cap = 1 << 16;
	char *out = xmalloc(cap);
	int rc;

	ck_assert_int_eq(inflateInit2(&z, 16 + 15), Z_OK);	/* the gzip wrapper only */
	z.next_in = (Bytef *)(uintptr_t)gz;
	z.avail_in = (uInt)len;
	do {
		if (z.total_out == cap)
			out = xreallocarray(out, cap *= 2, 1);
		z.next_out = (Bytef *)out + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		rc = inflate(&z, Z_NO_FLUSH);
	} while (rc == Z_OK);
	ck_assert_int_eq(rc, Z_STREAM_END);
	ck_assert_uint_eq(z.avail_in, 0);	/* nothing after the trailer */
	*n = z.total_out;
	inflateEnd(&z);
	return out;
}
