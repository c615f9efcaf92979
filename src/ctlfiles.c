/*
 * ctlfiles.c: the files hotpatchctl writes for export and backup: the
 * daemon builds the content, the client (with the caller's rights) writes
 * it, each file through a temporary renamed into place.
 */
#include "ctl.h"
#include "exportstream.h"
#include "proto.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <resolv.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Temporary files are ".NAME.hotpatchctl-XXXXXX" next to NAME: created
 * exclusively (never through a symbolic link) with random characters,
 * locked while we live, removed on exit and on SIGINT, SIGTERM, SIGHUP and
 * SIGPIPE.  After a SIGKILL the next hotpatchctl writing into that
 * directory removes the ones no process holds locked any more.
 */
#define TMP_TAG		".hotpatchctl-"
#define TMP_RAND	6

/*
 * The temporary files alive, tmp[0..tmp_live): removed by tmp_cleanup at
 * exit or on a signal.  Most writes have one; export has up to batch_size()
 * (at most TMP_BATCH), renamed into place together (batch_commit).  Each
 * holds two descriptors, its own and its directory's.
 */
#define TMP_BATCH	1024

struct tmp_file {
	int	 dfd;			/* its directory */
	int	 fd;			/* open until renamed: it holds the lock */
	dev_t	 dev;			/* the directory's file system */
	char	 name[NAME_MAX + 1];
	char	*base, *shown;		/* a batch's: the name to rename to, and as shown */
	size_t	 entry;			/* a batch's: its line in the new manifest */
};

static volatile sig_atomic_t tmp_live;
static struct tmp_file tmp[TMP_BATCH];

static const int tmp_signals[] = { SIGHUP, SIGINT, SIGTERM, SIGPIPE };

/* A temporary already renamed is gone by that name: unlinking it again does nothing. */
static void
tmp_cleanup(void)
{
	for (sig_atomic_t i = 0; i < tmp_live; i++)
		unlinkat(tmp[i].dfd, tmp[i].name, 0);
	tmp_live = 0;
}

static void
tmp_on_signal(int sig)
{
	tmp_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Block (or unblock) the signals that remove the temporary file. */
static void
tmp_block(int how)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_LEN(tmp_signals); i++)
		sigaddset(&set, tmp_signals[i]);
	sigprocmask(how, &set, NULL);
}

static void
tmp_install(void)
{
	static bool done;
	struct sigaction sa = { .sa_handler = tmp_on_signal };

	if (done)
		return;
	done = true;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_LEN(tmp_signals); i++)
		sigaction(tmp_signals[i], &sa, NULL);
	atexit(tmp_cleanup);
}

/* The temporary name's prefix for base: ".BASE" (shortened to fit) and TMP_TAG. */
static void
tmp_prefix(const char *base, char *buf, size_t size)
{
	int room = NAME_MAX - 1 - (int)strlen(TMP_TAG) - TMP_RAND;

	snprintf(buf, size, ".%.*s%s", room, base, TMP_TAG);
}

