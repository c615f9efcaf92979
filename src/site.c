/*
 * site.c: the documents hotpatchd publishes, built on demand once per data
 * generation (and per month, since the feed horizon moves with time, and
 * again at each month's release, when staleness may change) and
 * then served from memory.  Each feed event's SEQUENCE and DTSTAMP come
 * from the store, so unchanged data gives the same bytes and the same ETag.
 */
#include "daemon.h"
#include "encoding.h"
#include "feed.h"
#include "feedcache.h"
#include "feedincr.h"
#include "fingerprint.h"
#include "gzpool.h"
#include "log.h"
#include "pages.h"
#include "planmodel.h"
#include "planrange.h"
#include "rowcache.h"
#include "site.h"
#include "siteurl.h"
#include "stale.h"
#include "store.h"
#include "util.h"
#include "views.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define FEED_DOMAIN	"hotpatchd"	/* UIDs must never change: not the host name */
#define REFRESH_MINUTES	360
#define FLEET_PAGE_MONTHS	12	/* /fleet: the months from the current one */

static const char ics_type[] = "text/calendar; charset=utf-8";
static const char html_type[] = "text/html; charset=utf-8";
static const char text_type[] = "text/plain; charset=utf-8";
/* Feeds and pages may be cached a while; health never is. */
#define CACHE_PAGES	"public, max-age=300"
#define CACHE_NONE	"no-store"

/*
 * A page a query or a year in the path chose (/plan?from=&months=,
 * /plan/2027); page.path is its key ("/plan?from=2026-12&months=12").
 * They are kept too, but at most SITE_CHOSEN_MAX (site.h), the least
 * recently served given up first: a client asking for every month of
 * every year must not grow the daemon by a page each.
 */
struct chosen {
	struct page	 page;
	int		 epoch;
	unsigned long	 used;		/* the site's clock when last served; 0: the slot is free */
};

/* A page with links for an address other than the configured one (site_get_at). */
struct variant {
	char		*base;
	struct page	 pg;
	int		 epoch;
	unsigned long	 used;		/* when last served, by the site's clock */
};

/*
 * A page as export writes it (the route's build_export), kept like a
 * served page: an export that finds it current neither builds nor
 * compresses it again, and one that builds the same bytes keeps the old
 * body and its gzip.  The plan of 10,000 rings is 49 MB.
 */
struct exported {
	struct page	 page;		/* page.path: the route's path */
	int		 epoch;
};

#define SITE_EXPORTED_MAX	4	/* routes with a build_export: "/" and "/plan" */

struct site {
	struct exported	 exported[SITE_EXPORTED_MAX];
	size_t		 nexported;
	struct page	*page;
	size_t		 n;
	int		*epoch;		/* the stale_epoch each page was built in */
	struct strindex	 by_path;	/* paths -> positions: 10,000 rings make 10,000 pages */
	struct variant	 var[SITE_VARIANTS_MAX];
	struct chosen	 chosen[SITE_CHOSEN_MAX];
	size_t		 nvar;
	size_t		 var_bytes;	/* their bodies */
	unsigned long	 clock;
	struct rowcache	*plan_rows;	/* the rows of the plan of the default months */
};

/*
 * A page body, shared with the HTTP replies still sending it: the last
 * holder frees it, so serving never copies a body and a rebuilt page
 * never pulls one from under a reply.
 */
struct shared_body {
	unsigned	 refs;
	bool		 gz_tried;	/* gz is made at most once */
	char		*gz;		/* the body in gzip, if asked for and smaller */
	size_t		 gz_len;
	char		*bytes;		/* the body as its builder made it: never copied */
};

static struct shared_body *
shared_of(const struct page *pg)
{
	return pg->shared;
}

void *
site_body_hold(const struct page *pg)
{
	struct shared_body *b = shared_of(pg);

	b->refs++;
	return b;
}

void
site_body_release(void *handle)
{
	struct shared_body *b = handle;

	if (b != NULL && --b->refs == 0) {
		free(b->gz);
		free(b->bytes);
		free(b);
	}
}

/*
 * Made on the first request that accepts it, not with the body: of 10,000
 * ring feeds most are fetched by few clients, or by none before the next
 * generation replaces them, so compressing at build would spend the time
 * on every page and keep the bytes of many that are never sent that way.
 * It lives in the body's block, so it goes with that version of the page
 * and a reply holding the body holds it too.  A variant's gz is smaller
 * than its body, so the variants take at most twice SITE_VARIANT_BYTES.
 */
/* A gzip no smaller than the body of len bytes is dropped: the body goes as it is. */
static void
gz_keep_if_smaller(struct shared_body *b, size_t len)
{
	if (b->gz != NULL && b->gz_len >= len) {
		free(b->gz);
		b->gz = NULL;
	}
}

const char *
site_body_gzip(const struct page *pg, size_t *len)
{
	struct shared_body *b = shared_of(pg);

	if (!gzip_worth(pg->type, pg->len))
		return NULL;
	if (!b->gz_tried) {
		b->gz_tried = true;
		b->gz = gzip_bytes(pg->body, pg->len, &b->gz_len);
		gz_keep_if_smaller(b, pg->len);
	}
	*len = b->gz_len;
	return b->gz;
}

