/*
 * exportstream.h: reading the daemon's reply to `export --dir DIR --json`
 * (doc/protocol.md): a JSON index of the files, a newline, then each
 * file's bytes and, where the index gives a "gzip" size, its gzip bytes,
 * in the index's order.  Pure: no files, no sockets; hotpatchctl writes
 * what it reads, and the tests feed it hostile bodies.
 */
#ifndef HP_EXPORTSTREAM_H
#define HP_EXPORTSTREAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* One exported file; its pointers are into the body read (and the index's names). */
struct xfile {
	const char	*name;
	const char	*etag;
	const char	*data;
	size_t		 len;
	const char	*gz;		/* NULL: no gzip sibling sent */
	size_t		 gzlen;
	bool		 same;		/* the client holds it: no bytes (data NULL) */
	bool		 gz_same;	/* the client holds NAME.gz: no gzip bytes */
};

/*
 * Read body (len bytes): the files into *files (allocated, *n of them),
 * their names held by *index (the parsed JSON, the caller's to decref).
 * Every size must fit and the bytes must end exactly with the last file;
 * an entry marked "same" (or "gzip_same") has no size and no bytes for
 * that body, and one marked so with a size is refused.
 * 0, or -1 with *why (allocated) and nothing to free.
 */
int export_stream_read(const char *body, size_t len, json_t **index, struct xfile **files,
    size_t *n, char **why);

#endif
