/*
 * changes.h: what each recent data generation changed, so that a document
 * built before it may stand when nothing it reads changed.  Most changes
 * are "everything" (a reload, a blackout, a publish); an override changes
 * the months of one OS only, and an inventory import only the devices, so
 * after one override the feeds of the rings of other OSes keep their bytes,
 * ETags and gzip bodies instead of being built again.  Pure: no daemon.
 */
#ifndef HP_CHANGES_H
#define HP_CHANGES_H

#include <stdbool.h>
#include <stddef.h>

/* The last generations remembered: a document older than that is built again. */
#define CHANGES_KEPT	64

enum change_scope {
	CHANGE_ALL,		/* anything may have changed */
	CHANGE_OS,		/* the overrides of one OS, named by the change */
	CHANGE_DEVICES,		/* the device inventory */
};

struct change {
	unsigned		 generation;	/* the generation the change made */
	enum change_scope	 scope;
	char			*os;		/* CHANGE_OS: the OS id */
};

struct changes {
	struct change	 v[CHANGES_KEPT];	/* a ring: v[(first + i) % CHANGES_KEPT] */
	size_t		 first, n;
};

/* What a document reads: devices or not, and which OSes (reads_os(arg, id)). */
struct reads {
	bool	 devices;
	bool	(*reads_os)(const void *arg, const char *os);	/* NULL: every OS */
	const void *arg;
};

/* Remember that generation (the newest) made a change of scope (os for CHANGE_OS). */
void changes_note(struct changes *c, unsigned generation, enum change_scope scope,
    const char *os);

/*
 * May a document built at generation built, reading r, stand at generation
 * now?  Only if every generation after built up to now is remembered and
 * none changed what it reads.
 */
bool changes_spare(const struct changes *c, unsigned built, unsigned now,
    const struct reads *r);

void changes_free(struct changes *c);

#endif
