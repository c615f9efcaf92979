/*
 * cmd_admin.c: the commands that change data (override set/clear, reload)
 * and override list.  Permission was checked before these run; each change
 * is one store transaction with its audit row.
 */
#include "calendar.h"
#include "commands.h"
#include "textbuf.h"
#include "views.h"
#include "daemon.h"
#include "diag.h"
#include "log.h"
#include "proto.h"
#include "store.h"
#include "table.h"
#include "util.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

static json_t *
kind_source(const struct month_info *mi)
{
	return json_pack("{s:s,s:s}", "kind", kind_name(mi->kind), "source",
	    source_name(mi->source));
}

void
cmd_override_set(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct month_info before, after;
	struct override o = { 0 };
	const struct os_def *os;
	struct actor a;
	char *who, *cause = NULL;

	if (!lookup_os(d, rq->arg[0], &os, r))
		return;
	o.month = rq->month;
	cal_month(&d->cal, os, o.month, &before);
	if (before.source == SRC_PUBLISHED) {
		reply_error(r, PROTO_CONFLICT, "%s %s is published as %s; an override would "
		    "never apply (published months win)", os->id, rq->arg[1], kind_name(before.kind));
		return;
	}
	if (os->never_hotpatch) {
		reply_error(r, PROTO_CONFLICT, "%s never gets hotpatch: every month is an LCU, "
		    "so an override means nothing", os->id);
		return;
	}
	/* Before it there were no hotpatches nor baselines for this OS, only LCUs. */
	if (o.month < os->hotpatch_start) {
		char start[8];

		reply_error(r, PROTO_CONFLICT, "%s %s is before the OS's hotpatch_start %s: "
		    "every month before it is a plain LCU, so an override there means nothing",
		    os->id, rq->arg[1], ym_format(os->hotpatch_start, start));
		return;
	}
	o.kind = rq->kind;
	o.os = (char *)os->id;
	o.reason = (char *)rq->reason;
	who = peer_name(p);
	actor_init(&a, rq, p, line, who);
	if (store_override_set(d->store, &o, &a, &cause) < 0 ||
	    daemon_refresh_os(d, rq->arg[0], &cause) < 0) {
		reply_error(r, PROTO_INTERNAL, "%s", cause);
	} else {
		cal_month(&d->cal, caldata_find_os(&d->cal, rq->arg[0]), o.month, &after);
		/* Kept (it holds the kind should the pattern change), but the reply says so. */
		r->data = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:b}", "action", "set",
		    "os", rq->arg[0], "month", rq->arg[1], "before", kind_source(&before),
		    "after", kind_source(&after), "reason", rq->reason, "who", who,
		    "at", view_instant(a.at), "noop", before.kind == after.kind);
	}
	free(cause);
	free(who);
}

/* The override of an OS that left the calendar: its model has no month to compute. */
static void
clear_detached(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	ym_t month = rq->month;
	const struct override *o = cal_find_override(&d->detached_cal, rq->arg[0], month);
	json_t *was = json_pack("{s:s,s:s}", "kind", kind_name(o->kind), "source",
	    "detached");
	struct actor a;
	char *who = peer_name(p), *cause = NULL;
	int gone;

	actor_init(&a, rq, p, line, who);
	if ((gone = store_override_clear(d->store, rq->arg[0], month, &a, &cause)) < 0 ||
	    daemon_refresh(d, &cause) < 0) {
		reply_error(r, PROTO_INTERNAL, "%s", cause);
		json_decref(was);
	} else if (gone == 0) {
		reply_error(r, PROTO_NOT_FOUND, "no run-time override for %s %s", rq->arg[0],
		    rq->arg[1]);
		json_decref(was);
	} else {
		r->data = json_pack("{s:s,s:s,s:s,s:o,s:{s:s,s:s},s:s,s:s,s:o}", "action", "clear",
		    "os", rq->arg[0], "month", rq->arg[1], "before", was, "after", "kind", "none",
		    "source", "detached", "reason", "", "who", who, "at", view_instant(a.at));
	}
	free(cause);
	free(who);
}

/*
 * Take back the run-time override of os (the request's string: a refresh
 * frees the model's) for month and re-import the files, which brings back
 * a shipped override the run-time one replaced, and whatever else changed
 * in the files since they were read.  If the import changed no row, only
 * this OS's months changed: the pages that read no other stand (at 10,000
 * rings, 2,000 feeds are built again instead of all).
 */
static int
clear_and_reimport(struct daemon *d, const char *os, ym_t month, const struct actor *a,
    char **cause)
{
	long before;

	if (daemon_file_model(d, cause) < 0 ||
	    store_override_clear(d->store, os, month, a, cause) < 0)
		return -1;
	before = store_total_changes(d->store);
	if (store_import(d->store, &d->file_cal, &d->file_rings, NULL, cause) < 0)
		return -1;
	if (store_total_changes(d->store) == before)
		return daemon_refresh_os(d, os, cause);
	return daemon_refresh(d, cause);
}

