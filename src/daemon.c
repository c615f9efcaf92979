/* daemon.c: the model's life in the daemon: files -> store -> memory, and reload. */
#include "calfile.h"
#include "daemon.h"
#include "heap.h"
#include "log.h"
#include "placement.h"
#include "ringfile.h"
#include "sources.h"
#include "store.h"
#include "util.h"
#include "views.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct override *
find_override(const struct caldata *c, const struct override *o)
{
	for (size_t i = 0; i < c->novr; i++)
		if (c->ovr[i].month == o->month && strcmp(c->ovr[i].os, o->os) == 0)
			return &c->ovr[i];
	return NULL;
}

static const struct blackout *
find_blackout(const struct ringset *r, long id)
{
	for (size_t i = 0; i < r->nbo; i++)
		if (r->bo[i].id == id)
			return &r->bo[i];
	return NULL;
}

/*
 * Log what a refresh detached (not in was) and what it attached again (in
 * was, now in the model).  An item gone altogether was removed by a command,
 * which its audit row records.
 */
static void
log_detached(const struct daemon *dm, const struct caldata *was_cal,
    const struct ringset *was_rings)
{
	const struct override *o;
	const struct blackout *b;
	char m[8];

	for (size_t i = 0; i < dm->detached_cal.novr; i++) {
		o = &dm->detached_cal.ovr[i];
		if (find_override(was_cal, o) == NULL)
			log_warn("run-time override %s %s (%s) is detached: OS %s is not in %s; it "
			    "is kept but not planned until the OS is back (remove it with: "
			    "hotpatchctl override clear %s %s)", o->os, ym_format(o->month, m),
			    kind_name(o->kind), o->os, dm->cfg.calendar, o->os, m);
	}
	for (size_t i = 0; i < was_cal->novr; i++) {
		o = &was_cal->ovr[i];
		if (find_override(&dm->detached_cal, o) == NULL &&
		    find_override(&dm->cal, o) != NULL)
			log_notice("run-time override %s %s is attached again: OS %s is back in %s",
			    o->os, ym_format(o->month, m), o->os, dm->cfg.calendar);
	}
	for (size_t i = 0; i < dm->detached_rings.nbo; i++) {
		b = &dm->detached_rings.bo[i];
		if (find_blackout(was_rings, b->id) == NULL)
			log_warn("run-time blackout %ld '%s' is detached: ring %s is not in %s; it "
			    "is kept but not planned until the ring is back (remove it with: "
			    "hotpatchctl blackout remove %ld)", b->id, b->name, b->ring,
			    dm->cfg.schedules, b->id);
	}
	for (size_t i = 0; i < was_rings->nbo; i++) {
		b = &was_rings->bo[i];
		if (find_blackout(&dm->detached_rings, b->id) == NULL &&
		    find_blackout(&dm->rings, b->id) != NULL)
			log_notice("run-time blackout %ld '%s' is attached again: ring %s is back "
			    "in %s", b->id, b->name, b->ring, dm->cfg.schedules);
	}
}

/* The conflict of os and month in list (view_conflicts), or NULL. */
static const json_t *
find_conflict(const json_t *list, const json_t *c)
{
	const json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (strcmp(view_text(x, "os"), view_text(c, "os")) == 0 &&
		    strcmp(view_text(x, "month"), view_text(c, "month")) == 0)
			return x;
	return NULL;
}

/*
 * Log each conflict between a run-time answer and the calendar file once,
 * when it appears (at start-up, a reload, a publish) or changes, and say
 * when one is gone.
 */
static void
log_conflicts(const struct caldata *was, const struct caldata *now)
{
	json_t *before = view_conflicts(was, NULL), *after = view_conflicts(now, NULL);
	const json_t *c, *had;
	size_t i;

	json_array_foreach(after, i, c) {
		if ((had = find_conflict(before, c)) == NULL || !json_equal(had, c)) {
			char *line = view_conflict_line(c);

			log_warn("%s", line);
			free(line);
		}
	}
	json_array_foreach(before, i, c)
		if (find_conflict(after, c) == NULL)
			log_notice("conflict resolved: %s %s has one published answer again",
			    view_text(c, "os"), view_text(c, "month"));
	json_decref(before);
	json_decref(after);
}

static int
refresh(struct daemon *dm, enum change_scope scope, const char *os, char **cause)
{
	struct caldata cal = { 0 }, dcal = { 0 }, was_cal;
	struct ringset rings = { 0 }, drings = { 0 }, was_rings;

	if (store_load_split(dm->store, &cal, &rings, &dcal, &drings, cause) < 0)
		return -1;
	log_conflicts(&dm->cal, &cal);
	caldata_free(&dm->cal);
	ringset_free(&dm->rings);
	dm->cal = cal;
	dm->rings = rings;
	was_cal = dm->detached_cal;
	was_rings = dm->detached_rings;
	dm->detached_cal = dcal;
	dm->detached_rings = drings;
	log_detached(dm, &was_cal, &was_rings);
	caldata_free(&was_cal);
	ringset_free(&was_rings);
	/* A reload may have moved a group: its devices follow it (none if not read yet). */
	inventory_place(&dm->inv, &dm->rings);
	changes_note(&dm->changes, ++dm->generation, scope, os);
	return 0;
}

int
daemon_refresh(struct daemon *dm, char **cause)
{
	return refresh(dm, CHANGE_ALL, NULL, cause);
}

int
daemon_refresh_os(struct daemon *dm, const char *os, char **cause)
{
	return refresh(dm, CHANGE_OS, os, cause);
}

