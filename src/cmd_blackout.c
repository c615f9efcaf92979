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
#include "table.h"
#include "util.h"

#include <libical/ical.h>
#include <pwd.h>
#include <resolv.h>
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

/* id, name, ring, from, to (days, or instants for a timed one), timed, origin. */
static json_t *
blackout_json(const struct blackout *b)
{
	char from[11], to[11];

	return json_pack("{s:I,s:s,s:o,s:o,s:o,s:b,s:s}", "id", (json_int_t)b->id,
	    "name", b->name, "ring", json_str_or_null(b->ring),
	    "from", b->timed ? json_instant(b->start) : json_string(ymd_format(b->from, from)),
	    "to", b->timed ? json_instant(b->end) : json_string(ymd_format(b->to, to)),
	    "timed", b->timed, "origin", b->runtime ? "runtime" : "file");
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
	    .from = rq->from_day, .to = rq->to_day, .runtime = true };
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
		bj = blackout_json(&b);
		r->data = json_pack("{s:s,s:o,s:s,s:o}", "action", "add", "blackout", bj,
		    "who", who, "at", json_instant(a.at));
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
	bj = blackout_json(b);
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
		    "who", who, "at", json_instant(a.at));
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
		o = blackout_json(b);
		file = b->runtime ? NULL : file_origin(d, b);
		json_object_set_new(o, "who", json_str_or_null(b->runtime ? v[i].who : file));
		json_object_set_new(o, "at", b->runtime ? json_instant(v[i].at) : json_null());
		json_object_set_new(o, "detached", json_boolean(v[i].detached));
		json_array_append_new(list, o);
		free(file);
	}
	store_blackout_recs_free(v, n);
	r->data = json_pack("{s:o}", "blackouts", list);
}

/* now - 12 months .. now + 24 months, by libical's calendar. */
static void
import_horizon(time_t now, time_t *from, time_t *to)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	struct icaltimetype t = icaltime_from_timet_with_zone(now, 0, utc), u = t;

	t.month -= 12;
	u.month += 24;
	*from = icaltime_as_timet_with_zone(icaltime_normalize(t), utc);
	*to = icaltime_as_timet_with_zone(icaltime_normalize(u), utc);
}

/*
 * The import's argument: "[NAME:]BASE64", the file's base name (for
 * messages; base64 has no ':') and its content.  Returns the decoded length
 * with *text (allocated, NUL-terminated) and *name (allocated or NULL), or -1.
 */
static int
import_arg(const char *arg, char **name, char **text)
{
	const char *colon = strrchr(arg, ':'), *b64 = colon != NULL ? colon + 1 : arg;
	size_t cap = strlen(b64) / 4 * 3 + 3;
	int n;

	*name = colon != NULL && colon > arg ? xasprintf("%.*s", (int)(colon - arg), arg) : NULL;
	*text = xmalloc(cap + 1);
	if ((n = b64_pton(b64, (unsigned char *)*text, cap)) < 0) {
		free(*name);
		free(*text);
		*name = *text = NULL;
		return -1;
	}
	(*text)[n] = '\0';
	return n;
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
		json_array_append_new(a, blackout_json(&d->rings.bo[i]));
	return a;
}

/*
 * The events whose COUNT or UNTIL reaches past the horizon's end (to):
 * {name, imported, count, after} or {name, imported, until}.
 */
static json_t *
cuts_json(const struct ics_cut *c, size_t n)
{
	json_t *a = json_array(), *o;
	char day[11];

	for (size_t i = 0; i < n; i++) {
		o = json_pack("{s:s,s:I}", "name", c[i].name, "imported",
		    (json_int_t)c[i].imported);
		if (c[i].count > 0) {
			json_object_set_new(o, "count", json_integer(c[i].count));
			json_object_set_new(o, "after", json_integer(c[i].after));
		} else {
			json_object_set_new(o, "until", json_string(ymd_format(c[i].until, day)));
		}
		json_array_append_new(a, o);
	}
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
			    "action", "import", "file", json_str_or_null(name), "ring",
			    json_str_or_null(rq->ring), "count", (json_int_t)n, "first",
			    imported_json(d, n), "horizon", "from", day_text(from, day[0]),
			    "to", day_text(to, day[1]), "cut", cuts_json(cuts, ncuts),
			    "who", who, "at", json_instant(a.at));
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

/* "2026-12-21" or "2026-12-24 18:00Z" from a JSON from/to value. */
static const char *
bound_text(const json_t *o, const char *key, char *buf, size_t size)
{
	const char *s = json_text(o, key);

	if (strlen(s) == 20 && s[10] == 'T') {
		snprintf(buf, size, "%.10s %.5sZ", s, s + 11);
		return buf;
	}
	return s;
}

