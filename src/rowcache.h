/*
 * rowcache.h: the plan page's ring/OS rows as HTML, kept from one build of
 * the page to the next under a hash of everything a row's bytes depend on
 * (pages.c makes the key), so the page of 10,000 rings built again after
 * an override renders only the rows of the OS it changed.  Bounded: after
 * a build the rows it did not use go, so the cache holds at most one
 * page's rows.  Pure; the caller (the site) owns it.
 */
#ifndef HP_ROWCACHE_H
#define HP_ROWCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "textbuf.h"

/*
 * The inputs of a row's key, each written with its length (a string) or
 * at a fixed width (a number), so no two different inputs run together
 * into the same bytes; the key is fp_hash of those bytes.
 */
struct rowkey {
	struct textbuf	 b;
};

/* Start a key again; the buffer's room is kept for the next row. */
void rowkey_reset(struct rowkey *k);
/* A string; NULL is told apart from "". */
void rowkey_str(struct rowkey *k, const char *s);
/* At most max bytes of s (a fixed array that may fill it). */
void rowkey_strn(struct rowkey *k, const char *s, size_t max);
void rowkey_int(struct rowkey *k, long long v);
uint64_t rowkey_hash(const struct rowkey *k);
void rowkey_free(struct rowkey *k);

struct rowcache;

struct rowcache *rowcache_new(void);
void rowcache_free(struct rowcache *c);

/* The row kept under key, its length in *len, or NULL; a hit stays through rowcache_sweep. */
const char *rowcache_get(struct rowcache *c, uint64_t key, size_t *len);
/* Keep a copy of the len bytes at p under key. */
void rowcache_put(struct rowcache *c, uint64_t key, const char *p, size_t len);
/*
 * A build of page_len bytes is over: drop the rows it neither got nor put,
 * and remember page_len for rowcache_hint.
 */
void rowcache_sweep(struct rowcache *c, size_t page_len);
/* The rows kept. */
size_t rowcache_rows(const struct rowcache *c);
/* The last build's length (0 before one), to reserve the next page's room at once. */
size_t rowcache_hint(const struct rowcache *c);

#endif
