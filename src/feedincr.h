/*
 * feedincr.h: feeds rendered through a feedcache.  The events come from
 * feed_build_specs; each event's text is looked up by its spec and only
 * the events not kept are rendered by libical, as are the calendar's head
 * and VTIMEZONE.  The text is byte for byte feed_render's of the same feed
 * (tests/check_feedincr.c renders many feeds both ways).
 */
#ifndef HP_FEEDINCR_H
#define HP_FEEDINCR_H

#include "feed.h"
#include "feedcache.h"

/*
 * Each event's text for one feed: found or rendered once by feedincr_hash
 * and written by feedincr_render.  A piece the cache holds stays put until
 * its generation moves on (feedcache.c never evicts a piece the current
 * generation used), which cannot happen in between.
 */
struct feedincr {
	struct fi_event {
		struct fc_piece	 piece;
		char		*own;	/* the text, when the cache could not keep it */
	}		*ev;
	size_t		 n;
};

/* Fill every event's hash (what feed_build gives) for the store's SEQUENCE bookkeeping. */
void feedincr_hash(struct feedcache *c, struct feed *f, struct feedincr *fi);

/* The feed as feed_render writes it, once sequence/changed are set (allocated). */
char *feedincr_render(struct feedcache *c, const struct feed *f, const struct feedincr *fi,
    const struct feed_opts *o);

void feedincr_free(struct feedincr *fi);

#endif
