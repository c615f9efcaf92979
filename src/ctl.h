/* ctl.h: what the parts of hotpatchctl (hotpatchctl.c, ctlfiles.c) share. */
#ifndef HP_CTL_H
#define HP_CTL_H

#include <stdbool.h>
#include <stddef.h>

enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_NODAEMON = 3 };

/* One reply: its code, message and body. */
struct answer {
	int	 code;
	char	*status;	/* the status line; msg points into it */
	const char *msg;
	char	*body;
	size_t	 len;
};

/* "hotpatchctl: " and the message on stderr, then exit with code. */
int die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* Print a reply the usual way; returns the exit status. */
int print_answer(const struct answer *a, bool json);

/*
 * export: open (making it if missing) the directory before the daemon builds
 * anything; then ask for the files (ask sends the request with the held
 * list, descriptor held, and reads the answer into *a), write them into it
 * and remove those the last export wrote and this one did not, and say so:
 * a line, or with json {"dir", "files": [names], "written", "removed",
 * "sent", "same", "sent_bytes"}.  Returns the exit status.
 */
typedef void (*export_ask_fn)(void *arg, int held, struct answer *a);

int export_open(const char *dir);
int export_run(int root, const char *dir, bool json, export_ask_fn ask, void *arg);

/*
 * backup: before asking, make sure path can be written (returns the open
 * temporary); then write the copy in answer a to path atomically.
 */
int backup_open(const char *path);
int write_backup(const struct answer *a, int fd, const char *path, bool json);

/*
 * plan --what-if: the ring files go base64-encoded in the request line
 * (PROTO_MAX_REQUEST bytes), with room left for their names and the rest.
 */
#define WHATIF_MAX_BYTES	((65536 - 8192) / 4 * 3)

struct request;
/*
 * Append to the request line being built the word(s) that replace the path
 * of one --what-if of rq: a ring file's, or every ring file's of a directory
 * (each after a --what-if of its own).  *total counts the bytes of every
 * file so far; past WHATIF_MAX_BYTES, a directory of more than
 * CMD_WHAT_IF_MAX files or a file it cannot read, it dies (exit 2).
 */
void whatif_append(const struct request *rq, const char *path, char **line, size_t *len,
    size_t *total);

#endif
