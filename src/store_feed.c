/* store_feed.c: per-event feed state (iCal SEQUENCE and DTSTAMP). */
#include "store_int.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ST_SEL, ST_INS, ST_UPD, ST_N };

static const struct {
	const char	*sql, *what;
} stamp_sql[ST_N] = {
	{ "SELECT hash, sequence, last_modified FROM feed_state WHERE uid = ?",
	    "read feed state" },
	{ "INSERT INTO feed_state (uid, hash, sequence, last_modified) VALUES (?, ?, 0, ?)",
	    "insert feed state" },
	{ "UPDATE feed_state SET hash = ?, sequence = sequence + 1, last_modified = ?"
	    " WHERE uid = ?", "update feed state" },
};
_Static_assert(ST_N == ARRAY_LEN(((struct store *)0)->stamp), "a place for each statement");

/* Prepare what a pass needs of st (all but the reads only when writing) not yet prepared. */
static int
stamp_prepare(struct store *s, sqlite3_stmt **st, bool write, char **cause)
{
	for (int i = 0; i < (write ? ST_N : ST_SEL + 1); i++)
		if (st[i] == NULL &&
		    db_prepare(s, stamp_sql[i].sql, &st[i], stamp_sql[i].what, cause) < 0)
			return -1;
	return 0;
}

static void
stamp_finalize(sqlite3_stmt **st)
{
	for (int i = 0; i < ST_N; i++) {
		sqlite3_finalize(st[i]);
		st[i] = NULL;
	}
}

/*
 * The memo (stampmemo.h) says what feed_state holds while only this
 * connection writes it: SQLite's data_version moves when another
 * connection commits (an edit in the sqlite3 shell, say), and then the
 * memo is dropped.  A rollback drops it too (db_feed_forget).  When the
 * version cannot be read the memo is not used.  At 10,000 rings it holds
 * about a million events, some 100 MB; beyond MEMO_MAX it starts over.
 */
#define MEMO_MAX	(2u << 20)

static void
memo_check(struct store *s)
{
	long long v = -1;

	if (s->memo.max == 0)
		stampmemo_init(&s->memo, MEMO_MAX);
	if (s->version != NULL ||
	    sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &s->version, NULL) == SQLITE_OK) {
		if (sqlite3_step(s->version) == SQLITE_ROW)
			v = sqlite3_column_int64(s->version, 0);
		sqlite3_reset(s->version);
	}
	if (v < 0 || !s->memo_on || v != s->memo_version)
		stampmemo_clear(&s->memo);
	s->memo_on = v >= 0;
	s->memo_version = v;
}

/* Fill v[i] from the memo if it knows uid with this hash. */
static bool
memo_stamp(const struct store *s, struct feed_stamp *v)
{
	const struct memo_stamp *m;

	if (!s->memo_on || (m = stampmemo_get(&s->memo, v->uid)) == NULL || m->hash != v->hash)
		return false;
	v->sequence = m->sequence;
	v->changed = m->changed;
	return true;
}

/*
 * Fill from the memo what it knows of v, and gather the rest into ask (n
 * long), where at[k] is ask[k]'s place in v; how many are left to ask.
 */
static size_t
memo_stamp_known(const struct store *s, struct feed_stamp *v, size_t n,
    struct feed_stamp *ask, size_t *at)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!memo_stamp(s, &v[i])) {
			ask[k] = v[i];
			at[k++] = i;
		}
	return k;
}

static void
memo_note(struct store *s, const struct feed_stamp *v)
{
	if (s->memo_on)
		stampmemo_put(&s->memo, v->uid, v->hash, v->sequence, v->changed);
}

void
db_feed_forget(struct store *s)
{
	stampmemo_clear(&s->memo);
}

/*
 * One pass over v with the statements st (prepared here if not yet, and
 * left reset).  Read-only (write false): stop at the first uid that is
 * new or changed and set *dirty.  Writing: insert or bump those.  Fills
 * v[i].sequence and v[i].changed either way (complete only when the pass
 * reaches the end).
 */
static int
stamp_pass(struct store *s, sqlite3_stmt **st, struct feed_stamp *v, size_t n, time_t now,
    bool write, bool *dirty, char **cause)
{
	int rc = stamp_prepare(s, st, write, cause);
	sqlite3_stmt *sel = st[ST_SEL];

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
			if (h != NULL && strcmp(h, hex) == 0)
				memo_note(s, &v[i]);
			else if (!write)
				*dirty = true;
			else if ((rc = db_run(s, st[ST_UPD], "update feed state", cause,
			    "sIs", hex, (sqlite3_int64)now, v[i].uid)) == 0) {
				v[i].sequence++;
				v[i].changed = now;
				memo_note(s, &v[i]);
			}
		} else if (step == SQLITE_DONE) {
			if (!write)
				*dirty = true;
			else if ((rc = db_run(s, st[ST_INS], "insert feed state", cause, "ssI",
			    v[i].uid, hex, (sqlite3_int64)now)) == 0) {
				v[i].sequence = 0;
				v[i].changed = now;
				memo_note(s, &v[i]);
			}
		} else
			rc = db_fail(s, cause, "read feed state");
		sqlite3_reset(sel);
		sqlite3_clear_bindings(sel);
	}
	return rc;
}

