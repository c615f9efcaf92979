/*
 * store_import.c: make the file-derived tables equal to the loaded files,
 * through TEMP staging tables and one set of sync statements.  OSes,
 * releases, rings and their windows are staged and synced by their
 * descriptors (record.h); overrides, ring OS lists and blackouts, whose
 * rules are their own, by the statements written out here.
 */
#include "store_int.h"
#include "table.h"
#include "util.h"

#include <stdlib.h>

/* The records staged and synced by descriptor, parents first. */
enum stage {
	ST_OS,
	ST_REL,
	ST_OOB,
	ST_RING,
	ST_WIN,
	ST_UPG,
	ST_OVR,
	ST_RING_OS,
	ST_BO,
	ST_COUNT
};
#define ST_BY_RECORD	(ST_UPG + 1)

static const struct record *const staged[ST_BY_RECORD] = {
	[ST_OS] = &rec_os,
	[ST_REL] = &rec_release,
	[ST_OOB] = &rec_oob,
	[ST_RING] = &rec_ring,
	[ST_WIN] = &rec_window,
	[ST_UPG] = &rec_upgrade,
};

/*
 * Import stages the model into TEMP tables shaped like the real ones (same
 * column affinities, so EXCEPT compares like with like), then syncs.  A
 * unique index makes a duplicate key in the model an error, not last-wins
 * (a window's or upgrade's key is unique once its ring's is).  The tables of staged[]
 * are made by stage_table.
 */
static const char stage_create_sql[] =
	"CREATE TEMP TABLE stage_overrides AS SELECT os_id, month, kind,"
	" reason, who FROM main.overrides WHERE false;"
	"CREATE UNIQUE INDEX temp.stage_overrides_key"
	" ON stage_overrides (os_id, month);"
	"CREATE TEMP TABLE stage_ring_os AS SELECT ring_id, pos, os_id"
	" FROM main.ring_os WHERE false;"
	"CREATE TEMP TABLE stage_blackouts AS SELECT name, ring_id, from_date,"
	" to_date, kind, rrule, exdates FROM main.blackouts WHERE false;"
	/* Without these, syncing 10,000 rings compares every row with every row. */
	"CREATE INDEX temp.stage_ring_os_key ON stage_ring_os (ring_id, pos);"
	"CREATE INDEX temp.stage_blackouts_key"
	" ON stage_blackouts (ring_id, from_date, to_date, name);";

static const char stage_clear_sql[] =
	"DELETE FROM stage_overrides; DELETE FROM stage_ring_os;"
	"DELETE FROM stage_blackouts;";

static const char *const stage_insert_sql[ST_COUNT] = {
	[ST_OVR] = "INSERT INTO stage_overrides VALUES (?, ?, ?, ?, ?)",
	[ST_RING_OS] = "INSERT INTO stage_ring_os VALUES (?, ?, ?)",
	[ST_BO] = "INSERT INTO stage_blackouts VALUES (?, ?, ?, ?, ?, ?, ?)",
};

/*
 * Staged -> real.  Deletions first, children before parents, so ring_os
 * never points at a deleted OS; then inserts and updates, parents first, of
 * only the staged rows that differ from the real ones (EXCEPT), so an
 * unchanged row is never written.  A step with a record runs sync_sql's
 * statement for it (upsert or delete); the others are written out.  Only
 * origin 'file' overrides and blackouts are synced; a run-time override for
 * the same key wins.
 */
