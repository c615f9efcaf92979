/*
 * dbguard.h: what keeps one database safe at start-up: its lock file (one
 * daemon per database) and its "created" marker, by which a database that
 * went missing or empty is noticed instead of silently started afresh.
 */
#ifndef HP_DBGUARD_H
#define HP_DBGUARD_H

#include "privs.h"

#include <stdbool.h>

/*
 * Take <db>.lock (path in *lockpath, caller frees) for the daemon's lifetime,
 * given to the daemon's user; fatal if another hotpatchd holds it.
 */
int lock_database(const char *db, char **lockpath, const struct privs *pv);
/* Our pid into the lock file, for whoever finds it locked. */
void write_pid(int fd);
/*
 * Fatal (removing lockpath) if db is missing or empty although a database
 * was created there before, or 0 bytes; init (--init-db) starts afresh.
 * Returns true when store_open is about to create the database.
 */
bool check_database(const char *db, bool init, const char *lockpath);
/* Write db's marker unless it has one; created says store_open just made db. */
void mark_created(const char *db, bool created);

#endif
