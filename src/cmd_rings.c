/* cmd_rings.c: rings and ring show: settings, eligibility with its reason, windows, blackouts. */
#include "commands.h"
#include "daemon.h"
#include "proto.h"
#include "rings.h"
#include "table.h"
#include "util.h"
#include "views.h"
#include "windows.h"

#include <stdlib.h>
#include <string.h>

static int
jint(const json_t *o, const char *key)
{
	return (int)json_integer_value(json_object_get(o, key));
}

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
		json_array_append_new(list, view_ring(&d->cal, &d->rings.ring[i], year_now(rq)));
	r->data = json_pack("{s:o}", "rings", list);
}

/* "yes", or "no" with the reasons, for every OS of the ring. */
static char *
eligibility_text(const json_t *el)
{
	size_t i, yes = 0;
	json_t *e;
	char *s = NULL;

	json_array_foreach(el, i, e)
		yes += json_is_true(json_object_get(e, "eligible"));
	if (yes == json_array_size(el))
		return xstrdup("yes");
	json_array_foreach(el, i, e)
		if (!json_is_true(json_object_get(e, "eligible")))
			strappend(&s, "%sno for %s: %s", s ? "; " : "", json_text(e, "os"),
			    json_text(e, "reason"));
	return s;
}

/* Each OS's restart total, "4" or "4,7" in the order of the OS column. */
static char *
restart_totals(const json_t *rs, char *buf, size_t len)
{
	size_t i, n = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(json_object_get(rs, "os"), i, e)
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%d", i ? "," : "", jint(e, "total"));
	return buf;
}

char *
render_rings(const json_t *j)
{
	struct table *t = table_new(9);
	const json_t *rings = json_object_get(j, "rings");
	size_t i, k;
	json_t *g, *o;
	char *s, head[32] = "RESTARTS";

	if (json_array_size(rings) > 0)
		snprintf(head, sizeof(head), "RESTARTS %d",
		    jint(json_object_get(json_array_get(rings, 0), "restarts"), "year"));
	table_row(t, "RING", "OS", "DEFER", "DEADLINE", "GRACE", "TIMEZONE", head, "HOTPATCH", "NAME");
	json_array_foreach(rings, i, g) {
		char os[256] = "", n[3][12], rs[64];
		char *el = eligibility_text(json_object_get(g, "eligibility"));
		size_t len = 0;

		json_array_foreach(json_object_get(g, "os"), k, o)
			len += (size_t)snprintf(os + len, len < sizeof(os) ? sizeof(os) - len : 0,
			    "%s%s", k ? "," : "", json_string_value(o));
		snprintf(n[0], sizeof(n[0]), "%dd", jint(g, "deferral_days"));
		snprintf(n[1], sizeof(n[1]), "%dd", jint(g, "deadline_days"));
		snprintf(n[2], sizeof(n[2]), "%dd", jint(g, "grace_days"));
		table_row(t, json_text(g, "ring"), os, n[0], n[1], n[2], json_text(g, "timezone"),
		    restart_totals(json_object_get(g, "restarts"), rs, sizeof(rs)), el,
		    json_text(g, "name"));
		free(el);
	}
	s = table_render(t);
	table_free(t);
	return s;
}

void
cmd_ring_show(struct daemon *d, const struct request *rq, const struct peer *p,
    const char *line, struct reply *r)
{
	const struct ring *g = ringset_find(&d->rings, rq->arg[0]);
	json_t *o, *win, *bo;
	char buf[96], from[11], to[11];

	if (g == NULL) {
		reply_error(r, PROTO_NOT_FOUND, "unknown ring '%s' (see hotpatchctl rings)", rq->arg[0]);
		return;
	}
	win = json_array();
	bo = json_array();
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
		json_array_append_new(bo, json_pack("{s:s,s:s,s:s,s:b}", "name", b->name,
		    "from", ymd_format(b->from, from), "to", ymd_format(b->to, to),
		    "global", b->ring == NULL));
	}
	o = view_ring(&d->cal, g, year_now(rq));
	json_object_update_new(o, json_pack("{s:s,s:b,s:b,s:b,s:o,s:o,s:o,s:s,s:i}",
	    "arch", arch_name(g->arch), "vbs", g->vbs, "chpe_disabled", g->chpe_disabled,
	    "licensed", g->licensed,
	    "reminder_min", g->reminder_min >= 0 ? json_integer(g->reminder_min) : json_null(),
	    "windows", win, "blackouts", bo, "file", g->file ? g->file : "", "line", g->line));
	r->data = o;
}

