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

/*
 * Every file error goes to the log too, one line each, so a refused reload
 * is visible there (at start-up the caller says it cannot start).
 */
static int
refuse(const struct daemon *dm, const struct diags *d, size_t from)
{
	const char *what = dm->cal.nos > 0 ? "reload refused, the running configuration is kept: " : "";

	for (size_t i = from; i < d->n; i++)
		log_warn("%s%s:%d:%d: %s", what, d->v[i].file, d->v[i].line, d->v[i].col,
		    d->v[i].msg);
	return -1;
}

int
daemon_reload(struct daemon *dm, struct diags *d, char **cause)
{
	struct caldata cal = { 0 };
	struct ringset rings = { 0 };
	long before = store_total_changes(dm->store);
	size_t first = d->n;

	if (calfile_load(dm->cfg.calendar, &cal, d) < 0)
		return refuse(dm, d, first);
	if (ringfile_load_dir(dm->cfg.schedules, &cal, &rings, d) < 0) {
		caldata_free(&cal);
		return refuse(dm, d, first);
	}
	if (store_import(dm->store, &cal, &rings, cause) < 0) {
		log_warn("reload failed: %s", *cause);
		caldata_free(&cal);
		ringset_free(&rings);
		return -1;
	}
	log_info("%s %s (%zu OSes) and %s (%zu rings)", dm->cal.nos > 0 ? "reloaded" : "loaded",
	    dm->cfg.calendar, cal.nos, dm->cfg.schedules, rings.nring);
	caldata_free(&dm->file_cal);
	ringset_free(&dm->file_rings);
	dm->file_cal = cal;
	dm->file_rings = rings;
	/* Only a real change is a new generation (feeds are rebuilt per generation). */
	if (store_total_changes(dm->store) == before && dm->cal.nos > 0)
		return 0;
	return daemon_refresh(dm, cause);
}
