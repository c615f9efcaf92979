/*
 * store_change.c: run-time overrides, blackouts and published answers, each
 * change with its audit row.
 */
#include "store_int.h"
#include "util.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The audit row is not a change of the model: store_total_changes leaves it out. */
int
db_audit(struct store *s, const struct actor *a, const char *result, char **cause)
{
	if (db_run_once(s, "INSERT INTO audit (at, uid, command, args, result)"
	    " VALUES (?, ?, ?, ?, ?)", "write audit", cause, "IIsss",
	    (sqlite3_int64)a->at, (sqlite3_int64)a->uid, a->command,
	    a->args ? a->args : "", result) == -1)
		return -1;
	s->scratch++;
	return 0;
}

int
store_override_set(struct store *s, const struct override *o,
    const struct actor *a, char **cause)
{
	int rc = db_exec(s, "BEGIN IMMEDIATE", "begin", cause);

	/* No foreign key (a reload keeps it if the OS goes): the OS must exist now. */
	if (rc == 0)
		rc = db_run_once(s, "INSERT INTO overrides"
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
		rc = db_audit(s, a, "ok", cause);
	return db_end_change(s, rc, "override set", cause);
}

int
store_override_clear(struct store *s, const char *os, ym_t month,
    const struct actor *a, char **cause)
{
	int rc = db_exec(s, "BEGIN IMMEDIATE", "begin", cause), gone = 0;

	if (rc == 0)
		rc = db_run_once(s, "DELETE FROM overrides WHERE os_id = ? AND month = ?"
		    " AND origin = 'runtime'", "delete override", cause, "si", os, month);
	if (rc == 0 && (gone = sqlite3_changes(s->db)) > 0)
		rc = db_audit(s, a, "ok", cause);
	if (db_end_change(s, rc, "override clear", cause) < 0)
		return -1;
	return gone > 0;
}

/* The from_date and to_date columns of b. */
void
db_blackout_bounds(const struct blackout *b, char *from, char *to)
{
	if (b->timed) {
		db_instant_format(b->start, from);
		db_instant_format(b->end, to);
	} else {
		ymd_format(b->from, from);
		ymd_format(b->to, to);
	}
}

char *
db_except_json(const struct blackout *b)
{
	json_t *a = json_array();
	char *text;

	for (size_t i = 0; i < b->nexcept; i++)
		json_array_append_new(a, json_string(b->except[i]));
	text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return text != NULL ? text : xstrdup("[]");
}

int
db_blackout_write(struct store *s, sqlite3_stmt *st, const struct blackout *b,
    const struct actor *a, long id, char **cause)
{
	char from[21], to[21], *ex;
	struct ymd d;
	time_t t;
	int rc;

	db_blackout_bounds(b, from, to);
	/* Only what load can read back. */
	if (b->timed ? db_instant_parse(from, &t) < 0 || db_instant_parse(to, &t) < 0 ||
	    b->end <= b->start : ymd_parse(from, &d) < 0 || ymd_parse(to, &d) < 0) {
		*cause = xasprintf("write blackout: '%s' has bad bounds %s..%s",
		    b->name != NULL ? b->name : "", from, to);
		return -1;
	}
	ex = db_except_json(b);
	rc = db_run(s, st, "write blackout", cause, "sssssIssssssssI", b->name, b->ring, from,
	    to, a->who, (sqlite3_int64)a->at, bo_kind_name(b->kind), b->rrule, ex, b->tzid,
	    b->tzdef, b->import, b->uid, b->rid, (sqlite3_int64)id);
	free(ex);
	if (rc == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		*cause = xasprintf("write blackout: no ring '%s'", b->ring);
		return -1;
	}
	return 0;
}

/* No foreign key (a reload keeps it if the ring goes): the ring must exist now. */
const char db_blackout_insert_sql[] =
	"INSERT INTO blackouts (name, ring_id, from_date, to_date, origin, who, at, kind,"
	" rrule, exdates, tzid, tzdef, import_name, uid, recurrence_id)"
	" SELECT ?1, ?2, ?3, ?4, 'runtime', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14"
	" WHERE ?15 = 0 AND (?2 IS NULL OR EXISTS (SELECT 1 FROM rings WHERE id = ?2))";

/* Insert v[0..n) with one statement inside the caller's transaction. */
static int
insert_blackouts(struct store *s, const struct blackout *v, size_t n,
    const struct actor *a, char **cause)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (db_prepare(s, db_blackout_insert_sql, &st, "write blackout", cause) == -1)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = db_blackout_write(s, st, &v[i], a, 0, cause);
	sqlite3_finalize(st);
	return rc;
}

