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

#include <libical/ical.h>
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

/* The UTC day of t, "YYYY-MM-DD" in buf (at least 11 bytes). */
static char *
day_text(time_t t, char *buf)
{
	return utc_format(t, UTC_DAY, buf, 11);
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

/* The feeds' default horizon around now, by libical's calendar. */
static void
import_horizon(time_t now, time_t *from, time_t *to)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	struct icaltimetype t = icaltime_from_timet_with_zone(now, 0, utc), u = t;

	t.month -= HP_HORIZON_BACK;
	u.month += HP_HORIZON_AHEAD;
	*from = icaltime_as_timet_with_zone(icaltime_normalize(t), utc);
	*to = icaltime_as_timet_with_zone(icaltime_normalize(u), utc);
}

/*
 * The first IMPORT_SHOWN imported blackouts as the refreshed model has them
 * (with their ids): the daemon is the only writer, so the newest n.
 */
static json_t *
imported_json(const struct daemon *d, size_t n)
{
	json_t *a = json_array();
	size_t first = d->rings.nbo >= n ? d->rings.nbo - n : 0;

	for (size_t i = first; i < d->rings.nbo && i < first + IMPORT_SHOWN; i++)
		json_array_append_new(a, view_blackout(&d->rings.bo[i]));
	return a;
}

void
cmd_blackout_import(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct blackout *v = NULL;
	struct ics_cut *cuts = NULL;
	const struct ring *g;
	struct actor a;
	char *name, *text, *who, *args, *cause = NULL, day[2][11];
	time_t from, to;
	size_t n = 0, ncuts = 0;
	int len;

	if (!lookup_ring(d, rq->ring, &g, r))
		return;
	if ((len = import_arg(rq->arg[0], &name, &text)) < 0) {
		reply_error(r, PROTO_BAD_REQUEST, "blackout import: the file content is not "
		    "valid base64 (hotpatchctl sends FILE.ics encoded)");
		return;
	}
	import_horizon(request_now(rq), &from, &to);
	if (ics_import(text, (size_t)len, rq->ring, from, to, &v, &n, &cuts, &ncuts,
	    &cause) < 0) {
		reply_error(r, PROTO_INVALID, "%s: %s; nothing imported",
		    name != NULL ? name : "FILE.ics", cause);
	} else if (n == 0) {
		reply_error(r, PROTO_INVALID, "%s: nothing to import: every event is cancelled "
		    "or recurs only outside %s..%s", name != NULL ? name : "FILE.ics",
		    day_text(from, day[0]), day_text(to, day[1]));
	} else {
		/* The request line holds the whole file: the audit row gets a summary. */
		args = xasprintf("blackout import %s (%d bytes, %zu blackouts)%s%s",
		    name != NULL ? name : "-", len, n, rq->ring ? " --ring " : "",
		    rq->ring ? rq->ring : "");
		who = peer_name(p);
		actor_init(&a, rq, p, args, who);
		if (store_blackout_add_many(d->store, v, n, &a, &cause) < 0 ||
		    daemon_refresh(d, &cause) < 0)
			reply_error(r, PROTO_INTERNAL, "%s", cause);
		else
			r->data = json_pack("{s:s,s:o,s:o,s:I,s:o,s:{s:s,s:s},s:o,s:s,s:o}",
			    "action", "import", "file", view_str_or_null(name), "ring",
			    view_str_or_null(rq->ring), "count", (json_int_t)n, "first",
			    imported_json(d, n), "horizon", "from", day_text(from, day[0]),
			    "to", day_text(to, day[1]), "cut", view_ics_cuts(cuts, ncuts),
			    "who", who, "at", view_instant(a.at));
		free(who);
		free(args);
	}
	for (size_t i = 0; i < n; i++)
		blackout_free(&v[i]);
	free(v);
	ics_cuts_free(cuts, ncuts);
	free(cause);
	free(name);
	free(text);
}
