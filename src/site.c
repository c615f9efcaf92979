/*
 * site.c: the documents hotpatchd publishes, built on demand once per data
 * generation (and per month, since the feed horizon moves with time) and
 * then served from memory.  Each feed event's SEQUENCE and DTSTAMP come
 * from the store, so unchanged data gives the same bytes and the same ETag.
 */
#include "daemon.h"
#include "feed.h"
#include "log.h"
#include "pages.h"
#include "site.h"
#include "store.h"
#include "util.h"
#include "views.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define FEED_DOMAIN	"hotpatchd"	/* UIDs must never change: not the host name */
#define REFRESH_MINUTES	360

static const char ics_type[] = "text/calendar; charset=utf-8";
static const char html_type[] = "text/html; charset=utf-8";
static const char text_type[] = "text/plain; charset=utf-8";

struct site {
	struct page	*page;
	size_t		 n;
	ym_t		*month;		/* the month each page was built in */
	struct strindex	 by_path;	/* paths -> positions: 10,000 rings make 10,000 pages */
};

/*
 * A page body, shared with the HTTP replies still sending it: the last
 * holder frees it, so serving never copies a body and a rebuilt page
 * never pulls one from under a reply.
 */
struct shared_body {
	unsigned	 refs;
	char		 bytes[];
};

static struct shared_body *
shared_of(const char *body)
{
	return (struct shared_body *)(void *)(body - offsetof(struct shared_body, bytes));
}

void *
site_body_hold(const struct page *pg)
{
	struct shared_body *b = shared_of(pg->body);

	b->refs++;
	return b;
}

void
site_body_release(void *handle)
{
	struct shared_body *b = handle;

	if (b != NULL && --b->refs == 0)
		free(b);
}

static void
page_clear(struct page *p)
{
	free(p->path);
	if (p->body != NULL)
		site_body_release(shared_of(p->body));
	memset(p, 0, sizeof(*p));
}

/* Take body (allocated) as the page's, in a shared block. */
static void
set_body(struct page *p, const char *type, char *body, time_t modified)
{
	size_t len = strlen(body);
	struct shared_body *b = xmalloc(sizeof(*b) + len + 1);

	b->refs = 1;
	memcpy(b->bytes, body, len + 1);
	free(body);
	if (p->body != NULL)
		site_body_release(shared_of(p->body));
	p->type = type;
	p->body = b->bytes;
	p->len = len;
	p->modified = modified;
	snprintf(p->etag, sizeof(p->etag), "\"%016llx\"",
	    (unsigned long long)hash64(p->body, p->len));
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

/* Build one feed page; returns 0, 1 if the id is unknown (404), -1 on error. */
static int
build_feed(struct daemon *d, struct page *p, enum feed_kind kind, const char *id, char **cause)
{
	struct feed_opts o = { .domain = FEED_DOMAIN, .months_back = d->cfg.feed_months_back,
	    .months_ahead = d->cfg.feed_months_ahead, .now = time(NULL),
	    .refresh_minutes = REFRESH_MINUTES };
	struct feed f = { 0 };
	char *why = NULL;
	time_t newest;

	if (feed_build(&d->cal, &d->rings, &o, kind, id, &f, &why) < 0) {
		free(why);
		return 1;
	}
	if (stamp(d, &f, o.now, &newest, cause) < 0) {
		feed_free(&f);
		return -1;
	}
	set_body(p, ics_type, feed_render(&f, &o), newest ? newest : d->started);
	feed_free(&f);
	return 0;
}

/* The feeds the index lists, as JSON for page_index. */
static json_t *
feed_list(const struct daemon *d)
{
	json_t *a = json_array();

	json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "path", "/calendar.ics",
	    "title", "Every OS", "description", "Patch Tuesdays of every hotpatch OS: "
	    "baseline, hotpatch or LCU, with KB and build when published"));
	for (size_t i = 0; i < d->cal.nos; i++) {
		char *path = xasprintf("/os/%s.ics", d->cal.os[i].id);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "path", path, "title",
		    d->cal.os[i].name, "description", "Patch Tuesdays of this OS, all-day events"));
		free(path);
	}
	for (size_t i = 0; i < d->rings.nring; i++) {
		const struct ring *g = &d->rings.ring[i];
		char *path = xasprintf("/rings/%s.ics", g->id);
		char *desc = xasprintf("Install windows and deadlines of ring %s, in %s", g->id,
		    g->timezone);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "path", path, "title",
		    g->name, "description", desc));
		free(path);
		free(desc);
	}
	return a;
}

