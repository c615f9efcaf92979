/*
 * planmodel.h: the plan of every ring and OS over a range of months as
 * rows of cells, in flat arrays, built by one walk over rings x months.
 * hotpatchctl plan's JSON (view_plan_range) and the /plan page
 * (page_plan_model) are both read from it, so the page needs no JSON
 * document of 12 months x every ring in between.  The model points into
 * the calendar and rings it was built from: free it before they change.
 */
#ifndef HP_PLANMODEL_H
#define HP_PLANMODEL_H

#include "planrange.h"
#include "plancell.h"
#include "windows.h"

#include <stdbool.h>
#include <stddef.h>

/* The state across months of one install: what a windows row and a plan cell both say. */
struct plan_state {
	enum install_kind	 install;
	enum hp_state		 state_before, state;
	enum cause		 cause;
	ym_t			 cause_month;
	bool			 expedited, skipped;
	const struct blackout	*pause, *forced_in, *restart_in;
	time_t			 forced_at;
};

/* One ring's install of one OS month. */
struct plan_cell {
	ym_t			 month;
	enum kind		 kind;
	bool			 restart, unplanned;
	time_t			 window_start;	/* 0: none */
	enum win_status		 status;
	const struct blackout	*blackout;
	size_t			 reason;	/* win_reason's words, at this offset of the text */
	unsigned		 risks;		/* risk_of */
	struct plan_state	 st;
};

/* One ring and OS: its cells are the model's cell[first .. first + months). */
struct plan_row {
	const struct ring	*ring;
	const struct os_def	*os;
	const char		*not_eligible;	/* NULL when eligible */
	bool			 at_risk;
	struct restarts		 restarts;
	size_t			 first;
};

struct plan_model {
	struct plan_range	 range;
	bool			 at_risk_only;
	struct plan_row		*row;
	size_t			 nrow;
	struct plan_cell	*cell;		/* nrow x range.months */
	char			*text;		/* the reasons, each NUL-terminated */
	size_t			 ntext, captext;
};

/* The cause's name in answers ("enrolled"), or NULL for CAUSE_NONE. */
const char *plan_cause_name(enum cause c);
/* in's state across months. */
void plan_state_of(const struct install *in, struct plan_state *out);

/*
 * Every ring and OS the calendar knows, over the months of r, into pm; with
 * at_risk_only only the rows with a risk.  Free it with plan_model_free.
 */
void plan_model_build(struct plan_model *pm, const struct caldata *cal,
    const struct ringset *rings, const struct plan_range *r, bool at_risk_only);
void plan_model_free(struct plan_model *pm);

/* A cell's reason. */
const char *plan_model_reason(const struct plan_model *pm, const struct plan_cell *c);
/* Cell c (0 .. months - 1) of row r. */
const struct plan_cell *plan_model_cell(const struct plan_model *pm, size_t r, int c);
/* What the page reads of a cell (plancell.h), pointing into the model and its rings. */
void plan_model_facts(const struct plan_model *pm, const struct plan_row *row,
    const struct plan_cell *c, struct cell_facts *f);

/* fn for each row in order, with its cells; stops at the first non-zero answer and returns it. */
typedef int plan_row_fn(const struct plan_model *pm, const struct plan_row *row,
    const struct plan_cell *cells, void *arg);
int plan_model_each(const struct plan_model *pm, plan_row_fn *fn, void *arg);

/* "2026-11-20T22:00+01:00": t as local time in zone tz, into buf (40 bytes); "" for 0. */
char *plan_local_instant(const char *tz, time_t t, char *buf, size_t len);

#endif