/* name is a temporary's: ".NAME", TMP_TAG and TMP_RAND letters or digits. */
static bool
tmp_is_ours(const char *name)
{
	const char *tag = strstr(name, TMP_TAG), *p;
	size_t n = 0;

	if (name[0] != '.' || tag == NULL || tag == name + 1)
		return false;
	/* The last TMP_TAG in the name starts the random part. */
	while ((p = strstr(tag + 1, TMP_TAG)) != NULL)
		tag = p;
	for (p = tag + strlen(TMP_TAG); *p != '\0'; p++, n++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9')))
			return false;
	return n == TMP_RAND;
}

/*
 * Remove the temporaries that hotpatchctl processes killed before they
 * could left in dfd: regular files of ours that nobody holds locked.  A
 * live writer holds its lock.
 */
static void
tmp_remove_stale(int dfd)
{
	struct dirent *e;
	struct stat st, now;
	DIR *dp;
	int fd;

	if ((fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (dp = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(dp)) != NULL) {
		if (!tmp_is_ours(e->d_name) ||
		    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		if ((fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC)) < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    fstatat(dfd, e->d_name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now.st_dev == st.st_dev && now.st_ino == st.st_ino)
			unlinkat(dfd, e->d_name, 0);
		close(fd);
	}
	closedir(dp);
}

/*
 * Sweep dfd (st) of stale temporaries once per directory, at its first
 * file: once per file would read a directory of 20,000 feeds 20,000 times.
 */
#define TMP_SWEPT_MAX	64

static void
tmp_sweep_once(int dfd, const struct stat *st)
{
	static struct { dev_t dev; ino_t ino; } swept[TMP_SWEPT_MAX];
	static size_t nswept;

	for (size_t i = 0; i < nswept; i++)
		if (swept[i].dev == st->st_dev && swept[i].ino == st->st_ino)
			return;
	tmp_remove_stale(dfd);
	if (nswept < TMP_SWEPT_MAX) {
		swept[nswept].dev = st->st_dev;
		swept[nswept++].ino = st->st_ino;
	}
}

/*
 * Create a temporary file for dfd/base (mode, less the umask), locked, in
 * the next slot of tmp[] (the caller sees there is one); it is removed at
 * exit or on a signal until renamed.  -1 with errno.
 */
static int
tmp_create(int dfd, const char *base, mode_t mode)
{
	static const char chars[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	struct tmp_file *t = &tmp[tmp_live];
	char prefix[NAME_MAX + 1];
	unsigned char r[TMP_RAND];
	struct stat st;
	int fd = -1;

	tmp_install();
	tmp_prefix(base, prefix, sizeof(prefix));
	if (fstat(dfd, &st) < 0)
		return -1;
	tmp_sweep_once(dfd, &st);
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		size_t n = strlen(prefix);

		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -1;
		memcpy(t->name, prefix, n);
		for (int i = 0; i < TMP_RAND; i++)
			t->name[n + i] = chars[r[i] % (sizeof(chars) - 1)];
		t->name[n + TMP_RAND] = '\0';
		tmp_block(SIG_BLOCK);
		fd = openat(dfd, t->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    mode);
		if (fd >= 0) {
			t->dfd = dfd;
			t->fd = fd;
			t->dev = st.st_dev;
			tmp_live++;
			flock(fd, LOCK_EX);
		}
		tmp_block(SIG_UNBLOCK);
		if (fd < 0 && errno != EEXIST)
			return -1;
	}
	return fd;
}

/*
 * Rename the last temporary file over dfd/base (a symbolic link there is
 * replaced, not followed); the caller closes its descriptor.
 */
static int
tmp_commit(int dfd, const char *base)
{
	int rc;

	tmp_block(SIG_BLOCK);
	if ((rc = renameat(dfd, tmp[tmp_live - 1].name, dfd, base)) == 0)
		tmp_live--;
	tmp_block(SIG_UNBLOCK);
	return rc;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Write data to dfd/base atomically: a temporary file, fsync, rename, fsync of the directory. */
static void
write_at(int dfd, const char *shown, const char *base, const void *data, size_t len)
{
	int fd = tmp_create(dfd, base, 0644);

	if (fd < 0)
		die(EXIT_ERROR, "cannot write %s: %s", shown, strerror(errno));
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0 || close(fd) < 0)
		die(EXIT_ERROR, "cannot write %s: %s", shown, strerror(errno));
	if (tmp_commit(dfd, base) < 0)
		die(EXIT_ERROR, "cannot rename a temporary file to %s: %s", shown, strerror(errno));
	if (fsync(dfd) < 0 && errno != EINVAL)
		die(EXIT_ERROR, "cannot sync the directory of %s: %s", shown, strerror(errno));
}

/* export: the manifest, in the export directory, lists the files the last export wrote. */
#define MANIFEST	".hotpatchd-export"
#define MANIFEST_MAX	(32 * 1024 * 1024)

/*
 * A name the export may write or remove: relative, its components plain
 * (not empty, not ".", "..", nor starting with a dot, which keeps the
 * manifest and the temporaries out), no control characters.
 */
static bool
safe_name(const char *name)
{
	const char *c = name;

	if (*name == '\0' || strlen(name) >= PATH_MAX)
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	while (*c != '\0') {
		size_t n = strcspn(c, "/");

		if (n == 0 || n > NAME_MAX || *c == '.')
			return false;
		c += n;
		if (*c == '/' && *++c == '\0')
			return false;
	}
	return true;
}

/*
 * The directory holding name inside root, opened without following a
 * symbolic link; made (mode 0755, less the umask) if create.  Returns its
 * descriptor and name's last component in *base, or -1 with errno.
 */
static int
open_parent(int root, const char *name, bool create, const char **base)
{
	char comp[NAME_MAX + 1];
	const char *c = name, *slash;
	int fd = dup(root), next;

	while (fd >= 0 && (slash = strchr(c, '/')) != NULL) {
		snprintf(comp, sizeof(comp), "%.*s", (int)(slash - c), c);
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create && (mkdirat(fd, comp, 0755) == 0 ||
		    errno == EEXIST))
			next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ELOOP)
			errno = ENOTDIR;	/* a symbolic link: not a directory we use */
		close(fd);
		fd = next;
		c = slash + 1;
	}
	*base = c;
	return fd;
}

/*
 * The manifest: one line per file the export wrote, "NAME", or "NAME TAG
 * SIZE CTIME INODE" with tabs: TAG is the page's ETag ("gz" and the ETag for
 * its .gz), and the rest what the file was once in place.  A file whose
 * line still matches the page and the file on disk (the change time moves
 * with any write, and cannot be set back) is left as it is: an export after
 * one change rewrites only what changed, and a web server or rsync sees
 * the other files untouched.
 */
struct mfile {
	char		*name;
	char		*tag;		/* NULL: written by an older hotpatchctl, or stale */
	long long	 size, ctime_s, ctime_ns;
	unsigned long long ino;
};

struct manifest {
	struct mfile	*v;
	size_t		 n, cap;
	struct strindex	 by_name;
	struct strindex	 dirs;		/* each file's directory part ("" for none) */
	char		**dirv;		/* their strings */
	size_t		 ndir;
};

static struct mfile *
manifest_add(struct manifest *m, const char *name, const char *tag)
{
	const char *slash = strrchr(name, '/');
	char *dir = xasprintf("%.*s", slash == NULL ? 0 : (int)(slash - name), name);
	size_t pos;

	grow(&m->v, m->n, &m->cap, sizeof(*m->v));
	m->v[m->n] = (struct mfile){ .name = xstrdup(name), .tag = tag ? xstrdup(tag) : NULL };
	if (!strindex_get(&m->by_name, name, &pos))
		strindex_put(&m->by_name, m->v[m->n].name, m->n);
	if (strindex_get(&m->dirs, dir, &pos)) {
		free(dir);
	} else {
		m->dirv = xreallocarray(m->dirv, m->ndir + 1, sizeof(*m->dirv));
		m->dirv[m->ndir] = dir;
		strindex_put(&m->dirs, dir, m->ndir++);
	}
	return &m->v[m->n++];
}

static void
manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].tag);
	}
	for (size_t i = 0; i < m->ndir; i++)
		free(m->dirv[i]);
	free(m->v);
	free(m->dirv);
	strindex_free(&m->by_name);
	strindex_free(&m->dirs);
}

