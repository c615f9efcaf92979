/*
 * store.c: the connection (open, close, counters) and the helpers every
 * store_*.c file shares: errors, statements, binds, column reads.  The store
 * files are the only ones that include sqlite3.h.  Values always go in as
 * bound parameters; SQL text is constant.
 */
#include "store_int.h"
#include "util.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Set *cause to "what: <the connection's last error>"; returns -1. */
int
db_fail(struct store *s, char **cause, const char *what)
{
	*cause = xasprintf("%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

/* Replace *cause with "prefix: *cause". */
void
db_prefix_cause(char **cause, const char *prefix)
{
	char *old = *cause;

	*cause = xasprintf("%s: %s", prefix, old);
	free(old);
}

int
db_exec(struct store *s, const char *sql, const char *what, char **cause)
{
	/* SQLite does not nest BEGIN: the stamps held so far go in first */
	if (s->held && strncmp(sql, "BEGIN", 5) == 0 && db_feed_commit(s, cause) < 0)
		return -1;
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, cause, what);
	return 0;
}

/* Undo an open transaction, if any; the error that led here is kept. */
void
db_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	/* also when SQLite undid it on its own: stamps the transaction wrote are gone */
	db_feed_forget(s);
}

int
db_prepare(struct store *s, const char *sql, sqlite3_stmt **st, const char *what,
    char **cause)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_fail(s, cause, what);
	return 0;
}

/* Prepare sql and step to its first row; on error *st is finalized. */
int
db_query_row(struct store *s, const char *sql, sqlite3_stmt **st,
    const char *what, char **cause)
{
	if (db_prepare(s, sql, st, what, cause) == -1)
		return -1;
	if (sqlite3_step(*st) == SQLITE_ROW)
		return 0;
	db_fail(s, cause, what);
	sqlite3_finalize(*st);
	return -1;
}

int
db_query_int(struct store *s, const char *sql, int *out, const char *what,
    char **cause)
{
	sqlite3_stmt *st;

	if (db_query_row(s, sql, &st, what, cause) == -1)
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
vrun(struct store *s, sqlite3_stmt *st, const struct record *r, const void *obj,
    const char *what, char **cause, const char *types, va_list ap)
{
	int rc = bindv(st, types, ap);

	if (rc == SQLITE_OK && r != NULL)
		rc = db_bind_record(st, (int)strlen(types) + 1, r, obj);

	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		db_fail(s, cause, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
db_run(struct store *s, sqlite3_stmt *st, const char *what, char **cause,
    const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = vrun(s, st, NULL, NULL, what, cause, types, ap);
	va_end(ap);
	return rc;
}

int
db_run_record(struct store *s, sqlite3_stmt *st, const struct record *r,
    const void *obj, const char *what, char **cause, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = vrun(s, st, r, obj, what, cause, types, ap);
	va_end(ap);
	return rc;
}
/* Prepare, bind, run and finalize one statement. */
int
db_run_once(struct store *s, const char *sql, const char *what, char **cause,
    const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if (db_prepare(s, sql, &st, what, cause) == -1)
		return -1;
	va_start(ap, types);
	rc = vrun(s, st, NULL, NULL, what, cause, types, ap);
	va_end(ap);
	sqlite3_finalize(st);
	return rc;
}

/* Commit, or roll back and prefix the cause. */
int
db_end_change(struct store *s, int rc, const char *what, char **cause)
{
	if (rc == 0 && db_exec(s, "COMMIT", "commit", cause) == 0)
		return 0;
	db_rollback(s);
	db_prefix_cause(cause, what);
	return -1;
}

/* "2026-12-24T18:00:00Z" into buf (at least 21 bytes). */
char *
db_instant_format(time_t t, char *buf)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* Exactly the form instant_format writes; returns 0 or -1. */
int
db_instant_parse(const char *s, time_t *out)
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
	return strcmp(db_instant_format(*out, back), s) == 0 ? 0 : -1;
}

char *
db_col_str(sqlite3_stmt *st, int i)
{
	return xstrdup_null((const char *)sqlite3_column_text(st, i));
}

int
db_col_kind(sqlite3_stmt *st, int i, enum kind *k, const char *what,
    char **cause)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	if (v != NULL && kind_parse(v, k) == 0)
		return 0;
	*cause = xasprintf("%s: bad kind '%s'", what, v != NULL ? v : "NULL");
	return -1;
}

/* A NULL date is the unset one. */
int
db_col_ymd(sqlite3_stmt *st, int i, struct ymd *d, const char *what,
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
int
db_finish(struct store *s, sqlite3_stmt *st, int rc, const char *what,
    char **cause)
{
	if (rc != SQLITE_DONE)
		db_fail(s, cause, what);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_open(const char *path, struct store **out, char **cause)
{
	struct store *s;
	int rc;

	*out = NULL;
	s = xcalloc(1, sizeof(*s));
	/*
	 * One thread uses a connection (the daemon has one poll loop), so
	 * SQLite's per-call connection mutex is dropped: it cost a lock and an
	 * unlock on every column read, a quarter of loading a large estate.
	 */
	rc = sqlite3_open_v2(path, &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("%s: open: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		store_close(s);
		return -1;
	}
	if (schema_configure(s, cause) == -1 || schema_migrate(s, cause) == -1 ||
	    import_init(s, cause) == -1) {
		db_prefix_cause(cause, path);
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
	db_feed_close(s);
	/* held stamps are kept; if this fails, the next export stamps them again */
	if (s->held)
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(s->db);
	free(s);
}

int
store_schema_version(struct store *s)
{
	char *cause = NULL;
	int v;

	if (db_query_int(s, "PRAGMA user_version", &v, "", &cause) == -1) {
		free(cause);
		return -1;
	}
	return v;
}

/*
 * Staging rows are scratch, not data, audit rows record changes rather than
 * make them, and the files' fingerprint says what was read, not what the
 * model is: all are left out of the count so that "nothing changed" reads
 * as 0.
 */
long
store_total_changes(struct store *s)
{
	return sqlite3_total_changes(s->db) - s->scratch;
}
/* ---- the files last imported ---- */

int
store_source_get(struct store *s, char fp[STORE_FINGERPRINT_LEN], char **cause)
{
	sqlite3_stmt *st;
	int rc;

	fp[0] = '\0';
	if (db_prepare(s, "SELECT value FROM meta WHERE key = 'source'", &st,
	    "read the source fingerprint", cause) == -1)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(fp, STORE_FINGERPRINT_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
	return db_finish(s, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, "read the source fingerprint",
	    cause);
}

int
store_source_set(struct store *s, const char *fp, char **cause)
{
	if (db_run_once(s, "INSERT INTO meta (key, value) VALUES ('source', ?)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	    "write the source fingerprint", cause, "s", fp) == -1)
		return -1;
	s->scratch++;	/* not a change of the model: a reload of the same files changed nothing */
	return 0;
}

