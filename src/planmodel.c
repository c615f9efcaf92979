/*
 * planmodel.c: the plan as rows of cells (see planmodel.h).  One walk per
 * ring and OS across the months, as the engine carries its state; every
 * cell goes into one array, every reason into one text, so a plan of 10,000
 * rings is a few allocations, not a million JSON values.
 */
#include "calendar.h"
#include "planmodel.h"
#include "risk.h"
#include "rings.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The JSON name of each cause (doc/protocol.md); CAUSE_NONE has none. */
static const char *const cause_names[] = {
	[CAUSE_NOT_ELIGIBLE] = "not-eligible",
	[CAUSE_DISABLED] = "disabled",
	[CAUSE_NOT_YET] = "not-yet",
	[CAUSE_BEFORE_START] = "before-start",
	[CAUSE_PAUSED] = "paused",
	[CAUSE_SUPERSEDED] = "superseded",
	[CAUSE_ENROLLED] = "enrolled",
	[CAUSE_UPGRADE] = "upgrade",
	[CAUSE_OOB] = "oob",
	[CAUSE_NEVER] = "never-hotpatch",
	[CAUSE_BUILD] = "build",
};

const char *
plan_cause_name(enum cause c)
{
	return (unsigned)c < ARRAY_LEN(cause_names) ? cause_names[c] : NULL;
}

void
plan_state_of(const struct install *in, struct plan_state *out)
{
	*out = (struct plan_state){ .install = in->install, .state_before = in->state_before,
	    .state = in->state, .cause = in->cause, .cause_month = in->cause_month,
	    .expedited = in->expedited, .skipped = in->skipped, .pause = in->pause,
	    .forced_in = in->forced_in, .restart_in = in->restart_in, .forced_at = in->forced_at };
}

char *
plan_local_instant(const char *tz, time_t t, char *buf, size_t len)
{
	struct localtime lt;
	int off;

	if (t == 0) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	win_to_local(tz, t, &lt);
	off = lt.utc_offset < 0 ? -lt.utc_offset : lt.utc_offset;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d%c%02d:%02d", lt.date.y, lt.date.m,
	    lt.date.d, lt.minute / 60, lt.minute % 60, lt.utc_offset < 0 ? '-' : '+',
	    off / 3600, off % 3600 / 60);
	return buf;
}

/* s, NUL included, at the end of the model's text; its offset. */
static size_t
text_add(struct plan_model *pm, const char *s)
{
	size_t n = strlen(s) + 1, at = pm->ntext;

	if (pm->ntext + n > pm->captext) {
		pm->captext = (pm->ntext + n) * 2;
		pm->text = xreallocarray(pm->text, pm->captext, 1);
	}
	memcpy(pm->text + at, s, n);
	pm->ntext += n;
	return at;
}

/* Cell c of in, ring g. */
static void
cell_of(struct plan_model *pm, const struct ring *g, const struct install *in,
    struct plan_cell *c)
{
	char why[WIN_REASON_MAX];

	*c = (struct plan_cell){ .month = in->month, .kind = in->kind, .restart = in->restart,
	    .unplanned = in->mi.unplanned, .window_start = in->window_start,
	    .status = in->status, .blackout = in->blackout, .risks = risk_of(in) };
	c->reason = text_add(pm, win_reason(in, g, why, sizeof(why)));
	plan_state_of(in, &c->st);
}

/*
 * Ring g and OS os over the months into the next row, its restarts counted
 * in the same walk; with at_risk_only a row without a risk is taken back
 * (its cells and reasons too).
 */
static void
row_of(struct plan_model *pm, const struct caldata *cal, const struct ringset *rings,
    const struct ring *g, const struct os_def *os)
{
	struct plan_row *row = &pm->row[pm->nrow];
	size_t text_mark = pm->ntext;
	const char *why = NULL;
	unsigned risks = 0;
	struct walk w;

	*row = (struct plan_row){ .ring = g, .os = os, .first = pm->nrow *
	    (size_t)pm->range.months };
	walk_start(&w, cal, rings, g, os, pm->range.from);
	for (int m = 0; m < pm->range.months; m++) {
		struct install in;

		walk_month(&w, &in);
		cell_of(pm, g, &in, &pm->cell[row->first + (size_t)m]);
		risks |= pm->cell[row->first + (size_t)m].risks;
		win_restarts_add(&row->restarts, os, &in);
	}
	if (pm->at_risk_only && risks == 0) {
		pm->ntext = text_mark;
		return;
	}
	row->at_risk = risks != 0;
	win_restarts_end(rings, g, os, pm->range.from, pm->range.months, &row->restarts);
	if (!ring_eligible(g, os, &why))
		row->not_eligible = why;
	pm->nrow++;
}

void
plan_model_build(struct plan_model *pm, const struct caldata *cal,
    const struct ringset *rings, const struct plan_range *r, bool at_risk_only)
{
	size_t nmax = 0;

	*pm = (struct plan_model){ .range = *r, .at_risk_only = at_risk_only };
	for (size_t i = 0; i < rings->nring; i++)
		nmax += rings->ring[i].nos;
	pm->row = xcalloc(nmax + 1, sizeof(*pm->row));
	pm->cell = xcalloc(nmax * (size_t)r->months + 1, sizeof(*pm->cell));
	for (size_t i = 0; i < rings->nring; i++) {
		const struct ring *g = &rings->ring[i];

		for (size_t k = 0; k < g->nos; k++) {
			const struct os_def *os = caldata_find_os(cal, g->os[k]);

			if (os != NULL)
				row_of(pm, cal, rings, g, os);
		}
	}
}

void
plan_model_free(struct plan_model *pm)
{
	free(pm->row);
	free(pm->cell);
	free(pm->text);
	*pm = (struct plan_model){ 0 };
}

const char *
plan_model_reason(const struct plan_model *pm, const struct plan_cell *c)
{
	return pm->text + c->reason;
}

const struct plan_cell *
plan_model_cell(const struct plan_model *pm, size_t r, int c)
{
	return &pm->cell[pm->row[r].first + (size_t)c];
}

/* The name of a blackout, or NULL. */
static const char *
bo_name(const struct blackout *b)
{
	return b != NULL ? b->name : NULL;
}

void
plan_model_facts(const struct plan_model *pm, const struct plan_row *row,
    const struct plan_cell *c, struct cell_facts *f)
{
	const struct risk_def *first = NULL;

	for (size_t i = 0; i < risk_ndefs && first == NULL; i++)
		if (c->risks & risk_defs[i].bit)
			first = &risk_defs[i];
	*f = (struct cell_facts){ .kind = kind_name(c->kind),
	    .install = install_kind_name(c->st.install), .status = win_status_name(c->status),
	    .cause = plan_cause_name(c->st.cause), .reason = plan_model_reason(pm, c),
	    .blackout = bo_name(c->blackout), .pause = bo_name(c->st.pause),
	    .forced_in = bo_name(c->st.forced_in), .restart_in = bo_name(c->st.restart_in),
	    .at_risk = first != NULL, .risk = first != NULL ? first->name : NULL,
	    .unplanned = c->unplanned, .skipped = c->st.skipped };
	ym_format(c->month, f->month);
	plan_local_instant(row->ring->timezone, c->window_start, f->local, sizeof(f->local));
}

int
plan_model_each(const struct plan_model *pm, plan_row_fn *fn, void *arg)
{
	int rc;

	for (size_t i = 0; i < pm->nrow; i++)
		if ((rc = fn(pm, &pm->row[i], &pm->cell[pm->row[i].first], arg)) != 0)
			return rc;
	return 0;
}
