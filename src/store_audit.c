/*
 * store_audit.c: reading the audit trail (table audit), one page at a
 * time, the latest first.  The rows are written with each change by
 * store_change.c and the other store_*.c files (db_audit).
 */
#include "store_int.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>

/* Bind the window [since, until) to parameters 1 and 2. */
static void
bind_window(sqlite3_stmt *st, const struct audit_query *q)
{
	sqlite3_bind_int64(st, 1, q->has_since ? (sqlite3_int64)q->since : INT64_MIN);
	sqlite3_bind_int64(st, 2, q->has_until ? (sqlite3_int64)q->until : INT64_MAX);
}

/* How many rows are stored, and how many of them fall in the window. */
static int
count_rows(struct store *s, const struct audit_query *q, struct audit_page *out,
    char **cause)
{
	sqlite3_stmt *st;

	if (db_prepare(s, "SELECT count(*), coalesce(sum(at >= ?1 AND at < ?2), 0) FROM audit",
	    &st, "read audit", cause) == -1)
		return -1;
	bind_window(st, q);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_finish(s, st, SQLITE_ERROR, "read audit", cause);
	out->stored = (long)sqlite3_column_int64(st, 0);
	out->matched = (long)sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return 0;
}

int
store_audit_page(struct store *s, const struct audit_query *q, struct audit_page *out,
    char **cause)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = (struct audit_page){ 0 };
	if (count_rows(s, q, out, cause) == -1)
		return -1;
	/* id, not at: the order the rows were written in, whatever the clock did. */
	if (db_prepare(s, "SELECT id, at, uid, command, args, result FROM audit"
	    " WHERE at >= ?1 AND at < ?2 ORDER BY id DESC LIMIT ?3 OFFSET ?4", &st,
	    "read audit", cause) == -1)
		return -1;
	bind_window(st, q);
	sqlite3_bind_int64(st, 3, q->limit);
	sqlite3_bind_int64(st, 4, q->offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		grow(&out->row, out->n, &cap, sizeof(*out->row));
		out->row[out->n++] = (struct audit_row){
			.id = (long)sqlite3_column_int64(st, 0),
			.at = (time_t)sqlite3_column_int64(st, 1),
			.uid = (long)sqlite3_column_int64(st, 2),
			.command = db_col_str(st, 3), .args = db_col_str(st, 4),
			.result = db_col_str(st, 5) };
	}
	if (db_finish(s, st, rc, "read audit", cause) == -1) {
		store_audit_page_free(out);
		return -1;
	}
	return 0;
}

void
store_audit_page_free(struct audit_page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->row[i].command);
		free(p->row[i].args);
		free(p->row[i].result);
	}
	free(p->row);
	*p = (struct audit_page){ 0 };
}
