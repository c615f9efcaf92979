/* rings.c: eligibility, checked in the order an admin would fix things. */
#include "rings.h"

#include <stdio.h>
#include <string.h>

bool
ring_eligible(const struct ring *r, const struct os_def *os, const char **reason)
{
	if (os->never_hotpatch)
		*reason = "this OS never gets hotpatch";
	else if (!r->hotpatch)
		*reason = "hotpatch is turned off for this ring";
	else if (!r->licensed)
		*reason = "not an eligible edition or licence, such as Pro, or not enrolled "
		    "through Azure Arc";
	else if (!r->vbs)
		*reason = "virtualization-based security (VBS) is not running";
	else if (!(os->arch & r->arch))
		*reason = r->arch == ARCH_ARM64 ? "this OS has no hotpatch for arm64" :
		    "this OS has no hotpatch for x64";
	else if (r->arch == ARCH_ARM64 && !r->chpe_disabled)
		*reason = "arm64 with CHPE enabled (set HotPatchRestrictions=1 and restart)";
	else {
		*reason = NULL;
		return true;
	}
	return false;
}

bool
ring_enabled(const struct ring *r, const struct os_def *os, ym_t month, const char **reason)
{
	*reason = NULL;
	if (!r->hotpatch)
		*reason = "hotpatch is turned off for this ring";
	else if (r->hotpatch_since != 0 && month < r->hotpatch_since)
		*reason = "the ring's hotpatch policy is not in effect yet (hotpatch_since)";
	else if (!r->hotpatch_set && os->hotpatch_default_from != 0 &&
	    month < os->hotpatch_default_from)
		*reason = "hotpatch is not yet on by default for this OS, and the ring does not turn it on";
	return *reason == NULL;
}

bool
ring_has_os(const struct ring *r, const char *os)
{
	for (size_t i = 0; i < r->nos; i++)
		if (strcmp(r->os[i], os) == 0)
			return true;
	return false;
}

char *
window_describe(const struct mwindow *w, char *buf, size_t len)
{
	static const char *const day[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	char when[64] = "", dur[16];
	size_t n = 0;

	if (w->type == WIN_OFFSET) {
		snprintf(when, sizeof(when), "Patch Tuesday%+d", w->offset_days);
	} else {
		/* Monday first, as people write weeks. */
		for (int i = 1; i <= 7; i++) {
			int d = i % 7;
			if (w->days & (1u << d))
				n += (size_t)snprintf(when + n, sizeof(when) - n, "%s%s",
				    n ? "," : "", day[d]);
		}
	}
	if (w->duration_min % 60 == 0)
		snprintf(dur, sizeof(dur), "%dh", w->duration_min / 60);
	else if (w->duration_min < 60)
		snprintf(dur, sizeof(dur), "%dm", w->duration_min);
	else
		snprintf(dur, sizeof(dur), "%dh%02dm", w->duration_min / 60, w->duration_min % 60);
	snprintf(buf, len, "%s %02d:%02d for %s", when, w->start_min / 60, w->start_min % 60, dur);
	return buf;
}
