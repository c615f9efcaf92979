/*
 * placement.h: the ring a device of an inventory belongs to (issue 16,
 * "Ring membership").  A device's own ring (a ring column or --ring)
 * wins; else the ring whose groups: list names the device's group.  Group
 * names are compared without regard to ASCII case, as Entra ID compares
 * them.  Pure: no I/O; the daemon places its inventory after every load of
 * the devices or of the rings (daemon.c).
 */
#ifndef HP_PLACEMENT_H
#define HP_PLACEMENT_H

#include "device.h"
#include "model.h"
#include "util.h"

#define GROUP_NAME_MAX	256	/* bytes of one group name in a ring's groups: */
#define RING_GROUPS_MAX	64	/* groups one ring may list */

enum place {
	PLACE_RING,		/* its own ring, which the ring set has */
	PLACE_GROUP,		/* the ring that lists its group */
	PLACE_NONE,		/* neither a ring nor a group */
	PLACE_UNKNOWN_RING,	/* its own ring is not in the ring set */
	PLACE_UNLISTED_GROUP,	/* no ring lists its group */
};

/* A ring set's groups, folded, for lookups: 100,000 devices do not scan every ring. */
struct group_index {
	const struct ringset	*rs;
	struct strindex		 idx;		/* folded group -> ring position */
	char			**keys;		/* the folded names idx points into */
	size_t			 nkeys;
};

/* The key a group name is compared by: a copy with ASCII letters in lower case. */
char *group_key(const char *name);

/*
 * Index the groups of rs's rings.  The ring loader refuses a group two
 * rings list; should a set still have one, the first ring keeps it.
 */
void group_index_init(struct group_index *x, const struct ringset *rs);
void group_index_free(struct group_index *x);

/* The ring of the indexed set whose groups: names group (any case), or NULL. */
const struct ring *group_ring(const struct group_index *x, const char *group);

/*
 * Where device d belongs in x's ring set: *g gets the ring for PLACE_RING
 * and PLACE_GROUP, NULL otherwise.  A ring d got from its group earlier
 * (ring_by_group) is not its own: the group is looked up again.
 */
enum place device_place(const struct group_index *x, const struct device *d,
    const struct ring **g);

/*
 * Give every grouped device of inv without its own ring the ring of rs that
 * lists its group (dev->ring, ring_by_group set), or none when no ring
 * does; rings from an earlier placement are dropped first.
 */
void inventory_place(struct inventory *inv, const struct ringset *rs);

#endif
