/*
 * daemon.h: the daemon's one context.  There is no other mutable global
 * state: everything a command handler may read or change is here.
 */
#ifndef HP_DAEMON_H
#define HP_DAEMON_H

#include "changes.h"
#include "config.h"
#include "device.h"
#include "diag.h"
#include "model.h"

#include <stdbool.h>
#include <time.h>

struct actor;
struct device_origin;
struct replies_kept;
struct site;
struct store;

struct daemon {
	struct config	 cfg;
	const char	*config_file;	/* NULL when running on embedded defaults */
	struct store	*store;
	struct caldata	 file_cal;	/* the files as last loaded without error */
	struct ringset	 file_rings;
	bool		 file_model;	/* file_cal/file_rings hold them (see daemon_file_model) */
	struct caldata	 cal;		/* the effective model, read back from the store */
	struct ringset	 rings;
	struct caldata	 detached_cal;	/* run-time overrides whose OS is gone (ovr only) */
	struct ringset	 detached_rings;	/* run-time blackouts whose ring is gone (bo only) */
	struct inventory inv;		/* the devices, read from the store; a reload keeps them */
	struct device_origin *inv_orig;	/* who imported each of inv's devices, when, from what */
	bool		 inv_loaded;	/* inv is read (daemon_devices); until then it is empty */
	time_t		 started;
	time_t		 at;		/* --at: the fixed "now" of what the site publishes; 0: the clock */
	unsigned	 generation;	/* bumped whenever the model changes */
	struct changes	 changes;	/* what the recent generations changed (changes.h) */
	long		 requests;	/* served since start */
	int		 clients;	/* open control connections */
	char		*feed_url;	/* the HTTP site's base URL ("http://127.0.0.1:8080"); NULL when off */
	struct site	*site;		/* published documents, built per generation (site.c) */
	struct feedcache *feeds;	/* rendered feed pieces by content (feedcache.h); NULL: off */
	struct replies_kept *kept;	/* control replies kept per generation (commands.c) */
};

/*
 * Re-read the calendar and schedules; if they load cleanly, import them into
 * the store and refresh the model.  With a non-NULL a, the import and its
 * audit row are one transaction.  File errors go to d (the running model is
 * kept); other failures set *cause.  Returns 0 or -1.
 */
int daemon_reload(struct daemon *dm, const struct actor *a, struct diags *d, char **cause);

/*
 * At start-up: the same as daemon_reload, except that when the files are
 * byte for byte those the store last imported, they are not parsed again
 * and the model is read from the store (daemon_file_model parses them later
 * if a command needs them).
 */
int daemon_start(struct daemon *dm, struct diags *d, char **cause);

/*
 * Make sure dm->file_cal and dm->file_rings hold the files as imported; if
 * the files changed on disk since, that is an error (reload first).
 */
int daemon_file_model(struct daemon *dm, char **cause);

/*
 * Read the model back from the store after a change, and the detached items;
 * an item that became detached is logged as a warning, one attached again
 * as a notice; so is a conflict between a run-time published answer and the
 * calendar file when it appears (warning) or goes (notice).  Returns 0 or -1
 * with *cause.
 */
int daemon_refresh(struct daemon *dm, char **cause);

/*
 * daemon_refresh after a change of the overrides of OS os alone, noted as
 * such (changes.h): documents that read no other part of it stand.
 */
int daemon_refresh_os(struct daemon *dm, const char *os, char **cause);

/*
 * Make sure dm->inv and dm->inv_orig hold the stored devices: read them
 * from the store the first time (not at start-up), placed in the current
 * rings; later calls return at once.  Every answer that shows devices
 * calls it first.  Returns 0 or -1 with *cause (inv is then left empty).
 */
int daemon_devices(struct daemon *dm, char **cause);

/* Read the device inventory back from the store after an import (a new generation); 0 or -1. */
int daemon_load_devices(struct daemon *dm, char **cause);

/* Free what the daemon holds of the model (at exit). */
void daemon_free_model(struct daemon *dm);

/*
 * "Now" for what the site publishes: --at when it was given, else the clock.
 * Inline: the site is also linked into tests without the rest of the daemon.
 */
static inline time_t
daemon_now(const struct daemon *d)
{
	return d->at != 0 ? d->at : time(NULL);
}

#endif