static void
page_clear(struct page *p)
{
	free(p->path);
	site_body_release(shared_of(p));
	memset(p, 0, sizeof(*p));
}

/* Take body (allocated) as the page's, in a shared block. */
static void
set_body(struct page *p, const char *type, const char *cache, char *body, time_t modified)
{
	struct shared_body *b = xmalloc(sizeof(*b));

	*b = (struct shared_body){ .refs = 1, .bytes = body };
	site_body_release(shared_of(p));
	p->type = type;
	p->cache = cache;
	p->body = body;
	p->shared = b;
	p->len = strlen(body);
	p->modified = modified;
	/* fp_hash: 8 bytes a step, about 4x FNV-1a's speed on the megabytes of an export */
	snprintf(p->etag, sizeof(p->etag), "\"%016llx\"",
	    (unsigned long long)fp_hash(p->body, p->len));
}

/* Give every event its SEQUENCE and last change from the store. */
static int
stamp(struct daemon *d, struct feed *f, time_t now, time_t *newest, char **cause)
{
	struct feed_stamp *v = xcalloc(f->nev, sizeof(*v));
	int rc;

	for (size_t i = 0; i < f->nev; i++) {
		v[i].uid = f->ev[i].uid;
		v[i].hash = f->ev[i].hash;
	}
	rc = store_feed_stamp(d->store, v, f->nev, now, cause);
	*newest = 0;
	for (size_t i = 0; rc == 0 && i < f->nev; i++) {
		f->ev[i].sequence = v[i].sequence;
		f->ev[i].changed = v[i].changed;
		if (v[i].changed > *newest)
			*newest = v[i].changed;
	}
	free(v);
	return rc;
}

/* The feed cache as configured (made, or made again at another size), or NULL if off. */
static struct feedcache *
feed_cache(struct daemon *d)
{
	size_t want = (size_t)d->cfg.feed_cache_mb << 20;
	struct fc_stats st;

	if (d->feeds != NULL) {
		feedcache_stats(d->feeds, &st);
		if (st.max_bytes != want) {
			feedcache_free(d->feeds);
			d->feeds = NULL;
		}
	}
	if (want == 0)
		return NULL;
	if (d->feeds == NULL)
		d->feeds = feedcache_new(want);
	feedcache_generation(d->feeds, d->generation);
	return d->feeds;
}

/*
 * A feed's body; NULL with *cause NULL if feed_build finds no such id.
 * With the feed cache, only the events not rendered before are rendered
 * (the bytes are feed_render's either way).
 */
static char *
feed_body(struct daemon *d, enum feed_kind kind, const char *id, time_t *modified,
    char **cause)
{
	struct feed_opts o = { .domain = FEED_DOMAIN, .months_back = d->cfg.feed_months_back,
	    .months_ahead = d->cfg.feed_months_ahead, .now = daemon_now(d),
	    .refresh_minutes = REFRESH_MINUTES };
	struct feedcache *c = feed_cache(d);
	struct feedincr fi = { 0 };
	struct feed f = { 0 };
	char *why = NULL, *body = NULL;
	time_t newest;
	int rc = c != NULL ? feed_build_specs(&d->cal, &d->rings, &o, kind, id, &f, &why) :
	    feed_build(&d->cal, &d->rings, &o, kind, id, &f, &why);

	if (rc < 0) {
		free(why);
		return NULL;
	}
	if (c != NULL)
		feedincr_hash(c, &f, &fi);
	if (stamp(d, &f, o.now, &newest, cause) == 0) {
		body = c != NULL ? feedincr_render(c, &f, &fi, &o) : feed_render(&f, &o);
		*modified = newest ? newest : d->started;
	}
	feedincr_free(&fi);
	feed_free(&f);
	return body;
}

static char *
build_all_feed(struct daemon *d, const char *id, time_t *modified, char **cause)
{
	return feed_body(d, FEED_ALL, NULL, modified, cause);
}

static char *
build_os_feed(struct daemon *d, const char *id, time_t *modified, char **cause)
{
	return feed_body(d, FEED_OS, id, modified, cause);
}

static char *
build_ring_feed(struct daemon *d, const char *id, time_t *modified, char **cause)
{
	return feed_body(d, FEED_RING, id, modified, cause);
}

/*
 * What the feeds read (feed.c): the calendar of every OS, one OS's, or
 * those of a ring's OSes, and the rings with their blackouts; never the
 * devices.
 */
static bool
all_feed_reads(const struct daemon *d, const char *id, struct reads *r)
{
	*r = (struct reads){ .devices = false, .reads_os = NULL };
	return true;
}

static bool
is_os(const void *arg, const char *os)
{
	return strcmp(arg, os) == 0;
}

static bool
os_feed_reads(const struct daemon *d, const char *id, struct reads *r)
{
	*r = (struct reads){ .devices = false, .reads_os = is_os, .arg = id };
	return true;
}

