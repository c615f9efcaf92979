/*
 * hotpatchctl: the client.  Checks the command with the shared grammar,
 * connects to the control socket, sends one request, prints the answer.
 * Exit: 0 ok, 1 the daemon answered with an error, 2 usage, 3 no daemon.
 * "hotpatchctl --complete WORD..." serves the shell completion scripts.
 */
#include "cmdtab.h"
#include "proto.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <limits.h>
#include <resolv.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_SOCKET	"var/hotpatchd.sock"
#define INSTALLED_SOCKET	"/run/hotpatchd/hotpatchd.sock"

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_NODAEMON = 3 };
enum color { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* How long completion waits for the daemon before it offers nothing. */
#define COMPLETE_TIMEOUT	3

/*
 * blackout import sends the file base64-encoded in the request line, which
 * holds PROTO_MAX_REQUEST bytes: 4/3 of the file, plus up to 1 KiB for the
 * command, the file's name and the options.
 */
#define FILE_MAX	((PROTO_MAX_REQUEST - 1024) / 4 * 3)
#define FILE_NAME_MAX	255

static int
die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static int
die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("hotpatchctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* The socket: --socket, $HOTPATCHD_SOCKET, the source tree's, or the installed one. */
static const char *
socket_path(const char *given)
{
	const char *env = getenv("HOTPATCHD_SOCKET");

	if (given != NULL)
		return given;
	if (env != NULL && *env != '\0')
		return env;
	return access(DEFAULT_SOCKET, F_OK) == 0 ? DEFAULT_SOCKET : INSTALLED_SOCKET;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		die(EXIT_USAGE, "socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		die(EXIT_NODAEMON, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(EXIT_NODAEMON, "cannot reach hotpatchd at %s: %s", path, strerror(errno));
	return fd;
}

/* Read one line (without the newline) from f; exits if the daemon hung up. */
static char *
read_line(FILE *f, const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);

	if (n <= 0 || line[n - 1] != '\n')
		die(EXIT_NODAEMON, "hotpatchd at %s closed the connection", path);
	line[n - 1] = '\0';
	return line;
}

/* A status line where the greeting should be (e.g. 503 too many connections). */
static void
refused_at_greeting(const char *line, const char *path)
{
	const char *msg;
	size_t len;
	int code;

	if (proto_parse_status(line, &code, &len, &msg) < 0)
		die(EXIT_NODAEMON, "%s does not speak the hotpatchd protocol", path);
	die(proto_exit_status(code), "%s", msg);
}

/* One reply: its code, message and body. */
struct answer {
	int	 code;
	char	*status;	/* the status line; msg points into it */
	const char *msg;
	char	*body;
	size_t	 len;
};

/*
 * Send the request line.  MSG_NOSIGNAL: a daemon gone away is an error
 * (exit 3), not a SIGPIPE that kills us with status 141.
 */
static void
send_request(int fd, const char *path, const char *request)
{
	char *line = xasprintf("%s\n", request);
	size_t len = strlen(line), off = 0;

	while (off < len) {
		ssize_t w = send(fd, line + off, len - off, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
			die(EXIT_NODAEMON, "hotpatchd at %s closed the connection before "
			    "taking the request", path);
		if (w < 0)
			die(EXIT_NODAEMON, "cannot send to %s: %s", path, strerror(errno));
		off += (size_t)w;
	}
	free(line);
}

/* Send the request and read the reply. */
static void
exchange(int fd, const char *path, const char *request, struct answer *a)
{
	FILE *f = fdopen(fd, "r+");
	char *hello;
	int version;

	if (f == NULL)
		die(EXIT_ERROR, "fdopen: %s", strerror(errno));
	hello = read_line(f, path);
	if (sscanf(hello, "hotpatchd %d", &version) != 1)
		refused_at_greeting(hello, path);
	if (version != PROTO_VERSION)
		die(EXIT_ERROR, "hotpatchd speaks protocol %d, this hotpatchctl speaks %d",
		    version, PROTO_VERSION);
	send_request(fd, path, request);
	a->status = read_line(f, path);
	if (proto_parse_status(a->status, &a->code, &a->len, &a->msg) < 0)
		die(EXIT_ERROR, "malformed reply from hotpatchd: %s", a->status);
	a->body = xmalloc(a->len + 1);
	if (fread(a->body, 1, a->len, f) != a->len)
		die(EXIT_NODAEMON, "hotpatchd at %s closed the connection mid-reply", path);
	a->body[a->len] = '\0';
	free(hello);
	fclose(f);
}

/* Print a reply the usual way; returns the exit status. */
static int
print_answer(const struct answer *a, bool json)
{
	/* JSON is for programs: it goes to stdout even with an error code. */
	fwrite(a->body, 1, a->len, a->code == PROTO_OK || json ? stdout : stderr);
	if (a->code != PROTO_OK)
		fprintf(stderr, "hotpatchctl: %s\n", a->msg);
	return proto_exit_status(a->code);
}

/*
 * Temporary files are ".NAME.hotpatchctl-XXXXXX" next to NAME: created
 * exclusively (never through a symbolic link) with random characters,
 * locked while we live, removed on exit and on SIGINT, SIGTERM, SIGHUP and
 * SIGPIPE.  After a SIGKILL the next hotpatchctl writing into that
 * directory removes the ones no process holds locked any more.
 */
#define TMP_TAG		".hotpatchctl-"
#define TMP_RAND	6

/* The temporary file being written: removed by tmp_cleanup at exit or on a signal. */
static volatile sig_atomic_t tmp_live;
static int tmp_dfd = -1;
static char tmp_name[NAME_MAX + 1];

static const int tmp_signals[] = { SIGHUP, SIGINT, SIGTERM, SIGPIPE };

static void
tmp_cleanup(void)
{
	if (tmp_live)
		unlinkat(tmp_dfd, tmp_name, 0);
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

/* name is a temporary's: prefix (any when NULL) and TMP_RAND letters or digits. */
static bool
tmp_is_ours(const char *name, const char *prefix)
{
	const char *tag = strstr(name, TMP_TAG), *p;
	size_t n = 0;

	if (prefix != NULL && strncmp(name, prefix, strlen(prefix)) != 0)
		return false;
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
 * Remove the temporaries (with prefix, or any if NULL) that hotpatchctl
 * processes killed before they could left in dfd: regular files of ours
 * that nobody holds locked.  A live writer holds its lock.
 */
static void
tmp_remove_stale(int dfd, const char *prefix)
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
		if (!tmp_is_ours(e->d_name, prefix) ||
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
 * Create the temporary file for dfd/base (mode, less the umask), locked;
 * it is removed at exit or on a signal until tmp_commit.  -1 with errno.
 */
static int
tmp_create(int dfd, const char *base, mode_t mode)
{
	static const char chars[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	char prefix[NAME_MAX + 1];
	unsigned char r[TMP_RAND];
	int fd = -1;

	tmp_install();
	tmp_prefix(base, prefix, sizeof(prefix));
	tmp_remove_stale(dfd, prefix);
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		size_t n = strlen(prefix);

		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -1;
		memcpy(tmp_name, prefix, n);
		for (int i = 0; i < TMP_RAND; i++)
			tmp_name[n + i] = chars[r[i] % (sizeof(chars) - 1)];
		tmp_name[n + TMP_RAND] = '\0';
		tmp_block(SIG_BLOCK);
		fd = openat(dfd, tmp_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    mode);
		if (fd >= 0) {
			tmp_dfd = dfd;
			tmp_live = 1;
			flock(fd, LOCK_EX);
		}
		tmp_block(SIG_UNBLOCK);
		if (fd < 0 && errno != EEXIST)
			return -1;
	}
	return fd;
}

/* Rename the temporary file over dfd/base: a symbolic link there is replaced, not followed. */
static int
tmp_commit(int dfd, const char *base)
{
	int rc;

	tmp_block(SIG_BLOCK);
	if ((rc = renameat(dfd, tmp_name, dfd, base)) == 0)
		tmp_live = 0;
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
#define MANIFEST_MAX	(4 * 1024 * 1024)

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

/* The names in the manifest in root (a list ending with NULL; empty if there is none). */
static char **
manifest_read(int root, const char *dir)
{
	char **names = xcalloc(1, sizeof(*names)), *buf, *line, *save = NULL;
	size_t n = 0;
	ssize_t got;
	struct stat st;
	int fd;

	if ((fd = openat(root, MANIFEST, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0) {
		if (errno != ENOENT)
			fprintf(stderr, "hotpatchctl: ignoring %s/%s: %s\n", dir, MANIFEST,
			    strerror(errno));
		return names;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MANIFEST_MAX) {
		fprintf(stderr, "hotpatchctl: ignoring %s/%s: not a regular file of at most "
		    "%d bytes\n", dir, MANIFEST, MANIFEST_MAX);
		close(fd);
		return names;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	got = pread(fd, buf, (size_t)st.st_size, 0);
	close(fd);
	buf[got > 0 ? got : 0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		names = xreallocarray(names, n + 2, sizeof(*names));
		names[n++] = xstrdup(line);
		names[n] = NULL;
	}
	free(buf);
	return names;
}

static void
names_free(char **names)
{
	for (size_t i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

/* name's directory part ("" for none) is that of one of the files in files. */
static bool
same_dir_as_one(const char *name, json_t *files)
{
	const char *slash = strrchr(name, '/');
	size_t dlen = slash == NULL ? 0 : (size_t)(slash - name) + 1;
	json_t *f;
	size_t i;

	json_array_foreach(files, i, f) {
		const char *other = json_string_value(json_object_get(f, "file"));
		const char *oslash = strrchr(other, '/');
		size_t olen = oslash == NULL ? 0 : (size_t)(oslash - other) + 1;

		if (olen == dlen && strncmp(name, other, dlen) == 0)
			return true;
	}
	return false;
}

static bool
exported(const char *name, json_t *files)
{
	json_t *f;
	size_t i;

	json_array_foreach(files, i, f)
		if (strcmp(json_string_value(json_object_get(f, "file")), name) == 0)
			return true;
	return false;
}

/* name, from the old manifest, is one the last export wrote and this one does not. */
static bool
is_stale(const char *name, json_t *files)
{
	return safe_name(name) && !exported(name, files) && same_dir_as_one(name, files);
}

/*
 * Remove what the previous export wrote and this one did not: stale names
 * from the old manifest that are regular files of ours.  Anything else,
 * whoever put it there, stays.  Returns how many were removed.
 */
static size_t
remove_stale(int root, const char *dir, char **old, json_t *files)
{
	const char *base;
	struct stat st;
	size_t removed = 0;
	int dfd;

	for (size_t i = 0; old[i] != NULL; i++) {
		if (!is_stale(old[i], files) || (dfd = open_parent(root, old[i], false, &base)) < 0)
			continue;
		if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid()) {
			if (unlinkat(dfd, base, 0) == 0) {
				removed++;
				fsync(dfd);
			} else {
				fprintf(stderr, "hotpatchctl: cannot remove %s/%s: %s\n", dir,
				    old[i], strerror(errno));
			}
		}
		close(dfd);
	}
	return removed;
}

/* Write the manifest: the exported files and, if old is not NULL, its stale names. */
static void
manifest_write(int root, const char *dir, json_t *files, char **old)
{
	char *list = NULL, *shown = xasprintf("%s/%s", dir, MANIFEST);
	size_t listlen = 0, i;
	json_t *f;
	FILE *mf;

	if ((mf = open_memstream(&list, &listlen)) == NULL)
		die(EXIT_ERROR, "open_memstream: %s", strerror(errno));
	fprintf(mf, "# hotpatchctl export: the files it wrote here, removed once no longer "
	    "exported\n");
	json_array_foreach(files, i, f)
		fprintf(mf, "%s\n", json_string_value(json_object_get(f, "file")));
	for (i = 0; old != NULL && old[i] != NULL; i++)
		if (is_stale(old[i], files))
			fprintf(mf, "%s\n", old[i]);
	if (fclose(mf) != 0)
		die(EXIT_ERROR, "cannot write %s: %s", shown, strerror(errno));
	write_at(root, shown, MANIFEST, list, listlen);
	free(list);
	free(shown);
}

/* Write one exported file, name (a safe_name) inside root. */
static void
write_file(int root, const char *dir, const char *name, const char *data, size_t len)
{
	const char *base;
	char *shown;
	int dfd;

	shown = xasprintf("%s/%s", dir, name);
	if ((dfd = open_parent(root, name, true, &base)) < 0)
		die(EXIT_ERROR, "cannot write %s: a directory on the way: %s", shown,
		    strerror(errno));
	write_at(dfd, shown, base, data, len);
	close(dfd);
	free(shown);
}

/*
 * The export directory, made (not its parents) if missing and opened before
 * the daemon builds every file; everything inside is reached from this
 * descriptor.  The directory itself may be a symbolic link: it is the
 * caller's to choose.
 */
static int
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
 * export: the client, not the daemon, writes the files.  Each new file is
 * in place (renamed) before the manifest that lists it, and a file is
 * removed only after it is gone from the feeds and pages that link to it.
 * Until the stale files are removed the manifest lists them too, so that
 * an export killed halfway leaves them for the next one to remove.
 */
static int
write_export(const struct answer *a, int root, const char *dir)
{
	json_error_t jerr;
	json_t *j, *files, *f;
	char **old;
	size_t i, removed = 0;
	bool stale = false;

	if (a->code != PROTO_OK)
		return print_answer(a, false);
	if ((j = json_loadb(a->body, a->len, 0, &jerr)) == NULL ||
	    !json_is_array(files = json_object_get(j, "files")))
		die(EXIT_ERROR, "malformed export from hotpatchd: %s", jerr.text);
	json_array_foreach(files, i, f) {
		const char *name = json_string_value(json_object_get(f, "file"));

		if (name == NULL || !json_is_string(json_object_get(f, "content")))
			die(EXIT_ERROR, "malformed export from hotpatchd");
		if (!safe_name(name))
			die(EXIT_ERROR, "hotpatchd sent an unsafe file name: %s", name);
	}
	old = manifest_read(root, dir);
	json_array_foreach(files, i, f) {
		json_t *c = json_object_get(f, "content");

		write_file(root, dir, json_string_value(json_object_get(f, "file")),
		    json_string_value(c), json_string_length(c));
	}
	for (i = 0; old[i] != NULL && !stale; i++)
		stale = is_stale(old[i], files);
	if (stale) {
		manifest_write(root, dir, files, old);
		removed = remove_stale(root, dir, old, files);
	}
	manifest_write(root, dir, files, NULL);
	if (removed > 0)
		printf("exported %zu files to %s, removed %zu no longer exported\n",
		    json_array_size(files), dir, removed);
	else
		printf("exported %zu files to %s\n", json_array_size(files), dir);
	names_free(old);
	close(root);
	json_decref(j);
	return EXIT_OK;
}

/* backup: the directory FILE goes into, and FILE's last component. */
static int backup_dfd = -1;
static const char *backup_base;

/*
 * Before asking the daemon for anything, make sure FILE can be written:
 * create its temporary file (mode 0600: the copy holds the audit trail)
 * in its directory.  Returns the open descriptor.
 */
static int
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
static int
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

/*
 * The word that replaces FILE.ics: "NAME:BASE64", the file's base name (left
 * out unless it is short UTF-8 without control characters) and its content.
 */
static char *
file_word(const char *path)
{
	unsigned char *buf = xmalloc(FILE_MAX + 1);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = 0, blen = strlen(base), cap;
	ssize_t got;
	char *b64, *word;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		die(EXIT_USAGE, "%s: %s", path, strerror(errno));
	while (n <= FILE_MAX && (got = read(fd, buf + n, FILE_MAX + 1 - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			die(EXIT_USAGE, "%s: %s", path, strerror(errno));
		n += (size_t)got;
	}
	close(fd);
	if (n > FILE_MAX)
		die(EXIT_USAGE, "%s is larger than %d bytes; split it", path, FILE_MAX);
	if (n == 0)
		die(EXIT_USAGE, "%s is empty", path);
	cap = (n + 2) / 3 * 4 + 1;
	b64 = xmalloc(cap);
	if (b64_ntop(buf, n, b64, cap) < 0)
		die(EXIT_ERROR, "%s: cannot encode it", path);
	if (blen > 0 && blen <= FILE_NAME_MAX && utf8_valid(base, blen) && !proto_has_control(base))
		word = xasprintf("%s:%s", base, b64);
	else
		word = xstrdup(b64);
	free(b64);
	free(buf);
	return word;
}

/* Print help for the request; returns the exit status. */
static int
help(const struct request *rq)
{
	char *h = rq->cmd ? cmd_usage(rq->cmd) : rq->group ? cmd_group_help(rq->group) : cmd_help();

	fputs(h, stdout);
	free(h);
	return EXIT_OK;
}

/* --color[=WHEN]: 1 if arg is that option (setting *when), 0 if not; exits on a bad WHEN. */
static int
color_option(const char *arg, enum color *when)
{
	static const struct {
		const char	*name;
		enum color	 when;
	} whens[] = { { "auto", COLOR_AUTO }, { "always", COLOR_ALWAYS }, { "never", COLOR_NEVER } };

	if (strcmp(arg, "--color") == 0) {
		*when = COLOR_ALWAYS;
		return 1;
	}
	if (strncmp(arg, "--color=", 8) != 0)
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(whens); i++) {
		if (strcmp(arg + 8, whens[i].name) == 0) {
			*when = whens[i].when;
			return 1;
		}
	}
	die(EXIT_USAGE, "bad --color '%s' (expected auto, always or never)", arg + 8);
}

/* Colour for people at a terminal who have not asked for none (https://no-color.org). */
static bool
want_color(enum color when, bool json)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (json || when == COLOR_NEVER)
		return false;
	if (when == COLOR_ALWAYS)
		return true;
	if ((no != NULL && *no != '\0') || (term != NULL && strcmp(term, "dumb") == 0))
		return false;
	return isatty(STDOUT_FILENO);
}

/* Ids completion asks the daemon for: the request and where the ids are in its JSON. */
static const struct {
	char		 type;
	const char	*request;
	const char	*list;
	const char	*key;
} id_queries[] = {
	{ CARG_OS, "os list --json", "os", "os" },
	{ CARG_RING, "rings --json", "rings", "ring" },
	{ CARG_ID, "blackout list --json", "blackouts", "id" },
};

/* Print the ids of type that start with cur, asked from the daemon. */
static void
print_ids(const char *sock, char type, const char *cur)
{
	struct timeval tv = { .tv_sec = COMPLETE_TIMEOUT };
	struct answer a = { 0 };
	json_t *j = NULL, *e;
	size_t q = 0, i;
	int fd;

	while (id_queries[q].type != type)
		q++;
	sock = socket_path(sock);
	fd = connect_to(sock);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	exchange(fd, sock, id_queries[q].request, &a);
	if (a.code == PROTO_OK)
		j = json_loadb(a.body, a.len, 0, NULL);
	json_array_foreach(json_object_get(j, id_queries[q].list), i, e) {
		json_t *v = json_object_get(e, id_queries[q].key);
		char num[24];
		const char *id = json_string_value(v), *origin;

		/* Blackouts from the ring files cannot be removed: only offer the others. */
		if (type == CARG_ID) {
			origin = json_string_value(json_object_get(e, "origin"));
			if (origin == NULL || strcmp(origin, "runtime") != 0)
				continue;
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
			id = num;
		}
		if (id != NULL && strncmp(id, cur, strlen(cur)) == 0)
			puts(id);
	}
	json_decref(j);
	free(a.status);
	free(a.body);
}

/*
 * --complete WORD... CURRENT: what may come in CURRENT after the WORDs, one
 * candidate a line; "@files" or "@dirs" ask the shell to list file names.
 * Nothing is printed on stderr that a shell would show mid-line: callers
 * discard it.
 */
static int
complete(int argc, char **argv)
{
	const char *cur = argc > 0 ? argv[argc - 1] : "", *sock = NULL;
	char **words = xcalloc((size_t)argc + 1, sizeof(*words));
	struct completion c;
	int n = 0;

	for (int i = 0; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 2 == argc) {
			puts("@files");
			free(words);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--socket") == 0)
			sock = argv[++i];
		else if (strncmp(argv[i], "--color", 7) != 0)
			words[n++] = argv[i];
	}
	cmd_complete(n, words, cur, &c);
	for (size_t k = 0; k < c.nword; k++)
		if (strncmp(c.word[k], cur, strlen(cur)) == 0)
			puts(c.word[k]);
	if (c.value == CARG_FILE || c.value == CARG_OUT)
		puts("@files");
	else if (c.value == CARG_DIR)
		puts("@dirs");
	else if (c.value != 0)
		print_ids(sock, c.value, cur);
	free(words);
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	const char *sock = NULL;
	char **words = xcalloc((size_t)argc + 1, sizeof(*words)), *err = NULL, *line = NULL;
	char *file = NULL;
	struct answer a = { 0 };
	struct request rq;
	enum color color = COLOR_AUTO;
	size_t len = 0;
	int n = 0, rc, backup_fd = -1, export_root = -1;

	if (argc > 1 && strcmp(argv[1], "--complete") == 0) {
		free(words);
		return complete(argc - 2, argv + 2);
	}
	/* --socket, --color=WHEN and --version are the client's; the rest goes to the daemon. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0) {
			if (++i == argc)
				die(EXIT_USAGE, "option '--socket' needs a value");
			sock = argv[i];
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("hotpatchctl %s (protocol %d)\n", PACKAGE_VERSION, PROTO_VERSION);
			free(words);
			return EXIT_OK;
		} else if (!color_option(argv[i], &color)) {
			words[n++] = argv[i];
		}
	}
	if (cmd_parse(n, words, &rq, &err) < 0) {
		fprintf(stderr, "hotpatchctl: %s\n", err);
		rc = EXIT_USAGE;
	} else if (rq.help) {
		rc = help(&rq);
	} else {
		for (int i = 0; i < n; i++) {
			if (rq.cmd->id == CMD_BLACKOUT_IMPORT && words[i] == rq.arg[0])
				words[i] = file = file_word(words[i]);
			proto_quote(&line, &len, words[i]);
		}
		/* export and backup always ask for JSON: the client writes the files itself. */
		if ((rq.cmd->id == CMD_EXPORT || rq.cmd->id == CMD_BACKUP) && !rq.json)
			proto_quote(&line, &len, "--json");
		else if (want_color(color, rq.json))
			proto_quote(&line, &len, "--color");
		if (len + 1 > PROTO_MAX_REQUEST)
			die(EXIT_USAGE, "the request is longer than %d bytes", PROTO_MAX_REQUEST);
		if (rq.cmd->id == CMD_BACKUP)
			backup_fd = backup_open(rq.arg[0]);
		/* Fail on an unusable directory before the daemon builds every file. */
		if (rq.cmd->id == CMD_EXPORT)
			export_root = export_open(rq.dir);
		sock = socket_path(sock);
		exchange(connect_to(sock), sock, line, &a);
		if (rq.cmd->id == CMD_EXPORT)
			rc = write_export(&a, export_root, rq.dir);
		else if (rq.cmd->id == CMD_BACKUP)
			rc = write_backup(&a, backup_fd, rq.arg[0], rq.json);
		else
			rc = print_answer(&a, rq.json);
		free(a.status);
		free(a.body);
	}
	free(err);
	free(file);
	free(line);
	free(words);
	return rc;
}
