/*
 * cmd_blackout.c: blackout add, remove, list and import.  Permission for the
 * changes was checked before these run; each change is one store
 * transaction with its audit row, then the model is read back.
 */
#include "blackout_ics.h"
#include "commands.h"
#include "daemon.h"
#include "proto.h"
#include "store.h"
#include "util.h"
#include "views.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

/* Blackouts named in the reply to an import; the rest are counted. */
#define IMPORT_SHOWN	5

/* Where a file blackout is defined: its ring's file, or the schedules. */
static char *
file_origin(const struct daemon *d, const struct blackout *b)
{
	const struct ring *g = b->ring != NULL ? ringset_find(&d->rings, b->ring) : NULL;

	if (g != NULL && g->file != NULL)
		return xstrdup(g->file);
	return xasprintf("%s/*.yaml", d->cfg.schedules);
}

/* The blackout id, attached or detached (its ring left the files), or NULL. */
static const struct blackout *
find_blackout(const struct daemon *d, long id)
{
	for (size_t i = 0; i < d->rings.nbo; i++)
		if (d->rings.bo[i].id == id)
			return &d->rings.bo[i];
	for (size_t i = 0; i < d->detached_rings.nbo; i++)
		if (d->detached_rings.bo[i].id == id)
			return &d->detached_rings.bo[i];
	return NULL;
}

/* Some detached blackout names ring. */
static bool
detached_ring(const struct daemon *d, const char *ring)
{
	for (size_t i = 0; i < d->detached_rings.nbo; i++)
		if (strcmp(d->detached_rings.bo[i].ring, ring) == 0)
			return true;
	return false;
}

void
cmd_blackout_add(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct blackout b = { .name = (char *)rq->name, .ring = (char *)rq->ring,
	    .from = rq->from_day, .to = rq->to_day, .runtime = true, .kind = rq->bo_kind };
	const struct ring *g;
	struct actor a;
	char *who, *cause = NULL;
	json_t *bj;

	if (!lookup_ring(d, rq->ring, &g, r))
		return;
	who = peer_name(p);
	actor_init(&a, rq, p, line, who);
	if (store_blackout_add(d->store, &b, &a, &cause) < 0 || daemon_refresh(d, &cause) < 0) {
		reply_error(r, PROTO_INTERNAL, "%s", cause);
	} else {
		bj = view_blackout(&b);
		r->data = json_pack("{s:s,s:o,s:s,s:o}", "action", "add", "blackout", bj,
		    "who", who, "at", view_instant(a.at));
	}
	free(cause);
	free(who);
}

/* blackout remove --import NAME [--ring ID]: every entry of an import. */
static void
remove_import(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct actor a;
	char *who = peer_name(p), *cause = NULL;
	long gone;

	actor_init(&a, rq, p, line, who);
	if ((gone = store_blackout_remove_import(d->store, rq->import, rq->ring, rq->ring == NULL,
	    &a, &cause)) < 0 || daemon_refresh(d, &cause) < 0)
		reply_error(r, PROTO_INTERNAL, "%s", cause);
	else if (gone == 0)
		reply_error(r, PROTO_NOT_FOUND, "no import '%s'%s%s (see hotpatchctl blackout list)",
		    rq->import, rq->ring != NULL ? " for ring " : "", rq->ring != NULL ? rq->ring : "");
	else
		r->data = json_pack("{s:s,s:s,s:o,s:I,s:s,s:o}", "action", "remove", "import",
		    rq->import, "ring", view_str_or_null(rq->ring), "removed", (json_int_t)gone,
		    "who", who, "at", view_instant(a.at));
	free(cause);
	free(who);
}

void
cmd_blackout_remove(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	long id = rq->id;
	const struct blackout *b = find_blackout(d, id);
	struct actor a;
	char *who, *cause = NULL, *file;
	json_t *bj;
	int gone;

	if (rq->import != NULL) {
		remove_import(d, rq, p, line, r);
		return;
	}
	if (b == NULL) {
		reply_error(r, PROTO_NOT_FOUND, "no blackout %ld (see hotpatchctl blackout list)",
		    id);
		return;
	}
	if (!b->runtime) {
		file = file_origin(d, b);
		reply_error(r, PROTO_CONFLICT, "blackout %ld comes from %s; edit the file and "
		    "reload", id, file);
		free(file);
		return;
	}
	/* The model is replaced by the refresh: take what the reply needs first. */
	bj = view_blackout(b);
	who = peer_name(p);
	actor_init(&a, rq, p, line, who);
	if ((gone = store_blackout_remove(d->store, id, &a, &cause)) < 0 ||
	    daemon_refresh(d, &cause) < 0) {
		reply_error(r, PROTO_INTERNAL, "%s", cause);
		json_decref(bj);
	} else if (gone == 0) {
		reply_error(r, PROTO_NOT_FOUND, "no blackout %ld", id);
		json_decref(bj);
	} else {
		r->data = json_pack("{s:s,s:o,s:s,s:o}", "action", "remove", "blackout", bj,
		    "who", who, "at", view_instant(a.at));
	}
	free(cause);
	free(who);
}

