/*
 * windows.h: the install-window engine.  Pure computation: for a ring, an OS
 * and a month, when the update is offered, when it must be installed, when
 * the device restarts, and in which maintenance window it actually goes in.
 * All time-zone arithmetic goes through libical.
 */
#ifndef HP_WINDOWS_H
#define HP_WINDOWS_H

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
#define WIN_REASON_MAX	256

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
 * Compute the install of os's release for month by ring r.  The blackouts
 * are rs's (global and per ring; those of other rings are skipped; rs may
 * be NULL for none), found through its index when ringset_index made one.
 */
void win_install(const struct caldata *c, const struct ringset *rs, const struct ring *r,
    const struct os_def *os, ym_t month, struct install *out);

/* Restarts of a ring for one OS over a year, by cause. */
struct restarts {
	int	 baseline;	/* planned baseline months */
	int	 unplanned;	/* unplanned baselines */
	int	 lcu;		/* LCU months: before hotpatch start, or the ring is not eligible */
	int	 oob;		/* out-of-band releases that restart */
	int	 total;
};

void win_restarts(const struct caldata *c, const struct ring *r, const struct os_def *os,
    int year, struct restarts *out);

#endif