static bool
ring_has_os(const void *arg, const char *os)
{
	const struct ring *g = arg;

	for (size_t i = 0; i < g->nos; i++)
		if (strcmp(g->os[i], os) == 0)
			return true;
	return false;
}

static bool
ring_feed_reads(const struct daemon *d, const char *id, struct reads *r)
{
	const struct ring *g = ringset_find(&d->rings, id);

	*r = (struct reads){ .devices = false, .reads_os = ring_has_os, .arg = g };
	return g != NULL;
}

static json_t *
entry(const char *path, const char *title, const char *description)
{
	return json_pack("{s:s,s:s,s:s}", "path", path, "title", title,
	    "description", description);
}

static json_t *
all_feed_entry(const struct daemon *d, const char *id, const char *path)
{
	return entry(path, "Every OS", "Patch Tuesdays of every hotpatch OS: "
	    "baseline, hotpatch or LCU, with KB and build when published");
}

static json_t *
os_feed_entry(const struct daemon *d, const char *id, const char *path)
{
	return entry(path, caldata_find_os(&d->cal, id)->name,
	    "Patch Tuesdays of this OS, all-day events");
}

static json_t *
ring_feed_entry(const struct daemon *d, const char *id, const char *path)
{
	const struct ring *g = ringset_find(&d->rings, id);
	char *desc = xasprintf("Install windows and deadlines of ring %s, in %s", g->id,
	    g->timezone);
	json_t *e = entry(path, g->name, desc);

	free(desc);
	return e;
}

/* How many ids each ranges over: years are asked for, never listed or exported. */
static size_t
id_count(const struct daemon *d, enum route_each each)
{
	if (each == EACH_YEAR)
		return 0;
	return each == EACH_OS ? d->cal.nos : each == EACH_RING ? d->rings.nring : 1;
}

/* The i-th id each ranges over; NULL for EACH_NONE. */
static const char *
id_at(const struct daemon *d, enum route_each each, size_t i)
{
	if (each == EACH_OS)
		return d->cal.os[i].id;
	return each == EACH_RING ? d->rings.ring[i].id : NULL;
}

/* The index's feeds, in table order, as JSON for page_index. */
static char *
index_page(struct daemon *d, const char *base)
{
	json_t *feeds = json_array(), *stale;
	char *s;

	for (const struct route *r = site_routes; r->pattern != NULL; r++) {
		for (size_t i = 0; r->listed != NULL && i < id_count(d, r->each); i++) {
			const char *id = id_at(d, r->each, i);
			char *path = site_route_path(r, id);

			json_array_append_new(feeds, r->listed(d, id, path));
			free(path);
		}
	}
	stale = view_stale(&d->cal, NULL, daemon_now(d));
	s = page_index(feeds, stale, base);
	json_decref(feeds);
	json_decref(stale);
	return s;
}

/* Built once with the mark for its address, then expanded for each (siteurl.h). */
static char *
build_index(struct daemon *d, const char *id, time_t *modified, char **cause)
{
	*modified = d->started;
	return index_page(d, SITEURL_MARK);
}

/* Static copies link relatively: they may live under any prefix. */
static char *
build_static_index(struct daemon *d, const char *id, time_t *modified, char **cause)
{
	*modified = d->started;
	return index_page(d, "");
}

/*
 * The months a plan page shows: id NULL is the rolling default (from the
 * current month), "2027" a year (/plan/2027), else the query plan_query
 * made ("from=2026-12&months=12").
 */
static int
plan_page_range(struct daemon *d, const char *id, struct plan_range *r)
{
	char *why = NULL, from[8];
	int year;

	if (id == NULL) {
		*r = plan_range_default(ym_of_time(daemon_now(d)));
		return 0;
	}
	if (plan_year_parse(id, &year) == 0) {
		*r = plan_range_year(year);
		return 0;
	}
	/* plan_range_query's "from=YYYY-MM&months=N", nothing else */
	if (strncmp(id, "from=", 5) != 0 || strlen(id) < 21 || strncmp(id + 12, "&months=", 8) != 0)
		return -1;
	snprintf(from, sizeof(from), "%.7s", id + 5);
	r->months = atoi(id + 20);
	if (ym_parse(from, &r->from) < 0 || (why = plan_range_check(r)) != NULL) {
		free(why);
		return -1;
	}
	return 0;
}

/* "?from=2025-12&months=12": the query-only link to the plan of r. */
static char *
plan_query_link(const struct plan_range *r)
{
	char *q = plan_range_query(r), *link = xasprintf("?%s", q);

	free(q);
	return link;
}

/*
 * Links between plan pages, relative so that they hold under any prefix:
 * a year's page (/plan/2027) to its neighbours ("2026"), the others by
 * query ("?from=2025-12&months=12"), as many months each way.  The static
 * export has no pager: a static server ignores the query.
 */
static void
plan_links_of(const char *id, const struct plan_range *r, bool exported,
    struct plan_links *l)
{
	struct plan_range p;
	bool by_year = id != NULL && plan_year_parse(id, &(int){ 0 }) == 0;

