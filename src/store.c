/*
 * store.c: the SQLite database: open, migrate, import the files, load them
 * back.  The only file that includes sqlite3.h.  Values always go in as bound
 * parameters; SQL text is constant.
 */
#include "store.h"
#include "util.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* Long enough to ride out a checkpoint or another process's transaction. */
#define STORE_BUSY_MS	5000

struct store {
	sqlite3		*db;
	long		 scratch;	/* changes to the TEMP staging tables */
};

/*
 * Not STRICT tables: those need SQLite 3.37 and we want older systems; NOT
 * NULL and CHECK constraints carry the rules instead.  A TEXT primary key
 * needs an explicit NOT NULL (SQLite allows NULL keys otherwise).
 */
const char *const store_migrations[STORE_SCHEMA_VERSION] = {
	/* 0 -> 1: the file-derived model, run-time changes, the audit trail. */
	"CREATE TABLE os ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" pos INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" arch INTEGER NOT NULL CHECK ((arch & ~3) = 0),"
	" hotpatch_start INTEGER NOT NULL,"
	" baseline_months INTEGER NOT NULL"
	"  CHECK ((baseline_months & ~8190) = 0)"
	");"
	"CREATE TABLE releases ("
	" os_id TEXT NOT NULL REFERENCES os (id) ON DELETE CASCADE,"
	" month INTEGER NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('lcu', 'hotpatch', 'baseline')),"
	" unplanned INTEGER NOT NULL DEFAULT 0 CHECK (unplanned IN (0, 1)),"
	" date TEXT,"
	" kb TEXT,"
	" build TEXT,"
	" note TEXT,"
	" PRIMARY KEY (os_id, month)"
	");"
	"CREATE TABLE oob ("
	" os_id TEXT NOT NULL REFERENCES os (id) ON DELETE CASCADE,"
	" date TEXT NOT NULL,"
	" kb TEXT NOT NULL,"
	" build TEXT,"
	" restart INTEGER NOT NULL CHECK (restart IN (0, 1)),"
	" note TEXT,"
	" PRIMARY KEY (os_id, date, kb)"
	");"
	"CREATE TABLE overrides ("
	" os_id TEXT NOT NULL REFERENCES os (id) ON DELETE CASCADE,"
	" month INTEGER NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('lcu', 'hotpatch', 'baseline')),"
	" reason TEXT NOT NULL,"
	" who TEXT NOT NULL,"
	" at INTEGER NOT NULL DEFAULT 0,"
	" origin TEXT NOT NULL CHECK (origin IN ('file', 'runtime')),"
	" PRIMARY KEY (os_id, month)"
	");"
	"CREATE TABLE rings ("
	" id TEXT PRIMARY KEY NOT NULL,"
	" pos INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" deferral_days INTEGER NOT NULL"
	"  CHECK (deferral_days BETWEEN 0 AND 30),"
	" deadline_days INTEGER NOT NULL"
	"  CHECK (deadline_days BETWEEN 0 AND 30),"
	" grace_days INTEGER NOT NULL CHECK (grace_days BETWEEN 0 AND 7),"
	" timezone TEXT NOT NULL,"
	" hotpatch INTEGER NOT NULL CHECK (hotpatch IN (0, 1)),"
	" arch TEXT NOT NULL CHECK (arch IN ('x64', 'arm64')),"
	" vbs INTEGER NOT NULL CHECK (vbs IN (0, 1)),"
	" chpe_disabled INTEGER NOT NULL CHECK (chpe_disabled IN (0, 1)),"
	" licensed INTEGER NOT NULL CHECK (licensed IN (0, 1)),"
	" reminder_min INTEGER NOT NULL DEFAULT -1 CHECK (reminder_min >= -1),"
	" file TEXT,"
	" line INTEGER NOT NULL DEFAULT 0"
	");"
	/* No cascade from os: an OS still used by a ring must not vanish. */
	"CREATE TABLE ring_os ("
	" ring_id TEXT NOT NULL REFERENCES rings (id) ON DELETE CASCADE,"
	" pos INTEGER NOT NULL,"
	" os_id TEXT NOT NULL REFERENCES os (id),"
	" PRIMARY KEY (ring_id, pos)"
	");"
	"CREATE INDEX ring_os_os ON ring_os (os_id);"
	"CREATE TABLE ring_windows ("
	" ring_id TEXT NOT NULL REFERENCES rings (id) ON DELETE CASCADE,"
	" pos INTEGER NOT NULL,"
	" type TEXT NOT NULL CHECK (type IN ('weekly', 'offset')),"
	" days INTEGER NOT NULL DEFAULT 0 CHECK (days BETWEEN 0 AND 127),"
	" offset_days INTEGER NOT NULL DEFAULT 0"
	"  CHECK (offset_days BETWEEN -6 AND 27),"
	" start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),"
	" duration_min INTEGER NOT NULL"
	"  CHECK (duration_min BETWEEN 1 AND 1440),"
	" PRIMARY KEY (ring_id, pos)"
	");"
	/* AUTOINCREMENT: users remove blackouts by id; never reuse one. */
	"CREATE TABLE blackouts ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" name TEXT NOT NULL,"
	" ring_id TEXT REFERENCES rings (id) ON DELETE CASCADE,"
	" from_date TEXT NOT NULL,"
	" to_date TEXT NOT NULL CHECK (to_date >= from_date),"
	" origin TEXT NOT NULL CHECK (origin IN ('file', 'runtime')),"
	" who TEXT,"
	" at INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX blackouts_ring ON blackouts (ring_id);"
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" at INTEGER NOT NULL,"
	" uid INTEGER NOT NULL,"
	" command TEXT NOT NULL,"
	" args TEXT NOT NULL DEFAULT '',"
	" result TEXT NOT NULL"
	");",

	/* 1 -> 2: per-event feed state for iCal SEQUENCE and DTSTAMP. */
	"CREATE TABLE feed_state ("
	" uid TEXT PRIMARY KEY NOT NULL,"
	" hash TEXT NOT NULL,"
	" sequence INTEGER NOT NULL DEFAULT 0,"
	" last_modified INTEGER NOT NULL"
	");",

	/* 2 -> 3: facts about the store itself, such as the files last imported. */
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY NOT NULL,"
	" value TEXT NOT NULL"
	");",

	/*
	 * 3 -> 4: run-time overrides and blackouts outlive their OS or ring:
	 * a reload that drops one detaches them instead of cascading a delete.
	 * SQLite cannot drop a foreign key, so both tables are rebuilt; the
	 * blackout id sequence is carried over, so no id is ever reused.
	 */
	"CREATE TABLE overrides_new ("
	" os_id TEXT NOT NULL,"
	" month INTEGER NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('lcu', 'hotpatch', 'baseline')),"
	" reason TEXT NOT NULL,"
	" who TEXT NOT NULL,"
	" at INTEGER NOT NULL DEFAULT 0,"
	" origin TEXT NOT NULL CHECK (origin IN ('file', 'runtime')),"
	" PRIMARY KEY (os_id, month)"
	");"
	"INSERT INTO overrides_new SELECT os_id, month, kind, reason, who, at,"
	" origin FROM overrides;"
	"DROP TABLE overrides;"
	"ALTER TABLE overrides_new RENAME TO overrides;"
	"CREATE TABLE blackouts_new ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" name TEXT NOT NULL,"
	" ring_id TEXT,"
	" from_date TEXT NOT NULL,"
	" to_date TEXT NOT NULL CHECK (to_date >= from_date),"
	" origin TEXT NOT NULL CHECK (origin IN ('file', 'runtime')),"
	" who TEXT,"
	" at INTEGER NOT NULL DEFAULT 0"
	");"
	"INSERT INTO blackouts_new SELECT id, name, ring_id, from_date, to_date,"
	" origin, who, at FROM blackouts;"
	"DELETE FROM sqlite_sequence WHERE name = 'blackouts_new';"
	"INSERT INTO sqlite_sequence (name, seq) SELECT 'blackouts_new', seq"
	" FROM sqlite_sequence WHERE name = 'blackouts';"
	"DROP TABLE blackouts;"
	"ALTER TABLE blackouts_new RENAME TO blackouts;"
	"CREATE INDEX blackouts_ring ON blackouts (ring_id);",
};

