/*
 * state.c: the state across months (doc/rules.md, "State across months").
 * A ring's devices are on the latest baseline or not; that decides whether
 * a hotpatch month brings the hotpatch, a catch-up or an LCU.  Pure: the
 * timing of each month comes from win_month, the rules live here.
 */
#include "rings.h"
#include "windows.h"

#include <string.h>

/* A baseline or LCU month settles the state; older months cannot change it. */
#define SETTLE_BACK	24

static const char *const install_names[] = {
	[INS_HOTPATCH] = "hotpatch",
	[INS_BASELINE] = "baseline",
	[INS_CATCHUP] = "catch-up",
	[INS_LCU] = "lcu",
};

static const char *const state_names[] = {
	[ST_ON] = "on",
	[ST_MISSED] = "missed",
	[ST_OFF] = "off",
};

const char *
install_kind_name(enum install_kind k)
{
	return (unsigned)k < sizeof(install_names) / sizeof(install_names[0]) ?
	    install_names[k] : "?";
}

const char *
hp_state_name(enum hp_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : "?";
}

/* The upgrade of r onto os in month, or NULL. */
static const struct upgrade *
upgrade_in(const struct ring *r, const struct os_def *os, ym_t month)
{
	for (size_t i = 0; i < r->nupg; i++)
		if (r->upg[i].month == month && strcmp(r->upg[i].to, os->id) == 0)
			return &r->upg[i];
	return NULL;
}

/* The month whose release an out-of-band date follows: before Patch Tuesday, the last one. */
static ym_t
oob_month(const struct oob *o)
{
	ym_t m = ym_make(o->date.y, o->date.m);

	return o->date.d < cal_patch_tuesday(m) ? m - 1 : m;
}

/* An offered out-of-band LCU after month's release that takes devices off hotpatch, or NULL. */
static const struct oob *
oob_leaving(const struct os_def *os, ym_t month)
{
	for (size_t i = 0; i < os->noob; i++) {
		const struct oob *o = &os->oob[i];

		if (o->leaves_hotpatch && o->delivery == DELIVERY_AUTOMATIC &&
		    oob_month(o) == month)
			return o;
	}
	return NULL;
}

static void
set_state(struct walk *w, enum hp_state st, enum cause why, ym_t month)
{
	w->state = st;
	w->cause = why;
	w->cause_month = month;
	w->upgrade = NULL;	/* the caller names the event that goes with why */
	w->oob = NULL;
	w->pause = NULL;
}

/* A baseline month that went by without the baseline going in. */
static void
missed(struct walk *w, const struct install *in)
{
	set_state(w, ST_MISSED, in->skipped ? CAUSE_PAUSED : CAUSE_SUPERSEDED, in->month);
	w->pause = in->skipped ? in->pause : NULL;
}

/* The install of a month the ring takes as LCUs (not eligible, not enabled, an LCU month). */
static void
lcu_month(struct walk *w, struct install *in, enum cause why, bool installed)
{
	in->install = INS_LCU;
	in->cause = in->mi.kind == KIND_LCU && why == CAUSE_BEFORE_START ? CAUSE_NONE : why;
	if (!installed && in->mi.kind == KIND_BASELINE)
		missed(w, in);
	if (!installed)
		return;
	/* A baseline is its month's LCU: installing it puts the device on the baseline. */
	if (in->mi.kind == KIND_BASELINE)
		set_state(w, ST_ON, CAUSE_NONE, in->month);
	else
		set_state(w, ST_OFF, why, in->month);
}

