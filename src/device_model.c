/*
 * device_model.c: freeing what device.h describes.
 */
#include "device.h"

#include <stdlib.h>
#include <string.h>

void
device_free(struct device *d)
{
	free(d->name);
	free(d->ring);
	free(d->group);
	free(d->os);
	free(d->edition);
	memset(d, 0, sizeof(*d));
}

void
inventory_free(struct inventory *inv)
{
	for (size_t i = 0; i < inv->ndev; i++)
		device_free(&inv->dev[i]);
	free(inv->dev);
	memset(inv, 0, sizeof(*inv));
}