	*l = (struct plan_links){ .home = exported || by_year ? "../" : "./" };
	if (exported)
		return;
	if (plan_range_step(r, -1, &p))
		l->prev = by_year ? xasprintf("%d", ym_year(p.from)) : plan_query_link(&p);
	if (plan_range_step(r, 1, &p))
		l->next = by_year ? xasprintf("%d", ym_year(p.from)) : plan_query_link(&p);
}

/*
 * The rows kept for the plan of id: the default months' only (served and
 * exported, the same rows), so a look at another year does not drop them.
 */
static struct rowcache *
plan_rows(struct daemon *d, const char *id)
{
	if (id != NULL || d->site == NULL)
		return NULL;
	if (d->site->plan_rows == NULL)
		d->site->plan_rows = rowcache_new();
	return d->site->plan_rows;
}

static char *
plan_page_of(struct daemon *d, const char *id, bool exported, time_t *modified,
    char **cause)
{
	time_t now = daemon_now(d);
	struct plan_range r;
	struct plan_links l;
	struct plan_model pm;
	json_t *devices, *stale;
	char *s;

	if (plan_page_range(d, id, &r) < 0 || daemon_devices(d, cause) < 0)
		return NULL;
	/* The page is drawn from the model: no JSON of every ring's months in between. */
	plan_model_build(&pm, &d->cal, &d->rings, &r, false);
	devices = json_object();	/* view_plan_devices sets its "devices" */
	view_plan_devices(devices, &d->inv, &d->cal, &d->rings, &r, ym_of_time(now));
	stale = view_stale(&d->cal, NULL, now);
	plan_links_of(id, &r, exported, &l);
	s = page_plan_model(&pm, json_object_get(devices, "devices"), stale, &l, plan_rows(d, id));
	free((char *)l.prev);
	free((char *)l.next);
	json_decref(devices);
	json_decref(stale);
	plan_model_free(&pm);
	*modified = d->started;
	return s;
}

static char *
build_plan(struct daemon *d, const char *id, time_t *modified, char **cause)
{
	return plan_page_of(d, id, false, modified, cause);
}

static char *
build_static_plan(struct daemon *d, const char *id, time_t *modified, char **cause)
{
	return plan_page_of(d, id, true, modified, cause);
}

/*
 * What a /plan query names, as the id build_plan takes: NULL for none (the
 * page of the route itself), else the query that names its months alone.
 * A query on a year's page, an unknown or repeated parameter or a bad
 * value sets *bad: the client gets a 400 saying which.
 */
static char *
plan_query(struct daemon *d, const char *id, const struct query_arg *a, size_t n,
    char **bad)
{
	struct plan_range r;

	*bad = NULL;
	if (id != NULL && n > 0) {
		*bad = xasprintf("/plan/%s takes no query; /plan?from=YYYY-MM&months=N names other "
		    "months", id);
		return NULL;
	}
	if (id != NULL)
		return xstrdup(id);
	if (n == 0)
		return NULL;
	if (plan_query_parse(a, n, ym_of_time(daemon_now(d)), &r, bad) < 0)
		return NULL;
	return plan_range_query(&r);
}

/*
 * The fleet forecast from the current month for FLEET_PAGE_MONTHS: counts
 * only, as view_fleet answers them (no device name is in its JSON).  An
 * import bumps the generation (daemon_load_devices), so the page follows.
 */
static char *
build_fleet(struct daemon *d, const char *id, time_t *modified, char **cause)
{
	time_t now = daemon_now(d);
	json_t *fleet;
	char *s;

	if (daemon_devices(d, cause) < 0)
		return NULL;
	fleet = view_fleet_of(&d->inv, &d->cal, &d->rings, ym_of_time(now), FLEET_PAGE_MONTHS,
	    FLEET_RINGS_WITH_DEVICES);
	if (fleet == NULL) {
		*cause = xstrdup("out of memory counting the fleet");
		return NULL;
	}
	json_object_set_new(fleet, "stale", view_stale(&d->cal, NULL, now));
	s = page_fleet(fleet);
	json_decref(fleet);
	*modified = d->started;
	return s;
}

static char *
build_health(struct daemon *d, const char *id, time_t *modified, char **cause)
{
	*modified = d->started;
	return xstrdup("ok\n");
}