static char *
index_body(const struct daemon *d, const char *base)
{
	json_t *feeds = feed_list(d);
	char *s = page_index(feeds, base);

	json_decref(feeds);
	return s;
}

/* An id from "/os/ID.ics" style paths, or NULL. */
static char *
path_id(const char *path, const char *prefix)
{
	size_t pl = strlen(prefix), len = strlen(path);

	if (strncmp(path, prefix, pl) != 0 || len <= pl + 4 ||
	    strcmp(path + len - 4, ".ics") != 0)
		return NULL;
	return strndup(path + pl, len - pl - 4);
}

/* Build the page for path into p; 0 ok, 1 no such page, -1 error. */
static int
build(struct daemon *d, const char *path, struct page *p, char **cause)
{
	char *id;
	int rc;

	if (strcmp(path, "/") == 0) {
		set_body(p, html_type, index_body(d, d->feed_url ? d->feed_url : ""), d->started);
		return 0;
	}
	if (strcmp(path, "/plan") == 0) {
		json_t *plan;

		plan = view_plan(&d->cal, &d->rings, ym_year(ym_of_time(time(NULL))));
		set_body(p, html_type, page_plan(plan), d->started);
		json_decref(plan);
		return 0;
	}
	if (strcmp(path, "/healthz") == 0) {
		set_body(p, text_type, xstrdup("ok\n"), d->started);
		return 0;
	}
	if (strcmp(path, "/calendar.ics") == 0)
		return build_feed(d, p, FEED_ALL, NULL, cause);
	if ((id = path_id(path, "/os/")) != NULL) {
		rc = caldata_find_os(&d->cal, id) ? build_feed(d, p, FEED_OS, id, cause) : 1;
		free(id);
		return rc;
	}
	if ((id = path_id(path, "/rings/")) != NULL) {
		rc = ringset_find(&d->rings, id) ? build_feed(d, p, FEED_RING, id, cause) : 1;
		free(id);
		return rc;
	}
	return 1;
}

const struct page *
site_get(struct daemon *d, const char *path, char **cause)
{
	struct site *s = d->site;
	ym_t month = ym_of_time(time(NULL));
	struct page fresh = { 0 };
	size_t i;

	if (s == NULL)
		s = d->site = xcalloc(1, sizeof(*s));
	if (!strindex_get(&s->by_path, path, &i))
		i = s->n;
	if (i < s->n && s->page[i].generation == d->generation && s->month[i] == month)
		return &s->page[i];
	if (build(d, path, &fresh, cause) != 0) {
		page_clear(&fresh);
		return NULL;
	}
	fresh.generation = d->generation;
	if (i == s->n) {
		s->page = xreallocarray(s->page, s->n + 1, sizeof(*s->page));
		s->month = xreallocarray(s->month, s->n + 1, sizeof(*s->month));
		s->n++;
		fresh.path = xstrdup(path);
		strindex_put(&s->by_path, fresh.path, i);
	} else {
		/* The path string stays: the index points at it. */
		fresh.path = s->page[i].path;
		s->page[i].path = NULL;
		page_clear(&s->page[i]);
	}
	s->page[i] = fresh;
	s->month[i] = month;
	return &s->page[i];
}

char **
site_paths(struct daemon *d)
{
	size_t n = 0, cap = d->cal.nos + d->rings.nring + 4;
	char **v = xcalloc(cap + 1, sizeof(*v));

	v[n++] = xstrdup("/");
	v[n++] = xstrdup("/plan");
	v[n++] = xstrdup("/calendar.ics");
	for (size_t i = 0; i < d->cal.nos; i++)
		v[n++] = xasprintf("/os/%s.ics", d->cal.os[i].id);
	for (size_t i = 0; i < d->rings.nring; i++)
		v[n++] = xasprintf("/rings/%s.ics", d->rings.ring[i].id);
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

char *
site_static_index(struct daemon *d)
{
	return index_body(d, "");
}

void
site_free(struct daemon *d)
{
	struct site *s = d->site;

	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		page_clear(&s->page[i]);
	free(s->page);
	free(s->month);
	strindex_free(&s->by_path);
	free(s);
	d->site = NULL;
}
