/* store_feed.c: per-event feed state (iCal SEQUENCE and DTSTAMP). */
#include "store_int.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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
	int rc = db_prepare(s, "SELECT hash, sequence, last_modified FROM feed_state"
	    " WHERE uid = ?", &sel, "read feed state", cause);

	if (rc == 0 && write)
		rc = db_prepare(s, "INSERT INTO feed_state (uid, hash, sequence, last_modified)"
		    " VALUES (?, ?, 0, ?)", &ins, "insert feed state", cause);
	if (rc == 0 && write)
		rc = db_prepare(s, "UPDATE feed_state SET hash = ?, sequence = sequence + 1,"
		    " last_modified = ? WHERE uid = ?", &upd, "update feed state", cause);
	for (size_t i = 0; rc == 0 && i < n && !*dirty; i++) {
		char hex[17];
		int step;

		snprintf(hex, sizeof(hex), "%016" PRIx64, v[i].hash);
		if (sqlite3_bind_text(sel, 1, v[i].uid, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
			rc = db_fail(s, cause, "read feed state");
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
				else if ((rc = db_run(s, upd, "update feed state", cause, "sIs",
				    hex, (sqlite3_int64)now, v[i].uid)) == 0) {
					v[i].sequence++;
					v[i].changed = now;
				}
			}
		} else if (step == SQLITE_DONE) {
			if (!write)
				*dirty = true;
			else if ((rc = db_run(s, ins, "insert feed state", cause, "ssI", v[i].uid,
			    hex, (sqlite3_int64)now)) == 0) {
				v[i].sequence = 0;
				v[i].changed = now;
			}
		} else
			rc = db_fail(s, cause, "read feed state");
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
	rc = db_exec(s, "BEGIN", "begin", cause);
	if (rc == 0)
		rc = stamp_pass(s, v, n, now, false, &dirty, cause);
	if (rc == 0 && !dirty)
		return db_end_change(s, 0, "feed stamp", cause);
	if (db_end_change(s, rc, "feed stamp", cause) < 0)
		return -1;

	/* Something is new or changed: redo it all under the write lock. */
	dirty = false;
	rc = db_exec(s, "BEGIN IMMEDIATE", "begin", cause);
	if (rc == 0)
		rc = stamp_pass(s, v, n, now, true, &dirty, cause);
	return db_end_change(s, rc, "feed stamp", cause);
}

