/* daemon.c: the model's life in the daemon: files -> store -> memory, and reload. */
#include "calfile.h"
#include "daemon.h"
#include "log.h"
#include "ringfile.h"
#include "store.h"
#include "util.h"

#include <stdlib.h>

int
daemon_refresh(struct daemon *dm, char **cause)
{
	struct caldata cal = { 0 };
	struct ringset rings = { 0 };

	if (store_load(dm->store, &cal, &rings, cause) < 0)
		return -1;
	caldata_free(&dm->cal);
	ringset_free(&dm->rings);
	dm->cal = cal;
	dm->rings = rings;
	dm->generation++;
	return 0;
}

int
daemon_reload(struct daemon *dm, struct diags *d, char **cause)
{
	struct caldata cal = { 0 };
	struct ringset rings = { 0 };
	long before = store_total_changes(dm->store);

	if (calfile_load(dm->cfg.calendar, &cal, d) < 0)
		return -1;
	if (ringfile_load_dir(dm->cfg.schedules, &cal, &rings, d) < 0) {
		caldata_free(&cal);
		return -1;
	}
	if (store_import(dm->store, &cal, &rings, cause) < 0) {
		caldata_free(&cal);
		ringset_free(&rings);
		return -1;
	}
	caldata_free(&dm->file_cal);
	ringset_free(&dm->file_rings);
	dm->file_cal = cal;
	dm->file_rings = rings;
	/* Only a real change is a new generation (feeds are rebuilt per generation). */
	if (store_total_changes(dm->store) == before && dm->cal.nos > 0)
		return 0;
	return daemon_refresh(dm, cause);
}