/*
 * Import stages the model into TEMP tables shaped like the real ones (same
 * column affinities, so EXCEPT compares like with like), then syncs.  The
 * unique indexes make a duplicate key in the model an error, not last-wins.
 */
static const char stage_create_sql[] =
	"CREATE TEMP TABLE stage_os AS SELECT id, pos, name, arch,"
	" hotpatch_start, baseline_months FROM main.os WHERE false;"
	"CREATE UNIQUE INDEX temp.stage_os_key ON stage_os (id);"
	"CREATE TEMP TABLE stage_releases AS SELECT os_id, month, kind,"
	" unplanned, date, kb, build, note FROM main.releases WHERE false;"
	"CREATE UNIQUE INDEX temp.stage_releases_key"
	" ON stage_releases (os_id, month);"
	"CREATE TEMP TABLE stage_oob AS SELECT os_id, date, kb, build,"
	" restart, note FROM main.oob WHERE false;"
	"CREATE UNIQUE INDEX temp.stage_oob_key ON stage_oob (os_id, date, kb);"
	"CREATE TEMP TABLE stage_overrides AS SELECT os_id, month, kind,"
	" reason, who FROM main.overrides WHERE false;"
	"CREATE UNIQUE INDEX temp.stage_overrides_key"
	" ON stage_overrides (os_id, month);"
	"CREATE TEMP TABLE stage_rings AS SELECT id, pos, name, deferral_days,"
	" deadline_days, grace_days, timezone, hotpatch, arch, vbs,"
	" chpe_disabled, licensed, reminder_min, file, line"
	" FROM main.rings WHERE false;"
	"CREATE UNIQUE INDEX temp.stage_rings_key ON stage_rings (id);"
	"CREATE TEMP TABLE stage_ring_os AS SELECT ring_id, pos, os_id"
	" FROM main.ring_os WHERE false;"
	"CREATE TEMP TABLE stage_ring_windows AS SELECT ring_id, pos, type,"
	" days, offset_days, start_min, duration_min"
	" FROM main.ring_windows WHERE false;"
	"CREATE TEMP TABLE stage_blackouts AS SELECT name, ring_id, from_date,"
	" to_date FROM main.blackouts WHERE false;"
	/* Without these, syncing 10,000 rings compares every row with every row. */
	"CREATE INDEX temp.stage_ring_os_key ON stage_ring_os (ring_id, pos);"
	"CREATE INDEX temp.stage_ring_windows_key ON stage_ring_windows (ring_id, pos);"
	"CREATE INDEX temp.stage_blackouts_key"
	" ON stage_blackouts (ring_id, from_date, to_date, name);";

static const char stage_clear_sql[] =
	"DELETE FROM stage_os; DELETE FROM stage_releases;"
	"DELETE FROM stage_oob;"
	"DELETE FROM stage_overrides; DELETE FROM stage_rings;"
	"DELETE FROM stage_ring_os; DELETE FROM stage_ring_windows;"
	"DELETE FROM stage_blackouts;";

enum stage {
	ST_OS,
	ST_REL,
	ST_OOB,
	ST_OVR,
	ST_RING,
	ST_RING_OS,
	ST_WIN,
	ST_BO,
	ST_COUNT
};

static const char *const stage_insert_sql[ST_COUNT] = {
	[ST_OS] = "INSERT INTO stage_os VALUES (?, ?, ?, ?, ?, ?)",
	[ST_REL] = "INSERT INTO stage_releases VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_OOB] = "INSERT INTO stage_oob VALUES (?, ?, ?, ?, ?, ?)",
	[ST_OVR] = "INSERT INTO stage_overrides VALUES (?, ?, ?, ?, ?)",
	[ST_RING] = "INSERT INTO stage_rings"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_RING_OS] = "INSERT INTO stage_ring_os VALUES (?, ?, ?)",
	[ST_WIN] = "INSERT INTO stage_ring_windows"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)",
	[ST_BO] = "INSERT INTO stage_blackouts VALUES (?, ?, ?, ?)",
};

/*
 * Staged -> real.  Deletions first, children before parents, so ring_os
 * never points at a deleted OS; then inserts and updates, parents first, of
 * only the staged rows that differ from the real ones (EXCEPT), so an
 * unchanged row is never written.  "WHERE true" resolves SQLite's upsert
 * parsing ambiguity after a FROM clause.  Only origin 'file' overrides and
 * blackouts are synced; a run-time override for the same key wins.
 */
