/*
 * inventory.c: device inventories (CSV, Intune's export, Graph JSON) into
 * struct inventory.  One table, columns[], says for every fact which CSV
 * column (ours, Intune's) or Graph member carries it and how its value is
 * read; the three readers only find values and hand them to it.
 */
#include "inventory.h"
#include "util.h"

#include <jansson.h>

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A device being read, and what only the reader needs to know of it. */
struct row {
	struct device	 dev;
	bool		 other_platform;	/* iOS, Android, macOS: not ours to plan */
};

typedef int (*value_fn)(const char *v, void *dst, char *why, size_t whysz);

struct column {
	const char	*ours;		/* hotpatchd's CSV column, or NULL */
	const char	*intune;	/* Intune "All devices" export column, or NULL */
	const char	*graph;		/* Graph managedDevice member ("a/b": b inside a), or NULL */
	size_t		 off;		/* what it fills, in struct row */
	value_fn	 parse;		/* a non-empty value into dst */
};

static int p_platform(const char *, void *, char *, size_t);
static int p_name(const char *, void *, char *, size_t);
static int p_id(const char *, void *, char *, size_t);
static int p_text(const char *, void *, char *, size_t);
static int p_build(const char *, void *, char *, size_t);
static int p_arch(const char *, void *, char *, size_t);
static int p_bool(const char *, void *, char *, size_t);
static int p_state(const char *, void *, char *, size_t);
static int p_time(const char *, void *, char *, size_t);

#define AT(m)	offsetof(struct row, m)

/*
 * Read in this order: the platform first, so that a phone's row is left
 * out before its iOS version is read as a Windows build.  Later rows of
 * the same fact win when they give a value (virtualizationBasedSecurity,
 * beta, over virtualSecureMode).
 */
static const struct column columns[] = {
	{ NULL,		  "OS",			"operatingSystem",	AT(other_platform),	p_platform },
	{ "name",	  "Device name",	"deviceName",		AT(dev.name),		p_name },
	{ "ring",	  NULL,			NULL,			AT(dev.ring),		p_id },
	{ "group",	  "Category",		"deviceCategoryDisplayName", AT(dev.group),	p_text },
	{ "os",		  NULL,			NULL,			AT(dev.os),		p_id },
	{ "build",	  "OS version",		"osVersion",		AT(dev),		p_build },
	{ "arch",	  "ProcessorArchitecture", "processorArchitecture", AT(dev.arch),	p_arch },
	{ "vbs",	  NULL,			NULL,			AT(dev.vbs),		p_bool },
	{ NULL,		  NULL,	"deviceHealthAttestationState/virtualSecureMode", AT(dev.vbs),	p_state },
	{ NULL,		  NULL,	"deviceHealthAttestationState/virtualizationBasedSecurity", AT(dev.vbs), p_state },
	{ "chpe_disabled", NULL,		NULL,			AT(dev.chpe_disabled),	p_bool },
	{ "edition",	  "SkuFamily",		"skuFamily",		AT(dev.edition),	p_text },
	{ "licensed",	  NULL,			NULL,			AT(dev.licensed),	p_bool },
	{ "last_seen",	  "Last check-in",	"lastSyncDateTime",	AT(dev.last_seen),	p_time },
};
#define NCOLUMNS	ARRAY_LEN(columns)

/* ---- values ---- */

static int
why_set(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
	return -1;
}

static int
p_platform(const char *v, void *dst, char *why, size_t whysz)
{
	*(bool *)dst = strcasecmp(v, "Windows") != 0;
	return 0;
}