int
store_blackout_add(struct store *s, struct blackout *b, const struct actor *a,
    char **cause)
{
	int rc = db_exec(s, "BEGIN IMMEDIATE", "begin", cause);
	long id = 0;

	if (rc == 0 && (rc = insert_blackouts(s, b, 1, a, cause)) == 0) {
		id = (long)sqlite3_last_insert_rowid(s->db);
		rc = db_audit(s, a, "ok", cause);
	}
	if (db_end_change(s, rc, "blackout add", cause) < 0)
		return -1;
	b->id = id;
	return 0;
}

int
store_blackout_add_many(struct store *s, const struct blackout *v, size_t n,
    const struct actor *a, char **cause)
{
	int rc = db_exec(s, "BEGIN IMMEDIATE", "begin", cause);

	if (rc == 0)
		rc = insert_blackouts(s, v, n, a, cause);
	if (rc == 0)
		rc = db_audit(s, a, "ok", cause);
	return db_end_change(s, rc, "blackout import", cause);
}

int
store_blackout_remove(struct store *s, long id, const struct actor *a, char **cause)
{
	int rc = db_exec(s, "BEGIN IMMEDIATE", "begin", cause), gone = 0;

	if (rc == 0)
		rc = db_run_once(s, "DELETE FROM blackouts WHERE id = ? AND origin = 'runtime'",
		    "delete blackout", cause, "I", (sqlite3_int64)id);
	if (rc == 0 && (gone = sqlite3_changes(s->db)) > 0)
		rc = db_audit(s, a, "ok", cause);
	if (db_end_change(s, rc, "blackout remove", cause) < 0)
		return -1;
	return gone > 0;
}

int
store_audit(struct store *s, const struct actor *a, const char *result,
    char **cause)
{
	if (db_audit(s, a, result, cause) == -1) {
		db_prefix_cause(cause, "audit");
		return -1;
	}
	return 0;
}


int
store_change_begin(struct store *s, char **cause)
{
	return db_exec(s, "BEGIN IMMEDIATE", "begin", cause);
}

int
store_change_end(struct store *s, int rc, const struct actor *a, const char *what,
    char **cause)
{
	if (rc == 0 && a != NULL)
		rc = db_audit(s, a, "ok", cause);
	return db_end_change(s, rc, what, cause);
}

/* No foreign key (the row outlives its OS): the OS must exist now. */
int
store_publish_put(struct store *s, const char *os_id, const struct release *r,
    const char *who, time_t at, const char *origin, char **cause)
{
	struct release row = *r;
	char *cols = db_list(&rec_published, DB_COLS);
	char *params = db_list(&rec_published, DB_PARAMS);
	char *set = db_list(&rec_published, DB_SET);
	char *sql = xasprintf("INSERT INTO published (%s) SELECT %s"
	    " WHERE EXISTS (SELECT 1 FROM os WHERE id = ?1)"
	    " ON CONFLICT (os_id, month) DO UPDATE SET %s", cols, params, set);
	sqlite3_stmt *st;
	int rc;

	row.who = (char *)who;
	row.at = at;
	row.origin = (char *)origin;
	rc = db_prepare(s, sql, &st, "write published", cause);
	free(cols);
	free(params);
	free(set);
	free(sql);
	if (rc == -1)
		return -1;
	rc = db_run_record(s, st, &rec_published, &row, "write published", cause, "s", os_id);
	if (rc == 0 && sqlite3_changes(s->db) == 0) {
		*cause = xasprintf("write published: no OS '%s'", os_id);
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_publish_del(struct store *s, const char *os_id, ym_t month, char **cause)
{
	if (db_run_once(s, "DELETE FROM published WHERE os_id = ? AND month = ?",
	    "delete published", cause, "si", os_id, month) == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}
