/* sources.c: read, fingerprint and parse the calendar and ring files. */
#include "calfile.h"
#include "ringfile.h"
#include "sources.h"
#include "util.h"
#include "yamltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
read_one(const char *path, struct srcfile *f, struct diags *d)
{
	f->path = xstrdup(path);
	return (f->buf = ytree_read(path, &f->len, d)) == NULL ? -1 : 0;
}

/* Each file's path and bytes, with their lengths, so no two sets hash alike by shifting. */
static uint64_t
mix(uint64_t h, const void *p, size_t len)
{
	uint64_t v[2] = { h, len };

	return hash64(v, sizeof(v)) ^ hash64(p, len);
}

static void
fingerprint(struct sources *s)
{
	uint64_t h = hash64(PACKAGE_VERSION, strlen(PACKAGE_VERSION));

	h = mix(h, s->cal.path, strlen(s->cal.path));
	h = mix(h, s->cal.buf, s->cal.len);
	for (size_t i = 0; i < s->nring; i++) {
		h = mix(h, s->ring[i].path, strlen(s->ring[i].path));
		h = mix(h, s->ring[i].buf, s->ring[i].len);
	}
	snprintf(s->fingerprint, sizeof(s->fingerprint), "%016llx", (unsigned long long)h);
}

int
sources_read(const char *calendar, const char *schedules, struct sources *out,
    struct diags *d)
{
	char **paths;
	int n, bad;

	memset(out, 0, sizeof(*out));
	bad = read_one(calendar, &out->cal, d);
	if ((n = ringfile_list(schedules, &paths, d)) < 0) {
		sources_free(out);
		return -1;
	}
	out->ring = xcalloc((size_t)n + 1, sizeof(*out->ring));
	for (out->nring = 0; out->nring < (size_t)n; out->nring++)
		bad |= read_one(paths[out->nring], &out->ring[out->nring], d);
	ringfile_list_free(paths);
	if (bad) {
		sources_free(out);
		return -1;
	}
	fingerprint(out);
	return 0;
}

int
sources_parse(const struct sources *s, struct caldata *cal, struct ringset *rings,
    struct diags *d)
{
	struct ringset set = { 0 };
	size_t before = d->n;

	if (calfile_parse(s->cal.path, s->cal.buf, s->cal.len, cal, d) < 0)
		return -1;
	for (size_t i = 0; i < s->nring; i++)
		ringfile_parse(s->ring[i].path, s->ring[i].buf, s->ring[i].len, cal, &set, d);
	if (ringfile_done(&set, before, rings, d) < 0) {
		caldata_free(cal);
		return -1;
	}
	return 0;
}

static void
srcfile_free(struct srcfile *f)
{
	free(f->path);
	free(f->buf);
}

void
sources_free(struct sources *s)
{
	srcfile_free(&s->cal);
	for (size_t i = 0; i < s->nring; i++)
		srcfile_free(&s->ring[i]);
	free(s->ring);
	memset(s, 0, sizeof(*s));
}