const struct route site_routes[] = {
	{ "/", EACH_NONE, build_index, html_type, CACHE_PAGES, NULL, true, "index.html",
	    build_static_index, NULL, NULL },
	{ "/plan", EACH_NONE, build_plan, html_type, CACHE_PAGES, NULL, true,
	    "plan/index.html", build_static_plan, plan_query, NULL },
	{ "/healthz", EACH_NONE, build_health, text_type, CACHE_NONE, NULL, false, NULL, NULL,
	    NULL, NULL },
	{ "/calendar.ics", EACH_NONE, build_all_feed, ics_type, CACHE_PAGES, all_feed_entry,
	    true, NULL, NULL, NULL, all_feed_reads },
	{ "/os/*.ics", EACH_OS, build_os_feed, ics_type, CACHE_PAGES, os_feed_entry, true, NULL,
	    NULL, NULL, os_feed_reads },
	{ "/rings/*.ics", EACH_RING, build_ring_feed, ics_type, CACHE_PAGES, ring_feed_entry,
	    true, NULL, NULL, NULL, ring_feed_reads },
	/* Last: the rows before keep their places, which the tests name. */
	{ "/fleet", EACH_NONE, build_fleet, html_type, CACHE_PAGES, NULL, true,
	    "fleet/index.html", NULL, NULL, NULL },
	/* A year's plan: built on request, one of the few variants kept (site_get_query). */
	{ "/plan/*", EACH_YEAR, build_plan, html_type, CACHE_PAGES, NULL, false, NULL, NULL,
	    plan_query, NULL },
	{ NULL },
};

/* Does path match pattern?  The '*' part, if any, goes to *id (allocated, never empty). */
static bool
pattern_match(const char *pattern, const char *path, char **id)
{
	const char *star = strchr(pattern, '*');
	size_t pre, post, len = strlen(path);

	*id = NULL;
	if (star == NULL)
		return strcmp(pattern, path) == 0;
	pre = (size_t)(star - pattern);
	post = strlen(star + 1);
	if (len <= pre + post || strncmp(path, pattern, pre) != 0 ||
	    strcmp(path + len - post, star + 1) != 0)
		return false;
	*id = strndup(path + pre, len - pre - post);
	return true;
}

const struct route *
site_route(const char *path, char **id)
{
	for (const struct route *r = site_routes; r->pattern != NULL; r++)
		if (pattern_match(r->pattern, path, id))
			return r;
	return NULL;
}

char *
site_route_path(const struct route *r, const char *id)
{
	const char *star = strchr(r->pattern, '*');

	if (star == NULL)
		return xstrdup(r->pattern);
	return xasprintf("%.*s%s%s", (int)(star - r->pattern), r->pattern, id, star + 1);
}

const struct route *
site_feed_route(enum route_each each)
{
	for (const struct route *r = site_routes; r->pattern != NULL; r++)
		if (r->each == each && r->listed != NULL)
			return r;
	return NULL;
}

char *
site_file_name(const char *path)
{
	char *id;
	const struct route *r = site_route(path, &id);

	free(id);
	if (r == NULL || !r->exported)
		return NULL;
	return xstrdup(r->file != NULL ? r->file : path + 1);
}

/* Does id name one of the things r's '*' ranges over? */
static bool
id_known(const struct daemon *d, const struct route *r, const char *id)
{
	if (r->each == EACH_OS)
		return caldata_find_os(&d->cal, id) != NULL;
	if (r->each == EACH_YEAR)
		return plan_year_parse(id, &(int){ 0 }) == 0;
	return r->each != EACH_RING || ringset_find(&d->rings, id) != NULL;
}

/* The absolute links in r's pages: a feed names itself, the index every page. */
static enum page_links
route_links(const struct route *r)
{
	if (r->build == build_index)
		return LINKS_INDEX;
	return strcmp(r->type, ics_type) == 0 ? LINKS_FEED : LINKS_NONE;
}

/* body (len bytes) of a page at path with its links for base (allocated; base "": none known). */
static char *
with_links(enum page_links links, const char *body, size_t len, const char *base,
    const char *path)
{
	size_t n;

	if (links == LINKS_INDEX)
		return siteurl_expand(body, len, base, &n);
	if (links == LINKS_FEED && *base != '\0')
		return feed_add_links(body, base, path);
	return xstrdup(body);
}

/*
 * p's body: body of route r's page at path, its links made here, once for
 * every request, when http.public_url names the address.
 */
static void
set_linked(const struct daemon *d, const struct route *r, const char *path, struct page *p,
    char *body, time_t modified)
{
	char *linked;

	p->links = route_links(r);
	if (p->links != LINKS_NONE && d->cfg.public_url != NULL) {
		linked = with_links(p->links, body, strlen(body), d->cfg.public_url, path);
		free(body);
		body = linked;
	}
	set_body(p, r->type, r->cache, body, modified);
}

/* Build the page for path into p; 0 ok, 1 no such page, -1 error. */
static int
build(struct daemon *d, const char *path, struct page *p, char **cause)
{
	char *id, *body = NULL;
	const struct route *r = site_route(path, &id);
	time_t modified = 0;

	if (r != NULL && id_known(d, r, id))
		body = r->build(d, id, &modified, cause);
	free(id);
	if (body == NULL)
		return *cause != NULL ? -1 : 1;
	set_linked(d, r, path, p, body, modified);
	return 0;
}

/*
 * A page built again with the very bytes it had keeps its old body, and
 * with it the gzip made of it: a change that leaves a feed alone costs no
 * compression, and export sends it as it was.
 */
