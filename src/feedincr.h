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

/* Fill every event's hash (what feed_build gives) for the store's SEQUENCE bookkeeping. */
void feedincr_hash(struct feedcache *c, struct feed *f);

/* The feed as feed_render writes it, once sequence/changed are set (allocated). */
char *feedincr_render(struct feedcache *c, const struct feed *f, const struct feed_opts *o);

#endif
