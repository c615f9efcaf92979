/*
 * cmd_import.c: import cvrf, the months of an MSRC CVRF document.  The
 * client sends the document reduced (cvrf_reduce); cvrf_read reads it
 * against the running calendar, and each OS's month is shown with what it
 * changes: new, the same as published, different (recorded at run time; it
 * wins over the file's answer, which stays as a conflict), or kept because
 * an admin published that month by hand (never overwritten by an import).
 * A real import is one store change with one audit row; importing the same
 * document again changes nothing.
 */
#include "commands.h"
#include "cvrf.h"
#include "daemon.h"
#include "proto.h"
#include "publish.h"
#include "store.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"

#include <stdlib.h>
#include <string.h>

/* What an import does with one pick; CVRF_* first, then the import's own. */
enum pick_change { PICK_NEW = CVRF_NEW, PICK_SAME = CVRF_SAME, PICK_DIFFERS = CVRF_DIFFERS,
	PICK_KEPT };

static const char *const change_name[] = {
	[PICK_NEW] = "new",
	[PICK_SAME] = "same",
	[PICK_DIFFERS] = "differs",
	[PICK_KEPT] = "kept",
};

/* A different answer over a month an admin published by hand is kept, never replaced. */
static enum pick_change
pick_change(const struct cvrf_pick *p, const struct release **was)
{
	enum cvrf_change c = cvrf_change_of(p, was);

	if (c == CVRF_DIFFERS && (*was)->runtime && (*was)->origin != NULL &&
	    strcmp((*was)->origin, PUBLISH_ORIGIN_CTL) == 0)
		return PICK_KEPT;
	return (enum pick_change)c;
}

static json_t *
pick_json(const struct cvrf_pick *p)
{
	const struct release *was;
	enum pick_change c = pick_change(p, &was);
	char m[8];

	return json_pack("{s:s,s:s,s:s,s:b,s:o,s:o,s:s,s:s,s:o}", "os", p->os->id, "month",
	    ym_format(p->rel.month, m), "kind", kind_name(p->rel.kind), "unplanned",
	    p->rel.unplanned, "kb", view_str_or_null(p->rel.kb), "build",
	    view_str_or_null(p->rel.build), "note", p->rel.note, "change", change_name[c],
	    "was", was == NULL ? json_null() : json_pack("{s:s,s:b,s:o,s:o,s:o}", "kind",
	    kind_name(was->kind), "unplanned", was->unplanned, "kb",
	    view_str_or_null(was->kb), "build", view_str_or_null(was->build), "by",
	    view_str_or_null(was->runtime ? was->who : NULL)));
}

/*
 * Record the new and different picks at run time, in one store change with
 * one audit row whose args summarise the import (the request line holds the
 * whole document).  Returns 0, or -1 with *cause and nothing changed.
 */
static int
record(struct daemon *d, const struct cvrf_result *res, const char *name, size_t len,
    const struct actor *a0, char **cause)
{
	struct actor a = *a0;
	const struct release *was;
	char *origin = xasprintf("cvrf %s", res->id), *args = NULL;
	size_t n = 0;
	int rc = store_change_begin(d->store, cause);

	for (size_t i = 0; rc == 0 && i < res->npick; i++) {
		const struct cvrf_pick *p = &res->pick[i];
		enum pick_change c = pick_change(p, &was);

		if (c != PICK_NEW && c != PICK_DIFFERS)
			continue;
		rc = store_publish_put(d->store, p->os->id, &p->rel, a.who, a.at, origin, cause);
		n++;
	}
	args = xasprintf("%s (%zu bytes, document %s): %zu of %zu months recorded",
	    name != NULL ? name : "FILE.json", len, res->id, rc == 0 ? n : 0, res->npick);
	a.args = args;
	if (store_change_end(d->store, rc < 0 ? -1 : 0, &a, a.command, cause) < 0)
		rc = -1;
	free(args);
	free(origin);
	return rc;
}

static json_t *
import_json(const struct cvrf_result *res, const char *file, bool dry_run)
{
	json_t *months = json_array(), *warn = json_array();
	char m[8];

	for (size_t i = 0; i < res->npick; i++)
		json_array_append_new(months, pick_json(&res->pick[i]));
	for (size_t i = 0; i < res->nwarn; i++)
		json_array_append_new(warn, json_string(res->warn[i]));
	return json_pack("{s:s,s:o,s:s,s:o,s:s,s:b,s:I,s:I,s:o,s:o}", "action", "import cvrf",
	    "file", view_str_or_null(file), "document", res->id, "title",
	    view_str_or_null(res->title), "month", ym_format(res->month, m), "dry_run",
	    dry_run, "products", (json_int_t)res->nproducts, "unknown",
	    (json_int_t)res->nunknown, "months", months, "warnings", warn);
}

