/*
 * site.h: every document hotpatchd publishes (feeds, HTML pages, health),
 * built once per data generation and kept in memory.  HTTP, hotpatchctl
 * feed and export all read from here, so they always agree byte for byte.
 */
#ifndef HP_SITE_H
#define HP_SITE_H

#include <stddef.h>
#include <time.h>

struct daemon;

struct page {
	char		*path;		/* "/rings/ring2.ics" */
	const char	*type;		/* Content-Type */
	char		*body;
	size_t		 len;
	char		 etag[24];	/* "\"<16 hex digits>\"", strong, from the body */
	time_t		 modified;	/* Last-Modified: the newest event change, or the data's */
	unsigned	 generation;	/* the daemon generation it was built for */
};

/*
 * The page at path, built if the cache is older than the daemon's
 * generation.  Returns NULL if no such page exists (404).  On an internal
 * failure returns NULL and sets *cause.  The page stays valid until the
 * next site_get or site_free.
 */
const struct page *site_get(struct daemon *d, const char *path, char **cause);

/*
 * Keep pg's body alive beyond the next site_get, for a reply still sending
 * it; give the handle to site_body_release when done.  One thread only.
 */
void *site_body_hold(const struct page *pg);
void site_body_release(void *handle);

/* Every document path except /healthz, in a stable order (NULL-terminated, allocated). */
char **site_paths(struct daemon *d);
void site_paths_free(char **v);

/* The index page with relative links, for a static export. */
char *site_static_index(struct daemon *d);

/* Drop every cached page (at exit). */
void site_free(struct daemon *d);

#endif
