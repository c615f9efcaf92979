/*
 * plancell.h: what a plan cell shows, read from its facts: its letter, its
 * marks, whether it needs a note and what the note says.  The facts come
 * from a plan's JSON (views.c, for hotpatchctl and old answers) or straight
 * from the plan model (planmodel.c, for the /plan page), so the grid, the
 * page and the notes read a cell one way whichever it came from.  Pure.
 */
#ifndef HP_PLANCELL_H
#define HP_PLANCELL_H

#include <stdbool.h>
#include <stddef.h>

/* A plan cell (or windows row) as its renderers read it; NULL: missing, or null. */
struct cell_facts {
	char		 month[8];	/* "2027-03"; "" when missing */
	char		 local[40];	/* the window's local start, "2027-03-20T22:00+01:00"; "" none */
	const char	*kind;		/* the month's kind: "baseline", "hotpatch", "lcu" */
	const char	*install;	/* what the ring installs; NULL in answers before it */
	const char	*status;	/* "ok", "late", "none" */
	const char	*cause;		/* why the install differs ("enrolled"...) */
	const char	*reason;	/* the engine's words */
	const char	*blackout;	/* the blackout that moved or blocked it */
	const char	*pause;		/* the pause that skipped it */
	const char	*forced_in;	/* the freeze the deadline forces the install into */
	const char	*restart_in;	/* the freeze the restart deadline falls inside */
	bool		 at_risk;	/* it has a risk (risk.h) */
	const char	*risk;		/* the first risk's name */
	bool		 unplanned;
	bool		 skipped;
};

/* An LCU a ring takes in a hotpatch month: an upgrade, its enrolment or an out-of-band LCU. */
bool cell_off_baseline(const struct cell_facts *f);
/* The install is not the month's kind: catch-up, off-baseline, not eligible... */
bool cell_install_differs(const struct cell_facts *f);
/* H hotpatch, B baseline, C catch-up, L LCU, O off-baseline LCU ('?' unknown). */
char cell_letter(const struct cell_facts *f);
bool cell_unplanned_baseline(const struct cell_facts *f);
/* A deadline forces the install or the restart inside a freeze. */
bool cell_forced_in_freeze(const struct cell_facts *f);
/* The marks: * unplanned, ! late, # blackout, ~ forced in a freeze, = skipped; into buf. */
char *cell_marks(const struct cell_facts *f, char *buf, size_t len);
/* A risk, a status not ok, a blackout, an install not the month's kind: read its reason. */
bool cell_needs_note(const struct cell_facts *f);
/* What the notes call it: its first risk, status, skipped, forced, off-baseline, install, moved. */
const char *cell_note_label(const struct cell_facts *f);
/* The name of the blackout a mark stands for (# blackout, = pause, ~ freeze), or NULL. */
const char *cell_mark_name(const struct cell_facts *f, char mark);
/* The reason, then each blackout a mark names that it does not; allocated. */
char *cell_note_reason(const struct cell_facts *f);

#endif
