/*
 * install_eq.h: two installs compared field by field.  The engine builds an
 * install as one literal, which leaves the bytes between fields undefined,
 * so a memcmp of two equal installs may differ; this compares the fields.
 */
#ifndef HP_INSTALL_EQ_H
#define HP_INSTALL_EQ_H

#include "windows.h"

#include <check.h>

#define INSTALL_FIELD(f) do { if (a->f != b->f) return #f; } while (0)

/* The name of the first field where a and b differ, or NULL when they are equal. */
static inline const char *
install_diff(const struct install *a, const struct install *b)
{
	INSTALL_FIELD(month);
	INSTALL_FIELD(os);
	INSTALL_FIELD(mi.month);
	INSTALL_FIELD(mi.kind);
	INSTALL_FIELD(mi.source);
	INSTALL_FIELD(mi.restart);
	INSTALL_FIELD(mi.unplanned);
	INSTALL_FIELD(mi.date.y);
	INSTALL_FIELD(mi.date.m);
	INSTALL_FIELD(mi.date.d);
	INSTALL_FIELD(mi.release_at);
	INSTALL_FIELD(mi.rel);
	INSTALL_FIELD(mi.ovr);
	INSTALL_FIELD(eligible);
	INSTALL_FIELD(not_eligible);
	INSTALL_FIELD(kind);
	INSTALL_FIELD(install);
	INSTALL_FIELD(state_before);
	INSTALL_FIELD(state);
	INSTALL_FIELD(cause);
	INSTALL_FIELD(cause_month);
	INSTALL_FIELD(upgrade);
	INSTALL_FIELD(oob);
	INSTALL_FIELD(expedited);
	INSTALL_FIELD(skipped);
	INSTALL_FIELD(pause);
	INSTALL_FIELD(forced_at);
	INSTALL_FIELD(forced_in);
	INSTALL_FIELD(restart_in);
	INSTALL_FIELD(cause_pause);
	INSTALL_FIELD(restart);
	INSTALL_FIELD(release_at);
	INSTALL_FIELD(offered_at);
	INSTALL_FIELD(install_deadline);
	INSTALL_FIELD(restart_deadline);
	INSTALL_FIELD(next_offered_at);
	INSTALL_FIELD(status);
	INSTALL_FIELD(window_start);
	INSTALL_FIELD(window_end);
	INSTALL_FIELD(window);
	INSTALL_FIELD(blackout);
	INSTALL_FIELD(why);
	return NULL;
}

#undef INSTALL_FIELD

#define ck_assert_install_eq(a, b) do { \
	const char *diff_ = install_diff((a), (b)); \
	ck_assert_msg(diff_ == NULL, "installs differ in %s", diff_); \
} while (0)

#endif
