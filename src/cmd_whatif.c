/*
 * cmd_whatif.c: plan --what-if FILE|DIR and --set RING.KEY=VALUE, the plan
 * as it would be and what changes against today's.  Read-only and for
 * every reader: the ring files come in the request (hotpatchctl reads
 * them; the daemon opens no path a client names), the what-if ring set is
 * a copy (whatif.c), and nothing is stored.  Both plans come from
 * cmd_plan, whatever range it answers; view_whatif.c compares them.
 */
#include "commands.h"
#include "daemon.h"
#include "proto.h"
#include "util.h"
#include "whatif.h"

#include <stdlib.h>
#include <string.h>

/* The ring files of a request, decoded. */
struct sent {
	struct whatif_file	 f[CMD_WHAT_IF_MAX];
	char			*name[CMD_WHAT_IF_MAX];
	char			*text[CMD_WHAT_IF_MAX];
	size_t			 n;
	char			*dir;	/* "DIR" when the files are a directory's; else NULL */
};

static void
sent_free(struct sent *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->name[i]);
		free(s->text[i]);
	}
	free(s->dir);
}

/*
 * Whether the file names say one directory: every name "DIR/FILE", the same
 * DIR, or none with a '/' (hotpatchctl sends a lone file by its base name).
 */
static bool
one_directory(struct sent *s, struct reply *r)
{
	const char *slash = strrchr(s->name[0], '/');

	if (slash != NULL)
		s->dir = xasprintf("%.*s", (int)(slash - s->name[0]), s->name[0]);
	for (size_t i = 1; i < s->n; i++) {
		const char *sl = strrchr(s->name[i], '/');
		size_t len = sl != NULL ? (size_t)(sl - s->name[i]) : 0;

		if ((sl == NULL) != (s->dir == NULL) || (sl != NULL &&
		    (len != strlen(s->dir) || strncmp(s->name[i], s->dir, len) != 0))) {
			reply_error(r, PROTO_BAD_REQUEST, "--what-if: %s and %s: the files of a "
			    "directory come alone, all from that directory", s->name[0],
			    s->name[i]);
			return false;
		}
	}
	return true;
}

/* Decode each --what-if NAME:BASE64 into s; false with a 400 reply if one is not. */
static bool
decode_files(const struct request *rq, struct sent *s, struct reply *r)
{
	for (int k = 0; k < rq->nwhat_if; k++) {
		int len = import_arg(rq->what_if[k], &s->name[s->n], &s->text[s->n]);

		if (len < 0) {
			reply_error(r, PROTO_BAD_REQUEST, "--what-if: ring file %d is not NAME:BASE64 "
			    "(hotpatchctl reads the file and sends it; the daemon opens no path)",
			    k + 1);
			return false;
		}
		if (s->name[s->n] == NULL)
			s->name[s->n] = xasprintf("what-if-%d.yaml", k + 1);
		s->f[s->n] = (struct whatif_file){ s->name[s->n], s->text[s->n], (size_t)len };
		s->n++;
	}
	return s->n == 0 || one_directory(s, r);
}

/* A what-if with errors gives them as a refused reload does, and no plan. */
static void
refuse(struct reply *r, int code, const struct diags *dg)
{
	json_t *errs = json_array();
	char *first = diags_first(dg);

	for (size_t i = 0; i < dg->n; i++) {
		struct diags one = { .v = &dg->v[i], .n = 1 };
		char *e = diags_first(&one);

		json_array_append_new(errs, json_string(e));
		free(e);
	}
	reply_error(r, code, "%s; no plan", first != NULL ? first : "the what-if has errors");
	r->data = json_pack("{s:o}", "errors", errs);
	free(first);
}

/* {"files", "directory", "set"}: what the plan was asked to assume. */
static json_t *
asked(const struct request *rq, const struct sent *s)
{
	json_t *files = json_array(), *set = json_array();

	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(files, json_string(s->name[i]));
	for (int i = 0; i < rq->nset; i++)
		json_array_append_new(set, json_string(rq->set[i]));
	return json_pack("{s:o,s:o,s:o}", "files", files, "directory",
	    s->dir != NULL ? json_string(s->dir) : json_null(), "set", set);
}