static const struct {
	const char	*what;
	const char	*sql;
} sync_sql[] = {
	{ "ring windows",
	  "DELETE FROM ring_windows WHERE (ring_id, pos) NOT IN"
	  " (SELECT ring_id, pos FROM stage_ring_windows)" },
	{ "ring OS lists",
	  "DELETE FROM ring_os WHERE (ring_id, pos) NOT IN"
	  " (SELECT ring_id, pos FROM stage_ring_os)" },
	{ "blackouts",
	  "DELETE FROM blackouts WHERE origin = 'file' AND NOT EXISTS"
	  " (SELECT 1 FROM stage_blackouts s WHERE s.name = blackouts.name"
	  " AND s.ring_id IS blackouts.ring_id"
	  " AND s.from_date = blackouts.from_date"
	  " AND s.to_date = blackouts.to_date)" },
	{ "rings",
	  "DELETE FROM rings WHERE id NOT IN (SELECT id FROM stage_rings)" },
	{ "overrides",
	  "DELETE FROM overrides WHERE origin = 'file' AND (os_id, month)"
	  " NOT IN (SELECT os_id, month FROM stage_overrides)" },
	{ "out-of-band releases",
	  "DELETE FROM oob WHERE (os_id, date, kb) NOT IN"
	  " (SELECT os_id, date, kb FROM stage_oob)" },
	{ "releases",
	  "DELETE FROM releases WHERE (os_id, month) NOT IN"
	  " (SELECT os_id, month FROM stage_releases)" },
	{ "OSes",
	  "DELETE FROM os WHERE id NOT IN (SELECT id FROM stage_os)" },

	{ "OSes",
	  "INSERT INTO os (id, pos, name, arch, hotpatch_start,"
	  " baseline_months) SELECT * FROM (SELECT id, pos, name, arch,"
	  " hotpatch_start, baseline_months FROM stage_os EXCEPT SELECT id,"
	  " pos, name, arch, hotpatch_start, baseline_months FROM os)"
	  " WHERE true"
	  " ON CONFLICT (id) DO UPDATE SET pos = excluded.pos,"
	  " name = excluded.name, arch = excluded.arch,"
	  " hotpatch_start = excluded.hotpatch_start,"
	  " baseline_months = excluded.baseline_months" },
	{ "releases",
	  "INSERT INTO releases (os_id, month, kind, unplanned, date, kb,"
	  " build, note) SELECT * FROM (SELECT os_id, month, kind, unplanned,"
	  " date, kb, build, note FROM stage_releases EXCEPT SELECT os_id,"
	  " month, kind, unplanned, date, kb, build, note FROM releases)"
	  " WHERE true"
	  " ON CONFLICT (os_id, month) DO UPDATE SET kind = excluded.kind,"
	  " unplanned = excluded.unplanned, date = excluded.date,"
	  " kb = excluded.kb, build = excluded.build, note = excluded.note" },
	{ "out-of-band releases",
	  "INSERT INTO oob (os_id, date, kb, build, restart, note)"
	  " SELECT * FROM (SELECT os_id, date, kb, build, restart, note"
	  " FROM stage_oob EXCEPT SELECT os_id, date, kb, build, restart, note"
	  " FROM oob) WHERE true"
	  " ON CONFLICT (os_id, date, kb) DO UPDATE SET build = excluded.build,"
	  " restart = excluded.restart, note = excluded.note" },
	{ "overrides",
	  "INSERT INTO overrides (os_id, month, kind, reason, who, at, origin)"
	  " SELECT os_id, month, kind, reason, who, 0, 'file' FROM"
	  " (SELECT os_id, month, kind, reason, who FROM stage_overrides"
	  " EXCEPT SELECT os_id, month, kind, reason, who FROM overrides"
	  " WHERE origin = 'file' AND at = 0) AS n"
	  " WHERE NOT EXISTS (SELECT 1 FROM overrides o"
	  " WHERE o.os_id = n.os_id AND o.month = n.month"
	  " AND o.origin = 'runtime')"
	  " ON CONFLICT (os_id, month) DO UPDATE SET kind = excluded.kind,"
	  " reason = excluded.reason, who = excluded.who, at = 0"
	  " WHERE overrides.origin = 'file'" },
	{ "rings",
	  "INSERT INTO rings (id, pos, name, deferral_days, deadline_days,"
	  " grace_days, timezone, hotpatch, arch, vbs, chpe_disabled, licensed,"
	  " reminder_min, file, line)"
	  " SELECT * FROM (SELECT id, pos, name, deferral_days, deadline_days,"
	  " grace_days, timezone, hotpatch, arch, vbs, chpe_disabled, licensed,"
	  " reminder_min, file, line FROM stage_rings EXCEPT SELECT id, pos,"
	  " name, deferral_days, deadline_days, grace_days, timezone, hotpatch,"
	  " arch, vbs, chpe_disabled, licensed, reminder_min, file, line"
	  " FROM rings) WHERE true"
	  " ON CONFLICT (id) DO UPDATE SET pos = excluded.pos,"
	  " name = excluded.name, deferral_days = excluded.deferral_days,"
	  " deadline_days = excluded.deadline_days,"
	  " grace_days = excluded.grace_days, timezone = excluded.timezone,"
	  " hotpatch = excluded.hotpatch, arch = excluded.arch,"
	  " vbs = excluded.vbs, chpe_disabled = excluded.chpe_disabled,"
	  " licensed = excluded.licensed, reminder_min = excluded.reminder_min,"
	  " file = excluded.file, line = excluded.line" },
	{ "ring OS lists",
	  "INSERT INTO ring_os (ring_id, pos, os_id)"
	  " SELECT * FROM (SELECT ring_id, pos, os_id FROM stage_ring_os"
	  " EXCEPT SELECT ring_id, pos, os_id FROM ring_os) WHERE true"
	  " ON CONFLICT (ring_id, pos) DO UPDATE SET os_id = excluded.os_id" },
	{ "ring windows",
	  "INSERT INTO ring_windows (ring_id, pos, type, days, offset_days,"
	  " start_min, duration_min)"
	  " SELECT * FROM (SELECT ring_id, pos, type, days, offset_days,"
	  " start_min, duration_min FROM stage_ring_windows EXCEPT SELECT"
	  " ring_id, pos, type, days, offset_days, start_min, duration_min"
	  " FROM ring_windows) WHERE true"
	  " ON CONFLICT (ring_id, pos) DO UPDATE SET type = excluded.type,"
	  " days = excluded.days, offset_days = excluded.offset_days,"
	  " start_min = excluded.start_min,"
	  " duration_min = excluded.duration_min" },
	/* No natural key: insert the first of each new one, in file order. */
	{ "blackouts",
	  "INSERT INTO blackouts (name, ring_id, from_date, to_date, origin)"
	  " SELECT name, ring_id, from_date, to_date, 'file'"
	  " FROM stage_blackouts s WHERE NOT EXISTS (SELECT 1 FROM blackouts b"
	  " WHERE b.origin = 'file' AND b.name = s.name"
	  " AND b.ring_id IS s.ring_id AND b.from_date = s.from_date"
	  " AND b.to_date = s.to_date)"
	  " AND NOT EXISTS (SELECT 1 FROM stage_blackouts t"
	  " WHERE t.rowid < s.rowid AND t.name = s.name"
	  " AND t.ring_id IS s.ring_id AND t.from_date = s.from_date"
	  " AND t.to_date = s.to_date)"
	  " ORDER BY s.rowid" },
};

/* Set *cause to "what: <the connection's last error>"; returns -1. */
static int
fail(struct store *s, char **cause, const char *what)
{
	*cause = xasprintf("%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

/* Replace *cause with "prefix: *cause". */
static void
prefix_cause(char **cause, const char *prefix)
{
	char *old = *cause;

	*cause = xasprintf("%s: %s", prefix, old);
	free(old);
}

static int
exec(struct store *s, const char *sql, const char *what, char **cause)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, cause, what);
	return 0;
}

/* Undo an open transaction, if any; the error that led here is kept. */
static void
rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
prepare(struct store *s, const char *sql, sqlite3_stmt **st, const char *what,
    char **cause)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return fail(s, cause, what);
	return 0;
}

/* Prepare sql and step to its first row; on error *st is finalized. */
static int
query_row(struct store *s, const char *sql, sqlite3_stmt **st,
    const char *what, char **cause)
{
	if (prepare(s, sql, st, what, cause) == -1)
		return -1;
	if (sqlite3_step(*st) == SQLITE_ROW)
		return 0;
	fail(s, cause, what);
	sqlite3_finalize(*st);
	return -1;
}

