/*
 * daemon_devices.c: the daemon's device inventory, read from the store the
 * first time an answer needs it rather than at start-up.  A start-up reads
 * only what every answer needs (the calendar and the rings); 100,000 stored
 * devices cost more to read than the whole ring estate, and most requests
 * (status, month, the feeds) never look at them.  Linked into the library,
 * not the daemon alone, because the site's builders call it and the site is
 * also linked into tests without the daemon.
 */
#include "daemon.h"
#include "placement.h"
#include "store.h"

/* Read the inventory into dm, replacing what it held; 0 or -1 with *cause. */
static int
read_devices(struct daemon *dm, char **cause)
{
	struct inventory inv = { 0 };
	struct device_origin *orig;

	if (store_devices_load(dm->store, &inv, &orig, cause) < 0)
		return -1;
	store_device_origins_free(dm->inv_orig, dm->inv.ndev);
	inventory_free(&dm->inv);
	dm->inv = inv;
	dm->inv_orig = orig;
	inventory_place(&dm->inv, &dm->rings);	/* the store keeps only their own rings */
	dm->inv_loaded = true;
	return 0;
}

int
daemon_devices(struct daemon *dm, char **cause)
{
	/*
	 * No new generation: the stored devices did not change, so nothing
	 * built or kept before this read can differ from what it gives.
	 */
	return dm->inv_loaded ? 0 : read_devices(dm, cause);
}

int
daemon_load_devices(struct daemon *dm, char **cause)
{
	if (read_devices(dm, cause) < 0)
		return -1;
	changes_note(&dm->changes, ++dm->generation, CHANGE_DEVICES, NULL);
	return 0;
}
