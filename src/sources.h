/*
 * sources.h: the calendar file and the ring files, read into memory once and
 * fingerprinted.  The store keeps the fingerprint of the files it last
 * imported, so a start-up whose files are byte for byte the same can serve
 * from the store without parsing them again.
 */
#ifndef HP_SOURCES_H
#define HP_SOURCES_H

#include "diag.h"
#include "fingerprint.h"
#include "model.h"

#include <stddef.h>

struct srcfile {
	char	*path;
	char	*buf;
	size_t	 len;
};

struct sources {
	struct srcfile	 cal;
	struct srcfile	*ring;		/* the ring files, in name order */
	size_t		 nring;
	char		 fingerprint[FP_HEX_LEN];	/* fingerprint.h */
};

/* Read every file; returns 0, or -1 with the reasons in d. */
int sources_read(const char *calendar, const char *schedules, struct sources *out,
    struct diags *d);
/*
 * The fingerprint sources_read would give the same files, read one at a time
 * through one buffer and not kept: what a start compares with the store's
 * before it knows whether it must parse them.  0, or -1 if a file cannot be
 * read as sources_read would (which then says why).
 */
int sources_fingerprint(const char *calendar, const char *schedules,
    char fingerprint[FP_HEX_LEN]);
/* Parse what was read, as calfile_load and ringfile_load_dir would; 0 or -1. */
int sources_parse(const struct sources *s, struct caldata *cal, struct ringset *rings,
    struct diags *d);
void sources_free(struct sources *s);

#endif