static int
query_int(struct store *s, const char *sql, int *out, const char *what,
    char **cause)
{
	sqlite3_stmt *st;

	if (query_row(s, sql, &st, what, cause) == -1)
		return -1;
	*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/*
 * Bind parameters by a type string: 's' string (NULL binds NULL), 'i' int,
 * 'I' int64 (time_t, uid), 'k' enum kind (as its name), 'd' const struct ymd *
 * (unset binds NULL).
 */
static int
bindv(sqlite3_stmt *st, const char *types, va_list ap)
{
	const char *str;
	const struct ymd *d;
	char buf[11];
	int rc = SQLITE_OK;

	for (int i = 1; rc == SQLITE_OK && types[i - 1] != '\0'; i++) {
		switch (types[i - 1]) {
		case 's':
			str = va_arg(ap, const char *);
			rc = str == NULL ? sqlite3_bind_null(st, i) :
			    sqlite3_bind_text(st, i, str, -1, SQLITE_TRANSIENT);
			break;
		case 'i':
			rc = sqlite3_bind_int(st, i, va_arg(ap, int));
			break;
		case 'I':
			rc = sqlite3_bind_int64(st, i, va_arg(ap, sqlite3_int64));
			break;
		case 'k':
			str = kind_name(va_arg(ap, enum kind));
			rc = sqlite3_bind_text(st, i, str, -1, SQLITE_STATIC);
			break;
		case 'd':
			d = va_arg(ap, const struct ymd *);
			rc = !ymd_is_set(*d) ? sqlite3_bind_null(st, i) :
			    sqlite3_bind_text(st, i, ymd_format(*d, buf), -1,
			    SQLITE_TRANSIENT);
			break;
		default:
			rc = SQLITE_MISUSE;
			break;
		}
	}
	return rc;
}

/* Bind, step a statement that returns no rows, and leave it ready for reuse. */
static int
vrun(struct store *s, sqlite3_stmt *st, const char *what, char **cause,
    const char *types, va_list ap)
{
	int rc = bindv(st, types, ap);

	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		fail(s, cause, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
run(struct store *s, sqlite3_stmt *st, const char *what, char **cause,
    const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = vrun(s, st, what, cause, types, ap);
	va_end(ap);
	return rc;
}

static int
set_wal(struct store *s, char **cause)
{
	sqlite3_stmt *st;
	const char *mode;
	int ok;

	if (query_row(s, "PRAGMA journal_mode = WAL", &st, "set WAL mode",
	    cause) == -1)
		return -1;
	mode = (const char *)sqlite3_column_text(st, 0);
	ok = mode != NULL && strcasecmp(mode, "wal") == 0;
	if (!ok)
		*cause = xasprintf("set WAL mode: journal mode is still %s",
		    mode != NULL ? mode : "unknown");
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

static int
configure(struct store *s, char **cause)
{
	int on;

	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if (set_wal(s, cause) == -1)
		return -1;
	/* Off by default, per connection, silently ignored if unsupported. */
	if (exec(s, "PRAGMA foreign_keys = ON", "enable foreign keys",
	    cause) == -1)
		return -1;
	if (query_int(s, "PRAGMA foreign_keys", &on, "enable foreign keys",
	    cause) == -1)
		return -1;
	if (!on) {
		*cause = xstrdup("enable foreign keys: not supported");
		return -1;
	}
	/*
	 * In WAL mode, NORMAL only syncs at checkpoints, so the last commits
	 * can be lost on power loss; FULL syncs the WAL at every commit, which
	 * is what "an acknowledged change survives power loss" needs.
	 */
	return exec(s, "PRAGMA synchronous = FULL", "set synchronous mode",
	    cause);
}

/* Apply migration v (v -> v + 1) inside the caller's transaction. */
static int
migrate_step(struct store *s, int v, char **cause)
{
	char what[64], sql[64];

	snprintf(what, sizeof(what), "migrate to schema version %d", v + 1);
	if (exec(s, store_migrations[v], what, cause) == -1)
		return -1;
	/* PRAGMA takes no parameters; v + 1 is our own counter, not input. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
	return exec(s, sql, what, cause);
}

/*
 * One transaction per step, and the version is read inside it, so two
 * processes opening the same old database cannot both apply a step.
 */
static int
migrate(struct store *s, char **cause)
{
	int v;

	for (;;) {
		if (exec(s, "BEGIN IMMEDIATE", "migrate", cause) == -1)
			return -1;
		if (query_int(s, "PRAGMA user_version", &v,
		    "read schema version", cause) == -1)
			break;
		if (v < 0 || v > STORE_SCHEMA_VERSION) {
			*cause = xasprintf("database schema version %d is %s "
			    "this hotpatchd (%d)", v, v < 0 ? "not valid for" :
			    "newer than", STORE_SCHEMA_VERSION);
			break;
		}
		if (v == STORE_SCHEMA_VERSION)
			return exec(s, "COMMIT", "migrate", cause);
		if (migrate_step(s, v, cause) == -1 ||
		    exec(s, "COMMIT", "migrate", cause) == -1)
			break;
	}
	rollback(s);
	return -1;
}

int
store_open(const char *path, struct store **out, char **cause)
{
	struct store *s;
	int rc;

	*out = NULL;
	s = xcalloc(1, sizeof(*s));
	rc = sqlite3_open_v2(path, &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("%s: open: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		store_close(s);
		return -1;
	}
	if (configure(s, cause) == -1 || migrate(s, cause) == -1 ||
	    exec(s, stage_create_sql, "create staging tables", cause) == -1) {
		prefix_cause(cause, path);
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s);
}

int
store_schema_version(struct store *s)
{
	char *cause = NULL;
	int v;

	if (query_int(s, "PRAGMA user_version", &v, "", &cause) == -1) {
		free(cause);
		return -1;
	}
	return v;
}

/*
 * Staging rows are scratch, not data, and audit rows record changes rather
 * than make them: both are left out of the count so that "nothing changed"
 * reads as 0.
 */
long
store_total_changes(struct store *s)
{
	return sqlite3_total_changes(s->db) - s->scratch;
}

static int
stage_os(struct store *s, sqlite3_stmt **st, const struct os_def *o, int pos,
    char **cause)
{
	const struct release *rel;
	const struct oob *x;

	if (run(s, st[ST_OS], "stage OSes", cause, "sisiii", o->id, pos,
	    o->name, (int)o->arch, o->hotpatch_start,
	    (int)o->baseline_months) == -1)
		return -1;
	for (size_t i = 0; i < o->nrel; i++) {
		rel = &o->rel[i];
		if (run(s, st[ST_REL], "stage releases", cause, "sikidsss",
		    o->id, rel->month, rel->kind, (int)rel->unplanned,
		    &rel->date, rel->kb, rel->build, rel->note) == -1)
			return -1;
	}
	for (size_t i = 0; i < o->noob; i++) {
		x = &o->oob[i];
		if (run(s, st[ST_OOB], "stage out-of-band releases", cause,
		    "sdssis", o->id, &x->date, x->kb, x->build, (int)x->restart,
		    x->note) == -1)
			return -1;
	}
	return 0;
}

static int
stage_ring(struct store *s, sqlite3_stmt **st, const struct ring *g, int pos,
    char **cause)
{
	const struct mwindow *w;

	if (run(s, st[ST_RING], "stage rings", cause, "sisiiisisiiiisi",
	    g->id, pos, g->name, g->deferral_days, g->deadline_days,
	    g->grace_days, g->timezone, (int)g->hotpatch, arch_name(g->arch),
	    (int)g->vbs, (int)g->chpe_disabled, (int)g->licensed,
	    g->reminder_min, g->file, g->line) == -1)
		return -1;
	for (size_t i = 0; i < g->nos; i++)
		if (run(s, st[ST_RING_OS], "stage ring OS lists", cause, "sis",
		    g->id, (int)i, g->os[i]) == -1)
			return -1;
	for (size_t i = 0; i < g->nwin; i++) {
		w = &g->win[i];
		if (run(s, st[ST_WIN], "stage ring windows", cause, "sisiiii",
		    g->id, (int)i, w->type == WIN_WEEKLY ? "weekly" : "offset",
		    (int)w->days, w->offset_days, w->start_min,
		    w->duration_min) == -1)
			return -1;
	}
	return 0;
}

static int
stage_rows(struct store *s, sqlite3_stmt **st, const struct caldata *c,
    const struct ringset *r, char **cause)
{
	const struct override *o;
	const struct blackout *b;

	for (size_t i = 0; i < c->nos; i++)
		if (stage_os(s, st, &c->os[i], (int)i, cause) == -1)
			return -1;
	for (size_t i = 0; i < c->novr; i++) {
		o = &c->ovr[i];
		if (run(s, st[ST_OVR], "stage overrides", cause, "sikss",
		    o->os, o->month, o->kind, o->reason,
		    o->who != NULL ? o->who : "file") == -1)
			return -1;
	}
	for (size_t i = 0; i < r->nring; i++)
		if (stage_ring(s, st, &r->ring[i], (int)i, cause) == -1)
			return -1;
	for (size_t i = 0; i < r->nbo; i++) {
		b = &r->bo[i];
		if (run(s, st[ST_BO], "stage blackouts", cause, "ssdd",
		    b->name, b->ring, &b->from, &b->to) == -1)
			return -1;
	}
	return 0;
}

static int
stage(struct store *s, const struct caldata *c, const struct ringset *r,
    char **cause)
{
	sqlite3_stmt *st[ST_COUNT] = { NULL };
	long before = sqlite3_total_changes(s->db);
	int rc = 0;

	for (int i = 0; i < ST_COUNT && rc == 0; i++)
		rc = prepare(s, stage_insert_sql[i], &st[i], "stage", cause);
	if (rc == 0)
		rc = stage_rows(s, st, c, r, cause);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(st[i]);
	s->scratch += sqlite3_total_changes(s->db) - before;
	return rc;
}

static int
unstage(struct store *s, char **cause)
{
	long before = sqlite3_total_changes(s->db);
	int rc;

	rc = exec(s, stage_clear_sql, "clear staging tables", cause);
	s->scratch += sqlite3_total_changes(s->db) - before;
	return rc;
}

/*
 * Shipped overrides and file blackouts have no foreign key (run-time ones
 * must outlive their OS or ring), so the files' own references are checked
 * here: each must name an OS or ring of the same files.
 */
static int
check_staged(struct store *s, char **cause)
{
	static const struct {
		const char	*sql, *what, *where;
	} q[] = {
		{ "SELECT os_id FROM stage_overrides WHERE os_id NOT IN"
		  " (SELECT id FROM stage_os) LIMIT 1",
		  "a shipped override names OS", "the calendar" },
		{ "SELECT ring_id FROM stage_blackouts WHERE ring_id IS NOT NULL AND"
		  " ring_id NOT IN (SELECT id FROM stage_rings) LIMIT 1",
		  "a file blackout names ring", "the ring files" },
	};
	sqlite3_stmt *st;
	int rc;

	for (size_t i = 0; i < ARRAY_LEN(q); i++) {
		if (prepare(s, q[i].sql, &st, "check references", cause) == -1)
			return -1;
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			*cause = xasprintf("%s '%s', which is not in %s", q[i].what,
			    (const char *)sqlite3_column_text(st, 0), q[i].where);
		else if (rc != SQLITE_DONE)
			fail(s, cause, "check references");
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

static int
sync_staged(struct store *s, char **cause)
{
	for (size_t i = 0; i < ARRAY_LEN(sync_sql); i++)
		if (exec(s, sync_sql[i].sql, sync_sql[i].what, cause) == -1)
			return -1;
	return 0;
}

static int audit(struct store *, const struct actor *, const char *, char **);

int
store_import(struct store *s, const struct caldata *c,
    const struct ringset *r, const struct actor *a, char **cause)
{
	if (exec(s, "BEGIN IMMEDIATE", "begin", cause) == -1 ||
	    unstage(s, cause) == -1 || stage(s, c, r, cause) == -1 ||
	    check_staged(s, cause) == -1 ||
	    sync_staged(s, cause) == -1 || unstage(s, cause) == -1 ||
	    (a != NULL && audit(s, a, "ok", cause) == -1) ||
	    exec(s, "COMMIT", "commit", cause) == -1) {
		rollback(s);
		prefix_cause(cause, "import");
		return -1;
	}
	return 0;
}

/* ---- run-time changes ---- */

/* Prepare, bind, run and finalize one statement. */
static int
run_once(struct store *s, const char *sql, const char *what, char **cause,
    const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if (prepare(s, sql, &st, what, cause) == -1)
		return -1;
	va_start(ap, types);
	rc = vrun(s, st, what, cause, types, ap);
	va_end(ap);
	sqlite3_finalize(st);
	return rc;
}

/* The audit row is not a change of the model: store_total_changes leaves it out. */
static int
audit(struct store *s, const struct actor *a, const char *result, char **cause)
{
	if (run_once(s, "INSERT INTO audit (at, uid, command, args, result)"
	    " VALUES (?, ?, ?, ?, ?)", "write audit", cause, "IIsss",
	    (sqlite3_int64)a->at, (sqlite3_int64)a->uid, a->command,
	    a->args ? a->args : "", result) == -1)
		return -1;
	s->scratch++;
	return 0;
}

/* Commit, or roll back and prefix the cause. */
static int
end_change(struct store *s, int rc, const char *what, char **cause)
{
	if (rc == 0 && exec(s, "COMMIT", "commit", cause) == 0)
		return 0;
	rollback(s);
	prefix_cause(cause, what);
	return -1;
}

int
store_override_set(struct store *s, const struct override *o,
    const struct actor *a, char **cause)
{
	int rc = exec(s, "BEGIN IMMEDIATE", "begin", cause);

	/* No foreign key (a reload keeps it if the OS goes): the OS must exist now. */
	if (rc == 0)
		rc = run_once(s, "INSERT INTO overrides"
		    " (os_id, month, kind, reason, who, at, origin)"
		    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'runtime'"
		    " WHERE EXISTS (SELECT 1 FROM os WHERE id = ?1)"
		    " ON CONFLICT (os_id, month) DO UPDATE SET kind = excluded.kind,"
		    " reason = excluded.reason, who = excluded.who, at = excluded.at,"
		    " origin = 'runtime'", "write override", cause, "sikssI",
		    o->os, o->month, o->kind, o->reason, a->who, (sqlite3_int64)a->at);
	if (rc == 0 && sqlite3_changes(s->db) == 0) {
		*cause = xasprintf("write override: no OS '%s'", o->os);
		rc = -1;
	}
	if (rc == 0)
		rc = audit(s, a, "ok", cause);
	return end_change(s, rc, "override set", cause);
}

int
store_override_clear(struct store *s, const char *os, ym_t month,
    const struct actor *a, char **cause)
{
	int rc = exec(s, "BEGIN IMMEDIATE", "begin", cause), gone = 0;

	if (rc == 0)
		rc = run_once(s, "DELETE FROM overrides WHERE os_id = ? AND month = ?"
		    " AND origin = 'runtime'", "delete override", cause, "si", os, month);
	if (rc == 0 && (gone = sqlite3_changes(s->db)) > 0)
		rc = audit(s, a, "ok", cause);
	if (end_change(s, rc, "override clear", cause) < 0)
		return -1;
	return gone > 0;
}

/* "2026-12-24T18:00:00Z" into buf (at least 21 bytes). */
static char *
instant_format(time_t t, char *buf)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* Exactly the form instant_format writes; returns 0 or -1. */
static int
instant_parse(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	char back[21];
	int n = -1;

	if (strlen(s) != 20 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 20)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	/* Round trip: rejects 2026-02-30, 25:00, signs and spaces. */
	return strcmp(instant_format(*out, back), s) == 0 ? 0 : -1;
}

/* The from_date and to_date columns of b. */
static void
blackout_bounds(const struct blackout *b, char *from, char *to)
{
	if (b->timed) {
		instant_format(b->start, from);
		instant_format(b->end, to);
	} else {
		ymd_format(b->from, from);
		ymd_format(b->to, to);
	}
}

static int
insert_blackout(struct store *s, sqlite3_stmt *st, const struct blackout *b,
    const struct actor *a, char **cause)
{
	char from[21], to[21];
	struct ymd d;
	time_t t;

	blackout_bounds(b, from, to);
	/* Only what load can read back. */
	if (b->timed ? instant_parse(from, &t) < 0 || instant_parse(to, &t) < 0 ||
	    b->end <= b->start : ymd_parse(from, &d) < 0 || ymd_parse(to, &d) < 0) {
		*cause = xasprintf("write blackout: '%s' has bad bounds %s..%s",
		    b->name != NULL ? b->name : "", from, to);
		return -1;
	}
	if (run(s, st, "write blackout", cause, "sssssI", b->name, b->ring, from, to,
	    a->who, (sqlite3_int64)a->at) == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		*cause = xasprintf("write blackout: no ring '%s'", b->ring);
		return -1;
	}
	return 0;
}

/* No foreign key (a reload keeps it if the ring goes): the ring must exist now. */
static const char insert_blackout_sql[] =
	"INSERT INTO blackouts (name, ring_id, from_date, to_date, origin, who, at)"
	" SELECT ?1, ?2, ?3, ?4, 'runtime', ?5, ?6"
	" WHERE ?2 IS NULL OR EXISTS (SELECT 1 FROM rings WHERE id = ?2)";

/* Insert v[0..n) with one statement inside the caller's transaction. */
static int
insert_blackouts(struct store *s, const struct blackout *v, size_t n,
    const struct actor *a, char **cause)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (prepare(s, insert_blackout_sql, &st, "write blackout", cause) == -1)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = insert_blackout(s, st, &v[i], a, cause);
	sqlite3_finalize(st);
	return rc;
}

int
store_blackout_add(struct store *s, struct blackout *b, const struct actor *a,
    char **cause)
{
	int rc = exec(s, "BEGIN IMMEDIATE", "begin", cause);
	long id = 0;

	if (rc == 0 && (rc = insert_blackouts(s, b, 1, a, cause)) == 0) {
		id = (long)sqlite3_last_insert_rowid(s->db);
		rc = audit(s, a, "ok", cause);
	}
	if (end_change(s, rc, "blackout add", cause) < 0)
		return -1;
	b->id = id;
	return 0;
}

int
store_blackout_add_many(struct store *s, const struct blackout *v, size_t n,
    const struct actor *a, char **cause)
{
	int rc = exec(s, "BEGIN IMMEDIATE", "begin", cause);

	if (rc == 0)
		rc = insert_blackouts(s, v, n, a, cause);
	if (rc == 0)
		rc = audit(s, a, "ok", cause);
	return end_change(s, rc, "blackout import", cause);
}

int
store_blackout_remove(struct store *s, long id, const struct actor *a, char **cause)
{
	int rc = exec(s, "BEGIN IMMEDIATE", "begin", cause), gone = 0;

	if (rc == 0)
		rc = run_once(s, "DELETE FROM blackouts WHERE id = ? AND origin = 'runtime'",
		    "delete blackout", cause, "I", (sqlite3_int64)id);
	if (rc == 0 && (gone = sqlite3_changes(s->db)) > 0)
		rc = audit(s, a, "ok", cause);
	if (end_change(s, rc, "blackout remove", cause) < 0)
		return -1;
	return gone > 0;
}

int
store_audit(struct store *s, const struct actor *a, const char *result,
    char **cause)
{
	if (audit(s, a, result, cause) == -1) {
		prefix_cause(cause, "audit");
		return -1;
	}
	return 0;
}

/* ---- backup ---- */

/* Remove the side files SQLite may leave next to a database at path. */
static void
unlink_side_files(const char *path)
{
	static const char *const suffix[] = { "-journal", "-wal", "-shm" };

	for (size_t i = 0; i < ARRAY_LEN(suffix); i++) {
		char *p = xasprintf("%s%s", path, suffix[i]);

		unlink(p);
		free(p);
	}
}

/* The copy at dst must pass quick_check; returns 0 or -1 with *cause. */
static int
check_copy(sqlite3 *dst, char **cause)
{
	sqlite3_stmt *st;
	const char *v;
	int rc;

	if (sqlite3_prepare_v2(dst, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK) {
		*cause = xasprintf("check the copy: %s", sqlite3_errmsg(dst));
		return -1;
	}
	rc = sqlite3_step(st);
	v = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (v == NULL || strcmp(v, "ok") != 0)
		*cause = xasprintf("check the copy: %s", v != NULL ? v : sqlite3_errmsg(dst));
	rc = v != NULL && strcmp(v, "ok") == 0 ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

int
store_backup(struct store *s, const char *tmp_path, char **cause)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc;

	rc = sqlite3_open_v2(tmp_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("backup: open %s: %s", tmp_path,
		    dst != NULL ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
		goto out;
	}
	if ((b = sqlite3_backup_init(dst, "main", s->db, "main")) == NULL) {
		*cause = xasprintf("backup: %s", sqlite3_errmsg(dst));
		rc = -1;
		goto out;
	}
	/* -1: every page in one step, under one read transaction on the source. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("backup: %s", sqlite3_errstr(rc));
		rc = -1;
		goto out;
	}
	if ((rc = sqlite3_errcode(dst)) != SQLITE_OK) {
		*cause = xasprintf("backup: %s", sqlite3_errmsg(dst));
		rc = -1;
		goto out;
	}
	/*
	 * The copy took the source's header, which says WAL; make it one
	 * self-contained file that opens anywhere, read-only directories
	 * included.  hotpatchd turns WAL back on when it opens a restored copy.
	 */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = xasprintf("backup: %s", sqlite3_errmsg(dst));
		rc = -1;
		goto out;
	}
	rc = check_copy(dst, cause);
out:
	if (dst != NULL && sqlite3_close(dst) != SQLITE_OK && rc == 0) {
		*cause = xasprintf("backup: close %s: %s", tmp_path, sqlite3_errmsg(dst));
		rc = -1;
	}
	unlink_side_files(tmp_path);
	return rc == 0 ? 0 : -1;
}

/* ---- loading ---- */

static char *
col_str(sqlite3_stmt *st, int i)
{
	return xstrdup_null((const char *)sqlite3_column_text(st, i));
}

static int
col_kind(sqlite3_stmt *st, int i, enum kind *k, const char *what,
    char **cause)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	if (v != NULL && kind_parse(v, k) == 0)
		return 0;
	*cause = xasprintf("%s: bad kind '%s'", what, v != NULL ? v : "NULL");
	return -1;
}

/* A NULL date is the unset one. */
static int
col_ymd(sqlite3_stmt *st, int i, struct ymd *d, const char *what,
    char **cause)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	memset(d, 0, sizeof(*d));
	if (v == NULL || ymd_parse(v, d) == 0)
		return 0;
	*cause = xasprintf("%s: bad date '%s'", what, v);
	return -1;
}

/* End a SELECT loop whose last sqlite3_step returned rc; finalizes st. */
static int
finish(struct store *s, sqlite3_stmt *st, int rc, const char *what,
    char **cause)
{
	if (rc != SQLITE_DONE)
		fail(s, cause, what);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
load_releases(struct store *s, sqlite3_stmt *st, struct os_def *o,
    char **cause)
{
	struct release *x;
	size_t cap = 0;
	int rc;

	sqlite3_reset(st);
	if (sqlite3_bind_text(st, 1, o->id, -1, SQLITE_STATIC) != SQLITE_OK)
		return fail(s, cause, "read releases");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&o->rel, o->nrel, &cap, sizeof(*o->rel));
		x = &o->rel[o->nrel++];
		memset(x, 0, sizeof(*x));
		x->month = sqlite3_column_int(st, 0);
		x->unplanned = sqlite3_column_int(st, 2) != 0;
		x->kb = col_str(st, 4);
		x->build = col_str(st, 5);
		x->note = col_str(st, 6);
		if (col_kind(st, 1, &x->kind, "read releases", cause) == -1 ||
		    col_ymd(st, 3, &x->date, "read releases", cause) == -1)
			return -1;
	}
	return rc == SQLITE_DONE ? 0 : fail(s, cause, "read releases");
}

static int
load_oob(struct store *s, sqlite3_stmt *st, struct os_def *o, char **cause)
{
	struct oob *x;
	size_t cap = 0;
	int rc;

	sqlite3_reset(st);
	if (sqlite3_bind_text(st, 1, o->id, -1, SQLITE_STATIC) != SQLITE_OK)
		return fail(s, cause, "read out-of-band releases");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&o->oob, o->noob, &cap, sizeof(*o->oob));
		x = &o->oob[o->noob++];
		memset(x, 0, sizeof(*x));
		x->kb = col_str(st, 1);
		x->build = col_str(st, 2);
		x->restart = sqlite3_column_int(st, 3) != 0;
		x->note = col_str(st, 4);
		if (col_ymd(st, 0, &x->date, "read out-of-band releases",
		    cause) == -1)
			return -1;
	}
	return rc == SQLITE_DONE ? 0 :
	    fail(s, cause, "read out-of-band releases");
}

/* The published and out-of-band releases of every OS already in c. */
static int
load_os_details(struct store *s, struct caldata *c, char **cause)
{
	sqlite3_stmt *rel, *oob;
	int rc = 0;

	if (prepare(s, "SELECT month, kind, unplanned, date, kb, build, note"
	    " FROM releases WHERE os_id = ? ORDER BY month", &rel,
	    "read releases", cause) == -1)
		return -1;
	if (prepare(s, "SELECT date, kb, build, restart, note FROM oob"
	    " WHERE os_id = ? ORDER BY date, kb", &oob,
	    "read out-of-band releases", cause) == -1) {
		sqlite3_finalize(rel);
		return -1;
	}
	for (size_t i = 0; i < c->nos && rc == 0; i++)
		if ((rc = load_releases(s, rel, &c->os[i], cause)) == 0)
			rc = load_oob(s, oob, &c->os[i], cause);
	sqlite3_finalize(rel);
	sqlite3_finalize(oob);
	return rc;
}

static int
load_os(struct store *s, struct caldata *c, char **cause)
{
	sqlite3_stmt *st;
	struct os_def *o;
	size_t cap = 0;
	int rc;

	if (prepare(s, "SELECT id, name, arch, hotpatch_start, baseline_months"
	    " FROM os ORDER BY pos, id", &st, "read OSes", cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&c->os, c->nos, &cap, sizeof(*c->os));
		o = &c->os[c->nos++];
		memset(o, 0, sizeof(*o));
		o->id = col_str(st, 0);
		o->name = col_str(st, 1);
		o->arch = (unsigned)sqlite3_column_int(st, 2);
		o->hotpatch_start = sqlite3_column_int(st, 3);
		o->baseline_months = (unsigned)sqlite3_column_int(st, 4);
	}
	if (finish(s, st, rc, "read OSes", cause) == -1)
		return -1;
	return load_os_details(s, c, cause);
}

/*
 * A run-time override whose OS left the calendar, or a run-time blackout
 * whose ring left the ring files, is detached: kept, listed, but not part
 * of the model until the id comes back.
 */
#define OVR_DETACHED	"os_id NOT IN (SELECT id FROM os)"
#define BO_DETACHED	"(ring_id IS NOT NULL AND ring_id NOT IN (SELECT id FROM rings))"

static const char *const select_overrides_sql[2] = {
	"SELECT os_id, month, kind, reason, who, at, origin = 'runtime'"
	" FROM overrides WHERE NOT " OVR_DETACHED " ORDER BY os_id, month",
	"SELECT os_id, month, kind, reason, who, at, origin = 'runtime'"
	" FROM overrides WHERE " OVR_DETACHED " ORDER BY os_id, month",
};

/* Both origins, by OS id then month, so a lookup can stop early. */
static int
load_overrides(struct store *s, struct caldata *c, bool detached, char **cause)
{
	sqlite3_stmt *st;
	struct override *o;
	size_t cap = 0;
	int rc;

	if (prepare(s, select_overrides_sql[detached], &st, "read overrides",
	    cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&c->ovr, c->novr, &cap, sizeof(*c->ovr));
		o = &c->ovr[c->novr++];
		memset(o, 0, sizeof(*o));
		o->os = col_str(st, 0);
		o->month = sqlite3_column_int(st, 1);
		o->reason = col_str(st, 3);
		o->who = col_str(st, 4);
		o->at = (time_t)sqlite3_column_int64(st, 5);
		o->runtime = sqlite3_column_int(st, 6) != 0;
		if (col_kind(st, 2, &o->kind, "read overrides", cause) == -1) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	return finish(s, st, rc, "read overrides", cause);
}

static int
load_ring_os(struct store *s, sqlite3_stmt *st, struct ring *g, char **cause)
{
	size_t cap = 0;
	int rc;

	sqlite3_reset(st);
	if (sqlite3_bind_text(st, 1, g->id, -1, SQLITE_STATIC) != SQLITE_OK)
		return fail(s, cause, "read ring OS lists");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&g->os, g->nos, &cap, sizeof(*g->os));
		g->os[g->nos++] = col_str(st, 0);
	}
	return rc == SQLITE_DONE ? 0 : fail(s, cause, "read ring OS lists");
}

static int
load_windows(struct store *s, sqlite3_stmt *st, struct ring *g, char **cause)
{
	struct mwindow *w;
	const char *type;
	size_t cap = 0;
	int rc;

	sqlite3_reset(st);
	if (sqlite3_bind_text(st, 1, g->id, -1, SQLITE_STATIC) != SQLITE_OK)
		return fail(s, cause, "read ring windows");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&g->win, g->nwin, &cap, sizeof(*g->win));
		w = &g->win[g->nwin++];
		type = (const char *)sqlite3_column_text(st, 0);
		w->type = type != NULL && strcmp(type, "weekly") == 0 ?
		    WIN_WEEKLY : WIN_OFFSET;
		w->days = (unsigned)sqlite3_column_int(st, 1);
		w->offset_days = sqlite3_column_int(st, 2);
		w->start_min = sqlite3_column_int(st, 3);
		w->duration_min = sqlite3_column_int(st, 4);
	}
	return rc == SQLITE_DONE ? 0 : fail(s, cause, "read ring windows");
}

