/*
 * cmd_feed.c: feed and export.  Both read the same route table and cached
 * documents the HTTP server sends, so a feed printed here is byte for byte
 * the one a calendar client downloads.
 */
#include "commands.h"
#include "exportheld.h"
#include "views.h"
#include "daemon.h"
#include "proto.h"
#include "site.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* Without --stream: every file with its content, in the JSON. */
static void
add_file(void *files, const char *name, const struct page *pg)
{
	json_array_append_new(files, json_pack("{s:s,s:s%}", "file", name, "content", pg->body,
	    pg->len));
}

/*
 * With --stream: the JSON lists each file with its size, ETag and gzip
 * size, and the bytes follow it (doc/protocol.md), sent from the pages
 * themselves: no copy, no JSON string of megabytes to escape and parse.
 * A file (or gzip body) the client holds with the page's tag is marked
 * same and sent without bytes.
 */
struct export_stream {
	json_t		*files;
	struct reply	*r;
	struct held	*held;		/* NULL: the client passed none */
};

/* The client holds name with tag prefix + etag. */
static bool
held_same(const struct held *h, const char *name, const char *prefix, const char *etag)
{
	const char *tag = held_tag(h, name);
	size_t n = strlen(prefix);

	return tag != NULL && strncmp(tag, prefix, n) == 0 && strcmp(tag + n, etag) == 0;
}

static void
stream_file(void *arg, const char *name, const struct page *pg)
{
	struct export_stream *x = arg;
	size_t gzlen = 0;
	const char *gz = site_body_gzip(pg, &gzlen);
	json_t *f = json_pack("{s:s,s:s}", "file", name, "etag", pg->etag);
	char *gzname;

	if (held_same(x->held, name, "", pg->etag)) {
		json_object_set_new(f, "same", json_true());
	} else {
		json_object_set_new(f, "bytes", json_integer((json_int_t)pg->len));
		reply_raw(x->r, pg->body, pg->len, site_body_hold(pg), site_body_release);
	}
	if (gz != NULL) {
		/* the manifest's tag for NAME.gz: "gz" and the page's ETag */
		gzname = xasprintf("%s.gz", name);
		if (held_same(x->held, gzname, "gz", pg->etag)) {
			json_object_set_new(f, "gzip_same", json_true());
		} else {
			json_object_set_new(f, "gzip", json_integer((json_int_t)gzlen));
			reply_raw(x->r, gz, gzlen, site_body_hold(pg), site_body_release);
		}
		free(gzname);
	}
	json_array_append_new(x->files, f);
}

/* The held list passed with rq, into *h; false with the reply's error. */
static bool
read_held(const struct request *rq, struct held *h, struct reply *r)
{
	struct stat st;
	char *text, *why = NULL;
	size_t len;
	int code;

	if (fstat(rq->fd, &st) == 0 && st.st_size > HELD_MAX_BYTES) {
		reply_error(r, PROTO_TOO_LARGE, "the held list is larger than %d bytes",
		    HELD_MAX_BYTES);
		return false;
	}
	if ((text = read_passed(rq, "the held list", HELD_MAX_BYTES, &len, r)) == NULL)
		return false;
	code = held_parse(text, len, h, &why);
	free(text);
	if (code != 0) {
		reply_error(r, code, "%s", why);
		free(why);
		return false;
	}
	return true;
}

void
cmd_export(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct export_stream x = { NULL, r, NULL };
	struct held held;
	char *cause = NULL;
	int rc;

	if (rq->stream && !rq->json) {
		reply_error(r, PROTO_BAD_REQUEST, "--stream goes with --json: its index is JSON");
		return;
	}
	if (rq->fd >= 0) {
		if (!read_held(rq, &held, r))
			return;
		x.held = &held;
	}
	x.files = json_array();
	rc = rq->stream ? site_export(d, true, stream_file, &x, &cause) :
	    site_export(d, false, add_file, x.files, &cause);
	if (x.held != NULL)
		held_free(x.held);
	if (rc < 0) {
		reply_error(r, PROTO_INTERNAL, "%s", cause);
		json_decref(x.files);
		free(cause);
		return;
	}
	r->data = json_pack("{s:o}", "files", x.files);
}

char *
render_export(const json_t *j, struct layout *lo)
{
	return xasprintf("%zu files (use hotpatchctl export --dir DIR to write them)\n",
	    json_array_size(json_object_get(j, "files")));
}
