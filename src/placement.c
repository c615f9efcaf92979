/*
 * placement.c: a device's ring from its own ring or its group (placement.h).
 */
#include "placement.h"

#include <stdlib.h>
#include <string.h>

char *
group_key(const char *name)
{
	char *k = xstrdup(name);

	/* ASCII only: locale-free, so the daemon and its tests fold alike. */
	for (char *p = k; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return k;
}

void
group_index_init(struct group_index *x, const struct ringset *rs)
{
	size_t n = 0, pos;

	memset(x, 0, sizeof(*x));
	x->rs = rs;
	for (size_t i = 0; i < rs->nring; i++)
		n += rs->ring[i].ngroups;
	x->keys = xcalloc(n + 1, sizeof(*x->keys));
	for (size_t i = 0; i < rs->nring; i++) {
		for (size_t k = 0; k < rs->ring[i].ngroups; k++) {
			char *key = group_key(rs->ring[i].groups[k]);

			x->keys[x->nkeys++] = key;
			if (!strindex_get(&x->idx, key, &pos))
				strindex_put(&x->idx, key, i);
		}
	}
}

void
group_index_free(struct group_index *x)
{
	for (size_t i = 0; i < x->nkeys; i++)
		free(x->keys[i]);
	free(x->keys);
	strindex_free(&x->idx);
	memset(x, 0, sizeof(*x));
}

const struct ring *
group_ring(const struct group_index *x, const char *group)
{
	char *key = group_key(group);
	size_t pos;
	bool found = strindex_get(&x->idx, key, &pos);

	free(key);
	return found ? &x->rs->ring[pos] : NULL;
}

enum place
device_place(const struct group_index *x, const struct device *d, const struct ring **g)
{
	*g = NULL;
	if (d->ring != NULL && !d->ring_by_group) {
		*g = ringset_find(x->rs, d->ring);
		return *g != NULL ? PLACE_RING : PLACE_UNKNOWN_RING;
	}
	if (d->group == NULL)
		return PLACE_NONE;
	*g = group_ring(x, d->group);
	return *g != NULL ? PLACE_GROUP : PLACE_UNLISTED_GROUP;
}

void
inventory_place(struct inventory *inv, const struct ringset *rs)
{
	struct group_index x;

	group_index_init(&x, rs);
	for (size_t i = 0; i < inv->ndev; i++) {
		struct device *d = &inv->dev[i];
		const struct ring *g;

		if (d->ring_by_group) {
			free(d->ring);
			d->ring = NULL;
			d->ring_by_group = false;
		}
		if (device_place(&x, d, &g) == PLACE_GROUP) {
			d->ring = xstrdup(g->id);
			d->ring_by_group = true;
		}
	}
	group_index_free(&x);
}
