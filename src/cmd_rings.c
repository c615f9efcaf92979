/* cmd_rings.c: rings and ring show: settings, eligibility with its reason, windows, blackouts. */
#include "commands.h"
#include "recur.h"
#include "daemon.h"
#include "proto.h"
#include "rings.h"
#include "util.h"
#include "views.h"
#include "windows.h"

#include <stdlib.h>
#include <string.h>

/* Restarts are counted for the calendar year of "now" (or --at). */
static int
year_now(const struct request *rq)
{
	return ym_year(ym_of_time(request_now(rq)));
}

void
cmd_rings(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	json_t *list = json_array();

	for (size_t i = 0; i < d->rings.nring; i++)
		json_array_append_new(list, view_ring(&d->cal, &d->rings, &d->rings.ring[i],
		    year_now(rq)));
	r->data = json_pack("{s:o}", "rings", list);
}

void
cmd_ring_show(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	const struct ring *g;
	json_t *o, *win, *bo, *upg;
	char buf[96], from[11], to[11], month[8];

	if (!lookup_ring(d, rq->arg[0], &g, r))
		return;
	win = json_array();
	bo = json_array();
	upg = json_array();
	for (size_t i = 0; i < g->nwin; i++) {
		const struct mwindow *w = &g->win[i];
		json_array_append_new(win, json_pack("{s:s,s:s,s:o,s:o,s:i,s:i}",
		    "type", w->type == WIN_WEEKLY ? "weekly" : "offset",
		    "text", window_describe(w, buf, sizeof(buf)),
		    "days", w->type == WIN_WEEKLY ? json_integer(w->days) : json_null(),
		    "offset_days", w->type == WIN_OFFSET ? json_integer(w->offset_days) : json_null(),
		    "start_min", w->start_min, "duration_min", w->duration_min));
	}
	for (size_t i = 0; i < d->rings.nbo; i++) {
		const struct blackout *b = &d->rings.bo[i];
		if (b->ring != NULL && strcmp(b->ring, g->id) != 0)
			continue;
		json_t *v = view_blackout(b);

		/* ring show's shape: days, and for a timed one the UTC days it touches. */
		json_object_set_new(v, "from", json_string(recur_every_year(b) ?
		    ymd_format(b->from, from) + 5 : ymd_format(b->from, from)));
		json_object_set_new(v, "to", json_string(recur_every_year(b) ?
		    ymd_format(b->to, to) + 5 : ymd_format(b->to, to)));
		json_object_set_new(v, "global", json_boolean(b->ring == NULL));
		json_array_append_new(bo, v);
	}
	for (size_t i = 0; i < g->nupg; i++)
		json_array_append_new(upg, json_pack("{s:s,s:s,s:s}", "from", g->upg[i].from,
		    "to", g->upg[i].to, "month", ym_format(g->upg[i].month, month)));
	o = view_ring(&d->cal, &d->rings, g, year_now(rq));
	json_object_update_new(o, json_pack("{s:b,s:o,s:b,s:o}", "hotpatch_set", g->hotpatch_set,
	    "hotpatch_since", g->hotpatch_since != 0 ?
	    json_string(ym_format(g->hotpatch_since, month)) : json_null(),
	    "expedite", g->expedite, "upgrades", upg));
	json_object_update_new(o, json_pack("{s:s,s:b,s:b,s:b,s:o,s:o,s:o,s:s,s:i}",
	    "arch", arch_name(g->arch), "vbs", g->vbs, "chpe_disabled", g->chpe_disabled,
	    "licensed", g->licensed,
	    "reminder_min", g->reminder_min >= 0 ? json_integer(g->reminder_min) : json_null(),
	    "windows", win, "blackouts", bo, "file", g->file ? g->file : "", "line", g->line));
	r->data = o;
}