/* "#7 'year-end freeze' 2026-12-21..2027-01-03 (all rings)" */
static void
blackout_line(char **s, const json_t *b)
{
	const json_t *ring = json_object_get(b, "ring");
	char f[32], t[32];

	strappend(s, "#%lld '%s' %s..%s (%s%s)", (long long)json_integer_value(
	    json_object_get(b, "id")), json_text(b, "name"), bound_text(b, "from", f, sizeof(f)),
	    bound_text(b, "to", t, sizeof(t)), json_is_string(ring) ? "ring " : "all rings",
	    json_is_string(ring) ? json_string_value(ring) : "");
}

/*
 * "event 'X': 2 of its 3 occurrences imported; 1 falls after the horizon's
 * end 2028-12-05", one line for each event cut by the horizon.
 */
static void
cut_lines(char **s, const json_t *j)
{
	const json_t *cut = json_object_get(j, "cut"), *c;
	const char *end = json_text(json_object_get(j, "horizon"), "to");
	long long got, count, after;
	size_t i;

	json_array_foreach(cut, i, c) {
		got = json_integer_value(json_object_get(c, "imported"));
		if (json_object_get(c, "count") == NULL) {
			strappend(s, "  note: event '%s': %lld occurrence%s imported; its UNTIL "
			    "%s is after the horizon's end %s, later ones are not imported\n",
			    json_text(c, "name"), got, got == 1 ? "" : "s", json_text(c, "until"),
			    end);
			continue;
		}
		count = json_integer_value(json_object_get(c, "count"));
		after = json_integer_value(json_object_get(c, "after"));
		strappend(s, "  note: event '%s': %lld of its %lld occurrences imported; %lld "
		    "fall%s after the horizon's end %s\n", json_text(c, "name"), got, count,
		    after, after == 1 ? "s" : "", end);
	}
}

char *
render_blackout_change(const json_t *j)
{
	const char *action = json_text(j, "action");
	const json_t *list = json_object_get(j, "first"), *ring, *b;
	char *s = NULL;
	size_t i, count;

	if (strcmp(action, "import") != 0) {
		strappend(&s, "blackout %s: ", strcmp(action, "add") == 0 ? "added" : "removed");
		blackout_line(&s, json_object_get(j, "blackout"));
		strappend(&s, ", by %s\n", json_text(j, "who"));
		return s;
	}
	ring = json_object_get(j, "ring");
	count = (size_t)json_integer_value(json_object_get(j, "count"));
	strappend(&s, "imported %zu blackout%s from %s (%s%s), by %s\n", count,
	    count == 1 ? "" : "s", json_text(j, "file"), json_is_string(ring) ? "ring " :
	    "all rings", json_is_string(ring) ? json_string_value(ring) : "",
	    json_text(j, "who"));
	json_array_foreach(list, i, b) {
		strappend(&s, "  ");
		blackout_line(&s, b);
		strappend(&s, "\n");
	}
	if (count > json_array_size(list))
		strappend(&s, "  ... and %zu more (see hotpatchctl blackout list)\n",
		    count - json_array_size(list));
	cut_lines(&s, j);
	return s;
}

char *
render_blackout_list(const json_t *j)
{
	const json_t *list = json_object_get(j, "blackouts"), *b, *ring;
	struct table *t;
	char id[24], f[32], to[32], at[32], *origin, *s;
	size_t i;

	if (json_array_size(list) == 0)
		return xstrdup("no blackouts\n");
	t = table_new(6);
	table_row(t, "ID", "RING", "FROM", "TO", "NAME", "ORIGIN");
	json_array_foreach(list, i, b) {
		ring = json_object_get(b, "ring");
		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(
		    json_object_get(b, "id")));
		if (strcmp(json_text(b, "origin"), "runtime") == 0)
			origin = xasprintf("runtime by %s at %s%s", json_text(b, "who"),
			    bound_text(b, "at", at, sizeof(at)),
			    json_is_true(json_object_get(b, "detached")) ?
			    ", detached: ring gone" : "");
		else
			origin = xstrdup(json_text(b, "who"));
		table_row(t, id, json_is_string(ring) ? json_string_value(ring) : "all",
		    bound_text(b, "from", f, sizeof(f)), bound_text(b, "to", to, sizeof(to)),
		    json_text(b, "name"), origin);
		free(origin);
	}
	s = table_render(t);
	table_free(t);
	return s;
}
