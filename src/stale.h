/*
 * stale.h: which past months of an OS still have no published answer.  Pure:
 * a function of the calendar, the OS and "now" (doc/format.md, "Staleness").
 */
#ifndef HP_STALE_H
#define HP_STALE_H

#include "model.h"

#include <stddef.h>
#include <time.h>

/* How far back staleness looks, in months before the month of "now". */
#define STALE_LOOKBACK	60
#define STALE_MAX	(STALE_LOOKBACK + 1)

struct stale {
	ym_t	 month[STALE_MAX];	/* past months without a published answer, oldest first */
	size_t	 n;
	ym_t	 current_to;		/* the month before the first of them; else the last month released */
};

/*
 * The staleness of os at now.  A month counts from the later of the OS's
 * hotpatch_start and its first published month, and at most STALE_LOOKBACK
 * months back; it is past once its release instant is <= now.  Returns
 * true when at least one counted past month is not published.  An OS that
 * never gets hotpatch is never stale: every month is its LCU, published or not.
 */
bool stale_of(const struct caldata *c, const struct os_def *os, time_t now,
    struct stale *out);

/*
 * Answers that show staleness change at each Patch Tuesday release as well
 * as at each month: a key that does too, for what is kept (replies, pages).
 */
int stale_epoch(time_t now);

#endif
