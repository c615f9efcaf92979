/*
 * site.h: every document hotpatchd publishes (feeds, HTML pages, health),
 * built once per data generation and kept in memory.  HTTP, hotpatchctl
 * feed and export, and the index page all read one route table, so they
 * always agree on what exists and byte for byte on what it holds.
 */
#ifndef HP_SITE_H
#define HP_SITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct daemon;

/* What absolute links a page carries, and so what its address changes in it. */
enum page_links {
	LINKS_NONE,	/* none: the same bytes at every address */
	LINKS_FEED,	/* a feed: its RFC 7986 URL and SOURCE (feed_add_links) */
	LINKS_INDEX,	/* the index: built with SITEURL_MARK, expanded per address */
};

struct page {
	char		*path;		/* "/rings/ring2.ics" */
	const char	*type;		/* Content-Type */
	const char	*cache;		/* Cache-Control */
	char		*body;		/* the builder's bytes, in shared */
	void		*shared;	/* site.c's block: references, the gzip */
	size_t		 len;
	char		 etag[24];	/* "\"<16 hex digits>\"", strong, from the body */
	time_t		 modified;	/* Last-Modified: the newest event change, or the data's */
	unsigned	 generation;	/* the daemon generation it was built for */
	bool		 variant;	/* chosen by a query or a year: one of a few kept */
	enum page_links	 links;
};

/* What the '*' of a route's pattern stands for. */
enum route_each {
	EACH_NONE,	/* no '*': one document */
	EACH_OS,	/* an OS id of the calendar */
	EACH_RING,	/* a ring id */
	EACH_YEAR,	/* a year, YYYY (/plan/2027): served, never listed or exported */
};

/*
 * A page body for id (NULL for EACH_NONE), allocated, and the time of its
 * newest change in *modified.  NULL with *cause NULL: no such page (404);
 * with *cause set: an internal error.
 */
typedef char *route_build(struct daemon *d, const char *id, time_t *modified, char **cause);

struct query_arg;
/*
 * What a route makes of a request's query (a route without one ignores
 * it): NULL for the route's own page, else the id its build takes for the
 * page the query names, allocated, the same for every query naming the
 * same page.  A query it refuses sets *bad, the 400's text.
 */
typedef char *route_query(struct daemon *d, const char *id, const struct query_arg *a,
    size_t n, char **bad);

/* The index's entry for a listed route: {"path", "title", "description"}. */
typedef json_t *route_entry(const struct daemon *d, const char *id, const char *path);

struct reads;
/*
 * What the document for id reads of the data, into *r (changes.h), so that
 * it may stand through a change of what it does not read; false if id is
 * gone.
 */
typedef bool route_reads(const struct daemon *d, const char *id, struct reads *r);

/*
 * One row per kind of document.  Adding a feed is one row and its builder:
 * HTTP serves it, export writes it, the index lists it and feed prints it.
 */
struct route {
	const char	*pattern;	/* "/os/ *.ics" (no space): '*' is an id of each */
	enum route_each	 each;
	route_build	*build;
	const char	*type;		/* Content-Type */
	const char	*cache;		/* Cache-Control */
	route_entry	*listed;	/* its entry on the index, NULL: not listed */
	bool		 exported;	/* written by hotpatchctl export */
	const char	*file;		/* export's file name; NULL: the path less its '/' */
	route_build	*build_export;	/* what export writes instead of the page, or NULL */
	route_query	*query;		/* what a query chooses, or NULL: it is ignored */
	route_reads	*reads;		/* NULL: it reads everything, built again at each change */
};

/* The route table, ended by a row with a NULL pattern. */
extern const struct route site_routes[];

/* The route serving path, and its id in *id (allocated; NULL for EACH_NONE); NULL: none. */
const struct route *site_route(const char *path, char **id);

/* The path of route r for id (NULL for EACH_NONE), allocated. */
char *site_route_path(const struct route *r, const char *id);

/* The first listed route of each (the feed command's), or NULL. */
const struct route *site_feed_route(enum route_each each);

/* The file export writes path to ("/" -> "index.html"), allocated; NULL if not exported. */
char *site_file_name(const char *path);

/*
 * The page at path, built if the cache is older than the daemon's
 * generation.  Returns NULL if no such page exists (404).  On an internal
 * failure returns NULL and sets *cause.  The page stays valid until the
 * next site_get or site_free.
 */
const struct page *site_get(struct daemon *d, const char *path, char **cause);

/*
 * site_get for a request with a query, a (n name=value pairs, decoded).
 * The route's query hook may choose another page of it (/plan?from=...)
 * or refuse the query: then NULL with *bad set, the text of a 400.  Such
 * pages, and those of a year in the path, are kept at most
 * SITE_CHOSEN_MAX at a time (page->variant), the least recently served
 * given up first, so any number of distinct queries costs a bounded
 * amount of memory.
 */
const struct page *site_get_query(struct daemon *d, const char *path, const struct query_arg *a,
    size_t n, char **bad, char **cause);

/* How many pages a query or a year chose are kept now (at most SITE_CHOSEN_MAX). */
size_t site_chosen(const struct daemon *d);
#define SITE_CHOSEN_MAX	16

/*
 * site_get for a request that reached the site at base ("http://host:port",
 * checked: siteurl.h).  With http.public_url every link names that, and
 * base plays no part.  Otherwise the index and the feeds link to base; a
 * NULL base (hotpatchctl, export) gives feeds no URL or SOURCE and the index
 * the listen address.  Pages for other addresses than the configured one
 * are kept apart, at most SITE_VARIANTS_MAX of them and SITE_VARIANT_BYTES
 * in all (the least recently served go first), so any number of Host
 * values costs copies of pages, never more memory.
 */
#define SITE_VARIANTS_MAX	64
#define SITE_VARIANT_BYTES	(8u << 20)
const struct page *site_get_at(struct daemon *d, const char *path, const char *base,
    char **cause);

/* Both: the page the query chooses, as base sees it; *bad as site_get_query. */
const struct page *site_get_req(struct daemon *d, const char *path, const struct query_arg *a,
    size_t n, const char *base, char **bad, char **cause);

/* How many pages site_get_at keeps for other addresses, and their bytes in *bytes. */
size_t site_variants(const struct daemon *d, size_t *bytes);

/*
 * Keep pg's body alive beyond the next site_get, for a reply still sending
 * it; give the handle to site_body_release when done.  One thread only.
 */
void *site_body_hold(const struct page *pg);
void site_body_release(void *handle);

/*
 * pg's body in gzip (its length in *len), made once per version of the
 * page and released with its body; NULL if the page's type or size is not
 * worth it (encoding.h), or it came out no smaller.  One thread only.
 */
const char *site_body_gzip(const struct page *pg, size_t *len);

/* Every exported path, in table order (NULL-terminated, allocated). */
char **site_paths(struct daemon *d);
void site_paths_free(char **v);

/*
 * Called by site_export once per file, with its name and the page it is
 * (for a route with its own export form, a page made for the export).  The
 * page lives until emit returns; site_body_hold keeps its body longer.
 */
typedef void site_emit(void *arg, const char *file, const struct page *pg);

/*
 * Hand every exported document to emit; 0, or -1 with *cause.  With gzip,
 * every page's gzip body is made first (on the other cores while the pages
 * are built), for emit to take with site_body_gzip.
 */
int site_export(struct daemon *d, bool gzip, site_emit *emit, void *arg, char **cause);

/* Drop every cached page (at exit). */
void site_free(struct daemon *d);

#endif