/* Begin the held transaction if wanted and not yet open. */
static int
hold_open(struct store *s, char **cause)
{
	if (!s->hold || s->held)
		return 0;
	if (db_exec(s, "BEGIN IMMEDIATE", "begin", cause) < 0)
		return -1;
	s->held = true;
	return 0;
}

int
db_feed_commit(struct store *s, char **cause)
{
	if (!s->held)
		return 0;
	s->held = false;	/* over either way: db_end_change rolls back what fails */
	if (db_end_change(s, 0, "feed stamps", cause) == 0)
		return 0;
	stamp_finalize(s->stamp);
	return -1;
}

void
db_feed_close(struct store *s)
{
	stamp_finalize(s->stamp);
	sqlite3_finalize(s->version);
	s->version = NULL;
	s->memo_on = false;
	stampmemo_clear(&s->memo);
}

void
store_feed_hold(struct store *s)
{
	s->hold = true;
}

int
store_feed_release(struct store *s, char **cause)
{
	s->hold = false;
	stamp_finalize(s->stamp);
	return db_feed_commit(s, cause);
}

/*
 * Under the hold: one feed's stamps in a savepoint of the held transaction,
 * so a feed that fails takes back its own writes and no other feed's.  The
 * statements stay prepared from one feed to the next until the release.
 */
static int
stamp_held(struct store *s, struct feed_stamp *v, size_t n, time_t now, char **cause)
{
	bool dirty = false;
	int rc;

	if (hold_open(s, cause) < 0 ||
	    db_exec(s, "SAVEPOINT feed_stamp", "savepoint", cause) < 0)
		return -1;
	rc = stamp_pass(s, s->stamp, v, n, now, true, &dirty, cause);
	if (rc == 0)
		return db_exec(s, "RELEASE feed_stamp", "release savepoint", cause);
	/* this feed's writes undone; the held transaction goes on without them */
	stamp_finalize(s->stamp);
	db_feed_forget(s);
	sqlite3_exec(s->db, "ROLLBACK TO feed_stamp; RELEASE feed_stamp", NULL, NULL, NULL);
	db_prefix_cause(cause, "feed stamp");
	return -1;
}

/* Not held: a transaction of its own, read first and written only if needed. */
static int
stamp_alone(struct store *s, sqlite3_stmt **st, struct feed_stamp *v, size_t n,
    time_t now, char **cause)
{
	bool dirty = false;
	int rc;

	/* Read first, in a deferred transaction: the usual case writes nothing. */
	rc = db_exec(s, "BEGIN", "begin", cause);
	if (rc == 0)
		rc = stamp_pass(s, st, v, n, now, false, &dirty, cause);
	if (rc == 0 && !dirty)
		return db_end_change(s, 0, "feed stamp", cause);
	if (db_end_change(s, rc, "feed stamp", cause) < 0)
		return -1;

	/* Something is new or changed: redo it all under the write lock. */
	dirty = false;
	rc = db_exec(s, "BEGIN IMMEDIATE", "begin", cause);
	if (rc == 0)
		rc = stamp_pass(s, st, v, n, now, true, &dirty, cause);
	return db_end_change(s, rc, "feed stamp", cause);
}

int
store_feed_stamp(struct store *s, struct feed_stamp *v, size_t n, time_t now,
    char **cause)
{
	sqlite3_stmt *st[ST_N] = { NULL };
	struct feed_stamp *ask;
	size_t *at, k;
	int rc;

	memo_check(s);
	ask = xcalloc(n + 1, sizeof(*ask));
	at = xcalloc(n + 1, sizeof(*at));
	/* only the events the memo does not know go to the database */
	k = memo_stamp_known(s, v, n, ask, at);
	if (k == 0)
		rc = 0;
	else if (s->hold)
		rc = stamp_held(s, ask, k, now, cause);
	else
		rc = stamp_alone(s, st, ask, k, now, cause);
	stamp_finalize(st);
	for (size_t i = 0; rc == 0 && i < k; i++)
		v[at[i]] = ask[i];
	free(ask);
	free(at);
	return rc;
}
