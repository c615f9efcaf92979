/*
 * exportheld.h: the held list hotpatchctl passes with `export --stream`
 * (doc/protocol.md "Files the client holds"): one "NAME\tTAG\n" line per
 * file it has in place and unchanged, TAG the tag its manifest keeps (the
 * page's ETag, or "gz" and the ETag for NAME.gz).  The daemon sends no
 * bytes for a file whose tag is still the page's.  Pure parsing: the tests
 * feed it hostile lists without a daemon.
 */
#ifndef HP_EXPORTHELD_H
#define HP_EXPORTHELD_H

#include "util.h"

#include <stddef.h>

#define HELD_MAX_BYTES	(32 * 1024 * 1024)	/* past it: 413 */
#define HELD_MAX_LINES	1048576			/* past it: 413 */
#define HELD_NAME_MAX	4095			/* a path, as the client's PATH_MAX allows */
#define HELD_TAG_MAX	255

struct held {
	char		*buf;		/* the list's copy; names and tags point into it */
	const char	**tag;		/* by position in by_name */
	size_t		 n;
	struct strindex	 by_name;
};

/*
 * Parse the len bytes at text into *h.  0, or the protocol code (400 for
 * a malformed list, 413 past a limit) with *why (allocated) and nothing
 * to free.
 */
int held_parse(const char *text, size_t len, struct held *h, char **why);

/* The tag held for name, or NULL when the client does not hold it. */
const char *held_tag(const struct held *h, const char *name);

void held_free(struct held *h);

#endif
