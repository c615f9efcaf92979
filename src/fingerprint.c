/* fingerprint.c: the files' fingerprint (fingerprint.h). */
#include "fingerprint.h"

#include <stdio.h>
#include <string.h>

/* Two odd constants with well-spread bits (the golden ratio's and a Murmur-style one). */
#define FP_K1	0x9e3779b97f4a7c15ULL
#define FP_K2	0xc2b2ae3d27d4eb4fULL

/* Eight bytes as a little-endian word; compilers make this one load on x86. */
static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* One word into h: the multiplies carry each bit upward, the rotation brings the top down. */
static uint64_t
round64(uint64_t h, uint64_t w)
{
	h ^= w * FP_K2;
	h = h << 31 | h >> 33;
	return h * FP_K1;
}

uint64_t
fp_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = FP_K1 ^ ((uint64_t)len * FP_K2), w = 0;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		h = round64(h, le64(p + i));
	/* The last 0-7 bytes, little-endian, padded with zeros (the length is in h already). */
	for (size_t k = 0; i + k < len; k++)
		w |= (uint64_t)p[i + k] << (8 * k);
	h = round64(h, w);
	h ^= h >> 29;
	h *= FP_K1;
	return h ^ h >> 32;
}

/* Each part with its length, so no two sets of files hash alike by shifting bytes. */
static void
mix(struct fingerprint *f, const void *p, size_t len)
{
	f->h = round64(f->h, fp_hash(p, len));
}

void
fp_begin(struct fingerprint *f)
{
	f->h = 0;
	mix(f, PACKAGE_VERSION, strlen(PACKAGE_VERSION));
}

void
fp_add(struct fingerprint *f, const char *path, const void *buf, size_t len)
{
	mix(f, path, strlen(path));
	mix(f, buf, len);
}

void
fp_hex(const struct fingerprint *f, char out[FP_HEX_LEN])
{
	snprintf(out, FP_HEX_LEN, "%016llx", (unsigned long long)f->h);
}
