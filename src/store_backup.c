/* store_backup.c: a consistent copy of the open database. */
#include "store_int.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