/* The months a plan answers: its first row's, first..first+*n-1; false if it has none. */
static bool
plan_months(const json_t *plan, ym_t *first, int *n)
{
	const json_t *months = json_object_get(json_array_get(json_object_get(plan, "rings"), 0),
	    "months");
	const char *m = json_string_value(json_object_get(json_array_get(months, 0), "month"));

	*n = (int)json_array_size(months);
	return m != NULL && *n > 0 && ym_parse(m, first) == 0;
}

/*
 * The devices a change touches, from the current month on (the builds are
 * today's: a past month is not forecast, as in the plan's own counts);
 * null without an inventory or when the plan's months are past.
 */
static json_t *
devices_touched(struct daemon *d, const struct inventory *inv, const struct ringset *would,
    const json_t *plan, ym_t now)
{
	struct whatif_devices dv;
	ym_t first;
	int n;
	json_t *j;

	if (d->inv.ndev == 0 || !plan_months(plan, &first, &n) || first + n <= now)
		return json_null();
	if (first < now) {
		n -= now - first;
		first = now;
	}
	if (whatif_devices(&d->inv, inv, &d->cal, &d->rings, would, first, n, &dv) < 0)
		return json_null();
	j = view_whatif_devices(&dv, first, n);
	whatif_devices_free(&dv);
	return j;
}

/*
 * The plan on the what-if's rings.  cmd_plan answers from d's calendar,
 * rings and inventory alone, so a copy of d with the what-if's rings (and
 * its devices placed in them when a group changes ring) gets the plan as it
 * would be from the very code that answers plan.
 */
static void
plan_would(struct daemon *d, const struct request *plain, const struct peer *p,
    const char *line, const struct ringset *would, const struct inventory *inv,
    struct reply *r)
{
	struct daemon w = *d;

	w.rings = *would;
	w.inv = *inv;
	cmd_plan(&w, plain, p, line, r);
}

/* Both plans and their diff into r; would is the what-if's ring set. */
static void
answer(struct daemon *d, const struct request *rq, const struct peer *p, const char *line,
    const struct ringset *would, const struct sent *s, struct reply *r)
{
	struct request plain = *rq;
	struct reply today = { .code = PROTO_OK };
	struct inventory placed = { 0 };
	const struct inventory *inv;
	bool moved;
	json_t *diff;

	if (!need_devices(d, r))
		return;
	moved = d->inv.ndev > 0 && !whatif_same_places(&d->rings, would);
	inv = moved ? &placed : &d->inv;
	plain.nwhat_if = plain.nset = 0;
	cmd_plan(d, &plain, p, line, &today);
	if (today.code != PROTO_OK) {
		*r = today;
		return;
	}
	view_whatif_slim(today.data);
	if (moved)
		whatif_place(&d->inv, would, &placed);
	plan_would(d, &plain, p, line, would, inv, r);
	if (r->code == PROTO_OK) {
		diff = view_whatif_diff(today.data, r->data);
		json_object_set_new(diff, "settings", view_whatif_settings(&d->rings, would));
		json_object_set_new(diff, "devices", devices_touched(d, inv, would, r->data,
		    ym_of_time(request_now(rq))));
		json_object_set_new(r->data, "what_if", asked(rq, s));
		json_object_set_new(r->data, "diff", diff);
	}
	free(placed.dev);
	free(today.msg);
	json_decref(today.data);
}

void
cmd_plan_whatif(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct sent s = { 0 };
	struct diags dg = { 0 };
	struct ringset would = { 0 };
	struct whatif w;

	if (rq->nwhat_if == 0 && rq->nset == 0) {
		cmd_plan(d, rq, p, line, r);
		return;
	}
	if (decode_files(rq, &s, r)) {
		w = (struct whatif){ .file = s.f, .nfile = s.n, .dir = s.dir != NULL,
		    .set = rq->set, .nset = (size_t)rq->nset };
		switch (whatif_rings(&d->cal, &d->rings, &d->detached_rings, &w, &would, &dg)) {
		case WHATIF_OK:
			answer(d, rq, p, line, &would, &s, r);
			ringset_free(&would);
			break;
		case WHATIF_INVALID:
			refuse(r, PROTO_INVALID, &dg);
			break;
		case WHATIF_UNKNOWN_RING:
			refuse(r, PROTO_NOT_FOUND, &dg);
			break;
		}
	}
	diags_free(&dg);
	sent_free(&s);
}