char *
render_ring_show(const json_t *j)
{
	struct table *t = table_new(2);
	size_t i;
	json_t *e;
	char *s, buf[512];

	snprintf(buf, sizeof(buf), "%s (%s)", json_text(j, "ring"), json_text(j, "name"));
	table_row(t, "ring", buf);
	snprintf(buf, sizeof(buf), "%s:%d", json_text(j, "file"), jint(j, "line"));
	table_row(t, "defined at", buf);
	snprintf(buf, sizeof(buf), "deferral %dd, deadline %dd, grace %dd", jint(j, "deferral_days"),
	    jint(j, "deadline_days"), jint(j, "grace_days"));
	table_row(t, "quality updates", buf);
	table_row(t, "time zone", json_text(j, "timezone"));
	snprintf(buf, sizeof(buf), "%s%s, VBS %s, licence %s", json_text(j, "arch"),
	    strcmp(json_text(j, "arch"), "arm64") != 0 ? "" :
	    json_is_true(json_object_get(j, "chpe_disabled")) ? " (CHPE disabled)" : " (CHPE enabled)",
	    json_is_true(json_object_get(j, "vbs")) ? "running" : "off",
	    json_is_true(json_object_get(j, "licensed")) ? "includes hotpatch" : "without hotpatch");
	table_row(t, "devices", buf);
	table_row(t, "hotpatch", json_is_true(json_object_get(j, "hotpatch")) ? "on" : "off");
	json_array_foreach(json_object_get(j, "eligibility"), i, e) {
		snprintf(buf, sizeof(buf), "%s: %s%s%s", json_text(e, "os"),
		    json_is_true(json_object_get(e, "eligible")) ? "eligible (hotpatch months need no restart)" :
		    "not eligible, LCU with restart every month: ",
		    json_is_true(json_object_get(e, "eligible")) ? "" : json_text(e, "reason"), "");
		table_row(t, i == 0 ? "eligibility" : "", buf);
	}
	json_array_foreach(json_object_get(json_object_get(j, "restarts"), "os"), i, e) {
		char head[32];

		snprintf(head, sizeof(head), "restarts in %d",
		    jint(json_object_get(j, "restarts"), "year"));
		snprintf(buf, sizeof(buf), "%s: %d (%d baselines, %d unplanned, %d LCU months, "
		    "%d out-of-band)", json_text(e, "os"), jint(e, "total"), jint(e, "baseline"),
		    jint(e, "unplanned"), jint(e, "lcu"), jint(e, "oob"));
		table_row(t, i == 0 ? head : "", buf);
	}
	json_array_foreach(json_object_get(j, "windows"), i, e)
		table_row(t, i == 0 ? "windows" : "", json_text(e, "text"));
	if (json_array_size(json_object_get(j, "windows")) == 0)
		table_row(t, "windows", "none");
	json_array_foreach(json_object_get(j, "blackouts"), i, e) {
		snprintf(buf, sizeof(buf), "%s .. %s  %s%s", json_text(e, "from"), json_text(e, "to"),
		    json_text(e, "name"), json_is_true(json_object_get(e, "global")) ? " (all rings)" : "");
		table_row(t, i == 0 ? "blackouts" : "", buf);
	}
	if (json_is_integer(json_object_get(j, "reminder_min"))) {
		snprintf(buf, sizeof(buf), "%d minutes before each window", jint(j, "reminder_min"));
		table_row(t, "reminder", buf);
	}
	s = table_render(t);
	table_free(t);
	return s;
}
