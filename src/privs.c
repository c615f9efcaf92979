/*
 * privs.c: resolving the daemon's user, handing it what root created, and
 * dropping to it for good.  Every failure here is fatal: the daemon must
 * not serve with privileges half dropped.
 */
#include "privs.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Look the user up before anything is created: a wrong name creates nothing. */
void
priv_resolve(const struct config *c, const char *file, struct privs *pv)
{
	struct passwd *pw;

	*pv = (struct privs){ .uid = (uid_t)-1, .gid = (gid_t)-1 };
	if (c->user == NULL) {
		if (geteuid() == 0)
			log_warn("running as root; set user in hotpatchd.yaml to drop privileges");
		return;
	}
	errno = 0;
	if ((pw = getpwnam(c->user)) == NULL)
		fatal("unknown user '%s' (user in %s)%s%s", c->user, file ? file : "hotpatchd.yaml",
		    errno ? ": " : "", errno ? strerror(errno) : "");
	if (geteuid() == 0) {
		if (pw->pw_uid == 0)
			log_warn("user '%s' is root: not dropping privileges", c->user);
		else
			*pv = (struct privs){ .drop = true, .uid = pw->pw_uid, .gid = pw->pw_gid,
			    .name = xstrdup(pw->pw_name) };
	} else if (pw->pw_uid != geteuid())
		log_warn("user '%s': not started as root, so keeping uid %ld", c->user,
		    (long)geteuid());
}

/* Give path to the daemon's user (when dropping) and set its mode.  Missing is fine if optional. */
static void
priv_own(const struct privs *pv, const char *path, mode_t mode, bool optional)
{
	if (pv->drop && chown(path, pv->uid, pv->gid) < 0 && !(optional && errno == ENOENT))
		fatal("cannot give %s to user '%s': %s", path, pv->name, strerror(errno));
	if (chmod(path, mode) < 0 && !(optional && errno == ENOENT))
		fatal("cannot set the mode of %s: %s", path, strerror(errno));
}

/*
 * The state directory, 0750.  When dropping privileges it belongs to the
 * daemon's user, who must be able to create the database's -wal and -shm
 * files and remove the socket there; a world-writable directory (/tmp) is
 * refused rather than given away.
 */
void
priv_state_dir(const struct privs *pv, const char *dir)
{
	struct stat st;
	bool created = mkdir(dir, 0750) == 0;

	if (!created && errno != EEXIST)
		fatal("cannot create %s: %s", dir, strerror(errno));
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		fatal("%s is not a directory", dir);
	if (!pv->drop || (st.st_uid == pv->uid && !created))
		return;
	if (!created && (st.st_mode & S_IWOTH))
		fatal("state directory %s is world-writable: refusing to give it to user '%s'",
		    dir, pv->name);
	priv_own(pv, dir, 0750, false);
}

/* The database and the files SQLite keeps beside it, 0640, the user's when dropping. */
void
priv_store_files(const struct privs *pv, const char *db)
{
	char *wal = xasprintf("%s-wal", db), *shm = xasprintf("%s-shm", db);

	priv_own(pv, db, 0640, false);
	priv_own(pv, wal, 0640, true);
	priv_own(pv, shm, 0640, true);
	free(wal);
	free(shm);
}

/* The control socket: owned by the user (group socket.group if set), mode as configured. */
void
priv_socket(const struct privs *pv, const struct control_opts *co)
{
	if (pv->drop && chown(co->path, pv->uid, co->group != (gid_t)-1 ? co->group : pv->gid) < 0)
		fatal("cannot give %s to user '%s': %s", co->path, pv->name, strerror(errno));
}

/* The directory part of an absolute path ("/" for "/x"). */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(slash - path), path);
}

/*
 * Drop to the user for good: its supplementary groups from the group
 * database (initgroups), then the group, then the user, all three ids of
 * each.  If root can be regained afterwards, stop.
 */
void
priv_drop(const struct privs *pv, const struct config *c)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	char *dbdir;

	if (!pv->drop)
		return;
	if (initgroups(pv->name, pv->gid) < 0)
		fatal("initgroups '%s': %s", pv->name, strerror(errno));
	if (setgid(pv->gid) < 0)
		fatal("setgid %ld: %s", (long)pv->gid, strerror(errno));
	if (setuid(pv->uid) < 0)
		fatal("setuid %ld: %s", (long)pv->uid, strerror(errno));
	if (setuid(0) != -1 || setgid(0) != -1)
		fatal("privileges could not be dropped: uid 0 can be regained");
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 ||
	    ru != pv->uid || eu != pv->uid || su != pv->uid ||
	    rg != pv->gid || eg != pv->gid || sg != pv->gid)
		fatal("privileges were not dropped to user '%s' completely", pv->name);
	/* SQLite may create the -wal and -shm files again: their directory must be ours. */
	dbdir = dir_of(c->database);
	if (access(dbdir, W_OK | X_OK) < 0)
		fatal("user '%s' cannot write to %s, where the database keeps its -wal and "
		    "-shm files", pv->name, dbdir);
	free(dbdir);
	/* Not fatal: a socket left behind is removed as stale at the next start. */
	dbdir = dir_of(c->socket_path);
	if (!pv->socket_passed && access(dbdir, W_OK | X_OK) < 0)
		log_warn("user '%s' cannot write to %s: the control socket will be left there "
		    "at exit", pv->name, dbdir);
	free(dbdir);
	log_info("running as user %s (uid %ld, gid %ld)", pv->name, (long)pv->uid,
	    (long)pv->gid);
}
