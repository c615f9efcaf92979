/* ringfile.h: load the ring files in schedules/ into a struct ringset. */
#ifndef HP_RINGFILE_H
#define HP_RINGFILE_H

#include "diag.h"
#include "model.h"

#include <stddef.h>

#define RINGFILE_VERSION 1

/*
 * Load every *.yaml file of dir in name order, checking OS ids against cal.
 * Returns 0 and fills *out (zeroed by the caller), or -1 with every error
 * added to d and *out left empty.
 */
int ringfile_load_dir(const char *dir, const struct caldata *cal,
    struct ringset *out, struct diags *d);

/* The ring files of dir (*.yaml, not hidden) in name order, as a NULL-ended list; or -1. */
int ringfile_list(const char *dir, char ***paths, struct diags *d);
void ringfile_list_free(char **paths);

/*
 * End a load into set that started with diags_count(d) == before: on errors
 * free set and return -1; else index it, move it to *out and return 0.
 */
int ringfile_done(struct ringset *set, size_t before, struct ringset *out,
    const struct diags *d);

/* The same for a single file, appended to *out; on error *out is unchanged. */
int ringfile_load(const char *file, const struct caldata *cal,
    struct ringset *out, struct diags *d);

/* The same for len bytes of YAML at buf; name is used in messages. */
int ringfile_parse(const char *name, const char *buf, size_t len, const struct caldata *cal,
    struct ringset *out, struct diags *d);

/*
 * Set key of the ring at pos of set to value, read as YAML the way a ring
 * file reads it (hotpatchctl plan --set RING.KEY=VALUE): the key's own
 * parser and range, then the checks across the ring's keys, its id against
 * the other rings and its groups against theirs.  key is a key of a ring
 * ("deferral_days") or of a mapping in it ("devices.vbs"); blackouts:
 * replaces the ring's own file blackouts in set->bo.  Errors go to d as
 * "name: message".  Returns 0, with set indexed again; or -1, and then set
 * may only be freed.
 */
int ringfile_set(struct ringset *set, size_t pos, const char *key, const char *value,
    const char *name, const struct caldata *cal, struct diags *d);

struct yctx;
struct ynode;

/*
 * The list of blackouts at n (ringfile_blackout.c), appended to *v (*nv
 * of them, room for *cap): once, every year (every: year, MM-DD) or by an
 * RRULE (rrule, except), each checked with its errors in c.  Returns 0, or
 * -1 when one was refused (the others are kept).
 */
int ringfile_blackouts(struct yctx *c, const struct ynode *n, struct blackout **v, size_t *nv,
    size_t *cap);

/* True if name is a time zone libical knows (an IANA name, or "UTC"). */
int ringfile_timezone_ok(const char *name);

#endif
