/*
 * reason.c: why an install went where it did, in words: the state across
 * months first (why this month brings what it brings), then the timing (the
 * window, the blackout, the forced install).  Pure; windows.c and state.c
 * keep only the facts.
 */
#include "windows.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December",
};

/* Appends to the text in buf (size len) like printf; never overruns. */
static void
add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* "January 2027" */
static const char *
month_words(ym_t m, char *buf, size_t len)
{
	snprintf(buf, len, "%s %d", month_names[ym_month(m) - 1], ym_year(m));
	return buf;
}

static void
blackout_words(const struct blackout *b, char *buf, size_t len)
{
	char a[11], z[11];

	if (b->timed)
		snprintf(buf, len, "%s '%s'", bo_kind_name(b->kind), b->name);
	else
		snprintf(buf, len, "%s '%s' (%s..%s)", bo_kind_name(b->kind), b->name,
		    ymd_format(b->from, a), ymd_format(b->to, z));
}

/* An instant as the ring's local time: "2027-01-19 09:00". */
static const char *
local_words(const struct ring *r, time_t t, char *buf, size_t len)
{
	struct localtime lt;
	char d[11];

	win_to_local(r->timezone, t, &lt);
	snprintf(buf, len, "%s %02d:%02d", ymd_format(lt.date, d), lt.minute / 60, lt.minute % 60);
	return buf;
}

/* Why the devices are off the latest baseline, for the months after the event. */
static void
off_words(const struct install *in, char *buf, size_t len)
{
	char m[24], bw[160];

	month_words(in->cause_month, m, sizeof(m));
	switch (in->cause) {
	case CAUSE_PAUSED:
		blackout_words(in->cause_pause, bw, sizeof(bw));
		add(buf, len, "the %s baseline was paused for this ring (%s)", m, bw);
		break;
	case CAUSE_SUPERSEDED:
		add(buf, len, "the %s baseline was superseded before any window or deadline", m);
		break;
	case CAUSE_ENROLLED:
		add(buf, len, "hotpatch took effect after the non-baseline LCU of %s", m);
		break;
	case CAUSE_UPGRADE:
		add(buf, len, "the feature update from %s to %s came in %s, a hotpatch month",
		    in->upgrade->from, in->upgrade->to, m);
		break;
	case CAUSE_OOB:
		add(buf, len, "the out-of-band LCU %s went in after the %s release",
		    in->oob->kb != NULL ? in->oob->kb : "", m);
		break;
	case CAUSE_BUILD:
		add(buf, len, "the device's build is below the %s baseline", m);
		break;
	default:
		break;
	}
}

/* The state part: only when the install is not simply the month's kind. */
static void
state_words(const struct install *in, char *buf, size_t len)
{
	char m[24];

	month_words(in->month, m, sizeof(m));
	if (in->install == INS_CATCHUP) {
		add(buf, len, "not on the latest baseline: ");
		off_words(in, buf, len);
		add(buf, len, " — %s brings the baseline and the hotpatch, with a restart", m);
	} else if (in->install == INS_BASELINE && in->state == ST_MISSED) {
		add(buf, len, "a missed baseline: the next hotpatch month brings it back (catch-up, "
		    "with a restart)");
	} else if (in->install == INS_LCU && in->cause == CAUSE_UPGRADE && in->cause_month == in->month) {
		add(buf, len, "feature update from %s to %s in a hotpatch month: standard LCUs "
		    "until the next baseline", in->upgrade->from, in->upgrade->to);
	} else if (in->install == INS_LCU && (in->cause == CAUSE_ENROLLED ||
	    in->cause == CAUSE_UPGRADE || in->cause == CAUSE_OOB)) {
		add(buf, len, "not on the latest baseline: ");
		off_words(in, buf, len);
		add(buf, len, " — LCUs, with a restart, until the next baseline");
	} else if (in->install == INS_LCU && in->cause == CAUSE_NEVER) {
		add(buf, len, "this OS never gets hotpatch: the LCU, with a restart, every month");
	} else if (in->install == INS_LCU && in->cause == CAUSE_NOT_YET) {
		add(buf, len, "hotpatch is not in effect for this ring yet: the LCU, with a restart");
	} else if (in->install == INS_LCU && in->mi.kind != KIND_LCU && in->not_eligible != NULL) {
		add(buf, len, "not eligible (%s): the LCU, with a restart", in->not_eligible);
	}
}

/* What the deadline does when no window was in time. */
static void
forced_words(const struct install *in, const struct ring *r, char *buf, size_t len)
{
	char t[24], bw[160];

	if (in->forced_at == 0) {
		add(buf, len, "; the next release supersedes it before the install deadline");
		return;
	}
	add(buf, len, "; the deadline forces the install%s at %s", in->restart ? " and restart" : "",
	    local_words(r, in->forced_at, t, sizeof(t)));
	if (in->forced_in != NULL) {
		blackout_words(in->forced_in, bw, sizeof(bw));
		add(buf, len, ", inside %s", bw);
	}
	if (in->restart_in != NULL && in->restart_in != in->forced_in) {
		blackout_words(in->restart_in, bw, sizeof(bw));
		add(buf, len, "; the forced restart by %s falls inside %s",
		    local_words(r, in->restart_deadline, t, sizeof(t)), bw);
	}
}

/* The timing part: the window, what blocked or moved it, and the deadline. */
static void
timing_words(const struct install *in, const struct ring *r, char *buf, size_t len)
{
	const struct blackout *bo;
	struct localtime nl;
	char bw[160] = "", next[11], t[24];

	if (in->pause != NULL && in->skipped) {
		blackout_words(in->pause, bw, sizeof(bw));
		add(buf, len, "%s holds every offer until the next release: skipped", bw);
		return;
	}
	if (in->pause != NULL) {
		blackout_words(in->pause, bw, sizeof(bw));
		add(buf, len, "%s held the offer until %s; ", bw,
		    local_words(r, in->offered_at, t, sizeof(t)));
	}
	/* A pause already named above is not named again for the window. */
	bo = in->blackout == in->pause ? NULL : in->blackout;
	bw[0] = '\0';
	if (bo != NULL)
		blackout_words(bo, bw, sizeof(bw));
	switch (in->why) {
	case WHY_NO_WINDOWS:
		add(buf, len, "the ring has no maintenance windows");
		forced_words(in, r, buf, len);
		break;
	case WHY_NO_SLOT:
		win_to_local(r->timezone, in->next_offered_at, &nl);
		ymd_format(nl.date, next);
		if (bo != NULL)
			add(buf, len, "%s blocks every window before the next update is offered (%s)",
			    bw, next);
		else
			add(buf, len, "no maintenance window before the next update is offered (%s)",
			    next);
		forced_words(in, r, buf, len);
		break;
	case WHY_LATE:
		add(buf, len, "%s%sthe first free window is after the install deadline", bw,
		    bo ? "; " : "");
		forced_words(in, r, buf, len);
		break;
	case WHY_MOVED:
		if (bo != NULL) {
			add(buf, len, "%s moved the install to a later window", bw);
			break;
		}
		/* the pause that moved it is named above */
		/* FALLTHROUGH */
	case WHY_FIRST:
		add(buf, len, "first maintenance window after the offer");
		break;
	}
}

const char *
win_reason(const struct install *in, const struct ring *r, char *buf, size_t len)
{
	buf[0] = '\0';
	state_words(in, buf, len);
	if (buf[0] != '\0')
		add(buf, len, "; ");
	timing_words(in, r, buf, len);
	return buf;
}