void
cmd_import_cvrf(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct cvrf_result res = { 0 };
	char *name, *text, *cause = NULL;
	int len;

	if ((len = import_arg(rq->arg[0], &name, &text)) < 0) {
		reply_error(r, PROTO_BAD_REQUEST, "import cvrf: the file content is not valid "
		    "base64 (hotpatchctl sends FILE.json encoded)");
		return;
	}
	if (cvrf_read(text, (size_t)len, &d->cal, request_now(rq), &res, &cause) < 0) {
		reply_error(r, PROTO_INVALID, "%s: %s; nothing imported",
		    name != NULL ? name : "FILE.json", cause);
	} else if (rq->dry_run) {
		r->data = import_json(&res, name, true);
	} else {
		/* The reply says what each month was before the import changed it. */
		json_t *before = import_json(&res, name, false);
		struct actor a;
		char *who = peer_name(p);

		actor_init(&a, rq, p, line, who);
		if (record(d, &res, name, (size_t)len, &a, &cause) < 0 ||
		    daemon_refresh(d, &cause) < 0) {
			reply_error(r, PROTO_INTERNAL, "import cvrf: %s; nothing imported", cause);
			json_decref(before);
		} else {
			r->data = before;
		}
		free(who);
	}
	cvrf_result_free(&res);
	free(cause);
	free(name);
	free(text);
}

/* "hotpatch KB5130002 26100.9580", "baseline (unplanned) KB5125001", of a month object. */
static char *
month_words(const json_t *m)
{
	json_t *u = json_object_get(m, "unplanned");

	return xasprintf("%s%s %s%s%s", view_text(m, "kind"), json_is_true(u) ?
	    " (unplanned)" : "", json_is_string(json_object_get(m, "kb")) ? view_text(m, "kb") :
	    "no KB", json_is_string(json_object_get(m, "build")) ? " " : "",
	    json_is_string(json_object_get(m, "build")) ? view_text(m, "build") : "");
}

static void
render_month(struct textbuf *s, const json_t *m)
{
	const char *change = view_text(m, "change");
	char *now = month_words(m), *was;

	textbuf_printf(s, "  %-12s %s  %s: ", view_text(m, "os"), view_text(m, "month"), now);
	if (strcmp(change, "new") == 0) {
		textbuf_printf(s, "new\n");
	} else if (strcmp(change, "same") == 0) {
		textbuf_printf(s, "already published\n");
	} else if (strcmp(change, "kept") == 0) {
		was = month_words(json_object_get(m, "was"));
		textbuf_printf(s, "kept: %s published it by hand as %s (publish clear %s %s, then "
		    "import again, to take this)\n", view_text(json_object_get(m, "was"), "by"),
		    was, view_text(m, "os"), view_text(m, "month"));
		free(was);
	} else {
		was = month_words(json_object_get(m, "was"));
		textbuf_printf(s, "REPLACES the published %s\n", was);
		free(was);
	}
	free(now);
}

char *
render_import_cvrf(const json_t *j, struct layout *lo)
{
	const json_t *months = json_object_get(j, "months"), *warn = json_object_get(j, "warnings");
	const json_t *e;
	struct textbuf s = { 0 };
	size_t i;

	textbuf_printf(&s, "MSRC CVRF %s%s%s%s, month %s: %zu OSes; %lld products, %lld not in "
	    "any msrc_products (ignored)%s\n", view_text(j, "document"),
	    json_is_string(json_object_get(j, "title")) ? " (" : "",
	    json_is_string(json_object_get(j, "title")) ? view_text(j, "title") : "",
	    json_is_string(json_object_get(j, "title")) ? ")" : "", view_text(j, "month"),
	    json_array_size(months), (long long)json_integer_value(json_object_get(j, "products")),
	    (long long)json_integer_value(json_object_get(j, "unknown")),
	    json_is_true(json_object_get(j, "dry_run")) ? "; dry run, nothing changed" :
	    "; imported");
	json_array_foreach(months, i, e)
		render_month(&s, e);
	if (json_array_size(warn) > 0)
		textbuf_printf(&s, "warnings:\n");
	json_array_foreach(warn, i, e)
		textbuf_printf(&s, "  %s\n", json_string_value(e));
	return s.s;
}
