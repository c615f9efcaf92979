/*
 * publish.h: published answers made at run time (hotpatchctl publish, or an
 * import), beside those shipped in the calendar file.  Pure: no I/O.
 *
 * The rule: for one OS and month, a run-time published answer wins over
 * the file's (an admin made it deliberately, and after the file was
 * written); the file's answer is kept in release.file, and when the two
 * differ that is a conflict, shown in status, calendar, month and the log
 * until the file agrees or "publish clear" brings the file's answer back.
 */
#ifndef HP_PUBLISH_H
#define HP_PUBLISH_H

#include "model.h"

/* The origin of what hotpatchctl publish records (by hand); an import names itself. */
#define PUBLISH_ORIGIN_CTL	"hotpatchctl"

/* The parts of a published answer, one bit each, for publish_diff. */
enum pub_part {
	PUB_KIND = 1 << 0,
	PUB_UNPLANNED = 1 << 1,
	PUB_DATE = 1 << 2,	/* the release date, Patch Tuesday when unset */
	PUB_KB = 1 << 3,
	PUB_BUILD = 1 << 4,
	PUB_EXPEDITED = 1 << 5,
};

/* The parts in which a and b (the same month) differ; the note is commentary, not answer. */
unsigned publish_diff(const struct release *a, const struct release *b);

#define PUB_NPARTS 6
/* The names of the parts in diff ("kind", "kb"), in enum order, into names; how many. */
size_t publish_diff_names(unsigned diff, const char *names[PUB_NPARTS]);

/* For a run-time entry whose file entry differs: that file entry; else NULL. */
const struct release *publish_conflict(const struct release *r);

/*
 * Put the run-time entries rt[0..n) (sorted by month, unique) into os->rel
 * (the file's, sorted): a month the file also publishes gets the run-time
 * entry, with the file's moved into its .file.  Takes the entries of rt
 * (not the array itself); os->rel stays sorted.
 */
void publish_merge(struct os_def *os, struct release *rt, size_t n);

/*
 * Is r a publishable answer for os: KB and build shapes, the date inside
 * r->month, unplanned only on a baseline, no hotpatch before the OS's
 * hotpatch_start (the calendar file's rules).  NULL, or what is wrong
 * (allocated).
 */
char *publish_check(const struct os_def *os, const struct release *r);

#endif
