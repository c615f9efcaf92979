/*
 * sitetest.h: what the site's Check programs share: a daemon over the
 * shipped calendar and schedules, with a store in a temporary directory,
 * and nothing listening.
 */
#ifndef HP_SITETEST_H
#define HP_SITETEST_H

#include "daemon.h"

#include <time.h>

/*
 * Fill *dm as a started daemon would be: the shipped data/calendar.yaml and
 * schedules/, an empty store in a new temporary directory, generation 1,
 * started at 2026-11-10T18:00:00Z; at is its clock (--at), 0 for the real one.
 */
void sitetest_up(struct daemon *dm, time_t at);
/* Free what sitetest_up made and remove its directory. */
void sitetest_down(struct daemon *dm);

#endif
