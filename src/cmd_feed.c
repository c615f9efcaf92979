/*
 * cmd_feed.c: feed and export.  Both read the same cached documents the
 * HTTP server sends, so a feed printed here is byte for byte the one a
 * calendar client downloads.
 */
#include "commands.h"
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
	char *path, *cause = NULL;
	const struct page *pg;
	const struct os_def *os;
	const struct ring *g;

	if (!lookup_os(d, rq->os, &os, r) || !lookup_ring(d, rq->ring, &g, r))
		return;
	if (rq->os != NULL)
		path = xasprintf("/os/%s.ics", rq->os);
	else if (rq->ring != NULL)
		path = xasprintf("/rings/%s.ics", rq->ring);
	else
		path = xstrdup("/calendar.ics");
	if ((pg = site_get(d, path, &cause)) == NULL) {
		reply_error(r, PROTO_INTERNAL, "%s", cause != NULL ? cause : "no such page");
	} else {
		r->data = json_pack("{s:s,s:s,s:s,s:o,s:s%}", "path", pg->path, "type", pg->type,
		    "etag", pg->etag, "modified", json_instant(pg->modified), "body", pg->body,
		    pg->len);
	}
	free(cause);
	free(path);
}

char *
render_feed(const json_t *j)
{
	return xstrdup(json_text(j, "body"));
}

/* "/" -> "index.html", "/plan" -> "plan/index.html", feeds keep their path. */
static char *
file_name(const char *path)
{
	if (strcmp(path, "/") == 0)
		return xstrdup("index.html");
	if (strcmp(path, "/plan") == 0)
		return xstrdup("plan/index.html");
	return xstrdup(path + 1);
}

static void
add_file(json_t *files, const char *name, const char *body, size_t len)
{
	json_array_append_new(files, json_pack("{s:s,s:s%}", "file", name, "content", body, len));
}

void
cmd_export(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	char **paths = site_paths(d), *cause = NULL;
	json_t *files = json_array();

	for (size_t i = 0; paths[i] != NULL && cause == NULL; i++) {
		const struct page *pg;
		char *name = file_name(paths[i]);

		if (strcmp(paths[i], "/") == 0) {
			/* Static copies link relatively: they may live under any prefix. */
			char *body = site_static_index(d);
			add_file(files, name, body, strlen(body));
			free(body);
		} else if ((pg = site_get(d, paths[i], &cause)) != NULL) {
			add_file(files, name, pg->body, pg->len);
		} else if (cause == NULL) {
			cause = xasprintf("%s vanished while exporting", paths[i]);
		}
		free(name);
	}
	site_paths_free(paths);
	if (cause != NULL) {
		reply_error(r, PROTO_INTERNAL, "%s", cause);
		json_decref(files);
		free(cause);
		return;
	}
	r->data = json_pack("{s:o}", "files", files);
}

char *
render_export(const json_t *j)
{
	return xasprintf("%zu files (use hotpatchctl export --dir DIR to write them)\n",
	    json_array_size(json_object_get(j, "files")));
}