void
cmd_override_clear(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct month_info before, after;
	const struct os_def *os;
	struct actor a;
	char *who, *cause = NULL;
	ym_t month = rq->month;

	if (caldata_find_os(&d->cal, rq->arg[0]) == NULL &&
	    cal_find_override(&d->detached_cal, rq->arg[0], month) != NULL) {
		clear_detached(d, rq, p, line, r);
		return;
	}
	if (!lookup_os(d, rq->arg[0], &os, r))
		return;
	cal_month(&d->cal, os, month, &before);
	if (before.ovr == NULL || !before.ovr->runtime) {
		reply_error(r, before.ovr ? PROTO_CONFLICT : PROTO_NOT_FOUND,
		    before.ovr ? "the override of %s %s is shipped in the calendar file; "
		    "change the file and reload" : "no run-time override for %s %s",
		    os->id, rq->arg[1]);
		return;
	}
	who = peer_name(p);
	actor_init(&a, rq, p, line, who);
	if (clear_and_reimport(d, rq->arg[0], month, &a, &cause) < 0) {
		reply_error(r, PROTO_INTERNAL, "%s", cause);
	} else {
		cal_month(&d->cal, caldata_find_os(&d->cal, rq->arg[0]), month, &after);
		r->data = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o}", "action", "clear",
		    "os", rq->arg[0], "month", rq->arg[1], "before", kind_source(&before),
		    "after", kind_source(&after), "reason", "", "who", who,
		    "at", view_instant(a.at));
	}
	free(cause);
	free(who);
}

char *
render_override_change(const json_t *j, struct layout *lo)
{
	const json_t *b = json_object_get(j, "before"), *a = json_object_get(j, "after");

	return xasprintf("override %s: %s %s: %s (%s) -> %s (%s), by %s\n%s", view_text(j, "action"),
	    view_text(j, "os"), view_text(j, "month"), view_text(b, "kind"), view_text(b, "source"),
	    view_text(a, "kind"), view_text(a, "source"), view_text(j, "who"),
	    json_is_true(json_object_get(j, "noop")) ? "note: no change, the month already "
	    "had this kind; the override is kept and holds it should the calendar change\n" :
	    "");
}

static json_t *
override_json(const struct override *o, bool in_effect, bool detached)
{
	char m[8];

	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:b,s:b}",
	    "os", o->os, "month", ym_format(o->month, m), "kind", kind_name(o->kind),
	    "origin", o->runtime ? "runtime" : "shipped", "reason", o->reason,
	    "who", o->who ? o->who : "", "at", o->at ? view_instant(o->at) : json_null(),
	    "in_effect", in_effect, "detached", detached);
}

static bool
has_detached_os(const struct daemon *d, const char *os)
{
	for (size_t i = 0; i < d->detached_cal.novr; i++)
		if (strcmp(d->detached_cal.ovr[i].os, os) == 0)
			return true;
	return false;
}

void
cmd_override_list(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	const struct os_def *only;
	json_t *list;

	if ((rq->os == NULL || !has_detached_os(d, rq->os)) && !lookup_os(d, rq->os, &only, r))
		return;
	list = json_array();
	for (size_t i = 0; i < d->cal.novr; i++) {
		const struct override *o = &d->cal.ovr[i];
		const struct os_def *os = caldata_find_os(&d->cal, o->os);
		struct month_info mi;

		if (rq->os != NULL && strcmp(rq->os, o->os) != 0)
			continue;
		cal_month(&d->cal, os, o->month, &mi);
		json_array_append_new(list, override_json(o, mi.source == SRC_OVERRIDE, false));
	}
	for (size_t i = 0; i < d->detached_cal.novr; i++) {
		const struct override *o = &d->detached_cal.ovr[i];

		if (rq->os == NULL || strcmp(rq->os, o->os) == 0)
			json_array_append_new(list, override_json(o, false, true));
	}
	r->data = json_pack("{s:o}", "overrides", list);
}

char *
render_override_list(const json_t *j, struct layout *lo)
{
	static const struct table_col cols[] = {
		{ "OS", 0, TF_KEEP, 0, 0 },
		{ "MONTH", 0, TF_KEEP, 0, 0 },
		{ "KIND", 0, TF_KEEP, 0, 0 },
		{ "ORIGIN", 4, TF_CUT, 8, 0 },
		{ "BY", 2, TF_CUT, 8, 0 },
		{ "AT", 3, TF_KEEP, 0, 0 },
		{ "REASON", 1, TF_CUT, 8, 0 },
	};
	const json_t *list = json_object_get(j, "overrides"), *o;
	struct table *t;
	size_t i;
	char *s;

	if (json_array_size(list) == 0)
		return xstrdup("no overrides\n");
	t = table_new_cols(cols, (int)ARRAY_LEN(cols));
	json_array_foreach(list, i, o)
		table_row(t, view_text(o, "os"), view_text(o, "month"), view_text(o, "kind"),
		    json_is_true(json_object_get(o, "detached")) ? "runtime, detached: OS gone" :
		    view_text(o, "origin"), view_text(o, "who"), view_text(o, "at"),
		    view_text(o, "reason"));
	s = table_layout(t, lo);
	table_free(t);
	return s;
}

