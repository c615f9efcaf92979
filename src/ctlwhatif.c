/*
 * ctlwhatif.c: the ring files of plan --what-if, read by hotpatchctl with
 * the caller's rights and sent in the request: the daemon opens no path a
 * client names.  A file is one word NAME:BASE64 (its base name); a
 * directory's ring files, chosen as hotpatchd chooses those of schedules/,
 * are one --what-if word each, DIR/NAME:BASE64, the '/' saying that they
 * are the whole directory.
 */
#include "cmdtab.h"
#include "ctl.h"
#include "diag.h"
#include "proto.h"
#include "ringfile.h"
#include "util.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(WHATIF_MAX_BYTES / 3 * 4 + 8192 <= PROTO_MAX_REQUEST,
    "what-if files must fit a request line");

/* Longest name sent for a file (the daemon shows it in file:line:column). */
#define WHATIF_NAME_MAX	1024

/*
 * The bytes of the regular file path, at most max of them; dies otherwise.
 * O_NONBLOCK: a FIFO given by mistake must not hang us before fstat.
 */
static unsigned char *
read_ring_file(const char *path, size_t max, size_t *n)
{
	struct stat st;
	unsigned char *buf;
	ssize_t got;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		die(EXIT_USAGE, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		die(EXIT_USAGE, "%s: not a ring file (a regular file, or a directory of them)",
		    path);
	}
	buf = xmalloc(max + 1);
	*n = 0;
	while (*n <= max && (got = read(fd, buf + *n, max + 1 - *n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			close(fd);
			die(EXIT_USAGE, "%s: %s", path, strerror(errno));
		}
		*n += (size_t)got;
	}
	close(fd);
	if (*n > max) {
		free(buf);
		die(EXIT_USAGE, "%s: the what-if ring files come to more than %d bytes; a what-if "
		    "sends at most %d in all (base64-encoded in the request, which holds %d)",
		    path, WHATIF_MAX_BYTES, WHATIF_MAX_BYTES, PROTO_MAX_REQUEST);
	}
	return buf;
}

/* NAME:BASE64 of the n bytes at buf (freed here). */
static char *
encode(const char *name, unsigned char *buf, size_t n)
{
	size_t cap = (n + 2) / 3 * 4 + 1;
	char *b64 = xmalloc(cap), *word;

	if (b64_ntop(buf, n, b64, cap) < 0)
		die(EXIT_ERROR, "%s: cannot encode it", name);
	word = xasprintf("%s:%s", name, b64);
	free(b64);
	free(buf);
	return word;
}

/* The name a file is shown by: name if it is short UTF-8 text, else fallback. */
static const char *
shown(const char *name, const char *fallback)
{
	size_t len = strlen(name);

	return len > 0 && len <= WHATIF_NAME_MAX && utf8_valid(name, len) &&
	    !proto_has_control(name) ? name : fallback;
}

/* Append one file's word; *total counts the bytes of every file so far. */
static void
append_file(char **line, size_t *len, const char *path, const char *name, size_t *total)
{
	size_t n;
	unsigned char *buf = read_ring_file(path, WHATIF_MAX_BYTES - *total, &n);
	char *word = encode(name, buf, n);

	*total += n;
	proto_quote(line, len, word);
	free(word);
}

/* A directory's ring files, each after a --what-if of its own but the first. */
static void
append_dir(char **line, size_t *len, const char *dir, size_t *total)
{
	struct diags d = { 0 };
	char **paths, *msg, *base = xstrdup(dir);
	int n;

	if ((n = ringfile_list(dir, &paths, &d)) < 0) {
		msg = diags_first(&d);
		die(EXIT_USAGE, "%s", msg);
	}
	if (n == 0)
		die(EXIT_USAGE, "%s holds no ring files (*.yaml)", dir);
	if (n > CMD_WHAT_IF_MAX)
		die(EXIT_USAGE, "%s holds %d ring files; a what-if sends at most %d", dir, n,
		    CMD_WHAT_IF_MAX);
	/* "DIR/NAME": the directory as given, without trailing slashes. */
	for (size_t k = strlen(base); k > 1 && base[k - 1] == '/'; k--)
		base[k - 1] = '\0';
	for (int i = 0; i < n; i++) {
		const char *file = strrchr(paths[i], '/') + 1;
		char *name = xasprintf("%s/%s", base, file), *other = xasprintf("what-if/file-%d.yaml",
		    i + 1);

		if (i > 0)
			proto_quote(line, len, "--what-if");
		append_file(line, len, paths[i], shown(name, other), total);
		free(name);
		free(other);
	}
	ringfile_list_free(paths);
	free(base);
}

void
whatif_append(const struct request *rq, const char *path, char **line, size_t *len,
    size_t *total)
{
	const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (rq->nwhat_if > 1)
			die(EXIT_USAGE, "--what-if %s: a directory stands for every ring file; give "
			    "it alone", path);
		append_dir(line, len, path, total);
		return;
	}
	/* A lone file by its base name: no '/', so the daemon lays it over the rings. */
	append_file(line, len, path, shown(base, "what-if.yaml"), total);
}
