/*
 * store.h: the SQLite database.  The store*.c files are the only ones that
 * include sqlite3.h.  The database holds what the files say (OSes, published months,
 * out-of-band releases, shipped overrides, rings, file blackouts) plus what is
 * changed at run time (overrides, blackouts, published answers), the audit
 * trail and feed state.
 */
#ifndef HP_STORE_H
#define HP_STORE_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The schema version this build writes; PRAGMA user_version holds it. */
#define STORE_SCHEMA_VERSION 11

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
 * The fingerprint of the calendar and ring files last imported (sources.h),
 * "" when none was recorded.  Set it after an import has committed: a crash
 * in between leaves the old one, and the next start only imports again.
 */
#define STORE_FINGERPRINT_LEN	17
int store_source_get(struct store *s, char fp[STORE_FINGERPRINT_LEN], char **cause);
int store_source_set(struct store *s, const char *fp, char **cause);

struct actor;

/*
 * Make the file-derived data equal to c and r, in one transaction: rows that
 * did not change are not rewritten (re-importing the same files changes
 * nothing), rows no longer in the files are deleted.  Run-time overrides,
 * blackouts and published answers, the audit table and feed state are
 * kept, even when their OS or ring is gone (they are detached then, see
 * store_detached); a run-time override wins over a shipped one for the same OS and month.  With a
 * non-NULL a, the audit row ("ok") is written in the same transaction, so
 * an audit write that fails fails the import.  On error nothing changes.
 */
int store_import(struct store *s, const struct caldata *c,
    const struct ringset *r, const struct actor *a, char **cause);

/*
 * Read the model back: OSes in file order with published and out-of-band
 * releases (a run-time published answer in place of the file's, which it
 * keeps in .file: publish_merge), every override (shipped and run-time), rings in file order, every
 * blackout by id (with its id and origin; a timed one with start and end, and
 * from/to set to the UTC days it touches).  Detached items are left out.  c
 * and r must be zeroed; on error they are left empty.
 */
int store_load(struct store *s, struct caldata *c, struct ringset *r,
    char **cause);

/*
 * The detached run-time items: overrides whose OS is not in the calendar
 * (into c->ovr only) and blackouts whose ring is not in the ring files (into
 * r->bo only, not indexed).  They take no part in planning; they attach
 * again by themselves when an import brings the id back, and only
 * store_override_clear or store_blackout_remove delete them.  c and r must
 * be zeroed; free them with caldata_free and ringset_free.  Returns 0 or -1.
 */
int store_detached(struct store *s, struct caldata *c, struct ringset *r,
    char **cause);

/*
 * store_load and store_detached at once, from one snapshot: the model into
 * c and r, the detached items into dc and dr (all four zeroed by the
 * caller).  The blackouts are read in one pass and split by r's ring ids,
 * which is what a start-up with many blackouts saves.  Returns 0 or -1,
 * with all four left empty.
 */
int store_load_split(struct store *s, struct caldata *c, struct ringset *r,
    struct caldata *dc, struct ringset *dr, char **cause);

/* Who made a run-time change, for the audit table. */
struct actor {
	long		 uid;		/* peer uid from SO_PEERCRED */
	const char	*who;		/* "uid 1000 (alice)" */
	time_t		 at;
	const char	*command;	/* "override set" */
	const char	*args;		/* the request as received */
};

/*
 * Make o a run-time override (replacing any override for the same OS and
 * month) and write the audit row, in one transaction.  o->who and o->at are
 * taken from a.  An OS that does not exist is an error.  Returns 0, or -1
 * with *cause.
 */
int store_override_set(struct store *s, const struct override *o,
    const struct actor *a, char **cause);

/*
 * Remove the run-time override for (os, month) and write the audit row, in
 * one transaction.  Returns 1 if one was removed, 0 if there was none (and
 * nothing is written), -1 with *cause on error.
 */
int store_override_clear(struct store *s, const char *os, ym_t month,
    const struct actor *a, char **cause);

/*
 * Add b as a run-time blackout (origin 'runtime', who and at from a) and write
 * the audit row, in one transaction; b->id is set on success.  A timed b is
 * stored as ISO 8601 UTC instants ("2026-12-24T18:00:00Z", end exclusive),
 * a date one as "YYYY-MM-DD" days (both inclusive).  A ring that does not
 * exist is an error.  Returns 0, or -1 with *cause.
 */