/* Text of one line, as given. */
static int
p_name(const char *v, void *dst, char *why, size_t whysz)
{
	for (const char *s = v; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return why_set(why, whysz, "a control character in \"%s\"", v);
	*(char **)dst = xstrdup(v);
	return 0;
}

/* The same, where "Unknown" is Graph's and Intune's word for none. */
static int
p_text(const char *v, void *dst, char *why, size_t whysz)
{
	if (strcasecmp(v, "Unknown") == 0)
		return 0;
	return p_name(v, dst, why, whysz);
}

/* A ring or OS id: [a-z0-9-], 1..32 characters, as ring files and the calendar write them. */
static int
p_id(const char *v, void *dst, char *why, size_t whysz)
{
	size_t n = strlen(v);

	if (n > 32 || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return why_set(why, whysz, "\"%s\" is not an id ([a-z0-9-], 1 to 32 characters)", v);
	*(char **)dst = xstrdup(v);
	return 0;
}

/* Digits only, 1..6 of them (Windows builds and revisions have at most 5). */
static int
number(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;

	if (n == 0 || n > 6)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int
inv_parse_build(const char *s, unsigned *build, unsigned *ubr, char *why, size_t whysz)
{
	const char *part[5];
	size_t len[5], n = 0;
	const char *p = s;
	unsigned v[4];

	for (;;) {
		const char *dot = strchr(p, '.');

		if (n == 5)
			goto bad;
		part[n] = p;
		len[n] = dot != NULL ? (size_t)(dot - p) : strlen(p);
		n++;
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	if (n != 2 && n != 4)
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (number(part[i], len[i], &v[i]) < 0)
			goto bad;
	if (n == 4 && (v[0] != 10 || v[1] != 0))
		goto bad;
	if (v[n - 2] == 0)
		goto bad;
	*build = v[n - 2];
	*ubr = v[n - 1];
	return 0;
bad:
	return why_set(why, whysz, "\"%s\" is not 10.0.BUILD.UBR or BUILD.UBR "
	    "(e.g. 10.0.26100.4066)", s);
}

static int
p_build(const char *v, void *dst, char *why, size_t whysz)
{
	struct device *d = dst;

	return inv_parse_build(v, &d->build, &d->ubr, why, whysz);
}

/* Graph's managedDeviceArchitecture names and the usual spellings; "unknown" is unknown. */
static int
p_arch(const char *v, void *dst, char *why, size_t whysz)
{
	static const struct {
		const char	*name;
		unsigned	 arch;
	} names[] = {
		{ "x64", ARCH_X64 }, { "amd64", ARCH_X64 }, { "x86_64", ARCH_X64 },
		{ "x86-64", ARCH_X64 }, { "arm64", ARCH_ARM64 }, { "aarch64", ARCH_ARM64 },
		{ "unknown", 0 },
	};

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcasecmp(v, names[i].name) == 0) {
			*(unsigned *)dst = names[i].arch;
			return 0;
		}
	return why_set(why, whysz, "\"%s\" is not x64 or arm64 (hotpatch has no other "
	    "architecture)", v);
}

static int
p_bool(const char *v, void *dst, char *why, size_t whysz)
{
	static const char *const yes[] = { "true", "yes", "1" }, *const no[] = { "false", "no", "0" };

	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*(enum tri *)dst = TRI_YES;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*(enum tri *)dst = TRI_NO;
			return 0;
		}
	}
	return why_set(why, whysz, "\"%s\" is not true, false, yes, no, 1 or 0", v);
}

/*
 * A health attestation state.  Graph documents these members as strings
 * without listing values; what reports show is enabled/disabled (and
 * notApplicable, unknown).  Anything else leaves the fact as it was.
 */
static int
p_state(const char *v, void *dst, char *why, size_t whysz)
{
	static const char *const on[] = { "enabled", "on", "running", "true", "yes", "1" };
	static const char *const off[] = { "disabled", "off", "notRunning", "false", "no", "0" };

	for (size_t i = 0; i < ARRAY_LEN(on); i++) {
		if (strcasecmp(v, on[i]) == 0)
			*(enum tri *)dst = TRI_YES;
		if (strcasecmp(v, off[i]) == 0)
			*(enum tri *)dst = TRI_NO;
	}
	return 0;
}

/* Exactly n digits at *s, advancing it; -1 if not. */
static int
digits(const char **s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*s)++) {
		if (**s < '0' || **s > '9')
			return -1;
		v = v * 10 + (**s - '0');
	}
	return v;
}

/*
 * ISO 8601: a date, or a date and time ('T' or a space between) with
 * optional seconds and fraction, and Z or an offset (none: UTC).  Graph's
 * 0001-01-01T00:00:00Z means never, so unknown.
 */
