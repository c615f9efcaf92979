/*
 * feedcache.h: rendered feed pieces (an event's text, a calendar's head, a
 * VTIMEZONE) kept by the bytes that determine them, so a feed rendered
 * again after a change renders only the pieces that changed.  Pure: no
 * I/O and no libical; feedincr.c fills it.
 *
 * Memory is bounded: past max_bytes the least recently used pieces go, but
 * never one used since the last feedcache_generation: a pass over every
 * feed that does not fit keeps what it can rather than evicting its own
 * pieces before it reuses them (least recently used would keep nothing).
 */
#ifndef HP_FEEDCACHE_H
#define HP_FEEDCACHE_H

#include <stddef.h>
#include <stdint.h>

struct feedcache;

struct fc_piece {
	const char	*text;		/* NUL-terminated */
	size_t		 len;
	size_t		 split;		/* where an event's SEQUENCE, DTSTAMP, LAST-MODIFIED go */
	uint64_t	 hash;		/* the event's hash for the store (feed.h) */
};

struct fc_stats {
	size_t		 pieces, bytes, max_bytes;
	unsigned long	 hits, misses, evicted, refused;
};

struct feedcache *feedcache_new(size_t max_bytes);
void feedcache_free(struct feedcache *c);

/* The data changed (gen differs from the last one given): older pieces may go. */
void feedcache_generation(struct feedcache *c, unsigned gen);

/* The piece kept for key[0..keylen), or NULL; a hit makes it the most recently used. */
const struct fc_piece *feedcache_get(struct feedcache *c, const void *key, size_t keylen);

/*
 * Keep text (allocated) for key; returns the kept piece, which owns text
 * from then on, or NULL when it does not fit (text stays the caller's).
 */
const struct fc_piece *feedcache_put(struct feedcache *c, const void *key, size_t keylen,
    char *text, size_t len, size_t split, uint64_t hash);

void feedcache_stats(const struct feedcache *c, struct fc_stats *st);

#endif