/* The OS lists and windows of every ring already in r. */
static int
load_ring_details(struct store *s, struct ringset *r, char **cause)
{
	sqlite3_stmt *os, *win;
	int rc = 0;

	if (prepare(s, "SELECT os_id FROM ring_os WHERE ring_id = ?"
	    " ORDER BY pos", &os, "read ring OS lists", cause) == -1)
		return -1;
	if (prepare(s, "SELECT type, days, offset_days, start_min,"
	    " duration_min FROM ring_windows WHERE ring_id = ? ORDER BY pos",
	    &win, "read ring windows", cause) == -1) {
		sqlite3_finalize(os);
		return -1;
	}
	for (size_t i = 0; i < r->nring && rc == 0; i++)
		if ((rc = load_ring_os(s, os, &r->ring[i], cause)) == 0)
			rc = load_windows(s, win, &r->ring[i], cause);
	sqlite3_finalize(os);
	sqlite3_finalize(win);
	return rc;
}

static int
load_ring_row(sqlite3_stmt *st, struct ring *g, char **cause)
{
	const char *arch = (const char *)sqlite3_column_text(st, 7);

	g->id = col_str(st, 0);
	g->name = col_str(st, 1);
	g->deferral_days = sqlite3_column_int(st, 2);
	g->deadline_days = sqlite3_column_int(st, 3);
	g->grace_days = sqlite3_column_int(st, 4);
	g->timezone = col_str(st, 5);
	g->hotpatch = sqlite3_column_int(st, 6) != 0;
	g->vbs = sqlite3_column_int(st, 8) != 0;
	g->chpe_disabled = sqlite3_column_int(st, 9) != 0;
	g->licensed = sqlite3_column_int(st, 10) != 0;
	g->reminder_min = sqlite3_column_int(st, 11);
	g->file = col_str(st, 12);
	g->line = sqlite3_column_int(st, 13);
	if (arch != NULL && arch_parse(arch, &g->arch) == 0)
		return 0;
	*cause = xasprintf("read rings: bad arch '%s'",
	    arch != NULL ? arch : "NULL");
	return -1;
}