static int
p_time(const char *v, void *dst, char *why, size_t whysz)
{
	const char *s = v;
	struct ymd d;
	int h = 0, mi = 0, sec = 0, off = 0;
	char date[11];

	if (strlen(v) < 10)
		goto bad;
	memcpy(date, v, 10);
	date[10] = '\0';
	if (strncmp(v, "0001-01-01", 10) == 0) {
		*(time_t *)dst = 0;
		return 0;
	}
	if (ymd_parse(date, &d) < 0)
		goto bad;
	s += 10;
	if (*s == 'T' || *s == ' ') {
		s++;
		if ((h = digits(&s, 2)) < 0 || h > 23 || *s++ != ':' ||
		    (mi = digits(&s, 2)) < 0 || mi > 59)
			goto bad;
		if (*s == ':') {
			s++;
			if ((sec = digits(&s, 2)) < 0 || sec > 60)
				goto bad;
			if (*s == '.' || *s == ',') {
				s++;
				if (*s < '0' || *s > '9')
					goto bad;
				while (*s >= '0' && *s <= '9')
					s++;
			}
		}
		if (*s == 'Z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			int sign = *s++ == '-' ? -1 : 1, oh, om;

			if ((oh = digits(&s, 2)) < 0 || oh > 23)
				goto bad;
			if (*s == ':')
				s++;
			if ((om = digits(&s, 2)) < 0 || om > 59)
				goto bad;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*s != '\0')
		goto bad;
	*(time_t *)dst = (time_t)ymd_days(d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
bad:
	return why_set(why, whysz, "\"%s\" is not an ISO 8601 date or date-time "
	    "(2026-11-30 or 2026-11-30T08:12:45Z)", v);
}

/* ---- the report ---- */

struct reader {
	const struct inv_options *opt;
	struct inv_report	*rep;
	struct inventory	*out;
	size_t			 cap;
	struct strindex		 names;		/* lower-cased name -> position in out */
	char			**keys;		/* the index's keys, owned */
	size_t			 nkeys, keycap;
};

static void
add_warning(struct inv_report *rep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rep->warn = xreallocarray(rep->warn, rep->nwarn + 1, sizeof(*rep->warn));
	rep->warn[rep->nwarn++] = xvasprintf(fmt, ap);
	va_end(ap);
}

static void
reject(struct inv_report *rep, long line, int col, const char *fmt, ...)
{
	va_list ap;
	struct inv_reject *r;

	rep->nrej_total++;
	if (rep->nrej == INV_MAX_REJECTS)
		return;
	rep->rej = xreallocarray(rep->rej, rep->nrej + 1, sizeof(*rep->rej));
	r = &rep->rej[rep->nrej++];
	r->line = line;
	r->col = col;
	va_start(ap, fmt);
	r->msg = xvasprintf(fmt, ap);
	va_end(ap);
}

static int
fail(struct inv_report *rep, const char *fmt, ...)
{
	va_list ap;

	if (rep->error == NULL) {
		va_start(ap, fmt);
		rep->error = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Parse one value of column c into r.  Returns 0; -1 when the value
 * refuses the row (rejected, naming what); 1 when the row is of another
 * platform (counted).  Either way the caller drops the row on non-zero.
 */
static int
take(struct reader *rd, struct row *r, const struct column *c, const char *what,
    const char *v, size_t len, long line, int col)
{
	char why[INV_MAX_FIELD + 160];

	if (len > INV_MAX_FIELD) {
		reject(rd->rep, line, col, "%s: longer than %d bytes", what, INV_MAX_FIELD);
		return -1;
	}
	if (!utf8_valid(v, len)) {
		reject(rd->rep, line, col, "%s: not UTF-8", what);
		return -1;
	}
	if (memchr(v, '\0', len) != NULL) {
		reject(rd->rep, line, col, "%s: a NUL byte", what);
		return -1;
	}
	if (len == 0)
		return 0;
	if (c->parse(v, (char *)r + c->off, why, sizeof(why)) < 0) {
		reject(rd->rep, line, col, "%s: %s", what, why);
		return -1;
	}
	if (r->other_platform) {
		rd->rep->nskipped++;
		return 1;
	}
	return 0;
}

/* A row read without fault: check what the whole row needs, then keep it or reject it. */
static void
keep(struct reader *rd, struct row *r, long line)
{
	char *key;
	size_t pos;

	if (r->dev.name == NULL) {
		reject(rd->rep, line, 0, "no device name");
		goto drop;
	}
	if (r->dev.build == 0 && r->dev.os == NULL) {
		reject(rd->rep, line, 0, "%s: neither a build nor an OS", r->dev.name);
		goto drop;
	}
	key = xstrdup(r->dev.name);
	for (char *k = key; *k != '\0'; k++)
		*k = (char)tolower((unsigned char)*k);
	if (strindex_get(&rd->names, key, &pos)) {
		reject(rd->rep, line, 0, "%s: the same name as line %ld (names are compared "
		    "without case)", r->dev.name, rd->out->dev[pos].line);
		free(key);
		goto drop;
	}
	grow(&rd->keys, rd->nkeys, &rd->keycap, sizeof(*rd->keys));
	rd->keys[rd->nkeys++] = key;
	strindex_put(&rd->names, key, rd->out->ndev);
	if (r->dev.ring == NULL && r->dev.group == NULL && rd->opt->default_ring != NULL)
		r->dev.ring = xstrdup(rd->opt->default_ring);
	r->dev.line = line;
	grow(&rd->out->dev, rd->out->ndev, &rd->cap, sizeof(*rd->out->dev));
	rd->out->dev[rd->out->ndev++] = r->dev;
	return;
drop:
	device_free(&r->dev);
}

static void
row_init(struct row *r)
{
	memset(r, 0, sizeof(*r));
	r->dev.vbs = r->dev.chpe_disabled = r->dev.licensed = TRI_UNKNOWN;
}

/* ---- CSV (RFC 4180) ---- */

struct csv {
	const char	*p, *end;
	const char	*linestart;	/* of the physical line p is on */
	long		 line;
	long		 recline;	/* where the current record starts */
	char		*buf;		/* the record's values, unquoted, each NUL-terminated */
	size_t		 len, cap;
	size_t		*off, *flen;	/* per value kept: offset in buf, length */
	int		*col;		/* per value kept: byte column where it starts */
	size_t		 nf;		/* values in the record (only the first INV_MAX_COLUMNS + 1 kept) */
	bool		 blank;		/* the record is an empty line */
};

#define CSV_KEEP	(INV_MAX_COLUMNS + 1)

static void
csv_put(struct csv *c, const char *s, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		while (c->len + n + 1 > c->cap)
			c->cap = c->cap ? c->cap * 2 : 1024;
		c->buf = xreallocarray(c->buf, c->cap, 1);
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
}

static void
csv_newline(struct csv *c)
{
	c->line++;
	c->linestart = c->p;
}

/* A quoted value from the opening quote at c->p; -1 with err on a syntax fault. */
static int
csv_quoted(struct csv *c, bool kept, char *err, size_t errsz)
{
	long qline = c->line;
	int qcol = (int)(c->p - c->linestart) + 1;

	c->p++;
	for (;;) {
		const char *q = c->p;

		while (q < c->end && *q != '"' && *q != '\n')
			q++;
		if (kept)
			csv_put(c, c->p, (size_t)(q - c->p));
		if (q == c->end)
			return why_set(err, errsz, "line %ld, column %d: the quoted value is "
			    "not closed", qline, qcol);
		c->p = q + 1;
		if (*q == '\n') {
			if (kept)
				csv_put(c, "\n", 1);
			csv_newline(c);
		} else if (c->p < c->end && *c->p == '"') {
			if (kept)
				csv_put(c, "\"", 1);
			c->p++;
		} else {
			break;
		}
	}
	if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
		return why_set(err, errsz, "line %ld, column %d: after a closing quote, a "
		    "comma or the end of the line", c->line, (int)(c->p - c->linestart) + 1);
	return 0;
}

static int
csv_plain(struct csv *c, bool kept, char *err, size_t errsz)
{
	const char *q = c->p;

	while (q < c->end && *q != ',' && *q != '\n' && *q != '\r' && *q != '"')
		q++;
	if (q < c->end && *q == '"')
		return why_set(err, errsz, "line %ld, column %d: a quote inside an unquoted "
		    "value (quote the whole value and double the quote)", c->line,
		    (int)(q - c->linestart) + 1);
	if (kept)
		csv_put(c, c->p, (size_t)(q - c->p));
	c->p = q;
	return 0;
}

/* The next record: 1, 0 at the end, -1 with err on a syntax fault. */
static int
csv_record(struct csv *c, char *err, size_t errsz)
{
	size_t cap = CSV_KEEP;

	if (c->p == c->end)
		return 0;
	if (c->off == NULL) {
		c->off = xcalloc(cap, sizeof(*c->off));
		c->flen = xcalloc(cap, sizeof(*c->flen));
		c->col = xcalloc(cap, sizeof(*c->col));
	}
	c->len = 0;
	c->nf = 0;
	c->recline = c->line;
	c->blank = *c->p == '\n' || *c->p == '\r';
	for (;;) {
		bool kept = c->nf < CSV_KEEP;
		size_t start = c->len;
		int col = (int)(c->p - c->linestart) + 1;

		if (c->p < c->end && *c->p == '"') {
			c->blank = false;
			if (csv_quoted(c, kept, err, errsz) < 0)
				return -1;
		} else if (csv_plain(c, kept, err, errsz) < 0) {
			return -1;
		}
		if (kept) {
			c->off[c->nf] = start;
			c->flen[c->nf] = c->len - start;
			c->col[c->nf] = col;
			csv_put(c, "", 1);
			c->len++;
		}
		c->nf++;
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == '\r') {
			if (c->p + 1 == c->end || c->p[1] != '\n')
				return why_set(err, errsz, "line %ld, column %d: a carriage return "
				    "not followed by a line feed", c->line,
				    (int)(c->p - c->linestart) + 1);
			c->p++;
		}
		if (c->p < c->end) {
			c->p++;
			csv_newline(c);
		}
		return 1;
	}
}

static char *
csv_value(const struct csv *c, size_t i)
{
	return c->buf + c->off[i];
}

static void
csv_free(struct csv *c)
{
	free(c->buf);
	free(c->off);
	free(c->flen);
	free(c->col);
}

/* The header's name for column c in this file's dialect. */
static const char *
column_name(const struct column *c, bool intune)
{
	return intune ? c->intune : c->ours;
}

/* Trim spaces and tabs around [*s, *s + *n). */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static bool
header_is(const struct csv *c, size_t i, const char *name)
{
	const char *s = csv_value(c, i);
	size_t n = c->flen[i];

	trim(&s, &n);
	return name != NULL && strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* Which dialect: ours if a column is "name", Intune's if one is "Device name". */
static int
csv_dialect(const struct csv *c, bool *intune)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < c->nf; i++)
			if (header_is(c, i, pass == 0 ? "name" : "Device name")) {
				*intune = pass == 1;
				return 0;
			}
	return -1;
}

/* The ignored columns, in one warning of bounded length. */
static void
csv_warn_unknown(struct reader *rd, const struct csv *c, const bool *known)
{
	char list[512] = "";
	size_t n = 0, len = 0;

	for (size_t i = 0; i < c->nf; i++) {
		if (known[i])
			continue;
		if (len < sizeof(list) - 80)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s\"%.64s\"",
			    n ? ", " : "", csv_value(c, i));
		n++;
	}
	if (n > 0)
		add_warning(rd->rep, "%zu column%s ignored: %s%s", n, n == 1 ? "" : "s", list,
		    len >= sizeof(list) - 80 ? ", ..." : "");
}

/* The position in columns[] of our column name. */
static size_t
column_of(const char *ours)
{
	for (size_t k = 0; k < NCOLUMNS; k++)
		if (columns[k].ours != NULL && strcmp(columns[k].ours, ours) == 0)
			return k;
	abort();
}

/* The header: map each of columns[] to its column in the file (or -1). */
static int
csv_header(struct reader *rd, const struct csv *c, int *at, bool *dialect)
{
	bool intune, known[INV_MAX_COLUMNS] = { false };

	if (c->nf > INV_MAX_COLUMNS)
		return fail(rd->rep, "line %ld: more than %d columns", c->recline,
		    INV_MAX_COLUMNS);
	if (csv_dialect(c, &intune) < 0)
		return fail(rd->rep, "line %ld: no \"name\" column (or Intune's \"Device "
		    "name\")", c->recline);
	for (size_t k = 0; k < NCOLUMNS; k++) {
		at[k] = -1;
		for (size_t i = 0; i < c->nf; i++) {
			if (!header_is(c, i, column_name(&columns[k], intune)))
				continue;
			if (at[k] >= 0)
				return fail(rd->rep, "line %ld, column %d: \"%s\" again (first at "
				    "column %d)", c->recline, c->col[i], column_name(&columns[k],
				    intune), c->col[at[k]]);
			at[k] = (int)i;
			known[i] = true;
		}
	}
	if (at[column_of("build")] < 0 && at[column_of("os")] < 0)
		return fail(rd->rep, intune ? "line %ld: no \"OS version\" column" :
		    "line %ld: neither a \"build\" nor an \"os\" column", c->recline);
	csv_warn_unknown(rd, c, known);
	*dialect = intune;
	return 0;
}

static void
csv_row(struct reader *rd, const struct csv *c, const int *at, size_t ncols, bool intune)
{
	struct row r;

	if (c->nf != ncols) {
		reject(rd->rep, c->recline, 0, "%zu values, the header has %zu", c->nf, ncols);
		return;
	}
	row_init(&r);
	for (size_t k = 0; k < NCOLUMNS; k++) {
		const char *v;
		size_t n;

		if (at[k] < 0)
			continue;
		v = csv_value(c, (size_t)at[k]);
		n = c->flen[at[k]];
		trim(&v, &n);
		((char *)v)[n] = '\0';	/* our own buffer: the value ends here now */
		if (take(rd, &r, &columns[k], column_name(&columns[k], intune), v, n,
		    c->recline, c->col[at[k]]) != 0) {
			device_free(&r.dev);
			return;
		}
	}
	keep(rd, &r, c->recline);
}

static int
read_csv(struct reader *rd, const char *text, size_t len)
{
	struct csv c = { .p = text, .end = text + len, .linestart = text, .line = 1 };
	int at[NCOLUMNS], rc;
	char err[256];
	size_t ncols = 0;
	bool intune = false, header = true;

	while ((rc = csv_record(&c, err, sizeof(err))) > 0) {
		if (c.blank && c.nf == 1)
			continue;
		if (header) {
			if ((rc = csv_header(rd, &c, at, &intune)) < 0)
				break;
			ncols = c.nf;
			header = false;
			continue;
		}
		if (++rd->rep->nrows > INV_MAX_ROWS) {
			rc = fail(rd->rep, "line %ld: more than %d rows; split the inventory",
			    c.recline, INV_MAX_ROWS);
			break;
		}
		csv_row(rd, &c, at, ncols, intune);
	}
	if (rc < 0 && rd->rep->error == NULL)
		fail(rd->rep, "%s", err);
	if (rc == 0 && header)
		rc = fail(rd->rep, "no header line");
	csv_free(&c);
	return rc < 0 ? -1 : 0;
}

/* ---- Graph JSON ---- */

/* The member a column names ("a/b": b of the object a), or NULL. */
static json_t *
graph_member(json_t *dev, const char *path)
{
	const char *slash = strchr(path, '/');
	char outer[64];

	if (slash == NULL)
		return json_object_get(dev, path);
	snprintf(outer, sizeof(outer), "%.*s", (int)(slash - path), path);
	dev = json_object_get(dev, outer);
	return json_is_object(dev) ? json_object_get(dev, slash + 1) : NULL;
}

static void
json_row(struct reader *rd, json_t *item, long line)
{
	struct row r;

	if (!json_is_object(item)) {
		reject(rd->rep, line, 0, "not an object");
		return;
	}
	row_init(&r);
	for (size_t k = 0; k < NCOLUMNS; k++) {
		const struct column *c = &columns[k];
		json_t *v;

		if (c->graph == NULL || (v = graph_member(item, c->graph)) == NULL ||
		    json_is_null(v))
			continue;
		if (!json_is_string(v)) {
			reject(rd->rep, line, 0, "%s: not a string", c->graph);
			device_free(&r.dev);
			return;
		}
		if (take(rd, &r, c, c->graph, json_string_value(v), json_string_length(v),
		    line, 0) != 0) {
			device_free(&r.dev);
			return;
		}
	}
	keep(rd, &r, line);
}

static int
read_json(struct reader *rd, const char *text, size_t len)
{
	json_error_t je;
	json_t *doc, *list, *item;
	size_t i;

	if ((doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return fail(rd->rep, "line %d, column %d: %s", je.line, je.column, je.text);
	list = doc;
	if (json_is_object(doc)) {
		list = json_object_get(doc, "value");
		if (json_object_get(doc, "@odata.nextLink") != NULL)
			add_warning(rd->rep, "this is one page of several (@odata.nextLink): only its "
			    "devices were read; follow every nextLink and import them all");
	}
	if (!json_is_array(list)) {
		json_decref(doc);
		return fail(rd->rep, "neither an array of devices nor a Graph page "
		    "({\"value\": [...]})");
	}
	if (json_array_size(list) > INV_MAX_ROWS) {
		json_decref(doc);
		return fail(rd->rep, "more than %d devices; split the inventory", INV_MAX_ROWS);
	}
	json_array_foreach(list, i, item) {
		rd->rep->nrows++;
		json_row(rd, item, (long)i + 1);
	}
	json_decref(doc);
	return 0;
}

/* ---- the whole ---- */

static enum inv_format
detect(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')
			continue;
		return text[i] == '{' || text[i] == '[' ? INV_JSON : INV_CSV;
	}
	return INV_CSV;
}

static void
reader_free(struct reader *rd)
{
	for (size_t i = 0; i < rd->nkeys; i++)
		free(rd->keys[i]);
	free(rd->keys);
	strindex_free(&rd->names);
}

int
inventory_parse(const char *text, size_t len, enum inv_format fmt,
    const struct inv_options *opt, struct inventory *out, struct inv_report *rep)
{
	static const struct inv_options none = { 0 };
	struct reader rd = { .opt = opt != NULL ? opt : &none, .rep = rep, .out = out };
	int rc;

	if (len > INV_MAX_BYTES)
		return fail(rep, "larger than %u bytes", INV_MAX_BYTES);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	rep->format = fmt == INV_AUTO ? detect(text, len) : fmt;
	rc = rep->format == INV_JSON ? read_json(&rd, text, len) : read_csv(&rd, text, len);
	if (rc == 0 && rep->nskipped > 0)
		add_warning(rep, "%zu device%s of another platform than Windows left out",
		    rep->nskipped, rep->nskipped == 1 ? "" : "s");
	if (rc == 0 && rep->nrej_total > 0 && !rd.opt->skip_bad) {
		char col[32] = "";

		if (rep->rej[0].col > 0)
			snprintf(col, sizeof(col), ", column %d", rep->rej[0].col);
		rc = fail(rep, "%zu bad row%s, nothing read; the first: %s %ld%s: %s",
		    rep->nrej_total, rep->nrej_total == 1 ? "" : "s",
		    rep->format == INV_JSON ? "device" : "line", rep->rej[0].line, col,
		    rep->rej[0].msg);
	}
	reader_free(&rd);
	if (rc < 0)
		inventory_free(out);
	return rc;
}

void
inv_report_free(struct inv_report *rep)
{
	for (size_t i = 0; i < rep->nrej; i++)
		free(rep->rej[i].msg);
	free(rep->rej);
	for (size_t i = 0; i < rep->nwarn; i++)
		free(rep->warn[i]);
	free(rep->warn);
	free(rep->error);
	memset(rep, 0, sizeof(*rep));
}