static void
keep_same_body(struct page *fresh, struct page *old)
{
	if (old->body == NULL || fresh->len != old->len || strcmp(fresh->etag, old->etag) != 0 ||
	    memcmp(fresh->body, old->body, fresh->len) != 0)
		return;
	site_body_release(shared_of(fresh));
	fresh->body = old->body;
	fresh->shared = old->shared;
	old->body = NULL;
	old->shared = NULL;
}

/*
 * May pg, built for an older generation in this epoch, stand: did every
 * change since leave alone all that its route reads (changes.h)?
 */
static bool
page_stands(const struct daemon *d, const struct page *pg)
{
	char *id;
	const struct route *r = site_route(pg->path, &id);
	struct reads rd;
	bool stands = r != NULL && r->reads != NULL && r->reads(d, id, &rd) &&
	    changes_spare(&d->changes, pg->generation, d->generation, &rd);

	free(id);
	return stands;
}

/*
 * The cached page at path, built again if it is older than the epoch, or
 * than the generation unless it stands through the changes since.
 */
static const struct page *
cached(struct daemon *d, const char *path, int epoch, char **cause)
{
	struct site *s = d->site;
	struct page fresh = { 0 };
	size_t i;

	if (s == NULL)
		s = d->site = xcalloc(1, sizeof(*s));
	if (!strindex_get(&s->by_path, path, &i))
		i = s->n;
	if (i < s->n && s->epoch[i] == epoch && s->page[i].generation != d->generation &&
	    page_stands(d, &s->page[i]))
		s->page[i].generation = d->generation;
	if (i < s->n && s->page[i].generation == d->generation && s->epoch[i] == epoch)
		return &s->page[i];
	if (build(d, path, &fresh, cause) != 0) {
		page_clear(&fresh);
		return NULL;
	}
	fresh.generation = d->generation;
	if (i == s->n) {
		s->page = xreallocarray(s->page, s->n + 1, sizeof(*s->page));
		s->epoch = xreallocarray(s->epoch, s->n + 1, sizeof(*s->epoch));
		s->n++;
		fresh.path = xstrdup(path);
		strindex_put(&s->by_path, fresh.path, i);
	} else {
		/* The path string stays: the index points at it. */
		fresh.path = s->page[i].path;
		s->page[i].path = NULL;
		keep_same_body(&fresh, &s->page[i]);
		page_clear(&s->page[i]);
	}
	s->page[i] = fresh;
	s->epoch[i] = epoch;
	return &s->page[i];
}

/* The slot of the chosen page key, or NULL. */
static struct chosen *
chosen_find(struct site *s, const char *key)
{
	for (size_t i = 0; i < SITE_CHOSEN_MAX; i++)
		if (s->chosen[i].used != 0 && strcmp(s->chosen[i].page.path, key) == 0)
			return &s->chosen[i];
	return NULL;
}

/* A free slot, else the one served longest ago, emptied. */
static struct chosen *
chosen_slot(struct site *s)
{
	struct chosen *v = &s->chosen[0];

	for (size_t i = 0; i < SITE_CHOSEN_MAX && v->used != 0; i++)
		if (s->chosen[i].used < v->used)
			v = &s->chosen[i];
	page_clear(&v->page);
	v->used = 0;
	return v;
}

/*
 * The page of route r that key names (build takes id), from the chosen
 * pages kept or built into one of their slots; NULL as site_get.
 */
static const struct page *
chosen_get(struct daemon *d, const struct route *r, const char *key, const char *id,
    char **cause)
{
	struct site *s = d->site;
	int epoch = stale_epoch(daemon_now(d));
	struct chosen *v = chosen_find(s, key);
	time_t modified = 0;
	char *body;

	if (v != NULL && v->page.generation == d->generation && v->epoch == epoch) {
		v->used = ++s->clock;
		return &v->page;
	}
	if ((body = r->build(d, id, &modified, cause)) == NULL)
		return NULL;
	if (v == NULL)
		v = chosen_slot(s);
	else
		page_clear(&v->page);
	set_linked(d, r, key, &v->page, body, modified);
	v->page.path = xstrdup(key);
	v->page.generation = d->generation;
	v->page.variant = true;
	v->epoch = epoch;
	v->used = ++s->clock;
	return &v->page;
}

const struct page *
site_get_query(struct daemon *d, const char *path, const struct query_arg *a, size_t n,
    char **bad, char **cause)
{
	int epoch = stale_epoch(daemon_now(d));	/* each month, and again at its release */
	char *id, *chosen, *key;
	const struct route *r = site_route(path, &id);
	const struct page *pg;

	*bad = NULL;
	if (r == NULL || r->query == NULL || !id_known(d, r, id)) {
		free(id);
		return r == NULL || r->query == NULL ? cached(d, path, epoch, cause) : NULL;
	}
	chosen = r->query(d, id, a, n, bad);
	free(id);
	if (chosen == NULL)
		return *bad != NULL ? NULL : cached(d, path, epoch, cause);
	if (d->site == NULL)
		d->site = xcalloc(1, sizeof(*d->site));
	/* a year's page is keyed by its path, a query's by the query that names it alone */
	key = r->each == EACH_YEAR ? xstrdup(path) : xasprintf("%s?%s", path, chosen);
	pg = chosen_get(d, r, key, chosen, cause);
	free(key);
	free(chosen);
	return pg;
}

