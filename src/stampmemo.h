/*
 * stampmemo.h: what the store last read or wrote of each event's feed
 * state (uid -> hash, SEQUENCE, last change), so a feed built again with
 * most events unchanged stamps them without a query each.  Pure memory:
 * the store decides when it is valid (store_feed.c drops it on a rollback
 * and when another connection has written the database).
 */
#ifndef HP_STAMPMEMO_H
#define HP_STAMPMEMO_H

#include "util.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct memo_stamp {
	const char	*uid;		/* in the memo's own blocks */
	uint64_t	 hash;
	int		 sequence;
	time_t		 changed;
};

struct stampmemo {
	struct strindex		 idx;		/* uid -> position in v */
	struct memo_stamp	*v;
	size_t			 n, cap;
	struct memo_block	*blocks;	/* the uids' bytes */
	size_t			 max;		/* entries kept at most: beyond, it starts over */
};

/* An empty memo of at most max entries. */
void stampmemo_init(struct stampmemo *m, size_t max);
/* The entry for uid, or NULL. */
const struct memo_stamp *stampmemo_get(const struct stampmemo *m, const char *uid);
/* Note uid's state, replacing what was known of it. */
void stampmemo_put(struct stampmemo *m, const char *uid, uint64_t hash, int sequence,
    time_t changed);
/* Forget everything (the memory goes too). */
void stampmemo_clear(struct stampmemo *m);

#endif
