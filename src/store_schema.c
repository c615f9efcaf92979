/* store_schema.c: the schema, its migrations, and the settings of a connection. */
#include "store_int.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Long enough to ride out a checkpoint or another process's transaction. */
#define STORE_BUSY_MS	5000

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

	/*
	 * 4 -> 5: the state across months.  The defaults give every existing
	 * row today's meaning: a ring follows its own hotpatch setting (set),
	 * always enrolled, follows expedited releases; no OS is on by default;
	 * no release is expedited; every out-of-band release is offered and
	 * keeps hotpatch; every blackout is a freeze.  A pause is at most 35
	 * days: whole days from..to inclusive, or a timed one by end - start.
	 * Upgrades reference their OSes without a cascade, like ring_os.
	 */
	"ALTER TABLE os ADD COLUMN hotpatch_default_from INTEGER NOT NULL DEFAULT 0"
	" CHECK (hotpatch_default_from >= 0);"
	"ALTER TABLE releases ADD COLUMN expedited INTEGER NOT NULL DEFAULT 0"
	" CHECK (expedited IN (0, 1));"
	"ALTER TABLE oob ADD COLUMN delivery TEXT NOT NULL DEFAULT 'automatic'"
	" CHECK (delivery IN ('automatic', 'catalog'));"
	"ALTER TABLE oob ADD COLUMN leaves_hotpatch INTEGER NOT NULL DEFAULT 0"
	" CHECK (leaves_hotpatch IN (0, 1));"
	"ALTER TABLE rings ADD COLUMN hotpatch_set INTEGER NOT NULL DEFAULT 1"
	" CHECK (hotpatch_set IN (0, 1));"
	"ALTER TABLE rings ADD COLUMN hotpatch_since INTEGER NOT NULL DEFAULT 0"
	" CHECK (hotpatch_since >= 0);"
	"ALTER TABLE rings ADD COLUMN expedite INTEGER NOT NULL DEFAULT 1"
	" CHECK (expedite IN (0, 1));"
	"ALTER TABLE blackouts ADD COLUMN kind TEXT NOT NULL DEFAULT 'freeze'"
	" CHECK (kind = 'freeze' OR (kind = 'pause' AND"
	" julianday(to_date) - julianday(from_date) <="
	" CASE WHEN length(from_date) = 10 THEN 34 ELSE 35 END));"
	"CREATE TABLE ring_upgrades ("
	" ring_id TEXT NOT NULL REFERENCES rings (id) ON DELETE CASCADE,"
	" pos INTEGER NOT NULL,"
	" from_os TEXT NOT NULL REFERENCES os (id),"
	" to_os TEXT NOT NULL REFERENCES os (id),"
	" month INTEGER NOT NULL CHECK (month > 0),"
	" CHECK (from_os <> to_os),"
	" PRIMARY KEY (ring_id, pos)"
	");"
	"CREATE INDEX ring_upgrades_from ON ring_upgrades (from_os);"
	"CREATE INDEX ring_upgrades_to ON ring_upgrades (to_os);",

	/*
	 * 5 -> 6: answers published at run time (hotpatchctl publish, imports),
	 * with who, when and from what.  An import of the files never touches
	 * this table; no foreign key, so like a run-time override a row
	 * outlives its OS leaving the calendar.
	 */
	"CREATE TABLE published ("
	" os_id TEXT NOT NULL,"
	" month INTEGER NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('lcu', 'hotpatch', 'baseline')),"
	" unplanned INTEGER NOT NULL DEFAULT 0 CHECK (unplanned IN (0, 1)),"
	" date TEXT,"
	" kb TEXT,"
	" build TEXT,"
	" note TEXT,"
	" expedited INTEGER NOT NULL DEFAULT 0 CHECK (expedited IN (0, 1)),"
	" who TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" origin TEXT NOT NULL,"
	" PRIMARY KEY (os_id, month)"
	");",

	/*
	 * 6 -> 7: the MSRC product names of each OS (CVRF FullProductName),
	 * a JSON array of strings, for importing MSRC's release documents.
	 */
	"ALTER TABLE os ADD COLUMN msrc_products TEXT NOT NULL DEFAULT '[]'"
	" CHECK (msrc_products LIKE '[%]');",

	/*
	 * 7 -> 8: an OS that never gets hotpatch, and the build floor of an OS
	 * that does.  The defaults keep every existing OS on its calendar with
	 * no known floor.  A never-hotpatch OS has no hotpatch_start (0).
	 */
	"ALTER TABLE os ADD COLUMN never_hotpatch INTEGER NOT NULL DEFAULT 0"
	" CHECK (never_hotpatch IN (0, 1) AND (never_hotpatch = 0 OR hotpatch_start = 0));"
	"ALTER TABLE os ADD COLUMN min_build TEXT;",

	/*
	 * 8 -> 9: the device inventory (hotpatchctl devices import), run-time
	 * data: an import of the files never touches it.  Names are unique
	 * whatever their case; no foreign key on ring, so a device outlives its
	 * ring leaving the ring file (it then has no ring).  -1 is an unknown
	 * yes/no, 0 an unknown number; seq keeps the file's order.  The
	 * columns after source are rec_device's.
	 */
	"CREATE TABLE devices ("
	" seq INTEGER NOT NULL,"
	" imported_at INTEGER NOT NULL,"
	" imported_by TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE"
	" CHECK (length(name) BETWEEN 1 AND 256),"
	" ring TEXT,"
	" grp TEXT,"
	" os TEXT,"
	" build INTEGER NOT NULL DEFAULT 0 CHECK (build >= 0),"
	" ubr INTEGER NOT NULL DEFAULT 0 CHECK (ubr >= 0),"
	" arch INTEGER NOT NULL DEFAULT 0 CHECK (arch >= 0),"
	" vbs INTEGER NOT NULL DEFAULT -1 CHECK (vbs BETWEEN -1 AND 1),"
	" chpe_disabled INTEGER NOT NULL DEFAULT -1 CHECK (chpe_disabled BETWEEN -1 AND 1),"
	" edition TEXT,"
	" licensed INTEGER NOT NULL DEFAULT -1 CHECK (licensed BETWEEN -1 AND 1),"
	" last_seen INTEGER NOT NULL DEFAULT 0,"
	" line INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX devices_seq ON devices (seq);",

	/*
	 * 9 -> 10: the directory groups a ring holds (its groups: list), a
	 * JSON array of strings.  A device with no ring column is placed by
	 * its group at run time; the devices table keeps only explicit rings,
	 * so moving a group to another ring moves its devices.
	 */
	"ALTER TABLE rings ADD COLUMN groups TEXT NOT NULL DEFAULT '[]'"
	" CHECK (json_valid(groups) AND json_type(groups) = 'array');",

	/*
	 * 10 -> 11: recurring blackouts kept as rules, and imports that can be
	 * redone.  rrule NULL is a blackout that happens once (every existing
	 * row); otherwise from_date..to_date is its first occurrence, exdates
	 * its exceptions (a JSON array of days or UTC instants), tzid the zone
	 * a timed one repeats in and tzdef that zone's VTIMEZONE when the
	 * imported file defined it.  An imported entry has the import's name
	 * and its event's key (uid, with recurrence_id for one occurrence):
	 * unique per import and ring, so importing the same file again
	 * updates its rows.  Rows imported before have no import name and stay
	 * as they were.
	 */
	"ALTER TABLE blackouts ADD COLUMN rrule TEXT"
	" CHECK (rrule IS NULL OR length(rrule) BETWEEN 1 AND 1024);"
	"ALTER TABLE blackouts ADD COLUMN exdates TEXT NOT NULL DEFAULT '[]'"
	" CHECK (json_valid(exdates) AND json_type(exdates) = 'array'"
	" AND (rrule IS NOT NULL OR exdates = '[]'));"
	"ALTER TABLE blackouts ADD COLUMN tzid TEXT CHECK (tzid IS NULL OR rrule IS NOT NULL);"
	"ALTER TABLE blackouts ADD COLUMN tzdef TEXT CHECK (tzdef IS NULL OR tzid IS NOT NULL);"
	"ALTER TABLE blackouts ADD COLUMN import_name TEXT"
	" CHECK (import_name IS NULL OR length(import_name) BETWEEN 1 AND 200);"
	"ALTER TABLE blackouts ADD COLUMN uid TEXT"
	" CHECK ((uid IS NULL) = (import_name IS NULL));"
	"ALTER TABLE blackouts ADD COLUMN recurrence_id TEXT"
	" CHECK (recurrence_id IS NULL OR uid IS NOT NULL);"
	"CREATE UNIQUE INDEX blackouts_import_key ON blackouts"
	" (import_name, ifnull(ring_id, ''), uid, ifnull(recurrence_id, ''))"
	" WHERE import_name IS NOT NULL;",
};