static void
variant_drop(struct site *s, size_t i)
{
	struct variant *v = &s->var[i];

	s->var_bytes -= v->pg.len;
	free(v->base);
	page_clear(&v->pg);
	*v = s->var[--s->nvar];
	memset(&s->var[s->nvar], 0, sizeof(s->var[s->nvar]));
}

/* A free slot for a page of len bytes: the least recently served make room. */
static struct variant *
variant_slot(struct site *s, size_t len)
{
	while (s->nvar > 0 && (s->nvar == SITE_VARIANTS_MAX ||
	    s->var_bytes + len > SITE_VARIANT_BYTES)) {
		size_t old = 0;

		for (size_t i = 1; i < s->nvar; i++)
			if (s->var[i].used < s->var[old].used)
				old = i;
		variant_drop(s, old);
	}
	return &s->var[s->nvar++];
}

/* from (current for epoch) with its links for base: kept, or made from it in one pass. */
static const struct page *
variant(struct site *s, const struct page *from, const char *base, int epoch)
{
	struct variant *v;
	char *body;
	size_t i;

	for (i = 0; i < s->nvar; i++)
		if (strcmp(s->var[i].pg.path, from->path) == 0 && strcmp(s->var[i].base, base) == 0)
			break;
	if (i < s->nvar && s->var[i].pg.generation == from->generation &&
	    s->var[i].epoch == epoch) {
		s->var[i].used = ++s->clock;
		return &s->var[i].pg;
	}
	if (i < s->nvar)
		variant_drop(s, i);
	body = with_links(from->links, from->body, from->len, base, from->path);
	v = variant_slot(s, strlen(body));
	v->base = xstrdup(base);
	v->pg.path = xstrdup(from->path);
	set_body(&v->pg, from->type, from->cache, body, from->modified);
	v->pg.generation = from->generation;
	v->pg.links = from->links;
	v->pg.variant = from->variant;
	v->epoch = epoch;
	v->used = ++s->clock;
	s->var_bytes += v->pg.len;
	return &v->pg;
}

const struct page *
site_get_req(struct daemon *d, const char *path, const struct query_arg *a, size_t n,
    const char *base, char **bad, char **cause)
{
	int epoch = stale_epoch(daemon_now(d));
	const struct page *pg = site_get_query(d, path, a, n, bad, cause);

	if (pg == NULL || pg->links == LINKS_NONE || d->cfg.public_url != NULL)
		return pg;	/* the same at every address, or made for the public one */
	if (base == NULL && pg->links == LINKS_FEED)
		return pg;	/* no address known: the feed names none */
	if (base == NULL)
		base = d->feed_url != NULL ? d->feed_url : "";
	return variant(d->site, pg, base, epoch);
}

const struct page *
site_get(struct daemon *d, const char *path, char **cause)
{
	const struct page *pg;
	char *bad;

	pg = site_get_req(d, path, NULL, 0, NULL, &bad, cause);
	free(bad);
	return pg;
}

const struct page *
site_get_at(struct daemon *d, const char *path, const char *base, char **cause)
{
	const struct page *pg;
	char *bad;

	pg = site_get_req(d, path, NULL, 0, base, &bad, cause);
	free(bad);
	return pg;
}

size_t
site_chosen(const struct daemon *d)
{
	size_t n = 0;

	for (size_t i = 0; d->site != NULL && i < SITE_CHOSEN_MAX; i++)
		n += d->site->chosen[i].used != 0;
	return n;
}

size_t
site_variants(const struct daemon *d, size_t *bytes)
{
	*bytes = d->site != NULL ? d->site->var_bytes : 0;
	return d->site != NULL ? d->site->nvar : 0;
}

char **
site_paths(struct daemon *d)
{
	size_t n = 0, cap = 0;
	char **v = NULL;

	for (const struct route *r = site_routes; r->pattern != NULL; r++) {
		for (size_t i = 0; r->exported && i < id_count(d, r->each); i++) {
			grow(&v, n, &cap, sizeof(*v));
			v[n++] = site_route_path(r, id_at(d, r->each, i));
		}
	}
	grow(&v, n, &cap, sizeof(*v));
	v[n] = NULL;
	return v;
}

