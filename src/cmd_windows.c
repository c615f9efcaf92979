/*
 * cmd_windows.c: the install-window commands: windows (one ring, month by
 * month) and plan (every ring over a range of months, the 12 from now by
 * default).  The handlers ask the engine in windows.c and answer in JSON
 * (views.c); render_plan.c makes the text.
 */
#include "commands.h"
#include "daemon.h"
#include "planrange.h"
#include "proto.h"
#include "rings.h"
#include "table.h"
#include "textbuf.h"
#include "util.h"
#include "views.h"
#include "windows.h"

#include <stdlib.h>
#include <string.h>

#define WIN_DEFAULT_MONTHS	12

/* ---- small helpers ---- */

bool
select_ring(struct daemon *d, const struct request *rq, const struct ring **g,
    const struct os_def **os, struct reply *r)
{
	struct textbuf list = { 0 };

	*os = NULL;
	if (!lookup_ring(d, rq->ring, g, r))
		return false;
	if (rq->os == NULL)
		return true;
	if (ring_has_os(*g, rq->os) && (*os = caldata_find_os(&d->cal, rq->os)) != NULL)
		return true;
	for (size_t i = 0; i < (*g)->nos; i++)
		textbuf_printf(&list, "%s%s", i ? ", " : "", (*g)->os[i]);
	reply_error(r, PROTO_NOT_FOUND, "OS '%s' is not in ring '%s' (its OSes: %s)", rq->os,
	    (*g)->id, list.s ? list.s : "none");
	free(list.s);
	return false;
}

/* ---- building answers ---- */

void
cmd_windows(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	const struct ring *g;
	const struct os_def *only;
	struct walk *walks;
	json_t *rows;
	ym_t from = rq->from != NULL ? rq->from_month : ym_of_time(request_now(rq));
	int months = rq->months > 0 ? rq->months : WIN_DEFAULT_MONTHS;

	if (!select_ring(d, rq, &g, &only, r))
		return;
	if (ym_year(from + months - 1) > HP_YEAR_MAX) {
		char m[8];

		reply_error(r, PROTO_BAD_REQUEST, "%d months from %s run past %d-12", months,
		    ym_format(from, m), HP_YEAR_MAX);
		return;
	}
	rows = json_array();
	walks = xcalloc(g->nos, sizeof(*walks));
	for (size_t i = 0; i < g->nos; i++) {
		const struct os_def *os = caldata_find_os(&d->cal, g->os[i]);

		if (os != NULL)
			walk_start(&walks[i], &d->cal, &d->rings, g, os, from);
	}
	/* Month by month, and within a month one row per OS of the ring. */
	for (ym_t m = from; m < from + months; m++) {
		for (size_t i = 0; i < g->nos; i++) {
			struct install in;

			if (walks[i].os == NULL || (only != NULL && walks[i].os != only))
				continue;
			walk_month(&walks[i], &in);
			json_array_append_new(rows, view_install(g, &in));
		}
	}
	free(walks);
	r->data = json_pack("{s:s,s:s,s:o}", "ring", g->id, "timezone", g->timezone,
	    "windows", rows);
}

/* ---- plan ---- */

/* The months a plan request names: --year, else --from and --months with their defaults. */
static struct plan_range
requested_range(const struct request *rq)
{
	struct plan_range r = plan_range_default(ym_of_time(request_now(rq)));

	if (rq->year != 0)
		return plan_range_year(rq->year);
	if (rq->from != NULL)
		r.from = rq->from_month;
	if (rq->months > 0)
		r.months = rq->months;
	return r;
}

void
cmd_plan(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	struct plan_range range = requested_range(rq);
	char *why = plan_range_check(&range);

	(void)p;
	(void)line;
	if (why != NULL) {
		reply_error(r, PROTO_BAD_REQUEST, "%s", why);
		free(why);
		return;
	}
	if (!need_devices(d, r))
		return;
	r->data = view_plan_range(&d->cal, &d->rings, &range, rq->at_risk);
	view_plan_devices(r->data, &d->inv, &d->cal, &d->rings, &range,
	    ym_of_time(request_now(rq)));
}
