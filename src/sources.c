/* sources.c: read, fingerprint and parse the calendar and ring files. */
#include "calfile.h"
#include "fingerprint.h"
#include "ringfile.h"
#include "sources.h"
#include "util.h"
#include "yamltree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
read_one(const char *path, struct srcfile *f, struct diags *d)
{
	f->path = xstrdup(path);
	return (f->buf = ytree_read(path, &f->len, d)) == NULL ? -1 : 0;
}

static void
fingerprint(struct sources *s)
{
	struct fingerprint f;

	fp_begin(&f);
	fp_add(&f, s->cal.path, s->cal.buf, s->cal.len);
	for (size_t i = 0; i < s->nring; i++)
		fp_add(&f, s->ring[i].path, s->ring[i].buf, s->ring[i].len);
	fp_hex(&f, s->fingerprint);
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

/*
 * The bytes of path into *buf (grown as needed, kept for the next file), as
 * ytree_read would return them; -1 where ytree_read would refuse the file.
 */
static int
read_into(const char *path, char **buf, size_t *cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = 1;

	if (fd < 0)
		return -1;
	for (*len = 0; r != 0 && *len <= YTREE_MAX_BYTES;) {
		if (*cap - *len < 65536) {
			*cap = *cap * 2 + 65536;
			*buf = xreallocarray(*buf, *cap, 1);
		}
		r = read(fd, *buf + *len, *cap - *len);
		if (r < 0 && errno != EINTR)
			break;
		*len += r > 0 ? (size_t)r : 0;
	}
	close(fd);
	return r == 0 ? 0 : -1;
}

int
sources_fingerprint(const char *calendar, const char *schedules,
    char fingerprint[FP_HEX_LEN])
{
	struct fingerprint f;
	struct diags d = { 0 };
	char **paths, *buf = NULL;
	size_t cap = 0, len;
	int n, rc;

	if ((n = ringfile_list(schedules, &paths, &d)) < 0) {
		diags_free(&d);
		return -1;
	}
	fp_begin(&f);
	rc = read_into(calendar, &buf, &cap, &len);
	if (rc == 0)
		fp_add(&f, calendar, buf, len);
	for (int i = 0; i < n && rc == 0; i++)
		if ((rc = read_into(paths[i], &buf, &cap, &len)) == 0)
			fp_add(&f, paths[i], buf, len);
	free(buf);
	ringfile_list_free(paths);
	if (rc == 0)
		fp_hex(&f, fingerprint);
	return rc;
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
