/*
 * store_import.c: make the file-derived tables equal to the loaded files,
 * through TEMP staging tables and one set of sync statements.
 */
#include "store_int.h"
#include "util.h"


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

static int
stage_os(struct store *s, sqlite3_stmt **st, const struct os_def *o, int pos,
    char **cause)
{
	const struct release *rel;
	const struct oob *x;

	if (db_run(s, st[ST_OS], "stage OSes", cause, "sisiii", o->id, pos,
	    o->name, (int)o->arch, o->hotpatch_start,
	    (int)o->baseline_months) == -1)
		return -1;
	for (size_t i = 0; i < o->nrel; i++) {
		rel = &o->rel[i];
		if (db_run(s, st[ST_REL], "stage releases", cause, "sikidsss",
		    o->id, rel->month, rel->kind, (int)rel->unplanned,
		    &rel->date, rel->kb, rel->build, rel->note) == -1)
			return -1;
	}
	for (size_t i = 0; i < o->noob; i++) {
		x = &o->oob[i];
		if (db_run(s, st[ST_OOB], "stage out-of-band releases", cause,
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

	if (db_run(s, st[ST_RING], "stage rings", cause, "sisiiisisiiiisi",
	    g->id, pos, g->name, g->deferral_days, g->deadline_days,
	    g->grace_days, g->timezone, (int)g->hotpatch, arch_name(g->arch),
	    (int)g->vbs, (int)g->chpe_disabled, (int)g->licensed,
	    g->reminder_min, g->file, g->line) == -1)
		return -1;
	for (size_t i = 0; i < g->nos; i++)
		if (db_run(s, st[ST_RING_OS], "stage ring OS lists", cause, "sis",
		    g->id, (int)i, g->os[i]) == -1)
			return -1;
	for (size_t i = 0; i < g->nwin; i++) {
		w = &g->win[i];
		if (db_run(s, st[ST_WIN], "stage ring windows", cause, "sisiiii",
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
		if (db_run(s, st[ST_OVR], "stage overrides", cause, "sikss",
		    o->os, o->month, o->kind, o->reason,
		    o->who != NULL ? o->who : "file") == -1)
			return -1;
	}
	for (size_t i = 0; i < r->nring; i++)
		if (stage_ring(s, st, &r->ring[i], (int)i, cause) == -1)
			return -1;
	for (size_t i = 0; i < r->nbo; i++) {
		b = &r->bo[i];
		if (db_run(s, st[ST_BO], "stage blackouts", cause, "ssdd",
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
		rc = db_prepare(s, stage_insert_sql[i], &st[i], "stage", cause);
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
	for (size_t i = 0; i < ARRAY_LEN(sync_sql); i++)
		if (db_exec(s, sync_sql[i].sql, sync_sql[i].what, cause) == -1)
			return -1;
	return 0;
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
	return db_exec(s, stage_create_sql, "create staging tables", cause);
}
