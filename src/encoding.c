/*
 * encoding.c: Accept-Encoding, what is worth compressing, and gzip.
 */
#include "encoding.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libdeflate.h>

/* RFC 9110 5.6.2: the characters of a token. */
static const char tchars[] = "!#$%&'*+-.^_`|~0123456789"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

#define Q_ONE	1000

void
accept_coding_init(struct accept_coding *a)
{
	a->gzip = a->identity = a->star = -1;
}

static const char *
skip_ows(const char *p)
{
	return p + strspn(p, " \t");
}

/*
 * A qvalue (RFC 9110 12.4.2: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")]) of
 * n bytes at p, in thousandths; -1 if it is not one.
 */
static int
qvalue(const char *p, size_t n)
{
	int q = 0, scale = 100;

	if (n == 0 || (p[0] != '0' && p[0] != '1') || n > 5 ||
	    (n > 1 && p[1] != '.'))
		return -1;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		q += (p[i] - '0') * scale;
	}
	if (p[0] == '1')
		return q == 0 ? Q_ONE : -1;
	return q;
}

/* Past a quoted-string starting at p ('"'); at its end if unterminated. */
static const char *
skip_quoted(const char *p)
{
	for (p++; *p != '\0' && *p != '"'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p == '"' ? p + 1 : p;
}

/*
 * The parameters of one member, from p (after its coding): its q-value
 * in *q (1000 if none), and where they end.  *q is -1 if they are malformed.
 */
static const char *
member_params(const char *p, int *q)
{
	*q = Q_ONE;
	while (*(p = skip_ows(p)) == ';') {
		const char *name = skip_ows(p + 1), *val;
		size_t nlen = strspn(name, tchars), vlen;

		p = skip_ows(name + nlen);
		if (nlen == 0 || *p != '=') {
			*q = -1;
			return p;
		}
		val = skip_ows(p + 1);
		if (*val == '"') {
			p = skip_quoted(val);
			vlen = 0;	/* a quoted q is no qvalue */
		} else {
			vlen = strspn(val, tchars);
			p = val + vlen;
		}
		if (nlen == 1 && (name[0] == 'q' || name[0] == 'Q') &&
		    (*q = qvalue(val, vlen)) < 0)
			return p;
	}
	return p;
}

/* Record coding (n bytes) at q, unless named before. */
static void
record(struct accept_coding *a, const char *coding, size_t n, int q)
{
	int *slot = NULL;

	if ((n == 4 && strncasecmp(coding, "gzip", 4) == 0) ||
	    (n == 6 && strncasecmp(coding, "x-gzip", 6) == 0))
		slot = &a->gzip;
	else if (n == 8 && strncasecmp(coding, "identity", 8) == 0)
		slot = &a->identity;
	else if (n == 1 && coding[0] == '*')
		slot = &a->star;
	if (slot != NULL && *slot < 0)
		*slot = q;
}

void
accept_coding_add(struct accept_coding *a, const char *value)
{
	const char *p = value;

	while (p != NULL && *p != '\0') {
		const char *coding = skip_ows(p + strspn(p, ","));
		size_t n = strspn(coding, tchars);
		int q;

		p = member_params(coding + n, &q);
		p = skip_ows(p);
		/* a member is a coding, its parameters and then a comma or the end */
		if (n > 0 && q >= 0 && (*p == ',' || *p == '\0'))
			record(a, coding, n, q);
		p += strcspn(p, ",");
	}
}

bool
accept_coding_gzip(const struct accept_coding *a)
{
	int gz = a->gzip >= 0 ? a->gzip : a->star >= 0 ? a->star : 0;
	int id = a->identity >= 0 ? a->identity : a->star;

	return gz > 0 && (id < 0 || gz >= id);
}

bool
accepts_gzip(const char *value)
{
	struct accept_coding a;

	accept_coding_init(&a);
	accept_coding_add(&a, value);
	return accept_coding_gzip(&a);
}

/* Text compresses several times over; other types (images, archives) would not. */
static const char *const worth_types[] = {
	"text/calendar", "text/html", "text/plain", "application/json", NULL,
};

bool
gzip_worth(const char *type, size_t len)
{
	if (type == NULL || len < GZIP_MIN_BYTES)
		return false;
	for (size_t i = 0; worth_types[i] != NULL; i++) {
		size_t n = strlen(worth_types[i]);

		if (strncasecmp(type, worth_types[i], n) == 0 &&
		    (type[n] == '\0' || type[n] == ';' || type[n] == ' '))
			return true;
	}
	return false;
}

/*
 * One compressor per thread, made on first use: allocating it costs more
 * than compressing a feed.  The daemon's main thread keeps its own for
 * good; a gzpool worker frees its own with gzip_thread_end.
 * Level 8: measured (bench/gzlevels.c) about 3x faster than zlib's 9 and
 * no bigger on a feed; bodies are compressed once per page version.
 * libdeflate is deterministic at a level, so every thread makes the same bytes.
 */
static _Thread_local struct libdeflate_compressor *thread_compressor;

static struct libdeflate_compressor *
compressor(void)
{
	if (thread_compressor == NULL)
		thread_compressor = libdeflate_alloc_compressor(8);
	return thread_compressor;
}

void
gzip_thread_end(void)
{
	libdeflate_free_compressor(thread_compressor);
	thread_compressor = NULL;
}

char *
gzip_bytes(const void *data, size_t len, size_t *outlen)
{
	struct libdeflate_compressor *c = compressor();
	size_t cap, n;
	char *out;

	if (c == NULL)
		return NULL;
	cap = libdeflate_gzip_compress_bound(c, len);
	out = xmalloc(cap);
	n = libdeflate_gzip_compress(c, data, len, out, cap);
	if (n == 0) {		/* cannot happen within the bound */
		free(out);
		return NULL;
	}
	*outlen = n;
	return out;
}

void
gzip_etag(const char *etag, char out[GZIP_ETAG_MAX])
{
	size_t n = strlen(etag);

	/* inside the quotes: a strong tag of its own, never equal to the body's */
	if (n >= 2 && etag[n - 1] == '"' && n + 5 < GZIP_ETAG_MAX)
		snprintf(out, GZIP_ETAG_MAX, "%.*s-gzip\"", (int)(n - 1), etag);
	else
		snprintf(out, GZIP_ETAG_MAX, "\"gzip\"");
}
