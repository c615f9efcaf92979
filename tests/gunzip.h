/*
 * gunzip.h: inflate gzip bytes with zlib, a decoder independent of the
 * libdeflate that made them, for the tests of gzip output.
 */
#ifndef HP_TESTS_GUNZIP_H
#define HP_TESTS_GUNZIP_H

#include <stddef.h>

/*
 * gz (len bytes, one gzip member and nothing after it) inflated, allocated;
 * its length in *n.  Fails the running Check test if gz is not that.
 */
char *gunzip(const char *gz, size_t len, size_t *n);

#endif