int store_blackout_add(struct store *s, struct blackout *b, const struct actor *a,
    char **cause);

/*
 * Add n run-time blackouts with one audit row, all in one transaction: all
 * of them or, on any error, none and no audit row.  Returns 0 or -1.
 */
int store_blackout_add_many(struct store *s, const struct blackout *v, size_t n,
    const struct actor *a, char **cause);

/*
 * Remove the run-time blackout id and write the audit row, in one
 * transaction.  Returns 1 if it was removed, 0 if there is no run-time
 * blackout with that id (a file one is never removed here; nothing is
 * written), -1 with *cause on error.
 */
int store_blackout_remove(struct store *s, long id, const struct actor *a,
    char **cause);

/* What store_blackout_import changed. */
struct bo_import_result {
	size_t	 added, updated, unchanged, removed;
};

/*
 * Make the run-time blackouts of import name for ring (NULL = every ring)
 * the entries v[0 .. n) (each with import = name, its key uid and rid, and
 * ring), in one transaction with a's audit row: an entry whose key is
 * stored updates that row in place, id kept, when anything in it differs
 * (who and at then become a's); a new key is added; a stored row of the
 * import whose key is not among v is removed.  Returns 0 with *res, or -1
 * with *cause and nothing changed.
 */
int store_blackout_import(struct store *s, const char *name, const char *ring,
    const struct blackout *v, size_t n, const struct actor *a, struct bo_import_result *res,
    char **cause);

/*
 * Remove every run-time blackout of import name, for every ring or only
 * ring's (NULL: the import for every ring), with the audit row, in one
 * transaction.  Returns how many were removed (0: none, nothing written),
 * or -1 with *cause.
 */
long store_blackout_remove_import(struct store *s, const char *name, const char *ring,
    bool every_ring, const struct actor *a, char **cause);

/* A blackout with who added it and when. */
struct blackout_rec {
	struct blackout	 b;
	char		*who;		/* run-time: "uid 0 (root)"; NULL for file ones */
	time_t		 at;		/* run-time: when; 0 for file ones */
	bool		 detached;	/* its ring is not in the ring files */
};

/*
 * Every blackout, by id, detached ones included, with who and when.
 * Returns 0 with *out (free with store_blackout_recs_free) and *n, or -1.
 */
int store_blackout_list(struct store *s, struct blackout_rec **out, size_t *n,
    char **cause);
void store_blackout_recs_free(struct blackout_rec *v, size_t n);

/*
 * A run-time change made of many rows (a publish, an import of many
 * months): store_change_begin opens one write transaction; any number of
 * store_publish_put / store_publish_del go inside it; store_change_end
 * writes a's audit row ("ok"; none when a is NULL) and commits when rc is 0,
 * and otherwise rolls everything back (no row, no audit).  rc is the caller's result so far;
 * store_change_end returns 0, or -1 with *cause (what prefixes it).
 */
int store_change_begin(struct store *s, char **cause);
int store_change_end(struct store *s, int rc, const struct actor *a, const char *what,
    char **cause);

/*
 * Record r as the run-time published answer of os_id for r->month,
 * replacing any run-time answer for that month: who and at say who made it
 * and when, origin what from ("hotpatchctl", or an import's label such as
 * "cvrf 2026-Dec").  r's own who, at, origin and file are not read.  Only
 * inside store_change_begin/end.  An OS that is not in the calendar is an
 * error; r is not checked here (publish_check).  Returns 0, or -1 with
 * *cause.
 */
int store_publish_put(struct store *s, const char *os_id, const struct release *r,
    const char *who, time_t at, const char *origin, char **cause);

/*
 * Remove the run-time published answer of os_id for month (the file's, if
 * any, answers again).  Only inside store_change_begin/end.  Returns 1 if
 * one was removed, 0 if there was none, -1 with *cause.
 */
int store_publish_del(struct store *s, const char *os_id, ym_t month, char **cause);

/* Write one audit row on its own (e.g. for a reload); result says how it went. */
int store_audit(struct store *s, const struct actor *a, const char *result,
    char **cause);