/* One line; its name alone when the rest is missing or malformed. */
static void
manifest_line(struct manifest *m, char *line)
{
	char *f[5], *save = NULL;
	size_t n = 0;
	struct mfile *e;

	for (char *t = strtok_r(line, "\t", &save); t != NULL && n < 5; t = strtok_r(NULL, "\t", &save))
		f[n++] = t;
	if (n == 0)
		return;
	e = manifest_add(m, f[0], NULL);
	if (n == 5 && sscanf(f[2], "%lld", &e->size) == 1 &&
	    sscanf(f[3], "%lld.%lld", &e->ctime_s, &e->ctime_ns) == 2 &&
	    sscanf(f[4], "%llu", &e->ino) == 1)
		e->tag = xstrdup(f[1]);
}

/* The manifest in root (empty if there is none, or it is not one). */
static void
manifest_read(int root, const char *dir, struct manifest *m)
{
	char *buf, *line, *save = NULL;
	ssize_t got;
	struct stat st;
	int fd;

	memset(m, 0, sizeof(*m));
	if ((fd = openat(root, MANIFEST, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0) {
		if (errno != ENOENT)
			fprintf(stderr, "hotpatchctl: ignoring %s/%s: %s\n", dir, MANIFEST,
			    strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MANIFEST_MAX) {
		fprintf(stderr, "hotpatchctl: ignoring %s/%s: not a regular file of at most "
		    "%d bytes\n", dir, MANIFEST, MANIFEST_MAX);
		close(fd);
		return;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	got = pread(fd, buf, (size_t)st.st_size, 0);
	close(fd);
	buf[got > 0 ? got : 0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (line[0] != '#' && line[0] != '\t')
			manifest_line(m, line);
	free(buf);
}

/* name, from the old manifest, is one the last export wrote and this one does not. */
static bool
is_stale(const char *name, const struct manifest *now)
{
	const char *slash = strrchr(name, '/');
	char dir[PATH_MAX];
	size_t pos;

	if (!safe_name(name) || strindex_get(&now->by_name, name, &pos))
		return false;
	/* and only in a directory the export writes */
	snprintf(dir, sizeof(dir), "%.*s", slash == NULL ? 0 : (int)(slash - name), name);
	return strindex_get(&now->dirs, dir, &pos);
}

/*
 * Remove what the previous export wrote and this one did not: stale names
 * from the old manifest that are regular files of ours.  Anything else,
 * whoever put it there, stays.  Returns how many were removed.
 */
static size_t
remove_stale(int root, const char *dir, const struct manifest *old, const struct manifest *now)
{
	const char *base;
	struct stat st;
	size_t removed = 0;
	int dfd;

	for (size_t i = 0; i < old->n; i++) {
		const char *name = old->v[i].name;

		if (!is_stale(name, now) || (dfd = open_parent(root, name, false, &base)) < 0)
			continue;
		if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid()) {
			if (unlinkat(dfd, base, 0) == 0) {
				removed++;
				fsync(dfd);
			} else {
				fprintf(stderr, "hotpatchctl: cannot remove %s/%s: %s\n", dir,
				    name, strerror(errno));
			}
		}
		close(dfd);
	}
	return removed;
}

/* Write the manifest: the exported files and, if old is not NULL, its stale names. */
static void
manifest_write(int root, const char *dir, const struct manifest *now,
    const struct manifest *old)
{
	char *list = NULL, *shown = xasprintf("%s/%s", dir, MANIFEST);
	size_t listlen = 0;
	FILE *mf;

	if ((mf = open_memstream(&list, &listlen)) == NULL)
		die(EXIT_ERROR, "open_memstream: %s", strerror(errno));
	fprintf(mf, "# hotpatchctl export: the files it wrote here, removed once no longer "
	    "exported\n");
	for (size_t i = 0; i < now->n; i++) {
		const struct mfile *e = &now->v[i];

		fprintf(mf, "%s\t%s\t%lld\t%lld.%09lld\t%llu\n", e->name, e->tag, e->size,
		    e->ctime_s, e->ctime_ns, e->ino);
	}
	for (size_t i = 0; old != NULL && i < old->n; i++)
		if (is_stale(old->v[i].name, now))
			fprintf(mf, "%s\n", old->v[i].name);
	if (fclose(mf) != 0)
		die(EXIT_ERROR, "cannot write %s: %s", shown, strerror(errno));
	write_at(root, shown, MANIFEST, list, listlen);
	free(list);
	free(shown);
}

static void
mfile_stat(struct mfile *e, const struct stat *st)
{
	e->size = (long long)st->st_size;
	e->ctime_s = (long long)st->st_ctim.tv_sec;
	e->ctime_ns = (long long)st->st_ctim.tv_nsec;
	e->ino = (unsigned long long)st->st_ino;
}

/*
 * The directories in_place looks into, each opened (by open_parent) once
 * per pass over the files rather than once per file: a pass over 20,000
 * files in one directory took 120,000 system calls (dup, openat, close,
 * geteuid) around its 20,000 fstatat.  dirs_close ends a pass, so a
 * directory swapped between passes (the held list, the check of the
 * reply, the writes) is opened afresh.
 */
#define DIRS_MAX	64

static struct {
	char	*dir;		/* the directory part of the names, "" for root itself */
	int	 fd;
} dirs[DIRS_MAX];
static size_t ndirs;

static void
dirs_close(void)
{
	for (size_t i = 0; i < ndirs; i++) {
		close(dirs[i].fd);
		free(dirs[i].dir);
	}
	ndirs = 0;
}

/*
 * The directory holding name inside root, as open_parent finds it, from
 * this pass's: valid until the next call or dirs_close.  -1 if there is
 * none (looked for again next time).
 */
static int
dirs_get(int root, const char *name, const char **base)
{
	const char *slash = strrchr(name, '/');
	size_t len = slash == NULL ? 0 : (size_t)(slash - name);
	int fd;

	for (size_t i = 0; i < ndirs; i++) {
		if (strlen(dirs[i].dir) == len && memcmp(dirs[i].dir, name, len) == 0) {
			*base = slash == NULL ? name : slash + 1;
			return dirs[i].fd;
		}
	}
	if ((fd = open_parent(root, name, false, base)) < 0)
		return -1;
	if (ndirs == DIRS_MAX)
		dirs_close();
	dirs[ndirs].dir = xasprintf("%.*s", (int)len, name);
	dirs[ndirs++].fd = fd;
	return fd;
}

/* The effective user, asked once: it owns every file we take as ours. */
static uid_t
our_uid(void)
{
	static uid_t uid;
	static bool known;

	if (!known) {
		uid = geteuid();
		known = true;
	}
	return uid;
}

/*
 * Is o's file in place as the old manifest says: a regular file of ours
 * with the size, change time and inode it had (*st: what it is now)?
 */
static bool
in_place(int root, const struct mfile *o, struct stat *st)
{
	const char *base;
	int dfd;

	if (o->tag == NULL || (dfd = dirs_get(root, o->name, &base)) < 0)
		return false;
	return fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st->st_mode) &&
	    st->st_uid == our_uid() && (long long)st->st_size == o->size &&
	    (unsigned long long)st->st_ino == o->ino && (long long)st->st_ctim.tv_sec == o->ctime_s &&
	    (long long)st->st_ctim.tv_nsec == o->ctime_ns;
}

/*
 * Is name, of len bytes tagged tag, in place as the old manifest says?
 * Then e (its line in the new manifest) gets what it is now.
 */
static bool
unchanged(int root, const struct manifest *old, const char *name, const char *tag,
    size_t len, struct mfile *e)
{
	const struct mfile *o;
	struct stat st;
	size_t pos;

	if (!strindex_get(&old->by_name, name, &pos) || (o = &old->v[pos])->tag == NULL ||
	    strcmp(o->tag, tag) != 0 || o->size != (long long)len || !in_place(root, o, &st))
		return false;
	mfile_stat(e, &st);
	return true;
}

/* The size the old manifest has for name (a held file's). */
static size_t
held_size(const struct manifest *old, const char *name)
{
	size_t pos;

	return strindex_get(&old->by_name, name, &pos) ? (size_t)old->v[pos].size : 0;
}

/*
 * The held list (doc/protocol.md): "NAME\tTAG\n" for each file of the old
 * manifest in place and unchanged, but those in again (asked for again
 * after they changed), in an anonymous file passed to the daemon: 20,000
 * tags do not fit a request line.  Returns its descriptor.
 */
static int
held_list(int root, const struct manifest *old, const struct strindex *again)
{
	char *list = NULL;
	size_t listlen = 0, pos;
	struct stat st;
	FILE *mf;
	int fd;

	if ((mf = open_memstream(&list, &listlen)) == NULL)
		die(EXIT_ERROR, "open_memstream: %s", strerror(errno));
	for (size_t i = 0; i < old->n; i++)
		if (!strindex_get(again, old->v[i].name, &pos) && in_place(root, &old->v[i], &st))
			fprintf(mf, "%s\t%s\n", old->v[i].name, old->v[i].tag);
	dirs_close();
	if (fclose(mf) != 0)
		die(EXIT_ERROR, "cannot build the held list: %s", strerror(errno));
	if ((fd = memfd_create("hotpatchctl-held", MFD_CLOEXEC)) < 0 ||
	    write_all(fd, list, listlen) < 0)
		die(EXIT_ERROR, "cannot pass the held list: %s", strerror(errno));
	free(list);
	return fd;
}

/*
 * One body the daemon marked same: 0 if the old manifest has it with tag
 * and it is in place, else 1, and it goes into again.
 */
static size_t
held_check(int root, const struct manifest *old, const char *name, const char *tag,
    struct strindex *again)
{
	const struct mfile *o;
	struct stat st;
	size_t pos;

	if (!strindex_get(&old->by_name, name, &pos))
		return 1;	/* never held: a daemon that says so is wrong, ask again */
	o = &old->v[pos];
	if (o->tag != NULL && strcmp(o->tag, tag) == 0 && in_place(root, o, &st))
		return 0;
	/* keys of again are the old manifest's names: they outlive it */
	strindex_put(again, o->name, pos);
	return 1;
}

/*
 * The files the daemon marked same that changed or vanished on disk since
 * the held list was made: each goes into again.  Returns how many.
 */
static size_t
held_changed(int root, const struct manifest *old, const struct xfile *x, size_t n,
    struct strindex *again)
{
	size_t bad = 0;
	char *name, *tag;

	for (size_t i = 0; i < n; i++) {
		if (x[i].same)
			bad += held_check(root, old, x[i].name, x[i].etag, again);
		if (!x[i].gz_same)
			continue;
		name = xasprintf("%s.gz", x[i].name);
		tag = xasprintf("gz%s", x[i].etag);
		bad += held_check(root, old, name, tag, again);
		free(name);
		free(tag);
	}
	dirs_close();
	return bad;
}

/* Descriptors kept back from the batch for the export's own (root, directories, socket). */
#define TMP_FD_SPARE	96

/*
 * How many temporaries a batch holds: TMP_BATCH if the descriptors allow
 * (the soft limit raised to the hard one first), else as many as fit.
 * Each batch costs a journal commit, so the fewer the better.
 */
static sig_atomic_t
batch_size(void)
{
	static sig_atomic_t size;
	unsigned long long cur, fit;

	if (size > 0)
		return size;
	(void)fd_limit_raise(&cur);	/* not raised: as many as the limit allows */
	fit = cur > TMP_FD_SPARE + 2 ? (cur - TMP_FD_SPARE) / 2 : 1;
	size = fit < TMP_BATCH ? (sig_atomic_t)fit : TMP_BATCH;
	return size;
}

/*
 * The file systems renamed into since the last renames_sync: one syncfs
 * each at the end makes every batch's renames durable together, where a
 * sync after each batch would cost a journal commit a batch.  A file
 * system beyond RENAMED_MAX is synced at once.
 */
#define RENAMED_MAX	16

static struct {
	dev_t	dev;
	int	fd;
}		renamed[RENAMED_MAX];
static size_t	nrenamed;

static void
sync_one(int fd, const char *shown)
{
	if (syncfs(fd) < 0)
		die(EXIT_ERROR, "cannot sync %s: %s", shown, strerror(errno));
}

/* Note that t's file system has a rename to sync. */
static void
renamed_add(const struct tmp_file *t)
{
	for (size_t i = 0; i < nrenamed; i++)
		if (renamed[i].dev == t->dev)
			return;
	if (nrenamed == RENAMED_MAX) {
		sync_one(t->dfd, t->shown);
		return;
	}
	if ((renamed[nrenamed].fd = dup(t->dfd)) < 0) {
		sync_one(t->dfd, t->shown);
		return;
	}
	renamed[nrenamed++].dev = t->dev;
}

/* Make every rename since the last call durable. */
static void
renames_sync(const char *dir)
{
	for (size_t i = 0; i < nrenamed; i++) {
		sync_one(renamed[i].fd, dir);
		close(renamed[i].fd);
	}
	nrenamed = 0;
}

/*
 * Rename every file of the batch into place.  Their bytes are on disk
 * first (one syncfs for each file system among them, not an fsync a file:
 * 20,000 files would wait for 20,000 journal commits), and the renames
 * after: a name never shows a file that a crash could leave empty.  The
 * renames are made durable by renames_sync, before the manifest that
 * names them is written.
 */
static void
batch_sync(void)
{
	for (sig_atomic_t i = 0; i < tmp_live; i++) {
		bool seen = false;

		for (sig_atomic_t k = 0; k < i && !seen; k++)
			seen = tmp[k].dev == tmp[i].dev;
		if (!seen)
			sync_one(tmp[i].dfd, tmp[i].shown);
	}
}

static void
batch_commit(struct manifest *now)
{
	sig_atomic_t n = tmp_live;
	struct stat st;

	batch_sync();
	for (sig_atomic_t i = 0; i < n; i++) {
		if (renameat(tmp[i].dfd, tmp[i].name, tmp[i].dfd, tmp[i].base) < 0 ||
		    fstat(tmp[i].fd, &st) < 0)
			die(EXIT_ERROR, "cannot rename a temporary file to %s: %s", tmp[i].shown,
			    strerror(errno));
		/* after the rename, which sets the change time */
		mfile_stat(&now->v[tmp[i].entry], &st);
		renamed_add(&tmp[i]);
	}
	tmp_block(SIG_BLOCK);
	tmp_live = 0;
	tmp_block(SIG_UNBLOCK);
	for (sig_atomic_t i = 0; i < n; i++) {
		close(tmp[i].fd);
		close(tmp[i].dfd);
		free(tmp[i].base);
		free(tmp[i].shown);
	}
}

/*
 * One exported file, name (a safe_name) inside root, tagged tag: left as
 * it is if unchanged, else written in the batch.  Either way it is a line
 * of the new manifest.  Returns whether it was written.
 */
static bool
write_file(int root, const char *dir, struct manifest *now, const struct manifest *old,
    const char *name, const char *tag, const char *data, size_t len)
{
	struct mfile *e = manifest_add(now, name, tag);
	const char *base;
	char *shown;
	int dfd, fd;

	if (data == NULL) {
		/* held and marked same: checked in place just before (held_changed) */
		if (!unchanged(root, old, name, tag, held_size(old, name), e))
			die(EXIT_ERROR, "%s/%s changed while the export wrote; run it again", dir,
			    name);
		return false;
	}
	if (unchanged(root, old, name, tag, len, e))
		return false;
	shown = xasprintf("%s/%s", dir, name);
	if ((dfd = open_parent(root, name, true, &base)) < 0)
		die(EXIT_ERROR, "cannot write %s: a directory on the way: %s", shown,
		    strerror(errno));
	if ((fd = tmp_create(dfd, base, 0644)) < 0 || write_all(fd, data, len) < 0)
		die(EXIT_ERROR, "cannot write %s: %s", shown, strerror(errno));
	tmp[tmp_live - 1].base = xstrdup(base);
	tmp[tmp_live - 1].shown = shown;
	tmp[tmp_live - 1].entry = (size_t)(e - now->v);
	if (tmp_live == batch_size())
		batch_commit(now);
	return true;
}

/*
 * Write x and, if the daemon sent one, its .gz beside it: the very bytes
 * hotpatchd sends in gzip, for a web server that sends a precompressed
 * file in its place (nginx gzip_static).  Returns how many were written.
 */
static size_t
write_file_gz(int root, const char *dir, struct manifest *now, const struct manifest *old,
    const struct xfile *x)
{
	char *gzname, *gztag;
	size_t n = write_file(root, dir, now, old, x->name, x->etag, x->data, x->len);

	if (x->gz == NULL && !x->gz_same)
		return n;
	gzname = xasprintf("%s.gz", x->name);
	gztag = xasprintf("gz%s", x->etag);
	/* through a temporary renamed into place, as every file: a link at gzname is replaced */
	n += write_file(root, dir, now, old, gzname, gztag, x->gz, x->gzlen);
	free(gzname);
	free(gztag);
	return n;
}

/*
 * The export directory, made (not its parents) if missing and opened before
 * the daemon builds every file; everything inside is reached from this
 * descriptor.  The directory itself may be a symbolic link: it is the
 * caller's to choose.
 */
int
export_open(const char *dir)
{
	int fd;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		die(EXIT_ERROR, "cannot create %s: %s", dir, strerror(errno));
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		die(EXIT_ERROR, "cannot open %s: %s", dir, strerror(errno));
	return fd;
}

/*
 * What export --json prints: the files of the export (by name, as the
 * manifest lists them), how many were written (the others were in place
 * already) and how many stale ones went, never their contents.
 */
struct export_counts {
	size_t	written, removed;
	size_t	sent, same;		/* files whose bytes came, files held and marked same */
	size_t	sent_bytes;		/* the bytes of the files that came */
};

static void
export_json(const char *dir, const struct manifest *now, const struct export_counts *c)
{
	json_t *names = json_array(), *j;
	char *s;

	for (size_t i = 0; i < now->n; i++)
		json_array_append_new(names, json_string(now->v[i].name));
	j = json_pack("{s:s,s:o,s:I,s:I,s:I,s:I,s:I}", "dir", dir, "files", names, "written",
	    (json_int_t)c->written, "removed", (json_int_t)c->removed, "sent",
	    (json_int_t)c->sent, "same", (json_int_t)c->same, "sent_bytes",
	    (json_int_t)c->sent_bytes);
	s = json_dumps(j, JSON_INDENT(2));
	printf("%s\n", s);
	free(s);
	json_decref(j);
}

/* The line export prints without --json. */
static void
export_say(const char *dir, const struct manifest *now, const struct export_counts *c)
{
	if (c->removed > 0)
		printf("exported %zu files to %s (%zu written, %zu unchanged), removed %zu no longer "
		    "exported\n", now->n, dir, c->written, now->n - c->written, c->removed);
	else
		printf("exported %zu files to %s (%zu written, %zu unchanged)\n", now->n, dir,
		    c->written, now->n - c->written);
}

/* What came in the stream: how many bodies were sent, how many held, and their bytes. */
static void
count_sent(const struct xfile *x, size_t n, struct export_counts *c)
{
	for (size_t i = 0; i < n; i++) {
		c->sent += (x[i].data != NULL) + (x[i].gz != NULL);
		c->same += x[i].same + x[i].gz_same;
		c->sent_bytes += x[i].len + x[i].gzlen;
	}
}

/* Write the n files of the stream, remove the stale ones, write the manifest. */
static void
write_all_files(int root, const char *dir, const struct manifest *old, struct manifest *now,
    const struct xfile *x, size_t n, struct export_counts *c)
{
	bool stale = false;

	for (size_t i = 0; i < n; i++)
		c->written += write_file_gz(root, dir, now, old, &x[i]);
	dirs_close();
	batch_commit(now);
	renames_sync(dir);
	for (size_t i = 0; i < old->n && !stale; i++)
		stale = is_stale(old->v[i].name, now);
	if (stale) {
		manifest_write(root, dir, now, old);
		c->removed = remove_stale(root, dir, old, now);
	}
	manifest_write(root, dir, now, NULL);
}

/* How many times export asks when held files change under it. */
#define EXPORT_TRIES	3

/*
 * Ask for the stream with the held list; read it into *j and *x (n
 * files).  False: *a is the daemon's error, to print.
 */
static bool
export_ask(export_ask_fn ask, void *arg, int root, const struct manifest *old,
    const struct strindex *again, struct answer *a, json_t **j, struct xfile **x, size_t *n)
{
	int held = held_list(root, old, again);
	char *why;

	ask(arg, held, a);
	close(held);
	if (a->code != PROTO_OK)
		return false;
	if (export_stream_read(a->body, a->len, j, x, n, &why) < 0)
		die(EXIT_ERROR, "malformed export from hotpatchd: %s", why);
	for (size_t i = 0; i < *n; i++)
		if (!safe_name((*x)[i].name))
			die(EXIT_ERROR, "hotpatchd sent an unsafe file name: %s", (*x)[i].name);
	return true;
}

/*
 * export: the client, not the daemon, writes the files.  It passes the
 * files it holds in place and unchanged, and the daemon sends only the
 * others; one marked same that changed on disk meanwhile is asked for
 * again (up to EXPORT_TRIES in all).  Each new file is in place (renamed)
 * before the manifest that lists it, and a file is removed only after it
 * is gone from the feeds and pages that link to it.  Until the stale files
 * are removed the manifest lists them too, so that an export killed
 * halfway leaves them for the next one to remove.
 */
int
export_run(int root, const char *dir, bool json, export_ask_fn ask, void *arg)
{
	struct manifest old, now = { 0 };
	struct export_counts c = { 0 };
	struct strindex again = { 0 };
	struct answer a = { 0 };
	struct xfile *x = NULL;
	json_t *j = NULL;
	size_t n = 0, changed = 0;
	int rc = EXIT_OK;

	manifest_read(root, dir, &old);
	for (int tries = 1; ; tries++) {
		if (!export_ask(ask, arg, root, &old, &again, &a, &j, &x, &n)) {
			rc = print_answer(&a, false);
			break;
		}
		if ((changed = held_changed(root, &old, x, n, &again)) == 0)
			break;
		if (tries == EXPORT_TRIES)
			die(EXIT_ERROR, "files in %s kept changing while the export read them "
			    "(%zu the last of %d times); nothing written", dir, changed, tries);
		free(a.status);
		free(a.body);
		json_decref(j);
		free(x);
		a = (struct answer){ 0 };
		j = NULL;
		x = NULL;
	}
	if (rc == EXIT_OK) {
		count_sent(x, n, &c);
		write_all_files(root, dir, &old, &now, x, n, &c);
		if (json)
			export_json(dir, &now, &c);
		else
			export_say(dir, &now, &c);
	}
	manifest_free(&old);
	manifest_free(&now);
	strindex_free(&again);
	close(root);
	json_decref(j);
	free(x);
	free(a.status);
	free(a.body);
	return rc;
}

/* backup: the directory FILE goes into, and FILE's last component. */
static int backup_dfd = -1;
static const char *backup_base;

/*
 * Before asking the daemon for anything, make sure FILE can be written:
 * create its temporary file (mode 0600: the copy holds the audit trail)
 * in its directory.  Returns the open descriptor.
 */
int
backup_open(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? xstrdup(".") :
	    slash == path ? xstrdup("/") : xasprintf("%.*s", (int)(slash - path), path);
	struct stat st;
	int fd;

	backup_base = slash == NULL ? path : slash + 1;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		die(EXIT_ERROR, "cannot write %s: it is a directory", path);
	if (*backup_base == '\0')
		die(EXIT_USAGE, "cannot write %s: a file name must not end in '/'", path);
	if ((backup_dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (fd = tmp_create(backup_dfd, backup_base, 0600)) < 0)
		die(EXIT_ERROR, "cannot write %s: %s", path, strerror(errno));
	free(dir);
	return fd;
}

/* The copy in the reply, decoded and checked; its length in *len. */
static unsigned char *
backup_decode(const struct answer *a, size_t *len, int *schema)
{
	static const char magic[16] = "SQLite format 3";
	json_error_t jerr;
	json_t *j, *data;
	unsigned char *buf;
	json_int_t bytes;
	size_t slen;
	int n;

	if ((j = json_loadb(a->body, a->len, 0, &jerr)) == NULL)
		die(EXIT_ERROR, "malformed backup from hotpatchd: %s", jerr.text);
	data = json_object_get(j, "data");
	bytes = json_integer_value(json_object_get(j, "bytes"));
	*schema = (int)json_integer_value(json_object_get(j, "schema"));
	if (!json_is_string(data) || bytes <= 0 || (slen = json_string_length(data)) / 4 * 3 <
	    (size_t)bytes)
		die(EXIT_ERROR, "malformed backup from hotpatchd");
	buf = xmalloc(slen / 4 * 3 + 3);
	n = b64_pton(json_string_value(data), buf, slen / 4 * 3 + 3);
	if (n != bytes || (size_t)n < sizeof(magic) || memcmp(buf, magic, sizeof(magic)) != 0)
		die(EXIT_ERROR, "malformed backup from hotpatchd: not the SQLite database it "
		    "announced");
	*len = (size_t)n;
	json_decref(j);
	return buf;
}

/* backup: decode the copy and write it to path atomically (fd is open on its temporary). */
int
write_backup(const struct answer *a, int fd, const char *path, bool json)
{
	unsigned char *buf;
	size_t len;
	int schema;

	if (a->code != PROTO_OK) {
		close(fd);
		tmp_cleanup();
		return print_answer(a, false);
	}
	buf = backup_decode(a, &len, &schema);
	if (write_all(fd, buf, len) < 0 || fsync(fd) < 0 || close(fd) < 0)
		die(EXIT_ERROR, "cannot write %s: %s", path, strerror(errno));
	if (tmp_commit(backup_dfd, backup_base) < 0)
		die(EXIT_ERROR, "cannot rename a temporary file to %s: %s", path, strerror(errno));
	if (fsync(backup_dfd) < 0 && errno != EINVAL)
		die(EXIT_ERROR, "cannot sync the directory of %s: %s", path, strerror(errno));
	close(backup_dfd);
	free(buf);
	if (json) {
		json_t *j = json_pack("{s:s,s:I,s:i}", "file", path, "bytes", (json_int_t)len,
		    "schema", schema);
		char *s = json_dumps(j, JSON_INDENT(2));

		printf("%s\n", s);
		free(s);
		json_decref(j);
	} else {
		printf("backup written to %s (%zu bytes, schema %d)\n", path, len, schema);
	}
	return EXIT_OK;
}