static int
set_wal(struct store *s, char **cause)
{
	sqlite3_stmt *st;
	const char *mode;
	int ok;

	if (db_query_row(s, "PRAGMA journal_mode = WAL", &st, "set WAL mode",
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

int
schema_configure(struct store *s, char **cause)
{
	int on;

	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if (set_wal(s, cause) == -1)
		return -1;
	/* Off by default, per connection, silently ignored if unsupported. */
	if (db_exec(s, "PRAGMA foreign_keys = ON", "enable foreign keys",
	    cause) == -1)
		return -1;
	if (db_query_int(s, "PRAGMA foreign_keys", &on, "enable foreign keys",
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
	return db_exec(s, "PRAGMA synchronous = FULL", "set synchronous mode",
	    cause);
}

/* Apply migration v (v -> v + 1) inside the caller's transaction. */
static int
migrate_step(struct store *s, int v, char **cause)
{
	char what[64], sql[64];

	snprintf(what, sizeof(what), "migrate to schema version %d", v + 1);
	if (db_exec(s, store_migrations[v], what, cause) == -1)
		return -1;
	/* PRAGMA takes no parameters; v + 1 is our own counter, not input. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
	return db_exec(s, sql, what, cause);
}

/*
 * One transaction per step, and the version is read inside it, so two
 * processes opening the same old database cannot both apply a step.
 */
int
schema_migrate(struct store *s, char **cause)
{
	int v;

	for (;;) {
		if (db_exec(s, "BEGIN IMMEDIATE", "migrate", cause) == -1)
			return -1;
		if (db_query_int(s, "PRAGMA user_version", &v,
		    "read schema version", cause) == -1)
			break;
		if (v < 0 || v > STORE_SCHEMA_VERSION) {
			*cause = xasprintf("database schema version %d is %s "
			    "this hotpatchd (%d)", v, v < 0 ? "not valid for" :
			    "newer than", STORE_SCHEMA_VERSION);
			break;
		}
		if (v == STORE_SCHEMA_VERSION)
			return db_exec(s, "COMMIT", "migrate", cause);
		if (migrate_step(s, v, cause) == -1 ||
		    db_exec(s, "COMMIT", "migrate", cause) == -1)
			break;
	}
	db_rollback(s);
	return -1;
}