static int
load_rings(struct store *s, struct ringset *r, char **cause)
{
	sqlite3_stmt *st;
	struct ring *g;
	size_t cap = 0;
	int rc;

	if (prepare(s, "SELECT id, name, deferral_days, deadline_days,"
	    " grace_days, timezone, hotpatch, arch, vbs, chpe_disabled,"
	    " licensed, reminder_min, file, line FROM rings ORDER BY pos, id",
	    &st, "read rings", cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&r->ring, r->nring, &cap, sizeof(*r->ring));
		g = &r->ring[r->nring++];
		memset(g, 0, sizeof(*g));
		if (load_ring_row(st, g, cause) == -1) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	if (finish(s, st, rc, "read rings", cause) == -1)
		return -1;
	return load_ring_details(s, r, cause);
}

/* The UTC day of t. */
static struct ymd
utc_day(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return (struct ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

/*
 * from_date and to_date at columns i and i + 1: two days, or two instants
 * (a timed blackout, whose from/to are then the UTC days it touches).
 */
static int
col_bounds(sqlite3_stmt *st, int i, struct blackout *b, char **cause)
{
	const char *f = (const char *)sqlite3_column_text(st, i);
	const char *t = (const char *)sqlite3_column_text(st, i + 1);

	if (f != NULL && t != NULL && ymd_parse(f, &b->from) == 0 &&
	    ymd_parse(t, &b->to) == 0)
		return 0;
	if (f != NULL && t != NULL && instant_parse(f, &b->start) == 0 &&
	    instant_parse(t, &b->end) == 0) {
		b->timed = true;
		b->from = utc_day(b->start);
		b->to = utc_day(b->end > b->start ? b->end - 1 : b->start);
		return 0;
	}
	memset(&b->from, 0, sizeof(b->from));
	memset(&b->to, 0, sizeof(b->to));
	*cause = xasprintf("read blackouts: bad date '%s'..'%s'", f != NULL ? f : "NULL",
	    t != NULL ? t : "NULL");
	return -1;
}

/* Every blackout, then the attached ones, then the detached ones. */
static const char *const select_blackouts_sql[3] = {
	"SELECT id, name, ring_id, from_date, to_date, origin = 'runtime', who, at, "
	BO_DETACHED " FROM blackouts ORDER BY id",
	"SELECT id, name, ring_id, from_date, to_date, origin = 'runtime', who, at, 0"
	" FROM blackouts WHERE NOT " BO_DETACHED " ORDER BY id",
	"SELECT id, name, ring_id, from_date, to_date, origin = 'runtime', who, at, 1"
	" FROM blackouts WHERE " BO_DETACHED " ORDER BY id",
};

/* One row of select_blackouts_sql into b (zeroed by the caller). */
static int
blackout_row(sqlite3_stmt *st, struct blackout *b, char **cause)
{
	b->id = (long)sqlite3_column_int64(st, 0);
	b->name = col_str(st, 1);
	b->ring = col_str(st, 2);
	b->runtime = sqlite3_column_int(st, 5) != 0;
	return col_bounds(st, 3, b, cause);
}

static int
load_blackouts(struct store *s, struct ringset *r, bool detached, char **cause)
{
	sqlite3_stmt *st;
	struct blackout *b;
	size_t cap = 0;
	int rc;

	if (prepare(s, select_blackouts_sql[1 + detached], &st, "read blackouts",
	    cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&r->bo, r->nbo, &cap, sizeof(*r->bo));
		b = &r->bo[r->nbo++];
		memset(b, 0, sizeof(*b));
		if (blackout_row(st, b, cause) == -1) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	return finish(s, st, rc, "read blackouts", cause);
}

void
store_blackout_recs_free(struct blackout_rec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		blackout_free(&v[i].b);
		free(v[i].who);
	}
	free(v);
}

int
store_blackout_list(struct store *s, struct blackout_rec **out, size_t *n,
    char **cause)
{
	struct blackout_rec *v = NULL, *x;
	sqlite3_stmt *st;
	size_t nv = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (prepare(s, select_blackouts_sql[0], &st, "read blackouts", cause) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&v, nv, &cap, sizeof(*v));
		x = &v[nv++];
		memset(x, 0, sizeof(*x));
		if (blackout_row(st, &x->b, cause) == -1) {
			sqlite3_finalize(st);
			store_blackout_recs_free(v, nv);
			return -1;
		}
		if (x->b.runtime) {
			x->who = col_str(st, 6);
			x->at = (time_t)sqlite3_column_int64(st, 7);
		}
		x->detached = sqlite3_column_int(st, 8) != 0;
	}
	if (finish(s, st, rc, "read blackouts", cause) == -1) {
		store_blackout_recs_free(v, nv);
		return -1;
	}
	*out = v;
	*n = nv;
	return 0;
}

int
store_load(struct store *s, struct caldata *c, struct ringset *r,
    char **cause)
{
	/* One read transaction, so everything comes from one snapshot. */
	if (exec(s, "BEGIN", "begin", cause) == -1 ||
	    load_os(s, c, cause) == -1 || load_overrides(s, c, false, cause) == -1 ||
	    load_rings(s, r, cause) == -1 ||
	    load_blackouts(s, r, false, cause) == -1 ||
	    exec(s, "COMMIT", "commit", cause) == -1) {
		rollback(s);
		caldata_free(c);
		ringset_free(r);
		prefix_cause(cause, "load");
		return -1;
	}
	ringset_index(r);
	return 0;
}

int
store_detached(struct store *s, struct caldata *c, struct ringset *r, char **cause)
{
	if (exec(s, "BEGIN", "begin", cause) == -1 ||
	    load_overrides(s, c, true, cause) == -1 ||
	    load_blackouts(s, r, true, cause) == -1 ||
	    exec(s, "COMMIT", "commit", cause) == -1) {
		rollback(s);
		caldata_free(c);
		ringset_free(r);
		prefix_cause(cause, "read detached items");
		return -1;
	}
	return 0;
}

/* ---- the files last imported ---- */

int
store_source_get(struct store *s, char fp[STORE_FINGERPRINT_LEN], char **cause)
{
	sqlite3_stmt *st;
	int rc;

	fp[0] = '\0';
	if (prepare(s, "SELECT value FROM meta WHERE key = 'source'", &st,
	    "read the source fingerprint", cause) == -1)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(fp, STORE_FINGERPRINT_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
	return finish(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, "read the source fingerprint",
	    cause);
}

int
store_source_set(struct store *s, const char *fp, char **cause)
{
	return run_once(s, "INSERT INTO meta (key, value) VALUES ('source', ?)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	    "write the source fingerprint", cause, "s", fp);
}

/* ---- feed state ---- */

/*
 * One pass over v.  Read-only (write false): stop at the first uid that is
 * new or changed and set *dirty.  Writing: insert or bump those.  Fills
 * v[i].sequence and v[i].changed either way (complete only when the pass
 * reaches the end).
 */
static int
stamp_pass(struct store *s, struct feed_stamp *v, size_t n, time_t now, bool write,
    bool *dirty, char **cause)
{
	sqlite3_stmt *sel = NULL, *ins = NULL, *upd = NULL;
	int rc = prepare(s, "SELECT hash, sequence, last_modified FROM feed_state"
	    " WHERE uid = ?", &sel, "read feed state", cause);

	if (rc == 0 && write)
		rc = prepare(s, "INSERT INTO feed_state (uid, hash, sequence, last_modified)"
		    " VALUES (?, ?, 0, ?)", &ins, "insert feed state", cause);
	if (rc == 0 && write)
		rc = prepare(s, "UPDATE feed_state SET hash = ?, sequence = sequence + 1,"
		    " last_modified = ? WHERE uid = ?", &upd, "update feed state", cause);
	for (size_t i = 0; rc == 0 && i < n && !*dirty; i++) {
		char hex[17];
		int step;

		snprintf(hex, sizeof(hex), "%016" PRIx64, v[i].hash);
		if (sqlite3_bind_text(sel, 1, v[i].uid, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
			rc = fail(s, cause, "read feed state");
			break;
		}
		step = sqlite3_step(sel);
		if (step == SQLITE_ROW) {
			const char *h = (const char *)sqlite3_column_text(sel, 0);

			v[i].sequence = sqlite3_column_int(sel, 1);
			v[i].changed = (time_t)sqlite3_column_int64(sel, 2);
			if (h == NULL || strcmp(h, hex) != 0) {
				if (!write)
					*dirty = true;
				else if ((rc = run(s, upd, "update feed state", cause, "sIs",
				    hex, (sqlite3_int64)now, v[i].uid)) == 0) {
					v[i].sequence++;
					v[i].changed = now;
				}
			}
		} else if (step == SQLITE_DONE) {
			if (!write)
				*dirty = true;
			else if ((rc = run(s, ins, "insert feed state", cause, "ssI", v[i].uid,
			    hex, (sqlite3_int64)now)) == 0) {
				v[i].sequence = 0;
				v[i].changed = now;
			}
		} else
			rc = fail(s, cause, "read feed state");
		sqlite3_reset(sel);
		sqlite3_clear_bindings(sel);
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	return rc;
}

int
store_feed_stamp(struct store *s, struct feed_stamp *v, size_t n, time_t now,
    char **cause)
{
	bool dirty = false;
	int rc;

	/* Read first, in a deferred transaction: the usual case writes nothing. */
	rc = exec(s, "BEGIN", "begin", cause);
	if (rc == 0)
		rc = stamp_pass(s, v, n, now, false, &dirty, cause);
	if (rc == 0 && !dirty)
		return end_change(s, 0, "feed stamp", cause);
	if (end_change(s, rc, "feed stamp", cause) < 0)
		return -1;

	/* Something is new or changed: redo it all under the write lock. */
	dirty = false;
	rc = exec(s, "BEGIN IMMEDIATE", "begin", cause);
	if (rc == 0)
		rc = stamp_pass(s, v, n, now, true, &dirty, cause);
	return end_change(s, rc, "feed stamp", cause);
}
