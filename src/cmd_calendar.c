/*
 * cmd_calendar.c: the read-only calendar commands: status, os list, calendar,
 * month, next (with --ring, its install part comes from views.c).
 * Handlers answer in JSON (views.c); render.c makes text of that JSON.
 */
#include "calendar.h"
#include "commands.h"
#include "config.h"
#include "daemon.h"
#include "proto.h"
#include "rings.h"
#include "store.h"
#include "util.h"
#include "views.h"

#include <stdlib.h>
#include <string.h>

/* ---- building answers ---- */

static size_t
published_runtime(const struct caldata *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nos; i++)
		for (size_t k = 0; k < c->os[i].nrel; k++)
			n += c->os[i].rel[k].runtime;
	return n;
}

void
cmd_status(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	time_t now = time(NULL);
	size_t runtime = 0;

	for (size_t i = 0; i < d->cal.novr; i++)
		runtime += d->cal.ovr[i].runtime;
	r->data = json_pack("{s:s,s:i,s:o,s:I,s:s,s:i,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,"
	    "s:I,s:i,s:s?}",
	    "version", PACKAGE_VERSION, "protocol", PROTO_VERSION,
	    "started_at", view_instant(d->started), "uptime", (json_int_t)(now - d->started),
	    "database", d->cfg.database, "schema", store_schema_version(d->store),
	    "socket", d->cfg.socket_path, "calendar", d->cfg.calendar,
	    "schedules", d->cfg.schedules, "os", (int)d->cal.nos,
	    "published", (int)caldata_count_published(&d->cal), "overrides", (int)d->cal.novr,
	    "runtime_overrides", (int)runtime, "rings", (int)d->rings.nring,
	    "blackouts", (int)d->rings.nbo, "requests", (json_int_t)d->requests,
	    "clients", d->clients, "feed_url", d->feed_url);
	/* The address in the site's links, when configured; else each request's Host. */
	json_object_set_new(r->data, "public_url", d->cfg.public_url != NULL ?
	    json_string(d->cfg.public_url) : json_null());
	/* Run-time items whose OS or ring left the files (daemon.h). */
	json_object_set_new(r->data, "detached_overrides", json_integer((json_int_t)d->detached_cal.novr));
	json_object_set_new(r->data, "detached_blackouts", json_integer((json_int_t)d->detached_rings.nbo));
	/* Run-time published answers, and those the calendar file contradicts (publish.h). */
	json_object_set_new(r->data, "published_runtime", json_integer((json_int_t)published_runtime(&d->cal)));
	json_object_set_new(r->data, "conflicts", view_conflicts(&d->cal, NULL));
	/* For monitoring: past months still without a published answer (--at moves "now"). */
	json_object_set_new(r->data, "stale", view_stale(&d->cal, NULL, request_now(rq)));
}

void
cmd_os_list(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	ym_t now = ym_of_time(request_now(rq));
	json_t *list = json_array();

	for (size_t i = 0; i < d->cal.nos; i++) {
		const struct os_def *os = &d->cal.os[i];
		json_t *arch = json_array(), *months = json_array();
		char m[8];

		for (enum arch a = ARCH_X64; a <= ARCH_ARM64; a <<= 1)
			if (os->arch & a)
				json_array_append_new(arch, json_string(arch_name(a)));
		for (int b = 1; b <= 12; b++)
			if (os->baseline_months & (1u << b))
				json_array_append_new(months, json_integer(b));
		/* A never-hotpatch OS has no start: null, and "hotpatch" says why. */
		json_array_append_new(list, json_pack("{s:s,s:s,s:o,s:s,s:o,s:o,s:o,s:i,s:o}",
		    "os", os->id, "name", os->name, "arch", arch,
		    "hotpatch", os->never_hotpatch ? "never" : "calendar",
		    "hotpatch_start", os->never_hotpatch ? json_null() :
		    json_string(ym_format(os->hotpatch_start, m)),
		    "min_build", os->min_build ? json_string(os->min_build) : json_null(),
		    "baseline_months", months, "published", (int)os->nrel,
		    "current", view_month(&d->cal, os, now)));
	}
	r->data = json_pack("{s:o}", "os", list);
}

void
cmd_calendar(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	int year = rq->year ? rq->year : ym_year(ym_of_time(request_now(rq)));
	json_t *months, *oob;
	const struct os_def *only;

	if (!lookup_os(d, rq->os, &only, r))
		return;
	months = json_array();
	oob = json_array();
	for (size_t i = 0; i < d->cal.nos; i++) {
		const struct os_def *os = &d->cal.os[i];

		if (only != NULL && os != only)
			continue;
		for (int m = 1; m <= 12; m++)
			json_array_append_new(months, view_month(&d->cal, os, ym_make(year, m)));
		for (size_t k = 0; k < os->noob; k++)
			if (os->oob[k].date.y == year)
				json_array_append_new(oob, view_oob(os, &os->oob[k]));
	}
	r->data = json_pack("{s:i,s:o,s:o,s:o,s:o}", "year", year, "os", view_str_or_null(rq->os),
	    "months", months, "out_of_band", oob,
	    "stale", view_stale(&d->cal, only, request_now(rq)));
}

void
cmd_month(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	json_t *rows;
	const struct os_def *only;

	if (!lookup_os(d, rq->os, &only, r))
		return;
	rows = json_array();
	for (size_t i = 0; i < d->cal.nos; i++)
		if (only == NULL || &d->cal.os[i] == only)
			json_array_append_new(rows, view_month(&d->cal, &d->cal.os[i], rq->month));
	r->data = json_pack("{s:s,s:o,s:o}", "month", rq->arg[0], "os", rows,
	    "stale", view_stale(&d->cal, only, request_now(rq)));
}

void
cmd_next(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	time_t now = request_now(rq);
	json_t *rows;
	const struct os_def *only;
	const struct ring *g = NULL;

	/* With --ring, --os must be one of the ring's OSes; without it, any OS. */
	if (rq->ring != NULL ? !select_ring(d, rq, &g, &only, r) : !lookup_os(d, rq->os, &only, r))
		return;
	rows = json_array();
	for (size_t i = 0; i < d->cal.nos; i++) {
		const struct os_def *os = &d->cal.os[i];
		struct month_info mi;
		ym_t m = ym_of_time(now) - 1;	/* a published date may fall late in a month */

		if ((only != NULL && os != only) || (g != NULL && !ring_has_os(g, os->id)))
			continue;
		do
			cal_month(&d->cal, os, m++, &mi);
		while (mi.release_at <= now);
		json_array_append_new(rows, view_month(&d->cal, os, mi.month));
	}
	r->data = json_pack("{s:o,s:o}", "now", view_instant(now), "releases", rows);
	if (g != NULL)
		json_object_update_new(r->data, json_pack("{s:s,s:s,s:o}", "ring", g->id,
		    "timezone", g->timezone,
		    "windows", view_next_windows(&d->cal, &d->rings, g, only, now)));
}
