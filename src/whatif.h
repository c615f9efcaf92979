/*
 * whatif.h: the plan as it would be (hotpatchctl plan --what-if, --set).
 * Pure: a copy of the ring set with ring files or single ring keys applied,
 * read and checked as a reload reads and checks schedules/; the inventory
 * placed in that copy; and how many devices a change touches.  The model
 * the copy is made from is only read.  The answers (the two plans, their
 * diff) are made in view_whatif.c, the text in render_whatif.c.
 */
#ifndef HP_WHATIF_H
#define HP_WHATIF_H

#include "device.h"
#include "diag.h"
#include "layout.h"
#include "model.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A ring file sent with the request. */
struct whatif_file {
	const char	*name;		/* in messages: "FILE.yaml", or "DIR/FILE.yaml" for a directory */
	const char	*text;
	size_t		 len;
};

/* What is asked. */
struct whatif {
	const struct whatif_file *file;
	size_t		 nfile;
	bool		 dir;		/* the files are a whole schedules directory */
	const char	*const *set;	/* "RING.KEY=VALUE", applied after the files, in order */
	size_t		 nset;
};

enum whatif_result {
	WHATIF_OK,
	WHATIF_INVALID,		/* a file or a --set value has errors (in the diags) */
	WHATIF_UNKNOWN_RING,	/* a --set names a ring the set does not have */
};

/*
 * The ring set as it would be, into *out (zeroed by the caller):
 * - a directory's files are every ring file: the rings and file blackouts
 *   are theirs alone;
 * - files without a directory are laid over rings: a ring of theirs takes
 *   the place (and the own blackouts) of the ring with its id, a new id is
 *   added after the others, and their global blackouts are added;
 * then each --set changes one key of one ring (ringfile_set).  Run-time
 * blackouts stay, those of detached (whose ring was gone) attach again when
 * their ring is back.  The files are checked together as a reload checks
 * schedules/ and the errors are a reload's, file:line:column.
 * Returns WHATIF_OK with *out indexed, or an error with d and *out empty.
 */
enum whatif_result whatif_rings(const struct caldata *cal, const struct ringset *rings,
    const struct ringset *detached, const struct whatif *w, struct ringset *out,
    struct diags *d);

/* True if a device of a group lands in the same ring (by id) in a as in b. */
bool whatif_same_places(const struct ringset *a, const struct ringset *b);

/*
 * inv with its grouped devices placed in rs as the daemon places them
 * (placement.h), inv itself unchanged: out->dev is a new array of copies
 * that borrow inv's strings and rs's ring ids; free it with free(out->dev)
 * only, while inv and rs live.
 */
void whatif_place(const struct inventory *inv, const struct ringset *rs,
    struct inventory *out);

/* Per ring of the what-if set: its devices, and how many of them the change touches. */
struct whatif_devring {
	const struct ring *ring;	/* of the what-if set */
	long		 devices;	/* placed in it, with an OS */
	long		 changed;	/* whose install day or restart changes in some month */
	long		 day;		/* whose install day (local, in the ring's zone) changes */
	long		 restart;	/* whose restart changes */
	long		 moved;		/* in another ring today, or in none */
};

struct whatif_devices {
	struct whatif_devring *ring;	/* one per ring of the what-if set, in its order */
	size_t		 nring;
	long		 left;		/* in a ring today, in none (or without an OS) in the what-if */
	size_t		 walks;		/* groups of alike devices walked (twice each) */
};

/*
 * Walk every device of the inventory, as placed today (inv_today in today)
 * and in the what-if (inv_would in would, the same devices in the same
 * order), over months first..first+n-1 (n >= 1), and count per ring of
 * would those whose install day or restart differs in some month.  A device
 * with no ring or no OS has no install.  Devices alike in ring, OS and
 * verdict on both sides share a walk.  Returns 0, or -1 when n < 1.
 */
int whatif_devices(const struct inventory *inv_today, const struct inventory *inv_would,
    const struct caldata *c, const struct ringset *today, const struct ringset *would,
    ym_t first, int n, struct whatif_devices *out);
void whatif_devices_free(struct whatif_devices *dv);

/* ---- the answers (view_whatif.c) ---- */

/*
 * The diff of two plans, today's and the what-if's, both the JSON of the
 * plan command (view_plan), rows matched by ring and OS, cells by month:
 * {"rows_added", "rows_removed": [{"ring", "os"}],
 *  "cells": [{"ring", "os", "month", "changed": [keys], "before", "after"}]
 *      for each cell whose day (the local day of its install window), kind,
 *      install, restart or status changes, before and after as
 *      {"day", "kind", "install", "restart", "status"},
 *  "restarts": [{"ring", "before", "after"}] per ring, every OS added up
 *      (null where the ring is not in that plan),
 *  "risks_new", "risks_gone": [{"ring", "os", "month", "risk", "reason"}]
 *      with risk late, none, blackout, forced or skipped}.
 */
json_t *view_whatif_diff(const json_t *today, const json_t *would);
/*
 * Drop from a plan's cells what view_whatif_diff does not read: today's
 * plan is kept only to be compared, and a plan of 10,000 rings is
 * hundreds of MB as JSON, so the what-if's is built beside a slim one.
 */
void view_whatif_slim(json_t *plan);

/*
 * The settings of the rings in both sets that differ, by the ring
 * descriptor's columns (hotpatch_since as YYYY-MM), then the windows,
 * upgrades and the ring's own file blackouts in words; last the file
 * blackouts of every ring ("ring": null): [{"ring", "key", "before", "after"}].
 */
json_t *view_whatif_settings(const struct ringset *today, const struct ringset *would);

/* {"from", "to", "rings": [{"ring", "devices", "changed", "day", "restart", "moved"}], "left"}. */
json_t *view_whatif_devices(const struct whatif_devices *dv, ym_t first, int n);

/*
 * The text of plan (render_whatif.c): the plan's own (render_plan), and for
 * a what-if after it what changes; a refused one's errors, one a line.
 */
char *render_plan_whatif(const json_t *j, struct layout *lo);

#endif
