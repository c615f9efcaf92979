/*
 * windows.h: the install-window engine.  Pure computation: for a ring, an OS
 * and a month, when the update is offered, when it must be installed, when
 * the device restarts, and in which maintenance window it actually goes in.
 * All time-zone arithmetic goes through libical.
 */
#ifndef HP_WINDOWS_H
#define HP_WINDOWS_H

#include "boindex.h"
#include "calendar.h"
#include "model.h"

enum win_status {
	WS_OK,		/* a window starts at or before the install deadline */
	WS_LATE,	/* the first free window starts after the deadline */
	WS_NONE,	/* no free window before the next month's offer supersedes this one */
};

const char *win_status_name(enum win_status s);

/* Why the install went where it did (win_reason puts it in words). */
enum win_why {
	WHY_NO_WINDOWS,	/* the ring has no maintenance windows */
	WHY_NO_SLOT,	/* none free before the next offer (blackout says whether one blocked it) */
	WHY_LATE,	/* the first free window is after the install deadline */
	WHY_MOVED,	/* a blackout moved it to a later window */
	WHY_FIRST,	/* the first window after the offer */
};

/* What the ring's devices install in a month (doc/rules.md, "State across months"). */
enum install_kind {
	INS_HOTPATCH,	/* the hotpatch, no restart */
	INS_BASELINE,	/* the baseline, restart */
	INS_CATCHUP,	/* the missed baseline and the hotpatch, restart */
	INS_LCU,	/* a standard cumulative update, restart */
};
const char *install_kind_name(enum install_kind k);

/* Where a ring's devices stand after a month, for the next hotpatch month. */
enum hp_state {
	ST_ON,		/* on the latest baseline: eligible for hotpatches */
	ST_MISSED,	/* the latest baseline was never installed: catch-up next */
	ST_OFF,		/* a non-baseline LCU went in after it: LCUs until the next baseline */
};
const char *hp_state_name(enum hp_state s);

/* Why the install differs from the month's kind, or why the state is not ST_ON. */
enum cause {
	CAUSE_NONE,
	CAUSE_NOT_ELIGIBLE,	/* licence, VBS, architecture, CHPE */
	CAUSE_DISABLED,		/* hotpatch is turned off for the ring */
	CAUSE_NOT_YET,		/* before hotpatch_since or the OS's default-on month */
	CAUSE_BEFORE_START,	/* the OS has no hotpatch yet (an LCU month) */
	CAUSE_PAUSED,		/* a baseline skipped by a pause */
	CAUSE_SUPERSEDED,	/* a baseline superseded before any window or deadline */
	CAUSE_ENROLLED,		/* enabled after a non-baseline LCU */
	CAUSE_UPGRADE,		/* a feature update in a hotpatch month */
	CAUSE_OOB,		/* an out-of-band LCU that leaves hotpatch */
	CAUSE_NEVER,		/* the OS never gets hotpatch (hotpatch: never) */
	CAUSE_BUILD,		/* a device's build is below the latest baseline (device.c) */
};

/* A local wall-clock time in some zone. */
struct localtime {
	struct ymd	 date;
	int		 minute;	/* minutes after midnight */
	int		 utc_offset;	/* seconds east of UTC in effect */
};

/* What a ring does with one OS's release of one month. */
struct install {
	ym_t			 month;
	const struct os_def	*os;
	struct month_info	 mi;		/* the OS month (published, override, planned) */
	bool			 eligible;
	const char		*not_eligible;	/* why not, when not */
	enum kind		 kind;		/* what the ring installs: lcu when not eligible */
	enum install_kind	 install;	/* what it installs, the state across months included */
	enum hp_state		 state_before;	/* entering the month */
	enum hp_state		 state;		/* after the month */
	enum cause		 cause;		/* why install differs from the month, or state is off */
	ym_t			 cause_month;	/* the month of the missed baseline or of the event */
	const struct upgrade	*upgrade;	/* CAUSE_UPGRADE */
	const struct oob	*oob;		/* CAUSE_OOB */
	bool			 expedited;	/* deferral 0, deadline 1, grace 1 */
	bool			 skipped;	/* a pause covered the release's whole life: not installed */
	const struct blackout	*pause;		/* the pause that moved the offer or skipped it */
	time_t			 forced_at;	/* late or none: the deadline forces the install then */
	const struct blackout	*forced_in;	/* the freeze forced_at falls inside */
	const struct blackout	*restart_in;	/* the freeze restart_deadline falls inside */
	const struct blackout	*cause_pause;	/* CAUSE_PAUSED: the pause that skipped the baseline */
	bool			 restart;
	time_t			 release_at;
	time_t			 offered_at;	/* release + deferral */
	time_t			 install_deadline;	/* offer + deadline */
	time_t			 restart_deadline;	/* install deadline + grace; 0 without restart */
	time_t			 next_offered_at;	/* the next month's offer to this ring */
	enum win_status		 status;
	time_t			 window_start;	/* UTC; 0 when status is none */
	time_t			 window_end;
	const struct mwindow	*window;	/* the maintenance window used */
	const struct blackout	*blackout;	/* the blackout that moved or blocked it, if any */
	enum win_why		 why;
};

/* Room win_reason needs at most. */
#define WIN_REASON_MAX	512

/* Why the install of ring r went where it did, in words, into buf; returns buf. */
const char *win_reason(const struct install *in, const struct ring *r, char *buf, size_t len);

/*
 * Local time in zone tz (IANA name or "UTC") to a UTC instant, by RFC 5545:
 * a time in a DST gap uses the offset before the gap, an ambiguous time
 * means its first occurrence.
 */
