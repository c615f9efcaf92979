/*
 * dbguard.c: the database's lock file and its "created" marker
 * (doc/store.md): one daemon per database, and no silent new database
 * where one was lost.
 */
#include "dbguard.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Hold <database>.lock for our lifetime: one daemon per database. */
int
lock_database(const char *db, char **lockpath, const struct privs *pv)
{
	char pid[32] = "";
	int fd;

	*lockpath = xasprintf("%s.lock", db);
	if ((fd = open(*lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640)) < 0)
		fatal("cannot open %s: %s", *lockpath, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = read(fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? strcspn(pid, "\n") : 0] = '\0';
		fatal("database %s is in use by another hotpatchd%s%s", db,
		    *pid ? ", pid " : "", pid);
	}
	/* Ours now: hand it over (the daemon's user removes it at exit). */
	if (pv->drop && fchown(fd, pv->uid, pv->gid) < 0)
		fatal("cannot give %s to user '%s': %s", *lockpath, pv->name, strerror(errno));
	if (fchmod(fd, 0640) < 0)
		fatal("cannot set the mode of %s: %s", *lockpath, strerror(errno));
	return fd;
}

void
write_pid(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_warn("cannot write the pid into the lock file: %s", strerror(errno));
}

/* path exists (as anything). */
static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The file next to the database that says one was created at its path (doc/store.md). */
static char *
created_marker(const char *db)
{
	return xasprintf("%s.created", db);
}

/*
 * SQLite turns a missing or 0-byte database into a new empty one, which
 * would lose every run-time change and the audit trail without a word.  So
 * such a file is an error when a database was made at this path before:
 * its marker, or a -wal or -shm file of it, is there.  A 0-byte file is an
 * error anyway (hotpatchd never leaves one).  --init-db starts afresh.
 * Returns true when store_open is about to create the database.
 */
bool
check_database(const char *db, bool init, const char *lockpath)
{
	char *marker = created_marker(db), *wal = xasprintf("%s-wal", db),
	    *shm = xasprintf("%s-shm", db);
	const char *seen = exists(marker) ? marker : exists(wal) ? wal : exists(shm) ? shm : NULL;
	struct stat st;
	bool missing = stat(db, &st) < 0;

	if (missing && errno != ENOENT)
		goto fail_stat;
	if (!missing && st.st_size > 0) {
		if (init) {
			unlink(lockpath);
			fatal("--init-db: %s exists and holds data; to start afresh, stop here, "
			    "move it and its -wal and -shm files away first", db);
		}
		free(marker), free(wal), free(shm);
		return false;
	}
	if (init) {
		/* Leftovers of the lost database would be replayed into the new one. */
		unlink(wal), unlink(shm), unlink(marker);
		if (!missing)
			unlink(db);
		log_notice("--init-db: starting with a new, empty database %s", db);
	} else if (seen != NULL) {
		unlink(lockpath);
		fatal("%s is %s, but a database was created there before (%s exists): restore "
		    "it from a backup (hotpatchd(8), FILES), or start once with --init-db to "
		    "begin with an empty one", db, missing ? "missing" : "empty (0 bytes)", seen);
	} else if (!missing) {
		unlink(lockpath);
		fatal("%s is empty (0 bytes), which hotpatchd never leaves: restore it from a "
		    "backup, or remove it or start once with --init-db to begin with an empty "
		    "database", db);
	}
	free(marker), free(wal), free(shm);
	return true;
fail_stat:
	unlink(lockpath);
	fatal("cannot check the database %s: %s", db, strerror(errno));
}

/* Write the marker (once: an older hotpatchd's database gets one at its first start here). */
void
mark_created(const char *db, bool created)
{
	char *marker = created_marker(db), *text, at[32];
	time_t now = time(NULL);
	int fd;

	if (created)
		log_notice("created a new, empty database %s; %s records that it exists", db,
		    marker);
	if (!created && exists(marker)) {
		free(marker);
		return;
	}
	utc_format(now, UTC_ISO8601, at, sizeof(at));
	text = xasprintf("hotpatchd %s: database %s in use since %s (if the database goes "
	    "missing or empty, hotpatchd refuses to start; see hotpatchd(8))\n",
	    PACKAGE_VERSION, db, at);
	fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || fsync(fd) < 0)
		log_warn("cannot write %s: %s; a lost database will not be noticed at the next "
		    "start", marker, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(text);
	free(marker);
}
