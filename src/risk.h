/*
 * risk.h: which installs of a plan put a ring at risk, from the facts the
 * window engine and the walk across months already know.  Pure.  plan and
 * the /plan page list them (hotpatchctl plan --at-risk keeps only the rows
 * with one), each with the install's reason in words (win_reason).
 */
#ifndef HP_RISK_H
#define HP_RISK_H

#include "windows.h"

#include <stddef.h>

enum risk {
	RISK_LATE = 1 << 0,	/* the first free window opens after the install deadline */
	RISK_NONE = 1 << 1,	/* no free window before the next offer: the deadline forces it */
	RISK_SKIPPED = 1 << 2,	/* a pause covered the release: it is not installed */
	RISK_FORCED = 1 << 3,	/* the deadline forces the install or its restart into a freeze */
	RISK_CATCHUP = 1 << 4,	/* a missed baseline comes back with the hotpatch: a restart */
};

/* One risk: its bit, its JSON name and what it means, in the order lists show them. */
struct risk_def {
	enum risk	 bit;
	const char	*name;
	const char	*words;
};
extern const struct risk_def risk_defs[];
extern const size_t risk_ndefs;

/* The risks of one install, a mask of enum risk; 0 when it needs no second look. */
unsigned risk_of(const struct install *in);

#endif