/* The install of a hotpatch month by an eligible, enabled ring. */
static void
hotpatch_month(struct walk *w, struct install *in, bool installed)
{
	const struct upgrade *u = upgrade_in(w->r, w->os, in->month);

	if (u != NULL) {
		/* A feature update in a hotpatch month: standard LCUs until the next baseline. */
		in->install = INS_LCU;
		in->cause = CAUSE_UPGRADE;
		in->upgrade = u;
		in->cause_month = in->month;
		if (installed) {
			set_state(w, ST_OFF, CAUSE_UPGRADE, in->month);
			w->upgrade = u;
		}
		return;
	}
	in->install = w->state == ST_ON ? INS_HOTPATCH : w->state == ST_MISSED ? INS_CATCHUP : INS_LCU;
	if (w->state == ST_OFF && w->cause != CAUSE_UPGRADE && w->cause != CAUSE_OOB)
		w->cause = CAUSE_ENROLLED;	/* enabled (or made eligible) after a non-baseline LCU */
	if (w->state != ST_ON) {
		in->cause = w->cause;
		in->cause_month = w->cause_month;
		in->upgrade = w->upgrade;
		in->oob = w->oob;
		in->cause_pause = w->pause;
	}
	if (installed && w->state == ST_MISSED)
		set_state(w, ST_ON, CAUSE_NONE, in->month);
}

/* The install of a baseline month by an eligible, enabled ring. */
static void
baseline_month(struct walk *w, struct install *in, bool installed)
{
	in->install = INS_BASELINE;
	if (installed) {
		set_state(w, ST_ON, CAUSE_NONE, in->month);
		return;
	}
	missed(w, in);
	in->cause = w->cause;
	in->cause_month = in->month;
	in->cause_pause = w->pause;
}

/* Kind, restart and restart deadline follow from the install. */
static void
finish(struct install *in, bool installed)
{
	in->kind = in->install == INS_HOTPATCH ? KIND_HOTPATCH :
	    in->install == INS_LCU ? KIND_LCU : KIND_BASELINE;
	in->restart = installed && in->install != INS_HOTPATCH;
	if (!in->restart)
		in->restart_deadline = 0;
}

bool
win_installed(const struct install *in)
{
	/* Skipped by a pause or superseded before any window or deadline: nothing went in. */
	return !in->skipped && (in->status != WS_NONE || in->forced_at != 0);
}

void
walk_month(struct walk *w, struct install *in)
{
	const char *why;
	bool installed;
	const struct oob *o;
	struct month_info mi;

	/* The month before gave this one's OS month, unless the walk was moved. */
	if (!w->have_mi || w->mi.month != w->next)
		cal_month(w->c, w->os, w->next, &w->mi);
	mi = w->mi;
	win_month_ring(&w->wr, w->c, w->os, &mi, in, &w->mi);
	w->have_mi = true;
	w->next++;
	in->state_before = w->state;
	installed = win_installed(in);
	if (w->dev != NULL) {
		in->eligible = w->dev->eligible;
		in->not_eligible = w->dev->eligible ? NULL : w->dev->not_eligible;
	} else {
		in->eligible = ring_eligible(w->r, w->os, &in->not_eligible);
	}
	if (w->os->never_hotpatch)
		lcu_month(w, in, CAUSE_NEVER, installed);
	else if (in->mi.kind == KIND_LCU)
		lcu_month(w, in, CAUSE_BEFORE_START, installed);
	else if (!in->eligible)
		lcu_month(w, in, w->r->hotpatch ? CAUSE_NOT_ELIGIBLE : CAUSE_DISABLED, installed);
	else if (!ring_enabled(w->r, w->os, in->month, &why))
		lcu_month(w, in, CAUSE_NOT_YET, installed);
	else if (in->mi.kind == KIND_BASELINE)
		baseline_month(w, in, installed);
	else
		hotpatch_month(w, in, installed);
	if (in->eligible && (o = oob_leaving(w->os, in->month)) != NULL) {
		set_state(w, ST_OFF, CAUSE_OOB, in->month);
		w->oob = o;
	}
	in->state = w->state;
	finish(in, installed);
	if (in->restart)
		in->restart_in = win_freeze_ring(&w->wr, in->restart_deadline);
}

