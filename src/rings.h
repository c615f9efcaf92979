/* rings.h: pure facts about rings: hotpatch eligibility and its reason. */
#ifndef HP_RINGS_H
#define HP_RINGS_H

#include "model.h"

/*
 * Whether devices of ring r get hotpatches for OS os.  Returns true, or
 * false with *reason saying why not (a static string); an ineligible ring
 * takes the LCU, with a restart, every month.
 */
bool ring_eligible(const struct ring *r, const struct os_def *os, const char **reason);

/*
 * Whether ring r's hotpatch policy is on for os in month: hotpatch set and
 * hotpatch_since reached, or, when the ring does not set hotpatch, the OS's
 * default-on month reached.  False with *reason (static) when not.
 */
bool ring_enabled(const struct ring *r, const struct os_def *os, ym_t month, const char **reason);

/* Does ring r include the OS with this id? */
bool ring_has_os(const struct ring *r, const char *os);

/* "Tue,Wed 22:00 for 4h" or "Patch Tuesday+3 02:00 for 3h55m", into buf. */
char *window_describe(const struct mwindow *w, char *buf, size_t len);

#endif
