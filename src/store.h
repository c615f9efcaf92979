/*
 * store.h: the SQLite database.  store.c is the only file that includes
 * sqlite3.h.  The database holds what the files say (OSes, published months,
 * out-of-band releases, shipped overrides, rings, file blackouts) plus what is
 * changed at run time (overrides, blackouts), the audit trail and feed state.
 */
#ifndef HP_STORE_H
#define HP_STORE_H

#include "model.h"

/* The schema version this build writes; PRAGMA user_version holds it. */
#define STORE_SCHEMA_VERSION 2

struct store;

/* Migration steps: store_migrations[i] turns version i into version i + 1. */
extern const char *const store_migrations[STORE_SCHEMA_VERSION];

/*
 * Open (creating if needed) the database at path: WAL, foreign keys on, and
 * migrated to STORE_SCHEMA_VERSION, each step in its own transaction.  A
 * database from a newer version is refused.  Returns 0, or -1 with *cause set
 * (caller frees).
 */
int store_open(const char *path, struct store **out, char **cause);
void store_close(struct store *s);

/* PRAGMA user_version of the open database. */
int store_schema_version(struct store *s);

/*
 * Make the file-derived data equal to c and r, in one transaction: rows that
 * did not change are not rewritten (re-importing the same files changes
 * nothing), rows no longer in the files are deleted.  Run-time overrides and
 * blackouts, the audit table and feed state are kept; a run-time override wins
 * over a shipped one for the same OS and month.  On error nothing changes.
 */
int store_import(struct store *s, const struct caldata *c,
    const struct ringset *r, char **cause);

/*
 * Read the model back: OSes in file order with published and out-of-band
 * releases, every override (shipped and run-time), rings in file order, every
 * blackout.  c and r must be zeroed; on error they are left empty.
 */
int store_load(struct store *s, struct caldata *c, struct ringset *r,
    char **cause);

/* Rows changed since the database was opened (sqlite3_total_changes). */
long store_total_changes(struct store *s);

#endif