/* The latest month before first that settles the state: a baseline or an LCU month. */
static ym_t
settling_month(const struct caldata *c, const struct os_def *os, ym_t first)
{
	for (ym_t m = first - 1; m >= first - SETTLE_BACK; m--) {
		struct month_info mi;

		cal_month(c, os, m, &mi);
		if (mi.kind != KIND_HOTPATCH)
			return m;
	}
	return first;	/* none in reach: assume the ring starts on the baseline */
}

static void
walk_init(struct walk *w, const struct caldata *c, const struct ringset *rs,
    const struct ring *r, const struct os_def *os, const struct walk_device *d)
{
	memset(w, 0, sizeof(*w));
	w->c = c;
	w->rs = rs;
	w->r = r;
	w->os = os;
	w->dev = d;
	w->state = ST_ON;
	win_ring_init(&w->wr, rs, r);
}

/* Walk from the month that settles the state up to first. */
static void
walk_back(struct walk *w, ym_t first)
{
	struct install in;

	w->next = settling_month(w->c, w->os, first);
	while (w->next < first)
		walk_month(w, &in);
}

void
walk_start(struct walk *w, const struct caldata *c, const struct ringset *rs,
    const struct ring *r, const struct os_def *os, ym_t first)
{
	walk_init(w, c, rs, r, os, NULL);
	walk_back(w, first);
}

void
walk_start_device(struct walk *w, const struct caldata *c, const struct ringset *rs,
    const struct ring *r, const struct os_def *os, ym_t first, const struct walk_device *d)
{
	walk_init(w, c, rs, r, os, d);
	if (!d->state_known) {
		walk_back(w, first);
		return;
	}
	w->next = first;
	if (d->state == ST_MISSED)
		set_state(w, ST_MISSED, CAUSE_BUILD, d->cause_month);
}

void
win_install(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, ym_t month, struct install *out)
{
	struct walk w;

	walk_start(&w, c, rs, r, os, month);
	walk_month(&w, out);
}

/* The restart count an install adds to, or NULL when it adds none. */
static int *
restart_cause(struct restarts *out, const struct os_def *os, const struct install *in)
{
	if (!in->restart)
		return NULL;
	switch (in->install) {
	case INS_BASELINE:
		return os->baseline_months & (1u << ym_month(in->month)) ?
		    &out->baseline : &out->unplanned;
	case INS_CATCHUP:
		return &out->catchup;
	case INS_LCU:
		return in->cause == CAUSE_ENROLLED || in->cause == CAUSE_UPGRADE ||
		    in->cause == CAUSE_OOB ? &out->offbase : &out->lcu;
	case INS_HOTPATCH:
		break;
	}
	return NULL;
}

void
win_restarts_add(struct restarts *out, const struct os_def *os, const struct install *in)
{
	int *k = restart_cause(out, os, in);

	if (k != NULL)
		(*k)++;
}

void
win_restarts_end(const struct ringset *rs, const struct ring *r, const struct os_def *os,
    ym_t first, int n, struct restarts *out)
{
	for (size_t i = 0; i < os->noob; i++) {
		struct oob_install oi;
		ym_t m = ym_make(os->oob[i].date.y, os->oob[i].date.m);

		if (m < first || m >= first + n || !os->oob[i].restart)
			continue;
		win_oob(rs, r, os, &os->oob[i], &oi);
		out->oob += oi.offered;
	}
	out->total = out->baseline + out->unplanned + out->lcu + out->catchup + out->offbase +
	    out->oob;
}

void
win_restarts_range(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, ym_t first, int n, struct restarts *out)
{
	struct walk w;

	memset(out, 0, sizeof(*out));
	walk_start(&w, c, rs, r, os, first);
	for (int i = 0; i < n; i++) {
		struct install in;

		walk_month(&w, &in);
		win_restarts_add(out, os, &in);
	}
	win_restarts_end(rs, r, os, first, n, out);
}

void
win_restarts(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, int year, struct restarts *out)
{
	win_restarts_range(c, rs, r, os, ym_make(year, 1), 12, out);
}
