/*
 * feedcache.c: rendered feed pieces by the bytes that determine them.  A
 * piece is found by two independent 64-bit hashes of its key and the key's
 * length (a false match needs both to collide: about 2^-128 per pair), and
 * kept on a chain per bucket and on one list from most to least recently
 * used, so a lookup, a use and an eviction are each O(1).
 */
#include "feedcache.h"
#include "util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FC_BUCKETS_MIN	1024

struct fc_entry {
	struct fc_piece	 p;		/* first: what the callers see */
	uint64_t	 h1, h2;
	size_t		 keylen;
	unsigned long	 gen;		/* the cache's generation when last used */
	struct fc_entry	*chain;		/* next in the bucket */
	struct fc_entry	*newer, *older;	/* the use list */
};

struct feedcache {
	struct fc_entry	**bucket;
	size_t		  nbucket;	/* a power of two */
	struct fc_entry	 *newest, *oldest;
	unsigned long	  gen;
	unsigned	  data_gen;	/* the caller's last generation */
	bool		  data_gen_set;
	struct fc_stats	  st;
};

/* Two hashes, 8 bytes a step, with different multipliers and seeds. */
static void
key_hash(const void *key, size_t len, uint64_t *h1, uint64_t *h2)
{
	const unsigned char *p = key;
	uint64_t a = 0x9e3779b97f4a7c15ULL ^ len, b = 0xc2b2ae3d27d4eb4fULL + len;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		a = (a ^ w) * 0xff51afd7ed558ccdULL;
		a ^= a >> 29;
		b = (b + w) * 0x100000001b3ULL;
		b ^= b >> 31;
	}
	for (; len > 0; p++, len--) {
		a = (a ^ *p) * 0xff51afd7ed558ccdULL;
		b = (b + *p) * 0x100000001b3ULL;
	}
	a ^= a >> 33;
	a *= 0xc4ceb9fe1a85ec53ULL;
	*h1 = a ^ (a >> 33);
	*h2 = b ^ (b >> 29);
}

static size_t
entry_bytes(const struct fc_entry *e)
{
	return sizeof(*e) + e->p.len + 1;
}

struct feedcache *
feedcache_new(size_t max_bytes)
{
	struct feedcache *c = xcalloc(1, sizeof(*c));

	c->nbucket = FC_BUCKETS_MIN;
	c->bucket = xcalloc(c->nbucket, sizeof(*c->bucket));
	c->st.max_bytes = max_bytes;
	c->gen = 1;
	return c;
}

void
feedcache_free(struct feedcache *c)
{
	struct fc_entry *e, *next;

	if (c == NULL)
		return;
	for (e = c->newest; e != NULL; e = next) {
		next = e->older;
		free((char *)e->p.text);
		free(e);
	}
	free(c->bucket);
	free(c);
}

void
feedcache_generation(struct feedcache *c, unsigned gen)
{
	if (c->data_gen_set && c->data_gen == gen)
		return;
	c->data_gen = gen;
	c->data_gen_set = true;
	c->gen++;
}

static void
unlink_use(struct feedcache *c, struct fc_entry *e)
{
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void
link_newest(struct feedcache *c, struct fc_entry *e)
{
	e->older = c->newest;
	e->newer = NULL;
	if (c->newest != NULL)
		c->newest->newer = e;
	c->newest = e;
	if (c->oldest == NULL)
		c->oldest = e;
}

static struct fc_entry **
slot_of(struct feedcache *c, uint64_t h1, uint64_t h2, size_t keylen)
{
	struct fc_entry **pp = &c->bucket[h1 & (c->nbucket - 1)];

	while (*pp != NULL && ((*pp)->h1 != h1 || (*pp)->h2 != h2 || (*pp)->keylen != keylen))
		pp = &(*pp)->chain;
	return pp;
}

const struct fc_piece *
feedcache_get(struct feedcache *c, const void *key, size_t keylen)
{
	struct fc_entry *e;
	uint64_t h1, h2;

	key_hash(key, keylen, &h1, &h2);
	if ((e = *slot_of(c, h1, h2, keylen)) == NULL) {
		c->st.misses++;
		return NULL;
	}
	c->st.hits++;
	e->gen = c->gen;
	unlink_use(c, e);
	link_newest(c, e);
	return &e->p;
}

/* Drop the least recently used piece if the current generation has not used it. */
static bool
evict_one(struct feedcache *c)
{
	struct fc_entry *e = c->oldest, **pp;

	if (e == NULL || e->gen == c->gen)
		return false;
	pp = slot_of(c, e->h1, e->h2, e->keylen);
	*pp = e->chain;
	unlink_use(c, e);
	c->st.pieces--;
	c->st.bytes -= entry_bytes(e);
	c->st.evicted++;
	free((char *)e->p.text);
	free(e);
	return true;
}

/* Twice the buckets once there are more pieces than buckets: chains stay short. */
static void
rehash(struct feedcache *c)
{
	size_t n = c->nbucket * 2;
	struct fc_entry **b = xcalloc(n, sizeof(*b));

	for (struct fc_entry *e = c->newest; e != NULL; e = e->older) {
		e->chain = b[e->h1 & (n - 1)];
		b[e->h1 & (n - 1)] = e;
	}
	free(c->bucket);
	c->bucket = b;
	c->nbucket = n;
}

const struct fc_piece *
feedcache_put(struct feedcache *c, const void *key, size_t keylen, char *text, size_t len,
    size_t split, uint64_t hash)
{
	struct fc_entry *e = xcalloc(1, sizeof(*e)), **pp;

	e->p = (struct fc_piece){ .text = text, .len = len, .split = split, .hash = hash };
	key_hash(key, keylen, &e->h1, &e->h2);
	e->keylen = keylen;
	e->gen = c->gen;
	while (c->st.bytes + entry_bytes(e) > c->st.max_bytes && evict_one(c))
		;
	if (c->st.bytes + entry_bytes(e) > c->st.max_bytes ||
	    *(pp = slot_of(c, e->h1, e->h2, keylen)) != NULL) {
		c->st.refused++;
		free(e);
		return NULL;
	}
	*pp = e;
	link_newest(c, e);
	c->st.pieces++;
	c->st.bytes += entry_bytes(e);
	if (c->st.pieces > c->nbucket)
		rehash(c);
	return &e->p;
}

void
feedcache_stats(const struct feedcache *c, struct fc_stats *st)
{
	*st = c->st;
}
