/*
 * fuzz_http.c: the HTTP request handling of http.c without a server.  The
 * input is read as a request ("METHOD TARGET VERSION" line, then "Name:
 * value" header lines up to an empty line) and goes where on_request sends
 * it: the method and body checks, the URL as libmicrohttpd hands it over
 * (query cut, percent-decoded), the router (site_get on a daemon with an
 * store holding a small calendar and ring file), then the
 * conditional-request helpers (etag_listed, parse_http_date) as
 * not_modified uses them, and http_date on the page's Last-Modified.
 * Every header value also goes through both helpers directly, with a
 * round trip: a parsed date printed and parsed again is the same instant,
 * and through the Accept-Encoding reader.  A page's gzip body, if it has
 * one, is smaller than the page and made once.
 * The daemon and its store are fuzz_daemon.h's.
 */
#include "fuzz_daemon.h"
#include "encoding.h"
#include "http.h"
#include "site.h"

#include <ctype.h>
#include <microhttpd.h>
#include <strings.h>

/* The first header named name (case-insensitive), as MHD_lookup_connection_value. */
static const char *
lookup(char **names, char **values, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return values[i];
	return NULL;
}

/* Both helpers on any text; they must not care what it is. */
static void
helpers(const char *v)
{
	char date[HTTP_DATE_MAX], etag[24];
	time_t t, t2;

	(void)etag_listed(v, "\"0123456789abcdef\"");
	(void)etag_listed(v, "");
	(void)accepts_gzip(v);
	if (parse_http_date(v, &t) == 0 && t >= 0 && t < (time_t)253402300800LL) {
		http_date(t, date);
		if (parse_http_date(date, &t2) != 0 || t2 != t) {
			fprintf(stderr, "date round trip: '%s' -> %lld -> '%s'\n", v, (long long)t,
			    date);
			abort();
		}
	}
	/* A value that is itself a strong etag matches itself, plain and weak. */
	if (strlen(v) < sizeof(etag) - 2 && strlen(v) >= 2 && v[0] == '"' &&
	    strchr(v + 1, '"') == v + strlen(v) - 1) {
		char weak[sizeof(etag) + 2];

		snprintf(weak, sizeof(weak), "W/%s", v);
		if (!etag_listed(v, v) || !etag_listed(weak, v))
			abort();
	}
}

#define MAX_HEADERS	64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct daemon *dm = fuzz_daemon("fuzz_http");
	char *req, *p, *line, *method, *url, *version, *names[MAX_HEADERS], *values[MAX_HEADERS];
	const char *cl, *inm, *ims, *gz;
	const struct page *pg;
	size_t gzlen, gzlen2;
	char *cause = NULL, date[HTTP_DATE_MAX];
	int nh = 0;

	if (size > 32 * 1024)	/* HTTP_CONN_MEMORY: MHD refuses more */
		return -1;
	req = fuzz_cstr(data, size);
	p = req;
	/* The request line. */
	line = strsep(&p, "\n");
	line[strcspn(line, "\r")] = '\0';
	method = strsep(&line, " ");
	url = line != NULL ? strsep(&line, " ") : NULL;
	version = line;
	/* Header lines up to the first empty one. */
	while (p != NULL && nh < MAX_HEADERS) {
		char *h = strsep(&p, "\n"), *colon;

		h[strcspn(h, "\r")] = '\0';
		if (*h == '\0')
			break;
		if ((colon = strchr(h, ':')) == NULL)
			continue;
		*colon++ = '\0';
		colon += strspn(colon, " \t");
		names[nh] = h;
		values[nh++] = colon;
		helpers(colon);
	}
	if (url == NULL || version == NULL || *url == '\0')
		goto out;
	/* on_request, first call: the method, then any body. */
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		goto out;
	cl = lookup(names, values, nh, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (lookup(names, values, nh, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL ||
	    (cl != NULL && cl[strspn(cl, "0 \t")] != '\0'))
		goto out;
	/* What MHD passes as url: no query string, percent-decoded. */
	url[strcspn(url, "?")] = '\0';
	MHD_http_unescape(url);
	/* The router, and the reply. */
	if ((pg = site_get(dm, url, &cause)) == NULL) {
		if (cause != NULL) {
			fprintf(stderr, "site_get(%s): %s\n", url, cause);
			abort();	/* an in-memory store must not fail */
		}
		goto out;
	}
	if (pg->path == NULL || strcmp(pg->path, url) != 0 || pg->body == NULL ||
	    strlen(pg->body) != pg->len || pg->etag[0] != '"')
		abort();
	http_date(pg->modified, date);
	if ((inm = lookup(names, values, nh, MHD_HTTP_HEADER_IF_NONE_MATCH)) != NULL) {
		(void)etag_listed(inm, pg->etag);
	} else if ((ims = lookup(names, values, nh, MHD_HTTP_HEADER_IF_MODIFIED_SINCE)) != NULL) {
		time_t since;

		(void)(parse_http_date(ims, &since) == 0 && pg->modified <= since);
	}
	if (!etag_listed(pg->etag, pg->etag) || !etag_listed("*", pg->etag))
		abort();
	if ((gz = site_body_gzip(pg, &gzlen)) != NULL &&
	    (gzlen >= pg->len || site_body_gzip(pg, &gzlen2) != gz || gzlen2 != gzlen))
		abort();
out:
	free(req);
	return 0;
}
