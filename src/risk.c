/*
 * risk.c: the installs a planner must look at.  A window after the
 * deadline, no window at all, a release a pause skipped, a deadline that
 * forces the install or restart into a freeze, and the catch-up that
 * restarts a ring in a hotpatch month: each is already a fact of the
 * install (windows.c, state.c); this names them once for every answer.
 */
#include "risk.h"
#include "util.h"

const struct risk_def risk_defs[] = {
	{ RISK_LATE, "late", "the first free window opens after the install deadline" },
	{ RISK_NONE, "none", "no free window before the next offer: the deadline forces the "
	    "install" },
	{ RISK_SKIPPED, "skipped", "a pause covered the release: not installed that month" },
	{ RISK_FORCED, "forced", "the deadline forces the install or restart inside a freeze" },
	{ RISK_CATCHUP, "catch-up", "a missed baseline comes with the hotpatch: a restart in a "
	    "hotpatch month" },
};
const size_t risk_ndefs = ARRAY_LEN(risk_defs);

unsigned
risk_of(const struct install *in)
{
	unsigned r = 0;

	if (in->status == WS_LATE)
		r |= RISK_LATE;
	/* A skipped release has no window by design: the pause is the risk, not the slots. */
	if (in->skipped)
		r |= RISK_SKIPPED;
	else if (in->status == WS_NONE)
		r |= RISK_NONE;
	/*
	 * The deadline forces only what no window put in: with a window in
	 * time the ring installs and restarts there, whatever freeze its
	 * restart deadline would have fallen in.
	 */
	if (in->forced_in != NULL || (in->restart_in != NULL && in->status != WS_OK))
		r |= RISK_FORCED;
	if (in->install == INS_CATCHUP)
		r |= RISK_CATCHUP;
	return r;
}