static const struct sync_step {
	const char		*what;
	const struct record	*r;
	bool			 upsert;
	const char		*sql;
} sync_steps[] = {
	{ "ring windows", &rec_window, false, NULL },
	{ "ring upgrades", &rec_upgrade, false, NULL },
	{ "ring OS lists", NULL, false,
	  "DELETE FROM ring_os WHERE (ring_id, pos) NOT IN"
	  " (SELECT ring_id, pos FROM stage_ring_os)" },
	{ "blackouts", NULL, false,
	  "DELETE FROM blackouts WHERE origin = 'file' AND NOT EXISTS"
	  " (SELECT 1 FROM stage_blackouts s WHERE s.name = blackouts.name"
	  " AND s.ring_id IS blackouts.ring_id"
	  " AND s.from_date = blackouts.from_date"
	  " AND s.to_date = blackouts.to_date AND s.kind = blackouts.kind"
	  " AND s.rrule IS blackouts.rrule AND s.exdates = blackouts.exdates)" },
	{ "rings", &rec_ring, false, NULL },
	{ "overrides", NULL, false,
	  "DELETE FROM overrides WHERE origin = 'file' AND (os_id, month)"
	  " NOT IN (SELECT os_id, month FROM stage_overrides)" },
	{ "out-of-band releases", &rec_oob, false, NULL },
	{ "releases", &rec_release, false, NULL },
	{ "OSes", &rec_os, false, NULL },

	{ "OSes", &rec_os, true, NULL },
	{ "releases", &rec_release, true, NULL },
	{ "out-of-band releases", &rec_oob, true, NULL },
	{ "overrides", NULL, true,
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
	{ "rings", &rec_ring, true, NULL },
	{ "ring OS lists", NULL, true,
	  "INSERT INTO ring_os (ring_id, pos, os_id)"
	  " SELECT * FROM (SELECT ring_id, pos, os_id FROM stage_ring_os"
	  " EXCEPT SELECT ring_id, pos, os_id FROM ring_os) WHERE true"
	  " ON CONFLICT (ring_id, pos) DO UPDATE SET os_id = excluded.os_id" },
	{ "ring windows", &rec_window, true, NULL },
	{ "ring upgrades", &rec_upgrade, true, NULL },
	/* No natural key: insert the first of each new one, in file order. */
	{ "blackouts", NULL, true,
	  "INSERT INTO blackouts (name, ring_id, from_date, to_date, origin, kind, rrule,"
	  " exdates)"
	  " SELECT name, ring_id, from_date, to_date, 'file', kind, rrule, exdates"
	  " FROM stage_blackouts s WHERE NOT EXISTS (SELECT 1 FROM blackouts b"
	  " WHERE b.origin = 'file' AND b.name = s.name"
	  " AND b.ring_id IS s.ring_id AND b.from_date = s.from_date"
	  " AND b.to_date = s.to_date AND b.kind = s.kind"
	  " AND b.rrule IS s.rrule AND b.exdates = s.exdates)"
	  " AND NOT EXISTS (SELECT 1 FROM stage_blackouts t"
	  " WHERE t.rowid < s.rowid AND t.name = s.name"
	  " AND t.ring_id IS s.ring_id AND t.from_date = s.from_date"
	  " AND t.to_date = s.to_date AND t.kind = s.kind"
	  " AND t.rrule IS s.rrule AND t.exdates = s.exdates)"
	  " ORDER BY s.rowid" },
};

/* The staging table of r with its key index. */
static char *
stage_table_sql(const struct record *r, bool unique)
{
	char *cols = db_list(r, DB_COLS), *keys = db_keys(r), *sql;

	sql = xasprintf("CREATE TEMP TABLE stage_%s AS SELECT %s FROM main.%s WHERE false;"
	    "CREATE %sINDEX temp.stage_%s_key ON stage_%s (%s);", r->table, cols,
	    r->table, unique ? "UNIQUE " : "", r->table, r->table, keys);
	free(cols);
	free(keys);
	return sql;
}

static char *
stage_insert_record_sql(const struct record *r)
{
	char *cols = db_list(r, DB_COLS), *params = db_list(r, DB_PARAMS), *sql;

	sql = xasprintf("INSERT INTO stage_%s (%s) VALUES (%s)", r->table, cols, params);
	free(cols);
	free(params);
	return sql;
}

/*
 * A record's sync statement.  Delete: the rows whose key is not staged.
 * Upsert: the staged rows that differ; "WHERE true" resolves SQLite's upsert
 * parsing ambiguity after a FROM clause.
 */
static char *
sync_sql(const struct record *r, bool upsert)
{
	char *cols = db_list(r, DB_COLS), *set = db_list(r, DB_SET);
	char *keys = db_keys(r), *sql;

	if (!upsert)
		sql = xasprintf("DELETE FROM %s WHERE (%s) NOT IN (SELECT %s FROM stage_%s)",
		    r->table, keys, keys, r->table);
	else
		sql = xasprintf("INSERT INTO %s (%s) SELECT * FROM (SELECT %s FROM stage_%s"
		    " EXCEPT SELECT %s FROM %s) WHERE true ON CONFLICT (%s) DO UPDATE SET %s",
		    r->table, cols, cols, r->table, cols, r->table, keys, set);
	free(cols);
	free(set);
	free(keys);
	return sql;
}

static int
stage_os(struct store *s, sqlite3_stmt **st, const struct os_def *o, int pos,
    char **cause)
{
	if (db_run_record(s, st[ST_OS], &rec_os, o, "stage OSes", cause, "i", pos) == -1)
		return -1;
	for (size_t i = 0; i < o->nrel; i++)
		if (db_run_record(s, st[ST_REL], &rec_release, &o->rel[i],
		    "stage releases", cause, "s", o->id) == -1)
			return -1;
	for (size_t i = 0; i < o->noob; i++)
		if (db_run_record(s, st[ST_OOB], &rec_oob, &o->oob[i],
		    "stage out-of-band releases", cause, "s", o->id) == -1)
			return -1;
	return 0;
}

static int
stage_ring(struct store *s, sqlite3_stmt **st, const struct ring *g, int pos,
    char **cause)
{
	if (db_run_record(s, st[ST_RING], &rec_ring, g, "stage rings", cause, "i",
	    pos) == -1)
		return -1;
	for (size_t i = 0; i < g->nos; i++)
		if (db_run(s, st[ST_RING_OS], "stage ring OS lists", cause, "sis",
		    g->id, (int)i, g->os[i]) == -1)
			return -1;
	for (size_t i = 0; i < g->nwin; i++)
		if (db_run_record(s, st[ST_WIN], &rec_window, &g->win[i],
		    "stage ring windows", cause, "si", g->id, (int)i) == -1)
			return -1;
	for (size_t i = 0; i < g->nupg; i++)
		if (db_run_record(s, st[ST_UPG], &rec_upgrade, &g->upg[i],
		    "stage ring upgrades", cause, "si", g->id, (int)i) == -1)
			return -1;
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
		if (db_run(s, st[ST_OVR], "stage overrides", cause, "sikss",
		    o->os, o->month, o->kind, o->reason,
		    o->who != NULL ? o->who : "file") == -1)
			return -1;
	}
	for (size_t i = 0; i < r->nring; i++)
		if (stage_ring(s, st, &r->ring[i], (int)i, cause) == -1)
			return -1;
	for (size_t i = 0; i < r->nbo; i++) {
		char *ex = db_except_json(&r->bo[i]);
		int rc;

		b = &r->bo[i];
		rc = db_run(s, st[ST_BO], "stage blackouts", cause, "ssddsss", b->name, b->ring,
		    &b->from, &b->to, bo_kind_name(b->kind), b->rrule, ex);
		free(ex);
		if (rc == -1)
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

	for (int i = 0; i < ST_COUNT && rc == 0; i++) {
		char *sql = i < ST_BY_RECORD ? stage_insert_record_sql(staged[i]) : NULL;

		rc = db_prepare(s, sql != NULL ? sql : stage_insert_sql[i], &st[i], "stage",
		    cause);
		free(sql);
	}
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

	rc = db_exec(s, stage_clear_sql, "clear staging tables", cause);
	for (int i = 0; i < ST_BY_RECORD && rc == 0; i++) {
		char *sql = xasprintf("DELETE FROM stage_%s", staged[i]->table);

		rc = db_exec(s, sql, "clear staging tables", cause);
		free(sql);
	}
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
		if (db_prepare(s, q[i].sql, &st, "check references", cause) == -1)
			return -1;
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			*cause = xasprintf("%s '%s', which is not in %s", q[i].what,
			    (const char *)sqlite3_column_text(st, 0), q[i].where);
		else if (rc != SQLITE_DONE)
			db_fail(s, cause, "check references");
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

static int
sync_staged(struct store *s, char **cause)
{
	int rc = 0;

	for (size_t i = 0; i < ARRAY_LEN(sync_steps) && rc == 0; i++) {
		const struct sync_step *p = &sync_steps[i];
		char *sql = p->r != NULL ? sync_sql(p->r, p->upsert) : NULL;

		rc = db_exec(s, sql != NULL ? sql : p->sql, p->what, cause);
		free(sql);
	}
	return rc;
}

int
store_import(struct store *s, const struct caldata *c,
    const struct ringset *r, const struct actor *a, char **cause)
{
	if (db_exec(s, "BEGIN IMMEDIATE", "begin", cause) == -1 ||
	    unstage(s, cause) == -1 || stage(s, c, r, cause) == -1 ||
	    check_staged(s, cause) == -1 ||
	    sync_staged(s, cause) == -1 || unstage(s, cause) == -1 ||
	    (a != NULL && db_audit(s, a, "ok", cause) == -1) ||
	    db_exec(s, "COMMIT", "commit", cause) == -1) {
		db_rollback(s);
		db_prefix_cause(cause, "import");
		return -1;
	}
	return 0;
}


int
import_init(struct store *s, char **cause)
{
	int rc = db_exec(s, stage_create_sql, "create staging tables", cause);

	for (int i = 0; i < ST_BY_RECORD && rc == 0; i++) {
		char *sql = stage_table_sql(staged[i], staged[i] != &rec_window &&
		    staged[i] != &rec_upgrade);

		rc = db_exec(s, sql, "create staging tables", cause);
		free(sql);
	}
	return rc;
}
