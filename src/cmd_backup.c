/*
 * cmd_backup.c: backup.  The daemon never writes a path a client names: it
 * copies the database with SQLite's online backup API into a temporary file
 * of its own, next to the database, reads it back, removes it and sends the
 * copy base64-encoded in the reply.  hotpatchctl decodes it and writes FILE
 * itself, atomically, with the client's own permissions.
 */
#include "commands.h"
#include "views.h"
#include "daemon.h"
#include "log.h"
#include "proto.h"
#include "store.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The copy is made in DATABASE BACKUP_TAG XXXXXX (mkstemp's six characters). */
#define BACKUP_TAG	".backup-"
#define BACKUP_RAND	6

/* Read the n bytes of fd from the start; returns 0 or -1 with errno. */
static int
read_all(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;	/* the file shrank under us */
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/*
 * Make the copy in tmp (fd open on it) and read it: *data and *len, or -1
 * with *cause.  A copy over BACKUP_MAX is refused with *too_big set.
 */
static int
make_copy(struct daemon *d, const char *tmp, int fd, unsigned char **data, size_t *len,
    bool *too_big, char **cause)
{
	struct stat st;

	if (store_backup(d->store, tmp, cause) < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		*cause = xasprintf("backup: %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (st.st_size > BACKUP_MAX) {
		*too_big = true;
		*cause = xasprintf("the database is %lld bytes, more than the %ld MiB a backup "
		    "reply may carry; stop hotpatchd and copy %s instead", (long long)st.st_size,
		    BACKUP_MAX / (1024 * 1024), d->cfg.database);
		return -1;
	}
	*len = (size_t)st.st_size;
	*data = xmalloc(*len + 1);
	if (read_all(fd, *data, *len) < 0) {
		*cause = xasprintf("backup: read %s: %s", tmp, strerror(errno));
		free(*data);
		*data = NULL;
		return -1;
	}
	return 0;
}

void
cmd_backup(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	/* Next to the database: same file system, same permissions. */
	char *tmp = xasprintf("%s" BACKUP_TAG "XXXXXX", d->cfg.database);
	char *who = peer_name(p), *cause = NULL, *b64 = NULL, *result;
	unsigned char *data = NULL;
	bool too_big = false;
	size_t len = 0, cap;
	struct actor a;
	int fd;

	actor_init(&a, rq, p, line, who);
	if ((fd = mkstemp(tmp)) < 0) {
		cause = xasprintf("backup: cannot create a temporary file next to %s: %s",
		    d->cfg.database, strerror(errno));
	} else {
		make_copy(d, tmp, fd, &data, &len, &too_big, &cause);
		close(fd);
		unlink(tmp);
	}
	if (cause == NULL) {
		cap = (len + 2) / 3 * 4 + 1;
		b64 = xmalloc(cap);
		if (b64_ntop(data, len, b64, cap) < 0)
			cause = xstrdup("backup: cannot encode the copy");
	}
	free(data);
	result = cause == NULL ? xasprintf("ok %zu bytes", len) :
	    xasprintf("%s: %s", too_big ? "refused" : "failed", cause);
	if (cause != NULL) {
		char *acause = NULL;

		/* The backup failed anyway; a failed audit row is said too. */
		if (store_audit(d->store, &a, result, &acause) < 0) {
			char *both = xasprintf("%s (and its audit row: %s)", cause, acause);

			free(cause);
			cause = both;
		}
		free(acause);
	} else if (store_audit(d->store, &a, result, &cause) == 0) {
		/* Only a copy the audit trail records is handed out. */
		r->data = json_pack("{s:s,s:i,s:I,s:s%}", "database", d->cfg.database,
		    "schema", store_schema_version(d->store), "bytes", (json_int_t)len,
		    "data", b64, strlen(b64));
	}
	if (cause != NULL)
		reply_error(r, PROTO_INTERNAL, "%s", cause);
	free(result);
	free(b64);
	free(cause);
	free(who);
	free(tmp);
}

/*
 * name is base BACKUP_TAG, six mkstemp characters and nothing or one of the
 * side files SQLite makes for that copy: the exact names cmd_backup creates.
 */
static bool
is_leftover(const char *name, const char *base)
{
	static const char *const side[] = { "", "-journal", "-wal", "-shm" };
	size_t blen = strlen(base), tlen = strlen(BACKUP_TAG);
	const char *p = name + blen + tlen;

	if (strncmp(name, base, blen) != 0 || strncmp(name + blen, BACKUP_TAG, tlen) != 0)
		return false;
	for (int i = 0; i < BACKUP_RAND; i++, p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9')))
			return false;
	for (size_t i = 0; i < ARRAY_LEN(side); i++)
		if (strcmp(p, side[i]) == 0)
			return true;
	return false;
}

/*
 * A hotpatchd killed during a backup leaves its copy (the whole database,
 * audit trail included) and maybe a journal.  We hold the database's lock,
 * so no backup is under way: every such regular file is a leftover.
 */
void
backup_remove_leftovers(const char *database)
{
	char *dpath = xstrdup(database), *bpath = xstrdup(database);
	const char *dir = dirname(dpath), *base = basename(bpath);
	struct dirent *e;
	struct stat st;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL) {
		free(dpath);
		free(bpath);
		return;
	}
	while ((e = readdir(dp)) != NULL) {
		if (!is_leftover(e->d_name, base) ||
		    fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dirfd(dp), e->d_name, 0) == 0)
			log_info("removed %s/%s, a backup copy left by a hotpatchd that was "
			    "stopped mid-backup", dir, e->d_name);
		else
			log_warn("cannot remove %s/%s, a backup copy left by a hotpatchd that "
			    "was stopped mid-backup: %s", dir, e->d_name, strerror(errno));
	}
	closedir(dp);
	free(dpath);
	free(bpath);
}

char *
render_backup(const json_t *j, struct layout *lo)
{
	return xasprintf("backup of %s: %lld bytes, schema %d (use hotpatchctl backup FILE "
	    "to write it)\n", view_text(j, "database"),
	    (long long)json_integer_value(json_object_get(j, "bytes")),
	    (int)json_integer_value(json_object_get(j, "schema")));
}
