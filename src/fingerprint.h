/*
 * fingerprint.h: what the store keeps to tell, at the next start, whether the
 * calendar and ring files are byte for byte those it last imported: a hash
 * of every file's path and bytes, in order.  The bytes are hashed eight at a
 * time (the files are megabytes and a start waits for this), never skipped:
 * a file edited behind the daemon's back is seen whatever its size and dates.
 */
#ifndef HP_FINGERPRINT_H
#define HP_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#define FP_HEX_LEN	17	/* 16 hex digits and the NUL */

struct fingerprint {
	uint64_t	 h;
};

/* The hash of len bytes at p, read as little-endian words whatever the machine
 * (also the pages' ETags, src/site.c). */
uint64_t fp_hash(const void *p, size_t len);

/* A fingerprint of nothing yet; it already depends on the program's version. */
void fp_begin(struct fingerprint *f);
/* Add one file: its path, then its bytes, each with its length. */
void fp_add(struct fingerprint *f, const char *path, const void *buf, size_t len);
/* The fingerprint as 16 lowercase hex digits. */
void fp_hex(const struct fingerprint *f, char out[FP_HEX_LEN]);

#endif
