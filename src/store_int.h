/*
 * store_int.h: what the store_*.c files share and nothing else includes:
 * the connection, error and statement helpers, and the entry points one
 * part calls in another.  Each store_*.c file owns the SQL it runs.
 */
#ifndef HP_STORE_INT_H
#define HP_STORE_INT_H

#include "record.h"
#include "stampmemo.h"
#include "store.h"

#include <sqlite3.h>

struct store {
	sqlite3		*db;
	long		 scratch;	/* changes to the TEMP staging tables */
	bool		 hold;		/* store_feed_hold: stamps share one transaction */
	bool		 held;		/* ... and it is open */
	sqlite3_stmt	*stamp[3];	/* store_feed.c's statements, kept while held */
	/* store_feed.c: the feed state known without a query, while the database is ours */
	struct stampmemo memo;
	sqlite3_stmt	*version;	/* PRAGMA data_version */
	long long	 memo_version;	/* its value when the memo was last found good */
	bool		 memo_on;	/* the memo may be used: data_version was read */
};

/* store.c: errors and transactions. */

/* Set *cause to "what: <the connection's last error>"; returns -1. */
int db_fail(struct store *s, char **cause, const char *what);
/* Replace *cause with "prefix: *cause". */
void db_prefix_cause(char **cause, const char *prefix);
/* Run sql; one that begins a transaction commits a held one first (store_feed.c). */
int db_exec(struct store *s, const char *sql, const char *what, char **cause);
/* Undo an open transaction, if any; the error that led here is kept. */
void db_rollback(struct store *s);
/* Commit, or roll back and prefix the cause. */
int db_end_change(struct store *s, int rc, const char *what, char **cause);

/* store.c: statements. */
int db_prepare(struct store *s, const char *sql, sqlite3_stmt **st, const char *what,
    char **cause);
/* Prepare sql and step to its first row; on error *st is finalized. */
int db_query_row(struct store *s, const char *sql, sqlite3_stmt **st,
    const char *what, char **cause);
int db_query_int(struct store *s, const char *sql, int *out, const char *what,
    char **cause);
/*
 * Bind by a type string ('s' string, 'i' int, 'I' int64, 'k' enum kind,
 * 'd' const struct ymd *), step a statement that returns no rows, and leave
 * it ready for reuse.
 */
int db_run(struct store *s, sqlite3_stmt *st, const char *what, char **cause,
    const char *types, ...);
/* db_run with the parameters after those of types bound from obj's fields (r). */
int db_run_record(struct store *s, sqlite3_stmt *st, const struct record *r,
    const void *obj, const char *what, char **cause, const char *types, ...);
/* Prepare, bind, run and finalize one statement. */
int db_run_once(struct store *s, const char *sql, const char *what, char **cause,
    const char *types, ...);
/* End a SELECT loop whose last sqlite3_step returned rc; finalizes st. */
int db_finish(struct store *s, sqlite3_stmt *st, int rc, const char *what,
    char **cause);

/* store.c: columns. */
char *db_col_str(sqlite3_stmt *st, int i);
int db_col_kind(sqlite3_stmt *st, int i, enum kind *k, const char *what,
    char **cause);
/* A NULL date is the unset one. */
int db_col_ymd(sqlite3_stmt *st, int i, struct ymd *d, const char *what,
    char **cause);

/* "2026-12-24T18:00:00Z" into buf (at least 21 bytes). */
char *db_instant_format(time_t t, char *buf);
/* Exactly the form instant_format writes; returns 0 or -1. */
int db_instant_parse(const char *s, time_t *out);

/* store_record.c: SQL derived from the record descriptors. */
enum db_list {
	DB_COLS,	/* "pos, id, name" */
	DB_PARAMS,	/* "?, ?, ?" */
	DB_SET,		/* "name = excluded.name" for each column not in the key */
};
/* A list over every column of r's table that the store writes (record_col); caller frees. */
char *db_list(const struct record *r, enum db_list what);
/* r's primary key columns, "os_id, month"; caller frees. */
char *db_keys(const struct record *r);
/* "SELECT <every field column> FROM <table> <tail>"; caller frees. */
char *db_select_sql(const struct record *r, const char *tail);
/* The same with the column last after the fields (at column *ncol, the fields' count). */
char *db_select_sql_then(const struct record *r, const char *last, int *ncol,
    const char *tail);
/* Bind r's writable field columns of obj from parameter i on; an SQLite code. */
int db_bind_record(sqlite3_stmt *st, int i, const struct record *r, const void *obj);
/* The columns of a db_select_sql row from column i on into obj; 0 or -1 with *cause. */
int db_load_record(sqlite3_stmt *st, int i, const struct record *r, void *obj,
    const char *what, char **cause);

/* Column i into the one field f of obj; 0 or -1 with *cause. */
int db_load_record_field(sqlite3_stmt *st, int i, const struct rec_field *f, void *obj,
    const char *what, char **cause);

/* store_feed.c: commit the stamps' held transaction, if open; 0 or -1 with *cause. */
int db_feed_commit(struct store *s, char **cause);
/* store_feed.c: finalize the statements kept for the hold (before the connection closes). */
void db_feed_close(struct store *s);
/* store_feed.c: forget the feed state known without a query (a transaction was undone). */
void db_feed_forget(struct store *s);

/* store_schema.c: connection settings, then migrations to STORE_SCHEMA_VERSION. */
int schema_configure(struct store *s, char **cause);
int schema_migrate(struct store *s, char **cause);

/* store_import.c: create the TEMP staging tables of a new connection. */
int import_init(struct store *s, char **cause);

/* store_change.c: the audit row, inside the caller's transaction. */
int db_audit(struct store *s, const struct actor *a, const char *result, char **cause);

/* store_change.c: b's exdates column, a JSON array of its exceptions (caller frees). */
char *db_except_json(const struct blackout *b);
/* store_change.c: b's from_date and to_date (21 bytes each): days, or a timed one's instants. */
void db_blackout_bounds(const struct blackout *b, char *from, char *to);
/*
 * Write b, a run-time blackout by a, with st: db_blackout_insert_sql (id
 * 0), or another statement binding the same 14 values and id as ?15
 * (store_bo_import.c's update).  Returns 0, or -1 with *cause (also when
 * b's ring does not exist).
 */
extern const char db_blackout_insert_sql[];
int db_blackout_write(struct store *s, sqlite3_stmt *st, const struct blackout *b,
    const struct actor *a, long id, char **cause);

#endif
