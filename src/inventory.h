/*
 * inventory.h: a device inventory read from CSV (hotpatchd's columns or
 * Intune's "All devices" export) or Microsoft Graph managedDevices JSON,
 * into a struct inventory (device.h).  Pure: the caller reads the file and
 * decides what to store.  The columns and their meaning are in
 * doc/format.md, "Device inventories".
 */
#ifndef HP_INVENTORY_H
#define HP_INVENTORY_H

#include "device.h"

#include <stdbool.h>
#include <stddef.h>

/* Limits on one inventory; each is refused past it, with a test that drives past it. */
#define INV_MAX_BYTES		(64u << 20)	/* the whole text */
#define INV_MAX_ROWS		1000000		/* CSV records after the header, JSON array items */
#define INV_MAX_FIELD		256		/* bytes of one value */
#define INV_MAX_COLUMNS		256		/* CSV header fields */
#define INV_MAX_REJECTS		100		/* listed; the rest only counted */

enum inv_format {
	INV_CSV,
	INV_JSON,
	INV_AUTO,	/* JSON if the first byte that is not a space (or BOM) is '{' or '[' */
};

struct inv_options {
	bool		 skip_bad;	/* keep the good rows and list the bad; else any bad row refuses all */
	const char	*default_ring;	/* ring of a device whose row gives neither ring nor group; or NULL */
};

/* One row refused, and why. */
struct inv_reject {
	long	 line;		/* CSV line where the record starts; JSON: array index + 1 */
	int	 col;		/* CSV: 1-based byte column of the value; 0 for the whole row */
	char	*msg;		/* "build: ...", naming the column or JSON member */
};

struct inv_report {
	enum inv_format	 format;	/* the format read (never INV_AUTO) */
	size_t		 nrows;		/* rows read (after the header) */
	size_t		 nskipped;	/* rows of another platform (iOS, Android, macOS): left out */
	struct inv_reject *rej;		/* at most INV_MAX_REJECTS */
	size_t		 nrej;		/* listed */
	size_t		 nrej_total;	/* listed and not */
	char		**warn;		/* sentences; at most three (ignored columns, a */
	size_t		 nwarn;		/* Graph page of several, other platforms) */
	char		*error;		/* why nothing was returned, or NULL */
};

/*
 * Read len bytes at text as fmt into *out (zeroed by the caller), reporting
 * in *rep (zeroed by the caller).  A file-level fault (too big, too many
 * rows or columns, a CSV syntax error, JSON that does not parse, a required
 * column missing) refuses everything.  A bad row (a value that does not
 * parse, a duplicate name) is listed in rep->rej; with opt->skip_bad the
 * other rows are returned, else nothing is.  Returns 0, or -1 with
 * rep->error set and *out empty.  opt may be NULL (all or nothing, no
 * default ring).
 */
int inventory_parse(const char *text, size_t len, enum inv_format fmt,
    const struct inv_options *opt, struct inventory *out, struct inv_report *rep);

void inv_report_free(struct inv_report *rep);

/*
 * "10.0.26100.4066" or "26100.4066" into build 26100 and UBR 4066.
 * Returns 0, or -1 with a reason in why (at least 128 bytes).
 */
int inv_parse_build(const char *s, unsigned *build, unsigned *ubr, char *why, size_t whysz);

#endif
