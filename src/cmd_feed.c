/*
 * cmd_feed.c: feed and export.  Both read the same route table and cached
 * documents the HTTP server sends, so a feed printed here is byte for byte
 * the one a calendar client downloads.
 */
#include "commands.h"
#include "views.h"
#include "daemon.h"
#include "proto.h"
#include "site.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void
cmd_feed(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	enum route_each each = rq->os != NULL ? EACH_OS : rq->ring != NULL ? EACH_RING : EACH_NONE;
	char *path, *cause = NULL;
	const struct page *pg;
	const struct os_def *os;
	const struct ring *g;

	if (!lookup_os(d, rq->os, &os, r) || !lookup_ring(d, rq->ring, &g, r))
		return;
	path = site_route_path(site_feed_route(each), rq->os != NULL ? rq->os : rq->ring);
	if ((pg = site_get(d, path, &cause)) == NULL) {
		reply_error(r, PROTO_INTERNAL, "%s", cause != NULL ? cause : "no such page");
	} else {
		r->data = json_pack("{s:s,s:s,s:s,s:o,s:s%}", "path", pg->path, "type", pg->type,
		    "etag", pg->etag, "modified", view_instant(pg->modified), "body", pg->body,
		    pg->len);
	}
	free(cause);
	free(path);
}

char *
render_feed(const json_t *j, struct layout *lo)
{
	/* An iCalendar feed is for programs even on a terminal: never rewrapped. */
	lo->verbatim = true;
	return xstrdup(view_text(j, "body"));
}

static void
add_file(void *files, const char *name, const char *body, size_t len)
{
	json_array_append_new(files, json_pack("{s:s,s:s%}", "file", name, "content", body, len));
}

void
cmd_export(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	json_t *files = json_array();
	char *cause = NULL;

	if (site_export(d, add_file, files, &cause) < 0) {
		reply_error(r, PROTO_INTERNAL, "%s", cause);
		json_decref(files);
		free(cause);
		return;
	}
	r->data = json_pack("{s:o}", "files", files);
}

char *
render_export(const json_t *j, struct layout *lo)
{
	return xasprintf("%zu files (use hotpatchctl export --dir DIR to write them)\n",
	    json_array_size(json_object_get(j, "files")));
}