time_t win_from_local(const char *tz, struct ymd date, int minute);
/* A UTC instant as local time in zone tz. */
void win_to_local(const char *tz, time_t t, struct localtime *out);

/*
 * The timing of one month alone, no state across months: the offer (after
 * any pause), deadlines, the window, the forced install; kind and restart
 * are the month's.  state.c builds on it.
 */
void win_month(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, ym_t month, struct install *out);
/*
 * win_month for the month of mi (cal_month's answer for it), which also
 * gives the next month's in *next: a walk works out each OS month once.
 */
void win_month_next(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, const struct month_info *mi, struct install *out,
    struct month_info *next);
/* The freeze of r that instant t falls inside, or NULL. */
const struct blackout *win_freeze_at(const struct ringset *rs, const struct ring *r, time_t t);

/*
 * One ring as the engine times it, with what it would otherwise look up
 * for every month and blackout test: its zone and the stretch of one offset
 * last asked about, its lists of blackouts, and days known free of them.
 * Kept by a caller timing many months of one ring (the walk) while the set
 * stays as it is; the answers are those of win_month_next and win_freeze_at.
 */
struct win_zone {
	struct tzone	*z;
	time_t		 from, until;	/* empty until asked */
	int		 off;
};

struct win_ring {
	const struct ringset	*rs;
	const struct ring	*r;
	struct win_zone		 zc;
	struct bo_lists		 L;	/* kinds ~0u when rs is not indexed */
	bool			 listed;
	long			 free_first, free_last;	/* days no listed blackout touches */
};

void win_ring_init(struct win_ring *wr, const struct ringset *rs, const struct ring *r);
void win_month_ring(struct win_ring *wr, const struct caldata *c, const struct os_def *os,
    const struct month_info *mi, struct install *out, struct month_info *next);
const struct blackout *win_freeze_ring(struct win_ring *wr, time_t t);

/*
 * Compute the install of os's release for month by ring r.  The blackouts
 * are rs's (global and per ring; those of other rings are skipped; rs may
 * be NULL for none), found through its index when ringset_index made one.
 * The state across months is walked from the last month that settles it.
 */
void win_install(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, ym_t month, struct install *out);

/*
 * One device of a ring, as device.c knows it: its own eligibility instead of
 * the ring's, and, when its build says, where it stands entering the first
 * month (then nothing before is walked: the build is the fact).
 */
struct walk_device {
	bool		 eligible;
	const char	*not_eligible;	/* the first reason, when not */
	bool		 state_known;
	enum hp_state	 state;		/* ST_ON, or ST_MISSED (cause CAUSE_BUILD) */
	ym_t		 cause_month;	/* ST_MISSED: the baseline the device lacks */
};

/* Month after month for one ring and OS, carrying the state: cheaper than win_install each. */
struct walk {
	const struct caldata	*c;
	const struct ringset	*rs;
	const struct ring	*r;
	const struct os_def	*os;
	ym_t			 next;		/* the month walk_month computes next */
	enum hp_state		 state;
	enum cause		 cause;
	ym_t			 cause_month;
	const struct upgrade	*upgrade;
	const struct oob	*oob;
	const struct blackout	*pause;
	const struct walk_device *dev;	/* NULL: the ring's devices as the ring describes them */
	bool			 have_mi;	/* mi is cal_month's answer for month next */
	struct month_info	 mi;
	struct win_ring		 wr;		/* the ring as the engine keeps it for the walk */
};

void walk_start(struct walk *w, const struct caldata *c, const struct ringset *rs,
    const struct ring *r, const struct os_def *os, ym_t first);
/* walk_start for one device (d is kept, not copied). */
void walk_start_device(struct walk *w, const struct caldata *c, const struct ringset *rs,
    const struct ring *r, const struct os_def *os, ym_t first, const struct walk_device *d);
void walk_month(struct walk *w, struct install *out);

/* Did the release go in: not skipped by a pause, and a window or the deadline put it in. */
bool win_installed(const struct install *in);

/* One out-of-band release as one ring gets it. */
struct oob_install {
	const struct oob	*oob;
	bool			 offered;	/* false: catalog only */
	time_t			 release_at;	/* 10:00 Pacific on its date (no time is published) */
	time_t			 offered_at;	/* same day past the deferral, else the deferral date */
	time_t			 install_deadline;
	time_t			 restart_deadline;	/* 0 without restart */
	const struct blackout	*pause;		/* the pause that held it back */
};

void win_oob(const struct ringset *rs, const struct ring *r, const struct os_def *os,
    const struct oob *o, struct oob_install *out);

/* Restarts of a ring for one OS over a year (or a range of months), by cause. */
struct restarts {
	int	 baseline;	/* planned baseline months */
	int	 unplanned;	/* unplanned baselines */
	int	 lcu;		/* LCU months: not eligible, not enabled, before the OS's hotpatch */
	int	 catchup;	/* a missed baseline with the hotpatch */
	int	 offbase;	/* LCUs off the baseline: upgrade, enrolment, out-of-band */
	int	 oob;		/* out-of-band releases offered to the ring that restart */
	int	 total;
};

void win_restarts(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, int year, struct restarts *out);
/* The same over the n months from first, across year ends (a rolling plan). */
void win_restarts_range(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, ym_t first, int n, struct restarts *out);
/*
 * win_restarts_range in a walk of one's own (the plan model's): each install
 * of the n months from first to win_restarts_add, in order, on a zeroed
 * out; then win_restarts_end adds the out-of-band restarts and the total.
 */
void win_restarts_add(struct restarts *out, const struct os_def *os, const struct install *in);
void win_restarts_end(const struct ringset *rs, const struct ring *r, const struct os_def *os,
    ym_t first, int n, struct restarts *out);

#endif
