/*
 * store_bo_import.c: imports of blackouts that can be redone and undone.
 * An imported entry is known by its import's name, its ring and its key in
 * the file (the event's UID, and the occurrence for one that is moved or
 * added); importing the same file again updates those rows in place.
 */
#include "store_int.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char find_sql[] =
	"SELECT id, name, from_date, to_date, kind, ifnull(rrule, ''), exdates,"
	" ifnull(tzid, ''), ifnull(tzdef, '') FROM blackouts WHERE origin = 'runtime'"
	" AND import_name = ?1 AND ifnull(ring_id, '') = ifnull(?2, '') AND uid = ?3"
	" AND ifnull(recurrence_id, '') = ifnull(?4, '')";

/* The same 14 values as db_blackout_insert_sql, into the row id ?15. */
static const char update_sql[] =
	"UPDATE blackouts SET name = ?1, ring_id = ?2, from_date = ?3, to_date = ?4,"
	" who = ?5, at = ?6, kind = ?7, rrule = ?8, exdates = ?9, tzid = ?10, tzdef = ?11,"
	" import_name = ?12, uid = ?13, recurrence_id = ?14 WHERE id = ?15";

static const char prune_sql[] =
	"DELETE FROM blackouts WHERE origin = 'runtime' AND import_name = ?1"
	" AND ifnull(ring_id, '') = ifnull(?2, '')"
	" AND id NOT IN (SELECT value FROM json_each(?3))";

enum { ST_FIND, ST_INSERT, ST_UPDATE, ST_N };

static bool
col_is(sqlite3_stmt *st, int i, const char *want)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return strcmp(v != NULL ? v : "", want != NULL ? want : "") == 0;
}

/* Does the row at st say what b says? */
static bool
same_row(sqlite3_stmt *st, const struct blackout *b)
{
	char from[21], to[21], *ex = db_except_json(b);
	bool same;

	db_blackout_bounds(b, from, to);
	same = col_is(st, 1, b->name) && col_is(st, 2, from) && col_is(st, 3, to) &&
	    col_is(st, 4, bo_kind_name(b->kind)) && col_is(st, 5, b->rrule) &&
	    col_is(st, 6, ex) && col_is(st, 7, b->tzid) && col_is(st, 8, b->tzdef);
	free(ex);
	return same;
}

/* Write entry b: add it, update its row, or leave it; its row id into *id. */
static int
put_entry(struct store *s, sqlite3_stmt **st, const struct blackout *b, const struct actor *a,
    struct bo_import_result *res, long *id, char **cause)
{
	int rc;

	sqlite3_bind_text(st[ST_FIND], 1, b->import, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_FIND], 2, b->ring, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_FIND], 3, b->uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_FIND], 4, b->rid, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st[ST_FIND])) == SQLITE_ROW) {
		*id = (long)sqlite3_column_int64(st[ST_FIND], 0);
		if (same_row(st[ST_FIND], b)) {
			res->unchanged++;
			rc = SQLITE_DONE;
		} else {
			sqlite3_reset(st[ST_FIND]);
			res->updated++;
			return db_blackout_write(s, st[ST_UPDATE], b, a, *id, cause);
		}
	} else if (rc == SQLITE_DONE) {
		sqlite3_reset(st[ST_FIND]);
		res->added++;
		if (db_blackout_write(s, st[ST_INSERT], b, a, 0, cause) < 0)
			return -1;
		*id = (long)sqlite3_last_insert_rowid(s->db);
	}
	if (rc != SQLITE_DONE)
		db_fail(s, cause, "read blackouts");
	sqlite3_reset(st[ST_FIND]);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Put every entry, then remove the import's rows no entry kept. */
static int
put_all(struct store *s, sqlite3_stmt **st, const char *name, const char *ring,
    const struct blackout *v, size_t n, const struct actor *a, struct bo_import_result *res,
    char **cause)
{
	struct textbuf kept = textbuf_of(xstrdup("["));
	long id = 0;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = put_entry(s, st, &v[i], a, res, &id, cause);
		textbuf_printf(&kept, "%s%ld", i > 0 ? "," : "", id);
	}
	textbuf_printf(&kept, "]");
	if (rc == 0)
		rc = db_run_once(s, prune_sql, "remove blackouts", cause, "sss", name, ring, kept.s);
	if (rc == 0)
		res->removed = (size_t)sqlite3_changes(s->db);
	free(kept.s);
	return rc;
}

int
store_blackout_import(struct store *s, const char *name, const char *ring,
    const struct blackout *v, size_t n, const struct actor *a, struct bo_import_result *res,
    char **cause)
{
	static const char *const sql[ST_N] = { find_sql, db_blackout_insert_sql, update_sql };
	sqlite3_stmt *st[ST_N] = { NULL };
	int rc = db_exec(s, "BEGIN IMMEDIATE", "begin", cause);

	memset(res, 0, sizeof(*res));
	for (int i = 0; i < ST_N && rc == 0; i++)
		rc = db_prepare(s, sql[i], &st[i], "write blackout", cause);
	if (rc == 0)
		rc = put_all(s, st, name, ring, v, n, a, res, cause);
	for (int i = 0; i < ST_N; i++)
		sqlite3_finalize(st[i]);
	if (rc == 0)
		rc = db_audit(s, a, "ok", cause);
	return db_end_change(s, rc, "blackout import", cause);
}

long
store_blackout_remove_import(struct store *s, const char *name, const char *ring,
    bool every_ring, const struct actor *a, char **cause)
{
	int rc = db_exec(s, "BEGIN IMMEDIATE", "begin", cause);
	long gone = 0;

	if (rc == 0)
		rc = db_run_once(s, "DELETE FROM blackouts WHERE origin = 'runtime'"
		    " AND import_name = ?1 AND (?3 OR ifnull(ring_id, '') = ifnull(?2, ''))",
		    "delete blackouts", cause, "ssi", name, ring, (int)every_ring);
	if (rc == 0 && (gone = sqlite3_changes(s->db)) > 0)
		rc = db_audit(s, a, "ok", cause);
	if (db_end_change(s, rc, "blackout remove", cause) < 0)
		return -1;
	return gone;
}