void
daemon_free_model(struct daemon *dm)
{
	changes_free(&dm->changes);
	caldata_free(&dm->cal);
	ringset_free(&dm->rings);
	caldata_free(&dm->file_cal);
	ringset_free(&dm->file_rings);
	caldata_free(&dm->detached_cal);
	ringset_free(&dm->detached_rings);
	store_device_origins_free(dm->inv_orig, dm->inv.ndev);
	dm->inv_orig = NULL;
	inventory_free(&dm->inv);
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

/* Keep the files' model, for re-imports that restore shipped data (override clear). */
static void
keep_file_model(struct daemon *dm, struct caldata *cal, struct ringset *rings)
{
	caldata_free(&dm->file_cal);
	ringset_free(&dm->file_rings);
	dm->file_cal = *cal;
	dm->file_rings = *rings;
	dm->file_model = true;
}

/* Parse what was read and import it; records the fingerprint once it is in. */
static int
import_sources(struct daemon *dm, const struct sources *src, const struct actor *a,
    struct diags *d, char **cause)
{
	struct caldata cal = { 0 };
	struct ringset rings = { 0 };
	long before = store_total_changes(dm->store);
	size_t first = d->n;

	if (sources_parse(src, &cal, &rings, d) < 0)
		return refuse(dm, d, first);
	if (store_import(dm->store, &cal, &rings, a, cause) < 0 ||
	    store_source_set(dm->store, src->fingerprint, cause) < 0) {
		log_warn("reload failed: %s", *cause);
		caldata_free(&cal);
		ringset_free(&rings);
		return -1;
	}
	log_info("%s %s (%zu OSes) and %s (%zu rings)", dm->cal.nos > 0 ? "reloaded" : "loaded",
	    dm->cfg.calendar, cal.nos, dm->cfg.schedules, rings.nring);
	keep_file_model(dm, &cal, &rings);
	/* Only a real change is a new generation (feeds are rebuilt per generation). */
	if (store_total_changes(dm->store) == before && dm->cal.nos > 0)
		return 0;
	return daemon_refresh(dm, cause);
}

/* Are the files read into src those the store last imported?  1 yes, 0 no, -1 error. */
static int
as_imported(const struct daemon *dm, const struct sources *src, char **cause)
{
	char had[STORE_FINGERPRINT_LEN];

	if (store_source_get(dm->store, had, cause) < 0)
		return -1;
	return strcmp(had, src->fingerprint) == 0;
}

/*
 * At start-up, are the files those the store last imported?  Decided on their
 * fingerprint alone, read through one buffer: the files are parsed (and kept
 * in memory) only when they must be imported.  1 yes, 0 no or unreadable.
 */
static int
unchanged_at_start(const struct daemon *dm)
{
	char now[FP_HEX_LEN], had[STORE_FINGERPRINT_LEN];
	char *cause = NULL;

	if (sources_fingerprint(dm->cfg.calendar, dm->cfg.schedules, now) < 0)
		return 0;
	if (store_source_get(dm->store, had, &cause) < 0) {
		free(cause);
		return 0;
	}
	return strcmp(had, now) == 0;
}

/* Read the files, then parse and import them unless at start-up the store already has them. */
static int
load(struct daemon *dm, bool starting, const struct actor *a, struct diags *d, char **cause)
{
	struct sources src;
	size_t first = d->n;
	int rc;

	if (starting && unchanged_at_start(dm)) {
		log_info("%s and %s are as last imported: serving from %s", dm->cfg.calendar,
		    dm->cfg.schedules, dm->cfg.database);
		return daemon_refresh(dm, cause);
	}
	if (sources_read(dm->cfg.calendar, dm->cfg.schedules, &src, d) < 0)
		return refuse(dm, d, first);
	rc = import_sources(dm, &src, a, d, cause);
	sources_free(&src);
	return rc;
}

int
daemon_start(struct daemon *dm, struct diags *d, char **cause)
{
	struct heap_boost heap;
	struct stat st;
	int rc;

	/* The model is built on huge pages, in room sized by the database (heap.h). */
	heap_boost_begin(&heap, heap_reserve_for(stat(dm->cfg.database, &st) == 0 ?
	    (long long)st.st_size : 0));
	/* The devices are read when an answer first needs them (daemon_devices). */
	rc = load(dm, true, NULL, d, cause);
	heap_boost_end(&heap);
	return rc;
}

int
daemon_reload(struct daemon *dm, const struct actor *a, struct diags *d, char **cause)
{
	return load(dm, false, a, d, cause);
}

int
daemon_file_model(struct daemon *dm, char **cause)
{
	struct sources src;
	struct diags d = { 0 };
	struct caldata cal = { 0 };
	struct ringset rings = { 0 };
	int rc = -1, same;

	if (dm->file_model)
		return 0;
	if (sources_read(dm->cfg.calendar, dm->cfg.schedules, &src, &d) < 0) {
		*cause = xasprintf("cannot read the files: %s", d.n ? d.v[0].msg : "?");
	} else if ((same = as_imported(dm, &src, cause)) < 0) {
		/* cause is set */
	} else if (!same) {
		*cause = xasprintf("%s or %s changed since they were loaded; run reload first",
		    dm->cfg.calendar, dm->cfg.schedules);
	} else if (sources_parse(&src, &cal, &rings, &d) < 0) {
		*cause = xasprintf("the files have errors: %s", d.n ? d.v[0].msg : "?");
	} else {
		keep_file_model(dm, &cal, &rings);
		rc = 0;
	}
	sources_free(&src);
	diags_free(&d);
	return rc;
}