void
cmd_blackout_list(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct blackout_rec *v;
	const struct ring *g;
	size_t n;
	char *cause = NULL, *file;
	json_t *list, *o;

	if ((rq->ring == NULL || !detached_ring(d, rq->ring)) && !lookup_ring(d, rq->ring, &g, r))
		return;
	if (store_blackout_list(d->store, &v, &n, &cause) < 0) {
		reply_error(r, PROTO_INTERNAL, "%s", cause);
		free(cause);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct blackout *b = &v[i].b;

		if (rq->ring != NULL && b->ring != NULL && strcmp(b->ring, rq->ring) != 0)
			continue;
		o = view_blackout(b);
		file = b->runtime ? NULL : file_origin(d, b);
		json_object_set_new(o, "who", view_str_or_null(b->runtime ? v[i].who : file));
		json_object_set_new(o, "at", b->runtime ? view_instant(v[i].at) : json_null());
		json_object_set_new(o, "detached", json_boolean(v[i].detached));
		json_array_append_new(list, o);
		free(file);
	}
	store_blackout_recs_free(v, n);
	r->data = json_pack("{s:o}", "blackouts", list);
}

/* The first IMPORT_SHOWN entries of import name for ring, as the refreshed model has them. */
static json_t *
imported_json(const struct daemon *d, const char *name, const char *ring)
{
	json_t *a = json_array();

	for (size_t i = 0; i < d->rings.nbo && json_array_size(a) < IMPORT_SHOWN; i++) {
		const struct blackout *b = &d->rings.bo[i];

		if (b->import != NULL && strcmp(b->import, name) == 0 &&
		    (b->ring == NULL ? ring == NULL : ring != NULL && strcmp(b->ring, ring) == 0))
			json_array_append_new(a, view_blackout(b));
	}
	return a;
}

/*
 * The file of a blackout import: passed as a descriptor (the word is its
 * name), or by hand as the word "[NAME:]BASE64" within a request line.
 * NULL with the reply's error.
 */
static char *
import_file(const struct request *rq, char **name, size_t *len, struct reply *r)
{
	char *text;
	int n;

	if (rq->fd >= 0) {
		*name = xstrdup(rq->arg[0]);
		if (strchr(*name, '/') == NULL && strlen(*name) <= 255)
			return read_passed(rq, *name, ICS_MAX_BYTES, len, r);
		reply_error(r, PROTO_BAD_REQUEST, "the file's name is sent without its directory, "
		    "at most 255 bytes");
		return NULL;
	}
	if ((n = import_arg(rq->arg[0], name, &text)) < 0) {
		reply_error(r, PROTO_BAD_REQUEST, "blackout import: no file came with the request, "
		    "and the word is not NAME:BASE64 (hotpatchctl passes FILE.ics itself)");
		return NULL;
	}
	*len = (size_t)n;
	return text;
}

/* The import's name: --import, else the file's; NULL with the reply's error. */
static const char *
import_name(const struct request *rq, const char *file, struct reply *r)
{
	const char *name = rq->import != NULL ? rq->import : file;

	if (name != NULL && blackout_name_problem(name) == NULL)
		return name;
	reply_error(r, PROTO_BAD_REQUEST, "blackout import: the file's name cannot name the "
	    "import (%s); give one with --import NAME", name == NULL ? "there is none" :
	    blackout_name_problem(name));
	return NULL;
}

/* How many of v[0 .. n) repeat. */
static size_t
count_rules(const struct blackout *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += v[i].rrule != NULL;
	return k;
}

/* Store the entries v of import name and answer with what changed. */
static void
import_store(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *name, const char *file, size_t len, struct blackout *v, size_t n,
    struct reply *r)
{
	struct bo_import_result res;
	struct actor a;
	char *who, *args, *cause = NULL;

	for (size_t i = 0; i < n; i++)
		v[i].import = xstrdup(name);
	/* The request line may hold the whole file: the audit row gets a summary. */
	args = xasprintf("blackout import %s (%zu bytes, %zu entries) --import %s%s%s",
	    file != NULL ? file : "-", len, n, name, rq->ring ? " --ring " : "",
	    rq->ring ? rq->ring : "");
	who = peer_name(p);
	actor_init(&a, rq, p, args, who);
	if (store_blackout_import(d->store, name, rq->ring, v, n, &a, &res, &cause) < 0 ||
	    daemon_refresh(d, &cause) < 0)
		reply_error(r, PROTO_INTERNAL, "%s", cause);
	else
		r->data = json_pack("{s:s,s:o,s:s,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:s,s:o}",
		    "action", "import", "file", view_str_or_null(file), "import", name,
		    "ring", view_str_or_null(rq->ring), "count", (json_int_t)n,
		    "repeating", (json_int_t)count_rules(v, n), "added", (json_int_t)res.added,
		    "updated", (json_int_t)res.updated, "unchanged", (json_int_t)res.unchanged,
		    "removed", (json_int_t)res.removed, "first", imported_json(d, name, rq->ring),
		    "who", who, "at", view_instant(a.at));
	free(cause);
	free(who);
	free(args);
}

void
cmd_blackout_import(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct blackout *v = NULL;
	const struct ring *g;
	const char *name;
	char *file = NULL, *text = NULL, *cause = NULL;
	size_t n = 0, len = 0;

	(void)line;
	if (!lookup_ring(d, rq->ring, &g, r) || (text = import_file(rq, &file, &len, r)) == NULL ||
	    (name = import_name(rq, file, r)) == NULL) {
		free(file);
		free(text);
		return;
	}
	if (ics_import(text, len, rq->ring, &v, &n, &cause) < 0)
		reply_error(r, PROTO_INVALID, "%s: %s; nothing imported",
		    file != NULL ? file : "FILE.ics", cause);
	else
		import_store(d, rq, p, name, file, len, v, n, r);
	for (size_t i = 0; i < n; i++)
		blackout_free(&v[i]);
	free(v);
	free(cause);
	free(file);
	free(text);
}