void
site_paths_free(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* The kept export page of path: current, built again, or NULL as build_export fails. */
static const struct page *
exported_get(struct daemon *d, const struct route *r, const char *path, const char *id,
    char **cause)
{
	struct site *s = d->site;
	int epoch = stale_epoch(daemon_now(d));
	struct exported *x = NULL;
	struct page fresh = { 0 };
	time_t modified = 0;
	char *body;

	for (size_t i = 0; i < s->nexported && x == NULL; i++)
		if (strcmp(s->exported[i].page.path, path) == 0)
			x = &s->exported[i];
	if (x != NULL && x->page.generation == d->generation && x->epoch == epoch)
		return &x->page;
	if ((body = r->build_export(d, id, &modified, cause)) == NULL)
		return NULL;
	set_body(&fresh, r->type, r->cache, body, modified);
	fresh.generation = d->generation;
	if (x == NULL) {
		if (s->nexported == SITE_EXPORTED_MAX)
			fatal("more than %d routes with a static page for export",
			    SITE_EXPORTED_MAX);
		x = &s->exported[s->nexported++];
		fresh.path = xstrdup(path);
	} else {
		fresh.path = x->page.path;
		x->page.path = NULL;
		keep_same_body(&fresh, &x->page);
		page_clear(&x->page);
	}
	x->page = fresh;
	x->epoch = epoch;
	return &x->page;
}

/* The page export writes for path: its route's own for export, else the page as served. */
static const struct page *
export_page(struct daemon *d, const char *path, char **cause)
{
	char *id;
	const struct route *r = site_route(path, &id);
	const struct page *pg;

	if (d->site == NULL)
		d->site = xcalloc(1, sizeof(*d->site));
	pg = r->build_export != NULL ? exported_get(d, r, path, id, cause) :
	    site_get(d, path, cause);
	free(id);
	if (pg == NULL && *cause == NULL)
		*cause = xasprintf("%s vanished while exporting", path);
	return pg;
}

/* Export one path, as export_build left it. */
static int
export_one(struct daemon *d, const char *path, site_emit *emit, void *arg, char **cause)
{
	char *file;
	const struct page *pg = export_page(d, path, cause);

	if (pg == NULL)
		return -1;
	file = site_file_name(path);
	emit(arg, file, pg);
	free(file);
	return 0;
}

/*
 * Fewer bodies to compress than this are not worth starting threads for:
 * a thread starts in about the time level 8 takes on one feed.
 */
#define EXPORT_POOL_MIN	8

/* The bodies whose gzip the pool is making, each held until it is done. */
struct export_gz {
	bool		 gzip;		/* wanted at all */
	struct gzpool	*pool;
	struct held_gz {
		struct shared_body	*body;
		size_t			 len;
	}		*held;
	size_t		 n, cap;
};

/* Queue pg's gzip, unless it has been tried or would not pay. */
static void
export_gz_add(struct export_gz *x, const struct page *pg)
{
	struct shared_body *b = shared_of(pg);

	if (!x->gzip || b->gz_tried || !gzip_worth(pg->type, pg->len))
		return;
	b->gz_tried = true;
	grow(&x->held, x->n, &x->cap, sizeof(*x->held));
	x->held[x->n++] = (struct held_gz){ site_body_hold(pg), pg->len };
	gzpool_add(x->pool, b->bytes, pg->len, &b->gz, &b->gz_len);
}

/* Wait for every gzip, keep those that gain (as site_body_gzip does), let the bodies go. */
static void
export_gz_finish(struct export_gz *x)
{
	gzpool_free(x->pool);
	for (size_t i = 0; i < x->n; i++) {
		gz_keep_if_smaller(x->held[i].body, x->held[i].len);
		site_body_release(x->held[i].body);
	}
	free(x->held);
}

/*
 * Build every page the site serves (pass 1 of an export), queueing the
 * gzip of each new body as it goes, so the other cores compress while
 * this one builds.
 */
static int
export_build(struct daemon *d, char **paths, struct export_gz *x, char **cause)
{
	for (size_t i = 0; paths[i] != NULL; i++) {
		const struct page *pg = export_page(d, paths[i], cause);

		if (pg == NULL)
			return -1;
		export_gz_add(x, pg);
	}
	return 0;
}

int
site_export(struct daemon *d, bool gzip, site_emit *emit, void *arg, char **cause)
{
	char **paths = site_paths(d);
	struct export_gz x = { gzip, gzpool_new(gzpool_cpus(), EXPORT_POOL_MIN), NULL, 0, 0 };
	char *why = NULL;
	int rc;

	/* the feeds built here stamp their events in one transaction, committed before the reply */
	store_feed_hold(d->store);
	rc = export_build(d, paths, &x, cause);
	export_gz_finish(&x);
	for (size_t i = 0; paths[i] != NULL && rc == 0; i++)
		rc = export_one(d, paths[i], emit, arg, cause);
	site_paths_free(paths);
	if (store_feed_release(d->store, &why) < 0) {
		if (rc == 0)
			*cause = why;
		else
			free(why);
		return -1;
	}
	return rc;
}

void
site_free(struct daemon *d)
{
	struct site *s = d->site;

	feedcache_free(d->feeds);
	d->feeds = NULL;
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		page_clear(&s->page[i]);
	for (size_t i = 0; i < s->nexported; i++)
		page_clear(&s->exported[i].page);
	for (size_t i = 0; i < SITE_CHOSEN_MAX; i++)
		page_clear(&s->chosen[i].page);
	while (s->nvar > 0)
		variant_drop(s, s->nvar - 1);
	free(s->page);
	free(s->epoch);
	strindex_free(&s->by_path);
	rowcache_free(s->plan_rows);
	free(s);
	d->site = NULL;
}