/* The detached run-time items, for the reload reply. */
static json_t *
detached_json(const struct daemon *d)
{
	json_t *list = json_array();
	char m[8];

	for (size_t i = 0; i < d->detached_cal.novr; i++) {
		const struct override *o = &d->detached_cal.ovr[i];

		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "type", "override",
		    "os", o->os, "month", ym_format(o->month, m), "kind", kind_name(o->kind)));
	}
	for (size_t i = 0; i < d->detached_rings.nbo; i++) {
		const struct blackout *b = &d->detached_rings.bo[i];

		json_array_append_new(list, json_pack("{s:s,s:I,s:s,s:s}", "type", "blackout",
		    "id", (json_int_t)b->id, "name", b->name, "ring", b->ring));
	}
	return list;
}

/*
 * A refused or failed reload changed nothing; its audit row is written on its
 * own, and if that fails too the reply says so (a successful reload writes
 * its row in the import's transaction).
 */
static void
reload_refused(struct daemon *d, const struct actor *a, struct diags *dg, const char *why,
    struct reply *r)
{
	json_t *errs = json_array();
	char *first, *result, *cause = NULL;

	for (size_t i = 0; i < dg->n; i++) {
		struct diags one = { .v = &dg->v[i], .n = 1 };
		char *e = diags_first(&one);
		json_array_append_new(errs, json_string(e));
		free(e);
	}
	first = dg->n ? diags_first(dg) : xstrdup(why ? why : "reload failed");
	result = dg->n ? xstrdup("refused: the files have errors") :
	    xasprintf("failed: %s", first);
	if (store_audit(d->store, a, result, &cause) < 0) {
		log_warn("reload: the audit row was not written: %s", cause);
		reply_error(r, dg->n ? PROTO_INVALID : PROTO_INTERNAL, "%s%s; and its audit row "
		    "could not be written: %s", first, dg->n ?
		    "; the running configuration is kept" : "", cause);
	} else
		reply_error(r, dg->n ? PROTO_INVALID : PROTO_INTERNAL, "%s%s", first,
		    dg->n ? "; the running configuration is kept" : "");
	r->data = json_pack("{s:o}", "errors", errs);
	free(result);
	free(first);
	free(cause);
}

void
cmd_reload(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct diags dg = { 0 };
	struct actor a;
	char *who = peer_name(p), *cause = NULL;
	unsigned gen = d->generation;

	actor_init(&a, rq, p, line, who);
	if (daemon_reload(d, &a, &dg, &cause) < 0)
		reload_refused(d, &a, &dg, cause, r);
	else
		r->data = json_pack("{s:i,s:i,s:i,s:b,s:o}", "os", (int)d->cal.nos,
		    "rings", (int)d->rings.nring, "blackouts", (int)d->rings.nbo,
		    "changed", d->generation != gen, "detached", detached_json(d));
	diags_free(&dg);
	free(cause);
	free(who);
}

char *
render_reload(const json_t *j, struct layout *lo)
{
	const json_t *errs = json_object_get(j, "errors"), *e;
	struct textbuf s = { 0 };
	size_t i;

	if (errs != NULL) {
		json_array_foreach(errs, i, e)
			textbuf_printf(&s, "%s\n", json_string_value(e));
		return s.s ? s.s : xstrdup("");
	}
	textbuf_printf(&s, "reloaded: %d OSes, %d rings, %d blackouts\n",
	    (int)json_integer_value(json_object_get(j, "os")),
	    (int)json_integer_value(json_object_get(j, "rings")),
	    (int)json_integer_value(json_object_get(j, "blackouts")));
	errs = json_object_get(j, "detached");
	if (json_array_size(errs) > 0)
		textbuf_printf(&s, "detached (kept, not planned until their OS or ring is back; "
		    "override clear / blackout remove deletes them):\n");
	json_array_foreach(errs, i, e) {
		if (strcmp(view_text(e, "type"), "override") == 0)
			textbuf_printf(&s, "  override %s %s %s: OS %s is not in the calendar\n",
			    view_text(e, "os"), view_text(e, "month"), view_text(e, "kind"),
			    view_text(e, "os"));
		else
			textbuf_printf(&s, "  blackout #%lld '%s': ring %s is not in the ring files\n",
			    (long long)json_integer_value(json_object_get(e, "id")),
			    view_text(e, "name"), view_text(e, "ring"));
	}
	return s.s;
}
