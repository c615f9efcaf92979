/* calfile.h: load data/calendar.yaml into a struct caldata. */
#ifndef HP_CALFILE_H
#define HP_CALFILE_H

#include "diag.h"
#include "model.h"

#include <stddef.h>

/* The calendar format version this build reads. */
#define CALFILE_VERSION 1

/*
 * Load and check the calendar file.  Returns 0 and fills *out (zeroed by the
 * caller), or -1 with every error added to d and *out left empty.
 */
int calfile_load(const char *file, struct caldata *out, struct diags *d);

/* The same for len bytes of YAML at buf; name is used in messages (and its
 * base name as the author of shipped overrides). */
int calfile_parse(const char *name, const char *buf, size_t len, struct caldata *out,
    struct diags *d);

#endif