/* Which audit rows to read (store_audit.c): those at since..until, a page of them. */
struct audit_query {
	bool		 has_since, has_until;
	time_t		 since, until;	/* [since, until) */
	long		 limit, offset;
};

/* One audit row as stored: the request line as received (or an import's summary). */
struct audit_row {
	long		 id;
	time_t		 at;
	long		 uid;
	char		*command;	/* "blackout add" */
	char		*args;
	char		*result;	/* "ok", or how it went */
};

struct audit_page {
	struct audit_row *row;		/* the latest first */
	size_t		 n;
	long		 stored;	/* rows in the table */
	long		 matched;	/* rows in the window, of which row holds a page */
};

/*
 * The audit rows of q's window, latest written first, from q->offset on,
 * at most q->limit, with the counts.  Returns 0, or -1 with *cause (out
 * empty).  Free with store_audit_page_free.
 */
int store_audit_page(struct store *s, const struct audit_query *q, struct audit_page *out,
    char **cause);
void store_audit_page_free(struct audit_page *p);

/*
 * Copy the whole database into tmp_path (an existing empty file or a new
 * one) with SQLite's online backup API, in one step: the copy is one read
 * transaction, so it is a consistent snapshot of the last commit even while
 * changes go on.  The copy is checked (PRAGMA quick_check) and closed before
 * this returns; its -journal, -wal and -shm files are removed.  The caller
 * reads and removes tmp_path.  Returns 0, or -1 with *cause.
 */
int store_backup(struct store *s, const char *tmp_path, char **cause);

/* One feed event's identity and content hash, and what the store says of it. */
struct feed_stamp {
	const char	*uid;
	uint64_t	 hash;		/* stored as 16 lower-case hex digits */
	int		 sequence;	/* out: SEQUENCE */
	time_t		 changed;	/* out: DTSTAMP / LAST-MODIFIED */
};

/*
 * Look up each v[i].uid in feed_state and fill v[i].sequence and
 * v[i].changed.  A new uid is inserted with sequence 0 and last change now;
 * one whose hash differs gets sequence + 1 and last change now; an equal
 * one is left alone.  A read-only pass comes first, so when nothing changed
 * nothing is written and no write lock is taken; otherwise every write
 * happens in one IMMEDIATE transaction.  Returns 0, or -1 with *cause.
 */
int store_feed_stamp(struct store *s, struct feed_stamp *v, size_t n, time_t now,
    char **cause);

/*
 * Between store_feed_hold and store_feed_release the stamps of many feeds
 * (an export) go into one IMMEDIATE transaction, begun at the first stamp,
 * each feed in a savepoint of its own: a feed that fails rolls back only
 * its own stamps.  One commit instead of one a feed.  Anything else that
 * begins a transaction meanwhile commits the held one first (db_exec), and
 * the next stamp opens another.  Release commits: call it before a reply
 * shows any stamp, so what was shown is stored.  A crash before it loses
 * the held stamps only; the next export stamps the same events again.
 * Returns 0, or -1 with *cause (the held stamps are rolled back).
 */
void store_feed_hold(struct store *s);
int store_feed_release(struct store *s, char **cause);

struct inventory;

/*
 * The device inventory (device.h), run-time data.  store_devices_put
 * writes inv's devices in one transaction with a's audit row (result says
 * how the import went): with replace the stored inventory becomes inv,
 * else each device is added or replaces the one of the same name (case
 * insensitive).  who, at and source (the file's name) are kept with each.
 * On error nothing changes.  Returns 0, or -1 with *cause.
 */
int store_devices_put(struct store *s, const struct inventory *inv, bool replace,
    const char *source, const struct actor *a, const char *result, char **cause);

/* Who imported a device, when and from what file. */
struct device_origin {
	char		*who;
	time_t		 at;
	char		*source;
};

/*
 * Every stored device, in the order imported, into inv (zeroed by the
 * caller); with orig non-NULL, *orig gets one origin per device (free with
 * store_device_origins_free).  On error inv is left empty.  Returns 0 or -1.
 */
int store_devices_load(struct store *s, struct inventory *inv, struct device_origin **orig,
    char **cause);
void store_device_origins_free(struct device_origin *o, size_t n);

/* Rows changed since the database was opened (sqlite3_total_changes). */
long store_total_changes(struct store *s);

#endif
